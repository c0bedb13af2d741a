//! Upstreams of every connect proxy: the target, its SNI, the mesh gateway mode with the level
//! that set it, and what the proxy actually dials.
//!
//! Mode precedence (Consul's): the upstream's own `mesh_gateway` > the proxy registration's >
//! the proxy's service-defaults (`UpstreamConfig.Overrides`, then `UpstreamConfig.Defaults`, then
//! top-level `MeshGateway`) > proxy-defaults > the default (`none`; `remote` for peers). Peering
//! treats `none` as `remote`. The SNI is always the target's; only the address dialled changes.

use super::intentions::origin;
use crate::decode::Cx;
use crate::diag::{Code, Diagnostic};
use crate::identity::{or_default, ServiceId};
use crate::intentions::Origin;
use crate::model::common::MeshGatewayMode;
use crate::model::service::{ProxyConfig, ServiceDefinition, ServiceKind, Upstream};
use crate::model::service_defaults::UpstreamRef;
use crate::names::Sni;
use crate::settings::Settings;
use crate::workspace::{Entries, Workspace};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MeshGatewayMode"))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    None,
    Local,
    Remote,
}

/// Which level decided the mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ModeSource {
    Upstream,
    Proxy,
    ServiceDefaults,
    ProxyDefaults,
    Default,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Dial {
    /// The target's instances themselves.
    Direct,
    /// A mesh gateway in the proxy's own datacenter.
    LocalGateway,
    /// A mesh gateway in the target's datacenter (or the peer's).
    RemoteGateway,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpstreamResolution {
    pub destination: String,
    pub namespace: String,
    pub partition: String,
    /// Empty for a peered upstream.
    pub datacenter: String,
    /// Empty for a local upstream.
    pub peer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub local_bind_port: Option<u16>,
    pub sni: String,
    pub mesh_gateway_mode: Mode,
    pub mesh_gateway_mode_source: ModeSource,
    pub dial: Dial,
    /// `address:port` of the gateway dialled, when the workspace registers one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub gateway: Option<String>,
    /// Why the outcome is not simply the mode (same datacenter, peering rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub note: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProxyUpstreams {
    /// The proxy's own service name (`web-sidecar-proxy`).
    pub proxy: String,
    /// The service it fronts (`web`).
    pub service: String,
    pub datacenter: String,
    pub upstreams: Vec<UpstreamResolution>,
    /// Where the proxy is registered (its sidecar_service block, or its own registration): which
    /// of several proxies of one name (instances of one service) this is.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub(crate) span: crate::source::Span,
}

/// A proxy found in the workspace: a connect-proxy registration or a sidecar_service.
pub(crate) struct ProxyAt<'a> {
    /// Its service name: a sidecar's own `name`, else `<service>-sidecar-proxy`.
    pub name: String,
    /// Its service ID, as Consul gives it: a sidecar's own `id`, else `<service id>-sidecar-proxy`
    /// (the service's id, else its name); a connect proxy's `id`, else its name. Instances of one
    /// service share the name and differ here.
    pub id: String,
    /// The service it fronts.
    pub service: String,
    pub namespace: &'a str,
    pub partition: &'a str,
    pub datacenter: &'a str,
    pub config: &'a ProxyConfig,
    /// The registration the proxy belongs to (a sidecar's parent service, else the proxy's own).
    pub registration: &'a ServiceDefinition,
    /// The sidecar_service block, for a sidecar.
    pub sidecar: Option<&'a ServiceDefinition>,
}

/// Every proxy of the workspace, in registration order. A sidecar without a `proxy` block is a
/// proxy without upstreams.
pub(crate) fn proxies<'a>(ws: &'a Workspace) -> Vec<ProxyAt<'a>> {
    static NO_CONFIG: std::sync::OnceLock<ProxyConfig> = std::sync::OnceLock::new();
    let mut out = Vec::new();
    for svc in ws.services() {
        if svc.kind == ServiceKind::ConnectProxy {
            if let (Some(config), Some(service)) = (&svc.proxy, svc.proxied_service()) {
                let id = if svc.id.is_empty() { svc.name.clone() } else { svc.id.clone() };
                out.push(proxy_at(svc, None, svc.name.clone(), id, service.to_string(), config));
            }
        }
        let sidecar = svc.connect.as_ref().and_then(|c| c.sidecar_service.as_deref());
        if let Some(sidecar) = sidecar {
            let config = sidecar.proxy.as_ref().unwrap_or_else(|| NO_CONFIG.get_or_init(ProxyConfig::default));
            let name =
                if sidecar.name.is_empty() { format!("{}-sidecar-proxy", svc.name) } else { sidecar.name.clone() };
            let id = match (sidecar.id.is_empty(), svc.id.is_empty()) {
                (false, _) => sidecar.id.clone(),
                (true, false) => format!("{}-sidecar-proxy", svc.id),
                (true, true) => format!("{}-sidecar-proxy", svc.name),
            };
            out.push(proxy_at(svc, Some(sidecar), name, id, svc.name.clone(), config));
        }
    }
    out
}

fn proxy_at<'a>(
    svc: &'a ServiceDefinition,
    sidecar: Option<&'a ServiceDefinition>,
    name: String,
    id: String,
    service: String,
    config: &'a ProxyConfig,
) -> ProxyAt<'a> {
    ProxyAt {
        name,
        id,
        service,
        namespace: &svc.namespace,
        partition: &svc.partition,
        datacenter: &svc.datacenter,
        config,
        registration: svc,
        sidecar,
    }
}

pub fn resolve(ws: &Workspace, entries: &Entries<'_>, settings: &Settings, cx: &mut Cx) -> Vec<ProxyUpstreams> {
    for p in proxies(ws) {
        check_bind_ports(&p, cx);
    }
    proxies(ws)
        .into_iter()
        // A sidecar registered without a proxy block has no upstreams to show.
        .filter(|p| p.sidecar.is_none_or(|s| s.proxy.is_some()))
        .map(|p| {
            let datacenter = crate::identity::datacenter_or_local(p.datacenter, &settings.datacenter).to_string();
            let upstreams =
                p.config.upstreams.iter().map(|u| resolve_one(ws, entries, settings, &p, &datacenter, u, cx)).collect();
            let span = p.sidecar.unwrap_or(p.registration).origin.span;
            ProxyUpstreams { proxy: p.name, service: p.service, datacenter, upstreams, span }
        })
        .collect()
}

/// Each of a proxy's listeners needs its own port: two upstreams on one `local_bind_port`, or an
/// upstream on the proxy's public port, leave one of them unbound (Envoy refuses the second).
fn check_bind_ports(p: &ProxyAt<'_>, cx: &mut Cx) {
    let public = p.sidecar.unwrap_or(p.registration).port;
    let mut seen: Vec<(&str, u16, &Upstream)> = Vec::new();
    for u in &p.config.upstreams {
        let Some(port) = u.local_bind_port else { continue };
        let address = if u.local_bind_address.is_empty() { "127.0.0.1" } else { u.local_bind_address.as_str() };
        if public == Some(port) {
            cx.error(
                Code::DuplicateBindPort,
                u.origin.field("local_bind_port"),
                format!("upstream `{}` binds {port}, the port of the proxy `{}` itself", u.destination_name, p.name),
            );
        } else if let Some((_, _, first)) = seen.iter().find(|(a, q, _)| *a == address && *q == port) {
            cx.push(
                Diagnostic::error(
                    Code::DuplicateBindPort,
                    u.origin.field("local_bind_port"),
                    format!(
                        "upstreams `{}` and `{}` of `{}` both bind {address}:{port}",
                        first.destination_name, u.destination_name, p.name
                    ),
                )
                .with_note("give each upstream its own local_bind_port"),
            );
        }
        seen.push((address, port, u));
    }
}

#[allow(clippy::too_many_arguments)]
fn resolve_one(
    ws: &Workspace,
    entries: &Entries<'_>,
    settings: &Settings,
    p: &ProxyAt<'_>,
    proxy_dc: &str,
    u: &Upstream,
    cx: &mut Cx,
) -> UpstreamResolution {
    let peered = !u.destination_peer.is_empty();
    let namespace = or_default(if u.destination_namespace.is_empty() { p.namespace } else { &u.destination_namespace });
    let partition = or_default(if u.destination_partition.is_empty() { p.partition } else { &u.destination_partition });
    let datacenter = if peered {
        String::new()
    } else if u.datacenter.is_empty() {
        proxy_dc.to_string()
    } else {
        u.datacenter.clone()
    };
    let (mut mode, source) = mode_for(entries, p, u, namespace, partition, peered);
    let mut note = None;
    if peered && mode == Mode::None {
        mode = Mode::Remote;
        note = Some("peered upstreams cannot dial directly: `none` is treated as `remote`".to_string());
    }
    let crosses = peered || datacenter != proxy_dc || partition != or_default(p.partition);
    let dial = match (crosses, mode) {
        (false, _) => {
            if mode != Mode::None {
                note = Some(
                    "same datacenter and partition: the mode has no effect, instances are dialled directly".into(),
                );
            }
            Dial::Direct
        }
        (true, Mode::None) => Dial::Direct,
        (true, Mode::Local) => Dial::LocalGateway,
        (true, Mode::Remote) => Dial::RemoteGateway,
    };
    let sni = if peered {
        if !settings.peer_trust_domains.contains_key(&u.destination_peer) {
            cx.push(
                Diagnostic::warning(
                    Code::UnknownPeerTrustDomain,
                    u.origin.field("destination_peer"),
                    format!(
                        "the trust domain of peer `{}` is unknown, so its SNI ends in a placeholder",
                        u.destination_peer
                    ),
                )
                .with_note("describe the peer in the settings file: Peers = { \"<peer>\" = { TrustDomain = \"<uuid>.consul\", MeshGateways = [\"<address>:<port>\"] } }"),
            );
        }
        settings.peer_dial_sni(&u.destination_name, namespace, "default", &u.destination_peer)
    } else {
        Sni::service(None, &u.destination_name, namespace, partition, &datacenter, &settings.trust_domain).to_string()
    };
    if peered && settings.peers.get(&u.destination_peer).is_none_or(|p| p.local_name.is_empty()) {
        let label = format!(
            "the SNI names this cluster `{}` (the local datacenter), as peer `{}` must know it: set Peers.{}.LocalName if the peering token was generated under another name",
            settings.datacenter, u.destination_peer, u.destination_peer
        );
        note = Some(match note {
            Some(n) => format!("{n}; {label}"),
            None => label,
        });
    }
    let gateway = match dial {
        Dial::Direct => None,
        Dial::LocalGateway => gateway_in(ws, proxy_dc, settings),
        Dial::RemoteGateway if peered => {
            settings.peers.get(&u.destination_peer).and_then(|p| p.mesh_gateways.first().cloned())
        }
        Dial::RemoteGateway => gateway_in(ws, &datacenter, settings),
    };
    if gateway.is_none() && dial != Dial::Direct && !(peered && dial == Dial::RemoteGateway) {
        let where_ = if dial == Dial::LocalGateway { proxy_dc } else { datacenter.as_str() };
        cx.warning(
            Code::NoMeshGateway,
            u.origin.span,
            format!(
                "upstream `{}` dials a mesh gateway in {where_}, but the workspace registers none there",
                u.destination_name
            ),
        );
    }
    UpstreamResolution {
        destination: u.destination_name.clone(),
        namespace: namespace.to_string(),
        partition: partition.to_string(),
        datacenter,
        peer: u.destination_peer.clone(),
        local_bind_port: u.local_bind_port,
        sni,
        mesh_gateway_mode: mode,
        mesh_gateway_mode_source: source,
        dial,
        gateway,
        note,
        origin: origin(&ws.sources, u.origin.span),
    }
}

fn mode_for(
    entries: &Entries<'_>,
    p: &ProxyAt<'_>,
    u: &Upstream,
    namespace: &str,
    partition: &str,
    peered: bool,
) -> (Mode, ModeSource) {
    let convert = |m: MeshGatewayMode| match m {
        MeshGatewayMode::None => Some(Mode::None),
        MeshGatewayMode::Local => Some(Mode::Local),
        MeshGatewayMode::Remote => Some(Mode::Remote),
        MeshGatewayMode::Unset => None,
    };
    if let Some(m) = convert(u.mesh_gateway.mode) {
        return (m, ModeSource::Upstream);
    }
    if let Some(m) = convert(p.config.mesh_gateway.mode) {
        return (m, ModeSource::Proxy);
    }
    let upstream = UpstreamRef { name: &u.destination_name, namespace, partition, peer: &u.destination_peer };
    let own_partition = crate::identity::partition_or_local(p.partition, entries.local_partition());
    let own = ServiceId::new(&p.service, p.namespace, own_partition);
    if let Some(m) = entries.service_defaults(&own).and_then(|sd| convert(sd.upstream_mesh_gateway_mode(&upstream))) {
        return (m, ModeSource::ServiceDefaults);
    }
    if let Some(m) = entries.proxy_defaults(own_partition).and_then(|pd| convert(pd.mesh_gateway.mode)) {
        return (m, ModeSource::ProxyDefaults);
    }
    (if peered { Mode::Remote } else { Mode::None }, ModeSource::Default)
}

/// The first mesh gateway registered in `dc`, as `address:port`.
fn gateway_in(ws: &Workspace, dc: &str, settings: &Settings) -> Option<String> {
    ws.services()
        .filter(|s| s.kind == ServiceKind::MeshGateway)
        .find(|s| crate::identity::datacenter_or_local(&s.datacenter, &settings.datacenter) == dc)
        .map(|s| {
            let address = if s.address.is_empty() { "127.0.0.1" } else { &s.address };
            format!("{address}:{}", s.port.unwrap_or(8443))
        })
}

#[cfg(test)]
mod tests;
