//! SNI names and SPIFFE IDs, formatted and parsed as Consul does.
//!
//! SNI (what a client asks for in its TLS ClientHello; what mesh gateways route on):
//! - service, default partition: `[subset.]svc.ns.dc.internal.<trust domain>`
//! - service, other partition:   `[subset.]svc.ns.ap.dc.internal-v1.<trust domain>`
//! - a datacenter's gateways:    `dc.internal.<td>` / `ap.dc.internal-v1.<td>`
//! - a peer's service:           `svc.ns.ap.peer.external.<peer trust domain>`
//! - a prepared query:           `svc.default.dc.query.<td>`
//!
//! SPIFFE (the URI SAN in mesh certificates):
//! - service: `spiffe://<td>[/ap/<ap>]/ns/<ns>/dc/<dc>/svc/<svc>`
//! - mesh gateway: `spiffe://<td>[/ap/<ap>]/gateway/mesh/dc/<dc>`
//!
//! Empty namespaces and partitions mean `default`; formatted names always spell them out.

use serde::Serialize;
use std::fmt;

use crate::identity::{is_default, or_default, DEFAULT};

/// A parsed SNI name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Sni {
    Service {
        #[serde(skip_serializing_if = "Option::is_none")]
        subset: Option<String>,
        service: String,
        namespace: String,
        partition: String,
        datacenter: String,
        trust_domain: String,
    },
    Gateway {
        partition: String,
        datacenter: String,
        trust_domain: String,
    },
    Peered {
        service: String,
        namespace: String,
        partition: String,
        peer: String,
        trust_domain: String,
    },
    Query {
        service: String,
        datacenter: String,
        trust_domain: String,
    },
}

/// Why a name did not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("`{0}` is not an SNI name Consul issues (expected e.g. `web.default.dc1.internal.<trust domain>`)")]
    BadSni(String),
    #[error("`{0}` does not end with the trust domain `{1}`")]
    ForeignTrustDomain(String, String),
    #[error("`{0}` is not a Consul SPIFFE ID (expected `spiffe://<trust domain>/ns/<ns>/dc/<dc>/svc/<service>`)")]
    BadSpiffe(String),
}

impl Sni {
    pub fn service(subset: Option<&str>, service: &str, namespace: &str, partition: &str, dc: &str, td: &str) -> Sni {
        Sni::Service {
            subset: subset.filter(|s| !s.is_empty()).map(str::to_string),
            service: service.into(),
            namespace: or_default(namespace).into(),
            partition: or_default(partition).into(),
            datacenter: dc.into(),
            trust_domain: td.into(),
        }
    }

    pub fn gateway(partition: &str, dc: &str, td: &str) -> Sni {
        Sni::Gateway { partition: or_default(partition).into(), datacenter: dc.into(), trust_domain: td.into() }
    }

    pub fn peered(service: &str, namespace: &str, partition: &str, peer: &str, peer_td: &str) -> Sni {
        Sni::Peered {
            service: service.into(),
            namespace: or_default(namespace).into(),
            partition: or_default(partition).into(),
            peer: peer.into(),
            trust_domain: peer_td.into(),
        }
    }

    pub fn query(service: &str, dc: &str, td: &str) -> Sni {
        Sni::Query { service: service.into(), datacenter: dc.into(), trust_domain: td.into() }
    }

    pub fn trust_domain(&self) -> &str {
        match self {
            Sni::Service { trust_domain, .. }
            | Sni::Gateway { trust_domain, .. }
            | Sni::Peered { trust_domain, .. }
            | Sni::Query { trust_domain, .. } => trust_domain,
        }
    }

    /// Parses a name issued under `trust_domain` (the suffix must match exactly, ignoring case).
    pub fn parse_in(sni: &str, trust_domain: &str) -> Result<Sni, NameError> {
        let lower = sni.to_ascii_lowercase();
        let td = trust_domain.to_ascii_lowercase();
        let Some(head) = lower.strip_suffix(&td).and_then(|h| h.strip_suffix('.')) else {
            return Err(NameError::ForeignTrustDomain(sni.into(), trust_domain.into()));
        };
        let labels: Vec<&str> = head.split('.').collect();
        let (marker, names) = labels.split_last().ok_or_else(|| NameError::BadSni(sni.into()))?;
        Sni::from_labels(marker, names, &td).ok_or_else(|| NameError::BadSni(sni.into()))
    }

    /// Parses a name under any trust domain: the trust domain is everything after the first
    /// marker label (`internal`, `internal-v1`, `external`, `query`) at a position it can stand.
    pub fn parse(sni: &str) -> Result<Sni, NameError> {
        let lower = sni.to_ascii_lowercase();
        let labels: Vec<&str> = lower.split('.').collect();
        for (i, label) in labels.iter().enumerate() {
            if !matches!(*label, "internal" | "internal-v1" | "external" | "query") {
                continue;
            }
            let (Some(names), Some(rest)) = (labels.get(..i), labels.get(i + 1..)) else { continue };
            if rest.is_empty() || rest.iter().any(|l| l.is_empty()) {
                continue;
            }
            if let Some(parsed) = Sni::from_labels(label, names, &rest.join(".")) {
                return Ok(parsed);
            }
        }
        Err(NameError::BadSni(sni.into()))
    }

    fn from_labels(marker: &str, names: &[&str], td: &str) -> Option<Sni> {
        if names.iter().any(|l| l.is_empty()) {
            return None;
        }
        let s = |x: &&str| x.to_string();
        let td = td.to_string();
        Some(match (marker, names) {
            ("internal", [dc]) => Sni::Gateway { partition: DEFAULT.into(), datacenter: s(dc), trust_domain: td },
            ("internal", [svc, ns, dc]) => Sni::Service {
                subset: None,
                service: s(svc),
                namespace: s(ns),
                partition: DEFAULT.into(),
                datacenter: s(dc),
                trust_domain: td,
            },
            ("internal", [subset, svc, ns, dc]) => Sni::Service {
                subset: Some(s(subset)),
                service: s(svc),
                namespace: s(ns),
                partition: DEFAULT.into(),
                datacenter: s(dc),
                trust_domain: td,
            },
            ("internal-v1", [ap, dc]) => Sni::Gateway { partition: s(ap), datacenter: s(dc), trust_domain: td },
            ("internal-v1", [svc, ns, ap, dc]) => Sni::Service {
                subset: None,
                service: s(svc),
                namespace: s(ns),
                partition: s(ap),
                datacenter: s(dc),
                trust_domain: td,
            },
            ("internal-v1", [subset, svc, ns, ap, dc]) => Sni::Service {
                subset: Some(s(subset)),
                service: s(svc),
                namespace: s(ns),
                partition: s(ap),
                datacenter: s(dc),
                trust_domain: td,
            },
            ("external", [svc, ns, ap, peer]) => {
                Sni::Peered { service: s(svc), namespace: s(ns), partition: s(ap), peer: s(peer), trust_domain: td }
            }
            ("query", [svc, _default, dc]) => Sni::Query { service: s(svc), datacenter: s(dc), trust_domain: td },
            _ => return None,
        })
    }
}

impl fmt::Display for Sni {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sni::Service { subset, service, namespace, partition, datacenter, trust_domain } => {
                if let Some(subset) = subset {
                    write!(f, "{subset}.")?;
                }
                if is_default(partition) {
                    write!(f, "{service}.{}.{datacenter}.internal.{trust_domain}", or_default(namespace))
                } else {
                    write!(f, "{service}.{}.{partition}.{datacenter}.internal-v1.{trust_domain}", or_default(namespace))
                }
            }
            Sni::Gateway { partition, datacenter, trust_domain } => {
                if is_default(partition) {
                    write!(f, "{datacenter}.internal.{trust_domain}")
                } else {
                    write!(f, "{partition}.{datacenter}.internal-v1.{trust_domain}")
                }
            }
            Sni::Peered { service, namespace, partition, peer, trust_domain } => write!(
                f,
                "{service}.{}.{}.{peer}.external.{trust_domain}",
                or_default(namespace),
                or_default(partition)
            ),
            Sni::Query { service, datacenter, trust_domain } => {
                write!(f, "{service}.default.{datacenter}.query.{trust_domain}")
            }
        }
    }
}

/// A SPIFFE ID of a Consul workload.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum SpiffeId {
    Service { trust_domain: String, partition: String, namespace: String, datacenter: String, service: String },
    MeshGateway { trust_domain: String, partition: String, datacenter: String },
}

impl SpiffeId {
    pub fn service(td: &str, partition: &str, namespace: &str, dc: &str, service: &str) -> SpiffeId {
        SpiffeId::Service {
            trust_domain: td.into(),
            partition: or_default(partition).into(),
            namespace: or_default(namespace).into(),
            datacenter: dc.into(),
            service: service.into(),
        }
    }

    pub fn mesh_gateway(td: &str, partition: &str, dc: &str) -> SpiffeId {
        SpiffeId::MeshGateway {
            trust_domain: td.into(),
            partition: or_default(partition).into(),
            datacenter: dc.into(),
        }
    }

    pub fn trust_domain(&self) -> &str {
        match self {
            SpiffeId::Service { trust_domain, .. } | SpiffeId::MeshGateway { trust_domain, .. } => trust_domain,
        }
    }

    /// Parses `spiffe://…` URIs of the two shapes above. Trust domains compare case-insensitively,
    /// as URI hosts do; path segments are kept as written.
    pub fn parse(uri: &str) -> Result<SpiffeId, NameError> {
        let bad = || NameError::BadSpiffe(uri.into());
        let rest = uri.strip_prefix("spiffe://").ok_or_else(bad)?;
        let (td, path) = rest.split_once('/').ok_or_else(bad)?;
        if td.is_empty() || path.contains(['?', '#']) {
            return Err(bad());
        }
        let td = td.to_ascii_lowercase();
        let segments: Vec<&str> = path.split('/').collect();
        if segments.iter().any(|s| s.is_empty()) {
            return Err(bad());
        }
        let (partition, tail) = match segments.as_slice() {
            ["ap", ap, tail @ ..] => (ap.to_string(), tail),
            tail => (DEFAULT.to_string(), tail),
        };
        match tail {
            ["ns", ns, "dc", dc, "svc", svc] => Ok(SpiffeId::Service {
                trust_domain: td,
                partition,
                namespace: ns.to_string(),
                datacenter: dc.to_string(),
                service: svc.to_string(),
            }),
            ["gateway", "mesh", "dc", dc] => {
                Ok(SpiffeId::MeshGateway { trust_domain: td, partition, datacenter: dc.to_string() })
            }
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for SpiffeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ap = |f: &mut fmt::Formatter<'_>, partition: &str| {
            if is_default(partition) {
                Ok(())
            } else {
                write!(f, "/ap/{partition}")
            }
        };
        match self {
            SpiffeId::Service { trust_domain, partition, namespace, datacenter, service } => {
                write!(f, "spiffe://{trust_domain}")?;
                ap(f, partition)?;
                write!(f, "/ns/{}/dc/{datacenter}/svc/{service}", or_default(namespace))
            }
            SpiffeId::MeshGateway { trust_domain, partition, datacenter } => {
                write!(f, "spiffe://{trust_domain}")?;
                ap(f, partition)?;
                write!(f, "/gateway/mesh/dc/{datacenter}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const TD: &str = "11111111-2222-3333-4444-555555555555.consul";

    #[test]
    fn service_names_in_the_default_partition() {
        let sni = Sni::service(None, "api", "", "", "dc2", TD);
        assert_eq!(sni.to_string(), format!("api.default.dc2.internal.{TD}"));
        let subset = Sni::service(Some("v2"), "api", "default", "default", "dc2", TD);
        assert_eq!(subset.to_string(), format!("v2.api.default.dc2.internal.{TD}"));
    }

    #[test]
    fn service_names_in_other_partitions_use_internal_v1() {
        let sni = Sni::service(None, "api", "ns1", "ap1", "dc1", TD);
        assert_eq!(sni.to_string(), format!("api.ns1.ap1.dc1.internal-v1.{TD}"));
        assert_eq!(Sni::gateway("ap1", "dc1", TD).to_string(), format!("ap1.dc1.internal-v1.{TD}"));
        assert_eq!(Sni::gateway("", "dc1", TD).to_string(), format!("dc1.internal.{TD}"));
    }

    #[test]
    fn peered_and_query_names() {
        assert_eq!(
            Sni::peered("api", "", "", "cluster-01", "peer-td.consul").to_string(),
            "api.default.default.cluster-01.external.peer-td.consul"
        );
        assert_eq!(Sni::query("geo-db", "dc3", TD).to_string(), format!("geo-db.default.dc3.query.{TD}"));
    }

    #[test]
    fn parsing_needs_the_right_trust_domain() {
        let name = format!("web.default.dc1.internal.{TD}");
        assert_eq!(Sni::parse_in(&name, TD), Ok(Sni::service(None, "web", "", "", "dc1", TD)));
        assert!(matches!(Sni::parse_in(&name, "other.consul"), Err(NameError::ForeignTrustDomain(..))));
        assert!(matches!(Sni::parse_in(&format!("a.b.internal.{TD}"), TD), Err(NameError::BadSni(_))));
        assert!(matches!(Sni::parse_in(&format!("..internal.{TD}"), TD), Err(NameError::BadSni(_))));
        assert!(Sni::parse("example.com").is_err());
    }

    #[test]
    fn spiffe_ids_round_trip_and_reject_other_shapes() {
        let id = SpiffeId::service(TD, "", "", "dc1", "web");
        assert_eq!(id.to_string(), format!("spiffe://{TD}/ns/default/dc/dc1/svc/web"));
        let ap = SpiffeId::service(TD, "ap1", "ns1", "dc1", "web");
        assert_eq!(ap.to_string(), format!("spiffe://{TD}/ap/ap1/ns/ns1/dc/dc1/svc/web"));
        assert_eq!(SpiffeId::mesh_gateway(TD, "", "dc2").to_string(), format!("spiffe://{TD}/gateway/mesh/dc/dc2"));
        for bad in [
            "http://x/ns/a/dc/b/svc/c",
            "spiffe://td/ns/a/dc/b/svc/c/extra",
            "spiffe://td/ns/a/dc/b/svc/",
            "spiffe:///ns/a/dc/b/svc/c",
            "spiffe://td/agent/client/dc/dc1/id/x",
            "spiffe://td/ns/a/dc/b/svc/c?x=1",
        ] {
            assert!(SpiffeId::parse(bad).is_err(), "{bad}");
        }
    }

    fn label() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9-]{0,10}".prop_filter("not a marker label", |l| {
            !matches!(l.as_str(), "internal" | "internal-v1" | "external" | "query")
        })
    }

    fn td() -> impl Strategy<Value = String> {
        proptest::collection::vec(label(), 1..4).prop_map(|ls| format!("{}.consul", ls.join(".")))
    }

    fn partition() -> impl Strategy<Value = String> {
        prop_oneof![Just(DEFAULT.to_string()), label()]
    }

    fn any_sni() -> impl Strategy<Value = Sni> {
        prop_oneof![
            (proptest::option::of(label()), label(), label(), partition(), label(), td())
                .prop_map(|(subset, svc, ns, ap, dc, td)| Sni::service(subset.as_deref(), &svc, &ns, &ap, &dc, &td)),
            (partition(), label(), td()).prop_map(|(ap, dc, td)| Sni::gateway(&ap, &dc, &td)),
            (label(), label(), partition(), label(), td())
                .prop_map(|(svc, ns, ap, peer, td)| Sni::peered(&svc, &ns, &ap, &peer, &td)),
            (label(), label(), td()).prop_map(|(svc, dc, td)| Sni::query(&svc, &dc, &td)),
        ]
    }

    proptest! {
        #[test]
        fn every_sni_parses_back(sni in any_sni()) {
            let text = sni.to_string();
            prop_assert_eq!(Sni::parse_in(&text, sni.trust_domain()), Ok(sni.clone()));
            prop_assert_eq!(Sni::parse(&text), Ok(sni));
        }

        #[test]
        fn every_spiffe_id_parses_back(
            svc in label(), ns in label(), ap in partition(), dc in label(), td in td(), gateway in any::<bool>()
        ) {
            let id = if gateway { SpiffeId::mesh_gateway(&td, &ap, &dc) } else { SpiffeId::service(&td, &ap, &ns, &dc, &svc) };
            prop_assert_eq!(SpiffeId::parse(&id.to_string()), Ok(id));
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,80}") {
            let _ = Sni::parse(&text);
            let _ = Sni::parse_in(&text, "x.consul");
            let _ = SpiffeId::parse(&text);
        }
    }
}
