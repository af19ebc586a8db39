//! v1 (legacy) routes, at the root.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use heymilo_gen::v1::types as t;
use serde_json::json;

use crate::store::{Candidate, MAX_CANDIDATES, MAX_EXPORTS, MAX_WEBHOOKS, Store, Webhook};
use crate::{Shared, errors, json, params};

/// Most candidates in one bulk request.
const MAX_BULK: usize = 1_000;

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/health", get(health))
        .route("/postings", get(list_postings))
        .route("/interview/{interview_id}", get(get_interview))
        .route("/interviews/{posting_id}", get(list_interviews))
        .route("/interviews/export/json", get(export_interviews))
        .route("/create", post(create_webhook))
        .route("/fetch/{webhook_id}", get(get_webhook))
        .route("/all", get(list_webhooks))
        .route("/deactivate/{webhook_id}", post(deactivate_webhook))
        .route("/ingest/x/{url_key}", post(ingest_candidate))
        .route("/ingest/x/bulk/{url_key}", post(ingest_candidates_bulk))
}

/// `/health` is shared by both generations; the generated clients send
/// `api-version`, which tells which answer shape the caller expects.
async fn health(headers: HeaderMap) -> Response {
    if crate::v2::wants_v1(&headers) {
        json(
            200,
            &t::Health {
                message: Some("API Gateway is healthy".into()),
                status: 200,
            },
        )
    } else {
        json(200, &json!({"status": "ok"}))
    }
}

fn page_of<T: Clone>(items: &[T], page: i64, limit: i64) -> (Vec<T>, i64) {
    let total = items.len() as i64;
    let total_pages = (total + limit - 1) / limit;
    // Saturating: a page number near i64::MAX is valid input, just past the end.
    let start = (page - 1).saturating_mul(limit).min(total) as usize;
    let end = start.saturating_add(limit as usize).min(items.len());
    (items[start..end].to_vec(), total_pages)
}

/// v1's `page` (from 1) and `limit` (1..=100, default 10).
fn page_params(q: &HashMap<String, String>) -> Result<(i64, i64), Response> {
    Ok((
        params::int(q, "page", 1, 1, i64::MAX)?,
        params::int(q, "limit", 10, 1, 100)?,
    ))
}

async fn list_postings(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, limit) = match page_params(&q) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let store = s.store();
    let all: Vec<t::Posting> = store.postings.iter().map(posting).collect();
    let (postings, total_pages) = page_of(&all, page, limit);
    json(
        200,
        &t::PostingList {
            postings,
            total: all.len() as i64,
            page,
            limit,
            total_pages,
        },
    )
}

/// The v1 view of a posting: the same object v2 serves.
fn posting(p: &crate::store::Posting) -> t::Posting {
    let st = &p.settings;
    t::Posting {
        posting_id: p.id.clone(),
        title: Some(p.title.clone()),
        name: p.name.clone(),
        description: Some(p.description.clone()),
        company_id: Some(crate::store::COMPANY_ID.into()),
        created_at: Some(p.created_at),
        last_updated: Some(p.updated_at),
        archived: Some(p.status == crate::store::PostingStatus::Archived),
        deadline: st.deadline,
        finalized: Some(p.finalized),
        phone_number_id: st.phone_number_id.clone(),
        root_level_configs: Some(t::RootLevelConfigs {
            instructions: st.instructions.clone(),
            company_overview: st.company_overview.clone(),
            job_overview: st.job_overview.clone(),
            interview_process_overview: st.interview_process_overview.clone(),
            language: st.language.clone(),
            interviewer_name: st.interviewer_name.clone(),
        }),
        agentic_workflow: Some(
            p.workflow
                .iter()
                .map(|w| t::AgenticWorkflowStep {
                    type_: Some(w.kind.clone()),
                    unique_id: Some(w.id.clone()),
                    config: Some(w.config.clone()),
                })
                .collect(),
        ),
    }
}

/// The 422 for a posting that takes no candidates, if it does not.
fn closed(store: &Store, posting_id: &str) -> Option<Response> {
    let now = store.now();
    let why = store.posting(posting_id)?.closed(now)?;
    Some(errors::validation(&["path", "url_key"], why, "value_error"))
}

pub(crate) fn interview(s: &crate::AppState, store: &Store, c: &Candidate) -> t::Interview {
    let title = store.posting(&c.posting_id).map(|p| p.title.clone());
    let obj = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
    t::Interview {
        interview_id: c.interview_id.clone(),
        details: Some(obj(
            json!({"name": c.name, "email": c.email, "phone_number": c.phone,
                            "metadata": c.metadata, "status": c.stage.status(), "created_at": c.created_at,
                            "interview_link": interview_link(s, c)}),
        )),
        workflow: Some(obj(
            json!({"status": c.stage.status(), "interviewed_at": c.interviewed_at}),
        )),
        agentic_data: Some(obj(json!({"web_interview": {"score": c.score}}))),
        company_name: Some("Acme".into()),
        company_image: None,
        posting_title: title,
        posting_interview_type: Some("web".into()),
        posting_id: Some(c.posting_id.clone()),
    }
}

pub(crate) fn interview_link(s: &crate::AppState, c: &Candidate) -> String {
    format!("{}/_mock/i/{}", s.base_url, c.interview_id)
}

async fn get_interview(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    let store = s.store();
    match store.candidate(&id) {
        Some(c) => json(200, &interview(&s, &store, c)),
        None => errors::not_found("Interview"),
    }
}

async fn list_interviews(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, limit) = match page_params(&q) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let store = s.store();
    let Some(p) = store.posting(&posting_id) else {
        return errors::not_found("Posting");
    };
    let all = store.candidates.get(&p.id).cloned().unwrap_or_default();
    let (items, total_pages) = page_of(&all, page, limit);
    let candidates = items.iter().map(|c| interview(&s, &store, c)).collect();
    json(
        200,
        &t::InterviewList {
            candidates,
            total: all.len() as i64,
            page,
            limit,
            total_pages,
        },
    )
}

async fn export_interviews(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let posting_id = match params::required(&q, "posting_id") {
        Ok(p) => p,
        Err(e) => return e,
    };
    let mut store = s.store();
    let Some(p) = store.posting(posting_id).map(|p| p.id.clone()) else {
        return errors::not_found("Posting");
    };
    let all: Vec<t::Interview> = store
        .candidates
        .get(&p)
        .into_iter()
        .flatten()
        .map(|c| interview(&s, &store, c))
        .collect();
    let file = serde_json::to_vec(&all).unwrap_or_default();
    let job_id = format!("exp_{}", store.hex(12).to_lowercase());
    if store.exports.len() >= MAX_EXPORTS {
        store.exports.remove(0);
    }
    store.exports.push((job_id.clone(), file));
    let file_url = Some(format!("{}/_mock/exports/{job_id}.json", s.base_url));
    json(
        200,
        &t::ExportJob {
            job_id,
            status: Some("success".into()),
            file_url,
        },
    )
}

pub(crate) fn webhook_v1(w: &Webhook) -> t::Webhook {
    t::Webhook {
        webhook_id: w.id.clone(),
        posting_id: Some(w.posting_id.clone()),
        url: Some(w.url.clone()),
        webhook_url: None,
        event_type: Some(w.event_type.clone()),
        http_method: Some(w.http_method.clone()),
        is_active: Some(w.active),
        created_at: Some(w.created_at),
        updated_at: Some(w.updated_at),
    }
}

/// Stores a webhook after the checks both generations share.
pub(crate) fn add_webhook(
    s: &crate::AppState,
    posting_id: &str,
    url: &str,
    event_type: &str,
    http_method: &str,
    url_loc: &[&str],
) -> Result<Webhook, Response> {
    if !(url.starts_with("http://") || url.starts_with("https://"))
        || reqwest::Url::parse(url).is_err()
    {
        return Err(errors::validation(
            url_loc,
            "Input should be a valid URL",
            "url_parsing",
        ));
    }
    let mut store = s.store();
    if store.posting(posting_id).is_none() {
        return Err(errors::not_found("Posting"));
    }
    if store.webhooks.len() >= MAX_WEBHOOKS {
        return Err(errors::validation(
            &["body"],
            &format!("at most {MAX_WEBHOOKS} webhooks may exist"),
            "value_error",
        ));
    }
    let now = store.tick();
    let hook = Webhook {
        id: store.hex(32),
        posting_id: posting_id.to_owned(),
        url: url.to_owned(),
        event_type: event_type.to_owned(),
        http_method: http_method.to_owned(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    store.webhooks.push(hook.clone());
    Ok(hook)
}

async fn create_webhook(State(s): State<Shared>, body: Bytes) -> Response {
    let req: t::CreateWebhookRequest = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let method = req
        .http_method
        .map(|m| m.to_string())
        .unwrap_or_else(|| "post".to_owned());
    match add_webhook(
        &s,
        &req.posting_id,
        &req.url,
        &req.event_type.to_string(),
        &method,
        &["body", "url"],
    ) {
        Ok(hook) => json(200, &webhook_v1(&hook)),
        Err(e) => e,
    }
}

async fn get_webhook(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    match s.store().webhooks.iter().find(|w| w.id == id) {
        Some(w) => json(200, &webhook_v1(w)),
        None => errors::not_found("Webhook"),
    }
}

async fn list_webhooks(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let store = s.store();
    let hooks: Vec<t::Webhook> = store
        .webhooks
        .iter()
        .filter(|w| q.get("posting_id").is_none_or(|p| &w.posting_id == p))
        .filter(|w| q.get("event_type").is_none_or(|e| &w.event_type == e))
        .map(webhook_v1)
        .collect();
    json(200, &hooks)
}

async fn deactivate_webhook(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    let mut store = s.store();
    let now = store.tick();
    match store.webhooks.iter_mut().find(|w| w.id == id) {
        Some(w) => {
            if w.active {
                w.active = false;
                w.updated_at = now;
            }
            json(200, &webhook_v1(w))
        }
        None => errors::not_found("Webhook"),
    }
}

/// The server's `retake` when a request leaves it out.
const DEFAULT_RETAKE: bool = false;

/// `retake` may be left out but not sent as `null`.
fn retake_not_null(body: &[u8]) -> Result<(), Response> {
    params::body_object(body).and_then(|raw| params::not_null(&["body"], &raw, &["retake"]))
}

/// Ingests one candidate into a posting: with `retake` false an existing
/// interview of the same email is returned, with `retake` true a new one is made.
pub(crate) fn ingest_one(
    store: &mut Store,
    posting_id: &str,
    c: &t::IngestCandidate,
    retake: bool,
) -> Result<Candidate, Response> {
    if !retake && let Some(existing) = store.existing(posting_id, &c.email) {
        return Ok(existing.clone());
    }
    ingest_one_new(store, posting_id, c)
}

/// Always stores a new interview (bounded by [`MAX_CANDIDATES`]).
pub(crate) fn ingest_one_new(
    store: &mut Store,
    posting_id: &str,
    c: &t::IngestCandidate,
) -> Result<Candidate, Response> {
    if store.candidate_count >= MAX_CANDIDATES {
        return Err(errors::validation(
            &["body"],
            &format!("the mock holds at most {MAX_CANDIDATES} candidates"),
            "value_error",
        ));
    }
    let new = store.new_candidate(
        posting_id,
        c.name.clone(),
        c.email.clone(),
        c.phone_number.clone(),
        c.metadata.clone().unwrap_or_default(),
        c.data.clone().unwrap_or_default(),
    );
    store.push_candidate(new.clone());
    Ok(new)
}

fn ingest_response(
    s: &crate::AppState,
    store: &mut Store,
    done: &[Candidate],
    bulk: bool,
) -> Response {
    let message = if bulk {
        "Bulk candidate ingestion initiated"
    } else {
        "Candidate ingestion initiated"
    };
    let ingestion_id = format!("ing_{}", store.hex(12).to_lowercase());
    let interview_details = done
        .iter()
        .map(|c| t::InterviewLink {
            interview_id: Some(c.interview_id.clone()),
            interview_link: Some(interview_link(s, c)),
        })
        .collect();
    json(
        200,
        &t::IngestResponse {
            message: Some(message.into()),
            ingestion_id,
            interview_details,
        },
    )
}

async fn ingest_candidate(
    State(s): State<Shared>,
    Path(url_key): Path<String>,
    body: Bytes,
) -> Response {
    let req: t::IngestCandidateRequest = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = retake_not_null(&body) {
        return e;
    }
    if let Err(e) = params::candidate(
        &["body"],
        &req.email,
        req.phone_number.as_deref(),
        req.metadata.as_ref(),
    ) {
        return e;
    }
    let candidate = t::IngestCandidate {
        name: req.name,
        email: req.email,
        phone_number: req.phone_number,
        metadata: req.metadata,
        data: req.data,
    };
    let mut store = s.store();
    let Some(posting_id) = store.posting(&url_key).map(|p| p.id.clone()) else {
        return errors::not_found("Posting");
    };
    if let Some(e) = closed(&store, &posting_id) {
        return e;
    }
    match ingest_one(
        &mut store,
        &posting_id,
        &candidate,
        req.retake.unwrap_or(DEFAULT_RETAKE),
    ) {
        Ok(c) => ingest_response(&s, &mut store, &[c], false),
        Err(e) => e,
    }
}

async fn ingest_candidates_bulk(
    State(s): State<Shared>,
    Path(url_key): Path<String>,
    body: Bytes,
) -> Response {
    let req: t::BulkIngestRequest = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = retake_not_null(&body) {
        return e;
    }
    if req.candidates.is_empty() || req.candidates.len() > MAX_BULK {
        return errors::validation(
            &["body", "candidates"],
            &format!("between 1 and {MAX_BULK} candidates per request"),
            "value_error",
        );
    }
    for (i, c) in req.candidates.iter().enumerate() {
        let row = i.to_string();
        if let Err(e) = params::candidate(
            &["body", "candidates", &row],
            &c.email,
            c.phone_number.as_deref(),
            c.metadata.as_ref(),
        ) {
            return e;
        }
    }
    let mut store = s.store();
    let Some(posting_id) = store.posting(&url_key).map(|p| p.id.clone()) else {
        return errors::not_found("Posting");
    };
    if let Some(e) = closed(&store, &posting_id) {
        return e;
    }
    let mut done = Vec::with_capacity(req.candidates.len());
    for c in &req.candidates {
        match ingest_one(
            &mut store,
            &posting_id,
            c,
            req.retake.unwrap_or(DEFAULT_RETAKE),
        ) {
            Ok(c) => done.push(c),
            Err(e) => return e,
        }
    }
    ingest_response(&s, &mut store, &done, true)
}

#[cfg(test)]
mod tests {
    use super::page_of;

    #[test]
    fn pages_past_the_end_are_empty_even_for_huge_numbers() {
        let items = [1, 2, 3, 4, 5];
        assert_eq!(page_of(&items, 2, 2), (vec![3, 4], 3));
        assert_eq!(page_of(&items, 3, 2), (vec![5], 3));
        assert_eq!(page_of(&items, 4, 2), (vec![], 3));
        assert_eq!(page_of(&items, i64::MAX, 100), (vec![], 1));
        assert_eq!(page_of::<i32>(&[], 1, 10), (vec![], 0));
    }
}
