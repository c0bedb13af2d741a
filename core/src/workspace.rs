//! A workspace: the files a user gave, decoded and validated together.

use crate::decode::Cx;
use crate::diag::{self, Code, Diagnostic, ResolvedDiagnostic};
use crate::identity::{partition_or_local, ServiceId};
use crate::model::document::EntryKind;
use crate::model::service::ServiceDefinition;
use crate::model::{decode_documents, ConfigEntry, Document};
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{self, Format};

/// One input file. `format: None` picks by [`Format::of_file`]: by extension, then by content.
#[derive(Clone, Debug)]
pub struct InputFile {
    pub name: String,
    pub text: String,
    pub format: Option<Format>,
}

impl InputFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        InputFile { name: name.into(), text: text.into(), format: None }
    }
}

/// Everything decoded from a set of files, with every diagnostic found along the way.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    pub sources: SourceMap,
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Workspace {
    /// Parses, decodes and validates every file; problems in one file do not stop the others.
    pub fn load(files: impl IntoIterator<Item = InputFile>) -> Workspace {
        let mut ws = Workspace::default();
        for file in files {
            ws.add_file(file);
        }
        ws.check();
        ws
    }

    /// Convenience for tests and examples: one file, format from its name or content.
    pub fn from_text(name: &str, text: &str) -> Workspace {
        Workspace::load([InputFile::new(name, text)])
    }

    fn add_file(&mut self, file: InputFile) {
        let format = file.format.unwrap_or_else(|| Format::of_file(&file.name, &file.text));
        let id = self.sources.add(file.name, file.text);
        let text = self.sources.get(id).map(|f| f.text.clone()).unwrap_or_default();
        match syntax::parse(format, id, &text) {
            Ok(nodes) => {
                let mut cx = Cx::new();
                cx.kube = crate::crd::Resources::collect(&nodes);
                for node in &nodes {
                    self.documents.extend(decode_documents(node, &mut cx));
                }
                crate::crd::check_unnamed_filters(&mut cx);
                self.diagnostics.extend(cx.diags);
            }
            Err(diags) => self.diagnostics.extend(diags),
        }
    }

    /// Checks that need more than one entry. The semantics layer extends this.
    fn check(&mut self) {
        self.check_duplicate_entries();
        self.check_default_sameness_groups();
        self.check_name_lengths();
        self.check_unapplied_fields();
        diag::sort(&mut self.diagnostics);
    }

    /// Fields meshgate reads but does not apply are warnings (`W0410`), never dropped silently.
    fn check_unapplied_fields(&mut self) {
        let mut cx = Cx::new();
        crate::plan::unapplied::check(self, &mut cx);
        self.diagnostics.extend(cx.diags);
    }

    /// No name the plan carries may be longer than the filter accepts
    /// ([`crate::gateway::MAX_NAME_BYTES`]): entry names and tenancy, intention sources, service
    /// registrations.
    fn check_name_lengths(&mut self) {
        let max = crate::gateway::MAX_NAME_BYTES;
        let mut found = Vec::new();
        let mut check = |what: &str, value: &str, span: Span| {
            if value.len() > max {
                found.push(Diagnostic::error(
                    Code::InvalidName,
                    span,
                    format!("{what} is {} bytes long; names are at most {max} bytes", value.len()),
                ));
            }
        };
        for entry in self.entries() {
            let span = entry.origin().span;
            check("the entry's name", entry.name(), span);
            check("the namespace", entry.namespace(), span);
            check("the partition", entry.partition(), span);
            if let ConfigEntry::ServiceIntentions(e) = entry {
                for s in &e.sources {
                    for (what, v) in [
                        ("the source's name", &s.name),
                        ("the source's namespace", &s.namespace),
                        ("the source's partition", &s.partition),
                        ("the source's peer", &s.peer),
                    ] {
                        check(what, v, s.origin.span);
                    }
                }
            }
        }
        for svc in self.services() {
            let span = svc.origin.span;
            for (what, v) in [
                ("the service's name", &svc.name),
                ("the service's id", &svc.id),
                ("the namespace", &svc.namespace),
                ("the partition", &svc.partition),
            ] {
                check(what, v, span);
            }
        }
        self.diagnostics.extend(found);
    }

    /// One sameness group per partition may be the failover default: which one Consul would
    /// use is otherwise undefined, so it refuses the second (first by file order is kept here).
    fn check_default_sameness_groups(&mut self) {
        let mut first: crate::sorted::SortedMap<&str, (&str, Span)> = Default::default();
        let mut found = Vec::new();
        for entry in self.entries() {
            let ConfigEntry::SamenessGroup(g) = entry else { continue };
            if !g.default_for_failover {
                continue;
            }
            let partition = crate::identity::or_default(&g.partition);
            let at = g.origin.field("default_for_failover");
            match first.get(partition) {
                Some((name, span)) if *name != g.name.as_str() => found.push(
                    Diagnostic::error(
                        Code::DefaultSamenessGroupTwice,
                        at,
                        format!(
                            "sameness group `{}` is DefaultForFailover in partition `{partition}`, but so is `{name}`",
                            g.name
                        ),
                    )
                    .with_related(*span, "the partition's failover default is already set here")
                    .with_note(
                        "a partition has at most one DefaultForFailover sameness group; set it on one group only",
                    ),
                ),
                Some(_) => {} // the same group twice is E0401
                None => {
                    first.insert(partition, (g.name.as_str(), at));
                }
            }
        }
        self.diagnostics.extend(found);
    }

    fn check_duplicate_entries(&mut self) {
        fn key(entry: &ConfigEntry) -> (&str, &str, &str, &str) {
            let name = match entry {
                ConfigEntry::Mesh(m) => m.effective_name(),
                _ => entry.name(),
            };
            (entry.kind().as_str(), name, entry.namespace(), entry.partition())
        }
        let entries: Vec<&ConfigEntry> = self.entries().collect();
        // Each key's first entry, collected (one sort; a workspace may hold many thousands of
        // entries): from the last entry back, so that the first one is the one kept.
        let first: crate::sorted::SortedMap<_, usize> =
            entries.iter().enumerate().rev().map(|(i, e)| (key(e), i)).collect();
        let mut found = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            let Some(&at) = first.get(&key(entry)) else { continue };
            let Some(earlier) = entries.get(at).filter(|_| at != i) else { continue };
            let where_first = self.sources.location(earlier.origin().span).map(|l| l.to_string()).unwrap_or_default();
            found.push(
                Diagnostic::error(
                    Code::DuplicateEntry,
                    entry.origin().span,
                    format!("{} `{}` is defined twice", entry.kind(), entry.name()),
                )
                .with_note(format!("first defined at {where_first}")),
            );
        }
        self.diagnostics.extend(found);
    }

    pub fn entries(&self) -> impl DoubleEndedIterator<Item = &ConfigEntry> {
        self.documents.iter().filter_map(|d| match d {
            Document::Entry(e) => Some(e),
            Document::Service(_) => None,
        })
    }

    pub fn services(&self) -> impl Iterator<Item = &ServiceDefinition> {
        self.documents.iter().filter_map(|d| match d {
            Document::Service(s) => Some(s),
            Document::Entry(_) => None,
        })
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// Diagnostics with file:line:col resolved (the form the CLI's JSON and the page use).
    pub fn resolved_diagnostics(&self) -> Vec<ResolvedDiagnostic> {
        self.diagnostics.iter().map(|d| d.resolve(&self.sources)).collect()
    }

    pub fn file_id(&self, name: &str) -> Option<FileId> {
        self.sources.files().find(|(_, f)| f.name == name).map(|(id, _)| id)
    }
}

/// A workspace's config entries by kind and service, for lookups instead of scans. Built once
/// per compilation, when the local partition is known: an entry written without a partition
/// belongs to it (as in Consul, where it is the agent's). The first of duplicate entries wins
/// (the others are reported by [`Workspace::load`]).
#[derive(Clone, Debug)]
pub struct Entries<'w> {
    local_partition: &'w str,
    by_id: crate::sorted::SortedMap<(EntryKind, ServiceId), &'w ConfigEntry>,
    /// Per partition, its failover-default sameness group: asked once per compiled chain, so a
    /// scan of every entry there made compiling a workspace quadratic in its size.
    default_sameness: Vec<(String, &'w crate::model::sameness_group::SamenessGroup)>,
}

impl<'w> Entries<'w> {
    pub fn new(ws: &'w Workspace, local_partition: &'w str) -> Entries<'w> {
        // Collected (one sort for many thousands of entries) from the last entry back, so that of
        // two entries for one id the first is kept.
        let by_id: crate::sorted::SortedMap<(EntryKind, ServiceId), &'w ConfigEntry> = ws
            .entries()
            .rev()
            .map(|entry| {
                let name = match entry {
                    ConfigEntry::Mesh(m) => m.effective_name(),
                    _ => entry.name(),
                };
                let id =
                    ServiceId::new(name, entry.namespace(), partition_or_local(entry.partition(), local_partition));
                ((entry.kind(), id), entry)
            })
            .collect();
        let mut default_sameness: Vec<(String, &'w crate::model::sameness_group::SamenessGroup)> = Vec::new();
        // In key order (kind, then name), so the first by name is the one kept.
        for ((kind, id), entry) in &by_id {
            if let (EntryKind::SamenessGroup, ConfigEntry::SamenessGroup(g)) = (*kind, *entry) {
                if g.default_for_failover && !default_sameness.iter().any(|(p, _)| *p == id.partition) {
                    default_sameness.push((id.partition.to_string(), g));
                }
            }
        }
        Entries { local_partition, by_id, default_sameness }
    }

    /// The entry of `kind` for `id`.
    pub fn get(&self, kind: EntryKind, id: &ServiceId) -> Option<&'w ConfigEntry> {
        self.by_id.get(&(kind, id.clone())).copied()
    }

    /// An entry's service, with the local-partition rule applied.
    pub fn id_of(&self, entry: &ConfigEntry) -> ServiceId {
        ServiceId::new(entry.name(), entry.namespace(), partition_or_local(entry.partition(), self.local_partition))
    }

    pub fn local_partition(&self) -> &'w str {
        self.local_partition
    }
}

/// Typed lookups: `entries.service_defaults(&id)`.
macro_rules! typed_lookups {
    ($($fn:ident: $variant:ident => $ty:ty),+ $(,)?) => {
        impl<'w> Entries<'w> {
            $(
                pub fn $fn(&self, id: &ServiceId) -> Option<&'w $ty> {
                    match self.get(EntryKind::$variant, id)? {
                        ConfigEntry::$variant(e) => Some(e),
                        _ => None,
                    }
                }
            )+
        }
    };
}

typed_lookups! {
    service_defaults: ServiceDefaults => crate::model::service_defaults::ServiceDefaults,
    service_router: ServiceRouter => crate::model::service_router::ServiceRouter,
    service_splitter: ServiceSplitter => crate::model::service_splitter::ServiceSplitter,
    service_resolver: ServiceResolver => crate::model::service_resolver::ServiceResolver,
    ingress_gateway: IngressGateway => crate::model::ingress_gateway::IngressGateway,
    terminating_gateway: TerminatingGateway => crate::model::terminating_gateway::TerminatingGateway,
    api_gateway: ApiGateway => crate::model::api_gateway::ApiGateway,
}

impl<'w> Entries<'w> {
    /// The partition's proxy-defaults (`global`).
    pub fn proxy_defaults(&self, partition: &str) -> Option<&'w crate::model::proxy_defaults::ProxyDefaults> {
        match self.get(EntryKind::ProxyDefaults, &ServiceId::new("global", "", partition))? {
            ConfigEntry::ProxyDefaults(e) => Some(e),
            _ => None,
        }
    }

    /// The sameness group `name` of `partition` (a group belongs to a partition, as its
    /// `default` namespace).
    pub fn sameness_group(
        &self,
        name: &str,
        partition: &str,
    ) -> Option<&'w crate::model::sameness_group::SamenessGroup> {
        match self.get(EntryKind::SamenessGroup, &ServiceId::new(name, "", partition))? {
            ConfigEntry::SamenessGroup(e) => Some(e),
            _ => None,
        }
    }

    /// The partition's sameness group with `DefaultForFailover = true` (the first by name, when
    /// several say so).
    pub fn default_sameness_group(&self, partition: &str) -> Option<&'w crate::model::sameness_group::SamenessGroup> {
        let partition = crate::identity::or_default(partition);
        self.default_sameness.iter().find(|(p, _)| p.as_str() == partition).map(|(_, g)| *g)
    }

    /// The partition's mesh entry.
    pub fn mesh(&self, partition: &str) -> Option<&'w crate::model::mesh::Mesh> {
        match self.get(EntryKind::Mesh, &ServiceId::new("mesh", "", partition))? {
            ConfigEntry::Mesh(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{d, positions};

    /// Consul's CLI reads input starting with `{` as JSON, whatever the file's name.
    #[test]
    fn json_pasted_into_a_hcl_file_reads_as_json_at_its_own_positions() {
        let text = "\n  {\n    \"Kind\": \"mesh\",\n    \"Bogus\": 1\n  }\n";
        let ws = Workspace::from_text("pasted.hcl", text);
        assert_eq!(ws.entries().map(|e| e.kind()).collect::<Vec<_>>(), vec![EntryKind::Mesh]);
        assert_eq!(positions(&ws), vec![d("E0201", 4, 5)]);
        let span = ws.diagnostics.first().and_then(|d| d.span).expect("a span");
        assert_eq!(ws.sources.location(span).map(|l| l.to_string()), Some("pasted.hcl:4:5".to_string()));
        // A JSON syntax error is JSON's, at the trailing comma.
        let ws = Workspace::from_text("pasted.hcl", "{\n  \"Kind\": \"mesh\",\n}\n");
        assert_eq!(positions(&ws), vec![d(Code::JsonSyntax.as_str(), 2, 17)]);
        // The settings file is chosen the same way.
        let mut sources = SourceMap::new();
        let settings = crate::settings::Settings::read_file("meshgate.hcl", "{\"datacenter\": \"dc2\"}", &mut sources);
        assert!(settings.is_ok(), "{settings:?}");
    }

    /// Consul refuses a second DefaultForFailover group in a partition; other partitions, and
    /// groups that are not the default, are free.
    #[test]
    fn a_second_default_for_failover_group_in_a_partition_is_refused_at_its_flag() {
        let group = |name: &str, partition: &str, default: bool| {
            InputFile::new(
                format!("{name}-{partition}.hcl"),
                format!(
                    "Kind = \"sameness-group\"\nName = \"{name}\"\nPartition = \"{partition}\"\nDefaultForFailover = {default}\nMembers = [{{ Partition = \"{partition}\" }}, {{ Peer = \"west\" }}]\n"
                ),
            )
        };
        let ws =
            Workspace::load([group("east", "ap1", true), group("west", "ap1", true), group("other", "ap1", false)]);
        assert_eq!(positions(&ws), vec![d(Code::DefaultSamenessGroupTwice.as_str(), 4, 22)]);
        let e = ws.errors().next().expect("one error");
        assert_eq!(ws.sources.location(e.span.expect("a span")).map(|l| l.file.clone()), Some("west-ap1.hcl".into()));
        assert!(e.message.contains("`west`") && e.message.contains("`east`"), "{}", e.message);
        let ws =
            Workspace::load([group("east", "ap1", true), group("west", "ap2", true), group("third", "default", true)]);
        assert!(!ws.has_errors(), "{:?}", ws.diagnostics);
    }

    #[test]
    fn names_longer_than_the_filter_accepts_are_errors_at_their_place() {
        let long = "a".repeat(crate::gateway::MAX_NAME_BYTES + 1);
        let ws = Workspace::from_text(
            "i.hcl",
            &format!("Kind = \"service-intentions\"\nName = \"web\"\nSources = [{{ Name = \"{long}\", Action = \"allow\" }}]\n"),
        );
        let d = ws.errors().find(|d| d.code == Code::InvalidName).expect("an error for the long source name");
        assert!(d.message.contains("257 bytes"), "{}", d.message);
        assert_eq!(ws.sources.location(d.span.expect("a span")).map(|l| l.start.line), Some(3));
    }
}
