//! The one request path: rate limit, send, classify, maybe retry; traced.
//!
//! Every generated operation of both generations reaches the network through
//! [`Engine::execute`], so no helper can forget a rule.

use heymilo_gen::{BoxFuture, OperationMeta, Refusal, Transport};
use tracing::Instrument;

use crate::engine::{self, Attempted, Engine, Resends};

impl Transport for Engine {
    /// The first attempt's permit: a limiter that fails closed, or one that
    /// gives no permit within the request's timeout, refuses here, before
    /// anything is sent, with a typed error.
    fn admit<'a>(&'a self, _op: &'static OperationMeta) -> BoxFuture<'a, Result<(), Refusal>> {
        Box::pin(self.permit())
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

impl Engine {
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
        let idempotent = engine::is_idempotent(op, request.body().and_then(|b| b.as_bytes()));
        let mut resends = Resends::new(self, idempotent);
        loop {
            // The copy for a re-send; a body that is a stream can go only once.
            let copy = request.try_clone();
            if copy.is_none() {
                resends = resends.none();
            }
            let started = std::time::Instant::now();
            let attempted = self.attempt(client, request).await;
            let latency_ms = started.elapsed().as_millis() as u64;
            let (disposition, wait) = attempted.disposition();
            let span = tracing::Span::current();
            span.record("attempts", resends.attempt() + 1);
            match &attempted {
                Attempted::Answer(r) | Attempted::TooLarge(r) => {
                    span.record("status", r.status().as_u16());
                    tracing::debug!(
                        attempt = resends.attempt(),
                        status = r.status().as_u16(),
                        latency_ms,
                        "response"
                    );
                }
                Attempted::Failed(e) => {
                    tracing::debug!(attempt = resends.attempt(), latency_ms, error = %e, "transport error");
                }
            }
            if !resends.again(disposition, wait, true).await {
                return attempted.into_result();
            }
            let Some(copy) = copy else {
                return attempted.into_result();
            };
            request = copy;
        }
    }
}
