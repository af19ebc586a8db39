//! The wire-test runner: one [`Case`] per operation (the call), answered with
//! the operation's documented example (see [`example`]), which must decode
//! into the generated type and come back unchanged when serialized.
//!
//! The request each case sends (method, path, sorted query, headers and the
//! exact body) is recorded in its insta snapshot, `tests/snapshots/wire_<api>
//! __<op>[_<label>].snap`: that reviewable file is the one record of what a
//! call sends, so no case repeats its request line or body inline. Under
//! `CI=true` insta writes nothing and a mismatch fails, naming the snapshot,
//! which names the operation.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use futures::future::BoxFuture;
use heymilo::generated::OperationMeta as Meta;
use heymilo_codegen::spec::{self, Spec};
use heymilo_codegen::synth::{Instance, Shape};
use serde_json::{Map, Value, json};

use crate::{Recorder, Reply};

/// The workspace id v2's wire cases send.
pub const WS: &str = "ws_2";

/// Names of component schemas.
pub type Names = BTreeSet<String>;

/// A generated client `C` of a test server.
pub type Connect<C> = fn(&Recorder) -> C;

/// What a call returns: the status and the decoded answer serialized again.
pub type Outcome = Result<(u16, Value), String>;

/// One wire case of a generated client `C`.
pub struct Case<C> {
    /// The operationId (and the snapshot's name).
    pub op: &'static str,
    /// A label when the operation has more than one case (in its snapshot's name).
    pub label: &'static str,
    /// Makes the call.
    pub call: Box<dyn Fn(C) -> BoxFuture<'static, Outcome>>,
}

/// One case: `case!(op.a(1).b("x"))` sends
/// `client.op().a(1).b("x")` (the calling file's `Client`) and serializes its
/// answer; `case!(label: "...", ...)` names an extra case of the same operation.
#[macro_export]
macro_rules! case {
    (label: $label:literal, $($rest:tt)*) => {
        $crate::wire::Case { label: $label, ..$crate::case!($($rest)*) }
    };
    ($op:ident $(.$m:ident($($a:expr),*))*) => {
        $crate::wire::Case {
            op: stringify!($op),
            label: "",
            call: Box::new(move |c: Client| {
                Box::pin(async move {
                    let res = c.$op()$(.$m($($a),*))*.send().await.map_err(|e| e.to_string())?;
                    let status = res.status().as_u16();
                    let value = serde_json::to_value(res.into_inner()).map_err(|e| e.to_string())?;
                    Ok((status, value))
                })
            }),
        }
    };
}

/// `openapi/<name>`, loaded once per file.
pub fn spec(name: &str) -> &'static Value {
    static SPECS: OnceLock<[Value; 2]> = OnceLock::new();
    let [v1, v2] = SPECS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/");
        let load = |file| spec::load(format!("{dir}{file}").as_ref());
        ["v1.yaml", "v2.yaml"].map(|file| load(file).unwrap_or_else(|e| panic!("{e}")))
    });
    if name == "v1.yaml" { v1 } else { v2 }
}

/// The documented example of `op`'s 2xx JSON response: (status, body, the
/// component schemas composing it). The media type's `example` wins; the
/// schema is composed either way, so that every schema is visited.
pub fn example(doc: &Value, op: &str) -> Option<(u16, Value, BTreeSet<String>)> {
    let spec = Spec::new(doc);
    let operation = spec.operation(op).unwrap_or_else(|| panic!("no {op}"));
    let (status, response) = operation.success().expect("a 2xx response");
    let media = response.pointer("/content/application~1json")?;
    let mut visited = BTreeSet::new();
    let composed = compose(spec, &media["schema"], true, &mut visited).expect("a body");
    let body = media.get("example").cloned().unwrap_or(composed);
    Some((status.parse().expect("numeric status"), body, visited))
}

/// A value for `schema` (`None`: an optional value better left out). Rules,
/// in order: its `example`; `allOf` merged; the first of `oneOf`/`anyOf`;
/// objects property by property; arrays with one item; its `default`; for
/// required values a filler ("x", 1, 1.5, true, {}); `null` if nullable.
pub fn compose(spec: Spec<'_>, schema: &Value, required: bool, seen: &mut Names) -> Option<Value> {
    if let Some(pointer) = schema.get("$ref").and_then(Value::as_str) {
        seen.insert(pointer.rsplit('/').next().unwrap_or_default().to_owned());
        return compose(spec, spec.deref(schema), required, seen);
    }
    if let Some(example) = schema.get("example") {
        return Some(example.clone());
    }
    let object = |schema: &Value, seen: &mut Names| {
        let names = spec::required(schema);
        let properties = schema.get("properties")?.as_object()?;
        let fields = properties.iter().filter_map(|(name, p)| {
            let value = compose(spec, p, names.contains(name.as_str()), seen)?;
            Some((name.clone(), value))
        });
        Some(fields.collect::<Map<_, _>>())
    };
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Some(Value::Object(fields)) = compose(spec, part, true, seen) {
                merged.extend(fields);
            }
        }
        merged.extend(object(schema, seen).unwrap_or_default());
        return Some(Value::Object(merged));
    }
    let mut alternatives = ["oneOf", "anyOf"].iter();
    if let Some(first) = alternatives.find_map(|k| schema.get(*k)?.get(0)) {
        return compose(spec, first, required, seen);
    }
    if let Some(fields) = object(schema, seen) {
        return Some(Value::Object(fields));
    }
    let kind = schema.get("type").and_then(Value::as_str);
    if kind == Some("array") {
        return Some(json!([compose(spec, &schema["items"], true, seen)?]));
    }
    if let Some(default) = schema.get("default") {
        return Some(default.clone());
    }
    let filler = match kind {
        Some("string") => json!("x"),
        Some("integer") => json!(1),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        _ => json!({}),
    };
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let null = nullable.then_some(Value::Null);
    required.then_some(filler).or(null)
}

/// Whether `decoded` holds `example`: the same values (numbers by value), a
/// key absent on one side `null` on the other.
pub fn holds(decoded: &Value, example: &Value) -> bool {
    match (decoded, example) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| holds(a, b))
        }
        (Value::Object(a), Value::Object(b)) => {
            b.iter()
                .all(|(k, v)| a.get(k).map_or(v.is_null(), |w| holds(w, v)))
                && a.iter().all(|(k, v)| b.contains_key(k) || v.is_null())
        }
        _ => decoded == example,
    }
}

/// Runs the cases of `api` (`v1`, `v2`; one at least per generated op with a
/// JSON answer) against a recorder answering the op's documented example: the
/// decoded answer, the request's key, API version and workspace header (when
/// the op has one) are checked, and the whole request by its snapshot.
pub async fn run<C>(api: &str, ops: &[Meta], client: Connect<C>, key: &str, cases: Vec<Case<C>>) {
    let doc = spec(&format!("{api}.yaml"));
    let json = |id: &&str| example(doc, id).is_some();
    let json_ops: BTreeSet<&str> = ops.iter().map(|o| o.id).filter(json).collect();
    let ops: BTreeSet<&str> = cases.iter().map(|c| c.op).collect();
    assert_eq!(ops, json_ops, "every JSON operation has a case");
    let (spec, version) = (Spec::new(doc), doc["info"]["version"].as_str());
    // Requests carry exactly what the caller set (issue 14): a body with a
    // defaulted optional field needs a case with only the required ones.
    let labelled = cases.iter().filter(|c| !c.label.is_empty());
    let labelled: BTreeSet<&str> = labelled.map(|c| c.op).collect();
    let defaults = |(_, p, req): &(_, Value, bool)| !req && p.get("default").is_some();
    let optional = |s| spec.properties(s).iter().any(defaults);
    let ops = spec.operations().into_iter();
    let defaulted = ops.filter(|op| op.request_schema().is_some_and(optional));
    let defaulted: BTreeSet<&str> = defaulted.filter_map(|op| op.id).collect();
    assert!(!defaulted.is_empty(), "spec scan found nothing to trust");
    let covered = defaulted.is_subset(&labelled);
    assert!(covered, "no required-only case: {defaulted:?}");
    for case in cases {
        let name = format!("{} {}", case.op, case.label).trim_end().to_owned();
        let (status, body, _) = example(doc, case.op).expect("a JSON success response");
        let server = Recorder::start(Reply::json(status, body.clone())).await;
        let answer = (case.call)(client(&server)).await;
        let (got, decoded) = answer.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, status, "{name}: status");
        let held = holds(&decoded, &body);
        assert!(held, "{name}: decoded {decoded}\nexample {body}");
        let req = server.single();
        let params = spec.operation(case.op).map_or(vec![], |op| op.params);
        let has_workspace = params.iter().any(|p| p.key().1 == "x-workspace-id");
        let headers = ["x-api-key", "api-version", "x-workspace-id"].map(|h| req.header(h));
        let want = [Some(key), version, has_workspace.then_some(WS)];
        assert_eq!(headers, want, "{name}: key, version, workspace");
        let snapshot = format!("wire_{api}__{name}").replace(' ', "_");
        insta::with_settings!({
            snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(snapshot, req.wire());
        });
    }
}

/// The all-null body synthesized for `op` (panics without one).
pub fn all_null<'a>(instances: &'a [Instance], op: &str) -> &'a Value {
    let mut found = instances.iter().filter(|i| i.shape == Shape::AllNull);
    let found = found.find(|i| i.operation == op);
    &found.unwrap_or_else(|| panic!("no all-null {op}")).body
}

/// Answers each synthesized body (see `heymilo_codegen::synth`) to the call
/// of the case of `api`'s operation at its path and method: each must decode.
pub async fn decode_all<C>(api: &str, all: &[Instance], client: Connect<C>, cases: &[Case<C>]) {
    let ours = Spec::new(spec(&format!("{api}.yaml"))).operations();
    for inst in all {
        let at = (inst.path.as_str(), inst.method.as_str());
        let op = ours.iter().find(|o| (o.path, o.method) == at);
        let op = op.and_then(|o| o.id);
        let id = op.unwrap_or_else(|| panic!("{}: not in {api}.yaml", inst.operation));
        let case = cases.iter().find(|c| c.op == id);
        let case = case.unwrap_or_else(|| panic!("{id}: no case"));
        let status = inst.status.parse().expect("numeric status");
        let server = Recorder::start(Reply::json(status, inst.body.clone())).await;
        let (shape, body) = (inst.shape.name(), &inst.body);
        let decoded = (case.call)(client(&server)).await;
        decoded.unwrap_or_else(|e| panic!("{id} ({shape}) does not decode {body}: {e}"));
    }
}
