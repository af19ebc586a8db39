//! v2 webhook subscriptions: create, list, get, delete.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use heymilo_gen::v2::types as t;

use crate::http::pagination::paginate;
use crate::http::params::Body;
use crate::http::{Reply, Shared, json, params};
use crate::model::store::Webhook;
use crate::model::webhooks::{self, subscribe};
use crate::routes::views::webhook_v2;

/// The webhook routes.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v2/webhooks", get(list_webhooks).post(create_webhook))
        .route(
            "/api/v2/webhooks/{webhook_id}",
            get(get_webhook).delete(delete_webhook),
        )
}

fn single(status: u16, w: &Webhook) -> Response {
    json(
        status,
        &t::SingleResponseWebhookResponse {
            data: webhook_v2(w),
            meta: None,
        },
    )
}

async fn create_webhook(
    State(s): State<Shared>,
    Body(req, _): Body<t::CreateWebhookRequest>,
) -> Reply {
    params::webhook_url(&["body", "webhook_url"], &req.webhook_url)?;
    let hook = subscribe(
        &mut s.store(),
        &req.posting_id,
        &req.webhook_url,
        &req.event_type,
        "post",
    )?;
    Ok(single(201, &hook))
}

async fn list_webhooks(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Reply {
    let store = s.store();
    let all: Vec<&Webhook> = store.webhooks.iter().rev().collect();
    let (page, pagination) = paginate(&all, |w| w.id.as_str(), &q, "/api/v2/webhooks")?;
    let data = page.into_iter().map(webhook_v2).collect();
    Ok(json(
        200,
        &t::ListResponseWebhookResponse { data, pagination },
    ))
}

async fn get_webhook(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    let store = s.store();
    Ok(single(
        200,
        &store.webhooks[webhooks::position(&store, &id)?],
    ))
}

async fn delete_webhook(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    let hook = webhooks::switch_off(&mut s.store(), &id, true)?;
    Ok(single(200, &hook))
}
