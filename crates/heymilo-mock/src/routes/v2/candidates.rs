//! v2 candidates of a posting: the newest-first list, and ingestion (one,
//! bulk, and the async variants of both).

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use heymilo_gen::v2::types as t;

use crate::http::error::{ApiError, envelope, validation};
use crate::http::pagination::{cursor_page, page_meta};
use crate::http::{Reply, Shared, json, params};
use crate::model::ingest::{self, MAX_BULK, NewCandidate, Retakes};
use crate::model::store::Candidate;
use crate::routes::views::{candidate, interview_link};

/// The candidate routes.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/api/v2/postings/{posting_id}/candidates",
            get(list_candidates).post(|s, p, b| ingest(s, p, b, Mode::Single)),
        )
        .route(
            "/api/v2/postings/{posting_id}/candidates/bulk",
            post(|s, p, b| ingest(s, p, b, Mode::Bulk)),
        )
        .route(
            "/api/v2/postings/{posting_id}/candidates/async",
            post(|s, p, b| ingest(s, p, b, Mode::Async)),
        )
        .route(
            "/api/v2/postings/{posting_id}/candidates/bulk/async",
            post(|s, p, b| ingest(s, p, b, Mode::BulkAsync)),
        )
}

async fn list_candidates(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let limit = params::int(&q, "limit", 20, 1, 100)? as usize;
    let after = params::instant(&q, "created_after")?;
    let before = params::instant(&q, "created_before")?;
    if let (Some(a), Some(b)) = (after, before)
        && b < a
    {
        return Err(envelope(
            400,
            "invalid_request_error",
            "invalid_date_range",
            "created_before must not be earlier than created_after.",
            Some("created_before"),
        ));
    }
    let store = s.store();
    let p = store.posting_by_id(&posting_id)?;
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
    let (page, has_more) = cursor_page(
        &all,
        |c| c.interview_id.as_str(),
        q.get("starting_after"),
        limit,
    )?;
    let data = page.iter().map(|c| candidate(&s, Some(p), c)).collect();
    let url = format!("/api/v2/postings/{}/candidates", p.id);
    Ok(json(
        200,
        &t::ListResponseCandidateResponse {
            data,
            pagination: page_meta(has_more, all.len(), url),
        },
    ))
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Single,
    Bulk,
    Async,
    BulkAsync,
}

/// The rows of a request, checked field by field (the 422 names the row).
fn rows(body: &[u8], mode: Mode) -> Result<Vec<NewCandidate>, ApiError> {
    let single = matches!(mode, Mode::Single | Mode::Async);
    let rows: Vec<t::CandidateIngestRequest> = if single {
        vec![params::body(body)?]
    } else {
        let r: t::BulkCandidateIngestRequest = params::body(body)?;
        if !(1..=MAX_BULK).contains(&r.data.len()) {
            return Err(validation(
                &["body", "data"],
                &format!("between 1 and {MAX_BULK} candidates per request"),
                "value_error",
            ));
        }
        r.data
    };
    for (i, c) in rows.iter().enumerate() {
        let row = i.to_string();
        let loc: Vec<&str> = if single {
            vec!["body"]
        } else {
            vec!["body", "data", &row]
        };
        params::candidate(
            &loc,
            &c.email,
            c.phone_number.as_deref(),
            c.metadata.as_ref(),
        )?;
    }
    Ok(rows
        .into_iter()
        .map(|c| NewCandidate {
            name: c.name,
            email: c.email,
            phone: c.phone_number,
            metadata: c.metadata.unwrap_or_default(),
            data: c.data.unwrap_or_default(),
        })
        .collect())
}

/// v2 keeps one interview per candidate and posting; a repeat ingest makes a
/// new one only while the posting's `max_retakes` allows, else returns it.
async fn ingest(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    body: Bytes,
    mode: Mode,
) -> Reply {
    let rows = rows(&body, mode)?;
    let mut store = s.store();
    let pid = store.posting_by_id(&posting_id)?.id.clone();
    ingest::check_open(&store, &pid, &["path", "posting_id"])?;
    let rule = Retakes::V2 {
        max_retakes: store.posting(&pid).map_or(0, |p| p.max_retakes),
    };
    if matches!(mode, Mode::Async | Mode::BulkAsync) {
        // Caps and budget are checked and the room reserved before the 202;
        // the outcome is logged at /_mock/ingestions.
        let job = ingest::accept(&mut store, &pid, rows, rule)?;
        let ingestion_id = job.ingestion_id.clone();
        drop(store);
        let state = s.clone();
        // Accepted now, processed shortly after, as HeyMilo's queue does.
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let _logged = ingest::run(&mut state.store(), job);
        });
        let ack = t::AsyncIngestResponse {
            object: "ingestion".into(),
            ingestion_id,
            status: "queued".into(),
        };
        return Ok(json(
            202,
            &t::SingleResponseAsyncIngestResponse {
                data: ack,
                meta: None,
            },
        ));
    }
    let done = ingest::ingest(&mut store, &pid, &rows, rule)?;
    if mode == Mode::Single {
        let c = done
            .first()
            .ok_or_else(|| validation(&["body"], "Field required", "missing"))?;
        let data = t::IngestCandidateResponse {
            object: "candidate".into(),
            interview_id: c.interview_id.clone(),
            interview_url: interview_link(&s, c),
            posting_id: c.posting_id.clone(),
            candidate: Some(candidate(&s, store.posting(&pid), c)),
        };
        return Ok(json(
            201,
            &t::SingleResponseIngestCandidateResponse { data, meta: None },
        ));
    }
    let data = done
        .iter()
        .map(|c| t::BulkIngestCandidateResponseItem {
            object: "candidate".into(),
            interview_id: c.interview_id.clone(),
            interview_url: interview_link(&s, c),
            metadata: Some(c.metadata.clone()),
        })
        .collect();
    Ok(json(
        201,
        &t::SingleResponseListBulkIngestCandidateResponseItem { data, meta: None },
    ))
}
