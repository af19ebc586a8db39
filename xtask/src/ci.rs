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
    let published = root.join("../shared/reference/heymilo-v2-openapi-3.1.json");
    if published.exists() {
        step("coverage of HeyMilo's published v2 spec");
        crate::coverage::run(root, &published, None, false)?;
    } else {
        println!(
            "(skipping coverage: {} is not present)",
            published.display()
        );
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
    tools::run_with_env(
        root,
        cargo,
        &["test", "--workspace", "--all-targets"],
        &[("INSTA_UPDATE", "no")],
    )?;
    tools::run_with_env(
        root,
        cargo,
        &["test", "--workspace", "--doc"],
        &[("INSTA_UPDATE", "no")],
    )?;
    step(
        "packages: cargo package with verification, and the README example built from the tarballs",
    );
    crate::package::run(root)?;
    println!("ci: all green");
    Ok(())
}

fn step(name: &str) {
    println!("\n==> {name}");
}
