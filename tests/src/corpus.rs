//! The fixture corpus under `tests/corpus/`: readable examples with their expected results.
//!
//! Layout: `tests/corpus/<topic>/<case>.<hcl|json|yaml|yml>`. For every input:
//! - cases named `bad-*` must produce at least one error; all other cases must produce none;
//! - when an input has diagnostics, `<case>.<ext>.out` holds them exactly as `meshgate validate`
//!   prints them (file paths relative to `tests/corpus/`);
//! - `<case>.crd.yaml` is the same case written as Kubernetes resources (consul-k8s CRDs or the
//!   Gateway API);
//! - every input of a case that decodes without errors must decode to the same value, written
//!   as JSON in `<case>.decoded.json` — this is what proves HCL, JSON and YAML read alike.
//!
//! `BLESS=1` writes missing or changed expectations; review them before committing.

use meshgate_core::diag;
use meshgate_core::settings::Settings;
use meshgate_core::source::SourceMap;
use meshgate_core::workspace::{InputFile, Workspace};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const INPUT_EXTENSIONS: &[&str] = &["hcl", "json", "yaml", "yml"];

/// Top-level folders with runners of their own (their inputs are whole workspaces).
pub const SEPARATE_SUITES: &[&str] = &["api-forms", "decisions", "discovery-chain", "docs", "routes"];

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
        // `<case>.crd.yaml` is the Kubernetes resource form of `<case>`: it decodes to the same value.
        let case = case.strip_suffix(".crd").map(str::to_string).unwrap_or(case);
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

/// `BLESS=1`: write expectations instead of comparing against them.
pub fn bless() -> bool {
    std::env::var_os("BLESS").is_some_and(|v| v == "1")
}

/// Compares `actual` with the file at `path` (`None`: there should be no file); in bless mode
/// writes or removes it instead. Mismatches are pushed to `failures` with a diff-like message.
pub fn expect_file(path: &Path, actual: Option<&str>, failures: &mut Vec<String>, root: &Path) {
    let existing = std::fs::read_to_string(path).ok();
    if existing.as_deref() == actual {
        return;
    }
    let name = relative(root, path);
    if bless() {
        let result = match actual {
            Some(text) => std::fs::write(path, text),
            None => std::fs::remove_file(path),
        };
        if let Err(e) = result {
            failures.push(format!("{name}: cannot bless: {e}"));
        }
        return;
    }
    match (existing, actual) {
        (None, Some(text)) => failures.push(format!("{name}: missing expectation; expected it to hold:\n{text}")),
        (Some(_), None) => failures.push(format!("{name}: expected output exists but the case produced none")),
        (Some(want), Some(got)) => failures.push(format!("{name}: differs\n--- expected\n{want}\n--- actual\n{got}")),
        (None, None) => {}
    }
}

/// The case folders of a suite (`tests/corpus/<suite>/<case>/`), in name order.
pub fn case_dirs(suite: &str) -> Vec<PathBuf> {
    let dir = root().join(suite);
    let mut dirs: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect(),
        Err(_) => Vec::new(),
    };
    dirs.sort();
    dirs
}

/// A case folder as the one pipeline's input: every config file (named by its corpus-relative
/// path), and `settings.*` / `meshgate.*` as settings files. Files named in `skip` are left out.
pub fn analysis_input(dir: &Path, skip: &[&str]) -> Result<meshgate_core::views::AnalysisInput, String> {
    let root = root();
    let mut input = meshgate_core::views::AnalysisInput::default();
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(dir).map_err(|e| e.to_string())?.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let ext = path.extension().and_then(|x| x.to_str()).unwrap_or_default();
        if skip.contains(&name.as_str()) || !INPUT_EXTENSIONS.contains(&ext) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = InputFile::new(relative(&root, &path), text);
        if name.starts_with("settings.") || name.starts_with("meshgate.") {
            input.settings_files.push(file);
        } else {
            input.files.push(file);
        }
    }
    Ok(input)
}

/// A case folder as a workspace: every config file (named by its corpus-relative path) plus the
/// settings from `settings.*` or `meshgate.*`. Files named in `skip` (expected outputs that
/// share an input extension, like `chain.json`) are left out.
pub fn load_case(dir: &Path, skip: &[&str]) -> Result<(Vec<InputFile>, Settings), String> {
    let input = analysis_input(dir, skip)?;
    let mut settings = Settings::default();
    for f in &input.settings_files {
        let mut sources = SourceMap::new();
        let file = Settings::read_file(&f.name, &f.text, &mut sources).map_err(|d| format!("{}: {d:?}", f.name))?;
        settings.apply(&file);
    }
    Ok((input.files, settings))
}
