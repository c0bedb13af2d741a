//! Workspace settings: the facts about the running mesh that config entries do not carry.
//!
//! From flags (`--datacenter`, `--trust-domain`, `--default-intention-policy`, ...) or a settings
//! file in any of the three formats:
//!
//! ```hcl
//! Datacenter             = "dc1"
//! Partition              = "default"
//! TrustDomain            = "11111111-2222-3333-4444-555555555555.consul"
//! DefaultIntentionPolicy = "deny"
//! Mode                   = "enforce"   # or "audit": decide and count, never block
//! PeerTrustDomains = {
//!   "cluster-01" = "aaaaaaaa-0000-0000-0000-000000000001.consul"
//! }
//! ```

use crate::decode::{Cx, Decode};
use crate::diag::{Code, Diagnostic};
use crate::intentions::Action;
use crate::source::SourceMap;
use crate::syntax::{self, Format};
use crate::{decode_enum, decode_struct};
use serde::Serialize;

pub const DEFAULT_DATACENTER: &str = "dc1";
pub const DEFAULT_TRUST_DOMAIN: &str = "11111111-2222-3333-4444-555555555555.consul";

decode_enum! {
    #[derive(Default)]
    pub enum PolicyName("a default intention policy") {
        #[default]
        Allow = "allow",
        Deny = "deny",
    }
}

decode_enum! {
    /// Enforce decisions, or only record them.
    #[derive(Default)]
    pub enum EnforcementMode("an enforcement mode") {
        #[default]
        Enforce = "enforce",
        Audit = "audit",
    }
}

decode_struct! {
    /// The settings file's shape; every field optional.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct SettingsFile("a settings file", pascal) {
        pub datacenter: Option<String>,
        pub partition: Option<String>,
        pub trust_domain: Option<String>,
        pub default_intention_policy: Option<PolicyName>,
        pub mode: Option<EnforcementMode>,
        /// Peer name → that cluster's trust domain (peered SNI names end with it).
        pub peer_trust_domains: Option<std::collections::BTreeMap<String, String>>,
    }
}

/// Resolved settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Settings {
    pub datacenter: String,
    pub partition: String,
    pub trust_domain: String,
    pub default_intention_policy: Action,
    pub mode: Mode,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub peer_trust_domains: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Enforce,
    Audit,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Audit => "audit",
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            datacenter: DEFAULT_DATACENTER.into(),
            partition: crate::identity::DEFAULT.into(),
            trust_domain: DEFAULT_TRUST_DOMAIN.into(),
            default_intention_policy: Action::Allow,
            mode: Mode::Enforce,
            peer_trust_domains: Default::default(),
        }
    }
}

impl Settings {
    /// Applies what a settings file sets on top of `self`.
    pub fn apply(&mut self, file: &SettingsFile) {
        if let Some(v) = &file.datacenter {
            self.datacenter = v.clone();
        }
        if let Some(v) = &file.partition {
            self.partition = v.clone();
        }
        if let Some(v) = &file.trust_domain {
            self.trust_domain = v.to_ascii_lowercase();
        }
        if let Some(p) = file.default_intention_policy {
            self.default_intention_policy = match p {
                PolicyName::Allow => Action::Allow,
                PolicyName::Deny => Action::Deny,
            };
        }
        if let Some(peers) = &file.peer_trust_domains {
            self.peer_trust_domains.extend(peers.iter().map(|(k, v)| (k.clone(), v.to_ascii_lowercase())));
        }
        if let Some(m) = file.mode {
            self.mode = match m {
                EnforcementMode::Enforce => Mode::Enforce,
                EnforcementMode::Audit => Mode::Audit,
            };
        }
    }

    /// Reads a settings file. Diagnostics point into `sources`, where the file is added.
    pub fn read_file(name: &str, text: &str, sources: &mut SourceMap) -> Result<SettingsFile, Vec<Diagnostic>> {
        let format = Format::from_path(name).unwrap_or_else(|| Format::sniff(text));
        let id = sources.add(name, text);
        let nodes = syntax::parse(format, id, text)?;
        let mut cx = Cx::new();
        let Some(node) = nodes.first() else {
            return Err(vec![Diagnostic::error(Code::NotAnEntry, None, format!("{name}: the settings file is empty"))]);
        };
        let parsed = SettingsFile::decode(node, &mut cx);
        if let Some(f) = &parsed {
            for (value, field) in [(&f.datacenter, "datacenter"), (&f.partition, "partition")] {
                if let Some(v) = value {
                    if let Err(why) = crate::model::common::check_name(v) {
                        cx.error(Code::InvalidName, f.origin.field(field), format!("{field} `{v}` {why}"));
                    }
                }
            }
        }
        match parsed {
            Some(f) if !cx.has_errors() => Ok(f),
            _ => Err(cx.diags),
        }
    }

    /// Checks flag values the way a settings file's would be checked.
    pub fn check(&self) -> Result<(), String> {
        crate::model::common::check_name(&self.datacenter)
            .map_err(|why| format!("datacenter `{}` {why}", self.datacenter))?;
        crate::model::common::check_name(&self.partition)
            .map_err(|why| format!("partition `{}` {why}", self.partition))?;
        if self.trust_domain.is_empty() || self.trust_domain.contains(['/', ':', ' ']) {
            return Err(format!("trust domain `{}` is not a DNS name like `<uuid>.consul`", self.trust_domain));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_consuls_without_acls() {
        let s = Settings::default();
        assert_eq!(s.datacenter, "dc1");
        assert_eq!(s.default_intention_policy, Action::Allow);
        assert_eq!(s.mode, Mode::Enforce);
        assert!(s.check().is_ok());
    }

    #[test]
    fn a_settings_file_overrides_what_it_sets() {
        let mut sources = SourceMap::new();
        let file = Settings::read_file(
            "meshgate.hcl",
            "Datacenter = \"east\"\ndefault_intention_policy = \"deny\"\n",
            &mut sources,
        )
        .unwrap();
        let mut s = Settings::default();
        s.apply(&file);
        assert_eq!(s.datacenter, "east");
        assert_eq!(s.default_intention_policy, Action::Deny);
        assert_eq!(s.trust_domain, DEFAULT_TRUST_DOMAIN);
    }

    #[test]
    fn a_bad_settings_file_reports_where() {
        let mut sources = SourceMap::new();
        let err = Settings::read_file("s.yaml", "DefaultIntentionPolicy: maybe\n", &mut sources).unwrap_err();
        assert_eq!(err[0].code, Code::InvalidEnum);
        let loc = sources.location(err[0].span.unwrap()).unwrap();
        assert_eq!(loc.to_string(), "s.yaml:1:25");
    }
}
