// The worker client: the planner runs in a Web Worker; this sends it requests and hands each
// answer on, dropping answers that a newer request of the same kind has made stale.
import { app, envoyRequest, shared } from "./app";
import { toWorkspaceInput } from "./state";
import { setBusy } from "./ui";
import type { EnvoyRequest, EnvoyView, FromWorker, GatewayPlanView, SimulateRequest, SimulateView, ToWorker, Views } from "./api";

/** What the page does with the worker's answers (set once by main). */
export interface PlannerEvents {
  ready(version: string): void;
  fatal(message: string): void;
  loaded(views: Views, ms: number): void;
  simulated(result: SimulateView): void;
  simulateFailed(message: string): void;
  gatewayPlan(result: GatewayPlanView): void;
  envoy(result: EnvoyView): void;
  failed(message: string): void;
}

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let seq = 0;
let latestLoad = 0;
let latestSimulation = 0;
let latestGatewayPlan = 0;
let latestEnvoy = 0;
/** The Envoy request (as JSON) sent with the latest load, and with the latest envoy message. */
let loadEnvoyFor = "";
let pendingEnvoyFor = "";
/** The texts the latest load sent, by file id: squiggles apply only while the text is unchanged. */
let sentTexts = new Map<number, string>();

function send(message: ToWorker): void {
  worker.postMessage(message);
}

export function connect(events: PlannerEvents): void {
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    switch (m.kind) {
      case "ready":
        events.ready(m.version);
        return;
      case "fatal":
        events.fatal(m.message);
        return;
      case "loaded":
        if (m.id !== latestLoad) return;
        app.views = m.views;
        app.gatewayPlan = m.views.gatewayPlan;
        app.envoyView = m.views.envoy;
        app.envoyFor = m.views.envoy ? loadEnvoyFor : "";
        events.loaded(m.views, m.ms);
        return;
      case "simulated":
        if (m.id === latestSimulation) events.simulated(m.result);
        return;
      case "gateway-plan":
        if (m.id !== latestGatewayPlan) return;
        app.gatewayPlan = m.result;
        events.gatewayPlan(m.result);
        return;
      case "envoy":
        if (m.id !== latestEnvoy) return;
        app.envoyView = m.result;
        app.envoyFor = pendingEnvoyFor;
        events.envoy(m.result);
        return;
      case "error":
        if (m.id === latestSimulation) events.simulateFailed(m.message);
        else if (m.id === latestGatewayPlan || m.id === latestEnvoy) events.failed(m.message);
        else if (m.id === latestLoad) events.failed(m.message);
        return;
    }
  };
  worker.onerror = (event) => events.fatal(`the planner worker failed: ${event.message || "unknown error"}`);
}

let loadTimer: ReturnType<typeof setTimeout> | undefined;
export function scheduleLoad(delay = 200): void {
  clearTimeout(loadTimer);
  loadTimer = setTimeout(loadNow, delay);
}

export function loadNow(): void {
  clearTimeout(loadTimer);
  latestLoad = ++seq;
  sentTexts = new Map(app.files.map((f) => [f.id, f.text]));
  // The bootstrap is computed only while its view is shown (and when it is opened).
  const envoy = app.view === "envoy" ? envoyRequest() : null;
  loadEnvoyFor = envoy ? JSON.stringify(envoy) : "";
  send({ id: latestLoad, kind: "load", input: toWorkspaceInput(shared()), gatewayPlan: app.planGateway, envoy });
  setBusy(true);
}

/** The text of file `id` that the latest load sent (undefined: not sent). */
export function sentText(id: number): string | undefined {
  return sentTexts.get(id);
}

export function requestGatewayPlan(gateway: string): void {
  latestGatewayPlan = ++seq;
  send({ id: latestGatewayPlan, kind: "gateway-plan", gateway });
}

/** Whether a bootstrap for this request (as JSON) is already asked for. */
export function envoyAsked(wanted: string): boolean {
  return pendingEnvoyFor === wanted && latestEnvoy !== 0;
}

export function requestEnvoy(request: EnvoyRequest): void {
  latestEnvoy = ++seq;
  pendingEnvoyFor = JSON.stringify(request);
  send({ id: latestEnvoy, kind: "envoy", request });
}

export function simulate(request: SimulateRequest): void {
  app.lastSimulation = request;
  latestSimulation = ++seq;
  send({ id: latestSimulation, kind: "simulate", request });
}
