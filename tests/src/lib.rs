//! Shared helpers for the cross-crate tests: a client and a mock set up for
//! tests, and [`Recorder`], a real HTTP server on 127.0.0.1 that records
//! every request and answers from a script, as hostile as a test asks (a body
//! cut short or endless, no answer), or forwards to another server.

pub mod wire;
pub mod world;

use std::convert::Infallible;
use std::future::ready;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{self, SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
#[doc(hidden)]
pub use futures::FutureExt;
use futures::{StreamExt, stream};
use heymilo::ingest::Candidate;
use heymilo::rate_limit::{BoxFuture, RateLimiter, Unlimited};
use heymilo::{Client, ClientBuilder, RetryPolicy};
use heymilo_mock::{Config, MockServer};

/// The API key of every test client and mock.
pub const KEY: &str = "hm_live_SECRET_5c1e";

/// A client of `url` (both generations): short backoff, two retries, no rate limit.
pub fn client(url: &str) -> Client {
    builder(url).no_rate_limit().build().expect("client")
}

/// The builder behind [`client`], for tests that set more.
pub fn builder(url: &str) -> ClientBuilder {
    let policy = RetryPolicy::default().with_initial_backoff(Duration::from_millis(10));
    let policy = policy.with_max_backoff(Duration::from_millis(50));
    let builder = Client::builder().api_key(KEY).v1_base_url(url);
    builder.v2_base_url(url).retry_policy(policy)
}

/// heymilo-mock with `per_posting` candidates per posting, key [`KEY`], no practical rate limit.
pub async fn mock(per_posting: usize) -> MockServer {
    let mut config = Config::default();
    (config.candidates_per_posting, config.rate_limit) = (per_posting, 10_000_000);
    mock_with(config).await
}

/// heymilo-mock with `config` and key [`KEY`].
pub async fn mock_with(config: Config) -> MockServer {
    let api_keys = vec![KEY.into()];
    let started = MockServer::start(Config { api_keys, ..config }).await;
    started.expect("mock starts")
}

/// POSTs `body` to the mock's control route `path` (e.g. `/_mock/faults`); the answer's status.
pub async fn control(mock: &MockServer, path: &str, body: serde_json::Value) -> u16 {
    let url = format!("{}{path}", mock.base_url());
    let r = reqwest::Client::new().post(url).json(&body).send().await;
    r.expect("control").status().as_u16()
}

/// Adds a fault rule to the mock, or each rule of a JSON array.
pub async fn add_fault(mock: &MockServer, rules: serde_json::Value) {
    let rules = rules.as_array().cloned().unwrap_or_else(|| vec![rules]);
    for rule in rules {
        let status = control(mock, "/_mock/faults", rule).await;
        assert_eq!(status, 201, "fault rule accepted");
    }
}

/// Removes every fault rule.
pub async fn clear_faults(mock: &MockServer) {
    let url = format!("{}/_mock/faults", mock.base_url());
    reqwest::Client::new().delete(url).send().await.expect("ok");
}

/// Moves an interview through the mock's lifecycle.
pub async fn advance(mock: &MockServer, interview: &str, to: &str) {
    let path = format!("/_mock/interviews/{interview}/advance");
    control(mock, &path, serde_json::json!({ "to": to })).await;
}

/// `n` valid rows `tag.i@example.com`, each with a `row` metadata entry.
pub fn people(n: usize, tag: &str) -> Vec<Candidate> {
    let row = |i: usize| Candidate::new(format!("P {i}"), format!("{tag}.{i}@example.com"));
    let rows = (0..n).map(|i| row(i).metadata("row", i.to_string()));
    rows.collect()
}

/// A loopback address nothing listens on (a listener bound, then dropped).
pub fn free_addr() -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("a free port")
}

/// Serves `app` on an ephemeral loopback port; its base URL.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await;
    let listener = listener.expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });
    url
}

/// The error a v1 `get_health` call ends in (panics if it succeeds).
pub async fn health_error(c: &Client) -> heymilo::Error {
    let sent = within(c.v1().get_health().send()).await;
    sent.expect_err("expected an error").into()
}

/// Whether a call succeeded, as the SDK's error.
pub async fn done<T, E>(sent: impl Future<Output = Result<T, E>>) -> heymilo::Result<()>
where
    E: Into<heymilo::Error>,
{
    sent.await.map(drop).map_err(Into::into)
}

/// Two tests from one async check taking `resend: bool`: the first runs it
/// against the SDK (it passes), the second behind a proxy that re-sends every
/// POST (it must fail, or the check could never catch a re-sent POST).
#[macro_export]
macro_rules! check_and_its_test {
    ($check:ident: $passes:ident, $fails_when_posts_are_resent:ident) => {
        #[tokio::test]
        async fn $passes() {
            $check(false).await;
        }

        #[tokio::test]
        async fn $fails_when_posts_are_resent() {
            let check = std::panic::AssertUnwindSafe($check(true));
            let caught = $crate::FutureExt::catch_unwind(check).await;
            assert!(caught.is_err(), "a re-sent POST goes unnoticed");
        }
    };
}

/// Runs `f` to its end within a minute: a generous bound, far above what
/// any check here needs, that turns a wait that never ends into a failure.
pub async fn within<F: Future>(f: F) -> F::Output {
    let ends = tokio::time::timeout(Duration::from_secs(60), f).await;
    ends.expect("ended within a minute")
}

/// A rate limiter that grants every permit at once (after any pause, as
/// [`Unlimited`] does) and records when, and every pause asked of it.
#[derive(Debug, Default)]
pub struct Counting {
    /// When each permit was granted.
    pub granted: Mutex<Vec<Instant>>,
    /// (when, how long) of every pause.
    pub pauses: Mutex<Vec<(Instant, Duration)>>,
    /// Permits left, and whether it then fails closed (else it never answers).
    left: Option<(AtomicUsize, bool)>,
    inner: Unlimited,
}

impl Counting {
    /// Grants `n` permits, then fails closed (`then_fail`) or never answers.
    pub fn granting(n: usize, then_fail: bool) -> Self {
        Counting {
            left: Some((AtomicUsize::new(n), then_fail)),
            ..Self::default()
        }
    }

    /// Permits granted while a pause asked before them still ran: none when
    /// a pause holds every task (exact on a current-thread runtime, where
    /// nothing runs between a permit and its record).
    pub fn granted_during_a_pause(&self) -> Vec<Instant> {
        let pauses = self.pauses.lock().expect("lock").clone();
        let granted = self.granted.lock().expect("lock").clone();
        let held = |g: &Instant| pauses.iter().any(|(at, wait)| *at < *g && *g < *at + *wait);
        granted.into_iter().filter(held).collect()
    }
}

impl RateLimiter for Counting {
    fn acquire(&self) -> BoxFuture<'_, heymilo::Result<()>> {
        Box::pin(async move {
            let take = |n: usize| n.checked_sub(1);
            if let Some((left, fail)) = &self.left
                && left.fetch_update(SeqCst, SeqCst, take).is_err()
            {
                let message = "redis unreachable".into();
                if *fail {
                    return Err(heymilo::Error::RateLimiterUnavailable { message });
                }
                std::future::pending::<()>().await;
            }
            let permit = self.inner.acquire().await;
            self.granted.lock().expect("lock").push(Instant::now());
            permit
        })
    }

    fn pause_for(&self, wait: Duration) {
        let pause = (Instant::now(), wait);
        self.pauses.lock().expect("lock").push(pause);
        self.inner.pause_for(wait);
    }
}

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
    pub at: Instant,
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

    /// The query's pairs, sorted, joined by `&`.
    pub fn sorted_query(&self) -> String {
        let mut pairs: Vec<&str> = self.query.as_deref().unwrap_or("").split('&').collect();
        pairs.sort_unstable();
        pairs.join("&")
    }

    /// A stable text rendering for wire snapshots: method, path, sorted query,
    /// the headers that matter, and the body pretty-printed.
    pub fn wire(&self) -> String {
        let query = self.query.as_ref().map(|_| ("query", self.sorted_query()));
        #[rustfmt::skip]
        let names = ["x-api-key", "api-version", "accept", "content-type", "x-workspace-id"];
        let headers = names.map(|n| self.header(n).map(|v| (n, v.to_owned())));
        let json = serde_json::from_slice::<serde_json::Value>(&self.body);
        let pretty = json.map(|v| serde_json::to_string_pretty(&v).unwrap_or_default());
        let body = pretty.unwrap_or_else(|_| String::from_utf8_lossy(&self.body).into_owned());
        let body = (!self.body.is_empty()).then_some(("body", body));
        let headers = headers.into_iter().flatten();
        let lines = query.into_iter().chain(headers).chain(body);
        let lines: String = lines.map(|(k, v)| format!("{k}: {v}\n")).collect();
        format!("{} {}\n{lines}", self.method, self.path)
    }
}

/// A scripted answer: status, extra headers, body (sent as `application/json`
/// unless a content-type header is given), delay, and how the body goes out:
/// whole, cut short of the length it announces, or spaces streamed.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
    delay: Duration,
    /// The `Content-Length` announced, when not the body's own.
    declared: Option<u64>,
    /// How many 64 KiB chunks of spaces follow the body.
    spaces: usize,
}

impl Reply {
    /// A JSON answer with this status.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self::raw(status, &body.to_string())
    }

    /// A raw (possibly invalid) body with this status.
    pub fn raw(status: u16, body: &str) -> Self {
        let mut reply = Reply::default();
        (reply.status, reply.body) = (status, Bytes::copy_from_slice(body.as_bytes()));
        reply
    }

    /// Announces `declared` bytes, sends only `body`, then ends the connection.
    pub fn cut_short(status: u16, declared: u64, body: &str) -> Self {
        let mut reply = Self::raw(status, body);
        reply.declared = Some(declared);
        reply
    }

    /// A `200` of `len` spaces (a multiple of 64 KiB) sent 64 KiB at a time
    /// from one static chunk, as fast as the client reads; endless without `len`.
    pub fn spaces(len: Option<u64>) -> Self {
        let mut reply = Self::raw(200, "");
        reply.spaces = len.map_or(usize::MAX, |n| (n >> 16) as usize);
        reply.declared = len;
        reply
    }

    /// Answers only after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    async fn send(self) -> Response {
        tokio::time::sleep(self.delay).await;
        static CHUNK: [u8; 64 << 10] = [b' '; 64 << 10];
        let body = if self.declared.is_none() && self.spaces == 0 {
            Body::from(self.body)
        } else {
            let chunks = std::iter::repeat_n(Bytes::from_static(&CHUNK), self.spaces);
            let first = Some(self.body).filter(|b| !b.is_empty());
            let parts = first.into_iter().chain(chunks);
            // Pending once before the end, so that what was sent is flushed
            // before hyper drops a connection whose body falls short.
            let end = stream::once(tokio::task::yield_now()).filter_map(|()| ready(None));
            Body::from_stream(stream::iter(parts.map(Ok::<_, Infallible>)).chain(end))
        };
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::IM_A_TEAPOT);
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        let length = |n: u64| ("content-length".to_owned(), n.to_string());
        let declared = self.declared.map(length);
        for (name, value) in self.headers.into_iter().chain(declared) {
            if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                headers.insert(n, v);
            }
        }
        response
    }
}

type Script = Box<dyn FnMut(usize, &Recorded) -> Reply + Send>;

/// Answers from a script, or forwards to this base URL (`true`: every POST
/// is sent there twice).
enum Answer {
    Script(Mutex<Script>),
    Proxy(String, bool),
}

struct Shared {
    requests: Mutex<Vec<Recorded>>,
    answer: Answer,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

/// A recording server on an ephemeral loopback port.
pub struct Recorder {
    url: String,
    shared: Arc<Shared>,
}

impl Recorder {
    /// Starts a server that answers `reply` to every request.
    pub async fn start(reply: Reply) -> Self {
        Self::answering(move |_, _| reply.clone()).await
    }

    /// Starts a server that answers from `script` in order, then `fallback`.
    pub async fn scripted(script: Vec<Reply>, fallback: Reply) -> Self {
        Self::answering(move |n, _| script.get(n).unwrap_or(&fallback).clone()).await
    }

    /// Starts a server that answers request `n` (from 0) with `script(n, &request)`.
    pub async fn answering(script: impl FnMut(usize, &Recorded) -> Reply + Send + 'static) -> Self {
        Self::serve(Answer::Script(Mutex::new(Box::new(script)))).await
    }

    /// A proxy that records every request and forwards it to `upstream`,
    /// streaming the answer back (a body that breaks off upstream breaks off
    /// here). With `resend_posts` it sends every POST twice and answers the
    /// second: a stand-in for an SDK that re-sends every POST, so a test can
    /// show that its check fails against one.
    pub async fn proxy(upstream: &str, resend_posts: bool) -> Self {
        let upstream = upstream.trim_end_matches('/').to_owned();
        Self::serve(Answer::Proxy(upstream, resend_posts)).await
    }

    async fn serve(answer: Answer) -> Self {
        let (requests, in_flight, most_in_flight) = Default::default();
        let shared = Arc::new(Shared {
            requests,
            answer,
            in_flight,
            most_in_flight,
        });
        let app = axum::Router::new().fallback(handle);
        let url = serve(app.with_state(shared.clone())).await;
        Recorder { url, shared }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().expect("lock").clone()
    }

    /// How many requests arrived so far.
    pub fn received(&self) -> usize {
        self.shared.requests.lock().expect("lock").len()
    }

    /// How many requests with this method had a path starting with `prefix`.
    pub fn count(&self, method: &str, prefix: &str) -> usize {
        let matches = |r: &&Recorded| r.method == method && r.path.starts_with(prefix);
        self.requests().iter().filter(matches).count()
    }

    /// The most requests that were being answered at once.
    pub fn most_in_flight(&self) -> usize {
        self.shared.most_in_flight.load(Ordering::SeqCst)
    }

    /// The only request received (panics otherwise).
    pub fn single(&self) -> Recorded {
        let all = self.requests();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.into_iter().next().expect("one request")
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.most_in_flight.fetch_max(now, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20).await;
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body: body.unwrap_or_default(),
        at: Instant::now(),
    };
    let script = {
        let mut requests = shared.requests.lock().expect("lock");
        requests.push(recorded.clone());
        let n = requests.len() - 1;
        match &shared.answer {
            Answer::Script(script) => Ok(script.lock().expect("lock")(n, &recorded)),
            Answer::Proxy(upstream, resend) => Err((upstream, *resend)),
        }
    };
    let response = match script {
        Ok(reply) => reply.send().await,
        Err((upstream, resend)) => forward(upstream, resend, recorded).await,
    };
    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

async fn forward(upstream: &str, resend: bool, r: Recorded) -> Response {
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let http = HTTP.get_or_init(reqwest::Client::new);
    let query = r.query.as_ref().map(|q| format!("?{q}"));
    let url = format!("{upstream}{}{}", r.path, query.unwrap_or_default());
    let method = reqwest::Method::from_bytes(r.method.as_bytes()).expect("method");
    let mut headers = r.headers.clone();
    headers.remove("host");
    let send = || {
        let request = http.request(method.clone(), &url).headers(headers.clone());
        request.body(r.body.clone()).send()
    };
    if resend && r.method == "POST" {
        let _ = send().await;
    }
    let Ok(answer) = send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let mut out = Response::new(Body::empty());
    (*out.status_mut(), *out.headers_mut()) = (answer.status(), answer.headers().clone());
    for hop in ["content-length", "transfer-encoding", "connection"] {
        out.headers_mut().remove(hop);
    }
    *out.body_mut() = Body::from_stream(answer.bytes_stream());
    out
}

/// The workspace README's examples, compiled as doctests so it cannot rot
/// (`crates/heymilo/README.md`, packaged with the crate, is tested there).
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct WorkspaceReadme;
