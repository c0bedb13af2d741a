//! The gateway runtime's common path allocates nothing: routing a TLS connection by SNI, checking a
//! peer's SPIFFE ID, routing an HTTP request and checking its L7 intentions (a counting allocator
//! around each decision; issue 6's "no per-request allocation in core's hot path").

// Tests may panic on setup failures; the lint is for shipped code.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use meshgate_core::gateway::memo::ConnMemo;
use meshgate_core::gateway::{ConnAction, Connection, GatewayIndex, HttpAction, RequestHead, Tally};
use meshgate_core::plan::gateways::gateway_plan;
use meshgate_core::settings::Settings;
use meshgate_core::workspace::{InputFile, Workspace};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: delegates every call to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = f();
    (r, ALLOCATIONS.with(Cell::get) - before)
}

const WS: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "mesh-gateway-dc2" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.0.2" port = 8443 }
---
service { name = "tgw" kind = "terminating-gateway" port = 9443 }
---
service { name = "ingress" kind = "ingress-gateway" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = 8080 }
---
service { name = "billing" address = "127.0.0.1" port = 9000 }
---
Kind = "service-defaults"
Name = "web"
Protocol = "http"
---
Kind = "service-router"
Name = "web"
Routes = [{ Match { HTTP { PathPrefix = "/api", Header = [{ Name = "x-v", Exact = "2" }] } } Destination { Service = "web" } }]
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web", Hosts = ["web.example.com", "*.web.example.com"] }] }]
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
Name = "web"
Sources = [{ Name = "ingress", Permissions = [
  { Action = "deny", HTTP { PathPrefix = "/admin" } },
  { Action = "allow", HTTP { PathPrefix = "/", Methods = ["GET"] } },
] }]
"#;

fn index(key: &str) -> GatewayIndex {
    let files = WS.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    assert!(!ws.has_errors(), "{:?}", ws.resolved_diagnostics());
    let c = meshgate_core::plan::compile(&ws, &Settings::default()).unwrap();
    GatewayIndex::new(&gateway_plan(&c, key).unwrap()).unwrap()
}

const TD: &str = "11111111-2222-3333-4444-555555555555.consul";

#[test]
fn decisions_on_the_common_path_do_not_allocate() {
    let mesh = index("mesh-gateway");
    let tgw = index("tgw");
    let ingress = index("ingress");
    let exact = format!("web.default.dc1.internal.{TD}");
    let wildcard = format!("web.default.dc2.internal.{TD}");
    let upper = format!("WEB.default.DC1.internal.{TD}");
    let billing = format!("billing.default.dc1.internal.{TD}");
    let peer = format!("spiffe://{TD}/ns/default/dc/dc1/svc/web");
    let headers = [("user-agent", "wrk"), ("x-v", "2"), ("accept", "*/*")];

    for name in [&exact, &wildcard, &upper] {
        let (cluster, n) = allocations(|| mesh.route_sni(name).cluster().map(str::len));
        assert!(cluster.is_some());
        assert_eq!(n, 0, "route_sni({name})");
    }
    let (allowed, n) = allocations(|| {
        let d = tgw.route_sni(&billing);
        tgw.authorize_connection(Some(&peer), &d).allowed
    });
    assert!(allowed);
    assert_eq!(n, 0, "authorize_connection");
    let requests =
        [("web.example.com", "/page"), ("A.web.example.com:8080", "/api/items?x=1"), ("web.example.com", "/admin/x")];
    for (authority, path) in requests {
        let (outcome, n) = allocations(|| {
            let r = ingress.route_request(None, authority, path, "GET", &headers, 7);
            let a = ingress.authorize_request(&r, "GET", &headers, None);
            (r.cluster().is_some(), a.allowed)
        });
        assert!(outcome.0, "{authority}{path}");
        assert_eq!(outcome.1, !path.starts_with("/admin"), "{authority}{path}");
        assert_eq!(n, 0, "route_request + authorize_request({authority}{path})");
    }
    // The whole answer the filter acts on, from the host's bytes: reading the pairs costs one
    // vector for the regular headers; deciding and the allowed verdict cost nothing more.
    let pairs: [(&[u8], &[u8]); 6] = [
        (b":authority", b"web.example.com"),
        (b":path", b"/page"),
        (b":method", b"GET"),
        (b"user-agent", b"wrk"),
        (b"x-v", b"2"),
        (b"accept", b"*/*"),
    ];
    let (head, n) = allocations(|| RequestHead::from_pairs(pairs));
    assert_eq!(n, 1, "RequestHead::from_pairs");
    let (verdict, n) = allocations(|| {
        let v = ingress.decide_http(&head, &Connection::default(), 7, &mut |_| true);
        (v.tally, matches!(v.action, HttpAction::Forward(_)))
    });
    assert_eq!(verdict, (Tally::Allowed, true));
    assert_eq!(n, 0, "decide_http");
    let (action, n) = allocations(|| {
        let v = tgw.decide_peer(billing.as_bytes(), Some(peer.as_bytes()), &mut |_| true);
        v.action
    });
    assert_eq!(action, ConnAction::Continue);
    assert_eq!(n, 0, "decide_peer");
    let (action, n) = allocations(|| mesh.decide_connection(exact.as_bytes(), None, 0, &mut |_| true).action);
    assert!(matches!(action, ConnAction::Route { authorize: false, .. }));
    assert_eq!(n, 0, "decide_connection");
}

/// A terminating gateway whose plan reads the connection facts from the headers Envoy writes
/// (`connection_headers`, as `meshgate envoy` marks it): the server name from `x-meshgate-sni`,
/// the peer from the client-certificate header's one `URI=`. An allowed request allocates nothing
/// there either; `/admin` is denied by the permission for `web`, the peer the header names.
#[test]
fn terminating_decisions_from_connection_headers_do_not_allocate() {
    let text = [
        r#"service { name = "tgw" kind = "terminating-gateway" port = 9443 }"#,
        r#"service { name = "billing" address = "127.0.0.1" port = 9000 }"#,
        "Kind = \"service-defaults\"\nName = \"billing\"\nProtocol = \"http\"",
        "Kind = \"terminating-gateway\"\nName = \"tgw\"\nServices = [{ Name = \"billing\" }]",
        "Kind = \"service-intentions\"\nName = \"billing\"\nSources = [{ Name = \"web\", Permissions = [{ Action = \"deny\", HTTP { PathPrefix = \"/admin\" } }, { Action = \"allow\", HTTP { PathPrefix = \"/\" } }] }]",
    ];
    let files = text.iter().enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), *t));
    let ws = Workspace::load(files);
    assert!(!ws.has_errors(), "{:?}", ws.resolved_diagnostics());
    let c = meshgate_core::plan::compile(&ws, &Settings::default()).unwrap();
    let mut plan = gateway_plan(&c, "tgw").unwrap();
    meshgate_core::envoy::traffic::mark_direct_routes(&mut plan, true);
    assert!(plan.connection_headers);
    let tgw = GatewayIndex::new(&plan).unwrap();

    let sni = format!("billing.default.dc1.internal.{TD}");
    let xfcc = format!(
        "By=spiffe://{TD}/ns/default/dc/dc1/svc/billing;Hash=0123abcd;URI=spiffe://{TD}/ns/default/dc/dc1/svc/web"
    );
    for (path, allowed) in [("/api/items", true), ("/admin", false)] {
        let pairs: [(&[u8], &[u8]); 6] = [
            (b":authority", b"billing"),
            (b":path", path.as_bytes()),
            (b":method", b"GET"),
            (b"x-meshgate-sni", sni.as_bytes()),
            (b"x-forwarded-client-cert", xfcc.as_bytes()),
            (b"user-agent", b"wrk"),
        ];
        let head = RequestHead::from_pairs(pairs);
        let (verdict, n) = allocations(|| {
            let v = tgw.decide_http(&head, &Connection::default(), 7, &mut |_| false);
            (v.tally, matches!(v.action, HttpAction::Forward(_)))
        });
        let expected = if allowed { (Tally::Allowed, true) } else { (Tally::Denied, false) };
        assert_eq!(verdict, expected, "{path}");
        // A denial writes its reply (reason, body); the allowed verdict costs nothing.
        if allowed {
            assert_eq!(n, 0, "decide_http({path}) from the connection headers");
        }
        // As the filter decides, with its worker's memo: the first request keeps copies of the
        // name and the header; once kept, a request on the same connection allocates nothing.
        let mut memo = ConnMemo::default();
        for round in 0..3 {
            let (v, n) = allocations(|| {
                let v = tgw.decide_http_remembering(&head, &Connection::default(), 7, &mut |_| false, &mut memo);
                (v.tally, matches!(v.action, HttpAction::Forward(_)))
            });
            assert_eq!(v, expected, "{path}, remembered, round {round}");
            if allowed && round > 0 {
                assert_eq!(n, 0, "decide_http_remembering({path}), round {round}");
            }
        }
    }
}

/// Regex matches (PathRegex, header and query `Regex`) allocate nothing either, for programs up to
/// 128 instructions, whatever the pattern's shape.
#[test]
fn regex_matches_do_not_allocate() {
    let long = "a".repeat(300);
    for (pattern, text, want) in [
        ("/api/v[0-9]+(/.*)?", "/api/v2/users", true),
        ("(?i)^prod(uction)?$", "PRODUCTION", true),
        ("(a*)*b", long.as_str(), false),
        ("[a-z0-9-]+\\.example\\.com", "shop-1.example.com", true),
        ("exact/literal", "exact/literal", true),
        (".*\\bword\\b.*", "a word here", true),
    ] {
        let r = meshgate_core::re2::compile(pattern, false, true).unwrap();
        let (matched, n) = allocations(|| r.is_match(text));
        assert_eq!(matched, want, "{pattern} on {text}");
        assert_eq!(n, 0, "{pattern}");
    }
}
