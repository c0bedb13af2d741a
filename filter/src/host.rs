//! What the filter needs from its host (Envoy), as a small trait: the glue in [`crate::glue`] is
//! written against it, [`crate::wasm`] implements it over `proxy_wasm::hostcalls` (every `Status`
//! mapped to a [`HostError`]), and `crate::mock` implements it for native tests.

/// A host call that failed: which one, and the status the host returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("host call {call} failed: {status}")]
pub struct HostError {
    pub call: &'static str,
    pub status: HostStatus,
}

/// proxy-wasm's non-OK statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HostStatus {
    #[error("not found")]
    NotFound,
    #[error("bad argument")]
    BadArgument,
    #[error("serialization failure")]
    SerializationFailure,
    #[error("parse failure")]
    ParseFailure,
    #[error("empty")]
    Empty,
    #[error("compare-and-swap mismatch")]
    CasMismatch,
    #[error("internal failure")]
    InternalFailure,
    #[error("unexpected status")]
    Other,
}

impl HostError {
    pub fn new(call: &'static str, status: HostStatus) -> HostError {
        HostError { call, status }
    }
}

/// Log levels, as proxy-wasm orders them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Critical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    Counter,
    Histogram,
}

/// Request headers as name/value byte pairs, in the host's order.
pub trait HeaderList {
    type Iter<'a>: Iterator<Item = (&'a [u8], &'a [u8])>
    where
        Self: 'a;
    fn pairs(&self) -> Self::Iter<'_>;
    /// The pairs as text, when the host can tell cheaply that every name and value is UTF-8
    /// (one check over the whole header map instead of one per name and value); `None` sends the
    /// glue to [`Self::pairs`].
    type Text<'a>: Iterator<Item = (&'a str, &'a str)>
    where
        Self: 'a;
    fn text_pairs(&self) -> Option<Self::Text<'_>>;
}

impl HeaderList for crate::pairs::HeaderPairs {
    type Iter<'a> = crate::pairs::Pairs<'a>;
    fn pairs(&self) -> Self::Iter<'_> {
        self.iter()
    }
    type Text<'a> = crate::pairs::TextPairs<'a>;
    fn text_pairs(&self) -> Option<Self::Text<'_>> {
        crate::pairs::HeaderPairs::text_pairs(self)
    }
}

/// The host, as the filter uses it. Methods take `&self`: the real host is global state.
pub trait Host {
    /// A property (`["connection", "requested_server_name"]`); `Ok(None)` when it is not set.
    fn property(&self, path: &[&str]) -> Result<Option<Vec<u8>>, HostError>;
    /// The plugin configuration (the GatewayPlan JSON).
    fn plugin_configuration(&self) -> Result<Option<Vec<u8>>, HostError>;
    /// What Envoy's jwt_authn verified for this request: the payloads by provider; `Ok(None)`
    /// when it verified nothing (or what the host handed over does not parse, which denies where
    /// a token is required). proxy-wasm hands over the whole dynamic metadata as the `metadata`
    /// property; a host without it overrides this.
    fn jwt_payloads(&self) -> Result<Option<meshgate_core::intentions::jwt::JwtPayloads>, HostError> {
        let metadata = self.property(&["metadata"])?;
        Ok(metadata
            .as_deref()
            .and_then(|b| meshgate_core::gateway::metadata::jwt_payloads(b, meshgate_core::envoy::jwt::JWT_AUTHN)))
    }

    /// The host's view of the request headers ([`HeaderList`]): proxy-wasm hands over one
    /// serialized copy ([`crate::pairs::HeaderPairs`]); a native host can lend its own buffers.
    type Headers<'h>: HeaderList
    where
        Self: 'h;

    /// All request headers, pseudo-headers (`:authority`, `:path`, `:method`) included: bytes,
    /// never assumed to be text. The view may borrow the host's header map, so it is read before
    /// any request header is changed (the glue decides, drops it, then acts).
    fn request_headers(&self) -> Result<Self::Headers<'_>, HostError>;
    /// Replaces every value of a request header with one value.
    fn set_request_header(&self, name: &str, value: &str) -> Result<(), HostError>;
    fn add_request_header(&self, name: &str, value: &str) -> Result<(), HostError>;
    fn remove_request_header(&self, name: &str) -> Result<(), HostError>;
    fn set_response_header(&self, name: &str, value: &str) -> Result<(), HostError>;
    fn add_response_header(&self, name: &str, value: &str) -> Result<(), HostError>;
    fn remove_response_header(&self, name: &str) -> Result<(), HostError>;
    /// Answers the request locally (it never reaches a cluster).
    fn send_local_reply(&self, status: u32, headers: &[(&str, &str)], body: &[u8]) -> Result<(), HostError>;
    /// Envoy's foreign function `clear_route_cache`: the router re-reads the routing header.
    fn clear_route_cache(&self) -> Result<(), HostError>;

    /// Envoy's foreign function `set_envoy_filter_state` (e.g. `envoy.tcp_proxy.cluster`).
    fn set_filter_state(&self, key: &str, value: &str) -> Result<(), HostError>;
    fn close_downstream(&self) -> Result<(), HostError>;

    /// The host's current log level (to skip formatting what would not be logged).
    fn log_level(&self) -> Level;
    fn log(&self, level: Level, message: &str);

    fn define_metric(&self, kind: MetricKind, name: &str) -> Result<u32, HostError>;
    fn increment_metric(&self, id: u32, by: i64) -> Result<(), HostError>;
    fn record_metric(&self, id: u32, value: u64) -> Result<(), HostError>;
    /// How many `allowed` counts the glue gathers before it hands them to the host in one call
    /// (it also hands them over on every tick, [`crate::glue::Root::on_tick`]). 1, the default:
    /// each at once, for a host whose calls cost little (a dynamic module) or that never ticks.
    fn counter_batch(&self) -> u32 {
        1
    }
    /// Nanoseconds since the epoch.
    fn now_nanos(&self) -> Result<u64, HostError>;

    /// The VM's linear memory in bytes, where the guest can tell (wasm32); for logs.
    fn memory_bytes(&self) -> Option<u64> {
        None
    }
}

/// The protobuf Envoy's `set_envoy_filter_state` foreign function takes
/// (`envoy.source.extensions.common.wasm.SetEnvoyFilterStateArguments`): field 1 the key, field 2
/// the value, field 3 the life span (2 = the whole connection).
pub fn filter_state_arguments(key: &str, value: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(key.len() + value.len() + 8);
    for (field, bytes) in [(1u8, key.as_bytes()), (2u8, value.as_bytes())] {
        out.push(field << 3 | 2);
        push_varint(&mut out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
    // Field 3, varint: LifeSpan::DownstreamConnection.
    out.push(3 << 3);
    out.push(2);
    out
}

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_state_arguments_are_the_documented_protobuf() {
        let got = filter_state_arguments("envoy.tcp_proxy.cluster", "web");
        let mut want = vec![0x0a, 23];
        want.extend_from_slice(b"envoy.tcp_proxy.cluster");
        want.extend_from_slice(&[0x12, 3]);
        want.extend_from_slice(b"web");
        want.extend_from_slice(&[0x18, 2]);
        assert_eq!(got, want);
        let long = "x".repeat(300);
        let got = filter_state_arguments("k", &long);
        assert_eq!(&got[3..6], &[0x12, 0xac, 0x02]);
    }
}
