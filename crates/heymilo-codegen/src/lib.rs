//! Spec-to-Rust generation for the HeyMilo SDK.
//!
//! This crate is the single definition of "the generated code": `heymilo-gen`'s
//! build script, the insta snapshot tests and `cargo xtask check` all call
//! [`generate`], so they cannot disagree about what the spec produces.
//!
//! Besides progenitor's client, the output carries an operation table read from
//! the spec's vendor extensions (`x-idempotent`, `x-idempotent-unless`,
//! `x-pagination`), so hand-written code never repeats a fact the spec holds.
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
    let mut value: serde_yaml::Value =
        serde_yaml::from_str(spec_yaml).map_err(|source| Error::Parse {
            path: display_path.to_owned(),
            source,
        })?;
    rules::apply(&mut value).map_err(|message| Error::Rule {
        path: display_path.to_owned(),
        message,
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
    let file: syn::File =
        syn::parse2(quote::quote! { #tokens #table #paged }).map_err(|e| Error::Syntax {
            path: display_path.to_owned(),
            message: e.to_string(),
        })?;
    let body = prettyplease::unparse(&file);

    let digest = Sha256::digest(spec_yaml.as_bytes());
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    let source = format!(
        "// @generated by heymilo-codegen from {display_path} (sha256 {hash}…) with progenitor {PROGENITOR_VERSION}.\n\
         // DO NOT EDIT: change the spec and run `cargo xtask regen`.\n\n{body}"
    );
    Ok(Generated {
        source,
        operations,
        api_version: spec.info.version.clone(),
    })
}

/// The specs of the SDK, by generation: (module name, path relative to the workspace root).
pub const SPECS: &[(&str, &str)] = &[("v1", "openapi/v1.yaml"), ("v2", "openapi/v2.yaml")];
