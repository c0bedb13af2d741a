//! `meshgate upstreams`: how a service's proxy reaches each upstream — the target, SNI and mesh
//! gateway mode with the level that set it, then where the upstream's listener dials each of its
//! targets and with which identities (`meshgate_core::plan::dial` through the proxy's sidecar
//! routes, as `meshgate envoy --sidecar` configures them).

use crate::context::{Loaded, WorkspaceArgs};
use crate::input::InputError;
use meshgate_core::plan::dial::{upstream_dials, Dial, Dialer};
use meshgate_core::plan::gateways::text;
use meshgate_core::plan::upstreams::{ProxyUpstreams, UpstreamResolution};
use meshgate_core::plan::Plan;
use meshgate_core::sorted::SortedMap;
use meshgate_core::views::upstream_listener;
use meshgate_core::workspace::Workspace;
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// The service (`web`) or its proxy (`web-sidecar-proxy`).
    #[arg(long, value_name = "SERVICE")]
    service: String,
    /// Print an array of upstreams as JSON, each with its `listener` and its targets' `dials`.
    #[arg(long)]
    json: bool,
}

/// One upstream of `--json`: its resolution, then its listener and the dial of each target (and
/// failover target) by cluster; both absent for an upstream bound to no port.
#[derive(Serialize)]
struct Dialed<'a> {
    #[serde(flatten)]
    resolution: &'a UpstreamResolution,
    #[serde(skip_serializing_if = "Option::is_none")]
    listener: Option<String>,
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    dials: SortedMap<String, Dial>,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let Some(analysis) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let loaded = Loaded::of(&analysis)?;
    let plan = &loaded.compiled.plan;
    let proxies: Vec<_> =
        plan.upstreams.iter().filter(|p| p.service == args.service || p.proxy == args.service).collect();
    if proxies.is_empty() {
        let known: Vec<&str> = plan.upstreams.iter().map(|p| p.service.as_str()).collect();
        return Err(InputError(if known.is_empty() {
            format!("no proxy for `{}`: the files register no connect proxies", args.service)
        } else {
            format!("no proxy for `{}`; proxies exist for: {}", args.service, known.join(", "))
        }));
    }
    let dialer = Dialer::new(loaded.workspace, plan);
    if args.json {
        let upstreams: Vec<Dialed<'_>> = proxies
            .iter()
            .flat_map(|p| p.upstreams.iter().map(|r| dialed(loaded.workspace, plan, &dialer, p, r)))
            .collect();
        let text = meshgate_core::json::pretty(&upstreams).map_err(|e| InputError(e.to_string()))?;
        println!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let td = &loaded.settings.trust_domain;
    println!("trust domain: {td} (<td> below)");
    for p in &proxies {
        println!();
        print!("{}", proxy_text(loaded.workspace, plan, &dialer, p, td));
    }
    Ok(ExitCode::SUCCESS)
}

fn dialed<'a>(
    ws: &Workspace,
    plan: &Plan,
    dialer: &Dialer<'_>,
    p: &ProxyUpstreams,
    r: &'a UpstreamResolution,
) -> Dialed<'a> {
    match upstream_listener(ws, plan, p, r) {
        Some((sidecar, u)) => Dialed {
            resolution: r,
            listener: Some(format!("{}:{}", u.address, u.port)),
            dials: upstream_dials(dialer, sidecar, u),
        },
        None => Dialed { resolution: r, listener: None, dials: SortedMap::new() },
    }
}

/// One proxy: a row per upstream, its notes, then each upstream listener's dials.
fn proxy_text(ws: &Workspace, plan: &Plan, dialer: &Dialer<'_>, p: &ProxyUpstreams, td: &str) -> String {
    let mut out = format!("{} (for {}, in {})\n", p.proxy, p.service, p.datacenter);
    let rows: Vec<[String; 5]> = p
        .upstreams
        .iter()
        .map(|u| {
            let place = if u.peer.is_empty() { u.datacenter.clone() } else { format!("peer {}", u.peer) };
            let listener = upstream_listener(ws, plan, p, u)
                .map_or_else(|| "(none)".to_string(), |(_, l)| format!("{}:{}", l.address, l.port));
            [
                u.destination.clone(),
                listener,
                place,
                format!("{} (from {})", serde_plain(&u.mesh_gateway_mode), serde_plain(&u.mesh_gateway_mode_source)),
                u.sni.replace(td, "<td>"),
            ]
        })
        .collect();
    out.push_str(&crate::table::render(&["UPSTREAM", "LISTENER", "WHERE", "MODE", "SNI"], &rows));
    for u in &p.upstreams {
        if let Some(note) = &u.note {
            out.push_str(&format!("  note: {}: {note}\n", u.destination));
        }
    }
    for r in &p.upstreams {
        match upstream_listener(ws, plan, p, r) {
            Some((sidecar, u)) => {
                let title = format!("{} on {}:{} dials", r.destination, u.address, u.port);
                out.push_str(&text::dials_text(&title, 2, u.targets(), &upstream_dials(dialer, sidecar, u), td));
            }
            None => {
                out.push_str(&format!("  {}: no local_bind_port: no listener, nothing is dialled\n", r.destination))
            }
        }
    }
    out
}

/// An enum's serde name (`remote`) for text output.
fn serde_plain<T: serde::Serialize>(v: &T) -> String {
    meshgate_core::json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
