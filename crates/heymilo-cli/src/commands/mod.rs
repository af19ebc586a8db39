//! The commands, each on the SDK.

mod export;
mod health;
mod ingest;
mod interviews;
mod lists;
mod mock;
mod webhooks;

use std::time::Duration;

use anyhow::Context as _;
use clap::CommandFactory as _;
use heymilo::Client;
use heymilo::config::{DEFAULT_V1_URL, DEFAULT_V2_URL};

use crate::cli::{Cli, Command, Global, PostingsSub};
use crate::error::CliError;
use crate::output::Style;

/// What every command calling HeyMilo needs.
pub struct Ctx {
    /// The client, configured from flags and environment.
    pub client: Client,
    /// How output looks.
    pub style: Style,
    /// v1's base URL, for messages.
    pub v1_url: String,
    /// v2's base URL, for messages.
    pub v2_url: String,
}

impl Ctx {
    /// A client from the global settings; no key is a usage error.
    pub(crate) fn new(global: &Global) -> anyhow::Result<Ctx> {
        let key = global
            .api_key
            .as_deref()
            .filter(|k| !k.trim().is_empty())
            .ok_or_else(|| {
                CliError::Usage("no API key: pass --api-key or set HEYMILO_API_KEY".into())
            })?;
        // One host for both (--base-url), unless a generation has its own.
        let url = |own: &Option<String>, default: &str| {
            own.clone()
                .or_else(|| global.base_url.clone())
                .unwrap_or(default.to_owned())
        };
        let v1_url = url(&global.v1_url, DEFAULT_V1_URL);
        let v2_url = url(&global.v2_url, DEFAULT_V2_URL);
        let mut builder = Client::builder();
        if let Some(observer) = crate::waits::observer(global.quiet) {
            builder = builder.on_wait(observer);
        }
        let client = builder
            .api_key(key)
            .v1_base_url(&v1_url)
            .v2_base_url(&v2_url)
            .timeout(Duration::from_secs(global.timeout))
            .max_retries(global.max_retries)
            .build()
            .map_err(|e| match e {
                heymilo::Error::Config { message } => CliError::Usage(message).into(),
                other => anyhow::Error::new(other),
            })?;
        Ok(Ctx {
            client,
            style: Style::of(global),
            v1_url,
            v2_url,
        })
    }
}

/// Runs the command line's command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let global = cli.global;
    match cli.command {
        Command::Completions { shell } => {
            let mut command = Cli::command();
            let mut out = std::io::stdout();
            clap_complete::generate(shell, &mut command, "heymilo", &mut out);
            Ok(())
        }
        Command::Mock(cmd) => mock::run(&global, cmd).await,
        Command::Postings(cmd) => {
            let list = match cmd.command {
                Some(PostingsSub::List(list)) => list,
                None => cmd.list,
            };
            lists::postings(&Ctx::new(&global)?, &list).await
        }
        Command::Candidates(cmd) => lists::candidates(&Ctx::new(&global)?, cmd).await,
        Command::Interviews(cmd) => interviews::run(&Ctx::new(&global)?, cmd).await,
        Command::Webhooks(cmd) => webhooks::run(&Ctx::new(&global)?, cmd).await,
        Command::Ingest(args) => ingest::run(&Ctx::new(&global)?, args).await,
        Command::Export(args) => export::run(&Ctx::new(&global)?, args).await,
        Command::Health => health::run(&Ctx::new(&global)?).await,
        Command::Api(args) => crate::api::run(&Ctx::new(&global)?, global.format, args).await,
    }
}

/// Context for a call: what was asked of which server (never the key).
fn calling(what: &str, url: &str) -> String {
    format!("{what} ({url})")
}

/// Adds [`calling`] context to an SDK result.
trait Calling<T> {
    fn calling(self, what: &str, url: &str) -> anyhow::Result<T>;
}

impl<T, E> Calling<T> for Result<T, E>
where
    E: Into<heymilo::Error>,
{
    fn calling(self, what: &str, url: &str) -> anyhow::Result<T> {
        self.map_err(|e| anyhow::Error::new(e.into()))
            .with_context(|| calling(what, url))
    }
}
