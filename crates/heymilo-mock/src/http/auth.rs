//! Authentication (`X-API-KEY`), then the per-key rate limit, with the
//! rate-limit headers on every answer.

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::{Shared, error};

/// Which host a request came in on: the one-port convenience server (both
/// generations) or v1's own port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    /// v1 at the root and v2 under `/api/v2`.
    Both,
    /// v1 only, as `api.heymilo.network` serves it.
    V1,
}

/// The generated v1 client says `api-version: 1.x`.
pub(crate) fn wants_v1(headers: &HeaderMap) -> bool {
    headers
        .get("api-version")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with('1'))
}

/// Routes served without a key: v2's `/health` (v1's needs one, as its
/// spec says) and v2's schema registries.
pub(crate) fn is_public(host: Host, path: &str, headers: &HeaderMap) -> bool {
    match host {
        Host::V1 => false,
        Host::Both => {
            (path == "/health" && !wants_v1(headers))
                || path == "/api/v2/schemas/agents"
                || path == "/api/v2/schemas/question-types"
        }
    }
}

/// The middleware: 401 without a known key (except public routes), 429
/// past the key's limit.
pub(crate) async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let host = request
        .extensions()
        .get::<Host>()
        .copied()
        .unwrap_or(Host::Both);
    let key = request
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let open = is_public(host, request.uri().path(), request.headers());
    let key = match key {
        Some(k) if state.api_keys.iter().any(|a| a == &k) => k,
        _ if open => return next.run(request).await,
        _ => return error::unauthorized().into_response(),
    };
    match state.limiter.check(&key) {
        Ok(status) => {
            let mut response = next.run(request).await;
            status.apply(response.headers_mut());
            response
        }
        Err(status) => {
            let mut response = error::rate_limited(status.reset_secs).into_response();
            status.apply(response.headers_mut());
            response
        }
    }
}
