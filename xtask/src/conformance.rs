//! Schemathesis against heymilo-mock: both specs, the mock's live answers.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::tools;

/// Kills the mock when dropped, whatever happens in between.
pub(crate) struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds the mock binary and returns its path.
fn mock_binary(root: &Path) -> Result<std::path::PathBuf> {
    tools::run(root, env!("CARGO"), &["build", "-q", "-p", "heymilo-mock"])?;
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(Into::into)
        .unwrap_or_else(|_| root.join("target"));
    Ok(target.join("debug/heymilo-mock"))
}

/// A started mock: the guard that stops it, its base URL, v1's own URL
/// (when started with `--v1-port`), and the posting ids it printed.
pub(crate) struct Started {
    pub(crate) guard: Running,
    pub(crate) url: String,
    pub(crate) v1_url: Option<String>,
    pub(crate) postings: Vec<String>,
}

/// Starts the mock on a free port with `key` and `extra` flags.
pub(crate) fn start_mock(root: &Path, key: &str, extra: &[&str]) -> Result<Started> {
    let bin = mock_binary(root)?;
    let mut child = Command::new(&bin)
        .args([
            "--port",
            "0",
            "--api-key",
            key,
            "--rate-limit",
            "1000000",
            "--seed",
            "7",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .context("starting heymilo-mock")?;
    let stdout = child.stdout.take().context("mock stdout")?;
    let mock = Running(child);
    let mut reader = BufReader::new(stdout);
    let mut lines = Vec::new();
    // The banner: URL, key, then one line per posting; read until the first
    // posting line has arrived and the URL is known.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 0 {
        lines.push(std::mem::take(&mut line));
        if lines.last().is_some_and(|l| l.starts_with("posting ")) {
            break;
        }
    }
    // Keep reading so the mock never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let url = lines
        .first()
        .and_then(|l| l.trim().rsplit(' ').next())
        .filter(|u| u.starts_with("http://"))
        .context("the mock did not print its URL")?
        .to_owned();
    let v1_url = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("v1 alone on "))
        .map(str::to_owned);
    let postings = lines
        .iter()
        .filter_map(|l| l.strip_prefix("posting "))
        .filter_map(|l| l.split(' ').next())
        .map(str::to_owned)
        .collect();
    Ok(Started {
        guard: mock,
        url,
        v1_url,
        postings,
    })
}

/// Builds and starts the mock, runs schemathesis on v1 and on the v2
/// operations the mock serves, and fails when any check fails.
pub fn run(root: &Path) -> Result<()> {
    let py = tools::python(root)?;
    tools::run(root, env!("CARGO"), &["build", "-q", "-p", "heymilo-mock"])?;
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(Into::into)
        .unwrap_or_else(|_| root.join("target"));
    let bin = target.join("debug/heymilo-mock");
    let ops = Command::new(&bin)
        .arg("--list-operations")
        .output()
        .context("listing the mock's operations")?;
    let ops = String::from_utf8(ops.stdout)?;

    let key = "hm_conformance_key";
    // v1 on its own port, as its own host serves it: /health is v1's there.
    let started = start_mock(root, key, &["--v1-port", "0"])?;
    let url = started.url.as_str();
    let v1_url = started
        .v1_url
        .as_deref()
        .context("the mock did not print v1's own URL")?;
    println!("conformance: heymilo-mock at {url}, v1 alone at {v1_url}");

    let auth = format!("X-API-KEY: {key}");
    // Every default check runs; where one cannot apply to an operation, the
    // checked-in config narrows it for that operation with the reason.
    let config = root.join("xtask/schemathesis.toml");
    let config = config.to_string_lossy();
    let common = ["--max-examples", "8", "--seed", "42"];
    let schemathesis = py.join("schemathesis");
    let mut v1: Vec<&str> = vec![
        "--config-file",
        &config,
        "run",
        "openapi/v1.yaml",
        "--url",
        v1_url,
        "-H",
        &auth,
    ];
    v1.extend(common);
    let mut v2: Vec<&str> = vec![
        "--config-file",
        &config,
        "run",
        "openapi/v2.yaml",
        "--url",
        url,
        "-H",
        &auth,
    ];
    for op in ops.lines().filter(|l| !l.is_empty()) {
        v2.extend(["--include-operation-id", op]);
    }
    v2.extend(common);
    let results = [
        tools::run(root, &schemathesis, &v1),
        tools::run(root, &schemathesis, &v2),
    ];
    drop(started);
    if results.iter().any(Result::is_err) {
        bail!("schemathesis found the mock out of line with the specs (see above)");
    }
    println!("conformance: heymilo-mock answers as both specs say");
    Ok(())
}
