// Keeping the state outside the page: localStorage, the history entry (its state holds the
// workspace, so Back and Forward bring it back at any size) and the URL's `#state=` fragment (the
// share link, while it stays under LINK_LIMIT), written a moment after each change.
import { app, shared, uiState } from "./app";
import { canonicalJson, fragmentOf, LINK_LIMIT, store, storeMeta, type Meta, type SharedState } from "./state";

/** A history entry's state: the workspace's canonical JSON and where it came from. */
export interface EntryState {
  mg: string;
  origin: Meta;
}

export interface Saved {
  /** `#state=…`, or "" when the link would be longer than LINK_LIMIT. */
  fragment: string;
  /** The length of the whole link, in characters. */
  length: number;
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let savedFragment = "";
let saves = 0;
/** A link that could not be opened: while its banner is up, its URL and the stored workspace stay. */
let brokenLink = false;
/** The user changed the files or settings since the broken link was opened. */
let changedSinceBroken = false;

export function scheduleSave(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void saveNow(), 300);
}

/** The whole state: files, settings and where the user is. */
export function currentState(): SharedState {
  return { ...shared(), ui: uiState() };
}

export function linkFor(fragment: string): string {
  return `${location.origin}${location.pathname}${location.search}${fragment}`;
}

/**
 * Stores the state and writes it into the history entry and (when short enough) the URL;
 * `push` makes a new history entry (the workspace was replaced). Resolves to the link.
 */
export async function saveNow(push = false): Promise<Saved> {
  clearTimeout(saveTimer);
  const save = ++saves;
  const json = canonicalJson(currentState());
  const entry: EntryState = { mg: json, origin: { ...app.origin } };
  if (push) brokenLink = false;
  // The broken link's URL and the stored workspace stay, unless the user has changed something.
  if (!brokenLink || changedSinceBroken) {
    store(json);
    storeMeta(app.origin, json.length);
  }
  if (push) history.pushState(entry, "", linkFor(""));
  else if (!brokenLink) history.replaceState(entry, "", location.href);
  const fragment = await fragmentOf(json);
  const length = linkFor(fragment).length;
  const fits = length <= LINK_LIMIT;
  if (save === saves && !brokenLink) {
    savedFragment = fits ? fragment : "";
    const url = linkFor(savedFragment);
    if (location.href !== url) history.replaceState(entry, "", url);
  }
  return { fragment: fits ? fragment : "", length };
}

/** The fragment this page wrote last (a change to it is the page's own). */
export function lastFragment(): string {
  return savedFragment;
}

/** Remembers a fragment as the page's own (a link that was opened). */
export function adoptFragment(fragment: string): void {
  savedFragment = fragment;
}

/** While a broken link's banner is up, the page leaves its URL alone. */
export function setBrokenLink(on: boolean): void {
  brokenLink = on;
  changedSinceBroken = false;
}

/** The user changed the files or settings. */
export function noteChange(): void {
  changedSinceBroken = true;
}
