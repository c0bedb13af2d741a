// The playground page: files in an editor, settings, and the planner's views — all computed by
// meshgate-core compiled to WebAssembly, in a worker.
import { byId, h } from "./dom";
import { Editor } from "./editor";
import {
  decodeFragment,
  defaultSettings,
  encodeFragment,
  formatPeers,
  HASH_PREFIX,
  loadStored,
  normalizeState,
  parsePeers,
  store,
  toWorkspaceInput,
  type Settings,
  type SharedState,
} from "./state";
import type {
  DiagnosticView,
  EnvoyRequest,
  EnvoyView,
  FromWorker,
  GatewayPlanView,
  SimulateRequest,
  SimulateView,
  ToWorker,
  Views,
} from "./api";
import {
  renderEnvoy,
  renderGateway,
  renderGatewayPlan,
  renderIntentions,
  renderPlan,
  renderRoutes,
  renderSimulation,
  renderUpstreams,
  type Place,
} from "./views";

// ------------------------------------------------------------------------------------ state

interface AppFile {
  /** Stable while the page lives (names change on rename). */
  id: number;
  name: string;
  text: string;
}

type ViewId = "routes" | "upstreams" | "intentions" | "simulate" | "envoy" | "plan";
const VIEWS: { id: ViewId; title: string }[] = [
  { id: "routes", title: "Routes" },
  { id: "upstreams", title: "Upstreams" },
  { id: "intentions", title: "Intentions" },
  { id: "simulate", title: "Simulate" },
  { id: "envoy", title: "Envoy" },
  { id: "plan", title: "Plan" },
];

interface Example {
  id: string;
  title: string;
  description: string;
  view?: ViewId;
  files: string[];
  settings?: unknown;
}

const app = {
  files: [] as AppFile[],
  settings: defaultSettings(),
  active: -1,
  view: "routes" as ViewId,
  nextId: 1,
  views: null as Views | null,
  examples: [] as Example[],
  lastSimulation: null as SimulateRequest | null,
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

function shared(): SharedState {
  return { files: app.files.map((f) => ({ name: f.name, text: f.text })), settings: app.settings };
}

// ------------------------------------------------------------------------------------ worker

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
let firstViewMarked = false;

function send(message: ToWorker): void {
  worker.postMessage(message);
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.kind) {
    case "ready":
      performance.mark("mg:planner-ready");
      byId("version").textContent = `meshgate ${m.version}`;
      return;
    case "fatal":
      showBanner(m.message);
      console.error(m.message);
      return;
    case "loaded":
      if (m.id !== latestLoad) return;
      app.views = m.views;
      app.gatewayPlan = m.views.gatewayPlan;
      app.envoyView = m.views.envoy;
      app.envoyFor = m.views.envoy ? loadEnvoyFor : "";
      renderAll(m.ms);
      if (!firstViewMarked) {
        firstViewMarked = true;
        performance.mark("mg:first-view");
      }
      if (app.lastSimulation) simulate(app.lastSimulation);
      return;
    case "simulated":
      if (m.id === latestSimulation) showSimulation(m.result);
      return;
    case "gateway-plan":
      if (m.id !== latestGatewayPlan) return;
      app.gatewayPlan = m.result;
      renderPlanView();
      return;
    case "envoy":
      if (m.id !== latestEnvoy) return;
      app.envoyView = m.result;
      app.envoyFor = pendingEnvoyFor;
      renderEnvoyView();
      return;
    case "error":
      if (m.id === latestSimulation) showSimulationError(m.message);
      else if (m.id === latestGatewayPlan || m.id === latestEnvoy) showBanner(m.message);
      else if (m.id === latestLoad) showBanner(m.message);
      return;
  }
};
worker.onerror = (event) => {
  const message = `the planner worker failed: ${event.message || "unknown error"}`;
  showBanner(message);
  console.error(message);
};

let loadTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleLoad(delay = 200): void {
  clearTimeout(loadTimer);
  loadTimer = setTimeout(loadNow, delay);
}

function loadNow(): void {
  clearTimeout(loadTimer);
  latestLoad = ++seq;
  sentTexts = new Map(app.files.map((f) => [f.id, f.text]));
  // The bootstrap is computed only while its view is shown (and when it is opened).
  const envoy = app.view === "envoy" ? envoyRequest() : null;
  loadEnvoyFor = envoy ? JSON.stringify(envoy) : "";
  send({ id: latestLoad, kind: "load", input: toWorkspaceInput(shared()), gatewayPlan: app.planGateway, envoy });
  setBusy(true);
}

function requestGatewayPlan(gateway: string): void {
  latestGatewayPlan = ++seq;
  send({ id: latestGatewayPlan, kind: "gateway-plan", gateway });
}

/** What the Envoy form asks for; null while no gateway is known. */
function envoyRequest(): EnvoyRequest | null {
  const e = app.envoy;
  return e.gateway === null ? null : { gateway: e.gateway, wasm: e.wasm, admin_port: e.admin_port, cert_dir: e.cert_dir };
}

function requestEnvoy(request: EnvoyRequest): void {
  latestEnvoy = ++seq;
  pendingEnvoyFor = JSON.stringify(request);
  send({ id: latestEnvoy, kind: "envoy", request });
}

function simulate(request: SimulateRequest): void {
  app.lastSimulation = request;
  latestSimulation = ++seq;
  send({ id: latestSimulation, kind: "simulate", request });
}

// ------------------------------------------------------------------------------------ persistence

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let savedFragment = "";

function scheduleSave(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void saveNow(), 300);
}

async function saveNow(): Promise<string> {
  clearTimeout(saveTimer);
  const state = shared();
  store(state);
  const fragment = await encodeFragment(state);
  savedFragment = fragment;
  if (location.hash !== fragment) history.replaceState(null, "", fragment);
  return fragment;
}

function changed(): void {
  scheduleLoad();
  scheduleSave();
}

// ------------------------------------------------------------------------------------ editor

const editor = new Editor(byId("editor"), (id, text) => {
  const file = app.files.find((f) => f.id === id);
  if (!file) return;
  file.text = text;
  changed();
});

function activeFile(): AppFile | undefined {
  return app.files.find((f) => f.id === app.active);
}

function selectFile(id: number, focusTab = false): void {
  const file = app.files.find((f) => f.id === id);
  if (!file) return;
  app.active = id;
  editor.show(file.id, file.name, file.text);
  applyDiagnostics();
  renderFileTabs();
  byId("editor").setAttribute("aria-labelledby", `file-tab-${id}`);
  if (focusTab) document.getElementById(`file-tab-${id}`)?.focus();
}

/** Replaces every file and setting (an example, a link, storage). */
function applyState(state: SharedState, view?: ViewId, example = ""): void {
  document.body.dataset.example = example;
  editor.reset();
  app.files = state.files.map((f) => ({ id: app.nextId++, name: f.name, text: f.text }));
  if (!app.files.length) app.files.push({ id: app.nextId++, name: "config.hcl", text: "" });
  app.settings = state.settings;
  app.active = -1;
  app.views = null;
  app.lastSimulation = null;
  app.gateway = null;
  app.planGateway = null;
  app.gatewayPlan = null;
  app.envoy.gateway = null;
  app.envoyView = null;
  app.envoyFor = "";
  writeSettingsForm(app.settings);
  if (view) selectView(view);
  byId("simulate-result").replaceChildren();
  selectFile(app.files[0].id);
  loadNow();
}

// ------------------------------------------------------------------------------------ tabs

/** Arrow keys, Home and End move between the tabs of a tablist (and activate them). */
function tabKeys(list: HTMLElement, activate: (tab: HTMLElement) => void): void {
  list.addEventListener("keydown", (event) => {
    const tabs = [...list.querySelectorAll<HTMLElement>('[role="tab"]')];
    const at = tabs.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    let next = -1;
    if (event.key === "ArrowRight") next = (at + 1) % tabs.length;
    else if (event.key === "ArrowLeft") next = (at - 1 + tabs.length) % tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = tabs.length - 1;
    if (next < 0) return;
    event.preventDefault();
    activate(tabs[next]);
  });
}

function renderFileTabs(): void {
  const errorsByFile = new Map<string, number>();
  for (const d of app.views?.diagnostics.diagnostics ?? []) {
    if (d.file !== null && d.severity === "error") errorsByFile.set(d.file, (errorsByFile.get(d.file) ?? 0) + 1);
  }
  byId("file-tabs").replaceChildren(
    ...app.files.map((f) => {
      const selected = f.id === app.active;
      const errors = errorsByFile.get(f.name) ?? 0;
      return h(
        "button",
        {
          type: "button",
          role: "tab",
          id: `file-tab-${f.id}`,
          class: "tab",
          "aria-selected": selected ? "true" : "false",
          "aria-controls": "editor",
          tabindex: selected ? 0 : -1,
          "data-file": f.name,
          title: "Double-click or F2 to rename",
          onclick: () => selectFile(f.id),
          ondblclick: () => startRename(),
        },
        f.name,
        errors ? h("span", { class: "tab-errors", "aria-label": `${errors} errors` }, ` ${errors}`) : null,
      );
    }),
  );
}

function selectView(id: ViewId, focus = false): void {
  app.view = id;
  for (const v of VIEWS) {
    const tab = byId(`view-tab-${v.id}`);
    const on = v.id === id;
    tab.setAttribute("aria-selected", on ? "true" : "false");
    tab.tabIndex = on ? 0 : -1;
    byId(`view-${v.id}`).hidden = !on;
  }
  if (focus) byId(`view-tab-${id}`).focus();
  if (id === "envoy") renderEnvoyView();
}

// ------------------------------------------------------------------------------------ file actions

type NameMode = { kind: "add" } | { kind: "rename"; id: number };
let nameMode: NameMode | null = null;

function openNameForm(mode: NameMode, initial: string): void {
  nameMode = mode;
  hideDeleteConfirm();
  const form = byId<HTMLFormElement>("file-name-form");
  form.hidden = false;
  byId("file-name-label").textContent = mode.kind === "add" ? "New file name" : "Rename to";
  byId("file-name-error").textContent = "";
  const input = byId<HTMLInputElement>("file-name-input");
  input.value = initial;
  input.focus();
  const dot = initial.lastIndexOf(".");
  input.setSelectionRange(0, dot > 0 ? dot : initial.length);
}

function closeNameForm(): void {
  nameMode = null;
  byId("file-name-form").hidden = true;
}

function startRename(): void {
  const file = activeFile();
  if (file) openNameForm({ kind: "rename", id: file.id }, file.name);
}

function nameProblem(name: string, except: number | null): string | null {
  if (!name) return "Give the file a name.";
  if (/[\\/]/.test(name)) return "A file name cannot contain / or \\.";
  if (app.files.some((f) => f.name === name && f.id !== except)) return `There is already a file named ${name}.`;
  return null;
}

function submitName(): void {
  if (!nameMode) return;
  const name = byId<HTMLInputElement>("file-name-input").value.trim();
  const problem = nameProblem(name, nameMode.kind === "rename" ? nameMode.id : null);
  if (problem) {
    byId("file-name-error").textContent = problem;
    return;
  }
  if (nameMode.kind === "add") {
    const file = { id: app.nextId++, name, text: "" };
    app.files.push(file);
    closeNameForm();
    selectFile(file.id);
    editor.view.focus();
  } else {
    const file = app.files.find((f) => f.id === (nameMode as { id: number }).id);
    closeNameForm();
    if (!file) return;
    file.name = name;
    editor.rename(file.id, name);
    renderFileTabs();
    document.getElementById(`file-tab-${file.id}`)?.focus();
  }
  changed();
}

function untitledName(): string {
  for (let n = 1; ; n++) {
    const name = `untitled-${n}.hcl`;
    if (!app.files.some((f) => f.name === name)) return name;
  }
}

function askDelete(): void {
  const file = activeFile();
  if (!file) return;
  closeNameForm();
  byId("delete-question").textContent = `Delete ${file.name}?`;
  byId("delete-confirm").hidden = false;
  byId("delete-no").focus();
}

function hideDeleteConfirm(): void {
  byId("delete-confirm").hidden = true;
}

function deleteActive(): void {
  const file = activeFile();
  hideDeleteConfirm();
  if (!file) return;
  const at = app.files.indexOf(file);
  app.files.splice(at, 1);
  editor.forget(file.id);
  if (!app.files.length) app.files.push({ id: app.nextId++, name: "config.hcl", text: "" });
  app.active = -1;
  selectFile(app.files[Math.min(at, app.files.length - 1)].id, true);
  changed();
}

// ------------------------------------------------------------------------------------ settings

function writeSettingsForm(s: Settings): void {
  const form = byId<HTMLFormElement>("settings-form");
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
  field("datacenter").value = s.datacenter;
  field("partition").value = s.partition;
  field("trust_domain").value = s.trust_domain;
  field("default_intention_policy").value = s.default_intention_policy;
  field("mode").value = s.mode;
  field("peer_trust_domains").value = formatPeers(s.peer_trust_domains);
  summarizeSettings();
}

function readSettingsForm(): Settings {
  const form = byId<HTMLFormElement>("settings-form");
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
  return {
    datacenter: value("datacenter").trim(),
    partition: value("partition").trim(),
    trust_domain: value("trust_domain").trim(),
    default_intention_policy: value("default_intention_policy") === "deny" ? "deny" : "allow",
    mode: value("mode") === "audit" ? "audit" : "enforce",
    peer_trust_domains: parsePeers(value("peer_trust_domains")),
  };
}

function summarizeSettings(): void {
  const s = app.settings;
  byId("settings-summary").textContent =
    `${s.datacenter || "dc1"} · default ${s.default_intention_policy} · ${s.mode}` +
    (Object.keys(s.peer_trust_domains).length ? ` · ${Object.keys(s.peer_trust_domains).length} peer(s)` : "");
}

// ------------------------------------------------------------------------------------ rendering

function jump(place: Place): void {
  const file = app.files.find((f) => f.name === place.file);
  if (!file) return;
  selectFile(file.id);
  const at = editor.offsetOf(place.line, place.column);
  editor.select(at, at);
}

function jumpToDiagnostic(d: DiagnosticView): void {
  const file = app.files.find((f) => f.name === d.file);
  if (!file || d.from_utf16 === null) return;
  selectFile(file.id);
  editor.select(d.from_utf16, d.to_utf16 ?? d.from_utf16);
}

function applyDiagnostics(): void {
  const all = app.views?.diagnostics.diagnostics ?? [];
  for (const f of app.files) {
    if (sentTexts.get(f.id) !== (editor.text(f.id) ?? f.text)) continue;
    editor.setDiagnostics(
      f.id,
      all.filter((d) => d.file === f.name),
    );
  }
}

function renderDiagnostics(): void {
  const view = app.views?.diagnostics;
  if (!view) return;
  const list = byId("diagnostics");
  const s = view.summary;
  byId("problem-count").textContent = `${s.errors} error${s.errors === 1 ? "" : "s"}, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}`;
  if (!view.diagnostics.length) {
    list.replaceChildren(h("li", { class: "ok" }, "No problems: meshgate would accept these files."));
    return;
  }
  list.replaceChildren(
    ...view.diagnostics.map((d) => {
      const where = d.file !== null && d.start ? `${d.file}:${d.start.line}:${d.start.column}` : "settings";
      const body = [
        h("span", { class: `sev ${d.severity}` }, d.severity),
        " ",
        h("code", { class: "code", title: d.title }, d.code),
        " ",
        h("span", { class: "where" }, where),
        " ",
        h("span", { class: "message" }, d.message),
        d.notes.length ? h("span", { class: "notes" }, d.notes.map((n) => h("span", { class: "note" }, n))) : null,
      ];
      const attrs = {
        "data-code": d.code,
        "data-file": d.file ?? "",
        "data-line": d.start?.line ?? "",
        "data-column-utf16": d.start?.column_utf16 ?? "",
      };
      return h(
        "li",
        { class: d.severity },
        d.file !== null && d.from_utf16 !== null
          ? h("button", { type: "button", class: "diagnostic", ...attrs, onclick: () => jumpToDiagnostic(d) }, body)
          : h("div", { class: "diagnostic", ...attrs }, body),
      );
    }),
  );
}

let renders = 0;

function renderAll(ms: number): void {
  const views = app.views;
  if (!views) return;
  // For tests and tools: how many times the views were rendered.
  document.body.dataset.renders = String(++renders);
  setBusy(false);
  hideBanner();
  renderDiagnostics();
  applyDiagnostics();
  renderFileTabs();
  const s = views.diagnostics.summary;
  byId("status").textContent =
    `${s.valid ? "valid" : "invalid"} · ${s.files} file${s.files === 1 ? "" : "s"} · ${s.entries} entr${s.entries === 1 ? "y" : "ies"} · ${s.services} service definition${s.services === 1 ? "" : "s"} · planned in ${ms.toFixed(1)} ms`;
  byId("status").dataset.valid = String(s.valid);
  const notice = byId("views-notice");
  notice.hidden = s.valid;
  notice.textContent = s.valid
    ? ""
    : `The files have ${s.errors} error${s.errors === 1 ? "" : "s"}: the views show what could be read, and there is no plan until ${s.errors === 1 ? "it is" : "they are"} fixed.`;
  renderGateways();
  byId("view-routes-body").replaceChildren(renderRoutes(views.routes, jump));
  if (!performance.getEntriesByName("mg:first-routes").length) performance.mark("mg:first-routes");
  byId("view-intentions-body").replaceChildren(renderIntentions(views.intentions, jump));
  byId("view-upstreams-body").replaceChildren(renderUpstreams(views.upstreams, jump));
  renderPlanChoice();
  renderPlanView();
  renderEnvoyChoice();
  renderEnvoyView();
  fillDatalists();
}

function renderEnvoyChoice(): void {
  const gateways = app.views?.gateways.gateways ?? [];
  const keys = gateways.map((g) => g.key);
  if (app.envoy.gateway === null || !keys.includes(app.envoy.gateway)) app.envoy.gateway = keys[0] ?? null;
  byId("envoy-form").hidden = !gateways.length;
  setOptions(
    byId<HTMLSelectElement>("envoy-gateway"),
    gateways.map((g) => ({ value: g.key, label: g.label })),
    app.envoy.gateway ?? "",
  );
}

/** Shows the bootstrap for the form's request, asking the worker first when it is not at hand. */
function renderEnvoyView(): void {
  if (!app.views || app.view !== "envoy") return;
  const body = byId("view-envoy-body");
  const request = envoyRequest();
  if (!request) {
    body.replaceChildren(
      h("p", { class: "empty" }, "No gateways: register a service of kind mesh-gateway, terminating-gateway, ingress-gateway or api-gateway to generate its Envoy bootstrap."),
    );
    return;
  }
  const wanted = JSON.stringify(request);
  if (app.envoyFor !== wanted || !app.envoyView) {
    if (pendingEnvoyFor !== wanted || latestEnvoy === 0) requestEnvoy(request);
    if (!body.querySelector("[data-testid=envoy-shown]")) {
      body.replaceChildren(h("p", { class: "empty" }, `Generating the bootstrap of ${request.gateway}…`));
    }
    return;
  }
  const view = app.envoyView;
  // Empty fields take the defaults: show them as placeholders.
  const form = byId<HTMLFormElement>("envoy-form");
  for (const [name, value] of [
    ["wasm", view.wasm],
    ["admin_port", String(view.admin_port)],
    ["cert_dir", view.cert_dir],
  ] as const) {
    const input = form.elements.namedItem(name) as HTMLInputElement;
    if (!input.value.trim()) input.placeholder = value;
  }
  body.replaceChildren(renderEnvoy(view, { copy: copyText }));
}

/** Replaces a select's options only when they changed (so a focused picker keeps its place). */
function setOptions(select: HTMLSelectElement, options: { value: string; label: string }[], value: string): void {
  const current = [...select.options].map((o) => `${o.value}\u0000${o.text}`).join("\u0001");
  const wanted = options.map((o) => `${o.value}\u0000${o.label}`).join("\u0001");
  if (current !== wanted) select.replaceChildren(...options.map((o) => h("option", { value: o.value }, o.label)));
  select.value = value;
}

function renderGateways(): void {
  const view = app.views?.gateways;
  if (!view) return;
  const keys = view.gateways.map((g) => g.key);
  if (app.gateway === null || !keys.includes(app.gateway)) app.gateway = keys[0] ?? null;
  const n = view.gateways.length;
  byId("gateways-facts").textContent = n
    ? `${n} gateway${n === 1 ? "" : "s"} · <td> stands for the trust domain ${view.trust_domain}`
    : "";
  byId("gateway-picker-label").hidden = n < 2;
  setOptions(
    byId<HTMLSelectElement>("gateway-picker"),
    view.gateways.map((g) => ({ value: g.key, label: g.label })),
    app.gateway ?? "",
  );
  renderGatewayBody();
}

function renderGatewayBody(): void {
  const view = app.views?.gateways;
  if (!view) return;
  const chosen = view.gateways.find((g) => g.key === app.gateway);
  byId("gateway-body").replaceChildren(
    chosen
      ? renderGateway(chosen, view, jump)
      : h(
          "p",
          { class: "empty" },
          "No gateways: register a service of kind mesh-gateway, terminating-gateway, ingress-gateway or api-gateway to see its route table.",
        ),
  );
}

function renderPlanChoice(): void {
  const gateways = app.views?.gateways.gateways ?? [];
  if (app.planGateway !== null && !gateways.some((g) => g.key === app.planGateway)) app.planGateway = null;
  setOptions(
    byId<HTMLSelectElement>("plan-select"),
    [
      { value: "", label: "Whole plan (meshgate plan)" },
      ...gateways.map((g) => ({ value: g.key, label: `GatewayPlan for ${g.key} (${g.kind_title})` })),
    ],
    app.planGateway ?? "",
  );
}

function renderPlanView(): void {
  const views = app.views;
  if (!views) return;
  const body = byId("view-plan-body");
  const key = app.planGateway;
  if (key === null) {
    body.replaceChildren(renderPlan(views.plan, { copy: copyText }));
    return;
  }
  if (app.gatewayPlan?.gateway !== key) {
    // Not computed for these files yet: ask, and say so meanwhile.
    requestGatewayPlan(key);
    body.replaceChildren(h("p", { class: "empty" }, `Compiling the GatewayPlan of ${key}…`));
    return;
  }
  body.replaceChildren(renderGatewayPlan(app.gatewayPlan, { copy: copyText }));
}

function fillDatalists(): void {
  const m = app.views?.intentions.matrix;
  if (!m) return;
  const options = (list: { name: string }[]) =>
    [...new Set(list.map((e) => e.name).filter((n) => n !== "(other)"))].map((n) => h("option", { value: n }));
  byId("sources-list").replaceChildren(...options(m.sources));
  byId("destinations-list").replaceChildren(...options(m.destinations));
}

let simulations = 0;

function showSimulation(result: SimulateView): void {
  byId("simulate-result").replaceChildren(renderSimulation(result, jump));
  document.body.dataset.simulations = String(++simulations);
}

function showSimulationError(message: string): void {
  byId("simulate-result").replaceChildren(h("p", { class: "error-text", role: "alert", "data-testid": "simulate-error" }, message));
  document.body.dataset.simulations = String(++simulations);
}

function setBusy(busy: boolean): void {
  document.body.dataset.busy = String(busy);
}

function showBanner(message: string): void {
  const banner = byId("banner");
  banner.textContent = message;
  banner.hidden = false;
}

function hideBanner(): void {
  byId("banner").hidden = true;
}

function say(message: string): void {
  byId("status").textContent = message;
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    say("Copied.");
  } catch {
    say("Could not copy: select the text and copy it yourself.");
  }
}

// ------------------------------------------------------------------------------------ examples

async function fetchText(path: string): Promise<string> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.text();
}

async function loadExampleIndex(): Promise<void> {
  try {
    const index = JSON.parse(await fetchText("examples/index.json")) as { examples: Example[] };
    app.examples = index.examples;
  } catch (error) {
    showBanner(`The examples could not be loaded: ${(error as Error).message}`);
    return;
  }
  byId("examples").append(...app.examples.map((e) => h("option", { value: e.id, title: e.description }, e.title)));
}

async function exampleState(example: Example): Promise<SharedState> {
  const files = await Promise.all(
    example.files.map(async (path) => ({ name: path.split("/").pop() ?? path, text: await fetchText(`examples/${path}`) })),
  );
  return normalizeState({ files, settings: example.settings ?? {} });
}

async function loadExample(id: string): Promise<void> {
  const example = app.examples.find((e) => e.id === id);
  if (!example) return;
  try {
    const state = await exampleState(example);
    applyState(state, example.view, example.id);
    byId("example-description").textContent = `${example.title}: ${example.description}`;
    void saveNow();
  } catch (error) {
    showBanner(`The example could not be loaded: ${(error as Error).message}`);
  }
}

// ------------------------------------------------------------------------------------ building the page

function buildViews(): void {
  const tabs = byId("view-tabs");
  const panels = byId("views");
  panels.append(h("p", { id: "views-notice", class: "notice", hidden: true, "data-testid": "views-notice" }));
  for (const v of VIEWS) {
    tabs.append(
      h(
        "button",
        {
          type: "button",
          role: "tab",
          id: `view-tab-${v.id}`,
          class: "tab",
          "aria-controls": `view-${v.id}`,
          "data-testid": `view-tab-${v.id}`,
          onclick: () => selectView(v.id),
        },
        v.title,
      ),
    );
    const panel = h("section", {
      id: `view-${v.id}`,
      role: "tabpanel",
      "aria-labelledby": `view-tab-${v.id}`,
      class: "view",
      "data-testid": `view-${v.id}`,
      tabindex: 0,
    });
    if (v.id === "simulate") panel.append(simulateForm());
    if (v.id === "routes") panel.append(gatewaysSection(), h("h2", { class: "view-section" }, "Discovery chains"));
    if (v.id === "plan") panel.append(planChoice());
    if (v.id === "envoy") panel.append(envoyForm());
    panel.append(h("div", { id: `view-${v.id}-body` }));
    panels.append(panel);
  }
  byId("view-simulate-body").append(h("div", { id: "simulate-result", "data-testid": "simulate-result", "aria-live": "polite" }));
  tabKeys(tabs, (tab) => {
    const id = tab.id.replace("view-tab-", "") as ViewId;
    selectView(id, true);
  });
}

function gatewaysSection(): HTMLElement {
  const picker = h("select", { id: "gateway-picker", "data-testid": "gateway-picker" });
  picker.addEventListener("change", () => {
    app.gateway = picker.value;
    renderGatewayBody();
  });
  return h(
    "section",
    { class: "gateways", "data-testid": "gateways", "aria-labelledby": "gateways-title" },
    h(
      "div",
      { class: "section-head" },
      h("h2", { class: "view-section", id: "gateways-title" }, "Gateways"),
      h("label", { id: "gateway-picker-label", class: "picker", hidden: true }, "Gateway ", picker),
    ),
    h("p", { id: "gateways-facts", class: "facts small" }),
    h("div", { id: "gateway-body" }),
  );
}

let envoyTimer: ReturnType<typeof setTimeout> | undefined;

function envoyForm(): HTMLFormElement {
  const field = (name: "wasm" | "admin_port" | "cert_dir", label: string, attrs: Record<string, string> = {}) =>
    h(
      "label",
      {},
      label,
      h("input", { name, autocomplete: "off", spellcheck: "false", "data-testid": `envoy-${name.replace("_", "-")}`, ...attrs }),
    );
  const select = h("select", { id: "envoy-gateway", name: "gateway", "data-testid": "envoy-gateway" });
  const form = h(
    "form",
    { id: "envoy-form", class: "envoy-form", "data-testid": "envoy-form", hidden: true },
    h("label", {}, "Gateway", select),
    field("wasm", "filter.wasm path (as Envoy reads it)"),
    field("cert_dir", "Certificates directory"),
    field("admin_port", "Admin port", { inputmode: "numeric" }),
  );
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("input", (event) => {
    const data = new FormData(form);
    app.envoy.gateway = String(data.get("gateway") ?? "") || null;
    app.envoy.wasm = String(data.get("wasm") ?? "");
    app.envoy.admin_port = String(data.get("admin_port") ?? "");
    app.envoy.cert_dir = String(data.get("cert_dir") ?? "");
    clearTimeout(envoyTimer);
    // Typing waits a moment; choosing a gateway does not.
    envoyTimer = setTimeout(renderEnvoyView, event.target === select ? 0 : 250);
  });
  return form;
}

function planChoice(): HTMLElement {
  const select = h("select", { id: "plan-select", "data-testid": "plan-select" });
  select.addEventListener("change", () => {
    app.planGateway = select.value || null;
    renderPlanView();
  });
  return h("div", { class: "plan-choice" }, h("label", { class: "picker" }, "Show ", select));
}

function simulateForm(): HTMLFormElement {
  const input = (name: string, label: string, attrs: Record<string, string> = {}) =>
    h(
      "label",
      {},
      label,
      h("input", { name, autocomplete: "off", spellcheck: "false", "data-testid": `sim-${name}`, ...attrs }),
    );
  const methods = ["", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
  const form = h(
    "form",
    { class: "simulate-form", id: "simulate-form", "data-testid": "simulate-form" },
    h("datalist", { id: "sources-list" }),
    h("datalist", { id: "destinations-list" }),
    h(
      "fieldset",
      {},
      h("legend", {}, "From"),
      input("source", "Source service", { list: "sources-list", required: "", placeholder: "web" }),
      input("source_namespace", "Namespace", { placeholder: "default" }),
      input("source_partition", "Partition", { placeholder: "default" }),
      input("source_peer", "Peer", { placeholder: "(local)" }),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "To"),
      input("destination", "Destination service", { list: "destinations-list", required: "", placeholder: "billing" }),
      input("destination_namespace", "Namespace", { placeholder: "default" }),
    ),
    h(
      "fieldset",
      { class: "http" },
      h("legend", {}, "HTTP request (optional for tcp services)"),
      h(
        "label",
        {},
        "Method",
        h(
          "select",
          { name: "method", "data-testid": "sim-method" },
          methods.map((m) => h("option", { value: m }, m || "(by protocol)")),
        ),
      ),
      input("path", "Path", { placeholder: "/" }),
      h(
        "label",
        { class: "wide" },
        "Headers, one per line",
        h("textarea", { name: "headers", rows: 2, placeholder: "x-debug: 1", spellcheck: "false", "data-testid": "sim-headers" }),
      ),
    ),
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: "primary", "data-testid": "sim-run" }, "Simulate")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const text = (k: string) => String(data.get(k) ?? "");
    simulate({
      source: text("source"),
      source_namespace: text("source_namespace"),
      source_partition: text("source_partition"),
      source_peer: text("source_peer"),
      destination: text("destination"),
      destination_namespace: text("destination_namespace"),
      method: text("method") || null,
      path: text("path") || null,
      headers: text("headers").split("\n").filter((l) => l.trim() !== ""),
    });
  });
  return form;
}

function wire(): void {
  byId("file-add").addEventListener("click", () => openNameForm({ kind: "add" }, untitledName()));
  byId("file-rename").addEventListener("click", startRename);
  byId("file-delete").addEventListener("click", askDelete);
  byId("delete-yes").addEventListener("click", deleteActive);
  byId("delete-no").addEventListener("click", () => {
    hideDeleteConfirm();
    document.getElementById(`file-tab-${app.active}`)?.focus();
  });
  byId("file-name-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitName();
  });
  byId("file-name-cancel").addEventListener("click", closeNameForm);
  byId("file-name-input").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeNameForm();
  });
  const fileTabs = byId("file-tabs");
  tabKeys(fileTabs, (tab) => selectFile(Number(tab.id.replace("file-tab-", "")), true));
  fileTabs.addEventListener("keydown", (event) => {
    if (event.key === "F2") startRename();
    else if (event.key === "Delete") askDelete();
  });
  byId("settings-form").addEventListener("input", () => {
    app.settings = readSettingsForm();
    summarizeSettings();
    changed();
  });
  byId("settings-form").addEventListener("submit", (event) => event.preventDefault());
  byId<HTMLSelectElement>("examples").addEventListener("change", (event) => {
    const id = (event.target as HTMLSelectElement).value;
    if (id) void loadExample(id);
  });
  byId("share").addEventListener("click", async () => {
    const fragment = await saveNow();
    const url = `${location.origin}${location.pathname}${fragment}`;
    let field = document.getElementById("share-link") as HTMLInputElement | null;
    if (!field) {
      field = h("input", { id: "share-link", class: "share-link", readonly: true, "aria-label": "Share link", "data-testid": "share-link" });
      byId("share").after(field);
    }
    field.value = url;
    try {
      await navigator.clipboard.writeText(url);
      say("Share link copied: it holds every file and setting.");
    } catch {
      field.select();
      say("Copy the share link from the box.");
    }
  });
  window.addEventListener("hashchange", () => {
    if (!location.hash.startsWith(HASH_PREFIX) || location.hash === savedFragment) return;
    void restoreFromHash();
  });
}

async function restoreFromHash(): Promise<boolean> {
  try {
    const state = await decodeFragment(location.hash);
    savedFragment = location.hash;
    applyState(state);
    store(state);
    return true;
  } catch (error) {
    showBanner(`This link could not be opened: ${(error as Error).message}. Showing your last files instead.`);
    return false;
  }
}

async function boot(): Promise<void> {
  buildViews();
  selectView("routes");
  wire();
  const examples = loadExampleIndex();
  if (location.hash.startsWith(HASH_PREFIX) && (await restoreFromHash())) {
    await examples;
    return;
  }
  const stored = loadStored();
  if (stored) {
    applyState(stored);
    await examples;
    void saveNow();
    return;
  }
  await examples;
  const first = app.examples[0];
  if (first) {
    byId<HTMLSelectElement>("examples").value = first.id;
    await loadExample(first.id);
  } else {
    applyState({ files: [], settings: defaultSettings() });
  }
}

void boot();
