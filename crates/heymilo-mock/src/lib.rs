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
// Handlers return `Result<_, Response>` so an error is already the HTTP answer; boxing it buys nothing here.
#![allow(clippy::result_large_err)]

pub mod control;
mod errors;
pub mod faults;
mod limits;
mod params;
pub mod store;
mod v1;
mod v2;
mod v2_ats;
mod v2_catalog;
mod v2_interviews;
mod v2_postings;
mod v2_questions;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

pub use faults::FaultRule;
use store::Store;

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
        }
    }
}

/// What every handler shares.
pub(crate) struct AppState {
    pub(crate) store: Mutex<Store>,
    pub(crate) config: Config,
    pub(crate) base_url: String,
    pub(crate) limiter: limits::KeyLimiter,
    pub(crate) faults: faults::Faults,
    pub(crate) hooks: webhooks::Dispatcher,
}

impl AppState {
    /// The store, even if a handler panicked while holding it.
    pub(crate) fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub(crate) type Shared = Arc<AppState>;

/// A running mock server.
pub struct MockServer {
    base_url: String,
    api_key: String,
    state: Shared,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Binds, seeds the store and serves in the background.
    pub async fn start(config: Config) -> std::io::Result<MockServer> {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let state = Arc::new(AppState {
            store: Mutex::new(Store::seeded(
                config.seed,
                config.postings,
                config.candidates_per_posting,
            )),
            limiter: limits::KeyLimiter::new(config.rate_limit),
            faults: faults::Faults::new(config.faults.clone()),
            hooks: webhooks::Dispatcher::new(),
            base_url: base_url.clone(),
            config,
        });
        let api_key = state.config.api_keys.first().cloned().unwrap_or_default();
        let app = router(state.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(MockServer {
            base_url,
            api_key,
            state,
            shutdown: Some(tx),
            task,
        })
    }

    /// `http://127.0.0.1:PORT`: the base URL of both generations.
    pub fn base_url(&self) -> &str {
        &self.base_url
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
    pub fn deliveries(&self) -> Vec<webhooks::Delivery> {
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
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn router(state: Shared) -> Router {
    let api = Router::new()
        .merge(v1::routes())
        .merge(v2::routes())
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ));
    Router::new()
        .merge(api)
        .nest("/_mock", control::routes())
        .fallback(errors::not_found_route)
        .with_state(state)
}

/// Auth, then the per-key rate limit; rate-limit headers on every answer.
async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let key = request
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let open = v2::is_public(request.uri().path(), request.headers());
    let key = match key {
        Some(k) if state.config.api_keys.iter().any(|a| a == &k) => k,
        _ if open => return next.run(request).await,
        _ => return errors::unauthorized(),
    };
    match state.limiter.check(&key) {
        Ok(status) => {
            let mut response = next.run(request).await;
            status.apply(response.headers_mut());
            response
        }
        Err(status) => {
            let mut response = errors::rate_limited(status.reset_secs);
            status.apply(response.headers_mut());
            response
        }
    }
}

/// Renders a serializable value as a JSON response with a status.
pub(crate) fn json<T: serde::Serialize>(status: u16, value: &T) -> Response {
    let status = axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK);
    (status, axum::Json(value)).into_response()
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
