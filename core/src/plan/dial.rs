//! Where a gateway or sidecar sends a route target's traffic, and the mTLS it speaks there: the
//! one place that knows, used by `meshgate envoy` (clusters) and the views (`routes`, the
//! playground).
//!
//! - A target in the caller's datacenter: its **Connect endpoints** (sidecars, connect proxies,
//!   Connect-native instances; never the application's own port), filtered by the subset's
//!   `Service.Meta.<key> == <value>` filter on the tags and meta each endpoint carries; or, for a
//!   service a terminating gateway of that datacenter links, that **terminating gateway** (which
//!   presents the service's identity).
//! - A target in another datacenter, by mesh gateway mode: `none` dials its Connect endpoints
//!   there directly; `local` the caller's own datacenter's mesh gateways; `remote` (a gateway's
//!   default) the target datacenter's mesh gateways. Gateways route by the target's SNI and pass
//!   the mTLS through: it stays end to end with the target.
//! - A peer's exported service: the peer's mesh gateways (from the settings' `Peers` block), or
//!   the local mesh gateways in `local` mode; the SNI is the one the peer answers
//!   ([`crate::settings::Settings::peer_dial_sni`]), the server's certificate chains to the
//!   peer's CA and carries a SPIFFE ID of the peer's trust domain naming the service.
//!
//! Every dial presents the caller's own certificate (a gateway's name, a sidecar's service) and
//! requires the server to present the target service's SPIFFE ID.

use super::endpoints::ConnectEndpoint;
use super::gateways::mesh::MeshDestination;
use super::gateways::sidecar::SidecarUpstream;
use super::gateways::{GatewayKind, GatewayRoutes, RouteTable, RouteTarget};
use super::upstreams::Mode;
use super::Plan;
use crate::identity::ServiceId;
use crate::names::SpiffeId;
use crate::sorted::SortedMap;
use crate::workspace::{Entries, Workspace};
use serde::{Deserialize, Serialize};

/// Who dials.
#[derive(Clone, Debug)]
pub struct Caller {
    pub datacenter: String,
    /// Its admin partition: traffic to another partition goes through mesh gateways.
    pub partition: String,
    /// The SPIFFE ID of the certificate it presents.
    pub identity: String,
    /// The file name stem of that certificate in the certificate directory (`<name>.pem`).
    pub cert_name: String,
    /// How targets outside its datacenter or partition are reached (`None`: a gateway's default,
    /// `remote`).
    pub mode: Option<Mode>,
}

impl Caller {
    /// A gateway dials as itself.
    pub fn gateway(g: &GatewayRoutes) -> Caller {
        let cert_name = match &g.routes {
            RouteTable::Sidecar(t) => t.inbound.service.name.clone(),
            _ => g.gateway.name.clone(),
        };
        Caller {
            datacenter: g.gateway.datacenter.clone(),
            partition: crate::identity::or_default(&g.gateway.partition).to_string(),
            identity: g.gateway.spiffe_id.clone(),
            cert_name,
            mode: None,
        }
    }
}

/// How the traffic gets there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// The target's Connect endpoints.
    ConnectEndpoints,
    /// A terminating gateway that links the service.
    TerminatingGateway,
    /// The caller's datacenter's mesh gateways.
    LocalMeshGateway,
    /// The target datacenter's mesh gateways.
    RemoteMeshGateway,
    /// The peer's mesh gateways.
    PeerMeshGateway,
}

impl Via {
    pub fn describe(self) -> &'static str {
        match self {
            Via::ConnectEndpoints => "Connect endpoints",
            Via::TerminatingGateway => "terminating gateway",
            Via::LocalMeshGateway => "local mesh gateway",
            Via::RemoteMeshGateway => "remote mesh gateway",
            Via::PeerMeshGateway => "peer's mesh gateway",
        }
    }
}

/// What the server must present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "match", content = "value", rename_all = "kebab-case")]
pub enum SanMatch {
    /// Exactly this URI SAN.
    Exact(String),
    /// A URI SAN matching this RE2 pattern (a peer's service, in whichever datacenter).
    Regex(String),
}

impl SanMatch {
    pub fn describe(&self) -> String {
        match self {
            SanMatch::Exact(s) => s.clone(),
            SanMatch::Regex(r) => format!("~{r}"),
        }
    }
}

/// One target's dial.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Dial {
    /// `address:port`, sorted.
    pub endpoints: Vec<String>,
    pub via: Via,
    pub sni: String,
    /// The SPIFFE ID the caller presents.
    pub presents: String,
    /// What the server must present.
    pub expects: SanMatch,
    /// The peer whose CA the server's certificate chains to (empty: the mesh CA).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub peer: String,
    /// Why the traffic fails (no endpoint, no gateway), when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub problem: Option<String>,
    /// A subset filter that could not be read: every endpoint is used.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unread_filter: Option<String>,
}

/// Resolves dials against one plan.
pub struct Dialer<'a> {
    plan: &'a Plan,
    entries: Entries<'a>,
}

impl<'a> Dialer<'a> {
    pub fn new(ws: &'a Workspace, plan: &'a Plan) -> Dialer<'a> {
        Dialer { plan, entries: Entries::new(ws, &plan.settings.partition) }
    }

    /// What secures the plan's listeners and routes, in words.
    pub fn security(&self) -> crate::plan::gateways::security::Security<'_> {
        crate::plan::gateways::security::Security { entries: &self.entries, intentions: &self.plan.intentions }
    }

    /// How `caller` reaches `t`.
    pub fn dial(&self, caller: &Caller, t: &RouteTarget) -> Dial {
        let settings = &self.plan.settings;
        let mut out = Dial {
            endpoints: Vec::new(),
            via: Via::ConnectEndpoints,
            sni: t.sni.clone(),
            presents: caller.identity.clone(),
            expects: SanMatch::Exact(String::new()),
            peer: String::new(),
            problem: None,
            unread_filter: None,
        };
        if !t.peer.is_empty() {
            let td = settings.peer_trust_domains.get(&t.peer).cloned().unwrap_or_default();
            out.sni = settings.peer_dial_sni(&t.service, &t.namespace, "default", &t.peer);
            out.expects = SanMatch::Regex(peer_service_pattern(&td, &t.partition, &t.namespace, &t.service));
            out.peer = t.peer.clone();
            if caller.mode == Some(Mode::Local) {
                out.via = Via::LocalMeshGateway;
                out.endpoints = self.mesh_gateways_in(&caller.datacenter, &caller.partition);
            } else {
                out.via = Via::PeerMeshGateway;
                out.endpoints = settings.peers.get(&t.peer).map(|p| p.mesh_gateways.clone()).unwrap_or_default();
            }
            if td.is_empty() {
                out.problem = Some(format!("the trust domain of peer `{}` is unknown (settings: Peers)", t.peer));
            } else if out.endpoints.is_empty() {
                out.problem = Some(match out.via {
                    Via::LocalMeshGateway => no_mesh_gateway(&caller.datacenter, &caller.partition),
                    _ => format!(
                        "the settings give no mesh gateway of peer `{}` (Peers.{}.MeshGateways)",
                        t.peer, t.peer
                    ),
                });
            }
            return self.finish(out);
        }
        let dc = if t.datacenter.is_empty() { caller.datacenter.as_str() } else { t.datacenter.as_str() };
        out.expects = SanMatch::Exact(
            SpiffeId::service(&settings.trust_domain, &t.partition, &t.namespace, dc, &t.service).to_string(),
        );
        let partition = crate::identity::or_default(&t.partition);
        let same_partition = partition == caller.partition;
        if dc == caller.datacenter && same_partition {
            match self.terminating_gateways_of(&t.service_ref(), dc) {
                Some(gateways) => {
                    out.via = Via::TerminatingGateway;
                    out.endpoints = gateways;
                }
                None => {
                    let (endpoints, unread) = self.connect_endpoints(&t.service_ref(), dc, &t.subset);
                    out.endpoints = endpoints;
                    out.unread_filter = unread;
                    if out.endpoints.is_empty() {
                        out.problem = Some(no_connect_endpoint(&t.service_ref(), &t.subset, dc));
                    }
                }
            }
            return self.finish(out);
        }
        // Another partition is reached only through mesh gateways, whatever the mode says.
        let mode = match caller.mode.unwrap_or(Mode::Remote) {
            Mode::None if !same_partition => Mode::Remote,
            m => m,
        };
        match mode {
            Mode::None => {
                let (endpoints, unread) = self.connect_endpoints(&t.service_ref(), dc, &t.subset);
                out.endpoints = endpoints;
                out.unread_filter = unread;
                if out.endpoints.is_empty() {
                    out.problem = Some(format!("`{}` has no Connect endpoint in {dc}", t.service_ref().label()));
                }
            }
            Mode::Local => {
                out.via = Via::LocalMeshGateway;
                out.endpoints = self.mesh_gateways_in(&caller.datacenter, &caller.partition);
                if out.endpoints.is_empty() {
                    out.problem = Some(no_mesh_gateway(&caller.datacenter, &caller.partition));
                }
            }
            Mode::Remote => {
                out.via = Via::RemoteMeshGateway;
                out.endpoints = self.mesh_gateways_in(dc, partition);
                if out.endpoints.is_empty() {
                    out.problem = Some(no_mesh_gateway(dc, partition));
                }
            }
        }
        self.finish(out)
    }

    fn finish(&self, mut d: Dial) -> Dial {
        crate::sorting::sort(&mut d.endpoints);
        d.endpoints.dedup();
        d
    }

    /// The Connect endpoints of a service in a datacenter, filtered by a subset's filter; the
    /// filter's text when it could not be read (every endpoint is then used).
    pub fn connect_endpoints(
        &self,
        service: &ServiceId,
        datacenter: &str,
        subset: &str,
    ) -> (Vec<String>, Option<String>) {
        let (filter, unread) = match self.subset_filter(service, subset) {
            Some(Ok(f)) => (Some(f), None),
            Some(Err(text)) => (None, Some(text)),
            None => (None, None),
        };
        let endpoints = self
            .plan
            .endpoints
            .iter()
            .filter(|e| &e.service == service && e.datacenter == datacenter)
            .filter(|e| filter.as_ref().is_none_or(|f| f.matches(e)))
            .map(ConnectEndpoint::socket)
            .collect();
        (endpoints, unread)
    }

    fn subset_filter(&self, service: &ServiceId, subset: &str) -> Option<Result<SubsetFilter, String>> {
        if subset.is_empty() {
            return None;
        }
        let text = &self.entries.service_resolver(service)?.subsets.get(subset)?.filter;
        if text.is_empty() {
            return None;
        }
        Some(SubsetFilter::parse(text).ok_or_else(|| text.clone()))
    }

    /// The terminating gateways in `datacenter` that link `service`.
    pub fn terminating_gateways_of(&self, service: &ServiceId, datacenter: &str) -> Option<Vec<String>> {
        let found: Vec<String> = self
            .plan
            .gateways
            .iter()
            .filter(|g| g.gateway.datacenter == datacenter)
            .filter(|g| match &g.routes {
                RouteTable::TerminatingGateway(t) => t.services.iter().any(|l| &l.service == service),
                _ => false,
            })
            .map(|g| g.gateway.listener())
            .collect();
        (!found.is_empty()).then_some(found)
    }

    /// Where a mesh gateway in `datacenter` forwards the connections of one SNI row: the local
    /// service's Connect endpoints (or the terminating gateways that link it), an exported
    /// service's Connect endpoints, or the gateways the row names. Connections pass through: the
    /// mTLS stays the client's, so there is no identity here.
    pub fn forward(&self, datacenter: &str, d: &MeshDestination) -> Forward {
        let mut out = Forward { endpoints: Vec::new(), via: Via::ConnectEndpoints, problem: None, unread_filter: None };
        match d {
            MeshDestination::LocalService { service, subset, .. } => {
                match self.terminating_gateways_of(service, datacenter) {
                    Some(gateways) => {
                        out.via = Via::TerminatingGateway;
                        out.endpoints = gateways;
                    }
                    None => (out.endpoints, out.unread_filter) = self.connect_endpoints(service, datacenter, subset),
                }
            }
            MeshDestination::ExportedService { service, .. } => {
                out.endpoints = self.connect_endpoints(service, datacenter, "").0;
            }
            MeshDestination::RemoteGateways { gateways, datacenter: there, .. } => {
                out.via = Via::RemoteMeshGateway;
                out.endpoints = gateways.clone();
                if out.endpoints.is_empty() {
                    out.problem = Some(format!("no mesh gateway is registered in {there}"));
                }
            }
            MeshDestination::PeerGateways { gateways, peer, .. } => {
                out.via = Via::PeerMeshGateway;
                out.endpoints = gateways.clone();
                if out.endpoints.is_empty() {
                    out.problem =
                        Some(format!("the settings give no mesh gateway of peer `{peer}` (Peers.{peer}.MeshGateways)"));
                }
            }
        }
        if let (Some(service), true) = (d.service(), out.endpoints.is_empty()) {
            let subset = match d {
                MeshDestination::LocalService { subset, .. } => subset.as_str(),
                _ => "",
            };
            out.problem = Some(no_connect_endpoint(&service, subset, datacenter));
        }
        crate::sorting::sort(&mut out.endpoints);
        out.endpoints.dedup();
        out
    }

    /// The mesh gateways registered in `datacenter`.
    pub fn mesh_gateways_in(&self, datacenter: &str, partition: &str) -> Vec<String> {
        self.plan
            .gateways
            .iter()
            .filter(|g| {
                g.gateway.kind == GatewayKind::MeshGateway
                    && g.gateway.datacenter == datacenter
                    && crate::identity::or_default(&g.gateway.partition) == partition
            })
            .map(|g| g.gateway.listener())
            .collect()
    }
}

/// No mesh gateway where one is needed.
fn no_mesh_gateway(datacenter: &str, partition: &str) -> String {
    if crate::identity::is_default(partition) {
        format!("no mesh gateway is registered in {datacenter}")
    } else {
        format!("no mesh gateway is registered in {datacenter}, partition {partition}")
    }
}

/// Why a service (or one of its subsets) cannot be reached in a datacenter.
fn no_connect_endpoint(service: &ServiceId, subset: &str, datacenter: &str) -> String {
    let what = "Connect endpoint (sidecar, connect proxy or Connect-native instance)";
    if subset.is_empty() {
        format!("`{}` has no {what} in {datacenter}", service.label())
    } else {
        format!("`{}` has no {what} in {datacenter} that subset `{subset}`'s filter selects", service.label())
    }
}

/// Where a mesh gateway sends one SNI row's connections (see [`Dialer::forward`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Forward {
    /// `address:port`, sorted.
    pub endpoints: Vec<String>,
    pub via: Via,
    /// Why the connections fail (no endpoint, no gateway), when they do.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub problem: Option<String>,
    /// A subset filter that could not be read: every endpoint is used.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub unread_filter: Option<String>,
}

/// A peer's service, in any of its datacenters: `spiffe://<td>[/ap/<ap>]/ns/<ns>/dc/…/svc/<svc>`.
fn peer_service_pattern(td: &str, partition: &str, namespace: &str, service: &str) -> String {
    let q = |s: &str| crate::re2::escape(s);
    let ap = crate::identity::or_default(partition);
    let ap = if ap == crate::identity::DEFAULT { format!("(ap/{}/)?", q(ap)) } else { format!("ap/{}/", q(ap)) };
    format!("^spiffe://{}/{ap}ns/{}/dc/[^/]+/svc/{}$", q(td), q(crate::identity::or_default(namespace)), q(service))
}

/// A subset filter of the form `Service.Meta.<key> == <value>` (or `!=`), clauses joined by
/// `and`; `Service.Tags contains <tag>` too.
#[derive(Clone, Debug)]
struct SubsetFilter {
    clauses: Vec<Clause>,
}

#[derive(Clone, Debug)]
enum Clause {
    Meta { key: String, equal: bool, value: String },
    Tag { tag: String, present: bool },
}

impl SubsetFilter {
    fn parse(text: &str) -> Option<SubsetFilter> {
        let mut clauses = Vec::new();
        for clause in text.split(" and ") {
            let clause = clause.trim();
            if let Some((lhs, rhs)) = clause.split_once(" not contains ").or_else(|| clause.split_once(" contains ")) {
                if lhs.trim() != "Service.Tags" {
                    return None;
                }
                let present = !clause.contains(" not contains ");
                clauses.push(Clause::Tag { tag: unquote(rhs)?, present });
                continue;
            }
            let (lhs, equal, rhs) = if let Some((l, r)) = clause.split_once("!=") {
                (l, false, r)
            } else {
                let (l, r) = clause.split_once("==")?;
                (l, true, r)
            };
            let key = lhs.trim().strip_prefix("Service.Meta.")?;
            if key.is_empty() {
                return None;
            }
            clauses.push(Clause::Meta { key: key.to_string(), equal, value: unquote(rhs)? });
        }
        Some(SubsetFilter { clauses })
    }

    fn matches(&self, e: &ConnectEndpoint) -> bool {
        self.clauses.iter().all(|c| match c {
            Clause::Meta { key, equal, value } => (e.meta.get(key) == Some(value)) == *equal,
            Clause::Tag { tag, present } => e.tags.contains(tag) == *present,
        })
    }
}

fn unquote(s: &str) -> Option<String> {
    let s = s.trim();
    let inner = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(s);
    (!inner.is_empty() && !inner.contains(char::is_whitespace)).then(|| inner.to_string())
}

/// Every dial of a gateway's or sidecar's targets, by cluster (for the views).
pub fn dials(
    dialer: &Dialer<'_>,
    g: &GatewayRoutes,
    mode_of: impl Fn(&RouteTarget) -> Option<Mode>,
) -> SortedMap<String, Dial> {
    dials_of(dialer, &Caller::gateway(g), targets_of(g), mode_of)
}

/// The dials of `targets` and their failover targets, by cluster, the first of a cluster kept.
fn dials_of<'t>(
    dialer: &Dialer<'_>,
    caller: &Caller,
    targets: impl IntoIterator<Item = &'t RouteTarget>,
    mode_of: impl Fn(&RouteTarget) -> Option<Mode>,
) -> SortedMap<String, Dial> {
    let all: Vec<&RouteTarget> = targets.into_iter().flat_map(|t| std::iter::once(t).chain(&t.failover)).collect();
    // Each cluster's first target, with one sort (a gateway may route to thousands): collected
    // from the last back, so that the first is the one kept.
    let first: SortedMap<&str, &RouteTarget> = all.iter().rev().map(|t| (t.cluster.as_str(), *t)).collect();
    first
        .into_iter()
        .map(|(cluster, t)| {
            let c = Caller { mode: mode_of(t), ..caller.clone() };
            (cluster.to_string(), dialer.dial(&c, t))
        })
        .collect()
}

/// The dials of one sidecar upstream listener's targets (and their failover targets), by
/// cluster: as the sidecar, in the upstream's mesh gateway mode — what `meshgate envoy
/// --sidecar` gives that listener's clusters.
pub fn upstream_dials(dialer: &Dialer<'_>, g: &GatewayRoutes, u: &SidecarUpstream) -> SortedMap<String, Dial> {
    dials_of(dialer, &Caller::gateway(g), u.targets(), |_| Some(u.mesh_gateway_mode))
}

/// Every place one gateway or sidecar sends traffic, as `meshgate routes` and the playground show
/// it: what [`Dialer`] resolves for each of its targets or SNI rows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GatewayDials {
    /// Ingress and API gateways: each target's dial (failover targets too), by cluster.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub targets: SortedMap<String, Dial>,
    /// Sidecars: per upstream listener port, [`upstream_dials`].
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub upstreams: SortedMap<u16, SortedMap<String, Dial>>,
    /// Mesh gateways: per SNI row, where its connections are forwarded.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub forwards: SortedMap<String, Forward>,
}

impl GatewayDials {
    /// `g`'s dials, resolved by `dialer` (terminating gateways have none: they dial external
    /// addresses, which their table lists).
    pub fn of(dialer: &Dialer<'_>, g: &GatewayRoutes) -> GatewayDials {
        let mut out = GatewayDials::default();
        match &g.routes {
            RouteTable::IngressGateway(_) | RouteTable::ApiGateway(_) => out.targets = dials(dialer, g, |_| None),
            RouteTable::Sidecar(t) => {
                out.upstreams = t.upstreams.iter().map(|u| (u.port, upstream_dials(dialer, g, u))).collect();
            }
            RouteTable::MeshGateway(t) => {
                let dc = &g.gateway.datacenter;
                out.forwards = t.routes.iter().map(|r| (r.sni.clone(), dialer.forward(dc, &r.destination))).collect();
            }
            RouteTable::TerminatingGateway(_) => {}
        }
        out
    }
}

/// A gateway's or sidecar's routes with their dials: one element of `meshgate routes --json`
/// (the route table's own fields, then `dials`).
#[derive(Clone, Debug, Serialize)]
pub struct DialedRoutes<'g> {
    #[serde(flatten)]
    pub routes: &'g GatewayRoutes,
    pub dials: GatewayDials,
}

impl<'g> DialedRoutes<'g> {
    pub fn of(dialer: &Dialer<'_>, g: &'g GatewayRoutes) -> DialedRoutes<'g> {
        DialedRoutes { routes: g, dials: GatewayDials::of(dialer, g) }
    }
}

/// Every route target of a gateway or sidecar (ingress, API, sidecar upstreams).
pub fn targets_of(g: &GatewayRoutes) -> Vec<&RouteTarget> {
    let mut out = Vec::new();
    match &g.routes {
        RouteTable::IngressGateway(t) => {
            for l in &t.listeners {
                out.extend(l.hosts.iter().flat_map(|h| &h.routes).flat_map(|r| &r.targets));
                out.extend(l.tcp.iter().flat_map(|r| &r.targets));
            }
        }
        RouteTable::ApiGateway(t) => {
            for l in &t.listeners {
                out.extend(l.hosts.iter().flat_map(|h| &h.routes).flat_map(|r| &r.targets));
                out.extend(l.tcp.iter().flat_map(|r| &r.targets));
            }
        }
        RouteTable::Sidecar(t) => out.extend(t.upstreams.iter().flat_map(|u| u.targets())),
        RouteTable::MeshGateway(_) | RouteTable::TerminatingGateway(_) => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_filters_read_meta_and_tags() {
        let f =
            SubsetFilter::parse(r#"Service.Meta.version == "v2" and Service.Tags contains canary"#).expect("parsed");
        let mut e = ConnectEndpoint {
            service: ServiceId::new("api", "", ""),
            datacenter: "dc1".into(),
            address: "127.0.0.1".into(),
            port: 21000,
            kind: super::super::endpoints::EndpointKind::Sidecar,
            proxy: String::new(),
            port_assigned: false,
            tags: vec!["canary".into()],
            meta: SortedMap::from([("version".into(), "v2".into())]),
            origin: Default::default(),
        };
        assert!(f.matches(&e));
        e.tags.clear();
        assert!(!f.matches(&e));
        assert!(SubsetFilter::parse("Service.Meta.version matches v.*").is_none());
        assert!(SubsetFilter::parse("Service.Meta.version != v1").expect("parsed").matches(&e));
    }

    #[test]
    fn a_peer_service_may_live_in_any_of_its_datacenters() {
        let p = peer_service_pattern("peer.consul", "", "default", "billing");
        assert_eq!(p, r"^spiffe://peer\.consul/(ap/default/)?ns/default/dc/[^/]+/svc/billing$");
    }
}
