//! Fault injection: latency, 5xx, 429 bursts, dropped connections and
//! truncated bodies, each optionally scoped to a route prefix.

use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::http::{Shared, error};

/// Most fault rules active at once (the control route refuses more).
pub const MAX_RULES: usize = 100;

/// One fault rule; every field is optional in JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultRule {
    /// Only paths starting with this (e.g. `/api/v2/postings`); all when absent.
    pub route: Option<String>,
    /// Added latency before answering, in milliseconds.
    pub latency_ms: u64,
    /// Share of requests answered 500, 502 or 503 (0 to 1).
    pub error_rate: f64,
    /// The next this-many requests are answered 429 with `Retry-After`.
    pub burst_429: u32,
    /// `Retry-After` of those 429s, in seconds (default 1).
    pub retry_after_secs: Option<u64>,
    /// Share of requests whose connection is cut before the body.
    pub drop_rate: f64,
    /// Share of requests whose body is cut in the middle.
    pub truncate_rate: f64,
}

impl FaultRule {
    /// Rejects rates outside 0..=1 and similar nonsense, with a message.
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [
            ("error_rate", self.error_rate),
            ("drop_rate", self.drop_rate),
            ("truncate_rate", self.truncate_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1"));
            }
        }
        if self.latency_ms > 60_000 {
            return Err("latency_ms must be at most 60000".into());
        }
        Ok(())
    }

    fn matches(&self, path: &str) -> bool {
        self.route.as_deref().is_none_or(|r| path.starts_with(r))
    }
}

/// The active rules, and the generator that decides which requests they
/// hit: seeded from the mock's `--seed`, so a failing run replays.
pub(crate) struct Faults(Mutex<Vec<FaultRule>>, Mutex<StdRng>);

impl Faults {
    pub(crate) fn new(rules: Vec<FaultRule>, seed: u64) -> Self {
        Faults(Mutex::new(rules), Mutex::new(StdRng::seed_from_u64(seed)))
    }

    pub(crate) fn set(&self, rules: Vec<FaultRule>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = rules;
    }

    /// Adds a rule; `false` (nothing added) once [`MAX_RULES`] are active.
    pub(crate) fn add(&self, rule: FaultRule) -> bool {
        let mut rules = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if rules.len() >= MAX_RULES {
            return false;
        }
        rules.push(rule);
        true
    }

    pub(crate) fn list(&self) -> Vec<FaultRule> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// What to do to this request, decided once (burst counters are consumed).
    fn decide(&self, path: &str) -> Decision {
        let mut rules = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let mut d = Decision::default();
        let mut rng = self.1.lock().unwrap_or_else(|p| p.into_inner());
        for rule in rules.iter_mut().filter(|r| r.matches(path)) {
            d.latency += Duration::from_millis(rule.latency_ms);
            if rule.burst_429 > 0 {
                rule.burst_429 -= 1;
                d.too_many = Some(rule.retry_after_secs.unwrap_or(1));
            }
            if rng.random_bool(rule.error_rate) {
                d.error = Some([500, 502, 503][rng.random_range(0..3)]);
            }
            d.drop |= rng.random_bool(rule.drop_rate);
            d.truncate |= rng.random_bool(rule.truncate_rate);
        }
        d
    }
}

#[derive(Default)]
struct Decision {
    latency: Duration,
    too_many: Option<u64>,
    error: Option<u16>,
    drop: bool,
    truncate: bool,
}

/// The middleware.
pub(crate) async fn inject(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let d = state.faults.decide(request.uri().path());
    if !d.latency.is_zero() {
        tokio::time::sleep(d.latency).await;
    }
    if let Some(wait) = d.too_many {
        return error::rate_limited(wait).into_response();
    }
    if let Some(status) = d.error {
        return error::envelope(
            status,
            "api_error",
            "injected_fault",
            "Injected server error.",
            None,
        )
        .into_response();
    }
    if d.drop {
        // Headers go out, then the connection breaks before any body byte.
        let body = Body::from_stream(futures::stream::once(async {
            Err::<bytes::Bytes, std::io::Error>(std::io::Error::other("injected connection drop"))
        }));
        return Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(body)
            .unwrap_or_default();
    }
    let response = next.run(request).await;
    if !d.truncate {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 << 20)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let stream =
        futures::stream::iter([Ok(half), Err(std::io::Error::other("injected truncation"))]);
    let mut parts = parts;
    parts.headers.remove("content-length");
    Response::from_parts(parts, Body::from_stream(stream))
}
