//! What every planning command shares: the files, the workspace settings, and loading both.

use crate::input::{self, InputError};
use meshgate_core::diag;
use meshgate_core::intentions::Action;
use meshgate_core::plan::{self, Compiled};
use meshgate_core::settings::{Mode, Settings};
use meshgate_core::source::SourceMap;
use meshgate_core::workspace::Workspace;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct WorkspaceArgs {
    /// Config files (`-` for standard input; directories are searched for config files).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A settings file (HCL, JSON or YAML) with Datacenter, Partition, TrustDomain,
    /// DefaultIntentionPolicy, Mode and PeerTrustDomains; flags override it.
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// The local datacenter [default: dc1].
    #[arg(long, value_name = "DC")]
    pub datacenter: Option<String>,
    /// The local admin partition [default: default].
    #[arg(long, value_name = "AP")]
    pub partition: Option<String>,
    /// The mesh's trust domain [default: 11111111-2222-3333-4444-555555555555.consul].
    #[arg(long, value_name = "DOMAIN")]
    pub trust_domain: Option<String>,
    /// What happens when no intention matches [default: allow, as Consul without ACLs].
    #[arg(long, value_name = "POLICY", value_parser = ["allow", "deny"])]
    pub default_intention_policy: Option<String>,
    /// `enforce` decisions, or only `audit` them.
    #[arg(long, value_name = "MODE", value_parser = ["enforce", "audit"])]
    pub mode: Option<String>,
}

/// A loaded, validated and compiled workspace.
pub struct Loaded {
    pub settings: Settings,
    pub compiled: Compiled,
    /// The workspace itself (service registrations: what `meshgate envoy` turns into endpoints).
    pub workspace: Workspace,
}

pub enum LoadOutcome {
    Ready(Box<Loaded>),
    /// Errors were printed; the command exits 1.
    Invalid,
}

impl WorkspaceArgs {
    /// Settings from `--settings`, else from the one `meshgate.*` file in a named directory,
    /// then the flags on top.
    pub fn settings(&self, found: &[PathBuf]) -> Result<Settings, InputError> {
        let mut settings = Settings::default();
        let file = match (&self.settings, found) {
            (Some(path), _) => Some(path),
            (None, [one]) => Some(one),
            (None, []) => None,
            (None, many) => {
                let names: Vec<String> = many.iter().map(|p| p.display().to_string()).collect();
                return Err(InputError(format!(
                    "several settings files found ({}); choose one with --settings",
                    names.join(", ")
                )));
            }
        };
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| InputError(format!("cannot read settings {}: {e}", path.display())))?;
            let mut sources = SourceMap::new();
            match Settings::read_file(&path.display().to_string(), &text, &mut sources) {
                Ok(file) => settings.apply(&file),
                Err(diags) => {
                    let rendered: String = diags.iter().map(|d| diag::render(d, &sources, true)).collect();
                    return Err(InputError(format!("invalid settings file:\n{rendered}")));
                }
            }
        }
        if let Some(v) = &self.datacenter {
            settings.datacenter = v.clone();
        }
        if let Some(v) = &self.partition {
            settings.partition = v.clone();
        }
        if let Some(v) = &self.trust_domain {
            settings.trust_domain = v.to_ascii_lowercase();
        }
        if let Some(v) = &self.default_intention_policy {
            settings.default_intention_policy = if v == "deny" { Action::Deny } else { Action::Allow };
        }
        if let Some(v) = &self.mode {
            settings.mode = if v == "audit" { Mode::Audit } else { Mode::Enforce };
        }
        settings.check().map_err(InputError)?;
        Ok(settings)
    }

    /// Loads and compiles. Errors are printed as `meshgate validate` prints them; warnings are
    /// printed to stderr and do not stop the command.
    pub fn load(&self) -> Result<LoadOutcome, InputError> {
        let inputs = input::read_inputs(&self.files)?;
        let settings = self.settings(&inputs.settings)?;
        let workspace = Workspace::load(inputs.files);
        if workspace.has_errors() {
            for d in &workspace.diagnostics {
                eprint!("{}", diag::render(d, &workspace.sources, true));
            }
            eprintln!("the configuration is invalid; fix the errors above (`meshgate validate` lists them too)");
            return Ok(LoadOutcome::Invalid);
        }
        let compiled = plan::compile(&workspace, &settings).map_err(|e| InputError(e.to_string()))?;
        let warnings = workspace.diagnostics.iter().chain(&compiled.diagnostics);
        for d in warnings {
            eprint!("{}", diag::render(d, &workspace.sources, false));
        }
        if compiled.diagnostics.iter().any(|d| d.is_error()) {
            return Ok(LoadOutcome::Invalid);
        }
        Ok(LoadOutcome::Ready(Box::new(Loaded { settings, compiled, workspace })))
    }
}
