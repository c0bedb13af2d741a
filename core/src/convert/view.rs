//! `convert` as the playground asks for it: one file's text in, the converted text (or why not)
//! out.

use super::{convert, Target};
use crate::views::FileInput;
use crate::workspace::{InputFile, Workspace};
use serde::{Deserialize, Serialize};

/// Convert the entries of one file (or the one named `name`) to `to`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct ConvertRequest {
    pub file: FileInput,
    /// Only the entry with this name (every entry when empty).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub name: String,
    /// `"hcl"`, `"json"`, `"yaml"` or `"crd"` (Kubernetes resources).
    pub to: String,
}

/// The converted text, or (text empty) why it could not be converted.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConvertView {
    pub text: String,
    pub error: String,
}

impl ConvertView {
    fn failed(error: impl Into<String>) -> Self {
        ConvertView { text: String::new(), error: error.into() }
    }
}

pub fn convert_file(request: &ConvertRequest) -> ConvertView {
    let Some(target) = Target::parse(&request.to) else {
        return ConvertView::failed(format!(
            "cannot convert to `{}`: expected one of {}",
            request.to,
            Target::NAMES.join(", ")
        ));
    };
    let ws = Workspace::load([InputFile::new(request.file.name.clone(), request.file.text.clone())]);
    if let Some(d) = ws.diagnostics.iter().find(|d| d.is_error()) {
        let at = d
            .span
            .and_then(|s| ws.sources.location(s))
            .map(|l| format!("{}:{}:{}: ", l.file, l.start.line, l.start.column));
        return ConvertView::failed(format!(
            "{}{}: {} (fix the file's errors before converting it)",
            at.unwrap_or_default(),
            d.code.as_str(),
            d.message
        ));
    }
    let entries: Vec<_> = ws.entries().filter(|e| request.name.is_empty() || e.name() == request.name).collect();
    if entries.is_empty() && !request.name.is_empty() {
        return ConvertView::failed(format!("no config entry named `{}` in {}", request.name, request.file.name));
    }
    match convert(&entries, target) {
        Ok(text) => ConvertView { text, error: String::new() },
        Err(e) => ConvertView::failed(e.to_string()),
    }
}
