// The result views. Each renders one value the planner computed; none decides anything itself.
import { h } from "./dom";
import { drawChain } from "./graph";
import type {
  Cell,
  ChainView,
  RoutesView,
  Endpoint,
  IntentionRow,
  IntentionsView,
  PlanView,
  SimulateView,
  TraceStep,
  UpstreamResolution,
  UpstreamsView,
} from "./api";

export interface Place {
  file: string;
  line: number;
  column: number;
}
export type Jump = (place: Place) => void;

/** A link-like button that jumps the editor to a file:line:col. */
export function originButton(place: Place, jump: Jump): HTMLButtonElement {
  return h(
    "button",
    {
      type: "button",
      class: "origin",
      title: `Show ${place.file} line ${place.line} in the editor`,
      onclick: () => jump(place),
    },
    `${place.file}:${place.line}:${place.column}`,
  );
}

function parsePlace(origin: string): Place | null {
  const m = /^(.*):(\d+):(\d+)$/.exec(origin);
  return m ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : null;
}

function empty(text: string): HTMLElement {
  return h("p", { class: "empty" }, text);
}

// ----------------------------------------------------------------------------- routes

function routeTable(chain: ChainView, jump: Jump): HTMLElement {
  return h(
    "table",
    { class: "routes", "data-testid": "route-table" },
    h("caption", {}, chain.routes.length > 1 ? "Routes, in order: the first that matches decides" : "Route"),
    h(
      "thead",
      {},
      h("tr", {}, ["#", "Match", "To", "Targets", "Written at"].map((t) => h("th", { scope: "col" }, t))),
    ),
    h(
      "tbody",
      {},
      chain.routes.map((r, i) =>
        h(
          "tr",
          { class: r.catch_all ? "catch-all" : null },
          h("td", { class: "num" }, i + 1),
          h("td", {}, h("code", {}, r.match), r.catch_all ? h("span", { class: "muted" }, " (catch-all)") : null),
          h(
            "td",
            {},
            r.destination,
            r.details.length ? h("div", { class: "muted small" }, r.details.join(" · ")) : null,
          ),
          h(
            "td",
            {},
            h(
              "ul",
              { class: "targets" },
              r.targets.map((t) =>
                h(
                  "li",
                  { title: `${t.target}\nSNI ${t.sni}` },
                  h("span", { class: "weight" }, `${t.weight}%`),
                  " ",
                  t.label,
                  t.failover.length
                    ? h("span", { class: "muted small" }, ` → failover ${t.failover.map((f) => f.label).join(", ")}`)
                    : null,
                ),
              ),
            ),
          ),
          h("td", {}, r.origin ? originButton(r.origin, jump) : h("span", { class: "muted" }, "implicit")),
        ),
      ),
    ),
  );
}

export function renderRoutes(view: RoutesView, jump: Jump): HTMLElement {
  if (!view.chains.length) {
    return empty(
      "No discovery chains: add a service-router, service-splitter, service-resolver or service-defaults entry, or a proxy upstream.",
    );
  }
  return h(
    "div",
    {},
    h(
      "p",
      { class: "facts" },
      `${view.chains.length} discovery chain${view.chains.length === 1 ? "" : "s"} — router → splitter → resolver → target, as Consul compiles them.`,
    ),
    view.chains.map((c) => {
      const title = `${c.service}${c.namespace !== "default" ? ` (${c.namespace})` : ""}`;
      return h(
        "section",
        { class: "chain", "data-chain": c.service },
        h(
          "h3",
          {},
          title,
          h(
            "span",
            { class: "muted" },
            ` · ${c.protocol} (${c.protocol_source}) · ${c.datacenter}${c.default ? " · default chain" : ""}`,
          ),
        ),
        h("div", { class: "table-scroll" }, routeTable(c, jump)),
        c.default
          ? null
          : h("div", { class: "graph-scroll" }, drawChain(c.graph, `Discovery chain of ${c.service}`, jump)),
      );
    }),
  );
}

// ----------------------------------------------------------------------------- intentions

const CELL_TEXT: Record<Cell["verdict"], string> = {
  allow: "allow",
  deny: "deny",
  l7: "L7",
  "default-allow": "default allow",
  "default-deny": "default deny",
};

function endpointHeader(e: Endpoint, scope: "col" | "row"): HTMLTableCellElement {
  return h(
    "th",
    { scope, class: e.name === "(other)" ? "other" : null },
    e.label,
    e.protocol && e.protocol !== "tcp" ? h("span", { class: "proto" }, ` ${e.protocol}`) : null,
  );
}

function matrix(view: IntentionsView): HTMLElement {
  const m = view.matrix;
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", class: "corner" }, "source ↓ · destination →"),
    m.destinations.map((d) => endpointHeader(d, "col")),
  );
  const rows = m.sources.map((s, si) =>
    h(
      "tr",
      {},
      endpointHeader(s, "row"),
      m.destinations.map((d, di) => {
        const cell = m.cells[si]?.[di];
        if (!cell) return h("td", {});
        return h(
          "td",
          {
            class: `cell ${cell.verdict}`,
            title: cell.explanation,
            "aria-label": `${s.label} to ${d.label}: ${cell.explanation}`,
            "data-verdict": cell.verdict,
          },
          CELL_TEXT[cell.verdict],
          cell.rank !== null ? h("span", { class: "rank" }, ` #${cell.rank}`) : null,
        );
      }),
    ),
  );
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "matrix", "data-testid": "intention-matrix" },
      h("caption", {}, "Who may call whom (hover or focus a cell for why)"),
      h("thead", {}, head),
      h("tbody", {}, rows),
    ),
  );
}

function intentionRow(i: IntentionRow, jump: Jump): HTMLTableRowElement {
  const what =
    i.verdict === "l7"
      ? h(
          "ol",
          { class: "permissions" },
          i.permissions.map((p) => h("li", {}, h("span", { class: `badge ${p.action}` }, p.action), " ", p.summary)),
        )
      : h("span", { class: `badge ${i.verdict}` }, i.verdict);
  return h(
    "tr",
    { "data-rank": i.rank },
    h("td", { class: "num" }, i.rank),
    h("td", {}, h("strong", {}, i.label)),
    h("td", {}, `${i.precedence} `, h("span", { class: "muted" }, `(${i.precedence_shape})`)),
    h("td", {}, what),
    h("td", {}, originButton(i.origin, jump)),
  );
}

export function renderIntentions(view: IntentionsView, jump: Jump): HTMLElement {
  const list = view.intentions.length
    ? h(
        "table",
        { class: "ranked", "data-testid": "intention-list" },
        h("caption", {}, "Ranked: the first intention that matches decides"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["#", "Intention", "Precedence", "Action", "Written at"].map((t) => h("th", { scope: "col" }, t)),
          ),
        ),
        h(
          "tbody",
          {},
          view.intentions.map((i) => intentionRow(i, jump)),
        ),
      )
    : empty("No service-intentions entries: the default policy decides every call.");
  return h(
    "div",
    {},
    h(
      "p",
      { class: "facts" },
      "Default policy ",
      h("strong", {}, view.default_policy),
      " · mode ",
      h("strong", {}, view.mode),
      ` · ${view.intentions.length} intention${view.intentions.length === 1 ? "" : "s"}`,
    ),
    matrix(view),
    h("div", { class: "table-scroll" }, list),
  );
}

// ----------------------------------------------------------------------------- upstreams

function upstreamRow(u: UpstreamResolution, jump: Jump): HTMLTableRowElement[] {
  const where = u.peer ? `peer ${u.peer}` : u.datacenter;
  const row = h(
    "tr",
    {},
    h(
      "td",
      {},
      h("strong", {}, u.destination),
      u.local_bind_port ? h("span", { class: "muted" }, ` :${u.local_bind_port}`) : null,
      h("br", {}),
      originButton(u.origin, jump),
    ),
    h("td", {}, where),
    h("td", {}, h("span", { class: `mode ${u.mesh_gateway_mode}` }, u.mesh_gateway_mode), h("span", { class: "muted" }, ` from ${u.mesh_gateway_mode_source}`)),
    h("td", {}, u.dial, u.gateway ? h("span", { class: "muted" }, ` ${u.gateway}`) : null),
    h("td", { class: "sni" }, h("code", {}, u.sni)),
  );
  return u.note ? [row, h("tr", { class: "note" }, h("td", { colspan: 5 }, `↳ ${u.note}`))] : [row];
}

export function renderUpstreams(view: UpstreamsView, jump: Jump): HTMLElement {
  if (!view.proxies.length) {
    return empty("No connect proxies: register a service with a sidecar_service or a connect-proxy with upstreams.");
  }
  return h(
    "div",
    {},
    view.proxies.map((p) =>
      h(
        "section",
        { class: "proxy", "data-proxy": p.proxy },
        h("h3", {}, p.proxy, h("span", { class: "muted" }, ` for ${p.service}, in ${p.datacenter}`)),
        p.upstreams.length
          ? h(
              "div",
              { class: "table-scroll" },
              h(
                "table",
                { class: "upstreams" },
                h(
                  "thead",
                  {},
                  h(
                    "tr",
                    {},
                    ["Upstream", "Where", "Mesh gateway mode", "Dials", "SNI"].map((t) =>
                      h("th", { scope: "col" }, t),
                    ),
                  ),
                ),
                h(
                  "tbody",
                  {},
                  p.upstreams.flatMap((u) => upstreamRow(u, jump)),
                ),
              ),
            )
          : empty("No upstreams."),
      ),
    ),
  );
}

// ----------------------------------------------------------------------------- simulate

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

export function renderSimulation(r: SimulateView, jump: Jump): HTMLElement {
  const verdict =
    r.effect === "allow" ? "Allowed" : r.effect === "deny" ? "Denied" : "Denied — audit mode: recorded, not blocked";
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
  facts.push(["Destination protocol", r.destination_protocol]);
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
    h("p", { class: `verdict ${r.allowed ? "allow" : "deny"}`, "data-testid": "simulate-verdict" }, verdict),
    h("p", { class: "explanation", "data-testid": "simulate-explanation" }, r.explanation),
    h("dl", { class: "facts-list" }, facts.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("h3", {}, "Trace"),
    r.trace.length
      ? h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "trace", "data-testid": "simulate-trace" },
            h("caption", {}, "Every intention for this destination, in the order considered"),
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
      : h("p", { class: "empty", "data-testid": "simulate-trace" }, "No intention names this destination."),
  );
}

// ----------------------------------------------------------------------------- plan

export function renderPlan(view: PlanView, actions: { copy: (text: string) => void }): HTMLElement {
  if (view.json === null) {
    return h("p", { class: "empty", "data-testid": "plan-withheld" }, view.withheld ?? "No plan.");
  }
  const json = view.json;
  const download = () => {
    const url = URL.createObjectURL(new Blob([json + "\n"], { type: "application/json" }));
    const a = h("a", { href: url, download: "meshgate-plan.json" });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };
  return h(
    "div",
    {},
    h(
      "div",
      { class: "toolbar" },
      h("span", { class: "muted" }, `Plan format version ${view.version} — what \`meshgate plan\` prints`),
      h("button", { type: "button", onclick: () => actions.copy(json), "data-testid": "plan-copy" }, "Copy"),
      h("button", { type: "button", onclick: download, "data-testid": "plan-download" }, "Download"),
    ),
    h("pre", { class: "json", "data-testid": "plan-json", tabindex: 0 }, json),
  );
}
