//! heymilo-mock against the specs' response schemas: one valid request for
//! every operation of both generations (v1: 11, v2: 56), built from the spec
//! itself, and each live answer validated against the JSON Schema of the
//! response documented for its status.
//!
//! Requests: path parameters are real ids the mock holds (from
//! `MockServer::postings()` or the list endpoint of the collection), query
//! parameters and bodies are composed from the required fields of the
//! schemas (their example, default or first enum value); a few operations
//! whose rules go beyond the schema get a body of their own below. Schemas:
//! OpenAPI 3.0 is turned into JSON Schema draft 4 (`nullable` allows null,
//! `$ref`s point into the converted components) and checked with the
//! `jsonschema` crate.

use std::collections::BTreeMap;

use heymilo_mock::{Config, MockServer};
use serde_json::{Map, Value, json};

/// A spec, parsed.
fn spec(name: &str) -> Value {
    let path = format!("{}/../openapi/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What `$ref` points at, inside `doc`.
fn deref<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let target = doc
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling $ref {r}"));
            deref(doc, target)
        }
        None => v,
    }
}

/// OpenAPI 3.0 schema object to JSON Schema draft 4.
fn to_json_schema(v: &Value) -> Value {
    let Some(obj) = v.as_object() else {
        return v.clone();
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return json!({"$ref": format!("#/definitions/{name}")});
    }
    let mut out = Map::new();
    for (k, v) in obj {
        let converted = match k.as_str() {
            // OpenAPI-only keywords (and annotations) have no JSON Schema meaning.
            "nullable" | "discriminator" | "example" | "externalDocs" | "xml" | "deprecated"
            | "readOnly" | "writeOnly" => continue,
            k if k.starts_with("x-") => continue,
            "properties" => Value::Object(
                v.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, s)| (name.clone(), to_json_schema(s)))
                    .collect(),
            ),
            "items" | "not" => to_json_schema(v),
            "additionalProperties" if v.is_object() => to_json_schema(v),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(to_json_schema)
                    .collect(),
            ),
            _ => v.clone(),
        };
        out.insert(k.clone(), converted);
    }
    if obj.get("nullable") == Some(&Value::Bool(true)) {
        // OpenAPI 3.0.3: `nullable` adds null to the types; an `enum` still
        // applies and has to list null itself.
        match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
            }
            _ => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
        }
    }
    Value::Object(out)
}

/// A validator for `schema` (a spec schema object) with every component.
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let definitions: Map<String, Value> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, s)| (name.clone(), to_json_schema(s)))
        .collect();
    let root = json!({"allOf": [to_json_schema(schema)], "definitions": definitions});
    jsonschema::draft4::options()
        .should_validate_formats(false)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// Ids the requests use, found once.
struct Ids {
    posting: String,
    url_key: String,
    interview: String,
}

/// A value for a schema: its example, default or first enum value, else the
/// required fields (objects), one item (arrays) or a plain scalar.
fn sample(doc: &Value, schema: &Value, ids: &Ids, name: &str) -> Value {
    match name {
        "posting_id" => return json!(ids.posting),
        "interview_id" => return json!(ids.interview),
        _ => {}
    }
    let s = deref(doc, schema);
    for k in ["example", "default"] {
        if let Some(v) = s.get(k) {
            return v.clone();
        }
    }
    if let Some(first) = s
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for p in parts {
            if let Value::Object(m) = sample(doc, p, ids, name) {
                merged.extend(m);
            }
        }
        return Value::Object(merged);
    }
    for k in ["oneOf", "anyOf"] {
        if let Some(first) = s.get(k).and_then(Value::as_array).and_then(|e| e.first()) {
            return sample(doc, first, ids, name);
        }
    }
    match s.get("type").and_then(Value::as_str) {
        Some("object") => {
            let props = s.get("properties").cloned().unwrap_or_default();
            let required = s
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            Value::Object(
                required
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|field| {
                        let p = props.get(field).cloned().unwrap_or_default();
                        (field.to_owned(), sample(doc, &p, ids, field))
                    })
                    .collect(),
            )
        }
        Some("array") => json!([sample(
            doc,
            s.get("items").unwrap_or(&Value::Null),
            ids,
            name
        )]),
        Some("integer") => s.get("minimum").cloned().unwrap_or(json!(1)),
        Some("number") => s.get("minimum").cloned().unwrap_or(json!(1.0)),
        Some("boolean") => json!(true),
        _ => json!("sample"),
    }
}

/// One operation of a spec.
struct Op {
    v1: bool,
    id: String,
    method: String,
    path: String,
    op: Value,
}

fn operations(doc: &Value, v1: bool) -> Vec<Op> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                out.push(Op {
                    v1,
                    id: id.to_owned(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    op: op.clone(),
                });
            }
        }
    }
    out
}

struct Run {
    http: reqwest::Client,
    base: String,
    key: String,
    ids: Ids,
}

impl Run {
    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        v1: bool,
    ) -> reqwest::Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("x-api-key", &self.key);
        if v1 {
            req = req.header("api-version", "1.0.0");
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send().await.expect("the mock answers")
    }

    async fn get_json(&self, path: &str) -> Value {
        let r = self.call("GET", path, None, false).await;
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().await.expect("json")
    }

    /// A real id for path parameter `name` of `path` (earlier parameters
    /// already filled in): the first item of the collection the path names.
    async fn path_param(&self, path: &str, name: &str) -> String {
        match name {
            "posting_id" => return self.ids.posting.clone(),
            "url_key" => return self.ids.url_key.clone(),
            "interview_id" => return self.ids.interview.clone(),
            "step_id" => return "1".into(),
            "item_id" => {
                let body =
                    json!({"ats_name": "bullhorn", "candidate": {"email": "pushed@example.com"}});
                let r = self
                    .call("POST", "/api/v2/ats/candidates/push", Some(&body), false)
                    .await;
                let v: Value = r.json().await.expect("json");
                return v["data"]["item_id"].as_str().expect("item_id").to_owned();
            }
            "webhook_id" => {
                let list = self.get_json("/api/v2/webhooks?limit=1").await;
                if let Some(id) = list["data"][0]["webhook_id"].as_str() {
                    return id.to_owned();
                }
                let body = json!({"posting_id": self.ids.posting, "webhook_url": "https://hooks.example.com/x", "event_type": "interview_completed"});
                let r = self
                    .call("POST", "/api/v2/webhooks", Some(&body), false)
                    .await;
                let v: Value = r.json().await.expect("json");
                return v["data"]["webhook_id"]
                    .as_str()
                    .expect("webhook_id")
                    .to_owned();
            }
            _ => {}
        }
        let marker = format!("/{{{name}}}");
        let collection = &path[..path.find(&marker).expect("parameter in path")];
        let list = self.get_json(collection).await;
        let first = &list["data"][0];
        first
            .get(name)
            .or_else(|| first.get("id"))
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no item in {collection} for {name}: {list}"))
            .to_owned()
    }

    /// Bodies for the operations whose rules go beyond the schema's required fields.
    async fn body_override(&self, op: &Op) -> Option<Value> {
        match (op.v1, op.id.as_str()) {
            // A workflow or an interview template is needed.
            (false, "create_posting") => Some(json!({
                "title": "Senior Software Engineer",
                "workflow": [{"type": "web_interview", "config": {"video": false},
                              "questions": [{"modality": "voice", "text": "Why us?"}]}],
            })),
            // A search needs an email or an ATS id.
            (false, "resolve_ats_candidate") => {
                Some(json!({"ats_name": "bullhorn", "email": "jane.doe@example.com"}))
            }
            // The order names every active question of the modality.
            (false, "reorder_questions") => {
                let path = format!(
                    "/api/v2/postings/{}/questions?modality=voice&limit=100",
                    self.ids.posting
                );
                let list = self.get_json(&path).await;
                let mut order: Vec<Value> = list["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|q| q["id"].clone())
                    .collect();
                order.reverse();
                Some(json!({"modality": "voice", "order": order}))
            }
            _ => None,
        }
    }

    /// Sends the operation's request; `Err` names what went wrong.
    async fn check(&self, doc: &Value, op: &Op) -> Result<u16, String> {
        let mut path = op.path.clone();
        let mut query = Vec::new();
        for p in op.op["parameters"].as_array().into_iter().flatten() {
            let p = deref(doc, p);
            let name = p["name"].as_str().unwrap_or_default();
            match p["in"].as_str() {
                Some("path") => {
                    let value = self.path_param(&path, name).await;
                    path = path.replace(&format!("{{{name}}}"), &value);
                }
                Some("query") if p["required"] == json!(true) => {
                    let v = sample(doc, &p["schema"], &self.ids, name);
                    let v = v
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string());
                    query.push(format!("{name}={v}"));
                }
                _ => {}
            }
        }
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let body = match op
            .op
            .pointer("/requestBody/content/application~1json/schema")
        {
            None => None,
            Some(schema) => match self.body_override(op).await {
                Some(b) => Some(b),
                None => Some(sample(doc, schema, &self.ids, "")),
            },
        };
        let response = self.call(&op.method, &path, body.as_ref(), op.v1).await;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.unwrap_or_default();
        let label = format!("{} {path}", op.method);
        if !(200..300).contains(&status) {
            return Err(format!("{label} answered {status}: {text}"));
        }
        let documented = op.op["responses"]
            .get(status.to_string())
            .or_else(|| op.op["responses"].get("default"))
            .ok_or_else(|| format!("{label}: status {status} is not documented"))?;
        let content = deref(doc, documented)["content"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let Some(schema) = content.get("application/json").map(|c| &c["schema"]) else {
            // Not JSON (the voice preview's audio): the media type has to match.
            let media = content.keys().next().cloned().unwrap_or_default();
            return if content_type.starts_with(&media) {
                Ok(status)
            } else {
                Err(format!(
                    "{label}: content-type {content_type}, documented {media}"
                ))
            };
        };
        let body: Value =
            serde_json::from_str(&text).map_err(|e| format!("{label}: not JSON ({e}): {text}"))?;
        let errors: Vec<String> = validator(doc, schema)
            .iter_errors(&body)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(status)
        } else {
            Err(format!(
                "{label} ({status}) does not match its schema:\n  {}\n  body: {text}",
                errors.join("\n  ")
            ))
        }
    }
}

#[tokio::test]
async fn every_operation_of_both_specs_answers_as_its_schema_says() {
    let mock = MockServer::start(Config {
        rate_limit: 1_000_000,
        ..Config::default()
    })
    .await
    .expect("mock starts");
    let (posting, url_key) = mock.postings()[0].clone();
    let http = reqwest::Client::new();
    let first = http
        .get(format!(
            "{}/api/v2/postings/{posting}/candidates?limit=1",
            mock.base_url()
        ))
        .header("x-api-key", mock.api_key())
        .send()
        .await
        .expect("candidates")
        .json::<Value>()
        .await
        .expect("json");
    let interview = first["data"][0]["interview_id"]
        .as_str()
        .expect("a candidate")
        .to_owned();
    let run = Run {
        http,
        base: mock.base_url().to_owned(),
        key: mock.api_key().to_owned(),
        ids: Ids {
            posting,
            url_key,
            interview,
        },
    };

    let (v1, v2) = (spec("v1.yaml"), spec("v2.yaml"));
    let mut ops = operations(&v1, true);
    let mut v2_ops = operations(&v2, false);
    assert_eq!((ops.len(), v2_ops.len()), (11, 56), "operations per spec");
    // Destructive operations last, so that the others see live data.
    v2_ops.sort_by_key(|o| o.method == "DELETE" || o.id.starts_with("archive_"));
    ops.extend(v2_ops);

    let mut failures = Vec::new();
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    for op in &ops {
        let doc = if op.v1 { &v1 } else { &v2 };
        match run.check(doc, op).await {
            Ok(status) => *statuses.entry(status).or_default() += 1,
            Err(e) => failures.push(format!(
                "{} ({}): {e}",
                op.id,
                if op.v1 { "v1" } else { "v2" }
            )),
        }
    }
    mock.stop().await;
    println!("{} operations, statuses {statuses:?}", ops.len());
    assert!(
        failures.is_empty(),
        "{} of {} operations failed:\n{}",
        failures.len(),
        ops.len(),
        failures.join("\n\n")
    );
}

#[test]
fn nullable_becomes_a_null_type_and_refs_point_at_definitions() {
    let converted = to_json_schema(&json!({
        "type": "object",
        "properties": {
            "a": {"type": "string", "nullable": true, "example": "x"},
            "b": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true},
        },
    }));
    assert_eq!(
        converted["properties"]["a"],
        json!({"type": ["string", "null"]})
    );
    assert_eq!(
        converted["properties"]["b"],
        json!({"anyOf": [{"allOf": [{"$ref": "#/definitions/B"}]}, {"type": "null"}]})
    );
    let doc = json!({"components": {"schemas": {"B": {"type": "integer"}}}});
    let v = validator(&doc, &json!({"$ref": "#/components/schemas/B"}));
    assert!(v.is_valid(&json!(3)));
    assert!(!v.is_valid(&json!("3")));
}

#[test]
fn the_converted_schemas_reject_what_the_spec_rejects() {
    let v2 = spec("v2.yaml");
    let posting = validator(
        &v2,
        &json!({"$ref": "#/components/schemas/SingleResponse_PostingResponse_"}),
    );
    assert!(
        !posting.is_valid(&json!({"data": {"id": "13D77095"}})),
        "required fields"
    );
    let candidate = validator(
        &v2,
        &json!({"$ref": "#/components/schemas/CandidateResponse"}),
    );
    let mut c = json!({"interview_id": "I", "posting_id": "P", "name": "N", "email": "e", "status": "pending"});
    assert!(candidate.is_valid(&c));
    c["score"] = Value::Null;
    c["workflow"] = Value::Null;
    assert!(candidate.is_valid(&c), "nullable fields take null");
    c["shortlisted"] = Value::Null;
    assert!(!candidate.is_valid(&c), "others do not");
}
