//! v2 questions and criteria of a posting: list, create, get, update,
//! delete and reorder, for every modality.
//!
//! Questions live on their posting ([`crate::store::Posting::questions`]);
//! each modality has its own ranks, from 1. A question keeps only the fields
//! of its modality; the others are null, as HeyMilo answers.

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use heymilo_gen::v2::types as t;
use serde_json::{Map, Value, json};

use crate::store::{MAX_QUESTIONS_PER_POSTING, Store};
use crate::{Shared, errors, json, params, v2};

/// The modalities, in the order lists show them.
pub(crate) const MODALITIES: &[&str] = &[
    "voice",
    "sms",
    "form",
    "resume_eligibility",
    "resume_scoring",
    "voice_tags",
];

/// The fields besides `text` that matter for each modality.
fn fields_of(modality: &str) -> &'static [&'static str] {
    match modality {
        "voice" => &[
            "evaluation_criteria",
            "score_of_1",
            "score_of_5",
            "score_weight",
            "not_scored",
            "question_type",
            "min_follow_ups",
            "max_follow_ups",
            "additional_instructions",
            "post_processing_evaluation_criteria",
            "structured_config",
        ],
        "sms" => &[
            "question_type",
            "expected_answer",
            "expected_value",
            "is_dealbreaker",
            "score_weight",
        ],
        "form" => &[
            "question_type",
            "answer",
            "is_knockout",
            "dropdown_values",
            "is_answer_mandated",
            "mcq_type",
            "operator",
            "file_types",
            "allow_multiple_files",
            "slider_min",
            "slider_max",
            "slider_step",
        ],
        "resume_eligibility" => &["score_weight"],
        "resume_scoring" => &[
            "evaluation_criteria",
            "score_of_1",
            "score_of_5",
            "score_weight",
        ],
        "voice_tags" => &["response_format", "instructions", "options"],
        _ => &[],
    }
}

/// The modalities a workflow step of `kind` carries.
pub(crate) fn modalities_of_step(kind: &str) -> &'static [&'static str] {
    match kind {
        "web_interview" => &["voice", "voice_tags"],
        "conversational_sms" => &["sms"],
        "resume" => &["resume_eligibility", "resume_scoring"],
        "form" => &["form"],
        _ => &[],
    }
}

/// The question routes of a posting.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/api/v2/postings/{posting_id}/questions",
            get(list_questions).post(create_question),
        )
        .route(
            "/api/v2/postings/{posting_id}/questions/reorder",
            post(reorder_questions),
        )
        .route(
            "/api/v2/postings/{posting_id}/questions/{question_id}",
            get(get_question)
                .patch(update_question)
                .delete(delete_question),
        )
}

/// What the server infers when the caller leaves `question_type` (and the
/// like) out: sms from the expected answer, form from the answer widgets.
fn infer(modality: &str, m: &mut Map<String, Value>) {
    let has = |m: &Map<String, Value>, k: &str| m.get(k).is_some_and(|v| !v.is_null());
    match modality {
        "voice" if !has(m, "question_type") => {
            let scored = has(m, "score_of_1") || has(m, "score_of_5");
            let kind = if scored { "scored" } else { "open-ended" };
            m.insert("question_type".into(), json!(kind));
        }
        "sms" if !has(m, "question_type") => {
            let kind = if has(m, "expected_value") {
                "NUMERIC"
            } else {
                "YES_NO"
            };
            m.insert("question_type".into(), json!(kind));
        }
        "form" => {
            if has(m, "dropdown_values") {
                m.insert("question_type".into(), json!("dropdown"));
                if !has(m, "mcq_type") {
                    m.insert("mcq_type".into(), json!("multiple"));
                }
            } else if has(m, "file_types") || has(m, "allow_multiple_files") {
                m.insert("question_type".into(), json!("file_upload"));
            } else if has(m, "slider_min") || has(m, "slider_max") {
                m.insert("question_type".into(), json!("slider"));
                if !has(m, "operator") {
                    m.insert("operator".into(), json!("minimum"));
                }
            } else if !has(m, "question_type") {
                m.insert("question_type".into(), json!("textarea"));
            }
        }
        _ => {}
    }
}

/// The next rank of `modality` among `questions`.
fn next_rank(questions: &[t::QuestionResponse], modality: &str) -> i64 {
    questions
        .iter()
        .filter(|q| q.modality == modality)
        .filter_map(|q| q.rank)
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

/// Builds a question of posting `posting_id` from the fields of a create
/// request (as JSON), keeping those of its modality. Not stored.
pub(crate) fn build(
    store: &mut Store,
    posting_id: &str,
    modality: &str,
    text: &str,
    fields: &Map<String, Value>,
    rank: i64,
) -> Result<t::QuestionResponse, Response> {
    let now = store.tick();
    let id = store.fresh_hex(8, |st, id| {
        st.postings
            .iter()
            .any(|p| p.questions.iter().any(|q| q.id == id))
    });
    let keep = fields_of(modality);
    let mut m: Map<String, Value> = fields
        .iter()
        .filter(|(k, v)| keep.contains(&k.as_str()) && !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    infer(modality, &mut m);
    for (k, v) in [
        ("object", json!("question")),
        ("id", json!(id)),
        ("posting_id", json!(posting_id)),
        ("modality", json!(modality)),
        ("text", json!(text)),
        ("rank", json!(rank)),
        ("created_at", json!(now)),
        ("updated_at", json!(now)),
    ] {
        m.insert(k.into(), v);
    }
    serde_json::from_value(Value::Object(m))
        .map_err(|e| errors::validation(&["body"], &e.to_string(), "value_error"))
}

/// Checks a question given inline with a workflow step of `kind`.
pub(crate) fn check_inline(
    loc: &[&str],
    kind: &str,
    q: &t::CreateQuestion,
) -> Result<(), Response> {
    let at = |f: &'static str| loc.iter().copied().chain([f]).collect::<Vec<_>>();
    if !modalities_of_step(kind).contains(&q.modality.as_str()) {
        return Err(errors::validation(
            &at("modality"),
            &format!(
                "a {kind} step takes questions of modality {}",
                modalities_of_step(kind).join(" or ")
            ),
            "value_error",
        ));
    }
    params::int_range(&at("score_weight"), q.score_weight, 0, 5)?;
    params::int_range(&at("min_follow_ups"), q.min_follow_ups, 0, 5)?;
    params::int_range(&at("max_follow_ups"), q.max_follow_ups, 0, 10)
}

/// The bounds `CreateQuestionRequest` and `UpdateQuestionRequest` share.
fn check_bounds(
    score_weight: Option<std::num::NonZeroU64>,
    min_follow_ups: Option<i64>,
    max_follow_ups: Option<i64>,
) -> Result<(), Response> {
    params::uint_max(&["body", "score_weight"], score_weight, 10)?;
    params::int_range(&["body", "min_follow_ups"], min_follow_ups, 0, i64::MAX)?;
    params::int_range(&["body", "max_follow_ups"], max_follow_ups, 0, i64::MAX)
}

/// Seeds three interview questions in every posting, and two eligibility
/// criteria in those that screen resumes.
pub(crate) fn seed(store: &mut Store) {
    const VOICE: &[(&str, &str)] = &[
        (
            "Tell me about a project you are proud of.",
            "Clear ownership and measurable outcome.",
        ),
        (
            "What is the hardest bug you have fixed?",
            "Systematic debugging and a lasting fix.",
        ),
        (
            "Why do you want this role?",
            "Motivation that fits the role.",
        ),
    ];
    const RESUME: &[&str] = &[
        "Two or more years of relevant experience.",
        "Legally allowed to work in the country of the role.",
    ];
    for i in 0..store.postings.len() {
        let pid = store.postings[i].id.clone();
        let mut made = Vec::new();
        for (rank, (text, criteria)) in VOICE.iter().enumerate() {
            let fields = crate::store::object(
                json!({"evaluation_criteria": criteria, "score_weight": 5, "max_follow_ups": 2}),
            );
            made.extend(build(store, &pid, "voice", text, &fields, rank as i64 + 1).ok());
        }
        if store.postings[i].has_step("resume") {
            for (rank, text) in RESUME.iter().enumerate() {
                let fields = crate::store::object(json!({"score_weight": 3}));
                made.extend(
                    build(
                        store,
                        &pid,
                        "resume_eligibility",
                        text,
                        &fields,
                        rank as i64 + 1,
                    )
                    .ok(),
                );
            }
        }
        store.postings[i].questions = made;
    }
}

/// A modality query or body value, checked against the known ones.
fn modality_param(q: &HashMap<String, String>) -> Result<Option<&str>, Response> {
    match q.get("modality") {
        None => Ok(None),
        Some(m) if MODALITIES.contains(&m.as_str()) => Ok(Some(m.as_str())),
        Some(_) => Err(errors::validation(
            &["query", "modality"],
            "Input should be 'voice', 'sms', 'form', 'resume_eligibility', 'resume_scoring' or 'voice_tags'",
            "enum",
        )),
    }
}

/// A posting's questions in display order: by modality, then rank.
fn ordered(questions: &[t::QuestionResponse], modality: Option<&str>) -> Vec<t::QuestionResponse> {
    let mut out: Vec<t::QuestionResponse> = questions
        .iter()
        .filter(|q| modality.is_none_or(|m| q.modality == m))
        .cloned()
        .collect();
    let position = |m: &str| {
        MODALITIES
            .iter()
            .position(|x| *x == m)
            .unwrap_or(usize::MAX)
    };
    out.sort_by_key(|q| (position(&q.modality), q.rank.unwrap_or(i64::MAX)));
    out
}

fn single(q: t::QuestionResponse, status: u16) -> Response {
    json(
        status,
        &t::SingleResponseQuestionResponse {
            data: q,
            meta: None,
        },
    )
}

async fn list_questions(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let modality = match modality_param(&q) {
        Ok(m) => m,
        Err(e) => return e,
    };
    if let Err(e) = params::int(&q, "limit", 20, 1, 100) {
        return e;
    }
    let store = s.store();
    let Some(p) = store.posting(&posting_id) else {
        return errors::not_found("Posting");
    };
    let all = ordered(&p.questions, modality);
    let url = format!("/api/v2/postings/{}/questions", p.id);
    match v2::paginate(&all, |q| q.id.as_str(), &q, &url) {
        Ok((data, pagination)) => json(200, &t::ListResponseQuestionResponse { data, pagination }),
        Err(e) => e,
    }
}

async fn create_question(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    body: Bytes,
) -> Response {
    let req: t::CreateQuestionRequest = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let raw = match params::body_object(&body) {
        Ok(m) => m,
        Err(e) => return e,
    };
    if let Err(e) = params::enum_not_null(&["body"], &raw, &["response_format"]) {
        return e;
    }
    if let Err(e) = check_bounds(req.score_weight, req.min_follow_ups, req.max_follow_ups) {
        return e;
    }
    let fields = crate::store::object(serde_json::to_value(&req).unwrap_or_default());
    let modality = req.modality.to_string();
    let mut store = s.store();
    let Some((pid, count, rank)) = store.posting(&posting_id).map(|p| {
        (
            p.id.clone(),
            p.questions.len(),
            next_rank(&p.questions, &modality),
        )
    }) else {
        return errors::not_found("Posting");
    };
    if count >= MAX_QUESTIONS_PER_POSTING {
        return errors::validation(
            &["body"],
            &format!("a posting holds at most {MAX_QUESTIONS_PER_POSTING} questions"),
            "value_error",
        );
    }
    let question = match build(&mut store, &pid, &modality, &req.text, &fields, rank) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let now = store.now();
    if let Some(p) = store.posting_mut(&pid) {
        p.questions.push(question.clone());
        p.updated_at = now;
    }
    single(question, 201)
}

async fn get_question(
    State(s): State<Shared>,
    Path((posting_id, question_id)): Path<(String, String)>,
) -> Response {
    let store = s.store();
    let Some(p) = store.posting(&posting_id) else {
        return errors::not_found("Posting");
    };
    match p.questions.iter().find(|q| q.id == question_id) {
        Some(q) => single(q.clone(), 200),
        None => errors::not_found("Question"),
    }
}

async fn update_question(
    State(s): State<Shared>,
    Path((posting_id, question_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let req: t::UpdateQuestionRequest = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let raw = match params::body_object(&body) {
        Ok(m) => m,
        Err(e) => return e,
    };
    if let Err(e) = params::enum_not_null(&["body"], &raw, &["response_format"]) {
        return e;
    }
    if let Err(e) = check_bounds(req.score_weight, req.min_follow_ups, req.max_follow_ups) {
        return e;
    }
    let typed = crate::store::object(serde_json::to_value(&req).unwrap_or_default());
    let mut store = s.store();
    let now = store.tick();
    let Some(p) = store.posting_mut(&posting_id) else {
        return errors::not_found("Posting");
    };
    let Some(q) = p.questions.iter_mut().find(|q| q.id == question_id) else {
        return errors::not_found("Question");
    };
    let mut current = crate::store::object(serde_json::to_value(&*q).unwrap_or_default());
    let keep = fields_of(&q.modality);
    for (k, sent) in &raw {
        if k == "text" {
            // `text` is never null on a question: a null leaves it as it is.
            if let Some(v) = typed.get("text") {
                current.insert(k.clone(), v.clone());
            }
            continue;
        }
        if !keep.contains(&k.as_str()) {
            continue;
        }
        match typed.get(k) {
            Some(v) => {
                current.insert(k.clone(), v.clone());
            }
            None if sent.is_null() => {
                current.remove(k);
            }
            None => {}
        }
    }
    current.insert("updated_at".into(), json!(now));
    let modality = q.modality.clone();
    infer(&modality, &mut current);
    match serde_json::from_value::<t::QuestionResponse>(Value::Object(current)) {
        Ok(updated) => {
            *q = updated.clone();
            p.updated_at = now;
            single(updated, 200)
        }
        Err(e) => errors::validation(&["body"], &e.to_string(), "value_error"),
    }
}

async fn delete_question(
    State(s): State<Shared>,
    Path((posting_id, question_id)): Path<(String, String)>,
) -> Response {
    let mut store = s.store();
    let now = store.tick();
    let Some(p) = store.posting_mut(&posting_id) else {
        return errors::not_found("Posting");
    };
    let Some(pos) = p.questions.iter().position(|q| q.id == question_id) else {
        return errors::not_found("Question");
    };
    let mut gone = p.questions.remove(pos);
    gone.updated_at = Some(now);
    // The remaining questions of the modality close the gap.
    let mut rest: Vec<&mut t::QuestionResponse> = p
        .questions
        .iter_mut()
        .filter(|q| q.modality == gone.modality)
        .collect();
    rest.sort_by_key(|q| q.rank.unwrap_or(i64::MAX));
    for (i, q) in rest.into_iter().enumerate() {
        q.rank = Some(i as i64 + 1);
    }
    p.updated_at = now;
    single(gone, 200)
}

async fn reorder_questions(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    body: Bytes,
) -> Response {
    let req: t::ReorderQuestionsRequest = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let modality = req.modality.to_string();
    let mut store = s.store();
    let now = store.tick();
    let Some(p) = store.posting_mut(&posting_id) else {
        return errors::not_found("Posting");
    };
    let active: HashSet<&str> = p
        .questions
        .iter()
        .filter(|q| q.modality == modality)
        .map(|q| q.id.as_str())
        .collect();
    let named: HashSet<&str> = req.order.iter().map(String::as_str).collect();
    if named.len() != req.order.len() || named != active {
        return errors::validation(
            &["body", "order"],
            &format!("order has to name every active {modality} question exactly once"),
            "value_error",
        );
    }
    for q in p.questions.iter_mut().filter(|q| q.modality == modality) {
        let rank = req.order.iter().position(|id| *id == q.id).unwrap_or(0);
        q.rank = Some(rank as i64 + 1);
        q.updated_at = Some(now);
    }
    p.updated_at = now;
    let data = ordered(&p.questions, Some(&modality));
    let url = format!("/api/v2/postings/{}/questions", p.id);
    json(
        200,
        &t::ListResponseQuestionResponse {
            pagination: v2::page_meta(false, data.len(), url),
            data,
        },
    )
}
