//! Throughput at the key's budget, against heymilo-mock with both sides at
//! the same limit (120 requests a minute for 2 minutes unless
//! `LIMIT_PER_MINUTE` / `LIMIT_SECONDS` say otherwise; the mock counts any 60 s
//! window, as HeyMilo's 300/min does):
//!
//! - `one_process`: 8 tasks of one client listing v2 candidate pages;
//! - `bulk_ingest`: one ingest of 5,000 rows, in chunks small enough that the
//!   rows need more requests than the run's budget;
//! - `redis_3_processes`: three processes (this binary again), 4 listing
//!   tasks each, sharing the key through a `redis-server` on loopback;
//! - `two_clients_unaware`: two clients of one process, each with a limiter
//!   of its own (4 tasks each): only the server's `X-RateLimit-*` headers
//!   tell each about the other (no goal; it shows what the headers buy).
//!
//! Each prints one `LIMIT` line: requests answered per minute against the
//! limit, the 429s the mock answered, items (candidates or rows) per minute.
//! A run starts on an idle key and lasts a whole number of minutes, so the
//! most the server allows is exactly the limit. Goal: at least 97% of it and
//! no 429. Run: `cargo bench -p heymilo --bench at_the_limit [-- NAME]`
//! (about 8 minutes, nearly all of it waiting on the limiter).

mod common;

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use std::pin::Pin;

use futures::{Stream, StreamExt as _};
use heymilo::ingest::Candidate;
use heymilo::prelude::*;
use heymilo_mock::{Config, MockServer};
use tokio::time::Instant;

const KEY: &str = "hm_bench_at_the_limit";
/// Set in the environment of a worker process of `redis_3_processes`:
/// `BASE_URL REDIS_URL POSTING PER_MINUTE SECONDS`.
const WORKER: &str = "HEYMILO_LIMIT_WORKER";
const ROWS: usize = 5_000;

type Page = heymilo::Page<heymilo::v2::types::CandidateResponse>;

/// The limit and length of every scenario.
#[derive(Clone, Copy)]
struct Run {
    per_minute: u32,
    seconds: u64,
}

impl Run {
    fn from_env() -> Run {
        let var = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        Run {
            per_minute: var("LIMIT_PER_MINUTE", 120).clamp(1, 100_000) as u32,
            seconds: var("LIMIT_SECONDS", 120).max(1),
        }
    }

    fn budget(self) -> u64 {
        u64::from(self.per_minute) * self.seconds / 60
    }

    fn client(self, base: &str, redis: Option<&str>) -> Client {
        let builder = Client::builder()
            .api_key(KEY)
            .v1_base_url(base)
            .v2_base_url(base)
            .rate_limit_per_minute(self.per_minute);
        let builder = match redis {
            Some(url) => builder.redis_rate_limit(url),
            None => builder,
        };
        builder.build().expect("client")
    }
}

/// What a scenario got done before its deadline.
#[derive(Default, Debug)]
struct Tally {
    requests: u64,
    items: u64,
    errors: u64,
    /// The first error, as the report shows it.
    error: Option<String>,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.requests += other.requests;
        self.items += other.items;
        self.errors += other.errors;
        self.error = self.error.take().or(other.error.clone());
    }

    fn report(&self, name: &str, run: Run, refused: u64, unit: &str) {
        let minutes = run.seconds as f64 / 60.0;
        let rate = self.requests as f64 / minutes;
        println!(
            "LIMIT {name}: {rate:.1} requests/min of {} ({:.1}%), {refused} answered 429, {:.0} {unit}/min; \
             {} requests and {} errors in {} s; goal >= 97%, 0 answered 429{}",
            run.per_minute,
            100.0 * rate / f64::from(run.per_minute),
            self.items as f64 / minutes,
            self.requests,
            self.errors,
            run.seconds,
            self.error
                .as_ref()
                .map(|e| format!(" (first error: {e})"))
                .unwrap_or_default(),
        );
    }
}

/// Lists the posting's candidates, 100 a page, over and over until `deadline`.
async fn list_pages(client: Client, posting: String, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    loop {
        // Boxed as a `dyn Stream + Send`, so the task can be spawned.
        let mut pages: Pin<Box<dyn Stream<Item = heymilo::Result<Page>> + Send + '_>> = Box::pin(
            client
                .v2()
                .list_candidates()
                .posting_id(&posting)
                .limit(100)
                .pages(),
        );
        loop {
            match tokio::time::timeout_at(deadline, pages.next()).await {
                Err(_) => return tally,
                Ok(None) => break,
                Ok(Some(Ok(page))) => {
                    tally.requests += 1;
                    tally.items += page.items.len() as u64;
                }
                Ok(Some(Err(e))) => {
                    tally.errors += 1;
                    tally.error.get_or_insert(e.to_string());
                    break;
                }
            }
        }
    }
}

/// `tasks` listing tasks sharing `client`, until `run` is over.
async fn listing(client: Client, posting: &str, tasks: usize, run: Run) -> Tally {
    let deadline = Instant::now() + Duration::from_secs(run.seconds);
    let handles: Vec<_> = (0..tasks)
        .map(|_| tokio::spawn(list_pages(client.clone(), posting.to_owned(), deadline)))
        .collect();
    let mut tally = Tally::default();
    for handle in handles {
        tally.add(&handle.await.expect("listing task"));
    }
    tally
}

/// A scenario's outcome: its name, what it tallied and the unit of its items.
type Outcome = (String, Tally, &'static str);

async fn one_process(run: Run, base: &str, posting: &str) -> Outcome {
    let tally = listing(run.client(base, None), posting, 8, run).await;
    ("one_process".into(), tally, "candidates")
}

/// Two clients with limiters of their own on one key, 4 tasks each: what
/// each learns of the other comes only from the server's rate-limit headers.
async fn two_clients_unaware(run: Run, base: &str, posting: &str) -> Outcome {
    let (mut tally, other) = tokio::join!(
        listing(run.client(base, None), posting, 4, run),
        listing(run.client(base, None), posting, 4, run),
    );
    tally.add(&other);
    ("two_clients_unaware".into(), tally, "candidates")
}

async fn bulk_ingest(run: Run, base: &str, posting: &str) -> Outcome {
    // Enough requests that the rows outlast the run: the rate is the limiter's.
    let chunk = (ROWS as u64 / run.budget().max(1)).max(1) as usize;
    let rows = (0..ROWS).map(|i| Candidate::new(format!("Row {i}"), format!("row{i}@example.com")));
    let client = run.client(base, None);
    let deadline = Instant::now() + Duration::from_secs(run.seconds);
    let mut tally = Tally::default();
    let ingest = client
        .ingest()
        .v2(posting)
        .chunk_size(chunk)
        .on_progress(|p| {
            tally.requests += 1;
            tally.items = p.succeeded as u64;
            tally.errors = p.failed as u64;
        })
        .run(rows);
    let _ = tokio::time::timeout_at(deadline, ingest).await;
    let name = format!("bulk_ingest ({ROWS} rows, {chunk} a request)");
    (name, tally, "rows")
}

/// A redis-server on a Unix socket of its own, stopped when dropped.
struct Redis(Child, PathBuf);

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_file(&self.1);
    }
}

impl Redis {
    fn start() -> std::io::Result<Redis> {
        let socket =
            std::env::temp_dir().join(format!("heymilo-bench-{}.sock", std::process::id()));
        let child = Command::new("redis-server")
            .args([
                "--port",
                "0",
                "--save",
                "",
                "--appendonly",
                "no",
                "--unixsocket",
            ])
            .arg(&socket)
            .stdout(Stdio::null())
            .spawn()?;
        let redis = Redis(child, socket);
        for _ in 0..100 {
            let pong = UnixStream::connect(&redis.1).and_then(|mut s| {
                s.write_all(b"PING\r\n")?;
                let mut buf = [0; 7];
                s.read_exact(&mut buf).map(|_| buf)
            });
            if pong.is_ok_and(|b| &b == b"+PONG\r\n") {
                return Ok(redis);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(std::io::Error::other("redis-server did not answer"))
    }

    fn url(&self) -> String {
        format!("redis+unix://{}", self.1.display())
    }
}

async fn redis_3_processes(run: Run, base: &str, posting: &str) -> Outcome {
    let name = "redis_3_processes".to_owned();
    let redis = match Redis::start() {
        Ok(redis) => redis,
        Err(e) => {
            println!("{name} skipped: no redis-server ({e}); `cargo xtask ci` installs it");
            return (name, Tally::default(), "candidates");
        }
    };
    let exe = std::env::current_exe().expect("this bench's path");
    let spec = format!(
        "{base} {} {posting} {} {}",
        redis.url(),
        run.per_minute,
        run.seconds
    );
    let workers: Vec<_> = (0..3)
        .map(|_| {
            Command::new(&exe)
                .env(WORKER, &spec)
                .stdout(Stdio::piped())
                .spawn()
                .expect("worker starts")
        })
        .collect();
    let mut tally = Tally::default();
    for worker in workers {
        let out = tokio::task::spawn_blocking(move || worker.wait_with_output())
            .await
            .expect("join")
            .expect("worker ran");
        let text = String::from_utf8_lossy(&out.stdout);
        let field = |name: &str| {
            text.split_whitespace()
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("worker said {text:?}"))
        };
        tally.add(&Tally {
            requests: field("requests"),
            items: field("items"),
            errors: field("errors"),
            error: None,
        });
    }
    (name, tally, "candidates")
}

/// One worker of `redis_3_processes`: 4 listing tasks through the shared
/// limiter; prints its tally.
fn worker(spec: &str) {
    let [base, redis, posting, per_minute, seconds] = spec.split(' ').collect::<Vec<_>>()[..]
    else {
        panic!("{WORKER}={spec:?}");
    };
    let run = Run {
        per_minute: per_minute.parse().expect("per minute"),
        seconds: seconds.parse().expect("seconds"),
    };
    let rt = common::client_runtime();
    let tally =
        rt.block_on(async { listing(run.client(base, Some(redis)), posting, 4, run).await });
    if let Some(e) = &tally.error {
        eprintln!("worker's first error: {e}");
    }
    println!(
        "requests={} items={} errors={}",
        tally.requests, tally.items, tally.errors
    );
}

fn main() {
    if let Ok(spec) = std::env::var(WORKER) {
        return worker(&spec);
    }
    if common::not_benchmarking() {
        return;
    }
    let run = Run::from_env();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    for name in [
        "one_process",
        "bulk_ingest",
        "redis_3_processes",
        "two_clients_unaware",
    ] {
        if !common::ratio_wanted(name) {
            continue;
        }
        rt.block_on(async {
            let server = MockServer::start(Config {
                api_keys: vec![KEY.into()],
                rate_limit: run.per_minute,
                postings: 1,
                candidates_per_posting: 1_000,
                ..Config::default()
            })
            .await
            .expect("mock");
            let (base, posting) = (server.base_url(), server.postings()[0].0.clone());
            let (name, tally, unit) = match name {
                "one_process" => one_process(run, base, &posting).await,
                "bulk_ingest" => bulk_ingest(run, base, &posting).await,
                "redis_3_processes" => redis_3_processes(run, base, &posting).await,
                _ => two_clients_unaware(run, base, &posting).await,
            };
            tally.report(&name, run, server.rate_limited_count(), unit);
        });
    }
}
