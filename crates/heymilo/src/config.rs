//! Building a [`Client`]: key, base URLs, timeouts, retries, rate limiting.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;

use crate::engine::{Engine, Shared};
use crate::rate_limit::{DEFAULT_REQUESTS_PER_MINUTE, LocalRateLimiter, RateLimiter, Unlimited};
use crate::retry::{RetryPolicy, Wait, WaitObserver};
use crate::{Client, Error, Result};

/// v1's production base URL.
pub const DEFAULT_V1_URL: &str = "https://api.heymilo.network";
/// v2's production base URL.
pub const DEFAULT_V2_URL: &str = "https://api.heymilo.ai";

/// The largest response body a client reads by default: 64 MiB. HeyMilo's
/// largest answers (a page of 100 candidates with their interview data) are
/// far below it; exports stream to their writer and are not bounded by it.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// The environment variable holding the API key.
pub const ENV_API_KEY: &str = "HEYMILO_API_KEY";
/// The environment variable overriding v1's base URL.
pub const ENV_V1_URL: &str = "HEYMILO_V1_URL";
/// The environment variable overriding v2's base URL.
pub const ENV_V2_URL: &str = "HEYMILO_V2_URL";
/// The environment variable naming a Redis that shares the rate limit
/// across processes (needs the `redis` feature).
pub const ENV_REDIS_URL: &str = "HEYMILO_REDIS_URL";

/// How the client limits its own request rate.
/// Where the rate limit is kept; the budget itself is `per_minute`.
#[derive(Clone)]
enum Limit {
    /// In this process.
    Local,
    /// Nowhere: no client-side limit.
    Off,
    /// The caller's limiter.
    Custom(Arc<dyn RateLimiter>),
    /// Shared through Redis at this URL.
    Redis(String),
}

/// Configures a [`Client`]; start with [`Client::builder`].
///
/// ```
/// let client = heymilo::Client::builder()
///     .api_key("hm_live_example")
///     .v1_base_url("http://127.0.0.1:4010")
///     .v2_base_url("http://127.0.0.1:4010")
///     .max_retries(2)
///     .build()?;
/// # Ok::<(), heymilo::Error>(())
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    v1_url: String,
    v2_url: String,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: usize,
    limit: Limit,
    per_minute: u32,
    on_redis_failure: crate::rate_limit::OnRedisFailure,
    on_wait: Option<WaitObserver>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("v1_url", &self.v1_url)
            .field("v2_url", &self.v2_url)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            api_key: None,
            v1_url: DEFAULT_V1_URL.to_owned(),
            v2_url: DEFAULT_V2_URL.to_owned(),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            limit: Limit::Local,
            per_minute: DEFAULT_REQUESTS_PER_MINUTE,
            on_redis_failure: Default::default(),
            on_wait: None,
        }
    }
}

impl ClientBuilder {
    /// The workspace's API key (required).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::from(key.into()));
        self
    }

    /// v1's base URL (default `https://api.heymilo.network`).
    pub fn v1_base_url(mut self, url: impl Into<String>) -> Self {
        self.v1_url = url.into();
        self
    }

    /// v2's base URL (default `https://api.heymilo.ai`).
    pub fn v2_base_url(mut self, url: impl Into<String>) -> Self {
        self.v2_url = url.into();
        self
    }

    setters! {
        /// Retries after a failed attempt (default 2; 0 turns retrying off).
        pub fn max_retries(retries: u32) => retry.max_retries;
        /// Every retry setting at once.
        pub fn retry_policy(policy: RetryPolicy) => retry;
        /// The limit on one attempt, from sending to the end of the body (default 60 s).
        pub fn timeout(timeout: Duration) => timeout;
        /// The largest response body the client reads (default
        /// [`DEFAULT_MAX_RESPONSE_BYTES`]). A larger body (declared, or counted
        /// while it arrives) is dropped unread past the limit and the call fails
        /// with [`Error::ResponseTooLarge`]: a server cannot make the client hold
        /// more than about twice this much for one response.
        pub fn max_response_bytes(bytes: usize) => max_response_bytes;
        /// The limit on opening a connection (default 10 s).
        pub fn connect_timeout(timeout: Duration) => connect_timeout;
    }

    /// Client-side rate limit in requests per minute (default 300, HeyMilo's limit).
    pub fn rate_limit_per_minute(mut self, per_minute: u32) -> Self {
        self.per_minute = per_minute;
        if !matches!(self.limit, Limit::Redis(_)) {
            self.limit = Limit::Local;
        }
        self
    }

    /// Shares the rate limit (of [`rate_limit_per_minute`](Self::rate_limit_per_minute))
    /// with every process using the same key, through the Redis at `url`
    /// (feature `redis`). The API key itself never reaches Redis.
    ///
    /// ```no_run
    /// let client = heymilo::Client::builder()
    ///     .api_key("hm_live_example")
    ///     .rate_limit_per_minute(300)
    ///     .redis_rate_limit("redis://127.0.0.1:6379")
    ///     .build()?;
    /// # Ok::<(), heymilo::Error>(())
    /// ```
    pub fn redis_rate_limit(mut self, url: impl Into<String>) -> Self {
        self.limit = Limit::Redis(url.into());
        self
    }

    /// What happens when that Redis cannot be reached (default: fall back to
    /// this process's own limiter, with a warning).
    pub fn on_redis_failure(mut self, policy: crate::rate_limit::OnRedisFailure) -> Self {
        self.on_redis_failure = policy;
        self
    }

    /// No client-side rate limit (a 429 still pauses every task for the server's wait).
    pub fn no_rate_limit(mut self) -> Self {
        self.limit = Limit::Off;
        self
    }

    /// Calls `observer` before every wait the client sits out on its own: a
    /// retry's backoff, a 429's `Retry-After`, and a rate-limit permit not
    /// granted within [`PERMIT_NOTICE`](crate::PERMIT_NOTICE). For showing
    /// progress (a CLI's "waiting 30 s: rate limited"); shared by every clone.
    ///
    /// ```
    /// let client = heymilo::Client::builder()
    ///     .api_key("hm_live_example")
    ///     .on_wait(|w: heymilo::Wait| eprintln!("waiting ({:?}): {:?}", w.reason, w.left))
    ///     .build()?;
    /// # Ok::<(), heymilo::Error>(())
    /// ```
    pub fn on_wait(mut self, observer: impl Fn(Wait) + Send + Sync + 'static) -> Self {
        self.on_wait = Some(Arc::new(observer));
        self
    }

    /// A rate limiter of your own, e.g. one shared across processes.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limit = Limit::Custom(limiter);
        self
    }

    /// Reads `HEYMILO_API_KEY` and, when set, `HEYMILO_V1_URL` and `HEYMILO_V2_URL`.
    pub fn with_env(mut self) -> Self {
        if let Ok(key) = std::env::var(ENV_API_KEY) {
            self = self.api_key(key);
        }
        if let Ok(url) = std::env::var(ENV_V1_URL) {
            self = self.v1_base_url(url);
        }
        if let Ok(url) = std::env::var(ENV_V2_URL) {
            self = self.v2_base_url(url);
        }
        if let Ok(url) = std::env::var(ENV_REDIS_URL) {
            self = self.redis_rate_limit(url);
        }
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let key = self.api_key.ok_or_else(|| Error::Config {
            message: format!("no API key: call .api_key(...) or set {ENV_API_KEY}"),
        })?;
        check_key(&key)?;
        let v1_url = check_url("v1", &self.v1_url)?;
        let v2_url = check_url("v2", &self.v2_url)?;
        let limiter: Arc<dyn RateLimiter> = match self.limit {
            Limit::Local => match NonZeroU32::new(self.per_minute) {
                Some(n) => Arc::new(LocalRateLimiter::per_minute(n)),
                None => {
                    return Err(Error::Config {
                        message: "the rate limit must be at least 1 per minute".into(),
                    });
                }
            },
            Limit::Off => Arc::new(Unlimited::default()),
            Limit::Custom(l) => l,
            #[cfg(feature = "redis")]
            Limit::Redis(url) => crate::rate_limit_redis::limiter(
                &url,
                &key,
                self.per_minute,
                self.on_redis_failure,
            )?,
            #[cfg(not(feature = "redis"))]
            Limit::Redis(url) => {
                return Err(Error::Config {
                    message: format!(
                        "a Redis rate limit ({ENV_REDIS_URL}={url:?}) needs heymilo's `redis` feature"
                    ),
                });
            }
        };
        let http = reqwest::Client::builder()
            .user_agent(concat!("heymilo-rust/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(self.connect_timeout)
            .redirect(same_origin_redirects())
            .build()
            .map_err(|e| Error::Config {
                message: format!("cannot build the HTTP client: {e}"),
            })?;
        let engine = Engine {
            shared: Arc::new(Shared {
                key,
                limiter,
                on_wait: self.on_wait,
            }),
            retry: self.retry,
            timeout: Some(self.timeout),
            max_response_bytes: self.max_response_bytes,
            assume_idempotent: false,
        };
        Ok(Client::assemble(http, engine, v1_url, v2_url))
    }
}

/// Follows redirects only within the origin of the request.
///
/// The API key is a custom header, which `reqwest` would carry along to any
/// host a redirect names (it strips only `Authorization` and cookies); a
/// redirect elsewhere (e.g. v2's voice preview to an audio CDN) is returned
/// to the caller instead, with its `Location`.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin || attempt.previous().len() > 5 {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

fn check_key(key: &SecretString) -> Result<()> {
    use secrecy::ExposeSecret;
    let k = key.expose_secret();
    if k.trim().is_empty() {
        return Err(Error::Config {
            message: "the API key is empty".into(),
        });
    }
    // Say what is wrong without repeating the key.
    if !k.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Err(Error::Config {
            message: "the API key contains white space or non-ASCII characters".into(),
        });
    }
    Ok(())
}

fn check_url(which: &str, url: &str) -> Result<String> {
    let parsed = url::Url::parse(url).map_err(|e| Error::Config {
        message: format!("{which} base URL {url:?}: {e}"),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Config {
            message: format!("{which} base URL {url:?} must be http or https"),
        });
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_are_typed_errors_that_never_show_the_key() {
        let err = ClientBuilder::default().build().expect_err("no key");
        assert!(err.to_string().contains("HEYMILO_API_KEY"));
        let err = ClientBuilder::default()
            .api_key("sk live SECRET")
            .build()
            .expect_err("space");
        assert!(!format!("{err} {err:?}").contains("SECRET"));
        let err = ClientBuilder::default()
            .api_key("k")
            .v2_base_url("ftp://x")
            .build()
            .expect_err("scheme");
        assert!(err.to_string().contains("v2 base URL"));
        let err = ClientBuilder::default()
            .api_key("k")
            .v1_base_url("not a url")
            .build()
            .expect_err("url");
        assert!(matches!(err, Error::Config { .. }));
        let err = ClientBuilder::default()
            .api_key("k")
            .rate_limit_per_minute(0)
            .build()
            .expect_err("zero");
        assert!(err.to_string().contains("rate limit"));
    }

    #[test]
    fn debug_redacts_the_key() {
        let b = ClientBuilder::default().api_key("hm_live_SECRET");
        assert!(!format!("{b:?}").contains("SECRET"));
        let client = b.build().expect("builds");
        assert!(!format!("{client:?}").contains("SECRET"));
    }
}
