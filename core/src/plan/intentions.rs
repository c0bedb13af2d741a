//! service-intentions entries → the flat, ranked [`Intention`] list every decision uses, with
//! the checks that need the whole workspace: L7 permissions on services that do not speak HTTP
//! (E0405) and shadowing.

use super::protocols::{chain_protocol, ChainProtocolFrom};
use crate::decode::Cx;
use crate::diag::{Code, Diagnostic};
use crate::identity::{partition_or_local, ServiceId};
use crate::intentions::http::{HeaderCheck, HeaderMatch, HttpMatch, Permission};
use crate::intentions::{precedence, Action, Destination, Intention, Origin, Source, WILDCARD};
use crate::model::service_intentions::{
    self as model, IntentionAction, ServiceIntentions, SourceIdentity, SourceIntention,
};
use crate::model::ConfigEntry;
use crate::source::{SourceMap, Span};
use crate::workspace::{Entries, Workspace};

/// Every intention of the workspace, ranked, with the spans they came from (same order).
pub struct Compiled {
    pub intentions: Vec<Intention>,
    pub spans: Vec<Span>,
}

pub fn compile(ws: &Workspace, entries: &Entries<'_>, cx: &mut Cx) -> Compiled {
    let mut pairs: Vec<(Intention, Span)> = Vec::new();
    for entry in ws.entries() {
        let ConfigEntry::ServiceIntentions(e) = entry else { continue };
        if let Some(jwt) = &e.jwt {
            super::jwt::check_named(ws, jwt, cx);
        }
        for (src, identity) in e.sources_with_identity() {
            check_l7_permissions_protocol(ws, e, src, entries, cx);
            for p in src.permissions.iter().filter_map(|p| p.jwt.as_ref()) {
                super::jwt::check_named(ws, p, cx);
            }
            for source in sources(e, src, &identity, entries, cx) {
                let d = e.destination();
                let destination =
                    Destination { name: d.name.into(), namespace: d.namespace.into(), partition: d.partition.into() };
                let precedence = precedence(&source, &destination);
                let (action, permissions) = if src.is_l7() {
                    (None, src.permissions.iter().filter_map(|p| permission(ws, p)).collect())
                } else {
                    (src.action.map(action), Vec::new())
                };
                let intention = Intention {
                    source,
                    destination,
                    action,
                    permissions: permissions.into(),
                    jwt: e.jwt.as_ref().and_then(|j| super::jwt::requirement(ws, j)),
                    precedence,
                    origin: origin(&ws.sources, src.span()),
                };
                // A shadowed source is pointed at by its name, not its whole block.
                pairs.push((intention, src.origin.field_opt("name").unwrap_or(src.span())));
            }
        }
    }
    pairs.sort_by_cached_key(|(i, _)| crate::intentions::rank_key(i));
    report_shadowed(&pairs, cx);
    let (intentions, spans) = pairs.into_iter().unzip();
    Compiled { intentions, spans }
}

/// The sources one `Sources` item stands for: itself, or for a `SamenessGroup` source the same
/// name and namespace from every member of the group (defined in the destination's partition):
/// each partition member as a source in that partition, each peer member as a source in that
/// peer. Each keeps the precedence its name and namespace give it, as any source does.
fn sources(
    e: &ServiceIntentions,
    src: &SourceIntention,
    identity: &SourceIdentity<'_>,
    entries: &Entries<'_>,
    cx: &mut Cx,
) -> Vec<Source> {
    let one = |partition: &str, peer: &str| Source {
        name: identity.name.into(),
        namespace: identity.namespace.into(),
        partition: partition.into(),
        peer: peer.into(),
    };
    if identity.sameness_group.is_empty() {
        return vec![one(identity.partition, identity.peer)];
    }
    let partition = partition_or_local(&e.partition, entries.local_partition());
    let Some(group) = entries.sameness_group(identity.sameness_group, partition) else {
        cx.push(
            Diagnostic::warning(
                Code::UnknownSamenessGroup,
                src.origin.field("sameness_group"),
                format!(
                    "source {} names sameness group `{}`, which is not defined in partition `{partition}`: this source matches nothing",
                    src.name, identity.sameness_group
                ),
            )
            .with_note(format!(
                "define it: Kind = \"sameness-group\", Name = \"{}\", Partition = \"{partition}\", Members = [...]",
                identity.sameness_group
            )),
        );
        return Vec::new();
    };
    let mut out: Vec<Source> = Vec::new();
    for m in &group.members {
        let s = match (m.partition.is_empty(), m.peer.is_empty()) {
            (false, true) => one(&m.partition, ""),
            (true, false) => one("", &m.peer),
            _ => continue, // reported when the group was validated (E0327)
        };
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn action(a: IntentionAction) -> Action {
    match a {
        IntentionAction::Allow => Action::Allow,
        IntentionAction::Deny => Action::Deny,
    }
}

fn permission(ws: &Workspace, p: &model::IntentionPermission) -> Option<Permission> {
    let http = p.http.as_ref();
    let mut m = HttpMatch::default();
    if let Some(h) = http {
        match h.path_match() {
            Some(model::PathMatch::Exact(s)) => m.path_exact = Some(s.to_string()),
            Some(model::PathMatch::Prefix(s)) => m.path_prefix = Some(s.to_string()),
            Some(model::PathMatch::Regex(s)) => m.path_regex = Some(s.to_string()),
            None => {}
        }
        m.methods = h.methods().map(|x| x.as_str().to_string()).collect();
        m.headers = h
            .header
            .iter()
            .filter_map(|hd| {
                let check = match hd.matcher()? {
                    model::HeaderMatch::Present => HeaderCheck::Present,
                    model::HeaderMatch::Exact(v) => HeaderCheck::Exact(v.into()),
                    model::HeaderMatch::Prefix(v) => HeaderCheck::Prefix(v.into()),
                    model::HeaderMatch::Suffix(v) => HeaderCheck::Suffix(v.into()),
                    model::HeaderMatch::Contains(v) => HeaderCheck::Contains(v.into()),
                    model::HeaderMatch::Regex(v) => HeaderCheck::Regex(v.into()),
                };
                Some(HeaderMatch { name: hd.name.clone(), check, invert: hd.invert, ignore_case: hd.ignore_case })
            })
            .collect();
    }
    let jwt = p.jwt.as_ref().and_then(|j| super::jwt::requirement(ws, j));
    Some(Permission { action: action(p.action?), http: m, jwt })
}

pub(crate) fn origin(sources: &SourceMap, span: Span) -> Origin {
    match sources.location(span) {
        Some(l) => Origin { file: l.file.into(), line: l.start.line, column: l.start.column },
        None => Origin::default(),
    }
}

/// L7 permissions need a destination that speaks HTTP (http, http2 or grpc), with its protocol
/// decided as Consul's discovery chain compiler decides it ([`chain_protocol`]); Consul refuses
/// to write the entry otherwise. Reported once per source, at its first permission. A wildcard
/// destination is E0308 already.
fn check_l7_permissions_protocol(
    ws: &Workspace,
    e: &ServiceIntentions,
    src: &SourceIntention,
    entries: &Entries<'_>,
    cx: &mut Cx,
) {
    let d = e.destination();
    let Some(first) = src.permissions.first() else { return };
    if d.name == WILDCARD || d.namespace == WILDCARD {
        return;
    }
    let sid = ServiceId::new(d.name, d.namespace, partition_or_local(&e.partition, entries.local_partition()));
    let Some((proto, from)) = chain_protocol(entries, &sid) else { return };
    if proto.is_http_like() {
        return;
    }
    let here = |span: Span| ws.sources.location(span).map(|l| l.to_string()).unwrap_or_default();
    let why = match from {
        ChainProtocolFrom::ServiceDefaults(sd) => {
            format!("the protocol is tcp: service-defaults at {} says so", here(sd.origin.field("protocol")))
        }
        ChainProtocolFrom::ServiceDefaultsWithoutProtocol(sd) => format!(
            "the protocol is tcp: service-defaults at {} sets no Protocol, and then Consul takes tcp, whatever proxy-defaults says (hashicorp/consul#11457)",
            here(sd.origin.span)
        ),
        ChainProtocolFrom::ProxyDefaults(pd) => {
            format!("the protocol is tcp: proxy-defaults at {} says so", here(pd.origin.field("config")))
        }
        ChainProtocolFrom::Unset => {
            "no protocol set: tcp (no service-defaults for it, no protocol in proxy-defaults)".to_string()
        }
    };
    cx.push(
        Diagnostic::error(
            Code::L7PermissionsNotHttp,
            first.origin.span,
            format!(
                "source {} of the intentions for `{}` has HTTP permissions, but `{}` speaks {}: Consul refuses L7 permissions for a service that does not speak http, http2 or grpc",
                src.name,
                d.name,
                d.name,
                proto.as_str()
            ),
        )
        .with_note(why)
        .with_note(format!(
            "help: set `Protocol = \"http\"` (or http2, grpc) in service-defaults for `{}`, or use `Action` instead of `Permissions`",
            d.name
        )),
    );
}

/// A wildcard-destination intention is shadowed for a destination when a higher-ranked intention
/// for that exact destination covers the same sources: Consul's documented precedence says the
/// higher one decides there (even where Consul's generated Envoy RBAC, with default allow, would
/// apply the lower deny).
fn report_shadowed(pairs: &[(Intention, Span)], cx: &mut Cx) {
    for (low, low_span) in pairs.iter().filter(|(i, _)| i.destination.name == WILDCARD) {
        // Pairs are ranked, so the first shadowing intention per destination is the one that
        // decides there; one warning per destination is enough.
        let mut reported: Vec<&str> = Vec::new();
        for (high, _) in pairs.iter().filter(|(h, _)| h.precedence > low.precedence && h.destination.name != WILDCARD) {
            if reported.contains(&high.destination.name.as_str()) {
                continue;
            }
            let same_scope = high.source.peer == low.source.peer
                && (high.source.peer.is_empty() || high.source.partition == low.source.partition)
                && high.destination.partition == low.destination.partition
                && (low.destination.namespace == WILDCARD || low.destination.namespace == high.destination.namespace);
            if !same_scope || !covers(&high.source, &low.source) || high.action == low.action && !high.is_l7() {
                continue;
            }
            reported.push(&high.destination.name);
            let say = |i: &Intention| match i.action {
                Some(a) => a.as_str().to_string(),
                None => "decides by its permissions".to_string(),
            };
            cx.push(
                Diagnostic::warning(
                    Code::ShadowedIntention,
                    *low_span,
                    format!(
                        "{} ({}) never applies to `{}`: {} (precedence {}, {}) ranks higher and {}",
                        low.label(),
                        say(low),
                        high.destination.name,
                        high.label(),
                        high.precedence,
                        high.origin,
                        say(high)
                    ),
                )
                .with_note(
                    "Consul documents this precedence; note that Consul's own Envoy RBAC (with default allow) would apply the lower intention here",
                ),
            );
        }
    }
}

/// Does `high`'s source pattern include every caller `low`'s does?
fn covers(high: &Source, low: &Source) -> bool {
    let part = |h: &str, l: &str| h == WILDCARD || h == l;
    part(&high.namespace, &low.namespace) && (high.namespace == WILDCARD || part(&high.name, &low.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(text: &str) -> (Vec<Intention>, Vec<Diagnostic>) {
        let ws = Workspace::from_text("i.hcl", text);
        assert!(!ws.has_errors(), "{:?}", ws.diagnostics);
        let mut cx = Cx::new();
        let c = compile(&ws, &Entries::new(&ws, "default"), &mut cx);
        (c.intentions, cx.diags)
    }

    #[test]
    fn sources_flatten_in_precedence_order_with_their_origin() {
        let (all, diags) = compiled(
            r#"
Kind = "service-intentions"
Name = "billing"
Sources = [
  { Name = "*", Action = "deny" },
  { Name = "web", Action = "allow" },
]
"#,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].source.name.as_str(), all[0].precedence), ("web", 9));
        assert_eq!(all[0].origin.to_string(), "i.hcl:6:3");
        assert_eq!((all[1].source.name.as_str(), all[1].precedence), ("*", 8));
    }

    #[test]
    fn l7_permissions_on_a_tcp_service_are_an_error() {
        let (_, diags) = compiled(
            r#"
Kind = "service-intentions"
Name = "db"
Sources = [{ Name = "web", Permissions = [{ Action = "allow", HTTP { PathPrefix = "/" } }] }]
"#,
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::L7PermissionsNotHttp);
        assert!(diags[0].is_error());
    }

    const L7_DB: &str = r#"
Kind = "service-intentions"
Name = "db"
Sources = [
  { Name = "web", Permissions = [
      { Action = "allow", HTTP { PathPrefix = "/" } },
      { Action = "deny", HTTP { PathPrefix = "/x" } },
  ] },
  { Name = "api", Action = "allow" },
]
"#;

    fn l7_db_with(entries: &[&str]) -> Vec<Diagnostic> {
        let mut files = vec![L7_DB];
        files.extend_from_slice(entries);
        let (_, diags) = compiled_files(&files);
        diags.into_iter().filter(|d| d.code == Code::L7PermissionsNotHttp).collect()
    }

    #[test]
    fn l7_permissions_are_judged_by_the_protocol_the_chain_compiler_takes() {
        let sd = |p: &str| format!("Kind = \"service-defaults\"\nName = \"db\"\n{p}\n");
        let pd_http = "Kind = \"proxy-defaults\"\nName = \"global\"\nConfig { protocol = \"http\" }\n";
        let pd_tcp = "Kind = \"proxy-defaults\"\nName = \"global\"\nConfig { protocol = \"tcp\" }\n";
        // http from service-defaults or proxy-defaults: accepted.
        assert!(l7_db_with(&[&sd("Protocol = \"grpc\"")]).is_empty());
        assert!(l7_db_with(&[pd_http]).is_empty());
        // Nothing set: tcp, reported once, at the first permission.
        let d = l7_db_with(&[]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].is_error());
        let notes = d[0].notes.join("\n");
        assert!(notes.contains("no protocol set: tcp"), "{notes}");
        // service-defaults without Protocol: tcp, even with proxy-defaults http.
        let d = l7_db_with(&[&sd(""), pd_http]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].notes.join("\n").contains("sets no Protocol"), "{:?}", d[0].notes);
        // service-defaults tcp wins over proxy-defaults http; proxy-defaults tcp alone.
        assert!(l7_db_with(&[&sd("Protocol = \"tcp\""), pd_http])[0].notes[0].contains("service-defaults at 1.hcl:3:"));
        assert!(l7_db_with(&[pd_tcp])[0].notes[0].contains("proxy-defaults at 1.hcl:3:"));
    }

    fn compiled_files(files: &[&str]) -> (Vec<Intention>, Vec<Diagnostic>) {
        let ws = Workspace::load(
            files.iter().enumerate().map(|(i, t)| crate::workspace::InputFile::new(format!("{i}.hcl"), *t)),
        );
        assert!(!ws.has_errors(), "{:?}", ws.diagnostics);
        let mut cx = Cx::new();
        let c = compile(&ws, &Entries::new(&ws, "default"), &mut cx);
        (c.intentions, cx.diags)
    }

    const GROUP: &str = r#"
Kind = "sameness-group"
Name = "prod"
IncludeLocal = true
Members = [{ Partition = "default" }, { Partition = "ap2" }, { Peer = "dc2-west" }]
"#;

    #[test]
    fn a_sameness_group_source_stands_for_every_member() {
        let intentions = r#"
Kind = "service-intentions"
Name = "billing"
Sources = [
  { Name = "web", SamenessGroup = "prod", Action = "allow" },
  { Name = "*", Action = "deny" },
]
"#;
        let (all, diags) = compiled_files(&[GROUP, intentions]);
        assert!(diags.is_empty(), "{diags:?}");
        let shown: Vec<(String, u8, String)> =
            all.iter().map(|i| (i.label(), i.precedence, i.origin.to_string())).collect();
        let from_group = "1.hcl:5:3".to_string();
        assert_eq!(
            shown,
            [
                ("peer:dc2-west/web → billing".to_string(), 9, from_group.clone()),
                ("ap2/web → billing".to_string(), 9, from_group.clone()),
                ("web → billing".to_string(), 9, from_group),
                ("* → billing".to_string(), 8, "1.hcl:6:3".to_string()),
            ]
        );
    }

    #[test]
    fn a_source_naming_an_unknown_group_matches_nothing_and_warns() {
        let intentions =
            "Kind = \"service-intentions\"\nName = \"billing\"\nSources = [{ Name = \"web\", SamenessGroup = \"nope\", Action = \"allow\" }]\n";
        let (all, diags) = compiled_files(&[GROUP, intentions]);
        assert!(all.is_empty());
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), [Code::UnknownSamenessGroup]);
        assert!(
            diags[0].message.contains("`nope`, which is not defined in partition `default`"),
            "{}",
            diags[0].message
        );
        // A group of another partition is not this destination's.
        let other = GROUP
            .replace("Name = \"prod\"", "Name = \"nope\"\nPartition = \"ap2\"")
            .replace("IncludeLocal = true\n", "");
        let (all, diags) = compiled_files(&[&other, intentions]);
        assert!(all.is_empty() && diags.len() == 1, "{all:?} {diags:?}");
    }
}
