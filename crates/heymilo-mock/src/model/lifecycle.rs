//! The interview lifecycle: pending, started, completed, report available;
//! each step names the webhook event it delivers.

use crate::model::error::ModelError;
use crate::model::store::{Candidate, Stage, Store, Webhook};

/// The stage a control-route word names, and the event it delivers.
pub fn step(to: &str) -> Option<(Stage, &'static str)> {
    match to {
        "started" => Some((Stage::InProgress, "interview_started")),
        "completed" => Some((Stage::Completed, "interview_completed")),
        "report_available" => Some((Stage::ReportAvailable, "report_available")),
        _ => None,
    }
}

/// What an advance did: the interview after it, the event, the active
/// subscriptions to deliver it to, and when it happened.
#[derive(Debug, Clone)]
pub struct Advanced {
    /// The interview as it is now.
    pub candidate: Candidate,
    /// The event type.
    pub event: &'static str,
    /// The subscriptions to deliver to.
    pub hooks: Vec<Webhook>,
    /// Store time of the event.
    pub at: f64,
}

/// Moves interview `id` to `stage`; the hooks are returned, not called.
pub fn advance(
    store: &mut Store,
    id: &str,
    stage: Stage,
    event: &'static str,
) -> Result<Advanced, ModelError> {
    let candidate = store
        .set_stage(id, stage)
        .ok_or_else(|| ModelError::not_found("Interview"))?;
    let at = store.tick();
    let hooks = store
        .webhooks
        .iter()
        .filter(|w| w.active && w.posting_id == candidate.posting_id && w.event_type == event)
        .cloned()
        .collect();
    Ok(Advanced {
        candidate,
        event,
        hooks,
        at,
    })
}
