//! The seam every generated request passes through.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use crate::OperationMeta;

/// A boxed, `Send` future, the return type of [`Transport::execute`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The prefix of an `Error::Custom` message produced by [`Transport::admit`].
pub const REFUSED: &str = "request refused before sending: ";

/// Why [`Transport::admit`] refused to send a request.
///
/// progenitor's hooks can only fail with a message (`Error::Custom`), so a
/// refusal travels as text: [`Refusal::to_message`] writes it and
/// [`Refusal::from_message`] reads it back, typed, on the other side.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The rate limiter could not be consulted and fails closed.
    LimiterUnavailable(String),
    /// No rate-limit permit came within the request's timeout.
    NoPermitWithin(std::time::Duration),
}

impl Refusal {
    const WAITED: &'static str = "no rate-limit permit within ms=";

    /// The `Error::Custom` message carrying this refusal.
    pub fn to_message(&self) -> String {
        match self {
            Refusal::LimiterUnavailable(why) => format!("{REFUSED}{why}"),
            Refusal::NoPermitWithin(wait) => {
                format!("{REFUSED}{}{}", Self::WAITED, wait.as_millis())
            }
        }
    }

    /// The refusal an `Error::Custom` message carries, if it carries one.
    pub fn from_message(message: &str) -> Option<Refusal> {
        let rest = message.strip_prefix(REFUSED)?;
        Some(match rest.strip_prefix(Self::WAITED) {
            Some(ms) => {
                Refusal::NoPermitWithin(std::time::Duration::from_millis(ms.parse().unwrap_or(0)))
            }
            None => Refusal::LimiterUnavailable(rest.to_owned()),
        })
    }
}

/// The header HeyMilo reads the API key from.
pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// Sends one request of an operation and returns the final response.
///
/// Implementations decide everything between "the request is built" and "a
/// response is decoded": authentication, rate limiting, retries, tracing.
/// Returning a response with an error status is normal; the generated code
/// maps it to the operation's error type.
pub trait Transport: Send + Sync + fmt::Debug + 'static {
    /// Runs before the request is sent, and may refuse it: the refusal
    /// becomes the operation's `Error::Custom` ([`Refusal::to_message`]).
    /// Rate limiters that must fail closed acquire their first permit here.
    fn admit<'a>(&'a self, _op: &'static OperationMeta) -> BoxFuture<'a, Result<(), Refusal>> {
        Box::pin(async { Ok(()) })
    }

    /// Sends `request` for `op` using `client`'s connection pool.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        op: &'static OperationMeta,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>>;
}

/// The generated clients' inner value: a shared [`Transport`].
///
/// Cloning is cheap (one `Arc`).
#[derive(Clone, Debug)]
pub struct Inner(Arc<dyn Transport>);

impl Inner {
    /// Wraps a transport.
    pub fn new(transport: impl Transport) -> Self {
        Inner(Arc::new(transport))
    }

    /// Wraps an already shared transport.
    pub fn from_arc(transport: Arc<dyn Transport>) -> Self {
        Inner(transport)
    }

    /// The plain transport: adds the API key and sends, nothing more.
    pub fn api_key(key: impl Into<String>) -> Self {
        Inner::new(ApiKeyTransport::new(SecretString::from(key.into())))
    }

    /// The transport requests go through.
    pub fn transport(&self) -> &dyn Transport {
        self.0.as_ref()
    }
}

/// Puts the API key on a request, marked sensitive so that `reqwest` and
/// `http` never show it in `Debug` output.
///
/// A key that is not a valid header value is sent as nothing at all: the
/// server then answers 401, which names the problem without echoing the key.
pub fn set_api_key(request: &mut reqwest::Request, key: &SecretString) {
    match HeaderValue::from_str(key.expose_secret()) {
        Ok(mut value) => {
            value.set_sensitive(true);
            request.headers_mut().insert(API_KEY_HEADER, value);
        }
        Err(_) => {
            request.headers_mut().remove(API_KEY_HEADER);
        }
    }
}

/// Adds `X-API-KEY` to every request and sends it once.
///
/// Give the generated client a `reqwest::Client` that does not follow
/// redirects to other origins: `reqwest` carries custom headers such as the
/// key along on redirects. The `heymilo` crate's client does this for you.
pub struct ApiKeyTransport {
    key: SecretString,
}

impl ApiKeyTransport {
    /// A transport that authenticates with `key`.
    pub fn new(key: SecretString) -> Self {
        ApiKeyTransport { key }
    }
}

impl fmt::Debug for ApiKeyTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyTransport")
            .field("key", &"[redacted]")
            .finish()
    }
}

impl Transport for ApiKeyTransport {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        mut request: reqwest::Request,
        _op: &'static OperationMeta,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        set_api_key(&mut request, &self.key);
        Box::pin(client.execute(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_sent_marked_sensitive_and_never_debug_printed() {
        let client = reqwest::Client::new();
        let mut request = client
            .get("http://127.0.0.1:9/health")
            .build()
            .expect("request");
        set_api_key(&mut request, &SecretString::from("hm_live_SECRET_123"));
        let value = request.headers().get(API_KEY_HEADER).expect("header set");
        assert!(value.is_sensitive());
        assert_eq!(value.to_str().ok(), Some("hm_live_SECRET_123"));
        assert!(!format!("{request:?}").contains("SECRET"));
        assert!(!format!("{:?}", request.headers()).contains("SECRET"));
        let inner = Inner::api_key("hm_live_SECRET_123");
        assert!(!format!("{inner:?}").contains("SECRET"));
    }

    #[test]
    fn refusals_survive_the_trip_through_a_message() {
        for refusal in [
            Refusal::LimiterUnavailable("redis is down".into()),
            Refusal::NoPermitWithin(std::time::Duration::from_millis(1500)),
        ] {
            assert_eq!(Refusal::from_message(&refusal.to_message()), Some(refusal));
        }
        assert_eq!(Refusal::from_message("limit must be positive"), None);
    }

    #[test]
    fn a_key_that_is_not_a_header_value_is_not_sent() {
        let client = reqwest::Client::new();
        let mut request = client.get("http://127.0.0.1:9/").build().expect("request");
        set_api_key(&mut request, &SecretString::from("bad\nkey"));
        assert!(request.headers().get(API_KEY_HEADER).is_none());
    }
}
