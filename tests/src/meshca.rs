//! Certificates made the way a user makes them for a trial: `meshgate ca create` and
//! `meshgate cert issue` (the CLI binary), in the `--cert-dir` layout (`ca.pem`, `<name>.pem`,
//! `<name>-key.pem`).

use crate::net::MeshIdentity;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The CLI binary: `MESHGATE_CLI` (scripts/test.sh sets it), else a build in the target dir.
pub fn meshgate_cli() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("MESHGATE_CLI") {
        return Ok(PathBuf::from(p));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::envoy::repo_root().join("target"));
    ["release", "debug"].iter().map(|p| target.join(p).join("meshgate")).find(|p| p.is_file()).ok_or_else(|| {
        "no meshgate binary: build it (cargo build -p meshgate --release) or set MESHGATE_CLI".to_string()
    })
}

/// Runs the CLI with `args`; its stderr on failure.
pub fn run_cli(args: &[&str]) -> Result<String, String> {
    let out = Command::new(meshgate_cli()?).args(args).output().map_err(|e| format!("meshgate {args:?}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!("meshgate {args:?}: {}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// A CA of `meshgate ca create` for one trust domain, in `dir`.
pub struct MeshCa {
    pub dir: PathBuf,
    pub trust_domain: String,
}

impl MeshCa {
    pub fn create(dir: &Path, trust_domain: &str) -> Result<MeshCa, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        run_cli(&["ca", "create", "--dir", &dir.display().to_string(), "--trust-domain", trust_domain])?;
        Ok(MeshCa { dir: dir.to_path_buf(), trust_domain: trust_domain.to_string() })
    }

    /// `meshgate cert issue --service <service> --datacenter <dc> --name <stem>`, as a workload's
    /// mesh identity.
    pub fn service(&self, stem: &str, service: &str, datacenter: &str) -> Result<MeshIdentity, String> {
        let dir = self.dir.display().to_string();
        run_cli(&[
            "cert",
            "issue",
            "--service",
            service,
            "--datacenter",
            datacenter,
            "--trust-domain",
            &self.trust_domain,
            "--name",
            stem,
            "--dir",
            &dir,
        ])?;
        self.identity(stem)
    }

    /// `<stem>.pem` and its key, trusting this CA.
    pub fn identity(&self, stem: &str) -> Result<MeshIdentity, String> {
        let read = |name: String| std::fs::read_to_string(self.dir.join(&name)).map_err(|e| format!("{name}: {e}"));
        Ok(MeshIdentity {
            cert_pem: read(format!("{stem}.pem"))?,
            key_pem: read(format!("{stem}-key.pem"))?,
            ca_pem: read("ca.pem".to_string())?,
        })
    }

    /// The SPIFFE ID of `service` in `datacenter`'s default namespace.
    pub fn spiffe(&self, service: &str, datacenter: &str) -> String {
        format!("spiffe://{}/ns/default/dc/{datacenter}/svc/{service}", self.trust_domain)
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
}
