#!/usr/bin/env bash
# Side-by-side benchmark of the enforcement paths: no filter (floor) vs a trivial wasm filter (wasm
# floor) vs Envoy's native RBAC in the shape Consul generates vs meshgate's filter.wasm vs the same
# filter as an Envoy dynamic module, at N intentions, on the HTTP (L7) or the TCP/SNI (L4) path; plus
# a deny flood (a source in no intention) and the ECDS plan reload time. See bench/README.md.
#
# usage: bench/run.sh [--quick] [--gateway terminating|ingress|terminating-tcp] [--sizes 10,1000,10000]
#                     [--seconds S] [--rounds R] [--connections C] [--out DIR] [--no-ecds]
#                     [--deny-sizes 10000] [--no-deny] [--no-module] [--no-pin] [--keep-processes]
#   --quick   smoke check for CI: N=10, 2 rounds of 3 s (deny flood 2 s); fails unless every variant
#             and the deny flood produced numbers (never asserts a speed); writes to a temporary
#             directory unless --out is given.
#   default   N=10,1000,10000, 3 rounds of 10 s per variant, the deny flood at N=10000 (terminating
#             paths); writes bench/results/.
#   --deny-sizes LIST  the N (of --sizes) at which the deny flood runs; --no-deny skips it.
#   --no-module        no dynamic-module column (and no module build).
#   --no-pin           do not pin the measured gateways alone on the last CPU (the load on the others).
#   --keep-processes   one gateway process per variant for all rounds (default: a fresh one each round).
# Env: MESHGATE_FILTER_WASM=PATH measures that filter.wasm instead of building one (MESHGATE_FLOOR_WASM
# the same for the wasm floor, MESHGATE_DYNAMIC_MODULE for libmeshgate_dynmod.so (MESHGATE_FLOOR_MODULE
# for its bench-floor build), MESHGATE_CLI for the
# meshgate CLI); ENVOY_BIN=PATH; CARGO_TARGET_DIR as usual.
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
# The CLI and the dynamic module: release, one build (either may come from the environment instead).
module=yes
for arg in "$@"; do
    [ "$arg" = "--no-module" ] && module=no
done
native_pkgs=()
if [ -n "${MESHGATE_CLI:-}" ]; then
    cli="$MESHGATE_CLI"
else
    native_pkgs+=(-p meshgate)
    cli="$TARGET/release/meshgate"
fi
module_args=()
if [ "$module" = yes ]; then
    if [ -n "${MESHGATE_DYNAMIC_MODULE:-}" ]; then
        dynmod="$MESHGATE_DYNAMIC_MODULE"
    else
        native_pkgs+=(-p meshgate-dynmod)
        dynmod="$TARGET/release/libmeshgate_dynmod.so"
    fi
    module_args=(--module "$dynmod")
fi
if [ "$module" = yes ] && [ -n "${MESHGATE_FLOOR_MODULE:-}" ]; then
    floor_module="$MESHGATE_FLOOR_MODULE"
elif [ "$module" = yes ]; then
    # The module floor: the same crate with feature bench-floor (its HTTP filters do nothing). Built
    # first and copied aside, because a build uplifts it to the same libmeshgate_dynmod.so; the
    # real module's build below (a relink when nothing changed) puts the real one back.
    floor_module="$TARGET/release/libmeshgate_dynmod_bench_floor.so"
    cargo build -q -p meshgate-dynmod --release --features bench-floor
    cp "$TARGET/release/libmeshgate_dynmod.so" "$floor_module"
    native_pkgs+=(-p meshgate-dynmod)
fi
if [ "${#native_pkgs[@]}" -gt 0 ]; then
    cargo build -q "${native_pkgs[@]}" --release
fi
if [ "$module" = yes ]; then
    if [ -z "${MESHGATE_FLOOR_MODULE:-}" ] && cmp -s "$floor_module" "$TARGET/release/libmeshgate_dynmod.so"; then
        echo "error: $TARGET/release/libmeshgate_dynmod.so is still the floor build" >&2
        exit 1
    fi
    module_args+=(--floor-module "$floor_module")
fi
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
# (--no-module is run.sh's: bench.py simply gets no --module.)
args=()
for arg in "$@"; do
    [ "$arg" = "--no-module" ] || args+=("$arg")
done
exec python3 "$ROOT/bench/bench.py" --envoy "$envoy_bin" --meshgate "$cli" \
    --wasm "$wasm" --floor-wasm "$floor_wasm" "${module_args[@]}" --command "bench/run.sh $*" "${args[@]}"
