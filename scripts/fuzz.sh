#!/usr/bin/env bash
# Fuzzes meshgate-core with cargo-fuzz (libFuzzer): the HCL, JSON and YAML parsers, the whole
# pipeline (Workspace::load in each format, then plan::compile), the filter's GatewayPlan reader and
# its decisions. Each target runs for SECONDS (default 30), or for N executions with --runs N
# (libFuzzer's -runs; scripts/soak.sh uses it); the script fails if any target crashes, hangs
# (> 5 s on one input) or goes over 2 GB of memory, and prints how to reproduce and minimize.
#
# usage: scripts/fuzz.sh [SECONDS | --runs N] [TARGET...]
#
#   TARGET   hcl, json, yaml, workspace, plan, decide (default: all six, one after the other)
#            plan: GatewayIndex::from_json on arbitrary bytes, seeded with every gateway's plan
#            from tests/corpus/routes (written by the meshgate CLI: MESHGATE_CLI, else built)
#            decide: decide_http / decide_connection / decide_peer at fixed gateways, checked
#            against the linear intention model
#
# Environment:
#   MESHGATE_FUZZ_SANITIZER=address   build with AddressSanitizer (default: none; meshgate-core
#                                     forbids unsafe code, so the sanitizer mostly costs speed)
#
# cargo-fuzz needs nightly compiler flags. With only a stable toolchain, RUSTC_BOOTSTRAP=1 lets
# stable rustc accept them; the script sets it. The corpus each target grows is kept in
# fuzz/corpus/TARGET (not committed) and starts from seeds gathered from tests/corpus into
# fuzz/seeds/TARGET (not committed either: the fixtures are the single copy).
set -euo pipefail

usage() { sed -n '2,23s/^# \{0,1\}//p' "$0"; }

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(hcl json yaml workspace plan decide)

seconds=30
max_runs=''
targets=()
while [ "$#" -gt 0 ]; do
    arg="$1"
    shift
    case "$arg" in
        -h | --help)
            usage
            exit 0
            ;;
        --runs)
            max_runs="${1:-}"
            shift || true
            if ! [[ "$max_runs" =~ ^[1-9][0-9]*$ ]]; then
                echo "error: --runs needs a positive number of executions" >&2
                exit 2
            fi
            ;;
        *[!0-9]*)
            if [[ " ${ALL_TARGETS[*]} " != *" $arg "* ]]; then
                echo "error: unknown target '$arg' (targets: ${ALL_TARGETS[*]})" >&2
                usage >&2
                exit 2
            fi
            targets+=("$arg")
            ;;
        *) seconds="$arg" ;;
    esac
done
[ "${#targets[@]}" -gt 0 ] || targets=("${ALL_TARGETS[@]}")
if [ "$seconds" -lt 1 ]; then
    echo "error: SECONDS must be at least 1" >&2
    exit 2
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/fuzz"
export RUSTC_BOOTSTRAP=1
sanitizer="${MESHGATE_FUZZ_SANITIZER:-none}"

if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo is required (https://rustup.rs)" >&2
    exit 1
fi
installed="$(cargo fuzz --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$installed" != "$CARGO_FUZZ_VERSION" ]; then
    echo "==> cargo install cargo-fuzz $CARGO_FUZZ_VERSION (found: ${installed:-none})"
    cargo install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked --force
fi

# Build every target once, so that the time budget below is spent fuzzing, not compiling.
echo "==> building fuzz targets (sanitizer: $sanitizer)"
build_start=$SECONDS
cargo fuzz build --sanitizer "$sanitizer"
echo "    built in $((SECONDS - build_start)) s"
# Run the binaries just built: `cargo fuzz run` would rebuild first whenever the sources changed
# meanwhile, and spend the time budget compiling.
host="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="${CARGO_TARGET_DIR:-target}/$host/release"

# Seeds: the fixture corpus, by format (the workspace target takes every format); for plan, every
# gateway's GatewayPlan from the routes corpus; for decide, a few requests and connections at each
# of its gateways.
gather_seeds() {
    local target=$1 pattern
    case "$target" in
        hcl) pattern='*.hcl' ;;
        json) pattern='*.json' ;;
        yaml) pattern='*.y*ml' ;;
        *) pattern='*' ;;
    esac
    rm -rf "seeds/$target"
    mkdir -p "seeds/$target"
    case "$target" in
        plan) plan_seeds "seeds/$target" ;;
        decide) decide_seeds "seeds/$target" ;;
        *)
            find ../tests/corpus -type f -name "$pattern" \( -name '*.hcl' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) \
                -exec sh -c 'for f; do cp "$f" "$0/$(printf %s "${f#../tests/corpus/}" | tr / _)"; done' "seeds/$target" {} +
            ;;
    esac
}

# One GatewayPlan per gateway of each tests/corpus/routes case, as `meshgate plan --gateway` writes
# it, with the indentation taken out (inputs stay under -max_len).
plan_seeds() {
    local out=$1 cli="${MESHGATE_CLI:-}" dir name f key keys count=0
    if [ -z "$cli" ] || [ ! -x "$cli" ]; then
        # A normal build of the CLI: no RUSTC_BOOTSTRAP, so that it reuses what other builds made.
        (cd "$ROOT" && env -u RUSTC_BOOTSTRAP cargo build --release -p meshgate --quiet)
        cli="${CARGO_TARGET_DIR:-$ROOT/target}/release/meshgate"
    fi
    for dir in ../tests/corpus/routes/*/; do
        name="$(basename "$dir")"
        local files=() settings=()
        for f in "$dir"*.hcl "$dir"*.json "$dir"*.yaml "$dir"*.yml; do
            [ -f "$f" ] || continue
            case "$(basename "$f")" in
                routes.json) continue ;;
                meshgate.*) settings=(--settings "$f") ;;
                *) files+=("$f") ;;
            esac
        done
        # (The CLI's warnings about the corpus are not news here.)
        keys="$("$cli" routes --json "${settings[@]}" "${files[@]}" 2>/dev/null | grep -A1 '^    "gateway": {' | sed -n 's/.*"key": "\([^"]*\)".*/\1/p')"
        for key in $keys; do
            "$cli" plan "${settings[@]}" "${files[@]}" --gateway "$key" 2>/dev/null | sed 's/^ *//' | tr -d '\n' >"$out/${name}_$key.json"
            count=$((count + 1))
        done
    done
    [ "$count" -gt 0 ] || { echo "error: no GatewayPlan seeds from tests/corpus/routes" >&2; return 1; }
    echo "    $count GatewayPlan seeds from tests/corpus/routes"
}

# decide inputs (fuzz_targets/decide.rs): gateway, flags, port, 8 bytes of randomness, 4 bytes of
# choices, then NUL-separated server name, peer URI SAN and header name/value pairs. Gateways 0-3
# are mesh, terminating, ingress, API under default allow; 4-7 the same under deny and audit.
# Flags: 1 port, 2 peer, 4 server name from the plan's rows, 8 SPIFFE ID from the choices.
decide_seeds() {
    local out=$1 td='11111111-2222-3333-4444-555555555555.consul' i n
    local r='\0\0\0\0\0\0\0\x2a' spiffe="spiffe://$td/ns/default/dc/dc1/svc"
    for i in 0 4; do
        printf "\\x$i\\x00\\0\\0$r\\0\\0\\0\\0%s" "api.default.dc1.internal.$td" >"$out/mesh-$i"
        printf "\\x$i\\x04\\0\\0$r\\x06\\0\\0\\0" >"$out/mesh-row-$i"
        printf "\\x$((i + 1))\\x02\\0\\0$r\\0\\0\\0\\0%s\\0%s\\0:path\\0/invoices/1\\0:method\\0GET\\0x-role\\0guest" \
            "billing.default.dc1.internal.$td" "$spiffe/web" >"$out/terminating-http-$i"
        printf "\\x$((i + 1))\\x02\\0\\0$r\\0\\0\\0\\0%s\\0%s" "legacy-db.default.dc1.internal.$td" "$spiffe/reporting" \
            >"$out/terminating-tcp-$i"
        for n in 0 1 2 3 4 5 6 7 8; do
            printf "\\x$((i + 1))\\x0e\\0\\0$r\\x0$((n % 2))\\x0$n\\x0$((n % 3))\\x0$((n % 4))\\0\\0:path\\0/invoices\\0:method\\0GET" \
                >"$out/terminating-callers-$i-$n"
        done
        printf "\\x$((i + 2))\\x01\\x1f\\x90$r\\0\\0\\0\\0\\0\\0:authority\\0web.example.com\\0:path\\0/admin/x\\0:method\\0GET\\0x-debug\\x001" \
            >"$out/ingress-admin-$i"
        printf "\\x$((i + 2))\\x01\\x23\\x82$r\\0\\0\\0\\0\\0\\0:authority\\0web.ingress.example.com:9090\\0:path\\0/api/v1/../x?debug=1\\0:method\\0POST\\0x-env\\0prod" \
            >"$out/ingress-api-$i"
        printf "\\x$((i + 3))\\x00\\0\\0$r\\0\\0\\0\\0\\0\\0:authority\\0shop.example.com\\0:path\\0/v1/items\\0:method\\0GET\\0x-beta\\x001" \
            >"$out/api-rewrite-$i"
        printf "\\x$((i + 3))\\x00\\0\\0$r\\0\\0\\0\\0\\0\\0:authority\\0shop.example.com\\0:path\\0/item/42\\0:method\\0DELETE" \
            >"$out/api-regex-$i"
    done
}

failed=()
summary=()
for target in "${targets[@]}"; do
    gather_seeds "$target"
    mkdir -p "corpus/$target" "artifacts/$target"
    log="artifacts/$target/last-run.log"
    if [ -n "$max_runs" ]; then
        echo "==> fuzzing $target for $max_runs executions"
        budget=(-runs="$max_runs")
    else
        echo "==> fuzzing $target for ${seconds} s"
        budget=(-max_total_time="$seconds")
    fi
    # GatewayPlans run to a few KB; the corpus seeds to 10 KB.
    max_len=8192
    [ "$target" = plan ] && max_len=32768
    flags=(
        "${budget[@]}"
        -timeout=5
        -rss_limit_mb=2048
        -max_len="$max_len"
        -dict="dicts/$target.dict"
        -print_final_stats=1
        -artifact_prefix="artifacts/$target/"
    )
    # New inputs go to the first directory (corpus/); seeds/ is only read.
    if "$bin_dir/$target" "${flags[@]}" "corpus/$target" "seeds/$target" >"$log" 2>&1; then
        rate="$(awk '/stat::average_exec_per_sec/ {print $2}' "$log" | tail -1)"
        runs="$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -1)"
        summary+=("$(printf '%-10s ok      %10s runs  %7s exec/s' "$target" "${runs:-?}" "${rate:-?}")")
    else
        failed+=("$target")
        summary+=("$(printf '%-10s FAILED  (log: fuzz/%s)' "$target" "$log")")
        grep -E '^(==[0-9]+==|SUMMARY|thread .* panicked|Test unit written|ERROR: libFuzzer)' "$log" | head -20 >&2 || true
        artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
        if [ -n "$artifact" ]; then
            echo "    reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run -s $sanitizer $target fuzz/$artifact" >&2
            echo "    minimize:  RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s $sanitizer $target fuzz/$artifact" >&2
        fi
    fi
done

echo
if [ -n "$max_runs" ]; then budget_text="$max_runs executions"; else budget_text="$seconds s"; fi
echo "fuzzing summary ($budget_text per target):"
printf '  %s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "error: fuzzing found problems in: ${failed[*]}" >&2
    exit 1
fi
