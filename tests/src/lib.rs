//! Shared helpers for the cross-crate tests: a real HTTP server on 127.0.0.1
//! that records every request and answers from a script.

pub mod hostile;
pub mod wire;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// HTTP method, upper case.
    pub method: String,
    /// Path, percent-encoded as sent.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Every header.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// When it arrived.
    pub at: std::time::Instant,
}

impl Recorded {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON (panics in tests when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    /// A stable text rendering for wire snapshots: method, path, sorted query,
    /// the headers that matter, and the body pretty-printed.
    pub fn wire(&self) -> String {
        let mut out = format!("{} {}\n", self.method, self.path);
        if let Some(q) = &self.query {
            let mut pairs: Vec<&str> = q.split('&').collect();
            pairs.sort_unstable();
            out.push_str(&format!("query: {}\n", pairs.join("&")));
        }
        for name in [
            "x-api-key",
            "api-version",
            "accept",
            "content-type",
            "x-workspace-id",
        ] {
            if let Some(v) = self.header(name) {
                out.push_str(&format!("{name}: {v}\n"));
            }
        }
        if !self.body.is_empty() {
            let body = serde_json::from_slice::<serde_json::Value>(&self.body)
                .map(|v| serde_json::to_string_pretty(&v).unwrap_or_default())
                .unwrap_or_else(|_| String::from_utf8_lossy(&self.body).into_owned());
            out.push_str(&format!("body: {body}\n"));
        }
        out
    }
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body (sent as `application/json` unless a content-type header is given).
    pub body: String,
    /// How long to wait before answering.
    pub delay: std::time::Duration,
}

impl Reply {
    /// A JSON answer with this status.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::raw(status, &body.to_string())
    }

    /// A raw (possibly invalid) body with this status.
    pub fn raw(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
            delay: std::time::Duration::ZERO,
        }
    }

    /// Answers only after `delay`.
    pub fn delayed(mut self, delay: std::time::Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Recorded>>,
    script: Mutex<VecDeque<Reply>>,
    fallback: Mutex<Option<Reply>>,
}

/// A recording server on an ephemeral loopback port; stops when dropped.
pub struct Recorder {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Recorder {
    /// Starts a server that answers `reply` to every request.
    pub async fn start(reply: Reply) -> Self {
        Self::scripted(Vec::new(), reply).await
    }

    /// Starts a server that answers from `script` in order, then `fallback`.
    pub async fn scripted(script: Vec<Reply>, fallback: Reply) -> Self {
        let shared = Arc::new(Shared::default());
        *shared.script.lock().expect("lock") = script.into();
        *shared.fallback.lock().expect("lock") = Some(fallback);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Recorder { addr, shared, task }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().expect("lock").clone()
    }

    /// The only request received (panics otherwise).
    pub fn single(&self) -> Recorded {
        let all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.into_iter().next().expect("one request")
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    shared.requests.lock().expect("lock").push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
        at: std::time::Instant::now(),
    });
    let reply = shared.script.lock().expect("lock").pop_front();
    let reply = reply.or_else(|| shared.fallback.lock().expect("lock").clone());
    let Some(reply) = reply else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::IM_A_TEAPOT),
        reply.body,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    for (name, value) in reply.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.insert(n, v);
        }
    }
    response
}

/// The workspace README's examples, compiled as doctests so it cannot rot
/// (`crates/heymilo/README.md`, packaged with the crate, is tested there).
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct WorkspaceReadme;
