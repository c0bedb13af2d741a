// The planner's types, as wasm-bindgen declares them (planner-wasm/src/types.ts, generated from
// the Rust view types by ts-rs), and the messages between the page and the worker that runs the
// planner.
export type {
  Action,
  Cell,
  ChainGraph,
  ChainView,
  GraphEdge,
  GraphNode,
  RouteRow,
  RoutesView,
  TargetShare,
  CellVerdict,
  ConvertRequest,
  ConvertView,
  DiagnosticView,
  DiagnosticsView,
  DialedTarget,
  DialView,
  Effect,
  Endpoint,
  EnvoyRequest,
  EnvoyView,
  ForwardView,
  GatewayIntention,
  GatewayIntentions,
  GatewayPlanView,
  GatewaysView,
  GatewayTable,
  GatewayView,
  HostView,
  HttpRouteView,
  LinkedRow,
  ListenerView,
  MeshRow,
  TargetView,
  TcpView,
  IntentionRow,
  IntentionsView,
  Leg,
  Mode,
  PlanView,
  ProxyView,
  RouteHop,
  SettingsInput,
  SimulateRequest,
  SimulateView,
  TraceStep,
  UpstreamListenerView,
  UpstreamResolution,
  UpstreamsView,
  UpstreamView,
  Via,
  WorkspaceInput,
} from "../dist/pkg/meshgate_planner_wasm.js";

import type {
  Cell,
  ConvertRequest,
  ConvertView,
  DiagnosticsView,
  Endpoint,
  EnvoyRequest,
  EnvoyView,
  GatewayPlanView,
  GatewaysView,
  IntentionRow,
  IntentionsView,
  PlanView,
  RoutesView,
  SimulateRequest,
  SimulateView,
  UpstreamsView,
  WorkspaceInput,
} from "../dist/pkg/meshgate_planner_wasm.js";

/** What the intentions view needs up front; the matrix and the list come in windows. */
export interface IntentionsSummary {
  default_policy: IntentionsView["default_policy"];
  mode: IntentionsView["mode"];
  /** How many intentions, sources and destinations (the matrix's rows and columns). */
  intentions: number;
  sources: number;
  destinations: number;
}

/** The names Simulate suggests. */
export interface Names {
  sources: string[];
  destinations: string[];
}

/** The views the worker computes only when asked (the one shown asks). */
export type ViewKey = "routes" | "intentions" | "plan" | "names";

/** The views of one workspace: the first three always, the others when asked. */
export interface Views {
  diagnostics: DiagnosticsView;
  gateways: GatewaysView;
  upstreams: UpstreamsView;
  routes?: RoutesView;
  intentions?: IntentionsSummary;
  plan?: PlanView;
  names?: Names;
  /** The GatewayPlan of the gateway the load asked for (the Plan view's choice), else null. */
  gatewayPlan: GatewayPlanView | null;
  /** The Envoy bootstrap the load asked for (while the Envoy view is shown), else null. */
  envoy: EnvoyView | null;
}

/** A window of the matrix: sources and destinations filtered by substring. */
export interface MatrixQuery {
  source: string;
  destination: string;
  /** For the list form: the first pair and how many. */
  start: number;
  count: number;
}

/** Above this many cells (after filtering) the matrix becomes a list of the pairs an intention decides. */
export const MATRIX_LIMIT = 40 * 40;

export interface Pair {
  /** Row and column in the full matrix. */
  s: number;
  d: number;
  source: Endpoint;
  destination: Endpoint;
  cell: Cell;
}

export type MatrixSlice =
  | { kind: "table"; sources: Endpoint[]; destinations: Endpoint[]; cells: Cell[][]; all_sources: number; all_destinations: number }
  | { kind: "list"; sources: number; destinations: number; all_sources: number; all_destinations: number; total: number; start: number; pairs: Pair[] };

/** A window of the ranked list, filtered by substring of the label. */
export interface ListQuery {
  filter: string;
  start: number;
  count: number;
}

export interface ListSlice {
  total: number;
  start: number;
  rows: IntentionRow[];
}

export type ToWorker =
  | { id: number; kind: "load"; input: WorkspaceInput; want: ViewKey[]; gatewayPlan: string | null; envoy: EnvoyRequest | null }
  | { id: number; kind: "views"; want: ViewKey[] }
  | { id: number; kind: "matrix"; query: MatrixQuery }
  | { id: number; kind: "intention-list"; query: ListQuery }
  | { id: number; kind: "simulate"; request: SimulateRequest }
  | { id: number; kind: "gateway-plan"; gateway: string }
  | { id: number; kind: "envoy"; request: EnvoyRequest }
  | { id: number; kind: "convert"; request: ConvertRequest };

export type FromWorker =
  | { kind: "ready"; version: string; ms: number }
  | { kind: "fatal"; message: string }
  | { id: number; kind: "loaded"; views: Views; ms: number }
  | { id: number; kind: "views"; views: Partial<Views> }
  | { id: number; kind: "matrix"; result: MatrixSlice }
  | { id: number; kind: "intention-list"; result: ListSlice }
  | { id: number; kind: "simulated"; result: SimulateView }
  | { id: number; kind: "gateway-plan"; result: GatewayPlanView }
  | { id: number; kind: "envoy"; result: EnvoyView }
  | { id: number; kind: "converted"; result: ConvertView }
  | { id: number; kind: "error"; message: string };
