//! Config entries written as the Kubernetes resources that consul-k8s turns back into them: the
//! reverse of the mapping in this module's parent, for `meshgate convert --to crd`.

use crate::convert::ConvertError;
use crate::decode::crd_case;
use crate::json::{Map, Value};
use crate::model::{ConfigEntry, EntryKind};
use crate::tpl;

/// Keys whose value is kept exactly as written: opaque configuration.
const VERBATIM: &[&str] = &["Config", "Arguments"];
/// Keys whose value is a map of user-chosen names (kept) to fields (camelCased).
const NAMED_MAPS: &[&str] = &["Subsets", "Failover", "Add", "Set"];

/// The resources of one entry (several when an http-route's filters become filter resources).
pub fn resources(entry: &ConfigEntry, value: Value) -> Result<Vec<Value>, ConvertError> {
    let kind = entry.kind();
    let name = entry.name().to_string();
    let not = |field: &str, why: &str| ConvertError::NotExpressible {
        kind: kind.as_str().to_string(),
        name: name.clone(),
        field: field.to_string(),
        why: why.to_string(),
    };
    let Value::Object(mut fields) = value else { return Err(not("the entry", "it is not an object")) };
    fields.remove("Kind");
    fields.remove("Name");
    if fields.remove("Meta").is_some() {
        return Err(not("Meta", "consul-k8s sets the entry's Meta itself"));
    }
    if fields.remove("Partition").is_some() {
        return Err(not("Partition", "consul-k8s writes to the partition it is installed in"));
    }
    let namespace = fields.remove("Namespace");
    let Some((crd_kind, api_version)) = super::crd_kind(kind) else {
        let hint = match kind {
            EntryKind::InlineCertificate | EntryKind::FileSystemCertificate => {
                "; a Gateway's certificates are Secrets of type kubernetes.io/tls".to_string()
            }
            _ => String::new(),
        };
        return Err(ConvertError::NoCrdForm { kind: kind.as_str().to_string(), name, hint });
    };
    match kind {
        EntryKind::ApiGateway | EntryKind::HttpRoute | EntryKind::TcpRoute => {
            if namespace.is_some() {
                return Err(not("Namespace", "consul-k8s picks the Consul namespace of a Gateway API resource"));
            }
            return super::gateway_write::resources(kind, &name, fields, api_version, crd_kind);
        }
        _ => {}
    }
    let mut metadata_name = name.clone();
    let mut spec = camel(&Value::Object(fields));
    if kind == EntryKind::ServiceIntentions {
        let mut destination = Map::new();
        destination.insert("name".into(), Value::String(name.clone()));
        if let Some(ns) = namespace {
            destination.insert("namespace".into(), ns);
        }
        if let Value::Object(spec) = &mut spec {
            spec.insert("destination".into(), Value::Object(destination));
        }
        // `*` is no Kubernetes name; the resource's own name is free.
        if name == "*" {
            metadata_name = "all-services".into();
        }
    } else if namespace.is_some() {
        return Err(not(
            "Namespace",
            "consul-k8s picks the Consul namespace (`default`, or the Kubernetes namespace when mirroring)",
        ));
    }
    Ok(vec![resource(api_version, crd_kind, &metadata_name, spec)])
}

/// A Kubernetes resource: `apiVersion`, `kind`, its name and `spec`.
pub fn resource(api_version: &str, kind: &str, name: &str, spec: Value) -> Value {
    tpl!(r#"{ "apiVersion": $0, "kind": $1, "metadata": { "name": $2 }, "spec": $3 }"#, api_version, kind, name, spec,)
}

/// Field names in the CRD spelling, user-chosen names and opaque values as they are.
pub fn camel(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, val)| {
                    let val = if VERBATIM.contains(&k.as_str()) {
                        val.clone()
                    } else if NAMED_MAPS.contains(&k.as_str()) {
                        match val {
                            Value::Object(m) => Value::Object(m.iter().map(|(n, x)| (n.clone(), camel(x))).collect()),
                            other => camel(other),
                        }
                    } else {
                        camel(val)
                    };
                    (crd_case(k), val)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(camel).collect()),
        other => other.clone(),
    }
}
