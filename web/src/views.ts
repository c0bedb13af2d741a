// The result views. Each renders one value the planner computed; none decides anything itself.
import { h } from "./dom";
import { drawChain } from "./graph";
import type {
  Cell,
  ChainView,
  EnvoyView,
  GatewayIntention,
  GatewayPlanView,
  GatewaysView,
  GatewayView,
  HostView,
  LinkedRow,
  ListenerView,
  MeshRow,
  RoutesView,
  TargetView,
  TcpView,
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

// ----------------------------------------------------------------------------- gateways

/** A long name, written with `<td>` for the trust domain; the full name is its tooltip. */
function shortName(short: string, full: string): HTMLElement {
  // Line breaks go after dots and slashes, so a name wraps between its labels.
  const parts = short.split(/(?<=[./])/);
  return h(
    "code",
    { class: "name", title: full },
    parts.flatMap((p, i) => (i ? [h("wbr"), p] : [p])),
  );
}

function weighted(targets: TargetView[]): HTMLElement {
  return h(
    "ul",
    { class: "targets" },
    targets.map((t) =>
      h(
        "li",
        { title: `cluster ${t.cluster}\nSNI ${t.sni}` },
        h("span", { class: "weight" }, `${t.weight}%`),
        " ",
        h("span", { class: "target" }, t.label),
        t.filters.length ? h("span", { class: "muted small" }, ` (${t.filters.join(", ")})`) : null,
      ),
    ),
  );
}

function intentionList(rows: GatewayIntention[], none: string, jump: Jump): HTMLElement {
  if (!rows.length) return h("span", { class: "muted" }, none);
  return h(
    "ol",
    { class: "gw-intentions" },
    rows.flatMap((i) => {
      const kind = i.action === "allow" || i.action === "deny" ? i.action : "l7";
      const item = h(
        "li",
        { title: `precedence ${i.precedence}` },
        h("span", { class: "rank" }, `${i.rank}.`),
        " ",
        i.label,
        " ",
        h("span", { class: `badge ${kind}` }, i.action),
        " ",
        originButton(i.origin, jump),
      );
      // A space between items, for when they sit on one line.
      return [item, " "];
    }),
  );
}

function headRow(titles: string[]): HTMLElement {
  return h("thead", {}, h("tr", {}, titles.map((t) => h("th", { scope: "col" }, t))));
}

function meshTable(rows: MeshRow[], jump: Jump): HTMLElement {
  if (!rows.length) return empty("No SNI rows.");
  return h(
    "table",
    { class: "gw-routes mesh", "data-testid": "gateway-route-table" },
    h("caption", {}, "SNI → destination: exact names first, then wildcard names. The TLS connection passes through, never decrypted."),
    headRow(["#", "SNI", "Destination", "Cluster", "Written at"]),
    h(
      "tbody",
      {},
      rows.flatMap((r, i) => {
        const row = h(
          "tr",
          { "data-match": r.match, class: r.note ? "has-note" : null },
          h("td", { class: "num" }, i + 1),
          h(
            "td",
            { class: "sni" },
            shortName(r.sni_short, r.sni),
            r.match === "suffix" ? " " : null,
            r.match === "suffix" ? h("span", { class: "badge wildcard", title: "any name ending in what follows *." }, "wildcard") : null,
          ),
          h(
            "td",
            {},
            r.destination,
            r.exported_to.length ? h("div", { class: "muted small" }, `also dialled by ${r.exported_to.join(", ")}`) : null,
          ),
          h("td", { class: "sni" }, r.cluster_is_sni ? h("span", { class: "muted", title: r.cluster }, "= SNI") : shortName(r.cluster_short, r.cluster)),
          h("td", {}, originButton(r.origin, jump)),
        );
        return r.note ? [row, h("tr", { class: "note" }, h("td", { colspan: 5 }, `↳ ${r.note}`))] : [row];
      }),
    ),
  );
}

function terminatingTable(rows: LinkedRow[], none: string, jump: Jump): HTMLElement {
  if (!rows.length) return empty("No linked services: add a terminating-gateway entry with this gateway's name.");
  return h(
    "table",
    { class: "gw-routes terminating", "data-testid": "gateway-route-table" },
    h(
      "caption",
      {},
      "Linked services: mesh clients dial the SNI; the gateway terminates their mTLS as the service, enforces its intentions, and forwards to the external address.",
    ),
    headRow(["Service", "SNI", "External address", "TLS origination"]),
    rows.map((r) =>
      h(
        "tbody",
        { "data-service": r.service },
        h(
          "tr",
          { class: "main" },
          h(
            "td",
            {},
            h("strong", {}, r.service),
            h("div", { class: "muted small" }, [r.protocol, ...r.details].join(" · ")),
            originButton(r.origin, jump),
          ),
          h(
            "td",
            { class: "sni" },
            shortName(r.sni_short, r.sni),
            h("div", { class: "muted small" }, "as ", shortName(r.identity_short, r.identity)),
          ),
          h(
            "td",
            {},
            r.endpoints.length ? r.endpoints.map((e) => h("div", {}, h("code", { class: "endpoint" }, e))) : h("span", { class: "muted" }, "(none)"),
          ),
          h("td", { class: "tls" }, h("span", { class: `tls-mode ${r.tls_mode}` }, r.tls)),
        ),
        h(
          "tr",
          { class: "sub", "data-testid": "linked-intentions" },
          h(
            "td",
            { colspan: 4 },
            h("span", { class: "muted small" }, "Intentions, the first that matches decides: "),
            intentionList(r.intentions, none, jump),
          ),
        ),
        r.notes.length ? h("tr", { class: "note" }, h("td", { colspan: 4 }, r.notes.map((n) => h("div", {}, `↳ ${n}`)))) : null,
      ),
    ),
  );
}

function hostRows(host: HostView, filters: boolean, jump: Jump): HTMLTableRowElement[] {
  const hostCell = h(
    "td",
    { class: "host", rowspan: Math.max(host.routes.length, 1) },
    host.domains.map((d) => h("div", {}, shortName(d, d))),
    host.service ? h("div", { class: "muted small" }, `service ${host.service}`) : null,
    host.filters.length ? h("div", { class: "muted small" }, `every route: ${host.filters.join(", ")}`) : null,
  );
  if (!host.routes.length) {
    return [h("tr", {}, hostCell, h("td", {}), h("td", { class: "muted" }, "(no routes) ", originButton(host.origin, jump)), h("td", {}), filters ? h("td", {}) : null)];
  }
  return host.routes.map((r, i) =>
    h(
      "tr",
      { class: i === 0 ? "host-start" : null },
      i === 0 ? hostCell : null,
      h("td", { class: "num" }, i + 1),
      h(
        "td",
        { class: "match" },
        h("div", {}, h("code", {}, r.path)),
        r.conditions.map((c) => h("div", {}, h("span", { class: "muted small" }, "and "), h("code", {}, c))),
        originButton(r.origin, jump),
      ),
      h("td", {}, r.no_target ? h("span", { class: "muted" }, r.no_target) : weighted(r.targets)),
      filters ? h("td", { class: "small" }, r.filters.map((f) => h("div", {}, f))) : null,
    ),
  );
}

function tcpTable(rows: TcpView[], jump: Jump): HTMLElement {
  return h(
    "table",
    { class: "gw-routes tcp", "data-testid": "gateway-route-table" },
    headRow(["Connections", "Service", "Targets", "Written at"]),
    h(
      "tbody",
      {},
      rows.map((t) =>
        h("tr", {}, h("td", {}, t.what), h("td", {}, t.service), h("td", {}, weighted(t.targets)), h("td", {}, originButton(t.origin, jump))),
      ),
    ),
  );
}

function listenerSection(l: ListenerView, jump: Jump): HTMLElement {
  const filters = l.hosts.some((host) => host.routes.some((r) => r.filters.length > 0));
  return h(
    "section",
    { class: "listener", "data-port": l.port, "data-listener": l.name || String(l.port) },
    h(
      "h5",
      {},
      l.title,
      l.tls ? " " : null,
      l.tls ? h("span", { class: "badge tls" }, "TLS") : null,
      " ",
      originButton(l.origin, jump),
    ),
    l.hosts.length
      ? h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "gw-routes http", "data-testid": "gateway-route-table" },
            h("caption", {}, "Host → routes in order (the first that matches wins) → weighted targets"),
            headRow(["Host", "#", "Match (written at)", "Targets", ...(filters ? ["Filters"] : [])]),
            h(
              "tbody",
              {},
              l.hosts.flatMap((host) => hostRows(host, filters, jump)),
            ),
          ),
        )
      : null,
    l.tcp.length ? h("div", { class: "table-scroll" }, tcpTable(l.tcp, jump)) : null,
    l.empty ? empty(l.empty) : null,
  );
}

/**
 * Gives each body cell its column's title (`data-label`), which a narrow window shows above the
 * cell when the rows stack. Cells left out by a rowspan are leading ones; full-width cells keep none.
 */
function labelCells(table: HTMLTableElement): void {
  const titles = [...table.querySelectorAll("thead th")].map((th) => th.textContent ?? "");
  for (const row of table.querySelectorAll("tbody tr")) {
    const cells = [...(row as HTMLTableRowElement).cells];
    if (cells.some((c) => c.colSpan > 1)) continue;
    const skip = titles.length - cells.length;
    cells.forEach((c, i) => c.setAttribute("data-label", titles[i + skip] ?? ""));
  }
}

/** One gateway: who it is, its route table, the intentions it enforces, and notes. */
export function renderGateway(g: GatewayView, view: GatewaysView, jump: Jump): HTMLElement {
  const t = g.table;
  let table: HTMLElement | HTMLElement[];
  switch (t.kind) {
    case "mesh-gateway":
      table = h("div", { class: "table-scroll" }, meshTable(t.routes, jump));
      break;
    case "terminating-gateway":
      table = h("div", { class: "table-scroll" }, terminatingTable(t.services, view.no_intention, jump));
      break;
    case "ingress-gateway":
    case "api-gateway":
      table = t.listeners.length ? t.listeners.map((l) => listenerSection(l, jump)) : empty("No listeners.");
      break;
  }
  const section = h(
    "section",
    { class: "gateway", "data-gateway": g.key, "data-kind": g.kind, "data-testid": "gateway-routes" },
    h(
      "h3",
      {},
      g.key,
      h("span", { class: "muted" }, ` · ${g.summary} `),
      originButton(g.origin, jump),
    ),
    table,
    g.fallback ? h("p", { class: "fallback muted small" }, `Otherwise: ${g.fallback}.`) : null,
    g.intentions
      ? h(
          "div",
          { class: "gw-intentions-block", "data-testid": "gateway-intentions" },
          h("h5", {}, g.intentions.title),
          intentionList(g.intentions.rows, view.no_intention, jump),
        )
      : null,
    g.notes.length ? h("ul", { class: "gw-notes", "data-testid": "gateway-notes" }, g.notes.map((n) => h("li", {}, n))) : null,
  );
  for (const table of section.querySelectorAll<HTMLTableElement>("table.gw-routes")) labelCells(table);
  return section;
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

/** Saves `text` as a file named `name` (the browser's download). */
function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text + "\n"], { type: "application/json" }));
  const a = h("a", { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function jsonPanel(json: string, caption: (Node | string)[], fileName: string, copy: (text: string) => void, what: string): HTMLElement {
  return h(
    "div",
    { "data-testid": "plan-shown", "data-plan": what },
    h(
      "div",
      { class: "toolbar" },
      h("span", { class: "muted" }, caption),
      h("button", { type: "button", onclick: () => copy(json), "data-testid": "plan-copy" }, "Copy"),
      h("button", { type: "button", onclick: () => download(json, fileName), "data-testid": "plan-download" }, "Download"),
    ),
    h("pre", { class: "json", "data-testid": "plan-json", tabindex: 0, "aria-label": `${what} JSON` }, json),
  );
}

export function renderPlan(view: PlanView, actions: { copy: (text: string) => void }): HTMLElement {
  if (view.json === null) {
    return h("p", { class: "empty", "data-testid": "plan-withheld" }, view.withheld ?? "No plan.");
  }
  return jsonPanel(
    view.json,
    [`Plan format version ${view.version} — what `, h("code", {}, "meshgate plan"), " prints"],
    "meshgate-plan.json",
    actions.copy,
    "whole plan",
  );
}

/** One gateway's GatewayPlan: the filter's configuration. */
export function renderGatewayPlan(view: GatewayPlanView, actions: { copy: (text: string) => void }): HTMLElement {
  if (view.json === null) {
    return h("p", { class: "empty", "data-testid": "plan-withheld" }, view.withheld ?? "No GatewayPlan.");
  }
  return jsonPanel(
    view.json,
    [
      `GatewayPlan version ${view.version} · hash `,
      h("code", { "data-testid": "plan-hash" }, view.hash ?? ""),
      " — what ",
      h("code", {}, `meshgate plan --gateway ${view.gateway}`),
      " prints and the filter receives",
    ],
    view.file_name,
    actions.copy,
    `GatewayPlan ${view.gateway}`,
  );
}

// ----------------------------------------------------------------------------- envoy

/** One gateway's Envoy bootstrap, with what it leaves out. */
export function renderEnvoy(view: EnvoyView, actions: { copy: (text: string) => void }): HTMLElement {
  if (view.bootstrap === null) {
    return h("p", { class: "empty", "data-testid": "envoy-withheld" }, view.withheld ?? "No bootstrap.");
  }
  const bootstrap = view.bootstrap;
  return h(
    "div",
    { "data-testid": "envoy-shown", "data-gateway": view.gateway },
    h(
      "div",
      { class: "toolbar" },
      h(
        "span",
        { class: "muted" },
        `Envoy bootstrap for ${view.gateway}: its listeners, a cluster per target, and filter.wasm with the GatewayPlan inline. JSON, which Envoy also reads as YAML.`,
      ),
      h("button", { type: "button", onclick: () => actions.copy(bootstrap), "data-testid": "envoy-copy" }, "Copy"),
      h("button", { type: "button", onclick: () => download(bootstrap, view.file_name), "data-testid": "envoy-download" }, "Download"),
    ),
    h("p", { class: "command small" }, "Same as ", h("code", { "data-testid": "envoy-command" }, view.command)),
    view.notes.length
      ? h("ul", { class: "gw-notes", "data-testid": "envoy-notes" }, view.notes.map((n) => h("li", {}, n)))
      : null,
    h("pre", { class: "json", "data-testid": "envoy-json", tabindex: 0, "aria-label": `Envoy bootstrap for ${view.gateway}` }, bootstrap),
  );
}
