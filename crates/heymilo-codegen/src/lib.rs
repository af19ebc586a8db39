//! Spec-to-Rust generation for the HeyMilo SDK.
//!
//! This crate is the single definition of "the generated code": `heymilo-gen`'s
//! build script, the insta snapshot tests and `cargo xtask check` all call
//! [`generate`], so they cannot disagree about what the spec produces.
//!
//! Besides progenitor's client, the output carries an operation table read from
//! the spec's vendor extensions (`x-idempotent`, `x-idempotent-unless`,
//! `x-pagination`), so hand-written code never repeats a fact the spec holds.
//! [`generate_cli`] turns the same spec into `heymilo-cli`'s `heymilo api`
//! commands, one per operation ([`cli`]).
//!
//! ```
//! let spec = std::fs::read_to_string(
//!     concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/v1.yaml"),
//! ).unwrap();
//! let out = heymilo_codegen::generate(&spec, "openapi/v1.yaml").unwrap();
//! assert!(out.source.starts_with("// @generated"));
//! assert!(out.operations.iter().any(|op| op.id == "list_postings"));
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod cli;
mod drift;
mod meta;
mod rules;
pub mod spec;
pub mod synth;

pub use drift::{drift, snapshot_body, snapshot_path};
pub use meta::{OperationInfo, PagedTypes, Pagination, read_operations};

use sha2::{Digest, Sha256};

/// The progenitor version the generated code comes from; recorded in every
/// generated file's header so a generator upgrade shows up as drift.
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// Why a spec could not be turned into code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not YAML.
    #[error("{path}: not YAML: {source}")]
    Parse {
        /// The spec's path, as given.
        path: String,
        /// The parser's complaint.
        source: serde_yaml::Error,
    },
    /// The document is YAML but not OpenAPI 3.0.
    #[error("{path}: not a valid OpenAPI 3.0 document: {message}")]
    Spec {
        /// The spec's path, as given.
        path: String,
        /// The parser's complaint.
        message: String,
    },
    /// A generation rule cannot apply (see the `rules` module).
    #[error("{path}: {message}")]
    Rule {
        /// The spec's path, as given.
        path: String,
        /// What the spec has to change.
        message: String,
    },
    /// progenitor refused the document.
    #[error("{path}: progenitor could not generate a client: {message}")]
    Progenitor {
        /// The spec's path, as given.
        path: String,
        /// progenitor's message.
        message: String,
    },
    /// A vendor extension the SDK relies on is missing or malformed.
    #[error("{path}: operation {operation}: {message}")]
    Extension {
        /// The spec's path, as given.
        path: String,
        /// The operationId at fault.
        operation: String,
        /// What is wrong.
        message: String,
    },
    /// The generated tokens were not valid Rust (a generator bug).
    #[error("{path}: generated code does not parse: {message}")]
    Syntax {
        /// The spec's path, as given.
        path: String,
        /// The parser's complaint.
        message: String,
    },
}

/// The code generated from one spec.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Formatted Rust source, starting with a do-not-edit header.
    pub source: String,
    /// The operations of the spec, in spec order.
    pub operations: Vec<OperationInfo>,
    /// `info.version` of the spec.
    pub api_version: String,
}

/// Generates the client source for one spec.
///
/// `display_path` only appears in the header and in error messages; it should
/// be the spec's path relative to the workspace root so the output does not
/// depend on where the workspace lives.
pub fn generate(spec_yaml: &str, display_path: &str) -> Result<Generated, Error> {
    let prepared = prepare(spec_yaml, display_path)?;
    Ok(Generated {
        source: unparse(&prepared.client, spec_yaml, display_path),
        operations: prepared.operations,
        api_version: prepared.api_version,
    })
}

/// The `heymilo api` command tree generated from one spec (see [`cli`]).
#[derive(Debug, Clone)]
pub struct GeneratedCli {
    /// Formatted Rust source of `COMMANDS` and `call`, with a do-not-edit header.
    pub source: String,
    /// Formatted Rust source of `RESPONSES`, each command's output decoder, for tests.
    pub checks: String,
    /// The commands, in spec order.
    pub commands: Vec<cli::Command>,
}

/// Generates the `heymilo api <module>` commands of one spec, for `heymilo-cli`.
///
/// ```
/// let spec = std::fs::read_to_string(
///     concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/v1.yaml"),
/// ).unwrap();
/// let cli = heymilo_codegen::generate_cli(&spec, "openapi/v1.yaml", "v1").unwrap();
/// assert!(cli.commands.iter().any(|c| c.name == "list-postings" && c.paged()));
/// ```
pub fn generate_cli(
    spec_yaml: &str,
    display_path: &str,
    module: &str,
) -> Result<GeneratedCli, Error> {
    let prepared = prepare(spec_yaml, display_path)?;
    let rule = |message: String| Error::Rule {
        path: display_path.to_owned(),
        message,
    };
    let commands = cli::commands(&prepared.json, &prepared.operations).map_err(rule)?;
    let (source, checks) = cli::source(module, &commands, &prepared.client).map_err(rule)?;
    let parse = |tokens| {
        syn::parse2(tokens).map_err(|e: syn::Error| Error::Syntax {
            path: display_path.to_owned(),
            message: e.to_string(),
        })
    };
    Ok(GeneratedCli {
        source: unparse(&parse(source)?, spec_yaml, display_path),
        checks: unparse(&parse(checks)?, spec_yaml, display_path),
        commands,
    })
}

/// A spec read, with the generation rules applied and progenitor's client
/// (plus the operation table and `Paged` impls) generated from it.
struct Prepared {
    /// The document after the rules, as JSON.
    json: serde_json::Value,
    operations: Vec<OperationInfo>,
    api_version: String,
    client: syn::File,
}

fn prepare(spec_yaml: &str, display_path: &str) -> Result<Prepared, Error> {
    let mut value: serde_yaml::Value =
        serde_yaml::from_str(spec_yaml).map_err(|source| Error::Parse {
            path: display_path.to_owned(),
            source,
        })?;
    rules::apply(&mut value).map_err(|message| Error::Rule {
        path: display_path.to_owned(),
        message,
    })?;
    let json = serde_json::to_value(&value).map_err(|e| Error::Spec {
        path: display_path.to_owned(),
        message: e.to_string(),
    })?;
    let spec: openapiv3::OpenAPI = serde_yaml::from_value(value).map_err(|e| Error::Spec {
        path: display_path.to_owned(),
        message: e.to_string(),
    })?;
    let operations = read_operations(&spec).map_err(|(operation, message)| Error::Extension {
        path: display_path.to_owned(),
        operation,
        message,
    })?;

    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(quote::quote! { crate::Inner })
        .with_derive("PartialEq");
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator
        .generate_tokens(&spec)
        .map_err(|e| Error::Progenitor {
            path: display_path.to_owned(),
            message: e.to_string(),
        })?;
    let table = meta::operation_table(&operations);
    let paged = meta::paged_impls(&operations);
    let client: syn::File =
        syn::parse2(quote::quote! { #tokens #table #paged }).map_err(|e| Error::Syntax {
            path: display_path.to_owned(),
            message: e.to_string(),
        })?;
    Ok(Prepared {
        json,
        operations,
        api_version: spec.info.version.clone(),
        client,
    })
}

/// Formatted source under the do-not-edit header naming the spec and its hash.
fn unparse(file: &syn::File, spec_yaml: &str, display_path: &str) -> String {
    let body = prettyplease::unparse(file);
    let digest = Sha256::digest(spec_yaml.as_bytes());
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!(
        "// @generated by heymilo-codegen from {display_path} (sha256 {hash}…) with progenitor {PROGENITOR_VERSION}.\n\
         // DO NOT EDIT: change the spec and run `cargo xtask regen`.\n\n{body}"
    )
}

/// Everything generated from one spec that is reviewed as a snapshot, as
/// (snapshot name, source): the client (`v1`) and the CLI's commands (`cli_v1`).
///
/// The snapshot test and `cargo xtask check` both read this list, so they
/// cannot disagree about what is reviewed.
pub fn reviewed_sources(
    spec_yaml: &str,
    display_path: &str,
    module: &str,
) -> Result<Vec<(String, String)>, Error> {
    Ok(vec![
        (module.to_owned(), generate(spec_yaml, display_path)?.source),
        (
            format!("cli_{module}"),
            generate_cli(spec_yaml, display_path, module)?.source,
        ),
    ])
}

/// The specs of the SDK, by generation: (module name, path relative to the workspace root).
pub const SPECS: &[(&str, &str)] = &[("v1", "openapi/v1.yaml"), ("v2", "openapi/v2.yaml")];

/// The body of a build script generating from the specs packaged with its
/// crate: for each generation, `generate(module, display_path, yaml)` gives
/// (file name, source) pairs written to `OUT_DIR`. Panics, as a build script
/// does, with the reason when a spec cannot be read or generated.
pub fn build_script(generate: impl Fn(&str, &str, &str) -> Result<Vec<(String, String)>, Error>) {
    let var = |name: &str| {
        std::path::PathBuf::from(
            std::env::var_os(name).unwrap_or_else(|| panic!("cargo sets {name}")),
        )
    };
    let (manifest, out) = (var("CARGO_MANIFEST_DIR"), var("OUT_DIR"));
    for (module, rel) in SPECS {
        let yaml =
            packaged_spec(&manifest, rel).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
        for (file, text) in generate(module, rel, &yaml).unwrap_or_else(|e| panic!("{e}")) {
            std::fs::write(out.join(&file), text)
                .unwrap_or_else(|e| panic!("cannot write {file}: {e}"));
        }
    }
}

/// Reads a spec packaged with the crate being built, for a build script:
/// `rel` (e.g. `openapi/v1.yaml`) under `manifest`, the crate's directory.
///
/// Those are copies of the workspace's `openapi/*.yaml`, where maintainers
/// edit: `cargo xtask regen` refreshes them and `cargo xtask check` fails when
/// they differ. Inside the workspace this prints a cargo warning when the
/// workspace's spec differs from the packaged copy (the build would silently
/// use the old text); from a crates.io tarball there is no workspace copy.
/// Prints the `rerun-if-changed` lines for both.
pub fn packaged_spec(manifest: &std::path::Path, rel: &str) -> std::io::Result<String> {
    let path = manifest.join(rel);
    println!("cargo:rerun-if-changed={}", path.display());
    let packaged = std::fs::read_to_string(&path)?;
    if manifest.join("../../Cargo.toml").is_file() {
        let workspace = manifest.join("../..").join(rel);
        println!("cargo:rerun-if-changed={}", workspace.display());
        if let Ok(edited) = std::fs::read_to_string(&workspace)
            && edited != packaged
        {
            let krate = manifest.file_name().unwrap_or_default().to_string_lossy();
            println!(
                "cargo:warning={rel} differs from crates/{krate}/{rel}: run `cargo xtask regen` to copy it in"
            );
        }
    }
    Ok(packaged)
}
