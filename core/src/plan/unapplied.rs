//! Fields meshgate reads but does not apply: a warning (`W0410`) at each one written, so that no
//! setting is dropped silently.
//!
//! [`FIELDS`] classifies every field of every config entry kind, one row per field path (or per
//! block, for a block whose fields share a fate) as one of:
//! - **applied**: turned into Envoy configuration or enforced by the filter (the row says by what);
//! - **warned**: not applied; writing it is `W0410`, with the row's reason;
//! - **not data plane**: by its nature configures no proxy (the entry's name and tenancy, metadata,
//!   Consul's read-only bookkeeping, settings of Consul's servers).
//!
//! Only the warned rows are compiled into meshgate; the others exist for the test that walks the
//! model's fields (from the types themselves, see [`crate::decode::Shape`]) and requires each to be
//! classified exactly once, so that a field added later fails it until someone decides its fate.

use crate::decode::{pascal_case, Cx, Meta};
use crate::diag::{Code, Diagnostic};
use crate::model::document::EntryKind;
use crate::model::ConfigEntry;
use crate::source::{SourceMap, Span};
use crate::workspace::Workspace;

/// A field not applied, and why.
struct Warned {
    kind: EntryKind,
    /// The field's path as people write it (`UpstreamConfig.Overrides.Protocol`); a block's path
    /// covers every field in it.
    path: &'static str,
    /// What meshgate does instead.
    reason: &'static str,
    /// Values that ask for what meshgate does anyway (`MutualTLSMode = "strict"`): not warned.
    unless: &'static [&'static str],
}

/// How a field is treated, for the test that enumerates the model.
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Applied,
    Warned,
    NotDataPlane,
}

macro_rules! fields {
    ($(
        $kind:ident {
            applied { $($apath:literal => $atext:expr),* $(,)? }
            warned { $($wpath:literal $(unless [$($ok:literal),+])? => $wtext:expr),* $(,)? }
            not_data_plane { $($npath:literal => $ntext:expr),* $(,)? }
        }
    )*) => {
        /// The warned rows: all meshgate needs at run time.
        const WARNED: &[Warned] = &[$($(
            Warned { kind: EntryKind::$kind, path: $wpath, reason: $wtext, unless: &[$($($ok),+)?] },
        )*)*];

        /// Every row: (kind, path, class, why). Test-only: the explanations of the applied and
        /// not-data-plane rows stay out of the playground's wasm.
        #[cfg(test)]
        pub(crate) const FIELDS: &[(EntryKind, &str, Class, &str)] = &[$(
            $((EntryKind::$kind, $apath, Class::Applied, $atext),)*
            $((EntryKind::$kind, $wpath, Class::Warned, $wtext),)*
            $((EntryKind::$kind, $npath, Class::NotDataPlane, $ntext),)*
        )*];
    };
}

// Explanations shared by several rows (those of applied and not-data-plane rows are test-only).
#[cfg(test)]
const TENANCY: &str = "the entry's tenancy";
#[cfg(test)]
const META: &str = "free-form metadata";
#[cfg(test)]
const NAME: &str = "names what the entry configures";
const DIRECT_ONLY: &str = "meshgate's sidecars dial only their explicit upstreams (Consul's direct mode); transparent proxying is not configured";
const NO_TPROXY: &str =
    "meshgate's sidecars have no transparent-proxy outbound listener; they dial only their explicit upstreams";
const STRICT_ONLY: &str =
    "meshgate's inbound listeners always require mesh mTLS (strict); permissive mode is not configured";
const NO_EXTENSIONS: &str =
    "meshgate adds no Envoy extensions (Lua, Wasm, ext_authz, OpenTelemetry, …) besides its own filter";
const NO_EXPOSE: &str =
    "meshgate's sidecars have no listeners for exposed paths (such as health checks through the proxy)";
const NO_LOCALITY: &str = "meshgate does not prioritize endpoints by locality";
const LISTENER_JSON: &str = "escape-hatch listeners are not used: meshgate generates every listener itself";
const CLUSTER_JSON: &str = "escape-hatch clusters are not used: meshgate generates every cluster itself";
const UPSTREAM_PROTOCOL: &str =
    "an upstream's protocol is the upstream's own service-defaults (or proxy-defaults) protocol, as its discovery chain decides";
const NO_BALANCE: &str = "meshgate's listeners set no connection balancing (Envoy's default)";
#[cfg(test)]
const DEFAULTS_NAME_NO_TARGET: &str =
    "refused (E0325): `UpstreamConfig.Defaults` applies to every upstream and names none";
#[cfg(test)]
const UPSTREAM_TIMEOUT: &str = "the connect timeout of the sidecar's clusters for the upstream";
#[cfg(test)]
const UPSTREAM_LIMITS: &str = "circuit breakers on the sidecar's clusters for the upstream";
#[cfg(test)]
const UPSTREAM_OUTLIER: &str = "outlier detection on the sidecar's clusters for the upstream";
#[cfg(test)]
const UPSTREAM_GATEWAY: &str = "how the sidecar dials the upstream (through which mesh gateway)";
#[cfg(test)]
const OVERRIDE_MATCH: &str = "chooses the upstream the override applies to";

fields! {
    ServiceDefaults {
        applied {
            "Protocol" => "the service's protocol: its listeners, routes and whether L7 intentions apply",
            "UpstreamConfig.Overrides.Name" => OVERRIDE_MATCH,
            "UpstreamConfig.Overrides.Namespace" => OVERRIDE_MATCH,
            "UpstreamConfig.Overrides.Partition" => OVERRIDE_MATCH,
            "UpstreamConfig.Overrides.Peer" => OVERRIDE_MATCH,
            "UpstreamConfig.Overrides.ConnectTimeoutMs" => UPSTREAM_TIMEOUT,
            "UpstreamConfig.Overrides.Limits" => UPSTREAM_LIMITS,
            "UpstreamConfig.Overrides.PassiveHealthCheck" => UPSTREAM_OUTLIER,
            "UpstreamConfig.Overrides.MeshGateway" => UPSTREAM_GATEWAY,
            "UpstreamConfig.Defaults.ConnectTimeoutMs" => UPSTREAM_TIMEOUT,
            "UpstreamConfig.Defaults.Limits" => UPSTREAM_LIMITS,
            "UpstreamConfig.Defaults.PassiveHealthCheck" => UPSTREAM_OUTLIER,
            "UpstreamConfig.Defaults.MeshGateway" => UPSTREAM_GATEWAY,
            "MeshGateway" => "how callers dial the service (through which mesh gateway)",
            "ExternalSNI" => "the SNI and identity of the external service's targets",
        }
        warned {
            "BalanceInboundConnections" => NO_BALANCE,
            "Mode" unless ["direct"] => DIRECT_ONLY,
            "RateLimits" => "meshgate sets no rate limit on the service's inbound listener",
            "UpstreamConfig.Overrides.EnvoyListenerJSON" => LISTENER_JSON,
            "UpstreamConfig.Overrides.EnvoyClusterJSON" => CLUSTER_JSON,
            "UpstreamConfig.Overrides.Protocol" => UPSTREAM_PROTOCOL,
            "UpstreamConfig.Overrides.BalanceOutboundConnections" => NO_BALANCE,
            "UpstreamConfig.Defaults.EnvoyListenerJSON" => LISTENER_JSON,
            "UpstreamConfig.Defaults.EnvoyClusterJSON" => CLUSTER_JSON,
            "UpstreamConfig.Defaults.Protocol" => UPSTREAM_PROTOCOL,
            "UpstreamConfig.Defaults.BalanceOutboundConnections" => NO_BALANCE,
            "TransparentProxy" => NO_TPROXY,
            "MutualTLSMode" unless ["strict"] => STRICT_ONLY,
            "EnvoyExtensions" => NO_EXTENSIONS,
            "Destination" => "meshgate's terminating gateways reach registered services only; a transparent-proxy destination is not configured",
            "MaxInboundConnections" => "meshgate's sidecar sets no limit on its public listener's connections",
            "LocalConnectTimeoutMs" => "the sidecar's local application cluster keeps a 5s connect timeout",
            "LocalRequestTimeoutMs" => "the sidecar's inbound route sets no request timeout (Envoy's default, 15s, applies)",
            "Expose" => NO_EXPOSE,
        }
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
            "UpstreamConfig.Defaults.Name" => DEFAULTS_NAME_NO_TARGET,
            "UpstreamConfig.Defaults.Namespace" => DEFAULTS_NAME_NO_TARGET,
            "UpstreamConfig.Defaults.Partition" => DEFAULTS_NAME_NO_TARGET,
            "UpstreamConfig.Defaults.Peer" => DEFAULTS_NAME_NO_TARGET,
        }
    }
    ProxyDefaults {
        applied {
            "MeshGateway" => "the default way proxies dial through mesh gateways",
        }
        warned {
            // Only keys other than `protocol` (the mesh-wide default protocol) are warned about:
            // see `config_keys`.
            "Config" => "meshgate reads only `protocol` from proxy-defaults `Config`",
            "EnvoyExtensions" => NO_EXTENSIONS,
            "Mode" unless ["direct"] => DIRECT_ONLY,
            "TransparentProxy" => NO_TPROXY,
            "MutualTLSMode" unless ["strict"] => STRICT_ONLY,
            "Expose" => NO_EXPOSE,
            "AccessLogs" => "meshgate's listeners write no Envoy access logs (the filter logs its own decisions)",
            "PrioritizeByLocality" => NO_LOCALITY,
            "FailoverPolicy" => "failover follows the resolvers' `Failover` targets only, not locality",
        }
        not_data_plane {
            "Name" => "always `global`",
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    ServiceRouter {
        applied {
            "Routes.Match" => "the discovery chain's route matches, in the gateways' and sidecars' route tables",
            "Routes.Destination" => "the route's destination, rewrite, timeouts, retries and header changes",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    ServiceSplitter {
        applied {
            "Splits" => "the discovery chain's weighted split, with its header changes",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    ServiceResolver {
        applied {
            "ConnectTimeout" => "the connect timeout of the service's clusters",
            "RequestTimeout" => "the request timeout of routes to the service",
            "Subsets.*.Filter" => "which registered instances a subset's cluster holds",
            "DefaultSubset" => "the subset the discovery chain resolves to",
            "Redirect" => "the discovery chain's redirect",
            "Failover.*.Service" => "the discovery chain's failover targets",
            "Failover.*.ServiceSubset" => "the discovery chain's failover targets",
            "Failover.*.Namespace" => "the discovery chain's failover targets",
            "Failover.*.SamenessGroup" => "the discovery chain's failover targets",
            "Failover.*.Datacenters" => "the discovery chain's failover targets",
            "Failover.*.Targets" => "the discovery chain's failover targets",
            "LoadBalancer" => "the clusters' load balancing and the routes' hash policies",
        }
        warned {
            "Subsets.*.OnlyPassing" => "meshgate knows no health status: every registered instance is an endpoint",
            "PrioritizeByLocality" => NO_LOCALITY,
            "Failover.*.Policy" => "failover follows the listed targets in order, not locality",
        }
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    ServiceIntentions {
        applied {
            "Name" => "the intentions' destination",
            "Namespace" => "the intentions' destination",
            "Partition" => "the intentions' destination",
            "JWT" => "JWT verification (Envoy's jwt_authn) and the filter's decision",
            "Sources.Name" => "the filter's intention table",
            "Sources.Peer" => "the filter's intention table",
            "Sources.Namespace" => "the filter's intention table",
            "Sources.Partition" => "the filter's intention table",
            "Sources.SamenessGroup" => "the filter's intention table",
            "Sources.Action" => "the filter's intention table",
            "Sources.Permissions" => "the filter's intention table (L7 rules, JWT requirements)",
        }
        warned {}
        not_data_plane {
            "Meta" => META,
            "Sources.Precedence" => "read-only: Consul computes it, and so does meshgate",
            "Sources.Type" => "`consul`, the only type",
            "Sources.Description" => "a note for people",
            "Sources.LegacyID" => "read-only bookkeeping of intentions migrated from Consul < 1.9",
            "Sources.LegacyMeta" => "read-only bookkeeping (refused when given, E0350)",
            "Sources.LegacyCreateTime" => "read-only bookkeeping of intentions migrated from Consul < 1.9",
            "Sources.LegacyUpdateTime" => "read-only bookkeeping of intentions migrated from Consul < 1.9",
        }
    }
    IngressGateway {
        applied {
            "TLS" => "the listeners' TLS (certificates, versions, cipher suites, SDS)",
            "Defaults" => "circuit breakers and outlier detection of the services' clusters",
            "Listeners.Port" => "the gateway's listeners",
            "Listeners.Protocol" => "the gateway's listeners",
            "Listeners.TLS" => "the listener's TLS",
            "Listeners.Services.Name" => "the listener's routes",
            "Listeners.Services.Namespace" => "the listener's routes",
            "Listeners.Services.Partition" => "the listener's routes",
            "Listeners.Services.Hosts" => "the listener's virtual hosts",
            "Listeners.Services.TLS" => "the service's certificate (SDS)",
            "Listeners.Services.RequestHeaders" => "the filter's header changes",
            "Listeners.Services.ResponseHeaders" => "the filter's header changes",
            "Listeners.Services.MaxConnections" => "circuit breakers of the service's clusters",
            "Listeners.Services.MaxPendingRequests" => "circuit breakers of the service's clusters",
            "Listeners.Services.MaxConcurrentRequests" => "circuit breakers of the service's clusters",
            "Listeners.Services.PassiveHealthCheck" => "outlier detection of the service's clusters",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
            "Listeners.Services.Meta" => META,
        }
    }
    TerminatingGateway {
        applied {
            "Services" => "the linked services: filter chains by SNI, TLS origination, host rewriting",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    Mesh {
        applied {
            "HTTP.Incoming.RequestNormalization.InsecureDisablePathNormalization" => "the filter's path checks: `true` lets `;` path parameters through (dot segments are always removed)",
            "HTTP.Incoming.RequestNormalization.MergeSlashes" => "the filter always merges slashes before checking a path (what `true` asks)",
            "HTTP.Incoming.RequestNormalization.PathWithEscapedSlashesAction" => "the filter's handling of encoded slashes",
        }
        warned {
            "TransparentProxy" => "meshgate's sidecars have no transparent-proxy outbound traffic to restrict: they dial only their explicit upstreams",
            "ValidateClusters" => "meshgate's route tables do not set Envoy's `validate_clusters`",
            "TLS" => "meshgate's mesh TLS keeps Envoy's default versions, cipher suites and curves",
            "HTTP.SanitizeXForwardedClientCert" => "meshgate's HTTP listeners keep Envoy's default handling of `x-forwarded-client-cert`",
            "HTTP.Incoming.RequestNormalization.HeadersWithUnderscoresAction" unless ["REJECT_REQUEST"] => "meshgate's HTTP listeners always reject requests with underscores in header names",
            "Peering" => "meshgate's mesh gateways carry no peering control-plane traffic to Consul servers",
        }
        not_data_plane {
            "Name" => "always `mesh`",
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
            "AllowEnablingPermissiveMutualTLS" => "a gate on what Consul accepts (permissive `MutualTLSMode`); configures no proxy",
        }
    }
    ExportedServices {
        applied {
            "Name" => "the exporting partition",
            "Services" => "what the mesh gateways expose to peers and partitions",
        }
        warned {}
        not_data_plane {
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    ApiGateway {
        applied {
            "Listeners" => "the gateway's listeners: ports, protocols, hostnames, TLS, JWT requirements",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    HttpRoute {
        applied {
            "Parents" => "the gateway listeners the route attaches to",
            "Rules" => "the route's matches, filters and weighted services",
            "Hostnames" => "the route's virtual hosts",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    TcpRoute {
        applied {
            "Parents" => "the gateway listeners the route attaches to",
            "Services" => "the service the listener forwards to",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    InlineCertificate {
        applied {
            "Certificate" => "the listener's TLS certificate",
            "PrivateKey" => "the listener's TLS key",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    FileSystemCertificate {
        applied {
            "Certificate" => "the listener's TLS certificate file",
            "PrivateKey" => "the listener's TLS key file",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    SamenessGroup {
        applied {
            "DefaultForFailover" => "the discovery chain's failover when a resolver names none",
            "IncludeLocal" => "failover follows `Members` in order, the local partition first",
            "Members" => "failover targets, intention sources and export consumers",
        }
        warned {}
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    JwtProvider {
        applied {
            "JSONWebKeySet.Local" => "Envoy's jwt_authn key set",
            "JSONWebKeySet.Remote.URI" => "Envoy's jwt_authn remote key set and its cluster",
            "JSONWebKeySet.Remote.RequestTimeoutMs" => "Envoy's jwt_authn remote key set",
            "JSONWebKeySet.Remote.CacheDuration" => "Envoy's jwt_authn remote key set",
            "JSONWebKeySet.Remote.FetchAsynchronously" => "Envoy's jwt_authn remote key set",
            "JSONWebKeySet.Remote.UseSNI" => "the key server cluster's TLS",
            "JSONWebKeySet.Remote.RetryPolicy" => "Envoy's jwt_authn remote key set",
            "JSONWebKeySet.Remote.JWKSCluster.DiscoveryType" => "the key server cluster",
            "JSONWebKeySet.Remote.JWKSCluster.ConnectTimeout" => "the key server cluster",
            "JSONWebKeySet.Remote.JWKSCluster.TLSCertificates.TrustedCA" => "the key server cluster's TLS validation",
            "Issuer" => "Envoy's jwt_authn provider",
            "Audiences" => "Envoy's jwt_authn provider",
            "Locations" => "Envoy's jwt_authn provider (where the token is read)",
            "Forwarding" => "Envoy's jwt_authn provider (payload forwarding)",
            "ClockSkewSeconds" => "Envoy's jwt_authn provider",
            "CacheConfig" => "Envoy's jwt_authn provider",
        }
        warned {
            "JSONWebKeySet.Remote.JWKSCluster.TLSCertificates.CACertificateProviderInstance" => "meshgate verifies the key server only against `TrustedCA`; without it the keys are fetched without verifying the server",
        }
        not_data_plane {
            "Name" => NAME,
            "Namespace" => TENANCY,
            "Partition" => TENANCY,
            "Meta" => META,
        }
    }
    ControlPlaneRequestLimit {
        applied {}
        warned {}
        not_data_plane {
            "" => "limits on requests to Consul's servers; no proxy reads them",
        }
    }
}

/// Reports `W0410` for every field the workspace's entries write that meshgate does not apply.
pub fn check(ws: &Workspace, cx: &mut Cx) {
    for entry in ws.entries() {
        let kind = entry.kind();
        for (prefix, meta) in blocks(entry) {
            for (field, span) in meta.written() {
                let key = pascal_case(field);
                let path = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
                let Some(row) = WARNED.iter().find(|w| w.kind == kind && w.path == path) else { continue };
                let text = text_at(&ws.sources, span);
                if is_empty_value(text) || row.unless.iter().any(|ok| unquote(text).eq_ignore_ascii_case(ok)) {
                    continue;
                }
                let message = match (entry, row.path) {
                    (ConfigEntry::ProxyDefaults(pd), "Config") => match config_keys(pd) {
                        Some(keys) => format!("{kind} `Config` {keys} not applied: {}", row.reason),
                        None => continue,
                    },
                    _ => format!("{kind} `{}` is not applied: {}", row.path, row.reason),
                };
                cx.push(Diagnostic::warning(Code::NotApplied, span, message));
            }
        }
    }
}

/// The blocks of an entry where warned fields live, with their paths: the entry itself and the
/// nested blocks that mix applied and warned fields.
fn blocks(entry: &ConfigEntry) -> Vec<(&'static str, &Meta)> {
    let mut out: Vec<(&'static str, &Meta)> = vec![("", entry.origin())];
    match entry {
        ConfigEntry::ServiceDefaults(sd) => {
            if let Some(u) = &sd.upstream_config {
                out.extend(u.overrides.iter().map(|o| ("UpstreamConfig.Overrides", &o.origin)));
                out.extend(u.defaults.iter().map(|d| ("UpstreamConfig.Defaults", &d.origin)));
            }
        }
        ConfigEntry::ServiceResolver(r) => {
            out.extend(r.subsets.iter().map(|s| ("Subsets.*", &s.value.origin)));
            out.extend(r.failover.iter().map(|f| ("Failover.*", &f.value.origin)));
        }
        ConfigEntry::Mesh(m) => {
            if let Some(http) = &m.http {
                out.push(("HTTP", &http.origin));
            }
            if let Some(n) = m.request_normalization() {
                out.push(("HTTP.Incoming.RequestNormalization", &n.origin));
            }
        }
        ConfigEntry::JwtProvider(p) => {
            let remote = p.json_web_key_set.as_ref().and_then(|k| k.remote.as_ref());
            let tls = remote.and_then(|r| r.jwks_cluster.as_ref()).and_then(|c| c.tls_certificates.as_ref());
            out.extend(tls.map(|t| ("JSONWebKeySet.Remote.JWKSCluster.TLSCertificates", &t.origin)));
        }
        _ => {}
    }
    out
}

/// "keys `a`, `b` are" / "key `a` is": the proxy-defaults `Config` keys other than `protocol`,
/// which is applied (the mesh-wide default protocol); `None` when there are none.
fn config_keys(pd: &crate::model::proxy_defaults::ProxyDefaults) -> Option<String> {
    let config = pd.config.as_ref()?.0.as_object()?;
    let keys: Vec<String> =
        config.keys().filter(|k| !k.eq_ignore_ascii_case("protocol")).map(|k| format!("`{k}`")).collect();
    match keys.as_slice() {
        [] => None,
        [one] => Some(format!("key {one} is")),
        _ => Some(format!("keys {} are", keys.join(", "))),
    }
}

fn text_at(sources: &SourceMap, span: Span) -> &str {
    sources.get(span.file).and_then(|f| f.text.get(span.start as usize..span.end as usize)).unwrap_or("")
}

/// A value that sets nothing: an empty string, list or block, zero or false (what `consul config
/// read` prints for fields never set).
fn is_empty_value(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(compact.as_str(), "\"\"" | "''" | "[]" | "{}" | "0" | "false" | "False" | "FALSE")
}

fn unquote(text: &str) -> &str {
    let t = text.trim();
    t.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .or_else(|| t.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
        .unwrap_or(t)
}

#[cfg(test)]
mod tests;
