//! Requests carry exactly what the caller set (issue 14): a request body built
//! with only its required fields sends only those keys, whatever `default`s the
//! spec documents for the others, and workflow steps carry their own tag.

use std::collections::BTreeSet;

use heymilo_gen::{v1, v2};
use heymilo_tests::{Recorder, Reply};
use serde_json::{Value, json};

const WS: &str = "ws_1";

/// The operations whose request body has an optional property with a spec
/// `default`, plus `update_posting` (the PATCH twin of `create_posting`).
/// (generation, operation, case, the keys the body must have exactly).
const CASES: &[(&str, &str, &str, &[&str])] = &[
    (
        "v1",
        "ingest_candidate",
        "required only",
        &["name", "email"],
    ),
    (
        "v1",
        "ingest_candidates_bulk",
        "required only",
        &["candidates"],
    ),
    ("v2", "create_posting", "required only", &["title"]),
    (
        "v2",
        "create_posting",
        "from a template",
        &["title", "interview_template_id"],
    ),
    ("v2", "update_posting", "title only", &["title"]),
    (
        "v2",
        "push_ats_candidate",
        "required only",
        &["ats_name", "candidate"],
    ),
];

/// Sends one case's request to `server` through the generated client. The
/// recorder's answer does not decode; only what was sent matters here.
async fn send(server: &Recorder, op: &str, case: &str) {
    let url = server.url();
    let http = reqwest::Client::new();
    let v1 = v1::Client::new_with_client(&url, http.clone(), heymilo_gen::Inner::api_key("k1"));
    let v2 = v2::Client::new_with_client(&url, http, heymilo_gen::Inner::api_key("k2"));
    let candidate = || v1::types::IngestCandidate {
        name: "Jane Doe".to_owned(),
        email: "jane@example.com".to_owned(),
        phone_number: None,
        metadata: None,
        data: None,
    };
    let _ = match (op, case) {
        ("ingest_candidate", _) => v1
            .ingest_candidate()
            .url_key("k")
            .body_map(|b| b.name("Jane Doe").email("jane@example.com"))
            .send()
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
        ("ingest_candidates_bulk", _) => v1
            .ingest_candidates_bulk()
            .url_key("k")
            .body_map(|b| b.candidates(vec![candidate()]))
            .send()
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
        ("create_posting", "from a template") => v2
            .create_posting()
            .x_workspace_id(WS)
            .body_map(|b| {
                b.title("Backend Engineer")
                    .interview_template_id("IT_abc123".to_owned())
            })
            .send()
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
        ("create_posting", _) => v2
            .create_posting()
            .x_workspace_id(WS)
            .body_map(|b| b.title("Backend Engineer"))
            .send()
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
        ("update_posting", _) => v2
            .update_posting()
            .posting_id("13D77095")
            .x_workspace_id(WS)
            .body_map(|b| b.title(Some("Staff Engineer".try_into().expect("a valid title"))))
            .send()
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
        ("push_ats_candidate", _) => v2
            .push_ats_candidate()
            .x_workspace_id(WS)
            .body_map(|b| {
                b.ats_name("bullhorn")
                    .candidate(v2::types::PushCandidatePayload::default())
            })
            .send()
            .await
            .map(drop)
            .map_err(|e| e.to_string()),
        other => panic!("no request for {other:?}"),
    };
}

#[tokio::test]
async fn a_body_with_only_required_fields_sends_only_those_keys() {
    for (generation, op, case, keys) in CASES {
        let server = Recorder::start(Reply::json(200, json!({}))).await;
        send(&server, op, case).await;
        let body = server.single().json();
        let sent: BTreeSet<&str> = body
            .as_object()
            .unwrap_or_else(|| panic!("{generation} {op} ({case}): body {body} is not an object"))
            .keys()
            .map(String::as_str)
            .collect();
        let expected: BTreeSet<&str> = keys.iter().copied().collect();
        assert_eq!(sent, expected, "{generation} {op} ({case}) sent {body}");
    }
}

#[tokio::test]
async fn the_bulk_candidates_carry_no_defaults_either() {
    let server = Recorder::start(Reply::json(200, json!({}))).await;
    send(&server, "ingest_candidates_bulk", "required only").await;
    assert_eq!(
        server.single().json(),
        json!({"candidates": [{"name": "Jane Doe", "email": "jane@example.com"}]})
    );
}

#[test]
fn every_request_body_with_a_defaulted_field_has_a_case() {
    let mut found = BTreeSet::new();
    for (generation, file) in [("v1", "v1.yaml"), ("v2", "v2.yaml")] {
        let path = format!("{}/../openapi/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("read spec");
        let spec: Value = serde_yaml::from_str(&text).expect("spec is YAML");
        for item in spec["paths"].as_object().expect("paths").values() {
            for op in item.as_object().expect("path item").values() {
                let Some(schema) = op.pointer("/requestBody/content/application~1json/schema")
                else {
                    continue;
                };
                if has_optional_default(&spec, schema) {
                    let id = op["operationId"].as_str().expect("operationId");
                    found.insert((generation, id.to_owned()));
                }
            }
        }
    }
    let covered: BTreeSet<(&str, String)> = CASES
        .iter()
        .map(|(g, op, _, _)| (*g, (*op).to_owned()))
        .collect();
    let missing: Vec<_> = found.difference(&covered).collect();
    assert!(missing.is_empty(), "no wire case for {missing:?}");
    assert!(
        found.len() >= 4,
        "the spec scan found too little to be trusted: {found:?}"
    );
}

/// Whether an object schema (following `$ref` and `allOf`) has a property
/// with a `default` that its `required` list does not name.
fn has_optional_default(spec: &Value, schema: &Value) -> bool {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => spec
            .pointer(r.strip_prefix('#').expect("local $ref"))
            .expect("resolvable $ref"),
        None => schema,
    };
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let own = schema["properties"].as_object().is_some_and(|props| {
        props
            .iter()
            .any(|(name, p)| p.get("default").is_some() && !required.contains(name.as_str()))
    });
    own || schema["allOf"]
        .as_array()
        .is_some_and(|parts| parts.iter().any(|p| has_optional_default(spec, p)))
}

#[test]
fn workflow_steps_carry_their_own_tag() {
    use v2::types::{
        ConversationalSmsStep, CreatePostingRequestWorkflowItem as Item, FormStep, ResumeStep,
        WebInterviewStep,
    };
    let cases: [(Item, Value); 4] = [
        (
            WebInterviewStep::default().into(),
            json!({"type": "web_interview"}),
        ),
        (
            ConversationalSmsStep::default().into(),
            json!({"type": "conversational_sms"}),
        ),
        (ResumeStep::default().into(), json!({"type": "resume"})),
        (
            FormStep {
                questions: Some(Vec::new()),
                ..Default::default()
            }
            .into(),
            json!({"type": "form", "questions": []}),
        ),
    ];
    for (step, wire) in cases {
        assert_eq!(serde_json::to_value(&step).expect("serializes"), wire);
        // The tag alone says which variant a step is.
        let back: Item = serde_json::from_value(wire.clone()).expect("decodes");
        assert_eq!(back, step, "{wire}");
    }
    let wrong = serde_json::from_value::<Item>(json!({"type": "web_interviw"}));
    assert!(wrong.is_err(), "a misspelt tag is not a step: {wrong:?}");
}
