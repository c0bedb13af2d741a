// Keeping the state outside the page: localStorage and the URL's `#state=` fragment, written a
// moment after each change.
import { shared } from "./app";
import { encodeFragment, store } from "./state";

let saveTimer: ReturnType<typeof setTimeout> | undefined;
let savedFragment = "";

export function scheduleSave(): void {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void saveNow(), 300);
}

/** Stores the state and writes its fragment into the URL; resolves to the fragment. */
export async function saveNow(): Promise<string> {
  clearTimeout(saveTimer);
  const state = shared();
  store(state);
  const fragment = await encodeFragment(state);
  savedFragment = fragment;
  if (location.hash !== fragment) history.replaceState(null, "", fragment);
  return fragment;
}

/** The fragment this page wrote last (a hashchange to it is the page's own). */
export function lastFragment(): string {
  return savedFragment;
}

/** Remembers a fragment as the page's own (a link that was opened). */
export function adoptFragment(fragment: string): void {
  savedFragment = fragment;
}
