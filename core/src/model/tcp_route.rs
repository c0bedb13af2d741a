//! `tcp-route`: forwards the connections of api-gateway tcp listeners to one service.

use super::api_gateway::{validate_parents, ApiGatewayProtocol, RouteParent};
use super::common::require_name;
use super::Validate;
use crate::decode::Cx;
use crate::decode_struct;
use crate::diag::{Code, Diagnostic};
use crate::identity::or_default;
use crate::sorted::SortedMap;
use serde::Serialize;

decode_struct! {
    /// The service connections go to.
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct TcpService("a tcp-route service", pascal) {
        pub name: String,
        /// Empty means the route's own namespace.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        /// Empty means the route's own partition.
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
    }
}

impl TcpService {
    /// The namespace the service is looked up in: its own, else the route's, else `default`.
    pub fn namespace_or<'a>(&'a self, route: &'a TcpRoute) -> &'a str {
        if self.namespace.is_empty() {
            or_default(&route.namespace)
        } else {
            &self.namespace
        }
    }

    /// The partition the service is looked up in: its own, else the route's, else `default`.
    pub fn partition_or<'a>(&'a self, route: &'a TcpRoute) -> &'a str {
        if self.partition.is_empty() {
            or_default(&route.partition)
        } else {
            &self.partition
        }
    }
}

decode_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Serialize)]
    #[serde(tag = "Kind", rename = "tcp-route", rename_all = "PascalCase")]
    pub struct TcpRoute("a tcp-route entry", pascal, ignore crate::decode::SKIPPED_ENTRY_KEYS) {
        pub name: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub namespace: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub partition: String,
        #[serde(skip_serializing_if = "SortedMap::is_empty")]
        pub meta: SortedMap<String, String>,
        pub parents: Vec<RouteParent>,
        /// Consul supports exactly one service here.
        pub services: Vec<TcpService>,
    }
}

impl TcpRoute {
    /// The listener protocol this route attaches to.
    pub const PROTOCOL: ApiGatewayProtocol = ApiGatewayProtocol::Tcp;

    /// The one service connections go to.
    pub fn service(&self) -> Option<&TcpService> {
        self.services.first()
    }
}

impl Validate for TcpRoute {
    fn validate(&self, cx: &mut Cx) {
        require_name(cx, &self.origin, &self.name, "a tcp-route entry");
        validate_parents(&self.parents, &self.origin, "a tcp-route", &self.namespace, &self.partition, cx);
        match self.services.as_slice() {
            [] => cx.push(
                Diagnostic::error(
                    Code::TcpRouteServices,
                    self.origin.field("services"),
                    "a tcp-route needs one service in `Services` to send connections to",
                )
                .with_note("for example Services = [{ Name = \"db\" }]"),
            ),
            [_] => {}
            [_, second, ..] => cx.push(
                Diagnostic::error(
                    Code::TcpRouteServices,
                    second.origin.span,
                    format!("a tcp-route sends to exactly one service, but {} are listed", self.services.len()),
                )
                .with_note("to split connections, use one tcp-route per service on separate listeners"),
            ),
        }
        for svc in &self.services {
            if svc.name.is_empty() {
                cx.error(Code::MissingField, svc.origin.span, "a tcp-route service needs a `Name`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::{at, diags, entry, one};
    use crate::model::ConfigEntry;

    const FULL_HCL: &str = r#"
Kind      = "tcp-route"
Name      = "db-route"
Namespace = "default"
Partition = "default"
Meta = {
  "owner" = "data"
}
Services = [
  {
    Name      = "postgres"
    Namespace = "data"
  }
]
Parents = [
  {
    Kind        = "api-gateway"
    Name        = "api-gateway"
    SectionName = "db"
  }
]
"#;

    const FULL_JSON: &str = r#"{
  "Kind": "tcp-route",
  "Name": "db-route",
  "Namespace": "default",
  "Partition": "default",
  "Meta": { "owner": "data" },
  "Services": [{ "Name": "postgres", "Namespace": "data" }],
  "Parents": [{ "Kind": "api-gateway", "Name": "api-gateway", "SectionName": "db" }]
}"#;

    const FULL_YAML: &str = r#"
Kind: tcp-route
Name: db-route
Namespace: default
Partition: default
Meta:
  owner: data
Services:
  - Name: postgres
    Namespace: data
Parents:
  - Kind: api-gateway
    Name: api-gateway
    SectionName: db
"#;

    fn route(file: &str, text: &str) -> TcpRoute {
        match entry(file, text) {
            ConfigEntry::TcpRoute(r) => r,
            other => panic!("not a tcp-route: {other:?}"),
        }
    }

    #[test]
    fn the_full_example_decodes_the_same_in_every_format() {
        let hcl = route("x.hcl", FULL_HCL);
        assert_eq!(hcl, route("x.json", FULL_JSON));
        assert_eq!(hcl, route("x.yaml", FULL_YAML));
        assert_eq!(hcl.service().map(|s| s.namespace_or(&hcl)), Some("data"));
        let json = serde_json::to_value(&hcl).unwrap_or_default();
        assert_eq!(json["Parents"][0]["SectionName"], "db");
    }

    #[test]
    fn exactly_one_named_service() {
        let none = "Kind = \"tcp-route\"\nName = \"r\"\nParents = [{ Name = \"gw\" }]\n";
        assert_eq!(diags("x.hcl", none), one("E0378", "1:1"));
        let two = "Kind = \"tcp-route\"\nName = \"r\"\nParents = [{ Name = \"gw\" }]\nServices = [{ Name = \"a\" }, { Name = \"b\" }]\n";
        assert_eq!(diags("x.hcl", two), one("E0378", &at(two, "{ Name = \"b\"", 1)));
        let nameless =
            "Kind = \"tcp-route\"\nName = \"r\"\nParents = [{ Name = \"gw\" }]\nServices = [{ Namespace = \"a\" }]\n";
        assert_eq!(diags("x.hcl", nameless), one("E0203", &at(nameless, "{ Namespace", 1)));
    }

    #[test]
    fn parents_are_required() {
        let text = "Kind = \"tcp-route\"\nName = \"r\"\nServices = [{ Name = \"db\" }]\nParents = []\n";
        assert_eq!(diags("x.hcl", text), one("E0319", &at(text, "[]", 1)));
        let dup = "Kind = \"tcp-route\"\nName = \"r\"\nServices = [{ Name = \"db\" }]\nParents = [{ Name = \"gw\" }, { Name = \"gw\" }]\n";
        assert_eq!(diags("x.hcl", dup), one("E0377", &at(dup, "{ Name = \"gw\" }", 2)));
    }

    #[test]
    fn the_entry_needs_a_name() {
        let text = "Kind = \"tcp-route\"\nServices = [{ Name = \"db\" }]\nParents = [{ Name = \"gw\" }]\n";
        assert_eq!(diags("x.hcl", text), one("E0203", "1:1"));
    }
}
