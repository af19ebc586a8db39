//! When to send a request again, and how long to wait first.

use std::time::{Duration, SystemTime};

use heymilo_gen::OperationMeta;
use rand::Rng;

/// Retry settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// The first backoff (default 0.5 s); doubled at each retry.
    pub initial_backoff: Duration,
    /// The longest backoff (default 8 s).
    pub max_backoff: Duration,
    /// The longest server-requested wait the client sits out (default 60 s);
    /// past it the rate-limit error is returned at once, carrying the wait.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The backoff before retry number `retry` (0 for the first retry):
    /// `min(initial x 2^retry, max)`, reduced by up to a quarter at random so
    /// that clients that failed together do not retry together.
    pub fn backoff(&self, retry: u32) -> Duration {
        let base = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry.min(16)))
            .min(self.max_backoff);
        let jitter = 1.0 - rand::rng().random_range(0.0..0.25);
        base.mul_f64(jitter)
    }
}

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The request never reached the server (connect failure).
    NotSent,
    /// The server answered that it did not process the request (408, 429).
    Refused,
    /// The server may have received and processed it (5xx, timeout, broken connection).
    MaybeProcessed,
    /// Anything else: final.
    Final,
}

/// Classifies an HTTP status.
pub(crate) fn classify_status(status: u16) -> Outcome {
    match status {
        408 | 429 => Outcome::Refused,
        500 | 502 | 503 | 504 => Outcome::MaybeProcessed,
        _ => Outcome::Final,
    }
}

/// Classifies a transport error.
pub(crate) fn classify_error(error: &reqwest::Error) -> Outcome {
    if error.is_connect() {
        Outcome::NotSent
    } else if error.is_timeout() || error.is_request() || error.is_body() {
        Outcome::MaybeProcessed
    } else {
        Outcome::Final
    }
}

/// Whether sending `body` for `op` twice has the effect of sending it once:
/// the operation is idempotent, or its `x-idempotent-unless` field is not true
/// in this body (v1 ingest with `retake` false returns the existing interview).
pub(crate) fn is_idempotent(op: &OperationMeta, body: Option<&[u8]>) -> bool {
    if op.idempotent {
        return true;
    }
    let Some(field) = op.idempotent_unless else {
        return false;
    };
    let Some(body) = body else { return false };
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => value.get(field).and_then(serde_json::Value::as_bool) != Some(true),
        Err(_) => false,
    }
}

/// Whether an attempt with this outcome may be repeated for this operation.
pub(crate) fn may_retry(outcome: Outcome, idempotent: bool) -> bool {
    match outcome {
        Outcome::NotSent | Outcome::Refused => true,
        Outcome::MaybeProcessed => idempotent,
        Outcome::Final => false,
    }
}

/// The wait a response asks for: `retry-after-ms` (milliseconds), or
/// `Retry-After` as seconds or as an HTTP date.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("value"));
        }
        h
    }

    #[test]
    fn retry_after_reads_seconds_milliseconds_and_dates() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "12")])),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "1.5")])),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after(&headers(&[
                ("retry-after", "12"),
                ("retry-after-ms", "250")
            ])),
            Some(Duration::from_millis(250))
        );
        let later = SystemTime::now() + Duration::from_secs(30);
        let date = httpdate::fmt_http_date(later);
        let wait = retry_after(&headers(&[("retry-after", &date)])).expect("date");
        assert!(
            wait > Duration::from_secs(27) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        let past = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers(&[("retry-after", &past)])),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&headers(&[("retry-after", "-3")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
        let p = RetryPolicy::default();
        for (retry, base) in [
            (0, 0.5),
            (1, 1.0),
            (2, 2.0),
            (3, 4.0),
            (4, 8.0),
            (5, 8.0),
            (30, 8.0),
        ] {
            let d = p.backoff(retry).as_secs_f64();
            assert!(d <= base && d >= base * 0.75, "retry {retry}: {d}");
        }
    }

    #[test]
    fn statuses_are_classified() {
        for s in [408, 429] {
            assert_eq!(classify_status(s), Outcome::Refused);
        }
        for s in [500, 502, 503, 504] {
            assert_eq!(classify_status(s), Outcome::MaybeProcessed);
        }
        for s in [200, 400, 401, 404, 422, 501] {
            assert_eq!(classify_status(s), Outcome::Final);
        }
    }

    #[test]
    fn idempotency_follows_the_spec_and_the_retake_flag() {
        let ingest = heymilo_gen::v1::operation("ingest_candidate").expect("op");
        assert!(!ingest.idempotent);
        assert!(is_idempotent(
            ingest,
            Some(br#"{"name":"a","email":"b","retake":false}"#)
        ));
        assert!(is_idempotent(ingest, Some(br#"{"name":"a","email":"b"}"#)));
        assert!(!is_idempotent(
            ingest,
            Some(br#"{"name":"a","email":"b","retake":true}"#)
        ));
        assert!(!is_idempotent(ingest, None));
        let create = heymilo_gen::v1::operation("create_webhook").expect("op");
        assert!(!is_idempotent(create, Some(b"{}")));
        assert!(is_idempotent(
            heymilo_gen::v1::operation("list_postings").expect("op"),
            None
        ));
        assert!(may_retry(Outcome::Refused, false));
        assert!(may_retry(Outcome::NotSent, false));
        assert!(!may_retry(Outcome::MaybeProcessed, false));
        assert!(may_retry(Outcome::MaybeProcessed, true));
        assert!(!may_retry(Outcome::Final, true));
    }
}
