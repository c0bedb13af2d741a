//! Route tables as text, for people: what `meshgate routes` prints (and what the fixture corpus
//! checks). One block per gateway: a title line, its table(s), the intentions it enforces, notes.

use super::mesh::MeshDestination;
use super::{GatewayRoutes, HeaderModifiers, HttpRoute, IntentionRef, RouteTable, RouteTarget, TcpRoute, VirtualHost};
use std::fmt::Write as _;

/// Gateways, blocks separated by a blank line, after a line naming the trust domain: names in
/// the tables write it `<td>`, so the tables stay readable.
pub fn render<'g>(gateways: impl IntoIterator<Item = &'g GatewayRoutes>, trust_domain: &str) -> String {
    let blocks: Vec<String> = gateways.into_iter().map(|g| render_one(&abbreviate(g, trust_domain))).collect();
    if blocks.is_empty() {
        return String::new();
    }
    format!("trust domain: {trust_domain} (<td> below)\n\n{}", blocks.join("\n"))
}

/// The same routes with the trust domain written `<td>` in every name.
fn abbreviate(g: &GatewayRoutes, trust_domain: &str) -> GatewayRoutes {
    fn walk(v: &mut serde_json::Value, td: &str) {
        match v {
            serde_json::Value::String(s) if s.contains(td) => *s = s.replace(td, "<td>"),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, td)),
            serde_json::Value::Object(map) => map.values_mut().for_each(|i| walk(i, td)),
            _ => {}
        }
    }
    if trust_domain.is_empty() {
        return g.clone();
    }
    let Ok(mut value) = serde_json::to_value(g) else { return g.clone() };
    walk(&mut value, trust_domain);
    serde_json::from_value(value).unwrap_or_else(|_| g.clone())
}

/// One gateway, names in full.
pub fn render_one(g: &GatewayRoutes) -> String {
    let id = &g.gateway;
    let mut out = String::new();
    let ns =
        if id.namespace == crate::identity::DEFAULT { String::new() } else { format!(", namespace {}", id.namespace) };
    let _ = writeln!(
        out,
        "{}: {} in {}, partition {}{ns}, on {} ({})",
        id.key,
        id.kind,
        id.datacenter,
        id.partition,
        id.listener(),
        id.origin
    );
    match &g.routes {
        RouteTable::MeshGateway(t) => {
            let rows: Vec<[String; 4]> = t
                .routes
                .iter()
                .map(|r| {
                    let mut dest = r.destination.describe();
                    if !r.exported_to.is_empty() {
                        let _ = write!(dest, " (exported to {})", r.exported_to.join(", "));
                    }
                    let cluster = match &r.destination {
                        MeshDestination::LocalService { cluster, .. } if *cluster == r.sni => "= SNI".to_string(),
                        _ => r.cluster().to_string(),
                    };
                    let from = match &r.destination {
                        // The settings file, not a registration, names a peer's gateways.
                        MeshDestination::PeerGateways { peer, .. } if r.origin.file.is_empty() => {
                            format!("settings: Peers.{peer}")
                        }
                        _ => r.origin.to_string(),
                    };
                    [r.sni.clone(), dest, cluster, from]
                })
                .collect();
            if rows.is_empty() {
                out.push_str("  (no routes: every connection is closed)\n");
            } else {
                out.push_str(&table(2, &["SNI", "DESTINATION", "CLUSTER", "FROM"], &rows));
            }
            for r in t.routes.iter().filter(|r| r.note.is_some()) {
                let _ = writeln!(out, "  note: {}: {}", r.sni, r.note.as_deref().unwrap_or_default());
            }
            if !t.routes.is_empty() {
                out.push_str("  anything else: closed (unrouted)\n");
            }
        }
        RouteTable::TerminatingGateway(t) => {
            let rows: Vec<[String; 5]> = t
                .services
                .iter()
                .map(|s| {
                    let external = if s.endpoints.is_empty() { "(none)".to_string() } else { s.endpoints.join(" ") };
                    [s.service.label(), s.sni.clone(), external, s.tls.describe(), s.origin.to_string()]
                })
                .collect();
            if rows.is_empty() {
                out.push_str("  (no linked services)\n");
            } else {
                out.push_str(&table(2, &["SERVICE", "SNI", "EXTERNAL", "TLS ORIGINATION", "FROM"], &rows));
            }
            for s in &t.services {
                let via = if s.via_wildcard { ", linked by `*`" } else { "" };
                let host = if s.disable_auto_host_rewrite { ", Host header kept" } else { "" };
                let _ = writeln!(
                    out,
                    "  {}: terminates as {}, protocol {}{via}{host}",
                    s.service.label(),
                    s.identity,
                    s.protocol.as_str()
                );
                intentions(&mut out, 4, &s.intentions, "no intention protects it: the default policy decides");
                for n in &s.notes {
                    let _ = writeln!(out, "    note: {n}");
                }
            }
        }
        RouteTable::IngressGateway(t) => {
            if t.listeners.is_empty() {
                out.push_str("  (no listeners)\n");
            }
            for l in &t.listeners {
                let tls = if l.tls { ", TLS" } else { "" };
                let _ = writeln!(out, "  listener {} {}{tls} ({})", l.port, l.protocol.as_str(), l.origin);
                http_hosts(&mut out, &l.hosts);
                if let Some(tcp) = &l.tcp {
                    tcp_line(&mut out, "every connection", tcp);
                }
            }
            gateway_intentions(&mut out, g, &t.source.label());
        }
        RouteTable::ApiGateway(t) => {
            if t.listeners.is_empty() {
                out.push_str("  (no listeners)\n");
            }
            for l in &t.listeners {
                let tls = if l.tls { ", TLS" } else { "" };
                let _ = writeln!(
                    out,
                    "  listener {}: port {} {}, hostname {}{tls} ({})",
                    l.name,
                    l.port,
                    l.protocol.as_str(),
                    l.hostname,
                    l.origin
                );
                http_hosts(&mut out, &l.hosts);
                for tcp in &l.tcp {
                    tcp_line(&mut out, &format!("tcp-route {}", tcp.route), tcp);
                }
                if l.hosts.is_empty() && l.tcp.is_empty() {
                    out.push_str("    (no routes attached)\n");
                }
            }
            gateway_intentions(&mut out, g, &t.source.label());
        }
        RouteTable::Sidecar(t) => {
            let s = &t.inbound;
            let app =
                if s.endpoints.is_empty() { "(no local application port)".to_string() } else { s.endpoints.join(" ") };
            let _ = writeln!(
                out,
                "  public listener: mTLS as {}, protocol {}, to the local application at {app}",
                s.identity,
                s.protocol.as_str()
            );
            intentions(&mut out, 4, &s.intentions, "no intention protects it: the default policy decides");
            for u in &t.upstreams {
                let place =
                    if u.peer.is_empty() { format!("in {}", u.datacenter) } else { format!("on peer {}", u.peer) };
                let _ = writeln!(
                    out,
                    "  upstream {} {place} on {}:{} {}, mesh gateway mode {} ({})",
                    u.destination.label(),
                    u.address,
                    u.port,
                    u.protocol.as_str(),
                    match u.mesh_gateway_mode {
                        crate::plan::upstreams::Mode::None => "none",
                        crate::plan::upstreams::Mode::Local => "local",
                        crate::plan::upstreams::Mode::Remote => "remote",
                    },
                    u.origin
                );
                http_hosts(&mut out, &u.hosts);
                if let Some(tcp) = &u.tcp {
                    tcp_line(&mut out, "every connection", tcp);
                }
            }
        }
    }
    for n in &g.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out
}

fn gateway_intentions(out: &mut String, g: &GatewayRoutes, source: &str) {
    let _ = writeln!(out, "  intentions with source {source}, first match decides:");
    intentions(out, 4, &g.intentions, "none apply: the default policy decides");
}

fn intentions(out: &mut String, indent: usize, list: &[IntentionRef], none: &str) {
    let pad = " ".repeat(indent);
    if list.is_empty() {
        let _ = writeln!(out, "{pad}{none}");
        return;
    }
    let rows: Vec<[String; 4]> = list
        .iter()
        .enumerate()
        .map(|(i, r)| [format!("{}.", i + 1), r.label.clone(), r.action.clone(), r.origin.to_string()])
        .collect();
    // No header: a numbered list.
    let rendered = table(indent, &["", "", "", ""], &rows);
    out.extend(rendered.lines().skip(1).map(|l| format!("{l}\n")));
}

fn http_hosts(out: &mut String, hosts: &[VirtualHost]) {
    if hosts.is_empty() {
        return;
    }
    let mut rows: Vec<[String; 5]> = Vec::new();
    for h in hosts {
        let host_filters = modifiers("host ", &h.request_headers, &h.response_headers);
        for (i, r) in h.routes.iter().enumerate() {
            let mut filters = route_filters(r);
            if i == 0 && !host_filters.is_empty() {
                filters.insert(0, host_filters.clone());
            }
            rows.push([
                if i == 0 { h.domains.join(", ") } else { String::new() },
                r.route_match.describe(),
                targets(&r.targets),
                filters.join("; "),
                r.origin.to_string(),
            ]);
        }
        if h.routes.is_empty() {
            rows.push([h.domains.join(", "), "(no routes)".into(), String::new(), host_filters, h.origin.to_string()]);
        }
    }
    out.push_str(&table(4, &["HOST", "MATCH", "TARGETS", "FILTERS", "FROM"], &rows));
}

fn tcp_line(out: &mut String, what: &str, tcp: &TcpRoute) {
    let _ = writeln!(out, "    {what} → {} ({})", targets(&tcp.targets), tcp.origin);
}

fn route_filters(r: &HttpRoute) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = &r.prefix_rewrite {
        out.push(format!("rewrite {p}"));
    }
    let m = modifiers("", &r.request_headers, &r.response_headers);
    if !m.is_empty() {
        out.push(m);
    }
    if let Some(t) = &r.request_timeout {
        out.push(format!("timeout {t}"));
    }
    if let Some(t) = &r.idle_timeout {
        out.push(format!("idle {t}"));
    }
    if let Some(retry) = &r.retry {
        let mut s = match retry.num_retries {
            Some(n) => format!("retries {n}"),
            None => "retries".to_string(),
        };
        let mut on: Vec<String> = retry.on.clone();
        if retry.on_connect_failure {
            on.push("connect-failure".into());
        }
        on.extend(retry.on_status_codes.iter().map(u32::to_string));
        if !on.is_empty() {
            let _ = write!(s, " on {}", on.join("|"));
        }
        out.push(s);
    }
    out
}

/// `add x-a=1, set x-b=2, remove x-c` (request) and `response …`.
fn modifiers(prefix: &str, request: &HeaderModifiers, response: &HeaderModifiers) -> String {
    let one = |m: &HeaderModifiers| {
        let mut parts: Vec<String> = Vec::new();
        parts.extend(m.add.iter().map(|(k, v)| format!("add {k}={v}")));
        parts.extend(m.set.iter().map(|(k, v)| format!("set {k}={v}")));
        parts.extend(m.remove.iter().map(|k| format!("remove {k}")));
        parts.join(", ")
    };
    let mut out = Vec::new();
    if !request.is_empty() {
        out.push(format!("{prefix}{}", one(request)));
    }
    if !response.is_empty() {
        out.push(format!("{prefix}response {}", one(response)));
    }
    out.join("; ")
}

/// `v1.api.default.default.dc1 90%, v2.api.default.default.dc1 10%`.
fn targets(ts: &[RouteTarget]) -> String {
    if ts.is_empty() {
        return "(none: 503)".into();
    }
    let total: u64 = ts.iter().map(|t| t.weight).sum();
    ts.iter()
        .map(|t| {
            let pct = if total == 0 { "0%".to_string() } else { percent(t.weight, total) };
            let extra = modifiers("", &t.request_headers, &t.response_headers);
            if extra.is_empty() {
                format!("{} {pct}", t.cluster)
            } else {
                format!("{} {pct} ({extra})", t.cluster)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `weight / total` as a percentage with at most two decimals: `90%`, `33.33%`.
fn percent(weight: u64, total: u64) -> String {
    let hundredths = (u128::from(weight) * 10_000 + u128::from(total) / 2) / u128::from(total.max(1));
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    match frac {
        0 => format!("{whole}%"),
        f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
        f => format!("{whole}.{f:02}%"),
    }
}

/// Left-aligned columns separated by two spaces, indented (the CLI's table style).
fn table<const N: usize>(indent: usize, header: &[&str; N], rows: &[[String; N]]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let pad = " ".repeat(indent);
    let line = |cells: Vec<&str>| {
        let mut out = pad.clone();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            out.push_str(cell);
            if i + 1 < N {
                out.push_str(&" ".repeat(w.saturating_sub(cell.chars().count()) + 2));
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compile, FULL};
    use super::*;

    #[test]
    fn percentages_have_at_most_two_decimals() {
        assert_eq!(percent(9, 10), "90%");
        assert_eq!(percent(1, 3), "33.33%");
        assert_eq!(percent(1, 8), "12.5%");
        assert_eq!(percent(1, 1), "100%");
    }

    #[test]
    fn every_kind_renders_a_block() {
        let plan = compile(FULL);
        let text = render(&plan.gateways, &plan.settings.trust_domain);
        for needle in [
            "mesh-gateway: mesh-gateway in dc1, partition default, on 10.0.1.1:8443",
            "anything else: closed (unrouted)",
            "trust domain: 11111111-2222-3333-4444-555555555555.consul (<td> below)",
            "billing-api.default.dc1.internal.<td>",
            "tls (/etc/ca.pem)",
            "listener 8080 http",
            "web.ingress.*",
            "listener http: port 8081 http, hostname *",
            "prefix /app",
            "intentions with source ingress, first match decides:",
            "ingress → web",
        ] {
            assert!(text.contains(needle), "missing {needle:?} in\n{text}");
        }
    }

    #[test]
    fn a_peers_gateways_row_cites_the_settings() {
        let files = [crate::workspace::InputFile::new(
            "gw.hcl",
            "service { name = \"mesh-gateway\" kind = \"mesh-gateway\" address = \"127.0.0.1\" port = 8443 }",
        )];
        let ws = crate::workspace::Workspace::load(files);
        let mut settings = crate::settings::Settings::default();
        settings.peer_trust_domains.insert("partner".into(), "peer.consul".into());
        settings.peers.insert(
            "partner".into(),
            crate::settings::Peer { mesh_gateways: vec!["127.0.0.1:8445".into()], ..Default::default() },
        );
        let plan = crate::plan::compile(&ws, &settings).expect("compile").plan;
        let text = render(&plan.gateways, &plan.settings.trust_domain);
        let row = text.lines().find(|l| l.contains("*.dc1.external.peer.consul")).expect(&text);
        assert!(row.trim_end().ends_with("settings: Peers.partner"), "{row}");
    }
}
