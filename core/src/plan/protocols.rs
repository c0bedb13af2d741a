//! The protocol of each service: service-defaults `Protocol`, else proxy-defaults
//! `Config.protocol`, else `tcp` — as Consul resolves it.

use crate::identity::{or_default, ServiceId};
use crate::model::proxy_defaults::ProxyDefaults;
use crate::model::service_defaults::ServiceDefaults;
use crate::model::ConfigEntry;
use crate::sorted::SortedMap;
use crate::workspace::{Entries, Workspace};
use serde::Serialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    #[default]
    Tcp,
    Http,
    Http2,
    Grpc,
}

impl Protocol {
    pub fn parse(s: &str) -> Option<Protocol> {
        match s.to_ascii_lowercase().as_str() {
            "tcp" => Some(Protocol::Tcp),
            "http" => Some(Protocol::Http),
            "http2" => Some(Protocol::Http2),
            "grpc" => Some(Protocol::Grpc),
            _ => None,
        }
    }

    /// Routers, splitters and L7 intentions need one of these.
    pub fn is_http_like(self) -> bool {
        self != Protocol::Tcp
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Http => "http",
            Protocol::Http2 => "http2",
            Protocol::Grpc => "grpc",
        }
    }
}

/// Where a service's protocol came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProtocolSource {
    ServiceDefaults,
    ProxyDefaults,
    Default,
}

/// Protocol lookups for one workspace.
#[derive(Clone, Debug, Default)]
pub struct Protocols {
    by_service: SortedMap<ServiceId, Protocol>,
    by_partition: SortedMap<String, Protocol>,
}

impl Protocols {
    pub fn new(ws: &Workspace) -> Protocols {
        // Collected, one sort each (a workspace may define thousands of services); a later entry
        // for the same service wins, as inserting in turn would have it.
        let by_service = ws
            .entries()
            .filter_map(|entry| match entry {
                ConfigEntry::ServiceDefaults(sd) => Some((
                    ServiceId::new(&sd.name, &sd.namespace, &sd.partition),
                    sd.protocol().and_then(Protocol::parse)?,
                )),
                _ => None,
            })
            .collect();
        let by_partition = ws
            .entries()
            .filter_map(|entry| match entry {
                ConfigEntry::ProxyDefaults(pd) => {
                    Some((or_default(&pd.partition).to_string(), pd.protocol().and_then(Protocol::parse)?))
                }
                _ => None,
            })
            .collect();
        Protocols { by_service, by_partition }
    }

    pub fn of(&self, name: &str, namespace: &str, partition: &str) -> (Protocol, ProtocolSource) {
        if let Some(p) = self.by_service.get(&ServiceId::new(name, namespace, partition)) {
            return (*p, ProtocolSource::ServiceDefaults);
        }
        if let Some(p) = self.by_partition.get(or_default(partition)) {
            return (*p, ProtocolSource::ProxyDefaults);
        }
        (Protocol::Tcp, ProtocolSource::Default)
    }

    pub fn protocol(&self, name: &str, namespace: &str, partition: &str) -> Protocol {
        self.of(name, namespace, partition).0
    }
}

/// The entry a service's protocol is taken from by [`chain_protocol`].
#[derive(Clone, Copy, Debug)]
pub enum ChainProtocolFrom<'w> {
    /// The service's service-defaults `Protocol`.
    ServiceDefaults(&'w ServiceDefaults),
    /// A service-defaults entry without `Protocol`: tcp, whatever proxy-defaults says
    /// (hashicorp/consul#11457).
    ServiceDefaultsWithoutProtocol(&'w ServiceDefaults),
    /// The partition's proxy-defaults `Config.protocol`.
    ProxyDefaults(&'w ProxyDefaults),
    /// Neither entry sets one: tcp.
    Unset,
}

/// A service's protocol as Consul's discovery chain compiler decides it, which is also how Consul
/// judges L7 intentions when a service-intentions entry is written: the service-defaults entry
/// decides when there is one (tcp when it sets no `Protocol`), else proxy-defaults
/// `Config.protocol`, else tcp. `None` when the deciding entry names a protocol that is not one
/// (reported where that entry is validated). `sid` carries the partition already resolved
/// against the local one.
pub fn chain_protocol<'w>(idx: &Entries<'w>, sid: &ServiceId) -> Option<(Protocol, ChainProtocolFrom<'w>)> {
    if let Some(sd) = idx.service_defaults(sid) {
        return match sd.protocol() {
            Some(p) => Some((Protocol::parse(p)?, ChainProtocolFrom::ServiceDefaults(sd))),
            None => Some((Protocol::Tcp, ChainProtocolFrom::ServiceDefaultsWithoutProtocol(sd))),
        };
    }
    if let Some(pd) = idx.proxy_defaults(&sid.partition) {
        if let Some(p) = pd.protocol() {
            return Some((Protocol::parse(p)?, ChainProtocolFrom::ProxyDefaults(pd)));
        }
    }
    Some((Protocol::Tcp, ChainProtocolFrom::Unset))
}
