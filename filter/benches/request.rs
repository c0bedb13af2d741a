//! The filter's own work per request, natively, against a host that answers instantly (canned
//! headers and properties, copied per call as the SDK copies them out of Envoy): the glue plus
//! the core decision, without Envoy or V8. Prints ns/request; run it under
//! `valgrind --tool=callgrind` for instruction counts per function (repeatable on a noisy
//! machine). Terminating gateway, L7 intention for the caller; N intentions in the plan. The plan
//! is as `meshgate envoy` writes it (`DIRECT=0`: as the planner writes it, the linked service not
//! marked direct, so the filter removes the client-certificate header itself; `CONN_HEADERS=0`:
//! marked direct but without `connection_headers`, so the filter reads the server name and the
//! peer as properties instead of from the headers the gateway's connection manager writes).
//! `L4=1`: the L4 path instead — `web` a tcp service with L4 intentions, one new connection per
//! iteration through the network filter on `web`'s chain (its `root_id` naming the chain's server
//! name, as `meshgate envoy` writes it; with `DIRECT=0`, the generic root reading the server name
//! and setting the cluster).
//!
//! `cargo bench -p meshgate-filter --bench request [-- N…]` (default N = 10 and 100 000)

// A benchmark is not shipped code: a setup failure should stop it loudly.
#![allow(clippy::panic)]

use meshgate_core::plan::gateways::gateway_plan;
use meshgate_core::settings::Settings;
use meshgate_core::workspace::{InputFile, Workspace};
use meshgate_filter::glue::{Root, Verdict};
use meshgate_filter::host::{Host, HostError, HostStatus, Level, MetricKind};
use meshgate_filter::pairs::HeaderPairs;
use std::time::Instant;

const TD: &str = "11111111-2222-3333-4444-555555555555.consul";

/// What Envoy would answer, copied out per call like the SDK does.
struct InstantHost {
    config: Vec<u8>,
    /// The request headers, serialized as the host passes them.
    headers: Vec<u8>,
    sni: Vec<u8>,
    peer: Vec<u8>,
}

impl Host for InstantHost {
    fn counter_batch(&self) -> u32 {
        // As filter.wasm's host.
        meshgate_filter::glue::COUNTER_BATCH
    }
    fn property(&self, path: &[&str]) -> Result<Option<Vec<u8>>, HostError> {
        Ok(match path {
            ["connection", "requested_server_name"] => Some(self.sni.clone()),
            ["connection", "uri_san_peer_certificate"] => Some(self.peer.clone()),
            _ => None,
        })
    }
    fn plugin_configuration(&self) -> Result<Option<Vec<u8>>, HostError> {
        Ok(Some(self.config.clone()))
    }
    type Headers<'h> = HeaderPairs;
    fn request_headers(&self) -> Result<Self::Headers<'_>, HostError> {
        HeaderPairs::parse(self.headers.clone())
            .map_err(|_| HostError::new("get_map", HostStatus::SerializationFailure))
    }
    fn set_request_header(&self, _: &str, _: &str) -> Result<(), HostError> {
        Ok(())
    }
    fn add_request_header(&self, _: &str, _: &str) -> Result<(), HostError> {
        Ok(())
    }
    fn remove_request_header(&self, _: &str) -> Result<(), HostError> {
        Ok(())
    }
    fn set_response_header(&self, _: &str, _: &str) -> Result<(), HostError> {
        Ok(())
    }
    fn add_response_header(&self, _: &str, _: &str) -> Result<(), HostError> {
        Ok(())
    }
    fn remove_response_header(&self, _: &str) -> Result<(), HostError> {
        Ok(())
    }
    fn send_local_reply(&self, _: u32, _: &[(&str, &str)], _: &[u8]) -> Result<(), HostError> {
        Ok(())
    }
    fn clear_route_cache(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn set_filter_state(&self, _: &str, _: &str) -> Result<(), HostError> {
        Ok(())
    }
    fn close_downstream(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn log_level(&self) -> Level {
        Level::Warn
    }
    fn log(&self, _: Level, _: &str) {}
    fn define_metric(&self, _: MetricKind, _: &str) -> Result<u32, HostError> {
        Ok(1)
    }
    fn increment_metric(&self, _: u32, _: i64) -> Result<(), HostError> {
        Ok(())
    }
    fn record_metric(&self, _: u32, _: u64) -> Result<(), HostError> {
        Ok(())
    }
    fn now_nanos(&self) -> Result<u64, HostError> {
        Ok(0)
    }
}

/// bench/bench.py's terminating gateway: `tgw` links `web`; N sources allow `/api/`, `client` last.
fn plan(n: usize, l4: bool) -> Vec<u8> {
    let allow = if l4 {
        "Action = \"allow\""
    } else {
        "Permissions = [{ Action = \"allow\", HTTP { PathPrefix = \"/api/\" } }]"
    };
    let mut intentions = String::from("Kind = \"service-intentions\"\nName = \"web\"\nSources = [\n");
    for i in 0..n.saturating_sub(1) {
        intentions.push_str(&format!("{{ Name = \"src-{i}\", {allow} }},\n"));
    }
    intentions.push_str(&format!("{{ Name = \"client\", {allow} }}\n]\n"));
    let protocol = if l4 { "tcp" } else { "http" };
    let files = [
        InputFile::new(
            "ws.hcl",
            "service { name = \"tgw\" kind = \"terminating-gateway\" address = \"127.0.0.1\" port = 9443 }\n\
             service { name = \"web\" address = \"127.0.0.1\" port = 8080 }\n",
        ),
        InputFile::new(
            "entries.hcl",
            format!("Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"{protocol}\"\n"),
        ),
        InputFile::new(
            "gateway.hcl",
            "Kind = \"terminating-gateway\"\nName = \"tgw\"\nServices = [{ Name = \"web\" }]\n",
        ),
        InputFile::new("intentions.hcl", intentions),
    ];
    let ws = Workspace::load(files);
    if ws.has_errors() {
        panic!("{:?}", ws.diagnostics.first());
    }
    let settings =
        Settings { default_intention_policy: meshgate_core::intentions::Action::Deny, ..Settings::default() };
    let compiled = meshgate_core::plan::compile(&ws, &settings).unwrap_or_else(|e| panic!("{e}"));
    let mut plan = gateway_plan(&compiled, "tgw").unwrap_or_else(|| panic!("no plan"));
    let direct = std::env::var("DIRECT").map_or(true, |v| v != "0");
    meshgate_core::envoy::traffic::mark_direct_routes(&mut plan, direct);
    if std::env::var("CONN_HEADERS").is_ok_and(|v| v == "0") {
        plan.connection_headers = false;
    }
    plan.canonical_json().into_bytes()
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![10, 100_000] } else { sizes };
    let iterations: usize = std::env::var("ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let l4 = std::env::var("L4").is_ok_and(|v| v == "1");
    // What the TLS-originating front Envoy sends through the gateway in bench/.
    let headers = [
        (":authority", "web.example.com"),
        (":path", "/api/items"),
        (":method", "GET"),
        (":scheme", "http"),
        ("user-agent", "wrk"),
        ("x-forwarded-proto", "http"),
        ("x-request-id", "6f6b1d1e-3b1c-4c52-9d3e-2f0a5d8c7b11"),
        ("x-envoy-expected-rq-timeout-ms", "15000"),
    ];
    // And what the gateway's connection manager adds for the filter (`SANITIZE_SET`, URI
    // details): the server's own URI SAN, the client certificate's hash and its URI SAN.
    let xfcc = format!(
        "By=spiffe://{TD}/ns/default/dc/dc1/svc/web;Hash={};URI=spiffe://{TD}/ns/default/dc/dc1/svc/client",
        "0123456789abcdef".repeat(4)
    );
    let sni = format!("web.default.dc1.internal.{TD}");
    let mut headers: Vec<(&str, &str)> =
        headers.into_iter().chain([("x-forwarded-client-cert", xfcc.as_str())]).collect();
    for n in sizes {
        let config = plan(n, l4);
        // With the plan's `connection_headers`, the connection manager also writes the chain's
        // server name (before the filter runs, so before the client-certificate header).
        let marked = meshgate_core::gateway::GatewayIndex::from_json(&config).is_ok_and(|ix| ix.connection_headers());
        headers.retain(|(k, _)| *k != meshgate_core::gateway::SNI_HEADER);
        if marked {
            headers.insert(headers.len() - 1, (meshgate_core::gateway::SNI_HEADER, sni.as_str()));
        }
        let host = InstantHost {
            config,
            headers: HeaderPairs::serialize(headers.iter().map(|(k, v)| (k.as_bytes(), v.as_bytes()))),
            sni: sni.clone().into_bytes(),
            peer: format!("spiffe://{TD}/ns/default/dc/dc1/svc/client").into_bytes(),
        };
        if l4 {
            connections(&host, n, iterations);
            continue;
        }
        let mut root = Root::default();
        if !root.configure(&host, b"meshgate_http") {
            panic!("the plan did not load");
        }
        let t0 = Instant::now();
        for _ in 0..iterations {
            let mut f = root.http_filter();
            if f.on_request_headers(&host) != Verdict::Continue {
                panic!("denied");
            }
            f.on_response_headers(&host);
        }
        let ns = t0.elapsed().as_nanos() as f64 / iterations as f64;
        println!(
            "N={n:>7}: {ns:.0} ns/request (terminating gateway, L7 allow, {iterations} requests, {})",
            if marked { "connection headers" } else { "properties" }
        );
    }
}

/// The L4 path: one new connection per iteration, decided on its first bytes.
fn connections(host: &InstantHost, n: usize, iterations: usize) {
    let direct = std::env::var("DIRECT").map_or(true, |v| v != "0");
    let root_id = if direct {
        meshgate_core::envoy::chain_root_id(&String::from_utf8_lossy(&host.sni))
    } else {
        meshgate_core::envoy::NETWORK_ROOT_ID.to_string()
    };
    let mut root = Root::default();
    if !root.configure(host, root_id.as_bytes()) {
        panic!("the plan did not load");
    }
    let t0 = Instant::now();
    for _ in 0..iterations {
        let mut f = root.stream_filter();
        if f.on_new_connection(host) != Verdict::Continue || f.on_downstream_data(host) != Verdict::Continue {
            panic!("denied");
        }
    }
    let ns = t0.elapsed().as_nanos() as f64 / iterations as f64;
    println!(
        "N={n:>7}: {ns:.0} ns/connection (terminating gateway, L4 allow, {iterations} connections, {})",
        if direct { "the chain's root" } else { "the generic root" }
    );
}
