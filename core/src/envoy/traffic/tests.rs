use super::*;
use crate::envoy::{generate, Options};
use crate::json::json;
use crate::settings::Settings;
use crate::workspace::{InputFile, Workspace};

const WS: &str = r#"
service { name = "ingress" kind = "ingress-gateway" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = 8080 connect { native = true } }
---
service { name = "api" address = "127.0.0.1" port = 9001 connect { native = true } }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "service-router"
Name = "web"
Routes = [
  {
    Match { HTTP { PathPrefix = "/slow" } }
    Destination {
      Service = "api"
      RequestTimeout = "1500ms"
      IdleTimeout = "30s"
      NumRetries = 3
      RetryOn = ["gateway-error", "connect-failure"]
      RetryOnConnectFailure = true
      RetryOnStatusCodes = [503, 429]
    }
  },
  { Match { HTTP { PathPrefix = "/once" } }, Destination { Service = "api", RetryOnConnectFailure = true } },
]
---
Kind = "service-resolver"
Name = "api"
ConnectTimeout = "2s"
LoadBalancer {
  Policy = "ring_hash"
  RingHashConfig { MinimumRingSize = 1024, MaximumRingSize = 4096 }
  HashPolicies = [
    { Field = "header", FieldValue = "x-user" },
    { Field = "cookie", FieldValue = "session", CookieConfig { TTL = "1h", Path = "/" } },
    { Field = "query_parameter", FieldValue = "u" },
    { SourceIP = true, Terminal = true },
  ]
}
---
Kind = "service-resolver"
Name = "web"
LoadBalancer { Policy = "least_request", LeastRequestConfig { ChoiceCount = 4 } }
---
Kind = "ingress-gateway"
Name = "ingress"
Defaults { MaxConnections = 10, MaxPendingRequests = 5, PassiveHealthCheck { Interval = "2s", MaxFailures = 3 } }
Listeners = [{
  Port = 8080
  Protocol = "http"
  Services = [{
    Name = "web"
    MaxConcurrentRequests = 7
    PassiveHealthCheck { MaxFailures = 2, EnforcingConsecutive5xx = 100, MaxEjectionPercent = 50, BaseEjectionTime = "10s" }
  }]
}]
"#;

fn bootstrap() -> Value {
    let files = WS.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    assert!(!ws.has_errors(), "{:?}", ws.resolved_diagnostics());
    let c = crate::plan::compile(&ws, &Settings::default()).unwrap();
    let opts = Options {
        wasm: "/filter.wasm".into(),
        host: Default::default(),
        admin_port: 19000,
        cert_dir: Some("/certs".into()),
        ecds_dir: None,
        health_port: None,
        sidecar: false,
        cert_files: Vec::new(),
    };
    let g = generate(&ws, &c, "ingress", &opts).unwrap();
    serde_json::from_str(&g.bootstrap).unwrap()
}

fn routes(v: &Value) -> &Vec<Value> {
    v.pointer(
        "/static_resources/listeners/0/filter_chains/0/filters/0/typed_config/route_config/virtual_hosts/0/routes",
    )
    .and_then(Value::as_array)
    .unwrap()
}

fn cluster<'v>(v: &'v Value, name: &str) -> &'v Value {
    v["static_resources"]["clusters"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()
}

#[test]
fn router_destinations_become_envoy_routes_keyed_by_the_route_header() {
    let v = bootstrap();
    let routes = routes(&v);
    // /slow, /once (the catch-all to web has web's least_request balancer: not hash based, so
    // no policy), then the catch-all that routes every other request.
    assert_eq!(routes.len(), 3, "{routes:#?}");
    let slow = &routes[0];
    assert_eq!(slow["match"]["headers"][0]["name"], ROUTE_HEADER);
    assert_eq!(slow["match"]["headers"][0]["string_match"]["exact"], "0.0");
    assert_eq!(slow["request_headers_to_remove"], json!([ROUTING_HEADER, ROUTE_HEADER]));
    let action = &slow["route"];
    assert_eq!(action["cluster_header"], ROUTING_HEADER);
    assert_eq!(action["timeout"], "1.500000000s");
    assert_eq!(action["idle_timeout"], "30s");
    // RetryOn as written, connect-failure once (it is in RetryOn already), then the status codes.
    assert_eq!(action["retry_policy"]["retry_on"], "gateway-error,connect-failure,retriable-status-codes");
    assert_eq!(action["retry_policy"]["retriable_status_codes"], json!([503, 429]));
    assert_eq!(action["retry_policy"]["num_retries"], 3);
    // The route reaches api's ring-hash resolver: its hash policies, in order.
    assert_eq!(
        action["hash_policy"],
        json!([
            { "header": { "header_name": "x-user" } },
            { "cookie": { "name": "session", "ttl": "3600s", "path": "/" } },
            { "query_parameter": { "name": "u" } },
            { "connection_properties": { "source_ip": true }, "terminal": true },
        ])
    );
    // NumRetries unset with RetryOnConnectFailure: no num_retries, so Envoy's default (1).
    let once = &routes[1]["route"];
    assert_eq!(routes[1]["match"]["headers"][0]["string_match"]["exact"], "0.1");
    assert_eq!(once["retry_policy"], json!({ "retry_on": "connect-failure" }));
    assert_eq!(routes[2]["route"], json!({ "cluster_header": ROUTING_HEADER }));
    assert_eq!(routes[2]["request_headers_to_remove"], json!([ROUTING_HEADER, ROUTE_HEADER]));
}

#[test]
fn clusters_carry_the_resolver_and_ingress_policies() {
    let v = bootstrap();
    let api = cluster(&v, "api.default.default.dc1");
    assert_eq!(api["connect_timeout"], "2s");
    assert_eq!(api["lb_policy"], "RING_HASH");
    assert_eq!(api["ring_hash_lb_config"], json!({ "minimum_ring_size": 1024, "maximum_ring_size": 4096 }));
    let web = cluster(&v, "web.default.default.dc1");
    assert_eq!(web["connect_timeout"], "5s");
    assert_eq!(web["lb_policy"], "LEAST_REQUEST");
    assert_eq!(web["least_request_lb_config"], json!({ "choice_count": 4 }));
    // The service's own MaxConcurrentRequests and PassiveHealthCheck; Defaults for the rest (a
    // service's PassiveHealthCheck replaces the Defaults' one whole).
    for c in [api, web] {
        assert_eq!(
            c["circuit_breakers"],
            json!({ "thresholds": [{ "max_connections": 10, "max_pending_requests": 5, "max_requests": 7 }] })
        );
        assert_eq!(
            c["outlier_detection"],
            json!({
                "consecutive_5xx": 2,
                "enforcing_consecutive_5xx": 100,
                "max_ejection_percent": 50,
                "base_ejection_time": "10s",
            })
        );
    }
}

#[test]
fn retry_defaults_follow_consul() {
    // Only NumRetries: Consul writes no condition, so Envoy retries nothing.
    let r = Retry { num_retries: Some(2), ..Retry::default() };
    assert_eq!(retry_policy(&r), json!({ "retry_on": "", "num_retries": 2 }));
    let r = Retry { on_status_codes: vec![503], ..Retry::default() };
    assert_eq!(retry_policy(&r), json!({ "retry_on": "retriable-status-codes", "retriable_status_codes": [503] }));
    let r = Retry { on: vec!["5xx".into()], on_connect_failure: true, ..Retry::default() };
    assert_eq!(retry_policy(&r)["retry_on"], "5xx,connect-failure");
}

#[test]
fn durations_are_envoy_seconds() {
    assert_eq!(duration("15s").as_deref(), Some("15s"));
    assert_eq!(duration("1m30s").as_deref(), Some("90s"));
    assert_eq!(duration("250ms").as_deref(), Some("0.250000000s"));
    assert_eq!(duration("nonsense"), None);
}
