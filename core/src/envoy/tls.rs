//! TLS that gateway entries configure, as Envoy transport sockets:
//!
//! - **ingress gateways**: the listener's TLS as Consul merges gateway and listener blocks
//!   ([`IngressGateway::effective_tls`]): `TLSMinVersion` / `TLSMaxVersion` / `CipherSuites` →
//!   `tls_params`; the certificate from the listener's `SDS` (an `sds_config` whose gRPC source
//!   is the named cluster), else — where Consul serves its Connect leaf for `Enabled` — the
//!   gateway's own `<cert-dir>/<gateway>.pem`. A service's `TLS.SDS` gets a filter chain of its
//!   own, matched by its `Hosts` as server names (Consul's rule); a host with its own files
//!   (`<cert-dir>/<gateway>/<host>.pem`, `*` written `_`) likewise.
//! - **API gateways**: the certificates of the listener's `inline-certificate` entries (PEM inline)
//!   and `file-system-certificate` entries (file names) in one context, so Envoy picks the one
//!   whose names match the client's SNI; `MinVersion` / `MaxVersion` / `CipherSuites` →
//!   `tls_params`. As in Consul, `Hostname` restricts requests by `Host` (the plan's routes), not
//!   the handshake.
//! - **terminating gateways**: origination to a linked service — `CAFile`, `CertFile`/`KeyFile`,
//!   `SNI`, which also becomes the DNS name the service's certificate must carry (Consul matches
//!   its SANs exactly against the SNI).

use super::{tls_inspector, EnvoyError, Options};
use crate::identity::or_default;
use crate::json::Value;
use crate::model::api_gateway::{ApiGatewayListener, CertificateKind};
use crate::model::ingress_gateway::{GatewayTlsSdsConfig, IngressGateway};
use crate::model::mesh::{TlsCipherSuite, TlsVersion};
use crate::model::service_defaults::Spanned;
use crate::model::ConfigEntry;
use crate::plan::gateways::terminating::{TlsMode, TlsOrigination};
use crate::plan::protocols::Protocol;
use crate::tpl;
use crate::workspace::Workspace;

/// How a listener's connections are secured.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct ListenerTls {
    /// The transport socket of the chain that takes every connection no server name matched;
    /// `None`: plain text.
    pub default: Option<Value>,
    /// Chains chosen by the client's SNI: their server names and transport socket.
    pub by_sni: Vec<(Vec<String>, Value)>,
}

impl ListenerTls {
    fn is_plain(&self) -> bool {
        self.default.is_none() && self.by_sni.is_empty()
    }
}

/// Envoy's name of a TLS version: Consul spells them the way Envoy's `TlsParameters` does.
fn version(v: TlsVersion) -> Option<&'static str> {
    v.is_set().then(|| v.as_str())
}

/// The OpenSSL name BoringSSL (Envoy) takes for a Consul (IANA) cipher suite name.
pub(super) fn cipher(c: TlsCipherSuite) -> &'static str {
    match c {
        TlsCipherSuite::EcdheEcdsaWithAes128GcmSha256 => "ECDHE-ECDSA-AES128-GCM-SHA256",
        TlsCipherSuite::EcdheEcdsaWithChacha20Poly1305Sha256 => "ECDHE-ECDSA-CHACHA20-POLY1305",
        TlsCipherSuite::EcdheRsaWithAes128GcmSha256 => "ECDHE-RSA-AES128-GCM-SHA256",
        TlsCipherSuite::EcdheRsaWithChacha20Poly1305Sha256 => "ECDHE-RSA-CHACHA20-POLY1305",
        TlsCipherSuite::EcdheEcdsaWithAes128CbcSha => "ECDHE-ECDSA-AES128-SHA",
        TlsCipherSuite::EcdheRsaWithAes128CbcSha => "ECDHE-RSA-AES128-SHA",
        TlsCipherSuite::RsaWithAes128GcmSha256 => "AES128-GCM-SHA256",
        TlsCipherSuite::RsaWithAes128CbcSha => "AES128-SHA",
        TlsCipherSuite::EcdheEcdsaWithAes256GcmSha384 => "ECDHE-ECDSA-AES256-GCM-SHA384",
        TlsCipherSuite::EcdheRsaWithAes256GcmSha384 => "ECDHE-RSA-AES256-GCM-SHA384",
        TlsCipherSuite::EcdheEcdsaWithAes256CbcSha => "ECDHE-ECDSA-AES256-SHA",
        TlsCipherSuite::EcdheRsaWithAes256CbcSha => "ECDHE-RSA-AES256-SHA",
        TlsCipherSuite::RsaWithAes256GcmSha384 => "AES256-GCM-SHA384",
        TlsCipherSuite::RsaWithAes256CbcSha => "AES256-SHA",
    }
}

/// `tls_params`; `None` when nothing is set (Envoy's defaults apply).
pub(super) fn tls_params(min: TlsVersion, max: TlsVersion, ciphers: &[Spanned<TlsCipherSuite>]) -> Option<Value> {
    let ciphers = (!ciphers.is_empty()).then(|| ciphers.iter().map(|c| cipher(c.value)).collect::<Vec<_>>());
    let p = tpl!(
        r#"{ "tls_minimum_protocol_version": $0?, "tls_maximum_protocol_version": $1?, "cipher_suites": $2? }"#,
        version(min),
        version(max),
        ciphers,
    );
    p.as_object().is_some_and(|p| !p.is_empty()).then_some(p)
}

/// The ALPN a listener offers, as Consul sets it: HTTP/2 listeners prefer `h2`.
fn alpn(protocol: Protocol) -> &'static [&'static str] {
    match protocol {
        Protocol::Http => &["http/1.1"],
        Protocol::Http2 | Protocol::Grpc => &["h2", "http/1.1"],
        Protocol::Tcp => &[],
    }
}

/// Where a served certificate comes from.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum ServedCert {
    /// Certificate and key files.
    Files(String, String),
    /// PEM text (an inline-certificate entry).
    Inline(String, String),
    /// An SDS resource from a cluster the bootstrap must define.
    Sds { cluster: String, resource: String },
}

fn pem(text: &str) -> String {
    // Envoy reads a PEM block only up to a newline; entries often lose the last one.
    if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}

/// A downstream TLS transport socket serving `certs` (no client certificate asked for).
pub(super) fn downstream(certs: &[ServedCert], params: Option<Value>, protocol: Protocol) -> Value {
    let mut files = Vec::new();
    let mut sds = Vec::new();
    for c in certs {
        match c {
            ServedCert::Files(cert, key) => files.push(tpl!(
                r#"{ "certificate_chain": { "filename": $0 }, "private_key": { "filename": $1 } }"#,
                cert.as_str(),
                key.as_str(),
            )),
            ServedCert::Inline(cert, key) => files.push(tpl!(
                r#"{ "certificate_chain": { "inline_string": $0 }, "private_key": { "inline_string": $1 } }"#,
                pem(cert),
                pem(key),
            )),
            ServedCert::Sds { cluster, resource } => sds.push(tpl!(
                r#"{
                    "name": $0,
                    "sds_config": {
                        "api_config_source": {
                            "api_type": "GRPC",
                            "transport_api_version": "V3",
                            "grpc_services": [{ "envoy_grpc": { "cluster_name": $1 } }]
                        },
                        "resource_api_version": "V3"
                    }
                }"#,
                resource.as_str(),
                cluster.as_str(),
            )),
        }
    }
    let alpn = alpn(protocol);
    tpl!(
        r#"{ "name": "envoy.transport_sockets.tls", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
            "require_client_certificate": false,
            "common_tls_context": {
                "tls_params": $0?,
                "tls_certificates": $1?,
                "tls_certificate_sds_secret_configs": $2?,
                "alpn_protocols": $3?
            }
        } }"#,
        params,
        (!files.is_empty()).then_some(files),
        (!sds.is_empty()).then_some(sds),
        (!alpn.is_empty()).then_some(alpn),
    )
}

/// `listener` (one filter chain, as [`super`] builds it) with `tls` applied: a copy of the chain
/// per server-name set, then the chain for every other connection (TLS or plain).
pub(super) fn secure(mut listener: Value, tls: &ListenerTls) -> Value {
    if tls.is_plain() {
        return listener;
    }
    let Some(obj) = listener.as_object_mut() else { return listener };
    let Some(chain) = obj.get("filter_chains").and_then(|c| c.get(0)).cloned() else { return listener };
    let mut chains = Vec::new();
    for (names, socket) in &tls.by_sni {
        let mut c = chain.clone();
        if let Some(o) = c.as_object_mut() {
            o.insert("filter_chain_match".into(), tpl!(r#"{ "server_names": $0 }"#, names.as_slice()));
            o.insert("transport_socket".into(), socket.clone());
        }
        chains.push(c);
    }
    let mut default = chain;
    if let (Some(socket), Some(o)) = (&tls.default, default.as_object_mut()) {
        o.insert("transport_socket".into(), socket.clone());
    }
    chains.push(default);
    obj.insert("filter_chains".into(), Value::Array(chains));
    if !tls.by_sni.is_empty() {
        // Server names are known only once the ClientHello is read.
        obj.insert("listener_filters".into(), Value::Array(vec![tls_inspector()]));
    }
    listener
}

/// The file name a host's own certificate has under `<cert-dir>/<gateway>/`: the host, with a
/// leading `*` written `_` (shells expand `*`; `_` is in no DNS name).
pub fn host_cert_stem(host: &str) -> String {
    match host.strip_prefix('*') {
        Some(rest) => format!("_{rest}"),
        None => host.to_string(),
    }
}

/// Whether Envoy can match `host` as a server name: an exact name or a `*.` prefix wildcard
/// (Consul's default host `<service>.ingress.*` and `*` itself match by `Host` header only).
pub fn sni_matchable(host: &str) -> bool {
    let rest = host.strip_prefix("*.").unwrap_or(host);
    !rest.is_empty() && !rest.contains('*')
}

fn sds_of(s: Option<&GatewayTlsSdsConfig>) -> (&str, &str) {
    s.map_or(("", ""), |s| (s.cluster_name.as_str(), s.cert_resource.as_str()))
}

/// The TLS of the ingress listener on `port` of `entry` (gateway `gateway`).
pub(super) fn ingress(
    entry: &IngressGateway,
    port: u16,
    protocol: Protocol,
    gateway: &str,
    opts: &Options,
    notes: &mut Vec<String>,
) -> ListenerTls {
    let Some(listener) = entry.listener(port) else { return ListenerTls::default() };
    let eff = entry.effective_tls(listener);
    let params = || tls_params(eff.tls_min_version, eff.tls_max_version, &eff.cipher_suites);
    let dir = opts.cert_dir.clone().unwrap_or_default();
    let (cluster, resource) = sds_of(eff.sds.as_ref());
    let mut sds_clusters = Vec::new();
    let default_cert = if !cluster.is_empty() && !resource.is_empty() {
        sds_clusters.push(cluster.to_string());
        Some(ServedCert::Sds { cluster: cluster.into(), resource: resource.into() })
    } else if eff.enabled {
        Some(ServedCert::Files(format!("{dir}/{gateway}.pem"), format!("{dir}/{gateway}-key.pem")))
    } else {
        None
    };
    let mut out =
        ListenerTls { default: default_cert.map(|c| downstream(&[c], params(), protocol)), by_sni: Vec::new() };
    if !protocol.is_http_like() {
        return out;
    }
    let mut taken: Vec<String> = Vec::new();
    for s in listener.services.iter().filter(|s| !s.is_wildcard()) {
        let (own_cluster, own_resource) = sds_of(s.tls.as_ref().and_then(|t| t.sds.as_ref()));
        let hosts: Vec<String> = s.hosts.iter().map(|h| h.value.clone()).filter(|h| sni_matchable(h)).collect();
        if !own_resource.is_empty() {
            // Consul: the service's cluster, else the listener's (or gateway's).
            let cluster = if own_cluster.is_empty() { cluster } else { own_cluster };
            if hosts.is_empty() {
                notes.push(format!(
                    "listener {port}: service `{}` has its own SDS certificate but no Hosts a client's SNI can name: it is served the listener's",
                    s.name
                ));
                continue;
            }
            sds_clusters.push(cluster.to_string());
            let cert = ServedCert::Sds { cluster: cluster.into(), resource: own_resource.into() };
            taken.extend(hosts.iter().cloned());
            out.by_sni.push((hosts, downstream(&[cert], params(), protocol)));
            continue;
        }
        if out.default.is_none() {
            continue;
        }
        for h in hosts {
            let stem = format!("{gateway}/{}", host_cert_stem(&h));
            if taken.contains(&h) || !opts.cert_files.contains(&format!("{stem}.pem")) {
                continue;
            }
            let cert = ServedCert::Files(format!("{dir}/{stem}.pem"), format!("{dir}/{stem}-key.pem"));
            taken.push(h.clone());
            out.by_sni.push((vec![h], downstream(&[cert], params(), protocol)));
        }
    }
    sds_clusters.sort();
    sds_clusters.dedup();
    for c in sds_clusters {
        notes.push(format!(
            "listener {port}: certificates come by SDS from cluster `{c}`, which meshgate does not generate: add it to the bootstrap's static clusters (without it Envoy still starts, and the certificate is never fetched)"
        ));
    }
    out
}

/// The TLS of the API gateway listeners on one port (Consul merges them): the certificates of
/// every listener there, the versions and cipher suites of the first that sets a TLS block.
pub(super) fn api(
    ws: &Workspace,
    listeners: &[&ApiGatewayListener],
    protocol: Protocol,
) -> Result<ListenerTls, EnvoyError> {
    let mut certs = Vec::new();
    for l in listeners {
        for r in l.certificates() {
            let found = ws.entries().find_map(|e| {
                let same = |name: &str, ns: &str, ap: &str| {
                    name == r.name
                        && or_default(ns) == or_default(&r.namespace)
                        && or_default(ap) == or_default(&r.partition)
                };
                match (e, r.kind.effective()) {
                    (ConfigEntry::InlineCertificate(c), CertificateKind::InlineCertificate)
                        if same(&c.name, &c.namespace, &c.partition) =>
                    {
                        Some(ServedCert::Inline(c.certificate.clone(), c.private_key.clone()))
                    }
                    (ConfigEntry::FileSystemCertificate(c), CertificateKind::FileSystemCertificate)
                        if same(&c.name, &c.namespace, &c.partition) =>
                    {
                        Some(ServedCert::Files(c.certificate.clone(), c.private_key.clone()))
                    }
                    _ => None,
                }
            });
            match found {
                Some(c) => certs.push(c),
                None => {
                    return Err(EnvoyError::NoCertificate {
                        listener: l.name.clone(),
                        kind: r.kind.effective().as_str(),
                        name: r.name.clone(),
                    })
                }
            }
        }
    }
    if certs.is_empty() {
        return Ok(ListenerTls::default());
    }
    let params = listeners
        .iter()
        .find_map(|l| l.tls.as_ref())
        .and_then(|t| tls_params(t.min_version, t.max_version, &t.cipher_suites));
    Ok(ListenerTls { default: Some(downstream(&certs, params, protocol)), by_sni: Vec::new() })
}

/// TLS origination to a terminating gateway's linked service; `None` for plain TCP.
pub(super) fn origination(t: &TlsOrigination) -> Option<Value> {
    if t.mode == TlsMode::None {
        return None;
    }
    let sni = (!t.sni.is_empty()).then_some(t.sni.as_str());
    // Consul checks the service's certificate names the SNI it dials (an exact match, which for
    // a DNS name admits a wildcard certificate covering it, as Envoy matches).
    let sans = sni.map(|sni| tpl!(r#"[{ "san_type": "DNS", "matcher": { "exact": $0 } }]"#, sni));
    let certs = (t.mode == TlsMode::Mutual).then(|| super::certificates(t.cert_file.clone(), t.key_file.clone()));
    Some(tpl!(
        r#"{ "name": "envoy.transport_sockets.tls", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
            "common_tls_context": {
                "validation_context": { "trusted_ca": { "filename": $0 }, "match_typed_subject_alt_names": $1? },
                "tls_certificates": $2?
            },
            "sni": $3?
        } }"#,
        t.ca_file.as_str(),
        sans,
        certs,
        sni,
    ))
}

#[cfg(test)]
mod tests;
