//! `cargo xtask breaking`: one fixture pair per rule, each flagged by its
//! rule name; additions only are not breaking.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/breaking")
}

fn breaking(dir: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("breaking")
        .arg(dir.join("old.yaml"))
        .arg(dir.join("new.yaml"))
        .output()
        .expect("xtask runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn every_rule_has_a_fixture_that_it_flags() {
    let rules = [
        "removed-operation",
        "removed-parameter",
        "new-required-parameter",
        "removed-property",
        "new-required-field",
        "type-changed",
        "enum-narrowed",
        "range-narrowed",
        "newly-nullable",
        "auth-changed",
    ];
    for rule in rules {
        let (ok, text) = breaking(&fixtures().join(rule));
        assert!(!ok, "{rule}: must exit non-zero\n{text}");
        assert!(
            text.contains(&format!("BREAKING {rule}:")),
            "{rule}: not flagged by name\n{text}"
        );
        let flagged: Vec<&str> = text.lines().filter(|l| l.starts_with("BREAKING")).collect();
        assert!(
            flagged
                .iter()
                .all(|l| l.starts_with(&format!("BREAKING {rule}:"))),
            "{rule}: only its own rule fires\n{text}"
        );
    }
}

#[test]
fn additions_are_not_breaking() {
    let (ok, text) = breaking(&fixtures().join("compatible"));
    assert!(ok, "{text}");
    assert!(text.contains("no breaking change"), "{text}");
}

#[test]
fn a_spec_compared_with_itself_is_not_breaking() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for spec in ["openapi/v1.yaml", "openapi/v2.yaml"] {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["breaking"])
            .arg(root.join(spec))
            .arg(root.join(spec))
            .output()
            .expect("runs");
        assert!(out.status.success(), "{spec}");
    }
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["breaking", "/nonexistent/old.yaml", "/nonexistent/new.yaml"])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/old.yaml"));
}
