// The user's work, kept whenever something replaces it (an example, a link, a file, Back): the
// latest few workspaces, newest first, in localStorage. The examples menu offers them back.
import { canonicalJson, normalizeState, sameWork, type SharedState } from "./state";

export const KEPT_KEY = "meshgate.playground.kept.v1";
const MAX_KEPT = 5;

export interface Kept {
  /** When it was replaced (ms since the epoch). */
  at: number;
  /** "My workspace", or "My workspace (from <example>)" for an edited example. */
  label: string;
  state: SharedState;
}

export function keptWork(): Kept[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEPT_KEY) ?? "[]");
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((k): Kept[] => {
      try {
        return [{ at: Number(k.at) || 0, label: String(k.label ?? "My workspace"), state: normalizeState(k.state) }];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** Keeps `state` first in the list (once: an equal workspace kept earlier moves up). */
export function keep(state: SharedState, label: string): void {
  const list = [{ at: Date.now(), label, state }, ...keptWork().filter((k) => !sameWork(k.state, state))].slice(0, MAX_KEPT);
  // When storage is full, the oldest go first.
  for (let n = list.length; n > 0; n--) {
    const text = `[${list
      .slice(0, n)
      .map((k) => `{"at":${k.at},"label":${JSON.stringify(k.label)},"state":${canonicalJson(k.state)}}`)
      .join(",")}]`;
    try {
      localStorage.setItem(KEPT_KEY, text);
      return;
    } catch {
      // Try with one fewer.
    }
  }
}

/** "14:02" today, else "3 Dec 14:02". */
export function when(at: number): string {
  const d = new Date(at);
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString([], { day: "numeric", month: "short" })} ${time}`;
}
