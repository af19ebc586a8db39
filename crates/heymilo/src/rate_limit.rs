//! Client-side rate limiting, shared by every clone of a [`Client`](crate::Client).

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter as Gcra};
use tokio::time::Instant;

use crate::Result;

#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use crate::rate_limit_redis::RedisRateLimiter;

/// What a Redis-backed limiter does when Redis cannot be reached.
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use crate::rate_limit_redis::OnRedisFailure;

/// What a Redis-backed limiter does when Redis cannot be reached (the
/// `redis` feature is off: only the policy type exists).
#[cfg(not(feature = "redis"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OnRedisFailure {
    /// Fall back to this process's limiter, with a warning (the default).
    #[default]
    FallBackToLocal,
    /// Refuse to send until Redis is back.
    FailClosed,
}

/// A boxed, `Send` future: what [`RateLimiter::acquire`] returns.
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// HeyMilo's documented limit: 300 requests per minute per API key.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 300;

/// Decides when a request may be sent.
///
/// One limiter serves all clones of a client; implement this to share a
/// budget further (e.g. across processes).
pub trait RateLimiter: Send + Sync + fmt::Debug + 'static {
    /// Waits until one more request fits the budget.
    fn acquire(&self) -> BoxFuture<'_, Result<()>>;

    /// The server answered 429 asking to wait `wait`: nobody sends until then.
    ///
    /// The client passes at most its retry policy's `max_retry_after`, never
    /// the server's raw value; implementations should still bound it (see
    /// [`MAX_PAUSE`]).
    fn pause_for(&self, wait: Duration);
}

/// The longest pause a limiter accepts. The client itself never asks for more
/// than its retry policy's `max_retry_after`.
pub const MAX_PAUSE: Duration = Duration::from_secs(60 * 60);

/// A deadline before which nobody sends, set by a 429; only ever extended.
#[derive(Debug, Default)]
struct Pause(Mutex<Option<Instant>>);

impl Pause {
    fn deadline(&self) -> Option<Instant> {
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        guard.filter(|until| *until > Instant::now())
    }

    /// Nobody sends for `wait` (at most [`MAX_PAUSE`], whatever a custom
    /// caller passes: the deadline is computed without overflow).
    fn extend(&self, wait: Duration) {
        let now = Instant::now();
        let Some(until) = now.checked_add(wait.min(MAX_PAUSE)) else {
            return;
        };
        let mut guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none_or(|current| current < until) {
            *guard = Some(until);
        }
    }
}

/// An in-process limiter: a GCRA budget (via `governor`) plus a pause that a
/// 429 imposes on every task at once, so concurrent tasks do not stampede.
pub struct LocalRateLimiter {
    per_minute: u32,
    gcra: governor::DefaultDirectRateLimiter,
    pause: Pause,
}

impl fmt::Debug for LocalRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRateLimiter")
            .field("per_minute", &self.per_minute)
            .finish()
    }
}

impl LocalRateLimiter {
    /// A limiter that lets at most `per_minute` requests through in any
    /// 60-second window.
    ///
    /// A tenth of the budget may go in a burst; the rest is spread evenly, so
    /// a burst followed by the steady rate still stays within the window.
    pub fn per_minute(per_minute: NonZeroU32) -> Self {
        let n = per_minute.get();
        let burst = (n / 10).max(1);
        let steady = (n - burst).max(1);
        let period = Duration::from_secs(60) / steady;
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_minute(per_minute))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        LocalRateLimiter {
            per_minute: n,
            gcra: Gcra::direct(quota),
            pause: Pause::default(),
        }
    }
}

impl RateLimiter for LocalRateLimiter {
    fn acquire(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            loop {
                if let Some(until) = self.pause.deadline() {
                    tokio::time::sleep_until(until).await;
                    continue;
                }
                match self.gcra.check() {
                    Ok(()) => return Ok(()),
                    Err(not_until) => {
                        let wait = not_until.wait_time_from(DefaultClock::default().now());
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        })
    }

    fn pause_for(&self, wait: Duration) {
        self.pause.extend(wait);
    }
}

/// A limiter that never waits (rate limiting switched off); a 429 still
/// pauses everyone for the server's wait.
#[derive(Debug, Default)]
pub struct Unlimited {
    pause: Pause,
}

impl RateLimiter for Unlimited {
    fn acquire(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            if let Some(until) = self.pause.deadline() {
                tokio::time::sleep_until(until).await;
            }
            Ok(())
        })
    }

    fn pause_for(&self, wait: Duration) {
        self.pause.extend(wait);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_tenth_goes_at_once_then_the_steady_rate() {
        let limiter = LocalRateLimiter::per_minute(NonZeroU32::new(600).expect("nonzero"));
        let start = std::time::Instant::now();
        // Counted, not timed: permits granted without waiting are the burst
        // plus one per 100 ms that passed meanwhile (none on a fast run).
        let immediate = (0..100)
            .take_while(|_| limiter.gcra.check().is_ok())
            .count();
        let refilled = (start.elapsed().as_millis() / 100) as usize + 1;
        assert!(
            (60..=60 + refilled).contains(&immediate),
            "a burst of 60: {immediate}"
        );
        limiter.acquire().await.expect("acquire");
        limiter.acquire().await.expect("acquire");
        // 540/min steady: about 111 ms apart.
        assert!(
            start.elapsed() >= Duration::from_millis(100),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_acquirer() {
        let limiter = Unlimited::default();
        limiter.pause_for(Duration::from_secs(5));
        let start = Instant::now();
        limiter.acquire().await.expect("acquire");
        assert!(start.elapsed() >= Duration::from_secs(5));
        limiter.pause_for(Duration::from_secs(1));
        limiter.pause_for(Duration::from_millis(10)); // a shorter pause never cuts a longer one
        let start = Instant::now();
        limiter.acquire().await.expect("acquire");
        assert!(start.elapsed() >= Duration::from_secs(1));
        // Once over, a pause holds no one.
        let start = Instant::now();
        limiter.acquire().await.expect("acquire");
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
