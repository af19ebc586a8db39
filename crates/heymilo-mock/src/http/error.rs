//! Errors in HeyMilo's two body shapes: the `{"error": {...}}` envelope and
//! FastAPI's 422 `{"detail": [...]}`. Handlers return `Result<_, ApiError>`;
//! the model's refusals convert with `?`.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::model::error::ModelError;

/// An API error, rendered as HeyMilo renders it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ApiError {
    /// `{"error": {type, code, message, param}}` with this status.
    Envelope {
        status: u16,
        kind: String,
        code: String,
        message: String,
        param: Option<String>,
    },
    /// FastAPI's 422 with one detail.
    Validation {
        loc: Vec<String>,
        msg: String,
        kind: String,
    },
    /// 429 with `Retry-After`.
    RateLimited { wait_secs: u64 },
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Envelope {
                status,
                kind,
                code,
                message,
                param,
            } => super::json(
                status,
                &json!({"error": {"type": kind, "code": code, "message": message, "param": param}}),
            ),
            ApiError::Validation { loc, msg, kind } => super::json(
                422,
                &json!({"detail": [{"loc": loc, "msg": msg, "type": kind}]}),
            ),
            ApiError::RateLimited { wait_secs } => {
                let mut r = envelope(
                    429,
                    "rate_limit_error",
                    "rate_limit_exceeded",
                    &format!("Too many requests. Retry after {wait_secs} seconds."),
                    None,
                )
                .into_response();
                if let Ok(v) = HeaderValue::from_str(&wait_secs.to_string()) {
                    r.headers_mut().insert("retry-after", v);
                }
                r
            }
        }
    }
}

impl From<ModelError> for ApiError {
    fn from(e: ModelError) -> Self {
        match e {
            ModelError::NotFound { what, hint } => ApiError::Envelope {
                status: 404,
                kind: "invalid_request_error".into(),
                code: "resource_not_found".into(),
                message: match hint {
                    Some(h) => format!("{what} not found: {h}"),
                    None => format!("{what} not found."),
                },
                param: None,
            },
            ModelError::Invalid { loc, msg } => ApiError::Validation {
                loc,
                msg,
                kind: "value_error".into(),
            },
            ModelError::Full { message } => ApiError::Validation {
                loc: vec!["body".into()],
                msg: message,
                kind: "value_error".into(),
            },
        }
    }
}

/// `{"error": {...}}`, HeyMilo's envelope.
pub(crate) fn envelope(
    status: u16,
    kind: &str,
    code: &str,
    message: &str,
    param: Option<&str>,
) -> ApiError {
    ApiError::Envelope {
        status: StatusCode::from_u16(status).map_or(500, |s| s.as_u16()),
        kind: kind.into(),
        code: code.into(),
        message: message.into(),
        param: param.map(str::to_owned),
    }
}

/// FastAPI's 422 `{"detail": [{loc, msg, type}]}`.
pub(crate) fn validation(loc: &[&str], msg: &str, kind: &str) -> ApiError {
    ApiError::Validation {
        loc: loc.iter().map(|s| (*s).to_owned()).collect(),
        msg: msg.into(),
        kind: kind.into(),
    }
}

pub(crate) fn unauthorized() -> ApiError {
    envelope(
        401,
        "authentication_error",
        "invalid_api_key",
        "Invalid or missing API key.",
        None,
    )
}

pub(crate) fn not_found(what: &str) -> ApiError {
    ModelError::not_found(what).into()
}

pub(crate) fn rate_limited(wait_secs: u64) -> ApiError {
    ApiError::RateLimited { wait_secs }
}

/// Any path the API does not have.
pub(crate) async fn not_found_route() -> ApiError {
    envelope(
        404,
        "invalid_request_error",
        "route_not_found",
        "No such route.",
        None,
    )
}
