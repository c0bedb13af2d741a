// The Plan view: the whole compiled plan (`meshgate plan`) or, chosen in a menu, one gateway's
// GatewayPlan (`meshgate plan --gateway KEY`), with copy and download.
import { app } from "../app";
import { byId, h } from "../dom";
import { requestGatewayPlan } from "../planner";
import { scheduleSave } from "../share";
import { copyText, setOptions } from "../ui";
import { need, pending } from "../need";
import { download } from "./common";
import type { GatewayPlanView, PlanView } from "../api";

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

export function buildPlan(panel: HTMLElement): void {
  const select = h("select", { id: "plan-select", "data-testid": "plan-select" });
  select.addEventListener("change", () => {
    app.planGateway = select.value || null;
    scheduleSave();
    renderPlanView();
  });
  panel.append(h("div", { class: "plan-choice" }, h("label", { class: "picker" }, "Show ", select)));
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

export function renderPlanView(): void {
  const views = app.views;
  if (!views) return;
  renderPlanChoice();
  const body = byId("view-plan-body");
  const key = app.planGateway;
  if (key === null) {
    body.replaceChildren(need(["plan"]) && views.plan ? renderPlan(views.plan, { copy: copyText }) : pending("the plan"));
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
