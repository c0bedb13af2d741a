// The playground page: files in an editor, settings, and the planner's views — all computed by
// meshgate-core compiled to WebAssembly, in a worker. This wires the parts together and boots.
import { app } from "./app";
import { byId } from "./dom";
import { chooseFromMenu, loadExample, loadExampleIndex, renderMenu } from "./examples";
import { wireConvert } from "./convert";
import { wireFiles } from "./files";
import { keep } from "./keep";
import { connect, simulate } from "./planner";
import { buildViews, renderAll, selectView } from "./render";
import { wireSettings } from "./settings";
import { wireTheme } from "./theme";
import { downloadWorkspace, openFile, share } from "./transfer";
import { currentState, lastFragment, saveNow, setBrokenLink, type EntryState } from "./share";
import {
  defaultSettings,
  HASH_PREFIX,
  loadMeta,
  loadStored,
  normalizeState,
  sameWork,
  type SharedState,
} from "./state";
import { clearNotice, showBanner } from "./ui";
import { renderEnvoyView } from "./views/envoy";
import { renderPlanView } from "./views/plan";
import { onSimulatePair } from "./views/intentions";
import { showSimulation, showSimulationError, simulatePair } from "./views/simulate";
import { applyState, changed, keepCurrent, keptLabel, openFragment, worthKeeping } from "./workspace";

let firstViewMarked = false;

function fatal(message: string): void {
  showBanner(message);
  console.error(message);
}

connect({
  ready(version) {
    performance.mark("mg:planner-ready");
    byId("version").textContent = `meshgate ${version}`;
    byId("loading-text").textContent = "Planning the files…";
  },
  fatal(message) {
    byId("loading").hidden = true;
    fatal(message);
  },
  loaded(_views, ms) {
    renderAll(ms);
    if (!firstViewMarked) {
      firstViewMarked = true;
      performance.mark("mg:first-view");
      byId("loading").hidden = true;
      byId("views").removeAttribute("aria-busy");
      // Caching for offline use waits until the page is up (it downloads every file once more).
      registerServiceWorker();
    }
    if (app.lastSimulation) simulate(app.lastSimulation);
  },
  simulated: showSimulation,
  simulateFailed: showSimulationError,
  gatewayPlan: () => renderPlanView(),
  envoy: () => renderEnvoyView(),
  failed: showBanner,
});

/** A link that could not be opened: says why until dismissed, and leaves the URL alone meanwhile. */
function brokenLink(error: unknown): void {
  setBrokenLink(true);
  showBanner(`This link could not be opened: ${(error as Error).message}. Showing your last files instead; the link stays in the address bar.`, {
    onDismiss: () => {
      setBrokenLink(false);
      void saveNow();
    },
  });
}

/** Back and Forward: the entry's workspace comes back (kept first when the current one is work). */
async function onPopState(event: PopStateEvent): Promise<void> {
  const entry = event.state as EntryState | null;
  let state: SharedState;
  let origin = { example: "", edited: false };
  if (entry && typeof entry.mg === "string") {
    try {
      state = normalizeState(JSON.parse(entry.mg));
      origin = entry.origin ?? origin;
    } catch {
      return;
    }
  } else if (location.hash.startsWith(HASH_PREFIX) && location.hash !== lastFragment()) {
    // A link pasted into this tab.
    try {
      state = await openFragment(location.hash);
    } catch (error) {
      brokenLink(error);
      return;
    }
  } else {
    return;
  }
  if (sameWork(state, currentState()) && !entry) return;
  keepCurrent();
  applyState(state, origin);
  clearNotice();
  renderMenu();
  void saveNow();
}

onSimulatePair((source, destination) => {
  simulatePair({
    source: source.name,
    source_namespace: source.namespace === "default" ? "" : source.namespace,
    source_partition: source.partition === "default" ? "" : source.partition,
    source_peer: source.peer,
    destination: destination.name,
    destination_namespace: destination.namespace === "default" ? "" : destination.namespace,
  });
  selectView("simulate", true);
});

function wire(): void {
  wireTheme();
  wireFiles(changed);
  wireConvert();
  wireSettings(changed);
  byId<HTMLSelectElement>("examples").addEventListener("change", (event) => {
    chooseFromMenu((event.target as HTMLSelectElement).value);
  });
  byId("share").addEventListener("click", () => void share());
  byId("workspace-download").addEventListener("click", downloadWorkspace);
  const upload = byId<HTMLInputElement>("workspace-upload");
  upload.addEventListener("change", () => void openFile(upload));
  window.addEventListener("popstate", (event) => void onPopState(event));
}

async function boot(): Promise<void> {
  buildViews();
  selectView("routes");
  wire();
  const examples = loadExampleIndex();
  const stored = loadStored();
  const meta = loadMeta();
  if (location.hash.startsWith(HASH_PREFIX)) {
    try {
      const state = await openFragment(location.hash);
      await examples;
      // The user's own workspace is kept before a link replaces it.
      if (stored && worthKeeping(stored, meta) && !sameWork(stored, state)) {
        keep(stored, keptLabel(meta));
        renderMenu();
      }
      applyState(state, { example: "", edited: false });
      void saveNow();
      return;
    } catch (error) {
      brokenLink(error);
    }
  }
  if (stored) {
    applyState(stored, meta);
    await examples;
    renderMenu();
    void saveNow();
    return;
  }
  await examples;
  const first = app.examples[0];
  if (first) {
    await loadExample(first.id, false);
  } else {
    applyState({ files: [], settings: defaultSettings() }, { example: "", edited: false });
  }
}

/** Offline after the first visit: the service worker caches the built files. */
function registerServiceWorker(): void {
  if (!("serviceWorker" in navigator) || !location.protocol.startsWith("http")) return;
  navigator.serviceWorker.register("sw.js").then(
    () => navigator.serviceWorker.ready.then(() => (document.body.dataset.offline = "ready")),
    (error: Error) => console.warn(`offline use is not available: ${error.message}`),
  );
}

byId("views").setAttribute("aria-busy", "true");
void boot();
