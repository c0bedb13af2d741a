//! What users paste from Consul's HTTP API plans as what they would write: each
//! `tests/corpus/api-forms/<case>/` holds `hcl/` (config entries and `services = [ … ]`
//! registrations, as written) and `api/` (the same, as Consul's API returns them: `consul config
//! read` output, `/v1/config/<kind>` lists, `/v1/catalog/service/<name>`,
//! `/v1/health/service/<name>` and `/v1/agent/services` responses). Both must validate, and
//! compile to the same plan — every intention, upstream, discovery chain, gateway and sidecar
//! route table and Connect endpoint — once where each thing was written is set aside.

use meshgate_core::diag::Diagnostic;
use meshgate_core::plan::{self, Compiled};
use meshgate_core::workspace::Workspace;
use meshgate_tests::corpus::{self, relative};
use serde_json::Value;
use std::path::Path;

fn compile(dir: &Path) -> Result<(Compiled, Workspace), String> {
    let (files, settings) = corpus::load_case(dir, &[])?;
    if files.is_empty() {
        return Err("no input files".into());
    }
    let ws = Workspace::load(files);
    let render = |d: &[Diagnostic], ws: &Workspace| -> String {
        d.iter().map(|d| meshgate_core::diag::render(d, &ws.sources, true)).collect()
    };
    if ws.has_errors() {
        return Err(format!("does not validate:\n{}", render(&ws.diagnostics, &ws)));
    }
    let compiled = plan::compile(&ws, &settings).map_err(|e| e.to_string())?;
    if compiled.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(format!("does not compile:\n{}", render(&compiled.diagnostics, &ws)));
    }
    Ok((compiled, ws))
}

/// The plan as JSON without where each thing was written: no `origin`s, and every
/// `api-forms/<case>/<side>/<file>:<line>:<column>` in a text (`protocol_source`, …) is `<source>`.
fn without_provenance(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.remove("origin");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            Value::String(s) => {
                while let Some(start) = s.find("api-forms/") {
                    let len =
                        s[start..].find(|c: char| c.is_whitespace() || c == ')' || c == ',').unwrap_or(s.len() - start);
                    s.replace_range(start..start + len, "<source>");
                }
            }
            _ => {}
        }
    }
    strip(&mut v);
    // Registrations are listed in the order their files were read (and the files are named
    // differently on each side): compare the per-registration lists as sets.
    if let Value::Object(plan) = &mut v {
        for key in ["endpoints", "gateways", "sidecars", "upstreams"] {
            if let Some(Value::Array(items)) = plan.get_mut(key) {
                items.sort_by_cached_key(|i| i.to_string());
            }
        }
    }
    v
}

/// Where two JSON values differ, as `path: left != right` lines.
fn differences(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                differences(
                    &format!("{path}.{k}"),
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (x, y)) in x.iter().zip(y).enumerate() {
                differences(&format!("{path}[{i}]"), x, y, out);
            }
        }
        _ if a != b => out.push(format!("{path}: {a} != {b}")),
        _ => {}
    }
}

#[test]
fn api_responses_plan_as_the_registrations_they_describe() {
    let root = corpus::root();
    let dirs = corpus::case_dirs("api-forms");
    assert!(!dirs.is_empty(), "no api-forms cases");
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = relative(&root, dir);
        let (written, read) = match (compile(&dir.join("hcl")), compile(&dir.join("api"))) {
            (Ok(w), Ok(r)) => (w, r),
            (w, r) => {
                for (side, e) in [("hcl", w.err()), ("api", r.err())] {
                    if let Some(e) = e {
                        failures.push(format!("{name}/{side}: {e}"));
                    }
                }
                continue;
            }
        };
        let plan_of = |c: &Compiled| without_provenance(serde_json::to_value(&c.plan).unwrap_or_default());
        let (w, r) = (plan_of(&written.0), plan_of(&read.0));
        if w != r {
            let mut diff = Vec::new();
            differences("plan", &w, &r, &mut diff);
            failures.push(format!("{name}: the plans differ (hcl != api):\n{}", diff.join("\n")));
        }
        // The same warnings, by code, on both sides.
        let codes = |c: &Compiled, ws: &Workspace| -> Vec<String> {
            let mut v: Vec<String> =
                ws.diagnostics.iter().chain(&c.diagnostics).map(|d| d.code.as_str().to_string()).collect();
            v.sort();
            v
        };
        let (wc, rc) = (codes(&written.0, &written.1), codes(&read.0, &read.1));
        if wc != rc {
            failures.push(format!("{name}: warnings differ: hcl {wc:?}, api {rc:?}"));
        }
        // Not an empty comparison: the case registers services and plans their routes.
        if written.1.services().count() < 2 || written.0.plan.gateways.is_empty() {
            failures.push(format!("{name}: the case should register services and a gateway"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
