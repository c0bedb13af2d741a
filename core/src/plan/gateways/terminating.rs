//! Terminating gateways: mesh clients dial a linked service's SNI; the gateway terminates their
//! mTLS with that service's identity, enforces the intentions that protect the service, and
//! forwards to the service's external address, originating TLS when the entry says so.
//!
//! Linked services come from the terminating-gateway entry whose `Name` is the gateway's service
//! name (same namespace and partition). A service listed by name uses its own settings; the
//! wildcard `*` links every service living in that namespace of the gateway's datacenter that is
//! not listed by name, with the wildcard's settings. Rows are ordered by service (name,
//! namespace, partition).
//!
//! The external address is each registration of the service in the gateway's datacenter
//! (`address:port`); one without an address or port is noted (Consul would use its node's address,
//! which the workspace does not know).

use super::{applicable, Context, GatewayIdentity, IntentionRef, ServiceId};
use crate::identity::or_default;
use crate::intentions::{Intention, Origin, WILDCARD};
use crate::model::service::ServiceKind;
use crate::model::terminating_gateway::{LinkedService, TlsOrigination as Mode};
use crate::names::{Sni, SpiffeId};
use crate::plan::protocols::Protocol;
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TerminatingTable {
    pub services: Vec<LinkedRoute>,
}

/// How the gateway connects to the external service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// Plain TCP.
    #[default]
    None,
    /// TLS, verifying the service with `ca_file`.
    OneWay,
    /// Mutual TLS: `ca_file`, `cert_file` and `key_file`.
    Mutual,
}

/// TLS origination settings of a linked service (paths on the gateway's filesystem).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsOrigination {
    pub mode: TlsMode,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ca_file: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cert_file: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key_file: String,
    /// The server name sent to the service (and checked against its certificate).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sni: String,
}

impl TlsOrigination {
    fn of(l: &LinkedService) -> TlsOrigination {
        TlsOrigination {
            mode: match l.tls_origination() {
                Mode::None => TlsMode::None,
                Mode::OneWay => TlsMode::OneWay,
                Mode::Mutual => TlsMode::Mutual,
            },
            ca_file: l.ca_file.clone(),
            cert_file: l.cert_file.clone(),
            key_file: l.key_file.clone(),
            sni: l.sni.clone(),
        }
    }

    /// `none`, `tls (ca.pem, sni api.example.com)`, `mtls (ca.pem, cert.pem, key.pem)`.
    pub fn describe(&self) -> String {
        let mut files: Vec<String> = [&self.ca_file, &self.cert_file, &self.key_file]
            .iter()
            .filter(|f| !f.is_empty())
            .map(|f| f.to_string())
            .collect();
        if !self.sni.is_empty() {
            files.push(format!("sni {}", self.sni));
        }
        let mode = match self.mode {
            TlsMode::None if files.is_empty() => return "none".into(),
            TlsMode::None => "none",
            TlsMode::OneWay => "tls",
            TlsMode::Mutual => "mtls",
        };
        format!("{mode} ({})", files.join(", "))
    }
}

/// One linked service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkedRoute {
    pub service: ServiceId,
    /// What mesh clients dial (the service's SNI in the gateway's datacenter): the filter chain
    /// that terminates with `identity`.
    pub sni: String,
    /// The cluster of the external endpoints (named by the SNI, as Consul names it).
    pub cluster: String,
    /// The SPIFFE ID of the certificate the gateway presents for this service.
    pub identity: String,
    pub protocol: Protocol,
    /// `address:port` of each registration of the service in the gateway's datacenter.
    pub endpoints: Vec<String>,
    pub tls: TlsOrigination,
    /// Keep the request's `Host` header (Consul rewrites it to the endpoint's address otherwise).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_auto_host_rewrite: bool,
    /// Linked through the wildcard `*` rather than by name.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub via_wildcard: bool,
    /// Set by `meshgate envoy` (never by the planner, never with ECDS): `cluster`, which the
    /// SNI's filter chain routes to by itself. On http-like services its Envoy route strips the
    /// client-certificate header and the routing headers before forwarding; the filter then only
    /// authorizes: it changes no request header, because in Envoy's Wasm host any change to the
    /// request headers (a removal too) makes Envoy match the route again. On tcp services the
    /// chain's tcp_proxy names the cluster and its network filter's `root_id` names the chain's
    /// server name ([`crate::envoy::chain_root_id`]); the filter then sets no filter state and
    /// reads no server name. Its decisions are the same either way; a value other than
    /// `cluster` is refused (500, or the connection closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_cluster: Option<String>,
    /// The intentions protecting this service, ranked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub intentions: Vec<IntentionRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The `Services` item of the terminating-gateway entry.
    pub origin: Origin,
}

pub(crate) fn compile(
    cx: &Context<'_>,
    gw: &GatewayIdentity,
    intentions: &[Intention],
    notes: &mut Vec<String>,
) -> TerminatingTable {
    let Some(entry) = cx.entries.terminating_gateway(&gw.as_service()) else {
        notes.push(format!(
            "no terminating-gateway entry is named `{}`: the gateway links no services and routes nothing",
            gw.name
        ));
        return TerminatingTable::default();
    };

    let mut linked: Vec<(ServiceId, &LinkedService, bool)> = Vec::new();
    for s in entry.services.iter().filter(|s| !s.is_wildcard() && !s.name.is_empty()) {
        linked.push((ServiceId::new(&s.name, s.namespace_or(entry), s.partition_or(entry)), s, false));
    }
    for wildcard in entry.services.iter().filter(|s| s.is_wildcard()) {
        let ns = or_default(wildcard.namespace_or(entry));
        let ap = wildcard.partition_or(entry);
        for (svc, _) in cx.known.in_place(&gw.datacenter, ap) {
            let chosen = entry.linked(&svc.name, &svc.namespace).is_some_and(|l| std::ptr::eq(l, wildcard));
            if svc.namespace == ns && chosen {
                linked.push((svc, wildcard, true));
            }
        }
    }
    crate::sorting::sort_by(&mut linked, |a, b| a.0.cmp(&b.0));
    linked.dedup_by(|a, b| a.0 == b.0);

    // Every linked service's intentions at once, then by service: its exact-destination ones and
    // the wildcard-destination ones that cover it, merged back into rank order.
    let all: SortedSet<ServiceId> = linked.iter().map(|(s, _, _)| s.clone()).collect();
    let relevant = applicable(intentions, None, &all);
    let mut pairs: Vec<(ServiceId, usize)> = Vec::new();
    let mut wildcard: Vec<usize> = Vec::new();
    for (rank, i) in relevant.iter().enumerate() {
        let d = &i.destination;
        if d.name == WILDCARD || d.namespace == WILDCARD {
            wildcard.push(rank);
        } else {
            pairs.push((ServiceId::new(&d.name, &d.namespace, &d.partition), rank));
        }
    }
    // Sorted once by service (stable, so each service's ranks stay in order): every insert below
    // appends, however many services there are.
    crate::sorting::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
    let mut exact: SortedMap<ServiceId, Vec<usize>> = SortedMap::new();
    for (id, rank) in pairs {
        exact.entry(id).or_default().push(rank);
    }
    let services = linked
        .into_iter()
        .map(|(svc, l, via_wildcard)| {
            let one: SortedSet<ServiceId> = [svc.clone()].into();
            let mut ranks: Vec<usize> = exact.get(&svc).cloned().unwrap_or_default();
            ranks.extend(wildcard.iter().copied().filter(|r| {
                relevant.get(*r).is_some_and(|i| !applicable(std::slice::from_ref(*i), None, &one).is_empty())
            }));
            ranks.sort_unstable();
            let refs = ranks.iter().filter_map(|r| relevant.get(*r)).map(|i| IntentionRef::of(i)).collect();
            route(cx, gw, &svc, l, via_wildcard, refs)
        })
        .collect();
    TerminatingTable { services }
}

fn route(
    cx: &Context<'_>,
    gw: &GatewayIdentity,
    svc: &ServiceId,
    l: &LinkedService,
    via_wildcard: bool,
    intentions: Vec<IntentionRef>,
) -> LinkedRoute {
    let td = &cx.settings.trust_domain;
    let sni = Sni::service(None, &svc.name, &svc.namespace, &svc.partition, &gw.datacenter, td).to_string();
    let mut notes = Vec::new();
    let mut endpoints = Vec::new();
    let registrations: Vec<_> = cx
        .ws
        .services()
        .filter(|s| {
            s.kind == ServiceKind::Typical
                && s.name == svc.name
                && or_default(&s.namespace) == svc.namespace
                && cx.partition_of(&s.partition) == svc.partition
                && (if s.datacenter.is_empty() { cx.settings.datacenter.as_str() } else { s.datacenter.as_str() })
                    == gw.datacenter
        })
        .collect();
    for r in &registrations {
        let at = cx.origin(r.origin.span);
        match (r.address.as_str(), r.port) {
            ("", _) => notes.push(format!(
                "the registration at {at} gives no address: Consul would use its node's address, which the workspace does not know"
            )),
            (_, None) => notes.push(format!("the registration at {at} gives no port")),
            (address, Some(port)) => endpoints.push(format!("{address}:{port}")),
        }
    }
    if registrations.is_empty() {
        notes.push(format!(
            "`{}` is not registered in {}: the gateway has no address to forward to",
            svc.label(),
            gw.datacenter
        ));
    }
    crate::sorting::sort(&mut endpoints);
    endpoints.dedup();
    LinkedRoute {
        service: svc.clone(),
        cluster: sni.clone(),
        sni,
        identity: SpiffeId::service(td, &svc.partition, &svc.namespace, &gw.datacenter, &svc.name).to_string(),
        protocol: cx.protocols.protocol(&svc.name, &svc.namespace, &svc.partition),
        endpoints,
        tls: TlsOrigination::of(l),
        disable_auto_host_rewrite: l.disable_auto_host_rewrite,
        via_wildcard,
        direct_cluster: None,
        intentions,
        notes,
        origin: cx.origin(l.origin.span),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compile, terminating, TD};
    use super::*;

    #[test]
    fn linked_services_with_tls_origination_addresses_and_intentions() {
        let plan = compile(
            r#"
service { name = "tgw" kind = "terminating-gateway" address = "10.0.0.5" port = 8443 }
---
service { name = "billing-api" address = "billing.example.com" port = 443 }
---
service { name = "legacy-db" address = "10.20.0.7" port = 5432 }
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [
  { Name = "legacy-db" },
  { Name = "billing-api", CAFile = "/etc/tls/ca.pem", SNI = "billing.example.com" },
]
---
Kind = "service-intentions"
Name = "billing-api"
Sources = [{ Name = "web", Action = "allow" }, { Name = "*", Action = "deny" }]
"#,
        );
        let t = terminating(&plan, "tgw");
        let names: Vec<&str> = t.services.iter().map(|s| s.service.name.as_str()).collect();
        assert_eq!(names, vec!["billing-api", "legacy-db"]);
        let billing = &t.services[0];
        assert_eq!(billing.sni, format!("billing-api.default.dc1.internal.{TD}"));
        assert_eq!(billing.identity, format!("spiffe://{TD}/ns/default/dc/dc1/svc/billing-api"));
        assert_eq!(billing.endpoints, vec!["billing.example.com:443".to_string()]);
        assert_eq!(billing.tls.mode, TlsMode::OneWay);
        assert_eq!(billing.tls.describe(), "tls (/etc/tls/ca.pem, sni billing.example.com)");
        let labels: Vec<&str> = billing.intentions.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, vec!["web → billing-api", "* → billing-api"]);
        let db = &t.services[1];
        assert_eq!(db.tls.mode, TlsMode::None);
        assert!(db.intentions.is_empty());
        assert_eq!(db.origin.to_string(), "3.hcl:4:3");
    }

    #[test]
    fn the_wildcard_links_unlisted_services_and_missing_addresses_are_noted() {
        let plan = compile(
            r#"
service { name = "tgw" kind = "terminating-gateway" }
---
service { name = "a" port = 80 }
---
service { name = "b" address = "10.0.0.2" port = 80 }
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "*", CAFile = "/ca.pem" }, { Name = "b" }]
"#,
        );
        let t = terminating(&plan, "tgw");
        let rows: Vec<(&str, bool, TlsMode)> =
            t.services.iter().map(|s| (s.service.name.as_str(), s.via_wildcard, s.tls.mode)).collect();
        assert_eq!(rows, vec![("a", true, TlsMode::OneWay), ("b", false, TlsMode::None)]);
        assert!(t.services[0].endpoints.is_empty());
        assert!(t.services[0].notes[0].contains("gives no address"), "{:?}", t.services[0].notes);
    }
}
