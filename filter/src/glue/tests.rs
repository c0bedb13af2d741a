use super::*;
use crate::mock::MockHost;
use meshgate_core::gateway::SNI_HEADER;
use meshgate_core::plan::gateways::gateway_plan;
use meshgate_core::settings::{Mode, Settings};
use meshgate_core::workspace::{InputFile, Workspace};

const TD: &str = "11111111-2222-3333-4444-555555555555.consul";

const WS: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "mesh-gateway-dc2" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.2.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = 8080 }
---
service { name = "admin" address = "127.0.0.1" port = 9091 }
---
service { name = "billing" address = "127.0.0.1" port = 9443 }
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
Name = "admin"
Protocol = "http"
---
Kind = "service-router"
Name = "web"
Routes = [{ Match { HTTP { PathPrefix = "/admin" } } Destination { Service = "admin" } }]
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web", Hosts = ["web.example.com"] }] }]
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing" }]
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

fn plan_json(key: &str, mode: Mode) -> String {
    let files = WS.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    assert!(!ws.has_errors(), "{:?}", ws.resolved_diagnostics());
    let settings = Settings { mode, ..Settings::default() };
    let c = meshgate_core::plan::compile(&ws, &settings).unwrap();
    serde_json::to_string(&gateway_plan(&c, key).unwrap()).unwrap()
}

fn configured(key: &str, root_id: &str, mode: Mode) -> (Root, MockHost) {
    let host = MockHost::with_config(&plan_json(key, mode));
    let mut root = Root::default();
    assert!(root.configure(&host, root_id.as_bytes()), "{:?}", host.state.borrow().logs);
    (root, host)
}

fn sni(name: &str) -> String {
    format!("{name}.{TD}")
}

#[test]
fn configuration_is_idempotent_and_a_bad_plan_keeps_the_old_one() {
    let (mut root, host) = configured("mesh-gateway", NETWORK_ROOT_ID, Mode::Enforce);
    assert_eq!(root.kind, FilterKind::Network);
    let hash = root.state().unwrap().index.hash().to_string();
    assert!(host.logs_at(Level::Info).iter().any(|l| l.contains(&format!("plan_hash={hash}"))));
    let version = format!("plan_version={}", meshgate_core::plan::gateways::GATEWAY_PLAN_VERSION);
    assert!(host.logs_at(Level::Info).iter().any(|l| l.contains(&version)));
    // The same plan again: accepted, nothing rebuilt.
    assert!(root.configure(&host, NETWORK_ROOT_ID.as_bytes()));
    // A broken plan is refused; the old one stays.
    host.state.borrow_mut().config = Some(br#"{"version": 3, "gateway": 3}"#.to_vec());
    assert!(!root.configure(&host, NETWORK_ROOT_ID.as_bytes()));
    assert_eq!(root.state().unwrap().index.hash(), hash);
    host.state.borrow_mut().config = Some(br#"{"version": 7}"#.to_vec());
    assert!(!root.configure(&host, NETWORK_ROOT_ID.as_bytes()));
    assert!(host.logs_at(Level::Error).iter().any(|l| l.contains("version 7")));
    host.state.borrow_mut().config = None;
    assert!(!root.configure(&host, NETWORK_ROOT_ID.as_bytes()));
    host.fail("get_buffer");
    assert!(!root.configure(&host, NETWORK_ROOT_ID.as_bytes()));
    assert!(!Root::default().configure(&MockHost::default(), b""));
}

#[test]
fn an_unconfigured_filter_denies() {
    let root = Root::default();
    let host = MockHost::default();
    host.set_property(&["connection", "requested_server_name"], &sni("web.default.dc1.internal"));
    let mut s = root.stream_filter();
    s.on_new_connection(&host);
    assert!(host.state.borrow().closed);
    assert!(host.state.borrow().filter_state.is_empty());
    let mut h = root.http_filter();
    host.request("web.example.com", "/", "GET", &[]);
    assert_eq!(h.on_request_headers(&host), Verdict::Pause);
    assert_eq!(host.reply_status(), Some(500));
}

#[test]
fn mesh_gateway_sets_the_tcp_proxy_cluster_or_closes() {
    let (root, host) = configured("mesh-gateway", NETWORK_ROOT_ID, Mode::Enforce);
    host.set_property(&["connection", "requested_server_name"], &sni("web.default.dc2.internal"));
    let mut s = root.stream_filter();
    assert_eq!(s.on_new_connection(&host), Verdict::Continue);
    assert_eq!(host.state.borrow().filter_state, vec![(TCP_PROXY_CLUSTER.to_string(), sni("dc2.internal"))]);
    assert!(!host.state.borrow().closed);
    assert_eq!(s.on_downstream_data(&host), Verdict::Continue);
    assert_eq!(host.counter("meshgate.mesh-gateway.allowed"), 1);
    // Each property is read once per connection.
    assert_eq!(host.state.borrow().property_reads.values().copied().collect::<Vec<_>>(), vec![1]);

    let host2 = MockHost::default();
    host2.set_property(&["connection", "requested_server_name"], &sni("web.default.dc9.internal"));
    let mut root2 = Root::default();
    host2.state.borrow_mut().config = host.state.borrow().config.clone();
    assert!(root2.configure(&host2, NETWORK_ROOT_ID.as_bytes()));
    let mut s = root2.stream_filter();
    s.on_new_connection(&host2);
    assert!(host2.state.borrow().closed);
    assert!(host2.state.borrow().filter_state.is_empty());
    assert_eq!(host2.counter("meshgate.mesh-gateway.unrouted"), 1);
    let info = host2.logs_at(Level::Info);
    let line = info.iter().find(|l| l.starts_with("meshgate unrouted")).unwrap();
    assert!(line.contains("reason=sni-not-in-plan"), "{line}");
    assert!(line.contains(&format!("sni={}", sni("web.default.dc9.internal"))), "{line}");
}

#[test]
fn a_failing_host_call_closes_and_counts_an_error() {
    let (root, host) = configured("mesh-gateway", NETWORK_ROOT_ID, Mode::Enforce);
    host.set_property(&["connection", "requested_server_name"], &sni("web.default.dc1.internal"));
    host.fail("set_envoy_filter_state");
    root.stream_filter().on_new_connection(&host);
    assert!(host.state.borrow().closed);
    assert_eq!(host.counter("meshgate.mesh-gateway.errors"), 1);
    let (root, host) = configured("mesh-gateway", NETWORK_ROOT_ID, Mode::Enforce);
    host.fail("get_property");
    root.stream_filter().on_new_connection(&host);
    assert!(host.state.borrow().closed);
    assert_eq!(host.counter("meshgate.mesh-gateway.errors"), 1);
}

#[test]
fn terminating_gateway_enforces_intentions_after_the_handshake() {
    let billing = sni("billing.default.dc1.internal");
    let cases =
        [(Some("web"), true, None), (Some("api"), false, Some("intention")), (None, false, Some("no-peer-identity"))];
    for (peer, allowed, reason) in cases {
        let (root, host) = configured("tgw", NETWORK_ROOT_ID, Mode::Enforce);
        host.set_property(&["connection", "requested_server_name"], &billing);
        if let Some(p) = peer {
            host.set_property(
                &["connection", "uri_san_peer_certificate"],
                &format!("spiffe://{TD}/ns/default/dc/dc1/svc/{p}"),
            );
        }
        let mut s = root.stream_filter();
        assert_eq!(s.on_new_connection(&host), Verdict::Continue);
        assert_eq!(host.state.borrow().filter_state.first().map(|f| f.1.clone()), Some(billing.clone()));
        let v = s.on_downstream_data(&host);
        assert_eq!(v == Verdict::Continue, allowed, "{peer:?}");
        assert_eq!(host.state.borrow().closed, !allowed, "{peer:?}");
        // Decided once per connection.
        assert_eq!(s.on_downstream_data(&host), Verdict::Continue);
        assert_eq!(host.counter("meshgate.tgw.allowed"), i64::from(allowed));
        assert_eq!(host.counter("meshgate.tgw.denied"), i64::from(!allowed));
        if let Some(reason) = reason {
            let warn = host.logs_at(Level::Warn);
            let line = warn.iter().find(|l| l.starts_with("meshgate deny")).unwrap();
            assert!(line.contains(&format!("reason={reason}")), "{line}");
            assert!(line.contains("destination=billing"), "{line}");
            assert!(line.contains(&format!("sni={billing}")), "{line}");
            if peer.is_some() {
                assert!(line.contains("intention=12.hcl:3:"), "{line}");
                assert!(line.contains("source=spiffe://"), "{line}");
            }
        }
        assert_eq!(
            host.state.borrow().histograms.values().map(Vec::len).sum::<usize>(),
            1,
            "a root's first decision is timed (then one in TIMING_SAMPLE)"
        );
    }
}

/// The plan `meshgate envoy` writes for `key` without ECDS (`direct_cluster` marked), made
/// unique to its test by `tag` trailing spaces: the plan cache is per process, and tests run in
/// parallel threads under `cargo test`.
fn marked_plan_json(key: &str, tag: usize) -> String {
    let mut plan: meshgate_core::plan::gateways::GatewayPlan =
        serde_json::from_str(&plan_json(key, Mode::Enforce)).unwrap();
    meshgate_core::envoy::traffic::mark_direct_routes(&mut plan, true);
    serde_json::to_string(&plan).unwrap() + &" ".repeat(tag)
}

#[test]
fn a_chain_root_reads_no_server_name_and_sets_no_cluster() {
    let billing = sni("billing.default.dc1.internal");
    let root_id = meshgate_core::envoy::chain_root_id(&billing);
    for (peer, allowed) in [("web", true), ("api", false)] {
        let host = MockHost::with_config(&marked_plan_json("tgw", 1));
        let mut root = Root::default();
        assert!(root.configure(&host, root_id.as_bytes()), "{:?}", host.state.borrow().logs);
        assert_eq!((root.kind, root.chain.as_deref()), (FilterKind::Network, Some(billing.as_bytes())));
        host.set_property(
            &["connection", "uri_san_peer_certificate"],
            &format!("spiffe://{TD}/ns/default/dc/dc1/svc/{peer}"),
        );
        let mut s = root.stream_filter();
        assert_eq!(s.on_new_connection(&host), Verdict::Continue);
        {
            let st = host.state.borrow();
            assert!(st.property_reads.is_empty() && st.filter_state.is_empty() && !st.closed, "{st:?}");
        }
        assert_eq!(s.on_downstream_data(&host) == Verdict::Continue, allowed, "{peer}");
        assert_eq!(host.state.borrow().closed, !allowed, "{peer}");
        assert_eq!(s.on_downstream_data(&host), Verdict::Continue, "decided once");
        assert_eq!(
            host.state.borrow().property_reads.keys().collect::<Vec<_>>(),
            ["connection.uri_san_peer_certificate"]
        );
        assert_eq!(
            (host.counter("meshgate.tgw.allowed"), host.counter("meshgate.tgw.denied")),
            (i64::from(allowed), i64::from(!allowed))
        );
        if !allowed {
            let warn = host.logs_at(Level::Warn);
            let line = warn.iter().find(|l| l.starts_with("meshgate deny")).unwrap();
            assert!(line.contains(&format!("sni={billing}")) && line.contains("destination=billing"), "{line}");
        }
    }
    // A chain of a name the plan does not link: unrouted, closed.
    let host = MockHost::with_config(&marked_plan_json("tgw", 1));
    let mut root = Root::default();
    assert!(root.configure(&host, meshgate_core::envoy::chain_root_id(&sni("web.default.dc1.internal")).as_bytes()));
    root.stream_filter().on_new_connection(&host);
    assert!(host.state.borrow().closed);
    assert_eq!(host.counter("meshgate.tgw.unrouted"), 1);
}

#[test]
fn roots_with_the_same_plan_share_one_index() {
    let config = marked_plan_json("tgw", 2);
    let host = MockHost::with_config(&config);
    let billing = meshgate_core::envoy::chain_root_id(&sni("billing.default.dc1.internal"));
    let ids = [billing.as_str(), NETWORK_ROOT_ID, HEALTH_NETWORK_ROOT_ID];
    let roots: Vec<Root> = ids
        .iter()
        .map(|id| {
            let mut root = Root::default();
            assert!(root.configure(&host, id.as_bytes()));
            root
        })
        .collect();
    let index = |r: &Root| r.configured().map(|c| c.index.clone()).unwrap();
    assert!(roots.iter().all(|r| Arc::ptr_eq(&index(r), &index(&roots[0]))));
    let info = host.logs_at(Level::Info);
    let plans: Vec<&str> = info.iter().filter_map(|l| l.rsplit_once(" plan=").map(|(_, p)| p)).collect();
    assert_eq!(plans, ["parsed", "shared", "shared"]);
    // Another plan is another index; once no root serves a plan, it is freed.
    let other = MockHost::with_config(&marked_plan_json("tgw", 3));
    let mut root = Root::default();
    assert!(root.configure(&other, NETWORK_ROOT_ID.as_bytes()));
    assert!(!Arc::ptr_eq(&index(&root), &index(&roots[0])));
    let weak = Arc::downgrade(&index(&roots[0]));
    drop(roots);
    assert!(weak.upgrade().is_none());
    // A refused plan is not kept: the next root gets the same error.
    let bad = MockHost::with_config(r#"{"version": 7}"#);
    for _ in 0..2 {
        assert!(!Root::default().configure(&bad, NETWORK_ROOT_ID.as_bytes()));
    }
    assert_eq!(bad.logs_at(Level::Error).iter().filter(|l| l.contains("version 7")).count(), 2);
}

#[test]
fn an_unreadable_peer_certificate_denies() {
    let (root, host) = configured("tgw", NETWORK_ROOT_ID, Mode::Enforce);
    host.set_property(&["connection", "requested_server_name"], &sni("billing.default.dc1.internal"));
    let mut s = root.stream_filter();
    s.on_new_connection(&host);
    host.fail("get_property");
    assert_eq!(s.on_downstream_data(&host), Verdict::Pause);
    assert!(host.state.borrow().closed);
    assert_eq!(host.counter("meshgate.tgw.denied"), 1);
    assert_eq!(host.counter("meshgate.tgw.errors"), 1);
}

#[test]
fn audit_mode_counts_and_passes() {
    let (root, host) = configured("tgw", NETWORK_ROOT_ID, Mode::Audit);
    host.set_property(&["connection", "requested_server_name"], &sni("billing.default.dc1.internal"));
    let mut s = root.stream_filter();
    s.on_new_connection(&host);
    assert_eq!(s.on_downstream_data(&host), Verdict::Continue);
    assert!(!host.state.borrow().closed);
    assert_eq!(host.counter("meshgate.tgw.audited"), 1);
    assert_eq!(host.counter("meshgate.tgw.denied"), 0);
    assert!(host.logs_at(Level::Warn).iter().any(|l| l.starts_with("meshgate audit-deny") && l.contains("mode=audit")));

    let (root, host) = configured("ingress", "meshgate_http", Mode::Audit);
    host.request("web.example.com", "/admin/secret", "GET", &[]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Continue);
    assert_eq!(host.reply_status(), None);
    assert_eq!(host.header(ROUTING_HEADER).as_deref(), Some("admin.default.default.dc1"));
    assert_eq!(host.counter("meshgate.ingress.audited"), 1);
}

#[test]
fn ingress_routes_overwrites_the_routing_header_and_clears_the_route_cache() {
    let (root, host) = configured("ingress", "meshgate_http", Mode::Enforce);
    host.request(
        "web.example.com:8080",
        "/page",
        "GET",
        &[(ROUTING_HEADER, "admin.default.default.dc1"), (ROUTING_HEADER, "x"), (ROUTE_HEADER, "9.9")],
    );
    let mut h = root.http_filter();
    assert_eq!(h.on_request_headers(&host), Verdict::Continue);
    assert_eq!(host.header(ROUTING_HEADER).as_deref(), Some("web.default.default.dc1"));
    assert_eq!(host.header_count(ROUTING_HEADER), 1);
    // The route the filter chose (which keys its Envoy-side timeouts and retries), not the
    // client's.
    let key = h.route.expect("routed");
    assert_eq!(host.header(ROUTE_HEADER), Some(key.route_id()));
    assert_eq!(host.header_count(ROUTE_HEADER), 1);
    assert_eq!(host.state.borrow().route_cache_cleared, 1);
    assert_eq!(host.header(":path").as_deref(), Some("/page"));
    assert_eq!(host.counter("meshgate.ingress.allowed"), 1);
    // One listener: no property is read at all.
    assert!(host.state.borrow().property_reads.is_empty());
    assert_eq!(h.on_response_headers(&host), Verdict::Continue);
}

#[test]
fn ingress_denies_with_403_and_a_reason_and_forwards_the_normalized_path() {
    let (root, host) = configured("ingress", "meshgate_http", Mode::Enforce);
    // (path, status, reason, forwarded :path)
    type Case<'a> = (&'a str, Option<u32>, Option<&'a str>, Option<&'a str>);
    let cases: [Case<'_>; 8] = [
        ("/admin/public", None, None, Some("/admin/public")),
        ("/admin/secret", Some(403), Some("permission"), None),
        ("//admin/secret", Some(403), Some("permission"), None),
        ("/./admin/secret", Some(403), Some("permission"), None),
        ("/admin/%2e%2e/admin/secret", Some(403), Some("permission"), None),
        ("/admin/./public/..//public?x=1", None, None, Some("/admin/public?x=1")),
        ("/admin%2Fsecret", Some(400), Some("bad-path"), None),
        ("/admin\\secret", Some(400), Some("bad-path"), None),
    ];
    for (path, status, reason, forwarded) in cases {
        host.request("web.example.com", path, "GET", &[]);
        let v = root.http_filter().on_request_headers(&host);
        assert_eq!(host.reply_status(), status, "{path}");
        assert_eq!(host.reply_reason().as_deref(), reason, "{path}");
        assert_eq!(v == Verdict::Pause, status.is_some(), "{path}");
        if let Some(f) = forwarded {
            assert_eq!(host.header(":path").as_deref(), Some(f), "{path}");
        }
    }
    let warn = host.logs_at(Level::Warn);
    let line = warn.iter().find(|l| l.contains("path=/admin/secret")).unwrap();
    for part in [
        "meshgate deny",
        "gateway=ingress",
        "source=ingress",
        "destination=admin",
        "intention=13.hcl:",
        "reason=permission",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert_eq!(host.counter("meshgate.ingress.denied"), 6);
    assert_eq!(host.counter("meshgate.ingress.allowed"), 2);
}

#[test]
fn no_route_is_404_and_the_spoofed_header_never_routes() {
    let (root, host) = configured("ingress", "meshgate_http", Mode::Enforce);
    host.request("evil.example.com", "/", "GET", &[(ROUTING_HEADER, "admin.default.default.dc1")]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    assert_eq!(host.reply_status(), Some(404));
    assert_eq!(host.reply_reason().as_deref(), Some("no-host"));
    assert_eq!(host.counter("meshgate.ingress.unrouted"), 1);
    assert_eq!(host.state.borrow().route_cache_cleared, 0);
    // A failing reply still takes the route away.
    host.fail("send_http_response");
    host.request("evil.example.com", "/", "GET", &[(ROUTING_HEADER, "admin.default.default.dc1")]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    assert_eq!(host.header(ROUTING_HEADER), None);
}

#[test]
fn a_mesh_gateway_plan_in_the_http_filter_fails_closed() {
    let (root, host) = configured("mesh-gateway", "meshgate_http", Mode::Enforce);
    host.request("web.example.com", "/", "GET", &[]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    assert_eq!(host.reply_status(), Some(404));
}

#[test]
fn terminating_http_services_check_the_peer_and_the_path() {
    let (root, host) = configured("tgw", "meshgate_http", Mode::Enforce);
    host.set_property(&["connection", "requested_server_name"], &sni("billing.default.dc1.internal"));
    host.set_property(&["connection", "uri_san_peer_certificate"], &format!("spiffe://{TD}/ns/default/dc/dc1/svc/web"));
    host.request("billing", "//x/./y", "GET", &[(ROUTING_HEADER, "spoof"), (ROUTE_HEADER, "0.0")]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Continue);
    assert_eq!(host.header(":path").as_deref(), Some("/x/y"));
    assert_eq!(host.header(ROUTING_HEADER), None);
    assert_eq!(host.header(ROUTE_HEADER), None);
    // The SNI's filter chain already routes to the linked service: no second route match.
    assert_eq!(host.state.borrow().route_cache_cleared, 0);
    let reads: Vec<u32> = host.state.borrow().property_reads.values().copied().collect();
    assert_eq!(reads, vec![1, 1]);
    host.set_property(&["connection", "uri_san_peer_certificate"], &format!("spiffe://{TD}/ns/default/dc/dc1/svc/api"));
    host.request("billing", "/", "GET", &[]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    assert_eq!(host.reply_status(), Some(403));
}

/// A linked service marked `direct_cluster` (what `meshgate envoy` writes for a static http
/// chain, whose Envoy route strips these headers): the filter decides as before and changes no
/// request header — in Envoy's Wasm host a removal would make Envoy match the route again.
#[test]
fn a_direct_terminating_chain_changes_no_request_header() {
    let mut plan: serde_json::Value = serde_json::from_str(&plan_json("tgw", Mode::Enforce)).unwrap();
    let service = &mut plan["routes"]["services"][0];
    service["direct_cluster"] = service["cluster"].clone();
    let host = MockHost::with_config(&plan.to_string());
    let mut root = Root::default();
    assert!(root.configure(&host, b"meshgate_http"), "{:?}", host.state.borrow().logs);
    host.set_property(&["connection", "requested_server_name"], &sni("billing.default.dc1.internal"));
    host.set_property(&["connection", "uri_san_peer_certificate"], &format!("spiffe://{TD}/ns/default/dc/dc1/svc/web"));
    let xfcc = format!("By=spiffe://{TD}/ns/default/dc/dc1/svc/billing;URI=spiffe://{TD}/ns/default/dc/dc1/svc/web");
    let spoof = [(ROUTING_HEADER, "spoof"), (ROUTE_HEADER, "0.0"), ("x-forwarded-client-cert", xfcc.as_str())];
    host.request("billing", "/x", "GET", &spoof);
    let before = host.state.borrow().request_headers.clone();
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Continue);
    assert_eq!(host.state.borrow().request_headers, before, "Envoy's route strips them");
    assert_eq!(host.state.borrow().route_cache_cleared, 0);
    assert_eq!(host.counter("meshgate.tgw.allowed"), 1);
    host.set_property(&["connection", "uri_san_peer_certificate"], &format!("spiffe://{TD}/ns/default/dc/dc1/svc/api"));
    host.request("billing", "/x", "GET", &spoof);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    assert_eq!(host.reply_status(), Some(403));
}

/// The plan's `connection_headers` (a static `meshgate envoy` bootstrap, whose connection manager
/// writes both): the filter takes the server name from `x-meshgate-sni` and the peer from the one
/// `URI=` of `x-forwarded-client-cert` in the header map it reads anyway, reads no property, and
/// decides, counts and logs exactly as with the two property reads.
#[test]
fn connection_headers_replace_both_property_reads_and_decide_the_same() {
    let mut plan: serde_json::Value = serde_json::from_str(&plan_json("tgw", Mode::Enforce)).unwrap();
    let service = &mut plan["routes"]["services"][0];
    service["direct_cluster"] = service["cluster"].clone();
    let by_properties = MockHost::with_config(&plan.to_string());
    plan["connection_headers"] = true.into();
    let by_headers = MockHost::with_config(&plan.to_string());
    let (mut a, mut b) = (Root::default(), Root::default());
    assert!(a.configure(&by_properties, b"meshgate_http"), "{:?}", by_properties.state.borrow().logs);
    assert!(b.configure(&by_headers, b"meshgate_http"), "{:?}", by_headers.state.borrow().logs);
    let billing = sni("billing.default.dc1.internal");
    let uri = |svc: &str| format!("spiffe://{TD}/ns/default/dc/dc1/svc/{svc}");
    let (web, api) = (uri("web"), uri("api"));
    let by = format!("By={};Hash=0123", uri("billing"));
    let cases: [(&str, &[&str], &str); 8] = [
        (&billing, &[&web], "/x"),
        (&billing, &[&api], "/x"),
        (&billing, &[&web, &api], "/x"),
        (&billing, &[], "/x"),
        (&billing, &["spiffe://other.consul/ns/default/dc/dc1/svc/web"], "/x"),
        (&billing, &[&web], "/%2F"),
        ("", &[&web], "/x"),
        ("ledger.example", &[&web], "/x"),
    ];
    let mut outcomes = Vec::new();
    for (name, sans, path) in cases {
        let mut xfcc = by.clone();
        for s in sans.iter().copied().chain(sans.is_empty().then_some("")) {
            xfcc.push_str(&format!(";URI={s}"));
        }
        let headers = [("x-forwarded-client-cert", xfcc.as_str()), (SNI_HEADER, name)];
        by_properties.set_property(&["connection", "requested_server_name"], name);
        match sans.first() {
            Some(s) => by_properties.set_property(&["connection", "uri_san_peer_certificate"], s),
            None => {
                by_properties.state.borrow_mut().properties.remove("connection.uri_san_peer_certificate");
            }
        }
        let mut verdicts = Vec::new();
        for (root, host) in [(&a, &by_properties), (&b, &by_headers)] {
            host.request("billing", path, "GET", &headers);
            host.state.borrow_mut().logs.clear();
            let verdict = root.http_filter().on_request_headers(host);
            verdicts.push((verdict, host.reply_status(), host.reply_reason(), host.logs_at(Level::Warn)));
        }
        assert_eq!(verdicts[0], verdicts[1], "{name} {sans:?} {path}");
        outcomes.push(verdicts[0].1);
    }
    assert_eq!(outcomes, [None, Some(403), Some(403), Some(403), Some(403), Some(400), Some(403), Some(403)]);
    for name in ["allowed", "denied", "errors"] {
        let name = format!("meshgate.tgw.{name}");
        assert_eq!(by_properties.counter(&name), by_headers.counter(&name), "{name}");
    }
    assert!(by_headers.state.borrow().property_reads.is_empty(), "{:?}", by_headers.state.borrow().property_reads);
    assert_eq!(by_properties.state.borrow().property_reads.values().sum::<u32>(), 2 * cases.len() as u32);

    // A header that is not text (a SAN that is not UTF-8) is read as an unreadable property is:
    // a bad identity.
    let mut san = web.clone().into_bytes();
    san.push(0xff);
    let xfcc = [format!("{by};URI=").into_bytes(), san.clone()].concat();
    by_headers.raw_request(&[
        (b":authority", b"billing"),
        (b":path", b"/x"),
        (b":method", b"GET"),
        (b"x-forwarded-client-cert", &xfcc),
        (SNI_HEADER.as_bytes(), billing.as_bytes()),
    ]);
    assert_eq!(b.http_filter().on_request_headers(&by_headers), Verdict::Pause);
    by_properties.set_property(&["connection", "requested_server_name"], &billing);
    by_properties.set_property_bytes(&["connection", "uri_san_peer_certificate"], &san);
    by_properties.request("billing", "/x", "GET", &[]);
    assert_eq!(a.http_filter().on_request_headers(&by_properties), Verdict::Pause);
    assert_eq!(by_headers.reply_reason(), Some("bad-peer-identity".into()));
    assert_eq!(by_properties.reply_reason(), by_headers.reply_reason());
    assert!(by_headers.state.borrow().property_reads.is_empty());
}

#[test]
fn ports_arrive_as_little_endian_integers() {
    assert_eq!(port_of(&8080i64.to_le_bytes()), Some(8080));
    assert_eq!(port_of(&[1, 2]), None);
    assert_eq!(port_of(&(-1i64).to_le_bytes()), None);
}

#[test]
fn one_decision_in_timing_sample_is_timed() {
    let (root, host) = configured("ingress", "meshgate_http", Mode::Enforce);
    let n = 3 * TIMING_SAMPLE as usize + 1;
    for _ in 0..n {
        host.request("web.example.com", "/", "GET", &[]);
        root.http_filter().on_request_headers(&host);
    }
    let timed: usize = host.state.borrow().histograms.values().map(Vec::len).sum();
    assert_eq!(timed, 4, "decisions 0, 64, 128 and 192 of {n}");
}

// ------------------------------------------------------------ issue 15: hostile host data

#[test]
fn a_header_that_is_not_text_is_read_as_bytes_and_never_panics() {
    let (root, host) = configured("ingress", "meshgate_http", Mode::Enforce);
    // The adversarial round's repro: `x-a: \xff` (no rule reads x-a) passes untouched.
    host.raw_request(&[
        (b":authority", b"web.example.com"),
        (b":path", b"/page"),
        (b":method", b"GET"),
        (b"x-a", b"\xff"),
    ]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Continue);
    assert_eq!(host.reply_status(), None);
    assert_eq!(host.counter("meshgate.ingress.allowed"), 1);
    // A raw byte in :path is a bad path (HTTP/2 lets it through).
    host.raw_request(&[(b":authority", b"web.example.com"), (b":path", b"/\xffadmin"), (b":method", b"GET")]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    assert_eq!((host.reply_status(), host.reply_reason().as_deref()), (Some(400), Some("bad-path")));
    // A malformed map from the host is an error, refused, not a panic.
    host.request("web.example.com", "/page", "GET", &[]);
    host.state.borrow_mut().raw_request_headers = Some(vec![9, 0, 0, 0, 1]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    assert_eq!((host.reply_status(), host.reply_reason().as_deref()), (Some(500), Some("filter-error")));
    assert_eq!(host.counter("meshgate.ingress.errors"), 1);
    // And the next request is served as before.
    host.request("web.example.com", "/page", "GET", &[]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Continue);
}

#[test]
fn a_peer_uri_san_that_is_not_text_denies() {
    let (root, host) = configured("tgw", NETWORK_ROOT_ID, Mode::Enforce);
    host.set_property(&["connection", "requested_server_name"], &sni("billing.default.dc1.internal"));
    let mut san = format!("spiffe://{TD}/ns/default/dc/dc1/svc/web").into_bytes();
    san.push(0xff);
    host.set_property_bytes(&["connection", "uri_san_peer_certificate"], &san);
    let mut f = root.stream_filter();
    assert_eq!(f.on_new_connection(&host), Verdict::Continue);
    assert_eq!(f.on_downstream_data(&host), Verdict::Pause);
    assert!(host.state.borrow().closed);
    assert_eq!(host.counter("meshgate.tgw.denied"), 1);
    assert!(host.logs_at(Level::Warn).iter().any(|l| l.contains("reason=bad-peer-identity")));
}

#[test]
fn a_deny_flood_writes_a_bounded_number_of_lines_and_counts_every_request() {
    let (root, host) = configured("ingress", "meshgate_http", Mode::Enforce);
    let path = format!("/admin/secret/{}", "a".repeat(40_000));
    for _ in 0..1_000 {
        host.request("web.example.com", &path, "GET", &[]);
        assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    }
    assert_eq!(host.counter("meshgate.ingress.denied"), 1_000);
    let lines = host.logs_at(Level::Warn);
    assert_eq!(lines.len(), verdict::LOG_LINES_PER_SECOND as usize);
    let bytes: usize = lines.iter().map(String::len).sum();
    assert!(bytes < 20 * 4096, "{bytes} bytes of log for 1,000 denials of 40 KB paths");
    // A second later, the next line is preceded by what was suppressed.
    host.state.borrow_mut().now += 1_000_000_000;
    host.request("web.example.com", "/admin/secret", "GET", &[]);
    root.http_filter().on_request_headers(&host);
    let lines = host.logs_at(Level::Warn);
    let n = lines.len();
    assert!(lines[n - 2].starts_with("meshgate suppressed 980 log lines"), "{}", lines[n - 2]);
    assert!(lines[n - 1].starts_with("meshgate deny"), "{}", lines[n - 1]);
}

mod host_data {
    //! Arbitrary bytes from the host, through the mock, at every gateway kind: the filter never
    //! panics, always answers (a reply or a pass), and a legitimate request afterwards is served.
    use super::*;
    use proptest::prelude::*;

    fn bytes() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..24),
            Just(b"web.example.com".to_vec()),
            Just(b"/admin/secret".to_vec()),
            Just(b"GET".to_vec()),
        ]
    }

    fn name() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b":authority".to_vec()),
            Just(b":path".to_vec()),
            Just(b":method".to_vec()),
            Just(b"host".to_vec()),
            Just(ROUTING_HEADER.as_bytes().to_vec()),
            proptest::collection::vec(any::<u8>(), 0..12),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
        #[test]
        fn any_bytes_any_gateway(
            pairs in proptest::collection::vec((name(), bytes()), 0..8),
            server_name in bytes(),
            san in proptest::option::of(bytes()),
            key in prop_oneof![Just("ingress"), Just("tgw"), Just("mesh-gateway")],
        ) {
            let (root, host) = configured(key, "meshgate_http", Mode::Enforce);
            host.set_property_bytes(&["connection", "requested_server_name"], &server_name);
            if let Some(san) = &san {
                host.set_property_bytes(&["connection", "uri_san_peer_certificate"], san);
            }
            let refs: Vec<(&[u8], &[u8])> = pairs.iter().map(|(n, v)| (n.as_slice(), v.as_slice())).collect();
            host.raw_request(&refs);
            let v = root.http_filter().on_request_headers(&host);
            prop_assert_eq!(v == Verdict::Pause, host.reply_status().is_some());
            // Network filter, same bytes.
            let (root, host) = configured(key, NETWORK_ROOT_ID, Mode::Enforce);
            host.set_property_bytes(&["connection", "requested_server_name"], &server_name);
            if let Some(san) = &san {
                host.set_property_bytes(&["connection", "uri_san_peer_certificate"], san);
            }
            let mut f = root.stream_filter();
            f.on_new_connection(&host);
            f.on_downstream_data(&host);
        }
    }

    #[test]
    fn legitimate_traffic_after_garbage_is_served() {
        let (root, host) = configured("ingress", "meshgate_http", Mode::Enforce);
        for garbage in [&b"\xff"[..], b"\x00", b"\xc3\x28", b"\xf0\x28\x8c\x28"] {
            host.raw_request(&[
                (b":authority", garbage),
                (b":path", garbage),
                (b":method", garbage),
                (garbage, garbage),
            ]);
            root.http_filter().on_request_headers(&host);
            host.request("web.example.com", "/page", "GET", &[]);
            assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Continue);
        }
    }
}

#[test]
fn health_filters_answer_whether_the_vm_holds_a_plan() {
    let (root, host) = configured("ingress", HEALTH_HTTP_ROOT_ID, Mode::Enforce);
    assert_eq!(root.kind, FilterKind::HealthHttp);
    host.request("health", "/ready", "GET", &[]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    assert_eq!((host.reply_status(), host.reply_reason().as_deref()), (Some(200), Some("ready")));
    let body = host.state.borrow().reply.clone().unwrap().2;
    assert!(body.starts_with("ready: ingress plan "), "{body}");
    // No metric moves for a health check.
    assert_eq!(host.counter("meshgate.ingress.allowed"), 0);
    // Without a plan: 503, and a network health filter closes the connection.
    let host = MockHost::default();
    let mut root = Root::default();
    assert!(!root.configure(&host, HEALTH_HTTP_ROOT_ID.as_bytes()));
    host.request("health", "/ready", "GET", &[]);
    root.http_filter().on_request_headers(&host);
    assert_eq!(host.reply_status(), Some(503));
    let mut root = Root::default();
    assert!(!root.configure(&host, HEALTH_NETWORK_ROOT_ID.as_bytes()));
    assert_eq!(root.stream_filter().on_new_connection(&host), Verdict::Continue);
    assert!(host.state.borrow().closed);
    let (root, host) = configured("mesh-gateway", HEALTH_NETWORK_ROOT_ID, Mode::Enforce);
    assert_eq!(root.stream_filter().on_new_connection(&host), Verdict::Continue);
    assert!(!host.state.borrow().closed);
}

/// `(field << 3 | 2, len, bytes)`: one protobuf length-delimited field (short ones only).
fn pb(field: u8, bytes: &[u8]) -> Vec<u8> {
    assert!(bytes.len() < 128);
    let mut out = vec![field << 3 | 2, bytes.len() as u8];
    out.extend_from_slice(bytes);
    out
}

/// Dynamic metadata where jwt_authn verified `okta`'s token with `{"role": role}`.
fn verified(role: &str) -> Vec<u8> {
    let role_entry = [pb(1, b"role"), pb(2, &pb(3, role.as_bytes()))].concat();
    let payload = pb(1, &role_entry);
    let okta_entry = [pb(1, b"okta"), pb(2, &pb(5, &payload))].concat();
    let jwt_struct = pb(1, &okta_entry);
    pb(1, &[pb(1, b"envoy.filters.http.jwt_authn"), pb(2, &jwt_struct)].concat())
}

#[test]
fn jwt_requirements_are_decided_from_the_dynamic_metadata() {
    let ws = WS.replace(
        "Kind = \"service-intentions\"\nName = \"admin\"\n",
        "Kind = \"service-intentions\"\nName = \"admin\"\nJWT { Providers = [{ Name = \"okta\", VerifyClaims = [{ Path = [\"role\"], Value = \"admin\" }] }] }\n",
    );
    let ws = Workspace::load(ws.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t)));
    let c = meshgate_core::plan::compile(&ws, &Settings::default()).unwrap();
    let host = MockHost::with_config(&serde_json::to_string(&gateway_plan(&c, "ingress").unwrap()).unwrap());
    let mut root = Root::default();
    assert!(root.configure(&host, b"meshgate_http"));
    let ask = |metadata: Option<Vec<u8>>| {
        if let Some(m) = metadata {
            host.set_property_bytes(&["metadata"], &m);
        }
        host.request("web.example.com", "/admin/x", "GET", &[]);
        let v = root.http_filter().on_request_headers(&host);
        (v, host.reply_status(), host.reply_reason())
    };
    assert_eq!(ask(None), (Verdict::Pause, Some(401), Some("jwt-missing".into())));
    assert_eq!(ask(Some(verified("user"))), (Verdict::Pause, Some(403), Some("jwt-claims".into())));
    // Bytes that do not parse are nothing verified.
    assert_eq!(ask(Some(vec![0x0a, 0x7f])), (Verdict::Pause, Some(401), Some("jwt-missing".into())));
    assert_eq!(ask(Some(verified("admin"))).0, Verdict::Continue);
    // The metadata cannot be read: refused, never allowed.
    host.fail("get_property");
    assert_eq!(ask(None), (Verdict::Pause, Some(500), Some("filter-error".into())));
}

#[test]
fn allowed_counts_are_handed_over_a_batch_at_a_time_and_on_every_tick() {
    let (root, host) = configured("ingress", "meshgate_http", Mode::Enforce);
    host.state.borrow_mut().counter_batch = 4;
    let allowed = |n: usize| {
        for _ in 0..n {
            host.request("web.example.com:8080", "/page", "GET", &[]);
            assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Continue);
        }
    };
    allowed(3);
    assert_eq!(host.counter("meshgate.ingress.allowed"), 0, "gathered, not yet handed over");
    allowed(1);
    assert_eq!(host.counter("meshgate.ingress.allowed"), 4, "a full batch");
    allowed(2);
    // A denial is counted at once, and leaves the gathered counts alone.
    host.request("web.example.com:8080", "/admin/secret", "GET", &[]);
    assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Pause);
    assert_eq!(host.counter("meshgate.ingress.denied"), 1);
    assert_eq!(host.counter("meshgate.ingress.allowed"), 4);
    root.on_tick(&host);
    assert_eq!(host.counter("meshgate.ingress.allowed"), 6, "the tick hands over the rest");
    root.on_tick(&host);
    assert_eq!(host.counter("meshgate.ingress.allowed"), 6, "and only once");
    // Counts for another metric (a new plan's) first hand over the old metric's.
    let id = root.state().unwrap().metrics.allowed.unwrap();
    allowed(1);
    root.shared.count_allowed(&host, id + 100);
    assert_eq!(host.counter("meshgate.ingress.allowed"), 7);
    assert_eq!(host.state.borrow().counters.get(&(id + 100)), None);
    root.on_tick(&host);
    assert_eq!(host.state.borrow().counters.get(&(id + 100)), Some(&1));
}

#[test]
fn a_host_that_does_not_batch_counts_each_decision_at_once() {
    let (root, host) = configured("ingress", "meshgate_http", Mode::Enforce);
    for n in 1..=3 {
        host.request("web.example.com:8080", "/page", "GET", &[]);
        assert_eq!(root.http_filter().on_request_headers(&host), Verdict::Continue);
        assert_eq!(host.counter("meshgate.ingress.allowed"), n);
    }
}
