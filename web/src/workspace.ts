// Replacing the whole workspace (an example, a link, a file, Back and Forward, the user's kept
// work) without losing the one it replaces, and reacting to a change in it.
import { app, type ViewId, VIEWS } from "./app";
import { byId } from "./dom";
import { editor, selectFile } from "./files";
import { keep } from "./keep";
import { loadNow, noteEdit, scheduleLoad } from "./planner";
import { selectView } from "./render";
import { writeSettingsForm } from "./settings";
import { adoptFragment, currentState, noteChange, saveNow, scheduleSave } from "./share";
import { decodeFragment, isBlank, type Meta, type SharedState } from "./state";
import { writeSimulateQuery } from "./views/simulate";

/** After every change the user makes to the files or settings: plan again, save again. */
export function changed(): void {
  if (!app.origin.edited) app.origin.edited = true;
  noteChange();
  noteEdit();
  scheduleLoad();
  scheduleSave();
}

/** Whether replacing this workspace would lose work: the user changed it, or it is their own. */
export function worthKeeping(state: SharedState, origin: Meta): boolean {
  return !isBlank(state) && (origin.edited || origin.example === "");
}

/** How the kept-work list names a workspace. */
export function keptLabel(origin: Meta): string {
  if (!origin.example) return "My workspace";
  const title = app.examples.find((e) => e.id === origin.example)?.title ?? origin.example;
  return `My workspace (from ${title})`;
}

/** Keeps the current workspace when replacing it would lose work; true when it did. */
export function keepCurrent(): boolean {
  const state = currentState();
  if (!worthKeeping(state, app.origin)) return false;
  keep(state, keptLabel(app.origin));
  return true;
}

/** Replaces every file and setting, and where the user was when the state says so. */
export function applyState(state: SharedState, origin: Meta, view?: ViewId): void {
  document.body.dataset.example = origin.edited ? "" : origin.example;
  app.origin = { ...origin };
  editor.reset();
  app.files = state.files.map((f) => ({ id: app.nextId++, name: f.name, text: f.text }));
  if (!app.files.length) app.files.push({ id: app.nextId++, name: "config.hcl", text: "" });
  app.settings = state.settings;
  app.active = -1;
  app.views = null;
  app.lastSimulation = null;
  const ui = state.ui;
  app.gateway = ui?.gateway || null;
  app.planGateway = ui?.plan || null;
  app.gatewayPlan = null;
  app.envoy.gateway = ui?.envoy || null;
  app.envoyView = null;
  app.envoyFor = "";
  writeSettingsForm(app.settings);
  const shown = VIEWS.find((v) => v.id === ui?.view)?.id ?? view;
  if (shown) selectView(shown);
  byId("simulate-result").replaceChildren();
  writeSimulateQuery(ui?.simulate ?? null);
  const file = app.files.find((f) => f.name === ui?.file) ?? app.files[0];
  selectFile(file.id);
  loadNow();
}

/**
 * Replaces the workspace with another, keeping the current one first when that would lose work,
 * and makes a history entry for it (Back returns to the one replaced). True when work was kept.
 */
export function replaceWorkspace(state: SharedState, origin: Meta, view?: ViewId, push = true): boolean {
  const kept = keepCurrent();
  applyState(state, origin, view);
  void saveNow(push);
  return kept;
}

/** Opens the state in the URL's fragment; throws (with a reason) when it cannot be read. */
export async function openFragment(fragment: string): Promise<SharedState> {
  const state = await decodeFragment(fragment);
  adoptFragment(fragment);
  return state;
}
