//! What Consul's HTTP API returns for services, read as service registrations: users paste
//! `/v1/agent/services`, `/v1/catalog/service/<name>` and `/v1/health/service/<name>` as they
//! come. (`/v1/config/<kind>` is a list of config entries, which the dispatcher already reads.)
//!
//! Each instance is rewritten into the value tree a `service { … }` definition decodes from —
//! the keys renamed, Consul's bookkeeping dropped, every value and key keeping its own span — and
//! then decoded as one, so every mistake is reported where it was written.

use crate::decode::{key_matches, suggest, Cx};
use crate::diag::{Code, Diagnostic};
use crate::syntax::{Entry, Node, Value};

/// The shape of one element of a top-level list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ApiShape {
    /// `/v1/catalog/service/<name>`: `ServiceName`, `ServicePort`, … beside the node's fields.
    Catalog,
    /// `/v1/health/service/<name>`: `{ Node: {…}, Service: {…}, Checks: […] }`.
    Health,
}

impl ApiShape {
    pub(super) fn of(entries: &[Entry]) -> Option<ApiShape> {
        let has = |key: &str| entries.iter().any(|e| key_matches(&e.key, key));
        let object =
            |key: &str| entries.iter().any(|e| key_matches(&e.key, key) && matches!(e.value.value, Value::Object(_)));
        if has("ServiceName") || has("ServiceID") {
            Some(ApiShape::Catalog)
        } else if object("Node") && object("Service") {
            Some(ApiShape::Health)
        } else {
            None
        }
    }
}

/// `/v1/agent/services`: a non-empty object whose every value is an agent service (an object
/// with `ID` and a `Service` name). A definition file's `service { … }` never has both.
pub(super) fn is_agent_services(entries: &[Entry]) -> bool {
    !entries.is_empty()
        && entries
            .iter()
            .all(|e| e.value.get("ID").is_some() && e.value.get("Service").is_some_and(|s| s.value.as_str().is_some()))
}

/// Keys of an agent service that are Consul's bookkeeping, not configuration.
const AGENT_SKIPPED: &[&str] = &["CreateIndex", "ModifyIndex", "ContentHash"];

/// An agent service's fields, as Consul prints them all, the unset ones as zero values. (A key
/// that is none of these is reported as the service definition reports it, zero or not.)
const AGENT_FIELDS: &[&str] = &[
    "Kind",
    "ID",
    "Tags",
    "Meta",
    "Port",
    "Address",
    "SocketPath",
    "TaggedAddresses",
    "Weights",
    "EnableTagOverride",
    "Proxy",
    "Connect",
    "Datacenter",
    "Namespace",
    "Partition",
    "Locality",
];

/// A proxy block's fields.
const PROXY_FIELDS: &[&str] = &[
    "DestinationServiceName",
    "DestinationServiceID",
    "LocalServiceAddress",
    "LocalServicePort",
    "LocalServiceSocketPath",
    "Mode",
    "TransparentProxy",
    "Config",
    "Upstreams",
    "MeshGateway",
    "Expose",
];

/// An upstream's fields.
const UPSTREAM_FIELDS: &[&str] = &[
    "DestinationType",
    "DestinationNamespace",
    "DestinationPartition",
    "DestinationPeer",
    "DestinationName",
    "Datacenter",
    "LocalBindAddress",
    "LocalBindPort",
    "LocalBindSocketPath",
    "LocalBindSocketMode",
    "Config",
    "MeshGateway",
    "CentrallyConfigured",
];

fn named(e: &Entry, fields: &[&str]) -> bool {
    fields.iter().any(|f| key_matches(&e.key, f))
}

/// Keys of a catalog instance that name the service's fields, with the registration key each is.
const CATALOG_RENAMED: &[(&str, &str)] = &[
    ("ServiceID", "ID"),
    ("ServiceName", "Name"),
    ("ServiceKind", "Kind"),
    ("ServiceTags", "Tags"),
    ("ServiceAddress", "Address"),
    ("ServiceTaggedAddresses", "TaggedAddresses"),
    ("ServiceMeta", "Meta"),
    ("ServicePort", "Port"),
    ("ServiceSocketPath", "SocketPath"),
    ("ServiceWeights", "Weights"),
    ("ServiceEnableTagOverride", "EnableTagOverride"),
    ("ServiceProxy", "Proxy"),
    ("ServiceConnect", "Connect"),
    ("ServiceLocality", "Locality"),
    ("Datacenter", "Datacenter"),
    ("Namespace", "Namespace"),
    ("Partition", "Partition"),
];

/// Keys of a catalog instance about its node, its checks and Consul's indexes: skipped (the
/// node's `Address` stands in for an empty `ServiceAddress`).
const CATALOG_SKIPPED: &[&str] =
    &["ID", "Node", "Address", "TaggedAddresses", "NodeMeta", "Checks", "CreateIndex", "ModifyIndex"];

/// What an instance takes from its node: the address when its own is empty, and the datacenter.
#[derive(Default)]
struct NodeDefaults<'n> {
    address: Option<&'n Node>,
    datacenter: Option<&'n Node>,
}

/// One value of `/v1/agent/services` as a registration's value tree.
pub(super) fn agent_service(node: &Node, cx: &mut Cx) -> Option<Node> {
    service_node(node, &NodeDefaults::default(), cx)
}

/// One element of a catalog or health list as a registration's value tree.
pub(super) fn instance(shape: ApiShape, node: &Node, entries: &[Entry], cx: &mut Cx) -> Option<Node> {
    match shape {
        ApiShape::Catalog => catalog_instance(node, entries, cx),
        ApiShape::Health => health_instance(entries, cx),
    }
}

fn catalog_instance(node: &Node, entries: &[Entry], cx: &mut Cx) -> Option<Node> {
    let defaults = NodeDefaults {
        address: entries.iter().find(|e| key_matches(&e.key, "Address")).map(|e| &e.value),
        datacenter: None,
    };
    let mut out = Vec::new();
    for e in entries {
        if let Some((_, to)) = CATALOG_RENAMED.iter().find(|(from, _)| key_matches(&e.key, from)) {
            out.push(Entry { key: (*to).to_string(), ..e.clone() });
        } else if CATALOG_SKIPPED.iter().any(|k| key_matches(&e.key, k)) {
            continue;
        } else if key_matches(&e.key, "PeerName") {
            check_peer_name(e, cx);
        } else {
            let known: Vec<&str> = CATALOG_RENAMED
                .iter()
                .map(|(from, _)| *from)
                .chain(CATALOG_SKIPPED.iter().copied())
                .chain(["PeerName"])
                .collect();
            unknown_key(e, "a catalog service instance (/v1/catalog/service)", &known, cx);
        }
    }
    service_node(&Node::new(Value::Object(out), node.span), &defaults, cx)
}

fn health_instance(entries: &[Entry], cx: &mut Cx) -> Option<Node> {
    let mut defaults = NodeDefaults::default();
    let mut service = None;
    for e in entries {
        if key_matches(&e.key, "Node") {
            // `Node` is an object (the shape was chosen by it); only two of its fields matter.
            defaults.address = e.value.get("Address").map(|a| &a.value);
            defaults.datacenter = e.value.get("Datacenter").map(|d| &d.value);
        } else if key_matches(&e.key, "Service") {
            service = Some(&e.value);
        } else if !key_matches(&e.key, "Checks") {
            unknown_key(e, "a health service instance (/v1/health/service)", &["Node", "Service", "Checks"], cx);
        }
    }
    service_node(service?, &defaults, cx)
}

/// An agent service (`ID`, `Service`, `Tags`, `Port`, `Proxy`, …) as a registration's value tree:
/// `Service` is its `Name`; bookkeeping and the empty `Proxy`/`Connect` blocks Consul prints for
/// every service are dropped; an empty address and datacenter come from the node.
fn service_node(node: &Node, defaults: &NodeDefaults<'_>, cx: &mut Cx) -> Option<Node> {
    let Value::Object(entries) = &node.value else {
        cx.type_error(node, "an agent service");
        return None;
    };
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len() + 2);
    for e in entries {
        if key_matches(&e.key, "Service") {
            out.push(Entry { key: "Name".to_string(), ..e.clone() });
        } else if AGENT_SKIPPED.iter().any(|k| key_matches(&e.key, k)) {
            continue;
        } else if key_matches(&e.key, "PeerName") {
            check_peer_name(e, cx);
        } else if is_empty(&e.value) && named(e, AGENT_FIELDS) {
            // Consul prints every field, unset ones as zero values (`"Port": 0`, `"Proxy":
            // {"MeshGateway": {}, "Expose": {}}` on a plain service): a zero value is no value.
            continue;
        } else if key_matches(&e.key, "Proxy") {
            out.push(Entry { value: without_zero_values(&e.value, true), ..e.clone() });
        } else if named(e, AGENT_FIELDS) || key_matches(&e.key, "Name") {
            out.push(e.clone());
        } else {
            // Reported here, in the API's spelling (a definition's would suggest `snake_case`).
            let known: Vec<&str> = ["Service"].iter().chain(AGENT_FIELDS).chain(AGENT_SKIPPED).copied().collect();
            unknown_key(e, "an agent service", &known, cx);
        }
    }
    for (key, default) in [("Address", defaults.address), ("Datacenter", defaults.datacenter)] {
        let Some(default) = default else { continue };
        let given = out.iter().position(|e| key_matches(&e.key, key));
        if given.is_some_and(|i| out.get(i).is_some_and(|e| !is_empty(&e.value))) {
            continue;
        }
        if let Some(i) = given {
            out.remove(i);
        }
        out.push(Entry { key: key.to_string(), key_span: default.span, value: default.clone(), block: false });
    }
    Some(Node::new(Value::Object(out), node.span))
}

/// A proxy block without the zero values Consul prints for its unset fields, and (`upstreams`)
/// so each of its upstreams. Opaque maps (`Config`) are kept as written.
fn without_zero_values(node: &Node, upstreams: bool) -> Node {
    let Value::Object(entries) = &node.value else { return node.clone() };
    let fields = if upstreams { PROXY_FIELDS } else { UPSTREAM_FIELDS };
    let kept = entries
        .iter()
        .filter(|e| !(is_empty(&e.value) && named(e, fields)))
        .map(|e| match &e.value.value {
            Value::Array(items) if upstreams && key_matches(&e.key, "Upstreams") => {
                let items = items.iter().map(|u| without_zero_values(u, false)).collect();
                Entry { value: Node::new(Value::Array(items), e.value.span), ..e.clone() }
            }
            _ => e.clone(),
        })
        .collect();
    Node::new(Value::Object(kept), node.span)
}

/// Consul prints `PeerName` on every instance, empty for the local ones. An imported instance
/// (from a peer) is not a registration of this workspace.
fn check_peer_name(e: &Entry, cx: &mut Cx) {
    if is_empty(&e.value) {
        return;
    }
    let peer = e.value.as_str().unwrap_or_default();
    cx.push(
        Diagnostic::error(
            Code::InvalidValue,
            e.value.span,
            format!("this instance is imported from the peer `{peer}`, not registered in this datacenter"),
        )
        .with_note("a peer's services are dialled through its mesh gateways: name the peer in an upstream's `destination_peer` (and in `meshgate.hcl`'s `Peers`) instead of pasting its instances"),
    );
}

fn unknown_key(e: &Entry, owner: &str, known: &[&str], cx: &mut Cx) {
    let d = Diagnostic::error(Code::UnknownKey, e.key_span, format!("unknown key `{}` in {owner}", e.key));
    let d = match suggest(&e.key, known) {
        Some(s) => d.with_note(format!("help: did you mean `{s}`?")).with_fix(s),
        None => d,
    };
    cx.push(d);
}

/// Null, `""`, `false`, `0`, `[]`, or an object of such: what Consul prints for an unset field.
fn is_empty(node: &Node) -> bool {
    match &node.value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => crate::float::parse_f64(n).is_some_and(|n| n == 0.0),
        Value::Array(items) => items.is_empty(),
        Value::Object(entries) => entries.iter().all(|e| is_empty(&e.value)),
        Value::Bool(true) => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Code;
    use crate::model::service::{ServiceDefinition, ServiceKind};
    use crate::model::testing::{check, d};
    use crate::workspace::Workspace;

    fn services(file: &str, text: &str) -> Vec<ServiceDefinition> {
        let ws = Workspace::from_text(file, text);
        // How each form reads, not what meshgate applies (W0410, pinned by `plan::unapplied`).
        let found: Vec<_> = ws.resolved_diagnostics().into_iter().filter(|d| d.code != Code::NotApplied).collect();
        assert!(found.is_empty(), "{file}: {found:#?}");
        ws.services().cloned().collect()
    }

    /// The same registration, written as a definition: what each API form must decode to.
    fn written(text: &str) -> Vec<ServiceDefinition> {
        services("w.hcl", text)
    }

    fn same(a: &[ServiceDefinition], b: &[ServiceDefinition]) {
        // `origin` (spans) is not part of a value's equality in the corpus; compare the values.
        let json = |s: &[ServiceDefinition]| serde_json::to_value(s).unwrap_or_default();
        assert_eq!(json(a), json(b));
    }

    const AGENT: &str = r#"{
  "web": {
    "Kind": "", "ID": "web", "Service": "web", "Tags": ["v1"], "Meta": {"team": "a"},
    "Port": 8080, "Address": "10.0.0.5", "EnableTagOverride": false,
    "Weights": {"Passing": 1, "Warning": 1}, "Datacenter": "dc1", "Namespace": "", "Partition": "",
    "PeerName": "", "ContentHash": "3f2a9c", "CreateIndex": 11, "ModifyIndex": 12,
    "Proxy": {"MeshGateway": {}, "Expose": {}}, "Connect": {}
  },
  "web-sidecar-proxy": {
    "Kind": "connect-proxy", "ID": "web-sidecar-proxy", "Service": "web-sidecar-proxy",
    "Port": 21000, "Address": "10.0.0.5", "Datacenter": "dc1", "ContentHash": "77aa",
    "Proxy": {
      "DestinationServiceName": "web", "DestinationServiceID": "web",
      "LocalServiceAddress": "127.0.0.1", "LocalServicePort": 8080, "Mode": "",
      "MeshGateway": {}, "Expose": {},
      "Upstreams": [{"DestinationType": "service", "DestinationName": "api", "LocalBindPort": 9191, "MeshGateway": {"Mode": "local"}}]
    }
  }
}"#;

    const AGENT_WRITTEN: &str = r#"
services = [
  { id = "web", name = "web", tags = ["v1"], meta = { team = "a" }, port = 8080, address = "10.0.0.5",
    weights { passing = 1, warning = 1 }, datacenter = "dc1" },
  { kind = "connect-proxy", id = "web-sidecar-proxy", name = "web-sidecar-proxy", port = 21000,
    address = "10.0.0.5", datacenter = "dc1",
    proxy {
      destination_service_name = "web", destination_service_id = "web",
      local_service_address = "127.0.0.1", local_service_port = 8080,
      upstreams = [{ destination_type = "service", destination_name = "api", local_bind_port = 9191,
                     mesh_gateway { mode = "local" } }]
    } },
]
"#;

    #[test]
    fn agent_services_map_is_one_registration_per_value() {
        let read = services("agent.json", AGENT);
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].kind, ServiceKind::ConnectProxy);
        same(&read, &written(AGENT_WRITTEN));
    }

    #[test]
    fn agent_services_read_alike_in_yaml() {
        let yaml = "web:\n  ID: web\n  Service: web\n  Port: 8080\n  ContentHash: ab\n  Proxy:\n    MeshGateway: {}\n";
        same(&services("a.yaml", yaml), &written("service { id = \"web\"\n name = \"web\"\n port = 8080 }"));
    }

    const CATALOG: &str = r#"[
  {
    "ID": "40e4a748-2192-161a-0510-9bf59fe950b5", "Node": "node-1", "Address": "10.1.0.7",
    "Datacenter": "dc1", "TaggedAddresses": {"lan": "10.1.0.7", "wan": "198.18.0.7"},
    "NodeMeta": {"consul-network-segment": ""},
    "ServiceKind": "", "ServiceID": "api-1", "ServiceName": "api", "ServiceTags": ["blue"],
    "ServiceAddress": "", "ServicePort": 9000, "ServiceMeta": {}, "ServiceEnableTagOverride": false,
    "ServiceWeights": {"Passing": 1, "Warning": 1}, "ServiceProxy": {"MeshGateway": {}, "Expose": {}},
    "ServiceConnect": {}, "Namespace": "", "Partition": "", "PeerName": "",
    "CreateIndex": 21, "ModifyIndex": 21
  },
  {
    "ID": "5d6b0ad2-fdd5-4c1c-9e38-c3b2a2e5e0f1", "Node": "node-2", "Address": "10.1.0.8",
    "Datacenter": "dc1", "ServiceKind": "", "ServiceID": "api-2", "ServiceName": "api",
    "ServiceAddress": "10.1.0.9", "ServicePort": 9000, "ServiceConnect": {"Native": true}
  }
]"#;

    #[test]
    fn catalog_instances_take_the_node_address_when_theirs_is_empty() {
        let read = services("catalog.json", CATALOG);
        let text = r#"
services = [
  { id = "api-1", name = "api", tags = ["blue"], address = "10.1.0.7", port = 9000, datacenter = "dc1",
    weights { passing = 1, warning = 1 } },
  { id = "api-2", name = "api", address = "10.1.0.9", port = 9000, datacenter = "dc1",
    connect { native = true } },
]
"#;
        same(&read, &written(text));
        // The default address points at the node's, where it was written.
        let span = read[0].origin.field("address");
        assert_eq!(CATALOG.get(span.start as usize..span.end as usize), Some("\"10.1.0.7\""));
    }

    const HEALTH: &str = r#"[
  {
    "Node": {"ID": "40e4a748", "Node": "node-1", "Address": "10.1.0.7", "Datacenter": "dc2",
             "TaggedAddresses": {"lan": "10.1.0.7"}, "Meta": {"a": "b"}, "CreateIndex": 5, "ModifyIndex": 5},
    "Service": {"ID": "db-1", "Service": "db", "Tags": [], "Address": "", "Meta": null, "Port": 5432,
                "Weights": {"Passing": 10, "Warning": 1}, "EnableTagOverride": false,
                "Proxy": {"MeshGateway": {}, "Expose": {}}, "Connect": {}, "PeerName": "",
                "CreateIndex": 6, "ModifyIndex": 6, "Namespace": "default", "Partition": "default"},
    "Checks": [{"Node": "node-1", "CheckID": "serfHealth", "Status": "passing", "Output": "Agent alive"}]
  }
]"#;

    #[test]
    fn health_instances_take_their_node_address_and_datacenter() {
        let text = r#"service {
  id = "db-1"
  name = "db"
  port = 5432
  weights { passing = 10, warning = 1 }
  namespace = "default"
  partition = "default"
  address = "10.1.0.7"
  datacenter = "dc2"
}"#;
        same(&services("health.json", HEALTH), &written(text));
        let yaml = "- Node: {Node: n, Address: 10.1.0.7, Datacenter: dc2}\n  Service: {ID: db-1, Service: db, Port: 5432}\n  Checks: []\n";
        let read = services("health.yaml", yaml);
        assert_eq!((read[0].address.as_str(), read[0].datacenter.as_str()), ("10.1.0.7", "dc2"));
    }

    #[test]
    fn a_config_read_list_is_one_entry_per_element() {
        let json = r#"[
  {"Kind": "service-defaults", "Name": "api", "Protocol": "http", "CreateIndex": 9, "ModifyIndex": 9, "Hash": 77},
  {"Kind": "service-defaults", "Name": "web", "Protocol": "tcp", "CreateIndex": 3, "ModifyIndex": 4}
]"#;
        let ws = Workspace::from_text("config.json", json);
        assert!(ws.diagnostics.is_empty(), "{:#?}", ws.resolved_diagnostics());
        let names: Vec<&str> = ws.entries().map(|e| e.name()).collect();
        assert_eq!(names, ["api", "web"]);
    }

    #[test]
    fn mistakes_in_api_forms_are_reported_where_written() {
        // A typo'd key in a catalog instance, with a suggestion; a wrong type inside one.
        let catalog = "[{\"ServiceName\": \"api\", \"ServicePrt\": 1,\n  \"ServicePort\": \"x\"}]";
        assert_eq!(check("c.json", catalog), vec![d("E0201", 1, 25), d("E0202", 2, 18)]);
        // An agent service: modelled keys are checked; bookkeeping is not.
        let agent = "{\"web\": {\"ID\": \"web\", \"Service\": \"web\", \"ContentHash\": \"x\",\n  \"Tagz\": []}}";
        assert_eq!(check("a.json", agent), vec![d("E0201", 2, 3)]);
        // A health element's unknown key, and an imported instance.
        let health = "[{\"Node\": {}, \"Service\": {\"ID\": \"a\", \"Service\": \"a\", \"PeerName\": \"east\"},\n  \"Chekcs\": []}]";
        assert_eq!(check("h.json", health), vec![d("E0317", 1, 66), d("E0201", 2, 3)]);
        // Checks in a sidecar's proxy are configuration: an unknown key there is still an error.
        let proxy = "[{\"ServiceName\": \"p\", \"ServiceKind\": \"connect-proxy\", \"ServicePort\": 2,\n  \"ServiceProxy\": {\"DestinationServiceName\": \"a\", \"Bogus\": 1}}]";
        assert_eq!(check("p.json", proxy), vec![d("E0201", 2, 51)]);
    }

    #[test]
    fn unknown_keys_are_suggested_in_the_api_spelling() {
        let agent = r#"{"web": {"ID": "web", "Service": "web", "EnableTagOverides": true}}"#;
        let ws = Workspace::from_text("a.json", agent);
        let notes: Vec<(&str, &[String])> =
            ws.diagnostics.iter().map(|d| (d.message.as_str(), d.notes.as_slice())).collect();
        assert_eq!(
            notes,
            vec![(
                "unknown key `EnableTagOverides` in an agent service",
                &["help: did you mean `EnableTagOverride`?".to_string()][..]
            )]
        );
    }

    #[test]
    fn definitions_are_not_taken_for_api_forms() {
        // A `service` block whose body has an ID is still a definition (no `Service` name in it).
        let ws = Workspace::from_text("s.json", r#"{"service": {"ID": "web-1", "Name": "web", "Port": 80}}"#);
        assert!(ws.diagnostics.is_empty(), "{:#?}", ws.resolved_diagnostics());
        assert_eq!(ws.services().count(), 1);
        // Bootstrap entries are entries: a catalog-shaped element there is not an instance.
        let ws = Workspace::from_text("b.json", r#"{"config_entries": {"bootstrap": [{"ServiceName": "x"}]}}"#);
        assert_eq!(crate::model::testing::positions(&ws), vec![d("E0208", 1, 35)]);
    }
}
