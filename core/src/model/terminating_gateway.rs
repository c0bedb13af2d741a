//! `terminating-gateway`: links a gateway to services outside the mesh. The gateway terminates
//! mesh mTLS with each linked service's identity (so intentions for that service apply) and
//! forwards to the service's own address, optionally originating TLS with `CAFile` (one-way) or
//! `CAFile` + `CertFile` + `KeyFile` (mutual).

use super::common::require_name;
use super::Validate;
use crate::decode::Cx;
use crate::decode_struct;
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::SortedMap;
use serde::Serialize;

decode_struct! {
    /// A service linked to the gateway (Consul's `LinkedService`).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct LinkedService("a linked service", pascal) {
        /// A service name, or `*` for every service in the namespace; settings on the wildcard
        /// are defaults that a service listed by name overrides.
        pub name: String,
        /// Empty means the gateway's own namespace.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        /// Empty means the gateway's own partition.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        /// PEM CA bundle on the gateway's filesystem: originate TLS to the service and verify it.
        #[serde(rename = "CAFile", skip_serializing_if = "String::is_empty")]
        pub ca_file: String,
        /// Client certificate for mutual TLS (with `KeyFile` and `CAFile`).
        #[serde(skip_serializing_if = "String::is_empty")]
        pub cert_file: String,
        /// Client private key for mutual TLS (with `CertFile` and `CAFile`).
        #[serde(skip_serializing_if = "String::is_empty")]
        pub key_file: String,
        /// Server name sent in the TLS handshake; also turns on strict SAN matching.
        #[serde(rename = "SNI", skip_serializing_if = "String::is_empty")]
        pub sni: String,
        /// Keep the request's `Host` header instead of rewriting it to the service's address.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        pub disable_auto_host_rewrite: bool,
    }
}

/// How the gateway talks to a linked service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsOrigination {
    /// Plain TCP: only the hop into the gateway is encrypted.
    None,
    /// TLS, verifying the service with `CAFile`.
    OneWay,
    /// Mutual TLS: `CAFile`, `CertFile` and `KeyFile`.
    Mutual,
}

impl LinkedService {
    pub fn is_wildcard(&self) -> bool {
        self.name == "*"
    }

    /// What this entry asks for. (A `CertFile` or `KeyFile` without the other two is invalid.)
    pub fn tls_origination(&self) -> TlsOrigination {
        if !self.cert_file.is_empty() && !self.key_file.is_empty() && !self.ca_file.is_empty() {
            TlsOrigination::Mutual
        } else if !self.ca_file.is_empty() {
            TlsOrigination::OneWay
        } else {
            TlsOrigination::None
        }
    }

    /// The namespace the service is looked up in: its own, else the gateway's, else `default`.
    pub fn namespace_or<'a>(&'a self, gateway: &'a TerminatingGateway) -> &'a str {
        if self.namespace.is_empty() {
            or_default(&gateway.namespace)
        } else {
            &self.namespace
        }
    }

    /// The partition the service is looked up in: its own, else the gateway's, else `default`.
    pub fn partition_or<'a>(&'a self, gateway: &'a TerminatingGateway) -> &'a str {
        if self.partition.is_empty() {
            or_default(&gateway.partition)
        } else {
            &self.partition
        }
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "terminating-gateway", rename_all = "PascalCase")]
    pub struct TerminatingGateway("a terminating-gateway entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub services: Vec<LinkedService>,
    }
}

impl TerminatingGateway {
    /// The settings that apply to `service` in `namespace` (empty: `default`): its own entry if
    /// listed by name, else the wildcard entry of that namespace, else `None` (not linked).
    pub fn linked(&self, service: &str, namespace: &str) -> Option<&LinkedService> {
        let ns = or_default(namespace);
        let in_ns = |s: &&LinkedService| s.namespace_or(self) == ns;
        self.services
            .iter()
            .filter(in_ns)
            .find(|s| s.name == service)
            .or_else(|| self.services.iter().filter(in_ns).find(|s| s.is_wildcard()))
    }
}

impl Validate for TerminatingGateway {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "a terminating-gateway entry");
        let mut seen: Vec<(&str, &str, &str)> = Vec::new();
        for svc in &self.services {
            if svc.name.is_empty() {
                cx.error(
                    Code::MissingField,
                    svc.origin.span,
                    "a linked service needs a `Name` (a service name, or `*` for every service in the namespace)",
                );
            }
            if svc.namespace == "*" {
                cx.error(
                    Code::InvalidWildcard,
                    svc.origin.field("namespace"),
                    "a terminating gateway cannot link the wildcard namespace `*`; name one namespace",
                );
            }
            let key = (svc.name.as_str(), svc.namespace_or(self), svc.partition_or(self));
            if !svc.name.is_empty() {
                if seen.contains(&key) {
                    cx.error(
                        Code::DuplicateGatewayService,
                        svc.origin.field("name"),
                        format!("service `{}` is linked twice in namespace `{}`; list each service once", key.0, key.1),
                    );
                } else {
                    seen.push(key);
                }
            }
            // Consul: a client certificate or key means mutual TLS, which needs all three files;
            // a CAFile alone is one-way TLS.
            let has_cert = !svc.cert_file.is_empty();
            let has_key = !svc.key_file.is_empty();
            if (has_cert || has_key) && !(has_cert && has_key && !svc.ca_file.is_empty()) {
                let missing: Vec<&str> =
                    [("CAFile", svc.ca_file.is_empty()), ("CertFile", !has_cert), ("KeyFile", !has_key)]
                        .into_iter()
                        .filter_map(|(k, missing)| missing.then_some(k))
                        .collect();
                let at = if has_cert { svc.origin.field("cert_file") } else { svc.origin.field("key_file") };
                cx.push(
                    Diagnostic::error(
                        Code::TlsOrigination,
                        at,
                        format!(
                            "service `{}` needs {} too: mutual TLS to a linked service takes CAFile, CertFile and KeyFile together",
                            svc.name,
                            missing.join(" and ")
                        ),
                    )
                    .with_note("for one-way TLS give only CAFile"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, diags, entry, messages, one};
    use crate::model::ConfigEntry;

    const FULL_HCL: &str = r#"
Kind      = "terminating-gateway"
Name      = "us-west-gateway"
Namespace = "default"
Meta = {
  team = "payments"
}
Services = [
  {
    Name     = "*"
    CAFile   = "/etc/common-certs/ca-chain.cert.pem"
    KeyFile  = "/etc/common-certs/gateway.key.pem"
    CertFile = "/etc/common-certs/gateway.cert.pem"
  },
  {
    Name                   = "billing"
    Namespace              = "finance"
    CAFile                 = "/etc/billing-ca/ca-chain.cert.pem"
    SNI                    = "billing.service.com"
    DisableAutoHostRewrite = true
  },
  {
    Name = "legacy-ledger"
  }
]
"#;

    const FULL_JSON: &str = r#"{
  "Kind": "terminating-gateway",
  "Name": "us-west-gateway",
  "Namespace": "default",
  "Meta": { "team": "payments" },
  "Services": [
    {
      "Name": "*",
      "CAFile": "/etc/common-certs/ca-chain.cert.pem",
      "KeyFile": "/etc/common-certs/gateway.key.pem",
      "CertFile": "/etc/common-certs/gateway.cert.pem"
    },
    {
      "Name": "billing",
      "Namespace": "finance",
      "CAFile": "/etc/billing-ca/ca-chain.cert.pem",
      "SNI": "billing.service.com",
      "DisableAutoHostRewrite": true
    },
    { "Name": "legacy-ledger" }
  ]
}"#;

    const FULL_YAML: &str = r#"
Kind: terminating-gateway
Name: us-west-gateway
Namespace: default
Meta:
  team: payments
Services:
  - Name: "*"
    CAFile: /etc/common-certs/ca-chain.cert.pem
    KeyFile: /etc/common-certs/gateway.key.pem
    CertFile: /etc/common-certs/gateway.cert.pem
  - Name: billing
    Namespace: finance
    CAFile: /etc/billing-ca/ca-chain.cert.pem
    SNI: billing.service.com
    DisableAutoHostRewrite: true
  - Name: legacy-ledger
"#;

    fn gateway(file: &str, text: &str) -> TerminatingGateway {
        match entry(file, text) {
            ConfigEntry::TerminatingGateway(g) => g,
            other => panic!("not a terminating-gateway: {other:?}"),
        }
    }

    #[test]
    fn the_full_example_decodes_the_same_in_every_format() {
        let hcl = gateway("x.hcl", FULL_HCL);
        assert_eq!(hcl, gateway("x.json", FULL_JSON));
        assert_eq!(hcl, gateway("x.yaml", FULL_YAML));
        assert_eq!(hcl.services.len(), 3);
        assert!(hcl.services[1].disable_auto_host_rewrite);
        let json = serde_json::to_value(&hcl).unwrap_or_default();
        assert_eq!(json["Services"][1]["CAFile"], "/etc/billing-ca/ca-chain.cert.pem");
        assert_eq!(json["Services"][1]["SNI"], "billing.service.com");
    }

    #[test]
    fn snake_case_aliases_read_like_consul() {
        let g = gateway(
            "x.hcl",
            "Kind = \"terminating-gateway\"\nName = \"t\"\nservices = [{ name = \"a\", ca_file = \"/ca.pem\", disable_auto_host_rewrite = true }]\n",
        );
        assert_eq!(g.services[0].ca_file, "/ca.pem");
        assert_eq!(g.services[0].tls_origination(), TlsOrigination::OneWay);
    }

    #[test]
    fn linked_prefers_the_named_service_over_the_wildcard() {
        let g = gateway("x.hcl", FULL_HCL);
        assert_eq!(g.linked("billing", "finance").map(|s| s.sni.as_str()), Some("billing.service.com"));
        assert_eq!(g.linked("billing", "finance").map(LinkedService::tls_origination), Some(TlsOrigination::OneWay));
        assert_eq!(g.linked("anything", "").map(|s| s.name.as_str()), Some("*"));
        assert_eq!(g.linked("anything", "default").map(LinkedService::tls_origination), Some(TlsOrigination::Mutual));
        assert_eq!(g.linked("legacy-ledger", "").map(LinkedService::tls_origination), Some(TlsOrigination::None));
        assert!(g.linked("anything", "finance").is_none());
    }

    #[test]
    fn services_need_a_name_one_namespace_and_appear_once() {
        let text = r#"Kind = "terminating-gateway"
Name = "t"
Services = [
  { CAFile = "/ca.pem" },
  { Name = "a", Namespace = "*" },
  { Name = "b" },
  { Name = "b", Namespace = "default" },
  { Name = "b", Namespace = "other" },
]
"#;
        assert_eq!(
            diags("x.hcl", text),
            vec![
                ("E0203".to_string(), at(text, "{ CAFile", 1)),
                ("E0324".to_string(), at(text, "\"*\"", 1)),
                ("E0374".to_string(), at(text, "\"b\"", 2)),
            ]
        );
    }

    #[test]
    fn mutual_tls_needs_all_three_files() {
        let text = "Kind = \"terminating-gateway\"\nName = \"t\"\nServices = [{ Name = \"a\", CertFile = \"/c.pem\", KeyFile = \"/k.pem\" }]\n";
        assert_eq!(diags("x.hcl", text), one("E0373", &at(text, "\"/c.pem\"", 1)));
        assert_eq!(
            messages("x.hcl", text),
            vec!["service `a` needs CAFile too: mutual TLS to a linked service takes CAFile, CertFile and KeyFile together"]
        );
        let key_only = "Kind = \"terminating-gateway\"\nName = \"t\"\nServices = [{ Name = \"a\", CAFile = \"/ca.pem\", KeyFile = \"/k.pem\" }]\n";
        assert_eq!(diags("x.hcl", key_only), one("E0373", &at(key_only, "\"/k.pem\"", 1)));
        let one_way =
            "Kind = \"terminating-gateway\"\nName = \"t\"\nServices = [{ Name = \"a\", CAFile = \"/ca.pem\" }]\n";
        assert!(diags("x.hcl", one_way).is_empty());
    }

    #[test]
    fn the_entry_needs_a_name() {
        assert_eq!(diags("x.hcl", "Kind = \"terminating-gateway\"\n"), one("E0203", "1:1"));
    }
}
