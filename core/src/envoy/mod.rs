//! `meshgate envoy`: a complete Envoy bootstrap for one gateway, with `filter.wasm` loaded and the
//! gateway's [`GatewayPlan`] as its plugin configuration.
//!
//! The bootstrap is **JSON** (a [`crate::json::Value`] tree), which Envoy reads as its YAML superset: no YAML writer,
//! no quoting pitfalls, and the embedded plan is a plain JSON string. Pure: this module returns
//! text; the CLI writes files. Its trees are written as [`tpl!`](crate::tpl) templates, Envoy's
//! JSON with placeholders, which the planner wasm carries as data rather than as code.
//!
//! Per gateway kind:
//! - **mesh**: one listener at the gateway's address/port; `tls_inspector`; the wasm network filter
//!   (`root_id: meshgate_network`) then `tcp_proxy` whose default cluster is a blackhole (the filter
//!   chooses the real one through `envoy.tcp_proxy.cluster`).
//! - **terminating**: one listener; per linked service a filter chain matched by its SNI that
//!   terminates mTLS with the service's certificate (`<cert-dir>/<service>.pem`, `-key.pem`) and
//!   requires a client certificate signed by `<cert-dir>/ca.pem`; tcp services get the network
//!   filter and `tcp_proxy` with `upstream_connect_mode: ON_DOWNSTREAM_TLS_HANDSHAKE` (the filter
//!   decides on the first bytes either side sends, after the handshake) — without ECDS that
//!   tcp_proxy names the service's cluster and the filter's `root_id` the chain's server name
//!   ([`chain_root_id`]), so the filter neither reads the name nor sets a cluster; with ECDS it
//!   reads and sets both, as at a mesh gateway; http services an HTTP
//!   connection manager with the wasm
//!   HTTP filter and one route, to the service's cluster, which strips the client-certificate
//!   header Envoy sets for the filter (and the routing headers) before forwarding; without ECDS
//!   the plan says so (the linked service's `direct_cluster`) and the filter changes no request
//!   header (a sidecar's public listener likewise). TLS origination per the plan (CA, cert, key,
//!   SNI; see [`tls`]).
//! - **ingress / API**: one listener per http listener port with an HTTP connection manager, the
//!   wasm HTTP filter (`root_id: meshgate_http`) and the router; one route whose cluster comes from
//!   the routing header ([`ROUTING_HEADER`]) the filter sets, and which strips that header before
//!   forwarding — or, for an ingress listener that can only forward to one cluster (the plan's
//!   `direct_cluster`, see [`traffic::mark_direct_routes`]; not with ECDS), names that cluster,
//!   and the filter only authorizes — preceded by the routes of [`traffic`] (timeouts, retries, hash policies, keyed
//!   by the route header the filter sets too). tcp listeners get the wasm network filter, which
//!   picks the weighted target, checks the gateway's L4 intentions and sets
//!   `envoy.tcp_proxy.cluster` (or closes), then `tcp_proxy`. Listener TLS as the gateway's entry
//!   sets it, a filter chain per certificate chosen by SNI (see [`tls`]).
//!
//! Clusters: one per target, `STATIC` for IP addresses and `STRICT_DNS` for names, with the
//! registered instances of the target's service (a subset's `Filter` is applied when it is of the
//! form `Service.Meta.<key> == <value>` joined by `and`); targets in other datacenters go through
//! that datacenter's mesh gateways with TLS and the target's SNI; each with its target's
//! [`traffic`] policy (connect timeout, balancing, circuit breakers, outlier detection).
//! `failure_policy: FAIL_RELOAD` everywhere (a crashed VM is reloaded with backoff; never
//! FAIL_OPEN), admin on 127.0.0.1.
//!
//! With an ECDS directory the filters' configuration is not inline: each filter is discovered from
//! a file in that directory (`config_discovery` + `path_config_source` + `watched_directory`), so
//! replacing the file (atomically) hot-swaps the plan; a plan the filter rejects leaves the old one
//! serving.

use crate::gateway::verdict::CLIENT_CERT_HEADER;
use crate::gateway::{ROUTE_HEADER, ROUTING_HEADER, SNI_HEADER};
use crate::json::Value;
use crate::plan::dial::{Caller, Dialer, SanMatch};
use crate::plan::gateways::mesh::MeshDestination;
use crate::plan::gateways::sidecar::{SidecarTable, LOCAL_APP_CLUSTER};
use crate::plan::gateways::terminating::LinkedRoute;
use crate::plan::gateways::{plan_of, GatewayKind, GatewayPlan, RouteTable, RouteTarget};
use crate::plan::protocols::Protocol;
use crate::plan::upstreams::Mode;
use crate::plan::Compiled;
use crate::tpl;
use crate::workspace::Workspace;

pub mod jwt;

/// The `root_id` of the network filter (see the filter crate).
pub const NETWORK_ROOT_ID: &str = "meshgate_network";
/// How a network filter's `root_id` starts on a filter chain that routes by itself
/// ([`chain_root_id`]).
pub const CHAIN_ROOT_ID_PREFIX: &str = "meshgate_network/";
/// The `root_id` of the HTTP filter.
pub const HTTP_ROOT_ID: &str = "meshgate_http";
/// The `root_id`s of the health listener's filters: they answer whether the VM they share with
/// the gateway's network / HTTP filter holds a plan.
pub const HEALTH_NETWORK_ROOT_ID: &str = "meshgate_health_network";
pub const HEALTH_HTTP_ROOT_ID: &str = "meshgate_health_http";
/// The cluster tcp_proxy uses when the filter chose none: no endpoints, so the connection closes.
pub const BLACKHOLE: &str = "meshgate_blackhole";
pub const WASM_NETWORK_TYPE: &str = "type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm";
pub const WASM_HTTP_TYPE: &str = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
pub const DYNAMIC_MODULE_NETWORK_TYPE: &str =
    "type.googleapis.com/envoy.extensions.filters.network.dynamic_modules.v3.DynamicModuleNetworkFilter";
pub const DYNAMIC_MODULE_HTTP_TYPE: &str =
    "type.googleapis.com/envoy.extensions.filters.http.dynamic_modules.v3.DynamicModuleFilter";
/// The dynamic module's name (`libmeshgate_dynmod.so`, the `dynmod/` crate).
pub const DYNAMIC_MODULE_NAME: &str = "meshgate_dynmod";

/// The network filter's `root_id` on the filter chain of the linked service whose server name
/// this is, a chain whose tcp_proxy names the service's cluster (the plan's `direct_cluster`):
/// the filter takes the name from here rather than reading the connection's — the chain matched
/// it — and sets no cluster. (The dynamic module's `filter_name` carries it alike.)
pub fn chain_root_id(server_name: &str) -> String {
    format!("{CHAIN_ROOT_ID_PREFIX}{server_name}")
}

/// What runs the filter inside Envoy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum FilterHost {
    /// `filter.wasm` ([`Options::wasm`]) in Envoy's Wasm runtime: sandboxed and portable.
    #[default]
    Wasm,
    /// The same filter as an Envoy dynamic module, a native shared object at this path
    /// (`libmeshgate_dynmod.so`): no Wasm VM in between, and **unsandboxed** — it runs in
    /// Envoy's process with Envoy's privileges. It reads what jwt_authn verified from filter
    /// state ([`jwt::payload_state`]).
    DynamicModule(String),
}

/// What `meshgate envoy` was asked for.
#[derive(Clone, Debug)]
pub struct Options {
    /// Path of `filter.wasm` as Envoy will read it.
    pub wasm: String,
    /// What runs the filter (filter.wasm, or the dynamic module).
    pub host: FilterHost,
    pub admin_port: u16,
    /// Where certificates are (`ca.pem`, `<service>.pem`, `<service>-key.pem`).
    pub cert_dir: Option<String>,
    /// Deliver the plan by ECDS from this (watched) directory instead of inline.
    pub ecds_dir: Option<String>,
    /// A health listener on the gateway's address at this port: `GET /ready` answers 200 only
    /// while every filter VM of the gateway holds a plan (Envoy's own `/ready` stays LIVE when a
    /// filter failed to load and every request gets 500).
    pub health_port: Option<u16>,
    /// The selector names a sidecar (a service, or its proxy), not a gateway.
    pub sidecar: bool,
    /// The files under `cert_dir`, as paths relative to it: an ingress host with its own
    /// certificate (`<gateway>/<host>.pem`, see [`tls::host_cert_stem`]) is served it by SNI.
    pub cert_files: Vec<String>,
}

/// The generated configuration.
#[derive(Clone, Debug)]
pub struct Generated {
    pub plan: GatewayPlan,
    /// The bootstrap, as pretty JSON.
    pub bootstrap: String,
    /// ECDS resource files to write into the ECDS directory (empty without one).
    pub ecds: Vec<EcdsFile>,
    /// What a person should know (features not configured, missing endpoints).
    pub notes: Vec<String>,
}

/// One ECDS resource file: a DiscoveryResponse holding one TypedExtensionConfig.
#[derive(Clone, Debug)]
pub struct EcdsFile {
    /// The file name inside the ECDS directory.
    pub file_name: String,
    /// The resource (and filter) name.
    pub name: String,
    pub content: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EnvoyError {
    #[error("no gateway `{0}` is registered in the workspace (`meshgate routes` lists them)")]
    NoGateway(String),
    #[error("{0}")]
    Gateway(#[from] crate::plan::gateways::GatewaySelectError),
    #[error("a terminating gateway terminates TLS: pass --cert-dir with ca.pem and each linked service's certificate")]
    NeedCerts,
    #[error("{0} gateways originate mTLS to their targets' Connect endpoints with their own certificate: pass --cert-dir with ca.pem and {1}.pem / {1}-key.pem")]
    NeedGatewayCert(&'static str, String),
    #[error("a sidecar terminates and originates mTLS as its service: pass --cert-dir with ca.pem and {0}.pem / {0}-key.pem")]
    NeedServiceCert(String),
    #[error("{0}")]
    Sidecar(#[from] crate::plan::gateways::sidecar::SidecarSelectError),
    #[error("cannot serialize: {0}")]
    Json(String),
    #[error("api-gateway listener `{listener}` names the {kind} `{name}`, and the workspace has no such entry")]
    NoCertificate { listener: String, kind: &'static str, name: String },
    #[error("the gateway plan is {0} bytes; filter.wasm accepts at most {max} (split the intentions across gateways)", max = crate::gateway::MAX_PLAN_BYTES)]
    PlanTooLarge(usize),
}

/// Which filters the gateway needs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filter {
    Network,
    Http,
    /// The health listener's filters, in the network / HTTP filter's VM.
    HealthNetwork,
    HealthHttp,
}

impl Filter {
    const ALL: [Filter; 4] = [Filter::Network, Filter::Http, Filter::HealthNetwork, Filter::HealthHttp];

    fn suffix(self) -> &'static str {
        match self {
            Filter::Network => "network",
            Filter::Http => "http",
            Filter::HealthNetwork => "health-network",
            Filter::HealthHttp => "health-http",
        }
    }

    fn root_id(self) -> &'static str {
        match self {
            Filter::Network => NETWORK_ROOT_ID,
            Filter::Http => HTTP_ROOT_ID,
            Filter::HealthNetwork => HEALTH_NETWORK_ROOT_ID,
            Filter::HealthHttp => HEALTH_HTTP_ROOT_ID,
        }
    }

    /// The VM: the health filters share their gateway filter's, so they fail with it.
    fn vm_id(self) -> &'static str {
        match self {
            Filter::Network | Filter::HealthNetwork => "meshgate-network",
            Filter::Http | Filter::HealthHttp => "meshgate-http",
        }
    }

    fn is_network(self) -> bool {
        matches!(self, Filter::Network | Filter::HealthNetwork)
    }
}

/// The bootstrap's clusters by name: one per route target, possibly thousands added in no
/// particular order, written sorted by name. Not a `BTreeMap` (whose code for this one map was
/// ~6 KB of the planner wasm) nor a sorted `Vec` (quadratic for thousands): added in order,
/// found by a hash map of names (whose code the core has anyway), sorted once at the end.
#[derive(Default)]
pub struct Clusters {
    items: Vec<(String, Value)>,
    at: rustc_hash::FxHashMap<String, usize>,
}

impl Clusters {
    pub fn contains_key(&self, name: &str) -> bool {
        self.at.contains_key(name)
    }

    /// Adds `cluster` as `name`, replacing a cluster of that name.
    pub fn insert(&mut self, name: String, cluster: Value) {
        match self.at.get(&name) {
            Some(&i) => {
                if let Some(slot) = self.items.get_mut(i) {
                    slot.1 = cluster;
                }
            }
            None => {
                self.at.insert(name.clone(), self.items.len());
                self.items.push((name, cluster));
            }
        }
    }

    /// The clusters sorted by name.
    fn into_sorted(self) -> Vec<Value> {
        crate::json::Map::from_entries(self.items).into_values().collect()
    }
}

struct Builder<'a> {
    plan: &'a GatewayPlan,
    settings: &'a crate::settings::Settings,
    /// Where each target's traffic goes (see [`crate::plan::dial`]).
    dialer: Dialer<'a>,
    /// Who dials: the gateway, or the sidecar's service.
    caller: Caller,
    plan_json: String,
    opts: &'a Options,
    clusters: Clusters,
    notes: Vec<String>,
    used: Vec<Filter>,
    /// Envoy's jwt_authn filter (and, for the dynamic module, the set_filter_state filter that
    /// hands it what jwt_authn verified), first in every HTTP connection manager (see [`jwt`]).
    jwt_authn: Option<Vec<Value>>,
}

/// Generates the bootstrap for the gateway `selector` names (with [`Options::sidecar`], the
/// sidecar of the service or proxy it names).
pub fn generate(ws: &Workspace, compiled: &Compiled, selector: &str, opts: &Options) -> Result<Generated, EnvoyError> {
    let settings = &compiled.plan.settings;
    let chosen = if opts.sidecar {
        crate::plan::gateways::sidecar::select(
            &compiled.plan.sidecars,
            selector,
            &settings.datacenter,
            &settings.partition,
        )?
    } else {
        crate::plan::gateways::select(&compiled.plan.gateways, selector, &settings.datacenter, &settings.partition)?
    };
    let mut plan = plan_of(chosen, &compiled.plan, &compiled.protocols, compiled.table.normalization());
    // Before the plan is serialized: the filter reads from it which routes name their cluster.
    traffic::mark_direct_routes(&mut plan, opts.ecds_dir.is_none());
    if plan.gateway.kind == GatewayKind::TerminatingGateway && opts.cert_dir.is_none() {
        return Err(EnvoyError::NeedCerts);
    }
    if matches!(plan.gateway.kind, GatewayKind::IngressGateway | GatewayKind::ApiGateway) && opts.cert_dir.is_none() {
        return Err(EnvoyError::NeedGatewayCert(plan.gateway.kind.as_str(), plan.gateway.name.clone()));
    }
    if let (RouteTable::Sidecar(t), None) = (&plan.routes, &opts.cert_dir) {
        return Err(EnvoyError::NeedServiceCert(t.inbound.service.name.clone()));
    }
    let plan_json = plan.canonical_json();
    if plan_json.len() > crate::gateway::MAX_PLAN_BYTES {
        return Err(EnvoyError::PlanTooLarge(plan_json.len()));
    }
    let mut b = Builder {
        plan: &plan,
        settings,
        dialer: Dialer::new(ws, &compiled.plan),
        caller: Caller::gateway(chosen),
        plan_json,
        opts,
        clusters: Clusters::default(),
        notes: Vec::new(),
        used: Vec::new(),
        jwt_authn: None,
    };
    b.jwt_authn = jwt::filter(ws, &plan, &mut b.clusters, &mut b.notes).map(|f| match opts.host {
        FilterHost::Wasm => vec![f],
        // The module reads the payloads from filter state, where set_filter_state copies them.
        FilterHost::DynamicModule(_) => vec![f, jwt::payload_state()],
    });
    b.clusters.insert(BLACKHOLE.into(), static_cluster(BLACKHOLE, &[], None, Protocol::Tcp));
    let listeners = match &plan.routes {
        RouteTable::MeshGateway(t) => {
            for r in &t.routes {
                b.mesh_cluster(r.cluster(), &r.destination);
            }
            vec![b.mesh_listener()]
        }
        RouteTable::TerminatingGateway(t) => {
            for l in &t.services {
                b.linked_cluster(l);
            }
            vec![b.terminating_listener(&t.services)]
        }
        RouteTable::IngressGateway(t) => {
            let mut out = Vec::new();
            for l in &t.listeners {
                if l.protocol.is_http_like() {
                    for h in &l.hosts {
                        for r in &h.routes {
                            r.targets.iter().for_each(|tg| b.target_cluster(tg, None));
                        }
                    }
                    let listener = b.http_listener(l.port, l.protocol, l.direct_cluster.as_deref());
                    out.push(tls::secure(listener, &b.ingress_tls(ws, l.port, l.protocol)));
                } else if let Some(tcp) = &l.tcp {
                    tcp.targets.iter().for_each(|tg| b.target_cluster(tg, None));
                    let listener = b.tcp_listener(l.port);
                    out.push(tls::secure(listener, &b.ingress_tls(ws, l.port, l.protocol)));
                }
            }
            out
        }
        RouteTable::Sidecar(t) => b.sidecar_listeners(t),
        RouteTable::ApiGateway(t) => {
            let mut out = Vec::new();
            let mut ports = Vec::new();
            for l in &t.listeners {
                if ports.contains(&l.port) {
                    continue;
                }
                ports.push(l.port);
                if l.protocol.is_http_like() {
                    for h in t.listeners.iter().filter(|o| o.port == l.port).flat_map(|o| &o.hosts) {
                        for r in &h.routes {
                            r.targets.iter().for_each(|tg| b.target_cluster(tg, None));
                        }
                    }
                    let listener = b.http_listener(l.port, l.protocol, None);
                    out.push(tls::secure(listener, &b.api_tls(ws, l.port, l.protocol)?));
                } else if let Some(tcp) = l.tcp.first() {
                    tcp.targets.iter().for_each(|tg| b.target_cluster(tg, None));
                    let listener = b.tcp_listener(l.port);
                    out.push(tls::secure(listener, &b.api_tls(ws, l.port, l.protocol)?));
                }
            }
            out
        }
    };
    let mut listeners = listeners;
    if let Some(port) = opts.health_port {
        listeners.push(b.health_listener(port));
    }
    let node = format!("meshgate-{}", plan.gateway.key);
    let clusters: Vec<Value> = std::mem::take(&mut b.clusters).into_sorted();
    let bootstrap = tpl!(
        r#"{
            "node": { "id": $0, "cluster": $1 },
            "admin": { "address": $2 },
            "static_resources": { "listeners": $3, "clusters": $4 }
        }"#,
        node.clone(),
        node,
        socket("127.0.0.1", opts.admin_port),
        listeners,
        clusters,
    );
    let bootstrap = crate::json::pretty(&bootstrap).map_err(|e| EnvoyError::Json(e.to_string()))?;
    let ecds = match &opts.ecds_dir {
        Some(_) => {
            let mut files = Vec::new();
            for f in Filter::ALL {
                if b.used.contains(&f) {
                    files.push(b.ecds_file(f)?);
                }
            }
            files
        }
        None => Vec::new(),
    };
    let notes = b.notes;
    Ok(Generated { plan, bootstrap, ecds, notes })
}

/// Only the ECDS files (for `--update`): same names and contents as [`generate`] writes.
pub fn ecds_update(
    ws: &Workspace,
    compiled: &Compiled,
    selector: &str,
    opts: &Options,
) -> Result<Generated, EnvoyError> {
    let dir = opts.ecds_dir.clone().unwrap_or_default();
    generate(ws, compiled, selector, &Options { ecds_dir: Some(dir), ..opts.clone() })
}

fn socket(address: &str, port: u16) -> Value {
    tpl!(r#"{ "socket_address": { "address": $0, "port_value": $1 } }"#, address, port)
}

fn is_ip(address: &str) -> bool {
    address.parse::<std::net::IpAddr>().is_ok()
}

/// A cluster to `endpoints` (`address:port`), with an optional upstream TLS transport socket.
fn static_cluster(name: &str, endpoints: &[(String, u16)], tls: Option<Value>, protocol: Protocol) -> Value {
    let dns = endpoints.iter().any(|(a, _)| !is_ip(a));
    let lb: Vec<Value> =
        endpoints.iter().map(|(a, p)| tpl!(r#"{ "endpoint": { "address": $0 } }"#, socket(a, *p))).collect();
    let lb = (!lb.is_empty()).then(|| tpl!(r#"{ "lb_endpoints": $0 }"#, lb));
    let http2 = matches!(protocol, Protocol::Http2 | Protocol::Grpc).then(|| {
        tpl!(
            r#"{ "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config": { "http2_protocol_options": {} }
            } }"#
        )
    });
    tpl!(
        r#"{
            "name": $0,
            "type": $1,
            "connect_timeout": "5s",
            "lb_policy": "ROUND_ROBIN",
            "load_assignment": { "cluster_name": $2, "endpoints": [$3?] },
            "dns_lookup_family": $4?,
            "transport_socket": $5?,
            "typed_extension_protocol_options": $6?
        }"#,
        name,
        if dns { "STRICT_DNS" } else { "STATIC" },
        name,
        lb,
        dns.then_some("V4_PREFERRED"),
        tls,
        http2,
    )
}

fn split_endpoint(s: &str) -> Option<(String, u16)> {
    let (a, p) = s.rsplit_once(':')?;
    Some((a.trim_start_matches('[').trim_end_matches(']').to_string(), p.parse().ok()?))
}

/// Upstream TLS to a mesh endpoint: the client's certificate, the target's SNI, the CA, and
/// — where given — the URI SAN the server must present (Consul's rule: a sidecar proves it is
/// the target service). ALPN as the protocol needs it.
fn mesh_upstream_tls(
    sni: &str,
    ca: Option<String>,
    cert: Option<(String, String)>,
    san: Option<&SanMatch>,
    alpn: &[&str],
) -> Value {
    let validation = ca.map(|ca| {
        let matcher = match san {
            Some(SanMatch::Exact(id)) if !id.is_empty() => Some(tpl!(r#"{ "exact": $0 }"#, id.as_str())),
            Some(SanMatch::Regex(re)) => Some(tpl!(r#"{ "safe_regex": { "regex": $0 } }"#, re.as_str())),
            _ => None,
        };
        let sans = matcher.map(|m| tpl!(r#"[{ "san_type": "URI", "matcher": $0 }]"#, m));
        tpl!(r#"{ "trusted_ca": { "filename": $0 }, "match_typed_subject_alt_names": $1? }"#, ca, sans)
    });
    tpl!(
        r#"{ "name": "envoy.transport_sockets.tls", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
            "common_tls_context": { "validation_context": $0?, "alpn_protocols": $1?, "tls_certificates": $2? },
            "sni": $3?
        } }"#,
        validation,
        (!alpn.is_empty()).then_some(alpn),
        cert.map(|(cert, key)| certificates(cert, key)),
        (!sni.is_empty()).then_some(sni),
    )
}

/// `tls_certificates` with one certificate and key, from files.
fn certificates(cert: String, key: String) -> Value {
    tpl!(r#"[{ "certificate_chain": { "filename": $0 }, "private_key": { "filename": $1 } }]"#, cert, key)
}

impl Builder<'_> {
    fn cert(&self, name: &str) -> Option<(String, String)> {
        self.opts.cert_dir.as_ref().map(|d| (format!("{d}/{name}.pem"), format!("{d}/{name}-key.pem")))
    }

    fn ca(&self) -> Option<String> {
        self.opts.cert_dir.as_ref().map(|d| format!("{d}/ca.pem"))
    }

    /// A peer's CA: the settings' `Peers.<peer>.CAFile`, else `<cert-dir>/<peer>-ca.pem`.
    fn peer_ca(&self, peer: &str) -> Option<String> {
        match self.settings.peers.get(peer) {
            Some(p) if !p.ca_file.is_empty() => Some(p.ca_file.clone()),
            _ => self.opts.cert_dir.as_ref().map(|d| format!("{d}/{peer}-ca.pem")),
        }
    }

    /// How a listener that requires client certificates checks them: the mesh CA; with peers,
    /// Envoy's SPIFFE validator with one trust bundle per trust domain (a peer's certificates
    /// chain to its own CA and name its own trust domain).
    fn client_validation(&self) -> Value {
        let ca = self.ca().unwrap_or_default();
        if self.plan.peer_trust_domains.is_empty() {
            return tpl!(r#"{ "trusted_ca": { "filename": $0 } }"#, ca);
        }
        let domain = |name: &str, ca: String| tpl!(r#"{ "name": $0, "trust_bundle": { "filename": $1 } }"#, name, ca);
        let mut domains = vec![domain(&self.plan.trust_domain, ca)];
        for (peer, td) in &self.plan.peer_trust_domains {
            domains.push(domain(td, self.peer_ca(peer).unwrap_or_default()));
        }
        tpl!(
            r#"{ "custom_validator_config": {
                "name": "envoy.tls.cert_validator.spiffe",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig",
                    "trust_domains": $0
                }
            } }"#,
            domains,
        )
    }

    fn add_cluster(&mut self, name: &str, endpoints: Vec<(String, u16)>, tls: Option<Value>, protocol: Protocol) {
        if self.clusters.contains_key(name) {
            return;
        }
        if endpoints.is_empty() {
            self.notes
                .push(format!("cluster {name} has no endpoints (no registered instance with an address and port)"));
        }
        self.clusters.insert(name.to_string(), static_cluster(name, &endpoints, tls, protocol));
    }

    fn mesh_cluster(&mut self, name: &str, d: &MeshDestination) {
        let dc = self.plan.gateway.datacenter.clone();
        let endpoints = match d {
            MeshDestination::LocalService { service, subset, .. } => {
                match self.dialer.terminating_gateways_of(service, &dc) {
                    // A service linked to a terminating gateway is reached through that gateway.
                    Some(gateways) => gateways,
                    None => {
                        let (endpoints, unread) = self.dialer.connect_endpoints(service, &dc, subset);
                        self.note_unread(&service.name, subset, unread);
                        endpoints
                    }
                }
            }
            MeshDestination::ExportedService { service, .. } => self.dialer.connect_endpoints(service, &dc, "").0,
            MeshDestination::RemoteGateways { gateways, .. } | MeshDestination::PeerGateways { gateways, .. } => {
                gateways.clone()
            }
        };
        let endpoints = endpoints.iter().filter_map(|e| split_endpoint(e)).collect();
        self.add_cluster(name, endpoints, None, Protocol::Tcp);
    }

    fn note_unread(&mut self, name: &str, subset: &str, unread: Option<String>) {
        if let Some(text) = unread {
            self.notes.push(format!(
                "subset {subset} of {name}: filter `{text}` is not of the form `Service.Meta.<key> == <value>` or `Service.Tags contains <tag>`: every instance is used"
            ));
        }
    }

    fn linked_cluster(&mut self, l: &LinkedRoute) {
        let endpoints = l.endpoints.iter().filter_map(|e| split_endpoint(e)).collect();
        self.add_cluster(&l.cluster, endpoints, tls::origination(&l.tls), l.protocol);
    }

    /// The TLS an ingress gateway's entry gives its listener on `port`.
    fn ingress_tls(&mut self, ws: &Workspace, port: u16, protocol: Protocol) -> tls::ListenerTls {
        let entries = crate::workspace::Entries::new(ws, &self.settings.partition);
        let gw = &self.plan.gateway;
        match entries.ingress_gateway(&gw.as_service()) {
            Some(entry) => tls::ingress(entry, port, protocol, &gw.name, self.opts, &mut self.notes),
            None => tls::ListenerTls::default(),
        }
    }

    /// The TLS of an API gateway's listeners on `port`.
    fn api_tls(&self, ws: &Workspace, port: u16, protocol: Protocol) -> Result<tls::ListenerTls, EnvoyError> {
        let entries = crate::workspace::Entries::new(ws, &self.settings.partition);
        let Some(entry) = entries.api_gateway(&self.plan.gateway.as_service()) else {
            return Ok(tls::ListenerTls::default());
        };
        let listeners: Vec<_> = entry.listeners.iter().filter(|l| l.port == port).collect();
        tls::api(ws, &listeners, protocol)
    }

    /// The cluster of a route target: its dial (see [`crate::plan::dial`]) with mTLS as the
    /// caller; with failover targets, an aggregate cluster over one health-checked cluster per
    /// target in order, so traffic moves on when a target has no healthy endpoint.
    fn target_cluster(&mut self, t: &RouteTarget, mode: Option<Mode>) {
        if self.clusters.contains_key(&t.cluster) {
            return;
        }
        let protocol = self.plan.protocol(&t.service, &t.namespace, &t.partition);
        if t.failover.is_empty() {
            let cluster = self.dialed_cluster(&t.cluster, t, mode, protocol, false);
            self.clusters.insert(t.cluster.clone(), cluster);
            return;
        }
        let mut members = Vec::new();
        for (i, m) in std::iter::once(t).chain(&t.failover).enumerate() {
            let name = format!("failover-target~{i}~{}", m.cluster);
            let cluster = self.dialed_cluster(&name, m, mode, protocol, true);
            self.clusters.insert(name.clone(), cluster);
            members.push(name);
        }
        self.clusters.insert(t.cluster.clone(), aggregate_cluster(&t.cluster, &members));
    }

    fn dialed_cluster(
        &mut self,
        name: &str,
        t: &RouteTarget,
        mode: Option<Mode>,
        protocol: Protocol,
        checked: bool,
    ) -> Value {
        let caller = Caller { mode, ..self.caller.clone() };
        let dial = self.dialer.dial(&caller, t);
        if let Some(problem) = &dial.problem {
            self.notes.push(format!("target {}: {problem}: requests to it fail", t.cluster));
        }
        self.note_unread(&t.service, &t.subset, dial.unread_filter.clone());
        let ca = if dial.peer.is_empty() { self.ca() } else { self.peer_ca(&dial.peer) };
        let alpn: &[&str] = match protocol {
            Protocol::Http2 | Protocol::Grpc => &["h2"],
            Protocol::Http => &["http/1.1"],
            Protocol::Tcp => &[],
        };
        let tls = mesh_upstream_tls(&dial.sni, ca, self.cert(&caller.cert_name), Some(&dial.expects), alpn);
        let endpoints: Vec<(String, u16)> = dial.endpoints.iter().filter_map(|e| split_endpoint(e)).collect();
        let mut cluster = static_cluster(name, &endpoints, Some(tls), protocol);
        traffic::apply_cluster(&mut cluster, &t.policy);
        if checked {
            if let Some(o) = cluster.as_object_mut() {
                // Consul fails over when the catalog has no healthy instance; here Envoy finds out
                // by connecting (a TLS handshake as the caller, every second).
                o.insert(
                    "health_checks".into(),
                    tpl!(
                        r#"[{
                            "timeout": "1s",
                            "interval": "1s",
                            "no_traffic_interval": "1s",
                            "unhealthy_threshold": 1,
                            "healthy_threshold": 1,
                            "tcp_health_check": {}
                        }]"#
                    ),
                );
            }
        }
        cluster
    }

    /// The wasm plugin configuration (inline), for one filter kind. Each kind gets its own VM
    /// (`vm_id` `meshgate-network` / `meshgate-http`): a VM that traps reloads alone, so a crash
    /// in one filter never takes the other gateway traffic down with it.
    fn plugin(&self, f: Filter, root_id: &str) -> Value {
        tpl!(
            r#"{
                "name": $0,
                "root_id": $1,
                "vm_config": {
                    "vm_id": $2,
                    "runtime": "envoy.wasm.runtime.v8",
                    "code": { "local": { "filename": $3 } }
                },
                "configuration": { "@type": "type.googleapis.com/google.protobuf.StringValue", "value": $4 },
                "failure_policy": "FAIL_RELOAD"
            }"#,
            format!("meshgate-{}", f.suffix()),
            root_id,
            f.vm_id(),
            self.opts.wasm.as_str(),
            self.plan_json.as_str(),
        )
    }

    fn resource_name(&self, f: Filter) -> String {
        format!("meshgate-{}-{}", self.plan.gateway.key, f.suffix())
    }

    fn type_url(&self, f: Filter) -> &'static str {
        match (&self.opts.host, f.is_network()) {
            (FilterHost::Wasm, true) => WASM_NETWORK_TYPE,
            (FilterHost::Wasm, false) => WASM_HTTP_TYPE,
            (FilterHost::DynamicModule(_), true) => DYNAMIC_MODULE_NETWORK_TYPE,
            (FilterHost::DynamicModule(_), false) => DYNAMIC_MODULE_HTTP_TYPE,
        }
    }

    /// The filter's `typed_config`, for the chosen host: the one place the two differ. Both get
    /// the same plan; the dynamic module's `filter_name` plays the wasm plugin's `root_id`.
    fn typed_config(&self, f: Filter, root_id: &str) -> Value {
        match &self.opts.host {
            FilterHost::Wasm => tpl!(r#"{ "@type": $0, "config": $1 }"#, self.type_url(f), self.plugin(f, root_id)),
            FilterHost::DynamicModule(path) => tpl!(
                r#"{
                    "@type": $0,
                    "dynamic_module_config": { "name": $1, "module": { "local": { "filename": $2 } } },
                    "filter_name": $3,
                    "filter_config": { "@type": "type.googleapis.com/google.protobuf.StringValue", "value": $4 }
                }"#,
                self.type_url(f),
                DYNAMIC_MODULE_NAME,
                path.as_str(),
                root_id,
                self.plan_json.as_str(),
            ),
        }
    }

    /// The listener filter's name for an inline configuration.
    fn filter_name(&self, f: Filter) -> &'static str {
        match (&self.opts.host, f.is_network()) {
            (FilterHost::Wasm, true) => "envoy.filters.network.wasm",
            (FilterHost::Wasm, false) => "envoy.filters.http.wasm",
            (FilterHost::DynamicModule(_), true) => "envoy.filters.network.dynamic_modules",
            (FilterHost::DynamicModule(_), false) => "envoy.filters.http.dynamic_modules",
        }
    }

    fn ecds_path(&self, f: Filter) -> Option<(String, String)> {
        let dir = self.opts.ecds_dir.as_ref()?;
        let file = format!("{}.json", self.resource_name(f));
        Some((format!("{dir}/{file}"), file))
    }

    /// The filter entry of a listener: inline, or discovered from the ECDS directory.
    fn wasm_filter(&mut self, f: Filter) -> Value {
        self.note_used(f);
        match (&self.opts.ecds_dir, self.ecds_path(f)) {
            (Some(dir), Some((path, _))) => tpl!(
                r#"{
                    "name": $0,
                    "config_discovery": {
                        "config_source": {
                            "path_config_source": { "path": $1, "watched_directory": { "path": $2 } },
                            "resource_api_version": "V3"
                        },
                        "type_urls": [$3]
                    }
                }"#,
                self.resource_name(f),
                path,
                dir.as_str(),
                self.type_url(f),
            ),
            _ => self.inline_filter(f, f.root_id()),
        }
    }

    /// The network filter of a chain whose tcp_proxy names its cluster, with the
    /// [`chain_root_id`] of its server name: inline (`direct_cluster` is never set with ECDS).
    fn chain_filter(&mut self, server_name: &str) -> Value {
        self.note_used(Filter::Network);
        self.inline_filter(Filter::Network, &chain_root_id(server_name))
    }

    fn inline_filter(&self, f: Filter, root_id: &str) -> Value {
        tpl!(r#"{ "name": $0, "typed_config": $1 }"#, self.filter_name(f), self.typed_config(f, root_id))
    }

    fn note_used(&mut self, f: Filter) {
        if !self.used.contains(&f) {
            self.used.push(f);
        }
    }

    fn ecds_file(&self, f: Filter) -> Result<EcdsFile, EnvoyError> {
        let name = self.resource_name(f);
        let content = tpl!(
            r#"{
                "version_info": $0,
                "resources": [{
                    "@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
                    "name": $1,
                    "typed_config": $2
                }]
            }"#,
            self.plan.hash_hex(),
            name.as_str(),
            self.typed_config(f, f.root_id()),
        );
        let file_name = self.ecds_path(f).map(|(_, file)| file).unwrap_or_default();
        let content = crate::json::pretty(&content).map_err(|e| EnvoyError::Json(e.to_string()))?;
        Ok(EcdsFile { file_name, name, content })
    }

    /// tcp_proxy to `cluster`: the blackhole where the network filter before it sets the cluster
    /// it chose.
    fn tcp_proxy(&self, stat: &str, cluster: &str, on_data: bool) -> Value {
        // The peer's certificate exists only once the TLS handshake is done: with `on_data`,
        // connect the upstream then, and let the filter decide on the first bytes either side
        // sends — the client's (client-first protocols: HTTP, TLS, Postgres) or the service's
        // greeting (server-first: SMTP, MySQL, SSH), which it holds back until it has decided.
        // (ON_DOWNSTREAM_DATA hung server-first protocols: neither side spoke.) Envoy requires a
        // bound on what it buffers from the client meanwhile (`max_early_data_bytes`).
        tpl!(
            r#"{ "name": "envoy.filters.network.tcp_proxy", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
                "stat_prefix": $0,
                "cluster": $1,
                "upstream_connect_mode": $2?,
                "max_early_data_bytes": $3?
            } }"#,
            stat,
            cluster,
            on_data.then_some("ON_DOWNSTREAM_TLS_HANDSHAKE"),
            on_data.then_some(65536),
        )
    }

    fn mesh_listener(&mut self) -> Value {
        let gw = &self.plan.gateway;
        let (address, port, key) = (gw.address.clone(), gw.port, gw.key.clone());
        let wasm = self.wasm_filter(Filter::Network);
        let tcp = self.tcp_proxy(&format!("meshgate_{key}"), BLACKHOLE, false);
        tpl!(
            r#"{ "name": $0, "address": $1, "listener_filters": [$2], "filter_chains": [{ "filters": [$3, $4] }] }"#,
            format!("{key}:{port}"),
            socket(&address, port),
            tls_inspector(),
            wasm,
            tcp,
        )
    }

    fn terminating_listener(&mut self, services: &[LinkedRoute]) -> Value {
        let gw = &self.plan.gateway;
        let (address, port, key) = (gw.address.clone(), gw.port, gw.key.clone());
        let mut chains = Vec::new();
        for l in services {
            let mut chain = self.terminated_chain(l, &l.service.name);
            if let Some(o) = chain.as_object_mut() {
                o.insert("filter_chain_match".into(), tpl!(r#"{ "server_names": [$0] }"#, l.sni.as_str()));
            }
            chains.push(chain);
        }
        tpl!(
            r#"{ "name": $0, "address": $1, "listener_filters": [$2], "filter_chains": $3 }"#,
            format!("{key}:{port}"),
            socket(&address, port),
            tls_inspector(),
            chains,
        )
    }

    /// A filter chain that terminates mesh mTLS as `cert_name` (client certificate required),
    /// lets the filter decide on the peer's identity, and forwards to `l.cluster`.
    fn terminated_chain(&mut self, l: &LinkedRoute, cert_name: &str) -> Value {
        let key = self.plan.gateway.key.clone();
        let (cert, key_file) = self.cert(cert_name).unwrap_or_default();
        let tls = tpl!(
            r#"{ "name": "envoy.transport_sockets.tls", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
                "require_client_certificate": true,
                "common_tls_context": { "tls_certificates": $0, "validation_context": $1 }
            } }"#,
            certificates(cert, key_file),
            self.client_validation(),
        );
        let filters = if l.protocol.is_http_like() {
            let http = self.wasm_filter(Filter::Http);
            let route = tpl!(
                r#"{ "cluster": $0, "auto_host_rewrite": $1? }"#,
                l.cluster.as_str(),
                (!l.disable_auto_host_rewrite).then_some(true),
            );
            let stat = format!("meshgate_{key}_{}", l.service.name);
            vec![hcm(&stat, self.http_filters(http), route, l.protocol, Some(self.sni_header_mutation(l)))]
        } else {
            let stat = format!("meshgate_{key}_{}", l.service.name);
            match &l.direct_cluster {
                Some(cluster) => vec![self.chain_filter(&l.sni), self.tcp_proxy(&stat, cluster, true)],
                None => vec![self.wasm_filter(Filter::Network), self.tcp_proxy(&stat, BLACKHOLE, true)],
            }
        };
        tpl!(r#"{ "transport_socket": $0, "filters": $1 }"#, tls, filters)
    }

    /// The chain's server name in [`SNI_HEADER`], written before any filter or route sees the
    /// request and replacing every copy a client sent (also when the value is empty), for the
    /// filter to read instead of a connection property (the plan's `connection_headers`). A
    /// terminating chain matches one name, so that name is written as it is; the sidecar's one
    /// public chain matches any, so it writes the connection's (which decides nothing there: its
    /// one service is the destination whatever the name).
    fn sni_header_mutation(&self, l: &LinkedRoute) -> Value {
        let value = match self.plan.routes {
            // `%` starts a formatter command in Envoy's header values; a DNS name has none.
            RouteTable::TerminatingGateway(_) => l.sni.replace('%', "%%"),
            _ => "%REQUESTED_SERVER_NAME%".to_string(),
        };
        tpl!(
            r#"{ "name": "envoy.http.early_header_mutation.header_mutation", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation",
                "mutations": [{ "append": {
                    "header": { "key": $0, "value": $1 },
                    "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
                    "keep_empty_value": true
                } }]
            } }"#,
            SNI_HEADER,
            value,
        )
    }

    /// A sidecar: the public listener (mTLS as the service, its inbound intentions, then the
    /// local application) and one listener per upstream (its chain's routes, targets dialled
    /// with mTLS as the service, by the upstream's mesh gateway mode).
    fn sidecar_listeners(&mut self, t: &SidecarTable) -> Vec<Value> {
        let gw = &self.plan.gateway;
        let (address, port, key) = (gw.address.clone(), gw.port, gw.key.clone());
        let app: Vec<(String, u16)> = t.inbound.endpoints.iter().filter_map(|e| split_endpoint(e)).collect();
        if app.is_empty() {
            self.notes.push(format!("{key}: no local application port: every allowed request fails"));
        }
        self.clusters
            .insert(LOCAL_APP_CLUSTER.into(), static_cluster(LOCAL_APP_CLUSTER, &app, None, t.inbound.protocol));
        let chain = self.terminated_chain(&t.inbound, &t.inbound.service.name);
        let mut out = vec![tpl!(
            r#"{ "name": $0, "address": $1, "filter_chains": [$2] }"#,
            format!("{key}:public:{port}"),
            socket(&address, port),
            chain,
        )];
        // Outbound, the destination decides (and verifies): jwt_authn here would strip the
        // tokens it verified before they reach the destination.
        let jwt_authn = self.jwt_authn.take();
        for u in &t.upstreams {
            for target in u.targets() {
                self.target_cluster(target, Some(u.mesh_gateway_mode));
            }
            out.push(if u.protocol.is_http_like() {
                self.http_listener_at(&u.address, u.port, u.protocol, None)
            } else {
                self.tcp_listener_at(&u.address, u.port)
            });
        }
        self.jwt_authn = jwt_authn;
        out
    }

    fn http_listener(&mut self, port: u16, protocol: Protocol, direct: Option<&str>) -> Value {
        let address = self.plan.gateway.address.clone();
        self.http_listener_at(&address, port, protocol, direct)
    }

    /// `direct`: the one cluster the plan says this listener forwards to (the filter then sets
    /// no routing header); otherwise the route's cluster is the routing header's.
    fn http_listener_at(&mut self, address: &str, port: u16, protocol: Protocol, direct: Option<&str>) -> Value {
        let key = self.plan.gateway.key.clone();
        let http = self.wasm_filter(Filter::Http);
        let route = match direct {
            Some(cluster) => tpl!(r#"{ "cluster": $0 }"#, cluster),
            None => tpl!(r#"{ "cluster_header": $0 }"#, ROUTING_HEADER),
        };
        let manager = hcm(&format!("meshgate_{key}_{port}"), self.http_filters(http), route, protocol, None);
        let mut listener = tpl!(
            r#"{ "name": $0, "address": $1, "filter_chains": [{ "filters": [$2] }] }"#,
            format!("{key}:{port}"),
            socket(address, port),
            manager,
        );
        traffic::add_policy_routes(&mut listener, &traffic::hosts_at(self.plan, port));
        listener
    }

    /// The health listener: `GET /ready` passes the health filter of each VM the gateway uses — a
    /// network one that closes the connection when its VM holds no plan, an HTTP one that answers
    /// 503 then — and is answered 200 by the route. A VM that failed to load (a corrupted
    /// `filter.wasm` pushed by ECDS, say) fails the check the way it fails traffic.
    fn health_listener(&mut self, port: u16) -> Value {
        let gw = &self.plan.gateway;
        let (address, key) = (gw.address.clone(), gw.key.clone());
        let mut filters = Vec::new();
        if self.used.contains(&Filter::Network) {
            filters.push(self.wasm_filter(Filter::HealthNetwork));
        }
        let mut http_filters = Vec::new();
        if self.used.contains(&Filter::Http) {
            http_filters.push(self.wasm_filter(Filter::HealthHttp));
        }
        http_filters.push(router());
        // (An HTTP health filter answers first, with the plan it holds.)
        filters.push(tpl!(
            r#"{ "name": "envoy.filters.network.http_connection_manager", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "stat_prefix": $0,
                "route_config": {
                    "name": "meshgate_health",
                    "virtual_hosts": [{
                        "name": "health",
                        "domains": ["*"],
                        "routes": [{
                            "match": { "path": "/ready" },
                            "direct_response": { "status": 200, "body": { "inline_string": "ready\n" } }
                        }]
                    }]
                },
                "http_filters": $1
            } }"#,
            format!("meshgate_{key}_health"),
            http_filters,
        ));
        tpl!(
            r#"{ "name": $0, "address": $1, "filter_chains": [{ "filters": $2 }] }"#,
            format!("{key}:{port}:health"),
            socket(&address, port),
            filters,
        )
    }

    /// An ingress or API gateway's tcp listener: the network filter picks the weighted target,
    /// checks the gateway's L4 intentions for it and sets `envoy.tcp_proxy.cluster` (or closes
    /// the connection); tcp_proxy's default is the blackhole.
    fn tcp_listener(&mut self, port: u16) -> Value {
        let address = self.plan.gateway.address.clone();
        self.tcp_listener_at(&address, port)
    }

    fn tcp_listener_at(&mut self, address: &str, port: u16) -> Value {
        let key = self.plan.gateway.key.clone();
        let wasm = self.wasm_filter(Filter::Network);
        let tcp = self.tcp_proxy(&format!("meshgate_{key}_{port}"), BLACKHOLE, false);
        tpl!(
            r#"{ "name": $0, "address": $1, "filter_chains": [{ "filters": [$2, $3] }] }"#,
            format!("{key}:{port}"),
            socket(address, port),
            wasm,
            tcp,
        )
    }

    /// An HTTP connection manager's filters before the router: jwt_authn where the gateway's
    /// intentions need it (see [`jwt`]), then meshgate's.
    fn http_filters(&self, meshgate: Value) -> Vec<Value> {
        let mut filters = self.jwt_authn.clone().unwrap_or_default();
        filters.push(meshgate);
        filters
    }
}

fn tls_inspector() -> Value {
    tpl!(
        r#"{ "name": "envoy.filters.listener.tls_inspector", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"
        } }"#
    )
}

fn router() -> Value {
    tpl!(
        r#"{ "name": "envoy.filters.http.router", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
        } }"#
    )
}

/// An HTTP connection manager: `filters` (meshgate's last), then the router, one route for every
/// request. The routing header is stripped before the request leaves. Headers with underscores
/// are refused: CGI-style backends read `x_user` as `x-user`, a name no rule saw.
///
/// With `terminated` (a chain that terminates mesh mTLS; the early header mutation writing its
/// server name, see `sni_header_mutation`), Envoy sets the client-certificate header for the
/// filter: the filter sees only the certificate's first URI SAN as a property; the header lists
/// them all, so the filter can require exactly one (a client's copy is dropped). URI must stay
/// the only detail: with the plan's `connection_headers` the filter reads the peer as everything
/// after the header's one `URI=`, which Envoy writes last. The route strips both headers before
/// forwarding: were the filter to remove them, Envoy's Wasm host would match the route again
/// per request.
fn hcm(stat: &str, mut filters: Vec<Value>, route: Value, protocol: Protocol, terminated: Option<Value>) -> Value {
    let client_cert = terminated.is_some();
    filters.push(router());
    tpl!(
        r#"{ "name": "envoy.filters.network.http_connection_manager", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            "stat_prefix": $0,
            "codec_type": $1,
            "common_http_protocol_options": { "headers_with_underscores_action": "REJECT_REQUEST" },
            "forward_client_cert_details": $2?,
            "set_current_client_cert_details": $3?,
            "early_header_mutation_extensions": $10?,
            "route_config": {
                "name": $4,
                "virtual_hosts": [{
                    "name": "meshgate",
                    "domains": ["*"],
                    "routes": [{
                        "match": { "prefix": "/" },
                        "route": $5,
                        "request_headers_to_remove": [$6, $7, $8?, $11?]
                    }]
                }]
            },
            "http_filters": $9
        } }"#,
        stat,
        if matches!(protocol, Protocol::Http2 | Protocol::Grpc) { "HTTP2" } else { "AUTO" },
        client_cert.then_some("SANITIZE_SET"),
        client_cert.then(|| tpl!(r#"{ "uri": true }"#)),
        stat,
        route,
        ROUTING_HEADER,
        ROUTE_HEADER,
        client_cert.then_some(CLIENT_CERT_HEADER),
        filters,
        terminated.map(|m| vec![m]),
        client_cert.then_some(SNI_HEADER),
    )
}

/// An aggregate cluster: `members` in order, each used while the ones before it have no healthy
/// endpoint.
fn aggregate_cluster(name: &str, members: &[String]) -> Value {
    tpl!(
        r#"{
            "name": $0,
            "connect_timeout": "5s",
            "lb_policy": "CLUSTER_PROVIDED",
            "cluster_type": {
                "name": "envoy.clusters.aggregate",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.clusters.aggregate.v3.ClusterConfig",
                    "clusters": $1
                }
            }
        }"#,
        name,
        members,
    )
}

pub mod traffic;

#[cfg(test)]
mod tests;
mod tls;
pub use tls::{host_cert_stem, sni_matchable};
