//! Thin handlers: each parses its parameters (`http`), calls the model and
//! renders the answer (`views`). v1 at the root, v2 under `/api/v2`, and
//! the `/_mock/` control routes.

mod control;
mod v1;
mod v2;
mod views;

use axum::Router;
use axum::middleware;

use crate::http::auth::{Host, guard};
use crate::http::{Shared, error, faults};

/// The one-port server: both generations, and the control routes.
pub(crate) fn router(state: Shared) -> Router {
    let api = Router::new()
        .merge(v1::routes(Host::Both))
        .merge(v2::routes());
    Router::new()
        .merge(guarded(api, &state, Host::Both))
        .nest("/_mock", control::routes())
        .fallback(error::not_found_route)
        .with_state(state)
}

/// v1's own port: v1 only, as `api.heymilo.network` serves it.
pub(crate) fn v1_router(state: Shared) -> Router {
    Router::new()
        .merge(guarded(v1::routes(Host::V1), &state, Host::V1))
        .fallback(error::not_found_route)
        .with_state(state)
}

/// Auth and rate limit inside, faults around them, and the host outermost
/// so the guard knows which one it serves.
fn guarded(api: Router<Shared>, state: &Shared, host: Host) -> Router<Shared> {
    api.layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ))
        .layer(axum::Extension(host))
}
