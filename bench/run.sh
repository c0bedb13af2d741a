#!/usr/bin/env bash
# Side-by-side benchmark of the enforcement paths: no filter (floor) vs a trivial wasm filter (wasm
# floor, L7 only) vs Envoy's native RBAC in the shape Consul generates vs meshgate's filter.wasm, at N
# intentions, on the HTTP (L7) or the TCP/SNI (L4) path; plus the ECDS plan reload time. See
# bench/README.md.
#
# usage: bench/run.sh [--quick] [--gateway terminating|ingress|terminating-tcp] [--sizes 10,1000,10000]
#                     [--seconds S] [--rounds R] [--connections C] [--out DIR] [--no-ecds]
#   --quick   smoke check for CI: N=10, 1 round of 5 s; fails unless every variant produced numbers
#             (never asserts a speed); writes to a temporary directory unless --out is given.
#   default   N=10,1000,10000, 3 rounds of 10 s per variant; writes bench/results/.
# Env: MESHGATE_FILTER_WASM=PATH measures that filter.wasm instead of building one (MESHGATE_FLOOR_WASM
# the same for the wasm floor); ENVOY_BIN=PATH; CARGO_TARGET_DIR as usual.
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
# filter.wasm and the wasm floor (bench/floor-filter): wasm32-wasip1, profile wasm-release, one build.
wasm_pkgs=()
if [ -n "${MESHGATE_FILTER_WASM:-}" ]; then
    wasm="$MESHGATE_FILTER_WASM"
else
    wasm_pkgs+=(-p meshgate-filter)
    wasm="$TARGET/wasm32-wasip1/wasm-release/meshgate_filter.wasm"
fi
if [ -n "${MESHGATE_FLOOR_WASM:-}" ]; then
    floor_wasm="$MESHGATE_FLOOR_WASM"
else
    wasm_pkgs+=(-p meshgate-bench-floor-filter)
    floor_wasm="$TARGET/wasm32-wasip1/wasm-release/meshgate_bench_floor_filter.wasm"
fi
if [ "${#wasm_pkgs[@]}" -gt 0 ]; then
    cargo build -q "${wasm_pkgs[@]}" --target wasm32-wasip1 --profile wasm-release
fi
# bench.py kills every process it starts (on exit, error, SIGINT/SIGTERM/SIGHUP); exec keeps the
# signal path direct.
exec python3 "$ROOT/bench/bench.py" --envoy "$envoy_bin" --meshgate "$TARGET/release/meshgate" \
    --wasm "$wasm" --floor-wasm "$floor_wasm" --command "bench/run.sh $*" "$@"
