//! What every planning command shares: the files, the workspace settings, and one way to load
//! them — `meshgate_core::views::Analysis::load`, the pipeline the playground and the tests use
//! too. The commands are printers over it.

use crate::input::{self, InputError};
use meshgate_core::diag;
use meshgate_core::intentions::Action;
use meshgate_core::plan::Compiled;
use meshgate_core::settings::{Mode, Settings};
use meshgate_core::views::{Analysis, AnalysisInput, SettingsInput};
use meshgate_core::workspace::{InputFile, Workspace};
use std::path::{Path, PathBuf};

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

/// A loaded, validated and compiled workspace with no errors, as the commands read it.
pub struct Loaded<'a> {
    pub settings: &'a Settings,
    pub compiled: &'a Compiled,
    /// The workspace itself (service registrations: what `meshgate envoy` turns into endpoints).
    pub workspace: &'a Workspace,
}

impl<'a> Loaded<'a> {
    pub fn of(analysis: &'a Analysis) -> Result<Loaded<'a>, InputError> {
        let compiled = analysis.compiled.as_ref().ok_or_else(|| InputError("the plan could not be compiled".into()))?;
        Ok(Loaded { settings: &analysis.settings, compiled, workspace: &analysis.workspace })
    }
}

/// Reads a settings file named on the command line or found in a directory.
pub fn read_settings_file(path: &Path) -> Result<InputFile, InputError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError(format!("cannot read settings {}: {e}", path.display())))?;
    Ok(InputFile::new(path.display().to_string(), text))
}

impl WorkspaceArgs {
    /// The flags as settings that win over any file (checked as a settings file's would be:
    /// a bad flag is a usage error, exit 2).
    fn overrides(&self) -> Result<SettingsInput, InputError> {
        let given = SettingsInput {
            datacenter: self.datacenter.clone(),
            partition: self.partition.clone(),
            trust_domain: self.trust_domain.clone(),
            default_intention_policy: self.default_intention_policy.as_deref().map(|v| {
                if v == "deny" {
                    Action::Deny
                } else {
                    Action::Allow
                }
            }),
            mode: self.mode.as_deref().map(|v| if v == "audit" { Mode::Audit } else { Mode::Enforce }),
            peer_trust_domains: None,
        };
        if let (_, Some(problem)) = given.resolve() {
            return Err(InputError(problem));
        }
        Ok(given)
    }

    /// The files, the settings file (`--settings`, else the one `meshgate.*` file in a named
    /// directory) and the flags on top.
    pub fn input(&self) -> Result<AnalysisInput, InputError> {
        let inputs = input::read_inputs(&self.files)?;
        let file = match (&self.settings, inputs.settings.as_slice()) {
            (Some(path), _) => Some(path.clone()),
            (None, [one]) => Some(one.clone()),
            (None, []) => None,
            (None, many) => {
                let names: Vec<String> = many.iter().map(|p| p.display().to_string()).collect();
                return Err(InputError(format!(
                    "several settings files found ({}); choose one with --settings",
                    names.join(", ")
                )));
            }
        };
        let settings_files = file.as_deref().map(read_settings_file).transpose()?.into_iter().collect();
        Ok(AnalysisInput { files: inputs.files, settings_files, settings: self.overrides()? })
    }

    /// Loads and compiles. Errors are printed as `meshgate validate` prints them (then `None`:
    /// the command exits 1); warnings are printed to stderr and do not stop the command.
    pub fn load(&self) -> Result<Option<Analysis>, InputError> {
        let analysis = Analysis::load(self.input()?);
        let sources = &analysis.workspace.sources;
        if analysis.has_errors() {
            for d in analysis.problems().iter().filter(|d| d.is_error()) {
                eprint!("{}", diag::render(d, sources, true));
            }
            eprintln!("the configuration is invalid; fix the errors above (`meshgate validate` lists them too)");
            return Ok(None);
        }
        for d in analysis.problems() {
            eprint!("{}", diag::render(d, sources, false));
        }
        Ok(Some(analysis))
    }
}
