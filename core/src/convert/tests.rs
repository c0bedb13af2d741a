use super::*;
use crate::workspace::Workspace;

fn entries(ws: &Workspace) -> Vec<&ConfigEntry> {
    ws.entries().collect()
}

fn decoded(ws: &Workspace) -> serde_json::Value {
    serde_json::to_value(&ws.documents).unwrap_or_default()
}

const RESOLVER: &str = r#"Kind = "service-resolver"
Name = "web"
ConnectTimeout = "15s"
Subsets = {
  v1 = { Filter = "Service.Meta.version == v1", OnlyPassing = true }
}
Failover = {
  "*" = { Datacenters = ["dc2"] }
}
"#;

#[test]
fn every_form_decodes_back_to_the_entry() {
    let ws = Workspace::from_text("r.hcl", RESOLVER);
    assert!(crate::model::testing::rules(&ws).is_empty(), "{:#?}", ws.diagnostics);
    for (target, file) in
        [(Target::Hcl, "o.hcl"), (Target::Json, "o.json"), (Target::Yaml, "o.yaml"), (Target::Crd, "o.yaml")]
    {
        let text = convert(&entries(&ws), target).unwrap_or_else(|e| panic!("{target:?}: {e}"));
        let back = Workspace::from_text(file, &text);
        assert!(crate::model::testing::rules(&back).is_empty(), "{target:?}:\n{text}\n{:#?}", back.diagnostics);
        assert_eq!(decoded(&back), decoded(&ws), "{target:?}:\n{text}");
    }
}

#[test]
fn the_crd_form_keeps_subset_names_and_camel_cases_fields() {
    let ws = Workspace::from_text("r.hcl", RESOLVER);
    let text = convert(&entries(&ws), Target::Crd).unwrap_or_default();
    assert_eq!(
        text,
        "apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceResolver\nmetadata:\n  name: web\nspec:\n  connectTimeout: \"15s\"\n  failover:\n    \"*\":\n      datacenters:\n        - dc2\n  subsets:\n    v1:\n      filter: \"Service.Meta.version == v1\"\n      onlyPassing: true\n"
    );
}

#[test]
fn what_a_crd_cannot_say_is_an_error() {
    let ws = Workspace::from_text("m.hcl", "Kind = \"service-defaults\"\nName = \"web\"\nMeta { team = \"a\" }\n");
    assert!(matches!(convert(&entries(&ws), Target::Crd), Err(ConvertError::NotExpressible { .. })));
    let ws = Workspace::from_text(
        "c.hcl",
        "Kind = \"inline-certificate\"\nName = \"c\"\nCertificate = \"x\"\nPrivateKey = \"y\"\n",
    );
    let err = convert(&entries(&ws), Target::Crd).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.starts_with("inline-certificate `c` has no Kubernetes resource form"), "{err}");
}

#[test]
fn several_entries_make_one_text_of_each_form() {
    let text = "[{\"Kind\": \"service-defaults\", \"Name\": \"a\", \"Protocol\": \"http\"}, {\"Kind\": \"service-splitter\", \"Name\": \"a\", \"Splits\": [{\"Weight\": 100}]}]";
    let ws = Workspace::from_text("two.json", text);
    for (target, file) in
        [(Target::Hcl, "o.hcl"), (Target::Json, "o.json"), (Target::Yaml, "o.yaml"), (Target::Crd, "o.yaml")]
    {
        let out = convert(&entries(&ws), target).unwrap_or_default();
        let back = Workspace::from_text(file, &out);
        assert_eq!(decoded(&back), decoded(&ws), "{target:?}:\n{out}");
    }
}
