//! What the benches share: a tiny HeyMilo-shaped axum server on 127.0.0.1
//! that runs on its own thread and runtime, realistic candidate bodies, and a
//! paired A/B ratio measurement that is robust on noisy machines.
//!
//! Not a bench itself: cargo only discovers `benches/*.rs` and
//! `benches/*/main.rs`, so this module is included with `mod common;`.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

/// The key every bench client sends (the server does not check it).
pub const API_KEY: &str = "hm_test_bench";

/// The posting whose one page of 20 candidates is rendered once, at start:
/// the server's work per request is as small as axum's.
pub const FIXED20: &str = "fixed20";

/// One candidate as HeyMilo v2 returns it (about 1.4 KB of JSON): every field of
/// `CandidateResponse`, with agent summaries, workflow steps, labels and data.
pub fn write_candidate(out: &mut String, posting_id: &str, i: u64) {
    let score = (i * 37 % 1000) as f64 / 10.0;
    let created = 1_717_000_000 + i;
    let _ = write!(
        out,
        concat!(
            r#"{{"object":"candidate","interview_id":"int_{i:09}","candidate_id":"cand_{i:09}","#,
            r#""posting_id":"{p}","name":"Candidate Number {i}","email":"candidate{i}@example.com","#,
            r#""status":"completed","score":{score:.1},"shortlisted":{short},"dismissed":false,"#,
            r#""created_at":{created}.25,"interviewed_at":{interviewed}.5,"#,
            r#""interview_url":"https://app.heymilo.ai/interview/{p}/int_{i:09}","#,
            r#""metadata":{{"external_id":"ext-{i}","source":"careers page","team":"platform"}},"#,
            r#""data":{{"years_experience":{years},"location":"Seattle, WA","remote":true}},"#,
            r#""agent_summary":{{"form":{{"is_complete":true,"is_eligible":true,"questions_answered":8,"total_questions":8}},"#,
            r#""resume":{{"is_eligible":true,"resume_link":"https://files.heymilo.ai/resumes/{i}.pdf","resume_score":{score:.1}}},"#,
            r#""web_interview":{{"score":{score:.1},"highlights":["Clear communicator","Strong systems design"],"#,
            r#""video_recording_link":"https://files.heymilo.ai/video/{i}.mp4"}}}},"#,
            r#""workflow":{{"all_complete":true,"last_activity_at":{interviewed}.5,"steps":["#,
            r#"{{"step_id":"form","order":1,"status":"completed","started":true,"completed":true,"knocked_out":false,"last_updated_at":{created}.0}},"#,
            r#"{{"step_id":"resume","order":2,"status":"completed","started":true,"completed":true,"knocked_out":false,"last_updated_at":{created}.0}},"#,
            r#"{{"step_id":"web_interview","order":3,"status":"completed","started":true,"completed":true,"knocked_out":false,"last_updated_at":{interviewed}.5}}]}}}}"#,
        ),
        i = i,
        p = posting_id,
        score = score,
        short = i.is_multiple_of(7),
        created = created,
        interviewed = created + 3600,
        years = i % 20,
    );
}

/// A v2 `list_candidates` page: candidates `start..start + count` of `total`.
pub fn page_body(posting_id: &str, start: u64, count: u64, total: u64) -> String {
    let end = (start + count).min(total);
    let mut out = String::with_capacity(1200 * (end - start.min(end)) as usize + 200);
    out.push_str(r#"{"data":["#);
    for i in start..end {
        if i > start {
            out.push(',');
        }
        write_candidate(&mut out, posting_id, i);
    }
    let _ = write!(
        out,
        r#"],"pagination":{{"has_more":{},"total_count":{total},"url":"/api/v2/postings/{posting_id}/candidates"}}}}"#,
        end < total
    );
    out
}

/// The candidate number a cursor (`int_000000042`) names.
fn cursor_number(cursor: &str) -> Option<u64> {
    cursor.strip_prefix("int_")?.parse().ok()
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<u64>,
    starting_after: Option<String>,
}

/// What a posting id asks of the server: `n<total>-l<latency ms>`, e.g.
/// `n2000-l5` is 2,000 candidates served with 5 ms of latency per request.
/// [`FIXED20`] is the one pre-rendered page of 20.
fn posting_settings(posting_id: &str) -> (u64, u64) {
    let mut total = 100;
    let mut latency = 0;
    for part in posting_id.split('-') {
        if let Some(n) = part.strip_prefix('n').and_then(|n| n.parse().ok()) {
            total = n;
        } else if let Some(l) = part.strip_prefix('l').and_then(|l| l.parse().ok()) {
            latency = l;
        }
    }
    (total, latency)
}

async fn list_candidates(
    State(fixed): State<Bytes>,
    Path(posting_id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    if posting_id == FIXED20 {
        return ([(header::CONTENT_TYPE, "application/json")], fixed).into_response();
    }
    let (total, latency) = posting_settings(&posting_id);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let start = q
        .starting_after
        .as_deref()
        .and_then(cursor_number)
        .map_or(0, |n| n + 1);
    let body = page_body(&posting_id, start, q.limit.unwrap_or(20), total);
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

#[derive(Deserialize)]
struct BulkRow {
    email: String,
}

#[derive(Deserialize)]
struct BulkRequest {
    data: Vec<BulkRow>,
}

/// v2 `ingest_candidates_bulk`: one interview per row, in order, after the
/// posting id's latency.
async fn ingest_bulk(Path(posting_id): Path<String>, body: Bytes) -> Response {
    let (_, latency) = posting_settings(&posting_id);
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let Ok(request) = serde_json::from_slice::<BulkRequest>(&body) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "{}").into_response();
    };
    let mut out = String::with_capacity(160 * request.data.len() + 16);
    out.push_str(r#"{"data":["#);
    for (i, row) in request.data.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let id = row.email.len() + i;
        let _ = write!(
            out,
            r#"{{"object":"candidate","interview_id":"int_{id:09}","interview_url":"https://app.heymilo.ai/interview/{posting_id}/{id}"}}"#
        );
    }
    out.push_str("]}");
    (
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "application/json")],
        out,
    )
        .into_response()
}

/// The bench server: HeyMilo v2's `list_candidates` and
/// `ingest_candidates_bulk` on 127.0.0.1, served from its own OS thread and
/// single-threaded runtime, so that client and server each get one of the
/// machine's cores and the client's runtime only runs client work.
pub struct Server {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
}

impl Server {
    /// Starts the server; it lives until the process ends.
    pub fn start() -> Server {
        let listener =
            std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        let fixed = Bytes::from(page_body(FIXED20, 0, 20, 20));
        std::thread::Builder::new()
            .name("bench-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("server runtime");
                rt.block_on(async move {
                    let app = Router::new()
                        .route(
                            "/api/v2/postings/{posting_id}/candidates",
                            get(list_candidates),
                        )
                        .route(
                            "/api/v2/postings/{posting_id}/candidates/bulk",
                            post(ingest_bulk),
                        )
                        .with_state(fixed);
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    axum::serve(listener, app).await.expect("serve");
                });
            })
            .expect("spawn server thread");
        Server {
            base_url: format!("http://{addr}"),
        }
    }
}

/// The client's runtime: single-threaded, like the server's, so the two sides
/// do not compete for the machine's two cores.
pub fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime")
}

/// A `heymilo::Client` for the bench server: rate limiting off, default
/// retries and timeouts.
pub fn heymilo_client(server: &Server) -> heymilo::Client {
    heymilo::Client::builder()
        .api_key(API_KEY)
        .v1_base_url(&server.base_url)
        .v2_base_url(&server.base_url)
        .no_rate_limit()
        .build()
        .expect("client")
}

/// The result of [`paired_ratio`].
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    /// Median over rounds of `time(b) / time(a)`.
    pub median: f64,
    /// The 10th and 90th percentiles of the per-round ratios.
    pub p10: f64,
    /// See `p10`.
    pub p90: f64,
    /// Median time of one `a` run.
    pub a: Duration,
    /// Median time of one `b` run.
    pub b: Duration,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Times `a` and `b` in alternating rounds (ABAB..., the order flipping every
/// round) and returns the median of the per-round ratios `b / a`. Noise that
/// lasts longer than a round (another build, CPU frequency) hits both sides
/// of the round alike, which a comparison of two separately measured means
/// cannot promise.
pub fn paired_ratio(
    rounds: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> Ratio {
    // Warm both.
    a();
    b();
    let mut ratios = Vec::with_capacity(rounds);
    let mut times_a = Vec::with_capacity(rounds);
    let mut times_b = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let (ta, tb) = if round % 2 == 0 {
            let ta = a();
            (ta, b())
        } else {
            let tb = b();
            (a(), tb)
        };
        ratios.push(tb.as_secs_f64() / ta.as_secs_f64());
        times_a.push(ta);
        times_b.push(tb);
    }
    ratios.sort_by(f64::total_cmp);
    times_a.sort();
    times_b.sort();
    Ratio {
        median: percentile(&ratios, 0.5),
        p10: percentile(&ratios, 0.1),
        p90: percentile(&ratios, 0.9),
        a: times_a[rounds / 2],
        b: times_b[rounds / 2],
    }
}

/// Times `iterations` runs of `f`.
pub fn time_n(iterations: u32, mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..iterations {
        f();
    }
    started.elapsed()
}

/// Prints a ratio line in the form BENCHMARKS.md quotes.
pub fn report(name: &str, what_b: &str, what_a: &str, goal: &str, r: Ratio) {
    println!(
        "RATIO {name}: {what_b} / {what_a} = {:.3}x (p10 {:.3}, p90 {:.3}; {what_a} {:?}, {what_b} {:?} per round); goal {goal}",
        r.median, r.p10, r.p90, r.a, r.b
    );
}

/// True, after saying so, when this binary was not started by `cargo bench`
/// (whose `--bench` argument it looks for): under `cargo test --all-targets`
/// (CI) the benches are built and linked but measure nothing. For a quick
/// check that every bench works, run `cargo bench -p heymilo -- --test`.
pub fn not_benchmarking() -> bool {
    let benchmarking = std::env::args().skip(1).any(|a| a == "--bench");
    if !benchmarking {
        println!("benchmark skipped: run it with `cargo bench -p heymilo`");
    }
    !benchmarking
}

/// Whether to run the paired ratios after criterion's measurements: under
/// `cargo bench` without `--test` or `--list`, and only when criterion's name
/// filter, if one was given, is a substring of `name`.
pub fn ratio_wanted(name: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--list" || a == "--test") {
        return false;
    }
    let filter = args.iter().find(|a| !a.starts_with('-'));
    filter.is_none_or(|f| name.contains(f.as_str()))
}

/// The criterion settings every bench shares (1 s warm-up, 3 s measured), with
/// its own `sample_size`, then whatever the command line asks for.
pub fn criterion(sample_size: usize) -> criterion::Criterion {
    criterion::Criterion::default()
        .sample_size(sample_size)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}
