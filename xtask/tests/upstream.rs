//! `cargo xtask upstream`: a republished document's changes, operation by operation.

use std::path::Path;
use std::process::Command;

#[test]
fn a_republished_document_is_reported_per_operation() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/coverage");
    let ours = fixtures.join("ours.yaml");
    let run = |published: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("upstream")
            .arg(published)
            .arg("--spec")
            .arg(&ours)
            .output()
            .expect("runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    // The fixture pair already differs (our extras); nothing is to be added.
    let (_, text) = run(&fixtures.join("published.json"));
    assert!(!text.contains("  - add "), "{text}");
    assert!(
        text.contains("delete_thing\n  - no longer published"),
        "{text}"
    );

    let mut doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures.join("published.json")).expect("read"),
    )
    .expect("json");
    doc["paths"]["/reports"] = serde_json::json!({"get": {"operationId": "listReports", "responses": {"200": {"description": "ok"}}}});
    let params = doc["paths"]["/things"]["get"]["parameters"]
        .as_array_mut()
        .expect("params");
    params.push(serde_json::json!({"name": "color", "in": "query", "required": false, "schema": {"type": "string"}}));
    let dir = tempfile::tempdir().expect("tmp");
    let changed = dir.path().join("published.json");
    std::fs::write(&changed, doc.to_string()).expect("write");
    let (ok, text) = run(&changed);
    assert!(!ok, "changes upstream need action: {text}");
    assert!(
        text.contains("listReports\n  - add the operation: GET /reports (listReports)"),
        "{text}"
    );
    assert!(text.contains("  - add parameter query color"), "{text}");
}
