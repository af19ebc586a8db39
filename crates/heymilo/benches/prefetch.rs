//! Paging with prefetch against strictly sequential paging: 2,000 candidates
//! in 20 pages of 100 from a local server that answers each page after 5 ms,
//! with the consumer spending 5 ms on every page (a tokio sleep, standing in
//! for I/O-bound work such as writing the page to a database).
//!
//! - `sequential`: a loop of `list_candidates().starting_after(..).send()`;
//! - `prefetch`: `list_candidates().pages()`, which requests page n+1 as soon
//!   as page n arrives.
//!
//! The ideal is about 2x (5 + 5 ms per page against max(5, 5) ms). Goal:
//! sequential / prefetch ≥ 1.5, also when the work is CPU-bound (`spin_5ms`)
//! on a current-thread runtime. Run: `cargo bench -p heymilo --bench prefetch`;
//! quote the `RATIO` lines. The `no_work` pair (the consumer does nothing)
//! shows what the prefetch machinery costs when there is nothing to overlap.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::Server;
use criterion::SamplingMode;
use heymilo::prelude::*;

/// 2,000 candidates, 5 ms of server latency per page.
const POSTING: &str = "n2000-l5";
/// Candidates per page.
const PAGE: u64 = 100;
/// The consumer's work per page.
const WORK: Duration = Duration::from_millis(5);

/// What the consumer does with each page.
#[derive(Clone, Copy)]
enum Work {
    /// Nothing.
    None,
    /// Waits (I/O-bound work): the runtime is free meanwhile.
    Sleep(Duration),
    /// Keeps its thread busy (CPU-bound work done inline, without yielding).
    Spin(Duration),
}

async fn work(per_page: Work) {
    match per_page {
        Work::None => {}
        Work::Sleep(d) => tokio::time::sleep(d).await,
        Work::Spin(d) => {
            let started = Instant::now();
            while started.elapsed() < d {
                std::hint::spin_loop();
            }
        }
    }
}

async fn sequential(client: &Client, per_page: Work) -> usize {
    let mut seen = 0;
    let mut after: Option<String> = None;
    loop {
        let mut request = client
            .v2()
            .list_candidates()
            .posting_id(POSTING)
            .limit(PAGE);
        if let Some(cursor) = after.take() {
            request = request.starting_after(cursor);
        }
        let page = request.send().await.expect("page").into_inner();
        seen += page.data.len();
        let more = page.pagination.has_more;
        after = page.data.last().map(|c| c.interview_id.clone());
        black_box(&page);
        work(per_page).await;
        if !more {
            return seen;
        }
    }
}

async fn prefetch(client: &Client, per_page: Work) -> usize {
    let mut seen = 0;
    let mut pages = client
        .v2()
        .list_candidates()
        .posting_id(POSTING)
        .limit(PAGE)
        .pages();
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        seen += page.items.len();
        black_box(&page);
        work(per_page).await;
    }
    seen
}

fn main() {
    if common::not_benchmarking() {
        return;
    }
    let server = Server::start();
    let rt = common::client_runtime();
    let rt_current = &rt;
    let client = common::heymilo_client(&server);
    assert_eq!(rt.block_on(sequential(&client, Work::None)), 2_000);
    assert_eq!(rt.block_on(prefetch(&client, Work::None)), 2_000);

    let mut c = common::criterion(10);
    {
        let mut group = c.benchmark_group("paging_2000_5ms");
        group.sampling_mode(SamplingMode::Flat);
        for (name, per_page) in [("work_5ms", Work::Sleep(WORK)), ("no_work", Work::None)] {
            group.bench_function(format!("sequential/{name}"), |b| {
                b.to_async(&rt).iter(|| sequential(&client, per_page))
            });
            group.bench_function(format!("prefetch/{name}"), |b| {
                b.to_async(&rt).iter(|| prefetch(&client, per_page))
            });
        }
        group.finish();
    }
    c.final_summary();

    if common::ratio_wanted("paging_2000_5ms") {
        // A multi-threaded client runtime, for CPU-bound consumers.
        let multi = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("multi-thread runtime");
        let multi_client = multi.block_on(async { common::heymilo_client(&server) });
        let timed = |rt: &'static str, prefetching: bool, per_page: Work| {
            let (rt, client) = match rt {
                "current" => (rt_current, &client),
                _ => (&multi, &multi_client),
            };
            move || {
                rt.block_on(async move {
                    let started = Instant::now();
                    if prefetching {
                        prefetch(client, per_page).await;
                    } else {
                        sequential(client, per_page).await;
                    }
                    started.elapsed()
                })
            }
        };
        // Here the ratio is "how many times faster", so `a` is prefetch.
        let pairs = [
            ("work_5ms", "current", Work::Sleep(WORK), ">= 1.5"),
            ("no_work", "current", Work::None, "(cost of prefetch, ~1)"),
            ("spin_5ms", "current", Work::Spin(WORK), ">= 1.5"),
            (
                "spin_5ms_multi_thread",
                "multi",
                Work::Spin(WORK),
                "(CPU-bound consumer)",
            ),
        ];
        for (name, runtime, per_page, goal) in pairs {
            // 21 rounds: the CPU-bound pairs are noisy on a shared machine.
            let r = common::paired_ratio(
                21,
                timed(runtime, true, per_page),
                timed(runtime, false, per_page),
            );
            common::report(
                &format!("paging_2000_5ms/{name}"),
                "sequential",
                "prefetch",
                goal,
                r,
            );
        }
    }
}
