//! Drift between the specs and what is checked in.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use heymilo_codegen::{PROGENITOR_VERSION, SPECS, drift, reviewed_sources, snapshot_path};

/// Regenerates from the specs and accepts every changed snapshot.
pub fn regen(root: &Path) -> Result<()> {
    // First: heymilo-gen builds from its packaged copies of the specs.
    crate::package::sync(root)?;
    // The snapshot test is the one writer of snapshot files, so regen goes
    // through insta rather than writing its format by hand.
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["test", "-q", "-p", "heymilo-tests", "--test", "generated"])
        .env("INSTA_UPDATE", "always")
        .env("INSTA_FORCE_PASS", "1")
        .status()
        .context("running the snapshot test")?;
    if !status.success() {
        bail!("the snapshot test failed to run");
    }
    crate::publish::publish(root)?;
    crate::public_api::write(root)?;
    check(root)?;
    println!("regenerated: snapshots updated; review them with `git diff tests/snapshots`");
    Ok(())
}

/// Everything that can drift, with a diff; an error when anything did.
pub fn check(root: &Path) -> Result<()> {
    let mut problems = Vec::new();

    let locked = locked_version(root, "progenitor")?;
    if locked != PROGENITOR_VERSION {
        problems.push(format!(
            "generator: Cargo.lock has progenitor {locked} but heymilo-codegen records {PROGENITOR_VERSION}; \
             update PROGENITOR_VERSION and run `cargo xtask regen`"
        ));
    }

    for (module, rel) in SPECS {
        let yaml =
            std::fs::read_to_string(root.join(rel)).with_context(|| format!("reading {rel}"))?;
        for (name, fresh) in reviewed_sources(&yaml, rel, module)? {
            let snap_rel = snapshot_path(&name);
            let snapshot = std::fs::read_to_string(root.join(&snap_rel)).unwrap_or_default();
            if let Some(diff) = drift(&snapshot, &fresh, &snap_rel, 120) {
                problems.push(format!("{rel} no longer generates {snap_rel}:\n{diff}"));
            }
        }
    }

    problems.extend(crate::publish::drift(root)?);
    problems.extend(crate::package::drift(root)?);
    if let Some(diff) = crate::public_api::drift(root)? {
        problems.push(format!(
            "the public API of `heymilo` changed; review it, then `cargo xtask regen`:\n{diff}"
        ));
    }

    if problems.is_empty() {
        println!(
            "check: specs, generator, generated code, published bundles and packaged copies agree"
        );
        Ok(())
    } else {
        for p in &problems {
            eprintln!("drift: {p}");
        }
        bail!(
            "{} drift(s) found; if the change is intended run `cargo xtask regen` and commit the snapshots",
            problems.len()
        )
    }
}

/// The version of `package` that Cargo.lock pins.
fn locked_version(root: &Path, package: &str) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .with_context(|| format!("Cargo.lock has no {package}"))?
        + needle.len();
    let end = lock[start..].find('"').context("Cargo.lock is malformed")?;
    Ok(lock[start..start + end].to_owned())
}
