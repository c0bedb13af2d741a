//! API gateway routes' JWT requirements, decided before intentions with the one JWT decision.

use super::*;
use crate::json::json;
use crate::plan::gateways::gateway_plan;
use crate::plan::gateways::testing::compiled;

/// `open` has a `Default` (any okta token), which `/admin`'s own filter replaces with a stricter
/// one; `locked` has an `Override` (role ops), which wins over its route's filter (auth0).
const WS: &str = r#"
service { name = "api-gw" kind = "api-gateway" }
---
Kind = "proxy-defaults"
Name = "global"
Config { protocol = "http" }
---
Kind = "jwt-provider"
Name = "okta"
Issuer = "https://okta.test"
JSONWebKeySet { Local { Filename = "/keys/okta.json" } }
---
Kind = "jwt-provider"
Name = "auth0"
Issuer = "https://auth0.test"
JSONWebKeySet { Local { Filename = "/keys/auth0.json" } }
---
Kind = "api-gateway"
Name = "api-gw"
Listeners = [
  {
    Name = "open", Port = 8080, Protocol = "http"
    Default = { JWT = { Providers = [{ Name = "okta" }] } }
  },
  {
    Name = "locked", Port = 9090, Protocol = "http"
    Override = { JWT = { Providers = [{ Name = "okta", VerifyClaims = [{ Path = ["role"], Value = "ops" }] }] } }
  },
]
---
Kind = "http-route"
Name = "open"
Parents = [{ Name = "api-gw", SectionName = "open" }]
Rules = [
  {
    Matches = [{ Path = { Match = "prefix", Value = "/admin" } }]
    Filters = { JWT = { Providers = [{ Name = "okta", VerifyClaims = [{ Path = ["role"], Value = "admin" }] }] } }
    Services = [{ Name = "web" }]
  },
  {
    Matches = [{ Path = { Match = "prefix", Value = "/split" } }]
    Services = [
      { Name = "web", Weight = 50, Filters = { JWT = { Providers = [{ Name = "okta", VerifyClaims = [{ Path = ["role"], Value = "admin" }] }] } } },
      { Name = "api", Weight = 50 },
    ]
  },
  { Services = [{ Name = "web" }] },
]
---
Kind = "http-route"
Name = "locked"
Parents = [{ Name = "api-gw", SectionName = "locked" }]
Rules = [{ Services = [{ Name = "web", Filters = { JWT = { Providers = [{ Name = "auth0" }] } } }] }]
---
Kind = "service-intentions"
Name = "web"
Sources = [{ Name = "api-gw", Action = "allow" }]
---
Kind = "service-intentions"
Name = "api"
Sources = [{ Name = "api-gw", Action = "allow" }]
"#;

fn index() -> GatewayIndex {
    let c = compiled(WS);
    GatewayIndex::new(&gateway_plan(&c, "api-gw").expect("gateway plan")).expect("index")
}

fn ask(ix: &GatewayIndex, port: u16, path: &str, headers: &[(&str, &str)], jwt: crate::json::Value) -> (bool, String) {
    let payloads = jwt.as_object().cloned();
    let r = ix.route_request(Some(port), "any.example.com", path, "GET", headers, 0);
    let a = ix.authorize_request(&r, "GET", headers, payloads.as_ref().filter(|p| !p.is_empty()));
    let code = if a.allowed { "-" } else { a.reason_code() };
    (a.allowed, format!("{} {code}", if a.allowed { 200 } else { a.status() }))
}

#[test]
fn the_listener_default_applies_to_a_route_without_a_filter() {
    let ix = index();
    assert!(ix.needs_jwt());
    let bearer = [("authorization", "Bearer x.y.z")];
    assert_eq!(ask(&ix, 8080, "/", &[], json!({})).1, "401 jwt-missing");
    assert_eq!(ask(&ix, 8080, "/", &bearer, json!({})).1, "401 jwt-invalid");
    assert_eq!(ask(&ix, 8080, "/?access_token=abc", &[], json!({})).1, "401 jwt-invalid");
    assert_eq!(ask(&ix, 8080, "/", &bearer, json!({ "okta": { "sub": "alice" } })), (true, "200 -".into()));
    // Another provider's token is not okta's.
    assert_eq!(ask(&ix, 8080, "/", &bearer, json!({ "auth0": { "sub": "alice" } })).1, "401 jwt-invalid");
}

#[test]
fn a_route_filter_replaces_the_default() {
    let ix = index();
    let bearer = [("authorization", "Bearer x.y.z")];
    assert_eq!(ask(&ix, 8080, "/admin", &bearer, json!({ "okta": { "sub": "alice" } })).1, "403 jwt-claims");
    assert!(ask(&ix, 8080, "/admin", &bearer, json!({ "okta": { "role": "admin" } })).0);
}

#[test]
fn the_listener_override_wins_over_a_route_filter() {
    let ix = index();
    let bearer = [("authorization", "Bearer x.y.z")];
    // The route's own filter (a lone service's: auth0) does not apply; the override does.
    assert_eq!(ask(&ix, 9090, "/", &bearer, json!({ "auth0": { "sub": "alice" } })).1, "401 jwt-invalid");
    assert_eq!(ask(&ix, 9090, "/", &bearer, json!({ "okta": { "role": "dev" } })).1, "403 jwt-claims");
    assert!(ask(&ix, 9090, "/", &bearer, json!({ "okta": { "role": "ops" } })).0);
}

#[test]
fn the_filter_answers_with_the_jwt_status_and_reason() {
    let ix = index();
    let conn = Connection { port: Some(8080), server_name: b"", peer_uri_san: None };
    let pairs: [(&[u8], &[u8]); 3] = [(b":authority", b"a.example.com"), (b":method", b"GET"), (b":path", b"/")];
    let head = RequestHead::from_pairs(pairs.iter().copied());
    let v = ix.decide_http(&head, &conn, 0, &mut |_| true);
    match &v.action {
        HttpAction::Reply(r) => assert_eq!((r.status, r.reason), (401, "jwt-missing")),
        HttpAction::Forward(_) => panic!("forwarded without a token"),
    }
    assert!(v.log.as_ref().is_some_and(|l| l.text.contains("reason=jwt-missing")), "{:?}", v.log);
}

#[test]
fn a_split_services_own_filter_applies_to_the_requests_sent_to_it() {
    let ix = index();
    let bearer = [("authorization", "Bearer x.y.z")];
    let okta = json!({ "okta": { "sub": "alice" } });
    let payloads = okta.as_object().cloned();
    let mut seen = Vec::new();
    // Weights 50/50 reduce to 1/1: even numbers pick the first service, odd the second.
    for rand in [0, 1] {
        let r = ix.route_request(Some(8080), "any.example.com", "/split", "GET", &bearer, rand);
        let RouteOutcome::Routed { target, .. } = r.outcome else { panic!("not routed") };
        let a = ix.authorize_request(&r, "GET", &bearer, payloads.as_ref());
        seen.push((target.service.clone(), if a.allowed { "-" } else { a.reason_code() }));
    }
    seen.sort();
    // web's own filter wants role admin; api takes the rule's requirement (the listener Default:
    // any okta token).
    assert_eq!(seen, vec![("api".to_string(), "-"), ("web".to_string(), "jwt-claims")]);
}
