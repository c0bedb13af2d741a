// Generated from meshgate-core's view types by ts-rs (core/tests/typescript.rs): do not edit.
// Regenerate: UPDATE_TS=1 cargo test -p meshgate-core --features ts --test typescript
// Every key and value the views serialize is checked against these declarations (meshgate-core's
// unit tests); planner-wasm hands them to wasm-bindgen (typescript_custom_section).

/** What the page sends: the files of the editor and the settings panel. */
export type WorkspaceInput = { files: Array<FileInput>; settings?: SettingsInput | null };

/**
 * One file of the workspace. The format comes from the extension (`.hcl`, `.json`, `.yaml`,
 * `.yml`), else from the content.
 */
export type FileInput = { name: string; text: string };

/**
 * Workspace settings as the page edits them. Every field is optional; a missing or empty one
 * takes the default (see [`Settings::default`]).
 */
export type SettingsInput = {
  datacenter?: string | null;
  partition?: string | null;
  trust_domain?: string | null;
  default_intention_policy?: Action | null;
  mode?: Mode | null;
  /** Peer name → that cluster's trust domain. */
  peer_trust_domains?: { [key in string]: string } | null;
};

export type Action = "allow" | "deny";

export type Mode = "enforce" | "audit";

export type DiagnosticsView = { summary: Summary; diagnostics: Array<DiagnosticView> };

/** Counts for a status line. */
export type Summary = {
  /** No errors: `meshgate` would build a plan from these files. */
  valid: boolean;
  files: number;
  entries: number;
  services: number;
  errors: number;
  warnings: number;
};

/**
 * One diagnostic, placed for an editor: 1-based line and column (in Unicode scalar values and
 * in UTF-16 code units), and 0-based UTF-16 offsets from the start of the file — what
 * JavaScript strings and CodeMirror count.
 */
export type DiagnosticView = {
  /** Stable code, e.g. `E0201`. */
  code: string;
  /** The code's short title (`unknown key`). */
  title: string;
  severity: Severity;
  message: string;
  notes: Array<string>;
  /** `None` for problems that belong to no file (the settings). */
  file: string | null;
  start: Position | null;
  end: Position | null;
  /** 0-based UTF-16 offsets into the file's text: what JavaScript strings and CodeMirror count. */
  from_utf16: number | null;
  to_utf16: number | null;
  /**
   * A one-click fix (a did-you-mean): the text that replaces `from_utf16..to_utf16`, quoted as
   * the replaced text is.
   */
  fix: string | null;
};

export type Severity = "error" | "warning";

/**
 * A position for people: 1-based line, 1-based column counted in Unicode scalar values, and the
 * same column in UTF-16 code units (what browser editors use).
 */
export type Position = { line: number; column: number; column_utf16: number };

/** What the Intentions view needs up front; the matrix and the list come in windows. */
export type IntentionsSummary = {
  default_policy: Action;
  mode: Mode;
  /** How many intentions, sources and destinations (the matrix's rows and columns). */
  intentions: number;
  sources: number;
  destinations: number;
};

/** A window of the ranked list, filtered by a substring of the label (case-insensitive). */
export type ListQuery = { filter: string; start: number; count: number };

export type ListSlice = {
  /** Rows that pass the filter. */
  total: number;
  start: number;
  rows: Array<IntentionRow>;
};

export type IntentionRow = {
  /** 1-based position in the ranking. */
  rank: number;
  /** `web → billing` */
  label: string;
  source: IntentionSource;
  destination: IntentionDestination;
  verdict: RuleVerdict;
  permissions: Array<PermissionRow>;
  precedence: number;
  /** The shape that gives this precedence: `* → exact`. */
  precedence_shape: string;
  origin: Origin;
};

/**
 * Who an intention applies to. `*` is a wildcard for `name` and `namespace`. A source with a
 * `peer` matches only connections from that peer (whose partition is the peer's business); a
 * source without one matches only local connections from `partition`.
 */
export type IntentionSource = {
  name: string;
  /**
   * Written only when not `default`, and `default` when absent: at 100 000 intentions the
   * defaults were a third of a GatewayPlan.
   */
  namespace?: string;
  partition?: string;
  peer?: string;
};

/** The service an intention protects (`*` wildcards allowed in `name` and `namespace`). */
export type IntentionDestination = { name: string; namespace?: string; partition?: string };

/** What an intention says before any request is looked at. */
export type RuleVerdict = "allow" | "deny" | "l7";

export type PermissionRow = {
  action: Action;
  /** `PathPrefix /admin, methods GET HEAD, header x-debug present`, or `any request`. */
  summary: string;
};

/** Where an intention was written, so every decision can cite it. */
export type Origin = { file: string; line: number; column: number };

/**
 * A window of the matrix: sources and destinations filtered by a substring of their labels
 * (case-insensitive; empty keeps all).
 */
export type MatrixQuery = {
  source: string;
  destination: string;
  /** For the list form: the first pair and how many. */
  start: number;
  count: number;
};

/**
 * The filtered matrix: a table when it has at most [`MATRIX_LIMIT`] cells, else the pairs an
 * intention decides (every other pair falls to the default policy), in matrix order.
 */
export type MatrixSlice =
  | {
    kind: "table";
    sources: Array<Endpoint>;
    destinations: Array<Endpoint>;
    /** `cells[s][d]` for `sources[s]` calling `destinations[d]`. */
    cells: Array<Array<Cell>>;
    all_sources: number;
    all_destinations: number;
  }
  | {
    kind: "list";
    /** Sources and destinations that pass the filters. */
    sources: number;
    destinations: number;
    all_sources: number;
    all_destinations: number;
    /** The most cells drawn as a table. */
    limit: number;
    /** Decided pairs among the filtered ones. */
    total: number;
    start: number;
    pairs: Array<Pair>;
  };

/** A row or column of the matrix: a service (or [`OTHER`], any service not named). */
export type Endpoint = {
  label: string;
  name: string;
  namespace: string;
  partition: string;
  peer: string;
  /** For destinations: the protocol the service speaks (service-defaults, proxy-defaults, tcp). */
  protocol?: Protocol;
};

export type Protocol = "tcp" | "http" | "http2" | "grpc";

export type Cell = {
  verdict: CellVerdict;
  /** Rank (1-based) of the intention that decides, if one does. */
  rank: number | null;
  explanation: string;
};

export type CellVerdict = "allow" | "deny" | "l7" | "default-allow" | "default-deny";

/** One decided pair of the list form. */
export type Pair = {
  /** Row and column in the whole matrix. */
  s: number;
  d: number;
  source: Endpoint;
  destination: Endpoint;
  cell: Cell;
};

/** The names Simulate suggests: the matrix's services, each once, without "(other)". */
export type IntentionNames = { sources: Array<string>; destinations: Array<string> };

export type UpstreamsView = {
  datacenter: string;
  /** What the `_short` names write as `<td>`. */
  trust_domain: string;
  proxies: Array<ProxyView>;
};

/** One connect proxy and its upstreams. */
export type ProxyView = {
  /** The proxy's own service name (`web-sidecar-proxy`). */
  proxy: string;
  /** The service it fronts (`web`). */
  service: string;
  datacenter: string;
  /** The SPIFFE ID the proxy presents when it dials (its service's). */
  presents: string;
  presents_short: string;
  upstreams: Array<UpstreamView>;
};

/** One upstream: how it resolves, and where its listener sends traffic. */
export type UpstreamView = {
  resolution: UpstreamResolution;
  /**
   * `address:port` the application dials; null without `local_bind_port` (no listener:
   * nothing is dialled).
   */
  listener: string | null;
  /**
   * Every target the listener can send to, once each, in route order, with its failover
   * targets.
   */
  targets: Array<DialedTarget>;
};

export type UpstreamResolution = {
  destination: string;
  namespace: string;
  partition: string;
  /** Empty for a peered upstream. */
  datacenter: string;
  /** Empty for a local upstream. */
  peer: string;
  local_bind_port?: number;
  sni: string;
  mesh_gateway_mode: MeshGatewayMode;
  mesh_gateway_mode_source: ModeSource;
  dial: Dial;
  /** `address:port` of the gateway dialled, when the workspace registers one. */
  gateway?: string;
  /** Why the outcome is not simply the mode (same datacenter, peering rules). */
  note?: string;
  origin: Origin;
};

export type MeshGatewayMode = "none" | "local" | "remote";

/** Which level decided the mode. */
export type ModeSource = "upstream" | "proxy" | "service-defaults" | "proxy-defaults" | "default";

export type Dial = "direct" | "local-gateway" | "remote-gateway";

/** A target and its dial, with the failover targets tried after it, in order. */
export type DialedTarget = {
  /** The Envoy cluster (the target id). */
  cluster: string;
  /** `v1.api`, `api @dc2`, `ledger @peer:partner`. */
  label: string;
  dial: DialView;
  failover: Array<DialedTarget>;
};

/** How one target is dialled. */
export type DialView = {
  via: Via;
  /**
   * `Connect endpoints`, `terminating gateway`, `local mesh gateway`, `remote mesh gateway`,
   * `peer's mesh gateway`.
   */
  via_title: string;
  /** `address:port`, sorted. */
  endpoints: Array<string>;
  /** The SNI sent. */
  sni: string;
  sni_short: string;
  /** The SPIFFE ID the gateway (or the sidecar's service) presents. */
  presents: string;
  presents_short: string;
  /** What the server must present. */
  expects: SanMatch;
  /** `spiffe://<td>/ns/default/dc/dc1/svc/api`, or `~<pattern>` for a peer's service. */
  expects_short: string;
  /** The peer whose CA the server's certificate chains to; null: the mesh CA. */
  peer: string | null;
  /** Why the traffic fails, when it does (the target is unrouted). */
  problem: string | null;
  /** A subset filter meshgate could not read: every instance is used. */
  unread_filter: string | null;
};

/** How the traffic gets there. */
export type Via =
  | "connect-endpoints"
  | "terminating-gateway"
  | "local-mesh-gateway"
  | "remote-mesh-gateway"
  | "peer-mesh-gateway";

/** What the server must present. */
export type SanMatch = { match: "exact"; value: string } | { match: "regex"; value: string };

export type RoutesView = { chains: Array<ChainView> };

export type ChainView = {
  service: string;
  namespace: string;
  partition: string;
  datacenter: string;
  protocol: Protocol;
  /** `service-defaults at web.hcl:1:1`, `proxy-defaults at …`, `the default`. */
  protocol_source: string;
  /** Consul's default chain: no router, no splitter, the service's own default resolver. */
  default: boolean;
  /** In order; the first that matches decides. */
  routes: Array<RouteRow>;
  graph: ChainGraph;
};

/** One row of a chain's route table. */
export type RouteRow = {
  /** `PathPrefix "/admin"`, or `every request` for a chain without a router. */
  match: string;
  /** `admin`, `canary.api` — where the route sends requests before splitting. */
  destination: string;
  /** Consul's implicit last route to the chain's own service. */
  catch_all: boolean;
  /** Rewrites, timeouts, retries, as short phrases. */
  details: Array<string>;
  targets: Array<TargetShare>;
  origin: Origin | null;
};

export type TargetShare = {
  /** Consul's target id, `[subset.]service.namespace.partition.datacenter`. */
  target: string;
  /** `canary.api` (`@dc2` or `@peer:p` when not local). */
  label: string;
  sni: string;
  /** Percent of the route's traffic, to 0.01. */
  weight: number;
  /** Tried in order when this target has no healthy instance. */
  failover: Array<TargetRef>;
};

export type TargetRef = {
  target: string;
  /** `stable.api @dc2` */
  label: string;
};

/** A chain as a graph in columns. The page turns `column`/`row` into coordinates. */
export type ChainGraph = {
  /** Titles of the columns present (`router`, `splitter`, `resolver`, `target`). */
  columns: Array<GraphNodeKind>;
  /** The most rows any column has. */
  rows: number;
  nodes: Array<GraphNode>;
  edges: Array<GraphEdge>;
};

export type GraphNodeKind = "router" | "splitter" | "resolver" | "target";

export type GraphNode = {
  id: string;
  kind: GraphNodeKind;
  label: string;
  /** A short second line: `3 routes`, `connect 5s`, `mesh gateway local`. */
  detail: string;
  /** Everything else, for a tooltip. */
  title: string;
  /** Index into [`ChainGraph::columns`]. */
  column: number;
  row: number;
  /** Reached only as a failover target. */
  failover_only: boolean;
  /** For a router: how many outgoing edges (ports) it has. */
  ports: number;
  origin: Origin | null;
};

export type GraphEdge = {
  from: string;
  to: string;
  kind: EdgeKind;
  /**
   * Short: the route numbers of the route table (`#1`, `#2 #3` when several routes lead to one
   * node), a split's weight (`90%`), or the failover position (`failover 1`).
   */
  label: string;
  /** Long, for a tooltip: the route matches, the split, the failover target. */
  title: string;
  /**
   * For route edges: which of the router's ports (0-based, one per outgoing edge, in route
   * order) the edge leaves from.
   */
  port: number | null;
};

export type EdgeKind = "route" | "split" | "resolve" | "failover";

/** Every gateway's route table, then every sidecar's. */
export type GatewaysView = {
  /** What the `_short` names write as `<td>`. */
  trust_domain: string;
  /**
   * What decides when no intention applies: `no intention applies: the default policy (deny)
   * decides`.
   */
  no_intention: string;
  /**
   * The gateways sorted by name, datacenter, partition, namespace, key (as the plan lists
   * them), then the sidecars (kind `connect-proxy`) in registration order.
   */
  gateways: Array<GatewayView>;
  /** Gateway config entries no registered service runs, each with the registration to add. */
  unregistered: Array<UnregisteredGateway>;
};

/** One gateway and its route table. */
export type GatewayView = {
  /**
   * Unique among the gateways (and among the sidecars): what the picker, the Plan view and
   * `--gateway` (`--sidecar` for a sidecar) select.
   */
  key: string;
  name: string;
  kind: GatewayKind;
  /** `mesh gateway`, `terminating gateway`, `ingress gateway`, `API gateway`, `sidecar`. */
  kind_title: string;
  datacenter: string;
  partition: string;
  namespace: string;
  /** `address:port` of its registration. */
  listener: string;
  spiffe_id: string;
  /** For a picker: `mesh-gateway-dc1 · mesh gateway · dc1`. */
  label: string;
  /** `mesh gateway in dc1, partition default, on 10.0.1.10:8443`. */
  summary: string;
  /** The registration. */
  origin: Origin;
  table: GatewayTable;
  /** What happens to traffic no row matches. */
  fallback: string | null;
  /**
   * The intentions the gateway enforces for every request (ingress and API gateways: the
   * gateway is the source). `None` for mesh gateways (they never decrypt) and terminating
   * gateways (their rows list each service's own).
   */
  intentions: GatewayIntentions | null;
  /** Missing entries, settings Consul would reject, features the filter does not enforce. */
  notes: Array<string>;
};

export type GatewayKind =
  | "mesh-gateway"
  | "terminating-gateway"
  | "ingress-gateway"
  | "api-gateway"
  | "connect-proxy";

/** The route table, by gateway kind. */
export type GatewayTable =
  | { kind: "mesh-gateway"; routes: Array<MeshRow> }
  | { kind: "terminating-gateway"; services: Array<LinkedRow> }
  | { kind: "ingress-gateway"; listeners: Array<ListenerView> }
  | { kind: "api-gateway"; listeners: Array<ListenerView> }
  | { kind: "sidecar"; public: LinkedRow; upstreams: Array<UpstreamListenerView> };

/** One SNI row of a mesh gateway. */
export type MeshRow = {
  sni: string;
  sni_short: string;
  /** `exact`, or `suffix` for a wildcard `*.X` name. */
  match: SniMatch;
  /** `local-service`, `exported-service`, `remote-gateways`, `peer-gateways`. */
  destination_kind: "local-service" | "exported-service" | "remote-gateways" | "peer-gateways";
  /** `service api subset v1`, `service api for peer cluster-02`, `datacenter dc2 gateways …`. */
  destination: string;
  /** Consumers in other partitions that dial this same name (`partition:<name>`). */
  exported_to: Array<string>;
  /** The cluster the connection is sent to. */
  cluster: string;
  cluster_short: string;
  /** The cluster is named by the SNI (a local service or subset, as Consul names it). */
  cluster_is_sni: boolean;
  /** Where the connections go: Connect endpoints, a terminating gateway, other gateways. */
  forward: ForwardView;
  note: string | null;
  origin: Origin;
};

/** How a row's `sni` is compared with the requested name (ASCII case-insensitively). */
export type SniMatch = "exact" | "suffix";

/** Where a mesh gateway forwards one SNI row's connections (passed through, never decrypted). */
export type ForwardView = {
  via: Via;
  /** `Connect endpoints`, `terminating gateway`, `remote mesh gateway`, `peer's mesh gateway`. */
  via_title: string;
  /** `address:port`, sorted. */
  endpoints: Array<string>;
  /** Why the connections fail, when they do (the row is unrouted). */
  problem: string | null;
  /** A subset filter meshgate could not read: every instance is used. */
  unread_filter: string | null;
};

/** One linked service of a terminating gateway. */
export type LinkedRow = {
  /** `billing-api` (`namespace/` and `partition/` in front when not `default`). */
  service: string;
  sni: string;
  sni_short: string;
  /** `address:port` of each registration of the service in the gateway's datacenter. */
  endpoints: Array<string>;
  tls_mode: TlsMode;
  /** `none`, `tls (ca.pem, sni api.example.com)`, `mtls (ca.pem, cert.pem, key.pem)`. */
  tls: string;
  /** The SPIFFE ID the gateway presents for this SNI. */
  identity: string;
  identity_short: string;
  protocol: Protocol;
  /** `linked by *`, `Host header kept`. */
  details: Array<string>;
  /** The intentions protecting the service (any source), ranked: the first that matches decides. */
  intentions: Array<GatewayIntention>;
  notes: Array<string>;
  /** The `Services` item of the terminating-gateway entry. */
  origin: Origin;
};

/** How the gateway connects to the external service. */
export type TlsMode = "none" | "one-way" | "mutual";

export type GatewayIntention = {
  /** 1-based, among the intentions that apply here. */
  rank: number;
  /** `web → billing`. */
  label: string;
  /** `allow`, `deny`, or `permissions (n)` for an L7 intention. */
  action: string;
  precedence: number;
  origin: Origin;
};

/** An ingress or API gateway listener. */
export type ListenerView = {
  /** `listener 8080 http`, `listener public: port 8080 http, hostname *.shop.example.com`. */
  title: string;
  /** API gateways' listener name (empty for ingress gateways). */
  name: string;
  port: number;
  protocol: Protocol;
  /** API gateways' listener host name (`*` for any; empty for ingress gateways). */
  hostname: string;
  tls: boolean;
  /**
   * How the listener's TLS is set up: `TLS, min TLSv1_2`, where each certificate comes from
   * (files, SDS, certificate entries, per-host files by SNI); empty for plain text.
   */
  tls_details: Array<string>;
  /** http-like listeners: the virtual hosts, in the order the plan gives them. */
  hosts: Array<HostView>;
  /** tcp listeners. */
  tcp: Array<TcpView>;
  /** Why nothing is routed on this listener, when nothing is. */
  empty: string | null;
  origin: Origin;
};

/** A virtual host: its names and its routes, in order (the first that matches wins). */
export type HostView = {
  domains: Array<string>;
  /** The ingress service these hosts expose. */
  service: string | null;
  /** Header changes for every route of the host. */
  filters: Array<string>;
  routes: Array<HttpRouteView>;
  origin: Origin;
};

/** One HTTP route of a host. */
export type HttpRouteView = {
  /** `prefix /`, `exact /checkout`, `regex /items/[0-9]+ (any case)`. */
  path: string;
  /**
   * The rest of the match, each a must: `header x-session present`, `query page exact "2"`,
   * `methods GET HEAD`.
   */
  conditions: Array<string>;
  targets: Array<TargetView>;
  /** When there is no target: what the gateway answers. */
  no_target: string | null;
  /** `rewrite prefix to /v1/`, `set x-a=1`, `remove x-b`, `timeout 10s`, `retries 2 on reset, 5xx`. */
  filters: Array<string>;
  /**
   * The JWT requirements of the intentions that decide the route's requests at the gateway:
   * `JWT for api (intention ingress → api): provider okta with role=admin`.
   */
  jwt: Array<string>;
  origin: Origin;
};

/** A weighted target of a route. */
export type TargetView = {
  /** The Envoy cluster (the target id). */
  cluster: string;
  /** `v1.api`, `api @dc2`, `api @peer:p`. */
  label: string;
  /** Percent of the route's traffic, to 0.01. */
  weight: number;
  sni: string;
  /** Header changes for this target only. */
  filters: Array<string>;
  /** Where it is dialled and the identities on both ends. */
  dial: DialView;
  /** Tried in order when the target has no healthy endpoint. */
  failover: Array<DialedTarget>;
};

/** Where a tcp listener's connections go. */
export type TcpView = {
  /** `every connection`, `tcp-route postgres`. */
  what: string;
  service: string;
  targets: Array<TargetView>;
  origin: Origin;
};

/** One upstream listener of a sidecar: the upstream's chain, its targets dialled as the service. */
export type UpstreamListenerView = {
  /** `upstream billing in dc2 on 127.0.0.1:10001 http, mesh gateway mode local`. */
  title: string;
  /** `billing` (`namespace/` and `partition/` in front when not `default`). */
  destination: string;
  /** Where the chain is evaluated; null for a peer's service. */
  datacenter: string | null;
  peer: string | null;
  /** `address:port` the application dials. */
  listener: string;
  port: number;
  protocol: Protocol;
  /** How targets outside the sidecar's datacenter are reached. */
  mesh_gateway_mode: MeshGatewayMode;
  /** http-like upstreams: one host for every authority, the chain's routes. */
  hosts: Array<HostView>;
  /** tcp upstreams. */
  tcp: Array<TcpView>;
  /** The upstream as written. */
  origin: Origin;
};

/** The intentions a gateway enforces, ranked. */
export type GatewayIntentions = {
  /** `Intentions with source ingress-gateway: the first that matches decides`. */
  title: string;
  rows: Array<GatewayIntention>;
};

/** One gateway entry without a registration, and the registration that would run it. */
export type UnregisteredGateway = {
  name: string;
  /** The entry's kind: `ingress-gateway`, `terminating-gateway` or `api-gateway`. */
  kind: string;
  /** Where the entry is written. */
  entry: Origin;
  /** A file name for the registration that is not taken yet: `<name>-registration.hcl`. */
  file_name: string;
  /**
   * The registration, in HCL: the entry's name, kind and tenancy, on 127.0.0.1 and a port no
   * registration or listener of the workspace uses.
   */
  registration: string;
};

/**
 * One gateway's GatewayPlan as the filter receives it (`meshgate plan --gateway KEY`), or why
 * there is none.
 */
export type GatewayPlanView = {
  /** The gateway asked for. */
  gateway: string;
  /** The GatewayPlan format version. */
  version: number;
  /** Pretty JSON, exactly `meshgate plan --gateway KEY`'s output. */
  json: string | null;
  /**
   * The plan's content hash (`content_hash` of its canonical JSON, 16 hex digits): what the filter
   * logs when it loads the plan.
   */
  hash: string | null;
  /** A file name for downloading it: `gatewayplan-<key>.json`. */
  file_name: string;
  withheld: string | null;
};

/** What the Envoy form asks for. Empty strings take the defaults. */
export type EnvoyRequest = {
  /**
   * The gateway's key (or its name, when no other gateway has it); with `sidecar`, the
   * sidecar's key (or the service it fronts).
   */
  gateway: string;
  /** `gateway` names a sidecar (`meshgate envoy --sidecar`). */
  sidecar?: boolean;
  /** Path of `filter.wasm` as Envoy will read it. */
  wasm?: string;
  /** Envoy's admin port, as typed. */
  admin_port?: string;
  /** The certificates directory. */
  cert_dir?: string;
};

/** The bootstrap, or why there is none. */
export type EnvoyView = {
  /** The gateway asked for. */
  gateway: string;
  /** The options used, defaults filled in. */
  wasm: string;
  admin_port: number;
  cert_dir: string;
  /** The CLI command that writes the same bootstrap. */
  command: string;
  /** Pretty JSON (Envoy reads it as YAML too), exactly `meshgate envoy`'s output. */
  bootstrap: string | null;
  /** A file name for downloading it: `envoy-<key>.json`. */
  file_name: string;
  /** What the bootstrap does not configure (TLS listeners, peered targets, missing endpoints). */
  notes: Array<string>;
  withheld: string | null;
};

/**
 * A request to simulate, as the Simulate form (or `meshgate check`) gives it. Empty strings
 * mean the default: namespace and partition `default`, a local (not peered) caller.
 */
export type SimulateRequest = {
  source: string;
  source_namespace?: string;
  source_partition?: string;
  /** The caller's cluster peer; empty for a local caller. */
  source_peer?: string;
  destination: string;
  destination_namespace?: string;
  /**
   * Giving any of method, path or headers makes this an HTTP request; so does a destination
   * whose protocol is http-like (then method `GET` and path `/` stand in), as in `meshgate check`.
   */
  method?: string | null;
  path?: string | null;
  /** `Name: value`, one header each (repeat a name to send it twice). */
  headers?: Array<string>;
  /**
   * Ask the plain `consul intention check` question: decide at the destination itself,
   * without routing the request through its discovery chain.
   */
  no_route?: boolean;
  /**
   * The payloads of the tokens Envoy's jwt_authn verified, by jwt-provider name
   * (`{"okta": {"sub": "alice", "role": "admin"}}`); absent when none verified. A token that
   * was sent but did not verify is a header (`Authorization: Bearer …`) with no payload here.
   */
  jwt?: { [key in string]: unknown };
};

/** The outcome of one simulated request. */
export type SimulateView = {
  /** The decision. */
  allowed: boolean;
  /**
   * What the filter does with it: `allow`, `deny`, or `audit-deny` (denied, but in audit mode
   * only recorded, and let through).
   */
  effect: Effect;
  explanation: string;
  reason: Reason;
  intention: IntentionRef | null;
  /** 1-based number of the permission that decided. */
  permission: number | null;
  default_used: boolean;
  default_policy: Action;
  mode: Mode;
  destination_protocol: Protocol;
  /** Set when the request was checked as HTTP. */
  http: HttpView | null;
  trace: Array<TraceStep>;
  /**
   * The service whose intentions decided (the destination, or where its route sent the
   * request).
   */
  decided_at: string;
  /**
   * Why the question was answered differently from how it was asked (a tcp destination is
   * decided at L4).
   */
  note: string | null;
  /** The hop through the destination's discovery chain, when it routed or rewrote the request. */
  route: RouteHop | null;
  /**
   * Every target the route sends traffic to, with its share and its answer (empty when the
   * request reaches the destination itself).
   */
  legs: Array<Leg>;
};

/**
 * What the data plane does: `allow`, `deny`, or `audit-deny` (denied, but audit mode only
 * records it and lets it through).
 */
export type Effect = "allow" | "deny" | "audit-deny";

/** Why a decision came out as it did. */
export type Reason =
  | { kind: "intention" }
  | { kind: "permission" }
  | { kind: "no-permission-matched" }
  | { kind: "l7-on-tcp" }
  | { kind: "path-rejected"; rejection: PathRejectionKind }
  | { kind: "jwt"; failure: JwtFailure }
  | { kind: "no-intention" };

/** [`PathRejection`] in a serializable form. */
export type PathRejectionKind =
  | "not-origin-form"
  | "bad-percent-encoding"
  | "escaped-slash"
  | "backslash"
  | "control-character"
  | "path-parameter"
  | "not-text";

/** Why a request does not satisfy a JWT requirement. */
export type JwtFailure = "missing" | "invalid" | "claims";

export type IntentionRef = { rank: number; label: string; precedence: number; origin: Origin };

export type HttpView = {
  method: string;
  path: string;
  /** The path L7 rules were matched against, when an L7 intention looked at it. */
  normalized_path: string | null;
  headers: Array<[string, string]>;
};

/** One intention as the trace saw it (the playground's Simulate view and `check --trace`). */
export type TraceStep = {
  intention: string;
  precedence: number;
  origin: string;
  /** `matched`, or why not: "source name is api, not web". */
  outcome: string;
  permissions: Array<string>;
};

/**
 * Where the destination's discovery chain sent the request, when it went somewhere other than
 * the destination itself or was rewritten.
 */
export type RouteHop = {
  /** `routed by web's service-router (PathPrefix /admin) to admin`. */
  description: string;
  /** The route, split or redirect that decided (`None` for Consul's default chain). */
  origin: Origin | null;
  /** The path the target receives, when the route rewrote it. */
  rewritten_path: string | null;
};

/** One target the request may reach, with its share and its own answer. */
export type Leg = {
  /** `admin`, `ns/api` (namespace and partition when not `default`). */
  service: string;
  /** The share of requests this target receives, in percent. */
  weight: number;
  allowed: boolean;
  effect: Effect;
  explanation: string;
  intention: IntentionRef | null;
  /** Set for a peer's service: its own cluster's intentions decide, not this workspace's. */
  decided_elsewhere: string | null;
};

/** The Plan view: the compiled plan as `meshgate plan` prints it, or why there is none. */
export type PlanView = { version: number; json: string | null; withheld: string | null };

/** Convert the entries of one file (or the one named `name`) to `to`. */
export type ConvertRequest = {
  file: FileInput;
  /** Only the entry with this name (every entry when empty). */
  name?: string;
  /** `"hcl"`, `"json"`, `"yaml"` or `"crd"` (Kubernetes resources). */
  to: string;
};

/** The converted text, or (text empty) why it could not be converted. */
export type ConvertView = { text: string; error: string };
