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
//! Peers = {
//!   "cluster-02" = {
//!     TrustDomain  = "aaaaaaaa-0000-0000-0000-000000000002.consul"
//!     LocalName    = "cluster-01"            # the name cluster-02 gave this cluster
//!     MeshGateways = ["10.0.2.5:8443"]
//!     CAFile       = "certs/cluster-02-ca.pem"
//!   }
//! }
//! ```
//!
//! `PeerTrustDomains = { "<peer>" = "<td>" }` (the earlier form) still sets trust domains alone.
//!
//! A peer's block says what dialling its exported services needs, facts Consul learns from the
//! peering stream and a static workspace must be told: its trust domain (its SNI names and SPIFFE
//! IDs end in it), the name it gave this cluster when it generated the peering token (its mesh
//! gateways answer `<svc>.<ns>.<ap>.<that name>.external.<its td>`; the local datacenter's name
//! when not given), its mesh gateways' addresses, and its CA (what its certificates chain to).

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
        pub peer_trust_domains: Option<crate::sorted::SortedMap<String, String>>,
        /// Peer name → how to reach and trust it.
        pub peers: Option<PeerFiles>,
    }
}

decode_struct! {
    /// One peer in a settings file.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct PeerFile("a peer block", pascal) {
        pub trust_domain: Option<String>,
        pub local_name: Option<String>,
        pub mesh_gateways: Vec<String>,
        #[serde(rename = "CAFile")]
        pub ca_file: Option<String> ["CAFile", "ca_file"],
    }
}

/// `Peers = { "<peer>" = { … } }`, in the order written.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PeerFiles(pub Vec<(String, PeerFile)>);

#[cfg(test)]
impl crate::decode::Shape for PeerFiles {
    fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
        <PeerFile as crate::decode::Shape>::paths(&crate::decode::join_path(prefix, "*"), out);
    }
}

impl Decode for PeerFiles {
    fn expected() -> &'static str {
        "a map of peer blocks"
    }
    fn decode(node: &crate::syntax::Node, cx: &mut Cx) -> Option<Self> {
        let entries = crate::decode::object_entries(node, cx, Self::expected())?;
        Some(PeerFiles(entries.iter().filter_map(|e| Some((e.key.clone(), PeerFile::decode(&e.value, cx)?))).collect()))
    }
}

/// What a workspace knows of one cluster peer (besides its trust domain).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Peer {
    /// The name the peer gave this cluster (empty: the local datacenter's name).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub local_name: String,
    /// `address:port` of each of its mesh gateways.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mesh_gateways: Vec<String>,
    /// Its CA certificate (PEM path); empty: `<cert-dir>/<peer>-ca.pem`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ca_file: String,
}

/// Whether a file is a workspace's settings file — `meshgate.hcl`, `.json`, `.yaml` or `.yml`
/// (after the last `/`) — rather than config entries: a directory's for the CLI, a workspace
/// file of that name for the playground.
pub fn is_settings_file_name(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.strip_prefix("meshgate.").is_some_and(|ext| matches!(ext, "hcl" | "json" | "yaml" | "yml"))
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
    #[serde(default, skip_serializing_if = "crate::sorted::SortedMap::is_empty")]
    pub peer_trust_domains: crate::sorted::SortedMap<String, String>,
    /// Peer name → how to reach it (see the module docs).
    #[serde(default, skip_serializing_if = "crate::sorted::SortedMap::is_empty")]
    pub peers: crate::sorted::SortedMap<String, Peer>,
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
            peers: Default::default(),
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
        for (name, p) in file.peers.iter().flat_map(|p| &p.0) {
            if let Some(td) = &p.trust_domain {
                self.peer_trust_domains.insert(name.clone(), td.to_ascii_lowercase());
            }
            let peer = self.peers.entry(name.clone()).or_default();
            if let Some(v) = &p.local_name {
                peer.local_name = v.clone();
            }
            if !p.mesh_gateways.is_empty() {
                peer.mesh_gateways = p.mesh_gateways.clone();
            }
            if let Some(v) = &p.ca_file {
                peer.ca_file = v.clone();
            }
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
        let format = Format::of_file(name, text);
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

    /// The name the peer `peer` gave this cluster: the label of the SNI names its mesh gateways
    /// answer for the services it exports to this cluster.
    pub fn name_at_peer(&self, peer: &str) -> &str {
        match self.peers.get(peer) {
            Some(p) if !p.local_name.is_empty() => &p.local_name,
            _ => &self.datacenter,
        }
    }

    /// The SNI a proxy here sends to reach `service` exported by `peer`:
    /// `<svc>.<ns>.<ap>.<our name at the peer>.external.<the peer's td>` — the name the
    /// exporting side computes for this cluster (Consul sends it over the peering stream). A peer
    /// whose trust domain is unknown gets a placeholder that no gateway answers.
    pub fn peer_dial_sni(&self, service: &str, namespace: &str, partition: &str, peer: &str) -> String {
        let td = self.peer_trust_domains.get(peer).cloned().unwrap_or_else(|| format!("{peer}.peering.invalid"));
        crate::names::Sni::peered(service, namespace, partition, self.name_at_peer(peer), &td).to_string()
    }

    /// The peer whose trust domain is `td`, if any.
    pub fn peer_of_trust_domain(&self, td: &str) -> Option<&str> {
        self.peer_trust_domains.iter().find(|(_, t)| t.eq_ignore_ascii_case(td)).map(|(p, _)| p.as_str())
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
