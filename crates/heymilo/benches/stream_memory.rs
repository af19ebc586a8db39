//! Peak memory of streaming every candidate of a posting through `.stream()`:
//! 10,000 and 100,000 candidates (pages of 100, about 1.4 KB of JSON each)
//! from a local server. Peak RSS must not grow with the number of candidates.
//!
//! Every measurement runs in a fresh child process of this binary, which holds
//! only the client (the server stays in the parent), so the child's peak RSS
//! (`VmHWM` in `/proc/self/status`, reset through `/proc/self/clear_refs`
//! after a warm-up page) is the client's alone. As a control that the method
//! sees growth when there is some, the same lists are also collected into a
//! `Vec` (`collect` rows).
//!
//! Run: `cargo bench -p heymilo --bench stream_memory` (Linux only; about
//! 10 s); `STREAM_SIZES=1000,1000000` measures other sizes;
//! `cargo bench -p heymilo --bench stream_memory -- --test` only streams
//! 1,000 candidates in-process, as a smoke test.

mod common;

use std::process::Command;
use std::time::Instant;

use common::Server;
use heymilo::prelude::*;

/// The list sizes measured, unless `STREAM_SIZES` (e.g. `1000,1000000`) says otherwise.
const SIZES: [u64; 2] = [10_000, 100_000];

/// `VmRSS` and `VmHWM` of this process, in KiB.
fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Streams (or collects) `n` candidates; returns how many arrived.
async fn consume(client: &Client, posting_id: &str, collect: bool) -> usize {
    let stream = client
        .v2()
        .list_candidates()
        .posting_id(posting_id)
        .limit(100)
        .stream();
    if collect {
        let all: Vec<_> = stream.try_collect().await.expect("collect");
        return std::hint::black_box(all).len();
    }
    let mut seen = 0;
    let mut score = 0.0;
    futures::pin_mut!(stream);
    while let Some(candidate) = stream.next().await {
        let candidate = candidate.expect("candidate");
        score += candidate.score.unwrap_or(0.0);
        seen += 1;
    }
    std::hint::black_box(score);
    seen
}

/// The child: one measurement, printed as one `key=value` line.
fn child(mode: &str, n: u64, base_url: &str) {
    let rt = common::client_runtime();
    let client = heymilo::Client::builder()
        .api_key(common::API_KEY)
        .v2_base_url(base_url)
        .no_rate_limit()
        .build()
        .expect("client");
    // Warm-up: one page, so the connection, the runtime's buffers and the
    // allocator's arenas exist before the baseline is taken.
    let warm = rt.block_on(consume(&client, "n100", false));
    assert_eq!(warm, 100);
    let (baseline, _) = rss_kib();
    // Reset VmHWM to the current RSS (Linux 4.0+); if that is refused, the
    // peak since start is reported instead.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let started = Instant::now();
    let seen = rt.block_on(consume(&client, &format!("n{n}"), mode == "collect"));
    let elapsed = started.elapsed();
    let (after, peak) = rss_kib();
    assert_eq!(seen as u64, n);
    println!(
        "mode={mode} n={n} baseline_kib={baseline} peak_kib={peak} after_kib={after} reset={reset} per_sec={:.0}",
        n as f64 / elapsed.as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let mode = &args[i + 1];
        let n = args[i + 2].parse().expect("n");
        child(mode, n, &args[i + 3]);
        return;
    }
    if common::not_benchmarking() {
        return;
    }
    let server = Server::start();
    if args.iter().any(|a| a == "--test") {
        // `cargo bench -- --test`: a smoke test, in-process.
        let rt = common::client_runtime();
        let client = common::heymilo_client(&server);
        assert_eq!(rt.block_on(consume(&client, "n1000", false)), 1_000);
        println!("stream_memory: 1,000 candidates streamed (smoke test)");
        return;
    }
    let exe = std::env::current_exe().expect("current exe");
    println!("stream_memory: peak RSS of a fresh process streaming N candidates (pages of 100)");
    let sizes: Vec<u64> = match std::env::var("STREAM_SIZES") {
        Ok(list) => list
            .split(',')
            .map(|n| n.trim().parse().expect("STREAM_SIZES: numbers"))
            .collect(),
        Err(_) => SIZES.to_vec(),
    };
    for mode in ["stream", "collect"] {
        for &n in &sizes {
            if mode == "collect" && n > 100_000 {
                continue;
            }
            let output = Command::new(&exe)
                .args(["--child", mode, &n.to_string(), &server.base_url])
                .output()
                .expect("run child");
            assert!(
                output.status.success(),
                "child failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let line = String::from_utf8_lossy(&output.stdout);
            let value = |key: &str| -> u64 {
                line.split_whitespace()
                    .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            };
            let (baseline, peak) = (value("baseline_kib"), value("peak_kib"));
            println!(
                "RSS {mode:>7} n={n:>6}: baseline {:.1} MiB, peak {:.1} MiB, growth {:.1} MiB, {} candidates/s",
                baseline as f64 / 1024.0,
                peak as f64 / 1024.0,
                peak.saturating_sub(baseline) as f64 / 1024.0,
                value("per_sec"),
            );
        }
    }
}
