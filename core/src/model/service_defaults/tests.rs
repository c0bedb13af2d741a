use super::*;
use crate::model::testing::{check, positions as diags};
use crate::model::{ConfigEntry, Document};
use crate::workspace::Workspace;

fn entry(ws: &Workspace) -> &ServiceDefaults {
    match ws.documents.as_slice() {
        [Document::Entry(ConfigEntry::ServiceDefaults(e))] => e,
        other => panic!("expected one service-defaults entry, got {other:?}"),
    }
}

fn d(code: &str, line: u32, col: u32) -> (String, u32, u32) {
    (code.to_string(), line, col)
}

const FULL_HCL: &str = r#"
Kind      = "service-defaults"
Name      = "billing"
Namespace = "default"
Partition = "default"
Meta = {
  owner = "payments-team"
}
Protocol                  = "http"
BalanceInboundConnections = "exact_balance"
Mode                      = "transparent"
RateLimits {
  InstanceLevel {
    RequestsPerSecond = 1000
    RequestsMaxBurst  = 1500
    Routes = [
      {
        PathPrefix        = "/admin"
        RequestsPerSecond = 20
      },
      {
        PathExact         = "/login"
        RequestsPerSecond = 100
        RequestsMaxBurst  = 500
      }
    ]
  }
}
UpstreamConfig {
  Overrides = [
    {
      Name             = "counting"
      Namespace        = "backend"
      Partition        = "default"
      Peer             = "east"
      Protocol         = "grpc"
      ConnectTimeoutMs = 2500
      MeshGateway {
        Mode = "remote"
      }
      BalanceOutboundConnections = "exact_balance"
      Limits {
        MaxConnections        = 64
        MaxPendingRequests    = 128
        MaxConcurrentRequests = 256
      }
      PassiveHealthCheck {
        Interval                = "10s"
        MaxFailures             = 5
        EnforcingConsecutive5xx = 100
        MaxEjectionPercent      = 10
        BaseEjectionTime        = "30s"
      }
      EnvoyClusterJSON = "{\"name\": \"counting\"}"
    }
  ]
  Defaults {
    Protocol         = "http"
    ConnectTimeoutMs = 5000
    MeshGateway {
      Mode = "local"
    }
    Limits {
      MaxConnections = 512
    }
    PassiveHealthCheck {
      Interval    = "1m30s"
      MaxFailures = 3
    }
  }
}
TransparentProxy {
  OutboundListenerPort = 15001
  DialedDirectly       = false
}
MutualTLSMode = "strict"
EnvoyExtensions = [
  {
    Name     = "builtin/lua"
    Required = true
    Arguments = {
      ProxyType = "connect-proxy"
      Listener  = "inbound"
      Script    = "function envoy_on_request(h) end"
    }
    ConsulVersion = ">= 1.15"
    EnvoyVersion  = ">= 1.24"
  }
]
MaxInboundConnections = 100
LocalConnectTimeoutMs = 5000
LocalRequestTimeoutMs = 15000
MeshGateway {
  Mode = "local"
}
ExternalSNI = "billing.example.com"
Expose {
  Checks = true
  Paths = [
    {
      Path          = "/metrics"
      LocalPathPort = 8080
      ListenerPort  = 21500
      Protocol      = "http"
    }
  ]
}
"#;

const FULL_JSON: &str = r#"{
  "Kind": "service-defaults",
  "Name": "billing",
  "Namespace": "default",
  "Partition": "default",
  "Meta": { "owner": "payments-team" },
  "Protocol": "http",
  "BalanceInboundConnections": "exact_balance",
  "Mode": "transparent",
  "RateLimits": {
    "InstanceLevel": {
      "RequestsPerSecond": 1000,
      "RequestsMaxBurst": 1500,
      "Routes": [
        { "PathPrefix": "/admin", "RequestsPerSecond": 20 },
        { "PathExact": "/login", "RequestsPerSecond": 100, "RequestsMaxBurst": 500 }
      ]
    }
  },
  "UpstreamConfig": {
    "Overrides": [
      {
        "Name": "counting",
        "Namespace": "backend",
        "Partition": "default",
        "Peer": "east",
        "Protocol": "grpc",
        "ConnectTimeoutMs": 2500,
        "MeshGateway": { "Mode": "remote" },
        "BalanceOutboundConnections": "exact_balance",
        "Limits": { "MaxConnections": 64, "MaxPendingRequests": 128, "MaxConcurrentRequests": 256 },
        "PassiveHealthCheck": {
          "Interval": "10s",
          "MaxFailures": 5,
          "EnforcingConsecutive5xx": 100,
          "MaxEjectionPercent": 10,
          "BaseEjectionTime": "30s"
        },
        "EnvoyClusterJSON": "{\"name\": \"counting\"}"
      }
    ],
    "Defaults": {
      "Protocol": "http",
      "ConnectTimeoutMs": 5000,
      "MeshGateway": { "Mode": "local" },
      "Limits": { "MaxConnections": 512 },
      "PassiveHealthCheck": { "Interval": "1m30s", "MaxFailures": 3 }
    }
  },
  "TransparentProxy": { "OutboundListenerPort": 15001, "DialedDirectly": false },
  "MutualTLSMode": "strict",
  "EnvoyExtensions": [
    {
      "Name": "builtin/lua",
      "Required": true,
      "Arguments": {
        "ProxyType": "connect-proxy",
        "Listener": "inbound",
        "Script": "function envoy_on_request(h) end"
      },
      "ConsulVersion": ">= 1.15",
      "EnvoyVersion": ">= 1.24"
    }
  ],
  "MaxInboundConnections": 100,
  "LocalConnectTimeoutMs": 5000,
  "LocalRequestTimeoutMs": 15000,
  "MeshGateway": { "Mode": "local" },
  "ExternalSNI": "billing.example.com",
  "Expose": {
    "Checks": true,
    "Paths": [ { "Path": "/metrics", "LocalPathPort": 8080, "ListenerPort": 21500, "Protocol": "http" } ]
  }
}
"#;

const FULL_YAML: &str = r#"
kind: service-defaults
name: billing
namespace: default
partition: default
meta:
  owner: payments-team
protocol: http
balanceInboundConnections: exact_balance
mode: transparent
rateLimits:
  instanceLevel:
    requestsPerSecond: 1000
    requestsMaxBurst: 1500
    routes:
      - pathPrefix: /admin
        requestsPerSecond: 20
      - pathExact: /login
        requestsPerSecond: 100
        requestsMaxBurst: 500
upstreamConfig:
  overrides:
    - name: counting
      namespace: backend
      partition: default
      peer: east
      protocol: grpc
      connectTimeoutMs: 2500
      meshGateway:
        mode: remote
      balanceOutboundConnections: exact_balance
      limits:
        maxConnections: 64
        maxPendingRequests: 128
        maxConcurrentRequests: 256
      passiveHealthCheck:
        interval: 10s
        maxFailures: 5
        enforcingConsecutive5xx: 100
        maxEjectionPercent: 10
        baseEjectionTime: 30s
      envoyClusterJSON: '{"name": "counting"}'
  defaults:
    protocol: http
    connectTimeoutMs: 5000
    meshGateway:
      mode: local
    limits:
      maxConnections: 512
    passiveHealthCheck:
      interval: 1m30s
      maxFailures: 3
transparentProxy:
  outboundListenerPort: 15001
  dialedDirectly: false
mutualTLSMode: strict
envoyExtensions:
  - name: builtin/lua
    required: true
    arguments:
      ProxyType: connect-proxy
      Listener: inbound
      Script: function envoy_on_request(h) end
    consulVersion: ">= 1.15"
    envoyVersion: ">= 1.24"
maxInboundConnections: 100
localConnectTimeoutMs: 5000
localRequestTimeoutMs: 15000
meshGateway:
  mode: local
externalSNI: billing.example.com
expose:
  checks: true
  paths:
    - path: /metrics
      localPathPort: 8080
      listenerPort: 21500
      protocol: http
"#;

#[test]
fn the_full_example_reads_alike_in_hcl_json_and_yaml() {
    let hcl = Workspace::from_text("sd.hcl", FULL_HCL);
    let json = Workspace::from_text("sd.json", FULL_JSON);
    let yaml = Workspace::from_text("sd.yaml", FULL_YAML);
    for ws in [&hcl, &json, &yaml] {
        assert!(crate::model::testing::rules(ws).is_empty(), "{:?}", crate::model::testing::resolved_rules(ws));
    }
    assert_eq!(entry(&hcl), entry(&json));
    assert_eq!(entry(&hcl), entry(&yaml));

    let e = entry(&hcl);
    assert_eq!(e.protocol(), Some("http"));
    assert_eq!(e.mode, ProxyMode::Transparent);
    assert_eq!(e.mutual_tls_mode, MutualTlsMode::Strict);
    assert_eq!(e.balance_inbound_connections, ConnectionBalance::ExactBalance);
    let upstreams = e.upstream_config.as_ref().expect("upstream config");
    let counting = upstreams.overrides.first().expect("override");
    assert_eq!(counting.protocol(), Some("grpc"));
    let check = counting.passive_health_check.as_ref().expect("passive health check");
    assert_eq!(check.interval, Duration::from_secs(10));
    assert_eq!(check.max_failures, 5);
    assert_eq!(check.base_ejection_time, Some(Duration::from_secs(30)));
    let defaults = upstreams.defaults.as_ref().and_then(|d| d.passive_health_check.as_ref());
    assert_eq!(defaults.map(|c| c.interval), Some(Duration::from_secs(90)));
    let routes = &e.rate_limits.as_ref().and_then(|r| r.instance_level.as_ref()).expect("instance level").routes;
    assert_eq!(routes.len(), 2);
    assert_eq!(e.envoy_extensions.first().map(|x| x.name.as_str()), Some("builtin/lua"));
    assert_eq!(e.expose.as_ref().map(|x| x.paths.len()), Some(1));
}

#[test]
fn it_serializes_with_consul_spelling() {
    let ws = Workspace::from_text("sd.hcl", FULL_HCL);
    let v = serde_json::to_value(entry(&ws)).expect("serialize");
    assert_eq!(v["MutualTLSMode"], "strict");
    assert_eq!(v["ExternalSNI"], "billing.example.com");
    assert_eq!(v["UpstreamConfig"]["Overrides"][0]["EnvoyClusterJSON"], "{\"name\": \"counting\"}");
    assert_eq!(v["UpstreamConfig"]["Overrides"][0]["PassiveHealthCheck"]["EnforcingConsecutive5xx"], 100);
    assert_eq!(v["UpstreamConfig"]["Defaults"]["PassiveHealthCheck"]["Interval"], "1m30s");
    assert_eq!(v["RateLimits"]["InstanceLevel"]["Routes"][0]["PathPrefix"], "/admin");
    assert!(v.get("Destination").is_none());
}

#[test]
fn the_documented_destination_example_validates() {
    let ws = Workspace::from_text(
        "dest.hcl",
        r#"
Kind = "service-defaults"
Name = "test-destination"
Protocol = "tcp"
Destination {
  Addresses = ["test.com", "test.org", "10.0.0.7"]
  Port = 443
}
"#,
    );
    assert!(crate::model::testing::rules(&ws).is_empty(), "{:?}", crate::model::testing::resolved_rules(&ws));
    let dest = entry(&ws).destination.as_ref().expect("destination");
    let addresses: Vec<&str> = dest.addresses.iter().map(|a| a.value.as_str()).collect();
    assert_eq!(addresses, ["test.com", "test.org", "10.0.0.7"]);
    assert_eq!(dest.port, Some(443));
}

#[test]
fn overrides_match_name_namespace_partition_and_peer() {
    let ws = Workspace::from_text(
        "o.hcl",
        r#"
Kind = "service-defaults"
Name = "dashboard"
Namespace = "product"
MeshGateway { Mode = "none" }
UpstreamConfig {
  Defaults { MeshGateway { Mode = "local" } }
  Overrides = [
    { Name = "counting", MeshGateway { Mode = "remote" } },
    { Name = "counting", Namespace = "backend", Peer = "east", Protocol = "HTTP2" },
  ]
}
"#,
    );
    assert!(crate::model::testing::rules(&ws).is_empty(), "{:?}", crate::model::testing::resolved_rules(&ws));
    let e = entry(&ws);
    assert_eq!(e.mesh_gateway_mode(), MeshGatewayMode::None);
    assert_eq!(e.upstream_defaults_mesh_gateway_mode(), MeshGatewayMode::Local);

    // Without a namespace the override takes the entry's namespace (`product`), not `default`.
    let local = UpstreamRef { name: "counting", namespace: "product", ..UpstreamRef::default() };
    assert_eq!(e.upstream_override(&local).map(|o| o.mesh_gateway.mode), Some(MeshGatewayMode::Remote));
    assert!(e.upstream_override(&UpstreamRef::named("counting")).is_none());
    assert_eq!(e.upstream_mesh_gateway_mode(&local), MeshGatewayMode::Remote);
    // No override: UpstreamConfig.Defaults wins over the top level.
    assert_eq!(e.upstream_mesh_gateway_mode(&UpstreamRef::named("other")), MeshGatewayMode::Local);

    let peered = UpstreamRef { name: "counting", namespace: "backend", partition: "", peer: "east" };
    let o = e.upstream_override(&peered).expect("peered override");
    assert_eq!(o.protocol(), Some("http2"));
    // The peered override has no mesh gateway mode: Defaults decides.
    assert_eq!(e.upstream_mesh_gateway_mode(&peered), MeshGatewayMode::Local);
    let other_peer = UpstreamRef { peer: "west", ..peered };
    assert!(e.upstream_override(&other_peer).is_none());
}

#[test]
fn unset_protocol_and_modes_are_none_or_unset() {
    let ws = Workspace::from_text("m.hcl", "Kind = \"service-defaults\"\nName = \"web\"\n");
    assert!(crate::model::testing::rules(&ws).is_empty(), "{:?}", crate::model::testing::resolved_rules(&ws));
    let e = entry(&ws);
    assert_eq!(e.protocol(), None);
    assert_eq!(e.mesh_gateway_mode(), MeshGatewayMode::Unset);
    assert_eq!(e.upstream_defaults_mesh_gateway_mode(), MeshGatewayMode::Unset);
    assert_eq!(e.upstream_mesh_gateway_mode(&UpstreamRef::named("x")), MeshGatewayMode::Unset);
    let v = serde_json::to_value(e).expect("serialize");
    assert_eq!(v, serde_json::json!({ "Kind": "service-defaults", "Name": "web" }), "an entry writes its own Kind");
}

#[test]
fn name_is_required_and_not_a_wildcard() {
    assert_eq!(check("a.hcl", "Kind = \"service-defaults\"\nProtocol = \"http\"\n"), [d("E0203", 1, 1)]);
    assert_eq!(check("a.hcl", "Kind = \"service-defaults\"\nName = \"*\"\n"), [d("E0324", 2, 8)]);
    assert_eq!(check("a.hcl", "Kind = \"service-defaults\"\nName = \"we b\"\n"), [d("E0301", 2, 8)]);
}

#[test]
fn protocol_must_be_known() {
    let ws = Workspace::from_text("p.hcl", "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"htp\"\n");
    assert_eq!(diags(&ws), [d("E0314", 3, 12)]);
    assert_eq!(ws.diagnostics[0].notes, ["help: did you mean \"http\"?"]);
    // Consul lower-cases protocols.
    assert!(check("p.hcl", "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"GRPC\"\n").is_empty());
    let up = "Kind = \"service-defaults\"\nName = \"web\"\nUpstreamConfig {\n  Defaults { Protocol = \"udp\" }\n}\n";
    assert_eq!(check("p.hcl", up), [d("E0314", 4, 25)]);
}

#[test]
fn balance_strategies_are_a_closed_set() {
    let text = "Kind = \"service-defaults\"\nName = \"web\"\nBalanceInboundConnections = \"round_robin\"\n";
    assert_eq!(check("b.hcl", text), [d("E0205", 3, 29)]);
}

#[test]
fn upstream_config_and_destination_are_exclusive() {
    let text = r#"Kind = "service-defaults"
Name = "ext"
UpstreamConfig {
  Defaults { ConnectTimeoutMs = 1000 }
}
Destination {
  Addresses = ["example.com"]
  Port = 443
}
"#;
    assert_eq!(check("x.hcl", text), [d("E0316", 6, 13)]);
}

#[test]
fn overrides_need_a_name_and_no_wildcards() {
    let text = r#"Kind = "service-defaults"
Name = "web"
UpstreamConfig {
  Overrides = [
    { Protocol = "http" },
    { Name = "*" },
    { Name = "api", Namespace = "*", Peer = "*" },
  ]
}
"#;
    assert_eq!(check("o.hcl", text), [d("E0203", 5, 5), d("E0324", 6, 14), d("E0324", 7, 33), d("E0324", 7, 45)]);
}

#[test]
fn two_overrides_for_one_upstream_are_an_error() {
    let text = r#"Kind = "service-defaults"
Name = "web"
Namespace = "shop"
UpstreamConfig {
  Overrides = [
    { Name = "api", ConnectTimeoutMs = 100 },
    { Name = "api", Namespace = "other" },
    { Name = "api", Namespace = "shop", ConnectTimeoutMs = 200 },
  ]
}
"#;
    let ws = Workspace::from_text("o.hcl", text);
    assert_eq!(diags(&ws), [d("E0326", 8, 14)]);
    assert!(ws.diagnostics[0].message.contains("#1 and #3"), "{}", ws.diagnostics[0].message);
}

#[test]
fn defaults_cannot_name_an_upstream() {
    let text = r#"Kind = "service-defaults"
Name = "web"
UpstreamConfig {
  Defaults {
    Name = "api"
    Peer = "east"
    ConnectTimeoutMs = 100
  }
}
"#;
    let ws = Workspace::from_text("o.hcl", text);
    assert_eq!(diags(&ws), [d("E0325", 5, 12), d("E0325", 6, 12)]);
    assert!(ws.diagnostics[0].notes[0].contains("Overrides"), "{:?}", ws.diagnostics[0].notes);
}

#[test]
fn passive_health_check_percentages_stop_at_100() {
    let text = r#"Kind = "service-defaults"
Name = "web"
UpstreamConfig {
  Defaults {
    PassiveHealthCheck {
      EnforcingConsecutive5xx = 101
      MaxEjectionPercent      = 250
    }
  }
}
"#;
    assert_eq!(check("h.hcl", text), [d("E0207", 6, 33), d("E0207", 7, 33)]);
    // A negative count is a decoding error (and then the entry's rules are not checked).
    let negative = "Kind = \"service-defaults\"\nName = \"web\"\nUpstreamConfig {\n  Defaults {\n    PassiveHealthCheck { MaxFailures = -1 }\n  }\n}\n";
    assert_eq!(check("h.hcl", negative), [d("E0207", 5, 40)]);
}

#[test]
fn negative_limits_and_timeouts_are_rejected_where_written() {
    let text = "Kind = \"service-defaults\"\nName = \"web\"\nLocalConnectTimeoutMs = -5\n";
    assert_eq!(check("t.hcl", text), [d("E0207", 3, 25)]);
}

#[test]
fn escape_hatch_json_must_be_an_object() {
    let text = r#"Kind = "service-defaults"
Name = "web"
UpstreamConfig {
  Overrides = [
    { Name = "api", EnvoyListenerJSON = "{not json", EnvoyClusterJSON = "[1]" },
  ]
}
"#;
    assert_eq!(check("j.hcl", text), [d("E0317", 5, 41), d("E0317", 5, 73)]);
}

#[test]
fn destination_rules() {
    let text = r#"Kind = "service-defaults"
Name = "ext"
Destination {
  Addresses = ["*.example.com", "example.com", "example.com", "bad host"]
}
"#;
    assert_eq!(check("d.hcl", text), [d("E0315", 3, 13), d("E0317", 4, 16), d("E0317", 4, 48), d("E0317", 4, 63)]);
    let empty = "Kind = \"service-defaults\"\nName = \"ext\"\nDestination {\n  Addresses = []\n  Port = 443\n}\n";
    assert_eq!(check("d.hcl", empty), [d("E0319", 4, 15)]);
    let big =
        "Kind = \"service-defaults\"\nName = \"ext\"\nDestination {\n  Addresses = [\"a.com\"]\n  Port = 70000\n}\n";
    assert_eq!(check("d.hcl", big), [d("E0207", 5, 10)]);
}

#[test]
fn rate_limit_routes_match_on_exactly_one_path() {
    let text = r#"Kind = "service-defaults"
Name = "web"
RateLimits {
  InstanceLevel {
    RequestsPerSecond = 100
    RequestsMaxBurst  = 50
    Routes = [
      { RequestsPerSecond = 10 },
      { PathExact = "/a", PathPrefix = "/b", RequestsPerSecond = 10 },
      { PathPrefix = "api", RequestsPerSecond = 10 },
      { PathRegex = "/v[0-9]+/.*" },
      { PathExact = "/z", RequestsPerSecond = 10, RequestsMaxBurst = 5 },
    ]
  }
}
"#;
    assert_eq!(
        check("r.hcl", text),
        [
            d("E0317", 6, 25),
            d("E0311", 8, 7),
            d("E0311", 9, 40),
            d("E0311", 10, 22),
            d("E0203", 11, 7),
            d("E0317", 12, 70),
        ]
    );
    let burst_only = "Kind = \"service-defaults\"\nName = \"web\"\nRateLimits {\n  InstanceLevel {\n    RequestsMaxBurst = 50\n  }\n}\n";
    assert_eq!(check("r.hcl", burst_only), [d("E0203", 5, 24)]);
}

#[test]
fn the_docs_singular_rate_limit_key_gets_a_suggestion() {
    let ws = Workspace::from_text(
        "r.hcl",
        "Kind = \"service-defaults\"\nName = \"web\"\nRateLimit {\n  InstanceLevel { RequestsPerSecond = 10 }\n}\n",
    );
    assert_eq!(diags(&ws), [d("E0201", 3, 1)]);
    assert_eq!(ws.diagnostics[0].notes, ["help: did you mean `RateLimits`?"]);
}

#[test]
fn expose_paths_and_extensions() {
    let text = r#"Kind = "service-defaults"
Name = "web"
Expose {
  Paths = [
    { Path = "metrics", LocalPathPort = 8080, ListenerPort = 21500, Protocol = "grpc" },
    { LocalPathPort = 8080 },
  ]
}
EnvoyExtensions = [
  { Required = true },
]
"#;
    assert_eq!(check("e.hcl", text), [d("E0317", 5, 14), d("E0314", 5, 80), d("E0203", 6, 5), d("E0203", 10, 3)]);
}

#[test]
fn the_same_rules_point_into_json_and_yaml() {
    let json = r#"{
  "Kind": "service-defaults",
  "Name": "web",
  "UpstreamConfig": {
    "Defaults": { "Name": "api" }
  }
}"#;
    assert_eq!(check("x.json", json), [d("E0325", 5, 27)]);
    let yaml = "kind: service-defaults\nname: web\nprotocol: tcpp\n";
    assert_eq!(check("x.yaml", yaml), [d("E0314", 3, 11)]);
}
