//! The one request model: what `meshgate check`, the playground's Simulate and the tests ask, and
//! how it is decided where the data plane decides it.
//!
//! 1. **The protocol rule** ([`asked_request`]): the destination's protocol decides whether the
//!    question is L4 or HTTP — a tcp destination is decided at L4 whatever method, path or
//!    headers were typed (the filter sees a TCP connection there; the answer says so), an
//!    http-like one as an HTTP request (`GET /` when none is given).
//! 2. **The route** ([`Analysis::route_request`]): the caller's sidecar applies the destination's
//!    discovery chain before anything reaches a service — the service-router's first matching
//!    route, its prefix rewrite (normalized again, as at the gateways), its header changes, then
//!    splits and resolver redirects to weighted targets. `no_route` skips this and asks the plain
//!    `consul intention check` question.
//! 3. **The decision** at each target that receives traffic (its service's intentions, the path
//!    and headers it receives). A split is answered per branch with its weight; the answer shown
//!    first is the first branch that denies, else the first branch.

use super::{non_empty, Analysis, Effect, HttpView, IntentionRef, SimulateRequest, SimulateView};
use crate::gateway::{effective_headers, ChainRouter, RouteOutcome};
use crate::identity::or_default;
use crate::intentions::http::HttpRequest;
use crate::intentions::{Caller, IntentionTable, Request, ServiceName};
use crate::plan::gateways::{service_routes, HttpRoute, ServiceId};
use crate::plan::protocols::Protocol;
use crate::settings::Mode;
use serde::Serialize;

/// Where the destination's discovery chain sent the request, when it went somewhere other than
/// the destination itself or was rewritten.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RouteHop {
    /// `routed by web's service-router (PathPrefix /admin) to admin`.
    pub description: String,
    /// The route, split or redirect that decided (`None` for Consul's default chain).
    pub origin: Option<crate::intentions::Origin>,
    /// The path the target receives, when the route rewrote it.
    pub rewritten_path: Option<String>,
}

/// One target the request may reach, with its share and its own answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Leg {
    /// `admin`, `ns/api` (namespace and partition when not `default`).
    pub service: String,
    /// The share of requests this target receives, in percent.
    pub weight: f64,
    pub allowed: bool,
    pub effect: Effect,
    pub explanation: String,
    pub intention: Option<IntentionRef>,
    /// Set for a peer's service: its own cluster's intentions decide, not this workspace's.
    pub decided_elsewhere: Option<String>,
}

/// What the caller asked, after the protocol rule.
pub(crate) struct Asked<'a> {
    pub http: Option<HttpRequest<'a>>,
    /// Why an HTTP description was set aside (a tcp destination).
    pub note: Option<String>,
}

/// The protocol rule, in one place: a tcp destination is decided at L4 whatever was typed; an
/// http-like one as an HTTP request, `GET /` when no method or path is given.
pub(crate) fn asked_request<'a>(
    protocol: Protocol,
    destination: &str,
    method: Option<&'a str>,
    path: Option<&'a str>,
    headers: &'a [(&'a str, &'a str)],
    jwt: Option<&'a crate::intentions::jwt::JwtPayloads>,
) -> Asked<'a> {
    let described = method.is_some() || path.is_some() || !headers.is_empty();
    if protocol.is_http_like() {
        let http = HttpRequest { method: method.unwrap_or("GET"), path: path.unwrap_or("/"), headers, jwt };
        return Asked { http: Some(http), note: None };
    }
    let note = described.then(|| {
        format!(
            "`{destination}` speaks {}: its connections are decided at L4, so the method, path and headers given do not apply",
            protocol.as_str()
        )
    });
    Asked { http: None, note }
}

impl Analysis {
    /// Decides one request as the data plane would, exactly as `meshgate check --trace` prints
    /// it. Errors are for requests that cannot be asked (no source, a malformed header), not for
    /// denials.
    pub fn simulate(&self, req: &SimulateRequest) -> Result<SimulateView, String> {
        let source = req.source.trim();
        let destination = req.destination.trim();
        if source.is_empty() || destination.is_empty() {
            return Err("name a source and a destination service".into());
        }
        let Some(table) = self.table() else {
            return Err("the intentions could not be compiled; see the problems list".into());
        };
        let headers: Vec<(&str, &str)> = req
            .headers
            .iter()
            .filter(|h| !h.trim().is_empty())
            .map(|h| {
                h.split_once(':')
                    .map(|(n, v)| (n.trim(), v.trim()))
                    .filter(|(n, _)| !n.is_empty())
                    .ok_or_else(|| format!("header `{}` must look like `Name: value`", h.trim()))
            })
            .collect::<Result<_, _>>()?;
        let destination_namespace = or_default(req.destination_namespace.trim());
        let protocol = self.protocol(destination, destination_namespace);
        let asked = asked_request(
            protocol,
            destination,
            non_empty(&req.method),
            non_empty(&req.path),
            &headers,
            req.jwt.as_ref(),
        );
        let caller = Caller {
            name: source,
            namespace: or_default(req.source_namespace.trim()),
            partition: or_default(req.source_partition.trim()),
            peer: req.source_peer.trim(),
        };
        let dest = ServiceId::new(destination, destination_namespace, &self.settings.partition);
        let routed = if req.no_route { None } else { self.route_request(&dest, asked.http) };
        let Some(routed) = routed else {
            let mut view = self.decide_at(table, caller, &dest, asked.http, &headers);
            view.note = asked.note;
            return Ok(view);
        };
        let legs: Vec<(ServiceId, f64, Option<String>)> = routed
            .targets
            .iter()
            .map(|t| (t.service.clone(), t.weight, (!t.peer.is_empty()).then(|| t.peer.clone())))
            .collect();
        let routed_headers: Vec<(&str, &str)> = routed.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let http = asked.http.map(|h| HttpRequest {
            method: h.method,
            path: &routed.path,
            headers: &routed_headers,
            jwt: h.jwt,
        });
        let mut answers: Vec<(Leg, Option<SimulateView>)> = Vec::new();
        for (service, weight, peer) in &legs {
            if let Some(peer) = peer {
                let leg = Leg {
                    service: service.label(),
                    weight: *weight,
                    allowed: true,
                    effect: Effect::Allow,
                    explanation: format!(
                        "reaches `{}` in peer cluster `{peer}`, whose own intentions decide (they are not in this workspace)",
                        service.name
                    ),
                    intention: None,
                    decided_elsewhere: Some(peer.clone()),
                };
                answers.push((leg, None));
                continue;
            }
            let view = self.decide_at(table, caller, service, http, &routed_headers);
            let leg = Leg {
                service: service.label(),
                weight: *weight,
                allowed: view.allowed,
                effect: view.effect,
                explanation: view.explanation.clone(),
                intention: view.intention.clone(),
                decided_elsewhere: None,
            };
            answers.push((leg, Some(view)));
        }
        // The answer shown first: the first local branch that denies, else the first local one.
        let chosen = answers
            .iter()
            .position(|(l, v)| v.is_some() && !l.allowed && l.weight > 0.0)
            .or_else(|| answers.iter().position(|(_, v)| v.is_some()));
        let legs_out: Vec<Leg> = answers.iter().map(|(l, _)| l.clone()).collect();
        let mut view = match chosen.and_then(|i| answers.get_mut(i)).and_then(|(_, v)| v.take()) {
            Some(v) => v,
            // Every branch is a peer's: the destination's own answer stands in.
            None => self.decide_at(table, caller, &dest, asked.http, &headers),
        };
        view.note = asked.note;
        view.route = routed.hop;
        if let Some(h) = &mut view.http {
            // What was asked, as asked; `normalized_path` already shows what the service received.
            h.path = asked.http.map(|a| a.path.to_string()).unwrap_or_default();
            h.headers = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        }
        view.legs = if legs_out.len() > 1 || view.route.is_some() { legs_out } else { Vec::new() };
        Ok(view)
    }

    /// The destination's discovery chain applied to the request: `None` when it sends the
    /// request, unchanged, to the destination itself (Consul's default chain, or routes that
    /// change nothing).
    fn route_request(&self, dest: &ServiceId, http: Option<HttpRequest<'_>>) -> Option<Routed> {
        let compiled = self.compiled.as_ref()?;
        let routes = service_routes(&self.workspace, &self.settings, &compiled.protocols, &compiled.plan.chains, dest);
        let router = ChainRouter::new(routes, compiled.table.normalization()).ok()?;
        let (method, path, headers) = match http {
            Some(h) => (h.method, h.path, h.headers),
            None => ("GET", "/", &[][..]),
        };
        let decision = router.route(path, method, headers, 0);
        let RouteOutcome::Routed { route, target, .. } = decision.outcome else { return None };
        let targets: Vec<Target> = route
            .targets
            .iter()
            .filter(|t| t.weight > 0)
            .map(|t| Target { service: t.service_ref(), weight: share(route, t.weight), peer: t.peer.clone() })
            .collect();
        let rewritten =
            (http.is_some() && decision.received_path() != decision.path).then(|| decision.received_path().to_string());
        let unchanged = targets.len() == 1
            && targets.first().is_some_and(|t| t.service == *dest && t.peer.is_empty())
            && rewritten.is_none()
            && route.request_headers.is_empty()
            && target.request_headers.is_empty();
        if unchanged {
            return None;
        }
        let mods = decision.request_headers();
        let headers = effective_headers(headers, mods).into_owned();
        let hop = RouteHop {
            description: describe_hop(dest, route, &targets),
            origin: (!route.origin.file.is_empty()).then(|| route.origin.clone()),
            rewritten_path: rewritten.clone(),
        };
        Some(Routed {
            targets,
            path: decision.received_path().to_string(),
            headers: headers.into_iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            hop: Some(hop),
        })
    }

    /// The intentions' answer for `caller` at `service`.
    fn decide_at(
        &self,
        table: &IntentionTable,
        caller: Caller<'_>,
        service: &ServiceId,
        http: Option<HttpRequest<'_>>,
        headers: &[(&str, &str)],
    ) -> SimulateView {
        let request = Request {
            source: caller,
            destination: ServiceName {
                name: &service.name,
                namespace: &service.namespace,
                partition: &service.partition,
            },
            http,
        };
        let decision = table.decide(&request);
        let rank = table.find(&request).map(|n| n + 1);
        let effect = match (decision.allowed, self.settings.mode) {
            (true, _) => Effect::Allow,
            (false, Mode::Enforce) => Effect::Deny,
            (false, Mode::Audit) => Effect::AuditDeny,
        };
        SimulateView {
            allowed: decision.allowed,
            effect,
            explanation: decision.explain(),
            reason: decision.reason,
            intention: decision.intention.map(|i| IntentionRef {
                rank: rank.unwrap_or(0),
                label: i.label(),
                precedence: i.precedence,
                origin: i.origin.clone(),
            }),
            permission: decision.permission.map(|p| p + 1),
            default_used: decision.default_used,
            default_policy: decision.default_policy,
            mode: self.settings.mode,
            destination_protocol: self.protocol(&service.name, &service.namespace),
            http: http.map(|h| HttpView {
                method: h.method.to_string(),
                path: h.path.to_string(),
                normalized_path: decision.normalized_path.as_deref().map(str::to_string),
                headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            }),
            trace: table.trace(&request),
            decided_at: service.label(),
            note: None,
            route: None,
            legs: Vec::new(),
        }
    }
}

struct Target {
    service: ServiceId,
    weight: f64,
    peer: String,
}

/// The chain's answer for one request: where it goes and what each target receives.
struct Routed {
    targets: Vec<Target>,
    path: String,
    headers: Vec<(String, String)>,
    hop: Option<RouteHop>,
}

/// A target's weight as a percentage of its route's total.
fn share(route: &HttpRoute, weight: u64) -> f64 {
    let total: u64 = route.targets.iter().map(|t| t.weight).sum();
    if total == 0 {
        return 0.0;
    }
    (weight as f64 * 10_000.0 / total as f64).round() / 100.0
}

fn describe_hop(dest: &ServiceId, route: &HttpRoute, targets: &[Target]) -> String {
    let to: Vec<String> = targets
        .iter()
        .map(|t| {
            let name =
                if t.peer.is_empty() { t.service.label() } else { format!("{} (peer {})", t.service.label(), t.peer) };
            if targets.len() > 1 {
                format!("{name} {}%", crate::decode::plain_float(t.weight))
            } else {
                name
            }
        })
        .collect();
    let catch_all = route.route_match == crate::plan::gateways::RouteMatch::default();
    let by = match (route.origin.file.is_empty(), catch_all) {
        (true, _) => format!("{}'s discovery chain", dest.label()),
        (false, true) => format!("{}'s discovery chain ({})", dest.label(), route.origin),
        (false, false) => format!("{}'s route `{}` ({})", dest.label(), route.route_match.describe(), route.origin),
    };
    format!("routed by {by} to {}", to.join(", "))
}
