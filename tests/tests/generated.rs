//! The generated clients and CLI commands are reviewed as insta snapshots: any change to a
//! spec or to the generator shows up here as a diff to accept or reject
//! (`cargo xtask regen` accepts them all).

#[test]
fn generated_code_matches_its_snapshot() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (module, rel) in heymilo_codegen::SPECS {
        let yaml = std::fs::read_to_string(root.join(rel)).expect("spec is readable");
        let sources = heymilo_codegen::reviewed_sources(&yaml, rel, module);
        for (name, source) in sources.expect("spec generates") {
            insta::with_settings!({
                snapshot_path => "../snapshots",
                prepend_module_to_snapshot => true,
                omit_expression => true,
                description => format!("Generated from {rel}; do not edit, run `cargo xtask regen`."),
            }, {
                insta::assert_snapshot!(name, source);
            });
        }
    }
}
