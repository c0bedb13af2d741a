use super::*;
use crate::model::{ConfigEntry, Document};
use crate::workspace::Workspace;

const FULL_HCL: &str = r#"
Kind      = "service-splitter"
Name      = "web"
Namespace = "frontend"
Partition = "default"
Meta = {
  rollout = "canary-2"
}
Splits = [
  {
    Weight        = 89.5
    ServiceSubset = "v1"
    RequestHeaders {
      Set = {
        "x-web-version" = "from-v1"
      }
    }
    ResponseHeaders {
      Set = {
        "x-web-version" = "to-v1"
      }
    }
  },
  {
    Weight        = 10
    Service       = "web"
    ServiceSubset = "v2"
    Namespace     = "frontend"
    Partition     = "default"
    RequestHeaders {
      Add    = { "x-canary" = "true" }
      Remove = ["x-debug"]
    }
  },
  {
    Weight  = 0.5
    Service = "web-next"
  },
]
"#;

const FULL_JSON: &str = r#"{
  "Kind": "service-splitter",
  "Name": "web",
  "Namespace": "frontend",
  "Partition": "default",
  "Meta": { "rollout": "canary-2" },
  "Splits": [
    {
      "Weight": 89.5,
      "ServiceSubset": "v1",
      "RequestHeaders": { "Set": { "x-web-version": "from-v1" } },
      "ResponseHeaders": { "Set": { "x-web-version": "to-v1" } }
    },
    {
      "Weight": 10,
      "Service": "web",
      "ServiceSubset": "v2",
      "Namespace": "frontend",
      "Partition": "default",
      "RequestHeaders": { "Add": { "x-canary": "true" }, "Remove": ["x-debug"] }
    },
    { "Weight": 0.5, "Service": "web-next" }
  ]
}"#;

const FULL_YAML: &str = r#"
Kind: service-splitter
Name: web
Namespace: frontend
Partition: default
Meta:
  rollout: canary-2
Splits:
  - Weight: 89.5
    ServiceSubset: v1
    RequestHeaders:
      Set:
        x-web-version: from-v1
    ResponseHeaders:
      Set:
        x-web-version: to-v1
  - Weight: 10
    Service: web
    ServiceSubset: v2
    Namespace: frontend
    Partition: default
    RequestHeaders:
      Add:
        x-canary: "true"
      Remove: [x-debug]
  - Weight: 0.5
    Service: web-next
"#;

fn splitter(name: &str, text: &str) -> ServiceSplitter {
    let ws = Workspace::from_text(name, text);
    assert!(ws.diagnostics.is_empty(), "{name}: {:#?}", ws.resolved_diagnostics());
    match ws.documents.as_slice() {
        [Document::Entry(ConfigEntry::ServiceSplitter(s))] => s.clone(),
        other => panic!("{name}: expected one service-splitter, got {other:#?}"),
    }
}

fn problems(text: &str) -> Vec<String> {
    Workspace::from_text("s.hcl", text)
        .resolved_diagnostics()
        .iter()
        .map(|d| match &d.location {
            Some(l) => format!("{} {}:{}", d.code, l.start.line, l.start.column),
            None => format!("{} ?", d.code),
        })
        .collect()
}

fn messages(text: &str) -> Vec<String> {
    Workspace::from_text("s.hcl", text).diagnostics.iter().map(|d| d.message.clone()).collect()
}

fn split(weight: f64) -> ServiceSplit {
    ServiceSplit { weight, ..ServiceSplit::default() }
}

#[test]
fn the_full_example_decodes_the_same_in_every_format() {
    let hcl = splitter("s.hcl", FULL_HCL);
    assert_eq!(hcl, splitter("s.json", FULL_JSON));
    assert_eq!(hcl, splitter("s.yaml", FULL_YAML));
    assert_eq!(hcl.splits.len(), 3);
    assert_eq!(hcl.total_hundredths(), 10_000);
    let weights: Vec<i64> = hcl.splits.iter().map(ServiceSplit::weight_hundredths).collect();
    assert_eq!(weights, vec![8950, 1000, 50]);
    assert_eq!(hcl.splits[0].service_or(&hcl.name), "web");
    assert_eq!(hcl.splits[2].service_or(&hcl.name), "web-next");
    let set = hcl.splits[0].request_headers.as_ref().map(|h| h.set.clone()).unwrap_or_default();
    assert_eq!(set.get("x-web-version").map(String::as_str), Some("from-v1"));
    assert!(hcl.splits[1].changes_headers());
    assert!(!hcl.splits[2].changes_headers());
}

#[test]
fn it_serializes_with_consul_spellings() {
    let s = splitter("s.hcl", FULL_HCL);
    let v = serde_json::to_value(&s).expect("serializes");
    assert_eq!(v["Splits"][0]["Weight"], 89.5);
    assert_eq!(v["Splits"][0]["ServiceSubset"], "v1");
    assert_eq!(v["Splits"][1]["RequestHeaders"]["Remove"], serde_json::json!(["x-debug"]));
    assert!(v["Splits"][2].get("RequestHeaders").is_none());
    assert!(v["Splits"][2].get("ServiceSubset").is_none());
}

#[test]
fn weights_round_to_hundredths_as_consul_does() {
    assert_eq!(split(90.0).weight_hundredths(), 9000);
    assert_eq!(split(0.5).weight_hundredths(), 50);
    assert_eq!(split(33.333).weight_hundredths(), 3333);
    // Halves round away from zero, computed in 32-bit floats as Consul does: 33.335 * 100 is
    // exactly 3333.5 there (3333.4999… in 64-bit floats).
    assert_eq!(split(33.335).weight_hundredths(), 3334);
    assert_eq!(split(0.125).weight_hundredths(), 13);
    assert_eq!(split(0.0).weight_hundredths(), 0);
    assert_eq!(format_hundredths(9950), "99.5");
    assert_eq!(format_hundredths(10_000), "100");
    assert_eq!(format_hundredths(9999), "99.99");
    assert_eq!(format_hundredths(10_001), "100.01");
    assert_eq!(format_hundredths(-5), "-0.05");
}

#[test]
fn more_than_two_decimals_are_accepted_and_rounded() {
    // 33.333 + 33.333 + 33.334 rounds to 33.33 + 33.33 + 33.33 = 99.99: Consul rejects it.
    let text = r#"Kind = "service-splitter"
Name = "web"
Splits = [
  { Weight = 33.333, ServiceSubset = "a" },
  { Weight = 33.333, ServiceSubset = "b" },
  { Weight = 33.334, ServiceSubset = "c" },
]
"#;
    assert_eq!(problems(text), vec!["E0304 3:10"]);
    // 33.335 rounds up to 33.34, so this one adds up (though the weights as written make 99.99).
    splitter(
        "s.hcl",
        r#"Kind = "service-splitter"
Name = "web"
Splits = [
  { Weight = 33.335, ServiceSubset = "a" },
  { Weight = 33.335, ServiceSubset = "b" },
  { Weight = 33.32, ServiceSubset = "c" },
]
"#,
    );
}

#[test]
fn weights_must_add_up_to_100() {
    let text = r#"Kind = "service-splitter"
Name = "web"
Splits = [
  { Weight = 50, ServiceSubset = "v1" },
  { Weight = 49.5, ServiceSubset = "v2" },
]
"#;
    assert_eq!(problems(text), vec!["E0304 3:10"]);
    let ws = Workspace::from_text("s.hcl", text);
    assert_eq!(ws.diagnostics[0].message, "the split weights add up to 99.5; they must add up to 100");
    assert_eq!(ws.diagnostics[0].notes, vec!["weights, rounded to 0.01 as Consul does: 50 + 49.5".to_string()]);
}

#[test]
fn each_weight_is_zero_or_from_a_hundredth_to_100() {
    let text = r#"Kind = "service-splitter"
Name = "web"
Splits = [
  { Weight = 101, ServiceSubset = "v1" },
  { Weight = -1, ServiceSubset = "v2" },
  { Weight = 0.001, ServiceSubset = "v3" },
  { Weight = 0, ServiceSubset = "v4" },
]
"#;
    assert_eq!(problems(text), vec!["E0305 4:14", "E0305 5:14", "E0305 6:14"]);
    let m = messages(text);
    assert!(
        m.contains(&"split #1 has Weight 101; a weight is 0 or a percentage from 0.01 to 100".to_string()),
        "{m:?}"
    );
    assert!(
        m.contains(&"split #3 has Weight 0.001; a weight is 0 or a percentage from 0.01 to 100".to_string()),
        "{m:?}"
    );
}

/// The soak's fuzzing (scripts/soak.sh, target `workspace`) found a weight of about 1.1e47: its
/// hundredths clamp to `i64::MAX`, and adding the other weights overflowed (a panic with overflow
/// checks, a wrapped total without). Now the weight is out of range and the total saturates.
#[test]
fn a_weight_far_out_of_range_is_an_error_not_an_overflow() {
    let text = r#"{
  "Kind": "service-splitter",
  "Name": "billing",
  "Splits": [
    { "Weight": 33.33, "ServiceSubset": "blue" },
    { "Weight": 111111111111111111111111111111111111111111111133.33, "ServiceSubset": "green" },
    { "Weight": 33.34, "ServiceSubset": "red" }
  ]
}"#;
    let ws = Workspace::from_text("s.json", text);
    let codes: Vec<String> = ws.resolved_diagnostics().iter().map(|d| d.code.to_string()).collect();
    assert_eq!(codes, vec!["E0304", "E0305"], "{:#?}", ws.resolved_diagnostics());
    let splitter = match ws.documents.as_slice() {
        [Document::Entry(ConfigEntry::ServiceSplitter(s))] => s.clone(),
        other => panic!("{other:#?}"),
    };
    assert_eq!(splitter.total_hundredths(), i64::MAX);
    let twice = ServiceSplitter { splits: vec![split(1e47), split(1e47), split(-1e47)], ..ServiceSplitter::default() };
    assert_eq!(twice.total_hundredths(), -1, "i64::MAX (saturated), plus i64::MIN");
}

#[test]
fn a_zero_weight_split_is_fine() {
    splitter(
        "s.hcl",
        "Kind = \"service-splitter\"\nName = \"web\"\nSplits = [{ Weight = 100 }, { Weight = 0, ServiceSubset = \"v2\" }]\n",
    );
}

#[test]
fn at_least_one_split_is_needed() {
    assert_eq!(problems("Kind = \"service-splitter\"\nName = \"web\"\n"), vec!["E0319 1:1"]);
    assert_eq!(problems("Kind = \"service-splitter\"\nName = \"web\"\nSplits = []\n"), vec!["E0319 3:10"]);
}

#[test]
fn each_split_needs_a_weight() {
    let text = r#"Kind = "service-splitter"
Name = "web"
Splits = [
  { Weight = 100 },
  { ServiceSubset = "v2" },
]
"#;
    assert_eq!(problems(text), vec!["E0203 5:3"]);
    assert_eq!(messages(text), vec!["split #2 needs `Weight`: its percentage of the traffic"]);
}

#[test]
fn name_is_required() {
    assert_eq!(problems("Kind = \"service-splitter\"\nSplits = [{ Weight = 100 }]\n"), vec!["E0203 1:1"]);
}

#[test]
fn a_destination_is_listed_once() {
    // The empty Service is the splitter's own name, so splits 1 and 3 are the same destination.
    let text = r#"Kind = "service-splitter"
Name = "web"
Splits = [
  { Weight = 50, ServiceSubset = "v1" },
  { Weight = 25, ServiceSubset = "v2" },
  { Weight = 25, Service = "web", ServiceSubset = "v1" },
]
"#;
    assert_eq!(problems(text), vec!["E0331 6:3"]);
    assert_eq!(messages(text), vec!["split #3 sends traffic to service `web` subset `v1` again, as split #1 does"]);
}

#[test]
fn the_same_destination_with_different_header_changes_is_allowed() {
    splitter(
        "s.hcl",
        r#"Kind = "service-splitter"
Name = "web"
Splits = [
  { Weight = 50, ServiceSubset = "v1", RequestHeaders { Set = { "x-group" = "a" } } },
  { Weight = 50, ServiceSubset = "v1", RequestHeaders { Set = { "x-group" = "b" } } },
]
"#,
    );
}

#[test]
fn weight_must_be_a_number() {
    let text = "Kind = \"service-splitter\"\nName = \"web\"\nSplits = [{ Weight = \"ninety\" }]\n";
    assert_eq!(problems(text), vec!["E0202 3:22"]);
}
