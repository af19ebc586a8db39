//! Generation rules: transforms of the parsed spec that run before progenitor
//! sees it. The spec files and the published bundles are left as written; only
//! the Rust generated from them follows these rules (each has a line in
//! `openapi/NOTES.md`).
//!
//! - **Request defaults are the server's, not the SDK's.** A property of a
//!   request-side schema that is not required and has a `default` loses the
//!   `default` (typify would otherwise fill it in and always send it) and gets
//!   "server default: …" appended to its description, so the generated field is
//!   an `Option` skipped when unset.
//! - **Workflow steps type themselves.** A request-side `oneOf` with a
//!   `discriminator` mapping turns each variant's tag property into a one-value
//!   enum whose default is the variant's tag; it is no longer required, so the
//!   generated struct derives `Default` and always serializes its own tag.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use serde_yaml::{Mapping, Value as Yaml};

use crate::spec::Spec;

/// Applies every rule to `spec` (an OpenAPI 3.0 document), keeping the
/// order of every mapping: the generated code follows the spec's order.
///
/// Fails when a schema that a rule would change is reachable from both
/// requests and responses: relaxing a response type there, or tightening a
/// request type, is a decision the spec has to make by splitting the schema.
pub fn apply(spec: &mut Yaml) -> Result<(), String> {
    // The analysis reads a JSON copy; the edits go to the YAML, in place.
    let json: Value = serde_json::to_value(&*spec).map_err(|e| e.to_string())?;
    let (requests, responses) = sides(&json);
    let empty = Map::new();
    let tags = step_tags(
        json.pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty),
        &requests,
    );
    let Some(schemas) = spec
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Yaml::as_mapping_mut)
    else {
        return Ok(());
    };
    for (name, (property, tag)) in &tags {
        if responses.contains(name) {
            return Err(format!(
                "schema {name} is a discriminated request variant and also reachable from a response; split it"
            ));
        }
        if let Some(schema) = schemas.get_mut(name.as_str()) {
            own_tag(schema, property, tag);
        }
    }
    for name in &requests {
        let exempt = tags.get(name).map(|(p, _)| p.as_str());
        let Some(schema) = schemas.get_mut(name.as_str()) else {
            continue;
        };
        let mut changed = false;
        server_defaults(schema, exempt, &mut changed);
        if changed && responses.contains(name) {
            return Err(format!(
                "schema {name} has optional properties with a default and is used by requests and responses; split it"
            ));
        }
    }
    Ok(())
}

/// The schema names reachable from request bodies and from responses
/// (directly or through other schemas).
fn sides(spec: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let doc = Spec::new(spec);
    let (mut requests, mut responses) = (BTreeSet::new(), BTreeSet::new());
    for op in doc.operations() {
        if let Some(body) = op.node.get("requestBody") {
            doc.reachable(body, &mut requests);
        }
        if let Some(answers) = op.node.get("responses") {
            doc.reachable(answers, &mut responses);
        }
    }
    (requests, responses)
}

/// For every discriminator inside a request-side schema: variant schema name
/// -> (tag property, tag value).
fn step_tags(
    schemas: &Map<String, Value>,
    requests: &BTreeSet<String>,
) -> BTreeMap<String, (String, String)> {
    fn walk(value: &Value, out: &mut BTreeMap<String, (String, String)>) {
        match value {
            Value::Object(map) => {
                if let Some(d) = map.get("discriminator").and_then(Value::as_object)
                    && let Some(property) = d.get("propertyName").and_then(Value::as_str)
                    && let Some(mapping) = d.get("mapping").and_then(Value::as_object)
                {
                    for (tag, target) in mapping {
                        if let Some(name) = target
                            .as_str()
                            .and_then(|t| t.strip_prefix("#/components/schemas/"))
                        {
                            out.insert(name.to_owned(), (property.to_owned(), tag.clone()));
                        }
                    }
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for name in requests {
        if let Some(schema) = schemas.get(name) {
            walk(schema, &mut out);
        }
    }
    out
}

/// Makes `property` of a variant a one-value enum defaulting to `tag`, no
/// longer required: the generated struct then fills in its own tag.
fn own_tag(schema: &mut Yaml, property: &str, tag: &str) {
    let Some(map) = schema.as_mapping_mut() else {
        return;
    };
    if let Some(Yaml::Sequence(required)) = map.get_mut("required") {
        required.retain(|r| r.as_str() != Some(property));
        if required.is_empty() {
            map.shift_remove("required");
        }
    }
    let description = format!("Always `{tag}`; filled in by `Default`.");
    if let Some(Yaml::Mapping(props)) = map.get_mut("properties") {
        let mut p = Mapping::new();
        p.insert("type".into(), "string".into());
        p.insert("enum".into(), Yaml::Sequence(vec![tag.into()]));
        p.insert("default".into(), tag.into());
        p.insert("description".into(), description.into());
        props.insert(property.into(), Yaml::Mapping(p));
    }
}

/// Removes `default` from every optional property of an object schema (and of
/// the object schemas nested in it), noting it in the description instead.
fn server_defaults(schema: &mut Yaml, exempt: Option<&str>, changed: &mut bool) {
    let Some(map) = schema.as_mapping_mut() else {
        return;
    };
    let required: BTreeSet<String> = map
        .get("required")
        .and_then(Yaml::as_sequence)
        .map(|r| {
            r.iter()
                .filter_map(Yaml::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(Yaml::Mapping(props)) = map.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            let name = name.as_str().unwrap_or_default();
            if !required.contains(name)
                && Some(name) != exempt
                && let Some(p) = prop.as_mapping_mut()
                && let Some(default) = p.shift_remove("default")
            {
                let note = format!("Omitted unless set; server default: {}.", shown(&default));
                let description = match p.get("description").and_then(Yaml::as_str) {
                    Some(d) => format!("{}\n\n{note}", d.trim_end()),
                    None => note,
                };
                p.insert("description".into(), description.into());
                *changed = true;
            }
            server_defaults(prop, None, changed);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Yaml::Sequence(members)) = map.get_mut(key) {
            members
                .iter_mut()
                .for_each(|m| server_defaults(m, exempt, changed));
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = map.get_mut(key) {
            server_defaults(inner, None, changed);
        }
    }
}

/// A default value as a reader expects it in prose: strings bare, the empty
/// string as `""`, anything else as JSON.
fn shown(value: &Yaml) -> String {
    match value {
        Yaml::String(s) if s.is_empty() => "\"\"".to_owned(),
        Yaml::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Applies the rules to a JSON-written document.
    fn applied(doc: &mut Value) -> Result<(), String> {
        let mut yaml: Yaml = serde_yaml::to_value(&*doc).expect("to YAML");
        let result = apply(&mut yaml);
        *doc = serde_json::to_value(&yaml).expect("to JSON");
        result
    }

    fn spec(schemas: Value) -> Value {
        json!({
            "paths": {"/x": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Res"}}}}}
            }}},
            "components": {"schemas": schemas}
        })
    }

    #[test]
    fn optional_request_defaults_move_to_the_description_and_responses_keep_theirs() {
        let mut s = spec(json!({
            "Req": {"type": "object", "required": ["a"], "properties": {
                "a": {"type": "string", "default": "x"},
                "b": {"type": "string", "default": "Sarah", "description": "Name."},
                "c": {"type": "boolean", "default": false},
                "d": {"type": "string", "default": ""}
            }},
            "Res": {"type": "object", "properties": {"e": {"type": "string", "default": "y"}}}
        }));
        applied(&mut s).expect("applies");
        let req = &s["components"]["schemas"]["Req"]["properties"];
        assert_eq!(
            req["a"]["default"], "x",
            "required properties keep their default"
        );
        assert_eq!(req["b"].get("default"), None);
        assert_eq!(
            req["b"]["description"],
            "Name.\n\nOmitted unless set; server default: Sarah."
        );
        assert_eq!(
            req["c"]["description"],
            "Omitted unless set; server default: false."
        );
        assert_eq!(
            req["d"]["description"],
            "Omitted unless set; server default: \"\"."
        );
        assert_eq!(
            s["components"]["schemas"]["Res"]["properties"]["e"]["default"],
            "y"
        );
    }

    #[test]
    fn a_defaulted_schema_on_both_sides_is_refused() {
        let mut s = spec(json!({
            "Req": {"type": "object", "properties": {"r": {"$ref": "#/components/schemas/Both"}}},
            "Res": {"type": "object", "properties": {"r": {"$ref": "#/components/schemas/Both"}}},
            "Both": {"type": "object", "properties": {"b": {"type": "integer", "default": 3}}}
        }));
        let err = applied(&mut s).expect_err("refused");
        assert!(err.contains("Both"), "{err}");
    }

    #[test]
    fn discriminated_variants_get_a_one_value_defaulted_tag() {
        let mut s = spec(json!({
            "Req": {"type": "object", "properties": {"steps": {"type": "array", "items": {
                "oneOf": [{"$ref": "#/components/schemas/A"}],
                "discriminator": {"propertyName": "type", "mapping": {"a": "#/components/schemas/A"}}
            }}}},
            "Res": {"type": "object"},
            "A": {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string", "default": "a"},
                "n": {"type": "integer", "default": 1}
            }}
        }));
        applied(&mut s).expect("applies");
        let a = &s["components"]["schemas"]["A"];
        assert_eq!(a.get("required"), None);
        assert_eq!(a["properties"]["type"]["enum"], json!(["a"]));
        assert_eq!(a["properties"]["type"]["default"], "a");
        assert_eq!(a["properties"]["n"].get("default"), None);
    }
}
