//! The lines must say what `meshgate envoy` configures (see `crate::envoy::tls`'s tests for the
//! same settings as Envoy JSON): Consul's precedence — listener over gateway field by field, a
//! service's SDS certificate over both for its hosts — and an API gateway listener's certificate
//! entries.

use crate::plan::dial::Dialer;
use crate::plan::gateways::testing::API_GATEWAY_TLS;
use crate::plan::gateways::{GatewayRoutes, RouteTable};
use crate::settings::Settings;

const SERVICES: &str = r#"
service { name = "ingress" kind = "ingress-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "api-gw" kind = "api-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = 8080 connect { native = true } }
---
service { name = "api" address = "127.0.0.1" port = 8081 connect { native = true } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
"#;

/// Every listener's TLS lines (by port), and every route's JWT lines, of gateway `name`.
fn lines(extra: &str, name: &str) -> (Vec<(u16, Vec<String>)>, Vec<String>) {
    let text = format!("{SERVICES}\n---\n{extra}");
    let ws = crate::plan::gateways::testing::workspace(&text);
    let c = crate::plan::compile(&ws, &Settings::default()).expect("compile");
    let dialer = Dialer::new(&ws, &c.plan);
    let security = dialer.security();
    let g: &GatewayRoutes = c.plan.gateways.iter().find(|g| g.gateway.name == name).expect("gateway");
    let (listeners, hosts): (Vec<_>, Vec<_>) = match &g.routes {
        RouteTable::IngressGateway(t) => (
            t.listeners.iter().map(|l| (l.port, security.listener_tls(&g.gateway, l.port, "", l.protocol))).collect(),
            t.listeners.iter().flat_map(|l| l.hosts.clone()).collect(),
        ),
        RouteTable::ApiGateway(t) => (
            t.listeners
                .iter()
                .map(|l| (l.port, security.listener_tls(&g.gateway, l.port, &l.name, l.protocol)))
                .collect(),
            t.listeners.iter().flat_map(|l| l.hosts.clone()).collect(),
        ),
        _ => panic!("not an ingress or API gateway"),
    };
    let jwt = hosts.iter().flat_map(|h| &h.routes).flat_map(|r| security.route_jwt(&g.gateway, r)).collect();
    (listeners, jwt)
}

#[test]
fn ingress_sds_at_each_level_and_a_service_certificate_by_its_hosts() {
    let (listeners, _) = lines(
        r#"
Kind = "ingress-gateway"
Name = "ingress"
TLS { Enabled = true, TLSMinVersion = "TLSv1_2", SDS { ClusterName = "sds-gw", CertResource = "gateway-cert" } }
Listeners = [
  {
    Port = 8080
    Protocol = "http"
    TLS { TLSMaxVersion = "TLSv1_2", SDS { ClusterName = "sds-listener", CertResource = "listener-cert" } }
    Services = [
      { Name = "web", Hosts = ["web.example.com", "*.web.example.com"], TLS { SDS { CertResource = "web-cert" } } },
      { Name = "api", Hosts = ["api.example.com"] },
    ]
  },
  { Port = 8081, Protocol = "http", Services = [{ Name = "api", Hosts = ["api.example.com"] }] },
]
"#,
        "ingress",
    );
    assert_eq!(
        listeners,
        vec![
            (
                8080,
                vec![
                    "TLS, min TLSv1_2, max TLSv1_2".to_string(),
                    "certificate by SDS: cluster sds-listener, resource listener-cert".into(),
                    "service web: certificate by SDS for SNI web.example.com, *.web.example.com: cluster sds-listener, resource web-cert".into(),
                    "per-host certificates from <cert-dir>/ingress/<host>.pem if present (`*` written `_`), chosen by SNI: api.example.com".into(),
                ]
            ),
            (
                8081,
                vec![
                    "TLS, min TLSv1_2".to_string(),
                    "certificate by SDS: cluster sds-gw, resource gateway-cert".into(),
                    "per-host certificates from <cert-dir>/ingress/<host>.pem if present (`*` written `_`), chosen by SNI: api.example.com".into(),
                ]
            ),
        ]
    );
}

#[test]
fn a_plain_ingress_listener_has_no_tls_lines() {
    let (listeners, _) = lines(
        "Kind = \"ingress-gateway\"\nName = \"ingress\"\nListeners = [{ Port = 8080, Protocol = \"http\", Services = [{ Name = \"web\" }] }]\n",
        "ingress",
    );
    assert_eq!(listeners, vec![(8080, Vec::<String>::new())]);
}

#[test]
fn api_gateway_listener_names_its_certificate_entries() {
    let (listeners, _) = lines(API_GATEWAY_TLS, "api-gw");
    let https = listeners.iter().find(|(p, _)| *p == 8443).map(|(_, l)| l.clone());
    assert_eq!(
        https,
        Some(vec![
            "TLS, min TLSv1_2, max TLSv1_3, ciphers TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384".to_string(),
            "certificates (chosen by SNI): inline-certificate inline, file-system-certificate on-disk".into(),
        ])
    );
    assert_eq!(listeners.iter().find(|(p, _)| *p == 8080).map(|(_, l)| l.len()), Some(0));
}

#[test]
fn jwt_of_the_deciding_intention_only() {
    // Consul: the highest-precedence matching intention decides, so a later wildcard intention's
    // JWT block never applies to ingress → web.
    let (_, jwt) = lines(
        r#"
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web" }] }]
---
Kind = "jwt-provider"
Name = "okta"
Issuer = "https://okta.example.com"
JSONWebKeySet = { Local = { JWKS = "eyJrZXlzIjpbXX0=" } }
---
Kind = "service-intentions"
Name = "web"
JWT { Providers = [{ Name = "okta" }, { Name = "okta", VerifyClaims = [{ Path = ["perms", "role"], Value = "admin" }] }] }
Sources = [{ Name = "ingress", Action = "allow" }]
---
Kind = "service-intentions"
Name = "*"
JWT { Providers = [{ Name = "okta", VerifyClaims = [{ Path = ["never"], Value = "shown" }] }] }
Sources = [{ Name = "ingress", Action = "allow" }]
"#,
        "ingress",
    );
    assert_eq!(
        jwt,
        vec!["JWT for web (intention ingress → web): provider okta, or provider okta with perms.role=admin".to_string()]
    );
}
