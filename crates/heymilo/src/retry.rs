//! When to send a request again, and how long to wait first.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rand::Rng;

/// Why the client is about to sit out a wait, as told to the observer of
/// [`ClientBuilder::on_wait`](crate::ClientBuilder::on_wait).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// HeyMilo answered 429: the wait it asked for (at most the policy's cap).
    RateLimited,
    /// The last attempt failed (connection, timeout, 5xx): the backoff before a retry.
    Retry,
    /// No rate-limit permit yet: the client's own budget, or a pause another
    /// task's 429 set, holds the request.
    Permit,
}

/// A wait the client is about to sit out (or, for a permit, has sat out for
/// [`PERMIT_NOTICE`] so far and goes on with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Wait {
    /// Why.
    pub reason: WaitReason,
    /// How long from now; `None` when unknown (a permit).
    pub left: Option<Duration>,
    /// The retry the wait comes before, from 1; 0 for a permit.
    pub retry: u32,
}

/// Told of every wait before a re-send and of every permit awaited longer
/// than [`PERMIT_NOTICE`]; called on the waiting task, so it must be quick.
pub type WaitObserver = Arc<dyn Fn(Wait) + Send + Sync>;

/// How long a request waits for a rate-limit permit before the observer is told.
pub const PERMIT_NOTICE: Duration = Duration::from_secs(2);

/// Retry settings, built from [`RetryPolicy::default`] with the `with_`
/// methods.
///
/// ```
/// use std::time::Duration;
/// let policy = heymilo::RetryPolicy::default()
///     .with_max_retries(4)
///     .with_initial_backoff(Duration::from_millis(100))
///     .with_max_retry_after(Duration::from_secs(10));
/// assert_eq!(policy.max_retries(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_retry_after: Duration,
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
    setters! {
        /// Retries after the first attempt (default 2).
        pub fn with_max_retries(retries: u32) => max_retries;
        /// The first backoff (default 0.5 s); doubled at each retry.
        pub fn with_initial_backoff(backoff: Duration) => initial_backoff;
        /// The longest backoff (default 8 s).
        pub fn with_max_backoff(backoff: Duration) => max_backoff;
        /// The longest server-requested wait the client sits out (default 60 s);
        /// past it the rate-limit error is returned at once, carrying the wait,
        /// and other tasks are paused for at most this long.
        pub fn with_max_retry_after(wait: Duration) => max_retry_after;
    }

    /// Retries after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The first backoff.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest backoff.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The longest server-requested wait the client sits out.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

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

/// The longest wait read from a response. A `Retry-After` further away (a
/// huge number, a date in year 9999) reads as this: the value is the
/// server's, so it is bounded before anything adds it to a clock.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// The wait a response asks for: `retry-after-ms` (milliseconds), or
/// `Retry-After` as seconds or as an HTTP date; at most [`MAX_SERVER_WAIT`].
///
/// Anything that is not a finite, non-negative number or a date (garbage,
/// `NaN`, `-3`) is no wait at all; a date in the past is a zero wait. Never
/// panics, whatever the header holds.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(wait) = text("retry-after-ms").and_then(|v| seconds(v, 1000.0)) {
        return Some(wait);
    }
    let value = text("retry-after")?;
    if value.parse::<f64>().is_ok() {
        return seconds(value, 1.0);
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .min(MAX_SERVER_WAIT),
    )
}

/// `value / per_second` seconds, bounded to [`MAX_SERVER_WAIT`]; `None` for
/// anything that is not a finite non-negative number.
fn seconds(value: &str, per_second: f64) -> Option<Duration> {
    let n = value.parse::<f64>().ok()?;
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let secs = (n / per_second).min(MAX_SERVER_WAIT.as_secs_f64());
    Duration::try_from_secs_f64(secs).ok()
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
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn wait_for(name: &'static str, value: &str) -> Option<Duration> {
        let mut h = HeaderMap::new();
        let value = HeaderValue::from_str(value).ok()?;
        h.insert(name, value);
        retry_after(&h)
    }

    proptest! {
        /// Whatever a server writes, reading the wait never panics and never
        /// yields more than the bound.
        #[test]
        fn any_retry_after_text_is_bounded(
            text in "[ -~]{0,40}",
            number in any::<f64>(),
            secs in any::<u64>(),
            year in 1900u32..=9999,
        ) {
            let date = format!("Fri, 31 Dec {year} 23:59:59 GMT");
            for value in [text.clone(), number.to_string(), secs.to_string(), format!("{number:e}"), date] {
                for name in ["retry-after", "retry-after-ms"] {
                    if let Some(wait) = wait_for(name, &value) {
                        prop_assert!(wait <= MAX_SERVER_WAIT, "{name}: {value:?} -> {wait:?}");
                    }
                }
            }
        }
    }
}
