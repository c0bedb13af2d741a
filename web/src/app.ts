// The page's state: the files, the settings, the chosen view and each view's choices. Modules
// read and change it directly; nothing here touches the page.
import { defaultSettings, type Meta, type SharedState, type SimulateQuery, type UiState } from "./state";
import type { EnvoyRequest, EnvoyView, GatewayPlanView, SimulateRequest, Views } from "./api";

export interface AppFile {
  /** Stable while the page lives (names change on rename). */
  id: number;
  name: string;
  text: string;
}

export type ViewId = "routes" | "upstreams" | "intentions" | "simulate" | "envoy" | "plan";
export const VIEWS: { id: ViewId; title: string }[] = [
  { id: "routes", title: "Routes" },
  { id: "upstreams", title: "Upstreams" },
  { id: "intentions", title: "Intentions" },
  { id: "simulate", title: "Simulate" },
  { id: "envoy", title: "Envoy" },
  { id: "plan", title: "Plan" },
];

export interface Example {
  id: string;
  title: string;
  description: string;
  view?: ViewId;
  files: string[];
  settings?: unknown;
}

export const app = {
  files: [] as AppFile[],
  settings: defaultSettings(),
  active: -1,
  view: "routes" as ViewId,
  nextId: 1,
  views: null as Views | null,
  examples: [] as Example[],
  lastSimulation: null as SimulateRequest | null,
  /** Where the workspace came from, and whether the user changed it since. */
  origin: { example: "", edited: false } as Meta,
  /** The Simulate form as typed (null: empty). */
  simulateQuery: null as SimulateQuery | null,
  /** The gateway the Routes view shows (its key); null: the first. */
  gateway: null as string | null,
  /** The Plan view's choice: a gateway's key for its GatewayPlan, null for the whole plan. */
  planGateway: null as string | null,
  /** The latest GatewayPlan the worker sent. */
  gatewayPlan: null as GatewayPlanView | null,
  /** The Envoy form: the gateway (null: the first) and the options as typed (empty: the defaults). */
  envoy: { gateway: null as string | null, wasm: "", admin_port: "", cert_dir: "" },
  /** The latest bootstrap the worker sent, and the request (as JSON) it answers. */
  envoyView: null as EnvoyView | null,
  envoyFor: "",
};

export function shared(): SharedState {
  return { files: app.files.map((f) => ({ name: f.name, text: f.text })), settings: app.settings };
}

export function activeFile(): AppFile | undefined {
  return app.files.find((f) => f.id === app.active);
}

/** The gateway keys of the latest plan. */
function gatewayKeys(): string[] {
  return app.views?.gateways.gateways.map((g) => g.key) ?? [];
}

/** The gateway the Routes view shows: the chosen one while it exists, else the first. */
export function routesGateway(): string | null {
  const keys = gatewayKeys();
  return app.gateway !== null && keys.includes(app.gateway) ? app.gateway : (keys[0] ?? null);
}

/** The gateway the Envoy view generates for: the chosen one while it exists, else the first. */
export function envoyGateway(): string | null {
  const keys = gatewayKeys();
  const chosen = app.envoy.gateway;
  return chosen !== null && keys.includes(chosen) ? chosen : (keys[0] ?? null);
}

/** What the Envoy form asks for; null while no gateway is known. A sidecar's bootstrap is
 * `meshgate envoy --sidecar KEY`'s. */
export function envoyRequest(): EnvoyRequest | null {
  const e = app.envoy;
  const gateway = envoyGateway();
  if (gateway === null) return null;
  const sidecar = app.views?.gateways.gateways.find((g) => g.key === gateway)?.kind === "connect-proxy";
  return { gateway, sidecar, wasm: e.wasm, admin_port: e.admin_port, cert_dir: e.cert_dir };
}

/** Where the user is, for the link and storage. */
export function uiState(): UiState {
  return {
    view: app.view,
    file: activeFile()?.name ?? "",
    gateway: app.gateway ?? "",
    plan: app.planGateway ?? "",
    envoy: app.envoy.gateway ?? "",
    simulate: app.simulateQuery,
  };
}
