//! Bulk ingest of 10,000 candidates through `client.ingest()` (v2, the
//! default 100 per chunk, so 100 bulk requests), with one chunk in flight
//! against four, at two server latencies per bulk request:
//!
//! - `0ms`: a local server that answers at once, so both sides are bound by
//!   CPU (validation, JSON encoding and decoding, HTTP) on a 2-core machine;
//! - `10ms`: the server waits 10 ms before answering each chunk, as a remote
//!   API does; concurrency overlaps the waits.
//!
//! Run: `cargo bench -p heymilo --bench ingest` (about a minute); quote the
//! `RATIO` lines (concurrency 1 time / concurrency 4 time, so higher is
//! better).

mod common;

use std::time::Instant;

use common::Server;
use criterion::{BatchSize, SamplingMode};
use heymilo::Client;
use heymilo::ingest::Candidate;

/// Candidates per run.
const ROWS: usize = 10_000;

fn candidates() -> Vec<Candidate> {
    (0..ROWS)
        .map(|i| {
            Candidate::new(
                format!("Candidate Number {i}"),
                format!("candidate{i}@example.com"),
            )
            .phone_number(format!("+1206555{:04}", i % 10_000))
            .metadata("external_id", format!("ext-{i}"))
            .metadata("source", "careers page")
        })
        .collect()
}

/// Ingests `rows` into the posting whose id carries the server's latency.
async fn ingest(client: &Client, latency_ms: u64, concurrency: usize, rows: Vec<Candidate>) {
    let report = client
        .ingest()
        .v2(format!("ingest-l{latency_ms}"))
        .concurrency(concurrency)
        .run(rows)
        .await;
    assert_eq!(report.succeeded(), ROWS, "{:?}", report.errors().next());
}

fn main() {
    if common::not_benchmarking() {
        return;
    }
    let server = Server::start();
    let rt = common::client_runtime();
    let client = common::heymilo_client(&server);
    let rows = candidates();
    rt.block_on(ingest(&client, 0, 4, rows.clone()));

    let mut c = common::criterion(10);
    {
        let mut group = c.benchmark_group("ingest_10k");
        group.sampling_mode(SamplingMode::Flat);
        for latency_ms in [0, 10] {
            for concurrency in [1, 4] {
                let name = format!("{latency_ms}ms/concurrency_{concurrency}");
                group.bench_function(name, |b| {
                    b.to_async(&rt).iter_batched(
                        || rows.clone(),
                        |rows| ingest(&client, latency_ms, concurrency, rows),
                        BatchSize::PerIteration,
                    )
                });
            }
        }
        group.finish();
    }
    c.final_summary();

    if common::ratio_wanted("ingest_10k") {
        let timed = |latency_ms: u64, concurrency: usize| {
            let (rt, client, rows) = (&rt, &client, &rows);
            move || {
                let rows = rows.clone();
                rt.block_on(async move {
                    let started = Instant::now();
                    ingest(client, latency_ms, concurrency, rows).await;
                    started.elapsed()
                })
            }
        };
        for (latency_ms, rounds) in [(0, 41), (10, 5)] {
            // `a` is concurrency 4, so the ratio reads "times faster".
            let r = common::paired_ratio(rounds, timed(latency_ms, 4), timed(latency_ms, 1));
            common::report(
                &format!("ingest_10k/{latency_ms}ms"),
                "concurrency_1",
                "concurrency_4",
                "(report)",
                r,
            );
        }
    }
}
