//! `heymilo-mock`: serve a stateful HeyMilo API (both generations) locally.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use heymilo_mock::{Config, FaultRule, MockServer};

/// A stateful, spec-faithful HeyMilo API server for both generations (v1 at
/// the root, v2 under /api/v2; with --v1-port, v1 alone on a port of its
/// own as well) with control routes under /_mock/.
#[derive(Parser)]
#[command(
    name = "heymilo-mock",
    version,
    after_help = "Examples:\n  heymilo-mock --port 4010\n  heymilo-mock --port 4010 --v1-port 4011\n  heymilo-mock --max-store-bytes 67108864\n  heymilo-mock --port 0 --api-key k1 --api-key k2 --rate-limit 60\n  heymilo-mock --error-rate 0.2 --fault-route /api/v2/postings"
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Port (0 picks a free one).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Also serve v1 alone on this port (0 picks a free one), as its own host
    /// does: there /health answers v1's shape and needs a key.
    #[arg(long)]
    v1_port: Option<u16>,
    /// Byte budget of the store (estimated serialized size of everything
    /// held, plus a fixed overhead per record); writes past it are refused
    /// with a 422 and store nothing.
    #[arg(long, default_value_t = heymilo_mock::DEFAULT_MAX_STORE_BYTES)]
    max_store_bytes: usize,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Postings to generate.
    #[arg(long, default_value_t = 3)]
    postings: usize,
    /// Candidates per posting.
    #[arg(long, default_value_t = 25)]
    candidates_per_posting: usize,
    /// Accepted API key (repeatable).
    #[arg(long = "api-key", default_value = "hm_mock_key")]
    api_keys: Vec<String>,
    /// Requests per minute per key.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u32).range(1..))]
    rate_limit: u32,
    /// Added latency on every API request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of API requests answered 500/502/503 (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share of API requests whose connection is dropped (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    drop_rate: f64,
    /// Share of API responses cut in the middle (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    truncate_rate: f64,
    /// Limit the flags' faults to paths starting with this.
    #[arg(long)]
    fault_route: Option<String>,
    /// Print the v2 operation ids the mock serves, one a line, and exit.
    #[arg(long)]
    list_operations: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.list_operations {
        for op in heymilo_mock::V2_OPERATIONS {
            println!("{op}");
        }
        return ExitCode::SUCCESS;
    }
    let rule = FaultRule {
        route: args.fault_route,
        latency_ms: args.latency_ms,
        error_rate: args.error_rate,
        drop_rate: args.drop_rate,
        truncate_rate: args.truncate_rate,
        ..FaultRule::default()
    };
    if let Err(m) = rule.validate() {
        eprintln!("heymilo-mock: {m}");
        return ExitCode::from(2);
    }
    let faults = if rule == FaultRule::default() {
        Vec::new()
    } else {
        vec![rule]
    };
    let config = Config {
        seed: args.seed,
        postings: args.postings,
        candidates_per_posting: args.candidates_per_posting,
        api_keys: args.api_keys,
        rate_limit: args.rate_limit,
        faults,
        addr: SocketAddr::new(args.host, args.port),
        v1_addr: args.v1_port.map(|p| SocketAddr::new(args.host, p)),
        max_store_bytes: args.max_store_bytes,
    };
    let mock = match MockServer::start(config).await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("heymilo-mock: cannot listen: {e}");
            return ExitCode::from(1);
        }
    };
    // A closed stdout (the reader went away) must not stop the server.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "heymilo-mock listening on {}", mock.base_url());
    if let Some(v1) = mock.v1_base_url() {
        let _ = writeln!(out, "v1 alone on {v1}");
    }
    let _ = writeln!(out, "api key: {}", mock.api_key());
    for (id, key) in mock.postings() {
        let _ = writeln!(out, "posting {id} (url key {key})");
    }
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
    mock.stop().await;
    ExitCode::SUCCESS
}
