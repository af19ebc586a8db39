//! `cargo xtask coverage` reports what of a published OpenAPI 3.1 document
//! our 3.0 spec lacks, and fails only when something is missing.
//!
//! The fixtures describe the same small API twice: `published.json` as
//! HeyMilo would publish it and `ours.yaml` the way our specs spell it, with
//! one extra operation and one extra property. Each test removes one piece of
//! `ours.yaml` and checks that the report names it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/coverage")
}

fn published() -> PathBuf {
    fixtures().join("published.json")
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn xtask(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `coverage` on the published fixture against the spec at `spec`.
fn coverage(spec: &Path, extra: &[&str]) -> Run {
    let published = published();
    let mut args = vec![
        "coverage",
        published.to_str().expect("utf-8 path"),
        "--spec",
        spec.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

/// Writes `ours.yaml`, changed by `edit`, into a scratch directory.
fn edited_spec(edit: impl FnOnce(&mut Value)) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(fixtures().join("ours.yaml")).expect("read ours.yaml");
    let mut doc: Value = serde_yaml::from_str(&text).expect("parse ours.yaml");
    let before = doc.clone();
    edit(&mut doc);
    assert_ne!(doc, before, "the edit changed nothing");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ours.yaml");
    std::fs::write(&path, serde_yaml::to_string(&doc).expect("to yaml")).expect("write");
    (dir, path)
}

/// Removes the member named by the last segment of a JSON pointer.
fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    let key = key.replace("~1", "/").replace("~0", "~");
    doc.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|map| map.remove(&key))
        .unwrap_or_else(|| panic!("{pointer} not in ours.yaml"));
}

fn summary(run: &Run) -> &str {
    run.stdout
        .lines()
        .find(|line| line.starts_with("coverage: "))
        .unwrap_or_else(|| panic!("no summary line in:\n{}", run.stdout))
}

/// Asserts the run failed, named every item and said so on stderr.
fn assert_missing(run: &Run, items: &[&str]) {
    assert!(!run.ok, "exited 0 with something missing:\n{}", run.stdout);
    for item in items {
        assert!(
            run.stdout.lines().any(|line| line.trim() == *item),
            "`{item}` not reported:\n{}",
            run.stdout
        );
    }
    assert!(run.stderr.contains("missing from"), "{}", run.stderr);
}

#[test]
fn a_full_match_reports_nothing_missing_and_lists_extras() {
    // Through --root: the default spec is openapi/v2.yaml under it.
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(root.path().join("openapi")).expect("mkdir");
    std::fs::copy(
        fixtures().join("ours.yaml"),
        root.path().join("openapi/v2.yaml"),
    )
    .expect("copy");
    let published = published();
    let run = xtask(&[
        "--root",
        root.path().to_str().expect("utf-8 path"),
        "coverage",
        published.to_str().expect("utf-8 path"),
    ]);
    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(
        summary(&run),
        "coverage: 3/3 operations, 0 missing parameters, 0 missing properties, 0 missing schemas"
    );
    assert!(
        run.stdout
            .contains("extra: 1 operations, 0 parameters, 4 properties, 0 schemas; 0 differences"),
        "{}",
        run.stdout
    );
    for extra in [
        "DELETE /things/{thing_id} (delete_thing)",
        "list_things 200: data[].created_at",
        "Thing: created_at",
    ] {
        assert!(
            run.stdout.lines().any(|line| line.trim() == extra),
            "`{extra}` not reported:\n{}",
            run.stdout
        );
    }
}

#[test]
fn authentication_headers_are_ignored_on_both_sides() {
    // The published operations list X-API-KEY, authorization and
    // Authorization; ours lists Authorization on create_thing only.
    let run = coverage(&fixtures().join("ours.yaml"), &[]);
    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    let lower = run.stdout.to_ascii_lowercase();
    assert!(!lower.contains("x-api-key"), "{}", run.stdout);
    assert!(!lower.contains("authorization"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("parameters:\n  missing (0):\n  extra (0):")
    );
}

#[test]
fn a_missing_operation_is_named_and_fails() {
    let (_dir, spec) = edited_spec(|doc| remove(doc, "/paths/~1things~1{thing_id}/get"));
    let run = coverage(&spec, &[]);
    assert_missing(&run, &["GET /things/{thing_id} (getThing)"]);
    assert!(summary(&run).starts_with("coverage: 2/3 operations, 0 missing parameters"));
}

#[test]
fn allow_missing_reports_but_exits_zero() {
    let (_dir, spec) = edited_spec(|doc| remove(doc, "/paths/~1things~1{thing_id}/get"));
    let run = coverage(&spec, &["--allow-missing"]);
    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    assert!(summary(&run).starts_with("coverage: 2/3 operations"));
    assert!(run.stdout.contains("GET /things/{thing_id} (getThing)"));
}

#[test]
fn a_missing_query_parameter_is_named_and_fails() {
    let (_dir, spec) = edited_spec(|doc| {
        let params = doc
            .pointer_mut("/paths/~1things/get/parameters")
            .and_then(Value::as_array_mut)
            .expect("parameters");
        params.retain(|p| p.get("name").and_then(Value::as_str) != Some("cursor"));
    });
    let run = coverage(&spec, &[]);
    assert_missing(&run, &["list_things: query cursor"]);
    assert!(summary(&run).contains(", 1 missing parameters,"));
}

#[test]
fn a_property_missing_behind_a_nullable_ref_is_named_and_fails() {
    // Thing.owner and Owner.contact are nullable $refs in both spellings.
    let (_dir, spec) =
        edited_spec(|doc| remove(doc, "/components/schemas/Contact/properties/email"));
    let run = coverage(&spec, &[]);
    assert_missing(
        &run,
        &[
            "list_things 200: data[].owner.contact.email",
            "get_thing 200: owner.contact.email",
            "create_thing request: owner.contact.email",
            "create_thing 201: owner.contact.email",
            "Contact: email",
        ],
    );
    assert!(summary(&run).contains(", 5 missing properties,"));
}

#[test]
fn a_property_missing_inside_array_items_is_named_and_fails() {
    let (_dir, spec) = edited_spec(|doc| remove(doc, "/components/schemas/Tag/properties/weight"));
    let run = coverage(&spec, &[]);
    assert_missing(
        &run,
        &["list_things 200: data[].tags[].weight", "Tag: weight"],
    );
}

#[test]
fn a_missing_component_schema_is_named_and_fails() {
    let (_dir, spec) = edited_spec(|doc| {
        remove(doc, "/components/schemas/Problem");
        remove(doc, "/components/responses/Invalid");
        remove(doc, "/paths/~1things/get/responses/422");
    });
    let run = coverage(&spec, &[]);
    assert_missing(&run, &["Problem"]);
    assert!(summary(&run).ends_with(", 0 missing properties, 1 missing schemas"));
}

#[test]
fn differences_are_reported_without_failing() {
    let (_dir, spec) = edited_spec(|doc| {
        let limit = doc
            .pointer_mut("/components/parameters/Limit/schema/maximum")
            .expect("maximum");
        *limit = Value::from(50);
        let required = doc
            .pointer_mut("/components/schemas/Tag/required")
            .and_then(Value::as_array_mut)
            .expect("required");
        required.push(Value::from("weight"));
    });
    let run = coverage(&spec, &[]);
    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    for line in [
        "list_things: query limit: maximum is 100 in published, 50 in ours",
        "schema Tag: `weight` is required in ours, not in published",
    ] {
        assert!(
            run.stdout.lines().any(|l| l.trim() == line),
            "`{line}` not reported:\n{}",
            run.stdout
        );
    }
}

#[test]
fn a_nonexistent_file_is_named_in_the_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nowhere = dir.path().join("no-such-spec.json");
    let ours = fixtures().join("ours.yaml");
    let run = xtask(&[
        "coverage",
        nowhere.to_str().expect("utf-8 path"),
        "--spec",
        ours.to_str().expect("utf-8 path"),
    ]);
    assert!(!run.ok);
    assert!(run.stderr.contains("no-such-spec.json"), "{}", run.stderr);

    let run = coverage(&dir.path().join("no-such-ours.yaml"), &[]);
    assert!(!run.ok);
    assert!(run.stderr.contains("no-such-ours.yaml"), "{}", run.stderr);
}

#[test]
fn an_unparsable_file_is_named_in_the_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ not json").expect("write");
    let ours = fixtures().join("ours.yaml");
    let run = xtask(&[
        "coverage",
        broken.to_str().expect("utf-8 path"),
        "--spec",
        ours.to_str().expect("utf-8 path"),
    ]);
    assert!(!run.ok);
    assert!(run.stderr.contains("broken.json"), "{}", run.stderr);
}

#[test]
fn runs_against_the_published_reference_when_present() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let reference = root.join("../shared/reference/heymilo-v2-openapi-3.1.json");
    if !reference.exists() {
        eprintln!("skipped: {} not present", reference.display());
        return;
    }
    let run = xtask(&[
        "--root",
        root.to_str().expect("utf-8 path"),
        "coverage",
        reference.to_str().expect("utf-8 path"),
        "--allow-missing",
    ]);
    assert!(run.ok, "{}\n{}", run.stdout, run.stderr);
    let line = summary(&run);
    assert!(
        line.contains(" operations, ")
            && line.contains(" missing parameters, ")
            && line.contains(" missing properties, ")
            && line.ends_with(" missing schemas"),
        "{line}"
    );
}
