// Small pieces of the page shared by every part: the banner, the status line, the busy flag,
// copying, select options and tab keys.
import { byId, h } from "./dom";

export function setBusy(busy: boolean): void {
  document.body.dataset.busy = String(busy);
}

/**
 * Shows a problem in the banner. A sticky one (a link that could not be opened) stays until the
 * user dismisses it; the others go with the next rendering, or when another replaces them.
 */
export function showBanner(message: string, sticky: { onDismiss: () => void } | null = null): void {
  const banner = byId("banner");
  for (const m of banner.querySelectorAll(".banner-message:not([data-sticky])")) m.remove();
  const item = h("div", { class: "banner-message", "data-sticky": sticky ? "true" : null }, h("span", {}, message));
  if (sticky) {
    item.append(
      " ",
      h(
        "button",
        {
          type: "button",
          class: "dismiss",
          "data-testid": "banner-dismiss",
          onclick: () => {
            item.remove();
            banner.hidden = !banner.childElementCount;
            sticky.onDismiss();
          },
        },
        "Dismiss",
      ),
    );
  }
  banner.append(item);
  banner.hidden = false;
}

/** Takes the passing problems away (sticky ones stay). */
export function hideBanner(): void {
  const banner = byId("banner");
  for (const m of banner.querySelectorAll(".banner-message:not([data-sticky])")) m.remove();
  banner.hidden = !banner.childElementCount;
}

/** A note with actions (Undo, Download…) under the top bar, until dismissed or replaced. */
export function notify(message: string, actions: { label: string; testid: string; run: () => void }[] = []): void {
  const notice = byId("notice");
  const close = () => {
    notice.hidden = true;
    notice.replaceChildren();
  };
  notice.replaceChildren(
    h("span", { class: "notice-text" }, message),
    ...actions.map((a) =>
      h(
        "button",
        {
          type: "button",
          "data-testid": a.testid,
          onclick: () => {
            close();
            a.run();
          },
        },
        a.label,
      ),
    ),
    h("button", { type: "button", class: "dismiss", "aria-label": "Dismiss this note", "data-testid": "notice-dismiss", onclick: close }, "×"),
  );
  notice.hidden = false;
}

export function clearNotice(): void {
  const notice = byId("notice");
  notice.hidden = true;
  notice.replaceChildren();
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
    const tabs = [...list.querySelectorAll<HTMLElement>('[role="tab"]:not([hidden])')];
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
