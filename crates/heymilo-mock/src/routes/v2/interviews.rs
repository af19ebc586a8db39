//! v2 interview results and metadata: everything known about one interview,
//! and the key-value labels on it (read, merge, clear).
//!
//! The metadata is the candidate's own map, the one `list_candidates` and
//! the webhooks show; HeyMilo's limits hold after every merge.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use heymilo_gen::v2::types as t;

use crate::http::error;
use crate::http::params::Body;
use crate::http::{Reply, Shared, json, params};
use crate::model::postings::resume_score;
use crate::model::store::{Candidate, Posting, Stage};
use crate::routes::views;

/// The interview data and metadata routes.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/api/v2/interviews/{interview_id}/data",
            get(get_interview_data),
        )
        .route(
            "/api/v2/interviews/{interview_id}/metadata",
            get(get_interview_metadata)
                .post(set_interview_metadata)
                .delete(delete_interview_metadata),
        )
}

/// `MM:SS` of an offset in seconds.
fn clock(secs: f64) -> String {
    let whole = secs.max(0.0) as u64;
    format!("{:02}:{:02}", whole / 60, whole % 60)
}

/// The web interview's results once the report is ready: a scorecard over
/// the posting's voice questions and a transcript of the exchange.
fn web_interview(p: Option<&Posting>, c: &Candidate) -> Option<t::WebInterviewResult> {
    if c.stage != Stage::ReportAvailable {
        return None;
    }
    let score = c.score.unwrap_or(0.0);
    let mut voice: Vec<&t::QuestionResponse> = p
        .map(|p| {
            p.questions
                .iter()
                .filter(|q| q.modality == "voice")
                .collect()
        })
        .unwrap_or_default();
    voice.sort_by_key(|q| q.rank.unwrap_or(i64::MAX));
    let mut transcript = Vec::new();
    let mut scorecard = Vec::new();
    for (i, q) in voice.iter().enumerate() {
        let at = 30.0 + 90.0 * i as f64;
        let asked = t::TranscriptEntry {
            speaker: "Interviewer".into(),
            text: q.text.clone(),
            timestamp: at,
            timestamp_str: clock(at),
        };
        let answered = t::TranscriptEntry {
            speaker: "Candidate".into(),
            text: "Let me walk you through a concrete example.".into(),
            timestamp: at + 8.0,
            timestamp_str: clock(at + 8.0),
        };
        transcript.extend([asked.clone(), answered.clone()]);
        // 1 to 10, around the overall score.
        let points = ((score / 10.0).round() as i64 + i as i64 % 2).clamp(1, 10);
        scorecard.push(t::ScorecardQuestion {
            question_id: q.id.clone(),
            question_text: q.text.clone(),
            score: points,
            score_weight: q.score_weight.unwrap_or(5),
            evaluation_summary: "Answered with a relevant, structured example.".into(),
            evaluation_criteria: q.evaluation_criteria.clone().unwrap_or_default(),
            score_1_description: q.score_of_1.clone(),
            score_5_description: q.score_of_5.clone(),
            not_scored: q.not_scored.unwrap_or(false),
            rank: i as i64 + 1,
            transcript: vec![asked, answered],
        });
    }
    Some(t::WebInterviewResult {
        object: "web_interview_result".into(),
        interview_id: c.interview_id.clone(),
        match_score: score.round() as i64,
        highlights: vec!["Clear communication".into()],
        lowlights: vec!["Few concrete metrics".into()],
        scorecard,
        speech_score: Some((score / 20.0 * 10.0).round() / 10.0),
        transcript,
        audio_recording_url: None,
        video_recording_url: None,
        tags: Vec::new(),
    })
}

/// The v2 interview data of a candidate.
fn interview_data(p: Option<&Posting>, c: &Candidate) -> t::InterviewDataResponse {
    let has = |kind: &str| p.is_some_and(|p| p.has_step(kind));
    let started = c.stage != Stage::Pending;
    let status = match c.stage {
        // Until the candidate is through, the results are not ready.
        Stage::Pending | Stage::InProgress => "not_ready",
        other => other.status(),
    };
    t::InterviewDataResponse {
        object: "interview_data".into(),
        interview_id: c.interview_id.clone(),
        candidate_id: Some(c.candidate_id.clone()),
        posting_id: c.posting_id.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        score: c.score,
        status: status.into(),
        workflow: Some(views::candidate_workflow(p, c)),
        web_interview: if has("web_interview") {
            web_interview(p, c)
        } else {
            None
        },
        resume: (has("resume") && started).then(|| t::ResumeResult {
            object: "resume_result".into(),
            interview_id: c.interview_id.clone(),
            overall_score: Some(resume_score(&c.interview_id)),
            is_eligible: Some(true),
            score_criteria: Vec::new(),
            eligibility_criteria: Vec::new(),
            resume_url: None,
        }),
        sms: (has("conversational_sms") && started).then(|| t::SmsResult {
            object: "sms_result".into(),
            interview_id: c.interview_id.clone(),
            confidence: 0.9,
            is_eligible: true,
            criteria: Vec::new(),
            messages_sent: Some(4),
            messages_received: Some(3),
            transcript: Vec::new(),
        }),
        form: (has("form") && started).then(|| t::FormResult {
            object: "form_result".into(),
            interview_id: c.interview_id.clone(),
            overall_status: "passed".into(),
            questions: Vec::new(),
        }),
        cheat_detection: None,
        metadata: Some(c.metadata.clone()),
        data: Some(c.data.clone()),
    }
}

fn metadata(m: &HashMap<String, String>) -> Response {
    json(
        200,
        &t::SingleResponseMetadataResponse {
            data: t::MetadataResponse {
                object: "metadata".into(),
                metadata: m.clone(),
            },
            meta: None,
        },
    )
}

async fn get_interview_data(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    let store = s.store();
    let Some(c) = store.candidate(&id) else {
        return Err(error::not_found("Interview"));
    };
    let data = interview_data(store.posting(&c.posting_id), c);
    Ok(json(
        200,
        &t::SingleResponseInterviewDataResponse { data, meta: None },
    ))
}

async fn get_interview_metadata(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    match s.store().candidate(&id) {
        Some(c) => Ok(metadata(&c.metadata)),
        None => Err(error::not_found("Interview")),
    }
}

async fn set_interview_metadata(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Body(req, _): Body<t::MetadataRequest>,
) -> Reply {
    params::metadata_limits(&["body", "metadata"], &req.metadata)?;
    let mut store = s.store();
    let c = store
        .candidate(&id)
        .ok_or_else(|| error::not_found("Interview"))?;
    let mut merged = c.metadata.clone();
    merged.extend(req.metadata);
    // The limits hold for what is stored, not only for what is sent.
    if merged.len() > params::MAX_METADATA_KEYS {
        return Err(error::validation(
            &["body", "metadata"],
            &format!(
                "the interview would have {} metadata keys; at most {} are allowed",
                merged.len(),
                params::MAX_METADATA_KEYS
            ),
            "value_error",
        ));
    }
    let c = store.set_labels(&id, merged)?;
    Ok(metadata(&c.metadata))
}

async fn delete_interview_metadata(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    let mut store = s.store();
    let c = store.set_labels(&id, HashMap::new())?;
    Ok(metadata(&c.metadata))
}
