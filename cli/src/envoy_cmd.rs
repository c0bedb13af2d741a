//! `meshgate envoy`: an Envoy bootstrap for one gateway or sidecar, with filter.wasm (or, with
//! `--host dynamic-module`, the same filter as a native Envoy dynamic module) and its GatewayPlan.

use crate::context::{Loaded, WorkspaceArgs};
use crate::input::InputError;
use meshgate_core::envoy::{self, Options};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    workspace: WorkspaceArgs,
    /// The gateway to configure (its key or name, as `meshgate routes` lists them).
    #[arg(long, value_name = "NAME", required_unless_present = "sidecar", conflicts_with = "sidecar")]
    gateway: Option<String>,
    /// Configure the sidecar of this service (or the proxy of this name) instead: its public
    /// listener enforces the service's inbound intentions; one listener per upstream applies the
    /// upstream's discovery chain. Needs --cert-dir with <service>.pem.
    #[arg(long, value_name = "SERVICE")]
    sidecar: Option<String>,
    /// What runs the filter in Envoy. `wasm` (the default): filter.wasm in Envoy's Wasm
    /// runtime, sandboxed. `dynamic-module`: the same filter as a native shared object
    /// (libmeshgate_dynmod.so, `cargo build -p meshgate-dynmod --release`) — faster, but it runs
    /// UNSANDBOXED in Envoy's process with Envoy's privileges.
    #[arg(long, value_enum, default_value_t = Host::Wasm)]
    host: Host,
    /// Path of filter.wasm (made absolute in the output); required with --host wasm.
    #[arg(long, value_name = "PATH")]
    wasm: Option<PathBuf>,
    /// Path of libmeshgate_dynmod.so (made absolute in the output); required with --host
    /// dynamic-module.
    #[arg(long, value_name = "PATH")]
    module: Option<PathBuf>,
    /// Envoy's admin port (listening on 127.0.0.1).
    #[arg(long, value_name = "N", default_value_t = 19000)]
    admin_port: u16,
    /// A health listener on the gateway's address: `GET /ready` answers 200 only while every
    /// filter VM of the gateway holds a plan (point load balancers here: Envoy's own /ready stays
    /// LIVE when the filter failed to load).
    #[arg(long, value_name = "PORT")]
    health_port: Option<u16>,
    /// Directory with ca.pem and <service>.pem / <service>-key.pem (`meshgate ca create`,
    /// `meshgate cert issue`); required for every kind but mesh gateways. An ingress host with a
    /// certificate of its own: <gateway>/<host>.pem and <host>-key.pem (`*` written `_`).
    #[arg(long, value_name = "DIR")]
    cert_dir: Option<PathBuf>,
    /// Deliver the plan through ECDS from files in this directory (Envoy watches it) instead of
    /// inline; the resource files are written there.
    #[arg(long, value_name = "DIR")]
    ecds: Option<PathBuf>,
    /// With --ecds: write only the ECDS files (atomically), hot-swapping the plan of a running
    /// Envoy started from this command's bootstrap.
    #[arg(long, requires = "ecds")]
    update: bool,
    /// Write the bootstrap here instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// `--host`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Host {
    /// filter.wasm in Envoy's Wasm runtime (sandboxed, portable).
    Wasm,
    /// The native dynamic module, unsandboxed in Envoy's process.
    DynamicModule,
}

fn absolute(p: &Path) -> String {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string()
}

/// Writes `content` to `path` through a temporary file in the same directory and a rename, so a
/// watcher never sees a half-written file.
pub fn write_atomically(path: &Path, content: &str) -> Result<(), InputError> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, content).map_err(|e| InputError(format!("cannot write {}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| InputError(format!("cannot move {} into place: {e}", path.display())))
}

/// The files in `dir` and its subdirectories (one level: `<gateway>/<host>.pem`), relative to
/// it: which hosts have certificates of their own. An unreadable directory lists nothing.
fn cert_files(dir: &Path) -> Vec<String> {
    let names = |d: &Path| -> Vec<(String, bool)> {
        let Ok(read) = std::fs::read_dir(d) else { return Vec::new() };
        read.flatten().map(|e| (e.file_name().to_string_lossy().into_owned(), e.path().is_dir())).collect()
    };
    let mut out = Vec::new();
    for (name, is_dir) in names(dir) {
        if !is_dir {
            out.push(name);
            continue;
        }
        for (inner, inner_dir) in names(&dir.join(&name)) {
            if !inner_dir {
                out.push(format!("{name}/{inner}"));
            }
        }
    }
    out.sort();
    out
}

/// The filter's host and the file Envoy loads for it.
fn host(args: &Args) -> Result<(envoy::FilterHost, PathBuf), InputError> {
    let (flag, path) = match args.host {
        Host::Wasm => ("--wasm", &args.wasm),
        Host::DynamicModule => ("--module", &args.module),
    };
    let Some(path) = path else {
        return Err(InputError(format!("{flag} PATH is required with --host {}", host_name(args.host))));
    };
    if !path.is_file() {
        eprintln!("meshgate: warning: {} does not exist (yet); Envoy will fail to load it", path.display());
    }
    let host = match args.host {
        Host::Wasm => envoy::FilterHost::Wasm,
        Host::DynamicModule => {
            eprintln!(
                "meshgate: note: --host dynamic-module: the filter runs unsandboxed, as native code in Envoy's process"
            );
            envoy::FilterHost::DynamicModule(absolute(path))
        }
    };
    Ok((host, path.clone()))
}

fn host_name(h: Host) -> &'static str {
    match h {
        Host::Wasm => "wasm",
        Host::DynamicModule => "dynamic-module",
    }
}

pub fn run(args: &Args) -> Result<ExitCode, InputError> {
    let (host, loaded_file) = host(args)?;
    let wasm = if host == envoy::FilterHost::Wasm { absolute(&loaded_file) } else { String::new() };
    let Some(analysis) = args.workspace.load()? else { return Ok(ExitCode::from(1)) };
    let loaded = Loaded::of(&analysis)?;
    let opts = Options {
        wasm,
        host,
        admin_port: args.admin_port,
        cert_dir: args.cert_dir.as_deref().map(absolute),
        ecds_dir: args.ecds.as_deref().map(absolute),
        health_port: args.health_port,
        sidecar: args.sidecar.is_some(),
        cert_files: args.cert_dir.as_deref().map(cert_files).unwrap_or_default(),
    };
    let selector = args.sidecar.as_deref().or(args.gateway.as_deref()).unwrap_or_default();
    let generated =
        envoy::generate(loaded.workspace, loaded.compiled, selector, &opts).map_err(|e| InputError(e.to_string()))?;
    for n in &generated.notes {
        eprintln!("note: {n}");
    }
    if let Some(dir) = &args.ecds {
        std::fs::create_dir_all(dir).map_err(|e| InputError(format!("cannot create {}: {e}", dir.display())))?;
        for f in &generated.ecds {
            write_atomically(&dir.join(&f.file_name), &f.content)?;
            eprintln!(
                "meshgate: wrote {} (plan {} hash {})",
                dir.join(&f.file_name).display(),
                generated.plan.gateway.key,
                generated.plan.hash_hex()
            );
        }
    }
    if args.update {
        return Ok(ExitCode::SUCCESS);
    }
    match &args.output {
        Some(path) => write_atomically(path, &generated.bootstrap)?,
        None => println!("{}", generated.bootstrap),
    }
    Ok(ExitCode::SUCCESS)
}
