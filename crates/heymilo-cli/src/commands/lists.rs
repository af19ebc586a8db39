//! `postings` (v1) and `candidates list` (v2).

use std::num::NonZeroU64;

use futures::TryStreamExt as _;
use heymilo::Paginate as _;

use super::{Calling as _, Ctx};
use crate::cli::{CandidatesCmd, ListArgs};
use crate::output::{Column, Output, Shape, text, time};

/// The table of postings.
const POSTING_COLUMNS: &[Column] = &[
    text("POSTING", "/posting_id"),
    text("TITLE", "/title"),
    time("CREATED", "/created_at"),
    time("DEADLINE", "/deadline"),
    text("ARCHIVED", "/archived"),
];

/// The table of candidates.
const CANDIDATE_COLUMNS: &[Column] = &[
    text("INTERVIEW", "/interview_id"),
    text("NAME", "/name"),
    text("EMAIL", "/email"),
    text("STATUS", "/status"),
    text("SCORE", "/score"),
    time("CREATED", "/created_at"),
];

/// The most items one request returns.
const MAX_PAGE: u64 = 100;

/// How a list is fetched: one request, or pages until enough.
struct Plan {
    /// Items per request.
    page_size: NonZeroU64,
    /// Stop after this many items (`None`: all of them).
    max: Option<u64>,
}

impl Plan {
    fn of(list: &ListArgs) -> Plan {
        let (size, max) = if list.all {
            (list.page_size, None)
        } else {
            (list.limit.min(MAX_PAGE), Some(list.limit))
        };
        Plan {
            page_size: NonZeroU64::new(size).unwrap_or(NonZeroU64::MIN),
            max,
        }
    }

    /// Whether one request is enough (no prefetch of a page never shown).
    fn one_page(&self) -> bool {
        self.max.is_some_and(|m| m <= self.page_size.get())
    }

    fn done(&self, printed: u64) -> bool {
        self.max.is_some_and(|m| printed >= m)
    }
}

/// `heymilo postings`: one page (`--limit`), or every page (`--all`) streamed.
pub async fn postings(ctx: &Ctx, list: &ListArgs) -> anyhow::Result<()> {
    let plan = Plan::of(list);
    let what = "listing postings";
    let request = ctx.client.v1().list_postings().limit(plan.page_size);
    let mut out = Output::new(ctx.format, Shape::List, POSTING_COLUMNS);
    if plan.one_page() {
        let page = request.send().await.calling(what, &ctx.v1_url)?;
        for posting in &page.postings {
            out.item(posting)?;
        }
    } else {
        let mut stream = request.stream();
        let mut printed = 0;
        while let Some(posting) = stream.try_next().await.calling(what, &ctx.v1_url)? {
            out.item(&posting)?;
            printed += 1;
            if plan.done(printed) {
                break;
            }
        }
    }
    out.finish()
}

/// `heymilo candidates list`: one page, or every page streamed through `.stream()`.
pub async fn candidates(ctx: &Ctx, cmd: CandidatesCmd) -> anyhow::Result<()> {
    let CandidatesCmd::List(args) = cmd;
    let plan = Plan::of(&args.list);
    let what = format!("listing the candidates of posting {}", args.posting);
    let mut request = ctx
        .client
        .v2()
        .list_candidates()
        .posting_id(&args.posting)
        .limit(plan.page_size);
    if let Some(after) = &args.created_after {
        request = request.created_after(after);
    }
    if let Some(before) = &args.created_before {
        request = request.created_before(before);
    }
    let mut out = Output::new(ctx.format, Shape::List, CANDIDATE_COLUMNS);
    if plan.one_page() {
        let page = request.send().await.calling(&what, &ctx.v2_url)?;
        for candidate in &page.data {
            out.item(candidate)?;
        }
    } else {
        let mut stream = request.stream();
        let mut printed = 0;
        while let Some(candidate) = stream.try_next().await.calling(&what, &ctx.v2_url)? {
            out.item(&candidate)?;
            printed += 1;
            if plan.done(printed) {
                break;
            }
        }
    }
    out.finish()
}
