//! The client against a hostile server (a scripted [`Recorder`]): every
//! header, body, cursor sequence and connection behaviour a server can
//! produce ends in a typed outcome within the configured bounds, with the
//! number of requests the server saw counted. Waits are checked through the
//! limiter's record of the pauses asked of it, never by a clock. Memory under
//! an endless body is in `hostile_memory.rs`.

use std::sync::Arc;
use std::time::Duration;

use heymilo::ingest::{Candidate, RowErrorKind};
use heymilo::prelude::*;
use heymilo::v1::types::{CreateWebhookRequest, WebhookEventType::InterviewStarted};
use heymilo::{ClientBuilder, Disposition, ExportError, RetryPolicy};
use heymilo_tests::world::{error, health};
use heymilo_tests::{Counting, KEY, Recorded, Recorder, Reply, health_error, within};
use serde_json::json;

const CAP: Duration = Duration::from_millis(300);
const MS: fn(u64) -> Duration = Duration::from_millis;

/// Retries on, small waits, a short cap on server-requested waits.
fn capped(server: &Recorder) -> ClientBuilder {
    let policy = RetryPolicy::default().with_initial_backoff(MS(10));
    let policy = policy.with_max_retry_after(CAP).with_max_backoff(MS(40));
    heymilo_tests::builder(&server.url()).retry_policy(policy)
}

fn capped_client(server: &Recorder) -> Client {
    capped(server).no_rate_limit().build().expect("client")
}

/// A client whose limiter records the pauses asked of it (and may grant only some).
fn counted(server: &Recorder, limiter: Counting) -> (Client, Arc<Counting>) {
    let limiter = Arc::new(limiter);
    let c = capped(server).rate_limiter(limiter.clone()).build();
    (c.expect("client"), limiter)
}

type Setting = fn(ClientBuilder) -> ClientBuilder;
type Check = fn(&Error) -> bool;
type Row = (&'static str, Reply, Setting, Check, usize, bool);

/// A server answer and the typed error a v2 list call ends in: (case,
/// answer, client setting, error, requests sent, whether retryable). The
/// error never shows the server's address, the query or the key, and
/// server text in it is cut and escaped.
#[tokio::test]
async fn every_hostile_answer_ends_in_its_typed_error() {
    let flood = format!("\x1b[2K\r\u{9b}OK: all done{}", "A".repeat(5_000_000));
    let field = |i| json!({"param": format!("f{i}\r"), "code": "c", "message": "m\x07"});
    let errors: Vec<_> = (0..5000).map(field).collect();
    let (cap, once): (Setting, Setting) = (|b| b.max_response_bytes(1 << 20), |b| b.max_retries(0));
    let too_large = |e: &Error| matches!(e, Error::ResponseTooLarge { limit: 1_048_576 });
    let server = |e: &Error| matches!(e, Error::Server(_));
    let x = |status| Reply::json(status, json!({"detail": "x"}));
    #[rustfmt::skip]
    let rows: [Row; 14] = [
        ("a body that never ends", Reply::spaces(None), cap, too_large, 1, false),
        ("a 10 GB body declared", Reply::cut_short(200, 10_000_000_000, "{"), cap, too_large, 1, false),
        ("a body cut short", Reply::cut_short(200, 400, r#"{"message": "o"#), |b| b, |e| matches!(e, Error::Connection { .. }), 3, true),
        ("no answer", Reply::raw(200, "").delayed(Duration::from_secs(3600)), |b| b.timeout(MS(150)), |e| matches!(e, Error::Timeout { .. }), 3, true),
        ("no permit", health(), |b| b.rate_limiter(Arc::new(Counting::granting(0, false))).timeout(MS(200)),
            |e| matches!(e, Error::LimiterTimeout { waited } if *waited == MS(200)) && e.disposition() == Disposition::NotSent, 0, true),
        ("501", x(501), |b| b, server, 1, false),
        ("505", x(505), |b| b, server, 1, false),
        ("503", x(503), |b| b, server, 3, true),
        ("408", x(408), |b| b, |e| matches!(e, Error::Api(_)), 3, true),
        ("404", x(404), |b| b, |e| matches!(e, Error::NotFound(_)), 1, false),
        ("429", error(429, "rate_limited"), |b| b, |e| matches!(e, Error::RateLimited { .. }), 3, true),
        ("422", Reply::json(422, json!({"error": {"type": "invalid_request_error", "code": "\x1b[31mbad", "message": flood, "errors": errors}})),
            once, |e| matches!(e, Error::Validation(_)), 1, false),
        ("401", Reply::json(401, json!({"detail": format!("key {KEY} is not valid\r\x1b[1A")})),
            once, |e| matches!(e, Error::Unauthorized(_)), 1, false),
        ("500", Reply::json(500, json!({"error": {"type": "api_error", "code": "boom", "message": format!("{KEY}\x1b]0;title\x07{flood}")}})),
            once, server, 1, true),
    ];
    for (case, reply, setting, expected, sent, retryable) in rows {
        let server = Recorder::start(reply).await;
        let c = setting(capped(&server).no_rate_limit()).build();
        let c = c.expect("client");
        let list = c.v2().list_candidates().posting_id("P").limit(7).send();
        let err = Error::from(within(list).await.expect_err("an error"));
        assert!(expected(&err), "{case}: {err:?}");
        assert_eq!(err.status(), case.parse().ok(), "{case}: status");
        let counted = (server.received(), err.is_retryable());
        assert_eq!(counted, (sent, retryable), "{case}: sent, retryable");
        let (text, shown) = (err.to_string(), format!("{err} {err:?}"));
        assert!(text.len() < 16 * 1024, "{case}: {} bytes", text.len());
        let control = text.chars().any(char::is_control);
        assert!(!control, "{case}: control characters: {text:?}");
        let leaks = ["127.0.0.1", "limit=7", KEY].map(|s| shown.contains(s));
        assert_eq!(leaks, [false; 3], "{case}: address, query, key in {shown}");
    }
}

/// Every form of a wait a server can write, in either header.
#[rustfmt::skip]
const HOSTILE_WAITS: [(&str, &[&str]); 2] = [
    ("retry-after", &["1e20", "18446744073709551615", "1e400", "1000000000", "NaN", "inf", "-5", "-0.5", "0.000000001",
        "garbage", "", "Fri, 31 Dec 9999 23:59:59 GMT", "Thu, 01 Jan 1970 00:00:00 GMT"]),
    ("retry-after-ms", &["1e30", "-1", "NaN", "99999999999999999999999999"]),
];

#[tokio::test]
async fn any_wait_is_ignored_on_a_success_and_capped_on_a_429() {
    let waits = HOSTILE_WAITS
        .iter()
        .flat_map(|(name, v)| v.iter().map(move |v| (name, v)));
    for (name, value) in waits {
        let case = format!("{name}: {value}");
        let server = Recorder::start(health().header(name, value)).await;
        let out = capped_client(&server).v1().get_health().send().await;
        assert!(out.is_ok() && server.received() == 1, "{case}: {out:?}");
        let server = Recorder::start(error(429, "rate_limited").header(name, value)).await;
        let (c, limiter) = counted(&server, Counting::default());
        let err = health_error(&c).await;
        assert!(matches!(err, Error::RateLimited { .. }), "{case}: {err:?}");
        assert!(server.received() <= 3, "{case}: requests");
        let pauses = limiter.pauses.lock().expect("lock").clone();
        assert!(pauses.iter().all(|p| p.1 <= CAP), "{case}: {pauses:?}");
        let day = Duration::from_secs(24 * 3600);
        assert!(err.retry_after().is_none_or(|w| w <= day), "{case}");
    }
}

#[tokio::test]
async fn a_far_future_429_returns_at_once_and_pauses_others_only_to_the_cap() {
    for wait in ["1000000000", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let first = error(429, "rate_limited").header("retry-after", wait);
        let server = Recorder::scripted(vec![first], health()).await;
        let (c, limiter) = counted(&server, Counting::default());
        let err = health_error(&c).await;
        assert!(matches!(err, Error::RateLimited { .. }), "{wait}: at once");
        let next = within(c.clone().v1().get_health().send()).await;
        next.expect("the next call goes through");
        let pauses = limiter.pauses.lock().expect("lock").clone();
        let waits: Vec<Duration> = pauses.iter().map(|p| p.1).collect();
        assert_eq!((waits, server.received()), (vec![CAP], 2), "{wait}");
    }
}

#[tokio::test]
async fn misbehaving_pages_end_in_a_pagination_error() {
    type Next = fn(Option<&str>) -> (String, bool);
    // A -> B -> A -> B ...: the third page hands back a cursor already followed.
    let cycle: Next = |at| (["A", "B"][usize::from(at == Some("A"))].into(), true);
    let long: Next = |_| ("x".repeat(10_000), true);
    for (case, next, items, sent, says) in [
        ("cycle", cycle, 2, 3, "came back"),
        ("oversized cursor", long, 0, 1, "4096"),
    ] {
        // The page after cursor `c` holds the item `next(c)` names.
        let server = Recorder::answering(move |_, seen: &Recorded| {
            let query = seen.query.as_deref().unwrap_or_default();
            let (id, has_more) = next(query.split('&').find_map(|p| p.strip_prefix("starting_after=")));
            let item = json!({"interview_id": id, "posting_id": "P", "name": "N", "email": "e@x.io", "status": "pending"});
            let page = json!({"data": [item], "pagination": {"has_more": has_more}});
            Reply::json(200, page)
        })
        .await;
        let c = capped_client(&server);
        let list = c.v2().list_candidates().posting_id("P").limit(1);
        let got: Vec<_> = within(list.stream().collect::<Vec<_>>()).await;
        let (last, ok) = got.split_last().expect("items");
        let all_ok = ok.iter().all(Result::is_ok) && ok.len() == items;
        assert!(all_ok, "{case}: {got:?}");
        let right = matches!(last, Err(Error::Pagination { operation: "list_candidates", message }) if message.contains(says));
        assert!(right && server.received() == sent, "{case}: {last:?}");
    }
    // Numbered pages that advance over the same items.
    let server = Recorder::answering(|n, _| {
        Reply::json(200, json!({"postings": [{"posting_id": "same-1", "title": "T"}, {"posting_id": "same-2", "title": "T"}],
            "total": 2_000_000_000_000u64, "page": n + 1, "limit": 2, "total_pages": 1_000_000_000_000u64}))
    })
    .await;
    let c = capped_client(&server);
    let got: Vec<_> = within(c.v1().list_postings().limit(2).stream().collect::<Vec<_>>()).await;
    assert_eq!(got.len(), 3, "two items, then the error: {got:?}");
    let right = matches!(&got[2], Err(Error::Pagination { operation: "list_postings", message }) if message.contains("page 2"));
    assert!(right && server.received() == 2, "{got:?}");
}

#[tokio::test]
async fn a_body_cut_short_is_retried_only_for_idempotent_calls() {
    let cut_short = || Reply::cut_short(200, 400, r#"{"message": "o"#);
    let server = Recorder::scripted(vec![cut_short()], health()).await;
    let out = capped_client(&server).v1().get_health().send().await;
    assert!(out.is_ok() && server.received() == 2, "retried: {out:?}");
    let server = Recorder::start(cut_short()).await;
    let hook = CreateWebhookRequest::builder().url("https://h");
    let hook = hook.posting_id("p1").event_type(InterviewStarted);
    let c = capped_client(&server);
    let sent = c.v1().create_webhook().body(hook).send().await;
    let err = Error::from(sent.expect_err("cut"));
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert_eq!(err.disposition(), Disposition::MaybeProcessed);
    assert_eq!(server.received(), 1, "sent once: it may be processed");
}

/// An export whose file sits on the API's own origin; `file(n)` answers the n-th file request.
async fn export_server(file: impl Fn(usize) -> Reply + Send + 'static) -> Recorder {
    let job = json!({"job_id": "exp_1", "status": "completed", "file_url": "/files/exp_1.json"});
    let mut files = 0;
    Recorder::answering(move |_, seen| {
        if !seen.path.starts_with("/files/") {
            return Reply::json(200, job.clone());
        }
        files += 1;
        file(files - 1)
    })
    .await
}

#[tokio::test]
async fn a_download_cut_short_fails_and_leaves_neither_file_nor_part() {
    let dir = tempfile::tempdir().expect("tempdir");
    for sent in [0, 10, 399] {
        let server = export_server(move |_| Reply::cut_short(200, 400, &" ".repeat(sent))).await;
        let path = dir.path().join("export.json");
        let c = capped_client(&server);
        let err = within(c.export().interviews("P").to_path(&path)).await;
        let err = err.expect_err("cut short");
        let cut = matches!(err, ExportError::Api(Error::Connection { .. }));
        assert!(cut, "{sent} of 400 bytes: {err:?}");
        let left = std::fs::read_dir(dir.path()).expect("dir").next();
        assert!(left.is_none(), "{sent} of 400 bytes: something left behind");
    }
}

#[tokio::test]
async fn an_export_download_is_retried_by_the_engine_and_obeys_the_limiter() {
    let wait = error(429, "rate_limited").header("retry-after", "0.05");
    let row = Reply::json(200, json!(["row"]));
    let server = export_server(move |n| [&wait, &row][n.min(1)].clone()).await;
    let (c, mut out) = (capped_client(&server), Vec::new());
    let done = within(c.export().interviews("P").to_writer(&mut out)).await;
    let done = done.expect("exported");
    assert_eq!((out.as_slice(), done.bytes), (br#"["row"]"#.as_slice(), 7));
    assert_eq!(server.count("GET", "/files/exp_1.json"), 2);

    let server = export_server(|_| Reply::json(200, json!([]))).await;
    let (c, _) = counted(&server, Counting::granting(1, true));
    let err = c.export().interviews("P").to_writer(Vec::new()).await;
    let err = err.expect_err("the download is refused");
    let refused = matches!(err, ExportError::Api(Error::RateLimiterUnavailable { .. }));
    assert!(refused, "{err:?}");
    assert_eq!(server.received(), 1, "the file is never requested");
}

#[tokio::test]
async fn ingest_rows_are_never_misreported_or_resent() {
    // Refused by the limiter: not ingested, not rejected by the server.
    let server = Recorder::start(Reply::json(200, json!({"data": []}))).await;
    let ada = || Candidate::new("Ada", "ada@x.io");
    let rows = vec![ada(), Candidate::new("Bob", "bob@x.io")];
    let (c, _) = counted(&server, Counting::granting(0, true));
    let report = c.ingest().v2("P").run(rows).await;
    assert_eq!(report.failed(), 2);
    let not_ingested = |e: &heymilo::ingest::RowError| {
        matches!(e.kind, RowErrorKind::NotIngested(_)) && !e.may_have_been_ingested()
    };
    assert!(report.errors().all(not_ingested) && server.received() == 0);

    // A v2 chunk that may have been processed is sent once.
    let server = Recorder::start(Reply::json(503, json!({"detail": "busy"}))).await;
    let c = capped_client(&server);
    let report = c.ingest().v2("P").run(vec![ada()]).await;
    let error = report.errors().next().expect("one error");
    assert!(error.may_have_been_ingested());
    assert_eq!(server.received(), 1, "v2 bulk ingest is not idempotent");
}
