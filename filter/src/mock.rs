//! A host in memory, for native tests of the glue: properties and headers to read, and a record
//! of everything the filter did (replies, filter state, logs, metrics).

use crate::host::{Host, HostError, HostStatus, Level, MetricKind};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

/// A local reply: status, headers, body.
pub type Reply = (u32, Vec<(String, String)>, String);

#[derive(Debug, Default)]
pub struct State {
    /// Properties by path joined with `.`.
    pub properties: BTreeMap<String, Vec<u8>>,
    /// Host calls that fail (by the `call` name of their [`HostError`]).
    pub failing: BTreeSet<&'static str>,
    pub config: Option<Vec<u8>>,
    pub request_headers: Vec<(String, String)>,
    /// When set, what `request_headers` returns instead of serializing `request_headers`: raw
    /// bytes, for requests that are not text.
    pub raw_request_headers: Option<Vec<u8>>,
    pub response_headers: Vec<(String, String)>,
    pub reply: Option<Reply>,
    pub filter_state: Vec<(String, String)>,
    pub route_cache_cleared: u32,
    pub closed: bool,
    pub logs: Vec<(Level, String)>,
    pub metric_names: Vec<(String, MetricKind)>,
    pub counters: BTreeMap<u32, i64>,
    pub histograms: BTreeMap<u32, Vec<u64>>,
    pub now: u64,
    /// [`Host::counter_batch`] (0 counts as 1).
    pub counter_batch: u32,
    /// How many times each property was read.
    pub property_reads: BTreeMap<String, u32>,
}

#[derive(Debug, Default)]
pub struct MockHost {
    pub state: RefCell<State>,
}

impl MockHost {
    pub fn with_config(json: &str) -> MockHost {
        let host = MockHost::default();
        host.state.borrow_mut().config = Some(json.as_bytes().to_vec());
        host
    }

    pub fn set_property(&self, path: &[&str], value: &str) {
        self.state.borrow_mut().properties.insert(path.join("."), value.as_bytes().to_vec());
    }

    pub fn fail(&self, call: &'static str) {
        self.state.borrow_mut().failing.insert(call);
    }

    /// Starts a new request with these headers (and no reply yet).
    pub fn request(&self, authority: &str, path: &str, method: &str, extra: &[(&str, &str)]) {
        let mut s = self.state.borrow_mut();
        s.request_headers = [(":authority", authority), (":path", path), (":method", method)]
            .iter()
            .chain(extra)
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        s.raw_request_headers = None;
        s.reply = None;
        s.response_headers.clear();
    }

    /// Starts a new request whose header pairs are arbitrary bytes.
    pub fn raw_request(&self, pairs: &[(&[u8], &[u8])]) {
        let mut s = self.state.borrow_mut();
        s.request_headers.clear();
        s.raw_request_headers = Some(crate::pairs::HeaderPairs::serialize(pairs.iter().copied()));
        s.reply = None;
        s.response_headers.clear();
    }

    /// Sets a property to arbitrary bytes.
    pub fn set_property_bytes(&self, path: &[&str], value: &[u8]) {
        self.state.borrow_mut().properties.insert(path.join("."), value.to_vec());
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.state.borrow().request_headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    pub fn header_count(&self, name: &str) -> usize {
        self.state.borrow().request_headers.iter().filter(|(n, _)| n == name).count()
    }

    pub fn reply_status(&self) -> Option<u32> {
        self.state.borrow().reply.as_ref().map(|r| r.0)
    }

    pub fn reply_reason(&self) -> Option<String> {
        let s = self.state.borrow();
        let (_, headers, _) = s.reply.as_ref()?;
        headers.iter().find(|(n, _)| n == meshgate_core::gateway::REASON_HEADER).map(|(_, v)| v.clone())
    }

    /// A counter by its full name (`meshgate.<gateway>.<name>`).
    pub fn counter(&self, name: &str) -> i64 {
        let s = self.state.borrow();
        let Some(id) = s.metric_names.iter().position(|(n, _)| n == name) else { return 0 };
        s.counters.get(&(id as u32)).copied().unwrap_or(0)
    }

    pub fn logs_at(&self, level: Level) -> Vec<String> {
        self.state.borrow().logs.iter().filter(|(l, _)| *l == level).map(|(_, m)| m.clone()).collect()
    }

    fn check(&self, call: &'static str) -> Result<(), HostError> {
        if self.state.borrow().failing.contains(call) {
            Err(HostError::new(call, HostStatus::InternalFailure))
        } else {
            Ok(())
        }
    }
}

fn set(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers.push((name.to_string(), value.to_string()));
}

impl Host for MockHost {
    fn property(&self, path: &[&str]) -> Result<Option<Vec<u8>>, HostError> {
        self.check("get_property")?;
        let key = path.join(".");
        let mut s = self.state.borrow_mut();
        *s.property_reads.entry(key.clone()).or_default() += 1;
        Ok(s.properties.get(&key).cloned())
    }

    fn plugin_configuration(&self) -> Result<Option<Vec<u8>>, HostError> {
        self.check("get_buffer")?;
        Ok(self.state.borrow().config.clone())
    }

    type Headers<'h> = crate::pairs::HeaderPairs;

    fn request_headers(&self) -> Result<Self::Headers<'_>, HostError> {
        self.check("get_map")?;
        let s = self.state.borrow();
        // Through the same serialized form the real host uses, so the glue's reader is tested too.
        let bytes = match &s.raw_request_headers {
            Some(raw) => raw.clone(),
            None => crate::pairs::HeaderPairs::serialize(
                s.request_headers.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())),
            ),
        };
        crate::pairs::HeaderPairs::parse(bytes).map_err(|_| HostError::new("get_map", HostStatus::SerializationFailure))
    }

    fn set_request_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        self.check("set_map_value")?;
        set(&mut self.state.borrow_mut().request_headers, name, value);
        Ok(())
    }

    fn add_request_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        self.check("add_map_value")?;
        self.state.borrow_mut().request_headers.push((name.to_string(), value.to_string()));
        Ok(())
    }

    fn remove_request_header(&self, name: &str) -> Result<(), HostError> {
        self.check("remove_map_value")?;
        self.state.borrow_mut().request_headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        Ok(())
    }

    fn set_response_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        self.check("set_map_value")?;
        set(&mut self.state.borrow_mut().response_headers, name, value);
        Ok(())
    }

    fn add_response_header(&self, name: &str, value: &str) -> Result<(), HostError> {
        self.check("add_map_value")?;
        self.state.borrow_mut().response_headers.push((name.to_string(), value.to_string()));
        Ok(())
    }

    fn remove_response_header(&self, name: &str) -> Result<(), HostError> {
        self.check("remove_map_value")?;
        self.state.borrow_mut().response_headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        Ok(())
    }

    fn send_local_reply(&self, status: u32, headers: &[(&str, &str)], body: &[u8]) -> Result<(), HostError> {
        self.check("send_http_response")?;
        self.state.borrow_mut().reply = Some((
            status,
            headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            String::from_utf8_lossy(body).into_owned(),
        ));
        Ok(())
    }

    fn clear_route_cache(&self) -> Result<(), HostError> {
        self.check("clear_route_cache")?;
        self.state.borrow_mut().route_cache_cleared += 1;
        Ok(())
    }

    fn set_filter_state(&self, key: &str, value: &str) -> Result<(), HostError> {
        self.check("set_envoy_filter_state")?;
        self.state.borrow_mut().filter_state.push((key.to_string(), value.to_string()));
        Ok(())
    }

    fn close_downstream(&self) -> Result<(), HostError> {
        self.check("close_downstream")?;
        self.state.borrow_mut().closed = true;
        Ok(())
    }

    fn log_level(&self) -> Level {
        Level::Trace
    }

    fn log(&self, level: Level, message: &str) {
        self.state.borrow_mut().logs.push((level, message.to_string()));
    }

    fn define_metric(&self, kind: MetricKind, name: &str) -> Result<u32, HostError> {
        self.check("define_metric")?;
        let mut s = self.state.borrow_mut();
        if let Some(i) = s.metric_names.iter().position(|(n, _)| n == name) {
            return Ok(i as u32);
        }
        s.metric_names.push((name.to_string(), kind));
        Ok((s.metric_names.len() - 1) as u32)
    }

    fn increment_metric(&self, id: u32, by: i64) -> Result<(), HostError> {
        self.check("increment_metric")?;
        *self.state.borrow_mut().counters.entry(id).or_default() += by;
        Ok(())
    }

    fn record_metric(&self, id: u32, value: u64) -> Result<(), HostError> {
        self.check("record_metric")?;
        self.state.borrow_mut().histograms.entry(id).or_default().push(value);
        Ok(())
    }

    fn counter_batch(&self) -> u32 {
        self.state.borrow().counter_batch.max(1)
    }

    fn now_nanos(&self) -> Result<u64, HostError> {
        self.check("get_current_time")?;
        let mut s = self.state.borrow_mut();
        s.now += 3_000;
        Ok(s.now)
    }
}
