//! `.stream()` and `.pages()` over both pagination styles: every paginated
//! operation of both generations over three pages and more against
//! heymilo-mock, and scripted pages that misbehave.

use heymilo::Paginate;
use heymilo::prelude::*;
use heymilo::webhooks::{EventType, NewSubscription};
use heymilo_mock::Config;
use heymilo_tests::world::{error, mock_set, until};
use heymilo_tests::{Recorder, Reply, client, within};
use serde::Serialize;
use serde_json::json;

/// Streams `small` (one item a page) and `large` (up to 100 a page), checks
/// they yield the same items, one a page; the number of pages.
async fn same_items<'a, B>(op: &str, small: B, large: B) -> usize
where
    B: Paginate<'a>,
    B::Error: Into<Error>,
    B::Item: Serialize,
{
    let json = |items: Vec<B::Item>| serde_json::to_value(items).expect("JSON");
    let pages: Vec<_> = small.pages().try_collect().await.expect(op);
    let all: Vec<_> = large.stream().try_collect().await.expect(op);
    let (count, ones) = (pages.len(), pages.iter().all(|p| p.items.len() == 1));
    assert!(ones, "{op}: one item a page");
    let paged = pages.into_iter().flat_map(|p| p.items).collect();
    assert_eq!(json(paged), json(all), "{op}");
    count
}

macro_rules! each_list {
    ($c:expr; $($gen:ident . $op:ident ( $($arg:ident = $val:expr),* )),* $(,)?) => {vec![$({
        let op = concat!(stringify!($gen), " ", stringify!($op));
        (op, same_items(op, $c.$gen().$op()$(.$arg($val))*.limit(1), $c.$gen().$op()$(.$arg($val))*.limit(100)).await)
    }),*]};
}

#[tokio::test]
async fn every_paginated_operation_streams_three_pages_and_more() {
    // Six postings seed at least three of every catalogue entry.
    let config =
        |c: &mut Config| (c.postings, c.candidates_per_posting, c.rate_limit) = (6, 5, 1 << 20);
    let mock = mock_set(config).await;
    let c = client(mock.base_url());
    let posting = mock.postings()[0].0.clone();
    for i in 0..3 {
        let url = format!("https://h.example/{i}");
        let hook = NewSubscription::new(&posting, url, EventType::InterviewCompleted);
        let made = c.webhooks().create(heymilo::Generation::V2, &hook).await;
        made.expect("a webhook");
    }
    let pages = each_list!(c;
        v1.list_postings(), v1.list_interviews(posting_id = &posting),
        v2.list_postings(), v2.list_posting_summaries(), v2.list_candidates(posting_id = &posting),
        v2.list_webhooks(), v2.list_email_templates(), v2.list_email_template_groups(),
        v2.list_design_templates(), v2.list_design_template_groups(), v2.list_interview_templates(),
        v2.list_domains(), v2.list_voices(), v2.list_phone_numbers(), v2.list_sender_emails(),
        v2.list_questions(posting_id = &posting),
    );
    let few: Vec<_> = pages.iter().filter(|(_, n)| *n < 3).collect();
    assert!(few.is_empty(), "fewer than three pages: {few:?}");
}

/// A v2 page of `ids`.
fn candidates(ids: &[&str], has_more: bool) -> Reply {
    let data: Vec<_> = ids.iter().map(|id| json!({"interview_id": id, "posting_id": "P", "name": "N", "email": "e@x.io", "status": "pending"})).collect();
    let page = json!({"data": data, "pagination": {"has_more": has_more, "total_count": 5}});
    Reply::json(200, page)
}

fn postings(page: u64, total_pages: u64, n: usize) -> Reply {
    let item = |i| json!({"posting_id": format!("p{page}-{i}"), "title": "T"});
    let items: Vec<_> = (0..n).map(item).collect();
    let body = json!({"postings": items, "total": 5, "page": page, "limit": 2, "total_pages": total_pages});
    Reply::json(200, body)
}

fn queries(server: &Recorder) -> Vec<String> {
    server.requests().iter().map(|r| r.sorted_query()).collect()
}

/// Pages are followed with the filters on every page; they expose totals,
/// and the next is requested while the caller works.
#[tokio::test]
async fn pages_are_followed_with_filters_on_every_page_and_prefetched() {
    let pages = [&["a", "b"][..], &["c", "d"], &["e"]];
    let script = pages.map(|ids| candidates(ids, ids.len() == 2)).to_vec();
    let server = Recorder::scripted(script, Reply::json(500, json!({}))).await;
    let c = client(&server.url());
    let list = c.v2().list_candidates().posting_id("P").limit(2);
    let mut pages = list.created_after("2026-01-01T00:00:00Z").pages();
    let first = pages.try_next().await.expect("page").expect("some");
    let shown = (first.items.len(), first.total, first.has_more);
    assert_eq!(shown, (2, Some(5), Some(true)));
    // The caller "works" without polling the stream: page 2 goes on the wire anyway.
    until(|| server.requests().len() >= 2).await;
    let rest: Vec<_> = pages.try_collect().await.expect("all pages");
    let items = first.items.iter().chain(rest.iter().flat_map(|p| &p.items));
    let ids: Vec<_> = items.map(|c| c.interview_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let after = "created_after=2026-01-01T00%3A00%3A00Z&limit=2";
    let next = |id: &str| format!("{after}&starting_after={id}");
    assert_eq!(queries(&server), [after.to_owned(), next("b"), next("d")]);

    let script = vec![postings(1, 3, 2), postings(2, 3, 2), postings(3, 3, 1)];
    let server = Recorder::scripted(script, postings(4, 3, 2)).await;
    let c = client(&server.url());
    let list = c.v1().list_postings().limit(2);
    let all: Vec<_> = list.stream().try_collect().await.expect("all");
    assert_eq!(all.len(), 5, "numbered pages run to total_pages");
    let pages = ["limit=2", "limit=2&page=2", "limit=2&page=3"];
    assert_eq!(queries(&server), pages);
}

#[tokio::test]
async fn a_list_that_misbehaves_ends_in_an_error_after_the_good_items() {
    let op = |e: &Error| match e {
        Error::Pagination { operation, .. } => *operation,
        _ => "",
    };
    let not_found = error(404, "gone");
    #[rustfmt::skip]
    let cases = [
        ("an empty page that says more follow", vec![candidates(&["a"], true), candidates(&[], true)],
            candidates(&["z"], true), "empty"),
        ("a cursor that does not advance", vec![], candidates(&["same"], true), "list_candidates"),
        ("an error mid-list", vec![candidates(&["a"], true), not_found], Reply::json(500, json!({})), "404"),
    ];
    for (case, script, fallback, says) in cases {
        let server = Recorder::scripted(script, fallback).await;
        let c = client(&server.url());
        let list = c.v2().list_candidates().posting_id("P");
        let got: Vec<_> = within(list.stream().collect::<Vec<_>>()).await;
        assert_eq!(got.len(), 2, "{case}: one item, then the error: {got:?}");
        assert!(got[0].is_ok(), "{case}");
        let err = got[1].as_ref().expect_err(case);
        let typed = op(err) == "list_candidates" || matches!(err, Error::NotFound(_));
        let right = typed && format!("{err} {err:?}").contains(says);
        assert!(right, "{case}: {err:?}");
        assert_eq!(server.requests().len(), 2, "{case}");
    }
    // Numbered pages that go backwards.
    let server = Recorder::scripted(vec![postings(1, 9, 2)], postings(1, 9, 2)).await;
    let c = client(&server.url());
    let got: Vec<_> = within(c.v1().list_postings().stream().collect::<Vec<_>>()).await;
    let kinds: Vec<_> = got.iter().map(|r| r.as_ref().err().map(op)).collect();
    assert_eq!(kinds, [None, None, Some("list_postings")], "{got:?}");
    assert_eq!(server.requests().len(), 2);
}
