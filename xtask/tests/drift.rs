//! `cargo xtask check` passes on the checked-in tree and fails, naming the
//! drift with a diff, once a spec, the generator, a packaged copy, a README
//! example or heymilo's public API changes.

use std::path::Path;
use std::process::Command;

/// `cp -R`: the tree at `from` copied to `to`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
    let cp = Command::new("cp").arg("-R").arg(from).arg(to).status();
    assert!(cp.expect("cp runs").success(), "copying {}", from.display());
}

/// Copies what `check` reads (specs, snapshots, Cargo.lock, the packaged
/// copies, the READMEs, the public-API snapshot and its source) to a scratch
/// root, applies `edit` to `file` there (none when empty), and runs `check`:
/// (ok, output).
fn check_after(file: &str, edit: Edit<'_>) -> (bool, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().expect("tempdir");
    let copied = "openapi tests/snapshots Cargo.lock crates/heymilo-gen/openapi \
                  crates/heymilo-cli/openapi crates/heymilo/src crates/heymilo/public-api.txt";
    let crates = " crates/heymilo-codegen/ crates/heymilo-gen/ crates/heymilo/ \
                  crates/heymilo-mock/ crates/heymilo-cli/";
    let shared = crates
        .split(' ')
        .flat_map(|c| ["LICENSE-MIT", "LICENSE-APACHE", "README.md"].map(|f| format!("{c}{f}")));
    for rel in copied.split(' ').map(str::to_owned).chain(shared) {
        copy_tree(&root.join(&rel), &dir.path().join(&rel));
    }
    if !file.is_empty() {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        let edited = edit(&text);
        assert_ne!(text, edited, "the edit of {file} must apply");
        std::fs::write(&path, edited).expect("write");
    }
    let root = dir.path().to_string_lossy();
    let mut xtask = Command::new(env!("CARGO_BIN_EXE_xtask"));
    let out = xtask
        .args(["--root", &root, "check"])
        .output()
        .expect("xtask runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout) + &text(&out.stderr))
}

type Edit<'a> = &'a dyn Fn(&str) -> String;

#[test]
fn check_passes_on_the_checked_in_tree_and_fails_naming_each_drift() {
    let (ok, text) = check_after("", &str::to_owned);
    assert!(ok, "{text}");
    let old = "description: Returns one page of the workspace's job postings.";
    let new = "description: Returns a page of job postings, newest first.";
    let progenitor = "name = \"progenitor\"\nversion = \"0.15.1\"";
    let append = |s: &str| format!("{s}# a hand edit\n");
    let api = |s: &str| format!("{s}\n/// New.\npub fn surprise(n: u32) -> u32 {{ n }}\n");
    // (file, edit, what the output must contain)
    #[rustfmt::skip]
    let cases: [(&str, Edit<'_>, &[&str]); 6] = [
        ("openapi/v1.yaml", &|s| s.replacen(old, new, 1),
            &["openapi/v1.yaml no longer generates", "+", "Returns a page of job postings, newest first."]),
        ("Cargo.lock", &|s| s.replacen(progenitor, &progenitor.replace("0.15.1", "0.16.0"), 1), &["progenitor 0.16.0"]),
        ("crates/heymilo-gen/openapi/v2.yaml", &append,
            &["crates/heymilo-gen/openapi/v2.yaml is not a copy of openapi/v2.yaml", "# a hand edit"]),
        ("crates/heymilo-cli/LICENSE-MIT", &append, &["crates/heymilo-cli/LICENSE-MIT is not a copy of LICENSE-MIT", "# a hand edit"]),
        ("crates/heymilo/README.md", &|s| s.replacen(".max_retries(2)", ".max_retries(3)", 1), &["crates/heymilo/README.md"]),
        ("crates/heymilo/src/lib.rs", &api, &["public API", "pub fn surprise(n: u32) -> u32"]),
    ];
    for (file, edit, expected) in cases {
        let (ok, text) = check_after(file, edit);
        assert!(!ok, "{file}: check must fail: {text}");
        for part in expected {
            assert!(text.contains(part), "{file}: `{part}` missing from: {text}");
        }
    }
}
