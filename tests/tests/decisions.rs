//! Intention decisions as a conformance table: `tests/corpus/decisions/<case>/` holds config
//! files (and optionally `settings.hcl`), a `requests.txt`, and the expected `decisions.out`.
//!
//! `requests.txt`, one request per line (`#` comments; see `meshgate_tests::requests`):
//!   SOURCE -> DESTINATION [METHOD PATH] [| HEADER-NAME: VALUE]...
//! `BLESS=1` rewrites the expectations; review them before committing.

use meshgate_core::diag;
use meshgate_core::views::Analysis;
use meshgate_tests::corpus::{self, relative};
use meshgate_tests::requests;
use std::path::Path;

/// The answers, as `meshgate check` gives them: through the one pipeline (`Analysis`) and its one
/// request model (`Analysis::simulate`).
fn run_case(dir: &Path) -> Result<String, String> {
    let analysis = Analysis::load(corpus::analysis_input(dir, &[])?);
    let mut out = String::new();
    for d in analysis.problems() {
        out.push_str(&diag::render(d, &analysis.workspace.sources, false));
    }
    if analysis.has_errors() {
        return Ok(out);
    }
    for (line, request) in requests::read(dir)? {
        let v = analysis.simulate(&request)?;
        out.push_str(&format!("{line}\n  => {}\n", v.explanation));
        if let Some(note) = &v.note {
            out.push_str(&format!("     (note: {note})\n"));
        }
        if let Some(hop) = &v.route {
            out.push_str(&format!("     ({})\n", hop.description));
        }
        if v.legs.len() > 1 {
            let legs: Vec<String> = v
                .legs
                .iter()
                .map(|l| format!("{} {}%: {}", l.service, l.weight, if l.allowed { "allowed" } else { "denied" }))
                .collect();
            out.push_str(&format!("     ({})\n", legs.join("; ")));
        }
        if let Some(n) = v.http.as_ref().and_then(|h| h.normalized_path.as_deref()) {
            if Some(n) != request.path.as_deref() {
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
