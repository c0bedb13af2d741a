//! meshgate-dynmod: meshgate's filter as an Envoy **dynamic module** — a native shared object
//! (`libmeshgate_dynmod.so`) that Envoy loads with `envoy.filters.http.dynamic_modules` and
//! `envoy.filters.network.dynamic_modules`, running the same glue ([`meshgate_filter::glue`]) and
//! the same core decisions as `filter.wasm`, without the Wasm VM in between.
//!
//! **Unsandboxed**: the module runs in Envoy's own process with Envoy's privileges; a memory bug
//! here is a bug in Envoy. `filter.wasm` stays the default (`meshgate envoy --host wasm`).
//!
//! Layout: [`abi`] declares the ABI (our own declarations, from the pinned Envoy's `abi.h`);
//! [`host`] implements meshgate's `Host` trait over it; this file exports the event hooks.
//!
//! - The filter's name (`filter_name` in Envoy's config) plays proxy-wasm's `root_id`: it picks
//!   the network, HTTP or health filter ([`FilterKind::of_root_id`]).
//! - A configuration is loaded once, on Envoy's main thread, and shared by every worker (a Wasm
//!   plugin loads once per worker VM): the indexed plan is behind an `Arc`, and each worker thread
//!   has its own random state, timing sample count and log budget per filter kind
//!   ([`meshgate_filter::glue::Shared`]).
//! - No panic crosses into Envoy: every hook runs under `catch_unwind`; a panic is logged and
//!   fails closed (the request gets a 500, the connection is closed, a configuration is refused).

pub mod abi;
pub mod host;

use abi::{EnvoyBuffer, Ptr};
use host::{Context, EnvoyHost};
use meshgate_filter::glue::{Configured, FilterKind, HttpFilter, Root, Shared, StreamFilter, Verdict};
use meshgate_filter::host::{Host, Level};
use std::cell::RefCell;
use std::ffi::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Arc;

/// A build for the benchmark's module floor (feature `bench-floor`): HTTP filters do nothing, and
/// network filters read the peer certificate's URI SAN once, on the connection's first bytes, and
/// decide nothing — what the wasm floor does on each path — so `bench/run.sh` can measure Envoy's
/// own cost of hosting one. The plan is still loaded. The network floor chooses no cluster, so it
/// serves only chains whose tcp_proxy names theirs (a terminating gateway's, without ECDS).
const BENCH_FLOOR: bool = cfg!(feature = "bench-floor");

/// The module floor's connection ([`BENCH_FLOOR`]): whether the peer's URI SAN was read.
struct FloorConnection {
    read: bool,
}

/// The module floor's read of the peer's URI SAN (its result deliberately unused), once.
fn floor_read(filter_envoy_ptr: Ptr, filter_module_ptr: *const c_void) -> u32 {
    // SAFETY: Envoy passes back the live filter network_filter_new made, on its worker.
    if let Some(conn) = unsafe { (filter_module_ptr as *mut FloorConnection).as_mut() } {
        if !conn.read {
            conn.read = true;
            let host = EnvoyHost { context: Context::Network(filter_envoy_ptr) };
            let _peer = host.property(&["connection", "uri_san_peer_certificate"]);
        }
    }
    abi::NETWORK_CONTINUE
}

/// One filter configuration (per listener filter, per plan): what every worker's filters serve.
#[derive(Debug)]
pub struct FilterConfig {
    kind: FilterKind,
    /// The filter chain's server name, from `filter_name` (see [`Root::chain`]).
    chain: Option<Arc<[u8]>>,
    state: Option<Arc<Configured>>,
}

// The configuration is created on the main thread and read by every worker.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<FilterConfig>();
};

thread_local! {
    /// This worker's [`Shared`] per filter kind (network, HTTP, health-network, health-HTTP): in
    /// proxy-wasm, each plugin's root in each worker VM has its own.
    static SHARED: RefCell<[Option<Rc<Shared>>; 4]> = const { RefCell::new([None, None, None, None]) };
}

fn kind_slot(kind: FilterKind) -> usize {
    match kind {
        FilterKind::Network => 0,
        FilterKind::Http => 1,
        FilterKind::HealthNetwork => 2,
        FilterKind::HealthHttp => 3,
    }
}

fn clock_seed() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
}

impl FilterConfig {
    /// A root serving this configuration on the calling thread.
    fn root(&self) -> Root {
        let shared = SHARED.with(|s| {
            let mut s = s.borrow_mut();
            let slot = &mut s[kind_slot(self.kind)];
            slot.get_or_insert_with(|| Shared::new(clock_seed())).clone()
        });
        Root::serving(self.kind, self.chain.clone(), self.state.clone(), shared)
    }
}

/// Writes a line through Envoy's log (a panic message, a refusal) from anywhere.
fn log(level: Level, message: &str) {
    EnvoyHost { context: Context::Http(std::ptr::null_mut()) }.log(level, message);
}

/// The text of a caught panic.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("?")
}

/// Runs `f`, turning a panic into `failed()` after logging it.
fn guard<T>(hook: &str, f: impl FnOnce() -> T, failed: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(payload) => {
            log(Level::Critical, &format!("meshgate: panic in {hook}: {}; failing closed", panic_text(&*payload)));
            failed()
        }
    }
}

// ------------------------------------------------------------------------------------- program

/// Called once when Envoy loads the module: the ABI version it was written against.
#[no_mangle]
extern "C" fn envoy_dynamic_module_on_program_init() -> *const c_char {
    abi::ABI_VERSION.as_ptr()
}

// ------------------------------------------------------------------------------- configuration

/// Loads a plan: the glue's `configure`, exactly as `filter.wasm`'s `on_configure`. Null (Envoy
/// then refuses the configuration) when the plan is refused.
fn config_new(envoy: Ptr, name: EnvoyBuffer, config: EnvoyBuffer, network: bool) -> *const c_void {
    // SAFETY: Envoy's buffers, valid for this hook.
    let (name, config) = unsafe { (name.as_slice(), config.as_slice()) };
    let host = EnvoyHost { context: Context::Config { envoy, network, config } };
    let mut root = Root::default();
    if !root.configure(&host, name) {
        return std::ptr::null();
    }
    if root.kind.is_network() != network {
        host.log(
            Level::Error,
            &format!(
                "meshgate error: filter `{}` is a {} filter, configured as a {} filter",
                String::from_utf8_lossy(name),
                if root.kind.is_network() { "network" } else { "HTTP" },
                if network { "network" } else { "HTTP" }
            ),
        );
        return std::ptr::null();
    }
    let state = root.configured();
    Box::into_raw(Box::new(FilterConfig { kind: root.kind, chain: root.chain, state })) as *const c_void
}

/// # Safety
/// `config` is null or came from [`config_new`], and is not used after this.
unsafe fn config_destroy(config: *const c_void) {
    if !config.is_null() {
        // SAFETY: per this function's contract, we made it with Box::into_raw.
        drop(unsafe { Box::from_raw(config as *mut FilterConfig) });
    }
}

/// # Safety
/// `config` is null or a live pointer from [`config_new`].
unsafe fn config_ref<'a>(config: *const c_void) -> Option<&'a FilterConfig> {
    // SAFETY: per this function's contract.
    unsafe { (config as *const FilterConfig).as_ref() }
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_config_new(
    filter_config_envoy_ptr: Ptr,
    name: EnvoyBuffer,
    config: EnvoyBuffer,
) -> *const c_void {
    guard("http_filter_config_new", || config_new(filter_config_envoy_ptr, name, config, false), std::ptr::null)
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_config_destroy(filter_config_ptr: *const c_void) {
    // SAFETY: Envoy passes back the pointer config_new returned, once.
    guard("http_filter_config_destroy", || unsafe { config_destroy(filter_config_ptr) }, || ())
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_config_new(
    filter_config_envoy_ptr: Ptr,
    name: EnvoyBuffer,
    config: EnvoyBuffer,
) -> *const c_void {
    guard("network_filter_config_new", || config_new(filter_config_envoy_ptr, name, config, true), std::ptr::null)
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_config_destroy(filter_config_ptr: *const c_void) {
    // SAFETY: Envoy passes back the pointer config_new returned, once.
    guard("network_filter_config_destroy", || unsafe { config_destroy(filter_config_ptr) }, || ())
}

/// meshgate has no per-route configuration (the generator never writes one): refused.
#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_per_route_config_new(
    _name: EnvoyBuffer,
    _config: EnvoyBuffer,
) -> *const c_void {
    std::ptr::null()
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_per_route_config_destroy(_config: *const c_void) {}

// --------------------------------------------------------------------------------- HTTP filter

/// # Safety
/// `filter` is null or a live pointer from [`envoy_dynamic_module_on_http_filter_new`], used by
/// one thread at a time (Envoy calls a stream's hooks on its worker, one after another).
unsafe fn http_mut<'a>(filter: *const c_void) -> Option<&'a mut HttpFilter> {
    // SAFETY: per this function's contract.
    unsafe { (filter as *mut HttpFilter).as_mut() }
}

fn headers_status(v: Verdict) -> u32 {
    match v {
        Verdict::Continue => abi::HEADERS_CONTINUE,
        Verdict::Pause => abi::HEADERS_STOP_ITERATION,
    }
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_new(
    filter_config_ptr: *const c_void,
    _filter_envoy_ptr: Ptr,
) -> *const c_void {
    guard(
        "http_filter_new",
        || {
            if BENCH_FLOOR {
                // Envoy wants a non-null filter; the floor's hooks never read it.
                return filter_config_ptr;
            }
            // SAFETY: Envoy passes the live configuration config_new returned.
            let Some(config) = (unsafe { config_ref(filter_config_ptr) }) else { return std::ptr::null() };
            Box::into_raw(Box::new(config.root().http_filter())) as *const c_void
        },
        std::ptr::null,
    )
}

/// A panic while deciding: answer 500 (never forward), as the glue does when a host call fails.
fn http_failed(filter_envoy_ptr: Ptr) -> u32 {
    let host = EnvoyHost { context: Context::Http(filter_envoy_ptr) };
    let _ = host.send_local_reply(
        500,
        &[(meshgate_core::gateway::REASON_HEADER, "filter-error")],
        b"meshgate: filter error\n",
    );
    abi::HEADERS_STOP_ITERATION
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_request_headers(
    filter_envoy_ptr: Ptr,
    filter_module_ptr: *const c_void,
    _end_of_stream: bool,
) -> u32 {
    guard(
        "http_filter_request_headers",
        || {
            if BENCH_FLOOR {
                return abi::HEADERS_CONTINUE;
            }
            // SAFETY: Envoy passes back the live filter http_filter_new returned, on its worker.
            let Some(filter) = (unsafe { http_mut(filter_module_ptr) }) else { return http_failed(filter_envoy_ptr) };
            headers_status(filter.on_request_headers(&EnvoyHost { context: Context::Http(filter_envoy_ptr) }))
        },
        || http_failed(filter_envoy_ptr),
    )
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_response_headers(
    filter_envoy_ptr: Ptr,
    filter_module_ptr: *const c_void,
    _end_of_stream: bool,
) -> u32 {
    guard(
        "http_filter_response_headers",
        || {
            if BENCH_FLOOR {
                return abi::HEADERS_CONTINUE;
            }
            // SAFETY: as in request_headers.
            let Some(filter) = (unsafe { http_mut(filter_module_ptr) }) else { return abi::HEADERS_CONTINUE };
            headers_status(filter.on_response_headers(&EnvoyHost { context: Context::Http(filter_envoy_ptr) }))
        },
        // The request was decided already; only header changes are lost.
        || abi::HEADERS_CONTINUE,
    )
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_request_body(_: Ptr, _: *const c_void, _: bool) -> u32 {
    abi::BODY_CONTINUE
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_request_trailers(_: Ptr, _: *const c_void) -> u32 {
    abi::TRAILERS_CONTINUE
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_response_body(_: Ptr, _: *const c_void, _: bool) -> u32 {
    abi::BODY_CONTINUE
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_response_trailers(_: Ptr, _: *const c_void) -> u32 {
    abi::TRAILERS_CONTINUE
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_stream_complete(_: Ptr, _: *const c_void) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_destroy(filter_module_ptr: *const c_void) {
    guard(
        "http_filter_destroy",
        || {
            if !BENCH_FLOOR && !filter_module_ptr.is_null() {
                // SAFETY: Envoy passes back the pointer http_filter_new returned, once, last.
                drop(unsafe { Box::from_raw(filter_module_ptr as *mut HttpFilter) });
            }
        },
        || (),
    )
}

// ------------------------------------------------------------------------------ network filter

/// # Safety
/// As [`http_mut`], for [`envoy_dynamic_module_on_network_filter_new`]'s pointers.
unsafe fn stream_mut<'a>(filter: *const c_void) -> Option<&'a mut StreamFilter> {
    // SAFETY: per this function's contract.
    unsafe { (filter as *mut StreamFilter).as_mut() }
}

fn data_status(v: Verdict) -> u32 {
    match v {
        Verdict::Continue => abi::NETWORK_CONTINUE,
        Verdict::Pause => abi::NETWORK_STOP_ITERATION,
    }
}

/// A panic while deciding on a connection: close it and stop.
fn network_failed(filter_envoy_ptr: Ptr) -> u32 {
    let _ = EnvoyHost { context: Context::Network(filter_envoy_ptr) }.close_downstream();
    abi::NETWORK_STOP_ITERATION
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_new(
    filter_config_ptr: *const c_void,
    _filter_envoy_ptr: Ptr,
) -> *const c_void {
    guard(
        "network_filter_new",
        || {
            if BENCH_FLOOR {
                return Box::into_raw(Box::new(FloorConnection { read: false })) as *const c_void;
            }
            // SAFETY: Envoy passes the live configuration config_new returned.
            let Some(config) = (unsafe { config_ref(filter_config_ptr) }) else { return std::ptr::null() };
            Box::into_raw(Box::new(config.root().stream_filter())) as *const c_void
        },
        std::ptr::null,
    )
}

/// One network hook: the glue's callback on the connection's filter, fail-closed.
fn network_hook(
    hook: &str,
    filter_envoy_ptr: Ptr,
    filter_module_ptr: *const c_void,
    f: impl FnOnce(&mut StreamFilter, &EnvoyHost<'_>) -> Verdict,
) -> u32 {
    guard(
        hook,
        || {
            // SAFETY: Envoy passes back the live filter network_filter_new returned, on its worker.
            let Some(filter) = (unsafe { stream_mut(filter_module_ptr) }) else {
                return network_failed(filter_envoy_ptr);
            };
            data_status(f(filter, &EnvoyHost { context: Context::Network(filter_envoy_ptr) }))
        },
        || network_failed(filter_envoy_ptr),
    )
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_new_connection(
    filter_envoy_ptr: Ptr,
    filter_module_ptr: *const c_void,
) -> u32 {
    if BENCH_FLOOR {
        return abi::NETWORK_CONTINUE;
    }
    network_hook("network_filter_new_connection", filter_envoy_ptr, filter_module_ptr, |f, h| f.on_new_connection(h))
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_read(
    filter_envoy_ptr: Ptr,
    filter_module_ptr: *const c_void,
    _data_length: usize,
    _end_stream: bool,
) -> u32 {
    if BENCH_FLOOR {
        return guard(
            "network_filter_read",
            || floor_read(filter_envoy_ptr, filter_module_ptr),
            || network_failed(filter_envoy_ptr),
        );
    }
    network_hook("network_filter_read", filter_envoy_ptr, filter_module_ptr, |f, h| f.on_downstream_data(h))
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_write(
    filter_envoy_ptr: Ptr,
    filter_module_ptr: *const c_void,
    _data_length: usize,
    _end_stream: bool,
) -> u32 {
    if BENCH_FLOOR {
        return abi::NETWORK_CONTINUE;
    }
    network_hook("network_filter_write", filter_envoy_ptr, filter_module_ptr, |f, h| f.on_upstream_data(h))
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_event(_: Ptr, _: *const c_void, _event: u32) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_destroy(filter_module_ptr: *const c_void) {
    guard(
        "network_filter_destroy",
        || {
            if filter_module_ptr.is_null() {
                return;
            }
            if BENCH_FLOOR {
                // SAFETY: as below, for the floor's connection.
                drop(unsafe { Box::from_raw(filter_module_ptr as *mut FloorConnection) });
                return;
            }
            // SAFETY: Envoy passes back the pointer network_filter_new returned, once, last.
            drop(unsafe { Box::from_raw(filter_module_ptr as *mut StreamFilter) });
        },
        || (),
    )
}

// ------------------------------------------------------------------- hooks meshgate does not use
//
// Envoy resolves these when it loads a filter configuration, so they must exist. meshgate starts
// no callouts, streams or schedulers; the ones Envoy may call on its own (local replies,
// watermarks) need nothing from it.

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_local_reply(
    _: Ptr,
    _: *const c_void,
    _response_code: u32,
    _details: EnvoyBuffer,
    _reset_imminent: bool,
) -> u32 {
    // envoy_dynamic_module_type_on_http_filter_local_reply_status_Continue: send it.
    0
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_http_callout_done(
    _: Ptr,
    _: *const c_void,
    _: u64,
    _: u32,
    _: *mut abi::EnvoyHttpHeader,
    _: usize,
    _: *mut EnvoyBuffer,
    _: usize,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_headers(
    _: Ptr,
    _: *const c_void,
    _: u64,
    _: *mut abi::EnvoyHttpHeader,
    _: usize,
    _: bool,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_data(
    _: Ptr,
    _: *const c_void,
    _: u64,
    _: *const EnvoyBuffer,
    _: usize,
    _: bool,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_trailers(
    _: Ptr,
    _: *const c_void,
    _: u64,
    _: *mut abi::EnvoyHttpHeader,
    _: usize,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_complete(_: Ptr, _: *const c_void, _: u64) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_http_stream_reset(_: Ptr, _: *const c_void, _: u64, _: u32) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_scheduled(_: Ptr, _: *const c_void, _: u64) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_config_scheduled(_: Ptr, _: *const c_void, _: u64) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_config_http_callout_done(
    _: Ptr,
    _: *const c_void,
    _: u64,
    _: u32,
    _: *mut abi::EnvoyHttpHeader,
    _: usize,
    _: *mut EnvoyBuffer,
    _: usize,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_config_http_stream_headers(
    _: Ptr,
    _: *const c_void,
    _: u64,
    _: *mut abi::EnvoyHttpHeader,
    _: usize,
    _: bool,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_config_http_stream_data(
    _: Ptr,
    _: *const c_void,
    _: u64,
    _: *const EnvoyBuffer,
    _: usize,
    _: bool,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_config_http_stream_trailers(
    _: Ptr,
    _: *const c_void,
    _: u64,
    _: *mut abi::EnvoyHttpHeader,
    _: usize,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_config_http_stream_complete(_: Ptr, _: *const c_void, _: u64) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_config_http_stream_reset(_: Ptr, _: *const c_void, _: u64, _: u32) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_downstream_above_write_buffer_high_watermark(
    _: Ptr,
    _: *const c_void,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_http_filter_downstream_below_write_buffer_low_watermark(
    _: Ptr,
    _: *const c_void,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_http_callout_done(
    _: Ptr,
    _: *const c_void,
    _: u64,
    _: u32,
    _: *mut abi::EnvoyHttpHeader,
    _: usize,
    _: *mut EnvoyBuffer,
    _: usize,
) {
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_scheduled(_: Ptr, _: *const c_void, _: u64) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_config_scheduled(_: *const c_void, _: u64) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_above_write_buffer_high_watermark(_: Ptr, _: *const c_void) {}

#[no_mangle]
extern "C" fn envoy_dynamic_module_on_network_filter_below_write_buffer_low_watermark(_: Ptr, _: *const c_void) {}

// The hooks are not `pub`: only Envoy calls them, through the symbols `#[no_mangle]` exports.

#[cfg(test)]
mod tests;
