// The Routes view: every gateway's and sidecar's route table (a picker when there are several), then
// each discovery chain's route table and graph.
import { app, routesGateway } from "../app";
import { byId, h } from "../dom";
import { jump } from "../files";
import { drawChain } from "../graph";
import { scheduleSave } from "../share";
import { setOptions } from "../ui";
import { need, pending } from "../need";
import { empty, originButton, type Jump } from "./common";
import { renderGateway } from "./gateways";
import { unregisteredOffer } from "./register";
import type { ChainView, RoutesView } from "../api";

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

export function buildRoutes(panel: HTMLElement): void {
  panel.append(gatewaysSection(), h("h2", { class: "view-section" }, "Discovery chains"));
}

function gatewaysSection(): HTMLElement {
  const picker = h("select", { id: "gateway-picker", "data-testid": "gateway-picker" });
  picker.addEventListener("change", () => {
    app.gateway = picker.value;
    scheduleSave();
    renderGatewayBody();
  });
  return h(
    "section",
    { class: "gateways", "data-testid": "gateways", "aria-labelledby": "gateways-title" },
    h(
      "div",
      { class: "section-head" },
      h("h2", { class: "view-section", id: "gateways-title" }, "Gateways"),
      h("label", { id: "gateway-picker-label", class: "picker", hidden: true }, "Gateway or sidecar ", picker),
    ),
    h("p", { id: "gateways-facts", class: "facts small" }),
    h("div", { id: "gateway-body" }),
  );
}

function renderGateways(): void {
  const view = app.views?.gateways;
  if (!view) return;
  const n = view.gateways.length;
  const sidecars = view.gateways.filter((g) => g.kind === "connect-proxy").length;
  const gateways = n - sidecars;
  const counts = [
    gateways ? `${gateways} gateway${gateways === 1 ? "" : "s"}` : null,
    sidecars ? `${sidecars} sidecar${sidecars === 1 ? "" : "s"}` : null,
  ].filter((c) => c !== null);
  byId("gateways-facts").textContent = n ? `${counts.join(" · ")} · <td> stands for the trust domain ${view.trust_domain}` : "";
  byId("gateway-picker-label").hidden = n < 2;
  setOptions(
    byId<HTMLSelectElement>("gateway-picker"),
    view.gateways.map((g) => ({ value: g.key, label: g.label })),
    routesGateway() ?? "",
  );
  renderGatewayBody();
}

function renderGatewayBody(): void {
  const view = app.views?.gateways;
  if (!view) return;
  const key = routesGateway();
  const chosen = view.gateways.find((g) => g.key === key);
  byId("gateway-body").replaceChildren(
    ...[unregisteredOffer()].filter((e) => e !== null),
    chosen
      ? renderGateway(chosen, view, jump)
      : h(
          "p",
          { class: "empty" },
          "No gateways: register a service of kind mesh-gateway, terminating-gateway, ingress-gateway or api-gateway, or a service with a sidecar_service, to see its route table.",
        ),
  );
}

export function renderRoutesView(): void {
  const views = app.views;
  if (!views) return;
  renderGateways();
  const body = byId("view-routes-body");
  if (!need(["routes"]) || !views.routes) {
    body.replaceChildren(pending("the discovery chains"));
    return;
  }
  body.replaceChildren(renderRoutes(views.routes, jump));
  if (!performance.getEntriesByName("mg:first-routes").length) performance.mark("mg:first-routes");
}
