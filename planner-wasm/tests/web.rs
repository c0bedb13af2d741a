//! The facade in a real browser (headless Chromium through chromedriver):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p meshgate-planner-wasm --target wasm32-unknown-unknown`
//! (`.cargo/config.toml` makes `wasm-bindgen-test-runner` the runner; `webdriver.json` has the
//! Chromium flags).
#![cfg(target_arch = "wasm32")]
// clippy's allow-unwrap-in-tests does not see #[wasm_bindgen_test] functions as tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use meshgate_planner_wasm::{version, PlannerWorkspace};
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const L7_BILLING: &str = r#"Kind = "service-intentions"
Name = "billing"
Sources = [
  {
    Name = "web"
    Permissions = [
      { Action = "deny", HTTP { PathPrefix = "/admin" } },
      { Action = "allow", HTTP { PathPrefix = "/" } },
    ]
  },
  { Name = "*", Action = "deny" },
]
"#;

const BILLING_HTTP: &str = "Kind: service-defaults\nName: billing\nProtocol: http\n";

fn js(v: &Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap()
}

fn rust(v: JsValue) -> Value {
    serde_wasm_bindgen::from_value(v).unwrap()
}

fn workspace(files: &[(&str, &str)], settings: Value) -> PlannerWorkspace {
    let files: Vec<Value> = files.iter().map(|(n, t)| json!({ "name": n, "text": t })).collect();
    PlannerWorkspace::new(js(&json!({ "files": files, "settings": settings }))).unwrap()
}

fn error_message(e: wasm_bindgen::JsError) -> String {
    let value = JsValue::from(e);
    let error = value.dyn_into::<js_sys::Error>().expect("a JS Error");
    String::from(error.message())
}

#[wasm_bindgen_test]
fn version_is_exported() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn diagnostic_offsets_are_javascript_string_offsets() {
    let text = "Kind = \"proxy-defaults\"\n# 🚀 résumé 😀\nName = \"global\"\nMeshGatewy { Mode = \"local\" }\n";
    let ws = workspace(&[("pd.hcl", text)], Value::Null);
    let view = rust(ws.diagnostics().unwrap());
    assert_eq!(view["summary"]["valid"], false);
    let d = &view["diagnostics"][0];
    assert_eq!(d["code"], "E0201");
    assert_eq!(d["file"], "pd.hcl");
    assert_eq!(d["start"]["line"], 4);
    // What JavaScript itself says the offset of the typo is.
    let js_text = js_sys::JsString::from(text);
    let expected = js_text.index_of("MeshGatewy", 0);
    assert_eq!(d["from_utf16"], json!(expected));
    assert_eq!(d["to_utf16"], json!(expected + 10));
    // and in Rust chars it is two fewer (two emoji of two units each).
    assert_eq!(text[..text.find("MeshGatewy").unwrap()].chars().count() as i32, expected - 2);
}

#[wasm_bindgen_test]
fn utf16_columns_on_a_line_with_an_emoji() {
    let text = "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"😀http\"\n";
    let ws = workspace(&[("sd.hcl", text)], json!({}));
    let view = rust(ws.diagnostics().unwrap());
    let d = view["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "E0314").unwrap().clone();
    assert_eq!(d["end"]["column"], 19);
    assert_eq!(d["end"]["column_utf16"], 20);
}

#[wasm_bindgen_test]
fn bad_input_throws_a_js_error() {
    let e = PlannerWorkspace::new(JsValue::from_str("not an object")).err().expect("an error");
    assert!(error_message(e).starts_with("new Workspace(input):"));
    let e = PlannerWorkspace::new(js(&json!({ "files": [{ "name": "a.hcl" }] }))).err().expect("an error");
    assert!(error_message(e).contains("text"));
    let e = PlannerWorkspace::new(js(&json!({ "files": [], "settings": { "mode": "maybe" } }))).err().expect("error");
    assert!(error_message(e).contains("maybe"));
}

#[wasm_bindgen_test]
fn simulate_allows_denies_and_traces() {
    let ws = workspace(&[("billing.hcl", L7_BILLING), ("sd.yaml", BILLING_HTTP)], json!({ "datacenter": "dc1" }));
    let denied =
        rust(ws.simulate(js(&json!({ "source": "web", "destination": "billing", "path": "//admin/x" }))).unwrap());
    assert_eq!(denied["allowed"], false);
    assert_eq!(denied["effect"], "deny");
    assert_eq!(denied["reason"]["kind"], "permission");
    assert_eq!(denied["permission"], 1);
    assert_eq!(denied["http"]["normalized_path"], "/admin/x");
    assert_eq!(denied["intention"]["origin"]["line"], 4);
    assert_eq!(denied["trace"][0]["outcome"], "matched: this intention decides");

    let allowed = rust(
        ws.simulate(js(&json!({ "source": "web", "destination": "billing", "method": "GET", "path": "/api" })))
            .unwrap(),
    );
    assert_eq!(allowed["allowed"], true);
    assert_eq!(allowed["permission"], 2);
    assert_eq!(allowed["trace"][0]["permissions"][0], "#1 deny: path /api does not match");

    let e = ws.simulate(js(&json!({ "source": "", "destination": "billing" }))).expect_err("an error");
    assert_eq!(error_message(e), "name a source and a destination service");
    let e = ws
        .simulate(js(&json!({ "source": "web", "destination": "billing", "headers": ["oops"] })))
        .expect_err("an error");
    assert_eq!(error_message(e), "header `oops` must look like `Name: value`");
}

#[wasm_bindgen_test]
fn views_are_plain_objects() {
    let ws = workspace(&[("billing.hcl", L7_BILLING), ("sd.yaml", BILLING_HTTP)], Value::Null);
    let list = ws.intention_list(js(&json!({ "filter": "", "start": 0, "count": 10 }))).unwrap();
    assert!(list.is_object());
    assert!(!list.is_instance_of::<js_sys::Map>(), "maps must cross as objects");
    let v = rust(list);
    assert_eq!(v["total"], 2);
    assert_eq!(v["rows"][0]["label"], "web → billing");
    assert_eq!(v["rows"][0]["source"].get("peer"), None);
    let matrix = rust(ws.matrix(js(&json!({ "source": "", "destination": "", "start": 0, "count": 10 }))).unwrap());
    assert_eq!(matrix["kind"], "table");
    assert_eq!(matrix["destinations"][0]["protocol"], "http");
    let summary = rust(ws.intentions_summary().unwrap());
    assert_eq!((summary["intentions"].clone(), summary["default_policy"].clone()), (json!(2), json!("allow")));
    let names = rust(ws.intention_names().unwrap());
    assert_eq!(names["destinations"], json!(["billing"]));
    let e = ws.matrix(js(&json!({ "source": "", "destination": "", "start": -1, "count": 10 }))).expect_err("an error");
    assert_eq!(error_message(e), "matrix(query): `start`: invalid value: -1, expected a whole number from 0");
    let plan = rust(ws.plan().unwrap());
    assert_eq!(plan["withheld"], Value::Null);
    let parsed: Value = serde_json::from_str(plan["json"].as_str().unwrap()).unwrap();
    assert_eq!(parsed["intentions"].as_array().unwrap().len(), 2);
    let upstreams = rust(ws.upstreams().unwrap());
    assert_eq!(upstreams["proxies"], json!([]));
}

#[wasm_bindgen_test]
fn routes_give_tables_and_graphs() {
    let router = "Kind = \"service-router\"\nName = \"web\"\nRoutes = [{ Match { HTTP { PathPrefix = \"/admin\" } }, Destination { Service = \"admin\" } }]\n";
    let defaults = "Kind = \"proxy-defaults\"\nName = \"global\"\nConfig {\n  protocol = \"http\"\n}\n";
    let ws = workspace(&[("router.hcl", router), ("defaults.hcl", defaults)], Value::Null);
    let view = rust(ws.routes().unwrap());
    let web = view["chains"].as_array().unwrap().iter().find(|c| c["service"] == "web").unwrap().clone();
    assert_eq!(web["routes"][0]["match"], "PathPrefix \"/admin\"");
    assert_eq!(web["routes"][0]["targets"][0]["weight"], 100.0);
    assert_eq!(web["routes"][1]["catch_all"], true);
    assert_eq!(web["graph"]["columns"], json!(["router", "resolver", "target"]));
    assert_eq!(web["graph"]["edges"][0]["label"], "#1");
    assert_eq!(web["graph"]["edges"][0]["port"], 0);
}

const GATEWAYS: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "10.0.1.1" port = 8443 }
service { name = "mesh-gateway" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.2.1" port = 8443 }
service { name = "ingress" kind = "ingress-gateway" address = "10.0.0.6" port = 8443 }
service { name = "web" port = 8080 connect { sidecar_service { port = 21000 } } }
"#;

const INGRESS: &str = r#"Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web", Hosts = ["www.example.com"] }] }]
"#;

const WEB_HTTP: &str = "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"http\"\n";

#[wasm_bindgen_test]
fn gateways_give_each_gateway_its_route_table() {
    let ws = workspace(&[("services.hcl", GATEWAYS), ("ingress.hcl", INGRESS), ("web.hcl", WEB_HTTP)], Value::Null);
    let view = rust(ws.gateways().unwrap());
    let keys: Vec<&str> = view["gateways"].as_array().unwrap().iter().map(|g| g["key"].as_str().unwrap()).collect();
    // The gateways, then the sidecars.
    assert_eq!(keys, ["ingress", "mesh-gateway@dc1", "mesh-gateway@dc2", "web-sidecar-proxy"]);
    let ingress = &view["gateways"][0];
    assert_eq!(ingress["kind"], "ingress-gateway");
    assert_eq!(ingress["table"]["kind"], "ingress-gateway");
    let host = &ingress["table"]["listeners"][0]["hosts"][0];
    assert_eq!(host["domains"], json!(["www.example.com"]));
    assert_eq!(host["routes"][0]["path"], "prefix /");
    assert_eq!(host["routes"][0]["targets"][0]["weight"], 100.0);
    assert_eq!(host["routes"][0]["origin"]["file"], "ingress.hcl");
    // Each target with its dial: web's sidecar, mTLS as the gateway, expecting web's identity.
    let dial = &host["routes"][0]["targets"][0]["dial"];
    assert_eq!(dial["via"], "connect-endpoints");
    assert_eq!(dial["endpoints"], json!(["127.0.0.1:21000"]));
    assert_eq!(dial["presents_short"], "spiffe://<td>/ns/default/dc/dc1/svc/ingress");
    assert_eq!(dial["expects_short"], "spiffe://<td>/ns/default/dc/dc1/svc/web");
    assert_eq!(dial["problem"], Value::Null);
    let mesh = &view["gateways"][1];
    let rows = mesh["table"]["routes"].as_array().unwrap();
    let last = rows.last().unwrap();
    assert_eq!(last["sni_short"], "*.dc2.internal.<td>");
    assert_eq!(last["match"], "suffix");
    assert_eq!(mesh["intentions"], Value::Null);
    assert_eq!(last["forward"]["via"], "remote-mesh-gateway");
    assert_eq!(last["forward"]["endpoints"], json!(["10.0.2.1:8443"]));
    let sidecar = &view["gateways"][3];
    assert_eq!(sidecar["kind"], "connect-proxy");
    assert_eq!(sidecar["table"]["kind"], "sidecar");
    assert_eq!(sidecar["table"]["public"]["service"], "web");
}

#[wasm_bindgen_test]
fn a_gateway_plan_is_the_filters_json() {
    let ws = workspace(&[("services.hcl", GATEWAYS), ("ingress.hcl", INGRESS), ("web.hcl", WEB_HTTP)], Value::Null);
    let view = rust(ws.gateway_plan("mesh-gateway@dc2").unwrap());
    assert_eq!(view["withheld"], Value::Null);
    assert_eq!(view["version"], meshgate_core::plan::gateways::GATEWAY_PLAN_VERSION);
    assert_eq!(view["file_name"], "gatewayplan-mesh-gateway_dc2.json");
    assert_eq!(view["hash"].as_str().unwrap().len(), 16);
    let plan: Value = serde_json::from_str(view["json"].as_str().unwrap()).unwrap();
    assert_eq!(plan["version"], meshgate_core::plan::gateways::GATEWAY_PLAN_VERSION);
    assert_eq!(plan["gateway"]["name"], "mesh-gateway");
    assert_eq!(plan["gateway"]["key"], "mesh-gateway@dc2");
    assert_eq!(plan["gateway"]["datacenter"], "dc2");
    assert_eq!(plan["routes"]["kind"], "mesh-gateway");

    let missing = rust(ws.gateway_plan("nope").unwrap());
    assert_eq!(missing["json"], Value::Null);
    assert_eq!(missing["withheld"], "no gateway or sidecar `nope` is registered");
    // A sidecar's, by the key the gateways view gives it.
    let sidecar = rust(ws.gateway_plan("web-sidecar-proxy").unwrap());
    let plan: Value = serde_json::from_str(sidecar["json"].as_str().unwrap()).unwrap();
    assert_eq!(plan["gateway"]["kind"], "connect-proxy");
    assert_eq!(plan["routes"]["kind"], "sidecar");
    let broken = workspace(&[("services.hcl", GATEWAYS), ("bad.hcl", "Kind = \"nope\"\n")], Value::Null);
    let withheld = rust(broken.gateway_plan("ingress").unwrap());
    assert!(withheld["withheld"].as_str().unwrap().contains("error"));
}

#[wasm_bindgen_test]
fn envoy_gives_a_gateways_bootstrap_or_says_why_not() {
    let ws = workspace(&[("services.hcl", GATEWAYS), ("ingress.hcl", INGRESS), ("web.hcl", WEB_HTTP)], Value::Null);
    let view = rust(ws.envoy(js(&json!({ "gateway": "ingress" }))).unwrap());
    assert_eq!(view["withheld"], Value::Null);
    assert_eq!(view["file_name"], "envoy-ingress.json");
    assert_eq!(view["admin_port"], 19000);
    let bootstrap: Value = serde_json::from_str(view["bootstrap"].as_str().unwrap()).unwrap();
    assert_eq!(bootstrap["node"]["id"], "meshgate-ingress");
    assert!(view["command"]
        .as_str()
        .unwrap()
        .starts_with("meshgate envoy services.hcl ingress.hcl web.hcl --gateway ingress"));

    let custom = rust(ws.envoy(js(&json!({ "gateway": "ingress", "admin_port": "9901", "wasm": "/w.wasm" }))).unwrap());
    assert!(custom["bootstrap"].as_str().unwrap().contains("\"/w.wasm\""));
    assert_eq!(custom["admin_port"], 9901);
    let bad = rust(ws.envoy(js(&json!({ "gateway": "ingress", "admin_port": "x" }))).unwrap());
    assert_eq!(bad["bootstrap"], Value::Null);
    assert!(bad["withheld"].as_str().unwrap().contains("admin port"));
    let e = ws.envoy(js(&json!({ "gateway": 5 }))).expect_err("an error");
    assert!(error_message(e).starts_with("envoy(request):"));
}
