//! Intention decisions as a conformance table: `tests/corpus/decisions/<case>/` holds config
//! files (and optionally `settings.hcl`), a `requests.txt`, and the expected `decisions.out`.
//!
//! `requests.txt`, one request per line (`#` comments):
//!   SOURCE -> DESTINATION [METHOD PATH] [HEADER-NAME: VALUE ;]...
//! where SOURCE is `name`, `namespace/name` or `peer:PEER/name`, and headers follow a `|`:
//!   web -> billing GET /admin | x-debug: 1 | x-debug: 2
//! `BLESS=1` rewrites the expectations; review them before committing.

use meshgate_core::diag;
use meshgate_core::intentions::http::HttpRequest;
use meshgate_core::intentions::{Caller, Request, ServiceName};
use meshgate_core::plan;
use meshgate_core::workspace::Workspace;
use meshgate_tests::corpus::{self, relative};
use std::path::Path;

struct Parsed<'a> {
    source: Caller<'a>,
    destination: &'a str,
    method: Option<&'a str>,
    path: Option<&'a str>,
    headers: Vec<(&'a str, &'a str)>,
}

fn parse_line(line: &str) -> Result<Parsed<'_>, String> {
    let mut parts = line.split('|');
    let head = parts.next().unwrap_or_default();
    let headers = parts
        .map(|h| h.split_once(':').map(|(n, v)| (n.trim(), v.trim())).ok_or(format!("bad header `{h}`")))
        .collect::<Result<Vec<_>, _>>()?;
    let (src, rest) = head.split_once("->").ok_or(format!("no `->` in `{line}`"))?;
    let mut words = rest.split_whitespace();
    let destination = words.next().ok_or("no destination")?;
    let method = words.next();
    let path = words.next();
    let src = src.trim();
    let (peer, name) = match src.strip_prefix("peer:") {
        Some(r) => r.split_once('/').ok_or("peer:PEER/name")?,
        None => ("", src),
    };
    let (namespace, name) = name.split_once('/').unwrap_or(("default", name));
    Ok(Parsed { source: Caller { name, namespace, partition: "default", peer }, destination, method, path, headers })
}

fn run_case(dir: &Path) -> Result<String, String> {
    let (files, settings) = corpus::load_case(dir, &[])?;
    let ws = Workspace::load(files);
    let mut out = String::new();
    for d in &ws.diagnostics {
        out.push_str(&diag::render(d, &ws.sources, false));
    }
    if ws.has_errors() {
        return Ok(out);
    }
    let compiled = plan::compile(&ws, &settings).map_err(|e| e.to_string())?;
    for d in &compiled.diagnostics {
        out.push_str(&diag::render(d, &ws.sources, false));
    }
    let requests = std::fs::read_to_string(dir.join("requests.txt")).map_err(|e| format!("requests.txt: {e}"))?;
    for line in requests.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let p = parse_line(line)?;
        let (proto, _) = compiled.protocols.of(p.destination, "default", "default");
        let http = (p.method.is_some() || proto.is_http_like()).then(|| HttpRequest {
            method: p.method.unwrap_or("GET"),
            path: p.path.unwrap_or("/"),
            headers: &p.headers,
        });
        let req = Request {
            source: p.source,
            destination: ServiceName { name: p.destination, namespace: "default", partition: "default" },
            http,
        };
        let d = compiled.table.decide(&req);
        out.push_str(&format!("{line}\n  => {}\n", d.explain()));
        if let Some(n) = &d.normalized_path {
            if Some(n.as_ref()) != p.path {
                out.push_str(&format!("     (normalized path: {n})\n"));
            }
        }
    }
    Ok(out)
}

#[test]
fn decisions_match_their_expectations() {
    let root = corpus::root();
    let cases = corpus::case_dirs("decisions");
    assert!(cases.len() >= 8, "too few decision cases: {}", cases.len());
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut requests = 0;
    for dir in &cases {
        let name = relative(&root, dir);
        let actual = match run_case(dir) {
            Ok(a) => a,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        requests += actual.matches("\n  => ").count();
        let expected_path = dir.join("decisions.out");
        let expected = std::fs::read_to_string(&expected_path).ok();
        if expected.as_deref() != Some(actual.as_str()) {
            if bless {
                std::fs::write(&expected_path, &actual).unwrap_or_else(|e| panic!("{e}"));
            } else {
                failures.push(format!(
                    "{name}: decisions differ\n--- expected\n{}\n--- actual\n{actual}",
                    expected.unwrap_or_default()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    println!("decisions: {requests} requests in {} cases match", cases.len());
}
