//! The workspace's applicant tracking systems (v2): its connections, a
//! candidate search, and pushes of candidates through a small in-memory
//! queue whose items settle shortly after they are queued.
//!
//! Each connected ATS holds candidate records (a few seeded from the
//! store's candidates); a push creates a record, or updates the one named by
//! `candidate.ats_candidate_id` and fails when that record does not exist.
//! Resolve and push work for Bullhorn and Avionte, as HeyMilo documents.

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use heymilo_gen::v2::types as t;

use crate::http::error::{self, ApiError};
use crate::http::pagination::page_meta;
use crate::http::params::Body;
use crate::http::{Reply, Shared, json, params};
use crate::model::ats::{AtsRecord, MAX_ATS_RECORDS, MAX_QUEUE, PUSH_ATS, PushItem, SETTLE_AFTER};
use crate::model::push::settle;
use crate::model::store::{RECORD_OVERHEAD, Store, json_size};

/// The ATS routes.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v2/ats/connections", get(list_ats_connections))
        .route(
            "/api/v2/ats/candidates/resolve",
            post(resolve_ats_candidate),
        )
        .route("/api/v2/ats/candidates/push", post(push_ats_candidate))
        .route(
            "/api/v2/ats/candidates/push/{item_id}",
            get(get_ats_push_status),
        )
}

/// The bytes a push is charged: the queue item and the record it may create.
fn push_size(req: &t::PushCandidateRequest) -> usize {
    2 * (json_size(req) + RECORD_OVERHEAD)
}

/// HeyMilo's 400 envelope.
fn bad_request(code: &str, message: &str, param: Option<&str>) -> ApiError {
    error::envelope(400, "invalid_request_error", code, message, param)
}

/// 400 unless `ats_name` is supported and connected.
fn check_ats(store: &Store, ats_name: &str) -> Result<String, ApiError> {
    let name = ats_name.to_ascii_lowercase();
    if !PUSH_ATS.contains(&name.as_str()) {
        return Err(bad_request(
            "unsupported_ats",
            "Only bullhorn and avionte are supported for now.",
            Some("ats_name"),
        ));
    }
    if !store.ats.connected(&name) {
        return Err(bad_request(
            "ats_not_connected",
            &format!("The workspace has no active {name} connection."),
            Some("ats_name"),
        ));
    }
    Ok(name)
}

async fn list_ats_connections(State(s): State<Shared>) -> Reply {
    let data = s.store().ats.connections.clone();
    let pagination = page_meta(false, data.len(), "/api/v2/ats/connections".into());
    Ok(json(
        200,
        &t::ListResponseAtsConnection { data, pagination },
    ))
}

fn matched(r: &AtsRecord, reason: &str) -> t::CandidateMatch {
    t::CandidateMatch {
        ats_candidate_id: Some(r.id.clone()),
        first_name: r.first_name.clone(),
        last_name: r.last_name.clone(),
        email: r.email.clone(),
        email2: None,
        email3: None,
        phone: r.phone.clone(),
        status: Some(r.status.clone()),
        match_reason: Some(reason.into()),
    }
}

async fn resolve_ats_candidate(
    State(s): State<Shared>,
    Body(req, _): Body<t::ResolveCandidateRequest>,
) -> Reply {
    params::uint_max(&["body", "limit"], req.limit, 100)?;
    let store = s.store();
    let ats_name = check_ats(&store, &req.ats_name)?;
    if req.email.is_none() && req.ats_candidate_id.is_none() {
        return Err(bad_request(
            "missing_search_key",
            "Give email or ats_candidate_id to look a candidate up.",
            Some("email"),
        ));
    }
    let limit = req.limit.map_or(10, std::num::NonZeroU64::get) as usize;
    let matches: Vec<t::CandidateMatch> = store
        .ats
        .records
        .iter()
        .filter(|r| r.ats_name == ats_name)
        .filter_map(|r| {
            if req.ats_candidate_id.as_deref() == Some(r.id.as_str()) {
                Some(matched(r, "ats_candidate_id"))
            } else if let (Some(want), Some(have)) = (&req.email, &r.email)
                && want.eq_ignore_ascii_case(have)
            {
                Some(matched(r, "email"))
            } else {
                None
            }
        })
        .take(limit)
        .collect();
    let data = t::ResolveCandidateResponse {
        success: true,
        status: (if matches.is_empty() {
            "not_found"
        } else {
            "found"
        })
        .into(),
        email: req.email,
        ats_candidate_id: req.ats_candidate_id,
        matches,
        error: None,
    };
    Ok(json(
        200,
        &t::SingleResponseResolveCandidateResponse { data, meta: None },
    ))
}

async fn push_ats_candidate(
    State(s): State<Shared>,
    Body(req, body): Body<t::PushCandidateRequest>,
) -> Reply {
    // `create_submission` may be left out (server default false) but not be null.
    params::not_null(
        &["body"],
        &params::body_object(&body)?,
        &["create_submission"],
    )?;
    let mut store = s.store();
    let ats_name = check_ats(&store, &req.ats_name)?;
    if let Some(pid) = &req.posting_id
        && store.posting(pid).is_none()
    {
        return Err(bad_request(
            "resource_not_found",
            "Posting not found.",
            Some("posting_id"),
        ));
    }
    if let Some(iid) = &req.interview_id {
        match store.candidate(iid) {
            None => {
                return Err(bad_request(
                    "resource_not_found",
                    "Interview not found.",
                    Some("interview_id"),
                ));
            }
            Some(c) if req.posting_id.as_ref().is_some_and(|p| *p != c.posting_id) => {
                return Err(bad_request(
                    "interview_posting_mismatch",
                    "The interview does not belong to that posting.",
                    Some("interview_id"),
                ));
            }
            Some(_) => {}
        }
    }
    let ats = &mut store.ats;
    let creating = ats
        .queue
        .iter()
        .filter(|i| i.status.status == "queued" && i.request.candidate.ats_candidate_id.is_none())
        .count();
    if req.candidate.ats_candidate_id.is_none() && ats.records.len() + creating >= MAX_ATS_RECORDS {
        return Err(error::validation(
            &["body", "candidate"],
            &format!("the mock's ATSs hold at most {MAX_ATS_RECORDS} records"),
            "value_error",
        ));
    }
    // The settled item that makes room, if the queue is full: chosen now,
    // dropped only once the push is sure to be stored.
    let evict = if ats.queue.len() >= MAX_QUEUE {
        match ats.queue.iter().position(|i| i.status.status != "queued") {
            Some(settled) => Some(settled),
            None => {
                return Err(error::validation(
                    &["body"],
                    &format!("the push queue holds at most {MAX_QUEUE} waiting items"),
                    "value_error",
                ));
            }
        }
    } else {
        None
    };
    let freed = evict.map_or(0, |i| push_size(&store.ats.queue[i].request) / 2);
    // Twice the request: the queue item, and the record it may create.
    let size = push_size(&req);
    store.room_for_bytes(size.saturating_sub(freed).saturating_add(store.reserved.1))?;
    if let Some(i) = evict {
        store.ats.queue.remove(i);
        store.release(freed);
    }
    store.charge(size)?;
    let now = store.tick();
    let item_id = format!("q_{}", store.hex(16).to_lowercase());
    let mut request = req;
    request.ats_name = ats_name;
    store.ats.queue.push(PushItem {
        status: t::QueueItemStatus {
            item_id: item_id.clone(),
            status: "queued".into(),
            event_type: Some("candidate_push".into()),
            retry_count: 0,
            failure_instances: Vec::new(),
            success_details: None,
            created_at: Some(now),
            updated_at: Some(now),
        },
        request,
    });
    drop(store);
    let state = s.clone();
    let id = item_id.clone();
    tokio::spawn(async move {
        tokio::time::sleep(SETTLE_AFTER).await;
        settle(&mut state.store(), &id);
    });
    Ok(json(
        200,
        &t::SingleResponseEnqueuePushResponse {
            data: t::EnqueuePushResponse {
                status: "queued".into(),
                item_id: Some(item_id),
                error: None,
            },
            meta: None,
        },
    ))
}

async fn get_ats_push_status(State(s): State<Shared>, Path(item_id): Path<String>) -> Reply {
    let store = s.store();
    match store.ats.queue.iter().find(|i| i.status.item_id == item_id) {
        Some(i) => Ok(json(
            200,
            &t::SingleResponseQueueItemStatus {
                data: i.status.clone(),
                meta: None,
            },
        )),
        // The operation documents 400, not 404, for an item it does not know.
        None => Err(bad_request(
            "unknown_queue_item",
            "Queue item not found.",
            Some("item_id"),
        )),
    }
}
