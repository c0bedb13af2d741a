// Views the worker computes only when asked: a view that needs one asks once per load, shows
// a placeholder, and is rendered again when the answer comes.
import { app } from "./app";
import { h } from "./dom";
import { requestViews } from "./planner";
import { showBanner } from "./ui";
import type { ViewKey, Views } from "./api";

let asked = new Set<ViewKey>();
let askedOf: Views | null = null;
let rerender: () => void = () => {};

/** What to call when asked-for data arrives (render.ts: render the shown view again). */
export function onArrival(render: () => void): void {
  rerender = render;
}

/** True when the loaded views hold every key; otherwise asks the worker for the missing ones. */
export function need(keys: ViewKey[]): boolean {
  const views = app.views;
  if (!views) return false;
  if (askedOf !== views) {
    asked = new Set();
    askedOf = views;
  }
  const missing = keys.filter((k) => views[k] === undefined);
  if (!missing.length) return true;
  const fresh = missing.filter((k) => !asked.has(k));
  if (fresh.length) {
    for (const k of fresh) asked.add(k);
    requestViews(fresh).then(
      (part) => {
        if (!part || app.views !== views) return;
        Object.assign(views, part);
        rerender();
      },
      (error: Error) => showBanner(error.message),
    );
  }
  return false;
}

/** What a view shows while its data is being computed. */
export function pending(what: string): HTMLElement {
  return h("p", { class: "empty", "data-testid": "view-pending" }, `Computing ${what}…`);
}
