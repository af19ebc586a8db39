//! Webhook subscriptions and their deliveries: a real HTTP call to each
//! subscribed URL.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::json;

use crate::model::error::ModelError;
use crate::model::store::{Candidate, MAX_WEBHOOKS, Store, Webhook, webhook_size};

/// Switches webhook `id` off (v1 deactivate), or with `remove` takes it out
/// of the store as well (v2 delete, which always stamps the time); the
/// webhook as it now is.
pub fn switch_off(store: &mut Store, id: &str, remove: bool) -> Result<Webhook, ModelError> {
    let pos = position(store, id)?;
    let now = store.tick();
    let hook = &mut store.webhooks[pos];
    if hook.active || remove {
        hook.active = false;
        hook.updated_at = now;
    }
    let hook = hook.clone();
    if remove {
        store.webhooks.remove(pos);
        store.release(webhook_size(&hook));
    }
    Ok(hook)
}

/// Where webhook `id` sits in the store.
pub fn position(store: &Store, id: &str) -> Result<usize, ModelError> {
    let found = store.webhooks.iter().position(|w| w.id == id);
    found.ok_or_else(|| ModelError::not_found("Webhook"))
}

/// Stores a subscription of either generation to posting `posting_id`'s
/// `event_type`; refused (nothing stored) past the cap or the budget. The
/// URL is checked by the caller.
pub fn subscribe(
    store: &mut Store,
    posting_id: &str,
    url: &str,
    event_type: &str,
    http_method: &str,
) -> Result<Webhook, ModelError> {
    store.posting_by_id(posting_id)?;
    if store.webhooks.len() >= MAX_WEBHOOKS {
        return Err(ModelError::full(format!(
            "at most {MAX_WEBHOOKS} webhooks may exist"
        )));
    }
    let mut hook = Webhook {
        id: String::new(),
        posting_id: posting_id.to_owned(),
        url: url.to_owned(),
        event_type: event_type.to_owned(),
        http_method: http_method.to_owned(),
        active: true,
        created_at: 0.0,
        updated_at: 0.0,
    };
    // The id has a fixed length, so the size is known before it is drawn.
    store.charge(webhook_size(&hook) + 32)?;
    let now = store.tick();
    hook.id = store.hex(32);
    hook.created_at = now;
    hook.updated_at = now;
    store.webhooks.push(hook.clone());
    Ok(hook)
}

/// One delivery attempt, as the mock made it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Delivery {
    /// The subscription.
    pub webhook_id: String,
    /// The event type.
    pub event_type: String,
    /// The interview.
    pub interview_id: String,
    /// `GET` or `POST`.
    pub method: String,
    /// Where.
    pub url: String,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// Sends deliveries in the background and keeps their log.
pub(crate) struct Dispatcher {
    client: reqwest::Client,
    log: Arc<Mutex<Vec<Delivery>>>,
}

/// At most this many deliveries are kept in the log (the oldest go first).
const LOG_LIMIT: usize = 10_000;

impl Dispatcher {
    pub(crate) fn new() -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Dispatcher {
            client,
            log: Arc::new(Mutex::new(Vec::new())),
        }
    }

    pub(crate) fn log(&self) -> Vec<Delivery> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The event body HeyMilo sends.
    pub(crate) fn payload(
        event_type: &str,
        hook: &Webhook,
        c: &Candidate,
        at: f64,
    ) -> serde_json::Value {
        json!({
            "event_type": event_type,
            "webhook_id": hook.id,
            "posting_id": c.posting_id,
            "interview_id": c.interview_id,
            "candidate": {"name": c.name, "email": c.email, "candidate_id": c.candidate_id},
            "status": c.stage.status(),
            "score": c.score,
            "occurred_at": at,
        })
    }

    /// Delivers `event_type` for `c` to every matching hook, in the background.
    pub(crate) fn fire(&self, event_type: &str, hooks: Vec<Webhook>, c: &Candidate, at: f64) {
        for hook in hooks {
            let body = Self::payload(event_type, &hook, c, at);
            let client = self.client.clone();
            let log = self.log.clone();
            let mut entry = Delivery {
                webhook_id: hook.id.clone(),
                event_type: event_type.to_owned(),
                interview_id: c.interview_id.clone(),
                method: hook.http_method.to_uppercase(),
                url: hook.url.clone(),
                status: None,
                error: None,
            };
            tokio::spawn(async move {
                let request = if hook.http_method.eq_ignore_ascii_case("get") {
                    let query: Vec<(String, String)> = body
                        .as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(_, v)| !v.is_object())
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.as_str()
                                    .map(str::to_owned)
                                    .unwrap_or_else(|| v.to_string()),
                            )
                        })
                        .collect();
                    client.get(&hook.url).query(&query)
                } else {
                    client.post(&hook.url).json(&body)
                };
                match request.send().await {
                    Ok(r) => entry.status = Some(r.status().as_u16()),
                    Err(e) => entry.error = Some(e.without_url().to_string()),
                }
                let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
                if log.len() >= LOG_LIMIT {
                    log.remove(0);
                }
                log.push(entry);
            });
        }
    }
}
