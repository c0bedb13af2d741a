//! The Upstreams view (and `meshgate upstreams`): per connect proxy, each upstream's resolution —
//! target, SNI, mesh gateway mode and the level that set it — and, for an upstream bound to a
//! local port, where its listener's targets are dialled and with which identities: the proxy's
//! own routes ([`crate::plan::Plan::sidecars`]) through [`crate::plan::dial`], in the upstream's
//! mesh gateway mode — what `meshgate envoy --sidecar` configures.

use super::dials::{DialedTarget, Dials};
use super::gateways::Shortener;
use super::Analysis;
use crate::plan::dial::{Caller, Dialer};
use crate::plan::gateways::sidecar::{SidecarTable, SidecarUpstream};
use crate::plan::gateways::{GatewayRoutes, RouteTable};
use crate::plan::upstreams::{ProxyUpstreams, UpstreamResolution};
use crate::plan::Plan;
use crate::sorted::SortedSet;
use crate::workspace::Workspace;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpstreamsView {
    pub datacenter: String,
    /// What the `_short` names write as `<td>`.
    pub trust_domain: String,
    pub proxies: Vec<ProxyView>,
}

/// One connect proxy and its upstreams.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProxyView {
    /// The proxy's own service name (`web-sidecar-proxy`).
    pub proxy: String,
    /// The service it fronts (`web`).
    pub service: String,
    pub datacenter: String,
    /// The SPIFFE ID the proxy presents when it dials (its service's).
    pub presents: String,
    pub presents_short: String,
    pub upstreams: Vec<UpstreamView>,
}

/// One upstream: how it resolves, and where its listener sends traffic.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpstreamView {
    pub resolution: UpstreamResolution,
    /// `address:port` the application dials; null without `local_bind_port` (no listener:
    /// nothing is dialled).
    pub listener: Option<String>,
    /// Every target the listener can send to, once each, in route order, with its failover
    /// targets.
    pub targets: Vec<DialedTarget>,
}

impl Analysis {
    /// Every connect proxy's upstreams, each with the dials of its listener's targets.
    pub fn upstreams(&self) -> UpstreamsView {
        let trust_domain = self.settings.trust_domain.clone();
        let proxies = match &self.compiled {
            Some(c) => {
                let dialer = Dialer::new(&self.workspace, &c.plan);
                let short = Shortener(&trust_domain);
                c.plan.upstreams.iter().map(|p| proxy_view(p, &self.workspace, &c.plan, &dialer, &short)).collect()
            }
            None => Vec::new(),
        };
        UpstreamsView { datacenter: self.settings.datacenter.clone(), trust_domain, proxies }
    }
}

fn proxy_view(
    p: &ProxyUpstreams,
    ws: &Workspace,
    plan: &Plan,
    dialer: &Dialer<'_>,
    short: &Shortener<'_>,
) -> ProxyView {
    let sidecar = sidecar_of(ws, plan, p);
    let presents = sidecar.map(|(s, _)| Caller::gateway(s).identity).unwrap_or_default();
    ProxyView {
        proxy: p.proxy.clone(),
        service: p.service.clone(),
        datacenter: p.datacenter.clone(),
        presents_short: short.short(&presents),
        presents,
        upstreams: p.upstreams.iter().map(|r| upstream_view(r, sidecar, dialer, short)).collect(),
    }
}

/// The sidecar of a proxy `meshgate upstreams` lists, and its routes. Instances of one service
/// have proxies of one name in one datacenter: the registration's place tells them apart.
fn sidecar_of<'p>(ws: &Workspace, plan: &'p Plan, p: &ProxyUpstreams) -> Option<(&'p GatewayRoutes, &'p SidecarTable)> {
    let at = crate::plan::intentions::origin(&ws.sources, p.span);
    plan.sidecars.iter().find_map(|s| match &s.routes {
        RouteTable::Sidecar(t)
            if s.gateway.name == p.proxy && s.gateway.datacenter == p.datacenter && s.gateway.origin == at =>
        {
            Some((s, &**t))
        }
        _ => None,
    })
}

/// The sidecar listener compiled from the upstream `r` of proxy `p` (only upstreams bound to a
/// port have one), with the sidecar's routes: what dials the upstream's targets.
pub fn upstream_listener<'p>(
    ws: &Workspace,
    plan: &'p Plan,
    p: &ProxyUpstreams,
    r: &UpstreamResolution,
) -> Option<(&'p GatewayRoutes, &'p SidecarUpstream)> {
    listener_in(sidecar_of(ws, plan, p), r)
}

fn listener_in<'p>(
    sidecar: Option<(&'p GatewayRoutes, &'p SidecarTable)>,
    r: &UpstreamResolution,
) -> Option<(&'p GatewayRoutes, &'p SidecarUpstream)> {
    let (s, t) = sidecar?;
    Some((s, t.upstreams.iter().find(|u| u.origin == r.origin)?))
}

fn upstream_view(
    r: &UpstreamResolution,
    sidecar: Option<(&GatewayRoutes, &SidecarTable)>,
    dialer: &Dialer<'_>,
    short: &Shortener<'_>,
) -> UpstreamView {
    let Some((s, u)) = listener_in(sidecar, r) else {
        return UpstreamView { resolution: r.clone(), listener: None, targets: Vec::new() };
    };
    let caller = Caller { mode: Some(u.mesh_gateway_mode), ..Caller::gateway(s) };
    let dials = Dials { dialer, caller, datacenter: &s.gateway.datacenter, short };
    UpstreamView {
        resolution: r.clone(),
        listener: Some(format!("{}:{}", u.address, u.port)),
        targets: distinct_targets(u, &dials),
    }
}

fn distinct_targets(u: &SidecarUpstream, dials: &Dials<'_>) -> Vec<DialedTarget> {
    let mut seen = SortedSet::new();
    u.targets().filter(|t| seen.insert(t.cluster.as_str())).map(|t| dials.target(t)).collect()
}
