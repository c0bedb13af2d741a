use super::*;
use crate::json::json;
use crate::model::testing::entry;
use crate::model::ConfigEntry;

fn provider_of(text: &str) -> JwtProvider {
    match entry("p.hcl", text) {
        ConfigEntry::JwtProvider(p) => p,
        other => panic!("not a jwt-provider: {other:?}"),
    }
}

fn map(text: &str) -> (Value, std::collections::BTreeMap<String, Value>, Vec<String>) {
    let (mut clusters, mut notes) = (crate::envoy::Clusters::default(), Vec::new());
    let v = provider(&provider_of(text), &mut clusters, &mut notes).unwrap_or_default();
    (v, clusters.items.into_iter().collect(), notes)
}

#[test]
fn a_local_key_set_is_inlined_decoded_with_every_token_setting() {
    // base64 of {"keys":[]}
    let (v, clusters, _) = map(r#"Kind = "jwt-provider"
Name = "okta"
Issuer = "https://okta.example.com"
Audiences = ["billing", "store"]
JSONWebKeySet { Local { JWKS = "eyJrZXlzIjpbXX0=" } }
Locations = [
  { Header = { Name = "Authorization", ValuePrefix = "Bearer ", Forward = true } },
  { QueryParam = { Name = "access_token" } },
  { Cookie = { Name = "session" } },
]
Forwarding = { HeaderName = "x-jwt-payload", PadForwardPayloadHeader = true }
ClockSkewSeconds = 45
CacheConfig = { Size = 100 }
"#);
    assert!(clusters.is_empty());
    let want = json!({
        "local_jwks": { "inline_string": "{\"keys\":[]}" },
        "issuer": "https://okta.example.com",
        "audiences": ["billing", "store"],
        "from_headers": [{ "name": "Authorization", "value_prefix": "Bearer " }],
        "from_params": ["access_token"],
        "from_cookies": ["session"],
        "forward": true,
        "forward_payload_header": "x-jwt-payload",
        "pad_forward_payload_header": true,
        "clock_skew_seconds": 45,
        "jwt_cache_config": { "jwt_cache_size": 100 },
        "payload_in_metadata": "okta",
    });
    assert_eq!(v, want);
}

#[test]
fn defaults_are_consuls_and_a_file_is_read_by_envoy() {
    let (v, _, _) =
        map("Kind = \"jwt-provider\"\nName = \"f\"\nJSONWebKeySet { Local { Filename = \"/etc/jwks.json\" } }\n");
    let want = json!({
        "local_jwks": { "filename": "/etc/jwks.json" },
        "clock_skew_seconds": 30,
        "payload_in_metadata": "f",
    });
    assert_eq!(v, want);
}

#[test]
fn a_remote_key_set_gets_its_own_cluster_with_tls_for_https() {
    let (v, clusters, notes) = map(r#"Kind = "jwt-provider"
Name = "okta"
JSONWebKeySet {
  Remote {
    URI = "https://okta.example.com:8443/oauth2/v1/keys"
    RequestTimeoutMs = 1500
    CacheDuration = "10m"
    FetchAsynchronously = true
    UseSNI = true
    RetryPolicy { NumRetries = 3, RetryPolicyBackOff { BaseInterval = "1s", MaxInterval = "10s" } }
    JWKSCluster {
      ConnectTimeout = "2s"
      TLSCertificates { TrustedCA { Filename = "/etc/ssl/okta-ca.pem" } }
    }
  }
}
"#);
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(
        v["remote_jwks"],
        json!({
            "http_uri": { "uri": "https://okta.example.com:8443/oauth2/v1/keys", "cluster": "meshgate_jwks_okta", "timeout": "1.5s" },
            "cache_duration": "600s",
            "async_fetch": {},
            "retry_policy": { "num_retries": 3, "retry_back_off": { "base_interval": "1s", "max_interval": "10s" } },
        })
    );
    let c = &clusters["meshgate_jwks_okta"];
    assert_eq!((c["type"].as_str(), c["connect_timeout"].as_str()), (Some("STRICT_DNS"), Some("2s")));
    let address = &c["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]["socket_address"];
    assert_eq!(address, &json!({ "address": "okta.example.com", "port_value": 8443 }));
    let tls = &c["transport_socket"]["typed_config"];
    assert_eq!(tls["sni"], "okta.example.com");
    assert_eq!(tls["common_tls_context"]["validation_context"]["trusted_ca"]["filename"], "/etc/ssl/okta-ca.pem");
}

#[test]
fn plain_http_to_an_address_is_a_static_cluster_without_tls() {
    let (v, clusters, _) =
        map("Kind = \"jwt-provider\"\nName = \"k\"\nJSONWebKeySet { Remote { URI = \"http://127.0.0.1/keys\" } }\n");
    assert_eq!(v["remote_jwks"]["http_uri"]["timeout"], "1s");
    assert_eq!(v["remote_jwks"]["cache_duration"], "300s");
    let c = &clusters["meshgate_jwks_k"];
    assert_eq!(c["type"], "STATIC");
    assert!(c.get("transport_socket").is_none());
    assert_eq!(
        c["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]["socket_address"]["port_value"],
        80
    );
}

#[test]
fn uris_durations_and_base64() {
    assert!(parse_uri("ftp://x/keys").is_none());
    assert!(parse_uri("https:///keys").is_none());
    let u = parse_uri("https://[::1]/k").unwrap_or_else(|| panic!("v6"));
    assert_eq!((u.host.as_str(), u.port, u.tls), ("::1", 443, true));
    assert_eq!(envoy_duration(Duration { nanos: 250_000_000 }), "0.25s");
    assert_eq!(decode_base64("YWJj\nZA=="), Some(b"abcd".to_vec()));
    assert_eq!(decode_base64("a-b"), None);
}

#[test]
fn a_sidecar_verifies_on_its_public_listener_only() {
    let text = r#"
service {
  name = "web"
  address = "127.0.0.1"
  port = 8080
  connect { sidecar_service { port = 21080, proxy { upstreams = [{ destination_name = "api", local_bind_port = 9191 }] } } }
}
---
service { name = "api" address = "127.0.0.1" port = 9001 connect { sidecar_service { port = 21001 } } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "jwt-provider"
Name = "okta"
JSONWebKeySet { Local { Filename = "/etc/jwks.json" } }
---
Kind = "service-intentions"
Name = "web"
JWT { Providers = [{ Name = "okta" }] }
Sources = [{ Name = "*", Action = "allow" }]
"#;
    let files = text.split("\n---\n").enumerate().map(|(i, t)| crate::workspace::InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    assert!(!ws.has_errors(), "{:?}", ws.resolved_diagnostics());
    let c = crate::plan::compile(&ws, &crate::settings::Settings::default()).unwrap_or_else(|e| panic!("{e:?}"));
    let opts = crate::envoy::Options {
        wasm: "/x/filter.wasm".into(),
        host: Default::default(),
        admin_port: 19000,
        cert_dir: Some("/certs".into()),
        cert_files: Vec::new(),
        ecds_dir: None,
        health_port: None,
        sidecar: true,
    };
    let g = crate::envoy::generate(&ws, &c, "web", &opts).unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_str(&g.bootstrap).unwrap_or_default();
    let listeners = v["static_resources"]["listeners"].as_array().cloned().unwrap_or_default();
    let with_jwt: Vec<&str> =
        listeners.iter().filter(|l| l.to_string().contains(JWT_AUTHN)).filter_map(|l| l["name"].as_str()).collect();
    // The public listener verifies first; the upstream listener (9191) leaves the token for api.
    assert_eq!(with_jwt.len(), 1, "{with_jwt:?}");
    assert!(with_jwt[0].contains(":public:"), "{with_jwt:?}");
    assert_eq!(listeners.len(), 2);
    let public = &listeners.iter().find(|l| l["name"].as_str() == Some(with_jwt[0])).cloned().unwrap_or_default();
    let filters = &public["filter_chains"][0]["filters"][0]["typed_config"]["http_filters"];
    assert_eq!(filters[0]["name"], JWT_AUTHN);
    assert_eq!(filters[1]["name"], "envoy.filters.http.wasm");

    // The dynamic module reads the payloads from filter state: set_filter_state copies
    // jwt_authn's namespace there, between the two, read-only.
    let opts = crate::envoy::Options { host: crate::envoy::FilterHost::DynamicModule("/x/m.so".into()), ..opts };
    let g = crate::envoy::generate(&ws, &c, "web", &opts).unwrap_or_else(|e| panic!("{e}"));
    let v: Value = serde_json::from_str(&g.bootstrap).unwrap_or_default();
    let listeners = v["static_resources"]["listeners"].as_array().cloned().unwrap_or_default();
    let public = listeners.iter().find(|l| l["name"].as_str().is_some_and(|n| n.contains(":public:")));
    let filters =
        &public.cloned().unwrap_or_default()["filter_chains"][0]["filters"][0]["typed_config"]["http_filters"];
    let names: Vec<&str> = filters.as_array().into_iter().flatten().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            JWT_AUTHN,
            "envoy.filters.http.set_filter_state",
            "envoy.filters.http.dynamic_modules",
            "envoy.filters.http.router"
        ]
    );
    let copy = &filters[1]["typed_config"]["on_request_headers"][0];
    assert_eq!(copy["object_key"], PAYLOADS_STATE);
    assert_eq!(copy["read_only"], true);
    assert_eq!(
        copy["format_string"]["text_format_source"]["inline_string"],
        "%DYNAMIC_METADATA(envoy.filters.http.jwt_authn)%"
    );
    // Outbound (the upstream listener) neither verifies nor copies.
    assert_eq!(g.bootstrap.matches("set_filter_state").count(), 2, "the filter's name and its type");
}
