//! The fixture corpus under `tests/corpus/`: readable examples with their expected results.
//!
//! Layout: `tests/corpus/<topic>/<case>.<hcl|json|yaml|yml>`. For every input:
//! - cases named `bad-*` must produce at least one error; all other cases must produce none;
//! - when an input has diagnostics, `<case>.<ext>.out` holds them exactly as `meshgate validate`
//!   prints them (file paths relative to `tests/corpus/`);
//! - every input of a case that decodes without errors must decode to the same value, written
//!   as JSON in `<case>.decoded.json` — this is what proves HCL, JSON and YAML read alike.
//!
//! `BLESS=1` writes missing or changed expectations; review them before committing.

use meshgate_core::diag;
use meshgate_core::workspace::{InputFile, Workspace};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const INPUT_EXTENSIONS: &[&str] = &["hcl", "json", "yaml", "yml"];

/// Top-level folders with runners of their own (their inputs are whole workspaces).
pub const SEPARATE_SUITES: &[&str] = &["decisions", "discovery-chain", "routes"];

/// The corpus root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Input files grouped by case (`topic/case` → inputs), in name order.
pub fn cases(root: &Path) -> std::io::Result<BTreeMap<String, Vec<PathBuf>>> {
    let mut files = Vec::new();
    walk(root, &mut files)?;
    files.retain(|f| {
        let rel = relative(root, f);
        !SEPARATE_SUITES.iter().any(|s| rel.starts_with(&format!("{s}/")))
    });
    let mut cases: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for f in files {
        let Some(ext) = f.extension().and_then(|e| e.to_str()) else { continue };
        if !INPUT_EXTENSIONS.contains(&ext) || f.to_string_lossy().ends_with(".decoded.json") {
            continue;
        }
        let rel = relative(root, &f);
        let case = rel.rsplit_once('.').map(|(stem, _)| stem.to_string()).unwrap_or(rel);
        cases.entry(case).or_default().push(f);
    }
    Ok(cases)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

pub fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// What one input produced.
pub struct Outcome {
    pub rendered: String,
    pub has_errors: bool,
    pub decoded: Option<serde_json::Value>,
    pub workspace: Workspace,
}

/// Loads one input alone, named by its corpus-relative path.
pub fn run_input(root: &Path, path: &Path) -> std::io::Result<Outcome> {
    let text = std::fs::read_to_string(path)?;
    let ws = Workspace::load([InputFile::new(relative(root, path), text)]);
    let rendered: String = ws.diagnostics.iter().map(|d| diag::render(d, &ws.sources, true)).collect();
    let has_errors = ws.has_errors();
    let decoded = if has_errors { None } else { serde_json::to_value(&ws.documents).ok() };
    Ok(Outcome { rendered, has_errors, decoded, workspace: ws })
}
