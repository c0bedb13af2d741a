//! `meshgate convert`: decoded config entries written back out as HCL, JSON, YAML or Kubernetes
//! resources. Host-free, so the CLI and the playground convert alike.
//!
//! The entries' own serialization is Consul's JSON form; the other forms are written from it.
//! Every form decodes back to the same entry (the round-trip tests prove it), except where a
//! Kubernetes form cannot say something: then conversion fails with the reason, never dropping it.

mod text;
mod view;

pub use view::{convert_file, ConvertRequest, ConvertView};

use crate::json::Value;
use crate::model::ConfigEntry;

/// The form to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Hcl,
    Json,
    Yaml,
    /// Kubernetes resources: consul-k8s CRDs, or the Gateway API for API gateways and routes.
    Crd,
}

impl Target {
    pub const NAMES: &'static [&'static str] = &["hcl", "json", "yaml", "crd"];

    pub fn parse(text: &str) -> Option<Target> {
        match text.to_ascii_lowercase().as_str() {
            "hcl" => Some(Target::Hcl),
            "json" => Some(Target::Json),
            "yaml" | "yml" => Some(Target::Yaml),
            "crd" | "k8s" | "kubernetes" => Some(Target::Crd),
            _ => None,
        }
    }
}

/// Why an entry cannot be written in the form asked for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    #[error("there are no config entries to convert")]
    Empty,
    #[error("{kind} `{name}` has no Kubernetes resource form: consul-k8s has no CRD for {kind}{hint}")]
    NoCrdForm { kind: String, name: String, hint: String },
    #[error("{kind} `{name}`: {field} cannot be written as a Kubernetes resource: {why}")]
    NotExpressible { kind: String, name: String, field: String, why: String },
    #[error("cannot serialize the entry: {0}")]
    Serialize(String),
}

/// Writes the entries in one text of the target form: one entry as itself; several as a JSON list,
/// YAML documents, an HCL `config_entries { bootstrap = [...] }` block, or Kubernetes documents.
pub fn convert(entries: &[&ConfigEntry], target: Target) -> Result<String, ConvertError> {
    if entries.is_empty() {
        return Err(ConvertError::Empty);
    }
    let values: Vec<Value> = entries
        .iter()
        .map(|e| crate::json::to_value(e).map_err(|err| ConvertError::Serialize(err.to_string())))
        .collect::<Result<_, _>>()?;
    match target {
        Target::Json => {
            let v = match values.as_slice() {
                [one] => one.clone(),
                _ => Value::Array(values),
            };
            crate::json::pretty(&v).map(|s| s + "\n").map_err(|e| ConvertError::Serialize(e.to_string()))
        }
        Target::Yaml => Ok(values.iter().map(text::yaml_document).collect::<Vec<_>>().join("---\n")),
        Target::Hcl => Ok(match values.as_slice() {
            [one] => text::hcl_body(one, 0),
            _ => {
                let list = text::hcl_value(&Value::Array(values), 2);
                format!("config_entries {{\n  bootstrap = {list}\n}}\n")
            }
        }),
        Target::Crd => {
            let mut docs = Vec::new();
            for (entry, value) in entries.iter().zip(values) {
                docs.extend(crate::crd::write::resources(entry, value)?);
            }
            Ok(docs.iter().map(text::yaml_document).collect::<Vec<_>>().join("---\n"))
        }
    }
}

#[cfg(test)]
mod tests;
