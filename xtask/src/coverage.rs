//! `cargo xtask coverage`: how much of the OpenAPI document HeyMilo publishes
//! our hand-written spec describes.
//!
//! The published document is OpenAPI 3.1 JSON, ours is OpenAPI 3.0 YAML, so
//! both are read as plain [`serde_json::Value`]s and compared structurally:
//! operations by method and path, their parameters by location and name,
//! request and success-response bodies by the property paths their schemas
//! reach, and component schemas by name. Nullability is spelled differently
//! in the two versions (`anyOf: [X, {type: null}]` against `allOf: [X]` plus
//! `nullable`); walking every composition member and taking the union of
//! what they reach makes both spellings lead to the same paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};

/// The HTTP methods an OpenAPI path item may hold operations under.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Header parameters the published document lists on each operation but our
/// spec covers with a security scheme (compared case-insensitively).
const AUTH_HEADERS: [&str; 2] = ["x-api-key", "authorization"];

/// Parameter schema keywords whose values must agree between the two specs.
const PARAM_KEYWORDS: [&str; 3] = ["minimum", "maximum", "default"];

/// How many `$ref` hops a lookup follows before giving up.
const MAX_HOPS: usize = 32;

/// Compares the published document at `published` with our spec (`spec`, or
/// `openapi/v2.yaml` under `root`), prints the report, and fails when
/// something published is missing from ours unless `allow_missing` is set.
pub fn run(
    root: &Path,
    published: &Path,
    spec: Option<PathBuf>,
    allow_missing: bool,
) -> Result<()> {
    let spec = spec.unwrap_or_else(|| root.join("openapi/v2.yaml"));
    let theirs = load_json(published)?;
    let ours = load_yaml(&spec)?;
    let report = compare(&theirs, &ours);
    print!("{}", report.render());
    let missing = report.missing_total();
    if missing > 0 && !allow_missing {
        bail!(
            "{missing} item(s) of {} are missing from {} (pass --allow-missing to only report)",
            published.display(),
            spec.display()
        );
    }
    Ok(())
}

/// Reads a JSON OpenAPI document.
pub(crate) fn load_json(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read published spec {}", path.display()))?;
    let value: Value = serde_json::from_str(&text)
        .with_context(|| format!("cannot parse {} as JSON", path.display()))?;
    ensure_openapi(value, path)
}

/// Reads a YAML OpenAPI document, converting it to a JSON value.
pub(crate) fn load_yaml(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read our spec {}", path.display()))?;
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(&text)
        .with_context(|| format!("cannot parse {} as YAML", path.display()))?;
    yaml.apply_merge()
        .with_context(|| format!("cannot apply YAML merge keys in {}", path.display()))?;
    let value = yaml_to_json(yaml).with_context(|| format!("cannot convert {}", path.display()))?;
    ensure_openapi(value, path)
}

/// Rejects documents that are not objects with an `openapi` version string.
fn ensure_openapi(value: Value, path: &Path) -> Result<Value> {
    if value.get("openapi").and_then(Value::as_str).is_none() {
        bail!(
            "{} is not an OpenAPI document (no `openapi` version field)",
            path.display()
        );
    }
    Ok(value)
}

/// Converts YAML to JSON, turning scalar mapping keys (such as an unquoted
/// `200:` status code) into strings.
fn yaml_to_json(value: serde_yaml::Value) -> Result<Value> {
    use serde_yaml::Value as Yaml;
    Ok(match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                match n.as_f64().and_then(serde_json::Number::from_f64) {
                    Some(f) => Value::Number(f),
                    None => Value::String(n.to_string()),
                }
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<Vec<_>>>()?,
        ),
        Yaml::Mapping(entries) => {
            let mut map = Map::new();
            for (key, item) in entries {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Null => "null".to_owned(),
                    other => bail!("unsupported YAML mapping key {other:?}"),
                };
                map.insert(key, yaml_to_json(item)?);
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => yaml_to_json(tagged.value)?,
    })
}

/// One OpenAPI document, for resolving local `$ref`s.
#[derive(Clone, Copy)]
struct Doc<'a> {
    root: &'a Value,
}

impl<'a> Doc<'a> {
    /// The target of a local reference such as `#/components/schemas/X`.
    fn resolve(self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        if pointer.is_empty() {
            Some(self.root)
        } else {
            self.root.pointer(pointer)
        }
    }

    /// Follows a chain of `$ref`s (of parameters, bodies, responses, path
    /// items) to the object it ends at.
    fn deref(self, mut node: &'a Value) -> &'a Value {
        for _ in 0..MAX_HOPS {
            match node
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| self.resolve(r))
            {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    }

    /// Every operation, keyed by (path, METHOD).
    fn operations(self) -> BTreeMap<(String, String), Operation<'a>> {
        let mut found = BTreeMap::new();
        let Some(paths) = self.root.get("paths").and_then(Value::as_object) else {
            return found;
        };
        for (path, item) in paths {
            let item = self.deref(item);
            let shared = self.parameters(item.get("parameters"));
            for method in METHODS {
                let Some(node) = item.get(method) else {
                    continue;
                };
                let mut params = shared.clone();
                params.extend(self.parameters(node.get("parameters")));
                found.insert(
                    (path.clone(), method.to_uppercase()),
                    Operation {
                        id: node.get("operationId").and_then(Value::as_str),
                        node,
                        params,
                    },
                );
            }
        }
        found
    }

    /// A `parameters` list keyed by (location, name), header names in lower
    /// case, without the authentication headers.
    fn parameters(self, list: Option<&'a Value>) -> BTreeMap<(String, String), Param<'a>> {
        let mut params = BTreeMap::new();
        for param in list.and_then(Value::as_array).into_iter().flatten() {
            let param = self.deref(param);
            let (Some(location), Some(name)) = (
                param.get("in").and_then(Value::as_str),
                param.get("name").and_then(Value::as_str),
            ) else {
                continue;
            };
            let key_name = if location == "header" {
                let lower = name.to_ascii_lowercase();
                if AUTH_HEADERS.contains(&lower.as_str()) {
                    continue;
                }
                lower
            } else {
                name.to_owned()
            };
            params.insert((location.to_owned(), key_name), Param { name, node: param });
        }
        params
    }

    /// The value of a schema keyword, looked up through `$ref`s and the
    /// members of `allOf`/`anyOf`/`oneOf` when the schema itself lacks it.
    fn keyword(self, schema: &'a Value, key: &str, hops: usize) -> Option<&'a Value> {
        if hops > MAX_HOPS {
            return None;
        }
        if let Some(value) = schema.get(key) {
            return Some(value);
        }
        if let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
            && let Some(value) = self.keyword(target, key, hops + 1)
        {
            return Some(value);
        }
        ["allOf", "anyOf", "oneOf"]
            .iter()
            .filter_map(|k| schema.get(*k).and_then(Value::as_array))
            .flatten()
            .find_map(|member| self.keyword(member, key, hops + 1))
    }

    /// The names a schema marks `required`, through `$ref`s and `allOf` at
    /// its top level.
    fn required(self, schema: &'a Value, hops: usize, out: &mut BTreeSet<String>) {
        if hops > MAX_HOPS {
            return;
        }
        let names = schema.get("required").and_then(Value::as_array);
        out.extend(
            names
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
        if let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
            self.required(target, hops + 1, out);
        }
        for member in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.required(member, hops + 1, out);
        }
    }

    /// The property paths a schema reaches (see [`Walker`]).
    fn property_paths(self, schema: &'a Value, follow_nested_refs: bool) -> BTreeSet<String> {
        let mut walker = Walker {
            doc: self,
            follow_nested_refs,
            stack: Vec::new(),
            out: BTreeSet::new(),
        };
        walker.walk(schema, "");
        walker.out
    }

    /// The schema of a request body.
    fn request_schema(self, op: &'a Value) -> Option<&'a Value> {
        op.get("requestBody")
            .map(|body| self.deref(body))
            .and_then(media_schema)
    }

    /// The responses of an operation with a 2xx status, lowest first.
    fn success_responses(self, op: &'a Value) -> Vec<(&'a str, &'a Value)> {
        let mut found: Vec<(&str, &Value)> = op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(code, _)| code.starts_with('2'))
            .map(|(code, response)| (code.as_str(), self.deref(response)))
            .collect();
        found.sort_by(|a, b| a.0.cmp(b.0));
        found
    }
}

/// The schema of a body or response: its JSON media type's, or else the
/// first media type's in name order.
fn media_schema(node: &Value) -> Option<&Value> {
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

/// One operation of a document.
struct Operation<'a> {
    id: Option<&'a str>,
    node: &'a Value,
    params: BTreeMap<(String, String), Param<'a>>,
}

/// One parameter of an operation, `$ref` resolved.
#[derive(Clone, Copy)]
struct Param<'a> {
    name: &'a str,
    node: &'a Value,
}

/// Collects the property paths a schema reaches: `a.b` for nested
/// properties, `a[].b` through array items, `a{}.b` through
/// `additionalProperties` schemas. Every member of `allOf`, `anyOf` and
/// `oneOf` is walked and their paths merged; a `$ref` already being walked
/// is not entered again, which ends cycles.
struct Walker<'a> {
    doc: Doc<'a>,
    /// Whether to enter `$ref`s below the top level; component schemas are
    /// compared without, as each referenced schema is compared by name.
    follow_nested_refs: bool,
    stack: Vec<&'a str>,
    out: BTreeSet<String>,
}

impl<'a> Walker<'a> {
    fn walk(&mut self, schema: &'a Value, prefix: &str) {
        let Some(node) = schema.as_object() else {
            return;
        };
        if let Some(reference) = node.get("$ref").and_then(Value::as_str)
            && (self.follow_nested_refs || prefix.is_empty())
            && !self.stack.contains(&reference)
            && let Some(target) = self.doc.resolve(reference)
        {
            self.stack.push(reference);
            self.walk(target, prefix);
            self.stack.pop();
        }
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            for (name, sub) in props {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                self.out.insert(path.clone());
                self.walk(sub, &path);
            }
        }
        if let Some(items) = node.get("items") {
            self.walk(items, &format!("{prefix}[]"));
        }
        if let Some(extra @ Value::Object(_)) = node.get("additionalProperties") {
            self.walk(extra, &format!("{prefix}{{}}"));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            for member in node
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.walk(member, prefix);
            }
        }
    }
}

/// Whether two optional JSON values agree, numbers compared by value (so
/// `100` and `100.0` agree).
fn same_value(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => json_eq(a, b),
        _ => false,
    }
}

fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn show(value: Option<&Value>) -> String {
    value.map_or_else(|| "absent".to_owned(), Value::to_string)
}

/// What the comparison found; every list is sorted.
#[derive(Default)]
pub struct Report {
    pub(crate) published_operations: usize,
    pub(crate) covered_operations: usize,
    pub(crate) missing_operations: Vec<String>,
    pub(crate) extra_operations: Vec<String>,
    pub(crate) missing_parameters: BTreeSet<String>,
    pub(crate) extra_parameters: BTreeSet<String>,
    pub(crate) missing_properties: BTreeSet<String>,
    pub(crate) extra_properties: BTreeSet<String>,
    pub(crate) missing_schemas: BTreeSet<String>,
    pub(crate) extra_schemas: BTreeSet<String>,
    pub(crate) missing_schema_properties: BTreeSet<String>,
    pub(crate) extra_schema_properties: BTreeSet<String>,
    pub(crate) differences: BTreeSet<String>,
}

/// Compares the published document (`theirs`) with ours.
pub fn compare(theirs: &Value, ours: &Value) -> Report {
    let theirs = Doc { root: theirs };
    let ours = Doc { root: ours };
    let mut report = Report::default();
    compare_operations(theirs, ours, &mut report);
    compare_components(theirs, ours, &mut report);
    report
}

fn operation_line(key: &(String, String), op: &Operation<'_>) -> String {
    match op.id {
        Some(id) => format!("{} {} ({id})", key.1, key.0),
        None => format!("{} {}", key.1, key.0),
    }
}

fn compare_operations(theirs: Doc<'_>, ours: Doc<'_>, report: &mut Report) {
    let their_ops = theirs.operations();
    let our_ops = ours.operations();
    report.published_operations = their_ops.len();
    for (key, their_op) in &their_ops {
        let Some(our_op) = our_ops.get(key) else {
            report
                .missing_operations
                .push(operation_line(key, their_op));
            continue;
        };
        report.covered_operations += 1;
        let label = our_op
            .id
            .or(their_op.id)
            .map_or_else(|| format!("{} {}", key.1, key.0), str::to_owned);
        compare_parameters(theirs, ours, &label, their_op, our_op, report);
        compare_bodies(theirs, ours, &label, their_op, our_op, report);
    }
    for (key, our_op) in &our_ops {
        if !their_ops.contains_key(key) {
            report.extra_operations.push(operation_line(key, our_op));
        }
    }
}

fn compare_parameters(
    theirs: Doc<'_>,
    ours: Doc<'_>,
    label: &str,
    their_op: &Operation<'_>,
    our_op: &Operation<'_>,
    report: &mut Report,
) {
    for (key, their_param) in &their_op.params {
        let what = format!("{label}: {} {}", key.0, their_param.name);
        let Some(our_param) = our_op.params.get(key) else {
            report.missing_parameters.insert(what);
            continue;
        };
        let required = |p: &Param<'_>| {
            p.node
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        let (their_required, our_required) = (required(their_param), required(our_param));
        if their_required != our_required {
            report.differences.insert(format!(
                "{what}: required is {their_required} in published, {our_required} in ours"
            ));
        }
        for keyword in PARAM_KEYWORDS {
            let their_value = their_param
                .node
                .get("schema")
                .and_then(|s| theirs.keyword(s, keyword, 0));
            let our_value = our_param
                .node
                .get("schema")
                .and_then(|s| ours.keyword(s, keyword, 0));
            if !same_value(their_value, our_value) {
                report.differences.insert(format!(
                    "{what}: {keyword} is {} in published, {} in ours",
                    show(their_value),
                    show(our_value)
                ));
            }
        }
    }
    for (key, our_param) in &our_op.params {
        if !their_op.params.contains_key(key) {
            report
                .extra_parameters
                .insert(format!("{label}: {} {}", key.0, our_param.name));
        }
    }
}

fn compare_bodies(
    theirs: Doc<'_>,
    ours: Doc<'_>,
    label: &str,
    their_op: &Operation<'_>,
    our_op: &Operation<'_>,
    report: &mut Report,
) {
    compare_schema_paths(
        theirs,
        ours,
        &format!("{label} request"),
        theirs.request_schema(their_op.node),
        ours.request_schema(our_op.node),
        report,
    );

    let their_success = theirs.success_responses(their_op.node);
    let our_success = ours.success_responses(our_op.node);
    let Some(&(code, their_response)) = their_success.first() else {
        return;
    };
    let our_response = match our_success.iter().find(|(c, _)| *c == code) {
        Some(&(_, response)) => Some(response),
        None => {
            let ours_has = our_success.first().map_or("none", |(c, _)| *c);
            report.differences.insert(format!(
                "{label}: success status is {code} in published, {ours_has} in ours"
            ));
            our_success.first().map(|(_, response)| *response)
        }
    };
    compare_schema_paths(
        theirs,
        ours,
        &format!("{label} {code}"),
        media_schema(their_response),
        our_response.and_then(media_schema),
        report,
    );
}

/// Records the property paths one body schema has and the other lacks.
fn compare_schema_paths(
    theirs: Doc<'_>,
    ours: Doc<'_>,
    label: &str,
    their_schema: Option<&Value>,
    our_schema: Option<&Value>,
    report: &mut Report,
) {
    let their_paths = their_schema
        .map(|s| theirs.property_paths(s, true))
        .unwrap_or_default();
    let our_paths = our_schema
        .map(|s| ours.property_paths(s, true))
        .unwrap_or_default();
    if their_schema.is_some() && our_schema.is_none() && their_paths.is_empty() {
        report
            .missing_properties
            .insert(format!("{label}: (schema)"));
    }
    for path in their_paths.difference(&our_paths) {
        report.missing_properties.insert(format!("{label}: {path}"));
    }
    for path in our_paths.difference(&their_paths) {
        report.extra_properties.insert(format!("{label}: {path}"));
    }
}

fn component_schemas<'a>(doc: Doc<'a>) -> Option<&'a Map<String, Value>> {
    doc.root
        .pointer("/components/schemas")
        .and_then(Value::as_object)
}

fn compare_components(theirs: Doc<'_>, ours: Doc<'_>, report: &mut Report) {
    let empty = Map::new();
    let their_schemas = component_schemas(theirs).unwrap_or(&empty);
    let our_schemas = component_schemas(ours).unwrap_or(&empty);
    for (name, their_schema) in their_schemas {
        let Some(our_schema) = our_schemas.get(name) else {
            report.missing_schemas.insert(name.clone());
            continue;
        };
        let their_paths = theirs.property_paths(their_schema, false);
        let our_paths = ours.property_paths(our_schema, false);
        for path in their_paths.difference(&our_paths) {
            report
                .missing_schema_properties
                .insert(format!("{name}: {path}"));
        }
        for path in our_paths.difference(&their_paths) {
            report
                .extra_schema_properties
                .insert(format!("{name}: {path}"));
        }
        let (mut their_required, mut our_required) = (BTreeSet::new(), BTreeSet::new());
        theirs.required(their_schema, 0, &mut their_required);
        ours.required(our_schema, 0, &mut our_required);
        for field in their_required.difference(&our_required) {
            report.differences.insert(format!(
                "schema {name}: `{field}` is required in published, not in ours"
            ));
        }
        for field in our_required.difference(&their_required) {
            report.differences.insert(format!(
                "schema {name}: `{field}` is required in ours, not in published"
            ));
        }
    }
    for name in our_schemas.keys() {
        if !their_schemas.contains_key(name) {
            report.extra_schemas.insert(name.clone());
        }
    }
}

/// Appends a titled list: `title (n):` then one indented line per item.
fn push_list<'s>(
    lines: &mut Vec<String>,
    indent: &str,
    title: &str,
    items: impl ExactSizeIterator<Item = &'s String>,
) {
    lines.push(format!("{indent}{title} ({}):", items.len()));
    lines.extend(items.map(|item| format!("{indent}  {item}")));
}

impl Report {
    /// How many published things ours lacks: operations, parameters,
    /// properties (of bodies and of component schemas) and schemas.
    pub fn missing_total(&self) -> usize {
        self.missing_operations.len()
            + self.missing_parameters.len()
            + self.missing_property_count()
            + self.missing_schemas.len()
    }

    fn missing_property_count(&self) -> usize {
        self.missing_properties.len() + self.missing_schema_properties.len()
    }

    /// The report as text, ending with the summary lines.
    pub fn render(&self) -> String {
        let mut lines = Vec::new();
        lines.push(format!(
            "operations: covered {}/{}",
            self.covered_operations, self.published_operations
        ));
        push_list(&mut lines, "  ", "missing", self.missing_operations.iter());
        push_list(&mut lines, "  ", "extra", self.extra_operations.iter());
        lines.push("parameters:".to_owned());
        push_list(&mut lines, "  ", "missing", self.missing_parameters.iter());
        push_list(&mut lines, "  ", "extra", self.extra_parameters.iter());
        lines.push("properties:".to_owned());
        push_list(&mut lines, "  ", "missing", self.missing_properties.iter());
        push_list(&mut lines, "  ", "extra", self.extra_properties.iter());
        lines.push("schemas:".to_owned());
        push_list(&mut lines, "  ", "missing", self.missing_schemas.iter());
        push_list(&mut lines, "  ", "extra", self.extra_schemas.iter());
        push_list(
            &mut lines,
            "  ",
            "missing properties",
            self.missing_schema_properties.iter(),
        );
        push_list(
            &mut lines,
            "  ",
            "extra properties",
            self.extra_schema_properties.iter(),
        );
        push_list(&mut lines, "", "differences", self.differences.iter());
        lines.push(format!(
            "coverage: {}/{} operations, {} missing parameters, {} missing properties, {} missing schemas",
            self.covered_operations,
            self.published_operations,
            self.missing_parameters.len(),
            self.missing_property_count(),
            self.missing_schemas.len()
        ));
        lines.push(format!(
            "extra: {} operations, {} parameters, {} properties, {} schemas; {} differences",
            self.extra_operations.len(),
            self.extra_parameters.len(),
            self.extra_properties.len() + self.extra_schema_properties.len(),
            self.extra_schemas.len(),
            self.differences.len()
        ));
        let mut text = lines.join("\n");
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_spellings_reach_the_same_paths() {
        let published = json!({
            "components": {"schemas": {
                "A": {"properties": {"b": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]}}},
                "B": {"properties": {"c": {"type": "array", "items": {"$ref": "#/components/schemas/A"}}}}
            }}
        });
        let ours = json!({
            "components": {"schemas": {
                "A": {"properties": {"b": {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true}}},
                "B": {"properties": {"c": {"type": "array", "items": {"$ref": "#/components/schemas/A"}}}}
            }}
        });
        let schema = json!({"$ref": "#/components/schemas/A"});
        let expected: BTreeSet<String> = ["b", "b.c"].map(str::to_owned).into();
        assert_eq!(
            Doc { root: &published }.property_paths(&schema, true),
            expected
        );
        assert_eq!(Doc { root: &ours }.property_paths(&schema, true), expected);
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(same_value(Some(&json!(100)), Some(&json!(100.0))));
        assert!(!same_value(Some(&json!(1)), None));
    }
}
