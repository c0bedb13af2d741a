//! Compilation: a validated [`Workspace`] and its [`Settings`] become a [`Plan`] — intention
//! tables, protocols, upstream resolutions, discovery chains and gateway route tables — that the
//! CLI prints, the playground shows and the filter enforces.

pub mod chain;
pub mod dial;
pub mod endpoints;
pub mod gateways;
pub mod intentions;
pub mod jwt;
pub mod protocols;
pub mod unapplied;
pub mod upstreams;

use crate::decode::Cx;
use crate::diag::Diagnostic;
use crate::intentions::path::Normalization;
use crate::intentions::{Intention, IntentionTable, TableError};
use crate::settings::Settings;
use crate::workspace::{Entries, Workspace};
use serde::Serialize;

/// The plan format version; bumped on any incompatible change (2: intentions leave out a
/// `default` namespace and partition).
pub const PLAN_VERSION: u32 = 2;

/// Everything compiled from one workspace.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    pub version: u32,
    pub settings: Settings,
    /// Ranked: the first that matches decides.
    pub intentions: Vec<Intention>,
    pub upstreams: Vec<upstreams::ProxyUpstreams>,
    /// One discovery chain per service that has one (see [`chain::chain_services`]).
    pub chains: Vec<chain::DiscoveryChain>,
    /// One route table per registered gateway (see [`gateways`]).
    pub gateways: Vec<gateways::GatewayRoutes>,
    /// One per proxy (`sidecar_service` or `connect-proxy`): what `meshgate envoy --sidecar`
    /// configures (see [`gateways::sidecar`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sidecars: Vec<gateways::GatewayRoutes>,
    /// Where the mesh reaches each service instance (sidecars, connect proxies, Connect-native
    /// instances; see [`endpoints`]).
    pub endpoints: Vec<endpoints::ConnectEndpoint>,
}

/// A compiled plan with the indexed table ready for decisions.
pub struct Compiled {
    pub plan: Plan,
    pub table: IntentionTable,
    pub protocols: protocols::Protocols,
    pub diagnostics: Vec<Diagnostic>,
}

/// Compiles a workspace. Diagnostics found here (warnings, cross-entry errors) are returned
/// beside the plan; the caller decides whether errors block output.
pub fn compile(ws: &Workspace, settings: &Settings) -> Result<Compiled, TableError> {
    let mut cx = Cx::new();
    let protocols = protocols::Protocols::new(ws);
    // One index of the entries for every step (tenancy resolved with the local partition).
    let entries = Entries::new(ws, &settings.partition);
    let compiled = intentions::compile(ws, &entries, &mut cx);
    let upstreams = upstreams::resolve(ws, &entries, settings, &mut cx);
    let endpoints = endpoints::connect_endpoints(ws, settings, &mut cx);
    let chains = chain::compile_all(ws, &entries, settings, &protocols, &mut cx);
    chain::check_ingress_protocols(ws, &chains, &mut cx);
    let gateways = gateways::compile(ws, &entries, settings, &protocols, &chains, &compiled.intentions);
    endpoints::check_gateway_targets(&gateways, &endpoints, &ws.sources, &mut cx);
    let sidecars = gateways::compile_sidecars(
        ws,
        &entries,
        settings,
        &protocols,
        &chains,
        &compiled.intentions,
        &upstreams,
        &endpoints,
    );
    let table =
        IntentionTable::new(compiled.intentions.clone(), settings.default_intention_policy, normalization(&entries))?;
    let mut diagnostics = cx.diags;
    crate::diag::sort(&mut diagnostics);
    Ok(Compiled {
        plan: Plan {
            version: PLAN_VERSION,
            settings: settings.clone(),
            intentions: compiled.intentions,
            upstreams,
            chains,
            gateways,
            sidecars,
            endpoints,
        },
        table,
        protocols,
        diagnostics,
    })
}

/// How L7 rules see request paths (the local partition's mesh entry). Slashes are always merged and dot segments always removed:
/// the filter forwards the path it checked, so normalizing can never make a service see a path
/// that no rule saw — whatever the mesh entry's `InsecureDisablePathNormalization` or
/// `MergeSlashes` say. Encoded slashes follow the mesh entry's `PathWithEscapedSlashesAction`;
/// unset (or Envoy's implementation-specific default) means reject, where Envoy would keep them.
/// `;` path parameters are refused unless `InsecureDisablePathNormalization` says the operator
/// accepts paths as sent.
pub fn normalization(entries: &Entries<'_>) -> Normalization {
    use crate::intentions::path::EscapedSlashes;
    use crate::model::mesh::PathWithEscapedSlashesAction as Action;
    let mesh = entries.mesh(entries.local_partition());
    let effective = crate::model::mesh::PathNormalization::of(mesh);
    let action = effective.path_with_escaped_slashes_action;
    let escaped_slashes = match action {
        Action::KeepUnchanged => EscapedSlashes::KeepUnchanged,
        Action::UnescapeAndForward | Action::UnescapeAndRedirect => EscapedSlashes::UnescapeAndForward,
        Action::RejectRequest | Action::ImplementationSpecificDefault | Action::Unset => EscapedSlashes::RejectRequest,
    };
    Normalization { merge_slashes: true, escaped_slashes, allow_path_parameters: !effective.normalize_path }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intentions::path::EscapedSlashes;

    #[test]
    fn the_mesh_entry_chooses_what_encoded_slashes_do() {
        let ws = Workspace::from_text("m.hcl", "Kind = \"mesh\"\n");
        assert_eq!(normalization(&Entries::new(&ws, "default")), Normalization::default());
        let ws = Workspace::from_text(
            "m.hcl",
            "Kind = \"mesh\"\nHTTP { Incoming { RequestNormalization { PathWithEscapedSlashesAction = \"UNESCAPE_AND_FORWARD\" } } }\n",
        );
        assert!(!ws.has_errors(), "{:?}", ws.diagnostics);
        assert_eq!(normalization(&Entries::new(&ws, "default")).escaped_slashes, EscapedSlashes::UnescapeAndForward);
    }
}
