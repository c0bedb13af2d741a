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
use crate::json::{Map, Value};
use crate::model::jwt_provider::{JwtProvider, RemoteJwks, TrustedCa};
use crate::plan::gateways::GatewayPlan;
use crate::tpl;
use crate::workspace::Workspace;

/// The filter's name, which is also the dynamic metadata namespace the payloads land in.
pub const JWT_AUTHN: &str = "envoy.filters.http.jwt_authn";

/// The jwt_authn filter entry for `plan` (`None` when neither an intention nor an API gateway
/// route of it requires a JWT), with
/// the clusters remote key sets are fetched through added to `clusters`.
pub fn filter(
    ws: &Workspace,
    plan: &GatewayPlan,
    clusters: &mut super::Clusters,
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
    Some(tpl!(
        r#"{ "name": $0, "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
            "providers": $1,
            "rules": [{ "match": { "prefix": "/" }, "requires": { "allow_missing_or_failed": {} } }]
        } }"#,
        JWT_AUTHN,
        providers,
    ))
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
    tpl!(
        r#"{ "name": "envoy.filters.http.set_filter_state", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.set_filter_state.v3.Config",
            "on_request_headers": [{
                "object_key": $0,
                "factory_key": "envoy.hashable_string",
                "format_string": { "text_format_source": { "inline_string": $1 } },
                "read_only": true
            }]
        } }"#,
        PAYLOADS_STATE,
        format!("%DYNAMIC_METADATA({JWT_AUTHN})%"),
    )
}

/// One provider's `JwtProvider` message.
pub fn provider(p: &JwtProvider, clusters: &mut super::Clusters, notes: &mut Vec<String>) -> Option<Value> {
    let set = p.json_web_key_set.as_ref()?;
    let (local, remote) = if let Some(local) = &set.local {
        let source = if !local.filename.is_empty() {
            tpl!(r#"{ "filename": $0 }"#, local.filename.as_str())
        } else {
            tpl!(r#"{ "inline_string": $0 }"#, String::from_utf8(decode_base64(&local.jwks)?).ok()?)
        };
        (Some(source), None)
    } else if let Some(remote) = &set.remote {
        (None, Some(remote_jwks(&p.name, remote, clusters, notes)?))
    } else {
        return None;
    };
    let (mut headers, mut params, mut cookies, mut forward) = (Vec::new(), Vec::new(), Vec::new(), false);
    for l in &p.locations {
        if let Some(h) = &l.header {
            let prefix = (!h.value_prefix.is_empty()).then_some(h.value_prefix.as_str());
            headers.push(tpl!(r#"{ "name": $0, "value_prefix": $1? }"#, h.name.as_str(), prefix));
            forward |= h.forward;
        } else if let Some(q) = &l.query_param {
            params.push(Value::from(q.name.as_str()));
        } else if let Some(c) = &l.cookie {
            cookies.push(Value::from(c.name.as_str()));
        }
    }
    let listed = |list: Vec<Value>| (!list.is_empty()).then_some(list);
    let cache_size = p.cache_config.as_ref().and_then(|c| c.size).filter(|s| *s > 0);
    Some(tpl!(
        r#"{
            "local_jwks": $0?,
            "remote_jwks": $1?,
            "issuer": $2?,
            "audiences": $3?,
            "from_headers": $4?,
            "from_params": $5?,
            "from_cookies": $6?,
            "forward": $7?,
            "forward_payload_header": $8?,
            "pad_forward_payload_header": $9?,
            "clock_skew_seconds": $10,
            "jwt_cache_config": $11?,
            "payload_in_metadata": $12
        }"#,
        local,
        remote,
        (!p.issuer.is_empty()).then_some(p.issuer.as_str()),
        (!p.audiences.is_empty()).then_some(p.audiences.as_slice()),
        listed(headers),
        listed(params),
        listed(cookies),
        forward.then_some(true),
        p.forwarding.as_ref().map(|f| f.header_name.as_str()),
        p.forwarding.as_ref().and_then(|f| f.pad_forward_payload_header.then_some(true)),
        p.clock_skew_seconds.unwrap_or(30),
        cache_size.map(|size| tpl!(r#"{ "jwt_cache_size": $0 }"#, size)),
        p.name.as_str(),
    ))
}

/// The cluster a provider's remote key set is fetched through.
pub fn jwks_cluster_name(provider: &str) -> String {
    format!("meshgate_jwks_{provider}")
}

fn remote_jwks(name: &str, r: &RemoteJwks, clusters: &mut super::Clusters, notes: &mut Vec<String>) -> Option<Value> {
    let uri = parse_uri(&r.uri)?;
    let cluster = jwks_cluster_name(name);
    let timeout = r.request_timeout_ms.map(|ms| Duration { nanos: u64::from(ms) * 1_000_000 });
    let retry = r.retry_policy.as_ref().map(|retry| {
        let back = retry.retry_policy_back_off.as_ref().map(|b| {
            // Envoy requires a base interval; Consul's documented default is 1s.
            let base = b.base_interval.unwrap_or(Duration { nanos: 1_000_000_000 });
            let max = b.max_interval.filter(|m| m.nanos > 0).map(envoy_duration);
            tpl!(r#"{ "base_interval": $0, "max_interval": $1? }"#, envoy_duration(base), max)
        });
        tpl!(r#"{ "num_retries": $0?, "retry_back_off": $1? }"#, retry.num_retries, back)
    });
    let jwks = tpl!(
        r#"{
            "http_uri": { "uri": $0, "cluster": $1, "timeout": $2 },
            "cache_duration": $3,
            "async_fetch": $4?,
            "retry_policy": $5?
        }"#,
        r.uri.as_str(),
        cluster.as_str(),
        envoy_duration(timeout.unwrap_or(Duration { nanos: 1_000_000_000 })),
        envoy_duration(r.cache_duration.unwrap_or(Duration { nanos: 300_000_000_000 })),
        r.fetch_asynchronously.then(Map::new),
        retry,
    );
    clusters.insert(cluster.clone(), jwks_cluster(&cluster, name, r, &uri, notes));
    Some(jwks)
}

fn jwks_cluster(cluster: &str, provider: &str, r: &RemoteJwks, uri: &Uri, notes: &mut Vec<String>) -> Value {
    let spec = r.jwks_cluster.as_ref();
    let discovery = match spec.map(|c| c.discovery_type) {
        Some(d) if !d.is_unset() => d.as_str().to_string(),
        _ if uri.host.parse::<std::net::IpAddr>().is_ok() => "STATIC".to_string(),
        _ => "STRICT_DNS".to_string(),
    };
    let connect = spec.and_then(|c| c.connect_timeout).unwrap_or(Duration { nanos: 5_000_000_000 });
    let tls = uri.tls.then(|| {
        let tls_spec = spec.and_then(|c| c.tls_certificates.as_ref());
        let ca = tls_spec.and_then(|t| t.trusted_ca.as_ref()).and_then(data_source);
        if ca.is_none() {
            notes.push(format!(
                "JWT provider `{provider}`: {} is fetched over TLS without verifying the server (give JWKSCluster.TLSCertificates.TrustedCA)",
                r.uri
            ));
        }
        tpl!(
            r#"{ "name": "envoy.transport_sockets.tls", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                "common_tls_context": { "validation_context": $0? },
                "sni": $1?
            } }"#,
            ca.map(|ca| tpl!(r#"{ "trusted_ca": $0 }"#, ca)),
            r.use_sni.then_some(uri.host.as_str()),
        )
    });
    tpl!(
        r#"{
            "name": $0,
            "type": $1,
            "connect_timeout": $2,
            "lb_policy": "ROUND_ROBIN",
            "load_assignment": {
                "cluster_name": $3,
                "endpoints": [{ "lb_endpoints": [{ "endpoint": { "address": {
                    "socket_address": { "address": $4, "port_value": $5 }
                } } }] }]
            },
            "transport_socket": $6?,
            "dns_lookup_family": $7?
        }"#,
        cluster,
        discovery.as_str(),
        envoy_duration(connect),
        cluster,
        uri.host.as_str(),
        uri.port,
        tls,
        (discovery != "STATIC").then_some("V4_PREFERRED"),
    )
}

/// A `TrustedCA` as an Envoy data source.
fn data_source(ca: &TrustedCa) -> Option<Value> {
    let (key, value) = if !ca.filename.is_empty() {
        ("filename", ca.filename.clone())
    } else if !ca.environment_variable.is_empty() {
        ("environment_variable", ca.environment_variable.clone())
    } else if !ca.inline_string.is_empty() {
        ("inline_string", ca.inline_string.clone())
    } else if !ca.inline_bytes.is_empty() {
        ("inline_bytes", ca.inline_bytes.replace(['\n', '\r'], ""))
    } else {
        return None;
    };
    let mut source = Map::new();
    source.insert(key.into(), value.into());
    Some(Value::Object(source))
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
