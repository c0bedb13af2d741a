//! The discovery chain's traffic policy in real Envoy, through an ingress gateway with traffic:
//! a router destination's retries (a backend failing twice then succeeding is asked three
//! times), its request timeout (a slow backend: 504), its prefix rewrite (what the backend
//! receives), an ingress service's circuit breaker (a request past the pending limit: 503 and
//! Envoy's overflow counter), a ring-hash resolver's header hash policy (one value, one
//! instance), and an ingress service's passive health check (a failing instance ejected, in
//! Envoy's stats). The route header that selects a route's policy is the filter's alone: a
//! client's copy changes nothing and never reaches a service.
//!
//! Backends are Connect-native scripted servers (`meshgate_tests::scripted`): the gateway dials
//! them with mTLS as itself, as it dials Connect endpoints. No assertion here is about time: a
//! timeout is asserted by its status and by the backend having seen the request.
//!
//! Like tests/tests/envoy.rs, these need Envoy and a built filter.wasm: `#[ignore]`d in the plain
//! suite, run by `scripts/test.sh` with `--ignored`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use meshgate_core::gateway::{ROUTE_HEADER, ROUTING_HEADER};
use meshgate_core::settings::Settings;
use meshgate_tests::envoy::{scratch_dir, Envoy};
use meshgate_tests::harness::{self, Ports};
use meshgate_tests::net::{http_request, MeshIdentity, Response};
use meshgate_tests::pki::Ca;
use meshgate_tests::scripted::{Answer, Scripted};
use std::path::PathBuf;
use std::time::Duration;

const WORKSPACE: &str = r#"
service { name = "ingress" kind = "ingress-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "echo" address = "127.0.0.1" port = {{ECHO}} connect { native = true } }
---
service { name = "flaky" address = "127.0.0.1" port = {{FLAKY}} connect { native = true } }
---
service { name = "slow" address = "127.0.0.1" port = {{SLOW}} connect { native = true } }
---
service { name = "limited" address = "127.0.0.1" port = {{LIMITED}} connect { native = true } }
---
service { name = "pool" id = "pool-1" address = "127.0.0.1" port = {{POOL1}} connect { native = true } }
---
service { name = "pool" id = "pool-2" address = "127.0.0.1" port = {{POOL2}} connect { native = true } }
---
service { name = "shaky" id = "shaky-bad" address = "127.0.0.1" port = {{BAD}} connect { native = true } }
---
service { name = "shaky" id = "shaky-good" address = "127.0.0.1" port = {{GOOD}} connect { native = true } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "service-router"
Name = "echo"
Routes = [
  { Match { HTTP { PathPrefix = "/retry" } }, Destination { Service = "flaky", NumRetries = 3, RetryOnStatusCodes = [503] } },
  { Match { HTTP { PathPrefix = "/slow" } }, Destination { Service = "slow", RequestTimeout = "1s" } },
  { Match { HTTP { PathPrefix = "/old/" } }, Destination { Service = "echo", PrefixRewrite = "/new/" } },
]
---
Kind = "service-resolver"
Name = "pool"
LoadBalancer { Policy = "ring_hash", HashPolicies = [{ Field = "header", FieldValue = "x-user" }] }
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{
  Port = {{INGRESS}}
  Protocol = "http"
  Services = [
    { Name = "echo", Hosts = ["echo.example.com"] },
    { Name = "limited", Hosts = ["limited.example.com"], MaxConnections = 1, MaxPendingRequests = 1 },
    { Name = "pool", Hosts = ["pool.example.com"] },
    {
      Name = "shaky"
      Hosts = ["shaky.example.com"]
      PassiveHealthCheck { MaxFailures = 2, Interval = "1s", EnforcingConsecutive5xx = 100, MaxEjectionPercent = 100, BaseEjectionTime = "60s" }
    },
  ]
}]
"#;

const PORTS: &[&str] = &["INGRESS", "ECHO", "FLAKY", "SLOW", "LIMITED", "POOL1", "POOL2", "BAD", "GOOD"];

struct Gateway {
    ports: Ports,
    ca: Ca,
    envoy: Envoy,
    _dir: PathBuf,
}

impl Gateway {
    fn start(name: &str) -> Gateway {
        let dir = scratch_dir(name);
        let ports = Ports::new(PORTS);
        let (ws, c) = harness::load(&ports.fill(WORKSPACE), &Settings::default()).unwrap_or_else(|e| panic!("{e}"));
        let certs = dir.join("certs");
        let ca = Ca::create(&certs, "test CA").unwrap();
        ca.service("ingress", "ingress").unwrap();
        let envoy =
            harness::start_gateway(&dir, &ws, &c, "ingress", Some(&certs), None).unwrap_or_else(|e| panic!("{e}"));
        Gateway { ports, ca, envoy, _dir: dir }
    }

    fn id(&self, service: &str) -> MeshIdentity {
        self.ca.service(service, service).unwrap()
    }

    fn backend(
        &self,
        name: &str,
        service: &str,
        port: &str,
        script: impl Fn(usize) -> Answer + Send + Sync + 'static,
    ) -> Scripted {
        Scripted::start(name, self.ports.get(port), &self.id(service), script).unwrap()
    }

    fn get(&self, host: &str, path: &str, headers: &[(&str, &str)]) -> Response {
        http_request(self.ports.get("INGRESS"), host, "GET", path, headers)
            .unwrap_or_else(|e| panic!("{host}{path}: {e}\n{}", self.envoy.log_tail(30)))
    }

    fn stat(&self, name: &str) -> u64 {
        self.envoy.counter(name).unwrap_or(0)
    }
}

#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn a_route_retries_until_the_backend_answers() {
    let gw = Gateway::start("traffic-retry");
    let flaky = gw.backend("flaky", "flaky", "FLAKY", |n| if n < 2 { Answer::status(503) } else { Answer::ok() });
    let r = gw.get("echo.example.com", "/retry", &[]);
    assert_eq!((r.status, r.field("backend")), (200, Some("flaky")), "{r:?}");
    assert_eq!(flaky.requests(), 3, "two 503s, then the answer");
    assert_eq!(r.field("request"), Some("2"));
    assert_eq!(gw.stat("cluster.flaky.default.default.dc1.upstream_rq_retry"), 2);
    // Neither routing header reaches the service.
    assert!(!flaky.saw_header(ROUTE_HEADER) && !flaky.saw_header(ROUTING_HEADER));
}

#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn a_route_times_out_on_a_slow_backend_whatever_route_header_the_client_sends() {
    let gw = Gateway::start("traffic-timeout");
    let slow = gw.backend("slow", "slow", "SLOW", |_| Answer::held());
    let r = gw.get("echo.example.com", "/slow", &[]);
    assert_eq!(r.status, 504, "{r:?}");
    assert_eq!(slow.requests(), 1, "the backend saw the request");
    // A client naming another route (the catch-all, `0.3`, has no timeout) does not escape it.
    let r = gw.get("echo.example.com", "/slow", &[(ROUTE_HEADER, "0.3")]);
    assert_eq!(r.status, 504, "{r:?}");
    assert_eq!(slow.requests(), 2);
    assert_eq!(gw.stat("cluster.slow.default.default.dc1.upstream_rq_timeout"), 2);
    slow.release();
    assert!(!slow.saw_header(ROUTE_HEADER));
}

#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn a_prefix_rewrite_reaches_the_backend() {
    let gw = Gateway::start("traffic-rewrite");
    let echo = gw.backend("echo", "echo", "ECHO", |_| Answer::ok());
    let r = gw.get("echo.example.com", "/old/page?q=1", &[]);
    assert_eq!((r.status, r.field("path")), (200, Some("/new/page?q=1")), "{r:?}");
    let r = gw.get("echo.example.com", "/other", &[]);
    assert_eq!(r.field("path"), Some("/other"), "{r:?}");
    assert_eq!(echo.paths(), vec!["/new/page?q=1".to_string(), "/other".to_string()]);
}

#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn a_circuit_breaker_overflows_past_the_pending_limit() {
    let gw = Gateway::start("traffic-breaker");
    let limited = gw.backend("limited", "limited", "LIMITED", |_| Answer::held());
    let cluster = "cluster.limited.default.default.dc1";
    let port = gw.ports.get("INGRESS");
    let send = move || http_request(port, "limited.example.com", "GET", "/", &[]);
    // The one connection allowed, busy with a held request…
    let first = std::thread::spawn(send);
    assert!(gw.envoy.eventually(Duration::from_secs(10), || limited.requests() == 1), "{}", gw.envoy.log_tail(30));
    // …one request waiting for it (the one pending request allowed)…
    let second = std::thread::spawn(send);
    assert!(
        gw.envoy.eventually(Duration::from_secs(10), || gw.stat(&format!("{cluster}.upstream_rq_pending_active")) == 1),
        "{}",
        gw.envoy.admin(&format!("/stats?filter={cluster}")).map(|(_, b)| b).unwrap_or_default()
    );
    // …so the next one overflows.
    let r = gw.get("limited.example.com", "/", &[]);
    assert_eq!(r.status, 503, "{r:?}");
    assert_eq!(gw.stat(&format!("{cluster}.upstream_rq_pending_overflow")), 1);
    assert_eq!(limited.requests(), 1, "the overflowing request never reached the backend");
    limited.release();
    for t in [first, second] {
        let r = t.join().unwrap().unwrap();
        assert_eq!(r.status, 200, "{r:?}");
    }
    assert_eq!(limited.requests(), 2);
}

#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn a_header_hash_policy_keeps_one_value_on_one_instance() {
    let gw = Gateway::start("traffic-hash");
    let _one = gw.backend("pool-1", "pool", "POOL1", |_| Answer::ok());
    let _two = gw.backend("pool-2", "pool", "POOL2", |_| Answer::ok());
    for user in ["alice", "bob", "carol", "dave", "erin", "frank"] {
        let first = gw.get("pool.example.com", "/", &[("x-user", user)]).field("backend").map(String::from);
        assert!(first.is_some());
        for _ in 0..8 {
            let r = gw.get("pool.example.com", "/", &[("x-user", user)]);
            assert_eq!(r.field("backend").map(String::from), first, "x-user {user}: {r:?}");
        }
    }
    assert_eq!(gw.envoy.admin("/config_dump").map(|(_, b)| b.contains("\"RING_HASH\"")).ok(), Some(true));
}

#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn a_failing_instance_is_ejected() {
    let gw = Gateway::start("traffic-outlier");
    let bad = gw.backend("shaky-bad", "shaky", "BAD", |_| Answer::status(500));
    let _good = gw.backend("shaky-good", "shaky", "GOOD", |_| Answer::ok());
    let cluster = "cluster.shaky.default.default.dc1";
    let ejected = format!("{cluster}.outlier_detection.ejections_enforced_consecutive_5xx");
    for _ in 0..40 {
        if gw.stat(&ejected) >= 1 {
            break;
        }
        gw.get("shaky.example.com", "/", &[]);
    }
    assert_eq!(gw.stat(&ejected), 1, "{}", gw.envoy.admin(&format!("/stats?filter={cluster}")).unwrap().1);
    assert_eq!(gw.stat(&format!("{cluster}.outlier_detection.ejections_active")), 1);
    // Ejected for a minute: every request now reaches the healthy instance.
    let before = bad.requests();
    assert!(before >= 2);
    for _ in 0..10 {
        let r = gw.get("shaky.example.com", "/", &[]);
        assert_eq!((r.status, r.field("backend")), (200, Some("shaky-good")), "{r:?}");
    }
    assert_eq!(bad.requests(), before);
}

/// Every policy of the traffic-policy route corpus (both balancers' settings, every hash policy
/// kind, limits, outlier detection, retries and timeouts; ingress and sidecar) as `meshgate
/// envoy` writes it passes `envoy --mode validate`.
#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn every_traffic_policy_passes_envoy_validate() {
    let dir = scratch_dir("traffic-validate");
    let case = meshgate_tests::envoy::repo_root().join("tests/corpus/routes/traffic-policy");
    let (files, settings) = meshgate_tests::corpus::load_case(&case, &["routes.out", "routes.json"]).unwrap();
    let ws = meshgate_core::workspace::Workspace::load(files);
    let c = meshgate_core::plan::compile(&ws, &settings).unwrap();
    let certs = dir.join("certs");
    let ca = Ca::create(&certs, "test CA").unwrap();
    ca.service("ingress", "ingress").unwrap();
    ca.service("frontend", "frontend").unwrap();
    let envoy = meshgate_tests::envoy::find_envoy().unwrap();
    let (wasm, host) = meshgate_tests::envoy::filter_under_test().unwrap_or_else(|e| panic!("{e}"));
    for (selector, sidecar) in [("ingress", false), ("frontend", true)] {
        let opts = meshgate_core::envoy::Options {
            wasm: wasm.clone(),
            host: host.clone(),
            admin_port: meshgate_tests::envoy::free_port(),
            cert_dir: Some(certs.display().to_string()),
            ecds_dir: None,
            health_port: None,
            sidecar,
            cert_files: Vec::new(),
        };
        let g = meshgate_core::envoy::generate(&ws, &c, selector, &opts).unwrap();
        for policy in [
            "\"RING_HASH\"",
            "\"LEAST_REQUEST\"",
            "\"hash_policy\"",
            "\"circuit_breakers\"",
            "\"outlier_detection\"",
            "\"retry_policy\"",
        ] {
            assert!(g.bootstrap.contains(policy), "{selector}: no {policy}");
        }
        let path = dir.join(format!("{selector}.json"));
        std::fs::write(&path, &g.bootstrap).unwrap();
        meshgate_tests::envoy::validate(&envoy, &path).unwrap_or_else(|e| panic!("{e}"));
    }
}

const SIDECAR: &str = r#"
service {
  name = "frontend"
  address = "127.0.0.1"
  port = {{APP}}
  connect { sidecar_service { port = {{PUBLIC}}, proxy { upstreams = [{ destination_name = "flaky", local_bind_port = {{UPSTREAM}} }] } } }
}
---
service { name = "flaky" address = "127.0.0.1" port = {{FLAKY}} connect { native = true } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "service-router"
Name = "flaky"
Routes = [{ Match { HTTP { PathPrefix = "/" } }, Destination { NumRetries = 3, RetryOnStatusCodes = [503] } }]
---
Kind = "service-defaults"
Name = "frontend"
UpstreamConfig { Overrides = [{ Name = "flaky", Limits { MaxPendingRequests = 4 }, PassiveHealthCheck { MaxFailures = 7 } }] }
"#;

/// A sidecar's upstream listener is routed the same way: the upstream's router retries, and the
/// service's `UpstreamConfig` for that upstream shapes the target's cluster.
#[test]
#[ignore = "needs Envoy and filter.wasm: scripts/test.sh runs it"]
fn a_sidecar_upstream_retries_and_carries_its_upstream_config() {
    let dir = scratch_dir("traffic-sidecar");
    let ports = Ports::new(&["APP", "PUBLIC", "UPSTREAM", "FLAKY"]);
    let (ws, c) = harness::load(&ports.fill(SIDECAR), &Settings::default()).unwrap_or_else(|e| panic!("{e}"));
    let certs = dir.join("certs");
    let ca = Ca::create(&certs, "test CA").unwrap();
    ca.service("frontend", "frontend").unwrap();
    let flaky_id = ca.service("flaky", "flaky").unwrap();
    let flaky =
        Scripted::start(
            "flaky",
            ports.get("FLAKY"),
            &flaky_id,
            |n| {
                if n < 2 {
                    Answer::status(503)
                } else {
                    Answer::ok()
                }
            },
        )
        .unwrap();
    let envoy = harness::start_sidecar(&dir, &ws, &c, "frontend", &certs).unwrap_or_else(|e| panic!("{e}"));
    let r = http_request(ports.get("UPSTREAM"), "flaky", "GET", "/x", &[(ROUTE_HEADER, "0.9")])
        .unwrap_or_else(|e| panic!("{e}\n{}", envoy.log_tail(30)));
    assert_eq!((r.status, r.field("backend")), (200, Some("flaky")), "{r:?}");
    assert_eq!(flaky.requests(), 3);
    assert!(!flaky.saw_header(ROUTE_HEADER) && !flaky.saw_header(ROUTING_HEADER));
    let (_, dump) = envoy.admin("/config_dump").unwrap();
    let dump: serde_json::Value = serde_json::from_str(&dump).unwrap();
    let clusters =
        dump["configs"].as_array().unwrap().iter().flat_map(|c| c["static_clusters"].as_array().into_iter().flatten());
    let flaky_cluster =
        clusters.map(|c| &c["cluster"]).find(|c| c["name"] == "flaky.default.default.dc1").expect("the flaky cluster");
    assert_eq!(flaky_cluster["circuit_breakers"]["thresholds"][0]["max_pending_requests"], 4);
    assert_eq!(flaky_cluster["outlier_detection"]["consecutive_5xx"], 7);
}
