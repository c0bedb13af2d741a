//! Loopback traffic for the Envoy tests: an HTTP/1.1 client that sends the request line exactly as
//! given (no client-side path cleanup), HTTP and TLS backends that say who they are, and a TLS
//! client with a chosen SNI and optional client certificate. Everything binds 127.0.0.1, every
//! socket has a timeout, every loop is bounded.
//!
//! Two kinds of backends:
//! - **plain** ([`Backend::http`], [`Backend::tcp`], [`Backend::banner`], …): what a terminating
//!   gateway's external services are, and what an application behind a sidecar is;
//! - **Connect-native** ([`Backend::native_http`], [`Backend::native_tcp`],
//!   [`Backend::native_banner`], [`Backend::native_http_keepalive`]): a workload reached in the
//!   mesh (`connect { native = true }`, or standing in for a sidecar): it terminates mTLS itself,
//!   presenting its service's leaf certificate and requiring a client certificate from the mesh
//!   CA, and records the client's URI SAN ([`Backend::peers`]) — so a test can assert who
//!   connected (a gateway's own identity, or a client's through a mesh gateway).

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// An HTTP response.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// A `key=value` line of a backend's body.
    pub fn field(&self, key: &str) -> Option<&str> {
        self.body.lines().find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
    }
}

fn connect(port: u16) -> Result<TcpStream, String> {
    let s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect 127.0.0.1:{port}: {e}"))?;
    let _ = s.set_read_timeout(Some(IO_TIMEOUT));
    let _ = s.set_write_timeout(Some(IO_TIMEOUT));
    Ok(s)
}

/// Sends one request (`Connection: close`) and reads the whole response.
pub fn http_request(
    port: u16,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Response, String> {
    let mut s = connect(port)?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("Connection: close\r\n\r\n");
    s.write_all(req.as_bytes()).map_err(|e| format!("write: {e}"))?;
    let raw = crate::envoy::read_all(&mut s);
    parse_response(&raw).ok_or_else(|| format!("no HTTP response to {method} {path} (got {} bytes)", raw.len()))
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect::<Vec<(String, String)>>();
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked { dechunk(body) } else { body.to_string() };
    Some(Response { status, headers, body })
}

/// Decodes a chunked body (bounded by its own length).
fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else { break };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].strip_prefix("\r\n").unwrap_or(&after[n..]);
    }
    out
}

/// A server thread on 127.0.0.1 that stops when dropped.
pub struct Backend {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// HTTP backends: the request target of every request received, in order.
    received: Arc<Mutex<Vec<String>>>,
    /// Connect-native backends: the client's URI SAN of every connection that completed the
    /// handshake, in order (`-` for a certificate without one).
    peers: Arc<Mutex<Vec<String>>>,
    /// Connect-native backends: the server name (SNI) each of those connections asked for
    /// (`-` for none), in order.
    server_names: Arc<Mutex<Vec<String>>>,
}

/// A workload's mesh identity: its leaf certificate (with its SPIFFE ID) and key, and the mesh
/// CA it trusts (PEM).
#[derive(Clone, Debug)]
pub struct MeshIdentity {
    pub cert_pem: String,
    pub key_pem: String,
    pub ca_pem: String,
}

impl MeshIdentity {
    /// As a client certificate.
    pub fn client(&self) -> ClientIdentity<'_> {
        ClientIdentity { cert_pem: &self.cert_pem, key_pem: &self.key_pem }
    }

    /// A TLS client presenting this identity that requires the server to present exactly the
    /// SPIFFE ID `server` (signed by the mesh CA), as a Connect client does.
    pub fn dial(&self, server: &str) -> Result<TlsClient, String> {
        TlsClient::mesh(&self.ca_pem, self.client(), server)
    }
}

impl Backend {
    pub(crate) fn spawn(listener: TcpListener, handle: impl Fn(TcpStream) + Send + 'static) -> Backend {
        Self::spawn_recording(listener, Arc::default(), handle)
    }

    fn spawn_recording(
        listener: TcpListener,
        received: Arc<Mutex<Vec<String>>>,
        handle: impl Fn(TcpStream) + Send + 'static,
    ) -> Backend {
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(c) = conn {
                    let _ = c.set_read_timeout(Some(IO_TIMEOUT));
                    let _ = c.set_write_timeout(Some(IO_TIMEOUT));
                    handle(c);
                }
            }
        });
        Backend { port, stop, thread: Some(thread), received, peers: Arc::default(), server_names: Arc::default() }
    }

    /// What a backend received so far: every request target (HTTP) or line (tcp), in order.
    pub fn received(&self) -> Vec<String> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Who connected to a Connect-native backend: the client certificate's URI SAN of every
    /// connection that completed the mTLS handshake, in order.
    pub fn peers(&self) -> Vec<String> {
        self.peers.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// The SNI of every connection that completed the mTLS handshake with a Connect-native
    /// backend, in order (`-` when the client sent none).
    pub fn server_names(&self) -> Vec<String> {
        self.server_names.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// A Connect-native server: every accepted connection completes an mTLS handshake (the
    /// client must present a certificate from `id`'s CA; others are dropped), the client's URI
    /// SAN is recorded, then `serve` gets the stream and that SAN.
    fn spawn_native<F>(
        listener: TcpListener,
        id: &MeshIdentity,
        received: Arc<Mutex<Vec<String>>>,
        serve: F,
    ) -> Result<Backend, String>
    where
        F: Fn(rustls::StreamOwned<rustls::ServerConnection, TcpStream>, &str) + Send + Sync + 'static,
    {
        let config = Arc::new(mesh_server_config(id)?);
        let peers: Arc<Mutex<Vec<String>>> = Arc::default();
        let server_names: Arc<Mutex<Vec<String>>> = Arc::default();
        let (record, record_name) = (peers.clone(), server_names.clone());
        let mut b = Backend::spawn_recording(listener, received, move |c| {
            let Some((tls, peer)) = accept_mtls(&config, c) else { return };
            if let Ok(mut p) = record.lock() {
                p.push(peer.clone());
            }
            if let Ok(mut n) = record_name.lock() {
                n.push(tls.conn.server_name().unwrap_or("-").to_string());
            }
            serve(tls, &peer);
        });
        b.peers = peers;
        b.server_names = server_names;
        Ok(b)
    }

    pub(crate) fn listener(port: u16) -> Result<TcpListener, String> {
        TcpListener::bind(("127.0.0.1", port)).map_err(|e| format!("bind 127.0.0.1:{port}: {e}"))
    }

    /// An HTTP/1.1 server answering every request with `backend=<name>`, the method, the path it
    /// received, the routing header and the client-certificate header (if any reached it), one
    /// `key=value` per line. It records every request target it receives ([`Backend::received`]).
    pub fn http(name: &str, port: u16) -> Result<Backend, String> {
        let name = name.to_string();
        let received: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = received.clone();
        Ok(Backend::spawn_recording(Backend::listener(port)?, received, move |c| {
            serve_http_once(c, &name, &record, None);
        }))
    }

    /// [`Backend::http`] as a Connect-native workload (see the module docs): its answer also
    /// names the client's SPIFFE ID (`peer=<URI SAN>`).
    pub fn native_http(name: &str, port: u16, id: &MeshIdentity) -> Result<Backend, String> {
        let name = name.to_string();
        let received: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = received.clone();
        Backend::spawn_native(Backend::listener(port)?, id, received, move |mut tls, peer| {
            serve_http_once(&mut tls, &name, &record, Some(peer));
            tls.conn.send_close_notify();
            let _ = tls.flush();
        })
    }

    /// A keep-alive HTTP/1.1 server for load: a thread per connection, every request answered
    /// (`backend=<name>`, the method and the path, as [`Backend::http`] does) on the same
    /// connection until the client closes it. Nothing is recorded. Idle connections stay open
    /// (an hour): a backend that closed pooled connections would race the gateway's reuse.
    pub fn http_keepalive(name: &str, port: u16) -> Result<Backend, String> {
        let name: Arc<str> = Arc::from(name);
        Ok(Backend::spawn(Backend::listener(port)?, move |c| {
            let name = name.clone();
            let _ = c.set_read_timeout(Some(IDLE_TIMEOUT));
            std::thread::spawn(move || serve_keepalive(c, &name));
        }))
    }

    /// [`Backend::http_keepalive`] as a Connect-native workload (see the module docs).
    pub fn native_http_keepalive(name: &str, port: u16, id: &MeshIdentity) -> Result<Backend, String> {
        let name: Arc<str> = Arc::from(name);
        let config = Arc::new(mesh_server_config(id)?);
        let peers: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = peers.clone();
        let mut b = Backend::spawn(Backend::listener(port)?, move |c| {
            let (name, config, record) = (name.clone(), config.clone(), record.clone());
            let _ = c.set_read_timeout(Some(IDLE_TIMEOUT));
            std::thread::spawn(move || {
                let Some((tls, peer)) = accept_mtls(&config, c) else { return };
                if let Ok(mut p) = record.lock() {
                    // Bounded: a load opens connections for as long as it runs.
                    if p.len() < 10_000 {
                        p.push(peer);
                    }
                }
                serve_keepalive(tls, &name);
            });
        });
        b.peers = peers;
        Ok(b)
    }

    /// A plain TCP server: reads one line, answers `<name>\n`, closes. It records every line it
    /// reads ([`Backend::received`]).
    pub fn tcp(name: &str, port: u16) -> Result<Backend, String> {
        let name = name.to_string();
        let received: Arc<Mutex<Vec<String>>> = Arc::default();
        let record = received.clone();
        Ok(Backend::spawn_recording(Backend::listener(port)?, received, move |mut c| {
            let mut line = String::new();
            let _ = BufReader::new(match c.try_clone() {
                Ok(r) => r,
                Err(_) => return,
            })
            .read_line(&mut line);
            if let Ok(mut r) = record.lock() {
                r.push(line.trim().to_string());
            }
            let _ = c.write_all(format!("{name}\n").as_bytes());
        }))
    }

    /// A server-first TCP server (as SMTP, MySQL, SSH): greets with `<name> ready\n` as soon as a
    /// connection is accepted, then reads one line and answers `<name> got <line>\n`.
    pub fn banner(name: &str, port: u16) -> Result<Backend, String> {
        let name = name.to_string();
        Ok(Backend::spawn(Backend::listener(port)?, move |mut c| {
            if c.write_all(format!("{name} ready\n").as_bytes()).is_err() {
                return;
            }
            let mut line = String::new();
            let _ = BufReader::new(match c.try_clone() {
                Ok(r) => r,
                Err(_) => return,
            })
            .read_line(&mut line);
            let _ = c.write_all(format!("{name} got {}\n", line.trim()).as_bytes());
        }))
    }

    /// [`Backend::tcp`] as a Connect-native workload (see the module docs).
    pub fn native_tcp(name: &str, port: u16, id: &MeshIdentity) -> Result<Backend, String> {
        let name = name.to_string();
        Backend::spawn_native(Backend::listener(port)?, id, Arc::default(), move |mut tls, _| {
            let mut line = String::new();
            let _ = BufReader::new(&mut tls).take(64 * 1024).read_line(&mut line);
            let _ = tls.write_all(format!("{name}\n").as_bytes());
            tls.conn.send_close_notify();
            let _ = tls.flush();
        })
    }

    /// [`Backend::banner`] as a Connect-native workload: the greeting goes out as soon as the
    /// mTLS handshake completes (see the module docs).
    pub fn native_banner(name: &str, port: u16, id: &MeshIdentity) -> Result<Backend, String> {
        let name = name.to_string();
        Backend::spawn_native(Backend::listener(port)?, id, Arc::default(), move |mut tls, _| {
            if tls.write_all(format!("{name} ready\n").as_bytes()).is_err() || tls.flush().is_err() {
                return;
            }
            let mut line = String::new();
            let _ = BufReader::new(&mut tls).take(64 * 1024).read_line(&mut line);
            let _ = tls.write_all(format!("{name} got {}\n", line.trim()).as_bytes());
            tls.conn.send_close_notify();
            let _ = tls.flush();
        })
    }
}

/// Answers one HTTP/1.1 request on `stream` (see [`Backend::http`]); records its target.
fn serve_http_once(stream: impl Read + Write, name: &str, record: &Mutex<Vec<String>>, peer: Option<&str>) {
    let mut reader = BufReader::new(stream);
    // Lines are read as bytes: a header that is not UTF-8 (a Latin-1 cookie the gateway lets
    // through) must not stop the backend from reading the whole request.
    let read_line = |reader: &mut BufReader<_>, max: usize| -> Option<String> {
        let mut raw = Vec::new();
        match reader.by_ref().take(max as u64).read_until(b'\n', &mut raw) {
            Ok(0) | Err(_) => None,
            Ok(_) => Some(String::from_utf8_lossy(&raw).into_owned()),
        }
    };
    let Some(request_line) = read_line(&mut reader, 128 * 1024) else { return };
    let mut routing = String::from("-");
    let mut route = String::from("-");
    let mut client_cert = String::from("-");
    let mut extra = String::new();
    for _ in 0..200 {
        match read_line(&mut reader, 128 * 1024) {
            None => break,
            Some(line) if line == "\r\n" => break,
            Some(line) => {
                if let Some((n, v)) = line.split_once(':') {
                    if n.eq_ignore_ascii_case(meshgate_core::gateway::ROUTING_HEADER) {
                        routing = v.trim().to_string();
                    }
                    if n.eq_ignore_ascii_case(meshgate_core::gateway::ROUTE_HEADER) {
                        route = v.trim().to_string();
                    }
                    if n.eq_ignore_ascii_case("x-forwarded-client-cert") {
                        client_cert = v.trim().to_string();
                    }
                    // The server-name header the gateway's connection manager writes for its
                    // filter: listed only when it reached the service (it never should).
                    if n.eq_ignore_ascii_case(meshgate_core::gateway::SNI_HEADER) {
                        extra.push_str(&format!("sni-header={}\n", v.trim()));
                    }
                    if n.to_ascii_lowercase().starts_with("x-added") {
                        extra.push_str(&format!("{}={}\n", n.to_ascii_lowercase(), v.trim()));
                    }
                }
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if let Ok(mut r) = record.lock() {
        r.push(path.to_string());
    }
    let peer = peer.map(|p| format!("peer={p}\n")).unwrap_or_default();
    let body = format!(
        "backend={name}\nmethod={method}\npath={path}\nrouting-header={routing}\nroute-header={route}\nclient-cert={client_cert}\n{peer}{extra}"
    );
    let resp = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let w = reader.get_mut();
    let _ = w.write_all(resp.as_bytes());
    let _ = w.flush();
}

/// Completes the server side of an mTLS handshake on `c` (bounded by the socket's timeouts):
/// the stream and the client certificate's URI SAN (`-` when it carries none). `None` when the
/// handshake fails — no client certificate, one from another CA.
pub(crate) fn accept_mtls(
    config: &Arc<rustls::ServerConfig>,
    c: TcpStream,
) -> Option<(rustls::StreamOwned<rustls::ServerConnection, TcpStream>, String)> {
    let conn = rustls::ServerConnection::new(config.clone()).ok()?;
    let mut tls = rustls::StreamOwned::new(conn, c);
    for _ in 0..64 {
        if !tls.conn.is_handshaking() {
            break;
        }
        tls.conn.complete_io(&mut tls.sock).ok()?;
    }
    if tls.conn.is_handshaking() {
        return None;
    }
    let peer = tls
        .conn
        .peer_certificates()
        .and_then(|c| c.first())
        .and_then(|c| crate::pki::uri_sans(c.as_ref()).into_iter().next())
        .unwrap_or_else(|| "-".into());
    Some((tls, peer))
}

/// How long a keep-alive backend keeps an idle connection.
const IDLE_TIMEOUT: Duration = Duration::from_secs(3600);

/// Answers requests on one connection until it closes (or a request asks to close it).
fn serve_keepalive(stream: impl Read + Write, name: &str) {
    let mut reader = BufReader::new(stream);
    for _ in 0..u32::MAX {
        let mut line = Vec::new();
        match reader.by_ref().take(128 * 1024).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let request_line = String::from_utf8_lossy(&line).into_owned();
        let (mut length, mut close) = (0usize, false);
        for _ in 0..200 {
            let mut h = Vec::new();
            match reader.by_ref().take(128 * 1024).read_until(b'\n', &mut h) {
                Ok(0) | Err(_) => return,
                Ok(_) if h == b"\r\n" => break,
                Ok(_) => {
                    let h = String::from_utf8_lossy(&h);
                    if let Some((n, v)) = h.split_once(':') {
                        if n.eq_ignore_ascii_case("content-length") {
                            length = v.trim().parse().unwrap_or(0);
                        } else if n.eq_ignore_ascii_case("connection") && v.trim().eq_ignore_ascii_case("close") {
                            close = true;
                        }
                    }
                }
            }
        }
        if length > 0 && std::io::copy(&mut reader.by_ref().take(length as u64), &mut std::io::sink()).is_err() {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let body = format!("backend={name}\nmethod={method}\npath={path}\n");
        let resp = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n{}\r\n{body}",
            body.len(),
            if close { "connection: close\r\n" } else { "" }
        );
        let w = reader.get_mut();
        if w.write_all(resp.as_bytes()).is_err() || w.flush().is_err() || close {
            return;
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&([127, 0, 0, 1], self.port).into(), Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certs(pem: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("certificate PEM: {e}"))
}

fn key(pem: &str) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| format!("key PEM: {e}"))
}

/// A Connect endpoint's TLS: presents `id`'s leaf, requires a client certificate signed by its
/// CA (rustls' WebPKI client verifier: chain and client-auth usage).
pub(crate) fn mesh_server_config(id: &MeshIdentity) -> Result<rustls::ServerConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    for c in certs(&id.ca_pem)? {
        roots.add(c).map_err(|e| e.to_string())?;
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .build()
        .map_err(|e| e.to_string())?;
    rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs(&id.cert_pem)?, key(&id.key_pem)?)
        .map_err(|e| e.to_string())
}

/// A Connect client's check of the server: a chain to the mesh CA and exactly one URI SAN, the
/// target's SPIFFE ID (the server name is the target's SNI, never checked against DNS names).
#[derive(Debug)]
struct SpiffeServerVerifier {
    roots: rustls::RootCertStore,
    expected: String,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for SpiffeServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_cert_signed_by_trust_anchor(
            &cert,
            &self.roots,
            intermediates,
            now,
            self.provider.signature_verification_algorithms.all,
        )?;
        let ids = crate::pki::uri_sans(end_entity.as_ref());
        if ids == [self.expected.as_str()] {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(format!("the server is {ids:?}, not {}", self.expected)))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// A client identity: certificate chain and key (PEM).
pub struct ClientIdentity<'a> {
    pub cert_pem: &'a str,
    pub key_pem: &'a str,
}

/// A TLS client configuration — the CA it trusts and, optionally, a client certificate — made
/// once and used for many connections.
#[derive(Clone)]
pub struct TlsClient {
    config: Arc<rustls::ClientConfig>,
}

/// A client TLS connection over TCP.
pub type TlsStream = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

impl TlsClient {
    pub fn new(ca_pem: &str, client: Option<ClientIdentity<'_>>) -> Result<TlsClient, String> {
        Self::with_versions(ca_pem, client, rustls::DEFAULT_VERSIONS)
    }

    /// [`TlsClient::new`] offering only `versions` (`&[&rustls::version::TLS12]`: a client that
    /// cannot speak TLS 1.3).
    pub fn with_versions(
        ca_pem: &str,
        client: Option<ClientIdentity<'_>>,
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> Result<TlsClient, String> {
        let mut roots = rustls::RootCertStore::empty();
        for c in certs(ca_pem)? {
            roots.add(c).map_err(|e| e.to_string())?;
        }
        let builder = rustls::ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(versions)
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots);
        let config = match client {
            Some(id) => {
                builder.with_client_auth_cert(certs(id.cert_pem)?, key(id.key_pem)?).map_err(|e| e.to_string())?
            }
            None => builder.with_no_client_auth(),
        };
        Ok(TlsClient { config: Arc::new(config) })
    }

    /// A Connect client: presents `client`, and accepts only a server whose certificate chains to
    /// `ca_pem` and carries exactly the URI SAN `server` (the target's SPIFFE ID) — the server
    /// name sent is the target's SNI, which no DNS name has to match.
    pub fn mesh(ca_pem: &str, client: ClientIdentity<'_>, server: &str) -> Result<TlsClient, String> {
        let mut roots = rustls::RootCertStore::empty();
        for c in certs(ca_pem)? {
            roots.add(c).map_err(|e| e.to_string())?;
        }
        let verifier = SpiffeServerVerifier { roots, expected: server.to_string(), provider: provider() };
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_client_auth_cert(certs(client.cert_pem)?, key(client.key_pem)?)
            .map_err(|e| e.to_string())?;
        Ok(TlsClient { config: Arc::new(config) })
    }

    /// Sends `hello\n` over TLS to 127.0.0.1:`port` (server name `sni`) and returns the first
    /// line the far end answers (see [`tls_hello`]).
    pub fn hello(&self, port: u16, sni: &str) -> Result<String, String> {
        first_line(self.connect(port, sni)?, Some(b"hello\n"))
    }

    /// The first line the far end says on its own (see [`tls_greeting`]).
    pub fn greeting(&self, port: u16, sni: &str) -> Result<String, String> {
        first_line(self.connect(port, sni)?, None)
    }

    /// One HTTP/1.1 request, `Connection: close` (see [`https_request`]).
    pub fn request(&self, port: u16, sni: &str, method: &str, path: &str) -> Result<Response, String> {
        https_exchange(self.connect(port, sni)?, sni, method, path, &[])
    }

    /// [`TlsClient::request`] with extra request headers (`name`, `value`), in order.
    pub fn request_with(
        &self,
        port: u16,
        sni: &str,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<Response, String> {
        https_exchange(self.connect(port, sni)?, sni, method, path, headers)
    }

    /// Completes a handshake with 127.0.0.1:`port` (server name `sni`): the certificate the server
    /// presented (DER) and the TLS version agreed. `Err` when the handshake fails — the server's
    /// certificate does not verify for `sni`, no version in common.
    pub fn handshake(&self, port: u16, sni: &str) -> Result<(Vec<u8>, rustls::ProtocolVersion), String> {
        let mut tls = self.connect(port, sni)?;
        for _ in 0..64 {
            if !tls.conn.is_handshaking() {
                break;
            }
            tls.conn.complete_io(&mut tls.sock).map_err(|e| format!("handshake: {e}"))?;
        }
        let cert = tls.conn.peer_certificates().and_then(|c| c.first()).map(|c| c.to_vec());
        match (cert, tls.conn.protocol_version()) {
            (Some(cert), Some(version)) if !tls.conn.is_handshaking() => Ok((cert, version)),
            _ => Err("the handshake did not complete".into()),
        }
    }

    /// Opens TLS to 127.0.0.1:`port` with server name `sni` (the handshake completes on the first
    /// read or write).
    pub fn connect(&self, port: u16, sni: &str) -> Result<TlsStream, String> {
        let name = ServerName::try_from(sni.to_string()).map_err(|e| format!("server name {sni}: {e}"))?;
        let conn = rustls::ClientConnection::new(self.config.clone(), name).map_err(|e| e.to_string())?;
        Ok(rustls::StreamOwned::new(conn, connect(port)?))
    }
}

/// One HTTP/1.1 request over TLS (server name `sni`, trusting `ca_pem`, optionally with a client
/// certificate), `Connection: close`; reads the whole response.
pub fn https_request(
    port: u16,
    sni: &str,
    ca_pem: &str,
    client: Option<ClientIdentity<'_>>,
    method: &str,
    path: &str,
) -> Result<Response, String> {
    TlsClient::new(ca_pem, client)?.request(port, sni, method, path)
}

fn https_exchange(
    mut tls: TlsStream,
    sni: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Result<Response, String> {
    let extra: String = headers.iter().map(|(n, v)| format!("{n}: {v}\r\n")).collect();
    let req = format!("{method} {path} HTTP/1.1\r\nHost: {sni}\r\n{extra}Connection: close\r\n\r\n");
    tls.write_all(req.as_bytes()).map_err(|e| format!("write: {e}"))?;
    tls.flush().map_err(|e| format!("flush: {e}"))?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    // Bounded: at most 1 MiB, and every read has the socket's timeout.
    while raw.len() < 1 << 20 {
        match tls.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(buf.get(..n).unwrap_or_default()),
        }
    }
    parse_response(&raw).ok_or_else(|| format!("no HTTP response to {method} {path} (got {} bytes)", raw.len()))
}

/// Sends `send` (if any) and returns the first line the far end says.
fn first_line(mut tls: TlsStream, send: Option<&[u8]>) -> Result<String, String> {
    if let Some(bytes) = send {
        tls.write_all(bytes).map_err(|e| format!("write: {e}"))?;
        tls.flush().map_err(|e| format!("flush: {e}"))?;
    }
    let mut line = String::new();
    BufReader::new(&mut tls).take(64 * 1024).read_line(&mut line).map_err(|e| format!("read: {e}"))?;
    if line.is_empty() {
        return Err(if send.is_some() { "closed without an answer" } else { "closed without a greeting" }.into());
    }
    Ok(line.trim().to_string())
}

/// Plain TCP to 127.0.0.1:`port`: sends `hello\n` and returns the first line the far end
/// answers. `Err` when the connection is refused or closed without an answer.
pub fn tcp_hello(port: u16) -> Result<String, String> {
    let mut s = connect(port)?;
    s.write_all(b"hello\n").map_err(|e| format!("write: {e}"))?;
    let mut line = String::new();
    BufReader::new(&mut s).read_line(&mut line).map_err(|e| format!("read: {e}"))?;
    if line.is_empty() {
        return Err("closed without an answer".into());
    }
    Ok(line.trim().to_string())
}

/// Plain TCP to 127.0.0.1:`port`, sending nothing: the first line the far end says on its own (a
/// server-first protocol's greeting). `Err` when it closes or stays silent (timeout).
pub fn tcp_greeting(port: u16) -> Result<String, String> {
    let mut s = connect(port)?;
    let mut line = String::new();
    BufReader::new(&mut s).take(64 * 1024).read_line(&mut line).map_err(|e| format!("read: {e}"))?;
    if line.is_empty() {
        return Err("closed without a greeting".into());
    }
    Ok(line.trim().to_string())
}

/// Opens TLS like [`tls_hello`] but sends nothing: returns the first line the far end says on its
/// own (a server-first protocol's greeting). `Err` when it closes or stays silent (timeout).
pub fn tls_greeting(port: u16, sni: &str, ca_pem: &str, client: Option<ClientIdentity<'_>>) -> Result<String, String> {
    TlsClient::new(ca_pem, client)?.greeting(port, sni)
}

/// Opens TLS to 127.0.0.1:`port` with server name `sni` (trusting `ca_pem`), optionally with a
/// client certificate, sends `hello\n` and returns the first line the far end answers. `Err` when
/// the connection is refused, closed or the handshake fails.
pub fn tls_hello(port: u16, sni: &str, ca_pem: &str, client: Option<ClientIdentity<'_>>) -> Result<String, String> {
    TlsClient::new(ca_pem, client)?.hello(port, sni)
}

/// Whether anything accepts TCP connections on 127.0.0.1:`port`.
pub fn listening(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)).is_ok()
}

// ------------------------------------------------------------------------ keep-alive HTTP/1.1

/// Anything a client can talk HTTP over: TCP, or TLS over TCP.
pub trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// Plain TCP to 127.0.0.1:`port`, with the harness's timeouts.
pub fn tcp(port: u16) -> Result<TcpStream, String> {
    let s = connect(port)?;
    let _ = s.set_nodelay(true);
    Ok(s)
}

/// An HTTP/1.1 client on one persistent connection: requests go out one at a time, each
/// response is read exactly (by `content-length`, or chunked), and the connection stays open.
pub struct KeepAlive {
    reader: BufReader<Box<dyn Stream>>,
}

/// The longest response head or body [`KeepAlive`] reads.
const MAX_RESPONSE: usize = 1 << 20;

impl KeepAlive {
    pub fn new(stream: impl Stream + 'static) -> KeepAlive {
        KeepAlive { reader: BufReader::new(Box::new(stream)) }
    }

    /// Sends `request` (a whole request, as bytes) and reads one response.
    pub fn send(&mut self, request: &[u8]) -> Result<Response, String> {
        let w = self.reader.get_mut();
        w.write_all(request).map_err(|e| format!("write: {e}"))?;
        w.flush().map_err(|e| format!("flush: {e}"))?;
        read_response(&mut self.reader)
    }

    /// `GET path` with `Host: host` and `headers`, keeping the connection open.
    pub fn get(&mut self, host: &str, path: &str, headers: &[(&str, &str)]) -> Result<Response, String> {
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n");
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        req.push_str("\r\n");
        self.send(req.as_bytes())
    }
}

fn read_line_bytes(r: &mut impl BufRead) -> Result<String, String> {
    let mut raw = Vec::new();
    let n = r.take(MAX_RESPONSE as u64).read_until(b'\n', &mut raw).map_err(|e| format!("read: {e}"))?;
    if n == 0 {
        return Err("the connection closed".into());
    }
    Ok(String::from_utf8_lossy(&raw).trim_end_matches(['\r', '\n']).to_string())
}

/// Reads one HTTP/1.1 response from `r`.
pub fn read_response(r: &mut impl BufRead) -> Result<Response, String> {
    let status_line = read_line_bytes(r)?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not a status line: {status_line:?}"))?;
    let mut headers = Vec::new();
    for _ in 0..200 {
        let line = read_line_bytes(r)?;
        if line.is_empty() {
            break;
        }
        if let Some((n, v)) = line.split_once(':') {
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if let Some(len) = header("content-length") {
        let len: usize = len.parse().map_err(|_| format!("content-length {len:?}"))?;
        if len > MAX_RESPONSE {
            return Err(format!("a body of {len} bytes"));
        }
        body.resize(len, 0);
        r.read_exact(&mut body).map_err(|e| format!("read body: {e}"))?;
    } else if header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        for _ in 0..10_000 {
            let size = read_line_bytes(r)?;
            let n = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| format!("chunk size {size:?}"))?;
            if n == 0 {
                let _ = read_line_bytes(r)?;
                break;
            }
            if body.len() + n > MAX_RESPONSE {
                return Err("a chunked body over 1 MiB".into());
            }
            let at = body.len();
            body.resize(at + n, 0);
            r.read_exact(&mut body[at..]).map_err(|e| format!("read chunk: {e}"))?;
            let _ = read_line_bytes(r)?;
        }
    } else if !(status == 204 || status == 304 || (100..200).contains(&status)) {
        return Err(format!("status {status} without content-length on a keep-alive connection"));
    }
    Ok(Response { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

/// Sends `request` (any bytes) on a fresh connection and reads one response (by its length, so
/// a server that delays its close costs nothing): `Ok(None)` when the far end closed without
/// one.
pub fn exchange(mut stream: impl Stream, request: &[u8]) -> Result<Option<Response>, String> {
    stream.write_all(request).map_err(|e| format!("write: {e}"))?;
    let _ = stream.flush();
    let mut reader = BufReader::new(stream);
    if reader.fill_buf().map(|b| b.is_empty()).unwrap_or(true) {
        return Ok(None);
    }
    read_response(&mut reader).map(Some)
}
