//! `control-plane-request-limit`: read and write rate limits on Consul servers for requests from
//! one source IP, overall and per category of call (Consul Enterprise).
//!
//! It governs Consul's own RPC and gRPC traffic, not the data plane, so it compiles to nothing; it
//! is read and checked so a workspace holding one validates as Consul would write it.

use super::common::require_name;
use super::Validate;
use crate::decode::Cx;
use crate::diag::{Code, Diagnostic};
use crate::sorted::SortedMap;
use crate::source::Span;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

decode_enum! {
    /// What a server does with requests over the limits.
    #[derive(Default)]
    pub enum RateLimitMode("a rate limit mode") {
        /// Not given: Consul's default, `permissive`.
        #[default]
        Unset = "",
        Permissive = "permissive",
        Enforcing = "enforcing",
        Disabled = "disabled",
    }
}

impl RateLimitMode {
    pub fn is_unset(&self) -> bool {
        *self == RateLimitMode::Unset
    }
}

decode_struct! {
    /// Limits for one category of calls, in requests per second.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ReadWriteRates("a read and write rates block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub read_rate: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub write_rate: Option<f64>,
    }
}

/// Declares the entry with one optional rates block per category of call.
macro_rules! request_limit_entry {
    ($($field:ident => $key:literal),+ $(,)?) => {
        decode_struct! {
            #[derive(Clone, Debug, Default, PartialEq, Serialize)]
            #[serde(tag = "Kind", rename = "control-plane-request-limit", rename_all = "PascalCase")]
            pub struct ControlPlaneRequestLimit("a control-plane-request-limit entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
                pub name: String,
                #[serde(skip_serializing_if = "String::is_empty")]
                pub namespace: String,
                #[serde(skip_serializing_if = "String::is_empty")]
                pub partition: String,
                #[serde(skip_serializing_if = "SortedMap::is_empty")]
                pub meta: SortedMap<String, String>,
                #[serde(skip_serializing_if = "RateLimitMode::is_unset")]
                pub mode: RateLimitMode,
                /// Overall reads per second from one source IP (Consul's default: 100).
                #[serde(skip_serializing_if = "Option::is_none")]
                pub read_rate: Option<f64>,
                /// Overall writes per second from one source IP (Consul's default: 100).
                #[serde(skip_serializing_if = "Option::is_none")]
                pub write_rate: Option<f64>,
                $(
                    #[serde(rename = $key, skip_serializing_if = "Option::is_none")]
                    pub $field: Option<ReadWriteRates>,
                )+
            }
        }

        impl ControlPlaneRequestLimit {
            /// The categories given, as (key, rates), in Consul's order.
            pub fn categories(&self) -> Vec<(&'static str, &ReadWriteRates)> {
                let mut out = Vec::new();
                $(
                    if let Some(r) = &self.$field {
                        out.push(($key, r));
                    }
                )+
                out
            }
        }
    };
}

request_limit_entry! {
    acl => "ACL",
    catalog => "Catalog",
    config_entry => "ConfigEntry",
    connect_ca => "ConnectCA",
    coordinate => "Coordinate",
    discovery_chain => "DiscoveryChain",
    server_discovery => "ServerDiscovery",
    health => "Health",
    intention => "Intention",
    kv => "KV",
    tenancy => "Tenancy",
    prepared_query => "PreparedQuery",
    session => "Session",
    txn => "Txn",
    auto_config => "AutoConfig",
    federation_state => "FederationState",
    internal => "Internal",
    peer_stream => "PeerStream",
    peering => "Peering",
    data_plane => "DataPlane",
    dns => "DNS",
    subscribe => "Subscribe",
    resource => "Resource",
}

/// A rate is requests per second: not negative.
fn check_rate(cx: &mut Cx, rate: Option<f64>, at: Span, key: &str) {
    if let Some(r) = rate {
        if r < 0.0 {
            let r = crate::decode::plain_float(r);
            cx.error(Code::NumberOutOfRange, at, format!("{key} is {r}; a rate is requests per second, 0 or more"));
        }
    }
}

impl Validate for ControlPlaneRequestLimit {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "a control-plane-request-limit entry");
        if !self.partition.is_empty() && self.partition != "default" {
            cx.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    self.origin.field("partition"),
                    format!(
                        "a control-plane-request-limit is written to the `default` partition, found `{}`",
                        self.partition
                    ),
                )
                .with_note("the limits apply to requests for every partition; leave `Partition` out"),
            );
        }
        check_rate(cx, self.read_rate, self.origin.field("read_rate"), "ReadRate");
        check_rate(cx, self.write_rate, self.origin.field("write_rate"), "WriteRate");
        for (key, rates) in self.categories() {
            check_rate(cx, rates.read_rate, rates.origin.field("read_rate"), &format!("{key}.ReadRate"));
            check_rate(cx, rates.write_rate, rates.origin.field("write_rate"), &format!("{key}.WriteRate"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, diags, entry, messages, one};
    use crate::model::ConfigEntry;

    // Consul's reference example, complete.
    const HCL: &str = "Kind = \"control-plane-request-limit\"\nName = \"control-plane-limits\"\nMode = \"permissive\"\nReadRate = 100\nWriteRate = 100\nKV = {\n  ReadRate = 100\n  WriteRate = 100\n}\nACL = {\n  ReadRate = 100\n  WriteRate = 100\n}\nCatalog = {\n  ReadRate = 100\n  WriteRate = 100\n}\n";

    fn limit(file: &str, text: &str) -> ControlPlaneRequestLimit {
        match entry(file, text) {
            ConfigEntry::ControlPlaneRequestLimit(l) => l,
            other => panic!("not a control-plane-request-limit: {other:?}"),
        }
    }

    #[test]
    fn decodes_the_same_in_every_format() {
        let h = limit("x.hcl", HCL);
        let json = r#"{"Kind": "control-plane-request-limit", "Name": "control-plane-limits", "Mode": "permissive",
            "ReadRate": 100, "WriteRate": 100.0, "KV": {"ReadRate": 100, "WriteRate": 100},
            "ACL": {"ReadRate": 100, "WriteRate": 100}, "Catalog": {"ReadRate": 1e2, "WriteRate": 100}}"#;
        let yaml = "Kind: control-plane-request-limit\nName: control-plane-limits\nMode: PERMISSIVE\nread_rate: 100\nwrite_rate: 100\nkv:\n  ReadRate: 100\n  WriteRate: 100\nacl:\n  ReadRate: 100\n  WriteRate: 100\ncatalog:\n  ReadRate: 100\n  WriteRate: 100\n";
        assert_eq!(h, limit("x.json", json));
        assert_eq!(h, limit("x.yaml", yaml));
        assert_eq!(h.mode, RateLimitMode::Permissive);
        assert_eq!(h.categories().iter().map(|(k, _)| *k).collect::<Vec<_>>(), vec!["ACL", "Catalog", "KV"]);
        let json = serde_json::to_value(&h).unwrap_or_default();
        assert_eq!(json["KV"]["ReadRate"], serde_json::json!(100.0));
        assert_eq!(json["ACL"]["WriteRate"], serde_json::json!(100.0));
    }

    #[test]
    fn every_category_of_the_api_decodes() {
        let text = "Kind = \"control-plane-request-limit\"\nName = \"l\"\nMode = \"enforcing\"\nConfigEntry { ReadRate = 1 }\nConnectCA { WriteRate = 2 }\nDNS { ReadRate = 3.5 }\nPeerStream { ReadRate = 4 }\nresource { write_rate = 5 }\n";
        let l = limit("x.hcl", text);
        assert_eq!(
            l.categories().iter().map(|(k, _)| *k).collect::<Vec<_>>(),
            vec!["ConfigEntry", "ConnectCA", "PeerStream", "DNS", "Resource"]
        );
    }

    #[test]
    fn mode_rates_and_partition_are_checked() {
        let text = HCL.replace("\"permissive\"", "\"enforce\"");
        assert_eq!(diags("x.hcl", &text), one("E0205", &at(&text, "\"enforce\"", 1)));
        assert!(messages("x.hcl", &text)[0].contains("\"enforcing\""));
        let text = HCL.replace("WriteRate = 100\n}\nCatalog", "WriteRate = -1\n}\nCatalog");
        assert_eq!(diags("x.hcl", &text), one("E0207", &at(&text, "-1", 1)));
        assert!(messages("x.hcl", &text)[0].starts_with("ACL.WriteRate is -1"));
        let text = HCL.replace("Mode", "Partition = \"ap1\"\nMode");
        assert_eq!(diags("x.hcl", &text), one("E0317", &at(&text, "\"ap1\"", 1)));
        let text = HCL.replace("KV =", "KVStore =");
        assert_eq!(diags("x.hcl", &text), one("E0201", &at(&text, "KVStore", 1)));
        let text = HCL.replace("Name = \"control-plane-limits\"\n", "");
        assert_eq!(diags("x.hcl", &text), one("E0203", "1:1"));
    }
}
