//! The workflow helpers against heymilo-mock and a local stand-in: bulk
//! ingest (10,000 rows through injected faults; a server that fails after
//! processing; concurrency, the shared limiter and a 429 mid-run), exports
//! (no key to another origin, typed failures, v2 JSON Lines), webhooks of
//! both generations and the receiver. What the SDK sent is counted where it
//! arrives, never inferred from what a server kept. The 200 MB export in
//! bounded memory is in `hostile_memory.rs`.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Json, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use heymilo::ExportError;
use heymilo::Generation::{V1, V2};
use heymilo::export::ExportProgress;
use heymilo::ingest::{Candidate, IngestReport, RowErrorKind, RowOutcome, V2Recovery};
use heymilo::prelude::*;
use heymilo::webhooks::{DeliveryMethod, Event, EventType, NewSubscription, receiver};
use heymilo_tests::{
    Counting, KEY, Recorder, Reply, add_fault, advance, builder, clear_faults, client, mock,
    people, serve,
};
use serde_json::{Value, json};

/// The names of the files in `dir`.
fn files_in(dir: &tempfile::TempDir) -> Vec<std::ffi::OsString> {
    let entries = std::fs::read_dir(dir.path()).expect("dir");
    entries.flatten().map(|e| e.file_name()).collect()
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One JSON object per line.
fn json_lines(out: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(out).expect("utf-8");
    let line = |l: &str| serde_json::from_str(l).expect("one JSON object per line");
    text.lines().map(line).collect()
}

/// Checks that every row has exactly one outcome, that a row is an error
/// only where `expected_error` allows it, and returns the interview of each
/// successful row's email.
fn interviews_by_email(
    report: &IngestReport,
    rows: &[Candidate],
    expected_error: impl Fn(usize, &RowErrorKind) -> bool,
) -> HashMap<String, String> {
    assert_eq!(report.outcomes.len(), rows.len(), "one outcome per row");
    let mut by_email = HashMap::new();
    for (i, outcome) in report.outcomes.iter().enumerate() {
        match outcome {
            Ok(done) => {
                let id = done.interview_id.clone();
                let previous = by_email.insert(rows[i].email.clone(), id.clone());
                assert!(previous.is_none_or(|p| p == id), "row {i}: one interview");
            }
            Err(e) => assert!(e.row == i && expected_error(i, &e.kind), "row {i}: {e}"),
        }
    }
    by_email
}

// ---------------------------------------------------------------------------
// Bulk ingest against heymilo-mock.

/// 10,000 rows of each generation through faults (v2's counted at a proxy).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_rows_of_each_generation_through_faults_end_once() {
    let mock = mock(0).await;
    let postings = mock.postings();
    // v2: a 5xx before the handler; a body cut after it (the mock acted, the client cannot know).
    #[rustfmt::skip]
    let faults = json!([
        {"route": "/ingest", "error_rate": 0.1}, {"route": "/ingest", "truncate_rate": 0.1},
        {"route": "/ingest", "drop_rate": 0.1}, {"route": "/api/v2/postings", "error_rate": 0.2},
        {"route": "/api/v2/postings", "truncate_rate": 0.1},
    ]);
    add_fault(&mock, faults).await;
    let c = client(mock.base_url()).with_max_retries(8);
    let mut rows = people(10_000, "v1");
    // Every 997th row is invalid: it ends as its own error and is never sent.
    for i in (0..rows.len()).step_by(997) {
        rows[i].phone_number = Some("12345".into());
    }
    // Ten rows repeat earlier candidates: retake=false gives them the same interview.
    for i in 0..10 {
        rows[5_000 + i].email = rows[i + 1].email.clone();
    }
    let mut last = None;
    let bulk = c.ingest().v1(&postings[0].1);
    let bulk = bulk.on_progress(|p| last = Some(p));
    let report = bulk.run(rows.clone()).await;
    let by_email = interviews_by_email(&report, &rows, |i, kind| {
        i % 997 == 0 && matches!(kind, RowErrorKind::Invalid(f) if f.field == "phone_number")
    });
    assert_eq!(report.failed(), 11, "only the invalid rows fail");
    let last = last.expect("progress reported");
    let progress = (last.rows, last.succeeded, last.failed, last.total);
    assert_eq!(progress, (10_000, 9_989, 11, Some(10_000)));
    let id = |row: usize| &report.outcomes[row].as_ref().expect("ok").interview_id;
    for i in 0..10 {
        assert_eq!(id(i + 1), id(5_000 + i), "same candidate, same interview");
    }
    let distinct: HashSet<&String> = by_email.values().collect();
    assert_eq!(distinct.len(), 10_000 - 11 - 10);

    let counter = Recorder::proxy(mock.base_url(), false).await;
    let c2 = client(&counter.url());
    let mut rows = people(10_000, "v2");
    for i in (0..rows.len()).step_by(1_000) {
        rows[i].email = "not-an-email".into();
    }
    // Default: a chunk the server may have processed is never re-sent.
    let bulk = c2.ingest().v2(&postings[1].0).chunk_size(250);
    let report = bulk.run(rows.clone()).await;
    let ok = interviews_by_email(&report, &rows, |i, kind| match kind {
        RowErrorKind::Invalid(f) => i % 1_000 == 0 && f.field == "email",
        RowErrorKind::MaybeIngested(_) => i % 1_000 != 0,
        _ => false,
    });
    let maybe = report.errors().filter(|e| e.may_have_been_ingested());
    let maybe = maybe.count();
    assert!(maybe > 0, "faults were injected");
    assert_eq!(ok.len() + maybe + 10, 10_000);
    let sent = |p: &str| counter.count("POST", &format!("/api/v2/postings/{p}/candidates/bulk"));
    let chunks = sent(&postings[1].0);
    assert_eq!(chunks, 40, "9,990 rows, 40 chunks, each sent once");
    // SingleIngests: every row ends with its interview; each chunk still goes once.
    let c2 = c2.with_max_retries(15);
    let bulk = c2.ingest().v2(&postings[2].0);
    let bulk = bulk.v2_recovery(V2Recovery::SingleIngests);
    let report = bulk.run(rows.clone()).await;
    let ok2 = interviews_by_email(&report, &rows, |i, kind| {
        i % 1_000 == 0 && matches!(kind, RowErrorKind::Invalid(_))
    });
    assert_eq!(ok2.len(), 9_990);
    let chunks = sent(&postings[2].0);
    assert_eq!(chunks, 100, "9,990 rows in 100 default chunks, sent once");

    clear_faults(&mock).await;
    let list = c.v1().list_interviews().posting_id(&postings[0].0);
    let list = list.limit(100);
    let stored: Vec<_> = list.stream().try_collect().await.expect("list");
    assert_eq!(stored.len(), distinct.len(), "each interview listed once");
    let stored: HashSet<&String> = stored.iter().map(|i| &i.interview_id).collect();
    assert_eq!(stored, distinct, "exactly the reported interviews exist");
    for (posting, ok) in [(&postings[1].0, &ok), (&postings[2].0, &ok2)] {
        let list = c.v2().list_candidates().posting_id(posting).limit(100);
        let stored: Vec<_> = list.stream().try_collect().await.expect("list");
        let ids: HashSet<&String> = stored.iter().map(|s| &s.interview_id).collect();
        assert!(
            ok.values().all(|id| ids.contains(id)),
            "reported interviews exist"
        );
    }
}

#[tokio::test]
async fn rows_are_checked_before_sending_and_name_row_and_field() {
    let one = json!({"object": "candidate", "interview_id": "I0", "interview_url": "u"});
    let server = Recorder::start(Reply::json(201, json!({ "data": [one, one] }))).await;
    let many_keys = (0..51).fold(Candidate::new("M", "m@x.io"), |c, i| {
        c.metadata(format!("k{i}"), "v")
    });
    #[rustfmt::skip]
    let rows = vec![
        (Candidate::new("Ok", "ok@x.io").phone_number("+12065551234"), None),
        (Candidate::new("  ", "blank@x.io"), Some("name")),
        (Candidate::new("B", "b@example"), Some("email")),
        (Candidate::new("P", "p@x.io").phone_number("+0123456789"), Some("phone_number")),
        (Candidate::new("K", "k@x.io").metadata("k".repeat(41), "v"), Some("metadata")),
        (Candidate::new("V", "v@x.io").metadata("k", "v".repeat(501)), Some("metadata")),
        (many_keys, Some("metadata")),
        (Candidate::new("Ok2", "ok2@x.io").data("source", "referral"), None),
    ];
    let (rows, fields): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    let report = client(&server.url()).ingest().v2("P").run(rows).await;
    let errors: Vec<_> = report.outcomes.iter().map(field).collect();
    assert_eq!(errors, fields);
    let e = report.outcomes[3].as_ref().expect_err("bad phone");
    assert!(
        e.to_string().starts_with("row 3: invalid phone_number"),
        "{e}"
    );
    let sent = server.single().json()["data"].as_array().map(Vec::len);
    assert_eq!(sent, Some(2), "invalid rows are never sent");
}

/// Bulk ingest through a limiter that records its permits, against a
/// server that answers slowly and refuses the third of the first three
/// requests at once with a 429: the chunks that follow the first two would
/// go during the pause if it did not hold them.
#[tokio::test]
async fn bulk_ingest_keeps_to_its_concurrency_the_limiter_and_a_429_pause() {
    let data: Vec<Value> = (0..10)
        .map(|i| json!({"interview_id": format!("I{i}"), "interview_url": "u"}))
        .collect();
    let ok = Reply::json(201, json!({ "data": data })).delayed(Duration::from_millis(50));
    let too_many = Reply::json(429, json!({})).header("retry-after-ms", "500");
    let server = Recorder::scripted(vec![ok.clone(), ok.clone(), too_many], ok).await;
    let limiter = Arc::new(Counting::default());
    let c = builder(&server.url()).rate_limiter(limiter.clone()).build();
    let c = c.expect("client");
    let bulk = c.ingest().v2("P").chunk_size(10).concurrency(3);
    assert_eq!(bulk.run(people(200, "c")).await.succeeded(), 200);
    let sent = server.requests().len();
    assert_eq!(sent, 21, "20 chunks, one re-sent after its 429");
    let most = server.most_in_flight();
    assert_eq!(most, 3, "never more than the concurrency at once");
    let permits = lock(&limiter.granted).len();
    assert_eq!(permits, 21, "every request took a permit");
    assert_eq!(lock(&limiter.pauses).len(), 1, "one 429, one pause");
    let during = limiter.granted_during_a_pause();
    assert_eq!(during, [], "a chunk went during the pause");
}

// ---------------------------------------------------------------------------
// A HeyMilo stand-in that fails after processing, refuses rows and serves
// exports from two origins.

#[derive(Default)]
struct Fake {
    /// The API's base URL and the file host's, another origin.
    bases: Mutex<(String, String)>,
    /// Email → interview: one per candidate, as v2 promises (and v1 with retake=false).
    interviews: Mutex<HashMap<String, String>>,
    /// Every email received, once per request that carried it.
    received: Mutex<Vec<String>>,
    /// `retake` of every v1 bulk request.
    retakes: Mutex<Vec<Value>>,
    /// Bulk requests that reached the fake (refused ones aside).
    bulks: AtomicUsize,
    single_seen: Mutex<HashSet<String>>,
    fail_after_processing: bool,
    /// "path key?" of every file request.
    file_requests: Mutex<Vec<String>>,
}

type Shared = Arc<Fake>;

impl Fake {
    fn ingest(&self, email: &str) -> String {
        let mut interviews = lock(&self.interviews);
        let next = format!("IV{:05}", interviews.len());
        let id = interviews.entry(email.to_lowercase()).or_insert(next);
        id.clone()
    }

    /// Answers `body`, or (when failing) a 500 or a body that breaks off, after the work is done.
    fn answer(&self, n: usize, status: StatusCode, body: Value) -> Response {
        match n % 3 {
            0 if self.fail_after_processing => {
                let e = json!({"error": {"type": "api_error", "code": "boom", "message": "processed, then failed"}});
                (StatusCode::INTERNAL_SERVER_ERROR, Json(e)).into_response()
            }
            1 if self.fail_after_processing => {
                let dropped = std::io::Error::other("connection dropped after processing");
                let broken = [Ok(Bytes::from_static(b"{\"data\": [")), Err(dropped)];
                (status, Body::from_stream(futures::stream::iter(broken))).into_response()
            }
            _ => (status, Json(body)).into_response(),
        }
    }
}

/// A bulk request of either generation (its rows under `field`): records the
/// emails, refuses a row starting `reject`, else answers the interviews.
async fn fake_bulk(State(s): State<Shared>, field: &str, body: Value) -> Response {
    let v1 = field == "candidates";
    if v1 {
        lock(&s.retakes).push(body["retake"].clone());
    }
    let email = |r: &Value| r["email"].as_str().unwrap_or("").to_owned();
    let rows = body[field].as_array().into_iter().flatten();
    let emails: Vec<String> = rows.map(email).collect();
    lock(&s.received).extend(emails.iter().cloned());
    if let Some(i) = emails.iter().position(|e| e.starts_with("reject")) {
        let detail = json!({"detail": [{"loc": ["body", field, i, "email"], "msg": "refused", "type": "value_error"}]});
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(detail)).into_response();
    }
    let ids = emails.iter().map(|e| s.ingest(e));
    let n = s.bulks.fetch_add(1, SeqCst);
    if v1 {
        let link = |id| json!({"interview_id": id, "interview_link": "https://i.example/x"});
        let details: Vec<Value> = ids.map(link).collect();
        let body = json!({"ingestion_id": "ing_1", "interview_details": details});
        return s.answer(n, StatusCode::OK, body);
    }
    let data: Vec<Value> = ids.map(|id| json!({"object": "candidate", "interview_id": id, "interview_url": "https://i.example/x"})).collect();
    s.answer(n, StatusCode::CREATED, json!({ "data": data }))
}

async fn fake_v2_single(s: State<Shared>, Path(p): Path<String>, Json(b): Json<Value>) -> Response {
    let email = b["email"].as_str().unwrap_or("").to_owned();
    lock(&s.received).push(email.clone());
    let id = s.ingest(&email);
    // Fails after processing on each candidate's first single ingest.
    let first = lock(&s.single_seen).insert(email.to_lowercase());
    let data = json!({"object": "candidate", "interview_id": id, "interview_url": "https://i.example/x", "posting_id": p});
    s.answer(
        if first { 0 } else { 2 },
        StatusCode::CREATED,
        json!({ "data": data }),
    )
}

async fn fake_export(s: State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let (api, files) = lock(&s.bases).clone();
    let posting = q.get("posting_id").cloned().unwrap_or_default();
    let (status, file_url) = match posting.as_str() {
        "failed" | "expired" | "pending" => (posting.as_str(), None),
        "gone" | "missing" | "redirect" => ("success", Some(format!("{api}/files/{posting}"))),
        "relative" => ("success", Some("/files/small".to_owned())),
        "cross" => ("success", Some(format!("{files}/small"))),
        _ => ("success", Some(format!("{api}/files/small"))),
    };
    Json(json!({"job_id": format!("exp_{posting}"), "status": status, "file_url": file_url}))
        .into_response()
}

const SMALL: &[u8] = br#"[{"interview_id": "IV00000"}]"#;

async fn fake_file(State(s): State<Shared>, name: String, headers: HeaderMap) -> Response {
    let keyed = headers.contains_key("x-api-key");
    lock(&s.file_requests).push(format!("{name} {keyed}"));
    let files = lock(&s.bases).1.clone();
    match name.as_str() {
        "api/gone" => StatusCode::GONE.into_response(),
        "api/missing" => StatusCode::NOT_FOUND.into_response(),
        "api/redirect" => {
            (StatusCode::FOUND, [("location", format!("{files}/small"))]).into_response()
        }
        _ => SMALL.into_response(),
    }
}

/// Starts the stand-in: the API at one origin, a file host at another.
async fn start_fake(fail_after_processing: bool) -> (Shared, String) {
    let state = Shared::new(Fake {
        fail_after_processing,
        ..Fake::default()
    });
    let file = |prefix: &'static str| {
        get(move |s, Path(n): Path<String>, h| fake_file(s, format!("{prefix}/{n}"), h))
    };
    let v2 = "/api/v2/postings/{posting_id}/candidates";
    let v2_bulk = post(|s, Json(b)| fake_bulk(s, "data", b));
    let v1_bulk = post(|s, Json(b)| fake_bulk(s, "candidates", b));
    let api = Router::new()
        .route(&format!("{v2}/bulk"), v2_bulk)
        .route(v2, post(fake_v2_single))
        .route("/ingest/x/bulk/{url_key}", v1_bulk)
        .route("/interviews/export/json", get(fake_export))
        .route("/files/{name}", file("api"))
        .with_state(state.clone());
    let host = Router::new().route("/{name}", file("host"));
    let api_base = serve(api).await;
    let host_base = serve(host.with_state(state.clone())).await;
    *lock(&state.bases) = (api_base.clone(), host_base);
    (state, api_base)
}

/// How often the fake received each email.
fn received(fake: &Fake) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for email in lock(&fake.received).iter() {
        *counts.entry(email.clone()).or_default() += 1;
    }
    counts
}

/// The field a row's error names, if it has one.
fn field(outcome: &RowOutcome) -> Option<&str> {
    outcome.as_ref().err().and_then(|e| e.field())
}

/// The stand-in fails after processing; `resend`: a proxy re-sends every
/// POST, standing in for a broken SDK.
async fn failed_v2_chunks_are_never_sent_again(resend: bool) {
    let (fake, base) = start_fake(true).await;
    let front = Recorder::proxy(&base, true).await;
    let c = client(&if resend { front.url() } else { base });
    let rows = people(100, "fail");
    let bulk = c.ingest().v2("P1").chunk_size(10).concurrency(1);
    let report = bulk.run(rows.clone()).await;
    // Chunks 0, 3, 6, 9 got a 500 and 1, 4, 7 a broken body, all after processing.
    assert_eq!(fake.bulks.load(SeqCst), 10, "each chunk sent once");
    let once = received(&fake).values().all(|n| *n == 1);
    assert!(once, "no row sent twice");
    let ok = interviews_by_email(&report, &rows, |i, kind| {
        (i / 10) % 3 != 2 && matches!(kind, RowErrorKind::MaybeIngested(_))
    });
    assert_eq!((ok.len(), report.failed()), (30, 70));
    let e = report.errors().next().expect("an error");
    assert!(e.to_string().contains("may have been ingested"), "{e}");

    // SingleIngests: each failed chunk's rows are ingested one by one (v2
    // gives a candidate one interview), and only those.
    let (fake, base) = start_fake(true).await;
    let front = Recorder::proxy(&base, true).await;
    let c = client(&if resend { front.url() } else { base });
    let bulk = c.ingest().v2("P1").chunk_size(10).concurrency(3);
    let bulk = bulk.v2_recovery(V2Recovery::SingleIngests);
    let report = bulk.run(rows.clone()).await;
    let ok = interviews_by_email(&report, &rows, |_, _| false);
    assert_eq!(ok.len(), 100, "every row ends with its interview");
    assert_eq!(fake.bulks.load(SeqCst), 10, "each chunk sent once");
    let received = received(&fake);
    let in_ok_chunks = rows.iter().filter(|r| received[&r.email] == 1).count();
    assert!(in_ok_chunks >= 30, "the ok chunks' rows were sent once");
    let stored = lock(&fake.interviews).clone();
    let theirs = ok.iter().all(|(email, id)| stored.get(email) == Some(id));
    assert!(theirs, "the server's own interviews");
}

heymilo_tests::check_and_its_test!(failed_v2_chunks_are_never_sent_again: a_v2_chunk_processed_then_failed_is_never_sent_again, that_check_fails_against_an_sdk_that_resends_every_post);

#[tokio::test]
async fn v1_chunks_are_sent_again_after_failures_because_retake_is_false() {
    let (fake, base) = start_fake(true).await;
    let rows = people(60, "v1fail");
    let c = client(&base).with_max_retries(8);
    let report = c.ingest().v1("key").chunk_size(20).run(rows.clone()).await;
    assert_eq!(interviews_by_email(&report, &rows, |_, _| false).len(), 60);
    assert!(fake.bulks.load(SeqCst) > 3, "re-sent");
    let no_retake = lock(&fake.retakes).iter().all(|r| *r == false);
    assert!(no_retake, "only ever with retake=false");
}

#[tokio::test]
async fn a_refused_row_fails_alone_and_outcomes_stream_in_input_order() {
    let (fake, base) = start_fake(false).await;
    let c = client(&base);
    for (target, id) in [(V1, "key"), (V2, "P1")] {
        let mut rows = people(12, "r");
        rows[3].email = "reject.3@example.com".into();
        rows[7].email = "reject.7@example.com".into();
        rows[9].email = "bad".into();
        lock(&fake.received).clear();
        let bulk = c.ingest().into_generation(target, id).chunk_size(6);
        let report = bulk.run(rows.clone()).await;
        let ok = interviews_by_email(&report, &rows, |i, kind| match kind {
            RowErrorKind::Rejected(_) => i == 3 || i == 7,
            RowErrorKind::Invalid(_) => i == 9,
            _ => false,
        });
        assert_eq!(ok.len(), 9, "{target:?}");
        assert_eq!(field(&report.outcomes[3]), Some("email"));
        let sent = lock(&fake.received).iter().any(|e| e == "bad");
        assert!(!sent, "an invalid row is never sent");
    }
    let rows = people(45, "s");
    let bulk = c.ingest().v2("P1").chunk_size(4).concurrency(8);
    let input = futures::stream::iter(rows.clone());
    let outcomes: Vec<_> = bulk.stream(input).collect().await;
    assert_eq!(outcomes.len(), 45);
    let again = c.ingest().v2("P1").run(rows).await;
    for (a, b) in outcomes.iter().zip(&again.outcomes) {
        let id = |o: &RowOutcome| o.as_ref().expect("ok").interview_id.clone();
        assert_eq!(id(a), id(b), "same row, same interview");
    }
}

#[test]
fn helper_futures_can_be_spawned() {
    fn send<T: Send>(_: &T) {}
    let c = client("http://127.0.0.1:9");
    send(&c.ingest().v2("P").run(people(1, "x")));
    let rows = futures::stream::iter(people(1, "y"));
    send(&c.ingest().v1("K").on_progress(|_| {}).run_stream(rows));
    send(&c.export().interviews("P").to_writer(Vec::new()));
    send(&c.export().interviews("P").to_path("/nonexistent/x"));
    send(&c.export().candidates("P").to_writer(Vec::new()));
    send(&c.export().interview_data("P").to_writer(Vec::new()));
    send(&c.webhooks().list(V2, None));
    send(&c.webhooks().deactivate(V1, "W"));
}

// ---------------------------------------------------------------------------
// Exports.

#[tokio::test]
async fn exports_stream_v1_json_to_a_writer_and_a_file_and_v2_json_lines() {
    let mock = mock(40).await;
    let c = client(mock.base_url());
    let posting = mock.postings()[0].0.clone();
    let rows = |bytes: &[u8]| {
        let rows: Vec<Value> = serde_json::from_slice(bytes).expect("JSON");
        rows.len()
    };
    let (mut out, mut seen) = (Vec::new(), Vec::<ExportProgress>::new());
    let export = c.export().interviews(&posting);
    let export = export.on_progress(|p| seen.push(p));
    let done = export.to_writer(&mut out).await.expect("export");
    let size = out.len() as u64;
    assert_eq!((rows(&out), done.bytes), (40, size));
    assert!(done.job_id.is_some_and(|j| j.starts_with("exp_")));
    let last = seen.last().expect("progress");
    assert_eq!((last.bytes_written, last.total_bytes), (size, Some(size)));

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("interviews.json");
    let done = c.export().interviews(&posting).to_path(&path).await;
    let done = done.expect("to path");
    let written = std::fs::read(&path).expect("read");
    assert_eq!((rows(&written), written.len() as u64), (40, done.bytes));
    let nope = dir.path().join("nope.json");
    let err = c.export().interviews("NOPE").to_path(nope).await;
    let err = err.expect_err("no posting");
    assert!(
        matches!(err, ExportError::Api(Error::NotFound(_))),
        "{err:?}"
    );
    let left = files_in(&dir);
    assert_eq!(left, ["interviews.json"], "no .part, no file for a failure");

    let (mut out, mut last) = (Vec::new(), ExportProgress::default());
    let export = c.export().candidates(&mock.postings()[2].0);
    let export = export.on_progress(|p| last = p);
    let done = export.to_writer(&mut out).await.expect("export");
    let (lines, size) = (json_lines(&out), out.len() as u64);
    let ids: HashSet<&Value> = lines.iter().map(|v| &v["interview_id"]).collect();
    assert_eq!((ids.len(), done.records, done.bytes), (40, 40, size));
    assert_eq!((last.records, last.total_records), (40, Some(40)));

    // Each interview's full results, one line each, in list order.
    let mut out = Vec::new();
    let data = c.export().interview_data(&posting);
    assert_eq!(data.to_writer(&mut out).await.expect("export").records, 40);
    let list = c.v2().list_candidates().posting_id(&posting).limit(100);
    let listed: Vec<_> = list.stream().try_collect().await.expect("list");
    let ids: Vec<_> = listed.iter().map(|c| json!(c.interview_id)).collect();
    let lines = json_lines(&out);
    let each = |l: &Value| l["object"] == "interview_data" && l["posting_id"] == posting;
    let order: Vec<_> = lines.iter().map(|l| l["interview_id"].clone()).collect();
    assert_eq!(order, ids, "in list order");
    assert!(lines.iter().all(each), "each line the interview's data");
}

/// Against the stand-in: failures are typed and leave nothing behind, the
/// key never reaches another origin.
#[tokio::test]
async fn exports_fail_typed_and_keep_the_key_at_home() {
    type Check = fn(&ExportError) -> bool;
    let (fake, base) = start_fake(false).await;
    let c = client(&base);
    #[rustfmt::skip]
    let cases: [(&str, Check); 5] = [
        ("failed", |e| matches!(e, ExportError::JobFailed { status, .. } if status == "failed")),
        ("expired", |e| matches!(e, ExportError::JobFailed { status, .. } if status == "expired")),
        ("pending", |e| matches!(e, ExportError::NoFile { status, .. } if status == "pending")),
        ("gone", |e| matches!(e, ExportError::FileExpired { status: 410, .. })),
        ("missing", |e| matches!(e, ExportError::FileExpired { status: 404, .. })),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (posting, check) in cases {
        let mut sink = Vec::new();
        let err = c.export().interviews(posting).to_writer(&mut sink).await;
        let err = err.expect_err(posting);
        assert!(check(&err) && sink.is_empty(), "{posting}: {err:?}");
        assert!(!err.to_string().contains(KEY));
        let path = dir.path().join("x.json");
        let err = c.export().interviews(posting).to_path(path).await;
        assert!(check(&err.expect_err(posting)), "{posting} to a file");
        assert!(files_in(&dir).is_empty(), "nothing left behind");
    }
    // A writer that refuses every write: a file opened read-only.
    let read_only = tokio::fs::File::open("/dev/null").await.expect("open");
    let err = c.export().interviews("ok").to_writer(read_only).await;
    let err = err.expect_err("the write fails");
    assert!(matches!(err, ExportError::Io(_)), "{err:?}");

    lock(&fake.file_requests).clear();
    for posting in ["ok", "relative", "redirect", "cross"] {
        let mut out = Vec::new();
        let done = c.export().interviews(posting).to_writer(&mut out).await;
        done.expect(posting);
        assert_eq!(out, SMALL, "{posting}");
    }
    // The redirect leads to another origin: followed, without the key.
    #[rustfmt::skip]
    let expected = ["api/small true", "api/small true", "api/redirect true", "host/small false", "host/small false"];
    assert_eq!(*lock(&fake.file_requests), expected);
}

// ---------------------------------------------------------------------------
// Webhooks.

async fn recv(rx: &mut tokio::sync::mpsc::Receiver<Event>) -> Event {
    let event = tokio::time::timeout(Duration::from_secs(10), rx.recv()).await;
    event.expect("an event in time").expect("channel open")
}

#[tokio::test]
async fn subscriptions_of_both_generations_deliver_typed_events_to_the_receiver() {
    let channel = || tokio::sync::mpsc::channel::<Event>(16);
    let ((tx, mut events), (fn_tx, mut fn_events)) = (channel(), channel());
    let ((last_tx, mut last_events), (full_tx, _full)) = (channel(), tokio::sync::mpsc::channel(1));
    let on_event = move |event: Event| {
        let fn_tx = fn_tx.clone();
        async move { drop(fn_tx.send(event).await) }
    };
    let extract = post(|e: Event| async move { e.event_type().to_owned() });
    let app = Router::new().route("/hooks", receiver(tx));
    let app = app.route("/last", receiver(last_tx));
    let app = app.route("/fn", heymilo::webhooks::receiver_fn(on_event));
    let app = app.route("/extract", extract);
    let app = app.route("/full", receiver(full_tx));
    let receiver = serve(app).await;

    let mock = mock(3).await;
    let c = client(mock.base_url());
    let posting = mock.postings()[0].0.clone();
    let hooks = c.webhooks();
    let sub = |to: &str, event| NewSubscription::new(&posting, format!("{receiver}{to}"), event);
    let create = async |generation, s: NewSubscription| hooks.create(generation, &s).await;
    let ids = async |generation, posting: Option<&str>| {
        let listed = hooks.list(generation, posting).await.expect("list");
        HashSet::<String>::from_iter(listed.into_iter().map(|s| s.webhook_id))
    };
    let get = sub("/hooks", EventType::InterviewStarted).method(DeliveryMethod::Get);
    let started = create(V1, get).await.expect("v1 GET hook");
    let report = create(V1, sub("/hooks", EventType::ReportAvailable)).await;
    let report = report.expect("v1 POST hook");
    let completed = create(V2, sub("/fn", EventType::InterviewCompleted)).await;
    let completed = completed.expect("v2 hook");
    let method = started.http_method.as_deref();
    assert_eq!((started.generation, method), (V1, Some("get")));
    assert_eq!(completed.generation, V2);
    let v1 = ids(V1, Some(&posting)).await;
    assert!(v1.contains(&started.webhook_id) && v1.contains(&report.webhook_id));
    let v2 = ids(V2, Some(&posting)).await;
    assert!(v2.contains(&completed.webhook_id));
    assert!(ids(V2, Some("NO-SUCH-POSTING")).await.is_empty());

    // Refused before sending: v2 has no GET deliveries, v1 only three event types.
    let get_v2 = sub("/h", EventType::InterviewCompleted).method(DeliveryMethod::Get);
    let unknown = sub("/h", EventType::from("candidate_ingested"));
    for (generation, refused) in [(V2, get_v2), (V1, unknown)] {
        let err = create(generation, refused).await;
        assert!(matches!(err, Err(Error::InvalidRequest { .. })), "{err:?}");
    }

    let listed = c.v2().list_candidates().posting_id(&posting).send().await;
    let listed = listed.expect("list");
    let nth = |i: usize| listed.data[i].interview_id.clone();
    let (interview, other) = (nth(0), nth(1));
    for to in ["started", "completed", "report_available"] {
        advance(&mock, &interview, to).await;
    }
    let mut got = [recv(&mut events).await, recv(&mut events).await];
    got.sort_by_key(|e| e.event_type().to_owned());
    let [Event::InterviewStarted(start), Event::ReportAvailable(done)] = &got else {
        panic!("{got:?}")
    };
    let ids = (start.interview_id.as_str(), start.posting_id.as_deref());
    assert_eq!(ids, (interview.as_str(), Some(posting.as_str())));
    assert!(start.candidate.is_none(), "GET deliveries carry no objects");
    assert_eq!(done.interview_id, interview);
    assert!(done.score.is_some(), "the report carries the score");
    let email = done.candidate.as_ref().and_then(|c| c.email.as_deref());
    assert!(email.is_some());
    let Event::InterviewCompleted(fin) = recv(&mut fn_events).await else {
        panic!("completed")
    };
    let ids = (fin.interview_id.as_str(), fin.webhook_id.as_deref());
    assert_eq!(
        ids,
        (interview.as_str(), Some(completed.webhook_id.as_str()))
    );

    // Deactivated subscriptions deliver nothing more: a subscription made
    // after them is the marker that the events were fired.
    for s in [&started, &report, &completed] {
        let after = hooks.deactivate(s.generation, &s.webhook_id).await;
        assert_eq!(after.expect("deactivate").is_active, Some(false));
    }
    let marker = create(V1, sub("/last", EventType::ReportAvailable)).await;
    let marker = marker.expect("marker");
    for to in ["started", "completed", "report_available"] {
        advance(&mock, &other, to).await;
    }
    let Event::ReportAvailable(last) = recv(&mut last_events).await else {
        panic!("report")
    };
    let ids = (last.interview_id.as_str(), last.webhook_id.as_deref());
    assert_eq!(ids, (other.as_str(), Some(marker.webhook_id.as_str())));
    let quiet = events.try_recv().is_err() && fn_events.try_recv().is_err();
    assert!(quiet, "a deactivated hook delivered");
    let expected = |d: &heymilo_mock::Delivery| {
        let ours = d.interview_id == interview || d.webhook_id == marker.webhook_id;
        ours && d.status == Some(200)
    };
    assert!(mock.deliveries().iter().all(expected));

    // A new event type reaches the code as Unknown; garbage is answered 400.
    let http = reqwest::Client::new();
    let post = |path: &str, body: &str| {
        let to = http.post(format!("{receiver}{path}")).body(body.to_owned());
        to.header("content-type", "application/json").send()
    };
    let unknown = r#"{"event_type": "candidate_ingested", "interview_id": "X"}"#;
    assert_eq!(post("/hooks", unknown).await.expect("post").status(), 200);
    assert!(matches!(recv(&mut events).await, Event::Unknown(v) if v["interview_id"] == "X"));
    assert_eq!(
        post("/hooks", "not json").await.expect("post").status(),
        400
    );
    let report = r#"{"event_type": "report_available", "interview_id": "Y", "score": 90}"#;
    let r = post("/extract", report).await.expect("post");
    assert_eq!(r.text().await.expect("text"), "report_available");
    // A full receiver answers 503 at once: one that waited for room would never answer.
    let url = format!("{receiver}/full?event_type=interview_started&interview_id=A");
    let send = || http.get(&url).send();
    assert_eq!(send().await.expect("first").status(), 200);
    let second = tokio::time::timeout(Duration::from_secs(30), send()).await;
    assert_eq!(second.expect("answered").expect("second").status(), 503);
}
