//! Docs that name paths rot unless something checks them (wasm-shim's lesson): every repository
//! path that README.md, bench/README.md and docs/*.md name — in backticks or as a Markdown link —
//! exists.
//!
//! A path is a token under one of the repository's top-level folders (`core/src/views.rs`,
//! `scripts/test.sh`, `tests/corpus/decisions/`), with no placeholder in it (`<cert-dir>`,
//! `*.out`, `{…}`) and not obviously someone else's (a URL). What a build or a test run writes
//! (the folders `.gitignore` lists from the root, such as `web/dist/` and `tests/artifacts/`) is
//! not in a clean checkout and is not checked.

use std::path::{Path, PathBuf};

const TOP: &[&str] = &[
    "core/",
    "cli/",
    "filter/",
    "planner-wasm/",
    "web/",
    "envoy/",
    "tests/",
    "bench/",
    "scripts/",
    "docs/",
    "examples/",
    "fuzz/",
    ".ci/",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Candidate paths of one Markdown text: backticked tokens and link targets.
fn candidates(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, chunk) in text.split('`').enumerate() {
        if i % 2 == 1 {
            // `web/serve.sh --no-build`: the first word.
            if let Some(word) = chunk.split_whitespace().next() {
                out.push(word.to_string());
            }
        }
    }
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        let tail = &rest[at + 2..];
        if let Some(end) = tail.find(')') {
            out.push(tail[..end].split('#').next().unwrap_or("").to_string());
        }
        rest = tail;
    }
    out
}

/// `.gitignore`'s root-anchored entries (`/web/dist` → `web/dist`).
fn generated(root: &Path) -> Vec<String> {
    std::fs::read_to_string(root.join(".gitignore"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().strip_prefix('/'))
        .map(|l| l.trim_end_matches('/').to_string())
        .collect()
}

fn is_repo_path(token: &str) -> bool {
    let t = token.trim_start_matches("./");
    TOP.iter().any(|top| t.starts_with(top))
        && !t.contains(['<', '>', '*', '{', '}', '$', '…', ' ', '='])
        && !t.contains("://")
        && !t.ends_with("/...")
}

#[test]
fn every_path_the_docs_name_exists() {
    let root = root();
    let mut docs = vec![root.join("README.md"), root.join("bench/README.md")];
    let mut in_docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .map(|d| {
            d.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "md")).collect()
        })
        .unwrap_or_default();
    in_docs.sort();
    docs.extend(in_docs);
    let generated = generated(&root);
    let mut checked = 0;
    let mut missing = Vec::new();
    for doc in &docs {
        let text = std::fs::read_to_string(doc).unwrap_or_else(|e| panic!("{}: {e}", doc.display()));
        let base = doc.parent().unwrap_or(Path::new("."));
        for token in candidates(&text) {
            // Links are relative to the document; backticked paths to the repository.
            let relative_link = base.join(&token);
            let from_root = root.join(token.trim_start_matches("./"));
            let trimmed = token.trim_start_matches("./");
            if generated.iter().any(|g| trimmed == g || trimmed.starts_with(&format!("{g}/"))) {
                continue;
            }
            if is_repo_path(&token) {
                checked += 1;
                if !from_root.exists() && !relative_link.exists() {
                    missing.push(format!("{}: `{token}`", doc.strip_prefix(&root).unwrap_or(doc).display()));
                }
            } else if token.ends_with(".md") && !token.contains("://") && !token.contains(['<', '*']) {
                checked += 1;
                if !relative_link.exists() && !from_root.exists() {
                    missing.push(format!("{}: link `{token}`", doc.strip_prefix(&root).unwrap_or(doc).display()));
                }
            }
        }
    }
    assert!(missing.is_empty(), "paths named in the docs that do not exist:\n{}", missing.join("\n"));
    assert!(checked >= 50, "too few paths checked ({checked}): is the extraction broken?");
    println!("doc paths: {checked} checked in {} documents", docs.len());
}
