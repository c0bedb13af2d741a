// The CodeMirror editor: one view, one saved state per file (each keeps its own undo history),
// highlighting by file extension, and the planner's diagnostics as squiggles.
import { basicSetup } from "codemirror";
import { Compartment, EditorState, type Extension } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { indentWithTab } from "@codemirror/commands";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";
import { json } from "@codemirror/lang-json";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, setDiagnostics, type Action as LintAction, type Diagnostic as LintDiagnostic } from "@codemirror/lint";
import { hcl } from "./hcl";
import type { DiagnosticView } from "./api";

/** Token colours from the page's CSS variables, so they follow the light and dark themes. */
const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.controlKeyword], color: "var(--hl-keyword)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--hl-string)" },
  { tag: [tags.number, tags.integer, tags.float], color: "var(--hl-number)" },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: "var(--hl-comment)", fontStyle: "italic" },
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: "var(--hl-property)" },
  { tag: [tags.typeName, tags.className], color: "var(--hl-type)" },
  { tag: [tags.atom, tags.bool, tags.null], color: "var(--hl-atom)" },
  { tag: tags.variableName, color: "var(--ink)" },
]);

type Language = "json" | "yaml" | "hcl";

/** The first line that is neither blank nor a comment, trimmed. */
function firstSignificant(text: string): string | undefined {
  return text
    .replace(/^\uFEFF/, "")
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#") && !l.startsWith("//"));
}

/** Core's `Format::sniff`: the format a text without a known extension is read in. */
function sniff(text: string): Language {
  const first = firstSignificant(text);
  if (first === undefined) return "hcl";
  if (first.startsWith("{") || first.startsWith("[")) return "json";
  if (first.startsWith("---") || first.startsWith("- ") || first === "-") return "yaml";
  return /^[\p{L}\p{N}_"-]+\s*:/u.test(first) ? "yaml" : "hcl";
}

/** How the planner reads a file (core's `Format::of_file`): by its extension, except that text
 * pasted into a file of another format is read as what it is — an HCL file starting with `{` is
 * JSON (as Consul's CLI reads it), a JSON file that cannot be JSON goes by its content, a YAML file
 * starting with an HCL attribute or block is HCL. */
export function languageOf(name: string, text: string): Language {
  const lower = name.toLowerCase();
  const first = firstSignificant(text);
  if (lower.endsWith(".json")) return first !== undefined && !/^[[{]/.test(first) ? sniff(text) : "json";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
    return first !== undefined && /^[\p{L}\p{N}_"-]+\s*[={]/u.test(first) ? "hcl" : "yaml";
  }
  if (lower.endsWith(".hcl") || lower.endsWith(".tf")) return text.replace(/^\uFEFF/, "").trimStart().startsWith("{") ? "json" : "hcl";
  return sniff(text);
}

export function languageFor(name: string, text = ""): Extension {
  switch (languageOf(name, text)) {
    case "json":
      return json();
    case "yaml":
      return yaml();
    default:
      return hcl;
  }
}

/** The planner's diagnostics for one file as CodeMirror lint diagnostics (UTF-16 offsets, clamped). */
export function lintDiagnostics(diags: DiagnosticView[], docLength: number): LintDiagnostic[] {
  return diags
    .filter((d) => d.from_utf16 !== null)
    .map((d) => {
      const from = Math.min(d.from_utf16 ?? 0, docLength);
      const to = Math.min(Math.max(d.to_utf16 ?? from, from), docLength);
      const notes = d.notes.length ? `\n${d.notes.join("\n")}` : "";
      const fix = d.fix;
      // The did-you-mean as a one-click fix in the squiggle's tooltip (applied where the range
      // is now, should the text have moved since).
      const actions: LintAction[] =
        fix === null ? [] : [{ name: `Fix: ${fix}`, apply: (view, at, end) => view.dispatch({ changes: { from: at, to: end, insert: fix } }) }];
      return { from, to, severity: d.severity, source: d.code, message: `${d.message}${notes}`, actions };
    });
}

export class Editor {
  readonly view: EditorView;
  private readonly states = new Map<number, EditorState>();
  private readonly language = new Compartment();
  /** Each file's name and the language it is coloured as (a pasted JSON text changes it). */
  private readonly names = new Map<number, string>();
  private readonly languages = new Map<number, Language>();
  private activeId = -1;

  constructor(
    parent: HTMLElement,
    private readonly onChange: (id: number, text: string) => void,
  ) {
    this.view = new EditorView({ parent, state: this.newState("", "") });
  }

  private newState(text: string, name: string): EditorState {
    this.languages.set(this.activeId, languageOf(name, text));
    return EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        // Tab indents; Escape then Tab moves focus on (CodeMirror's documented escape hatch).
        keymap.of([indentWithTab]),
        syntaxHighlighting(highlight),
        this.language.of(languageFor(name, text)),
        lintGutter(),
        // An explicit tab stop: the scrolling area then holds a focusable element (axe's
        // scrollable-region-focusable), which it already was as contenteditable.
        EditorView.contentAttributes.of({ "aria-label": "Configuration file text", "aria-describedby": "editor-hint", tabindex: "0" }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          const doc = update.state.doc.toString();
          this.onChange(this.activeId, doc);
          // Pasting JSON into an .hcl file (or taking it out) changes how the planner reads it:
          // colour it the same way. After this update, as CodeMirror allows no nested dispatch.
          const id = this.activeId;
          const current = this.names.get(id) ?? name;
          const now = languageOf(current, doc);
          if (now !== this.languages.get(id)) {
            this.languages.set(id, now);
            const view = update.view;
            queueMicrotask(() => view.dispatch({ effects: this.language.reconfigure(languageFor(current, doc)) }));
          }
        }),
      ],
    });
  }

  /** Shows file `id` (creating its state from `text` the first time). */
  show(id: number, name: string, text: string): void {
    if (this.activeId === id) return;
    if (this.activeId >= 0) this.states.set(this.activeId, this.view.state);
    this.activeId = id;
    this.names.set(id, name);
    this.view.setState(this.states.get(id) ?? this.newState(text, name));
  }

  /** Forgets every file (a new example or link replaces them all). */
  reset(): void {
    this.states.clear();
    this.names.clear();
    this.languages.clear();
    this.activeId = -1;
  }

  forget(id: number): void {
    this.states.delete(id);
    this.names.delete(id);
    this.languages.delete(id);
  }

  rename(id: number, name: string): void {
    this.names.set(id, name);
    const text = this.text(id) ?? "";
    this.languages.set(id, languageOf(name, text));
    const effect = this.language.reconfigure(languageFor(name, text));
    if (id === this.activeId) {
      this.view.dispatch({ effects: effect });
    } else {
      const state = this.states.get(id);
      if (state) this.states.set(id, state.update({ effects: effect }).state);
    }
  }

  /** Replaces the shown file's whole text as one edit (so the editor's own undo takes it back). */
  replaceShown(text: string): void {
    const doc = this.view.state.doc;
    this.view.dispatch({ changes: { from: 0, to: doc.length, insert: text }, selection: { anchor: 0 } });
  }

  /** Replaces `from..to` of the shown file as one edit (the editor's undo takes it back). */
  replaceRange(from: number, to: number, text: string): void {
    const length = this.view.state.doc.length;
    const start = Math.min(from, length);
    const end = Math.min(Math.max(to, start), length);
    this.view.dispatch({ changes: { from: start, to: end, insert: text }, selection: { anchor: start + text.length } });
  }

  text(id: number): string | undefined {
    if (id === this.activeId) return this.view.state.doc.toString();
    return this.states.get(id)?.doc.toString();
  }

  /** Sets the squiggles of file `id`. */
  setDiagnostics(id: number, diags: DiagnosticView[]): void {
    if (id === this.activeId) {
      const state = this.view.state;
      this.view.dispatch(setDiagnostics(state, lintDiagnostics(diags, state.doc.length)));
      return;
    }
    const state = this.states.get(id);
    if (state) this.states.set(id, state.update(setDiagnostics(state, lintDiagnostics(diags, state.doc.length))).state);
  }

  /** Selects a range of the shown file, scrolls to it and focuses the editor. */
  select(from: number, to: number): void {
    const length = this.view.state.doc.length;
    const anchor = Math.min(from, length);
    const head = Math.min(Math.max(to, from), length);
    this.view.dispatch({ selection: { anchor, head }, scrollIntoView: true });
    this.view.focus();
  }

  /** The UTF-16 offset of a 1-based line and a 1-based column counted in characters (code
   * points, as intention origins count them) in the shown file. */
  offsetOf(line: number, column: number): number {
    const doc = this.view.state.doc;
    const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
    let units = 0;
    let chars = 0;
    for (const ch of l.text) {
      if (chars >= column - 1) break;
      units += ch.length;
      chars += 1;
    }
    return l.from + units;
  }
}
