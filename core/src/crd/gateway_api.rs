//! The Gateway API (`gateway.networking.k8s.io`): Gateway → `api-gateway`, HTTPRoute →
//! `http-route`, TCPRoute → `tcp-route`, as consul-k8s translates them, and a TLS Secret →
//! `file-system-certificate` (consul-k8s mounts the Secret into the gateway pod at
//! `/consul/gateway-certificates/<namespace>_<name>_tls.crt` and `.key`).
//!
//! Every field is either mapped, accepted with nothing to map (documented in the README), or
//! refused with `E0211`; none is dropped silently. The mapped tree uses the CRD spelling of the
//! entry's fields, so a RouteRetryFilter's own spec is decoded in place, at its own lines.

use super::tree::{field, items, list, object, string, Fields};
use super::Header;
use crate::decode::Cx;
use crate::diag::{Code, Diagnostic};
use crate::model::document::{decode_typed, Document, EntryKind};
use crate::source::Span;
use crate::syntax::{Entry, Node, Value};

/// The Gateway API kinds meshgate reads (GatewayClass and ReferenceGrant are read and ignored).
pub const KINDS: &[&str] = &["Gateway", "HTTPRoute", "TCPRoute", "GatewayClass", "ReferenceGrant"];

/// Versions each kind is served at.
fn versions(kind: &str) -> &'static [&'static str] {
    match kind {
        "Gateway" | "HTTPRoute" | "GatewayClass" => &["v1", "v1beta1"],
        "TCPRoute" => &["v1alpha2"],
        "ReferenceGrant" => &["v1beta1", "v1alpha2"],
        _ => &[],
    }
}

/// TLS options consul-k8s reads from a listener's `tls.options`.
const TLS_OPTIONS: &[(&str, &str)] = &[
    ("api-gateway.consul.hashicorp.com/tls_cipher_suites", "cipherSuites"),
    ("api-gateway.consul.hashicorp.com/tls_min_version", "minVersion"),
    ("api-gateway.consul.hashicorp.com/tls_max_version", "maxVersion"),
];

pub fn decode(
    group: &str,
    version: &str,
    version_span: Span,
    header: &Header,
    spec: Option<&Entry>,
    cx: &mut Cx,
    out: &mut Vec<Document>,
) {
    if !KINDS.contains(&header.kind) {
        cx.push(
            Diagnostic::error(
                Code::UnknownResourceKind,
                header.kind_span,
                format!("`{}` is not a {group} kind meshgate reads", header.kind),
            )
            .with_note("meshgate maps Gateway, HTTPRoute and TCPRoute (and reads GatewayClass and ReferenceGrant)"),
        );
        return;
    }
    if !versions(header.kind).contains(&version) {
        cx.error(
            Code::UnknownResourceKind,
            version_span,
            format!(
                "{} is served at {}, not `{version}`",
                header.kind,
                versions(header.kind).iter().map(|v| format!("`{group}/{v}`")).collect::<Vec<_>>().join(" or ")
            ),
        );
        return;
    }
    let empty = object(Vec::new(), header.span);
    let spec = spec.map(|e| &e.value).unwrap_or(&empty);
    let (kind, mapped) = match header.kind {
        "Gateway" => (EntryKind::ApiGateway, gateway(header, spec, cx)),
        "HTTPRoute" => (EntryKind::HttpRoute, http_route(header, spec, cx)),
        "TCPRoute" => (EntryKind::TcpRoute, tcp_route(header, spec, cx)),
        _ => return, // GatewayClass, ReferenceGrant: Kubernetes-side only.
    };
    let Some(mapped) = mapped else { return };
    let was = std::mem::replace(&mut cx.crd_keys, true);
    decode_typed(kind, &mapped, cx, out);
    cx.crd_keys = was;
}

/// The entry's top: `Kind` and `name` from the resource's kind and metadata.
fn entry_top(kind: EntryKind, header: &Header) -> Vec<Entry> {
    vec![
        field("Kind", header.kind_span, string(kind.as_str(), header.kind_span)),
        field("name", header.name_span, string(header.name, header.name_span)),
    ]
}

fn gateway(header: &Header, spec: &Node, cx: &mut Cx) -> Option<Node> {
    let mut s = Fields::of(spec, "a Gateway spec", cx)?;
    s.ignore(&["gatewayClassName"]);
    s.refuse("addresses", "Consul gives an API gateway no addresses of its own", cx);
    s.refuse("infrastructure", "it configures Kubernetes, not the gateway's config entry", cx);
    let listeners = s.node("listeners");
    s.finish(cx);
    let mut out = entry_top(EntryKind::ApiGateway, header);
    let mut mapped: Vec<Node> =
        listeners.map(|l| items(l, cx).iter().filter_map(|n| listener(n, cx)).collect()).unwrap_or_default();
    super::gateway_policy::merge(header.name, &mut mapped, cx);
    if let Some(l) = listeners {
        out.push(field("listeners", l.span, list(mapped, l.span)));
    }
    Some(object(out, header.span))
}

fn listener(node: &Node, cx: &mut Cx) -> Option<Node> {
    let mut l = Fields::of(node, "a Gateway listener", cx)?;
    let mut out = Vec::new();
    let mut refused = false;
    for key in ["name", "hostname", "port"] {
        if let Some(e) = l.take(key) {
            out.push(field(key, e.key_span, e.value.clone()));
        }
    }
    if let Some((protocol, span)) = l.str("protocol", cx) {
        // consul-k8s: HTTP and HTTPS listeners are `http` (HTTPS adds TLS), TCP is `tcp`.
        match protocol {
            "HTTP" | "HTTPS" => out.push(field("protocol", span, string("http", span))),
            "TCP" => out.push(field("protocol", span, string("tcp", span))),
            other => {
                refused = true;
                cx.push(
                    Diagnostic::error(
                        Code::UnsupportedResourceField,
                        span,
                        format!("listener protocol `{other}` is not supported"),
                    )
                    .with_note("Consul's API gateway listens with HTTP, HTTPS or TCP"),
                );
            }
        }
    }
    // Which routes may attach is checked by Kubernetes when consul-k8s binds them.
    l.ignore(&["allowedRoutes"]);
    if let Some(tls) = l.take("tls") {
        if let Some(t) = listener_tls(&tls.value, cx) {
            out.push(field("tls", tls.key_span, t));
        }
    }
    l.finish(cx);
    // A refused listener is left out, so its missing protocol is not reported again.
    (!refused).then(|| object(out, node.span))
}

fn listener_tls(node: &Node, cx: &mut Cx) -> Option<Node> {
    let mut t = Fields::of(node, "a listener's tls", cx)?;
    let mut out = Vec::new();
    if let Some((mode, span)) = t.str("mode", cx) {
        if mode != "Terminate" {
            cx.push(Diagnostic::error(
                Code::UnsupportedResourceField,
                span,
                format!("TLS mode `{mode}` is not supported: Consul's API gateway terminates TLS"),
            ));
        }
    }
    if let Some(refs) = t.take("certificateRefs") {
        let mut certs = Vec::new();
        for r in items(&refs.value, cx) {
            let Some(mut f) = Fields::of(&r, "a certificateRef", cx) else { continue };
            let group = f.str("group", cx);
            let kind = f.str("kind", cx);
            f.ignore(&["namespace"]);
            let name = f.take("name");
            f.finish(cx);
            if !refers_to(group, kind, ("", "Secret"), "certificateRefs", cx) {
                continue;
            }
            let Some(name) = name else {
                cx.error(Code::MissingField, r.span, "a certificateRef needs a `name`");
                continue;
            };
            certs.push(object(
                vec![
                    field("kind", name.key_span, string("file-system-certificate", name.key_span)),
                    field("name", name.key_span, name.value.clone()),
                ],
                r.span,
            ));
        }
        out.push(field("certificates", refs.key_span, list(certs, refs.value.span)));
    }
    if let Some(opts) = t.take("options") {
        if let Some(mut o) = Fields::of(&opts.value, "a listener's tls.options", cx) {
            for (option, key) in TLS_OPTIONS {
                let Some((v, span)) = o.str(option, cx) else { continue };
                let value = if *key == "cipherSuites" {
                    list(v.split(',').map(|c| string(c.trim(), span)).collect(), span)
                } else {
                    string(v, span)
                };
                out.push(field(key, span, value));
            }
            o.finish(cx);
        }
    }
    t.finish(cx);
    Some(object(out, node.span))
}

/// Does a reference's `group` and `kind` (the Gateway API's default when not written) name what
/// meshgate maps there? Reports why not.
fn refers_to(
    group: Option<(&str, Span)>,
    kind: Option<(&str, Span)>,
    (want_group, want_kind): (&str, &str),
    what: &str,
    cx: &mut Cx,
) -> bool {
    if let Some((g, span)) = group.filter(|(g, _)| *g != want_group) {
        cx.error(Code::UnsupportedResourceField, span, format!("{what} of group `{g}` are not supported"));
        return false;
    }
    if let Some((k, span)) = kind.filter(|(k, _)| *k != want_kind) {
        cx.error(
            Code::UnsupportedResourceField,
            span,
            format!("{what} of kind `{k}` are not supported; name a {want_kind}"),
        );
        return false;
    }
    true
}

/// `parentRefs` → `parents`: Gateways only; `sectionName` names a listener.
fn parents(node: &Node, cx: &mut Cx) -> Node {
    let mut out = Vec::new();
    for r in items(node, cx) {
        let Some(mut f) = Fields::of(&r, "a parentRef", cx) else { continue };
        let group = f.str("group", cx);
        let kind = f.str("kind", cx);
        f.ignore(&["namespace"]);
        f.refuse("port", "a route attaches to a listener by `sectionName`", cx);
        let name = f.take("name");
        let section = f.take("sectionName");
        f.finish(cx);
        if !refers_to(group, kind, (super::GATEWAY_GROUP, "Gateway"), "parentRefs", cx) {
            continue;
        }
        let Some(name) = name else {
            cx.error(Code::MissingField, r.span, "a parentRef needs a `name`");
            continue;
        };
        let mut p = vec![
            field("kind", name.key_span, string("api-gateway", name.key_span)),
            field("name", name.key_span, name.value.clone()),
        ];
        if let Some(s) = section {
            p.push(field("sectionName", s.key_span, s.value.clone()));
        }
        out.push(object(p, r.span));
    }
    list(out, node.span)
}

fn http_route(header: &Header, spec: &Node, cx: &mut Cx) -> Option<Node> {
    let mut s = Fields::of(spec, "an HTTPRoute spec", cx)?;
    let mut out = entry_top(EntryKind::HttpRoute, header);
    if let Some(p) = s.take("parentRefs") {
        out.push(field("parents", p.key_span, parents(&p.value, cx)));
    }
    if let Some(h) = s.take("hostnames") {
        out.push(field("hostnames", h.key_span, h.value.clone()));
    }
    if let Some(r) = s.take("rules") {
        let rules: Vec<Node> = items(&r.value, cx).iter().filter_map(|n| http_rule(n, cx)).collect();
        out.push(field("rules", r.key_span, list(rules, r.value.span)));
    }
    s.finish(cx);
    Some(object(out, header.span))
}

fn http_rule(node: &Node, cx: &mut Cx) -> Option<Node> {
    let mut r = Fields::of(node, "an HTTPRoute rule", cx)?;
    r.ignore(&["name"]);
    r.refuse("timeouts", "use an ExtensionRef to a RouteTimeoutFilter", cx);
    r.refuse("sessionPersistence", "Consul's http-route has no session persistence", cx);
    r.refuse("retry", "use an ExtensionRef to a RouteRetryFilter", cx);
    let mut out = Vec::new();
    // The Gateway API defaults a rule's matches to one path prefix `/` (the API server writes the
    // default before consul-k8s reads the route).
    let default_match = object(Vec::new(), node.span);
    let (matches_span, written) = match r.take("matches") {
        Some(m) => (m.key_span, items(&m.value, cx)),
        None => (node.span, vec![default_match]),
    };
    let matches: Vec<Node> = written.iter().filter_map(|n| http_match(n, cx)).collect();
    out.push(field("matches", matches_span, list(matches, matches_span)));
    if let Some(f) = r.take("filters") {
        let (request, response) = filters(&f.value, cx);
        out.extend(request.map(|n| field("filters", f.key_span, n)));
        out.extend(response.map(|n| field("responseFilters", f.key_span, n)));
    }
    if let Some(b) = r.take("backendRefs") {
        let services: Vec<Node> = items(&b.value, cx).iter().filter_map(|n| backend(n, true, cx)).collect();
        out.push(field("services", b.key_span, list(services, b.value.span)));
    }
    r.finish(cx);
    Some(object(out, node.span))
}

/// A match `type` → Consul's match word; the Gateway API's default when not given.
fn match_type(t: &mut Fields, table: &[(&str, &str)], default: &str, cx: &mut Cx) -> Option<(String, Span)> {
    match t.str("type", cx) {
        None => Some((default.to_string(), t.span)),
        Some((written, span)) => match table.iter().find(|(k, _)| *k == written) {
            Some((_, v)) => Some((v.to_string(), span)),
            None => {
                let names: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
                cx.push(Diagnostic::error(
                    Code::UnsupportedResourceField,
                    span,
                    format!("match type `{written}` is not supported; expected one of {}", names.join(", ")),
                ));
                None
            }
        },
    }
}

fn http_match(node: &Node, cx: &mut Cx) -> Option<Node> {
    let mut m = Fields::of(node, "an HTTPRoute match", cx)?;
    let mut out = Vec::new();
    // A match without `path` is defaulted to path prefix `/`, as above.
    match m.take("path") {
        Some(p) => out.extend(path_match(&p.value, p.key_span, cx)),
        None => out.extend(path_match(&object(Vec::new(), node.span), node.span, cx)),
    }
    for (key, to, what) in [("headers", "headers", "a header match"), ("queryParams", "query", "a query match")] {
        let Some(h) = m.take(key) else { continue };
        let mut list_out = Vec::new();
        for item in items(&h.value, cx) {
            let Some(mut f) = Fields::of(&item, what, cx) else { continue };
            let kind = match_type(&mut f, &[("Exact", "exact"), ("RegularExpression", "regex")], "exact", cx);
            let mut e = Vec::new();
            if let Some((k, span)) = kind {
                e.push(field("match", span, string(&k, span)));
            }
            for k in ["name", "value"] {
                if let Some(v) = f.take(k) {
                    e.push(field(k, v.key_span, v.value.clone()));
                }
            }
            f.finish(cx);
            list_out.push(object(e, item.span));
        }
        out.push(field(to, h.key_span, list(list_out, h.value.span)));
    }
    if let Some(e) = m.take("method") {
        out.push(field("method", e.key_span, e.value.clone()));
    }
    m.finish(cx);
    Some(object(out, node.span))
}

fn path_match(node: &Node, key_span: Span, cx: &mut Cx) -> Option<Entry> {
    let mut f = Fields::of(node, "a path match", cx)?;
    let kind = match_type(
        &mut f,
        &[("Exact", "exact"), ("PathPrefix", "prefix"), ("RegularExpression", "regex")],
        "prefix",
        cx,
    );
    let value = f.take("value");
    f.finish(cx);
    // A refused type leaves the path out, so its value is not reported again.
    let (k, span) = kind?;
    if let Some((v, bad)) = value
        .and_then(|v| Some((v, v.value.as_str()?)))
        .filter(|_| k != "regex")
        .and_then(|(v, text)| Some((v, invalid_path_char(text)?)))
    {
        cx.push(
            Diagnostic::error(Code::InvalidValue, v.value.span, format!("`{bad}` may not appear in an Exact or PathPrefix path"))
                .with_note("the Gateway API's HTTPPathMatch admits only ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$ there (its CRD's validation rule); percent-encode anything else"),
        );
        return None;
    }
    let value = match value {
        Some(v) => field("value", v.key_span, v.value.clone()),
        // The Gateway API's default path value is `/`.
        None => field("value", key_span, string("/", key_span)),
    };
    Some(field("path", key_span, object(vec![field("match", span, string(&k, span)), value], node.span)))
}

/// The first character the Gateway API's CRD refuses in an Exact or PathPrefix path: RFC 3986's
/// path characters, or a `%` and two hex digits.
fn invalid_path_char(path: &str) -> Option<char> {
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        let ok = match c {
            '%' => {
                chars.next().is_some_and(|a| a.is_ascii_hexdigit())
                    && chars.next().is_some_and(|b| b.is_ascii_hexdigit())
            }
            c => c.is_ascii_alphanumeric() || "-/._~!$&'()*+,;=:@".contains(c),
        };
        if !ok {
            return Some(c);
        }
    }
    None
}

/// A rule's or a backend's `filters` → Consul's request `filters` and `responseFilters`.
fn filters(node: &Node, cx: &mut Cx) -> (Option<Node>, Option<Node>) {
    let mut request = Vec::new();
    let mut request_headers = Vec::new();
    let mut response_headers = Vec::new();
    for item in items(node, cx) {
        let Some(mut f) = Fields::of(&item, "a route filter", cx) else { continue };
        let kind = f.str("type", cx);
        let request_mod = f.take("requestHeaderModifier");
        let response_mod = f.take("responseHeaderModifier");
        let rewrite = f.take("urlRewrite");
        let extension = f.take("extensionRef");
        // The configuration of a filter type that is refused below.
        f.ignore(&["requestRedirect", "requestMirror", "cors"]);
        f.finish(cx);
        match kind {
            Some(("RequestHeaderModifier", _)) => {
                request_headers.extend(request_mod.and_then(|m| header_modifier(&m.value, cx)));
            }
            Some(("ResponseHeaderModifier", _)) => {
                response_headers.extend(response_mod.and_then(|m| header_modifier(&m.value, cx)));
            }
            Some(("URLRewrite", _)) => {
                if let Some(r) = rewrite {
                    request.extend(url_rewrite(r, cx));
                }
            }
            Some(("ExtensionRef", _)) => {
                if let Some(r) = extension {
                    request.extend(extension_ref(r, cx));
                }
            }
            Some((other, span)) => cx.push(Diagnostic::error(
                Code::UnsupportedResourceField,
                span,
                format!("filter type `{other}` is not supported"),
            ).with_note("meshgate maps RequestHeaderModifier, ResponseHeaderModifier, URLRewrite (ReplacePrefixMatch) and ExtensionRef")),
            None => cx.error(Code::MissingField, item.span, "a route filter needs a `type`"),
        }
    }
    if !request_headers.is_empty() {
        request.push(field("headers", node.span, list(request_headers, node.span)));
    }
    let request = (!request.is_empty()).then(|| object(request, node.span));
    let response = (!response_headers.is_empty())
        .then(|| object(vec![field("headers", node.span, list(response_headers, node.span))], node.span));
    (request, response)
}

/// `{add: [{name, value}], set: [...], remove: [...]}` → Consul's `{add: {name: value}, ...}`.
fn header_modifier(node: &Node, cx: &mut Cx) -> Option<Node> {
    let mut m = Fields::of(node, "a header modifier", cx)?;
    let mut out = Vec::new();
    for key in ["add", "set"] {
        let Some(e) = m.take(key) else { continue };
        let mut map = Vec::new();
        for item in items(&e.value, cx) {
            let Some(mut f) = Fields::of(&item, "a header", cx) else { continue };
            let name = f.str("name", cx);
            let value = f.node("value").cloned();
            f.finish(cx);
            if let (Some((name, span)), Some(value)) = (name, value) {
                map.push(field(name, span, value));
            } else {
                cx.error(Code::MissingField, item.span, "a header needs a `name` and a `value`");
            }
        }
        out.push(field(key, e.key_span, object(map, e.value.span)));
    }
    if let Some(e) = m.take("remove") {
        out.push(field("remove", e.key_span, e.value.clone()));
    }
    m.finish(cx);
    Some(object(out, node.span))
}

fn url_rewrite(e: &Entry, cx: &mut Cx) -> Option<Entry> {
    let mut r = Fields::of(&e.value, "a urlRewrite", cx)?;
    r.refuse("hostname", "Consul's URLRewrite rewrites the path only", cx);
    let path = r.node("path");
    r.finish(cx);
    let mut p = Fields::of(path?, "a urlRewrite path", cx)?;
    let kind = p.str("type", cx);
    let prefix = p.take("replacePrefixMatch");
    p.refuse("replaceFullPath", "Consul's URLRewrite replaces the matched prefix only (ReplacePrefixMatch)", cx);
    p.finish(cx);
    if let Some((k, span)) = kind.filter(|(k, _)| *k != "ReplacePrefixMatch") {
        cx.error(
            Code::UnsupportedResourceField,
            span,
            format!("urlRewrite path type `{k}` is not supported; use ReplacePrefixMatch"),
        );
        return None;
    }
    let prefix = prefix?;
    Some(field(
        "urlRewrite",
        e.key_span,
        object(vec![field("path", prefix.key_span, prefix.value.clone())], e.value.span),
    ))
}

/// An ExtensionRef names a Consul filter CRD in the same file; its spec is the filter.
fn extension_ref(e: &Entry, cx: &mut Cx) -> Option<Entry> {
    let mut r = Fields::of(&e.value, "an extensionRef", cx)?;
    let group = r.str("group", cx);
    let kind = r.str("kind", cx);
    let name = r.str("name", cx);
    r.finish(cx);
    if let Some((g, span)) = group.filter(|(g, _)| *g != super::CONSUL_GROUP) {
        cx.error(
            Code::UnsupportedResourceField,
            span,
            format!("extensionRef group `{g}` is not supported; name a {} filter", super::CONSUL_GROUP),
        );
        return None;
    }
    let (kind, kind_span) = kind?;
    let (name, name_span) = name?;
    if filter_key(kind).is_none() {
        cx.error(
            Code::UnsupportedResourceField,
            kind_span,
            format!("extensionRef kind `{kind}` is not supported; name a RouteRetryFilter, RouteTimeoutFilter or RouteAuthFilter"),
        );
        return None;
    }
    let Some(spec) = cx.kube.find(kind, name).cloned() else {
        cx.push(
            Diagnostic::error(Code::MissingReference, name_span, format!("no {kind} named `{name}` in this file"))
                .with_note("meshgate reads an ExtensionRef's filter from the same file"),
        );
        return None;
    };
    filter_field(kind, name_span, spec, cx)
}

/// The http-route filter field a Consul route filter CRD becomes, and what its spec is called.
fn filter_key(kind: &str) -> Option<(&'static str, &'static str)> {
    match kind {
        "RouteRetryFilter" => Some(("retryFilter", "a RouteRetryFilter spec")),
        "RouteTimeoutFilter" => Some(("timeoutFilter", "a RouteTimeoutFilter spec")),
        "RouteAuthFilter" => Some(("jwt", "a RouteAuthFilter spec")),
        _ => None,
    }
}

/// A route filter's spec as the http-route filter field it maps to.
fn filter_field(kind: &str, name_span: Span, spec: Node, cx: &mut Cx) -> Option<Entry> {
    let (key, what) = filter_key(kind)?;
    if kind == "RouteAuthFilter" {
        // Only its `jwt` maps (Consul's http-route JWT filter).
        let mut f = Fields::of(&spec, what, cx)?;
        let jwt = f.take("jwt").cloned();
        f.refuse("extAuthz", "meshgate's http-route has no external authorization filter", cx);
        f.finish(cx);
        let jwt = jwt?;
        return Some(field(key, name_span, jwt.value));
    }
    if kind == "RouteTimeoutFilter" {
        nanosecond_timeouts(&spec, cx)?;
    }
    Some(field(key, name_span, spec))
}

/// consul-k8s declares a RouteTimeoutFilter's timeouts as Go `time.Duration`, so its CRD schema
/// makes them integers (nanoseconds) and the API server refuses `"5s"`.
fn nanosecond_timeouts(spec: &Node, cx: &mut Cx) -> Option<()> {
    let mut bad = false;
    for e in spec.as_object().into_iter().flatten() {
        if matches!(e.value.value, Value::String(_)) && ["requestTimeout", "idleTimeout"].contains(&e.key.as_str()) {
            cx.push(
                Diagnostic::error(
                    Code::WrongType,
                    e.value.span,
                    format!("`{}` is a whole number of nanoseconds in a RouteTimeoutFilter, not a string", e.key),
                )
                .with_note("consul-k8s's CRD schema types it `integer` (Go time.Duration): write 5000000000 for 5s"),
            );
            bad = true;
        }
    }
    (!bad).then_some(())
}

/// Decodes the route filters no HTTPRoute of the file named, as a route naming them would: their
/// faults are the user's whether or not a route uses them yet (consul-k8s's API server checks
/// every resource against its schema when it is applied). GatewayPolicies no Gateway of the file
/// took are reported too.
pub fn check_unnamed_filters(cx: &mut Cx) {
    super::gateway_policy::check_untargeted(cx);
    let unnamed: Vec<(String, String, Node)> =
        cx.kube.unnamed().filter(|(kind, _, _)| filter_key(kind).is_some()).cloned().collect();
    for (kind, name, spec) in unnamed {
        let span = spec.span;
        let Some(filter) = filter_field(&kind, span, spec, cx) else { continue };
        // A route with what every route needs, so that only the filter can be at fault.
        let rule = object(vec![field("filters", span, object(vec![filter], span))], span);
        let parent = object(
            vec![field("kind", span, string("api-gateway", span)), field("name", span, string(&name, span))],
            span,
        );
        let route = object(
            vec![
                field("name", span, string(&name, span)),
                field("parents", span, list(vec![parent], span)),
                field("rules", span, list(vec![rule], span)),
            ],
            span,
        );
        let was = std::mem::replace(&mut cx.crd_keys, true);
        // Only the diagnostics matter: the filter becomes an entry through the routes naming it.
        decode_typed(EntryKind::HttpRoute, &route, cx, &mut Vec::new());
        cx.crd_keys = was;
    }
}

/// A backendRef: a Service (by name) or a MeshService (the Consul service its spec names).
fn backend(node: &Node, http: bool, cx: &mut Cx) -> Option<Node> {
    let mut b = Fields::of(node, "a backendRef", cx)?;
    let group = b.str("group", cx);
    let kind = b.str("kind", cx);
    let name = b.str("name", cx);
    // The Kubernetes namespace and port of a Service: consul-k8s routes to the Consul service.
    b.ignore(&["namespace", "port"]);
    let weight = b.take("weight");
    let own_filters = if http { b.take("filters") } else { None };
    b.finish(cx);
    let (name, name_span) = name.or_else(|| {
        cx.error(Code::MissingField, node.span, "a backendRef needs a `name`");
        None
    })?;
    let mesh_service = match (group, kind) {
        (None | Some(("", _)), None | Some(("Service", _))) => false,
        (Some((super::CONSUL_GROUP, _)), Some(("MeshService", _))) => true,
        (_, Some((k, span))) | (Some((k, span)), None) => {
            cx.error(
                Code::UnsupportedResourceField,
                span,
                format!("backendRefs to `{k}` are not supported; name a Service or a MeshService"),
            );
            return None;
        }
    };
    let service = if mesh_service {
        let Some(spec) = cx.kube.find("MeshService", name).cloned() else {
            cx.error(Code::MissingReference, name_span, format!("no MeshService named `{name}` in this file"));
            return None;
        };
        let mut f = Fields::of(&spec, "a MeshService spec", cx)?;
        let target = f.take("name").cloned();
        let peer = f.take("peer").cloned();
        f.finish(cx);
        if let Some(p) = peer {
            cx.error(
                Code::UnsupportedResourceField,
                p.key_span,
                "a MeshService on a peer is not supported as a route backend",
            );
            return None;
        }
        target.map(|t| t.value).unwrap_or_else(|| string(name, name_span))
    } else {
        string(name, name_span)
    };
    let mut out = vec![field("name", name_span, service)];
    if let Some(w) = weight {
        if http {
            out.push(field("weight", w.key_span, w.value.clone()));
        }
    } else if http {
        // The Gateway API's default weight.
        out.push(field("weight", name_span, Node::new(Value::Number("1".into()), name_span)));
    }
    if let Some(f) = own_filters {
        let (request, response) = filters(&f.value, cx);
        out.extend(request.map(|n| field("filters", f.key_span, n)));
        out.extend(response.map(|n| field("responseFilters", f.key_span, n)));
    }
    Some(object(out, node.span))
}

fn tcp_route(header: &Header, spec: &Node, cx: &mut Cx) -> Option<Node> {
    let mut s = Fields::of(spec, "a TCPRoute spec", cx)?;
    let mut out = entry_top(EntryKind::TcpRoute, header);
    if let Some(p) = s.take("parentRefs") {
        out.push(field("parents", p.key_span, parents(&p.value, cx)));
    }
    let mut services = Vec::new();
    let mut span = s.span;
    if let Some(r) = s.take("rules") {
        span = r.key_span;
        for rule in items(&r.value, cx) {
            let Some(mut f) = Fields::of(&rule, "a TCPRoute rule", cx) else { continue };
            f.ignore(&["name"]);
            let refs = f.node("backendRefs");
            f.finish(cx);
            for b in refs.map(|n| items(n, cx)).unwrap_or_default() {
                services.extend(backend(&b, false, cx));
            }
        }
    }
    s.finish(cx);
    out.push(field("services", span, list(services, span)));
    Some(object(out, header.span))
}

/// A Secret of type `kubernetes.io/tls` → the file-system-certificate consul-k8s writes for it.
pub fn secret(header: &Header, secret_type: Option<&Entry>, cx: &mut Cx, out: &mut Vec<Document>) {
    let t = secret_type.and_then(|e| e.value.as_str()).unwrap_or("Opaque");
    if t != "kubernetes.io/tls" {
        cx.warning(
            Code::IgnoredResource,
            header.kind_span,
            format!(
                "a Secret of type `{t}` holds no gateway certificate (type kubernetes.io/tls); meshgate ignores it"
            ),
        );
        return;
    }
    let path = |ext: &str| format!("/consul/gateway-certificates/{}_{}_tls.{ext}", header.namespace, header.name);
    let mut entries = entry_top(EntryKind::FileSystemCertificate, header);
    entries.push(field("certificate", header.name_span, string(&path("crt"), header.name_span)));
    entries.push(field("privateKey", header.name_span, string(&path("key"), header.name_span)));
    let mapped = object(entries, header.span);
    let was = std::mem::replace(&mut cx.crd_keys, true);
    decode_typed(EntryKind::FileSystemCertificate, &mapped, cx, out);
    cx.crd_keys = was;
}
