//! Gateway config entries that nothing runs: an ingress, terminating or API gateway entry
//! configures the gateway *service* of that name and kind, so without a registration of one it
//! plans nothing (Consul applies the entry once such a service registers). The page offers the
//! registration to add, in one click, instead of an empty route table.

use super::Analysis;
use crate::identity::{is_default, or_default};
use crate::intentions::Origin;
use crate::model::document::{ConfigEntry, EntryKind};
use crate::model::service::ServiceKind;
use serde::Serialize;

/// One gateway entry without a registration, and the registration that would run it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnregisteredGateway {
    pub name: String,
    /// The entry's kind: `ingress-gateway`, `terminating-gateway` or `api-gateway`.
    pub kind: String,
    /// Where the entry is written.
    pub entry: Origin,
    /// A file name for the registration that is not taken yet: `<name>-registration.hcl`.
    pub file_name: String,
    /// The registration, in HCL: the entry's name, kind and tenancy, on 127.0.0.1 and a port no
    /// registration or listener of the workspace uses.
    pub registration: String,
}

impl Analysis {
    /// The gateway entries no registered service runs, in the order they are written.
    pub fn unregistered_gateways(&self) -> Vec<UnregisteredGateway> {
        let ws = &self.workspace;
        let mut taken_ports: Vec<u16> = ws.services().filter_map(|s| s.port).collect();
        for entry in ws.entries() {
            match entry {
                ConfigEntry::IngressGateway(g) => taken_ports.extend(g.listeners.iter().map(|l| l.port)),
                ConfigEntry::ApiGateway(g) => taken_ports.extend(g.listeners.iter().map(|l| l.port)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for entry in ws.entries() {
            let Some(kind) = service_kind(entry.kind()) else { continue };
            let registered = ws.services().any(|s| {
                s.kind == kind
                    && s.name == entry.name()
                    && or_default(&s.partition) == or_default(entry.partition())
                    && or_default(&s.namespace) == or_default(entry.namespace())
            });
            if registered || out.iter().any(|u: &UnregisteredGateway| u.name == entry.name() && u.kind == kind.as_str())
            {
                continue;
            }
            let port = (8443..=u16::MAX).find(|p| !taken_ports.contains(p)).unwrap_or(8443);
            taken_ports.push(port);
            let entry_origin = crate::plan::intentions::origin(&ws.sources, entry.origin().span);
            out.push(UnregisteredGateway {
                name: entry.name().to_string(),
                kind: kind.as_str().to_string(),
                file_name: free_file_name(ws, entry.name()),
                registration: registration(entry, kind, port, &entry_origin),
                entry: entry_origin,
            });
        }
        out
    }
}

fn service_kind(kind: EntryKind) -> Option<ServiceKind> {
    match kind {
        EntryKind::IngressGateway => Some(ServiceKind::IngressGateway),
        EntryKind::TerminatingGateway => Some(ServiceKind::TerminatingGateway),
        EntryKind::ApiGateway => Some(ServiceKind::ApiGateway),
        _ => None,
    }
}

fn free_file_name(ws: &crate::workspace::Workspace, name: &str) -> String {
    let taken = |candidate: &str| ws.sources.files().any(|(_, f)| f.name == candidate);
    let base = format!("{name}-registration");
    std::iter::once(format!("{base}.hcl"))
        .chain((2..).map(|n| format!("{base}-{n}.hcl")))
        .find(|c| !taken(c))
        .unwrap_or_else(|| format!("{base}.hcl"))
}

fn registration(entry: &ConfigEntry, kind: ServiceKind, port: u16, origin: &Origin) -> String {
    let mut text = format!(
        "# Runs the {kind} entry at {origin}. The address and port are where Envoy listens for\n\
         # this gateway's own traffic: change them to where yours runs.\nservice {{\n  name    = {name}\n  kind    = {kind_text}\n  address = \"127.0.0.1\"\n  port    = {port}\n",
        kind = kind.as_str(),
        kind_text = crate::json::quote(kind.as_str()),
        name = crate::json::quote(entry.name()),
    );
    if !is_default(entry.partition()) {
        text.push_str(&format!("  partition = {}\n", crate::json::quote(entry.partition())));
    }
    if !is_default(entry.namespace()) {
        text.push_str(&format!("  namespace = {}\n", crate::json::quote(entry.namespace())));
    }
    text.push_str("}\n");
    text
}
