//! v2 routes, under `/api/v2`: candidates, ingestion, webhooks and posting
//! summaries here; the other concerns in the `v2_*` modules, merged by
//! [`routes`].

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use heymilo_gen::v2::types as t;

use crate::store::{Candidate, Posting, Stage, Store, Webhook};
use crate::{Shared, errors, json, params, v1};

/// Most candidates in one bulk request.
const MAX_BULK: usize = 1_000;

/// Every v2 route.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .merge(crate::v2_postings::routes())
        .merge(crate::v2_interviews::routes())
        .merge(crate::v2_questions::routes())
        .merge(crate::v2_catalog::routes())
        .merge(crate::v2_ats::routes())
        .route("/api/v2/postings/list", get(list_posting_summaries))
        .route(
            "/api/v2/postings/{posting_id}/candidates",
            get(list_candidates).post(|s, p, b| ingest(s, p, b, Mode::Single)),
        )
        .route(
            "/api/v2/postings/{posting_id}/candidates/bulk",
            axum::routing::post(|s, p, b| ingest(s, p, b, Mode::Bulk)),
        )
        .route(
            "/api/v2/postings/{posting_id}/candidates/async",
            axum::routing::post(|s, p, b| ingest(s, p, b, Mode::Async)),
        )
        .route(
            "/api/v2/postings/{posting_id}/candidates/bulk/async",
            axum::routing::post(|s, p, b| ingest(s, p, b, Mode::BulkAsync)),
        )
        .route("/api/v2/webhooks", get(list_webhooks).post(create_webhook))
        .route(
            "/api/v2/webhooks/{webhook_id}",
            get(get_webhook).delete(delete_webhook),
        )
}

/// The generated v1 client says `api-version: 1.x`.
pub(crate) fn wants_v1(headers: &HeaderMap) -> bool {
    headers
        .get("api-version")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with('1'))
}

/// Routes v2 serves without a key: its `/health` (v1's needs one) and the
/// schema registries.
pub(crate) fn is_public(path: &str, headers: &HeaderMap) -> bool {
    (path == "/health" && !wants_v1(headers))
        || path == "/api/v2/schemas/agents"
        || path == "/api/v2/schemas/question-types"
}

/// A candidate's progress through the posting's workflow: nothing started
/// while pending, the last step under way while in progress, all done after.
pub(crate) fn candidate_workflow(p: Option<&Posting>, c: &Candidate) -> t::CandidateWorkflow {
    let done = matches!(c.stage, Stage::Completed | Stage::ReportAvailable);
    let started = c.stage != Stage::Pending;
    let steps: Vec<(String, usize)> = match p {
        Some(p) if !p.workflow.is_empty() => p
            .workflow
            .iter()
            .enumerate()
            .map(|(i, w)| (w.id.clone(), i))
            .collect(),
        _ => vec![("agent_vi_001".to_owned(), 0)],
    };
    let last = steps.len().saturating_sub(1);
    let steps = steps
        .into_iter()
        .map(|(step_id, i)| {
            let (started, completed) = match (done, started) {
                (true, _) => (true, true),
                (false, true) => (true, i < last),
                _ => (false, false),
            };
            let status = match (started, completed) {
                (_, true) => "completed",
                (true, false) => "in_progress",
                _ => "not_started",
            };
            t::WorkflowStepStatus {
                step_id,
                order: i as i64 + 1,
                status: status.into(),
                started,
                completed,
                knocked_out: false,
                last_updated_at: if started { c.interviewed_at } else { None },
            }
        })
        .collect();
    t::CandidateWorkflow {
        steps,
        all_complete: done,
        last_activity_at: c.interviewed_at,
    }
}

/// The v2 view of a candidate; `p` is its posting (for the workflow steps).
pub(crate) fn candidate(
    s: &crate::AppState,
    p: Option<&Posting>,
    c: &Candidate,
) -> t::CandidateResponse {
    t::CandidateResponse {
        object: "candidate".into(),
        interview_id: c.interview_id.clone(),
        candidate_id: Some(c.candidate_id.clone()),
        posting_id: c.posting_id.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        score: c.score,
        status: c.stage.status().into(),
        interview_url: Some(v1::interview_link(s, c)),
        workflow: Some(candidate_workflow(p, c)),
        agent_summary: None,
        shortlisted: false,
        dismissed: false,
        metadata: Some(c.metadata.clone()),
        data: Some(c.data.clone()),
        interviewed_at: c.interviewed_at,
        created_at: Some(c.created_at),
    }
}

/// Where a cursor-paginated list stands.
pub(crate) fn page_meta(has_more: bool, total: usize, url: String) -> t::PaginationMeta {
    t::PaginationMeta {
        has_more,
        total_count: Some(total as i64),
        url: Some(url),
    }
}

/// The items after `cursor` when given; `Err` when the cursor is unknown.
pub(crate) fn cursor_page<'a, T>(
    items: &'a [T],
    id: impl Fn(&T) -> &str,
    cursor: Option<&String>,
    limit: usize,
) -> Result<(&'a [T], bool), Response> {
    let start = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(c) => match items.iter().position(|i| id(i) == c.as_str()) {
            Some(p) => p + 1,
            // 422 is documented on every list: the cursor is a parameter that failed validation.
            None => {
                return Err(errors::validation(
                    &["query", "starting_after"],
                    "starting_after does not name an item of this list",
                    "value_error",
                ));
            }
        },
    };
    let end = start.saturating_add(limit).min(items.len());
    Ok((&items[start..end], end < items.len()))
}

/// One page of `all` as the query asks (`limit` from 1 to 100, default 20,
/// and the `starting_after` cursor), with its pagination block.
pub(crate) fn paginate<T: Clone>(
    all: &[T],
    id: impl Fn(&T) -> &str,
    q: &HashMap<String, String>,
    url: &str,
) -> Result<(Vec<T>, t::PaginationMeta), Response> {
    let limit = params::int(q, "limit", 20, 1, 100)? as usize;
    let (page, has_more) = cursor_page(all, id, q.get("starting_after"), limit)?;
    Ok((
        page.to_vec(),
        page_meta(has_more, all.len(), url.to_owned()),
    ))
}

/// `search`: keeps the items whose name contains it, ignoring case.
pub(crate) fn matches_search(q: &HashMap<String, String>, name: &str) -> bool {
    q.get("search")
        .is_none_or(|s| name.to_lowercase().contains(&s.to_lowercase()))
}

async fn list_candidates(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let limit = match params::int(&q, "limit", 20, 1, 100) {
        Ok(l) => l as usize,
        Err(e) => return e,
    };
    let (after, before) = match (
        params::instant(&q, "created_after"),
        params::instant(&q, "created_before"),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if let (Some(a), Some(b)) = (after, before)
        && b < a
    {
        return errors::envelope(
            400,
            "invalid_request_error",
            "invalid_date_range",
            "created_before must not be earlier than created_after.",
            Some("created_before"),
        );
    }
    let store = s.store();
    let Some(p) = store.posting(&posting_id) else {
        return errors::not_found("Posting");
    };
    // Newest first: new candidates land before every cursor, so pages stay stable.
    let all: Vec<&Candidate> = store
        .candidates
        .get(&p.id)
        .into_iter()
        .flatten()
        .rev()
        .filter(|c| {
            after.is_none_or(|a| c.created_at >= a) && before.is_none_or(|b| c.created_at <= b)
        })
        .collect();
    let (page, has_more) = match cursor_page(
        &all,
        |c| c.interview_id.as_str(),
        q.get("starting_after"),
        limit,
    ) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let data = page.iter().map(|c| candidate(&s, Some(p), c)).collect();
    let url = format!("/api/v2/postings/{}/candidates", p.id);
    json(
        200,
        &t::ListResponseCandidateResponse {
            data,
            pagination: page_meta(has_more, all.len(), url),
        },
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Single,
    Bulk,
    Async,
    BulkAsync,
}

/// v2 keeps one interview per candidate and posting; a repeat ingest makes a
/// new one only while the posting's `max_retakes` allows, else returns it.
fn ingest_v2(
    store: &mut Store,
    posting_id: &str,
    max_retakes: u32,
    c: &t::CandidateIngestRequest,
) -> Result<Candidate, Response> {
    let existing = store.existing(posting_id, &c.email).cloned();
    if let Some(e) = &existing
        && e.retakes >= max_retakes
    {
        return Ok(e.clone());
    }
    let v1c = heymilo_gen::v1::types::IngestCandidate {
        name: c.name.clone(),
        email: c.email.clone(),
        phone_number: c.phone_number.clone(),
        metadata: c.metadata.clone(),
        data: c.data.clone(),
    };
    let mut new = v1::ingest_one_new(store, posting_id, &v1c)?;
    if let Some(e) = existing {
        new.retakes = e.retakes + 1;
        if let Some(stored) = store.candidate_mut(&new.interview_id) {
            stored.retakes = new.retakes;
        }
    }
    Ok(new)
}

async fn ingest(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    body: Bytes,
    mode: Mode,
) -> Response {
    let rows: Vec<t::CandidateIngestRequest> = if matches!(mode, Mode::Single | Mode::Async) {
        match params::body::<t::CandidateIngestRequest>(&body) {
            Ok(r) => vec![r],
            Err(e) => return e,
        }
    } else {
        match params::body::<t::BulkCandidateIngestRequest>(&body) {
            Ok(r) if (1..=MAX_BULK).contains(&r.data.len()) => r.data,
            Ok(_) => {
                return errors::validation(
                    &["body", "data"],
                    &format!("between 1 and {MAX_BULK} candidates per request"),
                    "value_error",
                );
            }
            Err(e) => return e,
        }
    };
    for (i, c) in rows.iter().enumerate() {
        let row = i.to_string();
        let loc: Vec<&str> = if rows.len() == 1 && matches!(mode, Mode::Single | Mode::Async) {
            vec!["body"]
        } else {
            vec!["body", "data", &row]
        };
        if let Err(e) = params::candidate(
            &loc,
            &c.email,
            c.phone_number.as_deref(),
            c.metadata.as_ref(),
        ) {
            return e;
        }
    }
    let mut store = s.store();
    let now = store.now();
    let Some((pid, max_retakes, closed)) = store
        .posting(&posting_id)
        .map(|p| (p.id.clone(), p.max_retakes, p.closed(now)))
    else {
        return errors::not_found("Posting");
    };
    if let Some(why) = closed {
        return errors::validation(&["path", "posting_id"], why, "value_error");
    }
    if matches!(mode, Mode::Async | Mode::BulkAsync) {
        let ingestion_id = format!("intake_{}", store.hex(12).to_lowercase());
        drop(store);
        let state = s.clone();
        // Accepted now, processed shortly after, as HeyMilo's queue does.
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let mut store = state.store();
            for c in &rows {
                let _ = ingest_v2(&mut store, &pid, max_retakes, c);
            }
        });
        let ack = t::AsyncIngestResponse {
            object: "ingestion".into(),
            ingestion_id,
            status: "queued".into(),
        };
        return json(
            202,
            &t::SingleResponseAsyncIngestResponse {
                data: ack,
                meta: None,
            },
        );
    }
    let mut done = Vec::with_capacity(rows.len());
    for c in &rows {
        match ingest_v2(&mut store, &pid, max_retakes, c) {
            Ok(c) => done.push(c),
            Err(e) => return e,
        }
    }
    if mode == Mode::Single {
        let c = &done[0];
        let data = t::IngestCandidateResponse {
            object: "candidate".into(),
            interview_id: c.interview_id.clone(),
            interview_url: v1::interview_link(&s, c),
            posting_id: c.posting_id.clone(),
            candidate: Some(candidate(&s, store.posting(&pid), c)),
        };
        return json(
            201,
            &t::SingleResponseIngestCandidateResponse { data, meta: None },
        );
    }
    let data = done
        .iter()
        .map(|c| t::BulkIngestCandidateResponseItem {
            object: "candidate".into(),
            interview_id: c.interview_id.clone(),
            interview_url: v1::interview_link(&s, c),
            metadata: Some(c.metadata.clone()),
        })
        .collect();
    json(
        201,
        &t::SingleResponseListBulkIngestCandidateResponseItem { data, meta: None },
    )
}

fn webhook(w: &Webhook) -> t::WebhookResponse {
    t::WebhookResponse {
        object: "webhook".into(),
        webhook_id: w.id.clone(),
        posting_id: w.posting_id.clone(),
        webhook_url: w.url.clone(),
        event_type: w.event_type.clone(),
        is_active: w.active,
        created_at: w.created_at,
        updated_at: w.updated_at,
    }
}

async fn create_webhook(State(s): State<Shared>, body: Bytes) -> Response {
    let req: t::CreateWebhookRequest = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    match v1::add_webhook(
        &s,
        &req.posting_id,
        &req.webhook_url,
        &req.event_type,
        "post",
        &["body", "webhook_url"],
    ) {
        Ok(hook) => json(
            201,
            &t::SingleResponseWebhookResponse {
                data: webhook(&hook),
                meta: None,
            },
        ),
        Err(e) => e,
    }
}

async fn list_webhooks(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let limit = match params::int(&q, "limit", 20, 1, 100) {
        Ok(l) => l as usize,
        Err(e) => return e,
    };
    let store = s.store();
    let all: Vec<&Webhook> = store.webhooks.iter().rev().collect();
    let (page, has_more) =
        match cursor_page(&all, |w| w.id.as_str(), q.get("starting_after"), limit) {
            Ok(x) => x,
            Err(e) => return e,
        };
    let data = page.iter().map(|w| webhook(w)).collect();
    json(
        200,
        &t::ListResponseWebhookResponse {
            data,
            pagination: page_meta(has_more, all.len(), "/api/v2/webhooks".into()),
        },
    )
}

async fn get_webhook(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    match s.store().webhooks.iter().find(|w| w.id == id) {
        Some(w) => json(
            200,
            &t::SingleResponseWebhookResponse {
                data: webhook(w),
                meta: None,
            },
        ),
        None => errors::not_found("Webhook"),
    }
}

async fn delete_webhook(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    let mut store = s.store();
    let now = store.tick();
    let Some(pos) = store.webhooks.iter().position(|w| w.id == id) else {
        return errors::not_found("Webhook");
    };
    let mut hook = store.webhooks.remove(pos);
    hook.active = false;
    hook.updated_at = now;
    json(
        200,
        &t::SingleResponseWebhookResponse {
            data: webhook(&hook),
            meta: None,
        },
    )
}

async fn list_posting_summaries(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let limit = match params::int(&q, "limit", 20, 1, 100) {
        Ok(l) => l as usize,
        Err(e) => return e,
    };
    let store = s.store();
    let all: Vec<&crate::store::Posting> = store
        .postings
        .iter()
        .rev()
        .filter(|p| matches_search(&q, &p.title))
        .collect();
    let (page, has_more) =
        match cursor_page(&all, |p| p.id.as_str(), q.get("starting_after"), limit) {
            Ok(x) => x,
            Err(e) => return e,
        };
    let data = page
        .iter()
        .map(|p| t::PostingSummary {
            object: "posting_summary".into(),
            id: p.id.clone(),
            title: p.title.clone(),
            name: p.name.clone(),
        })
        .collect();
    json(
        200,
        &t::ListResponsePostingSummary {
            data,
            pagination: page_meta(has_more, all.len(), "/api/v2/postings/list".into()),
        },
    )
}
