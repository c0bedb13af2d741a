#!/usr/bin/env bash
# Builds the playground into web/dist/ — a static site that works offline from any static server:
#   1. planner-wasm for wasm32-unknown-unknown, profile web-release (size-optimized, not stripped)
#   2. wasm-bindgen --target web → dist/pkg (JS glue, the .wasm, TypeScript declarations)
#   3. tsc --noEmit: the page type-checks against those declarations
#   4. esbuild bundles the page (dist/app.js) and the planner worker (dist/worker.js)
#   5. index.html, app.css and examples/ are copied, with the examples that are repository files
#      (examples/demo, route-table corpus cases, seed files) copied from where they live
# What it needs (Rust targets, wasm-bindgen-cli at the Cargo.lock version, npm packages) is installed
# through scripts/setup.sh. Knobs: MESHGATE_CACHE_DIR (build products in DIR/target), CARGO_TARGET_DIR.
set -euo pipefail

WEB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$WEB")"
export MESHGATE_ROOT="$ROOT"
# shellcheck source=../scripts/setup.sh
source "$ROOT/scripts/setup.sh"

if [ -z "${CARGO_TARGET_DIR:-}" ] && [ -n "${MESHGATE_CACHE_DIR:-}" ]; then
    export CARGO_TARGET_DIR="$MESHGATE_CACHE_DIR/target"
fi

step() { printf '==> %s\n' "$*"; }

step "prerequisites"
setup_rust_targets
setup_wasm_bindgen_cli
setup_npm "$WEB"

cd "$ROOT"
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
[ -n "$target_dir" ] || {
    echo "error: could not read the target directory from 'cargo metadata'" >&2
    exit 1
}
wasm="$target_dir/wasm32-unknown-unknown/web-release/meshgate_planner_wasm.wasm"

step "cargo build -p meshgate-planner-wasm --target wasm32-unknown-unknown --profile web-release"
cargo build -p meshgate-planner-wasm --target wasm32-unknown-unknown --profile web-release

dist="$WEB/dist"
rm -rf "$dist"
mkdir -p "$dist/pkg"
step "wasm-bindgen --target web → web/dist/pkg"
wasm-bindgen --target web --out-dir "$dist/pkg" --remove-name-section --remove-producers-section "$wasm"

cd "$WEB"
step "tsc --noEmit (the page against the planner's declarations)"
node_modules/.bin/tsc --noEmit -p .

step "esbuild → web/dist/app.js, web/dist/worker.js"
common=(--bundle --format=esm --target=es2022 --minify --sourcemap --legal-comments=none --log-level=warning)
node_modules/.bin/esbuild src/main.ts "${common[@]}" --outfile="$dist/app.js"
node_modules/.bin/esbuild src/worker.ts "${common[@]}" --outfile="$dist/worker.js"

cp index.html app.css "$dist/"
cp -r examples "$dist/examples"
# The repository's demo workspace is an example too (its meshgate.hcl settings are in index.json).
mkdir -p "$dist/examples/demo"
find "$ROOT/examples/demo" -maxdepth 1 -type f \( -name '*.hcl' -o -name '*.json' -o -name '*.yaml' \) \
    ! -name 'meshgate.*' -exec cp {} "$dist/examples/demo/" \;
# The gateway examples are route-table corpus cases, whole; the seed examples (and the remote
# instance of cross-datacenter) are the seed corpus's files. Copied, so they cannot drift.
for id in mesh-gateway ingress-gateway api-gateway; do
    mkdir -p "$dist/examples/$id"
    find "$ROOT/tests/corpus/routes/$id" -maxdepth 1 -type f \( -name '*.hcl' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) \
        ! -name routes.json ! -name 'meshgate.*' -exec cp {} "$dist/examples/$id/" \;
done
mkdir -p "$dist/examples/seeds"
seeds="$ROOT/tests/corpus/seeds"
cp "$seeds/proxy-defaults-local.hcl" "$seeds/service-defaults-web-local.yaml" "$seeds/upstream-modes.hcl" "$dist/examples/seeds/"
cp "$seeds/instance-remote.hcl" "$dist/examples/cross-datacenter/"
# Every file an example lists must be there (a renamed corpus file fails the build, not the page).
node -e '
const fs = require("fs"), path = require("path"), dir = process.argv[1];
const missing = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8")).examples
  .flatMap((e) => e.files).filter((f) => !fs.existsSync(path.join(dir, f)));
if (missing.length) { console.error("error: examples/index.json lists missing files: " + missing.join(", ")); process.exit(1); }
' "$dist/examples"

bg="$dist/pkg/meshgate_planner_wasm_bg.wasm"
raw=$(wc -c <"$bg")
gz=$(gzip -9 -c "$bg" | wc -c)
budget=400000
printf 'planner wasm: %d bytes raw, %d bytes gzip (budget %d)\n' "$raw" "$gz" "$budget"
if [ "$gz" -gt "$budget" ]; then
    printf 'warning: the planner wasm is %d bytes over its gzip budget (see the README, Playground)\n' "$((gz - budget))" >&2
fi
for f in app.js worker.js; do
    printf '%s: %d bytes raw, %d bytes gzip\n' "$f" "$(wc -c <"$dist/$f")" "$(gzip -9 -c "$dist/$f" | wc -c)"
done
echo "built: $dist (serve it with web/serve.sh, or any static server)"
