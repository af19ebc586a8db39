//! The command line: every command, flag and help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use heymilo::Generation;

use crate::output::Format;

const TOP_EXAMPLES: &str = "\
Examples:
  # Try it without an account: a local HeyMilo in one terminal...
  $ heymilo mock --port 4010
  # ...and in another
  $ export HEYMILO_API_KEY=hm_mock_key HEYMILO_BASE_URL=http://127.0.0.1:4010

  $ heymilo postings
  $ heymilo candidates list 13D77095 --all --format jsonl > candidates.jsonl
  $ heymilo ingest 13D77095 --file people.csv --results results.csv
  $ heymilo export 13D77095 --output interviews.json
  $ heymilo webhooks create --posting 13D77095 --url https://hooks.example.com/h --event interview_completed
  $ heymilo mock advance D536A69A4090E13F --to completed

API generations:
  HeyMilo serves two: v1 (legacy, api.heymilo.network) and v2 (current,
  api.heymilo.ai). Each command uses the one that has what it needs, and
  says which in its help; `webhooks` and `ingest` take --generation.

Environment:
  HEYMILO_API_KEY   the workspace's API key (--api-key); never printed
  HEYMILO_BASE_URL  one host serving both generations (--base-url), e.g. heymilo mock
  HEYMILO_V1_URL    v1 base URL (--v1-url), default https://api.heymilo.network
  HEYMILO_V2_URL    v2 base URL (--v2-url), default https://api.heymilo.ai

Exit codes:
  0    success
  2    usage error: bad flags or arguments, no API key, a request refused before sending
  3    API error: HeyMilo answered 4xx/5xx (wrong key, not found, invalid, rate limited, failed)
  4    network error: HeyMilo could not be reached or did not answer in time
  5    local error: a file cannot be read or written, an invalid input row
  130  interrupted (Ctrl-C)

Learn more:
  Use `heymilo <command> --help` for more about a command.
  Every other operation of both generations is a `heymilo api v1|v2 <operation>` command.";

/// Work with the HeyMilo recruiting API (v1 and v2) from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "heymilo",
    bin_name = "heymilo",
    version,
    propagate_version = true,
    disable_help_flag = true,
    after_help = TOP_EXAMPLES
)]
pub struct Cli {
    /// Settings every command that calls HeyMilo shares.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Settings every command that calls HeyMilo shares.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// The workspace's API key
    #[arg(
        long,
        global = true,
        env = "HEYMILO_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
    /// Base URL of one host serving both generations (v1 at the root, v2 under /api/v2)
    #[arg(long, global = true, env = "HEYMILO_BASE_URL", hide_env_values = true)]
    pub base_url: Option<String>,
    /// Base URL of API v1, over --base-url [default: https://api.heymilo.network]
    #[arg(long, global = true, env = "HEYMILO_V1_URL", hide_env_values = true)]
    pub v1_url: Option<String>,
    /// Base URL of API v2, over --base-url [default: https://api.heymilo.ai]
    #[arg(long, global = true, env = "HEYMILO_V2_URL", hide_env_values = true)]
    pub v2_url: Option<String>,
    /// Output format [default: table on a terminal, jsonl otherwise]
    #[arg(long, short = 'F', global = true, value_enum)]
    pub format: Option<Format>,
    /// Only these fields, in this order (json, jsonl and table)
    #[arg(long, global = true, value_name = "A,B,C", value_delimiter = ',')]
    pub fields: Vec<String>,
    /// Tables: show every cell whole, however wide the terminal
    #[arg(long, global = true)]
    pub wide: bool,
    /// Tables: leave out the header row
    #[arg(long, global = true)]
    pub no_headers: bool,
    /// Seconds to wait for each request
    #[arg(
        long,
        global = true,
        default_value_t = 60,
        value_name = "SECONDS",
        value_parser = count(1, u64::MAX)
    )]
    pub timeout: u64,
    /// Retries after a failed request (connection, timeout, 429, 5xx)
    #[arg(long, global = true, default_value_t = 2, value_name = "N")]
    pub max_retries: u32,
    /// Nothing on stderr but errors: no progress, waits or hints
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Log each request and retry to stderr
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Print help (-h and --help alike, the whole of it)
    #[arg(long, short, global = true, action = clap::ArgAction::HelpLong)]
    pub help: Option<bool>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List job postings with their url keys
    ///
    /// API v2: only v2 returns a posting's ingestion url key, which `ingest -g v1` needs.
    Postings(PostingsCmd),
    /// List the candidates of a posting
    ///
    /// API v2: v1 has no way to list candidates.
    #[command(subcommand)]
    Candidates(CandidatesCmd),
    /// Show an interview (v1) or its full results (v2)
    ///
    /// API v1 for `get` (candidate, workflow and scores in one answer), v2 for
    /// `data` (every step, transcript and score: only v2 has them).
    #[command(subcommand)]
    Interviews(InterviewsCmd),
    /// Create, list, show and deactivate webhook subscriptions
    ///
    /// API v2 by default, v1 with --generation v1: a subscription lives in the
    /// generation that created it and delivers that generation's events.
    #[command(subcommand)]
    Webhooks(WebhooksCmd),
    /// Add candidates to a posting: one from flags, or a CSV / JSON Lines file
    #[command(long_about = INGEST_LONG, after_help = INGEST_EXAMPLES)]
    Ingest(IngestArgs),
    /// Download every interview of a posting to a file
    #[command(long_about = EXPORT_LONG, after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
    /// Check that both API generations answer
    ///
    /// API v1 and v2: each has its own health check, and its own host in production.
    #[command(after_help = "Examples:\n  $ heymilo health\n  $ heymilo health --format json")]
    Health,
    /// Run a local HeyMilo (heymilo-mock), or move its interviews on
    #[command(long_about = MOCK_LONG, after_help = MOCK_EXAMPLES)]
    Mock(MockCmd),
    /// Call any operation of either generation: `heymilo api v2 --help` lists them
    Api(crate::api::ApiArgs),
    /// Print a shell completion script
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  $ heymilo completions bash > ~/.local/share/bash-completion/completions/heymilo
  $ heymilo completions zsh > \"${fpath[1]}/_heymilo\"
  $ heymilo completions fish > ~/.config/fish/completions/heymilo.fish";

/// How many items a list prints.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Print at most this many items
    #[arg(long, short = 'L', default_value_t = 20, value_name = "N",
          value_parser = count(1, u64::MAX), conflicts_with = "all")]
    pub limit: u64,
    /// Print every item, following every page
    #[arg(long, short = 'a')]
    pub all: bool,
    /// Items per request when following pages (1-100)
    #[arg(long, default_value_t = 100, value_name = "N", value_parser = count(1, 100))]
    pub page_size: u64,
}

/// A whole number from `min` to `max`, refused in words ("at least 1"),
/// never as a range with `u64::MAX` in it.
pub fn count(min: u64, max: u64) -> impl Fn(&str) -> Result<u64, String> + Clone {
    move |s: &str| {
        let n: u64 = s
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not a whole number"))?;
        match (n < min, n > max, max == u64::MAX) {
            (true, _, true) => Err(format!("must be at least {min}")),
            (false, false, _) => Ok(n),
            _ => Err(format!("must be from {min} to {max}")),
        }
    }
}

/// An instant for `--created-after`/`--created-before`: ISO-8601 (a date, a
/// date-time with or without offset, read as UTC without) or Unix seconds;
/// passed on as RFC 3339 or the seconds given.
pub fn instant(s: &str) -> Result<String, String> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat};
    let s = s.trim();
    if s.parse::<f64>().is_ok_and(f64::is_finite) {
        return Ok(s.to_owned());
    }
    let utc = DateTime::parse_from_rfc3339(s)
        .map(|t| t.to_utc())
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").map(|t| t.and_utc()))
        .or_else(|_| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        })
        .map_err(|_| {
            format!("{s:?} is not a time: use ISO-8601 (2026-03-01, 2026-03-01T09:00:00Z) or Unix seconds")
        })?;
    Ok(utc.to_rfc3339_opts(SecondsFormat::Secs, true))
}

const POSTINGS_EXAMPLES: &str = "\
Examples:
  $ heymilo postings
  $ heymilo postings --limit 5
  $ heymilo postings --all --format jsonl | jq -r .id
  $ heymilo postings --fields id,title,urls --format json

Learn more:
  The url key (URL KEY) is what `heymilo ingest KEY -g v1` takes.";

/// `heymilo postings [list]`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, after_help = POSTINGS_EXAMPLES)]
pub struct PostingsCmd {
    /// `list`, the only one (and the default).
    #[command(subcommand)]
    pub command: Option<PostingsSub>,
    /// The list flags when `list` is left out.
    #[command(flatten)]
    pub list: ListArgs,
}

/// What `postings` does.
#[derive(Debug, Subcommand)]
pub enum PostingsSub {
    /// List job postings with their url keys (the default; API v2)
    #[command(after_help = POSTINGS_EXAMPLES)]
    List(ListArgs),
}

const CANDIDATES_EXAMPLES: &str = "\
Examples:
  # The 20 newest candidates
  $ heymilo candidates list 13D77095
  # Every candidate, one JSON object per line
  $ heymilo candidates list 13D77095 --all --format jsonl > candidates.jsonl
  # Invited during March 2026 (ISO-8601 or Unix seconds)
  $ heymilo candidates list 13D77095 --all --created-after 2026-03-01T00:00:00Z --created-before 2026-03-31T23:59:59Z";

/// `heymilo candidates ...`.
#[derive(Debug, Subcommand)]
pub enum CandidatesCmd {
    /// List the candidates of a posting, newest first
    ///
    /// API v2: v1 has no way to list candidates.
    #[command(after_help = CANDIDATES_EXAMPLES)]
    List(CandidatesList),
}

/// `heymilo candidates list`.
#[derive(Debug, Args)]
pub struct CandidatesList {
    /// The posting
    #[arg(value_name = "POSTING")]
    pub posting: String,
    /// Only candidates invited at or after this instant (ISO-8601 or Unix seconds)
    #[arg(long, value_name = "TIME", value_parser = instant)]
    pub created_after: Option<String>,
    /// Only candidates invited at or before this instant (ISO-8601 or Unix seconds)
    #[arg(long, value_name = "TIME", value_parser = instant)]
    pub created_before: Option<String>,
    /// How many.
    #[command(flatten)]
    pub list: ListArgs,
}

/// `heymilo interviews ...`.
#[derive(Debug, Subcommand)]
pub enum InterviewsCmd {
    /// Show an interview with its candidate, workflow and scores
    ///
    /// API v1: its interview holds the candidate, workflow status and scores in one answer.
    #[command(
        after_help = "Examples:\n  $ heymilo interviews get D536A69A4090E13F\n  $ heymilo interviews get D536A69A4090E13F --format json"
    )]
    Get {
        /// The interview
        #[arg(value_name = "INTERVIEW")]
        id: String,
    },
    /// Show an interview's full results: every step, transcript and score
    ///
    /// API v2: only v2 returns every step's transcript and score.
    #[command(after_help = "Examples:\n  $ heymilo interviews data D536A69A4090E13F --format json")]
    Data {
        /// The interview
        #[arg(value_name = "INTERVIEW")]
        id: String,
    },
}

/// `v1` or `v2`, parsed into the SDK's one [`Generation`] type.
fn generation() -> impl clap::builder::TypedValueParser<Value = Generation> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["v1", "v2"]).try_map(|s| s.parse::<Generation>())
}

/// `--generation`.
#[derive(Debug, Clone, Copy, Args)]
pub struct GenerationArg {
    /// The API generation
    #[arg(long, short = 'g', default_value = "v2", value_parser = generation())]
    pub generation: Generation,
}

/// How HeyMilo calls a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    // A JSON body
    Post,
    // Query parameters (v1 only)
    Get,
}

const WEBHOOKS_EXAMPLES: &str = "\
Examples:
  $ heymilo webhooks create --posting 13D77095 --url https://hooks.example.com/h --event interview_completed
  $ heymilo webhooks create -g v1 --posting 13D77095 --url https://hooks.example.com/h --event report_available --method get
  $ heymilo webhooks list --posting 13D77095
  $ heymilo webhooks get 5f1c... -g v1
  $ heymilo webhooks deactivate 5f1c...

Learn more:
  API v2 by default, v1 with -g v1: a subscription lives in the generation
  that created it and delivers that generation's events.
  Try one from a shell: `heymilo mock`, subscribe, then `heymilo mock advance INTERVIEW --to completed`.";

/// `heymilo webhooks ...`.
#[derive(Debug, Subcommand)]
pub enum WebhooksCmd {
    /// Subscribe a URL to an event of a posting
    #[command(after_help = WEBHOOKS_EXAMPLES)]
    Create {
        /// The posting whose events to deliver
        #[arg(long, value_name = "POSTING")]
        posting: String,
        /// Where HeyMilo delivers the events
        #[arg(long, value_name = "URL")]
        url: String,
        /// The event: interview_started, interview_completed, report_available (v1);
        /// v2 also takes its other event names
        #[arg(long, value_name = "EVENT", default_value = "interview_completed")]
        event: String,
        /// How HeyMilo calls the URL
        #[arg(long, value_enum, default_value_t = Method::Post)]
        method: Method,
        /// The generation.
        #[command(flatten)]
        generation: GenerationArg,
    },
    /// List subscriptions, of one posting or all
    #[command(after_help = WEBHOOKS_EXAMPLES)]
    List {
        /// Only this posting's
        #[arg(long, value_name = "POSTING")]
        posting: Option<String>,
        /// The generation.
        #[command(flatten)]
        generation: GenerationArg,
    },
    /// Show one subscription
    #[command(after_help = WEBHOOKS_EXAMPLES)]
    Get {
        /// The webhook
        #[arg(value_name = "WEBHOOK")]
        id: String,
        /// The generation.
        #[command(flatten)]
        generation: GenerationArg,
    },
    /// Stop deliveries to a subscription (safe to repeat: one already gone is not an error)
    #[command(after_help = WEBHOOKS_EXAMPLES)]
    Deactivate {
        /// The webhook
        #[arg(value_name = "WEBHOOK")]
        id: String,
        /// The generation.
        #[command(flatten)]
        generation: GenerationArg,
    },
}

/// The layout of an ingest file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    // Comma-separated values with a header row
    Csv,
    // One JSON object per line
    Jsonl,
}

const INGEST_LONG: &str = "\
Add candidates to a posting and print each one's interview

One candidate comes from --name and --email (with --phone and --metadata);
many come from --file, sent in bulk requests through the rate limit, with a
progress bar on a terminal.

--file takes CSV or JSON Lines (chosen by the file's extension, or
--input-format):
  CSV         a header row with `name` and `email` columns, optionally
              `phone_number` (or `phone`); every other column becomes a
              metadata label (empty cells are left out).
  JSON Lines  one object per line: {\"name\", \"email\", \"phone_number\",
              \"metadata\": {..strings..}, \"data\": {..}}; blank lines are skipped.

Rows are numbered from 1, not counting the CSV header; lines count LF and
CRLF line ends alike.

Invalid rows: every row is checked (name, email, E.164 phone, metadata
limits) before anything is sent. By default one invalid row stops the run:
each invalid row is reported on stderr as `error: FILE: row N (line L),
field F: ...`, nothing is sent, and the exit code is 5. With --skip-invalid
the valid rows are ingested, each invalid row gets a warning and a result
row with status `invalid`, and they do not change the exit code.

Results: one per input row, in input order, with status `ingested`,
`invalid`, `failed` (nothing was created) or `unknown` (the request failed
after HeyMilo may have processed it; v2 only). --results writes them to a
CSV file (row,name,email,status,interview_id,interview_link,field,error)
and prints only a summary; without it they go to stdout in --format.
When a row failed at HeyMilo the exit code is 3 (or 4 for a network
failure), after every row has been tried.

Ctrl-C: the requests in flight finish (a second Ctrl-C abandons them, their
rows `unknown`), the results of every row decided so far are written (to
--results, or FILE.results.csv), and the command to resume is printed:
--skip-done RESULTS skips the rows a results file says were ingested (rows
`unknown` are sent again: v1 never makes a second interview, v2 may).

API v2 by default, into a posting id; v1 (--generation v1) into a posting's
ingestion url key (`heymilo postings` shows it), and never creates a second
interview for a candidate who already has one.";

const INGEST_EXAMPLES: &str = "\
Examples:
  $ heymilo ingest 13D77095 --name 'Jane Doe' --email jane@example.com --phone +12065551234 --metadata source=referral
  $ heymilo ingest 13D77095 --file people.csv --results results.csv
  $ heymilo ingest 13D77095 --file people.jsonl --skip-invalid --format json
  $ heymilo ingest backend-engineer-13d7 --generation v1 --file people.csv
  # After a Ctrl-C or a failure: send only what is left
  $ heymilo ingest 13D77095 --file people.csv --skip-done results.csv --results results.csv

people.csv:
  name,email,phone_number,external_id
  Jane Doe,jane@example.com,+12065551234,c-001
  Li Wei,li.wei@example.com,,c-002";

/// `heymilo ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The posting id (v2) or the posting's ingestion url key (v1)
    #[arg(value_name = "POSTING_OR_URL_KEY")]
    pub target: String,
    /// The candidate's full name
    #[arg(long, required_unless_present = "file", conflicts_with = "file")]
    pub name: Option<String>,
    /// The candidate's email
    #[arg(long, required_unless_present = "file", conflicts_with = "file")]
    pub email: Option<String>,
    /// The candidate's phone number, E.164 (+12065551234)
    #[arg(long, value_name = "PHONE", conflicts_with = "file")]
    pub phone: Option<String>,
    /// A metadata label, KEY=VALUE (repeatable)
    #[arg(long = "metadata", short = 'm', value_name = "KEY=VALUE",
          value_parser = parse_key_value, conflicts_with = "file")]
    pub metadata: Vec<(String, String)>,
    /// Ingest every row of a CSV or JSON Lines file
    #[arg(long, short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// The file's layout [default: from its extension, csv otherwise]
    #[arg(long, value_enum, requires = "file")]
    pub input_format: Option<InputFormat>,
    /// Write one result row per input row to this CSV file
    #[arg(long, value_name = "FILE", requires = "file")]
    pub results: Option<PathBuf>,
    /// Skip the rows this results file (of an earlier run on the same file) says were ingested
    #[arg(long, value_name = "RESULTS", requires = "file")]
    pub skip_done: Option<PathBuf>,
    /// Ingest the valid rows and report the invalid ones; without it an invalid row stops the run, nothing sent (exit 5)
    #[arg(long, requires = "file")]
    pub skip_invalid: bool,
    /// Candidates per bulk request (1-1000)
    #[arg(long, default_value_t = 100, value_name = "N", value_parser = count(1, 1000))]
    pub chunk_size: u64,
    /// Bulk requests in flight at once
    #[arg(long, default_value_t = 4, value_name = "N", value_parser = count(1, 32))]
    pub concurrency: u64,
    /// The generation.
    #[command(flatten)]
    pub generation: GenerationArg,
}

/// Parses `KEY=VALUE`.
fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// What `export` downloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    // v1's export file: every interview as one JSON document
    Interviews,
    // Every candidate, as JSON Lines (v2 list_candidates)
    Candidates,
    // Every interview's full results, as JSON Lines (v2 get_interview_data)
    Results,
}

const EXPORT_EXAMPLES: &str = "\
Examples:
  $ heymilo export 13D77095 --output interviews.json
  $ heymilo export 13D77095 --kind candidates --output candidates.jsonl
  $ heymilo export 13D77095 --output - | jq length";

const EXPORT_LONG: &str = "\
Download every interview of a posting to a file

A progress bar shows on a terminal. The file appears only once complete: the data goes to FILE.part first and is
renamed at the end (removed on failure or Ctrl-C). The summary (path, kind,
bytes, records, export job) is printed in --format; with `--output -` the
data goes to stdout and the summary to stderr.

API v1 for --kind interviews (only v1 exports a posting's interviews as one
file: a JSON array); v2 for candidates and results (JSON Lines, one record
per line, paged from v2's lists).";

/// `heymilo export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The posting
    #[arg(value_name = "POSTING")]
    pub posting: String,
    /// Where to write, `-` for stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// What to export: interviews (v1's file, one JSON document), candidates
    /// (v2, JSON Lines) or results (every interview's full data, v2, JSON Lines)
    #[arg(long, value_enum, default_value_t = ExportKind::Interviews)]
    pub kind: ExportKind,
}

const MOCK_LONG: &str = "\
Run a local HeyMilo (heymilo-mock), or move its interviews on

`heymilo mock` runs heymilo-mock, a local stateful HeyMilo serving both
generations (v1 at the root, v2 under /api/v2) from seeded data, until
Ctrl-C. It prints its URL, its key, a line of exports for another shell, and
its postings. It takes the same flags as the heymilo-mock binary (key, seed,
sizes, latency, faults).

`heymilo mock advance INTERVIEW --to started|completed|report` moves an
interview of a running mock on and delivers the matching webhooks, like a
candidate would (the mock at --base-url, HEYMILO_BASE_URL or HEYMILO_V2_URL).

No API generation: the mock serves both, and no HeyMilo account is needed.";

const MOCK_EXAMPLES: &str = "\
Examples:
  $ heymilo mock
  $ heymilo mock --port 0 --candidates-per-posting 500 --seed 7
  $ heymilo mock --api-key hm_test --latency-ms 200 --error-rate 0.1
  # In another shell: a webhook consumer's test from start to report
  $ heymilo webhooks create --posting 13D77095 --url http://127.0.0.1:8080/hook
  $ heymilo mock advance D536A69A4090E13F --to started
  $ heymilo mock advance D536A69A4090E13F --to completed
  $ heymilo mock advance D536A69A4090E13F --to report";

/// `heymilo mock [advance]`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MockCmd {
    /// `advance`; without it the mock runs.
    #[command(subcommand)]
    pub command: Option<MockSub>,
    /// The server's flags, the same as heymilo-mock's.
    #[command(flatten)]
    pub serve: heymilo_mock::cli::ServeArgs,
}

/// What `mock` does besides running.
#[derive(Debug, Subcommand)]
pub enum MockSub {
    /// Move an interview of a running mock on and deliver its webhooks
    ///
    /// No API generation: it drives the mock's control route, which HeyMilo does not have.
    #[command(after_help = MOCK_EXAMPLES)]
    Advance {
        /// The interview
        #[arg(value_name = "INTERVIEW")]
        interview: String,
        /// The stage to move it to
        #[arg(long, value_enum)]
        to: Stage,
    },
}

/// A stage of an interview's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Stage {
    // The candidate started (interview_started)
    Started,
    // The candidate finished (interview_completed)
    Completed,
    // The report is ready (report_available)
    Report,
}
