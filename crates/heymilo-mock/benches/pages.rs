//! One page of a posting with 200,000 candidates: v1's numbered
//! `/interviews/{posting}` (page 1,000 of 100) against v2's cursor
//! `list_candidates` (its first page of 100), measured in the same run
//! against the same in-process mock. v1 renders only its page, so its page
//! should cost no more than v2's (which walks the posting for its cursor).
//!
//! Goal: v1 / v2 ≤ 2. Run: `cargo bench -p heymilo-mock --bench pages`;
//! quote the `RATIO` line (BENCHMARKS.md).

use std::time::{Duration, Instant};

use heymilo_mock::{Config, MockServer};

/// Requests per side in one round of the paired measurement.
const PER_ROUND: u32 = 5;

fn main() {
    // Under `cargo test --all-targets` the bench is built, not run: seeding
    // 200,000 candidates is too slow for a test run.
    if !std::env::args().any(|a| a == "--bench") {
        return println!("benchmark skipped: run it with `cargo bench -p heymilo-mock`");
    }
    // The mock serves on its own worker thread; requests go from this one.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let config = Config {
        postings: 1,
        candidates_per_posting: 200_000,
        rate_limit: u32::MAX,
        ..Config::default()
    };
    let mock = rt.block_on(MockServer::start(config)).expect("mock");
    let posting = mock.postings()[0].0.clone();
    let (base, key) = (mock.base_url(), mock.api_key());
    let (http, rt) = (&reqwest::Client::new(), &rt);
    let get = |path: String| {
        let url = format!("{base}{path}");
        move || {
            let sent = http.get(&url).header("x-api-key", key).send();
            let page = rt.block_on(async { sent.await?.bytes().await });
            assert!(!page.expect("a page").is_empty());
        }
    };
    let v1 = get(format!("/interviews/{posting}?page=1000&limit=100"));
    let v2 = get(format!("/api/v2/postings/{posting}/candidates?limit=100"));

    let mut c = criterion::Criterion::default()
        .sample_size(20)
        .configure_from_args();
    let mut group = c.benchmark_group("page_of_100_at_200k");
    group.bench_function("v1_page_1000", |b| b.iter(&v1));
    group.bench_function("v2_first_page", |b| b.iter(&v2));
    group.finish();

    // Paired rounds, the order flipping each round: noise longer than a
    // round hits both sides alike. The median of the per-round ratios.
    let time = |f: &dyn Fn()| {
        let started = Instant::now();
        (0..PER_ROUND).for_each(|_| f());
        started.elapsed()
    };
    let mut ratios: Vec<f64> = (0..21)
        .map(|round| {
            let (a, b): (Duration, Duration) = if round % 2 == 0 {
                (time(&v1), time(&v2))
            } else {
                let b = time(&v2);
                (time(&v1), b)
            };
            a.as_secs_f64() / b.as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    let (median, p10, p90) = (ratios[10], ratios[2], ratios[18]);
    println!(
        "RATIO pages: v1 page 1000 / v2 first page = {median:.3}x (p10 {p10:.3}, p90 {p90:.3}); goal <= 2x"
    );
}
