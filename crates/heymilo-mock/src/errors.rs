//! Errors in HeyMilo's two body shapes.

use axum::response::Response;
use serde_json::json;

/// `{"error": {...}}`, HeyMilo's envelope.
pub(crate) fn envelope(
    status: u16,
    kind: &str,
    code: &str,
    message: &str,
    param: Option<&str>,
) -> Response {
    crate::json(
        status,
        &json!({"error": {"type": kind, "code": code, "message": message, "param": param}}),
    )
}

/// FastAPI's 422 `{"detail": [{loc, msg, type}]}`.
pub(crate) fn validation(loc: &[&str], msg: &str, kind: &str) -> Response {
    crate::json(
        422,
        &json!({"detail": [{"loc": loc, "msg": msg, "type": kind}]}),
    )
}

pub(crate) fn unauthorized() -> Response {
    envelope(
        401,
        "authentication_error",
        "invalid_api_key",
        "Invalid or missing API key.",
        None,
    )
}

pub(crate) fn not_found(what: &str) -> Response {
    envelope(
        404,
        "invalid_request_error",
        "resource_not_found",
        &format!("{what} not found."),
        None,
    )
}

pub(crate) fn rate_limited(wait_secs: u64) -> Response {
    let mut r = envelope(
        429,
        "rate_limit_error",
        "rate_limit_exceeded",
        &format!("Too many requests. Retry after {wait_secs} seconds."),
        None,
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&wait_secs.to_string()) {
        r.headers_mut().insert("retry-after", v);
    }
    r
}

/// Any path the API does not have.
pub(crate) async fn not_found_route() -> Response {
    envelope(
        404,
        "invalid_request_error",
        "route_not_found",
        "No such route.",
        None,
    )
}
