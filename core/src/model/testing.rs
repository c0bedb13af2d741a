//! Helpers for the model's unit tests: decode a text, then look at its diagnostics or entry.
//!
//! They look at the entries' own rules: `W0410` (a field meshgate does not apply) is left out, as
//! the examples here write every field; `plan::unapplied`'s tests pin it.

use crate::diag::{Code, Diagnostic, ResolvedDiagnostic};
use crate::model::{ConfigEntry, Document};
use crate::workspace::Workspace;

/// The workspace's diagnostics but `W0410`.
pub fn rules(ws: &Workspace) -> Vec<&Diagnostic> {
    ws.diagnostics.iter().filter(|d| d.code != Code::NotApplied).collect()
}

/// [`rules`], resolved.
pub fn resolved_rules(ws: &Workspace) -> Vec<ResolvedDiagnostic> {
    rules(ws).into_iter().map(|d| d.resolve(&ws.sources)).collect()
}

/// Each diagnostic as (code, "line:col"), in order.
pub fn diags(file: &str, text: &str) -> Vec<(String, String)> {
    let ws = Workspace::from_text(file, text);
    resolved_rules(&ws)
        .into_iter()
        .map(|d| {
            let at = d.location.map(|l| format!("{}:{}", l.start.line, l.start.column)).unwrap_or_default();
            (d.code.as_str().to_string(), at)
        })
        .collect()
}

/// Messages, for tests that check wording.
pub fn messages(file: &str, text: &str) -> Vec<String> {
    rules(&Workspace::from_text(file, text)).into_iter().map(|d| d.message.clone()).collect()
}

/// The one entry in `text`, which must decode without diagnostics.
pub fn entry(file: &str, text: &str) -> ConfigEntry {
    let ws = Workspace::from_text(file, text);
    assert!(rules(&ws).is_empty(), "{file}: {:#?}", resolved_rules(&ws));
    assert_eq!(ws.documents.len(), 1, "{file}");
    match ws.documents.into_iter().next() {
        Some(Document::Entry(e)) => e,
        other => panic!("{file}: not a config entry: {other:?}"),
    }
}

pub fn one(code: &str, at: &str) -> Vec<(String, String)> {
    vec![(code.to_string(), at.to_string())]
}

/// "line:col" of the `nth` (from 1) occurrence of `needle` in `text`.
pub fn at(text: &str, needle: &str, nth: usize) -> String {
    let (index, _) = text.match_indices(needle).nth(nth - 1).unwrap_or_else(|| panic!("no {nth}. `{needle}`"));
    let before = &text[..index];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{column}")
}

/// Each diagnostic as (code, line, column), in order.
pub fn positions(ws: &Workspace) -> Vec<(String, u32, u32)> {
    resolved_rules(ws)
        .into_iter()
        .map(|d| {
            let (line, col) = d.location.map(|l| (l.start.line, l.start.column)).unwrap_or_default();
            (d.code.as_str().to_string(), line, col)
        })
        .collect()
}

/// [`positions`] of one file's text.
pub fn check(name: &str, text: &str) -> Vec<(String, u32, u32)> {
    positions(&Workspace::from_text(name, text))
}

/// An expected (code, line, column).
pub fn d(code: &str, line: u32, col: u32) -> (String, u32, u32) {
    (code.to_string(), line, col)
}
