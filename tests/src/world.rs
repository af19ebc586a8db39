//! Small pieces several test files share: canned answers, v1 calls, and a
//! wait for a condition.

use std::time::Duration;

use heymilo::v1::types::WebhookEventType::InterviewStarted;
use heymilo::v1::types::{CreateWebhookRequest, IngestCandidateRequest};
use heymilo::{Client, Error};
use heymilo_mock::{Config, MockServer};
use serde_json::json;

use crate::{Reply, done, mock_with, within};

/// heymilo-mock ([`mock_with`]) with the default config changed by `set`
/// (what it returns is dropped, so it may set several fields in a tuple).
pub async fn mock_set<R>(set: impl FnOnce(&mut Config) -> R) -> MockServer {
    let mut config = Config::default();
    drop(set(&mut config));
    mock_with(config).await
}

/// v1's `/health` answer.
pub fn health() -> Reply {
    Reply::json(200, json!({"message": "ok", "status": 200}))
}

/// A HeyMilo error body with this status and code.
pub fn error(status: u16, code: &str) -> Reply {
    let message = format!("failed with {status}");
    let body = json!({"error": {"type": "api_error", "code": code, "message": message}});
    Reply::json(status, body)
}

/// A v1 ingest of `A <email>` through `url_key`, with `retake` as given.
pub async fn v1_ingest(c: &Client, url_key: &str, email: &str, retake: bool) -> Result<(), Error> {
    let row = IngestCandidateRequest::builder().name("A").retake(retake);
    let ingest = c.v1().ingest_candidate().url_key(url_key);
    done(ingest.body(row.email(email)).send()).await
}

/// A v1 `interview_started` webhook of `posting` to `url`.
pub async fn v1_hook(c: &Client, posting: &str, url: &str) -> Result<(), Error> {
    let hook = CreateWebhookRequest::builder().posting_id(posting).url(url);
    let create = c.v1().create_webhook();
    done(create.body(hook.event_type(InterviewStarted)).send()).await
}

/// Waits (within a minute) until `done` holds, checking every 5 ms.
pub async fn until(mut done: impl FnMut() -> bool) {
    within(async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
}
