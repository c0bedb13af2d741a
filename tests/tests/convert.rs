//! `convert` round trips over the whole corpus: every entry of every case that validates, written
//! in each form, decodes back to the same entry. The Kubernetes form is checked for every kind that
//! has one; an entry it cannot express must fail with the reason, never convert lossily.

use meshgate_core::convert::{convert, ConvertError, Target};
use meshgate_core::crd::crd_kind;
use meshgate_core::model::{ConfigEntry, EntryKind};
use meshgate_core::workspace::Workspace;
use meshgate_tests::corpus::{self, relative};
use serde_json::Value;
use std::collections::BTreeSet;

const FORMS: &[(Target, &str)] =
    &[(Target::Hcl, "out.hcl"), (Target::Json, "out.json"), (Target::Yaml, "out.yaml"), (Target::Crd, "out.yaml")];

/// The Gateway API defaults the API server writes before consul-k8s reads a route (a rule's
/// matches, a match's path: prefix `/`) and consul-k8s's own (a backend's weight: 1). Consul reads
/// the unset forms the same way, so an entry and its Gateway API round trip agree once applied.
fn gateway_api_defaults(v: &mut Value) {
    let Some(rules) = v.get_mut("Rules").and_then(Value::as_array_mut) else { return };
    for rule in rules {
        let Some(rule) = rule.as_object_mut() else { continue };
        let matches = rule.entry("Matches").or_insert_with(|| serde_json::json!([{}]));
        if let Some(matches) = matches.as_array_mut() {
            if matches.is_empty() {
                matches.push(serde_json::json!({}));
            }
            for m in matches {
                if let Some(m) = m.as_object_mut() {
                    m.entry("Path").or_insert_with(|| serde_json::json!({"Match": "prefix", "Value": "/"}));
                }
            }
        }
        for s in rule.get_mut("Services").and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(s) = s.as_object_mut() {
                let w = s.get("Weight").and_then(Value::as_i64).unwrap_or(0).max(1);
                s.insert("Weight".into(), w.into());
            }
        }
    }
}

fn value(e: &ConfigEntry) -> Value {
    serde_json::to_value(e).unwrap_or_default()
}

#[test]
fn every_corpus_entry_converts_to_each_form_and_back() {
    let root = corpus::root();
    let cases = corpus::cases(&root).unwrap_or_else(|e| panic!("cannot read the corpus: {e}"));
    let mut failures = Vec::new();
    let mut crd_kinds: BTreeSet<&'static str> = BTreeSet::new();
    let mut converted = 0;
    for files in cases.values() {
        for file in files {
            let name = relative(&root, file);
            let Ok(outcome) = corpus::run_input(&root, file) else { continue };
            if outcome.has_errors {
                continue;
            }
            for entry in outcome.workspace.entries() {
                let want = value(entry);
                for (target, out_name) in FORMS {
                    let text = match convert(&[entry], *target) {
                        Ok(t) => t,
                        Err(ConvertError::NotExpressible { .. } | ConvertError::NoCrdForm { .. })
                            if *target == Target::Crd =>
                        {
                            continue
                        }
                        Err(e) => {
                            failures.push(format!("{name}: {} to {target:?}: {e}", entry.name()));
                            continue;
                        }
                    };
                    let back = Workspace::from_text(out_name, &text);
                    if back.has_errors() {
                        failures
                            .push(format!("{name}: {target:?} does not read back:\n{text}\n{:#?}", back.diagnostics));
                        continue;
                    }
                    let mut got: Vec<Value> = back.entries().map(value).collect();
                    let mut want = want.clone();
                    if *target == Target::Crd && entry.kind() == EntryKind::HttpRoute {
                        gateway_api_defaults(&mut want);
                        got.iter_mut().for_each(gateway_api_defaults);
                    }
                    if got != [want.clone()] {
                        failures.push(format!(
                            "{name}: {target:?} decodes differently:\n{text}\n--- want\n{want:#}\n--- got\n{got:#?}"
                        ));
                        continue;
                    }
                    converted += 1;
                    if *target == Target::Crd {
                        crd_kinds.insert(entry.kind().as_str());
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} conversions failed:\n\n{}", failures.len(), failures.join("\n\n"));
    let every: BTreeSet<&str> = EntryKind::ALL.iter().filter(|k| crd_kind(**k).is_some()).map(|k| k.as_str()).collect();
    let missing: Vec<_> = every.difference(&crd_kinds).collect();
    assert!(missing.is_empty(), "no corpus entry of these kinds round-trips through its CRD: {missing:?}");
    println!("convert: {converted} round trips; CRD forms of {} kinds", crd_kinds.len());
}
