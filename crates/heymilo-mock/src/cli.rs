//! The command-line flags of a mock server: one clap [`Args`](clap::Args)
//! struct that both `heymilo-mock` and `heymilo mock` flatten, so the two
//! commands take the same flags.

use std::fmt::Write as _;
use std::net::SocketAddr;

use crate::{Config, FaultRule, MockServer};

/// How to start a mock from the command line: address, data, keys, limits, faults.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    pub host: std::net::IpAddr,
    /// Port (0 picks a free one)
    #[arg(long, short = 'p', default_value_t = 4010)]
    pub port: u16,
    /// Also serve v1 alone on this port (0 picks a free one), as its own host
    /// does: there /health answers v1's shape and needs a key
    #[arg(long, value_name = "PORT")]
    pub v1_port: Option<u16>,
    /// Byte budget of the store; writes past it are refused with a 422
    #[arg(long, value_name = "BYTES", default_value_t = crate::DEFAULT_MAX_STORE_BYTES)]
    pub max_store_bytes: usize,
    /// Seed of the generated data
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Postings to generate
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub postings: usize,
    /// Candidates per posting
    #[arg(long, value_name = "N", default_value_t = 25)]
    pub candidates_per_posting: usize,
    /// Accepted API key (repeatable; the first is printed)
    #[arg(
        long = "api-key",
        id = "api_key",
        value_name = "KEY",
        default_value = "hm_mock_key"
    )]
    pub api_keys: Vec<String>,
    /// Requests per minute per key
    #[arg(long, value_name = "N", default_value_t = 300,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: u32,
    /// Added latency on every API request, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of API requests answered 500/502/503 (0 to 1)
    #[arg(long, value_name = "SHARE", default_value_t = 0.0)]
    pub error_rate: f64,
    /// Share of API requests whose connection is dropped (0 to 1)
    #[arg(long, value_name = "SHARE", default_value_t = 0.0)]
    pub drop_rate: f64,
    /// Share of API responses cut in the middle (0 to 1)
    #[arg(long, value_name = "SHARE", default_value_t = 0.0)]
    pub truncate_rate: f64,
    /// Limit the faults above to paths starting with this
    #[arg(long, value_name = "PATH")]
    pub fault_route: Option<String>,
}

impl ServeArgs {
    /// The mock's [`Config`]; an out-of-range fault setting is an error
    /// saying which.
    pub fn config(&self) -> Result<Config, String> {
        let rule = FaultRule {
            route: self.fault_route.clone(),
            latency_ms: self.latency_ms,
            error_rate: self.error_rate,
            drop_rate: self.drop_rate,
            truncate_rate: self.truncate_rate,
            ..FaultRule::default()
        };
        rule.validate()?;
        let faults = if rule == FaultRule::default() {
            Vec::new()
        } else {
            vec![rule]
        };
        Ok(Config {
            seed: self.seed,
            postings: self.postings,
            candidates_per_posting: self.candidates_per_posting,
            api_keys: self.api_keys.clone(),
            rate_limit: self.rate_limit,
            faults,
            addr: SocketAddr::new(self.host, self.port),
            v1_addr: self.v1_port.map(|p| SocketAddr::new(self.host, p)),
            max_store_bytes: self.max_store_bytes,
        })
    }
}

/// What a started mock prints: its URL, key, a line of exports for another
/// shell, and its postings with their url keys.
pub fn banner(mock: &MockServer) -> String {
    let (url, key) = (mock.base_url(), mock.api_key());
    let mut out = format!("heymilo-mock listening on {url}\n");
    if let Some(v1) = mock.v1_base_url() {
        let _ = writeln!(out, "v1 alone on {v1}");
    }
    let _ = writeln!(out, "api key: {key}");
    let _ = writeln!(out, "export HEYMILO_API_KEY={key} HEYMILO_BASE_URL={url}");
    for (id, url_key) in mock.postings() {
        let _ = writeln!(out, "posting {id} (url key {url_key})");
    }
    out.push_str("Ctrl-C stops it.\n");
    out
}
