//! Intentions: who may talk to whom, decided exactly as Consul documents it, with a reason.
//!
//! - Precedence (higher first): exact→exact 9, `*`→exact 8, `*/*`→exact 7, exact→`*` 6,
//!   `*`→`*` 5, `*/*`→`*` 4, exact→`*/*` 3, `*`→`*/*` 2, `*/*`→`*/*` 1 (source → destination,
//!   `*` a wildcard name, `*/*` a wildcard namespace and name). Ties break on the source
//!   (partition, peer, namespace, name), then the destination, compared as strings.
//! - The first intention that matches decides. An L7 intention (permissions) decides by its
//!   first matching permission; when none matches, the default policy decides — lower
//!   intentions are not consulted. An L7 intention on a connection with no HTTP request denies.
//! - No intention matches: the default policy (allow unless configured deny).
//!
//! [`IntentionTable`] indexes intentions so a decision costs a few hash lookups whatever their
//! number: by destination (exact, then namespace-wide, then global), then by exact source, then
//! name-wildcard and namespace-wildcard sources.

pub mod http;
pub mod jwt;
pub mod path;
#[cfg(any(test, feature = "reference-model"))]
pub mod reference;
mod table;

pub use table::{Decision, IntentionTable, PathRejectionKind, Reason, TableError, TraceStep};

use crate::shared::SharedStr;
use serde::{Deserialize, Serialize};

pub const WILDCARD: &str = "*";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Allow,
    Deny,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Deny => "deny",
        }
    }
}

/// Who an intention applies to. `*` is a wildcard for `name` and `namespace`. A source with a
/// `peer` matches only connections from that peer (whose partition is the peer's business); a
/// source without one matches only local connections from `partition`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "IntentionSource"))]
pub struct Source {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub name: SharedStr,
    /// Written only when not `default`, and `default` when absent: at 100 000 intentions the
    /// defaults were a third of a GatewayPlan.
    #[serde(default = "default_tenancy", skip_serializing_if = "is_default_tenancy")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub namespace: SharedStr,
    #[serde(default = "default_tenancy", skip_serializing_if = "is_default_tenancy")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub partition: SharedStr,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub peer: SharedStr,
}

/// The service an intention protects (`*` wildcards allowed in `name` and `namespace`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "IntentionDestination"))]
pub struct Destination {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub name: SharedStr,
    #[serde(default = "default_tenancy", skip_serializing_if = "is_default_tenancy")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub namespace: SharedStr,
    #[serde(default = "default_tenancy", skip_serializing_if = "is_default_tenancy")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub partition: SharedStr,
}

/// What an absent namespace or partition means.
fn default_tenancy() -> SharedStr {
    SharedStr::from(crate::identity::DEFAULT)
}

/// Exactly `default` (an empty value is written, so it reads back empty).
fn is_default_tenancy(s: &str) -> bool {
    s == crate::identity::DEFAULT
}

/// Where an intention was written, so every decision can cite it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Origin {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub file: SharedStr,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One source of one service-intentions entry, flattened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Intention {
    pub source: Source,
    pub destination: Destination,
    /// Set for L4 intentions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
    /// Set for L7 intentions, in order.
    #[serde(default, skip_serializing_if = "<[_]>::is_empty")]
    pub permissions: crate::shared::SharedList<http::Permission>,
    /// The entry's `JWT` block: what an allowed request must also carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt: Option<jwt::JwtRequirement>,
    pub precedence: u8,
    pub origin: Origin,
}

impl Intention {
    pub fn is_l7(&self) -> bool {
        self.action.is_none()
    }

    /// `web → billing`, `* → billing`, `peer:p/web → billing` with non-default parts spelled out.
    pub fn label(&self) -> String {
        use crate::identity::is_default;
        let s = &self.source;
        let d = &self.destination;
        let mut src = String::new();
        if !s.peer.is_empty() {
            src.push_str(&format!("peer:{}/", s.peer));
        } else if !is_default(&s.partition) {
            src.push_str(&format!("{}/", s.partition));
        }
        if !is_default(&s.namespace) {
            src.push_str(&format!("{}/", s.namespace));
        }
        src.push_str(&s.name);
        let mut dst = String::new();
        if !is_default(&d.partition) {
            dst.push_str(&format!("{}/", d.partition));
        }
        if !is_default(&d.namespace) {
            dst.push_str(&format!("{}/", d.namespace));
        }
        dst.push_str(&d.name);
        format!("{src} → {dst}")
    }
}

/// Consul's nine precedence levels from which parts are wildcards.
pub fn precedence(source: &Source, destination: &Destination) -> u8 {
    fn level(namespace: &str, name: &str) -> u8 {
        match (namespace == WILDCARD, name == WILDCARD) {
            (false, false) => 2,
            (false, true) => 1,
            (true, _) => 0,
        }
    }
    level(&destination.namespace, &destination.name) * 3 + level(&source.namespace, &source.name) + 1
}

/// The order intentions are considered in: precedence, then the documented string tie-break.
pub fn order(a: &Intention, b: &Intention) -> std::cmp::Ordering {
    fn key(i: &Intention) -> (std::cmp::Reverse<u8>, [&str; 4], [&str; 3]) {
        let (s, d) = (&i.source, &i.destination);
        (
            std::cmp::Reverse(i.precedence),
            [&s.partition, &s.peer, &s.namespace, &s.name],
            [&d.partition, &d.namespace, &d.name],
        )
    }
    key(a).cmp(&key(b))
}

/// [`order`] as one precomputed key: sorting 100k intentions by it compares each pair once
/// instead of field by field. NUL separates fields (names never contain it), so the joined
/// string sorts exactly as the field tuple does.
pub fn rank_key(i: &Intention) -> (std::cmp::Reverse<u8>, String) {
    let (s, d) = (&i.source, &i.destination);
    let fields = [&s.partition, &s.peer, &s.namespace, &s.name, &d.partition, &d.namespace, &d.name];
    let mut key = String::with_capacity(fields.iter().map(|f| f.len() + 1).sum());
    for f in fields {
        key.push_str(f);
        key.push('\0');
    }
    (std::cmp::Reverse(i.precedence), key)
}

/// The identity of a connecting workload (from its SPIFFE ID, or as asked on the command line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub partition: &'a str,
    /// Empty for local callers.
    pub peer: &'a str,
}

/// What is being asked: may `source` reach `destination`, and for HTTP, this request?
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub source: Caller<'a>,
    pub destination: ServiceName<'a>,
    pub http: Option<http::HttpRequest<'a>>,
}

#[derive(Clone, Copy, Debug)]
pub struct ServiceName<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub partition: &'a str,
}

#[cfg(test)]
mod tests;
