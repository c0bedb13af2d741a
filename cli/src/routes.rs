//! `meshgate routes`: what each gateway routes where — SNI names for mesh gateways, linked
//! services for terminating gateways, hosts, paths and weighted targets for ingress and API
//! gateways.

use crate::context::{Loaded, WorkspaceArgs};
use crate::input::InputError;
use meshgate_core::plan::gateways::{self, GatewayRoutes};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Only this gateway: its key (the registration's id, else its name; `name@dc` when names
    /// repeat), or its name when no other gateway has it.
    #[arg(long, value_name = "NAME")]
    gateway: Option<String>,
    /// Print an array of route tables as JSON (one element with --gateway).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let Some(analysis) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let loaded = Loaded::of(&analysis)?;
    let all = &loaded.compiled.plan.gateways;
    let chosen: Vec<&GatewayRoutes> = match &args.gateway {
        Some(name) => vec![select(all, name, loaded.settings)?],
        None => all.iter().collect(),
    };
    if args.json {
        let text = serde_json::to_string_pretty(&chosen).map_err(|e| InputError(e.to_string()))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    if chosen.is_empty() {
        println!("no gateways: the files register no mesh-gateway, terminating-gateway, ingress-gateway or api-gateway service");
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", gateways::text::render(chosen, &loaded.settings.trust_domain));
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
