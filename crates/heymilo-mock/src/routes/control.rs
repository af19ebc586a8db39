//! Control routes under `/_mock/`, for tests and demos (no key, no faults,
//! no rate limit):
//!
//! | route | what it does |
//! |---|---|
//! | `POST /_mock/interviews/{id}/advance` `{"to": "started" \| "completed" \| "report_available"}` | moves an interview on and delivers the matching webhooks |
//! | `POST /_mock/postings/{id}` `{"max_retakes": n}` | sets a posting's retake allowance (v2) |
//! | `GET /_mock/faults`, `POST /_mock/faults` (a [`FaultRule`]), `DELETE /_mock/faults` | lists, adds, clears fault rules |
//! | `GET /_mock/deliveries` | the webhook deliveries made so far |
//! | `GET /_mock/stats` | counters: 429s answered, candidates held, store bytes and budget |
//! | `GET /_mock/ingestions`, `GET /_mock/ingestions/{id}` | accepted async ingestions and their outcome (`queued`, `completed` with the interview ids, or `failed` with the reason; a failed one stored nothing) |
//! | `GET /_mock/exports/{job_id}.json` | an export's file (the `file_url` of `export_interviews`) |
//! | `GET /_mock/i/{interview_id}` | the candidate's interview page (a stand-in) |
//! | `GET /_mock/p/{url_key}` | a posting's candidate page, its v2 `urls.candidate_url` (a stand-in) |

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::http::error::{self, ApiError};
use crate::http::faults::{FaultRule, MAX_RULES};
use crate::http::params::Body;
use crate::http::{Reply, Shared, json, params};
use crate::model::{lifecycle, postings};
use crate::routes::views;

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/interviews/{id}/advance", post(advance))
        .route("/postings/{id}", post(posting_settings))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/deliveries", get(deliveries))
        .route("/stats", get(stats))
        .route("/ingestions", get(ingestions))
        .route("/ingestions/{id}", get(ingestion))
        .route("/exports/{file}", get(export_file))
        .route("/i/{id}", get(interview_page))
        .route("/p/{key}", get(posting_page))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    to: String,
}

async fn advance(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Body(req, _): Body<Advance>,
) -> Reply {
    let Some((stage, event)) = lifecycle::step(&req.to) else {
        return Err(error::validation(
            &["body", "to"],
            "Input should be 'started', 'completed' or 'report_available'",
            "enum",
        ));
    };
    let mut store = s.store();
    let done = lifecycle::advance(&mut store, &id, stage, event)?;
    let view = views::candidate(
        &s,
        store.posting(&done.candidate.posting_id),
        &done.candidate,
    );
    drop(store);
    let count = done.hooks.len();
    s.hooks.fire(event, done.hooks, &done.candidate, done.at);
    Ok(json(
        200,
        &json!({"event_type": event, "webhooks": count, "candidate": view}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostingSettings {
    max_retakes: u32,
}

async fn posting_settings(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Body(req, _): Body<PostingSettings>,
) -> Reply {
    let retakes = Some(i64::from(req.max_retakes));
    params::int_range(&["body", "max_retakes"], retakes, 0, 5)?;
    let mut store = s.store();
    let (p, ()) = postings::edit(&mut store, &id, |p, now| {
        p.max_retakes = req.max_retakes;
        p.updated_at = now;
        Ok::<(), ApiError>(())
    })?;
    Ok(json(
        200,
        &json!({"posting_id": p.id, "max_retakes": p.max_retakes}),
    ))
}

async fn list_faults(State(s): State<Shared>) -> Response {
    json(200, &s.faults.list())
}

async fn add_fault(State(s): State<Shared>, Body(rule, _): Body<FaultRule>) -> Reply {
    if let Err(m) = rule.validate() {
        return Err(error::validation(&["body"], &m, "value_error"));
    }
    if !s.faults.add(rule) {
        return Err(error::validation(
            &["body"],
            &format!("at most {MAX_RULES} fault rules may be active"),
            "value_error",
        ));
    }
    Ok(json(201, &s.faults.list()))
}

async fn clear_faults(State(s): State<Shared>) -> Response {
    s.faults.set(Vec::new());
    json(200, &s.faults.list())
}

async fn deliveries(State(s): State<Shared>) -> Response {
    json(200, &s.hooks.log())
}

async fn stats(State(s): State<Shared>) -> Response {
    let store = s.store();
    json(
        200,
        &json!({
            "rate_limited": s.limiter.rejected(),
            "candidates": store.candidate_count,
            "store_bytes": store.bytes,
            "max_store_bytes": store.max_bytes,
        }),
    )
}

async fn ingestions(State(s): State<Shared>) -> Response {
    json(200, &s.store().ingestions.all())
}

async fn ingestion(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    let store = s.store();
    let entry = store
        .ingestions
        .get(&id)
        .ok_or_else(|| error::not_found("Ingestion"))?;
    Ok(json(200, entry))
}

async fn export_file(State(s): State<Shared>, Path(file): Path<String>) -> Reply {
    let job = file.strip_suffix(".json").unwrap_or(&file);
    let store = s.store();
    let (_, bytes) = store
        .exports
        .iter()
        .find(|(id, _)| id == job)
        .ok_or_else(|| {
            error::envelope(
                404,
                "invalid_request_error",
                "export_expired",
                "The export does not exist or has expired.",
                None,
            )
        })?;
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(axum::body::Body::from(bytes.clone()))
        .unwrap_or_default())
}

async fn interview_page(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    let store = s.store();
    let c = store
        .candidate(&id)
        .ok_or_else(|| error::not_found("Interview"))?;
    Ok(json(
        200,
        &json!({"interview_id": c.interview_id, "status": c.stage.status()}),
    ))
}

/// A posting's candidate page is named by its url key.
async fn posting_page(State(s): State<Shared>, Path(key): Path<String>) -> Reply {
    let store = s.store();
    let p = store.posting_by_key(&key)?;
    Ok(json(
        200,
        &json!({"posting_id": p.id, "title": p.title, "status": p.status_at(store.now())}),
    ))
}
