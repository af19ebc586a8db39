//! `heymilo mock`: heymilo-mock in the foreground.

use std::io::Write as _;
use std::net::SocketAddr;

use anyhow::Context as _;
use heymilo_mock::{Config, MockServer};

use crate::cli::MockArgs;

/// Runs the mock until Ctrl-C, after printing its URL and key.
pub async fn run(args: MockArgs) -> anyhow::Result<()> {
    let addr = SocketAddr::new(args.host, args.port);
    let config = Config {
        seed: args.seed,
        postings: args.postings,
        candidates_per_posting: args.candidates_per_posting,
        api_keys: vec![args.key],
        rate_limit: args.rate_limit,
        addr,
        ..Config::default()
    };
    let mock = MockServer::start(config)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let url = mock.base_url();
    let key = mock.api_key();
    // A closed stdout (the reader went away) must not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "heymilo-mock listening on {url}");
    let _ = writeln!(out, "api key: {key}");
    let _ = writeln!(
        out,
        "export HEYMILO_API_KEY={key} HEYMILO_V1_URL={url} HEYMILO_V2_URL={url}"
    );
    for (id, url_key) in mock.postings() {
        let _ = writeln!(out, "posting {id} (url key {url_key})");
    }
    let _ = writeln!(out, "Ctrl-C stops it.");
    let _ = out.flush();
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    mock.stop().await;
    Ok(())
}
