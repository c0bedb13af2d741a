//! The proxy-wasm ABI calls the filter makes, declared here rather than through the SDK's
//! `hostcalls`: those panic on any status they did not expect and turn header bytes into
//! `String`s with an unwrap, and a panic inside Envoy kills the VM. Every status the host returns
//! is read as a plain `u32` (never transmuted into an enum) and mapped to a [`HostError`]; every
//! buffer the host hands back is taken over as a `Vec<u8>` (the host allocates it through the
//! SDK's `proxy_on_memory_allocate`, as the SDK itself assumes).
//!
//! The SDK still provides the context dispatch (`proxy_on_*` exports) and the allocator.

use crate::host::{HostError, HostStatus};
use std::ptr::{null, null_mut};

#[link(wasm_import_module = "env")]
extern "C" {
    fn proxy_log(level: u32, message_data: *const u8, message_size: usize) -> u32;
    fn proxy_get_log_level(return_level: *mut u32) -> u32;
    fn proxy_get_current_time_nanoseconds(return_time: *mut u64) -> u32;
    fn proxy_get_property(
        path_data: *const u8,
        path_size: usize,
        return_value_data: *mut *mut u8,
        return_value_size: *mut usize,
    ) -> u32;
    fn proxy_get_buffer_bytes(
        buffer_type: u32,
        start: usize,
        max_size: usize,
        return_buffer_data: *mut *mut u8,
        return_buffer_size: *mut usize,
    ) -> u32;
    fn proxy_get_header_map_pairs(map_type: u32, return_map_data: *mut *mut u8, return_map_size: *mut usize) -> u32;
    fn proxy_replace_header_map_value(
        map_type: u32,
        key_data: *const u8,
        key_size: usize,
        value_data: *const u8,
        value_size: usize,
    ) -> u32;
    fn proxy_add_header_map_value(
        map_type: u32,
        key_data: *const u8,
        key_size: usize,
        value_data: *const u8,
        value_size: usize,
    ) -> u32;
    fn proxy_remove_header_map_value(map_type: u32, key_data: *const u8, key_size: usize) -> u32;
    #[allow(clippy::too_many_arguments)]
    fn proxy_send_local_response(
        status_code: u32,
        status_code_details_data: *const u8,
        status_code_details_size: usize,
        body_data: *const u8,
        body_size: usize,
        headers_data: *const u8,
        headers_size: usize,
        grpc_status: i32,
    ) -> u32;
    fn proxy_call_foreign_function(
        function_name_data: *const u8,
        function_name_size: usize,
        arguments_data: *const u8,
        arguments_size: usize,
        results_data: *mut *mut u8,
        results_size: *mut usize,
    ) -> u32;
    fn proxy_close_stream(stream_type: u32) -> u32;
    fn proxy_define_metric(metric_type: u32, name_data: *const u8, name_size: usize, return_id: *mut u32) -> u32;
    fn proxy_increment_metric(metric_id: u32, offset: i64) -> u32;
    fn proxy_record_metric(metric_id: u32, value: u64) -> u32;
    fn proxy_set_tick_period_milliseconds(period: u32) -> u32;
}

pub const MAP_REQUEST_HEADERS: u32 = 0;
pub const MAP_RESPONSE_HEADERS: u32 = 2;
pub const BUFFER_PLUGIN_CONFIGURATION: u32 = 7;
const STREAM_DOWNSTREAM: u32 = 2;

fn check(call: &'static str, status: u32) -> Result<(), HostError> {
    let status = match status {
        0 => return Ok(()),
        1 => HostStatus::NotFound,
        2 => HostStatus::BadArgument,
        3 => HostStatus::SerializationFailure,
        4 => HostStatus::ParseFailure,
        7 => HostStatus::Empty,
        8 => HostStatus::CasMismatch,
        10 => HostStatus::InternalFailure,
        _ => HostStatus::Other,
    };
    Err(HostError::new(call, status))
}

/// Takes over a buffer the host allocated in this VM's memory (`None` for none).
///
/// # Safety
/// `data` must be null or come from `proxy_on_memory_allocate(size)`, owned by nobody else.
unsafe fn take(data: *mut u8, size: usize) -> Option<Vec<u8>> {
    if data.is_null() {
        return None;
    }
    // SAFETY: per this function's contract, the host allocated exactly `size` bytes here through
    // the SDK's allocator (a boxed slice of `size` bytes) and handed ownership to us.
    Some(unsafe { Vec::from_raw_parts(data, size, size) })
}

pub fn log(level: u32, message: &str) -> Result<(), HostError> {
    // SAFETY: the pointer and length describe a live byte slice for the duration of the call.
    check("log", unsafe { proxy_log(level, message.as_ptr(), message.len()) })
}

pub fn log_level() -> Result<u32, HostError> {
    let mut level = 0u32;
    // SAFETY: the host writes one u32 to a live local.
    check("get_log_level", unsafe { proxy_get_log_level(&mut level) })?;
    Ok(level)
}

pub fn now_nanos() -> Result<u64, HostError> {
    let mut t = 0u64;
    // SAFETY: the host writes one u64 to a live local.
    check("get_current_time", unsafe { proxy_get_current_time_nanoseconds(&mut t) })?;
    Ok(t)
}

/// A property by its path; `Ok(None)` when it is not set.
pub fn property(path: &[&str]) -> Result<Option<Vec<u8>>, HostError> {
    let serialized = path.join("\0");
    let (mut data, mut size) = (null_mut(), 0usize);
    // SAFETY: the path is a live byte slice; the host writes a pointer and a size to live locals.
    let status = unsafe { proxy_get_property(serialized.as_ptr(), serialized.len(), &mut data, &mut size) };
    if status == 1 {
        return Ok(None);
    }
    check("get_property", status)?;
    // SAFETY: on success the host allocated the value through proxy_on_memory_allocate.
    Ok(unsafe { take(data, size) })
}

pub fn buffer(buffer_type: u32) -> Result<Option<Vec<u8>>, HostError> {
    let (mut data, mut size) = (null_mut(), 0usize);
    // SAFETY: the host writes a pointer and a size to live locals.
    let status = unsafe { proxy_get_buffer_bytes(buffer_type, 0, usize::MAX, &mut data, &mut size) };
    if status == 1 {
        return Ok(None);
    }
    check("get_buffer", status)?;
    // SAFETY: on success the host allocated the buffer through proxy_on_memory_allocate.
    Ok(unsafe { take(data, size) })
}

/// A header map, serialized (see [`crate::pairs`]); empty when the host has none.
pub fn header_map(map_type: u32) -> Result<Vec<u8>, HostError> {
    let (mut data, mut size) = (null_mut(), 0usize);
    // SAFETY: the host writes a pointer and a size to live locals.
    check("get_map", unsafe { proxy_get_header_map_pairs(map_type, &mut data, &mut size) })?;
    // SAFETY: on success the host allocated the map through proxy_on_memory_allocate.
    Ok(unsafe { take(data, size) }.unwrap_or_default())
}

pub fn replace_header(map_type: u32, name: &str, value: &str) -> Result<(), HostError> {
    // SAFETY: both slices are live for the duration of the call.
    check("set_map_value", unsafe {
        proxy_replace_header_map_value(map_type, name.as_ptr(), name.len(), value.as_ptr(), value.len())
    })
}

pub fn add_header(map_type: u32, name: &str, value: &str) -> Result<(), HostError> {
    // SAFETY: both slices are live for the duration of the call.
    check("add_map_value", unsafe {
        proxy_add_header_map_value(map_type, name.as_ptr(), name.len(), value.as_ptr(), value.len())
    })
}

pub fn remove_header(map_type: u32, name: &str) -> Result<(), HostError> {
    // SAFETY: the slice is live for the duration of the call.
    check("remove_map_value", unsafe { proxy_remove_header_map_value(map_type, name.as_ptr(), name.len()) })
}

pub fn send_local_response(status: u32, headers: &[u8], body: &[u8]) -> Result<(), HostError> {
    // SAFETY: every pointer and length describe live byte slices for the duration of the call.
    check("send_http_response", unsafe {
        proxy_send_local_response(status, null(), 0, body.as_ptr(), body.len(), headers.as_ptr(), headers.len(), -1)
    })
}

pub fn call_foreign_function(call: &'static str, name: &str, arguments: &[u8]) -> Result<(), HostError> {
    let (mut data, mut size) = (null_mut(), 0usize);
    // SAFETY: the slices are live; the host writes a pointer and a size to live locals.
    let status = unsafe {
        proxy_call_foreign_function(
            name.as_ptr(),
            name.len(),
            arguments.as_ptr(),
            arguments.len(),
            &mut data,
            &mut size,
        )
    };
    // SAFETY: whatever result the host allocated is ours to free (dropped here).
    drop(unsafe { take(data, size) });
    check(call, status)
}

pub fn close_downstream() -> Result<(), HostError> {
    // SAFETY: no pointers.
    check("close_downstream", unsafe { proxy_close_stream(STREAM_DOWNSTREAM) })
}

pub fn define_metric(metric_type: u32, name: &str) -> Result<u32, HostError> {
    let mut id = 0u32;
    // SAFETY: the name is live; the host writes one u32 to a live local.
    check("define_metric", unsafe { proxy_define_metric(metric_type, name.as_ptr(), name.len(), &mut id) })?;
    Ok(id)
}

pub fn increment_metric(id: u32, by: i64) -> Result<(), HostError> {
    // SAFETY: no pointers.
    check("increment_metric", unsafe { proxy_increment_metric(id, by) })
}

pub fn record_metric(id: u32, value: u64) -> Result<(), HostError> {
    // SAFETY: no pointers.
    check("record_metric", unsafe { proxy_record_metric(id, value) })
}

/// Has the host call this root's `on_tick` every `period` milliseconds.
pub fn set_tick_period(period: u32) -> Result<(), HostError> {
    // SAFETY: no pointers.
    check("set_tick_period", unsafe { proxy_set_tick_period_milliseconds(period) })
}
