// The planner runs here, off the page's main thread, so typing never waits for it.
import init, { Workspace, version } from "../dist/pkg/meshgate_planner_wasm.js";
import type { FromWorker, ToWorker } from "./api";

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

function handle(message: ToWorker): FromWorker {
  try {
    if (message.kind === "load") {
      const t0 = performance.now();
      workspace?.free();
      workspace = null;
      workspace = new Workspace(message.input);
      const views = {
        diagnostics: workspace.diagnostics(),
        routes: workspace.routes(),
        gateways: workspace.gateways(),
        intentions: workspace.intentions(),
        upstreams: workspace.upstreams(),
        plan: workspace.plan(),
        gatewayPlan: message.gatewayPlan === null ? null : workspace.gatewayPlan(message.gatewayPlan),
        envoy: message.envoy === null ? null : workspace.envoy(message.envoy),
      };
      return { id: message.id, kind: "loaded", views, ms: performance.now() - t0 };
    }
    if (!workspace) return { id: message.id, kind: "error", message: "no workspace is loaded yet" };
    if (message.kind === "gateway-plan") {
      return { id: message.id, kind: "gateway-plan", result: workspace.gatewayPlan(message.gateway) };
    }
    if (message.kind === "envoy") {
      return { id: message.id, kind: "envoy", result: workspace.envoy(message.request) };
    }
    return { id: message.id, kind: "simulated", result: workspace.simulate(message.request) };
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
