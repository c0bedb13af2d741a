//! `ingress-gateway`: listeners through which traffic from outside the mesh reaches mesh services,
//! chosen by port (`tcp`) or by port and `Host` header (`http`, `http2`, `grpc`).
//!
//! What the gateway kinds share (choice decoding, TLS block checks, host-name rules) is in
//! [`super::common`]; TLS versions and cipher suites come from [`super::mesh`], `Spanned` and
//! `PassiveHealthCheck` from [`super::service_defaults`], header modifiers from
//! [`super::service_router`].

use super::common::{
    check_host, check_passive_health_check, check_tls, decode_choice, is_unset_version, require_name, TlsKeys,
};
use super::mesh::{TlsCipherSuite, TlsVersion};
use super::service_defaults::{PassiveHealthCheck, Spanned};
use super::service_router::HttpHeaderModifiers;
use super::Validate;
use crate::decode::{Cx, Decode};
use crate::decode_struct;
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::SortedMap;
use crate::source::Span;
use crate::syntax::Node;
use serde::Serialize;

decode_struct! {
    /// `SDS`: fetch the TLS certificate from an external SDS service instead of Consul's CA.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct GatewayTlsSdsConfig("an SDS block", pascal) {
        /// The SDS cluster, defined in the gateway's bootstrap configuration.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub cluster_name: String,
        /// The resource name to request from that cluster.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub cert_resource: String,
    }
}

decode_struct! {
    /// An ingress gateway's or listener's `TLS` block.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct GatewayTlsConfig("a TLS block", pascal) {
        pub enabled: bool,
        #[serde(rename = "TLSMinVersion", skip_serializing_if = "is_unset_version")]
        pub tls_min_version: TlsVersion,
        #[serde(rename = "TLSMaxVersion", skip_serializing_if = "is_unset_version")]
        pub tls_max_version: TlsVersion,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub cipher_suites: Vec<Spanned<TlsCipherSuite>>,
        #[serde(rename = "SDS", skip_serializing_if = "Option::is_none")]
        pub sds: Option<GatewayTlsSdsConfig>,
    }
}

const INGRESS_TLS_KEYS: TlsKeys =
    TlsKeys { min: ("tls_min_version", "TLSMinVersion"), max: ("tls_max_version", "TLSMaxVersion") };

impl GatewayTlsConfig {
    fn check(&self, cx: &mut Cx) {
        check_tls(cx, &self.origin, &INGRESS_TLS_KEYS, self.tls_min_version, self.tls_max_version, &self.cipher_suites);
    }

    fn sds_cluster(&self) -> &str {
        self.sds.as_ref().map_or("", |s| s.cluster_name.as_str())
    }

    fn sds_cert(&self) -> &str {
        self.sds.as_ref().map_or("", |s| s.cert_resource.as_str())
    }
}

decode_struct! {
    /// A service's `TLS` override. It has no `Enabled`: TLS cannot be switched off for one host of
    /// a listener that has it.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct GatewayServiceTlsConfig("a service TLS block", pascal) {
        #[serde(rename = "SDS", skip_serializing_if = "Option::is_none")]
        pub sds: Option<GatewayTlsSdsConfig>,
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

// ---------------------------------------------------------------------------------------------
// ingress-gateway
// ---------------------------------------------------------------------------------------------

/// An ingress listener's protocol. `tcp` (the default) forwards the connection to one service;
/// the others are HTTP-like and route by `Host` header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum IngressProtocol {
    #[default]
    Tcp,
    Http,
    Http2,
    Grpc,
}

impl IngressProtocol {
    pub const ALL: &'static [IngressProtocol] =
        &[IngressProtocol::Tcp, IngressProtocol::Http, IngressProtocol::Http2, IngressProtocol::Grpc];

    pub fn as_str(self) -> &'static str {
        match self {
            IngressProtocol::Tcp => "tcp",
            IngressProtocol::Http => "http",
            IngressProtocol::Http2 => "http2",
            IngressProtocol::Grpc => "grpc",
        }
    }

    /// `http`, `http2` and `grpc`: the protocols with hosts, header changes and several services.
    pub fn is_http_like(self) -> bool {
        self != IngressProtocol::Tcp
    }
}

impl std::fmt::Display for IngressProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for IngressProtocol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
impl crate::decode::Shape for IngressProtocol {
    fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
        crate::decode::shape_leaf(prefix, "\"http\"", out);
    }
}

impl Decode for IngressProtocol {
    fn expected() -> &'static str {
        "a listener protocol"
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        let choices = [
            // Consul reads an empty protocol as the default, tcp.
            ("", IngressProtocol::Tcp),
            ("tcp", IngressProtocol::Tcp),
            ("http", IngressProtocol::Http),
            ("http2", IngressProtocol::Http2),
            ("grpc", IngressProtocol::Grpc),
        ];
        decode_choice(node, cx, Code::InvalidProtocol, "an ingress listener protocol", &choices)
    }
}

decode_struct! {
    /// `Defaults`: connection limits and outlier detection for every exposed service, unless a
    /// service sets its own. Zero means "the proxy's default" (1024 for Envoy).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct IngressServiceConfig("a Defaults block", pascal) {
        #[serde(skip_serializing_if = "is_zero")]
        pub max_connections: u32,
        #[serde(skip_serializing_if = "is_zero")]
        pub max_pending_requests: u32,
        #[serde(skip_serializing_if = "is_zero")]
        pub max_concurrent_requests: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub passive_health_check: Option<PassiveHealthCheck>,
    }
}

decode_struct! {
    /// A service exposed on a listener.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct IngressService("an ingress service", pascal) {
        /// A service name, or `*` for every service in the namespace (not on tcp listeners).
        pub name: String,
        /// Empty means the gateway's own namespace.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        /// Empty means the gateway's own partition.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        /// Host names routed to this service; see [`IngressService::effective_hosts`].
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub hosts: Vec<Spanned<String>>,
        #[serde(rename = "TLS", skip_serializing_if = "Option::is_none")]
        pub tls: Option<GatewayServiceTlsConfig>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub request_headers: Option<HttpHeaderModifiers>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub response_headers: Option<HttpHeaderModifiers>,
        #[serde(skip_serializing_if = "is_zero")]
        pub max_connections: u32,
        #[serde(skip_serializing_if = "is_zero")]
        pub max_pending_requests: u32,
        #[serde(skip_serializing_if = "is_zero")]
        pub max_concurrent_requests: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub passive_health_check: Option<PassiveHealthCheck>,
        /// Consul accepts free-form metadata on each service too (not in its reference page).
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
    }
}

/// The host Consul routes to a service that lists no `Hosts`: `<service>.ingress.*`, where `*`
/// stands for any domain (Consul serves it for the datacenter's DNS domain and alt-domain; which
/// ones exactly is the semantics layer's decision).
pub fn default_host(service: &str) -> String {
    format!("{service}.ingress.*")
}

impl IngressService {
    /// Whether this is the wildcard service `*` (every service in its namespace).
    pub fn is_wildcard(&self) -> bool {
        self.name == "*"
    }

    /// The hosts this service answers on: its `Hosts`, or else [`default_host`] of its name. For
    /// the wildcard service, apply [`default_host`] to each service it stands for instead.
    pub fn effective_hosts(&self) -> Vec<String> {
        if self.hosts.is_empty() {
            vec![default_host(&self.name)]
        } else {
            self.hosts.iter().map(|h| h.value.clone()).collect()
        }
    }

    /// The namespace the service is looked up in: its own, else the gateway's, else `default`.
    pub fn namespace_or<'a>(&'a self, gateway: &'a IngressGateway) -> &'a str {
        if self.namespace.is_empty() {
            or_default(&gateway.namespace)
        } else {
            &self.namespace
        }
    }

    /// The partition the service is looked up in: its own, else the gateway's, else `default`.
    pub fn partition_or<'a>(&'a self, gateway: &'a IngressGateway) -> &'a str {
        if self.partition.is_empty() {
            or_default(&gateway.partition)
        } else {
            &self.partition
        }
    }

    /// Connection limits and health check for this service: its own values where set, else the
    /// gateway's `Defaults`.
    pub fn effective_limits(&self, gateway: &IngressGateway) -> IngressServiceConfig {
        let defaults = gateway.defaults.clone().unwrap_or_default();
        let pick = |own: u32, dflt: u32| if own != 0 { own } else { dflt };
        IngressServiceConfig {
            max_connections: pick(self.max_connections, defaults.max_connections),
            max_pending_requests: pick(self.max_pending_requests, defaults.max_pending_requests),
            max_concurrent_requests: pick(self.max_concurrent_requests, defaults.max_concurrent_requests),
            passive_health_check: self.passive_health_check.clone().or(defaults.passive_health_check),
            origin: self.origin.clone(),
        }
    }

    fn sds_cluster(&self) -> &str {
        self.tls.as_ref().and_then(|t| t.sds.as_ref()).map_or("", |s| s.cluster_name.as_str())
    }

    fn sds_cert(&self) -> &str {
        self.tls.as_ref().and_then(|t| t.sds.as_ref()).map_or("", |s| s.cert_resource.as_str())
    }
}

decode_struct! {
    /// One port of the gateway and the services behind it.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct IngressListener("an ingress listener", pascal) {
        pub port: u16,
        pub protocol: IngressProtocol,
        #[serde(rename = "TLS", skip_serializing_if = "Option::is_none")]
        pub tls: Option<GatewayTlsConfig>,
        pub services: Vec<IngressService>,
    }
}

impl IngressListener {
    pub fn is_http_like(&self) -> bool {
        self.protocol.is_http_like()
    }

    /// Whether a wildcard service (`*`) is exposed here.
    pub fn has_wildcard(&self) -> bool {
        self.services.iter().any(IngressService::is_wildcard)
    }

    /// The service whose hosts include `host` exactly (no wildcard or default-host matching).
    pub fn service_for_host(&self, host: &str) -> Option<&IngressService> {
        self.services.iter().find(|s| s.hosts.iter().any(|h| h.value.eq_ignore_ascii_case(host)))
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "ingress-gateway", rename_all = "PascalCase")]
    pub struct IngressGateway("an ingress-gateway entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        /// TLS for every listener, unless a listener overrides it.
        #[serde(rename = "TLS", skip_serializing_if = "Option::is_none")]
        pub tls: Option<GatewayTlsConfig>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub defaults: Option<IngressServiceConfig>,
        pub listeners: Vec<IngressListener>,
    }
}

impl IngressGateway {
    /// The listener on `port`.
    pub fn listener(&self, port: u16) -> Option<&IngressListener> {
        self.listeners.iter().find(|l| l.port == port)
    }

    /// Every (listener, service) pair, in the order written.
    pub fn services(&self) -> impl Iterator<Item = (&IngressListener, &IngressService)> {
        self.listeners.iter().flat_map(|l| l.services.iter().map(move |s| (l, s)))
    }

    fn gateway_tls_enabled(&self) -> bool {
        self.tls.as_ref().is_some_and(|t| t.enabled)
    }

    /// Whether the listener serves Consul-issued TLS: enabled on the gateway or on the listener.
    /// (A listener cannot switch off TLS the gateway enables: `false` is indistinguishable from
    /// unset.) A listener using SDS certificates serves TLS either way; see [`Self::effective_tls`].
    pub fn tls_enabled(&self, listener: &IngressListener) -> bool {
        self.gateway_tls_enabled() || listener.tls.as_ref().is_some_and(|t| t.enabled)
    }

    /// The TLS settings a listener ends up with, as Consul merges them: versions and cipher
    /// suites from the listener where it sets them, else from the gateway; SDS cluster and
    /// certificate likewise field by field; `enabled` as in [`Self::tls_enabled`].
    pub fn effective_tls(&self, listener: &IngressListener) -> GatewayTlsConfig {
        let gw = self.tls.clone().unwrap_or_default();
        let Some(l) = &listener.tls else {
            return GatewayTlsConfig { enabled: self.tls_enabled(listener), ..gw };
        };
        let pick = |own: TlsVersion, dflt: TlsVersion| if own.is_set() { own } else { dflt };
        let pick_str = |own: &str, dflt: &str| if own.is_empty() { dflt.to_string() } else { own.to_string() };
        let cluster = pick_str(l.sds_cluster(), gw.sds_cluster());
        let cert = pick_str(l.sds_cert(), gw.sds_cert());
        let sds = (!cluster.is_empty() || !cert.is_empty()).then(|| GatewayTlsSdsConfig {
            cluster_name: cluster,
            cert_resource: cert,
            origin: l.sds.as_ref().or(gw.sds.as_ref()).map(|s| s.origin.clone()).unwrap_or_default(),
        });
        GatewayTlsConfig {
            enabled: self.tls_enabled(listener),
            tls_min_version: pick(l.tls_min_version, gw.tls_min_version),
            tls_max_version: pick(l.tls_max_version, gw.tls_max_version),
            cipher_suites: if l.cipher_suites.is_empty() { gw.cipher_suites.clone() } else { l.cipher_suites.clone() },
            sds,
            origin: l.origin.clone(),
        }
    }

    fn validate_listener(&self, listener: &IngressListener, cx: &mut Cx) {
        let port = listener.port;
        let what = format!("the listener on port {port}");
        if listener.services.is_empty() {
            cx.error(
                Code::ListenerRule,
                listener.origin.field("services"),
                format!("{what} exposes no services; add at least one to `Services`"),
            );
        }
        if !listener.is_http_like() && listener.services.len() > 1 {
            let at = listener.services.get(1).map_or(listener.origin.field("services"), |s| s.origin.span);
            cx.push(
                Diagnostic::error(
                    Code::ListenerRule,
                    at,
                    format!("{what} is tcp, and a tcp listener forwards to exactly one service"),
                )
                .with_note("to expose several services on one port, use Protocol http, http2 or grpc and Hosts"),
            );
        }
        if let Some(tls) = &listener.tls {
            tls.check(cx);
            self.check_merged_tls(listener, tls, cx);
        }
        self.check_listener_sds(listener, cx);

        let mut seen_services: Vec<(&str, &str, &str, Span)> = Vec::new();
        let mut seen_hosts: Vec<(String, Span, &str)> = Vec::new();
        for svc in &listener.services {
            self.validate_service(listener, svc, cx);
            let key = (svc.name.as_str(), svc.namespace_or(self), svc.partition_or(self));
            if svc.name.is_empty() {
                // reported by validate_service
            } else if seen_services.iter().any(|(n, ns, ap, _)| (*n, *ns, *ap) == key) {
                cx.error(
                    Code::DuplicateGatewayService,
                    svc.origin.field("name"),
                    format!("service `{}` is listed twice on {what}; list each service once", svc.name),
                );
            } else {
                seen_services.push((key.0, key.1, key.2, svc.origin.span));
            }
            if !listener.is_http_like() {
                continue; // hosts on a tcp listener are already an error
            }
            for host in &svc.hosts {
                let folded = host.value.to_ascii_lowercase();
                if let Some((_, _, first)) = seen_hosts.iter().find(|(h, _, _)| *h == folded) {
                    let owner = if *first == svc.name { "this service".to_string() } else { format!("`{first}`") };
                    cx.push(
                        Diagnostic::error(
                            Code::DuplicateHost,
                            host.span,
                            format!("host \"{}\" is used twice on {what}", host.value),
                        )
                        .with_note(format!("it is already a host of {owner}; a host picks exactly one service")),
                    );
                } else {
                    seen_hosts.push((folded, host.span, svc.name.as_str()));
                }
                self.check_ingress_host(host, cx);
            }
        }
    }

    /// Consul validates each TLS block alone; a listener that overrides only some settings can
    /// still end up with a combination that fails when Consul builds the proxy configuration.
    fn check_merged_tls(&self, listener: &IngressListener, own: &GatewayTlsConfig, cx: &mut Cx) {
        let Some(gw) = &self.tls else { return };
        let merged = self.effective_tls(listener);
        let alone_bad = |t: &GatewayTlsConfig| matches!((t.tls_min_version.rank(), t.tls_max_version.rank()), (Some(lo), Some(hi)) if hi < lo);
        if alone_bad(&merged) && !alone_bad(own) && !alone_bad(gw) {
            cx.push(
                Diagnostic::error(
                    Code::TlsVersionRange,
                    own.origin.span,
                    format!(
                        "with the gateway's TLS settings, this listener ends up with TLSMinVersion {} above TLSMaxVersion {}",
                        merged.tls_min_version, merged.tls_max_version
                    ),
                )
                .with_note("a listener inherits each TLS setting it does not set from the gateway's `TLS` block"),
            );
        }
        let suites_bad = |t: &GatewayTlsConfig| !t.cipher_suites.is_empty() && t.tls_min_version == TlsVersion::V1_3;
        if suites_bad(&merged) && !suites_bad(own) && !suites_bad(gw) {
            cx.push(
                Diagnostic::error(
                    Code::TlsSettingForVersion,
                    own.origin.span,
                    "with the gateway's TLS settings, this listener combines CipherSuites with TLSMinVersion TLSv1_3",
                )
                .with_note("a listener inherits each TLS setting it does not set from the gateway's `TLS` block; TLS 1.3 cipher suites are not configurable"),
            );
        }
    }

    /// Consul's SDS rules for a listener: a certificate needs a cluster (from the listener or the
    /// gateway), and a cluster needs a certificate.
    fn check_listener_sds(&self, listener: &IngressListener, cx: &mut Cx) {
        let gw = self.tls.as_ref();
        let gw_cluster = gw.is_some_and(|t| !t.sds_cluster().is_empty());
        let gw_cert = gw.is_some_and(|t| !t.sds_cert().is_empty());
        let l = listener.tls.as_ref();
        let l_cluster = l.is_some_and(|t| !t.sds_cluster().is_empty());
        let l_cert = l.is_some_and(|t| !t.sds_cert().is_empty());
        let port = listener.port;
        let l_sds_span = l.map(|t| t.origin.field("sds")).unwrap_or(listener.origin.span);
        if gw_cluster && !gw_cert && !l_cert && !listener.services.is_empty() {
            cx.push(
                Diagnostic::error(
                    Code::SdsConfig,
                    l.map_or(listener.origin.span, |t| t.origin.span),
                    format!("the listener on port {port} has no SDS certificate: the gateway's TLS.SDS names a ClusterName but no CertResource"),
                )
                .with_note("set TLS.SDS.CertResource on the gateway (for every listener) or on this listener"),
            );
        }
        if l_cluster && !l_cert {
            cx.error(
                Code::SdsConfig,
                l_sds_span,
                format!("the listener on port {port} sets TLS.SDS.ClusterName without CertResource; name the certificate to fetch"),
            );
        }
        if l_cert && !l_cluster && !gw_cluster {
            cx.error(
                Code::SdsConfig,
                l_sds_span,
                format!("the listener on port {port} sets TLS.SDS.CertResource but no ClusterName (here or on the gateway) says where to fetch it from"),
            );
        }
    }

    fn validate_service(&self, listener: &IngressListener, svc: &IngressService, cx: &mut Cx) {
        let port = listener.port;
        if svc.name.is_empty() {
            cx.error(
                Code::MissingField,
                svc.origin.span,
                format!("a service on the listener on port {port} needs a `Name` (a service name, or `*` for all)"),
            );
        }
        if svc.namespace == "*" {
            cx.error(
                Code::InvalidWildcard,
                svc.origin.field("namespace"),
                "an ingress service cannot use the wildcard namespace `*`; name one namespace",
            );
        }
        if !listener.is_http_like() {
            if svc.is_wildcard() {
                cx.push(
                    Diagnostic::error(
                        Code::ListenerRule,
                        svc.origin.field("name"),
                        format!("the wildcard service `*` needs an http, http2 or grpc listener; the listener on port {port} is tcp"),
                    )
                    .with_note("a tcp listener forwards to one named service"),
                );
            }
            if !svc.hosts.is_empty() {
                cx.push(
                    Diagnostic::error(
                        Code::ListenerRule,
                        svc.origin.field("hosts"),
                        format!("Hosts need an http, http2 or grpc listener; the listener on port {port} is tcp and cannot see host names"),
                    )
                    .with_note("remove Hosts, or set the listener's Protocol to http"),
                );
            }
            for (field, key, mods) in [
                ("request_headers", "RequestHeaders", &svc.request_headers),
                ("response_headers", "ResponseHeaders", &svc.response_headers),
            ] {
                if mods.as_ref().is_some_and(|m| !m.is_empty()) {
                    cx.error(
                        Code::ListenerRule,
                        svc.origin.field(field),
                        format!("{key} need an http, http2 or grpc listener; the listener on port {port} is tcp"),
                    );
                }
            }
        } else if svc.is_wildcard() && !svc.hosts.is_empty() {
            cx.push(
                Diagnostic::error(
                    Code::ConflictingFields,
                    svc.origin.field("hosts"),
                    "the wildcard service `*` cannot have Hosts: each service it exposes is reached at `<service>.ingress.*`",
                )
                .with_note("to give a service its own hosts, list it by name next to the wildcard"),
            );
        }
        if let Some(phc) = &svc.passive_health_check {
            check_passive_health_check(phc, cx);
        }
        // SDS for one service: it selects a certificate by SNI, so it needs host names, and a
        // cluster from some level.
        if !svc.sds_cert().is_empty() {
            let at = svc.tls.as_ref().map_or(svc.origin.span, |t| t.origin.field("sds"));
            if svc.hosts.is_empty() {
                cx.push(
                    Diagnostic::error(
                        Code::SdsConfig,
                        at,
                        format!("service `{}` sets TLS.SDS.CertResource but has no Hosts", svc.name),
                    )
                    .with_note("a per-service certificate is chosen by host name (SNI): list the service's Hosts"),
                );
            }
            let l_cluster = listener.tls.as_ref().is_some_and(|t| !t.sds_cluster().is_empty());
            let gw_cluster = self.tls.as_ref().is_some_and(|t| !t.sds_cluster().is_empty());
            if svc.sds_cluster().is_empty() && !l_cluster && !gw_cluster {
                cx.error(
                    Code::SdsConfig,
                    at,
                    format!(
                        "service `{}` sets TLS.SDS.CertResource but no ClusterName (on the service, listener or gateway) says where to fetch it from",
                        svc.name
                    ),
                );
            }
        }
    }

    /// Consul's host rules for ingress: a DNS name, optionally with a leading `*.` label; `*`
    /// alone matches every host, but not when the gateway's TLS is enabled (hosts become DNS SANs).
    fn check_ingress_host(&self, host: &Spanned<String>, cx: &mut Cx) {
        if host.value == "*" {
            if self.gateway_tls_enabled() {
                cx.push(
                    Diagnostic::error(
                        Code::InvalidHost,
                        host.span,
                        "host \"*\" is not allowed when the gateway's TLS is enabled: every host becomes a DNS name in the gateway's certificate",
                    )
                    .with_note("list the host names, or use a wildcard label such as \"*.example.com\""),
                );
            }
            return;
        }
        if let Err(why) = check_host(&host.value, true) {
            cx.error(Code::InvalidHost, host.span, format!("host \"{}\" {why}", host.value));
        }
    }
}

impl Validate for IngressGateway {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "an ingress-gateway entry");
        if let Some(tls) = &self.tls {
            tls.check(cx);
            if tls.sds_cluster().is_empty() && !tls.sds_cert().is_empty() {
                cx.error(
                    Code::SdsConfig,
                    tls.origin.field("sds"),
                    "TLS.SDS sets CertResource but no ClusterName says where to fetch it from",
                );
            }
        }
        if let Some(phc) = self.defaults.as_ref().and_then(|d| d.passive_health_check.as_ref()) {
            check_passive_health_check(phc, cx);
        }
        let mut ports: Vec<(u16, usize)> = Vec::new();
        for (i, listener) in self.listeners.iter().enumerate() {
            match listener.origin.field_opt("port") {
                None => cx.error(
                    Code::InvalidPort,
                    listener.origin.span,
                    format!("listener #{} needs a `Port` (1 to 65535)", i + 1),
                ),
                Some(at) if listener.port == 0 => {
                    cx.error(Code::InvalidPort, at, "port 0 cannot be listened on; use a port from 1 to 65535")
                }
                Some(at) => match ports.iter().find(|(p, _)| *p == listener.port) {
                    Some((_, first)) => cx.push(
                        Diagnostic::error(
                            Code::DuplicatePort,
                            at,
                            format!("port {} is already used by listener #{}", listener.port, first + 1),
                        )
                        .with_note("listeners are told apart by port: give each its own, or merge their Services"),
                    ),
                    None => ports.push((listener.port, i)),
                },
            }
            self.validate_listener(listener, cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, diags, entry, messages, one};
    use crate::model::ConfigEntry;

    const FULL_HCL: &str = r#"
Kind      = "ingress-gateway"
Name      = "us-east-ingress"
Namespace = "default"
Partition = "default"
Meta = {
  owner = "edge-team"
}
TLS {
  Enabled       = true
  TLSMinVersion = "TLSv1_2"
  TLSMaxVersion = "TLSv1_3"
  CipherSuites  = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"]
  SDS {
    ClusterName  = "sds-cluster"
    CertResource = "default-cert"
  }
}
Defaults {
  MaxConnections        = 4096
  MaxPendingRequests    = 512
  MaxConcurrentRequests = 1024
  PassiveHealthCheck {
    Interval                = "10s"
    MaxFailures             = 5
    EnforcingConsecutive5xx = 80
    MaxEjectionPercent      = 20
    BaseEjectionTime        = "30s"
  }
}
Listeners = [
  {
    Port     = 3456
    Protocol = "tcp"
    Services = [
      {
        Name      = "db"
        Namespace = "ops"
      }
    ]
  },
  {
    Port     = 8080
    Protocol = "http"
    Services = [
      {
        Name  = "api"
        Hosts = ["api.example.com", "*.api.example.com"]
        RequestHeaders {
          Add    = { x-gateway = "us-east" }
          Set    = { x-client-ip = "%DOWNSTREAM_REMOTE_ADDRESS%" }
          Remove = ["x-debug"]
        }
        ResponseHeaders {
          Remove = ["server"]
        }
        TLS {
          SDS {
            CertResource = "api-cert"
          }
        }
        MaxConnections = 100
        PassiveHealthCheck {
          MaxFailures = 3
        }
      },
      {
        Name = "*"
      }
    ]
    TLS {
      TLSMinVersion = "TLSv1_2"
      SDS {
        ClusterName  = "listener-sds"
        CertResource = "listener-cert"
      }
    }
  }
]
"#;

    const FULL_JSON: &str = r#"{
  "Kind": "ingress-gateway",
  "Name": "us-east-ingress",
  "Namespace": "default",
  "Partition": "default",
  "Meta": { "owner": "edge-team" },
  "TLS": {
    "Enabled": true,
    "TLSMinVersion": "TLSv1_2",
    "TLSMaxVersion": "TLSv1_3",
    "CipherSuites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"],
    "SDS": { "ClusterName": "sds-cluster", "CertResource": "default-cert" }
  },
  "Defaults": {
    "MaxConnections": 4096,
    "MaxPendingRequests": 512,
    "MaxConcurrentRequests": 1024,
    "PassiveHealthCheck": {
      "Interval": "10s",
      "MaxFailures": 5,
      "EnforcingConsecutive5xx": 80,
      "MaxEjectionPercent": 20,
      "BaseEjectionTime": "30s"
    }
  },
  "Listeners": [
    {
      "Port": 3456,
      "Protocol": "tcp",
      "Services": [{ "Name": "db", "Namespace": "ops" }]
    },
    {
      "Port": 8080,
      "Protocol": "http",
      "Services": [
        {
          "Name": "api",
          "Hosts": ["api.example.com", "*.api.example.com"],
          "RequestHeaders": {
            "Add": { "x-gateway": "us-east" },
            "Set": { "x-client-ip": "%DOWNSTREAM_REMOTE_ADDRESS%" },
            "Remove": ["x-debug"]
          },
          "ResponseHeaders": { "Remove": ["server"] },
          "TLS": { "SDS": { "CertResource": "api-cert" } },
          "MaxConnections": 100,
          "PassiveHealthCheck": { "MaxFailures": 3 }
        },
        { "Name": "*" }
      ],
      "TLS": {
        "TLSMinVersion": "TLSv1_2",
        "SDS": { "ClusterName": "listener-sds", "CertResource": "listener-cert" }
      }
    }
  ]
}"#;

    const FULL_YAML: &str = r#"
Kind: ingress-gateway
Name: us-east-ingress
Namespace: default
Partition: default
Meta:
  owner: edge-team
TLS:
  Enabled: true
  TLSMinVersion: TLSv1_2
  TLSMaxVersion: TLSv1_3
  CipherSuites:
    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    - TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
  SDS:
    ClusterName: sds-cluster
    CertResource: default-cert
Defaults:
  MaxConnections: 4096
  MaxPendingRequests: 512
  MaxConcurrentRequests: 1024
  PassiveHealthCheck:
    Interval: 10s
    MaxFailures: 5
    EnforcingConsecutive5xx: 80
    MaxEjectionPercent: 20
    BaseEjectionTime: 30s
Listeners:
  - Port: 3456
    Protocol: tcp
    Services:
      - Name: db
        Namespace: ops
  - Port: 8080
    Protocol: http
    Services:
      - Name: api
        Hosts: [api.example.com, "*.api.example.com"]
        RequestHeaders:
          Add:
            x-gateway: us-east
          Set:
            x-client-ip: "%DOWNSTREAM_REMOTE_ADDRESS%"
          Remove: [x-debug]
        ResponseHeaders:
          Remove: [server]
        TLS:
          SDS:
            CertResource: api-cert
        MaxConnections: 100
        PassiveHealthCheck:
          MaxFailures: 3
      - Name: "*"
    TLS:
      TLSMinVersion: TLSv1_2
      SDS:
        ClusterName: listener-sds
        CertResource: listener-cert
"#;

    fn gateway(file: &str, text: &str) -> IngressGateway {
        match entry(file, text) {
            ConfigEntry::IngressGateway(g) => g,
            other => panic!("not an ingress-gateway: {other:?}"),
        }
    }

    #[test]
    fn the_full_example_decodes_the_same_in_every_format() {
        let hcl = gateway("x.hcl", FULL_HCL);
        let json = gateway("x.json", FULL_JSON);
        let yaml = gateway("x.yaml", FULL_YAML);
        assert_eq!(hcl, json);
        assert_eq!(hcl, yaml);
        assert_eq!(hcl.listeners.len(), 2);
        assert_eq!(hcl.listeners[1].protocol, IngressProtocol::Http);
        assert_eq!(hcl.tls.as_ref().map(|t| t.tls_max_version), Some(TlsVersion::V1_3));
        let phc = hcl.defaults.as_ref().and_then(|d| d.passive_health_check.clone()).unwrap_or_default();
        assert_eq!(phc.interval, crate::decode::Duration::from_secs(10));
        assert_eq!(phc.enforcing_consecutive_5xx, Some(80));
    }

    #[test]
    fn snake_case_keys_and_a_missing_protocol_read_as_consul_reads_them() {
        let g = gateway(
            "x.hcl",
            r#"
Kind = "ingress-gateway"
Name = "ig"
tls { enabled = true, tls_min_version = "tlsv1_2" }
listeners = [{ port = 9000, services = [{ name = "db", max_connections = 3 }] }]
"#,
        );
        assert_eq!(g.listeners[0].protocol, IngressProtocol::Tcp);
        assert_eq!(g.tls.as_ref().map(|t| t.tls_min_version), Some(TlsVersion::V1_2));
        assert_eq!(g.listeners[0].services[0].max_connections, 3);
    }

    #[test]
    fn accessors_resolve_hosts_limits_and_tls() {
        let g = gateway("x.hcl", FULL_HCL);
        let l = g.listener(8080).unwrap_or_else(|| panic!("no listener"));
        let api = &l.services[0];
        assert_eq!(api.effective_hosts(), vec!["api.example.com", "*.api.example.com"]);
        assert_eq!(g.listeners[0].services[0].effective_hosts(), vec!["db.ingress.*"]);
        assert_eq!(default_host("web"), "web.ingress.*");
        assert!(l.has_wildcard());
        assert_eq!(l.service_for_host("API.example.com").map(|s| s.name.as_str()), Some("api"));
        let limits = api.effective_limits(&g);
        assert_eq!((limits.max_connections, limits.max_pending_requests), (100, 512));
        assert_eq!(limits.passive_health_check.map(|p| p.max_failures), Some(3));
        assert_eq!(g.listeners[0].services[0].namespace_or(&g), "ops");
        assert_eq!(api.namespace_or(&g), "default");
        let tls = g.effective_tls(l);
        assert!(tls.enabled);
        assert_eq!(tls.tls_max_version, TlsVersion::V1_3); // inherited from the gateway
        assert_eq!(tls.cipher_suites.len(), 2);
        assert_eq!(
            tls.sds.map(|s| (s.cluster_name, s.cert_resource)),
            Some(("listener-sds".into(), "listener-cert".into()))
        );
        assert_eq!(g.services().count(), 3);
    }

    #[test]
    fn serializes_with_consul_key_spelling() {
        let g = gateway("x.json", FULL_JSON);
        let json = serde_json::to_value(&g).unwrap_or_default();
        assert_eq!(json["TLS"]["TLSMinVersion"], "TLSv1_2");
        assert_eq!(json["TLS"]["SDS"]["ClusterName"], "sds-cluster");
        assert_eq!(json["Defaults"]["PassiveHealthCheck"]["EnforcingConsecutive5xx"], 80);
        assert_eq!(json["Defaults"]["PassiveHealthCheck"]["Interval"], "10s");
        assert_eq!(json["Listeners"][1]["Services"][0]["Hosts"][1], "*.api.example.com");
        assert_eq!(json["Listeners"][0]["Protocol"], "tcp");
    }

    fn one_listener(protocol: &str, services: &str) -> String {
        format!("Kind = \"ingress-gateway\"\nName = \"ig\"\nListeners = [{{\n  Port = 8080\n  Protocol = \"{protocol}\"\n  Services = [\n{services}\n  ]\n}}]\n")
    }

    fn d(code: &str, at: String) -> (String, String) {
        (code.to_string(), at)
    }

    #[test]
    fn ports_must_be_given_usable_and_unique() {
        let text = r#"Kind = "ingress-gateway"
Name = "ig"
Listeners = [
  { Port = 8080, Services = [{ Name = "a" }] },
  { Port = 8080, Services = [{ Name = "b" }] },
  { Port = 0, Services = [{ Name = "c" }] },
  { Services = [{ Name = "d" }] },
]
"#;
        assert_eq!(
            diags("x.hcl", text),
            vec![
                d("E0312", at(text, "8080", 2)),
                d("E0315", at(text, "0, Services = [{ Name = \"c\"", 1)),
                d("E0315", at(text, "{ Services", 1))
            ]
        );
        let msgs = messages("x.hcl", text);
        assert_eq!(msgs[0], "port 8080 is already used by listener #1");
        let big = text.replace("Port = 0", "Port = 70000");
        assert!(diags("x.hcl", &big).contains(&d("E0207", at(&big, "70000", 1))));
    }

    #[test]
    fn an_unknown_protocol_is_e0314_with_a_suggestion() {
        let text = one_listener("htp", "    { Name = \"a\" }");
        assert_eq!(diags("x.hcl", &text), one("E0314", &at(&text, "\"htp\"", 1)));
        let ws = crate::workspace::Workspace::from_text("x.hcl", &text);
        assert_eq!(ws.diagnostics[0].notes, vec!["help: did you mean \"http\"?".to_string()]);
    }

    #[test]
    fn tcp_listeners_take_one_named_service_without_http_features() {
        let two = one_listener("tcp", "    { Name = \"a\" },\n    { Name = \"b\" }");
        assert_eq!(diags("x.hcl", &two), one("E0313", &at(&two, "{ Name = \"b\"", 1)));
        let wildcard = one_listener("tcp", "    { Name = \"*\" }");
        assert_eq!(diags("x.hcl", &wildcard), one("E0313", &at(&wildcard, "\"*\"", 1)));
        let hosts = one_listener("tcp", "    { Name = \"a\", Hosts = [\"a.example.com\"] }");
        assert_eq!(diags("x.hcl", &hosts), one("E0313", &at(&hosts, "[\"a.example", 1)));
        let headers = one_listener("tcp", "    { Name = \"a\", RequestHeaders { Remove = [\"x\"] } }");
        assert_eq!(diags("x.hcl", &headers), one("E0313", &at(&headers, "{ Remove", 1)));
        let empty = "Kind = \"ingress-gateway\"\nName = \"ig\"\nListeners = [{ Port = 1, Services = [] }]\n";
        assert_eq!(diags("x.hcl", empty), one("E0313", &at(empty, "[]", 1)));
    }

    #[test]
    fn services_need_a_name_a_real_namespace_and_appear_once() {
        let text = one_listener(
            "http",
            "    { Hosts = [\"a.example.com\"] },\n    { Name = \"b\", Namespace = \"*\" },\n    { Name = \"c\" },\n    { Name = \"c\", Namespace = \"default\" }",
        );
        assert_eq!(
            diags("x.hcl", &text),
            vec![
                d("E0203", at(&text, "{ Hosts", 1)),
                d("E0324", at(&text, "\"*\"", 1)),
                d("E0374", at(&text, "\"c\"", 2)),
            ]
        );
    }

    #[test]
    fn hosts_are_dns_names_unique_per_listener_and_not_on_the_wildcard() {
        let text = one_listener(
            "http",
            "    { Name = \"a\", Hosts = [\"a.example.com\", \"example.*\", \"a.example.com:80\"] },\n    { Name = \"b\", Hosts = [\"A.example.com\", \"*.b.example.com\", \"*\"] },\n    { Name = \"*\", Hosts = [\"c.example.com\"] }",
        );
        assert_eq!(
            diags("x.hcl", &text),
            vec![
                d("E0370", at(&text, "\"example.*\"", 1)),
                d("E0370", at(&text, "\"a.example.com:80\"", 1)),
                d("E0371", at(&text, "\"A.example.com\"", 1)),
                d("E0316", at(&text, "[\"c.example.com\"]", 1)),
            ]
        );
        let msgs = messages("x.hcl", &text);
        assert!(msgs[0].contains("not the whole leftmost label"), "{}", msgs[0]);
        assert!(msgs[1].contains("without a port"), "{}", msgs[1]);
        assert_eq!(msgs[2], "host \"A.example.com\" is used twice on the listener on port 8080");
    }

    #[test]
    fn host_star_is_refused_only_with_gateway_tls() {
        let plain = one_listener("http", "    { Name = \"a\", Hosts = [\"*\"] }");
        assert!(diags("x.hcl", &plain).is_empty());
        let tls = plain.replace("Name = \"ig\"\n", "Name = \"ig\"\nTLS { Enabled = true }\n");
        assert_eq!(diags("x.hcl", &tls), one("E0370", &at(&tls, "\"*\"", 1)));
    }

    #[test]
    fn tls_versions_and_cipher_suites_follow_consul() {
        let text = r#"Kind = "ingress-gateway"
Name = "ig"
TLS {
  TLSMinVersion = "TLSv1_3"
  TLSMaxVersion = "TLSv1_2"
  CipherSuites  = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
}
Listeners = [{
  Port = 1
  Services = [{ Name = "a" }]
  TLS { CipherSuites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] }
}]
"#;
        assert_eq!(
            diags("x.hcl", text),
            vec![
                d("E0321", at(text, "\"TLSv1_2\"", 1)),
                d("E0322", at(text, "[\"TLS_", 1)),
                d("E0317", at(text, "\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"]", 2)),
            ]
        );
        // Unknown versions and suites are decoding errors, with a suggestion.
        let typo = "Kind = \"ingress-gateway\"\nName = \"ig\"\nTLS { TLSMinVersion = \"TLSv1_4\", CipherSuites = [\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265\"] }\n";
        assert_eq!(
            diags("x.hcl", typo),
            vec![d("E0205", at(typo, "\"TLSv1_4", 1)), d("E0205", at(typo, "\"TLS_ECDHE", 1))]
        );
        let ws = crate::workspace::Workspace::from_text("x.hcl", typo);
        assert_eq!(
            ws.diagnostics[1].notes,
            vec!["help: did you mean \"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"?".to_string()]
        );
    }

    #[test]
    fn a_listener_override_can_break_the_merged_tls_settings() {
        let text = r#"Kind = "ingress-gateway"
Name = "ig"
TLS { TLSMinVersion = "TLSv1_3" }
Listeners = [{
  Port = 1
  Services = [{ Name = "a" }]
  TLS { CipherSuites = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] }
}]
"#;
        assert_eq!(diags("x.hcl", text), one("E0322", &at(text, "{ CipherSuites", 1)));
        let range =
            text.replace("CipherSuites = [\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"]", "TLSMaxVersion = \"TLSv1_2\"");
        assert_eq!(diags("x.hcl", &range), one("E0321", &at(&range, "{ TLSMaxVersion", 1)));
    }

    #[test]
    fn sds_needs_both_a_cluster_and_a_certificate() {
        let gw_cert_only = "Kind = \"ingress-gateway\"\nName = \"ig\"\nTLS { SDS { CertResource = \"c\" } }\nListeners = [{ Port = 1, Services = [{ Name = \"a\" }] }]\n";
        assert_eq!(diags("x.hcl", gw_cert_only), one("E0372", &at(gw_cert_only, "{ CertResource", 1)));
        let gw_cluster_only = gw_cert_only.replace("CertResource", "ClusterName");
        assert_eq!(diags("x.hcl", &gw_cluster_only), one("E0372", &at(&gw_cluster_only, "{ Port", 1)));
        let listener = "Kind = \"ingress-gateway\"\nName = \"ig\"\nListeners = [{\n  Port = 1\n  Services = [{ Name = \"a\" }]\n  TLS { SDS { ClusterName = \"x\" } }\n}]\n";
        assert_eq!(diags("x.hcl", listener), one("E0372", &at(listener, "{ ClusterName", 1)));
        let svc = one_listener("http", "    { Name = \"a\", TLS { SDS { CertResource = \"c\" } } }");
        let sds = at(&svc, "{ CertResource", 1);
        assert_eq!(diags("x.hcl", &svc), vec![d("E0372", sds.clone()), d("E0372", sds)]);
        let ok = svc
            .replace("Name = \"a\",", "Name = \"a\", Hosts = [\"a.example.com\"],")
            .replace("Name = \"ig\"\n", "Name = \"ig\"\nTLS { SDS { ClusterName = \"sds\", CertResource = \"d\" } }\n");
        assert!(diags("x.hcl", &ok).is_empty(), "{:?}", diags("x.hcl", &ok));
    }

    #[test]
    fn percentages_in_passive_health_checks_stop_at_100() {
        let text = "Kind = \"ingress-gateway\"\nName = \"ig\"\nDefaults { PassiveHealthCheck { MaxEjectionPercent = 150 } }\nListeners = [{ Port = 1, Services = [{ Name = \"a\" }] }]\n";
        assert_eq!(diags("x.hcl", text), one("E0207", &at(text, "150", 1)));
    }

    #[test]
    fn the_entry_needs_a_name() {
        let text = "Kind = \"ingress-gateway\"\nListeners = [{ Port = 1, Services = [{ Name = \"a\" }] }]\n";
        assert_eq!(diags("x.hcl", text), one("E0203", "1:1"));
    }

    #[test]
    fn check_host_rules() {
        assert!(check_host("example.com", false).is_ok());
        assert!(check_host("example.com.", false).is_ok());
        assert!(check_host("*.example.com", true).is_ok());
        assert!(check_host("*.example.com", false).is_err());
        assert!(check_host("*-x.example.com", true).is_err());
        assert!(check_host("a..b", true).is_err());
        assert!(check_host(".a", true).is_err());
        assert!(check_host(&"a".repeat(64), true).is_err());
        assert!(check_host("a b", true).is_err());
        assert!(check_host("", true).is_err());
    }
}
