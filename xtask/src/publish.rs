//! Deterministic bundles of the specs for other language teams, under
//! `openapi/dist/`, and the checks that keep them and the changelog in step.

use std::path::Path;

use anyhow::{Context, Result};
use heymilo_codegen::SPECS;
use serde_json::Value;

/// Where the bundles live, relative to the workspace root.
pub const DIST: &str = "openapi/dist";

/// The bundles as (path relative to the root, content).
///
/// A bundle is the spec parsed and written back with sorted keys, in JSON and
/// in YAML: the same input always gives the same bytes, whatever the
/// formatting of the hand-written source.
pub fn bundles(root: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (module, rel) in SPECS {
        let text =
            std::fs::read_to_string(root.join(rel)).with_context(|| format!("reading {rel}"))?;
        let value: Value = serde_yaml::from_str(&text).with_context(|| format!("parsing {rel}"))?;
        let json = serde_json::to_string_pretty(&value)? + "\n";
        let yaml = serde_yaml::to_string(&value)?;
        out.push((format!("{DIST}/heymilo-{module}.json"), json));
        out.push((format!("{DIST}/heymilo-{module}.yaml"), yaml));
    }
    Ok(out)
}

/// Writes the bundles.
pub fn publish(root: &Path) -> Result<()> {
    std::fs::create_dir_all(root.join(DIST))?;
    for (rel, content) in bundles(root)? {
        std::fs::write(root.join(&rel), content).with_context(|| format!("writing {rel}"))?;
        println!("publish: wrote {rel}");
    }
    changelog_problems(root)?
        .into_iter()
        .for_each(|p| eprintln!("warning: {p}"));
    Ok(())
}

/// Bundles that differ from what the specs produce, and versions missing
/// from the changelog, as readable problems.
pub fn drift(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (rel, fresh) in bundles(root)? {
        let current = std::fs::read_to_string(root.join(&rel)).unwrap_or_default();
        if let Some(diff) = heymilo_codegen::drift(&current, &fresh, &rel, 40) {
            problems.push(format!(
                "{rel} is stale (run `cargo xtask publish`):\n{diff}"
            ));
        }
    }
    problems.extend(changelog_problems(root)?);
    Ok(problems)
}

/// Each spec's `info.version` must have a `## <module> <version>` entry in
/// `openapi/CHANGELOG.md`.
fn changelog_problems(root: &Path) -> Result<Vec<String>> {
    let changelog = std::fs::read_to_string(root.join("openapi/CHANGELOG.md")).unwrap_or_default();
    let mut problems = Vec::new();
    for (module, rel) in SPECS {
        let text = std::fs::read_to_string(root.join(rel))?;
        let value: Value = serde_yaml::from_str(&text)?;
        let version = value
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("");
        let heading = format!("## {module} {version}");
        if !changelog.lines().any(|l| l.trim() == heading) {
            problems.push(format!(
                "openapi/CHANGELOG.md has no `{heading}` entry for {rel}'s info.version"
            ));
        }
    }
    Ok(problems)
}
