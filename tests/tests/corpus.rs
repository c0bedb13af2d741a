//! Runs every fixture in `tests/corpus/` against its expected output. See `src/corpus.rs`.

use meshgate_tests::corpus::{self, expect_file, relative};

#[test]
fn corpus_matches_its_expectations() {
    let root = corpus::root();
    let cases = corpus::cases(&root).unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()));
    assert!(cases.len() >= 10, "the corpus looks empty: {} cases", cases.len());
    let mut failures = Vec::new();
    let mut inputs = 0;
    for (case, files) in &cases {
        let bad_case = case.rsplit('/').next().is_some_and(|stem| stem.starts_with("bad-"));
        let mut decoded: Vec<(String, serde_json::Value, meshgate_core::workspace::Workspace)> = Vec::new();
        for file in files {
            inputs += 1;
            let name = relative(&root, file);
            let outcome = match corpus::run_input(&root, file) {
                Ok(o) => o,
                Err(e) => {
                    failures.push(format!("{name}: cannot read: {e}"));
                    continue;
                }
            };
            if bad_case && !outcome.has_errors {
                failures.push(format!("{name}: a bad-* case must produce an error, but it validated"));
            }
            if !bad_case && outcome.has_errors {
                failures.push(format!("{name}: expected to validate, but:\n{}", outcome.rendered));
            }
            let out_path = file.with_file_name(format!(
                "{}.out",
                file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            ));
            let rendered = (!outcome.rendered.is_empty()).then_some(outcome.rendered.as_str());
            expect_file(&out_path, rendered, &mut failures, &root);
            if let Some(value) = outcome.decoded {
                decoded.push((name, value, outcome.workspace));
            }
        }
        // Every error-free format of one case must decode to one value.
        if let Some((first_name, first_value, first_ws)) = decoded.first() {
            for (name, value, ws) in decoded.iter().skip(1) {
                if value != first_value || ws.documents != first_ws.documents {
                    failures.push(format!(
                        "{name} decodes differently from {first_name}:\n{}\n---\n{}",
                        pretty(first_value),
                        pretty(value)
                    ));
                }
            }
            let json_path = root.join(format!("{case}.decoded.json"));
            expect_file(&json_path, Some(&(pretty(first_value) + "\n")), &mut failures, &root);
        }
    }
    assert!(failures.is_empty(), "{} of {inputs} corpus inputs failed:\n\n{}", failures.len(), failures.join("\n\n"));
    println!("corpus: {inputs} inputs in {} cases match their expectations", cases.len());
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}
