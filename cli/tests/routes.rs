//! `meshgate routes` and `meshgate plan --gateway`: the text and JSON the fixture corpus holds,
//! gateway selection, and exit codes.

// Tests may panic on setup failures; the lint is for shipped code.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus")
}

/// The config files of a route case, relative to the corpus root (as the corpus runner names them).
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
    for case in ["mesh-gateway", "terminating-gateway", "ingress-gateway", "api-gateway"] {
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
    let destinations: Vec<&str> = v["intentions"]
        .as_array()
        .expect("intentions")
        .iter()
        .filter_map(|i| i["destination"]["name"].as_str())
        .collect();
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
    let seed = Path::new("seeds").join("upstream-modes.hcl").display().to_string();
    let o = meshgate(&["routes"], std::slice::from_ref(&seed));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("no gateways:"), "{}", stdout(&o));
    let o = meshgate(&["routes", "--json"], &[seed]);
    assert_eq!(stdout(&o).trim(), "[]");
}
