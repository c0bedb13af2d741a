//! `jwt-provider` entries → Envoy's `envoy.filters.http.jwt_authn` filter, placed before the wasm
//! filter in every HTTP connection manager where a gateway's intentions are decided (ingress and
//! API listeners, terminating gateways' and sidecars' public chains — not a sidecar's upstream
//! listeners, where the destination decides and the token must reach it) when they or an API
//! gateway's routes require a JWT.
//!
//! The filter only verifies: its one rule is `allow_missing_or_failed`, so every token found at a
//! provider's locations is verified (the provider chosen by the token's issuer) and each verified
//! payload lands in the request's dynamic metadata under the provider's name
//! (`payload_in_metadata`); no request is refused here. The wasm filter then decides with the
//! intentions — missing, invalid and claim mismatches each with their own reason — exactly as
//! `meshgate check` does from the same payloads ([`crate::intentions::jwt`]).
//!
//! Per provider: `Issuer`, `Audiences`, `Locations` (headers with their prefix, query
//! parameters, cookies; `Forward` on any header keeps the token), `Forwarding`,
//! `ClockSkewSeconds` (Consul's default 30), `CacheConfig.Size`; a `Local` key set inline (the
//! entry's base64 decoded) or from its file; a `Remote` one fetched through a cluster of its own
//! (TLS for `https`, with `TrustedCA`), with `RequestTimeoutMs`, `CacheDuration` (Consul's default
//! 5m), `FetchAsynchronously` and `RetryPolicy`.

use crate::decode::Duration;
use crate::model::jwt_provider::{JwtProvider, RemoteJwks, TrustedCa};
use crate::plan::gateways::GatewayPlan;
use crate::workspace::Workspace;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The filter's name, which is also the dynamic metadata namespace the payloads land in.
pub const JWT_AUTHN: &str = "envoy.filters.http.jwt_authn";
const JWT_AUTHN_TYPE: &str = "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication";

/// The jwt_authn filter entry for `plan` (`None` when neither an intention nor an API gateway
/// route of it requires a JWT), with
/// the clusters remote key sets are fetched through added to `clusters`.
pub fn filter(
    ws: &Workspace,
    plan: &GatewayPlan,
    clusters: &mut BTreeMap<String, Value>,
    notes: &mut Vec<String>,
) -> Option<Value> {
    let mut names = crate::plan::jwt::named_providers(&plan.intentions);
    names.extend(crate::plan::jwt::route_providers(&plan.routes));
    if names.is_empty() {
        return None;
    }
    let mut providers = Map::new();
    for name in names {
        let Some(p) = crate::plan::jwt::provider(ws, name) else {
            notes.push(format!("JWT provider `{name}` is not defined: requests that require it are denied"));
            continue;
        };
        match provider(p, clusters, notes) {
            Some(v) => {
                providers.insert(name.to_string(), v);
            }
            None => {
                notes.push(format!("JWT provider `{name}` has no usable key set: requests that require it are denied"))
            }
        }
    }
    if providers.is_empty() {
        return None;
    }
    Some(json!({
        "name": JWT_AUTHN,
        "typed_config": {
            "@type": JWT_AUTHN_TYPE,
            "providers": providers,
            "rules": [{ "match": { "prefix": "/" }, "requires": { "allow_missing_or_failed": {} } }],
        },
    }))
}

/// The filter-state key under which the dynamic module reads what jwt_authn verified
/// ([`payload_state`]).
pub const PAYLOADS_STATE: &str = "meshgate.jwt_payloads";

/// For the dynamic module host: Envoy's `set_filter_state` filter, between jwt_authn and the
/// module, copying jwt_authn's whole metadata namespace, rendered as JSON
/// (`%DYNAMIC_METADATA(envoy.filters.http.jwt_authn)%`, `-` when it verified nothing), into the
/// request's filter state under [`PAYLOADS_STATE`]. The dynamic-module ABI of the pinned Envoy
/// reads dynamic metadata only as flat strings, numbers and booleans, not the nested payloads
/// jwt_authn stores, but it reads filter state; and filter state, unlike a header, is nothing a
/// client can send. Read-only, so no later filter replaces it; `envoy.hashable_string` is a
/// plain string object Envoy 1.40 registers.
pub fn payload_state() -> Value {
    json!({
        "name": "envoy.filters.http.set_filter_state",
        "typed_config": {
            "@type": SET_FILTER_STATE_TYPE,
            "on_request_headers": [{
                "object_key": PAYLOADS_STATE,
                "factory_key": "envoy.hashable_string",
                "format_string": { "text_format_source": { "inline_string": format!("%DYNAMIC_METADATA({JWT_AUTHN})%") } },
                "read_only": true,
            }],
        },
    })
}

const SET_FILTER_STATE_TYPE: &str = "type.googleapis.com/envoy.extensions.filters.http.set_filter_state.v3.Config";

/// Puts `filters` (jwt_authn, and for the dynamic module [`payload_state`] after it) first in an
/// HTTP connection manager's filters, in order (before meshgate's filter, which reads what
/// jwt_authn verified).
pub fn insert(manager: &mut Value, filters: &[Value]) {
    let chain = manager.get_mut("typed_config").and_then(|c| c.get_mut("http_filters")).and_then(Value::as_array_mut);
    if let Some(chain) = chain {
        for (i, f) in filters.iter().enumerate() {
            chain.insert(i, f.clone());
        }
    }
}

/// One provider's `JwtProvider` message.
pub fn provider(p: &JwtProvider, clusters: &mut BTreeMap<String, Value>, notes: &mut Vec<String>) -> Option<Value> {
    let set = p.json_web_key_set.as_ref()?;
    let mut o = Map::new();
    if let Some(local) = &set.local {
        let source = if !local.filename.is_empty() {
            json!({ "filename": local.filename })
        } else {
            json!({ "inline_string": String::from_utf8(decode_base64(&local.jwks)?).ok()? })
        };
        o.insert("local_jwks".into(), source);
    } else if let Some(remote) = &set.remote {
        o.insert("remote_jwks".into(), remote_jwks(&p.name, remote, clusters, notes)?);
    } else {
        return None;
    }
    if !p.issuer.is_empty() {
        o.insert("issuer".into(), json!(p.issuer));
    }
    if !p.audiences.is_empty() {
        o.insert("audiences".into(), json!(p.audiences));
    }
    let (mut headers, mut params, mut cookies, mut forward) = (Vec::new(), Vec::new(), Vec::new(), false);
    for l in &p.locations {
        if let Some(h) = &l.header {
            let mut v = json!({ "name": h.name });
            if !h.value_prefix.is_empty() {
                if let Some(m) = v.as_object_mut() {
                    m.insert("value_prefix".into(), json!(h.value_prefix));
                }
            }
            headers.push(v);
            forward |= h.forward;
        } else if let Some(q) = &l.query_param {
            params.push(json!(q.name));
        } else if let Some(c) = &l.cookie {
            cookies.push(json!(c.name));
        }
    }
    for (key, list) in [("from_headers", headers), ("from_params", params), ("from_cookies", cookies)] {
        if !list.is_empty() {
            o.insert(key.into(), Value::Array(list));
        }
    }
    if forward {
        o.insert("forward".into(), json!(true));
    }
    if let Some(f) = &p.forwarding {
        o.insert("forward_payload_header".into(), json!(f.header_name));
        if f.pad_forward_payload_header {
            o.insert("pad_forward_payload_header".into(), json!(true));
        }
    }
    o.insert("clock_skew_seconds".into(), json!(p.clock_skew_seconds.unwrap_or(30)));
    if let Some(size) = p.cache_config.as_ref().and_then(|c| c.size).filter(|s| *s > 0) {
        o.insert("jwt_cache_config".into(), json!({ "jwt_cache_size": size }));
    }
    o.insert("payload_in_metadata".into(), json!(p.name));
    Some(Value::Object(o))
}

/// The cluster a provider's remote key set is fetched through.
pub fn jwks_cluster_name(provider: &str) -> String {
    format!("meshgate_jwks_{provider}")
}

fn remote_jwks(
    name: &str,
    r: &RemoteJwks,
    clusters: &mut BTreeMap<String, Value>,
    notes: &mut Vec<String>,
) -> Option<Value> {
    let uri = parse_uri(&r.uri)?;
    let cluster = jwks_cluster_name(name);
    let timeout = r.request_timeout_ms.map(|ms| Duration { nanos: u64::from(ms) * 1_000_000 });
    let mut o = Map::new();
    o.insert(
        "http_uri".into(),
        json!({ "uri": r.uri, "cluster": cluster, "timeout": envoy_duration(timeout.unwrap_or(Duration { nanos: 1_000_000_000 })) }),
    );
    o.insert(
        "cache_duration".into(),
        json!(envoy_duration(r.cache_duration.unwrap_or(Duration { nanos: 300_000_000_000 }))),
    );
    if r.fetch_asynchronously {
        o.insert("async_fetch".into(), json!({}));
    }
    if let Some(retry) = &r.retry_policy {
        let mut p = Map::new();
        if let Some(n) = retry.num_retries {
            p.insert("num_retries".into(), json!(n));
        }
        if let Some(b) = &retry.retry_policy_back_off {
            let mut back = Map::new();
            // Envoy requires a base interval; Consul's documented default is 1s.
            back.insert(
                "base_interval".into(),
                json!(envoy_duration(b.base_interval.unwrap_or(Duration { nanos: 1_000_000_000 }))),
            );
            if let Some(max) = b.max_interval.filter(|m| m.nanos > 0) {
                back.insert("max_interval".into(), json!(envoy_duration(max)));
            }
            p.insert("retry_back_off".into(), Value::Object(back));
        }
        o.insert("retry_policy".into(), Value::Object(p));
    }
    clusters.insert(cluster.clone(), jwks_cluster(&cluster, name, r, &uri, notes));
    Some(Value::Object(o))
}

fn jwks_cluster(cluster: &str, provider: &str, r: &RemoteJwks, uri: &Uri, notes: &mut Vec<String>) -> Value {
    let spec = r.jwks_cluster.as_ref();
    let discovery = match spec.map(|c| c.discovery_type) {
        Some(d) if !d.is_unset() => d.as_str().to_string(),
        _ if uri.host.parse::<std::net::IpAddr>().is_ok() => "STATIC".to_string(),
        _ => "STRICT_DNS".to_string(),
    };
    let connect = spec.and_then(|c| c.connect_timeout).unwrap_or(Duration { nanos: 5_000_000_000 });
    let mut c = json!({
        "name": cluster,
        "type": discovery,
        "connect_timeout": envoy_duration(connect),
        "lb_policy": "ROUND_ROBIN",
        "load_assignment": {
            "cluster_name": cluster,
            "endpoints": [{ "lb_endpoints": [{ "endpoint": { "address": {
                "socket_address": { "address": uri.host, "port_value": uri.port },
            } } }] }],
        },
    });
    if uri.tls {
        let mut common = Map::new();
        let tls_spec = spec.and_then(|c| c.tls_certificates.as_ref());
        match tls_spec.and_then(|t| t.trusted_ca.as_ref()).and_then(data_source) {
            Some(ca) => {
                common.insert("validation_context".into(), json!({ "trusted_ca": ca }));
            }
            None => notes.push(format!(
                "JWT provider `{provider}`: {} is fetched over TLS without verifying the server (give JWKSCluster.TLSCertificates.TrustedCA)",
                r.uri
            )),
        }
        let mut ctx = json!({
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
            "common_tls_context": common,
        });
        if r.use_sni {
            if let Some(m) = ctx.as_object_mut() {
                m.insert("sni".into(), json!(uri.host));
            }
        }
        if let Some(m) = c.as_object_mut() {
            m.insert("transport_socket".into(), json!({ "name": "envoy.transport_sockets.tls", "typed_config": ctx }));
        }
    }
    if let (Some(m), false) = (c.as_object_mut(), discovery == "STATIC") {
        m.insert("dns_lookup_family".into(), json!("V4_PREFERRED"));
    }
    c
}

/// A `TrustedCA` as an Envoy data source.
fn data_source(ca: &TrustedCa) -> Option<Value> {
    if !ca.filename.is_empty() {
        Some(json!({ "filename": ca.filename }))
    } else if !ca.environment_variable.is_empty() {
        Some(json!({ "environment_variable": ca.environment_variable }))
    } else if !ca.inline_string.is_empty() {
        Some(json!({ "inline_string": ca.inline_string }))
    } else if !ca.inline_bytes.is_empty() {
        Some(json!({ "inline_bytes": ca.inline_bytes.replace(['\n', '\r'], "") }))
    } else {
        None
    }
}

struct Uri {
    tls: bool,
    host: String,
    port: u16,
}

/// `http(s)://host[:port]/…` (IPv6 in brackets); `None` for anything else.
fn parse_uri(uri: &str) -> Option<Uri> {
    let (scheme, rest) = uri.split_once("://")?;
    let tls = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" => false,
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, tail) = v6.split_once(']')?;
        (h, tail.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(p) => p.parse().ok()?,
        None if tls => 443,
        None => 80,
    };
    Some(Uri { tls, host: host.to_string(), port })
}

/// A protobuf JSON duration: seconds with up to nine decimals.
fn envoy_duration(d: Duration) -> String {
    let nanos = d.nanos;
    let (s, frac) = (nanos / 1_000_000_000, nanos % 1_000_000_000);
    if frac == 0 {
        format!("{s}s")
    } else {
        format!("{s}.{}s", format!("{frac:09}").trim_end_matches('0'))
    }
}

/// Standard base64 (padding optional, line breaks skipped), as Consul's `JWKS` holds the key set.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
