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
  IntentionNames,
  IntentionRow,
  IntentionsSummary,
  Leg,
  ListQuery,
  ListSlice,
  MatrixQuery,
  MatrixSlice,
  Mode,
  Pair,
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
  ConvertRequest,
  ConvertView,
  DiagnosticsView,
  EnvoyRequest,
  EnvoyView,
  GatewayPlanView,
  GatewaysView,
  IntentionNames,
  IntentionsSummary,
  ListQuery,
  ListSlice,
  MatrixQuery,
  MatrixSlice,
  PlanView,
  RoutesView,
  SimulateRequest,
  SimulateView,
  UpstreamsView,
  WorkspaceInput,
} from "../dist/pkg/meshgate_planner_wasm.js";

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
  names?: IntentionNames;
  /** The GatewayPlan of the gateway the load asked for (the Plan view's choice), else null. */
  gatewayPlan: GatewayPlanView | null;
  /** The Envoy bootstrap the load asked for (while the Envoy view is shown), else null. */
  envoy: EnvoyView | null;
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
