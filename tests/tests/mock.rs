//! The SDK against heymilo-mock: pages stay stable while candidates arrive,
//! 429s carry Retry-After, bad input gets documented 4xx, and concurrent
//! clients never see a 500. What injected faults make the SDK re-send is
//! counted in `workflows.rs`, with bulk ingest.

use std::collections::HashSet;
use std::time::Duration;

use heymilo::prelude::*;
use heymilo::v1::types::IngestCandidateRequest;
use heymilo::v2::types::CandidateIngestRequest;
use heymilo_tests::world::{mock_set, v1_ingest as ingest};
use heymilo_tests::{add_fault, builder, client, control, done, health_error, mock};
use serde_json::json;

#[tokio::test]
async fn cursor_pages_stay_stable_while_candidates_arrive_and_through_503s_and_429s() {
    let mock = mock(95).await;
    let c = client(mock.base_url()).with_max_retries(8);
    let (posting, url_key) = mock.postings()[0].clone();
    let list = c.v2().list_candidates().posting_id(&posting).limit(10);
    let (mut pages, mut seen) = (list.pages(), Vec::new());
    while let Some(page) = pages.try_next().await.expect("page") {
        seen.extend(page.items.into_iter().map(|c| c.interview_id));
        // A new candidate arrives between every two pages.
        let email = format!("n{}@x.io", seen.len());
        ingest(&c, &url_key, &email, false).await.expect("ingest");
    }
    assert_eq!(seen.len(), 95, "every original candidate exactly once");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 95);
    let faults = json!([{"route": "/api/v2/postings", "error_rate": 0.3},
        {"route": "/api/v2/postings", "burst_429": 3, "retry_after_secs": 1}]);
    add_fault(&mock, faults).await;
    let posting = mock.postings()[1].0.clone();
    let list = c.v2().list_candidates().posting_id(&posting).limit(25);
    let all: Vec<_> = list.stream().try_collect().await.expect("through faults");
    let ids: HashSet<_> = all.iter().map(|c| &c.interview_id).collect();
    assert_eq!(ids.len(), 95);
}

#[tokio::test]
async fn the_mock_rate_limits_per_key_with_retry_after() {
    let mock = mock_set(|c| c.rate_limit = 5).await;
    let c = client(mock.base_url()).with_max_retries(0);
    for _ in 0..5 {
        c.v1().get_health().send().await.expect("within the limit");
    }
    let err = health_error(&c).await;
    let wait = err.retry_after().unwrap_or_default();
    let bounded = wait > Duration::ZERO && wait <= Duration::from_secs(60);
    let limited = matches!(err, Error::RateLimited { .. }) && mock.rate_limited_count() == 1;
    assert!(limited && bounded, "{err:?}: a Retry-After within a minute");
}

#[tokio::test]
async fn bad_input_gets_documented_4xx_and_max_retakes_hold() {
    let mock = mock(3).await;
    let c = client(mock.base_url());
    let (posting, url_key) = mock.postings()[0].clone();
    let list = c.v2().list_candidates().posting_id(&posting);
    let list = list.created_after("2026-03-02T00:00:00Z");
    let list = list.created_before("2026-03-01T00:00:00Z");
    let err: Error = list.send().await.expect_err("inverted range").into();
    let ok = matches!(&err, Error::Validation(e) if e.status == 400 && e.code.as_deref() == Some("invalid_date_range"));
    assert!(ok, "{err:?}");
    let err = done(c.v2().list_candidates().posting_id("NOPE").send()).await;
    assert!(matches!(err, Err(Error::NotFound(_))));
    let row = IngestCandidateRequest::builder().name("A").email("a@x.io");
    let row = row.phone_number(Some("12345".to_owned()));
    let sent = c.v1().ingest_candidate().url_key(&url_key).body(row).send();
    let Err(Error::Validation(e)) = done(sent).await else {
        panic!("a validation error")
    };
    let field = e.fields[0].field.as_str();
    assert_eq!((e.status, field), (422, "body.phone_number"));
    let bad_key = builder(mock.base_url()).api_key("wrong").build();
    let err = done(bad_key.expect("client").v1().list_postings().send()).await;
    assert!(matches!(err, Err(Error::Unauthorized(_))));

    // v2 ingests keep to the posting's max_retakes.
    let ingest = || async {
        let row = CandidateIngestRequest::builder().name("R").email("r@x.io");
        let sent = c.v2().ingest_candidate().posting_id(&posting).body(row);
        let sent = sent.send().await.expect("ingest");
        sent.into_inner().data.interview_id
    };
    let a = ingest().await;
    assert_eq!(ingest().await, a, "no retakes allowed: same interview");
    let path = format!("/_mock/postings/{posting}");
    control(&mock, &path, json!({"max_retakes": 1})).await;
    let b = ingest().await;
    assert_ne!(b, a, "one retake allowed");
    assert_eq!(ingest().await, b, "and only one");
}

#[tokio::test]
async fn concurrent_clients_never_see_a_server_error() {
    let mock = mock(40).await;
    let c = client(mock.base_url());
    let (posting, url_key) = mock.postings()[0].clone();
    let task = |t: usize| {
        let (c, posting, url_key) = (c.clone(), posting.clone(), url_key.clone());
        tokio::spawn(async move {
            for i in 0..25 {
                let list = c.v2().list_candidates().posting_id(&posting).limit(7);
                let r = match i % 3 {
                    0 => done(list.send()).await,
                    1 => ingest(&c, &url_key, &format!("c{t}-{i}@x.io"), false).await,
                    _ => done(c.v1().list_postings().send()).await,
                };
                r.expect("no failure under concurrency");
            }
        })
    };
    for t in (0..8).map(task).collect::<Vec<_>>() {
        t.await.expect("no panic");
    }
}
