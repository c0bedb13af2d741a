//! `service-router`: the first hop of a discovery chain. An ordered list of L7 routes (path,
//! header, query parameter and method matches) each sending matching requests to a destination
//! (service, subset, namespace, partition) with path rewriting, timeouts, retries and header
//! changes. The first matching route wins; requests matching none go to the router's own service
//! (the discovery chain compiler appends that catch-all route).
//!
//! Single-entry rules (as Consul applies them in `consul config write`):
//! - `Name` is required;
//! - a match uses at most one of `PathExact`, `PathPrefix`, `PathRegex`; `PathExact` and
//!   `PathPrefix` start with `/`;
//! - every `Header` and `QueryParam` matcher has a `Name` and exactly one of its match kinds
//!   (`Present`, `Exact`, `Prefix`, `Suffix`, `Regex` for headers; `Present`, `Exact`, `Regex` for
//!   query parameters);
//! - `Methods` are HTTP methods (Consul upper-cases them first, so `get` is `GET`), each once;
//! - `PrefixRewrite` needs a `PathPrefix` or `PathExact` match on the same route;
//! - `RetryOn` conditions come from Consul's documented set.
//!
//! We also compile every regex (RE2 syntax, which Envoy uses; Consul leaves that to Envoy, which
//! would reject the route at runtime).
//!
//! Consul's `ServiceRouteDestination` has no `Peer` field (routers cannot target a peer directly; a
//! resolver `Redirect` can), so none is accepted here.

use super::Validate;
use crate::decode::{Cx, Duration, Meta};
use crate::diag::{Code, Diagnostic};
use crate::sorted::SortedMap;
use crate::source::Span;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

decode_struct! {
    /// Header changes for requests or responses (`RequestHeaders`, `ResponseHeaders`), shared by
    /// routers and splitters. Values may use Envoy's `%VAR%` placeholders.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpHeaderModifiers("a header modifiers block (Add, Set, Remove)", pascal) {
        /// Appended, keeping any existing value of the same header.
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub add: SortedMap<String, String>,
        /// Replacing any existing value of the same header.
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub set: SortedMap<String, String>,
        /// Header names to strip.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub remove: Vec<String>,
    }
}

impl HttpHeaderModifiers {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.set.is_empty() && self.remove.is_empty()
    }
}

/// For `skip_serializing_if` on optional header modifier blocks.
pub(crate) fn no_modifiers(m: &Option<HttpHeaderModifiers>) -> bool {
    m.as_ref().is_none_or(HttpHeaderModifiers::is_empty)
}

decode_enum! {
    /// An HTTP method a route can match. Consul upper-cases methods before checking them, so any
    /// case is accepted; they are written back upper-case.
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

decode_enum! {
    /// A `RetryOn` condition (Envoy's `retry_on` values that Consul allows).
    pub enum RetryOn("a RetryOn condition") {
        FiveXx = "5xx",
        GatewayError = "gateway-error",
        Reset = "reset",
        ConnectFailure = "connect-failure",
        EnvoyRatelimited = "envoy-ratelimited",
        Retriable4xx = "retriable-4xx",
        RefusedStream = "refused-stream",
        Cancelled = "cancelled",
        DeadlineExceeded = "deadline-exceeded",
        Internal = "internal",
        ResourceExhausted = "resource-exhausted",
        Unavailable = "unavailable",
    }
}

decode_struct! {
    /// One `Header` matcher: a `Name` and exactly one of `Present`, `Exact`, `Prefix`, `Suffix`,
    /// `Regex`; `Invert` negates it.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HeaderMatch("a Header matcher", pascal) {
        pub name: String,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub present: bool,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub exact: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub prefix: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub suffix: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub regex: String,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub invert: bool,
    }
}

/// What a header or query parameter matcher tests. Consul treats an empty string as "not set".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueMatch<'a> {
    Present,
    Exact(&'a str),
    Prefix(&'a str),
    Suffix(&'a str),
    /// An RE2 regex that must match the whole value.
    Regex(&'a str),
}

impl HeaderMatch {
    /// The match kinds that are set, with the field each came from (valid matchers have one).
    fn kinds(&self) -> Vec<(&'static str, ValueMatch<'_>)> {
        let mut out = Vec::new();
        if self.present {
            out.push(("present", ValueMatch::Present));
        }
        if !self.exact.is_empty() {
            out.push(("exact", ValueMatch::Exact(&self.exact)));
        }
        if !self.prefix.is_empty() {
            out.push(("prefix", ValueMatch::Prefix(&self.prefix)));
        }
        if !self.suffix.is_empty() {
            out.push(("suffix", ValueMatch::Suffix(&self.suffix)));
        }
        if !self.regex.is_empty() {
            out.push(("regex", ValueMatch::Regex(&self.regex)));
        }
        out
    }

    /// The matcher's test, when exactly one kind is set (always, once validated).
    pub fn kind(&self) -> Option<ValueMatch<'_>> {
        match self.kinds().as_slice() {
            [(_, k)] => Some(*k),
            _ => None,
        }
    }
}

decode_struct! {
    /// One `QueryParam` matcher: a `Name` and exactly one of `Present`, `Exact`, `Regex`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct QueryParamMatch("a QueryParam matcher", pascal) {
        pub name: String,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub present: bool,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub exact: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub regex: String,
    }
}

impl QueryParamMatch {
    fn kinds(&self) -> Vec<(&'static str, ValueMatch<'_>)> {
        let mut out = Vec::new();
        if self.present {
            out.push(("present", ValueMatch::Present));
        }
        if !self.exact.is_empty() {
            out.push(("exact", ValueMatch::Exact(&self.exact)));
        }
        if !self.regex.is_empty() {
            out.push(("regex", ValueMatch::Regex(&self.regex)));
        }
        out
    }

    /// The matcher's test, when exactly one kind is set (always, once validated).
    pub fn kind(&self) -> Option<ValueMatch<'_>> {
        match self.kinds().as_slice() {
            [(_, k)] => Some(*k),
            _ => None,
        }
    }
}

decode_struct! {
    /// `Match.HTTP`: every criterion given must hold.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpMatch("an HTTP match block", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path_exact: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path_prefix: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub path_regex: String,
        /// Path matching ignores case (Consul 1.17+).
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub case_insensitive: bool,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub header: Vec<HeaderMatch>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub query_param: Vec<QueryParamMatch>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub methods: Vec<HttpMethod>,
    }
}

/// How a route matches the request path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathMatch<'a> {
    /// No path criterion: every path.
    Any,
    Exact(&'a str),
    Prefix(&'a str),
    /// An RE2 regex that must match the whole path.
    Regex(&'a str),
}

impl HttpMatch {
    /// No criterion at all: matches every request.
    pub fn is_empty(&self) -> bool {
        self.path_exact.is_empty()
            && self.path_prefix.is_empty()
            && self.path_regex.is_empty()
            && self.header.is_empty()
            && self.query_param.is_empty()
            && self.methods.is_empty()
    }

    /// The path criterion (the first one set, should several be: validation reports that).
    pub fn path(&self) -> PathMatch<'_> {
        if !self.path_exact.is_empty() {
            PathMatch::Exact(&self.path_exact)
        } else if !self.path_prefix.is_empty() {
            PathMatch::Prefix(&self.path_prefix)
        } else if !self.path_regex.is_empty() {
            PathMatch::Regex(&self.path_regex)
        } else {
            PathMatch::Any
        }
    }
}

decode_struct! {
    /// `Routes[].Match`. Empty or absent: a catch-all.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RouteMatch("a Match block", pascal) {
        #[serde(rename = "HTTP", skip_serializing_if = "Option::is_none")]
        pub http: Option<HttpMatch>,
    }
}

decode_struct! {
    /// `Routes[].Destination`: where matching requests go, and how.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RouteDestination("a Destination block", pascal) {
        /// Empty: the router's own service (`Name`).
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub service_subset: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub prefix_rewrite: String,
        /// Total time for the request, retries included. Zero: Envoy's default (15s).
        #[serde(skip_serializing_if = "is_zero")]
        pub request_timeout: Duration,
        /// Time the stream may be idle. Zero: Envoy's default.
        #[serde(skip_serializing_if = "is_zero")]
        pub idle_timeout: Duration,
        /// Zero: not set (Envoy retries once when any retry condition is set).
        #[serde(skip_serializing_if = "is_zero_u32")]
        pub num_retries: u32,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub retry_on_connect_failure: bool,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub retry_on: Vec<RetryOn>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub retry_on_status_codes: Vec<u32>,
        #[serde(skip_serializing_if = "no_modifiers")]
        pub request_headers: Option<HttpHeaderModifiers>,
        #[serde(skip_serializing_if = "no_modifiers")]
        pub response_headers: Option<HttpHeaderModifiers>,
    }
}

pub(crate) fn is_zero(d: &Duration) -> bool {
    d.nanos == 0
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

impl RouteDestination {
    /// The destination service: `Service`, or the router's name when empty.
    pub fn service_or<'a>(&'a self, router_name: &'a str) -> &'a str {
        if self.service.is_empty() {
            router_name
        } else {
            &self.service
        }
    }

    /// Any retry setting is given (Consul then configures an Envoy retry policy).
    pub fn has_retry_features(&self) -> bool {
        self.num_retries > 0
            || self.retry_on_connect_failure
            || !self.retry_on.is_empty()
            || !self.retry_on_status_codes.is_empty()
    }
}

decode_struct! {
    /// One route: a match and a destination.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ServiceRoute("a route", pascal) {
        #[serde(rename = "Match", skip_serializing_if = "Option::is_none")]
        pub r#match: Option<RouteMatch>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub destination: Option<RouteDestination>,
    }
}

impl ServiceRoute {
    /// The HTTP criteria, when any are given.
    pub fn http_match(&self) -> Option<&HttpMatch> {
        self.r#match.as_ref()?.http.as_ref()
    }

    /// Matches every request (no criteria, or empty ones).
    pub fn is_catch_all(&self) -> bool {
        self.http_match().is_none_or(HttpMatch::is_empty)
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "service-router", rename_all = "PascalCase")]
    pub struct ServiceRouter("a service-router entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub routes: Vec<ServiceRoute>,
    }
}

impl ServiceRouter {
    /// Every service this router can send traffic to, its own (the catch-all) first, each once.
    /// Namespaces and partitions are as written (empty: the router's own).
    pub fn destinations(&self) -> Vec<&str> {
        let mut out = vec![self.name.as_str()];
        for d in self.routes.iter().filter_map(|r| r.destination.as_ref()) {
            let s = d.service_or(&self.name);
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }
}

/// Reports a regex that RE2-style engines (Envoy's) would reject. `what` names the field, e.g.
/// "PathRegex".
pub(crate) fn check_regex(cx: &mut Cx, span: Span, what: &str, pattern: &str) {
    if let Err(reason) = crate::re2::check(pattern) {
        cx.error(Code::InvalidRegex, span, format!("{what} `{pattern}` is not a valid regular expression: {reason}"));
    }
}

/// "route #2": 1-based, as people count.
fn nth(i: usize) -> String {
    format!("#{}", i + 1)
}

fn validate_path(http: &HttpMatch, route: &str, cx: &mut Cx) {
    let given: Vec<(&str, &str)> = [
        ("path_exact", "PathExact", http.path_exact.as_str()),
        ("path_prefix", "PathPrefix", http.path_prefix.as_str()),
        ("path_regex", "PathRegex", http.path_regex.as_str()),
    ]
    .into_iter()
    .filter(|(_, _, v)| !v.is_empty())
    .map(|(f, k, _)| (f, k))
    .collect();
    if let [(_, first), rest @ ..] = given.as_slice() {
        for (field, key) in rest {
            cx.push(
                Diagnostic::error(
                    Code::HttpMatch,
                    http.origin.field(field),
                    format!("route {route} matches the path with both {first} and {key}; use only one of PathExact, PathPrefix or PathRegex"),
                )
                .with_note("to match several paths, write one route per path"),
            );
        }
    }
    for (field, key, value) in
        [("path_exact", "PathExact", &http.path_exact), ("path_prefix", "PathPrefix", &http.path_prefix)]
    {
        if !value.is_empty() && !value.starts_with('/') {
            cx.error(
                Code::HttpMatch,
                http.origin.field(field),
                format!("{key} \"{value}\" must start with `/` (did you mean \"/{value}\"?)"),
            );
        }
    }
    if !http.path_regex.is_empty() {
        check_regex(cx, http.origin.field("path_regex"), "PathRegex", &http.path_regex);
    }
}

/// Shared by header and query parameter matchers: a name, and exactly one match kind.
fn validate_matcher(
    origin: &Meta,
    name: &str,
    kinds: &[(&'static str, ValueMatch<'_>)],
    (what, noun): (&str, &str),
    allowed: &str,
    cx: &mut Cx,
) {
    if name.is_empty() {
        cx.error(Code::MissingField, origin.span, format!("a {what} needs `Name`: the {noun} to match"));
    }
    let label = if name.is_empty() { what.to_string() } else { format!("{what} `{name}`") };
    match kinds {
        [] => cx.error(
            Code::HttpMatch,
            origin.span,
            format!("{label} says nothing to match; give exactly one of {allowed} (Present = true matches any value)"),
        ),
        [_] => {}
        [(_, _), rest @ ..] => {
            let keys: Vec<String> = kinds.iter().map(|(f, _)| crate::decode::pascal_case(f)).collect();
            for (field, _) in rest {
                cx.error(
                    Code::HttpMatch,
                    origin.field(field),
                    format!("{label} sets {}; give exactly one of {allowed}", keys.join(" and ")),
                );
            }
        }
    }
    for (field, kind) in kinds {
        if let ValueMatch::Regex(re) = kind {
            check_regex(cx, origin.field(field), &format!("{label} Regex"), re);
        }
    }
}

fn validate_route(route: &ServiceRoute, index: usize, cx: &mut Cx) {
    let label = nth(index);
    let mut rewritable = false;
    if let Some(http) = route.http_match() {
        validate_path(http, &label, cx);
        rewritable = !http.path_exact.is_empty() || !http.path_prefix.is_empty();
        for h in &http.header {
            validate_matcher(
                &h.origin,
                &h.name,
                &h.kinds(),
                ("Header matcher", "header"),
                "Present, Exact, Prefix, Suffix or Regex",
                cx,
            );
        }
        for q in &http.query_param {
            validate_matcher(
                &q.origin,
                &q.name,
                &q.kinds(),
                ("QueryParam matcher", "query parameter"),
                "Present, Exact or Regex",
                cx,
            );
        }
        let mut seen = Vec::new();
        for m in &http.methods {
            if seen.contains(m) {
                cx.push(
                    Diagnostic::error(
                        Code::HttpMatch,
                        http.origin.field("methods"),
                        format!("route {label} lists method {m} more than once"),
                    )
                    .with_note("methods are compared after upper-casing, as Consul does: `get` is `GET`"),
                );
            } else {
                seen.push(*m);
            }
        }
    }
    if let Some(dest) = &route.destination {
        if !dest.prefix_rewrite.is_empty() && !rewritable {
            cx.push(
                Diagnostic::error(
                    Code::PrefixRewriteWithoutPath,
                    dest.origin.field("prefix_rewrite"),
                    format!(
                        "route {label} has PrefixRewrite \"{}\" but no PathPrefix or PathExact match to replace",
                        dest.prefix_rewrite
                    ),
                )
                .with_note("add `PathPrefix` (or `PathExact`) to this route's Match.HTTP, or remove PrefixRewrite"),
            );
        }
    }
}

impl Validate for ServiceRouter {
    fn validate(&self, cx: &mut Cx) {
        if self.name.is_empty() {
            cx.error(Code::MissingField, self.origin.span, "a service-router needs `Name`: the service it routes");
        }
        for (i, route) in self.routes.iter().enumerate() {
            validate_route(route, i, cx);
        }
    }
}

#[cfg(test)]
mod tests;
