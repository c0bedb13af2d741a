//! `meshgate check`: would this source be allowed to reach this destination (and this request)?

use crate::context::{LoadOutcome, WorkspaceArgs};
use crate::input::InputError;
use meshgate_core::intentions::http::HttpRequest;
use meshgate_core::intentions::{Caller, Request, ServiceName};
use serde::Serialize;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// The calling service.
    #[arg(long, value_name = "SERVICE")]
    source: String,
    /// The service being called.
    #[arg(long, value_name = "SERVICE")]
    destination: String,
    /// The caller's cluster peer (empty: a local caller).
    #[arg(long, value_name = "PEER", default_value = "")]
    source_peer: String,
    /// The caller's admin partition.
    #[arg(long, value_name = "AP", default_value = "default")]
    source_partition: String,
    /// The caller's namespace.
    #[arg(long, value_name = "NS", default_value = "default")]
    source_namespace: String,
    /// The destination's namespace.
    #[arg(long, value_name = "NS", default_value = "default")]
    destination_namespace: String,
    /// HTTP method (makes this an HTTP request check; L7 intentions need one).
    #[arg(long, value_name = "METHOD")]
    method: Option<String>,
    /// HTTP path, as sent (it is normalized before matching).
    #[arg(long, value_name = "PATH")]
    path: Option<String>,
    /// A request header, `Name: value`; repeat for more.
    #[arg(long = "header", value_name = "'NAME: VALUE'")]
    headers: Vec<String>,
    /// Print every intention considered and why it did or did not match.
    #[arg(long)]
    trace: bool,
    /// Print the decision as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    allowed: bool,
    reason: String,
    intention: Option<&'a meshgate_core::intentions::Intention>,
    permission: Option<usize>,
    default_used: bool,
    normalized_path: Option<String>,
    mode: meshgate_core::settings::Mode,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<meshgate_core::intentions::TraceStep>>,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let headers: Vec<(&str, &str)> = args
        .headers
        .iter()
        .map(|h| {
            h.split_once(':')
                .map(|(n, v)| (n.trim(), v.trim()))
                .ok_or_else(|| InputError(format!("--header `{h}` must look like `Name: value`")))
        })
        .collect::<Result<_, _>>()?;
    let LoadOutcome::Ready(loaded) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let (dest_proto, _) =
        loaded.compiled.protocols.of(&args.destination, &args.destination_namespace, &loaded.settings.partition);
    let is_http = args.method.is_some() || args.path.is_some() || !headers.is_empty() || dest_proto.is_http_like();
    let http = is_http.then(|| HttpRequest {
        method: args.method.as_deref().unwrap_or("GET"),
        path: args.path.as_deref().unwrap_or("/"),
        headers: &headers,
    });
    let req = Request {
        source: Caller {
            name: &args.source,
            namespace: &args.source_namespace,
            partition: &args.source_partition,
            peer: &args.source_peer,
        },
        destination: ServiceName {
            name: &args.destination,
            namespace: &args.destination_namespace,
            partition: &loaded.settings.partition,
        },
        http,
    };
    let table = &loaded.compiled.table;
    let decision = table.decide(&req);
    let trace = args.trace.then(|| table.trace(&req));
    if args.json {
        let report = Report {
            allowed: decision.allowed,
            reason: decision.explain(),
            intention: decision.intention,
            permission: decision.permission,
            default_used: decision.default_used,
            normalized_path: decision.normalized_path.as_deref().map(str::to_string),
            mode: loaded.settings.mode,
            trace,
        };
        let text = serde_json::to_string_pretty(&report).map_err(|e| InputError(e.to_string()))?;
        println!("{text}");
    } else {
        println!("{}", if decision.allowed { "Allowed" } else { "Denied" });
        println!("  {}", decision.explain());
        if let Some(p) = &decision.normalized_path {
            if p != req.http.map(|h| h.path).unwrap_or("") {
                println!("  normalized path: {p}");
            }
        }
        for step in trace.iter().flatten() {
            println!("  - {} (precedence {}, {}): {}", step.intention, step.precedence, step.origin, step.outcome);
            for p in &step.permissions {
                println!("      {p}");
            }
        }
    }
    Ok(if decision.allowed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
