//! `service-defaults`: the settings of one service everywhere in the mesh — its protocol, proxy
//! mode, mutual TLS mode, mesh gateway mode, defaults and per-upstream overrides for the upstreams
//! it dials, a `Destination` outside the mesh (reached through a terminating gateway), instance rate
//! limits, local timeouts, exposed paths and Envoy extensions.
//!
//! Integer fields Consul types as `int` are read as unsigned numbers here: a negative connection
//! limit or timeout is reported where it is written instead of being silently treated as unset.

use super::common::*;
use super::proxy_defaults::MutualTlsMode;
use super::Validate;
use crate::decode::{suggest, Cx, Decode, Duration};
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::SortedMap;
use crate::source::Span;
use crate::syntax::Node;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

decode_enum! {
    /// How a listener spreads connections over Envoy's worker threads
    /// (`BalanceInboundConnections`, `BalanceOutboundConnections`).
    #[derive(Default)]
    pub enum ConnectionBalance("a connection balancing strategy") {
        /// Envoy's default: no balancing.
        #[default]
        Unset = "",
        ExactBalance = "exact_balance",
    }
}

impl ConnectionBalance {
    pub fn is_set(self) -> bool {
        self != ConnectionBalance::Unset
    }
}

/// A value together with where it was written, so a rule can point at one item of a list.
/// Like every span, the position does not take part in equality.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

#[cfg(test)]
impl<T: crate::decode::Shape> crate::decode::Shape for Spanned<T> {
    fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
        T::paths(prefix, out);
    }
}

impl<T: Decode> Decode for Spanned<T> {
    fn expected() -> &'static str {
        T::expected()
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::decode(node, cx).map(|value| Spanned { value, span: node.span })
    }
}

decode_struct! {
    /// `Limits`: circuit-breaker limits on the connections to one upstream (0 or unset: Envoy's default).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct UpstreamLimits("a Limits block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_connections: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_pending_requests: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_concurrent_requests: Option<u32>,
    }
}

decode_struct! {
    /// `PassiveHealthCheck`: outlier detection that ejects failing upstream instances.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct PassiveHealthCheck("a PassiveHealthCheck block", pascal) {
        /// Time between ejection sweeps (0: Envoy's default, 10s).
        #[serde(skip_serializing_if = "is_zero_duration")]
        pub interval: Duration,
        /// Consecutive 5xx responses before a host is ejected (0: Envoy's default, 5).
        #[serde(skip_serializing_if = "is_zero")]
        pub max_failures: u32,
        /// Percentage (0–100) of detected outliers actually ejected; Envoy's default is 100.
        #[serde(rename = "EnforcingConsecutive5xx", skip_serializing_if = "Option::is_none")]
        pub enforcing_consecutive_5xx: Option<u32>,
        /// Percentage (0–100) of the cluster that may be ejected at once; Envoy's default is 10.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_ejection_percent: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub base_ejection_time: Option<Duration>,
    }
}

decode_struct! {
    /// One `UpstreamConfig.Overrides` item (which names its upstream) or `UpstreamConfig.Defaults`
    /// (which must not). Consul uses one shape for both; so do we, to report a `Name` in
    /// `Defaults` as a rule rather than as an unknown key.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct UpstreamConfig("an upstream configuration", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub name: String,
        /// Empty: the namespace of the service-defaults entry.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        /// Empty: the partition of the service-defaults entry.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub peer: String,
        /// Escape hatch: a complete Envoy listener, as JSON (ignored when a discovery chain applies).
        #[serde(rename = "EnvoyListenerJSON", skip_serializing_if = "String::is_empty")]
        pub envoy_listener_json: String,
        /// Escape hatch: a complete Envoy cluster, as JSON (ignored when a discovery chain applies).
        #[serde(rename = "EnvoyClusterJSON", skip_serializing_if = "String::is_empty")]
        pub envoy_cluster_json: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub protocol: String,
        /// Milliseconds; Consul's default is 5000.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub connect_timeout_ms: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub limits: Option<UpstreamLimits>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub passive_health_check: Option<PassiveHealthCheck>,
        #[serde(skip_serializing_if = "is_unset_gateway")]
        pub mesh_gateway: MeshGatewayConfig,
        #[serde(skip_serializing_if = "is_unset_balance")]
        pub balance_outbound_connections: ConnectionBalance,
    }
}

decode_struct! {
    /// `UpstreamConfig`: settings for the upstreams this service dials.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct UpstreamConfiguration("an UpstreamConfig block", pascal) {
        /// Per-upstream settings; each names its upstream.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub overrides: Vec<UpstreamConfig>,
        /// Settings for every upstream without an override.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub defaults: Option<UpstreamConfig>,
    }
}

decode_struct! {
    /// `Destination`: this "service" is an address outside the mesh, reached through a
    /// terminating gateway by transparent proxies.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct DestinationConfig("a Destination block", pascal) {
        /// Hostnames or IP addresses; no wildcards.
        pub addresses: Vec<Spanned<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub port: Option<u16>,
    }
}

decode_struct! {
    /// One `RateLimits.InstanceLevel.Routes` item: a limit for the requests whose path matches.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RouteRateLimit("a rate limit route", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path_exact: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path_prefix: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path_regex: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub requests_per_second: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub requests_max_burst: Option<u32>,
    }
}

decode_struct! {
    /// `RateLimits.InstanceLevel`: a token bucket per service instance (first matching route wins).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct InstanceLevelRateLimits("an InstanceLevel block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub requests_per_second: Option<u32>,
        /// Defaults to `RequestsPerSecond`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub requests_max_burst: Option<u32>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub routes: Vec<RouteRateLimit>,
    }
}

decode_struct! {
    /// `RateLimits` (a Consul Enterprise feature): limits on the requests a service accepts.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RateLimits("a RateLimits block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub instance_level: Option<InstanceLevelRateLimits>,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "service-defaults", rename_all = "PascalCase")]
    pub struct ServiceDefaults("a service-defaults entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        /// `tcp` (Consul's default when neither this nor proxy-defaults says), `http`, `http2`, `grpc`.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub protocol: String,
        #[serde(skip_serializing_if = "is_unset_balance")]
        pub balance_inbound_connections: ConnectionBalance,
        #[serde(skip_serializing_if = "is_unset_proxy_mode")]
        pub mode: ProxyMode,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub rate_limits: Option<RateLimits>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub upstream_config: Option<UpstreamConfiguration>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub transparent_proxy: Option<TransparentProxyConfig>,
        #[serde(rename = "MutualTLSMode", skip_serializing_if = "is_unset_mtls")]
        pub mutual_tls_mode: MutualTlsMode,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub envoy_extensions: Vec<EnvoyExtension>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub destination: Option<DestinationConfig>,
        /// Concurrent inbound connections per instance (0 or unset: unlimited).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_inbound_connections: Option<u32>,
        /// Milliseconds to connect to the local application (Consul's default 5000).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub local_connect_timeout_ms: Option<u32>,
        /// Milliseconds for an HTTP request to the local application (Envoy's default 15000).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub local_request_timeout_ms: Option<u32>,
        #[serde(skip_serializing_if = "is_unset_gateway")]
        pub mesh_gateway: MeshGatewayConfig,
        #[serde(rename = "ExternalSNI", skip_serializing_if = "String::is_empty")]
        pub external_sni: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub expose: Option<ExposeConfig>,
    }
}

fn is_zero_duration(d: &Duration) -> bool {
    d.nanos == 0
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_unset_gateway(g: &MeshGatewayConfig) -> bool {
    !g.mode.is_set()
}

fn is_unset_balance(b: &ConnectionBalance) -> bool {
    !b.is_set()
}

fn is_unset_proxy_mode(m: &ProxyMode) -> bool {
    *m == ProxyMode::Unset
}

fn is_unset_mtls(m: &MutualTlsMode) -> bool {
    *m == MutualTlsMode::Unset
}

/// An upstream as a proxy dials it, for finding the `UpstreamConfig.Overrides` item that applies.
/// Empty `namespace` and `partition` mean `default`; empty `peer` means a local upstream.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpstreamRef<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub partition: &'a str,
    pub peer: &'a str,
}

impl<'a> UpstreamRef<'a> {
    /// A local upstream in the default namespace and partition.
    pub fn named(name: &'a str) -> Self {
        UpstreamRef { name, ..UpstreamRef::default() }
    }
}

impl ServiceDefaults {
    /// The protocol this entry sets, lower-cased when it is one Consul knows; `None` when unset
    /// (the semantics layer then falls back to proxy-defaults, then `tcp`).
    pub fn protocol(&self) -> Option<&str> {
        known_protocol(&self.protocol)
    }

    /// The top-level `MeshGateway.Mode` (for upstreams without a more specific setting).
    pub fn mesh_gateway_mode(&self) -> MeshGatewayMode {
        self.mesh_gateway.mode
    }

    /// `UpstreamConfig.Defaults`, when written.
    pub fn upstream_defaults(&self) -> Option<&UpstreamConfig> {
        self.upstream_config.as_ref()?.defaults.as_ref()
    }

    /// `UpstreamConfig.Defaults.MeshGateway.Mode` (`Unset` when not written).
    pub fn upstream_defaults_mesh_gateway_mode(&self) -> MeshGatewayMode {
        self.upstream_defaults().map(|d| d.mesh_gateway.mode).unwrap_or_default()
    }

    /// The namespace an override applies to: its own, else this entry's, else `default`.
    pub fn override_namespace<'s>(&'s self, o: &'s UpstreamConfig) -> &'s str {
        or_default(if o.namespace.is_empty() { &self.namespace } else { &o.namespace })
    }

    /// The partition an override applies to: its own, else this entry's, else `default`.
    pub fn override_partition<'s>(&'s self, o: &'s UpstreamConfig) -> &'s str {
        or_default(if o.partition.is_empty() { &self.partition } else { &o.partition })
    }

    /// The `UpstreamConfig.Overrides` item for this upstream (matching name, namespace, partition
    /// and peer exactly, as Consul does; an override without a namespace or partition takes this
    /// entry's). The first one when several match — which validation reports as an error.
    pub fn upstream_override(&self, upstream: &UpstreamRef<'_>) -> Option<&UpstreamConfig> {
        let overrides = &self.upstream_config.as_ref()?.overrides;
        overrides.iter().find(|o| {
            o.name == upstream.name
                && self.override_namespace(o) == or_default(upstream.namespace)
                && self.override_partition(o) == or_default(upstream.partition)
                && o.peer == upstream.peer
        })
    }

    /// The mesh gateway mode this entry gives one upstream: its override's, else
    /// `UpstreamConfig.Defaults`', else the top-level one; `Unset` when this entry says nothing
    /// (the caller goes on to proxy-defaults).
    pub fn upstream_mesh_gateway_mode(&self, upstream: &UpstreamRef<'_>) -> MeshGatewayMode {
        [
            self.upstream_override(upstream).map(|o| o.mesh_gateway.mode).unwrap_or_default(),
            self.upstream_defaults_mesh_gateway_mode(),
            self.mesh_gateway.mode,
        ]
        .into_iter()
        .find(|m| m.is_set())
        .unwrap_or_default()
    }
}

impl UpstreamConfig {
    /// This upstream configuration's protocol, lower-cased when known; `None` when unset.
    pub fn protocol(&self) -> Option<&str> {
        known_protocol(&self.protocol)
    }
}

fn known_protocol(written: &str) -> Option<&str> {
    if written.is_empty() {
        return None;
    }
    Some(PROTOCOLS.iter().copied().find(|p| p.eq_ignore_ascii_case(written)).unwrap_or(written))
}

/// Reports a protocol Consul does not know, with the closest known one. `place` says where the
/// protocol was written when that is not the entry's top level ("in UpstreamConfig.Defaults").
pub(crate) fn check_protocol(cx: &mut Cx, written: &str, span: Span, place: Option<&str>) {
    if written.is_empty() || PROTOCOLS.iter().any(|p| p.eq_ignore_ascii_case(written)) {
        return;
    }
    let choices: Vec<String> = PROTOCOLS.iter().map(|p| format!("\"{p}\"")).collect();
    let place = place.map(|p| format!(" {p}")).unwrap_or_default();
    let mut d = Diagnostic::error(
        Code::InvalidProtocol,
        span,
        format!("Protocol \"{written}\"{place} is not a protocol Consul knows; expected one of {}", choices.join(", ")),
    );
    d = match suggest(written, PROTOCOLS) {
        Some(s) => d.with_note(format!("help: did you mean \"{s}\"?")).with_fix(s),
        None => d.with_note("for any other protocol (a database, a message queue, ...) use \"tcp\""),
    };
    cx.push(d);
}

impl Validate for ServiceDefaults {
    fn validate(&self, cx: &mut Cx) {
        self.validate_name(cx);
        check_protocol(cx, &self.protocol, self.origin.field("protocol"), None);
        if self.upstream_config.is_some() && self.destination.is_some() {
            cx.push(
                Diagnostic::error(
                    Code::ConflictingFields,
                    self.origin.field("destination"),
                    "a service-defaults entry takes `Destination` or `UpstreamConfig`, not both",
                )
                .with_note(
                    "`Destination` makes this name an address outside the mesh, which has no upstreams of its own",
                ),
            );
        }
        if let Some(upstreams) = &self.upstream_config {
            self.validate_upstreams(upstreams, cx);
        }
        if let Some(destination) = &self.destination {
            validate_destination(destination, cx);
        }
        if let Some(limits) = self.rate_limits.as_ref().and_then(|r| r.instance_level.as_ref()) {
            validate_rate_limits(limits, cx);
        }
        if let Some(expose) = &self.expose {
            validate_expose(expose, cx);
        }
        for (i, ext) in self.envoy_extensions.iter().enumerate() {
            if ext.name.is_empty() {
                cx.error(
                    Code::MissingField,
                    ext.origin.span,
                    format!("EnvoyExtensions item #{} needs `Name` (for example \"builtin/lua\")", i + 1),
                );
            }
        }
    }
}

impl ServiceDefaults {
    fn validate_name(&self, cx: &mut Cx) {
        if self.name.is_empty() {
            cx.error(
                Code::MissingField,
                self.origin.span,
                "a service-defaults entry needs `Name`: the service it configures",
            );
        } else if self.name == "*" {
            cx.push(
                Diagnostic::error(
                    Code::InvalidWildcard,
                    self.origin.field("name"),
                    "service-defaults `Name` must name one service, not `*`",
                )
                .with_note("settings for every service belong in the proxy-defaults entry"),
            );
        } else if let Err(why) = check_name(&self.name) {
            cx.error(Code::InvalidName, self.origin.field("name"), format!("service name `{}` {why}", self.name));
        }
    }

    fn validate_upstreams(&self, cfg: &UpstreamConfiguration, cx: &mut Cx) {
        // (name, namespace, partition, peer) of each override → its item number.
        let mut seen: SortedMap<(&str, &str, &str, &str), usize> = SortedMap::new();
        for (i, o) in cfg.overrides.iter().enumerate() {
            let n = i + 1;
            if o.name.is_empty() {
                cx.push(
                    Diagnostic::error(
                        Code::MissingField,
                        o.origin.span,
                        format!("UpstreamConfig.Overrides item #{n} needs `Name`: the upstream service it applies to"),
                    )
                    .with_note("settings for every upstream belong in `UpstreamConfig.Defaults`"),
                );
            } else if o.name == "*" {
                cx.push(
                    Diagnostic::error(
                        Code::InvalidWildcard,
                        o.origin.field("name"),
                        "an upstream override names one upstream service; `*` is not supported",
                    )
                    .with_note("settings for every upstream belong in `UpstreamConfig.Defaults`"),
                );
            } else if let Err(why) = check_name(&o.name) {
                cx.error(Code::InvalidName, o.origin.field("name"), format!("upstream name `{}` {why}", o.name));
            }
            for (field, value, key) in [
                ("namespace", &o.namespace, "Namespace"),
                ("partition", &o.partition, "Partition"),
                ("peer", &o.peer, "Peer"),
            ] {
                if value == "*" {
                    cx.error(
                        Code::InvalidWildcard,
                        o.origin.field(field),
                        format!(
                            "an upstream override's `{key}` must name one {}; `*` is not supported",
                            key.to_ascii_lowercase()
                        ),
                    );
                }
            }
            validate_upstream_settings(o, OVERRIDES, cx);
            if o.name.is_empty() || o.name == "*" {
                continue;
            }
            let key = (o.name.as_str(), self.override_namespace(o), self.override_partition(o), o.peer.as_str());
            match seen.get(&key) {
                Some(first) => {
                    let (_, namespace, partition, peer) = key;
                    let mut scope = Vec::new();
                    if namespace != "default" {
                        scope.push(format!("namespace `{namespace}`"));
                    }
                    if partition != "default" {
                        scope.push(format!("partition `{partition}`"));
                    }
                    if !peer.is_empty() {
                        scope.push(format!("peer `{peer}`"));
                    }
                    let scope = if scope.is_empty() { String::new() } else { format!(" ({})", scope.join(", ")) };
                    cx.push(
                        Diagnostic::error(
                            Code::DuplicateUpstreamOverride,
                            o.origin.field("name"),
                            format!(
                                "UpstreamConfig.Overrides items #{first} and #{n} both configure upstream `{}`{scope}",
                                o.name
                            ),
                        )
                        .with_note(
                            "an override without `Namespace` or `Partition` takes the entry's; merge them into one override",
                        ),
                    );
                }
                None => {
                    seen.insert(key, n);
                }
            }
        }
        if let Some(d) = &cfg.defaults {
            for (field, value, key) in [
                ("name", &d.name, "Name"),
                ("namespace", &d.namespace, "Namespace"),
                ("partition", &d.partition, "Partition"),
                ("peer", &d.peer, "Peer"),
            ] {
                if value.is_empty() {
                    continue;
                }
                let mut diag = Diagnostic::error(
                    Code::UpstreamDefaultsTarget,
                    d.origin.field(field),
                    format!("`UpstreamConfig.Defaults` applies to every upstream, so it cannot set `{key}`"),
                );
                if field == "name" {
                    diag = diag.with_note(format!(
                        "to configure only the upstream `{value}`, move these settings into an `UpstreamConfig.Overrides` item"
                    ));
                }
                cx.push(diag);
            }
            validate_upstream_settings(d, DEFAULTS, cx);
        }
    }
}

const OVERRIDES: &str = "UpstreamConfig.Overrides";
const DEFAULTS: &str = "UpstreamConfig.Defaults";

fn validate_upstream_settings(u: &UpstreamConfig, owner: &str, cx: &mut Cx) {
    let place = if owner == OVERRIDES && !u.name.is_empty() {
        format!("in the override for `{}`", u.name)
    } else {
        format!("in {owner}")
    };
    check_protocol(cx, &u.protocol, u.origin.field("protocol"), Some(&place));
    if let Some(check) = &u.passive_health_check {
        for (field, value, key) in [
            ("enforcing_consecutive_5xx", check.enforcing_consecutive_5xx, "EnforcingConsecutive5xx"),
            ("max_ejection_percent", check.max_ejection_percent, "MaxEjectionPercent"),
        ] {
            if let Some(v) = value.filter(|v| *v > 100) {
                cx.error(
                    Code::NumberOutOfRange,
                    check.origin.field(field),
                    format!("PassiveHealthCheck.{key} is a percentage from 0 to 100, found {v}"),
                );
            }
        }
    }
    for (field, text, key, what) in [
        ("envoy_listener_json", &u.envoy_listener_json, "EnvoyListenerJSON", "an Envoy listener"),
        ("envoy_cluster_json", &u.envoy_cluster_json, "EnvoyClusterJSON", "an Envoy cluster"),
    ] {
        if text.is_empty() {
            continue;
        }
        // Read by the core's own JSON parser (already there for JSON files), not serde_json's:
        // the playground's wasm then carries no serde_json parser for this one check.
        let problem = match crate::syntax::json::parse(0, text) {
            Ok(crate::syntax::Node { value: crate::syntax::Value::Object(_), .. }) => continue,
            Ok(_) => format!("{key} must be a JSON object ({what})"),
            Err(found) => match found.first() {
                Some(d) => format!(
                    "{key} is not valid JSON: {} (at byte {})",
                    d.message,
                    d.span.map(|s| s.start).unwrap_or_default()
                ),
                None => format!("{key} is not valid JSON"),
            },
        };
        cx.error(Code::InvalidValue, u.origin.field(field), problem);
    }
}

fn validate_destination(d: &DestinationConfig, cx: &mut Cx) {
    if d.addresses.is_empty() {
        cx.error(
            Code::EmptyList,
            d.origin.field("addresses"),
            "Destination needs at least one address in `Addresses` (a hostname or an IP address)",
        );
    }
    let mut seen = crate::sorted::SortedSet::new();
    for a in &d.addresses {
        if !seen.insert(a.value.as_str()) {
            cx.error(Code::InvalidValue, a.span, format!("\"{}\" is listed twice in Destination.Addresses", a.value));
        } else if let Err(why) = check_address(&a.value) {
            cx.error(Code::InvalidValue, a.span, format!("Destination address \"{}\" {why}", a.value));
        }
    }
    if matches!(d.port, None | Some(0)) {
        cx.error(
            Code::InvalidPort,
            d.origin.field("port"),
            "Destination needs `Port`: the port of the external service, from 1 to 65535",
        );
    }
}

/// An IP address or a DNS hostname, without wildcards.
fn check_address(address: &str) -> Result<(), String> {
    if address.contains('*') {
        return Err("has a wildcard; destination addresses are exact hostnames or IP addresses".into());
    }
    if address.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    let host = address.strip_suffix('.').unwrap_or(address);
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    };
    if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
        return Err("is neither an IP address nor a hostname".into());
    }
    Ok(())
}

fn validate_rate_limits(limits: &InstanceLevelRateLimits, cx: &mut Cx) {
    let rate = limits.requests_per_second.filter(|r| *r > 0);
    if let Some(burst) = limits.requests_max_burst {
        match rate {
            None => cx.error(
                Code::MissingField,
                limits.origin.field("requests_max_burst"),
                "RateLimits.InstanceLevel sets `RequestsMaxBurst` without `RequestsPerSecond`; a burst is allowed on top of a rate",
            ),
            Some(rate) => check_burst(cx, rate, burst, limits.origin.field("requests_max_burst"), "RateLimits.InstanceLevel"),
        }
    }
    for (i, route) in limits.routes.iter().enumerate() {
        let n = i + 1;
        let owner = format!("rate limit route #{n}");
        let matches: Vec<(&str, &str)> = [
            ("path_exact", "PathExact", &route.path_exact),
            ("path_prefix", "PathPrefix", &route.path_prefix),
            ("path_regex", "PathRegex", &route.path_regex),
        ]
        .into_iter()
        .filter(|(_, _, v)| !v.is_empty())
        .map(|(f, k, _)| (f, k))
        .collect();
        match matches.as_slice() {
            [] => cx.error(
                Code::HttpMatch,
                route.origin.span,
                format!("{owner} needs one of `PathExact`, `PathPrefix` or `PathRegex`"),
            ),
            [_] => {}
            [(_, first), (field, second), ..] => cx.error(
                Code::HttpMatch,
                route.origin.field(field),
                format!(
                    "{owner} sets both `{first}` and `{second}`; a route matches on exactly one of PathExact, PathPrefix or PathRegex"
                ),
            ),
        }
        for (field, key, path) in
            [("path_exact", "PathExact", &route.path_exact), ("path_prefix", "PathPrefix", &route.path_prefix)]
        {
            if !path.is_empty() && !path.starts_with('/') {
                cx.error(
                    Code::HttpMatch,
                    route.origin.field(field),
                    format!("{owner}: `{key}` \"{path}\" must begin with `/`"),
                );
            }
        }
        match route.requests_per_second.filter(|r| *r > 0) {
            None => cx.error(
                Code::MissingField,
                route.origin.field("requests_per_second"),
                format!("{owner} needs `RequestsPerSecond` (a number above 0)"),
            ),
            Some(rate) => {
                if let Some(burst) = route.requests_max_burst {
                    check_burst(cx, rate, burst, route.origin.field("requests_max_burst"), &owner);
                }
            }
        }
    }
}

fn check_burst(cx: &mut Cx, rate: u32, burst: u32, span: Span, owner: &str) {
    if burst < rate {
        cx.error(
            Code::InvalidValue,
            span,
            format!(
                "{owner}: `RequestsMaxBurst` ({burst}) is below `RequestsPerSecond` ({rate}); the burst must be at least the rate"
            ),
        );
    }
}

fn validate_expose(expose: &ExposeConfig, cx: &mut Cx) {
    for (i, p) in expose.paths.iter().enumerate() {
        let n = i + 1;
        if p.path.is_empty() {
            cx.error(
                Code::MissingField,
                p.origin.span,
                format!("Expose path #{n} needs `Path` (an HTTP path such as \"/metrics\")"),
            );
        } else if !p.path.starts_with('/') {
            cx.error(
                Code::InvalidValue,
                p.origin.field("path"),
                format!("Expose path \"{}\" must begin with `/`", p.path),
            );
        }
        if !p.protocol.is_empty() && !["http", "http2"].iter().any(|k| k.eq_ignore_ascii_case(&p.protocol)) {
            cx.error(
                Code::InvalidProtocol,
                p.origin.field("protocol"),
                format!("an exposed path is served over \"http\" or \"http2\", not \"{}\"", p.protocol),
            );
        }
    }
}

#[cfg(test)]
mod tests;
