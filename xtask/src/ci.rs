//! The whole test suite: what `.ci/run` and the README's test command run.

use std::path::Path;

use anyhow::Result;

use crate::{check, tools};

/// Format, lints, spec validation, drift, every test of the workspace, then
/// the published crates built from their tarballs.
pub fn run(root: &Path) -> Result<()> {
    let cargo = env!("CARGO");
    step("format");
    tools::run(root, cargo, &["fmt", "--all", "--check"])?;
    step("lints");
    tools::run(
        root,
        cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    step("spec validation");
    tools::validate(root)?;
    step("coverage of HeyMilo's published v2 spec");
    if let Some(published) = crate::readings::published_path(root)? {
        crate::coverage::run(root, &published, None, false)?;
    }
    step("breaking-change rules against optic and openapi-diff");
    crate::breaking::crosscheck(root)?;
    step("drift");
    check::check(root)?;
    step("HeyMilo's answers under the 3.0.3 and 3.1 bundles");
    crate::readings::run(root)?;
    step("mock conformance (schemathesis)");
    crate::conformance::run(root)?;
    step("consumers of the published bundles (TypeScript, Python)");
    crate::consumers::run(root)?;
    step("redis-server for the shared rate-limit tests");
    tools::ensure_redis(root)?;
    step("tests");
    // Snapshots are never written in CI: a mismatch must fail.
    for target in ["--all-targets", "--doc"] {
        let args = ["test", "--workspace", target];
        tools::run_with_env(root, cargo, &args, &[("INSTA_UPDATE", "no")])?;
    }
    heymilo_alone(root)?;
    step(
        "packages: cargo package with verification, and the README example built from the tarballs",
    );
    crate::package::run(root)?;
    println!("ci: all green");
    Ok(())
}

/// `heymilo` as users get it, which `--workspace` never builds (it unifies
/// the features other members ask for, such as `redis`): linted with default
/// features (its tests and examples also see `axum`, through the dev-dependency
/// on itself) and the library alone with none, tested both ways, then every
/// example run to exit 0 against heymilo-mock in-process (no key: each starts
/// the mock itself), reusing what `cargo test` just built.
fn heymilo_alone(root: &Path) -> Result<()> {
    let cargo = env!("CARGO");
    step("heymilo alone: default features, then --no-default-features");
    let lints = ["--", "-D", "warnings"];
    for args in [
        &["clippy", "-p", "heymilo", "--all-targets"][..],
        &["clippy", "-p", "heymilo", "--lib", "--no-default-features"],
        &["test", "-p", "heymilo"],
        &["test", "-p", "heymilo", "--no-default-features"],
    ] {
        let args = [args, if args[0] == "clippy" { &lints[..] } else { &[] }].concat();
        tools::run_with_env(root, cargo, &args, &[("INSTA_UPDATE", "no")])?;
    }
    step("heymilo's examples, run against heymilo-mock in-process");
    let mut examples: Vec<String> = std::fs::read_dir(root.join("crates/heymilo/examples"))?
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".rs")
                .map(str::to_owned)
        })
        .collect();
    examples.sort();
    for example in &examples {
        let status = std::process::Command::new(cargo)
            .current_dir(root)
            .args(["run", "-q", "-p", "heymilo", "--example", example])
            .env_remove("HEYMILO_API_KEY")
            .status()?;
        anyhow::ensure!(status.success(), "example {example} failed ({status})");
    }
    println!("examples: {} ran to exit 0", examples.len());
    Ok(())
}

fn step(name: &str) {
    println!("\n==> {name}");
}
