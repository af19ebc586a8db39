//! Generates both HeyMilo clients into OUT_DIR from the specs packaged with
//! this crate (`openapi/*.yaml` beside this file; see
//! `heymilo_codegen::packaged_spec`). Reading only files inside the package is
//! what lets the crate build from its crates.io tarball.

fn main() {
    heymilo_codegen::build_script(|module, rel, yaml| {
        let generated = heymilo_codegen::generate(yaml, rel)?;
        Ok(vec![(format!("{module}.rs"), generated.source)])
    });
}
