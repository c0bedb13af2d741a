// A gateway's route table as the planner computed it: mesh (SNI rows), terminating (linked
// services), ingress and API (listeners → hosts → routes → weighted targets).
import { h } from "../dom";
import { empty, headRow, originButton, type Jump } from "./common";
import type {
  GatewayIntention,
  GatewaysView,
  GatewayView,
  HostView,
  LinkedRow,
  ListenerView,
  MeshRow,
  TargetView,
  TcpView,
} from "../api";

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
