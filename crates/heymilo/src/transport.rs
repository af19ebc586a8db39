//! The one request path: rate limit, send, classify, maybe retry; traced.
//!
//! Every generated operation of both generations reaches the network through
//! [`HeymiloTransport::execute`], so no helper can forget a rule.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use heymilo_gen::{BoxFuture, OperationMeta, Transport};
use secrecy::SecretString;
use tracing::Instrument;

use crate::rate_limit::RateLimiter;
use crate::retry::{self, Outcome, RetryPolicy};

/// What every clone of a client shares: the key and the limiter.
pub(crate) struct Shared {
    pub(crate) key: SecretString,
    pub(crate) limiter: Arc<dyn RateLimiter>,
}

/// The transport of a [`Client`](crate::Client): shared state plus the retry
/// and timeout settings of this handle (which per-request overrides change).
#[derive(Clone)]
pub(crate) struct HeymiloTransport {
    pub(crate) shared: Arc<Shared>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
}

impl fmt::Debug for HeymiloTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeymiloTransport")
            .field("api_key", &"[redacted]")
            .field("limiter", &self.shared.limiter)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Transport for HeymiloTransport {
    /// The first attempt's permit: a limiter that fails closed refuses here,
    /// before anything is sent, with a typed error.
    fn admit<'a>(&'a self, _op: &'static OperationMeta) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            self.shared
                .limiter
                .acquire()
                .await
                .map_err(|e| e.to_string())
        })
    }

    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        op: &'static OperationMeta,
    ) -> BoxFuture<'a, reqwest::Result<reqwest::Response>> {
        let span = tracing::debug_span!(
            "heymilo.request",
            operation = op.id,
            method = op.method,
            path = op.path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        Box::pin(self.run(client, request, op).instrument(span))
    }
}

impl HeymiloTransport {
    async fn run(
        &self,
        client: &reqwest::Client,
        mut request: reqwest::Request,
        op: &'static OperationMeta,
    ) -> reqwest::Result<reqwest::Response> {
        heymilo_gen::set_api_key(&mut request, &self.shared.key);
        if let Some(timeout) = self.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        let idempotent = retry::is_idempotent(op, request.body().and_then(|b| b.as_bytes()));
        let mut attempt: u32 = 0;
        loop {
            // A body that cannot be cloned (a stream) can be sent only once.
            let retry_copy = if attempt < self.retry.max_retries {
                request.try_clone()
            } else {
                None
            };
            let started = std::time::Instant::now();
            let result = client.execute(request).await;
            let latency_ms = started.elapsed().as_millis() as u64;
            let span = tracing::Span::current();
            span.record("attempts", attempt + 1);

            let (outcome, wait) = match &result {
                Ok(response) => {
                    let status = response.status().as_u16();
                    span.record("status", status);
                    tracing::debug!(attempt, status, latency_ms, "response");
                    let wait = retry::retry_after(response.headers());
                    if status == 429 {
                        // Everyone waits, not just this task.
                        self.shared
                            .limiter
                            .pause_for(wait.unwrap_or(self.retry.initial_backoff));
                    }
                    (retry::classify_status(status), wait)
                }
                Err(error) => {
                    tracing::debug!(attempt, latency_ms, error = %error, "transport error");
                    (retry::classify_error(error), None)
                }
            };

            let retryable = retry::may_retry(outcome, idempotent);
            let Some(next) = retry_copy.filter(|_| retryable) else {
                if outcome == Outcome::MaybeProcessed
                    && !idempotent
                    && attempt < self.retry.max_retries
                {
                    tracing::debug!(
                        attempt,
                        "not retried: the server may have processed this request"
                    );
                }
                return match result {
                    Ok(response) if response.status().is_server_error() => {
                        Ok(keep_error_body(response).await)
                    }
                    other => other,
                };
            };
            if wait.is_some_and(|w| w > self.retry.max_retry_after) {
                // Longer than we are willing to sit out: hand the 429 back, carrying the wait.
                tracing::debug!(
                    attempt,
                    wait_ms = wait.map(|w| w.as_millis() as u64),
                    "wait exceeds cap"
                );
                return result;
            }
            let delay = wait.unwrap_or_else(|| self.retry.backoff(attempt));
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
            // The first permit was taken in `admit`; each retry takes its own.
            if let Err(e) = self.shared.limiter.acquire().await {
                tracing::warn!(error = %e, "rate limiter refused the retry; returning the last answer");
                return result;
            }
            drop(result);
            request = next;
            attempt += 1;
        }
    }
}

/// The most of a 5xx body the client reads to report the server's message.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// What a final 5xx said, parsed from its body and carried in the response's
/// extensions: 5xx bodies are not in the spec, so the generated code hands the
/// raw response back, and the error conversion cannot read a body itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServerErrorBody {
    pub(crate) code: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) message: Option<String>,
}

async fn keep_error_body(response: reqwest::Response) -> reqwest::Response {
    let status = response.status();
    let headers = response.headers().clone();
    let version = response.version();
    let mut body = Vec::new();
    let mut stream = response;
    while let Ok(Some(chunk)) = stream.chunk().await {
        body.extend_from_slice(&chunk[..chunk.len().min(MAX_ERROR_BODY - body.len())]);
        if body.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    let parsed = parse_error_body(&body);
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = version;
    rebuilt.extensions_mut().insert(parsed);
    reqwest::Response::from(rebuilt)
}

fn parse_error_body(body: &[u8]) -> ServerErrorBody {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return ServerErrorBody::default();
    };
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
    let error = value.get("error");
    ServerErrorBody {
        code: text(error.and_then(|e| e.get("code"))),
        kind: text(error.and_then(|e| e.get("type"))),
        message: text(error.and_then(|e| e.get("message"))).or_else(|| text(value.get("detail"))),
    }
}
