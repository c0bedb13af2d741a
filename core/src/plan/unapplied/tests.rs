use super::*;

/// Rows of `kind` whose path is `path` or a block holding it.
fn rows_covering(kind: EntryKind, path: &str) -> Vec<&'static str> {
    FIELDS
        .iter()
        .filter(|(k, row, _, _)| {
            *k == kind
                && (row.is_empty() || *row == path || path.strip_prefix(*row).is_some_and(|r| r.starts_with('.')))
        })
        .map(|(_, row, _, _)| *row)
        .collect()
}

/// Every field of every entry kind, enumerated from the model's types, is classified exactly
/// once; every row names fields that exist. A field added to the model fails here until it is
/// given a row (applied, warned or not data plane).
#[test]
fn every_field_of_the_model_is_classified_exactly_once() {
    let shapes = ConfigEntry::shapes();
    assert_eq!(shapes.len(), EntryKind::ALL.len(), "every kind is enumerated");
    let mut problems = Vec::new();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for (kind, paths) in &shapes {
        for (path, _) in paths {
            match rows_covering(*kind, path).as_slice() {
                [] => problems.push(format!("{kind} `{path}` is not classified")),
                [row] => {
                    let class = FIELDS.iter().find(|(k, r, _, _)| k == kind && r == row).map(|(_, _, c, _)| *c);
                    *counts
                        .entry(match class {
                            Some(Class::Applied) => "applied",
                            Some(Class::Warned) => "warned",
                            _ => "not data plane",
                        })
                        .or_default() += 1;
                }
                rows => problems.push(format!("{kind} `{path}` is classified by several rows: {rows:?}")),
            }
        }
    }
    for (kind, row, _, why) in FIELDS {
        let paths = shapes.iter().find(|(k, _)| k == kind).map(|(_, p)| p.as_slice()).unwrap_or_default();
        let exists = paths
            .iter()
            .any(|(p, _)| row.is_empty() || p == row || p.strip_prefix(*row).is_some_and(|r| r.starts_with('.')));
        if !exists {
            problems.push(format!("{kind} row `{row}` names no field"));
        }
        if why.is_empty() {
            problems.push(format!("{kind} row `{row}` says nothing"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let total: usize = shapes.iter().map(|(_, p)| p.len()).sum();
    assert_eq!(counts.values().sum::<usize>(), total);
    println!("{total} fields: {counts:?}");
}

/// An entry of `kind` that writes `path` (a leaf) to `sample`, one nested block per line, and the
/// line and column of the value of the path's first `depth` segments.
fn entry_writing(kind: EntryKind, path: &str, sample: &str, depth: usize) -> (String, u32, u32) {
    let mut text = format!("Kind = \"{kind}\"\n");
    if !path.starts_with("Name") {
        text.push_str("Name = \"x\"\n");
    }
    let header = text.lines().count() as u32;
    let segments: Vec<&str> = path.split('.').map(|s| if s == "*" { "x" } else { s }).collect();
    let (mut line, mut col) = (0, 0);
    for (i, s) in segments.iter().enumerate() {
        let indent = "  ".repeat(i);
        let value = if i + 1 == segments.len() { sample.to_string() } else { "{".to_string() };
        text.push_str(&format!("{indent}{s} = {value}\n"));
        if i + 1 == depth {
            line = header + 1 + i as u32;
            col = (indent.len() + s.len() + 4) as u32;
        }
    }
    for i in (0..segments.len() - 1).rev() {
        text.push_str(&format!("{}}}\n", "  ".repeat(i)));
    }
    (text, line, col)
}

/// A value meshgate does not do anyway, for the rows that accept some values.
fn warned_sample(path: &str, sample: &str) -> String {
    match path.rsplit('.').next() {
        Some("Mode") => "\"transparent\"".into(),
        Some("MutualTLSMode") => "\"permissive\"".into(),
        Some("HeadersWithUnderscoresAction") => "\"DROP_HEADER\"".into(),
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
/// value: the field's, or the block's when the row names a block.
#[test]
fn each_warned_field_written_is_w0410_at_its_place() {
    let shapes = ConfigEntry::shapes();
    let mut problems = Vec::new();
    for w in WARNED {
        let paths = shapes.iter().find(|(k, _)| *k == w.kind).map(|(_, p)| p.as_slice()).unwrap_or_default();
        let Some((leaf, sample)) = paths.iter().find(|(p, _)| rows_covering(w.kind, p) == [w.path]) else {
            problems.push(format!("{} `{}`: no field", w.kind, w.path));
            continue;
        };
        let depth = w.path.split('.').count();
        let (text, line, col) = entry_writing(w.kind, leaf, &warned_sample(leaf, sample), depth);
        let ws = Workspace::from_text("x.hcl", &text);
        let found = w0410(&ws);
        match found.as_slice() {
            [(l, c, message)] if (*l, *c) == (line, col) => {
                if !message.contains(&format!("`{}`", w.path)) && w.path != "Config" {
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
