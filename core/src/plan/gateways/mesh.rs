//! Mesh gateways: SNI → cluster, by the name in the TLS ClientHello alone (the connection stays
//! encrypted end to end; the gateway never terminates it).
//!
//! Rows, in this order (exact names always win over wildcard names, whatever the order):
//! 1. **exported to peers** — for each local service an exported-services entry of the gateway's
//!    partition exports to a cluster peer: `svc.ns.ap.<peer>.external.<td>` (the consumer peer's
//!    name, this mesh's trust domain — the name the peer's proxies dial), to the cluster of the
//!    service's discovery-chain target (its resolver's default subset or redirect applied);
//! 2. **local services** — every service that lives in the gateway's datacenter and partition
//!    (see the [module docs](super)), and each subset its service-resolver defines:
//!    `[subset.]svc.ns[.ap].dc.internal[-v1].<td>`, to the cluster of the same name (Consul names
//!    a mesh gateway's local clusters by their SNI). Rows list the partitions the service is
//!    exported to (`partition:<name>`): consumers there dial these same names. A service linked
//!    to a terminating gateway of the same datacenter and partition is noted: its cluster's
//!    endpoints are that gateway (Consul's mesh gateways route to terminating gateways);
//! 3. **other datacenters and partitions** — for every other (datacenter, partition) with a mesh
//!    gateway registered: `*.<dc>.internal.<td>` (default partition) or
//!    `*.<ap>.<dc>.internal-v1.<td>`, to the cluster named `<dc>.internal.<td>` /
//!    `<ap>.<dc>.internal-v1.<td>` whose endpoints are those gateways.
//!
//! Exact rows are ordered by service (partition, namespace, name), then subset (the unnamed one
//! first) or peer; wildcard rows by name. Any other name is unrouted: the filter closes the
//! connection. A wildcard `*.X` matches names ending in `.X` with one or more labels before it.

use super::{Context, GatewayIdentity, ServiceId};
use crate::identity::or_default;
use crate::intentions::Origin;
use crate::model::exported_services::ExportedServices;
use crate::model::service_resolver::ServiceResolver;
use crate::model::terminating_gateway::TerminatingGateway;
use crate::model::ConfigEntry;
use crate::names::Sni;
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeshTable {
    /// Exact names first (exported, then local), then wildcard names; see the module docs.
    pub routes: Vec<MeshRoute>,
}

/// How a row's `sni` is compared with the requested name (ASCII case-insensitively).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum SniMatch {
    /// The whole name.
    Exact,
    /// `sni` is `*.X`: any name ending in `.X` (at least one label before it).
    Suffix,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeshRoute {
    pub sni: String,
    #[serde(rename = "match")]
    pub sni_match: SniMatch,
    pub destination: MeshDestination,
    /// Consumers in other partitions that dial this name (`partition:<name>`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exported_to: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The registration or entry that put the row here.
    pub origin: Origin,
}

impl MeshRoute {
    /// The cluster the filter routes to (`envoy.tcp_proxy.cluster`).
    pub fn cluster(&self) -> &str {
        match &self.destination {
            MeshDestination::LocalService { cluster, .. }
            | MeshDestination::ExportedService { cluster, .. }
            | MeshDestination::RemoteGateways { cluster, .. }
            | MeshDestination::PeerGateways { cluster, .. } => cluster,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum MeshDestination {
    /// Instances of a service (or subset) in this datacenter and partition.
    LocalService {
        service: ServiceId,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        subset: String,
        cluster: String,
    },
    /// A local service, reached by a cluster peer.
    ExportedService { service: ServiceId, peer: String, cluster: String },
    /// Another datacenter's (or partition's) mesh gateways.
    RemoteGateways {
        datacenter: String,
        partition: String,
        cluster: String,
        /// `address:port` of each gateway registered there.
        gateways: Vec<String>,
    },
    /// A cluster peer's mesh gateways (from the settings' `Peers` block): local proxies in
    /// `local` mode send their peered traffic here.
    PeerGateways { peer: String, cluster: String, gateways: Vec<String> },
}

impl MeshDestination {
    pub fn service(&self) -> Option<ServiceId> {
        match self {
            MeshDestination::LocalService { service, .. } | MeshDestination::ExportedService { service, .. } => {
                Some(service.clone())
            }
            MeshDestination::RemoteGateways { .. } | MeshDestination::PeerGateways { .. } => None,
        }
    }

    /// For people: `web subset v1`, `web for peer cluster-02`, `dc2 gateways 10.0.2.1:8443`.
    pub fn describe(&self) -> String {
        match self {
            MeshDestination::LocalService { service, subset, .. } if subset.is_empty() => {
                format!("service {}", service.label())
            }
            MeshDestination::LocalService { service, subset, .. } => {
                format!("service {} subset {subset}", service.label())
            }
            MeshDestination::ExportedService { service, peer, .. } => {
                format!("service {} for peer {peer}", service.label())
            }
            MeshDestination::PeerGateways { peer, gateways, .. } => {
                format!("peer {peer} gateways {}", gateways.join(" "))
            }
            MeshDestination::RemoteGateways { datacenter, partition, gateways, .. } => {
                let place = if partition == crate::identity::DEFAULT {
                    format!("datacenter {datacenter}")
                } else {
                    format!("partition {partition} of datacenter {datacenter}")
                };
                if gateways.is_empty() {
                    format!("{place} gateways")
                } else {
                    format!("{place} gateways {}", gateways.join(" "))
                }
            }
        }
    }
}

pub(crate) fn compile(cx: &Context<'_>, gw: &GatewayIdentity, notes: &mut Vec<String>) -> MeshTable {
    let td = &cx.settings.trust_domain;
    let exports: Vec<&ExportedServices> = cx
        .ws
        .entries()
        .filter_map(|e| match e {
            ConfigEntry::ExportedServices(x) if x.exporting_partition() == gw.partition => Some(x),
            _ => None,
        })
        .collect();
    let mut peered = Vec::new();
    let mut local = Vec::new();
    let mut unknown_groups: SortedSet<String> = SortedSet::new();
    // Terminating gateways of this datacenter and partition, with their entries: services they
    // link are reached through them.
    let terminating: Vec<(&GatewayIdentity, &TerminatingGateway)> = cx
        .gateways
        .iter()
        .filter(|g| {
            g.kind == super::GatewayKind::TerminatingGateway
                && g.datacenter == gw.datacenter
                && g.partition == gw.partition
        })
        .filter_map(|g| cx.entries.terminating_gateway(&g.as_service()).map(|t| (g, t)))
        .collect();

    for (svc, placed) in cx.known.in_place(&gw.datacenter, &gw.partition) {
        let mut partitions: SortedSet<String> = SortedSet::new();
        let mut peers: SortedMap<String, Origin> = SortedMap::new();
        for e in &exports {
            let targets = e.export_targets(&svc.name, &svc.namespace);
            partitions.extend(targets.partitions.iter().map(|p| format!("partition:{p}")));
            let item = e.exports_of(&svc.name, &svc.namespace).next().map(|i| cx.origin(i.origin.span));
            for p in targets.peers {
                peers.entry(p.to_string()).or_insert_with(|| item.clone().unwrap_or_default());
            }
            // A sameness group stands for its members (the group of the exporting partition):
            // partitions of this datacenter and peers. The exporting partition itself is skipped.
            for g in &targets.sameness_groups {
                let Some(group) = cx.entries.sameness_group(g, &gw.partition) else {
                    unknown_groups.insert(g.to_string());
                    continue;
                };
                for m in &group.members {
                    if !m.peer.is_empty() && m.partition.is_empty() {
                        peers.entry(m.peer.clone()).or_insert_with(|| item.clone().unwrap_or_default());
                    } else if m.peer.is_empty()
                        && !m.partition.is_empty()
                        && or_default(&m.partition) != or_default(&gw.partition)
                    {
                        partitions.insert(format!("partition:{}", m.partition));
                    }
                }
            }
        }
        let exported_to: Vec<String> = partitions.into_iter().collect();

        let via: Vec<String> = terminating
            .iter()
            .filter(|(_, t)| t.linked(&svc.name, &svc.namespace).is_some())
            .map(|(g, _)| format!("`{}` ({})", g.key, g.listener()))
            .collect();
        let linked_note = (!via.is_empty()).then(|| {
            format!("linked to terminating gateway {}: the cluster's endpoints are that gateway", via.join(", "))
        });
        let sni = Sni::service(None, &svc.name, &svc.namespace, &svc.partition, &gw.datacenter, td).to_string();
        local.push(MeshRoute {
            sni: sni.clone(),
            sni_match: SniMatch::Exact,
            destination: MeshDestination::LocalService { service: svc.clone(), subset: String::new(), cluster: sni },
            exported_to: exported_to.clone(),
            note: linked_note.clone(),
            origin: placed.clone(),
        });
        if let Some(resolver) = resolver_of(cx, &svc) {
            for subset in resolver.subsets.iter() {
                let sni =
                    Sni::service(Some(&subset.name), &svc.name, &svc.namespace, &svc.partition, &gw.datacenter, td)
                        .to_string();
                local.push(MeshRoute {
                    sni: sni.clone(),
                    sni_match: SniMatch::Exact,
                    destination: MeshDestination::LocalService {
                        service: svc.clone(),
                        subset: subset.name.clone(),
                        cluster: sni,
                    },
                    exported_to: exported_to.clone(),
                    note: linked_note.clone(),
                    origin: cx.origin(subset.name_span),
                });
            }
        }

        if peers.is_empty() {
            continue;
        }
        let targets = cx.service_targets(&svc, &gw.datacenter);
        let plain = Sni::service(None, &svc.name, &svc.namespace, &svc.partition, &gw.datacenter, td).to_string();
        let (cluster, mut note) = match targets.as_slice() {
            [one] => (one.sni.clone(), None),
            _ => (
                plain,
                Some("its discovery chain splits traffic, which SNI routing cannot do: connections go to the service's own instances".to_string()),
            ),
        };
        if cx.protocols.protocol(&svc.name, &svc.namespace, &svc.partition).is_http_like() {
            let l7 = "Consul terminates mTLS here for an http-like service and applies its discovery chain; meshgate passes the connection through";
            note = Some(match note {
                Some(n) => format!("{n}; {l7}"),
                None => l7.to_string(),
            });
        }
        for (peer, origin) in peers {
            peered.push(MeshRoute {
                sni: Sni::peered(&svc.name, &svc.namespace, &svc.partition, &peer, td).to_string(),
                sni_match: SniMatch::Exact,
                destination: MeshDestination::ExportedService { service: svc.clone(), peer, cluster: cluster.clone() },
                exported_to: Vec::new(),
                note: note.clone(),
                origin,
            });
        }
    }

    // Other datacenters' and partitions' gateways.
    let mut groups: SortedMap<(String, String), Vec<&GatewayIdentity>> = SortedMap::new();
    for g in cx.gateways.iter().filter(|g| g.kind == super::GatewayKind::MeshGateway) {
        if (g.datacenter.as_str(), g.partition.as_str()) != (gw.datacenter.as_str(), gw.partition.as_str()) {
            groups.entry((g.datacenter.clone(), g.partition.clone())).or_default().push(g);
        }
    }
    let mut remote: Vec<MeshRoute> = groups
        .into_iter()
        .map(|((dc, ap), gws)| {
            let cluster = Sni::gateway(&ap, &dc, td).to_string();
            let mut listeners: Vec<String> = gws.iter().map(|g| g.listener()).collect();
            crate::sorting::sort(&mut listeners);
            listeners.dedup();
            MeshRoute {
                sni: format!("*.{cluster}"),
                sni_match: SniMatch::Suffix,
                destination: MeshDestination::RemoteGateways {
                    datacenter: dc,
                    partition: or_default(&ap).to_string(),
                    cluster,
                    gateways: listeners,
                },
                exported_to: Vec::new(),
                note: None,
                origin: gws.first().map(|g| g.origin.clone()).unwrap_or_default(),
            }
        })
        .collect();

    // Cluster peers' gateways, for local proxies dialling peers' services in `local` mode: every
    // name the peer answers for this cluster (`*.<our name there>.external.<its td>`).
    for (peer, p) in &cx.settings.peers {
        let Some(peer_td) = cx.settings.peer_trust_domains.get(peer) else { continue };
        if p.mesh_gateways.is_empty() {
            continue;
        }
        let cluster = format!("{}.external.{peer_td}", cx.settings.name_at_peer(peer));
        remote.push(MeshRoute {
            sni: format!("*.{cluster}"),
            sni_match: SniMatch::Suffix,
            destination: MeshDestination::PeerGateways {
                peer: peer.clone(),
                cluster,
                gateways: p.mesh_gateways.clone(),
            },
            exported_to: Vec::new(),
            note: None,
            origin: Origin::default(),
        });
    }

    if !unknown_groups.is_empty() {
        let groups: Vec<String> = unknown_groups.into_iter().collect();
        notes.push(format!(
            "services are exported to sameness groups ({}) that no sameness-group entry of partition `{}` defines: no routes for them",
            groups.join(", "),
            or_default(&gw.partition)
        ));
    }
    // Exact rows grouped by service (then subset, unnamed first; then peer) so a service's names
    // read together; wildcard rows by name.
    let key = |r: &MeshRoute| match &r.destination {
        MeshDestination::LocalService { service, subset, .. } => {
            (service.partition.clone(), service.namespace.clone(), service.name.clone(), subset.clone())
        }
        MeshDestination::ExportedService { service, peer, .. } => {
            (service.partition.clone(), service.namespace.clone(), service.name.clone(), peer.clone())
        }
        MeshDestination::RemoteGateways { .. } | MeshDestination::PeerGateways { .. } => Default::default(),
    };
    crate::sorting::sort_by_key(&mut peered, key);
    crate::sorting::sort_by_key(&mut local, key);
    crate::sorting::sort_by(&mut remote, |a, b| a.sni.cmp(&b.sni));
    if local.is_empty() && peered.is_empty() {
        notes.push(format!(
            "no service lives in datacenter {} partition {}: only other datacenters' and partitions' names are routed",
            gw.datacenter, gw.partition
        ));
    }
    let mut routes = peered;
    routes.extend(local);
    routes.extend(remote);
    MeshTable { routes }
}

fn resolver_of<'a>(cx: &Context<'a>, svc: &ServiceId) -> Option<&'a ServiceResolver> {
    cx.entries.service_resolver(svc)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compile, mesh, TD};
    use super::*;

    const WORKSPACE: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "10.0.1.1" port = 8443 }
---
service { name = "mesh-gateway" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.2.1" port = 8443 }
---
service { name = "mesh-gateway" kind = "mesh-gateway" datacenter = "dc3" address = "10.0.3.1" port = 8443 }
---
service { name = "web" port = 8080 }
---
service { name = "billing" port = 9090 datacenter = "dc2" }
---
Kind = "service-resolver"
Name = "api"
Subsets = {
  v1 = { Filter = "Service.Meta.version == v1" }
  v2 = { Filter = "Service.Meta.version == v2" }
}
---
Kind = "exported-services"
Name = "default"
Services = [{ Name = "api", Consumers = [{ Peer = "cluster-02" }, { Partition = "ap2" }] }]
"#;

    #[test]
    fn local_services_and_subsets_then_peers_then_other_datacenters() {
        let plan = compile(WORKSPACE);
        let table = mesh(&plan, "mesh-gateway@dc1");
        let rows: Vec<(&str, SniMatch, &str)> =
            table.routes.iter().map(|r| (r.sni.as_str(), r.sni_match, r.cluster())).collect();
        let api = format!("api.default.dc1.internal.{TD}");
        assert_eq!(
            rows,
            vec![
                (format!("api.default.default.cluster-02.external.{TD}").as_str(), SniMatch::Exact, api.as_str()),
                (api.as_str(), SniMatch::Exact, api.as_str()),
                (
                    format!("v1.api.default.dc1.internal.{TD}").as_str(),
                    SniMatch::Exact,
                    format!("v1.api.default.dc1.internal.{TD}").as_str()
                ),
                (
                    format!("v2.api.default.dc1.internal.{TD}").as_str(),
                    SniMatch::Exact,
                    format!("v2.api.default.dc1.internal.{TD}").as_str()
                ),
                (
                    format!("web.default.dc1.internal.{TD}").as_str(),
                    SniMatch::Exact,
                    format!("web.default.dc1.internal.{TD}").as_str()
                ),
                (format!("*.dc2.internal.{TD}").as_str(), SniMatch::Suffix, format!("dc2.internal.{TD}").as_str()),
                (format!("*.dc3.internal.{TD}").as_str(), SniMatch::Suffix, format!("dc3.internal.{TD}").as_str()),
            ]
        );
        // billing lives in dc2 only: never a local name of dc1's gateway.
        assert!(!table.routes.iter().any(|r| r.sni.starts_with("billing.")));
        assert_eq!(table.routes[1].exported_to, vec!["partition:ap2".to_string()]);
        let MeshDestination::RemoteGateways { gateways, .. } = &table.routes[5].destination else { panic!() };
        assert_eq!(gateways, &vec!["10.0.2.1:8443".to_string()]);
        assert_eq!(table.routes[5].origin.to_string(), "1.hcl:1:9");
    }

    #[test]
    fn the_remote_gateway_sees_its_own_services_and_the_others_as_remote() {
        let plan = compile(WORKSPACE);
        let table = mesh(&plan, "mesh-gateway@dc2");
        let snis: Vec<&str> = table.routes.iter().map(|r| r.sni.as_str()).collect();
        assert_eq!(
            snis,
            vec![
                format!("billing.default.dc2.internal.{TD}").as_str(),
                format!("*.dc1.internal.{TD}").as_str(),
                format!("*.dc3.internal.{TD}").as_str(),
            ]
        );
    }

    #[test]
    fn an_upstream_in_another_datacenter_places_the_service_there_only() {
        let plan = compile(
            r#"
service { name = "mgw" kind = "mesh-gateway" }
---
service { name = "mgw2" kind = "mesh-gateway" datacenter = "dc2" }
---
service {
  name = "web"
  port = 80
  connect { sidecar_service { proxy { upstreams = [{ destination_name = "billing", datacenter = "dc2", local_bind_port = 9000 }] } } }
}
"#,
        );
        let snis = |key: &str| -> Vec<String> { mesh(&plan, key).routes.iter().map(|r| r.sni.clone()).collect() };
        assert_eq!(snis("mgw"), vec![format!("web.default.dc1.internal.{TD}"), format!("*.dc2.internal.{TD}")]);
        assert_eq!(snis("mgw2"), vec![format!("billing.default.dc2.internal.{TD}"), format!("*.dc1.internal.{TD}")]);
    }

    #[test]
    fn services_behind_a_terminating_gateway_are_noted() {
        let plan = compile(
            r#"
service { name = "mgw" kind = "mesh-gateway" }
---
service { name = "tgw" kind = "terminating-gateway" address = "10.0.0.9" port = 8443 }
---
service { name = "payroll" address = "payroll.example.com" port = 443 }
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "payroll" }]
"#,
        );
        let table = mesh(&plan, "mgw");
        assert_eq!(table.routes.len(), 1);
        assert_eq!(
            table.routes[0].note.as_deref(),
            Some("linked to terminating gateway `tgw` (10.0.0.9:8443): the cluster's endpoints are that gateway")
        );
    }

    #[test]
    fn other_partitions_use_internal_v1_names() {
        let plan = compile(
            r#"
service { name = "gw" kind = "mesh-gateway" }
---
service { name = "gw-ap2" kind = "mesh-gateway" partition = "ap2" address = "10.9.0.1" port = 443 }
---
service { name = "db" partition = "ap2" port = 5432 }
"#,
        );
        let table = mesh(&plan, "gw");
        assert_eq!(table.routes.len(), 1);
        assert_eq!(table.routes[0].sni, format!("*.ap2.dc1.internal-v1.{TD}"));
        let table = mesh(&plan, "gw-ap2");
        let snis: Vec<&str> = table.routes.iter().map(|r| r.sni.as_str()).collect();
        assert_eq!(
            snis,
            vec![format!("db.default.ap2.dc1.internal-v1.{TD}").as_str(), format!("*.dc1.internal.{TD}").as_str()]
        );
    }

    #[test]
    fn a_sameness_group_consumer_exports_to_every_member() {
        let workspace = WORKSPACE.replace(
            "Consumers = [{ Peer = \"cluster-02\" }, { Partition = \"ap2\" }]",
            "Consumers = [{ SamenessGroup = \"prod\" }]",
        );
        let group = "Kind = \"sameness-group\"\nName = \"prod\"\nIncludeLocal = true\nMembers = [{ Partition = \"default\" }, { Partition = \"ap2\" }, { Peer = \"cluster-02\" }]\n";
        let plan = compile(&format!("{workspace}---\n{group}"));
        let gw = plan.gateways.iter().find(|g| g.gateway.key == "mesh-gateway@dc1").expect("dc1's gateway");
        assert!(gw.notes.iter().all(|n| !n.contains("sameness")), "{:?}", gw.notes);
        let table = mesh(&plan, "mesh-gateway@dc1");
        // The peer member gets the peered name, the partition member is listed (not the
        // exporting partition itself), exactly as when they are written as consumers.
        assert_eq!(table.routes[0].sni, format!("api.default.default.cluster-02.external.{TD}"));
        assert_eq!(table.routes[0].origin.to_string(), "6.hcl:3:13");
        assert_eq!(table.routes[1].exported_to, vec!["partition:ap2".to_string()]);
        // A group no entry defines: noted, and no routes for it.
        let plan = compile(&workspace);
        let gw = plan.gateways.iter().find(|g| g.gateway.key == "mesh-gateway@dc1").expect("dc1's gateway");
        assert!(
            gw.notes.iter().any(|n| n.contains("(prod) that no sameness-group entry of partition `default` defines")),
            "{:?}",
            gw.notes
        );
        let table = mesh(&plan, "mesh-gateway@dc1");
        assert!(!table.routes.iter().any(|r| r.sni.contains(".external.")));
        assert!(table.routes.iter().all(|r| r.exported_to.is_empty()));
    }
}
