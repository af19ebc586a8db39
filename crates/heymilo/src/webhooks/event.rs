//! The events HeyMilo delivers, parsed from a JSON body or a query string.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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
/// Only `interview_id` is required (an absent `Option` field reads as
/// `None`); everything HeyMilo sends that has no field here is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InterviewEvent {
    /// The interview.
    pub interview_id: String,
    /// The posting.
    pub posting_id: Option<String>,
    /// The subscription that delivered the event.
    pub webhook_id: Option<String>,
    /// The candidate (POST deliveries; a GET delivery carries no objects).
    pub candidate: Option<EventCandidate>,
    /// The interview's status when the event happened (e.g. `evaluating`).
    pub status: Option<String>,
    /// The score, once there is one.
    pub score: Option<f64>,
    /// When it happened, Unix seconds.
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
    pub name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// The person across postings.
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
}
