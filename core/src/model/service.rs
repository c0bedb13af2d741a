//! Agent service definitions (`service { … }`), as Consul's agent reads them: plain services,
//! connect proxies with upstreams, and gateways. `datacenter` is our addition, so one workspace can
//! describe several datacenters (their mesh gateways, say); it defaults to the local one.

use super::common::*;
use super::Validate;
use crate::decode::{Cx, Opaque};
use crate::diag::Code;
use crate::sorted::SortedMap;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

decode_enum! {
    #[derive(Default)]
    pub enum ServiceKind("a service kind") {
        /// An ordinary service.
        #[default]
        Typical = "",
        ConnectProxy = "connect-proxy",
        MeshGateway = "mesh-gateway",
        IngressGateway = "ingress-gateway",
        TerminatingGateway = "terminating-gateway",
        ApiGateway = "api-gateway",
    }
}

impl ServiceKind {
    pub fn is_gateway(self) -> bool {
        matches!(
            self,
            ServiceKind::MeshGateway
                | ServiceKind::IngressGateway
                | ServiceKind::TerminatingGateway
                | ServiceKind::ApiGateway
        )
    }
}

decode_struct! {
    /// One entry of `proxy.upstreams`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct Upstream("an upstream", snake) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub destination_type: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub destination_namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub destination_partition: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub destination_peer: String,
        pub destination_name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub datacenter: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub local_bind_address: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub local_bind_port: Option<u16>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub local_bind_socket_path: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub local_bind_socket_mode: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub config: Option<Opaque>,
        #[serde(skip_serializing_if = "is_unset_gateway")]
        pub mesh_gateway: MeshGatewayConfig,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub centrally_configured: bool,
    }
}

fn is_unset_gateway(g: &MeshGatewayConfig) -> bool {
    !g.mode.is_set()
}

decode_struct! {
    /// A service's `proxy` block (connect proxies, sidecars and gateways).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ProxyConfig("a proxy block", snake) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub destination_service_name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub destination_service_id: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub local_service_address: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub local_service_port: Option<u16>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub local_service_socket_path: String,
        #[serde(skip_serializing_if = "is_unset_proxy_mode")]
        pub mode: ProxyMode,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub transparent_proxy: Option<TransparentProxyConfig>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub config: Option<Opaque>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub upstreams: Vec<Upstream>,
        #[serde(skip_serializing_if = "is_unset_gateway")]
        pub mesh_gateway: MeshGatewayConfig,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub expose: Option<ExposeConfig>,
    }
}

fn is_unset_proxy_mode(m: &ProxyMode) -> bool {
    *m == ProxyMode::Unset
}

decode_struct! {
    /// `connect { native = …, sidecar_service { … } }`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ConnectConfig("a connect block", snake) {
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub native: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub sidecar_service: Option<Box<ServiceDefinition>>,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct Weights("a weights block", snake) {
        pub passing: u32,
        pub warning: u32,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct Locality("a locality block", snake) {
        pub region: String,
        pub zone: String,
    }
}

decode_struct! {
    /// An agent service definition.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    pub struct ServiceDefinition("a service definition", snake) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub id: String,
        pub name: String,
        #[serde(skip_serializing_if = "is_typical")]
        pub kind: ServiceKind,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub tags: Vec<String>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub address: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub tagged_addresses: Option<Opaque>,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub port: Option<u16>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub socket_path: String,
        /// Our extension: which datacenter this instance runs in (default: the workspace's).
        #[serde(skip_serializing_if = "String::is_empty")]
        pub datacenter: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub proxy: Option<ProxyConfig>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub connect: Option<ConnectConfig>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub check: Option<Opaque>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub checks: Option<Opaque>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub enable_tag_override: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub weights: Option<Weights>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub token: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub locality: Option<Locality>,
    }
}

fn is_typical(k: &ServiceKind) -> bool {
    *k == ServiceKind::Typical
}

impl ServiceDefinition {
    /// The service a proxy or sidecar stands for.
    pub fn proxied_service(&self) -> Option<&str> {
        let p = self.proxy.as_ref()?;
        (!p.destination_service_name.is_empty()).then_some(p.destination_service_name.as_str())
    }

    fn validate_as(&self, cx: &mut Cx, sidecar: bool) {
        let owner = if sidecar { "a sidecar_service" } else { "a service definition" };
        if !sidecar {
            require(cx, &self.origin, &self.name, "name", owner);
        }
        if !self.name.is_empty() {
            if let Err(why) = check_name(&self.name) {
                cx.error(Code::InvalidName, self.origin.field("name"), format!("service name `{}` {why}", self.name));
            }
        }
        if self.port == Some(0) {
            cx.error(Code::InvalidPort, self.origin.field("port"), "port 0 is not a usable port");
        }
        if self.kind == ServiceKind::ConnectProxy && self.proxied_service().is_none() && !sidecar {
            cx.error(
                Code::MissingField,
                self.origin.field("proxy"),
                "a connect-proxy needs `proxy { destination_service_name = \"…\" }` naming the service it fronts",
            );
        }
        if self.kind != ServiceKind::Typical && self.kind != ServiceKind::ConnectProxy && self.connect.is_some() {
            cx.error(
                Code::ServiceKind,
                self.origin.field("connect"),
                format!("a {} cannot have a `connect` block", self.kind),
            );
        }
        if let Some(proxy) = &self.proxy {
            if self.kind == ServiceKind::Typical && !sidecar {
                cx.error(
                    Code::ServiceKind,
                    self.origin.field("proxy"),
                    "`proxy` is only for services with `kind = \"connect-proxy\"` or a gateway kind",
                )
            }
            for (i, up) in proxy.upstreams.iter().enumerate() {
                validate_upstream(up, i, cx);
            }
        }
        if let Some(sidecar_service) = self.connect.as_ref().and_then(|c| c.sidecar_service.as_deref()) {
            if sidecar {
                cx.error(
                    Code::ConflictingFields,
                    sidecar_service.origin.span,
                    "a sidecar_service cannot have its own sidecar_service",
                );
            } else {
                sidecar_service.validate_as(cx, true);
            }
        }
    }
}

fn validate_upstream(up: &Upstream, index: usize, cx: &mut Cx) {
    let at = up.origin.span;
    if up.destination_name.is_empty() {
        cx.error(Code::MissingField, at, format!("upstream #{} needs `destination_name`", index + 1));
    }
    if !up.destination_peer.is_empty() && !up.datacenter.is_empty() {
        cx.error(
            Code::ConflictingFields,
            up.origin.field("destination_peer"),
            "an upstream names either a `datacenter` or a `destination_peer`, not both",
        );
    }
    if up.local_bind_port.is_none() && up.local_bind_socket_path.is_empty() && !up.centrally_configured {
        cx.error(
            Code::MissingField,
            at,
            format!("upstream `{}` needs `local_bind_port` (or `local_bind_socket_path`)", up.destination_name),
        );
    }
    if up.local_bind_port.is_some() && !up.local_bind_socket_path.is_empty() {
        cx.error(
            Code::ConflictingFields,
            up.origin.field("local_bind_socket_path"),
            "an upstream binds a port or a socket path, not both",
        );
    }
}

impl Validate for ServiceDefinition {
    fn validate(&self, cx: &mut Cx) {
        self.validate_as(cx, false);
    }
}
