// The Upstreams view: per connect proxy, each upstream's target, SNI, mesh gateway mode and the
// level that set it, and what is dialled.
import { app } from "../app";
import { byId, h } from "../dom";
import { jump } from "../files";
import { empty, originButton, type Jump } from "./common";
import type { UpstreamResolution, UpstreamsView } from "../api";

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

export function renderUpstreamsView(): void {
  const views = app.views;
  if (views) byId("view-upstreams-body").replaceChildren(renderUpstreams(views.upstreams, jump));
}
