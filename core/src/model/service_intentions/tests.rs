use super::*;
use crate::model::{ConfigEntry, Document};
use crate::workspace::Workspace;

/// Every documented field, in Consul's HCL1 style.
const FULL_HCL: &str = r#"Kind      = "service-intentions"
Name      = "billing"
Namespace = "payments"
Partition = "finance"
Meta = {
  owner = "team-billing"
}
JWT = {
  Providers = [
    {
      Name = "okta"
      VerifyClaims = [
        {
          Path  = ["perms", "role"]
          Value = "admin"
        }
      ]
    }
  ]
}
Sources = [
  {
    Name        = "web"
    Namespace   = "frontend"
    Partition   = "finance"
    Action      = "allow"
    Type        = "consul"
    Description = "the web tier may call billing"
    Precedence  = 9
  },
  {
    Name = "admin-dashboard"
    Permissions = [
      {
        Action = "deny"
        HTTP {
          PathExact = "/v2/refunds"
          Methods   = ["POST", "DELETE"]
        }
      },
      {
        Action = "allow"
        HTTP {
          PathRegex = "/v2/invoices/[0-9]+"
          Header = [
            {
              Name    = "x-debug"
              Present = true
              Invert  = true
            },
            {
              Name       = "x-tenant"
              Exact      = "acme"
              IgnoreCase = true
            },
            {
              Name   = "x-env"
              Prefix = "prod"
            },
            {
              Name   = "x-region"
              Suffix = "-eu"
            },
            {
              Name     = "cookie"
              Contains = "beta=1"
            },
            {
              Name  = "x-trace"
              Regex = "[a-f0-9]{16}"
            }
          ]
        }
        JWT {
          Providers = [
            {
              Name = "okta"
            }
          ]
        }
      }
    ]
  },
  {
    Name   = "frontend"
    Peer   = "cluster-02"
    Action = "deny"
  },
  {
    Name          = "*"
    SamenessGroup = "group-a"
    Action        = "deny"
  },
  {
    Name             = "legacy"
    Action           = "allow"
    LegacyID         = "f5a8e4c2-0d3b-4a6e-9c1f-2b7d8e9a0c1d"
    LegacyCreateTime = "2020-10-01T12:00:00Z"
    LegacyUpdateTime = "2020-10-02T08:30:00.5+02:00"
  }
]
"#;

const FULL_JSON: &str = r#"{
  "Kind": "service-intentions",
  "Name": "billing",
  "Namespace": "payments",
  "Partition": "finance",
  "Meta": { "owner": "team-billing" },
  "JWT": {
    "Providers": [
      { "Name": "okta", "VerifyClaims": [ { "Path": ["perms", "role"], "Value": "admin" } ] }
    ]
  },
  "Sources": [
    {
      "Name": "web",
      "Namespace": "frontend",
      "Partition": "finance",
      "Action": "allow",
      "Type": "consul",
      "Description": "the web tier may call billing",
      "Precedence": 9
    },
    {
      "Name": "admin-dashboard",
      "Permissions": [
        {
          "Action": "deny",
          "HTTP": { "PathExact": "/v2/refunds", "Methods": ["POST", "DELETE"] }
        },
        {
          "Action": "allow",
          "HTTP": {
            "PathRegex": "/v2/invoices/[0-9]+",
            "Header": [
              { "Name": "x-debug", "Present": true, "Invert": true },
              { "Name": "x-tenant", "Exact": "acme", "IgnoreCase": true },
              { "Name": "x-env", "Prefix": "prod" },
              { "Name": "x-region", "Suffix": "-eu" },
              { "Name": "cookie", "Contains": "beta=1" },
              { "Name": "x-trace", "Regex": "[a-f0-9]{16}" }
            ]
          },
          "JWT": { "Providers": [ { "Name": "okta" } ] }
        }
      ]
    },
    { "Name": "frontend", "Peer": "cluster-02", "Action": "deny" },
    { "Name": "*", "SamenessGroup": "group-a", "Action": "deny" },
    {
      "Name": "legacy",
      "Action": "allow",
      "LegacyID": "f5a8e4c2-0d3b-4a6e-9c1f-2b7d8e9a0c1d",
      "LegacyCreateTime": "2020-10-01T12:00:00Z",
      "LegacyUpdateTime": "2020-10-02T08:30:00.5+02:00"
    }
  ]
}
"#;

const FULL_YAML: &str = r#"Kind: service-intentions
Name: billing
Namespace: payments
Partition: finance
Meta:
  owner: team-billing
JWT:
  Providers:
    - Name: okta
      VerifyClaims:
        - Path: [perms, role]
          Value: admin
Sources:
  - Name: web
    Namespace: frontend
    Partition: finance
    Action: allow
    Type: consul
    Description: the web tier may call billing
    Precedence: 9
  - Name: admin-dashboard
    Permissions:
      - Action: deny
        HTTP:
          PathExact: /v2/refunds
          Methods: [POST, DELETE]
      - Action: allow
        HTTP:
          PathRegex: "/v2/invoices/[0-9]+"
          Header:
            - Name: x-debug
              Present: true
              Invert: true
            - Name: x-tenant
              Exact: acme
              IgnoreCase: true
            - Name: x-env
              Prefix: prod
            - Name: x-region
              Suffix: "-eu"
            - Name: cookie
              Contains: beta=1
            - Name: x-trace
              Regex: "[a-f0-9]{16}"
        JWT:
          Providers:
            - Name: okta
  - Name: frontend
    Peer: cluster-02
    Action: deny
  - Name: "*"
    SamenessGroup: group-a
    Action: deny
  - Name: legacy
    Action: allow
    LegacyID: f5a8e4c2-0d3b-4a6e-9c1f-2b7d8e9a0c1d
    LegacyCreateTime: "2020-10-01T12:00:00Z"
    LegacyUpdateTime: "2020-10-02T08:30:00.5+02:00"
"#;

fn load(name: &str, text: &str) -> Workspace {
    Workspace::from_text(name, text)
}

fn intentions(ws: &Workspace) -> &ServiceIntentions {
    match ws.documents.as_slice() {
        [Document::Entry(ConfigEntry::ServiceIntentions(e))] => e,
        other => panic!("expected one service-intentions entry, got {other:#?}\n{:#?}", ws.resolved_diagnostics()),
    }
}

/// (code, line, column) of every diagnostic, in order.
fn found(ws: &Workspace) -> Vec<(String, u32, u32)> {
    ws.resolved_diagnostics()
        .into_iter()
        .map(|d| {
            let (line, col) = d.location.map(|l| (l.start.line, l.start.column)).unwrap_or((0, 0));
            (d.code.as_str().to_string(), line, col)
        })
        .collect()
}

fn messages(ws: &Workspace) -> String {
    ws.resolved_diagnostics().iter().map(|d| format!("{} {}", d.code, d.message)).collect::<Vec<_>>().join("\n")
}

/// Asserts exactly these diagnostics (code, line, column) for an HCL text.
#[track_caller]
fn expect(text: &str, want: &[(&str, u32, u32)]) -> Workspace {
    let ws = load("x.hcl", text);
    let got = found(&ws);
    let want: Vec<(String, u32, u32)> = want.iter().map(|(c, l, col)| (c.to_string(), *l, *col)).collect();
    assert_eq!(got, want, "\n{}", messages(&ws));
    ws
}

#[test]
fn the_full_example_decodes_equal_from_hcl_json_and_yaml() {
    let hcl = load("x.hcl", FULL_HCL);
    let json = load("x.json", FULL_JSON);
    let yaml = load("x.yaml", FULL_YAML);
    for ws in [&hcl, &json, &yaml] {
        assert!(ws.diagnostics.is_empty(), "{}", messages(ws));
    }
    let e = intentions(&hcl);
    assert_eq!(e, intentions(&json));
    assert_eq!(e, intentions(&yaml));

    assert_eq!(e.name, "billing");
    assert_eq!(e.meta.get("owner").map(String::as_str), Some("team-billing"));
    let jwt = e.jwt.as_ref().map(|j| j.providers.len());
    assert_eq!(jwt, Some(1));
    assert_eq!(e.sources.len(), 5);
    let web = &e.sources[0];
    assert_eq!(web.action, Some(IntentionAction::Allow));
    assert_eq!(web.r#type, Some(IntentionSourceType::Consul));
    assert_eq!(web.precedence, Some(9));
    let l7 = &e.sources[1];
    assert!(l7.is_l7() && !web.is_l7());
    let http = l7.permissions[1].http.as_ref().map(|h| (h.path_match(), h.header.len()));
    assert_eq!(http, Some((Some(PathMatch::Regex("/v2/invoices/[0-9]+")), 6)));
    let methods: Vec<HttpMethod> = l7.permissions[0].http.as_ref().map(|h| h.methods().collect()).unwrap_or_default();
    assert_eq!(methods, vec![HttpMethod::Post, HttpMethod::Delete]);
    let matchers: Vec<Option<HeaderMatch<'_>>> =
        l7.permissions[1].http.as_ref().map(|h| h.header.iter().map(|x| x.matcher()).collect()).unwrap_or_default();
    assert_eq!(
        matchers,
        vec![
            Some(HeaderMatch::Present),
            Some(HeaderMatch::Exact("acme")),
            Some(HeaderMatch::Prefix("prod")),
            Some(HeaderMatch::Suffix("-eu")),
            Some(HeaderMatch::Contains("beta=1")),
            Some(HeaderMatch::Regex("[a-f0-9]{16}")),
        ]
    );
    assert_eq!(e.sources[4].legacy_create_time, "2020-10-01T12:00:00Z");
}

#[test]
fn identities_are_normalized_like_consul() {
    let ws = load("x.json", FULL_JSON);
    let e = intentions(&ws);
    assert_eq!(e.destination(), DestinationIdentity { name: "billing", namespace: "payments", partition: "finance" });
    assert!(!e.has_wildcard_destination());
    assert!(e.has_any_permissions());
    let ids: Vec<SourceIdentity<'_>> = e.sources_with_identity().map(|(_, id)| id).collect();
    // Written namespace and partition are kept.
    assert_eq!(
        ids[0],
        SourceIdentity { name: "web", namespace: "frontend", partition: "finance", peer: "", sameness_group: "" }
    );
    // A local source inherits the destination's namespace and partition.
    assert_eq!((ids[1].namespace, ids[1].partition), ("payments", "finance"));
    // A peered source has no partition; its namespace defaults to `default`.
    assert_eq!(
        ids[2],
        SourceIdentity {
            name: "frontend",
            namespace: "default",
            partition: "",
            peer: "cluster-02",
            sameness_group: ""
        }
    );
    assert!(ids[2].is_peered());
    assert!(ids[3].is_wildcard_name());
    assert_eq!(ids[3].sameness_group, "group-a");
    assert_eq!(ids[2].to_string(), "peer:cluster-02/default/frontend");
    assert_eq!(ids[0].to_string(), "finance/frontend/web");
    assert_eq!(ids[0].describe(), "\"web\" in namespace \"frontend\" in partition \"finance\"");
    assert_eq!(ids[2].describe(), "\"frontend\" from peer \"cluster-02\"");

    let plain = load(
        "x.hcl",
        "Kind = \"service-intentions\"\nName = \"db\"\nSources = [{ Name = \"web\", Action = \"allow\" }]\n",
    );
    let e = intentions(&plain);
    assert_eq!(e.destination(), DestinationIdentity { name: "db", namespace: "default", partition: "default" });
    let id = e.sources[0].identity(e);
    assert_eq!((id.namespace, id.partition), ("default", "default"));
    assert_eq!(id.to_string(), "web");
    assert_eq!(id.describe(), "\"web\"");
    assert_eq!(e.sources[0].source_type(), IntentionSourceType::Consul);
}

#[test]
fn serializes_in_consuls_spelling_and_skips_what_is_empty() {
    let ws = load("x.hcl", FULL_HCL);
    let e = intentions(&ws);
    let v = serde_json::to_value(e).unwrap_or_default();
    assert_eq!(v["JWT"]["Providers"][0]["VerifyClaims"][0]["Path"][1], "role");
    let perm = &v["Sources"][1]["Permissions"][0];
    assert_eq!(perm["Action"], "deny");
    assert_eq!(perm["HTTP"]["PathExact"], "/v2/refunds");
    assert_eq!(perm["HTTP"]["Methods"], serde_json::json!(["POST", "DELETE"]));
    assert!(perm["HTTP"].get("PathPrefix").is_none());
    assert_eq!(v["Sources"][1]["Permissions"][1]["JWT"]["Providers"][0]["Name"], "okta");
    assert_eq!(v["Sources"][1]["Permissions"][1]["HTTP"]["Header"][1]["IgnoreCase"], true);
    assert!(v["Sources"][1]["Permissions"][1]["HTTP"]["Header"][1].get("Present").is_none());
    assert_eq!(v["Sources"][2]["Peer"], "cluster-02");
    assert_eq!(v["Sources"][3]["SamenessGroup"], "group-a");
    assert_eq!(v["Sources"][4]["LegacyID"], "f5a8e4c2-0d3b-4a6e-9c1f-2b7d8e9a0c1d");
    // Precedence is Consul's to compute: accepted, never printed back.
    assert!(v["Sources"][0].get("Precedence").is_none());
    assert!(v["Sources"][1].get("Action").is_none());

    // The whole entry, as the document serializes it, carries its Kind.
    let doc = serde_json::to_value(&ws.documents).unwrap_or_default();
    assert_eq!(doc[0]["Kind"], "service-intentions");
}

#[test]
fn snake_case_keys_are_accepted() {
    let ws = load(
        "x.hcl",
        r#"kind = "service-intentions"
name = "api"
sources = [
  {
    name           = "web"
    sameness_group = "g"
    permissions = [
      {
        action = "allow"
        http {
          path_prefix = "/v1"
          methods     = ["get"]
          header = [
            {
              name        = "x-a"
              exact       = "b"
              ignore_case = true
            }
          ]
        }
      }
    ]
  },
  {
    name               = "old"
    action             = "deny"
    legacy_id          = "x"
    legacy_create_time = "2020-10-01T12:00:00Z"
  }
]
jwt {
  providers = [
    {
      name          = "okta"
      verify_claims = [{ path = ["aud"], value = "api" }]
    }
  ]
}
"#,
    );
    assert!(ws.diagnostics.is_empty(), "{}", messages(&ws));
    let e = intentions(&ws);
    assert_eq!(e.sources[0].sameness_group, "g");
    // Consul upper-cases methods before checking them.
    let m: Vec<HttpMethod> =
        e.sources[0].permissions[0].http.as_ref().map(|h| h.methods().collect()).unwrap_or_default();
    assert_eq!(m, vec![HttpMethod::Get]);
    assert_eq!(e.sources[1].legacy_id, "x");
    assert_eq!(e.jwt.as_ref().map(|j| j.providers[0].verify_claims[0].value.as_str()), Some("api"));
}

#[test]
fn repeated_header_blocks_append() {
    let ws = load(
        "x.hcl",
        r#"Kind = "service-intentions"
Name = "api"
Sources {
  Name = "web"
  Permissions {
    Action = "allow"
    HTTP {
      Header {
        Name    = "a"
        Present = true
      }
      Header {
        Name  = "b"
        Exact = "1"
      }
    }
  }
}
"#,
    );
    assert!(ws.diagnostics.is_empty(), "{}", messages(&ws));
    let e = intentions(&ws);
    assert_eq!(e.sources[0].permissions[0].http.as_ref().map(|h| h.header.len()), Some(2));
}

// ---- Rules -------------------------------------------------------------------------------------

#[test]
fn name_is_required() {
    expect("Kind = \"service-intentions\"\nSources = [{ Name = \"web\", Action = \"allow\" }]\n", &[("E0203", 1, 1)]);
}

#[test]
fn at_least_one_source() {
    expect("Kind = \"service-intentions\"\nName = \"db\"\nSources = []\n", &[("E0319", 3, 11)]);
    expect("Kind = \"service-intentions\"\nName = \"db\"\n", &[("E0319", 1, 1)]);
}

#[test]
fn partial_wildcards_are_errors_whole_wildcards_are_fine() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "web*"
Sources = [
  { Name = "*", Action = "deny" },
  { Name = "api-*", Action = "allow" },
  { Name = "x", Namespace = "team-*", Action = "allow" },
  { Name = "y", Partition = "*", Action = "allow" },
  { Name = "z", Peer = "peer*", Action = "allow" },
  { Name = "w", SamenessGroup = "*", Action = "allow" },
]
"#,
        &[("E0307", 2, 8), ("E0307", 5, 12), ("E0307", 6, 29), ("E0307", 7, 29), ("E0307", 8, 24), ("E0307", 9, 33)],
    );
    let text = messages(&ws);
    assert!(text.contains("Name \"web*\" uses `*` as part of a value"), "{text}");
    assert!(text.contains("Partition \"*\" cannot contain `*`"), "{text}");
    expect(
        "Kind = \"service-intentions\"\nName = \"*\"\nNamespace = \"*\"\nSources = [{ Name = \"*\", Namespace = \"*\", Action = \"deny\" }]\n",
        &[],
    );
}

#[test]
fn an_exact_name_cannot_follow_a_wildcard_namespace() {
    expect(
        "Kind = \"service-intentions\"\nName = \"db\"\nNamespace = \"*\"\nSources = [{ Name = \"web\", Namespace = \"*\", Action = \"deny\" }]\n",
        &[("E0307", 2, 8), ("E0307", 4, 21)],
    );
}

#[test]
fn exactly_one_of_action_or_permissions() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "api"
Sources = [
  { Name = "a" },
  {
    Name   = "b"
    Action = "allow"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          PathPrefix = "/"
        }
      }
    ]
  },
  { Name = "c", Permissions = [] },
]
"#,
        &[("E0309", 4, 3), ("E0309", 7, 14), ("E0309", 17, 31)],
    );
    assert!(messages(&ws).contains("source \"b\" has both Action and Permissions"));
}

#[test]
fn actions_are_compared_exactly() {
    let ws = expect(
        "Kind = \"service-intentions\"\nName = \"api\"\nSources = [{ Name = \"a\", Action = \"Allow\" }, { Name = \"b\", Action = \"permit\" }]\n",
        &[("E0205", 3, 35), ("E0205", 3, 69)],
    );
    let d = ws.resolved_diagnostics();
    assert!(d[0].notes.iter().any(|n| n.contains("write \"allow\"")), "{:?}", d[0].notes);
    assert!(d[1].message.contains("expected one of \"allow\", \"deny\""), "{}", d[1].message);
}

#[test]
fn source_type_must_be_consul() {
    expect(
        "Kind = \"service-intentions\"\nName = \"api\"\nSources = [{ Name = \"a\", Type = \"k8s\", Action = \"allow\" }]\n",
        &[("E0205", 3, 33)],
    );
}

#[test]
fn permissions_are_not_allowed_on_a_wildcard_destination() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "*"
Sources = [
  {
    Name = "web"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          PathPrefix = "/"
        }
      }
    ]
  }
]
"#,
        &[("E0308", 6, 19)],
    );
    assert!(messages(&ws).contains("Permissions cannot be used with a wildcard destination (Name = \"*\")"));
    expect(
        "Kind = \"service-intentions\"\nName = \"*\"\nNamespace = \"*\"\nSources = [{ Name = \"web\", Permissions = [{ Action = \"deny\", HTTP { PathPrefix = \"/\" } }] }]\n",
        &[("E0308", 4, 42)],
    );
}

#[test]
fn a_permission_needs_action_and_http() {
    expect(
        r#"Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name = "web"
    Permissions = [
      {
        HTTP {
          PathPrefix = "/"
        }
      },
      {
        Action = "allow"
      },
      {
        Action = "allow"
        JWT {
          Providers = [{ Name = "okta" }]
        }
      }
    ]
  }
]
"#,
        &[("E0203", 7, 7), ("E0203", 12, 7), ("E0203", 15, 7)],
    );
}

#[test]
fn http_paths() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name = "web"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          PathExact  = "/a"
          PathPrefix = "/b"
          PathRegex  = "/c"
        }
      },
      {
        Action = "allow"
        HTTP {
          PathExact = "admin"
        }
      },
      {
        Action = "allow"
        HTTP {
          PathPrefix = "v2/"
        }
      },
      {
        Action = "deny"
        HTTP {
          PathRegex = "/v[0-9+"
        }
      },
      {
        Action = "deny"
        HTTP {}
      }
    ]
  }
]
"#,
        &[
            ("E0311", 11, 24),
            ("E0311", 12, 24),
            ("E0311", 18, 23),
            ("E0311", 24, 24),
            ("E0209", 30, 23),
            ("E0311", 35, 14),
        ],
    );
    let text = messages(&ws);
    assert!(text.contains("found PathExact and PathPrefix"), "{text}");
    assert!(text.contains("PathExact \"admin\" must start with \"/\" (try \"/admin\")"), "{text}");
    assert!(
        text.contains(
            "PathRegex \"/v[0-9+\" is not a valid regular expression: unclosed character class: `[` at offset 2 has no `]`"
        ),
        "{text}"
    );
    assert!(text.contains("matches nothing"), "{text}");
}

#[test]
fn http_headers() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name = "web"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          Header = [
            {
              Exact = "x"
            },
            {
              Name = "a"
            },
            {
              Name   = "b"
              Exact  = "1"
              Prefix = "2"
            },
            {
              Name       = "c"
              Present    = true
              IgnoreCase = true
            },
            {
              Name       = "d"
              Regex      = "(unclosed"
              IgnoreCase = true
            },
            {
              Name       = "e"
              Contains   = "z"
              IgnoreCase = true
              Invert     = true
            },
            {
              Name    = "f"
              Present = false
            }
          ]
        }
      }
    ]
  }
]
"#,
        &[
            ("E0203", 11, 13),
            ("E0311", 14, 13),
            ("E0311", 20, 24),
            ("E0311", 25, 28),
            ("E0209", 29, 28),
            ("E0311", 30, 28),
            ("E0311", 38, 13),
        ],
    );
    let text = messages(&ws);
    assert!(
        text.contains(
            "Header \"b\" takes only one of Present, Exact, Prefix, Suffix, Contains or Regex; found Exact and Prefix"
        ),
        "{text}"
    );
    assert!(text.contains("IgnoreCase applies to Exact, Prefix, Suffix and Contains, not to Present"), "{text}");
    assert!(text.contains("not to Regex"), "{text}");
}

#[test]
fn http_methods() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name = "web"
    Permissions = [
      {
        Action = "allow"
        HTTP {
          Methods = ["GET", "Post", "get"]
        }
      }
    ]
  }
]
"#,
        &[("E0311", 10, 37)],
    );
    assert!(messages(&ws).contains("method GET is listed twice in Methods"), "{}", messages(&ws));
    // An unknown method is a decoding error (and validation waits for a clean decode).
    let ws = expect(
        "Kind = \"service-intentions\"\nName = \"api\"\nSources = [{ Name = \"web\", Permissions = [{ Action = \"allow\", HTTP { Methods = [\"FETCH\"] } }] }]\n",
        &[("E0205", 3, 81)],
    );
    let text = messages(&ws);
    assert!(text.contains("\"FETCH\" is not an HTTP method; expected one of \"GET\", \"HEAD\""), "{text}");
}

#[test]
fn peer_partition_and_sameness_group_exclude_each_other() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "api"
Sources = [
  { Name = "a", Peer = "p1", Partition = "ap1", Action = "allow" },
  { Name = "b", SamenessGroup = "g", Partition = "ap1", Action = "allow" },
  { Name = "c", SamenessGroup = "g", Peer = "p1", Action = "allow" },
]
"#,
        &[("E0316", 4, 42), ("E0316", 5, 50), ("E0316", 6, 33)],
    );
    assert!(messages(&ws).contains("source \"a\" sets both Peer and Partition"));
}

#[test]
fn duplicate_sources_point_at_the_second() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "api"
Namespace = "ns1"
Sources = [
  { Name = "web", Action = "allow" },
  { Name = "web", Namespace = "ns1", Action = "deny" },
  { Name = "web", Peer = "p", Action = "deny" },
  { Name = "web", Peer = "p", Namespace = "default", Action = "deny" },
  { Name = "web", SamenessGroup = "g", Action = "deny" },
  { Name = "web", Namespace = "ns2", Action = "deny" },
]
"#,
        &[("E0310", 6, 12), ("E0310", 8, 12)],
    );
    let text = messages(&ws);
    assert!(text.contains("source \"web\" in namespace \"ns1\" is listed twice (Sources[0] and Sources[1])"), "{text}");
    assert!(text.contains("source \"web\" from peer \"p\" is listed twice (Sources[2] and Sources[3])"), "{text}");
}

#[test]
fn every_repeat_of_a_source_points_back_at_its_first_listing() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "api"
Sources = [
  { Name = "web", Action = "allow" },
  { Name = "api", Action = "allow" },
  { Name = "web", Action = "deny" },
  { Name = "api", Namespace = "default", Action = "deny" },
  { Name = "web", Partition = "default", Action = "deny" },
]
"#,
        &[("E0310", 6, 12), ("E0310", 7, 12), ("E0310", 8, 12)],
    );
    let text = messages(&ws);
    assert!(text.contains("source \"web\" is listed twice (Sources[0] and Sources[2])"), "{text}");
    assert!(text.contains("source \"api\" is listed twice (Sources[1] and Sources[3])"), "{text}");
    assert!(text.contains("source \"web\" is listed twice (Sources[0] and Sources[4])"), "{text}");
}

#[test]
fn source_name_is_required() {
    let ws = expect(
        "Kind = \"service-intentions\"\nName = \"api\"\nSources = [{ Action = \"allow\" }]\n",
        &[("E0203", 3, 12)],
    );
    assert!(messages(&ws).contains("Sources[0] needs `Name`"));
}

#[test]
fn jwt_providers_need_a_name() {
    expect(
        r#"Kind = "service-intentions"
Name = "api"
JWT {
  Providers = [{ VerifyClaims = [{ Path = ["aud"], Value = "x" }] }]
}
Sources = [{ Name = "web", Permissions = [{ Action = "allow", HTTP { PathPrefix = "/" }, JWT { Providers = [{}] } }] }]
"#,
        &[("E0203", 4, 16), ("E0203", 6, 109)],
    );
}

#[test]
fn read_only_fields() {
    let ws = expect(
        r#"Kind = "service-intentions"
Name = "api"
Sources = [
  {
    Name             = "web"
    Action           = "allow"
    Precedence       = 9
    LegacyID         = "abc"
    LegacyMeta       = { a = "b" }
    LegacyCreateTime = "yesterday"
  }
]
"#,
        &[("E0350", 9, 24), ("E0317", 10, 24)],
    );
    let text = messages(&ws);
    assert!(text.contains("LegacyMeta is read-only"), "{text}");
    assert!(text.contains("LegacyCreateTime \"yesterday\" is not an RFC 3339 time"), "{text}");
}

#[test]
fn opaque_value_limits() {
    let long = "x".repeat(513);
    let text = format!(
        "Kind = \"service-intentions\"\nName = \"api\"\nMeta = {{ k = \"{long}\" }}\nSources = [{{ Name = \"web\", Action = \"allow\", Description = \"{long}\" }}]\n"
    );
    let ws = expect(&text, &[("E0317", 3, 8), ("E0317", 4, 60)]);
    assert!(messages(&ws).contains("Description is 513 bytes long; Consul allows at most 512"));
}

#[test]
fn unknown_keys_get_a_suggestion() {
    let ws = expect(
        "Kind = \"service-intentions\"\nName = \"api\"\nSources = [{ Name = \"web\", Permissions = [{ Action = \"allow\", HTTP { PathPrefx = \"/\" } }] }]\n",
        &[("E0201", 3, 70)],
    );
    assert!(ws.resolved_diagnostics()[0].notes.iter().any(|n| n.contains("PathPrefix")));
}

#[test]
fn rfc3339_shapes() {
    for ok in ["2020-10-01T12:00:00Z", "2020-10-01T12:00:00.123456789Z", "2020-10-01T12:00:00-07:00"] {
        assert!(is_rfc3339(ok), "{ok}");
    }
    for bad in [
        "",
        "2020-10-01",
        "2020-10-01 12:00:00Z",
        "2020-10-01T12:00:00",
        "2020-10-01T12:00:00.Z",
        "2020-10-01T12:00:00+0700",
    ] {
        assert!(!is_rfc3339(bad), "{bad}");
    }
}
