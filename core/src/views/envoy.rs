//! The Envoy view: the bootstrap `meshgate envoy` writes for one gateway or sidecar — its
//! listeners, a cluster per target, and `filter.wasm` configured inline with its GatewayPlan — from
//! [`crate::envoy::generate`], with the options the page's form gives (empty fields take the
//! defaults below).

use super::Analysis;
use crate::envoy::{self, Options};
use serde::{Deserialize, Serialize};

/// Where Envoy reads `filter.wasm` unless the form says otherwise.
pub const DEFAULT_WASM: &str = "/etc/meshgate/filter.wasm";
/// Where the gateway's certificates are (`ca.pem`, `<service>.pem`, `<service>-key.pem`) unless
/// the form says otherwise. Terminating gateways need them; other gateways use them to reach
/// other datacenters' mesh gateways over mTLS.
pub const DEFAULT_CERT_DIR: &str = "/etc/meshgate/certs";
/// Envoy's admin port (on 127.0.0.1) unless the form says otherwise.
pub const DEFAULT_ADMIN_PORT: u16 = 19000;

/// What the Envoy form asks for. Empty strings take the defaults.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct EnvoyRequest {
    /// The gateway's key (or its name, when no other gateway has it); with `sidecar`, the
    /// sidecar's key (or the service it fronts).
    pub gateway: String,
    /// `gateway` names a sidecar (`meshgate envoy --sidecar`).
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub sidecar: bool,
    /// Path of `filter.wasm` as Envoy will read it.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub wasm: String,
    /// Envoy's admin port, as typed.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub admin_port: String,
    /// The certificates directory.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub cert_dir: String,
}

/// The bootstrap, or why there is none.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvoyView {
    /// The gateway asked for.
    pub gateway: String,
    /// The options used, defaults filled in.
    pub wasm: String,
    pub admin_port: u16,
    pub cert_dir: String,
    /// The CLI command that writes the same bootstrap.
    pub command: String,
    /// Pretty JSON (Envoy reads it as YAML too), exactly `meshgate envoy`'s output.
    pub bootstrap: Option<String>,
    /// A file name for downloading it: `envoy-<key>.json`.
    pub file_name: String,
    /// What the bootstrap does not configure (TLS listeners, peered targets, missing endpoints).
    pub notes: Vec<String>,
    pub withheld: Option<String>,
}

impl Analysis {
    /// The Envoy bootstrap for one gateway (or sidecar), as `meshgate envoy --gateway KEY`
    /// (`--sidecar KEY`) writes it (the GatewayPlan inline), withheld while the configuration has
    /// errors.
    pub fn envoy(&self, request: &EnvoyRequest) -> EnvoyView {
        let given = |v: &str, default: &str| {
            let v = v.trim();
            if v.is_empty() {
                default.to_string()
            } else {
                v.to_string()
            }
        };
        let key = request.gateway.trim();
        let wasm = given(&request.wasm, DEFAULT_WASM);
        let cert_dir = given(&request.cert_dir, DEFAULT_CERT_DIR);
        let port = request.admin_port.trim();
        let admin_port =
            if port.is_empty() { Some(DEFAULT_ADMIN_PORT) } else { port.parse::<u16>().ok().filter(|p| *p > 0) };
        let mut view = EnvoyView {
            gateway: key.to_string(),
            wasm: wasm.clone(),
            admin_port: admin_port.unwrap_or(DEFAULT_ADMIN_PORT),
            cert_dir: cert_dir.clone(),
            command: String::new(),
            bootstrap: None,
            file_name: file_name(key),
            notes: Vec::new(),
            withheld: None,
        };
        view.command = self.command(&view, request.sidecar);
        let Some(admin_port) = admin_port else {
            view.withheld = Some(format!("the admin port must be a number from 1 to 65535, not `{port}`"));
            return view;
        };
        if let Some(why) = self.withheld("meshgate envoy") {
            view.withheld = Some(why);
            return view;
        }
        let Some(compiled) = &self.compiled else {
            view.withheld = Some("the plan could not be compiled".into());
            return view;
        };
        let options = Options {
            wasm,
            host: Default::default(),
            admin_port,
            cert_dir: Some(cert_dir),
            ecds_dir: None,
            health_port: None,
            sidecar: request.sidecar,
            cert_files: Vec::new(),
        };
        match envoy::generate(&self.workspace, compiled, key, &options) {
            Ok(generated) => {
                view.file_name = file_name(&generated.plan.gateway.key);
                view.bootstrap = Some(generated.bootstrap);
                view.notes = generated.notes;
            }
            Err(e) => view.withheld = Some(e.to_string()),
        }
        view
    }

    /// `meshgate envoy FILE... --gateway KEY (or --sidecar KEY) --wasm … --cert-dir …
    /// [--admin-port N]`.
    fn command(&self, view: &EnvoyView, sidecar: bool) -> String {
        let mut words = vec!["meshgate".to_string(), "envoy".to_string()];
        words.extend(self.workspace.sources.files().map(|(_, f)| shell_word(&f.name)));
        let flag = if sidecar { "--sidecar" } else { "--gateway" };
        words.extend([flag.to_string(), shell_word(&view.gateway)]);
        words.extend(["--wasm".to_string(), shell_word(&view.wasm)]);
        words.extend(["--cert-dir".to_string(), shell_word(&view.cert_dir)]);
        if view.admin_port != DEFAULT_ADMIN_PORT {
            words.extend(["--admin-port".to_string(), view.admin_port.to_string()]);
        }
        words.join(" ")
    }
}

/// A word as a POSIX shell reads it back: bare when it is plain, else single-quoted.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:@=+,%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn file_name(key: &str) -> String {
    super::gateways::download_name("envoy", key)
}

#[cfg(test)]
mod tests;
