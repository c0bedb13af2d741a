// The Envoy view: the bootstrap `meshgate envoy --gateway KEY` (`--sidecar KEY`) writes for the
// chosen gateway or sidecar (filter.wasm path, certificates directory and admin port in a small
// form), with copy and download.
import { app, envoyGateway, envoyRequest } from "../app";
import { byId, h } from "../dom";
import { envoyAsked, requestEnvoy } from "../planner";
import { scheduleSave } from "../share";
import { copyText, setOptions } from "../ui";
import { download } from "./common";
import { unregisteredOffer } from "./register";
import type { EnvoyView } from "../api";

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

let envoyTimer: ReturnType<typeof setTimeout> | undefined;

export function buildEnvoy(panel: HTMLElement): void {
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
    h("label", {}, "Gateway or sidecar", select),
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
    if (event.target === select) scheduleSave();
    clearTimeout(envoyTimer);
    // Typing waits a moment; choosing a gateway does not.
    envoyTimer = setTimeout(renderEnvoyView, event.target === select ? 0 : 250);
  });
  panel.append(form);
}

function renderEnvoyChoice(): void {
  const gateways = app.views?.gateways.gateways ?? [];
  byId("envoy-form").hidden = !gateways.length;
  setOptions(
    byId<HTMLSelectElement>("envoy-gateway"),
    gateways.map((g) => ({ value: g.key, label: g.label })),
    envoyGateway() ?? "",
  );
}

/** Shows the bootstrap for the form's request, asking the worker first when it is not at hand. */
export function renderEnvoyView(): void {
  if (!app.views || app.view !== "envoy") return;
  renderEnvoyChoice();
  const body = byId("view-envoy-body");
  const request = envoyRequest();
  if (!request) {
    body.replaceChildren(
      h("p", { class: "empty" }, "No gateways: register a service of kind mesh-gateway, terminating-gateway, ingress-gateway or api-gateway, or a service with a sidecar_service, to generate its Envoy bootstrap."),
      ...[unregisteredOffer()].filter((e) => e !== null),
    );
    return;
  }
  const wanted = JSON.stringify(request);
  if (app.envoyFor !== wanted || !app.envoyView) {
    if (!envoyAsked(wanted)) requestEnvoy(request);
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
