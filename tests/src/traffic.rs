//! Traffic for the Envoy tests and the soak: legitimate keep-alive clients that check every
//! answer, and malformed requests — 0xFF and Latin-1 bytes in every HTTP/1 and HTTP/2 header and
//! pseudo-header position — with what each got. Plus the checks that go with them: the filter's
//! counters, Envoy's protocol errors, wasm VM counters, the filter's "configured" lines.

use crate::envoy::Envoy;
use crate::h2::{self, Outcome};
use crate::net::{exchange, tcp, KeepAlive, Response, Stream, TlsClient};
use meshgate_core::gateway::REASON_HEADER;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a legitimate request must get.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// 200 from this backend, which received this path.
    Pass { backend: &'static str, path: &'static str },
    /// 403 with this reason.
    Deny(&'static str),
}

/// A legitimate request and what it must get.
#[derive(Clone, Copy, Debug)]
pub struct Legit {
    pub host: &'static str,
    pub path: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
    pub expect: Expect,
}

/// Opens a connection to the gateway (plain TCP, or mTLS as a given identity).
pub type Dial = Arc<dyn Fn() -> Result<Box<dyn Stream>, String> + Send + Sync>;

/// Plain TCP to the gateway.
pub fn plain(port: u16) -> Dial {
    Arc::new(move || tcp(port).map(|s| Box::new(s) as Box<dyn Stream>))
}

/// TLS to the gateway with server name `name` (mutual TLS when `client` has an identity).
pub fn tls(client: TlsClient, port: u16, name: String) -> Dial {
    Arc::new(move || client.connect(port, &name).map(|s| Box::new(s) as Box<dyn Stream>))
}

/// What the legitimate clients got.
#[derive(Debug, Default)]
pub struct LegitTally {
    /// Requests that passed as expected.
    pub passed: u64,
    /// Requests denied as expected.
    pub denied: u64,
    pub failures: u64,
    /// The first few failures, for the message.
    pub examples: Vec<String>,
}

impl LegitTally {
    pub fn fail(&mut self, what: String) {
        self.failures += 1;
        if self.examples.len() < 10 {
            self.examples.push(what);
        }
    }

    pub fn add(&mut self, other: LegitTally) {
        self.passed += other.passed;
        self.denied += other.denied;
        self.failures += other.failures;
        self.examples.extend(other.examples.into_iter().take(10usize.saturating_sub(self.examples.len())));
    }
}

/// Checks one legitimate response.
pub fn check_legit(req: &Legit, r: &Response) -> Result<bool, String> {
    match req.expect {
        Expect::Pass { backend, path } => {
            if r.status == 200 && r.field("backend") == Some(backend) && r.field("path") == Some(path) {
                Ok(true)
            } else {
                Err(format!(
                    "{}{}: want 200 from {backend} at {path}, got {} {:?}",
                    req.host, req.path, r.status, r.body
                ))
            }
        }
        Expect::Deny(reason) => {
            if r.status == 403 && r.header(REASON_HEADER) == Some(reason) {
                Ok(false)
            } else {
                Err(format!("{}{}: want 403 {reason}, got {} {:?}", req.host, req.path, r.status, r.headers))
            }
        }
    }
}

/// `clients` keep-alive clients, each cycling through `requests` until `stop` is set, each
/// opening a new connection after `per_connection` requests (0: never) — connection-level
/// decisions (SNI, peer identity) are made once per connection.
pub fn legit_load(
    dial: Dial,
    requests: &'static [Legit],
    clients: usize,
    per_connection: u64,
    stop: Arc<AtomicBool>,
) -> LegitTally {
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let (dial, stop) = (dial.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut tally = LegitTally::default();
                let mut conn: Option<KeepAlive> = None;
                let mut n = i;
                let mut on_this = 0;
                while !stop.load(Ordering::Relaxed) {
                    let req = &requests[n % requests.len()];
                    n += 1;
                    if per_connection > 0 && on_this >= per_connection {
                        conn = None;
                    }
                    if conn.is_none() {
                        on_this = 0;
                    }
                    on_this += 1;
                    let c = match conn.as_mut() {
                        Some(c) => c,
                        None => match dial() {
                            Ok(s) => conn.insert(KeepAlive::new(s)),
                            Err(e) => {
                                tally.fail(format!("connect: {e}"));
                                std::thread::sleep(Duration::from_millis(50));
                                continue;
                            }
                        },
                    };
                    match c.get(req.host, req.path, req.headers) {
                        Ok(r) => {
                            match check_legit(req, &r) {
                                Ok(true) => tally.passed += 1,
                                Ok(false) => tally.denied += 1,
                                Err(e) => tally.fail(e),
                            }
                            if r.header("connection").is_some_and(|v| v.eq_ignore_ascii_case("close")) {
                                conn = None;
                            }
                        }
                        Err(e) => {
                            tally.fail(format!("{}{}: {e}", req.host, req.path));
                            conn = None;
                        }
                    }
                }
                tally
            })
        })
        .collect();
    let mut total = LegitTally::default();
    for t in threads {
        total.add(t.join().unwrap_or_else(|_| LegitTally { failures: 1, ..LegitTally::default() }));
    }
    total
}

// ------------------------------------------------------------------------- malformed requests

/// A request with a byte no rule can read as text, somewhere.
#[derive(Clone, Debug)]
pub enum Malformed {
    /// Raw HTTP/1.1 bytes (the request asks for `Connection: close`).
    H1(&'static str, Vec<u8>),
    /// HTTP/2 header fields, in order (h2c prior knowledge).
    H2(&'static str, Vec<(Vec<u8>, Vec<u8>)>),
}

impl Malformed {
    pub fn name(&self) -> String {
        match self {
            Malformed::H1(n, _) => format!("http/1 {n}"),
            Malformed::H2(n, _) => format!("http/2 {n}"),
        }
    }
}

/// Every position of a request, with 0xFF or a Latin-1 byte in it: the request line (method,
/// path, version), the Host, a header's name, the value of a header a rule reads (`x-user`) and
/// of one no rule reads.
pub fn malformed_h1(host: &str) -> Vec<Malformed> {
    let req = |start: &[u8], headers: &[&[u8]]| {
        let mut r = start.to_vec();
        r.extend_from_slice(b"\r\n");
        for h in headers {
            r.extend_from_slice(h);
            r.extend_from_slice(b"\r\n");
        }
        r.extend_from_slice(b"Connection: close\r\n\r\n");
        r
    };
    let host_line = format!("Host: {host}").into_bytes();
    let mut host_ff = host_line.clone();
    host_ff.push(0xff);
    let h = host_line.as_slice();
    vec![
        Malformed::H1("0xFF in the method", req(b"G\xffT / HTTP/1.1", &[h])),
        Malformed::H1("0xFF in the path", req(b"GET /index\xff.html HTTP/1.1", &[h])),
        Malformed::H1("Latin-1 in the path", req(b"GET /caf\xe9 HTTP/1.1", &[h])),
        Malformed::H1("0xFF in the version", req(b"GET / HTTP/1.\xff", &[h])),
        Malformed::H1("0xFF in the Host", req(b"GET / HTTP/1.1", &[&host_ff])),
        Malformed::H1("0xFF in a header name", req(b"GET / HTTP/1.1", &[h, b"x-\xffuser: alice"])),
        Malformed::H1("0xFF in x-user (a rule reads it)", req(b"GET / HTTP/1.1", &[h, b"x-user: mal\xfflory"])),
        Malformed::H1("Latin-1 in x-user (a rule reads it)", req(b"GET / HTTP/1.1", &[h, b"x-user: Andr\xe9"])),
        Malformed::H1("Latin-1 in a cookie (no rule reads it)", req(b"GET / HTTP/1.1", &[h, b"cookie: name=caf\xe9"])),
        Malformed::H1("0xFF in x-trace (no rule reads it)", req(b"GET / HTTP/1.1", &[h, b"x-trace: \xff\xfe"])),
    ]
}

/// The same positions over HTTP/2, pseudo-headers included.
pub fn malformed_h2(authority: &str) -> Vec<Malformed> {
    let fields = |method: &[u8], scheme: &[u8], auth: &[u8], path: &[u8], extra: &[(&[u8], &[u8])]| {
        let mut f: Vec<(Vec<u8>, Vec<u8>)> = vec![
            (b":method".to_vec(), method.to_vec()),
            (b":scheme".to_vec(), scheme.to_vec()),
            (b":authority".to_vec(), auth.to_vec()),
            (b":path".to_vec(), path.to_vec()),
        ];
        f.extend(extra.iter().map(|(n, v)| (n.to_vec(), v.to_vec())));
        f
    };
    let a = authority.as_bytes();
    let mut a_ff = a.to_vec();
    a_ff.push(0xff);
    vec![
        Malformed::H2("0xFF in :method", fields(b"G\xffT", b"http", a, b"/", &[])),
        Malformed::H2("0xFF in :scheme", fields(b"GET", b"ht\xfftp", a, b"/", &[])),
        Malformed::H2("0xFF in :authority", fields(b"GET", b"http", &a_ff, b"/", &[])),
        Malformed::H2("0xFF in :path", fields(b"GET", b"http", a, b"/index\xff.html", &[])),
        Malformed::H2("Latin-1 in :path", fields(b"GET", b"http", a, b"/caf\xe9", &[])),
        Malformed::H2("0xFF in a pseudo-header name", fields(b"GET", b"http", a, b"/", &[(b":x\xff", b"1")])),
        Malformed::H2("0xFF in a header name", fields(b"GET", b"http", a, b"/", &[(b"x-\xffuser", b"alice")])),
        Malformed::H2(
            "0xFF in x-user (a rule reads it)",
            fields(b"GET", b"http", a, b"/", &[(b"x-user", b"mal\xfflory")]),
        ),
        Malformed::H2(
            "Latin-1 in x-user (a rule reads it)",
            fields(b"GET", b"http", a, b"/", &[(b"x-user", b"Andr\xe9")]),
        ),
        Malformed::H2(
            "Latin-1 in a cookie (no rule reads it)",
            fields(b"GET", b"http", a, b"/", &[(b"cookie", b"n=caf\xe9")]),
        ),
    ]
}

/// What a malformed request got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A status, and the filter's reason header when the filter answered.
    Status(u16, Option<String>),
    /// HTTP/2: the codec reset the stream / refused the connection (Envoy, before any filter).
    Reset(u32),
    GoAway(u32),
    /// Closed without an answer.
    Closed,
    Error(String),
}

impl Answer {
    /// Refused (400, 403, 404) or passed (200) — never a 5xx, never silence; over HTTP/2 Envoy's
    /// codec may also reset the stream or drop the connection (it counts that as a protocol
    /// error, which the test checks).
    pub fn acceptable(&self, m: &Malformed) -> bool {
        match self {
            Answer::Status(code, _) => matches!(code, 200 | 400 | 403 | 404),
            Answer::Reset(_) | Answer::GoAway(_) | Answer::Closed => matches!(m, Malformed::H2(..)),
            Answer::Error(_) => false,
        }
    }

    /// Refused by Envoy before the filter saw the request: a 400 without the filter's reason
    /// header, or the HTTP/2 codec ending the stream or connection.
    pub fn by_envoy(&self) -> bool {
        matches!(self, Answer::Status(400, None) | Answer::Reset(_) | Answer::GoAway(_) | Answer::Closed)
    }
}

/// Envoy's count of downstream protocol errors on the gateway's HTTP connection managers.
pub fn protocol_errors(envoy: &Envoy) -> u64 {
    let (_, body) =
        envoy.admin("/stats?filter=^http%5C.meshgate_.*%5C.downstream_cx_protocol_error$").unwrap_or_default();
    body.lines().filter_map(|l| l.rsplit(": ").next()?.trim().parse::<u64>().ok()).sum()
}

pub fn send_malformed(dial: &Dial, h2_port: Option<u16>, m: &Malformed) -> Answer {
    match m {
        Malformed::H1(_, bytes) => match dial().and_then(|s| exchange(s, bytes)) {
            Ok(Some(r)) => Answer::Status(r.status, r.header(REASON_HEADER).map(String::from)),
            Ok(None) => Answer::Closed,
            Err(e) => Answer::Error(e),
        },
        Malformed::H2(_, fields) => {
            let Some(port) = h2_port else { return Answer::Error("no h2c port".into()) };
            let fields: Vec<(&[u8], &[u8])> = fields.iter().map(|(n, v)| (n.as_slice(), v.as_slice())).collect();
            match h2::request(port, &fields) {
                Ok(Outcome::Response(r)) => Answer::Status(r.status, r.header(REASON_HEADER).map(String::from)),
                Ok(Outcome::Reset(code)) => Answer::Reset(code),
                Ok(Outcome::GoAway(code)) => Answer::GoAway(code),
                Ok(Outcome::Closed) => Answer::Closed,
                Err(e) => Answer::Error(e),
            }
        }
    }
}

/// Sends the cases round-robin, `per_second`, until `stop`, each on its own thread
/// (Envoy holds a refused connection open for its delayed-close timeout, a second).
pub fn malformed_load(
    dial: Dial,
    h2_port: Option<u16>,
    cases: Vec<Malformed>,
    per_second: u32,
    stop: Arc<AtomicBool>,
) -> Vec<(Malformed, Answer)> {
    let period = Duration::from_secs(1) / per_second.max(1);
    let mut next = Instant::now();
    let mut sent = Vec::new();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let m = cases[i % cases.len()].clone();
        i += 1;
        let dial = dial.clone();
        sent.push(std::thread::spawn(move || {
            let answer = send_malformed(&dial, h2_port, &m);
            (m, answer)
        }));
        next += period;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    sent.into_iter().filter_map(|t| t.join().ok()).collect()
}

/// Wasm VM counters Envoy keeps (`wasm.*` in `/stats`): VMs created and active, and per `vm_id`
/// `wasm.<vm_id>.vm_reload`, `vm_reload_success`, `vm_reload_failure`, `vm_reload_backoff`.
pub fn wasm_stats(envoy: &Envoy) -> Vec<String> {
    let (_, body) = envoy.admin("/stats?filter=^wasm%5C.").unwrap_or_default();
    body.lines().map(String::from).collect()
}

pub fn configured_lines(envoy: &Envoy) -> usize {
    envoy.log_text().lines().filter(|l| l.contains("meshgate configured")).count()
}

/// The filter's counter `name` for gateway `gw` (absent = 0).
pub fn counter(envoy: &Envoy, gw: &str, name: &str) -> u64 {
    envoy.counter(&format!("wasmcustom.meshgate.{gw}.{name}")).unwrap_or(0)
}

// ------------------------------------------------------------------------- hostile connections

/// A TLS ClientHello (TLS 1.2 record, offering TLS 1.3 and 1.2 suites) whose server_name carries
/// exactly `sni`'s bytes — 0xFF, Latin-1, NUL, any length — which no TLS library would send; no
/// server_name extension at all with `None`.
pub fn client_hello(sni: Option<&[u8]>) -> Vec<u8> {
    let mut body = vec![0x03, 0x03];
    body.extend((0u8..32).map(|i| i.wrapping_mul(37)));
    body.push(0); // session id
    body.extend([0x00, 0x04, 0x13, 0x01, 0xc0, 0x2f]); // cipher suites
    body.extend([0x01, 0x00]); // compression: null
    let mut ext = Vec::new();
    if let Some(name) = sni {
        let n = name.len() as u16;
        ext.extend([0x00, 0x00]);
        ext.extend((n + 5).to_be_bytes());
        ext.extend((n + 3).to_be_bytes());
        ext.push(0); // host_name
        ext.extend(n.to_be_bytes());
        ext.extend_from_slice(name);
    }
    // supported_groups (x25519), signature_algorithms (ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256).
    ext.extend([0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d]);
    ext.extend([0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x04, 0x03, 0x08, 0x04]);
    body.extend((ext.len() as u16).to_be_bytes());
    body.extend(ext);
    let mut hs = vec![0x01];
    hs.extend(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend(body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend((hs.len() as u16).to_be_bytes());
    record.extend(hs);
    record
}

/// Sends `bytes` on a new connection to 127.0.0.1:`port` and reads until the far end closes:
/// how many bytes came back. A gateway that refuses the connection closes it having sent
/// nothing; one that routed it lets the backend's answer (a ServerHello, an alert) through.
pub fn bytes_back(port: u16, bytes: &[u8]) -> Result<usize, String> {
    use std::io::{Read, Write};
    let mut s = tcp(port)?;
    s.write_all(bytes).map_err(|e| format!("write: {e}"))?;
    let mut n = 0;
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Ok(n),
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Ok(n),
            Err(e) => return Err(format!("read: {e} (after {n} bytes)")),
        }
    }
}
