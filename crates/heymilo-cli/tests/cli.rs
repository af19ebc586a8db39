//! The `heymilo` binary against heymilo-mock, started in-process: its URL
//! and key reach the binary through the environment, as a user's would
//! (`HEYMILO_BASE_URL` alone: one host serves both generations).

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use futures::TryStreamExt as _;
use heymilo::Paginate as _;
use heymilo_mock::{Config, FaultRule, MockServer};
use serde_json::Value;

/// A mock serving on its own runtime while the test thread runs the binary.
struct Mock {
    server: MockServer,
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
}

impl Mock {
    fn start(candidates_per_posting: usize) -> Mock {
        Mock::with_faults(candidates_per_posting, Vec::new())
    }

    fn with_faults(candidates_per_posting: usize, faults: Vec<FaultRule>) -> Mock {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let config = Config {
            candidates_per_posting,
            rate_limit: 100_000,
            faults,
            ..Config::default()
        };
        let server = runtime.block_on(MockServer::start(config)).expect("mock");
        let dir = tempfile::tempdir().expect("tempdir");
        Mock {
            server,
            runtime,
            dir,
        }
    }

    fn url(&self) -> &str {
        self.server.base_url()
    }

    /// The first posting's id and url key.
    fn posting(&self) -> (String, String) {
        self.server.postings()[0].clone()
    }

    /// `heymilo` pointed at this mock through the environment.
    fn heymilo(&self) -> Command {
        let mut cmd = heymilo();
        cmd.env("HEYMILO_API_KEY", self.server.api_key())
            .env("HEYMILO_BASE_URL", self.url());
        cmd
    }

    /// `args` run against the mock: exit code, stdout, stderr.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        run(self.heymilo().args(args))
    }

    /// The same, spawned (for signals and pipes).
    fn spawn(&self, args: &[&str], stdout: Stdio) -> Child {
        std::process::Command::new(env!("CARGO_BIN_EXE_heymilo"))
            .env("HEYMILO_API_KEY", self.server.api_key())
            .env("HEYMILO_BASE_URL", self.url())
            .args(args)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    }

    /// A file of the test's directory, written.
    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Every candidate id of a posting, read with the SDK.
    fn candidate_ids(&self, posting: &str) -> Vec<String> {
        let client = heymilo::Client::builder()
            .api_key(self.server.api_key())
            .v1_base_url(self.url())
            .v2_base_url(self.url())
            .build()
            .expect("client");
        let request = client.v2().list_candidates().posting_id(posting).limit(100);
        let ids = request.stream().map_ok(|c| c.interview_id).try_collect();
        self.runtime.block_on(ids).expect("candidates")
    }
}

/// The binary with none of the user's settings.
fn heymilo() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heymilo"));
    for var in [
        "HEYMILO_API_KEY",
        "HEYMILO_BASE_URL",
        "HEYMILO_V1_URL",
        "HEYMILO_V2_URL",
        "HEYMILO_REDIS_URL",
        "COLUMNS",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Sends SIGINT, as Ctrl-C does, once `ready` holds; then the exit code and stderr.
fn interrupt(child: Child, ready: impl Fn() -> bool) -> (i32, String) {
    while !ready() {
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status();
    assert!(sent.expect("kill").success());
    let out = child.wait_with_output().expect("exits");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap_or(-1), err)
}

#[test]
fn candidates_all_jsonl_writes_every_candidate_exactly_once() {
    let mock = Mock::start(237);
    let (posting, _) = mock.posting();
    let list = ["candidates", "list", &posting];
    let (code, out, _) = mock.run(&[&list[..], &["--all", "--page-size", "25"]].concat());
    assert_eq!(code, 0);
    let ids: Vec<String> = out
        .lines()
        .map(|l| json(l)["interview_id"].as_str().expect("id").into())
        .collect();
    assert_eq!(
        ids,
        mock.candidate_ids(&posting),
        "every candidate once, in order"
    );
    assert_eq!(ids.len(), 237);
    // --limit stops early and says so; --quiet keeps the hint off stderr.
    for (args, lines, hint) in [
        (
            &["--limit", "130"][..],
            130,
            "showing 130 of 237; use --all for every one",
        ),
        (&["-L", "5", "--quiet"], 5, ""),
    ] {
        let (code, out, err) = mock.run(&[&list[..], args].concat());
        assert_eq!((code, out.lines().count()), (0, lines), "{args:?}");
        assert_eq!(err.trim(), hint, "{args:?}");
    }
}

#[test]
fn tables_fit_show_url_keys_and_take_fields() {
    let mock = Mock::start(3);
    let (code, out, _) = mock.run(&["postings", "--format", "table"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("postings_table", out);
    let (_, key) = mock.posting();
    assert!(out.contains(&key), "the url key v1 ingest takes: {out}");
    // `postings list` is the same command.
    assert_eq!(mock.run(&["postings", "list", "-F", "table"]).1, out);
    for (columns, args, check) in [
        ("40", &["--no-headers"][..], "no header row"),
        ("40", &[], "fits 40 columns"),
        ("40", &["--wide"], "is whole"),
        (
            "",
            &["--fields", "id,urls.ingestion_url_key"],
            "two columns",
        ),
    ] {
        let mut cmd = mock.heymilo();
        let (code, table, _) = run(cmd
            .env("COLUMNS", columns)
            .args(["postings", "-F", "table"])
            .args(args));
        assert_eq!(code, 0, "{check}");
        let widest = table.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        match check {
            "no header row" => assert!(!table.contains("POSTING") && table.lines().count() == 3),
            "fits 40 columns" => assert!(widest <= 40 && table.contains('…'), "{table}"),
            "is whole" => assert_eq!(table, out),
            _ => assert!(table.starts_with("ID ") && table.contains(&key), "{table}"),
        }
    }
    let (code, out, _) = mock.run(&["postings", "-L", "1", "--fields", "id,title", "-F", "jsonl"]);
    let keys: Vec<String> = json(&out)
        .as_object()
        .expect("object")
        .keys()
        .cloned()
        .collect();
    assert_eq!((code, keys), (0, vec!["id".into(), "title".into()]));
}

#[test]
fn ingest_a_csv_file_with_one_result_per_row() {
    let mock = Mock::start(0);
    let (posting, _) = mock.posting();
    let people = mock.file(
        "people.csv",
        "name,email,phone_number,external_id\nJane Doe,jane@example.com,+12065551234,c-001\n\
         Li Wei,li.wei@example.com,,c-002\nAmara Okafor,amara@example.com,+442071838750,c-003\n",
    );
    let results = mock.path("results.csv").display().to_string();
    let args = [
        "ingest",
        &posting,
        "--file",
        &people,
        "--results",
        &results,
        "--chunk-size",
        "2",
    ];
    let (code, out, err) = mock.run(&args);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("3 of 3 rows ingested"), "{err}");
    let written = std::fs::read_to_string(&results).expect("results");
    let rows: Vec<Vec<String>> = written
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(Into::into).collect())
        .collect();
    assert_eq!(
        written.lines().next(),
        Some("row,name,email,status,interview_id,interview_link,field,error")
    );
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(
            (row[0].as_str(), row[3].as_str()),
            (&*(i + 1).to_string(), "ingested")
        );
    }
    assert_eq!(mock.candidate_ids(&posting).len(), 3, "each once");
}

#[test]
fn invalid_rows_name_row_line_and_field_in_lf_and_crlf_files() {
    let mock = Mock::start(0);
    let (posting, _) = mock.posting();
    // Row 3 of the data sits on line 5: after the header and a blank line.
    let body = [
        "name,email",
        "A,a@example.com",
        "",
        "B,b@example.com",
        "C,c-at-example.com",
        "",
    ];
    for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
        let people = mock.file(name, &body.join(end));
        let (code, _, err) = mock.run(&["ingest", &posting, "--file", &people]);
        assert_eq!(code, 5, "{name}: {err}");
        assert!(
            err.contains("row 3 (line 5), field email") && err.contains("nothing was sent"),
            "{name}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    let broken = mock.file("broken.csv", "name,email\r\nA,a@example.com,extra\r\n");
    let missing = mock.path("missing.csv").display().to_string();
    for (file, says) in [(broken, "row 1 (line 2)"), (missing, "cannot open")] {
        let (code, _, err) = mock.run(&["ingest", &posting, "--file", &file]);
        assert!(code == 5 && err.contains(says), "{err}");
    }
    let jsonl = mock.file(
        "people.jsonl",
        "{\"name\": \"Jane\", \"email\": \"jane@example.com\"}\n\n{\"name\": \"N\", \"email\": \"np@example.com\", \"phone_number\": \"2065551234\"}\n",
    );
    let (code, out, err) = mock.run(&[
        "ingest",
        &posting,
        "--skip-invalid",
        "-F",
        "json",
        "--file",
        &jsonl,
    ]);
    assert_eq!(code, 0, "{err}");
    let statuses: Vec<Value> = json(&out)
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["status"].clone())
        .collect();
    assert_eq!(statuses, ["ingested", "invalid"]);
    assert!(
        err.contains("warning: ") && err.contains("row 2 (line 3), field phone_number"),
        "{err}"
    );
    assert!(
        mock.candidate_ids(&posting).len() == 1,
        "nothing was sent twice"
    );
}

#[test]
fn ingest_counts_every_row_not_ingested() {
    let (posting, route) = ("2838DAF6", "/api/v2/postings/2838DAF6/candidates");
    let fault = FaultRule {
        route: Some(route.into()),
        error_rate: 1.0,
        ..FaultRule::default()
    };
    let mock = Mock::with_faults(0, vec![fault]);
    assert_eq!(mock.posting().0, posting, "the seed's first posting");
    let rows = "name,email\nA,a@example.com\nB,bad\nC,c@example.com\nD,d@example.com\nE,also-bad\n";
    let people = mock.file("people.csv", rows);
    let (code, _, err) = mock.run(&[
        "ingest",
        posting,
        "--file",
        &people,
        "--skip-invalid",
        "--max-retries",
        "0",
        "--chunk-size",
        "2",
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("error: 5 of 5 rows were not ingested: 3 failed at HeyMilo")
            && err.contains("2 invalid"),
        "{err}"
    );
}

#[test]
fn ctrl_c_during_ingest_writes_results_and_resumes_without_duplicates() {
    let (posting, route) = ("2838DAF6", "/api/v2/postings/2838DAF6/candidates");
    let slow = FaultRule {
        route: Some(route.into()),
        latency_ms: 300,
        ..FaultRule::default()
    };
    let mock = Mock::with_faults(0, vec![slow]);
    let rows: String = (0..30)
        .map(|i| format!("P{i},p{i}@example.com\n"))
        .collect();
    let people = mock.file("people.csv", &format!("name,email\n{rows}"));
    let results = mock.path("results.csv").display().to_string();
    let args = [
        "ingest",
        posting,
        "--file",
        &people,
        "--chunk-size",
        "1",
        "--concurrency",
        "1",
    ];
    let child = mock.spawn(
        &[&args[..], &["--results", &results]].concat(),
        Stdio::null(),
    );
    let (code, err) = interrupt(child, || mock.candidate_ids(posting).len() >= 2);
    assert_eq!(code, 130, "{err}");
    let resume = format!("--skip-done {results} --results {results}");
    assert!(
        err.contains("finishing the requests in flight") && err.contains(&resume),
        "{err}"
    );
    let decided = std::fs::read_to_string(&results)
        .expect("results")
        .lines()
        .count()
        - 1;
    let sent = mock.candidate_ids(posting).len();
    assert!(
        (2..30).contains(&decided) && decided == sent,
        "{decided} rows written, {sent} sent: {err}"
    );

    let (code, _, err) =
        mock.run(&[&args[..], &["--skip-done", &results, "--results", &results]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("skipping {decided} rows already ingested")),
        "{err}"
    );
    assert_eq!(mock.candidate_ids(posting).len(), 30, "every row once");
    let all = std::fs::read_to_string(&results).expect("results");
    assert_eq!(all.lines().filter(|l| l.contains(",ingested,")).count(), 30);
}

#[test]
fn export_writes_the_file_counts_records_and_cleans_up() {
    let slow = FaultRule {
        route: Some("/interviews/export".into()),
        latency_ms: 5_000,
        ..FaultRule::default()
    };
    let mock = Mock::with_faults(30, vec![slow]);
    let (posting, _) = mock.posting();
    let out = mock.path("candidates.jsonl");
    let (code, _, err) = mock.run(&[
        "export",
        &posting,
        "--kind",
        "candidates",
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&out).expect("file").lines().count(),
        30
    );

    // Ctrl-C while the export runs: no FILE.part left behind.
    let path = mock.path("interviews.json");
    let part = mock.path("interviews.json.part");
    let child = mock.spawn(
        &["export", &posting, "-o", &path.display().to_string()],
        Stdio::null(),
    );
    let (code, err) = interrupt(child, || part.exists());
    assert_eq!(code, 130, "{err}");
    assert!(
        !part.exists() && !path.exists() && err.contains("removed the partial"),
        "{err}"
    );
}

#[test]
fn export_summary_and_a_closed_stdout() {
    let mock = Mock::start(30);
    let (posting, _) = mock.posting();
    let path = mock.path("interviews.json");
    let (code, out, _) = mock.run(&[
        "export",
        &posting,
        "-F",
        "json",
        "-o",
        &path.display().to_string(),
    ]);
    let summary = json(&out);
    let written: Value = json(&std::fs::read_to_string(&path).expect("file"));
    // The help's `jq length` is the RECORDS column.
    assert_eq!((code, summary["records"].as_u64()), (0, Some(30)));
    assert_eq!(written.as_array().map(Vec::len), Some(30));
    assert!(summary["job_id"].is_string());
    let (code, _, _) = mock.run(&[
        "export",
        "NOPE",
        "-o",
        &mock.path("none.json").display().to_string(),
    ]);
    assert!(code == 3 && !mock.path("none.json.part").exists() && !mock.path("none.json").exists());

    // `... | head -1` closes the pipe: no "Broken pipe", exit 0.
    for args in [
        &["export", &posting, "-o", "-"][..],
        &["candidates", "list", &posting, "--all"],
    ] {
        let mut child = mock.spawn(args, Stdio::piped());
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("exits");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("ipe"), "{args:?}: {err}");
    }
}

#[test]
fn webhooks_round_trip_and_deactivate_twice_in_both_generations() {
    let mock = Mock::start(1);
    let (posting, _) = mock.posting();
    let hook = |args: &[&str]| -> (i32, Value, String) {
        let (code, out, err) = mock.run(&[&["webhooks"], args, &["-F", "json"]].concat());
        (code, if code == 0 { json(&out) } else { Value::Null }, err)
    };
    for (g, event, method) in [
        ("v2", "interview_completed", "post"),
        ("v1", "report_available", "get"),
    ] {
        let url = format!("https://hooks.example.com/{g}");
        let create = [
            "create",
            "-g",
            g,
            "--posting",
            &posting,
            "--url",
            &url,
            "--event",
            event,
            "--method",
            method,
        ];
        let (_, created, _) = hook(&create);
        let id = created["webhook_id"].as_str().expect("id").to_owned();
        assert_eq!(
            (
                created["generation"].as_str(),
                created["http_method"].as_str()
            ),
            (Some(g), Some(method))
        );
        assert_eq!(
            hook(&["list", "-g", g, "--posting", &posting])
                .1
                .as_array()
                .map(Vec::len),
            Some(1)
        );
        assert_eq!(hook(&["get", &id, "-g", g]).1["url"], url.as_str());
        for time in ["first", "again"] {
            let (code, gone, err) = hook(&["deactivate", &id, "-g", g]);
            assert_eq!(
                (code, &gone["is_active"]),
                (0, &Value::Bool(false)),
                "{g} {time}: {err}"
            );
        }
    }
    let v1_unknown = [
        "create",
        "-g",
        "v1",
        "--posting",
        &posting,
        "--url",
        "https://x.example.com",
        "--event",
        "candidate_ingested",
    ];
    assert_eq!(hook(&v1_unknown).0, 2, "refused before sending");
    assert_eq!(hook(&["get", "NOPE"]).0, 3, "HeyMilo's 404");
}

#[test]
fn interviews_move_on_with_mock_advance_and_show_scores() {
    let mock = Mock::start(2);
    let (posting, _) = mock.posting();
    let id = mock.candidate_ids(&posting).remove(0);
    for to in ["started", "completed", "report"] {
        let (code, out, err) = mock.run(&["mock", "advance", &id, "--to", to, "-F", "json"]);
        assert_eq!(code, 0, "{to}: {err}");
        assert!(
            json(&out)["event_type"]
                .as_str()
                .is_some_and(|e| e.contains(&to[..4])),
            "{out}"
        );
    }
    let (code, table, _) = mock.run(&["interviews", "get", &id, "-F", "table"]);
    assert_eq!(code, 0);
    for label in ["CANDIDATE:", "EMAIL:", "STATUS:", "SCORES:", "INTERVIEWED:"] {
        assert!(
            table
                .lines()
                .any(|l| l.starts_with(label) && l.len() > label.len() + 2),
            "{label}\n{table}"
        );
    }
    assert!(
        table.contains("completed") && table.contains("web_interview="),
        "{table}"
    );
    let (code, out, _) = mock.run(&["interviews", "data", &id, "-F", "jsonl"]);
    assert_eq!(
        (code, json(&out)["interview_id"].as_str()),
        (0, Some(id.as_str()))
    );
    assert_eq!(mock.run(&["interviews", "get", "NOPE"]).0, 3);
    assert_eq!(
        mock.run(&["mock", "advance", "NOPE", "--to", "started"]).0,
        3
    );
    let (code, out, _) = mock.run(&["health", "-F", "jsonl"]);
    insta::assert_snapshot!("health_jsonl", out.replace(mock.url(), "http://[mock]"));
    assert_eq!(code, 0);
}

#[test]
fn a_rate_limit_wait_is_shown_unless_quiet() {
    let wait = FaultRule {
        burst_429: 1,
        retry_after_secs: Some(3),
        ..FaultRule::default()
    };
    for (quiet, shown) in [(&[][..], true), (&["--quiet"], false)] {
        let mock = Mock::with_faults(1, vec![wait.clone()]);
        let (code, _, err) = mock.run(&[&["postings"], quiet].concat());
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            err.contains("waiting 3 s: HeyMilo's rate limit answered 429"),
            shown,
            "{quiet:?}: {err}"
        );
    }
}

#[test]
fn heymilo_mock_takes_heymilo_mocks_flags() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_heymilo"))
        .env("HEYMILO_API_KEY", "hm_live_NOT_THIS_ONE")
        .args([
            "mock",
            "--port",
            "0",
            "--api-key",
            "k1",
            "--seed",
            "7",
            "--latency-ms",
            "1",
            "--error-rate",
            "0",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut banner = String::new();
    let mut reader = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    while !banner.contains("posting ") {
        assert!(
            std::io::BufRead::read_line(&mut reader, &mut banner).expect("read") > 0,
            "{banner}"
        );
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        banner.contains("api key: k1\n") && banner.contains("HEYMILO_BASE_URL="),
        "{banner}"
    );
    assert!(!banner.contains("NOT_THIS_ONE"));
    let (code, _, err) = run(heymilo().args(["mock", "--error-rate", "2"]));
    assert!(code == 2 && err.contains("error_rate"), "{err}");
}

#[test]
fn bad_input_exits_2_wrong_key_3_unreachable_4() {
    let mock = Mock::start(1);
    let secret = "hm_live_WRONG_SECRET_0123456789";
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let nowhere = format!("http://127.0.0.1:{port}");
    for (env, args, code, says) in [
        (None, &["postings"][..], 2, "no API key"),
        (None, &["postings", "--bogus"], 2, "--bogus"),
        (
            None,
            &["postings", "--all", "--limit", "3"],
            2,
            "cannot be used with",
        ),
        (None, &["postings", "-L", "0"], 2, "must be at least 1"),
        (
            None,
            &["candidates", "list", "P", "--created-after", "yesterday"],
            2,
            "is not a time",
        ),
        (None, &["ingest", "P"], 2, "--name"),
        (
            Some(("HEYMILO_API_KEY", "k")),
            &["postings", "--base-url", "ftp://example.com"],
            2,
            "ftp",
        ),
        (
            Some(("HEYMILO_API_KEY", secret)),
            &["postings", "--base-url", mock.url()],
            3,
            "401",
        ),
        (
            Some(("HEYMILO_API_KEY", secret)),
            &["health", "--base-url", mock.url()],
            3,
            "401",
        ),
        (
            Some(("HEYMILO_API_KEY", secret)),
            &["postings", "--max-retries", "0", "--base-url", &nowhere],
            4,
            &nowhere,
        ),
        (
            None,
            &[
                "--api-key",
                secret,
                "candidates",
                "list",
                "X",
                "--v2-url",
                &nowhere,
                "--max-retries",
                "0",
            ],
            4,
            &nowhere,
        ),
        (None, &["completions", "tcsh"], 2, "tcsh"),
    ] {
        let mut cmd = heymilo();
        if let Some((k, v)) = env {
            cmd.env(k, v);
        }
        let (got, _, err) = run(cmd.args(args));
        assert_eq!(got, code, "{args:?}: {err}");
        assert!(
            err.contains(says) && !err.contains(secret) && !err.contains("18446744073709551615"),
            "{args:?}: {err}"
        );
        assert!(err.starts_with("error: "), "{args:?}: {err}");
    }
    let (posting, _) = mock.posting();
    let (code, out, err) = mock.run(&[
        "candidates",
        "list",
        &posting,
        "--created-after",
        "2026-01-01",
        "-F",
        "json",
    ]);
    assert_eq!(
        (code, json(&out).as_array().map(Vec::len)),
        (0, Some(1)),
        "a date is an instant: {err}"
    );
}

#[test]
fn help_reads_like_gh() {
    let (_, top, _) = run(heymilo().arg("--help"));
    insta::assert_snapshot!("help_top", top);
    for path in [
        "postings",
        "postings list",
        "candidates list",
        "interviews get",
        "interviews data",
        "webhooks create",
        "webhooks list",
        "webhooks get",
        "webhooks deactivate",
        "ingest",
        "export",
        "health",
        "mock",
        "mock advance",
    ] {
        let (code, help, _) = run(heymilo().args(path.split(' ')).arg("--help"));
        assert_eq!(code, 0, "{path}");
        let summary: Vec<&str> = help.lines().take(2).collect();
        assert!(
            summary.len() == 2 && !summary[0].is_empty() && summary[1].is_empty(),
            "{path}: a one-line summary\n{help}"
        );
        for part in ["Usage: heymilo ", "\nExamples:\n", "\n  $ heymilo "] {
            assert!(help.contains(part), "{path}: {part:?}\n{help}");
        }
        let generation = help.contains("API v") || help.contains("No API generation");
        assert!(generation, "{path}: which generation and why\n{help}");
    }
    for shell in ["bash", "zsh", "fish"] {
        let (code, script, _) = run(heymilo().args(["completions", shell]));
        assert!(code == 0 && script.contains("candidates"), "{shell}");
    }
}
