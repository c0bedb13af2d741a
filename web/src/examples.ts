// The examples menu: examples/index.json lists them (each is a few files and settings), and under
// "Your work" the workspaces kept when something replaced them.
import { app, type Example } from "./app";
import { byId, h } from "./dom";
import { keptWork, when } from "./keep";
import { normalizeState, type SharedState } from "./state";
import { notify, showBanner } from "./ui";
import { replaceWorkspace } from "./workspace";

async function fetchText(path: string): Promise<string> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.text();
}

export async function loadExampleIndex(): Promise<void> {
  try {
    const index = JSON.parse(await fetchText("examples/index.json")) as { examples: Example[] };
    app.examples = index.examples;
  } catch (error) {
    showBanner(`The examples could not be loaded: ${(error as Error).message}`);
  }
  renderMenu();
}

/** The menu: a prompt, the examples, then the kept work (newest first). */
export function renderMenu(): void {
  const select = byId<HTMLSelectElement>("examples");
  const kept = keptWork();
  select.replaceChildren(
    ...[
    h("option", { value: "" }, "Load an example…"),
    h("optgroup", { label: "Examples" }, app.examples.map((e) => h("option", { value: e.id, title: e.description }, e.title))),
    kept.length
      ? h(
          "optgroup",
          { label: "Your work (kept when replaced)", "data-testid": "kept-work" },
          kept.map((k, i) =>
            h(
              "option",
              { value: `kept:${i}` },
              `${k.label} · ${k.state.files.length} file${k.state.files.length === 1 ? "" : "s"} · ${when(k.at)}`,
            ),
          ),
        )
      : null,
    ].filter((x) => x !== null),
  );
  select.value = app.origin.edited ? "" : app.origin.example;
}

async function exampleState(example: Example): Promise<SharedState> {
  const files = await Promise.all(
    example.files.map(async (path) => ({ name: path.split("/").pop() ?? path, text: await fetchText(`examples/${path}`) })),
  );
  return normalizeState({ files, settings: example.settings ?? {} });
}

/** The note after a replacement that kept the user's work: Undo brings it back. */
export function offerUndo(what: string): void {
  const kept = keptWork()[0];
  renderMenu();
  if (!kept) return;
  notify(`${what} Your previous workspace is kept under “Your work” in the examples menu.`, [
    {
      label: "Undo",
      testid: "undo",
      run: () => restoreKept(0),
    },
  ]);
}

/** Loads an example; `push` makes a history entry (not on the first visit). */
export async function loadExample(id: string, push = true): Promise<void> {
  const example = app.examples.find((e) => e.id === id);
  if (!example) return;
  try {
    const state = await exampleState(example);
    const kept = replaceWorkspace(state, { example: example.id, edited: false }, example.view, push);
    byId("example-description").textContent = `${example.title}: ${example.description}`;
    if (kept) offerUndo(`Loaded the example “${example.title}”.`);
    else renderMenu();
  } catch (error) {
    showBanner(`The example could not be loaded: ${(error as Error).message}`);
  }
}

/** Brings back kept work `i` (the current workspace is kept in turn when it holds work). */
export function restoreKept(i: number): void {
  const k = keptWork()[i];
  if (!k) return;
  byId("example-description").textContent = "";
  const kept = replaceWorkspace(k.state, { example: "", edited: true });
  renderMenu();
  if (kept) notify("Your workspace is back; the one it replaced is kept under “Your work”.");
}

/** The menu's choice: an example or kept work. */
export function chooseFromMenu(value: string): void {
  if (value.startsWith("kept:")) restoreKept(Number(value.slice(5)));
  else if (value) void loadExample(value);
}
