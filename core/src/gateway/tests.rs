use super::*;
use crate::plan::gateways::gateway_plan;
use crate::plan::gateways::testing::{compiled, TD};

/// One gateway of each kind, with routers, splits, subsets, exports and L4/L7 intentions.
const WS: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "mesh-gateway-dc2" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.2.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = 8080 }
---
service { name = "api" address = "127.0.0.1" port = 9090 }
---
service { name = "admin" address = "127.0.0.1" port = 9091 }
---
service { name = "billing" address = "billing.example.com" port = 443 }
---
service { name = "tgw" kind = "terminating-gateway" port = 9443 }
---
service { name = "ingress" kind = "ingress-gateway" port = 8443 }
---
Kind = "service-defaults"
Name = "web"
Protocol = "http"
---
Kind = "service-defaults"
Name = "api"
Protocol = "http"
---
Kind = "service-defaults"
Name = "admin"
Protocol = "http"
---
Kind = "service-resolver"
Name = "api"
DefaultSubset = "v1"
Subsets = {
  v1 = { Filter = "Service.Meta.version == v1" }
  v2 = { Filter = "Service.Meta.version == v2" }
}
---
Kind = "service-splitter"
Name = "api"
Splits = [{ Weight = 90, ServiceSubset = "v1" }, { Weight = 10, ServiceSubset = "v2" }]
---
Kind = "service-router"
Name = "web"
Routes = [
  { Match { HTTP { PathPrefix = "/admin" } } Destination { Service = "admin" } },
  { Match { HTTP { PathPrefix = "/api", Header = [{ Name = "x-debug", Present = true }] } } Destination { Service = "api", PrefixRewrite = "/" } },
]
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web", Hosts = ["web.example.com", "*.web.example.com"] }, { Name = "api" }] }]
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing" }]
---
Kind = "exported-services"
Name = "default"
Services = [{ Name = "web", Consumers = [{ Peer = "cluster-02" }] }]
---
Kind = "service-intentions"
Name = "billing"
Sources = [{ Name = "web", Action = "allow" }, { Name = "*", Action = "deny" }]
---
Kind = "service-intentions"
Name = "admin"
Sources = [{ Name = "ingress", Permissions = [
  { Action = "deny", HTTP { PathPrefix = "/admin/secret" } },
  { Action = "allow", HTTP { PathPrefix = "/admin" } },
] }]
"#;

fn index(key: &str) -> GatewayIndex {
    let c = compiled(WS);
    let plan = gateway_plan(&c, key).expect("gateway plan");
    GatewayIndex::new(&plan).expect("index")
}

fn sni(name: &str) -> String {
    format!("{name}.{TD}")
}

const TD_URI: &str = "spiffe://11111111-2222-3333-4444-555555555555.consul";

#[test]
fn mesh_gateway_routes_exact_names_before_wildcards() {
    let ix = index("mesh-gateway");
    let cases = [
        ("web.default.dc1.internal", Some("web.default.dc1.internal"), SniReason::Exact),
        ("v2.api.default.dc1.internal", Some("v2.api.default.dc1.internal"), SniReason::Exact),
        // The exported name goes to the local service's cluster.
        ("web.default.default.cluster-02.external", Some("web.default.dc1.internal"), SniReason::Exact),
        // Another datacenter: its gateways, by the wildcard.
        ("web.default.dc2.internal", Some("dc2.internal"), SniReason::Wildcard),
        ("v9.anything.ns.dc2.internal", Some("dc2.internal"), SniReason::Wildcard),
        // Case does not matter.
        ("WEB.default.DC1.internal", Some("web.default.dc1.internal"), SniReason::Exact),
        // Unknown: not exported, unknown datacenter, the gateway's own suffix.
        ("nope.default.dc1.internal", None, SniReason::NotInPlan),
        ("web.default.dc3.internal", None, SniReason::NotInPlan),
        ("dc2.internal", None, SniReason::NotInPlan),
    ];
    for (name, cluster, reason) in cases {
        let d = ix.route_sni(&sni(name));
        let want = cluster.map(sni);
        assert_eq!(d.cluster(), want.as_deref(), "{name}: {}", d.explain());
        assert_eq!(d.reason, reason, "{name}");
    }
    assert_eq!(ix.route_sni("").reason, SniReason::Missing);
    assert_eq!(ix.route_sni("web..dc1").reason, SniReason::Malformed);
    assert_eq!(ix.route_sni("web default").reason, SniReason::Malformed);
    assert_eq!(ix.route_sni(&"a.".repeat(200)).reason, SniReason::Malformed);
    let d = ix.route_sni(&sni("web.default.dc2.internal"));
    assert!(d.explain().contains("wildcard"), "{}", d.explain());
}

/// A terminating gateway's tcp chain marked direct (`meshgate envoy` without ECDS: its
/// tcp_proxy names the cluster): the same routing and the same peer decisions, and nothing to set;
/// a plan naming another cluster is refused.
#[test]
fn a_direct_tcp_chain_decides_the_same_and_sets_no_cluster() {
    let plan = gateway_plan(&compiled(WS), "tgw").expect("gateway plan");
    let mut marked = plan.clone();
    crate::envoy::traffic::mark_direct_routes(&mut marked, true);
    assert!(!marked.connection_headers, "tcp chains have no connection manager to write headers");
    let (routed, direct) = (GatewayIndex::new(&plan).unwrap(), GatewayIndex::new(&marked).unwrap());
    let billing = sni("billing.default.dc1.internal");
    let v = routed.decide_connection(billing.as_bytes(), None, 0, &mut |_| true);
    assert!(matches!(v.action, ConnAction::Route { authorize: true, .. }), "{v:?}");
    let v = direct.decide_connection(billing.as_bytes(), None, 0, &mut |_| true);
    assert_eq!((v.action, v.tally), (ConnAction::Authorize, None));
    // Unrouted names stay unrouted.
    let other = sni("web.default.dc1.internal");
    let v = direct.decide_connection(other.as_bytes(), None, 0, &mut |_| true);
    assert_eq!((v.action, v.tally), (ConnAction::Close, Some(Tally::Unrouted)));
    for peer in ["web", "api"] {
        let uri = format!("{TD_URI}/ns/default/dc/dc1/svc/{peer}");
        let (a, b) = (
            routed.decide_peer(billing.as_bytes(), Some(uri.as_bytes()), &mut |_| true),
            direct.decide_peer(billing.as_bytes(), Some(uri.as_bytes()), &mut |_| true),
        );
        assert_eq!((a.action, a.tally), (b.action, b.tally), "{peer}");
        assert_eq!(a.log.map(|l| l.text), b.log.map(|l| l.text), "{peer}");
    }
    let mut elsewhere = marked.clone();
    let RouteTable::TerminatingGateway(t) = &mut elsewhere.routes else { panic!("a terminating plan") };
    t.services[0].direct_cluster = Some("other".into());
    let elsewhere = GatewayIndex::new(&elsewhere).unwrap();
    let v = elsewhere.decide_connection(billing.as_bytes(), None, 0, &mut |_| true);
    assert_eq!((v.action, v.tally), (ConnAction::Close, Some(Tally::Error)));
    assert!(v.log.expect("a line").text.contains("another cluster"));
}

#[test]
fn only_sni_gateways_route_by_sni_and_only_http_gateways_route_requests() {
    let ingress = index("ingress");
    assert_eq!(ingress.route_sni(&sni("web.default.dc1.internal")).reason, SniReason::NotSniGateway);
    let mesh = index("mesh-gateway");
    let r = mesh.route_request(None, "web.example.com", "/", "GET", &[], 0);
    assert!(matches!(r.outcome, RouteOutcome::NotHttpGateway));
    assert_eq!(r.status(), Some(404));
}

#[test]
fn terminating_gateway_authorizes_the_peer_spiffe_id() {
    let ix = index("tgw");
    let d = ix.route_sni(&sni("billing.default.dc1.internal"));
    assert_eq!(d.linked().map(|l| l.service.name.as_str()), Some("billing"));
    let web = format!("{TD_URI}/ns/default/dc/dc1/svc/web");
    let a = ix.authorize_connection(Some(&web), &d);
    assert!(a.allowed, "{}", a.explain());
    assert_eq!(a.decision.as_ref().and_then(|d| d.intention).map(|i| i.label()), Some("web → billing".into()));
    assert_eq!(a.intention_origin().map(|o| o.line), Some(3));
    // The datacenter in the ID does not matter (Consul ignores it).
    let web_dc2 = format!("{TD_URI}/ns/default/dc/dc2/svc/web");
    assert!(ix.authorize_connection(Some(&web_dc2), &d).allowed);
    let api = format!("{TD_URI}/ns/default/dc/dc1/svc/api");
    let a = ix.authorize_connection(Some(&api), &d);
    assert!(!a.allowed && a.blocks());
    assert_eq!(a.decision.as_ref().and_then(|d| d.intention).map(|i| i.label()), Some("* → billing".into()));
    assert_eq!(a.reason_code(), "intention");

    let refused = [
        (None, AuthzReason::NoPeerIdentity),
        (Some(""), AuthzReason::NoPeerIdentity),
        (Some("https://web.example.com"), AuthzReason::BadPeerIdentity),
        (Some("spiffe://other.consul/ns/default/dc/dc1/svc/web"), AuthzReason::ForeignTrustDomain),
        (
            Some("spiffe://11111111-2222-3333-4444-555555555555.consul/gateway/mesh/dc/dc1"),
            AuthzReason::PeerNotAService,
        ),
        (
            Some("spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web/extra"),
            AuthzReason::BadPeerIdentity,
        ),
    ];
    for (peer, reason) in refused {
        let a = ix.authorize_connection(peer, &d);
        assert!(!a.allowed, "{peer:?}");
        assert_eq!(a.reason, reason, "{peer:?}: {}", a.explain());
    }
    // Unrouted: nothing to authorize for.
    let unrouted = ix.route_sni(&sni("web.default.dc1.internal"));
    assert_eq!(unrouted.reason, SniReason::NotInPlan);
    assert_eq!(ix.authorize_connection(Some(&web), &unrouted).reason, AuthzReason::NoDestination);
}

#[test]
fn spiffe_ids_parse_without_allocating() {
    let p = parse_peer_identity("spiffe://td.consul/ap/team/ns/ns1/dc/dc2/svc/web").unwrap();
    assert_eq!(
        (p.trust_domain, p.partition, p.namespace, p.datacenter, p.service),
        ("td.consul", "team", "ns1", "dc2", "web")
    );
    let p = parse_peer_identity("spiffe://td.consul/ns/default/dc/dc1/svc/api").unwrap();
    assert_eq!(p.partition, "default");
    for bad in [
        "spiffe://td/ns//dc/dc1/svc/x",
        "spiffe://td",
        "spiffe:///ns/a/dc/b/svc/c",
        "spiffe://td/ns/a/dc/b/svc/c?x",
        // Anything after the service, even behind an empty segment, is no service identity.
        "spiffe://td/ns/a/dc/b/svc/c/",
        "spiffe://td/ns/a/dc/b/svc/c//admin",
        "spiffe://td/ns/a/dc/b/svc/c/x",
    ] {
        assert_eq!(parse_peer_identity(bad), Err(PeerIdentityError::NotSpiffe), "{bad}");
    }
}

proptest::proptest! {
    /// The filter's allocation-free parser and the planner's `SpiffeId::parse` (what `meshgate
    /// check` and the playground read a peer with) accept the same service identities and read
    /// the same names from them: preview and enforcement agree on who the peer is. Inputs are a
    /// service ID's shape with any segment replaced and segments added before or after it.
    #[test]
    fn the_filter_and_the_planner_read_the_same_service_identities(
        ap in proptest::option::of(proptest::sample::select(vec!["team", "", "default"])),
        names in proptest::collection::vec(proptest::prop_oneof![
            4 => proptest::sample::select(vec!["web", "default", "dc1", "WEB", "ns"]),
            1 => proptest::sample::select(vec!["", "a?b", "a#b"]),
        ], 3),
        // Mostly the service shape's own keywords, so that many inputs are identities.
        keywords in (0..8usize, proptest::sample::select(vec!["gateway", "mesh", "NS", "svc", "ns"])),
        before in proptest::collection::vec(proptest::sample::select(vec!["", "x", "ap"]), 0..2),
        after in proptest::collection::vec(proptest::sample::select(vec!["", "x", "svc"]), 0..3),
        td in proptest::sample::select(vec!["td.consul", "TD.consul", ""]),
    ) {
        let mut segments: Vec<&str> = before;
        if let Some(ap) = ap {
            segments.extend(["ap", ap]);
        }
        let mut shape = ["ns", "dc", "svc"];
        if let Some(k) = shape.get_mut(keywords.0) {
            *k = keywords.1;
        }
        for (keyword, name) in shape.iter().zip(&names) {
            segments.extend([*keyword, *name]);
        }
        segments.extend(after);
        let uri = format!("spiffe://{td}/{}", segments.join("/"));
        let filter = parse_peer_identity(&uri).ok().map(|p| {
            let names = (p.partition, p.namespace, p.datacenter, p.service);
            (p.trust_domain.to_ascii_lowercase(), names.0.to_string(), names.1.to_string(), names.2.to_string(), names.3.to_string())
        });
        let planner = match crate::names::SpiffeId::parse(&uri) {
            Ok(crate::names::SpiffeId::Service { trust_domain, partition, namespace, datacenter, service }) => {
                Some((trust_domain, partition, namespace, datacenter, service))
            }
            _ => None,
        };
        proptest::prop_assert_eq!(filter, planner, "{}", uri);
    }
}

#[test]
fn slashes_split_as_str_split_does() {
    for s in ["", "/", "a", "a/", "/a", "a//b", "ns/default/dc/dc1/svc/web", "é/ü//", "x/y/z/"] {
        assert_eq!(Slashes::new(s).collect::<Vec<_>>(), s.split('/').collect::<Vec<_>>(), "{s:?}");
    }
}

#[test]
fn split_path_cuts_the_query_and_the_fragment() {
    let n = Normalization::default();
    let cases = [
        ("/a?x=1#f", "/a", "x=1", true),
        ("/a#f?x", "/a", "", true),
        ("/a?x?y", "/a", "x?y", false),
        ("/a", "/a", "", false),
        ("/a?", "/a", "", false),
        ("/a#", "/a", "", true),
        // Normalized (owned): the query is found all the same.
        ("/a/./b?q#f", "/a/b", "q", true),
        ("/%61?x", "/a", "x", true),
        // Worked on, and the same after: not a change.
        ("/.well-known/x?y", "/.well-known/x", "y", false),
    ];
    for (raw, path, query, changed) in cases {
        let p = split_path(raw, n).unwrap();
        assert_eq!((p.path.as_ref(), p.query, p.changed), (path, query, changed), "{raw}");
    }
    // Refused: the path and query as received, for the reply.
    for (raw, path, query) in [("/a\u{1}b?q", "/a\u{1}b", "q"), ("?x#y", "", "x"), ("*", "*", "")] {
        let Err((_, p, q)) = split_path(raw, n) else { panic!("{raw} passed") };
        assert_eq!((p, q), (path, query), "{raw}");
    }
}

#[test]
fn ingress_routes_by_host_then_path_and_header_in_the_plans_order() {
    let ix = index("ingress");
    let debug = [("x-debug", "1")];
    // (authority, path, headers, winner cluster, host match)
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a str, HostMatch);
    let cases: [Case<'_>; 7] = [
        ("web.example.com", "/", &[], "web.default.default.dc1", HostMatch::Exact),
        ("web.example.com:8080", "/admin/x", &[], "admin.default.default.dc1", HostMatch::Exact),
        ("WEB.Example.com", "/admin", &[], "admin.default.default.dc1", HostMatch::Exact),
        ("a.b.web.example.com", "/api/v1", &debug, "v1.api.default.default.dc1", HostMatch::Suffix),
        // Without the header, /api falls to the catch-all.
        ("web.example.com", "/api/v1", &[], "web.default.default.dc1", HostMatch::Exact),
        ("api.ingress.example.com", "/anything", &[], "v1.api.default.default.dc1", HostMatch::Prefix),
        ("api.ingress.internal:8080", "/", &[], "v1.api.default.default.dc1", HostMatch::Prefix),
    ];
    for (authority, path, headers, cluster, host_match) in cases {
        let r = ix.route_request(None, authority, path, "GET", headers, 0);
        assert_eq!(r.cluster(), Some(cluster), "{authority}{path}: {}", r.explain());
        match r.outcome {
            RouteOutcome::Routed { host_match: m, .. } => assert_eq!(m, host_match, "{authority}"),
            _ => panic!("{authority}{path} not routed"),
        }
    }
    let r = ix.route_request(None, "other.example.com", "/", "GET", &[], 0);
    assert!(matches!(r.outcome, RouteOutcome::NoHost));
    assert_eq!((r.status(), r.reason_code()), (Some(404), "no-host"));
    // `*.web.example.com` needs a label in front.
    assert!(matches!(ix.route_request(None, ".web.example.com", "/", "GET", &[], 0).outcome, RouteOutcome::NoHost));
    // A port the gateway does not listen on.
    assert!(matches!(
        ix.route_request(Some(9999), "web.example.com", "/", "GET", &[], 0).outcome,
        RouteOutcome::NoListener
    ));
    assert_eq!(
        ix.route_request(Some(8080), "web.example.com", "/", "GET", &[], 0).cluster(),
        Some("web.default.default.dc1")
    );
}

#[test]
fn weighted_targets_follow_the_random_number() {
    let ix = index("ingress");
    let pick = |rand| ix.route_request(None, "api.ingress.x", "/", "GET", &[], rand).cluster().map(str::to_string);
    // Weights 90 and 10 reduce to 9 and 1: rand % 10 < 9 is v1.
    assert_eq!(pick(0).as_deref(), Some("v1.api.default.default.dc1"));
    assert_eq!(pick(8).as_deref(), Some("v1.api.default.default.dc1"));
    assert_eq!(pick(9).as_deref(), Some("v2.api.default.default.dc1"));
    assert_eq!(pick(19).as_deref(), Some("v2.api.default.default.dc1"));
    let v2 = (0..1000u64).filter(|r| pick(*r).as_deref() == Some("v2.api.default.default.dc1")).count();
    assert_eq!(v2, 100);
}

#[test]
fn the_normalized_path_is_routed_checked_and_forwarded() {
    let ix = index("ingress");
    // (path, allowed, forwarded :path)
    let cases: [(&str, bool, Option<&str>); 9] = [
        ("/admin/public", true, None),
        ("/admin/secret", false, None),
        ("//admin/secret", false, Some("/admin/secret")),
        ("/./admin/secret", false, Some("/admin/secret")),
        ("/x/../admin/secret", false, Some("/admin/secret")),
        ("/admin/%73ecret", false, Some("/admin/secret")),
        ("/admin/%2e%2e/admin/secret", false, Some("/admin/secret")),
        ("/admin/secret?q=1", false, None),
        ("/admin/public#frag", true, Some("/admin/public")),
    ];
    for (path, allowed, forward) in cases {
        let r = ix.route_request(None, "web.example.com", path, "GET", &[], 0);
        assert_eq!(r.cluster(), Some("admin.default.default.dc1"), "{path}: {}", r.explain());
        let a = ix.authorize_request(&r, "GET", &[], None);
        assert_eq!(a.allowed, allowed, "{path}: {}", a.explain());
        assert_eq!(r.forward_path().as_deref(), forward, "{path}");
        if !allowed {
            assert_eq!(a.reason_code(), "permission");
            assert_eq!(a.intention_origin().map(|o| o.file.as_str()), Some("18.hcl"));
        }
    }
    // Encoded slashes are refused outright (the mesh default).
    let r = ix.route_request(None, "web.example.com", "/admin%2Fsecret", "GET", &[], 0);
    assert_eq!((r.status(), r.reason_code()), (Some(400), "bad-path"));
    let a = ix.authorize_request(&r, "GET", &[], None);
    assert_eq!(a.reason, AuthzReason::BadPath(PathRejectionKind::EscapedSlash));
    assert!(a.blocks());
}

#[test]
fn prefix_rewrites_apply_to_the_normalized_path_and_keep_the_query() {
    let ix = index("ingress");
    let r = ix.route_request(None, "web.example.com", "/api/v1/items?x=1", "GET", &[("X-Debug", "on")], 0);
    assert_eq!(r.cluster(), Some("v1.api.default.default.dc1"));
    // `/api` + rewrite `/` joins to `//v1/items`: normalized again before it is decided on or sent.
    assert_eq!(r.forward_path().as_deref(), Some("/v1/items?x=1"));
    assert_eq!(r.received_path(), "/v1/items");
    let r = ix.route_request(None, "web.example.com", "/web//page?y", "GET", &[], 0);
    assert_eq!(r.cluster(), Some("web.default.default.dc1"));
    assert_eq!(r.forward_path().as_deref(), Some("/web/page?y"));
}

#[test]
fn audit_mode_decides_but_does_not_block() {
    let c = compiled(WS);
    let mut plan = gateway_plan(&c, "ingress").unwrap();
    plan.mode = Mode::Audit;
    let ix = GatewayIndex::new(&plan).unwrap();
    let r = ix.route_request(None, "web.example.com", "/admin/secret", "GET", &[], 0);
    let a = ix.authorize_request(&r, "GET", &[], None);
    assert!(!a.allowed);
    assert!(!a.blocks());
}

#[test]
fn plans_round_trip_through_json_and_bad_ones_are_typed_errors() {
    let c = compiled(WS);
    let plan = gateway_plan(&c, "mesh-gateway").unwrap();
    let json = serde_json::to_vec(&plan).unwrap();
    let ix = GatewayIndex::from_json(&json).unwrap();
    assert_eq!(ix.hash(), plan.hash_hex());
    assert_eq!(ix.key(), "mesh-gateway");
    assert!(matches!(GatewayIndex::from_json(b"{"), Err(Error::Json(_))));
    assert!(matches!(GatewayIndex::from_json(br#"{"version": 99}"#), Err(Error::Version { found: 99, .. })));
    let mut bad = gateway_plan(&c, "ingress").unwrap();
    if let RouteTable::IngressGateway(t) = &mut bad.routes {
        t.listeners[0].hosts[0].routes[0].route_match.path =
            crate::plan::gateways::PathMatch { kind: crate::plan::gateways::MatchKind::Regex, value: "(".into() };
    }
    let err = GatewayIndex::new(&bad).unwrap_err();
    assert!(matches!(err, Error::RouteRegex { .. }), "{err}");
    assert!(err.to_string().contains("13.hcl:4:3"), "{err}");
}

// ------------------------------------------------------------------ issue 15: rewrites, bytes

/// A service-router that rewrites prefixes, and an intention that denies `/admin` at the service.
const REWRITES: &str = r#"
service { name = "files" address = "127.0.0.1" port = 9000 }
---
service { name = "ingress" kind = "ingress-gateway" port = 8443 }
---
service { name = "tgw" kind = "terminating-gateway" port = 9443 }
---
service { name = "billing" address = "billing.example.com" port = 443 }
---
Kind = "service-defaults"
Name = "files"
Protocol = "http"
---
Kind = "service-defaults"
Name = "billing"
Protocol = "http"
---
Kind = "service-router"
Name = "files"
Routes = [
  { Match { HTTP { PathPrefix = "/v1/" } } Destination { PrefixRewrite = "/" } },
  { Match { HTTP { PathPrefix = "/legacy" } } Destination { PrefixRewrite = "/" } },
  { Match { HTTP { PathPrefix = "/user", Header = [{ Name = "x-user", Exact = "mallory" }] } } Destination { Service = "files", PrefixRewrite = "/blocked" } },
]
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "files", Hosts = ["files.example.com"] }] }]
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing" }]
---
Kind = "service-intentions"
Name = "files"
Sources = [{ Name = "ingress", Permissions = [
  { Action = "deny", HTTP { PathPrefix = "/admin" } },
  { Action = "deny", HTTP { PathPrefix = "/", Header = [{ Name = "x-user", Exact = "mallory" }] } },
  { Action = "allow", HTTP { PathPrefix = "/" } },
] }]
---
Kind = "service-intentions"
Name = "billing"
Sources = [{ Name = "web", Permissions = [{ Action = "allow", HTTP { PathPrefix = "/pay" } }] }]
"#;

fn rewrites(key: &str) -> GatewayIndex {
    let c = compiled(REWRITES);
    GatewayIndex::new(&gateway_plan(&c, key).expect("gateway plan")).expect("index")
}

fn decide<'i>(ix: &'i GatewayIndex, pairs: &[(&[u8], &[u8])], conn: &Connection<'_>) -> HttpVerdict<'i> {
    let head = RequestHead::from_pairs(pairs.iter().copied());
    ix.decide_http(&head, conn, 0, &mut |_| true)
}

fn status(v: &HttpVerdict<'_>) -> Option<(u32, &'static str)> {
    match &v.action {
        HttpAction::Reply(r) => Some((r.status, r.reason)),
        HttpAction::Forward(_) => None,
    }
}

#[test]
fn a_prefix_rewrite_does_not_walk_past_an_intention() {
    let ix = rewrites("ingress");
    for (path, forwarded) in [("/v1/admin", "/admin"), ("/legacy/admin", "/admin"), ("/v1/./admin/x", "/admin/x")] {
        let r = ix.route_request(None, "files.example.com", path, "GET", &[], 0);
        assert_eq!(r.received_path(), forwarded, "{path}");
        let a = ix.authorize_request(&r, "GET", &[], None);
        assert!(!a.allowed, "{path} reaches the service as {forwarded}: {}", a.explain());
        assert_eq!(a.reason_code(), "permission", "{path}");
    }
    let r = ix.route_request(None, "files.example.com", "/v1/docs?q=1", "GET", &[], 0);
    assert!(ix.authorize_request(&r, "GET", &[], None).allowed);
    assert_eq!(r.forward_path().as_deref(), Some("/docs?q=1"));
    let v = decide(
        &ix,
        &[(b":authority", b"files.example.com"), (b":path", b"/legacy/admin"), (b":method", b"GET")],
        &Connection::default(),
    );
    assert_eq!(status(&v), Some((403, "permission")));
    assert_eq!(v.tally, Tally::Denied);
    let log = v.log.expect("a deny line");
    assert!(log.text.contains("path=/admin"), "the line shows the path the service would have received: {}", log.text);
}

#[test]
fn bytes_that_are_not_text_never_reach_a_rule() {
    let ix = rewrites("ingress");
    let ok: [(&[u8], &[u8]); 3] = [(b":authority", b"files.example.com"), (b":path", b"/docs"), (b":method", b"GET")];
    // A Latin-1 cookie no rule reads passes.
    let mut pairs = ok.to_vec();
    pairs.push((b"cookie", b"name=caf\xe9"));
    let v = decide(&ix, &pairs, &Connection::default());
    assert_eq!(status(&v), None, "{:?}", v.log);
    assert_eq!(v.tally, Tally::Allowed);
    // A header a permission reads is refused when it is not text.
    let mut pairs = ok.to_vec();
    pairs.push((b"X-User", b"\xffmallory"));
    let v = decide(&ix, &pairs, &Connection::default());
    assert_eq!(status(&v), Some((400, "bad-header")));
    assert!(v.log.expect("line").text.contains("X-User"));
    // A path that is not text is a bad path; an authority or method, a bad header.
    let v = decide(
        &ix,
        &[(b":authority", b"files.example.com"), (b":path", b"/\xff"), (b":method", b"GET")],
        &Connection::default(),
    );
    assert_eq!(status(&v), Some((400, "bad-path")));
    let v =
        decide(&ix, &[(b":authority", b"files\xff"), (b":path", b"/"), (b":method", b"GET")], &Connection::default());
    assert_eq!(status(&v), Some((400, "bad-header")));
    let v = decide(
        &ix,
        &[(b":authority", b"files.example.com"), (b":path", b"/"), (b":method", b"G\xe9T")],
        &Connection::default(),
    );
    assert_eq!(status(&v), Some((400, "bad-header")));
}

#[test]
fn optional_whitespace_around_a_header_value_is_no_way_around_a_rule() {
    let ix = rewrites("ingress");
    for value in [&b"mallory"[..], b" mallory", b"\tmallory ", b"mallory  "] {
        let pairs: [(&[u8], &[u8]); 4] =
            [(b":authority", b"files.example.com"), (b":path", b"/docs"), (b":method", b"GET"), (b"x-user", value)];
        let v = decide(&ix, &pairs, &Connection::default());
        assert_eq!(status(&v), Some((403, "permission")), "{:?}", String::from_utf8_lossy(value));
    }
}

#[test]
fn a_peer_identity_that_is_not_text_is_a_bad_identity() {
    let ix = rewrites("tgw");
    let name = sni("billing.default.dc1.internal");
    let web = format!("{TD_URI}/ns/default/dc/dc1/svc/web");
    let pairs: [(&[u8], &[u8]); 3] = [(b":authority", b"billing"), (b":path", b"/pay"), (b":method", b"GET")];
    let conn = Connection { port: None, server_name: name.as_bytes(), peer_uri_san: Some(web.as_bytes()) };
    assert_eq!(status(&decide(&ix, &pairs, &conn)), None);
    let mut bad = web.clone().into_bytes();
    bad.push(0xff);
    let conn = Connection { peer_uri_san: Some(&bad), ..conn };
    let v = decide(&ix, &pairs, &conn);
    assert_eq!(status(&v), Some((403, "bad-peer-identity")));
    let v = ix.decide_peer(name.as_bytes(), Some(&bad), &mut |_| true);
    assert_eq!(v.action, ConnAction::Close);
    // A server name that is not text routes nowhere.
    let v = ix.decide_connection(b"billing\xff", None, 0, &mut |_| true);
    assert_eq!((v.action, v.tally), (ConnAction::Close, Some(Tally::Unrouted)));
    assert!(v.log.expect("line").text.contains("malformed-sni"));
}

#[test]
fn log_lines_stay_bounded_whatever_the_client_sends() {
    let ix = rewrites("ingress");
    let path = format!("/admin/{}", "a".repeat(40_000));
    let pairs: [(&[u8], &[u8]); 3] =
        [(b":authority", b"files.example.com"), (b":path", path.as_bytes()), (b":method", b"GET")];
    let v = decide(&ix, &pairs, &Connection::default());
    assert_eq!(status(&v), Some((403, "permission")));
    let line = v.log.expect("line").text;
    assert!(line.len() < 4096, "{} bytes", line.len());
    // Nothing is built when the host would not write it.
    let head = RequestHead::from_pairs(pairs.iter().copied());
    let v = ix.decide_http(&head, &Connection::default(), 0, &mut |_| false);
    assert!(v.log.is_none());
    assert_eq!(v.tally, Tally::Denied);
}

/// An ingress gateway and an API gateway with tcp listeners, and intentions for their services.
const TCP_LISTENERS: &str = r#"
service { name = "ingress" kind = "ingress-gateway" port = 8443 }
---
service { name = "api-gw" kind = "api-gateway" port = 9443 }
---
service { name = "db" address = "127.0.0.1" port = 5432 }
---
service { name = "cache" address = "127.0.0.1" port = 6379 }
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  { Port = 5432, Protocol = "tcp", Services = [{ Name = "db" }] },
  { Port = 6379, Protocol = "tcp", Services = [{ Name = "cache" }] },
]
---
Kind = "api-gateway"
Name = "api-gw"
Listeners = [{ Name = "db", Port = 15432, Protocol = "tcp" }]
---
Kind = "tcp-route"
Name = "db-route"
Parents = [{ Name = "api-gw", SectionName = "db" }]
Services = [{ Name = "db" }]
---
Kind = "service-intentions"
Name = "db"
Sources = [{ Name = "ingress", Action = "deny" }, { Name = "api-gw", Action = "allow" }]
"#;

#[test]
fn tcp_listeners_enforce_the_gateways_l4_intentions() {
    let c = compiled(TCP_LISTENERS);
    let ingress = GatewayIndex::new(&gateway_plan(&c, "ingress").expect("plan")).expect("index");
    assert!(ingress.needs_connection_port());
    // ingress → db is denied: the connection is closed, with a reason.
    let v = ingress.decide_connection(b"", Some(5432), 0, &mut |_| true);
    assert_eq!((v.action, v.tally), (ConnAction::Close, Some(Tally::Denied)));
    let line = v.log.expect("a deny line").text;
    assert!(line.contains("destination=db") && line.contains("reason=intention"), "{line}");
    // ingress → cache: no intention, the default policy allows.
    let v = ingress.decide_connection(b"", Some(6379), 0, &mut |_| true);
    assert!(matches!(v.action, ConnAction::Route { cluster: "cache.default.default.dc1", authorize: false }), "{v:?}");
    // No listener on the port.
    let v = ingress.decide_connection(b"", Some(1), 0, &mut |_| true);
    assert_eq!((v.action, v.tally), (ConnAction::Close, Some(Tally::Unrouted)));
    // The API gateway may reach db.
    let api = GatewayIndex::new(&gateway_plan(&c, "api-gw").expect("plan")).expect("index");
    let v = api.decide_connection(b"", Some(15432), 0, &mut |_| true);
    assert_eq!(v.tally, Some(Tally::Allowed), "{v:?}");
}

#[test]
fn plans_and_names_are_bounded() {
    let c = compiled(WS);
    let mut plan = gateway_plan(&c, "ingress").expect("plan");
    plan.gateway.key = "k".repeat(MAX_NAME_BYTES + 1);
    let e = GatewayIndex::new(&plan).expect_err("a 257-byte key");
    assert!(e.to_string().contains("gateway key `kkkk"), "{e}");
    let mut plan = gateway_plan(&c, "ingress").expect("plan");
    plan.intentions[0].source.name = "s".repeat(20_000).into();
    assert!(matches!(GatewayIndex::new(&plan), Err(Error::NameTooLong { what: "intention source", .. })));
    // The JSON's size is checked before it is parsed.
    let huge = vec![b' '; MAX_PLAN_BYTES + 1];
    assert!(matches!(GatewayIndex::from_json(&huge), Err(Error::PlanTooLarge { .. })));
}

#[test]
fn a_client_certificate_with_two_uri_sans_is_refused_and_the_header_never_forwarded() {
    let ix = rewrites("tgw");
    let name = sni("billing.default.dc1.internal");
    let web = format!("{TD_URI}/ns/default/dc/dc1/svc/web");
    let conn = Connection { port: None, server_name: name.as_bytes(), peer_uri_san: Some(web.as_bytes()) };
    let by = format!("By={TD_URI}/ns/default/dc/dc1/svc/billing;Hash=ab12");
    let one = format!("{by};URI={web}");
    let two = format!("{by};URI={web};URI={TD_URI}/ns/default/dc/dc1/svc/api");
    let quoted = format!("{by};Subject=\"CN=a;URI=b\";URI={web}");
    for (xfcc, refused) in [(one.as_str(), false), (two.as_str(), true), (quoted.as_str(), false), (by.as_str(), true)]
    {
        let pairs: [(&[u8], &[u8]); 4] = [
            (b":authority", b"billing"),
            (b":path", b"/pay"),
            (b":method", b"GET"),
            (b"x-forwarded-client-cert", xfcc.as_bytes()),
        ];
        let v = decide(&ix, &pairs, &conn);
        if refused {
            assert_eq!(status(&v), Some((403, "bad-peer-identity")), "{xfcc}");
        } else {
            let HttpAction::Forward(f) = &v.action else { panic!("{xfcc}: {:?}", v.action) };
            assert_eq!(f.remove_headers, ["x-forwarded-client-cert"], "{xfcc}");
            // The SNI's filter chain routes to the linked service's cluster by itself: the
            // filter sets no routing header and Envoy matches the route once.
            assert_eq!(f.cluster, None, "{xfcc}");
        }
    }
}

// ------------------------------------------------------------------------------------ sidecars

const SIDECARS: &str = r#"
service {
  name = "web"
  port = 9001
  connect {
    sidecar_service {
      port = 21001
      proxy {
        upstreams = [
          { destination_name = "billing", local_bind_port = 10001 },
          { destination_name = "api", local_bind_port = 10002 },
        ]
      }
    }
  }
}
---
service { name = "billing" port = 9002 connect { sidecar_service { port = 21002 } } }
---
service { name = "api" port = 9004 connect { sidecar_service { port = 21004 } } }
---
Kind = "service-defaults"
Name = "api"
Protocol = "http"
---
Kind = "service-router"
Name = "api"
Routes = [{ Match { HTTP { PathPrefix = "/v2/" } }, Destination { PrefixRewrite = "/" } }]
---
Kind = "service-intentions"
Name = "web"
Sources = [
  { Name = "api", Action = "allow" },
  { Name = "ledger", Peer = "partner", Action = "allow" },
  { Name = "*", Action = "deny" },
]
---
Kind = "service-intentions"
Name = "api"
Sources = [{ Name = "web", Permissions = [{ Action = "allow", HTTP { PathPrefix = "/v1" } }] }]
"#;

fn sidecar(selector: &str) -> GatewayIndex {
    GatewayIndex::new(&sidecar_gateway_plan(selector)).expect("index")
}

fn sidecar_gateway_plan(selector: &str) -> crate::plan::gateways::GatewayPlan {
    let mut settings = crate::settings::Settings {
        default_intention_policy: crate::intentions::Action::Deny,
        ..crate::settings::Settings::default()
    };
    settings.peer_trust_domains.insert("partner".into(), "partner.consul".into());
    let c = crate::plan::gateways::testing::compiled_with(SIDECARS, &settings);
    crate::plan::gateways::sidecar_plan(&c, selector).expect("sidecar plan")
}

#[test]
fn a_sidecar_decides_inbound_connections_by_the_peers_identity() {
    let ix = sidecar("web");
    // Whatever name the client sent, the connection is for web: to the local application,
    // once the peer's certificate is known.
    let v = ix.decide_connection(b"anything.example", Some(21001), 0, &mut |_| true);
    assert!(matches!(v.action, ConnAction::Route { cluster: "local_app", authorize: true }), "{v:?}");
    let uri = |svc: &str| format!("{TD_URI}/ns/default/dc/dc1/svc/{svc}");
    let v = ix.decide_peer(b"", Some(uri("api").as_bytes()), &mut |_| true);
    assert!(matches!(v.action, ConnAction::Continue), "{v:?}");
    let v = ix.decide_peer(b"", Some(uri("billing").as_bytes()), &mut |_| true);
    assert!(matches!(v.action, ConnAction::Close), "{v:?}");
    let line = v.log.expect("a deny line");
    assert!(line.text.contains("meshgate deny") && line.text.contains("* → web"), "{}", line.text);
    // A peer's service, named by the peer in the intention; an unknown trust domain is refused.
    let v = ix.decide_peer(b"", Some(b"spiffe://partner.consul/ns/default/dc/east/svc/ledger"), &mut |_| true);
    assert!(matches!(v.action, ConnAction::Continue), "{v:?}");
    let v = ix.decide_peer(b"", Some(b"spiffe://stranger.consul/ns/default/dc/east/svc/ledger"), &mut |_| true);
    assert!(matches!(v.action, ConnAction::Close), "{v:?}");
    assert!(v.log.expect("line").text.contains("foreign-trust-domain"));
}

#[test]
fn a_sidecars_upstream_listeners_route_without_deciding() {
    let ix = sidecar("web");
    // tcp upstream: straight to the target; the destination's sidecar decides.
    let v = ix.decide_connection(b"", Some(10001), 0, &mut |_| true);
    assert!(
        matches!(v.action, ConnAction::Route { cluster: "billing.default.default.dc1", authorize: false }),
        "{v:?}"
    );
    // http upstream: the chain's routes, rewrite included.
    let conn = Connection { port: Some(10002), server_name: b"", peer_uri_san: None };
    let v = decide(&ix, &[(b":path", b"/v2/orders"), (b":method", b"GET"), (b":authority", b"api")], &conn);
    let HttpAction::Forward(f) = &v.action else { panic!("{v:?}") };
    assert_eq!(f.cluster, Some("api.default.default.dc1"));
    assert_eq!(f.path.as_deref(), Some("/orders"));
}

#[test]
fn a_sidecar_applies_l7_intentions_to_its_inbound_requests() {
    let ix = sidecar("api");
    let web = format!("{TD_URI}/ns/default/dc/dc1/svc/web");
    let conn = Connection { port: Some(21004), server_name: b"", peer_uri_san: Some(web.as_bytes()) };
    let head = |path: &'static [u8]| [(b":path".as_slice(), path), (b":method", b"GET"), (b":authority", b"api")];
    let v = decide(&ix, &head(b"/v1/items"), &conn);
    // The public listener's route names the local application's cluster: nothing to route.
    let HttpAction::Forward(f) = &v.action else { panic!("{v:?}") };
    assert_eq!(f.cluster, None);
    let v = decide(&ix, &head(b"/admin"), &conn);
    let HttpAction::Reply(r) = &v.action else { panic!("{v:?}") };
    assert_eq!((r.status, r.reason), (403, "default-policy"));
    // Without a client certificate: denied, whatever the path.
    let anonymous = Connection { peer_uri_san: None, ..conn };
    let v = decide(&ix, &head(b"/v1/items"), &anonymous);
    let HttpAction::Reply(r) = &v.action else { panic!("{v:?}") };
    assert_eq!((r.status, r.reason), (403, "no-peer-identity"));
}

/// One ingress listener, one service, an L7 intention: what `meshgate envoy` routes directly.
const ONE_SERVICE: &str = r#"
service { name = "web" address = "127.0.0.1" port = 8080 }
---
service { name = "ingress" kind = "ingress-gateway" port = 8443 }
---
Kind = "service-defaults"
Name = "web"
Protocol = "http"
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web" }] }]
---
Kind = "service-intentions"
Name = "web"
Sources = [{ Name = "ingress", Permissions = [
  { Action = "allow", HTTP { PathPrefix = "/api/" } },
  { Action = "deny", HTTP { PathPrefix = "/" } },
] }]
"#;

#[test]
fn a_direct_routed_listener_decides_the_same_and_only_drops_the_routing() {
    let plan = gateway_plan(&compiled(ONE_SERVICE), "ingress").expect("gateway plan");
    let mut direct = plan.clone();
    crate::envoy::traffic::mark_direct_routes(&mut direct, true);
    let RouteTable::IngressGateway(t) = &direct.routes else { panic!("an ingress plan") };
    let cluster = t.listeners[0].direct_cluster.clone().expect("one service, no policy: direct");
    let (routed, direct) = (GatewayIndex::new(&plan).unwrap(), GatewayIndex::new(&direct).unwrap());
    let mut forwarded = 0;
    for (authority, path) in [
        ("web.ingress.example.com", "/api/items"),
        ("web.ingress.example.com", "/admin"),
        ("web.ingress.example.com", "/api/../admin"),
        ("web.ingress.example.com", "/api/%2e%2e/admin"),
        ("other.example.com", "/api/items"),
    ] {
        let pairs: [(&[u8], &[u8]); 3] =
            [(b":authority", authority.as_bytes()), (b":path", path.as_bytes()), (b":method", b"GET")];
        let (a, b) = (decide(&routed, &pairs, &Connection::default()), decide(&direct, &pairs, &Connection::default()));
        assert_eq!((a.tally, status(&a)), (b.tally, status(&b)), "{authority}{path}");
        match (&a.action, &b.action) {
            (HttpAction::Forward(fa), HttpAction::Forward(fb)) => {
                forwarded += 1;
                assert_eq!(fa.cluster, Some(cluster.as_str()));
                assert_eq!(fb.cluster, None, "Envoy's route names the cluster");
                assert_eq!((&fa.path, fa.route, fa.request_headers), (&fb.path, fb.route, fb.request_headers));
            }
            (HttpAction::Reply(_), HttpAction::Reply(_)) => {}
            _ => panic!("{authority}{path}: one forwards, the other replies"),
        }
    }
    assert_eq!(forwarded, 1, "only /api/items at web's host is allowed");
    // A plan naming another cluster than the one decided is refused, never misrouted.
    let mut wrong = plan.clone();
    if let RouteTable::IngressGateway(t) = &mut wrong.routes {
        t.listeners[0].direct_cluster = Some("elsewhere".into());
    }
    let wrong = GatewayIndex::new(&wrong).unwrap();
    let pairs: [(&[u8], &[u8]); 3] =
        [(b":authority", b"web.ingress.example.com"), (b":path", b"/api/items"), (b":method", b"GET")];
    let v = decide(&wrong, &pairs, &Connection::default());
    assert_eq!((v.tally, status(&v)), (Tally::Error, Some((500, "filter-error"))));
}

#[test]
fn direct_routes_need_one_cluster_no_policy_and_no_ecds() {
    let direct = |text: &str, static_routes: bool| {
        let mut plan = gateway_plan(&compiled(text), "ingress").expect("gateway plan");
        crate::envoy::traffic::mark_direct_routes(&mut plan, static_routes);
        let RouteTable::IngressGateway(t) = plan.routes else { panic!("an ingress plan") };
        t.listeners.into_iter().map(|l| l.direct_cluster.is_some()).collect::<Vec<_>>()
    };
    assert_eq!(direct(ONE_SERVICE, true), [true]);
    assert_eq!(direct(ONE_SERVICE, false), [false], "ECDS: the plan may change under a fixed route");
    // Two services, a split, a router to other services: several clusters.
    assert_eq!(direct(WS, true), [false]);
    let timeout = format!(
        "{ONE_SERVICE}---\nKind = \"service-router\"\nName = \"web\"\nRoutes = [{{ Match {{ HTTP {{ PathPrefix = \"/\" }} }} Destination {{ RequestTimeout = \"5s\" }} }}]\n"
    );
    assert_eq!(direct(&timeout, true), [false], "a route policy is keyed by the route header");
}

/// A terminating gateway's http chain (or a sidecar's public listener) marked direct: the same
/// decisions, and an allowed request forwarded without a header change (Envoy's route strips
/// the client-certificate and routing headers; in Envoy's Wasm host any request-header change
/// makes Envoy match the route again).
#[test]
fn a_direct_terminated_chain_decides_the_same_and_changes_no_header() {
    let mark = |key: &str, c: &crate::plan::Compiled| {
        let plan = gateway_plan(c, key).expect("gateway plan");
        let mut direct = plan.clone();
        crate::envoy::traffic::mark_direct_routes(&mut direct, true);
        (plan, direct)
    };
    let (plan, direct) = mark("tgw", &compiled(REWRITES));
    let RouteTable::TerminatingGateway(t) = &direct.routes else { panic!("a terminating plan") };
    assert_eq!(t.services[0].direct_cluster.as_deref(), Some(t.services[0].cluster.as_str()));
    let (before, after) = (GatewayIndex::new(&plan).unwrap(), GatewayIndex::new(&direct).unwrap());
    let name = sni("billing.default.dc1.internal");
    let (web, api) = (format!("{TD_URI}/ns/default/dc/dc1/svc/web"), format!("{TD_URI}/ns/default/dc/dc1/svc/api"));
    let xfcc = format!("By={TD_URI}/ns/default/dc/dc1/svc/billing;URI={web}");
    let xfcc_api = format!("By={TD_URI}/ns/default/dc/dc1/svc/billing;URI={api}");
    let two = format!("{xfcc};URI={api}");
    let mut forwarded = 0;
    // What Envoy tells the filter both ways: as properties, and (the mark's
    // `connection_headers`) as the headers its connection manager writes.
    for (peer, path, cert) in [
        (&web, "/pay", xfcc.as_str()),
        (&web, "/pay/../admin", xfcc.as_str()),
        (&web, "//pay/./x", xfcc.as_str()),
        (&api, "/pay", xfcc_api.as_str()),
        (&web, "/pay", two.as_str()),
    ] {
        let conn = Connection { port: None, server_name: name.as_bytes(), peer_uri_san: Some(peer.as_bytes()) };
        let pairs: [(&[u8], &[u8]); 7] = [
            (b":authority", b"billing"),
            (b":path", path.as_bytes()),
            (b":method", b"GET"),
            (b"x-forwarded-client-cert", cert.as_bytes()),
            (ROUTING_HEADER.as_bytes(), b"elsewhere"),
            (ROUTE_HEADER.as_bytes(), b"0.0"),
            (SNI_HEADER.as_bytes(), name.as_bytes()),
        ];
        let (a, b) = (decide(&before, &pairs, &conn), decide(&after, &pairs, &conn));
        assert_eq!((a.tally, status(&a)), (b.tally, status(&b)), "{peer} {path}");
        match (&a.action, &b.action) {
            (HttpAction::Forward(fa), HttpAction::Forward(fb)) => {
                forwarded += 1;
                assert_eq!(fa.remove_headers.len(), 3, "{path}");
                assert!(fb.remove_headers.is_empty(), "{path}: Envoy's route strips them");
                assert_eq!((fa.cluster, &fa.path), (fb.cluster, &fb.path), "{path}");
            }
            (HttpAction::Reply(_), HttpAction::Reply(_)) => {}
            _ => panic!("{peer} {path}: one forwards, the other replies"),
        }
    }
    // Only the certificate with two URI SANs is refused: the default policy (allow) lets
    // through what no permission matches, and //pay/./x goes out as /pay/x.
    assert_eq!(forwarded, 4);
    // A plan naming another cluster than the chain's is refused.
    let mut wrong = direct.clone();
    if let RouteTable::TerminatingGateway(t) = &mut wrong.routes {
        t.services[0].direct_cluster = Some("elsewhere".into());
    }
    let wrong = GatewayIndex::new(&wrong).unwrap();
    let conn = Connection { port: None, server_name: name.as_bytes(), peer_uri_san: Some(web.as_bytes()) };
    let pairs: [(&[u8], &[u8]); 5] = [
        (b":authority", b"billing"),
        (b":path", b"/pay"),
        (b":method", b"GET"),
        (b"x-forwarded-client-cert", xfcc.as_bytes()),
        (SNI_HEADER.as_bytes(), name.as_bytes()),
    ];
    let v = decide(&wrong, &pairs, &conn);
    assert_eq!((v.tally, status(&v)), (Tally::Error, Some((500, "filter-error"))));
    // A denial is still a denial, whatever the mark says.
    let pairs: [(&[u8], &[u8]); 5] = [
        (b":authority", b"billing"),
        (b":path", b"/pay"),
        (b":method", b"GET"),
        (b"x-forwarded-client-cert", two.as_bytes()),
        (SNI_HEADER.as_bytes(), name.as_bytes()),
    ];
    assert_eq!(status(&decide(&wrong, &pairs, &conn)), Some((403, "bad-peer-identity")));

    // A sidecar's public listener: the same shape.
    let plan = sidecar_gateway_plan("api");
    let mut direct = plan.clone();
    crate::envoy::traffic::mark_direct_routes(&mut direct, true);
    let RouteTable::Sidecar(t) = &direct.routes else { panic!("a sidecar plan") };
    assert_eq!(t.inbound.direct_cluster.as_deref(), Some(crate::plan::gateways::sidecar::LOCAL_APP_CLUSTER));
    let (before, after) = (GatewayIndex::new(&plan).unwrap(), GatewayIndex::new(&direct).unwrap());
    let conn = Connection { port: Some(21004), server_name: b"", peer_uri_san: Some(web.as_bytes()) };
    for path in [b"/v1/items".as_slice(), b"/admin"] {
        let pairs: [(&[u8], &[u8]); 4] =
            [(b":path", path), (b":method", b"GET"), (b":authority", b"api"), (b"x-forwarded-client-cert", b"x")];
        let (a, b) = (decide(&before, &pairs, &conn), decide(&after, &pairs, &conn));
        assert_eq!((a.tally, status(&a)), (b.tally, status(&b)));
        if let (HttpAction::Forward(fa), HttpAction::Forward(fb)) = (&a.action, &b.action) {
            assert_eq!((fa.remove_headers.len(), fb.remove_headers.len()), (1, 0));
        }
    }
}

/// The plan's `connection_headers` (static `meshgate envoy` bootstraps): the server name and the
/// peer come from the headers the chain's connection manager writes, not from properties — and
/// every decision, reason and log line is the one the properties give, at a terminating gateway
/// and at a sidecar's public listener.
#[test]
fn connection_headers_decide_as_the_connection_properties_do() {
    let c = compiled(&format!("{WS}---\nKind = \"service-defaults\"\nName = \"billing\"\nProtocol = \"http\"\n"));
    let plan = gateway_plan(&c, "tgw").expect("gateway plan");
    let mut marked = plan.clone();
    crate::envoy::traffic::mark_direct_routes(&mut marked, true);
    assert!(marked.connection_headers, "static routes mark the plan");
    let mut ecds = plan.clone();
    crate::envoy::traffic::mark_direct_routes(&mut ecds, false);
    assert!(!ecds.connection_headers, "never with ECDS");
    let mut ingress = gateway_plan(&c, "ingress").expect("gateway plan");
    crate::envoy::traffic::mark_direct_routes(&mut ingress, true);
    assert!(!ingress.connection_headers, "an ingress gateway terminates no mesh mTLS");
    // Properties: the plan as the planner writes it, read the old way.
    let mut properties = marked.clone();
    properties.connection_headers = false;
    let (properties, headers) = (GatewayIndex::new(&properties).unwrap(), GatewayIndex::new(&marked).unwrap());
    assert!(headers.connection_headers() && !properties.connection_headers());

    let billing = sni("billing.default.dc1.internal");
    let uri = |svc: &str| format!("{TD_URI}/ns/default/dc/dc1/svc/{svc}");
    let by = format!("By={}", uri("billing"));
    let (web, api) = (uri("web"), uri("api"));
    // (server name, peer URI SANs as the certificate lists them, path)
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (&billing, vec![&web], "/pay"),
        (&billing, vec![&api], "/pay"),
        (&billing, vec![&web, &api], "/pay"),
        (&billing, vec![], "/pay"),
        (&billing, vec!["spiffe://other.consul/ns/default/dc/dc1/svc/web"], "/pay"),
        (&billing, vec!["spiffe://11111111-2222-3333-4444-555555555555.consul/gateway/mesh/dc/dc1"], "/"),
        (&billing, vec!["spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web;x"], "/"),
        (&billing, vec![&web], "/%2e%2e/x"),
        ("", vec![&web], "/pay"),
        ("unknown.example", vec![&web], "/pay"),
        ("BILLING.default.dc1.internal.11111111-2222-3333-4444-555555555555.consul", vec![&web], "/pay"),
    ];
    let mut allowed = 0;
    for (name, sans, path) in &cases {
        let mut xfcc = format!("{by};Hash=0123");
        if sans.is_empty() {
            xfcc.push_str(";URI=");
        }
        for s in sans {
            xfcc.push_str(&format!(";URI={s}"));
        }
        let pairs: [(&[u8], &[u8]); 5] = [
            (b":authority", b"billing"),
            (b":path", path.as_bytes()),
            (b":method", b"GET"),
            (b"x-forwarded-client-cert", xfcc.as_bytes()),
            (SNI_HEADER.as_bytes(), name.as_bytes()),
        ];
        let by_property =
            Connection { port: None, server_name: name.as_bytes(), peer_uri_san: sans.first().map(|s| s.as_bytes()) };
        let a = decide(&properties, &pairs, &by_property);
        // The glue reads no property: nothing in the connection.
        let b = decide(&headers, &pairs, &Connection::default());
        assert_eq!((a.tally, status(&a)), (b.tally, status(&b)), "{name} {sans:?} {path}");
        assert_eq!(a.log.map(|l| l.text), b.log.map(|l| l.text), "{name} {sans:?} {path}");
        allowed += usize::from(b.tally == Tally::Allowed);
    }
    assert_eq!(allowed, 3, "web, on billing's name in any case, with a path that normalizes");

    // A sidecar's public listener: the name decides nothing, the peer everything.
    let plan = sidecar_gateway_plan("api");
    let mut marked = plan.clone();
    crate::envoy::traffic::mark_direct_routes(&mut marked, true);
    let mut properties = marked.clone();
    properties.connection_headers = false;
    let (properties, headers) = (GatewayIndex::new(&properties).unwrap(), GatewayIndex::new(&marked).unwrap());
    for (peer, path) in [(&web, "/v1/items"), (&web, "/admin"), (&api, "/v1/items")] {
        let xfcc = format!("{by};URI={peer}");
        let pairs: [(&[u8], &[u8]); 5] = [
            (b":authority", b"api"),
            (b":path", path.as_bytes()),
            (b":method", b"GET"),
            (b"x-forwarded-client-cert", xfcc.as_bytes()),
            (SNI_HEADER.as_bytes(), b"api.default.dc1.internal.example"),
        ];
        let by_property = Connection {
            port: Some(21004),
            server_name: b"api.default.dc1.internal.example",
            peer_uri_san: Some(peer.as_bytes()),
        };
        let a = decide(&properties, &pairs, &by_property);
        let b = decide(&headers, &pairs, &Connection { port: Some(21004), ..Connection::default() });
        assert_eq!((a.tally, status(&a)), (b.tally, status(&b)), "{peer} {path}");
        assert_eq!(a.log.map(|l| l.text), b.log.map(|l| l.text), "{peer} {path}");
    }
}
