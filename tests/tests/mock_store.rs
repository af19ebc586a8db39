//! heymilo-mock's storage rules over HTTP: every write all or nothing, no 4xx
//! changes the store, the byte budget holds, async ingestions never lose a
//! row silently, every acknowledged write is listed, lists copy one page,
//! identifiers are strict per generation, and v1 has a port of its own.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use heymilo_mock::{Config, MockServer};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const KEY: &str = "hm_mock_key";

async fn start(config: Config) -> MockServer {
    MockServer::start(Config {
        rate_limit: 1_000_000,
        ..config
    })
    .await
    .expect("mock starts")
}

/// One call with the key; the status and the JSON body (null when none).
async fn call(base: &str, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
    // One client: building one (its TLS roots) per call is slow in debug builds.
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let mut req = CLIENT
        .get_or_init(reqwest::Client::new)
        .request(method, format!("{base}{path}"))
        .header("x-api-key", KEY);
    if let Some(b) = body {
        req = req.json(b);
    }
    let r = req.send().await.expect("the mock answers");
    let status = r.status();
    let text = r.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn get(base: &str, path: &str) -> Value {
    let (status, body) = call(base, Method::GET, path, None).await;
    assert!(status.is_success(), "GET {path}: {status} {body}");
    body
}

fn row(email: &str) -> Value {
    json!({"name": "Ada Row", "email": email})
}

/// Every interview id of a posting, through v2's cursor pages.
async fn interview_ids(base: &str, posting: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after = String::new();
    loop {
        let page = get(
            base,
            &format!("/api/v2/postings/{posting}/candidates?limit=100&starting_after={after}"),
        )
        .await;
        let data = page["data"].as_array().cloned().unwrap_or_default();
        ids.extend(
            data.iter()
                .filter_map(|c| c["interview_id"].as_str().map(str::to_owned)),
        );
        match data.last() {
            Some(last) if page["pagination"]["has_more"] == true => {
                after = last["interview_id"].as_str().unwrap_or_default().to_owned();
            }
            _ => return ids,
        }
    }
}

/// What the store shows: counters, bytes, and every list a write could change.
async fn snapshot(mock: &MockServer) -> Value {
    let base = mock.base_url();
    let stats = get(base, "/_mock/stats").await;
    let mut postings = Vec::new();
    for (id, _) in mock.postings() {
        postings.push(json!({
            "posting": get(base, &format!("/api/v2/postings/{id}")).await,
            "candidates": interview_ids(base, &id).await,
            "questions": get(base, &format!("/api/v2/postings/{id}/questions?limit=100")).await,
        }));
    }
    json!({
        "candidates": stats["candidates"],
        "store_bytes": stats["store_bytes"],
        "postings": postings,
        "v1_postings": get(base, "/postings?limit=100").await,
        "webhooks": get(base, "/all").await,
        "ingestions": get(base, "/_mock/ingestions").await,
    })
}

#[tokio::test]
async fn no_request_that_answered_4xx_changed_the_store() {
    let mock = start(Config {
        candidates_per_posting: 5,
        ..Config::default()
    })
    .await;
    let base = mock.base_url().to_owned();
    let (posting, url_key) = mock.postings()[0].clone();
    let (archived, archived_key) = mock.postings()[1].clone();
    let (s, _) = call(
        &base,
        Method::POST,
        &format!("/api/v2/postings/{archived}/archive"),
        None,
    )
    .await;
    assert_eq!(s, 200);
    let too_many: Vec<Value> = (0..1001)
        .map(|i| row(&format!("r{i}@example.com")))
        .collect();
    let one_bad: Vec<Value> = vec![row("ok@example.com"), row("not an email")];
    let before = snapshot(&mock).await;
    let table: Vec<(Method, String, Option<Value>, u16)> = vec![
        (
            Method::POST,
            format!("/ingest/x/{url_key}"),
            Some(json!({"name": "A"})),
            422,
        ),
        (
            Method::POST,
            format!("/ingest/x/{url_key}"),
            Some(row("")),
            422,
        ),
        (
            Method::POST,
            format!("/ingest/x/{posting}"),
            Some(row("a@example.com")),
            404,
        ),
        (
            Method::POST,
            format!("/ingest/x/{archived_key}"),
            Some(row("a@example.com")),
            422,
        ),
        (
            Method::POST,
            format!("/ingest/x/bulk/{url_key}"),
            Some(json!({"candidates": one_bad})),
            422,
        ),
        (
            Method::POST,
            format!("/ingest/x/bulk/{url_key}"),
            Some(json!({"candidates": too_many})),
            422,
        ),
        (
            Method::POST,
            format!("/api/v2/postings/{url_key}/candidates"),
            Some(row("a@example.com")),
            404,
        ),
        (
            Method::POST,
            format!("/api/v2/postings/{posting}/candidates/bulk"),
            Some(json!({"data": one_bad})),
            422,
        ),
        (
            Method::POST,
            format!("/api/v2/postings/{posting}/candidates/async"),
            Some(row("x")),
            422,
        ),
        (
            Method::POST,
            format!("/api/v2/postings/{archived}/candidates/bulk/async"),
            Some(json!({"data": [row("a@example.com")]})),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/v2/postings/{posting}"),
            Some(json!({"max_retakes": 99})),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/v2/postings/{url_key}"),
            Some(json!({"title": "New"})),
            404,
        ),
        (
            Method::PATCH,
            format!("/api/v2/postings/{posting}/workflow/1"),
            Some(json!({"config": {"no_such": 1}})),
            422,
        ),
        (
            Method::POST,
            format!("/api/v2/postings/{posting}/questions"),
            Some(json!({"modality": "voice", "text": "Q", "score_weight": 99})),
            422,
        ),
        (
            Method::DELETE,
            format!("/api/v2/postings/{posting}/questions/NOPE"),
            None,
            404,
        ),
        (
            Method::POST,
            "/api/v2/webhooks".into(),
            Some(
                json!({"posting_id": url_key, "webhook_url": "https://h.example/x", "event_type": "interview_completed"}),
            ),
            404,
        ),
        (
            Method::POST,
            "/create".into(),
            Some(
                json!({"posting_id": posting, "url": "not a url", "event_type": "interview_completed"}),
            ),
            422,
        ),
        (
            Method::POST,
            "/api/v2/interviews/NOPE/metadata".into(),
            Some(json!({"metadata": {"a": "b"}})),
            404,
        ),
        (
            Method::GET,
            format!("/api/v2/postings/{posting}/candidates?starting_after=NOPE"),
            None,
            422,
        ),
        (Method::GET, "/interviews/export/json".into(), None, 422),
    ];
    for (method, path, body, want) in &table {
        let (status, answer) = call(&base, method.clone(), path, body.as_ref()).await;
        assert_eq!(status.as_u16(), *want, "{method} {path}: {answer}");
    }
    let after = snapshot(&mock).await;
    assert_eq!(before, after, "a refused request changed the store");
}

#[tokio::test]
async fn a_bulk_past_the_budget_is_refused_whole_on_both_generations() {
    // Room for about 50 more candidates of ~1 KiB each.
    let probe = start(Config {
        candidates_per_posting: 0,
        ..Config::default()
    })
    .await;
    let (seeded, _) = probe.store_bytes();
    let mock = start(Config {
        candidates_per_posting: 0,
        max_store_bytes: seeded + 64 * 1024,
        ..Config::default()
    })
    .await;
    let base = mock.base_url().to_owned();
    let (posting, url_key) = mock.postings()[0].clone();
    let big = |i: usize| json!({"name": "Bulk Row", "email": format!("b{i}@example.com"), "data": {"note": "x".repeat(1000)}});
    let rows: Vec<Value> = (0..100).map(big).collect();
    for (path, body) in [
        (
            format!("/ingest/x/bulk/{url_key}"),
            json!({"candidates": rows}),
        ),
        (
            format!("/api/v2/postings/{posting}/candidates/bulk"),
            json!({"data": rows}),
        ),
        (
            format!("/api/v2/postings/{posting}/candidates/bulk/async"),
            json!({"data": rows}),
        ),
    ] {
        let (status, answer) = call(&base, Method::POST, &path, Some(&body)).await;
        assert_eq!(status, 422, "{path}: {answer}");
        let msg = answer["detail"][0]["msg"].as_str().unwrap_or_default();
        assert!(
            msg.contains("max-store-bytes"),
            "HeyMilo's 422 names the budget: {answer}"
        );
        assert!(
            interview_ids(&base, &posting).await.is_empty(),
            "{path} stored a row"
        );
    }
    // Writes go on until the budget is reached, then stop; it is never passed.
    let mut stored = 0;
    for i in 0..200 {
        let (status, _) = call(
            &base,
            Method::POST,
            &format!("/ingest/x/{url_key}"),
            Some(&big(i)),
        )
        .await;
        if status != 200 {
            assert_eq!(status, 422);
            break;
        }
        stored += 1;
    }
    let (bytes, max) = mock.store_bytes();
    assert!((20..200).contains(&stored), "{stored} stored");
    assert!(bytes <= max, "{bytes} > {max}");
    assert_eq!(interview_ids(&base, &posting).await.len(), stored);
}

#[tokio::test]
async fn identifiers_are_strict_per_generation() {
    let mock = start(Config::default()).await;
    let base = mock.base_url().to_owned();
    let (posting, url_key) = mock.postings()[0].clone();
    let table = [
        (Method::POST, format!("/ingest/x/{posting}"), "url key"),
        (Method::POST, format!("/ingest/x/bulk/{posting}"), "url key"),
        (
            Method::GET,
            format!("/api/v2/postings/{url_key}"),
            "posting id",
        ),
        (
            Method::GET,
            format!("/api/v2/postings/{url_key}/candidates"),
            "posting id",
        ),
        (
            Method::POST,
            format!("/api/v2/postings/{url_key}/candidates"),
            "posting id",
        ),
        (Method::GET, format!("/interviews/{url_key}"), "posting id"),
        (
            Method::GET,
            format!("/interviews/export/json?posting_id={url_key}"),
            "posting id",
        ),
    ];
    for (method, path, expected) in table {
        let body = match method {
            Method::POST if path.contains("bulk") => {
                Some(json!({"candidates": [row("s@example.com")]}))
            }
            Method::POST => Some(row("s@example.com")),
            _ => None,
        };
        let (status, answer) = call(&base, method.clone(), &path, body.as_ref()).await;
        assert_eq!(status, 404, "{method} {path}: {answer}");
        let msg = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(
            msg.contains(expected),
            "{path}: {msg:?} says a {expected} was expected"
        );
    }
    // The right identifier works on each.
    let (s, _) = call(
        &base,
        Method::POST,
        &format!("/ingest/x/{url_key}"),
        Some(&row("s@example.com")),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = call(
        &base,
        Method::POST,
        &format!("/api/v2/postings/{posting}/candidates"),
        Some(&row("s@example.com")),
    )
    .await;
    assert_eq!(s, 201);
}

#[tokio::test]
async fn async_ingestions_are_logged_and_their_rows_listed() {
    let mock = start(Config {
        candidates_per_posting: 0,
        ..Config::default()
    })
    .await;
    let base = mock.base_url().to_owned();
    let (posting, _) = mock.postings()[0].clone();
    let body = json!({"data": [row("q1@example.com"), row("q2@example.com")]});
    let (s, ack) = call(
        &base,
        Method::POST,
        &format!("/api/v2/postings/{posting}/candidates/bulk/async"),
        Some(&body),
    )
    .await;
    assert_eq!(s, 202, "{ack}");
    let id = ack["data"]["ingestion_id"]
        .as_str()
        .expect("ingestion id")
        .to_owned();
    let entry = wait_settled(&base, &id).await;
    assert_eq!(entry["status"], "completed", "{entry}");
    let listed: HashSet<String> = interview_ids(&base, &posting).await.into_iter().collect();
    for iid in entry["interview_ids"].as_array().expect("ids") {
        assert!(
            listed.contains(iid.as_str().unwrap_or_default()),
            "{iid} not listed"
        );
    }
    let (s, _) = call(&base, Method::GET, "/_mock/ingestions/intake_nope", None).await;
    assert_eq!(s, 404);
}

/// The ingestion's log entry once it is no longer queued (bounded wait).
async fn wait_settled(base: &str, id: &str) -> Value {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        let entry = get(base, &format!("/_mock/ingestions/{id}")).await;
        if entry["status"] != "queued" || Instant::now() > until {
            return entry;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// 8 workers, 25 mixed writes each, against a budget some of them pass:
/// every acknowledged write is listed afterwards, every refused one left
/// nothing, and the run is bounded in time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_write_is_listed_after_a_concurrent_run() {
    let probe = start(Config {
        candidates_per_posting: 0,
        ..Config::default()
    })
    .await;
    let (seeded, _) = probe.store_bytes();
    let mock = start(Config {
        candidates_per_posting: 0,
        max_store_bytes: seeded + 100 * 1024,
        ..Config::default()
    })
    .await;
    let base = mock.base_url().to_owned();
    let (posting, url_key) = mock.postings()[0].clone();
    let run = async {
        let mut workers = Vec::new();
        for w in 0..8 {
            let (base, posting, url_key) = (base.clone(), posting.clone(), url_key.clone());
            workers.push(tokio::spawn(async move {
                let (mut acked, mut intakes, mut refused) = (Vec::new(), Vec::new(), 0);
                for i in 0..25 {
                    let email = format!("w{w}r{i}@example.com");
                    let fat =
                        json!({"name": "Stress", "email": email, "data": {"pad": "p".repeat(300)}});
                    let (path, body) = match i % 4 {
                        0 => (format!("/ingest/x/{url_key}"), fat),
                        1 => (format!("/api/v2/postings/{posting}/candidates"), fat),
                        2 => (
                            format!("/ingest/x/bulk/{url_key}"),
                            json!({"candidates": [fat, row(&format!("w{w}r{i}b@example.com"))]}),
                        ),
                        _ => (format!("/api/v2/postings/{posting}/candidates/async"), fat),
                    };
                    let (status, answer) = call(&base, Method::POST, &path, Some(&body)).await;
                    match status.as_u16() {
                        200 => acked.extend(
                            answer["interview_details"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|d| d["interview_id"].as_str().map(str::to_owned)),
                        ),
                        201 => {
                            acked.extend(answer["data"]["interview_id"].as_str().map(str::to_owned))
                        }
                        202 => intakes
                            .extend(answer["data"]["ingestion_id"].as_str().map(str::to_owned)),
                        422 => refused += 1,
                        other => panic!("{path}: {other} {answer}"),
                    }
                }
                (acked, intakes, refused)
            }));
        }
        let mut all = (Vec::new(), Vec::new(), 0);
        for w in workers {
            let (a, i, r) = w.await.expect("worker");
            all.0.extend(a);
            all.1.extend(i);
            all.2 += r;
        }
        all
    };
    let (mut acked, intakes, refused) = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the run ends in time");
    for id in &intakes {
        let entry = wait_settled(&base, id).await;
        // Room was reserved at the 202: nothing can make it fail later here.
        assert_eq!(entry["status"], "completed", "{entry}");
        acked.extend(
            entry["interview_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned)),
        );
    }
    let listed: HashSet<String> = interview_ids(&base, &posting).await.into_iter().collect();
    let missing: Vec<&String> = acked.iter().filter(|id| !listed.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not listed: {missing:?}"
    );
    assert_eq!(
        listed.len(),
        acked.iter().collect::<HashSet<_>>().len(),
        "nothing unacknowledged stored"
    );
    assert!(
        refused > 0,
        "the budget was reached (the run tests refusals too)"
    );
    let (bytes, max) = mock.store_bytes();
    assert!(bytes <= max, "{bytes} > {max}");
}

/// v1's `list_interviews` renders only its page: at 200,000 candidates a
/// page costs no more than twice v2's `list_candidates` page (which walks
/// the posting's candidates for its cursor). A generous ratio, not a timing.
#[tokio::test]
async fn v1_interview_pages_copy_one_page_at_200k_candidates() {
    let mock = start(Config {
        postings: 1,
        candidates_per_posting: 200_000,
        ..Config::default()
    })
    .await;
    let base = mock.base_url().to_owned();
    let (posting, _) = mock.postings()[0].clone();
    let time = |path: String| {
        let base = base.clone();
        async move {
            let started = Instant::now();
            for _ in 0..5 {
                get(&base, &path).await;
            }
            started.elapsed()
        }
    };
    // Warm both paths once, then compare.
    get(&base, &format!("/interviews/{posting}?page=1000&limit=100")).await;
    get(
        &base,
        &format!("/api/v2/postings/{posting}/candidates?limit=100"),
    )
    .await;
    let v1 = time(format!("/interviews/{posting}?page=1000&limit=100")).await;
    let v2 = time(format!("/api/v2/postings/{posting}/candidates?limit=100")).await;
    assert!(v1 <= v2 * 2, "v1 page {v1:?} vs v2 page {v2:?}");
    let page = get(&base, &format!("/interviews/{posting}?page=2000&limit=100")).await;
    assert_eq!(page["total"], 200_000);
    assert_eq!(page["candidates"].as_array().map(Vec::len), Some(100));
}

#[tokio::test]
async fn v1_on_its_own_port_answers_as_v1() {
    let mock = start(Config {
        v1_addr: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 0))),
        ..Config::default()
    })
    .await;
    let v1 = mock.v1_base_url().expect("v1 port").to_owned();
    let anonymous = reqwest::get(format!("{v1}/health")).await.expect("answers");
    assert_eq!(
        anonymous.status(),
        401,
        "v1's /health needs a key, as its spec says"
    );
    let health = get(&v1, "/health").await;
    assert_eq!(
        health,
        json!({"message": "API Gateway is healthy", "status": 200})
    );
    let (s, _) = call(&v1, Method::GET, "/api/v2/postings", None).await;
    assert_eq!(s, 404, "v2 is not served on v1's port");
    let postings = get(&v1, "/postings").await;
    assert_eq!(postings["total"], 3);
    // The one-port server keeps its convenience: v2's /health without a key.
    let both = reqwest::get(format!("{}/health", mock.base_url()))
        .await
        .expect("answers");
    assert_eq!(both.status(), 200);
}
