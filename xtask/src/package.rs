//! Shipped means `cargo add heymilo`: the published crates package, build from
//! their own tarballs, and a crate outside the workspace compiles the README's
//! example from those tarballs alone. Also the files each package must carry
//! that live once at the root (licences, the specs heymilo-gen builds from).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use heymilo_codegen::SPECS;
use serde_json::Value;

/// The published crates, dependencies first (the order `cargo publish` needs).
pub const PUBLISHED: [&str; 5] = [
    "heymilo-codegen",
    "heymilo-gen",
    "heymilo",
    "heymilo-mock",
    "heymilo-cli",
];

/// The published crates whose build script generates code from the specs.
pub const SPEC_BUILDERS: [&str; 2] = ["heymilo-gen", "heymilo-cli"];

/// Root files copied into packages, as (source, copy) relative to the root.
///
/// Cargo packages only what is inside a crate's directory, so each published
/// crate carries its own licence files, and heymilo-gen (the clients) and
/// heymilo-cli (the `api` commands) their own specs; the root stays the one
/// place they are edited.
pub fn mirrors() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for krate in PUBLISHED {
        for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
            out.push((licence.to_owned(), format!("crates/{krate}/{licence}")));
        }
    }
    for krate in SPEC_BUILDERS {
        for (_, rel) in SPECS {
            out.push(((*rel).to_owned(), format!("crates/{krate}/{rel}")));
        }
    }
    out
}

/// Writes every copy from its source (part of `cargo xtask regen`).
pub fn sync(root: &Path) -> Result<()> {
    for (src, dst) in mirrors() {
        let text = std::fs::read(root.join(&src)).with_context(|| format!("reading {src}"))?;
        if std::fs::read(root.join(&dst)).ok().as_deref() != Some(text.as_slice()) {
            std::fs::write(root.join(&dst), text).with_context(|| format!("writing {dst}"))?;
            println!("regen: copied {src} to {dst}");
        }
    }
    Ok(())
}

/// Copies that differ from their source, and a crate README whose example
/// left the workspace README's, as readable problems (part of `check`).
pub fn drift(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (src, dst) in mirrors() {
        let fresh =
            std::fs::read_to_string(root.join(&src)).with_context(|| format!("reading {src}"))?;
        let copy = std::fs::read_to_string(root.join(&dst)).unwrap_or_default();
        if let Some(diff) = heymilo_codegen::drift(&copy, &fresh, &dst, 40) {
            problems.push(format!(
                "{dst} is not a copy of {src} (run `cargo xtask regen`):\n{diff}"
            ));
        }
    }
    let workspace = first_rust_block(&std::fs::read_to_string(root.join("README.md"))?);
    let krate = first_rust_block(&std::fs::read_to_string(
        root.join("crates/heymilo/README.md"),
    )?);
    if workspace != krate {
        let diff = heymilo_codegen::drift(
            krate.as_deref().unwrap_or(""),
            workspace.as_deref().unwrap_or(""),
            "crates/heymilo/README.md",
            40,
        )
        .unwrap_or_default();
        problems.push(format!(
            "the first Rust example of README.md and crates/heymilo/README.md (the one crates.io shows) differ:\n{diff}"
        ));
    }
    Ok(problems)
}

/// The first ```rust code block of a Markdown text, without its fences.
pub fn first_rust_block(markdown: &str) -> Option<String> {
    let start = markdown.find("\n```rust")? + 1;
    let body = start + markdown[start..].find('\n')? + 1;
    let end = body + markdown[body..].find("\n```")? + 1;
    Some(markdown[body..end].to_owned())
}

/// `cargo package` with verification for every published crate, then a
/// scratch consumer outside the workspace built from the tarballs alone.
pub fn run(root: &Path) -> Result<()> {
    let cargo = env!("CARGO");
    let target = target_dir(root)?;
    // One target directory for every verification and the consumer: the five
    // tarballs share their heavy dependencies instead of building them five
    // times, and deps compiled by the test step are reused. No debug info, as
    // for the workspace's dependencies (`[profile.dev.package."*"]`).
    let env = [
        ("CARGO_TARGET_DIR", target.to_string_lossy().into_owned()),
        ("CARGO_PROFILE_DEV_DEBUG", "false".to_owned()),
    ];

    forget_unpacked(root, &target)?;
    let started = Instant::now();
    let mut args = vec!["package"];
    for krate in PUBLISHED {
        args.extend(["-p", krate]);
    }
    // Local edits must not stop the proof that the crates build; `cargo
    // publish` itself still refuses a dirty tree.
    args.push("--allow-dirty");
    command(root, cargo, &args, &env)?;
    println!(
        "package: {} crates packaged and built from their tarballs in {:.0?}",
        PUBLISHED.len(),
        started.elapsed()
    );

    let started = Instant::now();
    consumer(root, cargo, &target, &env)?;
    println!(
        "package: a crate outside the workspace built the README example from the tarballs in {:.0?}",
        started.elapsed()
    );
    Ok(())
}

/// Unpacks the `.crate` files into a temporary crate's directory, points
/// crates.io's names at them, and builds `heymilo`'s README example (as
/// packaged) as that crate's program.
fn consumer(root: &Path, cargo: &str, target: &Path, env: &[(&str, String)]) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("heymilo-consumer-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(dir.join("src"))?;
    let result = build_consumer(root, cargo, target, env, &dir);
    // Kept when the build failed, to look at.
    if result.is_ok() {
        let _ = std::fs::remove_dir_all(&dir);
    } else {
        eprintln!("package: the consumer is left in {}", dir.display());
    }
    result
}

fn build_consumer(
    root: &Path,
    cargo: &str,
    target: &Path,
    env: &[(&str, String)],
    dir: &Path,
) -> Result<()> {
    let versions = versions(root)?;
    let mut patch = String::new();
    for krate in PUBLISHED {
        let version = versions
            .iter()
            .find(|(n, _)| n == krate)
            .map(|(_, v)| v.as_str())
            .with_context(|| format!("no package {krate} in the workspace"))?;
        let tarball = target.join(format!("package/{krate}-{version}.crate"));
        let status = Command::new("tar")
            .arg("-xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(dir)
            .status()
            .context("running tar")?;
        if !status.success() {
            bail!("cannot unpack {}", tarball.display());
        }
        patch.push_str(&format!("{krate} = {{ path = \"{krate}-{version}\" }}\n"));
    }
    let heymilo_version = &versions
        .iter()
        .find(|(n, _)| n == "heymilo")
        .context("no heymilo")?
        .1;

    let readme = std::fs::read_to_string(dir.join(format!("heymilo-{heymilo_version}/README.md")))
        .context("the packaged heymilo has no README.md")?;
    let example = first_rust_block(&readme).context("the packaged README has no Rust example")?;
    std::fs::write(
        dir.join("src/main.rs"),
        format!(
            "//! heymilo's README example, as packaged, in a crate of its own.\n\
             // The example defines functions no `main` calls: only that it compiles is checked.\n\
             #![allow(dead_code, unused)]\n\n{example}\nfn main() {{}}\n"
        ),
    )?;
    // Exactly what the README tells a user to write, with crates.io's
    // names redirected to the tarballs. Its own `[workspace]` keeps cargo
    // from looking for one above the temporary directory.
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"readme-consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nheymilo = \"{heymilo_version}\"\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
             [patch.crates-io]\n{patch}\n[workspace]\n"
        ),
    )?;
    // The workspace's lock file, so the consumer resolves the versions CI
    // tested rather than whatever crates.io has newest today.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    command(dir, cargo, &["build", "--quiet"], env)
}

/// Removes cargo's unpacked copies of our crates from earlier runs' local
/// registries (`$CARGO_HOME/registry/src/-<hash>/`, named after the path of
/// `target/package/tmp-registry`). The version stays the same between
/// releases, and cargo never unpacks a `name-version` again once its folder
/// exists, so a second run from the same path would verify against the
/// first run's sources. crates.io's own folder is left alone. For the same
/// reason (a registry crate is never re-checked) the builds of those copies
/// are forgotten too: the fingerprints of our crates in the target dir.
fn forget_unpacked(root: &Path, target: &Path) -> Result<()> {
    let ours: Vec<String> = versions(root)?
        .into_iter()
        .filter(|(name, _)| PUBLISHED.contains(&name.as_str()))
        .map(|(name, version)| format!("{name}-{version}"))
        .collect();
    if let Ok(fingerprints) = std::fs::read_dir(target.join("debug/.fingerprint")) {
        for entry in fingerprints {
            let path = entry?.path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            // `heymilo-gen-<hash>`, `heymilo_gen-<hash>`: any of ours.
            let is_ours = name.is_some_and(|n| {
                PUBLISHED.iter().any(|k| {
                    n.starts_with(&format!("{k}-"))
                        || n.starts_with(&format!("{}-", k.replace('-', "_")))
                })
            });
            if is_ours {
                std::fs::remove_dir_all(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        }
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .context("neither CARGO_HOME nor HOME is set")?;
    let Ok(registries) = std::fs::read_dir(home.join("registry/src")) else {
        return Ok(()); // nothing unpacked yet
    };
    for registry in registries {
        let registry = registry?.path();
        let local = registry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('-'));
        for unpacked in ours.iter().map(|dir| registry.join(dir)) {
            if local && unpacked.exists() {
                std::fs::remove_dir_all(&unpacked)
                    .with_context(|| format!("removing {}", unpacked.display()))?;
            }
        }
    }
    Ok(())
}

/// Each workspace package's (name, version).
fn versions(root: &Path) -> Result<Vec<(String, String)>> {
    let meta = metadata(root)?;
    Ok(meta["packages"]
        .as_array()
        .context("cargo metadata has no packages")?
        .iter()
        .filter_map(|p| {
            Some((
                p["name"].as_str()?.to_owned(),
                p["version"].as_str()?.to_owned(),
            ))
        })
        .collect())
}

fn target_dir(root: &Path) -> Result<PathBuf> {
    let meta = metadata(root)?;
    Ok(PathBuf::from(
        meta["target_directory"]
            .as_str()
            .context("cargo metadata has no target_directory")?,
    ))
}

fn metadata(root: &Path) -> Result<Value> {
    let out = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

fn command(dir: &Path, program: &str, args: &[&str], env: &[(&str, String)]) -> Result<()> {
    let status = Command::new(program)
        .current_dir(dir)
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .status()
        .with_context(|| format!("starting {program}"))?;
    if !status.success() {
        bail!(
            "`{program} {}` in {} failed ({status})",
            args.join(" "),
            dir.display()
        );
    }
    Ok(())
}
