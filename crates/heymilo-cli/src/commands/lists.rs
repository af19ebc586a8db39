//! `postings` and `candidates list` (both v2): pages followed until enough.

use std::num::NonZeroU64;

use futures::{Stream, TryStreamExt as _};
use heymilo::{Page, Paginate as _};
use serde::Serialize;

use super::{Calling as _, Ctx};
use crate::cli::{CandidatesCmd, ListArgs};
use crate::output::{Column, Output, Shape, text, time};

/// The table of postings: the url key is what v1 ingest takes.
const POSTING_COLUMNS: &[Column] = &[
    text("POSTING", "/id"),
    text("TITLE", "/title"),
    text("STATUS", "/status"),
    text("URL KEY", "/urls/ingestion_url_key"),
    time("CREATED", "/created_at"),
    time("DEADLINE", "/deadline"),
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

/// How a list is fetched: items per request, and when to stop.
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
}

/// `heymilo postings`.
pub async fn postings(ctx: &Ctx, list: &ListArgs) -> anyhow::Result<()> {
    let plan = Plan::of(list);
    let pages = ctx
        .client
        .v2()
        .list_postings()
        .limit(plan.page_size)
        .pages();
    print(ctx, &plan, pages, POSTING_COLUMNS, "listing postings").await
}

/// `heymilo candidates list`.
pub async fn candidates(ctx: &Ctx, cmd: CandidatesCmd) -> anyhow::Result<()> {
    let CandidatesCmd::List(args) = cmd;
    let plan = Plan::of(&args.list);
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
    let what = format!("listing the candidates of posting {}", args.posting);
    print(ctx, &plan, request.pages(), CANDIDATE_COLUMNS, &what).await
}

/// Prints items page by page until the plan has enough, then says when the
/// list was cut short.
async fn print<T: Serialize>(
    ctx: &Ctx,
    plan: &Plan,
    pages: impl Stream<Item = heymilo::Result<Page<T>>>,
    columns: &'static [Column],
    what: &str,
) -> anyhow::Result<()> {
    let mut out = Output::new(&ctx.style, Shape::List, columns);
    let mut printed = 0;
    futures::pin_mut!(pages);
    while let Some(page) = pages.try_next().await.calling(what, &ctx.v2_url)? {
        let more = page.has_more.unwrap_or(false)
            || page.total_pages.zip(page.page).is_some_and(|(n, p)| p < n);
        let count = page.items.len();
        for (i, item) in page.items.iter().enumerate() {
            out.item(item)?;
            printed += 1;
            if plan.max.is_some_and(|m| printed >= m) {
                if more || i + 1 < count {
                    out.cut(page.total);
                }
                return out.finish();
            }
        }
    }
    out.finish()
}
