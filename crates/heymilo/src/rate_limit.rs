//! Client-side rate limiting, shared by every clone of a [`Client`](crate::Client).

use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

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

/// How much longer than a minute the limiters remember a permit: a request
/// reaches the server a little after its permit, and two requests a window
/// apart must arrive at least a window apart (at 300/min this costs 0.8%).
const WINDOW_MARGIN: Duration = Duration::from_millis(500);

/// The window a limiter counts permits over: a minute plus [`WINDOW_MARGIN`].
pub(crate) const WINDOW: Duration = Duration::from_secs(60).saturating_add(WINDOW_MARGIN);

/// The budget's shape, shared by the local and the Redis limiter: at most
/// `per_minute` permits in any [`WINDOW`], and between them an even pace of
/// `per_minute` a window with a burst of a tenth.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub(crate) per_minute: u32,
    /// The steady spacing of permits (the window over `per_minute`).
    pub(crate) interval: Duration,
    /// How many permits may go at once after a quiet spell.
    pub(crate) burst: u32,
}

impl Shape {
    pub(crate) fn new(per_minute: NonZeroU32) -> Shape {
        let n = per_minute.get();
        Shape {
            per_minute: n,
            interval: WINDOW / n,
            burst: (n / 10).max(1),
        }
    }
}

/// The local limiter's state: when the last permits of the window were given,
/// and the GCRA's theoretical arrival time.
#[derive(Debug, Default)]
struct Budget {
    sent: VecDeque<Instant>,
    tat: Option<Instant>,
}

impl Budget {
    /// A permit now (`None`), or how long until one may be given.
    fn take(&mut self, shape: &Shape, now: Instant) -> Option<Duration> {
        while self.sent.front().is_some_and(|t| *t + WINDOW <= now) {
            self.sent.pop_front();
        }
        if self.sent.len() >= shape.per_minute as usize
            && let Some(oldest) = self.sent.front()
        {
            return Some(*oldest + WINDOW - now);
        }
        // GCRA: the burst is credit on the pace; the window above keeps the
        // burst from adding to a full window's worth.
        let tat = self.tat.filter(|t| *t > now).unwrap_or(now);
        let credit = shape.interval * (shape.burst - 1);
        if tat > now + credit {
            return Some(tat - (now + credit));
        }
        self.tat = Some(tat + shape.interval);
        self.sent.push_back(now);
        None
    }
}

/// An in-process limiter: at most `per_minute` permits in any window of a
/// minute (plus [`WINDOW_MARGIN`]), paced evenly with a burst of a tenth, and
/// a pause that a 429 imposes on every task at once, so concurrent tasks do
/// not stampede.
///
/// The window is what the server counts, so a burst at start never costs the
/// steady rate: sustained use gets the whole budget.
pub struct LocalRateLimiter {
    shape: Shape,
    budget: Mutex<Budget>,
    pause: Pause,
}

impl fmt::Debug for LocalRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRateLimiter")
            .field("per_minute", &self.shape.per_minute)
            .finish()
    }
}

impl LocalRateLimiter {
    /// A limiter that lets at most `per_minute` requests through in any
    /// 60-second window.
    ///
    /// A tenth of the budget may go in a burst; the rest is spread evenly,
    /// and no window ever holds more than `per_minute`.
    pub fn per_minute(per_minute: NonZeroU32) -> Self {
        LocalRateLimiter {
            shape: Shape::new(per_minute),
            budget: Mutex::default(),
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
                let wait = {
                    let mut budget = self.budget.lock().unwrap_or_else(|p| p.into_inner());
                    budget.take(&self.shape, Instant::now())
                };
                match wait {
                    None => return Ok(()),
                    Some(wait) => tokio::time::sleep(wait).await,
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

    /// Permits taken as fast as they come for three minutes (paused time):
    /// the burst goes at once, no minute ever holds more than the budget,
    /// and the run gets at least 97% of it.
    #[tokio::test(start_paused = true)]
    async fn every_minute_gets_the_budget_and_never_more() {
        for per_minute in [1, 12, 120, 300] {
            let limiter =
                LocalRateLimiter::per_minute(NonZeroU32::new(per_minute).expect("nonzero"));
            let (start, run) = (Instant::now(), Duration::from_secs(180));
            let mut sent = Vec::new();
            while start.elapsed() < run {
                limiter.acquire().await.expect("acquire");
                sent.push(start.elapsed());
            }
            let burst = sent.iter().filter(|t| t.is_zero()).count();
            assert_eq!(
                burst,
                (per_minute as usize / 10).max(1),
                "{per_minute}/min: burst"
            );
            let most = sent
                .iter()
                .map(|from| {
                    sent.iter()
                        .filter(|t| **t >= *from && **t < *from + Duration::from_secs(60))
                        .count()
                })
                .max();
            assert_eq!(
                most,
                Some(per_minute as usize),
                "{per_minute}/min: the fullest minute"
            );
            let per_run = 3 * per_minute as usize;
            assert!(
                sent.len() * 100 >= per_run * 97,
                "{per_minute}/min: {} of {per_run}",
                sent.len()
            );
        }
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
    }
}
