//! Route tables as text, for people: what `meshgate routes` prints (and what the fixture corpus
//! checks). One block per gateway or sidecar: a title line, its table(s), where each target is
//! dialled and with which identities ([`crate::plan::dial`], the same resolution `meshgate envoy`
//! configures), the intentions it enforces, notes.

use super::mesh::MeshDestination;
use super::security::Security;
use super::{GatewayRoutes, HeaderModifiers, HttpRoute, IntentionRef, RouteTable, RouteTarget, TcpRoute, VirtualHost};
use crate::plan::dial::{Dial, Dialer, Forward, GatewayDials};
use crate::sorted::{SortedMap, SortedSet};
use std::fmt::Write as _;

/// Gateways (and sidecars), blocks separated by a blank line, after a line naming the trust
/// domain: names in the tables write it `<td>`, so the tables stay readable.
pub fn render<'g>(
    gateways: impl IntoIterator<Item = &'g GatewayRoutes>,
    dialer: &Dialer<'_>,
    trust_domain: &str,
) -> String {
    let blocks: Vec<String> = gateways
        .into_iter()
        .map(|g| {
            let dials = GatewayDials::of(dialer, g);
            render_one(&abbreviate(g, trust_domain), &abbreviate(&dials, trust_domain), &dialer.security())
        })
        .collect();
    if blocks.is_empty() {
        return String::new();
    }
    format!("trust domain: {trust_domain} (<td> below)\n\n{}", blocks.join("\n"))
}

/// The same value with the trust domain written `<td>` in every string (before the layout, so
/// the columns stay aligned).
fn abbreviate<T>(v: &T, trust_domain: &str) -> T
where
    T: Clone + serde::Serialize + serde::de::DeserializeOwned,
{
    use crate::json::Value;
    fn walk(v: &mut Value, td: &str) {
        match v {
            Value::String(s) if s.contains(td) => *s = s.replace(td, "<td>"),
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, td)),
            // Keys too: the dials are keyed by SNI.
            Value::Object(map) => {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(k, mut v)| {
                        walk(&mut v, td);
                        (k.replace(td, "<td>"), v)
                    })
                    .collect();
            }
            _ => {}
        }
    }
    if trust_domain.is_empty() {
        return v.clone();
    }
    let Ok(mut value) = crate::json::to_value(v) else { return v.clone() };
    walk(&mut value, trust_domain);
    // Back through text: our `Value` is no `Deserializer`. Only the CLI renders this text, and it
    // carries serde_json's parser anyway (plans); the values here hold no long floats.
    let Ok(text) = crate::json::to_string(&value) else { return v.clone() };
    serde_json::from_str(&text).unwrap_or_else(|_| v.clone())
}

/// One gateway or sidecar, names in full, with its dials and what secures its listeners and
/// routes.
pub fn render_one(g: &GatewayRoutes, dials: &GatewayDials, security: &Security<'_>) -> String {
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
            let rows: Vec<[String; 5]> = t
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
                    let forward = dials.forwards.get(&r.sni).map(forward_cell).unwrap_or_default();
                    let from = match &r.destination {
                        // The settings file, not a registration, names a peer's gateways.
                        MeshDestination::PeerGateways { peer, .. } if r.origin.file.is_empty() => {
                            format!("settings: Peers.{peer}")
                        }
                        _ => r.origin.to_string(),
                    };
                    [r.sni.clone(), dest, cluster, forward, from]
                })
                .collect();
            if rows.is_empty() {
                out.push_str("  (no routes: every connection is closed)\n");
            } else {
                out.push_str(&table(2, &["SNI", "DESTINATION", "CLUSTER", "FORWARDS TO", "FROM"], &rows));
            }
            for r in t.routes.iter().filter(|r| r.note.is_some()) {
                let _ = writeln!(out, "  note: {}: {}", r.sni, r.note.as_deref().unwrap_or_default());
            }
            for r in &t.routes {
                if let Some(f) = dials.forwards.get(&r.sni) {
                    problems(&mut out, 2, &r.sni, f.problem.as_deref(), f.unread_filter.as_deref());
                }
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
                listener_tls(&mut out, &security.listener_tls(&g.gateway, l.port, "", l.protocol));
                http_hosts(&mut out, &l.hosts);
                route_jwt(&mut out, security, &g.gateway, &l.hosts);
                if let Some(tcp) = &l.tcp {
                    tcp_line(&mut out, "every connection", tcp);
                }
            }
            target_dials(&mut out, "dials", 2, crate::plan::dial::targets_of(g), Some(&dials.targets));
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
                listener_tls(&mut out, &security.listener_tls(&g.gateway, l.port, &l.name, l.protocol));
                http_hosts(&mut out, &l.hosts);
                route_jwt(&mut out, security, &g.gateway, &l.hosts);
                for tcp in &l.tcp {
                    tcp_line(&mut out, &format!("tcp-route {}", tcp.route), tcp);
                }
                if l.hosts.is_empty() && l.tcp.is_empty() {
                    out.push_str("    (no routes attached)\n");
                }
            }
            target_dials(&mut out, "dials", 2, crate::plan::dial::targets_of(g), Some(&dials.targets));
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
                    mode_name(u.mesh_gateway_mode),
                    u.origin
                );
                http_hosts(&mut out, &u.hosts);
                if let Some(tcp) = &u.tcp {
                    tcp_line(&mut out, "every connection", tcp);
                }
                target_dials(&mut out, "dials", 4, u.targets(), dials.upstreams.get(&u.port));
            }
        }
    }
    for n in &g.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out
}

/// [`target_dials`] on its own, with the trust domain written `<td>` (`meshgate upstreams`).
pub fn dials_text<'t>(
    title: &str,
    indent: usize,
    targets: impl IntoIterator<Item = &'t RouteTarget>,
    dials: &SortedMap<String, Dial>,
    trust_domain: &str,
) -> String {
    let mut out = String::new();
    target_dials(&mut out, title, indent, targets, Some(&abbreviate(dials, trust_domain)));
    out
}

/// Where each target (then its failover targets, in order) is dialled: under `<title>, mTLS as
/// <identity presented>:`, a table of the target, the SNI sent, the endpoints and how they are
/// reached, the identity the server must present; after it, every target that cannot be reached
/// (`unrouted: …`), with why.
fn target_dials<'t>(
    out: &mut String,
    title: &str,
    indent: usize,
    targets: impl IntoIterator<Item = &'t RouteTarget>,
    dials: Option<&SortedMap<String, Dial>>,
) {
    let Some(dials) = dials else { return };
    let mut seen = SortedSet::new();
    // (label, cluster, dial): each target once, its failover targets after it.
    let mut order: Vec<(String, &str, &Dial)> = Vec::new();
    for t in targets {
        if !seen.insert(t.cluster.as_str()) {
            continue;
        }
        order.extend(dials.get(&t.cluster).map(|d| (t.cluster.clone(), t.cluster.as_str(), d)));
        for (i, f) in t.failover.iter().enumerate() {
            let label = format!("↳ failover {}: {}", i + 1, f.cluster);
            order.extend(dials.get(&f.cluster).map(|d| (label, f.cluster.as_str(), d)));
        }
    }
    if order.is_empty() {
        return;
    }
    let presents: SortedSet<&str> = order.iter().map(|(_, _, d)| d.presents.as_str()).collect();
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}{title}, mTLS as {}:", presents.into_iter().collect::<Vec<_>>().join(", "));
    let rows: Vec<[String; 4]> =
        order.iter().map(|(label, _, d)| [label.clone(), d.sni.clone(), dial_cell(d), expects(d)]).collect();
    out.push_str(&table(indent + 2, &["TARGET", "SNI", "DIALS", "EXPECTS"], &rows));
    let mut told = SortedSet::new();
    for (_, cluster, d) in &order {
        if told.insert(*cluster) {
            problems(out, indent + 2, cluster, d.problem.as_deref(), d.unread_filter.as_deref());
        }
    }
}

/// `Connect endpoints 10.0.0.5:21000`, `local mesh gateway 10.0.1.1:8443`, or `unrouted`.
fn dial_cell(d: &Dial) -> String {
    if d.problem.is_some() {
        return "unrouted".to_string();
    }
    format!("{} {}", d.via.describe(), d.endpoints.join(" "))
}

fn forward_cell(f: &Forward) -> String {
    if f.problem.is_some() {
        return "unrouted".to_string();
    }
    format!("{} {}", f.via.describe(), f.endpoints.join(" "))
}

/// The SPIFFE ID the server must present (`~pattern` for a peer's service, whose CA is the peer's).
fn expects(d: &Dial) -> String {
    let m = d.expects.describe();
    if d.peer.is_empty() {
        m
    } else {
        format!("{m} (peer {}'s CA)", d.peer)
    }
}

/// `unrouted: <what>: <why>` and `note: <what>: subset filter … not read` lines.
fn problems(out: &mut String, indent: usize, what: &str, problem: Option<&str>, unread: Option<&str>) {
    let pad = " ".repeat(indent);
    if let Some(p) = problem {
        let _ = writeln!(out, "{pad}unrouted: {what}: {p}");
    }
    if let Some(f) = unread {
        let _ = writeln!(
            out,
            "{pad}note: {what}: subset filter `{f}` is not of a form meshgate reads (`Service.Meta.<key> == <value>`, `Service.Tags contains <tag>`): every instance is used"
        );
    }
}

/// A mesh gateway mode as Consul writes it: `none`, `local`, `remote`.
pub fn mode_name(mode: crate::plan::upstreams::Mode) -> &'static str {
    use crate::plan::upstreams::Mode;
    match mode {
        Mode::None => "none",
        Mode::Local => "local",
        Mode::Remote => "remote",
    }
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

fn listener_tls(out: &mut String, lines: &[String]) {
    for l in lines {
        let _ = writeln!(out, "    {l}");
    }
}

/// The JWT requirements under the table, each after the route it guards (`host match:`).
fn route_jwt(out: &mut String, security: &Security<'_>, gw: &super::GatewayIdentity, hosts: &[VirtualHost]) {
    for h in hosts {
        for r in &h.routes {
            for line in security.route_jwt(gw, r) {
                let _ = writeln!(out, "    {} {}: {line}", h.domains.join(", "), r.route_match.describe());
            }
        }
    }
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
    out.extend(r.hash_policies.iter().map(|h| format!("hash {}", h.describe())));
    if let Some(jwt) = &r.jwt {
        out.push(format!("jwt {}", jwt.describe()));
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
            let mut extra = modifiers("", &t.request_headers, &t.response_headers);
            let jwt = t.jwt.as_ref().map(|j| format!("jwt {}", j.describe()));
            for p in jwt.into_iter().chain(t.policy.describe()) {
                if !extra.is_empty() {
                    extra.push_str("; ");
                }
                extra.push_str(&p);
            }
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
    use super::super::testing::FULL;
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn percentages_have_at_most_two_decimals() {
        assert_eq!(percent(9, 10), "90%");
        assert_eq!(percent(1, 3), "33.33%");
        assert_eq!(percent(1, 8), "12.5%");
        assert_eq!(percent(1, 1), "100%");
    }

    /// `meshgate routes` of a workspace written as parts split at `---` lines.
    fn routes_text(parts: &str) -> String {
        let ws = crate::plan::gateways::testing::workspace(parts);
        let c = crate::plan::compile(&ws, &Settings::default()).expect("compile");
        let dialer = Dialer::new(&ws, &c.plan);
        render(c.plan.gateways.iter().chain(&c.plan.sidecars), &dialer, &c.plan.settings.trust_domain)
    }

    const DATA_PLANE: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "10.0.1.1" port = 8443 }
service { name = "mesh-gateway" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.2.1" port = 8443 }
service { name = "ingress" kind = "ingress-gateway" address = "10.0.0.6" port = 8443 }
service {
  name = "web"
  port = 8080
  connect {
    sidecar_service {
      port = 21000
      proxy { upstreams = [{ destination_name = "api", local_bind_port = 9191, mesh_gateway { mode = "local" } }] }
    }
  }
}
service { name = "api" address = "10.0.0.7" port = 8080 connect { sidecar_service { port = 21001 } } }
service { name = "api" datacenter = "dc2" address = "10.0.2.7" port = 8080 connect { sidecar_service { port = 21001 } } }
service { name = "db" port = 5432 }
---
Kind = "service-resolver"
Name = "api"
Failover = { "*" = { Datacenters = ["dc2"] } }
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [
  { Port = 8080, Protocol = "tcp", Services = [{ Name = "api" }] },
  { Port = 5432, Protocol = "tcp", Services = [{ Name = "db" }] },
]
"#;

    #[test]
    fn targets_show_their_dial_failover_after_them_and_unrouted_with_why() {
        let text = routes_text(DATA_PLANE);
        let block = |start: &str| {
            let from = text.find(start).unwrap_or_else(|| panic!("no {start:?} in\n{text}"));
            let rest = &text[from..];
            rest[..rest.find("\n\n").unwrap_or(rest.len())].to_string()
        };
        let ingress = block("ingress: ingress-gateway");
        let lines: Vec<&str> = ingress.lines().map(str::trim).collect();
        let at = |prefix: &str| {
            lines.iter().position(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix:?} in\n{ingress}"))
        };
        assert!(ingress.contains("  dials, mTLS as spiffe://<td>/ns/default/dc/dc1/svc/ingress:"), "{ingress}");
        let api = at("api.default.default.dc1 ");
        assert!(lines[api].contains("Connect endpoints 10.0.0.7:21001"), "{ingress}");
        assert!(lines[api].ends_with("spiffe://<td>/ns/default/dc/dc1/svc/api"), "{ingress}");
        // The failover target right after its target, through dc2's gateway (a gateway's mode).
        assert!(lines[api + 1].starts_with("↳ failover 1: api.default.default.dc2"), "{ingress}");
        assert!(lines[api + 1].contains("remote mesh gateway 10.0.2.1:8443"), "{ingress}");
        assert!(lines[at("db.default.default.dc1 ")].contains(" unrouted "), "{ingress}");
        assert!(ingress.contains("unrouted: db.default.default.dc1: `db` has no Connect endpoint"), "{ingress}");

        // The sidecar's upstream dials as web, in the upstream's mode: dc2 through dc1's gateway.
        let web = block("web-sidecar-proxy: connect-proxy in dc1");
        assert!(web.contains("    dials, mTLS as spiffe://<td>/ns/default/dc/dc1/svc/web:"), "{web}");
        let failover = web.lines().find(|l| l.contains("↳ failover 1: api.default.default.dc2")).expect("failover");
        assert!(failover.contains("local mesh gateway 10.0.1.1:8443"), "{web}");

        // Mesh gateway rows (keyed by SNI, written with <td>) say where they forward.
        let mesh = block("mesh-gateway@dc1:");
        let row = mesh.lines().find(|l| l.trim_start().starts_with("api.default.dc1.internal.<td>")).expect("row");
        assert!(row.contains("Connect endpoints 10.0.0.7:21001"), "{mesh}");
        let db = mesh.lines().find(|l| l.trim_start().starts_with("db.default.dc1.internal.<td>")).expect("db");
        assert!(db.contains(" unrouted "), "{mesh}");
        assert!(mesh.contains("unrouted: db.default.dc1.internal.<td>: `db` has no Connect endpoint"), "{mesh}");
        let wildcard = mesh.lines().find(|l| l.trim_start().starts_with("*.dc2.internal.<td>")).expect("wildcard");
        assert!(wildcard.contains("remote mesh gateway 10.0.2.1:8443"), "{mesh}");
    }

    #[test]
    fn every_kind_renders_a_block() {
        let text = routes_text(FULL);
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
        let dialer = Dialer::new(&ws, &plan);
        let text = render(&plan.gateways, &dialer, &plan.settings.trust_domain);
        let row = text.lines().find(|l| l.contains("*.dc1.external.peer.consul")).expect(&text);
        assert!(row.trim_end().ends_with("settings: Peers.partner"), "{row}");
    }
}
