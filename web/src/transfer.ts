// Giving the workspace to someone else: the share link (refused above LINK_LIMIT) and workspace
// files (Save file, Open file).
import { byId, h } from "./dom";
import { offerUndo, renderMenu } from "./examples";
import { currentState, linkFor, saveNow } from "./share";
import { LINK_LIMIT, readWorkspaceFile, workspaceFile, type SharedState } from "./state";
import { notify, say, showBanner } from "./ui";
import { download } from "./views/common";
import { replaceWorkspace } from "./workspace";

const WORKSPACE_FILE = "meshgate-workspace.json";

export function downloadWorkspace(): void {
  download(workspaceFile(currentState()), WORKSPACE_FILE);
}

export async function share(): Promise<void> {
  const saved = await saveNow();
  const problem = document.getElementById("share-problem");
  problem?.remove();
  if (!saved.fragment) {
    document.getElementById("share-link")?.remove();
    const kb = (n: number) => `${Math.ceil(n / 1024)} KB`;
    byId("notice").hidden = true;
    notify(
      `This workspace is too large to share as a link: the link would be ${kb(saved.length)}, and links over ${kb(LINK_LIMIT)} are refused (browsers, mail and chat cut them). Save it as a file and send that instead; “Open file” reads it back.`,
      [{ label: "Save file", testid: "share-download", run: downloadWorkspace }],
    );
    byId("notice").dataset.problem = "link-too-large";
    return;
  }
  const url = linkFor(saved.fragment);
  let field = document.getElementById("share-link") as HTMLInputElement | null;
  if (!field) {
    field = h("input", { id: "share-link", class: "share-link", readonly: true, "aria-label": "Share link", "data-testid": "share-link" });
    byId("share").after(field);
  }
  field.value = url;
  try {
    await navigator.clipboard.writeText(url);
    say("Share link copied: it holds every file and setting, the view and the Simulate query.");
  } catch {
    field.select();
    say("Copy the share link from the box.");
  }
}

export async function openFile(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  let state: SharedState;
  try {
    state = readWorkspaceFile(await file.text());
  } catch (error) {
    showBanner(`${file.name} could not be opened: ${(error as Error).message}.`);
    return;
  }
  byId("example-description").textContent = "";
  const kept = replaceWorkspace(state, { example: "", edited: false });
  if (kept) offerUndo(`Opened ${file.name}.`);
  else renderMenu();
}
