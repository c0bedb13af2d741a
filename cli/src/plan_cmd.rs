//! `meshgate plan`: the compiled plan as JSON, or one gateway's GatewayPlan (the filter's
//! configuration; see docs/gateway-plan.md).

use crate::context::{Loaded, WorkspaceArgs};
use crate::input::InputError;
use meshgate_core::plan::gateways;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// Print this gateway's GatewayPlan instead: its key (see `meshgate routes`) or its name.
    #[arg(long, value_name = "NAME")]
    gateway: Option<String>,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let Some(analysis) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let loaded = Loaded::of(&analysis)?;
    let text = match &args.gateway {
        None => serde_json::to_string_pretty(&loaded.compiled.plan),
        Some(name) => {
            let key = crate::routes::select(&loaded.compiled.plan.gateways, name, loaded.settings)?.gateway.key.clone();
            let plan = gateways::gateway_plan(loaded.compiled, &key)
                .ok_or_else(|| InputError(format!("no gateway `{name}`")))?;
            serde_json::to_string_pretty(&plan)
        }
    }
    .map_err(|e| InputError(e.to_string()))?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
