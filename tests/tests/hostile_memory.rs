//! Memory checks, each in a process of its own so that the peak resident
//! memory (VmHWM) belongs to that check alone: a body that never ends holds
//! at most about twice the size cap, and a 200 MB export passes through
//! bounded memory chunk by chunk. A test target without the libtest harness
//! (`harness = false`): run without arguments, it runs itself once per check.
//! Without /proc a check fails; it never passes unmeasured.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use heymilo::prelude::*;
use heymilo_tests::{Recorder, Reply, builder, client, health_error};
use serde_json::json;

type Check = fn() -> futures::future::BoxFuture<'static, ()>;

#[rustfmt::skip]
const CHECKS: [(&str, Check); 2] = [
    ("an_endless_body_holds_at_most_twice_the_cap", || Box::pin(endless_body())),
    ("a_200_mb_export_passes_through_bounded_memory", || Box::pin(big_export())),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, name] = args.as_slice()
        && flag == "--child"
    {
        let check = CHECKS.iter().find(|(n, _)| n == name);
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        return runtime.block_on(check.expect("a known check").1());
    }
    let me = std::env::current_exe().expect("own path");
    for (name, _) in CHECKS {
        let mut child = std::process::Command::new(&me);
        let status = child.args(["--child", name]).status();
        assert!(status.expect("the check runs").success(), "{name} failed");
        println!("test {name} ... ok");
    }
}

/// Peak resident memory of this process, in bytes (Linux; panics elsewhere).
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"));
    let kb = line.expect("VmHWM").trim().trim_end_matches("kB").trim();
    kb.parse::<u64>().expect("a number") * 1024
}

async fn endless_body() {
    const CAP: usize = 16 << 20;
    let server = Recorder::start(Reply::spaces(None)).await;
    let c = builder(&server.url()).no_rate_limit();
    let c = c.max_response_bytes(CAP).build().expect("client");
    let before = peak_rss();
    for _ in 0..3 {
        let err = health_error(&c).await;
        assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    }
    let grew = peak_rss().saturating_sub(before);
    let (bound, mib) = (2 * CAP as u64 + (16 << 20), grew >> 20);
    assert!(grew < bound, "peak RSS grew {mib} MiB with a 16 MiB cap");
    assert_eq!(server.received(), 3);
}

async fn big_export() {
    const BIG: u64 = 200 * 1024 * 1024;
    // The file host streams the file from one static chunk, on another origin.
    let files = Recorder::start(Reply::spaces(Some(BIG))).await;
    let url = format!("{}/big", files.url());
    let job = json!({"job_id": "exp_big", "status": "success", "file_url": url});
    let api = Recorder::start(Reply::json(200, job)).await;
    let mut sink = Sink::default();
    let counted = sink.bytes.clone();
    let before = peak_rss();
    let mut lag = 0;
    let export = client(&api.url())
        .export()
        .interviews("big")
        .on_progress(|p| {
            // What is reported written has reached the writer: nothing is held back.
            lag = lag.max(p.bytes_written - counted.load(Ordering::SeqCst));
            assert_eq!(p.total_bytes, Some(BIG));
        });
    let done = export.to_writer(&mut sink).await.expect("export");
    let grew = peak_rss().saturating_sub(before);
    let written = counted.load(Ordering::SeqCst);
    assert_eq!((done.bytes, written, lag), (BIG, BIG, 0));
    let largest = sink.largest_write;
    assert!(largest <= 1 << 20, "chunk by chunk: {largest}");
    assert!(sink.writes >= 200, "{} writes", sink.writes);
    assert!(grew < 50_000_000, "peak RSS grew {grew} B, 200 MB export");
    let asked = api.count("GET", "/interviews/export/json");
    let key = files.single().header("x-api-key").is_some();
    assert_eq!((asked, key), (1, false), "one export; no key to the host");
}

/// A writer that counts, remembers its largest single write and keeps nothing.
#[derive(Default)]
struct Sink {
    bytes: Arc<AtomicU64>,
    largest_write: usize,
    writes: usize,
}

impl tokio::io::AsyncWrite for Sink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.largest_write = self.largest_write.max(buf.len());
        self.writes += 1;
        self.bytes.fetch_add(buf.len() as u64, Ordering::SeqCst);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
