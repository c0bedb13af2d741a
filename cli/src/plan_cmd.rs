//! `meshgate plan`: the compiled plan as JSON, or one gateway's (or sidecar's) GatewayPlan (the
//! filter's configuration; see docs/gateway-plan.md).

use crate::context::{Loaded, WorkspaceArgs};
use crate::input::InputError;
use meshgate_core::plan::gateways::{self, GatewayKind};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Print this gateway's GatewayPlan instead: its key (see `meshgate routes`) or its name;
    /// else the sidecar's of that key, proxy name or service.
    #[arg(long, value_name = "NAME")]
    gateway: Option<String>,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let Some(analysis) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let loaded = Loaded::of(&analysis)?;
    let text = match &args.gateway {
        None => meshgate_core::json::pretty(&loaded.compiled.plan),
        Some(name) => {
            let chosen = crate::routes::gateway_or_sidecar(&loaded.compiled.plan, name, loaded.settings)?;
            let key = &chosen.gateway.key;
            let plan = match chosen.gateway.kind {
                // The key `meshgate routes` lists, as the playground's Plan view offers it.
                GatewayKind::ConnectProxy => {
                    gateways::sidecar_plan(loaded.compiled, key).map_err(|e| InputError(e.to_string()))?
                }
                _ => gateways::gateway_plan(loaded.compiled, key)
                    .ok_or_else(|| InputError(format!("no gateway `{name}`")))?,
            };
            meshgate_core::json::pretty(&plan)
        }
    }
    .map_err(|e| InputError(e.to_string()))?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
