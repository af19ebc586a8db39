//! Memory under a body that never ends: the client holds at most about twice
//! its size cap, however much the server sends. Alone in its binary so that
//! the process's peak resident memory (VmHWM) belongs to this test.

use std::time::{Duration, Instant};

use heymilo::prelude::*;
use heymilo_tests::hostile::{Act, Hostile};

/// Peak resident memory of this process, in bytes (Linux).
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmHWM")
        * 1024
}

#[tokio::test]
async fn an_endless_body_holds_at_most_twice_the_cap() {
    const CAP: usize = 16 << 20;
    let server = Hostile::always(Act::Endless { status: 200 }).await;
    let client = Client::builder()
        .api_key("k")
        .v1_base_url(server.url())
        .v2_base_url(server.url())
        .no_rate_limit()
        .max_response_bytes(CAP)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let before = peak_rss();
    let started = Instant::now();
    for _ in 0..3 {
        let err: Error = client
            .v1()
            .get_health()
            .send()
            .await
            .expect_err("too large")
            .into();
        assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    }
    let grew = peak_rss().saturating_sub(before);
    eprintln!(
        "peak RSS grew {} MiB for three endless bodies with a {} MiB cap ({:?})",
        grew >> 20,
        CAP >> 20,
        started.elapsed()
    );
    assert!(
        grew < (2 * CAP as u64) + (16 << 20),
        "peak RSS grew {} MiB with a {} MiB cap",
        grew >> 20,
        CAP >> 20
    );
    assert_eq!(server.count(), 3);
}
