//! Discovery chains: how requests to one service are routed (service-router), split
//! (service-splitter) and resolved to concrete targets (service-resolver), compiled as Consul's
//! discovery chain compiler does.
//!
//! A chain is compiled for one service, evaluated in one namespace, partition and datacenter (the
//! datacenter comes from [`Settings`]). It is a small graph: a start node, then
//!
//! - at most one **router** (the chain's own service's service-router; routers of other services
//!   are never consulted): its routes in order, then Consul's implicit catch-all route
//!   (`PathPrefix "/"`) to the chain's own service;
//! - **splitters**: a destination without a subset goes to its service's splitter when there is
//!   one; a destination with a subset, or a split back to the splitter's own service, bypasses
//!   splitters. Nested splitters are flattened into their parent, weights multiplied (see
//!   [`multiply_hundredths`]);
//! - **resolvers**, one per target: redirects are followed (transitively) before the node is made,
//!   then the resolver's default subset applies to a target without a subset; the node carries the
//!   connect timeout (5s unless set), request timeout, failover targets (by subset, else `*`; one
//!   level only: a failover target's own failover is not followed, as in Consul) and load
//!   balancer.
//!
//! Targets are identified as Consul does: `[subset.]service.namespace.partition.datacenter`, or
//! `service.namespace.partition.external.peer` for a peer's service (whose partition is the
//! evaluating one). Each carries its SNI, mesh gateway mode (service-defaults of the target, else
//! proxy-defaults of its partition), subset filter and connect timeout.
//!
//! The chain's protocol is derived as Consul's compiler does: the protocol of the first service the
//! compiler records, a service's protocol being its service-defaults' `Protocol` when it has a
//! service-defaults entry (tcp when that entry sets none: the compiler does not fall back to
//! proxy-defaults then, hashicorp/consul#11457), else proxy-defaults', else tcp. That is the chain's own
//! service when it has a service-router or no service-splitter; with a splitter and no router, it
//! is the first service the splitter resolves (splits in order, nested splitters depth first),
//! since Consul never records the protocol of a service whose splitter it only passes through. So
//! a splitter may front a service with no protocol of its own when its legs speak http.
//!
//! Rules (errors are reported, and the chain is still compiled so callers can show it):
//! - `E0403` a router or splitter in a chain whose protocol is not http-like (http, http2,
//!   grpc), pointing at the entry and naming where the protocol came from (Consul refuses the
//!   write: the chain "does not permit advanced routing or splitting behavior"); the chain is then
//!   compiled without routers and splitters, which is what Consul serves for a tcp service;
//! - `E0403` every service the chain resolves (route destinations, split legs, redirect hops and
//!   failover targets; not a service whose splitter is only passed through) speaks exactly the
//!   chain's protocol, as Consul requires ("uses inconsistent protocols"); peers are not checked
//!   (their protocol is not known here);
//! - `E0404` redirect cycles (the redirect closing the cycle is not followed) and splitter cycles
//!   (the split closing the cycle goes to the resolver instead), listing the cycle;
//! - `E0402` a subset that the target's resolver does not define, pointing at the field that asked
//!   for it (subsets a resolver names for its own service are checked when the entry is validated,
//!   `E0306`, and are not reported twice);
//! - `E0410` a service with `ExternalSNI` (service-defaults) whose resolver defines subsets, a
//!   redirect or failover;
//! - `E0403` ([`check_ingress_protocols`], once every chain is compiled) an ingress-gateway
//!   listener exposing a service by name whose chain speaks another protocol (Consul refuses the
//!   ingress-gateway entry then; a warning only for a tcp listener in front of a chain without
//!   router or splitter, a state Consul lets through when the service's protocol changes later).
//!
//! A resolver may have `Subsets` (and a `DefaultSubset`) beside its `Redirect`: Consul allows it
//! (the redirect is followed first, so they only matter when it keeps the service, e.g. to another
//! datacenter).
//!
//! Which services get a chain ([`chain_services`]): every service named by a service-router,
//! service-splitter, service-resolver or service-defaults entry, by a service-intentions
//! destination (not a wildcard), by a proxy's upstream (not a peer's, not a prepared query), or by
//! an ingress-gateway listener service (not `*`), each once, ordered by name, namespace,
//! partition.
//!
//! Sameness groups (the sameness-group entry of the target's partition): a `SamenessGroup`
//! failover lists the group's members as targets in member order (it has no `Targets`) — a
//! partition member is the same service and namespace in that partition of this datacenter, a
//! peer member the service that peer exports; the primary target itself (the local partition,
//! first with `IncludeLocal`) is skipped. A target whose resolver has no failover for it (or
//! that has no resolver) fails over through its partition's group with
//! `DefaultForFailover = true`, if any. A group the workspace does not define is `W0404` and adds
//! no targets.
//!
//! A resolver `Redirect` to a `SamenessGroup` resolves in the group's first member and fails over
//! to the other members, in member order (unless that target has a failover of its own).
//!
//! Not covered: locality-aware failover ordering,
//! and per-upstream overrides (protocol, connect timeout, mesh gateway) that Consul applies when a
//! particular proxy dials the chain.

mod build;
mod describe;
mod weights;

#[cfg(test)]
mod tests;

pub use build::{chain_services, check_ingress_protocols, compile_all, compile_chain};
pub use weights::{hundredths_to_weight, multiply_hundredths, WeightedTarget};

use super::protocols::Protocol;
use crate::decode::Duration;
use crate::identity::or_default;
use crate::intentions::Origin;
use crate::model::service_router::{no_modifiers, HttpHeaderModifiers, HttpMatch, RetryOn};
use serde::Serialize;

/// One compiled discovery chain.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiscoveryChain {
    pub service: String,
    pub namespace: String,
    pub partition: String,
    pub datacenter: String,
    pub protocol: Protocol,
    /// Where the protocol came from: "service-defaults at web.hcl:1:1", "proxy-defaults at …", or
    /// "the default".
    pub protocol_source: String,
    /// Consul's "default chain": no router or splitter, and the start node is the default resolver
    /// of the chain's own service, with no failover (a sameness group's `DefaultForFailover`
    /// can give it one).
    pub default: bool,
    pub start_node: String,
    /// The start node first, then the others in the order they are first reached.
    pub nodes: Vec<Node>,
    /// Every target the chain can send traffic to (failover targets included), ordered by id.
    pub targets: Vec<Target>,
}

impl DiscoveryChain {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id() == id)
    }

    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }

    /// The final targets a node sends traffic to, each with its effective weight: 100% for a
    /// resolver; for a splitter, each split's share, multiplied through nested splitters (which
    /// compilation already flattens). Splits of weight 0 are kept (with weight 0). A router has no
    /// single weighting: ask for each route's `next_node` instead.
    pub fn weighted_targets(&self, node_id: &str) -> Vec<WeightedTarget<'_>> {
        weights::weighted_targets(self, node_id)
    }
}

/// A node of the chain's graph.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Node {
    Router(RouterNode),
    Splitter(SplitterNode),
    Resolver(ResolverNode),
}

impl Node {
    pub fn id(&self) -> &str {
        match self {
            Node::Router(n) => &n.id,
            Node::Splitter(n) => &n.id,
            Node::Resolver(n) => &n.id,
        }
    }

    /// The config entry that produced the node (none for an implicit default resolver).
    pub fn origin(&self) -> Option<&Origin> {
        match self {
            Node::Router(n) => Some(&n.origin),
            Node::Splitter(n) => Some(&n.origin),
            Node::Resolver(n) => n.origin.as_ref(),
        }
    }
}

/// `router:<service>.<namespace>.<partition>`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RouterNode {
    pub id: String,
    pub name: String,
    /// In order; the first that matches wins. The last is the implicit catch-all.
    pub routes: Vec<Route>,
    pub origin: Origin,
}

/// Retry settings of a route (only when it sets any).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RetryPolicy {
    #[serde(skip_serializing_if = "is_zero_u32")]
    pub num_retries: u32,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub on_connect_failure: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub on: Vec<RetryOn>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub on_status_codes: Vec<u32>,
}

/// One route of a router node.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Route {
    /// What the route matches, for people: `PathPrefix "/admin", Header x-debug present`.
    #[serde(rename = "match")]
    pub description: String,
    /// The match as written (absent: every request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpMatch>,
    pub next_node: String,
    pub service: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_subset: String,
    pub namespace: String,
    pub partition: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub prefix_rewrite: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_timeout: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryPolicy>,
    #[serde(skip_serializing_if = "no_modifiers")]
    pub request_headers: Option<HttpHeaderModifiers>,
    #[serde(skip_serializing_if = "no_modifiers")]
    pub response_headers: Option<HttpHeaderModifiers>,
    /// The route Consul appends to every router: `PathPrefix "/"` to the router's own service.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub catch_all: bool,
    /// The route as written; for the catch-all, the router entry.
    pub origin: Origin,
}

/// `splitter:<service>.<namespace>.<partition>`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SplitterNode {
    pub id: String,
    pub name: String,
    /// Flattened: every split leads to a resolver node.
    pub splits: Vec<Split>,
    /// The first hash-based load balancer among the legs' resolvers (Envoy applies one hash
    /// policy per route, so Consul attaches that one to the splitter).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancerSummary>,
    pub origin: Origin,
}

/// One share of a splitter's traffic.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Split {
    /// Percentage, to 0.01.
    pub weight: f64,
    /// The same in hundredths of a percent (exact).
    #[serde(skip)]
    pub weight_hundredths: i64,
    pub next_node: String,
    pub service: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_subset: String,
    pub namespace: String,
    pub partition: String,
    #[serde(skip_serializing_if = "no_modifiers")]
    pub request_headers: Option<HttpHeaderModifiers>,
    #[serde(skip_serializing_if = "no_modifiers")]
    pub response_headers: Option<HttpHeaderModifiers>,
    /// The split that chose `next_node`.
    pub origin: Origin,
    /// For a split flattened from nested splitters: the outer splits it came through, outermost
    /// first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<Origin>,
}

/// `resolver:<target id>`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResolverNode {
    pub id: String,
    pub name: String,
    pub target: String,
    /// No service-resolver entry (or one that says nothing beyond the defaults).
    pub default: bool,
    pub connect_timeout: Duration,
    /// Unset: Envoy's route default (15s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_timeout: Option<Duration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failover: Option<Failover>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancerSummary>,
    /// The service-resolver entry (none for an implicit default resolver).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// Where a resolver's traffic goes when its target has no healthy instance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Failover {
    /// The `Failover` key that applied: the subset's own, or `*`.
    pub key: String,
    /// Target ids, in the order tried.
    pub targets: Vec<String>,
    /// The sameness group whose members are among `targets` (the resolver's `SamenessGroup`, or
    /// the partition's group with `DefaultForFailover`; then `origin` is that group's field).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sameness_group: String,
    pub origin: Origin,
}

/// A resolver's load balancing, summarized.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LoadBalancerSummary {
    /// `round_robin` when the entry names no policy (Envoy's default).
    pub policy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_ring_size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_ring_size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choice_count: Option<u32>,
    /// In order: `header x-user`, `cookie session (ttl 30s)`, `source IP`, `… (terminal)`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hash_policies: Vec<String>,
    /// The entry's block, for the Envoy configuration.
    #[serde(skip)]
    pub config: crate::model::service_resolver::LoadBalancer,
}

/// The mesh gateway mode of a target, as config entries set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GatewayMode {
    /// Neither the target's service-defaults nor proxy-defaults set it: the dialling proxy's
    /// settings decide (`none` unless they say otherwise; `remote` for peers).
    Default,
    None,
    Local,
    Remote,
}

/// A concrete destination: a service (or subset of it) in one datacenter or peer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    /// `[subset.]service.namespace.partition.datacenter`, or `service.namespace.partition.external.peer`.
    pub id: String,
    pub service: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_subset: String,
    pub namespace: String,
    pub partition: String,
    /// Empty for a peer's service.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub datacenter: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub peer: String,
    /// The SNI a proxy sends to reach it (the service-defaults `ExternalSNI` for an external one).
    pub sni: String,
    /// A service outside the mesh (service-defaults `ExternalSNI`): dialled without gateways.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    pub mesh_gateway: GatewayMode,
    /// The subset's filter expression (go-bexpr, as written).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub filter: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub only_passing: bool,
    pub connect_timeout: Duration,
    /// What chose this target: a route, split, redirect, failover, default subset; none for the
    /// chain's own service reached with no entry involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A target's id in Consul's format. Empty namespace and partition mean `default`; a peer's target
/// has no datacenter.
pub fn target_id(
    service: &str,
    subset: &str,
    namespace: &str,
    partition: &str,
    datacenter: &str,
    peer: &str,
) -> String {
    let (ns, ap) = (or_default(namespace), or_default(partition));
    if !peer.is_empty() {
        format!("{service}.{ns}.{ap}.external.{peer}")
    } else if subset.is_empty() {
        format!("{service}.{ns}.{ap}.{datacenter}")
    } else {
        format!("{subset}.{service}.{ns}.{ap}.{datacenter}")
    }
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}
