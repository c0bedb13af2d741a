#!/usr/bin/env bash
# Fuzzes meshgate-core with cargo-fuzz (libFuzzer): the HCL, JSON and YAML parsers, and the whole
# pipeline (Workspace::load in each format, then plan::compile). Each target runs for SECONDS
# (default 30), or for N executions with --runs N (libFuzzer's -runs; scripts/soak.sh uses it);
# the script fails if any target crashes, hangs (> 5 s on one input) or goes over 2 GB of memory,
# and prints how to reproduce and minimize what it found.
#
# usage: scripts/fuzz.sh [SECONDS | --runs N] [TARGET...]
#
#   TARGET   hcl, json, yaml, workspace (default: all four, one after the other)
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

usage() { sed -n '2,18s/^# \{0,1\}//p' "$0"; }

CARGO_FUZZ_VERSION=0.13.2
ALL_TARGETS=(hcl json yaml workspace)

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

# Seeds: the fixture corpus, by format (the workspace target takes every format).
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
    find ../tests/corpus -type f -name "$pattern" \( -name '*.hcl' -o -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) \
        -exec sh -c 'for f; do cp "$f" "$0/$(printf %s "${f#../tests/corpus/}" | tr / _)"; done' "seeds/$target" {} +
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
    flags=(
        "${budget[@]}"
        -timeout=5
        -rss_limit_mb=2048
        -max_len=8192
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
