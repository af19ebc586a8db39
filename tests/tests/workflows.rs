//! The workflow helpers against heymilo-mock and scripted servers: bulk
//! ingest (10,000 rows of each generation through injected faults;
//! concurrency, the shared limiter and a 429 mid-run; refused rows),
//! exports (no key to another origin, typed failures, v2 JSON Lines),
//! webhooks of both generations and the receiver. What the SDK sent is
//! counted where it arrives, never inferred from what a server kept. The
//! 200 MB export in bounded memory is in `hostile_memory.rs`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use heymilo::ExportError::{self, Api, FileExpired, Io, JobFailed, NoFile};
use heymilo::Generation::{self, V1, V2};
use heymilo::export::ExportProgress;
use heymilo::ingest::{Candidate, IngestReport, RowErrorKind, RowOutcome, V2Recovery};
use heymilo::prelude::*;
use heymilo::webhooks::{DeliveryMethod, Event, EventType, NewSubscription, receiver, receiver_fn};
use heymilo_tests::world::{v1_hook, v1_ingest};
use heymilo_tests::{
    Counting, KEY, Recorded, Recorder, Reply, add_fault, advance, builder, clear_faults, client,
    mock, people, serve, within,
};
use serde_json::{Value, json};

/// The names of the files in `dir`.
fn files_in(dir: &tempfile::TempDir) -> Vec<std::ffi::OsString> {
    let entries = std::fs::read_dir(dir.path()).expect("dir");
    entries.flatten().map(|e| e.file_name()).collect()
}

/// One JSON object per line.
fn json_lines(out: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(out).expect("utf-8");
    let line = |l: &str| serde_json::from_str(l).expect("one JSON object per line");
    text.lines().map(line).collect()
}

/// A bulk ingest's answer of `n` interviews `I0`.. in `generation`'s shape.
fn ingested(generation: Generation, n: usize) -> Reply {
    let one = |i| json!({"interview_id": format!("I{i}"), "interview_url": "u"});
    let all: Vec<Value> = (0..n).map(one).collect();
    match generation {
        V1 => Reply::json(200, json!({"ingestion_id": "i", "interview_details": all})),
        _ => Reply::json(201, json!({ "data": all })),
    }
}

/// The field a row's error names, if it has one.
fn field(outcome: &RowOutcome) -> Option<&str> {
    outcome.as_ref().err().and_then(|e| e.field())
}

/// Checks that every row has exactly one outcome, that a row is an error
/// only where `expected_error` allows it, and returns the interview of each
/// successful row's email.
fn interviews_by_email(
    report: &IngestReport,
    rows: &[Candidate],
    expected_error: impl Fn(usize, &RowErrorKind) -> bool,
) -> HashMap<String, String> {
    assert_eq!(report.outcomes.len(), rows.len(), "one outcome per row");
    let mut by_email = HashMap::new();
    for (i, outcome) in report.outcomes.iter().enumerate() {
        match outcome {
            Ok(done) => {
                let id = done.interview_id.clone();
                let previous = by_email.insert(rows[i].email.clone(), id.clone());
                assert!(previous.is_none_or(|p| p == id), "row {i}: one interview");
            }
            Err(e) => assert!(e.row == i && expected_error(i, &e.kind), "row {i}: {e}"),
        }
    }
    by_email
}

// Bulk ingest. --------------------------------------------------------------
/// Single v1 calls, then 10,000 rows of each generation through
/// heymilo-mock's faults: a 5xx before its handler, a body cut after it ran
/// (it acted, the client cannot know), a dropped connection, 429s. What
/// arrived is counted at a proxy; `resend`: a second proxy re-sends every
/// POST, standing in for a broken SDK: the SDK re-sends only what it may.
async fn ten_thousand_rows_through_faults(resend: bool) {
    let mock = mock(0).await;
    let postings = mock.postings();
    #[rustfmt::skip]
    let faults = json!([
        {"route": "/ingest", "error_rate": 0.1}, {"route": "/ingest", "truncate_rate": 0.1},
        {"route": "/ingest", "drop_rate": 0.1}, {"route": "/api/v2/postings", "error_rate": 0.2},
        {"route": "/api/v2/postings", "truncate_rate": 0.1},
        {"route": "/create", "truncate_rate": 0.5, "burst_429": 2},
    ]);
    add_fault(&mock, faults).await;
    let counter = Recorder::proxy(mock.base_url(), false).await;
    let front = Recorder::proxy(&counter.url(), true).await;
    let c = client(&if resend { front.url() } else { counter.url() }).with_max_retries(15);
    let posts = |path: String| {
        let all = counter.requests().into_iter();
        all.filter(move |r| r.method == "POST" && r.path == path)
    };
    let bulk = |p: &str| format!("/api/v2/postings/{p}/candidates/bulk");
    // Single calls first, so that the seeded faults hit them in a fixed order.
    let ((posting, key), mut ok) = (&postings[1], [0, 0]);
    for i in 0..40 {
        let sent = v1_ingest(&c, key, &format!("p{i}@x.io"), i % 2 == 1).await;
        ok[i % 2] += usize::from(sent.is_ok());
    }
    for _ in 0..10 {
        let _ = v1_hook(&c, posting, "http://127.0.0.1:9/h").await;
    }
    let path = format!("/ingest/x/{key}");
    let retakes: Vec<bool> = posts(path).map(|r| r.json()["retake"] == true).collect();
    let once = retakes.iter().filter(|r| **r).count();
    // retake=false is idempotent: retried through the faults until it succeeds.
    let retried = ok[0] == 20 && retakes.len() - once > 20;
    assert!(retried, "{ok:?}: {retakes:?}");
    assert_eq!(once, 20, "a retake=true ingest is sent once per call");
    // A 429 refused the create unprocessed: sent again; a 5xx or a cut answer never.
    let hooks = c.v1().list_webhooks().posting_id(posting).send();
    let hooks = hooks.await.expect("hooks").into_inner().into_webhooks();
    // 10 creates, 2 of them re-sent after their 429; each made one webhook.
    assert_eq!((posts("/create".into()).count(), hooks.len()), (12, 10));

    let mut rows = people(10_000, "v2");
    for i in (0..rows.len()).step_by(1_000) {
        rows[i].email = "not-an-email".into();
    }
    // Default: a chunk the server may have processed is never re-sent.
    let v2 = c.ingest().v2(&postings[1].0).chunk_size(250);
    let report = v2.run(rows.clone()).await;
    let ok = interviews_by_email(&report, &rows, |i, kind| match kind {
        RowErrorKind::Invalid(f) => i % 1_000 == 0 && f.field == "email",
        RowErrorKind::MaybeIngested(_) => i % 1_000 != 0,
        _ => false,
    });
    let chunks = posts(bulk(&postings[1].0)).count();
    assert_eq!(chunks, 40, "9,990 rows, 40 chunks, each sent once");
    let maybe = report.errors().find(|e| e.may_have_been_ingested());
    let says = maybe.map(|e| e.to_string()).unwrap_or_default();
    assert!(says.contains("may have been ingested"), "faults hit");

    // SingleIngests: each chunk still goes once, the rows of a failed one alone.
    let p2 = &postings[2].0;
    let single = c.ingest().v2(p2).v2_recovery(V2Recovery::SingleIngests);
    let report = single.run(rows.clone()).await;
    let ok2 = interviews_by_email(&report, &rows, |i, kind| {
        i % 1_000 == 0 && matches!(kind, RowErrorKind::Invalid(_))
    });
    assert_eq!(posts(bulk(p2)).count(), 100, "each chunk sent once");
    let path = format!("/api/v2/postings/{p2}/candidates");
    let singles: HashSet<Value> = posts(path).map(|r| r.json()["email"].clone()).collect();
    let kinds = rows.chunks(100).map(|ch| {
        let valid = ch.iter().filter(|r| r.email.contains('@'));
        valid.map(|r| singles.contains(&json!(r.email))).collect()
    });
    let kinds: HashSet<BTreeSet<bool>> = kinds.collect();
    let want = HashSet::from([BTreeSet::from([false]), BTreeSet::from([true])]);
    assert_eq!(kinds, want, "a failed chunk's rows, only, go alone");

    let mut rows = people(10_000, "v1");
    // Every 997th row is invalid: it ends as its own error and is never sent.
    for i in (0..rows.len()).step_by(997) {
        rows[i].phone_number = Some("12345".into());
    }
    // Ten rows repeat earlier candidates: retake=false gives them the same interview.
    for i in 0..10 {
        rows[5_000 + i].email = rows[i + 1].email.clone();
    }
    let (v1, mut last) = (c.ingest().v1(&postings[0].1), None);
    let report = v1.on_progress(|p| last = Some(p)).run(rows.clone()).await;
    let by_email = interviews_by_email(&report, &rows, |i, kind| {
        i % 997 == 0 && matches!(kind, RowErrorKind::Invalid(f) if f.field == "phone_number")
    });
    let last = last.expect("progress reported");
    let progress = (last.rows, last.succeeded, last.failed, last.total);
    assert_eq!(progress, (10_000, 9_989, 11, Some(10_000)));
    let distinct: HashSet<&String> = by_email.values().collect();
    assert_eq!(distinct.len(), 10_000 - 11 - 10);
    // v1 with retake=false is idempotent: chunks cut off are sent again.
    let path = format!("/ingest/x/bulk/{}", postings[0].1);
    let sent: Vec<Value> = posts(path).map(|r| r.json()).collect();
    let chunks: HashSet<String> = sent.iter().map(Value::to_string).collect();
    let no_retake = sent.iter().all(|b| b["retake"] == false);
    let resent = sent.len() > chunks.len();
    assert!(resent && no_retake, "re-sent, only with retake=false");

    clear_faults(&mock).await;
    let list = c.v1().list_interviews().posting_id(&postings[0].0);
    let stored: Vec<_> = list.limit(100).stream().try_collect().await.expect("list");
    let ids: HashSet<&String> = stored.iter().map(|i| &i.interview_id).collect();
    assert_eq!((stored.len(), ids), (distinct.len(), distinct), "once each");
    for (posting, ok) in [(&postings[1].0, &ok), (p2, &ok2)] {
        let list = c.v2().list_candidates().posting_id(posting).limit(100);
        let stored: Vec<_> = list.stream().try_collect().await.expect("list");
        let ids: HashSet<&String> = stored.iter().map(|s| &s.interview_id).collect();
        let all = ok.values().all(|id| ids.contains(id));
        assert!(all, "the server's own interviews");
    }
}

heymilo_tests::check_and_its_test!(ten_thousand_rows_through_faults: ten_thousand_rows_of_each_generation_through_faults_end_once, that_check_fails_against_an_sdk_that_resends_every_post);

#[tokio::test]
async fn rows_are_checked_before_sending_and_name_row_and_field() {
    let server = Recorder::start(ingested(V2, 2)).await;
    let many_keys = (0..51).fold(Candidate::new("M", "m@x.io"), |c, i| {
        c.metadata(format!("k{i}"), "v")
    });
    #[rustfmt::skip]
    let rows = vec![
        (Candidate::new("Ok", "ok@x.io").phone_number("+12065551234"), None),
        (Candidate::new("  ", "blank@x.io"), Some("name")),
        (Candidate::new("B", "b@example"), Some("email")),
        (Candidate::new("P", "p@x.io").phone_number("+0123456789"), Some("phone_number")),
        (Candidate::new("K", "k@x.io").metadata("k".repeat(41), "v"), Some("metadata")),
        (Candidate::new("V", "v@x.io").metadata("k", "v".repeat(501)), Some("metadata")),
        (many_keys, Some("metadata")),
        (Candidate::new("Ok2", "ok2@x.io").data("source", "referral"), None),
    ];
    let (rows, fields): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
    let report = client(&server.url()).ingest().v2("P").run(rows).await;
    let errors: Vec<_> = report.outcomes.iter().map(field).collect();
    assert_eq!(errors, fields);
    let e = format!("{}", report.outcomes[3].as_ref().expect_err("phone"));
    assert!(e.starts_with("row 3: invalid phone_number"), "{e}");
    let sent = server.single().json()["data"].as_array().map(Vec::len);
    assert_eq!(sent, Some(2), "invalid rows are never sent");
}

/// Bulk ingest through a limiter that records its permits, against a
/// server that answers slowly and refuses the third of the first three
/// requests at once with a 429: the chunks that follow the first two would
/// go during the pause if it did not hold them.
#[tokio::test]
async fn bulk_ingest_keeps_to_its_concurrency_the_limiter_and_a_429_pause() {
    let ok = ingested(V2, 10).delayed(Duration::from_millis(50));
    let too_many = Reply::json(429, json!({})).header("retry-after-ms", "500");
    let server = Recorder::scripted(vec![ok.clone(), ok.clone(), too_many], ok).await;
    let limiter = std::sync::Arc::new(Counting::default());
    let c = builder(&server.url()).rate_limiter(limiter.clone()).build();
    let bulk = c.expect("client").ingest().v2("P").chunk_size(10);
    let report = bulk.concurrency(3).run(people(200, "c")).await;
    assert_eq!(report.succeeded(), 200);
    let (sent, most) = (server.requests().len(), server.most_in_flight());
    let permits = limiter.granted.lock().expect("lock").len();
    // 20 chunks, one re-sent after its 429, each took a permit; never more than 3 at once.
    assert_eq!((sent, permits, most), (21, 21, 3));
    let pauses = limiter.pauses.lock().expect("lock").clone();
    let waits: Vec<_> = pauses.iter().map(|p| p.1).collect();
    assert_eq!(waits, [Duration::from_millis(500)], "one 429, one pause");
    assert_eq!(limiter.granted_during_a_pause(), [], "sent in the pause");
}

/// A 422 that names a row of a chunk ends that row and the rest is sent
/// again (what arrived, at a scripted server); outcomes stream in input order.
#[tokio::test]
async fn a_refused_row_fails_alone_and_outcomes_stream_in_input_order() {
    for (g, at) in [(V1, "candidates"), (V2, "data")] {
        let refuse = |i: usize| {
            let detail = json!([{"loc": ["body", at, i, "email"], "msg": "no", "type": "t"}]);
            Reply::json(422, json!({ "detail": detail }))
        };
        let answers = [refuse(3), ingested(g, 5), refuse(1), ingested(g, 4)];
        let server = Recorder::scripted(answers.to_vec(), Reply::raw(500, "")).await;
        let (c, mut rows) = (client(&server.url()), people(12, "r"));
        rows[9].email = "bad".into();
        let bulk = c.ingest().into_generation(g, "K").chunk_size(6);
        let report = bulk.concurrency(1).run(rows.clone()).await;
        let ok = interviews_by_email(&report, &rows, |i, kind| match kind {
            RowErrorKind::Rejected(_) => i == 3 || i == 7,
            RowErrorKind::Invalid(_) => i == 9,
            _ => false,
        });
        assert_eq!((ok.len(), field(&report.outcomes[3])), (9, Some("email")));
        let emails = |r: &Recorded| -> Vec<Value> {
            let rows = r.json()[at].as_array().cloned().unwrap_or_default();
            rows.iter().map(|c| c["email"].clone()).collect()
        };
        let sent: Vec<_> = server.requests().iter().map(emails).collect();
        #[rustfmt::skip]
        let want = [&[0, 1, 2, 3, 4, 5][..], &[0, 1, 2, 4, 5], &[6, 7, 8, 10, 11], &[6, 8, 10, 11]];
        let want = want.map(|ix| ix.iter().map(|i| json!(rows[*i].email)).collect::<Vec<_>>());
        assert_eq!(sent, want, "{g}: the rest re-sent, invalid never");
    }
    let mock = mock(0).await;
    let (c, rows) = (client(mock.base_url()), people(45, "s"));
    let posting = &mock.postings()[0].0;
    let bulk = c.ingest().v2(posting).chunk_size(4).concurrency(8);
    let input = futures::stream::iter(rows.clone());
    let outcomes: Vec<_> = bulk.stream(input).collect().await;
    let again = c.ingest().v2(posting).run(rows).await;
    let id = |o: &RowOutcome| o.as_ref().expect("ok").interview_id.clone();
    let mut pairs = outcomes.iter().zip(&again.outcomes);
    assert_eq!(outcomes.len(), 45);
    assert!(pairs.all(|(a, b)| id(a) == id(b)), "in input order");
}

#[test]
fn the_client_and_helper_futures_can_be_spawned() {
    fn send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<Client>();
    assert_eq!(size_of::<Client>(), size_of::<usize>(), "one Arc");
    let c = client("http://127.0.0.1:9");
    send(&c.ingest().v2("P").run(people(1, "x")));
    let rows = futures::stream::iter(people(1, "y"));
    send(&c.ingest().v1("K").on_progress(|_| {}).run_stream(rows));
    send(&c.export().interviews("P").to_writer(Vec::new()));
    send(&c.export().interviews("P").to_path("/nonexistent/x"));
    send(&c.export().candidates("P").to_writer(Vec::new()));
    send(&c.export().interview_data("P").to_writer(Vec::new()));
    send(&c.webhooks().list(V2, None));
    send(&c.webhooks().deactivate(V1, "W"));
}

// Exports. ------------------------------------------------------------------
#[tokio::test]
async fn exports_stream_v1_json_to_a_writer_and_a_file_and_v2_json_lines() {
    let mock = mock(40).await;
    let c = client(mock.base_url());
    let posting = mock.postings()[0].0.clone();
    let rows = |b: &[u8]| serde_json::from_slice::<Vec<Value>>(b).expect("JSON").len();
    let (mut out, mut last) = (Vec::new(), ExportProgress::default());
    let export = c.export().interviews(&posting).on_progress(|p| last = p);
    let done = export.to_writer(&mut out).await.expect("export");
    let size = out.len() as u64;
    assert_eq!((rows(&out), done.bytes), (40, size));
    assert!(done.job_id.is_some_and(|j| j.starts_with("exp_")));
    assert_eq!((last.bytes_written, last.total_bytes), (size, Some(size)));

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("interviews.json");
    let done = c.export().interviews(&posting).to_path(&path).await;
    let (done, written) = (done.expect("to path"), std::fs::read(&path).expect("read"));
    assert_eq!((rows(&written), written.len() as u64), (40, done.bytes));
    let nope = dir.path().join("nope.json");
    let err = c.export().interviews("NOPE").to_path(nope).await;
    assert!(matches!(err, Err(Api(Error::NotFound(_)))), "{err:?}");
    assert_eq!(files_in(&dir), ["interviews.json"], "no .part, no failure");

    let (mut out, mut last) = (Vec::new(), ExportProgress::default());
    let export = c.export().candidates(&mock.postings()[2].0);
    let export = export.on_progress(|p| last = p);
    let done = export.to_writer(&mut out).await.expect("export");
    let (lines, size) = (json_lines(&out), out.len() as u64);
    let ids: HashSet<&Value> = lines.iter().map(|v| &v["interview_id"]).collect();
    assert_eq!((ids.len(), done.records, done.bytes), (40, 40, size));
    assert_eq!((last.records, last.total_records), (40, Some(40)));

    // Each interview's full results, one line each, in list order.
    let mut out = Vec::new();
    let data = c.export().interview_data(&posting);
    assert_eq!(data.to_writer(&mut out).await.expect("export").records, 40);
    let list = c.v2().list_candidates().posting_id(&posting).limit(100);
    let listed: Vec<_> = list.stream().try_collect().await.expect("list");
    let ids: Vec<_> = listed.iter().map(|c| json!(c.interview_id)).collect();
    let lines = json_lines(&out);
    let each = |l: &Value| l["object"] == "interview_data" && l["posting_id"] == posting;
    let order: Vec<_> = lines.iter().map(|l| l["interview_id"].clone()).collect();
    assert_eq!(order, ids, "in list order");
    assert!(lines.iter().all(each), "each line the interview's data");
}

const SMALL: &str = r#"[{"interview_id": "IV00000"}]"#;

/// Against scripted servers: failures are typed and leave nothing behind,
/// the key goes with every request to the API's origin, never to another.
#[tokio::test]
async fn exports_fail_typed_and_keep_the_key_at_home() {
    type Check = fn(&ExportError) -> bool;
    let job = |status: &str, file: Option<&str>| {
        let job = json!({"job_id": "exp_1", "status": status, "file_url": file});
        Reply::json(200, job)
    };
    let (file, small) = (job("success", Some("/files/x")), Reply::raw(200, SMALL));
    let export = |api: &Recorder| client(&api.url()).export().interviews("P");
    #[rustfmt::skip]
    let cases: [(&str, Vec<Reply>, Check); 5] = [
        ("failed", vec![job("failed", None)], |e| matches!(e, JobFailed { status, .. } if status == "failed")),
        ("expired", vec![job("expired", None)], |e| matches!(e, JobFailed { status, .. } if status == "expired")),
        ("pending", vec![job("pending", None)], |e| matches!(e, NoFile { status, .. } if status == "pending")),
        ("gone", vec![file.clone(), Reply::raw(410, "")], |e| matches!(e, FileExpired { status: 410, .. })),
        ("missing", vec![file.clone(), Reply::raw(404, "")], |e| matches!(e, FileExpired { status: 404, .. })),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (case, answers, check) in cases {
        let api = Recorder::scripted([answers.clone(), answers].concat(), small.clone()).await;
        let mut sink = Vec::new();
        let err = export(&api).to_writer(&mut sink).await.expect_err(case);
        let clean = sink.is_empty() && !err.to_string().contains(KEY);
        assert!(check(&err) && clean, "{case}: {err:?}");
        let err = export(&api).to_path(dir.path().join("x.json")).await;
        assert!(check(&err.expect_err(case)), "{case} to a file");
        assert!(files_in(&dir).is_empty(), "{case}: nothing left behind");
    }
    // A writer that refuses every write: a file opened read-only.
    let api = Recorder::scripted(vec![file.clone()], small.clone()).await;
    let read_only = tokio::fs::File::open("/dev/null").await.expect("open");
    let err = export(&api).to_writer(read_only).await;
    assert!(matches!(err, Err(Io(_))), "{err:?}");

    // Another origin, reached directly or by a redirect: followed, without the key.
    let host = Recorder::start(small.clone()).await;
    let away = format!("{}/small", host.url());
    let redirect = Reply::raw(302, "").header("location", &away);
    #[rustfmt::skip]
    let cases = [
        ("relative", vec![file.clone(), small.clone()], 2), ("redirect", vec![file, redirect], 2),
        ("another origin", vec![job("success", Some(&away))], 1),
    ];
    let keyed = |r: &Recorded| r.header("x-api-key") == Some(KEY);
    for (case, answers, at_api) in cases {
        let (api, mut out) = (Recorder::scripted(answers, small.clone()).await, Vec::new());
        export(&api).to_writer(&mut out).await.expect(case);
        let all_keyed = api.requests().iter().all(keyed);
        assert!(out == SMALL.as_bytes() && all_keyed, "{case}");
        assert_eq!(api.requests().len(), at_api, "{case}");
    }
    let (to_host, keyless) = (host.requests(), !host.requests().iter().any(keyed));
    assert!(keyless && to_host.len() == 2, "no key to the other origin");
}

// Webhooks. -----------------------------------------------------------------
async fn recv(rx: &mut tokio::sync::mpsc::Receiver<Event>) -> Event {
    within(rx.recv()).await.expect("channel open")
}

#[tokio::test]
async fn subscriptions_of_both_generations_deliver_typed_events_to_the_receiver() {
    let channel = || tokio::sync::mpsc::channel::<Event>(16);
    let ((tx, mut events), (fn_tx, mut fn_events)) = (channel(), channel());
    let ((last_tx, mut last_events), (full_tx, _full)) = (channel(), tokio::sync::mpsc::channel(1));
    let on_event = move |event: Event| {
        let fn_tx = fn_tx.clone();
        async move { drop(fn_tx.send(event).await) }
    };
    let extract = post(|e: Event| async move { e.event_type().to_owned() });
    let mut app = Router::new().route("/fn", receiver_fn(on_event));
    for (path, tx) in [("/hooks", tx), ("/last", last_tx), ("/full", full_tx)] {
        app = app.route(path, receiver(tx));
    }
    let receiver = serve(app.route("/extract", extract)).await;

    let mock = mock(3).await;
    let c = client(mock.base_url());
    let posting = mock.postings()[0].0.clone();
    let hooks = c.webhooks();
    let sub = |to: &str, event| NewSubscription::new(&posting, format!("{receiver}{to}"), event);
    let create = async |generation, s: NewSubscription| hooks.create(generation, &s).await;
    let made = async |generation, s| create(generation, s).await.expect("a hook");
    let ids = async |generation, posting: Option<&str>| {
        let listed = hooks.list(generation, posting).await.expect("list");
        HashSet::<String>::from_iter(listed.into_iter().map(|s| s.webhook_id))
    };
    let get = sub("/hooks", EventType::InterviewStarted).method(DeliveryMethod::Get);
    let started = made(V1, get).await;
    let report = made(V1, sub("/hooks", EventType::ReportAvailable)).await;
    let completed = made(V2, sub("/fn", EventType::InterviewCompleted)).await;
    let method = started.http_method.as_deref();
    assert_eq!((started.generation, method), (V1, Some("get")));
    assert_eq!(completed.generation, V2);
    let v1 = ids(V1, Some(&posting)).await;
    assert!(v1.contains(&started.webhook_id) && v1.contains(&report.webhook_id));
    let v2 = ids(V2, Some(&posting)).await;
    assert!(v2.contains(&completed.webhook_id));
    assert!(ids(V2, Some("NO-SUCH-POSTING")).await.is_empty());

    // Refused before sending: v2 has no GET deliveries, v1 only three event types.
    let get_v2 = sub("/h", EventType::InterviewCompleted).method(DeliveryMethod::Get);
    let unknown = sub("/h", EventType::from("candidate_ingested"));
    for (generation, refused) in [(V2, get_v2), (V1, unknown)] {
        let err = create(generation, refused).await;
        assert!(matches!(err, Err(Error::InvalidRequest { .. })), "{err:?}");
    }

    let listed = c.v2().list_candidates().posting_id(&posting).send().await;
    let listed = listed.expect("list");
    let nth = |i: usize| listed.data[i].interview_id.clone();
    let (interview, other) = (nth(0), nth(1));
    for to in ["started", "completed", "report_available"] {
        advance(&mock, &interview, to).await;
    }
    let mut got = [recv(&mut events).await, recv(&mut events).await];
    got.sort_by_key(|e| e.event_type().to_owned());
    let [Event::InterviewStarted(start), Event::ReportAvailable(done)] = &got else {
        panic!("{got:?}")
    };
    let ids = (start.interview_id.as_str(), start.posting_id.as_deref());
    assert_eq!(ids, (interview.as_str(), Some(posting.as_str())));
    assert!(start.candidate.is_none(), "GET deliveries carry no objects");
    let email = done.candidate.as_ref().is_some_and(|c| c.email.is_some());
    assert!(done.interview_id == interview && done.score.is_some() && email);
    let (fin, hook) = (recv(&mut fn_events).await, Some(&completed.webhook_id));
    let ours = matches!(&fin, Event::InterviewCompleted(f) if f.interview_id == interview && f.webhook_id.as_ref() == hook);
    assert!(ours, "{fin:?}");

    // Deactivated subscriptions deliver nothing more: a subscription made
    // after them is the marker that the events were fired.
    for s in [&started, &report, &completed] {
        let after = hooks.deactivate(s.generation, &s.webhook_id).await;
        assert_eq!(after.expect("deactivate").is_active, Some(false));
    }
    let marker = made(V1, sub("/last", EventType::ReportAvailable)).await;
    for to in ["started", "completed", "report_available"] {
        advance(&mock, &other, to).await;
    }
    let (last, hook) = (recv(&mut last_events).await, Some(&marker.webhook_id));
    let ours = matches!(&last, Event::ReportAvailable(l) if l.interview_id == other && l.webhook_id.as_ref() == hook);
    assert!(ours, "{last:?}");
    let quiet = events.try_recv().is_err() && fn_events.try_recv().is_err();
    assert!(quiet, "a deactivated hook delivered");
    let expected = |d: &heymilo_mock::Delivery| {
        let ours = d.interview_id == interview || d.webhook_id == marker.webhook_id;
        ours && d.status == Some(200)
    };
    assert!(mock.deliveries().iter().all(expected));

    // A new event type reaches the code as Unknown; garbage is answered 400.
    let http = reqwest::Client::new();
    let post = |path: &str, body: &str| {
        let to = http.post(format!("{receiver}{path}")).body(body.to_owned());
        to.header("content-type", "application/json").send()
    };
    let unknown = r#"{"event_type": "candidate_ingested", "interview_id": "X"}"#;
    assert_eq!(post("/hooks", unknown).await.expect("post").status(), 200);
    assert!(matches!(recv(&mut events).await, Event::Unknown(v) if v["interview_id"] == "X"));
    let garbage = post("/hooks", "not json").await.expect("post");
    assert_eq!(garbage.status(), 400);
    let report = r#"{"event_type": "report_available", "interview_id": "Y", "score": 90}"#;
    let r = post("/extract", report).await.expect("post");
    assert_eq!(r.text().await.expect("text"), "report_available");
    // A full receiver answers 503 at once: one that waited for room would never answer.
    let url = format!("{receiver}/full?event_type=interview_started&interview_id=A");
    let send = || http.get(&url).send();
    assert_eq!(send().await.expect("first").status(), 200);
    assert_eq!(within(send()).await.expect("second").status(), 503);
}
