//! The compiler: config entries → one [`DiscoveryChain`]. See the module docs for the rules.

use super::describe::{describe_match, is_hash_policy, summarize_lb};
use super::weights::multiply_hundredths;
use super::{
    hundredths_to_weight, target_id, DiscoveryChain, Failover, GatewayMode, Node, ResolverNode, RetryPolicy, Route,
    RouterNode, Split, SplitterNode, Target,
};
use crate::decode::{Cx, Duration, Meta};
use crate::diag::{Code, Diagnostic};
use crate::identity::{or_default, ServiceId};
use crate::intentions::Origin;
use crate::model::common::MeshGatewayMode;
use crate::model::sameness_group::SamenessGroup;
use crate::model::service::ServiceDefinition;
use crate::model::service_defaults::ServiceDefaults;
use crate::model::service_resolver::{
    FailoverTarget, ResolverFailover, ResolverRedirect, ServiceResolver, DEFAULT_CONNECT_TIMEOUT,
};
use crate::model::service_router::{HttpHeaderModifiers, HttpMatch};
use crate::model::ConfigEntry;
use crate::names::Sni;
use crate::plan::intentions::origin;
use crate::plan::protocols::{Protocol, Protocols};
use crate::settings::Settings;
use crate::sorted::{SortedMap, SortedSet};
use crate::source::Span;
use crate::workspace::{Entries, Workspace};
use std::collections::{BTreeSet, VecDeque};

/// Redirect hops followed for one target before giving up (cycles are caught earlier; this only
/// bounds the loop).
const MAX_HOPS: usize = 64;
/// Nested splitters flattened before giving up (cycles are broken earlier).
const MAX_SPLIT_DEPTH: usize = 32;

/// Every service that gets a chain (see the module docs), ordered by name, namespace, partition.
pub fn chain_services(ws: &Workspace) -> Vec<ServiceId> {
    // Gathered, then sorted once (there is one per service of the workspace, maybe thousands).
    let mut set: Vec<ServiceId> = Vec::new();
    let mut add = |name: &str, ns: &str, ap: &str| {
        if !name.is_empty() && name != "*" && ns != "*" && ap != "*" {
            set.push(ServiceId::new(name, ns, ap));
        }
    };
    for entry in ws.entries() {
        match entry {
            ConfigEntry::ServiceRouter(_)
            | ConfigEntry::ServiceSplitter(_)
            | ConfigEntry::ServiceResolver(_)
            | ConfigEntry::ServiceDefaults(_) => add(entry.name(), entry.namespace(), entry.partition()),
            ConfigEntry::ServiceIntentions(e) => {
                let d = e.destination();
                add(d.name, d.namespace, d.partition);
            }
            ConfigEntry::IngressGateway(gw) => {
                for (_, svc) in gw.services() {
                    if !svc.is_wildcard() {
                        add(&svc.name, svc.namespace_or(gw), svc.partition_or(gw));
                    }
                }
            }
            _ => {}
        }
    }
    for svc in ws.services() {
        for (owner, config) in proxy_configs(svc) {
            for u in &config.upstreams {
                if !u.destination_peer.is_empty() || u.destination_type.eq_ignore_ascii_case("prepared_query") {
                    continue;
                }
                let ns = if u.destination_namespace.is_empty() { &owner.namespace } else { &u.destination_namespace };
                let ap = if u.destination_partition.is_empty() { &owner.partition } else { &u.destination_partition };
                add(&u.destination_name, ns, ap);
            }
        }
    }
    crate::sorting::sort(&mut set);
    set.dedup();
    set
}

/// The proxy blocks of a registration: its own, and its sidecar's.
fn proxy_configs(svc: &ServiceDefinition) -> Vec<(&ServiceDefinition, &crate::model::service::ProxyConfig)> {
    let mut out = Vec::new();
    if let Some(p) = &svc.proxy {
        out.push((svc, p));
    }
    if let Some(p) = svc.connect.as_ref().and_then(|c| c.sidecar_service.as_deref()).and_then(|s| s.proxy.as_ref()) {
        out.push((svc, p));
    }
    out
}

/// Compiles the chain of every service [`chain_services`] lists. Each problem is reported once,
/// however many chains run into it.
pub fn compile_all(
    ws: &Workspace,
    idx: &Entries<'_>,
    settings: &Settings,
    protocols: &Protocols,
    cx: &mut Cx,
) -> Vec<DiscoveryChain> {
    let mut seen = BTreeSet::new();
    chain_services(ws)
        .into_iter()
        .map(|id| {
            let mut local = Cx::new();
            let chain = compile_indexed(ws, settings, protocols, idx, id, &mut local);
            push_once(local.diags, &mut seen, cx);
            chain
        })
        .collect()
}

/// Compiles the discovery chain of one service, evaluated in `namespace` and `partition` (empty:
/// `default`) and the settings' datacenter. Problems go to `cx`; the chain is returned even then.
pub fn compile_chain(
    ws: &Workspace,
    settings: &Settings,
    protocols: &Protocols,
    service: &str,
    namespace: &str,
    partition: &str,
    cx: &mut Cx,
) -> DiscoveryChain {
    let idx = Entries::new(ws, &settings.partition);
    let mut local = Cx::new();
    let chain =
        compile_indexed(ws, settings, protocols, &idx, ServiceId::new(service, namespace, partition), &mut local);
    push_once(local.diags, &mut BTreeSet::new(), cx);
    chain
}

type DiagKey = (Code, u32, u32, u32, String);

/// `seen` is a `BTreeSet`: it gathers the problems of every chain, possibly thousands, in no
/// particular order.
fn push_once(diags: Vec<Diagnostic>, seen: &mut BTreeSet<DiagKey>, cx: &mut Cx) {
    for d in diags {
        let (file, start, end) = d.span.map_or((u32::MAX, 0, 0), |s| (s.file, s.start, s.end));
        if seen.insert((d.code, file, start, end, d.message.clone())) {
            cx.push(d);
        }
    }
}

fn compile_indexed(
    ws: &Workspace,
    settings: &Settings,
    protocols: &Protocols,
    idx: &Entries<'_>,
    chain: ServiceId,
    cx: &mut Cx,
) -> DiscoveryChain {
    let mut c = Compiler {
        ws,
        settings,
        protocols,
        idx,
        cx,
        datacenter: settings.datacenter.clone(),
        protocol: Protocol::Tcp,
        advanced: true,
        nodes: SortedMap::new(),
        targets: SortedMap::new(),
        splitter_stack: Vec::new(),
        protocol_checked: SortedSet::new(),
        protocol_from: chain.clone(),
        chain,
    };
    c.derive_protocol();
    let start = c.assemble();
    c.flatten_splitters();
    let nodes = c.reachable_nodes(&start);
    let default = match nodes.first() {
        // A partition's `DefaultForFailover` sameness group gives a resolver without an entry a
        // failover: no longer the default chain.
        Some(Node::Resolver(r)) => {
            r.default
                && r.failover.is_none()
                && c.targets.get(&r.target).is_some_and(|t| {
                    t.service == c.chain.name && t.namespace == c.chain.namespace && t.partition == c.chain.partition
                })
        }
        _ => false,
    };
    DiscoveryChain {
        protocol_source: c.chain_protocol_source(),
        service: c.chain.name,
        namespace: c.chain.namespace,
        partition: c.chain.partition,
        datacenter: c.datacenter,
        protocol: c.protocol,
        default,
        start_node: start,
        nodes,
        targets: c.targets.into_values().collect(),
    }
}

/// A reference to a destination (a route, split, redirect, failover, default subset): what
/// diagnostics point at and what targets record as their origin.
#[derive(Clone, Debug)]
struct Ref {
    /// "route #2 of service-router `web`".
    what: String,
    span: Span,
    service: Span,
    subset: Span,
    peer: Span,
    /// Set when the reference is written in the resolver of this service name, which validates
    /// references to its own subsets itself.
    in_resolver_of: Option<String>,
    /// False for the chain's own implicit start (no entry chose the target).
    written: bool,
}

impl Ref {
    fn from_meta(what: String, meta: &Meta) -> Ref {
        Ref {
            what,
            span: meta.span,
            service: meta.field("service"),
            subset: meta.field("service_subset"),
            peer: meta.field("peer"),
            in_resolver_of: None,
            written: true,
        }
    }

    fn implicit(what: String) -> Ref {
        Ref {
            what,
            span: Span::default(),
            service: Span::default(),
            subset: Span::default(),
            peer: Span::default(),
            in_resolver_of: None,
            written: false,
        }
    }

    fn in_resolver(mut self, r: &ServiceResolver) -> Ref {
        self.in_resolver_of = Some(r.name.clone());
        self
    }

    fn span(&self) -> Option<Span> {
        self.written.then_some(self.span)
    }
}

/// A target before it is resolved: Consul's `DiscoveryTargetOpts`, defaults applied.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key {
    service: String,
    subset: String,
    namespace: String,
    partition: String,
    datacenter: String,
    peer: String,
}

impl Key {
    fn id(&self) -> String {
        target_id(&self.service, &self.subset, &self.namespace, &self.partition, &self.datacenter, &self.peer)
    }

    fn sid(&self) -> ServiceId {
        ServiceId::new(&self.service, &self.namespace, &self.partition)
    }
}

/// A redirect to a sameness group being followed: the group (looked up again by name), the
/// target in its first member, and where it was asked for.
struct GroupRedirect {
    name: String,
    partition: String,
    first: Key,
    why: Ref,
    label: String,
    at: Span,
}

/// What a redirect or failover asks to change (empty: keep).
#[derive(Default)]
struct Opts<'s> {
    service: &'s str,
    subset: &'s str,
    namespace: &'s str,
    partition: &'s str,
    datacenter: &'s str,
    peer: &'s str,
}

impl<'s> Opts<'s> {
    fn redirect(r: &'s ResolverRedirect) -> Opts<'s> {
        Opts {
            service: &r.service,
            subset: &r.service_subset,
            namespace: &r.namespace,
            partition: &r.partition,
            datacenter: &r.datacenter,
            peer: &r.peer,
        }
    }

    fn failover(t: &'s FailoverTarget) -> Opts<'s> {
        Opts {
            service: &t.service,
            subset: &t.service_subset,
            namespace: &t.namespace,
            partition: &t.partition,
            datacenter: &t.datacenter,
            peer: &t.peer,
        }
    }
}

struct Compiler<'a, 'c> {
    ws: &'a Workspace,
    settings: &'a Settings,
    protocols: &'a Protocols,
    idx: &'a Entries<'a>,
    cx: &'c mut Cx,
    chain: ServiceId,
    datacenter: String,
    protocol: Protocol,
    /// Routers and splitters apply (the chain's protocol is http-like).
    advanced: bool,
    nodes: SortedMap<String, Node>,
    targets: SortedMap<String, Target>,
    /// Splitters being built, to catch cycles.
    splitter_stack: Vec<String>,
    /// Services whose protocol was compared with the chain's (each is reported once).
    protocol_checked: SortedSet<ServiceId>,
    /// The service the chain's protocol is taken from (see [`Compiler::derive_protocol`]).
    protocol_from: ServiceId,
}

impl Compiler<'_, '_> {
    fn origin(&self, span: Span) -> Origin {
        origin(&self.ws.sources, span)
    }

    fn here(&self, span: Span) -> String {
        self.ws.sources.location(span).map(|l| l.to_string()).unwrap_or_default()
    }

    /// Where a service's protocol comes from, with the entry's location.
    fn protocol_source(&self, sid: &ServiceId) -> String {
        let from_proxy_defaults = self
            .idx
            .proxy_defaults(&sid.partition)
            .filter(|pd| pd.protocol().and_then(Protocol::parse).is_some())
            .map(|pd| format!("proxy-defaults at {}", self.here(pd.origin.field("config"))));
        if let Some(sd) = self.idx.service_defaults(sid) {
            if sd.protocol().and_then(Protocol::parse).is_some() {
                return format!("service-defaults at {}", self.here(sd.origin.field("protocol")));
            }
            if let Some(pd) = from_proxy_defaults {
                return format!(
                    "service-defaults at {} sets no Protocol, and then Consul's discovery chain compiler takes tcp, not the protocol of {pd} (hashicorp/consul#11457)",
                    self.here(sd.origin.span)
                );
            }
        }
        from_proxy_defaults.unwrap_or_else(|| "the default: no service-defaults or proxy-defaults sets one".to_string())
    }

    /// The protocol Consul's compiler records for a service: its service-defaults entry decides
    /// when there is one, even without `Protocol` (tcp then: the compiler does not fall back to
    /// proxy-defaults there, hashicorp/consul#11457, though a sidecar's own listener does); else
    /// proxy-defaults; else tcp.
    fn protocol_of(&self, sid: &ServiceId) -> Protocol {
        match self.idx.service_defaults(sid) {
            Some(sd) => sd.protocol().and_then(Protocol::parse).unwrap_or(Protocol::Tcp),
            None => self.protocols.protocol(&sid.name, &sid.namespace, &sid.partition),
        }
    }

    /// The chain's protocol, as Consul's compiler derives it: the protocol of the first service it
    /// records, which is the chain's own service when it has a service-router (or no
    /// service-splitter), and otherwise the first service its service-splitter resolves, depth
    /// first through nested splitters (Consul never records the protocol of a service whose
    /// splitter it only passes through). So a splitter fronting a service with no protocol of its
    /// own, whose splits all go to http services, makes an http chain. Every other service the
    /// chain reaches is then compared with it ([`Compiler::check_protocol`]).
    fn derive_protocol(&mut self) {
        let chain = self.chain.clone();
        let from = match (self.idx.service_router(&chain), self.idx.service_splitter(&chain)) {
            (None, Some(_)) => self.first_split_leaf(&chain, &mut Vec::new()).unwrap_or_else(|| chain.clone()),
            _ => chain.clone(),
        };
        self.protocol = self.protocol_of(&from);
        // When the chain's own service speaks the same, say so: it is where people look.
        let own = self.protocol_of(&chain);
        self.protocol_from = if own == self.protocol { chain } else { from };
        self.protocol_checked.insert(self.protocol_from.clone());
    }

    /// The first service the splitter of `sid` sends to that is resolved rather than split again,
    /// in Consul's order (splits in order, nested splitters depth first; a splitter already being
    /// visited is skipped, as Consul reuses its node without resolving anything).
    fn first_split_leaf(&self, sid: &ServiceId, visiting: &mut Vec<ServiceId>) -> Option<ServiceId> {
        let splitter = self.idx.service_splitter(sid)?;
        if visiting.len() >= MAX_SPLIT_DEPTH {
            return None;
        }
        visiting.push(sid.clone());
        for split in &splitter.splits {
            let next = ServiceId::new(
                split.service_or(&sid.name),
                if split.namespace.is_empty() { &sid.namespace } else { &split.namespace },
                if split.partition.is_empty() { &sid.partition } else { &split.partition },
            );
            if next != *sid && split.service_subset.is_empty() && self.idx.service_splitter(&next).is_some() {
                if visiting.contains(&next) {
                    continue;
                }
                match self.first_split_leaf(&next, visiting) {
                    Some(leaf) => return Some(leaf),
                    None => continue,
                }
            }
            return Some(next);
        }
        None
    }

    /// Who speaks the chain's protocol, for messages: the chain's service, or its chain when the
    /// protocol is taken from another service.
    fn chain_speaker(&self) -> String {
        if self.protocol_from == self.chain {
            format!("`{}`", self.chain.name)
        } else {
            format!("the discovery chain of `{}`", self.chain.name)
        }
    }

    /// Where the chain's protocol comes from: its own service's source, or the service its
    /// splitter resolves first.
    fn chain_protocol_source(&self) -> String {
        let source = self.protocol_source(&self.protocol_from);
        if self.protocol_from == self.chain {
            return source;
        }
        format!(
            "taken from `{}`, the first service the service-splitter `{}` resolves, as Consul's compiler does: {source}",
            self.protocol_from.name, self.chain.name
        )
    }

    /// Applies the evaluation defaults, as Consul's `newTarget`: a local target gets the chain's
    /// datacenter, namespace and partition where unset; a peer's target has no datacenter, the
    /// evaluating partition and (when unset) the `default` namespace.
    fn key(&self, o: &Opts<'_>) -> Key {
        let pick = |v: &str, d: &str| if v.is_empty() { d.to_string() } else { v.to_string() };
        if o.peer.is_empty() {
            Key {
                service: o.service.to_string(),
                subset: o.subset.to_string(),
                namespace: pick(o.namespace, &self.chain.namespace),
                partition: pick(o.partition, &self.chain.partition),
                datacenter: pick(o.datacenter, &self.datacenter),
                peer: String::new(),
            }
        } else {
            Key {
                service: o.service.to_string(),
                subset: o.subset.to_string(),
                namespace: or_default(o.namespace).to_string(),
                partition: self.chain.partition.clone(),
                datacenter: String::new(),
                peer: o.peer.to_string(),
            }
        }
    }

    /// Consul's `rewriteTarget`: another service drops the subset; a namespace is taken when given
    /// (or when going to a peer); the peer is always the new one's.
    fn rewrite(&self, t: &Key, o: &Opts<'_>) -> Key {
        let mut service = t.service.as_str();
        let mut subset = t.subset.as_str();
        if !o.service.is_empty() && o.service != t.service {
            service = o.service;
            subset = "";
        }
        if !o.subset.is_empty() {
            subset = o.subset;
        }
        let partition = if o.partition.is_empty() { t.partition.as_str() } else { o.partition };
        let namespace = if !o.namespace.is_empty() || !o.peer.is_empty() { o.namespace } else { t.namespace.as_str() };
        let datacenter = if o.datacenter.is_empty() { t.datacenter.as_str() } else { o.datacenter };
        self.key(&Opts { service, subset, namespace, partition, datacenter, peer: o.peer })
    }

    // ---- assembly ----

    fn assemble(&mut self) -> String {
        let chain = self.chain.clone();
        let router = self.idx.service_router(&chain);
        let splitter = self.idx.service_splitter(&chain);
        if !self.protocol.is_http_like() {
            if let Some(r) = router {
                self.needs_http("service-router", &r.origin);
            }
            if let Some(s) = splitter {
                self.needs_http("service-splitter", &s.origin);
            }
            self.advanced = false;
            // Without routers and splitters only the chain's own service is resolved: the
            // fallback chain speaks its protocol.
            self.protocol = self.protocol_of(&chain);
            self.protocol_from = chain.clone();
            self.protocol_checked = SortedSet::from([chain.clone()]);
        }
        let own =
            Opts { service: &chain.name, namespace: &chain.namespace, partition: &chain.partition, ..Opts::default() };
        let own_key = self.key(&own);
        let Some(router) = router.filter(|_| self.advanced) else {
            let why = Ref::implicit(format!("the discovery chain of `{}`", chain.name));
            return self.splitter_or_resolver(own_key, &why);
        };
        let router_name = format!("service-router `{}`", router.name);
        let mut routes = Vec::with_capacity(router.routes.len() + 1);
        for (i, route) in router.routes.iter().enumerate() {
            let dest = route.destination.clone().unwrap_or_default();
            let meta = route.destination.as_ref().map_or(&route.origin, |d| &d.origin);
            let why =
                Ref { span: route.origin.span, ..Ref::from_meta(format!("route #{} of {router_name}", i + 1), meta) };
            let key = self.key(&Opts {
                service: dest.service_or(&chain.name),
                subset: &dest.service_subset,
                namespace: if dest.namespace.is_empty() { &chain.namespace } else { &dest.namespace },
                partition: if dest.partition.is_empty() { &chain.partition } else { &dest.partition },
                ..Opts::default()
            });
            let next = if key.subset.is_empty() {
                self.splitter_or_resolver(key.clone(), &why)
            } else {
                resolver_id(&self.resolve(key.clone(), &why, false))
            };
            let http = route.http_match().cloned();
            routes.push(Route {
                description: http.as_ref().map_or_else(|| "any request".to_string(), describe_match),
                http,
                next_node: next,
                service: key.service,
                service_subset: key.subset,
                namespace: key.namespace,
                partition: key.partition,
                prefix_rewrite: dest.prefix_rewrite.clone(),
                request_timeout: nonzero(dest.request_timeout),
                idle_timeout: nonzero(dest.idle_timeout),
                retry: dest.has_retry_features().then(|| RetryPolicy {
                    num_retries: dest.num_retries,
                    on_connect_failure: dest.retry_on_connect_failure,
                    on: dest.retry_on.clone(),
                    on_status_codes: dest.retry_on_status_codes.clone(),
                }),
                request_headers: dest.request_headers.clone(),
                response_headers: dest.response_headers.clone(),
                catch_all: false,
                origin: self.origin(route.origin.span),
            });
        }
        let why = Ref::implicit(format!("the catch-all route of {router_name}"));
        let next = self.splitter_or_resolver(own_key.clone(), &why);
        routes.push(Route {
            description: "PathPrefix \"/\"".to_string(),
            http: Some(HttpMatch { path_prefix: "/".to_string(), ..HttpMatch::default() }),
            next_node: next,
            service: own_key.service,
            service_subset: String::new(),
            namespace: own_key.namespace,
            partition: own_key.partition,
            prefix_rewrite: String::new(),
            request_timeout: None,
            idle_timeout: None,
            retry: None,
            request_headers: None,
            response_headers: None,
            catch_all: true,
            origin: self.origin(router.origin.span),
        });
        let id = format!("router:{}", chain.dotted());
        let node = RouterNode { id: id.clone(), name: chain.dotted(), routes, origin: self.origin(router.origin.span) };
        self.nodes.insert(id.clone(), Node::Router(node));
        id
    }

    fn needs_http(&mut self, kind: &str, meta: &Meta) {
        let source = self.chain_protocol_source();
        let name = &self.chain.name;
        self.cx.push(
            Diagnostic::error(
                Code::ProtocolMismatch,
                meta.span,
                format!(
                    "{kind} `{name}` needs an HTTP-like protocol (http, http2 or grpc), but {} speaks {} ({source})",
                    self.chain_speaker(),
                    self.protocol.as_str()
                ),
            )
            .with_note("Consul refuses this entry: the discovery chain uses a protocol that does not permit advanced routing or splitting behavior")
            .with_note(self.set_protocol_help())
            .with_note(format!("the chain of `{name}` is compiled without routers and splitters, as Consul serves a tcp service")),
        );
    }

    /// Where to set the protocol of the service the chain's protocol comes from: its
    /// service-defaults when it has one (which proxy-defaults cannot then override), else either.
    fn set_protocol_help(&self) -> String {
        let name = &self.protocol_from.name;
        match self.idx.service_defaults(&self.protocol_from) {
            Some(sd) => format!(
                "set `Protocol = \"http\"` in the service-defaults for `{name}` at {}",
                self.here(sd.origin.span)
            ),
            None => {
                format!("set `Protocol = \"http\"` in service-defaults for `{name}` (or in proxy-defaults `Config`)")
            }
        }
    }

    /// Every service the chain reaches must speak the chain's protocol (Consul's rule).
    fn check_protocol(&mut self, sid: &ServiceId, why: &Ref) {
        if !self.protocol_checked.insert(sid.clone()) {
            return;
        }
        let theirs = self.protocol_of(sid);
        if theirs == self.protocol {
            return;
        }
        let ours = self.chain_protocol_source();
        let source = self.protocol_source(sid);
        let target = if sid.namespace == self.chain.namespace && sid.partition == self.chain.partition {
            format!("`{}`", sid.name)
        } else {
            format!("`{}`", sid.dotted())
        };
        let d = Diagnostic::error(
            Code::ProtocolMismatch,
            why.written.then_some(why.service),
            format!(
                "{} sends the {} traffic of `{}` to {target}, which speaks {} ({source}); every service in a discovery chain must speak the chain's protocol",
                why.what,
                self.protocol.as_str(),
                self.chain.name,
                theirs.as_str(),
            ),
        )
        .with_note(format!("{} speaks {} ({ours})", self.chain_speaker(), self.protocol.as_str()));
        self.cx.push(d);
    }

    /// A destination without a subset: its service's splitter when there is one, else its
    /// resolver. As in Consul, a service's protocol is compared with the chain's only when it is
    /// resolved ([`Compiler::resolve`]), not when its splitter is passed through.
    fn splitter_or_resolver(&mut self, key: Key, why: &Ref) -> String {
        if let Some(id) = self.splitter(&key.sid(), why) {
            return id;
        }
        resolver_id(&self.resolve(key, why, false))
    }

    /// The splitter node of a service (built once per chain), or `None` when it has none, routers
    /// and splitters are off, or going there would close a cycle (reported).
    fn splitter(&mut self, sid: &ServiceId, why: &Ref) -> Option<String> {
        if !self.advanced {
            return None;
        }
        let splitter = self.idx.service_splitter(sid)?;
        let id = format!("splitter:{}", sid.dotted());
        if let Some(pos) = self.splitter_stack.iter().position(|s| *s == id) {
            let mut cycle: Vec<&str> = self.splitter_stack.iter().skip(pos).map(String::as_str).collect();
            cycle.push(&id);
            self.cx.push(
                Diagnostic::error(
                    Code::ChainCycle,
                    why.span(),
                    format!("{} closes a cycle of splitters: {}", why.what, cycle.join(" -> ")),
                )
                .with_note(format!(
                    "name a ServiceSubset to reach `{}` without its splitter; this split goes to its resolver instead",
                    sid.name
                )),
            );
            return None;
        }
        if self.nodes.contains_key(&id) {
            return Some(id);
        }
        self.splitter_stack.push(id.clone());
        let owner = format!("service-splitter `{}`", splitter.name);
        let mut splits = Vec::with_capacity(splitter.splits.len());
        let mut load_balancer = None;
        for (i, split) in splitter.splits.iter().enumerate() {
            let why = Ref::from_meta(format!("split #{} of {owner}", i + 1), &split.origin);
            let key = self.key(&Opts {
                service: split.service_or(&sid.name),
                subset: &split.service_subset,
                namespace: if split.namespace.is_empty() { &sid.namespace } else { &split.namespace },
                partition: if split.partition.is_empty() { &sid.partition } else { &split.partition },
                ..Opts::default()
            });
            let nested =
                if key.sid() != *sid && key.subset.is_empty() { self.splitter(&key.sid(), &why) } else { None };
            let next = match nested {
                Some(next) => next,
                None => {
                    let target = self.resolve(key.clone(), &why, false);
                    let next = resolver_id(&target);
                    if load_balancer.is_none() {
                        if let Some(Node::Resolver(r)) = self.nodes.get(&next) {
                            load_balancer = r.load_balancer.clone().filter(|lb| is_hash_policy(&lb.policy));
                        }
                    }
                    next
                }
            };
            let h = split.weight_hundredths();
            splits.push(Split {
                weight: hundredths_to_weight(h),
                weight_hundredths: h,
                next_node: next,
                service: key.service,
                service_subset: key.subset,
                namespace: key.namespace,
                partition: key.partition,
                request_headers: split.request_headers.clone(),
                response_headers: split.response_headers.clone(),
                origin: self.origin(split.origin.span),
                via: Vec::new(),
            });
        }
        self.splitter_stack.pop();
        let node = SplitterNode {
            id: id.clone(),
            name: sid.dotted(),
            splits,
            load_balancer,
            origin: self.origin(splitter.origin.span),
        };
        self.nodes.insert(id.clone(), Node::Splitter(node));
        Some(id)
    }

    /// Resolves a target through redirects and the default subset, builds its resolver node
    /// (unless `for_failover`: failover targets are not nodes and their own failover is not
    /// followed) and records the target. Returns the final target's id.
    fn resolve(&mut self, mut key: Key, why: &Ref, for_failover: bool) -> String {
        let mut why = why.clone();
        let mut history: Vec<String> = Vec::new();
        // A redirect to a sameness group, once followed (see `GroupRedirect`).
        let mut group: Option<GroupRedirect> = None;
        for _ in 0..MAX_HOPS {
            let id = key.id();
            if self.nodes.contains_key(&resolver_id(&id)) {
                return id;
            }
            if key.peer.is_empty() {
                self.check_protocol(&key.sid(), &why);
            }
            history.push(id.clone());
            let resolver = self.idx.service_resolver(&key.sid());
            // A peer member of a group is the peer's own service: a local redirect to the group
            // does not apply to it (it would lead back into the group).
            let redirect = resolver
                .and_then(|r| r.redirect.as_ref().map(|d| (r, d)))
                .filter(|(_, d)| key.peer.is_empty() || d.sameness_group.is_empty());
            if let Some((r, redirect)) = redirect {
                if group.is_none() && !redirect.sameness_group.is_empty() {
                    if let Some(g) = self.group_redirect(&key, r, redirect) {
                        let first = g.first.clone();
                        let first_why = g.why.clone();
                        group = Some(g);
                        if first.id() != id {
                            self.peer_trust_domain(&first, &first_why);
                            key = first;
                            why = first_why;
                            continue;
                        }
                    }
                }
                let next = self.rewrite(&key, &Opts::redirect(redirect));
                let next_id = next.id();
                let redirect_ref =
                    Ref::from_meta(format!("the Redirect of service-resolver `{}`", r.name), &redirect.origin)
                        .in_resolver(r);
                if next_id != id {
                    if history.contains(&next_id) {
                        let mut cycle = history.clone();
                        cycle.push(next_id);
                        self.cx.push(
                            Diagnostic::error(
                                Code::ChainCycle,
                                redirect.origin.span,
                                format!("circular resolver redirect: {}", cycle.join(" -> ")),
                            )
                            .with_note(format!("this redirect is not followed: `{}` resolves to {id}", key.service)),
                        );
                    } else {
                        self.peer_trust_domain(&next, &redirect_ref);
                        key = next;
                        why = redirect_ref;
                        continue;
                    }
                }
            }
            if let Some(r) =
                resolver.filter(|r| key.subset.is_empty() && key.peer.is_empty() && !r.default_subset.is_empty())
            {
                key = self.rewrite(&key, &Opts { subset: &r.default_subset, ..Opts::default() });
                let meta = Meta::new(r.origin.field("default_subset"));
                why = Ref {
                    subset: r.origin.field("default_subset"),
                    ..Ref::from_meta(format!("the DefaultSubset of service-resolver `{}`", r.name), &meta)
                }
                .in_resolver(r);
                continue;
            }
            return self.resolved(key, resolver, &why, for_failover, group.as_ref());
        }
        let id = key.id();
        self.cx.push(Diagnostic::error(
            Code::ChainCycle,
            why.span(),
            format!("{} leads through more than {MAX_HOPS} redirects; resolving stops at {id}", why.what),
        ));
        self.resolved(key, None, &why, for_failover, group.as_ref())
    }

    /// A resolver's `Redirect.SamenessGroup`: the service (the redirect's `Service` and
    /// `Namespace`, else the target's own) in the group's first member; the other members are
    /// its failover. An undefined or empty group is W0404 and the redirect goes on as if it named
    /// no group.
    fn group_redirect(&mut self, key: &Key, r: &ServiceResolver, redirect: &ResolverRedirect) -> Option<GroupRedirect> {
        let at = redirect.origin.field("sameness_group");
        let Some(g) = self.idx.sameness_group(&redirect.sameness_group, &key.partition) else {
            self.unknown_group(&redirect.sameness_group, &key.partition, at);
            return None;
        };
        let (i, m) = g.members.iter().enumerate().find(|(_, m)| m.partition.is_empty() != m.peer.is_empty())?;
        let service = if redirect.service.is_empty() { &key.service } else { &redirect.service };
        let namespace = if redirect.namespace.is_empty() { &key.namespace } else { &redirect.namespace };
        let first = self.key(&Opts {
            service,
            namespace,
            partition: if m.peer.is_empty() { &m.partition } else { "" },
            peer: &m.peer,
            ..Opts::default()
        });
        let label = format!("the Redirect of service-resolver `{}` to sameness group `{}`", r.name, g.name);
        let why = Ref::from_meta(format!("{label}, member #{} ({})", i + 1, m.describe()), &m.origin).in_resolver(r);
        Some(GroupRedirect { name: g.name.clone(), partition: key.partition.clone(), first, why, label, at })
    }

    /// The failover a redirect to a sameness group gives its target: the group's other members.
    fn group_redirect_failover(&mut self, g: &GroupRedirect, r: Option<&ServiceResolver>) -> Option<Failover> {
        let group = self.idx.sameness_group(&g.name, &g.partition)?;
        let mut targets = Vec::new();
        self.group_targets(&g.first, group, &g.label, r, &mut targets);
        if targets.is_empty() {
            return None;
        }
        Some(Failover { key: "*".to_string(), targets, sameness_group: g.name.clone(), origin: self.origin(g.at) })
    }

    /// The target found: check its subset, record it, and (for a primary target) build its node
    /// and failover.
    fn resolved(
        &mut self,
        key: Key,
        resolver: Option<&ServiceResolver>,
        why: &Ref,
        for_failover: bool,
        group: Option<&GroupRedirect>,
    ) -> String {
        let id = key.id();
        if !key.subset.is_empty() && !resolver.is_some_and(|r| r.has_subset(&key.subset)) {
            self.missing_subset(&key, resolver, why);
        }
        let connect_timeout = resolver.map_or(DEFAULT_CONNECT_TIMEOUT, ServiceResolver::connect_timeout);
        let sd = if key.peer.is_empty() { self.idx.service_defaults(&key.sid()) } else { None };
        let external = sd.filter(|sd| !sd.external_sni.is_empty());
        if let (Some(sd), Some(r)) = (external, resolver) {
            self.external_with_resolver(sd, r);
        }
        if !self.targets.contains_key(&id) {
            let target = self.target(&key, resolver, external, connect_timeout, why);
            self.targets.insert(id.clone(), target);
        }
        if for_failover {
            return id;
        }
        let node_id = resolver_id(&id);
        let node = ResolverNode {
            id: node_id.clone(),
            name: id.clone(),
            target: id.clone(),
            default: resolver.is_none_or(ServiceResolver::is_default),
            connect_timeout,
            request_timeout: resolver.and_then(|r| nonzero(r.request_timeout)),
            failover: None,
            load_balancer: resolver.and_then(|r| r.load_balancer.as_ref()).map(summarize_lb),
            origin: resolver.map(|r| self.origin(r.origin.span)),
        };
        // Recorded before failover is followed, so a failover back here finds it.
        self.nodes.insert(node_id.clone(), Node::Resolver(node));
        let failover = match resolver {
            Some(r) => self.failover(&key, r),
            None => None,
        };
        // The target's own failover first (Consul resolves the member with its own resolver), then
        // the rest of a sameness group it was redirected to, then the partition's default group.
        let failover = match (failover, group) {
            (Some(f), _) => Some(f),
            (None, Some(g)) => self.group_redirect_failover(g, resolver),
            (None, None) if !resolver.is_some_and(|r| r.has_failover_for(&key.subset)) => {
                self.default_group_failover(&key)
            }
            (None, None) => None,
        };
        if let (Some(f), Some(Node::Resolver(node))) = (failover, self.nodes.get_mut(&node_id)) {
            node.failover = Some(f);
        }
        id
    }

    fn target(
        &self,
        key: &Key,
        resolver: Option<&ServiceResolver>,
        external: Option<&ServiceDefaults>,
        connect_timeout: Duration,
        why: &Ref,
    ) -> Target {
        let subset = resolver.and_then(|r| r.subset(&key.subset));
        let sni = match (external, key.peer.is_empty()) {
            (Some(sd), _) => sd.external_sni.clone(),
            (None, true) => Sni::service(
                Some(&key.subset),
                &key.service,
                &key.namespace,
                &key.partition,
                &key.datacenter,
                &self.settings.trust_domain,
            )
            .to_string(),
            // The name the peer answers for this cluster: one rule, the settings'.
            (None, false) => self.settings.peer_dial_sni(&key.service, &key.namespace, "default", &key.peer),
        };
        Target {
            id: key.id(),
            service: key.service.clone(),
            service_subset: key.subset.clone(),
            namespace: key.namespace.clone(),
            partition: key.partition.clone(),
            datacenter: key.datacenter.clone(),
            peer: key.peer.clone(),
            sni,
            external: external.is_some(),
            mesh_gateway: if external.is_some() { GatewayMode::Default } else { self.gateway_mode(&key.sid()) },
            filter: subset.map(|s| s.filter.clone()).unwrap_or_default(),
            only_passing: subset.is_some_and(|s| s.only_passing),
            connect_timeout,
            origin: why.span().map(|s| self.origin(s)),
        }
    }

    /// service-defaults `MeshGateway` of the target's service, else proxy-defaults' of its
    /// partition.
    fn gateway_mode(&self, sid: &ServiceId) -> GatewayMode {
        let from_service = self.idx.service_defaults(sid).map(|sd| sd.mesh_gateway_mode()).unwrap_or_default();
        let mode = if from_service.is_set() {
            from_service
        } else {
            self.idx.proxy_defaults(&sid.partition).map(|pd| pd.mesh_gateway.mode).unwrap_or_default()
        };
        match mode {
            MeshGatewayMode::Unset => GatewayMode::Default,
            MeshGatewayMode::None => GatewayMode::None,
            MeshGatewayMode::Local => GatewayMode::Local,
            MeshGatewayMode::Remote => GatewayMode::Remote,
        }
    }

    fn peer_trust_domain(&mut self, key: &Key, why: &Ref) {
        if key.peer.is_empty() || self.settings.peer_trust_domains.contains_key(&key.peer) {
            return;
        }
        self.cx.push(
            Diagnostic::warning(
                Code::UnknownPeerTrustDomain,
                why.written.then_some(why.peer),
                format!("the trust domain of peer `{}` is unknown, so its SNI ends in a placeholder", key.peer),
            )
            .with_note("set it in the settings file: PeerTrustDomains = { \"<peer>\" = \"<uuid>.consul\" }"),
        );
    }

    fn missing_subset(&mut self, key: &Key, resolver: Option<&ServiceResolver>, why: &Ref) {
        // A resolver's references to its own subsets are checked with the entry (E0306).
        if why.in_resolver_of.as_deref() == Some(key.service.as_str()) || !why.written {
            return;
        }
        let (what, subset, service) = (&why.what, &key.subset, &key.service);
        let message = match resolver {
            Some(_) => format!(
                "{what} asks for subset `{subset}` of `{service}`, but the service-resolver of `{service}` does not define it"
            ),
            None => format!(
                "{what} asks for subset `{subset}` of `{service}`, but `{service}` has no service-resolver to define it"
            ),
        };
        let d = Diagnostic::error(Code::MissingReference, why.subset, message);
        let d = match resolver {
            None => d.with_note(format!(
                "define it in a service-resolver named `{service}`: Subsets = {{ {subset} = {{ Filter = \"…\" }} }}"
            )),
            Some(r) => {
                let names: Vec<&str> = r.subsets.names().collect();
                match crate::decode::suggest(&key.subset, &names) {
                    Some(s) => d.with_note(format!("help: did you mean `{s}`?")).with_fix(s),
                    None if names.is_empty() => {
                        d.with_note(format!("the service-resolver at {} defines no subsets", self.here(r.origin.span)))
                    }
                    None => {
                        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                        d.with_note(format!("defined subsets: {}", quoted.join(", ")))
                    }
                }
            }
        };
        self.cx.push(d);
    }

    fn external_with_resolver(&mut self, sd: &ServiceDefaults, r: &ServiceResolver) {
        let fields = [
            ("subsets", !r.subsets.is_empty(), "Subsets"),
            ("redirect", r.redirect.is_some(), "a Redirect"),
            ("failover", !r.failover.is_empty(), "Failover"),
        ];
        for (field, set, what) in fields {
            if set {
                self.cx.push(
                    Diagnostic::error(
                        Code::ExternalServiceResolver,
                        r.origin.field(field),
                        format!(
                            "service `{}` is external (ExternalSNI \"{}\" at {}), so its service-resolver cannot define {what}",
                            r.name,
                            sd.external_sni,
                            self.here(sd.origin.field("external_sni"))
                        ),
                    )
                    .with_note("Consul rejects subsets, redirects and failover for services outside the mesh"),
                );
            }
        }
    }

    /// The failover of a primary target: the entry for its subset, else `*`.
    fn failover(&mut self, key: &Key, r: &ServiceResolver) -> Option<Failover> {
        let item =
            r.failover.iter().find(|i| i.name == key.subset).or_else(|| r.failover.iter().find(|i| i.name == "*"))?;
        let f: &ResolverFailover = &item.value;
        let label = format!("Failover[\"{}\"] of service-resolver `{}`", item.name, r.name);
        let own_id = key.id();
        let mut targets = Vec::new();
        for (i, t) in f.effective_targets().iter().enumerate() {
            let next = self.rewrite(key, &Opts::failover(t));
            if next.id() == own_id {
                continue;
            }
            let why = match f.targets.get(i) {
                Some(written) => Ref::from_meta(format!("{label}.Targets[{i}]"), &written.origin),
                None => Ref::from_meta(label.clone(), &f.origin),
            }
            .in_resolver(r);
            self.peer_trust_domain(&next, &why);
            targets.push(self.resolve(next, &why, true));
        }
        if !f.sameness_group.is_empty() {
            match self.idx.sameness_group(&f.sameness_group, &key.partition) {
                Some(group) => {
                    let label = format!("{label} (sameness group `{}`)", group.name);
                    self.group_targets(key, group, &label, Some(r), &mut targets);
                }
                None => self.unknown_group(&f.sameness_group, &key.partition, f.origin.field("sameness_group")),
            }
        }
        if targets.is_empty() && f.sameness_group.is_empty() {
            return None;
        }
        Some(Failover {
            key: item.name.clone(),
            targets,
            sameness_group: f.sameness_group.clone(),
            origin: self.origin(f.origin.span),
        })
    }

    /// A target with no failover of its own fails over through its partition's sameness group
    /// with `DefaultForFailover = true`, if there is one. Peers' targets are not expanded.
    fn default_group_failover(&mut self, key: &Key) -> Option<Failover> {
        if !key.peer.is_empty() {
            return None;
        }
        let group = self.idx.default_sameness_group(&key.partition)?;
        let label = format!("sameness group `{}` (DefaultForFailover)", group.name);
        let mut targets = Vec::new();
        self.group_targets(key, group, &label, None, &mut targets);
        if targets.is_empty() {
            return None;
        }
        Some(Failover {
            key: "*".to_string(),
            targets,
            sameness_group: group.name.clone(),
            origin: self.origin(group.origin.field("default_for_failover")),
        })
    }

    /// The group's members as failover targets of `key`, in member order: a partition member is
    /// the service in that partition of this datacenter, a peer member the service that peer
    /// exports. Same service name and namespace, no subset; the primary target itself (the local
    /// partition, listed first with `IncludeLocal`) and targets already listed are skipped.
    fn group_targets(
        &mut self,
        key: &Key,
        group: &SamenessGroup,
        label: &str,
        resolver: Option<&ServiceResolver>,
        targets: &mut Vec<String>,
    ) {
        // A partition member is in this datacenter: `key` picks the chain's when none is given.
        let own_id = key.id();
        for (i, m) in group.members.iter().enumerate() {
            if m.partition.is_empty() == m.peer.is_empty() {
                continue; // reported when the entry was validated (E0327)
            }
            let next = self.key(&Opts {
                service: &key.service,
                namespace: &key.namespace,
                partition: if m.peer.is_empty() { &m.partition } else { "" },
                peer: &m.peer,
                ..Opts::default()
            });
            if next.id() == own_id {
                continue;
            }
            let mut why = Ref::from_meta(format!("{label}, member #{} ({})", i + 1, m.describe()), &m.origin);
            if let Some(r) = resolver {
                why = why.in_resolver(r);
            }
            self.peer_trust_domain(&next, &why);
            let id = self.resolve(next, &why, true);
            if !targets.contains(&id) && id != own_id {
                targets.push(id);
            }
        }
    }

    fn unknown_group(&mut self, name: &str, partition: &str, at: Span) {
        self.cx.push(
            Diagnostic::warning(
                Code::UnknownSamenessGroup,
                at,
                format!(
                    "sameness group `{name}` is not defined in partition `{partition}`: it adds no failover targets"
                ),
            )
            .with_note(format!(
                "define it: Kind = \"sameness-group\", Name = \"{name}\", Partition = \"{partition}\", Members = [...]"
            )),
        );
    }

    // ---- after assembly ----

    /// Replaces every split that leads to another splitter by that splitter's splits, weights
    /// multiplied and header changes merged (Consul flattens nested splitters).
    fn flatten_splitters(&mut self) {
        let ids: Vec<String> =
            self.nodes.iter().filter(|(_, n)| matches!(n, Node::Splitter(_))).map(|(id, _)| id.clone()).collect();
        let flattened: Vec<(String, Vec<Split>)> =
            ids.into_iter().map(|id| (id.clone(), self.flat_splits(&id, 0))).collect();
        for (id, splits) in flattened {
            if let Some(Node::Splitter(s)) = self.nodes.get_mut(&id) {
                s.splits = splits;
            }
        }
    }

    fn flat_splits(&self, id: &str, depth: usize) -> Vec<Split> {
        let Some(Node::Splitter(node)) = self.nodes.get(id) else { return Vec::new() };
        let mut out = Vec::new();
        for split in &node.splits {
            match self.nodes.get(&split.next_node) {
                Some(Node::Splitter(_)) if depth < MAX_SPLIT_DEPTH => {
                    for inner in self.flat_splits(&split.next_node, depth + 1) {
                        out.push(merge_split(split, inner));
                    }
                }
                _ => out.push(split.clone()),
            }
        }
        out
    }

    /// The nodes reachable from the start, in the order first reached (breadth first).
    fn reachable_nodes(&mut self, start: &str) -> Vec<Node> {
        let mut out = Vec::new();
        let mut seen = SortedSet::new();
        let mut queue = VecDeque::from([start.to_string()]);
        while let Some(id) = queue.pop_front() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let Some(node) = self.nodes.remove(&id) else { continue };
            match &node {
                Node::Router(r) => queue.extend(r.routes.iter().map(|r| r.next_node.clone())),
                Node::Splitter(s) => queue.extend(s.splits.iter().map(|s| s.next_node.clone())),
                Node::Resolver(_) => {}
            }
            out.push(node);
        }
        out
    }
}

fn resolver_id(target: &str) -> String {
    format!("resolver:{target}")
}

fn nonzero(d: Duration) -> Option<Duration> {
    (d.nanos != 0).then_some(d)
}

/// An outer split through which `inner` is reached: the share multiplies, header changes merge
/// (the inner split's win for the same header; removals add up), as Consul's `MergeParent`.
fn merge_split(outer: &Split, inner: Split) -> Split {
    let h = multiply_hundredths(outer.weight_hundredths, inner.weight_hundredths);
    let mut via = outer.via.clone();
    via.push(outer.origin.clone());
    via.extend(inner.via);
    Split {
        weight: hundredths_to_weight(h),
        weight_hundredths: h,
        request_headers: merge_headers(&outer.request_headers, inner.request_headers),
        response_headers: merge_headers(&outer.response_headers, inner.response_headers),
        via,
        ..inner
    }
}

fn merge_headers(
    outer: &Option<HttpHeaderModifiers>,
    inner: Option<HttpHeaderModifiers>,
) -> Option<HttpHeaderModifiers> {
    let Some(outer) = outer else { return inner };
    let Some(inner) = inner else { return Some(outer.clone()) };
    let mut merged = outer.clone();
    merged.add.extend(inner.add);
    merged.set.extend(inner.set);
    for r in inner.remove {
        if !merged.remove.contains(&r) {
            merged.remove.push(r);
        }
    }
    Some(merged)
}

/// Consul's rule for an ingress-gateway listener: the discovery chain of each service it exposes
/// by name (`*` takes only the services that fit, so it is not checked) speaks exactly the
/// listener's protocol. Writing the ingress-gateway entry refuses any difference (an http
/// listener refuses a grpc chain too); a later write elsewhere lets one case through: a tcp
/// listener in front of a chain of another protocol whose start node is a resolver (no router,
/// no splitter). That state can exist in Consul, so it is a warning here; every other mismatch is
/// an error.
pub fn check_ingress_protocols(ws: &Workspace, chains: &[DiscoveryChain], cx: &mut Cx) {
    for entry in ws.entries() {
        let ConfigEntry::IngressGateway(gw) = entry else { continue };
        for (listener, svc) in gw.services() {
            if svc.is_wildcard() {
                continue;
            }
            let (ns, ap) = (svc.namespace_or(gw), svc.partition_or(gw));
            let Some(chain) = chains
                .iter()
                .find(|c| c.service == svc.name && c.namespace == or_default(ns) && c.partition == or_default(ap))
            else {
                continue;
            };
            let listener_protocol = listener.protocol.as_str();
            if chain.protocol.as_str() == listener_protocol {
                continue;
            }
            let tolerated = listener_protocol == "tcp" && chain.start_node.starts_with("resolver:");
            let message = format!(
                "ingress-gateway `{}` exposes `{}` on its {} listener (port {}), but the discovery chain of `{}` speaks {} ({})",
                gw.name,
                svc.name,
                listener_protocol,
                listener.port,
                svc.name,
                chain.protocol.as_str(),
                chain.protocol_source
            );
            let span = svc.origin.field("name");
            let d = if tolerated {
                Diagnostic::warning(Code::ProtocolMismatch, span, message).with_note(
                    "Consul refuses this when the ingress-gateway entry is written (protocols must be equal), and lets it through only when the service's protocol changes afterwards: its chain has no router or splitter, so the tcp listener forwards connections to it",
                )
            } else {
                Diagnostic::error(Code::ProtocolMismatch, span, message).with_note(
                    "Consul refuses this entry: a listener's protocol must equal the protocol of each service it exposes by name (\"service … has protocol …, which does not match defined listener protocol …\")",
                )
            };
            cx.push(d);
        }
    }
}
