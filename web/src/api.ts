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
  EnvoyRequest,
  EnvoyView,
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
  EnvoyRequest,
  EnvoyView,
  GatewayPlanView,
  GatewaysView,
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
  gateways: GatewaysView;
  intentions: IntentionsView;
  upstreams: UpstreamsView;
  plan: PlanView;
  /** The GatewayPlan of the gateway the load asked for (the Plan view's choice), else null. */
  gatewayPlan: GatewayPlanView | null;
  /** The Envoy bootstrap the load asked for (while the Envoy view is shown), else null. */
  envoy: EnvoyView | null;
}

export type ToWorker =
  | { id: number; kind: "load"; input: WorkspaceInput; gatewayPlan: string | null; envoy: EnvoyRequest | null }
  | { id: number; kind: "simulate"; request: SimulateRequest }
  | { id: number; kind: "gateway-plan"; gateway: string }
  | { id: number; kind: "envoy"; request: EnvoyRequest };

export type FromWorker =
  | { kind: "ready"; version: string; ms: number }
  | { kind: "fatal"; message: string }
  | { id: number; kind: "loaded"; views: Views; ms: number }
  | { id: number; kind: "simulated"; result: SimulateView }
  | { id: number; kind: "gateway-plan"; result: GatewayPlanView }
  | { id: number; kind: "envoy"; result: EnvoyView }
  | { id: number; kind: "error"; message: string };
