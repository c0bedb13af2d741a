// The planner runs here, off the page's main thread, so typing never waits for it. A load computes
// what every view needs up front plus the views asked for (the one shown); the others, and windows
// of the big ones (the intention matrix and list), are asked for later and answered from the same
// loaded workspace.
import init, { Workspace, convert, version } from "../dist/pkg/meshgate_planner_wasm.js";
import {
  MATRIX_LIMIT,
  type FromWorker,
  type IntentionsView,
  type ListQuery,
  type ListSlice,
  type MatrixQuery,
  type MatrixSlice,
  type Pair,
  type ToWorker,
  type ViewKey,
  type Views,
} from "./api";

interface Scope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker): void;
}
const scope = self as unknown as Scope;

let workspace: Workspace | null = null;
/** The intentions view of the loaded workspace, computed once (it is the biggest). */
let intentions: IntentionsView | null = null;

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

function intentionsOf(ws: Workspace): IntentionsView {
  intentions ??= ws.intentions();
  return intentions;
}

function views(ws: Workspace, want: ViewKey[]): Partial<Views> {
  const out: Partial<Views> = {};
  for (const key of want) {
    if (key === "routes") out.routes = ws.routes();
    else if (key === "plan") out.plan = ws.plan();
    else if (key === "intentions") {
      const v = intentionsOf(ws);
      out.intentions = {
        default_policy: v.default_policy,
        mode: v.mode,
        intentions: v.intentions.length,
        sources: v.matrix.sources.length,
        destinations: v.matrix.destinations.length,
      };
    } else if (key === "names") {
      const m = intentionsOf(ws).matrix;
      const names = (list: { name: string }[]) => [...new Set(list.map((e) => e.name).filter((n) => n !== "(other)"))];
      out.names = { sources: names(m.sources), destinations: names(m.destinations) };
    }
  }
  return out;
}

const matches = (filter: string) => {
  const f = filter.trim().toLowerCase();
  return (text: string) => !f || text.toLowerCase().includes(f);
};

function matrixSlice(v: IntentionsView, q: MatrixQuery): MatrixSlice {
  const m = v.matrix;
  const src = matches(q.source);
  const dst = matches(q.destination);
  const rows = m.sources.flatMap((e, i) => (src(e.label) ? [i] : []));
  const cols = m.destinations.flatMap((e, i) => (dst(e.label) ? [i] : []));
  const all = { all_sources: m.sources.length, all_destinations: m.destinations.length };
  if (rows.length * cols.length <= MATRIX_LIMIT) {
    return {
      kind: "table",
      sources: rows.map((i) => m.sources[i]),
      destinations: cols.map((j) => m.destinations[j]),
      cells: rows.map((i) => cols.map((j) => m.cells[i][j])),
      ...all,
    };
  }
  // Too many cells to draw: the pairs an intention decides, in matrix order.
  const pairs: Pair[] = [];
  let total = 0;
  const end = q.start + q.count;
  for (const s of rows) {
    for (const d of cols) {
      const cell = m.cells[s][d];
      if (cell.rank === null) continue;
      if (total >= q.start && total < end) pairs.push({ s, d, source: m.sources[s], destination: m.destinations[d], cell });
      total++;
    }
  }
  return { kind: "list", sources: rows.length, destinations: cols.length, ...all, total, start: q.start, pairs };
}

function listSlice(v: IntentionsView, q: ListQuery): ListSlice {
  const keep = matches(q.filter);
  const rows = q.filter.trim() ? v.intentions.filter((r) => keep(r.label)) : v.intentions;
  return { total: rows.length, start: q.start, rows: rows.slice(q.start, q.start + q.count) };
}

function handle(message: ToWorker): FromWorker {
  try {
    if (message.kind === "load") {
      const t0 = performance.now();
      workspace?.free();
      workspace = null;
      intentions = null;
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
        return { id: message.id, kind: "matrix", result: matrixSlice(intentionsOf(workspace), message.query) };
      case "intention-list":
        return { id: message.id, kind: "intention-list", result: listSlice(intentionsOf(workspace), message.query) };
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
