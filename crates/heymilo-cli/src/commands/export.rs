//! `heymilo export`: a posting's interviews to a file, with progress.

use std::io::{IsTerminal as _, Write as _};

use anyhow::Context as _;
use heymilo::export::{ExportProgress, ExportRun};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::Ctx;
use crate::cli::{ExportArgs, ExportKind};
use crate::output::{Column, Output, Shape, text};

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
    let bar = progress_bar(args.kind);
    let to_stdout = args.output.as_os_str() == "-";
    // A file appears only once complete (`FILE.part`, then renamed).
    let done = if to_stdout {
        export(ctx, &args, &bar)
            .to_writer(tokio::io::stdout())
            .await
            .context(what)?
    } else {
        export(ctx, &args, &bar)
            .to_path(&args.output)
            .await
            .context(what)?
    };
    bar.finish_and_clear();
    let summary = Summary {
        path: args.output.display().to_string(),
        kind,
        bytes: done.bytes,
        records: done.records,
        job_id: done.job_id,
    };
    if to_stdout {
        // The data went to stdout: the summary goes to stderr.
        let _ = writeln!(
            std::io::stderr(),
            "exported {} bytes of {kind}",
            summary.bytes
        );
        return Ok(());
    }
    let mut out = Output::new(ctx.format, Shape::One, COLUMNS);
    out.item(&summary)?;
    out.finish()
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
fn progress_bar(kind: ExportKind) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
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
