//! `meshgate upstreams`: how a service's proxy reaches each upstream.

use crate::context::{Loaded, WorkspaceArgs};
use crate::input::InputError;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// The service (`web`) or its proxy (`web-sidecar-proxy`).
    #[arg(long, value_name = "SERVICE")]
    service: String,
    /// Print an array of upstreams as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let Some(analysis) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let loaded = Loaded::of(&analysis)?;
    let proxies: Vec<_> = loaded
        .compiled
        .plan
        .upstreams
        .iter()
        .filter(|p| p.service == args.service || p.proxy == args.service)
        .collect();
    if proxies.is_empty() {
        let known: Vec<&str> = loaded.compiled.plan.upstreams.iter().map(|p| p.service.as_str()).collect();
        return Err(InputError(if known.is_empty() {
            format!("no proxy for `{}`: the files register no connect proxies", args.service)
        } else {
            format!("no proxy for `{}`; proxies exist for: {}", args.service, known.join(", "))
        }));
    }
    let upstreams: Vec<_> = proxies.iter().flat_map(|p| &p.upstreams).collect();
    if args.json {
        let text = serde_json::to_string_pretty(&upstreams).map_err(|e| InputError(e.to_string()))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    for p in &proxies {
        println!("{} (for {}, in {})", p.proxy, p.service, p.datacenter);
        let rows: Vec<[String; 5]> = p
            .upstreams
            .iter()
            .map(|u| {
                let place = if u.peer.is_empty() { u.datacenter.clone() } else { format!("peer {}", u.peer) };
                let dial = match &u.gateway {
                    Some(g) => format!("{} {g}", serde_plain(&u.dial)),
                    None => serde_plain(&u.dial),
                };
                [
                    u.destination.clone(),
                    place,
                    format!(
                        "{} (from {})",
                        serde_plain(&u.mesh_gateway_mode),
                        serde_plain(&u.mesh_gateway_mode_source)
                    ),
                    dial,
                    u.sni.clone(),
                ]
            })
            .collect();
        print!("{}", crate::table::render(&["UPSTREAM", "WHERE", "MODE", "DIAL", "SNI"], &rows));
        for u in &p.upstreams {
            if let Some(note) = &u.note {
                println!("  note: {}: {note}", u.destination);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// An enum's serde name (`remote-gateway`) for text output.
fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
