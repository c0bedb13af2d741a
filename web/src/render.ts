// The views pane: the view tabs and panels, switching between them, and rendering the planner's
// answer for the current files (the status line, the problems, every view).
import { app, VIEWS, type ViewId } from "./app";
import { byId, h } from "./dom";
import { applyDiagnostics, renderDiagnostics, renderFileTabs } from "./files";
import { scheduleSave } from "./share";
import { hideBanner, setBusy, tabKeys } from "./ui";
import { onArrival } from "./need";
import { buildEnvoy, renderEnvoyView } from "./views/envoy";
import { buildIntentions, renderIntentionsView } from "./views/intentions";
import { buildPlan, renderPlanView } from "./views/plan";
import { buildRoutes, renderRoutesView } from "./views/routes";
import { buildSimulate, buildSimulateResult, renderSimulateView } from "./views/simulate";
import { renderUpstreamsView } from "./views/upstreams";

const RENDER: Record<ViewId, () => void> = {
  routes: renderRoutesView,
  upstreams: renderUpstreamsView,
  intentions: renderIntentionsView,
  simulate: renderSimulateView,
  envoy: renderEnvoyView,
  plan: renderPlanView,
};

/** Views not rendered since the latest answer: each renders when it is shown. */
const stale = new Set<ViewId>();

function renderView(id: ViewId): void {
  stale.delete(id);
  RENDER[id]();
}

onArrival(() => renderView(app.view));

export function buildViews(): void {
  const tabs = byId("view-tabs");
  const panels = byId("views");
  panels.append(h("p", { id: "views-notice", class: "notice", hidden: true, "data-testid": "views-notice" }));
  for (const v of VIEWS) {
    tabs.append(
      h(
        "button",
        {
          type: "button",
          role: "tab",
          id: `view-tab-${v.id}`,
          class: "tab",
          "aria-controls": `view-${v.id}`,
          "data-testid": `view-tab-${v.id}`,
          onclick: () => selectView(v.id),
        },
        v.title,
      ),
    );
    const panel = h("section", {
      id: `view-${v.id}`,
      role: "tabpanel",
      "aria-labelledby": `view-tab-${v.id}`,
      class: "view",
      "data-testid": `view-${v.id}`,
      tabindex: 0,
    });
    if (v.id === "simulate") buildSimulate(panel);
    if (v.id === "routes") buildRoutes(panel);
    if (v.id === "plan") buildPlan(panel);
    if (v.id === "envoy") buildEnvoy(panel);
    if (v.id === "intentions") buildIntentions(panel);
    panel.append(h("div", { id: `view-${v.id}-body` }));
    panels.append(panel);
  }
  buildSimulateResult();
  tabKeys(tabs, (tab) => {
    const id = tab.id.replace("view-tab-", "") as ViewId;
    selectView(id, true);
  });
}

export function selectView(id: ViewId, focus = false): void {
  if (app.view !== id) scheduleSave();
  app.view = id;
  for (const v of VIEWS) {
    const tab = byId(`view-tab-${v.id}`);
    const on = v.id === id;
    tab.setAttribute("aria-selected", on ? "true" : "false");
    tab.tabIndex = on ? 0 : -1;
    byId(`view-${v.id}`).hidden = !on;
  }
  if (focus) byId(`view-tab-${id}`).focus();
  if (stale.has(id) || id === "envoy") renderView(id);
}

let renders = 0;

/** Renders the planner's latest answer; `ms` is how long the planner took. */
export function renderAll(ms: number): void {
  const views = app.views;
  if (!views) return;
  // For tests and tools: how many times the views were rendered.
  document.body.dataset.renders = String(++renders);
  setBusy(false);
  hideBanner();
  renderDiagnostics();
  applyDiagnostics();
  renderFileTabs();
  const s = views.diagnostics.summary;
  byId("status").textContent =
    `${s.valid ? "valid" : "invalid"} · ${s.files} file${s.files === 1 ? "" : "s"} · ${s.entries} entr${s.entries === 1 ? "y" : "ies"} · ${s.services} service definition${s.services === 1 ? "" : "s"} · planned in ${ms.toFixed(1)} ms`;
  byId("status").dataset.valid = String(s.valid);
  const notice = byId("views-notice");
  notice.hidden = s.valid;
  notice.textContent = s.valid
    ? ""
    : `The files have ${s.errors} error${s.errors === 1 ? "" : "s"}: the views show what could be read, and there is no plan until ${s.errors === 1 ? "it is" : "they are"} fixed.`;
  // Only the view shown renders now; the others when they are shown.
  for (const v of VIEWS) stale.add(v.id);
  renderView(app.view);
}
