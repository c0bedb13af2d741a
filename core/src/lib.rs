//! meshgate-core: everything meshgate knows about Consul configuration, with no host attached.
//!
//! Data flows one way: text → [`syntax`] (a value tree with spans) → [`decode`] (typed entries and
//! diagnostics) → [`workspace`] (validated, cross-checked) → compiled plans and decisions.
#![forbid(unsafe_code)]

pub mod convert;
pub mod crd;
pub mod decode;
pub mod diag;
pub mod envoy;
mod float;
pub mod gateway;
pub mod identity;
pub mod intentions;
pub mod json;
pub mod model;
pub mod names;
pub mod plan;
pub mod re2;
pub mod settings;
pub mod shared;
pub mod sorted;
pub mod sorting;
pub mod source;
pub mod syntax;
pub mod views;
pub mod workspace;
