//! One reading of an OpenAPI document as plain JSON values, for every tool
//! that inspects a spec (xtask coverage, breaking, upstream, publish, the
//! synthetic bodies and the tests): load YAML or JSON, resolve local `$ref`s,
//! merge `allOf`, and walk operations with their parameters, request body and
//! success responses. Both dialects load: our OpenAPI 3.0 YAML and HeyMilo's
//! published 3.1 JSON.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Map, Value};

/// The HTTP methods a path item may hold operations under.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How many `$ref` hops a lookup follows before giving up (ends cycles).
const MAX_HOPS: usize = 32;

/// Why a document could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path, as given.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is neither YAML nor JSON.
    #[error("cannot parse {path}: {message}")]
    Parse {
        /// The path, as given.
        path: String,
        /// The parser's complaint.
        message: String,
    },
    /// The document has no `openapi` version string.
    #[error("{path} is not an OpenAPI document (no `openapi` version field)")]
    NotOpenApi {
        /// The path, as given.
        path: String,
    },
}

/// Reads an OpenAPI document (YAML, or JSON as a subset of YAML) into a JSON
/// value: merge keys applied, scalar mapping keys (an unquoted `200:`) as strings.
pub fn load(path: &Path) -> Result<Value, LoadError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: shown.clone(),
        source,
    })?;
    let value = parse(&text).map_err(|message| LoadError::Parse {
        path: shown.clone(),
        message,
    })?;
    if value.get("openapi").and_then(Value::as_str).is_none() {
        return Err(LoadError::NotOpenApi { path: shown });
    }
    Ok(value)
}

/// Parses YAML or JSON text into a JSON value (see [`load`]).
pub fn parse(text: &str) -> Result<Value, String> {
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    yaml.apply_merge().map_err(|e| e.to_string())?;
    yaml_to_json(yaml)
}

fn yaml_to_json(value: serde_yaml::Value) -> Result<Value, String> {
    use serde_yaml::Value as Yaml;
    Ok(match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::from(i),
            (_, Some(u)) => Value::from(u),
            _ => n
                .as_f64()
                .and_then(serde_json::Number::from_f64)
                .map_or_else(|| Value::String(n.to_string()), Value::Number),
        },
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(entries) => {
            let mut map = Map::new();
            for (key, item) in entries {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Null => "null".to_owned(),
                    other => return Err(format!("unsupported mapping key {other:?}")),
                };
                map.insert(key, yaml_to_json(item)?);
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// A loaded document, for resolving references and walking operations.
#[derive(Debug, Clone, Copy)]
pub struct Spec<'a> {
    /// The whole document.
    pub root: &'a Value,
}

/// One operation of a document.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// The path template, e.g. `/api/v2/postings/{posting_id}`.
    pub path: &'a str,
    /// The method, lower case as in the document.
    pub method: &'static str,
    /// `operationId`, when there is one.
    pub id: Option<&'a str>,
    /// The first tag, when there is one.
    pub tag: Option<&'a str>,
    /// The operation object.
    pub node: &'a Value,
    /// The path item's parameters, then the operation's, `$ref` resolved.
    pub params: Vec<Param<'a>>,
    spec: Spec<'a>,
}

/// One parameter, `$ref` resolved.
#[derive(Debug, Clone, Copy)]
pub struct Param<'a> {
    /// `path`, `query`, `header` or `cookie`.
    pub location: &'a str,
    /// The name as the document spells it.
    pub name: &'a str,
    /// Whether it is required.
    pub required: bool,
    /// Its schema, when it has one.
    pub schema: Option<&'a Value>,
    /// The parameter object.
    pub node: &'a Value,
}

impl Param<'_> {
    /// (location, name) with header names in lower case, as HTTP compares them.
    pub fn key(&self) -> (String, String) {
        let name = if self.location == "header" {
            self.name.to_ascii_lowercase()
        } else {
            self.name.to_owned()
        };
        (self.location.to_owned(), name)
    }
}

impl<'a> Spec<'a> {
    /// Wraps a loaded document.
    pub fn new(root: &'a Value) -> Self {
        Spec { root }
    }

    /// The target of a local reference such as `#/components/schemas/X`.
    pub fn target(self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        if pointer.is_empty() {
            Some(self.root)
        } else {
            self.root.pointer(pointer)
        }
    }

    /// Follows a chain of local `$ref`s to the node it ends at.
    pub fn deref(self, mut node: &'a Value) -> &'a Value {
        for _ in 0..MAX_HOPS {
            match node
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| self.target(r))
            {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    }

    /// The component schemas by name.
    pub fn schemas(self) -> Option<&'a Map<String, Value>> {
        self.root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
    }

    /// Every operation, in document order.
    pub fn operations(self) -> Vec<Operation<'a>> {
        let mut found = Vec::new();
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return found;
        };
        for (path, item) in paths {
            let item = self.deref(item);
            for method in METHODS {
                let Some(node) = item.get(method) else {
                    continue;
                };
                let lists = [item.get("parameters"), node.get("parameters")];
                let params = lists
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_array)
                    .flatten()
                    .filter_map(|p| self.param(p))
                    .collect();
                found.push(Operation {
                    path,
                    method,
                    id: node.get("operationId").and_then(Value::as_str),
                    tag: node.pointer("/tags/0").and_then(Value::as_str),
                    node,
                    params,
                    spec: self,
                });
            }
        }
        found
    }

    /// The operation with this `operationId`.
    pub fn operation(self, id: &str) -> Option<Operation<'a>> {
        self.operations().into_iter().find(|op| op.id == Some(id))
    }

    fn param(self, node: &'a Value) -> Option<Param<'a>> {
        let node = self.deref(node);
        Some(Param {
            location: node.get("in")?.as_str()?,
            name: node.get("name")?.as_str()?,
            required: node.get("required").and_then(Value::as_bool) == Some(true),
            schema: node.get("schema"),
            node,
        })
    }

    /// A schema with its `$ref`s followed and its `allOf` members merged:
    /// `properties` and `required` are the union of its own and the members'
    /// (recursively); other keywords are the first found, its own first.
    pub fn merged(self, schema: &'a Value) -> Map<String, Value> {
        let mut out = Map::new();
        self.merge_into(schema, &mut out, 0);
        out
    }

    fn merge_into(self, schema: &'a Value, out: &mut Map<String, Value>, hops: usize) {
        let schema = self.deref(schema);
        let Some(fields) = schema.as_object() else {
            return;
        };
        for (key, value) in fields {
            match (key.as_str(), out.get_mut(key)) {
                ("allOf", _) => {}
                ("properties", Some(Value::Object(props))) => {
                    for (name, p) in value.as_object().into_iter().flatten() {
                        props.entry(name.clone()).or_insert_with(|| p.clone());
                    }
                }
                ("required", Some(Value::Array(names))) => {
                    for name in value.as_array().into_iter().flatten() {
                        if !names.contains(name) {
                            names.push(name.clone());
                        }
                    }
                }
                (_, Some(_)) => {}
                (_, None) => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if hops < MAX_HOPS {
            for member in schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.merge_into(member, out, hops + 1);
            }
        }
    }

    /// The properties of an object schema through `$ref` and `allOf`:
    /// (name, schema, whether required), in the order of the map (by name).
    pub fn properties(self, schema: &'a Value) -> Vec<(String, Value, bool)> {
        let merged = Value::Object(self.merged(schema));
        let required = required(&merged);
        merged
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, s)| (name.clone(), s.clone(), required.contains(name.as_str())))
            .collect()
    }

    /// Every component schema name `$ref`d from `value`, following references
    /// to other components (responses, bodies) and into the schemas reached.
    pub fn reachable(self, value: &'a Value, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(fields) => {
                if let Some(reference) = fields.get("$ref").and_then(Value::as_str) {
                    let name = reference.strip_prefix("#/components/schemas/");
                    let fresh = name.is_none_or(|n| out.insert(n.to_owned()));
                    if let (true, Some(target)) = (fresh, self.target(reference)) {
                        self.reachable(target, out);
                    }
                }
                for (key, field) in fields {
                    if key != "example" && key != "$ref" {
                        self.reachable(field, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.reachable(item, out)),
            _ => {}
        }
    }
}

impl<'a> Operation<'a> {
    /// `GET /path` (upper-case method).
    pub fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }

    /// The request body's schema ([`media_schema`]).
    pub fn request_schema(&self) -> Option<&'a Value> {
        self.node
            .get("requestBody")
            .map(|body| self.spec.deref(body))
            .and_then(media_schema)
    }

    /// The responses with a 2xx status, lowest first, `$ref` resolved.
    pub fn successes(&self) -> Vec<(&'a str, &'a Value)> {
        let mut found: Vec<(&str, &Value)> = self
            .node
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(code, _)| code.starts_with('2'))
            .map(|(code, response)| (code.as_str(), self.spec.deref(response)))
            .collect();
        found.sort_by(|a, b| a.0.cmp(b.0));
        found
    }

    /// The lowest 2xx response: (status, response object).
    pub fn success(&self) -> Option<(&'a str, &'a Value)> {
        self.successes().into_iter().next()
    }

    /// The response documented for `status` (or `default`), `$ref` resolved.
    pub fn response(&self, status: u16) -> Option<&'a Value> {
        let responses = self.node.get("responses")?;
        let response = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))?;
        Some(self.spec.deref(response))
    }
}

/// The names in a schema's own `required` list.
pub fn required(schema: &Value) -> BTreeSet<&str> {
    let names = schema.get("required").and_then(Value::as_array);
    names
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The schema of a body or response: its `application/json` media type's,
/// else the first JSON-like one's, else the first one's in name order.
pub fn media_schema(node: &Value) -> Option<&Value> {
    let content = node.get("content")?.as_object()?;
    let mut types: Vec<&String> = content.keys().collect();
    types.sort();
    let chosen = types
        .iter()
        .find(|t| t.as_str() == "application/json")
        .or_else(|| types.iter().find(|t| t.contains("json")))
        .or_else(|| types.first())?;
    content.get(chosen.as_str())?.get("schema")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_carry_resolved_parameters_and_merged_properties() {
        let doc = parse(
            r##"
openapi: 3.0.3
paths:
  /x/{id}:
    parameters: [{$ref: "#/components/parameters/Id"}]
    post:
      operationId: make
      tags: [Things]
      parameters: [{in: header, name: X-Trace, schema: {type: string}}]
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/B"}}}}
      responses:
        201: {$ref: "#/components/responses/Made"}
components:
  parameters: {Id: {in: path, name: id, required: true, schema: {type: string}}}
  responses: {Made: {content: {application/json: {schema: {type: object}}}}}
  schemas:
    A: {type: object, required: [a], properties: {a: {type: string}}}
    B: {allOf: [{$ref: "#/components/schemas/A"}], required: [b], properties: {b: {type: integer}}}
"##,
        )
        .expect("parses");
        let spec = Spec::new(&doc);
        let op = spec.operation("make").expect("an operation");
        assert_eq!(
            (op.label(), op.tag),
            ("POST /x/{id}".to_owned(), Some("Things"))
        );
        let keys: Vec<_> = op.params.iter().map(Param::key).collect();
        assert_eq!(
            keys,
            [
                ("path".into(), "id".into()),
                ("header".into(), "x-trace".into())
            ]
        );
        assert!(op.params[0].required);
        assert_eq!(op.success().map(|(s, _)| s), Some("201"));
        let body = op.request_schema().expect("a body");
        let props: Vec<(String, bool)> = spec
            .properties(body)
            .into_iter()
            .map(|(n, _, r)| (n, r))
            .collect();
        assert_eq!(props, [("a".to_owned(), true), ("b".to_owned(), true)]);
        let mut reached = BTreeSet::new();
        spec.reachable(op.node, &mut reached);
        assert_eq!(reached, ["A", "B"].map(str::to_owned).into());
        assert_eq!(
            spec.deref(&json!({"$ref": "#/nowhere"})),
            &json!({"$ref": "#/nowhere"})
        );
    }
}
