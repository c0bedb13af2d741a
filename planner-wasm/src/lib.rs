//! meshgate-planner-wasm: the wasm-bindgen facade over meshgate-core that the playground page loads.
//!
//! No logic of its own: each method deserializes its argument, calls [`meshgate_core::views`] — the
//! same core the CLI and the filter use — and hands the result to JavaScript as a plain object
//! (maps become objects, `None` becomes `null`). Arguments are read with serde-wasm-bindgen;
//! results are written with serde_json and `JSON.parse`d (the plan and GatewayPlan already need
//! serde_json's writer, so this costs less wasm than a second serializer). Bad input (not the
//! shape the declarations below describe) throws a JS `Error`; problems in the user's
//! configuration are not errors but diagnostics.
//!
//! ```js
//! import init, { Workspace } from "./pkg/meshgate_planner_wasm.js";
//! await init();
//! const ws = new Workspace({ files: [{ name: "a.hcl", text }], settings: { datacenter: "dc1" } });
//! ws.diagnostics();   // DiagnosticsView
//! ws.simulate({ source: "web", destination: "billing", method: "GET", path: "/admin" });
//! ws.gateways();      // GatewaysView: every gateway's route table
//! ws.gatewayPlan("ingress-gateway");  // GatewayPlanView: the JSON its filter receives
//! ws.envoy({ gateway: "ingress-gateway" }); // EnvoyView: its Envoy bootstrap
//! ws.free();
//! ```
//!
//! Build: `cargo build -p meshgate-planner-wasm --target wasm32-unknown-unknown --profile
//! web-release`, then `wasm-bindgen --target web` (`web/build.sh` does both).

use meshgate_core::views::{Analysis, EnvoyRequest, SimulateRequest, WorkspaceInput};
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
  /** Decide at the destination itself, without routing through its discovery chain. */
  no_route?: boolean;
}
export type PathRejection = "not-origin-form" | "bad-percent-encoding" | "escaped-slash" | "backslash" | "control-character" | "not-text";
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
  /** The service whose intentions decided. */
  decided_at: string;
  /** Why the question was answered differently from how it was asked (tcp: L4). */
  note: string | null;
  /** The hop through the destination's discovery chain, when it routed or rewrote the request. */
  route: RouteHop | null;
  /** Every target the route sends traffic to (empty when the destination itself decides). */
  legs: Leg[];
}
export interface RouteHop { description: string; origin: Origin | null; rewritten_path: string | null; }
export interface Leg {
  service: string;
  /** Percent of the route's traffic. */
  weight: number;
  allowed: boolean;
  effect: Effect;
  explanation: string;
  intention: IntentionRef | null;
  /** A peer's service: its own cluster decides. */
  decided_elsewhere: string | null;
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

export type GatewayKind = "mesh-gateway" | "terminating-gateway" | "ingress-gateway" | "api-gateway";
/** Every registered gateway's route table. Names ending or starting with the trust domain have a `_short` twin writing it `<td>`. */
export interface GatewaysView {
  trust_domain: string;
  /** What decides where no intention applies, e.g. "no intention applies: the default policy (deny) decides". */
  no_intention: string;
  gateways: GatewayView[];
}
export interface GatewayView {
  /** Unique among the gateways: what the picker, the Plan view and `meshgate plan --gateway` select. */
  key: string;
  name: string;
  kind: GatewayKind;
  /** "mesh gateway", "terminating gateway", "ingress gateway", "API gateway". */
  kind_title: string;
  datacenter: string;
  partition: string;
  namespace: string;
  /** address:port of the registration. */
  listener: string;
  spiffe_id: string;
  /** For a picker: "mesh-gateway-dc1 · mesh gateway · dc1". */
  label: string;
  /** "mesh gateway in dc1, on 10.0.1.10:8443". */
  summary: string;
  origin: Origin;
  table: GatewayTable;
  /** What happens to traffic no row matches. */
  fallback: string | null;
  /** Ingress and API gateways: the intentions with the gateway as source. null for mesh gateways (never decrypt) and terminating gateways (per row). */
  intentions: GatewayIntentions | null;
  notes: string[];
}
export type GatewayTable =
  | { kind: "mesh-gateway"; routes: MeshRow[] }
  | { kind: "terminating-gateway"; services: LinkedRow[] }
  | { kind: "ingress-gateway"; listeners: ListenerView[] }
  | { kind: "api-gateway"; listeners: ListenerView[] };
/** One SNI row of a mesh gateway: exact names first, then wildcard names. */
export interface MeshRow {
  sni: string;
  sni_short: string;
  /** "suffix": a wildcard *.X name. */
  match: "exact" | "suffix";
  destination_kind: "local-service" | "exported-service" | "remote-gateways";
  destination: string;
  /** Consumers in other partitions dialling this name ("partition:<name>"). */
  exported_to: string[];
  cluster: string;
  cluster_short: string;
  /** The cluster is named by the SNI. */
  cluster_is_sni: boolean;
  note: string | null;
  origin: Origin;
}
export type TlsMode = "none" | "one-way" | "mutual";
/** A terminating gateway's linked service: service → SNI → external address → TLS origination. */
export interface LinkedRow {
  service: string;
  sni: string;
  sni_short: string;
  /** address:port of each registration in the gateway's datacenter. */
  endpoints: string[];
  tls_mode: TlsMode;
  /** "none", "tls (ca.pem, sni api.example.com)", "mtls (…)". */
  tls: string;
  /** The SPIFFE ID the gateway presents for this SNI. */
  identity: string;
  identity_short: string;
  protocol: Protocol;
  details: string[];
  /** Ranked: the first that matches decides. */
  intentions: GatewayIntention[];
  notes: string[];
  origin: Origin;
}
export interface ListenerView {
  /** "listener 8080 http", "listener public: port 8080 http, hostname *.example.com". */
  title: string;
  /** API gateways' listener name; "" for ingress gateways. */
  name: string;
  port: number;
  protocol: Protocol;
  /** API gateways' listener host name; "" for ingress gateways. */
  hostname: string;
  tls: boolean;
  hosts: HostView[];
  tcp: TcpView[];
  /** Why nothing is routed, when nothing is. */
  empty: string | null;
  origin: Origin;
}
export interface HostView {
  domains: string[];
  /** The ingress service these hosts expose. */
  service: string | null;
  /** Header changes for every route of the host. */
  filters: string[];
  /** In order: the first that matches wins. */
  routes: HttpRouteView[];
  origin: Origin;
}
export interface HttpRouteView {
  /** "prefix /", "exact /checkout". */
  path: string;
  /** Every other test: "header x-session present", "method POST". */
  conditions: string[];
  targets: TargetView[];
  /** When there is no target: what the gateway answers. */
  no_target: string | null;
  filters: string[];
  origin: Origin;
}
export interface TargetView {
  /** The Envoy cluster (target id). */
  cluster: string;
  /** "v1.api", "api @dc2". */
  label: string;
  /** Percent of the route's traffic, to 0.01. */
  weight: number;
  sni: string;
  filters: string[];
}
export interface TcpView { what: string; service: string; targets: TargetView[]; origin: Origin; }
export interface GatewayIntentions { title: string; rows: GatewayIntention[]; }
export interface GatewayIntention { rank: number; label: string; action: string; precedence: number; origin: Origin; }
/** One gateway's GatewayPlan — exactly what `meshgate plan --gateway KEY` prints and the filter receives — or why it is withheld. */
export interface GatewayPlanView {
  gateway: string;
  version: number;
  json: string | null;
  /** The content hash of the canonical JSON, 16 hex digits (what the filter logs). */
  hash: string | null;
  /** "gatewayplan-<key>.json". */
  file_name: string;
  withheld: string | null;
}

/** What the Envoy view asks for; empty or missing fields take the defaults (/etc/meshgate/filter.wasm, admin port 19000, /etc/meshgate/certs). */
export interface EnvoyRequest { gateway: string; wasm?: string; admin_port?: string; cert_dir?: string; }
/** One gateway's Envoy bootstrap — exactly what `meshgate envoy --gateway KEY` writes, the GatewayPlan inline — or why it is withheld. */
export interface EnvoyView {
  gateway: string;
  /** The options used, defaults filled in. */
  wasm: string;
  admin_port: number;
  cert_dir: string;
  /** The CLI command that writes the same bootstrap. */
  command: string;
  /** Pretty JSON (Envoy reads it as YAML too). */
  bootstrap: string | null;
  /** "envoy-<key>.json". */
  file_name: string;
  /** What the bootstrap does not configure. */
  notes: string[];
  withheld: string | null;
}
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

    /// Every registered gateway's route table (mesh: SNI rows; terminating: linked services;
    /// ingress and API: listeners → hosts → matches → weighted targets).
    #[wasm_bindgen(unchecked_return_type = "GatewaysView")]
    pub fn gateways(&self) -> Result<JsValue, JsError> {
        to_js(&self.analysis.gateways())
    }

    /// The GatewayPlan of one gateway (by key) as pretty JSON — what the filter receives — or
    /// why it is withheld (errors in the configuration, no such gateway).
    #[wasm_bindgen(js_name = gatewayPlan, unchecked_return_type = "GatewayPlanView")]
    pub fn gateway_plan(&self, key: &str) -> Result<JsValue, JsError> {
        to_js(&self.analysis.gateway_plan(key))
    }

    /// The Envoy bootstrap for one gateway (`meshgate envoy`'s output), or why it is withheld.
    /// Throws only when the request has the wrong shape.
    #[wasm_bindgen(unchecked_return_type = "EnvoyView")]
    pub fn envoy(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EnvoyRequest")] request: JsValue,
    ) -> Result<JsValue, JsError> {
        let request: EnvoyRequest = from_js(request, "envoy(request)")?;
        to_js(&self.analysis.envoy(&request))
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

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
}

/// The view as a plain JavaScript object, through JSON text. Pretty, not compact: the whole plan
/// is printed pretty already, so the writer's code for the types both contain is shared.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| JsError::new(&format!("could not hand the view to JavaScript: {e}")))?;
    json_parse(&text).map_err(|_| JsError::new("could not hand the view to JavaScript"))
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
