//! The heymilo client against a real HTTP server on 127.0.0.1: retries
//! counted at the server, idempotency, Retry-After, typed errors, timeouts,
//! per-request overrides, each generation's own host, `Client::from_env()`,
//! and the API key in no log, Debug or error.
//! Waits are checked from below only (a slow runner never fails them).

use std::time::{Duration, Instant};

use heymilo::config::{ENV_API_KEY, ENV_REDIS_URL, ENV_V1_URL, ENV_V2_URL};
use heymilo::prelude::*;
use heymilo_tests::within;
use heymilo_tests::world::{error, health, v1_hook, v1_ingest};
use heymilo_tests::{KEY, Recorded, Recorder, Reply, builder, client, done, free_addr};
use serde_json::json;

fn webhook() -> Reply {
    let hook = json!({"webhook_id": "w1", "posting_id": "p1", "url": "https://h", "event_type": "interview_started"});
    Reply::json(200, hook)
}

/// The calls the table makes: `Ingest(retake)`, `Limit(Some(n))` lists v2
/// candidates with `limit=n`, `Limit(None)` v1 postings with 500.
#[derive(Debug, Clone, Copy)]
enum Call {
    Health,
    Create,
    Ingest(bool),
    Candidates,
    Limit(Option<u64>),
}

async fn call(c: &Client, call: Call) -> Result<(), Error> {
    let list = || c.v2().list_candidates().posting_id("p");
    match call {
        Call::Health => done(c.v1().get_health().send()).await,
        Call::Create => v1_hook(c, "p1", "https://h").await,
        Call::Ingest(retake) => v1_ingest(c, "k", "a@x.io", retake).await,
        Call::Candidates => done(list().send()).await,
        Call::Limit(Some(n)) => done(list().limit(n).send()).await,
        Call::Limit(None) => done(c.v1().list_postings().limit(500).send()).await,
    }
}

type Check = fn(&Result<(), Error>, &[Recorded]) -> bool;
/// (case, call, script, fallback, requests sent, check).
type Case = (&'static str, Call, Vec<Reply>, Reply, usize, Check);

fn gap(r: &[Recorded], i: usize) -> Duration {
    r[i + 1].at - r[i].at
}

/// The 5xx rows: an idempotent call is retried, a create never re-sent.
#[rustfmt::skip]
fn server_errors() -> Vec<Case> {
    let mut table: Vec<Case> = Vec::new();
    for s in [500, 502, 503, 504, 408] {
        table.push(("an idempotent call retries", Call::Health, vec![error(s, "x"), error(s, "x")], health(), 3, |r, _| r.is_ok()));
        if s != 408 {
            table.push(("a create may have happened: never re-sent", Call::Create, vec![error(s, "x")], webhook(), 1,
                |r, _| r.as_ref().err().and_then(Error::status).is_some_and(|s| (500..=504).contains(&s))));
        }
    }
    table
}

/// Also: the key never shows in a log line at TRACE, a Debug or a Display.
#[tokio::test]
async fn each_answer_gets_its_retries_and_its_typed_error_and_never_shows_the_key() {
    let log = tempfile::NamedTempFile::new().expect("log file");
    let logs = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE);
    let (logs, file) = (logs.with_ansi(false), log.reopen().expect("log"));
    // Global: a scoped subscriber misses spans other tests' threads register first.
    let global = tracing::subscriber::set_global_default(logs.with_writer(file).finish());
    global.expect("the only subscriber");
    let ingested = json!({"ingestion_id": "i", "interview_details": [{"interview_id": "a", "interview_link": "l"}]});
    let ingested = Reply::json(200, ingested);
    let long = json!({"message": 5, "status": "candidate-data ".repeat(200)});
    let invalid = json!({"error": {"type": "invalid_request_error", "code": "invalid_date_range", "message": "m", "param": "created_before",
        "errors": [{"code": "invalid_param", "message": "must not be earlier", "param": "created_before"}]}});
    let detail = json!({"detail": [{"loc": ["query", "limit"], "msg": "Input should be less than or equal to 100", "type": "less_than_equal"}]});
    // A redirect to another origin is not followed: no key goes there.
    let elsewhere = Recorder::start(health()).await;
    let away = Reply::json(302, json!({})).header("location", &format!("{}/away", elsewhere.url()));
    let mut table = server_errors();
    #[rustfmt::skip]
    table.extend([
        ("retries stop at max_retries, with growing waits", Call::Health, vec![], error(503, "unavailable"), 3, (|r, q| {
            let e = r.as_ref().expect_err("503");
            matches!(e, Error::Server(s) if s.status == 503 && s.code.as_deref() == Some("unavailable"))
                && e.is_retryable() && gap(q, 0) >= Duration::from_millis(7) && gap(q, 1) >= Duration::from_millis(15)
        }) as Check),
        ("a refused create is re-sent", Call::Create, vec![error(429, "x").header("retry-after-ms", "50")], webhook(), 2, |r, _| r.is_ok()),
        ("retake=false is idempotent", Call::Ingest(false), vec![error(502, "x")], ingested.clone(), 2, |r, _| r.is_ok()),
        ("retake=true is not", Call::Ingest(true), vec![error(502, "x")], ingested, 1, |r, _| r.is_err()),
        ("401", Call::Health, vec![], error(401, "invalid_api_key"), 1, |r, _| matches!(r, Err(Error::Unauthorized(_)))),
        ("404", Call::Candidates, vec![], error(404, "resource_not_found"), 1,
            |r, _| matches!(r, Err(Error::NotFound(e)) if e.code.as_deref() == Some("resource_not_found"))),
        ("400", Call::Candidates, vec![], Reply::json(400, invalid), 1, |r, _| matches!(r, Err(Error::Validation(e))
            if e.status == 400 && e.param.as_deref() == Some("created_before") && e.fields[0].field == "created_before")),
        ("422", Call::Candidates, vec![], Reply::json(422, detail).header("x-request-id", "req_42"), 1, |r, _| matches!(r, Err(err @ Error::Validation(e))
            if e.fields[0].field == "query.limit" && e.request_id.as_deref() == Some("req_42") && err.to_string().contains("query.limit"))),
        ("Retry-After-Ms is honoured", Call::Health, vec![error(429, "x").header("retry-after-ms", "300")], health(), 2,
            |r, q| r.is_ok() && gap(q, 0) >= Duration::from_millis(300)),
        ("Retry-After is honoured", Call::Health, vec![error(503, "x").header("retry-after", "1")], health(), 2,
            |r, q| r.is_ok() && gap(q, 0) >= Duration::from_secs(1)),
        ("a wait past the cap returns the 429", Call::Health, vec![], error(429, "rate_limit_exceeded").header("retry-after", "120"), 1,
            |r, _| matches!(r, Err(e @ Error::RateLimited { .. }) if e.retry_after() == Some(Duration::from_secs(120))
                && e.to_string().contains("retry after 120.0s"))),
        ("a same-origin redirect is followed with the key", Call::Health, vec![Reply::json(307, json!({})).header("location", "/health")], health(), 2,
            |r, _| r.is_ok()),
        ("a redirect to another origin is returned", Call::Health, vec![], away, 1,
            |r, _| matches!(r, Err(e) if e.status() == Some(302) && e.to_string().contains("/away"))),
        ("a body off the spec is a decode error with a short snippet", Call::Health, vec![], Reply::json(200, long), 1,
            |r, _| matches!(r, Err(e @ Error::Decode { snippet, .. }) if snippet.chars().count() <= 121 && format!("{e:?}").len() < 1000)),
        ("an out-of-range limit is refused before sending", Call::Limit(Some(101)), vec![], health(), 0,
            |r, _| matches!(r, Err(Error::InvalidRequest { message }) if message.contains("limit=101 is outside 1..=100"))),
        ("limit=0 too", Call::Limit(Some(0)), vec![], health(), 0, |r, _| matches!(r, Err(Error::InvalidRequest { .. }))),
        ("and v1's limit=500", Call::Limit(None), vec![], health(), 0, |r, _| matches!(r, Err(Error::InvalidRequest { .. }))),
    ]);
    let mut seen = format!("{:?}", builder("http://h"));
    for (case, c, script, fallback, sent, check) in table {
        let server = Recorder::scripted(script, fallback).await;
        let client = client(&server.url());
        let out = within(call(&client, c)).await;
        seen += &format!("{client:?}{:?}{:?}{out:?}", client.v1(), client.v2());
        if let Err(e) = &out {
            let source = std::error::Error::source(e);
            seen += &format!("{e}{source:?}{:?}", source.map(ToString::to_string));
        }
        let requests = server.requests();
        assert_eq!(requests.len(), sent, "{case} ({c:?}): requests");
        let keyed = requests.iter().all(|r| r.header("x-api-key") == Some(KEY));
        assert!(check(&out, &requests) && keyed, "{case} ({c:?}): {out:?}");
    }
    let none = elsewhere.requests().is_empty();
    assert!(none, "nothing, and so no key, went to the other origin");
    let logged = std::fs::read_to_string(log.path()).expect("logs");
    let on = logged.contains("heymilo.request") && logged.contains("sending again");
    let leaked = !on || logged.contains("SECRET") || seen.contains("SECRET");
    assert!(!leaked, "tracing off or the key shown:\n{logged}\n{seen}");
}

#[tokio::test]
async fn per_request_overrides_timeouts_and_connection_failures() {
    let err = call(&client(&format!("http://{}", free_addr())), Call::Health).await;
    let typed = matches!(&err, Err(e @ Error::Connection { .. }) if e.is_retryable());
    assert!(typed, "{err:?}");
    let server = Recorder::start(error(503, "x")).await;
    let c = client(&server.url());
    let _ = c.with_max_retries(0).v1().get_health().send().await;
    assert_eq!(server.requests().len(), 1);
    let _ = c.v1().get_health().send().await;
    assert_eq!(server.requests().len(), 4, "the original keeps 2 retries");

    for (c, sent) in [(Call::Health, 2), (Call::Create, 1)] {
        let server = Recorder::start(health().delayed(Duration::from_millis(400))).await;
        let client = client(&server.url());
        let short = client.with_timeout(Duration::from_millis(100));
        let err = call(&short.with_max_retries(1), c).await;
        assert!(matches!(err, Err(Error::Timeout { .. })), "{err:?}");
        // Any re-send happens before the error is returned.
        let got = server.requests().len();
        assert_eq!(got, sent, "{c:?}: a timed-out GET is retried, not a create");
        let ok = client.v1().get_health().send().await.is_ok();
        assert!(ok, "the default timeout is long enough");
    }
}

#[tokio::test]
async fn clones_share_the_rate_limiter() {
    let server = Recorder::start(health()).await;
    let c = builder(&server.url()).rate_limit_per_minute(60).build();
    let c = c.expect("client");
    let start = Instant::now();
    // Half the requests through a clone, half through a derived handle.
    let handles = [c.clone(), c.with_max_retries(1)];
    let handle = |i: usize| handles[i % 2].clone();
    let spawn = |c: Client| tokio::spawn(async move { call(&c, Call::Health).await });
    for t in (0..8).map(handle).map(spawn).collect::<Vec<_>>() {
        t.await.expect("join").expect("ok");
    }
    // 60/min: a burst of 6, then one every 60/54 s.
    let took = start.elapsed();
    assert!(took >= Duration::from_secs(2), "{took:?}");
}

/// v1 and v2 each reach their own host, set on the builder or read by
/// `Client::from_env()` (in a child process, so the environment is its own).
#[tokio::test]
async fn each_generation_reaches_its_own_host_from_the_builder_or_the_environment() {
    let candidates = Reply::json(200, json!({"data": [], "pagination": {"has_more": false}}));
    let both = async |c: Client| {
        call(&c, Call::Health).await.expect("v1");
        call(&c, Call::Candidates).await.expect("v2");
    };
    if let Ok(mode) = std::env::var("HEYMILO_TESTS_CHILD") {
        let c = Client::from_env();
        if mode == "bad-redis" {
            let refused = matches!(c, Err(Error::Config { .. }));
            return assert!(refused, "{ENV_REDIS_URL} is read");
        }
        return both(c.expect("from_env")).await;
    }
    // A Redis where nothing listens: the client falls back to its own limiter.
    let dead = format!("redis://{}", free_addr());
    #[rustfmt::skip]
    let modes = [("builder", ""), ("env", dead.as_str()), ("bad-redis", "not a url")];
    for (mode, redis) in modes {
        let v1 = Recorder::start(health()).await;
        let v2 = Recorder::start(candidates.clone()).await;
        if mode == "builder" {
            let c = Client::builder().api_key(KEY).v1_base_url(v1.url());
            both(c.v2_base_url(v2.url()).build().expect("client")).await;
        } else {
            let mut child = std::process::Command::new(std::env::current_exe().expect("own path"));
            let test = "each_generation_reaches_its_own_host_from_the_builder_or_the_environment";
            child.args(["--exact", test]).env(ENV_REDIS_URL, redis);
            child.env("HEYMILO_TESTS_CHILD", mode).env(ENV_API_KEY, KEY);
            child.env(ENV_V1_URL, v1.url()).env(ENV_V2_URL, v2.url());
            let out = tokio::task::spawn_blocking(move || child.output()).await;
            let out = out.expect("join").expect("child runs");
            let text = String::from_utf8_lossy(&out.stdout);
            let passed = out.status.success() && text.contains("1 passed");
            assert!(passed, "{mode}: {text}");
        }
        let want = usize::from(mode != "bad-redis");
        for (r, path) in [(&v1, "/health"), (&v2, "/api/v2/postings/p/candidates")] {
            let got = r.requests();
            assert_eq!(got.len(), want, "{mode}: {path}");
            let right = |q: &Recorded| q.path == path && q.header("x-api-key") == Some(KEY);
            assert!(got.iter().all(right), "{mode}: {got:?}");
        }
    }
}
