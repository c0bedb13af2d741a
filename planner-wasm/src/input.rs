//! The methods' arguments, read from JSON text (`JSON.stringify` of what JavaScript passed) by
//! hand instead of through serde's derived `Deserialize` and serde-wasm-bindgen: for five small
//! structs that code cost the wasm ~7 KB gzip, and serde's error messages (`invalid type:
//! floating point …`) kept the standard library's float formatter in it (see the README,
//! Playground, Size). The rules are serde's, as the declarations in `types.ts` state them:
//! unknown fields are errors, optional fields may be absent or `null`.

use meshgate_core::convert::ConvertRequest;
use meshgate_core::intentions::Action;
use meshgate_core::json::{Map, Value};
use meshgate_core::settings::Mode;
use meshgate_core::sorted::SortedMap;
use meshgate_core::views::{
    EnvoyRequest, FileInput, ListQuery, MatrixQuery, SettingsInput, SimulateRequest, WorkspaceInput,
};

type Fields = Map;

/// `text` as an object of the given fields (every other field is an error).
fn object<'a>(value: &'a Value, fields: &[&str]) -> Result<&'a Fields, String> {
    let Some(map) = value.as_object() else {
        return Err(format!("invalid type: {}, expected an object", kind(value)));
    };
    if let Some(unknown) = map.keys().find(|k| !fields.contains(&k.as_str())) {
        let expected: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
        return Err(format!("unknown field `{unknown}`, expected one of {}", expected.join(", ")));
    }
    Ok(map)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A field that may be absent or `null`.
fn present<'a>(map: &'a Fields, field: &str) -> Option<&'a Value> {
    map.get(field).filter(|v| !v.is_null())
}

fn string(map: &Fields, field: &str) -> Result<Option<String>, String> {
    match present(map, field) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("`{field}`: invalid type: {}, expected a string", kind(other))),
    }
}

fn required_string(map: &Fields, field: &str) -> Result<String, String> {
    string(map, field)?.ok_or_else(|| format!("missing field `{field}`"))
}

/// A required count or position: a whole number from 0.
fn index(map: &Fields, field: &str) -> Result<usize, String> {
    match present(map, field) {
        None => Err(format!("missing field `{field}`")),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| format!("`{field}`: invalid value: {n}, expected a whole number from 0")),
        Some(other) => Err(format!("`{field}`: invalid type: {}, expected a number", kind(other))),
    }
}

fn boolean(map: &Fields, field: &str) -> Result<bool, String> {
    match present(map, field) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!("`{field}`: invalid type: {}, expected a boolean", kind(other))),
    }
}

/// One of `variants` (by name), or an error naming them.
fn variant<T: Copy>(map: &Fields, field: &str, variants: &[(&str, T)]) -> Result<Option<T>, String> {
    let Some(name) = string(map, field)? else {
        return Ok(None);
    };
    match variants.iter().find(|(n, _)| *n == name) {
        Some((_, v)) => Ok(Some(*v)),
        None => {
            let expected: Vec<String> = variants.iter().map(|(n, _)| format!("`{n}`")).collect();
            Err(format!("`{field}`: unknown variant `{name}`, expected one of {}", expected.join(", ")))
        }
    }
}

fn file(value: &Value) -> Result<FileInput, String> {
    let map = object(value, &["name", "text"])?;
    Ok(FileInput { name: required_string(map, "name")?, text: required_string(map, "text")? })
}

fn settings(value: &Value) -> Result<SettingsInput, String> {
    let map = object(
        value,
        &["datacenter", "partition", "trust_domain", "default_intention_policy", "mode", "peer_trust_domains"],
    )?;
    let peer_trust_domains = match present(map, "peer_trust_domains") {
        None => None,
        Some(v) => {
            let Some(peers) = v.as_object() else {
                return Err(format!("`peer_trust_domains`: invalid type: {}, expected an object", kind(v)));
            };
            let mut out = Vec::with_capacity(peers.len());
            for (peer, td) in peers {
                match td {
                    Value::String(td) => out.push((peer.clone(), td.clone())),
                    other => {
                        return Err(format!(
                            "`peer_trust_domains.{peer}`: invalid type: {}, expected a string",
                            kind(other)
                        ))
                    }
                };
            }
            Some(out.into_iter().collect::<SortedMap<_, _>>())
        }
    };
    Ok(SettingsInput {
        datacenter: string(map, "datacenter")?,
        partition: string(map, "partition")?,
        trust_domain: string(map, "trust_domain")?,
        default_intention_policy: variant(
            map,
            "default_intention_policy",
            &[("allow", Action::Allow), ("deny", Action::Deny)],
        )?,
        mode: variant(map, "mode", &[("enforce", Mode::Enforce), ("audit", Mode::Audit)])?,
        peer_trust_domains,
    })
}

pub fn workspace(value: &Value) -> Result<WorkspaceInput, String> {
    let map = object(value, &["files", "settings"])?;
    let files = match map.get("files") {
        Some(Value::Array(files)) => {
            files.iter().map(file).collect::<Result<Vec<_>, _>>().map_err(|e| format!("`files`: {e}"))?
        }
        Some(other) => return Err(format!("`files`: invalid type: {}, expected an array", kind(other))),
        None => return Err("missing field `files`".into()),
    };
    let settings = present(map, "settings").map(settings).transpose().map_err(|e| format!("`settings`: {e}"))?;
    Ok(WorkspaceInput { files, settings })
}

pub fn simulate(value: &Value) -> Result<SimulateRequest, String> {
    let map = object(
        value,
        &[
            "source",
            "source_namespace",
            "source_partition",
            "source_peer",
            "destination",
            "destination_namespace",
            "method",
            "path",
            "headers",
            "no_route",
            "jwt",
        ],
    )?;
    let headers = match present(map, "headers") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|h| match h {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("`headers`: invalid type: {}, expected a string", kind(other))),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => return Err(format!("`headers`: invalid type: {}, expected an array", kind(other))),
    };
    let jwt = match present(map, "jwt") {
        None => None,
        Some(Value::Object(payloads)) => Some(payloads.clone()),
        Some(other) => return Err(format!("`jwt`: invalid type: {}, expected an object", kind(other))),
    };
    Ok(SimulateRequest {
        source: string(map, "source")?.unwrap_or_default(),
        source_namespace: string(map, "source_namespace")?.unwrap_or_default(),
        source_partition: string(map, "source_partition")?.unwrap_or_default(),
        source_peer: string(map, "source_peer")?.unwrap_or_default(),
        destination: string(map, "destination")?.unwrap_or_default(),
        destination_namespace: string(map, "destination_namespace")?.unwrap_or_default(),
        method: string(map, "method")?,
        path: string(map, "path")?,
        headers,
        no_route: boolean(map, "no_route")?,
        jwt,
    })
}

pub fn envoy(value: &Value) -> Result<EnvoyRequest, String> {
    let map = object(value, &["gateway", "sidecar", "wasm", "admin_port", "cert_dir"])?;
    Ok(EnvoyRequest {
        gateway: string(map, "gateway")?.unwrap_or_default(),
        sidecar: boolean(map, "sidecar")?,
        wasm: string(map, "wasm")?.unwrap_or_default(),
        admin_port: string(map, "admin_port")?.unwrap_or_default(),
        cert_dir: string(map, "cert_dir")?.unwrap_or_default(),
    })
}

pub fn convert(value: &Value) -> Result<ConvertRequest, String> {
    let map = object(value, &["file", "name", "to"])?;
    let file = match present(map, "file") {
        Some(f) => file(f).map_err(|e| format!("`file`: {e}"))?,
        None => FileInput::default(),
    };
    Ok(ConvertRequest {
        file,
        name: string(map, "name")?.unwrap_or_default(),
        to: string(map, "to")?.unwrap_or_default(),
    })
}

pub fn matrix_query(value: &Value) -> Result<MatrixQuery, String> {
    let map = object(value, &["source", "destination", "start", "count"])?;
    Ok(MatrixQuery {
        source: required_string(map, "source")?,
        destination: required_string(map, "destination")?,
        start: index(map, "start")?,
        count: index(map, "count")?,
    })
}

pub fn list_query(value: &Value) -> Result<ListQuery, String> {
    let map = object(value, &["filter", "start", "count"])?;
    Ok(ListQuery { filter: required_string(map, "filter")?, start: index(map, "start")?, count: index(map, "count")? })
}
