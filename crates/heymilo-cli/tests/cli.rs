//! The `heymilo` binary against heymilo-mock, started in-process: its URL
//! and key reach the binary through the environment, as a user's would
//! (`HEYMILO_BASE_URL` alone: one host serves both generations). Command
//! lines are written as one string, split at spaces.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use futures::TryStreamExt as _;
use heymilo::Paginate as _;
use heymilo_mock::{Config, MockServer};
use serde_json::{Value, json};

/// The seed's first posting, for fault routes set before the mock starts.
const P: &str = "2838DAF6";

#[path = "api/mod.rs"]
mod api;

/// A mock serving on its own runtime while the test thread runs the binary.
struct Mock {
    server: MockServer,
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
}

/// How a run of the binary ended: exit code, stdout, stderr.
#[derive(Debug)]
struct Ran {
    code: i32,
    out: String,
    err: String,
}

impl Ran {
    fn of(output: std::io::Result<Output>) -> Ran {
        let output = output.expect("runs");
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        let (out, err) = (text(output.stdout), text(output.stderr));
        let code = output.status.code().unwrap_or(-1);
        Ran { code, out, err }
    }

    /// Asserts the exit code and that stderr says each of `says`.
    fn expect(self, code: i32, says: &[&str]) -> Ran {
        assert_eq!(self.code, code, "{self:?}");
        for s in says {
            assert!(self.err.contains(s), "stderr lacks {s:?}: {self:?}");
        }
        self
    }
}

impl Mock {
    fn start(candidates_per_posting: usize, faults: &[Value]) -> Mock {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        let faults = serde_json::from_value(faults.into()).expect("rules");
        let config = Config {
            candidates_per_posting,
            rate_limit: 100_000,
            faults,
            ..Config::default()
        };
        let server = runtime.block_on(MockServer::start(config)).expect("mock");
        assert_eq!(server.postings()[0].0, P);
        let dir = tempfile::tempdir().expect("tempdir");
        Mock {
            server,
            runtime,
            dir,
        }
    }

    /// `heymilo ARGS` pointed at this mock through the environment.
    fn cmd(&self, args: &str) -> Command {
        let mut cmd = heymilo(args);
        cmd.env("HEYMILO_API_KEY", self.server.api_key());
        cmd.env("HEYMILO_BASE_URL", self.url());
        cmd
    }

    fn run(&self, args: &str) -> Ran {
        Ran::of(self.cmd(args).output())
    }

    /// Stdout of a run expected to succeed.
    fn ok(&self, args: &str) -> String {
        self.run(args).expect(0, &[]).out
    }

    /// Stdout of a run expected to succeed, as JSON.
    fn json(&self, args: &str) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    /// Spawned with stdout as asked and stderr piped (for signals and pipes).
    fn spawn(&self, args: &str, stdout: Stdio) -> Child {
        let mut cmd = self.cmd(args);
        cmd.stdout(stdout).stderr(Stdio::piped());
        cmd.spawn().expect("spawn")
    }

    fn url(&self) -> &str {
        self.server.base_url()
    }

    /// A path in the test's directory, written when `text` is given.
    fn file(&self, name: &str, text: Option<&str>) -> String {
        let path = self.dir.path().join(name);
        if let Some(text) = text {
            std::fs::write(&path, text).expect("write");
        }
        path.display().to_string()
    }

    /// Every candidate id of the posting, read with the SDK.
    fn candidate_ids(&self) -> Vec<String> {
        let client = heymilo::Client::builder().api_key(self.server.api_key());
        let client = client.v2_base_url(self.url()).build().expect("client");
        let list = client.v2().list_candidates().posting_id(P).limit(100);
        let ids = list.stream().map_ok(|c| c.interview_id).try_collect();
        self.runtime.block_on(ids).expect("candidates")
    }
}

/// The binary with none of the user's settings; the word `P` in `args`
/// stands for the posting.
fn heymilo(args: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_heymilo"));
    for var in "HEYMILO_API_KEY HEYMILO_BASE_URL HEYMILO_V1_URL HEYMILO_V2_URL COLUMNS".split(' ') {
        cmd.env_remove(var);
    }
    let args = args.split(' ').filter(|a| !a.is_empty());
    cmd.args(args.map(|a| if a == "P" { P } else { a }));
    cmd.env("NO_COLOR", "1").stdin(Stdio::null());
    cmd
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).expect("file")
}

/// Sends SIGINT, as Ctrl-C does, once `ready` holds; then how it ended.
fn interrupt(child: Child, ready: impl Fn() -> bool) -> Ran {
    while !ready() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let pid = child.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status();
    assert!(kill.expect("kill").success());
    Ran::of(child.wait_with_output())
}

#[test]
fn lists_page_fit_the_width_take_fields_and_say_when_cut() {
    let mock = Mock::start(237, &[]);
    let all = mock.ok("candidates list P --all --page-size 25");
    let id = |l: &str| serde_json::from_str::<Value>(l).expect("JSON")["interview_id"].take();
    let once = all.lines().map(id).eq(mock.candidate_ids());
    assert!(once, "every candidate once, in order:\n{all}");
    let table = mock.ok("postings -F table");
    insta::assert_snapshot!("postings_table", table);
    // (arguments, COLUMNS, what stdout must be, stderr)
    type Holds<'a> = &'a dyn Fn(&str) -> bool;
    #[rustfmt::skip]
    let cases: [(&str, &str, Holds<'_>, &str); 8] = [
        ("candidates list P -L 130", "", &|o| o.lines().count() == 130, "showing 130 of 237; use --all for every one"),
        ("candidates list P -L 5 --quiet", "", &|o| o.lines().count() == 5, ""),
        ("postings list -F table", "", &|o| o == table, ""),
        ("postings -F table --no-headers", "40", &|o| o.lines().count() == 3 && !o.contains("POSTING"), ""),
        ("postings -F table", "40", &|o| o.lines().all(|l| l.chars().count() <= 40) && o.contains('…'), ""),
        ("postings -F table --wide", "40", &|o| o == table, ""),
        ("postings -F table --fields id,urls.ingestion_url_key", "", &|o| o.starts_with("ID ") && o.contains("backend-engineer-2838"), ""),
        ("postings -L 1 --quiet --fields id,title -F jsonl", "", &|o| o.starts_with("{\"id\":\"") && o.contains("\",\"title\":\"") && o.matches("\":").count() == 2, ""),
    ];
    for (args, columns, out, err) in cases {
        let mut cmd = mock.cmd(args);
        let r = Ran::of(cmd.env("COLUMNS", columns).output()).expect(0, &[]);
        assert!(out(&r.out) && r.err.trim() == err, "{args}: {r:?}");
    }
}

#[test]
fn ingest_numbers_rows_and_lines_in_lf_and_crlf_files_and_counts_every_row() {
    let route = format!("/api/v2/postings/{P}/candidates");
    let mock = Mock::start(0, &[json!({"route": route, "error_rate": 1.0})]);
    // Row 3 of the data sits on line 5: after the header and a blank line.
    let rows = "name,email|A,a@example.com||B,b@example.com|C,c-at-x.io|";
    let says = ["error: ", "row 3 (line 5), field email", "nothing was sent"];
    #[rustfmt::skip]
    let cases = [
        ("lf.csv", Some(rows.replace('|', "\n")), &says[..]),
        ("crlf.csv", Some(rows.replace('|', "\r\n")), &says[..]),
        ("broken.csv", Some("name,email\r\nA,a@example.com,x\r\n".into()), &["row 1 (line 2)"]),
        ("missing.csv", None, &["cannot open"]),
    ];
    for (name, text, says) in cases {
        let file = mock.file(name, text.as_deref());
        let r = mock.run(&format!("ingest P --file {file}"));
        assert_eq!(r.expect(5, says).err.lines().count(), 1, "{name}");
    }
    // Every request fails: the invalid row counts among those not ingested.
    let crlf = mock.file("crlf.csv", None);
    let args = format!("ingest P --file {crlf} --skip-invalid --max-retries 0");
    let r = mock.run(&args);
    let warning = format!("warning: {crlf}: row 3 (line 5), field email");
    let not = "error: 3 of 3 rows were not ingested: 2 failed at HeyMilo";
    r.expect(3, &[&warning, not, ", 1 invalid"]);
}

#[test]
fn ctrl_c_during_ingest_writes_results_and_resumes_without_duplicates() {
    let route = format!("/api/v2/postings/{P}/candidates");
    let mock = Mock::start(0, &[json!({"route": route, "latency_ms": 300})]);
    let rows: String = (0..30).map(|i| format!("\nP{i},p{i}@x.io")).collect();
    let people = mock.file("p.csv", Some(&format!("name,email{rows}")));
    let results = mock.file("r.csv", None);
    let args =
        format!("ingest P --file {people} --chunk-size 1 --concurrency 1 --results {results}");
    let child = mock.spawn(&args, Stdio::null());
    let r = interrupt(child, || mock.candidate_ids().len() >= 2);
    let resume = format!("--file {people} --skip-done {results} --results {results}");
    r.expect(130, &["finishing the requests in flight", &resume]);
    let decided = read(&results).lines().count() - 1;
    let sent = mock.candidate_ids().len();
    let stopped = (2..30).contains(&decided) && decided == sent;
    assert!(stopped, "{decided}/{sent}");

    let r = mock.run(&format!("{args} --skip-done {results}"));
    r.expect(0, &[&format!("skipping {decided} rows already ingested")]);
    assert_eq!(mock.candidate_ids().len(), 30, "every row once");
    assert_eq!(read(&results).matches(",ingested,").count(), 30);
}

#[test]
fn export_counts_records_survives_a_closed_pipe_and_cleans_up_on_ctrl_c() {
    let slow = json!({"route": "/interviews/export", "latency_ms": 5000});
    let mock = Mock::start(30, &[slow]);
    let (path, part) = (mock.file("i.json", None), mock.file("i.json.part", None));
    let child = mock.spawn(&format!("export P -o {path}"), Stdio::null());
    interrupt(child, || Path::new(&part).exists()).expect(130, &["removed the partial"]);
    assert!(!Path::new(&part).exists() && !Path::new(&path).exists());

    let mock = Mock::start(30, &[]);
    let jsonl = mock.file("c.jsonl", None);
    for (kind, file) in [("candidates", &jsonl), ("interviews", &path)] {
        let summary = mock.json(&format!("export P -F json --kind {kind} -o {file}"));
        let text = read(file);
        // A file of JSON Lines, or one array: `jq length` and RECORDS agree.
        let array = serde_json::from_str::<Vec<Value>>(&text);
        let records = array.map_or(text.lines().count(), |a| a.len());
        assert_eq!((summary["records"].as_u64(), records), (Some(30), 30));
    }
    let none = mock.file("none.json", None);
    mock.run(&format!("export NOPE -o {none}"))
        .expect(3, &["404"]);
    assert!(!Path::new(&format!("{none}.part")).exists());
    // `... | head -1` closes the pipe: no "Broken pipe", exit 0.
    for args in ["export P -o -", "candidates list P --all"] {
        let mut child = mock.spawn(args, Stdio::piped());
        drop(child.stdout.take());
        let r = Ran::of(child.wait_with_output());
        assert!(r.code == 0 && !r.err.contains("ipe"), "{r:?}");
    }
}

/// One world: ingest from flags and a file, an interview moved through its
/// stages and shown, webhooks of both generations, then bad input of every
/// kind with its exit code.
#[test]
fn commands_on_one_mock_and_bad_input_exits_2_a_wrong_key_3_an_unreachable_host_4() {
    let mock = Mock::start(1, &[]);
    let id = mock.candidate_ids().remove(0);
    for to in ["started", "completed", "report"] {
        let moved = mock.json(&format!("mock advance {id} --to {to} -F json"));
        let event = moved["event_type"].as_str();
        assert!(event.is_some_and(|e| e.contains(&to[..5])), "{to}: {moved}");
    }
    let table = mock.ok(&format!("interviews get {id} -F table"));
    #[rustfmt::skip]
    let shown = [("EMAIL:", "@"), ("STATUS:", " completed"), ("SCORES:", " web_")];
    for (label, value) in shown {
        let line = table.lines().find(|l| l.starts_with(label));
        assert!(line.is_some_and(|l| l.contains(value)), "{label}\n{table}");
    }
    let data = mock.json(&format!("interviews data {id} -F json"));
    assert_eq!(data["interview_id"], id);
    let health = mock.ok("health -F jsonl");
    insta::assert_snapshot!("health_jsonl", health.replace(mock.url(), "http://[mock]"));
    let r = mock.json("candidates list P --created-after 2026-01-01 -F json");
    assert_eq!(r.as_array().map(Vec::len), Some(1), "a date is an instant");

    let one = mock.json("ingest P --name Jane --email jane@example.com -F json");
    assert_eq!(one["status"], "ingested");
    let people = "{\"name\": \"Li\", \"email\": \"li@example.com\"}\n\n\
                  {\"name\": \"N\", \"email\": \"n@x.io\", \"phone\": \"1\"}\n";
    let (people, results) = (mock.file("p.jsonl", Some(people)), mock.file("r.csv", None));
    let args = format!("ingest P --file {people} --skip-invalid --results {results}");
    let r = mock.run(&args);
    r.expect(0, &["1 of 2 rows ingested", "row 2 (line 3), field phone"]);
    let text = read(&results);
    let statuses: Vec<_> = text.lines().flat_map(|l| l.split(',').nth(3)).collect();
    assert_eq!(statuses, ["status", "ingested", "invalid"]);
    assert_eq!(mock.candidate_ids().len(), 1 + 2, "each once");

    #[rustfmt::skip]
    let generations = [("v2", "interview_completed", "post"), ("v1", "report_available", "get")];
    for (g, event, method) in generations {
        let hooks = |args: &str| mock.json(&format!("webhooks {args} -g {g} -F json"));
        let url = format!("https://hooks.example.com/{g}");
        let created = format!("create --posting P --url {url} --event {event} --method {method}");
        let created = hooks(&created);
        let id = created["webhook_id"].as_str().expect("id");
        let shown = [&created["generation"], &created["http_method"]];
        assert_eq!(shown, [g, method]);
        assert_eq!(hooks("list --posting P")[0]["webhook_id"], id);
        assert_eq!(hooks(&format!("get {id}"))["url"], url);
        for _ in ["first", "again"] {
            let gone = hooks(&format!("deactivate {id}"));
            assert_eq!(gone["is_active"], false, "{g}");
        }
    }

    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
    let nowhere = format!("http://127.0.0.1:{}", port.expect("port").port());
    let secret = "hm_live_WRONG_SECRET_0123456789";
    let (key, url) = (format!("--api-key {secret}"), mock.url());
    let off = format!("{key} --max-retries 0");
    // (how it runs: bare or on the mock, arguments, standard input, exit
    // code, what stderr says, or stdout on success); one error line at most.
    type Runs<'a> = &'a dyn Fn(&str) -> Command;
    let (bare, on): (Runs<'_>, Runs<'_>) = (&heymilo, &|a| mock.cmd(a));
    #[rustfmt::skip]
    let cases = [
        (bare, "postings", "", 2, "no API key"),
        (bare, "postings --bogus", "", 2, "--bogus"),
        (bare, "postings --all --limit 3", "", 2, "cannot be used with"),
        (bare, "postings -L 0", "", 2, "must be at least 1"),
        (bare, "candidates list P --created-after yesterday", "", 2, "is not a time"),
        (bare, "ingest P", "", 2, "--name"),
        (on, "ingest P --name Jane --email jane@example.com --phone 12345", "", 2, "--phone"),
        (bare, "completions tcsh", "", 2, "tcsh"),
        (bare, "mock --error-rate 2", "", 2, "error_rate"),
        (on, "webhooks create -g v1 --posting P --url https://x.io --event x_y", "", 2, "x_y"),
        (bare, &format!("postings {key} --base-url ftp://x.io"), "", 2, "ftp"),
        (bare, &format!("postings {key} --base-url {url}"), "", 3, "401"),
        (bare, &format!("health {key} --base-url {url}"), "", 3, "401"),
        (on, "webhooks get NOPE", "", 3, "404"),
        (on, "interviews get NOPE", "", 3, "NOPE"),
        (on, "mock advance NOPE --to started", "", 3, "404"),
        (bare, &format!("postings {off} --base-url {nowhere}"), "", 4, &nowhere),
        (bare, &format!("candidates list X {off} --v2-url {nowhere}"), "", 4, &nowhere),
        (on, "api v1 create-webhook --body -", r#"{"url": 3}"#, 2, "field `url`: invalid type: integer `3`"),
        (on, "api v2 create-posting --body -", "{", 2, "--body -: not JSON"),
        (on, "api v2 create-posting", "", 2, "create-posting: missing field `title`"),
        (on, "api v2 update-posting --posting-id P --body -", r#"{"titel": "Chef"}"#, 2, "unknown field `titel`"),
        (on, "api v2 create-posting --body -", r#"{"title": "Chef", "workflow": [{"type": 7}]}"#, 2, "field `workflow[0]"),
        (on, "api v2 list-questions --posting-id P --limit 500", "", 2, "500 is not in 1..=100"),
        (on, "api v2 list-questions --posting-id P --modality fax", "", 2, "[possible values: voice, sms"),
        (on, "api v1 list-postings --format table", "", 2, "`heymilo api` prints JSON"),
        (on, "api v2 get-posting --posting-id NOPE0000", "", 3, "calling v2 get-posting"),
        (on, "api v2 list-agent-types --v2-url http://127.0.0.1:9 --max-retries 0", "", 4, "check the network"),
        (on, "api v1 create-webhook --posting-id P --url https://h.example.com/x --event-type report_available",
         "", 0, r#""event_type":"report_available""#),
    ];
    for (run, args, stdin, code, says) in cases {
        let r = with_stdin(run(args), stdin).expect(code, &[]);
        let n = r.err.lines().filter(|l| l.starts_with("error: ")).count();
        let one_line = n == usize::from(code != 0) && (code == 0 || r.err.starts_with("error: "));
        let text = if code == 0 { &r.out } else { &r.err };
        let shown = r.err.contains(secret) || r.err.contains("18446744073709551615");
        assert!(text.contains(says) && one_line && !shown, "{args}: {r:?}");
    }
}

/// Runs `cmd` with `stdin` written to it.
fn with_stdin(mut cmd: Command, stdin: &str) -> Ran {
    let piped = Stdio::piped;
    cmd.stdin(piped()).stdout(piped()).stderr(piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut input = child.stdin.take().expect("stdin");
    std::io::Write::write_all(&mut input, stdin.as_bytes()).expect("write stdin");
    drop(input);
    Ran::of(child.wait_with_output())
}

#[test]
fn a_rate_limit_wait_is_shown_unless_quiet() {
    let line = "waiting 3 s: HeyMilo's rate limit answered 429\n";
    for (quiet, shown) in [("", line), ("--quiet", "")] {
        let mock = Mock::start(1, &[json!({"burst_429": 1, "retry_after_secs": 3})]);
        let r = mock.run(&format!("postings {quiet}"));
        assert_eq!(r.expect(0, &[]).err, shown);
    }
}

#[test]
fn heymilo_mock_takes_heymilo_mocks_flags_but_never_the_users_key() {
    for (key, shown) in [("--api-key k1", "k1"), ("", "hm_mock_key")] {
        let mut cmd = heymilo(&format!("mock --port 0 --seed 7 --latency-ms 1 {key}"));
        cmd.env("HEYMILO_API_KEY", "hm_live_REAL");
        let mut child = cmd.stdout(Stdio::piped()).spawn().expect("spawn");
        let mut banner = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut text = String::new();
        while !text.contains("posting ") {
            assert!(std::io::BufRead::read_line(&mut banner, &mut text).expect("read") > 0);
        }
        let _ = (child.kill(), child.wait());
        assert!(text.contains(&format!("api key: {shown}\n")), "{text}");
        let url_not_key = text.contains("HEYMILO_BASE_URL=") && !text.contains("REAL");
        assert!(url_not_key, "{text}");
    }
}

#[test]
fn help_reads_like_gh() {
    let run = |args: &str| Ran::of(heymilo(args).output()).expect(0, &[]).out;
    let paths = "postings|postings list|candidates list|interviews get|interviews data|\
                 webhooks create|webhooks list|webhooks get|webhooks deactivate|ingest|export|\
                 health|mock|mock advance";
    for path in paths.split('|') {
        let help = run(&format!("{path} -h"));
        // A summary line then a blank one; the parts; which generation and why.
        let (summary, rest) = help.split_once('\n').unwrap_or_default();
        let parts = ["\nUsage: heymilo ", "\nExamples:\n", "\n  $ heymilo "];
        let missing = parts.iter().find(|part| !help.contains(*part));
        let generation = help.contains("API v") || help.contains("No API generation");
        let ok = !summary.is_empty() && rest.starts_with('\n') && generation;
        assert!(ok && missing.is_none(), "{path}: {missing:?}\n{help}");
    }
    #[rustfmt::skip]
    let snapshots = [("api_v1_create_webhook", "v1 create-webhook"), ("api_v2_list_questions", "v2 list-questions")];
    for (name, op) in snapshots {
        insta::assert_snapshot!(name, run(&format!("api {op} --help")));
    }
    // (arguments, a part of what they print)
    #[rustfmt::skip]
    let parts = [("--help", "\nAPI generations:\n"), ("--help", "\nEnvironment:\n"), ("--help", "\nExit codes:\n"),
        ("--help", "\nLearn more:\n"), ("api v2 --help", "Questions:\n  list-questions "),
        ("completions bash", "candidates"), ("completions zsh", "candidates"), ("completions fish", "candidates")];
    for (args, part) in parts {
        let out = run(args);
        assert!(out.contains(part), "{args}: {part:?}\n{out}");
    }
}
