// Replacing the whole workspace (an example, a link, storage) and reacting to a change in it.
import { app, type ViewId } from "./app";
import { byId } from "./dom";
import { editor, selectFile } from "./files";
import { loadNow, scheduleLoad } from "./planner";
import { selectView } from "./render";
import { writeSettingsForm } from "./settings";
import { adoptFragment, scheduleSave } from "./share";
import { decodeFragment, store, type SharedState } from "./state";
import { showBanner } from "./ui";

/** After every change to the files or settings: plan again, save again. */
export function changed(): void {
  scheduleLoad();
  scheduleSave();
}

/** Replaces every file and setting (an example, a link, storage). */
export function applyState(state: SharedState, view?: ViewId, example = ""): void {
  document.body.dataset.example = example;
  editor.reset();
  app.files = state.files.map((f) => ({ id: app.nextId++, name: f.name, text: f.text }));
  if (!app.files.length) app.files.push({ id: app.nextId++, name: "config.hcl", text: "" });
  app.settings = state.settings;
  app.active = -1;
  app.views = null;
  app.lastSimulation = null;
  app.gateway = null;
  app.planGateway = null;
  app.gatewayPlan = null;
  app.envoy.gateway = null;
  app.envoyView = null;
  app.envoyFor = "";
  writeSettingsForm(app.settings);
  if (view) selectView(view);
  byId("simulate-result").replaceChildren();
  selectFile(app.files[0].id);
  loadNow();
}

/** Opens the state in the URL's fragment; false (with a banner) when it cannot be read. */
export async function restoreFromHash(): Promise<boolean> {
  try {
    const state = await decodeFragment(location.hash);
    adoptFragment(location.hash);
    applyState(state);
    store(state);
    return true;
  } catch (error) {
    showBanner(`This link could not be opened: ${(error as Error).message}. Showing your last files instead.`);
    return false;
  }
}
