//! heymilo-mock against the specs' response schemas: one valid request for
//! every operation of both generations (v1: 11, v2: 56), built from the spec,
//! and each live answer validated against the JSON Schema of the response
//! documented for its status.
//!
//! Path parameters are real ids the mock holds; query parameters and bodies
//! are composed from the required fields of the schemas (example, default or
//! first enum value); a few operations whose rules go beyond the schema get a
//! body of their own. OpenAPI 3.0 schemas become JSON Schema draft 4
//! (`nullable` allows null, `$ref`s point into the converted components).

use std::collections::BTreeMap;

use heymilo_codegen::spec::{Operation, Spec};
use heymilo_tests::KEY;
use heymilo_tests::wire::{self, spec};
use reqwest::Response;
use serde_json::{Map, Value, json};

/// OpenAPI 3.0 schema object to JSON Schema draft 4.
fn to_json_schema(v: &Value) -> Value {
    let Some(obj) = v.as_object() else {
        return v.clone();
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return json!({"$ref": format!("#/definitions/{name}")});
    }
    let map = |v: &Value| -> Map<String, Value> {
        let fields = v.as_object().into_iter().flatten();
        let convert = |(k, s): (&String, &Value)| (k.clone(), to_json_schema(s));
        fields.map(convert).collect()
    };
    let mut out = Map::new();
    for (k, v) in obj {
        let converted = match k.as_str() {
            // OpenAPI-only keywords (and annotations) have no JSON Schema meaning.
            "nullable" | "discriminator" | "example" | "externalDocs" | "xml" | "deprecated"
            | "readOnly" | "writeOnly" => continue,
            k if k.starts_with("x-") => continue,
            "properties" => Value::Object(map(v)),
            "items" | "not" => to_json_schema(v),
            "additionalProperties" if v.is_object() => to_json_schema(v),
            "allOf" | "anyOf" | "oneOf" => {
                Value::from_iter(v.as_array().into_iter().flatten().map(to_json_schema))
            }
            _ => v.clone(),
        };
        out.insert(k.clone(), converted);
    }
    if obj.get("nullable") == Some(&Value::Bool(true)) {
        // OpenAPI 3.0.3: `nullable` adds null to the types; an `enum` still
        // applies and has to list null itself.
        match out.get("type").cloned() {
            Some(Value::String(t)) => out.insert("type".into(), json!([t, "null"])),
            _ => return json!({"anyOf": [Value::Object(out), {"type": "null"}]}),
        };
    }
    Value::Object(out)
}

/// A validator for `schema` (a spec schema object) with every component.
fn validator(doc: &Value, schema: &Value) -> jsonschema::Validator {
    let components = doc["components"]["schemas"].clone();
    let definitions = to_json_schema(&json!({"properties": components}))["properties"].take();
    let root = json!({"allOf": [to_json_schema(schema)], "definitions": definitions});
    let options = jsonschema::draft4::options().should_validate_formats(false);
    let built = options.build(&root);
    built.unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// A value for a schema: its example, default or first enum value, else the
/// required fields (objects), one item (arrays) or a plain scalar.
fn sample(spec: Spec<'_>, schema: &Value, ids: &BTreeMap<&str, String>, name: &str) -> Value {
    if let Some(id) = ids.get(name) {
        return json!(id);
    }
    let s = spec.deref(schema);
    let m = Value::Object(spec.merged(s));
    let first = m.get("enum").and_then(|e| e.get(0));
    if let Some(v) = m.get("example").or_else(|| m.get("default")).or(first) {
        return v.clone();
    }
    if let Some(first) = ["oneOf", "anyOf"].iter().find_map(|k| s.get(*k)?.get(0)) {
        return sample(spec, first, ids, name);
    }
    match m.get("type").and_then(Value::as_str) {
        Some("object") => Value::Object(
            (spec.properties(s).into_iter())
                .filter(|(_, _, required)| *required)
                .map(|(field, p, _)| (field.clone(), sample(spec, &p, ids, &field)))
                .collect(),
        ),
        Some("array") => json!([sample(spec, &s["items"], ids, name)]),
        Some("integer") => s.get("minimum").cloned().unwrap_or(json!(1)),
        Some("number") => s.get("minimum").cloned().unwrap_or(json!(1.0)),
        Some("boolean") => json!(true),
        _ if s.get("allOf").is_some() => Value::Object(Map::new()),
        _ => json!("sample"),
    }
}

struct Run {
    base: String,
    /// Path parameters and body fields answered with real ids.
    ids: BTreeMap<&'static str, String>,
}

impl Run {
    async fn call(&self, method: &str, path: &str, body: Option<&Value>, v1: bool) -> Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let req = reqwest::Client::new().request(method, format!("{}{path}", self.base));
        let version = v1.then_some(("api-version", "1.0.0"));
        let req = version
            .into_iter()
            .fold(req.header("x-api-key", KEY), |r, (k, v)| r.header(k, v));
        let req = if let Some(b) = body { req.json(b) } else { req };
        req.send().await.expect("the mock answers")
    }

    async fn json(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let r = self.call(method, path, body.as_ref(), false).await;
        assert!(r.status().is_success(), "{method} {path}: {}", r.status());
        r.json().await.expect("json")
    }

    /// A real id for path parameter `name` of `path` (earlier parameters
    /// already filled in): the first item of the collection the path names.
    async fn path_param(&self, path: &str, name: &str) -> String {
        if let Some(id) = self.ids.get(name) {
            return id.clone();
        }
        let posting = &self.ids["posting_id"];
        #[rustfmt::skip]
        let (method, collection, body) = match name {
            "item_id" => ("POST", "/api/v2/ats/candidates/push",
                Some(json!({"ats_name": "bullhorn", "candidate": {"email": "pushed@example.com"}}))),
            "webhook_id" => ("POST", "/api/v2/webhooks", Some(json!({"posting_id": posting,
                "webhook_url": "https://hooks.example.com/x", "event_type": "interview_completed"}))),
            _ => ("GET", &path[..path.find(&format!("/{{{name}}}")).expect("in path")], None),
        };
        let answer = self.json(method, collection, body).await;
        let item = answer["data"].get(0).unwrap_or(&answer["data"]);
        let id = item
            .get(name)
            .or_else(|| item.get("id"))
            .and_then(Value::as_str);
        id.unwrap_or_else(|| panic!("no item in {collection} for {name}: {answer}"))
            .into()
    }

    /// Bodies for the operations whose rules go beyond the schema's required fields.
    async fn body_override(&self, id: &str) -> Option<Value> {
        let posting = &self.ids["posting_id"];
        Some(match id {
            // A workflow or an interview template is needed.
            "create_posting" => json!({"title": "Senior Software Engineer",
                "workflow": [{"type": "web_interview", "config": {"video": false},
                              "questions": [{"modality": "voice", "text": "Why us?"}]}]}),
            // A search needs an email or an ATS id.
            "resolve_ats_candidate" => json!({"ats_name": "bullhorn", "email": "jane@example.com"}),
            // The order names every active question of the modality.
            "reorder_questions" => {
                let path = format!("/api/v2/postings/{posting}/questions?modality=voice&limit=100");
                let list = self.json("GET", &path, None).await;
                let ids = list["data"].as_array().into_iter().flatten();
                let order: Vec<&Value> = ids.rev().map(|q| &q["id"]).collect();
                json!({"modality": "voice", "order": order})
            }
            _ => return None,
        })
    }

    /// Sends the operation's request; `Err` names what went wrong.
    async fn check(&self, doc: &Value, op: &Operation<'_>) -> Result<u16, String> {
        let (spec, v1) = (Spec::new(doc), std::ptr::eq(doc, wire::spec("v1.yaml")));
        let (mut path, mut query) = (op.path.to_owned(), Vec::new());
        for p in &op.params {
            match p.location {
                "path" => {
                    let id = self.path_param(&path, p.name).await;
                    path = path.replace(&format!("{{{}}}", p.name), &id);
                }
                "query" if p.required => {
                    let v = sample(spec, p.schema.unwrap_or(&Value::Null), &self.ids, p.name);
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    query.push(format!("{}={v}", p.name));
                }
                _ => {}
            }
        }
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let own = self.body_override(op.id.unwrap_or_default()).await;
        let sampled = |schema| own.unwrap_or_else(|| sample(spec, schema, &self.ids, ""));
        let body = op.request_schema().map(sampled);
        let (method, label) = (op.method.to_uppercase(), format!("{} {path}", op.method));
        let response = self.call(&method, &path, body.as_ref(), v1).await;
        let status = response.status().as_u16();
        let content_type = response.headers().get("content-type").cloned();
        let content_type = content_type.and_then(|v| v.to_str().ok().map(str::to_owned));
        let text = response.text().await.unwrap_or_default();
        if !(200..300).contains(&status) {
            return Err(format!("{label} answered {status}: {text}"));
        }
        let undocumented = format!("{label}: {status} undocumented");
        let documented = op.response(status).ok_or(undocumented)?;
        let content = documented["content"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let Some(schema) = content.get("application/json").map(|c| &c["schema"]) else {
            // Not JSON (the voice preview's audio): the media type has to match.
            let media = content.keys().next().cloned().unwrap_or_default();
            let ok = content_type
                .as_deref()
                .is_some_and(|t| t.starts_with(&media));
            let mismatch = format!("{label}: content-type {content_type:?}, documented {media}");
            return ok.then_some(status).ok_or(mismatch);
        };
        let body: Value =
            serde_json::from_str(&text).map_err(|e| format!("{label}: {e}: {text}"))?;
        let validator = validator(doc, schema);
        let errors = validator
            .iter_errors(&body)
            .map(|e| format!("at {}: {e}", e.instance_path()));
        let errors = errors.collect::<Vec<_>>().join("\n  ");
        let wrong =
            format!("{label} ({status}) does not match its schema:\n  {errors}\n  body: {text}");
        errors.is_empty().then_some(status).ok_or(wrong)
    }
}

#[tokio::test]
async fn every_operation_of_both_specs_answers_as_its_schema_says() {
    let mock = heymilo_tests::mock(5).await;
    let (posting, url_key) = mock.postings()[0].clone();
    let ids = BTreeMap::from([("posting_id", posting.clone()), ("url_key", url_key)]);
    let mut run = Run {
        base: mock.base_url().to_owned(),
        ids,
    };
    let path = format!("/api/v2/postings/{posting}/candidates?limit=1");
    let first = run.json("GET", &path, None).await;
    let interview = first["data"][0]["interview_id"]
        .as_str()
        .expect("a candidate");
    run.ids
        .extend([("interview_id", interview.into()), ("step_id", "1".into())]);

    let (v1, v2) = (spec("v1.yaml"), spec("v2.yaml"));
    let (v1_ops, mut v2_ops) = (Spec::new(v1).operations(), Spec::new(v2).operations());
    assert_eq!((v1_ops.len(), v2_ops.len()), (11, 56), "ops per spec");
    // Destructive operations last, so that the others see live data.
    let archive = |id: Option<&str>| id.is_some_and(|id| id.starts_with("archive_"));
    v2_ops.sort_by_key(|o| o.method == "delete" || archive(o.id));
    let v1_ops = v1_ops.into_iter().map(|op| (v1, op));
    let v2_ops = v2_ops.into_iter().map(|op| (v2, op));
    let ops: Vec<_> = v1_ops.chain(v2_ops).collect();

    let mut failures = Vec::new();
    for (doc, op) in &ops {
        if let Err(e) = run.check(doc, op).await {
            failures.push(format!("{:?} ({}): {e}", op.id, doc["info"]["version"]));
        }
    }
    let (n, all, failed) = (failures.len(), ops.len(), failures.join("\n\n"));
    assert!(failures.is_empty(), "{n} of {all} failed:\n{failed}");
}

#[test]
fn nullable_becomes_a_null_type_and_refs_point_at_definitions() {
    let converted = to_json_schema(&json!({"type": "object", "properties": {
        "a": {"type": "string", "nullable": true, "example": "x"},
        "b": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true},
    }}));
    let a = json!({"type": ["string", "null"]});
    assert_eq!(converted["properties"]["a"], a);
    let b = json!({"anyOf": [{"allOf": [{"$ref": "#/definitions/B"}]}, {"type": "null"}]});
    assert_eq!(converted["properties"]["b"], b);
    let doc = json!({"components": {"schemas": {"B": {"type": "integer"}}}});
    let v = validator(&doc, &json!({"$ref": "#/components/schemas/B"}));
    assert!(v.is_valid(&json!(3)) && !v.is_valid(&json!("3")));
}

#[test]
fn the_converted_schemas_reject_what_the_spec_rejects() {
    let v2 = spec("v2.yaml");
    let schema =
        |name: &str| validator(v2, &json!({"$ref": format!("#/components/schemas/{name}")}));
    let posting = schema("SingleResponse_PostingResponse_");
    let partial = json!({"data": {"id": "13D77095"}});
    assert!(!posting.is_valid(&partial), "required fields");
    let candidate = schema("CandidateResponse");
    let mut c = json!({"interview_id": "I", "posting_id": "P", "name": "N", "email": "e", "status": "pending"});
    assert!(candidate.is_valid(&c));
    (c["score"], c["workflow"]) = (Value::Null, Value::Null);
    assert!(candidate.is_valid(&c), "nullable fields take null");
    c["shortlisted"] = Value::Null;
    assert!(!candidate.is_valid(&c), "others do not");
}
