//! Per-key rate limiting: at most N requests in any 60-second window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};

const WINDOW: Duration = Duration::from_secs(60);

/// The limiter: a sliding log of request times per key.
pub(crate) struct KeyLimiter {
    per_minute: u32,
    log: Mutex<HashMap<String, VecDeque<Instant>>>,
    rejected: AtomicU64,
}

/// Where a key stands, for the rate-limit headers.
#[derive(Debug)]
pub(crate) struct Status {
    limit: u32,
    remaining: u32,
    pub(crate) reset_secs: u64,
}

impl Status {
    pub(crate) fn apply(&self, headers: &mut HeaderMap) {
        for (name, value) in [
            ("x-ratelimit-limit", self.limit as u64),
            ("x-ratelimit-remaining", self.remaining as u64),
            ("x-ratelimit-reset", self.reset_secs),
        ] {
            if let Ok(v) = HeaderValue::from_str(&value.to_string()) {
                headers.insert(name, v);
            }
        }
    }
}

impl KeyLimiter {
    pub(crate) fn new(per_minute: u32) -> Self {
        KeyLimiter {
            per_minute: per_minute.max(1),
            log: Mutex::new(HashMap::new()),
            rejected: AtomicU64::new(0),
        }
    }

    /// Counts a request; `Err` when the key is over its limit.
    pub(crate) fn check(&self, key: &str) -> Result<Status, Status> {
        let now = Instant::now();
        let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        let times = log.entry(key.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            times.pop_front();
        }
        let reset = |times: &VecDeque<Instant>| {
            times
                .front()
                .map(|t| (WINDOW - now.duration_since(*t)).as_secs_f64().ceil() as u64)
                .unwrap_or(0)
        };
        if times.len() >= self.per_minute as usize {
            self.rejected.fetch_add(1, Ordering::Relaxed);
            return Err(Status {
                limit: self.per_minute,
                remaining: 0,
                reset_secs: reset(times).max(1),
            });
        }
        times.push_back(now);
        let remaining = self.per_minute - times.len() as u32;
        Ok(Status {
            limit: self.per_minute,
            remaining,
            reset_secs: reset(times),
        })
    }

    /// How many requests were refused.
    pub(crate) fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_holds_per_key() {
        let l = KeyLimiter::new(3);
        for _ in 0..3 {
            assert!(l.check("a").is_ok());
        }
        let refused = l.check("a").expect_err("over");
        assert!(refused.reset_secs >= 1);
        assert!(l.check("b").is_ok(), "keys are independent");
        assert_eq!(l.rejected(), 1);
    }
}
