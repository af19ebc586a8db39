//! The SDK against heymilo-mock: pages stay stable while candidates arrive,
//! injected faults make the SDK re-send only what it may (counted at a proxy
//! in front of the mock), 429s carry Retry-After, and concurrent clients
//! never see a 500.

use std::collections::HashSet;
use std::time::Duration;

use heymilo::prelude::*;
use heymilo::v1::types::IngestCandidateRequest;
use heymilo::v2::types::CandidateIngestRequest;
use heymilo_tests::world::{mock_set, v1_hook, v1_ingest as ingest};
use heymilo_tests::{
    Recorded, Recorder, add_fault, builder, client, control, done, health_error, mock,
};
use serde_json::json;

#[tokio::test]
async fn cursor_pages_stay_stable_while_candidates_arrive_and_through_503s_and_429s() {
    let mock = mock(95).await;
    let c = client(mock.base_url()).with_max_retries(8);
    let (posting, url_key) = mock.postings()[0].clone();
    let list = c.v2().list_candidates().posting_id(&posting).limit(10);
    let mut pages = list.pages();
    let mut seen = Vec::new();
    while let Some(page) = pages.try_next().await.expect("page") {
        seen.extend(page.items.into_iter().map(|c| c.interview_id));
        // A new candidate arrives between every two pages.
        let email = format!("n{}@x.io", seen.len());
        ingest(&c, &url_key, &email, false).await.expect("ingest");
    }
    assert_eq!(seen.len(), 95, "every original candidate exactly once");
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 95);
    let faults = json!([
        {"route": "/api/v2/postings", "error_rate": 0.3},
        {"route": "/api/v2/postings", "burst_429": 3, "retry_after_secs": 1},
    ]);
    add_fault(&mock, faults).await;
    let posting = mock.postings()[1].0.clone();
    let list = c.v2().list_candidates().posting_id(&posting).limit(25);
    let all: Result<Vec<_>, _> = list.stream().try_collect().await;
    let all = all.expect("listed through faults");
    let ids: HashSet<_> = all.iter().map(|c| &c.interview_id).collect();
    assert_eq!(ids.len(), 95);
}

/// Faults before and after the mock's handler ran; the POSTs the mock
/// received are counted at a proxy in front of it. `resend`: a second proxy
/// re-sends every POST, standing in for a broken SDK.
async fn faults_make_the_sdk_resend_only_what_it_may(resend: bool) {
    let mock = mock(0).await;
    let counter = Recorder::proxy(mock.base_url(), false).await;
    let front = Recorder::proxy(&counter.url(), true).await;
    let c = client(&if resend { front.url() } else { counter.url() }).with_max_retries(8);
    let (posting, url_key) = mock.postings()[0].clone();
    // Truncation answers after the handler ran: the mock acted, the client cannot know.
    let faults = json!([
        {"route": "/ingest", "error_rate": 0.3, "truncate_rate": 0.3},
        {"route": "/create", "truncate_rate": 0.5, "burst_429": 2},
    ]);
    add_fault(&mock, faults).await;
    let mut ok = [0, 0];
    for i in 0..40 {
        let retake = i % 2 == 1;
        let sent = ingest(&c, &url_key, &format!("p{i}@x.io"), retake).await;
        ok[usize::from(retake)] += usize::from(sent.is_ok());
    }
    for _ in 0..10 {
        let _ = v1_hook(&c, &posting, "http://127.0.0.1:9/h").await;
    }
    let ingests = |retake: bool| {
        let sent = |r: &&Recorded| r.path.starts_with("/ingest") && r.json()["retake"] == retake;
        counter.requests().iter().filter(sent).count()
    };
    let (once, retried) = (ingests(true), ingests(false));
    // retake=false is idempotent: retried through the faults until it succeeds.
    assert!(ok[0] >= 18 && retried > 20, "{ok:?}: {retried} sent");
    assert_eq!(once, 20, "a retake=true ingest is sent once per call");
    // A 429 refused the create unprocessed: sent again; a 5xx or a cut answer never.
    let creates = counter.count("POST", "/create");
    assert_eq!(creates, 12, "10 creates, 2 of them re-sent after 429");
    let hooks = c.v1().list_webhooks().posting_id(&posting).send();
    let hooks = hooks.await.expect("hooks").into_inner().into_webhooks();
    assert_eq!(hooks.len(), 10, "every create made one webhook");
}

heymilo_tests::check_and_its_test!(faults_make_the_sdk_resend_only_what_it_may: faults_never_make_the_sdk_resend_a_post_it_must_not, that_check_fails_against_an_sdk_that_resends_every_post);

#[tokio::test]
async fn the_mock_rate_limits_per_key_with_retry_after() {
    let mock = mock_set(|c| c.rate_limit = 5).await;
    let c = client(mock.base_url()).with_max_retries(0);
    for _ in 0..5 {
        done(c.v1().get_health().send())
            .await
            .expect("within the limit");
    }
    let err = health_error(&c).await;
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    let wait = err.retry_after().expect("Retry-After");
    let bounded = wait > Duration::ZERO && wait <= Duration::from_secs(60);
    assert!(bounded, "{wait:?}");
    assert_eq!(mock.rate_limited_count(), 1);
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
    let code = Some("invalid_date_range");
    let right =
        matches!(&err, Error::Validation(e) if e.status == 400 && e.code.as_deref() == code);
    assert!(right, "{err:?}");
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
