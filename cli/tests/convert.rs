//! `meshgate convert`: the exit codes and what lands where.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn corpus(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus").join(path).display().to_string()
}

fn meshgate(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_meshgate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn meshgate");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

#[test]
fn a_crd_converts_to_hcl_and_back() {
    let out = meshgate(&["convert", &corpus("service-splitter/canary.crd.yaml"), "--to", "hcl"], "");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let hcl = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(hcl.starts_with("Kind = \"service-splitter\"\nName = \"web\"\n"), "{hcl}");
    let back = meshgate(&["convert", "-", "--to", "crd"], &hcl);
    assert_eq!(back.status.code(), Some(0), "{}", String::from_utf8_lossy(&back.stderr));
    let crd = String::from_utf8_lossy(&back.stdout);
    assert!(crd.starts_with("apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceSplitter\n"), "{crd}");
}

#[test]
fn output_file_and_entry_name() {
    let dir = std::env::temp_dir().join(format!("meshgate-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_path = dir.join("out.json");
    let out = meshgate(
        &[
            "convert",
            &corpus("crd/api-gateway.crd.yaml"),
            "--to",
            "json",
            "--name",
            "example-com",
            "-o",
            out_path.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(v["Kind"], "file-system-certificate");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn no_crd_form_and_invalid_input_exit_1() {
    let out = meshgate(&["convert", &corpus("inline-certificate/rsa-key.hcl"), "--to", "crd"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no Kubernetes resource form"));
    let out = meshgate(&["convert", &corpus("crd/bad-hcl-spelling.yaml"), "--to", "hcl"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0201"));
    let out = meshgate(&["convert", &corpus("crd/mesh.hcl"), "--to", "toml"], "");
    assert_eq!(out.status.code(), Some(2));
}
