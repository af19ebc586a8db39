//! Memory checks, each in a process of its own so that the peak resident
//! memory (VmHWM) belongs to that check alone: a body that never ends holds
//! at most about twice the size cap, and a 200 MB export passes through
//! bounded memory chunk by chunk. A test target without the libtest harness
//! (`harness = false`): run without arguments, it runs itself once per check.
//! Without /proc a check fails; it never passes unmeasured.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::HeaderMap;
use axum::routing::get;
use heymilo::prelude::*;
use heymilo_tests::hostile::{Act, Hostile};
use heymilo_tests::{builder, client, health_error, serve};
use serde_json::json;

const CHECKS: [(&str, fn()); 2] = [
    ("an_endless_body_holds_at_most_twice_the_cap", endless_body),
    ("a_200_mb_export_passes_through_bounded_memory", big_export),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, name] = args.as_slice()
        && flag == "--child"
    {
        let check = CHECKS.iter().find(|(n, _)| n == name);
        return check.expect("a known check").1();
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

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

fn endless_body() {
    const CAP: usize = 16 << 20;
    runtime().block_on(async {
        let server = Hostile::always(Act::endless()).await;
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
        assert_eq!(server.count(), 3);
    });
}

const BIG: u64 = 200 * 1024 * 1024;
static CHUNK: [u8; 64 * 1024] = [b' '; 64 * 1024];

fn big_export() {
    runtime().block_on(async {
        // The file host generates the file on the fly from one static chunk.
        let key_seen = Arc::new(AtomicBool::new(false));
        let seen = key_seen.clone();
        let file = get(move |headers: HeaderMap| async move {
            seen.fetch_or(headers.contains_key("x-api-key"), Ordering::SeqCst);
            let chunks = (0..BIG / CHUNK.len() as u64)
                .map(|_| Ok::<_, std::io::Error>(Bytes::from_static(&CHUNK)));
            (
                [("content-length", BIG.to_string())],
                Body::from_stream(futures::stream::iter(chunks)),
            )
        });
        let files = serve(axum::Router::new().route("/big", file)).await;
        let url = format!("{files}/big");
        let job = json!({"job_id": "exp_big", "status": "success", "file_url": url});
        let answer = get(move || std::future::ready(axum::Json(job.clone())));
        let api = serve(axum::Router::new().route("/interviews/export/json", answer)).await;
        let mut sink = Sink::default();
        let counted = sink.bytes.clone();
        let before = peak_rss();
        let mut lag = 0;
        let export = client(&api).export().interviews("big").on_progress(|p| {
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
        let key = key_seen.load(Ordering::SeqCst);
        assert!(!key, "the file host never saw the key");
    });
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
