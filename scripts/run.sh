#!/usr/bin/env bash
# meshgate's main job: builds the CLI, validates the demo workspace and tours what the planner
# derives from it (upstreams with mesh gateway modes, intention decisions with their reasons).
#
# usage: scripts/run.sh [FILE|DIR...]     (with arguments: validate those instead)
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

if [ "$#" -gt 0 ]; then
    files=("$@")
else
    files=(examples/demo)
fi

echo "==> cargo build -p meshgate --release"
cargo build -q -p meshgate --release
meshgate() { "${CARGO_TARGET_DIR:-$ROOT/target}/release/meshgate" "$@"; }

echo "==> meshgate validate ${files[*]}"
meshgate validate "${files[@]}"
if [ "$#" -gt 0 ]; then
    exit 0
fi

# A tour of the planner on the demo workspace (examples/demo, settings in examples/demo/meshgate.hcl).
echo
echo "==> meshgate upstreams examples/demo --service web"
meshgate upstreams examples/demo --service web
for request in \
    "--source ingress --destination api --method GET --path /orders" \
    "--source ingress --destination api --method GET --path /public/../internal/keys" \
    "--source ingress --destination api --method DELETE --path /orders/7" \
    "--source web --destination payments-legacy" \
    "--source api --destination payments-legacy"; do
    echo
    echo "==> meshgate check examples/demo $request"
    # shellcheck disable=SC2086 # the request is a list of flags
    meshgate check examples/demo $request || true
done
