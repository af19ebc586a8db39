//! Breaking changes between two versions of a spec, from a client's side.
//!
//! Rules (each finding names its rule):
//! - `removed-operation`: an operation (method and path) is gone.
//! - `removed-parameter`: a parameter (location and name) is gone.
//! - `new-required-parameter`: a parameter is new and required, or became required.
//! - `removed-property`: a request or response property is gone.
//! - `new-required-field`: a request body field is new and required, or became required.
//! - `type-changed`: a parameter's or property's type or format changed.
//! - `enum-narrowed`: a request value set lost values (or a free value became an enum).
//! - `range-narrowed`: a request bound tightened (minimum, maximum, lengths, item counts).
//! - `newly-nullable`: a response field may now be null.
//! - `auth-changed`: an operation's security requirements or a security scheme changed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use heymilo_codegen::spec::{self, Operation, Param, Spec};
use serde_json::Value;

/// One breaking change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// The rule, e.g. `removed-property`.
    pub rule: &'static str,
    /// Where: `GET /path` and a detail.
    pub detail: String,
}

/// Compares two spec files and prints the report; an error when anything breaks.
pub fn run(old: &Path, new: &Path) -> Result<()> {
    let (a, b) = (load(old)?, load(new)?);
    let findings = compare(&a, &b);
    for f in &findings {
        println!("BREAKING {}: {}", f.rule, f.detail);
    }
    if findings.is_empty() {
        println!(
            "breaking: no breaking change from {} to {}",
            old.display(),
            new.display()
        );
        Ok(())
    } else {
        bail!(
            "{} breaking change(s) from {} to {}",
            findings.len(),
            old.display(),
            new.display()
        )
    }
}

fn load(path: &Path) -> Result<Value> {
    Ok(spec::load(path)?)
}

/// Every breaking change from `old` to `new`, sorted.
pub fn compare(old: &Value, new: &Value) -> Vec<Finding> {
    let mut out = BTreeSet::new();
    let mut add = |rule: &'static str, detail: String| {
        out.insert(Finding { rule, detail });
    };
    let new_ops = Spec::new(new).operations();
    for op_old in Spec::new(old).operations() {
        let at = op_old.label();
        let Some(op_new) = new_ops
            .iter()
            .find(|o| (o.path, o.method) == (op_old.path, op_old.method))
        else {
            add("removed-operation", at);
            continue;
        };
        let (params_old, params_new) = (params(&op_old), params(op_new));
        for (key, p_old) in &params_old {
            let name = format!("{at}: {} parameter {}", key.0, key.1);
            match params_new.get(key) {
                None => add("removed-parameter", name),
                Some(p_new) => {
                    if p_new.required && !p_old.required {
                        add("new-required-parameter", name.clone());
                    }
                    let s_old = p_old.schema.map(|s| flatten(old, s)).unwrap_or_default();
                    let s_new = p_new.schema.map(|s| flatten(new, s)).unwrap_or_default();
                    compare_schemas(&mut add, &name, &s_old, &s_new, Side::Request);
                }
            }
        }
        for (key, p_new) in &params_new {
            if !params_old.contains_key(key) && p_new.required {
                add(
                    "new-required-parameter",
                    format!("{at}: {} parameter {}", key.0, key.1),
                );
            }
        }

        let json = |doc: &Value, node: &Value| {
            node.pointer("/content/application~1json/schema")
                .map(|s| flatten(doc, s))
                .unwrap_or_default()
        };
        let body = |doc: &Value, op: &Operation<'_>| {
            op.node
                .get("requestBody")
                .map(|b| json(doc, Spec::new(doc).deref(b)))
                .unwrap_or_default()
        };
        compare_schemas(
            &mut add,
            &format!("{at}: request body"),
            &body(old, &op_old),
            &body(new, op_new),
            Side::Request,
        );

        let new_successes = op_new.successes();
        for (status, r_old) in op_old.successes() {
            if let Some((_, r_new)) = new_successes.iter().find(|(s, _)| *s == status) {
                compare_schemas(
                    &mut add,
                    &format!("{at}: response {status}"),
                    &json(old, r_old),
                    &json(new, r_new),
                    Side::Response,
                );
            }
        }

        if security(old, op_old.node) != security(new, op_new.node) {
            add(
                "auth-changed",
                format!("{at}: security requirements changed"),
            );
        }
    }
    let schemes = |doc: &Value| {
        doc.pointer("/components/securitySchemes")
            .cloned()
            .unwrap_or(Value::Null)
    };
    let (s_old, s_new) = (schemes(old), schemes(new));
    if let Some(map) = s_old.as_object() {
        for (name, scheme) in map {
            if s_new.get(name) != Some(scheme) {
                add(
                    "auth-changed",
                    format!("security scheme {name} changed or was removed"),
                );
            }
        }
    }
    out.into_iter().collect()
}

fn params<'a>(op: &Operation<'a>) -> BTreeMap<(String, String), Param<'a>> {
    op.params.iter().map(|p| (p.key(), *p)).collect()
}

fn security(doc: &Value, op: &Value) -> Value {
    op.get("security")
        .or_else(|| doc.get("security"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// What matters about one schema position for compatibility.
#[derive(Debug, Default, Clone, PartialEq)]
struct Facts {
    kind: Option<String>,
    format: Option<String>,
    nullable: bool,
    enumeration: Option<BTreeSet<String>>,
    bounds: BTreeMap<&'static str, f64>,
    /// Required within its parent object.
    required: bool,
}

/// Flattens a schema into `path -> facts` (`""` is the root, `a.b`, `a[]`).
fn flatten(doc: &Value, schema: &Value) -> BTreeMap<String, Facts> {
    let mut out = BTreeMap::new();
    walk(doc, schema, String::new(), false, &mut Vec::new(), &mut out);
    out
}

fn walk(
    doc: &Value,
    schema: &Value,
    path: String,
    required: bool,
    seen: &mut Vec<String>,
    out: &mut BTreeMap<String, Facts>,
) {
    let reference = schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(r) = &reference {
        if seen.contains(r) || seen.len() > 12 {
            return;
        }
        seen.push(r.clone());
    }
    let s = Spec::new(doc).deref(schema);
    let mut facts = out.remove(&path).unwrap_or_default();
    facts.required |= required;
    facts.nullable |= s.get("nullable").and_then(Value::as_bool).unwrap_or(false);
    if let Some(k) = s.get("type").and_then(Value::as_str) {
        facts.kind = Some(k.to_owned());
    }
    if let Some(f) = s.get("format").and_then(Value::as_str) {
        facts.format = Some(f.to_owned());
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array) {
        facts.enumeration = Some(values.iter().map(Value::to_string).collect());
    }
    for bound in [
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "maxProperties",
    ] {
        if let Some(v) = s.get(bound).and_then(Value::as_f64) {
            facts.bounds.insert(bound, v);
        }
    }
    out.insert(path.clone(), facts);
    // allOf merges into this position; oneOf/anyOf variants are unioned.
    for key in ["allOf", "oneOf", "anyOf"] {
        for sub in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            walk(doc, sub, path.clone(), false, seen, out);
        }
    }
    let required_names = spec::required(s);
    for (name, prop) in s
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let child = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        walk(
            doc,
            prop,
            child,
            required_names.contains(name.as_str()),
            seen,
            out,
        );
    }
    if let Some(items) = s.get("items") {
        walk(doc, items, format!("{path}[]"), false, seen, out);
    }
    if reference.is_some() {
        seen.pop();
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Request,
    Response,
}

fn compare_schemas(
    add: &mut impl FnMut(&'static str, String),
    at: &str,
    old: &BTreeMap<String, Facts>,
    new: &BTreeMap<String, Facts>,
    side: Side,
) {
    let field = |p: &str| {
        if p.is_empty() {
            String::new()
        } else {
            format!(" field {p}")
        }
    };
    for (path, f_old) in old {
        let Some(f_new) = new.get(path) else {
            add("removed-property", format!("{at}:{}", field(path)));
            continue;
        };
        if (f_old.kind.is_some() && f_new.kind.is_some() && f_old.kind != f_new.kind)
            || (f_old.format.is_some() && f_old.format != f_new.format)
        {
            let show = |f: &Facts| {
                format!(
                    "{}{}",
                    f.kind.as_deref().unwrap_or("any"),
                    f.format
                        .as_ref()
                        .map(|x| format!("/{x}"))
                        .unwrap_or_default()
                )
            };
            add(
                "type-changed",
                format!("{at}:{} {} -> {}", field(path), show(f_old), show(f_new)),
            );
        }
        match side {
            Side::Request => {
                if f_new.required && !f_old.required && !path.is_empty() {
                    add("new-required-field", format!("{at}:{}", field(path)));
                }
                let narrowed = match (&f_old.enumeration, &f_new.enumeration) {
                    (Some(a), Some(b)) => !a.is_subset(b),
                    (None, Some(_)) => true,
                    _ => false,
                };
                if narrowed {
                    add("enum-narrowed", format!("{at}:{}", field(path)));
                }
                for (bound, v_new) in &f_new.bounds {
                    let tighter = match f_old.bounds.get(bound) {
                        None => true,
                        Some(v_old) => match *bound {
                            "minimum" | "minLength" | "minItems" => v_new > v_old,
                            _ => v_new < v_old,
                        },
                    };
                    if tighter {
                        add(
                            "range-narrowed",
                            format!("{at}:{} {bound} {v_new}", field(path)),
                        );
                    }
                }
            }
            Side::Response => {
                if f_new.nullable && !f_old.nullable {
                    add("newly-nullable", format!("{at}:{}", field(path)));
                }
            }
        }
    }
    // A request field that is new and required breaks existing callers too.
    if side == Side::Request {
        for (path, f_new) in new {
            if !old.contains_key(path) && f_new.required && parent_exists(old, path) {
                add("new-required-field", format!("{at}:{}", field(path)));
            }
        }
    }
}

/// A new required field only breaks callers when its parent object already existed.
fn parent_exists(old: &BTreeMap<String, Facts>, path: &str) -> bool {
    match path.rsplit_once('.') {
        Some((parent, _)) => old.contains_key(parent),
        None => old.contains_key(""),
    }
}

/// What each external tool is known to flag among the fixtures under
/// `xtask/tests/fixtures/breaking` (optic, openapi-diff); the fixtures not
/// listed for a tool (`auth-changed`, `range-narrowed`, `removed-parameter`
/// and, for openapi-diff, a few more) are rules it does not have. The
/// crosscheck holds each tool to its list exactly, so a tool that stops
/// flagging (or always exits 0) fails it, and so does a `compatible` flagged.
const FLAGGED_BY: [(&str, &[&str]); 2] = [
    (
        "optic",
        &[
            "enum-narrowed",
            "new-required-field",
            "new-required-parameter",
            "newly-nullable",
            "removed-operation",
            "removed-property",
            "type-changed",
        ],
    ),
    (
        "openapi-diff",
        &[
            "new-required-field",
            "removed-operation",
            "removed-property",
            "type-changed",
        ],
    ),
];

/// Runs optic and openapi-diff on every fixture pair under
/// `xtask/tests/fixtures/breaking` and fails when either tool's verdicts
/// differ from [`FLAGGED_BY`], or when either flags a pair that ours does
/// not: ours must catch at least what they catch, and flag every fixture but
/// `compatible`.
pub fn crosscheck(root: &Path) -> Result<()> {
    let bin = crate::tools::node(root)?;
    let dir = root.join("xtask/tests/fixtures/breaking");
    let mut names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let flags = |program: &str, old: &Path, new: &Path| -> Result<bool> {
        let (old, new) = (old.as_os_str(), new.as_os_str());
        let args: Vec<&std::ffi::OsStr> = match program {
            "optic" => vec!["diff".as_ref(), old, new, "--check".as_ref()],
            _ => vec![old, new],
        };
        let status = std::process::Command::new(bin.join(program))
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .with_context(|| format!("running {program}"))?;
        // Both exit 1 for "breaking changes found"; anything else is a tool failure.
        match status.code() {
            Some(0) => Ok(false),
            Some(1) => Ok(true),
            _ => bail!("{program} failed ({status})"),
        }
    };
    let mut problems = Vec::new();
    println!(
        "{:<24} {:>6} {:>6} {:>13}",
        "fixture", "ours", "optic", "openapi-diff"
    );
    for name in &names {
        let (old, new) = (
            dir.join(name).join("old.yaml"),
            dir.join(name).join("new.yaml"),
        );
        let ours = !compare(&load(&old)?, &load(&new)?).is_empty();
        let mut verdicts = Vec::new();
        for (tool, expected) in FLAGGED_BY {
            let flagged = flags(tool, &old, &new)?;
            if flagged != expected.contains(&name.as_str()) {
                problems.push(format!(
                    "{tool} flags {name}: {flagged}, expected the opposite"
                ));
            }
            verdicts.push(flagged);
        }
        println!(
            "{name:<24} {ours:>6} {:>6} {:>13}",
            verdicts[0], verdicts[1]
        );
        if ours != (name != "compatible") || (verdicts.contains(&true) && !ours) {
            problems.push(format!("ours flags {name}: {ours}"));
        }
    }
    if problems.is_empty() {
        println!("crosscheck: each tool flags what it should; ours flags every breaking fixture");
        Ok(())
    } else {
        bail!("crosscheck:\n  {}", problems.join("\n  "))
    }
}
