//! Our own declarations of the part of Envoy's dynamic-module ABI this module uses, written from
//! `source/extensions/dynamic_modules/abi/abi.h` (facts only: names, argument order, enum values)
//! and checked against the symbols the pinned Envoy 1.40.0 binary exports (`nm -D`). Envoy
//! implements the callbacks below and resolves them when it loads the module; the tests define
//! stand-ins for them (see `crate::tests`).
//!
//! Every enum crosses the boundary as a plain `u32` (C enums are `int`-sized), never transmuted
//! into a Rust enum: a value we do not know is data, not undefined behaviour.

use std::ffi::c_void;
use std::marker::PhantomData;

/// The ABI version this module is written against, returned by `envoy_dynamic_module_on_program_init`.
/// Envoy 1.40.0 logs "Dynamic module ABI version v0.2.0 matched." for it; an older version
/// loads with a deprecation warning, and compatibility is promised for one minor version only.
pub const ABI_VERSION: &std::ffi::CStr = c"v0.2.0";

/// Bytes owned by Envoy, valid for the current event hook (`envoy_dynamic_module_type_envoy_buffer`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct EnvoyBuffer {
    pub ptr: *const u8,
    pub length: usize,
}

impl EnvoyBuffer {
    pub const EMPTY: EnvoyBuffer = EnvoyBuffer { ptr: std::ptr::null(), length: 0 };

    /// The bytes, copied out (empty for a null pointer).
    ///
    /// # Safety
    /// `ptr` must be null or point at `length` readable bytes for the duration of the call.
    pub unsafe fn to_vec(self) -> Vec<u8> {
        if self.ptr.is_null() || self.length == 0 {
            return Vec::new();
        }
        // SAFETY: per this function's contract.
        unsafe { std::slice::from_raw_parts(self.ptr, self.length) }.to_vec()
    }

    /// The bytes, borrowed.
    ///
    /// # Safety
    /// As [`EnvoyBuffer::to_vec`], and the bytes must outlive `'a`.
    pub unsafe fn as_slice<'a>(self) -> &'a [u8] {
        if self.ptr.is_null() || self.length == 0 {
            return &[];
        }
        // SAFETY: per this function's contract.
        unsafe { std::slice::from_raw_parts(self.ptr, self.length) }
    }
}

/// Bytes owned by the module for the duration of a callback (`envoy_dynamic_module_type_module_buffer`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ModuleBuffer<'a> {
    pub ptr: *const u8,
    pub length: usize,
    _borrow: PhantomData<&'a [u8]>,
}

impl<'a> ModuleBuffer<'a> {
    pub fn of(bytes: &'a [u8]) -> ModuleBuffer<'a> {
        ModuleBuffer { ptr: bytes.as_ptr(), length: bytes.len(), _borrow: PhantomData }
    }

    /// A null buffer: "no value" (`set_header` with it removes the header).
    pub fn null() -> ModuleBuffer<'static> {
        ModuleBuffer { ptr: std::ptr::null(), length: 0, _borrow: PhantomData }
    }
}

/// A header owned by Envoy (`envoy_dynamic_module_type_envoy_http_header`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct EnvoyHttpHeader {
    pub key_ptr: *const u8,
    pub key_length: usize,
    pub value_ptr: *const u8,
    pub value_length: usize,
}

impl EnvoyHttpHeader {
    pub const EMPTY: EnvoyHttpHeader =
        EnvoyHttpHeader { key_ptr: std::ptr::null(), key_length: 0, value_ptr: std::ptr::null(), value_length: 0 };
}

/// A header owned by the module (`envoy_dynamic_module_type_module_http_header`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ModuleHttpHeader<'a> {
    pub key_ptr: *const u8,
    pub key_length: usize,
    pub value_ptr: *const u8,
    pub value_length: usize,
    _borrow: PhantomData<&'a [u8]>,
}

impl<'a> ModuleHttpHeader<'a> {
    pub fn of(key: &'a [u8], value: &'a [u8]) -> ModuleHttpHeader<'a> {
        ModuleHttpHeader {
            key_ptr: key.as_ptr(),
            key_length: key.len(),
            value_ptr: value.as_ptr(),
            value_length: value.len(),
            _borrow: PhantomData,
        }
    }
}

/// `envoy_dynamic_module_type_http_header_type`.
pub const REQUEST_HEADER: u32 = 0;
pub const RESPONSE_HEADER: u32 = 2;

/// `envoy_dynamic_module_type_log_level`: Trace = 0 … Critical = 5.
pub type LogLevel = u32;

/// `envoy_dynamic_module_type_metrics_result_Success`.
pub const METRICS_SUCCESS: u32 = 0;

/// `envoy_dynamic_module_type_attribute_id`: the positions of the attributes we read.
pub const ATTRIBUTE_DESTINATION_PORT: u32 = 27;
pub const ATTRIBUTE_CONNECTION_REQUESTED_SERVER_NAME: u32 = 30;
pub const ATTRIBUTE_CONNECTION_URI_SAN_PEER_CERTIFICATE: u32 = 37;

/// `envoy_dynamic_module_type_on_http_filter_request_headers_status` (and the response one).
pub const HEADERS_CONTINUE: u32 = 0;
pub const HEADERS_STOP_ITERATION: u32 = 1;
/// `…_body_status_Continue`, `…_trailers_status_Continue`.
pub const BODY_CONTINUE: u32 = 0;
pub const TRAILERS_CONTINUE: u32 = 0;

/// `envoy_dynamic_module_type_on_network_filter_data_status`.
pub const NETWORK_CONTINUE: u32 = 0;
pub const NETWORK_STOP_ITERATION: u32 = 1;
/// `envoy_dynamic_module_type_network_connection_close_type_NoFlush`: what proxy-wasm's
/// `close_stream(downstream)` does (the pending data is not held back for a flush).
pub const CLOSE_NO_FLUSH: u32 = 1;

pub type Ptr = *mut c_void;

extern "C" {
    // ---------------------------------------------------------------------- common
    pub fn envoy_dynamic_module_callback_log(level: LogLevel, message: ModuleBuffer<'_>);
    pub fn envoy_dynamic_module_callback_log_enabled(level: LogLevel) -> bool;

    // ----------------------------------------------------------------- HTTP filter
    pub fn envoy_dynamic_module_callback_http_filter_config_define_counter(
        config_envoy_ptr: Ptr,
        name: ModuleBuffer<'_>,
        label_names: *mut ModuleBuffer<'_>,
        label_names_length: usize,
        counter_id_ptr: *mut usize,
    ) -> u32;
    pub fn envoy_dynamic_module_callback_http_filter_config_define_histogram(
        config_envoy_ptr: Ptr,
        name: ModuleBuffer<'_>,
        label_names: *mut ModuleBuffer<'_>,
        label_names_length: usize,
        histogram_id_ptr: *mut usize,
    ) -> u32;
    pub fn envoy_dynamic_module_callback_http_filter_increment_counter(
        filter_envoy_ptr: Ptr,
        id: usize,
        label_values: *mut ModuleBuffer<'_>,
        label_values_length: usize,
        value: u64,
    ) -> u32;
    pub fn envoy_dynamic_module_callback_http_filter_record_histogram_value(
        filter_envoy_ptr: Ptr,
        id: usize,
        label_values: *mut ModuleBuffer<'_>,
        label_values_length: usize,
        value: u64,
    ) -> u32;
    pub fn envoy_dynamic_module_callback_http_get_headers_size(filter_envoy_ptr: Ptr, header_type: u32) -> usize;
    pub fn envoy_dynamic_module_callback_http_get_headers(
        filter_envoy_ptr: Ptr,
        header_type: u32,
        result_headers: *mut EnvoyHttpHeader,
    ) -> bool;
    pub fn envoy_dynamic_module_callback_http_set_header(
        filter_envoy_ptr: Ptr,
        header_type: u32,
        key: ModuleBuffer<'_>,
        value: ModuleBuffer<'_>,
    ) -> bool;
    pub fn envoy_dynamic_module_callback_http_add_header(
        filter_envoy_ptr: Ptr,
        header_type: u32,
        key: ModuleBuffer<'_>,
        value: ModuleBuffer<'_>,
    ) -> bool;
    pub fn envoy_dynamic_module_callback_http_send_response(
        filter_envoy_ptr: Ptr,
        status_code: u32,
        headers_vector: *mut ModuleHttpHeader<'_>,
        headers_vector_size: usize,
        body: ModuleBuffer<'_>,
        details: ModuleBuffer<'_>,
    );
    pub fn envoy_dynamic_module_callback_http_clear_route_cache(filter_envoy_ptr: Ptr);
    pub fn envoy_dynamic_module_callback_http_filter_get_attribute_string(
        filter_envoy_ptr: Ptr,
        attribute_id: u32,
        result: *mut EnvoyBuffer,
    ) -> bool;
    pub fn envoy_dynamic_module_callback_http_filter_get_attribute_int(
        filter_envoy_ptr: Ptr,
        attribute_id: u32,
        result: *mut u64,
    ) -> bool;
    pub fn envoy_dynamic_module_callback_http_get_filter_state_typed(
        filter_envoy_ptr: Ptr,
        key: ModuleBuffer<'_>,
        result: *mut EnvoyBuffer,
    ) -> bool;

    // -------------------------------------------------------------- network filter
    pub fn envoy_dynamic_module_callback_network_filter_config_define_counter(
        config_envoy_ptr: Ptr,
        name: ModuleBuffer<'_>,
        counter_id_ptr: *mut usize,
    ) -> u32;
    pub fn envoy_dynamic_module_callback_network_filter_config_define_histogram(
        config_envoy_ptr: Ptr,
        name: ModuleBuffer<'_>,
        histogram_id_ptr: *mut usize,
    ) -> u32;
    pub fn envoy_dynamic_module_callback_network_filter_increment_counter(
        filter_envoy_ptr: Ptr,
        id: usize,
        value: u64,
    ) -> u32;
    pub fn envoy_dynamic_module_callback_network_filter_record_histogram_value(
        filter_envoy_ptr: Ptr,
        id: usize,
        value: u64,
    ) -> u32;
    pub fn envoy_dynamic_module_callback_network_filter_get_requested_server_name(
        filter_envoy_ptr: Ptr,
        result_out: *mut EnvoyBuffer,
    ) -> bool;
    pub fn envoy_dynamic_module_callback_network_filter_get_ssl_uri_sans_size(filter_envoy_ptr: Ptr) -> usize;
    pub fn envoy_dynamic_module_callback_network_filter_get_ssl_uri_sans(
        filter_envoy_ptr: Ptr,
        sans_out: *mut EnvoyBuffer,
    ) -> bool;
    pub fn envoy_dynamic_module_callback_network_filter_get_local_address(
        filter_envoy_ptr: Ptr,
        address_out: *mut EnvoyBuffer,
        port_out: *mut u32,
    ) -> bool;
    pub fn envoy_dynamic_module_callback_network_set_filter_state_typed(
        filter_envoy_ptr: Ptr,
        key: ModuleBuffer<'_>,
        value: ModuleBuffer<'_>,
    ) -> bool;
    pub fn envoy_dynamic_module_callback_network_filter_close(filter_envoy_ptr: Ptr, close_type: u32);
}
