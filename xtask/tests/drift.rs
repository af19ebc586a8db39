//! `cargo xtask check` passes on the checked-in tree and fails, with a diff,
//! once a spec changes the generated code.

use std::path::{Path, PathBuf};
use std::process::Command;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readdir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A scratch copy of what `check` reads: specs, snapshots, Cargo.lock, the
/// packaged copies, the READMEs and the public-API snapshot with its source.
fn scratch_root() -> (tempfile::TempDir, PathBuf) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&root.join("openapi"), &dir.path().join("openapi"));
    copy_tree(
        &root.join("tests/snapshots"),
        &dir.path().join("tests/snapshots"),
    );
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).expect("lock");
    // The copies packaged crates carry, and the READMEs whose example is shared.
    for krate in ["heymilo-gen", "heymilo-cli"] {
        let specs = format!("crates/{krate}/openapi");
        copy_tree(&root.join(&specs), &dir.path().join(&specs));
    }
    let files = ["LICENSE-MIT", "LICENSE-APACHE", "README.md"];
    for krate in [
        "heymilo-codegen",
        "heymilo-gen",
        "heymilo",
        "heymilo-mock",
        "heymilo-cli",
    ] {
        for file in files {
            let from = root.join("crates").join(krate).join(file);
            let to = dir.path().join("crates").join(krate).join(file);
            std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
            std::fs::copy(from, to).expect("copy");
        }
    }
    for file in files {
        std::fs::copy(root.join(file), dir.path().join(file)).expect("copy");
    }
    // The public-API snapshot and the source it summarises.
    copy_tree(
        &root.join("crates/heymilo/src"),
        &dir.path().join("crates/heymilo/src"),
    );
    std::fs::copy(
        root.join("crates/heymilo/public-api.txt"),
        dir.path().join("crates/heymilo/public-api.txt"),
    )
    .expect("copy");
    let path = dir.path().to_owned();
    (dir, path)
}

fn check(root: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["--root", &root.to_string_lossy(), "check"])
        .output()
        .expect("xtask runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn check_passes_on_the_checked_in_tree() {
    let (_guard, root) = scratch_root();
    let (ok, text) = check(&root);
    assert!(ok, "{text}");
}

#[test]
fn check_fails_with_a_diff_after_a_spec_edit() {
    let (_guard, root) = scratch_root();
    let spec = root.join("openapi/v1.yaml");
    let yaml = std::fs::read_to_string(&spec).expect("read");
    let edited = yaml.replacen(
        "description: Returns one page of the workspace's job postings.",
        "description: Returns a page of job postings, newest first.",
        1,
    );
    assert_ne!(yaml, edited, "the edit must apply");
    std::fs::write(&spec, edited).expect("write");
    let (ok, text) = check(&root);
    assert!(!ok, "check must fail: {text}");
    assert!(
        text.contains("+") && text.contains("Returns a page of job postings, newest first."),
        "{text}"
    );
    assert!(
        text.contains("openapi/v1.yaml no longer generates"),
        "{text}"
    );
}

#[test]
fn check_fails_when_the_generator_version_moves() {
    let (_guard, root) = scratch_root();
    let lock_path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path).expect("read");
    let edited = lock.replacen(
        "name = \"progenitor\"\nversion = \"0.15.1\"",
        "name = \"progenitor\"\nversion = \"0.16.0\"",
        1,
    );
    assert_ne!(lock, edited);
    std::fs::write(&lock_path, edited).expect("write");
    let (ok, text) = check(&root);
    assert!(!ok && text.contains("progenitor 0.16.0"), "{text}");
}

#[test]
fn check_fails_when_a_packaged_copy_drifts() {
    // (file edited, what check must name)
    let cases = [
        (
            "crates/heymilo-gen/openapi/v2.yaml",
            "crates/heymilo-gen/openapi/v2.yaml is not a copy of openapi/v2.yaml",
        ),
        (
            "crates/heymilo-cli/LICENSE-MIT",
            "crates/heymilo-cli/LICENSE-MIT is not a copy of LICENSE-MIT",
        ),
    ];
    for (file, expected) in cases {
        let (_guard, root) = scratch_root();
        let path = root.join(file);
        let mut text = std::fs::read_to_string(&path).expect("read");
        text.push_str("# a hand edit\n");
        std::fs::write(&path, text).expect("write");
        let (ok, out) = check(&root);
        assert!(!ok && out.contains(expected), "{file}: {out}");
        assert!(
            out.contains("+# a hand edit") || out.contains("-# a hand edit"),
            "{file}: {out}"
        );
    }
}

#[test]
fn check_fails_when_the_crate_readme_example_differs() {
    let (_guard, root) = scratch_root();
    let path = root.join("crates/heymilo/README.md");
    let text = std::fs::read_to_string(&path).expect("read");
    let edited = text.replacen(".max_retries(2)", ".max_retries(3)", 1);
    assert_ne!(text, edited, "the edit must apply");
    std::fs::write(&path, edited).expect("write");
    let (ok, out) = check(&root);
    assert!(!ok && out.contains("crates/heymilo/README.md"), "{out}");
}

#[test]
fn check_fails_when_the_public_api_of_heymilo_changes() {
    let (_guard, root) = scratch_root();
    let lib = root.join("crates/heymilo/src/lib.rs");
    let mut source = std::fs::read_to_string(&lib).expect("lib.rs");
    source.push_str("\n/// New.\npub fn surprise(n: u32) -> u32 { n }\n");
    std::fs::write(&lib, source).expect("write");
    let (ok, text) = check(&root);
    assert!(!ok, "check must fail: {text}");
    assert!(text.contains("public API"), "{text}");
    assert!(text.contains("pub fn surprise(n: u32) -> u32"), "{text}");
}
