// Small pieces of the page shared by every part: the banner, the status line, the busy flag,
// copying, select options and tab keys.
import { byId, h } from "./dom";

export function setBusy(busy: boolean): void {
  document.body.dataset.busy = String(busy);
}

export function showBanner(message: string): void {
  const banner = byId("banner");
  banner.textContent = message;
  banner.hidden = false;
}

export function hideBanner(): void {
  byId("banner").hidden = true;
}

export function say(message: string): void {
  byId("status").textContent = message;
}

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    say("Copied.");
  } catch {
    say("Could not copy: select the text and copy it yourself.");
  }
}

/** Replaces a select's options only when they changed (so a focused picker keeps its place). */
export function setOptions(select: HTMLSelectElement, options: { value: string; label: string }[], value: string): void {
  const current = [...select.options].map((o) => `${o.value}\u0000${o.text}`).join("\u0001");
  const wanted = options.map((o) => `${o.value}\u0000${o.label}`).join("\u0001");
  if (current !== wanted) select.replaceChildren(...options.map((o) => h("option", { value: o.value }, o.label)));
  select.value = value;
}

/** Arrow keys, Home and End move between the tabs of a tablist (and activate them). */
export function tabKeys(list: HTMLElement, activate: (tab: HTMLElement) => void): void {
  list.addEventListener("keydown", (event) => {
    const tabs = [...list.querySelectorAll<HTMLElement>('[role="tab"]')];
    const at = tabs.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    let next = -1;
    if (event.key === "ArrowRight") next = (at + 1) % tabs.length;
    else if (event.key === "ArrowLeft") next = (at - 1 + tabs.length) % tabs.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = tabs.length - 1;
    if (next < 0) return;
    event.preventDefault();
    activate(tabs[next]);
  });
}
