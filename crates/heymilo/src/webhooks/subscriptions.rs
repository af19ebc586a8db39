//! Subscriptions of both generations behind one handle, [`Client::webhooks`].

use futures::TryStreamExt;

use crate::{Client, Error, Generation, Paginate, Result, v1, v2};

/// An event a subscription can be for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventType {
    /// `interview_started` (v1).
    InterviewStarted,
    /// `interview_completed` (both).
    InterviewCompleted,
    /// `report_available` (v1).
    ReportAvailable,
    /// Another type by name, e.g. v2's `candidate_ingested` (v2 only; v1
    /// accepts only the three above).
    Other(String),
}

impl EventType {
    /// The name on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            EventType::InterviewStarted => "interview_started",
            EventType::InterviewCompleted => "interview_completed",
            EventType::ReportAvailable => "report_available",
            EventType::Other(s) => s,
        }
    }
}

impl From<&str> for EventType {
    fn from(name: &str) -> Self {
        match name {
            "interview_started" => EventType::InterviewStarted,
            "interview_completed" => EventType::InterviewCompleted,
            "report_available" => EventType::ReportAvailable,
            other => EventType::Other(other.to_owned()),
        }
    }
}

/// How HeyMilo calls the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DeliveryMethod {
    /// The event as query parameters (v1 only); objects such as `candidate` are left out.
    Get,
    /// The event as a JSON body.
    #[default]
    Post,
}

/// A subscription to create.
///
/// ```
/// use heymilo::webhooks::{DeliveryMethod, EventType, NewSubscription};
/// let new = NewSubscription::new("13D77095", "https://hooks.example.com/h", EventType::InterviewStarted)
///     .method(DeliveryMethod::Get);
/// assert_eq!(new.event_type.as_str(), "interview_started");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewSubscription {
    /// The posting whose events to deliver.
    pub posting_id: String,
    /// Where to deliver them.
    pub url: String,
    /// Which event.
    pub event_type: EventType,
    /// How (default POST).
    pub method: DeliveryMethod,
}

impl NewSubscription {
    /// A POST subscription to `event_type` of `posting_id`, delivered to `url`.
    pub fn new(
        posting_id: impl Into<String>,
        url: impl Into<String>,
        event_type: EventType,
    ) -> Self {
        NewSubscription {
            posting_id: posting_id.into(),
            url: url.into(),
            event_type,
            method: DeliveryMethod::Post,
        }
    }

    /// Sets the delivery method (GET is v1 only).
    pub fn method(mut self, method: DeliveryMethod) -> Self {
        self.method = method;
        self
    }
}

/// A subscription of either generation, in one shape.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Subscription {
    /// Where it lives.
    pub generation: Generation,
    /// Its identifier.
    pub webhook_id: String,
    /// The posting whose events it delivers.
    pub posting_id: String,
    /// Where events go.
    pub url: String,
    /// The event type, as the server names it.
    pub event_type: String,
    /// `get` or `post`, when the server says (v1).
    pub http_method: Option<String>,
    /// Deliveries are on, when the server says.
    pub is_active: Option<bool>,
    /// Unix seconds of creation, when the server says.
    pub created_at: Option<f64>,
}

impl From<v1::types::Webhook> for Subscription {
    fn from(w: v1::types::Webhook) -> Self {
        // v1 promises only the id; absent fields read as empty text.
        Subscription {
            generation: Generation::V1,
            url: w.target_url().unwrap_or_default().to_owned(),
            webhook_id: w.webhook_id,
            posting_id: w.posting_id.unwrap_or_default(),
            event_type: w.event_type.unwrap_or_default(),
            http_method: w.http_method,
            is_active: w.is_active,
            created_at: w.created_at,
        }
    }
}

impl From<v2::types::WebhookResponse> for Subscription {
    fn from(w: v2::types::WebhookResponse) -> Self {
        Subscription {
            generation: Generation::V2,
            webhook_id: w.webhook_id,
            posting_id: w.posting_id,
            url: w.webhook_url,
            event_type: w.event_type,
            http_method: Some("post".to_owned()),
            is_active: Some(w.is_active),
            created_at: Some(w.created_at),
        }
    }
}

/// Subscriptions of both generations; from [`Client::webhooks`].
///
/// ```no_run
/// use heymilo::Generation;
/// use heymilo::webhooks::{EventType, NewSubscription};
///
/// # async fn demo(client: heymilo::Client) -> heymilo::Result<()> {
/// let hooks = client.webhooks();
/// let new = NewSubscription::new("13D77095", "https://hooks.example.com/h", EventType::InterviewCompleted);
/// let sub = hooks.create(Generation::V2, &new).await?;
/// for s in hooks.list(Generation::V2, Some("13D77095")).await? {
///     println!("{} -> {}", s.event_type, s.url);
/// }
/// hooks.deactivate(sub.generation, &sub.webhook_id).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Webhooks {
    client: Client,
}

impl Client {
    /// Webhook subscriptions of both generations; see [`crate::webhooks`].
    pub fn webhooks(&self) -> Webhooks {
        Webhooks {
            client: self.clone(),
        }
    }
}

impl Webhooks {
    /// Subscribes (v1 `create_webhook`, v2 `create_webhook`).
    ///
    /// A GET delivery or an event type other than the three known ones is
    /// refused for v2 and v1 respectively ([`Error::InvalidRequest`]),
    /// before anything is sent. Creating is not idempotent, so a request
    /// the server may have received is never sent twice.
    pub async fn create(
        &self,
        generation: Generation,
        new: &NewSubscription,
    ) -> Result<Subscription> {
        match generation {
            Generation::V1 => {
                let event_type = match &new.event_type {
                    EventType::InterviewStarted => v1::types::WebhookEventType::InterviewStarted,
                    EventType::InterviewCompleted => {
                        v1::types::WebhookEventType::InterviewCompleted
                    }
                    EventType::ReportAvailable => v1::types::WebhookEventType::ReportAvailable,
                    EventType::Other(name) => {
                        return Err(Error::InvalidRequest {
                            message: format!("v1 webhooks cannot subscribe to {name:?}"),
                        });
                    }
                };
                let http_method = Some(match new.method {
                    DeliveryMethod::Get => v1::types::WebhookHttpMethod::Get,
                    DeliveryMethod::Post => v1::types::WebhookHttpMethod::Post,
                });
                let body = v1::types::CreateWebhookRequest {
                    posting_id: new.posting_id.clone(),
                    url: new.url.clone(),
                    event_type,
                    http_method,
                };
                let hook = self.client.v1().create_webhook().body(body).send().await?;
                Ok(hook.into_inner().into())
            }
            Generation::V2 => {
                if new.method != DeliveryMethod::Post {
                    return Err(Error::InvalidRequest {
                        message: "v2 webhooks are delivered by POST only".into(),
                    });
                }
                let body = v2::types::CreateWebhookRequest {
                    posting_id: new.posting_id.clone(),
                    webhook_url: new.url.clone(),
                    event_type: new.event_type.as_str().to_owned(),
                };
                let hook = self.client.v2().create_webhook().body(body).send().await?;
                Ok(hook.into_inner().data.into())
            }
        }
    }

    /// Every subscription of a generation, of one posting when given (v2
    /// pages through all of them and filters).
    pub async fn list(
        &self,
        generation: Generation,
        posting_id: Option<&str>,
    ) -> Result<Vec<Subscription>> {
        match generation {
            Generation::V1 => {
                let mut request = self.client.v1().list_webhooks();
                if let Some(p) = posting_id {
                    request = request.posting_id(p);
                }
                let hooks = request.send().await?.into_inner().into_webhooks();
                Ok(hooks.into_iter().map(Subscription::from).collect())
            }
            Generation::V2 => {
                self.client
                    .v2()
                    .list_webhooks()
                    .limit(100)
                    .stream()
                    .try_filter(|w| {
                        std::future::ready(posting_id.is_none_or(|p| w.posting_id == p))
                    })
                    .map_ok(Subscription::from)
                    .try_collect()
                    .await
            }
        }
    }

    /// Stops deliveries (v1 `deactivate_webhook`, v2 `delete_webhook`, a soft
    /// delete); safe to repeat on v1. Returns the subscription as it now stands.
    pub async fn deactivate(
        &self,
        generation: Generation,
        webhook_id: &str,
    ) -> Result<Subscription> {
        match generation {
            Generation::V1 => {
                let hook = self
                    .client
                    .v1()
                    .deactivate_webhook()
                    .webhook_id(webhook_id)
                    .send()
                    .await?;
                Ok(hook.into_inner().into())
            }
            Generation::V2 => {
                let hook = self
                    .client
                    .v2()
                    .delete_webhook()
                    .webhook_id(webhook_id)
                    .send()
                    .await?;
                Ok(hook.into_inner().data.into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_type_names_round_trip() {
        for name in [
            "interview_started",
            "interview_completed",
            "report_available",
            "candidate_ingested",
        ] {
            assert_eq!(EventType::from(name).as_str(), name);
        }
    }
}
