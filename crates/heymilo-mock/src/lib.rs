//! A stateful HeyMilo API server for both generations, on one port.
//!
//! v1 is served at the root, v2 under `/api/v2`. The server authenticates
//! with `X-API-KEY`, rate-limits per key (headers on every response,
//! `Retry-After` on 429), validates like HeyMilo (FastAPI-style 422, 400
//! envelope), pages exactly as the specs say, ingests with retake semantics,
//! delivers webhooks for real, serves export files, and injects faults on
//! demand. Control routes live under `/_mock/` (see [`control`]).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let mock = heymilo_mock::MockServer::start(heymilo_mock::Config::default()).await?;
//! println!("HeyMilo at {} with key {}", mock.base_url(), mock.api_key());
//! mock.stop().await;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// `ApiError` carries its whole body so a handler's `?` is the HTTP answer; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod http;
pub mod model;
mod routes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use http::faults::FaultRule;
pub use model::store::DEFAULT_MAX_STORE_BYTES;
pub use model::webhooks::Delivery;

use http::{AppState, Shared};
use model::store::Store;

/// The v2 operations the mock serves: every operation of `openapi/v2.yaml`
/// (all of v1 is served too), in the spec's order.
pub const V2_OPERATIONS: &[&str] = &[
    "health_check",
    "create_posting",
    "list_postings",
    "list_posting_summaries",
    "get_posting",
    "update_posting",
    "get_posting_stats",
    "update_interviewer_workflow_step",
    "archive_posting",
    "activate_posting",
    "clone_posting",
    "ingest_candidate",
    "list_candidates",
    "ingest_candidates_bulk",
    "ingest_candidate_async",
    "ingest_candidates_bulk_async",
    "get_interview_data",
    "get_interview_metadata",
    "set_interview_metadata",
    "delete_interview_metadata",
    "list_agent_types",
    "list_question_types",
    "create_webhook",
    "list_webhooks",
    "get_webhook",
    "delete_webhook",
    "list_email_templates",
    "get_email_template",
    "list_email_template_groups",
    "get_email_template_group",
    "list_design_templates",
    "get_design_template",
    "list_design_template_groups",
    "get_design_template_group",
    "list_interview_templates",
    "get_interview_template",
    "list_domains",
    "get_domain",
    "list_voices",
    "get_voice_preview",
    "get_voice",
    "list_phone_numbers",
    "get_phone_number",
    "list_sender_emails",
    "get_sender_email",
    "list_questions",
    "create_question",
    "get_question",
    "update_question",
    "delete_question",
    "reorder_questions",
    "list_workspaces",
    "resolve_ats_candidate",
    "push_ats_candidate",
    "get_ats_push_status",
    "list_ats_connections",
];

/// How the mock starts.
#[derive(Debug, Clone)]
pub struct Config {
    /// Seed of the generated data.
    pub seed: u64,
    /// Postings to generate.
    pub postings: usize,
    /// Candidates per posting.
    pub candidates_per_posting: usize,
    /// Accepted API keys (the first is the one printed).
    pub api_keys: Vec<String>,
    /// Requests per minute per key.
    pub rate_limit: u32,
    /// Faults active from the start.
    pub faults: Vec<FaultRule>,
    /// Address to bind (port 0 picks a free one).
    pub addr: SocketAddr,
    /// Also serve v1 alone on this address, as its own host does (`/health`
    /// answers v1's shape there and needs a key, as v1's spec says).
    pub v1_addr: Option<SocketAddr>,
    /// Byte budget of the store: every write is charged its estimated size
    /// (serialized size plus a fixed overhead per record); a write past it is
    /// refused with HeyMilo's 422 and stores nothing.
    pub max_store_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 42,
            postings: 3,
            candidates_per_posting: 25,
            api_keys: vec!["hm_mock_key".to_owned()],
            rate_limit: 300,
            faults: Vec::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            v1_addr: None,
            max_store_bytes: DEFAULT_MAX_STORE_BYTES,
        }
    }
}

/// A running mock server.
pub struct MockServer {
    base_url: String,
    v1_base_url: Option<String>,
    api_key: String,
    state: Shared,
    shutdown: Option<tokio::sync::watch::Sender<bool>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl MockServer {
    /// Binds, seeds the store and serves in the background.
    pub async fn start(config: Config) -> std::io::Result<MockServer> {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let v1_listener = match config.v1_addr {
            Some(addr) => Some(tokio::net::TcpListener::bind(addr).await?),
            None => None,
        };
        let v1_base_url = match &v1_listener {
            Some(l) => Some(format!("http://{}", l.local_addr()?)),
            None => None,
        };
        let mut store = Store::seeded(config.seed, config.postings, config.candidates_per_posting);
        store.max_bytes = config.max_store_bytes;
        let state = Arc::new(AppState {
            store: Mutex::new(store),
            api_keys: config.api_keys.clone(),
            limiter: http::limits::KeyLimiter::new(config.rate_limit),
            faults: http::faults::Faults::new(config.faults.clone()),
            hooks: model::webhooks::Dispatcher::new(),
            base_url: base_url.clone(),
        });
        let api_key = config.api_keys.first().cloned().unwrap_or_default();
        let (tx, rx) = tokio::sync::watch::channel(false);
        let mut tasks = vec![serve(listener, routes::router(state.clone()), rx.clone())];
        if let Some(l) = v1_listener {
            tasks.push(serve(l, routes::v1_router(state.clone()), rx));
        }
        Ok(MockServer {
            base_url,
            v1_base_url,
            api_key,
            state,
            shutdown: Some(tx),
            tasks,
        })
    }

    /// `http://127.0.0.1:PORT`: the base URL of both generations.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `http://127.0.0.1:PORT` of v1's own port, when `v1_addr` was set.
    pub fn v1_base_url(&self) -> Option<&str> {
        self.v1_base_url.as_deref()
    }

    /// Estimated bytes the store holds, and its budget.
    pub fn store_bytes(&self) -> (usize, usize) {
        let store = self.state.store();
        (store.bytes, store.max_bytes)
    }

    /// The first accepted API key.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// How many 429s the server has answered (all keys).
    pub fn rate_limited_count(&self) -> u64 {
        self.state.limiter.rejected()
    }

    /// The webhook deliveries made so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.hooks.log()
    }

    /// The posting ids and url keys, in creation order.
    pub fn postings(&self) -> Vec<(String, String)> {
        self.state
            .store()
            .postings
            .iter()
            .map(|p| (p.id.clone(), p.url_key.clone()))
            .collect()
    }

    /// Stops serving and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(true);
        }
        for task in &mut self.tasks {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Serves `app` on `listener` until `stop` turns true.
fn serve(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|s| *s).await;
            })
            .await;
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// `V2_OPERATIONS` names exactly the operations of the v2 spec.
    #[test]
    fn v2_operations_are_the_specs() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/v2.yaml");
        let spec = std::fs::read_to_string(path).expect("openapi/v2.yaml is readable");
        let in_spec: BTreeSet<&str> = spec
            .lines()
            .filter_map(|l| l.trim().strip_prefix("operationId:"))
            .map(|id| id.trim().trim_matches('"'))
            .collect();
        let served: BTreeSet<&str> = super::V2_OPERATIONS.iter().copied().collect();
        assert_eq!(served.len(), super::V2_OPERATIONS.len(), "no id twice");
        assert_eq!(served, in_spec);
    }
}
