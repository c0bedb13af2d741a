//! Unit tests of the chain compiler: target ids, redirects, cycles, flattening, protocol rules.
//! The fixture corpus (tests/corpus/discovery-chain) covers whole scenarios.

use super::*;
use crate::decode::Cx;
use crate::diag::{Code, Diagnostic, Severity};
use crate::plan::protocols::Protocols;
use crate::settings::Settings;
use crate::workspace::{InputFile, Workspace};

/// One file per entry: `text` is split at lines holding `---`; file `n.hcl` is the n-th part.
fn workspace(text: &str) -> Workspace {
    if text.is_empty() {
        return Workspace::default();
    }
    let files = text.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    assert!(!ws.has_errors(), "{:?}", ws.diagnostics);
    ws
}

fn compile(text: &str, service: &str) -> (DiscoveryChain, Vec<Diagnostic>) {
    let ws = workspace(text);
    let mut cx = Cx::new();
    let chain = compile_chain(&ws, &Settings::default(), &Protocols::new(&ws), service, "", "", &mut cx);
    (chain, cx.diags)
}

fn codes(diags: &[Diagnostic]) -> Vec<Code> {
    diags.iter().map(|d| d.code).collect()
}

const HTTP: &str = r#"
Kind     = "proxy-defaults"
Name     = "global"
Config { protocol = "http" }
---"#;

#[test]
fn target_ids_follow_consuls_format() {
    assert_eq!(target_id("web", "", "", "", "dc1", ""), "web.default.default.dc1");
    assert_eq!(target_id("web", "v2", "ns1", "ap1", "dc2", ""), "v2.web.ns1.ap1.dc2");
    assert_eq!(target_id("web", "", "", "", "", "cluster-02"), "web.default.default.external.cluster-02");
    assert_eq!(crate::identity::ServiceId::new("web", "", "default").dotted(), "web.default.default");
}

#[test]
fn a_service_without_entries_gets_the_default_chain() {
    let (chain, diags) = compile("", "web");
    assert!(diags.is_empty(), "{diags:?}");
    assert!(chain.default);
    assert_eq!(chain.start_node, "resolver:web.default.default.dc1");
    assert_eq!(chain.nodes.len(), 1);
    let t = &chain.targets[0];
    assert_eq!(t.sni, "web.default.dc1.internal.11111111-2222-3333-4444-555555555555.consul");
    assert_eq!(t.connect_timeout.go_string(), "5s");
    assert_eq!(t.mesh_gateway, GatewayMode::Default);
    assert!(t.origin.is_none());
}

#[test]
fn redirects_resolve_transitively_and_keep_their_origin() {
    let (chain, diags) = compile(
        r#"
Kind = "service-resolver"
Name = "web"
Redirect { Service = "api" }
---
Kind = "service-resolver"
Name = "api"
Redirect {
  Service    = "api-v2"
  Datacenter = "dc2"
}
"#,
        "web",
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert!(!chain.default);
    assert_eq!(chain.start_node, "resolver:api-v2.default.default.dc2");
    assert_eq!(chain.targets.len(), 1, "intermediate hops are not targets");
    let origin = chain.targets[0].origin.as_ref().unwrap();
    assert_eq!(origin.to_string(), "1.hcl:3:10");
}

#[test]
fn a_redirect_cycle_is_reported_with_the_cycle_and_not_followed() {
    let text = r#"
Kind = "service-resolver"
Name = "web"
Redirect { Service = "api" }
---
Kind = "service-resolver"
Name = "api"
Redirect { Service = "web" }
"#;
    let (chain, diags) = compile(text, "web");
    assert_eq!(codes(&diags), [Code::ChainCycle]);
    assert_eq!(
        diags[0].message,
        "circular resolver redirect: web.default.default.dc1 -> api.default.default.dc1 -> web.default.default.dc1"
    );
    assert_eq!(chain.start_node, "resolver:api.default.default.dc1");
}

#[test]
fn a_splitter_cycle_is_reported_and_broken_at_the_split_that_closes_it() {
    let text = format!(
        r#"{HTTP}
Kind   = "service-splitter"
Name   = "web"
Splits = [{{ Weight = 100, Service = "api" }}]
---
Kind   = "service-splitter"
Name   = "api"
Splits = [{{ Weight = 100, Service = "web" }}]
"#
    );
    let (chain, diags) = compile(&text, "web");
    assert_eq!(codes(&diags), [Code::ChainCycle]);
    assert!(
        diags[0].message.ends_with(
            "a cycle of splitters: splitter:web.default.default -> splitter:api.default.default -> splitter:web.default.default"
        ),
        "{}",
        diags[0].message
    );
    let weighted = chain.weighted_targets(&chain.start_node);
    assert_eq!(weighted.len(), 1);
    assert_eq!(weighted[0].target.id, "web.default.default.dc1");
}

#[test]
fn nested_splitters_are_flattened_and_weights_multiply() {
    let text = format!(
        r#"{HTTP}
Kind   = "service-splitter"
Name   = "web"
Splits = [
  {{ Weight = 50, Service = "api" }},
  {{ Weight = 50 }},
]
---
Kind   = "service-splitter"
Name   = "api"
Splits = [
  {{ Weight = 33.33, Service = "api" }},
  {{ Weight = 66.67, Service = "api-v2" }},
]
"#
    );
    let (chain, diags) = compile(&text, "web");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(chain.nodes.len(), 4, "the inner splitter is no longer reachable: {:#?}", chain.nodes);
    let weighted: Vec<(String, f64)> =
        chain.weighted_targets(&chain.start_node).iter().map(|w| (w.target.id.clone(), w.weight())).collect();
    assert_eq!(
        weighted,
        [
            ("api.default.default.dc1".to_string(), 16.67),
            ("api-v2.default.default.dc1".to_string(), 33.34),
            ("web.default.default.dc1".to_string(), 50.0),
        ]
    );
    let Some(Node::Splitter(s)) = chain.node(&chain.start_node) else { panic!("{:#?}", chain.nodes) };
    assert_eq!(s.splits[0].via.len(), 1, "a flattened split remembers the outer split");
}

#[test]
fn a_subset_reference_bypasses_the_splitter() {
    let text = format!(
        r#"{HTTP}
Kind = "service-router"
Name = "web"
Routes = [{{ Match {{ HTTP {{ PathPrefix = "/v1" }} }}, Destination {{ ServiceSubset = "v1" }} }}]
---
Kind   = "service-splitter"
Name   = "web"
Splits = [{{ Weight = 100, ServiceSubset = "v2" }}]
---
Kind    = "service-resolver"
Name    = "web"
Subsets = {{ v1 = {{ Filter = "Service.Meta.v == 1" }}, v2 = {{ Filter = "Service.Meta.v == 2" }} }}
"#
    );
    let (chain, diags) = compile(&text, "web");
    assert!(diags.is_empty(), "{diags:?}");
    let Some(Node::Router(r)) = chain.node(&chain.start_node) else { panic!() };
    assert_eq!(r.routes[0].next_node, "resolver:v1.web.default.default.dc1");
    assert_eq!(r.routes[1].next_node, "splitter:web.default.default");
    assert!(r.routes[1].catch_all);
}

#[test]
fn routers_need_an_http_like_protocol() {
    let text = r#"
Kind = "service-router"
Name = "web"
"#;
    let (chain, diags) = compile(text, "web");
    assert_eq!(codes(&diags), [Code::ProtocolMismatch]);
    assert!(diags[0].message.contains("speaks tcp (the default"), "{}", diags[0].message);
    assert_eq!(chain.start_node, "resolver:web.default.default.dc1", "compiled without the router");
}

#[test]
fn every_service_in_the_chain_speaks_its_protocol() {
    let text = r#"
Kind     = "service-defaults"
Name     = "web"
Protocol = "http"
---
Kind     = "service-defaults"
Name     = "api"
Protocol = "http2"
---
Kind   = "service-splitter"
Name   = "web"
Splits = [{ Weight = 50 }, { Weight = 50, Service = "api" }]
"#;
    let (_, diags) = compile(text, "web");
    assert_eq!(codes(&diags), [Code::ProtocolMismatch]);
    assert!(diags[0].message.starts_with("split #2 of service-splitter `web`"), "{}", diags[0].message);
}

#[test]
fn a_splitter_without_a_router_takes_the_protocol_of_the_first_service_it_resolves() {
    // `web` has no protocol of its own (tcp by default), but Consul's compiler records only the
    // services it resolves: both legs are http, so the chain is http and the splitter applies.
    let text = r#"
Kind     = "service-defaults"
Name     = "web-v1"
Protocol = "http"
---
Kind     = "service-defaults"
Name     = "web-v2"
Protocol = "http"
---
Kind   = "service-splitter"
Name   = "web"
Splits = [{ Weight = 90, Service = "web-v1" }, { Weight = 10, Service = "web-v2" }]
"#;
    let (chain, diags) = compile(text, "web");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(chain.protocol, Protocol::Http);
    assert!(chain.protocol_source.starts_with("taken from `web-v1`"), "{}", chain.protocol_source);
    assert_eq!(chain.start_node, "splitter:web.default.default");
}

#[test]
fn a_splitter_leg_back_to_its_own_tcp_service_mixes_protocols() {
    let text = r#"
Kind     = "service-defaults"
Name     = "web-v2"
Protocol = "http"
---
Kind   = "service-splitter"
Name   = "web"
Splits = [{ Weight = 90, Service = "web-v2" }, { Weight = 10 }]
"#;
    let (_, diags) = compile(text, "web");
    assert_eq!(codes(&diags), [Code::ProtocolMismatch]);
    assert!(diags[0].message.starts_with("split #2 of service-splitter `web`"), "{}", diags[0].message);
    assert!(diags[0].message.contains("to `web`, which speaks tcp"), "{}", diags[0].message);
    assert!(
        diags[0].notes[0].starts_with("the discovery chain of `web` speaks http (taken from `web-v2`"),
        "{:?}",
        diags[0].notes
    );
}

#[test]
fn a_splitter_whose_first_service_is_tcp_needs_http() {
    // The first leg decides, depth first through a nested splitter: `api`'s splitter sends to
    // `api` itself, which speaks tcp, so the chain is tcp and its splitter is refused.
    let text = r#"
Kind     = "service-defaults"
Name     = "web-v2"
Protocol = "http"
---
Kind   = "service-splitter"
Name   = "web"
Splits = [{ Weight = 50, Service = "api" }, { Weight = 50, Service = "web-v2" }]
---
Kind   = "service-splitter"
Name   = "api"
Splits = [{ Weight = 100 }]
"#;
    let (chain, diags) = compile(text, "web");
    assert_eq!(codes(&diags), [Code::ProtocolMismatch]);
    // `web` speaks tcp as well, so the message names `web`'s own source.
    assert!(diags[0].message.contains("but `web` speaks tcp (the default"), "{}", diags[0].message);
    assert!(diags[0].notes[0].starts_with("Consul refuses this entry"), "{:?}", diags[0].notes);
    assert_eq!(chain.protocol, Protocol::Tcp);
    assert_eq!(chain.start_node, "resolver:web.default.default.dc1", "compiled without splitters");
}

#[test]
fn a_splitter_on_a_service_with_its_own_http_protocol_is_checked_against_it() {
    // With a router, the chain's own service decides, whatever the splits resolve first.
    let text = r#"
Kind     = "service-defaults"
Name     = "web"
Protocol = "http"
---
Kind   = "service-router"
Name   = "web"
---
Kind   = "service-splitter"
Name   = "web"
Splits = [{ Weight = 50, Service = "api" }, { Weight = 50 }]
"#;
    let (chain, diags) = compile(text, "web");
    assert_eq!(chain.protocol, Protocol::Http);
    assert_eq!(codes(&diags), [Code::ProtocolMismatch]);
    assert!(diags[0].message.contains("to `api`, which speaks tcp"), "{}", diags[0].message);
}

#[test]
fn a_service_defaults_without_protocol_is_tcp_to_the_chain_compiler_whatever_proxy_defaults_says() {
    // Consul's compiler takes a service's protocol from its service-defaults entry when there is
    // one, even one without `Protocol` (hashicorp/consul#11457): this router is refused.
    let text = format!(
        r#"{HTTP}
Kind = "service-defaults"
Name = "web"
MeshGateway {{ Mode = "local" }}
---
Kind = "service-router"
Name = "web"
"#
    );
    let (chain, diags) = compile(&text, "web");
    assert_eq!(codes(&diags), [Code::ProtocolMismatch]);
    assert!(
        diags[0].message.contains("but `web` speaks tcp (service-defaults at 1.hcl:1:1 sets no Protocol"),
        "{}",
        diags[0].message
    );
    assert!(diags[0].message.contains("hashicorp/consul#11457"), "{}", diags[0].message);
    assert_eq!(chain.protocol, Protocol::Tcp);

    // Without the service-defaults entry, proxy-defaults decides.
    let text = format!("{HTTP}\nKind = \"service-router\"\nName = \"web\"\n");
    let (chain, diags) = compile(&text, "web");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(chain.protocol, Protocol::Http);
}

#[test]
fn a_missing_subset_points_at_the_field_that_asked() {
    let text = format!(
        r#"{HTTP}
Kind = "service-router"
Name = "web"
Routes = [{{ Destination {{ Service = "api", ServiceSubset = "v3" }} }}]
---
Kind    = "service-resolver"
Name    = "api"
Subsets = {{ v2 = {{ Filter = "Service.Meta.v == 2" }} }}
"#
    );
    let ws = workspace(&text);
    let mut cx = Cx::new();
    compile_chain(&ws, &Settings::default(), &Protocols::new(&ws), "web", "", "", &mut cx);
    assert_eq!(codes(&cx.diags), [Code::MissingReference]);
    let loc = ws.sources.location(cx.diags[0].span.unwrap()).unwrap();
    assert_eq!(loc.to_string(), "1.hcl:3:60");
    assert_eq!(cx.diags[0].notes, ["help: did you mean `v2`?"]);
}

#[test]
fn failover_is_one_level_deep_and_skips_itself() {
    let text = r#"
Kind = "service-resolver"
Name = "web"
Failover = { "*" = { Datacenters = ["dc1", "dc2"] } }
---
Kind = "service-resolver"
Name = "api"
Failover = { "*" = { Service = "web" } }
"#;
    let (chain, diags) = compile(text, "web");
    assert!(diags.is_empty(), "{diags:?}");
    let Some(Node::Resolver(r)) = chain.node(&chain.start_node) else { panic!() };
    let f = r.failover.as_ref().unwrap();
    assert_eq!(f.targets, ["web.default.default.dc2"], "dc1 is the target itself");
    assert_eq!(chain.nodes.len(), 1, "failover targets are not nodes");
    assert_eq!(chain.targets.len(), 2);
}

#[test]
fn compile_all_covers_named_services_and_reports_once() {
    let text = r#"
Kind = "service-resolver"
Name = "web"
Redirect { Service = "api" }
---
Kind = "service-resolver"
Name = "api"
Redirect { Service = "web" }
---
Kind = "service-intentions"
Name = "billing"
Sources = [{ Name = "web", Action = "allow" }]
---
Kind = "service-intentions"
Name = "*"
Sources = [{ Name = "web", Action = "deny" }]
"#;
    let ws = workspace(text);
    let mut cx = Cx::new();
    let chains = compile_all(
        &ws,
        &crate::workspace::Entries::new(&ws, "default"),
        &Settings::default(),
        &Protocols::new(&ws),
        &mut cx,
    );
    let names: Vec<&str> = chains.iter().map(|c| c.service.as_str()).collect();
    assert_eq!(names, ["api", "billing", "web"]);
    // Both chains run into the cycle; it is one problem, and a different redirect closes it in
    // each, so each closing redirect is reported once.
    assert_eq!(codes(&cx.diags), [Code::ChainCycle, Code::ChainCycle]);
}

const GROUP: &str = r#"
Kind         = "sameness-group"
Name         = "prod"
IncludeLocal = true
Members = [
  { Partition = "default" },
  { Partition = "ap2" },
  { Peer = "dc2-west" },
]
---"#;

fn failover_of(chain: &DiscoveryChain) -> Failover {
    let Some(Node::Resolver(r)) = chain.node(&chain.start_node) else { panic!("no resolver node") };
    r.failover.clone().expect("a failover")
}

#[test]
fn a_sameness_group_failover_lists_the_members_in_order() {
    let text = format!(
        "{GROUP}\nKind = \"service-resolver\"\nName = \"web\"\nFailover = {{ \"*\" = {{ SamenessGroup = \"prod\" }} }}\n"
    );
    let (chain, diags) = compile(&text, "web");
    // The peer's trust domain is not in the default settings.
    assert_eq!(codes(&diags), [Code::UnknownPeerTrustDomain], "{diags:?}");
    let f = failover_of(&chain);
    assert_eq!(f.sameness_group, "prod");
    // The local partition (first, with IncludeLocal) is the primary target itself.
    assert_eq!(f.targets, ["web.default.ap2.dc1", "web.default.default.external.dc2-west"]);
    let ap2 = chain.targets.iter().find(|t| t.id == "web.default.ap2.dc1").expect("ap2's target");
    assert_eq!((ap2.partition.as_str(), ap2.datacenter.as_str(), ap2.peer.as_str()), ("ap2", "dc1", ""));
    assert_eq!(ap2.sni, "web.default.ap2.dc1.internal-v1.11111111-2222-3333-4444-555555555555.consul");
    assert!(ap2.origin.as_ref().is_some_and(|o| o.to_string() == "0.hcl:7:3"), "{:?}", ap2.origin);
    let peer = chain.targets.iter().find(|t| t.peer == "dc2-west").expect("the peer's target");
    assert_eq!(peer.datacenter, "");
    // The peer's name for this cluster (no LocalName: the local datacenter), then its trust domain.
    assert!(peer.sni.starts_with("web.default.default.dc1.external."), "{}", peer.sni);
}

#[test]
fn with_a_known_peer_trust_domain_the_peer_target_has_its_sni() {
    let text = format!(
        "{GROUP}\nKind = \"service-resolver\"\nName = \"web\"\nFailover = {{ \"*\" = {{ SamenessGroup = \"prod\" }} }}\n"
    );
    let ws = workspace(&text);
    let mut settings = Settings::default();
    settings.peer_trust_domains.insert("dc2-west".into(), "aaaa.consul".into());
    let mut cx = Cx::new();
    let chain = compile_chain(&ws, &settings, &Protocols::new(&ws), "web", "", "", &mut cx);
    assert!(cx.diags.is_empty(), "{:?}", cx.diags);
    let peer = chain.targets.iter().find(|t| t.peer == "dc2-west").expect("the peer's target");
    assert_eq!(peer.sni, "web.default.default.dc1.external.aaaa.consul");
}

#[test]
fn default_for_failover_applies_to_services_without_their_own_failover() {
    let group = GROUP.replace("IncludeLocal = true", "IncludeLocal = true\nDefaultForFailover = true");
    // No resolver at all.
    let (chain, diags) = compile(&group.replace("\n---", ""), "api");
    assert_eq!(codes(&diags), [Code::UnknownPeerTrustDomain], "{diags:?}");
    let f = failover_of(&chain);
    assert_eq!((f.key.as_str(), f.sameness_group.as_str()), ("*", "prod"));
    assert_eq!(f.targets, ["api.default.ap2.dc1", "api.default.default.external.dc2-west"]);
    assert_eq!(f.origin.to_string(), "0.hcl:5:22", "the group's DefaultForFailover");
    assert!(!chain.default, "a failover is not the default chain");
    // A resolver without failover.
    let text = format!("{group}\nKind = \"service-resolver\"\nName = \"api\"\nConnectTimeout = \"3s\"\n");
    let (chain, _) = compile(&text, "api");
    assert_eq!(failover_of(&chain).targets.len(), 2);
    // A resolver's own failover wins.
    let text =
        format!("{group}\nKind = \"service-resolver\"\nName = \"api\"\nFailover = {{ \"*\" = {{ Datacenters = [\"dc3\"] }} }}\n");
    let (chain, diags) = compile(&text, "api");
    assert!(diags.is_empty(), "{diags:?}");
    let f = failover_of(&chain);
    assert_eq!(
        (f.targets.as_slice(), f.sameness_group.as_str()),
        (["api.default.default.dc3".to_string()].as_slice(), "")
    );
    // Without DefaultForFailover, no failover.
    let (chain, _) = compile(&GROUP.replace("\n---", ""), "api");
    let Some(Node::Resolver(r)) = chain.node(&chain.start_node) else { panic!() };
    assert!(r.failover.is_none());
}

/// `Redirect.SamenessGroup`: the service resolves in the group's first member and fails over to
/// the others, in member order.
#[test]
fn a_redirect_to_a_sameness_group_resolves_in_its_first_member_and_fails_over_to_the_rest() {
    // The local partition first (IncludeLocal): the target stays, the rest are its failover.
    let text =
        format!("{GROUP}\nKind = \"service-resolver\"\nName = \"web\"\nRedirect = {{ SamenessGroup = \"prod\" }}\n");
    let (chain, diags) = compile(&text, "web");
    assert_eq!(codes(&diags), [Code::UnknownPeerTrustDomain], "{diags:?}");
    let Some(Node::Resolver(r)) = chain.node(&chain.start_node) else { panic!("no resolver node") };
    assert_eq!(r.target, "web.default.default.dc1");
    let f = failover_of(&chain);
    assert_eq!((f.key.as_str(), f.sameness_group.as_str()), ("*", "prod"));
    assert_eq!(f.targets, ["web.default.ap2.dc1", "web.default.default.external.dc2-west"]);
    assert_eq!(f.origin.to_string(), "1.hcl:3:30", "the redirect's SamenessGroup");
    // Another service, in a group whose first member is another partition.
    let group = "Kind = \"sameness-group\"\nName = \"east\"\nMembers = [{ Partition = \"ap2\" }, { Partition = \"ap3\" }]\n---\n";
    let text = format!("{group}Kind = \"service-resolver\"\nName = \"web\"\nRedirect = {{ Service = \"api\", SamenessGroup = \"east\" }}\n");
    let (chain, diags) = compile(&text, "web");
    assert!(diags.is_empty(), "{diags:?}");
    let Some(Node::Resolver(r)) = chain.node(&chain.start_node) else { panic!("no resolver node") };
    assert_eq!(r.target, "api.default.ap2.dc1");
    assert_eq!(failover_of(&chain).targets, ["api.default.ap3.dc1"]);
    let first = chain.targets.iter().find(|t| t.id == "api.default.ap2.dc1").expect("the first member's target");
    assert!(first.origin.as_ref().is_some_and(|o| o.to_string() == "0.hcl:3:12"), "{:?}", first.origin);
    // An undefined group: W0404, and the redirect names no other place.
    let text = "Kind = \"service-resolver\"\nName = \"web\"\nRedirect = { SamenessGroup = \"nope\" }\n";
    let (chain, diags) = compile(text, "web");
    assert_eq!(codes(&diags), [Code::UnknownSamenessGroup]);
    assert_eq!(chain.targets.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["web.default.default.dc1"]);
}

#[test]
fn an_unknown_sameness_group_adds_no_targets_and_warns() {
    let text = "Kind = \"service-resolver\"\nName = \"web\"\nFailover = { \"*\" = { SamenessGroup = \"nope\" } }\n";
    let (chain, diags) = compile(text, "web");
    assert_eq!(codes(&diags), [Code::UnknownSamenessGroup]);
    assert!(diags[0].message.contains("`nope` is not defined in partition `default`"), "{}", diags[0].message);
    let f = failover_of(&chain);
    assert!(f.targets.is_empty());
    assert_eq!(f.sameness_group, "nope");
}

#[test]
fn an_ingress_listener_takes_only_services_whose_chain_speaks_its_protocol() {
    let text = r#"
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  { Port = 8080, Protocol = "http", Services = [{ Name = "web" }, { Name = "api" }, { Name = "*" }] },
  { Port = 8081, Protocol = "http", Services = [{ Name = "www" }] },
  { Port = 9090, Protocol = "tcp", Services = [{ Name = "db" }] },
  { Port = 9091, Protocol = "tcp", Services = [{ Name = "api" }] },
  { Port = 9092, Protocol = "tcp", Services = [{ Name = "www" }] },
]
---
Kind     = "service-defaults"
Name     = "api"
Protocol = "grpc"
---
Kind     = "service-defaults"
Name     = "www"
Protocol = "http"
---
Kind   = "service-router"
Name   = "www"
"#;
    let ws = workspace(text);
    let mut cx = Cx::new();
    let idx = crate::workspace::Entries::new(&ws, "default");
    let chains = compile_all(&ws, &idx, &Settings::default(), &Protocols::new(&ws), &mut cx);
    assert!(cx.diags.is_empty(), "{:?}", cx.diags);
    check_ingress_protocols(&ws, &chains, &mut cx);
    // http listener: `web` (tcp) and `api` (grpc: equal protocols, not merely HTTP-like) are
    // refused, `www` (http) and the wildcard are fine. tcp listener: `db` (tcp) is fine, `api`
    // (grpc, no router or splitter) is a state Consul can reach, `www` (http with a router) is not.
    let got: Vec<(Severity, String)> =
        cx.diags.iter().map(|d| (d.severity, ws.sources.location(d.span.unwrap()).unwrap().to_string())).collect();
    assert_eq!(
        got,
        [
            (Severity::Error, "0.hcl:5:58".to_string()),
            (Severity::Error, "0.hcl:5:76".to_string()),
            (Severity::Warning, "0.hcl:8:57".to_string()),
            (Severity::Error, "0.hcl:9:57".to_string()),
        ]
    );
    assert_eq!(codes(&cx.diags), [Code::ProtocolMismatch; 4]);
    assert!(cx.diags[1]
        .message
        .contains("exposes `api` on its http listener (port 8080), but the discovery chain of `api` speaks grpc"));
}
