//! The Connect data plane's registration mistakes, as `meshgate validate` reports them: each at
//! the file, line and column that makes it.

// Tests may panic on setup failures; the lint is for shipped code.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

fn validate(dir: &Path) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_meshgate")).arg("validate").arg(dir).output().expect("run meshgate");
    (o.status.code(), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

fn workspace(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write");
    }
    dir
}

#[test]
fn a_connect_proxy_must_name_its_service() {
    let dir = workspace(
        "connect-proxy-without-destination",
        &[("proxy.hcl", "service {\n  name = \"billing-proxy\"\n  kind = \"connect-proxy\"\n  port = 21000\n  proxy {\n    destination_service_id = \"billing-1\"\n  }\n}\n")],
    );
    let (code, out) = validate(&dir);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("proxy.hcl:5:9: error[E0203]: a connect-proxy needs `proxy { destination_service_name"),
        "{out}"
    );
}

#[test]
fn two_sidecars_cannot_share_an_address_and_port() {
    let dir = workspace(
        "two-sidecars-one-port",
        &[
            (
                "web.hcl",
                "service {\n  name = \"web\"\n  port = 8080\n  connect { sidecar_service { port = 21000 } }\n}\n",
            ),
            (
                "api.hcl",
                "service {\n  name = \"api\"\n  port = 9090\n  connect { sidecar_service { port = 21000 } }\n}\n",
            ),
        ],
    );
    let (code, out) = validate(&dir);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "web.hcl:4:29: error[E0430]: the sidecar of `web` listens on 127.0.0.1:21000, where the sidecar of `api`"
        ),
        "{out}"
    );
}

#[test]
fn a_gateway_route_to_a_service_without_a_connect_endpoint_is_flagged_where_it_is_written() {
    let dir = workspace(
        "gateway-target-without-endpoint",
        &[
            ("services.hcl", "services = [\n  { name = \"ingress\", kind = \"ingress-gateway\", port = 8080 },\n  { name = \"api\", port = 9090 },\n  { name = \"web\", port = 9091, connect { sidecar_service { port = 21001 } } },\n]\n"),
            (
                "ingress.hcl",
                "Kind = \"ingress-gateway\"\nName = \"ingress\"\nListeners = [\n  {\n    Port = 9000\n    Protocol = \"tcp\"\n    Services = [{ Name = \"api\" }]\n  },\n  {\n    Port = 9001\n    Protocol = \"tcp\"\n    Services = [{ Name = \"web\" }]\n  },\n]\n",
            ),
        ],
    );
    let (code, out) = validate(&dir);
    assert_eq!(code, Some(0), "warnings only: {out}");
    assert!(
        out.contains("ingress.hcl:7:17: warning[W0407]: gateway `ingress` sends traffic to `api`, which has no Connect endpoint in dc1"),
        "{out}"
    );
    // web has a sidecar: nothing to say.
    assert!(!out.contains("to `web`"), "{out}");
}
