//! A Consul-shaped sidecar for the data-plane tests, written by hand from Consul's documented
//! behaviour of a Connect sidecar proxy's **public listener** — deliberately *not* produced by
//! meshgate's generator, so meshgate's gateways are tested against something they did not write.
//!
//! What Consul documents for a sidecar (its "secure service mesh" overview: sidecars encrypt and
//! decrypt a service's traffic with an mTLS certificate signed by Consul's CA, confirm that an
//! incoming request carries such a certificate, deny incoming requests by default and authorize
//! them by intentions on the caller's service identity; the sidecar's *public listener* on its
//! registered port forwards to the local application), and what this bootstrap does:
//!
//! - it listens on the sidecar's registered port (`connect { sidecar_service { port = … } }`, or a
//!   `kind = "connect-proxy"` registration's port);
//! - it terminates mTLS with the **service's leaf certificate** (one SPIFFE URI SAN,
//!   `spiffe://<td>/ns/<ns>/dc/<dc>/svc/<service>`) and **requires a client certificate** signed by
//!   the mesh CA (`require_client_certificate`, `trusted_ca`);
//! - it authorizes the client by the URI SAN of its certificate with Envoy's RBAC: an ALLOW policy
//!   whose principals are the allowed SPIFFE IDs (Consul's default-deny translation of allow
//!   intentions; here an exact match on the whole URI SAN, `authenticated.principal_name.exact`) —
//!   the network filter `envoy.filters.network.rbac` (stat prefix `connect_authz`) before
//!   `tcp_proxy` for a tcp service; for an http service an HTTP connection manager with
//!   `envoy.filters.http.rbac` and the router, which also tells the application who called with
//!   `x-forwarded-client-cert` (the client certificate's URI);
//! - it forwards to the application at its local address (`local_app`: the sidecar's
//!   `local_service_address`:`local_service_port`, on 127.0.0.1), which listens on localhost only.
//!
//! For the tests it also writes an access log (`peer=<client URI SAN> …` per connection for tcp,
//! per request for http) — instrumentation, not part of Consul's shape — so a test can see *who*
//! the sidecar saw: an ingress gateway's own identity, or a client's through a mesh gateway.

use crate::envoy::{find_envoy, validate, Envoy};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The application protocol behind the sidecar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Http,
}

/// One sidecar: whom it presents, whom it lets in, where the app is.
#[derive(Clone, Debug)]
pub struct Sidecar {
    /// The service it fronts (names, stats).
    pub service: String,
    pub protocol: Protocol,
    /// The public listener's port (127.0.0.1).
    pub public_port: u16,
    /// Where the application listens (127.0.0.1).
    pub local_app_port: u16,
    /// The service's leaf certificate and key, and the mesh CA (PEM files).
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
    /// The SPIFFE IDs allowed in (exact URI SAN match); everyone else is refused.
    pub allow: Vec<String>,
}

impl Sidecar {
    /// A sidecar for `service` whose certificate is `<cert_dir>/<service>.pem` (and `-key.pem`),
    /// trusting `<cert_dir>/ca.pem`.
    pub fn new(service: &str, protocol: Protocol, public_port: u16, local_app_port: u16, cert_dir: &Path) -> Sidecar {
        Sidecar {
            service: service.to_string(),
            protocol,
            public_port,
            local_app_port,
            cert: cert_dir.join(format!("{service}.pem")),
            key: cert_dir.join(format!("{service}-key.pem")),
            ca: cert_dir.join("ca.pem"),
            allow: Vec::new(),
        }
    }

    /// Lets `spiffe_id` in.
    pub fn allow(mut self, spiffe_id: &str) -> Sidecar {
        self.allow.push(spiffe_id.to_string());
        self
    }

    /// The Envoy bootstrap (admin on 127.0.0.1:`admin_port`, the access log at `access_log`).
    pub fn bootstrap(&self, admin_port: u16, access_log: &Path) -> Value {
        let file = |p: &Path| json!({ "filename": p.display().to_string() });
        // The service's identity; a client certificate from the mesh CA is required.
        let mut common_tls = json!({
            "tls_certificates": [{ "certificate_chain": file(&self.cert), "private_key": file(&self.key) }],
            "validation_context": { "trusted_ca": file(&self.ca) },
        });
        if self.protocol == Protocol::Http {
            common_tls["alpn_protocols"] = json!(["http/1.1"]);
        }
        let transport_socket = json!({
            "name": "envoy.transport_sockets.tls",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
                "common_tls_context": common_tls,
                "require_client_certificate": true,
            },
        });
        // Allow intentions, default deny: one ALLOW policy, a principal per allowed identity.
        let rules = json!({
            "action": "ALLOW",
            "policies": {
                "consul-intentions": {
                    "permissions": [{ "any": true }],
                    "principals": self
                        .allow
                        .iter()
                        .map(|id| json!({ "authenticated": { "principal_name": { "exact": id } } }))
                        .collect::<Vec<_>>(),
                },
            },
        });
        let access_log = |format: &str| {
            json!([{
                "name": "envoy.access_loggers.file",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog",
                    "path": access_log.display().to_string(),
                    "log_format": { "text_format_source": { "inline_string": format } },
                },
            }])
        };
        let mut listener = json!({
            "name": format!("public_listener:127.0.0.1:{}", self.public_port),
            "address": { "socket_address": { "address": "127.0.0.1", "port_value": self.public_port } },
        });
        let filters = match self.protocol {
            Protocol::Tcp => {
                // One line per connection, refused ones included.
                listener["access_log"] =
                    access_log("peer=%DOWNSTREAM_PEER_URI_SAN% closed=%CONNECTION_TERMINATION_DETAILS%\n");
                json!([
                    {
                        "name": "envoy.filters.network.rbac",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC",
                            "stat_prefix": "connect_authz",
                            "rules": rules,
                        },
                    },
                    {
                        "name": "envoy.filters.network.tcp_proxy",
                        "typed_config": {
                            "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
                            "stat_prefix": "public_listener",
                            "cluster": "local_app",
                        },
                    },
                ])
            }
            Protocol::Http => json!([{
                "name": "envoy.filters.network.http_connection_manager",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                    "stat_prefix": "public_listener",
                    // Who called, for the application: the client certificate's URI.
                    "forward_client_cert_details": "APPEND_FORWARD",
                    "set_current_client_cert_details": { "uri": true },
                    // One line per request.
                    "access_log": access_log("peer=%DOWNSTREAM_PEER_URI_SAN% status=%RESPONSE_CODE% path=%REQ(:PATH)%\n"),
                    "route_config": {
                        "name": self.service,
                        "virtual_hosts": [{
                            "name": self.service,
                            "domains": ["*"],
                            "routes": [{ "match": { "prefix": "/" }, "route": { "cluster": "local_app" } }],
                        }],
                    },
                    "http_filters": [
                        {
                            "name": "envoy.filters.http.rbac",
                            "typed_config": {
                                "@type": "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC",
                                "rules": rules,
                            },
                        },
                        {
                            "name": "envoy.filters.http.router",
                            "typed_config": {
                                "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
                            },
                        },
                    ],
                },
            }]),
        };
        listener["filter_chains"] = json!([{ "filters": filters, "transport_socket": transport_socket }]);
        json!({
            "node": { "id": format!("{}-sidecar-proxy", self.service), "cluster": self.service },
            "admin": { "address": { "socket_address": { "address": "127.0.0.1", "port_value": admin_port } } },
            "static_resources": {
                "listeners": [listener],
                "clusters": [{
                    "name": "local_app",
                    "type": "STATIC",
                    "connect_timeout": "5s",
                    "load_assignment": {
                        "cluster_name": "local_app",
                        "endpoints": [{ "lb_endpoints": [{ "endpoint": { "address": {
                            "socket_address": { "address": "127.0.0.1", "port_value": self.local_app_port },
                        } } }] }],
                    },
                }],
            },
        })
    }

    /// Writes the bootstrap to `dir/<service>-sidecar.json`, checks it with `envoy --mode
    /// validate` and starts it (log `dir/<service>-sidecar.log`, access log
    /// `dir/<service>-sidecar-access.log`).
    pub fn start(&self, dir: &Path) -> Result<RunningSidecar, String> {
        let envoy_cmd = find_envoy()?;
        let access_log = dir.join(format!("{}-sidecar-access.log", self.service));
        let config = dir.join(format!("{}-sidecar.json", self.service));
        let write_config = |admin: u16| {
            let text = serde_json::to_string_pretty(&self.bootstrap(admin, &access_log)).map_err(|e| e.to_string())?;
            std::fs::write(&config, text).map_err(|e| format!("write {}: {e}", config.display()))?;
            validate(&envoy_cmd, &config)?;
            Ok(config.clone())
        };
        let log = dir.join(format!("{}-sidecar.log", self.service));
        let envoy = Envoy::start_on_free_admin_port(&envoy_cmd, &log, crate::harness::READY, write_config)?;
        Ok(RunningSidecar { envoy, access_log })
    }
}

/// A sidecar's Envoy, stopped when dropped.
pub struct RunningSidecar {
    pub envoy: Envoy,
    pub access_log: PathBuf,
}

impl RunningSidecar {
    /// The access log's lines so far.
    pub fn access_lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.access_log).unwrap_or_default().lines().map(String::from).collect()
    }

    /// Waits (bounded) until the access log has a line containing every one of `parts`; returns
    /// it.
    pub fn wait_for_line(&self, parts: &[&str]) -> Option<String> {
        let found = || self.access_lines().into_iter().find(|l| parts.iter().all(|p| l.contains(p)));
        // Envoy flushes access logs on a timer (1 s by default).
        self.envoy.eventually(std::time::Duration::from_secs(10), || found().is_some());
        found()
    }
}
