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

/// What a Redis-backed limiter does when Redis cannot be reached (without
/// the `redis` feature only the policy type exists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OnRedisFailure {
    /// Fall back to this process's own limiter, with a warning (the default):
    /// calls go on, at the risk of the fleet exceeding the shared budget
    /// until Redis is back.
    #[default]
    FallBackToLocal,
    /// Refuse to send: every call fails with
    /// [`Error::RateLimiterUnavailable`](crate::Error::RateLimiterUnavailable)
    /// until Redis is back.
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

    /// The server's own count, read from an answer's rate-limit headers
    /// (HeyMilo: "rate limit headers are included in responses"). A limiter
    /// that shares the key with someone it cannot see (another tool, a
    /// process that ran a moment ago) learns here that the server's window
    /// is fuller than its own. The default ignores it.
    fn observe(&self, budget: ServerBudget) {
        let _ = budget;
    }
}

/// What an answer's `X-RateLimit-Remaining` and `X-RateLimit-Reset` say,
/// bounded: passed to [`RateLimiter::observe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerBudget {
    /// Requests the server still accepts in its current window.
    pub remaining: u32,
    /// When the oldest request of that window stops counting, from now (at
    /// most a minute, the window's length).
    pub reset: Duration,
    /// How long ago the request this answers was sent: the server counted
    /// at some point since.
    pub sent_ago: Duration,
}

impl ServerBudget {
    /// Reads the headers of an answer to a request sent `sent_ago`; `None`
    /// without both headers or when either is not a whole number.
    pub fn from_headers(headers: &http::HeaderMap, sent_ago: Duration) -> Option<ServerBudget> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Some(ServerBudget {
            remaining: u32::try_from(number("x-ratelimit-remaining")?).unwrap_or(u32::MAX),
            // A server that sends a timestamp here still waits at most the window.
            reset: Duration::from_secs(number("x-ratelimit-reset")?).min(MINUTE),
            sent_ago: sent_ago.min(MINUTE),
        })
    }
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
/// apart must arrive at least a window apart (this costs 0.8% of the rate).
const WINDOW_MARGIN: Duration = Duration::from_millis(500);

/// The window a limiter counts permits over: a minute plus [`WINDOW_MARGIN`].
pub(crate) const WINDOW: Duration = MINUTE.saturating_add(WINDOW_MARGIN);

const MINUTE: Duration = Duration::from_secs(60);

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

/// The local limiter's state: when the permits of the last two minutes were
/// given (oldest first), and the GCRA's theoretical arrival time.
#[derive(Debug, Default)]
struct Budget {
    sent: VecDeque<Instant>,
    tat: Option<Instant>,
}

impl Budget {
    /// How many permits were given after `since`.
    fn since(&self, since: Option<Instant>) -> usize {
        let older = since.map_or(0, |s| self.sent.partition_point(|t| *t <= s));
        self.sent.len() - older
    }

    /// Reserves the earliest permit the budget allows, now or later, in the
    /// order of asking (so no waiter is overtaken forever), and returns its
    /// time.
    fn reserve(&mut self, shape: &Shape, now: Instant) -> Instant {
        // Kept a minute past the window, for `observe` to compare with.
        while self
            .sent
            .front()
            .is_some_and(|t| *t + WINDOW + MINUTE <= now)
        {
            self.sent.pop_front();
        }
        let mut at = self.sent.back().map_or(now, |last| now.max(*last));
        // At most n in any window: after the n-th latest permit's window.
        let n = shape.per_minute as usize;
        if let Some(nth) = self.sent.len().checked_sub(n).map(|i| self.sent[i]) {
            at = at.max(nth + WINDOW);
        }
        // GCRA: the burst is credit on the pace; the window above keeps the
        // burst from adding to a full window's worth.
        let credit = shape.interval * (shape.burst - 1);
        if let Some(paced) = self.tat.and_then(|tat| tat.checked_sub(credit)) {
            at = at.max(paced);
        }
        self.tat = Some(self.tat.map_or(at, |tat| tat.max(at)) + shape.interval);
        self.sent.push_back(at);
        at
    }

    /// Gives back a reservation its waiter did not use.
    fn release(&mut self, at: Instant) {
        if let Some(i) = self.sent.iter().rposition(|t| *t == at) {
            self.sent.remove(i);
        }
    }

    /// The server counts more of its window than the permits given since a
    /// window before the request was sent: the difference is someone
    /// else's. Each such request is held as a permit that stops counting
    /// between `reset` and a minute from now, spread evenly (when exactly,
    /// only the server knows; its later answers correct the guess).
    fn observe(&mut self, shape: &Shape, server: ServerBudget, now: Instant) {
        let ours = self.since(now.checked_sub(server.sent_ago + WINDOW));
        let used = shape.per_minute.saturating_sub(server.remaining) as usize;
        let free = (shape.per_minute as usize).saturating_sub(self.since(now.checked_sub(WINDOW)));
        let theirs = used.saturating_sub(ours).min(free);
        if theirs == 0 {
            return;
        }
        let spread = MINUTE.saturating_sub(server.reset);
        for i in 0..theirs {
            let expires = server.reset + spread * i as u32 / theirs as u32;
            if let Some(at) = (now + expires).checked_sub(WINDOW) {
                self.sent.push_back(at);
            }
        }
        self.sent.make_contiguous().sort();
    }
}

/// An in-process limiter: at most `per_minute` permits in any window of a
/// minute (plus half a second of margin), paced evenly with a burst of a tenth, and
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

/// A permit reserved for later; released when dropped before it is used.
struct Reservation<'a>(&'a LocalRateLimiter, Option<Instant>);

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if let Some(at) = self.1 {
            self.0.budget().release(at);
        }
    }
}

impl LocalRateLimiter {
    fn budget(&self) -> std::sync::MutexGuard<'_, Budget> {
        self.budget.lock().unwrap_or_else(|p| p.into_inner())
    }

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
                let now = Instant::now();
                let at = self.budget().reserve(&self.shape, now);
                if at <= now {
                    return Ok(());
                }
                // Given back if this waiter gives up, or a 429 pauses everyone.
                let mut reserved = Reservation(self, Some(at));
                tokio::time::sleep_until(at).await;
                if self.pause.deadline().is_none() {
                    reserved.1 = None;
                    return Ok(());
                }
            }
        })
    }

    fn pause_for(&self, wait: Duration) {
        self.pause.extend(wait);
    }

    fn observe(&self, budget: ServerBudget) {
        self.budget().observe(&self.shape, budget, Instant::now());
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

    /// Eight tasks asking at once for two minutes (paused time) get their
    /// turns in order: nobody is overtaken again and again.
    #[tokio::test(start_paused = true)]
    async fn waiters_are_served_in_turn() {
        let limiter = std::sync::Arc::new(LocalRateLimiter::per_minute(
            NonZeroU32::new(120).expect("nonzero"),
        ));
        let end = Instant::now() + Duration::from_secs(120);
        let tasks = (0..8).map(|_| {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                let mut permits = 0;
                while tokio::time::timeout_at(end, limiter.acquire())
                    .await
                    .is_ok()
                {
                    permits += 1;
                    tokio::task::yield_now().await; // sending the request
                }
                permits
            })
        });
        let counts: Vec<u32> = futures::future::join_all(tasks)
            .await
            .into_iter()
            .map(|c| c.expect("task"))
            .collect();
        let (least, most) = (counts.iter().min(), counts.iter().max());
        assert!(
            most.zip(least).is_some_and(|(m, l)| m - l <= 1),
            "{counts:?}"
        );
        assert_eq!(counts.iter().sum::<u32>(), 240, "{counts:?}");
    }

    /// Permits within 19 s at 120/min after taking `taken` and then hearing
    /// the server's count (`remaining`, reset in 20 s), paused time.
    async fn permits_after(taken: usize, remaining: Option<u32>) -> usize {
        let limiter = LocalRateLimiter::per_minute(NonZeroU32::new(120).expect("nonzero"));
        let start = Instant::now();
        for _ in 0..taken {
            limiter.acquire().await.expect("acquire");
        }
        if let Some(remaining) = remaining {
            let (reset, sent_ago) = (Duration::from_secs(20), Duration::ZERO);
            limiter.observe(ServerBudget {
                remaining,
                reset,
                sent_ago,
            });
        }
        let mut permits = 0;
        while tokio::time::timeout_at(start + Duration::from_secs(19), limiter.acquire())
            .await
            .is_ok()
        {
            permits += 1;
        }
        permits
    }

    #[tokio::test(start_paused = true)]
    async fn the_servers_count_holds_back_what_someone_else_used() {
        let fresh = permits_after(0, None).await;
        for (taken, remaining, want) in [
            (0, 120, fresh),
            (12, 108, fresh - 12), // the server counts only ours
            (0, 30, 30),
            (0, 5, 5),
            (0, 0, 0),
            (12, 0, 0),
        ] {
            let got = permits_after(taken, Some(remaining)).await;
            assert_eq!(
                got, want,
                "{taken} taken, the server says {remaining} remain"
            );
        }
    }

    #[test]
    fn the_servers_headers_are_bounded() {
        let ago = Duration::from_secs(1);
        for (remaining, reset, want) in [
            (Some("5"), Some("20"), Some((5, 20))),
            (Some("5"), Some("1767225600"), Some((5, 60))), // a timestamp: at most the window
            (Some("99999999999"), Some("0"), Some((u32::MAX, 0))),
            (Some("-1"), Some("3"), None),
            (Some("5"), None, None),
            (None, Some("3"), None),
        ] {
            let mut headers = http::HeaderMap::new();
            for (name, value) in [
                ("x-ratelimit-remaining", remaining),
                ("x-ratelimit-reset", reset),
            ] {
                if let Some(v) = value {
                    headers.insert(name, http::HeaderValue::from_static(v));
                }
            }
            let got =
                ServerBudget::from_headers(&headers, ago).map(|b| (b.remaining, b.reset.as_secs()));
            assert_eq!(got, want, "{remaining:?} {reset:?}");
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
        // Once over, a pause holds no one.
        let start = Instant::now();
        limiter.acquire().await.expect("acquire");
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
