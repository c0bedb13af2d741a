//! Discovery chain compilation against Consul's behaviour: `tests/corpus/discovery-chain/<case>/`
//! holds config files (HCL, JSON, YAML), optionally `settings.<ext>` and `case.toml`, and the
//! expected `chain.json` (plus `diagnostics.out` when compiling reports anything). See the README
//! in that folder.
//!
//! `BLESS=1` rewrites the expectations; review every one before committing.

use meshgate_core::diag;
use meshgate_core::plan::chain;
use meshgate_core::plan::protocols::Protocols;
use meshgate_core::workspace::Workspace;
use meshgate_tests::corpus::{self, expect_file, relative};
use std::path::Path;

const EXPECTED_CHAIN: &str = "chain.json";
const EXPECTED_DIAGNOSTICS: &str = "diagnostics.out";
const CASE: &str = "case.toml";

/// Which chain a case compiles: `service`, `namespace`, `partition` from `case.toml`
/// (`key = "value"` lines, `#` comments); `web` in the default namespace and partition otherwise.
struct Case {
    service: String,
    namespace: String,
    partition: String,
}

fn read_case(dir: &Path) -> Result<Case, String> {
    let mut case = Case { service: "web".into(), namespace: String::new(), partition: String::new() };
    let Ok(text) = std::fs::read_to_string(dir.join(CASE)) else { return Ok(case) };
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (key, value) = line.split_once('=').ok_or(format!("{CASE}: expected `key = \"value\"`: {line}"))?;
        let value = value.trim().trim_matches('"').to_string();
        match key.trim() {
            "service" => case.service = value,
            "namespace" => case.namespace = value,
            "partition" => case.partition = value,
            other => return Err(format!("{CASE}: unknown key `{other}`")),
        }
    }
    Ok(case)
}

/// Compiles one case: (chain JSON, rendered diagnostics, has errors).
fn run_case(dir: &Path) -> Result<(String, String, bool), String> {
    let case = read_case(dir)?;
    let (files, settings) = corpus::load_case(dir, &[EXPECTED_CHAIN])?;
    let ws = Workspace::load(files);
    let protocols = Protocols::new(&ws);
    let mut cx = meshgate_core::decode::Cx::new();
    let compiled =
        chain::compile_chain(&ws, &settings, &protocols, &case.service, &case.namespace, &case.partition, &mut cx);

    // The same chain comes out of the whole-workspace compilation.
    let key = meshgate_core::identity::ServiceId::new(&compiled.service, &compiled.namespace, &compiled.partition);
    if chain::chain_services(&ws).contains(&key) {
        let mut all_cx = meshgate_core::decode::Cx::new();
        let all = chain::compile_all(
            &ws,
            &meshgate_core::workspace::Entries::new(&ws, &settings.partition),
            &settings,
            &protocols,
            &mut all_cx,
        );
        let same = all
            .iter()
            .find(|c| (&c.service, &c.namespace, &c.partition) == (&key.name, &key.namespace, &key.partition));
        if same != Some(&compiled) {
            return Err("compile_all compiles this service's chain differently from compile_chain".into());
        }
    }

    let mut diagnostics = ws.diagnostics.clone();
    diagnostics.extend(cx.diags);
    diag::sort(&mut diagnostics);
    let has_errors = diagnostics.iter().any(diag::Diagnostic::is_error);
    let rendered: String = diagnostics.iter().map(|d| diag::render(d, &ws.sources, true)).collect();
    let json = serde_json::to_string_pretty(&compiled).map_err(|e| e.to_string())? + "\n";
    Ok((json, rendered, has_errors))
}

#[test]
fn discovery_chains_match_their_expectations() {
    let root = corpus::root();
    let dirs = corpus::case_dirs("discovery-chain");
    assert!(dirs.len() >= 30, "expected at least 30 discovery chain cases, found {}", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = relative(&root, dir);
        let bad = dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("bad-"));
        match run_case(dir) {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok((json, rendered, has_errors)) => {
                if bad && !has_errors {
                    failures.push(format!("{name}: a bad-* case must report an error, but compiled cleanly"));
                }
                if !bad && has_errors {
                    failures.push(format!("{name}: expected to compile without errors, but:\n{rendered}"));
                }
                expect_file(&dir.join(EXPECTED_CHAIN), Some(&json), &mut failures, &root);
                let rendered = (!rendered.is_empty()).then_some(rendered.as_str());
                expect_file(&dir.join(EXPECTED_DIAGNOSTICS), rendered, &mut failures, &root);
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), dirs.len(), failures.join("\n\n"));
    println!("discovery-chain: {} cases match their expectations", dirs.len());
}
