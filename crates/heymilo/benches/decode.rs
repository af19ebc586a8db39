//! Decoding one 100-candidate v2 `list_candidates` page (135 KB of
//! JSON, every field present): the generated
//! `heymilo_gen::v2::types::ListResponseCandidateResponse` against bare
//! `serde_json` into the hand-written structs below, which have the same
//! fields and types and nothing else (no defaults functions, no builders).
//!
//! Goal: generated / hand-written ≤ 1.1. Run:
//! `cargo bench -p heymilo --bench decode`; quote the `RATIO` line.

mod common;

use std::collections::HashMap;
use std::hint::black_box;

use criterion::Throughput;
use heymilo_gen::v2::types::ListResponseCandidateResponse;
use serde::Deserialize;

/// Decodes per side in one round of the paired measurement.
const DECODES_PER_ROUND: u32 = 50;

type Object = serde_json::Map<String, serde_json::Value>;

#[derive(Deserialize)]
#[allow(dead_code)]
struct Page {
    data: Vec<Candidate>,
    pagination: Pagination,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Pagination {
    has_more: bool,
    total_count: Option<i64>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Candidate {
    agent_summary: Option<AgentSummary>,
    candidate_id: Option<String>,
    created_at: Option<f64>,
    data: Option<Object>,
    #[serde(default)]
    dismissed: bool,
    email: String,
    interview_id: String,
    interview_url: Option<String>,
    interviewed_at: Option<f64>,
    metadata: Option<HashMap<String, String>>,
    name: String,
    #[serde(default)]
    object: String,
    posting_id: String,
    score: Option<f64>,
    #[serde(default)]
    shortlisted: bool,
    status: String,
    workflow: Option<Workflow>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct AgentSummary {
    form: Option<FormSummary>,
    resume: Option<ResumeSummary>,
    sms: Option<SmsSummary>,
    web_interview: Option<WebInterviewSummary>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct FormSummary {
    is_complete: Option<bool>,
    is_eligible: Option<bool>,
    questions_answered: Option<i64>,
    total_questions: Option<i64>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ResumeSummary {
    is_eligible: Option<bool>,
    resume_link: Option<String>,
    resume_score: Option<f64>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct SmsSummary {
    #[serde(default)]
    criteria_failed: Vec<String>,
    #[serde(default)]
    criteria_passed: Vec<String>,
    is_eligible: Option<bool>,
    messages_sent: Option<i64>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct WebInterviewSummary {
    audio_recording_link: Option<String>,
    #[serde(default)]
    highlights: Vec<String>,
    score: Option<f64>,
    video_recording_link: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Workflow {
    all_complete: bool,
    last_activity_at: Option<f64>,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Step {
    completed: bool,
    #[serde(default)]
    knocked_out: bool,
    last_updated_at: Option<f64>,
    order: i64,
    started: bool,
    status: String,
    step_id: String,
}

fn generated(body: &[u8]) -> ListResponseCandidateResponse {
    serde_json::from_slice(body).expect("generated decode")
}

fn hand_written(body: &[u8]) -> Page {
    serde_json::from_slice(body).expect("hand-written decode")
}

fn main() {
    if common::not_benchmarking() {
        return;
    }
    let body = common::page_body("13D77095", 0, 100, 1_000).into_bytes();
    // Both read every candidate, and the body is what the generated type
    // would write back (no field of it is unknown to the spec).
    let page = generated(&body);
    assert_eq!(page.data.len(), 100);
    assert!(
        page.data
            .iter()
            .all(|c| c.workflow.is_some() && c.agent_summary.is_some())
    );
    assert_eq!(hand_written(&body).data.len(), 100);
    let round_trip: serde_json::Value =
        serde_json::from_slice(&serde_json::to_vec(&page).expect("encode")).expect("json");
    let original: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(round_trip, original);

    let mut c = common::criterion(20);
    {
        let mut group = c.benchmark_group("decode_100");
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("hand_written", |b| {
            b.iter(|| black_box(hand_written(black_box(&body))))
        });
        group.bench_function("generated", |b| {
            b.iter(|| black_box(generated(black_box(&body))))
        });
        group.finish();
    }
    c.final_summary();

    if common::ratio_wanted("decode_100") {
        let r = common::paired_ratio(
            61,
            || {
                common::time_n(DECODES_PER_ROUND, || {
                    black_box(hand_written(black_box(&body)));
                })
            },
            || {
                common::time_n(DECODES_PER_ROUND, || {
                    black_box(generated(black_box(&body)));
                })
            },
        );
        println!("page: {} bytes, 100 candidates", body.len());
        common::report("decode_100", "generated", "hand_written", "<= 1.1", r);
    }
}
