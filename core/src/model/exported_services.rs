//! `exported-services`: which services of one admin partition other partitions, cluster peers and
//! sameness groups may reach. `Name` is the partition whose services are exported (`default`
//! outside Consul Enterprise); each `Services` item names a service (or `*` for all of them) in a
//! namespace (or `*` for all of them) and its `Consumers`.

use super::common::check_name;
use super::Validate;
use crate::decode::Cx;
use crate::decode_struct;
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::{SortedMap, SortedSet};
use serde::Serialize;

/// `*`: every service, or every namespace.
pub const WILDCARD: &str = "*";

decode_struct! {
    /// One `Consumers` item: exactly one of `Peer`, `Partition` or `SamenessGroup`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ServiceConsumer("a Consumers item", pascal) {
        /// An admin partition of this datacenter.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        /// A cluster peer (Consul also reads `PeerName`).
        #[serde(skip_serializing_if = "String::is_empty")]
        pub peer: String ["peer_name"],
        #[serde(skip_serializing_if = "String::is_empty")]
        pub sameness_group: String,
    }
}

/// What a consumer is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ConsumerKind {
    Partition,
    Peer,
    SamenessGroup,
}

impl ConsumerKind {
    pub fn key(self) -> &'static str {
        match self {
            ConsumerKind::Partition => "Partition",
            ConsumerKind::Peer => "Peer",
            ConsumerKind::SamenessGroup => "SamenessGroup",
        }
    }

    fn field(self) -> &'static str {
        match self {
            ConsumerKind::Partition => "partition",
            ConsumerKind::Peer => "peer",
            ConsumerKind::SamenessGroup => "sameness_group",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            ConsumerKind::Partition => "partition",
            ConsumerKind::Peer => "peer",
            ConsumerKind::SamenessGroup => "sameness group",
        }
    }
}

impl ServiceConsumer {
    /// The fields that are set, in the order Partition, Peer, SamenessGroup.
    fn named(&self) -> Vec<(ConsumerKind, &str)> {
        [
            (ConsumerKind::Partition, self.partition.as_str()),
            (ConsumerKind::Peer, self.peer.as_str()),
            (ConsumerKind::SamenessGroup, self.sameness_group.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    /// The consumer, when it names exactly one thing (as a valid entry's consumers all do).
    pub fn target(&self) -> Option<(ConsumerKind, &str)> {
        match self.named().as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

decode_struct! {
    /// One `Services` item.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ExportedService("a Services item", pascal) {
        /// A service name, or `*` for every service of the namespace.
        pub name: String,
        /// Empty: `default`; `*`: every namespace of the partition (then `Name` must be `*` too).
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        pub consumers: Vec<ServiceConsumer>,
    }
}

impl ExportedService {
    /// Does this item export `service` in `namespace` (empty: `default`)?
    pub fn matches(&self, service: &str, namespace: &str) -> bool {
        let namespace = or_default(namespace);
        (self.name == WILDCARD || self.name == service)
            && (self.namespace == WILDCARD || or_default(&self.namespace) == namespace)
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "exported-services", rename_all = "PascalCase")]
    pub struct ExportedServices("an exported-services entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        /// The admin partition whose services are exported.
        pub name: String,
        /// Not used: an exported-services entry covers a whole partition (namespaces go per service).
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        /// When given, must equal `Name`.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        pub services: Vec<ExportedService>,
    }
}

/// Where one service is exported to, gathered from every `Services` item that covers it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExportTargets<'a> {
    pub partitions: SortedSet<&'a str>,
    pub peers: SortedSet<&'a str>,
    pub sameness_groups: SortedSet<&'a str>,
}

impl ExportTargets<'_> {
    pub fn is_empty(&self) -> bool {
        self.partitions.is_empty() && self.peers.is_empty() && self.sameness_groups.is_empty()
    }
}

impl ExportedServices {
    /// The partition whose services this entry exports.
    pub fn exporting_partition(&self) -> &str {
        or_default(&self.name)
    }

    /// The `Services` items that export `service` in `namespace` (empty: `default`), exact names
    /// and `*` alike, in the order written — the provenance of an export.
    pub fn exports_of<'s>(&'s self, service: &'s str, namespace: &'s str) -> impl Iterator<Item = &'s ExportedService> {
        self.services.iter().filter(move |s| s.matches(service, namespace))
    }

    /// Every partition, peer and sameness group `service` in `namespace` is exported to.
    pub fn export_targets(&self, service: &str, namespace: &str) -> ExportTargets<'_> {
        let mut out = ExportTargets::default();
        for consumer in self.services.iter().filter(|s| s.matches(service, namespace)).flat_map(|s| &s.consumers) {
            match consumer.target() {
                Some((ConsumerKind::Partition, p)) => out.partitions.insert(p),
                Some((ConsumerKind::Peer, p)) => out.peers.insert(p),
                Some((ConsumerKind::SamenessGroup, g)) => out.sameness_groups.insert(g),
                None => false,
            };
        }
        out
    }

    /// Is `service` in `namespace` exported to the cluster peer `peer`?
    pub fn is_exported_to_peer(&self, service: &str, namespace: &str, peer: &str) -> bool {
        self.export_targets(service, namespace).peers.contains(peer)
    }

    /// Is `service` in `namespace` exported to the admin partition `partition`?
    pub fn is_exported_to_partition(&self, service: &str, namespace: &str, partition: &str) -> bool {
        self.export_targets(service, namespace).partitions.contains(partition)
    }
}

impl Validate for ExportedServices {
    fn validate(&self, cx: &mut Cx) {
        if self.name.is_empty() {
            cx.error(
                Code::MissingField,
                self.origin.span,
                "an exported-services entry needs `Name`: the admin partition whose services it exports (\"default\" outside Consul Enterprise)",
            );
        } else if self.name == WILDCARD {
            cx.error(
                Code::InvalidWildcard,
                self.origin.field("name"),
                "exported-services `Name` must name one admin partition, not `*`",
            );
        } else if let Err(why) = check_name(&self.name) {
            cx.error(Code::InvalidName, self.origin.field("name"), format!("partition name `{}` {why}", self.name));
        }
        if !self.partition.is_empty() && !self.name.is_empty() && self.partition != self.name {
            cx.push(
                Diagnostic::error(
                    Code::ConflictingFields,
                    self.origin.field("partition"),
                    format!(
                        "`Partition` is `{}` but `Name` is `{}`; an exported-services entry is named after its partition",
                        self.partition, self.name
                    ),
                )
                .with_note("Consul would export from the partition in `Name`; make the two equal or drop `Partition`"),
            );
        }
        if !self.namespace.is_empty() && self.namespace != "default" {
            cx.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    self.origin.field("namespace"),
                    "an exported-services entry covers a whole partition and has no namespace of its own",
                )
                .with_note("set the namespace of each service in its `Services` item instead"),
            );
        }
        for (i, svc) in self.services.iter().enumerate() {
            validate_service(svc, i + 1, cx);
        }
    }
}

fn validate_service(svc: &ExportedService, n: usize, cx: &mut Cx) {
    if svc.name.is_empty() {
        cx.error(
            Code::MissingField,
            svc.origin.span,
            format!("Services item #{n} needs `Name`: a service name, or \"*\" for every service"),
        );
    } else if svc.name != WILDCARD {
        if let Err(why) = check_name(&svc.name) {
            cx.error(Code::InvalidName, svc.origin.field("name"), format!("service name `{}` {why}", svc.name));
        }
    }
    if svc.namespace == WILDCARD && !svc.name.is_empty() && svc.name != WILDCARD {
        cx.push(
            Diagnostic::error(
                Code::InvalidWildcard,
                svc.origin.field("name"),
                format!(
                    "Services item #{n} exports from every namespace (`Namespace = \"*\"`), so `Name` must be \"*\" too, not `{}`",
                    svc.name
                ),
            )
            .with_note("to export one service, name its namespace"),
        );
    } else if !svc.namespace.is_empty() && svc.namespace != WILDCARD {
        if let Err(why) = check_name(&svc.namespace) {
            cx.error(Code::InvalidName, svc.origin.field("namespace"), format!("namespace `{}` {why}", svc.namespace));
        }
    }
    let what = if svc.name.is_empty() { format!("Services item #{n}") } else { format!("service `{}`", svc.name) };
    if svc.consumers.is_empty() {
        cx.error(
            Code::EmptyList,
            svc.origin.field("consumers"),
            format!("{what} is exported to no one: `Consumers` needs at least one Peer, Partition or SamenessGroup"),
        );
    }
    for (j, consumer) in svc.consumers.iter().enumerate() {
        let m = j + 1;
        // In the order written, so a conflict points at the second field the user wrote.
        let mut named = consumer.named();
        crate::sorting::sort_by_key(&mut named, |(kind, _)| consumer.origin.field(kind.field()).start);
        match named.as_slice() {
            [] => cx.error(
                Code::ExportConsumer,
                consumer.origin.span,
                format!("consumer #{m} of {what} names nothing; give one of `Peer`, `Partition` or `SamenessGroup`"),
            ),
            [(kind, value)] => {
                if *value == WILDCARD {
                    cx.error(
                        Code::InvalidWildcard,
                        consumer.origin.field(kind.field()),
                        format!("exporting to every {} (`*`) is not supported; list each one", kind.noun()),
                    );
                } else if let Err(why) = check_name(value) {
                    cx.error(
                        Code::InvalidName,
                        consumer.origin.field(kind.field()),
                        format!("{} name `{value}` {why}", kind.noun()),
                    );
                }
            }
            [(first, _), (second, _), ..] => cx.push(
                Diagnostic::error(
                    Code::ExportConsumer,
                    consumer.origin.field(second.field()),
                    format!(
                        "consumer #{m} of {what} names both a {} and a {}; a consumer is exactly one of Peer, Partition or SamenessGroup",
                        first.noun(),
                        second.noun()
                    ),
                )
                .with_note("write one consumer for each"),
            ),
        }
    }
}

#[cfg(test)]
mod tests;
