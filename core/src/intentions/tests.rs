use super::http::{HeaderCheck, HeaderMatch, HttpMatch, HttpRequest, Permission};
use super::path::Normalization;
use super::*;
use proptest::prelude::*;

fn src(spec: &str) -> Source {
    // "name", "ns/name", "peer:p/name"
    if let Some(rest) = spec.strip_prefix("peer:") {
        let (peer, name) = rest.split_once('/').unwrap();
        return Source {
            name: name.into(),
            namespace: "default".into(),
            partition: Default::default(),
            peer: peer.into(),
        };
    }
    match spec.split_once('/') {
        Some((ns, name)) => {
            Source { name: name.into(), namespace: ns.into(), partition: "default".into(), peer: Default::default() }
        }
        None => Source {
            name: spec.into(),
            namespace: "default".into(),
            partition: "default".into(),
            peer: Default::default(),
        },
    }
}

fn dst(spec: &str) -> Destination {
    match spec.split_once('/') {
        Some((ns, name)) => Destination { name: name.into(), namespace: ns.into(), partition: "default".into() },
        None => Destination { name: spec.into(), namespace: "default".into(), partition: "default".into() },
    }
}

fn l4(s: &str, d: &str, action: Action) -> Intention {
    let (source, destination) = (src(s), dst(d));
    let precedence = precedence(&source, &destination);
    Intention {
        source,
        destination,
        action: Some(action),
        permissions: Default::default(),
        jwt: None,
        precedence,
        origin: Origin::default(),
    }
}

fn l7(s: &str, d: &str, permissions: Vec<Permission>) -> Intention {
    Intention { action: None, permissions: permissions.into(), ..l4(s, d, Action::Allow) }
}

fn perm(action: Action, http: HttpMatch) -> Permission {
    Permission { action, http, jwt: None }
}

fn prefix(p: &str) -> HttpMatch {
    HttpMatch { path_prefix: Some(p.into()), ..Default::default() }
}

fn table(intentions: Vec<Intention>, default: Action) -> IntentionTable {
    IntentionTable::new(intentions, default, Normalization::default()).unwrap()
}

fn req<'a>(s: &'a str, d: &'a str, http: Option<HttpRequest<'a>>) -> Request<'a> {
    let (peer, name) = s.strip_prefix("peer:").and_then(|r| r.split_once('/')).unwrap_or(("", s));
    let (ns, name) = name.split_once('/').unwrap_or(("default", name));
    let (dns, dname) = d.split_once('/').unwrap_or(("default", d));
    Request {
        source: Caller { name, namespace: ns, partition: "default", peer },
        destination: ServiceName { name: dname, namespace: dns, partition: "default" },
        http,
    }
}

fn get(path: &str) -> Option<HttpRequest<'_>> {
    Some(HttpRequest { method: "GET", path, headers: &[], jwt: None })
}

#[test]
fn the_nine_precedence_levels() {
    let cases = [
        ("web", "db", 9),
        ("*", "db", 8),
        ("*/*", "db", 7),
        ("web", "*", 6),
        ("*", "*", 5),
        ("*/*", "*", 4),
        ("web", "*/*", 3),
        ("*", "*/*", 2),
        ("*/*", "*/*", 1),
    ];
    for (s, d, want) in cases {
        assert_eq!(precedence(&src(s), &dst(d)), want, "{s} → {d}");
    }
}

#[test]
fn the_most_specific_intention_decides_whatever_the_order_written() {
    let t = table(
        vec![l4("*", "*", Action::Deny), l4("web", "db", Action::Allow), l4("*", "db", Action::Deny)],
        Action::Allow,
    );
    let d = t.decide(&req("web", "db", None));
    assert!(d.allowed);
    assert_eq!(d.reason, Reason::Intention);
    assert_eq!(d.intention.unwrap().precedence, 9);
    let d = t.decide(&req("api", "db", None));
    assert!(!d.allowed);
    assert_eq!(d.intention.unwrap().precedence, 8);
    let d = t.decide(&req("api", "cache", None));
    assert!(!d.allowed);
    assert_eq!(d.intention.unwrap().precedence, 5);
}

#[test]
fn no_match_falls_to_the_default_policy() {
    let t = table(vec![l4("web", "db", Action::Deny)], Action::Allow);
    let d = t.decide(&req("api", "db", None));
    assert!(d.allowed && d.default_used && d.intention.is_none());
    assert_eq!(d.reason, Reason::NoIntention);
    let t = table(vec![], Action::Deny);
    assert!(!t.decide(&req("api", "db", None)).allowed);
}

#[test]
fn an_l7_intention_whose_permissions_miss_uses_the_default_not_lower_intentions() {
    let t = table(
        vec![
            l7("web", "db", vec![perm(Action::Deny, prefix("/admin")), perm(Action::Allow, prefix("/api"))]),
            // Lower precedence and would deny: must never be consulted for web.
            l4("*", "db", Action::Deny),
        ],
        Action::Allow,
    );
    let d = t.decide(&req("web", "db", get("/admin/users")));
    assert!(!d.allowed);
    assert_eq!((d.reason, d.permission), (Reason::Permission, Some(0)));
    let d = t.decide(&req("web", "db", get("/api/v1")));
    assert!(d.allowed);
    assert_eq!(d.permission, Some(1));
    let d = t.decide(&req("web", "db", get("/other")));
    assert!(d.allowed && d.default_used);
    assert_eq!(d.reason, Reason::NoPermissionMatched);
    assert_eq!(d.intention.unwrap().precedence, 9);
}

#[test]
fn an_l7_intention_on_a_connection_without_http_denies() {
    let t = table(vec![l7("web", "db", vec![perm(Action::Allow, prefix("/"))])], Action::Allow);
    let d = t.decide(&req("web", "db", None));
    assert!(!d.allowed);
    assert_eq!(d.reason, Reason::L7OnTcp);
}

#[test]
fn peers_only_match_sources_that_name_them() {
    let t = table(vec![l4("peer:east/web", "db", Action::Allow), l4("web", "db", Action::Deny)], Action::Deny);
    assert!(t.decide(&req("peer:east/web", "db", None)).allowed);
    assert!(!t.decide(&req("web", "db", None)).allowed);
    // A local wildcard does not cover peers either.
    let t = table(vec![l4("*", "db", Action::Allow)], Action::Deny);
    assert!(!t.decide(&req("peer:east/web", "db", None)).allowed);
}

#[test]
fn namespaces_and_wildcard_namespaces() {
    let t = table(vec![l4("*/*", "db", Action::Allow), l4("team/*", "db", Action::Deny)], Action::Deny);
    assert!(!t.decide(&req("team/api", "db", None)).allowed);
    assert!(t.decide(&req("other/api", "db", None)).allowed);
}

#[test]
fn the_bypass_corpus_is_denied() {
    let t = table(
        vec![l7(
            "web",
            "db",
            vec![
                perm(Action::Deny, prefix("/admin")),
                perm(Action::Deny, HttpMatch { methods: vec!["DELETE".into()], ..Default::default() }),
                perm(
                    Action::Deny,
                    HttpMatch {
                        headers: vec![HeaderMatch {
                            name: "x-debug".into(),
                            check: HeaderCheck::Exact("1".into()),
                            invert: false,
                            ignore_case: false,
                        }],
                        ..Default::default()
                    },
                ),
                perm(Action::Allow, prefix("/")),
            ],
        )],
        Action::Deny,
    );
    for path in
        ["/admin", "//admin", "/./admin", "/a/../admin", "/%2e%2e/admin", "/%61dmin", "/admin%2Fx", "/x\\..\\admin"]
    {
        let d = t.decide(&req("web", "db", get(path)));
        assert!(!d.allowed, "{path} must be denied: {}", d.explain());
    }
    for method in ["DELETE", "delete", "DeLeTe"] {
        let d = t.decide(&req("web", "db", Some(HttpRequest { method, path: "/ok", headers: &[], jwt: None })));
        assert!(!d.allowed, "{method}");
    }
    let dup: &[(&str, &str)] = &[("x-debug", "0"), ("X-Debug", "1")];
    let d = t.decide(&req("web", "db", Some(HttpRequest { method: "GET", path: "/ok", headers: dup, jwt: None })));
    assert!(!d.allowed, "a duplicate header must not hide x-debug: 1");
    let d = t.decide(&req("web", "db", get("/ok")));
    assert!(d.allowed);
    assert_eq!(d.normalized_path.as_deref(), Some("/ok"));
}

#[test]
fn header_matchers() {
    let h = |check, invert, ignore_case| {
        l7(
            "web",
            "db",
            vec![perm(
                Action::Allow,
                HttpMatch {
                    headers: vec![HeaderMatch { name: "X-Env".into(), check, invert, ignore_case }],
                    ..Default::default()
                },
            )],
        )
    };
    let cases: Vec<(Intention, &str, bool)> = vec![
        (h(HeaderCheck::Present, false, false), "anything", true),
        (h(HeaderCheck::Exact("prod".into()), false, false), "prod", true),
        (h(HeaderCheck::Exact("prod".into()), false, false), "PROD", false),
        (h(HeaderCheck::Exact("prod".into()), false, true), "PROD", true),
        (h(HeaderCheck::Prefix("pr".into()), false, false), "prod", true),
        (h(HeaderCheck::Suffix("od".into()), false, false), "prod", true),
        (h(HeaderCheck::Contains("ro".into()), false, false), "prod", true),
        (h(HeaderCheck::Regex("p.*d".into()), false, false), "prod", true),
        (h(HeaderCheck::Regex("p.*".into()), false, false), "xprod", false),
        (h(HeaderCheck::Exact("prod".into()), true, false), "prod", false),
        (h(HeaderCheck::Exact("prod".into()), true, false), "dev", true),
    ];
    for (i, value, want) in cases {
        let label = format!("{:?} on {value}", i.permissions[0].http.headers[0]);
        let t = table(vec![i], Action::Deny);
        let headers: &[(&str, &str)] = &[("x-env", value)];
        let d = t.decide(&req("web", "db", Some(HttpRequest { method: "GET", path: "/", headers, jwt: None })));
        assert_eq!(d.allowed, want, "{label}");
    }
}

#[test]
fn explanations_cite_the_intention() {
    let mut i = l4("web", "db", Action::Deny);
    i.origin = Origin { file: "intentions.hcl".into(), line: 4, column: 3 };
    let t = table(vec![i], Action::Allow);
    let d = t.decide(&req("web", "db", None));
    assert_eq!(d.explain(), "denied by intention web → db (precedence 9, intentions.hcl:4:3)");
    let trace = t.trace(&req("api", "db", None));
    assert_eq!(trace.len(), 1);
    assert_eq!(trace[0].outcome, "source name is web, not api");
}

fn arb_part(choices: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(choices).prop_map(str::to_string)
}

fn arb_intention() -> impl Strategy<Value = Intention> {
    (
        arb_part(&["a", "b", "*"]),
        arb_part(&["default", "ns1", "*"]),
        arb_part(&["", "", "p1"]),
        arb_part(&["x", "y", "*"]),
        arb_part(&["default", "ns1", "*"]),
        any::<bool>(),
    )
        .prop_map(|(sn, sns, peer, dn, dns, allow)| {
            // Consul forbids an exact name under a wildcard namespace.
            let sn = if sns == "*" { "*".to_string() } else { sn };
            let dn = if dns == "*" { "*".to_string() } else { dn };
            let partition = if peer.is_empty() { "default".to_string() } else { String::new() };
            let source =
                Source { name: sn.into(), namespace: sns.into(), partition: partition.into(), peer: peer.into() };
            let destination = Destination { name: dn.into(), namespace: dns.into(), partition: "default".into() };
            let precedence = precedence(&source, &destination);
            let action = Some(if allow { Action::Allow } else { Action::Deny });
            Intention {
                source,
                destination,
                action,
                permissions: Default::default(),
                jwt: None,
                precedence,
                origin: Origin::default(),
            }
        })
}

proptest! {
    #[test]
    fn the_index_agrees_with_a_linear_scan(
        intentions in proptest::collection::vec(arb_intention(), 0..12),
        sn in arb_part(&["a", "b", "c"]),
        sns in arb_part(&["default", "ns1"]),
        peer in arb_part(&["", "p1"]),
        dn in arb_part(&["x", "y"]),
        dns in arb_part(&["default", "ns1"]),
    ) {
        // Identical source+destination pairs are rejected by validation; keep the first.
        let mut seen = std::collections::HashSet::new();
        let intentions: Vec<Intention> =
            intentions.into_iter().filter(|i| seen.insert((i.source.clone(), i.destination.clone()))).collect();
        let t = table(intentions.clone(), Action::Allow);
        let r = Request {
            source: Caller { name: &sn, namespace: &sns, partition: "default", peer: &peer },
            destination: ServiceName { name: &dn, namespace: &dns, partition: "default" },
            http: None,
        };
        let want = super::reference::find(&intentions, &r);
        let got = t.decide(&r);
        prop_assert_eq!(got.intention, want);
        prop_assert_eq!(got.allowed, want.map(|i| i.action == Some(Action::Allow)).unwrap_or(true));
        // The same intentions read from a GatewayPlan's wire form share their strings, which the
        // table's build takes shortcuts on: the decision must not change.
        let mut wire = Vec::new();
        crate::plan::gateways::compact::serialize(&intentions, &mut serde_json::Serializer::new(&mut wire)).unwrap();
        let shared = crate::plan::gateways::compact::deserialize(&mut serde_json::Deserializer::from_slice(&wire)).unwrap();
        let t = table(shared, Action::Allow);
        let got = t.decide(&r);
        prop_assert_eq!(got.intention, want);
    }
}

#[test]
fn duplicate_headers_never_widen_access() {
    let header = |name: &str, check, invert| HeaderMatch { name: name.into(), check, invert, ignore_case: false };
    let t = table(
        vec![l7(
            "web",
            "db",
            vec![
                // Deny unless x-env is prod.
                perm(
                    Action::Deny,
                    HttpMatch {
                        headers: vec![header("x-env", HeaderCheck::Exact("prod".into()), true)],
                        ..Default::default()
                    },
                ),
                perm(
                    Action::Allow,
                    HttpMatch {
                        headers: vec![header("x-role", HeaderCheck::Exact("admin".into()), false)],
                        ..Default::default()
                    },
                ),
            ],
        )],
        Action::Deny,
    );
    let ask = |headers: &[(&str, &str)]| {
        t.decide(&req("web", "db", Some(HttpRequest { method: "GET", path: "/", headers, jwt: None }))).allowed
    };
    assert!(ask(&[("x-env", "prod"), ("x-role", "admin")]));
    // A second x-env that is not prod makes the inverted deny fire.
    assert!(!ask(&[("x-env", "prod"), ("x-env", "staging"), ("x-role", "admin")]));
    // An allow needs every x-role value to be admin.
    assert!(!ask(&[("x-env", "prod"), ("x-role", "admin"), ("x-role", "guest")]));
    // No x-env at all is "not prod": denied.
    assert!(!ask(&[("x-role", "admin")]));
}

mod jwt_requirements {
    use super::super::jwt::{ClaimCheck, JwtFailure, JwtPayloads, JwtProviderCheck, JwtRequirement};
    use super::*;

    fn needs(claims: &[(&[&str], &str)]) -> Option<JwtRequirement> {
        let claims = claims
            .iter()
            .map(|(p, v)| ClaimCheck { path: p.iter().map(|s| s.to_string()).collect(), value: v.to_string() })
            .collect();
        Some(JwtRequirement {
            providers: vec![JwtProviderCheck { name: "okta".into(), claims, locations: Vec::new() }],
        })
    }

    fn ask<'a>(
        t: &'a IntentionTable,
        path: &'a str,
        headers: &'a [(&'a str, &'a str)],
        jwt: Option<&'a JwtPayloads>,
    ) -> (bool, Reason, Option<usize>) {
        let d = t.decide(&req("web", "db", Some(HttpRequest { method: "GET", path, headers, jwt })));
        (d.allowed, d.reason, d.permission)
    }

    fn payload(v: serde_json::Value) -> JwtPayloads {
        crate::json::json!({ "okta": v }).as_object().cloned().unwrap_or_default()
    }

    const BEARER: &[(&str, &str)] = &[("authorization", "Bearer x.y.z")];

    #[test]
    fn an_entry_requirement_guards_every_allow_of_its_intentions() {
        let mut i = l4("web", "db", Action::Allow);
        i.jwt = needs(&[(&["perms", "role"], "admin")]);
        let t = table(vec![i.clone()], Action::Deny);
        let jwt = |f| Reason::Jwt { failure: f };
        assert_eq!(ask(&t, "/", &[], None), (false, jwt(JwtFailure::Missing), None));
        assert_eq!(ask(&t, "/", BEARER, None), (false, jwt(JwtFailure::Invalid), None));
        let user = payload(serde_json::json!({ "perms": { "role": "user" } }));
        assert_eq!(ask(&t, "/", BEARER, Some(&user)), (false, jwt(JwtFailure::Claims), None));
        let admin = payload(serde_json::json!({ "perms": { "role": ["user", "admin"] } }));
        assert_eq!(ask(&t, "/", &[], Some(&admin)), (true, Reason::Intention, None));
        // A connection carries no token.
        assert!(!t.decide(&req("web", "db", None)).allowed);
        // A deny needs no token.
        let mut deny = l4("web", "db", Action::Deny);
        deny.jwt = i.jwt.clone();
        let t = table(vec![deny], Action::Allow);
        assert_eq!(ask(&t, "/", &[], None), (false, Reason::Intention, None));
        let t = table(vec![i], Action::Deny);
        let d = t.decide(&req("web", "db", get("/")));
        assert!(d.explain().contains("requires a JWT from okta"), "{}", d.explain());
    }

    #[test]
    fn a_permission_requirement_makes_the_permission_apply_only_with_its_claims() {
        let mut admin = perm(Action::Allow, prefix("/admin"));
        admin.jwt = needs(&[(&["role"], "admin")]);
        let mut deny_guest = perm(Action::Deny, prefix("/"));
        deny_guest.jwt = needs(&[(&["role"], "guest")]);
        let public = perm(Action::Allow, prefix("/public"));
        let t = table(vec![l7("web", "db", vec![admin, deny_guest, public])], Action::Deny);
        let user = payload(serde_json::json!({ "role": "user" }));
        let boss = payload(serde_json::json!({ "role": "admin" }));
        let guest = payload(serde_json::json!({ "role": "guest" }));
        let jwt = |f| Reason::Jwt { failure: f };
        assert_eq!(ask(&t, "/admin", &[], Some(&boss)), (true, Reason::Permission, Some(0)));
        // The allow's HTTP matched, its JWT did not, nothing else matched: the JWT is why.
        assert_eq!(ask(&t, "/admin", BEARER, Some(&user)), (false, jwt(JwtFailure::Claims), Some(0)));
        assert_eq!(ask(&t, "/admin", &[], None), (false, jwt(JwtFailure::Missing), Some(0)));
        assert_eq!(ask(&t, "/admin", BEARER, None), (false, jwt(JwtFailure::Invalid), Some(0)));
        // The deny applies to guests only; others fall through to the next permission.
        assert_eq!(ask(&t, "/public", &[], Some(&guest)), (false, Reason::Permission, Some(1)));
        assert_eq!(ask(&t, "/public", &[], None), (true, Reason::Permission, Some(2)));
        assert_eq!(ask(&t, "/other", &[], None), (false, Reason::NoPermissionMatched, None));
        // With a default allow, Consul's fall-through allows what no permission matched.
        let mut admin = perm(Action::Allow, prefix("/admin"));
        admin.jwt = needs(&[]);
        let t = table(vec![l7("web", "db", vec![admin])], Action::Allow);
        assert_eq!(ask(&t, "/admin", &[], None), (true, Reason::NoPermissionMatched, None));
    }
}
