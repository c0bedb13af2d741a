//! A gateway under test, from workspace text to a running Envoy: free ports filled into the
//! text, the workspace loaded and compiled (any diagnostic error fails), the bootstrap generated
//! by `meshgate_core::envoy`, checked with `envoy --mode validate`, and started.

use crate::envoy::{filter_wasm, find_envoy, free_port, validate, Envoy};
use meshgate_core::envoy::{self, Options};
use meshgate_core::plan::{self, Compiled};
use meshgate_core::settings::Settings;
use meshgate_core::workspace::{InputFile, Workspace};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The trust domain of every test workspace.
pub const TD: &str = "11111111-2222-3333-4444-555555555555.consul";
/// How long Envoy may take to be ready.
pub const READY: Duration = Duration::from_secs(60);

/// `<name>.<trust domain>`: an SNI of the test workspaces.
pub fn sni(name: &str) -> String {
    format!("{name}.{TD}")
}

/// The SPIFFE ID of a service in dc1's default namespace.
pub fn spiffe(service: &str) -> String {
    format!("spiffe://{TD}/ns/default/dc/dc1/svc/{service}")
}

/// `{{NAME}}` placeholders and the free ports that replace them.
pub struct Ports(BTreeMap<&'static str, u16>);

impl Ports {
    pub fn new(names: &[&'static str]) -> Ports {
        Ports(names.iter().map(|n| (*n, free_port())).collect())
    }

    /// The port for `name` (0 when the test did not ask for it).
    pub fn get(&self, name: &str) -> u16 {
        self.0.get(name).copied().unwrap_or(0)
    }

    pub fn fill(&self, text: &str) -> String {
        self.0.iter().fold(text.to_string(), |t, (k, v)| t.replace(&format!("{{{{{k}}}}}"), &v.to_string()))
    }
}

/// Loads and compiles workspace text whose files are separated by `\n---\n`.
pub fn load(text: &str, settings: &Settings) -> Result<(Workspace, Compiled), String> {
    let files = text.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    if ws.has_errors() {
        return Err(format!("{:?}", ws.resolved_diagnostics()));
    }
    let c = plan::compile(&ws, settings).map_err(|e| format!("compile: {e:?}"))?;
    if c.diagnostics.iter().any(|d| d.is_error()) {
        return Err(format!("{:?}", c.diagnostics));
    }
    Ok((ws, c))
}

/// Writes `content` to `path` atomically (a temporary file renamed over it), as ECDS needs.
pub fn write_atomically(path: &Path, content: &str) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, content).map_err(|e| format!("write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("rename to {}: {e}", path.display()))
}

/// The files under `dir`, relative to it, one directory level down (as `meshgate envoy` lists
/// its `--cert-dir`).
pub fn cert_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() {
            for inner in std::fs::read_dir(e.path()).into_iter().flatten().flatten() {
                out.push(format!("{name}/{}", inner.file_name().to_string_lossy()));
            }
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}

/// Generates, validates and starts Envoy for `gateway` (its log in `dir/<gateway>.log`); with
/// `ecds`, the plan is delivered from that directory.
pub fn start_gateway(
    dir: &Path,
    ws: &Workspace,
    c: &Compiled,
    gateway: &str,
    cert_dir: Option<&Path>,
    ecds: Option<&Path>,
) -> Result<Envoy, String> {
    start_gateway_with(dir, ws, c, gateway, cert_dir, ecds, None)
}

/// Generates, validates and starts meshgate's sidecar for `service` (`meshgate envoy --sidecar`;
/// its log in `dir/<service>-meshgate-sidecar.log`).
pub fn start_sidecar(
    dir: &Path,
    ws: &Workspace,
    c: &Compiled,
    service: &str,
    cert_dir: &Path,
) -> Result<Envoy, String> {
    start(dir, ws, c, service, Some(cert_dir), None, None, true)
}

/// [`start_gateway`] with a health listener on `health_port`.
pub fn start_gateway_with(
    dir: &Path,
    ws: &Workspace,
    c: &Compiled,
    gateway: &str,
    cert_dir: Option<&Path>,
    ecds: Option<&Path>,
    health_port: Option<u16>,
) -> Result<Envoy, String> {
    start(dir, ws, c, gateway, cert_dir, ecds, health_port, false)
}

#[allow(clippy::too_many_arguments)]
fn start(
    dir: &Path,
    ws: &Workspace,
    c: &Compiled,
    gateway: &str,
    cert_dir: Option<&Path>,
    ecds: Option<&Path>,
    health_port: Option<u16>,
    sidecar: bool,
) -> Result<Envoy, String> {
    let envoy_cmd = find_envoy()?;
    let host = crate::envoy::filter_host()?;
    // filter.wasm is needed only when it is the host.
    let wasm = match host {
        envoy::FilterHost::Wasm => filter_wasm()?,
        envoy::FilterHost::DynamicModule(_) => std::path::PathBuf::new(),
    };
    let stem = if sidecar { format!("{gateway}-meshgate-sidecar") } else { gateway.to_string() };
    let write_config = |admin: u16| {
        let opts = Options {
            wasm: wasm.display().to_string(),
            host: host.clone(),
            admin_port: admin,
            cert_dir: cert_dir.map(|d| d.display().to_string()),
            ecds_dir: ecds.map(|d| d.display().to_string()),
            health_port,
            sidecar,
            cert_files: cert_dir.map(cert_files).unwrap_or_default(),
        };
        let g = envoy::generate(ws, c, gateway, &opts).map_err(|e| e.to_string())?;
        if let Some(d) = ecds {
            std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
            for f in &g.ecds {
                write_atomically(&d.join(&f.file_name), &f.content)?;
            }
        }
        let config = dir.join(format!("{stem}.json"));
        std::fs::write(&config, &g.bootstrap).map_err(|e| e.to_string())?;
        validate(&envoy_cmd, &config)?;
        Ok(config)
    };
    Envoy::start_on_free_admin_port(&envoy_cmd, &dir.join(format!("{stem}.log")), READY, write_config)
}
