// The playground's state — files and settings — and its two homes outside the page: the share
// link (`#state=` + base64url, no padding, of deflate-raw of the UTF-8 JSON) and localStorage.
import type { Action, Mode, WorkspaceInput } from "./api";

export interface FileState {
  name: string;
  text: string;
}

export interface Settings {
  datacenter: string;
  partition: string;
  trust_domain: string;
  default_intention_policy: Action;
  mode: Mode;
  /** Peer name → trust domain. */
  peer_trust_domains: Record<string, string>;
}

/** The Simulate form as typed (every field text; headers one per line; the --no-route toggle "1" when on). */
export interface SimulateQuery {
  source: string;
  source_namespace: string;
  source_partition: string;
  source_peer: string;
  destination: string;
  destination_namespace: string;
  method: string;
  path: string;
  headers: string;
  no_route: string;
}

export const SIMULATE_FIELDS: (keyof SimulateQuery)[] = [
  "source",
  "source_namespace",
  "source_partition",
  "source_peer",
  "destination",
  "destination_namespace",
  "method",
  "path",
  "headers",
  "no_route",
];

/** Where the user was: the view, the file, each view's choice of gateway, the Simulate query. */
export interface UiState {
  view: string;
  file: string;
  /** The Routes view's gateway ("" for the first). */
  gateway: string;
  /** The Plan view's choice ("" for the whole plan). */
  plan: string;
  /** The Envoy view's gateway ("" for the first). */
  envoy: string;
  simulate: SimulateQuery | null;
}

/** What a share link, a workspace file and localStorage hold. */
export interface SharedState {
  files: FileState[];
  settings: Settings;
  ui?: UiState;
}

export const STORAGE_KEY = "meshgate.playground.v1";
export const HASH_PREFIX = "#state=";
/** Where the current workspace came from (an example's id, or "" for the user's own) and whether
 * the user has changed it since. */
export const META_KEY = "meshgate.playground.meta.v1";
/**
 * The longest share link the page hands out, in characters of the whole URL. Chromium opens URLs
 * up to 2 MiB (2,097,152 characters; measured: longer ones abort), but mail, chat and other
 * browsers cut far shorter ones: 32 KB is a conservative limit.
 */
export const LINK_LIMIT = 32 * 1024;
/** What a workspace file holds besides the state (so that another JSON file is not taken for one). */
export const FILE_MARK = "meshgate-playground-workspace";

export function defaultSettings(): Settings {
  return {
    datacenter: "",
    partition: "",
    trust_domain: "",
    default_intention_policy: "allow",
    mode: "enforce",
    peer_trust_domains: {},
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Checks and completes a state read from outside (a link, storage, an example); throws with a reason. */
export function normalizeState(raw: unknown): SharedState {
  if (!isRecord(raw) || !Array.isArray(raw.files)) throw new Error("the state has no list of files");
  const files = raw.files.map((f, i): FileState => {
    if (!isRecord(f) || typeof f.name !== "string" || typeof f.text !== "string") {
      throw new Error(`file #${i + 1} needs a name and a text`);
    }
    return { name: f.name, text: f.text };
  });
  const state: SharedState = { files, settings: normalizeSettings(raw.settings) };
  const ui = normalizeUi(raw.ui);
  if (ui) state.ui = ui;
  return state;
}

export function normalizeUi(raw: unknown): UiState | undefined {
  if (!isRecord(raw)) return undefined;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  let simulate: SimulateQuery | null = null;
  if (isRecord(raw.simulate)) {
    const q = raw.simulate;
    simulate = Object.fromEntries(SIMULATE_FIELDS.map((k) => [k, str(q[k])])) as unknown as SimulateQuery;
  }
  return { view: str(raw.view), file: str(raw.file), gateway: str(raw.gateway), plan: str(raw.plan), envoy: str(raw.envoy), simulate };
}

export function normalizeSettings(raw: unknown): Settings {
  const s = defaultSettings();
  if (!isRecord(raw)) return s;
  const str = (k: keyof Settings) => (typeof raw[k] === "string" ? (raw[k] as string) : "");
  s.datacenter = str("datacenter");
  s.partition = str("partition");
  s.trust_domain = str("trust_domain");
  if (raw.default_intention_policy === "deny") s.default_intention_policy = "deny";
  if (raw.mode === "audit") s.mode = "audit";
  if (isRecord(raw.peer_trust_domains)) {
    for (const [peer, td] of Object.entries(raw.peer_trust_domains)) {
      if (typeof td === "string") s.peer_trust_domains[peer] = td;
    }
  }
  return s;
}

/** The state's JSON with keys in one fixed order, so equal states give equal links. */
export function canonicalJson(state: SharedState): string {
  const s = state.settings;
  const peers: Record<string, string> = {};
  for (const peer of Object.keys(s.peer_trust_domains).sort()) peers[peer] = s.peer_trust_domains[peer];
  const ui = state.ui;
  return JSON.stringify({
    files: state.files.map((f) => ({ name: f.name, text: f.text })),
    settings: {
      datacenter: s.datacenter,
      partition: s.partition,
      trust_domain: s.trust_domain,
      default_intention_policy: s.default_intention_policy,
      mode: s.mode,
      peer_trust_domains: peers,
    },
    ui: ui
      ? {
          view: ui.view,
          file: ui.file,
          gateway: ui.gateway,
          plan: ui.plan,
          envoy: ui.envoy,
          simulate: ui.simulate ? Object.fromEntries(SIMULATE_FIELDS.map((k) => [k, ui.simulate?.[k] ?? ""])) : null,
        }
      : undefined,
  });
}

/** The same files and settings (the view and the other choices left out). */
export function sameWork(a: SharedState, b: SharedState): boolean {
  return canonicalJson({ files: a.files, settings: a.settings }) === canonicalJson({ files: b.files, settings: b.settings });
}

/** Nothing worth keeping: no file has any text. */
export function isBlank(state: SharedState): boolean {
  return state.files.every((f) => f.text.trim() === "");
}

export function toWorkspaceInput(state: SharedState): WorkspaceInput {
  return {
    files: state.files.map((f) => ({ name: f.name, text: f.text })),
    settings: { ...state.settings, peer_trust_domains: { ...state.settings.peer_trust_domains } },
  };
}

// ------------------------------------------------------------------------------ share links

async function pipe(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("the link is not base64url");
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** `#state=…` for a state: the same state always gives the same fragment. */
export async function encodeFragment(state: SharedState): Promise<string> {
  return fragmentOf(canonicalJson(state));
}

/** `#state=…` for a state's canonical JSON. */
export async function fragmentOf(canonical: string): Promise<string> {
  const json = new TextEncoder().encode(canonical);
  return HASH_PREFIX + base64url(await pipe(json, new CompressionStream("deflate-raw")));
}

/** The state in a `#state=…` fragment; throws with a reason a person can read. */
export async function decodeFragment(fragment: string): Promise<SharedState> {
  if (!fragment.startsWith(HASH_PREFIX)) throw new Error("the link has no #state=");
  let json: string;
  try {
    const bytes = await pipe(fromBase64url(fragment.slice(HASH_PREFIX.length)), new DecompressionStream("deflate-raw"));
    json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error("the link's state is damaged (it does not decompress)");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error("the link's state is not JSON");
  }
  return normalizeState(raw);
}

// ------------------------------------------------------------------------------ localStorage

export function loadStored(): SharedState | null {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    return text ? normalizeState(JSON.parse(text)) : null;
  } catch {
    return null;
  }
}

export function store(state: SharedState | string): void {
  try {
    localStorage.setItem(STORAGE_KEY, typeof state === "string" ? state : canonicalJson(state));
  } catch {
    // Storage full or disabled: the share link still holds the state.
  }
}

export interface Meta {
  /** The example the workspace was loaded from; "" for the user's own (storage, a link, a file). */
  example: string;
  /** Changed by the user since it was loaded. */
  edited: boolean;
}

/** Where the stored workspace came from. A workspace stored without this record (or stored by
 * something else since: the record notes the stored text's length) is the user's own. */
export function loadMeta(): Meta {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(META_KEY) ?? "null");
    const stored = localStorage.getItem(STORAGE_KEY);
    if (!isRecord(raw) || raw.length !== stored?.length) return { example: "", edited: true };
    return { example: typeof raw.example === "string" ? raw.example : "", edited: raw.edited !== false };
  } catch {
    return { example: "", edited: true };
  }
}

export function storeMeta(meta: Meta, length: number): void {
  try {
    localStorage.setItem(META_KEY, JSON.stringify({ example: meta.example, edited: meta.edited, length }));
  } catch {
    // As above.
  }
}

// ------------------------------------------------------------------------------ workspace files

/** The text of a workspace file: the state's JSON with a mark, pretty-printed. */
export function workspaceFile(state: SharedState): string {
  return JSON.stringify({ format: FILE_MARK, version: 1, ...JSON.parse(canonicalJson(state)) }, null, 2);
}

/** The state in a workspace file's text; throws with a reason a person can read. */
export function readWorkspaceFile(text: string): SharedState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("it is not JSON");
  }
  if (!isRecord(raw) || raw.format !== FILE_MARK) throw new Error("it is not a meshgate playground workspace file");
  return normalizeState(raw);
}

// ------------------------------------------------------------------------------ settings text

/** `cluster-01=aaaa.consul, other=bbbb.consul` → record (entries without `=` are skipped). */
export function parsePeers(text: string): Record<string, string> {
  const peers: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const peer = part.slice(0, at).trim();
    const td = part.slice(at + 1).trim();
    if (peer && td) peers[peer] = td;
  }
  return peers;
}

export function formatPeers(peers: Record<string, string>): string {
  return Object.keys(peers)
    .sort()
    .map((p) => `${p}=${peers[p]}`)
    .join(", ");
}
