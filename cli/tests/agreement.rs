//! Preview ≡ enforcement: over every request of the decision corpus (`tests/corpus/decisions/`),
//! `meshgate check` (the binary), the playground's Simulate (`Analysis::simulate`, what
//! planner-wasm calls) and the filter (its glue through the in-memory host) give the same answer.
//!
//! The filter decides at a terminating gateway added to each case, linked to every service a
//! request lands on, with the caller's SPIFFE ID as the peer certificate: the HTTP filter for an
//! http-like service, the network filter (L4) for a tcp one — tcp destinations asked with a method
//! and path included, which the filter decides at L4. Where the destination's discovery chain
//! sends a request on, each branch is checked at the service it lands on, with the path it
//! receives. Callers from a peer cluster are compared between check and Simulate only: their
//! certificates carry the peer's trust domain, which reaches a service through its own mesh
//! gateway and sidecar, not through a terminating gateway.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use meshgate_core::plan::gateways::gateway_plan;
use meshgate_core::views::{Analysis, SimulateRequest};
use meshgate_core::workspace::InputFile;
use meshgate_filter::glue::{Root, NETWORK_ROOT_ID};
use meshgate_filter::mock::MockHost;
use meshgate_tests::{corpus, requests};
use std::collections::BTreeSet;
use std::process::Command;

const GATEWAY: &str = "agreement-tgw";

fn check(dir: &std::path::Path, r: &SimulateRequest) -> (bool, serde_json::Value) {
    let mut args: Vec<String> = vec!["check".into(), "--json".into()];
    // The case's files by name; its `settings.*` (the corpus' spelling) through --settings.
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !corpus::INPUT_EXTENSIONS.iter().any(|x| name.ends_with(&format!(".{x}"))) {
            continue;
        }
        if name.starts_with("settings.") || name.starts_with("meshgate.") {
            args.push("--settings".into());
        }
        // Relative to the corpus root, as the Simulate side names them, so the reasons compare.
        args.push(corpus::relative(&corpus::root(), &p));
    }
    let mut flag = |name: &str, value: &str| {
        if !value.is_empty() {
            args.push(format!("--{name}"));
            args.push(value.to_string());
        }
    };
    flag("source", &r.source);
    flag("source-namespace", &r.source_namespace);
    flag("source-partition", &r.source_partition);
    flag("source-peer", &r.source_peer);
    flag("destination", &r.destination);
    flag("method", r.method.as_deref().unwrap_or(""));
    flag("path", r.path.as_deref().unwrap_or(""));
    for h in &r.headers {
        args.push("--header".into());
        args.push(h.clone());
    }
    let out = Command::new(env!("CARGO_BIN_EXE_meshgate"))
        .args(&args)
        .current_dir(corpus::root())
        .output()
        .expect("run meshgate");
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "meshgate {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check --json");
    (code == Some(0), json)
}

/// The answer of the filter at a terminating gateway in front of `service`.
fn filter_allows(analysis: &Analysis, plan_json: &str, r: &SimulateRequest, service: &str, path: &str) -> bool {
    let c = analysis.compiled.as_ref().expect("compiled");
    let td = &analysis.settings.trust_domain;
    let http = c.protocols.protocol(service, "default", "default").is_http_like();
    let host = MockHost::with_config(plan_json);
    let mut root = Root::default();
    let root_id = if http { "meshgate_http" } else { NETWORK_ROOT_ID };
    assert!(root.configure(&host, root_id.as_bytes()), "{:?}", host.state.borrow().logs);
    let ns = if r.source_namespace.is_empty() { "default" } else { &r.source_namespace };
    host.set_property(&["connection", "requested_server_name"], &format!("{service}.default.dc1.internal.{td}"));
    let ap = match r.source_partition.as_str() {
        "" | "default" => String::new(),
        ap => format!("/ap/{ap}"),
    };
    host.set_property(
        &["connection", "uri_san_peer_certificate"],
        &format!("spiffe://{td}{ap}/ns/{ns}/dc/dc1/svc/{}", r.source),
    );
    let counted = |name: &str| host.counter(&format!("meshgate.{GATEWAY}.{name}"));
    if http {
        let headers: Vec<(&str, &str)> =
            r.headers.iter().filter_map(|h| h.split_once(':')).map(|(n, v)| (n.trim(), v.trim())).collect();
        host.request(service, path, r.method.as_deref().unwrap_or("GET"), &headers);
        root.http_filter().on_request_headers(&host);
    } else {
        let mut f = root.stream_filter();
        f.on_new_connection(&host);
        f.on_downstream_data(&host);
    }
    assert_eq!(counted("errors"), 0, "{:?}", host.state.borrow().logs);
    assert_eq!(counted("allowed") + counted("denied") + counted("audited"), 1, "{:?}", host.state.borrow().logs);
    counted("allowed") == 1
}

#[test]
fn check_simulate_and_the_filter_agree_on_every_decision_case() {
    let mut compared = (0, 0);
    let mut failures = Vec::new();
    for dir in corpus::case_dirs("decisions") {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let requests = requests::read(&dir).unwrap();
        let mut input = corpus::analysis_input(&dir, &[]).unwrap();
        let analysis = Analysis::load(input.clone());
        if analysis.has_errors() {
            continue;
        }
        // Every service a request can land on, linked to one terminating gateway.
        let mut landing = BTreeSet::new();
        let mut answers = Vec::new();
        for (line, r) in &requests {
            let view = analysis.simulate(r).unwrap();
            landing.insert(r.destination.clone());
            landing.extend(view.legs.iter().map(|l| l.service.clone()));
            answers.push((line, r, view));
        }
        let linked: Vec<String> = landing.iter().map(|s| format!("{{ Name = \"{s}\" }}")).collect();
        input.files.push(InputFile::new(
            "agreement-gateway-service.hcl",
            format!("service {{ name = \"{GATEWAY}\" kind = \"terminating-gateway\" port = 9443 }}\n"),
        ));
        input.files.push(InputFile::new(
            "agreement-gateway.hcl",
            format!("Kind = \"terminating-gateway\"\nName = \"{GATEWAY}\"\nServices = [{}]\n", linked.join(", ")),
        ));
        let with_gateway = Analysis::load(input);
        assert!(!with_gateway.has_errors(), "{name}: {:?}", with_gateway.diagnostics());
        let plan = gateway_plan(with_gateway.compiled.as_ref().unwrap(), GATEWAY).expect("the gateway's plan");
        let plan_json = serde_json::to_string(&plan).unwrap();
        for (line, r, view) in answers {
            let (cli_allowed, json) = check(&dir, r);
            compared.0 += 1;
            if cli_allowed != view.allowed || json["reason"] != view.explanation.as_str() {
                failures.push(format!(
                    "{name}: `{line}`: check says {cli_allowed} ({}), Simulate {} ({})",
                    json["reason"], view.allowed, view.explanation
                ));
            }
            if !r.source_peer.is_empty() {
                continue;
            }
            // Where the request lands, with the path it arrives with.
            let path = view
                .route
                .as_ref()
                .and_then(|h| h.rewritten_path.clone())
                .or_else(|| r.path.clone())
                .unwrap_or_else(|| "/".into());
            let legs: Vec<(String, bool)> = if view.legs.is_empty() {
                vec![(view.decided_at.clone(), view.allowed)]
            } else {
                view.legs
                    .iter()
                    .filter(|l| l.decided_elsewhere.is_none())
                    .map(|l| (l.service.clone(), l.allowed))
                    .collect()
            };
            for (service, allowed) in legs {
                compared.1 += 1;
                let filter = filter_allows(&with_gateway, &plan_json, r, &service, &path);
                if filter != allowed {
                    failures
                        .push(format!("{name}: `{line}` at {service}: the filter says {filter}, Simulate {allowed}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared.0 >= 50 && compared.1 >= 40, "too few comparisons: {compared:?}");
    println!("agreement: {} requests (check = Simulate), {} landings (filter = Simulate)", compared.0, compared.1);
}

/// Every input of the corpus on its own: each file of the per-kind suites, each case folder of
/// the others (its `settings.*` through `--settings`).
fn corpus_inputs() -> Vec<(String, Vec<String>)> {
    let root = corpus::root();
    let mut out = Vec::new();
    let mut suites: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    suites.sort();
    for suite in suites {
        let mut entries: Vec<_> = std::fs::read_dir(&suite).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for entry in entries {
            let name = corpus::relative(&root, &entry);
            let is_input = |p: &std::path::Path| {
                let n = p.file_name().unwrap().to_string_lossy().into_owned();
                corpus::INPUT_EXTENSIONS.iter().any(|x| n.ends_with(&format!(".{x}")))
                    && !n.ends_with(".decoded.json")
                    && !["chain.json", "routes.json", "plan.json"].contains(&n.as_str())
            };
            if entry.is_dir() {
                let mut files: Vec<_> =
                    std::fs::read_dir(&entry).unwrap().map(|e| e.unwrap().path()).filter(|p| is_input(p)).collect();
                files.sort();
                let mut args = Vec::new();
                for f in files {
                    let n = f.file_name().unwrap().to_string_lossy().into_owned();
                    if n.starts_with("settings.") || n.starts_with("meshgate.") {
                        args.push("--settings".to_string());
                    }
                    args.push(corpus::relative(&root, &f));
                }
                if !args.is_empty() {
                    out.push((name, args));
                }
            } else if is_input(&entry) {
                out.push((name.clone(), vec![name]));
            }
        }
    }
    out
}

fn exit_code(args: &[String]) -> i32 {
    let out = Command::new(env!("CARGO_BIN_EXE_meshgate"))
        .args(args)
        .current_dir(corpus::root())
        .output()
        .expect("run meshgate");
    out.status.code().expect("an exit code")
}

#[test]
fn validate_refuses_exactly_what_plan_refuses_over_the_whole_corpus() {
    let inputs = corpus_inputs();
    assert!(inputs.len() >= 300, "too few corpus inputs: {}", inputs.len());
    let mut failures = Vec::new();
    let mut invalid = 0;
    for (name, files) in &inputs {
        let validate = exit_code(&[&["validate".to_string()][..], files].concat());
        let plan = exit_code(&[&["plan".to_string()][..], files].concat());
        invalid += usize::from(validate == 1);
        if validate != plan {
            failures.push(format!("{name}: validate exits {validate}, plan {plan}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(invalid >= 100, "too few invalid inputs compared: {invalid}");
    println!("validate = plan on {} corpus inputs ({invalid} invalid)", inputs.len());
}
