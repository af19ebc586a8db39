//! `.stream()` and `.pages()` over both pagination styles.

use heymilo::prelude::*;
use heymilo_tests::{Recorder, Reply};
use serde_json::json;

fn client(server: &Recorder) -> Client {
    Client::builder()
        .api_key("k")
        .v1_base_url(server.url())
        .v2_base_url(server.url())
        .no_rate_limit()
        .build()
        .expect("client")
}

fn candidates(ids: &[&str], has_more: bool) -> Reply {
    let data: Vec<_> = ids
        .iter()
        .map(|id| json!({"interview_id": id, "posting_id": "P", "name": "N", "email": "e@x.io", "status": "pending"}))
        .collect();
    Reply::json(
        200,
        json!({"data": data, "pagination": {"has_more": has_more, "total_count": 5}}),
    )
}

fn query(r: &heymilo_tests::Recorded) -> String {
    let mut q: Vec<&str> = r.query.as_deref().unwrap_or("").split('&').collect();
    q.sort_unstable();
    q.join("&")
}

#[tokio::test]
async fn cursor_pages_are_followed_with_filters_on_every_page() {
    let server = Recorder::scripted(
        vec![
            candidates(&["a", "b"], true),
            candidates(&["c", "d"], true),
            candidates(&["e"], false),
        ],
        Reply::json(500, json!({})),
    )
    .await;
    let c = client(&server);
    let all: Vec<_> = c
        .v2()
        .list_candidates()
        .posting_id("P")
        .limit(2)
        .created_after("2026-01-01T00:00:00Z")
        .stream()
        .try_collect()
        .await
        .expect("all pages");
    let ids: Vec<_> = all.iter().map(|c| c.interview_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let queries: Vec<_> = server.requests().iter().map(query).collect();
    assert_eq!(
        queries,
        [
            "created_after=2026-01-01T00%3A00%3A00Z&limit=2",
            "created_after=2026-01-01T00%3A00%3A00Z&limit=2&starting_after=b",
            "created_after=2026-01-01T00%3A00%3A00Z&limit=2&starting_after=d",
        ]
    );
}

#[tokio::test]
async fn pages_expose_totals() {
    let server = Recorder::scripted(
        vec![candidates(&["a"], true), candidates(&["b"], false)],
        Reply::json(500, json!({})),
    )
    .await;
    let c = client(&server);
    let pages: Vec<_> = c
        .v2()
        .list_candidates()
        .posting_id("P")
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].total, Some(5));
    assert_eq!(pages[0].has_more, Some(true));
}

#[tokio::test]
async fn an_empty_page_that_says_more_follow_is_an_error_not_a_silent_end() {
    let server = Recorder::scripted(
        vec![candidates(&["a"], true), candidates(&[], true)],
        candidates(&["zzz"], true),
    )
    .await;
    let c = client(&server);
    let got: Vec<_> = c
        .v2()
        .list_candidates()
        .posting_id("P")
        .stream()
        .collect()
        .await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].is_ok());
    assert!(
        matches!(&got[1], Err(Error::Pagination { operation: "list_candidates", message }) if message.contains("empty")),
        "{:?}",
        got[1]
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_cursor_that_does_not_advance_is_an_error_not_a_loop() {
    let server = Recorder::start(candidates(&["same"], true)).await;
    let c = client(&server);
    let mut stream = c.v2().list_candidates().posting_id("P").stream();
    let mut items = 0;
    let err = loop {
        match stream.next().await {
            Some(Ok(_)) => items += 1,
            Some(Err(e)) => break e,
            None => panic!("the stream must fail, not end"),
        }
    };
    assert!(
        matches!(
            err,
            Error::Pagination {
                operation: "list_candidates",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(items, 1, "the repeated page is not yielded again");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn an_error_mid_list_is_yielded_after_the_good_items() {
    let server = Recorder::scripted(
        vec![
            candidates(&["a"], true),
            Reply::json(
                404,
                json!({"error": {"type": "t", "code": "gone", "message": "m"}}),
            ),
        ],
        Reply::json(500, json!({})),
    )
    .await;
    let c = client(&server);
    let got: Vec<_> = c
        .v2()
        .list_candidates()
        .posting_id("P")
        .stream()
        .collect()
        .await;
    assert_eq!(got.len(), 2);
    assert!(got[0].is_ok());
    assert!(matches!(got[1], Err(Error::NotFound(_))));
}

fn postings(page: u64, total_pages: u64, n: usize) -> Reply {
    let items: Vec<_> = (0..n)
        .map(|i| json!({"posting_id": format!("p{page}-{i}"), "title": "T"}))
        .collect();
    Reply::json(
        200,
        json!({"postings": items, "total": 5, "page": page, "limit": 2, "total_pages": total_pages}),
    )
}

#[tokio::test]
async fn numbered_pages_run_to_total_pages() {
    let server = Recorder::scripted(
        vec![postings(1, 3, 2), postings(2, 3, 2), postings(3, 3, 1)],
        postings(4, 3, 2),
    )
    .await;
    let c = client(&server);
    let all: Vec<_> = c
        .v1()
        .list_postings()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .expect("all");
    assert_eq!(all.len(), 5);
    let queries: Vec<_> = server.requests().iter().map(query).collect();
    assert_eq!(queries, ["limit=2", "limit=2&page=2", "limit=2&page=3"]);
}

#[tokio::test]
async fn numbered_pages_that_go_backwards_are_an_error() {
    let server = Recorder::scripted(vec![postings(1, 9, 2)], postings(1, 9, 2)).await;
    let c = client(&server);
    let got: Vec<_> = c.v1().list_postings().stream().collect().await;
    assert_eq!(got.len(), 3, "two items, then the error: {got:?}");
    assert!(got[..2].iter().all(Result::is_ok));
    assert!(
        matches!(
            got[2],
            Err(Error::Pagination {
                operation: "list_postings",
                ..
            })
        ),
        "{:?}",
        got[2]
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn the_next_page_is_requested_while_the_caller_works_on_the_current_one() {
    let server = Recorder::scripted(
        vec![candidates(&["a"], true), candidates(&["b"], false)],
        Reply::json(500, json!({})),
    )
    .await;
    let c = client(&server);
    let mut pages = c.v2().list_candidates().posting_id("P").pages();
    let first = pages.try_next().await.expect("page").expect("some");
    assert_eq!(first.items.len(), 1);
    // The caller "works" without polling the stream.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(server.requests().len(), 2, "page 2 was already on the wire");
    let second = pages.try_next().await.expect("page").expect("some");
    assert_eq!(second.items[0].interview_id, "b");
    assert!(pages.try_next().await.expect("end").is_none());
}
