//! The discovery chain's traffic policy in Envoy: what the filter cannot do for a request once it
//! has chosen its route and target.
//!
//! - **Routes.** The filter routes with one Envoy route (`cluster_header`) and tells Envoy which
//!   plan route it chose in [`ROUTE_HEADER`] (`<host>.<route>` within the listener; always set
//!   by the filter, a client's copy replaced). Each plan route with a timeout, idle timeout,
//!   retries or hash policies gets an Envoy route before the catch-all, matched on that header
//!   alone, holding them — so the filter's decision stays the only authority, and a request the
//!   filter did not route matches no policy route. Both headers are stripped before forwarding.
//!   (An ingress listener whose every route goes to one cluster, without such policies, routes
//!   straight to it: [`mark_direct_routes`].)
//! - **Clusters.** Each target's cluster gets its [`ClusterPolicy`]: connect timeout, load
//!   balancing, circuit-breaker thresholds, outlier detection.
//!
//! Mapping (Consul's, from its documented behaviour): `RequestTimeout` → `timeout`,
//! `IdleTimeout` → `idle_timeout`; retries → `retry_policy` with `retry_on` the `RetryOn` values,
//! then `connect-failure` (for `RetryOnConnectFailure`, once), then `retriable-status-codes` (with
//! `RetryOnStatusCodes`), and `num_retries` only when `NumRetries` is above 0 — so `NumRetries = 0`
//! means Envoy's default, one retry; hash policies → `hash_policy` in order; `Limits` →
//! `circuit_breakers.thresholds` (`MaxConcurrentRequests` is `max_requests`);
//! `PassiveHealthCheck` → `outlier_detection` (`MaxFailures` is `consecutive_5xx`).

use crate::decode::Duration;
use crate::gateway::{route_id, ROUTE_HEADER, ROUTING_HEADER};
use crate::json::Value;
use crate::plan::gateways::terminating::LinkedRoute;
use crate::plan::gateways::traffic::{ClusterPolicy, HashOn, HashPolicy};
use crate::plan::gateways::{GatewayPlan, HttpRoute, Retry, RouteTable, VirtualHost};
use crate::tpl;

/// A Go duration from the plan as an Envoy JSON duration (`1.5s`); `None` when unreadable.
fn duration(go: &str) -> Option<String> {
    let d = Duration::parse(go).ok()?;
    Some(envoy_duration(d))
}

fn envoy_duration(d: Duration) -> String {
    let (secs, nanos) = (d.nanos / 1_000_000_000, d.nanos % 1_000_000_000);
    if nanos == 0 {
        format!("{secs}s")
    } else {
        format!("{secs}.{nanos:09}s")
    }
}

/// Consul's retry policy for a route.
pub fn retry_policy(r: &Retry) -> Value {
    let mut on: Vec<String> = r.on.clone();
    if r.on_connect_failure && !on.iter().any(|o| o == "connect-failure") {
        on.push("connect-failure".into());
    }
    let codes = (!r.on_status_codes.is_empty()).then_some(r.on_status_codes.as_slice());
    if codes.is_some() {
        on.push("retriable-status-codes".into());
    }
    tpl!(
        r#"{ "retriable_status_codes": $0?, "retry_on": $1, "num_retries": $2? }"#,
        codes,
        on.join(","),
        r.num_retries.filter(|n| *n > 0),
    )
}

pub fn hash_policy(h: &HashPolicy) -> Value {
    let terminal = h.terminal.then_some(true);
    let name = h.name.as_str();
    match h.on {
        HashOn::Header => tpl!(r#"{ "header": { "header_name": $0 }, "terminal": $1? }"#, name, terminal),
        HashOn::QueryParameter => tpl!(r#"{ "query_parameter": { "name": $0 }, "terminal": $1? }"#, name, terminal),
        HashOn::SourceIp => tpl!(r#"{ "connection_properties": { "source_ip": true }, "terminal": $0? }"#, terminal),
        HashOn::Cookie => tpl!(
            r#"{ "cookie": { "name": $0, "ttl": $1?, "path": $2? }, "terminal": $3? }"#,
            name,
            h.cookie_ttl.as_deref().and_then(duration),
            (!h.cookie_path.is_empty()).then_some(h.cookie_path.as_str()),
            terminal,
        ),
    }
}

/// The route action of a plan route with a traffic policy (`None` without one).
pub fn route_action(r: &HttpRoute) -> Option<Value> {
    let timeout = r.request_timeout.as_deref().and_then(duration);
    let idle = r.idle_timeout.as_deref().and_then(duration);
    if timeout.is_none() && idle.is_none() && r.retry.is_none() && r.hash_policies.is_empty() {
        return None;
    }
    let hash = (!r.hash_policies.is_empty()).then(|| r.hash_policies.iter().map(hash_policy).collect::<Vec<_>>());
    Some(tpl!(
        r#"{ "timeout": $0?, "idle_timeout": $1?, "retry_policy": $2?, "hash_policy": $3?, "cluster_header": $4 }"#,
        timeout,
        idle,
        r.retry.as_ref().map(retry_policy),
        hash,
        ROUTING_HEADER,
    ))
}

/// One Envoy route per plan route with a traffic policy, keyed by the route header.
pub fn policy_routes(hosts: &[&VirtualHost]) -> Vec<Value> {
    let mut out = Vec::new();
    for (hi, h) in hosts.iter().enumerate() {
        for (ri, r) in h.routes.iter().enumerate() {
            let Some(action) = route_action(r) else { continue };
            let id = route_id(u32::try_from(hi).unwrap_or(u32::MAX), u32::try_from(ri).unwrap_or(u32::MAX));
            out.push(tpl!(
                r#"{
                    "match": { "prefix": "/", "headers": [{ "name": $0, "string_match": { "exact": $1 } }] },
                    "route": $2,
                    "request_headers_to_remove": [$3, $4]
                }"#,
                ROUTE_HEADER,
                id,
                action,
                ROUTING_HEADER,
                ROUTE_HEADER,
            ));
        }
    }
    out
}

/// Marks the ingress http listeners whose Envoy route can name their cluster
/// ([`IngressListener::direct_cluster`](crate::plan::gateways::ingress::IngressListener::direct_cluster)): every target of every route is one cluster, and no
/// route has a traffic policy (a policy route is keyed by the route header the filter sets).
/// Also every linked service of a terminating gateway and a sidecar's inbound service
/// ([`LinkedRoute::direct_cluster`]), whose chains always route to their one cluster: there the
/// mark tells the filter that Envoy's route strips the headers it would otherwise remove (http)
/// or that tcp_proxy names the cluster (tcp) — and the plan's `connection_headers`, that their
/// connection managers hand the filter the server name and the client certificate's URI SANs
/// as request headers.
/// Not with ECDS (`static_routes` false): a plan swapped in by ECDS may route a listener to
/// clusters the bootstrap's route, fixed when Envoy started, would not follow (and may meet a
/// bootstrap written before its routes stripped the client-certificate header).
pub fn mark_direct_routes(plan: &mut GatewayPlan, static_routes: bool) {
    // Terminating gateways and a sidecar's public listener: each linked service's filter chain
    // (by SNI; the sidecar's only one) has one route, to its one cluster, and no policy routes.
    let linked: Vec<&mut LinkedRoute> = match &mut plan.routes {
        RouteTable::TerminatingGateway(t) => t.services.iter_mut().collect(),
        RouteTable::Sidecar(t) => vec![&mut t.inbound],
        _ => Vec::new(),
    };
    let mut http = false;
    for l in linked {
        l.direct_cluster = static_routes.then(|| l.cluster.clone());
        http |= l.protocol.is_http_like();
    }
    // Those chains' connection managers write the server name and the client certificate's URI
    // SANs into the request headers (replacing a client's copies) and their routes strip them:
    // the filter reads them there. A plan swapped in by ECDS may meet a bootstrap that does not.
    plan.connection_headers = static_routes && http;
    let RouteTable::IngressGateway(t) = &mut plan.routes else { return };
    for l in &mut t.listeners {
        l.direct_cluster = None;
        if !static_routes || !l.protocol.is_http_like() {
            continue;
        }
        let routes = || l.hosts.iter().flat_map(|h| &h.routes);
        if routes().any(|r| route_action(r).is_some()) {
            continue;
        }
        let mut clusters = routes().flat_map(|r| &r.targets).map(|t| t.cluster.as_str());
        let Some(first) = clusters.next() else { continue };
        if clusters.all(|c| c == first) {
            l.direct_cluster = Some(first.to_string());
        }
    }
}

/// The virtual hosts of the http listener at `port`, indexed as the filter indexes them (an API
/// gateway's listeners sharing the port merged in order).
pub fn hosts_at(plan: &GatewayPlan, port: u16) -> Vec<&VirtualHost> {
    match &plan.routes {
        RouteTable::IngressGateway(t) => t
            .listeners
            .iter()
            .find(|l| l.port == port && l.protocol.is_http_like())
            .map(|l| l.hosts.iter().collect())
            .unwrap_or_default(),
        RouteTable::ApiGateway(t) => {
            t.listeners.iter().filter(|l| l.port == port && l.protocol.is_http_like()).flat_map(|l| &l.hosts).collect()
        }
        RouteTable::Sidecar(t) => t
            .upstreams
            .iter()
            .find(|u| u.port == port && u.protocol.is_http_like())
            .map(|u| u.hosts.iter().collect())
            .unwrap_or_default(),
        RouteTable::MeshGateway(_) | RouteTable::TerminatingGateway(_) => Vec::new(),
    }
}

/// Puts the policy routes of the listener's hosts before its catch-all route.
pub fn add_policy_routes(listener: &mut Value, hosts: &[&VirtualHost]) {
    let routes = policy_routes(hosts);
    if routes.is_empty() {
        return;
    }
    let Some(chains) = listener.get_mut("filter_chains").and_then(Value::as_array_mut) else { return };
    for chain in chains {
        let Some(filters) = chain.get_mut("filters").and_then(Value::as_array_mut) else { continue };
        for f in filters {
            let vhosts = f
                .get_mut("typed_config")
                .and_then(|c| c.get_mut("route_config"))
                .and_then(|c| c.get_mut("virtual_hosts"))
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten();
            for vh in vhosts {
                if let Some(existing) = vh.get_mut("routes").and_then(Value::as_array_mut) {
                    let mut all = routes.clone();
                    all.append(existing);
                    *existing = all;
                }
            }
        }
    }
}

/// Writes a target's cluster policy into its cluster.
pub fn apply_cluster(cluster: &mut Value, p: &ClusterPolicy) {
    let Some(c) = cluster.as_object_mut() else { return };
    let lb = p.load_balancer.as_ref();
    let lb_policy = lb.map(|lb| match lb.policy.as_str() {
        "least_request" => "LEAST_REQUEST",
        "ring_hash" => "RING_HASH",
        "maglev" => "MAGLEV",
        "random" => "RANDOM",
        _ => "ROUND_ROBIN",
    });
    let least_request = lb.and_then(|lb| lb.choice_count).map(|n| tpl!(r#"{ "choice_count": $0 }"#, n));
    let ring = lb.filter(|lb| lb.minimum_ring_size.is_some() || lb.maximum_ring_size.is_some()).map(|lb| {
        tpl!(r#"{ "minimum_ring_size": $0?, "maximum_ring_size": $1? }"#, lb.minimum_ring_size, lb.maximum_ring_size,)
    });
    let limits = p.limits.as_ref().map(|l| {
        tpl!(
            r#"{ "thresholds": [{ "max_connections": $0?, "max_pending_requests": $1?, "max_requests": $2? }] }"#,
            l.max_connections,
            l.max_pending_requests,
            l.max_concurrent_requests,
        )
    });
    let outlier = p.outlier_detection.as_ref().map(|o| {
        tpl!(
            r#"{
                "consecutive_5xx": $0?,
                "interval": $1?,
                "enforcing_consecutive_5xx": $2?,
                "max_ejection_percent": $3?,
                "base_ejection_time": $4?
            }"#,
            o.max_failures,
            o.interval.as_deref().and_then(duration),
            o.enforcing_consecutive_5xx,
            o.max_ejection_percent,
            o.base_ejection_time.as_deref().and_then(duration),
        )
    });
    let policy = tpl!(
        r#"{
            "connect_timeout": $0?,
            "lb_policy": $1?,
            "least_request_lb_config": $2?,
            "ring_hash_lb_config": $3?,
            "circuit_breakers": $4?,
            "outlier_detection": $5?
        }"#,
        p.connect_timeout.as_deref().and_then(duration),
        lb_policy,
        least_request,
        ring,
        limits,
        outlier,
    );
    if let Value::Object(policy) = policy {
        c.extend(policy);
    }
}

#[cfg(test)]
mod tests;
