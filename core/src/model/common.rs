//! Shapes shared by several kinds.

use crate::decode::Cx;
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
