//! The gateway runtime: what a gateway's filter decides for each connection and request, from the
//! [`GatewayPlan`] compiled for it.
//!
//! [`GatewayIndex::new`] indexes a plan once (the filter does it in `on_configure`); every
//! decision after that is a few hash lookups and borrows from the index — nothing on the common
//! path allocates:
//!
//! - [`GatewayIndex::route_sni`]: mesh gateways (exact names, then the most specific
//!   `*.<dc>.internal.<td>` wildcard, by a reversed-label trie) and terminating gateways (each
//!   linked service's name) → the cluster, or unrouted with the reason.
//! - [`GatewayIndex::authorize_connection`]: a terminating gateway's L4 check of the peer's
//!   SPIFFE ID (the first URI SAN of its certificate) against the linked service's intentions.
//! - [`GatewayIndex::route_request`]: ingress and API gateways: listener → virtual host (exact,
//!   longest `*.suffix`, longest `prefix.*`, `*`; port and case ignored) → the first route whose
//!   path, headers, query and method match (the plan's order) → a weighted target picked with a
//!   caller-supplied random number (deterministic in tests).
//! - [`GatewayIndex::authorize_request`] / [`GatewayIndex::authorize_terminated_request`]: L7
//!   intentions with the gateway (ingress, API) or the peer (terminating) as the source, matched
//!   against the path the service receives: **normalized**, and after a route's prefix rewrite
//!   normalized again — the path the filter forwards.
//! - [`GatewayIndex::decide_http`] / [`GatewayIndex::decide_connection`]: the whole answer for
//!   the filter as a value ([`verdict`]): what to do (forward with these changes, reply with this
//!   status, route to this cluster, close), what to count and the bounded log line. The glue only
//!   maps it to host calls.
//!
//! Every decision carries a reason, and [`Authz`] cites the deciding intention's file:line.
//! A missing or unreadable peer identity is a deny, never an allow.

mod http;
pub mod memo;
pub mod metadata;
mod names;
pub mod request;
pub mod verdict;

pub use http::{strip_port, HostMatch};
pub use request::{HeadBuffer, HeaderBytes, RequestHead};
pub use verdict::{ConnAction, ConnVerdict, Connection, HttpAction, HttpVerdict, LogLevel, LogLine, Tally};

use crate::intentions::http::HttpRequest;
use crate::intentions::jwt::JwtPayloads;
use crate::intentions::path::{self, Normalization};
use crate::intentions::{Caller, Decision, IntentionTable, Origin, Request, ServiceName, TableError};
use crate::plan::gateways::mesh::{MeshRoute, SniMatch};
use crate::plan::gateways::terminating::LinkedRoute;
use crate::plan::gateways::{
    content_hash, GatewayKind, GatewayPlan, HeaderModifiers, HttpRoute, RouteTable, RouteTarget, ServiceId, TcpRoute,
    VirtualHost, GATEWAY_PLAN_VERSION,
};
use crate::settings::Mode;
use http::{HostIndex, RequestParts};
use memo::ConnMemo;
use names::{check_dns_name, lower_dns_name, BadName, LabelTrie, NameBuf, MAX_NAME};
use rustc_hash::FxHashMap as FastMap;
use std::borrow::Cow;

pub use crate::intentions::PathRejectionKind;

/// The header that carries the chosen cluster from the filter to the route's `cluster_header`.
/// The filter always overwrites (or removes) a client's copy.
pub const ROUTING_HEADER: &str = "x-meshgate-cluster";
/// The header that carries the chosen route (`<host>.<route>`, see [`RouteKey::route_id`]) from
/// the filter to the Envoy route holding that route's timeouts, retries and hash policy. Like the
/// routing header it is the filter's alone: set on every routed request, a client's copy removed
/// otherwise, and stripped by Envoy before the request leaves.
pub const ROUTE_HEADER: &str = "x-meshgate-route";
/// The header in which a terminating chain's (or a sidecar's public listener's) connection
/// manager writes the TLS server name for the filter, replacing a client's copy before any filter
/// runs; the chain's route strips it. Read only where the plan says the configuration does so
/// ([`GatewayPlan::connection_headers`](crate::plan::gateways::GatewayPlan::connection_headers)).
pub const SNI_HEADER: &str = "x-meshgate-sni";
/// The response header that says why a request was denied.
pub const REASON_HEADER: &str = "x-meshgate-reason";

/// The largest GatewayPlan a filter accepts, in bytes of JSON (100,000 L7 intentions take about
/// 5 MB since version 4, 20 MB before). `meshgate envoy` refuses to write a larger one.
pub const MAX_PLAN_BYTES: usize = 128 * 1024 * 1024;

/// The longest name a plan may carry (gateway key, service, namespace, partition, peer, header
/// name), in bytes; the planner refuses longer ones too (`check_name`).
pub const MAX_NAME_BYTES: usize = 256;

/// A plan that cannot be indexed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the gateway plan is {bytes} bytes; this filter accepts at most {MAX_PLAN_BYTES}")]
    PlanTooLarge { bytes: usize },
    #[error("{what} `{shown}…` is {bytes} bytes long; names are at most {MAX_NAME_BYTES}")]
    NameTooLong { what: &'static str, shown: String, bytes: usize },
    #[error("the gateway plan is not valid JSON for this filter: {0}")]
    Json(String),
    #[error("unsupported gateway plan version {found}: this filter reads version {supported}")]
    Version { found: u32, supported: u32 },
    #[error("route at {origin}: invalid regex `{pattern}`: {message}")]
    RouteRegex { origin: String, pattern: String, message: String },
    #[error("invalid intention regex: {0}")]
    Intentions(#[from] TableError),
    #[error("SNI route at {origin}: `{sni}` is not a name the gateway can match")]
    BadSni { origin: String, sni: String },
    #[error("too many {what} to index")]
    TooLarge { what: &'static str },
    #[error("two http listeners on port {port}")]
    DuplicateListener { port: u16 },
}

/// A gateway plan, indexed for decisions.
#[derive(Debug)]
pub struct GatewayIndex {
    /// Unique per index made in this process: what a [`memo::ConnMemo`] remembers an answer
    /// was computed with, so that no answer outlives its plan.
    id: u64,
    plan: GatewayPlan,
    hash: String,
    table: IntentionTable,
    /// Exact SNI → row (mesh routes or linked services).
    sni_exact: FastMap<Box<str>, u32>,
    /// `*.suffix` SNI rows (mesh gateways).
    sni_wildcard: LabelTrie,
    http: Vec<HostIndex>,
    /// http listener port → its position in `http`.
    http_ports: FastMap<u16, u32>,
    /// tcp listeners of ingress and API gateways, by port.
    tcp: Vec<TcpListener>,
    /// The source of requests at ingress and API gateways (the gateway's service).
    source: ServiceId,
    /// Lowercased names of the headers some route or permission of the plan reads, sorted.
    inspected_headers: Vec<Box<str>>,
    /// Some intention of the plan requires a JWT: the filter reads the verified payloads.
    needs_jwt: bool,
}

// ------------------------------------------------------------------------------------------ SNI

/// Why a connection was routed, or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SniReason {
    /// The name is in the plan.
    Exact,
    /// A wildcard row matched (the most specific one).
    Wildcard,
    /// The ClientHello carried no server name.
    Missing,
    /// The server name is not a DNS name (empty label, bad character, too long).
    Malformed,
    /// A well-formed name that the plan does not route (not exported, unknown datacenter).
    NotInPlan,
    /// This gateway does not route by SNI (ingress and API gateways).
    NotSniGateway,
    /// A sidecar's public listener: every connection is for its one service, whatever the name.
    Sidecar,
}

impl SniReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SniReason::Exact => "exact-sni",
            SniReason::Wildcard => "wildcard-sni",
            SniReason::Missing => "no-sni",
            SniReason::Malformed => "malformed-sni",
            SniReason::NotInPlan => "sni-not-in-plan",
            SniReason::NotSniGateway => "not-an-sni-gateway",
            SniReason::Sidecar => "sidecar",
        }
    }
}

/// What a routed SNI leads to.
#[derive(Clone, Copy, Debug)]
pub enum SniTarget<'i> {
    Mesh(&'i MeshRoute),
    Linked(&'i LinkedRoute),
}

/// Where [`GatewayIndex::route_sni`] routes a name, by row number: an answer that borrows
/// nothing, for [`memo::ConnMemo`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SniSlot {
    Row(u32, SniReason),
    Unrouted(SniReason),
    Sidecar,
}

/// The outcome of [`GatewayIndex::route_sni`].
#[derive(Clone, Copy, Debug)]
pub struct SniDecision<'i> {
    pub target: Option<SniTarget<'i>>,
    pub reason: SniReason,
}

impl<'i> SniDecision<'i> {
    fn unrouted(reason: SniReason) -> SniDecision<'i> {
        SniDecision { target: None, reason }
    }

    /// The cluster to set as `envoy.tcp_proxy.cluster`; `None`: close the connection.
    pub fn cluster(&self) -> Option<&'i str> {
        match self.target? {
            SniTarget::Mesh(r) => Some(r.cluster()),
            SniTarget::Linked(l) => Some(&l.cluster),
        }
    }

    /// The service a terminating gateway forwards to.
    pub fn linked(&self) -> Option<&'i LinkedRoute> {
        match self.target? {
            SniTarget::Linked(l) => Some(l),
            SniTarget::Mesh(_) => None,
        }
    }

    /// The plan row that routed the connection.
    pub fn origin(&self) -> Option<&'i Origin> {
        match self.target? {
            SniTarget::Mesh(r) => Some(&r.origin),
            SniTarget::Linked(l) => Some(&l.origin),
        }
    }

    /// One sentence for logs and people.
    pub fn explain(&self) -> String {
        match (self.target, self.reason) {
            (Some(SniTarget::Mesh(r)), reason) => format!(
                "routed to cluster {} ({}) by the {} row `{}` ({})",
                r.cluster(),
                r.destination.describe(),
                if reason == SniReason::Wildcard { "wildcard" } else { "exact" },
                r.sni,
                r.origin
            ),
            (Some(SniTarget::Linked(l)), SniReason::Sidecar) => {
                format!(
                    "to {}, the service this sidecar fronts (cluster {}, {})",
                    l.service.label(),
                    l.cluster,
                    l.origin
                )
            }
            (Some(SniTarget::Linked(l)), _) => {
                format!("routed to linked service {} (cluster {}, {})", l.service.label(), l.cluster, l.origin)
            }
            (None, SniReason::Missing) => "unrouted: the connection sent no server name (SNI)".into(),
            (None, SniReason::Malformed) => "unrouted: the server name (SNI) is not a valid DNS name".into(),
            (None, SniReason::NotSniGateway) => "unrouted: this gateway does not route by server name".into(),
            (None, _) => "unrouted: no route in the plan for this server name (SNI)".into(),
        }
    }
}

// -------------------------------------------------------------------------------- authorization

/// Why a connection or request was authorized, or not, when no intention got to decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthzReason {
    /// The intention table decided (see [`Authz::decision`]).
    Decided,
    /// The peer presented no certificate, or it has no URI SAN.
    NoPeerIdentity,
    /// The peer's URI SAN is not a Consul service SPIFFE ID.
    BadPeerIdentity,
    /// The peer's SPIFFE ID belongs to another trust domain.
    ForeignTrustDomain,
    /// The peer is a mesh gateway, not a service.
    PeerNotAService,
    /// There is no destination to authorize for (unrouted).
    NoDestination,
    /// The request path cannot be normalized safely.
    BadPath(PathRejectionKind),
    /// The client certificate carries this many URI SANs, not exactly one.
    PeerIdentityCount(usize),
    /// A sidecar's upstream listener: on the way out; the destination decides.
    Outbound,
    /// An API gateway route's JWT requirement is not met (checked before intentions).
    RouteJwt(crate::intentions::jwt::JwtFailure),
}

impl AuthzReason {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthzReason::Decided => "intentions",
            AuthzReason::NoPeerIdentity => "no-peer-identity",
            AuthzReason::BadPeerIdentity => "bad-peer-identity",
            AuthzReason::ForeignTrustDomain => "foreign-trust-domain",
            AuthzReason::PeerNotAService => "peer-not-a-service",
            AuthzReason::NoDestination => "no-destination",
            AuthzReason::BadPath(_) => "bad-path",
            AuthzReason::PeerIdentityCount(_) => "bad-peer-identity",
            AuthzReason::Outbound => "outbound",
            AuthzReason::RouteJwt(f) => f.code(),
        }
    }
}

/// An authorization decision: allowed or not, why, and in which mode.
#[derive(Clone, Debug)]
pub struct Authz<'i, 'r> {
    pub allowed: bool,
    pub mode: Mode,
    pub reason: AuthzReason,
    /// The intention table's decision, when it was consulted.
    pub decision: Option<Decision<'i, 'r>>,
    /// The source, as the intentions saw it (empty when unknown).
    pub source: Caller<'r>,
}

impl Authz<'_, '_> {
    fn refuse(mode: Mode, reason: AuthzReason) -> Authz<'static, 'static> {
        Authz {
            allowed: false,
            mode,
            reason,
            decision: None,
            source: Caller { name: "", namespace: "", partition: "", peer: "" },
        }
    }

    /// Denied and enforced: the filter blocks. (In audit mode a deny is only logged and counted.)
    pub fn blocks(&self) -> bool {
        !self.allowed && self.mode == Mode::Enforce
    }

    /// The deciding intention's `file:line:col`.
    pub fn intention_origin(&self) -> Option<&Origin> {
        self.decision.as_ref()?.intention.map(|i| &i.origin)
    }

    /// A short, stable token for the `x-meshgate-reason` header and metrics.
    pub fn reason_code(&self) -> &'static str {
        match (&self.decision, self.reason) {
            (Some(d), _) => {
                use crate::intentions::Reason;
                match d.reason {
                    Reason::Intention => "intention",
                    Reason::Permission => "permission",
                    Reason::NoPermissionMatched => "default-policy",
                    Reason::L7OnTcp => "l7-intention-on-tcp",
                    Reason::PathRejected { .. } => "bad-path",
                    Reason::NoIntention => "default-policy",
                    Reason::Jwt { failure } => failure.code(),
                }
            }
            (None, r) => r.as_str(),
        }
    }

    /// The status a blocked request gets: 401 when a JWT is missing or did not verify (the client
    /// must authenticate), 403 otherwise.
    pub fn status(&self) -> u32 {
        match (self.decision.as_ref().map(|d| d.reason), self.reason) {
            (Some(crate::intentions::Reason::Jwt { failure }), _) | (None, AuthzReason::RouteJwt(failure)) => {
                failure.status()
            }
            _ => 403,
        }
    }

    /// One sentence a person can act on.
    pub fn explain(&self) -> String {
        if let Some(d) = &self.decision {
            return d.explain();
        }
        let verdict = if self.allowed { "allowed" } else { "denied" };
        match self.reason {
            AuthzReason::Decided => verdict.to_string(),
            AuthzReason::NoPeerIdentity => format!("{verdict}: the client presented no certificate with a SPIFFE ID"),
            AuthzReason::BadPeerIdentity => {
                format!("{verdict}: the client certificate's URI SAN is not a Consul service SPIFFE ID")
            }
            AuthzReason::ForeignTrustDomain => {
                format!("{verdict}: the client's SPIFFE ID belongs to another trust domain")
            }
            AuthzReason::PeerNotAService => format!("{verdict}: the client is a mesh gateway, not a service"),
            AuthzReason::NoDestination => format!("{verdict}: no destination service (the request was not routed)"),
            AuthzReason::BadPath(r) => format!("{verdict}: {}", r.describe()),
            AuthzReason::PeerIdentityCount(n) => format!(
                "{verdict}: the client certificate carries {n} URI SANs; a mesh certificate carries exactly one SPIFFE ID"
            ),
            AuthzReason::Outbound => {
                format!("{verdict}: outbound through the sidecar; intentions are decided at the destination")
            }
            AuthzReason::RouteJwt(f) => format!("{verdict} by the route's JWT requirement: {}", f.describe()),
        }
    }
}

/// A Consul service SPIFFE ID, borrowed: `spiffe://<td>[/ap/<ap>]/ns/<ns>/dc/<dc>/svc/<svc>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerIdentity<'a> {
    pub trust_domain: &'a str,
    pub partition: &'a str,
    pub namespace: &'a str,
    pub datacenter: &'a str,
    pub service: &'a str,
}

/// Why a URI SAN is not a service identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeerIdentityError {
    NotSpiffe,
    MeshGateway,
}

/// Parses a peer's URI SAN without allocating.
pub fn parse_peer_identity(uri: &str) -> Result<PeerIdentity<'_>, PeerIdentityError> {
    let rest = uri.strip_prefix("spiffe://").ok_or(PeerIdentityError::NotSpiffe)?;
    let mut halves = Slashes::new(rest);
    let (Some(td), Some(path)) = (halves.next(), halves.rest) else { return Err(PeerIdentityError::NotSpiffe) };
    if td.is_empty() || path.bytes().any(|b| matches!(b, b'?' | b'#')) {
        return Err(PeerIdentityError::NotSpiffe);
    }
    let mut segments = Slashes::new(path);
    let mut next = || segments.next().filter(|s| !s.is_empty());
    let mut first = next().ok_or(PeerIdentityError::NotSpiffe)?;
    let mut partition = crate::identity::DEFAULT;
    if first == "ap" {
        partition = next().ok_or(PeerIdentityError::NotSpiffe)?;
        first = next().ok_or(PeerIdentityError::NotSpiffe)?;
    }
    match first {
        "ns" => {
            let namespace = next().ok_or(PeerIdentityError::NotSpiffe)?;
            let (Some("dc"), Some(datacenter), Some("svc"), Some(service)) = (next(), next(), next(), next()) else {
                return Err(PeerIdentityError::NotSpiffe);
            };
            // The service is the last segment: Consul's service IDs end there, so `…/svc/web/` or
            // `…/svc/web//x` is no service identity (an empty segment must not hide the rest).
            if segments.rest.is_some() {
                return Err(PeerIdentityError::NotSpiffe);
            }
            Ok(PeerIdentity { trust_domain: td, partition, namespace, datacenter, service })
        }
        "gateway" => Err(PeerIdentityError::MeshGateway),
        _ => Err(PeerIdentityError::NotSpiffe),
    }
}

/// `str::split('/')` by bytes: the same pieces, without the generic char searcher's setup per
/// piece (the peer's URI SAN is split on every request at a terminating gateway).
struct Slashes<'a> {
    /// What follows the last `/` found; `None` once the last piece was returned.
    rest: Option<&'a str>,
}

impl<'a> Slashes<'a> {
    fn new(s: &'a str) -> Self {
        Slashes { rest: Some(s) }
    }
}

impl<'a> Iterator for Slashes<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        match s.bytes().position(|b| b == b'/') {
            // `/` is ASCII: both sides of it are character boundaries.
            Some(i) => {
                self.rest = s.get(i + 1..);
                s.get(..i)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

// ----------------------------------------------------------------------------------------- HTTP

/// Why a request was routed, or not.
#[derive(Clone, Copy, Debug)]
pub enum RouteOutcome<'i> {
    Routed {
        host: &'i VirtualHost,
        host_match: HostMatch,
        route: &'i HttpRoute,
        target: &'i RouteTarget,
        key: RouteKey,
    },
    /// No http listener on the request's port (or the gateway has none).
    NoListener,
    /// No virtual host serves the `Host`.
    NoHost,
    /// The virtual host has no route matching the request.
    NoRoute { host: &'i VirtualHost },
    /// The route has no target with a weight.
    NoTarget { host: &'i VirtualHost, route: &'i HttpRoute },
    /// The path cannot be normalized safely.
    BadPath(PathRejectionKind),
    /// This gateway does not route HTTP (mesh and terminating gateways).
    NotHttpGateway,
}

/// Where a routed request went, as indexes (to find its response header changes later).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteKey {
    pub listener: u32,
    pub host: u32,
    pub route: u32,
    pub target: u32,
}

impl RouteKey {
    /// The value of [`ROUTE_HEADER`]: the virtual host and route indexes within the listener
    /// (`meshgate envoy` numbers its per-route Envoy routes the same way).
    pub fn route_id(&self) -> String {
        route_id(self.host, self.route)
    }
}

/// `<host>.<route>`: see [`RouteKey::route_id`].
pub fn route_id(host: u32, route: u32) -> String {
    format!("{host}.{route}")
}

/// The outcome of [`GatewayIndex::route_request`].
#[derive(Clone, Debug)]
pub struct RouteDecision<'i, 'r> {
    pub outcome: RouteOutcome<'i>,
    /// The normalized path (no query): what routes and intentions matched. The raw path part
    /// when it could not be normalized.
    pub path: Cow<'r, str>,
    /// The query, without `?` (empty when none).
    pub query: &'r str,
    /// The raw path differs from `path` + `?query` (normalization changed it, or it had a
    /// fragment), so the filter must rewrite `:path`.
    path_changed: bool,
    /// The path after the route's prefix rewrite, normalized again: what the service receives,
    /// so what intentions decide on. `None` when the route rewrites nothing.
    rewritten: Option<String>,
}

impl<'i, 'r> RouteDecision<'i, 'r> {
    fn unrouted(outcome: RouteOutcome<'i>, path: &'r str) -> RouteDecision<'i, 'r> {
        RouteDecision { outcome, path: Cow::Borrowed(path), query: "", path_changed: false, rewritten: None }
    }
}

impl<'i> RouteDecision<'i, '_> {
    /// The cluster for the routing header.
    pub fn cluster(&self) -> Option<&'i str> {
        match self.outcome {
            RouteOutcome::Routed { target, .. } => Some(&target.cluster),
            _ => None,
        }
    }

    /// The HTTP status the filter answers with when the request is not routed: 404 no route,
    /// 503 no target, 400 bad path; `None` when routed.
    pub fn status(&self) -> Option<u32> {
        match self.outcome {
            RouteOutcome::Routed { .. } => None,
            RouteOutcome::NoListener | RouteOutcome::NoHost | RouteOutcome::NoRoute { .. } => Some(404),
            RouteOutcome::NotHttpGateway => Some(404),
            RouteOutcome::NoTarget { .. } => Some(503),
            RouteOutcome::BadPath(_) => Some(400),
        }
    }

    /// A short, stable token for the `x-meshgate-reason` header and metrics.
    pub fn reason_code(&self) -> &'static str {
        match self.outcome {
            RouteOutcome::Routed { .. } => "routed",
            RouteOutcome::NoListener => "no-listener",
            RouteOutcome::NoHost => "no-host",
            RouteOutcome::NoRoute { .. } => "no-route",
            RouteOutcome::NoTarget { .. } => "no-target",
            RouteOutcome::BadPath(_) => "bad-path",
            RouteOutcome::NotHttpGateway => "not-an-http-gateway",
        }
    }

    /// One sentence for logs and people.
    pub fn explain(&self) -> String {
        match self.outcome {
            RouteOutcome::Routed { host, host_match, route, target, .. } => format!(
                "routed to {} (service {}) by host {} ({}) and route `{}` ({})",
                target.cluster,
                target.service_ref().label(),
                host.domains.join(", "),
                host_match.as_str(),
                route.route_match.describe(),
                route.origin
            ),
            RouteOutcome::NoListener => "no route: no http listener on this port".into(),
            RouteOutcome::NoHost => "no route: no virtual host serves this Host".into(),
            RouteOutcome::NoRoute { host } => {
                format!("no route: no route of host {} matches the request ({})", host.domains.join(", "), host.origin)
            }
            RouteOutcome::NoTarget { route, .. } => {
                format!(
                    "no target: route `{}` ({}) has no service to send to",
                    route.route_match.describe(),
                    route.origin
                )
            }
            RouteOutcome::BadPath(r) => format!("bad request: {}", r.describe()),
            RouteOutcome::NotHttpGateway => "no route: this gateway does not route HTTP".into(),
        }
    }

    /// The path the service receives (no query): the normalized path, or, when the route
    /// rewrites its prefix, the rewritten path normalized again. Intentions decide on this one.
    pub fn received_path(&self) -> &str {
        self.rewritten.as_deref().unwrap_or(&self.path)
    }

    /// The `:path` to forward when it is not the one received: [`Self::received_path`] and the
    /// query. `None` when the received path stands. Allocates only when a rewrite is needed.
    pub fn forward_path(&self) -> Option<String> {
        if self.rewritten.is_none() && !self.path_changed {
            return None;
        }
        let path = self.received_path();
        let mut out = String::with_capacity(path.len() + 1 + self.query.len());
        out.push_str(path);
        if !self.query.is_empty() {
            out.push('?');
            out.push_str(self.query);
        }
        Some(out)
    }

    /// Header changes for the request, in the order to apply them: the virtual host's, the
    /// route's, the target's (each: remove, then set, then add).
    pub fn request_headers(&self) -> [Option<&'i HeaderModifiers>; 3] {
        match self.outcome {
            RouteOutcome::Routed { host, route, target, .. } => {
                [Some(&host.request_headers), Some(&route.request_headers), Some(&target.request_headers)]
            }
            _ => [None, None, None],
        }
    }

    pub fn key(&self) -> Option<RouteKey> {
        match self.outcome {
            RouteOutcome::Routed { key, .. } => Some(key),
            _ => None,
        }
    }
}

fn rewrite_prefix(route: &HttpRoute, path: &str, replacement: &str) -> String {
    use crate::plan::gateways::MatchKind;
    let m = &route.route_match.path;
    match m.kind {
        MatchKind::Exact => replacement.to_string(),
        MatchKind::Prefix => {
            let rest = path.get(m.value.len()..).unwrap_or("");
            let mut out = String::with_capacity(replacement.len() + rest.len());
            out.push_str(replacement);
            out.push_str(rest);
            out
        }
        _ => path.to_string(),
    }
}

/// A path split and normalized: what routes and intentions see.
struct PathParts<'r> {
    path: Cow<'r, str>,
    query: &'r str,
    changed: bool,
}

fn split_path(raw: &str, normalization: Normalization) -> Result<PathParts<'_>, (PathRejectionKind, &str, &str)> {
    // `normalize` stops at the first `?` or `#`; in the usual case it hands that prefix back
    // borrowed, and its length says where the query starts without a scan of our own. (`?` and
    // `#` are ASCII: their neighbours are character boundaries.) Every request comes through here.
    let normalized = path::normalize(raw, normalization);
    let end = match &normalized {
        Ok(Cow::Borrowed(p)) => p.len(),
        _ => raw.bytes().position(|b| b == b'?' || b == b'#').unwrap_or(raw.len()),
    };
    let (path_part, rest) = raw.split_at_checked(end).unwrap_or((raw, ""));
    let (before_fragment, fragment) = match rest.bytes().position(|b| b == b'#') {
        Some(i) => (rest.get(..i).unwrap_or(rest), true),
        None => (rest, false),
    };
    let query = before_fragment.strip_prefix('?').unwrap_or(before_fragment);
    match normalized {
        Ok(p) => {
            let changed = fragment || matches!(&p, Cow::Owned(o) if o != path_part);
            Ok(PathParts { path: p, query, changed })
        }
        Err(r) => Err((r.into(), path_part, query)),
    }
}

/// Routes a request within one listener's virtual hosts (a gateway's, or a service's own
/// discovery chain seen as one host, see [`ChainRouter`]): normalize the path, pick the host, the
/// first matching route and a weighted target, then apply the route's prefix rewrite and
/// normalize again — what the service receives is what intentions decide on.
#[allow(clippy::too_many_arguments)]
fn route_in<'i, 'r>(
    li: usize,
    listener: &'i HostIndex,
    authority: &str,
    path: &'r str,
    method: &str,
    headers: &[(&str, &str)],
    rand: u64,
    normalization: Normalization,
) -> RouteDecision<'i, 'r> {
    let parts = match split_path(path, normalization) {
        Ok(p) => p,
        Err((rejection, raw, query)) => {
            return RouteDecision {
                outcome: RouteOutcome::BadPath(rejection),
                path: Cow::Borrowed(raw),
                query,
                path_changed: false,
                rewritten: None,
            };
        }
    };
    let mut outcome = host_route(li, listener, authority, &parts, method, headers, rand);
    let mut rewritten = None;
    if let RouteOutcome::Routed { route, .. } = outcome {
        if let Some(replacement) = route.prefix_rewrite.as_deref() {
            // A rewrite can join what normalization had separated (`/legacy` + `/` → `//x`):
            // normalize again, so the path decided on is the one the service acts on.
            let joined = rewrite_prefix(route, &parts.path, replacement);
            match path::normalize(&joined, normalization) {
                Ok(p) => rewritten = Some(p.into_owned()),
                Err(r) => outcome = RouteOutcome::BadPath(r.into()),
            }
        }
    }
    RouteDecision { outcome, path: parts.path, query: parts.query, path_changed: parts.changed, rewritten }
}

fn host_route<'i>(
    li: usize,
    listener: &'i HostIndex,
    authority: &str,
    parts: &PathParts<'_>,
    method: &str,
    headers: &[(&str, &str)],
    rand: u64,
) -> RouteOutcome<'i> {
    let Some((hi, host_match)) = listener.host(authority) else { return RouteOutcome::NoHost };
    let Some(host) = listener.hosts.get(hi) else { return RouteOutcome::NoHost };
    let req = RequestParts { path: &parts.path, query: parts.query, method, headers };
    let Some(ri) = listener.route(hi, &req) else { return RouteOutcome::NoRoute { host } };
    let (Some(route), Some(compiled)) = (host.routes.get(ri), listener.compiled(hi, ri)) else {
        return RouteOutcome::NoRoute { host };
    };
    let Some(ti) = compiled.pick(rand) else { return RouteOutcome::NoTarget { host, route } };
    let Some(target) = route.targets.get(ti) else { return RouteOutcome::NoTarget { host, route } };
    let key = RouteKey {
        listener: u32::try_from(li).unwrap_or(u32::MAX),
        host: u32::try_from(hi).unwrap_or(u32::MAX),
        route: u32::try_from(ri).unwrap_or(u32::MAX),
        target: u32::try_from(ti).unwrap_or(u32::MAX),
    };
    RouteOutcome::Routed { host, host_match, route, target, key }
}

/// The headers a service receives after a route's header changes (each of `mods` in order:
/// remove, set, add — as the filter applies them): what intentions at that service decide on.
/// Borrows when nothing changes.
pub fn effective_headers<'a>(
    headers: &'a [(&'a str, &'a str)],
    mods: [Option<&'a HeaderModifiers>; 3],
) -> Cow<'a, [(&'a str, &'a str)]> {
    if mods.iter().flatten().all(|m| m.is_empty()) {
        return Cow::Borrowed(headers);
    }
    let mut out: Vec<(&str, &str)> = headers.to_vec();
    for m in mods.into_iter().flatten() {
        out.retain(|(n, _)| !m.remove.iter().any(|r| r.eq_ignore_ascii_case(n)));
        for (name, value) in &m.set {
            out.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            out.push((name.as_str(), value.as_str()));
        }
        out.extend(m.add.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    }
    Cow::Owned(out)
}

/// A service's discovery chain as the data plane routes it (the service-router's routes in
/// order, then the catch-all; splits and redirects resolved to targets): what a caller's sidecar
/// does with a request before the destination's sidecar sees it. `meshgate check` and the
/// playground's Simulate route through it, with the same matcher and the same rewrite rule as the
/// gateways' filter.
#[derive(Clone, Debug)]
pub struct ChainRouter {
    listener: HostIndex,
    normalization: Normalization,
}

impl ChainRouter {
    pub fn new(routes: Vec<HttpRoute>, normalization: Normalization) -> Result<ChainRouter, Error> {
        let host = VirtualHost {
            domains: vec!["*".into()],
            service: None,
            routes,
            request_headers: HeaderModifiers::default(),
            response_headers: HeaderModifiers::default(),
            origin: Origin::default(),
        };
        Ok(ChainRouter { listener: HostIndex::new(0, &[host])?, normalization })
    }

    /// The route a request takes (`path` as sent, query included); `rand` picks the target.
    pub fn route<'i, 'r>(
        &'i self,
        path: &'r str,
        method: &str,
        headers: &[(&str, &str)],
        rand: u64,
    ) -> RouteDecision<'i, 'r> {
        route_in(0, &self.listener, "", path, method, headers, rand, self.normalization)
    }

    /// The routes, in the order they are tried.
    pub fn routes(&self) -> &[HttpRoute] {
        self.listener.hosts.first().map(|h| h.routes.as_slice()).unwrap_or(&[])
    }
}

/// An ingress or API gateway's tcp listener: its route and its targets' weights.
#[derive(Clone, Debug)]
pub(crate) struct TcpListener {
    pub port: u16,
    pub route: TcpRoute,
    weights: http::Weights,
}

impl TcpListener {
    fn new(port: u16, route: &TcpRoute) -> TcpListener {
        TcpListener { port, route: route.clone(), weights: http::Weights::of(&route.targets) }
    }

    /// The target for a random number (weighted); `None` when no target has a weight.
    pub fn pick(&self, rand: u64) -> Option<&RouteTarget> {
        self.route.targets.get(self.weights.pick(rand)?)
    }
}

// ---------------------------------------------------------------------------------------- index

/// Every name a plan carries is at most [`MAX_NAME_BYTES`]: they become stat names and log
/// fields, and a 20 MB gateway key once became six 20 MB stat names.
fn check_names(plan: &GatewayPlan) -> Result<(), Error> {
    let check = |what: &'static str, name: &str| {
        if name.len() <= MAX_NAME_BYTES {
            return Ok(());
        }
        let mut end = 32.min(name.len());
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        Err(Error::NameTooLong { what, shown: name.get(..end).unwrap_or("").to_string(), bytes: name.len() })
    };
    let g = &plan.gateway;
    for (what, name) in
        [("gateway key", &g.key), ("gateway name", &g.name), ("namespace", &g.namespace), ("partition", &g.partition)]
    {
        check(what, name)?;
    }
    for i in &plan.intentions {
        for (what, name) in [
            ("intention source", &i.source.name),
            ("intention source namespace", &i.source.namespace),
            ("intention source partition", &i.source.partition),
            ("intention source peer", &i.source.peer),
            ("intention destination", &i.destination.name),
            ("intention destination namespace", &i.destination.namespace),
            ("intention destination partition", &i.destination.partition),
        ] {
            check(what, name)?;
        }
        for h in i.permissions.iter().flat_map(|p| &p.http.headers) {
            check("header name", &h.name)?;
        }
    }
    Ok(())
}

fn inspected_headers(table: &IntentionTable, http: &[HostIndex]) -> Vec<Box<str>> {
    let permissions = table.intentions().iter().flat_map(|i| &i.permissions).flat_map(|p| &p.http.headers);
    let routes = http.iter().flat_map(|l| &l.hosts).flat_map(|h| &h.routes).flat_map(|r| &r.route_match.headers);
    let mut names: Vec<Box<str>> = permissions
        .map(|h| h.name.to_ascii_lowercase().into_boxed_str())
        .chain(routes.map(|h| h.name.to_ascii_lowercase().into_boxed_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

impl GatewayIndex {
    /// Indexes a plan. Fails on a plan of another version, a regex that does not compile, or an
    /// SNI row that is not a name.
    pub fn new(plan: &GatewayPlan) -> Result<GatewayIndex, Error> {
        Self::from_plan(plan.clone(), plan.hash_hex())
    }

    /// [`Self::new`] from the plan's JSON (the filter's plugin configuration). The hash is of the
    /// bytes as received: `meshgate envoy` writes the canonical form, so it equals
    /// [`GatewayPlan::hash_hex`] without serializing the plan again.
    pub fn from_json(json: &[u8]) -> Result<GatewayIndex, Error> {
        let plan = Self::parse(json)?;
        Self::from_plan(plan, Self::hash_of(json))
    }

    /// [`Self::from_json`] that frees the text before indexing, so the index's allocations can
    /// reuse its memory (in a wasm VM memory never shrinks: the peak is what a worker keeps).
    pub fn from_json_owned(json: Vec<u8>) -> Result<GatewayIndex, Error> {
        let hash = Self::hash_of(&json);
        Self::from_json_owned_hashed(json, hash)
    }

    /// [`Self::from_json_owned`] for bytes whose [`Self::hash_of`] the caller has already computed
    /// (the filter's plan cache looks plans up by it before parsing one).
    pub fn from_json_owned_hashed(json: Vec<u8>, hash: String) -> Result<GatewayIndex, Error> {
        let plan = Self::parse(&json)?;
        drop(json);
        Self::from_plan(plan, hash)
    }

    fn parse(json: &[u8]) -> Result<GatewayPlan, Error> {
        if json.len() > MAX_PLAN_BYTES {
            return Err(Error::PlanTooLarge { bytes: json.len() });
        }
        let plan: GatewayPlan = match serde_json::from_slice(json) {
            Ok(plan) => plan,
            Err(e) => {
                // A plan of another version may fail on any field: say "version", not the field.
                #[derive(serde::Deserialize)]
                struct Versioned {
                    version: u32,
                }
                return Err(match serde_json::from_slice::<Versioned>(json) {
                    Ok(v) if v.version != GATEWAY_PLAN_VERSION => {
                        Error::Version { found: v.version, supported: GATEWAY_PLAN_VERSION }
                    }
                    _ => Error::Json(e.to_string()),
                });
            }
        };
        Ok(plan)
    }

    /// The [`Self::hash`] of the index these plan bytes make: known before parsing them.
    pub fn hash_of(json: &[u8]) -> String {
        format!("{:016x}", content_hash(json))
    }

    /// Takes the plan apart: the intentions move into the table, so a worker holds one copy of
    /// each. (GatewayPlans carry no per-service intention summaries: `gateway_plan_from` leaves
    /// them out.)
    fn from_plan(mut plan: GatewayPlan, hash: String) -> Result<GatewayIndex, Error> {
        if plan.version != GATEWAY_PLAN_VERSION {
            return Err(Error::Version { found: plan.version, supported: GATEWAY_PLAN_VERSION });
        }
        check_names(&plan)?;
        let intentions = std::mem::take(&mut plan.intentions);
        let table = IntentionTable::new(intentions, plan.default_intention_policy, plan.path_normalization)?;
        let mut sni_exact = FastMap::default();
        let mut sni_wildcard = LabelTrie::default();
        let mut http = Vec::new();
        let mut tcp = Vec::new();
        let source = plan.gateway.as_service();
        let bad_sni = |sni: &str, origin: &Origin| Error::BadSni { origin: origin.to_string(), sni: sni.to_string() };
        match &plan.routes {
            RouteTable::MeshGateway(t) => {
                for (i, r) in t.routes.iter().enumerate() {
                    let id = u32::try_from(i).map_err(|_| Error::TooLarge { what: "SNI routes" })?;
                    let name = r.sni.to_ascii_lowercase();
                    match r.sni_match {
                        SniMatch::Exact => {
                            check_dns_name(&name).map_err(|_| bad_sni(&r.sni, &r.origin))?;
                            sni_exact.entry(name.into_boxed_str()).or_insert(id);
                        }
                        SniMatch::Suffix => {
                            let suffix = name.strip_prefix("*.").ok_or_else(|| bad_sni(&r.sni, &r.origin))?;
                            check_dns_name(suffix).map_err(|_| bad_sni(&r.sni, &r.origin))?;
                            sni_wildcard.insert(suffix, id);
                        }
                    }
                }
            }
            RouteTable::TerminatingGateway(t) => {
                for (i, l) in t.services.iter().enumerate() {
                    let id = u32::try_from(i).map_err(|_| Error::TooLarge { what: "linked services" })?;
                    let name = l.sni.to_ascii_lowercase();
                    check_dns_name(&name).map_err(|_| bad_sni(&l.sni, &l.origin))?;
                    sni_exact.entry(name.into_boxed_str()).or_insert(id);
                }
            }
            RouteTable::Sidecar(t) => {
                // The upstream listeners route as an ingress gateway's do; the public listener is
                // every other port.
                let mut seen = std::collections::BTreeSet::new();
                for u in &t.upstreams {
                    if !seen.insert(u.port) {
                        return Err(Error::DuplicateListener { port: u.port });
                    }
                    if u.protocol.is_http_like() {
                        http.push(HostIndex::new(u.port, &u.hosts)?);
                    } else if let Some(route) = &u.tcp {
                        tcp.push(TcpListener::new(u.port, route));
                    }
                }
            }
            RouteTable::IngressGateway(t) => {
                let mut seen = std::collections::BTreeSet::new();
                for l in t.listeners.iter().filter(|l| l.protocol.is_http_like()) {
                    if !seen.insert(l.port) {
                        return Err(Error::DuplicateListener { port: l.port });
                    }
                    http.push(HostIndex::new(l.port, &l.hosts)?);
                }
                for l in &t.listeners {
                    if let (false, Some(route)) = (l.protocol.is_http_like(), &l.tcp) {
                        tcp.push(TcpListener::new(l.port, route));
                    }
                }
            }
            RouteTable::ApiGateway(t) => {
                // API listeners sharing a port are merged, in order, as Consul merges them: grouped
                // first, so each port is indexed once whatever the number of listeners.
                let mut by_port: Vec<(u16, Vec<VirtualHost>)> = Vec::new();
                let mut slot: std::collections::BTreeMap<u16, usize> = std::collections::BTreeMap::new();
                for l in t.listeners.iter().filter(|l| l.protocol.is_http_like()) {
                    let i = *slot.entry(l.port).or_insert_with(|| {
                        by_port.push((l.port, Vec::new()));
                        by_port.len() - 1
                    });
                    if let Some((_, hosts)) = by_port.get_mut(i) {
                        hosts.extend(l.hosts.iter().cloned());
                    }
                }
                for (port, hosts) in &by_port {
                    http.push(HostIndex::new(*port, hosts)?);
                }
                let mut tcp_ports = std::collections::BTreeSet::new();
                for l in &t.listeners {
                    // Consul serves a tcp listener's first route.
                    if let (false, Some(route)) = (l.protocol.is_http_like(), l.tcp.first()) {
                        if tcp_ports.insert(l.port) {
                            tcp.push(TcpListener::new(l.port, route));
                        }
                    }
                }
            }
        }
        let http_ports = http.iter().enumerate().map(|(i, h)| (h.port, u32::try_from(i).unwrap_or(u32::MAX))).collect();
        let inspected_headers = inspected_headers(&table, &http);
        let needs_jwt = !crate::plan::jwt::named_providers(table.intentions()).is_empty()
            || !crate::plan::jwt::route_providers(&plan.routes).is_empty();
        Ok(GatewayIndex {
            id: memo::next_index_id(),
            plan,
            hash,
            table,
            sni_exact,
            sni_wildcard,
            http,
            http_ports,
            tcp,
            source,
            inspected_headers,
            needs_jwt,
        })
    }

    /// Whether a route or permission of this plan reads the header `name` (any case).
    pub fn inspects_header(&self, name: &[u8]) -> bool {
        let lower: Vec<u8> = name.to_ascii_lowercase();
        self.inspected_headers.binary_search_by(|h| h.as_bytes().cmp(&lower)).is_ok()
    }

    /// Whether decisions need the verified JWT payloads ([`RequestHead::jwt`]).
    pub fn needs_jwt(&self) -> bool {
        self.needs_jwt
    }

    /// The plan's format version.
    pub fn plan_version(&self) -> u32 {
        self.plan.version
    }

    /// The plan's content hash (16 hex digits), for logs.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    pub fn kind(&self) -> GatewayKind {
        self.plan.gateway.kind
    }

    pub fn mode(&self) -> Mode {
        self.plan.mode
    }

    /// The gateway's key (what metric names use).
    pub fn key(&self) -> &str {
        &self.plan.gateway.key
    }

    pub fn table(&self) -> &IntentionTable {
        &self.table
    }

    /// Whether the gateway has more than one http listener port (then the filter must tell
    /// [`Self::route_request`] the request's port).
    pub fn needs_port(&self) -> bool {
        // A sidecar tells its upstream listeners from its public one by port.
        self.http.len() > 1 || (self.kind() == GatewayKind::ConnectProxy && !self.http.is_empty())
    }

    /// Whether the HTTP filter reads the server name and the peer's identity from the request
    /// headers Envoy writes ([`SNI_HEADER`], `x-forwarded-client-cert`) instead of as connection
    /// properties: the plan says the configuration writes them (terminating gateways, sidecars).
    pub fn connection_headers(&self) -> bool {
        self.plan.connection_headers
            && matches!(self.kind(), GatewayKind::TerminatingGateway | GatewayKind::ConnectProxy)
    }

    /// Whether `port` is one of the http listeners this plan routes (a sidecar's upstreams).
    pub fn routes_http_port(&self, port: Option<u16>) -> bool {
        port.is_some_and(|p| self.http_ports.contains_key(&p))
    }

    /// Whether the network filter must tell [`Self::decide_connection`] the listener's port (an
    /// ingress or API gateway with tcp listeners).
    pub fn needs_connection_port(&self) -> bool {
        !self.tcp.is_empty()
    }

    /// The tcp listener on `port`.
    pub(crate) fn tcp_listener(&self, port: u16) -> Option<&TcpListener> {
        self.tcp.iter().find(|l| l.port == port)
    }

    /// The http listener ports, in the plan's order.
    pub fn http_ports(&self) -> impl Iterator<Item = u16> + '_ {
        self.http.iter().map(|h| h.port)
    }

    /// Routes a TLS connection by its server name.
    pub fn route_sni(&self, server_name: &str) -> SniDecision<'_> {
        self.sni_decision(self.sni_slot(server_name))
    }

    /// [`Self::route_sni`]'s answer without borrowing the index (what [`memo::ConnMemo`] keeps).
    fn sni_slot(&self, server_name: &str) -> SniSlot {
        if let RouteTable::Sidecar(_) = &self.plan.routes {
            return SniSlot::Sidecar;
        }
        if !matches!(self.plan.routes, RouteTable::MeshGateway(_) | RouteTable::TerminatingGateway(_)) {
            return SniSlot::Unrouted(SniReason::NotSniGateway);
        }
        if server_name.is_empty() {
            return SniSlot::Unrouted(SniReason::Missing);
        }
        let mut buf: NameBuf = [0; MAX_NAME];
        let name = match lower_dns_name(server_name, &mut buf) {
            Ok(name) => name,
            Err(BadName::Empty) => return SniSlot::Unrouted(SniReason::Missing),
            Err(_) => return SniSlot::Unrouted(SniReason::Malformed),
        };
        if let Some(id) = self.sni_exact.get(name) {
            return SniSlot::Row(*id, SniReason::Exact);
        }
        match self.sni_wildcard.longest(name) {
            Some((id, _)) => SniSlot::Row(id, SniReason::Wildcard),
            None => SniSlot::Unrouted(SniReason::NotInPlan),
        }
    }

    /// [`Self::sni_slot`] of a name as the host gave it: not text, a malformed name.
    fn sni_slot_of_bytes(&self, server_name: &[u8]) -> SniSlot {
        match std::str::from_utf8(server_name) {
            Ok(name) => self.sni_slot(name),
            Err(_) => SniSlot::Unrouted(SniReason::Malformed),
        }
    }

    fn sni_decision(&self, slot: SniSlot) -> SniDecision<'_> {
        match (slot, &self.plan.routes) {
            (SniSlot::Sidecar, RouteTable::Sidecar(t)) => {
                SniDecision { target: Some(SniTarget::Linked(&t.inbound)), reason: SniReason::Sidecar }
            }
            (SniSlot::Row(id, reason), _) => self.sni_row(id, reason),
            (SniSlot::Unrouted(reason), _) => SniDecision::unrouted(reason),
            // A slot of another plan: the memo never hands one over (it checks the index's id).
            (SniSlot::Sidecar, _) => SniDecision::unrouted(SniReason::NotInPlan),
        }
    }

    fn sni_row(&self, id: u32, reason: SniReason) -> SniDecision<'_> {
        let target = match &self.plan.routes {
            RouteTable::MeshGateway(t) => t.routes.get(id as usize).map(SniTarget::Mesh),
            RouteTable::TerminatingGateway(t) => t.services.get(id as usize).map(SniTarget::Linked),
            _ => None,
        };
        match target {
            Some(target) => SniDecision { target: Some(target), reason },
            None => SniDecision::unrouted(SniReason::NotInPlan),
        }
    }

    /// A terminating gateway's L4 check: may the peer (its certificate's first URI SAN, `None`
    /// when it has none or it could not be read) reach the linked service the SNI chose?
    pub fn authorize_connection<'i: 'r, 'r>(
        &'i self,
        peer_uri_san: Option<&'r str>,
        sni: &SniDecision<'i>,
    ) -> Authz<'i, 'r> {
        self.authorize_peer(peer_uri_san, sni, None)
    }

    /// A terminating gateway's L7 check for an HTTP linked service. `path` is the received
    /// `:path`; the returned decision's normalized path (see [`Self::normalize_path`]) is what
    /// the filter must forward.
    pub fn authorize_terminated_request<'i: 'r, 'r>(
        &'i self,
        peer_uri_san: Option<&'r str>,
        sni: &SniDecision<'i>,
        path: &'r str,
        method: &'r str,
        headers: &'r [(&'r str, &'r str)],
        jwt: Option<&'r JwtPayloads>,
    ) -> Authz<'i, 'r> {
        self.authorize_peer(peer_uri_san, sni, Some(HttpRequest { method, path, headers, jwt }))
    }

    fn authorize_peer<'i: 'r, 'r>(
        &'i self,
        peer_uri_san: Option<&'r str>,
        sni: &SniDecision<'i>,
        http: Option<HttpRequest<'r>>,
    ) -> Authz<'i, 'r> {
        self.authorize_remembering(peer_uri_san, sni, http, None, &mut ConnMemo::off())
    }

    /// [`Self::authorize_peer`], with the peer's identity read (only once there is a destination,
    /// whose absence is the first reason given) and its intention found through `memo`;
    /// `normalized`: the request's path as [`path::normalize`] gives it, where the caller has it
    /// already.
    fn authorize_remembering<'i: 'r, 'r>(
        &'i self,
        peer_uri_san: Option<&'r str>,
        sni: &SniDecision<'i>,
        http: Option<HttpRequest<'r>>,
        normalized: Option<Cow<'r, str>>,
        memo: &mut ConnMemo,
    ) -> Authz<'i, 'r> {
        let Some(linked) = sni.linked() else { return Authz::refuse(self.plan.mode, AuthzReason::NoDestination) };
        match memo.caller(self, peer_uri_san) {
            Ok(source) => self.decide(source, &linked.service, http, normalized, memo),
            Err(reason) => Authz::refuse(self.plan.mode, reason),
        }
    }

    /// The intentions' source named by a peer's URI SAN (`None` when it has none or it could
    /// not be read), or why it names none.
    fn peer_caller<'i: 'r, 'r>(&'i self, peer_uri_san: Option<&'r str>) -> Result<Caller<'r>, AuthzReason> {
        let uri = peer_uri_san.filter(|u| !u.is_empty()).ok_or(AuthzReason::NoPeerIdentity)?;
        let peer = match parse_peer_identity(uri) {
            Ok(p) => p,
            Err(PeerIdentityError::MeshGateway) => return Err(AuthzReason::PeerNotAService),
            Err(PeerIdentityError::NotSpiffe) => return Err(AuthzReason::BadPeerIdentity),
        };
        // A certificate from a peer's trust domain is that peer's service: intentions name it
        // with `Peer`.
        let from_peer = if peer.trust_domain.eq_ignore_ascii_case(&self.plan.trust_domain) {
            ""
        } else {
            match self.plan.peer_trust_domains.iter().find(|(_, td)| td.eq_ignore_ascii_case(peer.trust_domain)) {
                Some((name, _)) => name.as_str(),
                None => return Err(AuthzReason::ForeignTrustDomain),
            }
        };
        Ok(Caller { name: peer.service, namespace: peer.namespace, partition: peer.partition, peer: from_peer })
    }

    fn decide<'i: 'r, 'r>(
        &'i self,
        source: Caller<'r>,
        dest: &'i ServiceId,
        http: Option<HttpRequest<'r>>,
        normalized: Option<Cow<'r, str>>,
        memo: &mut ConnMemo,
    ) -> Authz<'i, 'r> {
        let request = Request {
            source,
            destination: ServiceName { name: &dest.name, namespace: &dest.namespace, partition: &dest.partition },
            http,
        };
        let found = memo.intention(self, || self.table.find(&request));
        let decision = self.table.decide_found(&request, found, normalized);
        Authz {
            allowed: decision.allowed,
            mode: self.plan.mode,
            reason: AuthzReason::Decided,
            decision: Some(decision),
            source,
        }
    }

    /// Routes an HTTP request at an ingress or API gateway. `port` is the listener's port (needed
    /// only when [`Self::needs_port`]); `authority` is `:authority`/`Host` (port and case
    /// ignored); `path` is `:path` as received; `rand` picks among weighted targets.
    pub fn route_request<'i, 'r>(
        &'i self,
        port: Option<u16>,
        authority: &str,
        path: &'r str,
        method: &str,
        headers: &[(&str, &str)],
        rand: u64,
    ) -> RouteDecision<'i, 'r> {
        if !matches!(
            self.plan.routes,
            RouteTable::IngressGateway(_) | RouteTable::ApiGateway(_) | RouteTable::Sidecar(_)
        ) {
            return RouteDecision::unrouted(RouteOutcome::NotHttpGateway, path);
        }
        let listener = match (port, self.http.len()) {
            (_, 0) => None,
            (None, 1) => self.http.first().map(|l| (0, l)),
            (None, _) => None,
            (Some(p), _) => self.http_ports.get(&p).and_then(|i| self.http.get(*i as usize).map(|l| (*i as usize, l))),
        };
        let Some((li, listener)) = listener else { return RouteDecision::unrouted(RouteOutcome::NoListener, path) };
        route_in(li, listener, authority, path, method, headers, rand, self.plan.path_normalization)
    }

    /// The L7 intentions for a routed request at an ingress or API gateway: the gateway is the
    /// source, the chosen target's service the destination, and the path matched is the one the
    /// service receives ([`RouteDecision::received_path`]: after the route's rewrite, normalized).
    pub fn authorize_request<'i: 'r, 'r>(
        &'i self,
        route: &'r RouteDecision<'i, '_>,
        method: &'r str,
        headers: &'r [(&'r str, &'r str)],
        jwt: Option<&'r JwtPayloads>,
    ) -> Authz<'i, 'r> {
        let mode = self.plan.mode;
        let (target, routed) = match route.outcome {
            RouteOutcome::Routed { target, route, .. } => (target, route),
            RouteOutcome::BadPath(r) => return Authz::refuse(mode, AuthzReason::BadPath(r)),
            _ => return Authz::refuse(mode, AuthzReason::NoDestination),
        };
        // The gateway's own JWT requirement comes first, as Envoy's jwt_authn runs before RBAC
        // at a Consul API gateway; it reads the request as received (the token's location). A
        // split service's own filter replaces the route's for the target picked.
        let required = target.jwt.as_ref().or(routed.jwt.as_ref());
        if let Some(Err(f)) = required.map(|r| r.check_query(jwt, route.query, headers)) {
            return Authz::refuse(mode, AuthzReason::RouteJwt(f));
        }
        let source = Caller {
            name: &self.source.name,
            namespace: &self.source.namespace,
            partition: &self.source.partition,
            peer: "",
        };
        if self.kind() == GatewayKind::ConnectProxy {
            // Consul enforces intentions at the destination, whose sidecar sees this identity.
            return Authz { allowed: true, mode, reason: AuthzReason::Outbound, decision: None, source };
        }
        let dest = ServiceName { name: &target.service, namespace: &target.namespace, partition: &target.partition };
        let request = Request {
            source,
            destination: dest,
            http: Some(HttpRequest { method, path: route.received_path(), headers, jwt }),
        };
        let decision = self.table.decide(&request);
        Authz { allowed: decision.allowed, mode, reason: AuthzReason::Decided, decision: Some(decision), source }
    }

    /// Normalizes a received `:path` as routes and intentions see it: the path intentions match
    /// (no query), and `Some(new :path)` when the filter must rewrite it (`None` when it stands);
    /// `Err` when it must be refused.
    pub fn normalize_path<'r>(&self, raw: &'r str) -> Result<(Cow<'r, str>, Option<String>), PathRejectionKind> {
        match split_path(raw, self.plan.path_normalization) {
            Ok(p) if !p.changed => Ok((p.path, None)),
            Ok(p) => {
                let mut out = String::with_capacity(p.path.len() + 1 + p.query.len());
                out.push_str(&p.path);
                if !p.query.is_empty() {
                    out.push('?');
                    out.push_str(p.query);
                }
                Ok((p.path, Some(out)))
            }
            Err((r, _, _)) => Err(r),
        }
    }

    /// Response header changes for a routed request (virtual host, route, target).
    pub fn response_headers(&self, key: RouteKey) -> [Option<&HeaderModifiers>; 3] {
        let host = self.http.get(key.listener as usize).and_then(|l| l.hosts.get(key.host as usize));
        let route = host.and_then(|h| h.routes.get(key.route as usize));
        let target = route.and_then(|r| r.targets.get(key.target as usize));
        [host.map(|h| &h.response_headers), route.map(|r| &r.response_headers), target.map(|t| &t.response_headers)]
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod route_jwt_tests;
