//! `heymilo mock`: heymilo-mock in the foreground, and `mock advance` to
//! move its interviews on through its control route.

use std::io::Write as _;

use anyhow::Context as _;
use heymilo_mock::MockServer;
use heymilo_mock::cli::banner;

use crate::cli::{Global, MockCmd, MockSub, Stage};
use crate::error::CliError;
use crate::output::{Output, Style, text};

/// The mock `advance` talks to when no URL is set.
const LOCAL_MOCK: &str = "http://127.0.0.1:4010";

/// The key the mock accepts unless given one.
const DEFAULT_KEY: &str = "hm_mock_key";

/// Runs `heymilo mock ...`.
pub async fn run(global: &Global, cmd: MockCmd) -> anyhow::Result<()> {
    match cmd.command {
        Some(MockSub::Advance { interview, to }) => advance(global, &interview, to).await,
        None => serve(cmd.serve).await,
    }
}

/// Runs the mock until Ctrl-C, after printing its URL and key.
async fn serve(mut args: heymilo_mock::cli::ServeArgs) -> anyhow::Result<()> {
    // `--api-key` is shared with the global flag, which also reads
    // HEYMILO_API_KEY: the mock takes only keys given on its command line,
    // never a real key from the environment (it prints its key).
    let given = std::env::args().any(|a| a == "--api-key" || a.starts_with("--api-key="));
    if !given {
        args.api_keys = vec![DEFAULT_KEY.to_owned()];
    }
    let config = args.config().map_err(CliError::Usage)?;
    let addr = config.addr;
    let mock = MockServer::start(config)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    // A closed stdout (the reader went away) must not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(banner(&mock).as_bytes());
    let _ = out.flush();
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    mock.stop().await;
    Ok(())
}

/// `POST /_mock/interviews/{id}/advance` on the mock, printing the moved
/// interview; the mock delivers the webhooks.
async fn advance(global: &Global, interview: &str, to: Stage) -> anyhow::Result<()> {
    let base = global
        .base_url
        .as_deref()
        .or(global.v2_url.as_deref())
        .unwrap_or(LOCAL_MOCK)
        .trim_end_matches('/');
    let stage = match to {
        Stage::Started => "started",
        Stage::Completed => "completed",
        Stage::Report => "report_available",
    };
    let what = || format!("advancing interview {interview} to {stage} ({base})");
    let mut url = reqwest::Url::parse(base)
        .map_err(|e| CliError::Usage(format!("--base-url {base:?}: {e}")))?;
    url.path_segments_mut()
        .map_err(|()| CliError::Usage(format!("--base-url {base:?} cannot take a path")))?
        .extend(["_mock", "interviews", interview, "advance"]);
    let response = reqwest::Client::new()
        .post(url)
        .timeout(std::time::Duration::from_secs(global.timeout))
        .json(&serde_json::json!({ "to": stage }))
        .send()
        .await
        .map_err(|e| CliError::Failed {
            code: crate::error::NETWORK,
            message: format!("{}: {e} (is `heymilo mock` running there?)", what()),
        })?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        let reason = body
            .pointer("/error/message")
            .or_else(|| body.pointer("/detail/0/msg"))
            .and_then(|m| m.as_str())
            .unwrap_or("no reason given");
        return Err(CliError::Failed {
            code: crate::error::API,
            message: format!("{}: HTTP {status}: {reason}", what()),
        }
        .into());
    }
    const COLUMNS: &[crate::output::Column] = &[
        text("INTERVIEW", "/candidate/interview_id"),
        text("STATUS", "/candidate/status"),
        text("EVENT", "/event_type"),
        text("WEBHOOKS", "/webhooks"),
    ];
    Output::one(&Style::of(global), COLUMNS, &body)
}
