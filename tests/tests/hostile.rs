//! The client against a hostile server: every header, body, cursor sequence
//! and connection behaviour a server can produce ends in a typed outcome
//! within the configured bounds, with the number of requests the server saw
//! counted. Memory under an endless body is in `hostile_memory.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use heymilo::ingest::{Candidate, RowErrorKind};
use heymilo::prelude::*;
use heymilo::rate_limit::RateLimiter;
use heymilo::{Disposition, RetryPolicy, v1};
use heymilo_tests::hostile::{Act, Hostile, Seen};
use serde_json::json;

const KEY: &str = "hm_live_HOSTILE_5ecret";

/// Retries on, small waits, a short cap on server-requested waits.
fn policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_retries(2)
        .with_initial_backoff(Duration::from_millis(10))
        .with_max_backoff(Duration::from_millis(40))
        .with_max_retry_after(Duration::from_millis(300))
}

fn builder(server: &Hostile) -> heymilo::ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .v1_base_url(server.url())
        .v2_base_url(server.url())
        .retry_policy(policy())
        .timeout(Duration::from_secs(5))
}

fn client(server: &Hostile) -> Client {
    builder(server).no_rate_limit().build().expect("client")
}

/// The error a `get_health` call ends in (panics if it succeeds).
async fn health_error(c: &Client) -> Error {
    match c.v1().get_health().send().await {
        Ok(ok) => panic!("expected an error, got {ok:?}"),
        Err(e) => e.into(),
    }
}

fn health() -> Act {
    Act::json(200, &json!({"message": "ok", "status": 200}))
}

fn too_many() -> Act {
    Act::json(
        429,
        &json!({"error": {"type": "rate_limit_error", "code": "rate_limited", "message": "slow down"}}),
    )
}

/// Every form of a wait a server can write, and what each must not do.
const HOSTILE_WAITS: &[(&str, &str)] = &[
    ("retry-after", "1e20"),
    ("retry-after", "18446744073709551615"),
    ("retry-after", "1e400"),
    ("retry-after", "1000000000"),
    ("retry-after", "NaN"),
    ("retry-after", "inf"),
    ("retry-after", "-5"),
    ("retry-after", "-0.5"),
    ("retry-after", "0.000000001"),
    ("retry-after", "garbage"),
    ("retry-after", ""),
    ("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT"),
    ("retry-after-ms", "1e30"),
    ("retry-after-ms", "-1"),
    ("retry-after-ms", "NaN"),
    ("retry-after-ms", "99999999999999999999999999"),
];

#[tokio::test]
async fn any_wait_on_a_success_is_ignored_without_panicking() {
    for (name, value) in HOSTILE_WAITS {
        let server = Hostile::always(health().with_header(name, value)).await;
        let out = client(&server).v1().get_health().send().await;
        assert!(out.is_ok(), "{name}: {value}: {out:?}");
        assert_eq!(server.count(), 1, "{name}: {value}");
    }
}

#[tokio::test]
async fn any_wait_on_a_429_is_bounded_by_the_cap() {
    for (name, value) in HOSTILE_WAITS {
        let server = Hostile::always(too_many().with_header(name, value)).await;
        let started = Instant::now();
        let err = health_error(&client(&server)).await;
        let took = started.elapsed();
        assert!(
            matches!(err, Error::RateLimited { .. }),
            "{name}: {value}: {err:?}"
        );
        assert!(
            server.count() <= 3,
            "{name}: {value}: {} requests",
            server.count()
        );
        // Two waits of at most the cap (300 ms) each, plus slack.
        assert!(took < Duration::from_secs(2), "{name}: {value}: {took:?}");
        if let Some(wait) = err.retry_after() {
            assert!(
                wait <= Duration::from_secs(24 * 3600),
                "{name}: {value}: {wait:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_far_future_429_does_not_pause_other_callers_past_the_cap() {
    for wait in ["1000000000", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let server = Hostile::start(move |n, _| match n {
            0 => too_many().with_header("retry-after", wait),
            _ => health(),
        })
        .await;
        // A real limiter: the pause a 429 sets is shared by every clone.
        let c = builder(&server)
            .rate_limit_per_minute(6000)
            .build()
            .expect("client");
        let started = Instant::now();
        let err = c.v1().get_health().send().await.map_err(Error::from);
        assert!(
            matches!(err, Err(Error::RateLimited { .. })),
            "{wait}: returned at once: {err:?}"
        );
        assert!(started.elapsed() < Duration::from_millis(250), "{wait}");
        let other = c.clone();
        let started = Instant::now();
        other
            .v1()
            .get_health()
            .send()
            .await
            .expect("the next call goes through");
        let took = started.elapsed();
        assert!(
            took < Duration::from_millis(300 + 500),
            "{wait}: paused for {took:?}, past the 300 ms cap"
        );
        assert_eq!(server.count(), 2, "{wait}");
    }
}

/// A limiter that never grants a permit (a saturated shared budget).
#[derive(Debug)]
struct Never;

impl RateLimiter for Never {
    fn acquire(&self) -> std::pin::Pin<Box<dyn Future<Output = heymilo::Result<()>> + Send + '_>> {
        Box::pin(std::future::pending())
    }
    fn pause_for(&self, _: Duration) {}
}

/// A limiter that grants `n` permits, then fails closed.
#[derive(Debug)]
struct GrantsThenFails(AtomicUsize);

impl RateLimiter for GrantsThenFails {
    fn acquire(&self) -> std::pin::Pin<Box<dyn Future<Output = heymilo::Result<()>> + Send + '_>> {
        let left = self
            .0
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        Box::pin(async move {
            match left {
                Ok(_) => Ok(()),
                Err(_) => Err(Error::RateLimiterUnavailable {
                    message: "redis unreachable".into(),
                }),
            }
        })
    }
    fn pause_for(&self, _: Duration) {}
}

#[tokio::test]
async fn waiting_for_a_permit_is_bounded_by_the_timeout() {
    let server = Hostile::always(health()).await;
    let c = builder(&server)
        .rate_limiter(Arc::new(Never))
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = health_error(&c).await;
    assert!(
        matches!(err, Error::LimiterTimeout { waited } if waited == Duration::from_millis(200)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(err.disposition(), Disposition::NotSent);
    assert_eq!(server.count(), 0, "nothing was sent");
}

fn candidate(id: &str) -> serde_json::Value {
    json!({"interview_id": id, "posting_id": "P", "name": "N", "email": "e@x.io", "status": "pending"})
}

/// A cursor list whose pages the test scripts: the page after cursor `c`
/// holds the items `next(c)` names; the last page says no more.
fn cursor_server(
    next: impl Fn(Option<&str>) -> (Vec<String>, bool) + Send + 'static,
) -> impl FnMut(usize, &Seen) -> Act + Send + 'static {
    move |_, seen| {
        let (ids, has_more) = next(seen.query("starting_after"));
        let data: Vec<_> = ids.iter().map(|id| candidate(id)).collect();
        Act::json(
            200,
            &json!({"data": data, "pagination": {"has_more": has_more}}),
        )
    }
}

async fn drain_candidates(c: &Client) -> (usize, Option<Error>) {
    let mut stream = c.v2().list_candidates().posting_id("P").limit(1).stream();
    let mut items = 0;
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => items += 1,
            Err(e) => return (items, Some(e)),
        }
    }
    (items, None)
}

#[tokio::test]
async fn a_cycling_cursor_ends_in_a_pagination_error() {
    // A -> B -> A -> B ...: the third page hands back a cursor already followed.
    let server = Hostile::start(cursor_server(|cursor| match cursor {
        None | Some("B") => (vec!["A".into()], true),
        Some(_) => (vec!["B".into()], true),
    }))
    .await;
    let (items, err) = drain_candidates(&client(&server)).await;
    assert!(
        matches!(&err, Some(Error::Pagination { operation: "list_candidates", message }) if message.contains("came back")),
        "{err:?}"
    );
    assert_eq!(items, 2);
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn an_oversized_cursor_is_not_followed() {
    let server = Hostile::start(cursor_server(|_| (vec!["x".repeat(10_000)], true))).await;
    let (_, err) = drain_candidates(&client(&server)).await;
    assert!(matches!(err, Some(Error::Pagination { .. })), "{err:?}");
    assert_eq!(server.count(), 1);
}

fn postings_page(page: u64) -> Act {
    Act::json(
        200,
        &json!({"postings": [{"posting_id": "same-1", "title": "T"}, {"posting_id": "same-2", "title": "T"}],
                "total": 2_000_000_000_000u64, "page": page, "limit": 2, "total_pages": 1_000_000_000_000u64}),
    )
}

#[tokio::test]
async fn numbered_pages_that_repeat_their_items_end_in_a_pagination_error() {
    let server = Hostile::start(|n, _| postings_page(n as u64 + 1)).await;
    let got: Vec<_> = client(&server)
        .v1()
        .list_postings()
        .limit(2)
        .stream()
        .collect()
        .await;
    assert_eq!(got.len(), 3, "two items, then the error: {got:?}");
    assert!(
        matches!(&got[2], Err(Error::Pagination { operation: "list_postings", message }) if message.contains("page 2")),
        "{:?}",
        got[2]
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn an_endless_body_is_cut_at_the_size_cap() {
    let server = Hostile::always(Act::Endless { status: 200 }).await;
    let c = builder(&server)
        .no_rate_limit()
        .max_response_bytes(1 << 20)
        .build()
        .expect("client");
    let started = Instant::now();
    let err = health_error(&c).await;
    assert!(
        matches!(err, Error::ResponseTooLarge { limit } if limit == 1 << 20),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(server.count(), 1, "a body too large is final, not retried");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_declared_length_past_the_cap_is_refused_unread() {
    let server = Hostile::always(Act::CutShort {
        status: 200,
        declared: 10_000_000_000,
        body: b"{".to_vec(),
    })
    .await;
    let c = builder(&server)
        .no_rate_limit()
        .max_response_bytes(1 << 20)
        .build()
        .expect("client");
    let err = health_error(&c).await;
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
}

fn cut_short() -> Act {
    Act::CutShort {
        status: 200,
        declared: 400,
        body: br#"{"message": "o"#.to_vec(),
    }
}

#[tokio::test]
async fn a_body_cut_short_is_a_connection_error_retried_for_idempotent_calls() {
    let server = Hostile::start(|n, _| if n == 0 { cut_short() } else { health() }).await;
    client(&server)
        .v1()
        .get_health()
        .send()
        .await
        .expect("retried, then fine");
    assert_eq!(server.count(), 2);

    // Always cut: after the retries, a typed connection error without the URL.
    let server = Hostile::always(cut_short()).await;
    let err = client(&server)
        .v2()
        .list_candidates()
        .posting_id("P")
        .limit(7)
        .send()
        .await
        .map_err(Error::from)
        .expect_err("cut");
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert_eq!(server.count(), 3);
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("127.0.0.1") && !shown.contains("limit=7"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_body_cut_short_is_never_resent_for_a_create() {
    let server = Hostile::always(cut_short()).await;
    let err = client(&server)
        .v1()
        .create_webhook()
        .body(
            v1::types::CreateWebhookRequest::builder()
                .posting_id("p1")
                .url("https://h")
                .event_type(v1::types::WebhookEventType::InterviewStarted),
        )
        .send()
        .await
        .map_err(Error::from)
        .expect_err("cut");
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert_eq!(err.disposition(), Disposition::MaybeProcessed);
    assert_eq!(
        server.count(),
        1,
        "a create that may have happened is sent once"
    );
}

#[tokio::test]
async fn server_text_is_cut_escaped_and_never_repeats_the_key() {
    let flood = format!("\x1b[2K\r\u{9b}OK: all done{}", "A".repeat(5_000_000));
    let cases = [
        (
            422,
            json!({"error": {"type": "invalid_request_error", "code": "\x1b[31mbad", "message": flood,
            "errors": (0..5000).map(|i| json!({"param": format!("f{i}\r"), "code": "c", "message": "m\x07"})).collect::<Vec<_>>()}}),
        ),
        (
            401,
            json!({"detail": format!("key {KEY} is not valid\r\x1b[1A")}),
        ),
        (
            500,
            json!({"error": {"type": "api_error", "code": "boom", "message": format!("{KEY}\x1b]0;title\x07{flood}")}}),
        ),
    ];
    for (status, body) in cases {
        let server = Hostile::always(Act::json(status, &body)).await;
        let err = client(&server)
            .with_max_retries(0)
            .v2()
            .list_candidates()
            .posting_id("P")
            .send()
            .await
            .map_err(Error::from)
            .expect_err("error");
        let shown = err.to_string();
        assert!(shown.len() < 16 * 1024, "{status}: {} bytes", shown.len());
        assert!(
            !shown.chars().any(|c| c.is_control()),
            "{status}: control characters reach the terminal: {shown:?}"
        );
        assert!(
            !shown.contains(KEY) && !format!("{err:?}").contains(KEY),
            "{status}: {shown}"
        );
        assert_eq!(err.status(), Some(status));
    }
}

#[tokio::test]
async fn errors_and_the_engine_agree_on_what_may_be_retried() {
    for (status, retried) in [
        (501, false),
        (505, false),
        (503, true),
        (408, true),
        (404, false),
    ] {
        let server = Hostile::always(Act::json(status, &json!({"detail": "x"}))).await;
        let err = health_error(&client(&server)).await;
        let sent = server.count();
        assert_eq!(sent > 1, retried, "{status}: {sent} requests");
        assert_eq!(err.is_retryable(), retried, "{status}: is_retryable");
    }
}

fn export_job(base: &str) -> Act {
    Act::json(
        200,
        &json!({"job_id": "exp_1", "status": "completed", "file_url": format!("{base}/files/exp_1.json")}),
    )
}

#[tokio::test]
async fn an_export_download_obeys_a_limiter_that_fails_closed() {
    let server = Hostile::start(|_, seen| {
        if seen.path().starts_with("/files/") {
            Act::json(200, &json!([]))
        } else {
            // The file sits on the API's own origin (a relative URL).
            Act::json(
                200,
                &json!({"job_id": "exp_1", "status": "completed", "file_url": "/files/exp_1.json"}),
            )
        }
    })
    .await;
    let c = builder(&server)
        .rate_limiter(Arc::new(GrantsThenFails(AtomicUsize::new(1))))
        .build()
        .expect("client");
    let err = c
        .export()
        .interviews("P")
        .to_writer(Vec::new())
        .await
        .expect_err("the download is refused");
    assert!(
        matches!(
            err,
            heymilo::ExportError::Api(Error::RateLimiterUnavailable { .. })
        ),
        "{err:?}"
    );
    let paths: Vec<_> = server.seen().iter().map(|s| s.path().to_owned()).collect();
    assert_eq!(paths.len(), 1, "the file is never requested: {paths:?}");
}

#[tokio::test]
async fn an_export_download_is_retried_by_the_engine() {
    let hits = Arc::new(AtomicUsize::new(0));
    let files = hits.clone();
    let server = Hostile::start(move |_, seen| {
        if seen.path().starts_with("/files/") {
            if files.fetch_add(1, Ordering::SeqCst) == 0 {
                return too_many().with_header("retry-after", "0.05");
            }
            return Act::json(200, &json!(["row"]));
        }
        export_job("")
    })
    .await;
    let mut out = Vec::new();
    let done = client(&server)
        .export()
        .interviews("P")
        .to_writer(&mut out)
        .await
        .expect("exported");
    assert_eq!(out, br#"["row"]"#);
    assert_eq!(done.bytes, 7);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn ingest_rows_the_limiter_refused_are_not_reported_as_rejected_by_the_server() {
    let server = Hostile::always(Act::json(200, &json!({"data": []}))).await;
    let c = builder(&server)
        .rate_limiter(Arc::new(GrantsThenFails(AtomicUsize::new(0))))
        .build()
        .expect("client");
    let report = c
        .ingest()
        .v2("P")
        .run(vec![
            Candidate::new("Ada", "ada@example.com"),
            Candidate::new("Bob", "bob@example.com"),
        ])
        .await;
    assert_eq!(report.failed(), 2);
    for e in report.errors() {
        assert!(matches!(e.kind, RowErrorKind::NotIngested(_)), "{e:?}");
        assert!(!e.may_have_been_ingested());
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn a_v2_chunk_that_may_have_been_processed_is_sent_once() {
    let server = Hostile::always(Act::json(503, &json!({"detail": "busy"}))).await;
    let report = client(&server)
        .ingest()
        .v2("P")
        .run(vec![Candidate::new("Ada", "ada@example.com")])
        .await;
    let e = report.errors().next().expect("one error");
    assert!(e.may_have_been_ingested(), "{e:?}");
    assert_eq!(server.count(), 1, "v2 bulk ingest is not idempotent");
}

#[tokio::test]
async fn a_silent_server_is_bounded_by_the_timeout() {
    let server = Hostile::always(Act::Silent).await;
    let c = builder(&server)
        .no_rate_limit()
        .timeout(Duration::from_millis(150))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = health_error(&c).await;
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(
        server.count(),
        3,
        "an idempotent call is retried after a timeout"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
}
