//! Wire tests for every v2 operation (besides `health_check` and
//! `list_candidates`, covered in `wire_v2.rs`).
//!
//! Each test answers with the operation's documented success status and a
//! body built from the examples in `openapi/v2.yaml` (see [`success`]), calls
//! the operation through the generated client with every path, query and
//! header parameter it has, checks what went over the wire (method, path,
//! query, headers, JSON body) and checks that the documented example decoded
//! into the generated response type.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use heymilo_gen::v2::{Client, types};
use heymilo_tests::{Recorded, Recorder, Reply};
use serde_json::{Map, Value, json};

const KEY: &str = "hm_test_key_v2";
const WS: &str = "ws_2";

fn client(server: &Recorder) -> Client {
    Client::new_with_client(
        &server.url(),
        reqwest::Client::new(),
        heymilo_gen::Inner::api_key(KEY),
    )
}

// ---------------------------------------------------------------------------
// Examples from the spec.
// ---------------------------------------------------------------------------

/// `openapi/v2.yaml`, parsed once.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/v2.yaml");
        let text = std::fs::read_to_string(path).expect("read openapi/v2.yaml");
        serde_yaml::from_str(&text).expect("openapi/v2.yaml is YAML")
    })
}

/// Follows a local `$ref` (`#/components/...`) until a non-reference.
fn resolve<'a>(spec: &'a Value, mut value: &'a Value) -> &'a Value {
    while let Some(pointer) = value.get("$ref").and_then(Value::as_str) {
        let pointer = pointer.strip_prefix('#').expect("local $ref");
        value = spec
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling $ref {pointer}"));
    }
    value
}

/// Every operation of the spec: (operation id, its operation object).
fn operations(spec: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    let paths = spec["paths"].as_object().expect("paths");
    for item in paths.values() {
        for method in ["get", "put", "post", "delete", "options", "head", "patch"] {
            if let Some(op) = item.get(method) {
                let id = op["operationId"].as_str().expect("operationId");
                out.push((id.to_owned(), op));
            }
        }
    }
    out
}

/// The operation's 2xx response: (status, response object).
fn success_response<'a>(spec: &'a Value, op: &'a Value) -> (u16, &'a Value) {
    let responses = op["responses"].as_object().expect("responses");
    let (code, response) = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        .expect("a 2xx response");
    (
        code.parse().expect("numeric status"),
        resolve(spec, response),
    )
}

/// Builds an example value for `schema`, or `None` when an optional value is
/// better left out. `required` says whether the value must be present.
/// Every component schema passed through is added to `visited`.
///
/// Rules, in order: a schema `example` wins; `allOf` merges its parts;
/// `oneOf`/`anyOf` take the first variant; objects are composed property by
/// property; arrays get one item; then a `default`; then, for required
/// values, a filler of the right type ("x", 1, 1.5, true, {}); then `null`
/// for nullable ones; otherwise the value is left out.
fn compose(
    spec: &Value,
    schema: &Value,
    required: bool,
    visited: &mut BTreeSet<String>,
) -> Option<Value> {
    if let Some(pointer) = schema.get("$ref").and_then(Value::as_str) {
        let name = pointer.rsplit('/').next().expect("schema name");
        visited.insert(name.to_owned());
        return compose(spec, resolve(spec, schema), required, visited);
    }
    if let Some(example) = schema.get("example") {
        return Some(example.clone());
    }
    let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Some(Value::Object(fields)) = compose(spec, part, true, visited) {
                merged.extend(fields);
            }
        }
        if let Some(Value::Object(own)) = compose_properties(spec, schema, visited) {
            merged.extend(own);
        }
        return Some(Value::Object(merged));
    }
    if let Some(first) = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array))
        .and_then(|variants| variants.first())
    {
        return compose(spec, first, required, visited);
    }
    if let Some(object) = compose_properties(spec, schema, visited) {
        return Some(object);
    }
    let kind = schema.get("type").and_then(Value::as_str);
    if kind == Some("array") {
        let items = schema.get("items").expect("array items");
        let item = compose(spec, items, true, visited).expect("required item");
        return Some(json!([item]));
    }
    if let Some(default) = schema.get("default") {
        return Some(default.clone());
    }
    if required {
        return Some(match kind {
            Some("string") => json!("x"),
            Some("integer") => json!(1),
            Some("number") => json!(1.5),
            Some("boolean") => json!(true),
            _ => json!({}),
        });
    }
    nullable.then_some(Value::Null)
}

/// An object with a `properties` map, composed field by field; `None` when
/// the schema declares no properties.
fn compose_properties(
    spec: &Value,
    schema: &Value,
    visited: &mut BTreeSet<String>,
) -> Option<Value> {
    let properties = schema.get("properties")?.as_object()?;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut object = Map::new();
    for (name, property) in properties {
        if let Some(value) = compose(spec, property, required.contains(&name.as_str()), visited) {
            object.insert(name.clone(), value);
        }
    }
    Some(Value::Object(object))
}

/// The documented example of `operation_id`'s 2xx JSON response, with the
/// set of component schemas composing it visited. The media type's own
/// `example` wins when there is one; the schema is composed either way, so
/// that every schema is visited.
fn documented_example(spec: &Value, operation_id: &str) -> Option<(u16, Value, BTreeSet<String>)> {
    let (_, op) = operations(spec)
        .into_iter()
        .find(|(id, _)| id == operation_id)
        .unwrap_or_else(|| panic!("no operation {operation_id}"));
    let (status, response) = success_response(spec, op);
    let media = response.get("content")?.get("application/json")?;
    let mut visited = BTreeSet::new();
    let composed = compose(spec, &media["schema"], true, &mut visited).expect("a response body");
    let example = media.get("example").cloned().unwrap_or(composed);
    Some((status, example, visited))
}

/// The documented success status of `operation_id` (checked against
/// `status`) and the example body built for it.
fn success(operation_id: &str, status: u16) -> Value {
    let (documented, example, _) =
        documented_example(spec(), operation_id).expect("a JSON success response");
    assert_eq!(
        documented, status,
        "documented success status of {operation_id}"
    );
    example
}

/// A server answering `operation_id`'s documented example.
async fn serve(operation_id: &str, status: u16) -> Recorder {
    Recorder::start(Reply::json(status, success(operation_id, status))).await
}

// ---------------------------------------------------------------------------
// What was sent.
// ---------------------------------------------------------------------------

/// Decodes `application/x-www-form-urlencoded` text.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("percent escape"));
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8 query")
}

/// The query string as sorted, decoded pairs.
fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect();
    pairs.sort();
    pairs
}

/// The only request `server` received, after checking its method, exact
/// path, query (as a sorted list), API key, API version and workspace header.
fn sent(
    server: &Recorder,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    workspace: Option<&str>,
) -> Recorded {
    let req = server.single();
    assert_eq!(req.method, method);
    assert_eq!(req.path, path);
    let mut want: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    want.sort();
    assert_eq!(query_pairs(req.query.as_deref()), want);
    assert_eq!(req.header("x-api-key"), Some(KEY));
    assert_eq!(req.header("api-version"), Some("2.0.0"));
    assert_eq!(req.header("x-workspace-id"), workspace);
    req
}

/// Every component schema reachable through `$ref` from `value` (other
/// references, to shared responses for instance, are followed).
fn reach(spec: &Value, value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(fields) => {
            if let Some(pointer) = fields.get("$ref").and_then(Value::as_str) {
                let target = resolve(spec, value);
                match pointer.strip_prefix("#/components/schemas/") {
                    Some(name) => {
                        if out.insert(name.to_owned()) {
                            reach(spec, target, out);
                        }
                    }
                    None => reach(spec, target, out),
                }
            }
            for (key, field) in fields {
                if key != "example" {
                    reach(spec, field, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| reach(spec, item, out)),
        _ => {}
    }
}

fn string_map(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

// ---------------------------------------------------------------------------
// The examples themselves.
// ---------------------------------------------------------------------------

/// Every operation's 2xx JSON response gets a non-empty example, and the
/// examples between them pass through every component schema a 2xx
/// response can reach.
#[test]
fn documented_examples_cover_every_success_response_schema() {
    let spec = spec();
    let ops = operations(spec);
    assert_eq!(ops.len(), 56, "v2 operations in the spec");
    let documented: BTreeSet<&str> = ops.iter().map(|(id, _)| id.as_str()).collect();
    let generated: BTreeSet<&str> = heymilo_gen::v2::OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(
        documented, generated,
        "the generated client has every operation"
    );

    let mut visited = BTreeSet::new();
    let mut reachable = BTreeSet::new();
    let mut json_responses = 0;
    for (id, op) in &ops {
        let (status, response) = success_response(spec, op);
        let Some(media) = response
            .get("content")
            .and_then(|c| c.get("application/json"))
        else {
            assert_eq!(
                id, "get_voice_preview",
                "only the voice preview is not JSON"
            );
            assert!(response["content"].get("audio/mpeg").is_some());
            continue;
        };
        json_responses += 1;
        reach(spec, &media["schema"], &mut reachable);
        let (documented_status, example, seen) =
            documented_example(spec, id).expect("a JSON example");
        assert_eq!(documented_status, status);
        let schema = resolve(spec, &media["schema"]);
        // A registry "whose layout the server decides" declares no property:
        // its honest example is `{}`.
        let free_form = schema.get("properties").is_none()
            && schema.get("additionalProperties") == Some(&Value::Bool(true));
        match &example {
            Value::Object(fields) => {
                assert!(!fields.is_empty() || free_form, "{id}: empty example");
            }
            other => panic!("{id}: the example is not an object: {other}"),
        }
        visited.extend(seen);
    }
    assert_eq!(json_responses, 55);
    let missed: Vec<&String> = reachable.difference(&visited).collect();
    assert!(
        missed.is_empty(),
        "schemas no example passes through: {missed:?}"
    );
    assert_eq!(visited, reachable);

    // The component schemas left out serve only request bodies and errors,
    // apart from the two error shapes `ErrorBody` stands for, kept as
    // documentation.
    let mut elsewhere = BTreeSet::new();
    for (_, op) in &ops {
        if let Some(body) = op.get("requestBody") {
            reach(spec, body, &mut elsewhere);
        }
        for (code, response) in op["responses"].as_object().expect("responses") {
            if !code.starts_with('2') {
                reach(spec, response, &mut elsewhere);
            }
        }
    }
    let all: BTreeSet<String> = spec["components"]["schemas"]
        .as_object()
        .expect("schemas")
        .keys()
        .cloned()
        .collect();
    let unused: Vec<&String> = all
        .iter()
        .filter(|name| !reachable.contains(*name) && !elsewhere.contains(*name))
        .collect();
    assert_eq!(
        unused,
        ["APIErrorResponse", "HTTPValidationError"],
        "schemas nothing refers to"
    );
    assert!(
        reachable.len() > all.len() / 2,
        "{} of {}",
        reachable.len(),
        all.len()
    );
}

// ---------------------------------------------------------------------------
// Interviewers (postings).
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_posting() {
    let server = serve("create_posting", 201).await;
    let question = types::CreateQuestion::try_from(
        types::CreateQuestion::builder()
            .modality("voice")
            .text("How would you design a rate limiter?")
            .score_weight(3_i64)
            .max_follow_ups(2_i64),
    )
    .expect("valid question");
    let web_interview = types::WebInterviewStep {
        config: Some(types::WebInterviewConfig {
            video: Some(true),
            voice_id: Some("wrv-abc123".to_owned()),
            interview_type: Some("technical".to_owned()),
            num_questions: Some(std::num::NonZeroU64::new(5).expect("non-zero")),
            cheat_detection_config: Some(object(json!({
                "enabled": true, "threshold": 70, "types": ["tab_switching"]
            }))),
            ..Default::default()
        }),
        questions: Some(vec![question]),
        ..Default::default()
    };
    let resume = types::ResumeStep {
        config: Some(types::ResumeConfig {
            knockout_enabled: Some(true),
            num_criteria_questions: Some(3),
            ..Default::default()
        }),
        ..Default::default()
    };
    let workflow: Vec<types::CreatePostingRequestWorkflowItem> =
        vec![web_interview.into(), resume.into()];
    let res = client(&server)
        .create_posting()
        .x_workspace_id(WS)
        .body_map(|b| {
            b.title("Senior Software Engineer")
                .description(Some(
                    "We are hiring a backend engineer to own our billing services."
                        .try_into()
                        .expect("a valid description"),
                ))
                .workflow(workflow)
                .deadline("2025-03-15T00:00:00Z".to_owned())
                .company_overview_delivery_mode(
                    types::CreatePostingRequestCompanyOverviewDeliveryMode::SummarizedDelivery,
                )
                .metadata(string_map(&[
                    ("external_id", "ats_12345"),
                    ("source", "workday"),
                ]))
        })
        .send()
        .await
        .expect("decodes");
    assert_eq!(res.status(), 201);
    let created = res.into_inner().data;
    assert_eq!(created.id, "13D77095");
    assert_eq!(
        created.urls.candidate_url.as_deref(),
        Some("https://candidates.heymilo.io/acme/senior-engineer")
    );
    assert_eq!(created.posting.expect("posting").workflow[0].order, 1);
    let req = sent(&server, "POST", "/api/v2/postings", &[], Some(WS));
    assert_eq!(
        req.json(),
        json!({
            "title": "Senior Software Engineer",
            "description": "We are hiring a backend engineer to own our billing services.",
            // Fields with a server default are sent only when set.
            "company_overview_delivery_mode": "summarized_delivery",
            "deadline": "2025-03-15T00:00:00Z",
            "metadata": {"external_id": "ats_12345", "source": "workday"},
            "workflow": [
                {
                    "type": "web_interview",
                    "config": {
                        "video": true,
                        "voice_id": "wrv-abc123",
                        "interview_type": "technical",
                        "num_questions": 5,
                        "cheat_detection_config": {
                            "enabled": true, "threshold": 70, "types": ["tab_switching"]
                        }
                    },
                    "questions": [{
                        "modality": "voice",
                        "text": "How would you design a rate limiter?",
                        "score_weight": 3,
                        "max_follow_ups": 2
                    }]
                },
                {"type": "resume", "config": {"knockout_enabled": true, "num_criteria_questions": 3}}
            ]
        })
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_postings() {
    let server = serve("list_postings", 200).await;
    let page = client(&server)
        .list_postings()
        .limit(50)
        .starting_after("13D77095")
        .search("senior engineer")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert!(page.pagination.has_more);
    assert_eq!(page.data[0].title, "Senior Software Engineer");
    assert_eq!(page.data[0].deadline, Some(1_775_174_400.0));
    let req = sent(
        &server,
        "GET",
        "/api/v2/postings",
        &[
            ("limit", "50"),
            ("starting_after", "13D77095"),
            ("search", "senior engineer"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_posting_summaries() {
    let server = serve("list_posting_summaries", 200).await;
    let page = client(&server)
        .list_posting_summaries()
        .limit(100)
        .starting_after("13D77095")
        .search("Engineer & Co")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].id, "13D77095");
    assert_eq!(
        page.data[0].name.as_deref(),
        Some("senior-software-engineer")
    );
    let req = sent(
        &server,
        "GET",
        "/api/v2/postings/list",
        &[
            ("limit", "100"),
            ("starting_after", "13D77095"),
            ("search", "Engineer & Co"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_posting() {
    let server = serve("get_posting", 200).await;
    let posting = client(&server)
        .get_posting()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(posting.company_id, "comp_abc123");
    assert_eq!(posting.workflow[0].type_, "web_interview");
    let req = sent(&server, "GET", "/api/v2/postings/13D77095", &[], Some(WS));
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn update_posting() {
    let server = serve("update_posting", 200).await;
    let posting = client(&server)
        .update_posting()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .body(types::UpdatePostingRequest {
            title: Some("Staff Software Engineer".try_into().expect("valid title")),
            max_retakes: Some(2),
            allow_sms_comms: Some(true),
            job_overview_delivery_mode: Some(
                types::UpdatePostingRequestJobOverviewDeliveryMode::ReferenceOnly,
            ),
            metadata: Some(string_map(&[("external_id", "ats_67890")])),
            ..Default::default()
        })
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(posting.id, "13D77095");
    assert_eq!(posting.max_retakes, Some(1));
    let req = sent(&server, "PATCH", "/api/v2/postings/13D77095", &[], Some(WS));
    assert_eq!(
        req.json(),
        json!({
            "title": "Staff Software Engineer",
            "max_retakes": 2,
            "allow_sms_comms": true,
            "job_overview_delivery_mode": "reference_only",
            "metadata": {"external_id": "ats_67890"}
        })
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_posting_stats() {
    let server = serve("get_posting_stats", 200).await;
    let stats = client(&server)
        .get_posting_stats()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(stats.total_candidates, 142);
    assert_eq!(stats.average_interview_score, Some(72.4));
    let req = sent(
        &server,
        "GET",
        "/api/v2/postings/13D77095/stats",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn update_interviewer_workflow_step() {
    let server = serve("update_interviewer_workflow_step", 200).await;
    let config = object(json!({
        "instructions": "Keep this step short.",
        "company_overview_delivery_mode": "summarized_delivery",
        "web_interview_config": {"show_transcript": false, "max_duration_seconds": 900}
    }));
    let posting = client(&server)
        .update_interviewer_workflow_step()
        .posting_id("13D77095")
        .step_id("web_interview")
        .x_workspace_id(WS)
        .body_map(|b| b.config(config))
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(posting.workflow[0].id.as_deref(), Some("agent_vi_001"));
    let req = sent(
        &server,
        "PATCH",
        "/api/v2/postings/13D77095/workflow/web_interview",
        &[],
        Some(WS),
    );
    assert_eq!(
        req.json(),
        json!({"config": {
            "instructions": "Keep this step short.",
            "company_overview_delivery_mode": "summarized_delivery",
            "web_interview_config": {"show_transcript": false, "max_duration_seconds": 900}
        }})
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn archive_posting() {
    let server = serve("archive_posting", 200).await;
    let posting = client(&server)
        .archive_posting()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(posting.status, "active");
    assert!(!posting.archived);
    let req = sent(
        &server,
        "POST",
        "/api/v2/postings/13D77095/archive",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn activate_posting() {
    let server = serve("activate_posting", 200).await;
    let posting = client(&server)
        .activate_posting()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert!(posting.finalized);
    let ats = posting.ats_metadata.expect("ats metadata");
    assert_eq!(ats["pending_activation"], json!(true));
    let req = sent(
        &server,
        "POST",
        "/api/v2/postings/13D77095/activate",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn clone_posting() {
    let server = serve("clone_posting", 201).await;
    let res = client(&server)
        .clone_posting()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes");
    assert_eq!(res.status(), 201);
    let created = res.into_inner().data;
    assert_eq!(created.status, "active");
    assert_eq!(created.created_at, 1_739_612_400.0);
    let req = sent(
        &server,
        "POST",
        "/api/v2/postings/13D77095/clone",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

// ---------------------------------------------------------------------------
// Candidates.
// ---------------------------------------------------------------------------

fn jane() -> types::CandidateIngestRequest {
    types::CandidateIngestRequest::try_from(
        types::CandidateIngestRequest::builder()
            .name("Jane Doe")
            .email("jane.doe@example.com")
            .phone_number("+12065551234".to_owned())
            .metadata(string_map(&[("ats_stage", "phone_screen")]))
            .data(object(json!({
                "source": "referral",
                "profile": {"years_experience": 7, "skills": ["rust", "sql"]}
            }))),
    )
    .expect("valid candidate")
}

fn jane_json() -> Value {
    json!({
        "name": "Jane Doe",
        "email": "jane.doe@example.com",
        "phone_number": "+12065551234",
        "metadata": {"ats_stage": "phone_screen"},
        "data": {"source": "referral", "profile": {"years_experience": 7, "skills": ["rust", "sql"]}}
    })
}

#[tokio::test]
async fn ingest_candidate() {
    let server = serve("ingest_candidate", 201).await;
    let res = client(&server)
        .ingest_candidate()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .body(jane())
        .send()
        .await
        .expect("decodes");
    assert_eq!(res.status(), 201);
    let ingested = res.into_inner().data;
    assert_eq!(ingested.interview_id, "D536A69A4090E13F");
    assert_eq!(ingested.candidate.expect("candidate").score, Some(78.5));
    let req = sent(
        &server,
        "POST",
        "/api/v2/postings/13D77095/candidates",
        &[],
        Some(WS),
    );
    assert_eq!(req.json(), jane_json());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn ingest_candidates_bulk() {
    let server = serve("ingest_candidates_bulk", 201).await;
    let minimal = types::CandidateIngestRequest::try_from(
        types::CandidateIngestRequest::builder()
            .name("John Roe")
            .email("john.roe@example.com"),
    )
    .expect("valid candidate");
    let res = client(&server)
        .ingest_candidates_bulk()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .body_map(|b| b.data(vec![jane(), minimal]))
        .send()
        .await
        .expect("decodes");
    assert_eq!(res.status(), 201);
    let items = res.into_inner().data;
    assert_eq!(
        items[0].interview_url,
        "https://candidates.heymilo.io/acme/i/D536A69A4090E13F"
    );
    let req = sent(
        &server,
        "POST",
        "/api/v2/postings/13D77095/candidates/bulk",
        &[],
        Some(WS),
    );
    assert_eq!(
        req.json(),
        json!({"data": [jane_json(), {"name": "John Roe", "email": "john.roe@example.com"}]})
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn ingest_candidate_async() {
    let server = serve("ingest_candidate_async", 202).await;
    let res = client(&server)
        .ingest_candidate_async()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .body(jane())
        .send()
        .await
        .expect("decodes");
    assert_eq!(res.status(), 202);
    let queued = res.into_inner().data;
    assert_eq!(queued.ingestion_id, "intake_abc123");
    assert_eq!(queued.status, "queued");
    let req = sent(
        &server,
        "POST",
        "/api/v2/postings/13D77095/candidates/async",
        &[],
        Some(WS),
    );
    assert_eq!(req.json(), jane_json());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn ingest_candidates_bulk_async() {
    let server = serve("ingest_candidates_bulk_async", 202).await;
    let res = client(&server)
        .ingest_candidates_bulk_async()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .body(types::BulkCandidateIngestRequest { data: vec![jane()] })
        .send()
        .await
        .expect("decodes");
    assert_eq!(res.status(), 202);
    assert_eq!(res.into_inner().data.object, "ingestion");
    let req = sent(
        &server,
        "POST",
        "/api/v2/postings/13D77095/candidates/bulk/async",
        &[],
        Some(WS),
    );
    assert_eq!(req.json(), json!({"data": [jane_json()]}));
    insta::assert_snapshot!(req.wire());
}

// ---------------------------------------------------------------------------
// Interviews.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_interview_data() {
    let server = serve("get_interview_data", 200).await;
    let data = client(&server)
        .get_interview_data()
        .interview_id("D536A69A4090E13F")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    let web = data.web_interview.expect("web interview");
    assert_eq!(web.match_score, 82);
    assert_eq!(web.scorecard[0].score_weight, 8);
    let cheat = data.cheat_detection.expect("cheat detection");
    assert_eq!(cheat.overall_ranking, Some(2));
    assert_eq!(data.sms.expect("sms").messages_received, Some(6));
    let req = sent(
        &server,
        "GET",
        "/api/v2/interviews/D536A69A4090E13F/data",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_interview_metadata() {
    let server = serve("get_interview_metadata", 200).await;
    let stored = client(&server)
        .get_interview_metadata()
        .interview_id("D536A69A4090E13F")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(stored.object, "metadata");
    assert_eq!(stored.metadata["source"], "workday");
    let req = sent(
        &server,
        "GET",
        "/api/v2/interviews/D536A69A4090E13F/metadata",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn set_interview_metadata() {
    let server = serve("set_interview_metadata", 200).await;
    let stored = client(&server)
        .set_interview_metadata()
        .interview_id("D536A69A4090E13F")
        .x_workspace_id(WS)
        .body_map(|b| {
            b.metadata(string_map(&[
                ("external_id", "ats_12345"),
                ("source", "workday"),
            ]))
        })
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(stored.metadata["external_id"], "ats_12345");
    let req = sent(
        &server,
        "POST",
        "/api/v2/interviews/D536A69A4090E13F/metadata",
        &[],
        Some(WS),
    );
    assert_eq!(
        req.json(),
        json!({"metadata": {"external_id": "ats_12345", "source": "workday"}})
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn delete_interview_metadata() {
    let server = serve("delete_interview_metadata", 200).await;
    let stored = client(&server)
        .delete_interview_metadata()
        .interview_id("D536A69A4090E13F")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(stored.object, "metadata");
    let req = sent(
        &server,
        "DELETE",
        "/api/v2/interviews/D536A69A4090E13F/metadata",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

// ---------------------------------------------------------------------------
// Schema discovery (documented as needing no API key; the client sends it
// anyway, as on every request).
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_agent_types() {
    let server = serve("list_agent_types", 200).await;
    let registry = client(&server)
        .list_agent_types()
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert!(
        registry.is_empty(),
        "the documented example is a free-form {{}}"
    );
    let req = sent(&server, "GET", "/api/v2/schemas/agents", &[], None);
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_question_types() {
    let server = serve("list_question_types", 200).await;
    let registry = client(&server)
        .list_question_types()
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert!(
        registry.is_empty(),
        "the documented example is a free-form {{}}"
    );
    let req = sent(&server, "GET", "/api/v2/schemas/question-types", &[], None);
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

// ---------------------------------------------------------------------------
// Webhooks.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_webhook() {
    let server = serve("create_webhook", 201).await;
    let res = client(&server)
        .create_webhook()
        .x_workspace_id(WS)
        .body_map(|b| {
            b.posting_id("13D77095")
                .webhook_url("https://webhook.site/test")
                .event_type("interview_completed")
        })
        .send()
        .await
        .expect("decodes");
    assert_eq!(res.status(), 201);
    let hook = res.into_inner().data;
    assert_eq!(hook.webhook_id, "42AE4CFA720B1C35D499E9E39C14F321");
    assert!(hook.is_active);
    let req = sent(&server, "POST", "/api/v2/webhooks", &[], Some(WS));
    assert_eq!(
        req.json(),
        json!({
            "posting_id": "13D77095",
            "webhook_url": "https://webhook.site/test",
            "event_type": "interview_completed"
        })
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_webhooks() {
    let server = serve("list_webhooks", 200).await;
    let page = client(&server)
        .list_webhooks()
        .limit(20)
        .starting_after("42AE4CFA720B1C35D499E9E39C14F321")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].event_type, "interview_completed");
    assert_eq!(page.pagination.total_count, None);
    let req = sent(
        &server,
        "GET",
        "/api/v2/webhooks",
        &[
            ("limit", "20"),
            ("starting_after", "42AE4CFA720B1C35D499E9E39C14F321"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_webhook() {
    let server = serve("get_webhook", 200).await;
    let hook = client(&server)
        .get_webhook()
        .webhook_id("42AE4CFA720B1C35D499E9E39C14F321")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(hook.webhook_url, "https://webhook.site/test");
    let req = sent(
        &server,
        "GET",
        "/api/v2/webhooks/42AE4CFA720B1C35D499E9E39C14F321",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn delete_webhook() {
    let server = serve("delete_webhook", 200).await;
    let hook = client(&server)
        .delete_webhook()
        .webhook_id("42AE4CFA720B1C35D499E9E39C14F321")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(hook.posting_id, "13D77095");
    assert_eq!(hook.updated_at, 1_739_617_200.0);
    let req = sent(
        &server,
        "DELETE",
        "/api/v2/webhooks/42AE4CFA720B1C35D499E9E39C14F321",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

// ---------------------------------------------------------------------------
// Email and design templates, interview templates.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_email_templates() {
    let server = serve("list_email_templates", 200).await;
    let page = client(&server)
        .list_email_templates()
        .limit(10)
        .starting_after("B31EB9E73BEE")
        .search("invitation")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].template_key, "WEB_INTERVIEW_INVITATION");
    let req = sent(
        &server,
        "GET",
        "/api/v2/email-templates",
        &[
            ("limit", "10"),
            ("starting_after", "B31EB9E73BEE"),
            ("search", "invitation"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_email_template() {
    let server = serve("get_email_template", 200).await;
    let template = client(&server)
        .get_email_template()
        .template_id("B31EB9E73BEE")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(template.subject, "Your interview for {{job_title}}");
    let blackout = template.blackout_period.expect("blackout period");
    assert_eq!((blackout.start_hour, blackout.end_hour), (22, 7));
    let req = sent(
        &server,
        "GET",
        "/api/v2/email-templates/B31EB9E73BEE",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_email_template_groups() {
    let server = serve("list_email_template_groups", 200).await;
    let page = client(&server)
        .list_email_template_groups()
        .limit(5)
        .starting_after("E629E33BC4AD")
        .search("engineering")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(
        page.data[0].template_mappings["WEB_INTERVIEW_NUDGE"],
        "637CE3438ACA"
    );
    let req = sent(
        &server,
        "GET",
        "/api/v2/email-template-groups",
        &[
            ("limit", "5"),
            ("starting_after", "E629E33BC4AD"),
            ("search", "engineering"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_email_template_group() {
    let server = serve("get_email_template_group", 200).await;
    let group = client(&server)
        .get_email_template_group()
        .group_id("E629E33BC4AD")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(group.name, "Engineering Hiring Emails");
    assert_eq!(group.sender_email_id.as_deref(), Some("1BF9F7881AC8"));
    let req = sent(
        &server,
        "GET",
        "/api/v2/email-template-groups/E629E33BC4AD",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_design_templates() {
    let server = serve("list_design_templates", 200).await;
    let page = client(&server)
        .list_design_templates()
        .limit(10)
        .starting_after("E00CF3AFCF58")
        .search("dark mode")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].design_config["show_logo"], json!(true));
    let req = sent(
        &server,
        "GET",
        "/api/v2/design-templates",
        &[
            ("limit", "10"),
            ("starting_after", "E00CF3AFCF58"),
            ("search", "dark mode"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_design_template() {
    let server = serve("get_design_template", 200).await;
    let template = client(&server)
        .get_design_template()
        .template_id("E00CF3AFCF58")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(template.template_type, "welcome_page");
    assert_eq!(template.design_config["primary_color"], json!("#007bff"));
    let req = sent(
        &server,
        "GET",
        "/api/v2/design-templates/E00CF3AFCF58",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_design_template_groups() {
    let server = serve("list_design_template_groups", 200).await;
    let page = client(&server)
        .list_design_template_groups()
        .limit(10)
        .starting_after("00231A58EB85")
        .search("brand")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(
        page.data[0].template_mappings["welcome_page"],
        "E00CF3AFCF58"
    );
    let req = sent(
        &server,
        "GET",
        "/api/v2/design-template-groups",
        &[
            ("limit", "10"),
            ("starting_after", "00231A58EB85"),
            ("search", "brand"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_design_template_group() {
    let server = serve("get_design_template_group", 200).await;
    let group = client(&server)
        .get_design_template_group()
        .group_id("00231A58EB85")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(group.name, "Engineering Brand Kit");
    assert!(!group.is_default);
    let req = sent(
        &server,
        "GET",
        "/api/v2/design-template-groups/00231A58EB85",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_interview_templates() {
    let server = serve("list_interview_templates", 200).await;
    let page = client(&server)
        .list_interview_templates()
        .limit(10)
        .starting_after("IT_abc123")
        .search("senior")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].template_code, "senior-swe-template");
    let req = sent(
        &server,
        "GET",
        "/api/v2/interview-templates",
        &[
            ("limit", "10"),
            ("starting_after", "IT_abc123"),
            ("search", "senior"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_interview_template() {
    let server = serve("get_interview_template", 200).await;
    let template = client(&server)
        .get_interview_template()
        .template_id("IT_abc123")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(template.posting_id, "posting_xyz789");
    assert_eq!(
        template.description.as_deref(),
        Some("Two-step screen for backend roles.")
    );
    let req = sent(
        &server,
        "GET",
        "/api/v2/interview-templates/IT_abc123",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

// ---------------------------------------------------------------------------
// Domains, voices, phone numbers, sender emails.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_domains() {
    let server = serve("list_domains", 200).await;
    let page = client(&server)
        .list_domains()
        .limit(10)
        .starting_after("BCE1C810")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].domain, "interviews.acme.com");
    let req = sent(
        &server,
        "GET",
        "/api/v2/domains",
        &[("limit", "10"), ("starting_after", "BCE1C810")],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_domain() {
    let server = serve("get_domain", 200).await;
    let domain = client(&server)
        .get_domain()
        .config_id("BCE1C810")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(domain.cname_target, "ingress.heymilo.ai");
    assert!(domain.active);
    let req = sent(&server, "GET", "/api/v2/domains/BCE1C810", &[], Some(WS));
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_voices() {
    let server = serve("list_voices", 200).await;
    let page = client(&server)
        .list_voices()
        .limit(10)
        .starting_after("wrv-abc123")
        .search("sarah")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].provider, "elevenlabs");
    assert_eq!(page.data[0].preview_url, None);
    let req = sent(
        &server,
        "GET",
        "/api/v2/voices",
        &[
            ("limit", "10"),
            ("starting_after", "wrv-abc123"),
            ("search", "sarah"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

/// The preview is `audio/mpeg`: the generated code hands back the raw body
/// as a byte stream, whatever its content type, and asks for no media type
/// (only reqwest's default `Accept: */*` goes out).
#[tokio::test]
async fn get_voice_preview() {
    let (_, op) = operations(spec())
        .into_iter()
        .find(|(id, _)| id == "get_voice_preview")
        .expect("operation");
    let (status, response) = success_response(spec(), op);
    assert_eq!(status, 200);
    assert!(response["content"].get("audio/mpeg").is_some());
    let audio = "ID3\u{4}\0\0\0\0\0\0\u{7f}fake mpeg frame";
    let server = Recorder::start(Reply::raw(200, audio).header("content-type", "audio/mpeg")).await;
    let res = client(&server)
        .get_voice_preview()
        .voice_id("wrv-abc123")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("streams");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "audio/mpeg");
    let mut stream = res.into_inner().into_inner();
    let mut body = Vec::new();
    while let Some(chunk) = futures::StreamExt::next(&mut stream).await {
        body.extend_from_slice(&chunk.expect("chunk"));
    }
    assert_eq!(body, audio.as_bytes());
    let req = sent(
        &server,
        "GET",
        "/api/v2/voices/wrv-abc123/preview",
        &[],
        Some(WS),
    );
    // No `Accept: audio/mpeg` from the generated code: reqwest's default.
    assert_eq!(req.header("accept"), Some("*/*"));
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_voice() {
    let server = serve("get_voice", 200).await;
    let voice = client(&server)
        .get_voice()
        .voice_id("wrv-abc123")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(voice.provider_voice_id, "EXAVITQu4vr4xnSDxMaL");
    assert_eq!(voice.gender.as_deref(), Some("female"));
    let req = sent(&server, "GET", "/api/v2/voices/wrv-abc123", &[], Some(WS));
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_phone_numbers() {
    let server = serve("list_phone_numbers", 200).await;
    let page = client(&server)
        .list_phone_numbers()
        .limit(10)
        .starting_after("666A24C3")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].phone_number, "+12062088075");
    let req = sent(
        &server,
        "GET",
        "/api/v2/phone-numbers",
        &[("limit", "10"), ("starting_after", "666A24C3")],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_phone_number() {
    let server = serve("get_phone_number", 200).await;
    let number = client(&server)
        .get_phone_number()
        .config_id("666A24C3")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(number.country_code.as_deref(), Some("US"));
    assert_eq!(number.date_provisioned, Some(1_739_612_400.0));
    let req = sent(
        &server,
        "GET",
        "/api/v2/phone-numbers/666A24C3",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_sender_emails() {
    let server = serve("list_sender_emails", 200).await;
    let page = client(&server)
        .list_sender_emails()
        .limit(10)
        .starting_after("A72B528BDEDF")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].full_email, "hiring@acme.com");
    let req = sent(
        &server,
        "GET",
        "/api/v2/sender-emails",
        &[("limit", "10"), ("starting_after", "A72B528BDEDF")],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_sender_email() {
    let server = serve("get_sender_email", 200).await;
    let sender = client(&server)
        .get_sender_email()
        .sender_email_id("A72B528BDEDF")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(sender.domain_id, "330779DBADC2");
    let req = sent(
        &server,
        "GET",
        "/api/v2/sender-emails/A72B528BDEDF",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

// ---------------------------------------------------------------------------
// Questions.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_questions() {
    let server = serve("list_questions", 200).await;
    let page = client(&server)
        .list_questions()
        .posting_id("13D77095")
        .modality(types::ListQuestionsModality::ResumeScoring)
        .limit(25)
        .starting_after("A1B2C3D4")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].rank, Some(1));
    assert_eq!(page.data[0].modality, "voice");
    let req = sent(
        &server,
        "GET",
        "/api/v2/postings/13D77095/questions",
        &[
            ("modality", "resume_scoring"),
            ("limit", "25"),
            ("starting_after", "A1B2C3D4"),
        ],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn create_question() {
    let server = serve("create_question", 201).await;
    let res = client(&server)
        .create_question()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .body_map(|b| {
            b.modality(types::CreateQuestionRequestModality::Form)
                .text("Which shifts can you work?")
                .is_knockout(true)
                .answer(json!(["weekend", "night"]))
                .dropdown_values(vec![
                    string_map(&[("label", "Weekend"), ("value", "weekend")]),
                    string_map(&[("label", "Night"), ("value", "night")]),
                ])
                .score_weight(std::num::NonZeroU64::new(4))
        })
        .send()
        .await
        .expect("decodes");
    assert_eq!(res.status(), 201);
    let question = res.into_inner().data;
    assert_eq!(question.id, "A1B2C3D4");
    assert_eq!(question.text, "What is the hardest bug you have fixed?");
    let req = sent(
        &server,
        "POST",
        "/api/v2/postings/13D77095/questions",
        &[],
        Some(WS),
    );
    assert_eq!(
        req.json(),
        json!({
            "modality": "form",
            "text": "Which shifts can you work?",
            "is_knockout": true,
            "answer": ["weekend", "night"],
            "dropdown_values": [
                {"label": "Weekend", "value": "weekend"},
                {"label": "Night", "value": "night"}
            ],
            "score_weight": 4
        })
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_question() {
    let server = serve("get_question", 200).await;
    let question = client(&server)
        .get_question()
        .posting_id("13D77095")
        .question_id("A1B2C3D4")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(question.posting_id, "13D77095");
    assert_eq!(question.score_weight, None);
    let req = sent(
        &server,
        "GET",
        "/api/v2/postings/13D77095/questions/A1B2C3D4",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn update_question() {
    let server = serve("update_question", 200).await;
    let question = client(&server)
        .update_question()
        .posting_id("13D77095")
        .question_id("A1B2C3D4")
        .x_workspace_id(WS)
        .body(types::UpdateQuestionRequest {
            text: Some("What is the hardest bug you have shipped a fix for?".to_owned()),
            max_follow_ups: Some(3),
            not_scored: Some(false),
            structured_config: Some(object(json!({
                "probing": {"depth": 2, "topics": ["debugging", "ownership"]}
            }))),
            ..Default::default()
        })
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(question.object, "question");
    let req = sent(
        &server,
        "PATCH",
        "/api/v2/postings/13D77095/questions/A1B2C3D4",
        &[],
        Some(WS),
    );
    assert_eq!(
        req.json(),
        json!({
            "text": "What is the hardest bug you have shipped a fix for?",
            "max_follow_ups": 3,
            "not_scored": false,
            "structured_config": {"probing": {"depth": 2, "topics": ["debugging", "ownership"]}}
        })
    );
    insta::assert_snapshot!(req.wire());
}

/// Path parameters are percent-encoded as one segment.
#[tokio::test]
async fn delete_question() {
    let server = serve("delete_question", 200).await;
    let question = client(&server)
        .delete_question()
        .posting_id("13D77095")
        .question_id("Q/1 #2?")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(question.file_types, Some(vec!["x".to_owned()]));
    let req = sent(
        &server,
        "DELETE",
        "/api/v2/postings/13D77095/questions/Q%2F1%20%232%3F",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn reorder_questions() {
    let server = serve("reorder_questions", 200).await;
    let page = client(&server)
        .reorder_questions()
        .posting_id("13D77095")
        .x_workspace_id(WS)
        .body_map(|b| {
            b.modality(types::ReorderQuestionsRequestModality::Voice)
                .order(vec!["Q1".to_owned(), "Q3".to_owned(), "Q2".to_owned()])
        })
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data.len(), 1);
    assert!(page.pagination.has_more);
    let req = sent(
        &server,
        "POST",
        "/api/v2/postings/13D77095/questions/reorder",
        &[],
        Some(WS),
    );
    assert_eq!(
        req.json(),
        json!({"modality": "voice", "order": ["Q1", "Q3", "Q2"]})
    );
    insta::assert_snapshot!(req.wire());
}

// ---------------------------------------------------------------------------
// Workspaces and ATS.
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_workspaces() {
    let server = serve("list_workspaces", 200).await;
    let page = client(&server)
        .list_workspaces()
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data, vec![json!({})]);
    let req = sent(&server, "GET", "/api/v2/workspaces", &[], Some(WS));
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn resolve_ats_candidate() {
    let server = serve("resolve_ats_candidate", 200).await;
    let found = client(&server)
        .resolve_ats_candidate()
        .x_workspace_id(WS)
        .body_map(|b| {
            b.ats_name("bullhorn")
                .email("jane.doe@example.com".to_owned())
                .limit(std::num::NonZeroU64::new(5))
        })
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert!(found.success);
    assert_eq!(found.matches.len(), 1);
    let req = sent(
        &server,
        "POST",
        "/api/v2/ats/candidates/resolve",
        &[],
        Some(WS),
    );
    assert_eq!(
        req.json(),
        json!({"ats_name": "bullhorn", "email": "jane.doe@example.com", "limit": 5})
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn push_ats_candidate() {
    let server = serve("push_ats_candidate", 200).await;
    let queued = client(&server)
        .push_ats_candidate()
        .x_workspace_id(WS)
        .body_map(|b| {
            b.ats_name("avionte")
                .interview_id("D536A69A4090E13F".to_owned())
                .create_submission(true)
                .candidate(types::PushCandidatePayload {
                    first_name: Some("Jane".to_owned()),
                    last_name: Some("Doe".to_owned()),
                    email: Some("jane.doe@example.com".to_owned()),
                    set_heymilo_source: Some(true),
                    ..Default::default()
                })
        })
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(queued.status, "x");
    assert_eq!(queued.item_id, None);
    let req = sent(
        &server,
        "POST",
        "/api/v2/ats/candidates/push",
        &[],
        Some(WS),
    );
    assert_eq!(
        req.json(),
        json!({
            "ats_name": "avionte",
            "interview_id": "D536A69A4090E13F",
            "create_submission": true,
            "candidate": {
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane.doe@example.com",
                "set_heymilo_source": true
            }
        })
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_ats_push_status() {
    let server = serve("get_ats_push_status", 200).await;
    let item = client(&server)
        .get_ats_push_status()
        .item_id("queue/item 42")
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .data;
    assert_eq!(item.retry_count, 0);
    assert_eq!(item.failure_instances.len(), 1);
    let req = sent(
        &server,
        "GET",
        "/api/v2/ats/candidates/push/queue%2Fitem%2042",
        &[],
        Some(WS),
    );
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_ats_connections() {
    let server = serve("list_ats_connections", 200).await;
    let page = client(&server)
        .list_ats_connections()
        .x_workspace_id(WS)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(page.data[0].source, "native");
    assert!(page.data[0].is_active);
    let req = sent(&server, "GET", "/api/v2/ats/connections", &[], Some(WS));
    assert!(req.body.is_empty());
    insta::assert_snapshot!(req.wire());
}
