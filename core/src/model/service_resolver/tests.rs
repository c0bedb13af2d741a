use super::*;
use crate::model::{ConfigEntry, Document};
use crate::workspace::Workspace;

const FULL_HCL: &str = r#"
Kind           = "service-resolver"
Name           = "web"
Namespace      = "frontend"
Partition      = "default"
Meta = {
  team = "web"
}
ConnectTimeout = "10s"
RequestTimeout = "30s"
DefaultSubset  = "v1"
Subsets = {
  v1 = {
    Filter      = "Service.Meta.version == v1"
    OnlyPassing = true
  }
  v2 = {
    Filter = "Service.Meta.version == v2"
  }
}
PrioritizeByLocality = {
  Mode = "failover"
}
Failover = {
  v2 = {
    Targets = [
      { ServiceSubset = "v1" },
      { Datacenter = "dc2" },
      { Peer = "cluster-02" },
      { Service = "web-backup", Namespace = "backup", Partition = "team-b" },
    ]
    Policy = {
      Mode    = "order-by-locality"
      Regions = ["us-east-1", "us-west-2"]
    }
  }
  "*" = {
    Service       = "web-fallback"
    ServiceSubset = "stable"
    Namespace     = "frontend"
    Datacenters   = ["dc2", "dc3"]
  }
}
LoadBalancer = {
  Policy = "ring_hash"
  RingHashConfig = {
    MinimumRingSize = 1024
    MaximumRingSize = 8192
  }
  HashPolicies = [
    {
      Field      = "cookie"
      FieldValue = "session-id"
      CookieConfig = {
        TTL  = "1h"
        Path = "/"
      }
      Terminal = true
    },
    {
      SourceIP = true
    },
  ]
}
"#;

const FULL_JSON: &str = r#"{
  "Kind": "service-resolver",
  "Name": "web",
  "Namespace": "frontend",
  "Partition": "default",
  "Meta": { "team": "web" },
  "ConnectTimeout": "10s",
  "RequestTimeout": "30s",
  "DefaultSubset": "v1",
  "Subsets": {
    "v1": { "Filter": "Service.Meta.version == v1", "OnlyPassing": true },
    "v2": { "Filter": "Service.Meta.version == v2" }
  },
  "PrioritizeByLocality": { "Mode": "failover" },
  "Failover": {
    "v2": {
      "Targets": [
        { "ServiceSubset": "v1" },
        { "Datacenter": "dc2" },
        { "Peer": "cluster-02" },
        { "Service": "web-backup", "Namespace": "backup", "Partition": "team-b" }
      ],
      "Policy": { "Mode": "order-by-locality", "Regions": ["us-east-1", "us-west-2"] }
    },
    "*": {
      "Service": "web-fallback",
      "ServiceSubset": "stable",
      "Namespace": "frontend",
      "Datacenters": ["dc2", "dc3"]
    }
  },
  "LoadBalancer": {
    "Policy": "ring_hash",
    "RingHashConfig": { "MinimumRingSize": 1024, "MaximumRingSize": 8192 },
    "HashPolicies": [
      {
        "Field": "cookie",
        "FieldValue": "session-id",
        "CookieConfig": { "TTL": "1h", "Path": "/" },
        "Terminal": true
      },
      { "SourceIP": true }
    ]
  }
}"#;

const FULL_YAML: &str = r#"
Kind: service-resolver
Name: web
Namespace: frontend
Partition: default
Meta:
  team: web
ConnectTimeout: 10s
RequestTimeout: 30s
DefaultSubset: v1
Subsets:
  v1:
    Filter: Service.Meta.version == v1
    OnlyPassing: true
  v2:
    Filter: Service.Meta.version == v2
PrioritizeByLocality:
  Mode: failover
Failover:
  v2:
    Targets:
      - ServiceSubset: v1
      - Datacenter: dc2
      - Peer: cluster-02
      - Service: web-backup
        Namespace: backup
        Partition: team-b
    Policy:
      Mode: order-by-locality
      Regions: [us-east-1, us-west-2]
  "*":
    Service: web-fallback
    ServiceSubset: stable
    Namespace: frontend
    Datacenters: [dc2, dc3]
LoadBalancer:
  Policy: ring_hash
  RingHashConfig:
    MinimumRingSize: 1024
    MaximumRingSize: 8192
  HashPolicies:
    - Field: cookie
      FieldValue: session-id
      CookieConfig:
        TTL: 1h
        Path: /
      Terminal: true
    - SourceIP: true
"#;

fn resolver(name: &str, text: &str) -> ServiceResolver {
    let ws = Workspace::from_text(name, text);
    assert!(crate::model::testing::rules(&ws).is_empty(), "{name}: {:#?}", crate::model::testing::resolved_rules(&ws));
    match ws.documents.as_slice() {
        [Document::Entry(ConfigEntry::ServiceResolver(r))] => r.clone(),
        other => panic!("{name}: expected one service-resolver, got {other:#?}"),
    }
}

fn problems_in(file: &str, text: &str) -> Vec<String> {
    crate::model::testing::resolved_rules(&Workspace::from_text(file, text))
        .iter()
        .map(|d| match &d.location {
            Some(l) => format!("{} {}:{}", d.code, l.start.line, l.start.column),
            None => format!("{} ?", d.code),
        })
        .collect()
}

fn problems(text: &str) -> Vec<String> {
    problems_in("r.hcl", text)
}

fn messages(text: &str) -> Vec<String> {
    crate::model::testing::rules(&Workspace::from_text("r.hcl", text)).iter().map(|d| d.message.clone()).collect()
}

fn notes(text: &str) -> Vec<String> {
    Workspace::from_text("r.hcl", text).diagnostics.iter().flat_map(|d| d.notes.clone()).collect()
}

#[test]
fn the_full_example_decodes_the_same_in_every_format() {
    let hcl = resolver("r.hcl", FULL_HCL);
    assert_eq!(hcl, resolver("r.json", FULL_JSON));
    assert_eq!(hcl, resolver("r.yaml", FULL_YAML));

    assert_eq!(hcl.connect_timeout(), Duration::from_secs(10));
    assert_eq!(hcl.request_timeout(), Duration::from_secs(30));
    assert_eq!(hcl.subsets.names().collect::<Vec<_>>(), vec!["v1", "v2"]);
    assert_eq!(hcl.subset("v1").map(|s| s.only_passing), Some(true));
    assert!(hcl.has_subset("") && hcl.has_subset("v2") && !hcl.has_subset("v3"));
    assert_eq!(hcl.default_subset(), "v1");
    assert_eq!(hcl.prioritize_by_locality.as_ref().map(|p| p.mode), Some(LocalityMode::Failover));
    assert_eq!(hcl.failover.names().collect::<Vec<_>>(), vec!["v2", "*"]);

    let v2 = hcl.failover_for("v2").expect("v2 failover");
    assert_eq!(v2.mode(), FailoverMode::OrderByLocality);
    assert_eq!(v2.effective_targets().len(), 4);
    let other = hcl.failover_for("v1").expect("* failover");
    let targets = other.effective_targets();
    assert_eq!(targets.iter().map(|t| t.datacenter.as_str()).collect::<Vec<_>>(), vec!["dc2", "dc3"]);
    assert!(targets.iter().all(|t| t.service == "web-fallback" && t.service_subset == "stable"));

    let lb = hcl.load_balancer.as_ref().expect("load balancer");
    assert!(lb.is_hash_based());
    assert_eq!(lb.hash_policies[0].field, HashField::Cookie);
    assert_eq!(lb.hash_policies[0].cookie_config.as_ref().map(|c| c.ttl), Some(Duration::from_secs(3600)));
    assert!(lb.hash_policies[1].source_ip);
    assert!(!hcl.is_redirect() && !hcl.is_default());
}

#[test]
fn it_serializes_with_consul_spellings_and_keys_in_written_order() {
    let r = resolver("r.hcl", FULL_HCL);
    let text = serde_json::to_string(&r).expect("serializes");
    assert!(text.contains(r#""Failover":{"v2":{"#), "{text}");
    assert!(text.contains(r#""*":{"Service":"web-fallback""#), "{text}");
    let v = serde_json::to_value(&r).expect("serializes");
    assert_eq!(v["ConnectTimeout"], "10s");
    assert_eq!(v["Subsets"]["v1"]["OnlyPassing"], true);
    assert_eq!(v["LoadBalancer"]["HashPolicies"][0]["CookieConfig"]["TTL"], "1h0m0s");
    assert_eq!(v["LoadBalancer"]["HashPolicies"][1]["SourceIP"], true);
    assert!(v["Subsets"]["v2"].get("OnlyPassing").is_none());
}

#[test]
fn connect_timeout_defaults_to_5s() {
    let r = resolver("r.hcl", "Kind = \"service-resolver\"\nName = \"web\"\n");
    assert_eq!(r.connect_timeout(), Duration::from_secs(5));
    assert_eq!(r.request_timeout(), Duration::from_secs(15));
    assert!(r.is_default());
    assert!(r.failover_for("").is_none());
    let r = resolver("r.hcl", "Kind = \"service-resolver\"\nName = \"web\"\nConnectTimeout = \"0s\"\n");
    assert_eq!(r.connect_timeout(), Duration::from_secs(5));
}

#[test]
fn hcl_block_styles_decode_like_the_map_form() {
    let map = resolver(
        "r.hcl",
        r#"Kind = "service-resolver"
Name = "web"
Subsets = {
  v1 = { Filter = "Service.Meta.version == v1" }
  v2 = { Filter = "Service.Meta.version == v2" }
}
Failover = {
  "*" = { Datacenters = ["dc2"] }
}
"#,
    );
    let blocks = resolver(
        "r.hcl",
        r#"Kind = "service-resolver"
Name = "web"
Subsets {
  v1 { Filter = "Service.Meta.version == v1" }
  v2 { Filter = "Service.Meta.version == v2" }
}
Failover "*" {
  Datacenters = ["dc2"]
}
"#,
    );
    let labelled = resolver(
        "r.hcl",
        r#"Kind = "service-resolver"
Name = "web"
Subsets "v1" { Filter = "Service.Meta.version == v1" }
Subsets "v2" { Filter = "Service.Meta.version == v2" }
Failover "*" { Datacenters = ["dc2"] }
"#,
    );
    assert_eq!(map, blocks);
    assert_eq!(map, labelled);
}

#[test]
fn redirect_examples_decode() {
    let r = resolver(
        "r.hcl",
        r#"Kind = "service-resolver"
Name = "web-dc2"
Redirect {
  Service       = "web"
  ServiceSubset = "v1"
  Namespace     = "frontend"
  Datacenter    = "dc2"
}
"#,
    );
    assert!(r.is_redirect());
    resolver(
        "r.hcl",
        "Kind = \"service-resolver\"\nName = \"web\"\nRedirect { Service = \"web\", Peer = \"cluster-02\" }\n",
    );
    resolver(
        "r.hcl",
        "Kind = \"service-resolver\"\nName = \"web\"\nRedirect { Service = \"web\", SamenessGroup = \"prod\" }\n",
    );
    resolver("r.hcl", "Kind = \"service-resolver\"\nName = \"web\"\nRedirect { Datacenter = \"dc3\" }\n");
}

#[test]
fn name_is_required() {
    assert_eq!(problems("Kind = \"service-resolver\"\nConnectTimeout = \"1s\"\n"), vec!["E0203 1:1"]);
}

#[test]
fn subset_names_are_dns_labels() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Subsets = {
  V1 = {}
  "-beta" = {}
  "v2.1" = {}
  ok-2 = {}
}
"#;
    assert_eq!(problems(text), vec!["E0306 4:3", "E0306 5:3", "E0306 6:3"]);
    assert_eq!(
        messages(text),
        vec![
            "subset name `V1` contains `V`; subset names use lowercase letters, digits and `-` (did you mean `v1`?)",
            "subset name `-beta` must start and end with a letter or digit",
            "subset name `v2.1` contains `.`; subset names use lowercase letters, digits and `-`",
        ]
    );
    assert!(check_subset_name(&"a".repeat(63)).is_ok());
    assert!(check_subset_name(&"a".repeat(64)).is_err());
}

#[test]
fn a_subset_name_is_given_once() {
    let text = r#"{
  "Kind": "service-resolver",
  "Name": "web",
  "Subsets": { "v1": {}, "v1": { "OnlyPassing": true } }
}"#;
    assert_eq!(problems_in("r.json", text), vec!["E0108 4:26"]);
}

#[test]
fn default_subset_must_be_defined() {
    let text = r#"Kind = "service-resolver"
Name = "web"
DefaultSubset = "v11"
Subsets = {
  v1 = {}
  v2 = {}
}
"#;
    assert_eq!(problems(text), vec!["E0306 3:17"]);
    assert_eq!(messages(text), vec!["DefaultSubset `v11` is not a subset defined in this resolver's Subsets"]);
    assert_eq!(notes(text), vec!["help: did you mean `v1`?"]);
    let text = "Kind = \"service-resolver\"\nName = \"web\"\nDefaultSubset = \"v1\"\n";
    assert_eq!(problems(text), vec!["E0306 3:17"]);
}

#[test]
fn a_redirect_names_somewhere() {
    assert_eq!(problems("Kind = \"service-resolver\"\nName = \"web\"\nRedirect {}\n"), vec!["E0332 3:10"]);
}

#[test]
fn redirect_and_failover_are_exclusive() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Redirect { Service = "api" }
Failover = { "*" = { Datacenters = ["dc2"] } }
"#;
    assert_eq!(problems(text), vec!["E0316 4:12"]);
}

#[test]
fn redirect_field_conflicts() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Redirect {
  Service       = "api"
  ServiceSubset = "v1"
  Peer          = "cluster-02"
  Datacenter    = "dc2"
}
"#;
    assert_eq!(problems(text), vec!["E0316 5:19", "E0316 7:19"]);
    let text = r#"Kind = "service-resolver"
Name = "web"
Redirect {
  Service       = "api"
  SamenessGroup = "prod"
  Partition     = "team-b"
}
"#;
    assert_eq!(problems(text), vec!["E0316 6:19"]);
    assert_eq!(messages(text), vec!["a Redirect cannot set both SamenessGroup and Partition"]);
}

#[test]
fn redirect_fields_need_a_service() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Redirect {
  ServiceSubset = "v1"
  Datacenter    = "dc2"
}
"#;
    assert_eq!(problems(text), vec!["E0203 4:19"]);
    assert_eq!(messages(text), vec!["Redirect.ServiceSubset needs Redirect.Service: name the service to resolve"]);
}

#[test]
fn a_redirect_to_our_own_subset_needs_that_subset() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Redirect { Service = "web", ServiceSubset = "v9" }
"#;
    assert_eq!(problems(text), vec!["E0306 3:45"]);
}

#[test]
fn cross_datacenter_redirects_stay_in_the_default_partition() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Partition = "team-a"
Redirect { Service = "web", Datacenter = "dc2" }
"#;
    assert_eq!(problems(text), vec!["E0333 4:42"]);
    let text = r#"Kind = "service-resolver"
Name = "web"
Redirect { Service = "web", Partition = "team-b", Datacenter = "dc2" }
"#;
    assert_eq!(problems(text), vec!["E0333 3:41"]);
}

#[test]
fn failover_keys_are_subsets_or_a_wildcard() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Subsets = { v1 = {} }
Failover = {
  v1 = { Datacenters = ["dc2"] }
  v3 = { Datacenters = ["dc2"] }
  "*" = { Datacenters = ["dc3"] }
}
"#;
    assert_eq!(problems(text), vec!["E0306 6:3"]);
    assert_eq!(messages(text), vec!["failover key `v3` is not a subset defined in this resolver's Subsets"]);
}

#[test]
fn a_failover_names_somewhere() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = { Policy = { Mode = "sequential" } }
}
"#;
    assert_eq!(problems(text), vec!["E0332 4:9"]);
    assert_eq!(messages(text), vec!["Failover[\"*\"] names nowhere to fail over to"]);
}

#[test]
fn failover_field_conflicts() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = {
    Service     = "api"
    Datacenters = ["dc2"]
    Targets     = [{ Peer = "cluster-02" }]
  }
}
"#;
    assert_eq!(problems(text), vec!["E0316 7:19", "E0316 7:19"]);
    let text = r#"Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = {
    SamenessGroup = "prod"
    Datacenters   = ["dc2"]
  }
}
"#;
    assert_eq!(problems(text), vec!["E0316 6:21"]);
}

#[test]
fn failover_datacenters_are_named_and_only_from_the_default_partition() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Failover = { "*" = { Datacenters = ["dc2", ""] } }
"#;
    assert_eq!(problems(text), vec!["E0317 3:36"]);
    let text = r#"Kind = "service-resolver"
Name = "web"
Partition = "team-a"
Failover = { "*" = { Datacenters = ["dc2"] } }
"#;
    assert_eq!(problems(text), vec!["E0333 4:36"]);
}

#[test]
fn failover_subsets_of_this_service_must_exist() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Subsets = { v1 = {}, v2 = {} }
Failover = {
  v1 = { ServiceSubset = "v3" }
  v2 = { Service = "other", ServiceSubset = "v3" }
  "*" = { Targets = [{ ServiceSubset = "v4" }, { Service = "web", ServiceSubset = "v1" }] }
}
"#;
    assert_eq!(problems(text), vec!["E0306 5:26", "E0306 7:40"]);
}

#[test]
fn failover_target_conflicts() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Failover = {
  "*" = {
    Targets = [
      { Peer = "cluster-02", Datacenter = "dc2" },
      { Partition = "team-b", Datacenter = "dc2" },
      { Peer = "cluster-02", Partition = "team-b" },
    ]
  }
}
"#;
    assert_eq!(problems(text), vec!["E0316 6:43", "E0316 7:44", "E0316 8:42"]);
    assert_eq!(messages(text)[0], "Failover[\"*\"].Targets[0] cannot set both Peer and Datacenter");
}

#[test]
fn failover_policy_mode_is_a_known_mode() {
    let text = r#"Kind = "service-resolver"
Name = "web"
Failover = { "*" = { Datacenters = ["dc2"], Policy = { Mode = "closest" } } }
"#;
    assert_eq!(problems(text), vec!["E0205 3:63"]);
}

#[test]
fn load_balancer_configs_fit_the_policy() {
    let text = r#"Kind = "service-resolver"
Name = "web"
LoadBalancer = {
  Policy             = "maglev"
  RingHashConfig     = { MinimumRingSize = 1024 }
  LeastRequestConfig = { ChoiceCount = 3 }
}
"#;
    assert_eq!(problems(text), vec!["E0334 5:24", "E0334 6:24"]);
    assert_eq!(
        messages(text)[0],
        "RingHashConfig is for Policy = \"ring_hash\", but this LoadBalancer has policy \"maglev\""
    );
    let text = r#"Kind = "service-resolver"
Name = "web"
LoadBalancer = {
  Policy       = "round_robin"
  HashPolicies = [{ SourceIP = true }]
}
"#;
    assert_eq!(problems(text), vec!["E0334 5:18"]);
}

#[test]
fn load_balancer_values_envoy_rejects() {
    let text = r#"Kind = "service-resolver"
Name = "web"
LoadBalancer = {
  Policy         = "ring_hash"
  RingHashConfig = { MinimumRingSize = 9000, MaximumRingSize = 8192 }
}
"#;
    assert_eq!(problems(text), vec!["E0334 5:40"]);
    let text = r#"Kind = "service-resolver"
Name = "web"
LoadBalancer = {
  Policy             = "least_request"
  LeastRequestConfig = { ChoiceCount = 1 }
}
"#;
    assert_eq!(problems(text), vec!["E0334 5:40"]);
}

#[test]
fn hash_policies_hash_one_thing() {
    let text = r#"Kind = "service-resolver"
Name = "web"
LoadBalancer = {
  Policy = "maglev"
  HashPolicies = [
    { Field = "header", FieldValue = "x-user", SourceIP = true },
    { SourceIP = true, FieldValue = "x-user" },
    { Field = "query_parameter" },
    { FieldValue = "x-user" },
    { Field = "header", FieldValue = "x-user", CookieConfig = { Path = "/" } },
    { Field = "cookie", FieldValue = "sid", CookieConfig = { Session = true, TTL = "10s" } },
  ]
}
"#;
    assert_eq!(
        problems(text),
        vec!["E0316 6:59", "E0316 7:37", "E0334 8:15", "E0334 9:20", "E0334 10:63", "E0316 11:84"]
    );
    let m = messages(text);
    assert_eq!(m[2], "HashPolicies[2] hashes a query parameter but has no FieldValue naming which one");
    assert_eq!(m[5], "HashPolicies[5]: a session cookie (Session = true) cannot have a TTL");
}

#[test]
fn unknown_policies_and_fields_are_enum_errors() {
    let text = "Kind = \"service-resolver\"\nName = \"web\"\nLoadBalancer { Policy = \"least_conn\" }\n";
    assert_eq!(problems(text), vec!["E0205 3:25"]);
    let text = "Kind = \"service-resolver\"\nName = \"web\"\nPrioritizeByLocality { Mode = \"nearest\" }\n";
    assert_eq!(problems(text), vec!["E0205 3:31"]);
}

#[test]
fn named_maps_built_in_code_replace_on_insert() {
    let mut m: NamedMap<ResolverSubset> = NamedMap::default();
    m.insert("v1", ResolverSubset::default());
    m.insert("v1", ResolverSubset { only_passing: true, ..ResolverSubset::default() });
    assert_eq!(m.len(), 1);
    assert_eq!(m.get("v1").map(|s| s.only_passing), Some(true));
}
