//! `meshgate routes`: what each gateway routes where — SNI names for mesh gateways, linked
//! services for terminating gateways, hosts, paths and weighted targets for ingress and API
//! gateways — then each sidecar's listeners; for every target, where it is dialled and with which
//! identities (`meshgate_core::plan::dial`, as `meshgate envoy` configures it).

use crate::context::{Loaded, WorkspaceArgs};
use crate::input::InputError;
use meshgate_core::plan::dial::{DialedRoutes, Dialer};
use meshgate_core::plan::gateways::{self, sidecar, GatewayRoutes};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Only this gateway: its key (the registration's id, else its name; `name@dc` when names
    /// repeat), or its name when no other gateway has it.
    #[arg(long, value_name = "NAME", conflicts_with = "sidecar")]
    gateway: Option<String>,
    /// Only the sidecar of this service (or the proxy of this name), as `meshgate envoy
    /// --sidecar` selects it.
    #[arg(long, value_name = "SERVICE")]
    sidecar: Option<String>,
    /// Print an array of route tables as JSON, each with its `dials` (one element with --gateway
    /// or --sidecar).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let Some(analysis) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let loaded = Loaded::of(&analysis)?;
    let plan = &loaded.compiled.plan;
    let chosen: Vec<&GatewayRoutes> = match (&args.gateway, &args.sidecar) {
        (Some(name), _) => vec![select(&plan.gateways, name, loaded.settings)?],
        (None, Some(name)) => vec![select_sidecar(&plan.sidecars, name, loaded.settings)?],
        (None, None) => plan.gateways.iter().chain(&plan.sidecars).collect(),
    };
    let dialer = Dialer::new(loaded.workspace, plan);
    if args.json {
        let dialed: Vec<DialedRoutes<'_>> = chosen.iter().map(|g| DialedRoutes::of(&dialer, g)).collect();
        let text = serde_json::to_string_pretty(&dialed).map_err(|e| InputError(e.to_string()))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    if chosen.is_empty() {
        println!("no gateways: the files register no mesh-gateway, terminating-gateway, ingress-gateway or api-gateway service, and no sidecar");
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", gateways::text::render(chosen, &dialer, &loaded.settings.trust_domain));
    Ok(ExitCode::SUCCESS)
}

/// The gateway `name` selects (see `gateways::select`), or a usage error (exit 2) that lists the
/// known ones or the candidates.
pub fn select<'g>(
    all: &'g [GatewayRoutes],
    name: &str,
    settings: &meshgate_core::settings::Settings,
) -> Result<&'g GatewayRoutes, InputError> {
    gateways::select(all, name, &settings.datacenter, &settings.partition).map_err(|e| InputError(e.to_string()))
}

/// The sidecar `name` selects (see `sidecar::select`), or a usage error (exit 2).
fn select_sidecar<'g>(
    all: &'g [GatewayRoutes],
    name: &str,
    settings: &meshgate_core::settings::Settings,
) -> Result<&'g GatewayRoutes, InputError> {
    sidecar::select(all, name, &settings.datacenter, &settings.partition).map_err(|e| InputError(e.to_string()))
}
