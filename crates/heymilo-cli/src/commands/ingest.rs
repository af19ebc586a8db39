//! `heymilo ingest`: one candidate from flags, or a file through the SDK's
//! bulk helper, one result per row.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;

use heymilo::Generation;
use heymilo::ingest::{Candidate, RowErrorKind, RowOutcome};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::Ctx;
use crate::cli::IngestArgs;
use crate::error::{self, CliError};
use crate::input::{self, Row};
use crate::output::{Column, Output, Shape, text};

/// The table of results.
const COLUMNS: &[Column] = &[
    text("ROW", "/row"),
    text("NAME", "/name"),
    text("EMAIL", "/email"),
    text("STATUS", "/status"),
    text("INTERVIEW", "/interview_id"),
    text("LINK", "/interview_link"),
    text("ERROR", "/error"),
];

/// The header of the results file.
const RESULT_HEADER: [&str; 8] = [
    "row",
    "name",
    "email",
    "status",
    "interview_id",
    "interview_link",
    "field",
    "error",
];

/// Invalid rows listed one per line before the rest are summed up.
const MAX_LISTED: usize = 20;

/// One input row's result.
#[derive(Debug, Serialize)]
struct RowResult {
    row: usize,
    name: String,
    email: String,
    /// `ingested`, `invalid`, `failed` or `unknown`.
    status: &'static str,
    interview_id: String,
    interview_link: String,
    field: String,
    error: String,
    /// The line of the file the row starts on (not printed).
    #[serde(skip)]
    line: u64,
    /// What is wrong with an invalid row's field (not printed).
    #[serde(skip)]
    invalid: String,
    /// The exit code this row's failure calls for (not printed).
    #[serde(skip)]
    code: u8,
}

impl RowResult {
    fn of(input: &Row, outcome: &RowOutcome) -> RowResult {
        let candidate = &input.candidate;
        let mut r = RowResult {
            row: input.row,
            line: input.line,
            invalid: String::new(),
            name: candidate.name.clone(),
            email: candidate.email.clone(),
            status: "ingested",
            interview_id: String::new(),
            interview_link: String::new(),
            field: String::new(),
            error: String::new(),
            code: error::OK,
        };
        match outcome {
            Ok(done) => {
                r.interview_id = done.interview_id.clone();
                r.interview_link = done.interview_link.clone();
            }
            Err(e) => {
                r.field = e.field().unwrap_or_default().to_owned();
                r.error = e.kind.to_string();
                (r.status, r.code) = match &e.kind {
                    RowErrorKind::Invalid(f) => {
                        r.invalid = f.message.clone();
                        ("invalid", error::LOCAL)
                    }
                    RowErrorKind::MaybeIngested(sdk) => ("unknown", error::sdk_code(sdk)),
                    RowErrorKind::Rejected(sdk) | RowErrorKind::NotIngested(sdk) => {
                        ("failed", error::sdk_code(sdk))
                    }
                    _ => ("failed", error::API),
                };
            }
        }
        r
    }

    fn record(&self) -> [String; 8] {
        [
            self.row.to_string(),
            self.name.clone(),
            self.email.clone(),
            self.status.to_owned(),
            self.interview_id.clone(),
            self.interview_link.clone(),
            self.field.clone(),
            self.error.clone(),
        ]
    }
}

/// Runs `heymilo ingest`.
pub async fn run(ctx: &Ctx, args: IngestArgs) -> anyhow::Result<()> {
    let url = match args.generation.generation {
        Generation::V1 => &ctx.v1_url,
        Generation::V2 => &ctx.v2_url,
    };
    let (rows, source) = match &args.file {
        Some(path) => {
            let format = input::format_of(path, args.input_format);
            (input::read(path, format)?, path.display().to_string())
        }
        None => (vec![from_flags(&args)?], String::new()),
    };
    if args.file.is_some() && !args.skip_invalid {
        refuse_invalid(&source, &rows)?;
    }

    let bar = progress_bar(rows.len() as u64, args.file.is_some());
    let report = {
        let bar = bar.clone();
        ctx.client
            .ingest()
            .into_generation(args.generation.generation, &args.target)
            .chunk_size(args.chunk_size as usize)
            .concurrency(args.concurrency as usize)
            .on_progress(move |p| bar.set_position(p.rows as u64))
            .run(rows.iter().map(|r| r.candidate.clone()))
            .await
    };
    bar.finish_and_clear();

    let results: Vec<RowResult> = rows
        .iter()
        .zip(&report.outcomes)
        .map(|(row, outcome)| RowResult::of(row, outcome))
        .collect();
    if results.len() != rows.len() {
        return Err(CliError::Failed {
            code: error::INTERNAL,
            message: format!("{} results for {} rows", results.len(), rows.len()),
        }
        .into());
    }

    match &args.results {
        Some(path) => write_results(path, &results)?,
        // One candidate that failed has only its error to show.
        None if args.file.is_none() && results.iter().any(|r| r.status != "ingested") => {}
        None => {
            let shape = if args.file.is_some() {
                Shape::List
            } else {
                Shape::One
            };
            let mut out = Output::new(ctx.format, shape, COLUMNS);
            for r in &results {
                out.item(r)?;
            }
            out.finish()?;
        }
    }
    conclude(&source, url, &results, args.results.as_deref())
}

/// The one candidate of `--name`, `--email`, `--phone`, `--metadata`; a
/// field that would be refused is a usage error naming its flag.
fn from_flags(args: &IngestArgs) -> Result<Row, CliError> {
    let mut candidate = Candidate::new(
        args.name.clone().unwrap_or_default(),
        args.email.clone().unwrap_or_default(),
    );
    if let Some(phone) = &args.phone {
        candidate = candidate.phone_number(phone);
    }
    for (k, v) in &args.metadata {
        candidate = candidate.metadata(k, v);
    }
    if let Err(invalid) = heymilo::validate::candidate(&candidate) {
        let flag = match invalid.field {
            "name" => "--name",
            "email" => "--email",
            "phone_number" => "--phone",
            _ => "--metadata",
        };
        return Err(CliError::Usage(format!(
            "invalid value for {flag}: {}",
            invalid.message
        )));
    }
    Ok(Row {
        row: 1,
        line: 0,
        candidate,
    })
}

/// Stops the run when any row fails the checks: each is reported on stderr
/// with its row, line and field; nothing is sent.
fn refuse_invalid(source: &str, rows: &[Row]) -> Result<(), CliError> {
    let invalid: Vec<String> = rows
        .iter()
        .filter_map(|r| {
            heymilo::validate::candidate(&r.candidate).err().map(|e| {
                format!(
                    "{source}: row {} (line {}), field {}: {}",
                    r.row, r.line, e.field, e.message
                )
            })
        })
        .collect();
    match invalid.as_slice() {
        [] => Ok(()),
        [one] => Err(CliError::Local(format!(
            "{one}; nothing was sent (--skip-invalid ingests the valid rows)"
        ))),
        many => {
            let mut stderr = std::io::stderr().lock();
            for line in many.iter().take(MAX_LISTED) {
                let _ = writeln!(stderr, "error: {line}");
            }
            if many.len() > MAX_LISTED {
                let _ = writeln!(
                    stderr,
                    "error: ... and {} more invalid rows",
                    many.len() - MAX_LISTED
                );
            }
            Err(CliError::Local(format!(
                "{} of {} rows in {source} are invalid; nothing was sent (--skip-invalid ingests the valid rows)",
                many.len(),
                rows.len()
            )))
        }
    }
}

/// A bar on stderr, drawn only for a file and only when stderr is a terminal.
fn progress_bar(rows: u64, from_file: bool) -> ProgressBar {
    if !from_file || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(rows), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("ingesting {bar:30} {pos}/{len} rows ({elapsed}, {eta} left)")
    {
        bar.set_style(style);
    }
    bar
}

/// Writes the results file: one row per input row, in input order.
fn write_results(path: &Path, results: &[RowResult]) -> anyhow::Result<()> {
    let local = |e: csv::Error| CliError::Local(format!("writing {}: {e}", path.display()));
    let mut writer = csv::Writer::from_path(path).map_err(local)?;
    writer.write_record(RESULT_HEADER).map_err(local)?;
    for r in results {
        writer.write_record(r.record()).map_err(local)?;
    }
    writer
        .flush()
        .map_err(|e| CliError::Local(format!("writing {}: {e}", path.display())))?;
    Ok(())
}

/// Warnings for skipped rows, one error line per failed row, a summary, and
/// the exit code: the first failed row's, or 0 when only invalid rows
/// (skipped on request) have no interview.
fn conclude(
    source: &str,
    url: &str,
    results: &[RowResult],
    results_file: Option<&Path>,
) -> anyhow::Result<()> {
    let mut stderr = std::io::stderr().lock();
    let mut failed = Vec::new();
    for r in results {
        match r.status {
            "invalid" => {
                let _ = writeln!(
                    stderr,
                    "warning: {source}: row {} (line {}), field {}: {} (skipped)",
                    r.row, r.line, r.field, r.invalid
                );
            }
            "ingested" => {}
            _ => failed.push(r),
        }
    }
    let ingested = results.iter().filter(|r| r.status == "ingested").count();
    if !source.is_empty() {
        let to = results_file
            .map(|p| format!("; results in {}", p.display()))
            .unwrap_or_default();
        let _ = writeln!(stderr, "{ingested} of {} rows ingested{to}", results.len());
    }
    let Some(first) = failed.first() else {
        return Ok(());
    };
    if source.is_empty() {
        return Err(CliError::Failed {
            code: first.code,
            message: format!("ingesting ({url}): {}", first.error),
        }
        .into());
    }
    for r in failed.iter().take(MAX_LISTED) {
        let _ = writeln!(stderr, "error: row {}: {}", r.row, r.error);
    }
    Err(CliError::Failed {
        code: first.code,
        message: format!(
            "{} of {} rows were not ingested ({url})",
            failed.len(),
            results.len()
        ),
    }
    .into())
}
