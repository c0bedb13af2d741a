//! Kubernetes resources decode to the entries consul-k8s writes, with diagnostics at their lines.

use crate::model::testing::{d, positions};
use crate::workspace::Workspace;

fn json(ws: &Workspace) -> serde_json::Value {
    serde_json::to_value(&ws.documents).unwrap_or_default()
}

#[test]
fn a_service_defaults_crd_is_the_entry() {
    let crd = Workspace::from_text(
        "sd.yaml",
        "apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceDefaults\nmetadata:\n  name: web\n  namespace: apps\n  labels: {app: web}\nspec:\n  protocol: http\n  upstreamConfig:\n    defaults:\n      connectTimeoutMs: 5000\n",
    );
    let hcl = Workspace::from_text(
        "sd.hcl",
        "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"http\"\nUpstreamConfig { Defaults { ConnectTimeoutMs = 5000 } }\n",
    );
    assert!(crd.diagnostics.is_empty(), "{:#?}", crd.diagnostics);
    assert_eq!(json(&crd), json(&hcl));
}

#[test]
fn hcl_spelling_inside_a_spec_is_an_error_with_the_crd_spelling() {
    let ws = Workspace::from_text(
        "sd.yaml",
        "apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceDefaults\nmetadata:\n  name: web\nspec:\n  Protocol: http\n  protocl: http\n",
    );
    assert_eq!(positions(&ws), vec![d("E0201", 6, 3), d("E0201", 7, 3)]);
    let notes: Vec<&str> = ws.diagnostics.iter().flat_map(|d| d.notes.iter().map(String::as_str)).collect();
    assert!(notes.iter().any(|n| n.contains("did you mean `protocol`?")), "{notes:?}");
}

#[test]
fn an_unknown_crd_kind_gets_a_suggestion() {
    let ws = Workspace::from_text(
        "x.yaml",
        "apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceDefault\nmetadata:\n  name: web\nspec: {}\n",
    );
    assert_eq!(positions(&ws), vec![d("E0210", 2, 7)]);
    assert_eq!(ws.diagnostics[0].notes, vec!["help: did you mean `ServiceDefaults`?".to_string()]);
}

#[test]
fn a_kubectl_list_is_read_item_by_item() {
    let list = Workspace::from_text(
        "l.yaml",
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: consul.hashicorp.com/v1alpha1\n    kind: ServiceDefaults\n    metadata:\n      name: web\n    spec:\n      protocol: http\n  - apiVersion: consul.hashicorp.com/v1alpha1\n    kind: ServiceSplitter\n    metadata:\n      name: web\n    spec:\n      splits:\n        - weight: 100\n          Service: web\n",
    );
    // Both items are read; the second's HCL spelling is reported at its line.
    assert_eq!(list.entries().count(), 2);
    assert_eq!(positions(&list), vec![d("E0201", 17, 11)]);
}

#[test]
fn crd_case_lowers_a_leading_acronym_whole() {
    use crate::decode::crd_case;
    for (pascal, crd) in [
        ("Protocol", "protocol"),
        ("TLSMinVersion", "tlsMinVersion"),
        ("HTTP", "http"),
        ("CAFile", "caFile"),
        ("JSONWebKeySet", "jsonWebKeySet"),
        ("UseSNI", "useSNI"),
        ("MutualTLSMode", "mutualTLSMode"),
        ("EnforcingConsecutive5xx", "enforcingConsecutive5xx"),
    ] {
        assert_eq!(crd_case(pascal), crd, "{pascal}");
    }
}

const AUTH_FILTER_CAPITALISED: &str = "apiVersion: consul.hashicorp.com/v1alpha1\nkind: RouteAuthFilter\nmetadata:\n  name: admins\nspec:\n  JWT:\n    Providers: [{Name: okta}]\n";

#[test]
fn a_route_filter_no_route_names_is_still_checked() {
    // consul-k8s's API server checks a filter against its schema when it is applied, named or not.
    let ws = Workspace::from_text("f.yaml", AUTH_FILTER_CAPITALISED);
    assert_eq!(positions(&ws), vec![d("E0201", 6, 3)]);
    let retry = Workspace::from_text(
        "r.yaml",
        "apiVersion: consul.hashicorp.com/v1alpha1\nkind: RouteRetryFilter\nmetadata:\n  name: r\nspec:\n  numRetries: lots\n",
    );
    assert_eq!(positions(&retry), vec![d("E0202", 6, 15)]);
    // It is no entry of its own.
    assert_eq!(json(&retry), serde_json::json!([]));
}

#[test]
fn a_well_formed_unnamed_filter_is_silent_and_a_named_one_is_checked_once() {
    let ok = Workspace::from_text(
        "t.yaml",
        "apiVersion: consul.hashicorp.com/v1alpha1\nkind: RouteAuthFilter\nmetadata:\n  name: admins\nspec:\n  jwt:\n    providers:\n      - name: okta\n        verifyClaims: [{path: [roles], value: admin}]\n",
    );
    assert!(ok.diagnostics.is_empty(), "{:#?}", ok.diagnostics);
    let named = format!(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  parentRefs: [{{name: gw}}]\n  rules:\n    - filters:\n        - type: ExtensionRef\n          extensionRef: {{group: consul.hashicorp.com, kind: RouteAuthFilter, name: admins}}\n      backendRefs: [{{name: web}}]\n---\n{AUTH_FILTER_CAPITALISED}"
    );
    let ws = Workspace::from_text("n.yaml", &named);
    assert_eq!(positions(&ws), vec![d("E0201", 18, 3)]);
}

#[test]
fn a_route_timeout_filter_takes_nanoseconds_as_consul_k8s_schema_does() {
    let filter = |value: &str| {
        Workspace::from_text(
            "t.yaml",
            &format!("apiVersion: consul.hashicorp.com/v1alpha1\nkind: RouteTimeoutFilter\nmetadata:\n  name: t\nspec:\n  requestTimeout: {value}\n  idleTimeout: 1000\n"),
        )
    };
    assert_eq!(positions(&filter("5s")), vec![d("E0202", 6, 19)]);
    let ok = filter("5000000000");
    assert!(ok.diagnostics.is_empty(), "{:#?}", ok.diagnostics);
}

#[test]
fn an_http_route_path_outside_the_gateway_apis_characters_is_refused() {
    let route = |path: &str| {
        Workspace::from_text(
            "r.yaml",
            &format!("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  parentRefs: [{{name: gw}}]\n  rules:\n    - matches: [{{path: {{type: PathPrefix, value: \"{path}\"}}}}]\n      backendRefs: [{{name: web}}]\n"),
        )
    };
    // An en dash, as the docs' reroute example writes, and a bare `%`.
    assert_eq!(positions(&route("/incoming\u{2013}prefix/")), vec![d("E0317", 8, 50)]);
    assert_eq!(positions(&route("/50%")), vec![d("E0317", 8, 50)]);
    for ok in ["/", "/a-b_c.d~e/!$&'()*+,;=:@", "/caf%C3%A9"] {
        let ws = route(ok);
        assert!(ws.diagnostics.is_empty(), "{ok}: {:#?}", ws.diagnostics);
    }
}

const POLICY_GATEWAY: &str = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  gatewayClassName: consul\n  listeners:\n    - {name: http, protocol: HTTP, port: 8080}\n    - {name: other, protocol: HTTP, port: 9090}\n---\n";

fn gateway_policy(target: &str) -> String {
    format!("{POLICY_GATEWAY}apiVersion: consul.hashicorp.com/v1alpha1\nkind: GatewayPolicy\nmetadata:\n  name: p\nspec:\n  targetRef: {target}\n  override:\n    jwt:\n      providers: [{{name: okta}}]\n  default:\n    jwt:\n      providers:\n        - name: okta\n          verifyClaims: [{{path: [role], value: pet}}]\n")
}

#[test]
fn a_gateway_policy_sets_its_listeners_default_and_override_jwt() {
    let crd = Workspace::from_text(
        "g.yaml",
        &gateway_policy("{group: gateway.networking.k8s.io, kind: Gateway, name: gw, sectionName: http}"),
    );
    let hcl = Workspace::from_text(
        "g.hcl",
        "Kind = \"api-gateway\"\nName = \"gw\"\nListeners = [\n  {\n    Name = \"http\"\n    Port = 8080\n    Protocol = \"http\"\n    Override { JWT { Providers = [{ Name = \"okta\" }] } }\n    Default { JWT { Providers = [{ Name = \"okta\", VerifyClaims = [{ Path = [\"role\"], Value = \"pet\" }] }] } }\n  },\n  { Name = \"other\", Port = 9090, Protocol = \"http\" },\n]\n",
    );
    assert!(crd.diagnostics.is_empty(), "{:#?}", crd.diagnostics);
    assert!(hcl.diagnostics.is_empty(), "{:#?}", hcl.diagnostics);
    assert_eq!(json(&crd), json(&hcl));
}

#[test]
fn a_gateway_policy_must_name_a_listener_of_a_gateway_in_the_file() {
    // Not in the file: at targetRef.name.
    let ws = Workspace::from_text(
        "g.yaml",
        &gateway_policy("{group: g, kind: Gateway, name: elsewhere, sectionName: http}"),
    );
    assert_eq!(positions(&ws), vec![d("E0402", 16, 46)]);
    // A listener the Gateway does not have: at sectionName.
    let ws = Workspace::from_text("g.yaml", &gateway_policy("{group: g, kind: Gateway, name: gw, sectionName: nope}"));
    assert_eq!(positions(&ws), vec![d("E0402", 16, 63)]);
    // consul-k8s applies a policy without sectionName to no listener.
    let ws = Workspace::from_text("g.yaml", &gateway_policy("{group: g, kind: Gateway, name: gw}"));
    assert_eq!(positions(&ws), vec![d("E0203", 16, 3)]);
    // Its webhook allows only Gateway targets.
    let ws =
        Workspace::from_text("g.yaml", &gateway_policy("{group: g, kind: HTTPRoute, name: gw, sectionName: http}"));
    assert_eq!(positions(&ws), vec![d("E0211", 16, 31)]);
    // The policy alone is no entry.
    assert_eq!(json(&ws).as_array().map(Vec::len), Some(1));
}

#[test]
fn two_gateway_policies_for_one_listener_are_refused() {
    let second = "---\napiVersion: consul.hashicorp.com/v1alpha1\nkind: GatewayPolicy\nmetadata:\n  name: q\nspec:\n  targetRef: {group: g, kind: Gateway, name: gw, sectionName: http}\n  default: {}\n";
    let ws = Workspace::from_text(
        "g.yaml",
        &format!("{}{second}", gateway_policy("{group: g, kind: Gateway, name: gw, sectionName: http}")),
    );
    assert_eq!(positions(&ws), vec![d("E0316", 31, 63)]);
}

#[test]
fn a_listener_jwt_converts_to_a_gateway_policy_and_back() {
    use crate::convert::{convert, Target};
    let hcl = "Kind = \"api-gateway\"\nName = \"gw\"\nListeners = [\n  {\n    Name = \"http\"\n    Port = 8080\n    Protocol = \"http\"\n    Default { JWT { Providers = [{ Name = \"okta\", VerifyClaims = [{ Path = [\"role\"], Value = \"pet\" }] }] } }\n  },\n]\n";
    let ws = Workspace::from_text("g.hcl", hcl);
    let text = convert(&ws.entries().collect::<Vec<_>>(), Target::Crd).unwrap_or_else(|e| panic!("{e}"));
    assert!(text.contains("kind: GatewayPolicy"), "{text}");
    let back = Workspace::from_text("g.yaml", &text);
    assert!(back.diagnostics.is_empty(), "{text}\n{:#?}", back.diagnostics);
    assert_eq!(json(&back), json(&ws), "{text}");
    // Without a listener name there is nothing for the policy's sectionName to say.
    let unnamed = Workspace::from_text("u.hcl", &hcl.replace("    Name = \"http\"\n", ""));
    let err = convert(&unnamed.entries().collect::<Vec<_>>(), Target::Crd).err().map(|e| e.to_string());
    assert!(err.as_deref().is_some_and(|e| e.contains("sectionName")), "{err:?}");
}
