//! `meshgate routes` and `meshgate plan --gateway`: the text and JSON the fixture corpus holds,
//! gateway and sidecar selection, exit codes, and dials that agree with `meshgate envoy`.

// Tests may panic on setup failures; the lint is for shipped code.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus")
}

/// The config files of a route case, relative to the corpus root (as the corpus runner names them),
/// with `--settings` for its `meshgate.hcl` when it has one.
fn case_files(case: &str) -> Vec<String> {
    let dir = corpus_root().join("routes").join(case);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or_default();
            ["hcl", "json", "yaml", "yml"].contains(&ext) && name != "routes.json"
        })
        .map(|p| format!("routes/{case}/{}", p.file_name().and_then(|n| n.to_str()).unwrap_or_default()))
        .collect();
    files.sort();
    if let Some(i) = files.iter().position(|f| f.ends_with("/meshgate.hcl")) {
        let settings = files.remove(i);
        files.extend(["--settings".to_string(), settings]);
    }
    files
}

/// Runs meshgate from the corpus root.
fn meshgate(args: &[&str], files: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_meshgate"))
        .current_dir(corpus_root())
        .args(args)
        .args(files)
        .output()
        .expect("run meshgate")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn expected(case: &str, file: &str) -> String {
    let path = corpus_root().join("routes").join(case).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn routes_prints_the_corpus_tables_exactly() {
    for case in ["mesh-gateway", "terminating-gateway", "ingress-gateway", "api-gateway", "dataplane"] {
        let files = case_files(case);
        let o = meshgate(&["routes"], &files);
        assert_eq!(o.status.code(), Some(0), "{case}: {}", stderr(&o));
        assert_eq!(stdout(&o), expected(case, "routes.out"), "{case}");
        let o = meshgate(&["routes", "--json"], &files);
        assert_eq!(o.status.code(), Some(0), "{case}: {}", stderr(&o));
        assert_eq!(stdout(&o), expected(case, "routes.json"), "{case}");
    }
}

#[test]
fn one_gateway_by_key_or_unique_name() {
    let files = case_files("mesh-gateway");
    let o = meshgate(&["routes", "--gateway", "mesh-gateway-dc3"], &files);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("trust domain: "), "{out}");
    assert!(out.contains("mesh-gateway-dc3: mesh-gateway in dc3"), "{out}");
    assert!(!out.contains("mesh-gateway-dc1:"), "{out}");

    let o = meshgate(&["routes", "--json", "--gateway", "mesh-gateway-dc2-b"], &files);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_eq!(v[0]["gateway"]["key"], "mesh-gateway-dc2-b");
    assert_eq!(v[0]["routes"]["kind"], "mesh-gateway");

    let files = case_files("ingress-gateway");
    let o = meshgate(&["routes", "--gateway", "ingress-gateway"], &files);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn an_unknown_or_ambiguous_gateway_exits_2_listing_the_known_ones() {
    let files = case_files("mesh-gateway");
    for cmd in ["routes", "plan"] {
        let o = meshgate(&[cmd, "--gateway", "nope"], &files);
        assert_eq!(o.status.code(), Some(2), "{cmd} nope: {}", stdout(&o));
        let err = stderr(&o);
        assert!(err.contains("no gateway `nope`"), "{err}");
        assert!(err.contains("mesh-gateway-dc1 (mesh-gateway), mesh-gateway-dc2-a (mesh-gateway)"), "{err}");
        // A name several gateways of the local datacenter have (dc2: its two, and dc1's, whose
        // registration names no datacenter): the candidates.
        let o = meshgate(&[cmd, "--gateway", "mesh-gateway", "--datacenter", "dc2"], &files);
        assert_eq!(o.status.code(), Some(2), "{cmd} mesh-gateway in dc2: {}", stdout(&o));
        let err = stderr(&o);
        assert!(err.contains("`mesh-gateway` names several gateways"), "{err}");
        assert!(err.contains("mesh-gateway-dc2-a (in dc2), mesh-gateway-dc2-b (in dc2)"), "{err}");
    }
}

/// A registered name picks the gateway of the local datacenter (and partition) when several
/// datacenters register it.
#[test]
fn a_registered_name_picks_the_local_datacenters_gateway() {
    let files = case_files("mesh-gateway");
    let o = meshgate(&["plan", "--gateway", "mesh-gateway"], &files);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        (v["gateway"]["key"].as_str(), v["gateway"]["datacenter"].as_str()),
        (Some("mesh-gateway-dc1"), Some("dc1"))
    );
    // The key still names any of them.
    let o = meshgate(&["plan", "--gateway", "mesh-gateway-dc3"], &files);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["gateway"]["datacenter"], "dc3");
}

#[test]
fn plan_with_a_gateway_prints_its_gateway_plan() {
    let files = case_files("terminating-gateway");
    let o = meshgate(&["plan", "--gateway", "terminating-gateway"], &files);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["version"], meshgate_core::plan::gateways::GATEWAY_PLAN_VERSION);
    assert_eq!(v["gateway"]["kind"], "terminating-gateway");
    assert_eq!(v["routes"]["kind"], "terminating-gateway");
    assert_eq!(v["default_intention_policy"], "allow");
    assert_eq!(v["mode"], "enforce");
    assert_eq!(v["routes"]["services"][0]["tls"]["mode"], "mutual");
    // Intentions travel as a string table and rows (version 4): read them back as a plan.
    let plan: meshgate_core::plan::gateways::GatewayPlan = serde_json::from_slice(&o.stdout).expect("plan");
    assert!(!plan.intentions.is_empty());
    let destinations: Vec<&str> = plan.intentions.iter().map(|i| i.destination.name.as_str()).collect();
    assert!(destinations.iter().all(|d| *d == "billing-api" || *d == "legacy-db"), "{destinations:?}");

    // Settings flags reach the plan.
    let o = meshgate(
        &["plan", "--gateway", "terminating-gateway", "--default-intention-policy", "deny", "--mode", "audit"],
        &files,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["default_intention_policy"], "deny");
    assert_eq!(v["mode"], "audit");
}

#[test]
fn plan_without_a_gateway_holds_every_route_table() {
    let files = case_files("api-gateway");
    let o = meshgate(&["plan"], &files);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let gateways = v["gateways"].as_array().expect("gateways");
    assert_eq!(gateways.len(), 1);
    assert_eq!(gateways[0]["routes"]["kind"], "api-gateway");
}

#[test]
fn no_gateways_is_not_an_error() {
    let seed = Path::new("seeds").join("proxy-defaults-local.hcl").display().to_string();
    let o = meshgate(&["routes"], std::slice::from_ref(&seed));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("no gateways:"), "{}", stdout(&o));
    let o = meshgate(&["routes", "--json"], &[seed]);
    assert_eq!(stdout(&o).trim(), "[]");
}

#[test]
fn sidecars_follow_the_gateways_and_are_chosen_by_service_or_proxy() {
    // A connect proxy and no gateway: the proxy's sidecar is listed.
    let seed = Path::new("seeds").join("upstream-modes.hcl").display().to_string();
    let o = meshgate(&["routes"], std::slice::from_ref(&seed));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("web-sidecar-proxy: connect-proxy in dc1"), "{}", stdout(&o));

    let files = case_files("dataplane");
    for name in ["web", "web-sidecar-proxy"] {
        let o = meshgate(&["routes", "--sidecar", name], &files);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.starts_with("trust domain: "), "{out}");
        assert!(out.contains("web-sidecar-proxy: connect-proxy in dc1"), "{out}");
        assert!(!out.contains("ingress-gateway: ingress-gateway"), "{out}");
        assert!(out.contains("public listener: mTLS as spiffe://<td>/ns/default/dc/dc1/svc/web"), "{out}");
        assert!(out.contains("upstream billing in dc1 on 127.0.0.1:9292 http, mesh gateway mode local"), "{out}");
        assert!(out.contains("↳ failover 1: billing.default.default.dc2"), "{out}");
    }
    let o = meshgate(&["routes", "--json", "--sidecar", "web"], &files);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    assert_eq!(v[0]["routes"]["kind"], "sidecar");
    let failover = &v[0]["dials"]["upstreams"]["9292"]["billing.default.default.dc2"];
    assert_eq!(failover["via"], "local-mesh-gateway", "{failover}");
    assert_eq!(failover["endpoints"], serde_json::json!(["10.0.1.1:8443"]));

    let o = meshgate(&["routes", "--sidecar", "nope"], &files);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no sidecar for `nope`; the proxies are: web-sidecar-proxy"), "{}", stderr(&o));
    let o = meshgate(&["routes", "--sidecar", "web", "--gateway", "ingress-gateway"], &files);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
}

/// `--gateway` takes what `meshgate routes` lists: a sidecar's key (or its proxy's name, or the
/// service it fronts) selects the sidecar when no gateway has that name.
#[test]
fn gateway_selects_a_sidecar_by_key_or_service() {
    let files = case_files("dataplane");
    for name in ["web", "web-sidecar-proxy"] {
        let o = meshgate(&["routes", "--gateway", name], &files);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("web-sidecar-proxy: connect-proxy in dc1"), "{out}");
        assert!(!out.contains("ingress-gateway: ingress-gateway"), "{out}");
        assert!(out.contains("upstream api in dc1 on 127.0.0.1:9191 http"), "{out}");
    }
    // dc2's billing sidecar by its key, as the listing writes it.
    let o = meshgate(&["routes", "--json", "--gateway", "billing-sidecar-proxy"], &files);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v[0]["gateway"]["key"], "billing-sidecar-proxy");
    assert_eq!(v[0]["gateway"]["datacenter"], "dc2");
    assert_eq!(v[0]["routes"]["kind"], "sidecar");

    // `meshgate plan --gateway` too: the sidecar's GatewayPlan.
    let o = meshgate(&["plan", "--gateway", "api-sidecar-proxy"], &files);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["gateway"]["kind"], "connect-proxy");
    assert_eq!(v["routes"]["kind"], "sidecar");

    // Neither a gateway nor a sidecar: both are listed.
    let o = meshgate(&["routes", "--gateway", "nope"], &files);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("no gateway `nope`; the gateways are: "), "{err}");
    assert!(err.contains("; the sidecars are: web-sidecar-proxy, api-sidecar-proxy, billing-sidecar-proxy"), "{err}");
}

#[test]
fn every_target_shows_its_dial_and_an_unreachable_one_is_unrouted() {
    let files = case_files("dataplane");
    let o = meshgate(&["routes", "--gateway", "ingress-gateway"], &files);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("  dials, mTLS as spiffe://<td>/ns/default/dc/dc1/svc/ingress-gateway:"), "{out}");
    let v1 = out.lines().find(|l| l.trim_start().starts_with("v1.api.default.default.dc1 ")).expect("v1 row");
    assert!(v1.contains("Connect endpoints 10.0.0.11:21000"), "{v1}");
    assert!(v1.ends_with("spiffe://<td>/ns/default/dc/dc1/svc/api"), "{v1}");
    assert!(out.contains("unrouted: reports.default.default.dc1: `reports` has no Connect endpoint"), "{out}");

    let o = meshgate(&["routes", "--json", "--gateway", "ingress-gateway"], &files);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let reports = &v[0]["dials"]["targets"]["reports.default.default.dc1"];
    assert!(reports["problem"].as_str().is_some_and(|p| p.contains("no Connect endpoint")), "{reports}");
    assert_eq!(reports["endpoints"], serde_json::json!([]));
    let billing = &v[0]["dials"]["targets"]["billing.default.default.dc1"];
    assert_eq!(billing["presents"], format!("spiffe://{TD}/ns/default/dc/dc1/svc/ingress-gateway"));
    assert_eq!(
        billing["expects"],
        serde_json::json!({ "match": "exact", "value": format!("spiffe://{TD}/ns/default/dc/dc1/svc/billing") })
    );
}

const TD: &str = "11111111-2222-3333-4444-555555555555.consul";

/// Each dial `meshgate routes --json` shows is a cluster of `meshgate envoy`'s bootstrap (or a
/// failover member `failover-target~<i>~<cluster>`) with the same endpoints, SNI and server SAN.
#[test]
fn dials_are_what_meshgate_envoy_configures() {
    let files = case_files("dataplane");
    let certs = ["--wasm", "/x/filter.wasm", "--cert-dir", "/x/certs"];
    for (selector, flag) in [("ingress-gateway", "--gateway"), ("web", "--sidecar")] {
        let o = meshgate(&["routes", "--json", flag, selector], &files);
        let routes: serde_json::Value = serde_json::from_slice(&o.stdout).expect("routes json");
        let o = meshgate(&[&["envoy", flag, selector][..], &certs[..]].concat(), &files);
        assert_eq!(o.status.code(), Some(0), "{selector}: {}", stderr(&o));
        let bootstrap: serde_json::Value = serde_json::from_slice(&o.stdout).expect("bootstrap json");
        let clusters = bootstrap["static_resources"]["clusters"].as_array().expect("clusters");
        let dials = &routes[0]["dials"];
        let maps: Vec<&serde_json::Value> = match dials["upstreams"].as_object() {
            Some(ports) => ports.values().collect(),
            None => vec![&dials["targets"]],
        };
        let mut checked = 0;
        for (cluster, dial) in maps.iter().flat_map(|m| m.as_object().expect("dials")) {
            let built: Vec<&serde_json::Value> = clusters
                .iter()
                .filter(|c| c["load_assignment"].is_object())
                .filter(|c| {
                    let name = c["name"].as_str().unwrap_or_default();
                    name == cluster || name.ends_with(&format!("~{cluster}"))
                })
                .collect();
            assert!(!built.is_empty(), "{selector}: no cluster for {cluster}");
            for c in built {
                let mut endpoints: Vec<String> = c["load_assignment"]["endpoints"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|l| l["lb_endpoints"].as_array().into_iter().flatten())
                    .map(|e| {
                        let a = &e["endpoint"]["address"]["socket_address"];
                        format!("{}:{}", a["address"].as_str().unwrap_or_default(), a["port_value"])
                    })
                    .collect();
                endpoints.sort();
                assert_eq!(serde_json::json!(endpoints), dial["endpoints"], "{selector} {cluster}");
                let tls = &c["transport_socket"]["typed_config"];
                assert_eq!(tls["sni"], dial["sni"], "{selector} {cluster}");
                let matcher =
                    &tls["common_tls_context"]["validation_context"]["match_typed_subject_alt_names"][0]["matcher"];
                let (kind, value) = (dial["expects"]["match"].as_str(), &dial["expects"]["value"]);
                let want = if kind == Some("exact") { &matcher["exact"] } else { &matcher["safe_regex"]["regex"] };
                assert_eq!(want, value, "{selector} {cluster}");
                checked += 1;
            }
        }
        assert!(checked >= 4, "{selector}: only {checked} clusters compared");
    }
}
