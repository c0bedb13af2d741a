//! The filter's glue, written against [`Host`]: configuration, the network filter (mesh and
//! terminating gateways) and the HTTP filter (ingress and API gateways, terminating gateways'
//! HTTP services). Every decision comes from `meshgate_core::gateway`; this module only reads
//! what the host has, acts on the decision, counts and logs.
//!
//! Fail closed: an unconfigured root, a host call that fails or a property that cannot be read
//! denies (and counts an error); nothing here ever allows by default.

use crate::host::{Host, HostError, Level, MetricKind};
use meshgate_core::gateway::{
    Authz, GatewayIndex, RouteDecision, RouteKey, RouteOutcome, SniDecision, REASON_HEADER, ROUTING_HEADER,
};
use meshgate_core::plan::gateways::{GatewayKind, HeaderModifiers};
use meshgate_core::settings::Mode;
use std::cell::Cell;
use std::fmt::Write as _;
use std::rc::Rc;

/// The `root_id` (in Envoy's `PluginConfig`) that selects the L4 network filter (TCP stream
/// contexts). Any other `root_id`, including none, selects the HTTP filter.
pub const NETWORK_ROOT_ID: &str = "meshgate_network";

/// The filter-state key tcp_proxy reads its cluster from.
pub const TCP_PROXY_CLUSTER: &str = "envoy.tcp_proxy.cluster";

/// What a callback tells the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Continue,
    Pause,
}

/// Network or HTTP filter, from the plugin's `root_id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterKind {
    Network,
    Http,
}

impl FilterKind {
    pub fn of_root_id(root_id: &[u8]) -> FilterKind {
        if root_id == NETWORK_ROOT_ID.as_bytes() {
            FilterKind::Network
        } else {
            FilterKind::Http
        }
    }
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
            // A counter that cannot be bumped is not worth failing a request over.
            let _ = host.increment_metric(id, 1);
        }
    }
}

/// One accepted configuration: the indexed plan and its metrics.
#[derive(Debug)]
pub struct Configured {
    pub index: GatewayIndex,
    pub metrics: Metrics,
}

/// What a root's filters share: the random state for weighted targets, and the count of
/// decisions that picks which ones are timed.
#[derive(Debug)]
struct Shared {
    rng: Cell<u64>,
    decisions: Cell<u32>,
}

/// The root context's state (one per plugin configuration per worker VM).
#[derive(Debug)]
pub struct Root {
    pub kind: FilterKind,
    state: Option<Rc<Configured>>,
    shared: Rc<Shared>,
}

impl Default for Root {
    fn default() -> Self {
        Root {
            kind: FilterKind::Http,
            state: None,
            shared: Rc::new(Shared { rng: Cell::new(0x9e37_79b9_7f4a_7c15), decisions: Cell::new(0) }),
        }
    }
}

impl Root {
    pub fn state(&self) -> Option<&Configured> {
        self.state.as_deref()
    }

    /// `on_configure`: parses and indexes the GatewayPlan. Pure and idempotent (Envoy runs it on
    /// every worker VM, and again on every ECDS update); on failure the previous plan, if any,
    /// stays in force and the host is told `false` (Envoy then rejects the configuration).
    pub fn configure<H: Host>(&mut self, host: &H, root_id: &[u8]) -> bool {
        self.kind = FilterKind::of_root_id(root_id);
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
        let index = match GatewayIndex::from_json_owned(config) {
            Ok(index) => index,
            Err(e) => {
                host.log(Level::Error, &format!("meshgate error: rejected the gateway plan: {e}"));
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
        let load_ms = match (started, ended) {
            (Some(t0), Some(t1)) => format!("{:.1}", t1.saturating_sub(t0) as f64 / 1e6),
            _ => "-".to_string(),
        };
        let memory_mb = host.memory_bytes().map_or("-".to_string(), |b| format!("{:.1}", b as f64 / 1048576.0));
        host.log(
            Level::Info,
            &format!(
                "meshgate configured {} filter: gateway={} kind={} mode={} plan_version={} plan_hash={} intentions={} load_ms={load_ms} vm_memory_mb={memory_mb}",
                match self.kind {
                    FilterKind::Network => "network",
                    FilterKind::Http => "http",
                },
                index.key(),
                index.kind(),
                mode_str(index.mode()),
                index.plan_version(),
                index.hash(),
                index.table().intentions().len(),
            ),
        );
        self.state = Some(Rc::new(Configured { index, metrics }));
        true
    }

    pub fn stream_filter(&self) -> StreamFilter {
        StreamFilter { state: self.state.clone(), shared: self.shared.clone(), server_name: None, decided: false }
    }

    pub fn http_filter(&self) -> HttpFilter {
        HttpFilter { state: self.state.clone(), shared: self.shared.clone(), route: None }
    }
}

fn mode_str(m: Mode) -> &'static str {
    match m {
        Mode::Enforce => "enforce",
        Mode::Audit => "audit",
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

/// Appends ` key=value`, quoting values that need it.
fn field(out: &mut String, key: &str, value: &str) {
    let plain = !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    if plain {
        let _ = write!(out, " {key}={value}");
    } else {
        let _ = write!(out, " {key}={value:?}");
    }
}

fn error<H: Host>(host: &H, state: Option<&Configured>, what: &str, e: &HostError) {
    if let Some(s) = state {
        Metrics::bump(host, s.metrics.errors);
    }
    host.log(Level::Error, &format!("meshgate error: {what}: {e}"));
}

fn property_string<H: Host>(host: &H, path: &[&str]) -> Result<Option<String>, HostError> {
    Ok(host
        .property(path)?
        .map(|b| String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())))
}

// ------------------------------------------------------------------------------ network filter

/// One downstream connection (network filter).
#[derive(Debug)]
pub struct StreamFilter {
    state: Option<Rc<Configured>>,
    shared: Rc<Shared>,
    server_name: Option<String>,
    decided: bool,
}

impl StreamFilter {
    /// Routes by SNI: sets `envoy.tcp_proxy.cluster`, or closes the connection. (Pausing here
    /// would deadlock the TLS handshake; unrouted connections fall to the blackhole cluster even
    /// if the close fails.)
    pub fn on_new_connection<H: Host>(&mut self, host: &H) -> Verdict {
        let Some(state) = self.state.clone() else {
            host.log(Level::Error, "meshgate deny: the filter has no gateway plan; closing the connection");
            let _ = host.close_downstream();
            return Verdict::Continue;
        };
        let started = start_timer(host, &state, &self.shared);
        let verdict = self.route_connection(host, &state);
        stop_timer(host, &state, started);
        verdict
    }

    fn route_connection<H: Host>(&mut self, host: &H, state: &Rc<Configured>) -> Verdict {
        let ix = &state.index;
        let name = match property_string(host, &["connection", "requested_server_name"]) {
            Ok(n) => n.unwrap_or_default(),
            Err(e) => {
                error(host, Some(state), "cannot read the server name", &e);
                let _ = host.close_downstream();
                self.decided = true;
                return Verdict::Continue;
            }
        };
        let decision = ix.route_sni(&name);
        let Some(cluster) = decision.cluster() else {
            Metrics::bump(host, state.metrics.unrouted);
            if host.log_level() <= Level::Info {
                let mut line = String::from("meshgate unrouted");
                field(&mut line, "gateway", ix.key());
                field(&mut line, "kind", ix.kind().as_str());
                field(&mut line, "sni", &name);
                field(&mut line, "reason", decision.reason.as_str());
                field(&mut line, "why", &decision.explain());
                host.log(Level::Info, &line);
            }
            let _ = host.close_downstream();
            self.decided = true;
            return Verdict::Continue;
        };
        if let Err(e) = host.set_filter_state(TCP_PROXY_CLUSTER, cluster) {
            error(host, Some(state), "cannot set envoy.tcp_proxy.cluster", &e);
            let _ = host.close_downstream();
            self.decided = true;
            return Verdict::Continue;
        }
        if ix.kind() == GatewayKind::MeshGateway {
            // Passthrough: nothing more to decide.
            Metrics::bump(host, state.metrics.allowed);
            self.decided = true;
        } else {
            self.server_name = Some(name);
        }
        Verdict::Continue
    }

    /// Terminating gateways: the first bytes arrive after the TLS handshake, so the client's
    /// certificate is known: enforce the L4 intentions once, here.
    pub fn on_downstream_data<H: Host>(&mut self, host: &H) -> Verdict {
        if self.decided {
            return Verdict::Continue;
        }
        self.decided = true;
        let Some(state) = self.state.clone() else {
            let _ = host.close_downstream();
            return Verdict::Pause;
        };
        let ix = &state.index;
        let started = start_timer(host, &state, &self.shared);
        let name = self.server_name.take().unwrap_or_default();
        let sni = ix.route_sni(&name);
        let peer = match property_string(host, &["connection", "uri_san_peer_certificate"]) {
            Ok(p) => p,
            Err(e) => {
                error(host, Some(&state), "cannot read the peer certificate's URI SAN", &e);
                None
            }
        };
        let authz = ix.authorize_connection(peer.as_deref(), &sni);
        let verdict = self.act(host, &state, &authz, &sni, &name, peer.as_deref());
        stop_timer(host, &state, started);
        verdict
    }

    fn act<H: Host>(
        &self,
        host: &H,
        state: &Configured,
        authz: &Authz<'_, '_>,
        sni: &SniDecision<'_>,
        name: &str,
        peer: Option<&str>,
    ) -> Verdict {
        let m = &state.metrics;
        if authz.allowed {
            Metrics::bump(host, m.allowed);
            return Verdict::Continue;
        }
        let destination = sni.linked().map(|l| l.service.label()).unwrap_or_default();
        let blocks = authz.blocks();
        Metrics::bump(host, if blocks { m.denied } else { m.audited });
        if host.log_level() <= Level::Warn {
            let mut line = String::from(if blocks { "meshgate deny" } else { "meshgate audit-deny" });
            field(&mut line, "gateway", state.index.key());
            field(&mut line, "kind", state.index.kind().as_str());
            field(&mut line, "mode", mode_str(authz.mode));
            field(&mut line, "source", peer.unwrap_or("-"));
            field(&mut line, "destination", if destination.is_empty() { "-" } else { &destination });
            field(&mut line, "sni", name);
            field(&mut line, "reason", authz.reason_code());
            field(&mut line, "intention", &authz.intention_origin().map(ToString::to_string).unwrap_or("-".into()));
            field(&mut line, "why", &authz.explain());
            host.log(Level::Warn, &line);
        }
        if blocks {
            let _ = host.close_downstream();
            return Verdict::Pause;
        }
        Verdict::Continue
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
    state: Option<Rc<Configured>>,
    shared: Rc<Shared>,
    /// Where the request was routed (for the response header changes).
    route: Option<RouteKey>,
}

/// What the request looked like, for log lines.
struct Seen<'a> {
    authority: &'a str,
    path: &'a str,
    method: &'a str,
    source: &'a str,
    destination: String,
    sni: &'a str,
}

impl HttpFilter {
    pub fn on_request_headers<H: Host>(&mut self, host: &H) -> Verdict {
        let Some(state) = self.state.clone() else {
            host.log(Level::Error, "meshgate deny: the filter has no gateway plan");
            return reply(host, 500, "filter-unconfigured", "meshgate: the gateway has no plan\n");
        };
        let started = start_timer(host, &state, &self.shared);
        let verdict = match host.request_headers() {
            Ok(headers) => self.decide(host, &state, &headers),
            Err(e) => {
                error(host, Some(&state), "cannot read the request headers", &e);
                reply(host, 500, "filter-error", "meshgate: cannot read the request\n")
            }
        };
        stop_timer(host, &state, started);
        verdict
    }

    fn decide<H: Host>(&mut self, host: &H, state: &Configured, headers: &[(String, String)]) -> Verdict {
        let ix = &state.index;
        let view: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let get = |name: &str| view.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or("");
        let (authority, path, method) = (get(":authority"), get(":path"), get(":method"));
        match ix.kind() {
            GatewayKind::IngressGateway | GatewayKind::ApiGateway => {
                let port = if ix.needs_port() {
                    match host.property(&["destination", "port"]) {
                        Ok(Some(bytes)) => port_of(&bytes),
                        Ok(None) => None,
                        Err(e) => {
                            error(host, Some(state), "cannot read destination.port", &e);
                            return reply(host, 500, "filter-error", "meshgate: cannot read the listener port\n");
                        }
                    }
                } else {
                    None
                };
                let route = ix.route_request(port, authority, path, method, &view, next_random(&self.shared.rng));
                self.gateway_request(host, state, &route, &view, authority, path, method)
            }
            GatewayKind::TerminatingGateway => self.terminated_request(host, state, &view, authority, path, method),
            GatewayKind::MeshGateway => {
                Metrics::bump(host, state.metrics.unrouted);
                reply(host, 404, "not-an-http-gateway", "meshgate: a mesh gateway does not route HTTP\n")
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn gateway_request<H: Host>(
        &mut self,
        host: &H,
        state: &Configured,
        route: &RouteDecision<'_, '_>,
        view: &[(&str, &str)],
        authority: &str,
        path: &str,
        method: &str,
    ) -> Verdict {
        let ix = &state.index;
        let m = &state.metrics;
        // Only a log line needs these; built when one is written.
        let seen = || Seen {
            authority,
            path: &route.path,
            method,
            source: ix.key(),
            destination: match route.outcome {
                RouteOutcome::Routed { target, .. } => target.service_ref().label(),
                _ => String::new(),
            },
            sni: "",
        };
        if let Some(status) = route.status() {
            if matches!(route.outcome, RouteOutcome::BadPath(_)) {
                let authz = ix.authorize_request(route, method, view);
                Metrics::bump(host, m.denied);
                log_deny(host, state, &authz, &seen(), true);
            } else {
                Metrics::bump(host, m.unrouted);
                if host.log_level() <= Level::Info {
                    let mut line = String::from("meshgate unrouted");
                    field(&mut line, "gateway", ix.key());
                    field(&mut line, "kind", ix.kind().as_str());
                    field(&mut line, "authority", authority);
                    field(&mut line, "path", path);
                    field(&mut line, "reason", route.reason_code());
                    field(&mut line, "why", &route.explain());
                    host.log(Level::Info, &line);
                }
            }
            return reply(host, status, route.reason_code(), &format!("meshgate: {}\n", route.explain()));
        }
        let authz = ix.authorize_request(route, method, view);
        if !authz.allowed {
            let blocks = authz.blocks();
            Metrics::bump(host, if blocks { m.denied } else { m.audited });
            log_deny(host, state, &authz, &seen(), blocks);
            if blocks {
                return reply(host, 403, authz.reason_code(), "meshgate: denied by intentions\n");
            }
        } else {
            Metrics::bump(host, m.allowed);
        }
        let Some(cluster) = route.cluster() else {
            return reply(host, 404, "no-route", "meshgate: no route\n");
        };
        // The client's copy of the routing header is always replaced.
        if let Err(e) = host.set_request_header(ROUTING_HEADER, cluster) {
            error(host, Some(state), "cannot set the routing header", &e);
            return reply(host, 500, "filter-error", "meshgate: cannot route the request\n");
        }
        if let Some(p) = route.forward_path() {
            if let Err(e) = host.set_request_header(":path", &p) {
                error(host, Some(state), "cannot rewrite :path", &e);
                return reply(host, 500, "filter-error", "meshgate: cannot rewrite the path\n");
            }
        }
        for mods in route.request_headers().into_iter().flatten() {
            if let Err(e) = apply_request(host, mods) {
                error(host, Some(state), "cannot apply request header changes", &e);
            }
        }
        if let Err(e) = host.clear_route_cache() {
            error(host, Some(state), "cannot clear the route cache", &e);
            return reply(host, 500, "filter-error", "meshgate: cannot route the request\n");
        }
        self.route = route.key();
        Verdict::Continue
    }

    fn terminated_request<H: Host>(
        &mut self,
        host: &H,
        state: &Configured,
        view: &[(&str, &str)],
        authority: &str,
        path: &str,
        method: &str,
    ) -> Verdict {
        let ix = &state.index;
        let m = &state.metrics;
        let read = |p: &[&str]| match property_string(host, p) {
            Ok(v) => Ok(v),
            Err(e) => {
                error(host, Some(state), "cannot read a connection property", &e);
                Err(())
            }
        };
        let Ok(name) = read(&["connection", "requested_server_name"]) else {
            return reply(host, 500, "filter-error", "meshgate: cannot read the connection\n");
        };
        // Unreadable identity: None, which denies.
        let peer = read(&["connection", "uri_san_peer_certificate"]).ok().flatten();
        let name = name.unwrap_or_default();
        let sni = ix.route_sni(&name);
        let authz = ix.authorize_terminated_request(peer.as_deref(), &sni, path, method, view);
        let normalized = ix.normalize_path(path);
        if !authz.allowed {
            let blocks = authz.blocks() || normalized.is_err();
            Metrics::bump(host, if blocks { m.denied } else { m.audited });
            let shown = match &normalized {
                Ok(Some(p)) => p.as_str(),
                _ => path,
            };
            let destination = sni.linked().map(|l| l.service.label()).unwrap_or_default();
            let source = peer.as_deref().unwrap_or("-");
            let seen = Seen { authority, path: shown, method, source, destination, sni: &name };
            log_deny(host, state, &authz, &seen, blocks);
            if blocks {
                let status = if normalized.is_err() { 400 } else { 403 };
                return reply(host, status, authz.reason_code(), "meshgate: denied by intentions\n");
            }
        } else {
            Metrics::bump(host, m.allowed);
        }
        let path_result = match normalized {
            Ok(Some(p)) => host.set_request_header(":path", &p),
            Ok(None) => Ok(()),
            Err(_) => return reply(host, 400, "bad-path", "meshgate: bad request path\n"),
        };
        // The route is static here; a client's routing header never reaches the service.
        let routing_header = view.iter().any(|(n, _)| n.eq_ignore_ascii_case(ROUTING_HEADER));
        let forwarded =
            path_result.and_then(|()| if routing_header { host.remove_request_header(ROUTING_HEADER) } else { Ok(()) });
        if let Err(e) = forwarded {
            error(host, Some(state), "cannot rewrite the request", &e);
            return reply(host, 500, "filter-error", "meshgate: cannot forward the request\n");
        }
        Verdict::Continue
    }

    pub fn on_response_headers<H: Host>(&mut self, host: &H) -> Verdict {
        let (Some(state), Some(key)) = (self.state.as_ref(), self.route) else { return Verdict::Continue };
        for mods in state.index.response_headers(key).into_iter().flatten() {
            if let Err(e) = apply_response(host, mods) {
                error(host, Some(state), "cannot apply response header changes", &e);
            }
        }
        Verdict::Continue
    }
}

fn log_deny<H: Host>(host: &H, state: &Configured, authz: &Authz<'_, '_>, seen: &Seen<'_>, blocks: bool) {
    if host.log_level() > Level::Warn {
        return;
    }
    let mut line = String::from(if blocks { "meshgate deny" } else { "meshgate audit-deny" });
    field(&mut line, "gateway", state.index.key());
    field(&mut line, "kind", state.index.kind().as_str());
    field(&mut line, "mode", mode_str(authz.mode));
    field(&mut line, "source", seen.source);
    field(&mut line, "destination", if seen.destination.is_empty() { "-" } else { &seen.destination });
    if !seen.sni.is_empty() {
        field(&mut line, "sni", seen.sni);
    }
    field(&mut line, "authority", seen.authority);
    field(&mut line, "method", seen.method);
    field(&mut line, "path", seen.path);
    field(&mut line, "reason", authz.reason_code());
    field(&mut line, "intention", &authz.intention_origin().map(ToString::to_string).unwrap_or("-".into()));
    field(&mut line, "why", &authz.explain());
    host.log(Level::Warn, &line);
}

fn reply<H: Host>(host: &H, status: u32, reason: &str, body: &str) -> Verdict {
    if let Err(e) = host.send_local_reply(status, &[(REASON_HEADER, reason)], body.as_bytes()) {
        host.log(Level::Error, &format!("meshgate error: cannot send the local reply: {e}"));
        // Without a reply the request must still not pass: remove the route and stop.
        let _ = host.remove_request_header(ROUTING_HEADER);
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
