//! `jwt-provider`: where a JSON web key set comes from, and how to find, check and forward the
//! tokens it verifies. Intentions and api-gateway policies name providers by their entry's name.
//!
//! meshgate does not verify JWTs (see `W0403`); the entry is read and checked as Consul checks it
//! when written.

use super::common::require_name;
use super::Validate;
use crate::decode::{Cx, Duration, Meta};
use crate::diag::{Code, Diagnostic};
use crate::sorted::SortedMap;
use crate::source::Span;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

decode_struct! {
    /// A key set held by the entry (base64 of the JWKS JSON) or in a file on every proxy's disk.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct LocalJwks("a Local JSON web key set", pascal) {
        #[serde(rename = "JWKS", skip_serializing_if = "String::is_empty")]
        pub jwks: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub filename: String,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RetryPolicyBackOff("a RetryPolicyBackOff block", pascal) {
        /// Envoy's default: 1s.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub base_interval: Option<Duration>,
        /// Envoy's default: ten times BaseInterval.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_interval: Option<Duration>,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwksRetryPolicy("a RetryPolicy block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub num_retries: Option<u32>,
        #[serde(rename = "RetryPolicyBackOff", skip_serializing_if = "Option::is_none")]
        pub retry_policy_back_off: Option<RetryPolicyBackOff>,
    }
}

decode_enum! {
    /// How Envoy resolves the JWKS server's address.
    #[derive(Default)]
    pub enum DiscoveryType("a JWKS cluster discovery type") {
        /// Not given: `STRICT_DNS`.
        #[default]
        Unset = "",
        Static = "STATIC",
        StrictDns = "STRICT_DNS",
        LogicalDns = "LOGICAL_DNS",
        Eds = "EDS",
        OriginalDst = "ORIGINAL_DST",
    }
}

impl DiscoveryType {
    pub fn is_unset(&self) -> bool {
        *self == DiscoveryType::Unset
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct CaCertificateProviderInstance("a CaCertificateProviderInstance block", pascal) {
        /// Consul's default: `default`.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub instance_name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub certificate_name: String,
    }
}

decode_struct! {
    /// The CA that signs the JWKS server's certificate: exactly one source.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct TrustedCa("a TrustedCA block", pascal) {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub filename: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub environment_variable: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub inline_string: String,
        /// Base64, as Consul's JSON carries bytes.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub inline_bytes: String,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwksTlsCertificates("a TLSCertificates block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ca_certificate_provider_instance: Option<CaCertificateProviderInstance>,
        #[serde(rename = "TrustedCA", skip_serializing_if = "Option::is_none")]
        pub trusted_ca: Option<TrustedCa>,
    }
}

decode_struct! {
    /// How Envoy reaches the JWKS server.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwksCluster("a JWKSCluster block", pascal) {
        #[serde(skip_serializing_if = "DiscoveryType::is_unset")]
        pub discovery_type: DiscoveryType,
        #[serde(rename = "TLSCertificates", skip_serializing_if = "Option::is_none")]
        pub tls_certificates: Option<JwksTlsCertificates>,
        /// Consul's default: 5s.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub connect_timeout: Option<Duration>,
    }
}

decode_struct! {
    /// A key set fetched from a server.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RemoteJwks("a Remote JSON web key set", pascal) {
        #[serde(rename = "URI")]
        pub uri: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub request_timeout_ms: Option<u32>,
        /// Consul's default: 5m.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cache_duration: Option<Duration>,
        pub fetch_asynchronously: bool,
        #[serde(rename = "UseSNI")]
        pub use_sni: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub retry_policy: Option<JwksRetryPolicy>,
        #[serde(rename = "JWKSCluster", skip_serializing_if = "Option::is_none")]
        pub jwks_cluster: Option<JwksCluster>,
    }
}

decode_struct! {
    /// Exactly one of `Local` or `Remote`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JsonWebKeySet("a JSONWebKeySet block", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub local: Option<LocalJwks>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub remote: Option<RemoteJwks>,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwtLocationHeader("a JWT location Header block", pascal) {
        pub name: String,
        /// Text before the token in the value, such as `Bearer `.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub value_prefix: String,
        /// Keep the header after verification.
        pub forward: bool,
    }
}

decode_struct! {
    /// A query parameter or cookie, by name.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwtLocationName("a JWT location block", pascal) {
        pub name: String,
    }
}

decode_struct! {
    /// Where a token may be: exactly one of the three.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwtLocation("a JWT location", pascal) {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub header: Option<JwtLocationHeader>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub query_param: Option<JwtLocationName>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cookie: Option<JwtLocationName>,
    }
}

decode_struct! {
    /// Passes the verified token's payload to the service in a header.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwtForwarding("a Forwarding block", pascal) {
        pub header_name: String,
        pub pad_forward_payload_header: bool,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwtCacheConfig("a CacheConfig block", pascal) {
        /// How many verified tokens to remember; 0 (the default) turns caching off.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub size: Option<u32>,
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "jwt-provider", rename_all = "PascalCase")]
    pub struct JwtProvider("a jwt-provider entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        /// Providers are global to their partition: the `default` namespace.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        #[serde(rename = "JSONWebKeySet", skip_serializing_if = "Option::is_none")]
        pub json_web_key_set: Option<JsonWebKeySet>,
        /// Must equal the token's `iss` claim when given.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub issuer: String,
        /// A token must name at least one of these in `aud` when given.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub audiences: Vec<String>,
        /// Where to look for tokens; Envoy's defaults (the `Authorization: Bearer` header, the
        /// `access_token` query parameter) when empty.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub locations: Vec<JwtLocation>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub forwarding: Option<JwtForwarding>,
        /// Consul's default: 30.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub clock_skew_seconds: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cache_config: Option<JwtCacheConfig>,
    }
}

/// Standard base64 (with padding), as Go's `base64.StdEncoding` reads it; line breaks skipped.
pub fn is_base64(text: &str) -> bool {
    let body: Vec<u8> = text.bytes().filter(|b| *b != b'\n' && *b != b'\r').collect();
    if body.len() % 4 != 0 {
        return false;
    }
    let pad = body.iter().rev().take_while(|b| **b == b'=').count();
    pad <= 2 && body.iter().take(body.len() - pad).all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

/// What Go's `url.ParseRequestURI` takes: an absolute URI (`scheme:…`) or an absolute path,
/// without spaces or control characters.
fn is_request_uri(text: &str) -> bool {
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if text.starts_with('/') {
        return true;
    }
    match text.split_once(':') {
        Some((scheme, _)) => {
            let mut chars = scheme.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// The start of a span: long values are pointed at by their first character.
fn start_of(at: Span) -> Span {
    Span { end: at.start.saturating_add(1).min(at.end), ..at }
}

fn require(cx: &mut Cx, origin: &Meta, value: &str, (field, key): (&str, &str), owner: &str, what: &str) {
    if value.is_empty() {
        cx.error(Code::MissingField, origin.field(field), format!("{owner} needs `{key}`: {what}"));
    }
}

impl JsonWebKeySet {
    fn check(&self, cx: &mut Cx) {
        match (&self.local, &self.remote) {
            (Some(_), Some(_)) => cx.push(
                Diagnostic::error(
                    Code::JwtKeySet,
                    self.origin.span,
                    "JSONWebKeySet gives both `Local` and `Remote`; a provider takes its keys from one of them",
                )
                .with_related(self.origin.field("remote"), "Remote is given here"),
            ),
            (None, None) => cx.error(
                Code::JwtKeySet,
                self.origin.span,
                "JSONWebKeySet needs `Local` (the key set, or a file holding it) or `Remote` (a URI to fetch it from)",
            ),
            (Some(local), None) => local.check(cx),
            (None, Some(remote)) => remote.check(cx),
        }
    }
}

impl LocalJwks {
    fn check(&self, cx: &mut Cx) {
        match (self.jwks.is_empty(), self.filename.is_empty()) {
            (false, false) => cx.error(
                Code::JwtKeySet,
                self.origin.span,
                "a Local key set gives both `JWKS` and `Filename`; give one of them",
            ),
            (true, true) => cx.error(
                Code::JwtKeySet,
                self.origin.span,
                "a Local key set needs `JWKS` (the key set's JSON, base64-encoded) or `Filename` (a file on every proxy's disk)",
            ),
            (false, true) if !is_base64(&self.jwks) => {
                let d = Diagnostic::error(
                    Code::JwtKeySet,
                    start_of(self.origin.field("jwks")),
                    "JWKS is not base64; Consul takes the key set's JSON base64-encoded",
                );
                let d = if self.jwks.trim_start().starts_with('{') {
                    d.with_note("this looks like the JSON itself: encode it, for example `base64 -w0 jwks.json`")
                } else {
                    d
                };
                cx.push(d);
            }
            _ => {}
        }
    }
}

impl RemoteJwks {
    fn check(&self, cx: &mut Cx) {
        if self.uri.is_empty() {
            cx.error(
                Code::MissingField,
                self.origin.span,
                "a Remote key set needs `URI`: where to fetch the key set from",
            );
        } else if !is_request_uri(&self.uri) {
            cx.error(
                Code::JwtKeySet,
                self.origin.field("uri"),
                format!("URI \"{}\" is not a URI; expected an absolute one such as \"https://issuer.example.com/.well-known/jwks.json\"", self.uri),
            );
        }
        if let Some(back_off) = self.retry_policy.as_ref().and_then(|r| r.retry_policy_back_off.as_ref()) {
            if let (Some(base), Some(max)) = (back_off.base_interval, back_off.max_interval) {
                if max.nanos != 0 && base.nanos > max.nanos {
                    cx.push(
                        Diagnostic::error(
                            Code::RetryBackoff,
                            back_off.origin.field("max_interval"),
                            format!(
                                "MaxInterval {} is shorter than BaseInterval {}; it must be the same or longer",
                                max.go_string(),
                                base.go_string()
                            ),
                        )
                        .with_related(back_off.origin.field("base_interval"), "BaseInterval is set here"),
                    );
                }
            }
        }
        if let Some(tls) = self.jwks_cluster.as_ref().and_then(|c| c.tls_certificates.as_ref()) {
            tls.check(cx);
        }
    }
}

impl JwksTlsCertificates {
    fn check(&self, cx: &mut Cx) {
        match (&self.ca_certificate_provider_instance, &self.trusted_ca) {
            (Some(_), Some(_)) => cx.error(
                Code::JwksClusterTls,
                self.origin.span,
                "TLSCertificates gives both `CaCertificateProviderInstance` and `TrustedCA`; give one of them",
            ),
            (None, None) => cx.error(
                Code::JwksClusterTls,
                self.origin.span,
                "TLSCertificates needs `CaCertificateProviderInstance` or `TrustedCA`",
            ),
            (None, Some(ca)) => ca.check(cx),
            (Some(_), None) => {}
        }
    }
}

impl TrustedCa {
    fn check(&self, cx: &mut Cx) {
        let given: Vec<&str> = [
            ("Filename", &self.filename),
            ("EnvironmentVariable", &self.environment_variable),
            ("InlineString", &self.inline_string),
            ("InlineBytes", &self.inline_bytes),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, _)| *k)
        .collect();
        if given.len() != 1 {
            let found = if given.is_empty() { "none".to_string() } else { given.join(", ") };
            cx.error(
                Code::JwksClusterTls,
                self.origin.span,
                format!(
                    "TrustedCA needs exactly one of `Filename`, `EnvironmentVariable`, `InlineString` or `InlineBytes`; found {found}"
                ),
            );
        } else if !self.inline_bytes.is_empty() && !is_base64(&self.inline_bytes) {
            cx.error(
                Code::JwksClusterTls,
                start_of(self.origin.field("inline_bytes")),
                "InlineBytes is not base64; use InlineString for PEM text",
            );
        }
    }
}

impl JwtLocation {
    fn check(&self, cx: &mut Cx) {
        let given = [self.header.is_some(), self.query_param.is_some(), self.cookie.is_some()];
        if given.iter().filter(|g| **g).count() != 1 {
            cx.error(
                Code::JwtLocation,
                self.origin.span,
                if given.contains(&true) {
                    "a JWT location gives more than one of `Header`, `QueryParam` and `Cookie`; list each as its own location"
                } else {
                    "a JWT location needs one of `Header`, `QueryParam` or `Cookie`"
                },
            );
            return;
        }
        if let Some(h) = &self.header {
            require(cx, &h.origin, &h.name, ("name", "Name"), "a JWT location Header", "the header holding the token");
        }
        if let Some(q) = &self.query_param {
            require(
                cx,
                &q.origin,
                &q.name,
                ("name", "Name"),
                "a JWT location QueryParam",
                "the query parameter holding the token",
            );
        }
        if let Some(c) = &self.cookie {
            require(cx, &c.origin, &c.name, ("name", "Name"), "a JWT location Cookie", "the cookie holding the token");
        }
    }
}

impl Validate for JwtProvider {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "a jwt-provider entry");
        if !self.namespace.is_empty() && self.namespace != "default" {
            cx.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    self.origin.field("namespace"),
                    format!("a jwt-provider belongs to the `default` namespace, found `{}`", self.namespace),
                )
                .with_note("providers are shared by every namespace of their partition; leave `Namespace` out"),
            );
        }
        match &self.json_web_key_set {
            None => cx.error(
                Code::MissingField,
                self.origin.span,
                "a jwt-provider needs `JSONWebKeySet`: the keys that verify its tokens (`Local` or `Remote`)",
            ),
            Some(set) => set.check(cx),
        }
        for location in &self.locations {
            location.check(cx);
        }
        if let Some(f) = &self.forwarding {
            require(
                cx,
                &f.origin,
                &f.header_name,
                ("header_name", "HeaderName"),
                "a jwt-provider's Forwarding",
                "the header to forward the token's payload in",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, diags, entry, messages, one};
    use crate::model::ConfigEntry;

    // Every field of Consul's jwt-provider reference, with a remote key set.
    const HCL: &str = r#"Kind   = "jwt-provider"
Name   = "okta"
Issuer = "https://okta.example.com"
JSONWebKeySet = {
  Remote = {
    URI                 = "https://okta.example.com/oauth2/default/v1/keys"
    RequestTimeoutMs    = 1500
    CacheDuration       = "10m"
    FetchAsynchronously = true
    UseSNI              = true
    RetryPolicy = {
      NumRetries = 3
      RetryPolicyBackoff = {
        BaseInterval = "1s"
        MaxInterval  = "10s"
      }
    }
    JWKSCluster = {
      DiscoveryType  = "STRICT_DNS"
      ConnectTimeout = "2s"
      TLSCertificates = {
        TrustedCA = {
          Filename = "/etc/ssl/okta-ca.pem"
        }
      }
    }
  }
}
Audiences = ["billing", "store"]
Locations = [
  { Header = { Name = "Authorization", ValuePrefix = "Bearer ", Forward = true } },
  { QueryParam = { Name = "access_token" } },
  { Cookie = { Name = "session" } },
]
Forwarding = {
  HeaderName              = "x-jwt-payload"
  PadForwardPayloadHeader = true
}
ClockSkewSeconds = 45
CacheConfig = {
  Size = 100
}
"#;

    fn provider(file: &str, text: &str) -> JwtProvider {
        match entry(file, text) {
            ConfigEntry::JwtProvider(p) => p,
            other => panic!("not a jwt-provider: {other:?}"),
        }
    }

    #[test]
    fn decodes_the_same_in_every_format() {
        let h = provider("x.hcl", HCL);
        let json = r#"{"Kind": "jwt-provider", "Name": "okta", "Issuer": "https://okta.example.com",
          "JSONWebKeySet": {"Remote": {"URI": "https://okta.example.com/oauth2/default/v1/keys",
            "RequestTimeoutMs": 1500, "CacheDuration": "10m", "FetchAsynchronously": true, "UseSNI": true,
            "RetryPolicy": {"NumRetries": 3, "RetryPolicyBackOff": {"BaseInterval": "1s", "MaxInterval": "10s"}},
            "JWKSCluster": {"DiscoveryType": "STRICT_DNS", "ConnectTimeout": "2s",
              "TLSCertificates": {"TrustedCA": {"Filename": "/etc/ssl/okta-ca.pem"}}}}},
          "Audiences": ["billing", "store"],
          "Locations": [{"Header": {"Name": "Authorization", "ValuePrefix": "Bearer ", "Forward": true}},
                        {"QueryParam": {"Name": "access_token"}}, {"Cookie": {"Name": "session"}}],
          "Forwarding": {"HeaderName": "x-jwt-payload", "PadForwardPayloadHeader": true},
          "ClockSkewSeconds": 45, "CacheConfig": {"Size": 100}}"#;
        let yaml = r#"Kind: jwt-provider
Name: okta
Issuer: https://okta.example.com
JSONWebKeySet:
  Remote:
    URI: https://okta.example.com/oauth2/default/v1/keys
    RequestTimeoutMs: 1500
    CacheDuration: 10m
    FetchAsynchronously: true
    use_sni: true
    RetryPolicy:
      NumRetries: 3
      RetryPolicyBackOff: { BaseInterval: 1s, MaxInterval: 10s }
    JWKSCluster:
      DiscoveryType: strict_dns
      ConnectTimeout: 2s
      TLSCertificates:
        TrustedCA:
          Filename: /etc/ssl/okta-ca.pem
Audiences: [billing, store]
Locations:
  - Header: { Name: Authorization, ValuePrefix: "Bearer ", Forward: true }
  - QueryParam: { Name: access_token }
  - Cookie: { Name: session }
Forwarding:
  HeaderName: x-jwt-payload
  PadForwardPayloadHeader: true
ClockSkewSeconds: 45
CacheConfig:
  Size: 100
"#;
        assert_eq!(h, provider("x.json", json));
        assert_eq!(h, provider("x.yaml", yaml));
        let remote = h.json_web_key_set.as_ref().and_then(|s| s.remote.as_ref()).map(|r| r.uri.as_str());
        assert_eq!(remote, Some("https://okta.example.com/oauth2/default/v1/keys"));
        let v = serde_json::to_value(&h).unwrap_or_default();
        assert_eq!(v["JSONWebKeySet"]["Remote"]["JWKSCluster"]["DiscoveryType"], "STRICT_DNS");
        assert_eq!(v["JSONWebKeySet"]["Remote"]["UseSNI"], true);
        assert_eq!(v["JSONWebKeySet"]["Remote"]["RetryPolicy"]["RetryPolicyBackOff"]["MaxInterval"], "10s");
    }

    #[test]
    fn a_local_key_set_is_base64_or_a_file() {
        let ok = "Kind = \"jwt-provider\"\nName = \"local\"\nJSONWebKeySet { Local { JWKS = \"eyJrZXlzIjogW119\" } }\n";
        assert!(diags("x.hcl", ok).is_empty());
        let file =
            "Kind = \"jwt-provider\"\nName = \"local\"\nJSONWebKeySet { Local { Filename = \"/etc/jwks.json\" } }\n";
        assert!(diags("x.hcl", file).is_empty());
        let raw = r#"{"Kind": "jwt-provider", "Name": "l", "JSONWebKeySet": {"Local": {"JWKS": "{\"keys\": []}"}}}"#;
        assert_eq!(diags("x.json", raw), one("E0355", &at(raw, "\"{\\\"keys", 1)));
        assert!(messages("x.json", raw)[0].starts_with("JWKS is not base64"));
        let both = ok.replace("JWKS = \"eyJrZXlzIjogW119\"", "JWKS = \"eyJrZXlzIjogW119\"\nFilename = \"/f\"");
        assert_eq!(diags("x.hcl", &both), one("E0355", &at(&both, "{ JWKS", 1)));
        let neither = "Kind = \"jwt-provider\"\nName = \"l\"\nJSONWebKeySet { Local {} }\n";
        assert_eq!(diags("x.hcl", neither), one("E0355", &at(neither, "{}", 1)));
    }

    #[test]
    fn the_key_set_is_required_and_takes_one_source() {
        let none = "Kind = \"jwt-provider\"\nName = \"p\"\n";
        assert_eq!(diags("x.hcl", none), one("E0203", "1:1"));
        let both = "Kind = \"jwt-provider\"\nName = \"p\"\nJSONWebKeySet {\n  Local { Filename = \"/f\" }\n  Remote { URI = \"https://x\" }\n}\n";
        assert_eq!(diags("x.hcl", both), one("E0355", &at(both, "{\n  Local", 1)));
        let empty = "Kind = \"jwt-provider\"\nName = \"p\"\nJSONWebKeySet {}\n";
        assert_eq!(diags("x.hcl", empty), one("E0355", &at(empty, "{}", 1)));
    }

    #[test]
    fn remote_uri_back_off_and_tls_are_checked() {
        let text = HCL.replace("\"https://okta.example.com/oauth2/default/v1/keys\"", "\"okta keys\"");
        assert_eq!(diags("x.hcl", &text), one("E0355", &at(&text, "\"okta keys\"", 1)));
        let text = HCL.replace("    URI                 = \"https://okta.example.com/oauth2/default/v1/keys\"\n", "");
        assert_eq!(diags("x.hcl", &text), one("E0203", &at(&text, "{\n    RequestTimeoutMs", 1)));
        let text = HCL.replace("MaxInterval  = \"10s\"", "MaxInterval  = \"500ms\"");
        assert_eq!(diags("x.hcl", &text), one("E0358", &at(&text, "\"500ms\"", 1)));
        assert!(messages("x.hcl", &text)[0].starts_with("MaxInterval 500ms is shorter than BaseInterval 1s"));
        let text = HCL.replace(
            "Filename = \"/etc/ssl/okta-ca.pem\"",
            "Filename = \"/a\"\n          EnvironmentVariable = \"CA\"",
        );
        assert_eq!(diags("x.hcl", &text), one("E0357", &at(&text, "{\n          Filename", 1)));
        let text = HCL.replace(
            "TrustedCA = {\n          Filename = \"/etc/ssl/okta-ca.pem\"\n        }",
            "TrustedCA = { InlineString = \"x\" }\n        CaCertificateProviderInstance = { InstanceName = \"default\" }",
        );
        assert_eq!(diags("x.hcl", &text), one("E0357", &at(&text, "{\n        TrustedCA", 1)));
        let text = HCL.replace("\"STRICT_DNS\"", "\"DNS\"");
        assert_eq!(diags("x.hcl", &text), one("E0205", &at(&text, "\"DNS\"", 1)));
    }

    #[test]
    fn locations_and_forwarding_are_checked() {
        let text = HCL.replace(
            "{ Cookie = { Name = \"session\" } }",
            "{ Cookie = { Name = \"s\" }, QueryParam = { Name = \"t\" } }",
        );
        assert_eq!(diags("x.hcl", &text), one("E0356", &at(&text, "{ Cookie = { Name = \"s\"", 1)));
        let text = HCL.replace("{ Cookie = { Name = \"session\" } }", "{ Cookie = {} }");
        assert_eq!(diags("x.hcl", &text), one("E0203", &at(&text, "{} }", 1)));
        let text = HCL.replace("  HeaderName              = \"x-jwt-payload\"\n", "");
        assert_eq!(diags("x.hcl", &text), one("E0203", &at(&text, "{\n  PadForward", 1)));
        let text = HCL.replace("ClockSkewSeconds = 45", "ClockSkewSeconds = -5");
        assert_eq!(diags("x.hcl", &text), one("E0207", &at(&text, "-5", 1)));
        let text = HCL.replace("Audiences", "Audience");
        let d = diags("x.hcl", &text);
        assert_eq!(d, one("E0201", &at(&text, "Audience", 1)));
    }

    #[test]
    fn base64_and_uris_as_go_reads_them() {
        assert!(is_base64("eyJrZXlzIjogW119"));
        assert!(is_base64("YQ=="));
        assert!(is_base64("YWJj\nZGVm"));
        assert!(!is_base64("YQ="));
        assert!(!is_base64("Y=Q="));
        assert!(!is_base64("eyJrZXlzIjogW119-_"));
        assert!(is_request_uri("https://example.com/keys"));
        assert!(is_request_uri("/keys"));
        assert!(!is_request_uri("example.com/keys"));
        assert!(!is_request_uri("https://exa mple.com"));
    }
}
