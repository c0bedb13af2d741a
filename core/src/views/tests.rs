use super::*;
use crate::plan::dial::{SanMatch, Via};

fn file(name: &str, text: &str) -> FileInput {
    FileInput { name: name.into(), text: text.into() }
}

fn analysis(files: &[(&str, &str)], settings: Option<SettingsInput>) -> Analysis {
    Analysis::new(WorkspaceInput { files: files.iter().map(|(n, t)| file(n, t)).collect(), settings })
}

const L7_BILLING: &str = r#"Kind = "service-intentions"
Name = "billing"
Sources = [
  {
    Name = "web"
    Permissions = [
      { Action = "deny", HTTP { PathPrefix = "/admin" } },
      { Action = "allow", HTTP { PathPrefix = "/", Methods = ["GET", "HEAD"] } },
    ]
  },
  { Name = "*", Action = "deny" },
]
"#;

const BILLING_HTTP: &str = "Kind = \"service-defaults\"\nName = \"billing\"\nProtocol = \"http\"\n";

const DB_INTENTIONS: &str = r#"Kind = "service-intentions"
Name = "db"
Sources = [
  { Name = "billing", Action = "allow" },
  { Name = "legacy", Peer = "cluster-01", Action = "allow" },
]
"#;

const JWT_INTENTIONS: &str = r#"Kind = "service-intentions"
Name = "billing"
JWT { Providers = [{ Name = "okta", VerifyClaims = [{ Path = ["perms", "role"], Value = "admin" }] }] }
Sources = [{ Name = "web", Action = "allow" }]
"#;

const JWT_PROVIDER: &str = r#"Kind = "jwt-provider"
Name = "okta"
JSONWebKeySet { Local { Filename = "/etc/jwks.json" } }
"#;

#[test]
fn simulate_decides_jwt_requirements_from_the_claims_given() {
    let files = [("i.hcl", JWT_INTENTIONS), ("p.hcl", JWT_PROVIDER), ("b.hcl", BILLING_HTTP)];
    let a = analysis(&files, None);
    let with = |jwt: crate::json::Value, headers: Vec<String>| {
        let request = SimulateRequest { jwt: jwt.as_object().cloned(), headers, ..ask("web", "billing", None, None) };
        let v = a.simulate(&request).unwrap_or_else(|e| panic!("{e}"));
        (v.allowed, v.explanation)
    };
    let (allowed, why) = with(crate::json::Value::Null, Vec::new());
    assert!(!allowed && why.contains("carries no JWT"), "{why}");
    let (allowed, why) = with(crate::json::Value::Null, vec!["Authorization: Bearer x.y.z".into()]);
    assert!(!allowed && why.contains("no required provider verified"), "{why}");
    let (allowed, why) = with(crate::json::json!({ "okta": { "perms": { "role": "user" } } }), Vec::new());
    assert!(!allowed && why.contains("does not carry the required claims"), "{why}");
    let (allowed, _) = with(crate::json::json!({ "okta": { "perms": { "role": ["user", "admin"] } } }), Vec::new());
    assert!(allowed);
}

fn ask(source: &str, destination: &str, method: Option<&str>, path: Option<&str>) -> SimulateRequest {
    SimulateRequest {
        source: source.into(),
        destination: destination.into(),
        method: method.map(String::from),
        path: path.map(String::from),
        ..Default::default()
    }
}

#[test]
fn diagnostics_carry_utf16_columns_and_offsets_after_non_ascii_text() {
    // Line 2 has an emoji (2 UTF-16 units, 1 char, 4 bytes) and an accented letter before the typo.
    let text = "Kind = \"proxy-defaults\"\n# caf\u{e9} \u{1F600}\nName = \"global\"\nMeshGatewy { Mode = \"local\" }\n";
    let a = analysis(&[("pd.hcl", text)], None);
    let view = a.diagnostics();
    assert!(!view.summary.valid);
    assert_eq!((view.summary.files, view.summary.errors), (1, 1));
    let d = &view.diagnostics[0];
    assert_eq!(d.code, Code::UnknownKey);
    assert_eq!(d.title, "unknown key");
    assert_eq!(d.file.as_deref(), Some("pd.hcl"));
    let start = d.start.unwrap();
    assert_eq!((start.line, start.column, start.column_utf16), (4, 1, 1));
    // The offset counts the emoji as two units, as JavaScript does.
    let js_offset = text.find("MeshGatewy").map(|b| text[..b].encode_utf16().count()).unwrap() as u32;
    assert_eq!(text[..text.find("MeshGatewy").unwrap()].chars().count() as u32, js_offset - 1);
    assert_eq!(d.from_utf16, Some(js_offset));
    assert_eq!(d.to_utf16, Some(js_offset + "MeshGatewy".len() as u32));
}

#[test]
fn columns_differ_in_utf16_on_the_line_of_the_emoji() {
    let text = "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"\u{1F600}http\"\n";
    let a = analysis(&[("sd.hcl", text)], None);
    let view = a.diagnostics();
    let d = view.diagnostics.iter().find(|d| d.code == Code::InvalidProtocol).unwrap();
    let (start, end) = (d.start.unwrap(), d.end.unwrap());
    assert_eq!((start.line, start.column, start.column_utf16), (3, 12, 12));
    // `"😀http"` is 7 chars but 8 UTF-16 units.
    assert_eq!((end.column, end.column_utf16), (19, 20));
    assert_eq!(d.to_utf16.unwrap() - d.from_utf16.unwrap(), 8);
}

#[test]
fn settings_default_when_missing_or_empty_and_problems_are_diagnostics() {
    let empty =
        SettingsInput { datacenter: Some("  ".into()), trust_domain: Some(String::new()), ..Default::default() };
    let (s, problem) = empty.resolve();
    assert_eq!(s, Settings::default());
    assert!(problem.is_none());

    let bad = SettingsInput { datacenter: Some("dc 1".into()), ..Default::default() };
    let a = analysis(&[("x.hcl", BILLING_HTTP)], Some(bad));
    let view = a.diagnostics();
    assert_eq!(view.summary.errors, 1);
    let d = &view.diagnostics[0];
    assert_eq!((d.code, d.file.as_deref(), d.from_utf16), (Code::InvalidValue, None, None));
    assert!(d.message.starts_with("settings: datacenter `dc 1`"), "{}", d.message);

    let given = SettingsInput {
        datacenter: Some("east".into()),
        trust_domain: Some("AAAA.consul".into()),
        default_intention_policy: Some(Action::Deny),
        mode: Some(Mode::Audit),
        peer_trust_domains: Some(SortedMap::from([("cluster-01".into(), "BBBB.consul".into())])),
        ..Default::default()
    };
    let (s, problem) = given.resolve();
    assert!(problem.is_none());
    assert_eq!((s.datacenter.as_str(), s.trust_domain.as_str()), ("east", "aaaa.consul"));
    assert_eq!((s.default_intention_policy, s.mode), (Action::Deny, Mode::Audit));
    assert_eq!(s.peer_trust_domains.get("cluster-01").map(String::as_str), Some("bbbb.consul"));
}

#[test]
fn two_files_with_one_name_are_reported() {
    let a = analysis(&[("a.hcl", BILLING_HTTP), ("a.hcl", DB_INTENTIONS)], None);
    let view = a.diagnostics();
    assert!(view.diagnostics.iter().any(|d| d.message.contains("two files are named `a.hcl`")));
}

#[test]
fn the_ranked_list_gives_precedence_shape_permissions_and_origin() {
    let a = analysis(&[("billing.hcl", L7_BILLING), ("sd.hcl", BILLING_HTTP)], None);
    let view = a.intentions();
    let ranked: Vec<(usize, &str, u8, &str)> =
        view.intentions.iter().map(|r| (r.rank, r.label.as_str(), r.precedence, r.precedence_shape)).collect();
    assert_eq!(ranked, [(1, "web → billing", 9, "exact → exact"), (2, "* → billing", 8, "* → exact")]);
    let web = &view.intentions[0];
    assert_eq!(web.verdict, RuleVerdict::L7);
    assert_eq!(web.origin.to_string(), "billing.hcl:4:3");
    let perms: Vec<(Action, &str)> = web.permissions.iter().map(|p| (p.action, p.summary.as_str())).collect();
    assert_eq!(perms, [(Action::Deny, "PathPrefix /admin"), (Action::Allow, "PathPrefix /, methods GET HEAD")]);
    assert_eq!(view.intentions[1].verdict, RuleVerdict::Deny);
}

#[test]
fn the_matrix_names_the_deciding_intention_for_each_pair() {
    let a = analysis(&[("billing.hcl", L7_BILLING), ("sd.hcl", BILLING_HTTP), ("db.hcl", DB_INTENTIONS)], None);
    let view = a.intentions();
    let m = view.matrix;
    let labels = |v: &[Endpoint]| v.iter().map(|e| e.label.clone()).collect::<Vec<_>>();
    assert_eq!(labels(&m.sources), ["billing", "peer:cluster-01/legacy", "web", "(any other)"]);
    assert_eq!(labels(&m.destinations), ["billing", "db", "(any other)"]);
    assert_eq!(m.destinations[0].protocol, Some(Protocol::Http));
    assert_eq!(m.destinations[1].protocol, Some(Protocol::Tcp));
    let cell = |s: &str, d: &str| {
        let si = m.sources.iter().position(|e| e.label == s).unwrap();
        let di = m.destinations.iter().position(|e| e.label == d).unwrap();
        m.cells[si][di].clone()
    };
    let web_billing = cell("web", "billing");
    assert_eq!(web_billing.verdict, CellVerdict::L7);
    let rank = web_billing.rank.unwrap();
    assert_eq!(view.intentions[rank - 1].label, "web → billing");
    assert!(web_billing.explanation.contains("2 permission(s)"), "{}", web_billing.explanation);
    assert_eq!(cell("billing", "billing").verdict, CellVerdict::Deny);
    assert_eq!(cell("(any other)", "billing").verdict, CellVerdict::Deny);
    assert_eq!(cell("billing", "db").verdict, CellVerdict::Allow);
    assert_eq!(cell("peer:cluster-01/legacy", "db").verdict, CellVerdict::Allow);
    let other = cell("web", "db");
    assert_eq!((other.verdict, other.rank), (CellVerdict::DefaultAllow, None));
    assert_eq!(cell("web", "(any other)").verdict, CellVerdict::DefaultAllow);

    let deny = SettingsInput { default_intention_policy: Some(Action::Deny), ..Default::default() };
    let a = analysis(&[("db.hcl", DB_INTENTIONS)], Some(deny));
    let m = a.intentions().matrix;
    assert_eq!(m.cells[0].last().map(|c| c.verdict), Some(CellVerdict::DefaultDeny));
}

#[test]
fn an_l7_intention_on_a_tcp_destination_says_it_denies_every_connection() {
    let a = analysis(&[("billing.hcl", L7_BILLING)], None);
    let m = a.intentions().matrix;
    let web = m.sources.iter().position(|e| e.name == "web").unwrap();
    let cell = &m.cells[web][0];
    assert_eq!(cell.verdict, CellVerdict::L7);
    assert!(cell.explanation.contains("speaks tcp: every connection is denied"), "{}", cell.explanation);
}

#[test]
fn registered_services_and_upstreams_join_the_matrix() {
    let services = r#"service {
  name = "web"
  connect { sidecar_service { proxy { upstreams = [{ destination_name = "api", local_bind_port = 9000 }] } } }
}
service {
  name = "mgw"
  kind = "mesh-gateway"
  port = 8443
}
"#;
    let a = analysis(&[("web.hcl", services)], None);
    let m = a.intentions().matrix;
    let names = |v: &[Endpoint]| v.iter().map(|e| e.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&m.sources), ["web", OTHER]);
    assert_eq!(names(&m.destinations), ["api", "web", OTHER]);
}

#[test]
fn simulate_decides_with_the_permission_that_matched_and_a_trace() {
    let a = analysis(&[("billing.hcl", L7_BILLING), ("sd.hcl", BILLING_HTTP)], None);
    let denied = a.simulate(&ask("web", "billing", Some("GET"), Some("/admin/users"))).unwrap();
    assert!(!denied.allowed);
    assert_eq!(denied.effect, Effect::Deny);
    assert_eq!((denied.reason, denied.permission), (Reason::Permission, Some(1)));
    let i = denied.intention.as_ref().unwrap();
    assert_eq!((i.rank, i.label.as_str(), i.origin.line), (1, "web → billing", 4));
    assert_eq!(
        denied.explanation,
        "denied by permission #1 of intention web → billing (precedence 9, billing.hcl:4:3)"
    );
    assert_eq!(denied.trace.len(), 2);
    assert_eq!(denied.trace[0].outcome, "matched: this intention decides");
    assert_eq!(denied.trace[0].permissions[0], "#1 deny: matches");
    assert_eq!(denied.trace[1].outcome, "matches too, but a higher-ranked intention decided first");

    let allowed = a.simulate(&ask("web", "billing", Some("GET"), Some("/api"))).unwrap();
    assert!(allowed.allowed);
    assert_eq!(allowed.permission, Some(2));
    assert_eq!(allowed.trace[0].permissions, ["#1 deny: path /api does not match", "#2 allow: matches"]);

    // A path that only reaches /admin after normalization is still denied, and says so.
    let sneaky = a.simulate(&ask("web", "billing", Some("GET"), Some("//./admin"))).unwrap();
    assert!(!sneaky.allowed);
    let http = sneaky.http.unwrap();
    assert_eq!((http.path.as_str(), http.normalized_path.as_deref()), ("//./admin", Some("/admin")));

    let api = a.simulate(&ask("api", "billing", None, None)).unwrap();
    assert!(!api.allowed);
    assert_eq!(api.intention.map(|i| i.rank), Some(2));
    assert_eq!(api.trace[0].outcome, "source name is web, not api");
}

#[test]
fn simulate_mirrors_meshgate_check_on_when_a_request_is_http() {
    let a = analysis(&[("billing.hcl", L7_BILLING), ("sd.hcl", BILLING_HTTP), ("db.hcl", DB_INTENTIONS)], None);
    // billing speaks http: an HTTP request (GET /) even without method or path.
    let r = a.simulate(&ask("web", "billing", None, None)).unwrap();
    assert_eq!(r.destination_protocol, Protocol::Http);
    let http = r.http.unwrap();
    assert_eq!((http.method.as_str(), http.path.as_str()), ("GET", "/"));
    // db speaks tcp: a connection, whatever the request says (the filter sees TCP there), and
    // the answer says why the HTTP description was set aside.
    let r = a.simulate(&ask("billing", "db", None, None)).unwrap();
    assert!(r.http.is_none() && r.allowed && r.note.is_none());
    let mut with_header = ask("billing", "db", Some("GET"), Some("/x"));
    with_header.headers = vec!["X-Debug: 1".into(), "  ".into()];
    let r = a.simulate(&with_header).unwrap();
    assert!(r.http.is_none());
    assert!(r.note.unwrap().contains("decided at L4"));
    // Peered callers are matched by peer.
    let mut peered = ask("legacy", "db", None, None);
    peered.source_peer = "cluster-01".into();
    assert!(a.simulate(&peered).unwrap().intention.is_some());
}

#[test]
fn simulate_refuses_requests_it_cannot_ask() {
    let a = analysis(&[("db.hcl", DB_INTENTIONS)], None);
    assert_eq!(a.simulate(&ask("", "db", None, None)).unwrap_err(), "name a source and a destination service");
    let mut bad = ask("web", "db", None, None);
    bad.headers = vec!["no colon".into()];
    assert_eq!(a.simulate(&bad).unwrap_err(), "header `no colon` must look like `Name: value`");
}

#[test]
fn audit_mode_reports_a_denial_that_is_only_recorded() {
    let audit = SettingsInput { mode: Some(Mode::Audit), ..Default::default() };
    let a = analysis(&[("billing.hcl", L7_BILLING), ("sd.hcl", BILLING_HTTP)], Some(audit));
    let r = a.simulate(&ask("api", "billing", None, None)).unwrap();
    assert!(!r.allowed);
    assert_eq!((r.effect, r.mode), (Effect::AuditDeny, Mode::Audit));
}

#[test]
fn upstreams_view_lists_each_proxy_with_the_level_that_set_its_mode() {
    let text = include_str!("../../../tests/corpus/seeds/upstream-modes.hcl");
    let settings = SettingsInput {
        peer_trust_domains: Some(SortedMap::from([("cluster-01".into(), "cccc.consul".into())])),
        ..Default::default()
    };
    let a = analysis(&[("upstream-modes.hcl", text)], Some(settings));
    let view = a.upstreams();
    assert_eq!(view.datacenter, "dc1");
    assert_eq!(view.proxies.len(), 1);
    let p = &view.proxies[0];
    assert_eq!((p.proxy.as_str(), p.service.as_str()), ("web-sidecar-proxy", "web"));
    let rows: Vec<(&str, &str)> =
        p.upstreams.iter().map(|u| (u.resolution.destination.as_str(), u.resolution.sni.as_str())).collect();
    assert_eq!(
        rows,
        [
            // The peer's gateways answer the name it gave this cluster: the local datacenter's,
            // as the settings give no `LocalName`.
            ("api", "api.default.default.dc1.external.cccc.consul"),
            ("db", "db.default.secondary.internal.11111111-2222-3333-4444-555555555555.consul"),
            ("logging", "logging.default.secondary.internal.11111111-2222-3333-4444-555555555555.consul"),
        ]
    );
    // Each listener's target, dialled as web in the upstream's mode; the workspace registers no
    // mesh gateway, so the gateway modes say why they are unrouted.
    assert_eq!(p.presents_short, "spiffe://<td>/ns/default/dc/dc1/svc/web");
    let dials: Vec<(&str, Option<&str>, Via, Option<&str>)> = p
        .upstreams
        .iter()
        .flat_map(|u| u.targets.iter().map(move |t| (u, t)))
        .map(|(u, t)| (t.label.as_str(), u.listener.as_deref(), t.dial.via, t.dial.problem.as_deref()))
        .collect();
    assert_eq!(
        dials,
        [
            (
                "api @peer:cluster-01",
                Some("127.0.0.1:10000"),
                Via::PeerMeshGateway,
                Some("the settings give no mesh gateway of peer `cluster-01` (Peers.cluster-01.MeshGateways)")
            ),
            (
                "db @secondary",
                Some("127.0.0.1:10001"),
                Via::LocalMeshGateway,
                Some("no mesh gateway is registered in dc1")
            ),
            (
                "logging @secondary",
                Some("127.0.0.1:10002"),
                Via::ConnectEndpoints,
                Some("`logging` has no Connect endpoint in secondary")
            ),
        ]
    );
    let api = &p.upstreams[0].targets[0].dial;
    assert_eq!(api.peer.as_deref(), Some("cluster-01"));
    assert_eq!(
        api.expects,
        SanMatch::Regex(r"^spiffe://cccc\.consul/(ap/default/)?ns/default/dc/[^/]+/svc/api$".into())
    );
    assert_eq!(api.presents, format!("spiffe://{}/ns/default/dc/dc1/svc/web", crate::settings::DEFAULT_TRUST_DOMAIN));
}

#[test]
fn the_plan_is_what_meshgate_plan_prints_and_is_withheld_on_errors() {
    let a = analysis(&[("billing.hcl", L7_BILLING), ("sd.hcl", BILLING_HTTP)], None);
    let view = a.plan();
    assert!(view.withheld.is_none());
    let json = view.json.unwrap();
    let expected = serde_json::to_string_pretty(&a.compiled.as_ref().unwrap().plan).unwrap();
    assert_eq!(json, expected);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["version"], plan::PLAN_VERSION);
    assert_eq!(value["intentions"].as_array().map(Vec::len), Some(2));

    let a = analysis(&[("billing.hcl", L7_BILLING), ("sd.hcl", BILLING_HTTP), ("bad.hcl", "Kind = \"nope\"\n")], None);
    let view = a.plan();
    assert!(view.json.is_none());
    assert!(view.withheld.unwrap().starts_with("no plan while the configuration has 1 error"));
    // The other views still show what decoded.
    assert_eq!(a.intentions().intentions.len(), 2);
}

#[test]
fn nothing_in_the_input_makes_analysis_fail() {
    for text in ["", "{", "Kind = ", "\u{0}", "service { name = \"\u{1F600}\" }", "[[[[", "- - -"] {
        for name in ["a.hcl", "a.json", "a.yaml", "noext"] {
            let a = analysis(&[(name, text)], None);
            let _ = (a.diagnostics(), a.intentions(), a.upstreams(), a.plan());
            let _ = a.simulate(&ask("web", "db", Some("GET"), Some("/%2e%2e/x")));
        }
    }
}

const CHAIN_FILES: [(&str, &str); 5] = [
    // A service-defaults entry decides the chain compiler's protocol even without `Protocol`
    // (hashicorp/consul#11457), so it names http itself.
    ("admin.hcl", "Kind = \"service-defaults\"\nName = \"admin\"\nProtocol = \"http\"\n"),
    ("defaults.hcl", "Kind = \"proxy-defaults\"\nName = \"global\"\nConfig {\n  protocol = \"http\"\n}\n"),
    (
        "router.hcl",
        r#"Kind = "service-router"
Name = "api"
Routes = [
  {
    Match { HTTP { PathPrefix = "/admin" } }
    Destination { Service = "admin", PrefixRewrite = "/", RequestTimeout = "2s" }
  },
]
"#,
    ),
    ("split.yaml", "Kind: service-splitter\nName: api\nSplits:\n  - Weight: 90\n    ServiceSubset: stable\n  - Weight: 10\n    ServiceSubset: canary\n"),
    (
        "resolver.json",
        r#"{
  "Kind": "service-resolver",
  "Name": "api",
  "DefaultSubset": "stable",
  "Subsets": { "stable": { "Filter": "Service.Meta.version == v1" }, "canary": { "Filter": "Service.Meta.version == v2" } },
  "Failover": { "canary": { "Datacenters": ["dc2"] } }
}"#,
    ),
];

#[test]
fn the_route_table_gives_each_route_its_weighted_targets_and_failover() {
    let a = analysis(&CHAIN_FILES, None);
    assert!(a.diagnostics().summary.valid, "{:?}", a.diagnostics().diagnostics);
    let view = a.routes();
    let services: Vec<&str> = view.chains.iter().map(|c| c.service.as_str()).collect();
    assert_eq!(services, ["admin", "api"]);
    let api = &view.chains[1];
    assert_eq!((api.protocol, api.default), (Protocol::Http, false));
    let rows: Vec<(&str, &str, bool)> =
        api.routes.iter().map(|r| (r.matches.as_str(), r.destination.as_str(), r.catch_all)).collect();
    assert_eq!(rows, [("PathPrefix \"/admin\"", "admin", false), ("PathPrefix \"/\"", "api", true)]);
    assert_eq!(api.routes[0].details, ["rewrite prefix to /", "request timeout 2s"]);
    assert_eq!(api.routes[0].origin.as_ref().map(|o| (o.file.as_str(), o.line)), Some(("router.hcl", 4)));
    let admin: Vec<(&str, f64)> = api.routes[0].targets.iter().map(|t| (t.label.as_str(), t.weight)).collect();
    assert_eq!(admin, [("admin", 100.0)]);
    type Share<'a> = (&'a str, f64, Vec<(&'a str, &'a str)>);
    let split: Vec<Share> = api.routes[1]
        .targets
        .iter()
        .map(|t| {
            (t.label.as_str(), t.weight, t.failover.iter().map(|f| (f.target.as_str(), f.label.as_str())).collect())
        })
        .collect();
    assert_eq!(
        split,
        [
            ("stable.api", 90.0, vec![]),
            ("canary.api", 10.0, vec![("canary.api.default.default.dc2", "canary.api @dc2")]),
        ]
    );
    assert_eq!(
        api.routes[1].targets[0].sni,
        "stable.api.default.dc1.internal.11111111-2222-3333-4444-555555555555.consul"
    );

    // A service with nothing but defaults: one row, all traffic to itself.
    let admin = &view.chains[0];
    assert!(admin.default);
    assert_eq!(admin.routes.len(), 1);
    assert_eq!((admin.routes[0].matches.as_str(), admin.routes[0].targets[0].weight), ("every request", 100.0));
}

#[test]
fn the_chain_graph_has_columns_rows_and_labelled_edges() {
    let a = analysis(&CHAIN_FILES, None);
    let view = a.routes();
    let g = &view.chains[1].graph;
    assert_eq!(
        g.columns,
        [GraphNodeKind::Router, GraphNodeKind::Splitter, GraphNodeKind::Resolver, GraphNodeKind::Target]
    );
    let nodes: Vec<(&str, u32, u32, bool)> =
        g.nodes.iter().map(|n| (n.label.as_str(), n.column, n.row, n.failover_only)).collect();
    assert_eq!(
        nodes,
        [
            ("router api", 0, 0, false),
            ("resolver admin", 2, 0, false),
            ("splitter api", 1, 0, false),
            ("resolver stable.api", 2, 1, false),
            ("resolver canary.api", 2, 2, false),
            ("admin", 3, 0, false),
            ("stable.api", 3, 1, false),
            ("canary.api", 3, 2, false),
            ("canary.api @dc2", 3, 3, true),
        ]
    );
    assert_eq!(g.rows, 4);
    let edges: Vec<(EdgeKind, &str, &str)> =
        g.edges.iter().map(|e| (e.kind, e.to.as_str(), e.label.as_str())).collect();
    assert_eq!(
        edges,
        [
            (EdgeKind::Route, "resolver:admin.default.default.dc1", "#1"),
            (EdgeKind::Route, "splitter:api.default.default", "#2"),
            (EdgeKind::Resolve, "target:admin.default.default.dc1", ""),
            (EdgeKind::Split, "resolver:stable.api.default.default.dc1", "90%"),
            (EdgeKind::Split, "resolver:canary.api.default.default.dc1", "10%"),
            (EdgeKind::Resolve, "target:stable.api.default.default.dc1", ""),
            (EdgeKind::Resolve, "target:canary.api.default.default.dc1", ""),
            (EdgeKind::Failover, "target:canary.api.default.default.dc2", "failover 1"),
        ]
    );
    assert_eq!(g.edges[1].title, "#2 PathPrefix \"/\" (catch-all)");
    assert_eq!((g.edges[0].port, g.edges[1].port, g.edges[2].port), (Some(0), Some(1), None));
    assert_eq!(g.nodes[0].ports, 2);
    assert_eq!(g.edges[3].title, "90% to stable.api");
    // Every edge joins two nodes of the graph.
    for e in &g.edges {
        assert!(g.nodes.iter().any(|n| n.id == e.from), "{}", e.from);
        assert!(g.nodes.iter().any(|n| n.id == e.to), "{}", e.to);
    }
}

/// api's router sends `/admin` to admin and rewrites `/v1/`; its splitter sends a tenth of the
/// rest to canary. Intentions: web may call api and canary; only ops may call admin; api denies
/// `/internal` to web.
const ROUTED: &[(&str, &str)] = &[
    ("defaults.hcl", "Kind = \"proxy-defaults\"\nName = \"global\"\nConfig { protocol = \"http\" }\n"),
    (
        "api-router.hcl",
        r#"Kind = "service-router"
Name = "api"
Routes = [
  { Match { HTTP { PathPrefix = "/admin" } } Destination { Service = "admin" } },
  { Match { HTTP { PathPrefix = "/v1/" } } Destination { PrefixRewrite = "/internal/", RequestHeaders { Set { x-version = "1" } } } },
]
"#,
    ),
    (
        "api-splitter.hcl",
        r#"Kind = "service-splitter"
Name = "api"
Splits = [{ Weight = 90 }, { Weight = 10, Service = "canary" }]
"#,
    ),
    ("admin-intentions.hcl", "Kind = \"service-intentions\"\nName = \"admin\"\nSources = [{ Name = \"ops\", Action = \"allow\" }, { Name = \"*\", Action = \"deny\" }]\n"),
    (
        "api-intentions.hcl",
        r#"Kind = "service-intentions"
Name = "api"
Sources = [{ Name = "web", Permissions = [
  { Action = "deny", HTTP { PathPrefix = "/internal" } },
  { Action = "deny", HTTP { Header = [{ Name = "x-version", Exact = "1" }] } },
  { Action = "allow", HTTP { PathPrefix = "/" } },
] }]
"#,
    ),
    ("canary-intentions.hcl", "Kind = \"service-intentions\"\nName = \"canary\"\nSources = [{ Name = \"web\", Action = \"deny\" }]\n"),
];

#[test]
fn simulate_follows_the_route_and_decides_where_the_request_lands() {
    let a = analysis(ROUTED, None);
    assert!(!a.has_errors(), "{:?}", a.diagnostics().diagnostics);

    // The demo's blind spot: web → api GET /admin lands at admin, where web has no intention.
    let r = a.simulate(&ask("web", "api", Some("GET"), Some("/admin/users"))).unwrap();
    assert!(!r.allowed, "{}", r.explanation);
    assert_eq!(r.decided_at, "admin");
    let hop = r.route.clone().expect("the hop is shown");
    assert!(hop.description.contains("to admin"), "{}", hop.description);
    assert!(hop.origin.unwrap().file.contains("api-router.hcl"));
    // The plain question (`--no-route`) is still available.
    let plain = SimulateRequest { no_route: true, ..ask("web", "api", Some("GET"), Some("/admin/users")) };
    let r = a.simulate(&plain).unwrap();
    assert!(r.allowed && r.route.is_none() && r.decided_at == "api", "{}", r.explanation);

    // A rewrite: /v1/x reaches api as /internal/x, with the route's header set: denied there.
    let r = a.simulate(&ask("web", "api", Some("GET"), Some("/v1/x"))).unwrap();
    assert!(!r.allowed, "{}", r.explanation);
    assert_eq!(r.route.unwrap().rewritten_path.as_deref(), Some("/internal/x"));
    assert_eq!(r.http.unwrap().normalized_path.as_deref(), Some("/internal/x"));

    // A split: each branch answers with its weight; the first that denies is shown.
    let r = a.simulate(&ask("web", "api", Some("GET"), Some("/docs"))).unwrap();
    let legs: Vec<(&str, f64, bool)> = r.legs.iter().map(|l| (l.service.as_str(), l.weight, l.allowed)).collect();
    assert_eq!(legs, [("api", 90.0, true), ("canary", 10.0, false)]);
    assert!(!r.allowed);
    assert_eq!(r.decided_at, "canary");
}

/// Enterprise tenancy and a peer in the intentions (so each optional member of an intention's
/// source and destination is written), a split to a peer's service and a tcp service.
const TENANCY: &[(&str, &str)] = &[
    ("defaults.hcl", "Kind = \"proxy-defaults\"\nName = \"global\"\nConfig { protocol = \"http\" }\n"),
    (
        "ledger-intentions.hcl",
        r#"Kind = "service-intentions"
Name = "ledger"
Namespace = "finance"
Partition = "eu"
Sources = [
  { Name = "web", Namespace = "frontend", Partition = "eu", Action = "allow" },
  { Name = "legacy", Peer = "cluster-01", Action = "deny" },
]
"#,
    ),
    (
        "shop-splitter.hcl",
        "Kind = \"service-splitter\"\nName = \"shop\"\nSplits = [{ Weight = 50 }, { Weight = 50, Service = \"shop-remote\" }]\n",
    ),
    ("shop-remote.hcl", "Kind = \"service-resolver\"\nName = \"shop-remote\"\nRedirect { Peer = \"cluster-01\" }\n"),
    ("db.hcl", "Kind = \"service-defaults\"\nName = \"db\"\nProtocol = \"tcp\"\n"),
];

const IDLE_GATEWAY: &str = r#"Kind = "api-gateway"
Name = "idle-gw"
Listeners = [
  { Name = "web", Port = 8090, Protocol = "http" },
  { Name = "db", Port = 9000, Protocol = "tcp" },
]
"#;

const GONE_ROUTE: &str = r#"Kind = "http-route"
Name = "gone"
Parents = [{ Name = "idle-gw", SectionName = "web" }]
Rules = [{ Matches = [{ Path = { Match = "prefix", Value = "/gone" } }] }]
"#;

/// What serde_json writes for every view is what the page's declarations say
/// (`planner-wasm/src/types.ts`, generated from these types by ts-rs in `tests/typescript.rs`):
/// the views of populated workspaces, serialized, have exactly the declared keys (optional ones
/// may be absent) with values of the declared types; together they give every declared member a
/// real value (not null, not empty) at least once, so no declaration goes unchecked. The inputs
/// also deserialize with each member their declaration lets a caller leave out or set to null.
#[test]
fn serialized_views_match_the_generated_declarations() {
    use super::ts_decl::{Coverage, Declarations};
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../planner-wasm/src/types.ts");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let decls = Declarations::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut coverage = Coverage::default();
    let mut check = |root: &str, value: &dyn erased::Value| {
        let value = value.json();
        if let Err(e) = decls.check(root, &value, &mut coverage) {
            panic!(
                "{root}, as serde_json writes it, does not match planner-wasm/src/types.ts: {e}\n\
                 (after changing the types: UPDATE_TS=1 cargo test -p meshgate-core --features ts --test typescript)"
            );
        }
    };

    let inputs = each_view(&mut check, &mut |_| {});
    let Inputs { workspace: input, simulate: request, envoy, convert } = &inputs;
    leave_out::<WorkspaceInput>(&decls, "WorkspaceInput", input);
    leave_out::<SimulateRequest>(&decls, "SimulateRequest", request);
    leave_out::<EnvoyRequest>(&decls, "EnvoyRequest", envoy);
    leave_out::<crate::convert::ConvertRequest>(&decls, "ConvertRequest", convert);

    let uncovered = decls.uncovered(&coverage);
    assert!(
        uncovered.is_empty(),
        "declared in planner-wasm/src/types.ts but never given a value by this test's views \
         (populate them here, so their types are checked): {uncovered:#?}"
    );
}

/// What [`each_view`] serializes besides the views: the inputs, fully populated.
struct Inputs {
    workspace: WorkspaceInput,
    simulate: SimulateRequest,
    envoy: EnvoyRequest,
    convert: crate::convert::ConvertRequest,
}

/// Every view the playground asks for, over populated workspaces — a few built here, every
/// route-table case of the corpus, every example of the playground, the demo — and the inputs,
/// each given to `check` with the name of its declaration in `planner-wasm/src/types.ts`; and
/// each workspace's analysis to `analyses`.
fn each_view(check: &mut dyn FnMut(&str, &dyn erased::Value), analyses: &mut dyn FnMut(&Analysis)) -> Inputs {
    let settings = SettingsInput {
        peer_trust_domains: Some(SortedMap::from([("cluster-01".into(), "cccc.consul".into())])),
        ..Default::default()
    };
    let upstreams = include_str!("../../../tests/corpus/seeds/upstream-modes.hcl");
    let broken = "Kind = \"proxy-defaults\"\nName = \"global\"\nMeshGatewy { Mode = \"local\" }\n";
    let workspaces = [
        analysis(&[("billing.hcl", L7_BILLING), ("sd.hcl", BILLING_HTTP), ("db.hcl", DB_INTENTIONS)], None),
        analysis(
            &[("billing.hcl", L7_BILLING), ("pd.hcl", broken)],
            Some(SettingsInput { datacenter: Some("dc 1".into()), ..Default::default() }),
        ),
        analysis(&[("upstream-modes.hcl", upstreams)], Some(settings.clone())),
        analysis(&CHAIN_FILES, None),
        analysis(ROUTED, None),
        analysis(TENANCY, Some(settings.clone())),
        // An API gateway with a listener nothing attaches to and a route to no service.
        super::gateways::tests::analysis(&[
            (
                "idle-service.hcl",
                "service { name = \"idle-gw\" kind = \"api-gateway\" address = \"10.0.0.8\" port = 8443 }\n",
            ),
            ("idle-gw.hcl", IDLE_GATEWAY),
            ("gone-route.hcl", GONE_ROUTE),
            // A terminating gateway entry nothing runs (the view offers its registration).
            ("egress.hcl", "Kind = \"terminating-gateway\"\nName = \"egress\"\nServices = [{ Name = \"legacy\" }]\n"),
        ]),
    ];
    // And the workspaces the page and the CLI's corpus tests show: every route-table case, every
    // example of the playground, the demo.
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut dirs = vec![format!("{root}/examples/demo")];
    for parent in ["tests/corpus/routes", "web/examples"] {
        let entries = std::fs::read_dir(format!("{root}/{parent}")).unwrap_or_else(|e| panic!("{parent}: {e}"));
        dirs.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.is_dir()).map(|p| p.display().to_string()));
    }
    dirs.sort();
    let mut examples: Vec<Analysis> = dirs.iter().map(|d| directory_analysis(d)).collect();
    // 41 × 41 with "(any other)": over the matrix's limit, so it comes as the list of pairs.
    let sources: Vec<String> =
        (0..40).map(|s| format!("  {{ Name = \"client-{s:02}\", Action = \"allow\" }},")).collect();
    let big: Vec<(String, String)> = (0..40)
        .map(|d| {
            let text = format!(
                "Kind = \"service-intentions\"\nName = \"svc-{d:02}\"\nSources = [\n{}\n]\n",
                sources.join("\n")
            );
            (format!("svc-{d:02}.hcl"), text)
        })
        .collect();
    let big: Vec<(&str, &str)> = big.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    examples.push(analysis(&big, None));
    for a in workspaces.iter().chain(&examples) {
        analyses(a);
        check("DiagnosticsView", &a.diagnostics());
        let windows = a.intention_windows();
        check("IntentionsSummary", &windows.summary());
        check("IntentionNames", &a.intention_names());
        let list = ListQuery { filter: String::new(), start: 0, count: 50 };
        check("ListQuery", &list);
        check("ListSlice", &windows.list(&list));
        let matrix = MatrixQuery { source: String::new(), destination: String::new(), start: 0, count: 50 };
        check("MatrixQuery", &matrix);
        check("MatrixSlice", &windows.matrix(a, &matrix));
        check("UpstreamsView", &a.upstreams());
        check("RoutesView", &a.routes());
        check("PlanView", &a.plan());
        let gateways = a.gateways();
        check("GatewaysView", &gateways);
        check("GatewayPlanView", &a.gateway_plan("no-such-gateway"));
        for g in &gateways.gateways {
            check("GatewayPlanView", &a.gateway_plan(&g.key));
            let sidecar = g.kind == crate::plan::gateways::GatewayKind::ConnectProxy;
            check("EnvoyView", &a.envoy(&EnvoyRequest { gateway: g.key.clone(), sidecar, ..Default::default() }));
        }
        check(
            "EnvoyView",
            &a.envoy(&EnvoyRequest { gateway: "x".into(), admin_port: "nope".into(), ..Default::default() }),
        );
    }

    let [l7, tcp_l7, _, _, routed, tenancy, _] = &workspaces;
    let asked = [
        (l7, ask("web", "billing", Some("GET"), Some("/admin/x"))),
        (l7, ask("web", "billing", Some("POST"), Some("/a/%2e%2e/%2fetc"))),
        (l7, SimulateRequest { headers: vec!["x-debug: 1".into()], ..ask("web", "billing", None, Some("/x")) }),
        (l7, ask("api", "billing", None, None)),
        (l7, ask("web", "billing", Some("POST"), Some("/charge"))),
        (tcp_l7, ask("web", "billing", None, None)),
        (l7, ask("billing", "db", Some("GET"), Some("/"))),
        (routed, ask("web", "api", Some("GET"), Some("/admin/users"))),
        (routed, ask("web", "api", Some("GET"), Some("/v1/x"))),
        (routed, ask("web", "api", Some("GET"), Some("/docs"))),
        (routed, SimulateRequest { no_route: true, ..ask("web", "api", Some("GET"), Some("/admin/users")) }),
        (tenancy, ask("web", "shop", Some("GET"), Some("/"))),
    ];
    for (a, request) in &asked {
        check("SimulateView", &a.simulate(request).unwrap_or_else(|e| panic!("{request:?}: {e}")));
    }
    let jwt = analysis(&[("i.hcl", JWT_INTENTIONS), ("p.hcl", JWT_PROVIDER), ("b.hcl", BILLING_HTTP)], None);
    analyses(&jwt);
    let denied = jwt.simulate(&ask("web", "billing", Some("GET"), Some("/"))).unwrap_or_else(|e| panic!("{e}"));
    check("SimulateView", &denied);

    // The inputs, fully populated; then with each member the declaration makes optional left out
    // (and each nullable one set to null): serde must still read them.
    let input = WorkspaceInput {
        files: vec![file("a.hcl", BILLING_HTTP)],
        settings: Some(SettingsInput {
            datacenter: Some("dc2".into()),
            partition: Some("p".into()),
            trust_domain: Some("x.consul".into()),
            default_intention_policy: Some(Action::Deny),
            mode: Some(Mode::Audit),
            peer_trust_domains: settings.peer_trust_domains.clone(),
        }),
    };
    let request = SimulateRequest {
        source: "web".into(),
        source_namespace: "frontend".into(),
        source_partition: "eu".into(),
        source_peer: "cluster-01".into(),
        destination: "billing".into(),
        destination_namespace: "finance".into(),
        method: Some("GET".into()),
        path: Some("/".into()),
        headers: vec!["x-a: 1".into()],
        no_route: true,
        jwt: crate::json::json!({ "okta": { "sub": "alice" } }).as_object().cloned(),
    };
    let envoy = EnvoyRequest {
        gateway: "g".into(),
        sidecar: true,
        wasm: "/f.wasm".into(),
        admin_port: "9901".into(),
        cert_dir: "/c".into(),
    };
    check("WorkspaceInput", &input);
    check("SimulateRequest", &request);
    check("EnvoyRequest", &envoy);
    let convert =
        crate::convert::ConvertRequest { file: file("a.hcl", BILLING_HTTP), name: "billing".into(), to: "crd".into() };
    check("ConvertRequest", &convert);
    check("ConvertView", &crate::convert::convert_file(&convert));
    Inputs { workspace: input, simulate: request, envoy, convert }
}

/// A directory's configuration files, with its `meshgate.*` settings file, as `meshgate DIR` reads it.
pub(super) fn directory_analysis(dir: &str) -> Analysis {
    let mut input = AnalysisInput::default();
    let mut paths: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let config = [".hcl", ".json", ".yaml", ".yml"].iter().any(|x| name.ends_with(x));
        // routes.json: a corpus case's expectation; index.json: the examples' list.
        if !config || name == "routes.json" || name == "index.json" {
            continue;
        }
        let file = InputFile::new(name.clone(), std::fs::read_to_string(&path).unwrap());
        if name.starts_with("meshgate.") {
            input.settings_files.push(file);
        } else {
            input.files.push(file);
        }
    }
    assert!(!input.files.is_empty(), "{dir}: no configuration files");
    Analysis::load(input)
}

/// `value` read back by serde with each member its declaration lets a caller leave out removed,
/// and each nullable member set to null, one at a time.
fn leave_out<T: serde::de::DeserializeOwned>(decls: &super::ts_decl::Declarations, root: &str, value: &impl Serialize) {
    let value = serde_json::to_value(value).unwrap();
    let omissible = decls.omissible(root, &value);
    assert!(!omissible.is_empty(), "{root}: nothing to leave out?");
    for (pointer, optional, nullable) in omissible {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let mut edits: Vec<(&str, Option<serde_json::Value>)> = Vec::new();
        if optional {
            edits.push(("leaving out", None));
        }
        if nullable {
            edits.push(("setting to null", Some(serde_json::Value::Null)));
        }
        for (what, replacement) in edits {
            let mut v = value.clone();
            let object = v.pointer_mut(parent).and_then(serde_json::Value::as_object_mut).unwrap();
            match replacement {
                None => object.remove(key),
                Some(r) => object.insert(key.to_string(), r),
            };
            if let Err(e) = serde_json::from_value::<T>(v) {
                panic!("{root}: {what} {pointer}, as the declaration allows, fails to deserialize: {e}");
            }
        }
    }
}

/// Any serializable view, behind one object-safe trait (the checks take them in a list).
mod erased {
    pub trait Value {
        fn json(&self) -> serde_json::Value;
        /// The compact text from the core's writer and from serde_json's.
        fn compact(&self) -> (String, String);
        /// The pretty text from the core's writer ([`crate::json::pretty`]) and from serde_json's.
        fn pretty(&self) -> (String, String);
    }
    impl<T: serde::Serialize> Value for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap()
        }
        fn compact(&self) -> (String, String) {
            (crate::json::to_string(self).unwrap(), serde_json::to_string(self).unwrap())
        }
        fn pretty(&self) -> (String, String) {
            (crate::json::pretty(self).unwrap(), serde_json::to_string_pretty(self).unwrap())
        }
    }
}

/// The core's JSON writer (`crate::json::write`) writes what serde_json writes, byte for byte,
/// for real data: every view of every workspace [`each_view`] shows (the corpus's route-table
/// cases, the playground's examples, the demo, ...), every workspace's compiled plan, its
/// documents, and every gateway's and sidecar's plan (also as `canonical_json`, which the content
/// hash covers). The JSON texts the views carry (plans, Envoy bootstraps, converted files) were
/// written by the core's writer on both sides, so the tree each reads back as (a `Value`: the
/// Envoy and converted ones are `Value`s already) is written by both too.
#[test]
fn every_view_and_plan_is_written_as_serde_json_writes_it() {
    use std::cell::Cell;
    let bytes = Cell::new(0usize);
    let texts = Cell::new(0usize);
    let same = |what: &str, value: &dyn erased::Value| {
        let (ours, theirs) = value.compact();
        assert!(ours == theirs, "{what}: the compact texts differ\n  ours: {ours}\nserde_json: {theirs}");
        let (ours, theirs) = value.pretty();
        assert!(ours == theirs, "{what}: the pretty texts differ");
        bytes.set(bytes.get() + ours.len());
        // JSON texts inside the view.
        let mut stack = vec![value.json()];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::Array(items) => stack.extend(items),
                serde_json::Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
                serde_json::Value::String(s) if s.starts_with(['{', '[']) => {
                    let Ok(tree) = serde_json::from_str::<serde_json::Value>(&s) else { continue };
                    let (ours, theirs) = erased::Value::pretty(&tree);
                    assert!(ours == theirs, "{what}: a JSON text inside it, read back, is written differently");
                    texts.set(texts.get() + 1);
                }
                _ => {}
            }
        }
    };
    let mut plans = 0;
    each_view(&mut |root, value| same(root, value), &mut |a| {
        same("Workspace.documents", &a.workspace.documents);
        let Some(c) = &a.compiled else { return };
        same("Plan", &c.plan);
        for g in &a.gateways().gateways {
            let plan = crate::plan::gateways::gateway_plan(c, &g.key)
                .or_else(|| crate::plan::gateways::sidecar_plan(c, &g.key).ok());
            let Some(plan) = plan else { continue };
            same(&format!("GatewayPlan {}", g.key), &plan);
            assert_eq!(plan.canonical_json(), serde_json::to_string(&plan).unwrap(), "{}", g.key);
            plans += 1;
        }
    });
    // Enough real data that the comparison means something.
    assert!(plans > 50, "only {plans} gateway plans");
    assert!(texts.get() > 50, "only {} JSON texts inside views", texts.get());
    assert!(bytes.get() > 1_000_000, "only {} bytes compared", bytes.get());
}

/// The same over the whole fixture corpus (`tests/corpus`): each file of a kind's directory as a
/// workspace of its own, each case directory below (discovery chains, decisions, route tables,
/// docs examples, ...) as one workspace — config entries of every kind, valid and broken, so
/// every model type's serialization and the diagnostics are written by both writers.
#[test]
fn every_corpus_workspace_is_written_as_serde_json_writes_it() {
    fn same(what: &str, value: &dyn erased::Value) {
        let (ours, theirs) = value.compact();
        assert!(ours == theirs, "{what}: the compact texts differ\n  ours: {ours}\nserde_json: {theirs}");
        let (ours, theirs) = value.pretty();
        assert!(ours == theirs, "{what}: the pretty texts differ");
    }
    fn check(what: &str, a: &Analysis) {
        same(what, &a.workspace.documents);
        same(what, &a.diagnostics());
        same(what, &a.plan());
        same(what, &a.upstreams());
        same(what, &a.routes());
        let gateways = a.gateways();
        same(what, &gateways);
        if let Some(c) = &a.compiled {
            same(what, &c.plan);
            for g in &gateways.gateways {
                same(what, &a.gateway_plan(&g.key));
            }
        }
    }
    // Expectations and notes, not configuration.
    let config = |p: &std::path::Path| {
        let name = p.file_name().unwrap().to_string_lossy();
        ["hcl", "json", "yaml", "yml"].iter().any(|x| p.extension().is_some_and(|e| e == *x))
            && !name.ends_with(".decoded.json")
            && !["chain.json", "routes.json", "index.json"].contains(&name.as_ref())
    };
    let root = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus"));
    let (mut files, mut cases) = (0, 0);
    let mut dirs: Vec<(std::path::PathBuf, usize)> = vec![(root, 0)];
    while let Some((dir, depth)) = dirs.pop() {
        let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        let mut workspace: Vec<(String, String)> = Vec::new();
        for path in paths {
            if path.is_dir() {
                dirs.push((path, depth + 1));
            } else if depth >= 1 && config(&path) {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                workspace.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
        let groups: Vec<Vec<(String, String)>> = match depth {
            // A kind's directory: every file is a case of its own.
            1 => workspace.into_iter().map(|f| vec![f]).collect(),
            _ if workspace.is_empty() => vec![],
            _ => vec![workspace],
        };
        for group in groups {
            let refs: Vec<(&str, &str)> = group.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
            check(
                &format!("{} {:?}", dir.display(), group.iter().map(|(n, _)| n).collect::<Vec<_>>()),
                &analysis(&refs, None),
            );
            files += group.len();
            cases += 1;
        }
    }
    assert!(files > 900 && cases > 400, "only {files} files in {cases} workspaces");
}

/// The playground reads a workspace file named like a directory's settings file as settings, as
/// the CLI does: the demo's `meshgate.hcl` brings its peers (the name the peer gave this cluster
/// and the peer's mesh gateways), which the page's panel has no fields for.
#[test]
fn a_meshgate_hcl_file_in_the_playground_is_the_settings_file() {
    let settings = r#"
Datacenter = "dc1"
Peers = {
  "partner" = {
    TrustDomain  = "99999999-8888-7777-6666-555555555555.consul"
    LocalName    = "demo"
    MeshGateways = ["127.0.0.1:8445"]
  }
}
"#;
    let web = r#"
service {
  name = "web"
  port = 9001
  connect {
    sidecar_service {
      port = 21000
      proxy { upstreams = [{ destination_name = "ledger", destination_peer = "partner", local_bind_port = 10002 }] }
    }
  }
}
"#;
    let a = analysis(&[("demo/meshgate.hcl", settings), ("demo/web.hcl", web)], None);
    assert!(a.diagnostics().diagnostics.is_empty(), "{:?}", a.diagnostics());
    let peer = a.settings.peers.get("partner").expect("the file's peer");
    assert_eq!(
        (peer.local_name.as_str(), peer.mesh_gateways.as_slice()),
        ("demo", ["127.0.0.1:8445".to_string()].as_slice())
    );
    assert_eq!(a.workspace.services().count(), 1, "the settings file is not read as config");
    let ledger = a.settings.peer_dial_sni("ledger", "default", "default", "partner");
    assert_eq!(ledger, "ledger.default.default.demo.external.99999999-8888-7777-6666-555555555555.consul");
}

/// web's upstream api fails over through the partition's sameness group (`DefaultForFailover`):
/// the route table, the graph and the upstream's dials list the members' targets in order.
#[test]
fn failover_targets_from_a_sameness_group_appear_in_routes_and_upstreams() {
    let files = [
        (
            "group.hcl",
            "Kind = \"sameness-group\"\nName = \"prod\"\nDefaultForFailover = true\nIncludeLocal = true\nMembers = [{ Partition = \"default\" }, { Partition = \"ap2\" }, { Peer = \"west\" }]\n",
        ),
        (
            "services.hcl",
            r#"services = [
  { name = "web", port = 8080, connect { sidecar_service { port = 21000, proxy { upstreams = [{ destination_name = "api", local_bind_port = 9191 }] } } } },
  { name = "api", port = 8080, connect { sidecar_service { port = 21001 } } },
]
"#,
        ),
    ];
    let a = analysis(&files, None);
    let view = a.routes();
    let api = view.chains.iter().find(|c| c.service == "api").expect("api's chain");
    let failover: Vec<(&str, &str)> =
        api.routes[0].targets[0].failover.iter().map(|f| (f.target.as_str(), f.label.as_str())).collect();
    assert_eq!(
        failover,
        [("api.default.ap2.dc1", "ap2/api"), ("api.default.default.external.west", "api @peer:west")],
        "{:?}",
        api.routes[0].targets[0].failover
    );
    let edges: Vec<(&str, &str)> = api
        .graph
        .edges
        .iter()
        .filter(|e| e.kind == EdgeKind::Failover)
        .map(|e| (e.to.as_str(), e.label.as_str()))
        .collect();
    assert_eq!(
        edges,
        [("target:api.default.ap2.dc1", "failover 1"), ("target:api.default.default.external.west", "failover 2")]
    );
    let upstreams = a.upstreams();
    let web = upstreams.proxies.iter().find(|p| p.service == "web").expect("web's proxy");
    let dialed: Vec<&str> = web.upstreams[0].targets[0].failover.iter().map(|f| f.cluster.as_str()).collect();
    assert_eq!(dialed, ["api.default.ap2.dc1", "api.default.default.external.west"]);
}

#[test]
fn a_did_you_mean_carries_its_fix_quoted_as_the_text_it_replaces() {
    let fixes = |name: &str, text: &str| -> Vec<(String, String)> {
        let a = analysis(&[(name, text)], None);
        a.diagnostics()
            .diagnostics
            .into_iter()
            .map(|d| {
                let (from, to) = (d.from_utf16.unwrap_or(0) as usize, d.to_utf16.unwrap_or(0) as usize);
                let replaced: String = text.encode_utf16().collect::<Vec<_>>()[from..to]
                    .iter()
                    .map(|u| char::from_u32(u32::from(*u)).unwrap_or('?'))
                    .collect();
                (replaced, d.fix.unwrap_or_default())
            })
            .collect()
    };
    // An HCL key, bare; a JSON key, quoted; an enum value in quotes; a bare YAML value.
    assert_eq!(
        fixes("a.hcl", "Kind = \"service-defaults\"\nName = \"a\"\nProtocl = \"http\"\n"),
        vec![("Protocl".to_string(), "Protocol".to_string())]
    );
    assert_eq!(
        fixes("b.json", "{\"Kind\": \"service-defaults\", \"Name\": \"b\", \"Protocl\": \"http\"}"),
        vec![("\"Protocl\"".to_string(), "\"Protocol\"".to_string())]
    );
    assert_eq!(
        fixes("c.hcl", "Kind = \"service-defaults\"\nName = \"c\"\nProtocol = \"htp\"\n"),
        vec![("\"htp\"".to_string(), "\"http\"".to_string())]
    );
    assert_eq!(
        fixes("d.yaml", "Kind: service-defaults\nName: d\nProtocol: htp\n"),
        vec![("htp".to_string(), "http".to_string())]
    );
    // No near miss, no fix.
    assert_eq!(
        fixes("e.hcl", "Kind = \"service-defaults\"\nName = \"e\"\nZzzzzz = 1\n"),
        vec![("Zzzzzz".to_string(), String::new())]
    );
}

#[test]
fn a_gateway_entry_without_a_registration_is_offered_one_that_plans() {
    let ingress = "Kind = \"ingress-gateway\"\nName = \"edge\"\nListeners = [{\n  Port = 8443\n  Protocol = \"tcp\"\n  Services = [{ Name = \"db\" }]\n}]\n";
    let terminating = "Kind = \"terminating-gateway\"\nName = \"egress\"\nServices = [{ Name = \"legacy\" }]\n";
    let taken = "service {\n  name = \"web\"\n  port = 8444\n}\n";
    let other = "service {\n  name = \"other\"\n  port = 9000\n}\n";
    let files =
        [("ingress.hcl", ingress), ("egress.hcl", terminating), ("web.hcl", taken), ("edge-registration.hcl", other)];
    let a = analysis(&files, None);
    let offers = a.gateways().unregistered;
    let summary: Vec<(&str, &str, String, &str)> =
        offers.iter().map(|u| (u.name.as_str(), u.kind.as_str(), u.entry.to_string(), u.file_name.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            ("edge", "ingress-gateway", "ingress.hcl:1:1".to_string(), "edge-registration-2.hcl"),
            ("egress", "terminating-gateway", "egress.hcl:1:1".to_string(), "egress-registration.hcl"),
        ]
    );
    // Ports clear of the listener (8443) and the registered service (8444), one each.
    assert!(offers[0].registration.contains("port    = 8445"), "{}", offers[0].registration);
    assert!(offers[1].registration.contains("port    = 8446"), "{}", offers[1].registration);
    // With the offered registrations added, the gateways plan and nothing is offered any more.
    let mut with: Vec<(&str, &str)> = files.to_vec();
    with.push(("edge-registration-2.hcl", &offers[0].registration));
    with.push(("egress-registration.hcl", &offers[1].registration));
    let b = analysis(&with, None);
    let errors: Vec<String> =
        b.diagnostics().diagnostics.into_iter().filter(|d| d.severity == Severity::Error).map(|d| d.message).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let view = b.gateways();
    assert!(view.unregistered.is_empty());
    let names: Vec<&str> = view.gateways.iter().map(|g| g.name.as_str()).collect();
    assert!(names.contains(&"edge") && names.contains(&"egress"), "{names:?}");
}

#[test]
fn the_page_lists_root_causes_first() {
    // The router's service is defined in a file that does not parse: the parse error comes
    // first, though its file comes after.
    let router = "Kind = \"service-router\"\nName = \"web\"\nRoutes = [{ Match { HTTP { PathPrefix = \"/a\" } }, Destination { Service = \"api\" } }]\n";
    let a = analysis(
        &[("a.hcl", router), ("z.hcl", "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"http\"\n}")],
        None,
    );
    let codes: Vec<String> = a.diagnostics().diagnostics.iter().map(|d| d.code.to_string()).collect();
    assert!(codes.len() >= 2, "{codes:?}");
    assert_eq!(codes.first().map(String::as_str), Some("E0101"), "{codes:?}");
}
