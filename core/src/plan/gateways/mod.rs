//! Gateway route tables: for every gateway registered in the workspace (an agent service
//! definition of kind `mesh-gateway`, `terminating-gateway`, `ingress-gateway` or `api-gateway`),
//! what it routes where, and why. [`GatewayPlan`] is the slice of one gateway that the filter
//! enforces (see `docs/gateway-plan.md`).
//!
//! A gateway's `datacenter` defaults to the settings' datacenter, its partition to the settings'
//! partition, its namespace to `default`; its `address`/`port` are its listener (`127.0.0.1` and
//! 8443 when not written). Gateways are told apart by their **key**: the registration's `id`, else
//! its `name`; when two gateways share one, `@<datacenter>` is appended (and `#<n>` when they still
//! collide).
//!
//! Per kind (details in each module):
//! - [`mesh`]: SNI → cluster, TLS passthrough (never decrypts). Exact names (services exported to
//!   peers, then local services and subsets) before the wildcard names of other datacenters' and
//!   partitions' gateways (`*.<dc>.internal.<td>`, `*.<ap>.<dc>.internal-v1.<td>`).
//! - [`terminating`]: each linked service's SNI → its external address, with the identity the
//!   gateway terminates with, TLS origination, and the intentions for that service.
//! - [`ingress`]: listener → hosts → the service's discovery chain → weighted targets; the gateway
//!   is the source of every request.
//! - [`api`]: listener → host → http-route rules in Consul's order → weighted targets; tcp-routes.
//!
//! Which services exist where (for mesh gateways' local services, and the wildcard `*` of ingress
//! and terminating gateways): a service registered in the workspace (`service { … }`, or the
//! service a connect-proxy fronts) lives in the datacenters it is registered in; a service only
//! named by config entries (service-defaults, resolvers, routers, splitters, intentions, gateway
//! entries, routes, exports) or by upstreams lives in the settings' datacenter. A datacenter named
//! explicitly — an upstream's `datacenter`, a redirect or failover target's `Datacenter` — adds that
//! datacenter (and only that one: an upstream to `billing` in dc2 does not place `billing` in the
//! settings' datacenter). Gateways, proxies and `consul` are never services here.
//!
//! Ordering is deterministic everywhere: gateways by name, datacenter, partition, namespace, key;
//! rows as each module documents.

pub mod api;
mod api_jwt;
pub mod compact;
pub mod ingress;
pub mod mesh;
mod plan;
pub mod security;
pub mod sidecar;
pub mod terminating;
pub mod text;
pub mod traffic;

pub use plan::{
    content_hash, gateway_plan, gateway_plan_from, plan_of, sidecar_plan, GatewayPlan, ServiceProtocol,
    GATEWAY_PLAN_VERSION,
};

use super::chain::{self, DiscoveryChain, Node, Target};
use super::intentions::origin;
use super::protocols::{Protocol, Protocols};
use crate::decode::Cx;
use crate::identity::or_default;
use crate::intentions::{Intention, Origin, WILDCARD};
use crate::model::service::{ServiceDefinition, ServiceKind};
use crate::model::service_router::HttpHeaderModifiers;
use crate::model::ConfigEntry;
use crate::names::{Sni, SpiffeId};
use crate::settings::Settings;
use crate::sorted::{SortedMap, SortedSet};
use crate::source::Span;
use crate::workspace::{Entries, Workspace};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;

/// The listener port of a gateway registration that gives none (Consul's default for gateways).
pub const DEFAULT_GATEWAY_PORT: u16 = 8443;
/// The listener address of a gateway registration that gives none.
pub const DEFAULT_GATEWAY_ADDRESS: &str = "127.0.0.1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum GatewayKind {
    MeshGateway,
    TerminatingGateway,
    IngressGateway,
    ApiGateway,
    /// A service's sidecar (`meshgate envoy --sidecar`): not a gateway, but planned and enforced
    /// the same way (see [`sidecar`]).
    ConnectProxy,
}

impl GatewayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayKind::MeshGateway => "mesh-gateway",
            GatewayKind::TerminatingGateway => "terminating-gateway",
            GatewayKind::IngressGateway => "ingress-gateway",
            GatewayKind::ApiGateway => "api-gateway",
            GatewayKind::ConnectProxy => "connect-proxy",
        }
    }

    fn of(kind: ServiceKind) -> Option<GatewayKind> {
        match kind {
            ServiceKind::MeshGateway => Some(GatewayKind::MeshGateway),
            ServiceKind::TerminatingGateway => Some(GatewayKind::TerminatingGateway),
            ServiceKind::IngressGateway => Some(GatewayKind::IngressGateway),
            ServiceKind::ApiGateway => Some(GatewayKind::ApiGateway),
            // Proxies are planned by [`sidecar`], not registered as gateways.
            ServiceKind::Typical | ServiceKind::ConnectProxy => None,
        }
    }
}

impl std::fmt::Display for GatewayKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who and where a gateway is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayIdentity {
    /// Unique in the plan: what `--gateway` selects (see the module docs).
    pub key: String,
    pub name: String,
    pub kind: GatewayKind,
    pub datacenter: String,
    pub partition: String,
    pub namespace: String,
    /// The listener address (mesh and terminating gateways listen here; ingress and API gateways
    /// listen on this address at their entries' listener ports).
    pub address: String,
    pub port: u16,
    /// The gateway's own certificate identity: `spiffe://<td>/gateway/mesh/dc/<dc>` for a mesh
    /// gateway, the service identity of its name otherwise.
    pub spiffe_id: String,
    /// The service registration.
    pub origin: Origin,
}

impl GatewayIdentity {
    /// The gateway as an intention source (ingress and API gateways).
    pub fn as_service(&self) -> ServiceId {
        ServiceId::new(&self.name, &self.namespace, &self.partition)
    }

    /// `address:port`.
    pub fn listener(&self) -> String {
        format!("{}:{}", self.address, self.port)
    }
}

pub use crate::identity::ServiceId;

/// One gateway's compiled routes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GatewayRoutes {
    pub gateway: GatewayIdentity,
    pub routes: RouteTable,
    /// The intentions this gateway enforces, ranked (first match decides); summarized here, in
    /// full in the [`GatewayPlan`]. Empty for mesh gateways, which never decrypt.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intentions: Vec<IntentionRef>,
    /// What a person should know: missing entries, settings Consul would reject, features the
    /// filter does not enforce.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The route table, by gateway kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[allow(clippy::large_enum_variant)]
pub enum RouteTable {
    MeshGateway(mesh::MeshTable),
    TerminatingGateway(terminating::TerminatingTable),
    IngressGateway(ingress::IngressTable),
    ApiGateway(api::ApiTable),
    /// Boxed: a sidecar's table is large, and one gateway holds one table.
    Sidecar(Box<sidecar::SidecarTable>),
}

impl RouteTable {
    pub fn kind(&self) -> GatewayKind {
        match self {
            RouteTable::MeshGateway(_) => GatewayKind::MeshGateway,
            RouteTable::TerminatingGateway(_) => GatewayKind::TerminatingGateway,
            RouteTable::IngressGateway(_) => GatewayKind::IngressGateway,
            RouteTable::ApiGateway(_) => GatewayKind::ApiGateway,
            RouteTable::Sidecar(_) => GatewayKind::ConnectProxy,
        }
    }

    /// Every service the gateway sends traffic to (for a mesh gateway: its local and exported
    /// services; remote datacenters are not services).
    pub fn services(&self) -> SortedSet<ServiceId> {
        // Gathered, then sorted once: a mesh gateway routes to every service, maybe thousands.
        let mut out = Vec::new();
        match self {
            RouteTable::MeshGateway(t) => {
                for r in &t.routes {
                    if let Some(s) = r.destination.service() {
                        out.push(s);
                    }
                }
            }
            RouteTable::TerminatingGateway(t) => {
                out.extend(t.services.iter().map(|s| s.service.clone()));
            }
            RouteTable::IngressGateway(t) => {
                for l in &t.listeners {
                    for h in &l.hosts {
                        collect_targets(&h.routes, &mut out);
                    }
                    if let Some(tcp) = &l.tcp {
                        out.extend(tcp.targets.iter().map(RouteTarget::service_ref));
                    }
                }
            }
            RouteTable::ApiGateway(t) => {
                for l in &t.listeners {
                    for h in &l.hosts {
                        collect_targets(&h.routes, &mut out);
                    }
                    for tcp in &l.tcp {
                        out.extend(tcp.targets.iter().map(RouteTarget::service_ref));
                    }
                }
            }
            RouteTable::Sidecar(t) => {
                out.push(t.inbound.service.clone());
                out.extend(t.upstream_services());
            }
        }
        out.into_iter().collect()
    }

    /// Who the intentions at this gateway protect, and the source they are decided for: `None`
    /// for a mesh gateway (no intentions), any source at a terminating gateway, the gateway itself
    /// at ingress and API gateways.
    fn intention_scope(&self, gateway: &GatewayIdentity) -> Option<(Option<ServiceId>, SortedSet<ServiceId>)> {
        match self {
            RouteTable::MeshGateway(_) => None,
            RouteTable::TerminatingGateway(_) => Some((None, self.services())),
            // The service's inbound intentions only: nothing is checked on the way out.
            RouteTable::Sidecar(t) => Some((None, SortedSet::from([t.inbound.service.clone()]))),
            RouteTable::IngressGateway(_) | RouteTable::ApiGateway(_) => {
                Some((Some(gateway.as_service()), self.services()))
            }
        }
    }
}

fn collect_targets(routes: &[HttpRoute], out: &mut Vec<ServiceId>) {
    for r in routes {
        out.extend(r.targets.iter().map(RouteTarget::service_ref));
    }
}

/// An intention that applies at a gateway, summarized for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentionRef {
    /// `web → billing`.
    pub label: String,
    /// `allow`, `deny`, or `permissions (n)` for an L7 intention.
    pub action: String,
    pub precedence: u8,
    pub origin: Origin,
}

impl IntentionRef {
    fn of(i: &Intention) -> IntentionRef {
        let action = match i.action {
            Some(a) => a.as_str().to_string(),
            None => format!("permissions ({})", i.permissions.len()),
        };
        IntentionRef { label: i.label(), action, precedence: i.precedence, origin: i.origin.clone() }
    }
}

/// The intentions, in rank order, that can decide a request at a gateway: those protecting one of
/// `destinations` (exact name or `*`, namespace or `*`, same partition) and, when `source` is
/// given, naming it as the source (exact name or `*`, namespace or `*`, same partition, no peer).
/// Costs a few set lookups per intention, whatever the number of destinations.
pub fn applicable<'i>(
    intentions: &'i [Intention],
    source: Option<&ServiceId>,
    destinations: &SortedSet<ServiceId>,
) -> Vec<&'i Intention> {
    let exact: SortedSet<(&str, &str, &str)> =
        destinations.iter().map(|d| (d.partition.as_str(), d.namespace.as_str(), d.name.as_str())).collect();
    let namespaces: SortedSet<(&str, &str)> = exact.iter().map(|(ap, ns, _)| (*ap, *ns)).collect();
    let partitions: SortedSet<&str> = exact.iter().map(|(ap, _, _)| *ap).collect();
    let part = |pattern: &str, value: &str| pattern == WILDCARD || or_default(pattern) == value;
    intentions
        .iter()
        .filter(|i| {
            let d = &i.destination;
            let ap = or_default(&d.partition);
            let protects = if d.namespace == WILDCARD {
                partitions.contains(ap)
            } else if d.name == WILDCARD {
                namespaces.contains(&(ap, or_default(&d.namespace)))
            } else {
                exact.contains(&(ap, or_default(&d.namespace), d.name.as_str()))
            };
            let from = source.is_none_or(|src| {
                let s = &i.source;
                s.peer.is_empty()
                    && or_default(&s.partition) == src.partition
                    && part(&s.namespace, &src.namespace)
                    && (s.name == WILDCARD || s.name == src.name)
            });
            protects && from
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Shared HTTP route shapes (ingress and API gateways)
// ---------------------------------------------------------------------------------------------

/// How a path, header or query value is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    Exact,
    Prefix,
    Suffix,
    /// RE2 syntax, matching the whole value.
    Regex,
    Present,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Prefix => "prefix",
            MatchKind::Suffix => "suffix",
            MatchKind::Regex => "regex",
            MatchKind::Present => "present",
        }
    }
}

/// The path test of a route: `exact`, `prefix` (a plain string prefix: `/api` also matches
/// `/apiary`) or `regex`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathMatch {
    #[serde(rename = "match")]
    pub kind: MatchKind,
    pub value: String,
}

impl Default for PathMatch {
    fn default() -> Self {
        PathMatch { kind: MatchKind::Prefix, value: "/".into() }
    }
}

/// A header or query parameter test.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueMatch {
    pub name: String,
    #[serde(rename = "match")]
    pub kind: MatchKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invert: bool,
}

impl ValueMatch {
    /// `header x-debug present`, `query v not exact "2"` (`what`: `header` or `query`).
    pub fn describe(&self, what: &str) -> String {
        let not = if self.invert { "not " } else { "" };
        match self.kind {
            MatchKind::Present => format!("{what} {} {not}present", self.name),
            k => format!("{what} {} {not}{} {}", self.name, k.as_str(), crate::json::quote(&self.value)),
        }
    }
}

/// What a request must look like for a route to apply: every part given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteMatch {
    pub path: PathMatch,
    /// The path comparison ignores case.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub case_insensitive: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<ValueMatch>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query: Vec<ValueMatch>,
    /// Upper case; empty means any method.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<String>,
}

impl RouteMatch {
    /// `prefix /admin, header x-debug present, GET|POST`.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!("{} {}", self.path.kind.as_str(), self.path.value)];
        if self.case_insensitive {
            parts.push("(any case)".into());
        }
        parts.extend(self.headers.iter().map(|h| h.describe("header")));
        parts.extend(self.query.iter().map(|q| q.describe("query")));
        if !self.methods.is_empty() {
            parts.push(self.methods.join("|"));
        }
        parts.join(", ")
    }
}

/// Header changes: `add` appends, `set` replaces, `remove` strips.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderModifiers {
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub add: SortedMap<String, String>,
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub set: SortedMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
}

impl HeaderModifiers {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.set.is_empty() && self.remove.is_empty()
    }

    /// Applies `other` after `self`: its `add`/`set` values win, removals accumulate.
    pub fn merge(&mut self, other: &HeaderModifiers) {
        self.add.extend(other.add.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.set.extend(other.set.iter().map(|(k, v)| (k.clone(), v.clone())));
        for r in &other.remove {
            if !self.remove.contains(r) {
                self.remove.push(r.clone());
            }
        }
    }

    fn from_model(m: Option<&HttpHeaderModifiers>) -> HeaderModifiers {
        m.map_or_else(HeaderModifiers::default, |m| HeaderModifiers {
            add: m.add.clone(),
            set: m.set.clone(),
            remove: m.remove.clone(),
        })
    }

    fn from_models<'a>(ms: impl IntoIterator<Item = &'a HttpHeaderModifiers>) -> HeaderModifiers {
        let mut out = HeaderModifiers::default();
        for m in ms {
            out.merge(&HeaderModifiers::from_model(Some(m)));
        }
        out
    }
}

/// Retries of a route.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num_retries: Option<u32>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_connect_failure: bool,
    /// Envoy `retry_on` conditions (`5xx`, `reset`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_status_codes: Vec<u32>,
}

/// One destination of a route and its share.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTarget {
    /// The Envoy cluster, named by the target id: `[subset.]service.namespace.partition.datacenter`
    /// (`service.namespace.partition.external.peer` for a peer's service). The filter writes it
    /// into the routing header.
    pub cluster: String,
    /// Relative share among the route's targets (the filter picks target `i` with probability
    /// `weight_i / Σ weight`); divided by their greatest common divisor, so `1` alone means all.
    /// A target of weight 0 receives nothing.
    pub weight: u64,
    pub service: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subset: String,
    pub namespace: String,
    pub partition: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub datacenter: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub peer: String,
    /// The SNI the gateway sends to reach the target through the mesh.
    pub sni: String,
    /// Header changes for this target only (a split's, or an http-route service's).
    #[serde(default, skip_serializing_if = "HeaderModifiers::is_empty")]
    pub request_headers: HeaderModifiers,
    #[serde(default, skip_serializing_if = "HeaderModifiers::is_empty")]
    pub response_headers: HeaderModifiers,
    /// What chose this target (a split, redirect, default subset), when not simply the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Where its traffic goes, in order, when it has no healthy endpoint (its resolver's
    /// `Failover`). Envoy fails over; the filter routes to the target alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failover: Vec<RouteTarget>,
    /// Its cluster's connect timeout, balancing, limits and outlier detection (Envoy's; the
    /// filter ignores it).
    #[serde(default, skip_serializing_if = "traffic::ClusterPolicy::is_empty")]
    pub policy: traffic::ClusterPolicy,
    /// API gateways: the JWT this target requires when its http-route service has a JWT filter of
    /// its own in a rule that splits among services (merged with the listener's `Default` and
    /// `Override` as the route's is); it replaces the route's `jwt` once the target is picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt: Option<crate::intentions::jwt::JwtRequirement>,
}

impl RouteTarget {
    pub fn service_ref(&self) -> ServiceId {
        ServiceId::new(&self.service, &self.namespace, &self.partition)
    }

    fn from_target(t: &Target, weight: u64) -> RouteTarget {
        RouteTarget {
            cluster: t.id.clone(),
            weight,
            service: t.service.clone(),
            subset: t.service_subset.clone(),
            namespace: t.namespace.clone(),
            partition: t.partition.clone(),
            datacenter: t.datacenter.clone(),
            peer: t.peer.clone(),
            sni: t.sni.clone(),
            request_headers: HeaderModifiers::default(),
            response_headers: HeaderModifiers::default(),
            origin: t.origin.clone(),
            failover: Vec::new(),
            policy: traffic::ClusterPolicy::default(),
            jwt: None,
        }
    }

    /// [`Self::from_target`], with the failover targets of `t`'s resolver in `c`, and its
    /// resolver's connect timeout and balancing.
    fn in_chain(c: &DiscoveryChain, t: &Target, weight: u64) -> RouteTarget {
        let mut out = RouteTarget::from_target(t, weight);
        let resolver = |id: &str| match c.node(&format!("resolver:{id}")) {
            Some(Node::Resolver(r)) => r.load_balancer.as_ref().map(|lb| &lb.config),
            _ => None,
        };
        out.policy = traffic::ClusterPolicy::of_resolver(t.connect_timeout, resolver(&t.id));
        if let Some(Node::Resolver(r)) = c.node(&format!("resolver:{}", t.id)) {
            if let Some(f) = &r.failover {
                out.failover = f
                    .targets
                    .iter()
                    .filter(|id| **id != t.id)
                    .filter_map(|id| c.target(id))
                    .map(|ft| RouteTarget {
                        origin: Some(f.origin.clone()),
                        policy: traffic::ClusterPolicy::of_resolver(ft.connect_timeout, resolver(&ft.id)),
                        ..RouteTarget::from_target(ft, 1)
                    })
                    .collect();
            }
        }
        out
    }
}

/// One HTTP route: requests matching `match` go to `targets`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpRoute {
    #[serde(rename = "match")]
    pub route_match: RouteMatch,
    /// Never empty for a route that can be served (a rule without services has none: the filter
    /// answers 503).
    pub targets: Vec<RouteTarget>,
    /// Replaces the matched path prefix (or the whole path for an exact match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_rewrite: Option<String>,
    #[serde(default, skip_serializing_if = "HeaderModifiers::is_empty")]
    pub request_headers: HeaderModifiers,
    #[serde(default, skip_serializing_if = "HeaderModifiers::is_empty")]
    pub response_headers: HeaderModifiers,
    /// Go duration (`15s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_timeout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
    /// How Envoy hashes requests for the load balancer the route reaches (a ring hash or Maglev
    /// resolver's `HashPolicies`, or a splitter's first such), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hash_policies: Vec<traffic::HashPolicy>,
    /// API gateways: the JWT the route requires (listener `Override`, else the route's filter,
    /// else the listener's `Default`), decided before intentions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt: Option<crate::intentions::jwt::JwtRequirement>,
    /// The rule, route or match that produced this route.
    pub origin: Origin,
}

/// A set of host names and their routes, in order (first match wins).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VirtualHost {
    /// Host patterns: `api.example.com`, `*.example.com` (any name ending `.example.com`),
    /// `web.ingress.*` (any name starting `web.ingress.`), `*` (any host). Compared without the
    /// port, ignoring case; the most specific match across all hosts of the listener wins:
    /// exact, then the longest `*.suffix`, then the longest `prefix.*`, then `*` (Envoy's rule).
    pub domains: Vec<String>,
    /// The ingress service these hosts expose (ingress gateways only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceId>,
    #[serde(default, skip_serializing_if = "HeaderModifiers::is_empty")]
    pub request_headers: HeaderModifiers,
    #[serde(default, skip_serializing_if = "HeaderModifiers::is_empty")]
    pub response_headers: HeaderModifiers,
    pub routes: Vec<HttpRoute>,
    pub origin: Origin,
}

/// Connections of a tcp listener and where they go.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TcpRoute {
    /// The tcp-route entry (API gateways).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub route: String,
    pub service: ServiceId,
    pub targets: Vec<RouteTarget>,
    pub origin: Origin,
}

/// Divides the weights by their greatest common divisor (all zero stays all zero).
fn reduce_weights(targets: &mut [RouteTarget]) {
    fn gcd(a: u64, b: u64) -> u64 {
        if b == 0 {
            a
        } else {
            gcd(b, a % b)
        }
    }
    let g = targets.iter().fold(0, |g, t| gcd(g, t.weight));
    if g > 1 {
        for t in targets.iter_mut() {
            t.weight /= g;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

/// Everything the per-kind compilers share.
pub(crate) struct Context<'a> {
    pub ws: &'a Workspace,
    /// The entries by kind and service (tenancy resolved with the settings' partition).
    pub entries: &'a Entries<'a>,
    pub settings: &'a Settings,
    pub protocols: &'a Protocols,
    pub known: Known,
    /// The registered gateways (all kinds), sorted.
    pub gateways: Vec<GatewayIdentity>,
    chains: SortedMap<ServiceId, &'a DiscoveryChain>,
    /// A `BTreeMap`: filled one chain at a time as lookups ask, possibly thousands, in no order.
    other_dc_chains: RefCell<std::collections::BTreeMap<(ServiceId, String), DiscoveryChain>>,
}

impl<'a> Context<'a> {
    pub fn origin(&self, span: Span) -> Origin {
        origin(&self.ws.sources, span)
    }

    /// A registration's or entry's partition: as written, else the settings' partition.
    pub fn partition_of<'s>(&'s self, written: &'s str) -> &'s str {
        crate::identity::partition_or_local(written, &self.settings.partition)
    }

    /// The discovery chain of a service evaluated in `datacenter`: the plan's own chain (the
    /// settings' datacenter), else compiled here; `None` when the service has Consul's default
    /// chain in the settings' datacenter (no entry shapes it).
    fn with_chain<R>(&self, service: &ServiceId, datacenter: &str, f: impl FnOnce(Option<&DiscoveryChain>) -> R) -> R {
        if datacenter == self.settings.datacenter {
            return f(self.chains.get(service).copied());
        }
        let dc_key = (service.clone(), datacenter.to_string());
        if let Some(c) = self.other_dc_chains.borrow().get(&dc_key) {
            return f(Some(c));
        }
        let settings = Settings { datacenter: datacenter.to_string(), ..self.settings.clone() };
        // Problems were reported when the plan compiled this chain in the settings' datacenter.
        let mut quiet = Cx::new();
        let compiled = chain::compile_chain(
            self.ws,
            &settings,
            self.protocols,
            &service.name,
            &service.namespace,
            &service.partition,
            &mut quiet,
        );
        let out = f(Some(&compiled));
        self.other_dc_chains.borrow_mut().insert(dc_key, compiled);
        out
    }

    /// The final targets of a service entered without a subset (what a route or split to it
    /// reaches: its splitter, else its resolver — its router is not consulted), with weights in
    /// hundredths of a percent.
    pub fn service_targets(&self, service: &ServiceId, datacenter: &str) -> Vec<RouteTarget> {
        self.with_chain(service, datacenter, |chain| match chain {
            Some(c) => node_targets(c, entry_node(c)),
            None => vec![self.default_target(service, datacenter)],
        })
    }

    /// The whole chain of a service as HTTP routes (its router's routes in order, or one route
    /// for every request), for ingress gateways.
    pub fn chain_routes(&self, service: &ServiceId, datacenter: &str, fallback: &Origin) -> Vec<HttpRoute> {
        self.with_chain(service, datacenter, |chain| {
            let Some(c) = chain else {
                return vec![catch_all(vec![self.default_target(service, datacenter)], fallback.clone())];
            };
            match c.node(&c.start_node) {
                Some(Node::Router(r)) => r
                    .routes
                    .iter()
                    .map(|route| {
                        let mut targets = node_targets(c, &route.next_node);
                        reduce_weights(&mut targets);
                        HttpRoute {
                            route_match: route.http.as_ref().map(route_match_of_router).unwrap_or_default(),
                            targets,
                            prefix_rewrite: (!route.prefix_rewrite.is_empty()).then(|| route.prefix_rewrite.clone()),
                            request_headers: HeaderModifiers::from_model(route.request_headers.as_ref()),
                            response_headers: HeaderModifiers::from_model(route.response_headers.as_ref()),
                            // Only the destination's: a resolver's `RequestTimeout` applies
                            // when the chain starts at the resolver (Consul's rule).
                            request_timeout: route.request_timeout.map(|d| d.go_string()),
                            idle_timeout: route.idle_timeout.map(|d| d.go_string()),
                            retry: route.retry.as_ref().map(|r| Retry {
                                num_retries: (r.num_retries > 0).then_some(r.num_retries),
                                on_connect_failure: r.on_connect_failure,
                                on: r.on.iter().map(|o| o.as_str().to_string()).collect(),
                                on_status_codes: r.on_status_codes.clone(),
                            }),
                            hash_policies: node_hash_policies(c, &route.next_node),
                            jwt: None,
                            origin: route.origin.clone(),
                        }
                    })
                    .collect(),
                Some(node) => {
                    let mut targets = node_targets(c, &c.start_node);
                    reduce_weights(&mut targets);
                    let origin = node.origin().cloned().unwrap_or_else(|| fallback.clone());
                    let mut route = catch_all(targets, origin);
                    route.request_timeout = resolver_timeout(c, &c.start_node);
                    route.hash_policies = node_hash_policies(c, &c.start_node);
                    vec![route]
                }
                None => vec![catch_all(vec![self.default_target(service, datacenter)], fallback.clone())],
            }
        })
    }

    /// The hash policies of a route to the service entered without a subset (its splitter's or
    /// resolver's balancer: its router is not consulted).
    pub fn service_hash_policies(&self, service: &ServiceId, datacenter: &str) -> Vec<traffic::HashPolicy> {
        self.with_chain(service, datacenter, |chain| {
            chain.map(|c| node_hash_policies(c, entry_node(c))).unwrap_or_default()
        })
    }

    /// Consul's default chain: the service itself, all of it.
    fn default_target(&self, s: &ServiceId, datacenter: &str) -> RouteTarget {
        let sni = Sni::service(None, &s.name, &s.namespace, &s.partition, datacenter, &self.settings.trust_domain);
        RouteTarget {
            cluster: chain::target_id(&s.name, "", &s.namespace, &s.partition, datacenter, ""),
            weight: TOTAL,
            service: s.name.clone(),
            subset: String::new(),
            namespace: s.namespace.clone(),
            partition: s.partition.clone(),
            datacenter: datacenter.to_string(),
            peer: String::new(),
            sni: sni.to_string(),
            request_headers: HeaderModifiers::default(),
            response_headers: HeaderModifiers::default(),
            origin: None,
            failover: Vec::new(),
            policy: traffic::ClusterPolicy::default(),
            jwt: None,
        }
    }
}

/// All of the traffic, in hundredths of a percent.
const TOTAL: u64 = 10_000;

fn catch_all(mut targets: Vec<RouteTarget>, origin: Origin) -> HttpRoute {
    reduce_weights(&mut targets);
    HttpRoute {
        route_match: RouteMatch::default(),
        targets,
        prefix_rewrite: None,
        request_headers: HeaderModifiers::default(),
        response_headers: HeaderModifiers::default(),
        request_timeout: None,
        idle_timeout: None,
        retry: None,
        hash_policies: Vec::new(),
        jwt: None,
        origin,
    }
}

/// The hash policies of a splitter or resolver node's load balancer (Consul attaches them to
/// the route that reaches the node).
fn node_hash_policies(c: &DiscoveryChain, node_id: &str) -> Vec<traffic::HashPolicy> {
    let lb = match c.node(node_id) {
        Some(Node::Resolver(r)) => r.load_balancer.as_ref(),
        Some(Node::Splitter(s)) => s.load_balancer.as_ref(),
        _ => None,
    };
    lb.map(|lb| traffic::HashPolicy::of(&lb.config)).unwrap_or_default()
}

/// A resolver node's `RequestTimeout`, as a Go duration.
fn resolver_timeout(c: &DiscoveryChain, node_id: &str) -> Option<String> {
    match c.node(node_id) {
        Some(Node::Resolver(r)) => r.request_timeout.filter(|d| d.nanos > 0).map(|d| d.go_string()),
        _ => None,
    }
}

/// Where traffic for the chain's own service enters when a router is not consulted: the
/// router's catch-all destination, else the start node.
fn entry_node(c: &DiscoveryChain) -> &str {
    match c.node(&c.start_node) {
        Some(Node::Router(r)) => {
            r.routes.iter().rev().find(|route| route.catch_all).map_or(c.start_node.as_str(), |r| r.next_node.as_str())
        }
        _ => &c.start_node,
    }
}

/// The targets of a splitter or resolver node, weights in hundredths, with each split's header
/// changes.
fn node_targets(c: &DiscoveryChain, node_id: &str) -> Vec<RouteTarget> {
    match c.node(node_id) {
        Some(Node::Splitter(s)) => s
            .splits
            .iter()
            .flat_map(|split| {
                let weight = u64::try_from(split.weight_hundredths).unwrap_or(0);
                let mut legs: Vec<RouteTarget> = c
                    .weighted_targets(&split.next_node)
                    .into_iter()
                    .map(|wt| {
                        let inner = u64::try_from(wt.weight_hundredths).unwrap_or(0);
                        RouteTarget::in_chain(c, wt.target, weight * inner / TOTAL)
                    })
                    .collect();
                for leg in &mut legs {
                    leg.request_headers = HeaderModifiers::from_model(split.request_headers.as_ref());
                    leg.response_headers = HeaderModifiers::from_model(split.response_headers.as_ref());
                    leg.origin = Some(split.origin.clone());
                }
                legs
            })
            .collect(),
        Some(_) => c
            .weighted_targets(node_id)
            .into_iter()
            .map(|wt| RouteTarget::in_chain(c, wt.target, u64::try_from(wt.weight_hundredths).unwrap_or(0)))
            .collect(),
        None => Vec::new(),
    }
}

fn route_match_of_router(m: &crate::model::service_router::HttpMatch) -> RouteMatch {
    use crate::model::service_router::{PathMatch as P, ValueMatch as V};
    let path = match m.path() {
        P::Any => PathMatch::default(),
        P::Exact(v) => PathMatch { kind: MatchKind::Exact, value: v.to_string() },
        P::Prefix(v) => PathMatch { kind: MatchKind::Prefix, value: v.to_string() },
        P::Regex(v) => PathMatch { kind: MatchKind::Regex, value: v.to_string() },
    };
    let value = |name: &str, kind: Option<V<'_>>, invert: bool| {
        let (kind, value) = match kind? {
            V::Present => (MatchKind::Present, ""),
            V::Exact(v) => (MatchKind::Exact, v),
            V::Prefix(v) => (MatchKind::Prefix, v),
            V::Suffix(v) => (MatchKind::Suffix, v),
            V::Regex(v) => (MatchKind::Regex, v),
        };
        Some(ValueMatch { name: name.to_string(), kind, value: value.to_string(), invert })
    };
    RouteMatch {
        path,
        case_insensitive: m.case_insensitive,
        headers: m.header.iter().filter_map(|h| value(&h.name, h.kind(), h.invert)).collect(),
        query: m.query_param.iter().filter_map(|q| value(&q.name, q.kind(), false)).collect(),
        methods: m.methods.iter().map(|x| x.as_str().to_string()).collect(),
    }
}

/// Where each service lives (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct Known {
    /// Service → datacenter → the first origin placing it there.
    located: SortedMap<ServiceId, SortedMap<String, Origin>>,
}

impl Known {
    /// Services in `datacenter` and `partition`, ordered by namespace and name, with the origin
    /// that placed them there.
    pub fn in_place(&self, datacenter: &str, partition: &str) -> Vec<(ServiceId, &Origin)> {
        let mut found: Vec<(ServiceId, &Origin)> = self
            .located
            .iter()
            .filter(|(id, _)| id.partition == partition)
            .filter_map(|(id, dcs)| dcs.get(datacenter).map(|o| (id.clone(), o)))
            .collect();
        crate::sorting::sort_by(&mut found, |(a, _), (b, _)| a.tenancy_key().cmp(&b.tenancy_key()));
        found
    }

    fn build(ws: &Workspace, settings: &Settings, chains: &[DiscoveryChain]) -> Known {
        type Key = ServiceId;
        let key = |name: &str, ns: &str, ap: &str| -> Option<Key> {
            (!name.is_empty() && name != WILDCARD && ns != WILDCARD && name != "consul")
                .then(|| ServiceId::new(name, ns, ap))
        };
        let at = |span: Span| origin(&ws.sources, span);
        let partition = |p: &str| if p.is_empty() { settings.partition.clone() } else { p.to_string() };
        let dc_of = |s: &ServiceDefinition| {
            if s.datacenter.is_empty() {
                settings.datacenter.clone()
            } else {
                s.datacenter.clone()
            }
        };
        // Gathered as lists, then sorted once each (a workspace may register thousands of
        // services); of repeats, the first origin stays (see `first_by_datacenter`).
        let mut registered: Vec<(Key, String, Origin)> = Vec::new();
        let mut explicit: Vec<(Key, String, Origin)> = Vec::new();
        let mut mentioned: Vec<(Key, Origin)> = Vec::new();

        for svc in ws.services() {
            let name = match svc.kind {
                ServiceKind::Typical => svc.name.as_str(),
                ServiceKind::ConnectProxy => svc.proxied_service().unwrap_or_default(),
                _ => continue,
            };
            let ap = partition(&svc.partition);
            if let Some(k) = key(name, &svc.namespace, &ap) {
                registered.push((k, dc_of(svc), at(svc.origin.span)));
            }
            let proxies = svc
                .proxy
                .iter()
                .chain(svc.connect.as_ref().and_then(|c| c.sidecar_service.as_deref()).and_then(|s| s.proxy.as_ref()));
            for p in proxies {
                for u in &p.upstreams {
                    if !u.destination_peer.is_empty() || u.destination_type.eq_ignore_ascii_case("prepared_query") {
                        continue;
                    }
                    let ns = if u.destination_namespace.is_empty() { &svc.namespace } else { &u.destination_namespace };
                    let up = if u.destination_partition.is_empty() {
                        ap.clone()
                    } else {
                        partition(&u.destination_partition)
                    };
                    if let Some(k) = key(&u.destination_name, ns, &up) {
                        if u.datacenter.is_empty() {
                            mentioned.push((k, at(u.origin.span)));
                        } else {
                            explicit.push((k, u.datacenter.clone(), at(u.origin.span)));
                        }
                    }
                }
            }
        }

        let mut mention = |name: &str, ns: &str, ap: &str, span: Span| {
            if let Some(k) = key(name, ns, &partition(ap)) {
                mentioned.push((k, at(span)));
            }
        };
        for entry in ws.entries() {
            let span = entry.origin().span;
            match entry {
                ConfigEntry::ServiceDefaults(_)
                | ConfigEntry::ServiceResolver(_)
                | ConfigEntry::ServiceRouter(_)
                | ConfigEntry::ServiceSplitter(_) => mention(entry.name(), entry.namespace(), entry.partition(), span),
                ConfigEntry::ServiceIntentions(e) => {
                    let d = e.destination();
                    mention(d.name, d.namespace, d.partition, span);
                }
                ConfigEntry::IngressGateway(gw) => {
                    for (_, s) in gw.services() {
                        mention(&s.name, s.namespace_or(gw), s.partition_or(gw), s.origin.span);
                    }
                }
                ConfigEntry::TerminatingGateway(gw) => {
                    for s in &gw.services {
                        mention(&s.name, s.namespace_or(gw), s.partition_or(gw), s.origin.span);
                    }
                }
                ConfigEntry::HttpRoute(r) => {
                    for s in r.services() {
                        mention(&s.name, s.namespace_or(r), s.partition_or(r), s.origin.span);
                    }
                }
                ConfigEntry::TcpRoute(r) => {
                    for s in &r.services {
                        mention(&s.name, s.namespace_or(r), s.partition_or(r), s.origin.span);
                    }
                }
                ConfigEntry::ExportedServices(e) => {
                    for s in &e.services {
                        mention(&s.name, &s.namespace, e.exporting_partition(), s.origin.span);
                    }
                }
                _ => {}
            }
        }
        for c in chains {
            // A target no entry chose (the chain's own service, by default) says nothing about
            // where the service lives.
            for t in c.targets.iter().filter(|t| t.peer.is_empty() && !t.external) {
                let Some(k) = key(&t.service, &t.namespace, &t.partition) else { continue };
                let Some(o) = t.origin.clone() else { continue };
                if t.datacenter == settings.datacenter {
                    mentioned.push((k, o));
                } else {
                    explicit.push((k, t.datacenter.clone(), o));
                }
            }
        }

        let registered = first_by_datacenter(registered);
        let explicit = first_by_datacenter(explicit);
        // From the last back, so that the first origin of a key is the one kept.
        let mentioned: SortedMap<Key, Origin> = mentioned.into_iter().rev().collect();
        // In key order, so every insert appends.
        let mut located: SortedMap<Key, SortedMap<String, Origin>> = SortedMap::new();
        let keys: SortedSet<Key> = registered.keys().chain(explicit.keys()).chain(mentioned.keys()).cloned().collect();
        for k in keys {
            let mut dcs = registered.get(&k).cloned().unwrap_or_default();
            if dcs.is_empty() {
                if let Some(o) = mentioned.get(&k) {
                    dcs.insert(settings.datacenter.clone(), o.clone());
                }
            }
            for (dc, o) in explicit.get(&k).into_iter().flatten() {
                dcs.entry(dc.clone()).or_insert_with(|| o.clone());
            }
            if dcs.is_empty() {
                // Only named with an explicit datacenter that happens to be the settings' one.
                continue;
            }
            located.insert(k, dcs);
        }
        Known { located }
    }
}

/// Service → datacenter → origin from `(service, datacenter, origin)` in the order found, the
/// first origin of each pair kept: what `entry(s).or_default().entry(dc).or_insert(o)` in turn
/// builds, with one sort.
fn first_by_datacenter(items: Vec<(ServiceId, String, Origin)>) -> SortedMap<ServiceId, SortedMap<String, Origin>> {
    let flat: SortedMap<(ServiceId, String), Origin> = items.into_iter().rev().map(|(k, dc, o)| ((k, dc), o)).collect();
    let mut out: SortedMap<ServiceId, SortedMap<String, Origin>> = SortedMap::new();
    for ((k, dc), o) in flat {
        // In key order: each insert appends.
        out.entry(k).or_default().insert(dc, o);
    }
    out
}

/// The gateways registered in the workspace, with unique keys, sorted.
fn registered_gateways<'w>(ws: &'w Workspace, settings: &Settings) -> Vec<(GatewayIdentity, &'w ServiceDefinition)> {
    let mut out: Vec<(GatewayIdentity, &ServiceDefinition)> = Vec::new();
    for svc in ws.services() {
        let Some(kind) = GatewayKind::of(svc.kind) else { continue };
        let datacenter = if svc.datacenter.is_empty() { settings.datacenter.clone() } else { svc.datacenter.clone() };
        let partition = if svc.partition.is_empty() { settings.partition.clone() } else { svc.partition.clone() };
        let namespace = or_default(&svc.namespace).to_string();
        let td = &settings.trust_domain;
        let spiffe_id = match kind {
            GatewayKind::MeshGateway => SpiffeId::mesh_gateway(td, &partition, &datacenter),
            _ => SpiffeId::service(td, &partition, &namespace, &datacenter, &svc.name),
        };
        let identity = GatewayIdentity {
            key: if svc.id.is_empty() { svc.name.clone() } else { svc.id.clone() },
            name: svc.name.clone(),
            kind,
            address: if svc.address.is_empty() { DEFAULT_GATEWAY_ADDRESS.into() } else { svc.address.clone() },
            port: svc.port.unwrap_or(DEFAULT_GATEWAY_PORT),
            spiffe_id: spiffe_id.to_string(),
            origin: origin(&ws.sources, svc.origin.span),
            datacenter,
            partition,
            namespace,
        };
        out.push((identity, svc));
    }
    // Unique keys: `@<datacenter>` for shared ones, then `#<n>`.
    for round in 0..2 {
        let counts = SortedMap::counts(out.iter().map(|(g, _)| g.key.clone()));
        let mut seen: SortedMap<String, usize> = SortedMap::new();
        for (g, _) in &mut out {
            if counts.get(&g.key).copied().unwrap_or(0) > 1 {
                if round == 0 {
                    g.key = format!("{}@{}", g.key, g.datacenter);
                } else {
                    let n = seen.entry(g.key.clone()).or_default();
                    *n += 1;
                    g.key = format!("{}#{n}", g.key);
                }
            }
        }
    }
    crate::sorting::sort_by(&mut out, |(a, _), (b, _)| {
        (&a.name, &a.datacenter, &a.partition, &a.namespace, &a.key).cmp(&(
            &b.name,
            &b.datacenter,
            &b.partition,
            &b.namespace,
            &b.key,
        ))
    });
    out
}

/// Compiles the route table of every registered gateway.
/// The routes a caller's sidecar applies to requests for `service` in the settings' datacenter:
/// its discovery chain as HTTP routes (the service-router's routes in order, then the catch-all;
/// splits and resolver redirects resolved to weighted targets), or one catch-all route to the
/// service itself when no entry shapes its chain. What `meshgate check` and Simulate route
/// through before deciding at the service that receives the request.
pub fn service_routes(
    ws: &Workspace,
    settings: &Settings,
    protocols: &Protocols,
    chains: &[DiscoveryChain],
    service: &ServiceId,
) -> Vec<HttpRoute> {
    let entries = Entries::new(ws, &settings.partition);
    let cx = Context {
        ws,
        entries: &entries,
        settings,
        protocols,
        known: Known::default(),
        gateways: Vec::new(),
        chains: chains.iter().map(|c| (ServiceId::new(&c.service, &c.namespace, &c.partition), c)).collect(),
        other_dc_chains: RefCell::new(std::collections::BTreeMap::new()),
    };
    cx.chain_routes(service, &settings.datacenter, &Origin::default())
}

pub fn compile(
    ws: &Workspace,
    entries: &Entries<'_>,
    settings: &Settings,
    protocols: &Protocols,
    chains: &[DiscoveryChain],
    intentions: &[Intention],
) -> Vec<GatewayRoutes> {
    let registered = registered_gateways(ws, settings);
    let cx = Context {
        ws,
        entries,
        settings,
        protocols,
        known: Known::build(ws, settings, chains),
        gateways: registered.iter().map(|(g, _)| g.clone()).collect(),
        chains: chains.iter().map(|c| (ServiceId::new(&c.service, &c.namespace, &c.partition), c)).collect(),
        other_dc_chains: RefCell::new(std::collections::BTreeMap::new()),
    };
    registered
        .into_iter()
        .filter_map(|(gateway, svc)| {
            let mut notes = Vec::new();
            let missing = match (svc.address.is_empty(), svc.port.is_none()) {
                (true, true) => Some("address or port"),
                (true, false) => Some("address"),
                (false, true) => Some("port"),
                (false, false) => None,
            };
            if let Some(missing) = missing {
                notes.push(format!(
                    "the registration gives no {missing}: the gateway is taken to listen on {}",
                    gateway.listener()
                ));
            }
            let routes = match gateway.kind {
                GatewayKind::MeshGateway => RouteTable::MeshGateway(mesh::compile(&cx, &gateway, &mut notes)),
                GatewayKind::TerminatingGateway => {
                    RouteTable::TerminatingGateway(terminating::compile(&cx, &gateway, intentions, &mut notes))
                }
                GatewayKind::IngressGateway => RouteTable::IngressGateway(ingress::compile(&cx, &gateway, &mut notes)),
                GatewayKind::ApiGateway => RouteTable::ApiGateway(api::compile(&cx, &gateway, &mut notes)),
                // `GatewayKind::of` gives no proxies: they are compiled by `compile_sidecars`.
                GatewayKind::ConnectProxy => return None,
            };
            let intentions = match routes.intention_scope(&gateway) {
                Some((source, destinations)) => {
                    applicable(intentions, source.as_ref(), &destinations).into_iter().map(IntentionRef::of).collect()
                }
                None => Vec::new(),
            };
            Some(GatewayRoutes { gateway, routes, intentions, notes })
        })
        .collect()
}

/// Compiles every proxy's sidecar routes (see [`sidecar`]).
#[allow(clippy::too_many_arguments)]
pub fn compile_sidecars(
    ws: &Workspace,
    entries: &Entries<'_>,
    settings: &Settings,
    protocols: &Protocols,
    chains: &[DiscoveryChain],
    intentions: &[Intention],
    upstreams: &[crate::plan::upstreams::ProxyUpstreams],
    endpoints: &[crate::plan::endpoints::ConnectEndpoint],
) -> Vec<GatewayRoutes> {
    let cx = Context {
        ws,
        entries,
        settings,
        protocols,
        known: Known::default(),
        gateways: Vec::new(),
        chains: chains.iter().map(|c| (ServiceId::new(&c.service, &c.namespace, &c.partition), c)).collect(),
        other_dc_chains: RefCell::new(std::collections::BTreeMap::new()),
    };
    sidecar::compile(&cx, intentions, upstreams, endpoints)
}

/// Why a name given by a person selects no gateway.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GatewaySelectError {
    #[error("no gateway `{0}`: the files register no gateways")]
    NoGateways(String),
    #[error("no gateway `{name}`; the gateways are: {}", known.join(", "))]
    NotFound { name: String, known: Vec<String> },
    #[error("`{name}` names several gateways and none in the local datacenter and partition; choose one: {}", candidates.join(", "))]
    Ambiguous { name: String, candidates: Vec<String> },
}

/// The gateway a person means by `selector`: its key (`mesh-gateway@dc2`, as `meshgate routes`
/// lists them), else its registered name or id — the one in the local datacenter and partition
/// (`datacenter`, `partition`: the settings') when several have it, else the only one.
pub fn select<'g>(
    gateways: &'g [GatewayRoutes],
    selector: &str,
    datacenter: &str,
    partition: &str,
) -> Result<&'g GatewayRoutes, GatewaySelectError> {
    if let Some(g) = gateways.iter().find(|g| g.gateway.key == selector) {
        return Ok(g);
    }
    // A key is the registration's id (else its name), with `@dc` / `#n` when keys repeat.
    let registered =
        |g: &&GatewayRoutes| g.gateway.name == selector || g.gateway.key.split(['@', '#']).next() == Some(selector);
    let named: Vec<&GatewayRoutes> = gateways.iter().filter(registered).collect();
    let local: Vec<&GatewayRoutes> = named
        .iter()
        .copied()
        .filter(|g| g.gateway.datacenter == datacenter && g.gateway.partition == partition)
        .collect();
    match (named.as_slice(), local.as_slice()) {
        ([one], _) | (_, [one]) => Ok(one),
        ([], _) if gateways.is_empty() => Err(GatewaySelectError::NoGateways(selector.to_string())),
        ([], _) => Err(GatewaySelectError::NotFound {
            name: selector.to_string(),
            known: gateways.iter().map(|g| format!("{} ({})", g.gateway.key, g.gateway.kind)).collect(),
        }),
        (many, _) => Err(GatewaySelectError::Ambiguous {
            name: selector.to_string(),
            candidates: many.iter().map(|g| format!("{} (in {})", g.gateway.key, g.gateway.datacenter)).collect(),
        }),
    }
}

/// The protocol of each service, sorted.
fn protocols_of(services: &SortedSet<ServiceId>, protocols: &Protocols) -> Vec<(ServiceId, Protocol)> {
    services.iter().map(|s| (s.clone(), protocols.protocol(&s.name, &s.namespace, &s.partition))).collect()
}

#[cfg(test)]
pub(crate) mod testing;
