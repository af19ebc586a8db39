//! The mock's modules import one way: `routes` -> `http`, `model`; `http` ->
//! `model`; `model` -> nothing outside itself; none of them from the crate
//! root; `cli` -> the crate root's public API only; and no module reaches
//! itself through its imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for path in std::fs::read_dir(dir)
        .expect("src is readable")
        .flatten()
        .map(|e| e.path())
    {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `model/store.rs` -> `["model", "store"]`; `routes/v2/mod.rs` -> `["routes", "v2"]`.
fn module_of(rel: &Path) -> Module {
    let mut parts: Module = rel
        .with_extension("")
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
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
        let (mut in_str, mut prev) = (false, ' ');
        for (i, c) in line.char_indices() {
            if !in_str && line[i..].starts_with("//") {
                break;
            }
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
            prev = c;
        }
        out.push('\n');
    }
    out
}

fn segments(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "self")
        .map(str::to_owned)
}

/// Expands a `use` tree (`a::{b, c::{d}}`) into its paths.
fn expand(prefix: &[String], tree: &str, out: &mut Vec<Module>) {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let tree = tree.split(" as ").next().unwrap_or(tree);
        return out.extend(
            (!tree.is_empty()).then(|| prefix.iter().cloned().chain(segments(tree)).collect()),
        );
    };
    let base: Module = prefix
        .iter()
        .cloned()
        .chain(segments(&tree[..open]))
        .collect();
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
}

/// Every `crate::...` path a file names: in `use` lines and inline.
fn crate_paths(code: &str) -> Vec<Module> {
    let mut out = Vec::new();
    for stmt in code.split(';').map(str::trim) {
        let body = ["pub(crate) use crate::", "pub use crate::", "use crate::"]
            .iter()
            .find_map(|p| stmt.strip_prefix(p));
        if let Some(tree) = body.filter(|_| stmt.lines().count() < 40) {
            expand(&[], tree, &mut out);
        }
    }
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if !rest[..i].trim_end().ends_with("use") {
            let path = after
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or("");
            out.push(segments(path).collect());
        }
        rest = after;
    }
    out
}

/// A path through the import graph from `m` back to a module already on it.
fn circle(
    m: &Module,
    graph: &BTreeMap<Module, BTreeSet<Module>>,
    path: &mut Vec<Module>,
    done: &mut BTreeSet<Module>,
) -> Option<Vec<String>> {
    if let Some(i) = path.iter().position(|p| p == m) {
        return Some(path[i..].iter().map(|p| p.join("::")).collect());
    }
    if !done.insert(m.clone()) {
        return None;
    }
    path.push(m.clone());
    let found = graph
        .get(m)
        .into_iter()
        .flatten()
        .find_map(|next| circle(next, graph, path, done));
    path.pop();
    found
}

#[test]
fn imports_go_one_way_without_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.retain(|f| !f.ends_with("main.rs"));
    let module = |f: &Path| module_of(f.strip_prefix(&src).expect("under src"));
    let modules: BTreeSet<Module> = files.iter().map(|f| module(f)).collect();
    assert!(modules.len() > 10, "found the sources: {modules:?}");
    // `model`, `http`, `routes`, or `` for the crate root.
    let layer = |m: &Module| m.first().cloned().unwrap_or_default();
    let allowed = |from: &str, to: &str| match from {
        "" => true,
        // The command line (shared with `heymilo mock`) uses the public API only.
        "cli" => to.is_empty(),
        "model" => to == "model",
        "http" => matches!(to, "http" | "model"),
        "routes" => matches!(to, "routes" | "http" | "model"),
        _ => false,
    };
    let (mut graph, mut wrong) = (BTreeMap::<Module, BTreeSet<Module>>::new(), Vec::new());
    for file in &files {
        let from = module(file);
        for path in crate_paths(&code_only(
            &std::fs::read_to_string(file).expect("readable"),
        )) {
            // The longest prefix that is a module of the crate.
            let to = (0..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains(p))
                .unwrap_or_default();
            let root = to.is_empty() && !matches!(layer(&from).as_str(), "" | "cli");
            if !allowed(&layer(&from), &layer(&to)) || root {
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
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        let found = circle(m, &graph, &mut Vec::new(), &mut done);
        assert!(found.is_none(), "import circle: {found:?}");
    }
}

#[test]
fn the_parser_sees_groups_and_inline_paths() {
    let code = "use crate::http::{Shared, error::{self, ApiError}};\n// crate::routes in prose\nfn f() { crate::model::store::object(x); }\n";
    let joined: Vec<String> = crate_paths(&code_only(code))
        .iter()
        .map(|p| p.join("::"))
        .collect();
    for expected in [
        "http::Shared",
        "http::error::ApiError",
        "model::store::object",
    ] {
        assert!(
            joined.iter().any(|p| p == expected),
            "{expected}: {joined:?}"
        );
    }
    assert!(
        !joined.iter().any(|p| p.starts_with("routes")),
        "{joined:?}"
    );
}
