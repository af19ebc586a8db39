//! Generates the `heymilo api v1|v2` commands into OUT_DIR from the specs
//! packaged with this crate (`openapi/*.yaml` beside this file, copies of the
//! workspace's kept in step by `cargo xtask regen`; see
//! `heymilo_codegen::packaged_spec`), so a new operation in a spec is a new
//! command with no hand-written code.

fn main() {
    heymilo_codegen::build_script(|module, rel, yaml| {
        let cli = heymilo_codegen::generate_cli(yaml, rel, module)?;
        Ok(vec![
            (format!("api_{module}.rs"), cli.source),
            (format!("api_{module}_checks.rs"), cli.checks),
        ])
    });
}
