// "Convert…": a file's config entries (or one of them) written as HCL, JSON, YAML or Kubernetes
// resources, as `meshgate convert` writes them, computed in the worker. The result replaces the
// file (Undo brings it back) or opens as a new file beside it.
import { app } from "./app";
import { byId, h } from "./dom";
import { editor, freeName, renderFileTabs, selectFile } from "./files";
import { requestConvert } from "./planner";
import { changed, keepCurrent } from "./workspace";
import { notify } from "./ui";
import { renderMenu } from "./examples";

interface Target {
  to: string;
  label: string;
  ext: string;
}

const TARGETS: Target[] = [
  { to: "hcl", label: "HCL", ext: ".hcl" },
  { to: "json", label: "JSON", ext: ".json" },
  { to: "yaml", label: "YAML", ext: ".yaml" },
  { to: "crd", label: "Kubernetes (CRD)", ext: ".crd.yaml" },
];

/** The file the form converts (by id: it stays that file while other tabs are looked at). */
let fileId = -1;
/** Bumped on every opening, so a late answer about an earlier file is dropped. */
let opening = 0;

/** `web.crd.yaml`, `web.hcl` → `web`: the name without the form it is written in. */
function stem(name: string): string {
  return name.replace(/\.crd\.ya?ml$/i, "").replace(/\.(hcl|json|ya?ml)$/i, "") || name;
}

function target(): Target {
  const to = byId<HTMLSelectElement>("convert-to").value;
  return TARGETS.find((t) => t.to === to) ?? TARGETS[0];
}

/** The entry chosen ("" for all of them). */
function entry(): string {
  return byId<HTMLSelectElement>("convert-entry").value;
}

function showError(message: string): void {
  byId("convert-error").textContent = message;
}

/** Replacing the file with one entry of several would drop the others: only a new file then. */
function updateButtons(): void {
  const one = entry() !== "";
  const replace = byId<HTMLButtonElement>("convert-replace");
  replace.disabled = one;
  byId("convert-replace-note").hidden = !one;
}

/** The file's entries, grouped by name (the worker converts by name), from their JSON form. */
function entryNames(json: string): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const value: unknown = JSON.parse(json);
  for (const e of Array.isArray(value) ? value : [value]) {
    const kind = String((e as Record<string, unknown>)?.Kind ?? "");
    const name = String((e as Record<string, unknown>)?.Name ?? "");
    names.set(name, [...(names.get(name) ?? []), kind]);
  }
  return names;
}

async function openForm(): Promise<void> {
  const file = app.files.find((f) => f.id === app.active);
  if (!file) return;
  fileId = file.id;
  const ticket = ++opening;
  byId("convert-title").textContent = `Convert ${file.name}`;
  const form = byId<HTMLFormElement>("convert-form");
  form.hidden = false;
  showError("");
  const select = byId<HTMLSelectElement>("convert-entry");
  select.replaceChildren(h("option", { value: "" }, "Every entry"));
  byId("convert-entry-label").hidden = true;
  updateButtons();
  byId("convert-to").focus();
  // Which entries the file holds: its JSON form lists them (and says why when it has none).
  let names: Map<string, string[]>;
  try {
    const listed = await requestConvert({ file: { name: file.name, text: file.text }, to: "json" });
    if (ticket !== opening) return;
    if (listed.error) {
      showError(listed.error);
      return;
    }
    names = entryNames(listed.text);
  } catch (error) {
    if (ticket === opening) showError((error as Error).message);
    return;
  }
  if (names.size > 1) {
    const count = [...names.values()].reduce((n, kinds) => n + kinds.length, 0);
    select.replaceChildren(
      h("option", { value: "" }, `Every entry (${count})`),
      ...[...names].map(([name, kinds]) => h("option", { value: name }, `${name} (${kinds.join(", ")})`)),
    );
    byId("convert-entry-label").hidden = false;
  }
}

function closeForm(focus = true): void {
  opening++;
  byId("convert-form").hidden = true;
  if (focus) byId("file-convert").focus();
}

async function run(replace: boolean): Promise<void> {
  const file = app.files.find((f) => f.id === fileId);
  if (!file) {
    closeForm();
    return;
  }
  const t = target();
  const name = entry();
  const ticket = opening;
  showError("");
  let text: string;
  try {
    const result = await requestConvert({ file: { name: file.name, text: file.text }, name, to: t.to });
    // Closed (or opened for another file) meanwhile: the user moved on.
    if (ticket !== opening) return;
    if (result.error) {
      showError(result.error);
      return;
    }
    text = result.text;
  } catch (error) {
    if (ticket === opening) showError((error as Error).message);
    return;
  }
  closeForm(false);
  if (replace && !name) replaceFile(file.id, text, t);
  else openNew(file.name, name, text, t);
}

function replaceFile(id: number, text: string, t: Target): void {
  const file = app.files.find((f) => f.id === id);
  if (!file) return;
  const before = { name: file.name, text: file.text };
  // As everywhere else on the page: work that something replaces is kept under "Your work".
  const kept = keepCurrent();
  if (kept) renderMenu();
  selectFile(id);
  const name = freeName(stem(file.name), t.ext, id);
  // Renamed first, so the editor colours the new text by its new name.
  file.name = name;
  editor.rename(id, name);
  editor.replaceShown(text);
  renderFileTabs();
  notify(
    `Converted ${before.name} to ${t.label}${name === before.name ? "" : ` as ${name}`}.${kept ? " Your previous workspace is kept under “Your work” in the examples menu." : ""}`,
    [{ label: "Undo", testid: "undo", run: () => restore(id, before) }],
  );
  document.getElementById(`file-tab-${id}`)?.focus();
}

/** Undo of a replacement: the file's name and text as they were (a new file if it was deleted). */
function restore(id: number, before: { name: string; text: string }): void {
  const ext = before.name.slice(stem(before.name).length);
  let file = app.files.find((f) => f.id === id);
  if (!file) {
    file = { id: app.nextId++, name: freeName(stem(before.name), ext, -1), text: "" };
    app.files.push(file);
  }
  selectFile(file.id);
  const name = freeName(stem(before.name), ext, file.id);
  file.name = name;
  editor.rename(file.id, name);
  editor.replaceShown(before.text);
  renderFileTabs();
  document.getElementById(`file-tab-${file.id}`)?.focus();
}

function openNew(from: string, entryName: string, text: string, t: Target): void {
  const name = freeName(entryName || stem(from), t.ext, -1);
  const file = { id: app.nextId++, name, text };
  app.files.push(file);
  selectFile(file.id);
  changed();
  notify(
    `Opened ${name}, converted from ${from}. Both files now define the same ${entryName ? `entry ${entryName}` : "entries"} (error E0401 until you delete or change one of them).`,
  );
  document.getElementById(`file-tab-${file.id}`)?.focus();
}

export function wireConvert(): void {
  byId<HTMLSelectElement>("convert-to").replaceChildren(...TARGETS.map((t) => h("option", { value: t.to }, t.label)));
  byId("file-convert").addEventListener("click", () => void openForm());
  byId("convert-entry").addEventListener("change", updateButtons);
  const form = byId<HTMLFormElement>("convert-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void run(true);
  });
  byId("convert-new").addEventListener("click", () => void run(false));
  byId("convert-cancel").addEventListener("click", () => closeForm());
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeForm();
  });
}
