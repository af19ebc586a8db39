#!/usr/bin/env bash
# What a user's clean build pays for `heymilo`, for BENCHMARKS.md: two minimal
# consumers outside the workspace, each built once from a fresh target dir
# (debug profile, `cargo build --timings`), one after the other:
#
#   with-heymilo   heymilo + tokio, lists a posting's candidates with .stream();
#   plain          reqwest (heymilo's features) + serde + tokio, one GET decoded
#                  into a hand-written struct: what a caller writes without us.
#
# heymilo comes from the tarballs `cargo xtask package` leaves under
# target/package/ (run it first), so this is exactly what crates.io would serve;
# both use the workspace's Cargo.lock, so both resolve the same versions.
#
# Usage: crates/heymilo/benches/downstream_build.sh [target dir of the workspace]
set -euo pipefail

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
target=${1:-${CARGO_TARGET_DIR:-$root/target}}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -1)
ws=${BENCH_WS:-/tmp/heymilo-downstream}
rm -rf "$ws"
mkdir -p "$ws"
export CARGO_TERM_COLOR=never
unset CARGO_TARGET_DIR

for krate in heymilo-codegen heymilo-gen heymilo; do
    test -d "$target/package/$krate-$version" || {
        echo "no $target/package/$krate-$version: run \`cargo xtask package\` first" >&2
        exit 1
    }
done

mkdir -p "$ws/with-heymilo/src" "$ws/plain/src"
cat >"$ws/with-heymilo/Cargo.toml" <<EOF
[package]
name = "with-heymilo"
version = "0.0.0"
edition = "2024"

[dependencies]
heymilo = "$version"
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[patch.crates-io]
heymilo = { path = "$target/package/heymilo-$version" }
heymilo-gen = { path = "$target/package/heymilo-gen-$version" }
heymilo-codegen = { path = "$target/package/heymilo-codegen-$version" }

[workspace]
EOF
cat >"$ws/with-heymilo/src/main.rs" <<'EOF'
use heymilo::prelude::*;

#[tokio::main]
async fn main() -> heymilo::Result<()> {
    let client = Client::from_env()?;
    let all: Vec<_> = client.v2().list_candidates().posting_id("13D77095").stream().try_collect().await?;
    println!("{} candidates", all.len());
    Ok(())
}
EOF
cat >"$ws/plain/Cargo.toml" <<'EOF'
[package]
name = "plain"
version = "0.0.0"
edition = "2024"

[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream", "rustls", "http2"] }
serde = { version = "1", features = ["derive"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
EOF
cat >"$ws/plain/src/main.rs" <<'EOF'
#[derive(serde::Deserialize)]
struct Page {
    data: Vec<Candidate>,
}

#[derive(serde::Deserialize)]
struct Candidate {
    // Decoded to cost what a real consumer pays, never read: the build is what is measured.
    #[allow(dead_code)]
    email: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), reqwest::Error> {
    let key = std::env::var("HEYMILO_API_KEY").unwrap_or_default();
    let page: Page = reqwest::Client::new()
        .get("https://api.heymilo.ai/api/v2/candidates")
        .query(&[("posting_id", "13D77095")])
        .header("X-API-KEY", key)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{} candidates", page.data.len());
    Ok(())
}
EOF

echo "machine: $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rustc: $(rustc --version)"
for name in plain with-heymilo; do
    cp "$root/Cargo.lock" "$ws/$name/Cargo.lock"
    (cd "$ws/$name" && cargo fetch -q)
    start=$(date +%s.%N)
    (cd "$ws/$name" && cargo build -q --timings)
    end=$(date +%s.%N)
    printf '%s: clean build %.1f s wall (load after: %s)\n' "$name" \
        "$(python3 -c "print($end - $start)")" "$(cut -d' ' -f1 /proc/loadavg)"
    python3 - "$ws/$name/target/cargo-timings/cargo-timing.html" <<'EOF'
import json, re, sys
html = open(sys.argv[1]).read()
data = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
print(f"    {len(data)} units, {sum(u['duration'] for u in data):.1f} s of rustc/build-script time summed")
for u in sorted(data, key=lambda u: -u["duration"])[:14]:
    kind = (u.get("target") or "").strip()
    print(f"    {u['name']:<24} {kind:<22} {u['duration']:7.2f} s")
EOF
done

# Where heymilo's extra time goes: the units the plain consumer does not build.
python3 - "$ws/plain/target/cargo-timings/cargo-timing.html" \
    "$ws/with-heymilo/target/cargo-timings/cargo-timing.html" <<'EOF'
import json, re, sys
def units(path):
    html = open(path).read()
    return json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
plain = {(u["name"], u["version"]) for u in units(sys.argv[1])}
extra = [u for u in units(sys.argv[2]) if (u["name"], u["version"]) not in plain]
print(f"units only with-heymilo builds: {len(extra)}, {sum(u['duration'] for u in extra):.1f} s summed")
for u in sorted(extra, key=lambda u: -u["duration"])[:25]:
    kind = (u.get("target") or "").strip()
    print(f"    {u['name']:<24} {kind:<22} {u['duration']:7.2f} s")
EOF
