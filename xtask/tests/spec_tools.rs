//! `cargo xtask coverage`, `upstream` and `breaking` as a user runs them.
//!
//! Coverage fixtures describe one small API twice: `published.json` as
//! HeyMilo would publish it and `ours.yaml` as our specs spell it, with one
//! extra operation and one extra property. Each case edits `ours.yaml` (or the
//! published side) and checks what the report names. Breaking fixtures are
//! one pair per rule, each flagged by its rule name alone.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

fn fixtures(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/")
        .join(kind)
}

/// Runs xtask: (exit ok, stdout, stderr).
fn xtask(args: &[&Path]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output();
    let out = out.expect("xtask runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// `fixtures/coverage/<name>` as JSON, changed by `edit`, written to `dir`.
fn edited(dir: &Path, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let text = std::fs::read_to_string(fixtures("coverage").join(name)).expect("fixture");
    let mut doc: Value = serde_yaml::from_str(&text).expect("fixture parses");
    let before = doc.clone();
    edit(&mut doc);
    assert_ne!(doc, before, "the edit changed nothing");
    let path = dir.join(name);
    std::fs::write(&path, doc.to_string()).expect("write");
    path
}

/// Removes the member a JSON pointer names.
fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    let parent = doc.pointer_mut(parent).and_then(Value::as_object_mut);
    let removed = parent.and_then(|m| m.remove(&key.replace("~1", "/")));
    removed.unwrap_or_else(|| panic!("{pointer} not in the fixture"));
}

fn summary_of(text: &str) -> &str {
    let line = text.lines().find(|l| l.starts_with("coverage: "));
    line.expect("a summary line")
}

fn has_line(text: &str, line: &str) -> bool {
    text.lines().any(|l| l.trim() == line)
}

type Edit = fn(&mut Value);

#[test]
fn coverage_names_what_is_missing_and_fails_only_then() {
    let get_thing = |d: &mut Value| remove(d, "/paths/~1things~1{thing_id}/get");
    let no_cursor = |d: &mut Value| {
        let params = d["paths"]["/things"]["get"]["parameters"].as_array_mut();
        params.expect("list").retain(|p| p["name"] != "cursor");
    };
    // Thing.owner and Owner.contact are nullable $refs in both spellings.
    let contact = |d: &mut Value| remove(d, "/components/schemas/Contact/properties/email");
    let weight = |d: &mut Value| remove(d, "/components/schemas/Tag/properties/weight");
    let problem = |d: &mut Value| {
        remove(d, "/components/schemas/Problem");
        remove(d, "/components/responses/Invalid");
        remove(d, "/paths/~1things/get/responses/422");
    };
    let differ = |d: &mut Value| {
        d["components"]["parameters"]["Limit"]["schema"]["maximum"] = json!(50);
        let required = d["components"]["schemas"]["Tag"]["required"].as_array_mut();
        required.expect("list").push(json!("weight"));
    };
    // (edit of ours.yaml, --allow-missing, exits 0, lines reported, summary fragment)
    #[rustfmt::skip]
    let cases: [(Edit, bool, bool, &[&str], &str); 7] = [
        (get_thing, false, false, &["GET /things/{thing_id} (getThing)"], "coverage: 2/3 operations, 0 missing parameters"),
        (get_thing, true, true, &["GET /things/{thing_id} (getThing)"], "coverage: 2/3 operations"),
        (no_cursor, false, false, &["list_things: query cursor"], ", 1 missing parameters,"),
        (contact, false, false, &["list_things 200: data[].owner.contact.email", "get_thing 200: owner.contact.email",
            "create_thing request: owner.contact.email", "create_thing 201: owner.contact.email", "Contact: email"],
            ", 5 missing properties,"),
        (weight, false, false, &["list_things 200: data[].tags[].weight", "Tag: weight"], "missing properties"),
        (problem, false, false, &["Problem"], ", 0 missing properties, 1 missing schemas"),
        (differ, false, true, &["list_things: query limit: maximum is 100 in published, 50 in ours",
            "schema Tag: `weight` is required in ours, not in published"], "0 missing properties"),
    ];
    let published = fixtures("coverage/published.json");
    for (i, (edit, allow, ok, lines, summary)) in cases.into_iter().enumerate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ours = edited(dir.path(), "ours.yaml", edit);
        let mut args: Vec<&Path> = vec!["coverage".as_ref(), &published, "--spec".as_ref(), &ours];
        if allow {
            args.push("--allow-missing".as_ref());
        }
        let (exit_ok, stdout, stderr) = xtask(&args);
        assert_eq!(exit_ok, ok, "case {i}:\n{stdout}\n{stderr}");
        assert!(ok || stderr.contains("missing from"), "case {i}: {stderr}");
        for line in lines {
            assert!(has_line(&stdout, line), "case {i}: no `{line}`:\n{stdout}");
        }
        assert!(summary_of(&stdout).contains(summary), "case {i}: {stdout}");
    }
}

#[test]
fn a_full_match_reports_extras_and_ignores_authentication_headers() {
    // Through --root: the default spec is openapi/v2.yaml under it. The
    // published operations list X-API-KEY and Authorization; ours, Authorization once.
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(root.path().join("openapi")).expect("mkdir");
    let (ours, published) = (
        fixtures("coverage/ours.yaml"),
        fixtures("coverage/published.json"),
    );
    std::fs::copy(ours, root.path().join("openapi/v2.yaml")).expect("copy");
    let (ok, stdout, stderr) = xtask(&[
        "--root".as_ref(),
        root.path(),
        "coverage".as_ref(),
        &published,
    ]);
    assert!(ok, "{stdout}\n{stderr}");
    #[rustfmt::skip]
    let lines = ["coverage: 3/3 operations, 0 missing parameters, 0 missing properties, 0 missing schemas",
        "extra: 1 operations, 0 parameters, 4 properties, 0 schemas; 0 differences",
        "DELETE /things/{thing_id} (delete_thing)", "list_things 200: data[].created_at", "Thing: created_at"];
    for line in lines {
        assert!(has_line(&stdout, line), "`{line}` not reported:\n{stdout}");
    }
    let lower = stdout.to_ascii_lowercase();
    let auth = lower.contains("x-api-key") || lower.contains("authorization");
    let no_params = stdout.contains("parameters:\n  missing (0):\n  extra (0):");
    assert!(!auth && no_params, "{stdout}");
}

#[test]
fn unreadable_inputs_are_named_in_the_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ not json").expect("write");
    let (ours, nowhere) = (fixtures("coverage/ours.yaml"), dir.path().join("none.yaml"));
    let published = fixtures("coverage/published.json");
    let cases = [
        (&broken, &ours, "broken.json"),
        (&nowhere, &ours, "none.yaml"),
    ];
    for (published, spec, named) in cases
        .into_iter()
        .chain([(&published, &nowhere, "none.yaml")])
    {
        let (ok, _, stderr) = xtask(&["coverage".as_ref(), published, "--spec".as_ref(), spec]);
        assert!(!ok && stderr.contains(named), "{named}: {stderr}");
    }
    let (ok, _, stderr) = xtask(&["breaking".as_ref(), "/nonexistent/old.yaml".as_ref(), &ours]);
    assert!(!ok && stderr.contains("/nonexistent/old.yaml"), "{stderr}");
}

/// HeyMilo's document sits beside the repository in CI: there, its absence
/// fails; elsewhere the test says so and passes.
#[test]
fn runs_against_the_published_reference() {
    let root = fixtures("../../..");
    let reference = root.join("../shared/reference/heymilo-v2-openapi-3.1.json");
    if !reference.exists() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "{} is missing", reference.display());
        return eprintln!("skipped: {} not present", reference.display());
    }
    let allow = "--allow-missing".as_ref();
    let (ok, out, err) = xtask(&[
        "--root".as_ref(),
        &root,
        "coverage".as_ref(),
        &reference,
        allow,
    ]);
    assert!(ok, "{out}\n{err}");
    let line = summary_of(&out);
    let parts = [
        " operations, ",
        " missing parameters, ",
        " missing properties, ",
    ];
    let complete = parts.iter().all(|p| line.contains(p)) && line.ends_with(" missing schemas");
    assert!(complete, "{line}");
}

#[test]
fn upstream_reports_a_republished_document_per_operation() {
    let ours = fixtures("coverage/ours.yaml");
    let upstream =
        |published: &Path| xtask(&["upstream".as_ref(), published, "--spec".as_ref(), &ours]);
    // The fixture pair already differs (our extras); nothing is to be added.
    let (_, text, _) = upstream(&fixtures("coverage/published.json"));
    let extras = text.contains("delete_thing\n  - no longer published");
    assert!(!text.contains("  - add ") && extras, "{text}");
    let dir = tempfile::tempdir().expect("tmp");
    let changed = edited(dir.path(), "published.json", |doc| {
        doc["paths"]["/reports"] = json!({"get": {"operationId": "listReports", "responses": {"200": {"description": "ok"}}}});
        let params = doc["paths"]["/things"]["get"]["parameters"].as_array_mut();
        params.expect("params").push(json!({"name": "color", "in": "query", "required": false, "schema": {"type": "string"}}));
    });
    let (ok, text, _) = upstream(&changed);
    assert!(!ok, "changes upstream need action: {text}");
    let added = text.contains("listReports\n  - add the operation: GET /reports (listReports)");
    assert!(
        added && text.contains("  - add parameter query color"),
        "{text}"
    );
}

#[test]
fn breaking_flags_each_rule_by_name_and_nothing_else() {
    #[rustfmt::skip]
    let rules = ["removed-operation", "removed-parameter", "new-required-parameter", "removed-property",
        "new-required-field", "type-changed", "enum-narrowed", "range-narrowed", "newly-nullable", "auth-changed"];
    let breaking = |old: &Path, new: &Path| xtask(&["breaking".as_ref(), old, new]);
    for rule in rules {
        let dir = fixtures("breaking").join(rule);
        let (ok, text, _) = breaking(&dir.join("old.yaml"), &dir.join("new.yaml"));
        let flagged: Vec<&str> = text.lines().filter(|l| l.starts_with("BREAKING")).collect();
        let own = format!("BREAKING {rule}:");
        let only_own = flagged.iter().all(|l| l.starts_with(&own));
        assert!(
            !ok && !flagged.is_empty() && only_own,
            "{rule}: flagged alone\n{text}"
        );
    }
    let dir = fixtures("breaking").join("compatible");
    let (ok, text, _) = breaking(&dir.join("old.yaml"), &dir.join("new.yaml"));
    assert!(
        ok && text.contains("no breaking change"),
        "additions: {text}"
    );
    for spec in ["v1.yaml", "v2.yaml"].map(|f| fixtures("../../../openapi").join(f)) {
        assert!(
            breaking(&spec, &spec).0,
            "{} against itself",
            spec.display()
        );
    }
}
