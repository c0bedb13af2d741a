//! The FFI glue without Envoy: this module defines the `envoy_dynamic_module_callback_*` symbols
//! the module calls (a fake Envoy, recording what it is asked, per test thread) and drives the
//! exported `envoy_dynamic_module_on_*` hooks as Envoy would — configuration on one thread,
//! streams on others — checking the same decisions, replies, counters and logs filter.wasm gives.

use super::*;
use crate::abi::{EnvoyHttpHeader, ModuleBuffer, ModuleHttpHeader};
use meshgate_core::gateway::REASON_HEADER;
use meshgate_core::plan::gateways::gateway_plan;
use meshgate_core::settings::Settings;
use meshgate_core::workspace::{InputFile, Workspace};
use std::cell::RefCell;

const TD: &str = "11111111-2222-3333-4444-555555555555.consul";

const WS: &str = r#"
service { name = "mesh-gateway" kind = "mesh-gateway" address = "127.0.0.1" port = 8443 }
---
service { name = "web" address = "127.0.0.1" port = 8080 }
---
service { name = "billing" address = "127.0.0.1" port = 9443 }
---
service { name = "tgw" kind = "terminating-gateway" port = 9443 }
---
Kind = "service-defaults"
Name = "billing"
Protocol = "http"
---
Kind = "terminating-gateway"
Name = "tgw"
Services = [{ Name = "billing" }]
---
Kind = "service-intentions"
Name = "billing"
Sources = [{ Name = "web", Action = "allow" }, { Name = "*", Action = "deny" }]
"#;

fn plan_json(key: &str) -> String {
    let files = WS.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    assert!(!ws.has_errors(), "{:?}", ws.resolved_diagnostics());
    let c = meshgate_core::plan::compile(&ws, &Settings::default()).unwrap();
    serde_json::to_string(&gateway_plan(&c, key).unwrap()).unwrap()
}

fn spiffe(svc: &str) -> String {
    format!("spiffe://{TD}/ns/default/dc/dc1/svc/{svc}")
}

// ----------------------------------------------------------------------------- the fake Envoy

/// A local reply: status, headers, body.
type Reply = (u32, Vec<(String, String)>, Vec<u8>);

#[derive(Default)]
struct Fake {
    logs: Vec<(u32, String)>,
    request: Vec<(Vec<u8>, Vec<u8>)>,
    attributes: Vec<(u32, Vec<u8>)>,
    reply: Option<Reply>,
    /// Counter and histogram names by id; counter values.
    counters: Vec<(String, u64)>,
    histograms: Vec<(String, Vec<u64>)>,
    route_cache_cleared: u32,
    server_name: Vec<u8>,
    uri_sans: Vec<Vec<u8>>,
    filter_state: Vec<(String, String)>,
    /// HTTP stream filter state (what set_filter_state put there), by key.
    stream_state: Vec<(String, Vec<u8>)>,
    closed: bool,
}

thread_local! {
    static FAKE: RefCell<Fake> = RefCell::new(Fake::default());
}

fn fake<T>(f: impl FnOnce(&mut Fake) -> T) -> T {
    FAKE.with(|s| f(&mut s.borrow_mut()))
}

unsafe fn text(b: ModuleBuffer<'_>) -> String {
    String::from_utf8_lossy(unsafe { EnvoyBuffer { ptr: b.ptr, length: b.length }.as_slice() }).into_owned()
}

fn lend(bytes: &[u8]) -> EnvoyBuffer {
    EnvoyBuffer { ptr: bytes.as_ptr(), length: bytes.len() }
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_log(level: u32, message: ModuleBuffer<'_>) {
    let m = unsafe { text(message) };
    fake(|f| f.logs.push((level, m)));
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_log_enabled(level: u32) -> bool {
    level >= 1
}

fn define(named: &mut Vec<(String, u64)>, name: ModuleBuffer<'_>, id: *mut usize) -> u32 {
    named.push((unsafe { text(name) }, 0));
    unsafe { *id = named.len() - 1 };
    0
}

fn define_histogram(named: &mut Vec<(String, Vec<u64>)>, name: ModuleBuffer<'_>, id: *mut usize) -> u32 {
    named.push((unsafe { text(name) }, Vec::new()));
    unsafe { *id = named.len() - 1 };
    0
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_filter_config_define_counter(
    _: Ptr,
    name: ModuleBuffer<'_>,
    _: *mut ModuleBuffer<'_>,
    labels: usize,
    id: *mut usize,
) -> u32 {
    assert_eq!(labels, 0);
    fake(|f| define(&mut f.counters, name, id))
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_filter_config_define_histogram(
    _: Ptr,
    name: ModuleBuffer<'_>,
    _: *mut ModuleBuffer<'_>,
    _: usize,
    id: *mut usize,
) -> u32 {
    fake(|f| define_histogram(&mut f.histograms, name, id))
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_filter_config_define_counter(
    _: Ptr,
    name: ModuleBuffer<'_>,
    id: *mut usize,
) -> u32 {
    fake(|f| define(&mut f.counters, name, id))
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_filter_config_define_histogram(
    _: Ptr,
    name: ModuleBuffer<'_>,
    id: *mut usize,
) -> u32 {
    fake(|f| define_histogram(&mut f.histograms, name, id))
}

fn bump(id: usize, value: u64) -> u32 {
    fake(|f| match f.counters.get_mut(id) {
        Some(c) => {
            c.1 += value;
            0
        }
        None => 1,
    })
}

fn record(id: usize, value: u64) -> u32 {
    fake(|f| match f.histograms.get_mut(id) {
        Some(h) => {
            h.1.push(value);
            0
        }
        None => 1,
    })
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_filter_increment_counter(
    _: Ptr,
    id: usize,
    _: *mut ModuleBuffer<'_>,
    _: usize,
    value: u64,
) -> u32 {
    bump(id, value)
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_filter_record_histogram_value(
    _: Ptr,
    id: usize,
    _: *mut ModuleBuffer<'_>,
    _: usize,
    value: u64,
) -> u32 {
    record(id, value)
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_filter_increment_counter(_: Ptr, id: usize, value: u64) -> u32 {
    bump(id, value)
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_filter_record_histogram_value(
    _: Ptr,
    id: usize,
    value: u64,
) -> u32 {
    record(id, value)
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_get_headers_size(_: Ptr, header_type: u32) -> usize {
    assert_eq!(header_type, abi::REQUEST_HEADER);
    fake(|f| f.request.len())
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_get_headers(_: Ptr, _: u32, out: *mut EnvoyHttpHeader) -> bool {
    fake(|f| {
        for (i, (k, v)) in f.request.iter().enumerate() {
            let h = EnvoyHttpHeader {
                key_ptr: k.as_ptr(),
                key_length: k.len(),
                value_ptr: v.as_ptr(),
                value_length: v.len(),
            };
            unsafe { *out.add(i) = h };
        }
    });
    true
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_set_header(
    _: Ptr,
    _: u32,
    key: ModuleBuffer<'_>,
    value: ModuleBuffer<'_>,
) -> bool {
    let (k, v) = unsafe { (text(key).into_bytes(), (!value.ptr.is_null()).then(|| text(value).into_bytes())) };
    fake(|f| {
        f.request.retain(|(name, _)| *name != k);
        if let Some(v) = v {
            f.request.push((k, v));
        }
    });
    true
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_add_header(
    _: Ptr,
    _: u32,
    key: ModuleBuffer<'_>,
    value: ModuleBuffer<'_>,
) -> bool {
    let (k, v) = unsafe { (text(key).into_bytes(), text(value).into_bytes()) };
    fake(|f| f.request.push((k, v)));
    true
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_send_response(
    _: Ptr,
    status: u32,
    headers: *mut ModuleHttpHeader<'_>,
    n: usize,
    body: ModuleBuffer<'_>,
    _details: ModuleBuffer<'_>,
) {
    let headers = (0..n)
        .map(|i| {
            let h = unsafe { *headers.add(i) };
            unsafe {
                (
                    String::from_utf8_lossy(EnvoyBuffer { ptr: h.key_ptr, length: h.key_length }.as_slice())
                        .into_owned(),
                    String::from_utf8_lossy(EnvoyBuffer { ptr: h.value_ptr, length: h.value_length }.as_slice())
                        .into_owned(),
                )
            }
        })
        .collect();
    let body = unsafe { text(body) }.into_bytes();
    fake(|f| f.reply = Some((status, headers, body)));
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_clear_route_cache(_: Ptr) {
    fake(|f| f.route_cache_cleared += 1);
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_filter_get_attribute_string(
    _: Ptr,
    id: u32,
    out: *mut EnvoyBuffer,
) -> bool {
    fake(|f| match f.attributes.iter().find(|(a, _)| *a == id) {
        Some((_, v)) => {
            unsafe { *out = lend(v) };
            true
        }
        None => false,
    })
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_filter_get_attribute_int(_: Ptr, _: u32, _: *mut u64) -> bool {
    false
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_filter_get_requested_server_name(
    _: Ptr,
    out: *mut EnvoyBuffer,
) -> bool {
    fake(|f| {
        unsafe { *out = lend(&f.server_name) };
        !f.server_name.is_empty()
    })
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_filter_get_ssl_uri_sans_size(_: Ptr) -> usize {
    fake(|f| f.uri_sans.len())
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_filter_get_ssl_uri_sans(_: Ptr, out: *mut EnvoyBuffer) -> bool {
    fake(|f| {
        for (i, san) in f.uri_sans.iter().enumerate() {
            unsafe { *out.add(i) = lend(san) };
        }
    });
    true
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_filter_get_local_address(
    _: Ptr,
    _: *mut EnvoyBuffer,
    _: *mut u32,
) -> bool {
    false
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_set_filter_state_typed(
    _: Ptr,
    key: ModuleBuffer<'_>,
    value: ModuleBuffer<'_>,
) -> bool {
    let (k, v) = unsafe { (text(key), text(value)) };
    fake(|f| f.filter_state.push((k, v)));
    true
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_http_get_filter_state_typed(
    _: Ptr,
    key: ModuleBuffer<'_>,
    out: *mut EnvoyBuffer,
) -> bool {
    let key = unsafe { text(key) };
    fake(|f| match f.stream_state.iter().find(|(k, _)| *k == key) {
        Some((_, v)) => {
            unsafe { *out = lend(v) };
            true
        }
        None => false,
    })
}

#[no_mangle]
extern "C" fn envoy_dynamic_module_callback_network_filter_close(_: Ptr, close_type: u32) {
    assert_eq!(close_type, abi::CLOSE_NO_FLUSH);
    fake(|f| f.closed = true);
}

// ------------------------------------------------------------------------------------- tests

fn envoy_ptr() -> Ptr {
    // Any non-null address: the fake never dereferences it.
    std::ptr::NonNull::<u8>::dangling().as_ptr().cast()
}

fn config(name: &str, plan: &str, network: bool) -> *const c_void {
    let (name, plan) = (lend(name.as_bytes()), lend(plan.as_bytes()));
    if network {
        envoy_dynamic_module_on_network_filter_config_new(envoy_ptr(), name, plan)
    } else {
        envoy_dynamic_module_on_http_filter_config_new(envoy_ptr(), name, plan)
    }
}

fn counter(name: &str) -> u64 {
    fake(|f| f.counters.iter().find(|(n, _)| n == name).map(|(_, v)| *v).unwrap_or(0))
}

/// One request through the HTTP hooks with the peer's URI SAN; its status, and the reply.
fn request(config: *const c_void, peer: &str) -> (u32, Option<Reply>) {
    fake(|f| {
        f.reply = None;
        f.request = vec![
            (b":authority".to_vec(), b"billing".to_vec()),
            (b":path".to_vec(), b"/invoices".to_vec()),
            (b":method".to_vec(), b"GET".to_vec()),
        ];
        f.attributes = vec![
            (
                abi::ATTRIBUTE_CONNECTION_REQUESTED_SERVER_NAME,
                format!("billing.default.dc1.internal.{TD}").into_bytes(),
            ),
            (abi::ATTRIBUTE_CONNECTION_URI_SAN_PEER_CERTIFICATE, peer.as_bytes().to_vec()),
        ];
    });
    let filter = envoy_dynamic_module_on_http_filter_new(config, envoy_ptr());
    assert!(!filter.is_null());
    let status = envoy_dynamic_module_on_http_filter_request_headers(envoy_ptr(), filter, true);
    assert_eq!(envoy_dynamic_module_on_http_filter_response_headers(envoy_ptr(), filter, true), abi::HEADERS_CONTINUE);
    envoy_dynamic_module_on_http_filter_stream_complete(envoy_ptr(), filter);
    envoy_dynamic_module_on_http_filter_destroy(filter);
    (status, fake(|f| f.reply.take()))
}

#[test]
fn the_module_declares_the_abi_version_of_the_pinned_envoy() {
    let v = envoy_dynamic_module_on_program_init();
    assert_eq!(unsafe { std::ffi::CStr::from_ptr(v) }.to_str(), Ok("v0.2.0"));
}

#[test]
fn terminating_http_allows_and_denies_on_the_peer_identity_as_filter_wasm_does() {
    let plan = plan_json("tgw");
    let cfg = config("meshgate_http", &plan, false);
    assert!(!cfg.is_null(), "{:?}", fake(|f| f.logs.clone()));
    // Loaded once, logged as filter.wasm logs it; the counters are the same names.
    assert!(fake(|f| f.logs.iter().any(|(_, l)| l.contains("plan_hash="))), "{:?}", fake(|f| f.logs.clone()));
    assert!(fake(|f| f.counters.iter().any(|(n, _)| n == "meshgate.tgw.allowed")));

    let (status, reply) = request(cfg, &spiffe("web"));
    assert_eq!((status, reply), (abi::HEADERS_CONTINUE, None));
    assert_eq!(counter("meshgate.tgw.allowed"), 1);

    let (status, reply) = request(cfg, &spiffe("api"));
    assert_eq!(status, abi::HEADERS_STOP_ITERATION);
    let (code, headers, _) = reply.unwrap();
    assert_eq!(code, 403);
    assert!(headers.contains(&(REASON_HEADER.to_string(), "intention".to_string())), "{headers:?}");
    assert_eq!(counter("meshgate.tgw.denied"), 1);
    let deny = fake(|f| f.logs.iter().find(|(_, l)| l.contains("meshgate deny")).cloned()).unwrap();
    assert!(deny.1.contains(&format!("source={}", spiffe("api"))), "{deny:?}");

    // No identity at all: denied, never forwarded.
    let (status, reply) = request(cfg, "");
    assert_eq!((status, reply.map(|r| r.0)), (abi::HEADERS_STOP_ITERATION, Some(403)));
    envoy_dynamic_module_on_http_filter_config_destroy(cfg);
}

#[test]
fn a_configuration_is_shared_by_worker_threads() {
    let plan = plan_json("tgw");
    let cfg = config("meshgate_http", &plan, false) as usize;
    assert_ne!(cfg, 0);
    let workers: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(move || {
                // A fresh worker: its own fake Envoy (thread-local), sharing the configuration.
                fake(|f| f.counters = vec![("allowed".into(), 0); 8]);
                let (status, _) = request(cfg as *const c_void, &spiffe("web"));
                status
            })
        })
        .collect();
    for w in workers {
        assert_eq!(w.join().unwrap(), abi::HEADERS_CONTINUE);
    }
    envoy_dynamic_module_on_http_filter_config_destroy(cfg as *const c_void);
}

#[test]
fn a_bad_plan_or_a_mismatched_filter_kind_is_refused() {
    assert!(config("meshgate_http", "{ not a plan", false).is_null());
    assert!(fake(|f| f.logs.iter().any(|(level, l)| *level >= 3 && l.contains("rejected the gateway plan"))));
    assert!(config("meshgate_http", "", false).is_null());
    // The network root id on the HTTP filter: refused, not silently served.
    assert!(config("meshgate_network", &plan_json("tgw"), false).is_null());
    // No per-route configuration.
    assert!(envoy_dynamic_module_on_http_filter_per_route_config_new(lend(b"x"), lend(b"y")).is_null());
}

#[test]
fn a_mesh_gateway_routes_by_sni_through_typed_filter_state() {
    let cfg = config("meshgate_network", &plan_json("mesh-gateway"), true);
    assert!(!cfg.is_null(), "{:?}", fake(|f| f.logs.clone()));
    let connect = |sni: &str| {
        fake(|f| {
            f.server_name = sni.as_bytes().to_vec();
            f.filter_state.clear();
            f.closed = false;
        });
        let filter = envoy_dynamic_module_on_network_filter_new(cfg, envoy_ptr());
        let status = envoy_dynamic_module_on_network_filter_new_connection(envoy_ptr(), filter);
        envoy_dynamic_module_on_network_filter_destroy(filter);
        (status, fake(|f| (f.filter_state.clone(), f.closed)))
    };
    let (status, (state, closed)) = connect(&format!("web.default.dc1.internal.{TD}"));
    assert_eq!((status, closed), (abi::NETWORK_CONTINUE, false));
    assert_eq!(state.len(), 1);
    assert_eq!(state[0].0, "envoy.tcp_proxy.cluster");
    let (_, (state, closed)) = connect(&format!("nope.default.dc1.internal.{TD}"));
    assert!(state.is_empty() && closed);
    assert_eq!(counter("meshgate.mesh-gateway.unrouted"), 1);
    envoy_dynamic_module_on_network_filter_config_destroy(cfg);
}

#[test]
fn a_terminating_tcp_service_is_decided_on_the_first_bytes() {
    let ws_tcp = WS.replace("Protocol = \"http\"", "Protocol = \"tcp\"");
    let files = ws_tcp.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let ws = Workspace::load(files);
    let c = meshgate_core::plan::compile(&ws, &Settings::default()).unwrap();
    let plan = serde_json::to_string(&gateway_plan(&c, "tgw").unwrap()).unwrap();
    let cfg = config("meshgate_network", &plan, true);
    assert!(!cfg.is_null(), "{:?}", fake(|f| f.logs.clone()));
    let connect = |peer: &str| {
        fake(|f| {
            f.server_name = format!("billing.default.dc1.internal.{TD}").into_bytes();
            f.uri_sans = vec![peer.as_bytes().to_vec()];
            f.closed = false;
        });
        let filter = envoy_dynamic_module_on_network_filter_new(cfg, envoy_ptr());
        assert_eq!(envoy_dynamic_module_on_network_filter_new_connection(envoy_ptr(), filter), abi::NETWORK_CONTINUE);
        let status = envoy_dynamic_module_on_network_filter_read(envoy_ptr(), filter, 5, false);
        envoy_dynamic_module_on_network_filter_destroy(filter);
        (status, fake(|f| f.closed))
    };
    assert_eq!(connect(&spiffe("web")), (abi::NETWORK_CONTINUE, false));
    assert_eq!(connect(&spiffe("api")), (abi::NETWORK_STOP_ITERATION, true));
    envoy_dynamic_module_on_network_filter_config_destroy(cfg);
}

#[test]
fn a_chain_filter_name_decides_for_its_server_name_and_sets_no_cluster() {
    let ws_tcp = WS.replace("Protocol = \"http\"", "Protocol = \"tcp\"");
    let files = ws_tcp.split("\n---\n").enumerate().map(|(i, t)| InputFile::new(format!("{i}.hcl"), t));
    let c = meshgate_core::plan::compile(&Workspace::load(files), &Settings::default()).unwrap();
    let mut plan = gateway_plan(&c, "tgw").unwrap();
    meshgate_core::envoy::traffic::mark_direct_routes(&mut plan, true);
    let plan = serde_json::to_string(&plan).unwrap();
    let billing = format!("billing.default.dc1.internal.{TD}");
    let cfg = config(&meshgate_core::envoy::chain_root_id(&billing), &plan, true);
    assert!(!cfg.is_null(), "{:?}", fake(|f| f.logs.clone()));
    let connect = |peer: &str| {
        fake(|f| {
            // Whatever the connection's name: the chain's is the one decided on.
            f.server_name = b"other.example".to_vec();
            f.uri_sans = vec![peer.as_bytes().to_vec()];
            f.filter_state.clear();
            f.closed = false;
        });
        let filter = envoy_dynamic_module_on_network_filter_new(cfg, envoy_ptr());
        assert_eq!(envoy_dynamic_module_on_network_filter_new_connection(envoy_ptr(), filter), abi::NETWORK_CONTINUE);
        let status = envoy_dynamic_module_on_network_filter_read(envoy_ptr(), filter, 5, false);
        envoy_dynamic_module_on_network_filter_destroy(filter);
        (status, fake(|f| (f.closed, f.filter_state.is_empty())))
    };
    assert_eq!(connect(&spiffe("web")), (abi::NETWORK_CONTINUE, (false, true)));
    assert_eq!(connect(&spiffe("api")), (abi::NETWORK_STOP_ITERATION, (true, true)));
    envoy_dynamic_module_on_network_filter_config_destroy(cfg);
}

#[test]
fn a_panic_never_crosses_the_boundary_and_fails_closed() {
    let status = guard("test", || -> u32 { panic!("boom") }, || http_failed(envoy_ptr()));
    assert_eq!(status, abi::HEADERS_STOP_ITERATION);
    assert_eq!(fake(|f| f.reply.as_ref().map(|r| r.0)), Some(500));
    assert!(fake(|f| f.logs.iter().any(|(level, l)| *level == 5 && l.contains("panic in test: boom"))));
    let status = guard("test", || -> u32 { panic!("boom") }, || network_failed(envoy_ptr()));
    assert_eq!((status, fake(|f| f.closed)), (abi::NETWORK_STOP_ITERATION, true));
}

#[test]
fn jwt_payloads_come_from_the_filter_state_set_filter_state_copies_them_to() {
    let host = EnvoyHost { context: Context::Http(envoy_ptr()) };
    // Nothing there (no set_filter_state, or jwt_authn stored nothing: Envoy renders `-`).
    fake(|f| f.stream_state.clear());
    assert_eq!(host.jwt_payloads(), Ok(None));
    let key = meshgate_core::envoy::jwt::PAYLOADS_STATE.to_string();
    fake(|f| f.stream_state = vec![(key.clone(), b"-".to_vec())]);
    assert_eq!(host.jwt_payloads(), Ok(None));
    // jwt_authn's namespace as %DYNAMIC_METADATA% renders it: the payloads by provider.
    let rendered = r#"{"okta":{"sub":"alice","perms":{"role":["admin"]}}}"#;
    fake(|f| f.stream_state = vec![(key.clone(), rendered.as_bytes().to_vec())]);
    let got = host.jwt_payloads().unwrap().unwrap();
    assert_eq!(got["okta"]["perms"]["role"][0], "admin");
    // Not on a connection or while a plan loads.
    let network = EnvoyHost { context: Context::Network(envoy_ptr()) };
    assert!(network.jwt_payloads().is_err());
}
