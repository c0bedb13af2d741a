//! `http-route`: HTTP routing rules attached to api-gateway listeners. Each rule has matches
//! (path, headers, query, method; any one match selects the rule), request and response filters,
//! and weighted services.
//!
//! Consul's defaults, which the accessors apply: a rule without matches matches every request
//! ([`HttpRouteRule::effective_matches`]); a match without a path type matches the prefix `/`
//! ([`HttpMatch::effective_path`]); a service weight of zero or less counts as 1
//! ([`HttpRouteService::effective_weight`]); a route without hostnames takes its listener's
//! ([`HttpRoute::filtered_hostnames`]).

use super::api_gateway::{validate_parents, ApiGatewayProtocol, JwtRequirement, RouteParent};
use super::common::{check_host, require_name};
use super::service_defaults::Spanned;
use super::service_router::{HttpHeaderModifiers, HttpMethod, RetryOn};
use super::Validate;
use crate::decode::{Cx, Duration};
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::SortedMap;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

decode_enum! {
    /// How `Path.Value` is compared with the request path.
    #[derive(Default)]
    pub enum HttpPathMatchType("a path match type") {
        /// Not given: Consul then matches every path (prefix `/`), ignoring `Value`.
        #[default]
        Unset = "",
        Exact = "exact",
        /// Plain string prefix: `/dev` also matches `/deviate`.
        Prefix = "prefix",
        Regex = "regex",
    }
}

decode_enum! {
    /// How a header's value is compared.
    #[derive(Default)]
    pub enum HttpHeaderMatchType("a header match type") {
        #[default]
        Unset = "",
        Exact = "exact",
        Prefix = "prefix",
        Suffix = "suffix",
        Present = "present",
        Regex = "regex",
    }
}

decode_enum! {
    /// How a query parameter's value is compared.
    #[derive(Default)]
    pub enum HttpQueryMatchType("a query match type") {
        #[default]
        Unset = "",
        Exact = "exact",
        Present = "present",
        Regex = "regex",
    }
}

fn unset_path(m: &HttpPathMatchType) -> bool {
    *m == HttpPathMatchType::Unset
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpHeaderMatch("a header match", pascal) {
        pub r#match: HttpHeaderMatchType,
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub value: String,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpPathMatch("a path match", pascal) {
        #[serde(skip_serializing_if = "unset_path")]
        pub r#match: HttpPathMatchType,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub value: String,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpQueryMatch("a query match", pascal) {
        pub r#match: HttpQueryMatchType,
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub value: String,
    }
}

decode_struct! {
    /// One way to select a rule: every part given must match.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpMatch("a match", pascal) {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub headers: Vec<HttpHeaderMatch>,
        /// Any method when not given.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub method: Option<HttpMethod>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub path: Option<HttpPathMatch>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub query: Vec<HttpQueryMatch>,
    }
}

impl HttpMatch {
    /// The path test Consul applies: the one written, or prefix `/` (every path) when no path
    /// match type is given.
    pub fn effective_path(&self) -> (HttpPathMatchType, &str) {
        match &self.path {
            Some(p) if p.r#match != HttpPathMatchType::Unset => (p.r#match, p.value.as_str()),
            _ => (HttpPathMatchType::Prefix, "/"),
        }
    }
}

decode_struct! {
    /// `URLRewrite`: replace the matched path prefix.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct UrlRewrite("a URLRewrite block", pascal) {
        pub path: String,
    }
}

decode_struct! {
    /// `RetryFilter`: when and how often to retry a failed request.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RetryFilter("a RetryFilter block", pascal) {
        /// Retries after the first attempt (Consul's default: 1).
        #[serde(skip_serializing_if = "Option::is_none")]
        pub num_retries: Option<u32>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub retry_on: Vec<RetryOn>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub retry_on_status_codes: Vec<Spanned<u32>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub retry_on_connect_failure: Option<bool>,
    }
}

fn is_zero_duration(d: &Duration) -> bool {
    d.nanos == 0
}

decode_struct! {
    /// `TimeoutFilter`: limits for the whole request (retries included) and for idle streams.
    /// Numbers are nanoseconds; strings such as "5s" are read too. Zero means no limit set.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct TimeoutFilter("a TimeoutFilter block", pascal) {
        #[serde(skip_serializing_if = "is_zero_duration")]
        pub request_timeout: Duration,
        #[serde(skip_serializing_if = "is_zero_duration")]
        pub idle_timeout: Duration,
    }
}

decode_struct! {
    /// Request filters of a rule or of one service.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpFilters("a Filters block", pascal) {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub headers: Vec<HttpHeaderModifiers>,
        #[serde(rename = "URLRewrite", skip_serializing_if = "Option::is_none")]
        pub url_rewrite: Option<UrlRewrite>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub retry_filter: Option<RetryFilter>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub timeout_filter: Option<TimeoutFilter>,
        #[serde(rename = "JWT", skip_serializing_if = "Option::is_none")]
        pub jwt: Option<JwtRequirement>,
    }
}

decode_struct! {
    /// Response filters of a rule or of one service.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpResponseFilters("a ResponseFilters block", pascal) {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub headers: Vec<HttpHeaderModifiers>,
    }
}

fn is_zero_i32(n: &i32) -> bool {
    *n == 0
}

decode_struct! {
    /// A service a rule sends requests to.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpRouteService("an http-route service", pascal) {
        pub name: String,
        /// Empty means the route's own namespace.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        /// Empty means the route's own partition.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        /// Relative share of the rule's requests; see [`HttpRouteService::effective_weight`].
        #[serde(skip_serializing_if = "is_zero_i32")]
        pub weight: i32,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub filters: Option<HttpFilters>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub response_filters: Option<HttpResponseFilters>,
    }
}

impl HttpRouteService {
    /// The weight Consul uses: as written when positive, else 1. Weights are relative shares,
    /// not percentages; they need not sum to 100.
    pub fn effective_weight(&self) -> u32 {
        u32::try_from(self.weight).ok().filter(|w| *w > 0).unwrap_or(1)
    }

    /// The namespace the service is looked up in: its own, else the route's, else `default`.
    pub fn namespace_or<'a>(&'a self, route: &'a HttpRoute) -> &'a str {
        if self.namespace.is_empty() {
            or_default(&route.namespace)
        } else {
            &self.namespace
        }
    }

    /// The partition the service is looked up in: its own, else the route's, else `default`.
    pub fn partition_or<'a>(&'a self, route: &'a HttpRoute) -> &'a str {
        if self.partition.is_empty() {
            or_default(&route.partition)
        } else {
            &self.partition
        }
    }
}

decode_struct! {
    /// One routing rule.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct HttpRouteRule("an http-route rule", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub filters: Option<HttpFilters>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub response_filters: Option<HttpResponseFilters>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub matches: Vec<HttpMatch>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub services: Vec<HttpRouteService>,
    }
}

impl HttpRouteRule {
    /// The matches Consul uses: those written, or one that matches every request.
    pub fn effective_matches(&self) -> Vec<HttpMatch> {
        if self.matches.is_empty() {
            vec![HttpMatch {
                path: Some(HttpPathMatch {
                    r#match: HttpPathMatchType::Prefix,
                    value: "/".into(),
                    origin: self.origin.clone(),
                }),
                origin: self.origin.clone(),
                ..HttpMatch::default()
            }]
        } else {
            self.matches.clone()
        }
    }

    /// The sum of the effective weights, to turn a service's weight into a share.
    pub fn total_weight(&self) -> u64 {
        self.services.iter().map(|s| u64::from(s.effective_weight())).sum()
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "http-route", rename_all = "PascalCase")]
    pub struct HttpRoute("an http-route entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        pub parents: Vec<RouteParent>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub rules: Vec<HttpRouteRule>,
        /// Host names the route answers; empty means its listeners' host names.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub hostnames: Vec<Spanned<String>>,
    }
}

impl HttpRoute {
    /// The listener protocol this route attaches to.
    pub const PROTOCOL: ApiGatewayProtocol = ApiGatewayProtocol::Http;

    /// Every service the route sends to, over all rules.
    pub fn services(&self) -> impl Iterator<Item = &HttpRouteService> {
        self.rules.iter().flat_map(|r| r.services.iter())
    }

    /// The host names this route serves on a listener with `listener_hostname` (`*` or empty:
    /// any host), as Consul computes them: the listener's host when the route names none;
    /// otherwise the route's hosts that fall under a wildcard listener host (by suffix), or that
    /// equal an exact one.
    pub fn filtered_hostnames(&self, listener_hostname: &str) -> Vec<String> {
        let listener = if listener_hostname.is_empty() { "*" } else { listener_hostname };
        if self.hostnames.is_empty() {
            return vec![listener.to_string()];
        }
        let wildcard = listener.contains('*');
        let suffix = listener.trim_start_matches('*').trim_start_matches('.');
        self.hostnames
            .iter()
            .map(|h| h.value.as_str())
            .filter(|h| if wildcard { h.ends_with(suffix) } else { *h == listener })
            .map(str::to_string)
            .collect()
    }
}

fn check_filters(filters: &HttpFilters, cx: &mut Cx) {
    if let Some(rw) = &filters.url_rewrite {
        if !rw.path.is_empty() && !rw.path.starts_with('/') {
            cx.error(
                Code::RouteFilter,
                rw.origin.field("path"),
                format!("URLRewrite.Path \"{}\" must start with `/`: it replaces the matched path prefix", rw.path),
            );
        }
    }
    if let Some(retry) = &filters.retry_filter {
        for code in &retry.retry_on_status_codes {
            if !(100..=599).contains(&code.value) {
                cx.error(
                    Code::RouteFilter,
                    code.span,
                    format!(
                        "{} is not an HTTP status code; RetryOnStatusCodes takes codes from 100 to 599",
                        code.value
                    ),
                );
            }
        }
    }
    if let Some(jwt) = &filters.jwt {
        jwt.check(cx);
    }
}

fn check_match(m: &HttpMatch, cx: &mut Cx) {
    for h in &m.headers {
        if h.name.is_empty() {
            cx.error(Code::HttpMatch, h.origin.span, "a header match needs the `Name` of the header");
        }
        if h.r#match == HttpHeaderMatchType::Unset {
            cx.error(
                Code::HttpMatch,
                h.origin.span,
                "a header match needs `Match`: \"exact\", \"prefix\", \"suffix\", \"present\" or \"regex\"",
            );
        }
    }
    for q in &m.query {
        if q.name.is_empty() {
            cx.error(Code::HttpMatch, q.origin.span, "a query match needs the `Name` of the query parameter");
        }
        if q.r#match == HttpQueryMatchType::Unset {
            cx.error(
                Code::HttpMatch,
                q.origin.span,
                "a query match needs `Match`: \"exact\", \"present\" or \"regex\"",
            );
        }
    }
    if let Some(p) = &m.path {
        match p.r#match {
            HttpPathMatchType::Unset if !p.value.is_empty() => cx.push(
                Diagnostic::error(
                    Code::HttpMatch,
                    p.origin.field("value"),
                    format!("Path.Value \"{}\" has no `Match`, so Consul ignores it and matches every path", p.value),
                )
                .with_note("add Match = \"prefix\" (or \"exact\" or \"regex\")"),
            ),
            HttpPathMatchType::Exact | HttpPathMatchType::Prefix if !p.value.starts_with('/') => cx.error(
                Code::HttpMatch,
                p.origin.field("value"),
                format!("a {} path match must start with `/`; found \"{}\"", p.r#match, p.value),
            ),
            _ => {}
        }
    }
}

impl Validate for HttpRoute {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "an http-route entry");
        validate_parents(&self.parents, &self.origin, "an http-route", &self.namespace, &self.partition, cx);
        for host in &self.hostnames {
            if let Err(why) = check_host(&host.value, false) {
                cx.error(Code::InvalidHost, host.span, format!("host name \"{}\" {why}", host.value));
            }
        }
        for rule in &self.rules {
            if let Some(f) = &rule.filters {
                check_filters(f, cx);
            }
            for m in &rule.matches {
                check_match(m, cx);
            }
            for svc in &rule.services {
                if svc.name.is_empty() {
                    cx.error(Code::MissingField, svc.origin.span, "an http-route service needs a `Name`");
                }
                if let Some(f) = &svc.filters {
                    check_filters(f, cx);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, diags, entry, messages, one};
    use crate::model::ConfigEntry;

    const FULL_HCL: &str = r#"
Kind      = "http-route"
Name      = "api-routes"
Namespace = "default"
Partition = "default"
Meta = {
  owner = "web"
}
Hostnames = ["api.example.com", "www.example.com"]
Parents = [
  {
    Kind        = "api-gateway"
    Name        = "api-gateway"
    SectionName = "listener-one"
  }
]
Rules = [
  {
    Filters = {
      Headers = [
        {
          Add    = { "x-route" = "api" }
          Set    = { "x-env" = "prod" }
          Remove = ["x-debug"]
        }
      ]
      URLRewrite = {
        Path = "/v2/"
      }
      RetryFilter = {
        NumRetries            = 3
        RetryOn               = ["reset", "gateway-error"]
        RetryOnStatusCodes    = [503]
        RetryOnConnectFailure = true
      }
      TimeoutFilter = {
        RequestTimeout = "10s"
        IdleTimeout    = "30s"
      }
      JWT = {
        Providers = [
          {
            Name = "okta"
            VerifyClaims = {
              Path  = ["perms", "role"]
              Value = "admin"
            }
          }
        ]
      }
    }
    ResponseFilters = {
      Headers = [
        {
          Remove = ["server"]
        }
      ]
    }
    Matches = [
      {
        Headers = [
          {
            Match = "exact"
            Name  = "x-canary"
            Value = "true"
          }
        ]
        Method = "GET"
        Path = {
          Match = "prefix"
          Value = "/api"
        }
        Query = [
          {
            Match = "present"
            Name  = "debug"
          }
        ]
      }
    ]
    Services = [
      {
        Name   = "api-v2"
        Weight = 90
        Filters = {
          Headers = [
            {
              Set = { "x-version" = "2" }
            }
          ]
        }
        ResponseFilters = {
          Headers = [
            {
              Add = { "x-served-by" = "v2" }
            }
          ]
        }
      },
      {
        Name   = "api-v1"
        Weight = 10
      }
    ]
  },
  {
    Services = [
      {
        Name = "web"
      }
    ]
  }
]
"#;

    const FULL_JSON: &str = r#"{
  "Kind": "http-route",
  "Name": "api-routes",
  "Namespace": "default",
  "Partition": "default",
  "Meta": { "owner": "web" },
  "Hostnames": ["api.example.com", "www.example.com"],
  "Parents": [{ "Kind": "api-gateway", "Name": "api-gateway", "SectionName": "listener-one" }],
  "Rules": [
    {
      "Filters": {
        "Headers": [{ "Add": { "x-route": "api" }, "Set": { "x-env": "prod" }, "Remove": ["x-debug"] }],
        "URLRewrite": { "Path": "/v2/" },
        "RetryFilter": {
          "NumRetries": 3,
          "RetryOn": ["reset", "gateway-error"],
          "RetryOnStatusCodes": [503],
          "RetryOnConnectFailure": true
        },
        "TimeoutFilter": { "RequestTimeout": 10000000000, "IdleTimeout": "30s" },
        "JWT": { "Providers": [{ "Name": "okta", "VerifyClaims": { "Path": ["perms", "role"], "Value": "admin" } }] }
      },
      "ResponseFilters": { "Headers": [{ "Remove": ["server"] }] },
      "Matches": [
        {
          "Headers": [{ "Match": "exact", "Name": "x-canary", "Value": "true" }],
          "Method": "GET",
          "Path": { "Match": "prefix", "Value": "/api" },
          "Query": [{ "Match": "present", "Name": "debug" }]
        }
      ],
      "Services": [
        {
          "Name": "api-v2",
          "Weight": 90,
          "Filters": { "Headers": [{ "Set": { "x-version": "2" } }] },
          "ResponseFilters": { "Headers": [{ "Add": { "x-served-by": "v2" } }] }
        },
        { "Name": "api-v1", "Weight": 10 }
      ]
    },
    { "Services": [{ "Name": "web" }] }
  ]
}"#;

    const FULL_YAML: &str = r#"
Kind: http-route
Name: api-routes
Namespace: default
Partition: default
Meta:
  owner: web
Hostnames: [api.example.com, www.example.com]
Parents:
  - Kind: api-gateway
    Name: api-gateway
    SectionName: listener-one
Rules:
  - Filters:
      Headers:
        - Add: { x-route: api }
          Set: { x-env: prod }
          Remove: [x-debug]
      URLRewrite:
        Path: /v2/
      RetryFilter:
        NumRetries: 3
        RetryOn: [reset, gateway-error]
        RetryOnStatusCodes: [503]
        RetryOnConnectFailure: true
      TimeoutFilter:
        RequestTimeout: 10s
        IdleTimeout: 30s
      JWT:
        Providers:
          - Name: okta
            VerifyClaims:
              Path: [perms, role]
              Value: admin
    ResponseFilters:
      Headers:
        - Remove: [server]
    Matches:
      - Headers:
          - Match: exact
            Name: x-canary
            Value: "true"
        Method: GET
        Path:
          Match: prefix
          Value: /api
        Query:
          - Match: present
            Name: debug
    Services:
      - Name: api-v2
        Weight: 90
        Filters:
          Headers:
            - Set: { x-version: "2" }
        ResponseFilters:
          Headers:
            - Add: { x-served-by: v2 }
      - Name: api-v1
        Weight: 10
  - Services:
      - Name: web
"#;

    fn route(file: &str, text: &str) -> HttpRoute {
        match entry(file, text) {
            ConfigEntry::HttpRoute(r) => r,
            other => panic!("not an http-route: {other:?}"),
        }
    }

    #[test]
    fn the_full_example_decodes_the_same_in_every_format() {
        let hcl = route("x.hcl", FULL_HCL);
        assert_eq!(hcl, route("x.json", FULL_JSON));
        assert_eq!(hcl, route("x.yaml", FULL_YAML));
        let rule = &hcl.rules[0];
        let timeout = rule.filters.as_ref().and_then(|f| f.timeout_filter.clone()).unwrap_or_default();
        assert_eq!(timeout.request_timeout, Duration::from_secs(10));
        assert_eq!(rule.matches[0].method, Some(HttpMethod::Get));
        let json = serde_json::to_value(&hcl).unwrap_or_default();
        assert_eq!(json["Rules"][0]["Filters"]["URLRewrite"]["Path"], "/v2/");
        assert_eq!(json["Rules"][0]["Filters"]["JWT"]["Providers"][0]["Name"], "okta");
        assert_eq!(json["Rules"][0]["Matches"][0]["Path"]["Match"], "prefix");
        assert_eq!(json["Rules"][0]["Filters"]["TimeoutFilter"]["RequestTimeout"], "10s");
        assert_eq!(json["Parents"][0]["Kind"], "api-gateway");
    }

    #[test]
    fn accessors_apply_consul_defaults() {
        let r = route("x.hcl", FULL_HCL);
        let catch_all = &r.rules[1];
        assert_eq!(catch_all.effective_matches()[0].effective_path(), (HttpPathMatchType::Prefix, "/"));
        assert_eq!(r.rules[0].effective_matches()[0].effective_path(), (HttpPathMatchType::Prefix, "/api"));
        assert_eq!(r.rules[0].total_weight(), 100);
        assert_eq!(catch_all.services[0].effective_weight(), 1);
        let negative = HttpRouteService { weight: -5, ..Default::default() };
        assert_eq!(negative.effective_weight(), 1);
        assert_eq!(r.services().count(), 3);
        assert_eq!(r.filtered_hostnames("*.example.com"), vec!["api.example.com", "www.example.com"]);
        assert_eq!(r.filtered_hostnames("api.example.com"), vec!["api.example.com"]);
        assert!(r.filtered_hostnames("other.org").is_empty());
        let bare = HttpRoute::default();
        assert_eq!(bare.filtered_hostnames(""), vec!["*"]);
        assert_eq!(r.services().next().map(|s| s.namespace_or(&r)), Some("default"));
    }

    #[test]
    fn a_route_without_a_path_type_matches_everything_and_says_so() {
        let text = "Kind = \"http-route\"\nName = \"r\"\nParents = [{ Name = \"gw\" }]\nRules = [{ Matches = [{ Path = { Value = \"/admin\" } }] }]\n";
        assert_eq!(diags("x.hcl", text), one("E0311", &at(text, "\"/admin\"", 1)));
        assert_eq!(
            messages("x.hcl", text),
            vec!["Path.Value \"/admin\" has no `Match`, so Consul ignores it and matches every path"]
        );
    }

    #[test]
    fn path_header_and_query_matches_follow_consul() {
        let text = r#"Kind = "http-route"
Name = "r"
Parents = [{ Name = "gw" }]
Rules = [{
  Matches = [
    { Path = { Match = "exact", Value = "admin" } },
    { Path = { Match = "regex", Value = "^/v[0-9]+" } },
    { Headers = [{ Match = "exact", Value = "x" }, { Name = "x-a" }] },
    { Query = [{ Name = "q" }, { Match = "present" }] },
  ]
  Services = [{ Name = "web" }]
}]
"#;
        assert_eq!(
            diags("x.hcl", text),
            vec![
                ("E0311".to_string(), at(text, "\"admin\"", 1)),
                ("E0311".to_string(), at(text, "{ Match = \"exact\", Value = \"x\"", 1)),
                ("E0311".to_string(), at(text, "{ Name = \"x-a\"", 1)),
                ("E0311".to_string(), at(text, "{ Name = \"q\"", 1)),
                ("E0311".to_string(), at(text, "{ Match = \"present\"", 1)),
            ]
        );
        let method = text.replace("Services = [", "Matches = [{ Method = \"FETCH\" }]\n  Services = [");
        assert!(diags("x.hcl", &method).contains(&("E0205".to_string(), at(&method, "\"FETCH\"", 1))));
        let kind = "Kind = \"http-route\"\nName = \"r\"\nParents = [{ Name = \"gw\" }]\nRules = [{ Matches = [{ Path = { Match = \"prefx\", Value = \"/\" } }] }]\n";
        assert_eq!(diags("x.hcl", kind), one("E0205", &at(kind, "\"prefx\"", 1)));
    }

    #[test]
    fn parents_are_required_named_unique_and_api_gateways() {
        let none = "Kind = \"http-route\"\nName = \"r\"\nRules = [{ Services = [{ Name = \"web\" }] }]\n";
        assert_eq!(diags("x.hcl", none), one("E0319", "1:1"));
        let text = "Kind = \"http-route\"\nName = \"r\"\nParents = [\n  { Kind = \"api-gateway\" },\n  { Name = \"gw\" },\n  { Name = \"gw\", Kind = \"api-gateway\", Namespace = \"default\" },\n  { Name = \"gw\", SectionName = \"l2\" },\n]\n";
        assert_eq!(
            diags("x.hcl", text),
            vec![
                ("E0203".to_string(), at(text, "{ Kind", 1)),
                ("E0377".to_string(), at(text, "{ Name = \"gw\", Kind", 1))
            ]
        );
        let kind = "Kind = \"http-route\"\nName = \"r\"\nParents = [{ Kind = \"ingress-gateway\", Name = \"gw\" }]\n";
        assert_eq!(diags("x.hcl", kind), one("E0377", &at(kind, "\"ingress-gateway\"", 1)));
    }

    #[test]
    fn hostnames_are_plain_dns_names() {
        let text = "Kind = \"http-route\"\nName = \"r\"\nParents = [{ Name = \"gw\" }]\nHostnames = [\"ok.example.com\", \"*.example.com\", \"bad host\"]\n";
        assert_eq!(
            diags("x.hcl", text),
            vec![
                ("E0370".to_string(), at(text, "\"*.example.com\"", 1)),
                ("E0370".to_string(), at(text, "\"bad host\"", 1)),
            ]
        );
    }

    #[test]
    fn filters_and_services_are_checked() {
        let text = r#"Kind = "http-route"
Name = "r"
Parents = [{ Name = "gw" }]
Rules = [{
  Filters = {
    URLRewrite = { Path = "v2" }
    RetryFilter = { RetryOnStatusCodes = [503, 42] }
  }
  Services = [{ Weight = 3 }, { Name = "b", Filters = { URLRewrite = { Path = "x" } } }]
}]
"#;
        assert_eq!(
            diags("x.hcl", text),
            vec![
                ("E0381".to_string(), at(text, "\"v2\"", 1)),
                ("E0381".to_string(), at(text, "42", 1)),
                ("E0203".to_string(), at(text, "{ Weight", 1)),
                ("E0381".to_string(), at(text, "\"x\"", 1)),
            ]
        );
        let retry_on = text.replace("RetryOnStatusCodes = [503, 42]", "RetryOn = [\"5xx\", \"gateway_error\"]");
        let ws = crate::workspace::Workspace::from_text("x.hcl", &retry_on);
        assert_eq!(ws.diagnostics[0].code, Code::InvalidEnum);
        assert_eq!(ws.diagnostics[0].notes, vec!["help: did you mean \"gateway-error\"?".to_string()]);
    }

    #[test]
    fn the_entry_needs_a_name() {
        let text = "Kind = \"http-route\"\nParents = [{ Name = \"gw\" }]\n";
        assert_eq!(diags("x.hcl", text), one("E0203", "1:1"));
    }
}
