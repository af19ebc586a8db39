//! Proof that other languages can consume the published bundles: TypeScript
//! types from openapi-typescript pass `tsc --strict`, and a Python client from
//! openapi-python-client imports and lists candidates on heymilo-mock, and
//! parses a page of HeyMilo's whose every nullable field is `null`.

use std::path::Path;

use anyhow::{Context, Result};

use heymilo_codegen::synth::Shape;

use crate::{conformance, readings, tools};

/// Candidates per posting on the mock the Python client pages through.
const CANDIDATES: &str = "37";

/// Generates both consumers into `target/consumers/` and exercises them.
pub fn run(root: &Path) -> Result<()> {
    let out = root.join("target/consumers");
    let ts = out.join("ts");
    std::fs::create_dir_all(&ts)?;
    let node = tools::node(root)?;
    for module in ["v1", "v2"] {
        let bundle = format!("openapi/dist/heymilo-{module}.json");
        let target = ts.join(format!("heymilo-{module}.ts"));
        tools::run(
            root,
            node.join("openapi-typescript"),
            &[&bundle, "-o", &target.to_string_lossy()],
        )?;
    }
    std::fs::copy(root.join("xtask/consumers/usage.ts"), ts.join("usage.ts"))?;
    tools::run(
        root,
        node.join("tsc"),
        &[
            "--noEmit",
            "--strict",
            "--target",
            "es2022",
            "--module",
            "es2022",
            "--moduleResolution",
            "bundler",
            &ts.join("usage.ts").to_string_lossy(),
        ],
    )?;
    println!("consumers: openapi-typescript types pass tsc --strict");

    let py = tools::python(root)?;
    let package = out.join("py/heymilo_v2");
    let config = out.join("py-config.yaml");
    std::fs::create_dir_all(out.join("py"))?;
    std::fs::write(
        &config,
        "package_name_override: heymilo_v2\nproject_name_override: heymilo-v2\n",
    )?;
    tools::run(
        root,
        py.join("openapi-python-client"),
        &[
            "generate",
            "--path",
            "openapi/dist/heymilo-v2.json",
            "--output-path",
            &package.to_string_lossy(),
            "--overwrite",
            "--meta",
            "none",
            "--config",
            &config.to_string_lossy(),
        ],
    )?;
    null_page(root, &py, &out)?;
    let key = "hm_consumer_key";
    let started = conformance::start_mock(root, key, &["--candidates-per-posting", CANDIDATES])?;
    let (mock, url) = (started.guard, started.url);
    let posting = started
        .postings
        .first()
        .context("the mock printed no posting")?;
    let status = std::process::Command::new(py.join("python"))
        .current_dir(root)
        .env("PYTHONPATH", out.join("py"))
        .args([
            "xtask/consumers/list_candidates.py",
            &url,
            key,
            posting,
            CANDIDATES,
        ])
        .status()
        .context("running the Python consumer")?;
    drop(mock);
    anyhow::ensure!(
        status.success(),
        "the generated Python client could not list candidates ({status})"
    );
    println!("consumers: the openapi-python-client client lists every candidate on heymilo-mock");
    Ok(())
}

/// The Python client parses HeyMilo's `listCandidates` page with every
/// nullable field `null` (synthesised from the published document; skipped
/// when it is absent).
fn null_page(root: &Path, py: &Path, out: &Path) -> Result<()> {
    let Some(published) = readings::published(root)? else {
        println!(
            "consumers: no all-null page, {} is absent",
            readings::PUBLISHED
        );
        return Ok(());
    };
    let page = heymilo_codegen::synth::instances(&published)
        .into_iter()
        .find(|i| i.operation == "listCandidates" && i.shape == Shape::AllNull)
        .context("the published document has no listCandidates response")?;
    let file = out.join("null_page.json");
    std::fs::write(&file, serde_json::to_string(&page.body)?)?;
    let status = std::process::Command::new(py.join("python"))
        .current_dir(root)
        .env("PYTHONPATH", out.join("py"))
        .args([
            "xtask/consumers/parse_null_page.py",
            &file.to_string_lossy(),
        ])
        .status()
        .context("running the Python null-page check")?;
    anyhow::ensure!(
        status.success(),
        "the generated Python client cannot parse an all-null page ({status})"
    );
    Ok(())
}
