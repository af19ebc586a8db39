//! Proof that the published bundles read HeyMilo's answers the way the
//! generated Rust does: synthetic bodies for every 2xx JSON response of
//! HeyMilo's published v2 document (every nullable field `null`, required
//! fields only, unknown extra keys) must validate against
//! `openapi/dist/heymilo-v2.json` under strict OpenAPI 3.0.3 semantics and
//! against `openapi/dist/heymilo-v2.openapi-3.1.json` under 3.1. The
//! generated client decodes the same bodies in `tests/tests/wire_v2.rs`.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use heymilo_codegen::synth;
use serde_json::{Value, json};

use crate::tools;

/// HeyMilo's published v2 document, relative to the workspace root.
pub const PUBLISHED: &str = "../shared/reference/heymilo-v2-openapi-3.1.json";

/// The published document's path when it is present; when it is absent,
/// `None`, or an error under `CI=true` (CI has it beside the repository, so a
/// missing input there is a failure, never a skip).
pub fn published_path(root: &Path) -> Result<Option<PathBuf>> {
    let path = root.join(PUBLISHED);
    if path.exists() {
        Ok(Some(path))
    } else if tools::ci() {
        bail!("{} is missing (required under CI=true)", path.display())
    } else {
        println!("(skipping: {PUBLISHED} is not present)");
        Ok(None)
    }
}

/// The published document, when it is present (see [`published_path`]).
pub fn published(root: &Path) -> Result<Option<Value>> {
    let Some(path) = published_path(root)? else {
        return Ok(None);
    };
    Ok(Some(heymilo_codegen::spec::load(&path)?))
}

/// Writes the synthetic bodies to `target/readings/instances.json`; returns
/// the file, or `None` when the published document is absent.
pub fn write_instances(root: &Path) -> Result<Option<PathBuf>> {
    let Some(doc) = published(root)? else {
        return Ok(None);
    };
    let list: Vec<Value> = synth::instances(&doc)
        .into_iter()
        .map(|i| {
            json!({
                "operation": i.operation, "path": i.path, "method": i.method,
                "status": i.status, "shape": i.shape.name(), "body": i.body,
            })
        })
        .collect();
    let dir = root.join("target/readings");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("instances.json");
    std::fs::write(&file, serde_json::to_string(&list)?)?;
    println!("readings: {} bodies in {}", list.len(), file.display());
    Ok(Some(file))
}

/// Validates every synthetic body against both v2 bundles.
pub fn run(root: &Path) -> Result<()> {
    let Some(file) = write_instances(root)? else {
        return Ok(());
    };
    let py = tools::python(root)?;
    tools::run(
        root,
        py.join("python"),
        &[
            "xtask/py/validate_readings.py",
            &file.to_string_lossy(),
            "openapi/dist/heymilo-v2.json",
            "openapi/dist/heymilo-v2.openapi-3.1.json",
        ],
    )
}
