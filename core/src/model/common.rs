//! Shapes shared by several kinds.

use super::mesh::{TlsCipherSuite, TlsVersion};
use super::service_defaults::{PassiveHealthCheck, Spanned};
use crate::decode::{Cx, Decode, Meta};
use crate::diag::{Code, Diagnostic};
use crate::syntax::Node;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

decode_enum! {
    /// How a proxy reaches services in another datacenter or peer (Consul's `MeshGateway.Mode`).
    #[derive(Default)]
    pub enum MeshGatewayMode("a mesh gateway mode") {
        /// Not set at this level: the next level down decides.
        #[default]
        Unset = "",
        None = "none",
        Local = "local",
        Remote = "remote",
    }
}

impl MeshGatewayMode {
    pub fn is_set(self) -> bool {
        self != MeshGatewayMode::Unset
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct MeshGatewayConfig("a MeshGateway block", pascal) {
        #[serde(skip_serializing_if = "is_unset")]
        pub mode: MeshGatewayMode,
    }
}

fn is_unset(mode: &MeshGatewayMode) -> bool {
    !mode.is_set()
}

decode_enum! {
    /// How a transparent-proxy-enabled service is reached (Consul's `Mode`).
    #[derive(Default)]
    pub enum ProxyMode("a proxy mode") {
        #[default]
        Unset = "",
        Direct = "direct",
        Transparent = "transparent",
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct TransparentProxyConfig("a TransparentProxy block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub outbound_listener_port: Option<u16>,
        pub dialed_directly: bool,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ExposePath("an Expose path", pascal) {
        pub listener_port: u16,
        pub path: String,
        pub local_path_port: u16,
        pub protocol: String,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ExposeConfig("an Expose block", pascal) {
        pub checks: bool,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub paths: Vec<ExposePath>,
    }
}

decode_struct! {
    /// An Envoy extension (Lua, Wasm, ext_authz, …) as configured on proxy- and service-defaults.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct EnvoyExtension("an EnvoyExtensions item", pascal) {
        pub name: String,
        pub required: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub arguments: Option<crate::decode::Opaque>,
        #[serde(rename = "ConsulVersion", skip_serializing_if = "String::is_empty")]
        pub consul_version: String,
        #[serde(rename = "EnvoyVersion", skip_serializing_if = "String::is_empty")]
        pub envoy_version: String,
    }
}

/// Consul's protocols for service-defaults / proxy-defaults `Protocol` (and proxy `Config.protocol`).
pub const PROTOCOLS: &[&str] = &["tcp", "http", "http2", "grpc"];

/// Service, namespace and partition names: Consul's DNS-compatible rule (letters, digits, `-`,
/// `_`, `.`; must not be empty). Returns a reason when invalid.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.len() > crate::gateway::MAX_NAME_BYTES {
        return Err(format!("is {} bytes long; names are at most {}", name.len(), crate::gateway::MAX_NAME_BYTES));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(format!("contains `{c}`; names use letters, digits, `-`, `_` and `.`"));
    }
    Ok(())
}

/// Reports a missing required string field.
pub fn require(cx: &mut Cx, origin: &crate::decode::Meta, value: &str, key: &str, owner: &str) {
    if value.is_empty() {
        cx.error(crate::diag::Code::MissingField, origin.span, format!("{owner} needs `{key}`"));
    }
}

// ---------------------------------------------------------------------------------------------
// Shared by the gateway kinds (ingress, terminating, API, routes, certificates)
// ---------------------------------------------------------------------------------------------

/// Reads a string that must be one of `choices` (case-insensitive, as Consul lower-cases
/// protocols), reporting anything else under `code` with the allowed values and a did-you-mean.
pub(crate) fn decode_choice<T: Copy>(
    node: &Node,
    cx: &mut Cx,
    code: Code,
    what: &str,
    choices: &[(&'static str, T)],
) -> Option<T> {
    let text = String::decode(node, cx)?;
    if let Some((_, v)) = choices.iter().find(|(name, _)| name.eq_ignore_ascii_case(&text)) {
        return Some(*v);
    }
    let names: Vec<&str> = choices.iter().map(|(n, _)| *n).filter(|n| !n.is_empty()).collect();
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let mut d =
        Diagnostic::error(code, node.span, format!("\"{text}\" is not {what}; expected one of {}", quoted.join(", ")));
    if let Some(s) = crate::decode::suggest(&text, &names) {
        d = d.with_note(format!("help: did you mean \"{s}\"?")).with_fix(s);
    }
    cx.push(d);
    None
}

/// How one TLS block names its version fields: the Rust field (for spans) and the key a person
/// writes (for messages). Ingress spells them `TLSMinVersion`, the API gateway `MinVersion`.
pub(crate) struct TlsKeys {
    pub min: (&'static str, &'static str),
    pub max: (&'static str, &'static str),
}

/// Consul's checks on one TLS block: the maximum version not below the minimum, and cipher
/// suites (each named once) only with a minimum version below TLS 1.3, the only versions whose
/// suites are configurable. Unknown suites are already reported when decoding.
pub(crate) fn check_tls(
    cx: &mut Cx,
    origin: &Meta,
    keys: &TlsKeys,
    min: TlsVersion,
    max: TlsVersion,
    suites: &[Spanned<TlsCipherSuite>],
) {
    if let (Some(lo), Some(hi)) = (min.rank(), max.rank()) {
        if hi < lo {
            cx.push(
                Diagnostic::error(
                    Code::TlsVersionRange,
                    origin.field(keys.max.0),
                    format!(
                        "{} {max} is lower than {} {min}, so no TLS version is left to use",
                        keys.max.1, keys.min.1
                    ),
                )
                .with_note(format!("raise {} or lower {}", keys.max.1, keys.min.1)),
            );
        }
    }
    if !suites.is_empty() && min == TlsVersion::V1_3 {
        cx.push(
            Diagnostic::error(
                Code::TlsSettingForVersion,
                origin.field("cipher_suites"),
                format!("CipherSuites apply to TLS 1.2 and earlier, but {} is {min}", keys.min.1),
            )
            .with_note(format!(
                "TLS 1.3 cipher suites are not configurable: remove CipherSuites or lower {}",
                keys.min.1
            )),
        );
    }
    let mut seen = Vec::new();
    for suite in suites {
        if seen.contains(&suite.value) {
            cx.error(Code::InvalidValue, suite.span, format!("cipher suite {} is listed twice", suite.value));
        }
        seen.push(suite.value);
    }
}

/// Why `host` is not a usable host name, if it is not: DNS labels of letters, digits, `-` and `_`
/// (at most 63 characters each, 253 in all, an optional trailing `.`). With `wildcard_label`, a
/// leading `*.` label is accepted (`*.example.com`); a `*` anywhere else never is.
pub fn check_host(host: &str, wildcard_label: bool) -> Result<(), String> {
    if host.is_empty() {
        return Err("is empty".into());
    }
    if let Some((_, rest)) = host.split_once("://") {
        let bare = rest.split(['/', ':']).next().unwrap_or(rest);
        return Err(format!("is a URL; give only the host name, such as \"{bare}\""));
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let rest = match name.strip_prefix("*.") {
        Some(rest) if wildcard_label => rest,
        _ => name,
    };
    if rest.contains('*') {
        return Err(if wildcard_label {
            "has a wildcard that is not the whole leftmost label; only `*.example.com` style wildcards are allowed"
                .into()
        } else {
            "is a wildcard; wildcards are not allowed here, list each host name".into()
        });
    }
    if let Some(c) = rest.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(match c {
            ':' => "contains `:`; give the host name without a port or scheme".into(),
            '/' => "contains `/`; give only the host name, without a scheme or path".into(),
            _ => format!("contains `{c}`; host names use letters, digits, `-` and `.`"),
        });
    }
    if name.len() > 253 {
        return Err(format!("is {} characters long; host names have at most 253", name.len()));
    }
    for label in rest.split('.') {
        if label.is_empty() {
            return Err("has an empty label (two dots in a row, or a leading dot)".into());
        }
        if label.len() > 63 {
            return Err(format!("has a label of {} characters (`{label}`); labels have at most 63", label.len()));
        }
    }
    Ok(())
}

pub(crate) fn is_unset_version(v: &TlsVersion) -> bool {
    !v.is_set()
}

/// Consul's percentages in a passive health check stop at 100.
pub(crate) fn check_passive_health_check(check: &PassiveHealthCheck, cx: &mut Cx) {
    for (field, key, value) in [
        ("enforcing_consecutive_5xx", "EnforcingConsecutive5xx", check.enforcing_consecutive_5xx),
        ("max_ejection_percent", "MaxEjectionPercent", check.max_ejection_percent),
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

/// Reports an empty entry `Name`.
pub(crate) fn require_name(cx: &mut Cx, origin: &Meta, name: &str, owner: &str) {
    if name.is_empty() {
        cx.error(Code::MissingField, origin.span, format!("{owner} needs a `Name`"));
    }
}
