// A gateway's route table as the planner computed it: mesh (SNI rows and where each is forwarded),
// terminating (linked services), ingress and API (listeners → hosts → routes → weighted targets),
// sidecars (public listener, upstream listeners) — and where every target is dialled, with the
// identities on both ends, or why it cannot be (unrouted).
import { h } from "../dom";
import { empty, headRow, originButton, type Jump } from "./common";
import type {
  DialedTarget,
  DialView,
  ForwardView,
  GatewayIntention,
  GatewaysView,
  GatewayView,
  HostView,
  LinkedRow,
  ListenerView,
  MeshRow,
  TargetView,
  TcpView,
  UpstreamListenerView,
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
        {
          class: t.dial.problem ? "unrouted" : null,
          title: `cluster ${t.cluster}\nSNI ${t.sni}\n${dialText(t.dial)}`,
        },
        h("span", { class: "weight" }, `${t.weight}%`),
        " ",
        h("span", { class: "target" }, t.label),
        t.filters.length ? h("span", { class: "muted small" }, ` (${t.filters.join(", ")})`) : null,
      ),
    ),
  );
}

/** `Connect endpoints 10.0.0.5:21000`, `remote mesh gateway 10.0.2.1:8443`, or why it fails. */
function dialText(d: DialView | ForwardView): string {
  return d.problem ? `unrouted: ${d.problem}` : `${d.via_title} ${d.endpoints.join(" ")}`;
}

/** Where a dial (or a mesh row's forward) goes: how and the endpoints, or an unrouted badge. */
function dialCell(d: DialView | ForwardView): HTMLElement {
  if (d.problem) {
    return h("td", { class: "dial unrouted" }, h("span", { class: "badge unrouted", title: d.problem }, "unrouted"));
  }
  return h(
    "td",
    { class: "dial", "data-via": d.via },
    h("span", { class: "via" }, d.via_title),
    d.endpoints.map((e) => h("div", {}, h("code", { class: "endpoint" }, e))),
  );
}

/** The targets once each (by cluster), in the order given (a target several routes share is dialled alike). */
function distinct(targets: DialedTarget[]): DialedTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    if (seen.has(t.cluster)) return false;
    seen.add(t.cluster);
    return true;
  });
}

/**
 * Where each target is dialled: the SNI sent, the endpoints and how they are reached (Connect
 * endpoints, a terminating gateway, a mesh gateway), the identity the server must present; a
 * target that cannot be reached is an unrouted row followed by why. `caption` names the caller.
 */
export function dialsTable(targets: DialedTarget[], caption: string): HTMLElement | null {
  const rows: { label: string; t: DialedTarget; failover: number }[] = [];
  for (const t of distinct(targets)) {
    rows.push({ label: t.label, t, failover: 0 });
    t.failover.forEach((f, i) => rows.push({ label: f.label, t: f, failover: i + 1 }));
  }
  if (!rows.length) return null;
  const presents = [...new Set(rows.map((r) => r.t.dial.presents_short))];
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "dials", "data-testid": "dials" },
      h("caption", {}, `${caption}, mTLS as `, ...presents.flatMap((p, i) => (i ? [", ", h("code", {}, p)] : [h("code", {}, p)]))),
      headRow(["Target", "SNI", "Dials", "Expects"]),
      h(
        "tbody",
        {},
        rows.flatMap(({ label, t, failover }) => {
          const d = t.dial;
          const row = h(
            "tr",
            { "data-cluster": t.cluster, class: failover ? "failover" : null },
            h("td", { title: `cluster ${t.cluster}` }, failover ? h("span", { class: "muted" }, `↳ failover ${failover}: `) : null, label),
            h("td", { class: "sni" }, shortName(d.sni_short, d.sni)),
            dialCell(d),
            h(
              "td",
              { class: "sni" },
              shortName(d.expects_short, d.expects.value),
              d.peer ? h("div", { class: "muted small" }, `peer ${d.peer}'s CA`) : null,
            ),
          );
          const notes = [
            d.problem ? `unrouted: ${d.problem}` : null,
            d.unread_filter
              ? `subset filter \`${d.unread_filter}\` is not of a form meshgate reads: every instance is used`
              : null,
          ].filter((n): n is string => n !== null);
          // Only the first appearance of a cluster says why.
          return notes.length && rows.find((r) => r.t.cluster === t.cluster)?.t === t
            ? [row, h("tr", { class: "note", "data-testid": "dial-problem" }, h("td", { colspan: 4 }, notes.map((n) => h("div", {}, `↳ ${n}`))))]
            : [row];
        }),
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
    h(
      "caption",
      {},
      "SNI → destination: exact names first, then wildcard names, and where the connections go. The TLS connection passes through, never decrypted.",
    ),
    headRow(["#", "SNI", "Destination", "Cluster", "Forwards to", "Written at"]),
    h(
      "tbody",
      {},
      rows.flatMap((r, i) => {
        const row = h(
          "tr",
          { "data-match": r.match, "data-sni": r.sni, class: r.note || r.forward.problem ? "has-note" : null },
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
          dialCell(r.forward),
          h("td", {}, originButton(r.origin, jump)),
        );
        const notes = [r.note, r.forward.problem ? `unrouted: ${r.forward.problem}` : null].filter((n): n is string => !!n);
        return notes.length ? [row, h("tr", { class: "note" }, h("td", { colspan: 6 }, notes.map((n) => h("div", {}, `↳ ${n}`))))] : [row];
      }),
    ),
  );
}

const LINKED_CAPTION =
  "Linked services: mesh clients dial the SNI; the gateway terminates their mTLS as the service, enforces its intentions, and forwards to the external address.";
const PUBLIC_CAPTION =
  "Public listener: mesh clients dial the SNI; the sidecar terminates their mTLS as the service, enforces its intentions, and hands the request to the local application.";

function terminatingTable(rows: LinkedRow[], none: string, jump: Jump, sidecar = false): HTMLElement {
  if (!rows.length) return empty("No linked services: add a terminating-gateway entry with this gateway's name.");
  return h(
    "table",
    { class: `gw-routes terminating${sidecar ? " public" : ""}`, "data-testid": "gateway-route-table" },
    h("caption", {}, sidecar ? PUBLIC_CAPTION : LINKED_CAPTION),
    headRow(["Service", "SNI", sidecar ? "Local application" : "External address", "TLS origination"]),
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
      filters
        ? h(
            "td",
            { class: "small" },
            r.filters.map((f) => h("div", {}, f)),
            r.jwt.map((j) => h("div", { class: "jwt", "data-testid": "route-jwt" }, j)),
          )
        : null,
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

function hostsTable(hosts: HostView[], jump: Jump): HTMLElement | null {
  if (!hosts.length) return null;
  const filters = hosts.some((host) => host.routes.some((r) => r.filters.length > 0 || r.jwt.length > 0));
  return h(
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
        hosts.flatMap((host) => hostRows(host, filters, jump)),
      ),
    ),
  );
}

/** Every target of some hosts and tcp routes, in route order. */
function targetsOf(hosts: HostView[], tcp: TcpView[]): TargetView[] {
  return [...tcp.flatMap((t) => t.targets), ...hosts.flatMap((host) => host.routes.flatMap((r) => r.targets))];
}

/** One upstream listener of a sidecar: the upstream's routes, then where its targets are dialled. */
function upstreamSection(u: UpstreamListenerView, jump: Jump): HTMLElement {
  return h(
    "section",
    { class: "listener upstream", "data-port": u.port, "data-upstream": u.destination },
    h("h5", {}, u.title, " ", originButton(u.origin, jump)),
    hostsTable(u.hosts, jump),
    u.tcp.length ? h("div", { class: "table-scroll" }, tcpTable(u.tcp, jump)) : null,
    dialsTable(targetsOf(u.hosts, u.tcp), `${u.destination} on ${u.listener} dials`),
  );
}

function listenerSection(l: ListenerView, jump: Jump): HTMLElement {
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
    l.tls_details.length ? h("div", { class: "muted small", "data-testid": "listener-tls" }, l.tls_details.map((t) => h("div", {}, t))) : null,
    hostsTable(l.hosts, jump),
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
  let table: (HTMLElement | null)[];
  switch (t.kind) {
    case "mesh-gateway":
      table = [h("div", { class: "table-scroll" }, meshTable(t.routes, jump))];
      break;
    case "terminating-gateway":
      table = [h("div", { class: "table-scroll" }, terminatingTable(t.services, view.no_intention, jump))];
      break;
    case "ingress-gateway":
    case "api-gateway": {
      const targets = t.listeners.flatMap((l) => targetsOf(l.hosts, l.tcp));
      table = t.listeners.length ? t.listeners.map((l) => listenerSection(l, jump)) : [empty("No listeners.")];
      table.push(dialsTable(targets, "Dials"));
      break;
    }
    case "sidecar":
      table = [
        h("div", { class: "table-scroll" }, terminatingTable([t.public], view.no_intention, jump, true)),
        ...(t.upstreams.length
          ? t.upstreams.map((u) => upstreamSection(u, jump))
          : [empty("No upstream listeners: no upstream has a local_bind_port.")]),
      ];
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
