//! `GatewayIndex::from_json` on arbitrary bytes: the filter's whole configuration, as Envoy hands
//! it over. Seeded with real GatewayPlans (scripts/fuzz.sh writes one per gateway of the routes
//! corpus). A plan is refused with an error or indexed — never a panic — and an indexed plan then
//! answers connections and requests without panicking, with bounded log lines: the names, hosts
//! and paths it is asked about come from the plan itself (its SNI rows, listener ports, virtual
//! host domains and route paths), so the decisions reach its rows, not only the fallbacks.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use meshgate_core::gateway::{Connection, GatewayIndex, RequestHead};
use meshgate_core::plan::gateways::{GatewayPlan, RouteTable, VirtualHost};

fuzz_target!(|data: &[u8]| {
    let Ok(index) = GatewayIndex::from_json(data) else { return };
    // The index accepted the bytes, so they are a GatewayPlan: read it to know what to ask.
    let plan: GatewayPlan = serde_json::from_slice(data).expect("an indexed plan is a GatewayPlan");
    let mut may_log = |_| true;
    common::check_log(&index.configured_line("http", Some(1.0), None, false));

    let mut names: Vec<String> = vec![String::new(), "unknown.example.com".into(), "..".into()];
    let mut hosts: Vec<(Option<u16>, String, String)> = vec![(None, "example.com".into(), "/".into())];
    let td = plan.trust_domain.clone();
    let spiffe = |ns: &str, svc: &str| format!("spiffe://{td}/ns/{ns}/dc/dc1/svc/{svc}");
    let mut peers: Vec<String> =
        vec![spiffe("default", "web"), "spiffe://other.consul/ns/default/dc/dc1/svc/web".into()];
    let mut add_hosts = |port: u16, hosts_of: &[VirtualHost]| {
        for h in hosts_of {
            for d in &h.domains {
                let host = d.replace('*', "x");
                for r in h.routes.iter().take(8) {
                    hosts.push((Some(port), host.clone(), format!("{}/a/../b?q=1", r.route_match.path.value)));
                }
                hosts.push((Some(port), format!("{host}:{port}"), "//x/%2e%2e/y".into()));
            }
        }
    };
    match &plan.routes {
        RouteTable::MeshGateway(t) => names.extend(t.routes.iter().map(|r| r.sni.replace('*', "x"))),
        RouteTable::TerminatingGateway(t) => {
            for l in &t.services {
                names.push(l.sni.clone());
                peers.push(spiffe(&l.service.namespace, &l.service.name));
            }
        }
        RouteTable::IngressGateway(t) => t.listeners.iter().for_each(|l| add_hosts(l.port, &l.hosts)),
        RouteTable::ApiGateway(t) => t.listeners.iter().for_each(|l| add_hosts(l.port, &l.hosts)),
        RouteTable::Sidecar(t) => {
            names.push(t.inbound.sni.clone());
            t.upstreams.iter().for_each(|u| add_hosts(u.port, &u.hosts));
        }
    }
    peers.extend(plan.intentions.iter().take(16).map(|i| spiffe(&i.source.namespace, &i.source.name)));

    for name in names.iter().take(64) {
        let verdict = index.decide_connection(name.as_bytes(), None, 0, &mut may_log);
        verdict.log.iter().for_each(common::check_log);
        for peer in peers.iter().take(8) {
            let verdict = index.decide_peer(name.as_bytes(), Some(peer.as_bytes()), &mut may_log);
            verdict.log.iter().for_each(common::check_log);
        }
        let verdict = index.decide_peer(name.as_bytes(), None, &mut may_log);
        verdict.log.iter().for_each(common::check_log);
        let head = RequestHead::from_text(&[(":path", "/x/../admin"), (":method", "GET"), ("x-debug", "1")]);
        let conn =
            Connection { port: None, server_name: name.as_bytes(), peer_uri_san: peers.first().map(|p| p.as_bytes()) };
        let verdict = index.decide_http(&head, &conn, 7, &mut may_log);
        verdict.log.iter().for_each(common::check_log);
    }
    for (port, authority, path) in hosts.iter().take(64) {
        for method in ["GET", "DELETE"] {
            let head = RequestHead::from_text(&[(":authority", authority), (":path", path), (":method", method)]);
            let conn = Connection { port: *port, server_name: b"", peer_uri_san: None };
            for rand in [0, u64::MAX / 3, u64::MAX] {
                let verdict = index.decide_http(&head, &conn, rand, &mut may_log);
                verdict.log.iter().for_each(common::check_log);
                if let meshgate_core::gateway::HttpAction::Forward(f) = &verdict.action {
                    if let Some(key) = f.route {
                        let _ = index.response_headers(key);
                    }
                }
            }
        }
    }
});
