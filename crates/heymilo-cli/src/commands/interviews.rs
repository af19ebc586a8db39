//! `interviews get` (v1) and `interviews data` (v2).

use super::{Calling as _, Ctx};
use crate::cli::InterviewsCmd;
use crate::output::{Column, Output, scores, text, time};

/// A v1 interview: its candidate, workflow and scores.
const INTERVIEW_COLUMNS: &[Column] = &[
    text("INTERVIEW", "/interview_id"),
    text("CANDIDATE", "/details/name"),
    text("EMAIL", "/details/email"),
    text("PHONE", "/details/phone_number"),
    text("POSTING", "/posting_id"),
    text("TITLE", "/posting_title"),
    text("TYPE", "/posting_interview_type"),
    text("STATUS", "/workflow/status"),
    time("INTERVIEWED", "/workflow/interviewed_at"),
    scores("SCORES", "/agentic_data"),
    text("LINK", "/details/interview_link"),
];

/// The table of a v2 interview's results.
const DATA_COLUMNS: &[Column] = &[
    text("INTERVIEW", "/interview_id"),
    text("POSTING", "/posting_id"),
    text("NAME", "/name"),
    text("EMAIL", "/email"),
    text("STATUS", "/status"),
    text("SCORE", "/score"),
];

/// Runs `heymilo interviews ...`.
pub async fn run(ctx: &Ctx, cmd: InterviewsCmd) -> anyhow::Result<()> {
    match cmd {
        InterviewsCmd::Get { id } => {
            let what = format!("getting interview {id}");
            let asked = ctx.client.v1().get_interview().interview_id(&id);
            let interview = asked.send().await.calling(&what, &ctx.v1_url)?;
            Output::one(&ctx.style, INTERVIEW_COLUMNS, &*interview)
        }
        InterviewsCmd::Data { id } => {
            let what = format!("getting the results of interview {id}");
            let asked = ctx.client.v2().get_interview_data().interview_id(&id);
            let data = asked.send().await.calling(&what, &ctx.v2_url)?;
            Output::one(&ctx.style, DATA_COLUMNS, &data.into_inner().data)
        }
    }
}
