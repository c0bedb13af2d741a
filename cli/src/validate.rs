//! `meshgate validate`: every problem the one pipeline (`Analysis::load`) finds — decoding,
//! validation, and what compiling the plan finds (discovery chains, gateway tables, intentions) —
//! so a workspace `validate` accepts is one `plan` accepts.

use crate::context::read_settings_file;
use crate::input::{self, InputError};
use crate::OutputFormat;
use meshgate_core::diag::{self, Severity};
use meshgate_core::views::{Analysis, AnalysisInput};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files to check (`-` for standard input; directories are searched for config files).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// A settings file (HCL, JSON or YAML), checked and applied like a directory's `meshgate.*`
    /// (settings shape what compiling finds: trust domains, datacenter, partition).
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,
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
    // Every settings file found is checked and applied in order, then --settings.
    let named = inputs.settings.iter().chain(&args.settings);
    let settings_files = named.map(|p| read_settings_file(p)).collect::<Result<_, _>>()?;
    let analysis = Analysis::load(AnalysisInput { files: inputs.files, settings_files, settings: Default::default() });
    let summary = summarize(&analysis);
    match args.format {
        OutputFormat::Json => {
            let diagnostics = analysis.problems().iter().map(|d| d.resolve(&analysis.workspace.sources)).collect();
            let report = JsonReport { valid: summary.errors == 0, summary: &summary, diagnostics };
            let text = meshgate_core::json::pretty(&report).map_err(|e| InputError(e.to_string()))?;
            println!("{text}");
        }
        OutputFormat::Text => {
            for d in analysis.problems() {
                print!("{}", diag::render(d, &analysis.workspace.sources, true));
            }
            println!("{}", summary_line(&summary));
        }
    }
    Ok(if summary.errors == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn summarize(a: &Analysis) -> Summary {
    let count = |sev| a.problems().iter().filter(|d| d.severity == sev).count();
    Summary {
        files: a.workspace.sources.files().count(),
        entries: a.workspace.entries().count(),
        services: a.workspace.services().count(),
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
