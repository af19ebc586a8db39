//! Deterministic bundles of the specs for other language teams, under
//! `openapi/dist/`, and the checks that keep them and the changelog in step.

use std::path::Path;

use anyhow::{Context, Result};
use heymilo_codegen::SPECS;
use heymilo_codegen::spec::{self, Spec};
use serde_json::{Map, Value, json};

/// Where the bundles live, relative to the workspace root.
pub const DIST: &str = "openapi/dist";

/// The bundles as (path relative to the root, content).
///
/// A bundle is the spec parsed and written back with sorted keys, in JSON and
/// in YAML: the same input always gives the same bytes, whatever the
/// formatting of the hand-written source. Two readings per generation:
/// `heymilo-<gen>.{json,yaml}` is OpenAPI 3.0.3 whose nullability strict
/// readers see as progenitor does ([`strict_30`]), and
/// `heymilo-<gen>.openapi-3.1.{json,yaml}` is the same document in 3.1
/// ([`to_31`]).
pub fn bundles(root: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (module, rel) in SPECS {
        let value = spec::load(&root.join(rel))?;
        for (suffix, doc) in [("", strict_30(&value)), (".openapi-3.1", to_31(&value))] {
            let json = serde_json::to_string_pretty(&doc)? + "\n";
            let yaml = serde_yaml::to_string(&doc)?;
            out.push((format!("{DIST}/heymilo-{module}{suffix}.json"), json));
            out.push((format!("{DIST}/heymilo-{module}{suffix}.yaml"), yaml));
        }
    }
    Ok(out)
}

/// The local schema a `{"allOf": [{"$ref": ...}], "nullable": true}` wrapper
/// stands for, when `map` is one.
fn nullable_ref<'a>(map: &'a Map<String, Value>, spec: &'a Value) -> Option<&'a Value> {
    if map.get("nullable") != Some(&Value::Bool(true)) {
        return None;
    }
    let [only] = map.get("allOf")?.as_array()?.as_slice() else {
        return None;
    };
    let target = only.as_object()?;
    if target.len() != 1 {
        return None;
    }
    Spec::new(spec).target(target.get("$ref")?.as_str()?)
}

/// The 3.0.3 bundle: a nullable reference (`allOf: [$ref]` + `nullable`, which
/// strict readers do not read as nullable because `nullable` has no effect
/// beside a bare `allOf`) becomes an inlined copy of the referenced schema
/// with `nullable: true` and the wrapper's own keywords; a nullable `enum`
/// lists `null`, as 3.0.3 requires for `null` to pass.
pub fn strict_30(spec: &Value) -> Value {
    fn walk(value: &Value, spec: &Value, depth: usize) -> Value {
        match value {
            Value::Object(map) => {
                // A schema that (indirectly) holds a nullable reference to itself
                // is inlined a bounded number of times.
                if depth < 16
                    && let Some(target) = nullable_ref(map, spec)
                {
                    let mut inlined = match walk(target, spec, depth + 1) {
                        Value::Object(m) => m,
                        other => return other,
                    };
                    for (k, v) in map.iter().filter(|(k, _)| k.as_str() != "allOf") {
                        inlined.insert(k.clone(), walk(v, spec, depth));
                    }
                    return Value::Object(inlined);
                }
                let mut out: Map<String, Value> = map
                    .iter()
                    .map(|(k, v)| (k.clone(), walk(v, spec, depth)))
                    .collect();
                if out.get("nullable") == Some(&Value::Bool(true))
                    && let Some(Value::Array(values)) = out.get_mut("enum")
                    && !values.contains(&Value::Null)
                {
                    values.push(Value::Null);
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| walk(v, spec, depth)).collect())
            }
            other => other.clone(),
        }
    }
    walk(spec, spec, 0)
}

/// The 3.1 bundle: `openapi: 3.1.0`; `nullable` becomes a `"null"` entry in
/// `type` (and in `enum`), a nullable reference becomes `anyOf: [$ref,
/// {type: "null"}]`, and a nullable schema without a type (any value) just
/// loses the keyword, since it already admits `null`.
pub fn to_31(spec: &Value) -> Value {
    fn walk(value: &Value, spec: &Value) -> Value {
        match value {
            Value::Object(map) => {
                if let Some(Value::Array(parts)) = map.get("allOf")
                    && nullable_ref(map, spec).is_some()
                {
                    let mut out: Map<String, Value> = map
                        .iter()
                        .filter(|(k, _)| !matches!(k.as_str(), "allOf" | "nullable"))
                        .map(|(k, v)| (k.clone(), walk(v, spec)))
                        .collect();
                    let mut alternatives: Vec<Value> = parts.clone();
                    alternatives.push(json!({"type": "null"}));
                    out.insert("anyOf".to_owned(), Value::Array(alternatives));
                    return Value::Object(out);
                }
                let mut out: Map<String, Value> = map
                    .iter()
                    .map(|(k, v)| (k.clone(), walk(v, spec)))
                    .collect();
                if out.remove("nullable") == Some(Value::Bool(true)) {
                    if let Some(Value::String(t)) = out.get("type").cloned() {
                        out.insert("type".to_owned(), json!([t, "null"]));
                    }
                    if let Some(Value::Array(values)) = out.get_mut("enum")
                        && !values.contains(&Value::Null)
                    {
                        values.push(Value::Null);
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| walk(v, spec)).collect()),
            other => other.clone(),
        }
    }
    let mut out = walk(spec, spec);
    out["openapi"] = Value::String("3.1.0".to_owned());
    out
}

/// Writes the bundles.
pub fn publish(root: &Path) -> Result<()> {
    std::fs::create_dir_all(root.join(DIST))?;
    for (rel, content) in bundles(root)? {
        std::fs::write(root.join(&rel), content).with_context(|| format!("writing {rel}"))?;
        println!("publish: wrote {rel}");
    }
    changelog_problems(root)?
        .into_iter()
        .for_each(|p| eprintln!("warning: {p}"));
    Ok(())
}

/// Bundles that differ from what the specs produce, and versions missing
/// from the changelog, as readable problems.
pub fn drift(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (rel, fresh) in bundles(root)? {
        let current = std::fs::read_to_string(root.join(&rel)).unwrap_or_default();
        if let Some(diff) = heymilo_codegen::drift(&current, &fresh, &rel, 40) {
            problems.push(format!(
                "{rel} is stale (run `cargo xtask publish`):\n{diff}"
            ));
        }
    }
    problems.extend(changelog_problems(root)?);
    Ok(problems)
}

/// Each spec's `info.version` must have a `## <module> <version>` entry in
/// `openapi/CHANGELOG.md`.
fn changelog_problems(root: &Path) -> Result<Vec<String>> {
    let changelog = std::fs::read_to_string(root.join("openapi/CHANGELOG.md")).unwrap_or_default();
    let mut problems = Vec::new();
    for (module, rel) in SPECS {
        let value = spec::load(&root.join(rel))?;
        let version = value
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("");
        let heading = format!("## {module} {version}");
        if !changelog.lines().any(|l| l.trim() == heading) {
            problems.push(format!(
                "openapi/CHANGELOG.md has no `{heading}` entry for {rel}'s info.version"
            ));
        }
    }
    Ok(problems)
}
