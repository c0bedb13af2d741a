//! `meshgate`: the planner CLI. Every command reads Consul configuration (HCL, JSON or YAML) and
//! works offline.

mod input;
mod validate;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Consul-style service-mesh gateways, planned offline: validate config entries, check intentions,
/// preview routes and upstreams, and generate Envoy configuration.
#[derive(Parser, Debug)]
#[command(name = "meshgate", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check config entries and service definitions for errors.
    ///
    /// Reads each FILE (or `-` for standard input; a directory means every .hcl, .json, .yaml and
    /// .yml file below it) and reports every problem as FILE:LINE:COL with a stable code.
    /// Exit status: 0 valid, 1 invalid, 2 usage or I/O error.
    Validate(validate::Args),
}

/// How results are printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people: one line per problem with the source line and a caret.
    #[default]
    Text,
    /// For programs: one JSON document.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate(args) => validate::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("meshgate: {err}");
            ExitCode::from(2)
        }
    }
}
