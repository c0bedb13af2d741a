// The planner's types, as wasm-bindgen declares them (planner-wasm's typescript_custom_section),
// and the messages between the page and the worker that runs the planner.
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
  DiagnosticView,
  DiagnosticsView,
  Endpoint,
  IntentionRow,
  IntentionsView,
  Mode,
  PlanView,
  ProxyUpstreams,
  SettingsInput,
  SimulateRequest,
  SimulateView,
  TraceStep,
  UpstreamResolution,
  UpstreamsView,
  WorkspaceInput,
} from "../dist/pkg/meshgate_planner_wasm.js";

import type {
  DiagnosticsView,
  IntentionsView,
  PlanView,
  RoutesView,
  SimulateRequest,
  SimulateView,
  UpstreamsView,
  WorkspaceInput,
} from "../dist/pkg/meshgate_planner_wasm.js";

/** Every view of one workspace, computed in one go by the worker. */
export interface Views {
  diagnostics: DiagnosticsView;
  routes: RoutesView;
  intentions: IntentionsView;
  upstreams: UpstreamsView;
  plan: PlanView;
}

export type ToWorker =
  | { id: number; kind: "load"; input: WorkspaceInput }
  | { id: number; kind: "simulate"; request: SimulateRequest };

export type FromWorker =
  | { kind: "ready"; version: string; ms: number }
  | { kind: "fatal"; message: string }
  | { id: number; kind: "loaded"; views: Views; ms: number }
  | { id: number; kind: "simulated"; result: SimulateView }
  | { id: number; kind: "error"; message: string };
