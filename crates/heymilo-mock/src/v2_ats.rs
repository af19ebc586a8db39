//! The workspace's applicant tracking systems (v2): its connections, a
//! candidate search, and pushes of candidates through a small in-memory
//! queue whose items settle shortly after they are queued.
//!
//! Each connected ATS holds candidate records (a few seeded from the
//! store's candidates); a push creates a record, or updates the one named by
//! `candidate.ats_candidate_id` and fails when that record does not exist.
//! Resolve and push work for Bullhorn and Avionte, as HeyMilo documents.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use heymilo_gen::v2::types as t;
use serde_json::{Map, Value, json};

use crate::store::{Store, object};
use crate::{Shared, errors, json, params, v2};

/// Most records across every connected ATS.
pub const MAX_ATS_RECORDS: usize = 10_000;
/// Most queue items kept; settled ones are dropped first.
pub const MAX_QUEUE: usize = 1_000;
/// How long a queued push waits before it settles.
const SETTLE_AFTER: Duration = Duration::from_millis(20);

/// The ATSs that resolve and push support.
const PUSH_ATS: &[&str] = &["bullhorn", "avionte"];

/// One candidate record in an ATS.
#[derive(Debug, Clone)]
pub(crate) struct AtsRecord {
    ats_name: String,
    id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    status: String,
    source: Option<String>,
}

/// One queued push.
#[derive(Debug, Clone)]
pub(crate) struct PushItem {
    status: t::QueueItemStatus,
    request: t::PushCandidateRequest,
}

/// The connections, their records and the push queue.
#[derive(Debug, Default)]
pub(crate) struct Ats {
    connections: Vec<t::AtsConnection>,
    records: Vec<AtsRecord>,
    queue: Vec<PushItem>,
}

impl Ats {
    /// Bullhorn (with three records made from the first posting's first
    /// candidates) and Workable, the ATS the last seeded posting (of two or
    /// more) was imported from.
    pub(crate) fn seeded(store: &mut Store) -> Ats {
        let mut ats = Ats::default();
        for (provider, source, display) in [
            ("bullhorn", "native", "Bullhorn (Acme US)"),
            ("workable", "kombo", "Workable"),
        ] {
            let created_at = store.tick();
            ats.connections.push(t::AtsConnection {
                integration_id: format!("int_{}", store.hex(10).to_lowercase()),
                ats_provider: provider.into(),
                source: source.into(),
                display_name: Some(display.into()),
                is_active: true,
                created_at: Some(created_at),
                updated_at: Some(created_at),
            });
        }
        let people: Vec<(String, String, Option<String>)> = store
            .postings
            .first()
            .and_then(|p| store.candidates.get(&p.id))
            .map(|cs| {
                cs.iter()
                    .take(3)
                    .map(|c| (c.name.clone(), c.email.clone(), c.phone.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for (name, email, phone) in people {
            let (first, last) = name.split_once(' ').unwrap_or((name.as_str(), ""));
            let id = record_id(store, ats.records.len(), "bullhorn");
            ats.records.push(AtsRecord {
                ats_name: "bullhorn".into(),
                id,
                first_name: Some(first.to_owned()),
                last_name: Some(last.to_owned()),
                email: Some(email),
                phone,
                status: "Active".into(),
                source: None,
            });
        }
        if store.postings.len() >= 2 {
            let integration = ats.connections.get(1).map(|c| c.integration_id.clone());
            let job = format!("WK-{}", store.hex(5));
            if let Some(p) = store.postings.last_mut() {
                p.ats_metadata = Some(object(json!({
                    "source": "job_sync",
                    "ats_name": "workable",
                    "ats_job_id": job,
                    "integration_id": integration,
                    "pending_activation": false,
                    "mapping_activated_at": p.created_at,
                    "mapping_activated_by": "api",
                })));
            }
        }
        ats
    }

    /// An active connection of this ATS exists.
    fn connected(&self, ats_name: &str) -> bool {
        self.connections
            .iter()
            .any(|c| c.is_active && c.ats_provider.eq_ignore_ascii_case(ats_name))
    }
}

/// The id of record number `n` in the style of the ATS (Bullhorn numbers,
/// Avionte `AV-` codes).
fn record_id(store: &mut Store, n: usize, ats_name: &str) -> String {
    let n = n.saturating_add(100_001);
    match ats_name {
        "avionte" => format!("AV-{n}-{}", store.hex(4)),
        _ => format!("{n}"),
    }
}

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

/// HeyMilo's 400 envelope.
fn bad_request(code: &str, message: &str, param: Option<&str>) -> Response {
    errors::envelope(400, "invalid_request_error", code, message, param)
}

/// 400 unless `ats_name` is supported and connected.
fn check_ats(store: &Store, ats_name: &str) -> Result<String, Response> {
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

async fn list_ats_connections(State(s): State<Shared>) -> Response {
    let data = s.store().ats.connections.clone();
    let pagination = v2::page_meta(false, data.len(), "/api/v2/ats/connections".into());
    json(200, &t::ListResponseAtsConnection { data, pagination })
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

async fn resolve_ats_candidate(State(s): State<Shared>, body: Bytes) -> Response {
    let req: t::ResolveCandidateRequest = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(e) = params::int_range(&["body", "limit"], req.limit, 1, 100) {
        return e;
    }
    let store = s.store();
    let ats_name = match check_ats(&store, &req.ats_name) {
        Ok(n) => n,
        Err(e) => return e,
    };
    if req.email.is_none() && req.ats_candidate_id.is_none() {
        return bad_request(
            "missing_search_key",
            "Give email or ats_candidate_id to look a candidate up.",
            Some("email"),
        );
    }
    let limit = req.limit.unwrap_or(10) as usize;
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
    json(
        200,
        &t::SingleResponseResolveCandidateResponse { data, meta: None },
    )
}

async fn push_ats_candidate(State(s): State<Shared>, body: Bytes) -> Response {
    let req: t::PushCandidateRequest = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    // `create_submission` may be left out (server default false) but not be null.
    if let Err(e) = params::body_object(&body)
        .and_then(|raw| params::not_null(&["body"], &raw, &["create_submission"]))
    {
        return e;
    }
    let mut store = s.store();
    let ats_name = match check_ats(&store, &req.ats_name) {
        Ok(n) => n,
        Err(e) => return e,
    };
    if let Some(pid) = &req.posting_id
        && store.posting(pid).is_none()
    {
        return bad_request(
            "resource_not_found",
            "Posting not found.",
            Some("posting_id"),
        );
    }
    if let Some(iid) = &req.interview_id {
        match store.candidate(iid) {
            None => {
                return bad_request(
                    "resource_not_found",
                    "Interview not found.",
                    Some("interview_id"),
                );
            }
            Some(c) if req.posting_id.as_ref().is_some_and(|p| *p != c.posting_id) => {
                return bad_request(
                    "interview_posting_mismatch",
                    "The interview does not belong to that posting.",
                    Some("interview_id"),
                );
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
        return errors::validation(
            &["body", "candidate"],
            &format!("the mock's ATSs hold at most {MAX_ATS_RECORDS} records"),
            "value_error",
        );
    }
    if ats.queue.len() >= MAX_QUEUE {
        match ats.queue.iter().position(|i| i.status.status != "queued") {
            Some(settled) => {
                ats.queue.remove(settled);
            }
            None => {
                return errors::validation(
                    &["body"],
                    &format!("the push queue holds at most {MAX_QUEUE} waiting items"),
                    "value_error",
                );
            }
        }
    }
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
    json(
        200,
        &t::SingleResponseEnqueuePushResponse {
            data: t::EnqueuePushResponse {
                status: "queued".into(),
                item_id: Some(item_id),
                error: None,
            },
            meta: None,
        },
    )
}

/// Carries a queued push out: creates or updates the ATS record.
fn settle(store: &mut Store, item_id: &str) {
    let Some(i) = store
        .ats
        .queue
        .iter()
        .position(|i| i.status.item_id == item_id)
    else {
        return;
    };
    if store.ats.queue[i].status.status != "queued" {
        return;
    }
    let now = store.tick();
    let req = store.ats.queue[i].request.clone();
    let c = &req.candidate;
    let outcome: Result<(String, &str), String> = match &c.ats_candidate_id {
        Some(id) => match store
            .ats
            .records
            .iter_mut()
            .find(|r| r.ats_name == req.ats_name && r.id == *id)
        {
            Some(r) => {
                let keep = |new: &Option<String>, old: &mut Option<String>| {
                    if new.is_some() {
                        old.clone_from(new);
                    }
                };
                keep(&c.first_name, &mut r.first_name);
                keep(&c.last_name, &mut r.last_name);
                keep(&c.email, &mut r.email);
                keep(&c.phone, &mut r.phone);
                if c.set_heymilo_source == Some(true) {
                    r.source = Some("HeyMilo".into());
                }
                Ok((r.id.clone(), "updated"))
            }
            None => Err(format!("{} has no candidate {id}", req.ats_name)),
        },
        None => {
            let n = store.ats.records.len();
            let id = record_id(store, n, &req.ats_name);
            store.ats.records.push(AtsRecord {
                ats_name: req.ats_name.clone(),
                id: id.clone(),
                first_name: c.first_name.clone(),
                last_name: c.last_name.clone(),
                email: c.email.clone(),
                phone: c.phone.clone(),
                status: "New Lead".into(),
                source: (c.set_heymilo_source == Some(true)).then(|| "HeyMilo".into()),
            });
            Ok((id, "created"))
        }
    };
    let submission = (req.create_submission == Some(true) && req.posting_id.is_some())
        .then(|| format!("sub_{}", store.hex(8).to_lowercase()));
    let Some(item) = store.ats.queue.get_mut(i) else {
        return;
    };
    item.status.updated_at = Some(now);
    match outcome {
        Ok((id, action)) => {
            let mut details: Map<String, Value> =
                object(json!({"ats_candidate_id": id, "action": action}));
            if let Some(sub) = submission {
                details.insert("submission_id".into(), json!(sub));
            }
            item.status.status = "completed".into();
            item.status.success_details = Some(details);
        }
        Err(why) => {
            item.status.status = "failed".into();
            item.status
                .failure_instances
                .push(object(json!({"error": why, "at": now})));
        }
    }
}

async fn get_ats_push_status(State(s): State<Shared>, Path(item_id): Path<String>) -> Response {
    let store = s.store();
    match store.ats.queue.iter().find(|i| i.status.item_id == item_id) {
        Some(i) => json(
            200,
            &t::SingleResponseQueueItemStatus {
                data: i.status.clone(),
                meta: None,
            },
        ),
        // The operation documents 400, not 404, for an item it does not know.
        None => bad_request(
            "unknown_queue_item",
            "Queue item not found.",
            Some("item_id"),
        ),
    }
}
