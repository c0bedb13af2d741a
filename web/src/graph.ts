// A discovery chain drawn as SVG: columns router → splitter → resolver → target, boxes centred in
// their column, curved edges with their labels (route matches, split weights, failover order).
// Positions come from the planner (column, row); this only turns them into pixels.
import type { ChainGraph, GraphEdge, GraphNode } from "./api";
import type { Jump } from "./views/common";

const NS = "http://www.w3.org/2000/svg";
const BOX_W = 170;
const BOX_H = 44;
const COL_W = 250;
const ROW_H = 60;
const PAD_X = 12;
const PAD_TOP = 30;
const PAD_BOTTOM = 12;
const PORT_H = 18;

/** A router grows with its number of ports, so each route edge leaves from its own spot. */
function boxHeight(n: GraphNode): number {
  return n.kind === "router" ? Math.max(BOX_H, 40 + n.ports * PORT_H) : BOX_H;
}

function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  el.append(...children);
  return el;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

let graphs = 0;

export function drawChain(graph: ChainGraph, caption: string, jump: Jump): SVGSVGElement {
  const id = `g${++graphs}`;
  const perColumn = new Map<number, number>();
  for (const n of graph.nodes) perColumn.set(n.column, (perColumn.get(n.column) ?? 0) + 1);
  const tallest = Math.max(BOX_H, ...graph.nodes.map(boxHeight));
  const body = Math.max(graph.rows * ROW_H - (ROW_H - BOX_H), tallest);
  const width = PAD_X * 2 + (graph.columns.length - 1) * COL_W + BOX_W;
  const height = PAD_TOP + body + PAD_BOTTOM;
  const at = new Map<string, Box>();
  for (const n of graph.nodes) {
    const count = perColumn.get(n.column) ?? 1;
    const h = boxHeight(n);
    const column = count * ROW_H - (ROW_H - BOX_H);
    const offset = count === 1 ? (body - h) / 2 : (body - column) / 2;
    at.set(n.id, { x: PAD_X + n.column * COL_W, y: PAD_TOP + offset + n.row * ROW_H, h, ports: n.ports });
  }

  const svg = s("svg", {
    class: "chain-graph",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    // A group, not an image: its boxes are buttons.
    role: "group",
    "aria-label": caption,
    "data-testid": "chain-graph",
  });
  svg.append(
    s("title", {}, caption),
    s(
      "defs",
      {},
      ...["route", "split", "resolve", "failover"].map((kind) =>
        s(
          "marker",
          { id: `${id}-${kind}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto" },
          s("path", { d: "M0,0 L10,5 L0,10 z", class: `arrow ${kind}` }),
        ),
      ),
    ),
  );
  graph.columns.forEach((kind, c) => {
    svg.append(s("text", { x: PAD_X + c * COL_W + BOX_W / 2, y: 16, class: "column-title", "text-anchor": "middle" }, `${kind}s`));
  });
  // Nodes first, edges over them: a route that skips the splitter column stays visible.
  for (const n of graph.nodes) {
    const p = at.get(n.id);
    if (p) svg.append(node(n, p, jump));
  }
  for (const e of graph.edges) svg.append(edge(e, at, id));
  return svg;
}

interface Box {
  x: number;
  y: number;
  h: number;
  ports: number;
}

function edge(e: GraphEdge, at: Map<string, Box>, id: string): SVGGElement {
  const from = at.get(e.from);
  const to = at.get(e.to);
  const g = s("g", { class: `edge ${e.kind}`, "data-from": e.from, "data-to": e.to });
  g.append(s("title", {}, e.title));
  if (!from || !to) return g;
  const x1 = from.x + BOX_W;
  const y1 = e.port !== null && from.ports > 0 ? from.y + 40 + e.port * PORT_H - PORT_H / 2 + 4 : from.y + from.h / 2;
  const x2 = to.x;
  const y2 = to.y + to.h / 2;
  const dx = Math.max((x2 - x1) / 2, 30);
  g.append(
    s("path", {
      d: `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2 - 2},${y2}`,
      "marker-end": `url(#${id}-${e.kind})`,
    }),
  );
  if (e.kind === "route") {
    // Route numbers sit on their port, inside the router box, matching the route table.
    g.append(s("text", { x: x1 - 6, y: y1 + 4, "text-anchor": "end", class: "port-label" }, e.label));
  } else if (e.label) {
    // Near the target end, where edges into one column fan apart.
    g.append(s("text", { x: x2 - 10, y: y2 - 6, "text-anchor": "end", class: "edge-label" }, clip(e.label, 14)));
  }
  return g;
}

function node(n: GraphNode, p: Box, jump: Jump): SVGGElement {
  const label = clip(n.label, 24);
  const detail = clip(n.failover_only ? `failover · ${n.detail}` : n.detail, 29);
  const g = s("g", {
    class: `node ${n.kind}${n.failover_only ? " failover-only" : ""}`,
    transform: `translate(${p.x},${p.y})`,
    "data-node": n.id,
  });
  const tooltip = `${n.label}\n${n.detail}\n${n.title}${n.failover_only ? "\n(failover target)" : ""}`;
  g.append(
    s("title", {}, tooltip),
    s("rect", { width: BOX_W, height: p.h, rx: 6 }),
    s("text", { x: 10, y: 18, class: "label" }, label),
    // A space between the two lines, so their text reads as two words (it is not drawn).
    " ",
    s("text", { x: 10, y: 35, class: "detail" }, detail),
  );
  const origin = n.origin;
  if (origin) {
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "button");
    // The name starts with the text the box shows (what speech input users say).
    g.setAttribute("aria-label", `${label} ${detail}: show ${origin.file} line ${origin.line}`);
    g.addEventListener("click", () => jump(origin));
    g.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        jump(origin);
      }
    });
  }
  return g;
}
