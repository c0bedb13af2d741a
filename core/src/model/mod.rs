//! Typed Consul configuration: config entries of every kind and agent service definitions.
//!
//! Each kind lives in its own module with its fields (as Consul documents them), its decoder
//! (from [`decode_struct!`](crate::decode_struct)) and its single-entry validation rules.

mod api;
pub mod api_gateway;
pub mod common;
pub mod control_plane_request_limit;
pub mod document;
pub mod exported_services;
pub mod file_system_certificate;
pub mod http_route;
pub mod ingress_gateway;
pub mod inline_certificate;
pub mod jwt_provider;
pub mod mesh;
pub mod proxy_defaults;
pub mod sameness_group;
pub mod service;
pub mod service_defaults;
pub mod service_intentions;
pub mod service_resolver;
pub mod service_router;
pub mod service_splitter;
pub mod tcp_route;
pub mod terminating_gateway;
#[cfg(test)]
pub(crate) mod testing;

pub use document::{decode_documents, ConfigEntry, Document, EntryKind};

use crate::decode::Cx;

/// Rules one entry must satisfy on its own, checked after decoding. Rules that need other
/// entries (protocols, references) belong to the workspace checks.
pub trait Validate {
    fn validate(&self, cx: &mut Cx);
}
