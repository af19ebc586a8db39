//! The public surface of the `heymilo` crate, summarised as Rust-like text
//! and checked in (`crates/heymilo/public-api.txt`), so that every change to
//! what users can name shows up in review.
//!
//! Read from the source with `syn` (stable, no rustdoc JSON): every `pub`
//! item outside `#[cfg(test)]`, with its module path, bodies and doc
//! comments removed, private fields dropped, attributes that shape the API
//! (`non_exhaustive`, `cfg`, `derive`) kept; plus every `pub use`.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use syn::{Attribute, ImplItem, Item, TraitItem, Visibility};

/// The snapshot's path, relative to the workspace root.
pub const SNAPSHOT: &str = "crates/heymilo/public-api.txt";

/// The summary of the crate whose `lib.rs` is at `lib`.
pub fn render(lib: &Path) -> Result<String> {
    let mut out = String::from(
        "# The public API of the `heymilo` crate (cargo xtask regen writes it; cargo xtask check compares).\n",
    );
    let mut names = HashSet::new();
    for_each_file(lib, &mut |items| {
        for item in items {
            let name = match item {
                Item::Struct(i) if is_pub(&i.vis) => i.ident.to_string(),
                Item::Enum(i) if is_pub(&i.vis) => i.ident.to_string(),
                Item::Trait(i) if is_pub(&i.vis) => i.ident.to_string(),
                Item::Type(i) if is_pub(&i.vis) => i.ident.to_string(),
                _ => continue,
            };
            names.insert(name);
        }
    })?;
    let walker = Walker { names };
    walker.walk(lib, "heymilo", &mut out)?;
    Ok(out)
}

/// Calls `f` with the items of every module file reachable from `file`.
fn for_each_file(file: &Path, f: &mut dyn FnMut(&[Item])) -> Result<()> {
    let source =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let parsed = syn::parse_file(&source).with_context(|| format!("parsing {}", file.display()))?;
    f(&parsed.items);
    for item in &parsed.items {
        if let Item::Mod(m) = item
            && m.content.is_none()
            && !is_test(&m.attrs)
            && let Some(child) = child_file(&module_dir(file), &m.ident.to_string())
        {
            for_each_file(&child, f)?;
        }
    }
    Ok(())
}

fn child_file(dir: &Path, name: &str) -> Option<PathBuf> {
    let flat = dir.join(format!("{name}.rs"));
    let nested = dir.join(name).join("mod.rs");
    [flat, nested].into_iter().find(|p| p.exists())
}

/// The self type's last path segment: `Client` for `impl From<X> for crate::Client`.
fn self_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The walk, knowing which type names are public (so that impls on private
/// types stay out).
struct Walker {
    names: HashSet<String>,
}

/// The summary as checked in, and as the source says it is now.
pub fn drift(root: &Path) -> Result<Option<String>> {
    let fresh = render(&root.join("crates/heymilo/src/lib.rs"))?;
    let saved = std::fs::read_to_string(root.join(SNAPSHOT)).unwrap_or_default();
    Ok(heymilo_codegen::drift(&saved, &fresh, SNAPSHOT, 200))
}

/// Writes the snapshot.
pub fn write(root: &Path) -> Result<()> {
    let fresh = render(&root.join("crates/heymilo/src/lib.rs"))?;
    std::fs::write(root.join(SNAPSHOT), fresh).with_context(|| format!("writing {SNAPSHOT}"))
}

impl Walker {
    fn walk(&self, file: &Path, module: &str, out: &mut String) -> Result<()> {
        let source =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let parsed =
            syn::parse_file(&source).with_context(|| format!("parsing {}", file.display()))?;
        let dir = module_dir(file);
        self.items(&parsed.items, module, &dir, out)
    }

    fn items(&self, list: &[Item], module: &str, dir: &Path, out: &mut String) -> Result<()> {
        let mut shown = Vec::new();
        for item in list {
            if is_test(item_attrs(item)) {
                continue;
            }
            match item {
                Item::Mod(m) => {
                    let path = format!("{module}::{}", m.ident);
                    match &m.content {
                        Some((_, inner)) => {
                            self.items(inner, &path, &dir.join(m.ident.to_string()), out)?
                        }
                        None => {
                            if let Some(file) = child_file(dir, &m.ident.to_string()) {
                                self.walk(&file, &path, out)?;
                            }
                        }
                    }
                }
                Item::Impl(imp) => {
                    let on_public =
                        self_name(&imp.self_ty).is_some_and(|n| self.names.contains(&n));
                    if on_public && let Some(kept) = public_impl(imp) {
                        shown.push(Item::Impl(kept));
                    }
                }
                other => {
                    if let Some(kept) = public_item(other) {
                        shown.push(kept);
                    }
                }
            }
        }
        if !shown.is_empty() {
            let file = syn::File {
                shebang: None,
                frontmatter: None,
                attrs: Vec::new(),
                items: shown,
            };
            let _ = writeln!(out, "\n// mod {module}");
            out.push_str(&prettyplease::unparse(&file));
        }
        Ok(())
    }
}

fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn is_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && {
            let text = quote::ToTokens::to_token_stream(&a.meta).to_string();
            text.contains("test") || text.contains("doctest")
        }
    })
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// The attributes that shape an API; doc comments and lints go.
fn api_attrs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| {
            ["non_exhaustive", "cfg", "derive", "must_use", "deprecated"]
                .iter()
                .any(|name| a.path().is_ident(name))
        })
        .cloned()
        .collect()
}

fn empty_block() -> syn::Block {
    syn::Block {
        brace_token: Default::default(),
        stmts: Vec::new(),
    }
}

fn public_item(item: &Item) -> Option<Item> {
    let mut item = item.clone();
    match &mut item {
        Item::Fn(f) if is_pub(&f.vis) => {
            f.attrs = api_attrs(&f.attrs);
            *f.block = empty_block();
        }
        Item::Struct(s) if is_pub(&s.vis) => {
            s.attrs = api_attrs(&s.attrs);
            let fields: Vec<&mut syn::Field> = s.fields.iter_mut().collect();
            for field in fields {
                field.attrs = api_attrs(&field.attrs);
            }
            if let syn::Fields::Named(named) = &mut s.fields {
                named.named = named
                    .named
                    .iter()
                    .filter(|f| is_pub(&f.vis))
                    .cloned()
                    .collect();
            }
        }
        Item::Enum(e) if is_pub(&e.vis) => {
            e.attrs = api_attrs(&e.attrs);
            for v in &mut e.variants {
                v.attrs = api_attrs(&v.attrs);
                for f in v.fields.iter_mut() {
                    f.attrs = api_attrs(&f.attrs);
                }
            }
        }
        Item::Trait(t) if is_pub(&t.vis) => {
            t.attrs = api_attrs(&t.attrs);
            for ti in &mut t.items {
                if let TraitItem::Fn(f) = ti {
                    f.attrs = api_attrs(&f.attrs);
                    f.default = None;
                    f.semi_token = Some(Default::default());
                }
            }
        }
        Item::Const(c) if is_pub(&c.vis) => {
            c.attrs = api_attrs(&c.attrs);
        }
        Item::Static(s) if is_pub(&s.vis) => {
            s.attrs = api_attrs(&s.attrs);
        }
        Item::Type(t) if is_pub(&t.vis) => {
            t.attrs = api_attrs(&t.attrs);
        }
        Item::Use(u) if is_pub(&u.vis) => {
            u.attrs = api_attrs(&u.attrs);
        }
        _ => return None,
    }
    Some(item)
}

/// An impl block reduced to its public methods (inherent impls) or to its
/// header (trait impls: which traits a type implements is API too).
fn public_impl(imp: &syn::ItemImpl) -> Option<syn::ItemImpl> {
    let mut imp = imp.clone();
    imp.attrs = api_attrs(&imp.attrs);
    if imp.trait_.is_some() {
        imp.items.clear();
        return Some(imp);
    }
    imp.items = imp
        .items
        .into_iter()
        .flat_map(|ii| match ii {
            ImplItem::Macro(m) if m.mac.path.is_ident("setters") => setters(&m.mac),
            other => vec![other],
        })
        .filter_map(|ii| match ii {
            ImplItem::Fn(mut f) if is_pub(&f.vis) => {
                f.attrs = api_attrs(&f.attrs);
                f.block = empty_block();
                Some(ImplItem::Fn(f))
            }
            ImplItem::Const(mut c) if is_pub(&c.vis) => {
                c.attrs = api_attrs(&c.attrs);
                Some(ImplItem::Const(c))
            }
            _ => None,
        })
        .collect();
    (!imp.items.is_empty()).then_some(imp)
}

/// The methods a `setters!` call defines (`crates/heymilo/src/setters.rs`):
/// each `fn name(arg: Type) => field.path;` is `fn name(mut self, arg: Type) -> Self`.
/// A call this cannot read defines nothing here, so the snapshot shows the loss.
fn setters(mac: &syn::Macro) -> Vec<ImplItem> {
    let parse = |input: syn::parse::ParseStream<'_>| {
        let mut out = Vec::new();
        while !input.is_empty() {
            let attrs = input.call(Attribute::parse_outer)?;
            let vis: Visibility = input.parse()?;
            input.parse::<syn::Token![fn]>()?;
            let name: syn::Ident = input.parse()?;
            let args;
            syn::parenthesized!(args in input);
            let (arg, _, ty): (syn::Ident, syn::Token![:], syn::Type) =
                (args.parse()?, args.parse()?, args.parse()?);
            input.parse::<syn::Token![=>]>()?;
            syn::punctuated::Punctuated::<syn::Ident, syn::Token![.]>::parse_separated_nonempty(
                input,
            )?;
            input.parse::<syn::Token![;]>()?;
            out.push(
                syn::parse_quote! { #(#attrs)* #vis fn #name(mut self, #arg: #ty) -> Self {} },
            );
        }
        Ok(out)
    };
    mac.parse_body_with(parse).unwrap_or_default()
}

/// Where the files of a module's child modules live.
fn module_dir(file: &Path) -> PathBuf {
    let parent = file.parent().unwrap_or(Path::new("."));
    match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "mod.rs" | "main.rs") => parent.to_path_buf(),
        _ => parent.join(file.file_stem().unwrap_or_default()),
    }
}
