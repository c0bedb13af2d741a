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
//! two datacenters have one of that name; instances of one service in one datacenter share the
//! name and are keyed by the proxy's service ID (`api-v1-sidecar-proxy`, Consul's
//! `<service id>-sidecar-proxy`), with `@<datacenter>` when that too is taken.

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
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};

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
    pub fn upstream_services(&self) -> SortedSet<ServiceId> {
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
    let all = proxies(cx.ws);
    let mut out: Vec<GatewayRoutes> = all.iter().map(|p| sidecar(cx, p, intentions, resolved, endpoints)).collect();
    let names = SortedMap::counts(out.iter().map(|s| s.gateway.name.as_str()));
    let names_in_dc = SortedMap::counts(out.iter().map(|s| (s.gateway.name.as_str(), s.gateway.datacenter.as_str())));
    let ids = SortedMap::counts(all.iter().map(|p| p.id.as_str()));
    let keys: Vec<String> = out
        .iter()
        .zip(&all)
        .map(|(s, p)| {
            let (name, dc) = (s.gateway.name.as_str(), s.gateway.datacenter.as_str());
            if names.get(name) == Some(&1) {
                name.to_string()
            } else if names_in_dc.get(&(name, dc)) == Some(&1) {
                format!("{name}@{dc}")
            } else if ids.get(p.id.as_str()) == Some(&1) {
                p.id.clone()
            } else {
                format!("{}@{dc}", p.id)
            }
        })
        .collect();
    for (s, key) in out.iter_mut().zip(keys) {
        s.gateway.key = key;
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
    let dc = crate::identity::datacenter_or_local(p.datacenter, &cx.settings.datacenter).to_string();
    let partition = cx.partition_of(p.partition).to_string();
    let namespace = or_default(p.namespace).to_string();
    let service = ServiceId::new(&p.service, &namespace, &partition);
    let mut notes = Vec::new();
    let own = p.sidecar.unwrap_or(p.registration);
    let origin = cx.origin(own.origin.span);

    // This proxy's own endpoint: instances of one service have proxies of one name.
    let endpoint = endpoints
        .iter()
        .find(|e| e.proxy == p.name && e.datacenter == dc && e.service == service && e.origin == origin);
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
    let destinations = SortedSet::from([service.clone()]);
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
        direct_cluster: None,
        intentions: refs.clone(),
        notes: Vec::new(),
        origin: origin.clone(),
        service,
    };

    let resolutions = resolved.iter().find(|r| r.span.is_same(&own.origin.span));
    let mut upstreams: Vec<SidecarUpstream> = p
        .config
        .upstreams
        .iter()
        .enumerate()
        .filter_map(|(i, u)| {
            let r = resolutions.and_then(|r| r.upstreams.get(i))?;
            let port = u.local_bind_port?;
            let address = if u.local_bind_address.is_empty() { "127.0.0.1" } else { u.local_bind_address.as_str() };
            let mut up = upstream(cx, r, address, port, &mut notes);
            upstream_config(cx, &inbound.service, &mut up);
            Some(up)
        })
        .collect();
    crate::sorting::sort_by_key(&mut upstreams, |u| u.port);

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
    GatewayRoutes {
        gateway,
        routes: RouteTable::Sidecar(Box::new(SidecarTable { inbound, upstreams })),
        intentions: refs,
        notes,
    }
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

/// The service's service-defaults `UpstreamConfig` for this upstream — `Defaults`, then its
/// override on top (each field the override sets replaces the Defaults' one whole, as Consul
/// merges them) — on every cluster the upstream reaches.
fn upstream_config(cx: &Context<'_>, service: &ServiceId, up: &mut SidecarUpstream) {
    let Some(entry) = cx.entries.service_defaults(service) else { return };
    let wanted = crate::model::service_defaults::UpstreamRef {
        name: &up.destination.name,
        namespace: &up.destination.namespace,
        partition: &up.destination.partition,
        peer: &up.peer,
    };
    let configs: Vec<_> = entry.upstream_defaults().into_iter().chain(entry.upstream_override(&wanted)).collect();
    if configs.is_empty() {
        return;
    }
    let apply = |p: &mut super::traffic::ClusterPolicy| configs.iter().for_each(|c| p.add_upstream(c));
    super::traffic::each_target(super::traffic::host_targets(&mut up.hosts), &apply);
    if let Some(tcp) = &mut up.tcp {
        super::traffic::each_target(tcp.targets.iter_mut(), &apply);
    }
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
            policy: Default::default(),
            jwt: None,
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
    #[error("`{name}` has several proxies; choose one: {}", candidates.join(", "))]
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

#[cfg(test)]
mod tests {
    use super::super::testing::{compile, compiled, TD};
    use super::*;
    use crate::plan::dial::{Caller, Dialer, SanMatch, Via};

    pub(crate) const DATA_PLANE: &str = r#"
service {
  name = "web"
  port = 9001
  connect {
    sidecar_service {
      port = 21001
      proxy {
        mesh_gateway { mode = "local" }
        upstreams = [
          { destination_name = "billing", local_bind_port = 10001 },
          { destination_name = "api", local_bind_port = 10002 },
          { destination_name = "ledger", destination_peer = "partner", local_bind_port = 10003 },
        ]
      }
    }
  }
}
---
service { name = "billing" port = 9002 connect { sidecar_service { port = 21002 } } }
---
service { name = "billing" port = 9003 datacenter = "dc2" connect { sidecar_service { port = 21003 } } }
---
service { name = "api" port = 9004 }
---
service {
  name = "api-proxy"
  kind = "connect-proxy"
  port = 21004
  proxy { destination_service_name = "api" }
}
---
service { name = "mesh-gateway" kind = "mesh-gateway" port = 8443 }
---
service { name = "mesh-gateway" kind = "mesh-gateway" datacenter = "dc2" port = 8444 }
---
Kind = "service-resolver"
Name = "billing"
Failover = { "*" = { Datacenters = ["dc2"] } }
---
Kind = "service-defaults"
Name = "api"
Protocol = "http"
---
Kind = "service-router"
Name = "api"
Routes = [{ Match { HTTP { PathPrefix = "/v2" } }, Destination { PrefixRewrite = "/" } }]
---
Kind = "service-intentions"
Name = "web"
Sources = [{ Name = "api", Action = "allow" }, { Name = "*", Action = "deny" }]
"#;

    fn sidecar_of<'p>(plan: &'p crate::plan::Plan, selector: &str) -> (&'p GatewayRoutes, &'p SidecarTable) {
        let s = select(&plan.sidecars, selector, "dc1", "default").unwrap_or_else(|e| panic!("{e}"));
        match &s.routes {
            RouteTable::Sidecar(t) => (s, t),
            other => panic!("{:?}", other.kind()),
        }
    }

    #[test]
    fn the_public_listener_fronts_the_local_application_with_the_services_intentions() {
        let c = compiled(DATA_PLANE);
        let (g, t) = sidecar_of(&c.plan, "web");
        assert_eq!((g.gateway.key.as_str(), g.gateway.kind), ("web-sidecar-proxy", GatewayKind::ConnectProxy));
        assert_eq!(g.gateway.listener(), "127.0.0.1:21001");
        assert_eq!(g.gateway.spiffe_id, format!("spiffe://{TD}/ns/default/dc/dc1/svc/web"));
        assert_eq!(t.inbound.endpoints, ["127.0.0.1:9001"]);
        assert_eq!(t.inbound.cluster, LOCAL_APP_CLUSTER);
        let labels: Vec<&str> = g.intentions.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["api → web", "* → web"]);
        // A connect proxy registered on its own serves its service's registered port.
        let (api, t) = sidecar_of(&c.plan, "api");
        assert_eq!(api.gateway.key, "api-proxy");
        assert_eq!(t.inbound.endpoints, ["127.0.0.1:9004"]);
        assert_eq!(t.inbound.protocol, Protocol::Http);
    }

    #[test]
    fn upstream_listeners_apply_the_chain_with_failover_and_peers() {
        let c = compiled(DATA_PLANE);
        let (_, t) = sidecar_of(&c.plan, "web-sidecar-proxy");
        let ports: Vec<(u16, &str, Protocol)> =
            t.upstreams.iter().map(|u| (u.port, u.destination.name.as_str(), u.protocol)).collect();
        assert_eq!(
            ports,
            [(10001, "billing", Protocol::Tcp), (10002, "api", Protocol::Http), (10003, "ledger", Protocol::Tcp)]
        );
        let billing = t.upstreams[0].tcp.as_ref().expect("tcp");
        assert_eq!(billing.targets[0].cluster, "billing.default.default.dc1");
        let failover: Vec<&str> = billing.targets[0].failover.iter().map(|f| f.cluster.as_str()).collect();
        assert_eq!(failover, ["billing.default.default.dc2"]);
        let api = &t.upstreams[1].hosts[0];
        assert_eq!(api.domains, ["*"]);
        assert_eq!(api.routes[0].prefix_rewrite.as_deref(), Some("/"));
        let ledger = &t.upstreams[2];
        assert_eq!((ledger.peer.as_str(), ledger.mesh_gateway_mode), ("partner", Mode::Local));
        assert_eq!(ledger.tcp.as_ref().expect("tcp").targets[0].cluster, "ledger.default.default.external.partner");
    }

    /// Another admin partition is reached only through mesh gateways, as in Consul: the local
    /// partition's in `local` mode, the target partition's otherwise (`none` included).
    #[test]
    fn another_partition_is_dialled_through_mesh_gateways() {
        let text = r#"
service {
  name = "web"
  port = 9001
  connect {
    sidecar_service {
      port = 21001
      proxy { upstreams = [{ destination_name = "api", destination_partition = "ap2", local_bind_port = 10001 }] }
    }
  }
}
---
service { name = "api" partition = "ap2" address = "10.0.3.11" port = 9002 connect { sidecar_service { port = 21002 } } }
---
service { name = "mesh-gateway" kind = "mesh-gateway" address = "10.0.1.1" port = 8443 }
---
service { name = "mesh-gateway-ap2" kind = "mesh-gateway" partition = "ap2" address = "10.0.3.1" port = 8443 }
"#;
        let ws = crate::plan::gateways::testing::workspace(text);
        let c = crate::plan::compile(&ws, &crate::settings::Settings::default()).expect("compile");
        let (g, t) = sidecar_of(&c.plan, "web");
        let dialer = Dialer::new(&ws, &c.plan);
        let api = &t.upstreams[0].tcp.as_ref().expect("tcp").targets[0];
        let via = |mode| {
            let d = dialer.dial(&Caller { mode: Some(mode), ..Caller::gateway(g) }, api);
            (d.via, d.endpoints, d.expects)
        };
        let ap2 = SanMatch::Exact(format!("spiffe://{TD}/ap/ap2/ns/default/dc/dc1/svc/api"));
        assert_eq!(via(Mode::Local), (Via::LocalMeshGateway, vec!["10.0.1.1:8443".to_string()], ap2.clone()));
        assert_eq!(via(Mode::Remote), (Via::RemoteMeshGateway, vec!["10.0.3.1:8443".to_string()], ap2.clone()));
        assert_eq!(via(Mode::None), (Via::RemoteMeshGateway, vec!["10.0.3.1:8443".to_string()], ap2));
    }

    #[test]
    fn dials_follow_the_mesh_gateway_mode_and_require_the_targets_identity() {
        let mut settings = crate::settings::Settings::default();
        settings.peer_trust_domains.insert("partner".into(), "partner.consul".into());
        settings.peers.insert(
            "partner".into(),
            crate::settings::Peer {
                local_name: "acme".into(),
                mesh_gateways: vec!["10.9.0.1:8443".into()],
                ca_file: String::new(),
            },
        );
        let ws = crate::plan::gateways::testing::workspace(DATA_PLANE);
        let c = crate::plan::compile(&ws, &settings).expect("compile");
        let (g, t) = sidecar_of(&c.plan, "web");
        let dialer = Dialer::new(&ws, &c.plan);
        let caller = |mode| Caller { mode: Some(mode), ..Caller::gateway(g) };
        let billing = &t.upstreams[0].tcp.as_ref().expect("tcp").targets[0];
        let d = dialer.dial(&caller(Mode::Local), billing);
        assert_eq!(
            (d.via, d.endpoints.as_slice()),
            (Via::ConnectEndpoints, ["127.0.0.1:21002".to_string()].as_slice())
        );
        assert_eq!(d.presents, format!("spiffe://{TD}/ns/default/dc/dc1/svc/web"));
        assert_eq!(d.expects, SanMatch::Exact(format!("spiffe://{TD}/ns/default/dc/dc1/svc/billing")));
        // dc2's billing: by mode.
        let dc2 = &billing.failover[0];
        let local = dialer.dial(&caller(Mode::Local), dc2);
        assert_eq!(
            (local.via, local.endpoints.as_slice()),
            (Via::LocalMeshGateway, ["127.0.0.1:8443".to_string()].as_slice())
        );
        assert_eq!(local.sni, format!("billing.default.dc2.internal.{TD}"));
        let remote = dialer.dial(&caller(Mode::Remote), dc2);
        assert_eq!(
            (remote.via, remote.endpoints.as_slice()),
            (Via::RemoteMeshGateway, ["127.0.0.1:8444".to_string()].as_slice())
        );
        let direct = dialer.dial(&caller(Mode::None), dc2);
        assert_eq!(
            (direct.via, direct.endpoints.as_slice()),
            (Via::ConnectEndpoints, ["127.0.0.1:21003".to_string()].as_slice())
        );
        // The peer answers the name it gave this cluster; its certificate names its own trust domain.
        let ledger = &t.upstreams[2].tcp.as_ref().expect("tcp").targets[0];
        let peer = dialer.dial(&caller(Mode::Remote), ledger);
        assert_eq!(peer.via, Via::PeerMeshGateway);
        assert_eq!(peer.endpoints, ["10.9.0.1:8443"]);
        assert_eq!(peer.sni, "ledger.default.default.acme.external.partner.consul");
        assert!(
            matches!(&peer.expects, SanMatch::Regex(r) if r.contains(r"partner\.consul") && r.ends_with("/svc/ledger$"))
        );
        assert_eq!(peer.peer, "partner");
        // A service without a Connect endpoint cannot be dialled, and says why.
        let mut nowhere = billing.clone();
        nowhere.service = "ghost".into();
        let d = dialer.dial(&caller(Mode::Local), &nowhere);
        assert!(d.endpoints.is_empty());
        assert!(d.problem.as_deref().is_some_and(|p| p.contains("no Connect endpoint")), "{:?}", d.problem);
    }

    #[test]
    fn a_name_picks_the_proxy_or_the_service_it_fronts() {
        let c = compiled(DATA_PLANE);
        assert!(select(&c.plan.sidecars, "web", "dc1", "default").is_ok());
        assert!(select(&c.plan.sidecars, "web-sidecar-proxy", "dc1", "default").is_ok());
        // billing has a sidecar in dc1 and in dc2: the local one, unless there is none.
        assert_eq!(
            select(&c.plan.sidecars, "billing", "dc1", "default").map(|s| s.gateway.datacenter.as_str()),
            Ok("dc1")
        );
        let err = select(&c.plan.sidecars, "billing", "dc3", "default").unwrap_err();
        assert!(matches!(&err, SidecarSelectError::Ambiguous { candidates, .. } if candidates.len() == 2), "{err}");
        assert_eq!(
            select(&c.plan.sidecars, "billing-sidecar-proxy@dc2", "dc1", "default")
                .map(|s| s.gateway.datacenter.as_str()),
            Ok("dc2")
        );
        let err = select(&c.plan.sidecars, "nope", "dc1", "default").unwrap_err();
        assert!(err.to_string().contains("web-sidecar-proxy"), "{err}");
    }

    /// Two instances of one service in one datacenter, each with its sidecar: two proxies named
    /// `api-sidecar-proxy`, each with its own public port and upstreams, told apart by ID.
    #[test]
    fn instances_of_one_service_each_get_their_own_sidecar() {
        let plan = compile(
            r#"
service { name = "billing" port = 9006 connect { sidecar_service { port = 21004 } } }
---
service {
  id = "api-v1" name = "api" port = 9002
  connect { sidecar_service { port = 21001 proxy { upstreams = [{ destination_name = "billing", local_bind_port = 10100 }] } } }
}
---
service {
  id = "api-v2" name = "api" port = 9005
  connect { sidecar_service { port = 21003 proxy { upstreams = [{ destination_name = "billing", local_bind_port = 10200 }] } } }
}
"#,
        );
        let dc = &plan.settings.datacenter;
        let ap = &plan.settings.partition;
        let v1 = select(&plan.sidecars, "api-v1-sidecar-proxy", dc, ap).expect("api-v1's sidecar");
        let v2 = select(&plan.sidecars, "api-v2-sidecar-proxy", dc, ap).expect("api-v2's sidecar");
        let table = |g: &GatewayRoutes| match &g.routes {
            RouteTable::Sidecar(t) => t.clone(),
            other => panic!("{}", other.kind()),
        };
        let (t1, t2) = (table(v1), table(v2));
        assert_eq!((v1.gateway.name.as_str(), v1.gateway.port), ("api-sidecar-proxy", 21001));
        assert_eq!((v2.gateway.name.as_str(), v2.gateway.port), ("api-sidecar-proxy", 21003));
        assert_eq!(t1.inbound.endpoints, ["127.0.0.1:9002"]);
        assert_eq!(t2.inbound.endpoints, ["127.0.0.1:9005"]);
        assert_eq!(t1.upstreams.iter().map(|u| u.port).collect::<Vec<_>>(), [10100]);
        assert_eq!(t2.upstreams.iter().map(|u| u.port).collect::<Vec<_>>(), [10200]);
        // The service's name is ambiguous: the error lists both.
        let err = select(&plan.sidecars, "api", dc, ap).expect_err("ambiguous").to_string();
        assert!(
            err.contains("api-v1-sidecar-proxy (in dc1)") && err.contains("api-v2-sidecar-proxy (in dc1)"),
            "{err}"
        );
        // A name used once keeps being the key.
        assert!(select(&plan.sidecars, "billing-sidecar-proxy", dc, ap).is_ok());
    }
}
