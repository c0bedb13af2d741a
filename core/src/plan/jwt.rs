//! Intention `JWT` blocks → the [`JwtRequirement`]s decisions use, with each named provider's
//! token locations from its `jwt-provider` entry (so a decision can tell a token that did not
//! verify from no token), and the providers a gateway's Envoy must verify tokens with.

use crate::decode::Cx;
use crate::diag::Code;
use crate::intentions::jwt::{ClaimCheck, JwtProviderCheck, JwtRequirement, TokenLocation};
use crate::intentions::Intention;
use crate::model::jwt_provider::JwtProvider;
use crate::model::service_intentions::IntentionJwtRequirement;
use crate::model::ConfigEntry;
use crate::sorted::SortedSet;
use crate::workspace::Workspace;

/// The `jwt-provider` entry named `name`.
pub fn provider<'w>(ws: &'w Workspace, name: &str) -> Option<&'w JwtProvider> {
    ws.entries().find_map(|e| match e {
        ConfigEntry::JwtProvider(p) if p.name == name => Some(p),
        _ => None,
    })
}

/// The requirement a `JWT` block states (`None` when it lists no provider).
pub fn requirement(ws: &Workspace, jwt: &IntentionJwtRequirement) -> Option<JwtRequirement> {
    of_providers(
        jwt.providers.iter().map(|p| provider_check(ws, &p.name, p.verify_claims.iter().map(|c| (&c.path, &c.value)))),
    )
}

/// The requirement an API gateway's or http-route's `JWT` block states (`None` when it lists no
/// provider).
pub fn gateway_requirement(ws: &Workspace, jwt: &crate::model::api_gateway::JwtRequirement) -> Option<JwtRequirement> {
    of_providers(
        jwt.providers.iter().map(|p| provider_check(ws, &p.name, p.verify_claims.iter().map(|c| (&c.path, &c.value)))),
    )
}

/// The two entry kinds spell a `JWT` block with their own types; a block with no provider
/// requires nothing.
fn of_providers(providers: impl Iterator<Item = JwtProviderCheck>) -> Option<JwtRequirement> {
    let providers: Vec<JwtProviderCheck> = providers.collect();
    (!providers.is_empty()).then_some(JwtRequirement { providers })
}

/// Every provider the routes of an API gateway's table require, sorted.
pub fn route_providers(routes: &crate::plan::gateways::RouteTable) -> SortedSet<&str> {
    let mut out = SortedSet::new();
    if let crate::plan::gateways::RouteTable::ApiGateway(t) = routes {
        let routes = t.listeners.iter().flat_map(|l| &l.hosts).flat_map(|h| &h.routes);
        let reqs = routes.flat_map(|r| r.jwt.iter().chain(r.targets.iter().filter_map(|t| t.jwt.as_ref())));
        for r in reqs {
            out.extend(r.providers.iter().map(|p| p.name.as_str()));
        }
    }
    out
}

fn provider_check<'a>(
    ws: &Workspace,
    name: &str,
    claims: impl Iterator<Item = (&'a Vec<String>, &'a String)>,
) -> JwtProviderCheck {
    JwtProviderCheck {
        name: name.to_string(),
        claims: claims.map(|(path, value)| ClaimCheck { path: path.clone(), value: value.clone() }).collect(),
        locations: provider(ws, name).map(locations).unwrap_or_default(),
    }
}

fn locations(p: &JwtProvider) -> Vec<TokenLocation> {
    p.locations
        .iter()
        .filter_map(|l| {
            if let Some(h) = &l.header {
                Some(TokenLocation::Header { name: h.name.clone(), prefix: h.value_prefix.clone() })
            } else if let Some(q) = &l.query_param {
                Some(TokenLocation::Query(q.name.clone()))
            } else {
                l.cookie.as_ref().map(|c| TokenLocation::Cookie(c.name.clone()))
            }
        })
        .collect()
}

/// Every provider the intentions' requirements name, sorted.
pub fn named_providers(intentions: &[Intention]) -> SortedSet<&str> {
    let mut out = SortedSet::new();
    for i in intentions {
        let perms = i.permissions.iter().filter_map(|p| p.jwt.as_ref());
        for r in i.jwt.iter().chain(perms) {
            out.extend(r.providers.iter().map(|p| p.name.as_str()));
        }
    }
    out
}

/// A requirement naming a provider the workspace does not define can never be satisfied.
pub fn check_named(ws: &Workspace, jwt: &IntentionJwtRequirement, cx: &mut Cx) {
    for p in &jwt.providers {
        if !p.name.is_empty() && provider(ws, &p.name).is_none() {
            cx.warning(
                Code::UnknownJwtProvider,
                p.origin.field("name"),
                format!(
                    "JWT provider `{}` is not defined (no jwt-provider entry of that name): no token satisfies it, so what it guards is denied",
                    p.name
                ),
            );
        }
    }
}
