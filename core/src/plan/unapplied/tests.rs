use super::*;
use crate::workspace::InputFile;

/// Rows of `kind` whose path is `path` or a block holding it. A sidecar_service's field takes the
/// registration's rows unless rows name the sidecar's own path.
fn rows_covering(kind: Of, path: &str) -> Vec<&'static str> {
    let covering = |path: &str| -> Vec<&'static str> {
        FIELDS
            .iter()
            .filter(|(k, row, _, _)| {
                *k == kind
                    && (row.is_empty() || *row == path || path.strip_prefix(*row).is_some_and(|r| r.starts_with('.')))
            })
            .map(|(_, row, _, _)| *row)
            .collect()
    };
    let own = covering(path);
    match path.strip_prefix(SIDECAR).and_then(|p| p.strip_prefix('.')) {
        Some(local) if own.is_empty() && kind == Of::Service => covering(local),
        _ => own,
    }
}

/// `OutboundListenerPort` → `outbound_listener_port`: service definitions are written in
/// snake_case, blocks shared with config entries (`mesh_gateway`) included.
fn snake(segment: &str) -> String {
    let mut out = String::new();
    for (i, c) in segment.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Every kind's leaf paths with a sample value, and a service definition's.
fn shapes() -> Vec<(Of, Vec<(String, String)>)> {
    let mut out: Vec<(Of, Vec<(String, String)>)> =
        ConfigEntry::shapes().into_iter().map(|(k, p)| (Of::Entry(k), p)).collect();
    let mut service = Vec::new();
    <ServiceDefinition as crate::decode::Shape>::paths("", &mut service);
    let service = service
        .into_iter()
        .map(|(path, sample)| (path.split('.').map(snake).collect::<Vec<_>>().join("."), sample))
        .collect();
    out.push((Of::Service, service));
    out
}

/// The sample an opaque map's leaf has (see `crate::decode::Shape`).
const OPAQUE_SAMPLE: &str = "{ a = 1 }";

/// Opaque maps whose keys are reported one by one, at each key's value.
const KEYED: &[&str] = &["proxy.config", "proxy.upstreams.config", "tagged_addresses"];

/// Every field of every entry kind, enumerated from the model's types, is classified exactly
/// once; every row names fields that exist. A field added to the model fails here until it is
/// given a row (applied, warned or not data plane).
#[test]
fn every_field_of_the_model_is_classified_exactly_once() {
    let shapes = shapes();
    assert_eq!(shapes.len(), EntryKind::ALL.len() + 1, "every kind and service definitions are enumerated");
    let mut problems = Vec::new();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut service_counts = std::collections::BTreeMap::<&str, usize>::new();
    for (kind, paths) in &shapes {
        for (path, _) in paths {
            match rows_covering(*kind, path).as_slice() {
                [] => problems.push(format!("{kind} `{path}` is not classified")),
                [row] => {
                    let class = FIELDS.iter().find(|(k, r, _, _)| k == kind && r == row).map(|(_, _, c, _)| *c);
                    let class = match class {
                        Some(Class::Applied) => "applied",
                        Some(Class::Warned) => "warned",
                        _ => "not data plane",
                    };
                    *counts.entry(class).or_default() += 1;
                    if *kind == Of::Service {
                        *service_counts.entry(class).or_default() += 1;
                    }
                }
                rows => problems.push(format!("{kind} `{path}` is classified by several rows: {rows:?}")),
            }
        }
    }
    for (kind, row, class, why) in FIELDS {
        let paths = shapes.iter().find(|(k, _)| k == kind).map(|(_, p)| p.as_slice()).unwrap_or_default();
        // A row may also name a key of an opaque map (`proxy.config.protocol`).
        let exists = paths.iter().any(|(p, sample)| {
            row.is_empty()
                || p == row
                || p.strip_prefix(*row).is_some_and(|r| r.starts_with('.'))
                || (sample == OPAQUE_SAMPLE && row.strip_prefix(p.as_str()).is_some_and(|r| r.starts_with('.')))
        });
        if !exists {
            problems.push(format!("{kind} row `{row}` names no field"));
        }
        if why.is_empty() {
            problems.push(format!("{kind} row `{row}` says nothing"));
        }
        // Only warned rows exist at run time: a sidecar's own row of another class would let
        // the registration's warned row for the same field speak for it.
        if let Some(local) = row.strip_prefix(SIDECAR).and_then(|r| r.strip_prefix('.')) {
            let shadows = FIELDS.iter().any(|(k, r, c, _)| k == kind && *r == local && *c == Class::Warned);
            if *class != Class::Warned && shadows {
                problems.push(format!("{kind} row `{row}` is not warned, but the row `{local}` is"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let total: usize = shapes.iter().map(|(_, p)| p.len()).sum();
    assert_eq!(counts.values().sum::<usize>(), total);
    println!("{total} fields: {counts:?}");
    let service = shapes.iter().find(|(k, _)| *k == Of::Service).map(|(_, p)| p.len()).unwrap_or_default();
    let keys = FIELDS
        .iter()
        .filter(|(k, row, _, _)| {
            *k == Of::Service && KEYED.iter().any(|m| row.strip_prefix(*m).is_some_and(|r| r.starts_with('.')))
        })
        .count();
    println!("service definitions: {service} fields {service_counts:?}, and {keys} keys of opaque maps");
}

/// An entry of `kind` that writes `path` (a leaf) to `sample`, one nested block per line, and the
/// line and column of the value of the path's first `depth` segments.
fn entry_writing(kind: Of, path: &str, sample: &str, depth: usize) -> (String, u32, u32) {
    let (mut text, outer) = match kind {
        Of::Entry(kind) => (format!("Kind = \"{kind}\"\n"), 0),
        Of::Service => ("service {\n".to_string(), 1),
    };
    let name = if outer == 0 { "Name" } else { "name" };
    if !path.starts_with(name) {
        text.push_str(&format!("{}{name} = \"x\"\n", "  ".repeat(outer)));
    }
    let header = text.lines().count() as u32;
    let segments: Vec<&str> = path.split('.').map(|s| if s == "*" { "x" } else { s }).collect();
    let (mut line, mut col) = (0, 0);
    for (i, s) in segments.iter().enumerate() {
        let indent = "  ".repeat(i + outer);
        let value = if i + 1 == segments.len() { sample.to_string() } else { "{".to_string() };
        text.push_str(&format!("{indent}{s} = {value}\n"));
        if i + 1 == depth {
            line = header + 1 + i as u32;
            col = (indent.len() + s.len() + 4) as u32;
        }
    }
    for i in (0..segments.len() - 1 + outer).rev() {
        text.push_str(&format!("{}}}\n", "  ".repeat(i)));
    }
    (text, line, col)
}

/// A value meshgate does not do anyway, for the rows that accept some values.
fn warned_sample(path: &str, sample: &str) -> String {
    match path.rsplit('.').next() {
        Some("Mode" | "mode") => "\"transparent\"".into(),
        Some("MutualTLSMode") => "\"permissive\"".into(),
        Some("HeadersWithUnderscoresAction") => "\"DROP_HEADER\"".into(),
        Some("kind") => "\"mesh-gateway\"".into(),
        Some("passing" | "warning") => "3".into(),
        Some("protocol") => "\"http\"".into(),
        _ => sample.to_string(),
    }
}

fn w0410(ws: &Workspace) -> Vec<(u32, u32, String)> {
    let mut cx = Cx::new();
    check(ws, &mut cx);
    cx.diags
        .iter()
        .map(|d| {
            assert_eq!((d.code, d.severity), (Code::NotApplied, crate::diag::Severity::Warning));
            let at = d.span.and_then(|s| ws.sources.location(s)).map(|l| (l.start.line, l.start.column));
            let (line, col) = at.unwrap_or_default();
            (line, col, d.message.clone())
        })
        .collect()
}

/// Each warned row, written (its first field, with a sample value), is `W0410` at that row's
/// value: the field's, or the block's when the row names a block, or the key's for a row of an
/// opaque map (its own key, else a key it does not list). A service definition's rows are also
/// written inside a sidecar_service, unless the sidecar has its own row for the field.
#[test]
fn each_warned_field_written_is_w0410_at_its_place() {
    let shapes = shapes();
    let mut problems = Vec::new();
    let mut cases = Vec::new();
    for w in WARNED {
        let paths = shapes.iter().find(|(k, _)| *k == w.kind).map(|(_, p)| p.as_slice()).unwrap_or_default();
        // The registration's own field, not the sidecar's that takes its row.
        let own = |p: &str| !p.starts_with(SIDECAR) || w.path.starts_with(SIDECAR);
        let leaf = paths.iter().find(|(p, _)| own(p) && rows_covering(w.kind, p) == [w.path]).cloned();
        let keyed = KEYED.iter().any(|m| w.path.strip_prefix(*m).is_some_and(|r| r.starts_with('.')));
        let (leaf, sample, depth) = match leaf {
            _ if keyed => (w.path.to_string(), "1".to_string(), w.path.split('.').count()),
            Some((p, _)) if KEYED.contains(&w.path) => (format!("{p}.a"), "1".to_string(), p.split('.').count() + 1),
            Some((p, sample)) => (p, sample, w.path.split('.').count()),
            None => {
                problems.push(format!("{} `{}`: no field", w.kind, w.path));
                continue;
            }
        };
        cases.push((w, leaf.clone(), sample.clone(), depth));
        let in_sidecar = format!("{SIDECAR}.{leaf}");
        if w.kind == Of::Service
            && !w.path.starts_with("connect.")
            && service_row(&in_sidecar).is_some_and(|r| r.path == w.path)
        {
            cases.push((w, in_sidecar, sample, depth + 2));
        }
    }
    for (w, leaf, sample, depth) in cases {
        let (text, line, col) = entry_writing(w.kind, &leaf, &warned_sample(&leaf, &sample), depth);
        let ws = Workspace::from_text("x.hcl", &text);
        let found = w0410(&ws);
        let key = leaf.rsplit('.').next().unwrap_or_default();
        match found.as_slice() {
            [(l, c, message)] if (*l, *c) == (line, col) => {
                let named = message.contains(&format!("`{}`", w.path))
                    || message.contains(&format!(".{}`", w.path))
                    || message.contains(&format!("key `{key}`"))
                    || w.path == "Config";
                if !named {
                    problems.push(format!("{} `{}`: the message does not name it: {message}", w.kind, w.path));
                }
            }
            _ => problems.push(format!(
                "{} `{}` (written as `{leaf}`): expected one W0410 at {line}:{col}, found {found:?}\n{text}",
                w.kind, w.path
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Applied fields, fields left unset or empty, and values that ask for what meshgate does
/// anyway are not reported.
#[test]
fn applied_unset_and_matching_fields_are_not_reported() {
    let text = r#"
Kind = "service-defaults"
Name = "web"
Protocol = "http"
Mode = "direct"
MutualTLSMode = "strict"
LocalRequestTimeoutMs = 0
BalanceInboundConnections = ""
EnvoyExtensions = []
ExternalSNI = "web.example.com"
UpstreamConfig {
  Defaults { ConnectTimeoutMs = 1000, Limits { MaxConnections = 10 } }
  Overrides = [{ Name = "api", PassiveHealthCheck { MaxFailures = 3 }, MeshGateway { Mode = "local" } }]
}
"#;
    assert_eq!(w0410(&Workspace::from_text("sd.hcl", text)), []);
    let text = "Kind = \"proxy-defaults\"\nName = \"global\"\nConfig { protocol = \"http\" }\nMeshGateway { Mode = \"local\" }\n";
    assert_eq!(w0410(&Workspace::from_text("pd.hcl", text)), []);
    let text = "Kind = \"mesh\"\nHTTP { Incoming { RequestNormalization { MergeSlashes = true, HeadersWithUnderscoresAction = \"REJECT_REQUEST\" } } }\n";
    assert_eq!(w0410(&Workspace::from_text("m.hcl", text)), []);
}

#[test]
fn messages_name_the_field_and_what_meshgate_does_instead() {
    let text = "Kind = \"service-defaults\"\nName = \"web\"\nLocalRequestTimeoutMs = 3000\n";
    assert_eq!(
        w0410(&Workspace::from_text("sd.hcl", text)),
        [(
            3,
            25,
            "service-defaults `LocalRequestTimeoutMs` is not applied: the sidecar's inbound route sets no request timeout (Envoy's default, 15s, applies)".to_string()
        )]
    );
    // Only the keys of proxy-defaults `Config` that meshgate does not read are named.
    let text = "{\"Kind\": \"proxy-defaults\", \"Name\": \"global\",\n \"Config\": {\"protocol\": \"http\", \"local_connect_timeout_ms\": 1000, \"envoy_stats_tags\": []}}\n";
    let found = w0410(&Workspace::from_text("pd.json", text));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (2, 12));
    assert_eq!(
        found[0].2,
        "proxy-defaults `Config` keys `envoy_stats_tags`, `local_connect_timeout_ms` are not applied: meshgate reads only `protocol` from proxy-defaults `Config`"
    );
}

/// `meshgate validate`, `plan` and the playground share one pipeline: the warning is there.
#[test]
fn the_analysis_reports_unapplied_fields_as_warnings() {
    let input = crate::views::AnalysisInput {
        files: vec![crate::workspace::InputFile::new(
            "sd.hcl",
            "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"http\"\nRateLimits { InstanceLevel { RequestsPerSecond = 10 } }\n",
        )],
        ..Default::default()
    };
    let analysis = crate::views::Analysis::load(input);
    let found: Vec<_> = analysis.problems().iter().map(|d| (d.code, d.severity)).collect();
    assert_eq!(found, [(Code::NotApplied, crate::diag::Severity::Warning)]);
    assert!(analysis.compiled.is_some());
}

/// What a registration says that meshgate does anyway is not reported: `lan`/`wan` addresses
/// equal to its own, weights of 1, a `protocol` equal to the one service-defaults gives, an
/// upstream of type `service`, direct mode. Applied fields are not reported either.
#[test]
fn service_definitions_matching_what_meshgate_does_are_not_reported() {
    let defaults = "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"http\"\n";
    let text = r#"
service {
  name = "web"
  address = "10.0.0.1"
  port = 8080
  tags = ["a"]
  meta = { version = "v1" }
  tagged_addresses = { lan = "10.0.0.1", wan_ipv4 = { address = "10.0.0.1", port = 8080 } }
  weights { passing = 1, warning = 1 }
  enable_tag_override = true
  connect {
    sidecar_service {
      port = 21000
      proxy {
        mode = "direct"
        config = { protocol = "http" }
        upstreams = [{ destination_type = "service", destination_name = "api", local_bind_port = 9191,
                       config = { protocol = "tcp" }, mesh_gateway { mode = "local" } }]
      }
    }
  }
}
"#;
    let ws = Workspace::load([InputFile::new("web.hcl", defaults), InputFile::new("s.hcl", text)]);
    assert!(!ws.has_errors(), "{:?}", ws.diagnostics);
    assert_eq!(ws.services().count(), 1);
    assert_eq!(w0410(&ws), []);
}

#[test]
fn service_definitions_name_the_registration_the_field_and_the_key() {
    let text = r#"service {
  name = "web"
  address = "10.0.0.1"
  tagged_addresses = { lan = "10.0.0.1", wan = "203.0.113.7" }
  check = { http = "http://localhost:8080/health", interval = "10s" }
  connect {
    sidecar_service {
      proxy {
        config = { protocol = "http", envoy_stats_tags = ["a=b"], handshake_timeout_ms = 100 }
        upstreams = [{ destination_name = "api", local_bind_port = 9191, config = { connect_timeout_ms = 1000 } }]
      }
    }
  }
}
"#;
    let found = w0410(&Workspace::from_text("s.hcl", text));
    let messages: Vec<String> = found.iter().map(|(l, c, m)| format!("{l}:{c} {m}")).collect();
    assert_eq!(
        messages,
        [
            "4:48 service `web`: `tagged_addresses` key `wan` is not applied: meshgate reaches an instance at its `address` and `port`; other tagged addresses (`wan`, `virtual`, …) are not used",
            "5:11 service `web`: `check` is not applied: meshgate knows no health status: every registered instance is an endpoint, whatever its checks report",
            "9:31 service `web`: `connect.sidecar_service.proxy.config` key `protocol` is not applied: a proxy's protocol is its service's service-defaults (or proxy-defaults) protocol (`tcp` here)",
            "9:58 service `web`: `connect.sidecar_service.proxy.config` key `envoy_stats_tags` is not applied: meshgate's Envoy bootstrap holds its listeners, its clusters and an admin listener on 127.0.0.1: no stats sinks or tags, metrics listeners, tracing or extra static resources",
            "9:90 service `web`: `connect.sidecar_service.proxy.config` key `handshake_timeout_ms` is not applied: meshgate reads no key of a proxy's `config`",
            "10:106 service `web`: `connect.sidecar_service.proxy.upstreams.config` key `connect_timeout_ms` is not applied: an upstream's connect timeout, limits and passive health check come from the caller's service-defaults `UpstreamConfig`, not from the registration",
        ],
        "{messages:#?}"
    );
}

/// A gateway's `proxy` block configures none of its listeners: each field is reported, and the
/// keys of its `config` by their own rows.
#[test]
fn a_gateway_registrations_proxy_block_is_reported() {
    let text = r#"service {
  name = "mesh-gateway"
  kind = "mesh-gateway"
  port = 8443
  proxy {
    mesh_gateway { mode = "local" }
    config { envoy_gateway_no_default_bind = true }
  }
}
"#;
    let found = w0410(&Workspace::from_text("g.hcl", text));
    let messages: Vec<String> = found.iter().map(|(l, c, m)| format!("{l}:{c} {m}")).collect();
    assert_eq!(
        messages,
        [
            "6:18 service `mesh-gateway`: `proxy.mesh_gateway` is not applied: meshgate configures a gateway from its config entry and its registration's `address` and `port`; its `proxy` block is not applied",
            "7:46 service `mesh-gateway`: `proxy.config` key `envoy_gateway_no_default_bind` is not applied: a gateway's listeners bind its registration's `address` and `port` only",
        ],
        "{messages:#?}"
    );
}
