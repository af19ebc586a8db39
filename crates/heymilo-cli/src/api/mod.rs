//! `heymilo api v1|v2 <operation>`: every operation of both generations.
//!
//! The commands are generated at build time from the specs by
//! `heymilo_codegen::generate_cli` (see `build.rs`): per generation a table,
//! [`Operation`]s, from which this module builds the clap commands, and a
//! `call` function that sets each flag given on the operation's builder of
//! `heymilo::Client` (its retries, rate limit and key handling) and hands the
//! answer to [`print`], [`stream`] or [`bytes`]. Nothing here names an
//! operation: a new one in a spec is a new command.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Read as _, Write as _};

use anyhow::Context as _;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches};
use futures::TryStreamExt as _;
use heymilo::Generation;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::commands::Ctx;
use crate::error::{CliError, NETWORK};
use crate::output::{Format, Output, Shape, Style};

// Generated source (heymilo-codegen, reviewed as a snapshot), linted like the
// rest of the crate.
mod v1 {
    include!(concat!(env!("OUT_DIR"), "/api_v1.rs"));
}
mod v2 {
    include!(concat!(env!("OUT_DIR"), "/api_v2.rs"));
}

/// One generated command: an operation of a spec.
#[derive(Debug)]
pub struct Operation {
    /// The command name, the operationId in kebab case.
    pub name: &'static str,
    /// The spec's first tag, which groups commands in help.
    pub tag: &'static str,
    /// One line.
    pub about: &'static str,
    /// Summary and description.
    pub long_about: &'static str,
    /// Its parameters, then its body's scalar properties.
    pub flags: &'static [Flag],
    /// Its JSON body, if any.
    pub body: Option<Body>,
    /// Whether `--all` follows every page.
    pub paged: bool,
}

/// One flag of a command.
#[derive(Debug)]
pub struct Flag {
    /// The long flag.
    pub flag: &'static str,
    /// Its value's name in help.
    pub value_name: &'static str,
    /// The parameter or body property it sets.
    pub name: &'static str,
    /// Where it goes.
    pub location: Location,
    /// Whether it must be given.
    pub required: bool,
    /// How it parses.
    pub kind: Kind,
    /// Its help, with the spec's bounds and server default.
    pub help: &'static str,
}

/// Where a flag's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// The URL path.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// A top-level property of the JSON body.
    Body,
}

/// How a flag's value parses.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Text.
    Text,
    /// One of these.
    Choice(&'static [&'static str]),
    /// A non-negative integer in this range.
    Unsigned(std::ops::RangeInclusive<u64>),
    /// An integer.
    Signed,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
}

/// A command's JSON body.
#[derive(Debug)]
pub struct Body {
    /// Whether the operation needs one.
    pub required: bool,
    /// Its required top-level properties.
    pub required_fields: &'static [&'static str],
    /// A body with just the required properties.
    pub example: &'static str,
}

/// `heymilo api ...`: the generation and command chosen, with its flags.
#[derive(Debug, Clone)]
pub struct ApiArgs {
    generation: Generation,
    name: String,
    matches: ArgMatches,
}

impl FromArgMatches for ApiArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let missing = || clap::Error::new(clap::error::ErrorKind::MissingSubcommand);
        let (generation, m) = m.subcommand().ok_or_else(missing)?;
        let (name, m) = m.subcommand().ok_or_else(missing)?;
        Ok(ApiArgs {
            generation: generation.parse().map_err(|_| missing())?,
            name: name.to_owned(),
            matches: m.clone(),
        })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl Args for ApiArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.subcommand_required(true)
            .after_help(API_EXAMPLES)
            .subcommand(tree(
                "v1",
                "API v1 (legacy, https://api.heymilo.network)",
                v1::COMMANDS,
            ))
            .subcommand(tree(
                "v2",
                "API v2 (current, https://api.heymilo.ai)",
                v2::COMMANDS,
            ))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

const API_EXAMPLES: &str = "\
Examples:
  $ heymilo api v2 --help
  $ heymilo api v2 list-questions --posting-id 13D77095 --modality voice
  $ heymilo api v2 list-candidates --posting-id 13D77095 --all --format jsonl
  $ heymilo api v2 create-webhook --body hook.json
  $ echo '{\"title\": \"Engineer\"}' | heymilo api v2 update-posting --posting-id 13D77095 --body -

Output is the answer as JSON (pretty on a terminal, one line otherwise, or
--format json / jsonl); with --all, one item per line in JSON Lines.";

/// `heymilo api <generation>`: its commands, listed by tag.
fn tree(name: &'static str, about: &'static str, ops: &'static [Operation]) -> clap::Command {
    let width = ops.iter().map(|o| o.name.len()).max().unwrap_or(0);
    let mut tags: Vec<&str> = Vec::new();
    for op in ops {
        if !tags.contains(&op.tag) {
            tags.push(op.tag);
        }
    }
    let mut listing = String::new();
    for tag in tags {
        let _ = writeln!(listing, "{tag}:");
        for op in ops.iter().filter(|o| o.tag == tag) {
            let _ = writeln!(listing, "  {:width$}  {}", op.name, op.about);
        }
        listing.push('\n');
    }
    clap::Command::new(name)
        .about(about)
        .subcommand_required(true)
        .help_template(format!(
            "{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{listing}Options:\n{{options}}"
        ))
        .subcommands(ops.iter().map(command))
}

/// One operation's command.
fn command(op: &'static Operation) -> clap::Command {
    let mut cmd = clap::Command::new(op.name)
        .about(op.about)
        .long_about(op.long_about)
        .args(op.flags.iter().map(flag));
    if let Some(body) = &op.body {
        let mut help = String::from(
            "The request body as JSON: a file, or - for standard input; the flags under \
             \"Body fields\" set its top-level fields",
        );
        if !body.required_fields.is_empty() {
            let _ = write!(help, " [required: {}]", body.required_fields.join(", "));
        }
        cmd = cmd
            .arg(
                Arg::new("body")
                    .long("body")
                    .value_name("FILE|-")
                    .help(help),
            )
            .after_help(format!(
                "Example body (required fields only):\n  {}",
                body.example
            ));
    }
    if op.paged {
        cmd = cmd.arg(
            Arg::new("all")
                .long("all")
                .action(ArgAction::SetTrue)
                .help("Follow every page and print each item (JSON Lines unless --format json)"),
        );
    }
    cmd
}

fn flag(f: &'static Flag) -> Arg {
    let arg = Arg::new(f.flag)
        .long(f.flag)
        .value_name(f.value_name)
        .required(f.required)
        .help(f.help);
    let arg = match &f.kind {
        Kind::Text => arg.value_parser(clap::value_parser!(String)),
        Kind::Choice(values) => arg.value_parser(values.to_vec()),
        Kind::Unsigned(range) => arg.value_parser(clap::value_parser!(u64).range(range.clone())),
        Kind::Signed => arg.value_parser(clap::value_parser!(i64)),
        Kind::Number => arg.value_parser(clap::value_parser!(f64)),
        Kind::Boolean => arg.value_parser(clap::value_parser!(bool)),
    };
    match f.location {
        Location::Body => arg.help_heading("Body fields"),
        _ => arg,
    }
}

/// How one call reports: the output style, and what it was for messages.
pub struct Call {
    style: Style,
    what: String,
}

impl Call {
    /// An SDK error, with what was called.
    fn fail(&self, e: impl Into<heymilo::Error>) -> anyhow::Error {
        anyhow::Error::new(e.into()).context(self.what.clone())
    }
}

/// Runs `heymilo api <generation> <command>`; `asked` is `--format` as given.
pub async fn run(ctx: &Ctx, asked: Option<Format>, args: ApiArgs) -> anyhow::Result<()> {
    let format = match (asked, ctx.style.format) {
        (Some(Format::Table), _) => {
            return Err(CliError::Usage(
                "`heymilo api` prints JSON: use --format json or jsonl".into(),
            )
            .into());
        }
        (None, Format::Table) => Format::Json,
        (_, format) => format,
    };
    let (url, g) = match args.generation {
        Generation::V1 => (&ctx.v1_url, "v1"),
        _ => (&ctx.v2_url, "v2"),
    };
    let call = Call {
        style: Style {
            format,
            ..ctx.style.clone()
        },
        what: format!("calling {g} {} ({url})", args.name),
    };
    match args.generation {
        Generation::V1 => v1::call(&ctx.client, &args.name, &args.matches, &call).await,
        _ => v2::call(&ctx.client, &args.name, &args.matches, &call).await,
    }
}

/// A flag's value, if given.
fn value<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Option<T> {
    m.get_one::<T>(id).cloned()
}

/// Whether `--all` was given.
fn all(m: &ArgMatches) -> bool {
    m.get_flag("all")
}

fn unknown(name: &str) -> anyhow::Error {
    CliError::Usage(format!("no operation {name}")).into()
}

/// The body from `--body` and the body-field flags; `None` when none was
/// given and the operation does not need one. A body that does not decode is
/// refused before sending, naming the field.
fn body<T: DeserializeOwned + Serialize>(
    m: &ArgMatches,
    op: &Operation,
) -> anyhow::Result<Option<T>> {
    let given = m.get_one::<String>("body");
    let mut body = match given {
        None => json!({}),
        Some(path) => {
            let mut text = String::new();
            if path == "-" {
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("reading --body from standard input")?;
            } else {
                text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading --body {path}"))?;
            }
            serde_json::from_str(&text)
                .map_err(|e| CliError::Usage(format!("--body {path}: not JSON: {e}")))?
        }
    };
    let mut set = false;
    for f in op.flags.iter().filter(|f| f.location == Location::Body) {
        let v = match f.kind {
            Kind::Text | Kind::Choice(_) => value::<String>(m, f.flag).map(Value::from),
            Kind::Unsigned(_) => value::<u64>(m, f.flag).map(Value::from),
            Kind::Signed => value::<i64>(m, f.flag).map(Value::from),
            Kind::Number => value::<f64>(m, f.flag).map(Value::from),
            Kind::Boolean => value::<bool>(m, f.flag).map(Value::from),
        };
        let Some(v) = v else { continue };
        let Value::Object(fields) = &mut body else {
            return Err(
                CliError::Usage(format!("--{} needs --body to be a JSON object", f.flag)).into(),
            );
        };
        fields.insert(f.name.to_owned(), v);
        set = true;
    }
    if given.is_none() && !set && !op.body.as_ref().is_some_and(|b| b.required) {
        return Ok(None);
    }
    let refuse = |why: String| CliError::Usage(format!("the request body of {}: {why}", op.name));
    let decoded: T = serde_path_to_error::deserialize(body.clone()).map_err(|e| {
        let field = match e.path().to_string() {
            root if root == "." => String::new(),
            path => format!("field `{path}`: "),
        };
        refuse(format!("{field}{}", e.into_inner()))
    })?;
    // The types ignore unknown fields; a misspelt one must not vanish unsent.
    let sent = serde_json::to_value(&decoded)?;
    if let Some(path) = dropped(&body, &sent, String::new()) {
        return Err(refuse(format!("unknown field `{path}`")).into());
    }
    Ok(Some(decoded))
}

/// The first field of `given` with a value that `sent` lacks, as a path.
fn dropped(given: &Value, sent: &Value, at: String) -> Option<String> {
    let empty = |v: &Value| v.is_null() || v == &json!([]) || v == &json!({});
    match (given, sent) {
        (Value::Object(given), Value::Object(sent)) => given.iter().find_map(|(k, v)| {
            let path = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            match sent.get(k) {
                None if !empty(v) => Some(path),
                None => None,
                Some(s) => dropped(v, s, path),
            }
        }),
        (Value::Array(given), Value::Array(sent)) => (given.iter().zip(sent).enumerate())
            .find_map(|(i, (g, s))| dropped(g, s, format!("{at}[{i}]"))),
        _ => None,
    }
}

/// Prints one answer.
fn print<T: Serialize, E: Into<heymilo::Error>>(
    call: &Call,
    answer: Result<heymilo::v2::ResponseValue<T>, E>,
) -> anyhow::Result<()> {
    let value = answer.map_err(|e| call.fail(e))?.into_inner();
    Output::one(&call.style, &[], &value)
}

/// Prints every item of every page, each as it arrives in JSON Lines.
async fn stream<'a, P>(call: &Call, request: P) -> anyhow::Result<()>
where
    P: heymilo::Paginate<'a>,
    P::Error: Into<heymilo::Error>,
    P::Item: Serialize,
{
    let mut out = Output::new(&call.style, Shape::List, &[]);
    let mut items = request.stream();
    while let Some(item) = items.try_next().await.map_err(|e| call.fail(e))? {
        out.item(&item)?;
    }
    out.finish()
}

/// Copies a binary answer (audio) to standard output, never to a terminal.
async fn bytes<E: Into<heymilo::Error>>(
    call: &Call,
    answer: Result<heymilo::v2::ResponseValue<heymilo::v2::ByteStream>, E>,
) -> anyhow::Result<()> {
    let answer = answer.map_err(|e| call.fail(e))?;
    let mut stdout = std::io::stdout();
    if stdout.is_terminal() {
        return Err(CliError::Usage(
            "the answer is binary: redirect standard output to a file".into(),
        )
        .into());
    }
    let mut chunks = answer.into_inner_stream();
    while let Some(chunk) = chunks.try_next().await.map_err(|e| CliError::Failed {
        code: NETWORK,
        message: format!("{}: reading the answer: {e}", call.what),
    })? {
        stdout
            .write_all(&chunk)
            .context("writing to standard output")?;
    }
    stdout.flush().context("writing to standard output")?;
    Ok(())
}
