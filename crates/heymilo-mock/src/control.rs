//! Control routes under `/_mock/`, for tests and demos (no key, no faults,
//! no rate limit):
//!
//! | route | what it does |
//! |---|---|
//! | `POST /_mock/interviews/{id}/advance` `{"to": "started" \| "completed" \| "report_available"}` | moves an interview on and delivers the matching webhooks |
//! | `POST /_mock/postings/{id}` `{"max_retakes": n}` | sets a posting's retake allowance (v2) |
//! | `GET /_mock/faults`, `POST /_mock/faults` (a [`FaultRule`]), `DELETE /_mock/faults` | lists, adds, clears fault rules |
//! | `GET /_mock/deliveries` | the webhook deliveries made so far |
//! | `GET /_mock/stats` | counters: 429s answered, candidates held |
//! | `GET /_mock/exports/{job_id}.json` | an export's file (the `file_url` of `export_interviews`) |
//! | `GET /_mock/i/{interview_id}` | the candidate's interview page (a stand-in) |
//! | `GET /_mock/p/{url_key}` | a posting's candidate page, its v2 `urls.candidate_url` (a stand-in) |

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::faults::FaultRule;
use crate::store::Stage;
use crate::{Shared, errors, json, params, v2};

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
        .route("/exports/{file}", get(export_file))
        .route("/i/{id}", get(interview_page))
        .route("/p/{key}", get(posting_page))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    to: String,
}

async fn advance(State(s): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let req: Advance = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let (stage, event) = match req.to.as_str() {
        "started" => (Stage::InProgress, "interview_started"),
        "completed" => (Stage::Completed, "interview_completed"),
        "report_available" => (Stage::ReportAvailable, "report_available"),
        _ => {
            return errors::validation(
                &["body", "to"],
                "Input should be 'started', 'completed' or 'report_available'",
                "enum",
            );
        }
    };
    let mut store = s.store();
    let Some(c) = store.set_stage(&id, stage) else {
        return errors::not_found("Interview");
    };
    let at = store.tick();
    let hooks: Vec<_> = store
        .webhooks
        .iter()
        .filter(|w| w.active && w.posting_id == c.posting_id && w.event_type == event)
        .cloned()
        .collect();
    let view = v2::candidate(&s, store.posting(&c.posting_id), &c);
    drop(store);
    let count = hooks.len();
    s.hooks.fire(event, hooks, &c, at);
    json(
        200,
        &json!({"event_type": event, "webhooks": count, "candidate": view}),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostingSettings {
    max_retakes: u32,
}

async fn posting_settings(
    State(s): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let req: PostingSettings = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if req.max_retakes > 5 {
        return errors::validation(
            &["body", "max_retakes"],
            "Input should be less than or equal to 5",
            "less_than_equal",
        );
    }
    let mut store = s.store();
    let now = store.tick();
    match store.postings.iter_mut().find(|p| p.id == id) {
        Some(p) => {
            p.max_retakes = req.max_retakes;
            p.updated_at = now;
            json(
                200,
                &json!({"posting_id": p.id, "max_retakes": p.max_retakes}),
            )
        }
        None => errors::not_found("Posting"),
    }
}

async fn list_faults(State(s): State<Shared>) -> Response {
    json(200, &s.faults.list())
}

async fn add_fault(State(s): State<Shared>, body: Bytes) -> Response {
    let rule: FaultRule = match params::body(&body) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if let Err(m) = rule.validate() {
        return errors::validation(&["body"], &m, "value_error");
    }
    s.faults.add(rule);
    json(201, &s.faults.list())
}

async fn clear_faults(State(s): State<Shared>) -> Response {
    s.faults.set(Vec::new());
    json(200, &s.faults.list())
}

async fn deliveries(State(s): State<Shared>) -> Response {
    json(200, &s.hooks.log())
}

async fn stats(State(s): State<Shared>) -> Response {
    let candidates = s.store().candidate_count;
    json(
        200,
        &json!({"rate_limited": s.limiter.rejected(), "candidates": candidates}),
    )
}

async fn export_file(State(s): State<Shared>, Path(file): Path<String>) -> Response {
    let job = file.strip_suffix(".json").unwrap_or(&file);
    let store = s.store();
    match store.exports.iter().find(|(id, _)| id == job) {
        Some((_, bytes)) => Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(bytes.clone()))
            .unwrap_or_default(),
        None => errors::envelope(
            404,
            "invalid_request_error",
            "export_expired",
            "The export does not exist or has expired.",
            None,
        ),
    }
}

async fn interview_page(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    match s.store().candidate(&id) {
        Some(c) => json(
            200,
            &json!({"interview_id": c.interview_id, "status": c.stage.status()}),
        ),
        None => errors::not_found("Interview"),
    }
}

async fn posting_page(State(s): State<Shared>, Path(key): Path<String>) -> Response {
    let store = s.store();
    match store.posting(&key) {
        Some(p) => json(
            200,
            &json!({"posting_id": p.id, "title": p.title, "status": p.status_at(store.now())}),
        ),
        None => errors::not_found("Posting"),
    }
}
