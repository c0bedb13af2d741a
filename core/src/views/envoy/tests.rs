use super::*;
use crate::views::{FileInput, WorkspaceInput};

const SERVICES: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "10.0.1.1" port = 8443 }
service { name = "mesh-gateway" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.2.1" port = 8443 }
service { name = "tgw" kind = "terminating-gateway" address = "10.0.0.5" port = 9443 }
service { name = "ingress" kind = "ingress-gateway" address = "10.0.0.6" port = 8443 }
service { name = "web" address = "10.0.0.10" port = 8080 }
service { name = "billing" address = "billing.example.com" port = 443 }
"#;

const ENTRIES: &str = r#"Kind = "service-defaults"
Name = "web"
Protocol = "http"
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web" }] }]
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing", CAFile = "/etc/billing-ca.pem" }]
"#;

fn analysis(extra: &[(&str, &str)]) -> Analysis {
    let mut files = vec![FileInput { name: "services.hcl".into(), text: SERVICES.into() }];
    for (i, part) in ENTRIES.split("\n---\n").enumerate() {
        files.push(FileInput { name: format!("entry-{i}.hcl"), text: part.into() });
    }
    files.extend(extra.iter().map(|(n, t)| FileInput { name: n.to_string(), text: t.to_string() }));
    Analysis::new(WorkspaceInput { files, settings: None })
}

fn ask(gateway: &str) -> EnvoyRequest {
    EnvoyRequest { gateway: gateway.into(), ..Default::default() }
}

#[test]
fn the_bootstrap_is_meshgate_envoys_with_the_defaults_filled_in() {
    let a = analysis(&[]);
    assert!(a.diagnostics().summary.valid, "{:?}", a.diagnostics().diagnostics);
    let view = a.envoy(&ask("ingress"));
    assert_eq!(view.withheld, None);
    assert_eq!((view.wasm.as_str(), view.admin_port, view.cert_dir.as_str()), (DEFAULT_WASM, 19000, DEFAULT_CERT_DIR));
    assert_eq!(view.file_name, "envoy-ingress.json");
    let expected = envoy::generate(
        &a.workspace,
        a.compiled.as_ref().unwrap(),
        "ingress",
        &Options {
            wasm: DEFAULT_WASM.into(),
            host: Default::default(),
            admin_port: DEFAULT_ADMIN_PORT,
            cert_dir: Some(DEFAULT_CERT_DIR.into()),
            ecds_dir: None,
            health_port: None,
            sidecar: false,
            cert_files: Vec::new(),
        },
    )
    .unwrap();
    assert_eq!(view.bootstrap.as_deref(), Some(expected.bootstrap.as_str()));
    let bootstrap: serde_json::Value = serde_json::from_str(view.bootstrap.as_deref().unwrap()).unwrap();
    assert_eq!(bootstrap["node"]["id"], "meshgate-ingress");
    assert_eq!(bootstrap["admin"]["address"]["socket_address"]["port_value"], 19000);
    assert!(view.bootstrap.unwrap().contains(DEFAULT_WASM));
    assert_eq!(
        view.command,
        "meshgate envoy services.hcl entry-0.hcl entry-1.hcl entry-2.hcl --gateway ingress --wasm /etc/meshgate/filter.wasm --cert-dir /etc/meshgate/certs"
    );
}

#[test]
fn the_form_sets_the_options_and_a_bad_port_is_said_so() {
    let a = analysis(&[]);
    let request = EnvoyRequest {
        gateway: "mesh-gateway@dc2".into(),
        sidecar: false,
        wasm: " /opt/my filter.wasm ".into(),
        admin_port: "9901".into(),
        cert_dir: "/certs".into(),
    };
    let view = a.envoy(&request);
    assert_eq!(view.withheld, None);
    assert_eq!(view.file_name, "envoy-mesh-gateway_dc2.json");
    assert_eq!((view.wasm.as_str(), view.admin_port), ("/opt/my filter.wasm", 9901));
    let bootstrap = view.bootstrap.unwrap();
    assert!(bootstrap.contains("\"/opt/my filter.wasm\""));
    assert!(bootstrap.contains("9901"));
    assert!(view
        .command
        .ends_with("--gateway mesh-gateway@dc2 --wasm '/opt/my filter.wasm' --cert-dir /certs --admin-port 9901"));

    for bad in ["0", "70000", "x"] {
        let view = a.envoy(&EnvoyRequest { admin_port: bad.into(), ..ask("ingress") });
        assert_eq!(view.bootstrap, None);
        assert_eq!(
            view.withheld.as_deref(),
            Some(format!("the admin port must be a number from 1 to 65535, not `{bad}`").as_str())
        );
    }
}

#[test]
fn a_terminating_gateway_gets_its_certificates_and_errors_withhold() {
    let a = analysis(&[]);
    let view = a.envoy(&ask("tgw"));
    assert!(view.bootstrap.unwrap().contains("/etc/meshgate/certs/billing.pem"));
    let missing = a.envoy(&ask("nope")).withheld.unwrap();
    assert!(missing.starts_with("no gateway `nope`; the gateways are: "), "{missing}");
    let broken = analysis(&[("bad.hcl", "Kind = \"nope\"\n")]);
    let view = broken.envoy(&ask("ingress"));
    assert_eq!(view.bootstrap, None);
    let why = view.withheld.unwrap();
    assert!(why.contains("1 error") && why.contains("`meshgate envoy` refuses it too"), "{why}");
}

#[test]
fn shell_words_are_quoted_only_when_needed() {
    assert_eq!(shell_word("a-b_c.hcl"), "a-b_c.hcl");
    assert_eq!(shell_word("my file.hcl"), "'my file.hcl'");
    assert_eq!(shell_word("it's"), r"'it'\''s'");
    assert_eq!(shell_word(""), "''");
}
