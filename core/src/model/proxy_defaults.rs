//! `proxy-defaults`: mesh-wide proxy settings; there is one, and it is named `global`.

use super::common::*;
use super::Validate;
use crate::decode::{Cx, Opaque};
use crate::diag::Code;
use crate::sorted::SortedMap;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

decode_enum! {
    #[derive(Default)]
    pub enum MutualTlsMode("a MutualTLSMode") {
        #[default]
        Unset = "",
        Strict = "strict",
        Permissive = "permissive",
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct AccessLogs("an AccessLogs block", pascal) {
        pub enabled: bool,
        pub disable_listener_logs: bool,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub r#type: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path: String,
        #[serde(rename = "JSONFormat", skip_serializing_if = "String::is_empty")]
        pub json_format: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub text_format: String,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct PrioritizeByLocality("a PrioritizeByLocality block", pascal) {
        pub mode: String,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct FailoverPolicy("a FailoverPolicy block", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub mode: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub regions: Vec<String>,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "proxy-defaults", rename_all = "PascalCase")]
    pub struct ProxyDefaults("a proxy-defaults entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String> ["Meta"],
        /// Opaque proxy configuration (`protocol`, `local_connect_timeout_ms`, …): keys kept as written.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub config: Option<Opaque>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub envoy_extensions: Vec<EnvoyExtension>,
        #[serde(skip_serializing_if = "is_unset_mode")]
        pub mode: ProxyMode,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub transparent_proxy: Option<TransparentProxyConfig>,
        #[serde(rename = "MutualTLSMode", skip_serializing_if = "is_unset_mtls")]
        pub mutual_tls_mode: MutualTlsMode,
        pub mesh_gateway: MeshGatewayConfig,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub expose: Option<ExposeConfig>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub access_logs: Option<AccessLogs>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub prioritize_by_locality: Option<PrioritizeByLocality>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub failover_policy: Option<FailoverPolicy>,
    }
}

fn is_unset_mode(m: &ProxyMode) -> bool {
    *m == ProxyMode::Unset
}

fn is_unset_mtls(m: &MutualTlsMode) -> bool {
    *m == MutualTlsMode::Unset
}

impl ProxyDefaults {
    /// `Config.protocol`, the mesh-wide default protocol, when set.
    pub fn protocol(&self) -> Option<&str> {
        let config = self.config.as_ref()?.0.as_object()?;
        config.iter().find(|(k, _)| k.eq_ignore_ascii_case("protocol")).and_then(|(_, v)| v.as_str())
    }
}

impl Validate for ProxyDefaults {
    fn validate(&self, cx: &mut Cx) {
        if self.name != "global" {
            let found = if self.name.is_empty() { "no name".to_string() } else { format!("`{}`", self.name) };
            cx.error(
                Code::ProxyDefaultsName,
                self.origin.field("name"),
                format!("proxy-defaults must be named `global`, found {found}"),
            );
        }
        if let Some(p) = self.protocol() {
            if !PROTOCOLS.contains(&p.to_ascii_lowercase().as_str()) {
                cx.error(
                    Code::InvalidProtocol,
                    self.origin.field("config"),
                    format!("Config.protocol \"{p}\" is not one of {}", PROTOCOLS.join(", ")),
                );
            }
        }
        if let Some(logs) = &self.access_logs {
            if !logs.json_format.is_empty() && !logs.text_format.is_empty() {
                cx.error(
                    Code::ConflictingFields,
                    logs.origin.span,
                    "AccessLogs takes JSONFormat or TextFormat, not both",
                );
            }
        }
    }
}
