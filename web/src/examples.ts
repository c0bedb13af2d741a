// The examples menu: examples/index.json lists them; each is a few files and settings.
import { app, type Example } from "./app";
import { byId, h } from "./dom";
import { saveNow } from "./share";
import { normalizeState, type SharedState } from "./state";
import { showBanner } from "./ui";
import { applyState } from "./workspace";

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
    return;
  }
  byId("examples").append(...app.examples.map((e) => h("option", { value: e.id, title: e.description }, e.title)));
}

async function exampleState(example: Example): Promise<SharedState> {
  const files = await Promise.all(
    example.files.map(async (path) => ({ name: path.split("/").pop() ?? path, text: await fetchText(`examples/${path}`) })),
  );
  return normalizeState({ files, settings: example.settings ?? {} });
}

export async function loadExample(id: string): Promise<void> {
  const example = app.examples.find((e) => e.id === id);
  if (!example) return;
  try {
    const state = await exampleState(example);
    applyState(state, example.view, example.id);
    byId("example-description").textContent = `${example.title}: ${example.description}`;
    void saveNow();
  } catch (error) {
    showBanner(`The example could not be loaded: ${(error as Error).message}`);
  }
}
