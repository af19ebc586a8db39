//! External spec tools (PyPI and npm), installed on demand into `.tools/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use heymilo_codegen::SPECS;

/// Whether this runs as CI (`CI=true`): a missing input is then a failure.
pub fn ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Runs a command in `root`, failing with its name when it fails.
pub fn run(root: &Path, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Result<()> {
    run_with_env(root, program, args, &[])
}

/// [`run`] with extra environment variables.
pub fn run_with_env(
    root: &Path,
    program: impl AsRef<std::ffi::OsStr>,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<()> {
    let program = program.as_ref();
    let status = Command::new(program)
        .current_dir(root)
        .args(args)
        .envs(env.iter().copied())
        .status()
        .with_context(|| format!("starting {}", program.to_string_lossy()))?;
    if !status.success() {
        bail!(
            "`{} {}` failed ({status})",
            program.to_string_lossy(),
            args.join(" ")
        );
    }
    Ok(())
}

/// The Python virtualenv with the pinned PyPI tools; created when missing.
pub fn python(root: &Path) -> Result<PathBuf> {
    let venv = root.join(".tools/venv");
    let bin = venv.join("bin");
    let stamp = venv.join("requirements.installed");
    let wanted = std::fs::read_to_string(root.join("xtask/py/requirements.txt"))?;
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        println!("xtask: installing PyPI spec tools into .tools/venv");
        run(root, "python3", &["-m", "venv", &venv.to_string_lossy()])?;
        run(
            root,
            bin.join("pip"),
            &[
                "install",
                "-q",
                "--disable-pip-version-check",
                "-r",
                "xtask/py/requirements.txt",
            ],
        )?;
        std::fs::write(&stamp, wanted)?;
    }
    Ok(bin)
}

/// The npm prefix with the pinned spec tools; installed when missing.
pub fn node(root: &Path) -> Result<PathBuf> {
    let prefix = root.join(".tools/node");
    let wanted = std::fs::read_to_string(root.join("xtask/node/package.json"))?;
    let stamp = prefix.join("package.installed");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        println!("xtask: installing npm spec tools into .tools/node");
        std::fs::create_dir_all(&prefix)?;
        std::fs::write(prefix.join("package.json"), &wanted)?;
        run(
            &prefix,
            "npm",
            &["install", "--no-audit", "--no-fund", "--silent"],
        )?;
        std::fs::write(&stamp, wanted)?;
    }
    Ok(prefix.join("node_modules/.bin"))
}

/// Both specs (and their published bundles) through openapi-spec-validator,
/// both specs through spectral's OpenAPI rules, and every example against its
/// schema.
pub fn validate(root: &Path) -> Result<()> {
    let specs: Vec<&str> = SPECS.iter().map(|(_, rel)| *rel).collect();
    let py = python(root)?;
    run(root, py.join("openapi-spec-validator"), &specs)?;
    // The published bundles as well: the strict 3.0.3 reading and the 3.1 one.
    let dist = crate::publish::DIST;
    let bundles: Vec<String> = SPECS
        .iter()
        .flat_map(|(m, _)| {
            [
                format!("{dist}/heymilo-{m}.json"),
                format!("{dist}/heymilo-{m}.openapi-3.1.json"),
            ]
        })
        .collect();
    let bundles: Vec<&str> = bundles.iter().map(String::as_str).collect();
    run(root, py.join("openapi-spec-validator"), &bundles)?;
    let mut args = vec!["xtask/py/check_examples.py"];
    args.extend(&specs);
    run(root, py.join("python"), &args)?;
    let npm = node(root)?;
    let mut args = vec![
        "lint",
        "--ruleset",
        ".spectral.yaml",
        "--fail-severity",
        "error",
    ];
    args.extend(&specs);
    run(root, npm.join("spectral"), &args)?;
    println!(
        "validate: {} specs valid, examples match their schemas",
        specs.len()
    );
    Ok(())
}

/// Makes sure `redis-server` is on PATH, installing Debian's package when it
/// is not (CI runs as root on a fresh machine).
pub fn ensure_redis(root: &Path) -> Result<()> {
    let present = Command::new("redis-server")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        return Ok(());
    }
    println!("xtask: installing redis-server (Debian package)");
    let sudo: &[&str] = if std::env::var("USER").as_deref() == Ok("root") || running_as_root() {
        &[]
    } else {
        &["sudo"]
    };
    let apt = |args: &[&str]| -> Result<()> {
        let (program, rest) = match sudo.first() {
            Some(s) => (*s, [&["apt-get"][..], args].concat()),
            None => ("apt-get", args.to_vec()),
        };
        run_with_env(
            root,
            program,
            &rest,
            &[("DEBIAN_FRONTEND", "noninteractive")],
        )
    };
    apt(&["update", "-q"])?;
    apt(&["install", "-y", "-q", "redis-server"])
}

/// Whether this process runs as root, from `id -u` (no unsafe code needed).
fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
