//! Fields meshgate reads but does not apply: a warning (`W0410`) at each one written, so that no
//! setting is dropped silently.
//!
//! [`FIELDS`] classifies every field of every config entry kind and of agent service definitions
//! (`service { … }`), one row per field path (or per block, for a block whose fields share a
//! fate) as one of:
//! - **applied**: turned into Envoy configuration or enforced by the filter (the row says by what);
//! - **warned**: not applied; writing it is `W0410`, with the row's reason;
//! - **not data plane**: by its nature configures no proxy (the entry's name and tenancy, metadata,
//!   Consul's read-only bookkeeping, settings of Consul's servers).
//!
//! Only the warned rows are compiled into meshgate; the others exist for the test that walks the
//! model's fields (from the types themselves, see [`crate::decode::Shape`]) and requires each to be
//! classified exactly once, so that a field added later fails it until someone decides its fate.
//!
//! Service definitions are written in snake_case, and so are their rows (`proxy.upstreams.config`).
//! A `connect.sidecar_service` is a service definition itself: its fields take the rows of the
//! same fields of a registration (`connect.sidecar_service.proxy.expose` is `proxy.expose`) unless
//! a row names the sidecar's own path, for the few a sidecar treats otherwise. A gateway's `proxy`
//! block configures none of meshgate's listeners: every field of it but `config` is warned about.
//!
//! Opaque maps (a proxy's and an upstream's `config`, `tagged_addresses`) are classified by key:
//! a row `proxy.config.local_connect_timeout_ms` gives that key's fate, the map's own row the fate
//! of keys not listed; each key written is reported at its value.

use crate::decode::{pascal_case, Cx, Meta, Opaque};
use crate::diag::{Code, Diagnostic};
use crate::model::document::EntryKind;
use crate::model::service::{ServiceDefinition, ServiceKind, Upstream};
use crate::model::ConfigEntry;
use crate::plan::protocols::{Protocol, Protocols};
use crate::source::{SourceMap, Span};
use crate::workspace::Workspace;

/// What a row classifies: a config entry kind's fields, or a service definition's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Of {
    Entry(EntryKind),
    Service,
}

impl std::fmt::Display for Of {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Of::Entry(kind) => kind.fmt(f),
            Of::Service => f.write_str("service definition"),
        }
    }
}

macro_rules! of {
    (ServiceDefinition) => {
        Of::Service
    };
    ($kind:ident) => {
        Of::Entry(EntryKind::$kind)
    };
}

/// A field not applied, and why.
struct Warned {
    kind: Of,
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
            Warned { kind: of!($kind), path: $wpath, reason: $wtext, unless: &[$($($ok),+)?] },
        )*)*];

        /// Every row: (kind, path, class, why). Test-only: the explanations of the applied and
        /// not-data-plane rows stay out of the playground's wasm.
        #[cfg(test)]
        pub(crate) const FIELDS: &[(Of, &str, Class, &str)] = &[$(
            $((of!($kind), $apath, Class::Applied, $atext),)*
            $((of!($kind), $wpath, Class::Warned, $wtext),)*
            $((of!($kind), $npath, Class::NotDataPlane, $ntext),)*
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
const MAX_INBOUND: &str = "meshgate's sidecar sets no limit on its public listener's connections";
const LOCAL_CONNECT_TIMEOUT: &str = "the sidecar's local application cluster keeps a 5s connect timeout";
const LOCAL_REQUEST_TIMEOUT: &str =
    "the sidecar's inbound route sets no request timeout (Envoy's default, 15s, applies)";
const NO_HEALTH: &str =
    "meshgate knows no health status: every registered instance is an endpoint, whatever its checks report";
const NO_SOCKETS: &str =
    "meshgate reaches instances over TCP at their `address` and `port`; Unix domain sockets are not configured";
const BOOTSTRAP: &str = "meshgate's Envoy bootstrap holds its listeners, its clusters and an admin listener on 127.0.0.1: no stats sinks or tags, metrics listeners, tracing or extra static resources";
const GATEWAY_BIND: &str = "a gateway's listeners bind its registration's `address` and `port` only";
const FROM_SERVICE_DEFAULTS: &str = "an upstream's connect timeout, limits and passive health check come from the caller's service-defaults `UpstreamConfig`, not from the registration";
const SIDECAR_OF_ITS_SERVICE: &str =
    "a sidecar_service belongs to the service it is declared in: meshgate takes this from that service";
/// A gateway registration's `proxy` block, but for `config` (whose keys have their own rows).
const GATEWAY_PROXY: &str =
    "meshgate configures a gateway from its config entry and its registration's `address` and `port`; its `proxy` block is not applied";
#[cfg(test)]
const LOCAL_APP: &str = "the sidecar's local application cluster";
#[cfg(test)]
const UPSTREAM_TARGET: &str = "the upstream's target: its discovery chain, SNI and dial";
#[cfg(test)]
const UPSTREAM_LISTENER: &str = "the sidecar's listener for the upstream";
#[cfg(test)]
const IDENTITY: &str = "the service's identity (SNI, SPIFFE ID) and the entries that apply to it";
#[cfg(test)]
const ENDPOINT: &str = "the instance's Connect endpoint (or its gateway's listeners): where the mesh reaches it";
#[cfg(test)]
const SUBSET_FILTER: &str = "the endpoint's, which service-resolver subset filters select on";
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
            "MaxInboundConnections" => MAX_INBOUND,
            "LocalConnectTimeoutMs" => LOCAL_CONNECT_TIMEOUT,
            "LocalRequestTimeoutMs" => LOCAL_REQUEST_TIMEOUT,
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
    ServiceDefinition {
        applied {
            "id" => "the instance: a proxy's or gateway's key, what `destination_service_id` names",
            "name" => IDENTITY,
            "kind" => "what the registration is: a service, a connect proxy or a gateway",
            "namespace" => IDENTITY,
            "partition" => IDENTITY,
            "datacenter" => "the datacenter the instance runs in (meshgate's addition)",
            "address" => ENDPOINT,
            "port" => ENDPOINT,
            "tags" => SUBSET_FILTER,
            "meta" => SUBSET_FILTER,
            "connect.native" => "the instance is its own Connect endpoint",
            "proxy.destination_service_name" => "the service a connect proxy fronts: its identity, intentions and local application",
            "proxy.destination_service_id" => "the instance whose port is a connect proxy's local application",
            "proxy.local_service_address" => LOCAL_APP,
            "proxy.local_service_port" => LOCAL_APP,
            "proxy.mesh_gateway" => "how the proxy dials its upstreams (through which mesh gateway) unless an upstream says",
            "proxy.upstreams.destination_name" => UPSTREAM_TARGET,
            "proxy.upstreams.destination_namespace" => UPSTREAM_TARGET,
            "proxy.upstreams.destination_partition" => UPSTREAM_TARGET,
            "proxy.upstreams.destination_peer" => UPSTREAM_TARGET,
            "proxy.upstreams.datacenter" => UPSTREAM_TARGET,
            "proxy.upstreams.local_bind_address" => UPSTREAM_LISTENER,
            "proxy.upstreams.local_bind_port" => UPSTREAM_LISTENER,
            "proxy.upstreams.mesh_gateway" => "how the sidecar dials the upstream (through which mesh gateway)",
        }
        warned {
            // Keys equal to the registration's own `address` and `port` are not reported (Consul
            // prints `lan`/`wan` ones for every instance): see `tagged_addresses`.
            "tagged_addresses" => "meshgate reaches an instance at its `address` and `port`; other tagged addresses (`wan`, `virtual`, …) are not used",
            "socket_path" => NO_SOCKETS,
            "check" => NO_HEALTH,
            "checks" => NO_HEALTH,
            "weights.passing" unless ["1"] => "meshgate gives every endpoint the same weight (Consul's default, 1)",
            "weights.warning" unless ["1"] => "meshgate knows no health status and gives every endpoint the same weight",
            "locality" => NO_LOCALITY,
            "proxy.local_service_socket_path" => "the local application is dialled at `local_service_address` and `local_service_port`; Unix domain sockets are not configured",
            "proxy.mode" unless ["direct"] => DIRECT_ONLY,
            "proxy.transparent_proxy" => NO_TPROXY,
            "proxy.expose" => NO_EXPOSE,
            "proxy.config" => "meshgate reads no key of a proxy's `config`",
            // Not reported when it names the protocol meshgate gives the service anyway.
            "proxy.config.protocol" => "a proxy's protocol is its service's service-defaults (or proxy-defaults) protocol",
            "proxy.config.bind_address" => "the public listener binds the registration's `address` and `port`",
            "proxy.config.bind_port" => "the public listener binds the registration's `address` and `port`",
            "proxy.config.local_connect_timeout_ms" => LOCAL_CONNECT_TIMEOUT,
            "proxy.config.local_request_timeout_ms" => LOCAL_REQUEST_TIMEOUT,
            "proxy.config.local_idle_timeout_ms" => "the sidecar's inbound route keeps Envoy's default idle timeout",
            "proxy.config.max_inbound_connections" => MAX_INBOUND,
            "proxy.config.balance_inbound_connections" => NO_BALANCE,
            "proxy.config.envoy_public_listener_json" => LISTENER_JSON,
            "proxy.config.envoy_local_cluster_json" => CLUSTER_JSON,
            "proxy.config.envoy_extra_static_clusters_json" => BOOTSTRAP,
            "proxy.config.envoy_extra_static_listeners_json" => BOOTSTRAP,
            "proxy.config.envoy_extra_stats_sinks_json" => BOOTSTRAP,
            "proxy.config.envoy_stats_sinks_json" => BOOTSTRAP,
            "proxy.config.envoy_stats_config_json" => BOOTSTRAP,
            "proxy.config.envoy_stats_tags" => BOOTSTRAP,
            "proxy.config.envoy_stats_flush_interval" => BOOTSTRAP,
            "proxy.config.envoy_statsd_url" => BOOTSTRAP,
            "proxy.config.envoy_dogstatsd_url" => BOOTSTRAP,
            "proxy.config.envoy_prometheus_bind_addr" => BOOTSTRAP,
            "proxy.config.envoy_stats_bind_addr" => BOOTSTRAP,
            "proxy.config.envoy_tracing_json" => BOOTSTRAP,
            "proxy.config.envoy_hcp_metrics_bind_socket_dir" => BOOTSTRAP,
            "proxy.config.envoy_telemetry_collector_bind_socket_dir" => BOOTSTRAP,
            "proxy.config.connect_timeout_ms" => "a gateway's clusters take their connect timeout from the services' resolvers (5s by default)",
            "proxy.config.envoy_gateway_bind_addresses" => GATEWAY_BIND,
            "proxy.config.envoy_gateway_bind_tagged_addresses" => GATEWAY_BIND,
            "proxy.config.envoy_gateway_no_default_bind" => GATEWAY_BIND,
            "proxy.config.envoy_mesh_gateway_bind_addresses" => GATEWAY_BIND,
            "proxy.config.envoy_mesh_gateway_bind_tagged_addresses" => GATEWAY_BIND,
            "proxy.config.envoy_mesh_gateway_no_default_bind" => GATEWAY_BIND,
            "proxy.config.envoy_dns_discovery_type" => "clusters to hostnames are always STRICT_DNS",
            "proxy.upstreams.destination_type" unless ["service"] => "meshgate resolves every upstream as the service `destination_name` names; prepared queries are not evaluated",
            "proxy.upstreams.local_bind_socket_path" => "an upstream's listener is bound at `local_bind_address` and `local_bind_port` only; Unix domain sockets are not configured",
            "proxy.upstreams.local_bind_socket_mode" => "an upstream's listener is bound at `local_bind_address` and `local_bind_port` only; Unix domain sockets are not configured",
            "proxy.upstreams.config" => "meshgate reads no key of an upstream's `config`",
            // Not reported when it names the protocol meshgate gives the upstream anyway.
            "proxy.upstreams.config.protocol" => UPSTREAM_PROTOCOL,
            "proxy.upstreams.config.connect_timeout_ms" => FROM_SERVICE_DEFAULTS,
            "proxy.upstreams.config.limits" => FROM_SERVICE_DEFAULTS,
            "proxy.upstreams.config.passive_health_check" => FROM_SERVICE_DEFAULTS,
            "proxy.upstreams.config.balance_outbound_connections" => NO_BALANCE,
            "proxy.upstreams.config.envoy_listener_json" => LISTENER_JSON,
            "proxy.upstreams.config.envoy_cluster_json" => CLUSTER_JSON,
            // A sidecar_service's own rows; its other fields take the registration's.
            "connect.sidecar_service.kind" unless ["connect-proxy"] => "a sidecar_service is always a connect proxy",
            "connect.sidecar_service.datacenter" => SIDECAR_OF_ITS_SERVICE,
            "connect.sidecar_service.namespace" => SIDECAR_OF_ITS_SERVICE,
            "connect.sidecar_service.partition" => SIDECAR_OF_ITS_SERVICE,
            "connect.sidecar_service.proxy.destination_service_name" => SIDECAR_OF_ITS_SERVICE,
            "connect.sidecar_service.proxy.destination_service_id" => SIDECAR_OF_ITS_SERVICE,
            "connect.sidecar_service.connect.native" => "a sidecar_service is a proxy, not a Connect-native instance",
        }
        not_data_plane {
            "enable_tag_override" => "lets tags changed in the catalog stand (anti-entropy); configures no proxy",
            "token" => "the ACL token the agent registers the service with",
            "proxy.upstreams.centrally_configured" => "Consul's bookkeeping: the upstream was added from central configuration (so it needs no listener of its own)",
            "connect.sidecar_service.connect.sidecar_service" => "refused (E0316): a sidecar_service has no sidecar of its own",
        }
    }
}

/// Reports `W0410` for every field the workspace's entries and service definitions write that
/// meshgate does not apply.
pub fn check(ws: &Workspace, cx: &mut Cx) {
    for entry in ws.entries() {
        let kind = entry.kind();
        for (prefix, meta) in blocks(entry) {
            for (field, span) in meta.written() {
                let key = pascal_case(field);
                let path = if prefix.is_empty() { key } else { format!("{prefix}.{key}") };
                let Some(row) = WARNED.iter().find(|w| w.kind == Of::Entry(kind) && w.path == path) else { continue };
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
    let protocols = Protocols::new(ws);
    for svc in ws.services() {
        Registration { ws, protocols: &protocols, top: svc }.check(svc, "", cx);
    }
}

/// The path of a sidecar_service's fields within its registration.
const SIDECAR: &str = "connect.sidecar_service";

/// The warned row for a service definition's `path`: its own, else (within a sidecar_service)
/// the registration's row for the same field.
fn service_row(path: &str) -> Option<&'static Warned> {
    let find = |p: &str| WARNED.iter().find(|w| w.kind == Of::Service && w.path == p);
    find(path).or_else(|| path.strip_prefix(SIDECAR).and_then(|p| p.strip_prefix('.')).and_then(find))
}

/// One registration (`service { … }`) being checked.
struct Registration<'a> {
    ws: &'a Workspace,
    protocols: &'a Protocols,
    top: &'a ServiceDefinition,
}

impl Registration<'_> {
    /// Checks `own` (the registration, or its sidecar_service at `base`).
    fn check(&self, own: &ServiceDefinition, base: &str, cx: &mut Cx) {
        let at = |p: &str| if base.is_empty() { p.to_string() } else { format!("{base}.{p}") };
        let gateway = own.kind.is_gateway() && base.is_empty();
        self.block(&own.origin, base, own, None, cx);
        if let Some(w) = &own.weights {
            self.block(&w.origin, &at("weights"), own, None, cx);
        }
        if let Some(p) = &own.proxy {
            if gateway {
                for (field, span) in p.origin.written().filter(|(f, _)| *f != "config") {
                    let path = at(&format!("proxy.{field}"));
                    self.warn(span, &path, None, GATEWAY_PROXY, cx);
                }
                self.block_fields(p.origin.written().filter(|(f, _)| *f == "config"), &at("proxy"), own, None, cx);
            } else {
                self.block(&p.origin, &at("proxy"), own, None, cx);
                for u in &p.upstreams {
                    self.block(&u.origin, &at("proxy.upstreams"), own, Some(u), cx);
                }
            }
        }
        if let Some(c) = &own.connect {
            self.block(&c.origin, &at("connect"), own, None, cx);
            if let (Some(sidecar), true) = (c.sidecar_service.as_deref(), base.is_empty()) {
                self.check(sidecar, SIDECAR, cx);
            }
        }
    }

    fn block(&self, meta: &Meta, prefix: &str, own: &ServiceDefinition, up: Option<&Upstream>, cx: &mut Cx) {
        self.block_fields(meta.written(), prefix, own, up, cx);
    }

    fn block_fields(
        &self,
        fields: impl Iterator<Item = (&'static str, Span)>,
        prefix: &str,
        own: &ServiceDefinition,
        up: Option<&Upstream>,
        cx: &mut Cx,
    ) {
        for (field, span) in fields {
            let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
            let local = path.strip_prefix(SIDECAR).and_then(|p| p.strip_prefix('.')).unwrap_or(&path);
            match local {
                "proxy.config" => {
                    let config = own.proxy.as_ref().and_then(|p| p.config.as_ref());
                    let protocol = self.own_protocol(own);
                    self.keys(config, &path, protocol, cx);
                }
                "proxy.upstreams.config" => {
                    let protocol = up.map(|u| self.upstream_protocol(u));
                    self.keys(up.and_then(|u| u.config.as_ref()), &path, protocol, cx);
                }
                "tagged_addresses" => self.tagged_addresses(own, &path, cx),
                _ => {
                    let Some(row) = service_row(&path) else { continue };
                    let text = text_at(&self.ws.sources, span);
                    if is_empty_value(text) || row.unless.iter().any(|ok| unquote(text).eq_ignore_ascii_case(ok)) {
                        continue;
                    }
                    self.warn(span, &path, None, row.reason, cx);
                }
            }
        }
    }

    /// Each key of an opaque map (`config`) by its own row, else the map's. `protocol` is not
    /// reported when it names the protocol meshgate gives anyway.
    fn keys(&self, map: Option<&Opaque>, path: &str, protocol: Option<Protocol>, cx: &mut Cx) {
        let Some(map) = map else { return };
        for (key, span) in map.keys() {
            let text = text_at(&self.ws.sources, span);
            if is_empty_value(text) {
                continue;
            }
            let mut reason = match service_row(&format!("{path}.{key}")).or_else(|| service_row(path)) {
                Some(row) => row.reason.to_string(),
                None => continue,
            };
            if key == "protocol" {
                let given = map.0.get(key).and_then(|v| v.as_str()).and_then(Protocol::parse);
                match (given, protocol) {
                    (Some(g), Some(p)) if g == p => continue,
                    (_, Some(p)) => reason = format!("{reason} (`{}` here)", p.as_str()),
                    _ => {}
                }
            }
            self.warn(span, path, Some(key), &reason, cx);
        }
    }

    /// Tagged addresses other than the registration's own `address` (and `port`): a key's value
    /// is an address, or `{ address, port }`.
    fn tagged_addresses(&self, own: &ServiceDefinition, path: &str, cx: &mut Cx) {
        let Some(map) = &own.tagged_addresses else { return };
        let address = if own.address.is_empty() { self.top.address.as_str() } else { own.address.as_str() };
        for (key, span) in map.keys() {
            let value = map.0.get(key);
            let field = |name: &str| {
                value.and_then(|v| v.as_object()).and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            };
            let same = match value {
                Some(crate::json::Value::String(a)) => a == address,
                Some(crate::json::Value::Object(_)) => {
                    let a = field("address").and_then(|(_, v)| v.as_str());
                    let p = field("port").and_then(|(_, v)| v.as_u64()).filter(|p| *p != 0);
                    a == Some(address) && p.is_none_or(|p| Some(p) == own.port.map(u64::from))
                }
                _ => false,
            };
            if same || is_empty_value(text_at(&self.ws.sources, span)) {
                continue;
            }
            if let Some(row) = service_row(path) {
                self.warn(span, path, Some(key), row.reason, cx);
            }
        }
    }

    /// The protocol meshgate gives the service a proxy stands for.
    fn own_protocol(&self, own: &ServiceDefinition) -> Option<Protocol> {
        let service = match own.proxied_service() {
            Some(s) if own.kind == ServiceKind::ConnectProxy => s,
            _ => self.top.name.as_str(),
        };
        Some(self.protocols.protocol(service, &self.top.namespace, &self.top.partition))
    }

    /// The protocol meshgate gives an upstream's listener: its service's, tcp for a peer's.
    fn upstream_protocol(&self, u: &Upstream) -> Protocol {
        if !u.destination_peer.is_empty() {
            return Protocol::Tcp;
        }
        let or = |a: &'_ str, b: &'_ str| if a.is_empty() { b.to_string() } else { a.to_string() };
        let namespace = or(&u.destination_namespace, &self.top.namespace);
        let partition = or(&u.destination_partition, &self.top.partition);
        self.protocols.protocol(&u.destination_name, &namespace, &partition)
    }

    fn warn(&self, span: Span, path: &str, key: Option<&str>, reason: &str, cx: &mut Cx) {
        // Named by its name, else its id (a registration without a name is refused, E0203).
        let service = match (self.top.name.as_str(), self.top.id.as_str()) {
            ("", "") => "a service definition".to_string(),
            ("", id) => format!("service `{id}`"),
            (name, _) => format!("service `{name}`"),
        };
        let what = match key {
            Some(key) => format!("`{path}` key `{key}`"),
            None => format!("`{path}`"),
        };
        cx.push(Diagnostic::warning(Code::NotApplied, span, format!("{service}: {what} is not applied: {reason}")));
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
