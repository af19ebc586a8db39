//! Webhooks: the events HeyMilo delivers, parsed; subscriptions of both
//! generations behind one small API; and, with the `axum` feature, a ready
//! receiver.
//!
//! ```
//! use heymilo::webhooks::Event;
//!
//! // POST deliveries carry the event as a JSON body...
//! let body = br#"{"event_type":"interview_completed","posting_id":"13D77095",
//!     "interview_id":"D536A69A4090E13F","status":"evaluating","score":null}"#;
//! let Event::InterviewCompleted(done) = Event::from_json(body)? else { panic!() };
//! assert_eq!(done.interview_id, "D536A69A4090E13F");
//!
//! // ...GET deliveries as query parameters.
//! let event = Event::from_query("event_type=interview_started&interview_id=D536A69A4090E13F")?;
//! assert_eq!(event.event_type(), "interview_started");
//!
//! // An event type this SDK does not know yet is kept, not refused.
//! let event = Event::from_json(br#"{"event_type":"candidate_ingested","interview_id":"X"}"#)?;
//! assert!(matches!(event, Event::Unknown(_)));
//! # Ok::<(), heymilo::webhooks::ParseError>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use futures::TryStreamExt;

use crate::{Client, Error, Paginate, Result, v1, v2};

/// An event HeyMilo delivered to a webhook.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `interview_started`: the candidate began the interview.
    InterviewStarted(InterviewEvent),
    /// `interview_completed`: the candidate finished; the score may follow later.
    InterviewCompleted(InterviewEvent),
    /// `report_available`: the interview's report (and score) is ready.
    ReportAvailable(InterviewEvent),
    /// Any other event type, kept as delivered, so that a new kind of event
    /// never breaks a receiver.
    Unknown(Value),
}

/// The body of an interview event.
///
/// Only `interview_id` is required; everything HeyMilo sends that has no
/// field here is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterviewEvent {
    /// The interview.
    pub interview_id: String,
    /// The posting.
    #[serde(default)]
    pub posting_id: Option<String>,
    /// The subscription that delivered the event.
    #[serde(default)]
    pub webhook_id: Option<String>,
    /// The candidate (POST deliveries; a GET delivery carries no objects).
    #[serde(default)]
    pub candidate: Option<EventCandidate>,
    /// The interview's status when the event happened (e.g. `evaluating`).
    #[serde(default)]
    pub status: Option<String>,
    /// The score, once there is one.
    #[serde(default)]
    pub score: Option<f64>,
    /// When it happened, Unix seconds.
    #[serde(default)]
    pub occurred_at: Option<f64>,
    /// Every other field delivered.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The candidate an event is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventCandidate {
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// The person across postings.
    #[serde(default)]
    pub candidate_id: Option<String>,
    /// Every other field delivered.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A delivery that is not an event.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The body is not JSON.
    #[error("the webhook body is not JSON: {0}")]
    NotJson(#[source] serde_json::Error),
    /// The body is JSON but not an object.
    #[error("the webhook body is not a JSON object")]
    NotAnObject,
    /// A known event type without the fields it must have.
    #[error("malformed {event_type} event: {message}")]
    Malformed {
        /// The event type.
        event_type: String,
        /// What is wrong.
        message: String,
    },
}

/// Fields a GET delivery carries as text that are numbers in a JSON body.
const NUMERIC_FIELDS: &[&str] = &["score", "occurred_at"];

impl Event {
    /// Parses a POST delivery's JSON body.
    pub fn from_json(body: &[u8]) -> Result<Event, ParseError> {
        let value: Value = serde_json::from_slice(body).map_err(ParseError::NotJson)?;
        Event::from_value(value)
    }

    /// Parses an already decoded JSON body.
    pub fn from_value(value: Value) -> Result<Event, ParseError> {
        if !value.is_object() {
            return Err(ParseError::NotAnObject);
        }
        let kind = value
            .get("event_type")
            .and_then(Value::as_str)
            .unwrap_or("");
        let wrap: fn(InterviewEvent) -> Event = match kind {
            "interview_started" => Event::InterviewStarted,
            "interview_completed" => Event::InterviewCompleted,
            "report_available" => Event::ReportAvailable,
            _ => return Ok(Event::Unknown(value)),
        };
        let event_type = kind.to_owned();
        serde_json::from_value::<InterviewEvent>(value)
            .map(wrap)
            .map_err(|e| ParseError::Malformed {
                event_type,
                message: e.to_string(),
            })
    }

    /// Parses a GET delivery's query string (`event_type=...&interview_id=...`).
    pub fn from_query(query: &str) -> Result<Event, ParseError> {
        Event::from_query_pairs(url::form_urlencoded::parse(query.as_bytes()))
    }

    /// Parses a GET delivery's query parameters, already decoded.
    ///
    /// Every value arrives as text: `score` and `occurred_at` are read as
    /// numbers (`null` or an empty value as absent), the rest stay strings.
    ///
    /// ```
    /// let event = heymilo::webhooks::Event::from_query_pairs([
    ///     ("event_type", "report_available"),
    ///     ("interview_id", "D536A69A4090E13F"),
    ///     ("score", "87.5"),
    /// ])?;
    /// assert_eq!(event.interview().and_then(|i| i.score), Some(87.5));
    /// # Ok::<(), heymilo::webhooks::ParseError>(())
    /// ```
    pub fn from_query_pairs<I, K, V>(pairs: I) -> Result<Event, ParseError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut object = Map::new();
        for (k, v) in pairs {
            let (k, v) = (k.as_ref(), v.as_ref());
            let value = if NUMERIC_FIELDS.contains(&k) {
                match v.trim() {
                    "" | "null" => Value::Null,
                    n => match n.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                        Some(n) => Value::Number(n),
                        None => Value::String(v.to_owned()),
                    },
                }
            } else {
                Value::String(v.to_owned())
            };
            object.insert(k.to_owned(), value);
        }
        Event::from_value(Value::Object(object))
    }

    /// The event type as delivered (`""` when an unknown event has none).
    pub fn event_type(&self) -> &str {
        match self {
            Event::InterviewStarted(_) => "interview_started",
            Event::InterviewCompleted(_) => "interview_completed",
            Event::ReportAvailable(_) => "report_available",
            Event::Unknown(v) => v.get("event_type").and_then(Value::as_str).unwrap_or(""),
        }
    }

    /// The interview event, for the known event types.
    pub fn interview(&self) -> Option<&InterviewEvent> {
        match self {
            Event::InterviewStarted(e)
            | Event::InterviewCompleted(e)
            | Event::ReportAvailable(e) => Some(e),
            Event::Unknown(_) => None,
        }
    }
}

/// Which API generation a subscription lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Generation {
    /// v1 (legacy): create, list, deactivate; GET or POST deliveries.
    V1,
    /// v2: create, list, delete (a soft delete); POST deliveries.
    V2,
}

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
/// use heymilo::webhooks::{EventType, Generation, NewSubscription};
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
#[derive(Debug, Clone, Copy)]
pub struct Webhooks<'c> {
    client: &'c Client,
}

impl Client {
    /// Webhook subscriptions of both generations.
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self }
    }
}

impl Webhooks<'_> {
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

#[cfg(feature = "axum")]
pub use receiver::{receiver, receiver_fn};

/// The ready receiver (feature `axum`).
#[cfg(feature = "axum")]
mod receiver {
    use std::future::Future;

    use axum::body::Bytes;
    use axum::extract::{FromRequest, Request};
    use axum::http::{Method, StatusCode, Uri};
    use axum::response::{IntoResponse, Response};
    use axum::routing::{MethodRouter, on};

    use super::{Event, ParseError};

    fn parse(method: &Method, uri: &Uri, body: &[u8]) -> Result<Event, ParseError> {
        if method == Method::GET {
            Event::from_query(uri.query().unwrap_or(""))
        } else {
            Event::from_json(body)
        }
    }

    fn bad_request(e: &ParseError) -> Response {
        tracing::debug!(error = %e, "webhook delivery refused");
        (StatusCode::BAD_REQUEST, e.to_string()).into_response()
    }

    /// A GET and POST endpoint that parses every delivery and hands it to
    /// `events`, answering at once: 200 when handed over, 400 when the
    /// delivery is not an event, 503 when the channel is full or closed (the
    /// sender may deliver again later; nothing waits on your code).
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// let (tx, mut events) = tokio::sync::mpsc::channel(1024);
    /// let app = axum::Router::new().route("/hooks/heymilo", heymilo::webhooks::receiver(tx));
    /// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    /// tokio::spawn(async move { axum::serve(listener, app).await });
    /// while let Some(event) = events.recv().await {
    ///     println!("{}", event.event_type());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn receiver<S>(events: tokio::sync::mpsc::Sender<Event>) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let handler = move |method: Method, uri: Uri, body: Bytes| {
            let events = events.clone();
            async move {
                let event = match parse(&method, &uri, &body) {
                    Ok(event) => event,
                    Err(e) => return bad_request(&e),
                };
                match events.try_send(event) {
                    Ok(()) => StatusCode::OK.into_response(),
                    Err(e) => {
                        tracing::warn!(error = %e, "webhook event not handed over");
                        StatusCode::SERVICE_UNAVAILABLE.into_response()
                    }
                }
            }
        };
        on(
            axum::routing::MethodFilter::GET.or(axum::routing::MethodFilter::POST),
            handler,
        )
    }

    /// A GET and POST endpoint that parses every delivery, answers 200 at
    /// once and runs `handler` on the event in a task of its own (400 when
    /// the delivery is not an event).
    ///
    /// ```no_run
    /// use heymilo::webhooks::Event;
    /// let app: axum::Router = axum::Router::new().route(
    ///     "/hooks/heymilo",
    ///     heymilo::webhooks::receiver_fn(|event: Event| async move {
    ///         println!("{}", event.event_type());
    ///     }),
    /// );
    /// ```
    pub fn receiver_fn<S, F, Fut>(handler: F) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
        F: Fn(Event) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let endpoint = move |method: Method, uri: Uri, body: Bytes| {
            let handler = handler.clone();
            async move {
                match parse(&method, &uri, &body) {
                    Ok(event) => {
                        tokio::spawn(handler(event));
                        StatusCode::OK.into_response()
                    }
                    Err(e) => bad_request(&e),
                }
            }
        };
        on(
            axum::routing::MethodFilter::GET.or(axum::routing::MethodFilter::POST),
            endpoint,
        )
    }

    /// The event of a delivery, as an axum extractor: query parameters for
    /// GET, the JSON body otherwise; a delivery that is not an event is
    /// answered 400.
    ///
    /// ```no_run
    /// use heymilo::webhooks::Event;
    /// async fn hook(event: Event) -> &'static str {
    ///     println!("{}", event.event_type());
    ///     "ok"
    /// }
    /// let app: axum::Router = axum::Router::new().route("/hooks", axum::routing::any(hook));
    /// ```
    impl<S> FromRequest<S> for Event
    where
        S: Send + Sync,
    {
        type Rejection = Response;

        async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
            let method = request.method().clone();
            let uri = request.uri().clone();
            let body = Bytes::from_request(request, state)
                .await
                .map_err(IntoResponse::into_response)?;
            parse(&method, &uri, &body).map_err(|e| bad_request(&e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mock_payload(event_type: &str) -> Value {
        // What heymilo-mock's webhooks::Dispatcher::payload sends.
        json!({
            "event_type": event_type,
            "webhook_id": "42AE4CFA720B1C35D499E9E39C14F321",
            "posting_id": "13D77095",
            "interview_id": "D536A69A4090E13F",
            "candidate": {"name": "Jane Doe", "email": "jane@example.com", "candidate_id": "cand_1"},
            "status": "completed",
            "score": 87.5,
            "occurred_at": 1767225612.0,
        })
    }

    #[test]
    fn json_deliveries_of_every_known_type() {
        for (kind, check) in [
            (
                "interview_started",
                (|e: &Event| matches!(e, Event::InterviewStarted(_))) as fn(&Event) -> bool,
            ),
            ("interview_completed", |e| {
                matches!(e, Event::InterviewCompleted(_))
            }),
            ("report_available", |e| {
                matches!(e, Event::ReportAvailable(_))
            }),
        ] {
            let body = serde_json::to_vec(&mock_payload(kind)).expect("json");
            let event = Event::from_json(&body).expect("parses");
            assert!(check(&event), "{kind}: {event:?}");
            assert_eq!(event.event_type(), kind);
            let i = event.interview().expect("interview");
            assert_eq!(i.score, Some(87.5));
            assert_eq!(
                i.candidate.as_ref().and_then(|c| c.email.as_deref()),
                Some("jane@example.com")
            );
        }
    }

    #[test]
    fn unknown_and_extra_fields_are_kept() {
        let mut v = mock_payload("interview_completed");
        v["brand_new"] = json!({"x": 1});
        let event = Event::from_value(v).expect("parses");
        assert_eq!(
            event.interview().expect("known").extra["brand_new"],
            json!({"x": 1})
        );
        let event =
            Event::from_value(json!({"event_type": "candidate_ingested", "x": 1})).expect("parses");
        assert!(matches!(&event, Event::Unknown(v) if v["x"] == 1));
        assert_eq!(event.event_type(), "candidate_ingested");
        assert!(matches!(
            Event::from_value(json!({})).expect("parses"),
            Event::Unknown(_)
        ));
    }

    #[test]
    fn bad_deliveries_are_errors() {
        assert!(matches!(
            Event::from_json(b"not json"),
            Err(ParseError::NotJson(_))
        ));
        assert!(matches!(
            Event::from_json(b"[1]"),
            Err(ParseError::NotAnObject)
        ));
        let err = Event::from_json(br#"{"event_type":"report_available"}"#).expect_err("no id");
        assert!(matches!(err, ParseError::Malformed { .. }), "{err}");
    }

    #[test]
    fn query_deliveries_as_the_mock_sends_them() {
        // Non-object values, strings raw and others as JSON text.
        let q = "event_type=interview_started&webhook_id=W&posting_id=13D77095\
                 &interview_id=D536A69A4090E13F&status=in_progress&score=null&occurred_at=1767225612.0";
        let Event::InterviewStarted(e) = Event::from_query(q).expect("parses") else {
            panic!("wrong type")
        };
        assert_eq!(e.interview_id, "D536A69A4090E13F");
        assert_eq!((e.score, e.occurred_at), (None, Some(1767225612.0)));
        assert_eq!(e.status.as_deref(), Some("in_progress"));
        assert!(e.candidate.is_none());
        let e = Event::from_query("event_type=report_available&interview_id=X&score=91.5")
            .expect("parses");
        assert_eq!(e.interview().and_then(|i| i.score), Some(91.5));
    }

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
