//! Which service: one type, and the one place that knows what an empty namespace or partition
//! means.
//!
//! Consul writes tenancy loosely — a namespace or partition may be absent, empty or `default`,
//! and all three mean the same. [`ServiceId`] is a service with its tenancy spelled out
//! (`default`, never empty), built once by [`ServiceId::new`]; maps keyed by a service use it,
//! and the rest of the core compares ids rather than re-deciding what `""` means. Patterns with
//! wildcards (intention sources and destinations) are not identities and keep their own type;
//! the decision hot path borrows ids as [`crate::intentions::ServiceName`] /
//! [`crate::intentions::Caller`] to stay allocation-free.

use serde::{Deserialize, Serialize};

/// The namespace and partition that an absent or empty one means.
pub const DEFAULT: &str = "default";

/// `""` and `"default"` are the same namespace or partition.
pub fn or_default(s: &str) -> &str {
    if s.is_empty() {
        DEFAULT
    } else {
        s
    }
}

/// Whether a written namespace or partition means `default`.
pub fn is_default(s: &str) -> bool {
    s.is_empty() || s == DEFAULT
}

/// A written partition, where an entry or registration that gives none belongs to the local one
/// (the settings' partition: the agent's, in Consul).
pub fn partition_or_local<'a>(written: &'a str, local: &'a str) -> &'a str {
    if written.is_empty() {
        or_default(local)
    } else {
        written
    }
}

/// A written datacenter, where a registration that gives none belongs to the local one (the
/// settings' datacenter: the agent's, in Consul).
pub fn datacenter_or_local<'a>(written: &'a str, local: &'a str) -> &'a str {
    if written.is_empty() {
        local
    } else {
        written
    }
}

/// A service: its name, namespace and partition, the latter two never empty.
///
/// Ordered by name, then namespace, then partition.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ServiceId {
    pub name: String,
    pub namespace: String,
    pub partition: String,
}

impl ServiceId {
    /// A service as written: an empty namespace or partition is `default`.
    pub fn new(name: &str, namespace: &str, partition: &str) -> ServiceId {
        ServiceId {
            name: name.to_string(),
            namespace: or_default(namespace).to_string(),
            partition: or_default(partition).to_string(),
        }
    }

    /// `name`, with `partition/` and `namespace/` in front when not `default`.
    pub fn label(&self) -> String {
        let mut out = String::new();
        if self.partition != DEFAULT {
            out.push_str(&self.partition);
            out.push('/');
        }
        if self.namespace != DEFAULT {
            out.push_str(&self.namespace);
            out.push('/');
        }
        out.push_str(&self.name);
        out
    }

    /// `name.namespace.partition`, as Consul names discovery-chain nodes.
    pub fn dotted(&self) -> String {
        format!("{}.{}.{}", self.name, self.namespace, self.partition)
    }

    /// Borrowed, for decisions (which allocate nothing).
    pub fn as_name(&self) -> crate::intentions::ServiceName<'_> {
        crate::intentions::ServiceName { name: &self.name, namespace: &self.namespace, partition: &self.partition }
    }

    /// The same service in `(partition, namespace, name)` order, for listings grouped by tenancy.
    pub fn tenancy_key(&self) -> (&str, &str, &str) {
        (&self.partition, &self.namespace, &self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_default_are_one_tenancy() {
        assert_eq!(ServiceId::new("web", "", ""), ServiceId::new("web", "default", "default"));
        assert_ne!(ServiceId::new("web", "", ""), ServiceId::new("web", "ns1", ""));
        assert_eq!(ServiceId::new("web", "", "").label(), "web");
        assert_eq!(ServiceId::new("web", "ns1", "ap1").label(), "ap1/ns1/web");
        assert_eq!(ServiceId::new("web", "", "").dotted(), "web.default.default");
        assert_eq!(partition_or_local("", "ap1"), "ap1");
        assert_eq!(partition_or_local("", ""), "default");
        assert_eq!(partition_or_local("ap2", "ap1"), "ap2");
        assert!(is_default("") && is_default("default") && !is_default("x"));
    }
}
