//! The filter's decisions on arbitrary requests and connections, at fixed gateways: a mesh,
//! a terminating, an ingress and an API gateway compiled from `fixtures/gateways/` (L4 and L7
//! intentions, a router with prefix rewrites and header, query and method matches, weighted
//! targets), each under two settings (default allow, enforce; default deny, audit).
//!
//! Input: byte 0 picks the gateway, byte 1 holds flags, bytes 2–3 the listener port, bytes 4–11
//! the random number for weighted targets, bytes 12–15 choices; the rest, split at NUL bytes, is
//! the TLS server name, the peer's URI SAN, then header names and values in turn (`:authority`,
//! `:path`, `:method` among them, or not). Flags: 1, a port is given; 2, the peer presented a URI
//! SAN; 4, the server name is one of the plan's SNI rows (byte 12) instead of the raw field; 8,
//! the URI SAN is a SPIFFE ID built from a name, namespace and trust domain the fixture uses
//! (bytes 13–15) instead of the raw field — so that the fuzzer reaches every intention quickly,
//! and still tries any bytes.
//!
//! Checks: `decide_http`, `decide_connection` and `decide_peer` never panic and every log line
//! they return is bounded (`verdict::MAX_LOG_FIELD` per field); `decide_http_remembering`, with
//! one memo across inputs, answers what `decide_http` answers; the intention decision for the
//! request or connection equals the linear reference model (`intentions::reference`) — which
//! intention, allowed or not, why and by which permission — and the verdict follows it: a
//! blocking deny is a 403 or a closed connection, an allow never is.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use meshgate_core::gateway::memo::ConnMemo;
use meshgate_core::gateway::{
    parse_peer_identity, ConnAction, Connection, GatewayIndex, HttpAction, RequestHead, RouteOutcome, Tally,
};
use meshgate_core::intentions::http::HttpRequest;
use meshgate_core::intentions::{reference, Caller, Request, ServiceName};
use meshgate_core::plan::gateways::{gateway_plan, GatewayPlan, RouteTable, ServiceId};
use meshgate_core::settings::{Mode, Settings};
use meshgate_core::workspace::{InputFile, Workspace};
use std::cell::RefCell;
use std::sync::OnceLock;

const FIXTURE: &[(&str, &str)] = &[
    ("services.hcl", include_str!("../fixtures/gateways/services.hcl")),
    ("defaults.hcl", include_str!("../fixtures/gateways/defaults.hcl")),
    ("web-router.hcl", include_str!("../fixtures/gateways/web-router.hcl")),
    ("gateways.hcl", include_str!("../fixtures/gateways/gateways.hcl")),
    ("intentions.hcl", include_str!("../fixtures/gateways/intentions.hcl")),
];

const GATEWAYS: &[&str] = &["mesh-gateway", "terminating", "ingress", "edge"];

struct Gateway {
    plan: GatewayPlan,
    index: GatewayIndex,
}

/// The gateways, built once as the filter gets them: compiled, sliced, written as JSON and read
/// back by `GatewayIndex::from_json`.
fn gateways() -> &'static [Gateway] {
    static GATEWAYS_BUILT: OnceLock<Vec<Gateway>> = OnceLock::new();
    GATEWAYS_BUILT.get_or_init(|| {
        let files = FIXTURE.iter().map(|(name, text)| InputFile::new(format!("fixtures/gateways/{name}"), *text));
        let ws = Workspace::load(files);
        assert!(!ws.has_errors(), "the fixture workspace has errors: {:?}", ws.diagnostics);
        let deny_audit = Settings {
            default_intention_policy: meshgate_core::intentions::Action::Deny,
            mode: Mode::Audit,
            ..Settings::default()
        };
        let mut built = Vec::new();
        for settings in [Settings::default(), deny_audit] {
            let compiled = meshgate_core::plan::compile(&ws, &settings).expect("the fixture compiles");
            for key in GATEWAYS {
                let plan = gateway_plan(&compiled, key).unwrap_or_else(|| panic!("no gateway {key}"));
                let json = serde_json::to_vec(&plan).expect("a plan serializes");
                let index = GatewayIndex::from_json(&json).expect("the filter reads the plan");
                built.push(Gateway { plan, index });
            }
        }
        built
    })
}

thread_local! {
    /// One memo across inputs, as a worker's serves its requests.
    static MEMO: RefCell<ConnMemo> = RefCell::new(ConnMemo::default());
}

fuzz_target!(|data: &[u8]| {
    let gateways = gateways();
    let Some((&[pick, flags, p0, p1, r0, r1, r2, r3, r4, r5, r6, r7, sni_pick, name, ns, td], rest)) =
        data.split_first_chunk::<16>()
    else {
        return;
    };
    let Some(g) = gateways.get(usize::from(pick) % gateways.len()) else { return };
    let port = (flags & 1 != 0).then(|| u16::from_be_bytes([p0, p1]));
    let rand = u64::from_be_bytes([r0, r1, r2, r3, r4, r5, r6, r7]);
    let mut fields = rest.split(|b| *b == 0);
    let raw_server_name = fields.next().unwrap_or_default();
    let raw_peer = fields.next().unwrap_or_default();
    let server_name = if flags & 4 != 0 { sni_rows(&g.plan, sni_pick).into_bytes() } else { raw_server_name.to_vec() };
    let server_name = server_name.as_slice();
    let built_peer;
    let peer = match (flags & 2 != 0, flags & 8 != 0) {
        (false, _) => None,
        (true, false) => Some(raw_peer),
        (true, true) => {
            built_peer = spiffe_id(&g.plan.trust_domain, name, ns, td);
            Some(built_peer.as_bytes())
        }
    };
    let mut pairs = Vec::new();
    while let (Some(name), Some(value)) = (fields.next(), fields.next()) {
        pairs.push((name, value));
    }
    let head = RequestHead::from_pairs(pairs.iter().copied());
    let conn = Connection { port, server_name, peer_uri_san: peer };
    let index = &g.index;
    let mut may_log = |_| true;

    let http = index.decide_http(&head, &conn, rand, &mut may_log);
    http.log.iter().for_each(common::check_log);
    // As the filter decides, with a memo that remembers earlier inputs: the same verdict.
    let remembered = MEMO.with(|m| {
        let v = index.decide_http_remembering(&head, &conn, rand, &mut may_log, &mut m.borrow_mut());
        format!("{v:?}")
    });
    assert_eq!(remembered, format!("{http:?}"), "a remembered decision differs");
    let connection = index.decide_connection(server_name, port, rand, &mut may_log);
    connection.log.iter().for_each(common::check_log);
    let peer_verdict = index.decide_peer(server_name, peer, &mut may_log);
    peer_verdict.log.iter().for_each(common::check_log);

    let table = index.table();
    let expect = |request: &Request<'_>| {
        reference::decide(table.intentions(), table.default_policy(), table.normalization(), request)
            .expect("the table compiled these permissions")
    };
    let same = |got: &meshgate_core::intentions::Decision<'_, '_>, want: &reference::Expected<'_>| {
        assert_eq!(got.allowed, want.allowed, "allowed: table {got:?}, model {want:?}");
        assert_eq!(got.reason, want.reason, "reason: table {got:?}, model {want:?}");
        assert_eq!(got.permission, want.permission, "permission: table {got:?}, model {want:?}");
        let same_intention = match (got.intention, want.intention) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => true,
            _ => false,
        };
        assert!(same_intention, "intention: table {:?}, model {:?}", got.intention, want.intention);
    };
    let service =
        |s: &'static ServiceId| ServiceName { name: &s.name, namespace: &s.namespace, partition: &s.partition };
    let text = |b: &[u8]| std::str::from_utf8(b).ok().map(str::to_string);

    match &g.plan.routes {
        RouteTable::TerminatingGateway(_) => {
            let name = text(server_name);
            let peer_text = peer.map(|p| text(p).unwrap_or_else(|| "(not UTF-8)".to_string()));
            let sni = index.route_sni(name.as_deref().unwrap_or("\u{0}"));
            // L4: the peer's identity, checked against the linked service's intentions.
            let authz = index.authorize_connection(peer_text.as_deref(), &sni);
            if let (Some(decision), Some(linked)) = (&authz.decision, sni.linked()) {
                let id = parse_peer_identity(peer_text.as_deref().unwrap_or("")).expect("a decision needs an identity");
                let source = Caller { name: id.service, namespace: id.namespace, partition: id.partition, peer: "" };
                assert_eq!(
                    (authz.source.name, authz.source.namespace, authz.source.partition, authz.source.peer),
                    (source.name, source.namespace, source.partition, source.peer)
                );
                same(decision, &expect(&Request { source, destination: service(&linked.service), http: None }));
            }
            if name.is_some() {
                match (peer_verdict.tally, peer_verdict.action) {
                    (Some(Tally::Allowed), ConnAction::Continue) => assert!(authz.allowed),
                    (Some(Tally::Denied), ConnAction::Close) => assert!(authz.blocks()),
                    (Some(Tally::Audited), ConnAction::Continue) => assert!(!authz.allowed && !authz.blocks()),
                    other => panic!("decide_peer answered {other:?} for {authz:?}"),
                }
            }
            // L7: the request, with the peer as the source.
            let authz =
                index.authorize_terminated_request(peer_text.as_deref(), &sni, head.path, head.method, &head.headers, None);
            if let (Some(decision), Some(linked)) = (&authz.decision, sni.linked()) {
                let http = HttpRequest { method: head.method, path: head.path, headers: &head.headers, jwt: None };
                same(
                    decision,
                    &expect(&Request { source: authz.source, destination: service(&linked.service), http: Some(http) }),
                );
            }
            consistent(&http.action, &authz);
        }
        RouteTable::IngressGateway(_) | RouteTable::ApiGateway(_) => {
            let source = match &g.plan.routes {
                RouteTable::IngressGateway(t) => &t.source,
                RouteTable::ApiGateway(t) => &t.source,
                _ => unreachable!(),
            };
            let route = index.route_request(port, head.authority, head.path, head.method, &head.headers, rand);
            let authz = index.authorize_request(&route, head.method, &head.headers, None);
            if let (Some(decision), RouteOutcome::Routed { target, .. }) = (&authz.decision, route.outcome) {
                assert_eq!(
                    (authz.source.name, authz.source.namespace, authz.source.partition),
                    (source.name.as_str(), source.namespace.as_str(), source.partition.as_str()),
                    "requests at this gateway come from its service"
                );
                let destination =
                    ServiceName { name: &target.service, namespace: &target.namespace, partition: &target.partition };
                let http = HttpRequest { method: head.method, path: route.received_path(), headers: &head.headers, jwt: None };
                same(decision, &expect(&Request { source: authz.source, destination, http: Some(http) }));
            }
            consistent(&http.action, &authz);
        }
        RouteTable::MeshGateway(_) => {
            // Passthrough: a routed connection is allowed and never authorized here.
            if let ConnAction::Route { authorize, .. } = connection.action {
                assert!(!authorize && connection.tally == Some(Tally::Allowed));
            }
        }
        // GATEWAYS names gateways only; sidecars' verdicts are checked by core's gateway tests
        // and in real Envoy by tests/tests/dataplane.rs.
        RouteTable::Sidecar(_) => {}
    }
});

/// One of the plan's SNI rows (a wildcard's `*` made a label), or a name it does not route.
fn sni_rows(plan: &GatewayPlan, pick: u8) -> String {
    let rows: Vec<&str> = match &plan.routes {
        RouteTable::MeshGateway(t) => t.routes.iter().map(|r| r.sni.as_str()).collect(),
        RouteTable::TerminatingGateway(t) => t.services.iter().map(|l| l.sni.as_str()).collect(),
        _ => Vec::new(),
    };
    match rows.get(usize::from(pick) % (rows.len() + 1)) {
        Some(row) => row.replace('*', "x"),
        None => format!("web.default.dc9.internal.{}", plan.trust_domain),
    }
}

/// A service SPIFFE ID from the names the fixture's intentions use (and a few they do not).
fn spiffe_id(trust_domain: &str, name: u8, namespace: u8, td: u8) -> String {
    const NAMES: &[&str] = &["web", "api", "edge", "ingress", "reporting", "billing", "legacy-db", "stranger", "*"];
    const NAMESPACES: &[&str] = &["default", "team", "*"];
    let name = NAMES[usize::from(name) % NAMES.len()];
    let namespace = NAMESPACES[usize::from(namespace) % NAMESPACES.len()];
    match td % 4 {
        0 => format!("spiffe://{trust_domain}/ns/{namespace}/dc/dc1/svc/{name}"),
        1 => format!("spiffe://{trust_domain}/ap/finance/ns/{namespace}/dc/dc2/svc/{name}"),
        2 => format!("spiffe://{}/ns/{namespace}/dc/dc1/svc/{name}", trust_domain.to_ascii_uppercase()),
        _ => format!("spiffe://other.consul/ns/{namespace}/dc/dc1/svc/{name}"),
    }
}

/// The HTTP verdict follows the authorization: a 403 only for a blocking deny, and a blocking
/// deny is never forwarded.
fn consistent(action: &HttpAction<'_>, authz: &meshgate_core::gateway::Authz<'_, '_>) {
    match action {
        HttpAction::Reply(r) if r.status == 403 => assert!(authz.blocks(), "403 without a blocking deny: {authz:?}"),
        HttpAction::Forward(_) => assert!(!authz.blocks(), "forwarded despite a blocking deny: {authz:?}"),
        HttpAction::Reply(_) => {}
    }
}
