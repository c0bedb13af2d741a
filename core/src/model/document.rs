//! What one parsed document holds: config entries (dispatched on `Kind`) and agent service
//! definitions (`service { … }`, `services = [ … ]`), in any format, and the same as Consul's HTTP
//! API returns them (see `model::api`).

use super::api;
use super::service::ServiceDefinition;
use super::*;
use crate::decode::{key_matches, Cx, Decode};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::{Entry, Node, Value};
use crate::{decode_enum, decode_struct};
use serde::Serialize;

decode_enum! {
    /// The `Kind` of a config entry.
    pub enum EntryKind("a config entry kind") {
        ServiceDefaults = "service-defaults",
        ProxyDefaults = "proxy-defaults",
        ServiceRouter = "service-router",
        ServiceSplitter = "service-splitter",
        ServiceResolver = "service-resolver",
        ServiceIntentions = "service-intentions",
        IngressGateway = "ingress-gateway",
        TerminatingGateway = "terminating-gateway",
        Mesh = "mesh",
        ExportedServices = "exported-services",
        ApiGateway = "api-gateway",
        HttpRoute = "http-route",
        TcpRoute = "tcp-route",
        InlineCertificate = "inline-certificate",
        FileSystemCertificate = "file-system-certificate",
        SamenessGroup = "sameness-group",
        JwtProvider = "jwt-provider",
        ControlPlaneRequestLimit = "control-plane-request-limit",
    }
}

macro_rules! entries {
    ($($variant:ident($ty:ty)),+ $(,)?) => {
        /// A config entry of any kind.
        // Entries are decoded once and held in a list; boxing each kind would buy nothing.
        #[allow(clippy::large_enum_variant)]
        // Serialized as its entry, which writes its own `Kind` first (`#[serde(tag = "Kind")]` on
        // each entry's struct): the same text as an internally tagged enum, without serde's
        // `TaggedSerializer`, which instantiates every entry's `serialize` a second time (~2.6 KB
        // of the playground's wasm, gzip).
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum ConfigEntry {
            $($variant($ty),)+
        }

        impl ConfigEntry {
            pub fn kind(&self) -> EntryKind {
                match self { $(ConfigEntry::$variant(_) => EntryKind::$variant,)+ }
            }

            pub fn name(&self) -> &str {
                match self { $(ConfigEntry::$variant(e) => &e.name,)+ }
            }

            /// The namespace (empty means `default`).
            pub fn namespace(&self) -> &str {
                match self { $(ConfigEntry::$variant(e) => &e.namespace,)+ }
            }

            /// The admin partition (empty means `default`).
            pub fn partition(&self) -> &str {
                match self { $(ConfigEntry::$variant(e) => &e.partition,)+ }
            }

            pub fn origin(&self) -> &crate::decode::Meta {
                match self { $(ConfigEntry::$variant(e) => &e.origin,)+ }
            }

            pub fn validate(&self, cx: &mut Cx) {
                match self { $(ConfigEntry::$variant(e) => e.validate(cx),)+ }
            }

            fn decode_kind(kind: EntryKind, node: &Node, cx: &mut Cx) -> Option<ConfigEntry> {
                match kind { $(EntryKind::$variant => <$ty>::decode(node, cx).map(ConfigEntry::$variant),)+ }
            }
        }

        #[cfg(test)]
        impl ConfigEntry {
            /// Every kind's leaf fields, `(path, sample value)` (see [`crate::decode::Shape`]).
            pub fn shapes() -> Vec<(EntryKind, Vec<(String, String)>)> {
                vec![$({
                    let mut out = Vec::new();
                    <$ty as crate::decode::Shape>::paths("", &mut out);
                    (EntryKind::$variant, out)
                },)+]
            }
        }
    };
}

entries! {
    ServiceDefaults(service_defaults::ServiceDefaults),
    ProxyDefaults(proxy_defaults::ProxyDefaults),
    ServiceRouter(service_router::ServiceRouter),
    ServiceSplitter(service_splitter::ServiceSplitter),
    ServiceResolver(service_resolver::ServiceResolver),
    ServiceIntentions(service_intentions::ServiceIntentions),
    IngressGateway(ingress_gateway::IngressGateway),
    TerminatingGateway(terminating_gateway::TerminatingGateway),
    Mesh(mesh::Mesh),
    ExportedServices(exported_services::ExportedServices),
    ApiGateway(api_gateway::ApiGateway),
    HttpRoute(http_route::HttpRoute),
    TcpRoute(tcp_route::TcpRoute),
    InlineCertificate(inline_certificate::InlineCertificate),
    FileSystemCertificate(file_system_certificate::FileSystemCertificate),
    SamenessGroup(sameness_group::SamenessGroup),
    JwtProvider(jwt_provider::JwtProvider),
    ControlPlaneRequestLimit(control_plane_request_limit::ControlPlaneRequestLimit),
}

/// One decoded thing from a file.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Document {
    Entry(ConfigEntry),
    Service(ServiceDefinition),
}

impl Document {
    pub fn span(&self) -> Span {
        match self {
            Document::Entry(e) => e.origin().span,
            Document::Service(s) => s.origin.span,
        }
    }
}

decode_struct! {
    /// Consul agent configuration's `config_entries { bootstrap = [ … ] }`.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    struct ConfigEntries("a config_entries block", snake) {
        bootstrap: Vec<RawNode>,
    }
}

/// A node kept undecoded, so the dispatcher can decode it by its `Kind`.
#[derive(Clone, Debug, Default, PartialEq)]
struct RawNode(Option<Node>);

impl Serialize for RawNode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

#[cfg(test)]
impl crate::decode::Shape for RawNode {
    fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
        crate::decode::shape_leaf(prefix, "{}", out);
    }
}

impl Decode for RawNode {
    fn expected() -> &'static str {
        "an object"
    }
    fn decode(node: &Node, _cx: &mut Cx) -> Option<Self> {
        Some(RawNode(Some(node.clone())))
    }
}

/// Decodes every config entry and service definition in one parsed document, validating each.
///
/// The document's shape is told once, here: an object with `Kind` is an entry; one with
/// `service`/`services`/`config_entries` holds agent definitions; an object whose every value is
/// an agent service is `/v1/agent/services`; a list holds entries (`/v1/config/<kind>`) or
/// instances of `/v1/catalog/service/<name>` or `/v1/health/service/<name>`, each by its shape.
pub fn decode_documents(node: &Node, cx: &mut Cx) -> Vec<Document> {
    let mut out = Vec::new();
    decode_into(node, cx, &mut out, 0);
    out
}

/// `depth`: 0 for the document, 1 for an element of a top-level list, 2 for an entry of
/// `config_entries.bootstrap`.
fn decode_into(node: &Node, cx: &mut Cx, out: &mut Vec<Document>, depth: usize) {
    let entries = match &node.value {
        Value::Array(items) if depth == 0 => {
            for item in items {
                decode_into(item, cx, out, depth + 1);
            }
            return;
        }
        Value::Object(entries) => entries,
        Value::Null if depth == 0 => return, // an empty YAML document
        _ => {
            cx.error(
                Code::NotAnEntry,
                node.span,
                format!("expected a config entry or a service definition, found {}", node.type_name()),
            );
            return;
        }
    };
    if crate::crd::is_resource(entries) {
        crate::crd::decode_resource(node, cx, out);
        return;
    }
    if let Some(kind_entry) = find(entries, "Kind") {
        // Two `Kind`s (in any spelling) make the entry ambiguous: which one a reader honours
        // differs (Go's JSON decoder takes the last).
        for dup in entries.iter().filter(|e| key_matches(&e.key, "Kind")).skip(1) {
            cx.push(
                Diagnostic::error(Code::DuplicateKey, dup.key_span, format!("`{}` is given more than once", dup.key))
                    .with_related(
                        kind_entry.key_span,
                        format!("remove one of them: `{}` is first given", kind_entry.key),
                    ),
            );
        }
        decode_entry(node, kind_entry, cx, out);
        return;
    }
    if depth == 1 {
        // An element of a top-level list (not of `config_entries.bootstrap`): an instance read from
        // Consul's catalog or health API.
        if let Some(shape) = api::ApiShape::of(entries) {
            if let Some(service) = api::instance(shape, node, entries, cx) {
                push_service(&service, cx, out);
            }
            return;
        }
    }
    if depth == 0 && api::is_agent_services(entries) {
        for e in entries {
            if let Some(service) = api::agent_service(&e.value, cx) {
                push_service(&service, cx, out);
            }
        }
        return;
    }
    let is_agent_key = |e: &Entry| ["service", "services", "config_entries"].iter().any(|k| key_matches(&e.key, k));
    if !entries.iter().any(is_agent_key) {
        let d = Diagnostic::error(
            Code::NotAnEntry,
            node.span,
            "this is neither a config entry (no `Kind`) nor a service definition (no `service` block)",
        )
        .with_note(
            "config entries start with `Kind = \"service-defaults\"` (or another kind); services with `service { … }`",
        );
        cx.push(d);
        return;
    }
    for e in entries {
        if key_matches(&e.key, "service") || key_matches(&e.key, "services") {
            let errors_before = cx.diags.len();
            if let Some(list) = <Vec<ServiceDefinition>>::decode(&e.value, cx) {
                // As for entries: rules assume well-typed fields, so a decode error skips them.
                let clean = !cx.diags.get(errors_before..).unwrap_or_default().iter().any(Diagnostic::is_error);
                for svc in list {
                    if clean {
                        svc.validate(cx);
                    }
                    out.push(Document::Service(svc));
                }
            }
        } else if key_matches(&e.key, "config_entries") {
            if let Some(block) = ConfigEntries::decode(&e.value, cx) {
                for raw in block.bootstrap.iter().filter_map(|r| r.0.as_ref()) {
                    decode_into(raw, cx, out, 2);
                }
            }
        } else {
            let d = Diagnostic::error(
                Code::UnknownKey,
                e.key_span,
                format!("unknown key `{}` beside a service definition", e.key),
            );
            let d = match crate::decode::suggest(&e.key, &["service", "services", "config_entries"]) {
                Some(s) => d.with_note(format!("help: did you mean `{s}`?")).with_fix(s),
                None => d,
            };
            cx.push(d);
        }
    }
}

/// Decodes one registration given as a single object (an instance read from Consul's HTTP API).
fn push_service(node: &Node, cx: &mut Cx, out: &mut Vec<Document>) {
    let errors_before = cx.diags.len();
    if let Some(svc) = ServiceDefinition::decode(node, cx) {
        if !cx.diags.get(errors_before..).unwrap_or_default().iter().any(Diagnostic::is_error) {
            svc.validate(cx);
        }
        out.push(Document::Service(svc));
    }
}

fn find<'e>(entries: &'e [Entry], key: &str) -> Option<&'e Entry> {
    entries.iter().find(|e| key_matches(&e.key, key))
}

fn decode_entry(node: &Node, kind_entry: &Entry, cx: &mut Cx, out: &mut Vec<Document>) {
    let Some(written) = String::decode(&kind_entry.value, cx) else { return };
    let Some(kind) = EntryKind::parse(&written) else {
        let kinds: Vec<&str> = EntryKind::ALL.iter().map(|k| k.as_str()).collect();
        let mut d = Diagnostic::error(
            Code::UnknownKind,
            kind_entry.value.span,
            format!("`{written}` is not a config entry kind meshgate knows"),
        );
        d = match (crate::crd::entry_kind_for_crd_kind(&written), crate::decode::suggest(&written, &kinds)) {
            (Some(k), _) => d.with_note(format!(
                "help: `{written}` is a Kubernetes resource kind: write Kind = \"{k}\" here, or give the resource its `apiVersion`, `metadata` and `spec`"
            )),
            (None, Some(s)) => d.with_note(format!("help: did you mean \"{s}\"?")).with_fix(s),
            (None, None) => d.with_note(format!("known kinds: {}", kinds.join(", "))),
        };
        cx.push(d);
        return;
    };
    decode_typed(kind, node, cx, out);
}

/// Decodes an entry of a known kind and, when it decoded cleanly, validates it.
pub(crate) fn decode_typed(kind: EntryKind, node: &Node, cx: &mut Cx, out: &mut Vec<Document>) {
    let errors_before = cx.diags.len();
    let Some(mut entry) = ConfigEntry::decode_kind(kind, node, cx) else { return };
    // Consul's mesh entry is called `mesh` whether or not `Name` is written (a CRD always names it).
    if let ConfigEntry::Mesh(m) = &mut entry {
        if m.name.is_empty() {
            m.name = super::mesh::MESH_NAME.to_string();
        }
    }
    // Validation rules assume well-typed fields; skip them for an entry that did not decode cleanly
    // so one typo does not cascade into confusing follow-on errors.
    if !cx.diags.get(errors_before..).unwrap_or_default().iter().any(Diagnostic::is_error) {
        entry.validate(cx);
    }
    out.push(Document::Entry(entry));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{d, entry};
    use crate::workspace::Workspace;

    /// What `consul config read` and the HTTP API return: the entry with Consul's bookkeeping.
    #[test]
    fn consul_bookkeeping_keys_are_skipped_on_every_kind() {
        for kind in EntryKind::ALL {
            let json = format!(
                r#"{{"Kind": "{kind}", "Name": "web", "CreateIndex": 12, "ModifyIndex": 34, "Hash": 1234567890123}}"#
            );
            // Keys match as every other key does: any case, `_` ignored.
            let hcl = format!("kind = \"{kind}\"\nname = \"web\"\ncreateindex = 12\nMODIFY_INDEX = 34\nhash = 5\n");
            let yaml =
                format!("Kind: {kind}\nName: web\nCreateIndex: 12\nmodifyIndex: 34\nHash: 18446744073709551615\n");
            for (file, text) in [("e.json", json), ("e.hcl", hcl), ("e.yaml", yaml)] {
                let ws = Workspace::from_text(file, &text);
                let unknown: Vec<_> = ws.diagnostics.iter().filter(|d| d.code == Code::UnknownKey).collect();
                assert!(unknown.is_empty(), "{kind} in {file}: {unknown:#?}");
                assert_eq!(ws.entries().count(), 1, "{kind} in {file}");
            }
        }
    }

    #[test]
    fn every_consul_kind_is_known_and_a_misspelling_gets_a_suggestion() {
        for kind in ["file-system-certificate", "sameness-group", "jwt-provider", "control-plane-request-limit"] {
            assert!(EntryKind::parse(kind).is_some(), "{kind}");
        }
        for (written, want) in [
            ("jwt-providr", "jwt-provider"),
            ("samenes-group", "sameness-group"),
            ("file-system-certficate", "file-system-certificate"),
            ("control-plane-request-limits", "control-plane-request-limit"),
        ] {
            let ws = Workspace::from_text("k.hcl", &format!("Kind = \"{written}\"\nName = \"x\"\n"));
            let d: Vec<_> = ws.diagnostics.iter().filter(|d| d.code == Code::UnknownKind).collect();
            assert_eq!(d.len(), 1, "{written}");
            assert_eq!(d[0].notes, vec![format!("help: did you mean \"{want}\"?")], "{written}");
        }
    }

    #[test]
    fn an_entry_read_back_from_consul_decodes_as_written() {
        let written = entry("w.hcl", "Kind = \"service-defaults\"\nName = \"web\"\nProtocol = \"http\"\n");
        let read = entry(
            "r.json",
            r#"{"Kind": "service-defaults", "Name": "web", "Protocol": "http", "Hash": 9, "CreateIndex": 7, "ModifyIndex": 8}"#,
        );
        assert_eq!(written, read);
        // Only at the top: inside a block they are unknown keys as any other.
        let ws = Workspace::from_text(
            "n.hcl",
            "Kind = \"service-defaults\"\nName = \"web\"\nMeshGateway {\n  Mode = \"local\"\n  CreateIndex = 1\n}\n",
        );
        assert_eq!(crate::model::testing::positions(&ws), vec![d("E0201", 5, 3)]);
    }
}
