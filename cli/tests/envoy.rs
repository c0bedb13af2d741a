//! `meshgate envoy`, `meshgate ca create` and `meshgate cert issue`: what they write. (That the
//! configs pass `envoy --mode validate` and carry traffic is checked against real Envoy in
//! tests/tests/envoy.rs.)

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn meshgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_meshgate")).args(args).output().expect("run meshgate")
}

fn demo() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/demo").display().to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meshgate-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ok(o: &Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn ca_and_certs_carry_spiffe_ids() {
    let dir = scratch("certs");
    let certs = s(&dir.join("certs"));
    ok(&meshgate(&["ca", "create", "--dir", &certs]));
    assert!(dir.join("certs/ca.pem").is_file() && dir.join("certs/ca-key.pem").is_file());
    // A second create keeps the CA.
    let before = std::fs::read_to_string(dir.join("certs/ca.pem")).unwrap();
    ok(&meshgate(&["ca", "create", "--dir", &certs]));
    assert_eq!(std::fs::read_to_string(dir.join("certs/ca.pem")).unwrap(), before);
    let o = meshgate(&["cert", "issue", "--service", "web", "--datacenter", "dc2", "--dir", &certs]);
    ok(&o);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc2/svc/web"), "{out}");
    let pem = std::fs::read_to_string(dir.join("certs/web.pem")).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(dir.join("certs/web-key.pem").is_file());
    let o = meshgate(&["cert", "issue", "--mesh-gateway", "--dir", &certs]);
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("/gateway/mesh/dc/dc1"));
    // Without a CA: a clear error, exit 2.
    let o = meshgate(&["cert", "issue", "--service", "web", "--dir", &s(&dir.join("nowhere"))]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("meshgate ca create"));
}

#[test]
fn envoy_writes_a_bootstrap_per_gateway_kind() {
    let dir = scratch("envoy");
    let wasm = s(&dir.join("filter.wasm"));
    std::fs::write(&wasm, b"\0asm").unwrap();
    let certs = s(&dir);
    for (gateway, listener_filter) in [("mesh-gateway@dc1", true), ("ingress", false)] {
        let out = s(&dir.join(format!("{gateway}.json")));
        ok(&meshgate(&[
            "envoy",
            &demo(),
            "--gateway",
            gateway,
            "--wasm",
            &wasm,
            "--admin-port",
            "19123",
            "--cert-dir",
            &certs,
            "-o",
            &out,
        ]));
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        assert_eq!(v["admin"]["address"]["socket_address"]["port_value"], 19123);
        let listener = &v["static_resources"]["listeners"][0];
        assert_eq!(listener["listener_filters"].is_array(), listener_filter, "{gateway}");
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("FAIL_RELOAD") && !text.contains("FAIL_OPEN"), "{gateway}");
        assert!(text.contains(&wasm), "{gateway}: the wasm path");
    }
    // The terminating gateway needs certificates; so does the ingress gateway, which originates
    // mTLS to its targets' Connect endpoints as its own identity.
    for gateway in ["egress", "ingress"] {
        let o = meshgate(&["envoy", &demo(), "--gateway", gateway, "--wasm", &wasm]);
        assert_eq!(o.status.code(), Some(2), "{gateway}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("--cert-dir"), "{gateway}");
    }
    let o = meshgate(&["envoy", &demo(), "--gateway", "ingress", "--wasm", &wasm]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("ingress.pem"), "names the gateway's own certificate");
    // The ingress gateway's clusters: mTLS with its own certificate.
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ingress.json")).unwrap()).unwrap();
    let tls: Vec<&serde_json::Value> = v["static_resources"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.get("transport_socket"))
        .collect();
    assert!(!tls.is_empty(), "no cluster originates TLS");
    for t in tls {
        let chain = &t["typed_config"]["common_tls_context"]["tls_certificates"][0]["certificate_chain"]["filename"];
        assert_eq!(chain.as_str(), Some(format!("{certs}/ingress.pem").as_str()), "{t}");
    }
    ok(&meshgate(&[
        "envoy",
        &demo(),
        "--gateway",
        "egress",
        "--wasm",
        &wasm,
        "--cert-dir",
        &s(&dir),
        "-o",
        &s(&dir.join("egress.json")),
    ]));
    // An unknown gateway.
    let o = meshgate(&["envoy", &demo(), "--gateway", "nope", "--wasm", &wasm]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn ecds_update_rewrites_only_the_plan_files() {
    let dir = scratch("ecds");
    let wasm = s(&dir.join("filter.wasm"));
    let ecds = dir.join("ecds");
    let boot = s(&dir.join("ingress.json"));
    let certs = s(&dir);
    ok(&meshgate(&[
        "envoy",
        &demo(),
        "--gateway",
        "ingress",
        "--wasm",
        &wasm,
        "--cert-dir",
        &certs,
        "--ecds",
        &s(&ecds),
        "-o",
        &boot,
    ]));
    let file = ecds.join("meshgate-ingress-http.json");
    let first = std::fs::read_to_string(&file).unwrap();
    assert!(!std::fs::read_to_string(&boot).unwrap().contains("\"configuration\""));
    std::fs::remove_file(&boot).unwrap();
    let o = meshgate(&[
        "envoy",
        &demo(),
        "--gateway",
        "ingress",
        "--wasm",
        &wasm,
        "--cert-dir",
        &certs,
        "--ecds",
        &s(&ecds),
        "--update",
        "--mode",
        "audit",
    ]);
    ok(&o);
    assert!(!Path::new(&boot).exists(), "--update writes no bootstrap");
    assert!(o.stdout.is_empty());
    let second = std::fs::read_to_string(&file).unwrap();
    assert_ne!(first, second);
    assert!(second.contains("\\\"mode\\\":\\\"audit\\\""), "{second}");
    // No temporary file is left behind.
    let names: Vec<String> =
        std::fs::read_dir(&ecds).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec!["meshgate-ingress-http.json".to_string()]);
    // --update needs --ecds.
    assert_eq!(
        meshgate(&["envoy", &demo(), "--gateway", "ingress", "--wasm", &wasm, "--cert-dir", &certs, "--update"])
            .status
            .code(),
        Some(2)
    );
}
