// The files pane: the editor, the file tabs and their actions (add, rename, delete), the list of
// problems and the squiggles, and jumping to a place in a file.
import { activeFile, app } from "./app";
import { byId, h } from "./dom";
import { Editor } from "./editor";
import { sentText } from "./planner";
import { scheduleSave } from "./share";
import { tabKeys } from "./ui";
import type { DiagnosticView } from "./api";
import type { Place } from "./views/common";

let changed: () => void = () => {};

export const editor = new Editor(byId("editor"), (id, text) => {
  const file = app.files.find((f) => f.id === id);
  if (!file) return;
  file.text = text;
  changed();
});

export function selectFile(id: number, focusTab = false): void {
  const file = app.files.find((f) => f.id === id);
  if (!file) return;
  if (app.active !== id && app.active !== -1) scheduleSave();
  app.active = id;
  editor.show(file.id, file.name, file.text);
  applyDiagnostics();
  renderFileTabs();
  byId("editor").setAttribute("aria-labelledby", `file-tab-${id}`);
  if (focusTab) document.getElementById(`file-tab-${id}`)?.focus();
}

/** Beyond this many files the tabs scroll and a filter shows. */
const MANY_FILES = 24;

export function renderFileTabs(): void {
  const many = app.files.length > MANY_FILES;
  byId("file-filter-label").hidden = !many;
  const filter = many ? byId<HTMLInputElement>("file-filter").value.trim().toLowerCase() : "";
  const shown = (name: string, selected: boolean) => selected || !filter || name.toLowerCase().includes(filter);
  byId("file-tabs").classList.toggle("many", many);
  const errorsByFile = new Map<string, number>();
  for (const d of app.views?.diagnostics.diagnostics ?? []) {
    if (d.file !== null && d.severity === "error") errorsByFile.set(d.file, (errorsByFile.get(d.file) ?? 0) + 1);
  }
  byId("file-tabs").replaceChildren(
    ...app.files.map((f) => {
      const selected = f.id === app.active;
      const errors = errorsByFile.get(f.name) ?? 0;
      return h(
        "button",
        {
          type: "button",
          role: "tab",
          id: `file-tab-${f.id}`,
          class: "tab",
          "aria-selected": selected ? "true" : "false",
          "aria-controls": "editor",
          tabindex: selected ? 0 : -1,
          "data-file": f.name,
          title: "Double-click or F2 to rename",
          hidden: !shown(f.name, selected),
          onclick: () => selectFile(f.id),
          ondblclick: () => startRename(),
        },
        f.name,
        errors ? h("span", { class: "tab-errors", "aria-label": `${errors} errors` }, ` ${errors}`) : null,
      );
    }),
  );
}

// ------------------------------------------------------------------------------------ file actions

type NameMode = { kind: "add" } | { kind: "rename"; id: number };
let nameMode: NameMode | null = null;

function openNameForm(mode: NameMode, initial: string): void {
  nameMode = mode;
  hideDeleteConfirm();
  const form = byId<HTMLFormElement>("file-name-form");
  form.hidden = false;
  byId("file-name-label").textContent = mode.kind === "add" ? "New file name" : "Rename to";
  byId("file-name-error").textContent = "";
  const input = byId<HTMLInputElement>("file-name-input");
  input.value = initial;
  input.focus();
  const dot = initial.lastIndexOf(".");
  input.setSelectionRange(0, dot > 0 ? dot : initial.length);
}

function closeNameForm(): void {
  nameMode = null;
  byId("file-name-form").hidden = true;
}

function startRename(): void {
  const file = activeFile();
  if (file) openNameForm({ kind: "rename", id: file.id }, file.name);
}

function nameProblem(name: string, except: number | null): string | null {
  if (!name) return "Give the file a name.";
  if (/[\\/]/.test(name)) return "A file name cannot contain / or \\.";
  if (app.files.some((f) => f.name === name && f.id !== except)) return `There is already a file named ${name}.`;
  return null;
}

function submitName(): void {
  if (!nameMode) return;
  const name = byId<HTMLInputElement>("file-name-input").value.trim();
  const problem = nameProblem(name, nameMode.kind === "rename" ? nameMode.id : null);
  if (problem) {
    byId("file-name-error").textContent = problem;
    return;
  }
  if (nameMode.kind === "add") {
    const file = { id: app.nextId++, name, text: "" };
    app.files.push(file);
    closeNameForm();
    selectFile(file.id);
    editor.view.focus();
  } else {
    const file = app.files.find((f) => f.id === (nameMode as { id: number }).id);
    closeNameForm();
    if (!file) return;
    file.name = name;
    editor.rename(file.id, name);
    renderFileTabs();
    document.getElementById(`file-tab-${file.id}`)?.focus();
  }
  changed();
}

function untitledName(): string {
  for (let n = 1; ; n++) {
    const name = `untitled-${n}.hcl`;
    if (!app.files.some((f) => f.name === name)) return name;
  }
}

function askDelete(): void {
  const file = activeFile();
  if (!file) return;
  closeNameForm();
  byId("delete-question").textContent = `Delete ${file.name}?`;
  byId("delete-confirm").hidden = false;
  byId("delete-no").focus();
}

function hideDeleteConfirm(): void {
  byId("delete-confirm").hidden = true;
}

function deleteActive(): void {
  const file = activeFile();
  hideDeleteConfirm();
  if (!file) return;
  const at = app.files.indexOf(file);
  app.files.splice(at, 1);
  editor.forget(file.id);
  if (!app.files.length) app.files.push({ id: app.nextId++, name: "config.hcl", text: "" });
  app.active = -1;
  selectFile(app.files[Math.min(at, app.files.length - 1)].id, true);
  changed();
}

// ------------------------------------------------------------------------------------ problems

export function jump(place: Place): void {
  const file = app.files.find((f) => f.name === place.file);
  if (!file) return;
  selectFile(file.id);
  const at = editor.offsetOf(place.line, place.column);
  editor.select(at, at);
}

/** Applies a diagnostic's fix, if the file is still the text the planner judged. */
function applyFix(d: DiagnosticView): void {
  const file = app.files.find((f) => f.name === d.file);
  if (!file || d.fix === null || d.from_utf16 === null) return;
  if (sentText(file.id) !== (editor.text(file.id) ?? file.text)) return;
  selectFile(file.id);
  editor.replaceRange(d.from_utf16, d.to_utf16 ?? d.from_utf16, d.fix);
  editor.view.focus();
}

/** `base + ext`, or `base-2 + ext`… when another file (not `except`) has that name. */
export function freeName(base: string, ext: string, except: number): string {
  const taken = (name: string) => app.files.some((f) => f.name === name && f.id !== except);
  for (let n = 1; ; n++) {
    const name = `${base}${n === 1 ? "" : `-${n}`}${ext}`;
    if (!taken(name)) return name;
  }
}

/** Adds a file with this text (named `name`, or the first free `name-2`, … when taken) and shows it. */
export function addFile(name: string, text: string): string {
  const dot = name.lastIndexOf(".");
  const free = dot > 0 ? freeName(name.slice(0, dot), name.slice(dot), -1) : freeName(name, "", -1);
  const file = { id: app.nextId++, name: free, text };
  app.files.push(file);
  selectFile(file.id);
  changed();
  document.getElementById(`file-tab-${file.id}`)?.focus();
  return free;
}

function jumpToDiagnostic(d: DiagnosticView): void {
  const file = app.files.find((f) => f.name === d.file);
  if (!file || d.from_utf16 === null) return;
  selectFile(file.id);
  editor.select(d.from_utf16, d.to_utf16 ?? d.from_utf16);
}

/** Whether each file has squiggles now (a file that had none and still has none is left alone). */
const squiggled = new Map<number, boolean>();

/** Squiggles for every file whose text is still the one the planner saw. */
export function applyDiagnostics(): void {
  const byFile = new Map<string, DiagnosticView[]>();
  for (const d of app.views?.diagnostics.diagnostics ?? []) {
    if (d.file !== null) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  }
  for (const f of app.files) {
    const diags = byFile.get(f.name) ?? [];
    if (!diags.length && squiggled.get(f.id) === false) continue;
    if (sentText(f.id) !== (editor.text(f.id) ?? f.text)) continue;
    editor.setDiagnostics(f.id, diags);
    squiggled.set(f.id, diags.length > 0);
  }
}

export function renderDiagnostics(): void {
  const view = app.views?.diagnostics;
  if (!view) return;
  const list = byId("diagnostics");
  const s = view.summary;
  byId("problem-count").textContent = `${s.errors} error${s.errors === 1 ? "" : "s"}, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}`;
  if (!view.diagnostics.length) {
    list.replaceChildren(h("li", { class: "ok" }, "No problems: meshgate would accept these files."));
    return;
  }
  list.replaceChildren(
    ...view.diagnostics.map((d) => {
      const where = d.file !== null && d.start ? `${d.file}:${d.start.line}:${d.start.column}` : "settings";
      const body = [
        h("span", { class: `sev ${d.severity}` }, d.severity),
        " ",
        h("code", { class: "code", title: d.title }, d.code),
        " ",
        h("span", { class: "where" }, where),
        " ",
        h("span", { class: "message" }, d.message),
        d.notes.length ? h("span", { class: "notes" }, d.notes.map((n) => h("span", { class: "note" }, n))) : null,
      ];
      const attrs = {
        "data-code": d.code,
        "data-file": d.file ?? "",
        "data-line": d.start?.line ?? "",
        "data-column-utf16": d.start?.column_utf16 ?? "",
      };
      const fix =
        d.fix !== null && d.file !== null && d.from_utf16 !== null
          ? h(
              "button",
              { type: "button", class: "fix", "data-testid": "fix", title: `Replace what ${where} says with ${d.fix}`, onclick: () => applyFix(d) },
              `Fix: ${d.fix}`,
            )
          : null;
      return h(
        "li",
        { class: d.severity },
        d.file !== null && d.from_utf16 !== null
          ? h("button", { type: "button", class: "diagnostic", ...attrs, onclick: () => jumpToDiagnostic(d) }, body)
          : h("div", { class: "diagnostic", ...attrs }, body),
        fix,
      );
    }),
  );
}

/** Wires the file bar; `onChange` runs after every change to the files. */
export function wireFiles(onChange: () => void): void {
  changed = onChange;
  byId("file-add").addEventListener("click", () => openNameForm({ kind: "add" }, untitledName()));
  byId("file-rename").addEventListener("click", startRename);
  byId("file-delete").addEventListener("click", askDelete);
  byId("delete-yes").addEventListener("click", deleteActive);
  byId("delete-no").addEventListener("click", () => {
    hideDeleteConfirm();
    document.getElementById(`file-tab-${app.active}`)?.focus();
  });
  byId("file-name-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitName();
  });
  byId("file-name-cancel").addEventListener("click", closeNameForm);
  byId("file-name-input").addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeNameForm();
  });
  byId("file-filter").addEventListener("input", () => {
    renderFileTabs();
    const n = byId("file-tabs").querySelectorAll('[role="tab"]:not([hidden])').length;
    byId("file-filter-count").textContent = `${n} of ${app.files.length}`;
  });
  const fileTabs = byId("file-tabs");
  tabKeys(fileTabs, (tab) => selectFile(Number(tab.id.replace("file-tab-", "")), true));
  fileTabs.addEventListener("keydown", (event) => {
    if (event.key === "F2") startRename();
    else if (event.key === "Delete") askDelete();
  });
}
