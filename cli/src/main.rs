//! `meshgate`: the planner CLI. Every command reads Consul configuration (HCL, JSON or YAML) and
//! works offline.

mod certs;
mod check;
mod context;
mod convert_cmd;
mod envoy_cmd;
mod input;
mod plan_cmd;
mod routes;
mod table;
mod upstreams;
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
    /// Decide whether a source may reach a destination (and an HTTP request, for L7 intentions).
    ///
    /// Like `consul intention check`, but offline and L7-aware, with the reason and the
    /// intention (file:line) that decided. Exit status: 0 allowed, 1 denied, 2 error.
    Check(check::Args),
    /// Show how a service's proxy reaches each upstream: target, SNI, mesh gateway mode, the
    /// level that set the mode, and where each target is dialled (Connect endpoints, a
    /// terminating gateway, a mesh gateway) with the identities presented and expected.
    Upstreams(upstreams::Args),
    /// Show each gateway's route table, then each sidecar's: SNI names and where they are
    /// forwarded (mesh), linked services (terminating), hosts, paths and weighted targets
    /// (ingress, API), upstream listeners (sidecars), with where each row came from and where
    /// each target is dialled — or why it is unrouted.
    Routes(routes::Args),
    /// Print the compiled plan (intentions in precedence order, upstreams, chains, gateway route
    /// tables) as JSON; with --gateway, that gateway's GatewayPlan (the filter's configuration).
    Plan(plan_cmd::Args),
    /// Write an Envoy bootstrap for one gateway: its listener(s), clusters for every target, and
    /// filter.wasm configured with the gateway's plan (inline, or by ECDS from a watched
    /// directory with --ecds; --update hot-swaps the plan of a running Envoy).
    Envoy(envoy_cmd::Args),
    /// Write config entries as HCL, JSON, YAML or Kubernetes resources (consul-k8s CRDs; the
    /// Gateway API for api-gateway, http-route and tcp-route). Every form decodes back to the
    /// same entries; what a form cannot say is an error, never dropped. Exit status: 0 converted,
    /// 1 invalid input or not expressible, 2 usage or I/O error.
    Convert(convert_cmd::Args),
    /// A development certificate authority (for demos and tests).
    #[command(subcommand)]
    Ca(certs::CaCommand),
    /// Development leaf certificates with SPIFFE IDs, signed by `meshgate ca create`'s CA.
    #[command(subcommand)]
    Cert(certs::CertCommand),
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
        Command::Check(args) => check::run(&args),
        Command::Upstreams(args) => upstreams::run(&args),
        Command::Routes(args) => routes::run(&args),
        Command::Plan(args) => plan_cmd::run(&args),
        Command::Envoy(args) => envoy_cmd::run(&args),
        Command::Convert(args) => convert_cmd::run(&args),
        Command::Ca(cmd) => certs::ca(&cmd),
        Command::Cert(cmd) => certs::issue(&cmd),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("meshgate: {err}");
            ExitCode::from(2)
        }
    }
}
