//! `meshgate check`: would this source be allowed to reach this destination (and this request)?
//! A printer over the core's one request model (`Analysis::simulate`, which the playground's
//! Simulate calls too): the protocol rule, the route through the destination's discovery chain,
//! and the decision where the request lands.

use crate::context::{Loaded, WorkspaceArgs};
use crate::input::InputError;
use meshgate_core::views::check::{Leg, RouteHop};
use meshgate_core::views::{SimulateRequest, SimulateView};
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
    /// HTTP method (for an http-like destination; a tcp destination is decided at L4).
    #[arg(long, value_name = "METHOD")]
    method: Option<String>,
    /// HTTP path, as sent (it is normalized before matching).
    #[arg(long, value_name = "PATH")]
    path: Option<String>,
    /// A request header, `Name: value`; repeat for more.
    #[arg(long = "header", value_name = "'NAME: VALUE'")]
    headers: Vec<String>,
    /// Ask the plain `consul intention check` question: decide at the destination itself, without
    /// routing the request through its discovery chain (service-router, splitter, resolver).
    #[arg(long)]
    no_route: bool,
    /// A token Envoy verified: `PROVIDER=CLAIMS`, the jwt-provider's name and the token's payload
    /// as JSON (`okta={"sub":"alice","role":"admin"}`, or `okta=@claims.json`); repeat for more
    /// providers. A token sent that did not verify is a `--header 'Authorization: Bearer x'`
    /// without `--jwt`.
    #[arg(long = "jwt", value_name = "PROVIDER=CLAIMS")]
    jwt: Vec<String>,
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
    reason: &'a str,
    intention: Option<&'a meshgate_core::intentions::Intention>,
    permission: Option<usize>,
    default_used: bool,
    normalized_path: Option<&'a str>,
    mode: meshgate_core::settings::Mode,
    /// The service whose intentions decided.
    decided_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    route: Option<&'a RouteHop>,
    #[serde(skip_serializing_if = "<[Leg]>::is_empty")]
    legs: &'a [Leg],
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<&'a [meshgate_core::intentions::TraceStep]>,
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    for h in &args.headers {
        if !h.contains(':') {
            return Err(InputError(format!("--header `{h}` must look like `Name: value`")));
        }
    }
    let jwt = jwt_payloads(&args.jwt)?;
    let Some(analysis) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let loaded = Loaded::of(&analysis)?;
    let request = SimulateRequest {
        source: args.source.clone(),
        source_namespace: args.source_namespace.clone(),
        source_partition: args.source_partition.clone(),
        source_peer: args.source_peer.clone(),
        destination: args.destination.clone(),
        destination_namespace: args.destination_namespace.clone(),
        method: args.method.clone(),
        path: args.path.clone(),
        headers: args.headers.clone(),
        no_route: args.no_route,
        jwt,
    };
    let view = analysis.simulate(&request).map_err(InputError)?;
    if args.json {
        // The contract's `permission` is 0-based and its `intention` the whole intention.
        let intention =
            view.intention.as_ref().and_then(|i| loaded.compiled.table.intentions().get(i.rank.saturating_sub(1)));
        let report = Report {
            allowed: view.allowed,
            reason: &view.explanation,
            intention,
            permission: view.permission.map(|p| p - 1),
            default_used: view.default_used,
            normalized_path: view.http.as_ref().and_then(|h| h.normalized_path.as_deref()),
            mode: view.mode,
            decided_at: &view.decided_at,
            note: view.note.as_deref(),
            route: view.route.as_ref(),
            legs: &view.legs,
            trace: args.trace.then_some(view.trace.as_slice()),
        };
        let text = meshgate_core::json::pretty(&report).map_err(|e| InputError(e.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", render(&view, args.trace));
    }
    Ok(if view.allowed { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn render(view: &SimulateView, trace: bool) -> String {
    let mut out = String::new();
    out.push_str(if view.allowed { "Allowed\n" } else { "Denied\n" });
    if let Some(note) = &view.note {
        out.push_str(&format!("  note: {note}\n"));
    }
    if let Some(hop) = &view.route {
        out.push_str(&format!("  {}\n", hop.description));
        if let Some(p) = &hop.rewritten_path {
            out.push_str(&format!("  the path {} receives: {p}\n", view.decided_at));
        }
    }
    if view.legs.len() > 1 {
        for leg in &view.legs {
            out.push_str(&format!(
                "  - {} ({}%): {}\n",
                leg.service,
                leg.weight,
                if leg.allowed { "allowed" } else { "denied" }
            ));
        }
        out.push_str(&format!("  at {}: ", view.decided_at));
    } else {
        out.push_str("  ");
    }
    out.push_str(&view.explanation);
    out.push('\n');
    if let Some(h) = &view.http {
        if let Some(p) = &h.normalized_path {
            if *p != h.path && view.route.as_ref().and_then(|r| r.rewritten_path.as_ref()) != Some(p) {
                out.push_str(&format!("  normalized path: {p}\n"));
            }
        }
    }
    if trace {
        for step in &view.trace {
            out.push_str(&format!(
                "  - {} (precedence {}, {}): {}\n",
                step.intention, step.precedence, step.origin, step.outcome
            ));
            for p in &step.permissions {
                out.push_str(&format!("      {p}\n"));
            }
        }
    }
    out
}

/// `--jwt PROVIDER=CLAIMS` flags → the verified payloads by provider (`None` without any).
fn jwt_payloads(flags: &[String]) -> Result<Option<meshgate_core::intentions::jwt::JwtPayloads>, InputError> {
    if flags.is_empty() {
        return Ok(None);
    }
    let mut out = meshgate_core::json::Map::new();
    for flag in flags {
        let Some((provider, claims)) = flag.split_once('=').filter(|(p, _)| !p.trim().is_empty()) else {
            return Err(InputError(format!("--jwt `{flag}` must look like `PROVIDER={{\"sub\":\"alice\"}}`")));
        };
        let text = match claims.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| InputError(format!("--jwt {provider}: cannot read {path}: {e}")))?,
            None => claims.to_string(),
        };
        let value: meshgate_core::json::Value = serde_json::from_str(&text)
            .map_err(|e| InputError(format!("--jwt {provider}: the claims are not JSON: {e}")))?;
        if !value.is_object() {
            return Err(InputError(format!(
                "--jwt {provider}: the claims must be a JSON object (the token's payload)"
            )));
        }
        out.insert(provider.trim().to_string(), value);
    }
    Ok(Some(out))
}
