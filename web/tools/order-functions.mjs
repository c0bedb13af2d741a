// Gives every function of a wasm module a name that sorts it next to the functions most like it,
// so that `wasm-opt --reorder-functions-by-name` lays the code section out for gzip: deflate finds
// repeats only within 32 KB, and the planner's code is full of near-copies (one instance of a
// generic function per type: `Vec::from_iter`, `Option::decode`, `drop_in_place`, ...) that the
// optimizer's own order (by call count) scatters. See web/build.sh.
//
//   node tools/order-functions.mjs IN.wasm OUT.wasm
//
// IN must carry a name section (wasm-opt -g keeps it). OUT is IN with its function names
// replaced by sort keys; it is an intermediate file: the reordering pass strips the names after.
//
// The order is a greedy chain: from each function, go to the not yet placed function whose body
// is most like it (the share of 6-byte pieces the two have in common), among its 500 neighbours
// on each side in two rough orders (by name with generic arguments dropped, and by the bytes the
// body begins with). Deterministic: ties go to the first candidate, candidates come in a fixed
// order. The constants were tuned on the planner wasm: 8-byte pieces at even offsets, 60
// neighbours and overlap over the smaller set gave 6 KB gzip more; past 500 neighbours nothing
// improves and the run (~25 s) grows.
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node tools/order-functions.mjs IN.wasm OUT.wasm");
  process.exit(2);
}

/** Neighbours on each side, in each rough order, that a step of the chain compares. */
const WINDOW = 500;
/** Bytes in a piece of a body (see `pieces`). */
const PIECE = 6;

const bytes = readFileSync(input);

function uleb(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

function encodeUleb(value) {
  const out = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

// The module's sections, as [id, body] pairs in file order.
const sections = [];
for (let at = 8; at < bytes.length; ) {
  const id = bytes[at];
  const [size, start] = uleb(bytes, at + 1);
  sections.push([id, bytes.subarray(start, start + size)]);
  at = start + size;
}

function importedFunctions(body) {
  let [count, at] = uleb(body, 0);
  let functions = 0;
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < 2; s++) {
      const [len, next] = uleb(body, at);
      at = next + len;
    }
    const kind = body[at++];
    if (kind === 0) {
      functions++;
      [, at] = uleb(body, at);
    } else if (kind === 1) {
      at++; // the table's element type
      let flags;
      [flags, at] = uleb(body, at);
      [, at] = uleb(body, at);
      if (flags & 1) [, at] = uleb(body, at);
    } else if (kind === 2) {
      let flags;
      [flags, at] = uleb(body, at);
      [, at] = uleb(body, at);
      if (flags & 1) [, at] = uleb(body, at);
    } else if (kind === 3) {
      at += 2; // value type, mutability
    } else {
      throw new Error(`import kind ${kind} is not one this tool reads`);
    }
  }
  return functions;
}

function codeBodies(body) {
  let [count, at] = uleb(body, 0);
  const out = [];
  for (let i = 0; i < count; i++) {
    const [len, start] = uleb(body, at);
    out.push(body.subarray(start, start + len));
    at = start + len;
  }
  return out;
}

function functionNames(body) {
  const names = new Map();
  let [len, at] = uleb(body, 0);
  if (body.subarray(at, at + len).toString() !== "name") return null;
  at += len;
  while (at < body.length) {
    const sub = body[at];
    const [size, start] = uleb(body, at + 1);
    if (sub === 1) {
      let [count, p] = uleb(body, start);
      for (let i = 0; i < count; i++) {
        let index, n;
        [index, p] = uleb(body, p);
        [n, p] = uleb(body, p);
        names.set(index, body.subarray(p, p + n).toString());
        p += n;
      }
    }
    at = start + size;
  }
  return names;
}

let imported = 0;
let bodies = [];
let names = null;
let nameSection = -1;
sections.forEach(([id, body], i) => {
  if (id === 2) imported = importedFunctions(body);
  if (id === 10) bodies = codeBodies(body);
  if (id === 0 && names === null) {
    names = functionNames(body);
    if (names) nameSection = i;
  }
});
if (!names) throw new Error(`${input} has no name section (run wasm-opt with -g)`);

/** `a::B<T>::f::<U>` → `a::B::f::`: the generic function, whatever its type arguments. */
function generic(name) {
  const plain = name.replace(/\[[0-9a-f]{16}\]/g, "");
  let depth = 0;
  let out = "";
  for (const c of plain) {
    if (c === "<") depth++;
    if (depth <= 1) out += c;
    if (c === ">") depth--;
  }
  return out;
}

/** The body's `PIECE`-byte pieces at every offset, hashed. */
function pieces(body) {
  const set = new Set();
  for (let i = 0; i + PIECE <= body.length || i === 0; i++) {
    let h = 0x811c9dc5;
    for (let j = i; j < Math.min(i + PIECE, body.length); j++) h = Math.imul(h ^ body[j], 0x01000193) >>> 0;
    set.add(h);
  }
  return set;
}

function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

const count = bodies.length;
const name = (i) => names.get(i + imported) ?? "";
const ids = [...Array(count).keys()];
const byName = ids.map((i) => [generic(name(i)), i]);
byName.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
const orderName = byName.map(([, i]) => i);
const orderBody = [...ids].sort((a, b) => compareBytes(bodies[a].subarray(0, 64), bodies[b].subarray(0, 64)) || a - b);
const posName = new Int32Array(count);
const posBody = new Int32Array(count);
orderName.forEach((f, p) => (posName[f] = p));
orderBody.forEach((f, p) => (posBody[f] = p));
const shingles = bodies.map(pieces);

/** Jaccard: the pieces both have, over the pieces either has. */
function likeness(a, b) {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const h of small) if (large.has(h)) shared++;
  return shared / (a.size + b.size - shared + 1);
}

const placed = new Uint8Array(count);
const chain = [];
let next = 0; // the first function of orderName not yet placed
let current = orderName[0];
while (current !== undefined) {
  placed[current] = 1;
  chain.push(current);
  let best;
  let bestScore = -1;
  for (const [order, pos] of [
    [orderName, posName[current]],
    [orderBody, posBody[current]],
  ]) {
    const end = Math.min(count, pos + WINDOW);
    for (let q = Math.max(0, pos - WINDOW); q < end; q++) {
      const candidate = order[q];
      if (placed[candidate]) continue;
      const score = likeness(shingles[current], shingles[candidate]);
      if (score > bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
  }
  if (best === undefined) {
    while (next < count && placed[orderName[next]]) next++;
    best = orderName[next];
  }
  current = best;
}

// A name section holding only function names: the chain position, zero-padded so that names sort
// as numbers do.
const entries = [...encodeUleb(count)];
chain.forEach((f, rank) => {
  const key = Buffer.from(String(rank).padStart(6, "0"));
  entries.push(...encodeUleb(f + imported), ...encodeUleb(key.length), ...key);
});
const nameBody = Buffer.from([...encodeUleb(4), ...Buffer.from("name"), 1, ...encodeUleb(entries.length), ...entries]);
sections[nameSection] = [0, nameBody];

const parts = [bytes.subarray(0, 8)];
for (const [id, body] of sections) parts.push(Buffer.from([id, ...encodeUleb(body.length)]), body);
writeFileSync(output, Buffer.concat(parts));
