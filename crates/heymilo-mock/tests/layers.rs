//! The mock's modules import one way: `routes` -> `http`, `model`; `http` ->
//! `model`; `model` -> nothing outside itself; none of them from the crate
//! root; `cli` -> the crate root's public API only; and no module reaches
//! itself through its imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};

type Module = Vec<String>;

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("readable");
    for path in entries.flatten().map(|e| e.path()) {
        match path.is_dir() {
            true => sources(&path, out),
            false if path.extension().is_some_and(|e| e == "rs") => out.push(path),
            false => {}
        }
    }
}

/// `model/store.rs` -> `["model", "store"]`; `routes/v2/mod.rs` -> `["routes", "v2"]`.
fn module_of(rel: &Path) -> Module {
    let parts = rel.with_extension("");
    let parts = parts.iter().map(|c| c.to_string_lossy().into_owned());
    // No source directory is called `mod` or `lib`: only a file's name is.
    parts.filter(|p| p != "mod" && p != "lib").collect()
}

/// Every `crate::...` path in `tokens`, in `use` trees and inline. Read as
/// Rust tokens, so a comment or a string that names a path is no import.
fn crate_paths(tokens: TokenStream, out: &mut Vec<Module>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(id) if id == "crate" => after(&tokens[i + 1..], &mut Vec::new(), out),
            TokenTree::Group(group) => crate_paths(group.stream(), out),
            _ => {}
        }
    }
}

/// The paths `rest` continues `path` with, if it starts with `::`; else
/// `path` itself.
fn after(rest: &[TokenTree], path: &mut Module, out: &mut Vec<Module>) {
    let colon = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == ':');
    match rest {
        [a, b, tree @ ..] if colon(a) && colon(b) => use_tree(tree, path, out),
        _ if path.is_empty() => {}
        _ => out.push(path.clone()),
    }
}

/// The paths of a use tree after `path`: `a::b`, `{b, c::{self, d}}`, `*`.
fn use_tree(tree: &[TokenTree], path: &mut Module, out: &mut Vec<Module>) {
    match tree.first() {
        Some(TokenTree::Group(group)) => {
            let items: Vec<TokenTree> = group.stream().into_iter().collect();
            let comma = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == ',');
            items.split(comma).for_each(|i| use_tree(i, path, out));
        }
        Some(TokenTree::Ident(id)) if id != "self" => {
            path.push(id.to_string());
            after(&tree[1..], path, out);
            path.pop();
        }
        // A trailing comma's empty item.
        None => {}
        _ => out.push(path.clone()),
    }
}

/// The `crate::` paths of `code`.
fn paths_of(code: &str) -> Vec<Module> {
    let mut paths = Vec::new();
    crate_paths(code.parse().expect("Rust tokens"), &mut paths);
    paths
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
    // `model`, `http`, `routes`, `cli`, or `` for the crate root.
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
    let (mut graph, mut wrong) = (BTreeMap::<Module, BTreeSet<Module>>::new(), String::new());
    for file in &files {
        let from = module(file);
        for path in paths_of(&std::fs::read_to_string(file).expect("readable")) {
            // The longest prefix that is a module of the crate.
            let mut prefixes = (0..=path.len()).rev().map(|n| path[..n].to_vec());
            let to = prefixes.find(|p| modules.contains(p)).unwrap_or_default();
            let root = to.is_empty() && !matches!(layer(&from).as_str(), "" | "cli");
            if !allowed(&layer(&from), &layer(&to)) || root {
                wrong += &format!("\n{} imports crate::{}", from.join("::"), path.join("::"));
            }
            if to != from {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layering:{wrong}");
    // Modules that import none of those left go, until none can: the rest
    // import each other in a circle.
    for _ in 0..=graph.len() {
        let modules: BTreeSet<Module> = graph.keys().cloned().collect();
        graph.retain(|_, to| to.iter().any(|t| modules.contains(t)));
    }
    assert!(graph.is_empty(), "import circle among: {:?}", graph.keys());
}

#[test]
fn the_parser_sees_groups_and_inline_paths_but_not_prose() {
    let code = "use crate::http::{Shared, error::{self, ApiError}};\n// crate::routes in prose\n\
                pub(crate) fn f() { crate::model::store::object(\"crate::routes\"); }";
    let paths: Vec<String> = paths_of(code).iter().map(|p| p.join("::")).collect();
    let expected = "http::Shared http::error http::error::ApiError model::store::object";
    assert_eq!(paths, expected.split(' ').collect::<Vec<_>>());
}
