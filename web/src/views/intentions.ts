// The Intentions view: the source × destination matrix and the ranked list. Both are filtered and
// fetched from the worker in windows (the planner writes only those), so a workspace of thousands
// of intentions draws only what is on screen. Up to the planner's limit (40 × 40 cells) the matrix
// is a table (a grid: arrow keys move between cells, Enter simulates the pair); above, it is a
// scrolling list of the pairs an intention decides.
import { app } from "../app";
import { byId, h } from "../dom";
import { jump } from "../files";
import { need, pending } from "../need";
import { requestIntentionList, requestMatrix } from "../planner";
import { showBanner } from "../ui";
import { empty, originButton, type Jump } from "./common";
import { type Cell, type Endpoint, type IntentionRow, type ListSlice, type MatrixSlice, type Pair } from "../api";

const CELL_TEXT: Record<Cell["verdict"], string> = {
  allow: "allow",
  deny: "deny",
  l7: "L7",
  "default-allow": "default allow",
  "default-deny": "default deny",
};

/** The list form's rows: fixed height, so a window is a range of rows. */
const PAIR_H = 30;
/** How many ranked intentions show at first, and how many more each time. */
const LIST_STEP = 100;

/** Simulates one pair (set by main: fills the Simulate form, runs it, shows the view). */
let simulatePair: (source: Endpoint, destination: Endpoint) => void = () => {};
export function onSimulatePair(run: (source: Endpoint, destination: Endpoint) => void): void {
  simulatePair = run;
}

const filter = { source: "", destination: "", list: "" };
let listShown = LIST_STEP;

function endpointHeader(e: Endpoint, scope: "col" | "row"): HTMLTableCellElement {
  return h(
    "th",
    { scope, class: e.name === "(other)" ? "other" : null },
    e.label,
    e.protocol && e.protocol !== "tcp" ? h("span", { class: "proto" }, ` ${e.protocol}`) : null,
  );
}

const simulatable = (e: Endpoint) => e.name !== "(other)" && e.name !== "*";

function cellAttrs(source: Endpoint, destination: Endpoint, cell: Cell, visible: string): Record<string, string> {
  return {
    title: cell.explanation,
    // The name starts with the text the cell shows.
    "aria-label": `${visible}: ${source.label} to ${destination.label}. ${cell.explanation}${simulatable(source) && simulatable(destination) ? " (Enter: simulate)" : ""}`,
    "data-verdict": cell.verdict,
  };
}

function visibleText(cell: Cell): string {
  return `${CELL_TEXT[cell.verdict]}${cell.rank !== null ? ` #${cell.rank}` : ""}`;
}

function cellText(cell: Cell): (Node | string)[] {
  return [CELL_TEXT[cell.verdict], ...(cell.rank !== null ? [h("span", { class: "rank" }, ` #${cell.rank}`)] : [])];
}

// ------------------------------------------------------------------------------------ table form

function matrixTable(m: Extract<MatrixSlice, { kind: "table" }>): HTMLElement {
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", class: "corner" }, "source ↓ · destination →"),
    m.destinations.map((d) => endpointHeader(d, "col")),
  );
  let roving = false;
  const rows = m.sources.map((s, si) =>
    h(
      "tr",
      {},
      endpointHeader(s, "row"),
      m.destinations.map((d, di) => {
        const cell = m.cells[si]?.[di];
        if (!cell) return h("td", {});
        const active = simulatable(s) && simulatable(d);
        const first = active && !roving;
        if (first) roving = true;
        return h(
          "td",
          {
            class: `cell ${cell.verdict}${active ? " active" : ""}`,
            ...cellAttrs(s, d, cell, visibleText(cell)),
            tabindex: first ? 0 : -1,
            onclick: active ? () => simulatePair(s, d) : null,
          },
          ...cellText(cell),
        );
      }),
    ),
  );
  const table = h(
    "table",
    { class: "matrix", role: "grid", "data-testid": "intention-matrix", "aria-describedby": "matrix-help" },
    h("caption", {}, "Who may call whom (hover or focus a cell for why)"),
    h("thead", {}, head),
    h("tbody", {}, rows),
  );
  table.addEventListener("keydown", (event) => gridKeys(table, event));
  return h("div", { class: "table-scroll" }, table);
}

/** Arrow keys, Home and End move between the cells; Enter or Space simulates the focused pair. */
function gridKeys(table: HTMLTableElement, event: KeyboardEvent): void {
  const cell = (event.target as HTMLElement).closest("td");
  if (!cell) return;
  const row = cell.parentElement as HTMLTableRowElement;
  const rows = [...table.tBodies[0].rows];
  let r = rows.indexOf(row);
  let c = cell.cellIndex;
  switch (event.key) {
    case "Enter":
    case " ":
      event.preventDefault();
      cell.click();
      return;
    case "ArrowRight":
      c = Math.min(c + 1, row.cells.length - 1);
      break;
    case "ArrowLeft":
      c = Math.max(c - 1, 1);
      break;
    case "ArrowDown":
      r = Math.min(r + 1, rows.length - 1);
      break;
    case "ArrowUp":
      r = Math.max(r - 1, 0);
      break;
    case "Home":
      c = 1;
      break;
    case "End":
      c = row.cells.length - 1;
      break;
    default:
      return;
  }
  event.preventDefault();
  const next = rows[r]?.cells[c];
  if (!next) return;
  for (const td of table.querySelectorAll<HTMLElement>("td[tabindex='0']")) td.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

// ------------------------------------------------------------------------------------ list form

let pairsWindow: { total: number; query: number } = { total: 0, query: 0 };

function pairRow(p: Pair, index: number): HTMLElement {
  const active = simulatable(p.source) && simulatable(p.destination);
  return h(
    "button",
    {
      type: "button",
      class: `pair cell ${p.cell.verdict}`,
      style: `top:${index * PAIR_H}px`,
      "data-index": index,
      ...cellAttrs(p.source, p.destination, p.cell, `${p.source.label} → ${p.destination.label} ${visibleText(p.cell)}`),
      disabled: !active,
      onclick: () => simulatePair(p.source, p.destination),
    },
    h("span", { class: "pair-names" }, `${p.source.label} → ${p.destination.label}`),
    " ",
    h("span", { class: "pair-verdict" }, ...cellText(p.cell)),
  );
}

function pairList(m: Extract<MatrixSlice, { kind: "list" }>): HTMLElement {
  pairsWindow = { total: m.total, query: 0 };
  const rows = h("div", { class: "pairs-rows", style: `height:${m.total * PAIR_H}px` });
  const scroller = h(
    "div",
    {
      class: "pairs-window",
      role: "group",
      tabindex: m.total ? null : 0,
      "aria-label": `${m.total} source → destination pairs decided by an intention`,
      "data-testid": "intention-pairs",
      "data-total": m.total,
    },
    rows,
  );
  const fill = (slice: Extract<MatrixSlice, { kind: "list" }>) => {
    rows.replaceChildren(...slice.pairs.map((p, i) => pairRow(p, slice.start + i)));
  };
  fill(m);
  let frame = 0;
  scroller.addEventListener("scroll", () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => void showPairs(scroller, fill));
  });
  scroller.addEventListener("keydown", (event) => {
    const at = Number((document.activeElement as HTMLElement | null)?.dataset.index ?? -1);
    if (at < 0 || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(pairsWindow.total - 1, at + (event.key === "ArrowDown" ? 1 : -1)));
    const focusIt = () => rows.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus({ preventScroll: false });
    const top = next * PAIR_H;
    if (top < scroller.scrollTop || top + PAIR_H > scroller.scrollTop + scroller.clientHeight) {
      scroller.scrollTop = event.key === "ArrowDown" ? top + PAIR_H - scroller.clientHeight : top;
      void showPairs(scroller, fill).then(focusIt);
    } else {
      focusIt();
    }
  });
  return h(
    "div",
    {},
    h(
      "p",
      { class: "facts small", "data-testid": "matrix-collapsed" },
      `${m.sources} source${m.sources === 1 ? "" : "s"} × ${m.destinations} destination${m.destinations === 1 ? "" : "s"} is too many cells to draw: filter to ${Math.floor(Math.sqrt(m.limit))} × ${Math.floor(Math.sqrt(m.limit))} or fewer for the matrix. Meanwhile, the ${m.total} pair${m.total === 1 ? "" : "s"} an intention decides (every other pair: the default policy):`,
    ),
    scroller,
  );
}

async function showPairs(scroller: HTMLElement, fill: (slice: Extract<MatrixSlice, { kind: "list" }>) => void): Promise<void> {
  const first = Math.max(0, Math.floor(scroller.scrollTop / PAIR_H) - 10);
  const count = Math.ceil(scroller.clientHeight / PAIR_H) + 20;
  const query = ++pairsWindow.query;
  const slice = await requestMatrix({ ...filterQuery(), start: first, count }).catch(() => null);
  if (!slice || slice.kind !== "list" || query !== pairsWindow.query) return;
  fill(slice);
}

function filterQuery() {
  return { source: filter.source, destination: filter.destination };
}

// ------------------------------------------------------------------------------------ the view

let matrixAsk = 0;
let listAsk = 0;

async function renderMatrix(): Promise<void> {
  const ask = ++matrixAsk;
  const slice = await requestMatrix({ ...filterQuery(), start: 0, count: 40 }).catch((error: Error) => {
    showBanner(error.message);
    return null;
  });
  if (!slice || ask !== matrixAsk) return;
  const area = byId("matrix-area");
  area.replaceChildren(slice.kind === "table" ? matrixTable(slice) : pairList(slice));
  const shown =
    slice.kind === "table"
      ? `${slice.sources.length} of ${slice.all_sources} sources × ${slice.destinations.length} of ${slice.all_destinations} destinations`
      : `${slice.sources} of ${slice.all_sources} sources × ${slice.destinations} of ${slice.all_destinations} destinations`;
  byId("matrix-count").textContent = shown;
}

async function renderList(): Promise<void> {
  const ask = ++listAsk;
  const slice: ListSlice | null = await requestIntentionList({ filter: filter.list, start: 0, count: listShown }).catch((error: Error) => {
    showBanner(error.message);
    return null;
  });
  if (!slice || ask !== listAsk) return;
  const area = byId("intention-list-area");
  if (!slice.total) {
    area.replaceChildren(
      empty(filter.list ? "No intention matches the filter." : "No service-intentions entries: the default policy decides every call."),
    );
    return;
  }
  area.replaceChildren(
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "ranked", "data-testid": "intention-list" },
        h("caption", {}, `Ranked: the first intention that matches decides (${slice.rows.length} of ${slice.total} shown)`),
        h("thead", {}, h("tr", {}, ["#", "Intention", "Precedence", "Action", "Written at"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          slice.rows.map((i) => intentionRow(i, jump)),
        ),
      ),
    ),
    ...(slice.rows.length < slice.total
      ? [h(
          "button",
          {
            type: "button",
            "data-testid": "intention-list-more",
            onclick: () => {
              listShown += LIST_STEP;
              void renderList();
            },
          },
          `Show ${Math.min(LIST_STEP, slice.total - slice.rows.length)} more`,
        )]
      : []),
  );
}

function intentionRow(i: IntentionRow, jump: Jump): HTMLTableRowElement {
  const what =
    i.verdict === "l7"
      ? h(
          "ol",
          { class: "permissions" },
          i.permissions.map((p) => h("li", {}, h("span", { class: `badge ${p.action}` }, p.action), " ", p.summary)),
        )
      : h("span", { class: `badge ${i.verdict}` }, i.verdict);
  return h(
    "tr",
    { "data-rank": i.rank },
    h("td", { class: "num" }, i.rank),
    h("td", {}, h("strong", {}, i.label)),
    h("td", {}, `${i.precedence} `, h("span", { class: "muted" }, `(${i.precedence_shape})`)),
    h("td", {}, what),
    h("td", {}, originButton(i.origin, jump)),
  );
}

export function buildIntentions(panel: HTMLElement): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const input = (key: keyof typeof filter, label: string, placeholder: string) => {
    const field = h("input", { type: "search", autocomplete: "off", spellcheck: "false", placeholder, "data-testid": `filter-${key}` });
    field.addEventListener("input", () => {
      filter[key] = field.value;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (key === "list") {
          listShown = LIST_STEP;
          void renderList();
        } else {
          void renderMatrix();
        }
      }, 120);
    });
    return h("label", {}, label, field);
  };
  panel.append(
    h("p", { id: "intentions-facts", class: "facts" }),
    h(
      "div",
      { class: "filters", role: "search", "aria-label": "Filter the matrix" },
      input("source", "Sources containing", "web"),
      input("destination", "Destinations containing", "billing"),
      h("span", { id: "matrix-count", class: "muted small", "aria-live": "polite" }),
    ),
    h("p", { id: "matrix-help", class: "muted small" }, "Arrow keys move between cells; Enter or a click simulates that pair."),
    h("div", { id: "matrix-area" }),
    h("div", { class: "filters" }, input("list", "Intentions containing", "web → billing")),
    h("div", { id: "intention-list-area" }),
  );
}

export function renderIntentionsView(): void {
  const views = app.views;
  if (!views) return;
  const facts = byId("intentions-facts");
  if (!need(["intentions"]) || !views.intentions) {
    facts.replaceChildren(pending("the intentions"));
    return;
  }
  const v = views.intentions;
  facts.replaceChildren(
    "Default policy ",
    h("strong", {}, v.default_policy),
    " · mode ",
    h("strong", {}, v.mode),
    ` · ${v.intentions} intention${v.intentions === 1 ? "" : "s"}`,
  );
  void renderMatrix();
  void renderList();
}
