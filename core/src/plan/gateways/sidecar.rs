//! Sidecars: the Connect proxy in front of one service instance, configured as Consul configures
//! its own (`meshgate envoy --sidecar SERVICE`), from the same workspace and enforced by the same
//! filter as the gateways.
//!
//! - **Public listener** at the proxy's Connect endpoint (see [`crate::plan::endpoints`]): mesh
//!   clients' mTLS is terminated with the service's identity, a client certificate from the mesh
//!   CA is required, and the service's inbound intentions decide (L4 by the peer's SPIFFE ID; L7 as
//!   well for an http-like service). Allowed traffic goes to the local application:
//!   `local_service_address` (127.0.0.1) and `local_service_port` — for a `sidecar_service`, the
//!   service's own port; for a connect proxy registered on its own, the registration of the
//!   service it fronts (`destination_service_id`, else `destination_service_name`) in its
//!   datacenter. Intentions are thus enforced where Consul enforces them: at the destination.
//! - **Upstream listeners**, one per upstream bound to a port (`local_bind_address`, 127.0.0.1 by
//!   default): the upstream's discovery chain evaluated in the upstream's datacenter — an
//!   http-like upstream gets its router's routes, splits and rewrites, a tcp one its splitter's or
//!   resolver's targets; a peer's service is its one target. No intention is checked on the way
//!   out (the destination decides). Targets are dialled with mTLS as the service, by the mesh
//!   gateway mode [`crate::plan::upstreams`] resolves for the upstream.
//!
//! Sidecars are keyed by the proxy's service name (`web-sidecar-proxy`), with `@<datacenter>` when
//! two datacenters have one of that name.

use super::terminating::{LinkedRoute, TlsOrigination};
use super::{
    applicable, reduce_weights, Context, GatewayIdentity, GatewayKind, GatewayRoutes, HttpRoute, IntentionRef,
    RouteTable, RouteTarget, ServiceId, TcpRoute, VirtualHost,
};
use crate::identity::or_default;
use crate::intentions::{Intention, Origin};
use crate::model::service::ServiceKind;
use crate::names::{Sni, SpiffeId};
use crate::plan::endpoints::ConnectEndpoint;
use crate::plan::protocols::Protocol;
use crate::plan::upstreams::{proxies, Mode, ProxyAt, ProxyUpstreams, UpstreamResolution};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The cluster of the local application.
pub const LOCAL_APP_CLUSTER: &str = "local_app";

/// One sidecar's listeners.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SidecarTable {
    /// The public listener, as one linked service: the service, the SNI mesh clients send, the
    /// identity the proxy presents, and the local application as its endpoint.
    pub inbound: LinkedRoute,
    /// One listener per upstream bound to a port, ordered by port.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstreams: Vec<SidecarUpstream>,
}

/// One upstream listener.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SidecarUpstream {
    pub destination: ServiceId,
    /// The datacenter the chain is evaluated in (empty for a peer's service).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub datacenter: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub peer: String,
    /// Where the application dials it.
    pub address: String,
    pub port: u16,
    pub protocol: Protocol,
    /// How targets outside the proxy's datacenter and partition are dialled.
    pub mesh_gateway_mode: Mode,
    /// http-like upstreams: one virtual host for every authority, the chain's routes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<VirtualHost>,
    /// tcp upstreams.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpRoute>,
    /// The upstream as written.
    pub origin: Origin,
}

impl SidecarUpstream {
    /// Every target the listener can send to.
    pub fn targets(&self) -> impl Iterator<Item = &RouteTarget> {
        self.hosts
            .iter()
            .flat_map(|h| &h.routes)
            .flat_map(|r| &r.targets)
            .chain(self.tcp.iter().flat_map(|t| &t.targets))
    }
}

impl SidecarTable {
    /// The services the upstream listeners send to.
    pub fn upstream_services(&self) -> BTreeSet<ServiceId> {
        self.upstreams.iter().flat_map(|u| u.targets().map(RouteTarget::service_ref)).collect()
    }
}

/// Every proxy's sidecar routes, in registration order.
pub(crate) fn compile(
    cx: &Context<'_>,
    intentions: &[Intention],
    resolved: &[ProxyUpstreams],
    endpoints: &[ConnectEndpoint],
) -> Vec<GatewayRoutes> {
    let mut out: Vec<GatewayRoutes> =
        proxies(cx.ws).iter().map(|p| sidecar(cx, p, intentions, resolved, endpoints)).collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for s in &out {
        *counts.entry(s.gateway.key.clone()).or_default() += 1;
    }
    for s in &mut out {
        if counts.get(&s.gateway.key).copied().unwrap_or(0) > 1 {
            s.gateway.key = format!("{}@{}", s.gateway.key, s.gateway.datacenter);
        }
    }
    out
}

fn sidecar(
    cx: &Context<'_>,
    p: &ProxyAt<'_>,
    intentions: &[Intention],
    resolved: &[ProxyUpstreams],
    endpoints: &[ConnectEndpoint],
) -> GatewayRoutes {
    let td = &cx.settings.trust_domain;
    let dc = if p.datacenter.is_empty() { cx.settings.datacenter.clone() } else { p.datacenter.to_string() };
    let partition = cx.partition_of(p.partition).to_string();
    let namespace = or_default(p.namespace).to_string();
    let service = ServiceId::new(&p.service, &namespace, &partition);
    let mut notes = Vec::new();
    let own = p.sidecar.unwrap_or(p.registration);
    let origin = cx.origin(own.origin.span);

    let endpoint = endpoints.iter().find(|e| e.proxy == p.name && e.datacenter == dc && e.service == service);
    let (address, port) = match endpoint {
        Some(e) => (e.address.clone(), e.port),
        None => {
            notes
                .push(format!("the proxy `{}` gives no port: it has no public listener mesh clients can dial", p.name));
            ("127.0.0.1".to_string(), crate::plan::endpoints::SIDECAR_MIN_PORT)
        }
    };
    if endpoint.is_some_and(|e| e.port_assigned) {
        notes.push(format!("public listener port {port} is assumed: the registration gives none (W0408)"));
    }

    let app_address =
        if p.config.local_service_address.is_empty() { "127.0.0.1" } else { p.config.local_service_address.as_str() };
    let app_port = p.config.local_service_port.or_else(|| local_service_port(cx, p, &dc));
    if app_port.is_none() {
        notes.push(format!(
            "no local application port: set `proxy {{ local_service_port = … }}` or register `{}` with a port in {dc}",
            p.service
        ));
    }
    let protocol = cx.protocols.protocol(&service.name, &service.namespace, &service.partition);
    let identity = SpiffeId::service(td, &partition, &namespace, &dc, &service.name).to_string();
    let destinations = BTreeSet::from([service.clone()]);
    let refs: Vec<IntentionRef> =
        applicable(intentions, None, &destinations).into_iter().map(IntentionRef::of).collect();
    let inbound = LinkedRoute {
        sni: Sni::service(None, &service.name, &namespace, &partition, &dc, td).to_string(),
        cluster: LOCAL_APP_CLUSTER.to_string(),
        identity: identity.clone(),
        protocol,
        endpoints: app_port.map(|port| format!("{app_address}:{port}")).into_iter().collect(),
        tls: TlsOrigination::default(),
        // A sidecar hands the application the request as the client sent it.
        disable_auto_host_rewrite: true,
        via_wildcard: false,
        intentions: refs.clone(),
        notes: Vec::new(),
        origin: origin.clone(),
        service,
    };

    let resolutions = resolved.iter().find(|r| r.proxy == p.name && r.datacenter == dc);
    let mut upstreams: Vec<SidecarUpstream> = p
        .config
        .upstreams
        .iter()
        .enumerate()
        .filter_map(|(i, u)| {
            let r = resolutions.and_then(|r| r.upstreams.get(i))?;
            let port = u.local_bind_port?;
            let address = if u.local_bind_address.is_empty() { "127.0.0.1" } else { u.local_bind_address.as_str() };
            Some(upstream(cx, r, address, port, &mut notes))
        })
        .collect();
    upstreams.sort_by_key(|u| u.port);

    let gateway = GatewayIdentity {
        key: p.name.clone(),
        name: p.name.clone(),
        kind: GatewayKind::ConnectProxy,
        datacenter: dc,
        partition,
        namespace,
        address,
        port,
        spiffe_id: identity,
        origin,
    };
    GatewayRoutes { gateway, routes: RouteTable::Sidecar(SidecarTable { inbound, upstreams }), intentions: refs, notes }
}

/// A connect proxy registered on its own serves the instance it names: `destination_service_id`
/// (a registration's id), else the first registration of `destination_service_name`, in the
/// proxy's datacenter.
fn local_service_port(cx: &Context<'_>, p: &ProxyAt<'_>, dc: &str) -> Option<u16> {
    if p.sidecar.is_some() {
        return p.registration.port;
    }
    let in_dc = |s: &&crate::model::service::ServiceDefinition| {
        (if s.datacenter.is_empty() { cx.settings.datacenter.as_str() } else { s.datacenter.as_str() }) == dc
            && s.kind == ServiceKind::Typical
    };
    let by_id = (!p.config.destination_service_id.is_empty())
        .then(|| cx.ws.services().filter(in_dc).find(|s| s.id == p.config.destination_service_id))
        .flatten();
    by_id.or_else(|| cx.ws.services().filter(in_dc).find(|s| s.name == p.service && s.port.is_some()))?.port
}

fn upstream(
    cx: &Context<'_>,
    r: &UpstreamResolution,
    address: &str,
    port: u16,
    notes: &mut Vec<String>,
) -> SidecarUpstream {
    let destination = ServiceId::new(&r.destination, &r.namespace, &r.partition);
    let mut out = SidecarUpstream {
        destination: destination.clone(),
        datacenter: r.datacenter.clone(),
        peer: r.peer.clone(),
        address: address.to_string(),
        port,
        protocol: Protocol::Tcp,
        mesh_gateway_mode: r.mesh_gateway_mode,
        hosts: Vec::new(),
        tcp: None,
        origin: r.origin.clone(),
    };
    let routes: Vec<HttpRoute>;
    if !r.peer.is_empty() {
        // A peer's chain is the peer's business: its exported service is the one target. Its
        // protocol is not known here, so the listener is tcp.
        let target = RouteTarget {
            cluster: crate::plan::chain::target_id(&r.destination, "", &r.namespace, &r.partition, "", &r.peer),
            weight: 1,
            service: r.destination.clone(),
            subset: String::new(),
            namespace: r.namespace.clone(),
            partition: r.partition.clone(),
            datacenter: String::new(),
            peer: r.peer.clone(),
            sni: r.sni.clone(),
            request_headers: Default::default(),
            response_headers: Default::default(),
            origin: None,
            failover: Vec::new(),
        };
        if cx.settings.peers.get(&r.peer).is_none_or(|p| p.mesh_gateways.is_empty()) {
            notes.push(format!(
                "upstream `{}` on peer `{}`: the settings give no mesh gateway of that peer (Peers.{}.MeshGateways)",
                r.destination, r.peer, r.peer
            ));
        }
        out.tcp = Some(TcpRoute {
            route: String::new(),
            service: destination,
            targets: vec![target],
            origin: r.origin.clone(),
        });
        return out;
    }
    out.protocol = cx.protocols.protocol(&destination.name, &destination.namespace, &destination.partition);
    if out.protocol.is_http_like() {
        routes = cx.chain_routes(&destination, &r.datacenter, &r.origin);
        out.hosts = vec![VirtualHost {
            domains: vec!["*".to_string()],
            service: Some(destination),
            request_headers: Default::default(),
            response_headers: Default::default(),
            routes,
            origin: r.origin.clone(),
        }];
    } else {
        let mut targets = cx.service_targets(&destination, &r.datacenter);
        reduce_weights(&mut targets);
        out.tcp = Some(TcpRoute { route: String::new(), service: destination, targets, origin: r.origin.clone() });
    }
    out
}

/// Why a name given by a person selects no sidecar.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SidecarSelectError {
    #[error("no sidecar for `{0}`: the files register no sidecar_service and no connect-proxy")]
    NoSidecars(String),
    #[error("no sidecar for `{name}`; the proxies are: {}", known.join(", "))]
    NotFound { name: String, known: Vec<String> },
    #[error("`{name}` has several proxies and none in the local datacenter and partition; choose one: {}", candidates.join(", "))]
    Ambiguous { name: String, candidates: Vec<String> },
}

/// The sidecar a person means by `selector`: a proxy's key or name (`web-sidecar-proxy`), else
/// the service it fronts (`web`) — the one in the local datacenter and partition when several.
pub fn select<'s>(
    sidecars: &'s [GatewayRoutes],
    selector: &str,
    datacenter: &str,
    partition: &str,
) -> Result<&'s GatewayRoutes, SidecarSelectError> {
    if let Some(s) = sidecars.iter().find(|s| s.gateway.key == selector) {
        return Ok(s);
    }
    let fronts = |s: &GatewayRoutes| match &s.routes {
        RouteTable::Sidecar(t) => t.inbound.service.name == selector,
        _ => false,
    };
    let named: Vec<&GatewayRoutes> = sidecars.iter().filter(|s| s.gateway.name == selector || fronts(s)).collect();
    let local: Vec<&GatewayRoutes> = named
        .iter()
        .copied()
        .filter(|s| s.gateway.datacenter == datacenter && s.gateway.partition == partition)
        .collect();
    match (named.as_slice(), local.as_slice()) {
        ([one], _) | (_, [one]) => Ok(one),
        ([], _) if sidecars.is_empty() => Err(SidecarSelectError::NoSidecars(selector.to_string())),
        ([], _) => Err(SidecarSelectError::NotFound {
            name: selector.to_string(),
            known: sidecars.iter().map(|s| s.gateway.key.clone()).collect(),
        }),
        (many, _) => Err(SidecarSelectError::Ambiguous {
            name: selector.to_string(),
            candidates: many.iter().map(|s| format!("{} (in {})", s.gateway.key, s.gateway.datacenter)).collect(),
        }),
    }
}
