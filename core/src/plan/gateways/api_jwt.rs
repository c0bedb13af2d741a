//! The JWT requirement of each API gateway route, from the listener's `Default` and `Override`
//! policies and the http-route's `JWT` filter, as Consul's API gateway documentation states the
//! precedence: a listener's `Override` wins over everything, a route's own filter wins over the
//! listener's `Default`, and the `Default` applies to routes that set none. The winning block
//! replaces the others whole (its providers and their claims); a block listing no provider counts
//! as absent.
//!
//! A rule's filter is its `Filters.JWT`; with a single service, that service's `Filters.JWT`
//! replaces it (Consul merges a lone service's filters into the rule's, as for `URLRewrite`). When
//! a rule splits among several services, a service's own JWT filter is its targets' requirement
//! (`RouteTarget::jwt`, merged with the listener's blocks the same way), which the filter checks
//! once the weighted pick has chosen the target.

use crate::model::api_gateway::{ApiGatewayListener, JwtRequirement};
use crate::model::http_route::HttpRouteRule;

/// Which block applies: `Override`, else the route's, else `Default`.
pub(crate) fn effective<'a>(
    default: Option<&'a JwtRequirement>,
    route: Option<&'a JwtRequirement>,
    over: Option<&'a JwtRequirement>,
) -> Option<&'a JwtRequirement> {
    let stated = |r: Option<&'a JwtRequirement>| r.filter(|r| !r.providers.is_empty());
    stated(over).or_else(|| stated(route)).or_else(|| stated(default))
}

/// The listener's `Default` and `Override` JWT blocks.
pub(crate) fn listener_blocks(l: &ApiGatewayListener) -> (Option<&JwtRequirement>, Option<&JwtRequirement>) {
    (l.default.as_ref().and_then(|p| p.jwt.as_ref()), l.r#override.as_ref().and_then(|p| p.jwt.as_ref()))
}

/// A rule's own JWT filter (a lone service's replaces the rule's).
pub(crate) fn rule_block(rule: &HttpRouteRule) -> Option<&JwtRequirement> {
    let own = rule.filters.as_ref().and_then(|f| f.jwt.as_ref());
    match rule.services.as_slice() {
        [s] => s.filters.as_ref().and_then(|f| f.jwt.as_ref()).or(own),
        _ => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::api_gateway::JwtProvider;
    use crate::model::http_route::{HttpFilters, HttpRouteService};

    fn block(name: &str) -> JwtRequirement {
        JwtRequirement {
            providers: vec![JwtProvider { name: name.into(), ..Default::default() }],
            ..Default::default()
        }
    }

    fn chosen(r: Option<&JwtRequirement>) -> Option<&str> {
        r.and_then(|r| r.providers.first()).map(|p| p.name.as_str())
    }

    #[test]
    fn default_only_applies_to_a_route_without_a_filter() {
        let d = block("default");
        assert_eq!(chosen(effective(Some(&d), None, None)), Some("default"));
    }

    #[test]
    fn override_only_applies() {
        let o = block("override");
        assert_eq!(chosen(effective(None, None, Some(&o))), Some("override"));
    }

    #[test]
    fn override_wins_over_default() {
        let (d, o) = (block("default"), block("override"));
        assert_eq!(chosen(effective(Some(&d), None, Some(&o))), Some("override"));
    }

    #[test]
    fn a_route_filter_wins_over_default() {
        let (d, r) = (block("default"), block("route"));
        assert_eq!(chosen(effective(Some(&d), Some(&r), None)), Some("route"));
    }

    #[test]
    fn override_wins_over_a_route_filter() {
        let (d, r, o) = (block("default"), block("route"), block("override"));
        assert_eq!(chosen(effective(None, Some(&r), Some(&o))), Some("override"));
        assert_eq!(chosen(effective(Some(&d), Some(&r), Some(&o))), Some("override"));
    }

    fn service(jwt: Option<JwtRequirement>) -> HttpRouteService {
        HttpRouteService {
            name: "web".into(),
            filters: Some(HttpFilters { jwt, ..Default::default() }),
            ..Default::default()
        }
    }

    #[test]
    fn a_lone_services_filter_replaces_the_rules_and_a_split_ones_stays_its_own() {
        let rule_filter = Some(HttpFilters { jwt: Some(block("rule")), ..Default::default() });
        let lone = HttpRouteRule {
            filters: rule_filter.clone(),
            services: vec![service(Some(block("service")))],
            ..Default::default()
        };
        assert_eq!(chosen(rule_block(&lone)), Some("service"));
        let lone_without =
            HttpRouteRule { filters: rule_filter.clone(), services: vec![service(None)], ..Default::default() };
        assert_eq!(chosen(rule_block(&lone_without)), Some("rule"));
        let split = HttpRouteRule {
            filters: rule_filter,
            services: vec![service(Some(block("service"))), service(None)],
            ..Default::default()
        };
        assert_eq!(chosen(rule_block(&split)), Some("rule"));
    }

    #[test]
    fn a_block_without_providers_is_absent() {
        let (d, empty) = (block("default"), JwtRequirement::default());
        assert_eq!(chosen(effective(Some(&d), Some(&empty), Some(&empty))), Some("default"));
        assert_eq!(chosen(effective(None, None, None)), None);
    }
}
