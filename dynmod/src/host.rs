//! [`EnvoyHost`]: meshgate's [`Host`] over the dynamic-module callbacks, for one event hook. A
//! dynamic module has no ambient "current context" as proxy-wasm has: every callback names the
//! Envoy object it acts on, so the host carries it — the filter configuration while a plan is
//! loaded, the HTTP stream or the TCP connection while one is filtered.
//!
//! Where proxy-wasm and the dynamic-module ABI differ, the difference is absorbed here so the
//! glue reads the same: properties map to attributes and connection accessors, the request header
//! map is lent as Envoy's own buffers ([`EnvoyHeaders`], no copy into proxy-wasm's layout),
//! `envoy.tcp_proxy.cluster` is set as typed filter state (what the `set_envoy_filter_state`
//! foreign function does in Wasm).

use crate::abi::{self, EnvoyBuffer, EnvoyHttpHeader, ModuleBuffer, ModuleHttpHeader, Ptr};
use meshgate_core::envoy::jwt::PAYLOADS_STATE;
use meshgate_core::gateway::metadata::jwt_payloads_json;
use meshgate_core::intentions::jwt::JwtPayloads;
use meshgate_filter::host::{HeaderList, Host, HostError, HostStatus, Level, MetricKind};

use std::marker::PhantomData;

/// What the current event hook acts on.
#[derive(Clone, Copy, Debug)]
pub enum Context<'a> {
    /// `on_*_filter_config_new` (main thread): the plan and the configuration object metrics
    /// are defined on.
    Config { envoy: Ptr, network: bool, config: &'a [u8] },
    /// One HTTP stream.
    Http(Ptr),
    /// One TCP connection.
    Network(Ptr),
}

/// The host for one event hook.
#[derive(Clone, Copy, Debug)]
pub struct EnvoyHost<'a> {
    pub context: Context<'a>,
}

fn level(l: Level) -> abi::LogLevel {
    match l {
        Level::Trace => 0,
        Level::Debug => 1,
        Level::Info => 2,
        Level::Warn => 3,
        Level::Error => 4,
        Level::Critical => 5,
    }
}

/// A call that does not exist in this context (a stream callback while a plan loads, say).
fn wrong_context(call: &'static str) -> HostError {
    HostError::new(call, HostStatus::BadArgument)
}

fn ok_or(call: &'static str, done: bool) -> Result<(), HostError> {
    if done {
        Ok(())
    } else {
        Err(HostError::new(call, HostStatus::InternalFailure))
    }
}

fn metrics_result(call: &'static str, result: u32) -> Result<(), HostError> {
    match result {
        abi::METRICS_SUCCESS => Ok(()),
        1 => Err(HostError::new(call, HostStatus::NotFound)),
        2 => Err(HostError::new(call, HostStatus::BadArgument)),
        _ => Err(HostError::new(call, HostStatus::InternalFailure)),
    }
}

/// Requests with at most this many headers are read into an array on the stack.
pub const INLINE_HEADERS: usize = 32;

// Large on purpose: it lives on the stack for one hook, so a request costs no allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum HeaderArray {
    Inline([EnvoyHttpHeader; INLINE_HEADERS], usize),
    Heap(Vec<EnvoyHttpHeader>),
}

impl HeaderArray {
    fn as_slice(&self) -> &[EnvoyHttpHeader] {
        match self {
            // `n <= INLINE_HEADERS` by construction; `get` keeps even a wrong `n` from panicking.
            HeaderArray::Inline(a, n) => a.get(..*n).unwrap_or(&[]),
            HeaderArray::Heap(v) => v,
        }
    }

    fn as_mut_slice(&mut self) -> &mut [EnvoyHttpHeader] {
        match self {
            HeaderArray::Inline(a, n) => a.get_mut(..*n).unwrap_or(&mut []),
            HeaderArray::Heap(v) => v,
        }
    }
}

/// The request headers as Envoy lent them for this hook (see [`EnvoyHost::request_headers`]).
#[derive(Debug)]
pub struct EnvoyHeaders<'h> {
    headers: HeaderArray,
    _host: PhantomData<&'h EnvoyHost<'h>>,
}

/// A header's name and value as Envoy lent them for this hook.
fn pair(h: &EnvoyHttpHeader) -> (&[u8], &[u8]) {
    // SAFETY: Envoy's buffers, valid for this hook until a header changes, which happens only
    // after the glue dropped this view (see `EnvoyHost::request_headers`).
    unsafe {
        (
            EnvoyBuffer { ptr: h.key_ptr, length: h.key_length }.as_slice(),
            EnvoyBuffer { ptr: h.value_ptr, length: h.value_length }.as_slice(),
        )
    }
}

/// A pair of a header list that [`EnvoyHeaders::text_pairs`] found ASCII throughout.
fn ascii_pair(h: &EnvoyHttpHeader) -> (&str, &str) {
    let (name, value) = pair(h);
    // SAFETY: `text_pairs` hands this out only after checking that every name and value is
    // ASCII, which is UTF-8.
    unsafe { (std::str::from_utf8_unchecked(name), std::str::from_utf8_unchecked(value)) }
}

impl HeaderList for EnvoyHeaders<'_> {
    type Iter<'a>
        = std::iter::Map<std::slice::Iter<'a, EnvoyHttpHeader>, fn(&'a EnvoyHttpHeader) -> (&'a [u8], &'a [u8])>
    where
        Self: 'a;

    fn pairs(&self) -> Self::Iter<'_> {
        self.headers.as_slice().iter().map(pair)
    }

    type Text<'a>
        = std::iter::Map<std::slice::Iter<'a, EnvoyHttpHeader>, fn(&'a EnvoyHttpHeader) -> (&'a str, &'a str)>
    where
        Self: 'a;

    /// Envoy lends each name and value as its own buffer, so there is no one UTF-8 check for
    /// all of them; but requests are ASCII as a rule, and an ASCII check per buffer costs about
    /// two thirds of a UTF-8 check per buffer (callgrind, the bench's terminating request). Any
    /// other byte: `None`, and the glue checks each pair as bytes.
    fn text_pairs(&self) -> Option<Self::Text<'_>> {
        let headers = self.headers.as_slice();
        headers
            .iter()
            .all(|h| {
                let (name, value) = pair(h);
                name.is_ascii() && value.is_ascii()
            })
            .then(|| headers.iter().map(ascii_pair as fn(&EnvoyHttpHeader) -> (&str, &str)))
    }
}

/// The properties the glue reads, by their proxy-wasm path.
const SERVER_NAME: &[&str] = &["connection", "requested_server_name"];
const PEER_URI_SAN: &[&str] = &["connection", "uri_san_peer_certificate"];
const DESTINATION_PORT: &[&str] = &["destination", "port"];

impl EnvoyHost<'_> {
    fn http(&self, call: &'static str) -> Result<Ptr, HostError> {
        match self.context {
            Context::Http(p) => Ok(p),
            _ => Err(wrong_context(call)),
        }
    }

    fn http_string_attribute(filter: Ptr, id: u32) -> Option<Vec<u8>> {
        let mut out = EnvoyBuffer::EMPTY;
        // SAFETY: `filter` is the live stream of this hook; Envoy writes one buffer to a live local.
        let found =
            unsafe { abi::envoy_dynamic_module_callback_http_filter_get_attribute_string(filter, id, &mut out) };
        // SAFETY: on success the buffer is Envoy's, valid for this hook; copied out at once.
        found.then(|| unsafe { out.to_vec() })
    }

    fn set_header(&self, call: &'static str, map: u32, name: &str, value: Option<&str>) -> Result<(), HostError> {
        let filter = self.http(call)?;
        let value = value.map_or(ModuleBuffer::null(), |v| ModuleBuffer::of(v.as_bytes()));
        // SAFETY: the stream is live for this hook; both buffers outlive the call.
        ok_or(call, unsafe {
            abi::envoy_dynamic_module_callback_http_set_header(filter, map, ModuleBuffer::of(name.as_bytes()), value)
        })
    }

    fn add_header(&self, call: &'static str, map: u32, name: &str, value: &str) -> Result<(), HostError> {
        let filter = self.http(call)?;
        // SAFETY: the stream is live for this hook; both buffers outlive the call.
        ok_or(call, unsafe {
            abi::envoy_dynamic_module_callback_http_add_header(
                filter,
                map,
                ModuleBuffer::of(name.as_bytes()),
                ModuleBuffer::of(value.as_bytes()),
            )
        })
    }

    fn network_property(conn: Ptr, path: &[&str]) -> Result<Option<Vec<u8>>, HostError> {
        if path == SERVER_NAME {
            let mut out = EnvoyBuffer::EMPTY;
            // SAFETY: the connection is live for this hook; Envoy writes one buffer to a local.
            let found =
                unsafe { abi::envoy_dynamic_module_callback_network_filter_get_requested_server_name(conn, &mut out) };
            // SAFETY: Envoy's buffer, valid for this hook; copied out at once.
            return Ok(found.then(|| unsafe { out.to_vec() }).filter(|n| !n.is_empty()));
        }
        if path == PEER_URI_SAN {
            // SAFETY: the connection is live for this hook.
            let n = unsafe { abi::envoy_dynamic_module_callback_network_filter_get_ssl_uri_sans_size(conn) };
            if n == 0 {
                return Ok(None);
            }
            let mut sans = vec![EnvoyBuffer::EMPTY; n];
            // SAFETY: `sans` has room for the `n` buffers Envoy said it has.
            let found =
                unsafe { abi::envoy_dynamic_module_callback_network_filter_get_ssl_uri_sans(conn, sans.as_mut_ptr()) };
            // proxy-wasm's property is the certificate's first URI SAN.
            // SAFETY: Envoy's buffers, valid for this hook; the first is copied out at once.
            return Ok(if found { sans.first().map(|b| unsafe { b.to_vec() }) } else { None });
        }
        if path == DESTINATION_PORT {
            let (mut address, mut port) = (EnvoyBuffer::EMPTY, 0u32);
            // SAFETY: the connection is live; Envoy writes to two live locals.
            let found = unsafe {
                abi::envoy_dynamic_module_callback_network_filter_get_local_address(conn, &mut address, &mut port)
            };
            // As proxy-wasm encodes an integer property: a little-endian int64.
            return Ok(found.then(|| i64::from(port).to_le_bytes().to_vec()));
        }
        Err(HostError::new("get_property", HostStatus::NotFound))
    }
}

impl Host for EnvoyHost<'_> {
    fn property(&self, path: &[&str]) -> Result<Option<Vec<u8>>, HostError> {
        match self.context {
            Context::Http(filter) => {
                let string = |id| Ok(Self::http_string_attribute(filter, id).filter(|v| !v.is_empty()));
                if path == SERVER_NAME {
                    string(abi::ATTRIBUTE_CONNECTION_REQUESTED_SERVER_NAME)
                } else if path == PEER_URI_SAN {
                    string(abi::ATTRIBUTE_CONNECTION_URI_SAN_PEER_CERTIFICATE)
                } else if path == DESTINATION_PORT {
                    let mut port = 0u64;
                    // SAFETY: the stream is live; Envoy writes one integer to a live local.
                    let found = unsafe {
                        abi::envoy_dynamic_module_callback_http_filter_get_attribute_int(
                            filter,
                            abi::ATTRIBUTE_DESTINATION_PORT,
                            &mut port,
                        )
                    };
                    Ok(found.then(|| (port as i64).to_le_bytes().to_vec()))
                } else {
                    // Not mapped: an error, which the glue turns into a denial (jwt_authn's
                    // payloads, the one other property the glue reads, come by `jwt_payloads`).
                    Err(HostError::new("get_property", HostStatus::NotFound))
                }
            }
            Context::Network(conn) => Self::network_property(conn, path),
            Context::Config { .. } => Err(wrong_context("get_property")),
        }
    }

    /// The Wasm filter reads jwt_authn's payloads from the `metadata` property, but this ABI
    /// reads dynamic metadata only as flat strings, numbers and booleans. `meshgate envoy --host
    /// dynamic-module` puts Envoy's set_filter_state filter after jwt_authn to copy its namespace,
    /// rendered as JSON, into filter state, which this reads: the same payloads, and nothing a
    /// client can send.
    fn jwt_payloads(&self) -> Result<Option<JwtPayloads>, HostError> {
        let filter = self.http("get_filter_state")?;
        let mut out = EnvoyBuffer::EMPTY;
        // SAFETY: the stream is live for this hook; Envoy writes one buffer to a live local.
        let found = unsafe {
            abi::envoy_dynamic_module_callback_http_get_filter_state_typed(
                filter,
                ModuleBuffer::of(PAYLOADS_STATE.as_bytes()),
                &mut out,
            )
        };
        if !found {
            // No state: jwt_authn verified nothing we can see, which denies where a token is
            // required (as missing metadata does in Wasm).
            return Ok(None);
        }
        // SAFETY: Envoy's buffer, valid for this hook; copied out at once.
        Ok(jwt_payloads_json(&unsafe { out.to_vec() }))
    }

    fn plugin_configuration(&self) -> Result<Option<Vec<u8>>, HostError> {
        match self.context {
            Context::Config { config: [], .. } => Ok(None),
            Context::Config { config, .. } => Ok(Some(config.to_vec())),
            _ => Err(wrong_context("get_plugin_configuration")),
        }
    }

    type Headers<'h>
        = EnvoyHeaders<'h>
    where
        Self: 'h;

    /// Envoy's own header buffers, not a copy: the glue reads them while deciding and changes
    /// no header before it is done, so they stay valid (Envoy invalidates them only when the map
    /// changes or the hook returns). Up to [`INLINE_HEADERS`] headers need no allocation.
    fn request_headers(&self) -> Result<EnvoyHeaders<'_>, HostError> {
        let filter = self.http("get_headers")?;
        // SAFETY: the stream is live for this hook.
        let n = unsafe { abi::envoy_dynamic_module_callback_http_get_headers_size(filter, abi::REQUEST_HEADER) };
        let mut headers = if n <= INLINE_HEADERS {
            HeaderArray::Inline([EnvoyHttpHeader::EMPTY; INLINE_HEADERS], n)
        } else {
            HeaderArray::Heap(vec![EnvoyHttpHeader::EMPTY; n])
        };
        let slots = headers.as_mut_slice();
        // SAFETY: `slots` has room for the `n` headers Envoy said the map has.
        let got = unsafe {
            abi::envoy_dynamic_module_callback_http_get_headers(filter, abi::REQUEST_HEADER, slots.as_mut_ptr())
        };
        if !got {
            return Err(HostError::new("get_headers", HostStatus::NotFound));
        }
        Ok(EnvoyHeaders { headers, _host: PhantomData })
    }

    fn set_request_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        self.set_header("set_header", abi::REQUEST_HEADER, name, Some(value))
    }

    fn add_request_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        self.add_header("add_header", abi::REQUEST_HEADER, name, value)
    }

    fn remove_request_header(&self, name: &str) -> Result<(), HostError> {
        self.set_header("remove_header", abi::REQUEST_HEADER, name, None)
    }

    fn set_response_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        self.set_header("set_header", abi::RESPONSE_HEADER, name, Some(value))
    }

    fn add_response_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        self.add_header("add_header", abi::RESPONSE_HEADER, name, value)
    }

    fn remove_response_header(&self, name: &str) -> Result<(), HostError> {
        self.set_header("remove_header", abi::RESPONSE_HEADER, name, None)
    }

    fn send_local_reply(&self, status: u32, headers: &[(&str, &str)], body: &[u8]) -> Result<(), HostError> {
        let filter = self.http("send_response")?;
        let mut headers: Vec<ModuleHttpHeader<'_>> =
            headers.iter().map(|(n, v)| ModuleHttpHeader::of(n.as_bytes(), v.as_bytes())).collect();
        // SAFETY: the stream is live; the header array and the body outlive the call.
        unsafe {
            abi::envoy_dynamic_module_callback_http_send_response(
                filter,
                status,
                headers.as_mut_ptr(),
                headers.len(),
                ModuleBuffer::of(body),
                ModuleBuffer::null(),
            )
        };
        Ok(())
    }

    fn clear_route_cache(&self) -> Result<(), HostError> {
        let filter = self.http("clear_route_cache")?;
        // SAFETY: the stream is live for this hook.
        unsafe { abi::envoy_dynamic_module_callback_http_clear_route_cache(filter) };
        Ok(())
    }

    fn set_filter_state(&self, key: &str, value: &str) -> Result<(), HostError> {
        let Context::Network(conn) = self.context else { return Err(wrong_context("set_filter_state")) };
        // Typed: tcp_proxy reads `envoy.tcp_proxy.cluster` as the object its factory makes.
        // SAFETY: the connection is live; both buffers outlive the call.
        ok_or("set_filter_state", unsafe {
            abi::envoy_dynamic_module_callback_network_set_filter_state_typed(
                conn,
                ModuleBuffer::of(key.as_bytes()),
                ModuleBuffer::of(value.as_bytes()),
            )
        })
    }

    fn close_downstream(&self) -> Result<(), HostError> {
        let Context::Network(conn) = self.context else { return Err(wrong_context("close_downstream")) };
        // SAFETY: the connection is live for this hook.
        unsafe { abi::envoy_dynamic_module_callback_network_filter_close(conn, abi::CLOSE_NO_FLUSH) };
        Ok(())
    }

    fn log_level(&self) -> Level {
        // The ABI answers "is this level on?"; the lowest level that is, is the log level.
        for l in [Level::Trace, Level::Debug, Level::Info, Level::Warn, Level::Error] {
            // SAFETY: no pointers.
            if unsafe { abi::envoy_dynamic_module_callback_log_enabled(level(l)) } {
                return l;
            }
        }
        Level::Critical
    }

    fn log(&self, l: Level, message: &str) {
        // SAFETY: the message outlives the call.
        unsafe { abi::envoy_dynamic_module_callback_log(level(l), ModuleBuffer::of(message.as_bytes())) }
    }

    fn define_metric(&self, kind: MetricKind, name: &str) -> Result<u32, HostError> {
        let Context::Config { envoy, network, .. } = self.context else { return Err(wrong_context("define_metric")) };
        let mut id = 0usize;
        let name_buf = ModuleBuffer::of(name.as_bytes());
        // SAFETY: the configuration object is live during config_new; the name outlives the
        // call; no labels (null, 0); Envoy writes the id to a live local.
        let result = unsafe {
            match (network, kind) {
                (false, MetricKind::Counter) => abi::envoy_dynamic_module_callback_http_filter_config_define_counter(
                    envoy,
                    name_buf,
                    std::ptr::null_mut(),
                    0,
                    &mut id,
                ),
                (false, MetricKind::Histogram) => {
                    abi::envoy_dynamic_module_callback_http_filter_config_define_histogram(
                        envoy,
                        name_buf,
                        std::ptr::null_mut(),
                        0,
                        &mut id,
                    )
                }
                (true, MetricKind::Counter) => {
                    abi::envoy_dynamic_module_callback_network_filter_config_define_counter(envoy, name_buf, &mut id)
                }
                (true, MetricKind::Histogram) => {
                    abi::envoy_dynamic_module_callback_network_filter_config_define_histogram(envoy, name_buf, &mut id)
                }
            }
        };
        metrics_result("define_metric", result)?;
        u32::try_from(id).map_err(|_| HostError::new("define_metric", HostStatus::InternalFailure))
    }

    fn increment_metric(&self, id: u32, by: i64) -> Result<(), HostError> {
        let by = u64::try_from(by).map_err(|_| HostError::new("increment_metric", HostStatus::BadArgument))?;
        let id = id as usize;
        // SAFETY: the stream or connection is live for this hook; no labels.
        let result = match self.context {
            Context::Http(f) => unsafe {
                abi::envoy_dynamic_module_callback_http_filter_increment_counter(f, id, std::ptr::null_mut(), 0, by)
            },
            Context::Network(c) => unsafe {
                abi::envoy_dynamic_module_callback_network_filter_increment_counter(c, id, by)
            },
            Context::Config { .. } => return Err(wrong_context("increment_metric")),
        };
        metrics_result("increment_metric", result)
    }

    fn record_metric(&self, id: u32, value: u64) -> Result<(), HostError> {
        let id = id as usize;
        // SAFETY: the stream or connection is live for this hook; no labels.
        let result = match self.context {
            Context::Http(f) => unsafe {
                abi::envoy_dynamic_module_callback_http_filter_record_histogram_value(
                    f,
                    id,
                    std::ptr::null_mut(),
                    0,
                    value,
                )
            },
            Context::Network(c) => unsafe {
                abi::envoy_dynamic_module_callback_network_filter_record_histogram_value(c, id, value)
            },
            Context::Config { .. } => return Err(wrong_context("record_metric")),
        };
        metrics_result("record_metric", result)
    }

    fn now_nanos(&self) -> Result<u64, HostError> {
        // A native module reads the clock itself (proxy-wasm asks the host).
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| u64::try_from(d.as_nanos()).ok())
            .ok_or(HostError::new("get_current_time", HostStatus::InternalFailure))
    }
}

#[cfg(test)]
mod header_tests {
    use super::*;
    use meshgate_core::gateway::RequestHead;

    fn lent(pairs: &[(&[u8], &[u8])]) -> EnvoyHeaders<'static> {
        let headers = pairs
            .iter()
            .map(|(k, v)| EnvoyHttpHeader {
                key_ptr: k.as_ptr(),
                key_length: k.len(),
                value_ptr: v.as_ptr(),
                value_length: v.len(),
            })
            .collect();
        EnvoyHeaders { headers: HeaderArray::Heap(headers), _host: PhantomData }
    }

    #[test]
    fn ascii_headers_are_text_at_once_and_any_other_byte_is_read_pair_by_pair() {
        let ascii: [(&[u8], &[u8]); 3] = [(b":path", b"/pay"), (b"x-user", b" alice "), (b"empty", b"")];
        let h = lent(&ascii);
        let text: Vec<(&str, &str)> = h.text_pairs().expect("ASCII throughout").collect();
        assert_eq!(text, [(":path", "/pay"), ("x-user", " alice "), ("empty", "")]);
        // What the glue builds from either reading is the same.
        let (a, b) = (RequestHead::from_pairs(h.text_pairs().expect("text")), RequestHead::from_pairs(h.pairs()));
        assert_eq!((a.path, &a.headers, &a.unreadable), (b.path, &b.headers, &b.unreadable));
        // UTF-8 that is not ASCII, or bytes that are not UTF-8 (in a value or a name): no shortcut.
        for odd in [
            [(b":path".as_slice(), b"/pay".as_slice()), (b"x-user", "café".as_bytes())],
            [(b":path", b"/pay"), (b"cookie", b"caf\xe9")],
            [(b":path", b"/pay"), (b"x-\xff", b"1")],
        ] {
            let h = lent(&odd);
            assert!(h.text_pairs().is_none(), "{odd:?}");
            assert_eq!(h.pairs().collect::<Vec<_>>(), odd.to_vec());
        }
    }
}
