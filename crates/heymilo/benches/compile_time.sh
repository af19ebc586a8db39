#!/usr/bin/env bash
# Compile-time figures for BENCHMARKS.md, measured in a throwaway clone so the
# workspace (and its target/) is never touched:
#
#   1. a clean debug build of heymilo, dependencies included (fresh target dir);
#   2. a rebuild after a one-line description change in openapi/v2.yaml;
#   3. a rebuild after adding one property to a v2 schema;
#   4. a rebuild of the workspace's own crates only (dependencies warm);
#   5. heymilo-gen compiled with one generation only (v1 or v2), the price a
#      cargo feature per generation would save.
#
# Usage: crates/heymilo/benches/compile_time.sh [workspace] (default: this
# repository; the clone is of its HEAD). Takes 10-15 minutes on 2 cores.
# Per-crate times come from `cargo build --timings` (the unit table of the
# HTML report); the wall times from `date`.
set -euo pipefail

src=${1:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel)}
ws=${BENCH_WS:-/tmp/heymilo-compile-ws}
rm -rf "$ws"
git clone -q "$src" "$ws"
cd "$ws"
export CARGO_TARGET_DIR="$ws/target"
export CARGO_TERM_COLOR=never

echo "machine: $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rustc: $(rustc --version)"

# The duration of each workspace unit in the last --timings report.
units() {
    python3 - "$CARGO_TARGET_DIR/cargo-timings/cargo-timing.html" <<'EOF'
import json, re, sys
html = open(sys.argv[1]).read()
data = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
for u in data:
    if u["name"].startswith("heymilo") and u["duration"] > 0.005:
        kind = (u.get("target") or "").strip()
        print(f"    {u['name']:<16} {kind:<34} {u['duration']:7.2f} s")
EOF
}

step() {
    local name=$1
    shift
    local start end
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    printf '%s: %.1f s wall (load %s)\n' "$name" "$(python3 -c "print($end - $start)")" \
        "$(cut -d' ' -f1 /proc/loadavg)"
    units || echo "    (no per-crate times: the --timings report could not be read)"
}

build() { cargo build -q -p "${1:-heymilo}" --timings; }

step "clean build (dependencies included)" build
step "no-op rebuild" build

cp openapi/v2.yaml /tmp/heymilo-v2.yaml.orig
python3 - <<'EOF'
p = "openapi/v2.yaml"
s = open(p).read()
old = "description: The posting the candidate belongs to.\n"
assert s.count(old) == 1
open(p, "w").write(s.replace(old, "description: The posting this candidate belongs to.\n"))
EOF
step "one-line description change in openapi/v2.yaml" build
cp /tmp/heymilo-v2.yaml.orig openapi/v2.yaml

python3 - <<'EOF'
p = "openapi/v2.yaml"
s = open(p).read()
start = s.index("\n    CandidateResponse:\n")
at = s.index("\n        score:\n", start) + 1
prop = (
    "        source:\n"
    "          type: string\n"
    "          nullable: true\n"
    "          description: Where the candidate came from.\n"
)
open(p, "w").write(s[:at] + prop + s[at:])
EOF
step "one property added to CandidateResponse" build
cp /tmp/heymilo-v2.yaml.orig openapi/v2.yaml
step "spec reverted" build

cargo clean -q -p heymilo -p heymilo-gen -p heymilo-codegen
step "workspace crates only (heymilo-codegen, heymilo-gen, heymilo; deps warm)" build

# heymilo-gen alone, from clean each time (`cargo clean -p heymilo-gen` also
# drops its incremental cache), in variants of the generated code. heymilo
# needs both generations and the builder interface, so only heymilo-gen is
# built: these are what a feature per generation, or another interface
# style, would save.
gen_lib=crates/heymilo-gen/src/lib.rs
codegen_lib=crates/heymilo-codegen/src/lib.rs
cp "$gen_lib" /tmp/heymilo-gen-lib.rs.orig
cp "$codegen_lib" /tmp/heymilo-codegen-lib.rs.orig
variant() {
    cargo clean -q -p heymilo-gen
    step "heymilo-gen, $1" build heymilo-gen
}
variant "both generations (as shipped)"
for drop in v2 v1; do
    python3 - "$drop" <<'EOF'
import re, sys
s = open("/tmp/heymilo-gen-lib.rs.orig").read()
drop = sys.argv[1]
s, n = re.subn(r"generation!\(\n(    ///[^\n]*\n)*    " + drop + r"\n\);\n", "", s)
assert n == 1, "generation!(" + drop + ") not found"
open("crates/heymilo-gen/src/lib.rs", "w").write(s)
EOF
    variant "without $drop"
done
cp /tmp/heymilo-gen-lib.rs.orig "$gen_lib"
if grep -q 'quote::quote! { #tokens #table #paged }' "$codegen_lib" &&
    grep -q 'InterfaceStyle::Builder' "$codegen_lib"; then
    sed -i 's/quote::quote! { #tokens #table #paged }/quote::quote! { #tokens #table }/' "$codegen_lib"
    variant "builder interface without the generated paging glue"
    sed -i 's/InterfaceStyle::Builder/InterfaceStyle::Positional/' "$codegen_lib"
    variant "positional interface without the paging glue"
    out=$(ls -td "$CARGO_TARGET_DIR"/debug/build/heymilo-gen-*/out | head -1)
    echo "generated lines with the positional interface:"
    wc -l "$out/v1.rs" "$out/v2.rs"
    cp /tmp/heymilo-codegen-lib.rs.orig "$codegen_lib"
    cargo build -q -p heymilo-gen 2>/dev/null
else
    echo "heymilo-codegen changed: the interface variants were skipped"
fi

out=$(ls -td "$CARGO_TARGET_DIR"/debug/build/heymilo-gen-*/out | head -1)
echo "generated lines (OUT_DIR):"
wc -l "$out/v1.rs" "$out/v2.rs"
