//! The benchmark's **wasm floor** (`bench/run.sh`, variant `floor-wasm`): the cheapest useful
//! proxy-wasm HTTP filter — it reads one request header (`:path`) and continues. Measured next to
//! meshgate's filter.wasm in the same Envoy (same V8 runtime, same plugin shape), it isolates what
//! the Wasm ABI itself costs per request from what meshgate's decision costs.
//!
//! No other work, no configuration, no logging; header access goes through `hostcalls` directly
//! (the SDK's trait helpers unwrap, and a panic would trap inside Envoy).

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MapType};

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Warn);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(FloorRoot) });
}}

struct FloorRoot;

impl Context for FloorRoot {}

impl RootContext for FloorRoot {
    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(FloorHttp))
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
