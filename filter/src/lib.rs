//! meshgate-filter: the proxy-wasm glue that runs meshgate-core inside stock Envoy (`filter.wasm`).
//!
//! **Placeholder skeleton.** This crate is the frame the filter issue fills in. What is real today:
//!
//! - the module entry point ([`proxy_wasm::main!`]) and a root context per plugin;
//! - `on_configure` reads the plugin configuration with
//!   `hostcalls::get_buffer(BufferType::PluginConfiguration, …)`, handles every host error by logging it
//!   and rejecting the configuration, and is pure and idempotent (Envoy runs it once per worker VM);
//! - the root chooses its kind from the plugin's `root_id`: [`NETWORK_ROOT_ID`] makes TCP stream
//!   contexts (for `envoy.filters.network.wasm`), anything else makes HTTP contexts
//!   (for `envoy.filters.http.wasm`).
//!
//! What is **not** there yet: the plugin configuration is not parsed as a GatewayPlan, and the HTTP and
//! stream contexts **allow everything**. Do not use this build for authorization.
//!
//! Host calls go through `proxy_wasm::hostcalls::*` so every `Err(Status)` is handled; the SDK's trait
//! convenience methods unwrap (and so would trap inside Envoy).

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext, StreamContext};
use proxy_wasm::types::{Action, BufferType, ContextType, LogLevel, Status};

/// The `root_id` (in Envoy's `PluginConfig`) that selects the L4 network filter (TCP stream contexts).
/// Any other `root_id`, including none, selects the HTTP filter.
pub const NETWORK_ROOT_ID: &str = "meshgate_network";

proxy_wasm::main! {{
    proxy_wasm::set_root_context(|context_id| -> Box<dyn RootContext> { Box::new(MeshgateRoot::new(context_id)) });
}}

/// Which kind of per-connection/per-request context a root with this `root_id` creates.
pub fn context_type_for_root_id(root_id: &[u8]) -> ContextType {
    if root_id == NETWORK_ROOT_ID.as_bytes() {
        ContextType::StreamContext
    } else {
        ContextType::HttpContext
    }
}

/// Logs through the host; a failing log call has nowhere better to be reported, so it is dropped.
fn log(level: LogLevel, message: &str) {
    let _ = hostcalls::log(level, message);
}

/// One per plugin configuration (per worker VM). Holds the configuration the last successful
/// `on_configure` accepted.
pub struct MeshgateRoot {
    context_id: u32,
    context_type: ContextType,
    /// Raw plugin configuration bytes. Placeholder: the filter issue replaces this with an indexed
    /// GatewayPlan built once here, never re-parsed per request.
    config: Vec<u8>,
}

impl MeshgateRoot {
    /// A root that has not been configured yet (HTTP until `on_configure` learns its `root_id`).
    pub fn new(context_id: u32) -> Self {
        MeshgateRoot { context_id, context_type: ContextType::HttpContext, config: Vec::new() }
    }

    /// The accepted plugin configuration (empty until `on_configure` succeeds).
    pub fn config(&self) -> &[u8] {
        &self.config
    }

    fn read_root_id() -> Result<Vec<u8>, Status> {
        Ok(hostcalls::get_property(vec!["plugin_root_id"])?.unwrap_or_default())
    }

    fn read_plugin_configuration() -> Result<Vec<u8>, Status> {
        Ok(hostcalls::get_buffer(BufferType::PluginConfiguration, 0, usize::MAX)?.unwrap_or_default())
    }
}

impl Context for MeshgateRoot {}

impl RootContext for MeshgateRoot {
    fn on_configure(&mut self, _plugin_configuration_size: usize) -> bool {
        let root_id = match Self::read_root_id() {
            Ok(root_id) => root_id,
            Err(status) => {
                log(LogLevel::Error, &format!("meshgate: cannot read plugin_root_id: {status:?}"));
                return false;
            }
        };
        let config = match Self::read_plugin_configuration() {
            Ok(config) => config,
            Err(status) => {
                log(LogLevel::Error, &format!("meshgate: cannot read the plugin configuration: {status:?}"));
                return false;
            }
        };
        self.context_type = context_type_for_root_id(&root_id);
        self.config = config;
        log(
            LogLevel::Info,
            &format!(
                "meshgate: root context {} configured as {:?} with {} bytes of plugin configuration \
                 (placeholder filter: allows everything)",
                self.context_id,
                self.context_type,
                self.config.len()
            ),
        );
        true
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(AllowAll))
    }

    fn create_stream_context(&self, _context_id: u32) -> Option<Box<dyn StreamContext>> {
        Some(Box::new(AllowAll))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(self.context_type)
    }
}

/// Placeholder per-request / per-connection context: lets every request and connection through.
/// The filter issue replaces it with the indexed decisions from meshgate-core.
pub struct AllowAll;

impl Context for AllowAll {}

impl HttpContext for AllowAll {
    fn on_http_request_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        Action::Continue
    }
}

impl StreamContext for AllowAll {
    fn on_new_connection(&mut self) -> Action {
        Action::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_id_selects_the_context_type() {
        assert_eq!(context_type_for_root_id(NETWORK_ROOT_ID.as_bytes()), ContextType::StreamContext);
        assert_eq!(context_type_for_root_id(b""), ContextType::HttpContext);
        assert_eq!(context_type_for_root_id(b"meshgate_http"), ContextType::HttpContext);
    }

    #[test]
    fn a_new_root_has_no_configuration() {
        let root = MeshgateRoot::new(7);
        assert!(root.config().is_empty());
        assert_eq!(root.get_type(), Some(ContextType::HttpContext));
    }
}
