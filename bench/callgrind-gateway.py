#!/usr/bin/env python3
"""User-space instructions per request of the terminating gateway's Envoy (one worker, under
callgrind) for REQUESTS (default 1,000) keep-alive requests through a TLS-originating front Envoy,
the bench's terminating setup at N = 10 (bench.py's configs). Instructions are counted from a
zeroed counter over the requests, minus an idle window of the same length; V8 is warmed up first.

    python3 bench/callgrind-gateway.py REPO ENVOY MESHGATE FILTER_WASM MODULE_SO [VARIANTS]

VARIANTS (comma-separated) are HOST-SHAPE: HOST `wasm` (filter.wasm), `module` (the dynamic
module), `none` (no filter), `floor` (the wasm floor; FLOOR=path/to/floor.wasm), `rbac` (Envoy's
native RBAC as Consul writes it; FLOOR needed too) or `modfloor` (the module's bench-floor build;
FLOOR and FLOOR_MODULE=path/to/libmeshgate_dynmod_bench_floor.so); SHAPE `marked`
(the bootstrap as `meshgate envoy` writes it: the plan's connection_headers, the SNI header
mutation) or `props` (without them: the filter reads the SNI and the peer as properties, as
before connection_headers). CACHE_SIM=1 adds callgrind's cache simulation and prints cache misses
per request. KIND=terminating-tcp measures the L4 path instead (a new mTLS connection per request,
the L4 intentions; shape `marked` only, meaning as generated; REQUESTS=300 is plenty there: every
request is a TLS handshake). Numbers, not assertions; nothing here is run by the tests."""
import copy, json, os, re, subprocess, sys, tempfile, time, http.client, glob
root = sys.argv[1]
sys.path.insert(0, os.path.join(root, "bench"))
import bench
envoy, cli, wasm, module = sys.argv[2:6]
variants = sys.argv[6].split(",") if len(sys.argv) > 6 else ["wasm-marked", "wasm-props", "module-marked", "module-props"]
N_REQ = int(os.environ.get("REQUESTS", "1000"))
KIND = os.environ.get("KIND", "terminating")
if KIND not in ("terminating", "terminating-tcp"):
    raise SystemExit(f"KIND={KIND}: terminating or terminating-tcp")
TCP = KIND == "terminating-tcp"
work = tempfile.mkdtemp(prefix="xfcc-measure-")
certs = f"{work}/certs"
subprocess.run([cli, "ca", "create", "--dir", certs], check=True, capture_output=True)
for svc in ("web", "client"):
    subprocess.run([cli, "cert", "issue", "--service", svc, "--dir", certs], check=True, capture_output=True)
class A: pass
a = A(); a.meshgate, a.wasm, a.module = cli, wasm, module
bport, badmin = bench.free_port(), bench.free_port()
json.dump(bench.backend_config(badmin, bport), open(f"{work}/backend.json", "w"))
bench.start_envoy(envoy, f"{work}/backend.json", f"{work}/backend.log", badmin, 60)
d = f"{work}/n10"; os.makedirs(d)
gw, gwadmin = bench.free_port(), bench.free_port()
bench.write_consul_config(d, 10, bport, gw, KIND)
bench.meshgate_envoy(a, d, KIND, "tgw", gwadmin, certs, f"{d}/wasm.json")
bench.meshgate_envoy(a, d, KIND, "tgw", gwadmin, certs, f"{d}/module.json", host="dynamic-module")

def unmark(cfg):
    """Before this change: no connection_headers in the plan, no SNI header mutation or strip."""
    text = json.dumps(cfg)
    text = text.replace('\\"connection_headers\\":true', '').replace(',}', '}')
    cfg = json.loads(text)
    for l in cfg["static_resources"]["listeners"]:
        for ch in l["filter_chains"]:
            for f in ch["filters"]:
                tc = f.get("typed_config", {})
                tc.pop("early_header_mutation_extensions", None)
                for vh in tc.get("route_config", {}).get("virtual_hosts", []):
                    for r in vh["routes"]:
                        r["request_headers_to_remove"] = [h for h in r.get("request_headers_to_remove", []) if h != "x-meshgate-sni"]
    return cfg

def dump_totals(path):
    """Every event's total in a dump, by name (Ir first; the cache events with CACHE_SIM=1)."""
    events, totals = [], []
    for line in open(path, errors="replace"):
        if line.startswith("events:"):
            events = line.split()[1:]
        if line.startswith("totals:") or line.startswith("summary:"):
            totals = [int(x) for x in line.split()[1:]]
    return dict(zip(events, totals))


def dump_total(path):
    return dump_totals(path).get("Ir", 0)

front_port, front_admin = bench.free_port(), bench.free_port()
sni = json.load(open(f"{d}/wasm.json"))["static_resources"]["listeners"][0]["filter_chains"][0]["filter_chain_match"]["server_names"][0]
json.dump(bench.tls_client_config(front_admin, [{"name": "gw", "listen": front_port, "gw": gw, "cert": "client"}], sni, certs, TCP),
          open(f"{d}/front.json", "w"))
bench.start_envoy(envoy, f"{d}/front.json", f"{d}/front.log", front_admin, 60)

def send(n):
    c = http.client.HTTPConnection("127.0.0.1", front_port, timeout=120)
    for _ in range(n):
        c.request("GET", bench.PATH, headers={"Host": bench.HOST})
        r = c.getresponse(); r.read()
        if r.status != 200:
            raise SystemExit(f"status {r.status}")
    c.close()

results = {}
floor = os.environ.get("FLOOR")
if floor:
    ports = {v: {"gw": gw, "admin": gwadmin} for v in bench.VARIANTS}
    floor_module = os.environ.get("FLOOR_MODULE")
    derived = bench.derive_configs(f"{d}/wasm.json", 10, ports, KIND, floor,
                                   f"{d}/module.json" if floor_module else None, floor_module)
    for v, name in (("none", "none"), ("floor-wasm", "floor"), ("rbac", "rbac"), ("floor-module", "modfloor")):
        if v in derived:
            json.dump(derived[v], open(f"{d}/{name}.json", "w"))
for v in variants:
    host, shape = v.split("-")
    cfg = json.load(open(f"{d}/{host}.json"))
    if TCP and shape != "marked":
        raise SystemExit(f"{v}: the L4 path has shape `marked` only")
    if shape == "props":
        cfg = unmark(cfg)
    s = json.dumps(cfg)
    if not TCP:
        assert ("connection_headers" in s) == (shape == "marked" and host in ("wasm", "module", "modfloor")), v
        assert ("early_header_mutation" in s) == (shape == "marked"), v
    path = f"{d}/{v}.json"; json.dump(cfg, open(path, "w"))
    out = f"{d}/cg-{v}"
    cache = ["--cache-sim=yes"] if os.environ.get("CACHE_SIM") == "1" else []
    p = subprocess.Popen(["valgrind", "--tool=callgrind", *cache, "--smc-check=all", "--instr-atstart=no",
                          f"--callgrind-out-file={out}.%p", envoy, "-c", path, "--use-dynamic-base-id",
                          "--concurrency", "1", "-l", "error"], stdout=open(f"{d}/{v}.log", "w"), stderr=subprocess.STDOUT)
    bench.procs.append(p)
    t0 = time.monotonic()
    while bench.http_get(f"http://127.0.0.1:{gwadmin}/ready", timeout=2)[0] != 200:
        if p.poll() is not None or time.monotonic() - t0 > 600:
            raise SystemExit(f"{v}: envoy did not start:\n" + open(f"{d}/{v}.log").read()[-3000:])
        time.sleep(0.5)
    subprocess.run(["callgrind_control", "-i", "on", str(p.pid)], check=True, capture_output=True)
    send(300)  # warm up (V8 tiers up)
    subprocess.run(["callgrind_control", "-z", str(p.pid)], check=True, capture_output=True)
    t1 = time.monotonic(); send(N_REQ); busy = time.monotonic() - t1
    subprocess.run(["callgrind_control", "-d", "busy", str(p.pid)], check=True, capture_output=True)
    subprocess.run(["callgrind_control", "-z", str(p.pid)], check=True, capture_output=True)
    time.sleep(busy)
    subprocess.run(["callgrind_control", "-d", "idle", str(p.pid)], check=True, capture_output=True)
    time.sleep(1)
    dumps = sorted(glob.glob(f"{out}.{p.pid}*"))
    busy_t = max((dump_total(f) for f in dumps if "busy" in open(f, errors="replace").read(4000)), default=0)
    idle_t = max((dump_total(f) for f in dumps if "idle" in open(f, errors="replace").read(4000)), default=0)
    per = (busy_t - idle_t) / N_REQ
    results[v] = per
    print(f"{v}: busy {busy_t} idle {idle_t} over {busy:.1f}s -> {per:.0f} instructions/request", flush=True)
    if cache:
        # Misses per request (the busy dump's minus the idle one's, per event).
        def events(kind):
            return max((dump_totals(f) for f in dumps if kind in open(f, errors="replace").read(4000)),
                       key=lambda t: t.get("Ir", 0), default={})
        b, i = events("busy"), events("idle")
        misses = {e: (b.get(e, 0) - i.get(e, 0)) / N_REQ for e in ("I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw")}
        print(f"{v}: misses per request " + " ".join(f"{e} {m:.0f}" for e, m in misses.items()), flush=True)
        results[v + ":misses"] = misses
    bench.stop(p)
print(json.dumps(results))
bench.cleanup()
