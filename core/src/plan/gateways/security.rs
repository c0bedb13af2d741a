//! What secures a gateway's listeners and routes, in words: a listener's TLS (versions, cipher
//! suites, where each certificate comes from) and the JWT requirements of the intentions that
//! decide a route's requests. `meshgate routes` and the playground's Routes view both print these
//! lines, so they agree; the Envoy side is [`crate::envoy`]'s `tls` and `jwt` modules, whose
//! choices these lines follow (a line here must never promise what the generated config lacks).

use super::{applicable, GatewayIdentity, GatewayKind, HttpRoute, ServiceId};
use crate::intentions::http::HttpMatch;
use crate::intentions::jwt::JwtRequirement;
use crate::intentions::Intention;
use crate::model::mesh::{TlsCipherSuite, TlsVersion};
use crate::model::service_defaults::Spanned;
use crate::plan::protocols::Protocol;
use crate::sorted::SortedSet;
use crate::workspace::Entries;

/// What a gateway's lines are computed from.
pub struct Security<'a> {
    pub entries: &'a Entries<'a>,
    pub intentions: &'a [Intention],
}

impl Security<'_> {
    /// The TLS of an ingress listener (by `port`) or an API gateway listener (by `name`) serving
    /// `protocol`; empty when it serves plain text.
    pub fn listener_tls(&self, gw: &GatewayIdentity, port: u16, name: &str, protocol: Protocol) -> Vec<String> {
        match gw.kind {
            GatewayKind::IngressGateway => self.ingress_tls(gw, port, protocol.is_http_like()),
            GatewayKind::ApiGateway => self.api_tls(gw, name),
            _ => Vec::new(),
        }
    }

    fn ingress_tls(&self, gw: &GatewayIdentity, port: u16, http: bool) -> Vec<String> {
        let Some(entry) = self.entries.ingress_gateway(&gw.as_service()) else { return Vec::new() };
        let Some(listener) = entry.listener(port) else { return Vec::new() };
        let eff = entry.effective_tls(listener);
        let sds = eff.sds.as_ref().filter(|s| !s.cluster_name.is_empty() && !s.cert_resource.is_empty());
        let mut out = Vec::new();
        let listener_cert = match sds {
            Some(s) => Some(format!("certificate by SDS: cluster {}, resource {}", s.cluster_name, s.cert_resource)),
            None => eff.enabled.then(|| format!("certificate <cert-dir>/{}.pem", gw.name)),
        };
        let any_own_sds = listener.services.iter().any(|s| s.tls.as_ref().and_then(|t| t.sds.as_ref()).is_some());
        if listener_cert.is_none() && !any_own_sds {
            return out;
        }
        out.push(tls_line(eff.tls_min_version, eff.tls_max_version, &eff.cipher_suites));
        out.extend(listener_cert.clone());
        if !http {
            return out;
        }
        let mut per_host = Vec::new();
        for s in listener.services.iter().filter(|s| !s.is_wildcard()) {
            let hosts: Vec<String> =
                s.hosts.iter().map(|h| h.value.clone()).filter(|h| crate::envoy::sni_matchable(h)).collect();
            let own = s.tls.as_ref().and_then(|t| t.sds.as_ref()).filter(|o| !o.cert_resource.is_empty());
            if let Some(own) = own {
                let cluster = if own.cluster_name.is_empty() {
                    sds.map_or("", |s| s.cluster_name.as_str())
                } else {
                    own.cluster_name.as_str()
                };
                if !hosts.is_empty() {
                    out.push(format!(
                        "service {}: certificate by SDS for SNI {}: cluster {cluster}, resource {}",
                        s.name,
                        hosts.join(", "),
                        own.cert_resource
                    ));
                }
                continue;
            }
            if listener_cert.is_some() {
                per_host.extend(hosts);
            }
        }
        if !per_host.is_empty() {
            out.push(format!(
                "per-host certificates from <cert-dir>/{}/<host>.pem if present (`*` written `_`), chosen by SNI: {}",
                gw.name,
                per_host.join(", ")
            ));
        }
        out
    }

    fn api_tls(&self, gw: &GatewayIdentity, name: &str) -> Vec<String> {
        let Some(entry) = self.entries.api_gateway(&gw.as_service()) else { return Vec::new() };
        let Some(l) = entry.listeners.iter().find(|l| l.name == name) else { return Vec::new() };
        let certs = l.certificates();
        let Some(tls) = l.tls.as_ref().filter(|_| !certs.is_empty()) else { return Vec::new() };
        let names: Vec<String> = certs
            .iter()
            .map(|c| {
                let kind = c.kind.effective();
                format!("{} {}", kind.as_str(), c.name)
            })
            .collect();
        vec![
            tls_line(tls.min_version, tls.max_version, &tls.cipher_suites),
            format!("certificates (chosen by SNI): {}", names.join(", ")),
        ]
    }

    /// The JWT requirements of the intentions that decide `route`'s requests at an ingress or API
    /// gateway: for each destination service, the first intention (in rank order) from the
    /// gateway to it — its `JWT` block, and each permission's.
    pub fn route_jwt(&self, gw: &GatewayIdentity, route: &HttpRoute) -> Vec<String> {
        if !matches!(gw.kind, GatewayKind::IngressGateway | GatewayKind::ApiGateway) {
            return Vec::new();
        }
        let source = gw.as_service();
        let services: SortedSet<ServiceId> = route
            .targets
            .iter()
            .filter(|t| t.peer.is_empty())
            .map(|t| ServiceId::new(&t.service, &t.namespace, &t.partition))
            .collect();
        let mut out = Vec::new();
        for svc in services {
            let one = SortedSet::from([svc.clone()]);
            let Some(i) = applicable(self.intentions, Some(&source), &one).into_iter().next() else { continue };
            if let Some(r) = &i.jwt {
                out.push(format!("JWT for {} (intention {}): {}", svc.label(), i.label(), requirement(r)));
            }
            for (n, p) in i.permissions.iter().enumerate() {
                if let Some(r) = &p.jwt {
                    out.push(format!(
                        "JWT for {}, permission {}{} (intention {}): {}",
                        svc.label(),
                        n + 1,
                        permission_match(&p.http),
                        i.label(),
                        requirement(r)
                    ));
                }
            }
        }
        out
    }
}

/// `TLS, min TLSv1_2, max TLSv1_3, ciphers A B`: what is set; Envoy's defaults otherwise.
fn tls_line(min: TlsVersion, max: TlsVersion, ciphers: &[Spanned<TlsCipherSuite>]) -> String {
    if !min.is_set() && !max.is_set() && ciphers.is_empty() {
        return "TLS, Envoy's default versions (TLSv1_2 to TLSv1_3) and cipher suites".to_string();
    }
    let mut s = "TLS".to_string();
    if min.is_set() {
        s.push_str(&format!(", min {}", min.as_str()));
    }
    if max.is_set() {
        s.push_str(&format!(", max {}", max.as_str()));
    }
    if !ciphers.is_empty() {
        let names: Vec<&str> = ciphers.iter().map(|c| c.value.as_str()).collect();
        s.push_str(&format!(", ciphers {}", names.join(" ")));
    }
    s
}

/// ` (path prefix /admin, methods POST)`: the permission's path and methods (headers left out).
fn permission_match(m: &HttpMatch) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &m.path_exact {
        parts.push(format!("path {p}"));
    }
    if let Some(p) = &m.path_prefix {
        parts.push(format!("path prefix {p}"));
    }
    if let Some(p) = &m.path_regex {
        parts.push(format!("path regex {p}"));
    }
    if !m.methods.is_empty() {
        parts.push(format!("methods {}", m.methods.join(" ")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// `provider okta with role=admin, or provider auth0`: any one provider suffices.
fn requirement(r: &JwtRequirement) -> String {
    let providers: Vec<String> = r
        .providers
        .iter()
        .map(|p| {
            let claims: Vec<String> = p.claims.iter().map(|c| format!("{}={}", c.path.join("."), c.value)).collect();
            if claims.is_empty() {
                format!("provider {}", p.name)
            } else {
                format!("provider {} with {}", p.name, claims.join(", "))
            }
        })
        .collect();
    providers.join(", or ")
}

#[cfg(test)]
mod tests;
