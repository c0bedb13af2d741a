//! meshgate-planner-wasm: the wasm-bindgen facade over meshgate-core that the playground page loads.
//!
//! No logic of its own: each method deserializes its argument, calls [`meshgate_core::views`] — the
//! same core the CLI and the filter use — and hands the result to JavaScript as a plain object
//! (serde-wasm-bindgen, JSON-compatible: maps become objects, `None` becomes `null`). Bad input
//! (not the shape the declarations below describe) throws a JS `Error`; problems in the user's
//! configuration are not errors but diagnostics.
//!
//! ```js
//! import init, { Workspace } from "./pkg/meshgate_planner_wasm.js";
//! await init();
//! const ws = new Workspace({ files: [{ name: "a.hcl", text }], settings: { datacenter: "dc1" } });
//! ws.diagnostics();   // DiagnosticsView
//! ws.simulate({ source: "web", destination: "billing", method: "GET", path: "/admin" });
//! ws.free();
//! ```
//!
//! Build: `cargo build -p meshgate-planner-wasm --target wasm32-unknown-unknown --profile
//! web-release`, then `wasm-bindgen --target web` (`web/build.sh` does both).

use meshgate_core::views::{Analysis, SimulateRequest, WorkspaceInput};
use serde::Serialize;
use wasm_bindgen::prelude::{wasm_bindgen, JsError, JsValue};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r##"
/** One file of the workspace. The format comes from the extension (.hcl, .json, .yaml, .yml), else from the content. */
export interface FileInput { name: string; text: string; }
export type Action = "allow" | "deny";
export type Mode = "enforce" | "audit";
export type Protocol = "tcp" | "http" | "http2" | "grpc";
export type Severity = "error" | "warning";
/** Workspace settings; a missing, null or empty field takes the default (dc1, default partition, the example trust domain, allow, enforce). */
export interface SettingsInput {
  datacenter?: string | null;
  partition?: string | null;
  trust_domain?: string | null;
  default_intention_policy?: Action | null;
  mode?: Mode | null;
  /** Peer name → that cluster's trust domain. */
  peer_trust_domains?: Record<string, string> | null;
}
export interface WorkspaceInput { files: FileInput[]; settings?: SettingsInput | null; }

/** 1-based line; 1-based column in Unicode scalar values and in UTF-16 code units. */
export interface Position { line: number; column: number; column_utf16: number; }
export interface Summary { valid: boolean; files: number; entries: number; services: number; errors: number; warnings: number; }
export interface DiagnosticView {
  /** Stable code, e.g. "E0201". */
  code: string;
  title: string;
  severity: Severity;
  message: string;
  notes: string[];
  /** null for problems tied to no file (the settings). */
  file: string | null;
  start: Position | null;
  end: Position | null;
  /** 0-based UTF-16 offsets into the file's text: what JavaScript strings and CodeMirror count. */
  from_utf16: number | null;
  to_utf16: number | null;
}
export interface DiagnosticsView { summary: Summary; diagnostics: DiagnosticView[]; }

export interface Origin { file: string; line: number; column: number; }
export interface IntentionSource { name: string; namespace: string; partition: string; peer?: string; }
export interface IntentionDestination { name: string; namespace: string; partition: string; }
export type RuleVerdict = "allow" | "deny" | "l7";
export interface PermissionRow { action: Action; summary: string; }
export interface IntentionRow {
  /** 1-based; the first intention that matches decides. */
  rank: number;
  label: string;
  source: IntentionSource;
  destination: IntentionDestination;
  verdict: RuleVerdict;
  permissions: PermissionRow[];
  precedence: number;
  /** e.g. "* → exact" */
  precedence_shape: string;
  origin: Origin;
}
export interface Endpoint { label: string; name: string; namespace: string; partition: string; peer: string; protocol?: Protocol; }
export type CellVerdict = "allow" | "deny" | "l7" | "default-allow" | "default-deny";
export interface Cell { verdict: CellVerdict; rank: number | null; explanation: string; }
/** cells[s][d]: sources[s] calling destinations[d]. */
export interface Matrix { sources: Endpoint[]; destinations: Endpoint[]; cells: Cell[][]; }
export interface IntentionsView { default_policy: Action; mode: Mode; intentions: IntentionRow[]; matrix: Matrix; }

export type MeshGatewayMode = "none" | "local" | "remote";
export type ModeSource = "upstream" | "proxy" | "service-defaults" | "proxy-defaults" | "default";
export type Dial = "direct" | "local-gateway" | "remote-gateway";
export interface UpstreamResolution {
  destination: string;
  namespace: string;
  partition: string;
  /** "" for a peered upstream. */
  datacenter: string;
  /** "" for a local upstream. */
  peer: string;
  local_bind_port?: number;
  sni: string;
  mesh_gateway_mode: MeshGatewayMode;
  mesh_gateway_mode_source: ModeSource;
  dial: Dial;
  /** address:port of the gateway dialled, when the workspace registers one. */
  gateway?: string;
  note?: string;
  origin: Origin;
}
export interface ProxyUpstreams { proxy: string; service: string; datacenter: string; upstreams: UpstreamResolution[]; }
export interface UpstreamsView { datacenter: string; proxies: ProxyUpstreams[]; }

/** Empty strings mean default namespace/partition and a local caller. Any of method, path, headers makes it an HTTP request, as does an http-like destination. */
export interface SimulateRequest {
  source: string;
  destination: string;
  source_namespace?: string;
  source_partition?: string;
  source_peer?: string;
  destination_namespace?: string;
  method?: string | null;
  path?: string | null;
  /** "Name: value" each. */
  headers?: string[];
}
export type PathRejection = "not-origin-form" | "bad-percent-encoding" | "escaped-slash" | "backslash" | "control-character";
export type Reason =
  | { kind: "intention" }
  | { kind: "permission" }
  | { kind: "no-permission-matched" }
  | { kind: "l7-on-tcp" }
  | { kind: "path-rejected"; rejection: PathRejection }
  | { kind: "no-intention" };
/** allow, deny, or audit-deny: denied, but audit mode only records it. */
export type Effect = "allow" | "deny" | "audit-deny";
export interface IntentionRef { rank: number; label: string; precedence: number; origin: Origin; }
export interface HttpView { method: string; path: string; normalized_path: string | null; headers: [string, string][]; }
export interface TraceStep { intention: string; precedence: number; origin: string; outcome: string; permissions: string[]; }
export interface SimulateView {
  allowed: boolean;
  effect: Effect;
  explanation: string;
  reason: Reason;
  intention: IntentionRef | null;
  /** 1-based number of the permission that decided. */
  permission: number | null;
  default_used: boolean;
  default_policy: Action;
  mode: Mode;
  destination_protocol: Protocol;
  http: HttpView | null;
  trace: TraceStep[];
}
export type GraphNodeKind = "router" | "splitter" | "resolver" | "target";
export type EdgeKind = "route" | "split" | "resolve" | "failover";
export interface TargetShare {
  /** Consul's target id: [subset.]service.namespace.partition.datacenter */
  target: string;
  label: string;
  sni: string;
  /** Percent of the route's traffic, to 0.01. */
  weight: number;
  /** Tried in order when this target has no healthy instance. */
  failover: TargetRef[];
}
export interface TargetRef { target: string; label: string; }
export interface RouteRow { match: string; destination: string; catch_all: boolean; details: string[]; targets: TargetShare[]; origin: Origin | null; }
export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  label: string;
  detail: string;
  title: string;
  /** Index into ChainGraph.columns. */
  column: number;
  row: number;
  /** Reached only as a failover target. */
  failover_only: boolean;
  /** For a router: how many outgoing route edges (ports) it has. */
  ports: number;
  origin: Origin | null;
}
export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Short: "#1", "#2 #3" (route-table numbers), "90%", "failover 1". */
  label: string;
  /** Long, for a tooltip. */
  title: string;
  /** For route edges: the router port (0-based) it leaves from. */
  port: number | null;
}
export interface ChainGraph { columns: GraphNodeKind[]; rows: number; nodes: GraphNode[]; edges: GraphEdge[]; }
export interface ChainView {
  service: string;
  namespace: string;
  partition: string;
  datacenter: string;
  protocol: Protocol;
  protocol_source: string;
  /** Consul's default chain: no router or splitter. */
  default: boolean;
  routes: RouteRow[];
  graph: ChainGraph;
}
export interface RoutesView { chains: ChainView[]; }

/** The compiled plan as `meshgate plan` prints it, or why it is withheld. */
export interface PlanView { version: number; json: string | null; withheld: string | null; }
"##;

/// A loaded, validated and compiled set of files (`Workspace` in JavaScript).
#[wasm_bindgen(js_name = Workspace)]
pub struct PlannerWorkspace {
    analysis: Analysis,
}

#[wasm_bindgen(js_class = Workspace)]
impl PlannerWorkspace {
    /// Loads `{files: [{name, text}], settings?}`. Throws only when the argument has the wrong
    /// shape; configuration problems are [`diagnostics`](Self::diagnostics).
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "WorkspaceInput")] input: JsValue) -> Result<Self, JsError> {
        let input: WorkspaceInput = from_js(input, "new Workspace(input)")?;
        Ok(PlannerWorkspace { analysis: Analysis::new(input) })
    }

    /// Every problem found, with UTF-16 positions for the editor.
    #[wasm_bindgen(unchecked_return_type = "DiagnosticsView")]
    pub fn diagnostics(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.diagnostics())
    }

    /// The ranked intentions and the source × destination matrix.
    #[wasm_bindgen(unchecked_return_type = "IntentionsView")]
    pub fn intentions(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.intentions())
    }

    /// Every connect proxy's upstreams: target, SNI, mesh gateway mode and its level, what is dialled.
    #[wasm_bindgen(unchecked_return_type = "UpstreamsView")]
    pub fn upstreams(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.upstreams())
    }

    /// Every discovery chain: its route table (match → weighted targets, failover) and its graph.
    #[wasm_bindgen(unchecked_return_type = "RoutesView")]
    pub fn routes(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.routes())
    }

    /// Decides one request, with the trace of every intention considered. Throws when the request
    /// cannot be asked (no source or destination, a header without `:`).
    #[wasm_bindgen(unchecked_return_type = "SimulateView")]
    pub fn simulate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SimulateRequest")] request: JsValue,
    ) -> Result<JsValue, JsError> {
        let request: SimulateRequest = from_js(request, "simulate(request)")?;
        let view = self.analysis.simulate(&request).map_err(|e| JsError::new(&e))?;
        to_js(&view)
    }

    /// The compiled plan as pretty JSON (exactly `meshgate plan`'s output), or why it is withheld.
    #[wasm_bindgen(unchecked_return_type = "PlanView")]
    pub fn plan(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.plan())
    }
}

/// The version of this crate (and of the meshgate workspace), e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not hand the view to JavaScript: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_is_the_crate_version() {
        let version = super::version();
        assert_eq!(version, env!("CARGO_PKG_VERSION"));
        assert_eq!(version.split('.').count(), 3, "not MAJOR.MINOR.PATCH: {version}");
    }
}
