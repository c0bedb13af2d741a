//! `api-gateway`: named listeners (port, protocol, optional host name and TLS certificates) that
//! `http-route` and `tcp-route` entries attach to.
//!
//! Also home to what the two route kinds share: [`RouteParent`] references and their rules, and
//! the JWT requirement shape used by listeners and http-route filters.

use super::common::{check_host, check_tls, decode_choice, is_unset_version, require_name, TlsKeys};
use super::mesh::{TlsCipherSuite, TlsVersion};
use super::service_defaults::Spanned;
use super::Validate;
use crate::decode::{Cx, Decode, Meta};
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::SortedMap;
use crate::syntax::Node;
use crate::{decode_enum, decode_struct};
use serde::Serialize;

// ---------------------------------------------------------------------------------------------
// JWT (listener Default/Override, http-route filters)
// ---------------------------------------------------------------------------------------------

decode_struct! {
    /// One claim a JWT must carry: the value at `Path` (a list of nested claim names).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwtClaimVerification("a VerifyClaims item", pascal) {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub path: Vec<String>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub value: String,
    }
}

decode_struct! {
    /// A `jwt-provider` entry to verify tokens with, and claims to check on top.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwtProvider("a JWT provider", pascal) {
        /// Name of a `jwt-provider` config entry.
        pub name: String,
        /// Consul's type is a list; its examples write one block, which reads the same.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub verify_claims: Vec<JwtClaimVerification>,
    }
}

decode_struct! {
    /// `JWT { Providers = [...] }`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct JwtRequirement("a JWT block", pascal) {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub providers: Vec<JwtProvider>,
    }
}

impl JwtRequirement {
    pub(crate) fn check(&self, cx: &mut Cx) {
        for p in &self.providers {
            if p.name.is_empty() {
                cx.error(Code::MissingField, p.origin.span, "a JWT provider needs a `Name` (a jwt-provider entry)");
            }
            for claim in &p.verify_claims {
                if claim.path.is_empty() {
                    cx.error(
                        Code::MissingField,
                        claim.origin.span,
                        "a VerifyClaims item needs a `Path`: the claim names leading to the value, such as [\"perms\", \"role\"]",
                    );
                }
            }
        }
    }
}

decode_struct! {
    /// A listener's `Default` or `Override` policy. `Override` wins over route settings;
    /// `Default` applies where a route sets nothing.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ApiGatewayPolicy("a listener policy block", pascal) {
        #[serde(rename = "JWT", skip_serializing_if = "Option::is_none")]
        pub jwt: Option<JwtRequirement>,
    }
}

// ---------------------------------------------------------------------------------------------
// Route parents (http-route, tcp-route)
// ---------------------------------------------------------------------------------------------

/// The kind of entry a route attaches to; Consul knows only `api-gateway` (also when empty).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ParentKind {
    #[default]
    ApiGateway,
}

impl ParentKind {
    pub fn as_str(self) -> &'static str {
        "api-gateway"
    }
}

impl Serialize for ParentKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
impl crate::decode::Shape for ParentKind {
    fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
        crate::decode::shape_leaf(prefix, "\"api-gateway\"", out);
    }
}

#[cfg(test)]
impl crate::decode::Shape for ApiGatewayProtocol {
    fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
        crate::decode::shape_leaf(prefix, "\"http\"", out);
    }
}

impl Decode for ParentKind {
    fn expected() -> &'static str {
        "a parent kind"
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        let choices = [("", ParentKind::ApiGateway), ("api-gateway", ParentKind::ApiGateway)];
        decode_choice(node, cx, Code::RouteParent, "a kind a route can attach to", &choices)
    }
}

decode_struct! {
    /// A gateway (and optionally one of its listeners) a route attaches to.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct RouteParent("a parent reference", pascal) {
        pub kind: ParentKind,
        pub name: String,
        /// Empty means the route's own namespace.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        /// Empty means the route's own partition.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        /// A listener name on the gateway; empty attaches to every listener of the route's protocol.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub section_name: String,
    }
}

impl RouteParent {
    /// The gateway's namespace: the parent's own, else the route's, else `default`.
    pub fn namespace_or<'a>(&'a self, route_namespace: &'a str) -> &'a str {
        if self.namespace.is_empty() {
            or_default(route_namespace)
        } else {
            &self.namespace
        }
    }

    /// The gateway's partition: the parent's own, else the route's, else `default`.
    pub fn partition_or<'a>(&'a self, route_partition: &'a str) -> &'a str {
        if self.partition.is_empty() {
            or_default(route_partition)
        } else {
            &self.partition
        }
    }

    /// Whether this parent names `gateway`'s listener `listener` (or all its listeners).
    pub fn selects(&self, gateway: &ApiGateway, listener: &str, route_namespace: &str, route_partition: &str) -> bool {
        self.name == gateway.name
            && self.namespace_or(route_namespace) == or_default(&gateway.namespace)
            && self.partition_or(route_partition) == or_default(&gateway.partition)
            && (self.section_name.is_empty() || self.section_name == listener)
    }
}

/// The rules both route kinds share: at least one parent, each named, none twice.
pub(crate) fn validate_parents(parents: &[RouteParent], origin: &Meta, route: &str, ns: &str, ap: &str, cx: &mut Cx) {
    if parents.is_empty() {
        cx.push(
            Diagnostic::error(
                Code::EmptyList,
                origin.field("parents"),
                format!("{route} needs at least one entry in `Parents`: without one it is attached to no gateway"),
            )
            .with_note("for example Parents = [{ Kind = \"api-gateway\", Name = \"my-gateway\" }]"),
        );
    }
    let mut seen: Vec<(&str, &str, &str, &str)> = Vec::new();
    for p in parents {
        if p.name.is_empty() {
            cx.error(Code::MissingField, p.origin.span, "a parent reference needs the `Name` of an api-gateway");
            continue;
        }
        let key = (p.name.as_str(), p.namespace_or(ns), p.partition_or(ap), p.section_name.as_str());
        if seen.contains(&key) {
            cx.error(
                Code::RouteParent,
                p.origin.span,
                format!("api-gateway `{}` is listed twice in `Parents` (same listener); list each parent once", p.name),
            );
        } else {
            seen.push(key);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// api-gateway
// ---------------------------------------------------------------------------------------------

/// An API gateway listener's protocol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ApiGatewayProtocol {
    /// Not given: an error, Consul needs one of the others.
    #[default]
    Unset,
    Http,
    Tcp,
}

impl ApiGatewayProtocol {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiGatewayProtocol::Unset => "",
            ApiGatewayProtocol::Http => "http",
            ApiGatewayProtocol::Tcp => "tcp",
        }
    }
}

impl std::fmt::Display for ApiGatewayProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ApiGatewayProtocol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Decode for ApiGatewayProtocol {
    fn expected() -> &'static str {
        "a listener protocol"
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        let choices =
            [("", ApiGatewayProtocol::Unset), ("http", ApiGatewayProtocol::Http), ("tcp", ApiGatewayProtocol::Tcp)];
        decode_choice(node, cx, Code::InvalidProtocol, "an api-gateway listener protocol", &choices)
    }
}

decode_enum! {
    /// The kind of entry holding a listener certificate. Empty means `inline-certificate`.
    #[derive(Default)]
    pub enum CertificateKind("a certificate kind") {
        #[default]
        Unset = "",
        InlineCertificate = "inline-certificate",
        FileSystemCertificate = "file-system-certificate",
    }
}

impl CertificateKind {
    /// The kind Consul reads: `inline-certificate` when not given.
    pub fn effective(self) -> CertificateKind {
        match self {
            CertificateKind::Unset => CertificateKind::InlineCertificate,
            k => k,
        }
    }
}

fn is_unset_cert_kind(k: &CertificateKind) -> bool {
    *k == CertificateKind::Unset
}

decode_struct! {
    /// A reference to a certificate entry a listener terminates TLS with.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct CertificateRef("a certificate reference", pascal) {
        #[serde(skip_serializing_if = "is_unset_cert_kind")]
        pub kind: CertificateKind,
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
    }
}

decode_struct! {
    /// A listener's `TLS` block: versions, cipher suites and the certificates to serve.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ApiGatewayTlsConfig("a listener TLS block", pascal) {
        #[serde(skip_serializing_if = "is_unset_version")]
        pub min_version: TlsVersion,
        #[serde(skip_serializing_if = "is_unset_version")]
        pub max_version: TlsVersion,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub cipher_suites: Vec<Spanned<TlsCipherSuite>>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub certificates: Vec<CertificateRef>,
    }
}

const API_TLS_KEYS: TlsKeys = TlsKeys { min: ("min_version", "MinVersion"), max: ("max_version", "MaxVersion") };

decode_struct! {
    /// One listener. Listeners are told apart by `Name`; several may share a port when they
    /// agree on protocol and host name (Consul merges them).
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct ApiGatewayListener("an api-gateway listener", pascal) {
        pub name: String,
        pub port: u16,
        /// The host name served; empty means any (`*`).
        #[serde(skip_serializing_if = "String::is_empty")]
        pub hostname: String,
        pub protocol: ApiGatewayProtocol,
        #[serde(rename = "TLS", skip_serializing_if = "Option::is_none")]
        pub tls: Option<ApiGatewayTlsConfig>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub r#override: Option<ApiGatewayPolicy>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub default: Option<ApiGatewayPolicy>,
    }
}

impl ApiGatewayListener {
    /// The host name served: `Hostname`, or `*` (any) when empty.
    pub fn hostname_or_any(&self) -> &str {
        if self.hostname.is_empty() {
            "*"
        } else {
            &self.hostname
        }
    }

    /// Whether the listener terminates TLS (it names at least one certificate).
    pub fn terminates_tls(&self) -> bool {
        self.tls.as_ref().is_some_and(|t| !t.certificates.is_empty())
    }

    /// The certificates the listener serves.
    pub fn certificates(&self) -> &[CertificateRef] {
        self.tls.as_ref().map_or(&[], |t| t.certificates.as_slice())
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "api-gateway", rename_all = "PascalCase")]
    pub struct ApiGateway("an api-gateway entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        pub listeners: Vec<ApiGatewayListener>,
    }
}

impl ApiGateway {
    /// The listener called `name`.
    pub fn listener(&self, name: &str) -> Option<&ApiGatewayListener> {
        self.listeners.iter().find(|l| l.name == name)
    }

    /// The listeners a route parent with `section_name` attaches to for a route of `protocol`:
    /// the named one, or every listener when the name is empty; only those of that protocol.
    pub fn listeners_for<'a>(
        &'a self,
        section_name: &'a str,
        protocol: ApiGatewayProtocol,
    ) -> impl Iterator<Item = &'a ApiGatewayListener> + 'a {
        self.listeners
            .iter()
            .filter(move |l| (section_name.is_empty() || l.name == section_name) && l.protocol == protocol)
    }
}

/// Consul's rule for listener names: lower-case DNS labels (letters, digits, `-`), joined by dots.
fn check_listener_name(name: &str) -> Result<(), String> {
    for label in name.split('.') {
        if label.is_empty() {
            return Err("has an empty part between dots".into());
        }
        if let Some(c) = label.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
            return Err(if c.is_ascii_uppercase() {
                "has upper-case letters; listener names use lower-case letters, digits and `-`".to_string()
            } else {
                format!("contains `{c}`; listener names use lower-case letters, digits and `-`")
            });
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err("starts or ends with `-`".into());
        }
    }
    Ok(())
}

impl ApiGateway {
    fn validate_listener(&self, l: &ApiGatewayListener, cx: &mut Cx) {
        let label = if l.name.is_empty() { "a listener".to_string() } else { format!("listener `{}`", l.name) };
        if l.name.is_empty() {
            cx.error(
                Code::MissingField,
                l.origin.span,
                "an api-gateway listener needs a `Name`, unique in the gateway",
            );
        } else if let Err(why) = check_listener_name(&l.name) {
            let mut d = Diagnostic::error(
                Code::InvalidName,
                l.origin.field("name"),
                format!("listener name `{}` {why}", l.name),
            );
            let fixed = l.name.to_ascii_lowercase().replace('_', "-");
            if check_listener_name(&fixed).is_ok() {
                d = d.with_note(format!("help: did you mean `{fixed}`?")).with_fix(fixed);
            }
            cx.push(d);
        }
        match l.origin.field_opt("port") {
            None => cx.error(Code::InvalidPort, l.origin.span, format!("{label} needs a `Port` (1 to 65535)")),
            Some(at) if l.port == 0 => {
                cx.error(Code::InvalidPort, at, "port 0 cannot be listened on; use a port from 1 to 65535")
            }
            Some(_) => {}
        }
        if l.protocol == ApiGatewayProtocol::Unset {
            cx.error(
                Code::MissingField,
                l.origin.field("protocol"),
                format!("{label} needs a `Protocol`: \"http\" or \"tcp\""),
            );
        }
        if !l.hostname.is_empty() {
            if l.protocol == ApiGatewayProtocol::Tcp {
                cx.push(
                    Diagnostic::error(
                        Code::ListenerRule,
                        l.origin.field("hostname"),
                        format!("{label} is tcp, and tcp listeners cannot match a Hostname"),
                    )
                    .with_note("remove Hostname, or use Protocol \"http\""),
                );
            } else if l.hostname == "*" {
                cx.error(
                    Code::InvalidHost,
                    l.origin.field("hostname"),
                    "Hostname \"*\" is not accepted; leave Hostname out to serve every host",
                );
            } else if let Err(why) = check_host(&l.hostname, true) {
                cx.error(Code::InvalidHost, l.origin.field("hostname"), format!("Hostname \"{}\" {why}", l.hostname));
            }
        }
        if let Some(tls) = &l.tls {
            check_tls(cx, &tls.origin, &API_TLS_KEYS, tls.min_version, tls.max_version, &tls.cipher_suites);
            for cert in &tls.certificates {
                if cert.name.is_empty() {
                    cx.error(
                        Code::CertificateRef,
                        cert.origin.span,
                        format!("a certificate reference needs the `Name` of an {} entry", cert.kind.effective()),
                    );
                }
            }
        }
        for policy in [&l.r#override, &l.default].into_iter().flatten() {
            if let Some(jwt) = &policy.jwt {
                jwt.check(cx);
            }
        }
    }
}

impl Validate for ApiGateway {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "an api-gateway entry");
        if self.listeners.is_empty() {
            cx.error(
                Code::EmptyList,
                self.origin.field("listeners"),
                "an api-gateway needs at least one listener in `Listeners`",
            );
        }
        for (i, l) in self.listeners.iter().enumerate() {
            self.validate_listener(l, cx);
            let earlier = self.listeners.get(..i).unwrap_or_default();
            if !l.name.is_empty() {
                if let Some(first) = earlier.iter().find(|e| e.name == l.name) {
                    cx.push(
                        Diagnostic::error(
                            Code::DuplicateListenerName,
                            l.origin.field("name"),
                            format!("two listeners are named `{}`; routes pick listeners by name", l.name),
                        )
                        .with_note(format!("the other one listens on port {}", first.port)),
                    );
                }
            }
            if l.port != 0 {
                let clash =
                    earlier.iter().find(|e| e.port == l.port && (e.hostname != l.hostname || e.protocol != l.protocol));
                if let Some(first) = clash {
                    let differs = if first.protocol != l.protocol {
                        format!("protocol {} vs {}", first.protocol, l.protocol)
                    } else {
                        format!("host name {} vs {}", first.hostname_or_any(), l.hostname_or_any())
                    };
                    cx.push(
                        Diagnostic::error(
                            Code::ListenerMerge,
                            l.origin.field("port"),
                            format!(
                                "listeners `{}` and `{}` share port {} but differ in {differs}",
                                first.name, l.name, l.port
                            ),
                        )
                        .with_note("listeners on one port are merged: they must agree on Protocol and Hostname"),
                    );
                }
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
Kind      = "api-gateway"
Name      = "api-gateway"
Namespace = "default"
Partition = "default"
Meta = {
  env = "prod"
}
Listeners = [
  {
    Name     = "listener-one"
    Port     = 9001
    Protocol = "http"
    Hostname = "*.example.com"
    TLS = {
      MinVersion   = "TLSv1_2"
      MaxVersion   = "TLSv1_3"
      CipherSuites = ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]
      Certificates = [
        {
          Kind = "inline-certificate"
          Name = "example-cert"
        }
      ]
    }
    override = {
      JWT = {
        Providers = [
          {
            Name = "okta",
            VerifyClaims = {
              Path  = ["aud"],
              Value = "api.apps.organization.com",
            }
          },
        ]
      }
    }
    default = {
      JWT = {
        Providers = [
          {
            Name = "okta",
            VerifyClaims = {
              Path  = ["perms", "role"],
              Value = "user",
            }
          }
        ]
      }
    }
  },
  {
    Name     = "db"
    Port     = 5432
    Protocol = "tcp"
  }
]
"#;

    const FULL_JSON: &str = r#"{
  "Kind": "api-gateway",
  "Name": "api-gateway",
  "Namespace": "default",
  "Partition": "default",
  "Meta": { "env": "prod" },
  "Listeners": [
    {
      "Name": "listener-one",
      "Port": 9001,
      "Protocol": "http",
      "Hostname": "*.example.com",
      "TLS": {
        "MinVersion": "TLSv1_2",
        "MaxVersion": "TLSv1_3",
        "CipherSuites": ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"],
        "Certificates": [{ "Kind": "inline-certificate", "Name": "example-cert" }]
      },
      "override": {
        "JWT": {
          "Providers": [{ "Name": "okta", "VerifyClaims": { "Path": ["aud"], "Value": "api.apps.organization.com" } }]
        }
      },
      "default": {
        "JWT": {
          "Providers": [{ "Name": "okta", "VerifyClaims": [{ "Path": ["perms", "role"], "Value": "user" }] }]
        }
      }
    },
    { "Name": "db", "Port": 5432, "Protocol": "tcp" }
  ]
}"#;

    const FULL_YAML: &str = r#"
Kind: api-gateway
Name: api-gateway
Namespace: default
Partition: default
Meta:
  env: prod
Listeners:
  - Name: listener-one
    Port: 9001
    Protocol: http
    Hostname: "*.example.com"
    TLS:
      MinVersion: TLSv1_2
      MaxVersion: TLSv1_3
      CipherSuites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]
      Certificates:
        - Kind: inline-certificate
          Name: example-cert
    Override:
      JWT:
        Providers:
          - Name: okta
            VerifyClaims:
              Path: [aud]
              Value: api.apps.organization.com
    Default:
      JWT:
        Providers:
          - Name: okta
            VerifyClaims:
              - Path: [perms, role]
                Value: user
  - Name: db
    Port: 5432
    Protocol: tcp
"#;

    fn gateway(file: &str, text: &str) -> ApiGateway {
        match entry(file, text) {
            ConfigEntry::ApiGateway(g) => g,
            other => panic!("not an api-gateway: {other:?}"),
        }
    }

    #[test]
    fn the_full_example_decodes_the_same_in_every_format() {
        let hcl = gateway("x.hcl", FULL_HCL);
        assert_eq!(hcl, gateway("x.json", FULL_JSON));
        assert_eq!(hcl, gateway("x.yaml", FULL_YAML));
        let l = hcl.listener("listener-one").unwrap_or_else(|| panic!("no listener"));
        assert_eq!(l.protocol, ApiGatewayProtocol::Http);
        assert!(l.terminates_tls());
        assert_eq!(l.certificates()[0].kind.effective(), CertificateKind::InlineCertificate);
        let claims = &l.default.as_ref().and_then(|d| d.jwt.as_ref()).map(|j| j.providers[0].verify_claims.clone());
        assert_eq!(claims.as_ref().map(|c| c[0].path.clone()), Some(vec!["perms".to_string(), "role".to_string()]));
        let json = serde_json::to_value(&hcl).unwrap_or_default();
        assert_eq!(json["Listeners"][0]["TLS"]["MinVersion"], "TLSv1_2");
        assert_eq!(json["Listeners"][0]["Override"]["JWT"]["Providers"][0]["Name"], "okta");
        assert_eq!(json["Listeners"][1]["Protocol"], "tcp");
    }

    #[test]
    fn accessors_pick_listeners_for_routes() {
        let g = gateway("x.hcl", FULL_HCL);
        let names = |section: &str, p| g.listeners_for(section, p).map(|l| l.name.clone()).collect::<Vec<_>>();
        assert_eq!(names("", ApiGatewayProtocol::Http), vec!["listener-one"]);
        assert_eq!(names("", ApiGatewayProtocol::Tcp), vec!["db"]);
        assert!(names("db", ApiGatewayProtocol::Http).is_empty());
        assert_eq!(g.listener("db").map(ApiGatewayListener::hostname_or_any), Some("*"));
        let parent = RouteParent { name: "api-gateway".into(), section_name: "db".into(), ..Default::default() };
        assert!(parent.selects(&g, "db", "", ""));
        assert!(!parent.selects(&g, "listener-one", "", ""));
        assert!(!parent.selects(&g, "db", "other", ""));
    }

    const BASE: &str = "Kind = \"api-gateway\"\nName = \"gw\"\n";

    #[test]
    fn a_gateway_needs_listeners() {
        assert_eq!(diags("x.hcl", BASE), one("E0319", "1:1"));
        let empty = format!("{BASE}Listeners = []\n");
        assert_eq!(diags("x.hcl", &empty), one("E0319", &at(&empty, "[]", 1)));
    }

    #[test]
    fn listener_names_are_required_valid_and_unique() {
        let text = format!(
            "{BASE}Listeners = [\n  {{ Port = 80, Protocol = \"http\" }},\n  {{ Name = \"Web_1\", Port = 81, Protocol = \"http\" }},\n  {{ Name = \"a\", Port = 82, Protocol = \"http\" }},\n  {{ Name = \"a\", Port = 83, Protocol = \"http\" }},\n]\n"
        );
        assert_eq!(
            diags("x.hcl", &text),
            vec![
                ("E0203".to_string(), at(&text, "{ Port = 80", 1)),
                ("E0301".to_string(), at(&text, "\"Web_1\"", 1)),
                ("E0375".to_string(), at(&text, "\"a\"", 2)),
            ]
        );
    }

    #[test]
    fn ports_and_protocols_are_required_and_valid() {
        let text = format!(
            "{BASE}Listeners = [\n  {{ Name = \"a\", Protocol = \"http\" }},\n  {{ Name = \"b\", Port = 0, Protocol = \"http\" }},\n  {{ Name = \"c\", Port = 82 }},\n]\n"
        );
        assert_eq!(
            diags("x.hcl", &text),
            vec![
                ("E0315".to_string(), at(&text, "{ Name = \"a\"", 1)),
                ("E0315".to_string(), at(&text, "0, Protocol", 1)),
                ("E0203".to_string(), at(&text, "{ Name = \"c\"", 1)),
            ]
        );
        let grpc = format!("{BASE}Listeners = [{{ Name = \"a\", Port = 1, Protocol = \"grpc\" }}]\n");
        assert_eq!(diags("x.hcl", &grpc), one("E0314", &at(&grpc, "\"grpc\"", 1)));
    }

    #[test]
    fn listeners_sharing_a_port_must_agree() {
        let text = format!(
            "{BASE}Listeners = [\n  {{ Name = \"a\", Port = 80, Protocol = \"http\", Hostname = \"a.example.com\" }},\n  {{ Name = \"b\", Port = 80, Protocol = \"http\", Hostname = \"a.example.com\" }},\n  {{ Name = \"c\", Port = 80, Protocol = \"http\" }},\n  {{ Name = \"d\", Port = 80, Protocol = \"tcp\" }},\n]\n"
        );
        assert_eq!(
            diags("x.hcl", &text),
            vec![("E0376".to_string(), at(&text, "80", 3)), ("E0376".to_string(), at(&text, "80", 4))]
        );
        assert_eq!(
            messages("x.hcl", &text),
            vec![
                "listeners `a` and `c` share port 80 but differ in host name a.example.com vs *",
                "listeners `a` and `d` share port 80 but differ in protocol http vs tcp",
            ]
        );
    }

    #[test]
    fn hostnames_follow_consul() {
        let text = format!(
            "{BASE}Listeners = [\n  {{ Name = \"a\", Port = 80, Protocol = \"tcp\", Hostname = \"a.example.com\" }},\n  {{ Name = \"b\", Port = 81, Protocol = \"http\", Hostname = \"*\" }},\n  {{ Name = \"c\", Port = 82, Protocol = \"http\", Hostname = \"api.*.com\" }},\n]\n"
        );
        assert_eq!(
            diags("x.hcl", &text),
            vec![
                ("E0313".to_string(), at(&text, "\"a.example.com\"", 1)),
                ("E0370".to_string(), at(&text, "\"*\"", 1)),
                ("E0370".to_string(), at(&text, "\"api.*.com\"", 1)),
            ]
        );
    }

    #[test]
    fn tls_and_certificates_follow_consul() {
        let text = format!(
            "{BASE}Listeners = [{{\n  Name = \"a\"\n  Port = 443\n  Protocol = \"http\"\n  TLS {{\n    MinVersion = \"TLSv1_3\"\n    MaxVersion = \"TLSv1_2\"\n    CipherSuites = [\"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256\"]\n    Certificates = [{{ Kind = \"inline-certificate\" }}]\n  }}\n}}]\n"
        );
        assert_eq!(
            diags("x.hcl", &text),
            vec![
                ("E0321".to_string(), at(&text, "\"TLSv1_2\"", 1)),
                ("E0322".to_string(), at(&text, "[\"TLS_", 1)),
                ("E0379".to_string(), at(&text, "{ Kind", 1)),
            ]
        );
        let kind = text.replace("MinVersion = \"TLSv1_3\"", "").replace("\"inline-certificate\"", "\"inline-cert\"");
        assert_eq!(diags("x.hcl", &kind), one("E0205", &at(&kind, "\"inline-cert\"", 1)));
    }

    #[test]
    fn jwt_providers_need_names() {
        let text = format!(
            "{BASE}Listeners = [{{\n  Name = \"a\"\n  Port = 443\n  Protocol = \"http\"\n  Default {{ JWT {{ Providers = [{{ VerifyClaims = {{ Value = \"x\" }} }}] }} }}\n}}]\n"
        );
        assert_eq!(
            diags("x.hcl", &text),
            vec![("E0203".to_string(), at(&text, "{ VerifyClaims", 1)), ("E0203".to_string(), at(&text, "{ Value", 1)),]
        );
    }

    #[test]
    fn the_entry_needs_a_name() {
        let text = "Kind = \"api-gateway\"\nListeners = [{ Name = \"a\", Port = 1, Protocol = \"tcp\" }]\n";
        assert_eq!(diags("x.hcl", text), one("E0203", "1:1"));
    }
}
