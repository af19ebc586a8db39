//! The request engine: whether a request may be sent again is decided here,
//! once, for every path that reaches the network.
//!
//! Every attempt ends in one [`Disposition`]. [`Resends`] turns dispositions
//! into waits and fresh rate-limit permits; the transport (every generated
//! operation), the ingest workflow's re-sends (through a handle from
//! [`Engine::resending_safely`]) and the export download
//! ([`Engine::download`]) all use it, and
//! [`Error::disposition`](crate::Error::disposition) answers the same
//! question for an error a caller holds.
//!
//! Everything read from the network is bounded here before it is used: waits
//! (clamped to the policy's cap), bodies (read under
//! [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)),
//! and the time spent waiting for a permit (the request's timeout).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use heymilo_gen::{OperationMeta, Refusal};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::rate_limit::RateLimiter;
use crate::retry::{self, PERMIT_NOTICE, RetryPolicy, Wait, WaitObserver, WaitReason};

/// What every clone of a client shares: the key and the limiter.
pub(crate) struct Shared {
    pub(crate) key: SecretString,
    pub(crate) limiter: Arc<dyn RateLimiter>,
    /// Told of the waits below (`ClientBuilder::on_wait`).
    pub(crate) on_wait: Option<WaitObserver>,
}

/// The request engine of a [`Client`](crate::Client): shared state plus the
/// retry, timeout and size settings of this handle (which per-handle
/// overrides change).
#[derive(Clone)]
pub(crate) struct Engine {
    pub(crate) shared: Arc<Shared>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    /// The most bytes a response body may have; larger ones are not read.
    pub(crate) max_response_bytes: usize,
    /// Re-send requests the spec does not call idempotent (workflows only).
    pub(crate) assume_idempotent: bool,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("api_key", &"[redacted]")
            .field("limiter", &self.shared.limiter)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

/// What one attempt's outcome says about sending the same request again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Disposition {
    /// Nothing reached the server, and trying later may succeed: the
    /// connection was refused, or the rate limiter was unavailable or gave
    /// no permit in time.
    NotSent,
    /// Nothing reached the server and, as it stands, nothing will: the
    /// client itself refused the request (a local check, configuration).
    Invalid,
    /// The server declined to process it for now (429, 408): nothing was
    /// processed; sending again after the wait is safe.
    Throttled,
    /// The server may have processed it: a 5xx, a timeout, a connection that
    /// broke after the request left or while the answer arrived. Sending
    /// again is safe only for an idempotent request.
    MaybeProcessed,
    /// The server refused it (a 4xx other than 408 and 429, 501, 505, a
    /// redirect the client does not follow): nothing was processed, and the
    /// same request fails the same way.
    Rejected,
    /// The server processed it (2xx), even when its answer could not be
    /// used (too large, not decodable). Sending again repeats the effect.
    Processed,
}

impl Disposition {
    /// Whether a request that ended this way may be sent again; `idempotent`
    /// says whether sending it twice has the effect of sending it once.
    pub fn may_resend(self, idempotent: bool) -> bool {
        match self {
            Disposition::NotSent | Disposition::Throttled => true,
            Disposition::MaybeProcessed => idempotent,
            Disposition::Invalid | Disposition::Rejected | Disposition::Processed => false,
        }
    }

    /// Whether the same request may succeed later (if it may be re-sent).
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            Disposition::NotSent | Disposition::Throttled | Disposition::MaybeProcessed
        )
    }

    /// Whether the server may have acted on the request.
    pub fn may_have_been_processed(self) -> bool {
        matches!(self, Disposition::MaybeProcessed | Disposition::Processed)
    }
}

/// Classifies an HTTP status.
pub(crate) fn classify_status(status: u16) -> Disposition {
    match status {
        200..=299 => Disposition::Processed,
        408 | 429 => Disposition::Throttled,
        // The server says it cannot do this at all: no effect, none later.
        501 | 505 => Disposition::Rejected,
        500..=599 => Disposition::MaybeProcessed,
        _ => Disposition::Rejected,
    }
}

/// Classifies a transport error.
pub(crate) fn classify_error(error: &reqwest::Error) -> Disposition {
    if error.is_connect() {
        Disposition::NotSent
    } else if error.is_builder() {
        Disposition::Invalid
    } else {
        // Timeouts, resets, a body cut short: the request may have arrived.
        Disposition::MaybeProcessed
    }
}

/// Whether sending `body` for `op` twice has the effect of sending it once:
/// the operation is idempotent, or its `x-idempotent-unless` field is not true
/// in this body (v1 ingest with `retake` false returns the existing interview).
pub(crate) fn is_idempotent(op: &OperationMeta, body: Option<&[u8]>) -> bool {
    if op.idempotent {
        return true;
    }
    let Some(field) = op.idempotent_unless else {
        return false;
    };
    let Some(body) = body else { return false };
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => value.get(field).and_then(serde_json::Value::as_bool) != Some(true),
        Err(_) => false,
    }
}

/// The re-sends of one request: counts attempts, sits out waits, takes a
/// fresh permit for each re-send. The one retry loop every path runs.
pub(crate) struct Resends<'a> {
    transport: &'a Engine,
    idempotent: bool,
    max_retries: u32,
    attempt: u32,
}

impl<'a> Resends<'a> {
    /// Re-sends of a request that is (or is not) `idempotent`.
    pub(crate) fn new(transport: &'a Engine, idempotent: bool) -> Self {
        Resends {
            transport,
            idempotent: idempotent || transport.assume_idempotent,
            max_retries: transport.retry.max_retries,
            attempt: 0,
        }
    }

    /// No re-sends at all (a body that can be sent only once).
    pub(crate) fn none(mut self) -> Self {
        self.max_retries = 0;
        self
    }

    /// Attempts made so far, minus one.
    pub(crate) fn attempt(&self) -> u32 {
        self.attempt
    }

    /// After an attempt that ended `disposition`, asking to wait `wait`:
    /// true once the wait is over and a permit is taken (send again), false
    /// when the request must not or need not be sent again.
    ///
    /// `from_api` says the answer came from HeyMilo itself: only then does a
    /// 429 pause every task sharing the limiter, and only then does a re-send
    /// need a permit (a file host elsewhere has its own limits).
    pub(crate) async fn again(
        &mut self,
        disposition: Disposition,
        wait: Option<Duration>,
        from_api: bool,
    ) -> bool {
        let policy = self.transport.retry;
        if from_api && disposition == Disposition::Throttled {
            // Everyone waits, not just this task; never longer than the cap,
            // however long the server asked for.
            let pause = wait.unwrap_or(policy.initial_backoff);
            self.transport
                .shared
                .limiter
                .pause_for(pause.min(policy.max_retry_after));
        }
        if !disposition.may_resend(self.idempotent) {
            if disposition == Disposition::MaybeProcessed && self.attempt < self.max_retries {
                tracing::debug!(
                    attempt = self.attempt,
                    "not sent again: the server may have processed this request"
                );
            }
            return false;
        }
        if self.attempt >= self.max_retries {
            return false;
        }
        if let Some(w) = wait.filter(|w| *w > policy.max_retry_after) {
            // Longer than we are willing to sit out: the caller gets the
            // answer, carrying the wait.
            tracing::debug!(
                attempt = self.attempt,
                wait_ms = w.as_millis() as u64,
                "wait exceeds cap"
            );
            return false;
        }
        let delay = wait.unwrap_or_else(|| policy.backoff(self.attempt));
        tracing::debug!(
            attempt = self.attempt,
            delay_ms = delay.as_millis() as u64,
            ?disposition,
            "sending again"
        );
        if let Some(observe) = &self.transport.shared.on_wait {
            observe(Wait {
                reason: match disposition {
                    Disposition::Throttled => WaitReason::RateLimited,
                    _ => WaitReason::Retry,
                },
                left: Some(delay),
                retry: self.attempt + 1,
            });
        }
        tokio::time::sleep(delay).await;
        if from_api && let Err(refusal) = self.transport.permit().await {
            tracing::warn!(
                ?refusal,
                "no permit for the re-send; returning the last answer"
            );
            return false;
        }
        self.attempt += 1;
        true
    }
}

/// The marker inside the body error of a response that was too large to
/// read: the error conversion finds it in the error's source chain.
#[derive(Debug, thiserror::Error)]
#[error("the response body is larger than {limit} bytes")]
pub(crate) struct BodyTooLarge {
    pub(crate) limit: usize,
}

/// What one attempt of a generated operation produced.
pub(crate) enum Attempted {
    /// An answer, its body read whole (and within the cap).
    Answer(reqwest::Response),
    /// An answer whose body passed the cap: the response handed on carries a
    /// body that fails to read with [`BodyTooLarge`].
    TooLarge(reqwest::Response),
    /// No usable answer: the connection failed, timed out or broke.
    Failed(reqwest::Error),
}

impl Attempted {
    /// The disposition and the wait the server asked for.
    pub(crate) fn disposition(&self) -> (Disposition, Option<Duration>) {
        match self {
            Attempted::Answer(r) | Attempted::TooLarge(r) => (
                classify_status(r.status().as_u16()),
                retry::retry_after(r.headers()),
            ),
            Attempted::Failed(e) => (classify_error(e), None),
        }
    }

    /// The result handed to the generated code.
    pub(crate) fn into_result(self) -> reqwest::Result<reqwest::Response> {
        match self {
            Attempted::Answer(r) | Attempted::TooLarge(r) => Ok(r),
            Attempted::Failed(e) => Err(e),
        }
    }
}

/// The most of a 5xx body parsed for the server's message.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Most redirects a file download follows.
const MAX_REDIRECTS: usize = 5;

/// Why a file download did not start.
#[derive(Debug)]
pub(crate) enum DownloadFailure {
    /// The rate limiter refused the request (same origin as the API only).
    Refused(Refusal),
    /// The connection failed or broke before the body started.
    Transport(reqwest::Error),
    /// No answer within the stall timeout.
    Stalled(Duration),
    /// A final status (after the re-sends the policy allows).
    Status(u16),
}

impl Engine {
    /// A copy of this engine whose re-sends treat every request as
    /// idempotent. Only for a workflow that has made a repeat harmless by
    /// other means (v2 ingest of one candidate on a posting without retakes).
    pub(crate) fn resending_safely(&self) -> Engine {
        Engine {
            assume_idempotent: true,
            ..self.clone()
        }
    }

    /// Waits for a rate-limit permit, at most the request's timeout.
    pub(crate) async fn permit(&self) -> Result<(), Refusal> {
        let acquire = async {
            let mut acquire = self.shared.limiter.acquire();
            if let Some(observe) = &self.shared.on_wait {
                tokio::select! {
                    granted = &mut acquire => return granted,
                    () = tokio::time::sleep(PERMIT_NOTICE) => observe(Wait {
                        reason: WaitReason::Permit,
                        left: None,
                        retry: 0,
                    }),
                }
            }
            acquire.await
        };
        let result = match self.timeout {
            Some(limit) => tokio::time::timeout(limit, acquire)
                .await
                .map_err(|_| Refusal::NoPermitWithin(limit))?,
            None => acquire.await,
        };
        result.map_err(|e| Refusal::LimiterUnavailable(e.to_string()))
    }

    /// Sends `request` once and reads its answer under the size cap.
    pub(crate) async fn attempt(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
    ) -> Attempted {
        let response = match client.execute(request).await {
            Ok(response) => response,
            Err(e) => return Attempted::Failed(e.without_url()),
        };
        read_whole(
            response,
            self.max_response_bytes,
            self.shared.key.expose_secret(),
        )
        .await
    }

    /// GETs a file a workflow needs (an export's `file_url`) under the rules
    /// of every API call: the key and a rate-limit permit only for the API's
    /// own origin (`api`), redirects followed but the key never carried to
    /// another origin, re-sends decided by [`Resends`], at most `stall` for
    /// each answer. The body is left unread, for the caller to stream.
    pub(crate) async fn download(
        &self,
        client: &reqwest::Client,
        mut url: Url,
        api: &Url,
        stall: Duration,
    ) -> Result<reqwest::Response, DownloadFailure> {
        let mut resends = Resends::new(self, true);
        let mut redirects = 0;
        loop {
            let same_origin = url.origin() == api.origin();
            let mut request = reqwest::Request::new(reqwest::Method::GET, url.clone());
            if same_origin {
                heymilo_gen::set_api_key(&mut request, &self.shared.key);
                if resends.attempt() == 0 {
                    self.permit().await.map_err(DownloadFailure::Refused)?;
                }
            }
            tracing::debug!(
                host = url.host_str().unwrap_or(""),
                same_origin,
                attempt = resends.attempt(),
                "file request"
            );
            let (failure, disposition, wait) =
                match tokio::time::timeout(stall, client.execute(request)).await {
                    Err(_) => (
                        DownloadFailure::Stalled(stall),
                        Disposition::MaybeProcessed,
                        None,
                    ),
                    Ok(Err(e)) => {
                        let disposition = classify_error(&e);
                        (
                            DownloadFailure::Transport(e.without_url()),
                            disposition,
                            None,
                        )
                    }
                    Ok(Ok(response)) => {
                        let status = response.status();
                        if status.is_success() {
                            return Ok(response);
                        }
                        if status.is_redirection()
                            && let Some(next) = redirect_target(&url, &response)
                        {
                            redirects += 1;
                            if redirects > MAX_REDIRECTS {
                                return Err(DownloadFailure::Status(status.as_u16()));
                            }
                            url = next;
                            continue;
                        }
                        (
                            DownloadFailure::Status(status.as_u16()),
                            classify_status(status.as_u16()),
                            retry::retry_after(response.headers()),
                        )
                    }
                };
            if !resends.again(disposition, wait, same_origin).await {
                return Err(failure);
            }
        }
    }
}

/// Where a redirect points, resolved against the URL that answered it.
fn redirect_target(from: &Url, response: &reqwest::Response) -> Option<Url> {
    let location = response.headers().get(reqwest::header::LOCATION)?;
    from.join(location.to_str().ok()?).ok()
}

/// Reads `response`'s body whole, at most `cap` bytes, and rebuilds the
/// response around it. Error bodies (status 400 and up) are returned with
/// `key` scrubbed out: a server that repeats the key in a message must not
/// put it in an error a person reads.
async fn read_whole(mut response: reqwest::Response, cap: usize, key: &str) -> Attempted {
    let status = response.status();
    let mut headers = response.headers().clone();
    let version = response.version();
    let too_large = || {
        let marker =
            futures::stream::once(
                async move { Err::<bytes::Bytes, _>(BodyTooLarge { limit: cap }) },
            );
        let mut rebuilt = http::Response::new(reqwest::Body::wrap_stream(marker));
        *rebuilt.status_mut() = status;
        *rebuilt.version_mut() = version;
        Attempted::TooLarge(reqwest::Response::from(rebuilt))
    };
    if response
        .content_length()
        .is_some_and(|declared| declared > cap as u64)
    {
        return too_large();
    }
    // Chunks are kept as they arrive and joined once at the end, so the
    // memory held is at most twice the cap, never a doubling Vec's slack.
    let mut chunks: Vec<bytes::Bytes> = Vec::new();
    let mut total = 0usize;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                total = total.saturating_add(chunk.len());
                if total > cap {
                    return too_large();
                }
                chunks.push(chunk);
            }
            Ok(None) => break,
            Err(e) => return Attempted::Failed(e.without_url()),
        }
    }
    let mut body = match chunks.len() {
        1 => chunks.pop().unwrap_or_default(),
        _ => {
            let mut joined = Vec::with_capacity(total);
            for chunk in &chunks {
                joined.extend_from_slice(chunk);
            }
            bytes::Bytes::from(joined)
        }
    };
    if status.as_u16() >= 400 && !key.is_empty() {
        body = scrub(body, key.as_bytes());
    }
    headers.insert(reqwest::header::CONTENT_LENGTH, body.len().into());
    let parsed = (status.is_server_error()).then(|| parse_error_body(&body));
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    *rebuilt.version_mut() = version;
    if let Some(parsed) = parsed {
        rebuilt.extensions_mut().insert(parsed);
    }
    Attempted::Answer(reqwest::Response::from(rebuilt))
}

/// `body` with every occurrence of `secret` replaced by `[redacted]`.
fn scrub(body: bytes::Bytes, secret: &[u8]) -> bytes::Bytes {
    let found = |at: usize| body[at..].starts_with(secret);
    if secret.is_empty() || !(0..body.len()).any(found) {
        return body;
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if found(i) {
            out.extend_from_slice(b"[redacted]");
            i += secret.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    bytes::Bytes::from(out)
}

/// What a final 5xx said, parsed from its body and carried in the response's
/// extensions: 5xx bodies are not in the spec, so the generated code hands the
/// raw response back, and the error conversion cannot read a body itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServerErrorBody {
    pub(crate) code: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) message: Option<String>,
}

fn parse_error_body(body: &[u8]) -> ServerErrorBody {
    let Ok(value) =
        serde_json::from_slice::<serde_json::Value>(&body[..body.len().min(MAX_ERROR_BODY)])
    else {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A limiter that grants a permit after 3 s.
    #[derive(Debug)]
    struct Slow;

    impl RateLimiter for Slow {
        fn acquire(&self) -> crate::rate_limit::BoxFuture<'_, crate::Result<()>> {
            Box::pin(async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                Ok(())
            })
        }
        fn pause_for(&self, _: Duration) {}
    }

    #[tokio::test(start_paused = true)]
    async fn the_wait_observer_hears_of_permit_and_retry_waits() {
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let client = crate::Client::builder()
            .api_key("hm_test_key")
            .rate_limiter(Arc::new(Slow))
            .on_wait(move |w| log.lock().expect("log").push(w))
            .build()
            .expect("client");
        let engine = client.engine();
        assert!(engine.permit().await.is_ok());
        let wait = Some(Duration::from_secs(3));
        let mut resends = Resends::new(engine, true);
        assert!(resends.again(Disposition::Throttled, wait, true).await);
        assert!(resends.again(Disposition::NotSent, None, false).await);
        let seen = seen.lock().expect("log");
        let told: Vec<(WaitReason, u32)> = seen.iter().map(|w| (w.reason, w.retry)).collect();
        // Each permit takes 3 s (past the notice); then the 429's wait, the backoff.
        use WaitReason::{Permit, RateLimited, Retry};
        assert_eq!(
            told,
            [(Permit, 0), (RateLimited, 1), (Permit, 0), (Retry, 2)]
        );
        assert_eq!((seen[0].left, seen[1].left), (None, wait));
    }

    #[test]
    fn statuses_are_classified() {
        use Disposition::*;
        for (status, want) in [
            (200, Processed),
            (204, Processed),
            (301, Rejected),
            (400, Rejected),
            (401, Rejected),
            (404, Rejected),
            (422, Rejected),
            (408, Throttled),
            (429, Throttled),
            (500, MaybeProcessed),
            (502, MaybeProcessed),
            (503, MaybeProcessed),
            (504, MaybeProcessed),
            (599, MaybeProcessed),
            (501, Rejected),
            (505, Rejected),
        ] {
            assert_eq!(classify_status(status), want, "{status}");
        }
    }

    #[test]
    fn resending_follows_the_disposition_and_idempotency() {
        use Disposition::*;
        for (d, idempotent, want) in [
            (NotSent, false, true),
            (Throttled, false, true),
            (MaybeProcessed, false, false),
            (MaybeProcessed, true, true),
            (Rejected, true, false),
            (Invalid, true, false),
            (Processed, true, false),
        ] {
            assert_eq!(
                d.may_resend(idempotent),
                want,
                "{d:?} idempotent={idempotent}"
            );
        }
    }

    #[test]
    fn idempotency_follows_the_spec_and_the_retake_flag() {
        let ingest = heymilo_gen::v1::operation("ingest_candidate").expect("op");
        assert!(!ingest.idempotent);
        assert!(is_idempotent(
            ingest,
            Some(br#"{"name":"a","email":"b","retake":false}"#)
        ));
        assert!(is_idempotent(ingest, Some(br#"{"name":"a","email":"b"}"#)));
        assert!(!is_idempotent(
            ingest,
            Some(br#"{"name":"a","email":"b","retake":true}"#)
        ));
        assert!(!is_idempotent(ingest, None));
        let create = heymilo_gen::v1::operation("create_webhook").expect("op");
        assert!(!is_idempotent(create, Some(b"{}")));
        assert!(is_idempotent(
            heymilo_gen::v1::operation("list_postings").expect("op"),
            None
        ));
    }

    #[test]
    fn the_key_is_scrubbed_from_bodies() {
        let body = bytes::Bytes::from_static(br#"{"detail":"bad key hm_SECRET and hm_SECRET"}"#);
        let out = scrub(body, b"hm_SECRET");
        assert_eq!(
            &out[..],
            br#"{"detail":"bad key [redacted] and [redacted]"}"#
        );
        let same = bytes::Bytes::from_static(b"nothing here");
        assert_eq!(scrub(same.clone(), b"hm_SECRET"), same);
    }
}
