use super::*;
use crate::model::testing::{check, d, positions as diags};
use crate::model::{ConfigEntry, Document};
use crate::workspace::Workspace;

fn entry(ws: &Workspace) -> &ExportedServices {
    match ws.documents.as_slice() {
        [Document::Entry(ConfigEntry::ExportedServices(e))] => e,
        other => panic!("expected one exported-services entry, got {other:?}"),
    }
}

const FULL_HCL: &str = r#"
Kind      = "exported-services"
Name      = "finance"
Partition = "finance"
Meta = {
  owner = "finance-team"
}
Services = [
  {
    Name      = "payments"
    Namespace = "billing"
    Consumers = [
      {
        Peer = "web-shop"
      },
      {
        Partition = "frontend"
      },
    ]
  },
  {
    Name      = "*"
    Namespace = "*"
    Consumers = [
      {
        SamenessGroup = "monitoring"
      }
    ]
  },
  {
    Name      = "refunds"
    Namespace = "billing"
    Consumers = [
      {
        PeerName = "web-shop"
      }
    ]
  }
]
"#;

const FULL_JSON: &str = r#"{
  "Kind": "exported-services",
  "Name": "finance",
  "Partition": "finance",
  "Meta": { "owner": "finance-team" },
  "Services": [
    {
      "Name": "payments",
      "Namespace": "billing",
      "Consumers": [ { "Peer": "web-shop" }, { "Partition": "frontend" } ]
    },
    {
      "Name": "*",
      "Namespace": "*",
      "Consumers": [ { "SamenessGroup": "monitoring" } ]
    },
    {
      "Name": "refunds",
      "Namespace": "billing",
      "Consumers": [ { "Peer": "web-shop" } ]
    }
  ]
}
"#;

const FULL_YAML: &str = r#"
kind: exported-services
name: finance
partition: finance
meta:
  owner: finance-team
services:
  - name: payments
    namespace: billing
    consumers:
      - peer: web-shop
      - partition: frontend
  - name: "*"
    namespace: "*"
    consumers:
      - samenessGroup: monitoring
  - name: refunds
    namespace: billing
    consumers:
      - peer_name: web-shop
"#;

#[test]
fn the_full_example_reads_alike_in_hcl_json_and_yaml() {
    let hcl = Workspace::from_text("ex.hcl", FULL_HCL);
    let json = Workspace::from_text("ex.json", FULL_JSON);
    let yaml = Workspace::from_text("ex.yaml", FULL_YAML);
    for ws in [&hcl, &json, &yaml] {
        assert!(ws.diagnostics.is_empty(), "{:?}", ws.resolved_diagnostics());
    }
    assert_eq!(entry(&hcl), entry(&json));
    assert_eq!(entry(&hcl), entry(&yaml));
    assert_eq!(entry(&hcl).exporting_partition(), "finance");
    assert_eq!(entry(&hcl).services.len(), 3);
}

#[test]
fn it_serializes_with_consul_spelling() {
    let ws = Workspace::from_text("ex.hcl", FULL_HCL);
    let v = serde_json::to_value(entry(&ws)).expect("serialize");
    assert_eq!(v["Services"][0]["Consumers"][0], serde_json::json!({ "Peer": "web-shop" }));
    assert_eq!(v["Services"][1]["Consumers"][0], serde_json::json!({ "SamenessGroup": "monitoring" }));
    assert_eq!(v["Services"][2]["Consumers"][0], serde_json::json!({ "Peer": "web-shop" }));
}

#[test]
fn export_targets_gather_exact_and_wildcard_items() {
    let ws = Workspace::from_text("ex.hcl", FULL_HCL);
    let e = entry(&ws);
    let payments = e.export_targets("payments", "billing");
    assert_eq!(payments.peers.iter().copied().collect::<Vec<_>>(), ["web-shop"]);
    assert_eq!(payments.partitions.iter().copied().collect::<Vec<_>>(), ["frontend"]);
    // `*` in `*` covers payments too.
    assert_eq!(payments.sameness_groups.iter().copied().collect::<Vec<_>>(), ["monitoring"]);
    assert_eq!(e.exports_of("payments", "billing").count(), 2);
    assert!(e.is_exported_to_peer("refunds", "billing", "web-shop"));
    assert!(!e.is_exported_to_partition("refunds", "billing", "frontend"));
    // Any other service, in any namespace, goes only to the sameness group.
    let other = e.export_targets("ledger", "");
    assert!(other.peers.is_empty() && other.partitions.is_empty());
    assert!(!other.is_empty());
}

#[test]
fn a_wildcard_name_covers_one_namespace() {
    let text = r#"Kind = "exported-services"
Name = "default"
Services = [
  { Name = "*", Consumers = [{ Peer = "monitoring" }, { Peer = "platform" }] },
  { Name = "api", Namespace = "team-a", Consumers = [{ Peer = "partner" }] },
]
"#;
    let ws = Workspace::from_text("ex.hcl", text);
    assert!(ws.diagnostics.is_empty(), "{:?}", ws.resolved_diagnostics());
    let e = entry(&ws);
    assert!(e.is_exported_to_peer("web", "", "platform"));
    assert!(e.is_exported_to_peer("web", "default", "monitoring"));
    assert!(!e.is_exported_to_peer("web", "team-a", "monitoring"));
    assert!(e.is_exported_to_peer("api", "team-a", "partner"));
    assert!(e.export_targets("api", "team-b").is_empty());
}

#[test]
fn name_is_required_and_names_one_partition() {
    let text = "Kind = \"exported-services\"\nServices = []\n";
    assert_eq!(check("ex.hcl", text), [d("E0203", 1, 1)]);
    assert_eq!(check("ex.hcl", "Kind = \"exported-services\"\nName = \"*\"\n"), [d("E0324", 2, 8)]);
    let mismatch = "Kind = \"exported-services\"\nName = \"default\"\nPartition = \"finance\"\n";
    assert_eq!(check("ex.hcl", mismatch), [d("E0316", 3, 13)]);
    let namespaced = "Kind = \"exported-services\"\nName = \"default\"\nNamespace = \"billing\"\n";
    assert_eq!(check("ex.hcl", namespaced), [d("E0317", 3, 13)]);
}

#[test]
fn services_need_a_name_and_consumers() {
    let text = r#"Kind = "exported-services"
Name = "default"
Services = [
  { Consumers = [{ Peer = "a" }] },
  { Name = "api" },
  { Name = "web", Consumers = [] },
]
"#;
    assert_eq!(check("ex.hcl", text), [d("E0203", 4, 3), d("E0319", 5, 3), d("E0319", 6, 31)]);
}

#[test]
fn each_consumer_names_exactly_one_target() {
    let text = r#"Kind = "exported-services"
Name = "default"
Services = [
  {
    Name = "api"
    Consumers = [
      {},
      { Peer = "east", Partition = "frontend" },
      { Peer = "east", SamenessGroup = "group" },
    ]
  }
]
"#;
    let ws = Workspace::from_text("ex.hcl", text);
    assert_eq!(diags(&ws), [d("E0323", 7, 7), d("E0323", 8, 36), d("E0323", 9, 40)]);
    assert!(ws.diagnostics[1].message.contains("both a peer and a partition"), "{}", ws.diagnostics[1].message);
}

#[test]
fn consumers_cannot_be_wildcards() {
    let text = r#"Kind = "exported-services"
Name = "default"
Services = [
  {
    Name = "api"
    Consumers = [{ Peer = "*" }, { Partition = "*" }, { SamenessGroup = "*" }]
  }
]
"#;
    assert_eq!(check("ex.hcl", text), [d("E0324", 6, 27), d("E0324", 6, 48), d("E0324", 6, 73)]);
}

#[test]
fn a_wildcard_namespace_needs_a_wildcard_name() {
    let text = r#"{
  "Kind": "exported-services",
  "Name": "default",
  "Services": [
    { "Name": "api", "Namespace": "*", "Consumers": [{ "Peer": "east" }] }
  ]
}"#;
    assert_eq!(check("ex.json", text), [d("E0324", 5, 15)]);
}

#[test]
fn yaml_positions() {
    let yaml = "kind: exported-services\nname: default\nservices:\n  - name: api\n    consumers:\n      - peer: east\n        partition: west\n";
    assert_eq!(check("ex.yaml", yaml), [d("E0323", 7, 20)]);
}
