//! How the model's objects look on the wire, per generation: the views the
//! route modules of both generations and the control routes share.

use heymilo_gen::v1::types as t1;
use heymilo_gen::v2::types as t;
use serde_json::json;

use crate::http::AppState;
use crate::model::store::{Candidate, Posting, Stage, Store, Webhook};

/// The v1 view of an interview.
pub(crate) fn interview(s: &AppState, store: &Store, c: &Candidate) -> t1::Interview {
    let title = store.posting(&c.posting_id).map(|p| p.title.clone());
    let obj = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
    t1::Interview {
        interview_id: c.interview_id.clone(),
        details: Some(obj(
            json!({"name": c.name, "email": c.email, "phone_number": c.phone,
                            "metadata": c.metadata, "status": c.stage.status(), "created_at": c.created_at,
                            "interview_link": interview_link(s, c)}),
        )),
        workflow: Some(obj(
            json!({"status": c.stage.status(), "interviewed_at": c.interviewed_at}),
        )),
        agentic_data: Some(obj(json!({"web_interview": {"score": c.score}}))),
        company_name: Some("Acme".into()),
        company_image: None,
        posting_title: title,
        posting_interview_type: Some("web".into()),
        posting_id: Some(c.posting_id.clone()),
    }
}

/// The candidate's interview page.
pub(crate) fn interview_link(s: &AppState, c: &Candidate) -> String {
    format!("{}/_mock/i/{}", s.base_url, c.interview_id)
}

/// The v1 view of a subscription.
pub(crate) fn webhook_v1(w: &Webhook) -> t1::Webhook {
    t1::Webhook {
        webhook_id: w.id.clone(),
        posting_id: Some(w.posting_id.clone()),
        url: Some(w.url.clone()),
        webhook_url: None,
        event_type: Some(w.event_type.clone()),
        http_method: Some(w.http_method.clone()),
        is_active: Some(w.active),
        created_at: Some(w.created_at),
        updated_at: Some(w.updated_at),
    }
}

/// The v2 view of a subscription.
pub(crate) fn webhook_v2(w: &Webhook) -> t::WebhookResponse {
    t::WebhookResponse {
        object: "webhook".into(),
        webhook_id: w.id.clone(),
        posting_id: w.posting_id.clone(),
        webhook_url: w.url.clone(),
        event_type: w.event_type.clone(),
        is_active: w.active,
        created_at: w.created_at,
        updated_at: w.updated_at,
    }
}

/// A candidate's progress through the posting's workflow: nothing started
/// while pending, the last step under way while in progress, all done after.
pub(crate) fn candidate_workflow(p: Option<&Posting>, c: &Candidate) -> t::CandidateWorkflow {
    let done = matches!(c.stage, Stage::Completed | Stage::ReportAvailable);
    let started = c.stage != Stage::Pending;
    let steps: Vec<(String, usize)> = match p {
        Some(p) if !p.workflow.is_empty() => p
            .workflow
            .iter()
            .enumerate()
            .map(|(i, w)| (w.id.clone(), i))
            .collect(),
        _ => vec![("agent_vi_001".to_owned(), 0)],
    };
    let last = steps.len().saturating_sub(1);
    let steps = steps
        .into_iter()
        .map(|(step_id, i)| {
            let (started, completed) = match (done, started) {
                (true, _) => (true, true),
                (false, true) => (true, i < last),
                _ => (false, false),
            };
            let status = match (started, completed) {
                (_, true) => "completed",
                (true, false) => "in_progress",
                _ => "not_started",
            };
            t::WorkflowStepStatus {
                step_id,
                order: i as i64 + 1,
                status: status.into(),
                started,
                completed,
                knocked_out: false,
                last_updated_at: if started { c.interviewed_at } else { None },
            }
        })
        .collect();
    t::CandidateWorkflow {
        steps,
        all_complete: done,
        last_activity_at: c.interviewed_at,
    }
}

/// The v2 view of a candidate; `p` is its posting (for the workflow steps).
pub(crate) fn candidate(s: &AppState, p: Option<&Posting>, c: &Candidate) -> t::CandidateResponse {
    t::CandidateResponse {
        object: "candidate".into(),
        interview_id: c.interview_id.clone(),
        candidate_id: Some(c.candidate_id.clone()),
        posting_id: c.posting_id.clone(),
        name: c.name.clone(),
        email: c.email.clone(),
        score: c.score,
        status: c.stage.status().into(),
        interview_url: Some(interview_link(s, c)),
        workflow: Some(candidate_workflow(p, c)),
        agent_summary: None,
        shortlisted: false,
        dismissed: false,
        metadata: Some(c.metadata.clone()),
        data: Some(c.data.clone()),
        interviewed_at: c.interviewed_at,
        created_at: Some(c.created_at),
    }
}
