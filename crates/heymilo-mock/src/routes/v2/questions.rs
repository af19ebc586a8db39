//! v2 questions and criteria of a posting: list, create, get, update,
//! delete and reorder, for every modality.
//!
//! Questions live on their posting ([`crate::model::store::Posting::questions`]);
//! each modality has its own ranks, from 1. A question keeps only the fields
//! of its modality; the others are null, as HeyMilo answers.

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use heymilo_gen::v2::types as t;
use serde_json::{Value, json};

use crate::http::error::{self, ApiError};
use crate::http::params::Body;
use crate::http::{Reply, Shared, json, pagination, params};
use crate::model::postings;
use crate::model::questions::{MODALITIES, build, fields_of, infer, modalities_of_step, next_rank};
use crate::model::store::{MAX_QUESTIONS_PER_POSTING, Posting, object};

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

/// Checks a question given inline with a workflow step of `kind`.
pub(crate) fn check_inline(
    loc: &[&str],
    kind: &str,
    q: &t::CreateQuestion,
) -> Result<(), ApiError> {
    let at = |f: &'static str| loc.iter().copied().chain([f]).collect::<Vec<_>>();
    if !modalities_of_step(kind).contains(&q.modality.as_str()) {
        return Err(error::validation(
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

/// A request body as JSON.
type Object = serde_json::Map<String, Value>;

/// The checks `CreateQuestionRequest` and `UpdateQuestionRequest` share
/// (`bounds`: score weight, min and max follow-ups); then the keys sent and
/// the typed request, as JSON objects.
fn checked(
    body: &[u8],
    req: &impl serde::Serialize,
    bounds: (Option<std::num::NonZeroU64>, Option<i64>, Option<i64>),
) -> Result<(Object, Object), ApiError> {
    let raw = params::body_object(body)?;
    params::enum_not_null(&["body"], &raw, &["response_format"])?;
    params::uint_max(&["body", "score_weight"], bounds.0, 10)?;
    params::int_range(&["body", "min_follow_ups"], bounds.1, 0, i64::MAX)?;
    params::int_range(&["body", "max_follow_ups"], bounds.2, 0, i64::MAX)?;
    Ok((raw, object(serde_json::to_value(req).unwrap_or_default())))
}

/// A modality query or body value, checked against the known ones.
fn modality_param(q: &HashMap<String, String>) -> Result<Option<&str>, ApiError> {
    match q.get("modality") {
        None => Ok(None),
        Some(m) if MODALITIES.contains(&m.as_str()) => Ok(Some(m.as_str())),
        Some(_) => Err(error::validation(
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

/// Changes the questions of posting `posting_id` with `f` (given the store's
/// clock), on a copy: a refusal (or the byte budget) leaves the posting as it was.
fn edit_questions(
    s: &Shared,
    posting_id: &str,
    f: impl FnOnce(&mut Posting, f64) -> Reply,
) -> Reply {
    let (_, answer) = postings::edit(&mut s.store(), posting_id, |p, now| {
        let answer = f(p, now)?;
        p.updated_at = now;
        Ok::<_, ApiError>(answer)
    })?;
    Ok(answer)
}

async fn list_questions(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let modality = modality_param(&q)?;
    params::int(&q, "limit", 20, 1, 100)?;
    let store = s.store();
    let p = store.posting_by_id(&posting_id)?;
    let all = ordered(&p.questions, modality);
    let url = format!("/api/v2/postings/{}/questions", p.id);
    match pagination::paginate(&all, |q| q.id.as_str(), &q, &url) {
        Ok((data, pagination)) => Ok(json(
            200,
            &t::ListResponseQuestionResponse { data, pagination },
        )),
        Err(e) => Err(e),
    }
}

async fn create_question(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    Body(req, body): Body<t::CreateQuestionRequest>,
) -> Reply {
    let bounds = (req.score_weight, req.min_follow_ups, req.max_follow_ups);
    let (_, fields) = checked(&body, &req, bounds)?;
    let modality = req.modality.to_string();
    let mut store = s.store();
    let p = store.posting_by_id(&posting_id)?;
    let (pid, count, rank) = (
        p.id.clone(),
        p.questions.len(),
        next_rank(&p.questions, &modality),
    );
    if count >= MAX_QUESTIONS_PER_POSTING {
        return Err(error::validation(
            &["body"],
            &format!("a posting holds at most {MAX_QUESTIONS_PER_POSTING} questions"),
            "value_error",
        ));
    }
    let question = build(&mut store, &pid, &modality, &req.text, &fields, rank)?;
    let now = store.now();
    postings::update(&mut store, &pid, |p| {
        p.questions.push(question.clone());
        p.updated_at = now;
        Ok::<(), ApiError>(())
    })?;
    Ok(single(question, 201))
}

async fn get_question(
    State(s): State<Shared>,
    Path((posting_id, question_id)): Path<(String, String)>,
) -> Reply {
    let store = s.store();
    let p = store.posting_by_id(&posting_id)?;
    match p.questions.iter().find(|q| q.id == question_id) {
        Some(q) => Ok(single(q.clone(), 200)),
        None => Err(error::not_found("Question")),
    }
}

async fn update_question(
    State(s): State<Shared>,
    Path((posting_id, question_id)): Path<(String, String)>,
    Body(req, body): Body<t::UpdateQuestionRequest>,
) -> Reply {
    let bounds = (req.score_weight, req.min_follow_ups, req.max_follow_ups);
    let (raw, typed) = checked(&body, &req, bounds)?;
    edit_questions(&s, &posting_id, |p, now| {
        let Some(q) = p.questions.iter_mut().find(|q| q.id == question_id) else {
            return Err(error::not_found("Question"));
        };
        let mut current = object(serde_json::to_value(&*q).unwrap_or_default());
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
        let updated = serde_json::from_value::<t::QuestionResponse>(Value::Object(current))
            .map_err(|e| error::validation(&["body"], &e.to_string(), "value_error"))?;
        *q = updated.clone();
        Ok(single(updated, 200))
    })
}

async fn delete_question(
    State(s): State<Shared>,
    Path((posting_id, question_id)): Path<(String, String)>,
) -> Reply {
    edit_questions(&s, &posting_id, |p, now| {
        let Some(pos) = p.questions.iter().position(|q| q.id == question_id) else {
            return Err(error::not_found("Question"));
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
        Ok(single(gone, 200))
    })
}

async fn reorder_questions(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    Body(req, _): Body<t::ReorderQuestionsRequest>,
) -> Reply {
    let modality = req.modality.to_string();
    edit_questions(&s, &posting_id, |p, now| {
        let active: HashSet<&str> = p
            .questions
            .iter()
            .filter(|q| q.modality == modality)
            .map(|q| q.id.as_str())
            .collect();
        let named: HashSet<&str> = req.order.iter().map(String::as_str).collect();
        if named.len() != req.order.len() || named != active {
            return Err(error::validation(
                &["body", "order"],
                &format!("order has to name every active {modality} question exactly once"),
                "value_error",
            ));
        }
        for q in p.questions.iter_mut().filter(|q| q.modality == modality) {
            let rank = req.order.iter().position(|id| *id == q.id).unwrap_or(0);
            q.rank = Some(rank as i64 + 1);
            q.updated_at = Some(now);
        }
        let data = ordered(&p.questions, Some(&modality));
        let url = format!("/api/v2/postings/{}/questions", p.id);
        Ok(json(
            200,
            &t::ListResponseQuestionResponse {
                pagination: pagination::page_meta(false, data.len(), url),
                data,
            },
        ))
    })
}
