// The worker client: the planner runs in a Web Worker; this sends it requests and hands each
// answer on. At most one load is in flight: changes made meanwhile wait, and only the latest is
// sent when it returns (typing never queues up stale plans). Answers that belong to an older load
// are dropped.
import { app, envoyRequest, shared } from "./app";
import { toWorkspaceInput } from "./state";
import { setBusy } from "./ui";
import type {
  ConvertRequest,
  ConvertView,
  EnvoyRequest,
  EnvoyView,
  FromWorker,
  GatewayPlanView,
  ListQuery,
  ListSlice,
  MatrixQuery,
  MatrixSlice,
  SimulateRequest,
  SimulateView,
  ToWorker,
  ViewKey,
  Views,
} from "./api";

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

type Distribute<T> = T extends unknown ? Omit<T, "id"> : never;
type Request = Distribute<ToWorker>;

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let seq = 0;
/** The latest load sent, and whether its answer is still to come. */
let latestLoad = 0;
let loadInFlight = false;
/** A load asked for while another was in flight: sent when that one returns. */
let loadWanted = false;
let latestSimulation = 0;
let latestGatewayPlan = 0;
let latestEnvoy = 0;
/** The Envoy request (as JSON) sent with the latest load, and with the latest envoy message. */
let loadEnvoyFor = "";
let pendingEnvoyFor = "";
/** The texts the latest load sent, by file id: squiggles apply only while the text is unchanged. */
let sentTexts = new Map<number, string>();
/** When the first edit not yet sent happened, and the same for the load in flight (for the
 * mg:edit-to-view measure: from a keystroke to the views showing it). */
let editAt: number | null = null;
let loadEditAt: number | null = null;

/** Requests waiting for their answer (views, matrix and list windows), with the load they are for. */
const waiting = new Map<number, { load: number; resolve: (value: unknown) => void; reject: (error: Error) => void }>();

/** Conversions waiting for their answer: they read one file, so no load makes them stale. */
const converting = new Map<number, { resolve: (value: ConvertView) => void; reject: (error: Error) => void }>();

function send(request: Request): number {
  const id = ++seq;
  worker.postMessage({ ...request, id } as ToWorker);
  return id;
}

function updateBusy(): void {
  setBusy(loadInFlight || loadWanted || waiting.size > 0 || converting.size > 0);
}

/** Asks the worker about the loaded workspace; resolves to null when a newer load made it stale. */
function ask<T>(request: Request): Promise<T | null> {
  const id = send(request);
  return new Promise<T | null>((resolve, reject) => {
    waiting.set(id, { load: latestLoad, resolve: resolve as (value: unknown) => void, reject });
    updateBusy();
  }).finally(updateBusy);
}

function answer(id: number, result: unknown, error?: string): boolean {
  const w = waiting.get(id);
  if (!w) return false;
  waiting.delete(id);
  if (w.load !== latestLoad || loadInFlight) w.resolve(null);
  else if (error !== undefined) w.reject(new Error(error));
  else w.resolve(result);
  return true;
}

export function connect(handlers: PlannerEvents): void {
  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    switch (m.kind) {
      case "ready":
        handlers.ready(m.version);
        return;
      case "fatal":
        handlers.fatal(m.message);
        return;
      case "loaded":
        if (m.id !== latestLoad) return;
        loadInFlight = false;
        if (loadWanted) {
          // Changes came meanwhile: show this answer, and plan the latest files right away.
          loadNow();
        }
        app.views = m.views;
        app.gatewayPlan = m.views.gatewayPlan;
        app.envoyView = m.views.envoy;
        app.envoyFor = m.views.envoy ? loadEnvoyFor : "";
        updateBusy();
        handlers.loaded(m.views, m.ms);
        if (loadEditAt !== null && !loadInFlight) {
          performance.measure("mg:edit-to-view", { start: loadEditAt, end: performance.now() });
          loadEditAt = null;
        }
        return;
      case "views":
      case "matrix":
      case "intention-list":
        answer(m.id, m.kind === "views" ? m.views : m.result);
        return;
      case "converted":
        converting.get(m.id)?.resolve(m.result);
        converting.delete(m.id);
        updateBusy();
        return;
      case "simulated":
        if (m.id === latestSimulation) handlers.simulated(m.result);
        return;
      case "gateway-plan":
        if (m.id !== latestGatewayPlan) return;
        app.gatewayPlan = m.result;
        handlers.gatewayPlan(m.result);
        return;
      case "envoy":
        if (m.id !== latestEnvoy) return;
        app.envoyView = m.result;
        app.envoyFor = pendingEnvoyFor;
        handlers.envoy(m.result);
        return;
      case "error":
        if (answer(m.id, null, m.message)) return;
        if (converting.has(m.id)) {
          converting.get(m.id)?.reject(new Error(m.message));
          converting.delete(m.id);
          updateBusy();
          return;
        }
        if (m.id === latestSimulation) handlers.simulateFailed(m.message);
        else if (m.id === latestGatewayPlan || m.id === latestEnvoy) handlers.failed(m.message);
        else if (m.id === latestLoad) {
          loadInFlight = false;
          updateBusy();
          handlers.failed(m.message);
        }
        return;
    }
  };
  worker.onerror = (event) => handlers.fatal(`the planner worker failed: ${event.message || "unknown error"}`);
}

let loadTimer: ReturnType<typeof setTimeout> | undefined;
/** Plans the files a moment after the last change (typing bursts make one load). */
export function scheduleLoad(delay = 40): void {
  clearTimeout(loadTimer);
  loadWanted = true;
  updateBusy();
  loadTimer = setTimeout(loadNow, delay);
}

/** What the load computes besides what every view needs: the shown view's data. */
function wanted(): ViewKey[] {
  switch (app.view) {
    case "routes":
      return ["routes"];
    case "intentions":
      return ["intentions"];
    case "simulate":
      return ["names"];
    case "plan":
      return app.planGateway === null ? ["plan"] : [];
    default:
      return [];
  }
}

export function loadNow(): void {
  clearTimeout(loadTimer);
  if (loadInFlight) {
    // Sent when the load in flight returns.
    loadWanted = true;
    updateBusy();
    return;
  }
  loadWanted = false;
  loadInFlight = true;
  // Timed from the oldest edit not yet shown.
  loadEditAt ??= editAt;
  editAt = null;
  sentTexts = new Map(app.files.map((f) => [f.id, f.text]));
  // The bootstrap is computed only while its view is shown (and when it is opened).
  const envoy = app.view === "envoy" ? envoyRequest() : null;
  loadEnvoyFor = envoy ? JSON.stringify(envoy) : "";
  latestLoad = send({ kind: "load", input: toWorkspaceInput(shared()), want: wanted(), gatewayPlan: app.planGateway, envoy });
  updateBusy();
}

/** The user changed something: the time counts from here until the views show it. */
export function noteEdit(): void {
  editAt ??= performance.now();
}

/** The text of file `id` that the latest load sent (undefined: not sent). */
export function sentText(id: number): string | undefined {
  return sentTexts.get(id);
}

/** Views of the loaded workspace that the load did not compute. */
export function requestViews(want: ViewKey[]): Promise<Partial<Views> | null> {
  return ask<Partial<Views>>({ kind: "views", want });
}

export function requestMatrix(query: MatrixQuery): Promise<MatrixSlice | null> {
  return ask<MatrixSlice>({ kind: "matrix", query });
}

export function requestIntentionList(query: ListQuery): Promise<ListSlice | null> {
  return ask<ListSlice>({ kind: "intention-list", query });
}

export function requestGatewayPlan(gateway: string): void {
  latestGatewayPlan = send({ kind: "gateway-plan", gateway });
}

/** Whether a bootstrap for this request (as JSON) is already asked for. */
export function envoyAsked(wanted: string): boolean {
  return pendingEnvoyFor === wanted && latestEnvoy !== 0;
}

export function requestEnvoy(request: EnvoyRequest): void {
  pendingEnvoyFor = JSON.stringify(request);
  latestEnvoy = send({ kind: "envoy", request });
}

export function simulate(request: SimulateRequest): void {
  app.lastSimulation = request;
  latestSimulation = send({ kind: "simulate", request });
}

/** One file's entries (or the one named) in another form: `{text}`, or `{error}` saying why not. */
export function requestConvert(request: ConvertRequest): Promise<ConvertView> {
  const id = send({ kind: "convert", request });
  return new Promise<ConvertView>((resolve, reject) => {
    converting.set(id, { resolve, reject });
    updateBusy();
  });
}
