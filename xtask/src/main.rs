//! `cargo xtask`: the maintainers' loop around the specs.
//!
//! - `regen`: regenerate code from `openapi/` and accept the new snapshots.
//! - `check`: fail, with a readable diff, when a spec, the generator or the
//!   generated code drifted from the reviewed snapshots.
//! - `validate`: run the independent spec validators and check every example.
//! - `ci`: the whole test suite, as `.ci/run` and the README run it.
//! - `coverage`: compare our v2 spec with the one HeyMilo publishes.
//! - `package`: package the published crates, build each from its tarball,
//!   and build the README example from the tarballs outside the workspace.
#![forbid(unsafe_code)]

mod breaking;
mod check;
mod ci;
mod conformance;
mod consumers;
mod coverage;
mod package;
mod public_api;
mod publish;
mod readings;
mod tools;
mod upstream;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintenance tasks for the heymilo workspace"
)]
struct Cli {
    /// The workspace root (defaults to the one this xtask was built in).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate code from the specs and accept the new snapshots.
    Regen,
    /// Fail with a diff when specs, generator or generated code drifted.
    Check,
    /// Validate both specs with openapi-spec-validator and spectral, and every example against its schema.
    Validate,
    /// Run schemathesis against heymilo-mock with both specs.
    Conformance,
    /// Write the deterministic JSON and YAML bundles under openapi/dist/.
    Publish,
    /// Generate TypeScript and Python clients from the bundles and exercise them.
    Consumers,
    /// Check synthetic HeyMilo v2 answers against the published 3.0.3 and 3.1 bundles.
    Readings,
    /// What HeyMilo changed in a republished v2 document, operation by operation.
    Upstream {
        /// The newly published OpenAPI 3.1 JSON document.
        published: PathBuf,
        /// Our spec (defaults to `openapi/v2.yaml` under the root).
        #[arg(long)]
        spec: Option<PathBuf>,
    },
    /// Check that `breaking` flags every fixture optic and openapi-diff flag.
    Crosscheck,
    /// Report breaking changes from OLD to NEW (non-zero exit when any).
    Breaking {
        /// The earlier spec (YAML or JSON).
        old: PathBuf,
        /// The later spec.
        new: PathBuf,
    },
    /// Run everything CI runs: format, lints, tests, validators, drift check, packages.
    Ci,
    /// `cargo package` (verified) for the published crates, then a crate outside the workspace built from the tarballs.
    Package,
    /// Compare our v2 spec with HeyMilo's published OpenAPI 3.1 document.
    Coverage {
        /// The published OpenAPI 3.1 JSON document.
        published: PathBuf,
        /// Our spec (defaults to `openapi/v2.yaml` under the root).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Exit successfully even when something is missing.
        #[arg(long)]
        allow_missing: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(default_root);
    let result = match cli.command {
        Command::Regen => check::regen(&root),
        Command::Check => check::check(&root),
        Command::Validate => tools::validate(&root),
        Command::Conformance => conformance::run(&root),
        Command::Publish => publish::publish(&root),
        Command::Consumers => consumers::run(&root),
        Command::Readings => readings::run(&root),
        Command::Breaking { old, new } => breaking::run(&old, &new),
        Command::Crosscheck => breaking::crosscheck(&root),
        Command::Upstream { published, spec } => upstream::run(&root, &published, spec),
        Command::Ci => ci::run(&root),
        Command::Package => package::run(&root),
        Command::Coverage {
            published,
            spec,
            allow_missing,
        } => coverage::run(&root, &published, spec, allow_missing),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn default_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}
