//! `meshgate validate`.

use crate::input::{self, InputError};
use crate::OutputFormat;
use meshgate_core::diag::{self, Severity};
use meshgate_core::model::Document;
use meshgate_core::settings::Settings;
use meshgate_core::workspace::Workspace;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files to check (`-` for standard input; directories are searched for config files).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: OutputFormat,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    entries: usize,
    services: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    valid: bool,
    summary: &'a Summary,
    diagnostics: Vec<diag::ResolvedDiagnostic>,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let inputs = input::read_inputs(&args.files)?;
    let file_count = inputs.files.len() + inputs.settings.len();
    // Settings files found in directories are checked as settings.
    let mut settings_sources = meshgate_core::source::SourceMap::new();
    let mut settings_diags = Vec::new();
    for path in &inputs.settings {
        let text =
            std::fs::read_to_string(path).map_err(|e| InputError(format!("cannot read {}: {e}", path.display())))?;
        if let Err(diags) = Settings::read_file(&path.display().to_string(), &text, &mut settings_sources) {
            settings_diags.extend(diags);
        }
    }
    let ws = Workspace::load(inputs.files);
    let mut summary = summarize(&ws, file_count);
    summary.errors += settings_diags.iter().filter(|d| d.is_error()).count();
    let valid = summary.errors == 0;
    match args.format {
        OutputFormat::Json => {
            let mut diagnostics: Vec<_> = settings_diags.iter().map(|d| d.resolve(&settings_sources)).collect();
            diagnostics.extend(ws.resolved_diagnostics());
            let report = JsonReport { valid, summary: &summary, diagnostics };
            let text = serde_json::to_string_pretty(&report).map_err(|e| InputError(e.to_string()))?;
            println!("{text}");
        }
        OutputFormat::Text => {
            for d in &settings_diags {
                print!("{}", diag::render(d, &settings_sources, true));
            }
            for d in &ws.diagnostics {
                print!("{}", diag::render(d, &ws.sources, true));
            }
            println!("{}", summary_line(&summary));
        }
    }
    Ok(if valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn summarize(ws: &Workspace, files: usize) -> Summary {
    let count = |sev| ws.diagnostics.iter().filter(|d| d.severity == sev).count();
    Summary {
        files,
        entries: ws.documents.iter().filter(|d| matches!(d, Document::Entry(_))).count(),
        services: ws.documents.iter().filter(|d| matches!(d, Document::Service(_))).count(),
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summary_line(s: &Summary) -> String {
    let what = format!(
        "{}: {}, {}",
        plural(s.files, "file"),
        plural(s.entries, "config entry").replace("entrys", "entries"),
        plural(s.services, "service definition")
    );
    match (s.errors, s.warnings) {
        (0, 0) => format!("valid — {what}"),
        (0, w) => format!("valid with {} — {what}", plural(w, "warning")),
        (e, w) => format!("invalid: {}, {} — {what}", plural(e, "error"), plural(w, "warning")),
    }
}
