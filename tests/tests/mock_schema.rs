//! heymilo-mock against the specs' response schemas: one valid request for
//! every operation of both generations (v1: 11, v2: 56), each live answer
//! validated against the JSON Schema of the response documented for its
//! status. Requests carry the real ids the mock holds (path parameters, fields
//! named like one), else `heymilo_codegen::cli::example`s of their schemas,
//! or a body of their own where the rules go beyond the schema. OpenAPI 3.0
//! becomes JSON Schema draft 4 (`nullable` allows null, `$ref`s point into the
//! converted components).

use std::collections::BTreeMap;

use heymilo_codegen::cli::example;
use heymilo_codegen::spec::{Operation, Spec};
use heymilo_tests::KEY;
use heymilo_tests::wire::spec;
use serde_json::{Map, Value, json};

/// OpenAPI 3.0 schema to JSON Schema draft 4, in one walk.
fn to_json_schema(v: &Value) -> Value {
    let Some(obj) = v.as_object() else {
        let items = v.as_array().map(|a| a.iter().map(to_json_schema).collect());
        return items.unwrap_or_else(|| v.clone());
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        return json!({"$ref": r.replace("#/components/schemas/", "#/definitions/")});
    }
    let mut out = Map::new();
    for (k, v) in obj {
        let converted = match k.as_str() {
            // OpenAPI-only keywords (and annotations) have no JSON Schema meaning.
            "nullable" | "discriminator" | "example" | "externalDocs" | "xml" | "deprecated"
            | "readOnly" | "writeOnly" => continue,
            k if k.starts_with("x-") => continue,
            // Maps of named schemas: every name stays.
            "properties" | "definitions" => {
                let named = v.as_object().into_iter().flatten();
                named.map(|(k, s)| (k.clone(), to_json_schema(s))).collect()
            }
            _ => to_json_schema(v),
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
    let root = json!({"allOf": [schema], "definitions": doc["components"]["schemas"]});
    let options = jsonschema::draft4::options().should_validate_formats(false);
    let built = options.build(&to_json_schema(&root));
    built.unwrap_or_else(|e| panic!("schema does not compile: {e}"))
}

/// What the mock answered: status, content type, body.
type Answer = (u16, Option<String>, String);

struct Run {
    base: String,
    /// Path parameters and body fields answered with real ids.
    ids: BTreeMap<&'static str, String>,
}

impl Run {
    /// A request as the generated clients send it (key, the spec's `api-version`).
    async fn call(&self, doc: &Value, method: &str, path: &str, body: Option<Value>) -> Answer {
        let method = method.to_uppercase();
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let version = doc["info"]["version"].as_str().expect("a version");
        let req = reqwest::Client::new().request(method, format!("{}{path}", self.base));
        let req = req.header("x-api-key", KEY).header("api-version", version);
        let r = body.iter().fold(req, |r, b| r.json(b)).send().await;
        let r = r.expect("the mock answers");
        let kind = r.headers().get("content-type").cloned();
        let kind = kind.and_then(|v| v.to_str().ok().map(str::to_owned));
        let status = r.status().as_u16();
        (status, kind, r.text().await.unwrap_or_default())
    }

    /// A v2 request that must succeed; its JSON answer.
    async fn json(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, _, text) = self.call(spec("v2.yaml"), method, path, body).await;
        assert!((200..300).contains(&status), "{method} {path}: {status}");
        serde_json::from_str(&text).expect("json")
    }

    /// `example(schema)`, with the real id wherever a field (or the value
    /// itself, by `name`) is named like one.
    fn sample(&self, doc: &Value, schema: &Value, name: &str) -> Value {
        fn with_ids(ids: &BTreeMap<&str, String>, v: &mut Value) {
            for (field, value) in v.as_object_mut().into_iter().flatten() {
                match ids.get(field.as_str()) {
                    Some(id) => *value = json!(id),
                    None => with_ids(ids, value),
                }
            }
        }
        let mut value = json!({ name: example(doc, schema, 0) });
        with_ids(&self.ids, &mut value);
        value[name].take()
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
        let id = item.get(name).or(item.get("id")).and_then(Value::as_str);
        let id = id.unwrap_or_else(|| panic!("no item in {collection} for {name}: {answer}"));
        id.into()
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
        let (mut path, mut query) = (op.path.to_owned(), Vec::new());
        for p in &op.params {
            if p.location == "path" {
                let id = self.path_param(&path, p.name).await;
                path = path.replace(&format!("{{{}}}", p.name), &id);
            } else if p.location == "query" && p.required {
                let v = self.sample(doc, p.schema.unwrap_or(&Value::Null), p.name);
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                query.push(format!("{}={v}", p.name));
            }
        }
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let own = self.body_override(op.id.unwrap_or_default()).await;
        let sampled = |schema| own.unwrap_or_else(|| self.sample(doc, schema, ""));
        let body = op.request_schema().map(sampled);
        let label = format!("{} {path}", op.method);
        let (status, kind, text) = self.call(doc, op.method, &path, body).await;
        if !(200..300).contains(&status) {
            return Err(format!("{label} answered {status}: {text}"));
        }
        let documented = op.response(status);
        let documented = documented.ok_or(format!("{label}: {status} undocumented"))?;
        let content = documented["content"].as_object().cloned();
        let content = content.unwrap_or_default();
        let Some(schema) = content.get("application/json").map(|c| &c["schema"]) else {
            // Not JSON (the voice preview's audio): the media type has to match.
            let media = content.keys().next().cloned().unwrap_or_default();
            let ok = kind.as_deref().is_some_and(|t| t.starts_with(&media));
            let mismatch = format!("{label}: content-type {kind:?}, documented {media}");
            return ok.then_some(status).ok_or(mismatch);
        };
        let body = serde_json::from_str::<Value>(&text);
        let body = body.map_err(|e| format!("{label}: {e}: {text}"))?;
        let validator = validator(doc, schema);
        let at = |e: jsonschema::ValidationError<'_>| format!("at {}: {e}", e.instance_path());
        let errors: Vec<_> = validator.iter_errors(&body).map(at).collect();
        let (errors, wrong) = (errors.join("\n  "), "does not match its schema");
        let wrong = format!("{label} ({status}) {wrong}:\n  {errors}\n  body: {text}");
        errors.is_empty().then_some(status).ok_or(wrong)
    }
}

#[tokio::test]
async fn every_operation_of_both_specs_answers_as_its_schema_says() {
    let mock = heymilo_tests::mock(5).await;
    let (posting, url_key) = mock.postings()[0].clone();
    let ids = BTreeMap::from([("posting_id", posting.clone()), ("url_key", url_key)]);
    let base = mock.base_url().to_owned();
    let mut run = Run { base, ids };
    let path = format!("/api/v2/postings/{posting}/candidates?limit=1");
    let first = run.json("GET", &path, None).await;
    let interview = first["data"][0]["interview_id"].as_str().expect("an id");
    run.ids.insert("interview_id", interview.into());
    run.ids.insert("step_id", "1".into());

    let (v1, v2) = (spec("v1.yaml"), spec("v2.yaml"));
    let (v1_ops, mut v2_ops) = (Spec::new(v1).operations(), Spec::new(v2).operations());
    assert_eq!((v1_ops.len(), v2_ops.len()), (11, 56), "ops per spec");
    // Destructive operations last, so that the others see live data.
    let archive = |id: Option<&str>| id.is_some_and(|id| id.starts_with("archive_"));
    v2_ops.sort_by_key(|o| o.method == "delete" || archive(o.id));
    let mut failures = Vec::new();
    for (doc, ops) in [(v1, v1_ops), (v2, v2_ops)] {
        for op in &ops {
            if let Err(e) = run.check(doc, op).await {
                failures.push(format!("{:?} ({}): {e}", op.id, doc["info"]["version"]));
            }
        }
    }
    let (n, failed) = (failures.len(), failures.join("\n\n"));
    assert!(failures.is_empty(), "{n} of 67 failed:\n{failed}");
}

#[test]
fn nullable_becomes_a_null_type_and_refs_point_at_definitions() {
    let converted = to_json_schema(&json!({"type": "object", "properties": {
        "a": {"type": "string", "nullable": true, "example": "x"},
        "b": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true},
    }}));
    let properties = json!({"a": {"type": ["string", "null"]},
        "b": {"anyOf": [{"allOf": [{"$ref": "#/definitions/B"}]}, {"type": "null"}]}});
    assert_eq!(converted["properties"], properties);
    let doc = json!({"components": {"schemas": {"B": {"type": "integer"}}}});
    let v = validator(&doc, &json!({"$ref": "#/components/schemas/B"}));
    assert!(v.is_valid(&json!(3)) && !v.is_valid(&json!("3")));
}

#[test]
fn the_converted_schemas_reject_what_the_spec_rejects() {
    let v2 = spec("v2.yaml");
    let schema = |n: &str| validator(v2, &json!({"$ref": format!("#/components/schemas/{n}")}));
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
