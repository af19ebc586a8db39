//! `cargo xtask coverage`, `upstream`, `breaking` and `check` as a user runs
//! them.
//!
//! Coverage fixtures describe one small API twice: `published.json` as
//! HeyMilo would publish it and `ours.yaml` as our specs spell it, with one
//! extra operation and one extra property. Each case edits `ours.yaml` (or the
//! published side) and checks what the report names. Breaking fixtures are
//! one pair per rule, each flagged by its rule name alone. `check` passes on
//! the checked-in tree and fails, naming the drift with a diff, once a spec,
//! the generator, a packaged copy, a README example or the public API changes.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixtures(kind: &str) -> PathBuf {
    Path::new(FIXTURES).join(kind)
}

/// Runs xtask with the non-empty `args`: (exit ok, stdout, stderr).
fn xtask(args: &[&dyn AsRef<OsStr>]) -> (bool, String, String) {
    let args = args.iter().map(|a| a.as_ref()).filter(|a| !a.is_empty());
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"));
    let out = cmd.args(args).output().expect("xtask runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// Changes of a JSON document: (JSON pointer, value).
type Patches<'a> = &'a [(&'a str, Value)];

/// `fixtures/coverage/<name>` as JSON, patched, written to `dir`. A patch
/// sets the member a JSON pointer names, or removes it when given null; `-`
/// appends to an array, a parameter is named by its `name`.
fn edited(dir: &Path, name: &str, patches: Patches<'_>) -> PathBuf {
    let text = std::fs::read_to_string(fixtures("coverage").join(name)).expect("fixture");
    let mut doc: Value = serde_yaml::from_str(&text).expect("fixture parses");
    let before = doc.clone();
    for (pointer, to) in patches.iter().cloned() {
        let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
        let key = key.replace("~1", "/");
        let found = match (doc.pointer_mut(parent), to) {
            (Some(Value::Array(items)), to) if key == "-" => {
                items.push(to);
                Some(Value::Null)
            }
            // A parameter, named by its `name`.
            (Some(Value::Array(items)), _) => {
                let i = items.iter().position(|p| p["name"] == key.as_str());
                i.map(|i| items.remove(i))
            }
            (Some(Value::Object(m)), Value::Null) => m.remove(&key),
            (Some(Value::Object(m)), to) => Some(m.insert(key, to).unwrap_or_default()),
            _ => None,
        };
        assert!(found.is_some(), "{pointer} not in the fixture");
    }
    assert_ne!(doc, before, "the edit changed nothing");
    let path = dir.join(name);
    std::fs::write(&path, doc.to_string()).expect("write");
    path
}

fn summary_of(text: &str) -> &str {
    let line = text.lines().find(|l| l.starts_with("coverage: "));
    line.expect("a summary line")
}

/// Asserts that `text` has each of `lines`, trimmed, as a line of its own.
fn has_lines(text: &str, lines: &[&str], case: &str) {
    for line in lines {
        let found = text.lines().any(|l| l.trim() == *line);
        assert!(found, "{case}: no `{line}`:\n{text}");
    }
}

#[test]
fn coverage_names_what_is_missing_and_fails_only_then() {
    let get_thing = [("/paths/~1things~1{thing_id}/get", Value::Null)];
    // (patches of ours.yaml, extra flag, exits 0, lines reported, summary fragment).
    // Thing.owner and Owner.contact are nullable $refs in both spellings.
    #[rustfmt::skip]
    let cases: [(Patches<'_>, &str, bool, &[&str], &str); 7] = [
        (&get_thing, "", false, &["GET /things/{thing_id} (getThing)"], "coverage: 2/3 operations, 0 missing parameters"),
        (&get_thing, "--allow-missing", true, &["GET /things/{thing_id} (getThing)"], "coverage: 2/3 operations"),
        (&[("/paths/~1things/get/parameters/cursor", Value::Null)], "", false, &["list_things: query cursor"], ", 1 missing parameters,"),
        (&[("/components/schemas/Contact/properties/email", Value::Null)], "", false, &["list_things 200: data[].owner.contact.email", "get_thing 200: owner.contact.email",
            "create_thing request: owner.contact.email", "create_thing 201: owner.contact.email", "Contact: email"],
            ", 5 missing properties,"),
        (&[("/components/schemas/Tag/properties/weight", Value::Null)], "", false, &["list_things 200: data[].tags[].weight", "Tag: weight"], "missing properties"),
        (&[("/components/schemas/Problem", Value::Null), ("/components/responses/Invalid", Value::Null),
            ("/paths/~1things/get/responses/422", Value::Null)], "", false, &["Problem"], ", 0 missing properties, 1 missing schemas"),
        (&[("/components/parameters/Limit/schema/maximum", json!(50)),
            ("/components/schemas/Tag/required/-", json!("weight"))], "", true, &["list_things: query limit: maximum is 100 in published, 50 in ours",
            "schema Tag: `weight` is required in ours, not in published"], "0 missing properties"),
    ];
    let published = fixtures("coverage/published.json");
    for (i, (edit, flag, ok, lines, summary)) in cases.into_iter().enumerate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ours = edited(dir.path(), "ours.yaml", edit);
        let (exit_ok, out, err) = xtask(&[&"coverage", &published, &"--spec", &ours, &flag]);
        assert_eq!(exit_ok, ok, "case {i}:\n{out}\n{err}");
        assert!(ok || err.contains("missing from"), "case {i}: {err}");
        has_lines(&out, lines, &format!("case {i}"));
        assert!(summary_of(&out).contains(summary), "case {i}: {out}");
    }
}

#[test]
fn a_full_match_reports_extras_and_ignores_authentication_headers() {
    // Through --root: the default spec is openapi/v2.yaml under it. The
    // published operations list X-API-KEY and Authorization; ours, Authorization once.
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(root.path().join("openapi")).expect("mkdir");
    let spec = root.path().join("openapi/v2.yaml");
    std::fs::copy(fixtures("coverage/ours.yaml"), spec).expect("copy");
    let published = fixtures("coverage/published.json");
    let (ok, out, err) = xtask(&[&"--root", &root.path(), &"coverage", &published]);
    assert!(ok, "{out}\n{err}");
    #[rustfmt::skip]
    let lines = ["coverage: 3/3 operations, 0 missing parameters, 0 missing properties, 0 missing schemas",
        "extra: 1 operations, 0 parameters, 4 properties, 0 schemas; 0 differences",
        "DELETE /things/{thing_id} (delete_thing)", "list_things 200: data[].created_at", "Thing: created_at"];
    has_lines(&out, &lines, "full match");
    let lower = out.to_ascii_lowercase();
    let auth = lower.contains("x-api-key") || lower.contains("authorization");
    let no_params = out.contains("parameters:\n  missing (0):\n  extra (0):");
    assert!(!auth && no_params, "{out}");
}

#[test]
fn unreadable_inputs_are_named_in_the_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{ not json").expect("write");
    let (ours, nowhere) = (fixtures("coverage/ours.yaml"), dir.path().join("none.yaml"));
    let published = fixtures("coverage/published.json");
    let old = Path::new("/nonexistent/old.yaml");
    // (command, first input, second input, the file the error names)
    #[rustfmt::skip]
    let cases = [
        ("coverage", &*broken, "--spec", &*ours, "broken.json"),
        ("coverage", &*nowhere, "--spec", &*ours, "none.yaml"),
        ("coverage", &*published, "--spec", &*nowhere, "none.yaml"),
        ("breaking", old, "", &*ours, "/nonexistent/old.yaml"),
    ];
    for (command, first, flag, second, named) in cases {
        let (ok, _, err) = xtask(&[&command, &first, &flag, &second]);
        assert!(!ok && err.contains(named), "{named}: {err}");
    }
}

/// HeyMilo's document sits beside the repository in CI: there, its absence
/// fails; elsewhere the test says so and passes.
#[test]
fn runs_against_the_published_reference() {
    let root = fixtures("../../..");
    let doc = root.join("../shared/reference/heymilo-v2-openapi-3.1.json");
    if !doc.exists() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "{} is missing", doc.display());
        return eprintln!("skipped: {} not present", doc.display());
    }
    let (ok, out, err) = xtask(&[&"--root", &root, &"coverage", &doc, &"--allow-missing"]);
    assert!(ok, "{out}\n{err}");
    let line = summary_of(&out);
    let mut parts = " operations, | missing parameters, | missing properties, ".split('|');
    let complete = parts.all(|p| line.contains(p)) && line.ends_with(" missing schemas");
    assert!(complete, "{line}");
}

#[test]
fn upstream_reports_a_republished_document_per_operation() {
    let ours = fixtures("coverage/ours.yaml");
    let upstream = |published: &Path| xtask(&[&"upstream", &published, &"--spec", &ours]);
    // The fixture pair already differs (our extras); nothing is to be added.
    let (_, text, _) = upstream(&fixtures("coverage/published.json"));
    let extras = text.contains("delete_thing\n  - no longer published");
    assert!(!text.contains("  - add ") && extras, "{text}");
    let dir = tempfile::tempdir().expect("tmp");
    #[rustfmt::skip]
    let changed = edited(dir.path(), "published.json", &[
        ("/paths/~1reports", json!({"get": {"operationId": "listReports", "responses": {"200": {"description": "ok"}}}})),
        ("/paths/~1things/get/parameters/-", json!({"name": "color", "in": "query", "required": false, "schema": {"type": "string"}})),
    ]);
    let (ok, text, _) = upstream(&changed);
    assert!(!ok, "changes upstream need action: {text}");
    let added = text.contains("listReports\n  - add the operation: GET /reports (listReports)");
    let parameter = text.contains("  - add parameter query color");
    assert!(added && parameter, "{text}");
}

#[test]
fn breaking_flags_each_rule_by_name_and_nothing_else() {
    #[rustfmt::skip]
    let rules = ["removed-operation", "removed-parameter", "new-required-parameter", "removed-property",
        "new-required-field", "type-changed", "enum-narrowed", "range-narrowed", "newly-nullable", "auth-changed"];
    let breaking = |old: &Path, new: &Path| xtask(&[&"breaking", &old, &new]);
    let pair = |dir: PathBuf| breaking(&dir.join("old.yaml"), &dir.join("new.yaml"));
    for rule in rules {
        let (ok, text, _) = pair(fixtures("breaking").join(rule));
        let flagged: Vec<&str> = text.lines().filter(|l| l.starts_with("BREAKING")).collect();
        let own = format!("BREAKING {rule}:");
        let only_own = flagged.iter().all(|l| l.starts_with(&own));
        let alone = !ok && !flagged.is_empty() && only_own;
        assert!(alone, "{rule}: flagged alone\n{text}");
    }
    let (ok, text, _) = pair(fixtures("breaking").join("compatible"));
    let compatible = ok && text.contains("no breaking change");
    assert!(compatible, "additions: {text}");
    for spec in ["v1.yaml", "v2.yaml"].map(|f| fixtures("../../../openapi").join(f)) {
        let (same, shown) = (breaking(&spec, &spec).0, spec.display());
        assert!(same, "{shown} against itself");
    }
}

type Edit<'a> = &'a dyn Fn(&str) -> String;

/// Copies what `check` reads (specs, snapshots, Cargo.lock, the packaged
/// copies, the READMEs, the public-API snapshot and its source) to a scratch
/// root, applies `edit` to `file` there (none when empty), and runs `check`:
/// (ok, stdout and stderr).
fn check_after(file: &str, edit: Edit<'_>) -> (bool, String) {
    let (root, dir) = (fixtures("../../.."), tempfile::tempdir().expect("tempdir"));
    let copied = "openapi tests/snapshots Cargo.lock crates/heymilo-gen/openapi \
                  crates/heymilo-cli/openapi crates/heymilo/src crates/heymilo/public-api.txt";
    let crates = " crates/heymilo-codegen/ crates/heymilo-gen/ crates/heymilo/ \
                  crates/heymilo-mock/ crates/heymilo-cli/";
    let shared = (crates.split(' '))
        .flat_map(|c| ["LICENSE-MIT", "LICENSE-APACHE", "README.md"].map(|f| format!("{c}{f}")));
    for rel in copied.split(' ').map(str::to_owned).chain(shared) {
        let to = dir.path().join(&rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        let mut cp = std::process::Command::new("cp");
        let copied = cp.arg("-R").arg(root.join(&rel)).arg(&to).status();
        assert!(copied.expect("cp runs").success(), "copying {rel}");
    }
    if !file.is_empty() {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        let edited = edit(&text);
        assert_ne!(text, edited, "the edit of {file} must apply");
        std::fs::write(&path, edited).expect("write");
    }
    let (ok, out, err) = xtask(&[&"--root", &dir.path(), &"check"]);
    (ok, out + &err)
}

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
        let missing = expected.iter().find(|part| !text.contains(*part));
        assert!(!ok && missing.is_none(), "{file}: {missing:?}: {text}");
    }
}
