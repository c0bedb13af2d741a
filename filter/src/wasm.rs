//! The proxy-wasm binding: [`Hostcalls`] implements [`Host`] over `proxy_wasm::hostcalls`, and the
//! root, stream and HTTP contexts hand every callback to [`crate::glue`].

use crate::glue::{FilterKind, HttpFilter, Root, StreamFilter, Verdict};
use crate::host::{Host, HostError, HostStatus, Level, MetricKind};
use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext, StreamContext};
use proxy_wasm::types::{Action, BufferType, ContextType, LogLevel, MapType, MetricType, Status};

proxy_wasm::main! {{
    std::panic::set_hook(Box::new(|info| {
        let _ = hostcalls::log(LogLevel::Critical, &format!("meshgate: panic: {info}"));
    }));
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(MeshgateRoot { root: Root::default() }) });
}}

/// The host, through proxy-wasm's host calls.
pub struct Hostcalls;

fn status(call: &'static str) -> impl Fn(Status) -> HostError {
    move |s| {
        HostError::new(
            call,
            match s {
                Status::NotFound => HostStatus::NotFound,
                Status::BadArgument => HostStatus::BadArgument,
                Status::SerializationFailure => HostStatus::SerializationFailure,
                Status::ParseFailure => HostStatus::ParseFailure,
                Status::Empty => HostStatus::Empty,
                Status::CasMismatch => HostStatus::CasMismatch,
                Status::InternalFailure => HostStatus::InternalFailure,
                _ => HostStatus::Other,
            },
        )
    }
}

fn level(l: Level) -> LogLevel {
    match l {
        Level::Trace => LogLevel::Trace,
        Level::Debug => LogLevel::Debug,
        Level::Info => LogLevel::Info,
        Level::Warn => LogLevel::Warn,
        Level::Error => LogLevel::Error,
        Level::Critical => LogLevel::Critical,
    }
}

impl Host for Hostcalls {
    fn property(&self, path: &[&str]) -> Result<Option<Vec<u8>>, HostError> {
        hostcalls::get_property(path.to_vec()).map_err(status("get_property"))
    }

    fn plugin_configuration(&self) -> Result<Option<Vec<u8>>, HostError> {
        hostcalls::get_buffer(BufferType::PluginConfiguration, 0, usize::MAX).map_err(status("get_buffer"))
    }

    fn request_headers(&self) -> Result<Vec<(String, String)>, HostError> {
        hostcalls::get_map(MapType::HttpRequestHeaders).map_err(status("get_map"))
    }

    fn set_request_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        hostcalls::set_map_value(MapType::HttpRequestHeaders, name, Some(value)).map_err(status("set_map_value"))
    }

    fn add_request_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        hostcalls::add_map_value(MapType::HttpRequestHeaders, name, value).map_err(status("add_map_value"))
    }

    fn remove_request_header(&self, name: &str) -> Result<(), HostError> {
        hostcalls::remove_map_value(MapType::HttpRequestHeaders, name).map_err(status("remove_map_value"))
    }

    fn set_response_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        hostcalls::set_map_value(MapType::HttpResponseHeaders, name, Some(value)).map_err(status("set_map_value"))
    }

    fn add_response_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        hostcalls::add_map_value(MapType::HttpResponseHeaders, name, value).map_err(status("add_map_value"))
    }

    fn remove_response_header(&self, name: &str) -> Result<(), HostError> {
        hostcalls::remove_map_value(MapType::HttpResponseHeaders, name).map_err(status("remove_map_value"))
    }

    fn send_local_reply(&self, code: u32, headers: &[(&str, &str)], body: &[u8]) -> Result<(), HostError> {
        hostcalls::send_http_response(code, headers.to_vec(), Some(body)).map_err(status("send_http_response"))
    }

    fn clear_route_cache(&self) -> Result<(), HostError> {
        hostcalls::call_foreign_function("clear_route_cache", None).map(|_| ()).map_err(status("clear_route_cache"))
    }

    fn set_filter_state(&self, key: &str, value: &str) -> Result<(), HostError> {
        let args = crate::host::filter_state_arguments(key, value);
        hostcalls::call_foreign_function("set_envoy_filter_state", Some(&args))
            .map(|_| ())
            .map_err(status("set_envoy_filter_state"))
    }

    fn close_downstream(&self) -> Result<(), HostError> {
        hostcalls::close_downstream().map_err(status("close_downstream"))
    }

    fn log_level(&self) -> Level {
        match hostcalls::get_log_level() {
            Ok(LogLevel::Trace) => Level::Trace,
            Ok(LogLevel::Debug) => Level::Debug,
            Ok(LogLevel::Info) => Level::Info,
            Ok(LogLevel::Warn) => Level::Warn,
            Ok(LogLevel::Error) => Level::Error,
            Ok(LogLevel::Critical) => Level::Critical,
            // Unknown: log everything rather than lose a deny line.
            Err(_) => Level::Trace,
        }
    }

    fn log(&self, l: Level, message: &str) {
        // A failing log call has nowhere better to be reported.
        let _ = hostcalls::log(level(l), message);
    }

    fn define_metric(&self, kind: MetricKind, name: &str) -> Result<u32, HostError> {
        let t = match kind {
            MetricKind::Counter => MetricType::Counter,
            MetricKind::Histogram => MetricType::Histogram,
        };
        hostcalls::define_metric(t, name).map_err(status("define_metric"))
    }

    fn increment_metric(&self, id: u32, by: i64) -> Result<(), HostError> {
        hostcalls::increment_metric(id, by).map_err(status("increment_metric"))
    }

    fn record_metric(&self, id: u32, value: u64) -> Result<(), HostError> {
        hostcalls::record_metric(id, value).map_err(status("record_metric"))
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

    fn now_nanos(&self) -> Result<u64, HostError> {
        let t = hostcalls::get_current_time().map_err(status("get_current_time"))?;
        Ok(t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0))
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

impl Context for MeshgateRoot {}

impl RootContext for MeshgateRoot {
    fn on_configure(&mut self, _plugin_configuration_size: usize) -> bool {
        let root_id = match Hostcalls.property(&["plugin_root_id"]) {
            Ok(id) => id.unwrap_or_default(),
            Err(e) => {
                Hostcalls.log(Level::Error, &format!("meshgate: cannot read plugin_root_id: {e}"));
                return false;
            }
        };
        self.root.configure(&Hostcalls, &root_id)
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(MeshgateHttp(self.root.http_filter())))
    }

    fn create_stream_context(&self, _context_id: u32) -> Option<Box<dyn StreamContext>> {
        Some(Box::new(MeshgateStream(self.root.stream_filter())))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(match self.root.kind {
            FilterKind::Network => ContextType::StreamContext,
            FilterKind::Http => ContextType::HttpContext,
        })
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
