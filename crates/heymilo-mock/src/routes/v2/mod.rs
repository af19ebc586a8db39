//! v2 routes, under `/api/v2`, one module per concern.

mod ats;
mod candidates;
mod catalog;
mod interviews;
mod postings;
mod questions;
mod webhooks;

use axum::Router;

use crate::http::Shared;

/// Every v2 route.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .merge(postings::routes())
        .merge(candidates::routes())
        .merge(interviews::routes())
        .merge(questions::routes())
        .merge(catalog::routes())
        .merge(ats::routes())
        .merge(webhooks::routes())
}
