//! The `heymilo` binary against heymilo-mock, started in-process: its URL
//! and key reach the binary through the environment, as a user's would.

use std::collections::HashSet;
use std::path::Path;

use assert_cmd::Command;
use futures::TryStreamExt as _;
use heymilo::Paginate as _;
use heymilo_mock::{Config, MockServer};

#[path = "api/mod.rs"]
mod api;

/// A mock serving on its own runtime while the test thread runs the binary.
struct Mock {
    server: MockServer,
    runtime: tokio::runtime::Runtime,
}

impl Mock {
    fn start(candidates_per_posting: usize) -> Mock {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let server = runtime
            .block_on(MockServer::start(Config {
                candidates_per_posting,
                rate_limit: 100_000,
                ..Config::default()
            }))
            .expect("mock starts");
        Mock { server, runtime }
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
            .env("HEYMILO_V1_URL", self.url())
            .env("HEYMILO_V2_URL", self.url());
        cmd
    }

    /// Every candidate id of a posting, read with the SDK.
    fn candidate_ids(&self, posting: &str) -> Vec<String> {
        let client = heymilo::Client::builder()
            .api_key(self.server.api_key())
            .v1_base_url(self.url())
            .v2_base_url(self.url())
            .build()
            .expect("client");
        self.runtime.block_on(async {
            client
                .v2()
                .list_candidates()
                .posting_id(posting)
                .limit(100)
                .stream()
                .map_ok(|c| c.interview_id)
                .try_collect()
                .await
                .expect("candidates")
        })
    }

    /// `text` with the mock's URL (it holds a random port) replaced.
    fn redact(&self, text: &str) -> String {
        text.replace(self.url(), "http://[mock]")
    }
}

/// The binary with none of the user's settings.
fn heymilo() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heymilo"));
    for var in [
        "HEYMILO_API_KEY",
        "HEYMILO_V1_URL",
        "HEYMILO_V2_URL",
        "HEYMILO_REDIS_URL",
        "CLICOLOR_FORCE",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write input");
    path
}

#[test]
fn candidates_all_jsonl_writes_every_candidate_exactly_once() {
    let mock = Mock::start(237);
    let (posting, _) = mock.posting();
    let dir = tempfile::tempdir().expect("tempdir");
    let assert = mock
        .heymilo()
        .args(["candidates", "list", &posting, "--all", "--format", "jsonl"])
        .args(["--page-size", "25"])
        .assert()
        .code(0);
    let out = dir.path().join("out");
    std::fs::write(&out, &assert.get_output().stdout).expect("out");

    let text = std::fs::read_to_string(&out).expect("read out");
    let ids: Vec<String> = text
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("one object per line");
            v["interview_id"].as_str().expect("an id").to_owned()
        })
        .collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), 237, "every candidate");
    assert_eq!(unique.len(), ids.len(), "none twice");
    let expected = mock.candidate_ids(&posting);
    assert_eq!(expected.len(), 237);
    assert_eq!(ids, expected, "the same candidates in the same order");

    // Piped, the default is JSON Lines too; --limit stops early.
    let assert = mock
        .heymilo()
        .args(["candidates", "list", &posting, "--limit", "130"])
        .assert()
        .code(0);
    assert_eq!(stdout(assert.get_output()).lines().count(), 130);
}

#[test]
fn postings_print_as_a_table() {
    let mock = Mock::start(3);
    let assert = mock
        .heymilo()
        .args(["postings", "--format", "table"])
        .assert()
        .code(0);
    insta::assert_snapshot!("postings_table", stdout(assert.get_output()));
    // `postings list` is the same command.
    let again = mock
        .heymilo()
        .args(["postings", "list", "--format", "table"])
        .assert()
        .code(0);
    assert_eq!(stdout(again.get_output()), stdout(assert.get_output()));
}

#[test]
fn ingest_a_csv_file_with_one_result_per_row() {
    let mock = Mock::start(0);
    let (posting, _) = mock.posting();
    let dir = tempfile::tempdir().expect("tempdir");
    let people = write(
        dir.path(),
        "people.csv",
        "name,email,phone_number,external_id\n\
         Jane Doe,jane@example.com,+12065551234,c-001\n\
         Li Wei,li.wei@example.com,,c-002\n\
         Amara Okafor,amara@example.com,+442071838750,c-003\n\
         Priya Patel,priya@example.com,,c-004\n",
    );
    let results = dir.path().join("results.csv");
    let assert = mock
        .heymilo()
        .args(["ingest", &posting, "--file"])
        .arg(&people)
        .arg("--results")
        .arg(&results)
        .args(["--chunk-size", "3"])
        .assert()
        .code(0);
    assert!(
        stdout(assert.get_output()).is_empty(),
        "a results file: no rows on stdout"
    );
    assert!(
        stderr(assert.get_output()).contains("4 of 4 rows ingested"),
        "{}",
        stderr(assert.get_output())
    );
    let written = std::fs::read_to_string(&results).expect("results");
    let mut reader = csv::Reader::from_reader(written.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("csv");
    assert_eq!(rows.len(), 4, "one result per input row");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(&row[0], (i + 1).to_string(), "in input order");
        assert_eq!(&row[3], "ingested");
        assert!(!row[4].is_empty(), "an interview id");
    }
    assert_eq!(mock.candidate_ids(&posting).len(), 4, "each ingested once");
    let ids: HashSet<&str> = rows.iter().map(|r| r.get(4).unwrap_or("")).collect();
    let shape: String = written
        .lines()
        .map(|line| {
            let mut cells: Vec<&str> = line.split(',').collect();
            // Interview ids and links are random: keep only their presence.
            for cell in cells.iter_mut() {
                if ids.contains(cell) {
                    *cell = "[id]";
                } else if cell.starts_with(mock.url()) {
                    *cell = "[link]";
                }
            }
            cells.join(",") + "\n"
        })
        .collect();
    insta::assert_snapshot!("ingest_results_csv", shape);
}

#[test]
fn ingest_jsonl_skipping_invalid_rows_reports_them_per_row() {
    let mock = Mock::start(0);
    let (posting, _) = mock.posting();
    let dir = tempfile::tempdir().expect("tempdir");
    let people = write(
        dir.path(),
        "people.jsonl",
        "{\"name\": \"Jane Doe\", \"email\": \"jane@example.com\", \"metadata\": {\"source\": \"referral\"}}\n\
         \n\
         {\"name\": \"No Phone\", \"email\": \"np@example.com\", \"phone_number\": \"2065551234\"}\n\
         {\"name\": \"Li Wei\", \"email\": \"li.wei@example.com\"}\n",
    );
    let assert = mock
        .heymilo()
        .args([
            "ingest",
            &posting,
            "--skip-invalid",
            "--format",
            "json",
            "--file",
        ])
        .arg(&people)
        .assert()
        .code(0);
    let results: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("a JSON array");
    let statuses: Vec<(&str, &str)> = results
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["status"].as_str().unwrap_or(""),
                r["field"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("ingested", ""),
            ("invalid", "phone_number"),
            ("ingested", "")
        ]
    );
    let err = stderr(assert.get_output());
    assert!(
        err.contains("warning: ") && err.contains("row 2 (line 3), field phone_number"),
        "{err}"
    );
    assert_eq!(mock.candidate_ids(&posting).len(), 2);
}

#[test]
fn a_bad_csv_row_names_row_and_field_and_exits_5() {
    let mock = Mock::start(0);
    let (posting, _) = mock.posting();
    let dir = tempfile::tempdir().expect("tempdir");
    let people = write(
        dir.path(),
        "people.csv",
        "name,email\nJane Doe,jane@example.com\nLi Wei,li.wei-at-example.com\n",
    );
    let assert = mock
        .heymilo()
        .args(["ingest", &posting, "--file"])
        .arg(&people)
        .assert()
        .code(5);
    let err = stderr(assert.get_output());
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("row 2 (line 3), field email"), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(mock.candidate_ids(&posting).is_empty(), "nothing was sent");

    // A row the CSV reader cannot read names its row too.
    let broken = write(
        dir.path(),
        "broken.csv",
        "name,email\nA,a@example.com,extra\n",
    );
    let assert = mock
        .heymilo()
        .args(["ingest", &posting, "--file"])
        .arg(&broken)
        .assert()
        .code(5);
    assert!(stderr(assert.get_output()).contains("row 1 (line 2)"));

    // A file that is not there is a local error as well.
    let assert = mock
        .heymilo()
        .args(["ingest", &posting, "--file"])
        .arg(dir.path().join("missing.csv"))
        .assert()
        .code(5);
    assert!(stderr(assert.get_output()).contains("cannot open"));
}

#[test]
fn one_candidate_from_flags() {
    let mock = Mock::start(0);
    let (posting, url_key) = mock.posting();
    let assert = mock
        .heymilo()
        .args([
            "ingest",
            &posting,
            "--name",
            "Jane Doe",
            "--email",
            "jane@example.com",
        ])
        .args(["--metadata", "source=referral", "--format", "json"])
        .assert()
        .code(0);
    let result: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("one object");
    assert_eq!(result["status"], "ingested");
    let id = result["interview_id"].as_str().expect("id").to_owned();

    // v1 by url key returns the same interview rather than a second one.
    let assert = mock
        .heymilo()
        .args([
            "ingest",
            &url_key,
            "--generation",
            "v1",
            "--format",
            "jsonl",
        ])
        .args(["--name", "Jane Doe", "--email", "jane@example.com"])
        .assert()
        .code(0);
    let again: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("one line");
    assert_eq!(again["interview_id"], id.as_str());

    // A bad flag value is a usage error naming the flag.
    let assert = mock
        .heymilo()
        .args([
            "ingest",
            &posting,
            "--name",
            "J",
            "--email",
            "j@example.com",
        ])
        .args(["--phone", "12345"])
        .assert()
        .code(2);
    assert!(stderr(assert.get_output()).contains("--phone"));
}

#[test]
fn a_wrong_key_exits_3_without_showing_the_key() {
    let mock = Mock::start(1);
    let secret = "hm_live_WRONG_SECRET_0123456789";
    for args in [
        vec!["postings"],
        vec!["candidates", "list", "X"],
        vec!["health"],
    ] {
        let assert = mock
            .heymilo()
            .env("HEYMILO_API_KEY", secret)
            .args(&args)
            .assert()
            .code(3);
        let output = assert.get_output();
        let (out, err) = (stdout(output), stderr(output));
        assert!(!out.contains(secret) && !err.contains(secret), "{out}{err}");
        assert!(err.contains("error: ") && err.contains("401"), "{err}");
        // The same with the key as a flag.
        let assert = mock
            .heymilo()
            .env_remove("HEYMILO_API_KEY")
            .args(["--api-key", secret])
            .args(&args)
            .assert()
            .code(3);
        assert!(!stderr(assert.get_output()).contains(secret));
    }
}

#[test]
fn an_unreachable_url_exits_4() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let assert = heymilo()
        .env("HEYMILO_API_KEY", "hm_live_SECRET")
        .env("HEYMILO_V1_URL", &url)
        .env("HEYMILO_V2_URL", &url)
        .args(["postings", "--max-retries", "0"])
        .assert()
        .code(4);
    let err = stderr(assert.get_output());
    assert!(err.starts_with("error: ") && err.contains(&url), "{err}");
    assert!(!err.contains("SECRET"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    heymilo()
        .env("HEYMILO_API_KEY", "k")
        .args(["candidates", "list", "P", "--max-retries", "0"])
        .args(["--v2-url", &url])
        .assert()
        .code(4);
}

#[test]
fn usage_errors_exit_2() {
    let assert = heymilo().args(["postings"]).assert().code(2);
    assert!(stderr(assert.get_output()).contains("no API key"));
    heymilo().args(["postings", "--bogus"]).assert().code(2);
    heymilo()
        .args(["postings", "--all", "--limit", "3"])
        .assert()
        .code(2);
    heymilo().args(["ingest", "P"]).assert().code(2);
    heymilo()
        .env("HEYMILO_API_KEY", "k")
        .args(["postings", "--v1-url", "ftp://example.com"])
        .assert()
        .code(2);
}

#[test]
fn webhooks_round_trip() {
    let mock = Mock::start(1);
    let (posting, _) = mock.posting();
    let hook = |args: &[&str]| -> serde_json::Value {
        let assert = mock
            .heymilo()
            .args(["webhooks"])
            .args(args)
            .args(["--format", "json"])
            .assert()
            .code(0);
        serde_json::from_slice(&assert.get_output().stdout).expect("JSON")
    };
    let created = hook(&[
        "create",
        "--posting",
        &posting,
        "--url",
        "https://hooks.example.com/h",
    ]);
    let id = created["webhook_id"].as_str().expect("id").to_owned();
    assert_eq!(created["generation"], "v2");
    assert_eq!(created["event_type"], "interview_completed");
    let listed = hook(&["list", "--posting", &posting]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(hook(&["get", &id])["webhook_id"], id.as_str());
    assert_eq!(hook(&["deactivate", &id])["is_active"], false);

    let v1 = hook(&[
        "create",
        "-g",
        "v1",
        "--posting",
        &posting,
        "--url",
        "https://hooks.example.com/v1",
        "--event",
        "report_available",
        "--method",
        "get",
    ]);
    assert_eq!(v1["generation"], "v1");
    assert_eq!(v1["http_method"], "get");
    let v1_id = v1["webhook_id"].as_str().expect("id");
    assert_eq!(
        hook(&["get", v1_id, "-g", "v1"])["url"],
        "https://hooks.example.com/v1"
    );

    // v1 knows three events: anything else is refused before sending.
    mock.heymilo()
        .args(["webhooks", "create", "-g", "v1", "--posting", &posting])
        .args([
            "--url",
            "https://x.example.com",
            "--event",
            "candidate_ingested",
        ])
        .assert()
        .code(2);
    // An unknown webhook is HeyMilo's 404.
    mock.heymilo()
        .args(["webhooks", "get", "NOPE"])
        .assert()
        .code(3);
}

#[test]
fn interviews_and_health() {
    let mock = Mock::start(2);
    let (posting, _) = mock.posting();
    let ids = mock.candidate_ids(&posting);
    let id = ids.first().expect("a candidate");
    let assert = mock
        .heymilo()
        .args(["interviews", "get", id, "--format", "json"])
        .assert()
        .code(0);
    let v1: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).expect("JSON");
    assert_eq!(v1["interview_id"], id.as_str());
    assert_eq!(v1["posting_id"], posting.as_str());
    let assert = mock
        .heymilo()
        .args(["interviews", "data", id, "--format", "jsonl"])
        .assert()
        .code(0);
    let v2: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).expect("JSON");
    assert_eq!(v2["interview_id"], id.as_str());
    mock.heymilo()
        .args(["interviews", "get", "NOPE"])
        .assert()
        .code(3);

    let assert = mock
        .heymilo()
        .args(["health", "--format", "jsonl"])
        .assert()
        .code(0);
    insta::assert_snapshot!("health_jsonl", mock.redact(&stdout(assert.get_output())));
}

#[test]
fn export_writes_the_file_and_a_summary() {
    let mock = Mock::start(30);
    let (posting, _) = mock.posting();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("interviews.json");
    let assert = mock
        .heymilo()
        .args(["export", &posting, "--format", "json", "--output"])
        .arg(&path)
        .assert()
        .code(0);
    let summary: serde_json::Value =
        serde_json::from_slice(&assert.get_output().stdout).expect("JSON");
    let written = std::fs::read(&path).expect("the file");
    assert_eq!(summary["bytes"], written.len() as u64);
    assert!(summary["job_id"].is_string());
    serde_json::from_slice::<serde_json::Value>(&written).expect("a JSON document");
    assert!(!dir.path().join("interviews.json.part").exists());

    let path = dir.path().join("candidates.jsonl");
    mock.heymilo()
        .args(["export", &posting, "--kind", "candidates", "--output"])
        .arg(&path)
        .assert()
        .code(0);
    let lines = std::fs::read_to_string(&path).expect("file");
    assert_eq!(lines.lines().count(), 30);

    // An unknown posting: HeyMilo's 404, and no file left behind.
    let path = dir.path().join("none.json");
    mock.heymilo()
        .args(["export", "NOPE", "--output"])
        .arg(&path)
        .assert()
        .code(3);
    assert!(!path.exists() && !dir.path().join("none.json.part").exists());
}

#[test]
fn help_reads_like_gh() {
    let top = heymilo().arg("--help").assert().code(0);
    insta::assert_snapshot!("help_top", stdout(top.get_output()));
    let list = heymilo()
        .args(["candidates", "list", "--help"])
        .assert()
        .code(0);
    insta::assert_snapshot!("help_candidates_list", stdout(list.get_output()));
    let ingest = heymilo().args(["ingest", "--help"]).assert().code(0);
    let text = stdout(ingest.get_output());
    assert!(
        text.contains("Invalid rows:") && text.contains("Examples:"),
        "{text}"
    );
    insta::assert_snapshot!("help_ingest", text);
}

#[test]
fn completions_name_the_binary() {
    for shell in ["bash", "zsh", "fish"] {
        let assert = heymilo().args(["completions", shell]).assert().code(0);
        let script = stdout(assert.get_output());
        assert!(script.contains("heymilo"), "{shell}");
        assert!(script.contains("candidates"), "{shell}");
    }
    heymilo().args(["completions", "tcsh"]).assert().code(2);
}
