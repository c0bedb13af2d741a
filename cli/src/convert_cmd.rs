//! `meshgate convert`: write config entries in another form — HCL, JSON, YAML, or Kubernetes
//! resources (consul-k8s CRDs, the Gateway API) — and back.

use crate::input::{self, InputError};
use meshgate_core::convert::{convert, Target};
use meshgate_core::diag;
use meshgate_core::workspace::Workspace;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files to convert (`-` for standard input; directories are searched for config files).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The form to write: hcl, json, yaml, or crd (Kubernetes resources).
    #[arg(long, value_name = "FORM", value_parser = ["hcl", "json", "yaml", "crd"])]
    to: String,
    /// Only the entry with this name (every entry of the files by default).
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Exit status: 0 converted, 1 the files have errors or an entry has no form in the target, 2
/// usage or I/O error.
pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let target = Target::parse(&args.to).ok_or_else(|| InputError(format!("unknown form `{}`", args.to)))?;
    let inputs = input::read_inputs(&args.files)?;
    let ws = Workspace::load(inputs.files);
    if ws.has_errors() {
        for d in &ws.diagnostics {
            eprint!("{}", diag::render(d, &ws.sources, true));
        }
        eprintln!("meshgate: not converted: fix the errors above first");
        return Ok(ExitCode::from(1));
    }
    let entries: Vec<_> = ws.entries().filter(|e| args.name.as_deref().is_none_or(|n| e.name() == n)).collect();
    if entries.is_empty() {
        return Err(InputError(match &args.name {
            Some(n) => format!("no config entry named `{n}`"),
            None => "no config entries to convert".to_string(),
        }));
    }
    let text = match convert(&entries, target) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("meshgate: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| InputError(format!("cannot write {}: {e}", path.display())))?
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
