//! The soak's load driver (`scripts/soak.sh` runs it once per gateway kind): one gateway in the
//! pinned Envoy with filter.wasm, `--connections` legitimate clients for `--seconds`, hostile
//! requests or connections mixed in at `--malformed-per-second`, and Envoy's RSS sampled at the
//! start, every `--sample-seconds` and at the end. It prints a one-line summary and writes the
//! figures as JSON (`--json FILE`); it exits non-zero when a legitimate request failed, a hostile
//! one was not refused (or passed) as it must be, the filter panicked, its VM was reloaded or
//! Envoy died.
//!
//! ```text
//! soak --kind mesh|terminating|ingress|api [--seconds 300] [--connections 64]
//!      [--malformed-per-second 10] [--sample-seconds 30] [--json FILE]
//! ```
//!
//! Kinds: `mesh` (TLS by SNI to a TLS backend; clients reconnect every 50 requests so SNI
//! decisions keep coming; hostile: ClientHellos with 0xFF / Latin-1 / NUL / 300-byte / unknown /
//! no SNI, and bytes that are not TLS), `terminating` (an L4 service and an L7 service behind one
//! gateway, half the clients each, over mTLS; L4 clients reconnect every 20 requests; hostile:
//! identities the intentions deny, no certificate, another CA, an unknown SNI, and malformed
//! HTTP/1 to the L7 service), `ingress` and `api` (plain HTTP/1.1 keep-alive clients; hostile:
//! malformed HTTP/1 and HTTP/2). Backends are keep-alive, a thread per connection, on 127.0.0.1;
//! behind mesh, ingress and API gateways they are Connect-native (mTLS: the mesh clients' own
//! identity passes through the mesh gateway; ingress and API gateways present theirs).
//! Needs Envoy and filter.wasm as the Envoy tests do (`MESHGATE_FILTER_WASM`, `ENVOY_BIN`).

use meshgate_core::settings::Settings;
use meshgate_tests::envoy::{rss_kib, scratch_dir, Envoy};
use meshgate_tests::harness::{load, sni, spiffe, start_gateway, Ports};
use meshgate_tests::net::{Backend, ClientIdentity, KeepAlive, TlsClient};
use meshgate_tests::pki::Ca;
use meshgate_tests::traffic::{
    bytes_back, client_hello, configured_lines, counter, legit_load, malformed_h1, malformed_h2, plain, send_malformed,
    tls, wasm_stats, Dial, Expect, Legit, LegitTally, Malformed,
};
use serde_json::json;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    kind: String,
    seconds: u64,
    connections: usize,
    malformed_per_second: u32,
    sample_seconds: u64,
    json: Option<String>,
}

fn usage() -> &'static str {
    "usage: soak --kind mesh|terminating|ingress|api [--seconds 300] [--connections 64] \
     [--malformed-per-second 10] [--sample-seconds 30] [--json FILE]"
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        kind: String::new(),
        seconds: 300,
        connections: 64,
        malformed_per_second: 10,
        sample_seconds: 30,
        json: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value\n{}", usage()));
        let number = |v: String| v.parse::<u64>().map_err(|_| format!("{flag}: not a number: {v}"));
        match flag.as_str() {
            "--kind" => a.kind = value()?,
            "--seconds" => a.seconds = number(value()?)?,
            "--connections" => a.connections = number(value()?)? as usize,
            "--malformed-per-second" => a.malformed_per_second = number(value()?)? as u32,
            "--sample-seconds" => a.sample_seconds = number(value()?)?.max(1),
            "--json" => a.json = Some(value()?),
            "-h" | "--help" => return Err(usage().into()),
            other => return Err(format!("unknown argument {other}\n{}", usage())),
        }
    }
    if !["mesh", "terminating", "ingress", "api"].contains(&a.kind.as_str()) {
        return Err(format!("--kind must be mesh, terminating, ingress or api\n{}", usage()));
    }
    Ok(a)
}

/// A hostile request or connection: `Ok` when the gateway refused it (or, for bytes no rule
/// reads, passed it) as it must, `Err` with what happened otherwise.
type Probe = Arc<dyn Fn() -> Result<(), String> + Send + Sync>;

/// A load: legitimate clients (how to connect, what to send, requests per connection) and the
/// hostile probes.
struct Plan {
    gateway: &'static str,
    envoy: Envoy,
    _backends: Vec<Backend>,
    loads: Vec<(Dial, &'static [Legit], u64)>,
    probes: Vec<(String, Probe)>,
}

fn http_probes(dial: &Dial, h2_port: Option<u16>, cases: Vec<Malformed>) -> Vec<(String, Probe)> {
    cases
        .into_iter()
        .map(|m| {
            let dial = dial.clone();
            let name = m.name();
            let probe: Probe = Arc::new(move || {
                let a = send_malformed(&dial, h2_port, &m);
                if a.acceptable(&m) {
                    Ok(())
                } else {
                    Err(format!("{a:?}"))
                }
            });
            (name, probe)
        })
        .collect()
}

/// Raw bytes to the gateway's port: it must close without sending anything back.
fn closed_probe(port: u16, bytes: Vec<u8>) -> Probe {
    Arc::new(move || match bytes_back(port, &bytes) {
        Ok(0) => Ok(()),
        Ok(n) => Err(format!("{n} bytes came back: the connection was routed")),
        Err(e) => Err(e),
    })
}

/// A TLS client the gateway must refuse: the request gets no answer.
fn refused_probe(dial: Dial) -> Probe {
    Arc::new(move || match dial().and_then(|s| KeepAlive::new(s).get("x", "/", &[])) {
        Ok(r) => Err(format!("answered {}: the connection was let through", r.status)),
        Err(_) => Ok(()),
    })
}

// --------------------------------------------------------------------------- the gateways

const MESH: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "127.0.0.1" port = {{MGW}} }
---
service { name = "web" address = "127.0.0.1" port = {{WEB}} connect { native = true } }
"#;

const MESH_LEGIT: &[Legit] =
    &[Legit { host: "web", path: "/ok", headers: &[], expect: Expect::Pass { backend: "web", path: "/ok" } }];

fn mesh(dir: &std::path::Path) -> Result<Plan, String> {
    let ports = Ports::new(&["MGW", "WEB"]);
    let (ws, c) = load(&ports.fill(MESH), &Settings::default())?;
    let ca = Ca::create(&dir.join("certs"), "soak CA")?;
    let web_sni = sni("web.default.dc1.internal");
    // web is Connect-native; the clients present their own identity through the mesh gateway
    // (which passes their mTLS through) and require web's.
    let backend = Backend::native_http_keepalive("web", ports.get("WEB"), &ca.service("web", "web")?)?;
    let envoy = start_gateway(dir, &ws, &c, "mesh-gateway", None, None)?;
    let port = ports.get("MGW");
    let client = ca.service("client", "client")?.dial(&spiffe("web"))?;
    let dial = tls(client.clone(), port, web_sni.clone());
    let mut bad_sni = web_sni.clone().into_bytes();
    bad_sni.push(0xff);
    let mut latin1 = b"w\xe9".to_vec();
    latin1.extend_from_slice(sni("b.default.dc1.internal").as_bytes());
    let mut nul = web_sni.clone().into_bytes();
    nul.insert(3, 0);
    let long = format!("{}.{web_sni}", "a".repeat(300));
    let probes: Vec<(String, Probe)> = vec![
        ("SNI with 0xFF".into(), closed_probe(port, client_hello(Some(&bad_sni)))),
        ("SNI with Latin-1".into(), closed_probe(port, client_hello(Some(&latin1)))),
        ("SNI with NUL".into(), closed_probe(port, client_hello(Some(&nul)))),
        ("300-byte SNI label".into(), closed_probe(port, client_hello(Some(long.as_bytes())))),
        ("no SNI".into(), closed_probe(port, client_hello(None))),
        ("not TLS".into(), closed_probe(port, b"GET / HTTP/1.1\r\nHost: web\r\n\r\n".to_vec())),
        ("unknown SNI".into(), refused_probe(tls(client.clone(), port, sni("nope.default.dc1.internal")))),
    ];
    Ok(Plan { gateway: "mesh-gateway", envoy, _backends: vec![backend], loads: vec![(dial, MESH_LEGIT, 50)], probes })
}

const TERMINATING: &str = r#"
service { name = "tgw" kind = "terminating-gateway" address = "127.0.0.1" port = {{TGW}} }
---
service { name = "billing" address = "127.0.0.1" port = {{BILLING}} }
---
service { name = "ledger" address = "127.0.0.1" port = {{LEDGER}} }
---
Kind = "service-defaults"
Name = "ledger"
Protocol = "http"
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing" }, { Name = "ledger" }]
---
Kind = "service-intentions"
Name = "billing"
Sources = [{ Name = "client", Action = "allow" }, { Name = "*", Action = "deny" }]
---
Kind = "service-intentions"
Name = "ledger"
Sources = [
  { Name = "client", Permissions = [
    { Action = "deny", HTTP { Header = [{ Name = "x-user", Exact = "mallory" }] } },
    { Action = "deny", HTTP { PathPrefix = "/admin" } },
    { Action = "allow", HTTP { PathPrefix = "/" } },
  ] },
  { Name = "*", Action = "deny" },
]
"#;

const BILLING_LEGIT: &[Legit] =
    &[Legit { host: "billing", path: "/pay", headers: &[], expect: Expect::Pass { backend: "billing", path: "/pay" } }];

const LEDGER_LEGIT: &[Legit] = &[
    Legit {
        host: "ledger",
        path: "/entries",
        headers: &[("x-user", "alice")],
        expect: Expect::Pass { backend: "ledger", path: "/entries" },
    },
    Legit {
        host: "ledger",
        path: "/a//b/./c",
        headers: &[],
        expect: Expect::Pass { backend: "ledger", path: "/a/b/c" },
    },
    Legit { host: "ledger", path: "/admin/keys", headers: &[], expect: Expect::Deny("permission") },
    Legit { host: "ledger", path: "/entries", headers: &[("x-user", "mallory")], expect: Expect::Deny("permission") },
];

fn terminating(dir: &std::path::Path) -> Result<Plan, String> {
    let ports = Ports::new(&["TGW", "BILLING", "LEDGER"]);
    let (ws, c) = load(&ports.fill(TERMINATING), &Settings::default())?;
    let certs = dir.join("certs");
    let ca = Ca::create(&certs, "soak CA")?;
    let (billing_sni, ledger_sni) = (sni("billing.default.dc1.internal"), sni("ledger.default.dc1.internal"));
    ca.issue("billing", &spiffe("billing"), &[&billing_sni])?;
    ca.issue("ledger", &spiffe("ledger"), &[&ledger_sni])?;
    let id = |leaf: &meshgate_tests::pki::Leaf| {
        TlsClient::new(&ca.cert_pem, Some(ClientIdentity { cert_pem: &leaf.cert_pem, key_pem: &leaf.key_pem }))
    };
    let client = id(&ca.issue("client", &spiffe("client"), &["client"])?)?;
    let stranger = id(&ca.issue("stranger", &spiffe("stranger"), &["stranger"])?)?;
    let other_ca = Ca::create(&dir.join("other-ca"), "another CA")?;
    let forged_leaf = other_ca.issue("client", &spiffe("client"), &["client"])?;
    let forged = TlsClient::new(
        &ca.cert_pem,
        Some(ClientIdentity { cert_pem: &forged_leaf.cert_pem, key_pem: &forged_leaf.key_pem }),
    )?;
    let anonymous = TlsClient::new(&ca.cert_pem, None)?;
    let backends = vec![
        Backend::http_keepalive("billing", ports.get("BILLING"))?,
        Backend::http_keepalive("ledger", ports.get("LEDGER"))?,
    ];
    let envoy = start_gateway(dir, &ws, &c, "tgw", Some(&certs), None)?;
    let port = ports.get("TGW");
    let billing = tls(client.clone(), port, billing_sni.clone());
    let ledger = tls(client.clone(), port, ledger_sni.clone());
    let mut bad_sni = billing_sni.clone().into_bytes();
    bad_sni.push(0xff);
    let mut probes: Vec<(String, Probe)> = vec![
        ("L4: an identity the intentions deny".into(), refused_probe(tls(stranger.clone(), port, billing_sni.clone()))),
        ("L4: no client certificate".into(), refused_probe(tls(anonymous.clone(), port, billing_sni.clone()))),
        ("L4: a certificate from another CA".into(), refused_probe(tls(forged.clone(), port, billing_sni.clone()))),
        (
            "L4: an SNI no service has".into(),
            refused_probe(tls(client.clone(), port, sni("nope.default.dc1.internal"))),
        ),
        ("L4: SNI with 0xFF".into(), closed_probe(port, client_hello(Some(&bad_sni)))),
        ("L7: an identity the intentions deny".into(), refused_or_403(tls(stranger, port, ledger_sni.clone()))),
    ];
    probes.extend(http_probes(&ledger, None, malformed_h1("ledger")));
    Ok(Plan {
        gateway: "tgw",
        envoy,
        _backends: backends,
        loads: vec![(billing, BILLING_LEGIT, 20), (ledger, LEDGER_LEGIT, 0)],
        probes,
    })
}

/// An L7 deny: the request is answered 403 (the filter) or not at all.
fn refused_or_403(dial: Dial) -> Probe {
    Arc::new(move || match dial().and_then(|s| KeepAlive::new(s).get("ledger", "/entries", &[])) {
        Ok(r) if r.status == 403 => Ok(()),
        Ok(r) => Err(format!("answered {}", r.status)),
        Err(_) => Ok(()),
    })
}

/// A mesh CA in `dir/certs` with `gateway`'s certificate (its `--cert-dir`), and a Connect-native
/// keep-alive backend per `(service, port)`: ingress and API gateways reach them over mTLS as
/// their own identity.
fn native_backends(
    dir: &std::path::Path,
    gateway: &str,
    services: &[(&str, u16)],
) -> Result<(std::path::PathBuf, Vec<Backend>), String> {
    let certs = dir.join("certs");
    let ca = Ca::create(&certs, "soak CA")?;
    ca.service(gateway, gateway)?;
    let backends = services
        .iter()
        .map(|(name, port)| Backend::native_http_keepalive(name, *port, &ca.service(name, name)?))
        .collect::<Result<Vec<_>, String>>()?;
    Ok((certs, backends))
}

const INGRESS: &str = r#"
service { name = "ingress" kind = "ingress-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = {{WEB}} connect { native = true } }
---
service { name = "api" address = "127.0.0.1" port = {{API}} connect { native = true } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "service-router"
Name = "api"
Routes = [{ Match { HTTP { PathPrefix = "/v1/" } } Destination { Service = "api", PrefixRewrite = "/" } }]
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = {{INGRESS}}, Protocol = "http", Services = [
  { Name = "web", Hosts = ["web.example.com"] },
  { Name = "api", Hosts = ["api.example.com"] },
] }]
---
Kind = "service-intentions"
Name = "web"
Sources = [{ Name = "ingress", Permissions = [
  { Action = "deny", HTTP { Header = [{ Name = "x-user", Exact = "mallory" }] } },
  { Action = "allow", HTTP { PathPrefix = "/" } },
] }]
---
Kind = "service-intentions"
Name = "api"
Sources = [{ Name = "ingress", Permissions = [
  { Action = "deny", HTTP { PathPrefix = "/admin" } },
  { Action = "allow", HTTP { PathPrefix = "/" } },
] }]
"#;

const INGRESS_LEGIT: &[Legit] = &[
    Legit {
        host: "web.example.com",
        path: "/index.html",
        headers: &[("x-user", "alice")],
        expect: Expect::Pass { backend: "web", path: "/index.html" },
    },
    Legit {
        host: "api.example.com",
        path: "/v1/items",
        headers: &[],
        expect: Expect::Pass { backend: "api", path: "/items" },
    },
    Legit { host: "api.example.com", path: "/v1/admin", headers: &[], expect: Expect::Deny("permission") },
    Legit {
        host: "web.example.com",
        path: "/a/./b/../c",
        headers: &[("x-user", "bob")],
        expect: Expect::Pass { backend: "web", path: "/a/c" },
    },
    Legit { host: "web.example.com", path: "/", headers: &[("x-user", "mallory")], expect: Expect::Deny("permission") },
];

fn ingress(dir: &std::path::Path) -> Result<Plan, String> {
    let ports = Ports::new(&["INGRESS", "WEB", "API"]);
    let (ws, c) = load(&ports.fill(INGRESS), &Settings::default())?;
    let (certs, backends) = native_backends(dir, "ingress", &[("web", ports.get("WEB")), ("api", ports.get("API"))])?;
    let envoy = start_gateway(dir, &ws, &c, "ingress", Some(&certs), None)?;
    let port = ports.get("INGRESS");
    let mut cases = malformed_h1("web.example.com");
    cases.extend(malformed_h2("web.example.com"));
    let probes = http_probes(&plain(port), Some(port), cases);
    Ok(Plan { gateway: "ingress", envoy, _backends: backends, loads: vec![(plain(port), INGRESS_LEGIT, 0)], probes })
}

const API: &str = r#"
service { name = "api-gw" kind = "api-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = {{WEB}} connect { native = true } }
---
service { name = "shop" address = "127.0.0.1" port = {{SHOP}} connect { native = true } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "api-gateway"
Name = "api-gw"
Listeners = [{ Name = "http", Port = {{API}}, Protocol = "http" }]
---
Kind = "http-route"
Name = "site"
Parents = [{ Name = "api-gw" }]
Hostnames = ["site.example.com"]
Rules = [
  { Matches = [{ Path = { Match = "prefix", Value = "/shop" } }], Services = [{ Name = "shop" }] },
  { Matches = [{ Headers = [{ Match = "exact", Name = "x-beta", Value = "1" }] }], Services = [{ Name = "shop" }] },
  { Services = [{ Name = "web" }] },
]
---
Kind = "service-intentions"
Name = "shop"
Sources = [{ Name = "api-gw", Permissions = [
  { Action = "deny", HTTP { PathPrefix = "/shop/admin" } },
  { Action = "deny", HTTP { Header = [{ Name = "x-user", Exact = "mallory" }] } },
  { Action = "allow", HTTP { PathPrefix = "/" } },
] }]
"#;

const API_LEGIT: &[Legit] = &[
    Legit {
        host: "site.example.com",
        path: "/shop/cart",
        headers: &[("x-user", "alice")],
        expect: Expect::Pass { backend: "shop", path: "/shop/cart" },
    },
    Legit {
        host: "site.example.com",
        path: "/home",
        headers: &[("x-beta", "1")],
        expect: Expect::Pass { backend: "shop", path: "/home" },
    },
    Legit {
        host: "site.example.com",
        path: "/home",
        headers: &[],
        expect: Expect::Pass { backend: "web", path: "/home" },
    },
    Legit { host: "site.example.com", path: "//shop/./admin/users", headers: &[], expect: Expect::Deny("permission") },
    Legit {
        host: "site.example.com",
        path: "/shop/cart",
        headers: &[("x-user", "mallory")],
        expect: Expect::Deny("permission"),
    },
];

fn api(dir: &std::path::Path) -> Result<Plan, String> {
    let ports = Ports::new(&["API", "WEB", "SHOP"]);
    let (ws, c) = load(&ports.fill(API), &Settings::default())?;
    let (certs, backends) = native_backends(dir, "api-gw", &[("web", ports.get("WEB")), ("shop", ports.get("SHOP"))])?;
    let envoy = start_gateway(dir, &ws, &c, "api-gw", Some(&certs), None)?;
    let port = ports.get("API");
    let mut cases = malformed_h1("site.example.com");
    cases.extend(malformed_h2("site.example.com"));
    let probes = http_probes(&plain(port), Some(port), cases);
    Ok(Plan { gateway: "api-gw", envoy, _backends: backends, loads: vec![(plain(port), API_LEGIT, 0)], probes })
}

// ------------------------------------------------------------------------------- the run

fn run(args: &Args) -> Result<(bool, serde_json::Value), String> {
    let dir = scratch_dir(&format!("soak-{}", args.kind));
    let mut plan = match args.kind.as_str() {
        "mesh" => mesh(&dir)?,
        "terminating" => terminating(&dir)?,
        "ingress" => ingress(&dir)?,
        _ => api(&dir)?,
    };
    let gw = plan.gateway;
    let pid = plan.envoy.pid();
    let configured_before = configured_lines(&plan.envoy);
    let wasm_before = wasm_stats(&plan.envoy);
    let log_before = std::fs::metadata(&plan.envoy.log).map(|m| m.len()).unwrap_or(0);
    let started = Instant::now();
    let samples: Arc<Mutex<Vec<(u64, u64)>>> = Arc::new(Mutex::new(vec![(0, rss_kib(pid).unwrap_or(0))]));
    let stop = Arc::new(AtomicBool::new(false));

    // Legitimate clients, split over the loads.
    let per_load = (args.connections / plan.loads.len()).max(1);
    let loads: Vec<_> = plan
        .loads
        .drain(..)
        .map(|(dial, requests, per_connection)| {
            let stop = stop.clone();
            std::thread::spawn(move || legit_load(dial, requests, per_load, per_connection, stop))
        })
        .collect();
    // Hostile probes, round-robin, each on its own thread.
    let probes = std::mem::take(&mut plan.probes);
    let rate = args.malformed_per_second;
    let hostile = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let period = Duration::from_secs(1) / rate.max(1);
            let mut next = Instant::now();
            let mut sent = Vec::new();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let (name, probe) = probes[i % probes.len()].clone();
                i += 1;
                sent.push(std::thread::spawn(move || (name, probe())));
                next += period;
                if let Some(wait) = next.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
            sent.into_iter().filter_map(|t| t.join().ok()).collect::<Vec<_>>()
        })
    };
    // RSS every sample period.
    let sampler = {
        let (stop, samples) = (stop.clone(), samples.clone());
        let every = Duration::from_secs(args.sample_seconds);
        std::thread::spawn(move || {
            let mut next = started + every;
            while !stop.load(Ordering::Relaxed) {
                if Instant::now() >= next {
                    if let (Some(kib), Ok(mut s)) = (rss_kib(pid), samples.lock()) {
                        s.push((started.elapsed().as_secs(), kib));
                    }
                    next += every;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };
    let deadline = started + Duration::from_secs(args.seconds);
    while Instant::now() < deadline && !plan.envoy.exited() {
        std::thread::sleep(Duration::from_millis(500));
    }
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let mut legit = LegitTally::default();
    for l in loads {
        legit.add(l.join().map_err(|_| "a load thread panicked")?);
    }
    let answers = hostile.join().map_err(|_| "the hostile thread panicked")?;
    let _ = sampler.join();
    let alive = !plan.envoy.exited();
    let rss_end = rss_kib(pid).unwrap_or(0);
    samples.lock().map_err(|_| "samples")?.push((elapsed.as_secs(), rss_end));
    let samples = samples.lock().map_err(|_| "samples")?.clone();

    let log = plan.envoy.log_text();
    let panics = log.lines().filter(|l| l.to_ascii_lowercase().contains("panic")).count();
    let reloads = configured_lines(&plan.envoy).saturating_sub(configured_before);
    let wasm_moved = wasm_stats(&plan.envoy) != wasm_before;
    let log_growth = std::fs::metadata(&plan.envoy.log).map(|m| m.len()).unwrap_or(0).saturating_sub(log_before);
    let refused: Vec<(String, String)> =
        answers.iter().filter_map(|(n, r)| r.as_ref().err().map(|e| (n.clone(), e.clone()))).collect();
    let counters: Vec<(String, u64)> = ["allowed", "denied", "audited", "unrouted", "errors"]
        .iter()
        .map(|c| (c.to_string(), counter(&plan.envoy, gw, c)))
        .collect();
    let requests = legit.passed + legit.denied;
    let rps = requests as f64 / elapsed.as_secs_f64();
    let ok = legit.failures == 0 && refused.is_empty() && panics == 0 && reloads == 0 && !wasm_moved && alive;
    let report = json!({
        "kind": args.kind,
        "gateway": gw,
        "ok": ok,
        "seconds": elapsed.as_secs_f64(),
        "connections": args.connections,
        "legitimate": { "requests": requests, "passed": legit.passed, "denied_as_expected": legit.denied,
                        "failures": legit.failures, "examples": legit.examples },
        "requests_per_second": rps,
        "hostile": { "sent": answers.len(), "not_refused": refused.len(),
                     "examples": refused.iter().take(10).map(|(n, e)| format!("{n}: {e}")).collect::<Vec<_>>() },
        "rss_kib": { "start": samples.first().map(|s| s.1), "end": rss_end,
                     "samples": samples.iter().map(|(t, k)| json!([t, k])).collect::<Vec<_>>() },
        "filter_counters": counters.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "panics": panics,
        "vm_reloads": reloads,
        "wasm_vm_stats_moved": wasm_moved,
        "envoy_alive": alive,
        "log_growth_bytes": log_growth,
        "envoy_log": plan.envoy.log.display().to_string(),
    });
    Ok((ok, report))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok((ok, report)) => {
            let r = &report;
            println!(
                "soak {}: {} — {} legitimate requests ({:.0}/s), {} failed; {} hostile, {} not refused; RSS {} → {} KiB; panics {}, VM reloads {}, Envoy alive {}",
                args.kind,
                if ok { "ok" } else { "FAILED" },
                r["legitimate"]["requests"],
                r["requests_per_second"].as_f64().unwrap_or(0.0),
                r["legitimate"]["failures"],
                r["hostile"]["sent"],
                r["hostile"]["not_refused"],
                r["rss_kib"]["start"],
                r["rss_kib"]["end"],
                r["panics"],
                r["vm_reloads"],
                r["envoy_alive"],
            );
            if !ok {
                eprintln!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            }
            if let Some(path) = &args.json {
                if let Err(e) = std::fs::write(path, serde_json::to_string_pretty(&report).unwrap_or_default()) {
                    eprintln!("cannot write {path}: {e}");
                    return ExitCode::FAILURE;
                }
            }
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("soak {}: {e}", args.kind);
            ExitCode::FAILURE
        }
    }
}
