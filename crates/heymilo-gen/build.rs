//! Generates both HeyMilo clients from the workspace's specs into OUT_DIR.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let root = manifest.join("../..");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (module, rel) in heymilo_codegen::SPECS {
        let path = root.join(rel);
        println!("cargo:rerun-if-changed={}", path.display());
        let yaml = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let generated = heymilo_codegen::generate(&yaml, rel).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(out.join(format!("{module}.rs")), generated.source)
            .unwrap_or_else(|e| panic!("cannot write {module}.rs: {e}"));
    }
}
