//! The proxy-wasm binding: [`Hostcalls`] implements [`Host`] over [`crate::abi`] (our own
//! declarations of the ABI calls, so no SDK helper can panic on a status or a byte), and the
//! root, stream and HTTP contexts hand every callback to [`crate::glue`].

use crate::abi;
use crate::glue::{HttpFilter, Root, StreamFilter, Verdict, COUNTER_BATCH, COUNTER_TICK_MS};
use crate::host::{Host, HostError, HostStatus, Level, MetricKind};
use crate::pairs::HeaderPairs;
use proxy_wasm::traits::{Context, HttpContext, RootContext, StreamContext};
use proxy_wasm::types::{Action, ContextType};

proxy_wasm::main! {{
    std::panic::set_hook(Box::new(|info| {
        let _ = abi::log(level(Level::Critical), &format!("meshgate: panic: {info}"));
    }));
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(MeshgateRoot { root: Root::default() }) });
}}

/// The host, through the proxy-wasm ABI.
pub struct Hostcalls;

/// proxy-wasm's log level numbers.
fn level(l: Level) -> u32 {
    match l {
        Level::Trace => 0,
        Level::Debug => 1,
        Level::Info => 2,
        Level::Warn => 3,
        Level::Error => 4,
        Level::Critical => 5,
    }
}

impl Host for Hostcalls {
    fn property(&self, path: &[&str]) -> Result<Option<Vec<u8>>, HostError> {
        abi::property(path)
    }

    fn plugin_configuration(&self) -> Result<Option<Vec<u8>>, HostError> {
        abi::buffer(abi::BUFFER_PLUGIN_CONFIGURATION)
    }

    type Headers<'h> = HeaderPairs;

    fn request_headers(&self) -> Result<Self::Headers<'_>, HostError> {
        let buf = abi::header_map(abi::MAP_REQUEST_HEADERS)?;
        HeaderPairs::parse(buf).map_err(|_| HostError::new("get_map", HostStatus::SerializationFailure))
    }

    fn set_request_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        abi::replace_header(abi::MAP_REQUEST_HEADERS, name, value)
    }

    fn add_request_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        abi::add_header(abi::MAP_REQUEST_HEADERS, name, value)
    }

    fn remove_request_header(&self, name: &str) -> Result<(), HostError> {
        abi::remove_header(abi::MAP_REQUEST_HEADERS, name)
    }

    fn set_response_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        abi::replace_header(abi::MAP_RESPONSE_HEADERS, name, value)
    }

    fn add_response_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        abi::add_header(abi::MAP_RESPONSE_HEADERS, name, value)
    }

    fn remove_response_header(&self, name: &str) -> Result<(), HostError> {
        abi::remove_header(abi::MAP_RESPONSE_HEADERS, name)
    }

    fn send_local_reply(&self, code: u32, headers: &[(&str, &str)], body: &[u8]) -> Result<(), HostError> {
        let headers = HeaderPairs::serialize(headers.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())));
        abi::send_local_response(code, &headers, body)
    }

    fn clear_route_cache(&self) -> Result<(), HostError> {
        abi::call_foreign_function("clear_route_cache", "clear_route_cache", &[])
    }

    fn set_filter_state(&self, key: &str, value: &str) -> Result<(), HostError> {
        let args = crate::host::filter_state_arguments(key, value);
        abi::call_foreign_function("set_envoy_filter_state", "set_envoy_filter_state", &args)
    }

    fn close_downstream(&self) -> Result<(), HostError> {
        abi::close_downstream()
    }

    fn log_level(&self) -> Level {
        match abi::log_level() {
            Ok(0) => Level::Trace,
            Ok(1) => Level::Debug,
            Ok(2) => Level::Info,
            Ok(3) => Level::Warn,
            Ok(4) => Level::Error,
            Ok(5) => Level::Critical,
            // Unknown: log everything rather than lose a deny line.
            _ => Level::Trace,
        }
    }

    fn log(&self, l: Level, message: &str) {
        // A failing log call has nowhere better to be reported.
        let _ = abi::log(level(l), message);
    }

    fn define_metric(&self, kind: MetricKind, name: &str) -> Result<u32, HostError> {
        let t = match kind {
            MetricKind::Counter => 0,
            MetricKind::Histogram => 2,
        };
        abi::define_metric(t, name)
    }

    fn increment_metric(&self, id: u32, by: i64) -> Result<(), HostError> {
        abi::increment_metric(id, by)
    }

    fn record_metric(&self, id: u32, value: u64) -> Result<(), HostError> {
        abi::record_metric(id, value)
    }

    fn memory_bytes(&self) -> Option<u64> {
        #[cfg(target_arch = "wasm32")]
        {
            Some(core::arch::wasm32::memory_size(0) as u64 * 65_536)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            None
        }
    }

    fn counter_batch(&self) -> u32 {
        COUNTER_BATCH
    }

    fn now_nanos(&self) -> Result<u64, HostError> {
        abi::now_nanos()
    }
}

fn action(v: Verdict) -> Action {
    match v {
        Verdict::Continue => Action::Continue,
        Verdict::Pause => Action::Pause,
    }
}

/// One per plugin configuration per worker VM.
struct MeshgateRoot {
    root: Root,
}

impl Context for MeshgateRoot {
    fn on_done(&mut self) -> bool {
        self.root.on_tick(&Hostcalls);
        true
    }
}

impl RootContext for MeshgateRoot {
    fn on_configure(&mut self, _plugin_configuration_size: usize) -> bool {
        let root_id = match Hostcalls.property(&["plugin_root_id"]) {
            Ok(id) => id.unwrap_or_default(),
            Err(e) => {
                Hostcalls.log(Level::Error, &format!("meshgate: cannot read plugin_root_id: {e}"));
                return false;
            }
        };
        if !self.root.configure(&Hostcalls, &root_id) {
            return false;
        }
        // Without the tick, `allowed` would wait for a full batch (COUNTER_BATCH).
        if let Err(e) = abi::set_tick_period(COUNTER_TICK_MS) {
            Hostcalls.log(Level::Warn, &format!("meshgate: cannot set the tick period: {e}"));
        }
        true
    }

    fn on_tick(&mut self) {
        self.root.on_tick(&Hostcalls);
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(MeshgateHttp(self.root.http_filter())))
    }

    fn create_stream_context(&self, _context_id: u32) -> Option<Box<dyn StreamContext>> {
        Some(Box::new(MeshgateStream(self.root.stream_filter())))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(if self.root.kind.is_network() { ContextType::StreamContext } else { ContextType::HttpContext })
    }
}

struct MeshgateStream(StreamFilter);

impl Context for MeshgateStream {}

impl StreamContext for MeshgateStream {
    fn on_new_connection(&mut self) -> Action {
        action(self.0.on_new_connection(&Hostcalls))
    }

    fn on_downstream_data(&mut self, _data_size: usize, _end_of_stream: bool) -> Action {
        action(self.0.on_downstream_data(&Hostcalls))
    }

    fn on_upstream_data(&mut self, _data_size: usize, _end_of_stream: bool) -> Action {
        action(self.0.on_upstream_data(&Hostcalls))
    }
}

struct MeshgateHttp(HttpFilter);

impl Context for MeshgateHttp {}

impl HttpContext for MeshgateHttp {
    fn on_http_request_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        action(self.0.on_request_headers(&Hostcalls))
    }

    fn on_http_response_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        action(self.0.on_response_headers(&Hostcalls))
    }
}
