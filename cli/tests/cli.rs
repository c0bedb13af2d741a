//! The CLI contract: exit codes, output formats, and the JSON fields other tools rely on.

// Tests may panic on setup failures; the lint is for shipped code.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn corpus(path: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    root.join(path).display().to_string()
}

fn meshgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_meshgate")).args(args).output().expect("run meshgate")
}

fn meshgate_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_meshgate"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn meshgate");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

#[test]
fn validate_exits_0_for_valid_files() {
    let o = meshgate(&["validate", &corpus("seeds/proxy-defaults-local.hcl"), &corpus("seeds/upstream-modes.json")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // What compiling finds is reported too (`validate` sees what `plan` sees): here two warnings.
    assert!(
        stdout(&o).ends_with("valid with 2 warnings — 2 files: 1 config entry, 1 service definition\n"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("warning[W0406]"), "{}", stdout(&o));
}

#[test]
fn validate_exits_1_and_points_at_the_problem() {
    let o = meshgate(&["validate", &corpus("broken/bad-mode.json")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("bad-mode.json:5:13: error[E0205]: \"locl\" is not a mesh gateway mode"), "{out}");
    assert!(out.contains("^^^^^^"), "{out}");
    assert!(out.contains("help: did you mean \"local\"?"), "{out}");
}

#[test]
fn validate_reports_every_error_of_every_file_in_one_run() {
    let o = meshgate(&["validate", "--format", "json", &corpus("broken")]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["valid"], false);
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    assert!(diags.len() >= 12, "{diags:?}");
    let first = &diags[0];
    assert!(first["code"].as_str().is_some_and(|c| c.starts_with('E')));
    assert!(first["location"]["start"]["line"].as_u64().is_some());
}

#[test]
fn validate_exits_2_on_io_and_usage_errors() {
    let o = meshgate(&["validate", "/nonexistent/file.hcl"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot read /nonexistent/file.hcl"));
    assert_eq!(meshgate(&["validate"]).status.code(), Some(2));
    assert_eq!(meshgate(&["validate", "--format", "xml", "x"]).status.code(), Some(2));
}

#[test]
fn validate_reads_stdin_and_sniffs_the_format() {
    let o = meshgate_stdin(&["validate", "-"], "Kind: mesh\nTransparentProxy:\n  MeshDestinationsOnly: true\n");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = meshgate_stdin(&["validate", "-"], "{\"Kind\": \"proxy-defaults\", \"Name\": \"glob\"}");
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("<stdin>:1:36: error[E0302]"), "{}", stdout(&o));
}

const INTENTIONS: &str = r#"
Kind = "service-intentions"
Name = "billing"
Sources = [
  { Name = "web", Permissions = [
      { Action = "deny", HTTP { PathPrefix = "/admin" } },
      { Action = "allow", HTTP { PathPrefix = "/", Methods = ["GET"] } },
  ] },
  { Name = "*", Action = "deny" },
]
"#;

const HTTP_BILLING: &str = "Kind = \"service-defaults\"\nName = \"billing\"\nProtocol = \"http\"\n";

fn check(extra: &[&str]) -> Output {
    // A directory per call: tests run in parallel, and rewriting a file another test's meshgate is
    // reading hands it an empty file.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("meshgate-cli-{}-{call}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("intentions.hcl"), INTENTIONS).expect("write");
    std::fs::write(dir.join("billing.hcl"), HTTP_BILLING).expect("write");
    let mut args = vec!["check", dir.to_str().expect("utf-8 temp dir"), "--destination", "billing"];
    args.extend_from_slice(extra);
    meshgate(&args)
}

#[test]
fn check_allows_and_denies_with_exit_codes_and_reasons() {
    let o = check(&["--source", "web", "--method", "GET", "--path", "/invoices"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("Allowed\n"));
    let o = check(&["--source", "web", "--method", "GET", "--path", "//admin/./users"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("denied by permission #1 of intention web → billing"), "{}", stdout(&o));
    assert!(stdout(&o).contains("normalized path: /admin/users"), "{}", stdout(&o));
    let o = check(&["--source", "api"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn check_json_has_the_contract_fields() {
    let o = check(&["--source", "web", "--method", "POST", "--path", "/invoices", "--json"]);
    let v = json(&o);
    assert_eq!(v["allowed"], true, "POST matches no permission; the default policy (allow) decides");
    assert_eq!(v["default_used"], true);
    assert!(v["permission"].is_null());
    assert_eq!(v["intention"]["source"]["name"], "web");
    assert_eq!(v["intention"]["origin"]["line"], 5);
    assert!(v["reason"].as_str().is_some_and(|r| r.contains("none of its 2 permissions")));
    assert_eq!(v["normalized_path"], "/invoices");
    let o = check(&[
        "--source",
        "web",
        "--method",
        "POST",
        "--path",
        "/invoices",
        "--json",
        "--default-intention-policy",
        "deny",
    ]);
    assert_eq!(json(&o)["allowed"], false);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn upstreams_json_gives_the_documented_modes_for_the_seed() {
    let o = meshgate(&["upstreams", &corpus("seeds/upstream-modes.hcl"), "--service", "web", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    let rows: Vec<(String, String, String, String)> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|u| {
            let s = |k: &str| u[k].as_str().unwrap_or_default().to_string();
            (s("destination"), s("mesh_gateway_mode"), s("mesh_gateway_mode_source"), s("dial"))
        })
        .collect();
    let want = [
        ("api", "remote", "upstream", "remote-gateway"),
        ("db", "local", "upstream", "local-gateway"),
        ("logging", "none", "upstream", "direct"),
    ];
    let want: Vec<(String, String, String, String)> =
        want.iter().map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string())).collect();
    assert_eq!(rows, want);
    assert_eq!(v[1]["sni"], "db.default.secondary.internal.11111111-2222-3333-4444-555555555555.consul");
    assert_eq!(v[1]["datacenter"], "secondary");
    assert_eq!(v[0]["peer"], "cluster-01");
}

/// The dataplane route case: its config files and `--settings` for its peers.
fn dataplane_args() -> Vec<String> {
    let dir = PathBuf::from(corpus("routes/dataplane"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("routes/dataplane")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "hcl") && !p.ends_with("meshgate.hcl"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files.extend(["--settings".to_string(), dir.join("meshgate.hcl").display().to_string()]);
    files
}

#[test]
fn upstreams_show_each_targets_dial_as_the_sidecar_dials_it() {
    let files = dataplane_args();
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["upstreams", "--service", "web"].iter().map(|s| s.to_string()).collect();
        a.extend(files.iter().cloned());
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>| meshgate(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let o = run(args(&["--json"]));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    let by = |name: &str| v.as_array().and_then(|a| a.iter().find(|u| u["destination"] == name)).cloned().unwrap();
    let td = "11111111-2222-3333-4444-555555555555.consul";
    let api = by("api");
    assert_eq!(api["listener"], "127.0.0.1:9191");
    let v1 = &api["dials"]["v1.api.default.default.dc1"];
    assert_eq!(v1["via"], "connect-endpoints");
    assert_eq!(v1["endpoints"], serde_json::json!(["10.0.0.11:21000"]));
    assert_eq!(v1["presents"], format!("spiffe://{td}/ns/default/dc/dc1/svc/web"));
    assert_eq!(v1["expects"]["value"], format!("spiffe://{td}/ns/default/dc/dc1/svc/api"));
    // The failover target is dialled in the upstream's mode (local): through dc1's mesh gateway.
    let billing = by("billing");
    assert_eq!(billing["dials"]["billing.default.default.dc2"]["via"], "local-mesh-gateway");
    let ledger = by("ledger");
    let peer = &ledger["dials"]["ledger.default.default.external.partner"];
    assert_eq!(peer["via"], "peer-mesh-gateway");
    assert_eq!(peer["endpoints"], serde_json::json!(["192.0.2.10:8443"]));
    assert_eq!(peer["peer"], "partner");
    assert_eq!(peer["expects"]["match"], "regex");
    // The resolution's fields are still there.
    assert_eq!(ledger["mesh_gateway_mode"], "remote");

    let o = run(args(&[]));
    let out = stdout(&o);
    assert!(
        out.contains("  billing on 127.0.0.1:9292 dials, mTLS as spiffe://<td>/ns/default/dc/dc1/svc/web:"),
        "{out}"
    );
    let failover = out.lines().find(|l| l.contains("↳ failover 1: billing.default.default.dc2")).expect("failover row");
    assert!(failover.contains("local mesh gateway 10.0.1.1:8443"), "{failover}");
    assert!(failover.ends_with("spiffe://<td>/ns/default/dc/dc2/svc/billing"), "{failover}");
}

#[test]
fn every_command_has_help() {
    for cmd in ["validate", "check", "upstreams", "plan"] {
        let o = meshgate(&[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{cmd}");
        assert!(stdout(&o).contains("Usage: meshgate"), "{cmd}");
    }
}

#[test]
fn a_directory_brings_its_settings_file() {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/demo").display().to_string();
    let o = meshgate(&["validate", &demo]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = meshgate(&["upstreams", &demo, "--service", "web", "--json"]);
    let v = json(&o);
    let ledger =
        v.as_array().and_then(|a| a.iter().find(|u| u["destination"] == "ledger")).cloned().unwrap_or_default();
    // The peer's trust domain and the name the peer gave this cluster (`LocalName = "demo"`) both
    // come from examples/demo/meshgate.hcl: the SNI the partner's mesh gateway routes on.
    assert_eq!(ledger["sni"], "ledger.default.default.demo.external.99999999-8888-7777-6666-555555555555.consul");
    // The demo's settings deny by default; a flag overrides the file.
    let o = meshgate(&["check", &demo, "--source", "api", "--destination", "web"]);
    assert_eq!(o.status.code(), Some(1));
    let o =
        meshgate(&["check", &demo, "--source", "api", "--destination", "web", "--default-intention-policy", "allow"]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
#[cfg(unix)]
fn directories_skip_fifos_and_survive_symlink_loops() {
    let dir = std::env::temp_dir().join(format!("meshgate-cli-walk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).expect("dirs");
    std::fs::write(dir.join("sub/web.hcl"), "Kind = \"service-defaults\"\nName = \"web\"\n").expect("write");
    // A link back up the tree, twice: an endless (or exponential) walk without loop detection.
    std::os::unix::fs::symlink(&dir, dir.join("sub/up")).expect("symlink");
    std::os::unix::fs::symlink(&dir, dir.join("sub/up2")).expect("symlink");
    // A FIFO named like a config file: reading it would block forever.
    let fifo = dir.join("blocked.hcl");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let o = meshgate(&["validate", dir.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("1 file: 1 config entry"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

// `meshgate convert`: both ways through CRDs, -o and --name, exit codes.

#[test]
fn a_crd_converts_to_hcl_and_back() {
    let out = meshgate(&["convert", &corpus("service-splitter/canary.crd.yaml"), "--to", "hcl"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let hcl = stdout(&out);
    assert!(hcl.starts_with("Kind = \"service-splitter\"\nName = \"web\"\n"), "{hcl}");
    let back = meshgate_stdin(&["convert", "-", "--to", "crd"], &hcl);
    assert_eq!(back.status.code(), Some(0), "{}", String::from_utf8_lossy(&back.stderr));
    let crd = String::from_utf8_lossy(&back.stdout);
    assert!(crd.starts_with("apiVersion: consul.hashicorp.com/v1alpha1\nkind: ServiceSplitter\n"), "{crd}");
}

#[test]
fn output_file_and_entry_name() {
    let dir = std::env::temp_dir().join(format!("meshgate-convert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out_path = dir.join("out.json");
    let out = meshgate(&[
        "convert",
        &corpus("crd/api-gateway.crd.yaml"),
        "--to",
        "json",
        "--name",
        "example-com",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    assert_eq!(v["Kind"], "file-system-certificate");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn no_crd_form_and_invalid_input_exit_1() {
    let out = meshgate(&["convert", &corpus("inline-certificate/rsa-key.hcl"), "--to", "crd"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no Kubernetes resource form"));
    let out = meshgate(&["convert", &corpus("crd/bad-hcl-spelling.yaml"), "--to", "hcl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0201"));
    let out = meshgate(&["convert", &corpus("crd/mesh.hcl"), "--to", "toml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn check_takes_the_claims_envoy_verified() {
    let dir = std::env::temp_dir().join(format!("meshgate-cli-jwt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let intentions = "Kind = \"service-intentions\"\nName = \"billing\"\nJWT { Providers = [{ Name = \"okta\", VerifyClaims = [{ Path = [\"perms\", \"role\"], Value = \"admin\" }] }] }\nSources = [{ Name = \"web\", Action = \"allow\" }]\n";
    let provider =
        "Kind = \"jwt-provider\"\nName = \"okta\"\nJSONWebKeySet { Local { Filename = \"/etc/jwks.json\" } }\n";
    std::fs::write(dir.join("intentions.hcl"), intentions).expect("write");
    std::fs::write(dir.join("okta.hcl"), provider).expect("write");
    std::fs::write(dir.join("billing.hcl"), HTTP_BILLING).expect("write");
    // Beside the directory, not in it: meshgate reads every .json there as configuration.
    let claims_file = dir.with_extension("claims.json");
    std::fs::write(&claims_file, r#"{"perms": {"role": ["user", "admin"]}}"#).expect("write");
    let run = |extra: &[&str]| {
        let mut args = vec!["check", dir.to_str().expect("utf-8"), "--source", "web", "--destination", "billing"];
        args.extend_from_slice(extra);
        let o = meshgate(&args);
        (o.status.code(), stdout(&o))
    };
    let (code, out) = run(&[]);
    assert_eq!(code, Some(1));
    assert!(out.contains("carries no JWT"), "{out}");
    let (code, out) = run(&["--header", "Authorization: Bearer a.b.c"]);
    assert!(code == Some(1) && out.contains("no required provider verified"), "{out}");
    let (code, out) = run(&["--jwt", r#"okta={"perms":{"role":"user"}}"#]);
    assert!(code == Some(1) && out.contains("does not carry the required claims"), "{out}");
    let claims = format!("okta=@{}", claims_file.display());
    let (code, out) = run(&["--jwt", &claims]);
    assert_eq!(code, Some(0), "{out}");
    let o = meshgate(&[
        "check",
        dir.to_str().expect("utf-8"),
        "--source",
        "web",
        "--destination",
        "billing",
        "--jwt",
        "okta",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
}
