//! Connect endpoints: where the mesh reaches each service instance, as Consul computes them.
//!
//! In a Consul datacenter a workload is reached only through a Connect endpoint, never at its
//! application port (which is often bound to localhost):
//!
//! - a **sidecar** registered with the service (`connect { sidecar_service { … } }`): the
//!   sidecar's address (else the service's), and its port — when the registration gives none,
//!   the agent assigns one from its sidecar range (21000–21255) at registration: meshgate assumes
//!   the lowest port of the range no registration on that address uses, in registration order,
//!   and warns (`W0408`); the sidecar
//!   inherits the service's tags and meta unless it gives its own;
//! - a **connect proxy registered on its own** (`kind = "connect-proxy"`,
//!   `proxy { destination_service_name = … }`): its own address, port, tags and meta;
//! - a **Connect-native** instance (`connect { native = true }`): the instance itself.
//!
//! Subset filters (`Service.Meta.…`, `Service.Tags`) select among a service's endpoints by the
//! tags and meta the endpoint's instance carries. Every endpoint presents the service's SPIFFE
//! identity; a client dialling it originates mTLS with the target's SNI.
//!
//! Rules: two endpoints on one address and port in one datacenter are an error (`E0430`): one
//! of them could never be reached. A gateway route, target or mesh row that sends traffic to a
//! service with no Connect endpoint in the gateway's datacenter is a warning (`W0407`) at the
//! place that sends it: that traffic fails.

use super::intentions::origin;
use crate::decode::Cx;
use crate::diag::{Code, Diagnostic};
use crate::identity::{datacenter_or_local, partition_or_local, ServiceId};
use crate::intentions::Origin;
use crate::model::service::{ServiceDefinition, ServiceKind};
use crate::settings::Settings;
use crate::sorted::{SortedMap, SortedSet};
use crate::workspace::Workspace;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The start of a Consul agent's sidecar port range (`ports.sidecar_min_port`).
pub const SIDECAR_MIN_PORT: u16 = 21000;
/// The end of it (`ports.sidecar_max_port`).
pub const SIDECAR_MAX_PORT: u16 = 21255;

/// What serves a Connect endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum EndpointKind {
    /// `connect { sidecar_service { … } }`.
    Sidecar,
    /// A `kind = "connect-proxy"` registration of its own.
    ConnectProxy,
    /// `connect { native = true }`.
    Native,
}

impl EndpointKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointKind::Sidecar => "sidecar",
            EndpointKind::ConnectProxy => "connect-proxy",
            EndpointKind::Native => "connect-native",
        }
    }
}

/// One place the mesh reaches one instance of a service. (No TypeScript declaration: the views
/// show dials, never endpoints as such.)
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConnectEndpoint {
    pub service: ServiceId,
    pub datacenter: String,
    pub address: String,
    pub port: u16,
    pub kind: EndpointKind,
    /// The proxy serving it (`web-sidecar-proxy`); empty for a Connect-native instance.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub proxy: String,
    /// The port was not given: the agent assigns one from its sidecar range.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub port_assigned: bool,
    /// The tags and meta subset filters read (a sidecar's own, else its service's).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub meta: SortedMap<String, String>,
    /// The registration that made it.
    pub origin: Origin,
}

impl ConnectEndpoint {
    /// `address:port`.
    pub fn socket(&self) -> String {
        format!("{}:{}", self.address, self.port)
    }
}

/// Every Connect endpoint of the workspace, in registration order, and the problems found.
pub fn connect_endpoints(ws: &Workspace, settings: &Settings, cx: &mut Cx) -> Vec<ConnectEndpoint> {
    let mut out = Vec::new();
    // Ports the agent hands out, per address: registrations without one take the lowest port of
    // the range that no registration on that address uses, as the agent does.
    let mut taken = registered_ports(ws, settings);
    for svc in ws.services() {
        let dc = datacenter_or_local(&svc.datacenter, &settings.datacenter);
        let here = |s: &ServiceDefinition, name: &str| {
            ServiceId::new(name, &s.namespace, partition_or_local(&s.partition, &settings.partition))
        };
        match svc.kind {
            ServiceKind::Typical => {
                let Some(connect) = &svc.connect else { continue };
                if connect.native {
                    if let Some(port) = svc.port {
                        out.push(ConnectEndpoint {
                            service: here(svc, &svc.name),
                            datacenter: dc.to_string(),
                            address: address_of(&svc.address),
                            port,
                            kind: EndpointKind::Native,
                            proxy: String::new(),
                            port_assigned: false,
                            tags: svc.tags.clone(),
                            meta: svc.meta.clone(),
                            origin: origin(&ws.sources, svc.origin.span),
                        });
                    }
                }
                let Some(sidecar) = connect.sidecar_service.as_deref() else { continue };
                let address = address_of(sidecar_address(svc, sidecar));
                let (port, assigned) = match sidecar.port {
                    Some(p) => (p, false),
                    None => {
                        let used = taken.entry((dc.to_string(), address.clone())).or_default();
                        let p = (SIDECAR_MIN_PORT..=SIDECAR_MAX_PORT)
                            .find(|p| !used.contains(p))
                            .unwrap_or(SIDECAR_MAX_PORT);
                        used.insert(p);
                        cx.push(
                            Diagnostic::warning(
                                Code::SidecarPortAssigned,
                                // The `sidecar_service` key, not the whole block it opens.
                                ws.sources.key_before(sidecar.origin.span).unwrap_or(sidecar.origin.span),
                                format!(
                                    "the sidecar of `{}` gives no port: Consul's agent assigns one from {SIDECAR_MIN_PORT}–{SIDECAR_MAX_PORT} at registration; meshgate assumes {p}",
                                    svc.name
                                ),
                            )
                            .with_note("give the sidecar_service a `port` so gateways dial the port it really listens on"),
                        );
                        (p, true)
                    }
                };
                out.push(ConnectEndpoint {
                    service: here(svc, &svc.name),
                    datacenter: dc.to_string(),
                    address,
                    port,
                    kind: EndpointKind::Sidecar,
                    proxy: if sidecar.name.is_empty() {
                        format!("{}-sidecar-proxy", svc.name)
                    } else {
                        sidecar.name.clone()
                    },
                    port_assigned: assigned,
                    tags: if sidecar.tags.is_empty() { svc.tags.clone() } else { sidecar.tags.clone() },
                    meta: if sidecar.meta.is_empty() { svc.meta.clone() } else { sidecar.meta.clone() },
                    origin: origin(&ws.sources, sidecar.origin.span),
                });
            }
            ServiceKind::ConnectProxy => {
                let (Some(service), Some(port)) = (svc.proxied_service(), svc.port) else { continue };
                out.push(ConnectEndpoint {
                    service: here(svc, service),
                    datacenter: dc.to_string(),
                    address: address_of(&svc.address),
                    port,
                    kind: EndpointKind::ConnectProxy,
                    proxy: svc.name.clone(),
                    port_assigned: false,
                    tags: svc.tags.clone(),
                    meta: svc.meta.clone(),
                    origin: origin(&ws.sources, svc.origin.span),
                });
            }
            _ => {}
        }
    }
    check_distinct(&out, ws, cx);
    out
}

/// Warns (`W0407`) for every gateway route, target or mesh row to a service that has no Connect
/// endpoint in the gateway's datacenter (peers' and other datacenters' services are reached
/// through their own gateways; services linked to a terminating gateway through it).
pub fn check_gateway_targets(
    gateways: &[crate::plan::gateways::GatewayRoutes],
    endpoints: &[ConnectEndpoint],
    sources: &crate::source::SourceMap,
    cx: &mut Cx,
) {
    use crate::plan::gateways::mesh::MeshDestination;
    use crate::plan::gateways::RouteTable;
    let linked: Vec<&ServiceId> = gateways
        .iter()
        .filter_map(|g| match &g.routes {
            RouteTable::TerminatingGateway(t) => Some(t.services.iter().map(|l| &l.service)),
            _ => None,
        })
        .flatten()
        .collect();
    let reachable = |s: &ServiceId, dc: &str| {
        linked.contains(&s) || endpoints.iter().any(|e| &e.service == s && e.datacenter == dc)
    };
    let mut warned = SortedSet::new();
    let mut warn = |gateway: &str, service: &ServiceId, dc: &str, at: &Origin| {
        if !warned.insert((gateway.to_string(), service.clone())) {
            return;
        }
        cx.push(
            Diagnostic::warning(
                Code::NoConnectEndpoint,
                sources.span_at(&at.file, at.line, at.column),
                format!(
                    "gateway `{gateway}` sends traffic to `{}`, which has no Connect endpoint in {dc}: those requests fail",
                    service.label()
                ),
            )
            .with_note("register a sidecar (`connect { sidecar_service { port = … } }`), a connect proxy or a Connect-native instance for it"),
        );
    };
    for g in gateways {
        let (key, dc) = (&g.gateway.key, g.gateway.datacenter.as_str());
        let mut target = |t: &crate::plan::gateways::RouteTarget, fallback: &Origin| {
            let local = t.peer.is_empty() && (t.datacenter.is_empty() || t.datacenter == dc);
            let service = t.service_ref();
            if local && !reachable(&service, dc) {
                warn(key, &service, dc, t.origin.as_ref().unwrap_or(fallback));
            }
        };
        match &g.routes {
            RouteTable::IngressGateway(t) => {
                for l in &t.listeners {
                    for r in l.hosts.iter().flat_map(|h| &h.routes) {
                        r.targets.iter().for_each(|x| target(x, &r.origin));
                    }
                    if let Some(r) = &l.tcp {
                        r.targets.iter().for_each(|x| target(x, &r.origin));
                    }
                }
            }
            RouteTable::ApiGateway(t) => {
                for l in &t.listeners {
                    for r in l.hosts.iter().flat_map(|h| &h.routes) {
                        r.targets.iter().for_each(|x| target(x, &r.origin));
                    }
                    for r in &l.tcp {
                        r.targets.iter().for_each(|x| target(x, &r.origin));
                    }
                }
            }
            RouteTable::MeshGateway(t) => {
                for row in &t.routes {
                    if let MeshDestination::LocalService { service, .. }
                    | MeshDestination::ExportedService { service, .. } = &row.destination
                    {
                        if !reachable(service, dc) {
                            warn(key, service, dc, &row.origin);
                        }
                    }
                }
            }
            RouteTable::TerminatingGateway(_) | RouteTable::Sidecar(_) => {}
        }
    }
}

/// Every port a registration gives, per datacenter and address: the ports an agent would not hand
/// to a sidecar without one.
///
/// A `BTreeMap`: filled one registration at a time, possibly with thousands of addresses, and
/// the sidecar loop adds to it as it goes.
fn registered_ports(ws: &Workspace, settings: &Settings) -> BTreeMap<(String, String), BTreeSet<u16>> {
    let mut taken: BTreeMap<(String, String), BTreeSet<u16>> = BTreeMap::new();
    for svc in ws.services() {
        let dc = datacenter_or_local(&svc.datacenter, &settings.datacenter);
        let mut add = |address: &str, port: Option<u16>| {
            if let Some(p) = port {
                taken.entry((dc.to_string(), address_of(address))).or_default().insert(p);
            }
        };
        add(&svc.address, svc.port);
        if let Some(sidecar) = svc.connect.as_ref().and_then(|c| c.sidecar_service.as_deref()) {
            add(sidecar_address(svc, sidecar), sidecar.port);
        }
    }
    taken
}

/// A sidecar listens on its own address, else its service's.
fn sidecar_address<'a>(svc: &'a ServiceDefinition, sidecar: &'a ServiceDefinition) -> &'a str {
    if sidecar.address.is_empty() {
        &svc.address
    } else {
        &sidecar.address
    }
}

/// A registration without an address is reached on the local host (the agent's address, which
/// the workspace does not know).
fn address_of(written: &str) -> String {
    if written.is_empty() {
        "127.0.0.1".into()
    } else {
        written.to_string()
    }
}

/// Two endpoints on one address and port in one datacenter: the second is unreachable.
fn check_distinct(endpoints: &[ConnectEndpoint], ws: &Workspace, cx: &mut Cx) {
    fn key(e: &ConnectEndpoint) -> (&str, &str, u16) {
        (e.datacenter.as_str(), e.address.as_str(), e.port)
    }
    // The first endpoint on each socket, collected (one sort for thousands of endpoints) from the
    // last back, so that the first is the one kept.
    let first: SortedMap<(&str, &str, u16), usize> =
        endpoints.iter().enumerate().rev().map(|(i, e)| (key(e), i)).collect();
    for (i, e) in endpoints.iter().enumerate() {
        let Some(&at) = first.get(&key(e)) else { continue };
        let Some(first) = endpoints.get(at).filter(|_| at != i) else { continue };
        let span = ws
            .services()
            .flat_map(|s| std::iter::once(s).chain(s.connect.as_ref().and_then(|c| c.sidecar_service.as_deref())))
            .find(|s| origin(&ws.sources, s.origin.span) == e.origin)
            .map(|s| s.origin.span);
        cx.push(
            Diagnostic::error(
                Code::DuplicateEndpoint,
                span,
                format!(
                    "the {} of `{}` listens on {}, where the {} of `{}` ({}) already listens",
                    e.kind.as_str(),
                    e.service.label(),
                    e.socket(),
                    first.kind.as_str(),
                    first.service.label(),
                    first.origin
                ),
            )
            .with_note("give each sidecar or connect proxy its own port"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoints(text: &str) -> (Vec<ConnectEndpoint>, Vec<Diagnostic>) {
        let ws = crate::plan::gateways::testing::workspace(text);
        let mut cx = Cx::new();
        (connect_endpoints(&ws, &Settings::default(), &mut cx), cx.diags)
    }

    #[test]
    fn sidecars_proxies_and_native_instances_are_the_endpoints() {
        let (e, diags) = endpoints(
            r#"
service {
  name = "api"
  port = 9999
  meta = { version = "v1" }
  connect { sidecar_service { port = 21001 } }
}
---
service { name = "plain" port = 8080 }
---
service {
  name = "billing-proxy"
  kind = "connect-proxy"
  address = "10.0.0.5"
  port = 20000
  meta = { version = "v2" }
  proxy { destination_service_name = "billing" }
}
---
service { name = "native" address = "10.0.0.6" port = 443 connect { native = true } }
---
service { name = "web" port = 8080 tags = ["a"] connect { sidecar_service {} } }
"#,
        );
        let rows: Vec<(&str, String, EndpointKind, bool)> =
            e.iter().map(|e| (e.service.name.as_str(), e.socket(), e.kind, e.port_assigned)).collect();
        assert_eq!(
            rows,
            [
                ("api", "127.0.0.1:21001".into(), EndpointKind::Sidecar, false),
                ("billing", "10.0.0.5:20000".into(), EndpointKind::ConnectProxy, false),
                ("native", "10.0.0.6:443".into(), EndpointKind::Native, false),
                ("web", "127.0.0.1:21000".into(), EndpointKind::Sidecar, true),
            ]
        );
        // The sidecar inherits its service's meta and tags; the proxy has its own.
        assert_eq!(e[0].meta.get("version").map(String::as_str), Some("v1"));
        assert_eq!(e[1].meta.get("version").map(String::as_str), Some("v2"));
        assert_eq!(e[3].tags, ["a"]);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::SidecarPortAssigned);
    }

    /// As the agent does, a sidecar without a port takes the lowest port of the range that no
    /// registration on its address uses — whichever file registers the other first.
    #[test]
    fn an_assigned_port_skips_ports_registrations_use() {
        let (e, diags) = endpoints(
            r#"
service { name = "web" port = 8080 connect { sidecar_service {} } }
---
service { name = "db" port = 5432 connect { sidecar_service {} } }
---
service { name = "billing-proxy" kind = "connect-proxy" port = 21000 proxy { destination_service_name = "billing" } }
---
service { name = "api" port = 9000 connect { sidecar_service { port = 21001 } } }
---
service { name = "far" address = "10.0.0.9" port = 9000 connect { sidecar_service {} } }
"#,
        );
        let ports: Vec<(&str, String)> = e.iter().map(|e| (e.service.name.as_str(), e.socket())).collect();
        assert_eq!(
            ports,
            [
                ("web", "127.0.0.1:21002".to_string()),
                ("db", "127.0.0.1:21003".to_string()),
                ("billing", "127.0.0.1:21000".to_string()),
                ("api", "127.0.0.1:21001".to_string()),
                ("far", "10.0.0.9:21000".to_string()),
            ]
        );
        assert!(diags.iter().all(|d| d.code == Code::SidecarPortAssigned), "{diags:?}");
    }

    #[test]
    fn two_endpoints_on_one_address_and_port_are_an_error() {
        let (_, diags) = endpoints(
            r#"
service { name = "a" port = 1 connect { sidecar_service { port = 21000 } } }
---
service { name = "b" port = 2 connect { sidecar_service { port = 21000 } } }
---
service { name = "c" port = 3 datacenter = "dc2" connect { sidecar_service { port = 21000 } } }
"#,
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::DuplicateEndpoint);
        assert!(diags[0].message.contains("the sidecar of `b` listens on 127.0.0.1:21000"), "{}", diags[0].message);
    }
}
