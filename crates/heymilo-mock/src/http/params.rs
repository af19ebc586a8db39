//! Parameter parsing and request validation, with FastAPI's 422 bodies as
//! HeyMilo answers.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::http::error::{ApiError, validation};
use crate::model::time::parse_iso;

/// An integer query parameter within `min..=max`, `default` when absent.
pub(crate) fn int(
    q: &HashMap<String, String>,
    name: &str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, ApiError> {
    let Some(raw) = q.get(name) else {
        return Ok(default);
    };
    let v: i64 = raw.parse().map_err(|_| {
        validation(
            &["query", name],
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        )
    })?;
    if v < min {
        return Err(validation(
            &["query", name],
            &format!("Input should be greater than or equal to {min}"),
            "greater_than_equal",
        ));
    }
    if v > max {
        return Err(validation(
            &["query", name],
            &format!("Input should be less than or equal to {max}"),
            "less_than_equal",
        ));
    }
    Ok(v)
}

/// A required query parameter.
pub(crate) fn required<'q>(
    q: &'q HashMap<String, String>,
    name: &str,
) -> Result<&'q str, ApiError> {
    q.get(name)
        .map(String::as_str)
        .ok_or_else(|| validation(&["query", name], "Field required", "missing"))
}

/// A JSON body of type `T`.
pub(crate) fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.is_empty() {
        return Err(validation(&["body"], "Field required", "missing"));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let kind = if e.is_syntax() || e.is_eof() {
            "json_invalid"
        } else {
            "value_error"
        };
        validation(&["body"], &e.to_string(), kind)
    })
}

/// A handler's JSON body: the value as [`body`] parses it, and the bytes
/// for checks the typed value cannot make (an explicit `null`, the keys sent).
pub(crate) struct Body<T>(pub(crate) T, pub(crate) Bytes);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match body(&bytes) {
            Ok(value) => Ok(Body(value, bytes)),
            Err(e) => Err(e.into_response()),
        }
    }
}

/// A timestamp filter: ISO-8601 (offset optional, UTC assumed) or Unix seconds.
pub(crate) fn instant(q: &HashMap<String, String>, name: &str) -> Result<Option<f64>, ApiError> {
    let Some(raw) = q.get(name) else {
        return Ok(None);
    };
    if let Ok(secs) = raw.parse::<f64>() {
        return Ok(Some(secs));
    }
    parse_iso(raw).map(Some).ok_or_else(|| {
        validation(
            &["query", name],
            "Input should be an ISO-8601 datetime or Unix seconds",
            "datetime_parsing",
        )
    })
}

/// A value within `min..=max` when present, with FastAPI's messages (NaN
/// is below any minimum).
fn bounded<T: PartialOrd + std::fmt::Display>(
    loc: &[&str],
    v: Option<T>,
    min: T,
    max: T,
) -> Result<(), ApiError> {
    let Some(v) = v else { return Ok(()) };
    if v.partial_cmp(&min).is_none_or(std::cmp::Ordering::is_lt) {
        let message = format!("Input should be greater than or equal to {min}");
        return Err(validation(loc, &message, "greater_than_equal"));
    }
    if v > max {
        let message = format!("Input should be less than or equal to {max}");
        return Err(validation(loc, &message, "less_than_equal"));
    }
    Ok(())
}

/// An integer field within `min..=max` when present.
pub(crate) fn int_range(loc: &[&str], v: Option<i64>, min: i64, max: i64) -> Result<(), ApiError> {
    bounded(loc, v, min, max)
}

/// An unsigned integer field (the generated types use `u64` for a minimum
/// of 1) at most `max` when present.
pub(crate) fn uint_max(
    loc: &[&str],
    v: Option<std::num::NonZeroU64>,
    max: u64,
) -> Result<(), ApiError> {
    bounded(loc, v.map(std::num::NonZeroU64::get), 1, max)
}

/// A number field within `min..=max` when present.
pub(crate) fn num_range(loc: &[&str], v: Option<f64>, min: f64, max: f64) -> Result<(), ApiError> {
    bounded(loc, v, min, max)
}

/// A JSON body that has to be an object: the keys the caller actually sent,
/// for PATCH semantics where `null` and absent differ.
pub(crate) fn body_object(
    bytes: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    match body::<serde_json::Value>(bytes)? {
        serde_json::Value::Object(m) => Ok(m),
        _ => Err(validation(
            &["body"],
            "Input should be a valid dictionary or object",
            "model_attributes_type",
        )),
    }
}

/// Keys whose schema is `nullable` with an `enum` that lacks `null`: under
/// OpenAPI 3.0.3 the enum still applies, so an explicit `null` is invalid.
pub(crate) fn enum_not_null(
    loc: &[&str],
    m: &serde_json::Map<String, serde_json::Value>,
    keys: &[&str],
) -> Result<(), ApiError> {
    let message = "Input should be one of the listed values, not null";
    no_null(loc, m, keys, message, "enum")
}

/// Keys that are optional but not nullable: an explicit `null` is invalid,
/// although the generated request type reads it as "not sent".
pub(crate) fn not_null(
    loc: &[&str],
    m: &serde_json::Map<String, serde_json::Value>,
    keys: &[&str],
) -> Result<(), ApiError> {
    no_null(loc, m, keys, "Input should not be null", "type_error")
}

/// The first of `keys` sent as an explicit `null` in `m`, as a 422.
fn no_null(
    loc: &[&str],
    m: &serde_json::Map<String, serde_json::Value>,
    keys: &[&str],
    message: &str,
    kind: &str,
) -> Result<(), ApiError> {
    let null = keys
        .iter()
        .find(|k| m.get(**k).is_some_and(serde_json::Value::is_null));
    match null {
        Some(k) => Err(validation(&[loc, &[*k]].concat(), message, kind)),
        None => Ok(()),
    }
}

/// The delivery-mode keys of postings and step configs (nullable enums).
pub(crate) const DELIVERY_MODES: &[&str] = &[
    "company_overview_delivery_mode",
    "job_overview_delivery_mode",
    "interview_process_overview_delivery_mode",
];

/// An ISO-8601 date-time body field, as Unix seconds.
pub(crate) fn iso_field(loc: &[&str], v: Option<&str>) -> Result<Option<f64>, ApiError> {
    match v {
        None => Ok(None),
        Some(raw) => parse_iso(raw).map(Some).ok_or_else(|| {
            validation(
                loc,
                "Input should be an ISO-8601 date-time",
                "datetime_parsing",
            )
        }),
    }
}

/// HeyMilo's metadata limits: at most 50 keys, keys up to 40 and values up
/// to 500 characters.
pub(crate) fn metadata_limits(loc: &[&str], m: &HashMap<String, String>) -> Result<(), ApiError> {
    if m.len() > MAX_METADATA_KEYS {
        return Err(validation(
            loc,
            &format!("metadata may have at most {MAX_METADATA_KEYS} keys"),
            "value_error",
        ));
    }
    if let Some((k, _)) = m
        .iter()
        .find(|(k, v)| k.chars().count() > 40 || v.chars().count() > 500)
    {
        return Err(validation(
            loc,
            &format!("metadata key {k:?}: keys are at most 40 and values at most 500 characters"),
            "value_error",
        ));
    }
    Ok(())
}

/// Most metadata keys on one object.
pub(crate) const MAX_METADATA_KEYS: usize = 50;

/// Checks a candidate's fields as HeyMilo documents them; the 422 names the field.
pub(crate) fn candidate(
    loc: &[&str],
    email: &str,
    phone: Option<&str>,
    metadata: Option<&HashMap<String, String>>,
) -> Result<(), ApiError> {
    let at = |field: &'static str| loc.iter().copied().chain([field]).collect::<Vec<_>>();
    let valid_email = email.split_once('@').is_some_and(|(u, d)| {
        !u.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
    });
    if !valid_email || email.chars().any(char::is_whitespace) {
        return Err(validation(
            &at("email"),
            "value is not a valid email address",
            "value_error",
        ));
    }
    if let Some(p) = phone {
        let digits = p.strip_prefix('+').unwrap_or("");
        if !(8..=15).contains(&digits.len())
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || digits.starts_with('0')
        {
            return Err(validation(
                &at("phone_number"),
                "phone number must be in E.164 format",
                "value_error",
            ));
        }
    }
    if let Some(m) = metadata {
        metadata_limits(&at("metadata"), m)?;
    }
    Ok(())
}

/// A webhook URL: absolute `http` or `https`.
pub(crate) fn webhook_url(loc: &[&str], url: &str) -> Result<(), ApiError> {
    if !(url.starts_with("http://") || url.starts_with("https://"))
        || reqwest::Url::parse(url).is_err()
    {
        return Err(validation(
            loc,
            "Input should be a valid URL",
            "url_parsing",
        ));
    }
    Ok(())
}
