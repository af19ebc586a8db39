//! [`Client`]: both generations behind one cheap, shareable handle.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use heymilo_gen::{Inner, v1, v2};
// `baseurl()` of the generated clients.
use progenitor_client::ClientInfo as _;

use crate::Result;
use crate::config::ClientBuilder;
use crate::engine::Engine;

/// The HeyMilo client: `v1()` and `v2()` reach every operation of each API
/// generation, and every request goes through the same retries, rate
/// limiting, timeouts and tracing.
///
/// Cloning is cheap (an `Arc`); clones share one connection pool and one rate
/// limiter, so hand clones to tasks freely.
///
/// ```no_run
/// # async fn demo() -> heymilo::Result<()> {
/// let client = heymilo::Client::from_env()?;
/// let postings = client.v1().list_postings().limit(50).send().await?;
/// println!("{} postings", postings.total);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Generations>,
}

struct Generations {
    v1: v1::Client,
    v2: v2::Client,
    http: reqwest::Client,
    transport: Engine,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("v1", &self.inner.v1.baseurl())
            .field("v2", &self.inner.v2.baseurl())
            .field("transport", &self.inner.transport)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `HEYMILO_API_KEY` and the optional `HEYMILO_V1_URL` and
    /// `HEYMILO_V2_URL`, with default settings otherwise.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::default().with_env().build()
    }

    pub(crate) fn assemble(
        http: reqwest::Client,
        engine: Engine,
        v1_url: String,
        v2_url: String,
    ) -> Client {
        Client::with_transport(http, engine, &v1_url, &v2_url)
    }

    fn with_transport(
        http: reqwest::Client,
        transport: Engine,
        v1_url: &str,
        v2_url: &str,
    ) -> Client {
        let inner = Inner::new(transport.clone());
        Client {
            inner: Arc::new(Generations {
                v1: v1::Client::new_with_client(v1_url, http.clone(), inner.clone()),
                v2: v2::Client::new_with_client(v2_url, http.clone(), inner),
                http,
                transport,
            }),
        }
    }

    /// HeyMilo API v1 (legacy): postings, interviews, export, webhooks, ingest.
    pub fn v1(&self) -> &v1::Client {
        &self.inner.v1
    }

    /// HeyMilo API v2 (current).
    pub fn v2(&self) -> &v2::Client {
        &self.inner.v2
    }

    /// A handle whose requests retry at most `retries` times; it shares this
    /// client's connections and rate limiter.
    ///
    /// ```no_run
    /// # async fn demo(client: heymilo::Client) -> heymilo::Result<()> {
    /// client.with_max_retries(0).v1().get_health().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn with_max_retries(&self, retries: u32) -> Client {
        let mut transport = self.inner.transport.clone();
        transport.retry = transport.retry.with_max_retries(retries);
        self.derive(transport)
    }

    /// A handle whose attempts time out after `timeout`; it shares this
    /// client's connections and rate limiter.
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        let mut transport = self.inner.transport.clone();
        transport.timeout = Some(timeout);
        self.derive(transport)
    }

    /// A handle that refuses to read a response body larger than `bytes`
    /// ([`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge)); it
    /// shares this client's connections and rate limiter.
    pub fn with_max_response_bytes(&self, bytes: usize) -> Client {
        let mut transport = self.inner.transport.clone();
        transport.max_response_bytes = bytes;
        self.derive(transport)
    }

    /// A handle whose re-sends treat every request as idempotent, for a
    /// workflow that made a repeat harmless by other means.
    pub(crate) fn resending_safely(&self) -> Client {
        self.derive(self.inner.transport.resending_safely())
    }

    /// The connection pool every request of this client uses (helpers that
    /// download files reuse it).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// This handle's request engine: key, limiter, retry, timeout and size settings.
    pub(crate) fn engine(&self) -> &Engine {
        &self.inner.transport
    }

    fn derive(&self, transport: Engine) -> Client {
        Client::with_transport(
            self.inner.http.clone(),
            transport,
            self.inner.v1.baseurl(),
            self.inner.v2.baseurl(),
        )
    }
}
