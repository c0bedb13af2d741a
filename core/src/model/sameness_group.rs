//! `sameness-group`: partitions and cluster peers whose services of one name are the same
//! service, for failover and intentions (Consul Enterprise).
//!
//! Only the entry itself is read and checked here; what a group expands to is resolved where it
//! is used: failover targets in `plan::chain`, intention sources in `plan::intentions`, export
//! consumers in the mesh gateway's table (`plan::gateways::mesh`).

use super::common::require_name;
use super::Validate;
use crate::decode::Cx;
use crate::decode_struct;
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::SortedMap;
use serde::Serialize;

decode_struct! {
    /// One member: a partition of this datacenter or a cluster peer.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct SamenessGroupMember("a sameness-group member", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub peer: String,
    }
}

impl SamenessGroupMember {
    /// `partition "ap1"` / `peer "dc2-default"`, for messages.
    pub fn describe(&self) -> String {
        if self.peer.is_empty() {
            format!("partition \"{}\"", self.partition)
        } else {
            format!("peer \"{}\"", self.peer)
        }
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "sameness-group", rename_all = "PascalCase")]
    pub struct SamenessGroup("a sameness-group entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        /// Sameness groups belong to a partition, in its `default` namespace.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        /// Services without their own failover fail over to the group's members.
        pub default_for_failover: bool,
        /// The local partition is a member, listed first.
        pub include_local: bool,
        /// In failover order.
        pub members: Vec<SamenessGroupMember>,
    }
}

impl Validate for SamenessGroup {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "a sameness-group entry");
        if !self.namespace.is_empty() && self.namespace != "default" {
            cx.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    self.origin.field("namespace"),
                    format!("a sameness group belongs to the `default` namespace, found `{}`", self.namespace),
                )
                .with_note("a sameness group applies to a whole partition; leave `Namespace` out"),
            );
        }
        if self.members.is_empty() {
            cx.error(
                Code::EmptyList,
                self.origin.field("members"),
                "a sameness group needs `Members`: the partitions and peers in the group, in failover order",
            );
            return;
        }
        let mut seen: Vec<&SamenessGroupMember> = Vec::new();
        for m in &self.members {
            let at = m.origin.span;
            match (m.partition.is_empty(), m.peer.is_empty()) {
                (true, true) => {
                    cx.error(Code::SamenessGroupMember, at, "a sameness-group member needs a `Partition` or a `Peer`");
                    continue;
                }
                (false, false) => {
                    cx.push(
                        Diagnostic::error(
                            Code::SamenessGroupMember,
                            at,
                            format!(
                                "a sameness-group member names partition \"{}\" and peer \"{}\"; give one of them",
                                m.partition, m.peer
                            ),
                        )
                        .with_note("a peer in another partition cannot be a member: list the peer or the partition, each as its own member"),
                    );
                    continue;
                }
                _ => {}
            }
            if let Some(first) = seen.iter().find(|s| s.partition == m.partition && s.peer == m.peer) {
                cx.push(
                    Diagnostic::error(
                        Code::DuplicateMember,
                        at,
                        format!("{} is listed twice in the sameness group", m.describe()),
                    )
                    .with_related(first.origin.span, "first listed here"),
                );
                continue;
            }
            seen.push(m);
        }
        if self.include_local {
            self.check_local_first(cx);
        }
    }
}

impl SamenessGroup {
    /// With `IncludeLocal`, Consul reads the first member as the entry's own partition.
    fn check_local_first(&self, cx: &mut Cx) {
        let Some(first) = self.members.first() else { return };
        if first.partition.is_empty() == first.peer.is_empty() {
            return; // already reported as E0327
        }
        let ok = if self.partition.is_empty() {
            // Written without a partition, the entry lands in whichever partition it is written
            // to; the first member must at least be a partition.
            first.peer.is_empty() && !first.partition.is_empty()
        } else {
            first.peer.is_empty() && or_default(&first.partition) == or_default(&self.partition)
        };
        if ok {
            return;
        }
        let local = if self.partition.is_empty() {
            "the local partition".to_string()
        } else {
            format!("partition \"{}\"", self.partition)
        };
        cx.push(
            Diagnostic::error(
                Code::SamenessGroupLocal,
                first.origin.span,
                format!("`IncludeLocal = true` needs {local} as the first member, found {}", first.describe()),
            )
            .with_related(self.origin.field("include_local"), "IncludeLocal is set here")
            .with_note(format!(
                "list {{ Partition = \"{}\" }} first, or set IncludeLocal = false",
                or_default(&self.partition)
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, diags, entry, messages, one};
    use crate::model::ConfigEntry;

    // The shape of Consul's sameness-group reference example.
    const HCL: &str = r#"Kind               = "sameness-group"
Name               = "products-api"
Partition          = "store-east"
DefaultForFailover = true
IncludeLocal       = true
Members = [
  { Partition = "store-east" },
  { Partition = "inventory-east" },
  { Peer = "dc2-store-west" },
]
"#;

    fn group(file: &str, text: &str) -> SamenessGroup {
        match entry(file, text) {
            ConfigEntry::SamenessGroup(g) => g,
            other => panic!("not a sameness-group: {other:?}"),
        }
    }

    #[test]
    fn decodes_the_same_in_every_format() {
        let h = group("x.hcl", HCL);
        let json = r#"{"Kind": "sameness-group", "Name": "products-api", "Partition": "store-east",
            "DefaultForFailover": true, "IncludeLocal": true,
            "Members": [{"Partition": "store-east"}, {"Partition": "inventory-east"}, {"Peer": "dc2-store-west"}]}"#;
        let yaml = "Kind: sameness-group\nName: products-api\nPartition: store-east\ndefault_for_failover: true\ninclude_local: true\nMembers:\n  - Partition: store-east\n  - Partition: inventory-east\n  - Peer: dc2-store-west\n";
        assert_eq!(h, group("x.json", json));
        assert_eq!(h, group("x.yaml", yaml));
        assert!(h.default_for_failover && h.include_local);
        assert_eq!(h.members.len(), 3);
        assert_eq!(h.members[2].describe(), "peer \"dc2-store-west\"");
    }

    #[test]
    fn a_member_names_exactly_one_of_partition_or_peer() {
        let text = HCL.replace("{ Peer = \"dc2-store-west\" }", "{ Peer = \"dc2\", Partition = \"ap2\" }");
        assert_eq!(diags("x.hcl", &text), one("E0327", &at(&text, "{ Peer = \"dc2\"", 1)));
        let text = HCL.replace("{ Peer = \"dc2-store-west\" }", "{}");
        assert_eq!(diags("x.hcl", &text), one("E0327", &at(&text, "{}", 1)));
        assert!(messages("x.hcl", &text)[0].contains("needs a `Partition` or a `Peer`"));
    }

    #[test]
    fn members_are_required_and_unique() {
        let text = "Kind = \"sameness-group\"\nName = \"g\"\n";
        assert_eq!(diags("x.hcl", text), one("E0319", "1:1"));
        let text = HCL.replace("{ Peer = \"dc2-store-west\" }", "{ Partition = \"inventory-east\" }");
        assert_eq!(diags("x.hcl", &text), one("E0329", &at(&text, "{ Partition = \"inventory-east\" }", 2)));
        let text = HCL.replace("Name               = \"products-api\"\n", "");
        assert_eq!(diags("x.hcl", &text), one("E0203", "1:1"));
    }

    #[test]
    fn include_local_needs_the_local_partition_first() {
        let text = HCL.replace(
            "  { Partition = \"store-east\" },\n  { Partition = \"inventory-east\" },\n",
            "  { Partition = \"inventory-east\" },\n  { Partition = \"store-east\" },\n",
        );
        assert_eq!(diags("x.hcl", &text), one("E0328", &at(&text, "{ Partition = \"inventory-east\" }", 1)));
        assert!(messages("x.hcl", &text)[0].contains("needs partition \"store-east\" as the first member"));
        // Without IncludeLocal the order is free.
        let free = text.replace("IncludeLocal       = true", "IncludeLocal       = false");
        assert!(diags("x.hcl", &free).is_empty());
        // A peer first is never the local partition.
        let peer_first = "Kind = \"sameness-group\"\nName = \"g\"\nIncludeLocal = true\nMembers = [{ Peer = \"p\" }, { Partition = \"default\" }]\n";
        assert_eq!(diags("x.hcl", peer_first), one("E0328", &at(peer_first, "{ Peer", 1)));
        // A malformed first member is reported once, as such.
        let empty_first = "Kind = \"sameness-group\"\nName = \"g\"\nIncludeLocal = true\nMembers = [{}, { Partition = \"default\" }]\n";
        assert_eq!(diags("x.hcl", empty_first), one("E0327", &at(empty_first, "{}", 1)));
        // The default partition, written or not.
        let default = "Kind = \"sameness-group\"\nName = \"g\"\nPartition = \"default\"\nIncludeLocal = true\nMembers = [{ Partition = \"default\" }, { Peer = \"p\" }]\n";
        assert!(diags("x.hcl", default).is_empty());
    }

    #[test]
    fn the_group_lives_in_the_default_namespace() {
        let text =
            HCL.replace("Partition          = \"store-east\"\n", "Partition = \"store-east\"\nNamespace = \"team\"\n");
        assert_eq!(diags("x.hcl", &text), one("E0317", &at(&text, "\"team\"", 1)));
    }
}
