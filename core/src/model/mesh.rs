//! `mesh`: settings for the whole service mesh — transparent proxy pass-through, mTLS versions and
//! cipher suites, HTTP request normalization, peering through mesh gateways.
//!
//! Consul's mesh entry has no `Name`: there is exactly one, and it is implicitly called `mesh`. We
//! accept an optional `Name`, which must then be `mesh`; decoding fills in `mesh` when it is not
//! written, so every form (HCL, JSON, a Mesh CRD) decodes to the same entry (an entry built in
//! code may still leave it empty: see [`Mesh::effective_name`]). The entry lives in the `default` namespace and applies to all of them.
//!
//! `HTTP.Incoming.RequestNormalization` decides which path L7 intentions see:
//! [`Mesh::path_normalization`] gives the effective settings, with Consul's defaults filled in.

use super::service_defaults::Spanned;
use super::Validate;
use crate::decode::Cx;
use crate::diag::{Code, Diagnostic};
use crate::sorted::SortedMap;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

/// The name Consul gives the one mesh entry.
pub const MESH_NAME: &str = "mesh";

decode_enum! {
    /// A TLS protocol version as Consul spells it.
    #[derive(Default)]
    pub enum TlsVersion("a TLS version") {
        /// Not set here: Envoy's default applies (minimum TLS 1.2; maximum TLS 1.3 incoming, 1.2 outgoing).
        #[default]
        Unset = "",
        /// Let the implementation choose (overrides a default set at a higher layer).
        Auto = "TLS_AUTO",
        V1_0 = "TLSv1_0",
        V1_1 = "TLSv1_1",
        V1_2 = "TLSv1_2",
        V1_3 = "TLSv1_3",
    }
}

impl TlsVersion {
    pub fn is_set(self) -> bool {
        self != TlsVersion::Unset
    }

    /// Order of the concrete versions; `None` for `Unset` and `TLS_AUTO`, which depend on the
    /// implementation and so cannot be compared.
    pub fn rank(self) -> Option<u8> {
        match self {
            TlsVersion::Unset | TlsVersion::Auto => None,
            TlsVersion::V1_0 => Some(0),
            TlsVersion::V1_1 => Some(1),
            TlsVersion::V1_2 => Some(2),
            TlsVersion::V1_3 => Some(3),
        }
    }
}

decode_enum! {
    /// A TLS 1.2-style cipher suite (IANA name) that Consul can configure on Envoy.
    pub enum TlsCipherSuite("a TLS cipher suite") {
        EcdheEcdsaWithAes128GcmSha256 = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        EcdheEcdsaWithChacha20Poly1305Sha256 = "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        EcdheRsaWithAes128GcmSha256 = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        EcdheRsaWithChacha20Poly1305Sha256 = "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        EcdheEcdsaWithAes128CbcSha = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        EcdheRsaWithAes128CbcSha = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        RsaWithAes128GcmSha256 = "TLS_RSA_WITH_AES_128_GCM_SHA256",
        RsaWithAes128CbcSha = "TLS_RSA_WITH_AES_128_CBC_SHA",
        EcdheEcdsaWithAes256GcmSha384 = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        EcdheRsaWithAes256GcmSha384 = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        EcdheEcdsaWithAes256CbcSha = "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        EcdheRsaWithAes256CbcSha = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        RsaWithAes256GcmSha384 = "TLS_RSA_WITH_AES_256_GCM_SHA384",
        RsaWithAes256CbcSha = "TLS_RSA_WITH_AES_256_CBC_SHA",
    }
}

decode_enum! {
    /// An ECDH / post-quantum KEM group offered in the TLS handshake (newer Consul releases).
    pub enum EcdhCurve("an ECDH curve") {
        X25519Mlkem768 = "X25519MLKEM768",
        X25519 = "X25519",
        P256 = "P-256",
        P384 = "P-384",
        P521 = "P-521",
    }
}

decode_enum! {
    /// What Envoy does with `%2F` / `%5C` in a request path (`path_with_escaped_slashes_action`).
    #[derive(Default)]
    pub enum PathWithEscapedSlashesAction("a PathWithEscapedSlashesAction") {
        /// Not set: same as `IMPLEMENTATION_SPECIFIC_DEFAULT`.
        #[default]
        Unset = "",
        /// Envoy's default, which keeps escaped slashes unchanged.
        ImplementationSpecificDefault = "IMPLEMENTATION_SPECIFIC_DEFAULT",
        KeepUnchanged = "KEEP_UNCHANGED",
        RejectRequest = "REJECT_REQUEST",
        UnescapeAndRedirect = "UNESCAPE_AND_REDIRECT",
        UnescapeAndForward = "UNESCAPE_AND_FORWARD",
    }
}

decode_enum! {
    /// What Envoy does with a header whose name contains `_` (`headers_with_underscores_action`).
    #[derive(Default)]
    pub enum HeadersWithUnderscoresAction("a HeadersWithUnderscoresAction") {
        /// Not set: same as `ALLOW`.
        #[default]
        Unset = "",
        Allow = "ALLOW",
        RejectRequest = "REJECT_REQUEST",
        DropHeader = "DROP_HEADER",
    }
}

decode_struct! {
    /// `TransparentProxy`: mesh-wide options for proxies in transparent mode.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MeshTransparentProxy("a TransparentProxy block", pascal) {
        /// Only proxy to destinations registered in the mesh (no pass-through to other addresses).
        pub mesh_destinations_only: bool,
    }
}

decode_struct! {
    /// `TLS.Incoming` or `TLS.Outgoing`: the mTLS parameters in one direction.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MeshDirectionalTls("a TLS Incoming or Outgoing block", pascal) {
        #[serde(rename = "TLSMinVersion", skip_serializing_if = "is_unset_version")]
        pub tls_min_version: TlsVersion,
        #[serde(rename = "TLSMaxVersion", skip_serializing_if = "is_unset_version")]
        pub tls_max_version: TlsVersion,
        /// Only for connections negotiated with TLS 1.2 or earlier.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub cipher_suites: Vec<Spanned<TlsCipherSuite>>,
        /// Only when TLS 1.2 or later is the minimum.
        #[serde(rename = "ECDHCurves", skip_serializing_if = "Vec::is_empty")]
        pub ecdh_curves: Vec<Spanned<EcdhCurve>>,
    }
}

fn is_unset_version(v: &TlsVersion) -> bool {
    !v.is_set()
}

decode_struct! {
    /// `TLS`: mTLS parameters for inbound (public listener) and outbound (upstream) connections.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MeshTls("a TLS block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub incoming: Option<MeshDirectionalTls>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub outgoing: Option<MeshDirectionalTls>,
    }
}

decode_struct! {
    /// `HTTP.Incoming.RequestNormalization`: how inbound request paths and headers are normalized
    /// before routing and L7 intentions see them.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RequestNormalization("a RequestNormalization block", pascal) {
        /// `true` turns off RFC 3986 path normalization (`normalize_path`); insecure with L7 intentions.
        pub insecure_disable_path_normalization: bool,
        /// Merge repeated `/` in paths.
        pub merge_slashes: bool,
        #[serde(skip_serializing_if = "is_unset_slashes")]
        pub path_with_escaped_slashes_action: PathWithEscapedSlashesAction,
        #[serde(skip_serializing_if = "is_unset_underscores")]
        pub headers_with_underscores_action: HeadersWithUnderscoresAction,
    }
}

fn is_unset_slashes(a: &PathWithEscapedSlashesAction) -> bool {
    *a == PathWithEscapedSlashesAction::Unset
}

fn is_unset_underscores(a: &HeadersWithUnderscoresAction) -> bool {
    *a == HeadersWithUnderscoresAction::Unset
}

decode_struct! {
    /// `HTTP.Incoming`: HTTP settings for traffic into mesh proxies.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MeshDirectionalHttp("an HTTP Incoming block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub request_normalization: Option<RequestNormalization>,
    }
}

decode_struct! {
    /// `HTTP`: mesh-wide HTTP settings.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MeshHttp("an HTTP block", pascal) {
        /// Strip `x-forwarded-client-cert` instead of passing it to the next hop.
        pub sanitize_x_forwarded_client_cert: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub incoming: Option<MeshDirectionalHttp>,
    }
}

decode_struct! {
    /// `Peering`: mesh-wide options for cluster peering.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MeshPeering("a Peering block", pascal) {
        /// Route peering control-plane traffic through mesh gateways.
        pub peer_through_mesh_gateways: bool,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "mesh", rename_all = "PascalCase")]
    pub struct Mesh("a mesh entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        /// Optional; when given it must be `mesh`. Empty means `mesh`.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub transparent_proxy: Option<MeshTransparentProxy>,
        /// Must be `true` before service-defaults or proxy-defaults may set `MutualTLSMode = "permissive"`.
        #[serde(rename = "AllowEnablingPermissiveMutualTLS", skip_serializing_if = "is_false")]
        pub allow_enabling_permissive_mutual_tls: bool,
        /// Envoy's `validate_clusters` on route tables.
        #[serde(skip_serializing_if = "is_false")]
        pub validate_clusters: bool,
        #[serde(rename = "TLS", skip_serializing_if = "Option::is_none")]
        pub tls: Option<MeshTls>,
        #[serde(rename = "HTTP", skip_serializing_if = "Option::is_none")]
        pub http: Option<MeshHttp>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub peering: Option<MeshPeering>,
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The request normalization in force for inbound HTTP traffic, Consul's defaults filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PathNormalization {
    /// RFC 3986 normalization (`.`/`..` segments, `\` to `/`, decoding unreserved `%xx`): on unless
    /// `InsecureDisablePathNormalization` is set.
    pub normalize_path: bool,
    pub merge_slashes: bool,
    /// Never `Unset`: an unset action is reported as `IMPLEMENTATION_SPECIFIC_DEFAULT`.
    pub path_with_escaped_slashes_action: PathWithEscapedSlashesAction,
    /// Never `Unset`: an unset action is reported as `ALLOW`.
    pub headers_with_underscores_action: HeadersWithUnderscoresAction,
}

impl Default for PathNormalization {
    /// What proxies do when no mesh entry (or no `RequestNormalization`) says otherwise.
    fn default() -> Self {
        PathNormalization {
            normalize_path: true,
            merge_slashes: false,
            path_with_escaped_slashes_action: PathWithEscapedSlashesAction::ImplementationSpecificDefault,
            headers_with_underscores_action: HeadersWithUnderscoresAction::Allow,
        }
    }
}

impl PathNormalization {
    /// The effective settings from an optional mesh entry.
    pub fn of(mesh: Option<&Mesh>) -> Self {
        mesh.map(Mesh::path_normalization).unwrap_or_default()
    }
}

impl Mesh {
    /// `mesh`: the name Consul gives this entry whether or not `Name` was written.
    pub fn effective_name(&self) -> &str {
        if self.name.is_empty() {
            MESH_NAME
        } else {
            &self.name
        }
    }

    /// `TransparentProxy.MeshDestinationsOnly`.
    pub fn mesh_destinations_only(&self) -> bool {
        self.transparent_proxy.as_ref().is_some_and(|t| t.mesh_destinations_only)
    }

    /// Whether service-defaults and proxy-defaults may set `MutualTLSMode = "permissive"`.
    pub fn allows_permissive_mutual_tls(&self) -> bool {
        self.allow_enabling_permissive_mutual_tls
    }

    /// `Peering.PeerThroughMeshGateways`.
    pub fn peer_through_mesh_gateways(&self) -> bool {
        self.peering.as_ref().is_some_and(|p| p.peer_through_mesh_gateways)
    }

    pub fn tls_incoming(&self) -> Option<&MeshDirectionalTls> {
        self.tls.as_ref()?.incoming.as_ref()
    }

    pub fn tls_outgoing(&self) -> Option<&MeshDirectionalTls> {
        self.tls.as_ref()?.outgoing.as_ref()
    }

    /// `HTTP.SanitizeXForwardedClientCert`.
    pub fn sanitize_x_forwarded_client_cert(&self) -> bool {
        self.http.as_ref().is_some_and(|h| h.sanitize_x_forwarded_client_cert)
    }

    /// `HTTP.Incoming.RequestNormalization` as written.
    pub fn request_normalization(&self) -> Option<&RequestNormalization> {
        self.http.as_ref()?.incoming.as_ref()?.request_normalization.as_ref()
    }

    /// The effective inbound request normalization (defaults filled in).
    pub fn path_normalization(&self) -> PathNormalization {
        let mut out = PathNormalization::default();
        if let Some(r) = self.request_normalization() {
            out.normalize_path = !r.insecure_disable_path_normalization;
            out.merge_slashes = r.merge_slashes;
            if r.path_with_escaped_slashes_action != PathWithEscapedSlashesAction::Unset {
                out.path_with_escaped_slashes_action = r.path_with_escaped_slashes_action;
            }
            if r.headers_with_underscores_action != HeadersWithUnderscoresAction::Unset {
                out.headers_with_underscores_action = r.headers_with_underscores_action;
            }
        }
        out
    }
}

impl Validate for Mesh {
    fn validate(&self, cx: &mut Cx) {
        if !self.name.is_empty() && self.name != MESH_NAME {
            cx.push(
                Diagnostic::error(
                    Code::MeshName,
                    self.origin.field("name"),
                    format!("the mesh entry is always named `mesh`, found `{}`", self.name),
                )
                .with_note("leave `Name` out (it is implicitly `mesh`) or set it to \"mesh\""),
            );
        }
        if !self.namespace.is_empty() && self.namespace != "default" {
            cx.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    self.origin.field("namespace"),
                    format!("the mesh entry belongs to the `default` namespace, found `{}`", self.namespace),
                )
                .with_note("one mesh entry applies to every namespace of its partition"),
            );
        }
        if let Some(peering) = &self.peering {
            if peering.peer_through_mesh_gateways && !self.partition.is_empty() && self.partition != "default" {
                cx.error(
                    Code::ConflictingFields,
                    peering.origin.field("peer_through_mesh_gateways"),
                    format!(
                        "`Peering.PeerThroughMeshGateways` can only be set on the mesh entry of the `default` partition, not `{}`",
                        self.partition
                    ),
                );
            }
        }
        if let Some(tls) = &self.tls {
            for (direction, cfg) in [("Incoming", &tls.incoming), ("Outgoing", &tls.outgoing)] {
                if let Some(cfg) = cfg {
                    validate_tls(direction, cfg, cx);
                }
            }
        }
    }
}

fn validate_tls(direction: &str, cfg: &MeshDirectionalTls, cx: &mut Cx) {
    let (min, max) = (cfg.tls_min_version, cfg.tls_max_version);
    if let (Some(lo), Some(hi)) = (min.rank(), max.rank()) {
        if hi < lo {
            cx.error(
                Code::TlsVersionRange,
                cfg.origin.field("tls_max_version"),
                format!(
                    "TLS.{direction}.TLSMaxVersion {max} is lower than TLSMinVersion {min}, so no TLS version is allowed"
                ),
            );
        }
    }
    if !cfg.cipher_suites.is_empty() && min == TlsVersion::V1_3 {
        cx.push(
            Diagnostic::error(
                Code::TlsSettingForVersion,
                cfg.origin.field("cipher_suites"),
                format!("TLS.{direction}.CipherSuites applies to TLS 1.2 and earlier, but TLSMinVersion is {min}"),
            )
            .with_note("TLS 1.3 cipher suites are not configurable: remove CipherSuites or lower TLSMinVersion"),
        );
    }
    if !cfg.ecdh_curves.is_empty() && matches!(min, TlsVersion::V1_0 | TlsVersion::V1_1) {
        cx.error(
            Code::TlsSettingForVersion,
            cfg.origin.field("ecdh_curves"),
            format!("TLS.{direction}.ECDHCurves needs TLSMinVersion TLSv1_2 or later, but it is {min}"),
        );
    }
    let mut seen = Vec::new();
    for suite in &cfg.cipher_suites {
        if seen.contains(&suite.value) {
            cx.error(
                Code::InvalidValue,
                suite.span,
                format!("cipher suite {} is listed twice in TLS.{direction}.CipherSuites", suite.value),
            );
        }
        seen.push(suite.value);
    }
}

#[cfg(test)]
mod tests;
