//! `service-intentions`: which sources may call one destination service (or every service, `*`),
//! at L4 (`Action = "allow" | "deny"`) or at L7 (`Permissions`: ordered HTTP/JWT matches).
//!
//! This module decodes the entry and checks the rules Consul applies to one entry on its own
//! (required fields, wildcard shapes, Action vs Permissions, HTTP match shapes, duplicate sources).
//! Precedence, decisions and rules that need other entries (protocols of the destination, JWT
//! providers that exist) belong to the semantics layer, which reads the accessors below.

use super::Validate;
use crate::decode::{Cx, Decode, Meta};
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::SortedMap;
use crate::source::Span;
use crate::syntax::Node;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

/// The wildcard Consul accepts, as the whole value only, for names and namespaces.
pub const WILDCARD: &str = "*";

/// What an empty namespace or partition means.
pub const DEFAULT: &str = "default";

/// Consul's limits on opaque values (entry `Meta`, source `Description`).
const META_MAX_PAIRS: usize = 64;
const META_KEY_MAX_LEN: usize = 128;
const META_VALUE_MAX_LEN: usize = 512;

// ---------------------------------------------------------------------------------------------
// Closed sets of values
// ---------------------------------------------------------------------------------------------

/// `allow` or `deny`, on a source (L4) or a permission (L7). Consul compares these exactly, so
/// `"Allow"` is an error (with a hint), unlike most enums, which are read case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntentionAction {
    Allow,
    Deny,
}

impl IntentionAction {
    pub const ALL: &'static [IntentionAction] = &[IntentionAction::Allow, IntentionAction::Deny];

    pub fn as_str(self) -> &'static str {
        match self {
            IntentionAction::Allow => "allow",
            IntentionAction::Deny => "deny",
        }
    }
}

/// The kind of thing a source `Name` names; Consul knows only `consul` (a Consul service).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntentionSourceType {
    #[default]
    Consul,
}

impl IntentionSourceType {
    pub const ALL: &'static [IntentionSourceType] = &[IntentionSourceType::Consul];

    pub fn as_str(self) -> &'static str {
        match self {
            IntentionSourceType::Consul => "consul",
        }
    }
}

/// Implements Display, Serialize and an exact (case-sensitive) Decode for a hand-written enum.
macro_rules! exact_enum {
    ($name:ident, $what:literal) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #[cfg(test)]
        impl crate::decode::Shape for $name {
            fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
                let sample = $name::ALL.first().map(|v| v.as_str()).unwrap_or_default();
                crate::decode::shape_leaf(prefix, &format!("\"{sample}\""), out);
            }
        }

        impl Decode for $name {
            fn expected() -> &'static str {
                $what
            }

            fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
                let text = String::decode(node, cx)?;
                let choices: Vec<&'static str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                if let Some(v) = $name::ALL.iter().copied().find(|v| v.as_str() == text) {
                    return Some(v);
                }
                let quoted: Vec<String> = choices.iter().map(|c| format!("\"{c}\"")).collect();
                let mut d = Diagnostic::error(
                    Code::InvalidEnum,
                    node.span,
                    format!("\"{text}\" is not {}; expected one of {}", $what, quoted.join(", ")),
                );
                if let Some(exact) = choices.iter().find(|c| c.eq_ignore_ascii_case(&text)) {
                    d = d.with_note(format!("help: Consul compares this value exactly; write \"{exact}\""));
                } else if let Some(s) = crate::decode::suggest(&text, &choices) {
                    d = d.with_note(format!("help: did you mean \"{s}\"?")).with_fix(s);
                }
                cx.push(d);
                None
            }
        }
    };
}

exact_enum!(IntentionAction, "an intention action");
exact_enum!(IntentionSourceType, "an intention source type");

decode_enum! {
    /// The HTTP methods Consul accepts in `Methods` (read case-insensitively: Consul upper-cases
    /// them before checking).
    pub enum HttpMethod("an HTTP method") {
        Get = "GET",
        Head = "HEAD",
        Post = "POST",
        Put = "PUT",
        Patch = "PATCH",
        Delete = "DELETE",
        Connect = "CONNECT",
        Options = "OPTIONS",
        Trace = "TRACE",
    }
}

/// One entry of `Methods`, with where it was written (so a repeated method can be pointed at).
/// Compares and serializes as the method alone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MethodAt {
    pub method: HttpMethod,
    pub span: Span,
}

impl Serialize for MethodAt {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.method.serialize(s)
    }
}

#[cfg(test)]
impl crate::decode::Shape for MethodAt {
    fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
        <HttpMethod as crate::decode::Shape>::paths(prefix, out);
    }
}

impl Decode for MethodAt {
    fn expected() -> &'static str {
        HttpMethod::expected()
    }

    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        HttpMethod::decode(node, cx).map(|method| MethodAt { method, span: node.span })
    }
}

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

fn is_false(b: &bool) -> bool {
    !*b
}

decode_struct! {
    /// One claim to check in a verified JWT: the value at `Path` must be (or contain) `Value`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct IntentionJwtClaim("a VerifyClaims item", pascal) {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub path: Vec<String>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub value: String,
    }
}

decode_struct! {
    /// A `jwt-provider` config entry to verify tokens with, by name, plus extra claims to check.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct IntentionJwtProvider("a JWT Providers item", pascal) {
        pub name: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub verify_claims: Vec<IntentionJwtClaim>,
    }
}

decode_struct! {
    /// `JWT { Providers = [...] }`, on the entry (every request) or on one permission.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct IntentionJwtRequirement("a JWT block", pascal) {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub providers: Vec<IntentionJwtProvider>,
    }
}

decode_struct! {
    /// One `Header` match of an L7 permission: `Name` and exactly one of Present, Exact, Prefix,
    /// Suffix, Contains or Regex; `IgnoreCase` for the string matches; `Invert` negates.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct IntentionHttpHeader("an HTTP Header item", pascal) {
        pub name: String,
        #[serde(skip_serializing_if = "is_false")]
        pub present: bool,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub exact: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub prefix: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub suffix: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub contains: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub regex: String,
        #[serde(skip_serializing_if = "is_false")]
        pub ignore_case: bool,
        #[serde(skip_serializing_if = "is_false")]
        pub invert: bool,
    }
}

decode_struct! {
    /// The `HTTP` block of a permission: at most one path match, header matches, methods.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct IntentionHttpPermission("an HTTP block", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path_exact: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path_prefix: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path_regex: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub header: Vec<IntentionHttpHeader>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub methods: Vec<MethodAt>,
    }
}

decode_struct! {
    /// One L7 permission: what to do (`Action`) with requests that match `HTTP` (and `JWT`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct IntentionPermission("a Permissions item", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub action: Option<IntentionAction>,
        #[serde(rename = "HTTP", skip_serializing_if = "Option::is_none")]
        pub http: Option<IntentionHttpPermission>,
        #[serde(rename = "JWT", skip_serializing_if = "Option::is_none")]
        pub jwt: Option<IntentionJwtRequirement>,
    }
}

decode_struct! {
    /// One source of a service-intentions entry: who (`Name`, `Namespace`, `Partition` or `Peer`
    /// or `SamenessGroup`) and what (`Action` for L4, or `Permissions` for L7).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct SourceIntention("a Sources item", pascal) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub peer: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub sameness_group: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub action: Option<IntentionAction>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub permissions: Vec<IntentionPermission>,
        /// Read-only in Consul (it recomputes it on every write): accepted so that the output of
        /// `consul config read` can be fed back, never used and not printed back.
        #[serde(skip)]
        pub precedence: Option<i64>,
        /// `consul` when absent.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub r#type: Option<IntentionSourceType>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub description: String,
        /// Read-only (intentions migrated from Consul < 1.9); Consul drops it on write.
        #[serde(rename = "LegacyID", skip_serializing_if = "String::is_empty")]
        pub legacy_id: String,
        /// Read-only; Consul refuses a write that sets it.
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub legacy_meta: SortedMap<String, String>,
        /// Read-only RFC 3339 timestamp; Consul drops it on write.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub legacy_create_time: String,
        /// Read-only RFC 3339 timestamp; Consul drops it on write.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub legacy_update_time: String,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "service-intentions", rename_all = "PascalCase")]
    pub struct ServiceIntentions("a service-intentions entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        /// The destination service, or `*` for every service without an entry of its own.
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        #[serde(rename = "JWT", skip_serializing_if = "Option::is_none")]
        pub jwt: Option<IntentionJwtRequirement>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub sources: Vec<SourceIntention>,
    }
}

// ---------------------------------------------------------------------------------------------
// Accessors for the semantics layer
// ---------------------------------------------------------------------------------------------

/// The destination of an entry, with empty namespace/partition spelled `default`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DestinationIdentity<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub partition: &'a str,
}

impl DestinationIdentity<'_> {
    pub fn is_wildcard_name(&self) -> bool {
        self.name == WILDCARD
    }

    pub fn is_wildcard_namespace(&self) -> bool {
        self.namespace == WILDCARD
    }

    /// `*` name or `*` namespace: such a destination cannot carry L7 permissions.
    pub fn is_wildcard(&self) -> bool {
        self.is_wildcard_name() || self.is_wildcard_namespace()
    }
}

/// Who a source is, normalized as Consul does before it compares sources: a local source's empty
/// namespace and partition are the destination's (a wildcard destination namespace is not
/// inherited: `default`); a peered or sameness-group source has no partition and an empty
/// namespace means `default`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceIdentity<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    /// Empty for a peered or sameness-group source.
    pub partition: &'a str,
    /// Empty unless the source is in a cluster peer.
    pub peer: &'a str,
    /// Empty unless the source is a sameness group.
    pub sameness_group: &'a str,
}

impl SourceIdentity<'_> {
    pub fn is_wildcard_name(&self) -> bool {
        self.name == WILDCARD
    }

    pub fn is_wildcard_namespace(&self) -> bool {
        self.namespace == WILDCARD
    }

    pub fn is_peered(&self) -> bool {
        !self.peer.is_empty()
    }

    /// For messages: `"web"`, qualified only where it differs from the defaults:
    /// `"web" in namespace "payments"`, `"web" from peer "cluster-02"`, ...
    pub fn describe(&self) -> String {
        let mut out = format!("\"{}\"", self.name);
        if !self.peer.is_empty() {
            out.push_str(&format!(" from peer \"{}\"", self.peer));
        }
        if !self.sameness_group.is_empty() {
            out.push_str(&format!(" from sameness group \"{}\"", self.sameness_group));
        }
        if self.namespace != DEFAULT {
            out.push_str(&format!(" in namespace \"{}\"", self.namespace));
        }
        if !self.partition.is_empty() && self.partition != DEFAULT {
            out.push_str(&format!(" in partition \"{}\"", self.partition));
        }
        out
    }
}

impl std::fmt::Display for SourceIdentity<'_> {
    /// `web` in the default namespace and partition; otherwise `ap/ns/web`, `peer:p/ns/web` or
    /// `sameness-group:g/ns/web`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.peer.is_empty() {
            write!(f, "peer:{}/{}/{}", self.peer, self.namespace, self.name)
        } else if !self.sameness_group.is_empty() {
            write!(f, "sameness-group:{}/{}/{}", self.sameness_group, self.namespace, self.name)
        } else if self.namespace == DEFAULT && self.partition == DEFAULT {
            f.write_str(self.name)
        } else {
            write!(f, "{}/{}/{}", self.partition, self.namespace, self.name)
        }
    }
}

/// How a permission matches the request path, when it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathMatch<'a> {
    Exact(&'a str),
    Prefix(&'a str),
    /// RE2 syntax, matched against the whole path.
    Regex(&'a str),
}

/// How a header match compares the header, when it is well formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderMatch<'a> {
    Present,
    Exact(&'a str),
    Prefix(&'a str),
    Suffix(&'a str),
    Contains(&'a str),
    /// RE2 syntax, matched against the whole value.
    Regex(&'a str),
}

impl ServiceIntentions {
    pub fn destination(&self) -> DestinationIdentity<'_> {
        DestinationIdentity {
            name: &self.name,
            namespace: or_default(&self.namespace),
            partition: or_default(&self.partition),
        }
    }

    /// `Name = "*"` or `Namespace = "*"`.
    pub fn has_wildcard_destination(&self) -> bool {
        self.destination().is_wildcard()
    }

    pub fn has_any_permissions(&self) -> bool {
        self.sources.iter().any(SourceIntention::is_l7)
    }

    /// Every source in the order written, with its normalized identity.
    pub fn sources_with_identity(&self) -> impl Iterator<Item = (&SourceIntention, SourceIdentity<'_>)> {
        self.sources.iter().map(move |s| (s, s.identity(self)))
    }
}

impl SourceIntention {
    /// Its identity under `entry` (the entry it belongs to supplies the default namespace and
    /// partition).
    pub fn identity<'a>(&'a self, entry: &'a ServiceIntentions) -> SourceIdentity<'a> {
        let remote = !self.peer.is_empty() || !self.sameness_group.is_empty();
        let inherit = |own: &'a str, dest: &'a str| -> &'a str {
            if !own.is_empty() {
                own
            } else if !dest.is_empty() && dest != WILDCARD {
                dest
            } else {
                DEFAULT
            }
        };
        if remote {
            SourceIdentity {
                name: &self.name,
                namespace: or_default(&self.namespace),
                partition: &self.partition,
                peer: &self.peer,
                sameness_group: &self.sameness_group,
            }
        } else {
            SourceIdentity {
                name: &self.name,
                namespace: inherit(&self.namespace, &entry.namespace),
                partition: inherit(&self.partition, &entry.partition),
                peer: "",
                sameness_group: "",
            }
        }
    }

    /// An L7 intention: decided per request by `Permissions` (non-empty) rather than by `Action`.
    pub fn is_l7(&self) -> bool {
        !self.permissions.is_empty()
    }

    /// `Type`, `consul` when absent.
    pub fn source_type(&self) -> IntentionSourceType {
        self.r#type.unwrap_or_default()
    }

    /// Where the source was written (the whole `Sources` item).
    pub fn span(&self) -> Span {
        self.origin.span
    }
}

impl IntentionHttpPermission {
    /// The path match, if the block has one (when several are written, the first of Exact,
    /// Prefix, Regex; validation reports the others).
    pub fn path_match(&self) -> Option<PathMatch<'_>> {
        if !self.path_exact.is_empty() {
            Some(PathMatch::Exact(&self.path_exact))
        } else if !self.path_prefix.is_empty() {
            Some(PathMatch::Prefix(&self.path_prefix))
        } else if !self.path_regex.is_empty() {
            Some(PathMatch::Regex(&self.path_regex))
        } else {
            None
        }
    }

    pub fn methods(&self) -> impl Iterator<Item = HttpMethod> + '_ {
        self.methods.iter().map(|m| m.method)
    }
}

impl IntentionHttpHeader {
    /// The comparison, if one is written (when several are, the first in the order Present,
    /// Exact, Prefix, Suffix, Contains, Regex; validation reports the others).
    pub fn matcher(&self) -> Option<HeaderMatch<'_>> {
        self.matchers().next().map(|(_, m)| m)
    }

    /// Every comparison written, with its field name, in a fixed order.
    fn matchers(&self) -> impl Iterator<Item = (&'static str, HeaderMatch<'_>)> {
        let present = self.present.then_some(("present", HeaderMatch::Present));
        let strings = [
            ("exact", self.exact.as_str()),
            ("prefix", self.prefix.as_str()),
            ("suffix", self.suffix.as_str()),
            ("contains", self.contains.as_str()),
            ("regex", self.regex.as_str()),
        ];
        let strings = strings.into_iter().filter(|(_, v)| !v.is_empty()).map(|(field, v)| {
            let m = match field {
                "exact" => HeaderMatch::Exact(v),
                "prefix" => HeaderMatch::Prefix(v),
                "suffix" => HeaderMatch::Suffix(v),
                "contains" => HeaderMatch::Contains(v),
                _ => HeaderMatch::Regex(v),
            };
            (field, m)
        });
        present.into_iter().chain(strings)
    }
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// `source "web"`, or `Sources[2]` (0-based, as Consul counts) when the name is missing.
fn source_label(src: &SourceIntention, index: usize) -> String {
    if src.name.is_empty() {
        format!("Sources[{index}]")
    } else {
        format!("source \"{}\"", src.name)
    }
}

/// Consul's wildcard rules for a (name, namespace, partition, peer, sameness group) tuple:
/// `*` only as a whole name or namespace, an exact name never under a `*` namespace, and no `*` at
/// all in partitions, peers and sameness groups.
fn check_wildcards(owner: &str, origin: &Meta, parts: [&str; 5], cx: &mut Cx) {
    let [name, namespace, partition, peer, sameness_group] = parts;
    let partial = |v: &str| v != WILDCARD && v.contains(WILDCARD);
    if partial(namespace) {
        cx.error(
            Code::IntentionWildcard,
            origin.field("namespace"),
            format!(
                "{owner}: Namespace \"{namespace}\" uses `*` as part of a value; `*` may only stand alone (Namespace = \"*\")"
            ),
        );
    }
    if partial(name) {
        cx.error(
            Code::IntentionWildcard,
            origin.field("name"),
            format!(
                "{owner}: Name \"{name}\" uses `*` as part of a value; intentions have no prefix wildcards: use Name = \"*\" for every service, or the exact name"
            ),
        );
    } else if !name.is_empty() && name != WILDCARD && namespace == WILDCARD {
        cx.error(
            Code::IntentionWildcard,
            origin.field("name"),
            format!(
                "{owner}: an exact Name (\"{name}\") cannot be used with Namespace = \"*\"; use Name = \"*\" for every service in every namespace, or name the namespace"
            ),
        );
    }
    for (field, key, value) in [
        ("partition", "Partition", partition),
        ("peer", "Peer", peer),
        ("sameness_group", "SamenessGroup", sameness_group),
    ] {
        if value.contains(WILDCARD) {
            cx.error(
                Code::IntentionWildcard,
                origin.field(field),
                format!("{owner}: {key} \"{value}\" cannot contain `*`; wildcards are not allowed in {key}"),
            );
        }
    }
}

/// Consul's limits on config entry `Meta`: 64 pairs, keys up to 128 bytes, values up to 512.
fn check_meta(meta: &SortedMap<String, String>, at: Span, what: &str, cx: &mut Cx) {
    if meta.len() > META_MAX_PAIRS {
        cx.error(
            Code::InvalidValue,
            at,
            format!("{what} has {} pairs; Consul allows at most {META_MAX_PAIRS}", meta.len()),
        );
    }
    for (k, v) in meta {
        if k.len() > META_KEY_MAX_LEN {
            cx.error(
                Code::InvalidValue,
                at,
                format!("{what} key \"{k}\" is {} bytes long; Consul allows at most {META_KEY_MAX_LEN}", k.len()),
            );
        }
        if v.len() > META_VALUE_MAX_LEN {
            cx.error(
                Code::InvalidValue,
                at,
                format!(
                    "{what} value for key \"{k}\" is {} bytes long; Consul allows at most {META_VALUE_MAX_LEN}",
                    v.len()
                ),
            );
        }
    }
}

fn check_jwt(jwt: &IntentionJwtRequirement, owner: &str, cx: &mut Cx) {
    for (i, provider) in jwt.providers.iter().enumerate() {
        if provider.name.is_empty() {
            cx.error(
                Code::MissingField,
                provider.origin.span,
                format!("{owner}: JWT provider #{} needs `Name`, the name of a jwt-provider config entry", i + 1),
            );
        }
    }
}

/// Compiles a regex as Envoy would (RE2 syntax; the Rust engine accepts the same language for
/// what matters here), reporting why it does not.
fn check_regex(pattern: &str, at: Span, what: &str, cx: &mut Cx) {
    if let Err(why) = crate::re2::check(pattern) {
        cx.error(Code::InvalidRegex, at, format!("{what} \"{pattern}\" is not a valid regular expression: {why}"));
    }
}

/// `2006-01-02T15:04:05Z` or with a fraction and/or an offset (`+01:00`): Go's RFC 3339 form.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(digits(0..4)
        && at(4, b'-')
        && digits(5..7)
        && at(7, b'-')
        && digits(8..10)
        && at(10, b'T')
        && digits(11..13)
        && at(13, b':')
        && digits(14..16)
        && at(16, b':')
        && digits(17..19))
    {
        return false;
    }
    let mut i = 19;
    if at(i, b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => digits(i + 1..i + 3) && at(i + 3, b':') && digits(i + 4..i + 6) && i + 6 == b.len(),
        _ => false,
    }
}

fn validate_http(http: &IntentionHttpPermission, owner: &str, cx: &mut Cx) {
    let o = &http.origin;
    // At most one path match; report the extra ones where they are written.
    let paths: Vec<(&str, &str, &str)> = [
        ("path_exact", "PathExact", &http.path_exact),
        ("path_prefix", "PathPrefix", &http.path_prefix),
        ("path_regex", "PathRegex", &http.path_regex),
    ]
    .into_iter()
    .filter(|(_, _, v)| !v.is_empty())
    .map(|(f, k, v)| (f, k, v.as_str()))
    .collect();
    if let Some((_, first_key, _)) = paths.first() {
        for (field, key, _) in paths.iter().skip(1) {
            cx.error(
                Code::HttpMatch,
                o.field(field),
                format!(
                    "{owner}: an HTTP block takes at most one of PathExact, PathPrefix or PathRegex; found {first_key} and {key}"
                ),
            );
        }
    }
    for (field, key, value) in
        [("path_exact", "PathExact", &http.path_exact), ("path_prefix", "PathPrefix", &http.path_prefix)]
    {
        if !value.is_empty() && !value.starts_with('/') {
            cx.error(
                Code::HttpMatch,
                o.field(field),
                format!("{owner}: {key} \"{value}\" must start with \"/\" (try \"/{value}\")"),
            );
        }
    }
    if !http.path_regex.is_empty() {
        check_regex(&http.path_regex, o.field("path_regex"), &format!("{owner}: PathRegex"), cx);
    }

    for (k, hdr) in http.header.iter().enumerate() {
        let ho = &hdr.origin;
        let label = if hdr.name.is_empty() { format!("Header #{}", k + 1) } else { format!("Header \"{}\"", hdr.name) };
        if hdr.name.is_empty() {
            cx.error(Code::MissingField, ho.span, format!("{owner}: {label} needs `Name`, the header to match"));
        }
        let found: Vec<(&'static str, HeaderMatch<'_>)> = hdr.matchers().collect();
        match found.as_slice() {
            [] => cx.error(
                Code::HttpMatch,
                ho.span,
                format!(
                    "{owner}: {label} needs one of Present, Exact, Prefix, Suffix, Contains or Regex to say how the header must match"
                ),
            ),
            [(first, _), rest @ ..] => {
                for (field, _) in rest {
                    cx.error(
                        Code::HttpMatch,
                        ho.field(field),
                        format!(
                            "{owner}: {label} takes only one of Present, Exact, Prefix, Suffix, Contains or Regex; found {} and {}",
                            crate::decode::pascal_case(first),
                            crate::decode::pascal_case(field)
                        ),
                    );
                }
            }
        }
        if hdr.ignore_case {
            if let Some((field, _)) =
                found.iter().find(|(_, m)| matches!(m, HeaderMatch::Present | HeaderMatch::Regex(_)))
            {
                cx.error(
                    Code::HttpMatch,
                    ho.field("ignore_case"),
                    format!(
                        "{owner}: {label}: IgnoreCase applies to Exact, Prefix, Suffix and Contains, not to {}",
                        crate::decode::pascal_case(field)
                    ),
                );
            }
        }
        if !hdr.regex.is_empty() {
            check_regex(&hdr.regex, ho.field("regex"), &format!("{owner}: {label} Regex"), cx);
        }
    }

    let mut seen: Vec<HttpMethod> = Vec::new();
    for m in &http.methods {
        if seen.contains(&m.method) {
            cx.error(Code::HttpMatch, m.span, format!("{owner}: method {} is listed twice in Methods", m.method));
        } else {
            seen.push(m.method);
        }
    }

    if paths.is_empty() && http.header.is_empty() && http.methods.is_empty() {
        cx.error(
            Code::HttpMatch,
            o.span,
            format!(
                "{owner}: this HTTP block matches nothing; give at least one of PathExact, PathPrefix, PathRegex, Header or Methods (PathPrefix = \"/\" matches every request)"
            ),
        );
    }
}

fn validate_source(entry: &ServiceIntentions, src: &SourceIntention, index: usize, cx: &mut Cx) {
    let o = &src.origin;
    let owner = source_label(src, index);

    if src.name.is_empty() {
        cx.error(
            Code::MissingField,
            o.span,
            format!("{owner} needs `Name`: the source service, or \"*\" for every service"),
        );
    }
    check_wildcards(&owner, o, [&src.name, &src.namespace, &src.partition, &src.peer, &src.sameness_group], cx);

    let conflicts = [
        (
            !src.peer.is_empty() && !src.partition.is_empty(),
            "partition",
            "Peer and Partition",
            "a peered source's partition is the peer's business; drop Partition",
        ),
        (
            !src.sameness_group.is_empty() && !src.partition.is_empty(),
            "partition",
            "SamenessGroup and Partition",
            "the sameness group decides the partitions; drop Partition",
        ),
        (
            !src.sameness_group.is_empty() && !src.peer.is_empty(),
            "sameness_group",
            "SamenessGroup and Peer",
            "a sameness group already spans its peers; keep one of them",
        ),
    ];
    for (conflict, field, pair, help) in conflicts {
        if conflict {
            cx.push(
                Diagnostic::error(Code::ConflictingFields, o.field(field), format!("{owner} sets both {pair}"))
                    .with_note(format!("help: {help}")),
            );
        }
    }

    if src.description.len() > META_VALUE_MAX_LEN {
        cx.error(
            Code::InvalidValue,
            o.field("description"),
            format!(
                "{owner}: Description is {} bytes long; Consul allows at most {META_VALUE_MAX_LEN}",
                src.description.len()
            ),
        );
    }
    if !src.legacy_meta.is_empty() {
        cx.push(
            Diagnostic::error(
                Code::ReadOnlyField,
                o.field("legacy_meta"),
                format!("{owner}: LegacyMeta is read-only and Consul refuses an entry that sets it"),
            )
            .with_note("help: move these pairs to the entry's `Meta`, or remove LegacyMeta"),
        );
    }
    for (field, key, value) in [
        ("legacy_create_time", "LegacyCreateTime", &src.legacy_create_time),
        ("legacy_update_time", "LegacyUpdateTime", &src.legacy_update_time),
    ] {
        if !value.is_empty() && !is_rfc3339(value) {
            cx.error(
                Code::InvalidValue,
                o.field(field),
                format!("{owner}: {key} \"{value}\" is not an RFC 3339 time like \"2020-10-01T12:00:00Z\""),
            );
        }
    }

    // Exactly one of Action (L4) or Permissions (L7).
    match (src.action.is_some(), src.is_l7()) {
        (true, true) => cx.push(
            Diagnostic::error(
                Code::IntentionAction,
                o.field("action"),
                format!("{owner} has both Action and Permissions; an intention is either L4 (Action) or L7 (Permissions)"),
            )
            .with_note("help: remove Action: each permission carries its own Action, and requests no permission matches fall to the default policy"),
        ),
        (false, false) if o.field_opt("action").is_none() => cx.error(
            Code::IntentionAction,
            o.field_opt("permissions").unwrap_or(o.span),
            format!("{owner} needs Action = \"allow\" or \"deny\" (L4), or a non-empty Permissions list (L7)"),
        ),
        // An Action that failed to decode was reported already.
        _ => {}
    }

    if src.is_l7() && entry.has_wildcard_destination() {
        let dest = entry.destination();
        let which = if dest.is_wildcard_name() { "Name = \"*\"" } else { "Namespace = \"*\"" };
        cx.push(
            Diagnostic::error(
                Code::PermissionsOnWildcard,
                o.field("permissions"),
                format!("{owner}: Permissions cannot be used with a wildcard destination ({which})"),
            )
            .with_note("help: the services a wildcard matches may not all speak HTTP; put L7 rules in the entry of a named service, or use Action here"),
        );
    }

    for (j, perm) in src.permissions.iter().enumerate() {
        let perm_owner = format!("{owner}, permission #{}", j + 1);
        let po = &perm.origin;
        if perm.action.is_none() && po.field_opt("action").is_none() {
            cx.error(Code::MissingField, po.span, format!("{perm_owner} needs Action = \"allow\" or \"deny\""));
        }
        match &perm.http {
            Some(http) => validate_http(http, &perm_owner, cx),
            None if po.field_opt("http").is_none() => cx.error(
                Code::MissingField,
                po.span,
                format!(
                    "{perm_owner} needs an HTTP block saying which requests it applies to (Consul requires one, also with JWT; HTTP {{ PathPrefix = \"/\" }} matches every request)"
                ),
            ),
            None => {}
        }
        if let Some(jwt) = &perm.jwt {
            check_jwt(jwt, &perm_owner, cx);
        }
    }
}

impl Validate for ServiceIntentions {
    fn validate(&self, cx: &mut Cx) {
        let o = &self.origin;
        if self.name.is_empty() {
            cx.error(
                Code::MissingField,
                o.span,
                "a service-intentions entry needs `Name`: the destination service, or \"*\" for every service",
            );
        }
        check_wildcards("the destination", o, [&self.name, &self.namespace, &self.partition, "", ""], cx);
        if let Some(jwt) = &self.jwt {
            check_jwt(jwt, "the entry", cx);
        }
        check_meta(&self.meta, o.field("meta"), "Meta", cx);

        if self.sources.is_empty() {
            cx.error(
                Code::EmptyList,
                o.field("sources"),
                "a service-intentions entry needs at least one source in `Sources`",
            );
        }

        // Where each identity is first listed: a map, not a list searched per source (an entry
        // may have 100 000 sources).
        let mut seen: rustc_hash::FxHashMap<SourceIdentity<'_>, usize> = Default::default();
        for (i, (src, id)) in self.sources_with_identity().enumerate() {
            validate_source(self, src, i, cx);
            if src.name.is_empty() {
                continue;
            }
            match seen.get(&id) {
                Some(first) => cx.push(
                    Diagnostic::error(
                        Code::DuplicateSource,
                        src.origin.field("name"),
                        format!("source {} is listed twice (Sources[{first}] and Sources[{i}])", id.describe()),
                    )
                    .with_note("help: one destination has one intention per source; merge the two into one"),
                ),
                None => {
                    seen.insert(id, i);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
