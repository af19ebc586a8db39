//! The workflow helpers against heymilo-mock and small local servers: bulk
//! ingest (10,000 rows through injected faults; a server that fails after
//! processing), exports streamed to a writer (200 MB in bounded memory, no
//! key to another origin, typed failures), v2 JSON Lines, webhook events,
//! subscriptions of both generations and the axum receiver.

use std::collections::{HashMap, HashSet};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use heymilo::export::ExportProgress;
use heymilo::ingest::{Candidate, IngestReport, RowErrorKind, V2Recovery};
use heymilo::prelude::*;
use heymilo::webhooks::{DeliveryMethod, Event, EventType, NewSubscription};
use heymilo::{ExportError, Generation, RetryPolicy};
use heymilo_mock::{Config, MockServer};
use serde_json::{Value, json};

/// The 10k ingests and the 200 MB export run one at a time, so that the
/// memory measurement sees only its own allocations.
static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn client_for(base: &str, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .v1_base_url(base)
        .v2_base_url(base)
        .retry_policy(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(5))
                .with_max_backoff(Duration::from_millis(50))
                .with_max_retries(8),
        )
        .no_rate_limit()
        .build()
        .expect("client")
}

fn client(mock: &MockServer) -> Client {
    client_for(mock.base_url(), mock.api_key())
}

async fn mock(per_posting: usize) -> MockServer {
    MockServer::start(Config {
        candidates_per_posting: per_posting,
        rate_limit: 10_000_000,
        ..Config::default()
    })
    .await
    .expect("mock starts")
}

async fn add_fault(mock: &MockServer, rule: Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/_mock/faults", mock.base_url()))
        .json(&rule)
        .send()
        .await
        .expect("control");
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
}

async fn clear_faults(mock: &MockServer) {
    reqwest::Client::new()
        .delete(format!("{}/_mock/faults", mock.base_url()))
        .send()
        .await
        .expect("clear");
}

fn people(n: usize, tag: &str) -> Vec<Candidate> {
    (0..n)
        .map(|i| {
            Candidate::new(format!("Person {i}"), format!("{tag}.{i}@example.com"))
                .metadata("row", i.to_string())
        })
        .collect()
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
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
    let mut by_email: HashMap<String, String> = HashMap::new();
    for (i, outcome) in report.outcomes.iter().enumerate() {
        match outcome {
            Ok(done) => {
                let previous = by_email.insert(rows[i].email.clone(), done.interview_id.clone());
                assert!(
                    previous.is_none_or(|p| p == done.interview_id),
                    "row {i}: one candidate, one interview"
                );
            }
            Err(e) => {
                assert_eq!(e.row, i, "the error names its row");
                assert!(expected_error(i, &e.kind), "row {i}: unexpected {e}");
            }
        }
    }
    by_email
}

// ---------------------------------------------------------------------------
// Bulk ingest against heymilo-mock.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_v1_rows_through_faults_each_end_once() {
    let _heavy = HEAVY.lock().await;
    let mock = mock(0).await;
    let c = client(&mock);
    let (posting, url_key) = mock.postings()[0].clone();
    for rule in [
        json!({"route": "/ingest", "error_rate": 0.2}),
        json!({"route": "/ingest", "truncate_rate": 0.1}),
        json!({"route": "/ingest", "drop_rate": 0.05}),
    ] {
        add_fault(&mock, rule).await;
    }
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
    let started = Instant::now();
    let report = c
        .ingest()
        .v1(&url_key)
        .on_progress(|p| last = Some(p))
        .run(rows.clone())
        .await;
    let elapsed = started.elapsed();
    eprintln!("10,000 v1 rows through faults in {elapsed:?}");

    let by_email = interviews_by_email(&report, &rows, |i, kind| {
        i % 997 == 0 && matches!(kind, RowErrorKind::Invalid(f) if f.field == "phone_number")
    });
    assert_eq!(report.failed(), 11, "only the invalid rows fail");
    let last = last.expect("progress reported");
    assert_eq!(
        (last.rows, last.succeeded, last.failed, last.total),
        (10_000, 9_989, 11, Some(10_000))
    );
    for i in 0..10 {
        let (a, b) = (&report.outcomes[i + 1], &report.outcomes[5_000 + i]);
        assert_eq!(
            a.as_ref().expect("ok").interview_id,
            b.as_ref().expect("ok").interview_id
        );
    }
    let distinct: HashSet<&String> = by_email.values().collect();
    assert_eq!(distinct.len(), 10_000 - 11 - 10);

    clear_faults(&mock).await;
    let stored: Vec<_> = c
        .v1()
        .list_interviews()
        .posting_id(&posting)
        .limit(100)
        .stream()
        .try_collect()
        .await
        .expect("list");
    let stored_ids: HashSet<&String> = stored.iter().map(|i| &i.interview_id).collect();
    assert_eq!(stored.len(), distinct.len(), "no interview created twice");
    assert_eq!(
        stored_ids, distinct,
        "exactly the reported interviews exist"
    );
    assert!(elapsed < Duration::from_secs(120), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_v2_rows_through_faults_never_duplicate() {
    let _heavy = HEAVY.lock().await;
    let mock = mock(0).await;
    let c = client(&mock);
    let postings = mock.postings();
    for rule in [
        json!({"route": "/api/v2/postings", "error_rate": 0.2}),
        // Processed, then the answer breaks off: the server acted, the client cannot know.
        json!({"route": "/api/v2/postings", "truncate_rate": 0.1}),
    ] {
        add_fault(&mock, rule).await;
    }
    let mut rows = people(10_000, "v2");
    for i in (0..rows.len()).step_by(1_000) {
        rows[i].email = "not-an-email".into();
    }

    // Default: a chunk the server may have processed is never re-sent.
    let started = Instant::now();
    let report = c
        .ingest()
        .v2(&postings[0].0)
        .chunk_size(250)
        .run(rows.clone())
        .await;
    eprintln!(
        "10,000 v2 rows (report mode) in {:?}: {} ok, {} failed",
        started.elapsed(),
        report.succeeded(),
        report.failed()
    );
    let ok = interviews_by_email(&report, &rows, |i, kind| match kind {
        RowErrorKind::Invalid(f) => i % 1_000 == 0 && f.field == "email",
        RowErrorKind::MaybeIngested(_) => i % 1_000 != 0,
        _ => false,
    });
    let maybe = report
        .errors()
        .filter(|e| e.may_have_been_ingested())
        .count();
    assert!(maybe > 0, "faults were injected");
    assert_eq!(ok.len() + maybe + 10, 10_000);

    // SingleIngests: the same rows end with interviews, still one per candidate.
    let started = Instant::now();
    // Each single ingest meets the same faults; enough tries that all 9,990 succeed.
    let report2 = c
        .with_max_retries(15)
        .ingest()
        .v2(&postings[1].0)
        .v2_recovery(V2Recovery::SingleIngests)
        .run(rows.clone())
        .await;
    eprintln!(
        "10,000 v2 rows (single-ingest recovery) in {:?}: {} ok, {} failed",
        started.elapsed(),
        report2.succeeded(),
        report2.failed()
    );
    let ok2 = interviews_by_email(&report2, &rows, |i, kind| {
        i % 1_000 == 0 && matches!(kind, RowErrorKind::Invalid(_))
    });
    assert_eq!(ok2.len(), 9_990);

    clear_faults(&mock).await;
    for (posting, ok, maybe) in [(&postings[0].0, &ok, maybe), (&postings[1].0, &ok2, 0)] {
        let stored: Vec<_> = c
            .v2()
            .list_candidates()
            .posting_id(posting)
            .limit(100)
            .stream()
            .try_collect()
            .await
            .expect("list");
        let emails: HashSet<&String> = stored.iter().map(|s| &s.email).collect();
        assert_eq!(
            emails.len(),
            stored.len(),
            "no candidate has two interviews"
        );
        let ids: HashSet<&String> = stored.iter().map(|s| &s.interview_id).collect();
        assert!(
            ok.values().all(|id| ids.contains(id)),
            "reported interviews exist"
        );
        assert!(stored.len() >= ok.len() && stored.len() <= ok.len() + maybe);
    }
}

#[tokio::test]
async fn rows_are_checked_before_sending_and_name_row_and_field() {
    let mock = mock(0).await;
    let c = client(&mock);
    let posting = mock.postings()[0].0.clone();
    let many_keys = (0..51).fold(Candidate::new("M", "m@example.com"), |c, i| {
        c.metadata(format!("k{i}"), "v")
    });
    let rows = vec![
        Candidate::new("Ok", "ok@example.com").phone_number("+12065551234"),
        Candidate::new("  ", "blank@example.com"),
        Candidate::new("B", "b@example"),
        Candidate::new("P", "p@example.com").phone_number("+0123456789"),
        Candidate::new("K", "k@example.com").metadata("k".repeat(41), "v"),
        Candidate::new("V", "v@example.com").metadata("k", "v".repeat(501)),
        many_keys,
        Candidate::new("Ok2", "ok2@example.com").data("source", "referral"),
    ];
    let report = c.ingest().v2(&posting).run(rows).await;
    let fields: Vec<Option<&str>> = report
        .outcomes
        .iter()
        .map(|o| o.as_ref().err().and_then(|e| e.field()))
        .collect();
    assert_eq!(
        fields,
        [
            None,
            Some("name"),
            Some("email"),
            Some("phone_number"),
            Some("metadata"),
            Some("metadata"),
            Some("metadata"),
            None
        ]
    );
    let e = report.outcomes[3].as_ref().expect_err("bad phone");
    assert!(
        e.to_string().starts_with("row 3: invalid phone_number"),
        "{e}"
    );
    let stats: Value = reqwest::get(format!("{}/_mock/stats", mock.base_url()))
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(stats["candidates"], 2, "invalid rows were never sent");
}

// ---------------------------------------------------------------------------
// A HeyMilo stand-in that fails after processing, refuses rows, serves
// exports and interview data.

#[derive(Default)]
struct Fake {
    api_base: Mutex<String>,
    file_base: Mutex<String>,
    /// Email → interview: one per candidate, as v2 promises (and v1 with retake=false).
    interviews: Mutex<HashMap<String, String>>,
    /// Email → interviews created.
    created: Mutex<HashMap<String, usize>>,
    /// Every email received in an ingest, in order.
    received: Mutex<Vec<String>>,
    bulk_requests: AtomicUsize,
    single_seen: Mutex<HashSet<String>>,
    fail_after_processing: AtomicBool,
    /// (path, whether it carried X-API-KEY) for every file request.
    file_requests: Mutex<Vec<(String, bool)>>,
}

type Shared = Arc<Fake>;

impl Fake {
    fn ingest(&self, email: &str) -> String {
        let key = email.to_lowercase();
        let mut interviews = lock(&self.interviews);
        if let Some(id) = interviews.get(&key) {
            return id.clone();
        }
        let id = format!("IV{:05}", interviews.len());
        interviews.insert(key.clone(), id.clone());
        *lock(&self.created).entry(key).or_default() += 1;
        id
    }

    /// Answers `body`, or (when failing) a 500 or a body that breaks off, after the work is done.
    fn answer(&self, n: usize, status: StatusCode, body: Value) -> Response {
        if self.fail_after_processing.load(Ordering::SeqCst) {
            match n % 3 {
                0 => {
                    return (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        axum::Json(json!({"error": {"type": "api_error", "code": "boom", "message": "processed, then failed"}})),
                    )
                        .into_response();
                }
                1 => {
                    let broken = futures::stream::iter([
                        Ok(Bytes::from_static(b"{\"data\": [")),
                        Err(std::io::Error::other("connection dropped after processing")),
                    ]);
                    return Response::builder()
                        .status(status)
                        .header("content-type", "application/json")
                        .body(Body::from_stream(broken))
                        .expect("response");
                }
                _ => {}
            }
        }
        (status, axum::Json(body)).into_response()
    }

    fn record_file(&self, path: &str, headers: &HeaderMap) {
        lock(&self.file_requests).push((path.to_owned(), headers.contains_key("x-api-key")));
    }
}

fn emails_of(rows: &Value) -> Vec<String> {
    rows.as_array()
        .into_iter()
        .flatten()
        .map(|r| r["email"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn refuse(field: &str, i: usize) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({"detail": [{"loc": ["body", field, i, "email"], "msg": "refused", "type": "value_error"}]})),
    )
        .into_response()
}

async fn fake_v2_bulk(State(s): State<Shared>, axum::Json(body): axum::Json<Value>) -> Response {
    let emails = emails_of(&body["data"]);
    lock(&s.received).extend(emails.iter().cloned());
    if let Some(i) = emails.iter().position(|e| e.starts_with("reject")) {
        return refuse("data", i);
    }
    let ids: Vec<String> = emails.iter().map(|e| s.ingest(e)).collect();
    let n = s.bulk_requests.fetch_add(1, Ordering::SeqCst);
    let data: Vec<Value> = ids
        .iter()
        .map(|id| json!({"object": "candidate", "interview_id": id, "interview_url": format!("https://i.example/{id}")}))
        .collect();
    s.answer(n, StatusCode::CREATED, json!({ "data": data }))
}

async fn fake_v2_single(
    State(s): State<Shared>,
    Path(posting): Path<String>,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    let email = body["email"].as_str().unwrap_or("").to_owned();
    lock(&s.received).push(email.clone());
    let id = s.ingest(&email);
    let first = lock(&s.single_seen).insert(email.to_lowercase());
    // Fails after processing on each candidate's first single ingest.
    let n = if first { 0 } else { 2 };
    s.answer(
        n,
        StatusCode::CREATED,
        json!({"data": {"object": "candidate", "interview_id": id, "interview_url": format!("https://i.example/{id}"), "posting_id": posting}}),
    )
}

async fn fake_v1_bulk(State(s): State<Shared>, axum::Json(body): axum::Json<Value>) -> Response {
    assert_eq!(body["retake"], false, "the helper never asks for a retake");
    let emails = emails_of(&body["candidates"]);
    lock(&s.received).extend(emails.iter().cloned());
    if let Some(i) = emails.iter().position(|e| e.starts_with("reject")) {
        return refuse("candidates", i);
    }
    let ids: Vec<String> = emails.iter().map(|e| s.ingest(e)).collect();
    let n = s.bulk_requests.fetch_add(1, Ordering::SeqCst);
    let details: Vec<Value> = ids
        .iter()
        .map(|id| json!({"interview_id": id, "interview_link": format!("https://i.example/{id}")}))
        .collect();
    s.answer(
        n,
        StatusCode::OK,
        json!({"ingestion_id": "ing_1", "interview_details": details}),
    )
}

async fn fake_export(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let api = lock(&s.api_base).clone();
    let files = lock(&s.file_base).clone();
    let posting = q.get("posting_id").cloned().unwrap_or_default();
    let (status, file_url) = match posting.as_str() {
        "failed" => ("failed", None),
        "expired" => ("expired", None),
        "pending" => ("pending", None),
        "gone" => ("success", Some(format!("{api}/files/gone"))),
        "missing" => ("success", Some(format!("{api}/files/missing"))),
        "redirect" => ("success", Some(format!("{api}/files/redirect"))),
        "relative" => ("success", Some("/files/small".to_owned())),
        "cross" => ("success", Some(format!("{files}/small"))),
        "big" => ("success", Some(format!("{files}/big"))),
        _ => ("success", Some(format!("{api}/files/small"))),
    };
    axum::Json(json!({"job_id": format!("exp_{posting}"), "status": status, "file_url": file_url}))
        .into_response()
}

const SMALL: &[u8] = br#"[{"interview_id": "IV00000"}]"#;

async fn fake_api_file(
    State(s): State<Shared>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    s.record_file(&format!("api/{name}"), &headers);
    let files = lock(&s.file_base).clone();
    match name.as_str() {
        "gone" => StatusCode::GONE.into_response(),
        "missing" => StatusCode::NOT_FOUND.into_response(),
        "redirect" => Response::builder()
            .status(StatusCode::FOUND)
            .header("location", format!("{files}/small"))
            .body(Body::empty())
            .expect("response"),
        _ => SMALL.into_response(),
    }
}

async fn fake_host_small(State(s): State<Shared>, headers: HeaderMap) -> Response {
    s.record_file("host/small", &headers);
    SMALL.into_response()
}

const BIG: u64 = 200 * 1024 * 1024;
static CHUNK: [u8; 64 * 1024] = [b' '; 64 * 1024];

async fn fake_host_big(State(s): State<Shared>, headers: HeaderMap) -> Response {
    s.record_file("host/big", &headers);
    // Generated on the fly: the server holds one static chunk, never the file.
    let chunks = (BIG / CHUNK.len() as u64) as usize;
    let body = futures::stream::iter(
        (0..chunks).map(|_| Ok::<_, std::io::Error>(Bytes::from_static(&CHUNK))),
    );
    Response::builder()
        .header("content-type", "application/json")
        .header("content-length", BIG)
        .body(Body::from_stream(body))
        .expect("response")
}

const INTERVIEWS: usize = 5;

async fn fake_list_candidates(
    Path(posting): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let ids: Vec<String> = (0..INTERVIEWS).map(|i| format!("IV{i}")).collect();
    let start = q
        .get("starting_after")
        .and_then(|c| ids.iter().position(|i| i == c))
        .map_or(0, |p| p + 1);
    let end = (start + 3).min(ids.len());
    let data: Vec<Value> = ids[start..end]
        .iter()
        .map(|id| json!({"interview_id": id, "posting_id": posting, "name": "N", "email": format!("{id}@example.com"), "status": "completed"}))
        .collect();
    axum::Json(json!({"data": data, "pagination": {"has_more": end < ids.len(), "total_count": INTERVIEWS}}))
        .into_response()
}

async fn fake_interview_data(Path(id): Path<String>) -> Response {
    axum::Json(json!({"data": {"object": "interview_data", "interview_id": id, "posting_id": "P1", "name": "N", "email": format!("{id}@example.com"), "status": "completed", "score": 80.5}}))
        .into_response()
}

/// Starts the stand-in: the API at one origin, a file host at another.
async fn fake() -> (Shared, String) {
    let state = Shared::default();
    let api = Router::new()
        .route(
            "/api/v2/postings/{posting_id}/candidates/bulk",
            post(fake_v2_bulk),
        )
        .route(
            "/api/v2/postings/{posting_id}/candidates",
            post(fake_v2_single).get(fake_list_candidates),
        )
        .route(
            "/api/v2/interviews/{interview_id}/data",
            get(fake_interview_data),
        )
        .route("/ingest/x/bulk/{url_key}", post(fake_v1_bulk))
        .route("/interviews/export/json", get(fake_export))
        .route("/files/{name}", get(fake_api_file))
        .with_state(state.clone());
    let host = Router::new()
        .route("/small", get(fake_host_small))
        .route("/big", get(fake_host_big))
        .with_state(state.clone());
    let api_base = serve(api).await;
    let file_base = serve(host).await;
    *lock(&state.api_base) = api_base.clone();
    *lock(&state.file_base) = file_base;
    (state, api_base)
}

#[tokio::test]
async fn a_v2_chunk_processed_then_failed_is_never_sent_again() {
    let (fake, base) = fake().await;
    fake.fail_after_processing.store(true, Ordering::SeqCst);
    let c = client_for(&base, "hm_test_key");
    let rows = people(100, "fail");
    let report = c
        .ingest()
        .v2("P1")
        .chunk_size(10)
        .concurrency(1)
        .run(rows.clone())
        .await;
    // Chunks 0, 3, 6, 9 got a 500 and 1, 4, 7 a broken body, all after processing.
    assert_eq!(
        fake.bulk_requests.load(Ordering::SeqCst),
        10,
        "each chunk sent once"
    );
    let ok = interviews_by_email(&report, &rows, |i, kind| {
        (i / 10) % 3 != 2 && matches!(kind, RowErrorKind::MaybeIngested(_))
    });
    assert_eq!(ok.len(), 30);
    assert_eq!(report.failed(), 70);
    assert!(
        lock(&fake.created).values().all(|n| *n == 1),
        "no duplicates"
    );
    let e = report.errors().next().expect("an error");
    assert!(e.to_string().contains("may have been ingested"), "{e}");
}

#[tokio::test]
async fn single_ingest_recovery_finds_the_interviews_a_failed_chunk_created() {
    let (fake, base) = fake().await;
    fake.fail_after_processing.store(true, Ordering::SeqCst);
    let c = client_for(&base, "hm_test_key");
    let rows = people(100, "single");
    let report = c
        .ingest()
        .v2("P1")
        .chunk_size(10)
        .concurrency(3)
        .v2_recovery(V2Recovery::SingleIngests)
        .run(rows.clone())
        .await;
    let ok = interviews_by_email(&report, &rows, |_, _| false);
    assert_eq!(ok.len(), 100, "every row ends with its interview");
    let created = lock(&fake.created).clone();
    assert_eq!(created.len(), 100);
    assert!(created.values().all(|n| *n == 1), "none created twice");
    let stored = lock(&fake.interviews).clone();
    for (email, id) in &ok {
        assert_eq!(stored.get(email), Some(id), "the server's own interview");
    }
}

#[tokio::test]
async fn v1_chunks_are_sent_again_after_failures_because_retake_is_false() {
    let (fake, base) = fake().await;
    fake.fail_after_processing.store(true, Ordering::SeqCst);
    let c = client_for(&base, "hm_test_key");
    let rows = people(60, "v1fail");
    let report = c.ingest().v1("key").chunk_size(20).run(rows.clone()).await;
    let ok = interviews_by_email(&report, &rows, |_, _| false);
    assert_eq!(ok.len(), 60);
    assert!(fake.bulk_requests.load(Ordering::SeqCst) > 3, "re-sent");
    assert!(
        lock(&fake.created).values().all(|n| *n == 1),
        "no duplicates"
    );
}

#[tokio::test]
async fn a_row_the_server_refuses_fails_alone_and_the_rest_is_sent() {
    let (fake, base) = fake().await;
    let c = client_for(&base, "hm_test_key");
    for (target, id) in [(Generation::V1, "key"), (Generation::V2, "P1")] {
        let mut rows = people(12, "r");
        rows[3].email = "reject.3@example.com".into();
        rows[7].email = "reject.7@example.com".into();
        rows[9].email = "bad".into();
        lock(&fake.received).clear();
        let report = c
            .ingest()
            .into_generation(target, id)
            .chunk_size(6)
            .run(rows.clone())
            .await;
        let ok = interviews_by_email(&report, &rows, |i, kind| match kind {
            RowErrorKind::Rejected(_) => i == 3 || i == 7,
            RowErrorKind::Invalid(_) => i == 9,
            _ => false,
        });
        assert_eq!(ok.len(), 9, "{target:?}");
        assert_eq!(
            report.outcomes[3].as_ref().err().and_then(|e| e.field()),
            Some("email")
        );
        assert!(
            !lock(&fake.received).iter().any(|e| e == "bad"),
            "an invalid row is never sent"
        );
    }
}

#[tokio::test]
async fn the_outcome_stream_is_in_input_order() {
    let (_fake, base) = fake().await;
    let c = client_for(&base, "hm_test_key");
    let rows = people(45, "s");
    let outcomes: Vec<_> = c
        .ingest()
        .v2("P1")
        .chunk_size(4)
        .concurrency(8)
        .stream(futures::stream::iter(rows.clone()))
        .collect()
        .await;
    assert_eq!(outcomes.len(), 45);
    let again = c.ingest().v2("P1").run(rows).await;
    for (a, b) in outcomes.iter().zip(&again.outcomes) {
        assert_eq!(
            a.as_ref().expect("ok").interview_id,
            b.as_ref().expect("ok").interview_id,
            "same row, same interview"
        );
    }
}

#[test]
fn helper_futures_can_be_spawned() {
    fn send<T: Send>(_: &T) {}
    let c = client_for("http://127.0.0.1:9", "k");
    send(&c.ingest().v2("P").run(people(1, "x")));
    send(
        &c.ingest()
            .v1("K")
            .on_progress(|_| {})
            .run_stream(futures::stream::iter(people(1, "y"))),
    );
    send(&c.export().interviews("P").to_writer(Vec::new()));
    send(&c.export().interviews("P").to_path("/nonexistent/x"));
    send(&c.export().candidates("P").to_writer(Vec::new()));
    send(&c.export().interview_data("P").to_writer(Vec::new()));
    let hooks = c.webhooks();
    send(&hooks.list(Generation::V2, None));
    send(&hooks.deactivate(Generation::V1, "W"));
}

// ---------------------------------------------------------------------------
// Exports.

#[tokio::test]
async fn a_v1_export_streams_to_a_writer_and_to_a_file() {
    let mock = mock(40).await;
    let c = client(&mock);
    let posting = mock.postings()[0].0.clone();
    let mut out = Vec::new();
    let mut seen: Vec<ExportProgress> = Vec::new();
    let done = c
        .export()
        .interviews(&posting)
        .on_progress(|p| seen.push(p))
        .to_writer(&mut out)
        .await
        .expect("export");
    let file: Vec<Value> = serde_json::from_slice(&out).expect("the export is JSON");
    assert_eq!(file.len(), 40);
    assert_eq!(done.bytes, out.len() as u64);
    assert!(
        done.job_id
            .as_deref()
            .is_some_and(|j| j.starts_with("exp_"))
    );
    let last = seen.last().expect("progress");
    assert_eq!(
        (last.bytes_written, last.total_bytes),
        (out.len() as u64, Some(out.len() as u64))
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("interviews.json");
    let done = c
        .export()
        .interviews(&posting)
        .to_path(&path)
        .await
        .expect("export to path");
    let written = std::fs::read(&path).expect("read");
    assert_eq!(written.len() as u64, done.bytes);
    assert_eq!(
        serde_json::from_slice::<Vec<Value>>(&written)
            .expect("json")
            .len(),
        40
    );
    assert!(!dir.path().join("interviews.json.part").exists());

    let err = c
        .export()
        .interviews("NOPE")
        .to_path(dir.path().join("nope.json"))
        .await
        .expect_err("no posting");
    assert!(
        matches!(err, ExportError::Api(Error::NotFound(_))),
        "{err:?}"
    );
    assert!(!dir.path().join("nope.json").exists());
    assert!(!dir.path().join("nope.json.part").exists());
}

#[tokio::test]
async fn export_failures_are_typed() {
    let (_fake, base) = fake().await;
    let c = client_for(&base, "hm_test_key");
    let mut sink = Vec::new();
    for (posting, check) in [
        (
            "failed",
            (|e: &ExportError| matches!(e, ExportError::JobFailed { status, .. } if status == "failed"))
                as fn(&ExportError) -> bool,
        ),
        (
            "expired",
            |e| matches!(e, ExportError::JobFailed { status, .. } if status == "expired"),
        ),
        (
            "pending",
            |e| matches!(e, ExportError::NoFile { status, .. } if status == "pending"),
        ),
        ("gone", |e| {
            matches!(e, ExportError::FileExpired { status: 410, .. })
        }),
        ("missing", |e| {
            matches!(e, ExportError::FileExpired { status: 404, .. })
        }),
    ] {
        let err = c
            .export()
            .interviews(posting)
            .to_writer(&mut sink)
            .await
            .expect_err(posting);
        assert!(check(&err), "{posting}: {err:?}");
        assert!(!err.to_string().contains("hm_test_key"));
    }
    assert!(sink.is_empty());

    let dir = tempfile::tempdir().expect("tempdir");
    let err = c
        .export()
        .interviews("gone")
        .to_path(dir.path().join("x.json"))
        .await
        .expect_err("gone");
    assert!(matches!(err, ExportError::FileExpired { .. }));
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "nothing left behind"
    );

    let mut bad = FailingWriter;
    let err = c
        .export()
        .interviews("ok")
        .to_writer(&mut bad)
        .await
        .expect_err("disk full");
    assert!(matches!(err, ExportError::Io(_)), "{err:?}");
}

#[tokio::test]
async fn the_api_key_never_reaches_another_origin() {
    let (fake, base) = fake().await;
    let c = client_for(&base, "hm_test_key");
    for posting in ["ok", "relative", "redirect", "cross"] {
        let mut out = Vec::new();
        c.export()
            .interviews(posting)
            .to_writer(&mut out)
            .await
            .expect(posting);
        assert_eq!(out, SMALL, "{posting}");
    }
    let requests = lock(&fake.file_requests).clone();
    assert_eq!(
        requests,
        [
            ("api/small".to_owned(), true),
            ("api/small".to_owned(), true),
            ("api/redirect".to_owned(), true),
            // The redirect leads to another origin: followed, without the key.
            ("host/small".to_owned(), false),
            ("host/small".to_owned(), false),
        ]
    );
}

/// A writer that counts, remembers its largest single write and keeps nothing.
struct Sink {
    bytes: Arc<AtomicU64>,
    largest_write: usize,
    writes: usize,
}

impl tokio::io::AsyncWrite for Sink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.largest_write = self.largest_write.max(buf.len());
        self.writes += 1;
        self.bytes.fetch_add(buf.len() as u64, Ordering::SeqCst);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A writer whose disk is full.
struct FailingWriter;

impl tokio::io::AsyncWrite for FailingWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Err(std::io::Error::other("no space left on device")))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Resident memory of this process, from /proc/self/statm.
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mb_export_passes_through_bounded_memory() {
    let _heavy = HEAVY.lock().await;
    let (fake, base) = fake().await;
    let c = client_for(&base, "hm_test_key");
    let counted = Arc::new(AtomicU64::new(0));
    let mut sink = Sink {
        bytes: counted.clone(),
        largest_write: 0,
        writes: 0,
    };
    let baseline = rss_bytes();
    let mut peak = baseline;
    let mut reports = 0u64;
    let mut lag = 0u64;
    let started = Instant::now();
    let done = c
        .export()
        .interviews("big")
        .on_progress(|p| {
            reports += 1;
            // What is reported written has reached the writer: nothing is held back.
            lag = lag.max(p.bytes_written - counted.load(Ordering::SeqCst));
            assert_eq!(p.total_bytes, Some(BIG));
            if reports.is_multiple_of(64) {
                peak = peak.max(rss_bytes());
            }
        })
        .to_writer(&mut sink)
        .await
        .expect("export");
    let elapsed = started.elapsed();
    peak = peak.max(rss_bytes());
    let growth = peak.saturating_sub(baseline);
    eprintln!(
        "200 MB export in {elapsed:?}: {} writes, largest {} bytes, RSS growth {:.1} MB",
        sink.writes,
        sink.largest_write,
        growth as f64 / 1e6
    );
    assert_eq!(done.bytes, BIG);
    assert_eq!(counted.load(Ordering::SeqCst), BIG);
    assert_eq!(lag, 0);
    assert!(
        sink.largest_write <= 1024 * 1024,
        "chunk by chunk: {}",
        sink.largest_write
    );
    assert!(sink.writes >= 200, "{} writes", sink.writes);
    assert!(growth < 50_000_000, "RSS grew {growth} bytes");
    assert!(
        lock(&fake.file_requests).iter().all(|(_, key)| !key),
        "the file host never saw the key"
    );
}

#[tokio::test]
async fn v2_candidates_export_as_json_lines() {
    let mock = mock(230).await;
    let c = client(&mock);
    let posting = mock.postings()[2].0.clone();
    let mut out = Vec::new();
    let mut last = ExportProgress::default();
    let done = c
        .export()
        .candidates(&posting)
        .on_progress(|p| last = p)
        .to_writer(&mut out)
        .await
        .expect("export");
    let text = String::from_utf8(out).expect("utf-8");
    let ids: HashSet<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("one JSON object per line");
            v["interview_id"].as_str().expect("id").to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 230);
    assert_eq!(done.records, 230);
    assert_eq!(done.bytes, text.len() as u64);
    assert_eq!((last.records, last.total_records), (230, Some(230)));
}

#[tokio::test]
async fn v2_interview_data_exports_as_json_lines_in_list_order() {
    let (_fake, base) = fake().await;
    let c = client_for(&base, "hm_test_key");
    let mut out = Vec::new();
    let done = c
        .export()
        .interview_data("P1")
        .to_writer(&mut out)
        .await
        .expect("export");
    let lines: Vec<Value> = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let ids: Vec<&str> = lines
        .iter()
        .map(|v| v["interview_id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["IV0", "IV1", "IV2", "IV3", "IV4"]);
    assert!(lines.iter().all(|v| v["score"] == 80.5));
    assert_eq!(done.records, 5);
}

// ---------------------------------------------------------------------------
// Webhooks.

async fn recv(rx: &mut tokio::sync::mpsc::Receiver<Event>) -> Event {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("an event in time")
        .expect("channel open")
}

#[tokio::test]
async fn subscriptions_of_both_generations_deliver_typed_events_to_the_receiver() {
    let (tx, mut events) = tokio::sync::mpsc::channel::<Event>(16);
    let (fn_tx, mut fn_events) = tokio::sync::mpsc::channel::<Event>(16);
    let app = Router::new()
        .route("/hooks", heymilo::webhooks::receiver(tx))
        .route(
            "/fn",
            heymilo::webhooks::receiver_fn(move |event: Event| {
                let fn_tx = fn_tx.clone();
                async move {
                    let _ = fn_tx.send(event).await;
                }
            }),
        )
        .route(
            "/extract",
            post(|event: Event| async move { event.event_type().to_owned() }),
        );
    let receiver = serve(app).await;

    let mock = mock(3).await;
    let c = client(&mock);
    let (posting, _) = mock.postings()[0].clone();
    let hooks = c.webhooks();
    let started = hooks
        .create(
            Generation::V1,
            &NewSubscription::new(
                &posting,
                format!("{receiver}/hooks"),
                EventType::InterviewStarted,
            )
            .method(DeliveryMethod::Get),
        )
        .await
        .expect("v1 GET hook");
    let report = hooks
        .create(
            Generation::V1,
            &NewSubscription::new(
                &posting,
                format!("{receiver}/hooks"),
                EventType::ReportAvailable,
            ),
        )
        .await
        .expect("v1 POST hook");
    let completed = hooks
        .create(
            Generation::V2,
            &NewSubscription::new(
                &posting,
                format!("{receiver}/fn"),
                EventType::InterviewCompleted,
            ),
        )
        .await
        .expect("v2 hook");
    assert_eq!(
        (started.generation, started.http_method.as_deref()),
        (Generation::V1, Some("get"))
    );
    assert_eq!(completed.generation, Generation::V2);
    let v1_ids: HashSet<String> = hooks
        .list(Generation::V1, Some(&posting))
        .await
        .expect("v1 list")
        .into_iter()
        .map(|s| s.webhook_id)
        .collect();
    assert!(v1_ids.contains(&started.webhook_id) && v1_ids.contains(&report.webhook_id));
    let v2_list = hooks
        .list(Generation::V2, Some(&posting))
        .await
        .expect("v2 list");
    assert!(v2_list.iter().any(|s| s.webhook_id == completed.webhook_id));
    assert!(
        hooks
            .list(Generation::V2, Some("NO-SUCH-POSTING"))
            .await
            .expect("filtered")
            .is_empty()
    );

    // Refused before sending: v2 has no GET deliveries, v1 only three event types.
    let err = hooks
        .create(
            Generation::V2,
            &NewSubscription::new(&posting, "http://x/h", EventType::InterviewCompleted)
                .method(DeliveryMethod::Get),
        )
        .await
        .expect_err("GET on v2");
    assert!(matches!(err, Error::InvalidRequest { .. }));
    let err = hooks
        .create(
            Generation::V1,
            &NewSubscription::new(
                &posting,
                "http://x/h",
                EventType::from("candidate_ingested"),
            ),
        )
        .await
        .expect_err("unknown type on v1");
    assert!(matches!(err, Error::InvalidRequest { .. }));

    let interview = c
        .v2()
        .list_candidates()
        .posting_id(&posting)
        .send()
        .await
        .expect("list")
        .data[0]
        .interview_id
        .clone();
    let control = reqwest::Client::new();
    for to in ["started", "completed", "report_available"] {
        control
            .post(format!(
                "{}/_mock/interviews/{interview}/advance",
                mock.base_url()
            ))
            .json(&json!({ "to": to }))
            .send()
            .await
            .expect("advance");
    }
    let mut got = [recv(&mut events).await, recv(&mut events).await];
    got.sort_by_key(|e| e.event_type().to_owned());
    let [Event::InterviewStarted(start), Event::ReportAvailable(done)] = &got else {
        panic!("{got:?}")
    };
    assert_eq!(start.interview_id, interview);
    assert_eq!(start.posting_id.as_deref(), Some(posting.as_str()));
    assert!(start.candidate.is_none(), "GET deliveries carry no objects");
    assert_eq!(done.interview_id, interview);
    assert!(done.score.is_some(), "the report carries the score");
    assert!(
        done.candidate
            .as_ref()
            .and_then(|c| c.email.as_deref())
            .is_some()
    );
    let Event::InterviewCompleted(fin) = recv(&mut fn_events).await else {
        panic!("completed")
    };
    assert_eq!(fin.interview_id, interview);
    assert_eq!(
        fin.webhook_id.as_deref(),
        Some(completed.webhook_id.as_str())
    );

    // Deactivated subscriptions deliver nothing more.
    for s in [&started, &report, &completed] {
        let after = hooks
            .deactivate(s.generation, &s.webhook_id)
            .await
            .expect("deactivate");
        assert_eq!(after.is_active, Some(false));
    }
    let deliveries = mock.deliveries().len();
    let other = c
        .v2()
        .list_candidates()
        .posting_id(&posting)
        .send()
        .await
        .expect("list")
        .data[1]
        .interview_id
        .clone();
    control
        .post(format!(
            "{}/_mock/interviews/{other}/advance",
            mock.base_url()
        ))
        .json(&json!({"to": "started"}))
        .send()
        .await
        .expect("advance");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(mock.deliveries().len(), deliveries);
    assert!(events.try_recv().is_err());

    // A new event type reaches the code as Unknown; garbage is answered 400.
    let r = control
        .post(format!("{receiver}/hooks"))
        .json(&json!({"event_type": "candidate_ingested", "interview_id": "X"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 200);
    assert!(matches!(recv(&mut events).await, Event::Unknown(v) if v["interview_id"] == "X"));
    let r = control
        .post(format!("{receiver}/hooks"))
        .body("not json")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 400);
    let r = control
        .post(format!("{receiver}/extract"))
        .json(&json!({"event_type": "report_available", "interview_id": "Y", "score": 90}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.text().await.expect("text"), "report_available");
}

#[tokio::test]
async fn a_full_receiver_answers_503_at_once() {
    let (tx, _keep) = tokio::sync::mpsc::channel::<Event>(1);
    let receiver = serve(Router::new().route("/h", heymilo::webhooks::receiver(tx))).await;
    let http = reqwest::Client::new();
    let send = || {
        http.get(format!(
            "{receiver}/h?event_type=interview_started&interview_id=A"
        ))
        .send()
    };
    assert_eq!(send().await.expect("first").status(), 200);
    let started = Instant::now();
    assert_eq!(send().await.expect("second").status(), 503);
    assert!(started.elapsed() < Duration::from_secs(1));
}
