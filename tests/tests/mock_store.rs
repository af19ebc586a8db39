//! heymilo-mock's storage rules over HTTP: every write all or nothing, no 4xx
//! changes the store, the byte budget holds, async ingestions never lose a
//! row silently, every acknowledged write is listed, lists copy one page,
//! identifiers are strict per generation, and v1 has a port of its own.

use std::collections::HashSet;
use std::time::Duration;

use heymilo_mock::{Config, MockServer};
use heymilo_tests::world::mock_set;
use heymilo_tests::{KEY, mock, within};
use serde_json::{Value, json};

/// One call with the key, without the SDK; the status and the JSON body
/// (null when none).
async fn call(base: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    // One client: building one (its TLS roots) per call is slow in debug builds.
    static HTTP: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let http = HTTP.get_or_init(reqwest::Client::new);
    let url = format!("{base}{path}");
    let request = http.request(method, url).header("x-api-key", KEY);
    let request = body.into_iter().fold(request, |r, b| r.json(b));
    let r = request.send().await.expect("the server answers");
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn get(base: &str, path: &str) -> Value {
    let (status, body) = call(base, "GET", path, None).await;
    assert!((200..300).contains(&status), "GET {path}: {status} {body}");
    body
}

async fn post(base: &str, path: &str, body: &Value) -> (u16, Value) {
    call(base, "POST", path, Some(body)).await
}

fn row(email: &str) -> Value {
    json!({"name": "Ada Row", "email": email})
}

/// A mock of `postings` with no candidates and room for `room` more bytes than its seed.
async fn budgeted(room: usize) -> MockServer {
    let empty = |c: &mut Config| (c.candidates_per_posting, c.rate_limit) = (0, 1_000_000);
    let seeded = mock_set(empty).await.store_bytes().0;
    mock_set(|c| (empty(c), c.max_store_bytes = seeded + room)).await
}

/// Every interview id of a posting, through v2's cursor pages.
async fn interview_ids(base: &str, posting: &str) -> Vec<String> {
    let path = format!("/api/v2/postings/{posting}/candidates?limit=100&starting_after=");
    let (mut ids, mut more) = (Vec::<String>::new(), true);
    while more {
        let page = get(base, &format!("{path}{}", ids.last().map_or("", |s| s))).await;
        more = page["pagination"]["has_more"] == true && page["data"][0].is_object();
        let data = page["data"].as_array().into_iter().flatten();
        ids.extend(data.filter_map(|c| text(&c["interview_id"])));
    }
    ids
}

/// What the store shows: counters, bytes, and every list a write could change.
async fn snapshot(mock: &MockServer) -> Value {
    let base = mock.base_url();
    let stats = get(base, "/_mock/stats").await;
    let mut postings = Vec::new();
    for (id, _) in mock.postings() {
        let posting = get(base, &format!("/api/v2/postings/{id}")).await;
        let questions = get(base, &format!("/api/v2/postings/{id}/questions?limit=100")).await;
        postings.push(json!([posting, interview_ids(base, &id).await, questions]));
    }
    let mut all = vec![stats["candidates"].clone(), stats["store_bytes"].clone()];
    for path in ["/postings?limit=100", "/all", "/_mock/ingestions"] {
        all.push(get(base, path).await);
    }
    json!([all, postings])
}

#[tokio::test]
async fn no_4xx_changes_the_store_identifiers_are_strict_and_async_rows_are_listed() {
    let mock = mock(5).await;
    let base = mock.base_url().to_owned();
    let (p, k) = mock.postings()[0].clone();
    let (archived, archived_key) = mock.postings()[1].clone();
    let archive = format!("/api/v2/postings/{archived}/archive");
    assert_eq!(call(&base, "POST", &archive, None).await.0, 200);
    let too_many: Vec<Value> = (0..1001).map(|i| row(&format!("r{i}@x.io"))).collect();
    let one_bad = json!([row("ok@example.com"), row("not an email")]);
    let before = snapshot(&mock).await;
    let a = row("a@example.com");
    #[rustfmt::skip]
    let table: Vec<(&str, String, Option<Value>, u16, &str)> = vec![
        ("POST", format!("/ingest/x/{k}"), Some(json!({"name": "A"})), 422, ""),
        ("POST", format!("/ingest/x/{k}"), Some(row("")), 422, ""),
        // v1 lets `retake` be left out, never sent as null.
        ("POST", format!("/ingest/x/bulk/{k}"), Some(json!({"candidates": [a], "retake": null})), 422, ""),
        // Identifiers are strict per generation, and the 404 names the one wanted.
        ("POST", format!("/ingest/x/{p}"), Some(a.clone()), 404, "url key"),
        ("POST", format!("/ingest/x/bulk/{p}"), Some(json!({"candidates": [a]})), 404, "url key"),
        ("GET", format!("/api/v2/postings/{k}"), None, 404, "posting id"),
        ("GET", format!("/api/v2/postings/{k}/candidates"), None, 404, "posting id"),
        ("POST", format!("/api/v2/postings/{k}/candidates"), Some(a.clone()), 404, "posting id"),
        ("GET", format!("/interviews/{k}"), None, 404, "posting id"),
        ("GET", format!("/interviews/export/json?posting_id={k}"), None, 404, "posting id"),
        ("POST", format!("/ingest/x/{archived_key}"), Some(a.clone()), 422, ""),
        ("POST", format!("/ingest/x/bulk/{k}"), Some(json!({"candidates": one_bad})), 422, ""),
        ("POST", format!("/ingest/x/bulk/{k}"), Some(json!({"candidates": too_many})), 422, ""),
        ("POST", format!("/api/v2/postings/{p}/candidates/bulk"), Some(json!({"data": one_bad})), 422, ""),
        ("POST", format!("/api/v2/postings/{p}/candidates/async"), Some(row("x")), 422, ""),
        ("POST", format!("/api/v2/postings/{archived}/candidates/bulk/async"), Some(json!({"data": [a]})), 422, ""),
        ("PATCH", format!("/api/v2/postings/{p}"), Some(json!({"max_retakes": 99})), 422, ""),
        ("PATCH", format!("/api/v2/postings/{k}"), Some(json!({"title": "New"})), 404, ""),
        ("PATCH", format!("/api/v2/postings/{p}/workflow/1"), Some(json!({"config": {"no_such": 1}})), 422, ""),
        ("POST", format!("/api/v2/postings/{p}/questions"), Some(json!({"modality": "voice", "text": "Q", "score_weight": 99})), 422, ""),
        ("DELETE", format!("/api/v2/postings/{p}/questions/NOPE"), None, 404, ""),
        ("POST", "/api/v2/webhooks".into(), Some(json!({"posting_id": k, "webhook_url": "https://h.example/x", "event_type": "interview_completed"})), 404, ""),
        ("POST", "/create".into(), Some(json!({"posting_id": p, "url": "not a url", "event_type": "interview_completed"})), 422, ""),
        ("POST", "/api/v2/interviews/NOPE/metadata".into(), Some(json!({"metadata": {"a": "b"}})), 404, ""),
        ("GET", format!("/api/v2/postings/{p}/candidates?starting_after=NOPE"), None, 422, ""),
        ("GET", "/interviews/export/json".into(), None, 422, ""),
        ("GET", "/_mock/ingestions/intake_nope".into(), None, 404, ""),
    ];
    for (method, path, body, want, says) in &table {
        let (status, answer) = call(&base, method, path, body.as_ref()).await;
        let msg = answer["error"]["message"].as_str().unwrap_or_default();
        let right = status == *want && msg.contains(says);
        assert!(right, "{method} {path}: {answer} (wanted {want} {says})");
    }
    let after = snapshot(&mock).await;
    assert_eq!(before, after, "a refused request changed the store");
    // The right identifier works on each.
    let v1 = post(&base, &format!("/ingest/x/{k}"), &a).await.0;
    let v2 = format!("/api/v2/postings/{p}/candidates");
    assert_eq!((v1, post(&base, &v2, &a).await.0), (200, 201));

    // Async ingestions are logged, and their rows listed.
    let body = json!({"data": [row("q1@example.com"), row("q2@example.com")]});
    let path = format!("/api/v2/postings/{p}/candidates/bulk/async");
    let (s, ack) = post(&base, &path, &body).await;
    assert_eq!(s, 202, "{ack}");
    let id = ack["data"]["ingestion_id"].as_str().expect("ingestion id");
    let entry = settled(&base, id).await;
    assert_eq!(entry["status"], "completed", "{entry}");
    let listed: HashSet<String> = interview_ids(&base, &p).await.into_iter().collect();
    let logged: Vec<String> = ids(&entry["interview_ids"]).collect();
    let all = logged.len() == 2 && logged.iter().all(|id| listed.contains(id));
    assert!(all, "{entry}");
}

#[tokio::test]
async fn a_bulk_past_the_budget_is_refused_whole_on_both_generations() {
    // Room for about 50 more candidates of ~1 KiB each.
    let mock = budgeted(64 * 1024).await;
    let base = mock.base_url().to_owned();
    let (posting, url_key) = mock.postings()[0].clone();
    let big = |i: usize| json!({"name": "Bulk Row", "email": format!("b{i}@example.com"), "data": {"note": "x".repeat(1000)}});
    let rows: Vec<Value> = (0..100).map(big).collect();
    let v2 = format!("/api/v2/postings/{posting}/candidates/bulk");
    #[rustfmt::skip]
    let bulks = [
        (format!("/ingest/x/bulk/{url_key}"), json!({"candidates": rows})),
        (v2.clone(), json!({"data": rows})),
        (format!("{v2}/async"), json!({"data": rows})),
    ];
    for (path, body) in bulks {
        let (status, answer) = post(&base, &path, &body).await;
        let msg = answer["detail"][0]["msg"].as_str().unwrap_or_default();
        let named = status == 422 && msg.contains("max-store-bytes");
        assert!(named, "{path}: HeyMilo's 422 names the budget: {answer}");
        let stored = interview_ids(&base, &posting).await;
        assert!(stored.is_empty(), "{path} stored a row");
    }
    // Writes go on until the budget is reached, then stop; it is never passed.
    let (mut stored, mut status, v1) = (0, 200, format!("/ingest/x/{url_key}"));
    while status == 200 && stored < 200 {
        status = post(&base, &v1, &big(stored)).await.0;
        stored += usize::from(status == 200);
    }
    assert_eq!(status, 422, "the budget refuses");
    let (bytes, max) = mock.store_bytes();
    let held = (20..200).contains(&stored) && bytes <= max;
    assert!(held, "{stored} stored, {bytes} of {max} bytes");
    assert_eq!(interview_ids(&base, &posting).await.len(), stored);
}

/// The ingestion's log entry once it is no longer queued (within a minute).
async fn settled(base: &str, id: &str) -> Value {
    for _ in 0..6_000 {
        let entry = get(base, &format!("/_mock/ingestions/{id}")).await;
        if entry["status"] != "queued" {
            return entry;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("ingestion {id} still queued after a minute")
}

fn ids(list: &Value) -> impl Iterator<Item = String> + '_ {
    list.as_array().into_iter().flatten().filter_map(text)
}

/// A JSON string's text.
fn text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// 8 workers, 25 mixed writes each, against a budget some of them pass:
/// every acknowledged write is listed afterwards, every refused one left nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_acknowledged_write_is_listed_after_a_concurrent_run() {
    let mock = budgeted(100 * 1024).await;
    let base = mock.base_url().to_owned();
    let (posting, url_key) = mock.postings()[0].clone();
    let worker = |w: usize| {
        let (base, posting, url_key) = (base.clone(), posting.clone(), url_key.clone());
        tokio::spawn(async move {
            let (mut acked, mut intakes, mut refused) = (Vec::new(), Vec::new(), 0);
            for i in 0..25 {
                let fat = json!({"name": "Stress", "email": format!("w{w}r{i}@example.com"), "data": {"pad": "p".repeat(300)}});
                let two = json!({"candidates": [fat.clone(), row(&format!("w{w}r{i}b@x.io"))]});
                let (path, body) = match i % 4 {
                    0 => (format!("/ingest/x/{url_key}"), fat),
                    1 => (format!("/api/v2/postings/{posting}/candidates"), fat),
                    2 => (format!("/ingest/x/bulk/{url_key}"), two),
                    _ => (format!("/api/v2/postings/{posting}/candidates/async"), fat),
                };
                let (status, answer) = post(&base, &path, &body).await;
                let details = answer["interview_details"].as_array().into_iter().flatten();
                match status {
                    200 => acked.extend(details.filter_map(|d| text(&d["interview_id"]))),
                    201 => acked.extend(text(&answer["data"]["interview_id"])),
                    202 => intakes.extend(text(&answer["data"]["ingestion_id"])),
                    422 => refused += 1,
                    other => panic!("{path}: {other} {answer}"),
                }
            }
            (acked, intakes, refused)
        })
    };
    let (mut acked, mut refused) = (Vec::new(), 0);
    for w in (0..8).map(worker).collect::<Vec<_>>() {
        let (a, intakes, r) = within(w).await.expect("worker");
        for id in &intakes {
            let entry = settled(&base, id).await;
            // Room was reserved at the 202: nothing can make it fail later here.
            assert_eq!(entry["status"], "completed", "{entry}");
            acked.extend(ids(&entry["interview_ids"]));
        }
        (acked, refused) = ([acked, a].concat(), refused + r);
    }
    let listed: HashSet<String> = interview_ids(&base, &posting).await.into_iter().collect();
    let acked: HashSet<String> = acked.into_iter().collect();
    assert_eq!(listed, acked, "listed: the acknowledged, only");
    assert!(refused > 0, "the budget was reached (refusals tested too)");
    let (bytes, max) = mock.store_bytes();
    assert!(bytes <= max, "{bytes} > {max}");
}

/// v1's numbered pages reach far into 200,000 candidates (the cost of a page
/// against v2's is the `pages` benchmark of heymilo-mock).
#[tokio::test]
async fn v1_interview_pages_copy_one_page_at_200k_candidates() {
    let mock = mock_set(|c| (c.postings, c.candidates_per_posting) = (1, 200_000)).await;
    let posting = mock.postings()[0].0.clone();
    let path = format!("/interviews/{posting}?page=2000&limit=100");
    let page = get(mock.base_url(), &path).await;
    let rows = page["candidates"].as_array().map(Vec::len);
    assert_eq!((&page["total"], rows), (&json!(200_000), Some(100)));
}

#[tokio::test]
async fn v1_on_its_own_port_answers_as_v1() {
    let mock = mock_set(|c| c.v1_addr = Some(([127, 0, 0, 1], 0).into())).await;
    let v1 = mock.v1_base_url().expect("v1 port").to_owned();
    let anonymous = reqwest::get(format!("{v1}/health")).await.expect("answers");
    assert_eq!(anonymous.status(), 401, "v1's /health needs a key");
    let healthy = json!({"message": "API Gateway is healthy", "status": 200});
    assert_eq!(get(&v1, "/health").await, healthy);
    let v2 = call(&v1, "GET", "/api/v2/postings", None).await.0;
    assert_eq!(v2, 404, "v2 is not served on v1's port");
    assert_eq!(get(&v1, "/postings").await["total"], 3);
    // The one-port server keeps its convenience: v2's /health without a key.
    let v2 = reqwest::get(format!("{}/health", mock.base_url())).await;
    assert_eq!(v2.expect("answers").status(), 200);
}
