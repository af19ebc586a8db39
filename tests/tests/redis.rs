//! The rate limit shared through a real `redis-server`: several processes on
//! one key stay under HeyMilo's limit together, the key never reaches Redis,
//! and an unreachable Redis fails as configured.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use heymilo::rate_limit::{OnRedisFailure, RateLimiter, RedisRateLimiter};
use heymilo::{Client, Error};
use heymilo_mock::{Config, MockServer};
use heymilo_tests::{Recorder, Reply};
use secrecy::SecretString;

const KEY: &str = "hm_live_SHARED_KEY_77";

/// A redis-server on a free loopback port, stopped when dropped.
struct RedisServer {
    child: Child,
    url: String,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts redis-server, or explains why not: required in CI (the test
/// tooling installs it), skipped with a note elsewhere.
fn redis_server() -> Option<RedisServer> {
    let port = TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = match Command::new("redis-server")
        .args([
            "--bind",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!(
                "skipping: redis-server is not available here ({e}); `cargo xtask ci` installs it"
            );
            return None;
        }
        Err(e) => panic!("redis-server must be installed in CI: {e}"),
    };
    let server = RedisServer {
        child,
        url: format!("redis://127.0.0.1:{port}"),
    };
    let client = redis::Client::open(server.url.as_str()).expect("url");
    for _ in 0..100 {
        if client
            .get_connection()
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c))
            .is_ok()
        {
            return Some(server);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("redis-server did not start");
}

#[tokio::test(flavor = "multi_thread")]
async fn processes_sharing_a_key_stay_under_the_limit_together() {
    let Some(redis) = redis_server() else { return };
    let per_minute = 60;
    let mock = MockServer::start(Config {
        api_keys: vec![KEY.into()],
        rate_limit: per_minute,
        ..Config::default()
    })
    .await
    .expect("mock");
    let seconds = 60;
    let started = Instant::now();
    let workers: Vec<_> = (0..3)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_redis_worker"))
                .args([
                    mock.base_url(),
                    KEY,
                    &redis.url,
                    &per_minute.to_string(),
                    &seconds.to_string(),
                ])
                .stdout(Stdio::piped())
                .spawn()
                .expect("worker starts")
        })
        .collect();
    let mut total = 0;
    for w in workers {
        let out = tokio::task::spawn_blocking(move || w.wait_with_output())
            .await
            .expect("join")
            .expect("worker ran");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{text}");
        let field = |name: &str| -> u32 {
            text.split_whitespace()
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .and_then(|v| v.parse().ok())
                .expect("count")
        };
        assert_eq!((field("limited"), field("errors")), (0, 0), "{text}");
        total += field("ok");
    }
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(
        mock.rate_limited_count(),
        0,
        "the mock never had to refuse a request"
    );
    // Throughput within 10% of the limit over the run.
    let rate = f64::from(total) * 60.0 / elapsed.max(f64::from(seconds));
    assert!(
        (54.0..=66.0).contains(&rate),
        "{total} requests in {elapsed:.1}s = {rate:.1}/min for a limit of {per_minute}/min"
    );

    // Redis holds a hash of the key, never the key.
    let client = redis::Client::open(redis.url.as_str()).expect("url");
    let mut conn = client.get_connection().expect("conn");
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).expect("keys");
    assert!(!keys.is_empty());
    for k in &keys {
        let value: Option<String> = redis::cmd("GET").arg(k).query(&mut conn).expect("get");
        assert!(
            !k.contains(KEY)
                && !k.contains("SHARED")
                && !value.unwrap_or_default().contains("SHARED"),
            "{k}"
        );
    }
}

#[tokio::test]
async fn a_429_seen_by_one_worker_pauses_the_others() {
    let Some(redis) = redis_server() else { return };
    let key = SecretString::from(KEY);
    let n = std::num::NonZeroU32::new(600).expect("nonzero");
    let a = RedisRateLimiter::new(&redis.url, &key, n, OnRedisFailure::FailClosed).expect("a");
    let b = RedisRateLimiter::new(&redis.url, &key, n, OnRedisFailure::FailClosed).expect("b");
    assert_eq!(a.budget_key(), b.budget_key(), "same key, same budget");
    a.acquire().await.expect("connects");
    a.pause_for(Duration::from_millis(800));
    tokio::time::sleep(Duration::from_millis(100)).await; // the pause is written in the background
    let start = Instant::now();
    b.acquire().await.expect("acquire");
    assert!(
        start.elapsed() >= Duration::from_millis(500),
        "b waited for a's pause: {:?}",
        start.elapsed()
    );
}

/// A Redis URL where nothing listens.
fn dead_redis() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    format!("redis://127.0.0.1:{port}")
}

#[tokio::test]
async fn an_unreachable_redis_fails_closed_when_asked_to() {
    let server = Recorder::start(Reply::json(
        200,
        serde_json::json!({"message": "ok", "status": 200}),
    ))
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .v1_base_url(server.url())
        .redis_rate_limit(dead_redis())
        .on_redis_failure(OnRedisFailure::FailClosed)
        .build()
        .expect("client");
    let err: Error = client
        .v1()
        .get_health()
        .send()
        .await
        .expect_err("refused")
        .into();
    assert!(
        matches!(err, Error::RateLimiterUnavailable { .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("SHARED"));
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn an_unreachable_redis_falls_back_to_the_local_limiter_by_default() {
    let server = Recorder::start(Reply::json(
        200,
        serde_json::json!({"message": "ok", "status": 200}),
    ))
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .v1_base_url(server.url())
        .redis_rate_limit(dead_redis())
        .build()
        .expect("client");
    client
        .v1()
        .get_health()
        .send()
        .await
        .expect("sent through the local limiter");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_bad_redis_url_is_a_config_error() {
    let err = Client::builder()
        .api_key(KEY)
        .redis_rate_limit("not a url")
        .build()
        .expect_err("bad url");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
}
