//! meshgate-filter: the proxy-wasm glue that runs meshgate-core inside stock Envoy (`filter.wasm`,
//! built for `wasm32-wasip1`).
//!
//! One module serves as both filters; the plugin's `root_id` chooses:
//!
//! - [`glue::NETWORK_ROOT_ID`] (`meshgate_network`) → the network filter
//!   (`envoy.filters.network.wasm`, before `tcp_proxy`): mesh gateways route by SNI in
//!   `on_new_connection` (the cluster goes to tcp_proxy through the filter state
//!   `envoy.tcp_proxy.cluster`); terminating gateways also enforce L4 intentions on the peer's
//!   SPIFFE ID on the first bytes either side sends (`on_downstream_data` / `on_upstream_data`;
//!   tcp_proxy `upstream_connect_mode: ON_DOWNSTREAM_TLS_HANDSHAKE`, so server-first protocols
//!   work and their greeting is held back until the filter has decided).
//! - anything else → the HTTP filter (`envoy.filters.http.wasm`, before the router): ingress and
//!   API gateways route (the routing header [`meshgate_core::gateway::ROUTING_HEADER`] + the route's
//!   `cluster_header` + `clear_route_cache`) and enforce L7 intentions with the gateway as source;
//!   terminating gateways enforce L7 intentions for HTTP services.
//!
//! The plugin configuration is a GatewayPlan (JSON, see `docs/gateway-plan.md`), indexed once in
//! `on_configure`. Layout: [`host`] is the small trait the glue needs from Envoy; [`glue`] is the
//! logic, written against it and tested natively with [`mock`]; `wasm` (wasm32 only) implements
//! the trait over `abi` (our own declarations of the proxy-wasm ABI calls, every status mapped to a
//! typed [`host::HostError`]: the SDK's helpers panic on unexpected statuses and on header bytes
//! that are not UTF-8, and a panic would trap inside Envoy); [`pairs`] reads the host's header
//! maps as bytes.

#[cfg(target_arch = "wasm32")]
mod abi;
pub mod glue;
pub mod host;
/// The in-memory host, for this crate's tests and, with the `mock` feature, for other crates'
/// tests that drive the filter (the CLI's agreement test).
#[cfg(any(test, feature = "mock"))]
pub mod mock;
pub mod pairs;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use glue::NETWORK_ROOT_ID;
