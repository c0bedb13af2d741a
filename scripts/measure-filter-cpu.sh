#!/usr/bin/env bash
# Per-request CPU that filter.wasm adds to an ingress gateway: one Envoy (one worker) with two HTTP
# listeners that differ only in the wasm filter (the filter's listener routes through the routing
# header and enforces an L7 intention; the other routes straight to the same cluster), a separate
# Envoy as the backend (direct_response), and wrk (Debian) against each listener in turn, rounds
# interleaved so machine drift cancels. CPU per request comes from /proc/<gateway pid>/stat.
#
# usage: scripts/measure-filter-cpu.sh [ROUNDS] [SECONDS]     (default 3 rounds of 10 s per variant)
#        MESHGATE_FILTER_WASM=PATH measures that build instead of building one
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export MESHGATE_ROOT="$ROOT"
# shellcheck source=scripts/setup.sh
source "$ROOT/scripts/setup.sh"
ROUNDS="${1:-3}"
SECONDS_PER_RUN="${2:-10}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

apt_install wrk
setup_envoy
envoy_bin="${ENVOY_BIN:-$(python3 -c 'import envoy, os; print(os.path.join(os.path.dirname(envoy.__file__), "_bin", "envoy"))')}"
cargo build -q -p meshgate --release
if [ -n "${MESHGATE_FILTER_WASM:-}" ]; then
    WASM="$MESHGATE_FILTER_WASM"
else
    cargo build -q -p meshgate-filter --target wasm32-wasip1 --profile wasm-release
    WASM="$TARGET/wasm32-wasip1/wasm-release/meshgate_filter.wasm"
fi
echo "filter.wasm: $WASM ($(wc -c <"$WASM") bytes)"
meshgate="$TARGET/release/meshgate"

dir="$(mktemp -d)"
pids=()
cleanup() {
    if [ "${#pids[@]}" -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; fi
    rm -rf "$dir"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
BACKEND=$(free_port) FILTERED=$(free_port) PLAIN=$(free_port) ADMIN=$(free_port) BADMIN=$(free_port)

cat >"$dir/ws.hcl" <<EOF
service { name = "ingress" kind = "ingress-gateway" address = "127.0.0.1" port = 8443 }
service { name = "web" address = "127.0.0.1" port = $BACKEND }
EOF
cat >"$dir/entries.hcl" <<EOF
Kind = "service-defaults"
Name = "web"
Protocol = "http"
EOF
cat >"$dir/ingress.hcl" <<EOF
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = $FILTERED, Protocol = "http", Services = [{ Name = "web", Hosts = ["web.example.com"] }] }]
EOF
cat >"$dir/intentions.hcl" <<EOF
Kind = "service-intentions"
Name = "web"
Sources = [{ Name = "ingress", Permissions = [
  { Action = "deny", HTTP { PathPrefix = "/admin" } },
  { Action = "allow", HTTP { PathPrefix = "/" } },
] }]
EOF
"$meshgate" envoy "$dir/ws.hcl" "$dir/entries.hcl" "$dir/ingress.hcl" "$dir/intentions.hcl" \
    --gateway ingress --wasm "$WASM" --admin-port "$ADMIN" -o "$dir/gateway.json" 2>/dev/null
# The same listener without the filter, routing straight to the cluster.
python3 - "$dir/gateway.json" "$PLAIN" <<'EOF'
import copy, json, sys
path, port = sys.argv[1], int(sys.argv[2])
cfg = json.load(open(path))
listeners = cfg["static_resources"]["listeners"]
plain = copy.deepcopy(listeners[0])
plain["name"] = "plain"
plain["address"]["socket_address"]["port_value"] = port
hcm = plain["filter_chains"][0]["filters"][0]["typed_config"]
hcm["stat_prefix"] = "plain"
hcm["http_filters"] = hcm["http_filters"][1:]
hcm["route_config"]["virtual_hosts"][0]["routes"][0]["route"] = {"cluster": "web.default.default.dc1"}
listeners.append(plain)
json.dump(cfg, open(path, "w"), indent=1)
EOF
cat >"$dir/backend.json" <<EOF
{"admin": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": $BADMIN}}},
 "static_resources": {"listeners": [{"address": {"socket_address": {"address": "127.0.0.1", "port_value": $BACKEND}},
  "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": {
    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
    "stat_prefix": "backend", "route_config": {"virtual_hosts": [{"name": "b", "domains": ["*"],
      "routes": [{"match": {"prefix": "/"}, "direct_response": {"status": 200, "body": {"inline_string": "ok"}}}]}]},
    "http_filters": [{"name": "envoy.filters.http.router", "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}]}}]}]}]}}
EOF
"$envoy_bin" -c "$dir/backend.json" --use-dynamic-base-id --concurrency 1 -l error >"$dir/backend.log" 2>&1 &
pids+=($!)
"$envoy_bin" -c "$dir/gateway.json" --use-dynamic-base-id --concurrency 1 -l error >"$dir/gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)
for port in "$ADMIN" "$BADMIN"; do
    for _ in $(seq 1 120); do [ "$(curl -s "http://127.0.0.1:$port/ready" || true)" = LIVE ] && break; sleep 0.5; done
done
for port in "$PLAIN" "$FILTERED"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: web.example.com' "http://127.0.0.1:$port/x")
    [ "$code" = 200 ] || { echo "error: warm-up request to $port answered $code" >&2; tail "$dir/gateway.log" >&2; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: web.example.com' "http://127.0.0.1:$FILTERED/admin")
[ "$code" = 403 ] || { echo "error: the filter did not deny /admin ($code)" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$gateway_pid/stat"; }
hz=$(getconf CLK_TCK)
declare -A cpu
run() { # variant port
    local t0 t1 out reqs
    t0=$(ticks)
    out=$(wrk -t1 -c16 -d"${SECONDS_PER_RUN}s" -H 'Host: web.example.com' "http://127.0.0.1:$2/api/items")
    t1=$(ticks)
    reqs=$(awk '/requests in/ {print $1}' <<<"$out")
    python3 -c "print(f'{($t1-$t0)/$hz*1e6/$reqs:.1f}')"
    printf '%s round %s: %s requests, %s\n' "$1" "$round" "$reqs" "$(awk '/Requests\/sec/ {print $2 " req/s"}' <<<"$out")" >&2
}
# Warm both (V8 tiers up under load).
wrk -t1 -c16 -d3s -H 'Host: web.example.com' "http://127.0.0.1:$FILTERED/" >/dev/null
wrk -t1 -c16 -d3s -H 'Host: web.example.com' "http://127.0.0.1:$PLAIN/" >/dev/null
plain_all=() filter_all=()
for round in $(seq 1 "$ROUNDS"); do
    plain_all+=("$(run plain "$PLAIN")")
    filter_all+=("$(run filter "$FILTERED")")
done
python3 - "${plain_all[*]}" "${filter_all[*]}" <<'EOF'
import statistics, sys
plain = [float(x) for x in sys.argv[1].split()]
filt = [float(x) for x in sys.argv[2].split()]
p, f = statistics.median(plain), statistics.median(filt)
print(f"gateway CPU per request (µs, median of {len(plain)} rounds; min-max):")
print(f"  no filter     {p:6.1f}   ({min(plain):.1f}-{max(plain):.1f})")
print(f"  filter.wasm   {f:6.1f}   ({min(filt):.1f}-{max(filt):.1f})")
print(f"  added by the filter: {f - p:.1f} µs per request ({f / p:.2f}x)")
EOF
curl -s "http://127.0.0.1:$ADMIN/stats" | grep -E 'wasmcustom.meshgate.ingress.(allowed|denied|decision_us)'
