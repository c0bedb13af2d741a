//! The filter's glue, written against [`Host`]: configuration, the network filter (mesh and
//! terminating gateways) and the HTTP filter (ingress and API gateways, terminating gateways'
//! HTTP services). Every decision comes from `meshgate_core::gateway`; this module only reads
//! what the host has, acts on the decision, counts and logs.
//!
//! Fail closed: an unconfigured root, a host call that fails or a property that cannot be read
//! denies (and counts an error); nothing here ever allows by default.

use crate::host::{HeaderList, Host, HostError, Level, MetricKind};
use meshgate_core::gateway::memo::ConnMemo;
use meshgate_core::gateway::verdict::{self, LogLimiter};
use meshgate_core::gateway::{
    ConnAction, ConnVerdict, Connection, GatewayIndex, HeadBuffer, HttpAction, HttpVerdict, LogLevel, LogLine,
    RequestHead, RouteKey, Tally, REASON_HEADER, ROUTE_HEADER, ROUTING_HEADER,
};
use meshgate_core::plan::gateways::{GatewayKind, HeaderModifiers};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// The `root_id`s (in Envoy's `PluginConfig`; a dynamic module's `filter_name`): the L4 network
/// filter (TCP stream contexts), also as [`CHAIN_ROOT_ID_PREFIX`]`<server name>` on a filter
/// chain that routes by itself; the health listener's filters (see `meshgate envoy
/// --health-port`). Any other `root_id`, including none, selects the HTTP filter.
pub use meshgate_core::envoy::{CHAIN_ROOT_ID_PREFIX, HEALTH_HTTP_ROOT_ID, HEALTH_NETWORK_ROOT_ID, NETWORK_ROOT_ID};

/// The filter-state key tcp_proxy reads its cluster from.
pub const TCP_PROXY_CLUSTER: &str = "envoy.tcp_proxy.cluster";

/// What a callback tells the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Continue,
    Pause,
}

/// Which filter a plugin is, from its `root_id`: the gateway's network or HTTP filter, or a
/// health filter that shares its VM and answers whether that VM holds a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterKind {
    Network,
    Http,
    HealthNetwork,
    HealthHttp,
}

impl FilterKind {
    pub fn of_root_id(root_id: &[u8]) -> FilterKind {
        match root_id {
            r if r == NETWORK_ROOT_ID.as_bytes() || chain_of_root_id(r).is_some() => FilterKind::Network,
            r if r == HEALTH_NETWORK_ROOT_ID.as_bytes() => FilterKind::HealthNetwork,
            r if r == HEALTH_HTTP_ROOT_ID.as_bytes() => FilterKind::HealthHttp,
            _ => FilterKind::Http,
        }
    }

    /// Network filters get stream contexts, the others HTTP contexts.
    pub fn is_network(self) -> bool {
        matches!(self, FilterKind::Network | FilterKind::HealthNetwork)
    }

    fn is_health(self) -> bool {
        matches!(self, FilterKind::HealthNetwork | FilterKind::HealthHttp)
    }

    fn as_str(self) -> &'static str {
        match self {
            FilterKind::Network => "network",
            FilterKind::Http => "http",
            FilterKind::HealthNetwork => "health-network",
            FilterKind::HealthHttp => "health-http",
        }
    }
}

/// The server name a chain's `root_id` names ([`meshgate_core::envoy::chain_root_id`]).
pub fn chain_of_root_id(root_id: &[u8]) -> Option<&[u8]> {
    root_id.strip_prefix(CHAIN_ROOT_ID_PREFIX.as_bytes())
}

/// The counters and the histogram, `meshgate.<gateway>.<name>` (Envoy shows them as
/// `wasmcustom.meshgate.<gateway>.<name>`). The histogram samples one decision in
/// [`TIMING_SAMPLE`]: timing every one costs three host calls, a good part of the filter's budget.
#[derive(Clone, Copy, Debug, Default)]
pub struct Metrics {
    pub allowed: Option<u32>,
    pub denied: Option<u32>,
    pub audited: Option<u32>,
    pub unrouted: Option<u32>,
    pub errors: Option<u32>,
    /// Decision latency in microseconds (histogram).
    pub decision_us: Option<u32>,
}

/// The metric names, in the order of [`Metrics`]' fields.
pub const COUNTERS: [&str; 5] = ["allowed", "denied", "audited", "unrouted", "errors"];
pub const HISTOGRAM: &str = "decision_us";

/// One decision in this many is timed (the first one always).
pub const TIMING_SAMPLE: u32 = 64;

/// filter.wasm hands `allowed` counts to Envoy this many at a time ([`Host::counter_batch`]): a
/// host call from V8 costs about 1k instructions, and counting each request cost that much again.
pub const COUNTER_BATCH: u32 = 64;

/// And at the latest this often (its tick): how far `allowed` may run behind, in milliseconds.
pub const COUNTER_TICK_MS: u32 = 1_000;

impl Metrics {
    /// Defines the metrics (idempotent in Envoy: the same name is the same stat). A metric that
    /// cannot be defined is logged and left out; it never stops the filter.
    pub fn define<H: Host>(host: &H, gateway: &str) -> Metrics {
        let define = |kind, name: &str| {
            let full = format!("meshgate.{gateway}.{name}");
            match host.define_metric(kind, &full) {
                Ok(id) => Some(id),
                Err(e) => {
                    host.log(Level::Warn, &format!("meshgate: cannot define metric {full}: {e}"));
                    None
                }
            }
        };
        let [allowed, denied, audited, unrouted, errors] = COUNTERS.map(|name| define(MetricKind::Counter, name));
        Metrics { allowed, denied, audited, unrouted, errors, decision_us: define(MetricKind::Histogram, HISTOGRAM) }
    }

    fn bump<H: Host>(host: &H, id: Option<u32>) {
        if let Some(id) = id {
            hand_over(host, id, 1);
        }
    }
}

/// One accepted configuration: the indexed plan and its metrics.
#[derive(Debug)]
pub struct Configured {
    pub index: Arc<GatewayIndex>,
    pub metrics: Metrics,
}

/// The plans this VM (a Wasm VM; Envoy's process for the dynamic module) holds, by content hash.
/// Every filter chain of a terminating gateway has a root of its own ([`chain_of_root_id`]), and
/// the health filters too, all with the same plan: the first to load it indexes it, the others
/// share that index instead of holding a copy each. Weak: a plan no root serves any more is
/// freed.
static PLANS: Mutex<Vec<Weak<GatewayIndex>>> = Mutex::new(Vec::new());

/// The index of this plan: one this VM holds already (`true`), or newly parsed and indexed.
fn shared_index(config: Vec<u8>) -> Result<(Arc<GatewayIndex>, bool), meshgate_core::gateway::Error> {
    let hash = GatewayIndex::hash_of(&config);
    // A panic while the lock was held left nothing half-written: the list only gains whole entries.
    let mut plans = PLANS.lock().unwrap_or_else(PoisonError::into_inner);
    plans.retain(|p| p.strong_count() > 0);
    if let Some(index) = plans.iter().filter_map(Weak::upgrade).find(|i| i.hash() == hash) {
        return Ok((index, true));
    }
    let index = Arc::new(GatewayIndex::from_json_owned_hashed(config, hash)?);
    plans.push(Arc::downgrade(&index));
    Ok((index, false))
}

/// What a root's filters share: the random state for weighted targets, the count of decisions
/// that picks which ones are timed, the budget of log lines per second, and the memo of the
/// connection facts requests repeat ([`ConnMemo`]). Per thread: in
/// proxy-wasm one per plugin per worker VM; a host whose one configuration serves every worker
/// (dynamic modules) gives each worker its own ([`Root::serving`]).
#[derive(Debug)]
pub struct Shared {
    rng: Cell<u64>,
    decisions: Cell<u32>,
    limiter: RefCell<LogLimiter>,
    memo: RefCell<ConnMemo>,
    /// The request header list's memory, kept between requests.
    heads: RefCell<HeadBuffer>,
    /// `allowed` counts gathered and not yet handed to the host, and the metric they are for
    /// ([`Shared::count_allowed`]).
    allowed: Cell<(u32, u32)>,
}

impl Shared {
    /// A fresh random state (`seed` made odd: xorshift never leaves zero), count and log budget.
    pub fn new(seed: u64) -> Rc<Shared> {
        Rc::new(Shared {
            rng: Cell::new(seed | 1),
            decisions: Cell::new(0),
            limiter: RefCell::new(LogLimiter::default()),
            memo: RefCell::new(ConnMemo::default()),
            heads: RefCell::new(HeadBuffer::default()),
            allowed: Cell::new((0, 0)),
        })
    }

    /// Counts one allowed decision under metric `id`. In proxy-wasm a host call costs about 1k
    /// instructions (measured in Envoy), a seventh of what filter.wasm adds to a request over the
    /// wasm floor, and nearly every decision is an allowed one: the counts are gathered and handed
    /// over [`Host::counter_batch`] at a time, and on every tick ([`Root::on_tick`]), so the
    /// counter runs behind by less than a batch and a tick. A count for another id (a new plan's metrics)
    /// first hands over what the old one gathered. The other counters stay exact at once.
    fn count_allowed<H: Host>(&self, host: &H, id: u32) {
        let (held, gathered) = self.allowed.get();
        let gathered = if held == id {
            gathered.saturating_add(1)
        } else {
            hand_over(host, held, gathered);
            1
        };
        if gathered >= host.counter_batch() {
            hand_over(host, id, gathered);
            self.allowed.set((id, 0));
        } else {
            self.allowed.set((id, gathered));
        }
    }

    /// Hands the gathered `allowed` counts to the host.
    fn flush<H: Host>(&self, host: &H) {
        let (id, gathered) = self.allowed.get();
        self.allowed.set((id, 0));
        hand_over(host, id, gathered);
    }

    /// Runs `f` with this worker's memo. It is never borrowed elsewhere (one decision at a time
    /// per thread); were it in use, `f` would get one that remembers nothing, which only means
    /// deciding without it.
    fn remembering<T>(&self, f: impl FnOnce(&mut ConnMemo) -> T) -> T {
        match self.memo.try_borrow_mut() {
            Ok(mut memo) => f(&mut memo),
            Err(_) => f(&mut ConnMemo::off()),
        }
    }
}

/// The root context's state (one per plugin configuration per worker VM).
#[derive(Debug)]
pub struct Root {
    pub kind: FilterKind,
    /// The server name of the filter chain this network filter serves, from its `root_id`
    /// ([`chain_of_root_id`]): read instead of the connection's.
    pub chain: Option<Arc<[u8]>>,
    state: Option<Arc<Configured>>,
    shared: Rc<Shared>,
}

impl Default for Root {
    fn default() -> Self {
        Root { kind: FilterKind::Http, chain: None, state: None, shared: Shared::new(0x9e37_79b9_7f4a_7c15) }
    }
}

impl Root {
    pub fn state(&self) -> Option<&Configured> {
        self.state.as_deref()
    }

    /// The accepted plan, shareable across threads: a host whose one configuration serves every
    /// worker thread (dynamic modules) configures one root and hands this to [`Root::serving`].
    pub fn configured(&self) -> Option<Arc<Configured>> {
        self.state.clone()
    }

    /// A root serving a plan another root accepted (of this kind, on this chain), with this
    /// thread's [`Shared`] state.
    pub fn serving(
        kind: FilterKind,
        chain: Option<Arc<[u8]>>,
        state: Option<Arc<Configured>>,
        shared: Rc<Shared>,
    ) -> Root {
        Root { kind, chain, state, shared }
    }

    /// `on_configure`: parses and indexes the GatewayPlan. Pure and idempotent (Envoy runs it on
    /// every worker VM, and again on every ECDS update); on failure the previous plan, if any,
    /// stays in force and the host is told `false` (Envoy then rejects the configuration).
    pub fn configure<H: Host>(&mut self, host: &H, root_id: &[u8]) -> bool {
        self.kind = FilterKind::of_root_id(root_id);
        self.chain = chain_of_root_id(root_id).map(Arc::from);
        let started = host.now_nanos().ok();
        let config = match host.plugin_configuration() {
            Ok(Some(c)) => c,
            Ok(None) => {
                host.log(Level::Error, "meshgate error: no plugin configuration: expected a GatewayPlan (JSON)");
                return false;
            }
            Err(e) => {
                host.log(Level::Error, &format!("meshgate error: cannot read the plugin configuration: {e}"));
                return false;
            }
        };
        let (index, shared) = match shared_index(config) {
            Ok(loaded) => loaded,
            Err(e) => {
                write(host, &verdict::host_error_line("rejected the gateway plan", &e));
                return false;
            }
        };
        if let Some(current) = &self.state {
            if current.index.hash() == index.hash() {
                host.log(
                    Level::Debug,
                    &format!("meshgate: gateway plan {} unchanged (hash {})", index.key(), index.hash()),
                );
                return true;
            }
        }
        let metrics = Metrics::define(host, index.key());
        // One clock reading ends the load time and seeds the weighted-target random state.
        let ended = host.now_nanos().ok();
        if let Some(now) = ended {
            self.shared.rng.set(now | 1);
        }
        let load_ms = started.zip(ended).map(|(t0, t1)| t1.saturating_sub(t0) as f64 / 1e6);
        let memory_mb = host.memory_bytes().map(|b| b as f64 / 1_048_576.0);
        write(host, &index.configured_line(self.kind.as_str(), load_ms, memory_mb, shared));
        self.state = Some(Arc::new(Configured { index, metrics }));
        true
    }

    /// The host's timer (proxy-wasm's `on_tick`), and the root's end (`on_done`): hands over the
    /// `allowed` counts gathered since the last batch.
    pub fn on_tick<H: Host>(&self, host: &H) {
        self.shared.flush(host);
    }

    pub fn stream_filter(&self) -> StreamFilter {
        StreamFilter {
            state: self.state.clone(),
            shared: self.shared.clone(),
            chain: self.chain.clone(),
            server_name: Vec::new(),
            decided: false,
            health: self.kind.is_health(),
        }
    }

    pub fn http_filter(&self) -> HttpFilter {
        HttpFilter {
            state: self.state.clone(),
            shared: self.shared.clone(),
            route: None,
            health: self.kind.is_health(),
        }
    }
}

fn hand_over<H: Host>(host: &H, id: u32, count: u32) {
    if count > 0 {
        // A counter that cannot be bumped is not worth failing a request over.
        let _ = host.increment_metric(id, i64::from(count));
    }
}

/// xorshift64*: a fast, deterministic source for weighted target selection.
fn next_random(state: &Cell<u64>) -> u64 {
    let mut x = state.get();
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    state.set(x);
    x.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

fn host_level(l: LogLevel) -> Level {
    match l {
        LogLevel::Debug => Level::Debug,
        LogLevel::Info => Level::Info,
        LogLevel::Warn => Level::Warn,
        LogLevel::Error => Level::Error,
    }
}

/// The core's "may I write a line at this level now?": the host's log level, then the worker's
/// [`LogLimiter`] (which needs the clock: read only when a line is due). A window that suppressed
/// lines is reported when the next one opens.
fn may_log<'a, H: Host>(host: &'a H, shared: &'a Shared) -> impl FnMut(LogLevel) -> bool + 'a {
    move |level| {
        if host.log_level() > host_level(level) {
            return false;
        }
        let Ok(now) = host.now_nanos() else { return true };
        let admission = shared.limiter.borrow_mut().admit(now);
        if admission.suppressed_before > 0 {
            write(host, &LogLimiter::suppressed_line(admission.suppressed_before));
        }
        admission.admitted
    }
}

fn write<H: Host>(host: &H, line: &LogLine) {
    host.log(host_level(line.level), &line.text);
}

/// Counts a decision and writes its log line.
fn record<H: Host>(host: &H, shared: &Shared, metrics: Option<&Metrics>, tally: Option<Tally>, log: Option<&LogLine>) {
    if let (Some(m), Some(t)) = (metrics, tally) {
        match t {
            Tally::Allowed => {
                if let Some(id) = m.allowed {
                    shared.count_allowed(host, id);
                }
            }
            Tally::Denied => Metrics::bump(host, m.denied),
            Tally::Audited => Metrics::bump(host, m.audited),
            Tally::Unrouted => Metrics::bump(host, m.unrouted),
            Tally::Error => Metrics::bump(host, m.errors),
        }
    }
    if let Some(line) = log {
        write(host, line);
    }
}

/// A host call failed while acting on a decision: count it and say so.
fn error<H: Host>(host: &H, state: &Configured, what: &str, e: &HostError) {
    Metrics::bump(host, state.metrics.errors);
    write(host, &verdict::host_error_line(what, e));
}

/// A connection property: `Ok(None)` when it is not set.
fn read<H: Host>(host: &H, path: &[&str]) -> Result<Option<Vec<u8>>, HostError> {
    host.property(path)
}

const SERVER_NAME: [&str; 2] = ["connection", "requested_server_name"];
const PEER_URI_SAN: [&str; 2] = ["connection", "uri_san_peer_certificate"];

// ------------------------------------------------------------------------------ network filter

/// One downstream connection (network filter).
#[derive(Debug)]
pub struct StreamFilter {
    state: Option<Arc<Configured>>,
    shared: Rc<Shared>,
    /// The chain's server name ([`Root::chain`]): used instead of reading the connection's.
    chain: Option<Arc<[u8]>>,
    /// The server name read in `on_new_connection`, kept for the peer check.
    server_name: Vec<u8>,
    decided: bool,
    /// A health filter: lets the connection through while the VM holds a plan.
    health: bool,
}

impl StreamFilter {
    /// Routes by SNI: sets `envoy.tcp_proxy.cluster`, or closes the connection. (Pausing here
    /// would deadlock the TLS handshake; unrouted connections fall to the blackhole cluster even
    /// if the close fails.)
    pub fn on_new_connection<H: Host>(&mut self, host: &H) -> Verdict {
        if self.health {
            self.decided = true;
            if self.state.is_none() {
                let _ = host.close_downstream();
            }
            return Verdict::Continue;
        }
        let Some(state) = self.state.clone() else {
            self.decided = true;
            return self.act(host, None, ConnVerdict::unconfigured());
        };
        let started = start_timer(host, &state, &self.shared);
        let verdict = match self.read_connection(host, &state) {
            Ok(port) => {
                let (name, rand, may_log) =
                    (self.server_name(), next_random(&self.shared.rng), &mut may_log(host, &self.shared));
                self.shared
                    .remembering(|memo| state.index.decide_connection_remembering(name, port, rand, may_log, memo))
            }
            Err(v) => v,
        };
        let result = self.act(host, Some(&state), verdict);
        stop_timer(host, &state, started);
        result
    }

    /// Reads what the connection's decision needs: the server name, and the listener port at
    /// ingress and API gateways' tcp listeners.
    fn read_connection<H: Host>(&mut self, host: &H, state: &Configured) -> Result<Option<u16>, ConnVerdict<'static>> {
        if state.index.needs_connection_port() {
            return match read(host, &["destination", "port"]) {
                Ok(bytes) => Ok(bytes.as_deref().and_then(port_of)),
                Err(e) => Err(ConnVerdict::host_failure("cannot read destination.port", &e)),
            };
        }
        if self.chain.is_some() {
            return Ok(None);
        }
        match read(host, &SERVER_NAME) {
            Ok(name) => {
                self.server_name = name.unwrap_or_default();
                Ok(None)
            }
            Err(e) => Err(ConnVerdict::host_failure("cannot read the server name", &e)),
        }
    }

    /// Terminating gateways: bytes from either side arrive after the TLS handshake (tcp_proxy
    /// connects the upstream once it is done), so the client's certificate is known: enforce the
    /// L4 intentions once, on the first bytes — the client's, or the service's greeting for
    /// server-first protocols, which is held back until then.
    pub fn on_upstream_data<H: Host>(&mut self, host: &H) -> Verdict {
        self.on_downstream_data(host)
    }

    /// See [`Self::on_upstream_data`]: the first bytes from the client.
    pub fn on_downstream_data<H: Host>(&mut self, host: &H) -> Verdict {
        if self.decided {
            return Verdict::Continue;
        }
        self.decided = true;
        let Some(state) = self.state.clone() else {
            let _ = host.close_downstream();
            return Verdict::Pause;
        };
        let started = start_timer(host, &state, &self.shared);
        let peer = match read(host, &PEER_URI_SAN) {
            Ok(p) => p,
            Err(e) => {
                // Unreadable identity: no identity, which denies.
                error(host, &state, "cannot read the peer certificate's URI SAN", &e);
                None
            }
        };
        let verdict = {
            let (name, peer, may_log) = (self.server_name(), peer.as_deref(), &mut may_log(host, &self.shared));
            self.shared.remembering(|memo| state.index.decide_peer_remembering(name, peer, may_log, memo))
        };
        let result = self.act(host, Some(&state), verdict);
        stop_timer(host, &state, started);
        result
    }

    /// The chain's server name, or the one read from the connection.
    fn server_name(&self) -> &[u8] {
        self.chain.as_deref().unwrap_or(&self.server_name)
    }

    fn act<H: Host>(&mut self, host: &H, state: Option<&Configured>, v: ConnVerdict<'_>) -> Verdict {
        record(host, &self.shared, state.map(|s| &s.metrics), v.tally, v.log.as_ref());
        match v.action {
            ConnAction::Route { cluster, authorize } => {
                if let Err(e) = host.set_filter_state(TCP_PROXY_CLUSTER, cluster) {
                    if let Some(state) = state {
                        error(host, state, "cannot set envoy.tcp_proxy.cluster", &e);
                    }
                    let _ = host.close_downstream();
                    self.decided = true;
                    return Verdict::Continue;
                }
                self.decided = !authorize;
                Verdict::Continue
            }
            ConnAction::Authorize => {
                self.decided = false;
                Verdict::Continue
            }
            ConnAction::Continue => Verdict::Continue,
            ConnAction::Close => {
                let _ = host.close_downstream();
                // After the handshake, stop reading; before it (unrouted), pausing would deadlock
                // the handshake, and tcp_proxy's blackhole cluster holds the connection.
                if self.decided {
                    return Verdict::Pause;
                }
                self.decided = true;
                Verdict::Continue
            }
        }
    }
}

/// The start of a timed decision, for one decision in [`TIMING_SAMPLE`].
fn start_timer<H: Host>(host: &H, state: &Configured, shared: &Shared) -> Option<u64> {
    let n = shared.decisions.get();
    shared.decisions.set(n.wrapping_add(1));
    if n % TIMING_SAMPLE != 0 {
        return None;
    }
    state.metrics.decision_us.and_then(|_| host.now_nanos().ok())
}

fn stop_timer<H: Host>(host: &H, state: &Configured, started: Option<u64>) {
    if let (Some(id), Some(t0)) = (state.metrics.decision_us, started) {
        if let Ok(t1) = host.now_nanos() {
            let _ = host.record_metric(id, t1.saturating_sub(t0) / 1000);
        }
    }
}

// --------------------------------------------------------------------------------- HTTP filter

/// One HTTP request (HTTP filter).
#[derive(Debug)]
pub struct HttpFilter {
    state: Option<Arc<Configured>>,
    shared: Rc<Shared>,
    /// Where the request was routed (for the response header changes).
    route: Option<RouteKey>,
    /// A health filter: answers whether the VM holds a plan.
    health: bool,
}

impl HttpFilter {
    pub fn on_request_headers<H: Host>(&mut self, host: &H) -> Verdict {
        if self.health {
            let verdict = match &self.state {
                Some(state) => state.index.health(),
                None => HttpVerdict::not_ready(),
            };
            return self.act(host, None, verdict);
        }
        let Some(state) = self.state.clone() else {
            return self.act(host, None, HttpVerdict::unconfigured());
        };
        let started = start_timer(host, &state, &self.shared);
        let verdict = self.decide(host, &state);
        let result = self.act(host, Some(&state), verdict);
        stop_timer(host, &state, started);
        result
    }

    /// Reads what the decision needs (the header pairs; the listener port when the gateway has
    /// several; the server name and peer at terminating gateways, unless the plan says they are
    /// in the headers) and asks the core.
    fn decide<'s, H: Host>(&self, host: &H, state: &'s Configured) -> HttpVerdict<'s> {
        let ix = &state.index;
        let pairs = match host.request_headers() {
            Ok(p) => p,
            Err(e) => return HttpVerdict::host_failure("cannot read the request headers", &e),
        };
        // What jwt_authn verified, only when an intention needs it (the metadata is a copy).
        let jwt = if ix.needs_jwt() {
            match host.jwt_payloads() {
                Ok(payloads) => payloads,
                Err(e) => return HttpVerdict::host_failure("cannot read the request's dynamic metadata", &e),
            }
        } else {
            None
        };
        // Text when every header is (one check for all); else each is checked as bytes.
        let mut buffer = self.shared.heads.try_borrow_mut().map(|mut b| std::mem::take(&mut *b)).unwrap_or_default();
        let mut head = match pairs.text_pairs() {
            Some(text) => RequestHead::from_pairs_in(text, &mut buffer),
            None => RequestHead::from_pairs_in(pairs.pairs(), &mut buffer),
        };
        head.jwt = jwt.as_ref();
        let port = if ix.needs_port() {
            match read(host, &["destination", "port"]) {
                Ok(bytes) => bytes.as_deref().and_then(port_of),
                Err(e) => return HttpVerdict::host_failure("cannot read destination.port", &e),
            }
        } else {
            None
        };
        // Where the plan says Envoy writes both into the request headers (`connection_headers`),
        // the core reads them from the header map above: two host round trips fewer per request.
        let terminated = matches!(ix.kind(), GatewayKind::TerminatingGateway | GatewayKind::ConnectProxy);
        let (server_name, peer) = if terminated && !ix.connection_headers() {
            let name = match read(host, &SERVER_NAME) {
                Ok(n) => n.unwrap_or_default(),
                Err(e) => return HttpVerdict::host_failure("cannot read the server name", &e),
            };
            // Unreadable identity: no identity, which denies.
            let peer = read(host, &PEER_URI_SAN).unwrap_or_else(|e| {
                error(host, state, "cannot read the peer certificate's URI SAN", &e);
                None
            });
            (name, peer)
        } else {
            (Vec::new(), None)
        };
        let conn = Connection { port, server_name: &server_name, peer_uri_san: peer.as_deref() };
        let rand = next_random(&self.shared.rng);
        let verdict = self
            .shared
            .remembering(|memo| ix.decide_http_remembering(&head, &conn, rand, &mut may_log(host, &self.shared), memo));
        buffer.keep(head.headers);
        if let Ok(mut kept) = self.shared.heads.try_borrow_mut() {
            *kept = buffer;
        }
        verdict
    }

    fn act<H: Host>(&mut self, host: &H, state: Option<&Configured>, v: HttpVerdict<'_>) -> Verdict {
        record(host, &self.shared, state.map(|s| &s.metrics), Some(v.tally), v.log.as_ref());
        let forward = match v.action {
            HttpAction::Reply(r) => return reply(host, r.status, r.reason, &r.body),
            HttpAction::Forward(f) => f,
        };
        let Some(state) = state else { return reply(host, 500, "filter-unconfigured", "meshgate: no plan\n") };
        if let Some(cluster) = forward.cluster {
            // The client's copy of the routing header is always replaced.
            if let Err(e) = host.set_request_header(ROUTING_HEADER, cluster) {
                error(host, state, "cannot set the routing header", &e);
                return reply(host, 500, "filter-error", "meshgate: cannot route the request\n");
            }
            // The route's Envoy-side policy (timeouts, retries, hash) is keyed by this header; a
            // client's copy is replaced, so only the filter's decision picks it.
            let route = forward.route.map(|k| k.route_id()).unwrap_or_default();
            if let Err(e) = host.set_request_header(ROUTE_HEADER, &route) {
                error(host, state, "cannot set the route header", &e);
                return reply(host, 500, "filter-error", "meshgate: cannot route the request\n");
            }
        }
        for name in &forward.remove_headers {
            if let Err(e) = host.remove_request_header(name) {
                error(host, state, "cannot remove a request header", &e);
                return reply(host, 500, "filter-error", "meshgate: cannot forward the request\n");
            }
        }
        if let Some(p) = &forward.path {
            if let Err(e) = host.set_request_header(":path", p) {
                error(host, state, "cannot rewrite :path", &e);
                return reply(host, 500, "filter-error", "meshgate: cannot rewrite the path\n");
            }
        }
        for mods in forward.request_headers.into_iter().flatten() {
            if let Err(e) = apply_request(host, mods) {
                error(host, state, "cannot apply request header changes", &e);
            }
        }
        if forward.cluster.is_some() {
            if let Err(e) = host.clear_route_cache() {
                error(host, state, "cannot clear the route cache", &e);
                return reply(host, 500, "filter-error", "meshgate: cannot route the request\n");
            }
        }
        self.route = forward.route;
        Verdict::Continue
    }

    pub fn on_response_headers<H: Host>(&mut self, host: &H) -> Verdict {
        let (Some(state), Some(key)) = (self.state.as_ref(), self.route) else { return Verdict::Continue };
        for mods in state.index.response_headers(key).into_iter().flatten() {
            if let Err(e) = apply_response(host, mods) {
                error(host, state, "cannot apply response header changes", &e);
            }
        }
        Verdict::Continue
    }
}

fn reply<H: Host>(host: &H, status: u32, reason: &str, body: &str) -> Verdict {
    if let Err(e) = host.send_local_reply(status, &[(REASON_HEADER, reason)], body.as_bytes()) {
        host.log(Level::Error, &format!("meshgate error: cannot send the local reply: {e}"));
        // Without a reply the request must still not pass: remove the route and stop.
        let _ = host.remove_request_header(ROUTING_HEADER);
        let _ = host.remove_request_header(ROUTE_HEADER);
        let _ = host.clear_route_cache();
    }
    Verdict::Pause
}

fn apply_request<H: Host>(host: &H, m: &HeaderModifiers) -> Result<(), HostError> {
    for name in &m.remove {
        host.remove_request_header(name)?;
    }
    for (name, value) in &m.set {
        host.set_request_header(name, value)?;
    }
    for (name, value) in &m.add {
        host.add_request_header(name, value)?;
    }
    Ok(())
}

fn apply_response<H: Host>(host: &H, m: &HeaderModifiers) -> Result<(), HostError> {
    for name in &m.remove {
        host.remove_response_header(name)?;
    }
    for (name, value) in &m.set {
        host.set_response_header(name, value)?;
    }
    for (name, value) in &m.add {
        host.add_response_header(name, value)?;
    }
    Ok(())
}

/// `destination.port` arrives as a little-endian int64.
fn port_of(bytes: &[u8]) -> Option<u16> {
    let array: [u8; 8] = bytes.try_into().ok()?;
    u16::try_from(i64::from_le_bytes(array)).ok()
}

#[cfg(test)]
mod tests;
