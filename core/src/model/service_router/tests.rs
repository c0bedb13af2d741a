use super::*;
use crate::model::{ConfigEntry, Document};
use crate::workspace::Workspace;

const FULL_HCL: &str = r#"
Kind      = "service-router"
Name      = "web"
Namespace = "frontend"
Partition = "default"
Meta = {
  owner = "web-team"
}
Routes = [
  {
    Match {
      HTTP {
        PathPrefix      = "/admin"
        CaseInsensitive = true
        Methods         = ["GET", "post"]
        Header = [
          {
            Name  = "x-debug"
            Exact = "1"
          },
          {
            Name   = "x-canary"
            Regex  = "^(yes|true)$"
            Invert = true
          },
        ]
        QueryParam = [
          {
            Name    = "beta"
            Present = true
          },
        ]
      }
    }
    Destination {
      Service               = "admin"
      ServiceSubset         = "v2"
      Namespace             = "ops"
      Partition             = "default"
      PrefixRewrite         = "/"
      RequestTimeout        = "15s"
      IdleTimeout           = "1m30s"
      NumRetries            = 3
      RetryOnConnectFailure = true
      RetryOn               = ["reset", "5xx"]
      RetryOnStatusCodes    = [502, 503]
      RequestHeaders {
        Add = {
          "x-routed-by" = "web-router"
        }
        Set = {
          "x-web-version" = "v2"
        }
        Remove = ["x-internal"]
      }
      ResponseHeaders {
        Set = {
          "x-served-by" = "admin"
        }
      }
    }
  },
  {
    Match {
      HTTP {
        PathRegex = "/api/v[0-9]+/.*"
      }
    }
    Destination {
      Service = "api"
    }
  },
]
"#;

const FULL_JSON: &str = r#"{
  "Kind": "service-router",
  "Name": "web",
  "Namespace": "frontend",
  "Partition": "default",
  "Meta": { "owner": "web-team" },
  "Routes": [
    {
      "Match": {
        "HTTP": {
          "PathPrefix": "/admin",
          "CaseInsensitive": true,
          "Methods": ["GET", "POST"],
          "Header": [
            { "Name": "x-debug", "Exact": "1" },
            { "Name": "x-canary", "Regex": "^(yes|true)$", "Invert": true }
          ],
          "QueryParam": [{ "Name": "beta", "Present": true }]
        }
      },
      "Destination": {
        "Service": "admin",
        "ServiceSubset": "v2",
        "Namespace": "ops",
        "Partition": "default",
        "PrefixRewrite": "/",
        "RequestTimeout": "15s",
        "IdleTimeout": "1m30s",
        "NumRetries": 3,
        "RetryOnConnectFailure": true,
        "RetryOn": ["reset", "5xx"],
        "RetryOnStatusCodes": [502, 503],
        "RequestHeaders": {
          "Add": { "x-routed-by": "web-router" },
          "Set": { "x-web-version": "v2" },
          "Remove": ["x-internal"]
        },
        "ResponseHeaders": { "Set": { "x-served-by": "admin" } }
      }
    },
    {
      "Match": { "HTTP": { "PathRegex": "/api/v[0-9]+/.*" } },
      "Destination": { "Service": "api" }
    }
  ]
}"#;

const FULL_YAML: &str = r#"
Kind: service-router
Name: web
Namespace: frontend
Partition: default
Meta:
  owner: web-team
Routes:
  - Match:
      HTTP:
        PathPrefix: /admin
        CaseInsensitive: true
        Methods: [GET, POST]
        Header:
          - Name: x-debug
            Exact: "1"
          - Name: x-canary
            Regex: ^(yes|true)$
            Invert: true
        QueryParam:
          - Name: beta
            Present: true
    Destination:
      Service: admin
      ServiceSubset: v2
      Namespace: ops
      Partition: default
      PrefixRewrite: /
      RequestTimeout: 15s
      IdleTimeout: 1m30s
      NumRetries: 3
      RetryOnConnectFailure: true
      RetryOn: [reset, 5xx]
      RetryOnStatusCodes: [502, 503]
      RequestHeaders:
        Add:
          x-routed-by: web-router
        Set:
          x-web-version: v2
        Remove: [x-internal]
      ResponseHeaders:
        Set:
          x-served-by: admin
  - Match:
      HTTP:
        PathRegex: /api/v[0-9]+/.*
    Destination:
      Service: api
"#;

fn router(name: &str, text: &str) -> ServiceRouter {
    let ws = Workspace::from_text(name, text);
    assert!(ws.diagnostics.is_empty(), "{name}: {:#?}", ws.resolved_diagnostics());
    match ws.documents.as_slice() {
        [Document::Entry(ConfigEntry::ServiceRouter(r))] => r.clone(),
        other => panic!("{name}: expected one service-router, got {other:#?}"),
    }
}

/// `CODE line:col` for every diagnostic of an HCL text.
fn problems(text: &str) -> Vec<String> {
    Workspace::from_text("r.hcl", text)
        .resolved_diagnostics()
        .iter()
        .map(|d| match &d.location {
            Some(l) => format!("{} {}:{}", d.code, l.start.line, l.start.column),
            None => format!("{} ?", d.code),
        })
        .collect()
}

fn messages(text: &str) -> Vec<String> {
    Workspace::from_text("r.hcl", text).diagnostics.iter().map(|d| d.message.clone()).collect()
}

#[test]
fn the_full_example_decodes_the_same_in_every_format() {
    let hcl = router("r.hcl", FULL_HCL);
    let json = router("r.json", FULL_JSON);
    let yaml = router("r.yaml", FULL_YAML);
    assert_eq!(hcl, json);
    assert_eq!(hcl, yaml);

    assert_eq!(hcl.name, "web");
    assert_eq!(hcl.meta.get("owner").map(String::as_str), Some("web-team"));
    assert_eq!(hcl.routes.len(), 2);
    let first = &hcl.routes[0];
    let http = first.http_match().expect("HTTP match");
    assert_eq!(http.path(), PathMatch::Prefix("/admin"));
    assert!(http.case_insensitive);
    assert_eq!(http.methods, vec![HttpMethod::Get, HttpMethod::Post]);
    assert_eq!(http.header[0].kind(), Some(ValueMatch::Exact("1")));
    assert_eq!(http.header[1].kind(), Some(ValueMatch::Regex("^(yes|true)$")));
    assert!(http.header[1].invert);
    assert_eq!(http.query_param[0].kind(), Some(ValueMatch::Present));
    let dest = first.destination.as_ref().expect("destination");
    assert_eq!(dest.service_or("web"), "admin");
    assert_eq!(dest.request_timeout, Duration::from_secs(15));
    assert_eq!(dest.idle_timeout, Duration::from_secs(90));
    assert_eq!(dest.num_retries, 3);
    assert_eq!(dest.retry_on, vec![RetryOn::Reset, RetryOn::FiveXx]);
    assert_eq!(dest.retry_on_status_codes, vec![502, 503]);
    assert!(dest.has_retry_features());
    let req = dest.request_headers.as_ref().expect("request headers");
    assert_eq!(req.add.get("x-routed-by").map(String::as_str), Some("web-router"));
    assert_eq!(req.remove, vec!["x-internal".to_string()]);
    assert_eq!(hcl.routes[1].http_match().map(HttpMatch::path), Some(PathMatch::Regex("/api/v[0-9]+/.*")));
    assert_eq!(hcl.destinations(), vec!["web", "admin", "api"]);
    assert!(!first.is_catch_all());
}

#[test]
fn it_serializes_with_consul_spellings() {
    let r = router("r.hcl", FULL_HCL);
    let v = serde_json::to_value(&r).expect("serializes");
    let route = &v["Routes"][0];
    assert_eq!(route["Match"]["HTTP"]["PathPrefix"], "/admin");
    assert_eq!(route["Match"]["HTTP"]["Methods"], serde_json::json!(["GET", "POST"]));
    assert_eq!(route["Destination"]["RequestTimeout"], "15s");
    assert_eq!(route["Destination"]["IdleTimeout"], "1m30s");
    assert_eq!(route["Destination"]["RetryOn"], serde_json::json!(["reset", "5xx"]));
    assert_eq!(route["Destination"]["RequestHeaders"]["Set"]["x-web-version"], "v2");
    // Unset fields stay out.
    assert!(route["Destination"].get("PrefixRewrite").is_some());
    assert!(v["Routes"][1]["Destination"].get("NumRetries").is_none());
    assert!(v["Routes"][1]["Match"]["HTTP"].get("Header").is_none());
}

#[test]
fn snake_case_keys_and_lowercase_methods_are_accepted() {
    let r = router(
        "r.hcl",
        r#"
kind = "service-router"
name = "web"
routes = [
  {
    match { http { path_prefix = "/v2", methods = ["get", "Put"] } }
    destination { service_subset = "v2", prefix_rewrite = "/", retry_on = ["gateway-error"] }
  }
]
"#,
    );
    let http = r.routes[0].http_match().expect("match");
    assert_eq!(http.methods, vec![HttpMethod::Get, HttpMethod::Put]);
    assert_eq!(r.routes[0].destination.as_ref().map(|d| d.service_or(&r.name)), Some("web"));
}

#[test]
fn a_router_without_routes_is_valid_and_a_route_without_match_is_a_catch_all() {
    let r = router("r.hcl", "Kind = \"service-router\"\nName = \"web\"\n");
    assert!(r.routes.is_empty());
    let r =
        router("r.hcl", "Kind = \"service-router\"\nName = \"web\"\nRoutes = [{ Destination { Service = \"v2\" } }]\n");
    assert!(r.routes[0].is_catch_all());
}

#[test]
fn name_is_required() {
    assert_eq!(problems("Kind = \"service-router\"\nRoutes = []\n"), vec!["E0203 1:1"]);
}

#[test]
fn only_one_path_match_per_route() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathExact  = "/a"
        PathPrefix = "/b"
        PathRegex  = "/c.*"
      }
    }
  },
]
"#;
    assert_eq!(problems(text), vec!["E0311 8:22", "E0311 9:22"]);
    assert!(messages(text)[0].contains("both PathExact and PathPrefix"), "{:?}", messages(text));
}

#[test]
fn exact_and_prefix_paths_start_with_a_slash() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [
  { Match { HTTP { PathPrefix = "admin" } } },
  { Match { HTTP { PathExact = "health" } } },
]
"#;
    assert_eq!(problems(text), vec!["E0311 4:33", "E0311 5:32"]);
    assert_eq!(messages(text)[0], "PathPrefix \"admin\" must start with `/` (did you mean \"/admin\"?)");
}

#[test]
fn regexes_must_compile() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathRegex = "/api/(v1"
        Header = [{ Name = "x-v", Regex = "[z-a]" }]
        QueryParam = [{ Name = "q", Regex = "(?=x)" }]
      }
    }
  },
]
"#;
    assert_eq!(problems(text), vec!["E0209 7:21", "E0209 8:43", "E0209 9:45"]);
    let m = messages(text);
    assert_eq!(
        m[0],
        "PathRegex `/api/(v1` is not a valid regular expression: unclosed group: `(` at offset 5 has no `)`"
    );
    assert!(m[1].starts_with("Header matcher `x-v` Regex `[z-a]` is not a valid regular expression"), "{m:?}");
    assert!(m[2].contains("look-around"), "{m:?}");
}

#[test]
fn unicode_classes_are_refused_because_the_filter_could_not_enforce_them() {
    let ws = Workspace::from_text(
        "r.hcl",
        r#"Kind = "service-router"
Name = "web"
Routes = [{ Match { HTTP { PathRegex = "/\\pL+/\\d+" } } }]
"#,
    );
    let d = ws.resolved_diagnostics();
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, Code::InvalidRegex);
    assert!(
        d[0].message.ends_with("Unicode classes like \\pL are not supported; spell the characters out, e.g. [a-zA-Z]"),
        "{}",
        d[0].message
    );
}

#[test]
fn header_matchers_need_a_name_and_exactly_one_kind() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        Header = [
          { Exact = "1" },
          { Name = "x-a" },
          { Name = "x-b", Exact = "1", Prefix = "2" },
          { Name = "x-c", Present = true, Invert = true },
        ]
      }
    }
  },
]
"#;
    assert_eq!(problems(text), vec!["E0203 8:11", "E0311 9:11", "E0311 10:49"]);
    let m = messages(text);
    assert_eq!(m[0], "a Header matcher needs `Name`: the header to match");
    assert_eq!(
        m[1],
        "Header matcher `x-a` says nothing to match; give exactly one of Present, Exact, Prefix, Suffix or Regex (Present = true matches any value)"
    );
    assert_eq!(
        m[2],
        "Header matcher `x-b` sets Exact and Prefix; give exactly one of Present, Exact, Prefix, Suffix or Regex"
    );
}

#[test]
fn query_param_matchers_need_a_name_and_exactly_one_kind() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        QueryParam = [
          { Name = "a", Present = true, Regex = "x" },
          { Present = true },
        ]
      }
    }
  },
]
"#;
    assert_eq!(problems(text), vec!["E0311 8:49", "E0203 9:11"]);
}

#[test]
fn methods_are_http_methods_listed_once() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [
  { Match { HTTP { Methods = ["GET", "FETCH"] } } },
]
"#;
    assert_eq!(problems(text), vec!["E0205 4:38"]);
    assert!(messages(text)[0].starts_with("\"FETCH\" is not an HTTP method; expected one of \"GET\""));
    // Consul upper-cases methods first, so `get` repeats `GET`.
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [
  { Match { HTTP { PathPrefix = "/" } } },
  { Match { HTTP { Methods = ["GET", "get"] } } },
]
"#;
    assert_eq!(problems(text), vec!["E0311 5:30"]);
    assert_eq!(messages(text), vec!["route #2 lists method GET more than once"]);
}

#[test]
fn prefix_rewrite_needs_a_path_prefix_or_exact_match() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [
  {
    Match { HTTP { PathRegex = "/v[0-9]" } }
    Destination { PrefixRewrite = "/" }
  },
  {
    Destination { PrefixRewrite = "/" }
  },
  {
    Match { HTTP { PathExact = "/old" } }
    Destination { PrefixRewrite = "/new" }
  },
]
"#;
    assert_eq!(problems(text), vec!["E0330 6:35", "E0330 9:35"]);
}

#[test]
fn retry_conditions_come_from_the_documented_set() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [{ Destination { RetryOn = ["reset", "5xxx"] } }]
"#;
    assert_eq!(problems(text), vec!["E0205 3:47"]);
    let ws = Workspace::from_text("r.hcl", text);
    assert_eq!(ws.diagnostics[0].notes, vec!["help: did you mean \"5xx\"?".to_string()]);
}

#[test]
fn durations_are_typed() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [{ Destination { RequestTimeout = "15 seconds" } }]
"#;
    assert_eq!(problems(text), vec!["E0206 3:44"]);
}

#[test]
fn unknown_keys_are_reported_with_a_suggestion() {
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [{ Match { HTTP { PathPrefx = "/a" } } }]
"#;
    assert_eq!(problems(text), vec!["E0201 3:28"]);
    // Routers have no Destination.Peer in Consul.
    let text = r#"Kind = "service-router"
Name = "web"
Routes = [{ Destination { Peer = "other" } }]
"#;
    assert_eq!(problems(text), vec!["E0201 3:27"]);
}
