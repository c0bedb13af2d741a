//! The benchmark's **wasm floor** (`bench/run.sh`, variant `floor-wasm`): the cheapest useful
//! proxy-wasm filter. Measured next to meshgate's filter.wasm in the same Envoy (same V8 runtime,
//! same plugin shape), it isolates what the Wasm ABI itself costs from what meshgate's decision
//! costs.
//!
//! - HTTP (any `root_id` but the network one): reads one request header (`:path`) and continues.
//! - L4 (`root_id` [`NETWORK_ROOT_ID`]): reads one connection property (the peer certificate's URI
//!   SAN, what an L4 decision needs) on the first downstream data and continues.
//!
//! No other work, no configuration, no logging; host access goes through `hostcalls` directly
//! (the SDK's trait helpers unwrap, and a panic would trap inside Envoy).

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext, StreamContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MapType};

/// The `root_id` that selects the L4 (network filter) floor.
pub const NETWORK_ROOT_ID: &str = "floor_network";

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Warn);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(FloorRoot { network: false }) });
}}

struct FloorRoot {
    network: bool,
}

impl Context for FloorRoot {}

impl RootContext for FloorRoot {
    fn on_configure(&mut self, _plugin_configuration_size: usize) -> bool {
        let root_id = hostcalls::get_property(vec!["plugin_root_id"]).ok().flatten().unwrap_or_default();
        self.network = root_id == NETWORK_ROOT_ID.as_bytes();
        true
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(if self.network { ContextType::StreamContext } else { ContextType::HttpContext })
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(FloorHttp))
    }

    fn create_stream_context(&self, _context_id: u32) -> Option<Box<dyn StreamContext>> {
        Some(Box::new(FloorStream { read: false }))
    }
}

struct FloorHttp;

impl Context for FloorHttp {}

impl HttpContext for FloorHttp {
    fn on_http_request_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        // One header read, its result deliberately unused (a failed read is not an error here).
        let _path = hostcalls::get_map_value(MapType::HttpRequestHeaders, ":path");
        Action::Continue
    }
}

struct FloorStream {
    read: bool,
}

impl Context for FloorStream {}

impl StreamContext for FloorStream {
    fn on_downstream_data(&mut self, _data_size: usize, _end_of_stream: bool) -> Action {
        if !self.read {
            self.read = true;
            // One property read per connection, its result deliberately unused.
            let _peer = hostcalls::get_property(vec!["connection", "uri_san_peer_certificate"]);
        }
        Action::Continue
    }
}
