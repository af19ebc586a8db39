//! Generates both HeyMilo clients into OUT_DIR from the specs packaged with
//! this crate (`openapi/*.yaml` beside this file).
//!
//! Those are copies of the workspace's `openapi/*.yaml`, where maintainers
//! edit: `cargo xtask regen` refreshes them and `cargo xtask check` fails when
//! they differ. Reading only files inside the package is what lets the crate
//! build from its crates.io tarball.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (module, rel) in heymilo_codegen::SPECS {
        let path = manifest.join(rel);
        println!("cargo:rerun-if-changed={}", path.display());
        let yaml = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        warn_if_stale(&manifest, rel, &yaml);
        let generated = heymilo_codegen::generate(&yaml, rel).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(out.join(format!("{module}.rs")), generated.source)
            .unwrap_or_else(|e| panic!("cannot write {module}.rs: {e}"));
    }
}

/// Inside the workspace, says so when a maintainer edited `openapi/` but the
/// packaged copy still has the old text (the build would silently use it).
fn warn_if_stale(manifest: &std::path::Path, rel: &str, packaged: &str) {
    let workspace = manifest.join("../..").join(rel);
    if !manifest.join("../../Cargo.toml").is_file() {
        return; // built from the tarball: there is no workspace copy
    }
    println!("cargo:rerun-if-changed={}", workspace.display());
    if let Ok(edited) = std::fs::read_to_string(&workspace)
        && edited != packaged
    {
        println!(
            "cargo:warning={rel} differs from crates/heymilo-gen/{rel}: run `cargo xtask regen` to copy it in"
        );
    }
}
