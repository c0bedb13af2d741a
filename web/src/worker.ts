// The planner runs here, off the page's main thread, so typing never waits for it. A load computes
// what every view needs up front plus the views asked for (the one shown); the others, and windows
// of the big ones (the intention matrix and list), are asked for later and answered from the same
// loaded workspace.
import init, { Workspace, convert, version } from "../dist/pkg/meshgate_planner_wasm.js";
import type { FromWorker, ToWorker, ViewKey, Views } from "./api";

interface Scope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}
const scope = self as unknown as Scope;

let workspace: Workspace | null = null;

const started = performance.now();
const ready = init({ module_or_path: new URL("./pkg/meshgate_planner_wasm_bg.wasm", import.meta.url) }).then(
  () => {
    scope.postMessage({ kind: "ready", version: version(), ms: performance.now() - started });
    return true;
  },
  (error: unknown) => {
    scope.postMessage({ kind: "fatal", message: `the planner could not start: ${describe(error)}` });
    return false;
  },
);

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function views(ws: Workspace, want: ViewKey[]): Partial<Views> {
  const out: Partial<Views> = {};
  for (const key of want) {
    if (key === "routes") out.routes = ws.routes();
    else if (key === "plan") out.plan = ws.plan();
    // The intentions view itself comes in windows (matrix, intention-list): megabytes, whole.
    else if (key === "intentions") out.intentions = ws.intentionsSummary();
    else if (key === "names") out.names = ws.intentionNames();
  }
  return out;
}

function handle(message: ToWorker): FromWorker {
  try {
    if (message.kind === "load") {
      const t0 = performance.now();
      workspace?.free();
      workspace = null;
      workspace = new Workspace(message.input);
      const result: Views = {
        diagnostics: workspace.diagnostics(),
        gateways: workspace.gateways(),
        upstreams: workspace.upstreams(),
        ...views(workspace, message.want),
        gatewayPlan: message.gatewayPlan === null ? null : workspace.gatewayPlan(message.gatewayPlan),
        envoy: message.envoy === null ? null : workspace.envoy(message.envoy),
      };
      return { id: message.id, kind: "loaded", views: result, ms: performance.now() - t0 };
    }
    // Conversion reads one file on its own: it needs no loaded workspace.
    if (message.kind === "convert") return { id: message.id, kind: "converted", result: convert(message.request) };
    if (!workspace) return { id: message.id, kind: "error", message: "no workspace is loaded yet" };
    switch (message.kind) {
      case "views":
        return { id: message.id, kind: "views", views: views(workspace, message.want) };
      case "matrix":
        return { id: message.id, kind: "matrix", result: workspace.matrix(message.query) };
      case "intention-list":
        return { id: message.id, kind: "intention-list", result: workspace.intentionList(message.query) };
      case "gateway-plan":
        return { id: message.id, kind: "gateway-plan", result: workspace.gatewayPlan(message.gateway) };
      case "envoy":
        return { id: message.id, kind: "envoy", result: workspace.envoy(message.request) };
      case "simulate":
        return { id: message.id, kind: "simulated", result: workspace.simulate(message.request) };
    }
  } catch (error) {
    return { id: message.id, kind: "error", message: describe(error) };
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  // Messages are handled in the order they came: a simulate after a load sees that load.
  void ready.then((ok) => {
    if (ok) scope.postMessage(handle(message));
  });
};
