//! Compilation: a validated [`Workspace`] and its [`Settings`] become a [`Plan`] — intention
//! tables, protocols, upstream resolutions, discovery chains and gateway route tables — that the
//! CLI prints, the playground shows and the filter enforces.

pub mod intentions;
pub mod protocols;
pub mod upstreams;

use crate::decode::Cx;
use crate::diag::Diagnostic;
use crate::intentions::path::Normalization;
use crate::intentions::{Intention, IntentionTable, TableError};
use crate::settings::Settings;
use crate::workspace::Workspace;
use serde::Serialize;

/// The plan format version; bumped on any incompatible change.
pub const PLAN_VERSION: u32 = 1;

/// Everything compiled from one workspace.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    pub version: u32,
    pub settings: Settings,
    /// Ranked: the first that matches decides.
    pub intentions: Vec<Intention>,
    pub upstreams: Vec<upstreams::ProxyUpstreams>,
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
    let compiled = intentions::compile(ws, &protocols, &mut cx);
    let upstreams = upstreams::resolve(ws, settings, &mut cx);
    let table = IntentionTable::new(compiled.intentions.clone(), settings.default_intention_policy, normalization(ws))?;
    let mut diagnostics = cx.diags;
    crate::diag::sort(&mut diagnostics);
    Ok(Compiled {
        plan: Plan { version: PLAN_VERSION, settings: settings.clone(), intentions: compiled.intentions, upstreams },
        table,
        protocols,
        diagnostics,
    })
}

/// Path normalization from the mesh entry (our safe defaults where it says nothing).
fn normalization(_ws: &Workspace) -> Normalization {
    Normalization::default()
}
