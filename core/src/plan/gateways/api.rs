//! API gateways: named listeners (port, protocol, host name) and the http-route and tcp-route
//! entries attached to them, merged as Consul's gateway chain synthesizer merges them.
//!
//! The listeners come from the api-gateway entry whose `Name` is the gateway's service name (same
//! namespace and partition), ordered by port, then name. A route attaches to a listener when one
//! of its `Parents` names the gateway and either that listener (`SectionName`) or no listener, and
//! the listener's protocol is the route's (http for http-route, tcp for tcp-route).
//!
//! **http listeners.** Each attached http-route serves its `Hostnames` that fall under the
//! listener's `Hostname` (all of a `*.example.com` listener's subdomains; exactly an exact one),
//! or the listener's host when it names none; a route left with no host is not attached (noted).
//! Per host, every rule of every route is flattened to one route per match (a rule without matches
//! matches every request: `prefix /`), then ordered as Consul orders them — a stable sort on:
//!
//! 1. the path match's value, longest first (whatever its type: Consul compares lengths only, so a
//!    12-character regex comes before a 4-character prefix, and an exact and a prefix match of the
//!    same value keep their relative order);
//! 2. more header matches first;
//! 3. more query matches first;
//!
//! and where all three tie, the order before sorting: routes by name (then namespace, partition),
//! rules in the order written, matches in the order written. Methods do not affect the order.
//! Hosts are listed exact names first (by name), then `*.suffix` names longest first, then `*`.
//!
//! A rule's services are weighted by `Weight` (a missing or non-positive weight counts as 1), each
//! service's share going to the targets its splitter or resolver reaches (its own router is not
//! consulted). Filters: the rule's header changes, `URLRewrite` (a prefix rewrite), `RetryFilter`
//! and `TimeoutFilter`; a service's own header changes apply to its targets, and with a single
//! service its `URLRewrite` replaces the rule's (Consul ignores it when the rule splits). Consul
//! compiles the rules into a synthesized router, so a resolver's `RequestTimeout` never applies
//! here (only `TimeoutFilter`'s), and a route hashes as the first of its services whose splitter or
//! resolver balances by hash. Each route carries the JWT requirement that applies to it (see
//! [`super::api_jwt`] for how listener and route blocks merge).
//!
//! **tcp listeners.** Each attached tcp-route (by name) forwards to its service's resolver target.
//! Consul serves one service per tcp listener; several routes are noted.

use super::{reduce_weights, Context, GatewayIdentity, HeaderModifiers, HttpRoute, MatchKind, PathMatch, Retry};
use super::{RouteMatch, RouteTarget, ServiceId, TcpRoute, ValueMatch, VirtualHost};
use crate::identity::or_default;
use crate::intentions::Origin;
use crate::model::api_gateway::{ApiGatewayListener, ApiGatewayProtocol};
use crate::model::http_route::{
    HttpHeaderMatchType, HttpMatch, HttpPathMatchType, HttpQueryMatchType, HttpRoute as RouteEntry, HttpRouteRule,
};
use crate::model::tcp_route::TcpRoute as TcpRouteEntry;
use crate::model::ConfigEntry;
use crate::plan::protocols::Protocol;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiTable {
    /// The identity requests come from, as intentions name it: the gateway's service.
    pub source: ServiceId,
    /// Ordered by port, then name.
    pub listeners: Vec<ApiListener>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiListener {
    pub name: String,
    pub port: u16,
    pub protocol: Protocol,
    /// The listener's host name; `*` for any.
    pub hostname: String,
    /// The listener terminates TLS with its certificates.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tls: bool,
    /// http listeners: one virtual host per host name, exact names first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<VirtualHost>,
    /// tcp listeners: the attached tcp-routes, by name (Consul serves the first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tcp: Vec<TcpRoute>,
    pub origin: Origin,
}

pub(crate) fn compile(cx: &Context<'_>, gw: &GatewayIdentity, notes: &mut Vec<String>) -> ApiTable {
    let source = gw.as_service();
    let Some(entry) = cx.entries.api_gateway(&source) else {
        notes.push(format!("no api-gateway entry is named `{}`: the gateway has no listeners", gw.name));
        return ApiTable { source, listeners: Vec::new() };
    };
    let mut http_routes: Vec<&RouteEntry> = cx
        .ws
        .entries()
        .filter_map(|e| match e {
            ConfigEntry::HttpRoute(r) => Some(r),
            _ => None,
        })
        .collect();
    crate::sorting::sort_by(&mut http_routes, |a, b| {
        (&a.name, or_default(&a.namespace), or_default(&a.partition)).cmp(&(
            &b.name,
            or_default(&b.namespace),
            or_default(&b.partition),
        ))
    });
    let mut tcp_routes: Vec<&TcpRouteEntry> = cx
        .ws
        .entries()
        .filter_map(|e| match e {
            ConfigEntry::TcpRoute(r) => Some(r),
            _ => None,
        })
        .collect();
    crate::sorting::sort_by(&mut tcp_routes, |a, b| {
        (&a.name, or_default(&a.namespace), or_default(&a.partition)).cmp(&(
            &b.name,
            or_default(&b.namespace),
            or_default(&b.partition),
        ))
    });
    let mut listeners = Vec::new();
    for l in &entry.listeners {
        let protocol = match l.protocol {
            ApiGatewayProtocol::Http => Protocol::Http,
            ApiGatewayProtocol::Tcp => Protocol::Tcp,
            ApiGatewayProtocol::Unset => continue,
        };
        let mut out = ApiListener {
            name: l.name.clone(),
            port: l.port,
            protocol,
            hostname: l.hostname_or_any().to_string(),
            tls: l.terminates_tls(),
            hosts: Vec::new(),
            tcp: Vec::new(),
            origin: cx.origin(l.origin.span),
        };
        if protocol == Protocol::Http {
            let attached: Vec<&RouteEntry> = http_routes
                .iter()
                .copied()
                .filter(|r| r.parents.iter().any(|p| p.selects(entry, &l.name, &r.namespace, &r.partition)))
                .collect();
            out.hosts = http_hosts(cx, gw, l, &attached, notes);
        } else {
            let attached: Vec<&TcpRouteEntry> = tcp_routes
                .iter()
                .copied()
                .filter(|r| r.parents.iter().any(|p| p.selects(entry, &l.name, &r.namespace, &r.partition)))
                .collect();
            if attached.len() > 1 {
                let names: Vec<&str> = attached.iter().map(|r| r.name.as_str()).collect();
                notes.push(format!(
                    "tcp listener `{}` has {} tcp-routes ({}); Consul serves one service per tcp listener",
                    l.name,
                    attached.len(),
                    names.join(", ")
                ));
            }
            for r in attached {
                let Some(s) = r.service() else { continue };
                let svc = ServiceId::new(&s.name, s.namespace_or(r), s.partition_or(r));
                let mut targets = cx.service_targets(&svc, &gw.datacenter);
                reduce_weights(&mut targets);
                out.tcp.push(TcpRoute {
                    route: r.name.clone(),
                    service: svc,
                    targets,
                    origin: cx.origin(r.origin.span),
                });
            }
        }
        listeners.push(out);
    }
    crate::sorting::sort_by(&mut listeners, |a, b| (a.port, &a.name).cmp(&(b.port, &b.name)));
    ApiTable { source, listeners }
}

/// One flattened match of one rule, before sorting.
struct Flat<'a> {
    route: &'a RouteEntry,
    rule: &'a HttpRouteRule,
    http: HttpMatch,
}

fn http_hosts(
    cx: &Context<'_>,
    gw: &GatewayIdentity,
    l: &ApiGatewayListener,
    routes: &[&RouteEntry],
    notes: &mut Vec<String>,
) -> Vec<VirtualHost> {
    let mut by_host: SortedMap<String, Vec<Flat<'_>>> = SortedMap::new();
    for route in routes {
        let hosts = route.filtered_hostnames(&l.hostname);
        if hosts.is_empty() {
            notes.push(format!(
                "http-route `{}` names no host under listener `{}`'s hostname {}: it is not attached there",
                route.name,
                l.name,
                l.hostname_or_any()
            ));
        }
        for host in hosts {
            let flat = by_host.entry(host).or_default();
            for rule in &route.rules {
                for http in rule.effective_matches() {
                    flat.push(Flat { route, rule, http });
                }
            }
        }
    }
    let mut hosts: Vec<VirtualHost> = by_host
        .into_iter()
        .map(|(host, mut flat)| {
            // Consul's order (stable): longer path value, more headers, more query matches.
            crate::sorting::sort_by_key(&mut flat, |f| {
                let (_, value) = f.http.effective_path();
                (
                    std::cmp::Reverse(value.len()),
                    std::cmp::Reverse(f.http.headers.len()),
                    std::cmp::Reverse(f.http.query.len()),
                )
            });
            let routes = flat.iter().map(|f| http_route(cx, gw, l, f)).collect();
            let origin = flat.first().map(|f| cx.origin(f.route.origin.span)).unwrap_or_default();
            VirtualHost {
                domains: vec![host],
                service: None,
                request_headers: HeaderModifiers::default(),
                response_headers: HeaderModifiers::default(),
                routes,
                origin,
            }
        })
        .collect();
    crate::sorting::sort_by_key(&mut hosts, |h| host_rank(h.domains.first().map_or("", String::as_str)));
    hosts
}

/// Envoy's host precedence: exact names (by name), then `*.suffix` (longest first), then
/// `prefix.*` (longest first), then `*`; ties by name.
pub(crate) fn host_rank(host: &str) -> (u8, std::cmp::Reverse<usize>, String) {
    let class = if host == "*" {
        3
    } else if host.starts_with('*') {
        1
    } else if host.ends_with('*') {
        2
    } else {
        0
    };
    let length = if class == 0 { 0 } else { host.len() };
    (class, std::cmp::Reverse(length), host.to_string())
}

fn http_route(cx: &Context<'_>, gw: &GatewayIdentity, l: &ApiGatewayListener, f: &Flat<'_>) -> HttpRoute {
    let rule = f.rule;
    let (default_jwt, override_jwt) = super::api_jwt::listener_blocks(l);
    let jwt = super::api_jwt::effective(default_jwt, super::api_jwt::rule_block(rule), override_jwt)
        .and_then(|b| crate::plan::jwt::gateway_requirement(cx.ws, b));
    let filters = rule.filters.as_ref();
    let mut request_headers = HeaderModifiers::from_models(filters.into_iter().flat_map(|x| &x.headers));
    let mut response_headers =
        HeaderModifiers::from_models(rule.response_filters.as_ref().into_iter().flat_map(|x| &x.headers));
    let mut prefix_rewrite =
        filters.and_then(|x| x.url_rewrite.as_ref()).filter(|r| !r.path.is_empty()).map(|r| r.path.clone());
    let single = rule.services.len() == 1;
    // The route reaches each service's splitter or resolver (Consul's synthesized router): their
    // first hash policies are the route's.
    let hash_policies = rule
        .services
        .iter()
        .map(|s| {
            cx.service_hash_policies(
                &ServiceId::new(&s.name, s.namespace_or(f.route), s.partition_or(f.route)),
                &gw.datacenter,
            )
        })
        .find(|h| !h.is_empty())
        .unwrap_or_default();
    let mut targets: Vec<RouteTarget> = Vec::new();
    for s in &rule.services {
        let svc = ServiceId::new(&s.name, s.namespace_or(f.route), s.partition_or(f.route));
        let weight = u64::from(s.effective_weight());
        let own_request = HeaderModifiers::from_models(s.filters.as_ref().into_iter().flat_map(|x| &x.headers));
        let own_response =
            HeaderModifiers::from_models(s.response_filters.as_ref().into_iter().flat_map(|x| &x.headers));
        if single {
            // Consul merges a lone service's filters into the rule's; its URLRewrite wins.
            request_headers.merge(&own_request);
            response_headers.merge(&own_response);
            if let Some(rw) = s.filters.as_ref().and_then(|x| x.url_rewrite.as_ref()) {
                prefix_rewrite = (!rw.path.is_empty()).then(|| rw.path.clone());
            }
        }
        // In a split, a service's own JWT filter is its targets' (the route's stays the rule's).
        let own_jwt = s
            .filters
            .as_ref()
            .and_then(|x| x.jwt.as_ref())
            .filter(|b| !single && !b.providers.is_empty())
            .and_then(|b| super::api_jwt::effective(default_jwt, Some(b), override_jwt))
            .and_then(|b| crate::plan::jwt::gateway_requirement(cx.ws, b));
        for mut t in cx.service_targets(&svc, &gw.datacenter) {
            t.weight *= weight;
            if !single {
                t.request_headers.merge(&own_request);
                t.response_headers.merge(&own_response);
                t.jwt.clone_from(&own_jwt);
            }
            if t.origin.is_none() {
                t.origin = Some(cx.origin(s.origin.span));
            }
            targets.push(t);
        }
    }
    reduce_weights(&mut targets);
    let retry = filters.and_then(|x| x.retry_filter.as_ref()).map(|r| Retry {
        num_retries: r.num_retries,
        on_connect_failure: r.retry_on_connect_failure.unwrap_or(false),
        on: r.retry_on.iter().map(|o| o.as_str().to_string()).collect(),
        on_status_codes: r.retry_on_status_codes.iter().map(|c| c.value).collect(),
    });
    let timeouts = filters.and_then(|x| x.timeout_filter.as_ref());
    let nonzero = |d: crate::decode::Duration| (d.nanos > 0).then(|| d.go_string());
    HttpRoute {
        route_match: route_match(&f.http),
        targets,
        prefix_rewrite,
        request_headers,
        response_headers,
        request_timeout: timeouts.and_then(|t| nonzero(t.request_timeout)),
        idle_timeout: timeouts.and_then(|t| nonzero(t.idle_timeout)),
        retry,
        hash_policies,
        jwt,
        origin: cx.origin(f.http.origin.span),
    }
}

fn route_match(m: &HttpMatch) -> RouteMatch {
    let (kind, value) = m.effective_path();
    let kind = match kind {
        HttpPathMatchType::Exact => MatchKind::Exact,
        HttpPathMatchType::Regex => MatchKind::Regex,
        HttpPathMatchType::Prefix | HttpPathMatchType::Unset => MatchKind::Prefix,
    };
    let headers = m
        .headers
        .iter()
        .filter_map(|h| {
            let kind = match h.r#match {
                HttpHeaderMatchType::Exact => MatchKind::Exact,
                HttpHeaderMatchType::Prefix => MatchKind::Prefix,
                HttpHeaderMatchType::Suffix => MatchKind::Suffix,
                HttpHeaderMatchType::Present => MatchKind::Present,
                HttpHeaderMatchType::Regex => MatchKind::Regex,
                HttpHeaderMatchType::Unset => return None,
            };
            let value = if kind == MatchKind::Present { String::new() } else { h.value.clone() };
            Some(ValueMatch { name: h.name.clone(), kind, value, invert: false })
        })
        .collect();
    let query = m
        .query
        .iter()
        .filter_map(|q| {
            let kind = match q.r#match {
                HttpQueryMatchType::Exact => MatchKind::Exact,
                HttpQueryMatchType::Present => MatchKind::Present,
                HttpQueryMatchType::Regex => MatchKind::Regex,
                HttpQueryMatchType::Unset => return None,
            };
            let value = if kind == MatchKind::Present { String::new() } else { q.value.clone() };
            Some(ValueMatch { name: q.name.clone(), kind, value, invert: false })
        })
        .collect();
    RouteMatch {
        path: PathMatch { kind, value: value.to_string() },
        case_insensitive: false,
        headers,
        query,
        methods: m.method.iter().map(|x| x.as_str().to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{api, compile};
    use super::*;

    const WORKSPACE: &str = r#"
service { name = "api-gw" kind = "api-gateway" }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "api-gateway"
Name = "api-gw"
Listeners = [
  { Name = "web", Port = 8080, Protocol = "http", Hostname = "*.example.com" },
  { Name = "db", Port = 5432, Protocol = "tcp" },
]
---
Kind = "http-route"
Name = "shop"
Hostnames = ["shop.example.com", "shop.other.org"]
Parents = [{ Name = "api-gw", SectionName = "web" }]
Rules = [
  { Services = [{ Name = "frontend" }] },
  {
    Matches = [{ Path = { Match = "prefix", Value = "/api" } }, { Path = { Match = "exact", Value = "/api/v2/checkout" } }]
    Filters = { URLRewrite = { Path = "/" }, Headers = [{ Set = { "x-shop" = "1" } }] }
    Services = [{ Name = "api", Weight = 3 }, { Name = "api-canary", Weight = 1 }]
  },
  {
    Matches = [{ Path = { Match = "prefix", Value = "/api" }, Headers = [{ Match = "exact", Name = "x-beta", Value = "1" }] }]
    Services = [{ Name = "api-canary" }]
  },
]
---
Kind = "http-route"
Name = "any"
Parents = [{ Name = "api-gw" }]
Rules = [{ Services = [{ Name = "frontend" }] }]
---
Kind = "tcp-route"
Name = "pg"
Parents = [{ Name = "api-gw", SectionName = "db" }]
Services = [{ Name = "postgres" }]
"#;

    #[test]
    fn routes_hash_as_their_services_resolvers_and_take_no_resolver_timeout() {
        let plan = compile(&format!(
            "{WORKSPACE}\n---\nKind = \"service-resolver\"\nName = \"api-canary\"\nRequestTimeout = \"20s\"\nLoadBalancer {{ Policy = \"maglev\", HashPolicies = [{{ SourceIP = true }}] }}\n"
        ));
        let t = api(&plan, "api-gw");
        let routes: Vec<&HttpRoute> = t.listeners.iter().flat_map(|l| &l.hosts).flat_map(|h| &h.routes).collect();
        let hashed: Vec<&HttpRoute> = routes.iter().copied().filter(|r| !r.hash_policies.is_empty()).collect();
        // The split to api and api-canary, and the rule to api-canary alone (for each host).
        assert!(!hashed.is_empty());
        assert!(hashed.iter().all(|r| r.targets.iter().any(|t| t.service == "api-canary")), "{hashed:#?}");
        assert!(hashed.iter().all(|r| r.hash_policies[0].on == super::super::traffic::HashOn::SourceIp));
        // Consul compiles the rules into a router: a resolver's RequestTimeout never applies.
        assert!(routes.iter().all(|r| r.request_timeout.is_none()), "{routes:#?}");
        let canary = routes.iter().flat_map(|r| &r.targets).find(|t| t.service == "api-canary").expect("canary");
        assert_eq!(canary.policy.load_balancer.as_ref().map(|b| b.policy.as_str()), Some("maglev"));
    }

    #[test]
    fn rules_merge_per_host_in_consuls_order() {
        let plan = compile(WORKSPACE);
        let t = api(&plan, "api-gw");
        // By port: db (5432) before web (8080).
        assert_eq!(t.listeners.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), vec!["db", "web"]);
        let web = &t.listeners[1];
        let hosts: Vec<&str> = web.hosts.iter().map(|h| h.domains[0].as_str()).collect();
        // shop.other.org is not under *.example.com; the route without hostnames takes the listener's.
        assert_eq!(hosts, vec!["shop.example.com", "*.example.com"]);
        let shop = &web.hosts[0];
        let order: Vec<String> = shop.routes.iter().map(|r| r.route_match.describe()).collect();
        assert_eq!(
            order,
            vec![
                "exact /api/v2/checkout".to_string(),
                "prefix /api, header x-beta exact \"1\"".to_string(),
                "prefix /api".to_string(),
                "prefix /".to_string(),
            ]
        );
        let weights: Vec<(&str, u64)> = shop.routes[2].targets.iter().map(|t| (t.cluster.as_str(), t.weight)).collect();
        assert_eq!(weights, vec![("api.default.default.dc1", 3), ("api-canary.default.default.dc1", 1)]);
        assert_eq!(shop.routes[2].prefix_rewrite.as_deref(), Some("/"));
        assert_eq!(shop.routes[2].request_headers.set.get("x-shop").map(String::as_str), Some("1"));
        assert_eq!(shop.routes[3].targets[0].cluster, "frontend.default.default.dc1");
        let db = &t.listeners[0];
        assert!(db.hosts.is_empty());
        assert_eq!(db.tcp.len(), 1);
        assert_eq!(db.tcp[0].targets[0].cluster, "postgres.default.default.dc1");
        let g = plan.gateways.iter().find(|g| g.gateway.key == "api-gw").expect("gateway");
        assert!(!g.notes.iter().any(|n| n.contains("shop")), "{:?}", g.notes);
    }

    #[test]
    fn hosts_rank_like_envoy() {
        let mut hosts = vec!["*", "a.example.com", "*.example.com", "*.b.example.com", "web.ingress.*", "b.com"];
        crate::sorting::sort_by_key(&mut hosts, |h| host_rank(h));
        assert_eq!(hosts, vec!["a.example.com", "b.com", "*.b.example.com", "*.example.com", "web.ingress.*", "*"]);
    }
}
