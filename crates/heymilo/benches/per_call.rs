//! Per-call overhead: one v2 `list_candidates` GET of a fixed 20-candidate
//! page from a local axum server, decoded into the generated type, through
//!
//! - `raw`: `reqwest` + `serde_json`, what a caller would write by hand;
//! - `generated`: the generated `heymilo_gen` client with its plain
//!   `ApiKeyTransport` (builder, query checks, hooks, no retries);
//! - `heymilo`: a `heymilo::Client` with `.no_rate_limit()` and the default
//!   retries and timeout (the full request path of `transport.rs`).
//!
//! Goal: heymilo / raw ≤ 1.05. Run: `cargo bench -p heymilo --bench per_call`.
//! The `RATIO` lines printed after criterion's are the figures to quote: the
//! two sides alternate in rounds, so machine noise hits both alike.

mod common;

use std::hint::black_box;
use std::time::Instant;

use common::{API_KEY, FIXED20, Server};
use heymilo_gen::v2::types::ListResponseCandidateResponse;

/// Calls per side in one round of the paired measurement.
const CALLS_PER_ROUND: u32 = 100;

async fn raw_call(http: &reqwest::Client, base_url: &str) -> ListResponseCandidateResponse {
    let url = format!("{base_url}/api/v2/postings/{FIXED20}/candidates");
    let response = http
        .get(url)
        .query(&[("limit", 20)])
        .header("x-api-key", API_KEY)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .expect("raw send")
        .error_for_status()
        .expect("raw status");
    let body = response.bytes().await.expect("raw body");
    serde_json::from_slice(&body).expect("raw decode")
}

async fn generated_call(client: &heymilo_gen::v2::Client) -> ListResponseCandidateResponse {
    client
        .list_candidates()
        .posting_id(FIXED20)
        .limit(20)
        .send()
        .await
        .expect("generated send")
        .into_inner()
}

async fn heymilo_call(client: &heymilo::Client) -> ListResponseCandidateResponse {
    client
        .v2()
        .list_candidates()
        .posting_id(FIXED20)
        .limit(20)
        .send()
        .await
        .expect("heymilo send")
        .into_inner()
}

fn main() {
    if common::not_benchmarking() {
        return;
    }
    let server = Server::start();
    let rt = common::client_runtime();
    let raw = reqwest::Client::new();
    let generated = heymilo_gen::v2::Client::new_with_client(
        &server.base_url,
        reqwest::Client::new(),
        heymilo_gen::Inner::api_key(API_KEY),
    );
    let client = common::heymilo_client(&server);
    let base_url = server.base_url.as_str();

    // All three answer the same 20 candidates.
    let check = rt.block_on(async {
        (
            raw_call(&raw, base_url).await,
            generated_call(&generated).await,
            heymilo_call(&client).await,
        )
    });
    assert_eq!(check.0.data.len(), 20);
    assert_eq!(check.0, check.1);
    assert_eq!(check.0, check.2);

    let mut c = common::criterion(20);
    {
        let mut group = c.benchmark_group("per_call");
        group.bench_function("raw", |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(raw_call(&raw, base_url).await) })
        });
        group.bench_function("generated", |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(generated_call(&generated).await) })
        });
        group.bench_function("heymilo", |b| {
            b.to_async(&rt)
                .iter(|| async { black_box(heymilo_call(&client).await) })
        });
        group.finish();
    }
    c.final_summary();

    if common::ratio_wanted("per_call") {
        // CALLS_PER_ROUND calls of one kind, timed as one block.
        macro_rules! timed {
            ($call:expr) => {
                || {
                    rt.block_on(async {
                        let started = Instant::now();
                        for _ in 0..CALLS_PER_ROUND {
                            black_box($call.await);
                        }
                        started.elapsed()
                    })
                }
            };
        }
        let raw_side = timed!(raw_call(&raw, base_url));
        let generated_side = timed!(generated_call(&generated));
        let heymilo_side = timed!(heymilo_call(&client));
        let r = common::paired_ratio(61, raw_side, heymilo_side);
        common::report("per_call", "heymilo", "raw", "<= 1.05", r);
        let r = common::paired_ratio(61, raw_side, generated_side);
        common::report("per_call", "generated", "raw", "(attribution)", r);
        let r = common::paired_ratio(61, generated_side, heymilo_side);
        common::report("per_call", "heymilo", "generated", "(attribution)", r);
    }
}
