//! `interviews get` (v1) and `interviews data` (v2).

use super::{Calling as _, Ctx};
use crate::cli::InterviewsCmd;
use crate::output::{Column, Output, Shape, text};

/// The table of a v1 interview.
const INTERVIEW_COLUMNS: &[Column] = &[
    text("INTERVIEW", "/interview_id"),
    text("POSTING", "/posting_id"),
    text("TITLE", "/posting_title"),
    text("COMPANY", "/company_name"),
    text("TYPE", "/posting_interview_type"),
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
            let interview = ctx
                .client
                .v1()
                .get_interview()
                .interview_id(&id)
                .send()
                .await
                .calling(&format!("getting interview {id}"), &ctx.v1_url)?;
            let mut out = Output::new(ctx.format, Shape::One, INTERVIEW_COLUMNS);
            out.item(&*interview)?;
            out.finish()
        }
        InterviewsCmd::Data { id } => {
            let data = ctx
                .client
                .v2()
                .get_interview_data()
                .interview_id(&id)
                .send()
                .await
                .calling(
                    &format!("getting the results of interview {id}"),
                    &ctx.v2_url,
                )?
                .into_inner()
                .data;
            let mut out = Output::new(ctx.format, Shape::One, DATA_COLUMNS);
            out.item(&data)?;
            out.finish()
        }
    }
}
