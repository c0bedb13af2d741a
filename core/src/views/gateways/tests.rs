use super::*;
use crate::plan::gateways::GatewayPlan;
use crate::views::{FileInput, SettingsInput, WorkspaceInput};

const TD: &str = crate::settings::DEFAULT_TRUST_DOMAIN;

const SERVICES: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "10.0.1.1" port = 8443 }
service { name = "mesh-gateway" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.2.1" port = 8443 }
service { name = "tgw" kind = "terminating-gateway" address = "10.0.0.5" port = 9443 }
service { name = "ingress" kind = "ingress-gateway" address = "10.0.0.6" port = 8443 }
service { name = "api-gw" kind = "api-gateway" address = "10.0.0.7" port = 8443 }
service { name = "web" port = 8080 }
service { name = "api" port = 8081 }
service { name = "db" port = 5432 }
service { name = "billing-api" address = "billing.example.com" port = 443 }
"#;

const ENTRIES: &str = r#"
Kind = "proxy-defaults"
Name = "global"
Config {
  protocol = "http"
}
---
Kind = "service-defaults"
Name = "db"
Protocol = "tcp"
---
Kind = "service-resolver"
Name = "api"
Subsets = {
  v1 = { Filter = "Service.Meta.version == v1" }
  v2 = { Filter = "Service.Meta.version == v2" }
}
---
Kind = "service-splitter"
Name = "api"
Splits = [
  { Weight = 90, ServiceSubset = "v1" },
  { Weight = 10, ServiceSubset = "v2", RequestHeaders { Set { x-api-version = "v2" } } },
]
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing-api", CAFile = "/etc/ca.pem", SNI = "billing.example.com" }]
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  {
    Port = 8080
    Protocol = "http"
    Services = [
      { Name = "web", Hosts = ["www.example.com"] },
      { Name = "api" },
    ]
  },
  { Port = 5432, Protocol = "tcp", Services = [{ Name = "db" }] },
]
---
Kind = "api-gateway"
Name = "api-gw"
Listeners = [{ Name = "public", Port = 8081, Protocol = "http" }]
---
Kind = "http-route"
Name = "shop"
Parents = [{ Name = "api-gw" }]
Rules = [
  {
    Matches = [{ Path = { Match = "exact", Value = "/checkout" }, Method = "POST", Headers = [{ Match = "present", Name = "x-session" }] }]
    Filters { URLRewrite { Path = "/v1/" } }
    Services = [{ Name = "api", Weight = 3 }, { Name = "web", Weight = 1 }]
  },
  { Services = [{ Name = "web" }] },
]
---
Kind = "service-intentions"
Name = "billing-api"
Sources = [{ Name = "web", Action = "allow" }, { Name = "*", Action = "deny" }]
---
Kind = "service-intentions"
Name = "web"
Sources = [
  { Name = "ingress", Permissions = [{ Action = "allow", HTTP { PathPrefix = "/" } }] },
  { Name = "*", Action = "deny" },
]
"#;

/// `views::tests` also checks this workspace's serialized views against the page's declarations.
pub(crate) fn analysis(extra: &[(&str, &str)]) -> Analysis {
    let mut files = vec![FileInput { name: "services.hcl".into(), text: SERVICES.into() }];
    for (i, part) in ENTRIES.split("\n---\n").enumerate() {
        files.push(FileInput { name: format!("entry-{i}.hcl"), text: part.into() });
    }
    files.extend(extra.iter().map(|(n, t)| FileInput { name: n.to_string(), text: t.to_string() }));
    let settings = SettingsInput { default_intention_policy: Some(Action::Deny), ..Default::default() };
    Analysis::new(WorkspaceInput { files, settings: Some(settings) })
}

fn find<'v>(view: &'v GatewaysView, key: &str) -> &'v GatewayView {
    let keys: Vec<&str> = view.gateways.iter().map(|g| g.key.as_str()).collect();
    view.gateways.iter().find(|g| g.key == key).unwrap_or_else(|| panic!("no {key} in {keys:?}"))
}

#[test]
fn every_gateway_is_listed_with_a_unique_key_and_a_label() {
    let a = analysis(&[]);
    assert!(a.diagnostics().summary.valid, "{:?}", a.diagnostics().diagnostics);
    let view = a.gateways();
    assert_eq!(view.trust_domain, TD);
    assert_eq!(view.no_intention, "no intention applies: the default policy (deny) decides");
    let keys: Vec<&str> = view.gateways.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["api-gw", "ingress", "mesh-gateway@dc1", "mesh-gateway@dc2", "tgw"]);
    let mesh = find(&view, "mesh-gateway@dc2");
    assert_eq!(mesh.kind, GatewayKind::MeshGateway);
    assert_eq!(mesh.label, "mesh-gateway@dc2 · mesh gateway · dc2");
    assert_eq!(mesh.summary, "mesh gateway in dc2, on 10.0.2.1:8443");
    assert_eq!((mesh.origin.file.as_str(), mesh.origin.line), ("services.hcl", 3));
    assert!(mesh.intentions.is_none());
}

#[test]
fn mesh_rows_are_exact_names_then_wildcards_with_short_names() {
    let view = analysis(&[]).gateways();
    let g = find(&view, "mesh-gateway@dc1");
    let GatewayTable::MeshGateway { routes } = &g.table else { panic!("{:?}", g.table) };
    let rows: Vec<(&str, SniMatch, &str)> =
        routes.iter().map(|r| (r.sni_short.as_str(), r.sni_match, r.destination.as_str())).collect();
    assert!(rows.contains(&("v1.api.default.dc1.internal.<td>", SniMatch::Exact, "service api subset v1")), "{rows:?}");
    let last = routes.last().unwrap();
    assert_eq!(last.sni_short, "*.dc2.internal.<td>");
    assert_eq!(last.sni, format!("*.dc2.internal.{TD}"));
    assert_eq!(last.sni_match, SniMatch::Suffix);
    assert_eq!(last.destination_kind, "remote-gateways");
    assert_eq!(last.destination, "datacenter dc2 gateways 10.0.2.1:8443");
    assert_eq!(last.cluster_short, "dc2.internal.<td>");
    assert!(!last.cluster_is_sni);
    let web = routes.iter().find(|r| r.sni_short == "web.default.dc1.internal.<td>").unwrap();
    assert!(web.cluster_is_sni);
    assert_eq!(web.destination_kind, "local-service");
    assert_eq!(g.fallback.as_deref(), Some("any other name: the connection is closed (unrouted)"));
    // Exact rows come before every wildcard row.
    let first_wildcard = routes.iter().position(|r| r.sni_match == SniMatch::Suffix).unwrap();
    assert!(routes[first_wildcard..].iter().all(|r| r.sni_match == SniMatch::Suffix));
}

#[test]
fn terminating_rows_go_service_sni_external_tls_with_intentions() {
    let view = analysis(&[]).gateways();
    let g = find(&view, "tgw");
    let GatewayTable::TerminatingGateway { services } = &g.table else { panic!("{:?}", g.table) };
    assert_eq!(services.len(), 1);
    let s = &services[0];
    assert_eq!(s.service, "billing-api");
    assert_eq!(s.sni_short, "billing-api.default.dc1.internal.<td>");
    assert_eq!(s.endpoints, ["billing.example.com:443"]);
    assert_eq!(s.tls_mode, TlsMode::OneWay);
    assert_eq!(s.tls, "tls (/etc/ca.pem, sni billing.example.com)");
    assert_eq!(s.identity_short, "spiffe://<td>/ns/default/dc/dc1/svc/billing-api");
    let labels: Vec<(usize, &str, &str)> =
        s.intentions.iter().map(|i| (i.rank, i.label.as_str(), i.action.as_str())).collect();
    assert_eq!(labels, [(1, "web → billing-api", "allow"), (2, "* → billing-api", "deny")]);
    assert!(g.intentions.is_none());
    assert_eq!(g.fallback, None);
}

#[test]
fn ingress_listeners_hosts_and_split_weights() {
    let view = analysis(&[]).gateways();
    let g = find(&view, "ingress");
    let GatewayTable::IngressGateway { listeners } = &g.table else { panic!("{:?}", g.table) };
    let titles: Vec<&str> = listeners.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, ["listener 5432 tcp", "listener 8080 http"]);
    let tcp = &listeners[0].tcp;
    assert_eq!(tcp.len(), 1);
    assert_eq!((tcp[0].what.as_str(), tcp[0].service.as_str()), ("every connection", "db"));
    assert_eq!(tcp[0].targets[0].weight, 100.0);
    let http = &listeners[1];
    let domains: Vec<Vec<String>> = http.hosts.iter().map(|h| h.domains.clone()).collect();
    assert_eq!(domains, [vec!["www.example.com".to_string()], vec!["api.ingress.*".to_string()]]);
    let api = &http.hosts[1];
    assert_eq!(api.service.as_deref(), Some("api"));
    assert_eq!(api.routes.len(), 1);
    assert_eq!(api.routes[0].path, "prefix /");
    let shares: Vec<(&str, f64, Vec<String>)> =
        api.routes[0].targets.iter().map(|t| (t.label.as_str(), t.weight, t.filters.clone())).collect();
    assert_eq!(shares, [("v1.api", 90.0, vec![]), ("v2.api", 10.0, vec!["set x-api-version=v2".to_string()])]);
    assert_eq!(api.routes[0].targets[0].cluster, "v1.api.default.default.dc1");
    let intentions = g.intentions.as_ref().unwrap();
    assert_eq!(intentions.title, "Intentions with source ingress: the first that matches decides");
    let labels: Vec<(&str, &str)> = intentions.rows.iter().map(|i| (i.label.as_str(), i.action.as_str())).collect();
    assert_eq!(labels, [("ingress → web", "permissions (1)"), ("* → web", "deny")]);
    assert_eq!(g.fallback.as_deref(), Some("a request no host and route matches: 404"));
}

#[test]
fn api_routes_show_matches_weights_and_filters_in_consuls_order() {
    let view = analysis(&[]).gateways();
    let g = find(&view, "api-gw");
    let GatewayTable::ApiGateway { listeners } = &g.table else { panic!("{:?}", g.table) };
    assert_eq!(listeners[0].title, "listener public: port 8081 http, hostname *");
    let host = &listeners[0].hosts[0];
    assert_eq!(host.domains, ["*"]);
    let first = &host.routes[0];
    assert_eq!(first.path, "exact /checkout");
    assert_eq!(first.conditions, ["header x-session present", "method POST"]);
    assert_eq!(first.filters, ["rewrite prefix to /v1/"]);
    let shares: Vec<(&str, f64)> = first.targets.iter().map(|t| (t.label.as_str(), t.weight)).collect();
    // api's 3/4 goes through its 90/10 splitter.
    assert_eq!(shares, [("v1.api", 67.5), ("v2.api", 7.5), ("web", 25.0)]);
    assert_eq!(host.routes.last().unwrap().path, "prefix /");
    assert_eq!(host.routes.last().unwrap().targets[0].weight, 100.0);
}

#[test]
fn percentages_round_to_hundredths() {
    assert_eq!(percent(1, 3), 33.33);
    assert_eq!(percent(2, 3), 66.67);
    assert_eq!(percent(0, 0), 0.0);
    assert_eq!(percent(5, 5), 100.0);
}

#[test]
fn gateway_plan_is_the_filters_json_and_is_withheld_on_errors() {
    let a = analysis(&[]);
    let view = a.gateway_plan("tgw");
    assert_eq!(view.withheld, None);
    assert_eq!(view.version, GATEWAY_PLAN_VERSION);
    assert_eq!(view.file_name, "gatewayplan-tgw.json");
    let json = view.json.unwrap();
    let expected = gateway_plan(a.compiled.as_ref().unwrap(), "tgw").unwrap();
    // Exactly `meshgate plan --gateway tgw`: the pretty JSON of gateway_plan.
    assert_eq!(json, serde_json::to_string_pretty(&expected).unwrap());
    let back: GatewayPlan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, expected);
    assert_eq!(view.hash.as_deref(), Some(expected.hash_hex().as_str()));
    assert_eq!(back.gateway.name, "tgw");

    // Keys with `@` make safe file names; a plain name selects when it is unique.
    assert_eq!(a.gateway_plan("mesh-gateway@dc2").file_name, "gatewayplan-mesh-gateway_dc2.json");
    assert!(a.gateway_plan("api-gw").json.is_some());
    let missing = a.gateway_plan("nope");
    assert_eq!(missing.withheld.as_deref(), Some("no gateway or sidecar `nope` is registered"));
    // Two gateways are named mesh-gateway: the name alone selects neither.
    // A name several gateways share selects the one in the local datacenter.
    assert_eq!(a.gateway_plan("mesh-gateway").file_name, "gatewayplan-mesh-gateway_dc1.json");

    let broken = analysis(&[("broken.hcl", "Kind = \"service-defaults\"\nName = \"x\"\nProtocool = \"http\"\n")]);
    let view = broken.gateway_plan("tgw");
    assert_eq!(view.json, None);
    assert!(view.withheld.unwrap().contains("1 error"));
    // The route tables keep working while a file has an error.
    assert_eq!(broken.gateways().gateways.len(), 5);
}

#[test]
fn the_hash_is_the_plans_own_for_every_gateway() {
    // A file name with spaces, quotes and a backslash: gateway origins carry it into the JSON.
    let a = analysis(&[("an \"odd\"  \\ name\t.hcl", "service { name = \"edge\" kind = \"ingress-gateway\" }\n")]);
    assert!(a.diagnostics().summary.valid, "{:?}", a.diagnostics().diagnostics);
    assert!(a.gateway_plan("edge").json.unwrap().contains(r#""file": "an \"odd\"  \\ name\t.hcl""#));
    let c = a.compiled.as_ref().unwrap();
    for g in &c.plan.gateways {
        let plan = gateway_plan(c, &g.gateway.key).unwrap();
        let view = a.gateway_plan(&g.gateway.key);
        assert_eq!(view.json.unwrap(), serde_json::to_string_pretty(&plan).unwrap(), "{}", g.gateway.key);
        assert_eq!(view.hash.unwrap(), plan.hash_hex(), "{}", g.gateway.key);
    }
}

#[test]
fn no_gateways_no_rows() {
    let a = Analysis::new(WorkspaceInput { files: vec![], settings: None });
    assert!(a.gateways().gateways.is_empty());
    assert!(a.gateway_plan("x").withheld.is_some());
}

#[test]
fn header_changes_are_one_phrase_each_requests_first() {
    let mut request = HeaderModifiers::default();
    request.add.insert("x-a".into(), "1".into());
    request.remove.push("x-debug".into());
    let mut response = HeaderModifiers::default();
    response.set.insert("x-b".into(), "2".into());
    assert_eq!(modifiers(&request, &response), ["add x-a=1", "remove x-debug", "response set x-b=2"]);
    assert!(modifiers(&HeaderModifiers::default(), &HeaderModifiers::default()).is_empty());
}

#[test]
fn a_registered_name_selects_the_gateway_of_the_local_datacenter() {
    use crate::plan::gateways::{select, GatewaySelectError};
    let a = analysis(&[]);
    let all = &a.compiled.as_ref().unwrap().plan.gateways;
    let key = |dc: &str, ap: &str| select(all, "mesh-gateway", dc, ap).map(|g| g.gateway.key.clone());
    assert_eq!(key("dc1", "default").as_deref(), Ok("mesh-gateway@dc1"));
    assert_eq!(key("dc2", "default").as_deref(), Ok("mesh-gateway@dc2"));
    // Neither is local: the candidates are listed.
    let err = key("dc3", "default").unwrap_err();
    assert!(matches!(&err, GatewaySelectError::Ambiguous { candidates, .. } if candidates.len() == 2), "{err}");
    assert!(err.to_string().contains("mesh-gateway@dc1 (in dc1)"), "{err}");
    // Keys always work, and an unknown name lists the gateways.
    assert_eq!(select(all, "mesh-gateway@dc2", "dc1", "default").unwrap().gateway.datacenter, "dc2");
    assert!(matches!(select(all, "nope", "dc1", "default"), Err(GatewaySelectError::NotFound { .. })));
}

/// The route-table corpus's Connect data plane: gateways, sidecars, dials.
fn dataplane() -> Analysis {
    crate::views::tests::directory_analysis(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/routes/dataplane"))
}

#[test]
fn sidecars_follow_the_gateways_with_their_listeners_and_dials() {
    use crate::plan::dial::Via;
    let a = dataplane();
    assert!(a.diagnostics().summary.valid, "{:?}", a.diagnostics().diagnostics);
    let view = a.gateways();
    let keys: Vec<&str> = view.gateways.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "ingress-gateway",
            "mesh-gateway@dc1",
            "mesh-gateway@dc2",
            "web-sidecar-proxy",
            "api-sidecar-proxy",
            "billing-sidecar-proxy"
        ]
    );
    let web = find(&view, "web-sidecar-proxy");
    assert_eq!(web.kind, GatewayKind::ConnectProxy);
    assert_eq!(web.label, "web-sidecar-proxy · sidecar · dc1");
    let GatewayTable::Sidecar { public, upstreams } = &web.table else { panic!("{:?}", web.table) };
    assert_eq!(public.identity_short, "spiffe://<td>/ns/default/dc/dc1/svc/web");
    assert_eq!(public.endpoints, ["127.0.0.1:8080"]);
    let titles: Vec<&str> = upstreams.iter().map(|u| u.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "upstream api in dc1 on 127.0.0.1:9191 http, mesh gateway mode none",
            "upstream billing in dc1 on 127.0.0.1:9292 http, mesh gateway mode local",
            "upstream ledger on peer partner on 127.0.0.1:9393 tcp, mesh gateway mode remote",
        ]
    );
    // The api upstream's split: each subset's own endpoints, dialled as web.
    let api = &upstreams[0].hosts[0].routes[0].targets;
    let dials: Vec<(&str, Vec<String>)> = api.iter().map(|t| (t.label.as_str(), t.dial.endpoints.clone())).collect();
    assert_eq!(
        dials,
        [
            ("v1.api", vec!["10.0.0.11:21000".to_string()]),
            ("v2.api", vec!["10.0.0.11:21000".to_string(), "10.0.0.12:8443".to_string()]),
        ]
    );
    assert_eq!(api[0].dial.presents_short, "spiffe://<td>/ns/default/dc/dc1/svc/web");
    assert_eq!(api[0].dial.expects_short, "spiffe://<td>/ns/default/dc/dc1/svc/api");
    assert_eq!(api[1].dial.unread_filter.as_deref(), Some("Service.Meta.version matches \"v2.*\""));
    // billing fails over to dc2 through dc1's mesh gateway: the upstream's mode.
    let billing = &upstreams[1].hosts[0].routes[0].targets[0];
    assert_eq!(billing.dial.via, Via::ConnectEndpoints);
    let failover: Vec<(&str, Via, Vec<String>)> =
        billing.failover.iter().map(|f| (f.label.as_str(), f.dial.via, f.dial.endpoints.clone())).collect();
    assert_eq!(failover, [("billing @dc2", Via::LocalMeshGateway, vec!["10.0.1.1:8443".to_string()])]);
    // The peer's service: its gateways, its trust domain's SPIFFE IDs.
    let ledger = &upstreams[2].tcp[0].targets[0].dial;
    assert_eq!((ledger.via, ledger.peer.as_deref()), (Via::PeerMeshGateway, Some("partner")));
    assert_eq!(ledger.endpoints, ["192.0.2.10:8443"]);
    assert!(ledger.expects_short.starts_with("~^spiffe://99999999-8888"), "{}", ledger.expects_short);

    // A sidecar's GatewayPlan and Envoy bootstrap, by its key.
    let plan = a.gateway_plan("web-sidecar-proxy");
    assert_eq!(plan.withheld, None);
    assert!(plan.json.unwrap().contains("\"kind\": \"connect-proxy\""));
    let envoy = a.envoy(&crate::views::EnvoyRequest {
        gateway: "web-sidecar-proxy".into(),
        sidecar: true,
        ..Default::default()
    });
    assert_eq!(envoy.withheld, None);
    assert!(envoy.command.contains(" --sidecar web-sidecar-proxy "), "{}", envoy.command);
    assert!(envoy.bootstrap.unwrap().contains("failover-target~1~billing.default.default.dc2"));
    // Without the flag, the key names no gateway.
    let envoy = a.envoy(&crate::views::EnvoyRequest { gateway: "web-sidecar-proxy".into(), ..Default::default() });
    assert!(envoy.withheld.is_some_and(|w| w.contains("no gateway `web-sidecar-proxy`")));
}

#[test]
fn gateway_targets_and_mesh_rows_say_where_they_go_or_why_not() {
    use crate::plan::dial::Via;
    let view = dataplane().gateways();
    let ingress = find(&view, "ingress-gateway");
    let GatewayTable::IngressGateway { listeners } = &ingress.table else { panic!("{:?}", ingress.table) };
    let target = |host: usize| &listeners[0].hosts[host].routes[0].targets[0];
    // billing: its Connect-native instance, then dc2 through dc2's gateway (a gateway's mode).
    assert_eq!(target(1).dial.endpoints, ["10.0.0.13:8443"]);
    assert_eq!(target(1).dial.presents_short, "spiffe://<td>/ns/default/dc/dc1/svc/ingress-gateway");
    assert_eq!(target(1).failover[0].dial.via, Via::RemoteMeshGateway);
    assert_eq!(target(1).failover[0].dial.expects_short, "spiffe://<td>/ns/default/dc/dc2/svc/billing");
    // reports has no Connect endpoint: unrouted, with why.
    let reports = &target(2).dial;
    assert!(reports.endpoints.is_empty());
    assert!(
        reports.problem.as_deref().is_some_and(|p| p.starts_with("`reports` has no Connect endpoint")),
        "{reports:?}"
    );

    let mesh = find(&view, "mesh-gateway@dc1");
    let GatewayTable::MeshGateway { routes } = &mesh.table else { panic!("{:?}", mesh.table) };
    let row = |sni: &str| routes.iter().find(|r| r.sni_short == sni).unwrap_or_else(|| panic!("no {sni}"));
    let web = &row("web.default.dc1.internal.<td>").forward;
    assert_eq!((web.via, web.endpoints.clone()), (Via::ConnectEndpoints, vec!["10.0.0.10:21000".to_string()]));
    assert!(row("reports.default.dc1.internal.<td>").forward.problem.is_some());
    let exported = &row("billing.default.default.partner.external.<td>").forward;
    assert_eq!(exported.endpoints, ["10.0.0.13:8443"]);
    let dc2 = &row("*.dc2.internal.<td>").forward;
    assert_eq!((dc2.via, dc2.endpoints.clone()), (Via::RemoteMeshGateway, vec!["10.0.2.1:8443".to_string()]));
}
