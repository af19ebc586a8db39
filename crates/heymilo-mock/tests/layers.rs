//! The mock's modules import one way: `routes` -> `http`, `model`; `http` ->
//! `model`; `model` -> nothing outside itself; none of them from the crate
//! root; and no module reaches itself through its imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `model/store.rs` -> `["model", "store"]`; `routes/v2/mod.rs` -> `["routes", "v2"]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

/// The text without `//` comments and string literals, so prose that names
/// a path is not taken for an import.
fn code_only(src: &str) -> String {
    let mut out = String::new();
    for line in src.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_str && c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                kept.push(c);
            }
            prev = c;
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{d}}`) into its paths.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let base: Vec<String> = prefix.iter().cloned().chain(head).collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let (mut depth, mut start) = (0, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&base, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&base, &inner[start..], out);
    } else if !tree.is_empty() {
        let tree = tree.split(" as ").next().unwrap_or(tree);
        out.push(
            prefix
                .iter()
                .cloned()
                .chain(tree.split("::").map(|s| s.trim().to_owned()))
                .filter(|s| !s.is_empty() && s != "self")
                .collect(),
        );
    }
}

/// Every `crate::...` path a file names: in `use` lines and inline.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for stmt in code.split(';') {
        let stmt = stmt.trim();
        let body = stmt
            .strip_prefix("pub(crate) use crate::")
            .or_else(|| stmt.strip_prefix("pub use crate::"))
            .or_else(|| stmt.strip_prefix("use crate::"));
        if let Some(tree) = body.filter(|_| stmt.lines().count() < 40) {
            expand(&[], tree, &mut out);
        }
    }
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let is_use = rest[..i].trim_end().ends_with("use");
        if !is_use {
            let path: Vec<String> = after
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or("")
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            out.push(path);
        }
        rest = after;
    }
    out
}

/// `model`, `http`, `routes`, or `` for the crate root.
fn layer(module: &[String]) -> &str {
    module.first().map_or("", String::as_str)
}

#[test]
fn imports_go_one_way_without_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<Vec<String>> = files
        .iter()
        .filter(|f| !f.ends_with("main.rs"))
        .map(|f| module_of(f.strip_prefix(&src).expect("under src")))
        .collect();
    assert!(modules.len() > 10, "found the sources: {modules:?}");
    let allowed = |from: &str, to: &str| match from {
        "" => true,
        "model" => to == "model",
        "http" => matches!(to, "http" | "model"),
        "routes" => matches!(to, "routes" | "http" | "model"),
        _ => false,
    };
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut wrong = Vec::new();
    for file in files.iter().filter(|f| !f.ends_with("main.rs")) {
        let from = module_of(file.strip_prefix(&src).expect("under src"));
        let code = code_only(&std::fs::read_to_string(file).expect("readable"));
        for path in crate_paths(&code) {
            // The longest prefix that is a module of the crate.
            let to = (0..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains(p))
                .unwrap_or_default();
            if !allowed(layer(&from), layer(&to)) || (!from.is_empty() && to.is_empty()) {
                wrong.push(format!(
                    "{} imports crate::{}",
                    from.join("::"),
                    path.join("::")
                ));
            }
            if to != from {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
    // No circle: a depth-first search that meets a module on its own path.
    fn visit(
        m: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        path: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            return Some(path[i..].iter().map(|p| p.join("::")).collect());
        }
        if !done.insert(m.clone()) {
            return None;
        }
        path.push(m.clone());
        for next in graph.get(m).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        let circle = visit(m, &graph, &mut Vec::new(), &mut done);
        assert!(circle.is_none(), "import circle: {circle:?}");
    }
}

#[test]
fn the_parser_sees_groups_and_inline_paths() {
    let code = code_only(
        "use crate::http::{Shared, error::{self, ApiError}};\n// crate::routes in prose\nfn f() { crate::model::store::object(x); }\n",
    );
    let paths = crate_paths(&code);
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert!(joined.contains(&"http::Shared".to_owned()), "{joined:?}");
    assert!(
        joined.contains(&"http::error::ApiError".to_owned()),
        "{joined:?}"
    );
    assert!(
        joined.contains(&"model::store::object".to_owned()),
        "{joined:?}"
    );
    assert!(
        !joined.iter().any(|p| p.starts_with("routes")),
        "{joined:?}"
    );
}
