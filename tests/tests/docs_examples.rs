//! Consul's documentation examples, retyped as fixtures: `tests/corpus/docs/<page>/<nn>-<name>.<ext>`
//! (see the README there for where each comes from and what Consul does with it).
//!
//! - Each fixture is validated alone, as `consul config write` takes one entry.
//! - A fixture named `<nn>-bad-<name>` is one Consul refuses: it must produce an error. One named
//!   `<nn>-differs-<name>` is one Consul refuses but meshgate accepts on purpose (the README says
//!   why): it must produce no error. All others Consul accepts: they must produce no error. `<file>.out` holds the diagnostics exactly (absent when there are none), so
//!   the code and line of every refusal are pinned.
//! - The error-free forms of one example (same file stem) must decode to the same entry.
//! - `<nn>-<name>.crd.yaml` is the page's Kubernetes tab of that example (consul-k8s CRDs): one more
//!   form of the same example, read like the others.
//!
//! `BLESS=1` writes the `.out` files; read each one against Consul's behaviour before committing.

use meshgate_tests::corpus::{self, expect_file, relative, INPUT_EXTENSIONS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            fixtures(&path, out);
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| INPUT_EXTENSIONS.contains(&e)) {
            out.push(path);
        }
    }
}

#[test]
fn consul_documentation_examples_validate_as_consul_says() {
    let root = corpus::root();
    let mut files = Vec::new();
    fixtures(&root.join("docs"), &mut files);
    files.sort();
    assert!(files.len() >= 10, "the docs corpus looks empty: {} fixtures", files.len());
    let mut failures = Vec::new();
    let mut forms: BTreeMap<String, Vec<(String, serde_json::Value)>> = BTreeMap::new();
    let (mut valid, mut refused, mut differs) = (0, 0, 0);
    for file in &files {
        let name = relative(&root, file);
        // `<nn>-<name>.crd.yaml` is one more form of `<nn>-<name>`.
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = stem.strip_suffix(".crd").map(str::to_string).unwrap_or(stem);
        let must_refuse = stem.split_once('-').is_some_and(|(_, rest)| rest.starts_with("bad-"));
        differs += usize::from(stem.split_once('-').is_some_and(|(_, rest)| rest.starts_with("differs-")));
        let outcome = match corpus::run_input(&root, file) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{name}: cannot read: {e}"));
                continue;
            }
        };
        match (must_refuse, outcome.has_errors) {
            (true, false) => failures.push(format!("{name}: Consul refuses this example, but it validated")),
            (false, true) => failures.push(format!("{name}: Consul accepts this example, but:\n{}", outcome.rendered)),
            (true, true) => refused += 1,
            (false, false) => valid += 1,
        }
        let out =
            file.with_file_name(format!("{}.out", file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
        expect_file(&out, (!outcome.rendered.is_empty()).then_some(outcome.rendered.as_str()), &mut failures, &root);
        if let Some(value) = outcome.decoded {
            let key = file.with_file_name(&stem).to_string_lossy().into_owned();
            forms.entry(key).or_default().push((name, value));
        }
    }
    for decoded in forms.values() {
        // HCL, JSON and YAML tabs must decode alike exactly; a CRD tab, alike once the entry's own
        // tenancy is set aside (a resource's partition is the one it is applied in, its
        // `metadata.namespace` a Kubernetes one unless namespaces are mirrored).
        let (crds, plain): (Vec<_>, Vec<_>) = decoded.iter().partition(|(name, _)| name.ends_with(".crd.yaml"));
        let Some((first_name, first)) = plain.first().or(crds.first()).copied() else { continue };
        for (name, value) in plain.iter().skip(1) {
            if value != first {
                failures.push(form_differs(name, value, first_name, first));
            }
        }
        for (name, value) in &crds {
            if name != first_name && without_tenancy(value) != without_tenancy(first) {
                failures.push(form_differs(name, value, first_name, first));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} docs fixtures failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
    println!(
        "docs: {} fixtures: {valid} accepted (of which {differs} Consul refuses), {refused} refused as Consul refuses them",
        files.len()
    );
}

fn form_differs(name: &str, value: &serde_json::Value, first_name: &str, first: &serde_json::Value) -> String {
    format!(
        "{name} decodes differently from {first_name}:\n{}\n---\n{}",
        serde_json::to_string(value).unwrap_or_default(),
        serde_json::to_string(first).unwrap_or_default()
    )
}

/// The decoded documents without what a Kubernetes resource cannot say about the entry itself.
fn without_tenancy(docs: &serde_json::Value) -> serde_json::Value {
    let mut docs = docs.clone();
    for doc in docs.as_array_mut().into_iter().flatten() {
        let Some(entry) = doc.as_object_mut() else { continue };
        entry.remove("Partition");
        entry.remove("Namespace");
    }
    docs
}
