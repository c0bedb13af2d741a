#!/usr/bin/env bash
# Side-by-side benchmark of the HTTP (L7) enforcement path: no filter (floor) vs Envoy's native RBAC
# in the shape Consul generates vs meshgate's filter.wasm, at N intentions. See bench/README.md.
#
# usage: bench/run.sh [--quick] [--gateway terminating|ingress] [--sizes 10,1000,10000] [--seconds S] [--rounds R] [--connections C] [--out DIR]
#   --quick   smoke check for CI: N=10, 1 round of 5 s; fails unless every variant produced numbers
#             (never asserts a speed); writes to a temporary directory unless --out is given.
#   default   N=10,1000,10000, 3 rounds of 10 s per variant; writes bench/results/.
# Env: MESHGATE_FILTER_WASM=PATH measures that filter.wasm instead of building one; ENVOY_BIN=PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MESHGATE_ROOT="$ROOT"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

command -v wrk >/dev/null || apt_install wrk
setup_envoy
envoy_bin="${ENVOY_BIN:-$(python3 -c 'import envoy, os; print(os.path.join(os.path.dirname(envoy.__file__), "_bin", "envoy"))')}"
cargo build -q -p meshgate --release
if [ -n "${MESHGATE_FILTER_WASM:-}" ]; then
    wasm="$MESHGATE_FILTER_WASM"
else
    cargo build -q -p meshgate-filter --target wasm32-wasip1 --profile wasm-release
    wasm="$TARGET/wasm32-wasip1/wasm-release/meshgate_filter.wasm"
fi
# bench.py kills every process it starts (on exit, error, SIGINT/SIGTERM/SIGHUP); exec keeps the
# signal path direct.
exec python3 "$ROOT/bench/bench.py" --envoy "$envoy_bin" --meshgate "$TARGET/release/meshgate" \
    --wasm "$wasm" --command "bench/run.sh $*" "$@"
