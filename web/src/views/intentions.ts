// The Intentions view: the source × destination matrix and the ranked list.
import { app } from "../app";
import { byId, h } from "../dom";
import { jump } from "../files";
import { empty, originButton, type Jump } from "./common";
import type { Cell, Endpoint, IntentionRow, IntentionsView } from "../api";

const CELL_TEXT: Record<Cell["verdict"], string> = {
  allow: "allow",
  deny: "deny",
  l7: "L7",
  "default-allow": "default allow",
  "default-deny": "default deny",
};

function endpointHeader(e: Endpoint, scope: "col" | "row"): HTMLTableCellElement {
  return h(
    "th",
    { scope, class: e.name === "(other)" ? "other" : null },
    e.label,
    e.protocol && e.protocol !== "tcp" ? h("span", { class: "proto" }, ` ${e.protocol}`) : null,
  );
}

function matrix(view: IntentionsView): HTMLElement {
  const m = view.matrix;
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", class: "corner" }, "source ↓ · destination →"),
    m.destinations.map((d) => endpointHeader(d, "col")),
  );
  const rows = m.sources.map((s, si) =>
    h(
      "tr",
      {},
      endpointHeader(s, "row"),
      m.destinations.map((d, di) => {
        const cell = m.cells[si]?.[di];
        if (!cell) return h("td", {});
        return h(
          "td",
          {
            class: `cell ${cell.verdict}`,
            title: cell.explanation,
            "aria-label": `${s.label} to ${d.label}: ${cell.explanation}`,
            "data-verdict": cell.verdict,
          },
          CELL_TEXT[cell.verdict],
          cell.rank !== null ? h("span", { class: "rank" }, ` #${cell.rank}`) : null,
        );
      }),
    ),
  );
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "matrix", "data-testid": "intention-matrix" },
      h("caption", {}, "Who may call whom (hover or focus a cell for why)"),
      h("thead", {}, head),
      h("tbody", {}, rows),
    ),
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

export function renderIntentions(view: IntentionsView, jump: Jump): HTMLElement {
  const list = view.intentions.length
    ? h(
        "table",
        { class: "ranked", "data-testid": "intention-list" },
        h("caption", {}, "Ranked: the first intention that matches decides"),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["#", "Intention", "Precedence", "Action", "Written at"].map((t) => h("th", { scope: "col" }, t)),
          ),
        ),
        h(
          "tbody",
          {},
          view.intentions.map((i) => intentionRow(i, jump)),
        ),
      )
    : empty("No service-intentions entries: the default policy decides every call.");
  return h(
    "div",
    {},
    h(
      "p",
      { class: "facts" },
      "Default policy ",
      h("strong", {}, view.default_policy),
      " · mode ",
      h("strong", {}, view.mode),
      ` · ${view.intentions.length} intention${view.intentions.length === 1 ? "" : "s"}`,
    ),
    matrix(view),
    h("div", { class: "table-scroll" }, list),
  );
}

export function renderIntentionsView(): void {
  const views = app.views;
  if (views) byId("view-intentions-body").replaceChildren(renderIntentions(views.intentions, jump));
}
