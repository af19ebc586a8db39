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

use anyhow::{Result, bail};
use heymilo_codegen::spec::{self, Param, Spec, media_schema};
use serde_json::{Map, Value};

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
    let report = compare(&spec::load(published)?, &spec::load(&spec)?);
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

/// One operation of a document with its parameters keyed by (location,
/// name), header names in lower case, without the authentication headers.
struct Operation<'a> {
    id: Option<&'a str>,
    request: Option<&'a Value>,
    successes: Vec<(&'a str, &'a Value)>,
    params: BTreeMap<(String, String), Param<'a>>,
}

/// Every operation of `doc`, keyed by (path, METHOD).
fn operations(doc: Spec<'_>) -> BTreeMap<(String, String), Operation<'_>> {
    doc.operations()
        .into_iter()
        .map(|op| {
            let params = op
                .params
                .iter()
                .filter(|p| {
                    p.location != "header"
                        || !AUTH_HEADERS.contains(&p.name.to_ascii_lowercase().as_str())
                })
                .map(|p| (p.key(), *p))
                .collect();
            let key = (op.path.to_owned(), op.method.to_uppercase());
            let value = Operation {
                id: op.id,
                request: op.request_schema(),
                successes: op.successes(),
                params,
            };
            (key, value)
        })
        .collect()
}

/// The value of a schema keyword, looked up through `$ref`s and the
/// members of `allOf`/`anyOf`/`oneOf` when the schema itself lacks it.
fn keyword<'a>(doc: Spec<'a>, schema: &'a Value, key: &str, hops: usize) -> Option<&'a Value> {
    if hops > MAX_HOPS {
        return None;
    }
    if let Some(value) = schema.get(key) {
        return Some(value);
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| doc.target(r))
        && let Some(value) = keyword(doc, target, key, hops + 1)
    {
        return Some(value);
    }
    ["allOf", "anyOf", "oneOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten()
        .find_map(|member| keyword(doc, member, key, hops + 1))
}

/// The names a schema marks `required`, through `$ref`s and `allOf`.
fn required(doc: Spec<'_>, schema: &Value) -> BTreeSet<String> {
    let merged = Value::Object(doc.merged(schema));
    spec::required(&merged)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The property paths a schema reaches (see [`Walker`]).
fn property_paths(doc: Spec<'_>, schema: &Value, follow_nested_refs: bool) -> BTreeSet<String> {
    let mut walker = Walker {
        doc,
        follow_nested_refs,
        stack: Vec::new(),
        out: BTreeSet::new(),
    };
    walker.walk(schema, "");
    walker.out
}

/// Collects the property paths a schema reaches: `a.b` for nested
/// properties, `a[].b` through array items, `a{}.b` through
/// `additionalProperties` schemas. Every member of `allOf`, `anyOf` and
/// `oneOf` is walked and their paths merged; a `$ref` already being walked
/// is not entered again, which ends cycles.
struct Walker<'a> {
    doc: Spec<'a>,
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
            && let Some(target) = self.doc.target(reference)
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
    let (theirs, ours) = (Spec::new(theirs), Spec::new(ours));
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

fn compare_operations(theirs: Spec<'_>, ours: Spec<'_>, report: &mut Report) {
    let their_ops = operations(theirs);
    let our_ops = operations(ours);
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
        compare_operation(theirs, ours, &label, their_op, our_op, report);
    }
    for (key, our_op) in &our_ops {
        if !their_ops.contains_key(key) {
            report.extra_operations.push(operation_line(key, our_op));
        }
    }
}

/// Parameters, then request and success-response bodies.
fn compare_operation(
    theirs: Spec<'_>,
    ours: Spec<'_>,
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
        let (their_required, our_required) = (their_param.required, our_param.required);
        if their_required != our_required {
            report.differences.insert(format!(
                "{what}: required is {their_required} in published, {our_required} in ours"
            ));
        }
        for keyword in PARAM_KEYWORDS {
            let their_value = their_param
                .schema
                .and_then(|s| self::keyword(theirs, s, keyword, 0));
            let our_value = our_param
                .schema
                .and_then(|s| self::keyword(ours, s, keyword, 0));
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
    compare_schema_paths(
        theirs,
        ours,
        &format!("{label} request"),
        their_op.request,
        our_op.request,
        report,
    );

    let (their_success, our_success) = (&their_op.successes, &our_op.successes);
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
    theirs: Spec<'_>,
    ours: Spec<'_>,
    label: &str,
    their_schema: Option<&Value>,
    our_schema: Option<&Value>,
    report: &mut Report,
) {
    let their_paths = their_schema
        .map(|s| property_paths(theirs, s, true))
        .unwrap_or_default();
    let our_paths = our_schema
        .map(|s| property_paths(ours, s, true))
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

fn compare_components(theirs: Spec<'_>, ours: Spec<'_>, report: &mut Report) {
    let empty = Map::new();
    let their_schemas = theirs.schemas().unwrap_or(&empty);
    let our_schemas = ours.schemas().unwrap_or(&empty);
    for (name, their_schema) in their_schemas {
        let Some(our_schema) = our_schemas.get(name) else {
            report.missing_schemas.insert(name.clone());
            continue;
        };
        let their_paths = property_paths(theirs, their_schema, false);
        let our_paths = property_paths(ours, our_schema, false);
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
        let their_required = required(theirs, their_schema);
        let our_required = required(ours, our_schema);
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
            property_paths(Spec::new(&published), &schema, true),
            expected
        );
        assert_eq!(property_paths(Spec::new(&ours), &schema, true), expected);
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(same_value(Some(&json!(100)), Some(&json!(100.0))));
        assert!(!same_value(Some(&json!(1)), None));
    }
}
