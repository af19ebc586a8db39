//! The HTTP layer: HeyMilo's error bodies, parameter parsing, pagination,
//! authentication, the per-key rate limit and fault injection, and the
//! state every handler shares. It renders the model; routes call both.

pub(crate) mod auth;
pub(crate) mod error;
pub mod faults;
pub(crate) mod limits;
pub(crate) mod pagination;
pub(crate) mod params;

use std::sync::{Arc, Mutex};

use axum::response::{IntoResponse, Response};

use crate::model::store::Store;
use crate::model::webhooks::Dispatcher;

/// What every handler shares.
pub(crate) struct AppState {
    pub(crate) store: Mutex<Store>,
    /// Accepted API keys.
    pub(crate) api_keys: Vec<String>,
    /// The server's own URL, for the links it hands out.
    pub(crate) base_url: String,
    pub(crate) limiter: limits::KeyLimiter,
    pub(crate) faults: faults::Faults,
    pub(crate) hooks: Dispatcher,
}

impl AppState {
    /// The store, even if a handler panicked while holding it.
    pub(crate) fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub(crate) type Shared = Arc<AppState>;

/// What a handler answers: a response, or HeyMilo's error body.
pub(crate) type Reply = Result<Response, error::ApiError>;

/// Renders a serializable value as a JSON response with a status.
pub(crate) fn json<T: serde::Serialize>(status: u16, value: &T) -> Response {
    let status = axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::OK);
    (status, axum::Json(value)).into_response()
}
