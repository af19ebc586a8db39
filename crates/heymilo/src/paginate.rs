//! `.stream()` and `.pages()` on every list operation of both generations.
//!
//! The per-operation glue (which parameter carries the cursor or page, where
//! the items are) is generated from the spec's `x-pagination`; this module
//! holds the one paging loop both styles share.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::{MaybeDone, maybe_done};
use futures::stream::{self, Stream, TryStreamExt};
use heymilo_gen::{BoxFuture, Page, Paged, Position};

use crate::Error;

/// Paging through a list operation: implemented for every generated list
/// builder (`client.v2().list_candidates()`, `client.v1().list_postings()`, ...).
///
/// Filters and page size set on the builder are sent with every page. The
/// next page is requested as soon as the current one arrives, so it loads
/// while the caller awaits other work (1.8x faster than sequential paging at
/// 5 ms latency, see BENCHMARKS.md).
///
/// ```no_run
/// use heymilo::prelude::*;
///
/// # async fn demo(client: Client) -> heymilo::Result<()> {
/// let all: Vec<_> = client
///     .v2()
///     .list_candidates()
///     .posting_id("13D77095")
///     .limit(100)
///     .stream()
///     .try_collect()
///     .await?;
/// println!("{} candidates", all.len());
/// # Ok(()) }
/// ```
pub trait Paginate<'a>: Paged<'a>
where
    Self::Error: Into<Error>,
{
    /// Every item of every page, in order.
    fn stream(self) -> Pin<Box<dyn Stream<Item = Result<Self::Item, Error>> + Send + 'a>> {
        Box::pin(
            self.pages()
                .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
                .try_flatten(),
        )
    }

    /// Every page, with its totals.
    fn pages(self) -> Pages<'a, Self> {
        let first = maybe_done(self.clone().at(&Position::First).fetch_page());
        Pages {
            builder: self,
            next: Some(Box::pin(first)),
            last: None,
            seen_page: None,
        }
    }
}

impl<'a, P> Paginate<'a> for P
where
    P: Paged<'a>,
    P::Error: Into<Error>,
{
}

type PageFuture<'a, P> = Pin<
    Box<MaybeDone<BoxFuture<'a, Result<Page<<P as Paged<'a>>::Item>, <P as Paged<'a>>::Error>>>>,
>;

/// The stream of pages returned by [`Paginate::pages`].
pub struct Pages<'a, P: Paged<'a>> {
    builder: P,
    next: Option<PageFuture<'a, P>>,
    last: Option<Position>,
    seen_page: Option<u64>,
}

impl<'a, P> Pages<'a, P>
where
    P: Paged<'a>,
{
    /// Where the page after `page` starts, `Ok(None)` at the end, or an error
    /// when the server's paging would loop.
    fn after(&mut self, page: &Page<P::Item>) -> Result<Option<Position>, Error> {
        if page.items.is_empty() {
            return Ok(None);
        }
        let stuck = |message: String| Error::Pagination {
            operation: P::OPERATION,
            message,
        };
        if let Some(has_more) = page.has_more {
            if !has_more {
                return Ok(None);
            }
            let Some(cursor) = page.next_cursor.clone() else {
                return Err(stuck("the last item has no cursor".into()));
            };
            if self.last == Some(Position::Cursor(cursor.clone())) {
                return Err(stuck(format!("the cursor did not advance past {cursor:?}")));
            }
            return Ok(Some(Position::Cursor(cursor)));
        }
        let requested = match self.last {
            Some(Position::Number(n)) => Some(n),
            _ => None,
        };
        let number = page.page.or(requested).unwrap_or(1);
        if let Some(previous) = self.seen_page.filter(|p| number <= *p) {
            return Err(stuck(format!("page {number} came after page {previous}")));
        }
        self.seen_page = Some(number);
        if page.total_pages.is_some_and(|total| number >= total) {
            return Ok(None);
        }
        Ok(Some(Position::Number(number + 1)))
    }
}

impl<'a, P> Stream for Pages<'a, P>
where
    P: Paged<'a>,
    P::Error: Into<Error>,
{
    type Item = Result<Page<P::Item>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Pages holds only boxed (Unpin) futures and plain data.
        let this = self.get_mut();
        let Some(fut) = this.next.as_mut() else {
            return Poll::Ready(None);
        };
        if fut.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let output = fut.as_mut().take_output();
        this.next = None;
        let page = match output {
            Some(Ok(page)) => page,
            Some(Err(e)) => return Poll::Ready(Some(Err(e.into()))),
            None => return Poll::Ready(None),
        };
        match this.after(&page) {
            Ok(Some(position)) => {
                // Prefetch: start the next page now and give it a first poll,
                // so the request is on the wire while the caller works. It
                // progresses while the caller awaits (or on another worker
                // thread); CPU-bound work on a current-thread runtime gains
                // nothing (see BENCHMARKS.md).
                let mut next: PageFuture<'a, P> =
                    Box::pin(maybe_done(this.builder.clone().at(&position).fetch_page()));
                let _ = next.as_mut().poll(cx);
                this.next = Some(next);
                this.last = Some(position);
            }
            Ok(None) => {}
            // A page that does not advance repeats earlier items: report, do not yield it.
            Err(e) => return Poll::Ready(Some(Err(e))),
        }
        Poll::Ready(Some(Ok(page)))
    }
}
