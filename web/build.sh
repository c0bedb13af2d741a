#!/usr/bin/env bash
# Builds the playground into web/dist/ — a static site that works offline from any static server:
#   1. planner-wasm for wasm32-unknown-unknown, profile web-release (size-optimized, not stripped),
#      with the pinned nightly of scripts/setup.sh (setup_web_toolchain) rebuilding std for it
#   2. wasm-bindgen --target web → dist/pkg (JS glue, the .wasm, TypeScript declarations)
#   3. wasm-opt -O2 and a function order for gzip (npm binaryen, pinned in package.json; Debian's
#      wasm-opt made a broken module; tools/order-functions.mjs)
#   4. tsc --noEmit: the page type-checks against those declarations
#   5. esbuild bundles the page (dist/app.js), the planner worker (dist/worker.js) and the service
#      worker (dist/sw.js, which caches the built files so the page works offline after one visit)
#   6. index.html, app.css and examples/ are copied, with the examples that are repository files
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
setup_web_toolchain
setup_wasm_bindgen_cli
setup_npm "$WEB"

cd "$ROOT"
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
[ -n "$target_dir" ] || {
    echo "error: could not read the target directory from 'cargo metadata'" >&2
    exit 1
}
# Its own target directory: the nightly's build products would otherwise replace (and be replaced
# by) stable's web-release build of the same crates (scripts/test.sh builds that one).
web_target="$target_dir/nightly"
wasm="$web_target/wasm32-unknown-unknown/web-release/meshgate_planner_wasm.wasm"

# std is rebuilt with the profile (opt-level z), with its optimize_for_size paths, and with
# panic=immediate-abort: a panic traps at once, without formatting a message (nothing reads one:
# the profile already aborts on panic, and the facade installs no panic hook). 482 KB gzip against
# 511 KB with the prebuilt std and stable; it costs ~2 min of build time (std from source).
step "cargo +$MESHGATE_WEB_TOOLCHAIN build -p meshgate-planner-wasm --target wasm32-unknown-unknown --profile web-release -Z build-std"
# LLVM's inlining threshold 0 (opt-level z uses 5): binaryen inlines what is worth it after us, and
# the code gzips ~2.5 KB smaller (-10 and 5 were worse; -20 much worse). -Zlocation-detail=none:
# no file/line strings for panic sites that cannot print them (~0.6 KB).
RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Cllvm-args=-inline-threshold=0 -Zlocation-detail=none" \
    cargo "+$MESHGATE_WEB_TOOLCHAIN" build -p meshgate-planner-wasm --target wasm32-unknown-unknown --profile web-release \
    --target-dir "$web_target" -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size

dist="$WEB/dist"
rm -rf "$dist"
mkdir -p "$dist/pkg"
step "wasm-bindgen --target web → web/dist/pkg"
# The name section stays until wasm-opt has ordered the functions by it (see below).
wasm-bindgen --target web --out-dir "$dist/pkg" --remove-producers-section "$wasm"

cd "$WEB"
bg="$dist/pkg/meshgate_planner_wasm_bg.wasm"
sizes() { printf '%d bytes raw, %d bytes gzip' "$(wc -c <"$1")" "$(gzip -9 -c "$1" | wc -c)"; }
before="$(sizes "$bg")"
# Measured gzip, not raw (see the README, Playground, Size). Three steps:
# 1. wasm-opt -O2, names kept (-g). -O2 makes a larger module than -Oz (1.32 against 1.27 MB) that
#    compresses better once ordered (step 2; 8 KB gzip less): -Oz's extra shrinking makes the code
#    less alike. Inlining every function with one caller, whatever its size, costs 80 KB gzip; the
#    limit keeps only small ones. --converge repeats the passes until nothing shrinks.
# 2. tools/order-functions.mjs renames each function to its place in an order that puts similar
#    functions side by side (copies of one generic function for each type, above all), where
#    deflate's 32 KB window finds the repeats.
# 3. wasm-opt lays the functions out in that order and drops the names and the custom sections no
#    browser reads (producers, target features). With step 1, ~28 KB gzip less than -Oz in
#    binaryen's own order (stop 22: 460 → 432 KB before the other cuts).
step "wasm-opt -O2, functions ordered for gzip (binaryen $(node_modules/.bin/wasm-opt --version | sed 's/.*version \([0-9]*\).*/\1/'))"
node_modules/.bin/wasm-opt -O2 -g --converge --one-caller-inline-max-function-size=10 "$bg" -o "$bg.named"
node tools/order-functions.mjs "$bg.named" "$bg.keyed"
node_modules/.bin/wasm-opt --reorder-functions-by-name --strip-debug --strip-producers --strip-target-features "$bg.keyed" -o "$bg.opt"
rm "$bg.named" "$bg.keyed"
mv "$bg.opt" "$bg"

step "tsc --noEmit (the page against the planner's declarations)"
node_modules/.bin/tsc --noEmit -p .

step "esbuild → web/dist/app.js, web/dist/worker.js"
common=(--bundle --format=esm --target=es2022 --minify --sourcemap --legal-comments=none --log-level=warning)
node_modules/.bin/esbuild src/main.ts "${common[@]}" --outfile="$dist/app.js"
node_modules/.bin/esbuild src/worker.ts "${common[@]}" --outfile="$dist/worker.js"

cp index.html app.css "$dist/"
cp -r examples "$dist/examples"
# The repository's demo workspace is an example too, its meshgate.hcl included: the page reads a
# file of that name as the workspace's settings, as the CLI reads a directory's.
mkdir -p "$dist/examples/demo"
find "$ROOT/examples/demo" -maxdepth 1 -type f \( -name '*.hcl' -o -name '*.json' -o -name '*.yaml' \) \
    -exec cp {} "$dist/examples/demo/" \;
# The gateway examples are route-table corpus cases, whole; the seed examples (and the remote
# instance of cross-datacenter) are the seed corpus's files. Copied, so they cannot drift.
for id in mesh-gateway ingress-gateway api-gateway dataplane; do
    mkdir -p "$dist/examples/$id"
    find "$ROOT/tests/corpus/routes/$id" -maxdepth 1 -type f \( -name '*.hcl' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) \
        ! -name routes.json ! -name 'meshgate.*' -exec cp {} "$dist/examples/$id/" \;
done
mkdir -p "$dist/examples/seeds"
seeds="$ROOT/tests/corpus/seeds"
cp "$seeds/proxy-defaults-local.hcl" "$seeds/service-defaults-web-local.yaml" "$seeds/upstream-modes.hcl" "$dist/examples/seeds/"
cp "$seeds/instance-remote.hcl" "$dist/examples/cross-datacenter/"
# The service worker caches every built file (not the source maps): their list and a build id
# (a hash of their contents) are written into it, so a new build installs a new cache.
assets="$(cd "$dist" && find . -type f ! -name '*.map' ! -name '*.d.ts' | sed 's#^\./##' | LC_ALL=C sort)"
build_id="$(cd "$dist" && sha256sum $assets | sha256sum | cut -c1-16)"
assets_json="$(printf '%s\n' "./" $assets | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean)))')"
node_modules/.bin/esbuild src/sw.ts --bundle --format=iife --target=es2022 --minify --legal-comments=none --log-level=warning \
    "--define:MESHGATE_ASSETS=$assets_json" "--define:MESHGATE_BUILD=\"$build_id\"" --outfile="$dist/sw.js"
# Every file an example lists must be there (a renamed corpus file fails the build, not the page).
node -e '
const fs = require("fs"), path = require("path"), dir = process.argv[1];
const missing = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8")).examples
  .flatMap((e) => e.files).filter((f) => !fs.existsSync(path.join(dir, f)));
if (missing.length) { console.error("error: examples/index.json lists missing files: " + missing.join(", ")); process.exit(1); }
' "$dist/examples"

gz=$(gzip -9 -c "$bg" | wc -c)
# The module is under its budget (README, Playground, Size): exceeding it fails the build.
budget=360000
printf 'planner wasm: %s (budget %d gzip); before wasm-opt, names included: %s\n' "$(sizes "$bg")" "$budget" "$before"
if [ "$gz" -gt "$budget" ]; then
    printf 'error: the planner wasm is %d bytes over its gzip budget (see the README, Playground, Size)\n' "$((gz - budget))" >&2
    exit 1
fi
for f in app.js worker.js; do
    printf '%s: %d bytes raw, %d bytes gzip\n' "$f" "$(wc -c <"$dist/$f")" "$(gzip -9 -c "$dist/$f" | wc -c)"
done
echo "built: $dist (serve it with web/serve.sh, or any static server)"
