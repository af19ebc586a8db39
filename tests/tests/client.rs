//! The heymilo client against a real HTTP server on 127.0.0.1: retries
//! counted at the server, idempotency, Retry-After, typed errors, timeouts,
//! per-request overrides.

use std::time::{Duration, Instant};

use heymilo::prelude::*;
use heymilo::{RetryPolicy, v1};
use heymilo_tests::{Recorder, Reply};
use serde_json::json;

const KEY: &str = "hm_live_SECRET_9f8e7d";

/// Fast backoff so tests run quickly; everything else at its default.
fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .with_initial_backoff(Duration::from_millis(20))
        .with_max_backoff(Duration::from_millis(80))
}

fn client(server: &Recorder) -> Client {
    Client::builder()
        .api_key(KEY)
        .v1_base_url(server.url())
        .v2_base_url(server.url())
        .retry_policy(fast())
        .no_rate_limit()
        .build()
        .expect("client")
}

fn health() -> Reply {
    Reply::json(200, json!({"message": "ok", "status": 200}))
}

fn webhook() -> Reply {
    Reply::json(
        200,
        json!({"webhook_id": "w1", "posting_id": "p1", "url": "https://h", "event_type": "interview_started"}),
    )
}

fn create_body() -> v1::types::builder::CreateWebhookRequest {
    v1::types::CreateWebhookRequest::builder()
        .posting_id("p1")
        .url("https://h")
        .event_type(v1::types::WebhookEventType::InterviewStarted)
}

fn error(status: u16, code: &str) -> Reply {
    Reply::json(
        status,
        json!({"error": {"type": "api_error", "code": code, "message": format!("failed with {status}")}}),
    )
}

#[tokio::test]
async fn idempotent_calls_retry_5xx_and_succeed() {
    for status in [500, 502, 503, 504, 408] {
        let server =
            Recorder::scripted(vec![error(status, "x"), error(status, "x")], health()).await;
        let out = client(&server).v1().get_health().send().await;
        assert!(out.is_ok(), "{status}: {out:?}");
        assert_eq!(
            server.requests().len(),
            3,
            "status {status}: two retries then success"
        );
    }
}

#[tokio::test]
async fn retries_stop_after_max_retries_with_a_typed_error() {
    let server = Recorder::start(error(503, "unavailable")).await;
    let err: Error = client(&server)
        .v1()
        .get_health()
        .send()
        .await
        .expect_err("503")
        .into();
    assert!(
        matches!(err, Error::Server(ref e) if e.status == 503 && e.code.as_deref() == Some("unavailable")),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(server.requests().len(), 3, "1 attempt + 2 retries");
}

#[tokio::test]
async fn backoff_grows_between_attempts() {
    let server = Recorder::start(error(503, "x")).await;
    let c = Client::builder()
        .api_key(KEY)
        .v1_base_url(server.url())
        .retry_policy(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(100))
                .with_max_retries(2),
        )
        .build()
        .expect("client");
    let _ = c.v1().get_health().send().await;
    let at: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    let (first, second) = (at[1] - at[0], at[2] - at[1]);
    assert!(
        first >= Duration::from_millis(75) && first < Duration::from_millis(400),
        "{first:?}"
    );
    assert!(
        second >= Duration::from_millis(150),
        "second backoff doubles: {second:?}"
    );
}

#[tokio::test]
async fn a_create_is_never_resent_after_the_server_may_have_received_it() {
    for status in [500, 502, 503, 504] {
        let server = Recorder::scripted(vec![error(status, "x")], webhook()).await;
        let err: Error = client(&server)
            .v1()
            .create_webhook()
            .body(create_body())
            .send()
            .await
            .expect_err("5xx")
            .into();
        assert_eq!(err.status(), Some(status));
        assert_eq!(
            server.requests().len(),
            1,
            "POST /create must not be re-sent after {status}"
        );
    }
}

#[tokio::test]
async fn a_create_is_retried_when_the_server_refused_it() {
    let server = Recorder::scripted(
        vec![error(429, "rate_limit_exceeded").header("retry-after-ms", "50")],
        webhook(),
    )
    .await;
    client(&server)
        .v1()
        .create_webhook()
        .body(create_body())
        .send()
        .await
        .expect("retried after 429");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn ingest_is_retried_only_without_retake() {
    let ok = Reply::json(
        200,
        json!({"ingestion_id": "i", "interview_details": [{"interview_id": "a", "interview_link": "l"}]}),
    );
    for (retake, expected) in [(false, 2), (true, 1)] {
        let server = Recorder::scripted(vec![error(502, "bad_gateway")], ok.clone()).await;
        let _ = client(&server)
            .v1()
            .ingest_candidate()
            .url_key("k")
            .body(
                v1::types::IngestCandidateRequest::builder()
                    .name("A")
                    .email("a@example.com")
                    .retake(retake),
            )
            .send()
            .await;
        assert_eq!(server.requests().len(), expected, "retake={retake}");
    }
}

#[tokio::test]
async fn client_errors_are_never_retried_and_are_typed() {
    let server = Recorder::start(error(401, "invalid_api_key")).await;
    let err: Error = client(&server)
        .v1()
        .get_health()
        .send()
        .await
        .expect_err("401")
        .into();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    assert_eq!(server.requests().len(), 1);

    let server = Recorder::start(error(404, "resource_not_found")).await;
    let err: Error = client(&server)
        .v1()
        .get_interview()
        .interview_id("x")
        .send()
        .await
        .expect_err("404")
        .into();
    assert!(
        matches!(err, Error::NotFound(ref e) if e.code.as_deref() == Some("resource_not_found")),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);

    let server = Recorder::start(Reply::json(
        400,
        json!({"error": {"type": "invalid_request_error", "code": "invalid_date_range",
                         "message": "created_before is earlier than created_after", "param": "created_before",
                         "errors": [{"code": "invalid_param", "message": "must not be earlier", "param": "created_before"}]}}),
    ))
    .await;
    let err: Error = client(&server)
        .v2()
        .list_candidates()
        .posting_id("p")
        .send()
        .await
        .expect_err("400")
        .into();
    let Error::Validation(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (e.status, e.param.as_deref()),
        (400, Some("created_before"))
    );
    assert_eq!(e.fields[0].field, "created_before");
    assert_eq!(server.requests().len(), 1);

    let server = Recorder::start(
        Reply::json(422, json!({"detail": [{"loc": ["query", "limit"], "msg": "Input should be less than or equal to 100", "type": "less_than_equal"}]}))
            .header("x-request-id", "req_42"),
    )
    .await;
    let err: Error = client(&server)
        .v2()
        .list_candidates()
        .posting_id("p")
        .send()
        .await
        .expect_err("422")
        .into();
    let Error::Validation(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.fields[0].field, "query.limit");
    assert_eq!(e.request_id.as_deref(), Some("req_42"));
    assert!(err.to_string().contains("query.limit"), "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = Recorder::scripted(
        vec![error(429, "x").header("retry-after-ms", "300")],
        health(),
    )
    .await;
    let start = Instant::now();
    client(&server)
        .v1()
        .get_health()
        .send()
        .await
        .expect("ok after wait");
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(server.requests().len(), 2);

    let server =
        Recorder::scripted(vec![error(503, "x").header("retry-after", "1")], health()).await;
    let start = Instant::now();
    client(&server)
        .v1()
        .get_health()
        .send()
        .await
        .expect("ok after wait");
    assert!(start.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_wait_past_the_cap_returns_the_rate_limit_error_at_once() {
    let server =
        Recorder::start(error(429, "rate_limit_exceeded").header("retry-after", "120")).await;
    let start = Instant::now();
    let err: Error = client(&server)
        .v1()
        .get_health()
        .send()
        .await
        .expect_err("429")
        .into();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert!(matches!(err, Error::RateLimited { .. }));
    assert!(err.to_string().contains("retry after 120.0s"), "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn per_request_overrides() {
    let server = Recorder::start(error(503, "x")).await;
    let c = client(&server);
    let _ = c.with_max_retries(0).v1().get_health().send().await;
    assert_eq!(server.requests().len(), 1);
    let _ = c.v1().get_health().send().await;
    assert_eq!(
        server.requests().len(),
        4,
        "the original handle keeps its 2 retries"
    );

    let server = Recorder::start(health().delayed(Duration::from_millis(400))).await;
    let c = client(&server);
    let err: Error = c
        .with_timeout(Duration::from_millis(100))
        .with_max_retries(1)
        .v1()
        .get_health()
        .send()
        .await
        .expect_err("timeout")
        .into();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 2, "a timed-out GET is retried");
    c.v1()
        .get_health()
        .send()
        .await
        .expect("default timeout is long enough");
}

#[tokio::test]
async fn a_timed_out_create_is_not_resent() {
    let server = Recorder::start(webhook().delayed(Duration::from_millis(400))).await;
    let err: Error = client(&server)
        .with_timeout(Duration::from_millis(100))
        .v1()
        .create_webhook()
        .body(create_body())
        .send()
        .await
        .expect_err("timeout")
        .into();
    assert!(matches!(err, Error::Timeout { .. }));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_failures_are_typed() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let c = Client::builder()
        .api_key(KEY)
        .v1_base_url(format!("http://127.0.0.1:{port}"))
        .retry_policy(fast())
        .build()
        .expect("client");
    let err: Error = c
        .v1()
        .get_health()
        .send()
        .await
        .expect_err("refused")
        .into();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_body_that_does_not_match_the_spec_is_a_decode_error_with_a_short_snippet() {
    let long = format!(
        "{{\"message\": 5, \"status\": \"{}\"}}",
        "candidate-data ".repeat(200)
    );
    let server = Recorder::start(Reply::raw(200, &long)).await;
    let err: Error = client(&server)
        .v1()
        .get_health()
        .send()
        .await
        .expect_err("decode")
        .into();
    let Error::Decode { snippet, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(snippet.chars().count() <= 121);
    assert!(
        format!("{err:?}").len() < 1000,
        "the whole body must not be in the error"
    );
}

#[tokio::test]
async fn clones_share_the_rate_limiter() {
    let server = Recorder::start(health()).await;
    let c = Client::builder()
        .api_key(KEY)
        .v1_base_url(server.url())
        .rate_limit_per_minute(60)
        .build()
        .expect("client");
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..8 {
        // Half the requests through a clone, half through a derived handle.
        let c = if i % 2 == 0 {
            c.clone()
        } else {
            c.with_max_retries(1)
        };
        tasks.push(tokio::spawn(async move {
            c.v1().get_health().send().await.map(|_| ())
        }));
    }
    for t in tasks {
        t.await.expect("join").expect("ok");
    }
    // 60/min: a burst of 6, then one every 60/54 s.
    assert!(
        start.elapsed() >= Duration::from_millis(2000),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn a_429_pauses_every_task() {
    let server = Recorder::scripted(
        vec![error(429, "x").header("retry-after-ms", "600")],
        health(),
    )
    .await;
    let c = client(&server);
    let first = c.v1().get_health().send().await;
    assert!(first.is_ok());
    // The pause set by the 429 is over: a new request goes at once.
    let start = Instant::now();
    c.v1().get_health().send().await.expect("ok");
    assert!(start.elapsed() < Duration::from_millis(300));

    let server = Recorder::scripted(
        vec![error(429, "x").header("retry-after-ms", "600")],
        health().delayed(Duration::from_millis(10)),
    )
    .await;
    let c = client(&server);
    let a = tokio::spawn({
        let c = c.clone();
        async move { c.v1().get_health().send().await.map(|_| ()) }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let b_start = Instant::now();
    c.v1().get_health().send().await.expect("b ok");
    a.await.expect("join").expect("a ok");
    assert!(
        b_start.elapsed() >= Duration::from_millis(400),
        "b waited for a's pause: {:?}",
        b_start.elapsed()
    );
}

#[tokio::test]
async fn the_key_never_follows_a_redirect_to_another_origin() {
    let elsewhere = Recorder::start(health()).await;
    let server = Recorder::start(
        Reply::json(302, json!({})).header("location", &format!("{}/health", elsewhere.url())),
    )
    .await;
    let err: Error = client(&server)
        .v1()
        .get_health()
        .send()
        .await
        .expect_err("not followed")
        .into();
    assert_eq!(err.status(), Some(302));
    assert!(err.to_string().contains(&elsewhere.url()), "{err}");
    assert!(
        elsewhere.requests().is_empty(),
        "nothing, and so no key, went to the other origin"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn same_origin_redirects_are_followed() {
    let server = Recorder::scripted(
        vec![Reply::json(307, json!({})).header("location", "/health")],
        health(),
    )
    .await;
    client(&server)
        .v1()
        .get_health()
        .send()
        .await
        .expect("followed");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("x-api-key"), Some(KEY));
}

#[tokio::test]
async fn out_of_range_parameters_are_refused_before_sending() {
    let server = Recorder::start(health()).await;
    let c = client(&server);
    let err: Error = c
        .v2()
        .list_candidates()
        .posting_id("p")
        .limit(101)
        .send()
        .await
        .expect_err("101")
        .into();
    assert!(
        matches!(err, Error::InvalidRequest { ref message } if message.contains("limit=101 is outside 1..=100")),
        "{err:?}"
    );
    let err: Error = c
        .v1()
        .list_postings()
        .limit(500)
        .send()
        .await
        .expect_err("500")
        .into();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    let err: Error = c
        .v2()
        .list_candidates()
        .posting_id("p")
        .limit(0)
        .send()
        .await
        .expect_err("0")
        .into();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(server.requests().is_empty(), "nothing was sent");
}

/// `Client` can be shared across tasks and threads.
#[test]
fn client_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<Client>();
    assert_eq!(
        std::mem::size_of::<Client>(),
        std::mem::size_of::<usize>(),
        "one Arc"
    );
}
