use super::*;
use crate::json::json;
use crate::settings::Settings;

const WS: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "mesh-gateway-dc2" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.2.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = 8080 connect { sidecar_service { port = 21080 } } }
---
service { name = "api" id = "api-1" address = "127.0.0.1" port = 9001 meta = { version = "v1" } connect { sidecar_service { port = 21001 } } }
---
service { name = "api-2-proxy" kind = "connect-proxy" address = "127.0.0.1" port = 21002 meta = { version = "v2" } proxy { destination_service_name = "api" destination_service_id = "api-2" } }
---
service { name = "api" id = "api-2" address = "127.0.0.1" port = 9002 meta = { version = "v2" } }
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
Kind = "service-resolver"
Name = "api"
DefaultSubset = "v1"
Subsets = {
  v1 = { Filter = "Service.Meta.version == v1" }
  v2 = { Filter = "Service.Meta.version == v2" }
}
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  { Port = 8080, Protocol = "http", Services = [{ Name = "web" }, { Name = "api" }] },
  { Port = 8081, Protocol = "tcp", Services = [{ Name = "billing" }] },
]
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing", CAFile = "/etc/billing-ca.pem", SNI = "billing.example.com" }]
"#;

fn compiled() -> (Workspace, Compiled) {
    let ws = crate::plan::gateways::testing::workspace(WS);
    let c = crate::plan::compile(&ws, &Settings::default()).unwrap();
    (ws, c)
}

fn opts(ecds: Option<&str>) -> Options {
    Options {
        wasm: "/x/filter.wasm".into(),
        host: Default::default(),
        admin_port: 19000,
        cert_dir: Some("/certs".into()),
        ecds_dir: ecds.map(String::from),
        health_port: None,
        sidecar: false,
        cert_files: Vec::new(),
    }
}

/// The ingress gateway with one service on its http listener (web: one cluster, no policy).
fn one_service_ingress(ecds: Option<&str>) -> (Generated, Value) {
    let text = WS.replace(r#"Services = [{ Name = "web" }, { Name = "api" }]"#, r#"Services = [{ Name = "web" }]"#);
    let ws = crate::plan::gateways::testing::workspace(&text);
    let c = crate::plan::compile(&ws, &Settings::default()).unwrap();
    let g = generate(&ws, &c, "ingress", &opts(ecds)).unwrap();
    let v: Value = serde_json::from_str(&g.bootstrap).unwrap();
    (g, v)
}

#[test]
fn an_ingress_listener_with_one_cluster_routes_straight_to_it_and_says_so_in_the_plan() {
    let direct = |g: &Generated| match &g.plan.routes {
        RouteTable::IngressGateway(t) => t.listeners.iter().map(|l| l.direct_cluster.clone()).collect::<Vec<_>>(),
        _ => panic!("an ingress plan"),
    };
    let (g, v) = one_service_ingress(None);
    assert_eq!(direct(&g), [Some("web.default.default.dc1".to_string()), None], "http: direct; tcp: never");
    let hcm = &v["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"];
    let route = &hcm["route_config"]["virtual_hosts"][0]["routes"][0];
    assert_eq!(route["route"], json!({ "cluster": "web.default.default.dc1" }));
    assert_eq!(route["request_headers_to_remove"], json!([ROUTING_HEADER, ROUTE_HEADER]), "a client's copy still goes");
    // The filter reads the same plan the route was generated from.
    let inline = hcm["http_filters"][0]["typed_config"]["config"]["configuration"]["value"].as_str().unwrap();
    assert_eq!(serde_json::from_str::<GatewayPlan>(inline).unwrap(), g.plan);
    // By ECDS the plan can change under the bootstrap's route: routed by header, as before.
    let (g, v) = one_service_ingress(Some("/ecds"));
    assert_eq!(direct(&g), [None, None]);
    assert!(!g.ecds.iter().any(|f| f.content.contains("direct_cluster")));
    let hcm = &v["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"];
    assert_eq!(hcm["route_config"]["virtual_hosts"][0]["routes"][0]["route"]["cluster_header"], ROUTING_HEADER);
    // Two services on the listener: by header.
    let (g, _) = generated("ingress", None);
    assert_eq!(direct(&g), [None, None]);
}

fn generated(key: &str, ecds: Option<&str>) -> (Generated, Value) {
    let (ws, c) = compiled();
    let g = generate(&ws, &c, key, &opts(ecds)).unwrap();
    let v: Value = serde_json::from_str(&g.bootstrap).unwrap();
    (g, v)
}

fn cluster<'v>(v: &'v Value, name: &str) -> &'v Value {
    v["static_resources"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no cluster {name}"))
}

fn ports(c: &Value) -> Vec<u64> {
    c["load_assignment"]["endpoints"][0]["lb_endpoints"]
        .as_array()
        .map(|a| a.iter().map(|e| e["endpoint"]["address"]["socket_address"]["port_value"].as_u64().unwrap()).collect())
        .unwrap_or_default()
}

#[test]
fn mesh_gateway_bootstrap() {
    let (g, v) = generated("mesh-gateway", None);
    assert_eq!(v["admin"]["address"]["socket_address"]["address"], "127.0.0.1");
    let l = &v["static_resources"]["listeners"][0];
    assert_eq!(l["address"]["socket_address"]["port_value"], 8443);
    assert_eq!(l["listener_filters"][0]["name"], "envoy.filters.listener.tls_inspector");
    let filters = &l["filter_chains"][0]["filters"];
    assert_eq!(filters[0]["name"], "envoy.filters.network.wasm");
    let config = &filters[0]["typed_config"]["config"];
    assert_eq!(config["root_id"], NETWORK_ROOT_ID);
    assert_eq!(config["failure_policy"], "FAIL_RELOAD");
    assert!(!g.bootstrap.contains("FAIL_OPEN"));
    let plan: GatewayPlan = serde_json::from_str(config["configuration"]["value"].as_str().unwrap()).unwrap();
    assert_eq!(plan, g.plan);
    assert_eq!(filters[1]["typed_config"]["cluster"], BLACKHOLE);
    let td = crate::settings::DEFAULT_TRUST_DOMAIN;
    // Connect endpoints only (a sidecar and a separately registered connect proxy), never the
    // application ports; subsets by their filter on each endpoint's meta; no TLS: the mesh gateway
    // passes the client's mTLS through.
    assert_eq!(ports(cluster(&v, &format!("v2.api.default.dc1.internal.{td}"))), vec![21002]);
    assert_eq!(ports(cluster(&v, &format!("api.default.dc1.internal.{td}"))), vec![21001, 21002]);
    assert!(cluster(&v, &format!("api.default.dc1.internal.{td}")).get("transport_socket").is_none());
    assert_eq!(ports(cluster(&v, &format!("dc2.internal.{td}"))), vec![8443]);
    // billing is linked to the terminating gateway: the mesh gateway reaches it through that gateway.
    assert_eq!(ports(cluster(&v, &format!("billing.default.dc1.internal.{td}"))), vec![9443]);
    assert_eq!(ports(cluster(&v, BLACKHOLE)), Vec::<u64>::new());
}

#[test]
fn terminating_gateway_bootstrap_terminates_mtls_per_sni() {
    let (_, v) = generated("tgw", None);
    let chain = &v["static_resources"]["listeners"][0]["filter_chains"][0];
    let td = crate::settings::DEFAULT_TRUST_DOMAIN;
    assert_eq!(chain["filter_chain_match"]["server_names"][0], format!("billing.default.dc1.internal.{td}"));
    let tls = &chain["transport_socket"]["typed_config"];
    assert_eq!(tls["require_client_certificate"], true);
    assert_eq!(tls["common_tls_context"]["tls_certificates"][0]["certificate_chain"]["filename"], "/certs/billing.pem");
    assert_eq!(tls["common_tls_context"]["validation_context"]["trusted_ca"]["filename"], "/certs/ca.pem");
    assert_eq!(chain["filters"][1]["typed_config"]["upstream_connect_mode"], "ON_DOWNSTREAM_TLS_HANDSHAKE");
    // Without ECDS the chain routes by itself: tcp_proxy names billing's cluster, and the network
    // filter's root_id names the chain's server name, which it reads instead of the connection's.
    let sni = format!("billing.default.dc1.internal.{td}");
    assert_eq!(chain["filters"][0]["typed_config"]["config"]["root_id"], format!("{CHAIN_ROOT_ID_PREFIX}{sni}"));
    assert_eq!(chain["filters"][1]["typed_config"]["cluster"], sni.as_str());
    // The same for the dynamic module, by its filter_name.
    let (ws, c) = compiled();
    let module = Options { host: FilterHost::DynamicModule("/x/libmeshgate_dynmod.so".into()), ..opts(None) };
    let m: Value = serde_json::from_str(&generate(&ws, &c, "tgw", &module).unwrap().bootstrap).unwrap();
    let filters = &m["static_resources"]["listeners"][0]["filter_chains"][0]["filters"];
    assert_eq!(filters[0]["typed_config"]["filter_name"], chain_root_id(&sni));
    assert_eq!(filters[1]["typed_config"]["cluster"], sni.as_str());
    // With ECDS a swapped plan may route elsewhere: the filter reads the name and sets the
    // cluster, tcp_proxy's own default is the blackhole.
    let (g, e) = generated("tgw", Some("/ecds"));
    let filters = &e["static_resources"]["listeners"][0]["filter_chains"][0]["filters"];
    assert_eq!(filters[0]["name"], "meshgate-tgw-network");
    assert_eq!(filters[1]["typed_config"]["cluster"], BLACKHOLE);
    let file: Value = serde_json::from_str(&g.ecds[0].content).unwrap();
    assert_eq!(file["resources"][0]["typed_config"]["config"]["root_id"], NETWORK_ROOT_ID);
    let c = cluster(&v, &format!("billing.default.dc1.internal.{td}"));
    assert_eq!(c["transport_socket"]["typed_config"]["sni"], "billing.example.com");
    assert_eq!(c["type"], "STRICT_DNS");
    let (ws, c) = compiled();
    let no_certs = Options { cert_dir: None, ..opts(None) };
    assert!(matches!(generate(&ws, &c, "tgw", &no_certs), Err(EnvoyError::NeedCerts)));
    assert!(matches!(generate(&ws, &c, "nope", &no_certs), Err(EnvoyError::Gateway(_))));
}

#[test]
fn ingress_bootstrap_routes_by_the_routing_header() {
    let (g, v) = generated("ingress", None);
    let listeners = v["static_resources"]["listeners"].as_array().unwrap();
    assert_eq!(listeners.len(), 2);
    let hcm = &listeners[0]["filter_chains"][0]["filters"][0]["typed_config"];
    let route = &hcm["route_config"]["virtual_hosts"][0]["routes"][0];
    assert_eq!(route["route"]["cluster_header"], ROUTING_HEADER);
    assert_eq!(route["request_headers_to_remove"][0], ROUTING_HEADER);
    assert_eq!(hcm["http_filters"][0]["typed_config"]["config"]["root_id"], HTTP_ROOT_ID);
    assert_eq!(hcm["http_filters"][1]["name"], "envoy.filters.http.router");
    // Local targets: their Connect endpoints, with mTLS as the gateway's own identity, the
    // target's SNI and the target's SPIFFE ID required of the server.
    assert_eq!(ports(cluster(&v, "v1.api.default.default.dc1")), vec![21001]);
    let web = cluster(&v, "web.default.default.dc1");
    assert_eq!(ports(web), vec![21080]);
    let td = crate::settings::DEFAULT_TRUST_DOMAIN;
    let tls = &web["transport_socket"]["typed_config"];
    assert_eq!(tls["sni"], format!("web.default.dc1.internal.{td}"));
    let common = &tls["common_tls_context"];
    assert_eq!(common["tls_certificates"][0]["certificate_chain"]["filename"], "/certs/ingress.pem");
    assert_eq!(common["validation_context"]["trusted_ca"]["filename"], "/certs/ca.pem");
    assert_eq!(
        common["validation_context"]["match_typed_subject_alt_names"][0],
        json!({ "san_type": "URI", "matcher": { "exact": format!("spiffe://{td}/ns/default/dc/dc1/svc/web") } })
    );
    assert_eq!(common["alpn_protocols"], json!(["http/1.1"]));
    // billing is linked to the terminating gateway: reached through it, with billing's SNI.
    assert_eq!(ports(cluster(&v, "billing.default.default.dc1")), vec![9443]);
    assert!(g.notes.is_empty(), "{:?}", g.notes);
    // The tcp listener: the network filter chooses the target after checking the gateway's
    // intentions; tcp_proxy's own default is the blackhole.
    let tcp = &listeners[1]["filter_chains"][0]["filters"];
    assert_eq!(tcp[0]["typed_config"]["config"]["root_id"], NETWORK_ROOT_ID);
    assert_eq!(tcp[1]["typed_config"]["cluster"], BLACKHOLE);
    assert!(cluster(&v, "billing.default.default.dc1").is_object());
    assert!(!g.notes.iter().any(|n| n.contains("tcp listener")), "{:?}", g.notes);
}

#[test]
fn ecds_moves_the_plan_into_watched_files() {
    let (g, v) = generated("ingress", Some("/ecds"));
    let http =
        &v["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]["http_filters"][0];
    assert_eq!(http["name"], "meshgate-ingress-http");
    let source = &http["config_discovery"]["config_source"]["path_config_source"];
    assert_eq!(source["path"], "/ecds/meshgate-ingress-http.json");
    assert_eq!(source["watched_directory"]["path"], "/ecds");
    assert!(!g.bootstrap.contains("\"configuration\""));
    // The http listener's filter and the tcp listener's network filter.
    assert_eq!(g.ecds.len(), 2);
    assert_eq!(g.ecds[0].file_name, "meshgate-ingress-network.json");
    let file: Value = serde_json::from_str(&g.ecds[1].content).unwrap();
    assert_eq!(g.ecds[1].file_name, "meshgate-ingress-http.json");
    assert_eq!(file["version_info"], g.plan.hash_hex());
    assert_eq!(file["resources"][0]["name"], "meshgate-ingress-http");
    assert_eq!(file["resources"][0]["typed_config"]["config"]["failure_policy"], "FAIL_RELOAD");
}

#[test]
fn the_health_listener_checks_every_vm_the_gateway_uses() {
    let (ws, c) = compiled();
    let opts = Options { health_port: Some(19100), ..opts(None) };
    let g = generate(&ws, &c, "ingress", &opts).unwrap();
    let v: Value = serde_json::from_str(&g.bootstrap).unwrap();
    let listeners = v["static_resources"]["listeners"].as_array().unwrap();
    let health = listeners.last().unwrap();
    assert_eq!(health["address"]["socket_address"]["port_value"], 19100);
    let filters = health["filter_chains"][0]["filters"].as_array().unwrap();
    // The ingress has an http and a tcp listener: both VMs are checked, each in its own VM id.
    assert_eq!(filters[0]["typed_config"]["config"]["root_id"], HEALTH_NETWORK_ROOT_ID);
    assert_eq!(filters[0]["typed_config"]["config"]["vm_config"]["vm_id"], "meshgate-network");
    let hcm = &filters[1]["typed_config"];
    assert_eq!(hcm["http_filters"][0]["typed_config"]["config"]["root_id"], HEALTH_HTTP_ROOT_ID);
    assert_eq!(hcm["http_filters"][0]["typed_config"]["config"]["vm_config"]["vm_id"], "meshgate-http");
    assert_eq!(hcm["route_config"]["virtual_hosts"][0]["routes"][0]["match"]["path"], "/ready");
    // Without the option, no health listener.
    let (_, v) = generated("ingress", None);
    assert!(v["static_resources"]["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| !l["name"].as_str().unwrap().ends_with(":health")));
}

#[test]
fn the_dynamic_module_host_gets_the_same_plan_in_its_filters() {
    let (ws, c) = compiled();
    let module = "/x/libmeshgate_dynmod.so";
    let o = Options { host: FilterHost::DynamicModule(module.into()), ..opts(None) };
    let g = generate(&ws, &c, "ingress", &o).unwrap();
    assert!(!g.bootstrap.contains("envoy.filters.http.wasm") && !g.bootstrap.contains("filter.wasm"));
    let v: Value = serde_json::from_str(&g.bootstrap).unwrap();
    let listeners = v["static_resources"]["listeners"].as_array().unwrap();
    let mut seen = Vec::new();
    for l in listeners {
        for chain in l["filter_chains"].as_array().unwrap() {
            for f in chain["filters"].as_array().unwrap() {
                let http = f["typed_config"]["http_filters"].as_array().cloned().unwrap_or_default();
                for f in std::iter::once(f).chain(http.iter()) {
                    let name = f["name"].as_str().unwrap_or_default();
                    if !name.contains("dynamic_modules") {
                        continue;
                    }
                    let t = &f["typed_config"];
                    assert_eq!(t["dynamic_module_config"]["name"], DYNAMIC_MODULE_NAME);
                    assert_eq!(t["dynamic_module_config"]["module"]["local"]["filename"], module);
                    // The plan, as filter.wasm receives it; filter_name plays the root_id.
                    assert_eq!(t["filter_config"]["value"].as_str(), Some(g.plan.canonical_json().as_str()));
                    seen.push((name.to_string(), t["filter_name"].as_str().unwrap_or_default().to_string()));
                }
            }
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        [
            ("envoy.filters.http.dynamic_modules".to_string(), HTTP_ROOT_ID.to_string()),
            ("envoy.filters.network.dynamic_modules".to_string(), NETWORK_ROOT_ID.to_string()),
        ]
    );
    // By ECDS, the resources carry the module's type.
    let o = Options { ecds_dir: Some("/ecds".into()), ..o };
    let g = generate(&ws, &c, "ingress", &o).unwrap();
    assert!(g.ecds.iter().all(|f| f.content.contains("dynamic_modules.v3")), "{:?}", g.ecds);
    assert!(g.bootstrap.contains(DYNAMIC_MODULE_HTTP_TYPE) && !g.bootstrap.contains(WASM_HTTP_TYPE));
}

/// A terminating gateway's http chain routes to its one cluster and strips the client-certificate
/// header (and the routing headers) itself, so the plan tells the filter to change no request
/// header (`direct_cluster`); not with ECDS, and never for tcp services. A sidecar's public
/// listener likewise.
#[test]
fn terminated_http_chains_strip_the_client_certificate_header_and_say_so_in_the_plan() {
    let text = format!("{WS}---\nKind = \"service-defaults\"\nName = \"billing\"\nProtocol = \"http\"\n");
    let ws = crate::plan::gateways::testing::workspace(&text);
    let c = crate::plan::compile(&ws, &Settings::default()).unwrap();
    let td = crate::settings::DEFAULT_TRUST_DOMAIN;
    let billing = format!("billing.default.dc1.internal.{td}");
    let linked = |g: &Generated| match &g.plan.routes {
        RouteTable::TerminatingGateway(t) => t.services.iter().map(|l| l.direct_cluster.clone()).collect::<Vec<_>>(),
        _ => panic!("a terminating plan"),
    };
    let hcm = |v: &Value| v["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0].clone();
    let strip = json!([ROUTING_HEADER, ROUTE_HEADER, CLIENT_CERT_HEADER, SNI_HEADER]);
    // Before any filter runs, the connection manager writes the chain's name into the SNI header,
    // replacing every copy a client sent (the sidecar's one chain: the connection's name).
    let sni_written = |v: &Value, value: &str| {
        let early = &hcm(v)["typed_config"]["early_header_mutation_extensions"];
        assert_eq!(early.as_array().map(Vec::len), Some(1), "{early}");
        assert_eq!(early[0]["name"], "envoy.http.early_header_mutation.header_mutation");
        let append = &early[0]["typed_config"]["mutations"][0]["append"];
        assert_eq!(append["header"], json!({ "key": SNI_HEADER, "value": value }));
        assert_eq!(
            (append["append_action"].as_str(), append["keep_empty_value"].as_bool()),
            (Some("OVERWRITE_IF_EXISTS_OR_ADD"), Some(true))
        );
    };
    let g = generate(&ws, &c, "tgw", &opts(None)).unwrap();
    let v: Value = serde_json::from_str(&g.bootstrap).unwrap();
    assert_eq!(linked(&g), [Some(billing.clone())]);
    let route = hcm(&v)["typed_config"]["route_config"]["virtual_hosts"][0]["routes"][0].clone();
    assert_eq!(route["route"]["cluster"], billing.as_str());
    assert_eq!(route["request_headers_to_remove"], strip);
    sni_written(&v, &billing);
    assert!(g.plan.connection_headers, "the filter reads the name and the peer from the headers");
    let inline = hcm(&v)["typed_config"]["http_filters"][0]["typed_config"]["config"]["configuration"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(serde_json::from_str::<GatewayPlan>(&inline).unwrap(), g.plan);
    // ECDS: the plan may meet another bootstrap; the filter removes the headers itself (the
    // route strips them all the same).
    let g = generate(&ws, &c, "tgw", &opts(Some("/ecds"))).unwrap();
    let v: Value = serde_json::from_str(&g.bootstrap).unwrap();
    assert_eq!(linked(&g), [None]);
    assert!(!g.ecds.iter().any(|f| f.content.contains("direct_cluster")));
    assert!(!g.plan.connection_headers && !g.ecds.iter().any(|f| f.content.contains("connection_headers")));
    sni_written(&v, &billing);
    assert_eq!(
        hcm(&v)["typed_config"]["route_config"]["virtual_hosts"][0]["routes"][0]["request_headers_to_remove"],
        strip
    );
    // A tcp service (the workspace's own billing): marked (its tcp_proxy names the cluster),
    // but no connection headers (no connection manager).
    let (g, _) = generated("tgw", None);
    assert_eq!(linked(&g), [Some(billing.clone())]);
    assert!(!g.plan.connection_headers);
    // A sidecar's public listener (web is http).
    let g = generate(&ws, &c, "web", &Options { sidecar: true, ..opts(None) }).unwrap();
    let v: Value = serde_json::from_str(&g.bootstrap).unwrap();
    let RouteTable::Sidecar(t) = &g.plan.routes else { panic!("a sidecar plan") };
    assert_eq!(t.inbound.direct_cluster.as_deref(), Some(LOCAL_APP_CLUSTER));
    let route = hcm(&v)["typed_config"]["route_config"]["virtual_hosts"][0]["routes"][0].clone();
    assert_eq!(
        (route["route"]["cluster"].clone(), route["request_headers_to_remove"].clone()),
        (json!(LOCAL_APP_CLUSTER), strip)
    );
    sni_written(&v, "%REQUESTED_SERVER_NAME%");
    assert!(g.plan.connection_headers);
}
