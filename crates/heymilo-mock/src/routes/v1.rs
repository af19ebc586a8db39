//! v1 (legacy) routes, at the root of the one-port server and of v1's own
//! port. Postings, interviews and exports are named by posting id; ingestion
//! by the posting's url key.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use heymilo_gen::v1::types as t;
use serde_json::json;

use crate::http::auth::{Host, wants_v1};
use crate::http::error::{ApiError, not_found, validation};
use crate::http::pagination::{page_of, v1_params};
use crate::http::params::Body;
use crate::http::{Reply, Shared, json, params};
use crate::model::ingest::{self, MAX_BULK, NewCandidate, Retakes};
use crate::model::store::{COMPANY_ID, Candidate, Posting, PostingStatus, Store};
use crate::model::webhooks::{self, subscribe};
use crate::routes::views::{interview, interview_link, webhook_v1};

/// Every v1 route; `host` decides what `/health` answers.
pub(crate) fn routes(host: Host) -> Router<Shared> {
    Router::new()
        .route("/health", get(move |h| health(host, h)))
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

/// On v1's own port `/health` is v1's. On the one-port server both
/// generations share it; the generated v1 client sends `api-version: 1.x`,
/// which picks v1's answer.
async fn health(host: Host, headers: HeaderMap) -> Response {
    if host == Host::V1 || wants_v1(&headers) {
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

async fn list_postings(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Reply {
    let (page, limit) = v1_params(&q)?;
    let store = s.store();
    let (items, total_pages) = page_of(&store.postings, page, limit);
    Ok(json(
        200,
        &t::PostingList {
            postings: items.iter().map(posting).collect(),
            total: store.postings.len() as i64,
            page,
            limit,
            total_pages,
        },
    ))
}

/// The v1 view of a posting: the same object v2 serves.
fn posting(p: &Posting) -> t::Posting {
    let st = &p.settings;
    t::Posting {
        posting_id: p.id.clone(),
        title: Some(p.title.clone()),
        name: p.name.clone(),
        description: Some(p.description.clone()),
        company_id: Some(COMPANY_ID.into()),
        created_at: Some(p.created_at),
        last_updated: Some(p.updated_at),
        archived: Some(p.status == PostingStatus::Archived),
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

async fn get_interview(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    let store = s.store();
    let c = store.candidate(&id).ok_or_else(|| not_found("Interview"))?;
    Ok(json(200, &interview(&s, &store, c)))
}

/// One page of a posting's interviews: only the page is rendered (no copy
/// of the posting's other candidates).
async fn list_interviews(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let (page, limit) = v1_params(&q)?;
    let store = s.store();
    let p = store.posting_by_id(&posting_id)?;
    let all: &[Candidate] = store.candidates.get(&p.id).map_or(&[], Vec::as_slice);
    let (items, total_pages) = page_of(all, page, limit);
    let candidates = items.iter().map(|c| interview(&s, &store, c)).collect();
    Ok(json(
        200,
        &t::InterviewList {
            candidates,
            total: all.len() as i64,
            page,
            limit,
            total_pages,
        },
    ))
}

async fn export_interviews(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let posting_id = params::required(&q, "posting_id")?;
    let mut store = s.store();
    let p = store.posting_by_id(posting_id)?.id.clone();
    let all: Vec<t::Interview> = store
        .candidates
        .get(&p)
        .into_iter()
        .flatten()
        .map(|c| interview(&s, &store, c))
        .collect();
    let file = serde_json::to_vec(&all).unwrap_or_default();
    let job_id = format!("exp_{}", store.hex(12).to_lowercase());
    store.add_export(job_id.clone(), file)?;
    let file_url = Some(format!("{}/_mock/exports/{job_id}.json", s.base_url));
    Ok(json(
        200,
        &t::ExportJob {
            job_id,
            status: Some("success".into()),
            file_url,
        },
    ))
}

async fn create_webhook(
    State(s): State<Shared>,
    Body(req, _): Body<t::CreateWebhookRequest>,
) -> Reply {
    params::webhook_url(&["body", "url"], &req.url)?;
    let method = req
        .http_method
        .map(|m| m.to_string())
        .unwrap_or_else(|| "post".to_owned());
    let hook = subscribe(
        &mut s.store(),
        &req.posting_id,
        &req.url,
        &req.event_type.to_string(),
        &method,
    )?;
    Ok(json(200, &webhook_v1(&hook)))
}

async fn get_webhook(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    let store = s.store();
    let w = &store.webhooks[webhooks::position(&store, &id)?];
    Ok(json(200, &webhook_v1(w)))
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

async fn deactivate_webhook(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    let w = webhooks::switch_off(&mut s.store(), &id, false)?;
    Ok(json(200, &webhook_v1(&w)))
}

/// A checked v1 row (the 422 names the field at `loc`).
fn row(loc: &[&str], c: t::IngestCandidate) -> Result<NewCandidate, ApiError> {
    params::candidate(
        loc,
        &c.email,
        c.phone_number.as_deref(),
        c.metadata.as_ref(),
    )?;
    Ok(NewCandidate {
        name: c.name,
        email: c.email,
        phone: c.phone_number,
        metadata: c.metadata.unwrap_or_default(),
        data: c.data.unwrap_or_default(),
    })
}

/// The server's `retake` when a request leaves it out.
const DEFAULT_RETAKE: bool = false;

/// `retake` may be left out but not sent as `null`.
fn retake_not_null(body: &[u8]) -> Result<(), ApiError> {
    params::not_null(&["body"], &params::body_object(body)?, &["retake"])
}

/// Ingests checked rows through a url key: all or nothing.
fn ingest_rows(
    s: &Shared,
    url_key: &str,
    rows: &[NewCandidate],
    retake: bool,
    bulk: bool,
) -> Reply {
    let mut store = s.store();
    let posting_id = store.posting_by_key(url_key)?.id.clone();
    ingest::check_open(&store, &posting_id, &["path", "url_key"])?;
    let done = ingest::ingest(&mut store, &posting_id, rows, Retakes::V1 { retake })?;
    Ok(ingest_response(s, &mut store, &done, bulk))
}

fn ingest_response(s: &Shared, store: &mut Store, done: &[Candidate], bulk: bool) -> Response {
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
    Body(req, body): Body<t::IngestCandidateRequest>,
) -> Reply {
    retake_not_null(&body)?;
    let candidate = t::IngestCandidate {
        name: req.name,
        email: req.email,
        phone_number: req.phone_number,
        metadata: req.metadata,
        data: req.data,
    };
    let rows = [row(&["body"], candidate)?];
    ingest_rows(
        &s,
        &url_key,
        &rows,
        req.retake.unwrap_or(DEFAULT_RETAKE),
        false,
    )
}

async fn ingest_candidates_bulk(
    State(s): State<Shared>,
    Path(url_key): Path<String>,
    Body(req, body): Body<t::BulkIngestRequest>,
) -> Reply {
    retake_not_null(&body)?;
    if req.candidates.is_empty() || req.candidates.len() > MAX_BULK {
        return Err(validation(
            &["body", "candidates"],
            &format!("between 1 and {MAX_BULK} candidates per request"),
            "value_error",
        ));
    }
    let rows = req
        .candidates
        .into_iter()
        .enumerate()
        .map(|(i, c)| row(&["body", "candidates", &i.to_string()], c))
        .collect::<Result<Vec<_>, _>>()?;
    ingest_rows(
        &s,
        &url_key,
        &rows,
        req.retake.unwrap_or(DEFAULT_RETAKE),
        true,
    )
}
