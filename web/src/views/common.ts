// What every view shares: places in the files and the button that jumps there, the empty-view
// line, table heads and downloads.
import { h } from "../dom";

export interface Place {
  file: string;
  line: number;
  column: number;
}
export type Jump = (place: Place) => void;

/** A link-like button that jumps the editor to a file:line:col. */
export function originButton(place: Place, jump: Jump): HTMLButtonElement {
  return h(
    "button",
    {
      type: "button",
      class: "origin",
      title: `Show ${place.file} line ${place.line} in the editor`,
      onclick: () => jump(place),
    },
    `${place.file}:${place.line}:${place.column}`,
  );
}

export function parsePlace(origin: string): Place | null {
  const m = /^(.*):(\d+):(\d+)$/.exec(origin);
  return m ? { file: m[1], line: Number(m[2]), column: Number(m[3]) } : null;
}

export function empty(text: string): HTMLElement {
  return h("p", { class: "empty" }, text);
}


export function headRow(titles: string[]): HTMLElement {
  return h("thead", {}, h("tr", {}, titles.map((t) => h("th", { scope: "col" }, t))));
}

/** Saves `text` as a file named `name` (the browser's download). */
export function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text + "\n"], { type: "application/json" }));
  const a = h("a", { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
