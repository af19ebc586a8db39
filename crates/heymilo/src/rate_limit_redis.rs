//! A rate limiter whose state lives in Redis, shared by every process that
//! uses the same API key (feature `redis`).
//!
//! One Lua script does the whole GCRA step atomically on the server's clock,
//! so workers on different machines agree without coordinating; a 429 seen by
//! any worker pauses all of them through a second key. Keys are derived from
//! a SHA-256 of the API key: the key itself never reaches Redis.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::rate_limit::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use tokio::sync::OnceCell;

use crate::rate_limit::{
    LocalRateLimiter, OnRedisFailure, RateLimiter, ServerBudget, Shape, WINDOW,
};
use crate::{Error, Result};

/// What every script starts with: Redis's clock in milliseconds, and `num(i)`,
/// ARGV[i] as a number.
macro_rules! prelude {
    () => {
        r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num(i) return tonumber(ARGV[i]) end
"#
    };
}

/// The local limiter's reservation ([`Shape`]) in one atomic script, on
/// Redis's clock. KEYS[1]: the budget's key (GCRA time; `:log` holds the
/// permits of the last two minutes, comma-separated ms, oldest first, future
/// reservations last; `:pause` a 429's deadline). ARGV: emission interval
/// (ms), burst, permits per window, window (ms). Returns the milliseconds
/// until the reserved permit (0: now), or minus those until a pause ends
/// (nothing reserved). Every value is a string, so any Redis client can read
/// the keys.
const ACQUIRE: &str = concat!(
    prelude!(),
    r#"
local interval, burst, limit, window = num(1), num(2), num(3), num(4)
local pause = tonumber(redis.call('GET', KEYS[1] .. ':pause') or '0')
if pause > now then return now - pause end
local sent = {}
for v in string.gmatch(redis.call('GET', KEYS[1] .. ':log') or '', '%d+') do
  local at = tonumber(v)
  if at + window + 60000 > now then sent[#sent + 1] = at end
end
local at = math.max(now, sent[#sent] or now)
if #sent >= limit then at = math.max(at, sent[#sent - limit + 1] + window) end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
at = math.max(at, tat - (burst - 1) * interval)
tat = math.max(tat, at) + interval
redis.call('SET', KEYS[1], tat, 'PX', tat - now + 1000)
sent[#sent + 1] = at
redis.call('SET', KEYS[1] .. ':log', table.concat(sent, ','), 'PX', at - now + window + 61000)
return at - now
"#
);

/// The local limiter's `observe` on the shared log. ARGV: the server's
/// remaining, its reset (ms), how long ago the request went (ms), permits
/// per window, window (ms). Returns the requests taken as someone else's.
const OBSERVE: &str = concat!(
    prelude!(),
    r#"
local remaining, reset, ago, limit, window = num(1), num(2), num(3), num(4), num(5)
local sent, ours, recent = {}, 0, 0
for v in string.gmatch(redis.call('GET', KEYS[1] .. ':log') or '', '%d+') do
  local at = tonumber(v)
  sent[#sent + 1] = at
  if at > now - ago - window then ours = ours + 1 end
  if at > now - window then recent = recent + 1 end
end
local theirs = math.min(math.max(limit - remaining, 0) - ours, limit - recent)
if theirs <= 0 then return 0 end
local spread = math.max(60000 - reset, 0)
for i = 0, theirs - 1 do
  sent[#sent + 1] = now + reset + math.floor(spread * i / theirs) - window
end
table.sort(sent)
redis.call('SET', KEYS[1] .. ':log', table.concat(sent, ','), 'PX', window + 61000)
return theirs
"#
);

/// Pauses the budget until `now + ARGV[1]` ms, never shortening a pause.
const PAUSE: &str = concat!(
    prelude!(),
    r#"
local untl = now + num(1)
local cur = tonumber(redis.call('GET', KEYS[1] .. ':pause') or '0')
if untl > cur then redis.call('SET', KEYS[1] .. ':pause', untl, 'PX', num(1) + 1000) end
return 0
"#
);

/// The Redis-backed limiter; build it with [`RedisRateLimiter::new`] or
/// [`ClientBuilder::redis_rate_limit`](crate::ClientBuilder::redis_rate_limit).
///
/// The same budget as [`LocalRateLimiter`], kept in Redis: permits are
/// reserved in the order asked for, across processes; a waiter that gives up
/// (its timeout) leaves its reserved permit unused.
pub struct RedisRateLimiter {
    client: redis::Client,
    connection: OnceCell<redis::aio::ConnectionManager>,
    key: String,
    shape: Shape,
    on_failure: OnRedisFailure,
    fallback: LocalRateLimiter,
    warned: AtomicBool,
}

impl fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The connection info may hold a Redis password: show neither it nor the API key.
        f.debug_struct("RedisRateLimiter")
            .field("budget_key", &self.key)
            .field("per_minute", &self.shape.per_minute)
            .field("on_failure", &self.on_failure)
            .finish_non_exhaustive()
    }
}

impl RedisRateLimiter {
    /// A limiter of `per_minute` requests for `api_key`, shared through the
    /// Redis at `url` (e.g. `redis://127.0.0.1:6379`). Connects on first use.
    pub fn new(
        url: &str,
        api_key: &SecretString,
        per_minute: NonZeroU32,
        on_failure: OnRedisFailure,
    ) -> Result<Self> {
        let client = redis::Client::open(url).map_err(|e| Error::Config {
            message: format!("Redis URL for the rate limiter: {e}"),
        })?;
        let digest = Sha256::digest(api_key.expose_secret().as_bytes());
        let hash: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
        Ok(RedisRateLimiter {
            client,
            connection: OnceCell::new(),
            key: format!("heymilo:ratelimit:{hash}"),
            shape: Shape::new(per_minute),
            on_failure,
            fallback: LocalRateLimiter::per_minute(per_minute),
            warned: AtomicBool::new(false),
        })
    }

    /// The Redis key the budget lives under (a hash of the API key).
    pub fn budget_key(&self) -> &str {
        &self.key
    }

    async fn connection(&self) -> redis::RedisResult<redis::aio::ConnectionManager> {
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(2))
            .set_response_timeout(Duration::from_secs(2))
            .set_number_of_retries(1);
        self.connection
            .get_or_try_init(|| {
                redis::aio::ConnectionManager::new_with_config(self.client.clone(), config)
            })
            .await
            .cloned()
    }

    /// Milliseconds until a reserved permit, or minus those until a pause ends.
    async fn try_acquire(&self) -> redis::RedisResult<i64> {
        let mut conn = self.connection().await?;
        redis::Script::new(ACQUIRE)
            .key(&self.key)
            .arg(self.shape.interval.as_millis() as u64)
            .arg(self.shape.burst)
            .arg(self.shape.per_minute)
            .arg(WINDOW.as_millis() as u64)
            .invoke_async(&mut conn)
            .await
    }

    fn unavailable(&self, e: &redis::RedisError) -> Result<()> {
        match self.on_failure {
            OnRedisFailure::FailClosed => Err(Error::RateLimiterUnavailable {
                message: format!("Redis is unreachable: {}", e.kind_description()),
            }),
            OnRedisFailure::FallBackToLocal => {
                if !self.warned.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        error = e.kind_description(),
                        "Redis rate limiter unreachable; using this process's limiter"
                    );
                }
                Ok(())
            }
        }
    }
}

trait KindDescription {
    fn kind_description(&self) -> String;
}

impl KindDescription for redis::RedisError {
    /// The error without connection details (which may include a password).
    fn kind_description(&self) -> String {
        format!("{:?}", self.kind())
    }
}

impl RateLimiter for RedisRateLimiter {
    fn acquire(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            loop {
                match self.try_acquire().await {
                    // Reserved (in the order of asking, across processes):
                    // the permit is this waiter's once the wait is over.
                    Ok(wait_ms @ 0..) => {
                        self.warned.store(false, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(wait_ms.unsigned_abs())).await;
                        return Ok(());
                    }
                    Ok(paused_ms) => {
                        tokio::time::sleep(Duration::from_millis(paused_ms.unsigned_abs())).await
                    }
                    Err(e) => {
                        self.unavailable(&e)?;
                        return self.fallback.acquire().await;
                    }
                }
            }
        })
    }

    fn pause_for(&self, wait: Duration) {
        self.fallback.pause_for(wait);
        let ms = wait.min(crate::rate_limit::MAX_PAUSE).as_millis() as u64;
        self.in_background(PAUSE, vec![ms], "the server's wait");
    }

    fn observe(&self, budget: ServerBudget) {
        self.fallback.observe(budget);
        let ms = |d: Duration| d.as_millis() as u64;
        let args = vec![
            u64::from(budget.remaining),
            ms(budget.reset),
            ms(budget.sent_ago),
            u64::from(self.shape.per_minute),
            ms(WINDOW),
        ];
        self.in_background(OBSERVE, args, "the server's count");
    }
}

impl RedisRateLimiter {
    /// Runs `script` with `args` on the budget's key without waiting for it
    /// (from a running tokio runtime, once connected; otherwise not at all).
    fn in_background(&self, script: &'static str, args: Vec<u64>, what: &'static str) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let Some(mut conn) = self.connection.get().cloned() else {
            return;
        };
        let key = self.key.clone();
        handle.spawn(async move {
            let call = redis::Script::new(script);
            let mut invocation = call.key(&key);
            for arg in args {
                invocation.arg(arg);
            }
            let result: redis::RedisResult<u64> = invocation.invoke_async(&mut conn).await;
            if let Err(e) = result {
                tracing::warn!(error = ?e.kind(), "could not share {what} through Redis");
            }
        });
    }
}

/// Builds the limiter for a client (used by the builder).
pub(crate) fn limiter(
    url: &str,
    key: &SecretString,
    per_minute: u32,
    on_failure: OnRedisFailure,
) -> Result<Arc<dyn RateLimiter>> {
    let per_minute = NonZeroU32::new(per_minute).ok_or_else(|| Error::Config {
        message: "the rate limit must be at least 1 per minute".into(),
    })?;
    Ok(Arc::new(RedisRateLimiter::new(
        url, key, per_minute, on_failure,
    )?))
}
