//! `heymilo::Error`: one error type for every operation of both generations.

use std::fmt;
use std::time::Duration;

use heymilo_gen::{Refusal, v1, v2};

use crate::engine::{BodyTooLarge, Disposition, classify_error, classify_status};
use crate::text;

/// The result type of the SDK.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong calling HeyMilo.
///
/// Nothing here ever holds the API key, and a response body appears only as a
/// short snippet (bodies hold candidate data).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (missing key, bad base URL, ...).
    #[error("configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
    /// The request was refused before it was sent (e.g. `limit` outside 1..=100).
    #[error("invalid request: {message}")]
    InvalidRequest {
        /// What is wrong.
        message: String,
    },
    /// 401: the API key is missing or not valid.
    #[error("unauthorized: {0}")]
    Unauthorized(Box<ApiError>),
    /// 404: the resource does not exist or is not visible to this key.
    #[error("not found: {0}")]
    NotFound(Box<ApiError>),
    /// 400 or 422: the server rejected the request's content; see [`ApiError::fields`].
    #[error("validation failed: {0}")]
    Validation(Box<ApiError>),
    /// 429, or a wait the server asked for that is longer than the client's cap.
    #[error("rate limited{}: {details}", fmt_wait(*.retry_after))]
    RateLimited {
        /// How long the server asked to wait, when it said.
        retry_after: Option<Duration>,
        /// The server's error.
        details: Box<ApiError>,
    },
    /// 5xx: the server failed.
    #[error("server error: {0}")]
    Server(Box<ApiError>),
    /// Another unexpected status.
    #[error("unexpected response: {0}")]
    Api(Box<ApiError>),
    /// The request timed out (connect or whole request).
    #[error("timed out: {source}")]
    Timeout {
        /// The transport's error.
        #[source]
        source: reqwest::Error,
    },
    /// The connection failed or broke.
    #[error("connection failed: {source}")]
    Connection {
        /// The transport's error.
        #[source]
        source: reqwest::Error,
    },
    /// A response did not match the spec.
    #[error("could not decode {what}: {message}; body starts: {snippet:?}")]
    Decode {
        /// The operation, when known, or what was being decoded.
        what: String,
        /// The decoder's message.
        message: String,
        /// The first bytes of the body (at most 120 characters).
        snippet: String,
    },
    /// The rate limiter could not be consulted and is set to fail closed
    /// (e.g. its Redis is unreachable); nothing was sent.
    #[error("rate limiter unavailable: {message}")]
    RateLimiterUnavailable {
        /// Why.
        message: String,
    },
    /// A response body was larger than the client reads
    /// ([`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes));
    /// it was dropped unread past the limit.
    #[error("the response is larger than {limit} bytes; not read")]
    ResponseTooLarge {
        /// The limit in force.
        limit: usize,
    },
    /// No rate-limit permit came within the request's timeout (the shared
    /// limiter is paused or saturated); nothing was sent.
    #[error("no rate-limit permit within {:.1}s; nothing was sent", .waited.as_secs_f64())]
    LimiterTimeout {
        /// How long the client waited.
        waited: Duration,
    },
    /// A paginated list misbehaved (e.g. a cursor that does not advance).
    #[error("pagination of {operation} stopped: {message}")]
    Pagination {
        /// The list operation.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },
}

fn fmt_wait(wait: Option<Duration>) -> String {
    wait.map(|w| format!(" (retry after {:.1}s)", w.as_secs_f64()))
        .unwrap_or_default()
}

impl Error {
    /// What this error says about the request: whether it reached the
    /// server, may have been processed, and may be sent again. The same
    /// classification decides the client's own re-sends.
    ///
    /// ```
    /// use heymilo::Disposition;
    /// # fn demo(err: heymilo::Error) {
    /// match err.disposition() {
    ///     Disposition::MaybeProcessed => eprintln!("check before sending it again"),
    ///     d if d.is_transient() => eprintln!("try again later"),
    ///     _ => eprintln!("fix the request"),
    /// }
    /// # }
    /// ```
    pub fn disposition(&self) -> Disposition {
        match self {
            Error::Config { .. } | Error::InvalidRequest { .. } => Disposition::Invalid,
            Error::RateLimiterUnavailable { .. } | Error::LimiterTimeout { .. } => {
                Disposition::NotSent
            }
            Error::RateLimited { .. } => Disposition::Throttled,
            Error::Unauthorized(e)
            | Error::NotFound(e)
            | Error::Validation(e)
            | Error::Server(e)
            | Error::Api(e) => classify_status(e.status),
            Error::Timeout { source } | Error::Connection { source } => classify_error(source),
            Error::Decode { .. } | Error::ResponseTooLarge { .. } | Error::Pagination { .. } => {
                Disposition::Processed
            }
        }
    }

    /// Whether sending the same request again later may succeed (see
    /// [`Error::disposition`]; whether it is *safe* to send again also
    /// depends on the operation's idempotency).
    pub fn is_retryable(&self) -> bool {
        self.disposition().is_transient()
    }

    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<u16> {
        self.api_error().map(|e| e.status)
    }

    /// The server's error details, when the error came from a response.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Unauthorized(e)
            | Error::NotFound(e)
            | Error::Validation(e)
            | Error::Server(e)
            | Error::Api(e) => Some(e),
            Error::RateLimited { details, .. } => Some(details.as_ref()),
            _ => None,
        }
    }

    /// How long the server asked to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    pub(crate) fn decode(what: impl Into<String>, body: &[u8], message: impl fmt::Display) -> Self {
        Error::Decode {
            what: what.into(),
            message: text::server(&message.to_string()),
            snippet: snippet(body),
        }
    }

    /// Builds the error for a response status; the server's texts are
    /// cleaned here, the one place every [`ApiError`] passes.
    pub(crate) fn from_status(mut details: ApiError, retry_after: Option<Duration>) -> Self {
        details.clean();
        let details = Box::new(details);
        match details.status {
            401 => Error::Unauthorized(details),
            404 => Error::NotFound(details),
            400 | 422 => Error::Validation(details),
            429 => Error::RateLimited {
                retry_after,
                details,
            },
            500..=599 => Error::Server(details),
            _ => Error::Api(details),
        }
    }

    /// A transport error: a body cut short or reset is a connection error
    /// (the engine re-sent it when that was safe), never a decode error; the
    /// URL (which may carry a query) is dropped.
    fn from_reqwest(source: reqwest::Error) -> Self {
        if let Some(limit) = too_large(&source) {
            return Error::ResponseTooLarge { limit };
        }
        let source = source.without_url();
        if source.is_timeout() {
            Error::Timeout { source }
        } else {
            Error::Connection { source }
        }
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NoPermitWithin(waited) => Error::LimiterTimeout { waited },
            Refusal::LimiterUnavailable(message) => Error::RateLimiterUnavailable { message },
            other => Error::RateLimiterUnavailable {
                message: format!("{other:?}"),
            },
        }
    }
}

/// The size limit, when `error` is the engine's "body too large" marker.
fn too_large(error: &reqwest::Error) -> Option<usize> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(marker) = e.downcast_ref::<BodyTooLarge>() {
            return Some(marker.limit);
        }
        cause = e.source();
    }
    None
}

/// The most fields an [`ApiError`] keeps, and the most its `Display` shows.
const MAX_FIELDS: usize = 100;
const SHOWN_FIELDS: usize = 10;

/// The first 120 characters of a body, control characters escaped.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(480)]);
    let cut = text.len() > 120 || body.len() > 480;
    let mut out = text::clean(&text, 120);
    if cut && !out.ends_with('…') {
        out.push('…');
    }
    out
}

/// What HeyMilo said about a failed request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// HeyMilo's machine-readable code (e.g. `resource_not_found`), when given.
    pub code: Option<String>,
    /// HeyMilo's category (e.g. `invalid_request_error`), when given.
    pub kind: Option<String>,
    /// The message for a human.
    pub message: String,
    /// The top-level parameter at fault, when given.
    pub param: Option<String>,
    /// Field-level problems, from either error body shape.
    pub fields: Vec<FieldError>,
    /// The request id the server assigned (`x-request-id`), when sent.
    pub request_id: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        for field in self.fields.iter().take(SHOWN_FIELDS) {
            write!(f, "; {}: {}", field.field, field.message)?;
        }
        if self.fields.len() > SHOWN_FIELDS {
            write!(f, "; and {} more", self.fields.len() - SHOWN_FIELDS)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl ApiError {
    /// Cuts and escapes every server-written text, and keeps at most
    /// [`MAX_FIELDS`] field errors.
    fn clean(&mut self) {
        let opt = |t: &mut Option<String>| {
            if let Some(v) = t.as_mut() {
                *v = text::server(v);
            }
        };
        opt(&mut self.code);
        opt(&mut self.kind);
        opt(&mut self.param);
        opt(&mut self.request_id);
        self.message = text::server(&self.message);
        self.fields.truncate(MAX_FIELDS);
        for field in &mut self.fields {
            field.field = text::server(&field.field);
            field.message = text::server(&field.message);
            opt(&mut field.code);
        }
    }
}

/// One field-level problem reported by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldError {
    /// Where: a parameter name, or a dotted location such as `body.email`.
    pub field: String,
    /// Machine-readable code, when given.
    pub code: Option<String>,
    /// Explanation for a human.
    pub message: String,
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn bare(status: u16, headers: &reqwest::header::HeaderMap) -> ApiError {
    ApiError {
        status,
        code: None,
        kind: None,
        message: reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("unexpected status")
            .to_owned(),
        param: None,
        fields: Vec::new(),
        request_id: header(headers, "x-request-id"),
    }
}

/// Converts one generation's error body; both generations share the shape,
/// so a macro keeps the two conversions identical.
macro_rules! from_generated {
    ($gen:ident) => {
        impl From<$gen::types::ErrorBody> for FieldsAndMessage {
            fn from(body: $gen::types::ErrorBody) -> Self {
                let mut out = FieldsAndMessage::default();
                if let Some(e) = body.error {
                    out.code = Some(e.code);
                    out.kind = Some(e.type_);
                    out.message = Some(e.message);
                    out.param = e.param;
                    out.fields.extend(e.errors.into_iter().map(|d| FieldError {
                        field: d.param.unwrap_or_default(),
                        code: Some(d.code),
                        message: d.message,
                    }));
                }
                match body.detail {
                    Some($gen::types::ErrorDetail::Array(items)) => {
                        out.fields.extend(items.into_iter().map(|v| {
                            FieldError {
                                field: v
                                    .loc
                                    .iter()
                                    .map(|l| match l {
                                        $gen::types::ValidationLocation::String(s) => s.clone(),
                                        $gen::types::ValidationLocation::Integer(i) => {
                                            i.to_string()
                                        }
                                    })
                                    .collect::<Vec<_>>()
                                    .join("."),
                                code: Some(v.type_),
                                message: v.msg,
                            }
                        }));
                        if out.message.is_none() {
                            out.message = Some("the request failed validation".into());
                        }
                    }
                    Some($gen::types::ErrorDetail::String(s)) => {
                        out.message.get_or_insert(s);
                    }
                    None => {}
                }
                out
            }
        }

        impl From<$gen::Error<$gen::types::ErrorBody>> for Error {
            fn from(err: $gen::Error<$gen::types::ErrorBody>) -> Self {
                use progenitor_client::Error as G;
                match err {
                    G::InvalidRequest(message) => Error::InvalidRequest { message },
                    G::CommunicationError(e) | G::ResponseBodyError(e) | G::InvalidUpgrade(e) => {
                        Error::from_reqwest(e)
                    }
                    G::ErrorResponse(value) => {
                        let status = value.status().as_u16();
                        let mut details = bare(status, value.headers());
                        let wait = crate::retry::retry_after(value.headers());
                        let parsed = FieldsAndMessage::from(value.into_inner());
                        parsed.apply(&mut details);
                        Error::from_status(details, wait)
                    }
                    G::InvalidResponsePayload(body, e) => {
                        Error::decode(concat!(stringify!($gen), " response"), &body, e)
                    }
                    G::UnexpectedResponse(response) => {
                        let mut details = bare(response.status().as_u16(), response.headers());
                        if let Some(to) = header(response.headers(), "location") {
                            // A redirect the client would not follow (another origin).
                            details.message = format!("redirected to {to}");
                        }
                        if let Some(body) = response
                            .extensions()
                            .get::<crate::engine::ServerErrorBody>()
                        {
                            details.code = body.code.clone();
                            details.kind = body.kind.clone();
                            if let Some(m) = &body.message {
                                details.message = m.clone();
                            }
                        }
                        let wait = crate::retry::retry_after(response.headers());
                        Error::from_status(details, wait)
                    }
                    G::Custom(message) => match Refusal::from_message(&message) {
                        Some(refusal) => refusal.into(),
                        None => Error::InvalidRequest { message },
                    },
                }
            }
        }
    };
}

#[derive(Default)]
struct FieldsAndMessage {
    code: Option<String>,
    kind: Option<String>,
    message: Option<String>,
    param: Option<String>,
    fields: Vec<FieldError>,
}

impl FieldsAndMessage {
    fn apply(self, details: &mut ApiError) {
        details.code = self.code;
        details.kind = self.kind;
        if let Some(m) = self.message {
            details.message = m;
        }
        details.param = self.param;
        details.fields = self.fields;
    }
}

from_generated!(v1);
from_generated!(v2);

/// An operation that documents no error body (v2's schema discovery) fails
/// with `Error<()>`; it reads like the others, from status and headers, so
/// `?` works on every generated `send()`.
impl From<progenitor_client::Error<()>> for Error {
    fn from(err: progenitor_client::Error<()>) -> Self {
        use progenitor_client::{Error as G, ResponseValue};
        let err: G<v2::types::ErrorBody> = match err {
            G::ErrorResponse(v) => G::ErrorResponse(ResponseValue::new(
                v2::types::ErrorBody::default(),
                v.status(),
                v.headers().clone(),
            )),
            G::InvalidRequest(m) => G::InvalidRequest(m),
            G::CommunicationError(e) => G::CommunicationError(e),
            G::InvalidUpgrade(e) => G::InvalidUpgrade(e),
            G::ResponseBodyError(e) => G::ResponseBodyError(e),
            G::InvalidResponsePayload(body, e) => G::InvalidResponsePayload(body, e),
            G::UnexpectedResponse(r) => G::UnexpectedResponse(r),
            G::Custom(m) => G::Custom(m),
        };
        err.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_short() {
        let body = "x".repeat(10_000);
        let s = snippet(body.as_bytes());
        assert!(s.chars().count() <= 121);
        assert!(s.ends_with('…'));
        assert_eq!(snippet(b"{}"), "{}");
    }

    #[test]
    fn retryable_kinds() {
        let api = |status| ApiError {
            status,
            code: None,
            kind: None,
            message: String::new(),
            param: None,
            fields: vec![],
            request_id: None,
        };
        assert!(Error::from_status(api(503), None).is_retryable());
        assert!(Error::from_status(api(429), None).is_retryable());
        assert!(Error::from_status(api(408), None).is_retryable());
        assert!(!Error::from_status(api(404), None).is_retryable());
        assert!(!Error::from_status(api(422), None).is_retryable());
        assert!(matches!(
            Error::from_status(api(400), None),
            Error::Validation(_)
        ));
    }
}
