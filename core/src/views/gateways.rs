//! The Routes view's gateways: for every gateway registered in the workspace, its route table as
//! the page shows it — a mesh gateway's SNI rows (and where each forwards), a terminating
//! gateway's linked services, an ingress or API gateway's listeners → hosts → matches → weighted
//! targets, each with its dial — then every sidecar (public listener, upstream listeners), and
//! the GatewayPlan a filter receives. Everything comes from
//! [`plan.gateways`](crate::plan::Plan::gateways), [`plan.sidecars`](crate::plan::Plan::sidecars),
//! [`crate::plan::dial`] and [`gateway_plan`]; nothing here routes anything itself: it only words
//! and orders what the plan says, the way `meshgate routes` does.
//!
//! Names that end with (or start with) the trust domain are long; each carries a `_short` twin
//! that writes the trust domain `<td>` (the view gives the trust domain once, at the top).

use super::dials::{forward_view, DialView, DialedTarget, Dials, ForwardView};
use super::Analysis;
use crate::intentions::{Action, Origin};
use crate::plan::dial::{Caller, Dialer};
use crate::plan::gateways::mesh::{MeshDestination, MeshRoute, SniMatch};
use crate::plan::gateways::sidecar::{SidecarTable, SidecarUpstream};
use crate::plan::gateways::terminating::{LinkedRoute, TlsMode};
use crate::plan::gateways::{
    self, api, gateway_plan, ingress, GatewayIdentity, GatewayKind, GatewayRoutes, HeaderModifiers, HttpRoute,
    IntentionRef, RouteMatch, RouteTable, RouteTarget, TcpRoute, VirtualHost, GATEWAY_PLAN_VERSION,
};
use crate::plan::protocols::Protocol;
use crate::plan::upstreams::Mode;
use serde::Serialize;

/// Every gateway's route table, then every sidecar's.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GatewaysView {
    /// What the `_short` names write as `<td>`.
    pub trust_domain: String,
    /// What decides when no intention applies: `no intention applies: the default policy (deny)
    /// decides`.
    pub no_intention: String,
    /// The gateways sorted by name, datacenter, partition, namespace, key (as the plan lists
    /// them), then the sidecars (kind `connect-proxy`) in registration order.
    pub gateways: Vec<GatewayView>,
    /// Gateway config entries no registered service runs, each with the registration to add.
    pub unregistered: Vec<super::unregistered::UnregisteredGateway>,
}

/// One gateway and its route table.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GatewayView {
    /// Unique among the gateways (and among the sidecars): what the picker, the Plan view and
    /// `--gateway` (`--sidecar` for a sidecar) select.
    pub key: String,
    pub name: String,
    pub kind: GatewayKind,
    /// `mesh gateway`, `terminating gateway`, `ingress gateway`, `API gateway`, `sidecar`.
    pub kind_title: &'static str,
    pub datacenter: String,
    pub partition: String,
    pub namespace: String,
    /// `address:port` of its registration.
    pub listener: String,
    pub spiffe_id: String,
    /// For a picker: `mesh-gateway-dc1 · mesh gateway · dc1`.
    pub label: String,
    /// `mesh gateway in dc1, partition default, on 10.0.1.10:8443`.
    pub summary: String,
    /// The registration.
    pub origin: Origin,
    pub table: GatewayTable,
    /// What happens to traffic no row matches.
    pub fallback: Option<String>,
    /// The intentions the gateway enforces for every request (ingress and API gateways: the
    /// gateway is the source). `None` for mesh gateways (they never decrypt) and terminating
    /// gateways (their rows list each service's own).
    pub intentions: Option<GatewayIntentions>,
    /// Missing entries, settings Consul would reject, features the filter does not enforce.
    pub notes: Vec<String>,
}

/// The route table, by gateway kind.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum GatewayTable {
    /// SNI → destination, exact names first, then wildcard names.
    MeshGateway { routes: Vec<MeshRow> },
    /// Linked service → SNI → external address → TLS origination.
    TerminatingGateway { services: Vec<LinkedRow> },
    /// Listener → host → match → weighted targets.
    IngressGateway { listeners: Vec<ListenerView> },
    /// Listener → host → match → weighted targets (http-routes); tcp-routes.
    ApiGateway { listeners: Vec<ListenerView> },
    /// A sidecar: its public listener (mesh clients' mTLS terminated as the service, the
    /// service's inbound intentions, then the local application), and one listener per upstream.
    Sidecar { public: Box<LinkedRow>, upstreams: Vec<UpstreamListenerView> },
}

/// One upstream listener of a sidecar: the upstream's chain, its targets dialled as the service.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UpstreamListenerView {
    /// `upstream billing in dc2 on 127.0.0.1:10001 http, mesh gateway mode local`.
    pub title: String,
    /// `billing` (`namespace/` and `partition/` in front when not `default`).
    pub destination: String,
    /// Where the chain is evaluated; null for a peer's service.
    pub datacenter: Option<String>,
    pub peer: Option<String>,
    /// `address:port` the application dials.
    pub listener: String,
    pub port: u16,
    pub protocol: Protocol,
    /// How targets outside the sidecar's datacenter are reached.
    pub mesh_gateway_mode: Mode,
    /// http-like upstreams: one host for every authority, the chain's routes.
    pub hosts: Vec<HostView>,
    /// tcp upstreams.
    pub tcp: Vec<TcpView>,
    /// The upstream as written.
    pub origin: Origin,
}

/// One SNI row of a mesh gateway.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MeshRow {
    pub sni: String,
    pub sni_short: String,
    /// `exact`, or `suffix` for a wildcard `*.X` name.
    #[serde(rename = "match")]
    pub sni_match: SniMatch,
    /// `local-service`, `exported-service`, `remote-gateways`, `peer-gateways`.
    #[cfg_attr(
        feature = "ts",
        ts(type = "\"local-service\" | \"exported-service\" | \"remote-gateways\" | \"peer-gateways\"")
    )]
    pub destination_kind: &'static str,
    /// `service api subset v1`, `service api for peer cluster-02`, `datacenter dc2 gateways …`.
    pub destination: String,
    /// Consumers in other partitions that dial this same name (`partition:<name>`).
    pub exported_to: Vec<String>,
    /// The cluster the connection is sent to.
    pub cluster: String,
    pub cluster_short: String,
    /// The cluster is named by the SNI (a local service or subset, as Consul names it).
    pub cluster_is_sni: bool,
    /// Where the connections go: Connect endpoints, a terminating gateway, other gateways.
    pub forward: ForwardView,
    pub note: Option<String>,
    pub origin: Origin,
}

/// One linked service of a terminating gateway.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkedRow {
    /// `billing-api` (`namespace/` and `partition/` in front when not `default`).
    pub service: String,
    pub sni: String,
    pub sni_short: String,
    /// `address:port` of each registration of the service in the gateway's datacenter.
    pub endpoints: Vec<String>,
    pub tls_mode: TlsMode,
    /// `none`, `tls (ca.pem, sni api.example.com)`, `mtls (ca.pem, cert.pem, key.pem)`.
    pub tls: String,
    /// The SPIFFE ID the gateway presents for this SNI.
    pub identity: String,
    pub identity_short: String,
    pub protocol: Protocol,
    /// `linked by *`, `Host header kept`.
    pub details: Vec<String>,
    /// The intentions protecting the service (any source), ranked: the first that matches decides.
    pub intentions: Vec<GatewayIntention>,
    pub notes: Vec<String>,
    /// The `Services` item of the terminating-gateway entry.
    pub origin: Origin,
}

/// An ingress or API gateway listener.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ListenerView {
    /// `listener 8080 http`, `listener public: port 8080 http, hostname *.shop.example.com`.
    pub title: String,
    /// API gateways' listener name (empty for ingress gateways).
    pub name: String,
    pub port: u16,
    pub protocol: Protocol,
    /// API gateways' listener host name (`*` for any; empty for ingress gateways).
    pub hostname: String,
    pub tls: bool,
    /// How the listener's TLS is set up: `TLS, min TLSv1_2`, where each certificate comes from
    /// (files, SDS, certificate entries, per-host files by SNI); empty for plain text.
    pub tls_details: Vec<String>,
    /// http-like listeners: the virtual hosts, in the order the plan gives them.
    pub hosts: Vec<HostView>,
    /// tcp listeners.
    pub tcp: Vec<TcpView>,
    /// Why nothing is routed on this listener, when nothing is.
    pub empty: Option<String>,
    pub origin: Origin,
}

/// A virtual host: its names and its routes, in order (the first that matches wins).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HostView {
    pub domains: Vec<String>,
    /// The ingress service these hosts expose.
    pub service: Option<String>,
    /// Header changes for every route of the host.
    pub filters: Vec<String>,
    pub routes: Vec<HttpRouteView>,
    pub origin: Origin,
}

/// One HTTP route of a host.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HttpRouteView {
    /// `prefix /`, `exact /checkout`, `regex /items/[0-9]+ (any case)`.
    pub path: String,
    /// The rest of the match, each a must: `header x-session present`, `query page exact "2"`,
    /// `methods GET HEAD`.
    pub conditions: Vec<String>,
    pub targets: Vec<TargetView>,
    /// When there is no target: what the gateway answers.
    pub no_target: Option<String>,
    /// `rewrite prefix to /v1/`, `set x-a=1`, `remove x-b`, `timeout 10s`, `retries 2 on reset, 5xx`.
    pub filters: Vec<String>,
    /// The JWT requirements of the intentions that decide the route's requests at the gateway:
    /// `JWT for api (intention ingress → api): provider okta with role=admin`.
    pub jwt: Vec<String>,
    pub origin: Origin,
}

/// A weighted target of a route.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TargetView {
    /// The Envoy cluster (the target id).
    pub cluster: String,
    /// `v1.api`, `api @dc2`, `api @peer:p`.
    pub label: String,
    /// Percent of the route's traffic, to 0.01.
    pub weight: f64,
    pub sni: String,
    /// Header changes for this target only.
    pub filters: Vec<String>,
    /// Where it is dialled and the identities on both ends.
    pub dial: DialView,
    /// Tried in order when the target has no healthy endpoint.
    pub failover: Vec<DialedTarget>,
}

/// Where a tcp listener's connections go.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TcpView {
    /// `every connection`, `tcp-route postgres`.
    pub what: String,
    pub service: String,
    pub targets: Vec<TargetView>,
    pub origin: Origin,
}

/// The intentions a gateway enforces, ranked.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GatewayIntentions {
    /// `Intentions with source ingress-gateway: the first that matches decides`.
    pub title: String,
    pub rows: Vec<GatewayIntention>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GatewayIntention {
    /// 1-based, among the intentions that apply here.
    pub rank: usize,
    /// `web → billing`.
    pub label: String,
    /// `allow`, `deny`, or `permissions (n)` for an L7 intention.
    pub action: String,
    pub precedence: u8,
    pub origin: Origin,
}

/// One gateway's GatewayPlan as the filter receives it (`meshgate plan --gateway KEY`), or why
/// there is none.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GatewayPlanView {
    /// The gateway asked for.
    pub gateway: String,
    /// The GatewayPlan format version.
    pub version: u32,
    /// Pretty JSON, exactly `meshgate plan --gateway KEY`'s output.
    pub json: Option<String>,
    /// The plan's content hash (`content_hash` of its canonical JSON, 16 hex digits): what the filter
    /// logs when it loads the plan.
    pub hash: Option<String>,
    /// A file name for downloading it: `gatewayplan-<key>.json`.
    pub file_name: String,
    pub withheld: Option<String>,
}

impl Analysis {
    /// Every registered gateway's route table, then every sidecar's, each target with its dial.
    /// Computed from whatever compiled, so it keeps working while a file has an error (as the
    /// discovery chains do).
    pub fn gateways(&self) -> GatewaysView {
        let trust_domain = self.settings.trust_domain.clone();
        let short = Shortener(&trust_domain);
        let gateways = match &self.compiled {
            Some(c) => {
                let dialer = Dialer::new(&self.workspace, &c.plan);
                c.plan.gateways.iter().chain(&c.plan.sidecars).map(|g| gateway_view(g, &short, &dialer)).collect()
            }
            None => Vec::new(),
        };
        GatewaysView {
            no_intention: no_intention(self.settings.default_intention_policy),
            trust_domain,
            gateways,
            unregistered: self.unregistered_gateways(),
        }
    }

    /// The GatewayPlan of the gateway `key` names (its key, or its name when no other gateway
    /// has that name; else the sidecar whose key it is), withheld while the configuration has
    /// errors — as `meshgate plan` refuses.
    pub fn gateway_plan(&self, key: &str) -> GatewayPlanView {
        let mut view = GatewayPlanView {
            gateway: key.to_string(),
            version: GATEWAY_PLAN_VERSION,
            json: None,
            hash: None,
            file_name: file_name(key),
            withheld: None,
        };
        if let Some(why) = self.withheld("meshgate plan") {
            view.withheld = Some(why);
            return view;
        }
        let Some(plan) = self.compiled.as_ref().and_then(|c| gateway_plan(c, key).or_else(|| sidecar_plan(c, key)))
        else {
            view.withheld = Some(format!("no gateway or sidecar `{key}` is registered"));
            return view;
        };
        view.file_name = file_name(&plan.gateway.key);
        // The compact text is what `GatewayPlan::canonical_json` writes: the same bytes, so the
        // same hash the filter logs.
        match crate::json::compact_and_pretty(&plan) {
            Ok((compact, json)) => {
                view.hash = Some(format!("{:016x}", gateways::content_hash(compact.as_bytes())));
                view.json = Some(json);
            }
            Err(e) => view.withheld = Some(format!("the GatewayPlan could not be serialized: {e}")),
        }
        view
    }
}

/// Writes the trust domain `<td>`.
pub(super) struct Shortener<'a>(pub &'a str);

impl Shortener<'_> {
    pub(super) fn short(&self, s: &str) -> String {
        if self.0.is_empty() {
            s.to_string()
        } else {
            s.replace(self.0, "<td>")
        }
    }
}

fn no_intention(default: Action) -> String {
    format!("no intention applies: the default policy ({}) decides", default.as_str())
}

fn file_name(key: &str) -> String {
    download_name("gatewayplan", key)
}

/// `<prefix>-<key>.json`, the key's characters other than letters, digits, `-`, `_` and `.`
/// written `_`.
pub(super) fn download_name(prefix: &str, key: &str) -> String {
    let safe: String =
        key.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' }).collect();
    format!("{prefix}-{safe}.json")
}

fn kind_title(kind: GatewayKind) -> &'static str {
    match kind {
        GatewayKind::MeshGateway => "mesh gateway",
        GatewayKind::TerminatingGateway => "terminating gateway",
        GatewayKind::IngressGateway => "ingress gateway",
        GatewayKind::ApiGateway => "API gateway",
        GatewayKind::ConnectProxy => "sidecar",
    }
}

/// The GatewayPlan of the sidecar whose key is `key` (a sidecar is picked by its key in the page;
/// names are for the CLI, where `--sidecar` says what is meant).
fn sidecar_plan(c: &crate::plan::Compiled, key: &str) -> Option<gateways::GatewayPlan> {
    c.plan.sidecars.iter().any(|s| s.gateway.key == key).then(|| gateways::sidecar_plan(c, key).ok()).flatten()
}

fn gateway_view(g: &GatewayRoutes, short: &Shortener<'_>, dialer: &Dialer<'_>) -> GatewayView {
    let id = &g.gateway;
    let title = kind_title(id.kind);
    let mut place = id.datacenter.clone();
    if id.partition != crate::identity::DEFAULT {
        place.push_str(&format!(", partition {}", id.partition));
    }
    if id.namespace != crate::identity::DEFAULT {
        place.push_str(&format!(", namespace {}", id.namespace));
    }
    let dials = Dials { dialer, caller: Caller::gateway(g), datacenter: &id.datacenter, short };
    let (table, fallback, intentions) = match &g.routes {
        RouteTable::MeshGateway(t) => (
            GatewayTable::MeshGateway { routes: t.routes.iter().map(|r| mesh_row(r, &dials)).collect() },
            Some(if t.routes.is_empty() {
                "no rows: every connection is closed".to_string()
            } else {
                "any other name: the connection is closed (unrouted)".to_string()
            }),
            None,
        ),
        RouteTable::TerminatingGateway(t) => (
            GatewayTable::TerminatingGateway { services: t.services.iter().map(|s| linked_row(s, short)).collect() },
            None,
            None,
        ),
        RouteTable::Sidecar(t) => (sidecar_table(t, &dials), None, None),
        RouteTable::IngressGateway(t) => (
            GatewayTable::IngressGateway {
                listeners: t.listeners.iter().map(|l| ingress_listener(l, id, &dials)).collect(),
            },
            http_fallback(t.listeners.iter().any(|l| !l.hosts.is_empty())),
            Some(gateway_intentions(&t.source.label(), &g.intentions)),
        ),
        RouteTable::ApiGateway(t) => (
            GatewayTable::ApiGateway { listeners: t.listeners.iter().map(|l| api_listener(l, id, &dials)).collect() },
            http_fallback(t.listeners.iter().any(|l| !l.hosts.is_empty())),
            Some(gateway_intentions(&t.source.label(), &g.intentions)),
        ),
    };
    GatewayView {
        key: id.key.clone(),
        name: id.name.clone(),
        kind: id.kind,
        kind_title: title,
        datacenter: id.datacenter.clone(),
        partition: id.partition.clone(),
        namespace: id.namespace.clone(),
        listener: id.listener(),
        spiffe_id: id.spiffe_id.clone(),
        label: format!("{} · {title} · {place}", id.key),
        summary: format!("{title} in {place}, on {}", id.listener()),
        origin: id.origin.clone(),
        table,
        fallback,
        intentions,
        notes: g.notes.clone(),
    }
}

fn http_fallback(has_hosts: bool) -> Option<String> {
    has_hosts.then(|| "a request no host and route matches: 404".to_string())
}

fn gateway_intentions(source: &str, list: &[IntentionRef]) -> GatewayIntentions {
    GatewayIntentions {
        title: format!("Intentions with source {source}: the first that matches decides"),
        rows: intention_rows(list),
    }
}

fn intention_rows(list: &[IntentionRef]) -> Vec<GatewayIntention> {
    list.iter()
        .enumerate()
        .map(|(i, r)| GatewayIntention {
            rank: i + 1,
            label: r.label.clone(),
            action: r.action.clone(),
            precedence: r.precedence,
            origin: r.origin.clone(),
        })
        .collect()
}

/// The public listener reads as a terminating gateway's one linked service; each upstream
/// listener's targets are dialled in the upstream's mesh gateway mode.
fn sidecar_table(t: &SidecarTable, dials: &Dials<'_>) -> GatewayTable {
    let upstreams = t
        .upstreams
        .iter()
        .map(|u| {
            let caller = Caller { mode: Some(u.mesh_gateway_mode), ..dials.caller.clone() };
            upstream_listener(u, &Dials { caller, ..*dials })
        })
        .collect();
    GatewayTable::Sidecar { public: Box::new(linked_row(&t.inbound, dials.short)), upstreams }
}

fn upstream_listener(u: &SidecarUpstream, dials: &Dials<'_>) -> UpstreamListenerView {
    let place = if u.peer.is_empty() { format!("in {}", u.datacenter) } else { format!("on peer {}", u.peer) };
    let mode = gateways::text::mode_name(u.mesh_gateway_mode);
    let listener = format!("{}:{}", u.address, u.port);
    UpstreamListenerView {
        title: format!(
            "upstream {} {place} on {listener} {}, mesh gateway mode {mode}",
            u.destination.label(),
            u.protocol.as_str()
        ),
        destination: u.destination.label(),
        datacenter: (!u.datacenter.is_empty()).then(|| u.datacenter.clone()),
        peer: (!u.peer.is_empty()).then(|| u.peer.clone()),
        listener,
        port: u.port,
        protocol: u.protocol,
        mesh_gateway_mode: u.mesh_gateway_mode,
        hosts: u.hosts.iter().map(|h| host_view(h, None, dials)).collect(),
        tcp: u.tcp.iter().map(|t| tcp_view("every connection", t, dials)).collect(),
        origin: u.origin.clone(),
    }
}

fn mesh_row(r: &MeshRoute, dials: &Dials<'_>) -> MeshRow {
    let short = dials.short;
    let (kind, cluster_is_sni) = match &r.destination {
        MeshDestination::LocalService { cluster, .. } => ("local-service", *cluster == r.sni),
        MeshDestination::ExportedService { .. } => ("exported-service", false),
        MeshDestination::RemoteGateways { .. } => ("remote-gateways", false),
        MeshDestination::PeerGateways { .. } => ("peer-gateways", false),
    };
    MeshRow {
        sni: r.sni.clone(),
        sni_short: short.short(&r.sni),
        sni_match: r.sni_match,
        destination_kind: kind,
        destination: r.destination.describe(),
        exported_to: r.exported_to.clone(),
        cluster: r.cluster().to_string(),
        cluster_short: short.short(r.cluster()),
        cluster_is_sni,
        forward: forward_view(&dials.dialer.forward(dials.datacenter, &r.destination)),
        note: r.note.clone(),
        origin: r.origin.clone(),
    }
}

fn linked_row(s: &LinkedRoute, short: &Shortener<'_>) -> LinkedRow {
    let mut details = Vec::new();
    if s.via_wildcard {
        details.push("linked by *".to_string());
    }
    if s.disable_auto_host_rewrite {
        details.push("Host header kept".to_string());
    }
    LinkedRow {
        service: s.service.label(),
        sni: s.sni.clone(),
        sni_short: short.short(&s.sni),
        endpoints: s.endpoints.clone(),
        tls_mode: s.tls.mode,
        tls: s.tls.describe(),
        identity: s.identity.clone(),
        identity_short: short.short(&s.identity),
        protocol: s.protocol,
        details,
        intentions: intention_rows(&s.intentions),
        notes: s.notes.clone(),
        origin: s.origin.clone(),
    }
}

fn ingress_listener(l: &ingress::IngressListener, gw: &GatewayIdentity, dials: &Dials<'_>) -> ListenerView {
    let tls = if l.tls { ", TLS" } else { "" };
    let tcp: Vec<TcpView> = l.tcp.iter().map(|t| tcp_view("every connection", t, dials)).collect();
    let empty = (l.hosts.is_empty() && tcp.is_empty()).then(|| "no services: nothing is routed".to_string());
    ListenerView {
        title: format!("listener {} {}{tls}", l.port, l.protocol.as_str()),
        name: String::new(),
        port: l.port,
        protocol: l.protocol,
        hostname: String::new(),
        tls: l.tls,
        tls_details: dials.dialer.security().listener_tls(gw, l.port, "", l.protocol),
        hosts: l.hosts.iter().map(|h| host_view(h, Some(gw), dials)).collect(),
        tcp,
        empty,
        origin: l.origin.clone(),
    }
}

fn api_listener(l: &api::ApiListener, gw: &GatewayIdentity, dials: &Dials<'_>) -> ListenerView {
    let tls = if l.tls { ", TLS" } else { "" };
    let tcp: Vec<TcpView> = l.tcp.iter().map(|t| tcp_view(&format!("tcp-route {}", t.route), t, dials)).collect();
    let empty = (l.hosts.is_empty() && tcp.is_empty()).then(|| "no routes attached".to_string());
    ListenerView {
        title: format!("listener {}: port {} {}, hostname {}{tls}", l.name, l.port, l.protocol.as_str(), l.hostname),
        name: l.name.clone(),
        port: l.port,
        protocol: l.protocol,
        hostname: l.hostname.clone(),
        tls: l.tls,
        tls_details: dials.dialer.security().listener_tls(gw, l.port, &l.name, l.protocol),
        hosts: l.hosts.iter().map(|h| host_view(h, Some(gw), dials)).collect(),
        tcp,
        empty,
        origin: l.origin.clone(),
    }
}

fn tcp_view(what: &str, t: &TcpRoute, dials: &Dials<'_>) -> TcpView {
    TcpView {
        what: what.to_string(),
        service: t.service.label(),
        targets: targets(&t.targets, dials),
        origin: t.origin.clone(),
    }
}

/// `gw`: the ingress or API gateway whose intentions decide the host's requests.
fn host_view(h: &VirtualHost, gw: Option<&GatewayIdentity>, dials: &Dials<'_>) -> HostView {
    HostView {
        domains: h.domains.clone(),
        service: h.service.as_ref().map(gateways::ServiceId::label),
        filters: modifiers(&h.request_headers, &h.response_headers),
        routes: h.routes.iter().map(|r| route_view(r, gw, dials)).collect(),
        origin: h.origin.clone(),
    }
}

fn route_view(r: &HttpRoute, gw: Option<&GatewayIdentity>, dials: &Dials<'_>) -> HttpRouteView {
    let (path, mut conditions) = describe_match(&r.route_match);
    if let Some(jwt) = &r.jwt {
        conditions.push(format!("JWT from {}", jwt.describe()));
    }
    let mut filters = Vec::new();
    if let Some(p) = &r.prefix_rewrite {
        filters.push(format!("rewrite prefix to {p}"));
    }
    filters.extend(modifiers(&r.request_headers, &r.response_headers));
    if let Some(t) = &r.request_timeout {
        filters.push(format!("timeout {t}"));
    }
    if let Some(t) = &r.idle_timeout {
        filters.push(format!("idle timeout {t}"));
    }
    if let Some(retry) = &r.retry {
        let mut s = match retry.num_retries {
            Some(n) => format!("retries {n}"),
            None => "retries".to_string(),
        };
        let mut on: Vec<String> = retry.on.clone();
        if retry.on_connect_failure {
            on.push("connect-failure".into());
        }
        on.extend(retry.on_status_codes.iter().map(u32::to_string));
        if !on.is_empty() {
            s.push_str(&format!(" on {}", on.join(", ")));
        }
        filters.push(s);
    }
    filters.extend(r.hash_policies.iter().map(|h| format!("hash {}", h.describe())));
    HttpRouteView {
        path,
        conditions,
        no_target: r.targets.is_empty().then(|| "no service: answers 503".to_string()),
        targets: targets(&r.targets, dials),
        filters,
        jwt: gw.map(|gw| dials.dialer.security().route_jwt(gw, r)).unwrap_or_default(),
        origin: r.origin.clone(),
    }
}

/// The path test, and every other test of a match.
fn describe_match(m: &RouteMatch) -> (String, Vec<String>) {
    let mut path = format!("{} {}", m.path.kind.as_str(), m.path.value);
    if m.case_insensitive {
        path.push_str(" (any case)");
    }
    let mut conditions: Vec<String> = m.headers.iter().map(|h| h.describe("header")).collect();
    conditions.extend(m.query.iter().map(|q| q.describe("query")));
    if !m.methods.is_empty() {
        let word = if m.methods.len() == 1 { "method" } else { "methods" };
        conditions.push(format!("{word} {}", m.methods.join(" ")));
    }
    (path, conditions)
}

/// One phrase per header change: `add x-a=1`, `set x-b=2`, `remove x-c` for requests, then
/// `response add x-d=3` and so on for responses.
fn modifiers(request: &HeaderModifiers, response: &HeaderModifiers) -> Vec<String> {
    let mut out = Vec::new();
    for (prefix, m) in [("", request), ("response ", response)] {
        out.extend(m.add.iter().map(|(k, v)| format!("{prefix}add {k}={v}")));
        out.extend(m.set.iter().map(|(k, v)| format!("{prefix}set {k}={v}")));
        out.extend(m.remove.iter().map(|k| format!("{prefix}remove {k}")));
    }
    out
}

fn targets(ts: &[RouteTarget], dials: &Dials<'_>) -> Vec<TargetView> {
    let total: u64 = ts.iter().map(|t| t.weight).sum();
    ts.iter()
        .map(|t| TargetView {
            cluster: t.cluster.clone(),
            label: target_label(t, dials.datacenter),
            weight: percent(t.weight, total),
            sni: t.sni.clone(),
            filters: modifiers(&t.request_headers, &t.response_headers)
                .into_iter()
                .chain(t.jwt.as_ref().map(|j| format!("JWT from {}", j.describe())))
                .chain(t.policy.describe())
                .collect(),
            dial: dials.dial(t),
            failover: dials.failover(t),
        })
        .collect()
}

/// `weight / total` in percent, to 0.01 (0 when nothing has weight).
fn percent(weight: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    let hundredths = (u128::from(weight) * 10_000 + u128::from(total) / 2) / u128::from(total);
    // At most 10 000: exact in an f64.
    u32::try_from(hundredths).map_or(100.0, |h| f64::from(h) / 100.0)
}

/// `[partition/][namespace/][subset.]service`, with `@dc` outside the gateway's datacenter and
/// `@peer:p` for a peer's service.
pub(super) fn target_label(t: &RouteTarget, dc: &str) -> String {
    let mut name = String::new();
    if !t.subset.is_empty() {
        name.push_str(&t.subset);
        name.push('.');
    }
    name.push_str(&t.service);
    let mut label = gateways::ServiceId::new(&name, &t.namespace, &t.partition).label();
    if !t.peer.is_empty() {
        label.push_str(&format!(" @peer:{}", t.peer));
    } else if !t.datacenter.is_empty() && t.datacenter != dc {
        label.push_str(&format!(" @{}", t.datacenter));
    }
    label
}

#[cfg(test)]
pub(super) mod tests;
