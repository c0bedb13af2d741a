// The Upstreams view: per connect proxy, each upstream's target, SNI, mesh gateway mode and the
// level that set it, and what is dialled; then, for each upstream bound to a local port, where its
// listener dials each target (and failover target) with the identities on both ends.
import { app } from "../app";
import { byId, h } from "../dom";
import { jump } from "../files";
import { empty, originButton, type Jump } from "./common";
import { dialsTable } from "./gateways";
import type { UpstreamResolution, UpstreamsView, UpstreamView } from "../api";

/** Each listener's dials, after the table; an upstream without a local port has no listener. */
function listenerDials(upstreams: UpstreamView[]): HTMLElement[] {
  return upstreams.map((u) =>
    h(
      "div",
      { class: "upstream-dials", "data-upstream": u.resolution.destination, "data-testid": "upstream-dials" },
      u.listener
        ? dialsTable(u.targets, `${u.resolution.destination} on ${u.listener} dials`) ?? empty(`${u.resolution.destination}: no targets.`)
        : h("p", { class: "muted small" }, `${u.resolution.destination}: no local_bind_port: no listener, nothing is dialled.`),
    ),
  );
}

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
        h("p", { class: "facts small" }, "Dials as ", h("code", { title: p.presents }, p.presents_short)),
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
                  p.upstreams.flatMap((u) => upstreamRow(u.resolution, jump)),
                ),
              ),
            )
          : empty("No upstreams."),
        listenerDials(p.upstreams),
      ),
    ),
  );
}

export function renderUpstreamsView(): void {
  const views = app.views;
  if (views) byId("view-upstreams-body").replaceChildren(renderUpstreams(views.upstreams, jump));
}
