//! The SDK against heymilo-mock: pages stay stable while candidates arrive,
//! injected faults never duplicate a POST, 429s carry Retry-After, and
//! concurrent clients never see a 500.

use std::collections::HashSet;
use std::time::Duration;

use heymilo::prelude::*;
use heymilo::v1::types::{IngestCandidateRequest, WebhookEventType};
use heymilo::{RetryPolicy, v1};
use heymilo_mock::{Config, MockServer};
use serde_json::json;

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .api_key(mock.api_key())
        .v1_base_url(mock.base_url())
        .v2_base_url(mock.base_url())
        .retry_policy(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(50))
                .with_max_retries(8),
        )
        .no_rate_limit()
        .build()
        .expect("client")
}

async fn mock(per_posting: usize) -> MockServer {
    MockServer::start(Config {
        candidates_per_posting: per_posting,
        rate_limit: 100_000,
        ..Config::default()
    })
    .await
    .expect("mock starts")
}

async fn add_fault(mock: &MockServer, rule: serde_json::Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/_mock/faults", mock.base_url()))
        .json(&rule)
        .send()
        .await
        .expect("control");
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
}

#[tokio::test]
async fn cursor_pages_stay_stable_while_candidates_arrive() {
    let mock = mock(95).await;
    let c = client(&mock);
    let (posting, url_key) = mock.postings()[0].clone();
    let mut pages = c
        .v2()
        .list_candidates()
        .posting_id(&posting)
        .limit(10)
        .pages();
    let mut seen = Vec::new();
    let mut n = 0;
    while let Some(page) = pages.try_next().await.expect("page") {
        seen.extend(page.items.into_iter().map(|c| c.interview_id));
        // A new candidate arrives between every two pages.
        n += 1;
        c.v1()
            .ingest_candidate()
            .url_key(&url_key)
            .body(
                IngestCandidateRequest::builder()
                    .name("New Person")
                    .email(format!("new{n}@example.com")),
            )
            .send()
            .await
            .expect("ingest");
    }
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(seen.len(), 95, "every original candidate exactly once");
    assert_eq!(unique.len(), 95);
}

#[tokio::test]
async fn every_candidate_is_listed_despite_503s_and_429s() {
    let mock = mock(130).await;
    add_fault(
        &mock,
        json!({"route": "/api/v2/postings", "error_rate": 0.3}),
    )
    .await;
    add_fault(
        &mock,
        json!({"route": "/api/v2/postings", "burst_429": 3, "retry_after_secs": 1}),
    )
    .await;
    let c = client(&mock);
    let all: Vec<_> = c
        .v2()
        .list_candidates()
        .posting_id(&mock.postings()[1].0)
        .limit(25)
        .stream()
        .try_collect()
        .await
        .expect("listed through faults");
    assert_eq!(
        all.iter()
            .map(|c| &c.interview_id)
            .collect::<HashSet<_>>()
            .len(),
        130
    );
}

#[tokio::test]
async fn faults_never_duplicate_an_ingest_or_a_webhook() {
    let mock = mock(0).await;
    let c = client(&mock);
    let (posting, url_key) = mock.postings()[0].clone();
    add_fault(&mock, json!({"route": "/ingest", "error_rate": 0.3})).await;
    add_fault(&mock, json!({"route": "/create", "error_rate": 0.4})).await;
    add_fault(&mock, json!({"route": "/ingest", "burst_429": 2})).await;
    let mut ok = 0;
    for i in 0..30 {
        let r = c
            .v1()
            .ingest_candidate()
            .url_key(&url_key)
            .body(
                IngestCandidateRequest::builder()
                    .name("P")
                    .email(format!("p{i}@example.com"))
                    .retake(false),
            )
            .send()
            .await;
        ok += usize::from(r.is_ok());
    }
    let mut created = 0;
    for _ in 0..10 {
        let r = c
            .v1()
            .create_webhook()
            .body(
                v1::types::CreateWebhookRequest::builder()
                    .posting_id(posting.clone())
                    .url("http://127.0.0.1:9/hook")
                    .event_type(WebhookEventType::InterviewStarted),
            )
            .send()
            .await;
        created += usize::from(r.is_ok());
    }
    reqwest::Client::new()
        .delete(format!("{}/_mock/faults", mock.base_url()))
        .send()
        .await
        .expect("clear");
    // retake=false ingests are retried (idempotent by definition) and never duplicate.
    let all: Vec<_> = c
        .v1()
        .list_interviews()
        .posting_id(&posting)
        .limit(100)
        .stream()
        .try_collect()
        .await
        .expect("list");
    // Injected faults answer before the handler runs, so a failed ingest stored nothing.
    assert!(
        ok >= 28,
        "retake=false ingests are retried through the faults: {ok}/30"
    );
    assert_eq!(
        all.len(),
        ok,
        "one interview per successful candidate, none twice"
    );
    // Webhook creation is not idempotent: a 5xx is returned, never re-sent.
    let hooks = c
        .v1()
        .list_webhooks()
        .posting_id(&posting)
        .send()
        .await
        .expect("hooks")
        .into_inner()
        .into_webhooks();
    assert_eq!(
        hooks.len(),
        created,
        "no webhook created twice or behind the caller's back"
    );
}

#[tokio::test]
async fn the_mock_rate_limits_per_key_with_retry_after() {
    let mock = MockServer::start(Config {
        rate_limit: 5,
        ..Config::default()
    })
    .await
    .expect("mock");
    let c = client(&mock).with_max_retries(0);
    for _ in 0..5 {
        c.v1().get_health().send().await.expect("within the limit");
    }
    let err: Error = c
        .v1()
        .get_health()
        .send()
        .await
        .expect_err("over the limit")
        .into();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    let wait = err.retry_after().expect("Retry-After");
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
    assert_eq!(mock.rate_limited_count(), 1);
}

#[tokio::test]
async fn bad_input_gets_documented_4xx() {
    let mock = mock(3).await;
    let c = client(&mock);
    let posting = mock.postings()[0].0.clone();
    let err: Error = c
        .v2()
        .list_candidates()
        .posting_id(&posting)
        .created_after("2026-03-02T00:00:00Z")
        .created_before("2026-03-01T00:00:00Z")
        .send()
        .await
        .expect_err("inverted range")
        .into();
    assert!(
        matches!(err, Error::Validation(ref e) if e.status == 400 && e.code.as_deref() == Some("invalid_date_range")),
        "{err:?}"
    );
    let err: Error = c
        .v2()
        .list_candidates()
        .posting_id("NOPE")
        .send()
        .await
        .expect_err("404")
        .into();
    assert!(matches!(err, Error::NotFound(_)));
    let err: Error = c
        .v1()
        .ingest_candidate()
        .url_key(&mock.postings()[0].1)
        .body(
            IngestCandidateRequest::builder()
                .name("A")
                .email("a@example.com")
                .phone_number(Some("12345".to_owned())),
        )
        .send()
        .await
        .expect_err("bad phone")
        .into();
    let Error::Validation(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (e.status, e.fields[0].field.as_str()),
        (422, "body.phone_number")
    );
    let bad_key = Client::builder()
        .api_key("wrong")
        .v1_base_url(mock.base_url())
        .build()
        .expect("client");
    let err: Error = bad_key
        .v1()
        .list_postings()
        .send()
        .await
        .expect_err("401")
        .into();
    assert!(matches!(err, Error::Unauthorized(_)));
}

#[tokio::test]
async fn concurrent_clients_never_see_a_server_error() {
    let mock = mock(40).await;
    let c = client(&mock);
    let (posting, url_key) = mock.postings()[0].clone();
    let mut tasks = Vec::new();
    for t in 0..8 {
        let (c, posting, url_key) = (c.clone(), posting.clone(), url_key.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let r: Result<(), Error> = match i % 3 {
                    0 => c
                        .v2()
                        .list_candidates()
                        .posting_id(&posting)
                        .limit(7)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(Into::into),
                    1 => c
                        .v1()
                        .ingest_candidate()
                        .url_key(&url_key)
                        .body(
                            IngestCandidateRequest::builder()
                                .name("C")
                                .email(format!("c{t}-{i}@example.com")),
                        )
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(Into::into),
                    _ => c
                        .v1()
                        .list_postings()
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(Into::into),
                };
                r.expect("no failure under concurrency");
            }
        }));
    }
    for t in tasks {
        t.await.expect("no panic");
    }
}

#[tokio::test]
async fn webhooks_are_delivered_for_each_lifecycle_event() {
    use axum::routing::any;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, String)>(16);
    let app = axum::Router::new().route(
        "/h",
        any(move |method: axum::http::Method, uri: axum::http::Uri| {
            let tx = tx.clone();
            async move {
                let _ = tx
                    .send((method.to_string(), uri.query().unwrap_or("").to_owned()))
                    .await;
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/h", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let mock = mock(2).await;
    let c = client(&mock);
    let (posting, _) = mock.postings()[0].clone();
    for (event, method) in [
        (
            WebhookEventType::InterviewStarted,
            v1::types::WebhookHttpMethod::Get,
        ),
        (
            WebhookEventType::ReportAvailable,
            v1::types::WebhookHttpMethod::Post,
        ),
    ] {
        c.v1()
            .create_webhook()
            .body(
                v1::types::CreateWebhookRequest::builder()
                    .posting_id(posting.clone())
                    .url(url.clone())
                    .event_type(event)
                    .http_method(method),
            )
            .send()
            .await
            .expect("hook");
    }
    let page = c
        .v2()
        .list_candidates()
        .posting_id(&posting)
        .send()
        .await
        .expect("list");
    let id = page.data[0].interview_id.clone();
    let control = reqwest::Client::new();
    for to in ["started", "completed", "report_available"] {
        control
            .post(format!("{}/_mock/interviews/{id}/advance", mock.base_url()))
            .json(&json!({"to": to}))
            .send()
            .await
            .expect("advance");
    }
    let first = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("delivery")
        .expect("open");
    let second = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("delivery")
        .expect("open");
    let mut got = [first, second];
    got.sort();
    assert_eq!(got[0].0, "GET");
    assert!(
        got[0].1.contains("event_type=interview_started") && got[0].1.contains(&id),
        "{:?}",
        got[0]
    );
    assert_eq!(got[1].0, "POST");
    // The log is written once the receiver has answered.
    let mut logged = 0;
    for _ in 0..100 {
        logged = mock.deliveries().len();
        if logged >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(logged, 2, "completed has no subscriber here");
    assert!(mock.deliveries().iter().all(|d| d.status == Some(200)));
}

#[tokio::test]
async fn v2_ingest_respects_max_retakes() {
    let mock = mock(0).await;
    let c = client(&mock);
    let posting = mock.postings()[0].0.clone();
    let ingest = || async {
        c.v2()
            .ingest_candidate()
            .posting_id(&posting)
            .body(
                heymilo::v2::types::CandidateIngestRequest::builder()
                    .name("R")
                    .email("r@example.com"),
            )
            .send()
            .await
            .expect("ingest")
            .into_inner()
            .data
            .interview_id
    };
    let a = ingest().await;
    assert_eq!(ingest().await, a, "no retakes allowed: same interview");
    reqwest::Client::new()
        .post(format!("{}/_mock/postings/{posting}", mock.base_url()))
        .json(&json!({"max_retakes": 1}))
        .send()
        .await
        .expect("settings");
    let b = ingest().await;
    assert_ne!(b, a, "one retake allowed");
    assert_eq!(ingest().await, b, "and only one");
}
