//! Helpers for the gateway unit tests.

use super::{api::ApiTable, ingress::IngressTable, mesh::MeshTable, terminating::TerminatingTable, RouteTable};
use crate::plan::{Compiled, Plan};
use crate::settings::Settings;
use crate::workspace::{InputFile, Workspace};

pub const TD: &str = crate::settings::DEFAULT_TRUST_DOMAIN;

/// An API gateway (`api-gw`, routing to `web`) with a TLS listener serving an inline-certificate
/// and a file-system-certificate entry, and a plain one.
pub const API_GATEWAY_TLS: &str = r#"
Kind = "api-gateway"
Name = "api-gw"
Listeners = [
  {
    Name = "https"
    Port = 8443
    Protocol = "http"
    Hostname = "*.example.com"
    TLS {
      MinVersion = "TLSv1_2"
      MaxVersion = "TLSv1_3"
      CipherSuites = ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"]
      Certificates = [{ Name = "inline" }, { Kind = "file-system-certificate", Name = "on-disk" }]
    }
  },
  { Name = "plain", Port = 8080, Protocol = "http" },
]
---
Kind = "inline-certificate"
Name = "inline"
Certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
PrivateKey = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
---
Kind = "file-system-certificate"
Name = "on-disk"
Certificate = "/etc/gw/site.pem"
PrivateKey = "/etc/gw/site-key.pem"
---
Kind = "http-route"
Name = "site"
Parents = [{ Name = "api-gw" }]
Rules = [{ Services = [{ Name = "web" }] }]
"#;

/// One file per part: `text` is split at lines holding `---`; part n is file `n.hcl`.
pub fn compiled(text: &str) -> Compiled {
    compiled_with(text, &Settings::default())
}

/// [`compiled`] under other settings.
pub fn compiled_with(text: &str, settings: &Settings) -> Compiled {
    let c = crate::plan::compile(&workspace(text), settings).expect("compile");
    assert!(!c.diagnostics.iter().any(|d| d.is_error()), "{:?}", c.diagnostics);
    c
}

/// The workspace of `text`, one file per part as in [`compiled`]; it must load without errors.
pub fn workspace(text: &str) -> Workspace {
    let files = text.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    assert!(!ws.has_errors(), "{:?}", ws.resolved_diagnostics());
    ws
}

pub fn compile(text: &str) -> Plan {
    compiled(text).plan
}

fn table<'p>(plan: &'p Plan, key: &str) -> &'p RouteTable {
    let keys: Vec<&str> = plan.gateways.iter().map(|g| g.gateway.key.as_str()).collect();
    &super::select(&plan.gateways, key, &plan.settings.datacenter, &plan.settings.partition)
        .unwrap_or_else(|e| panic!("{e}; have {keys:?}"))
        .routes
}

pub fn mesh<'p>(plan: &'p Plan, key: &str) -> &'p MeshTable {
    match table(plan, key) {
        RouteTable::MeshGateway(t) => t,
        other => panic!("{key} is a {}", other.kind()),
    }
}

pub fn terminating<'p>(plan: &'p Plan, key: &str) -> &'p TerminatingTable {
    match table(plan, key) {
        RouteTable::TerminatingGateway(t) => t,
        other => panic!("{key} is a {}", other.kind()),
    }
}

pub fn ingress<'p>(plan: &'p Plan, key: &str) -> &'p IngressTable {
    match table(plan, key) {
        RouteTable::IngressGateway(t) => t,
        other => panic!("{key} is a {}", other.kind()),
    }
}

pub fn api<'p>(plan: &'p Plan, key: &str) -> &'p ApiTable {
    match table(plan, key) {
        RouteTable::ApiGateway(t) => t,
        other => panic!("{key} is a {}", other.kind()),
    }
}

/// A workspace with one gateway of each kind.
pub const FULL: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "10.0.1.1" port = 8443 }
---
service { name = "mesh-gateway-dc2" kind = "mesh-gateway" datacenter = "dc2" address = "10.0.2.1" port = 8443 }
---
service { name = "tgw" kind = "terminating-gateway" address = "10.0.0.5" port = 9443 }
---
service { name = "ingress" kind = "ingress-gateway" address = "10.0.0.6" port = 8443 }
---
service { name = "api-gw" kind = "api-gateway" address = "10.0.0.7" port = 8443 }
---
service { name = "web" port = 8080 }
---
service { name = "billing-api" address = "billing.example.com" port = 443 }
---
Kind = "service-defaults"
Name = "web"
Protocol = "http"
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing-api", CAFile = "/etc/ca.pem" }]
---
Kind = "ingress-gateway"
Name = "ingress"
Listeners = [{ Port = 8080, Protocol = "http", Services = [{ Name = "web" }] }]
---
Kind = "api-gateway"
Name = "api-gw"
Listeners = [{ Name = "http", Port = 8081, Protocol = "http" }]
---
Kind = "http-route"
Name = "web"
Parents = [{ Name = "api-gw" }]
Rules = [{ Matches = [{ Path = { Match = "prefix", Value = "/app" } }], Services = [{ Name = "web" }] }]
---
Kind = "service-intentions"
Name = "billing-api"
Sources = [{ Name = "web", Action = "allow" }, { Name = "*", Action = "deny" }]
---
Kind = "service-intentions"
Name = "web"
Sources = [
  { Name = "ingress", Permissions = [{ Action = "allow", HTTP { PathPrefix = "/" } }] },
  { Name = "api-gw", Action = "allow" },
  { Name = "*", Action = "deny" },
]
"#;
