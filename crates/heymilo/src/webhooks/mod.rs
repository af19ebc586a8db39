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

mod event;
#[cfg(feature = "axum")]
mod receiver;
mod subscriptions;

pub use event::{Event, EventCandidate, InterviewEvent, ParseError};
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use receiver::{receiver, receiver_fn};
pub use subscriptions::{DeliveryMethod, EventType, NewSubscription, Subscription, Webhooks};
