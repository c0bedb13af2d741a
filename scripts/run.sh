#!/usr/bin/env bash
# meshgate's main job: builds the CLI and validates the example configurations.
#
# usage: scripts/run.sh [FILE|DIR...]     (default: examples/, every .hcl/.json/.yaml/.yml file below it)
#
# TODO(envoy): extend this to build filter.wasm, install Envoy (setup_envoy in scripts/setup.sh),
#   compile the examples into gateway plans and start Envoy with the filter for each gateway kind.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MESHGATE_ROOT="$ROOT"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"

if [ -z "${CARGO_TARGET_DIR:-}" ] && [ -n "${MESHGATE_CACHE_DIR:-}" ]; then
    export CARGO_TARGET_DIR="$MESHGATE_CACHE_DIR/target"
fi

setup_rust

# `meshgate validate` reads directories itself (every .hcl/.json/.yaml/.yml file below them).
if [ "$#" -gt 0 ]; then
    files=("$@")
elif [ -d examples ]; then
    files=(examples)
else
    echo "error: no $ROOT/examples directory yet (pass files or directories to validate instead)" >&2
    exit 2
fi

echo "==> cargo build -p meshgate --release"
cargo build -q -p meshgate --release
echo "==> meshgate validate ${files[*]}"
exec cargo run -q -p meshgate --release -- validate "${files[@]}"
