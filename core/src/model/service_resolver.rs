//! `service-resolver`: the last hop of a discovery chain. Names subsets of a service's instances
//! (by filter expression), picks the default subset, redirects the service elsewhere, fails over
//! to other subsets, services, datacenters, partitions, peers or sameness groups, and sets
//! connection timeouts and load balancing.
//!
//! `Subsets` and `Failover` are maps whose keys are data (subset names, `*`): they decode into a
//! [`NamedMap`], which keeps each key exactly as written, in order, with its span.
//!
//! Single-entry rules (Consul's `Validate`, plus the newer sameness-group and locality rules its
//! Kubernetes CRDs state):
//! - `Name` is required;
//! - subset names are DNS labels: 1–63 lowercase letters, digits and `-`, starting and ending with
//!   a letter or digit (they appear in SNI names);
//! - `DefaultSubset`, failover keys (other than `*`), and any `ServiceSubset` of this same service
//!   (in `Redirect`, `Failover`, `Targets`) name a defined subset;
//! - `Redirect` and `Failover` cannot both be set; a `Redirect` is not empty; its
//!   `ServiceSubset`/`Namespace`/`Partition`/`Peer` need `Service`; `Peer` excludes `ServiceSubset`,
//!   `Partition`, `Datacenter`; `SamenessGroup` excludes `ServiceSubset`, `Partition`,
//!   `Datacenter`;
//! - a redirect to another datacenter stays in the default partition and in the entry's partition;
//!   failover to `Datacenters` only from the default partition;
//! - a failover names at least one of `Service`, `ServiceSubset`, `Namespace`, `Datacenters`,
//!   `Targets`, `SamenessGroup`; `Targets` excludes `Service`, `ServiceSubset`, `Datacenters`,
//!   `SamenessGroup`; `SamenessGroup` excludes `Datacenters` and `ServiceSubset`; datacenter names
//!   are not empty; each target's `Peer` excludes `ServiceSubset`, `Partition`, `Datacenter`, and
//!   `Partition` excludes `Datacenter`;
//! - `LoadBalancer`: `RingHashConfig` only with `ring_hash`, `LeastRequestConfig` only with
//!   `least_request`, `HashPolicies` only with `ring_hash` or `maglev`; a hash policy hashes a
//!   `Field` (with its `FieldValue`) or the `SourceIP`, not both; `CookieConfig` only for
//!   `Field = "cookie"`, and a session cookie has no `TTL`. Beyond Consul, values Envoy rejects:
//!   `ChoiceCount` 1, and a `MinimumRingSize` above the `MaximumRingSize`.
//!
//! Not checked: subset `Filter` expressions (Consul parses them with go-bexpr; we keep them as
//! text).

use super::Validate;
use crate::decode::{Cx, Decode, Duration, Meta};
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::SortedMap;
use crate::source::Span;
use crate::syntax::{Entry, Node, Value};
use crate::{decode_enum, decode_struct};
use serde::ser::SerializeMap;
use serde::Serialize;

/// When `ConnectTimeout` is not set (or zero), Consul connects with this timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// When `RequestTimeout` is not set (or zero), requests get Envoy's default route timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// One key of a [`NamedMap`] with its value.
#[derive(Clone, Debug)]
pub struct Named<T> {
    /// The key exactly as written.
    pub name: String,
    /// Where the key was written (not part of the value: not compared).
    pub name_span: Span,
    pub value: T,
}

impl<T: PartialEq> PartialEq for Named<T> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.value == other.value
    }
}

/// A map whose keys are names chosen by the user (`Subsets`, `Failover`): keys are kept verbatim
/// (no case folding) and in the order written; values are typed. A repeated key is an error
/// (`E0108`); repeated blocks (`Subsets { … } Subsets { … }`, or HCL's labelled
/// `Failover "*" { … }`) merge.
#[derive(Clone, Debug)]
pub struct NamedMap<T> {
    items: Vec<Named<T>>,
}

impl<T> Default for NamedMap<T> {
    fn default() -> Self {
        NamedMap { items: Vec::new() }
    }
}

impl<T: PartialEq> PartialEq for NamedMap<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl<T> NamedMap<T> {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Named<T>> {
        self.items.iter()
    }

    pub fn get(&self, name: &str) -> Option<&T> {
        self.items.iter().find(|i| i.name == name).map(|i| &i.value)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.items.iter().any(|i| i.name == name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|i| i.name.as_str())
    }

    /// Adds an entry (for building values in code; decoding reports repeated keys itself).
    pub fn insert(&mut self, name: impl Into<String>, value: T) {
        let name = name.into();
        match self.items.iter_mut().find(|i| i.name == name) {
            Some(item) => item.value = value,
            None => self.items.push(Named { name, name_span: Span::default(), value }),
        }
    }
}

impl<'a, T> IntoIterator for &'a NamedMap<T> {
    type Item = &'a Named<T>;
    type IntoIter = std::slice::Iter<'a, Named<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: Serialize> Serialize for NamedMap<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.items.len()))?;
        for item in &self.items {
            map.serialize_entry(&item.name, &item.value)?;
        }
        map.end()
    }
}

/// The values' fields under `*` (the name the user chooses).
#[cfg(test)]
impl<T: crate::decode::Shape> crate::decode::Shape for NamedMap<T> {
    fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
        T::paths(&crate::decode::join_path(prefix, "*"), out);
    }
}

impl<T: Decode> Decode for NamedMap<T> {
    fn expected() -> &'static str {
        "a map of names to blocks"
    }

    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        let mut objects: Vec<&[Entry]> = Vec::new();
        match &node.value {
            Value::Object(entries) => objects.push(entries),
            // Repeated blocks (collected by the struct decoder) or a one-element list of a map.
            Value::Array(items) => {
                for item in items {
                    match &item.value {
                        Value::Object(entries) => objects.push(entries),
                        Value::Null => {}
                        _ => cx.type_error(item, Self::expected()),
                    }
                }
            }
            _ => {
                cx.type_error(node, Self::expected());
                return None;
            }
        }
        let mut out = NamedMap::default();
        for e in objects.into_iter().flatten() {
            if e.value.value == Value::Null {
                continue;
            }
            if out.contains(&e.key) {
                cx.push(
                    Diagnostic::error(Code::DuplicateKey, e.key_span, format!("`{}` is given more than once", e.key))
                        .with_note("each name may appear once; merge the two or remove one"),
                );
                continue;
            }
            if let Some(value) = T::decode(&e.value, cx) {
                out.items.push(Named { name: e.key.clone(), name_span: e.key_span, value });
            }
        }
        Some(out)
    }

    fn appends() -> bool {
        true
    }
}

decode_struct! {
    /// A named subset of a service's instances.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ResolverSubset("a subset", pascal) {
        /// A go-bexpr filter over the health API's fields (`Service.Meta.version == v1`). Empty:
        /// every healthy instance.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub filter: String,
        /// Only instances whose checks pass (warning counts as unhealthy).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub only_passing: bool,
    }
}

decode_struct! {
    /// `Redirect`: resolve this service as another one instead. When set, Consul ignores the
    /// entry's other fields.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ResolverRedirect("a Redirect block", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service_subset: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub sameness_group: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub datacenter: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub peer: String,
    }
}

impl ResolverRedirect {
    pub fn is_empty(&self) -> bool {
        self.service.is_empty()
            && self.service_subset.is_empty()
            && self.namespace.is_empty()
            && self.partition.is_empty()
            && self.sameness_group.is_empty()
            && self.datacenter.is_empty()
            && self.peer.is_empty()
    }
}

decode_enum! {
    /// How failover targets are ordered (`Failover{}.Policy.Mode`).
    #[derive(Default)]
    pub enum FailoverMode("a failover policy mode") {
        /// Not set: sequential.
        #[default]
        Unset = "",
        /// In the order written.
        Sequential = "sequential",
        /// Closest locality first (Consul Enterprise).
        OrderByLocality = "order-by-locality",
    }
}

fn is_unset_failover_mode(m: &FailoverMode) -> bool {
    *m == FailoverMode::Unset
}

decode_struct! {
    /// `Failover{}.Policy`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct FailoverPolicy("a failover Policy block", pascal) {
        #[serde(skip_serializing_if = "is_unset_failover_mode")]
        pub mode: FailoverMode,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub regions: Vec<String>,
    }
}

decode_struct! {
    /// One of `Failover{}.Targets`: each empty field means "the same as the failing target".
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct FailoverTarget("a failover target", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service_subset: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub datacenter: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub peer: String,
    }
}

decode_struct! {
    /// One `Failover` value: where a subset's traffic goes when it has no healthy instances.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ResolverFailover("a Failover block", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service_subset: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub sameness_group: String,
        /// Tried in order.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub datacenters: Vec<String>,
        /// Tried in order; cannot be combined with the single-target fields above.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub targets: Vec<FailoverTarget>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub policy: Option<FailoverPolicy>,
    }
}

impl ResolverFailover {
    /// Names no destination at all (an error).
    pub fn is_empty(&self) -> bool {
        self.service.is_empty()
            && self.service_subset.is_empty()
            && self.namespace.is_empty()
            && self.sameness_group.is_empty()
            && self.datacenters.is_empty()
            && self.targets.is_empty()
    }

    /// The failover as an ordered list of targets, as Consul's compiler sees it: `Targets` as
    /// written; else one target per datacenter in `Datacenters` (with `Service`, `ServiceSubset`,
    /// `Namespace`); else one target with those three. A `SamenessGroup` failover has no targets
    /// here (the group's members are known only to the workspace).
    pub fn effective_targets(&self) -> Vec<FailoverTarget> {
        if !self.targets.is_empty() {
            return self.targets.clone();
        }
        let base = FailoverTarget {
            service: self.service.clone(),
            service_subset: self.service_subset.clone(),
            namespace: self.namespace.clone(),
            ..FailoverTarget::default()
        };
        if !self.datacenters.is_empty() {
            return self
                .datacenters
                .iter()
                .map(|dc| FailoverTarget { datacenter: dc.clone(), ..base.clone() })
                .collect();
        }
        if self.service.is_empty() && self.service_subset.is_empty() && self.namespace.is_empty() {
            return Vec::new();
        }
        vec![base]
    }

    /// The failover's ordering mode (unset means sequential).
    pub fn mode(&self) -> FailoverMode {
        self.policy.as_ref().map_or(FailoverMode::Unset, |p| p.mode)
    }
}

decode_enum! {
    /// `PrioritizeByLocality.Mode`.
    #[derive(Default)]
    pub enum LocalityMode("a PrioritizeByLocality mode") {
        #[default]
        Unset = "",
        None = "none",
        /// Prefer instances in the same region and zone, failing over to farther ones.
        Failover = "failover",
    }
}

fn is_unset_locality(m: &LocalityMode) -> bool {
    *m == LocalityMode::Unset
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct PrioritizeByLocality("a PrioritizeByLocality block", pascal) {
        #[serde(skip_serializing_if = "is_unset_locality")]
        pub mode: LocalityMode,
    }
}

decode_enum! {
    /// Envoy's load balancing policy for the service's cluster.
    #[derive(Default)]
    pub enum LbPolicy("a load balancing policy") {
        /// Not set: Envoy's default, round robin.
        #[default]
        Unset = "",
        Random = "random",
        RoundRobin = "round_robin",
        LeastRequest = "least_request",
        RingHash = "ring_hash",
        Maglev = "maglev",
    }
}

impl LbPolicy {
    /// Ring hash and Maglev pick hosts by hashing the request (`HashPolicies`).
    pub fn is_hash_based(self) -> bool {
        matches!(self, LbPolicy::RingHash | LbPolicy::Maglev)
    }
}

fn is_unset_lb(p: &LbPolicy) -> bool {
    *p == LbPolicy::Unset
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct LeastRequestConfig("a LeastRequestConfig block", pascal) {
        /// Hosts sampled per pick. Zero: Envoy's default, 2.
        #[serde(skip_serializing_if = "is_zero_u32")]
        pub choice_count: u32,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RingHashConfig("a RingHashConfig block", pascal) {
        /// Zero: Envoy's default, 1024.
        #[serde(skip_serializing_if = "is_zero_u64")]
        pub minimum_ring_size: u64,
        /// Zero: Envoy's default, 8M.
        #[serde(skip_serializing_if = "is_zero_u64")]
        pub maximum_ring_size: u64,
    }
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

decode_enum! {
    /// What a hash policy hashes (`HashPolicies[].Field`).
    #[derive(Default)]
    pub enum HashField("a hash policy Field") {
        #[default]
        Unset = "",
        Header = "header",
        Cookie = "cookie",
        QueryParameter = "query_parameter",
    }
}

fn is_unset_field(f: &HashField) -> bool {
    *f == HashField::Unset
}

decode_struct! {
    /// `CookieConfig`: have Envoy set the hashed cookie when the request has none.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct CookieConfig("a CookieConfig block", pascal) {
        /// A session cookie (no expiry).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub session: bool,
        #[serde(rename = "TTL", skip_serializing_if = "super::service_router::is_zero")]
        pub ttl: Duration,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path: String,
    }
}

decode_struct! {
    /// One of `LoadBalancer.HashPolicies`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HashPolicy("a hash policy", pascal) {
        #[serde(skip_serializing_if = "is_unset_field")]
        pub field: HashField,
        /// The header, cookie or query parameter name.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub field_value: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cookie_config: Option<CookieConfig>,
        #[serde(rename = "SourceIP", skip_serializing_if = "std::ops::Not::not")]
        pub source_ip: bool,
        /// Stop at this policy when it produced a hash.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub terminal: bool,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct LoadBalancer("a LoadBalancer block", pascal) {
        #[serde(skip_serializing_if = "is_unset_lb")]
        pub policy: LbPolicy,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub least_request_config: Option<LeastRequestConfig>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ring_hash_config: Option<RingHashConfig>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub hash_policies: Vec<HashPolicy>,
    }
}

impl LoadBalancer {
    pub fn is_hash_based(&self) -> bool {
        self.policy.is_hash_based()
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "service-resolver", rename_all = "PascalCase")]
    pub struct ServiceResolver("a service-resolver entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        /// Zero: [`DEFAULT_CONNECT_TIMEOUT`]; see [`ServiceResolver::connect_timeout`].
        #[serde(skip_serializing_if = "super::service_router::is_zero")]
        pub connect_timeout: Duration,
        /// Zero: [`DEFAULT_REQUEST_TIMEOUT`]; see [`ServiceResolver::request_timeout`].
        #[serde(skip_serializing_if = "super::service_router::is_zero")]
        pub request_timeout: Duration,
        #[serde(skip_serializing_if = "NamedMap::is_empty")]
        pub subsets: NamedMap<ResolverSubset>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub default_subset: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub redirect: Option<ResolverRedirect>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub prioritize_by_locality: Option<PrioritizeByLocality>,
        /// Keyed by subset name, or `*` for every subset without its own entry.
        #[serde(skip_serializing_if = "NamedMap::is_empty")]
        pub failover: NamedMap<ResolverFailover>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub load_balancer: Option<LoadBalancer>,
    }
}

impl ServiceResolver {
    /// The timeout for new connections to this service: `ConnectTimeout`, or 5s when unset or 0.
    pub fn connect_timeout(&self) -> Duration {
        if self.connect_timeout.nanos == 0 {
            DEFAULT_CONNECT_TIMEOUT
        } else {
            self.connect_timeout
        }
    }

    /// The timeout for an HTTP response: `RequestTimeout`, or 15s when unset or 0.
    pub fn request_timeout(&self) -> Duration {
        if self.request_timeout.nanos == 0 {
            DEFAULT_REQUEST_TIMEOUT
        } else {
            self.request_timeout
        }
    }

    /// A subset by name; the unnamed default subset (`""`) has no definition.
    pub fn subset(&self, name: &str) -> Option<&ResolverSubset> {
        self.subsets.get(name)
    }

    /// Whether `Failover` has an entry for the subset (`""`: none) or `*`.
    pub fn has_failover_for(&self, subset: &str) -> bool {
        self.failover.iter().any(|i| i.name == subset || i.name == "*")
    }

    /// Whether a subset can be asked for: `""` (the unnamed default subset) always can.
    pub fn has_subset(&self, name: &str) -> bool {
        name.is_empty() || self.subsets.contains(name)
    }

    /// The subset used when a request asks for none (`""`: all instances).
    pub fn default_subset(&self) -> &str {
        &self.default_subset
    }

    /// The failover for a subset (`""` for the unnamed one): its own entry, else `*`.
    pub fn failover_for(&self, subset: &str) -> Option<&ResolverFailover> {
        self.failover.get(subset).or_else(|| self.failover.get("*"))
    }

    /// Resolving this service means resolving the redirect's target instead.
    pub fn is_redirect(&self) -> bool {
        self.redirect.is_some()
    }

    /// Says nothing Consul's implicit default resolver would not (Consul treats such an entry like
    /// no entry at all).
    pub fn is_default(&self) -> bool {
        self.default_subset.is_empty()
            && self.subsets.is_empty()
            && self.redirect.is_none()
            && self.failover.is_empty()
            && self.connect_timeout.nanos == 0
            && self.request_timeout.nanos == 0
            && self.load_balancer.is_none()
    }

    fn in_default_partition(&self) -> bool {
        or_default(&self.partition) == crate::identity::DEFAULT
    }

    /// `ServiceSubset` of a redirect or failover, which must be one of ours when it names this
    /// same service (empty service = this one).
    fn check_own_subset(&self, service: &str, subset: &str, span: Span, what: &str, cx: &mut Cx) {
        if subset.is_empty() || !(service.is_empty() || service == self.name) || self.subsets.contains(subset) {
            return;
        }
        cx.push(subset_missing(self, subset, span, what));
    }
}

fn subset_missing(resolver: &ServiceResolver, subset: &str, span: Span, what: &str) -> Diagnostic {
    let d = Diagnostic::error(
        Code::ResolverSubset,
        span,
        format!("{what} `{subset}` is not a subset defined in this resolver's Subsets"),
    );
    let names: Vec<&str> = resolver.subsets.names().collect();
    if names.is_empty() {
        return d.with_note(format!("define it: Subsets = {{ {subset} = {{ Filter = \"…\" }} }}"));
    }
    match crate::decode::suggest(subset, &names) {
        Some(s) => d.with_note(format!("help: did you mean `{s}`?")).with_fix(s),
        None => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            d.with_note(format!("defined subsets: {}", quoted.join(", ")))
        }
    }
}

/// Consul's subset name rule (subset names are DNS labels in SNI names).
pub fn check_subset_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a subset name cannot be empty".into());
    }
    if name.len() > 63 {
        return Err(format!("is {} characters long; subset names have at most 63", name.len()));
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if let Some(c) = name.chars().find(|c| !ok_char(*c)) {
        let mut why = format!("contains `{c}`; subset names use lowercase letters, digits and `-`");
        let lower = name.to_ascii_lowercase();
        if lower != name && check_subset_name(&lower).is_ok() {
            why.push_str(&format!(" (did you mean `{lower}`?)"));
        }
        return Err(why);
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("must start and end with a letter or digit".into());
    }
    Ok(())
}

/// Reports each pair of fields that cannot be set together; `pairs` are (field, field) with the
/// second one pointed at.
fn conflicts(origin: &Meta, set: &dyn Fn(&str) -> bool, pairs: &[(&str, &str)], owner: &str, cx: &mut Cx) {
    for (a, b) in pairs {
        if set(a) && set(b) {
            cx.error(
                Code::ConflictingFields,
                origin.field(b),
                format!(
                    "{owner} cannot set both {} and {}",
                    crate::decode::pascal_case(a),
                    crate::decode::pascal_case(b)
                ),
            );
        }
    }
}

impl ServiceResolver {
    fn validate_subsets(&self, cx: &mut Cx) {
        for item in &self.subsets {
            if let Err(why) = check_subset_name(&item.name) {
                cx.error(Code::ResolverSubset, item.name_span, format!("subset name `{}` {why}", item.name));
            }
        }
        if !self.default_subset.is_empty() && !self.subsets.contains(&self.default_subset) {
            cx.push(subset_missing(self, &self.default_subset, self.origin.field("default_subset"), "DefaultSubset"));
        }
    }

    fn validate_redirect(&self, r: &ResolverRedirect, cx: &mut Cx) {
        if r.is_empty() {
            cx.push(
                Diagnostic::error(Code::EmptyTarget, r.origin.span, "Redirect names nothing to redirect to")
                    .with_note("give at least a Service, Namespace, Partition, Datacenter, Peer or SamenessGroup"),
            );
            return;
        }
        if !self.failover.is_empty() {
            cx.push(
                Diagnostic::error(
                    Code::ConflictingFields,
                    self.origin.field("failover"),
                    "a resolver with a Redirect cannot also have Failover",
                )
                .with_note("put the Failover in the resolver of the service the Redirect points to"),
            );
        }
        if !r.datacenter.is_empty() {
            if !self.in_default_partition() {
                cx.error(
                    Code::CrossDatacenterPartition,
                    r.origin.field("datacenter"),
                    format!(
                        "a redirect to another datacenter is only supported from the default partition, not `{}`",
                        self.partition
                    ),
                );
            } else if or_default(&r.partition) != or_default(&self.partition) {
                cx.error(
                    Code::CrossDatacenterPartition,
                    r.origin.field("partition"),
                    "a redirect cannot change both datacenter and partition",
                );
            }
        }
        let set = |f: &str| match f {
            "service_subset" => !r.service_subset.is_empty(),
            "partition" => !r.partition.is_empty(),
            "datacenter" => !r.datacenter.is_empty(),
            "peer" => !r.peer.is_empty(),
            "sameness_group" => !r.sameness_group.is_empty(),
            _ => false,
        };
        conflicts(
            &r.origin,
            &set,
            &[
                ("peer", "service_subset"),
                ("peer", "partition"),
                ("peer", "datacenter"),
                ("sameness_group", "service_subset"),
                ("sameness_group", "partition"),
                ("sameness_group", "datacenter"),
            ],
            "a Redirect",
            cx,
        );
        if r.service.is_empty() {
            for (field, value) in [
                ("service_subset", &r.service_subset),
                ("namespace", &r.namespace),
                ("partition", &r.partition),
                ("peer", &r.peer),
            ] {
                if !value.is_empty() {
                    cx.error(
                        Code::MissingField,
                        r.origin.field(field),
                        format!(
                            "Redirect.{} needs Redirect.Service: name the service to resolve",
                            crate::decode::pascal_case(field)
                        ),
                    );
                }
            }
        } else if r.peer.is_empty() && r.sameness_group.is_empty() {
            self.check_own_subset(
                &r.service,
                &r.service_subset,
                r.origin.field("service_subset"),
                "Redirect.ServiceSubset",
                cx,
            );
        }
    }

    fn validate_failover(&self, key: &Named<ResolverFailover>, cx: &mut Cx) {
        let f = &key.value;
        let label = format!("Failover[\"{}\"]", key.name);
        if key.name != "*" && !self.subsets.contains(&key.name) {
            let d = subset_missing(self, &key.name, key.name_span, "failover key").with_note(
                "Failover keys name a subset defined in Subsets, or are `*` for every subset without its own failover",
            );
            cx.push(d);
        }
        if f.is_empty() {
            cx.push(
                Diagnostic::error(Code::EmptyTarget, f.origin.span, format!("{label} names nowhere to fail over to"))
                    .with_note("give Targets, Datacenters, Service, ServiceSubset, Namespace or SamenessGroup"),
            );
            return;
        }
        if !f.datacenters.is_empty() && !self.in_default_partition() {
            cx.error(
                Code::CrossDatacenterPartition,
                f.origin.field("datacenters"),
                format!(
                    "failover to other datacenters is only supported from the default partition, not `{}`",
                    self.partition
                ),
            );
        }
        let set = |field: &str| match field {
            "service" => !f.service.is_empty(),
            "service_subset" => !f.service_subset.is_empty(),
            "datacenters" => !f.datacenters.is_empty(),
            "targets" => !f.targets.is_empty(),
            "sameness_group" => !f.sameness_group.is_empty(),
            _ => false,
        };
        conflicts(
            &f.origin,
            &set,
            &[
                ("sameness_group", "datacenters"),
                ("sameness_group", "service_subset"),
                ("sameness_group", "targets"),
                ("datacenters", "targets"),
                ("service_subset", "targets"),
                ("service", "targets"),
            ],
            &label,
            cx,
        );
        if f.sameness_group.is_empty() && f.targets.is_empty() {
            self.check_own_subset(
                &f.service,
                &f.service_subset,
                f.origin.field("service_subset"),
                &format!("{label}.ServiceSubset"),
                cx,
            );
        }
        if f.datacenters.iter().any(String::is_empty) {
            cx.error(
                Code::InvalidValue,
                f.origin.field("datacenters"),
                format!("{label}.Datacenters lists an empty datacenter name"),
            );
        }
        for (i, t) in f.targets.iter().enumerate() {
            let owner = format!("{label}.Targets[{i}]");
            let set = |field: &str| match field {
                "service_subset" => !t.service_subset.is_empty(),
                "partition" => !t.partition.is_empty(),
                "datacenter" => !t.datacenter.is_empty(),
                "peer" => !t.peer.is_empty(),
                _ => false,
            };
            conflicts(
                &t.origin,
                &set,
                &[
                    ("peer", "service_subset"),
                    ("peer", "partition"),
                    ("peer", "datacenter"),
                    ("partition", "datacenter"),
                ],
                &owner,
                cx,
            );
            if t.peer.is_empty() {
                self.check_own_subset(
                    &t.service,
                    &t.service_subset,
                    t.origin.field("service_subset"),
                    &format!("{owner}.ServiceSubset"),
                    cx,
                );
            }
        }
    }
}

fn validate_load_balancer(lb: &LoadBalancer, cx: &mut Cx) {
    let policy =
        if lb.policy == LbPolicy::Unset { "no policy".to_string() } else { format!("policy \"{}\"", lb.policy) };
    if let Some(ring) = &lb.ring_hash_config {
        if lb.policy != LbPolicy::RingHash {
            cx.error(
                Code::LoadBalancerConfig,
                lb.origin.field("ring_hash_config"),
                format!("RingHashConfig is for Policy = \"ring_hash\", but this LoadBalancer has {policy}"),
            );
        }
        if ring.minimum_ring_size > 0 && ring.maximum_ring_size > 0 && ring.minimum_ring_size > ring.maximum_ring_size {
            cx.error(
                Code::LoadBalancerConfig,
                ring.origin.field("minimum_ring_size"),
                format!(
                    "MinimumRingSize {} is larger than MaximumRingSize {}; Envoy rejects such a cluster",
                    ring.minimum_ring_size, ring.maximum_ring_size
                ),
            );
        }
    }
    if let Some(least) = &lb.least_request_config {
        if lb.policy != LbPolicy::LeastRequest {
            cx.error(
                Code::LoadBalancerConfig,
                lb.origin.field("least_request_config"),
                format!("LeastRequestConfig is for Policy = \"least_request\", but this LoadBalancer has {policy}"),
            );
        }
        if least.choice_count == 1 {
            cx.error(
                Code::LoadBalancerConfig,
                least.origin.field("choice_count"),
                "ChoiceCount must be at least 2 (Envoy rejects 1; leave it out for the default, 2)",
            );
        }
    }
    if !lb.hash_policies.is_empty() && !lb.is_hash_based() {
        cx.error(
            Code::LoadBalancerConfig,
            lb.origin.field("hash_policies"),
            format!(
                "HashPolicies only apply to Policy \"ring_hash\" or \"maglev\", but this LoadBalancer has {policy}"
            ),
        );
    }
    for (i, hp) in lb.hash_policies.iter().enumerate() {
        let owner = format!("HashPolicies[{i}]");
        if hp.source_ip && hp.field != HashField::Unset {
            cx.error(
                Code::ConflictingFields,
                hp.origin.field("source_ip"),
                format!("{owner} hashes either the SourceIP or a Field (\"{}\"), not both", hp.field),
            );
        }
        if hp.source_ip && !hp.field_value.is_empty() && hp.field == HashField::Unset {
            cx.error(
                Code::ConflictingFields,
                hp.origin.field("field_value"),
                format!("{owner} hashes the SourceIP, so it takes no FieldValue"),
            );
        }
        if hp.field != HashField::Unset && hp.field_value.is_empty() && !hp.source_ip {
            let what = match hp.field {
                HashField::Cookie => "cookie",
                HashField::QueryParameter => "query parameter",
                _ => "header",
            };
            cx.error(
                Code::LoadBalancerConfig,
                hp.origin.field("field"),
                format!("{owner} hashes a {what} but has no FieldValue naming which one"),
            );
        }
        if hp.field == HashField::Unset && !hp.field_value.is_empty() && !hp.source_ip {
            cx.error(
                Code::LoadBalancerConfig,
                hp.origin.field("field_value"),
                format!("{owner} has FieldValue but no Field: say whether it is a \"header\", \"cookie\" or \"query_parameter\""),
            );
        }
        if let Some(cookie) = &hp.cookie_config {
            if hp.field != HashField::Cookie {
                cx.error(
                    Code::LoadBalancerConfig,
                    hp.origin.field("cookie_config"),
                    format!("{owner} has CookieConfig, which is only for Field = \"cookie\""),
                );
            }
            if cookie.session && cookie.ttl.nanos != 0 {
                cx.error(
                    Code::ConflictingFields,
                    cookie.origin.field("ttl"),
                    format!("{owner}: a session cookie (Session = true) cannot have a TTL"),
                );
            }
        }
    }
}

impl Validate for ServiceResolver {
    fn validate(&self, cx: &mut Cx) {
        if self.name.is_empty() {
            cx.error(Code::MissingField, self.origin.span, "a service-resolver needs `Name`: the service it resolves");
        }
        self.validate_subsets(cx);
        if let Some(r) = &self.redirect {
            self.validate_redirect(r, cx);
        }
        for key in &self.failover {
            self.validate_failover(key, cx);
        }
        if let Some(lb) = &self.load_balancer {
            validate_load_balancer(lb, cx);
        }
    }
}

#[cfg(test)]
mod tests;
