//! `meshgate plan`: the compiled plan as JSON.

use crate::context::{LoadOutcome, WorkspaceArgs};
use crate::input::InputError;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let LoadOutcome::Ready(loaded) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let text = serde_json::to_string_pretty(&loaded.compiled.plan).map_err(|e| InputError(e.to_string()))?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
