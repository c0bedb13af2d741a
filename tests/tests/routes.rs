//! Gateway route tables against Consul's behaviour: `tests/corpus/routes/<case>/` holds config
//! files (HCL, JSON, YAML; optionally a `meshgate.<ext>` settings file) and the expected
//! `routes.out` (what `meshgate routes` prints for every gateway and sidecar, with each target's
//! dial), `routes.json` (what `meshgate routes --json` prints) and, when loading or compiling
//! reports anything, `diagnostics.out`. See the README in that folder.
//!
//! Every case is also checked for the filter's contract: each gateway's (and sidecar's)
//! GatewayPlan survives a JSON round trip unchanged, and so does the route table.
//!
//! `BLESS=1` rewrites the expectations; review every one before committing.

use meshgate_core::diag;
use meshgate_core::plan::dial::{DialedRoutes, Dialer};
use meshgate_core::plan::gateways::{self, GatewayKind, GatewayPlan, GatewayRoutes};
use meshgate_core::workspace::Workspace;
use meshgate_tests::corpus::{self, expect_file, relative};
use std::path::Path;

const EXPECTED_TEXT: &str = "routes.out";
const EXPECTED_JSON: &str = "routes.json";
const EXPECTED_DIAGNOSTICS: &str = "diagnostics.out";

struct Outcome {
    text: String,
    json: String,
    diagnostics: String,
    has_errors: bool,
}

fn run_case(dir: &Path) -> Result<Outcome, String> {
    let (files, settings) = corpus::load_case(dir, &[EXPECTED_JSON])?;
    let ws = Workspace::load(files);
    let mut diagnostics = ws.diagnostics.clone();
    let mut text = String::new();
    let mut json = String::new();
    if !ws.has_errors() {
        let compiled = meshgate_core::plan::compile(&ws, &settings).map_err(|e| e.to_string())?;
        diagnostics.extend(compiled.diagnostics.iter().cloned());
        // As `meshgate routes` lists them: the gateways, then the sidecars.
        let plan = &compiled.plan;
        let all: Vec<GatewayRoutes> = plan.gateways.iter().chain(&plan.sidecars).cloned().collect();
        let dialer = Dialer::new(&ws, plan);
        text = gateways::text::render(&all, &dialer, &settings.trust_domain);
        let dialed: Vec<DialedRoutes<'_>> = all.iter().map(|g| DialedRoutes::of(&dialer, g)).collect();
        json = serde_json::to_string_pretty(&dialed).map_err(|e| e.to_string())? + "\n";

        // The filter's contract: plans and tables come back from JSON exactly (the dials are
        // for people and are not read back).
        let back: Vec<GatewayRoutes> = serde_json::from_str(&json).map_err(|e| format!("routes.json: {e}"))?;
        if back != all {
            return Err("the route tables do not survive a JSON round trip".into());
        }
        for g in &all {
            let plan = match g.gateway.kind {
                GatewayKind::ConnectProxy => gateways::sidecar_plan(&compiled, &g.gateway.key).ok(),
                _ => gateways::gateway_plan(&compiled, &g.gateway.key),
            }
            .ok_or_else(|| format!("no GatewayPlan for `{}`", g.gateway.key))?;
            let plan_json = serde_json::to_string_pretty(&plan).map_err(|e| e.to_string())?;
            let again: GatewayPlan = serde_json::from_str(&plan_json).map_err(|e| format!("{}: {e}", g.gateway.key))?;
            let again_json = serde_json::to_string_pretty(&again).map_err(|e| e.to_string())?;
            if again != plan || again_json != plan_json || again.hash() != plan.hash() {
                return Err(format!("the GatewayPlan of `{}` does not survive a JSON round trip", g.gateway.key));
            }
        }
    }
    diag::sort(&mut diagnostics);
    let has_errors = diagnostics.iter().any(diag::Diagnostic::is_error);
    let rendered: String = diagnostics.iter().map(|d| diag::render(d, &ws.sources, true)).collect();
    Ok(Outcome { text, json, diagnostics: rendered, has_errors })
}

#[test]
fn gateway_route_tables_match_their_expectations() {
    let root = corpus::root();
    let dirs = corpus::case_dirs("routes");
    assert!(dirs.len() >= 4, "expected at least 4 route cases, found {}", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = relative(&root, dir);
        match run_case(dir) {
            Err(e) => failures.push(format!("{name}: {e}")),
            Ok(o) => {
                if o.has_errors {
                    failures.push(format!("{name}: expected to compile without errors, but:\n{}", o.diagnostics));
                    continue;
                }
                if o.text.is_empty() {
                    failures.push(format!("{name}: the case registers no gateway"));
                }
                expect_file(&dir.join(EXPECTED_TEXT), Some(&o.text), &mut failures, &root);
                expect_file(&dir.join(EXPECTED_JSON), Some(&o.json), &mut failures, &root);
                let rendered = (!o.diagnostics.is_empty()).then_some(o.diagnostics.as_str());
                expect_file(&dir.join(EXPECTED_DIAGNOSTICS), rendered, &mut failures, &root);
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), dirs.len(), failures.join("\n\n"));
    println!("routes: {} cases match their expectations", dirs.len());
}

/// The example in docs/gateway-plan.md is a GatewayPlan (the document and the code agree).
#[test]
fn the_documented_example_is_a_gateway_plan() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/gateway-plan.md");
    let text = std::fs::read_to_string(&doc).unwrap_or_else(|e| panic!("cannot read {}: {e}", doc.display()));
    let start = text.find("```json\n").expect("a ```json block") + "```json\n".len();
    let end = start + text[start..].find("```").expect("the end of the block");
    let plan: GatewayPlan = serde_json::from_str(&text[start..end]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plan.version, gateways::GATEWAY_PLAN_VERSION);
    assert_eq!(plan.routes.kind(), plan.gateway.kind);
}
