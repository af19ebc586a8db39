//! The rate limit shared through a real `redis-server`: several processes on
//! one key stay under HeyMilo's limit together, a 429 seen in one process
//! pauses the others, the key never reaches Redis, and an unreachable Redis
//! fails as configured.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use heymilo::rate_limit::{OnRedisFailure, RateLimiter, RedisRateLimiter};
use heymilo::{Client, Error};
use heymilo_tests::world::{health, mock_set, until};
use heymilo_tests::{KEY, Recorder, builder, free_addr, health_error};

/// A redis-server on a free loopback port, stopped when dropped.
struct RedisServer(Child, String);

impl Drop for RedisServer {
    fn drop(&mut self) {
        drop((self.0.kill(), self.0.wait()));
    }
}

impl RedisServer {
    /// A connection to it.
    fn connect(&self) -> redis::RedisResult<redis::Connection> {
        redis::Client::open(self.1.as_str())?.get_connection()
    }
}

/// Starts redis-server, or explains why not: required in CI (the test
/// tooling installs it), skipped with a note elsewhere.
fn redis_server() -> Option<RedisServer> {
    let port = free_addr().port().to_string();
    #[rustfmt::skip]
    let args = ["--bind", "127.0.0.1", "--port", &port, "--save", "", "--appendonly", "no"];
    let mut command = Command::new("redis-server");
    let child = match command.args(args).stdout(Stdio::null()).spawn() {
        Ok(c) => c,
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipping: no redis-server here ({e}); `cargo xtask ci` installs it");
            return None;
        }
        Err(e) => panic!("redis-server must be installed in CI: {e}"),
    };
    let server = RedisServer(child, format!("redis://127.0.0.1:{port}"));
    let ping = |mut c: redis::Connection| redis::cmd("PING").query::<String>(&mut c);
    for _ in 0..100 {
        if server.connect().and_then(ping).is_ok() {
            return Some(server);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("redis-server did not start");
}

/// Runs `workers` redis_worker processes for `seconds`; their `ok=` counts.
async fn workers(base: &str, redis: &str, per_minute: u32, seconds: u32, n: usize) -> Vec<u32> {
    let (per_minute, seconds) = (per_minute.to_string(), seconds.to_string());
    let args = [base, KEY, redis, &per_minute, &seconds];
    let spawn = |_| {
        let mut worker = Command::new(env!("CARGO_BIN_EXE_redis_worker"));
        let worker = worker.args(args).stdout(Stdio::piped()).spawn();
        worker.expect("worker starts")
    };
    let mut counts = Vec::new();
    for w in (0..n).map(spawn).collect::<Vec<_>>() {
        let out = tokio::task::spawn_blocking(move || w.wait_with_output()).await;
        let out = out.expect("join").expect("ran");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let fields = text.split_whitespace().flat_map(|f| f.split_once('='));
        let field: std::collections::HashMap<_, _> = fields.collect();
        let clean = (field.get("limited"), field.get("errors")) == (Some(&"0"), Some(&"0"));
        assert!(out.status.success() && clean, "{text}");
        counts.push(field["ok"].parse().expect("a count"));
    }
    counts
}

#[tokio::test(flavor = "multi_thread")]
async fn processes_sharing_a_key_stay_under_the_limit_together() {
    let Some(redis) = redis_server() else { return };
    let (per_minute, seconds) = (60, 60);
    let mock = mock_set(|c| c.rate_limit = per_minute).await;
    let started = Instant::now();
    let counts = workers(mock.base_url(), &redis.1, per_minute, seconds, 3).await;
    let total: u32 = counts.iter().sum();
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(mock.rate_limited_count(), 0, "the mock never refused");
    // Counted against the budget: a burst of a tenth, then the rate, over
    // however long the run took. From below, generously: a loaded runner
    // may start the workers late, but three of them must not starve.
    let most = f64::from(per_minute) / 10.0 + f64::from(per_minute) * elapsed / 60.0 + 1.0;
    let says = format!("{total} requests in {elapsed:.1}s, at most {most:.0}");
    assert!(f64::from(total) <= most, "{says}");
    assert!(total >= per_minute / 2, "{says}");

    // Redis holds a hash of the key, never the key.
    let mut conn = redis.connect().expect("conn");
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).expect("keys");
    assert!(!keys.is_empty());
    for k in &keys {
        let value: Option<String> = redis::cmd("GET").arg(k).query(&mut conn).expect("get");
        assert!(!format!("{k} {value:?}").contains("SECRET"), "{k}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_seen_in_one_process_pauses_the_others() {
    let Some(redis) = redis_server() else { return };
    let rate = std::num::NonZeroU32::new(600).expect("nonzero");
    let here = RedisRateLimiter::new(&redis.1, &KEY.into(), rate, OnRedisFailure::FailClosed);
    let here = here.expect("limiter");
    here.acquire().await.expect("connects");
    let (paused_at, pause) = (Instant::now(), Duration::from_millis(800));
    here.pause_for(pause);
    // The pause is written in the background: wait until Redis holds it.
    let mut conn = redis.connect().expect("conn");
    let (mut exists, key) = (redis::cmd("EXISTS"), format!("{}:pause", here.budget_key()));
    exists.arg(key);
    until(|| exists.query::<bool>(&mut conn).expect("exists")).await;
    let server = Recorder::start(health()).await;
    let sent = workers(&server.url(), &redis.1, 600, 2, 1).await;
    let arrived = server.requests();
    assert!(sent[0] > 0 && arrived.len() == sent[0] as usize, "{sent:?}");
    // Redis's clock and ours may differ by a little.
    let resume = paused_at + pause - Duration::from_millis(50);
    assert!(arrived.iter().all(|r| r.at >= resume), "sent in the pause");
}

#[tokio::test]
async fn a_bad_redis_url_is_refused_and_an_unreachable_one_fails_closed_or_falls_back() {
    let bad = Client::builder().api_key(KEY).redis_rate_limit("not a url");
    let err = bad.build().expect_err("bad url");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    let server = Recorder::start(health()).await;
    let dead = format!("redis://{}", free_addr());
    let closed = builder(&server.url()).redis_rate_limit(&dead);
    let closed = closed.on_redis_failure(OnRedisFailure::FailClosed).build();
    let err = health_error(&closed.expect("client")).await;
    let refused = matches!(err, Error::RateLimiterUnavailable { .. });
    let quiet = !err.to_string().contains(KEY) && server.requests().is_empty();
    assert!(refused && quiet, "{err:?}: nothing sent, no key shown");
    let open = builder(&server.url()).redis_rate_limit(dead).build();
    let sent = open.expect("client").v1().get_health().send().await;
    sent.expect("sent through the local limiter by default");
    assert_eq!(server.requests().len(), 1);
}
