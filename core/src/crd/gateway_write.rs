//! api-gateway, http-route and tcp-route written as Gateway API resources (plus the Consul filter
//! resources an HTTPRoute names): the reverse of `gateway_api`.

use super::write::camel;
use crate::convert::ConvertError;
use crate::json::{Map, Value};
use crate::model::EntryKind;
use crate::tpl;

type Fields = Map;

struct Writer<'a> {
    kind: EntryKind,
    name: &'a str,
}

impl Writer<'_> {
    fn not(&self, field: &str, why: &str) -> ConvertError {
        ConvertError::NotExpressible {
            kind: self.kind.as_str().to_string(),
            name: self.name.to_string(),
            field: field.to_string(),
            why: why.to_string(),
        }
    }

    /// Refuses every key left in `fields`: nothing may be dropped.
    fn rest(&self, owner: &str, fields: &Fields) -> Result<(), ConvertError> {
        match fields.keys().next() {
            Some(k) => Err(self.not(&format!("{owner}{k}"), "the Gateway API has no field for it")),
            None => Ok(()),
        }
    }
}

fn obj(v: Option<Value>) -> Fields {
    match v {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

fn list(v: Option<Value>) -> Vec<Value> {
    match v {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    }
}

pub fn resources(
    kind: EntryKind,
    name: &str,
    fields: Fields,
    api_version: &str,
    crd_kind: &str,
) -> Result<Vec<Value>, ConvertError> {
    let w = Writer { kind, name };
    let mut extra = Vec::new();
    let spec = match kind {
        EntryKind::ApiGateway => gateway(&w, fields, &mut extra)?,
        EntryKind::HttpRoute => http_route(&w, fields, &mut extra)?,
        _ => tcp_route(&w, fields)?,
    };
    let mut out = vec![super::write::resource(api_version, crd_kind, name, spec)];
    out.extend(extra);
    Ok(out)
}

fn gateway(w: &Writer, mut fields: Fields, extra: &mut Vec<Value>) -> Result<Value, ConvertError> {
    let mut listeners = Vec::new();
    for l in list(fields.remove("Listeners")) {
        let mut l = obj(Some(l));
        let mut out = Map::new();
        for (from, to) in [("Name", "name"), ("Port", "port"), ("Hostname", "hostname")] {
            if let Some(v) = l.remove(from) {
                out.insert(to.into(), v);
            }
        }
        let mut tls = obj(l.remove("TLS"));
        let protocol = match l.remove("Protocol").as_ref().and_then(Value::as_str) {
            Some("tcp") => "TCP",
            _ if !tls.is_empty() => "HTTPS",
            _ => "HTTP",
        };
        out.insert("protocol".into(), Value::String(protocol.into()));
        if !tls.is_empty() {
            let mut refs = Vec::new();
            for c in list(tls.remove("Certificates")) {
                let mut c = obj(Some(c));
                if c.remove("Kind").as_ref().and_then(Value::as_str) != Some("file-system-certificate") {
                    return Err(w.not(
                        "an inline-certificate reference",
                        "a Gateway names Secrets, which consul-k8s writes as file-system-certificates",
                    ));
                }
                let name = c.remove("Name").unwrap_or(Value::Null);
                w.rest("a certificate reference's ", &c)?;
                refs.push(tpl!(r#"{ "name": $0 }"#, name));
            }
            let mut options = Map::new();
            for (from, option) in [
                ("MinVersion", "api-gateway.consul.hashicorp.com/tls_min_version"),
                ("MaxVersion", "api-gateway.consul.hashicorp.com/tls_max_version"),
            ] {
                if let Some(v) = tls.remove(from) {
                    options.insert(option.into(), v);
                }
            }
            if let Some(Value::Array(suites)) = tls.remove("CipherSuites") {
                let joined: Vec<&str> = suites.iter().filter_map(Value::as_str).collect();
                options.insert("api-gateway.consul.hashicorp.com/tls_cipher_suites".into(), joined.join(",").into());
            }
            w.rest("a listener's TLS.", &tls)?;
            let t = tpl!(
                r#"{ "mode": "Terminate", "certificateRefs": $0?, "options": $1? }"#,
                (!refs.is_empty()).then_some(refs),
                (!options.is_empty()).then_some(options),
            );
            out.insert("tls".into(), t);
        }
        if let Some(policy) = gateway_policy(w, &out, &mut l)? {
            extra.push(policy);
        }
        w.rest("a listener's ", &l)?;
        listeners.push(Value::Object(out));
    }
    w.rest("", &fields)?;
    Ok(tpl!(r#"{ "gatewayClassName": "consul", "listeners": $0 }"#, listeners))
}

/// A listener's `Default`/`Override` as the GatewayPolicy consul-k8s reads them from: it targets
/// the listener by name (`sectionName`).
fn gateway_policy(w: &Writer, listener: &Fields, l: &mut Fields) -> Result<Option<Value>, ConvertError> {
    let mut spec = Map::new();
    for (from, to) in [("Default", "default"), ("Override", "override")] {
        let Some(v) = l.remove(from) else { continue };
        let mut p = obj(Some(v));
        let mut out = Map::new();
        if let Some(jwt) = p.remove("JWT") {
            out.insert("jwt".into(), camel(&jwt));
        }
        w.rest(&format!("a listener's {from}."), &p)?;
        spec.insert(to.into(), Value::Object(out));
    }
    if spec.is_empty() {
        return Ok(None);
    }
    let Some(section) = listener.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) else {
        return Err(w.not(
            "the Default or Override of a listener without a Name",
            "a GatewayPolicy names its listener by sectionName",
        ));
    };
    spec.insert(
        "targetRef".into(),
        tpl!(
            r#"{ "group": "gateway.networking.k8s.io", "kind": "Gateway", "name": $0, "sectionName": $1 }"#,
            w.name,
            section,
        ),
    );
    let name = format!("{}-{section}", w.name);
    Ok(Some(super::write::resource("consul.hashicorp.com/v1alpha1", "GatewayPolicy", &name, Value::Object(spec))))
}

fn parent_refs(w: &Writer, parents: Vec<Value>) -> Result<Vec<Value>, ConvertError> {
    let mut out = Vec::new();
    for p in parents {
        let mut p = obj(Some(p));
        p.remove("Kind");
        let mut r = Map::new();
        r.insert("name".into(), p.remove("Name").unwrap_or(Value::Null));
        if let Some(s) = p.remove("SectionName") {
            r.insert("sectionName".into(), s);
        }
        w.rest("a parent's ", &p)?;
        out.push(Value::Object(r));
    }
    Ok(out)
}

fn tcp_route(w: &Writer, mut fields: Fields) -> Result<Value, ConvertError> {
    let parents = parent_refs(w, list(fields.remove("Parents")))?;
    let mut refs = Vec::new();
    for s in list(fields.remove("Services")) {
        let mut s = obj(Some(s));
        refs.push(tpl!(r#"{ "name": $0 }"#, s.remove("Name").unwrap_or(Value::Null)));
        w.rest("a service's ", &s)?;
    }
    w.rest("", &fields)?;
    Ok(tpl!(r#"{ "parentRefs": $0, "rules": [{ "backendRefs": $1 }] }"#, parents, refs))
}

fn http_route(w: &Writer, mut fields: Fields, extra: &mut Vec<Value>) -> Result<Value, ConvertError> {
    let parents = parent_refs(w, list(fields.remove("Parents")))?;
    // A list, never null: the entry writes no empty `Hostnames`.
    let hostnames = fields.remove("Hostnames");
    let mut rules = Vec::new();
    for (i, rule) in list(fields.remove("Rules")).into_iter().enumerate() {
        let mut rule = obj(Some(rule));
        let matches =
            list(rule.remove("Matches")).into_iter().map(|m| http_match(w, m)).collect::<Result<Vec<_>, _>>()?;
        let prefix = format!("{}-rule-{}", w.name, i + 1);
        let rule_filters = filters(w, rule.remove("Filters"), rule.remove("ResponseFilters"), &prefix, extra)?;
        let mut backends = Vec::new();
        for (j, s) in list(rule.remove("Services")).into_iter().enumerate() {
            let mut s = obj(Some(s));
            let name = s.remove("Name").unwrap_or(Value::Null);
            // Consul reads weight 0 as 1, and the Gateway API's default is 1: written out, it is 1.
            let weight = s.remove("Weight").and_then(|v| v.as_i64()).unwrap_or(0).max(1);
            let own = filters(
                w,
                s.remove("Filters"),
                s.remove("ResponseFilters"),
                &format!("{prefix}-backend-{}", j + 1),
                extra,
            )?;
            w.rest("a service's ", &s)?;
            let own = (!own.is_empty()).then_some(own);
            backends.push(tpl!(r#"{ "name": $0, "weight": $1, "filters": $2? }"#, name, weight, own));
        }
        w.rest("a rule's ", &rule)?;
        rules.push(tpl!(
            r#"{ "matches": $0?, "filters": $1?, "backendRefs": $2 }"#,
            (!matches.is_empty()).then_some(matches),
            (!rule_filters.is_empty()).then_some(rule_filters),
            backends,
        ));
    }
    w.rest("", &fields)?;
    Ok(tpl!(r#"{ "parentRefs": $0, "hostnames": $1?, "rules": $2 }"#, parents, hostnames, rules))
}

const PATH_TYPES: &[(&str, &str)] = &[("exact", "Exact"), ("prefix", "PathPrefix"), ("regex", "RegularExpression")];
const VALUE_TYPES: &[(&str, &str)] = &[("exact", "Exact"), ("regex", "RegularExpression")];

fn gateway_type(w: &Writer, table: &[(&str, &str)], consul: Option<&Value>) -> Result<Value, ConvertError> {
    let c = consul.and_then(Value::as_str).unwrap_or("");
    match table.iter().find(|(k, _)| *k == c) {
        Some((_, g)) => Ok(Value::from(*g)),
        None => Err(
            w.not(&format!("match type \"{c}\""), "the Gateway API matches exact values or regular expressions only")
        ),
    }
}

fn http_match(w: &Writer, m: Value) -> Result<Value, ConvertError> {
    let mut m = obj(Some(m));
    let mut out = Map::new();
    if let Some(p) = m.remove("Path") {
        let mut p = obj(Some(p));
        let path_type = gateway_type(w, PATH_TYPES, p.get("Match"))?;
        let value = p.remove("Value").unwrap_or_else(|| "/".into());
        out.insert("path".into(), tpl!(r#"{ "type": $0, "value": $1 }"#, path_type, value));
    }
    for (from, to) in [("Headers", "headers"), ("Query", "queryParams")] {
        let mut items = Vec::new();
        for h in list(m.remove(from)) {
            let h = obj(Some(h));
            let t = gateway_type(w, VALUE_TYPES, h.get("Match"))?;
            let value = h.get("Value").cloned().unwrap_or_else(|| "".into());
            items.push(tpl!(r#"{ "type": $0, "name": $1, "value": $2 }"#, t, h.get("Name").cloned(), value));
        }
        if !items.is_empty() {
            out.insert(to.into(), Value::Array(items));
        }
    }
    if let Some(method) = m.remove("Method") {
        out.insert("method".into(), method);
    }
    w.rest("a match's ", &m)?;
    Ok(Value::Object(out))
}

/// `{Add: {name: value}}` → `[{name, value}]`.
fn header_list(v: Option<Value>) -> Option<Value> {
    let m = obj(v);
    (!m.is_empty())
        .then(|| Value::Array(m.into_iter().map(|(k, v)| tpl!(r#"{ "name": $0, "value": $1 }"#, k, v)).collect()))
}

fn header_modifier(h: Value) -> Value {
    let mut h = obj(Some(h));
    let mut out = Map::new();
    for (from, to) in [("Add", "add"), ("Set", "set")] {
        if let Some(l) = header_list(h.remove(from)) {
            out.insert(to.into(), l);
        }
    }
    if let Some(r) = h.remove("Remove") {
        out.insert("remove".into(), r);
    }
    Value::Object(out)
}

/// A RouteTimeoutFilter's timeouts are integers in consul-k8s's schema (Go `time.Duration`).
fn nanoseconds(spec: Value) -> Value {
    let Value::Object(mut fields) = spec else { return spec };
    for v in fields.values_mut() {
        if let Some(d) = v.as_str().and_then(|s| crate::decode::Duration::parse(s).ok()) {
            *v = d.nanos.into();
        }
    }
    Value::Object(fields)
}

fn filters(
    w: &Writer,
    request: Option<Value>,
    response: Option<Value>,
    prefix: &str,
    extra: &mut Vec<Value>,
) -> Result<Vec<Value>, ConvertError> {
    let mut out = Vec::new();
    let mut request = obj(request);
    for h in list(request.remove("Headers")) {
        out.push(tpl!(r#"{ "type": "RequestHeaderModifier", "requestHeaderModifier": $0 }"#, header_modifier(h),));
    }
    if let Some(r) = request.remove("URLRewrite") {
        let path = obj(Some(r)).remove("Path").unwrap_or_else(|| "".into());
        out.push(tpl!(
            r#"{ "type": "URLRewrite", "urlRewrite": { "path": { "type": "ReplacePrefixMatch", "replacePrefixMatch": $0 } } }"#,
            path,
        ));
    }
    for (from, kind, suffix) in [
        ("RetryFilter", "RouteRetryFilter", "retry"),
        ("TimeoutFilter", "RouteTimeoutFilter", "timeout"),
        ("JWT", "RouteAuthFilter", "auth"),
    ] {
        let Some(v) = request.remove(from) else { continue };
        let name = format!("{prefix}-{suffix}");
        let spec = match from {
            "JWT" => tpl!(r#"{ "jwt": $0 }"#, camel(&v)),
            "TimeoutFilter" => nanoseconds(camel(&v)),
            _ => camel(&v),
        };
        extra.push(super::write::resource("consul.hashicorp.com/v1alpha1", kind, &name, spec));
        out.push(tpl!(
            r#"{ "type": "ExtensionRef", "extensionRef": { "group": "consul.hashicorp.com", "kind": $0, "name": $1 } }"#,
            kind,
            name,
        ));
    }
    w.rest("a request filter's ", &request)?;
    let mut response = obj(response);
    for h in list(response.remove("Headers")) {
        out.push(tpl!(r#"{ "type": "ResponseHeaderModifier", "responseHeaderModifier": $0 }"#, header_modifier(h),));
    }
    w.rest("a response filter's ", &response)?;
    Ok(out)
}
