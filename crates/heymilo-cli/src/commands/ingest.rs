//! `heymilo ingest`: one candidate from flags, or a file through the SDK's
//! bulk helper, one result per row.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use futures::StreamExt as _;

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
    /// The row, ingested, before its outcome is known.
    fn blank(input: &Row) -> RowResult {
        let candidate = &input.candidate;
        RowResult {
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
        }
    }

    fn of(input: &Row, outcome: &RowOutcome) -> RowResult {
        let mut r = RowResult::blank(input);
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
    // Rows an earlier run ingested keep their results and are not sent.
    let done = match &args.skip_done {
        Some(path) => previous(path, &source, &rows)?,
        None => BTreeMap::new(),
    };
    if !done.is_empty() && !ctx.style.quiet {
        eprintln!(
            "skipping {} rows already ingested (--skip-done)",
            done.len()
        );
    }
    let todo: Vec<&Row> = rows.iter().filter(|r| !done.contains_key(&r.row)).collect();

    let sent = send(ctx, &args, &todo).await;
    let mut results: Vec<RowResult> = done.into_values().chain(sent.results).collect();
    results.sort_by_key(|r| r.row);

    if sent.interrupted && args.file.is_none() {
        return Err(CliError::Failed {
            code: error::INTERRUPTED,
            message: "interrupted: HeyMilo may or may not have ingested the candidate".into(),
        }
        .into());
    }
    if sent.interrupted {
        let path = args
            .results
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("{source}.results.csv")));
        write_results(&path, &results)?;
        let ingested = results.iter().filter(|r| r.status == "ingested").count();
        let mut resume = format!(
            "heymilo ingest {} --file {}",
            quoted(&args.target),
            quoted(&source)
        );
        if args.generation.generation == Generation::V1 {
            resume.push_str(" -g v1");
        }
        let results_file = quoted(&path.display().to_string());
        let _ = write!(
            resume,
            " --skip-done {results_file} --results {results_file}"
        );
        return Err(CliError::Failed {
            code: error::INTERRUPTED,
            message: format!(
                "interrupted: {} of {} rows decided, {ingested} ingested; results in {}; resume with: {resume}",
                results.len(),
                rows.len(),
                path.display()
            ),
        }
        .into());
    }
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
            let mut out = Output::new(&ctx.style, shape, COLUMNS);
            for r in &results {
                out.item(r)?;
            }
            out.finish()?;
        }
    }
    conclude(&source, url, &results, args.results.as_deref())
}

/// What a run sent: a result per row decided, in order, and whether Ctrl-C
/// cut it short.
struct Sent {
    results: Vec<RowResult>,
    interrupted: bool,
}

/// Sends `rows` through the SDK's bulk ingest. The first Ctrl-C stops
/// feeding it and lets the chunks in flight finish; a second abandons them,
/// their rows `unknown` (HeyMilo may have them).
async fn send(ctx: &Ctx, args: &IngestArgs, rows: &[&Row]) -> Sent {
    let stop = Arc::new(AtomicBool::new(false));
    let pulled = Arc::new(AtomicUsize::new(0));
    let input = {
        let (stop, pulled) = (stop.clone(), pulled.clone());
        futures::stream::iter(rows.iter().map(|r| r.candidate.clone()))
            .take_while(move |_| std::future::ready(!stop.load(Ordering::SeqCst)))
            .inspect(move |_| {
                pulled.fetch_add(1, Ordering::SeqCst);
            })
    };
    let bar = progress_bar(rows.len() as u64, args.file.is_some() && !ctx.style.quiet);
    let outcomes = {
        let bar = bar.clone();
        ctx.client
            .ingest()
            .into_generation(args.generation.generation, &args.target)
            .chunk_size(args.chunk_size as usize)
            .concurrency(args.concurrency as usize)
            .on_progress(move |p| bar.set_position(p.rows as u64))
            .stream(input)
    };
    futures::pin_mut!(outcomes);
    let mut interrupts = crate::interrupt::Interrupts::listen();
    let mut results = Vec::with_capacity(rows.len());
    let mut interrupted = false;
    loop {
        tokio::select! {
            outcome = outcomes.next() => match outcome {
                Some(o) => results.push(RowResult::of(rows[results.len()], &o)),
                None => break,
            },
            () = interrupts.next() => {
                if interrupted {
                    break;
                }
                interrupted = true;
                stop.store(true, Ordering::SeqCst);
                bar.suspend(|| eprintln!(
                    "interrupted: finishing the requests in flight (Ctrl-C again abandons them)"
                ));
            }
        }
    }
    bar.finish_and_clear();
    // Abandoned in flight: sent, or about to be, with no answer.
    let in_flight = pulled.load(Ordering::SeqCst).min(rows.len());
    for row in rows.iter().take(in_flight).skip(results.len()) {
        let mut r = RowResult::blank(row);
        r.status = "unknown";
        r.error = "interrupted while in flight: HeyMilo may have ingested it".into();
        r.code = error::INTERRUPTED;
        results.push(r);
    }
    Sent {
        results,
        interrupted,
    }
}

/// The results an earlier run wrote for this file: the ingested rows, each
/// checked against the input (same row, same email).
fn previous(
    path: &Path,
    source: &str,
    rows: &[Row],
) -> Result<BTreeMap<usize, RowResult>, CliError> {
    let name = path.display();
    let local = |e: csv::Error| CliError::Local(format!("--skip-done {name}: {e}"));
    let mut reader = csv::Reader::from_path(path).map_err(local)?;
    let mut done = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(local)?;
        let cell = |i: usize| record.get(i).unwrap_or_default().to_owned();
        if cell(3) != "ingested" {
            continue;
        }
        let input = cell(0)
            .parse::<usize>()
            .ok()
            .and_then(|n| rows.get(n.wrapping_sub(1)))
            .filter(|r| r.candidate.email == cell(2))
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "--skip-done {name}: its row {} ({}) is not that row of {source}: a results file of another input?",
                    cell(0),
                    cell(2)
                ))
            })?;
        let mut r = RowResult::blank(input);
        r.interview_id = cell(4);
        r.interview_link = cell(5);
        done.insert(input.row, r);
    }
    Ok(done)
}

/// `text` as one shell word.
fn quoted(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+,".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
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
    let invalid = results.iter().filter(|r| r.status == "invalid").count();
    let skipped = match invalid {
        0 => String::new(),
        n => format!(", {n} invalid"),
    };
    Err(CliError::Failed {
        code: first.code,
        message: format!(
            "{} of {} rows were not ingested: {} failed at HeyMilo ({url}){skipped}",
            failed.len() + invalid,
            results.len(),
            failed.len(),
        ),
    }
    .into())
}
