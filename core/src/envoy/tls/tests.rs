//! Each Consul TLS setting of a gateway entry → the Envoy JSON `meshgate envoy` writes for it.
//! Expected values come from Consul's documented precedence (listener over gateway, field by
//! field; a service's SDS over both for its hosts) and Envoy's `TlsParameters` / SDS API.

use super::super::{generate, EnvoyError, Options};
use crate::json::{json, Value};
use crate::plan::gateways::testing::API_GATEWAY_TLS as API;
use crate::plan::Compiled;
use crate::settings::Settings;
use crate::workspace::{InputFile, Workspace};

const SERVICES: &str = r#"
service { name = "ingress" kind = "ingress-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "api-gw" kind = "api-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "tgw" kind = "terminating-gateway" address = "127.0.0.1" port = 9443 }
---
service { name = "web" address = "127.0.0.1" port = 8080 connect { native = true } }
---
service { name = "api" address = "127.0.0.1" port = 8081 connect { native = true } }
---
service { name = "db" address = "127.0.0.1" port = 5432 connect { native = true } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "service-defaults"
Name = "db"
Protocol = "tcp"
"#;

fn workspace(extra: &str) -> (Workspace, Compiled) {
    let text = format!("{SERVICES}\n---\n{extra}");
    let files = text.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    assert!(!ws.has_errors(), "{:?}", ws.resolved_diagnostics());
    let c = crate::plan::compile(&ws, &Settings::default()).unwrap();
    assert!(!c.diagnostics.iter().any(|d| d.is_error()), "{:?}", c.diagnostics);
    (ws, c)
}

fn opts(cert_files: &[&str]) -> Options {
    Options {
        wasm: "/x/filter.wasm".into(),
        host: Default::default(),
        admin_port: 19000,
        cert_dir: Some("/certs".into()),
        ecds_dir: None,
        health_port: None,
        sidecar: false,
        cert_files: cert_files.iter().map(|f| f.to_string()).collect(),
    }
}

/// The bootstrap and notes for `gateway`.
fn bootstrap(extra: &str, gateway: &str, cert_files: &[&str]) -> (Value, Vec<String>) {
    let (ws, c) = workspace(extra);
    let g = generate(&ws, &c, gateway, &opts(cert_files)).unwrap_or_else(|e| panic!("{e}"));
    (serde_json::from_str(&g.bootstrap).unwrap(), g.notes)
}

fn listener(v: &Value, port: u16) -> &Value {
    v["static_resources"]["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["address"]["socket_address"]["port_value"] == port)
        .unwrap_or_else(|| panic!("no listener on {port}"))
}

fn chains(l: &Value) -> &Vec<Value> {
    l["filter_chains"].as_array().unwrap()
}

fn context(chain: &Value) -> &Value {
    &chain["transport_socket"]["typed_config"]["common_tls_context"]
}

fn files(cert: &str, key: &str) -> Value {
    json!([{ "certificate_chain": { "filename": cert }, "private_key": { "filename": key } }])
}

#[test]
fn consul_cipher_suites_become_openssl_names_and_versions_keep_theirs() {
    use crate::model::mesh::{TlsCipherSuite as C, TlsVersion as V};
    use crate::model::service_defaults::Spanned;
    let s = |c| Spanned { value: c, span: Default::default() };
    assert_eq!(
        super::tls_params(V::V1_2, V::Auto, &[s(C::EcdheEcdsaWithAes128GcmSha256), s(C::RsaWithAes256CbcSha)]),
        Some(json!({
            "tls_minimum_protocol_version": "TLSv1_2",
            "tls_maximum_protocol_version": "TLS_AUTO",
            "cipher_suites": ["ECDHE-ECDSA-AES128-GCM-SHA256", "AES256-SHA"],
        }))
    );
    assert_eq!(super::tls_params(V::Unset, V::Unset, &[]), None, "Envoy's defaults apply");
    assert_eq!(super::cipher(C::EcdheRsaWithChacha20Poly1305Sha256), "ECDHE-RSA-CHACHA20-POLY1305");
    assert_eq!(super::cipher(C::EcdheRsaWithAes256GcmSha384), "ECDHE-RSA-AES256-GCM-SHA384");
    assert_eq!(super::cipher(C::EcdheEcdsaWithAes128CbcSha), "ECDHE-ECDSA-AES128-SHA");
}

const PRECEDENCE: &str = r#"
Kind = "ingress-gateway"
Name = "ingress"
TLS { Enabled = true, TLSMinVersion = "TLSv1_2", CipherSuites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] }
Listeners = [
  { Port = 8080, Protocol = "http", Services = [{ Name = "web", Hosts = ["web.example.com"] }] },
  { Port = 8081, Protocol = "http", TLS { TLSMaxVersion = "TLSv1_2" }, Services = [{ Name = "api", Hosts = ["api.example.com"] }] },
  { Port = 8082, Protocol = "tcp", Services = [{ Name = "db" }] },
]
"#;

#[test]
fn listener_tls_overrides_the_gateway_field_by_field() {
    let (v, notes) = bootstrap(PRECEDENCE, "ingress", &[]);
    // 8080 inherits everything from the gateway; Enabled → the gateway's own certificate (what
    // Consul serves from its CA is, here, `<cert-dir>/<gateway>.pem`).
    let web = chains(listener(&v, 8080));
    assert_eq!(web.len(), 1);
    let typed = &web[0]["transport_socket"]["typed_config"];
    assert_eq!(typed["require_client_certificate"], false);
    assert_eq!(typed["common_tls_context"]["tls_certificates"], files("/certs/ingress.pem", "/certs/ingress-key.pem"));
    assert_eq!(
        typed["common_tls_context"]["tls_params"],
        json!({ "tls_minimum_protocol_version": "TLSv1_2", "cipher_suites": ["ECDHE-RSA-AES128-GCM-SHA256"] })
    );
    assert_eq!(typed["common_tls_context"]["alpn_protocols"], json!(["http/1.1"]));
    // 8081 sets its own maximum; the gateway's minimum and cipher suites still apply (Consul
    // merges field by field).
    let api = chains(listener(&v, 8081));
    assert_eq!(
        context(&api[0])["tls_params"],
        json!({
            "tls_minimum_protocol_version": "TLSv1_2",
            "tls_maximum_protocol_version": "TLSv1_2",
            "cipher_suites": ["ECDHE-RSA-AES128-GCM-SHA256"],
        })
    );
    // A tcp listener serves TLS too, in front of the network filter.
    let db = chains(listener(&v, 8082));
    assert_eq!(context(&db[0])["tls_certificates"], files("/certs/ingress.pem", "/certs/ingress-key.pem"));
    assert!(context(&db[0]).get("alpn_protocols").is_none());
    assert_eq!(db[0]["filters"][0]["name"], "envoy.filters.network.wasm");
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn without_enabled_or_sds_a_listener_stays_plain() {
    let text = r#"
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", TLS { TLSMinVersion = "TLSv1_3" }, Services = [{ Name = "web" }] }]
"#;
    let (v, _) = bootstrap(text, "ingress", &["ingress/web.example.com.pem"]);
    let l = listener(&v, 8080);
    assert_eq!(chains(l).len(), 1);
    assert!(chains(l)[0].get("transport_socket").is_none());
    assert!(l.get("listener_filters").is_none());
}

const SDS: &str = r#"
Kind = "ingress-gateway"
Name = "ingress"
TLS { Enabled = true, SDS { ClusterName = "sds-gw", CertResource = "gateway-cert" } }
Listeners = [
  {
    Port = 8080
    Protocol = "http"
    TLS { SDS { ClusterName = "sds-listener", CertResource = "listener-cert" } }
    Services = [
      { Name = "web", Hosts = ["web.example.com", "*.web.example.com"], TLS { SDS { CertResource = "web-cert" } } },
      { Name = "api", Hosts = ["api.example.com"] },
    ]
  },
  { Port = 8081, Protocol = "http", Services = [{ Name = "api", Hosts = ["api.example.com"] }] },
]
"#;

fn sds(cluster: &str, resource: &str) -> Value {
    json!([{
        "name": resource,
        "sds_config": {
            "api_config_source": {
                "api_type": "GRPC",
                "transport_api_version": "V3",
                "grpc_services": [{ "envoy_grpc": { "cluster_name": cluster } }],
            },
            "resource_api_version": "V3",
        },
    }])
}

#[test]
fn sds_at_each_level_and_a_service_chain_chosen_by_its_hosts() {
    let (v, notes) = bootstrap(SDS, "ingress", &[]);
    let l = listener(&v, 8080);
    assert_eq!(l["listener_filters"][0]["name"], "envoy.filters.listener.tls_inspector");
    let c = chains(l);
    assert_eq!(c.len(), 2);
    // web's own certificate resource, from the listener's cluster (the service names none).
    assert_eq!(c[0]["filter_chain_match"]["server_names"], json!(["web.example.com", "*.web.example.com"]));
    assert_eq!(context(&c[0])["tls_certificate_sds_secret_configs"], sds("sds-listener", "web-cert"));
    assert!(context(&c[0]).get("tls_certificates").is_none());
    // Every other connection: the listener's SDS, which wins over the files Enabled would use.
    assert!(c[1].get("filter_chain_match").is_none());
    assert_eq!(context(&c[1])["tls_certificate_sds_secret_configs"], sds("sds-listener", "listener-cert"));
    assert!(context(&c[1]).get("tls_certificates").is_none());
    // The same filters in both chains.
    assert_eq!(c[0]["filters"], c[1]["filters"]);
    // A listener without a TLS block: the gateway's SDS.
    let other = chains(listener(&v, 8081));
    assert_eq!(other.len(), 1);
    assert_eq!(context(&other[0])["tls_certificate_sds_secret_configs"], sds("sds-gw", "gateway-cert"));
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].contains("cluster `sds-listener`") && notes[0].contains("static clusters"), "{notes:?}");
    assert!(notes[1].contains("cluster `sds-gw`"), "{notes:?}");
}

#[test]
fn a_host_with_its_own_files_gets_a_chain_by_sni() {
    let text = r#"
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{
  Port = 8080
  Protocol = "http"
  TLS { Enabled = true, TLSMinVersion = "TLSv1_3" }
  Services = [
    { Name = "web", Hosts = ["web.example.com", "*.shop.example.com"] },
    { Name = "api", Hosts = ["api.example.com"] },
  ]
}]
"#;
    let present = ["ca.pem", "ingress.pem", "ingress/web.example.com.pem", "ingress/_.shop.example.com.pem"];
    let (v, notes) = bootstrap(text, "ingress", &present);
    let c = chains(listener(&v, 8080));
    assert_eq!(c.len(), 3, "web.example.com, *.shop.example.com, then the rest");
    assert_eq!(c[0]["filter_chain_match"]["server_names"], json!(["web.example.com"]));
    assert_eq!(
        context(&c[0])["tls_certificates"],
        files("/certs/ingress/web.example.com.pem", "/certs/ingress/web.example.com-key.pem")
    );
    assert_eq!(context(&c[0])["tls_params"], json!({ "tls_minimum_protocol_version": "TLSv1_3" }));
    assert_eq!(c[1]["filter_chain_match"]["server_names"], json!(["*.shop.example.com"]));
    assert_eq!(
        context(&c[1])["tls_certificates"],
        files("/certs/ingress/_.shop.example.com.pem", "/certs/ingress/_.shop.example.com-key.pem")
    );
    // api.example.com has no files of its own: the gateway's certificate, for any SNI or none.
    assert!(c[2].get("filter_chain_match").is_none());
    assert_eq!(context(&c[2])["tls_certificates"], files("/certs/ingress.pem", "/certs/ingress-key.pem"));
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn default_hosts_cannot_be_matched_by_sni() {
    let text = r#"
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{
  Port = 8080
  Protocol = "http"
  TLS { SDS { ClusterName = "sds", CertResource = "listener-cert" } }
  Services = [{ Name = "web", Hosts = ["*"], TLS { SDS { CertResource = "web-cert" } } }]
}]
"#;
    let (v, notes) = bootstrap(text, "ingress", &[]);
    let c = chains(listener(&v, 8080));
    assert_eq!(c.len(), 1);
    assert_eq!(context(&c[0])["tls_certificate_sds_secret_configs"], sds("sds", "listener-cert"));
    assert!(notes.iter().any(|n| n.contains("`web`") && n.contains("no Hosts")), "{notes:?}");
}

#[test]
fn api_gateway_certificates_inline_and_from_files() {
    let (v, _) = bootstrap(API, "api-gw", &[]);
    let c = chains(listener(&v, 8443));
    // One chain, every certificate in it: Envoy serves the one whose names match the SNI. The
    // Hostname restricts requests by Host (the plan's virtual hosts), not the handshake.
    assert_eq!(c.len(), 1);
    assert!(c[0].get("filter_chain_match").is_none());
    let ctx = context(&c[0]);
    assert_eq!(
        ctx["tls_certificates"],
        json!([
            {
                "certificate_chain": { "inline_string": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" },
                "private_key": { "inline_string": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n" },
            },
            { "certificate_chain": { "filename": "/etc/gw/site.pem" }, "private_key": { "filename": "/etc/gw/site-key.pem" } },
        ])
    );
    assert_eq!(
        ctx["tls_params"],
        json!({
            "tls_minimum_protocol_version": "TLSv1_2",
            "tls_maximum_protocol_version": "TLSv1_3",
            "cipher_suites": ["ECDHE-ECDSA-AES256-GCM-SHA384"],
        })
    );
    assert!(chains(listener(&v, 8080))[0].get("transport_socket").is_none(), "a listener without TLS");
}

#[test]
fn a_missing_certificate_entry_is_an_error() {
    let text = API.replace("Name = \"on-disk\"\nCertificate", "Name = \"elsewhere\"\nCertificate");
    let (ws, c) = workspace(&text);
    match generate(&ws, &c, "api-gw", &opts(&[])) {
        Err(e @ EnvoyError::NoCertificate { .. }) => {
            assert_eq!(
                e.to_string(),
                "api-gateway listener `https` names the file-system-certificate `on-disk`, and the workspace has no such entry"
            )
        }
        other => panic!("{other:?}"),
    }
}

const TERMINATING: &str = r#"
service { name = "billing" address = "10.0.0.5" port = 443 }
---
service { name = "ledger" address = "10.0.0.6" port = 443 }
---
service { name = "legacy" address = "10.0.0.7" port = 80 }
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [
  { Name = "*", CAFile = "/etc/ca.pem", CertFile = "/etc/gw.pem", KeyFile = "/etc/gw-key.pem", SNI = "wild.example.com" },
  { Name = "billing", CAFile = "/etc/billing-ca.pem", SNI = "billing.example.com" },
  { Name = "legacy", DisableAutoHostRewrite = true },
]
"#;

fn linked_cluster<'v>(v: &'v Value, service: &str) -> &'v Value {
    v["static_resources"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"].as_str().unwrap().starts_with(&format!("{service}.default.dc1.internal.")))
        .unwrap_or_else(|| panic!("no cluster for {service}"))
}

#[test]
fn terminating_origination_checks_the_sni_against_the_service_certificate() {
    let (v, _) = bootstrap(TERMINATING, "tgw", &[]);
    // billing: one-way TLS with its own CA; its SNI sent and required among the DNS SANs.
    let billing = &linked_cluster(&v, "billing")["transport_socket"]["typed_config"];
    assert_eq!(billing["sni"], "billing.example.com");
    assert_eq!(
        billing["common_tls_context"],
        json!({ "validation_context": {
            "trusted_ca": { "filename": "/etc/billing-ca.pem" },
            "match_typed_subject_alt_names": [{ "san_type": "DNS", "matcher": { "exact": "billing.example.com" } }],
        } })
    );
    // ledger comes through the wildcard: its mutual TLS and SNI.
    let ledger = &linked_cluster(&v, "ledger")["transport_socket"]["typed_config"];
    assert_eq!(ledger["sni"], "wild.example.com");
    assert_eq!(ledger["common_tls_context"]["tls_certificates"], files("/etc/gw.pem", "/etc/gw-key.pem"));
    assert_eq!(ledger["common_tls_context"]["validation_context"]["trusted_ca"]["filename"], "/etc/ca.pem");
    // legacy is listed by name without TLS settings: the wildcard's do not apply to it.
    assert!(linked_cluster(&v, "legacy").get("transport_socket").is_none());
}

#[test]
fn terminating_http_services_rewrite_host_unless_disabled() {
    let text = format!("{TERMINATING}\n---\nKind = \"service-defaults\"\nName = \"legacy\"\nProtocol = \"http\"\n---\nKind = \"service-defaults\"\nName = \"billing\"\nProtocol = \"http\"\n");
    let (v, _) = bootstrap(&text, "tgw", &[]);
    let l = &v["static_resources"]["listeners"][0];
    let route_of = |service: &str| {
        let chain = chains(l)
            .iter()
            .find(|c| c["filter_chain_match"]["server_names"][0].as_str().unwrap().starts_with(&format!("{service}.")))
            .unwrap_or_else(|| panic!("no chain for {service}"));
        chain["filters"][0]["typed_config"]["route_config"]["virtual_hosts"][0]["routes"][0]["route"].clone()
    };
    assert_eq!(route_of("billing")["auto_host_rewrite"], true);
    assert!(route_of("legacy").get("auto_host_rewrite").is_none());
}
