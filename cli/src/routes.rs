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
    /// repeat), or its name when no other gateway has it; else the sidecar of that key, proxy
    /// name or service (as --sidecar).
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
        (Some(name), _) => vec![gateway_or_sidecar(plan, name, loaded.settings)?],
        (None, Some(name)) => vec![select_sidecar(&plan.sidecars, name, loaded.settings)?],
        (None, None) => plan.gateways.iter().chain(&plan.sidecars).collect(),
    };
    let dialer = Dialer::new(loaded.workspace, plan);
    if args.json {
        let dialed: Vec<DialedRoutes<'_>> = chosen.iter().map(|g| DialedRoutes::of(&dialer, g)).collect();
        let text = meshgate_core::json::pretty(&dialed).map_err(|e| InputError(e.to_string()))?;
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

/// The gateway `name` selects, else the sidecar: `meshgate routes` lists both, so a key copied
/// from its output selects either. A name no gateway has and no sidecar either fails as a gateway
/// name, the sidecars listed too.
pub fn gateway_or_sidecar<'g>(
    plan: &'g meshgate_core::plan::Plan,
    name: &str,
    settings: &meshgate_core::settings::Settings,
) -> Result<&'g GatewayRoutes, InputError> {
    let not_a_gateway = match gateways::select(&plan.gateways, name, &settings.datacenter, &settings.partition) {
        Ok(g) => return Ok(g),
        // Several gateways have the name: a sidecar is not what is meant.
        Err(e @ gateways::GatewaySelectError::Ambiguous { .. }) => return Err(InputError(e.to_string())),
        Err(e) => e,
    };
    match sidecar::select(&plan.sidecars, name, &settings.datacenter, &settings.partition) {
        Ok(s) => Ok(s),
        Err(e @ sidecar::SidecarSelectError::Ambiguous { .. }) => Err(InputError(e.to_string())),
        Err(_) if plan.sidecars.is_empty() => Err(InputError(not_a_gateway.to_string())),
        Err(_) => {
            let keys: Vec<&str> = plan.sidecars.iter().map(|s| s.gateway.key.as_str()).collect();
            Err(InputError(format!("{not_a_gateway}; the sidecars are: {}", keys.join(", "))))
        }
    }
}

/// The sidecar `name` selects (see `sidecar::select`), or a usage error (exit 2).
fn select_sidecar<'g>(
    all: &'g [GatewayRoutes],
    name: &str,
    settings: &meshgate_core::settings::Settings,
) -> Result<&'g GatewayRoutes, InputError> {
    sidecar::select(all, name, &settings.datacenter, &settings.partition).map_err(|e| InputError(e.to_string()))
}
