//! Synthetic response bodies from a schema, for proving that every reading of
//! a spec (generated Rust types, strict OpenAPI 3.0.3, OpenAPI 3.1, other
//! languages' generators) accepts what a server may send.
//!
//! Both dialects are read: 3.0's `nullable: true` and 3.1's `type: [T, "null"]`
//! or `anyOf: [X, {type: "null"}]`. Values are bounded: arrays get one item and
//! recursion stops after a fixed depth.

use serde_json::{Map, Value, json};

use crate::spec::Spec;

/// What an instance exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// Every property present; every nullable one `null`.
    AllNull,
    /// Only the required properties, each as small as its schema allows.
    RequiredOnly,
    /// Like [`Shape::AllNull`], plus an unknown key in every object with
    /// declared properties.
    ExtraKeys,
}

impl Shape {
    /// All shapes, in a stable order.
    pub const ALL: [Shape; 3] = [Shape::AllNull, Shape::RequiredOnly, Shape::ExtraKeys];

    /// A short name for messages and files.
    pub fn name(self) -> &'static str {
        match self {
            Shape::AllNull => "all-null",
            Shape::RequiredOnly => "required-only",
            Shape::ExtraKeys => "extra-keys",
        }
    }
}

/// The key added to objects by [`Shape::ExtraKeys`].
pub const EXTRA_KEY: &str = "x_unknown_extra";

/// One synthetic body of an operation's success response.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The operationId as the document spells it.
    pub operation: String,
    /// The path template.
    pub path: String,
    /// The HTTP method, lower case as in the document.
    pub method: String,
    /// The 2xx status code.
    pub status: String,
    /// What it exercises.
    pub shape: Shape,
    /// The body.
    pub body: Value,
}

/// Deeper than any schema of either spec nests; keeps self-referencing
/// schemas finite.
const MAX_DEPTH: usize = 24;

/// An instance of every 2xx `application/json` response of `spec` in every
/// [`Shape`], in document order. Responses whose schema is empty (any value)
/// are skipped: there is nothing to vary.
pub fn instances(spec: &Value) -> Vec<Instance> {
    let mut out = Vec::new();
    for op in Spec::new(spec).operations() {
        let Some(id) = op.id else { continue };
        for (status, response) in op.successes() {
            let Some(schema) = response.pointer("/content/application~1json/schema") else {
                continue;
            };
            if schema.as_object().is_some_and(Map::is_empty) {
                continue;
            }
            for shape in Shape::ALL {
                out.push(Instance {
                    operation: id.to_owned(),
                    path: op.path.to_owned(),
                    method: op.method.to_owned(),
                    status: status.to_owned(),
                    shape,
                    body: value(spec, schema, shape, 0),
                });
            }
        }
    }
    out
}

fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    Spec::new(spec).deref(value)
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

/// Whether `null` is valid for `schema` (either dialect).
pub fn is_nullable(spec: &Value, schema: &Value) -> bool {
    let schema = resolve(spec, schema);
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        return true;
    }
    if let Some(types) = schema.get("type").and_then(Value::as_array) {
        return types.iter().any(|t| t == "null");
    }
    ["anyOf", "oneOf"].iter().any(|k| {
        schema
            .get(*k)
            .and_then(Value::as_array)
            .is_some_and(|alts| alts.iter().any(|a| is_null_schema(resolve(spec, a))))
    })
}

/// A value for `schema` in `shape`: `null` where allowed in the all-null
/// shapes, otherwise a non-null value.
fn value(spec: &Value, schema: &Value, shape: Shape, depth: usize) -> Value {
    if shape != Shape::RequiredOnly && is_nullable(spec, schema) {
        return Value::Null;
    }
    non_null(spec, schema, shape, depth)
}

fn non_null(spec: &Value, schema: &Value, shape: Shape, depth: usize) -> Value {
    let schema = resolve(spec, schema);
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    // The first non-null alternative stands for the union.
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = schema.get(key).and_then(Value::as_array)
            && let Some(alt) = alts.iter().find(|a| !is_null_schema(resolve(spec, a)))
        {
            return non_null(spec, alt, shape, depth + 1);
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        let mut other = None;
        for part in parts {
            match non_null(spec, part, shape, depth + 1) {
                Value::Object(m) => merged.extend(m),
                v => other = Some(v),
            }
        }
        return match other {
            Some(v) if merged.is_empty() => v,
            _ => Value::Object(merged),
        };
    }
    if let Some(v) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return v.clone();
    }
    let example = schema
        .get("examples")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
        .or_else(|| schema.get("example"))
        .or_else(|| schema.get("default"))
        .filter(|v| !v.is_null());
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "",
    };
    match ty {
        "object" => object(spec, schema, shape, depth),
        "array" => {
            let item = schema.get("items").cloned().unwrap_or(json!({}));
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            if shape == Shape::RequiredOnly && min == 0 {
                Value::Array(Vec::new())
            } else {
                Value::Array(vec![value(spec, &item, shape, depth + 1)])
            }
        }
        "string" => example.cloned().unwrap_or_else(|| {
            let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1);
            Value::String("x".repeat(usize::try_from(min.clamp(1, 64)).unwrap_or(1)))
        }),
        "integer" => example.cloned().unwrap_or_else(|| {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(1);
            json!(min.max(1))
        }),
        "number" => example.cloned().unwrap_or_else(|| {
            let min = schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.0);
            json!(min.max(1.0))
        }),
        "boolean" => example.cloned().unwrap_or(Value::Bool(true)),
        "null" => Value::Null,
        // A schema without a type (any value): its example, else a string.
        _ => example.cloned().unwrap_or_else(|| json!("any")),
    }
}

fn object(spec: &Value, schema: &Value, shape: Shape, depth: usize) -> Value {
    let required = crate::spec::required(schema);
    let mut out = Map::new();
    let properties = schema.get("properties").and_then(Value::as_object);
    if let Some(props) = properties {
        for (name, prop) in props {
            let wanted = shape != Shape::RequiredOnly || required.contains(&name.as_str());
            if wanted {
                out.insert(name.clone(), value(spec, prop, shape, depth + 1));
            }
        }
    }
    if shape == Shape::ExtraKeys && properties.is_some() {
        out.insert(EXTRA_KEY.to_owned(), json!("extra"));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(schema: Value) -> Value {
        json!({
            "paths": {"/x": {"get": {"operationId": "op", "responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}
            }}}},
            "components": {"schemas": {
                "S": schema,
                "Inner": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string"}, "note": {"type": "string", "nullable": true}
                }}
            }}
        })
    }

    fn bodies(schema: Value) -> Vec<(Shape, Value)> {
        instances(&doc(schema))
            .into_iter()
            .map(|i| (i.shape, i.body))
            .collect()
    }

    #[test]
    fn each_shape_of_a_3_1_schema() {
        let got = bodies(
            json!({"type": "object", "required": ["id", "n"], "properties": {
                "id": {"type": "string", "examples": ["abc"]},
                "n": {"type": ["integer", "null"], "minimum": 3},
                "inner": {"anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "null"}]},
                "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Inner"}}
            }}),
        );
        assert_eq!(
            got,
            vec![
                (
                    Shape::AllNull,
                    json!({"id": "abc", "n": null, "inner": null, "tags": [{"id": "x", "note": null}]})
                ),
                (Shape::RequiredOnly, json!({"id": "abc", "n": 3})),
                (
                    Shape::ExtraKeys,
                    json!({"id": "abc", "n": null, "inner": null,
                           "tags": [{"id": "x", "note": null, EXTRA_KEY: "extra"}], EXTRA_KEY: "extra"})
                ),
            ]
        );
    }

    #[test]
    fn a_3_0_nullable_reference_is_null_in_the_all_null_shape() {
        let got = bodies(json!({"type": "object", "properties": {
            "inner": {"allOf": [{"$ref": "#/components/schemas/Inner"}], "nullable": true},
            "mode": {"type": "string", "enum": ["a", "b"]}
        }}));
        assert_eq!(got[0].1, json!({"inner": null, "mode": "a"}));
        assert_eq!(got[1].1, json!({}));
    }

    #[test]
    fn self_reference_stays_finite() {
        let spec = json!({
            "paths": {"/x": {"get": {"operationId": "op", "responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}}
            }}}},
            "components": {"schemas": {"T": {"type": "object", "required": ["next"], "properties": {
                "next": {"$ref": "#/components/schemas/T"}
            }}}}
        });
        let all = instances(&spec);
        assert_eq!(all.len(), 3);
        assert!(all[1].body.to_string().len() < 10_000);
    }
}
