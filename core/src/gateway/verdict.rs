//! The filter's whole answer, as a value: what to do with a request or connection, what to count,
//! and the log line to write. Every policy choice (which status, which reason code, what audit
//! mode lets through, which fields a deny line carries and how long they may be) is made here; the
//! glue maps the value to host calls and nothing else.
//!
//! Log lines are bounded: every field is cut to [`MAX_LOG_FIELD`] bytes (paths, names, headers and
//! SNIs come from clients), so one line is a few KB whatever a client sends. How many lines a
//! worker writes per second is the glue's [`LogLimiter`]'s business; counters stay exact.

use super::memo::ConnMemo;
use super::request::{Pseudo, RequestHead};
use super::{Authz, Caller, GatewayIndex, Request, RouteDecision, RouteKey, RouteOutcome, ServiceName, SniTarget};
use crate::identity::or_default;
use crate::intentions::http::HttpRequest;
use crate::plan::gateways::{GatewayKind, HeaderModifiers, RouteTable};
use crate::settings::Mode;
use std::borrow::Cow;
use std::fmt::Write as _;

/// The longest a logged value may be, in bytes (longer ones are cut at a character boundary and
/// end with `…+N`, the number of bytes left out).
pub const MAX_LOG_FIELD: usize = 256;

/// Deny and unrouted lines a worker writes per second by default; the rest are counted and
/// reported as one `suppressed` line.
pub const LOG_LINES_PER_SECOND: u32 = 20;

/// What the filter counts for a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tally {
    Allowed,
    Denied,
    /// Denied, but audit mode let it through.
    Audited,
    Unrouted,
    /// A host call failed (the request or connection was refused).
    Error,
}

/// Log levels the filter writes at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

/// One log line, already bounded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub level: LogLevel,
    pub text: String,
}

/// A local reply: the request never reaches a cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u32,
    /// For the [`super::REASON_HEADER`] header.
    pub reason: &'static str,
    pub body: String,
}

/// A request the filter lets through, and what it changes first.
#[derive(Clone, Debug, Default)]
pub struct Forward<'i> {
    /// Route to this cluster: set [`super::ROUTING_HEADER`] (a client's copy is overwritten) and
    /// clear the route cache. `None` where Envoy's route already names the only cluster the
    /// request can go to (terminating gateways' per-SNI chains, direct-routed ingress listeners).
    pub cluster: Option<&'i str>,
    /// The `:path` to send instead of the received one.
    pub path: Option<String>,
    /// Request header changes, in order (each: remove, set, add).
    pub request_headers: [Option<&'i HeaderModifiers>; 3],
    /// Request headers to remove before forwarding: a client's routing header (static routes:
    /// it must never reach the service), the client-certificate header Envoy set for the filter
    /// — none where Envoy's route strips them (a linked service's `direct_cluster`).
    pub remove_headers: Vec<&'static str>,
    /// Where the request was routed, for [`GatewayIndex::response_headers`].
    pub route: Option<RouteKey>,
}

/// What to do with an HTTP request.
#[derive(Clone, Debug)]
pub enum HttpAction<'i> {
    Forward(Forward<'i>),
    Reply(Reply),
}

/// The filter's answer to an HTTP request.
#[derive(Clone, Debug)]
pub struct HttpVerdict<'i> {
    pub tally: Tally,
    pub action: HttpAction<'i>,
    pub log: Option<LogLine>,
}

/// What to do with a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnAction<'i> {
    /// Set `envoy.tcp_proxy.cluster`; when `authorize` is set, decide on the peer once the first
    /// bytes arrive (after the TLS handshake), with [`GatewayIndex::decide_peer`].
    Route { cluster: &'i str, authorize: bool },
    /// Envoy's filter chain already sends the connection to the decided cluster (its tcp_proxy
    /// names it: the linked service's `direct_cluster`): set nothing, and decide on the peer once
    /// the first bytes arrive, as for `Route { authorize: true, .. }`.
    Authorize,
    /// Let the bytes flow.
    Continue,
    /// Close the connection and stop reading.
    Close,
}

/// The filter's answer for a connection.
#[derive(Clone, Debug)]
pub struct ConnVerdict<'i> {
    /// `None` while the decision is pending (routed, to be authorized).
    pub tally: Option<Tally>,
    pub action: ConnAction<'i>,
    pub log: Option<LogLine>,
}

/// What the connection told the filter, as bytes: the listener port (only when
/// [`GatewayIndex::needs_port`]), the TLS server name and the peer certificate's URI SAN (only
/// at terminating gateways).
#[derive(Clone, Copy, Debug, Default)]
pub struct Connection<'a> {
    pub port: Option<u16>,
    pub server_name: &'a [u8],
    pub peer_uri_san: Option<&'a [u8]>,
}

/// Asked before a line is built: may a line at this level be written now? (The glue answers from
/// the host's log level and its [`LogLimiter`].)
pub type MayLog<'a> = &'a mut dyn FnMut(LogLevel) -> bool;

impl HttpVerdict<'_> {
    /// The filter has no plan: refuse, loudly.
    pub fn unconfigured() -> HttpVerdict<'static> {
        HttpVerdict {
            tally: Tally::Error,
            action: HttpAction::Reply(reply(500, "filter-unconfigured", "the gateway has no plan")),
            log: Some(LogLine { level: LogLevel::Error, text: "meshgate deny: the filter has no gateway plan".into() }),
        }
    }

    /// A health check while the VM holds no plan.
    pub fn not_ready() -> HttpVerdict<'static> {
        HttpVerdict {
            tally: Tally::Error,
            action: HttpAction::Reply(reply(503, "not-ready", "the gateway has no plan")),
            log: None,
        }
    }

    /// A host call the decision needed failed: refuse (fail closed).
    pub fn host_failure(what: &str, error: &dyn std::fmt::Display) -> HttpVerdict<'static> {
        HttpVerdict {
            tally: Tally::Error,
            action: HttpAction::Reply(reply(500, "filter-error", "the gateway cannot read the request")),
            log: Some(host_error_line(what, error)),
        }
    }
}

impl ConnVerdict<'_> {
    pub fn unconfigured() -> ConnVerdict<'static> {
        ConnVerdict {
            tally: Some(Tally::Error),
            action: ConnAction::Close,
            log: Some(LogLine {
                level: LogLevel::Error,
                text: "meshgate deny: the filter has no gateway plan; closing the connection".into(),
            }),
        }
    }

    pub fn host_failure(what: &str, error: &dyn std::fmt::Display) -> ConnVerdict<'static> {
        ConnVerdict { tally: Some(Tally::Error), action: ConnAction::Close, log: Some(host_error_line(what, error)) }
    }

    /// [`misdirected`]'s answer for a connection: closed.
    fn misdirected() -> ConnVerdict<'static> {
        let text = "meshgate error: the plan routes this linked service to another cluster; closing".into();
        ConnVerdict {
            tally: Some(Tally::Error),
            action: ConnAction::Close,
            log: Some(LogLine { level: LogLevel::Error, text }),
        }
    }
}

/// `meshgate error: cannot …: …`, bounded.
pub fn host_error_line(what: &str, error: &dyn std::fmt::Display) -> LogLine {
    let mut text = String::from("meshgate error: ");
    push_bounded(&mut text, what);
    text.push_str(": ");
    push_bounded(&mut text, &error.to_string());
    LogLine { level: LogLevel::Error, text }
}

/// A plan whose `direct_cluster` is not the cluster the decision picked (`what`: the listener or
/// the linked service it marks): `meshgate envoy` never writes one, and Envoy's route would send
/// the request where the filter did not decide, so it is refused.
fn misdirected<'i>(what: &str, log: Option<LogLine>) -> HttpVerdict<'i> {
    HttpVerdict {
        tally: Tally::Error,
        action: HttpAction::Reply(reply(
            500,
            "filter-error",
            &format!("meshgate: the plan routes this {what} to another cluster"),
        )),
        log,
    }
}

fn reply(status: u32, reason: &'static str, message: &str) -> Reply {
    Reply { status, reason, body: format!("meshgate: {message}\n") }
}

/// Text from the host's bytes, or `None` when it is not UTF-8.
fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

// ------------------------------------------------------------------------------------- HTTP

impl GatewayIndex {
    /// The answer to an HTTP request at this gateway: ingress and API gateways route it and check
    /// the L7 intentions with the gateway as the source; terminating gateways check the peer's
    /// intentions for the linked service the connection's SNI chose. `rand` picks among weighted
    /// targets.
    pub fn decide_http<'i>(
        &'i self,
        head: &RequestHead<'_>,
        conn: &Connection<'_>,
        rand: u64,
        may_log: MayLog<'_>,
    ) -> HttpVerdict<'i> {
        self.decide_http_remembering(head, conn, rand, may_log, &mut ConnMemo::off())
    }

    /// [`Self::decide_http`], reusing what `memo` remembers of this worker's earlier requests
    /// (the same decision, less work: see [`ConnMemo`]).
    pub fn decide_http_remembering<'i>(
        &'i self,
        head: &RequestHead<'_>,
        conn: &Connection<'_>,
        rand: u64,
        may_log: MayLog<'_>,
        memo: &mut ConnMemo,
    ) -> HttpVerdict<'i> {
        // Where the plan says Envoy wrote the chain's server name into the headers, it is read
        // there (the glue read no property); the peer's identity likewise, in
        // `terminated_request`. Not on a sidecar's upstream listeners: they are not terminated.
        let from_headers;
        let conn = if self.connection_headers()
            && !(self.kind() == GatewayKind::ConnectProxy && self.routes_http_port(conn.port))
        {
            from_headers = Connection { server_name: server_name_header(head), ..*conn };
            &from_headers
        } else {
            conn
        };
        if let Some(verdict) = self.refuse_unreadable(head, conn, may_log) {
            return verdict;
        }
        match self.kind() {
            GatewayKind::IngressGateway | GatewayKind::ApiGateway => self.gateway_request(head, conn, rand, may_log),
            GatewayKind::TerminatingGateway => self.terminated_request(head, conn, may_log, memo),
            // A sidecar: its upstream listeners route outbound; its public listener is inbound.
            GatewayKind::ConnectProxy if self.routes_http_port(conn.port) => {
                self.gateway_request(head, conn, rand, may_log)
            }
            GatewayKind::ConnectProxy => self.terminated_request(head, conn, may_log, memo),
            GatewayKind::MeshGateway => HttpVerdict {
                tally: Tally::Unrouted,
                action: HttpAction::Reply(reply(404, "not-an-http-gateway", "a mesh gateway does not route HTTP")),
                log: None,
            },
        }
    }

    /// Bytes no rule can read where a rule must read them: a `:path`, `:authority` or `:method`
    /// that is not text, or a header a route or intention of this plan inspects. Other headers
    /// that are not text (Latin-1 cookies) pass untouched.
    fn refuse_unreadable(
        &self,
        head: &RequestHead<'_>,
        conn: &Connection<'_>,
        may_log: MayLog<'_>,
    ) -> Option<HttpVerdict<'_>> {
        let why: Cow<'_, str> = match head.unreadable_pseudo {
            Some(Pseudo::Path) => {
                return Some(self.bad_request(
                    head,
                    conn,
                    "bad-path",
                    super::PathRejectionKind::NotText.describe(),
                    may_log,
                ))
            }
            Some(p) => Cow::Owned(format!("the request's {} is not UTF-8 text", p.as_str())),
            None => {
                let name = head.unreadable.iter().find(|n| self.inspects_header(n))?;
                let name = String::from_utf8_lossy(name);
                Cow::Owned(format!("header `{name}` is not UTF-8 text, and a rule of this gateway reads it"))
            }
        };
        Some(self.bad_request(head, conn, "bad-header", &why, may_log))
    }

    /// A request refused before any rule could decide (400): its bytes cannot be read as a rule
    /// needs them, or its path cannot be normalized safely. Audit mode does not pass these: no
    /// decision was made.
    fn bad_request(
        &self,
        head: &RequestHead<'_>,
        conn: &Connection<'_>,
        reason: &'static str,
        why: &str,
        may_log: MayLog<'_>,
    ) -> HttpVerdict<'static> {
        let log = may_log(LogLevel::Warn).then(|| {
            let mut line = self.line("meshgate deny", Some(self.mode()));
            if !conn.server_name.is_empty() {
                line.field("sni", &String::from_utf8_lossy(conn.server_name));
            }
            line.field("authority", head.authority);
            line.field("method", head.method);
            line.field("path", head.path);
            line.field("reason", reason);
            line.field("why", &format!("denied: {why}"));
            line.finish(LogLevel::Warn)
        });
        HttpVerdict { tally: Tally::Denied, action: HttpAction::Reply(reply(400, reason, why)), log }
    }

    fn gateway_request<'i>(
        &'i self,
        head: &RequestHead<'_>,
        conn: &Connection<'_>,
        rand: u64,
        may_log: MayLog<'_>,
    ) -> HttpVerdict<'i> {
        let (authority, method, headers) = (head.authority, head.method, head.headers.as_slice());
        let route = self.route_request(conn.port, authority, head.path, method, headers, rand);
        if let Some(status) = route.status() {
            if let RouteOutcome::BadPath(r) = route.outcome {
                return self.bad_request(head, conn, "bad-path", r.describe(), may_log);
            }
            let log = may_log(LogLevel::Info).then(|| {
                let mut line = self.line("meshgate unrouted", None);
                line.field("authority", authority);
                line.field("path", head.path);
                line.field("reason", route.reason_code());
                line.field("why", &route.explain());
                line.finish(LogLevel::Info)
            });
            return HttpVerdict {
                tally: Tally::Unrouted,
                action: HttpAction::Reply(reply(status, route.reason_code(), &route.explain())),
                log,
            };
        }
        // Intentions decide on what the service receives: the route's header changes applied.
        let received = super::effective_headers(headers, route.request_headers());
        let authz = self.authorize_request(&route, method, &received, head.jwt);
        let mut tally = Tally::Allowed;
        let mut log = None;
        if !authz.allowed {
            let blocks = authz.blocks();
            tally = if blocks { Tally::Denied } else { Tally::Audited };
            log = may_log(LogLevel::Warn).then(|| self.deny_line(&authz, &self.seen_routed(head, &route)));
            if blocks {
                return HttpVerdict {
                    tally,
                    action: HttpAction::Reply(reply(authz.status(), authz.reason_code(), "denied by intentions")),
                    log,
                };
            }
        }
        let Some(cluster) = route.cluster() else {
            return HttpVerdict {
                tally: Tally::Unrouted,
                action: HttpAction::Reply(reply(404, "no-route", "no route")),
                log,
            };
        };
        // Where the plan says the listener's Envoy route names the cluster, Envoy already routes
        // there: no routing header, no second route match. A plan whose direct cluster is not
        // the one decided cannot come from `meshgate envoy`; refuse rather than misroute.
        let cluster = match self.direct_cluster(conn.port) {
            Some(direct) if direct == cluster => None,
            Some(_) => return misdirected("listener", log),
            None => Some(cluster),
        };
        let forward = Forward {
            cluster,
            path: route.forward_path(),
            request_headers: route.request_headers(),
            remove_headers: Vec::new(),
            route: route.key(),
        };
        HttpVerdict { tally, action: HttpAction::Forward(forward), log }
    }

    /// The ingress http listener's `direct_cluster` (see
    /// [`crate::plan::gateways::ingress::IngressListener::direct_cluster`]), found as
    /// [`GatewayIndex::route_request`] finds the listener: by port, or the only one.
    fn direct_cluster(&self, port: Option<u16>) -> Option<&str> {
        let RouteTable::IngressGateway(t) = &self.plan.routes else { return None };
        let mut http = t.listeners.iter().filter(|l| l.protocol.is_http_like());
        let listener = match port {
            Some(p) => http.find(|l| l.port == p)?,
            None => {
                let only = http.next()?;
                if http.next().is_some() {
                    return None;
                }
                only
            }
        };
        listener.direct_cluster.as_deref()
    }

    fn seen_routed<'s>(&'s self, head: &'s RequestHead<'_>, route: &'s RouteDecision<'_, '_>) -> Seen<'s> {
        Seen {
            source: Cow::Borrowed(self.key()),
            destination: match route.outcome {
                RouteOutcome::Routed { target, .. } => target.service_ref().label(),
                _ => String::new(),
            },
            sni: "",
            authority: head.authority,
            method: head.method,
            path: route.received_path(),
        }
    }

    fn terminated_request<'i>(
        &'i self,
        head: &RequestHead<'_>,
        conn: &Connection<'_>,
        may_log: MayLog<'_>,
        memo: &mut ConnMemo,
    ) -> HttpVerdict<'i> {
        let (normalized, path) = match self.normalize_path(head.path) {
            Ok(p) => p,
            Err(r) => return self.bad_request(head, conn, "bad-path", r.describe(), may_log),
        };
        let sni = memo.route_sni(self, conn.server_name);
        let certs = head.connection.client_cert.map(|value| memo.client_cert(self, value));
        let peer = if self.connection_headers() {
            peer_from_client_cert(head, certs)
        } else {
            conn.peer_uri_san.map(|p| text(p).unwrap_or(UNREADABLE_PEER))
        };
        let authz = match certs.map(|c| c.count) {
            // A mesh certificate carries exactly one SPIFFE ID; Envoy shows filters only the
            // first URI SAN, so a second one could otherwise name anyone.
            Some(n) if n != 1 => super::Authz::refuse(self.mode(), super::AuthzReason::PeerIdentityCount(n)),
            _ => {
                let http = HttpRequest { method: head.method, path: head.path, headers: &head.headers, jwt: head.jwt };
                self.authorize_remembering(peer, &sni, Some(http), Some(normalized), memo)
            }
        };
        let mut tally = Tally::Allowed;
        let mut log = None;
        if !authz.allowed {
            let blocks = authz.blocks();
            tally = if blocks { Tally::Denied } else { Tally::Audited };
            log = may_log(LogLevel::Warn).then(|| {
                let seen = Seen {
                    source: Cow::Borrowed(peer.unwrap_or("-")),
                    destination: sni.linked().map(|l| l.service.label()).unwrap_or_default(),
                    sni: text(conn.server_name).unwrap_or("-"),
                    authority: head.authority,
                    method: head.method,
                    path: path.as_deref().unwrap_or(head.path),
                };
                self.deny_line(&authz, &seen)
            });
            if blocks {
                return HttpVerdict {
                    tally,
                    action: HttpAction::Reply(reply(authz.status(), authz.reason_code(), "denied by intentions")),
                    log,
                };
            }
        }
        // Where the plan says the chain's Envoy route strips these headers, the filter leaves
        // the request headers alone: in Envoy's Wasm host any change to them (a removal too)
        // makes Envoy match the route again. A plan whose direct cluster is not the chain's
        // cannot come from `meshgate envoy`; refuse rather than trust its route.
        let direct = sni.linked().and_then(|l| l.direct_cluster.as_deref().map(|d| d == l.cluster));
        let remove_headers = match direct {
            Some(true) => Vec::new(),
            Some(false) => return misdirected("service", log),
            None => [super::ROUTING_HEADER, super::ROUTE_HEADER, CLIENT_CERT_HEADER]
                .into_iter()
                .filter(|h| head.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(h)))
                .collect(),
        };
        let forward = Forward { path, remove_headers, ..Forward::default() };
        HttpVerdict { tally, action: HttpAction::Forward(forward), log }
    }

    // ------------------------------------------------------------------------------ network

    /// The answer to a new connection: mesh and terminating gateways route it by its server
    /// name (or close it); ingress and API gateways' tcp listeners (`port`) pick a weighted
    /// target and check the L4 intentions with the gateway as the source, as Consul does for the
    /// connections they make.
    pub fn decide_connection<'i>(
        &'i self,
        server_name: &[u8],
        port: Option<u16>,
        rand: u64,
        may_log: MayLog<'_>,
    ) -> ConnVerdict<'i> {
        self.decide_connection_remembering(server_name, port, rand, may_log, &mut ConnMemo::off())
    }

    /// [`Self::decide_connection`], reusing what `memo` remembers of this worker's earlier
    /// connections (the server name's row: see [`ConnMemo`]).
    pub fn decide_connection_remembering<'i>(
        &'i self,
        server_name: &[u8],
        port: Option<u16>,
        rand: u64,
        may_log: MayLog<'_>,
        memo: &mut ConnMemo,
    ) -> ConnVerdict<'i> {
        if matches!(self.kind(), GatewayKind::IngressGateway | GatewayKind::ApiGateway) {
            return self.tcp_listener_connection(port, rand, may_log);
        }
        if self.kind() == GatewayKind::ConnectProxy && port.is_some_and(|p| self.tcp_listener(p).is_some()) {
            return self.tcp_listener_connection(port, rand, may_log);
        }
        let decision = memo.route_sni(self, server_name);
        let Some(cluster) = decision.cluster() else {
            let log = may_log(LogLevel::Info).then(|| {
                let mut line = self.line("meshgate unrouted", None);
                line.field("sni", &String::from_utf8_lossy(server_name));
                line.field("reason", decision.reason.as_str());
                line.field("why", &decision.explain());
                line.finish(LogLevel::Info)
            });
            return ConnVerdict { tally: Some(Tally::Unrouted), action: ConnAction::Close, log };
        };
        match decision.target {
            // Passthrough: nothing more to decide.
            Some(SniTarget::Mesh(_)) => ConnVerdict {
                tally: Some(Tally::Allowed),
                action: ConnAction::Route { cluster, authorize: false },
                log: None,
            },
            // The chain's tcp_proxy names the cluster (the plan says so where `meshgate envoy`
            // wrote it that way); a plan whose direct cluster is another cannot come from it.
            Some(SniTarget::Linked(l)) if l.direct_cluster.as_deref() == Some(cluster) => {
                ConnVerdict { tally: None, action: ConnAction::Authorize, log: None }
            }
            Some(SniTarget::Linked(l)) if l.direct_cluster.is_some() => ConnVerdict::misdirected(),
            _ => ConnVerdict { tally: None, action: ConnAction::Route { cluster, authorize: true }, log: None },
        }
    }

    fn tcp_listener_connection<'i>(&'i self, port: Option<u16>, rand: u64, may_log: MayLog<'_>) -> ConnVerdict<'i> {
        let unrouted = |why: &str, may_log: MayLog<'_>| {
            let log = may_log(LogLevel::Info).then(|| {
                let mut line = self.line("meshgate unrouted", None);
                line.field("port", &port.map_or("-".to_string(), |p| p.to_string()));
                line.field("reason", "no-listener");
                line.field("why", why);
                line.finish(LogLevel::Info)
            });
            ConnVerdict { tally: Some(Tally::Unrouted), action: ConnAction::Close, log }
        };
        let Some(listener) = port.and_then(|p| self.tcp_listener(p)) else {
            return unrouted("no route: no tcp listener of this gateway on this port", may_log);
        };
        let Some(target) = listener.pick(rand) else {
            return unrouted("no target: the tcp listener's route has no service to send to", may_log);
        };
        if self.kind() == GatewayKind::ConnectProxy {
            // Outbound through a sidecar: the destination's sidecar decides.
            return ConnVerdict {
                tally: Some(Tally::Allowed),
                action: ConnAction::Route { cluster: &target.cluster, authorize: false },
                log: None,
            };
        }
        let source = Caller {
            name: &self.source.name,
            namespace: &self.source.namespace,
            partition: &self.source.partition,
            peer: "",
        };
        let destination = ServiceName {
            name: &target.service,
            namespace: or_default(&target.namespace),
            partition: or_default(&target.partition),
        };
        let request = Request { source, destination, http: None };
        let decision = self.table.decide(&request);
        let authz = Authz {
            allowed: decision.allowed,
            mode: self.mode(),
            reason: super::AuthzReason::Decided,
            decision: Some(decision),
            source,
        };
        if authz.allowed {
            return ConnVerdict {
                tally: Some(Tally::Allowed),
                action: ConnAction::Route { cluster: &target.cluster, authorize: false },
                log: None,
            };
        }
        let blocks = authz.blocks();
        let log = may_log(LogLevel::Warn).then(|| {
            let mut line = self.line(if blocks { "meshgate deny" } else { "meshgate audit-deny" }, Some(authz.mode));
            line.field("source", self.key());
            line.field("destination", &target.service_ref().label());
            line.field("port", &listener.port.to_string());
            line.authz(&authz);
            line.finish(LogLevel::Warn)
        });
        ConnVerdict {
            tally: Some(if blocks { Tally::Denied } else { Tally::Audited }),
            action: if blocks {
                ConnAction::Close
            } else {
                ConnAction::Route { cluster: &target.cluster, authorize: false }
            },
            log,
        }
    }

    /// A terminating gateway's L4 check, once the TLS handshake is done: may the peer (its
    /// certificate's URI SAN; `None` when it has none or it could not be read) reach the linked
    /// service the server name chose?
    pub fn decide_peer<'i>(
        &'i self,
        server_name: &[u8],
        peer_uri_san: Option<&[u8]>,
        may_log: MayLog<'_>,
    ) -> ConnVerdict<'i> {
        self.decide_peer_remembering(server_name, peer_uri_san, may_log, &mut ConnMemo::off())
    }

    /// [`Self::decide_peer`], reusing what `memo` remembers of this worker's earlier connections
    /// (the server name's row, the peer's parsed SPIFFE ID: see [`ConnMemo`]).
    pub fn decide_peer_remembering<'i>(
        &'i self,
        server_name: &[u8],
        peer_uri_san: Option<&[u8]>,
        may_log: MayLog<'_>,
        memo: &mut ConnMemo,
    ) -> ConnVerdict<'i> {
        let sni = memo.route_sni(self, server_name);
        let peer = peer_uri_san.map(|p| text(p).unwrap_or(UNREADABLE_PEER));
        let authz = self.authorize_remembering(peer, &sni, None, None, memo);
        if authz.allowed {
            return ConnVerdict { tally: Some(Tally::Allowed), action: ConnAction::Continue, log: None };
        }
        let blocks = authz.blocks();
        let log = may_log(LogLevel::Warn).then(|| {
            let mut line = self.line(if blocks { "meshgate deny" } else { "meshgate audit-deny" }, Some(authz.mode));
            line.field("source", peer.unwrap_or("-"));
            let destination = sni.linked().map(|l| l.service.label()).unwrap_or_default();
            line.field("destination", if destination.is_empty() { "-" } else { &destination });
            line.field("sni", &String::from_utf8_lossy(server_name));
            line.authz(&authz);
            line.finish(LogLevel::Warn)
        });
        ConnVerdict {
            tally: Some(if blocks { Tally::Denied } else { Tally::Audited }),
            action: if blocks { ConnAction::Close } else { ConnAction::Continue },
            log,
        }
    }

    /// A health check while this plan is loaded: 200, naming the plan.
    pub fn health(&self) -> HttpVerdict<'static> {
        HttpVerdict {
            tally: Tally::Allowed,
            action: HttpAction::Reply(Reply {
                status: 200,
                reason: "ready",
                body: format!("ready: {} plan {} (version {})\n", self.key(), self.hash(), self.plan_version()),
            }),
            log: None,
        }
    }

    // ---------------------------------------------------------------------------------- logs

    /// The line a filter writes when it takes this plan: `filter` is `http` or `network`; the
    /// load time and VM memory when the host can tell.
    /// `shared`: this filter took the index another filter of the VM had loaded (`plan=shared`;
    /// else `plan=parsed`), so `load_ms` is not a parse.
    pub fn configured_line(&self, filter: &str, load_ms: Option<f64>, memory_mb: Option<f64>, shared: bool) -> LogLine {
        let mut line = Line(format!("meshgate configured {filter} filter:"));
        line.field("gateway", self.key());
        line.field("kind", self.kind().as_str());
        line.field("mode", self.mode().as_str());
        let _ = write!(
            line.0,
            " plan_version={} plan_hash={} intentions={}",
            self.plan_version(),
            self.hash(),
            self.table().intentions().len()
        );
        let shown = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        let _ = write!(
            line.0,
            " load_ms={} vm_memory_mb={} plan={}",
            shown(load_ms),
            shown(memory_mb),
            if shared { "shared" } else { "parsed" }
        );
        line.finish(LogLevel::Info)
    }

    fn line(&self, event: &str, mode: Option<Mode>) -> Line {
        let mut line = Line(String::with_capacity(256));
        line.0.push_str(event);
        line.field("gateway", self.key());
        line.field("kind", self.kind().as_str());
        if let Some(m) = mode {
            line.field("mode", m.as_str());
        }
        line
    }

    fn deny_line(&self, authz: &Authz<'_, '_>, seen: &Seen<'_>) -> LogLine {
        let blocks = authz.blocks();
        let mut line = self.line(if blocks { "meshgate deny" } else { "meshgate audit-deny" }, Some(authz.mode));
        line.field("source", &seen.source);
        line.field("destination", if seen.destination.is_empty() { "-" } else { &seen.destination });
        if !seen.sni.is_empty() {
            line.field("sni", seen.sni);
        }
        line.field("authority", seen.authority);
        line.field("method", seen.method);
        line.field("path", seen.path);
        line.authz(authz);
        line.finish(LogLevel::Warn)
    }
}

/// The header Envoy sets from the client certificate when the connection manager says
/// `forward_client_cert_details: SANITIZE_SET` (a client's own copy is dropped first).
pub const CLIENT_CERT_HEADER: &str = "x-forwarded-client-cert";

/// The `URI=` elements of the client-certificate header: how many (one per URI SAN of the
/// current certificate) and where the first one's value starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ClientCertUris<'a> {
    pub(super) count: usize,
    /// From the first `URI=` element's value to the end of the header (empty without one).
    pub(super) first: &'a str,
    /// The first `URI=` element's value alone, to the next separator.
    pub(super) first_element: &'a str,
}

/// How many `URI=` elements the client-certificate header lists; `None` when Envoy set no such
/// header (or set one that is not text).
#[cfg(test)]
fn client_cert_uri_count(headers: &[(&str, &str)]) -> Option<usize> {
    client_cert_uris(headers).map(|c| c.count)
}

#[cfg(test)]
fn client_cert_uris<'a>(headers: &[(&'a str, &'a str)]) -> Option<ClientCertUris<'a>> {
    client_cert_header(headers).map(ClientCertUris::read)
}

/// The client-certificate header's value (the first, in any case), when there is one as text.
#[cfg(test)]
fn client_cert_header<'a>(headers: &[(&'a str, &'a str)]) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(CLIENT_CERT_HEADER)).map(|(_, v)| *v)
}

impl<'a> ClientCertUris<'a> {
    /// Reads the client-certificate header as Envoy's documentation gives its grammar: elements
    /// separated by `,`, key-value pairs separated by `;`, a value holding one of `,;="` in
    /// double quotes, a `"` inside those quotes written `\"`. Separators inside quotes separate
    /// nothing.
    pub(super) fn read(value: &'a str) -> ClientCertUris<'a> {
        // Bytes, not chars, and from one byte that matters to the next: every request at a
        // terminating gateway carries this header (about 190 bytes), and a scan that looked at
        // each byte in turn was the largest share of the filter's own work. The separators and
        // quotes are ASCII, so each split lands on a char boundary.
        let bytes = value.as_bytes();
        let mut found = ClientCertUris { count: 0, first: "", first_element: "" };
        let mut element = |start: usize, end: usize| {
            // `trim_start`, as `trim` would: a trailing space cannot make `uri=` match.
            let text = value.get(start..end).unwrap_or("").trim_start();
            if text.as_bytes().get(..4).is_some_and(|k| k.eq_ignore_ascii_case(b"uri=")) {
                if found.count == 0 {
                    let at = end - text.len() + 4;
                    found.first = value.get(at..).unwrap_or("");
                    found.first_element = value.get(at..end).unwrap_or("");
                }
                found.count += 1;
            }
        };
        let (mut quoted, mut start, mut i) = (false, 0, 0);
        loop {
            let rest = bytes.get(i..).unwrap_or_default();
            // Inside quotes only a quote matters; outside, a quote or a separator.
            let next = next_special(rest, quoted);
            let Some(at) = next.map(|n| i + n) else {
                // The last element (a quote never closed hides it, and all after the quote).
                if !quoted {
                    element(start, bytes.len());
                }
                break;
            };
            if bytes.get(at) != Some(&b'"') {
                element(start, at);
                start = at + 1;
            } else if !(quoted && at > 0 && bytes.get(at - 1) == Some(&b'\\')) {
                // (`\"` inside quotes is a quote of the value, not its end.)
                quoted = !quoted;
            }
            i = at + 1;
        }
        found
    }
}

/// Where the first `"` (and, unless `quoted`, the first `;` or `,`) of `bytes` is. Eight bytes at
/// a time: a word's bytes equal to `b` are the zero bytes of `word ^ b·0x01…01`, and the classic
/// zero-byte test flags the lowest zero byte exactly (a false flag can only sit above a true
/// one), so the lowest flag of the three tests is the first byte that matters.
fn next_special(bytes: &[u8], quoted: bool) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zeros = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    let flags = |w: u64| {
        let quote = zeros(w ^ (ONES * u64::from(b'"')));
        if quoted {
            quote
        } else {
            quote | zeros(w ^ (ONES * u64::from(b';'))) | zeros(w ^ (ONES * u64::from(b',')))
        }
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let m = flags(u64::from_le_bytes(word));
        if m != 0 {
            return Some(offset + (m.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    let special = |b: &u8| *b == b'"' || (!quoted && matches!(b, b';' | b','));
    chunks.remainder().iter().position(special).map(|p| offset + p)
}

/// The peer's identity from the client-certificate header, where the plan says Envoy wrote it
/// (`SANITIZE_SET` with the URI details: a client's copy is dropped, and the element lists every
/// URI SAN of the verified certificate as `URI=<san>`, `URI=` when it has none). Only one URI
/// element makes an identity (otherwise `terminated_request` refuses on the count, as without
/// the mark).
///
/// The value runs to the end of the header, not to the next separator: Envoy writes the URI
/// elements last and writes each SAN as it is, unquoted, so with exactly one URI element the rest
/// of the header **is** the certificate's SAN, byte for byte — the same string the
/// `uri_san_peer_certificate` property gives. A SAN holding `;` or `,` (`…/svc/web;x`) is thus
/// read whole, never cut down to a shorter, valid-looking `…/svc/web`; and quotes are not taken
/// off (a SPIFFE ID never needs them, and a SAN that is itself written in quotes must not read
/// as the identity inside them): such values are no identity, and deny.
fn peer_from_client_cert<'a>(head: &RequestHead<'a>, certs: Option<ClientCertUris<'a>>) -> Option<&'a str> {
    match certs {
        Some(c) if c.count == 1 && !c.first.is_empty() => Some(c.first),
        // Several: refused on the count whatever the peer; the first names it in the deny line,
        // as the property (the first SAN) does.
        Some(c) if c.count > 1 && !c.first_element.is_empty() => Some(c.first_element),
        Some(_) => None,
        // Not text (a SAN that is not UTF-8): what an unreadable property gives, a bad identity.
        None if head.unreadable.iter().any(|n| n.eq_ignore_ascii_case(CLIENT_CERT_HEADER.as_bytes())) => {
            Some(UNREADABLE_PEER)
        }
        // No header at all: no identity (the connection manager writes one for every request
        // whose connection presented a certificate, and the chain requires one).
        None => None,
    }
}

/// The server name the chain's connection manager wrote ([`super::SNI_HEADER`]): empty when
/// absent (as an unset property is), and a byte that is not UTF-8 when the value is not text, so
/// that it is refused as a malformed name, as an unreadable property is.
fn server_name_header<'a>(head: &RequestHead<'a>) -> &'a [u8] {
    if let Some(v) = head.connection.server_name {
        return v.as_bytes();
    }
    if head.unreadable.iter().any(|n| n.eq_ignore_ascii_case(super::SNI_HEADER.as_bytes())) {
        return b"\xff";
    }
    b""
}

/// Stands in for a peer URI SAN that is not text: no intention can name it, and it is not a
/// SPIFFE ID, so it denies as a bad identity.
const UNREADABLE_PEER: &str = "(not UTF-8)";

/// What a request looked like, for a deny line.
struct Seen<'a> {
    source: Cow<'a, str>,
    destination: String,
    sni: &'a str,
    authority: &'a str,
    method: &'a str,
    path: &'a str,
}

/// A log line being built: `event key=value …`, values quoted when they need it and bounded.
struct Line(String);

impl Line {
    fn field(&mut self, key: &str, value: &str) {
        push_field(&mut self.0, key, value);
    }

    fn authz(&mut self, authz: &Authz<'_, '_>) {
        self.field("reason", authz.reason_code());
        let origin = authz.intention_origin().map(ToString::to_string);
        self.field("intention", origin.as_deref().unwrap_or("-"));
        self.field("why", &authz.explain());
    }

    fn finish(self, level: LogLevel) -> LogLine {
        LogLine { level, text: self.0 }
    }
}

/// Appends ` key=value`: plain when the value is printable ASCII without quotes or backslashes,
/// else quoted with escapes; in both cases at most [`MAX_LOG_FIELD`] bytes of the value.
pub fn push_field(out: &mut String, key: &str, value: &str) {
    let (shown, cut) = bounded(value);
    let plain = !value.is_empty() && cut == 0 && shown.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
    let _ = write!(out, " {key}=");
    if plain {
        out.push_str(shown);
        return;
    }
    out.push('"');
    push_escaped(out, shown);
    if cut != 0 {
        let _ = write!(out, "…+{cut}");
    }
    out.push('"');
}

/// `s` with `"` and `\` escaped, and `\t`, `\r`, `\n`, every other control character (C0, DEL,
/// C1) and the invisible characters that can make a line read differently from what it holds
/// (bidirectional controls, zero-width characters, line and paragraph separators, BOM) as
/// `\u{…}`. Other characters are kept, so `→` in an explanation stays readable. (`str`'s `Debug`
/// decides with the standard library's Unicode tables, which the playground's wasm need not carry.)
/// At most 10 bytes per character of `s`.
fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\0'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{ad}'
            | '\u{61c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            _ => out.push(c),
        }
    }
}

/// Appends `value`, cut to [`MAX_LOG_FIELD`] bytes.
fn push_bounded(out: &mut String, value: &str) {
    let (shown, cut) = bounded(value);
    out.push_str(shown);
    if cut > 0 {
        let _ = write!(out, "…+{cut}");
    }
}

/// The first [`MAX_LOG_FIELD`] bytes of `value` (at a character boundary) and how many bytes
/// were left out.
fn bounded(value: &str) -> (&str, usize) {
    if value.len() <= MAX_LOG_FIELD {
        return (value, 0);
    }
    let mut end = MAX_LOG_FIELD;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    (value.get(..end).unwrap_or(""), value.len() - end)
}

// ------------------------------------------------------------------------------- rate limit

/// How many log lines a worker writes per second: the first [`LOG_LINES_PER_SECOND`] (or the
/// configured number) of each one-second window, then nothing until the next window, which
/// starts with a line saying how many were suppressed. Host-free: the glue gives it the clock.
#[derive(Clone, Debug)]
pub struct LogLimiter {
    per_second: u32,
    window_start: u64,
    used: u32,
    suppressed: u64,
}

/// [`LogLimiter::admit`]'s answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Admission {
    pub admitted: bool,
    /// Lines suppressed in the window that just ended (report them before this line).
    pub suppressed_before: u64,
}

impl Default for LogLimiter {
    fn default() -> Self {
        LogLimiter::new(LOG_LINES_PER_SECOND)
    }
}

impl LogLimiter {
    pub fn new(per_second: u32) -> LogLimiter {
        LogLimiter { per_second, window_start: 0, used: 0, suppressed: 0 }
    }

    /// May a line be written at `now` (nanoseconds, monotonic enough)?
    pub fn admit(&mut self, now: u64) -> Admission {
        let mut suppressed_before = 0;
        if now.saturating_sub(self.window_start) >= 1_000_000_000 || now < self.window_start {
            suppressed_before = std::mem::take(&mut self.suppressed);
            self.window_start = now;
            self.used = 0;
        }
        if self.used < self.per_second {
            self.used += 1;
            Admission { admitted: true, suppressed_before }
        } else {
            self.suppressed = self.suppressed.saturating_add(1);
            Admission { admitted: false, suppressed_before }
        }
    }

    /// The line that reports suppressed lines.
    pub fn suppressed_line(count: u64) -> LogLine {
        LogLine {
            level: LogLevel::Warn,
            text: format!("meshgate suppressed {count} log lines in the last second (counters are exact)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_bounded_and_quoted() {
        let mut out = String::new();
        push_field(&mut out, "path", "/ok");
        push_field(&mut out, "why", "two words");
        assert_eq!(out, " path=/ok why=\"two words\"");
        let long = "/a".repeat(20_000);
        let mut out = String::new();
        push_field(&mut out, "path", &long);
        assert!(out.len() < MAX_LOG_FIELD + 32, "{}", out.len());
        assert!(out.ends_with(&format!("…+{}\"", long.len() - MAX_LOG_FIELD)), "{out}");
        // A cut never splits a character.
        let mut out = String::new();
        push_field(&mut out, "x", &"é".repeat(400));
        assert!(out.contains("…+544"), "{out}");
    }

    #[test]
    fn quoted_values_show_no_control_or_invisible_character() {
        let mut out = String::new();
        push_field(&mut out, "path", "/caf\u{e9}\u{202e}\x1b[31m\"q\"\\\t\u{200b}\u{85}→");
        assert_eq!(out, r#" path="/café\u{202e}\u{1b}[31m\"q\"\\\t\u{200b}\u{85}→""#);
    }

    #[test]
    fn the_limiter_admits_a_window_then_reports_what_it_suppressed() {
        let mut l = LogLimiter::new(2);
        let s = 5_000_000_000;
        assert!(l.admit(s).admitted);
        assert!(l.admit(s + 1).admitted);
        assert!(!l.admit(s + 2).admitted);
        assert!(!l.admit(s + 3).admitted);
        let next = l.admit(s + 1_000_000_000);
        assert_eq!(next, Admission { admitted: true, suppressed_before: 2 });
        assert_eq!(l.admit(s + 1_000_000_001).suppressed_before, 0);
    }
}

#[cfg(test)]
mod client_cert_tests {
    use super::{
        client_cert_uri_count, client_cert_uris, peer_from_client_cert, server_name_header, CLIENT_CERT_HEADER,
        UNREADABLE_PEER,
    };
    use crate::gateway::request::RequestHead;
    use crate::gateway::SNI_HEADER;
    use proptest::prelude::*;

    /// The count as first written, char by char with `trim` (and `\"` inside quotes kept as a
    /// quote): the byte scan must agree with it.
    fn by_chars(value: &str) -> usize {
        let mut count = 0;
        let mut quoted = false;
        let mut prev = '\0';
        let mut start = 0;
        for (i, c) in value.char_indices().chain(std::iter::once((value.len(), ';'))) {
            match c {
                '"' if !(quoted && prev == '\\') => quoted = !quoted,
                ';' | ',' if !quoted => {
                    let element = value.get(start..i).unwrap_or("").trim();
                    if element.len() >= 4 && element.get(..4).is_some_and(|k| k.eq_ignore_ascii_case("uri=")) {
                        count += 1;
                    }
                    start = i + 1;
                }
                _ => {}
            }
            prev = c;
        }
        count
    }

    #[test]
    fn counts_uri_elements_outside_quotes() {
        for (value, n) in [
            ("By=spiffe://td/ns/default/dc/dc1/svc/billing;URI=spiffe://td/ns/default/dc/dc1/svc/web", 1),
            ("URI=a;uri=b", 2),
            (r#"Subject="CN=x;URI=y";URI=z"#, 1),
            (r#"Subject="CN=\";URI=y";URI=z"#, 1),
            (" \u{a0}URI=a, Hash=1", 1),
            ("URI", 0),
            ("", 0),
        ] {
            assert_eq!(client_cert_uri_count(&[(CLIENT_CERT_HEADER, value)]), Some(n), "{value:?}");
        }
        assert_eq!(client_cert_uri_count(&[("other", "URI=a")]), None);
    }

    const WEB: &str = "spiffe://td/ns/default/dc/dc1/svc/web";
    const BY: &str = "By=spiffe://td/ns/default/dc/dc1/svc/billing;Hash=0123abcd";

    /// The identity read from the header Envoy writes, as the decision sees it.
    fn peer(value: &str) -> (usize, Option<String>) {
        let pairs = [(CLIENT_CERT_HEADER, value)];
        let head = RequestHead::from_text(&pairs);
        let certs = client_cert_uris(&head.headers);
        (certs.map_or(0, |c| c.count), peer_from_client_cert(&head, certs).map(str::to_string))
    }

    #[test]
    fn the_peer_is_the_one_uri_element_and_never_by() {
        // What Envoy writes for a certificate with one URI SAN: `By=` is the gateway's own.
        assert_eq!(peer(&format!("{BY};URI={WEB}")), (1, Some(WEB.into())));
        assert_eq!(peer(&format!("URI={WEB}")), (1, Some(WEB.into())));
        // `By=` alone, or Envoy's `URI=` for a certificate without URI SAN: no identity.
        assert_eq!(peer(BY), (0, None));
        assert_eq!(peer(&format!("{BY};URI=")), (1, None));
        assert_eq!(peer(""), (0, None));
        // Two: refused on the count (as without the mark); the first is the one a deny line names.
        assert_eq!(peer(&format!("{BY};URI={WEB};URI=spiffe://td/ns/default/dc/dc1/svc/api")), (2, Some(WEB.into())));
        // The key in any case, after optional whitespace.
        assert_eq!(peer(&format!("{BY}; uri={WEB}")), (1, Some(WEB.into())));
    }

    #[test]
    fn quoted_values_and_escapes_separate_nothing() {
        // Another element's quoted value (Envoy always quotes `Subject`), with `;`, `,`, `URI=`
        // and an escaped quote inside: only the real URI element counts.
        let subject = r#"Subject="CN=x\";URI=spiffe://td/ns/default/dc/dc1/svc/admin,O=y""#;
        assert_eq!(peer(&format!("{BY};{subject};URI={WEB}")), (1, Some(WEB.into())));
        // A quoted URI value is read as written, quotes included: a SPIFFE ID never needs them,
        // so it is no identity (and a SAN written in quotes never reads as the one inside).
        let quoted = format!("{BY};URI=\"{WEB}\"");
        assert_eq!(peer(&quoted), (1, Some(format!("\"{WEB}\""))));
        assert!(crate::gateway::parse_peer_identity(&format!("\"{WEB}\"")).is_err());
        // An unterminated quote hides the rest: nothing counts after it.
        assert_eq!(peer(&format!("{BY};Subject=\"x;URI={WEB}")), (0, None));
    }

    #[test]
    fn a_san_with_separators_is_read_whole() {
        // Envoy writes SANs unquoted: the rest of the header is the SAN, byte for byte, never a
        // shorter SPIFFE ID cut at its `;` or `,`.
        for san in [format!("{WEB};x"), format!("{WEB},By=y"), format!("{WEB}=\\")] {
            assert_eq!(peer(&format!("{BY};URI={san}")), (1, Some(san.clone())), "{san}");
        }
        // One with an unbalanced quote opens a quoted run that never ends: no URI element counts
        // (refused on the count, as without the mark).
        assert_eq!(peer(&format!("{BY};URI={WEB}\";x")), (0, None));
        // A SAN that smuggles `;URI=` makes two elements: refused on the count.
        assert_eq!(peer(&format!("{BY};URI={WEB};URI={WEB}")), (2, Some(WEB.into())));
    }

    #[test]
    fn headers_that_are_not_text_read_as_unreadable_properties() {
        let pairs: [(&[u8], &[u8]); 2] =
            [(CLIENT_CERT_HEADER.as_bytes(), b"By=a;URI=spiffe://td/\xff"), (SNI_HEADER.as_bytes(), b"web.\xfe")];
        let head = RequestHead::from_pairs(pairs);
        assert_eq!(client_cert_uris(&head.headers), None);
        assert_eq!(peer_from_client_cert(&head, None), Some(UNREADABLE_PEER));
        assert!(std::str::from_utf8(server_name_header(&head)).is_err(), "a malformed name, as the property's");
        let head = RequestHead::from_text(&[(SNI_HEADER, " web.example ")]);
        assert_eq!(server_name_header(&head), b"web.example");
        assert_eq!(server_name_header(&RequestHead::from_text(&[])), b"");
        let none = RequestHead::from_text(&[]);
        assert_eq!(peer_from_client_cert(&none, None), None);
    }

    #[test]
    fn the_word_search_finds_the_first_byte_that_matters() {
        for len in 0..40 {
            for at in 0..len {
                for b in [b'"', b';', b',', b'x'] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    // A byte just above a match must not hide it (the zero-byte test's borrow).
                    if at + 1 < len {
                        bytes[at + 1] = b'"' ^ 1;
                    }
                    for quoted in [false, true] {
                        let want = bytes.iter().position(|&c| c == b'"' || (!quoted && (c == b';' || c == b',')));
                        assert_eq!(super::next_special(&bytes, quoted), want, "{bytes:?} {quoted}");
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn the_word_search_is_a_byte_search(bytes in prop::collection::vec(any::<u8>(), 0..64), quoted: bool) {
            let want = bytes.iter().position(|&c| c == b'"' || (!quoted && (c == b';' || c == b',')));
            prop_assert_eq!(super::next_special(&bytes, quoted), want);
        }

        #[test]
        fn the_byte_scan_counts_as_the_char_scan(parts in prop::collection::vec(
            prop::sample::select(vec!["URI=", "uri=", "By=", "x", ";", ",", "\"", "\\", " ", "\u{a0}", "\u{2003}", "é", "\t"]),
            0..24,
        )) {
            let value: String = parts.concat();
            prop_assert_eq!(client_cert_uri_count(&[(CLIENT_CERT_HEADER, value.as_str())]), Some(by_chars(&value)));
        }

        /// With one URI element, the identity is everything after its `URI=`: what Envoy wrote
        /// after the key, whatever the SAN holds.
        #[test]
        fn one_uri_element_reads_back_the_san(san in "[ -~]{0,40}") {
            let value = format!("{BY};URI={san}");
            let (count, got) = peer(&value);
            if count == 1 {
                let want = san.trim_end_matches([' ', '\t']);
                prop_assert_eq!(got.as_deref(), (!want.is_empty()).then_some(want));
            }
        }
    }
}
