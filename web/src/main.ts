// The playground page: files in an editor, settings, and the planner's views — all computed by
// meshgate-core compiled to WebAssembly, in a worker. This wires the parts together and boots.
import { app } from "./app";
import { byId, h } from "./dom";
import { loadExample, loadExampleIndex } from "./examples";
import { wireFiles } from "./files";
import { connect, simulate } from "./planner";
import { buildViews, renderAll, selectView } from "./render";
import { wireSettings } from "./settings";
import { lastFragment, saveNow } from "./share";
import { defaultSettings, HASH_PREFIX, loadStored } from "./state";
import { say, showBanner } from "./ui";
import { renderEnvoyView } from "./views/envoy";
import { renderPlanView } from "./views/plan";
import { showSimulation, showSimulationError } from "./views/simulate";
import { applyState, changed, restoreFromHash } from "./workspace";

let firstViewMarked = false;

function fatal(message: string): void {
  showBanner(message);
  console.error(message);
}

connect({
  ready(version) {
    performance.mark("mg:planner-ready");
    byId("version").textContent = `meshgate ${version}`;
  },
  fatal,
  loaded(_views, ms) {
    renderAll(ms);
    if (!firstViewMarked) {
      firstViewMarked = true;
      performance.mark("mg:first-view");
    }
    if (app.lastSimulation) simulate(app.lastSimulation);
  },
  simulated: showSimulation,
  simulateFailed: showSimulationError,
  gatewayPlan: () => renderPlanView(),
  envoy: () => renderEnvoyView(),
  failed: showBanner,
});

function wire(): void {
  wireFiles(changed);
  wireSettings(changed);
  byId<HTMLSelectElement>("examples").addEventListener("change", (event) => {
    const id = (event.target as HTMLSelectElement).value;
    if (id) void loadExample(id);
  });
  byId("share").addEventListener("click", async () => {
    const fragment = await saveNow();
    const url = `${location.origin}${location.pathname}${fragment}`;
    let field = document.getElementById("share-link") as HTMLInputElement | null;
    if (!field) {
      field = h("input", { id: "share-link", class: "share-link", readonly: true, "aria-label": "Share link", "data-testid": "share-link" });
      byId("share").after(field);
    }
    field.value = url;
    try {
      await navigator.clipboard.writeText(url);
      say("Share link copied: it holds every file and setting.");
    } catch {
      field.select();
      say("Copy the share link from the box.");
    }
  });
  window.addEventListener("hashchange", () => {
    if (!location.hash.startsWith(HASH_PREFIX) || location.hash === lastFragment()) return;
    void restoreFromHash();
  });
}

async function boot(): Promise<void> {
  buildViews();
  selectView("routes");
  wire();
  const examples = loadExampleIndex();
  if (location.hash.startsWith(HASH_PREFIX) && (await restoreFromHash())) {
    await examples;
    return;
  }
  const stored = loadStored();
  if (stored) {
    applyState(stored);
    await examples;
    void saveNow();
    return;
  }
  await examples;
  const first = app.examples[0];
  if (first) {
    byId<HTMLSelectElement>("examples").value = first.id;
    await loadExample(first.id);
  } else {
    applyState({ files: [], settings: defaultSettings() });
  }
}

void boot();
