// The Simulate view: a request (source, destination, method, path, headers) → where it lands and
// the decision there: the hop through the destination's discovery chain (its route, the rewritten
// path), each target of a split with its share and its own answer, the normalized path and the
// trace of every intention and permission considered where the request was decided. A toggle asks
// the plain `consul intention check` question instead (--no-route: decide at the destination).
import { app } from "../app";
import { byId, h } from "../dom";
import { jump } from "../files";
import { need } from "../need";
import { simulate } from "../planner";
import { scheduleSave } from "../share";
import { SIMULATE_FIELDS, type SimulateQuery } from "../state";
import { originButton, parsePlace, type Jump } from "./common";
import type { Effect, Leg, RouteHop, SimulateRequest, SimulateView, TraceStep } from "../api";

function traceRow(step: TraceStep, jump: Jump): HTMLTableRowElement {
  const place = parsePlace(step.origin);
  const decided = step.outcome.startsWith("matched");
  return h(
    "tr",
    { class: decided ? "decided" : null },
    h("td", {}, h("strong", {}, step.intention)),
    h("td", { class: "num" }, step.precedence),
    h(
      "td",
      {},
      step.outcome,
      step.permissions.length ? h("ul", { class: "permissions" }, step.permissions.map((p) => h("li", {}, p))) : null,
    ),
    h("td", {}, place ? originButton(place, jump) : step.origin),
  );
}

function verdictText(effect: Effect): string {
  return effect === "allow" ? "Allowed" : effect === "deny" ? "Denied" : "Denied — audit mode: recorded, not blocked";
}

/** The hop's description, its origin (`file:line:col` in the text) made the button that jumps there. */
function hopDescription(hop: RouteHop, jump: Jump): (Node | string)[] {
  if (!hop.origin) return [hop.description];
  const place = `${hop.origin.file}:${hop.origin.line}:${hop.origin.column}`;
  const at = hop.description.indexOf(place);
  if (at < 0) return [hop.description, " ", originButton(hop.origin, jump)];
  return [hop.description.slice(0, at), originButton(hop.origin, jump), hop.description.slice(at + place.length)];
}

function routeSection(hop: RouteHop, jump: Jump): HTMLElement {
  return h(
    "div",
    { class: "route-hop", "data-testid": "simulate-route" },
    h("p", { "data-testid": "simulate-route-description" }, ...hopDescription(hop, jump)),
    hop.rewritten_path !== null
      ? h(
          "p",
          {},
          "The path is rewritten: the service receives ",
          h("code", { "data-testid": "simulate-rewritten-path" }, hop.rewritten_path),
          ".",
        )
      : null,
  );
}

function legRow(leg: Leg, decidedAt: string, jump: Jump): HTMLTableRowElement {
  const verdict = leg.decided_elsewhere !== null ? `decided by peer ${leg.decided_elsewhere}` : verdictText(leg.effect);
  return h(
    "tr",
    { class: leg.service === decidedAt ? "decided" : null, "data-service": leg.service },
    h("th", { scope: "row" }, h("strong", {}, leg.service)),
    h("td", { class: "num" }, `${leg.weight}%`),
    h(
      "td",
      { class: `leg-verdict ${leg.decided_elsewhere !== null ? "" : leg.allowed ? "allow" : "deny"}` },
      verdict,
    ),
    h("td", {}, leg.explanation),
    h("td", {}, leg.intention ? originButton(leg.intention.origin, jump) : ""),
  );
}

function legsTable(r: SimulateView, jump: Jump): HTMLElement {
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "legs", "data-testid": "simulate-legs" },
      h("caption", {}, "Where the route sends the request: each target with its share and its own answer"),
      h(
        "thead",
        {},
        h("tr", {}, ["Target", "Share", "Answer", "Why", "Written at"].map((t) => h("th", { scope: "col" }, t))),
      ),
      h(
        "tbody",
        {},
        r.legs.map((leg) => legRow(leg, r.decided_at, jump)),
      ),
    ),
  );
}

export function renderSimulation(r: SimulateView, jump: Jump): HTMLElement {
  const facts: [string, Node | string][] = [];
  if (r.http) {
    facts.push(["Request", `${r.http.method} ${r.http.path}`]);
    if (r.http.normalized_path !== null) {
      facts.push(["Normalized path", h("code", { "data-testid": "normalized-path" }, r.http.normalized_path)]);
    }
    for (const [name, value] of r.http.headers) facts.push(["Header", `${name}: ${value}`]);
  } else {
    facts.push(["Request", "a TCP connection (no HTTP request)"]);
  }
  facts.push(["Decided at", h("span", { "data-testid": "simulate-decided-at" }, r.decided_at)]);
  facts.push(["Protocol", r.destination_protocol]);
  if (r.intention) {
    facts.push([
      "Decided by",
      h(
        "span",
        {},
        `#${r.intention.rank} ${r.intention.label}`,
        r.permission !== null ? `, permission #${r.permission}` : "",
        " ",
        originButton(r.intention.origin, jump),
      ),
    ]);
  }
  if (r.default_used) facts.push(["Default policy", r.default_policy]);
  return h(
    "div",
    {},
    h("p", { class: `verdict ${r.allowed ? "allow" : "deny"}`, "data-testid": "simulate-verdict" }, verdictText(r.effect)),
    h("p", { class: "explanation", "data-testid": "simulate-explanation" }, r.explanation),
    r.note !== null ? h("p", { class: "sim-note", role: "note", "data-testid": "simulate-note" }, r.note) : null,
    r.route ? routeSection(r.route, jump) : null,
    h("dl", { class: "facts-list" }, facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    // One local target says nothing the answer above does not; several, or a peer's, do.
    r.legs.length > 1 || r.legs.some((l) => l.decided_elsewhere !== null) ? legsTable(r, jump) : null,
    h("h3", {}, `Trace at ${r.decided_at}`),
    r.trace.length
      ? h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "trace", "data-testid": "simulate-trace" },
            h("caption", {}, `Every intention for ${r.decided_at}, in the order considered`),
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["Intention", "Precedence", "Outcome", "Written at"].map((t) => h("th", { scope: "col" }, t)),
              ),
            ),
            h(
              "tbody",
              {},
              r.trace.map((s) => traceRow(s, jump)),
            ),
          ),
        )
      : h("p", { class: "empty", "data-testid": "simulate-trace" }, `No intention names ${r.decided_at}.`),
  );
}

export function buildSimulate(panel: HTMLElement): void {
  panel.append(simulateForm());
}

/** The result area, inside the view's body. */
export function buildSimulateResult(): void {
  byId("view-simulate-body").append(h("div", { id: "simulate-result", "data-testid": "simulate-result", "aria-live": "polite" }));
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
    h(
      "div",
      { class: "form-actions" },
      h(
        "label",
        {
          class: "check",
          title:
            "Ask the plain `consul intention check` question: decide at the destination itself, without routing the request through its discovery chain (routers, splitters, redirects)",
        },
        h("input", { type: "checkbox", name: "no_route", value: "1", "data-testid": "sim-no_route" }),
        "Decide at the destination only (--no-route)",
      ),
      h("button", { type: "submit", class: "primary", "data-testid": "sim-run" }, "Simulate"),
    ),
  );
  form.addEventListener("input", () => {
    app.simulateQuery = readQuery(form);
    scheduleSave();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    app.simulateQuery = readQuery(form);
    scheduleSave();
    simulate(requestOf(readQuery(form, true) as SimulateQuery));
  });
  return form;
}

/** The form's fields; null when every one is empty (unless `always`). */
function readQuery(form: HTMLFormElement, always = false): SimulateQuery | null {
  const data = new FormData(form);
  const query = Object.fromEntries(SIMULATE_FIELDS.map((k) => [k, String(data.get(k) ?? "")])) as unknown as SimulateQuery;
  return always || SIMULATE_FIELDS.some((k) => query[k] !== "") ? query : null;
}

function requestOf(q: SimulateQuery): SimulateRequest {
  return {
    source: q.source,
    source_namespace: q.source_namespace,
    source_partition: q.source_partition,
    source_peer: q.source_peer,
    destination: q.destination,
    destination_namespace: q.destination_namespace,
    method: q.method || null,
    path: q.path || null,
    headers: q.headers.split("\n").filter((l) => l.trim() !== ""),
    no_route: q.no_route === "1",
  };
}

/** Fills the form (a link or stored state); with a source and a destination, simulates it too. */
export function writeSimulateQuery(query: SimulateQuery | null): void {
  const form = byId<HTMLFormElement>("simulate-form");
  for (const k of SIMULATE_FIELDS) {
    const field = form.elements.namedItem(k) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    if (field instanceof HTMLInputElement && field.type === "checkbox") field.checked = query?.[k] === "1";
    else field.value = query?.[k] ?? "";
  }
  app.simulateQuery = query;
  // Run it once the workspace is planned (the load's answer re-runs the last simulation).
  if (query && query.source && query.destination) app.lastSimulation = requestOf(query);
}

/** Simulate source → destination (a matrix cell): fills the form and runs it. */
export function simulatePair(query: Partial<SimulateQuery>): void {
  const full = Object.fromEntries(SIMULATE_FIELDS.map((k) => [k, query[k] ?? ""])) as unknown as SimulateQuery;
  writeSimulateQuery(full);
  scheduleSave();
  simulate(requestOf(full));
}

/** The form's suggestions: the intentions' sources and destinations. */
export function renderSimulateView(): void {
  if (!need(["names"])) return;
  const names = app.views?.names;
  if (!names) return;
  const options = (list: string[]) => list.map((n) => h("option", { value: n }));
  byId("sources-list").replaceChildren(...options(names.sources));
  byId("destinations-list").replaceChildren(...options(names.destinations));
}

let simulations = 0;

export function showSimulation(result: SimulateView): void {
  byId("simulate-result").replaceChildren(renderSimulation(result, jump));
  document.body.dataset.simulations = String(++simulations);
}

export function showSimulationError(message: string): void {
  byId("simulate-result").replaceChildren(h("p", { class: "error-text", role: "alert", "data-testid": "simulate-error" }, message));
  document.body.dataset.simulations = String(++simulations);
}
