//! Kubernetes resources as input: Consul's CRDs (`consul.hashicorp.com/v1alpha1`), the Gateway
//! API (`gateway.networking.k8s.io`) and TLS Secrets, each mapped to the config entry consul-k8s
//! writes to Consul for it.
//!
//! A resource is mapped to the same value tree an HCL/JSON/YAML entry parses to, with the spans of
//! the resource's own lines, and then decoded by the one entry decoder. Inside a Consul CRD's
//! `spec` the decoder runs with [`Cx::crd_keys`] set: field names are the CRD's exact camelCase.
//!
//! Namespaces: consul-k8s writes entries to Consul's `default` namespace (in Consul CE, to no
//! namespace) unless namespace mirroring is on, so `metadata.namespace` is read and ignored;
//! `spec.destination.namespace` of a ServiceIntentions is the Consul namespace it names.

mod gateway_api;
pub use gateway_api::check_unnamed_filters;
mod gateway_policy;
mod gateway_write;
pub mod tree;
pub mod write;

use crate::decode::Cx;
use crate::diag::{Code, Diagnostic};
use crate::model::document::{decode_typed, Document, EntryKind};
use crate::source::Span;
use crate::syntax::{Entry, Node, Value};
use tree::{field, object, string, Fields};

/// The API group of Consul's CRDs, and the one version consul-k8s serves them at.
pub const CONSUL_GROUP: &str = "consul.hashicorp.com";
pub const CONSUL_VERSION: &str = "v1alpha1";
pub const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// Consul CRD kinds and the config entry each becomes.
pub const CONSUL_KINDS: &[(&str, EntryKind)] = &[
    ("ServiceDefaults", EntryKind::ServiceDefaults),
    ("ProxyDefaults", EntryKind::ProxyDefaults),
    ("ServiceRouter", EntryKind::ServiceRouter),
    ("ServiceSplitter", EntryKind::ServiceSplitter),
    ("ServiceResolver", EntryKind::ServiceResolver),
    ("ServiceIntentions", EntryKind::ServiceIntentions),
    ("IngressGateway", EntryKind::IngressGateway),
    ("TerminatingGateway", EntryKind::TerminatingGateway),
    ("Mesh", EntryKind::Mesh),
    ("ExportedServices", EntryKind::ExportedServices),
    ("SamenessGroup", EntryKind::SamenessGroup),
    ("JWTProvider", EntryKind::JwtProvider),
    ("ControlPlaneRequestLimit", EntryKind::ControlPlaneRequestLimit),
];

/// Consul CRDs that are no entry of their own: route filters an HTTPRoute names by
/// `ExtensionRef`, `MeshService`, a backend an HTTPRoute or TCPRoute names, and `GatewayPolicy`,
/// merged into the Gateway listener it targets.
pub const CONSUL_REFERENCED_KINDS: &[&str] =
    &["RouteRetryFilter", "RouteTimeoutFilter", "RouteAuthFilter", "MeshService", gateway_policy::KIND];

/// Consul CRDs read and ignored: they configure how Kubernetes deploys gateway pods, nothing a
/// config entry holds.
pub const CONSUL_IGNORED_KINDS: &[&str] = &["GatewayClassConfig"];

/// The CRD kind of an entry kind, if consul-k8s has one (the Gateway API kinds for API gateways
/// and their routes).
pub fn crd_kind(kind: EntryKind) -> Option<(&'static str, &'static str)> {
    if let Some((k, _)) = CONSUL_KINDS.iter().find(|(_, e)| *e == kind) {
        return Some((k, "consul.hashicorp.com/v1alpha1"));
    }
    match kind {
        EntryKind::ApiGateway => Some(("Gateway", "gateway.networking.k8s.io/v1")),
        EntryKind::HttpRoute => Some(("HTTPRoute", "gateway.networking.k8s.io/v1")),
        EntryKind::TcpRoute => Some(("TCPRoute", "gateway.networking.k8s.io/v1alpha2")),
        _ => None,
    }
}

/// Is this object a Kubernetes resource (it has `apiVersion`)?
pub fn is_resource(entries: &[Entry]) -> bool {
    entries.iter().any(|e| e.key == "apiVersion")
}

/// The resources of one file other resources refer to by name: route filters and mesh services.
#[derive(Clone, Debug, Default)]
pub struct Resources {
    /// (kind, metadata.name, spec)
    items: Vec<(String, String, Node)>,
    /// Parallel to `items`: has a route or backend named it?
    named: Vec<bool>,
}

impl Resources {
    pub fn collect(nodes: &[Node]) -> Resources {
        let mut items = Vec::new();
        for node in nodes {
            let list: Vec<&Node> = match &node.value {
                Value::Array(items) => items.iter().collect(),
                _ => vec![node],
            };
            for n in list {
                let get = |key: &str| n.as_object().and_then(|o| o.iter().find(|e| e.key == key)).map(|e| &e.value);
                let Some(kind) = get("kind").and_then(Node::as_str) else { continue };
                if !CONSUL_REFERENCED_KINDS.contains(&kind) {
                    continue;
                }
                let name = get("metadata").and_then(|m| m.get("name")).and_then(|e| e.value.as_str());
                if let (Some(name), Some(spec)) = (name, get("spec")) {
                    items.push((kind.to_string(), name.to_string(), spec.clone()));
                }
            }
        }
        let named = vec![false; items.len()];
        Resources { items, named }
    }

    /// The spec of the resource of this kind and name, which counts as named from now on.
    pub fn find(&mut self, kind: &str, name: &str) -> Option<&Node> {
        let i = self.items.iter().position(|(k, n, _)| k == kind && n == name)?;
        if let Some(named) = self.named.get_mut(i) {
            *named = true;
        }
        self.items.get(i).map(|(_, _, s)| s)
    }

    /// The GatewayPolicies targeting this Gateway: (metadata.name, spec), named from now on.
    pub fn take_policies(&mut self, gateway: &str) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        for ((kind, name, spec), named) in self.items.iter().zip(self.named.iter_mut()) {
            if kind == gateway_policy::KIND && gateway_policy::target_name(spec) == Some(gateway) {
                *named = true;
                out.push((name.clone(), spec.clone()));
            }
        }
        out
    }

    /// The resources nothing named: (kind, metadata.name, spec).
    pub fn unnamed(&self) -> impl Iterator<Item = &(String, String, Node)> {
        self.items.iter().zip(&self.named).filter(|(_, named)| !**named).map(|(item, _)| item)
    }
}

/// What every resource has: its kind, its name and where they were written.
pub struct Header<'n> {
    pub kind: &'n str,
    pub kind_span: Span,
    pub name: &'n str,
    pub name_span: Span,
    /// The Kubernetes namespace (`default` when not given), for names consul-k8s derives from it.
    pub namespace: &'n str,
    pub span: Span,
}

/// Decodes one Kubernetes resource into the entries it maps to.
pub fn decode_resource(node: &Node, cx: &mut Cx, out: &mut Vec<Document>) {
    let Some(mut top) = Fields::of(node, "a Kubernetes resource", cx) else { return };
    let api_version = top.str("apiVersion", cx);
    let kind = top.str("kind", cx);
    let metadata = top.node("metadata");
    let spec = top.take("spec");
    let data = top.take("data");
    let string_data = top.take("stringData");
    let secret_type = top.take("type");
    let list_items = top.take("items");
    top.ignore(&["status", "immutable"]);
    let Some((api_version, version_span)) = api_version else { return };
    let Some((kind, kind_span)) = kind else {
        cx.error(Code::MissingField, node.span, "this Kubernetes resource has no `kind`");
        return;
    };
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    // `kubectl get … -o yaml` prints a `List` of the resources.
    if group.is_empty() && kind == "List" {
        top.finish(cx);
        for item in list_items.map(|e| tree::items(&e.value, cx)).unwrap_or_default() {
            match item.as_object() {
                Some(entries) if is_resource(entries) => decode_resource(&item, cx, out),
                _ => cx.error(Code::NotAnEntry, item.span, "an item of a List must be a Kubernetes resource"),
            }
        }
        return;
    }
    if let Some(e) = list_items {
        cx.error(Code::UnknownKey, e.key_span, "unknown field `items` in a Kubernetes resource");
    }
    // Only a Secret has `data`/`stringData`/`type`; anywhere else they are unknown fields.
    let is_secret = group.is_empty() && kind == "Secret";
    top.finish_unless(is_secret, [data, string_data, secret_type], cx);

    let Some(header) = read_metadata(metadata, node, kind, kind_span, cx) else { return };
    match group {
        CONSUL_GROUP => {
            if version != CONSUL_VERSION {
                cx.error(
                    Code::UnknownResourceKind,
                    version_span,
                    format!("Consul's CRDs are served at `{CONSUL_GROUP}/{CONSUL_VERSION}`, not `{api_version}`"),
                );
                return;
            }
            if let Some((_, entry_kind)) = CONSUL_KINDS.iter().find(|(k, _)| *k == kind) {
                consul_entry(*entry_kind, &header, spec, cx, out);
            } else if !CONSUL_REFERENCED_KINDS.contains(&kind) && !CONSUL_IGNORED_KINDS.contains(&kind) {
                unknown_kind(kind, kind_span, CONSUL_GROUP, cx);
            }
        }
        GATEWAY_GROUP => gateway_api::decode(group, version, version_span, &header, spec, cx, out),
        "" if is_secret => gateway_api::secret(&header, secret_type, cx, out),
        _ => cx.warning(
            Code::IgnoredResource,
            kind_span,
            format!("`{kind}` ({api_version}) is not a Consul resource; meshgate ignores it"),
        ),
    }
}

impl Fields<'_> {
    /// Reports the keys not taken, except a Secret's own fields on a Secret.
    fn finish_unless<const N: usize>(self, secret: bool, secret_fields: [Option<&Entry>; N], cx: &mut Cx) {
        if !secret {
            for e in secret_fields.into_iter().flatten() {
                cx.error(Code::UnknownKey, e.key_span, format!("unknown field `{}` in a Kubernetes resource", e.key));
            }
        }
        self.finish(cx);
    }
}

fn read_metadata<'n>(
    metadata: Option<&'n Node>,
    node: &Node,
    kind: &'n str,
    kind_span: Span,
    cx: &mut Cx,
) -> Option<Header<'n>> {
    let Some(metadata) = metadata else {
        cx.error(
            Code::MissingField,
            node.span,
            format!("this {kind} has no `metadata` (its name goes in metadata.name)"),
        );
        return None;
    };
    let mut m = Fields::of(metadata, "metadata", cx)?;
    let name = m.str("name", cx);
    let namespace = m.str("namespace", cx);
    // Kubernetes' bookkeeping and labels: nothing Consul reads.
    m.ignore(&[
        "labels",
        "annotations",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "finalizers",
        "managedFields",
        "ownerReferences",
        "generateName",
        "selfLink",
    ]);
    m.finish(cx);
    let Some((name, name_span)) = name else {
        cx.error(Code::MissingField, metadata.span, format!("this {kind} has no `metadata.name`"));
        return None;
    };
    Some(Header {
        kind,
        kind_span,
        name,
        name_span,
        namespace: namespace.map(|(n, _)| n).unwrap_or("default"),
        span: node.span,
    })
}

fn unknown_kind(kind: &str, span: Span, group: &str, cx: &mut Cx) {
    let mut known: Vec<&str> = CONSUL_KINDS.iter().map(|(k, _)| *k).collect();
    known.extend(CONSUL_REFERENCED_KINDS);
    known.extend(gateway_api::KINDS);
    let mut d =
        Diagnostic::error(Code::UnknownResourceKind, span, format!("`{kind}` is not a {group} kind meshgate reads"));
    d = match crate::decode::suggest(kind, &known) {
        Some(s) => d.with_note(format!("help: did you mean `{s}`?")).with_fix(s),
        None => d.with_note(format!("known kinds: {}", known.join(", "))),
    };
    cx.push(d);
}

/// Spec fields a config entry has at its top but a CRD takes from elsewhere.
const NOT_IN_SPEC: &[(&str, &str)] = &[
    ("name", "the entry's name is metadata.name"),
    ("kind", "the kind is the resource's `kind`"),
    ("namespace", "consul-k8s picks the Consul namespace; metadata.namespace is the Kubernetes one"),
    ("partition", "consul-k8s writes to the partition it is installed in"),
    ("meta", "consul-k8s sets the entry's Meta itself"),
];

/// A Consul CRD: its spec, with the entry's name (and for intentions, the destination) lifted.
fn consul_entry(kind: EntryKind, header: &Header, spec: Option<&Entry>, cx: &mut Cx, out: &mut Vec<Document>) {
    let spec_node = spec.map(|e| e.value.clone()).unwrap_or_else(|| object(Vec::new(), header.span));
    let Some(spec_entries) = (match &spec_node.value {
        Value::Object(entries) => Some(entries.clone()),
        Value::Null => Some(Vec::new()),
        _ => {
            cx.type_error(&spec_node, "a spec (an object)");
            None
        }
    }) else {
        return;
    };
    let mut entries = vec![field("Kind", header.kind_span, string(kind.as_str(), header.kind_span))];
    if kind != EntryKind::ServiceIntentions {
        entries.push(field("name", header.name_span, string(header.name, header.name_span)));
    }
    for e in spec_entries {
        if kind == EntryKind::ServiceIntentions && e.key == "destination" {
            intention_destination(&e, &mut entries, cx);
            continue;
        }
        if let Some((_, why)) = NOT_IN_SPEC.iter().find(|(k, _)| crate::decode::key_matches(&e.key, k)) {
            cx.push(
                Diagnostic::error(
                    Code::UnknownKey,
                    e.key_span,
                    format!("unknown field `{}` in a {} spec", e.key, header.kind),
                )
                .with_note(why.to_string()),
            );
            continue;
        }
        entries.push(e);
    }
    if kind == EntryKind::ServiceIntentions && !entries.iter().any(|e| e.key == "name") {
        cx.error(
            Code::MissingField,
            spec.map(|s| s.key_span).unwrap_or(header.span),
            "a ServiceIntentions needs `spec.destination.name`: the service the intentions protect",
        );
        return;
    }
    let mapped = object(entries, header.span);
    let was = std::mem::replace(&mut cx.crd_keys, true);
    decode_typed(kind, &mapped, cx, out);
    cx.crd_keys = was;
}

/// `spec.destination: {name, namespace}` is the entry's Name and Namespace.
fn intention_destination(e: &Entry, entries: &mut Vec<Entry>, cx: &mut Cx) {
    let Some(mut d) = Fields::of(&e.value, "a ServiceIntentions destination", cx) else { return };
    for key in ["name", "namespace"] {
        if let Some(f) = d.take(key) {
            entries.push(field(key, f.key_span, f.value.clone()));
        }
    }
    d.finish(cx);
}

/// A did-you-mean for a config entry `Kind` written as a CRD kind without `apiVersion`.
pub fn entry_kind_for_crd_kind(written: &str) -> Option<EntryKind> {
    CONSUL_KINDS.iter().find(|(k, _)| k.eq_ignore_ascii_case(written)).map(|(_, e)| *e).or(match written {
        "Gateway" => Some(EntryKind::ApiGateway),
        "HTTPRoute" => Some(EntryKind::HttpRoute),
        "TCPRoute" => Some(EntryKind::TcpRoute),
        _ => None,
    })
}

#[cfg(test)]
mod tests;
