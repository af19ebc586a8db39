//! `heymilo export`: a posting's interviews to a file, with progress.

use std::io::{IsTerminal as _, Write as _};

use anyhow::Context as _;
use heymilo::export::{ExportProgress, ExportRun};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use std::path::{Path, PathBuf};

use super::Ctx;
use crate::cli::{ExportArgs, ExportKind};
use crate::error::{self, CliError};
use crate::interrupt::Interrupts;
use crate::output::{Column, Output, text};

/// The table of the summary.
const COLUMNS: &[Column] = &[
    text("PATH", "/path"),
    text("KIND", "/kind"),
    text("BYTES", "/bytes"),
    text("RECORDS", "/records"),
    text("JOB", "/job_id"),
];

/// What was exported.
#[derive(Debug, Serialize)]
struct Summary {
    path: String,
    kind: &'static str,
    bytes: u64,
    records: u64,
    job_id: Option<String>,
}

/// Runs `heymilo export`.
pub async fn run(ctx: &Ctx, args: ExportArgs) -> anyhow::Result<()> {
    let (kind, url) = match args.kind {
        ExportKind::Interviews => ("interviews", &ctx.v1_url),
        ExportKind::Candidates => ("candidates", &ctx.v2_url),
        ExportKind::Results => ("results", &ctx.v2_url),
    };
    let what = format!("exporting the {kind} of posting {} ({url})", args.posting);
    let bar = progress_bar(args.kind, ctx.style.quiet);
    let to_stdout = args.output.as_os_str() == "-";
    let mut interrupts = Interrupts::listen();
    // A file appears only once complete (`FILE.part`, then renamed).
    let work = async {
        if to_stdout {
            export(ctx, &args, &bar)
                .to_writer(tokio::io::stdout())
                .await
        } else {
            export(ctx, &args, &bar).to_path(&args.output).await
        }
    };
    let done = tokio::select! {
        done = work => done.context(what)?,
        () = interrupts.next() => {
            bar.finish_and_clear();
            let mut part = args.output.clone().into_os_string();
            part.push(".part");
            let removed = !to_stdout && std::fs::remove_file(&part).is_ok();
            return Err(CliError::Failed {
                code: error::INTERRUPTED,
                message: match removed {
                    true => format!("interrupted: removed the partial {}", PathBuf::from(part).display()),
                    false => "interrupted".into(),
                },
            }
            .into());
        }
    };
    bar.finish_and_clear();
    let records = match (args.kind, to_stdout) {
        // v1's file is one JSON array: its elements are the records.
        (ExportKind::Interviews, false) => count_elements(&args.output)?,
        _ => done.records,
    };
    let summary = Summary {
        path: args.output.display().to_string(),
        kind,
        bytes: done.bytes,
        records,
        job_id: done.job_id,
    };
    if to_stdout {
        // The data went to stdout: the summary goes to stderr.
        if !ctx.style.quiet {
            let _ = writeln!(
                std::io::stderr(),
                "exported {} bytes of {kind}",
                summary.bytes
            );
        }
        return Ok(());
    }
    Output::one(&ctx.style, COLUMNS, &summary)
}

/// The elements of the JSON array in `path`, read without holding them.
fn count_elements(path: &Path) -> anyhow::Result<u64> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let items: Vec<serde::de::IgnoredAny> =
        serde_json::from_reader(std::io::BufReader::new(file)).unwrap_or_default();
    Ok(items.len() as u64)
}

/// The export of `args.kind`, with the bar following its progress.
fn export<'a>(ctx: &Ctx, args: &ExportArgs, bar: &'a ProgressBar) -> ExportRun<'a> {
    let exports = ctx.client.export();
    let run = match args.kind {
        ExportKind::Interviews => exports.interviews(&args.posting),
        ExportKind::Candidates => exports.candidates(&args.posting),
        ExportKind::Results => exports.interview_data(&args.posting),
    };
    let kind = args.kind;
    run.on_progress(
        move |p: ExportProgress| match (kind, p.total_bytes, p.total_records) {
            (ExportKind::Interviews, total, _) => {
                if let Some(total) = total {
                    bar.set_length(total);
                }
                bar.set_position(p.bytes_written);
            }
            (_, _, total) => {
                if let Some(total) = total {
                    bar.set_length(total);
                }
                bar.set_position(p.records);
            }
        },
    )
}

/// A bar on stderr when it is a terminal: bytes for the file, records for JSON Lines.
fn progress_bar(kind: ExportKind, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let template = match kind {
        ExportKind::Interviews => "exporting {bar:30} {bytes}/{total_bytes} ({bytes_per_sec})",
        _ => "exporting {bar:30} {pos}/{len} records ({elapsed})",
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
