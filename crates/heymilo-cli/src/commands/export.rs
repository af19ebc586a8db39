//! `heymilo export`: a posting's interviews to a file, with progress.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use heymilo::ExportError;
use heymilo::export::{ExportSummary, Progress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

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
    let done = if to_stdout {
        let stdout = tokio::io::stdout();
        export(ctx, &args, stdout, &bar).await.context(what)?
    } else {
        to_file(ctx, &args, &bar).await.context(what)?
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

/// Exports into `FILE.part`, then renames it to `FILE`; removes the part on failure.
async fn to_file(
    ctx: &Ctx,
    args: &ExportArgs,
    bar: &ProgressBar,
) -> Result<ExportSummary, ExportError> {
    let path = &args.output;
    let part = part_path(path);
    let file = tokio::fs::File::create(&part)
        .await
        .map_err(|e| local(&part, e))?;
    let mut writer = tokio::io::BufWriter::new(file);
    let result = async {
        let done = export(ctx, args, &mut writer, bar).await?;
        writer.flush().await.map_err(|e| local(&part, e))?;
        writer
            .get_ref()
            .sync_all()
            .await
            .map_err(|e| local(&part, e))?;
        tokio::fs::rename(&part, path)
            .await
            .map_err(|e| local(path, e))?;
        Ok(done)
    }
    .await;
    if result.is_err() {
        drop(writer);
        let _ = tokio::fs::remove_file(&part).await;
    }
    result
}

/// An I/O error naming its file.
fn local(path: &Path, e: std::io::Error) -> ExportError {
    ExportError::Io(std::io::Error::new(
        e.kind(),
        format!("{}: {e}", path.display()),
    ))
}

/// `path` with `.part` added to its name.
fn part_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".part");
    path.with_file_name(name)
}

/// The export of `args.kind` into `writer`.
async fn export<W>(
    ctx: &Ctx,
    args: &ExportArgs,
    writer: W,
    bar: &ProgressBar,
) -> Result<ExportSummary, ExportError>
where
    W: AsyncWrite + Unpin,
{
    let progress = |p: Progress| match (args.kind, p.total_bytes, p.total_records) {
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
    };
    let client = &ctx.client;
    match args.kind {
        ExportKind::Interviews => {
            client
                .export_interviews_to(&args.posting, writer, progress)
                .await
        }
        ExportKind::Candidates => {
            client
                .export_candidates_jsonl(&args.posting, writer, progress)
                .await
        }
        ExportKind::Results => {
            client
                .export_interview_data_jsonl(&args.posting, writer, progress)
                .await
        }
    }
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
