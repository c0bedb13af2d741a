//! The traffic policy a route table carries for Envoy (not for the filter): per route, the hash
//! policies of the load balancer it reaches; per target, how its cluster connects and balances
//! (the target's service-resolver `ConnectTimeout` and `LoadBalancer`), and the limits and outlier
//! detection the caller sets for it (an ingress gateway's service or `Defaults` limits; a
//! sidecar's service-defaults `UpstreamConfig`). `meshgate envoy` writes them into routes and
//! clusters (see `crate::envoy::traffic`); `meshgate routes` shows them.

use crate::decode::Duration;
use crate::model::ingress_gateway::IngressServiceConfig;
use crate::model::service_defaults::{PassiveHealthCheck, UpstreamConfig, UpstreamLimits};
use crate::model::service_resolver::{HashField, LbPolicy, LoadBalancer};
use serde::{Deserialize, Serialize};

/// What a hash policy hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashOn {
    Header,
    Cookie,
    QueryParameter,
    SourceIp,
}

/// One of a route's hash policies (Consul's `LoadBalancer.HashPolicies`, in order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashPolicy {
    pub on: HashOn,
    /// The header, cookie or query parameter (empty for `source_ip`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Cookies: Envoy sets the cookie when the request has none, with this lifetime (a Go
    /// duration; `0s` for a session cookie).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie_ttl: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cookie_path: String,
    /// Stop at this policy when it produced a hash.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub terminal: bool,
}

impl HashPolicy {
    /// The hash policies of a load balancer, when it is hash based (Consul ignores them
    /// otherwise).
    pub fn of(lb: &LoadBalancer) -> Vec<HashPolicy> {
        if !lb.is_hash_based() {
            return Vec::new();
        }
        lb.hash_policies
            .iter()
            .filter_map(|hp| {
                let (on, name) = if hp.source_ip {
                    (HashOn::SourceIp, String::new())
                } else {
                    let on = match hp.field {
                        HashField::Header => HashOn::Header,
                        HashField::Cookie => HashOn::Cookie,
                        HashField::QueryParameter => HashOn::QueryParameter,
                        HashField::Unset => return None,
                    };
                    (on, hp.field_value.clone())
                };
                let cookie = hp.cookie_config.as_ref().filter(|_| on == HashOn::Cookie);
                // Consul: a session cookie is a zero TTL (Envoy then sets a session cookie).
                let cookie_ttl = cookie.and_then(|c| {
                    if c.session {
                        Some(Duration { nanos: 0 }.go_string())
                    } else {
                        (c.ttl.nanos > 0).then(|| c.ttl.go_string())
                    }
                });
                Some(HashPolicy {
                    on,
                    name,
                    cookie_ttl,
                    cookie_path: cookie.map(|c| c.path.clone()).unwrap_or_default(),
                    terminal: hp.terminal,
                })
            })
            .collect()
    }

    /// `header x-user`, `cookie s (ttl 1h, path /)`, `source IP`, with ` (terminal)`.
    pub fn describe(&self) -> String {
        let mut s = match self.on {
            HashOn::Header => format!("header {}", self.name),
            HashOn::Cookie => format!("cookie {}", self.name),
            HashOn::QueryParameter => format!("query {}", self.name),
            HashOn::SourceIp => "source IP".to_string(),
        };
        let mut extra = Vec::new();
        if let Some(t) = &self.cookie_ttl {
            extra.push(format!("ttl {t}"));
        }
        if !self.cookie_path.is_empty() {
            extra.push(format!("path {}", self.cookie_path));
        }
        if !extra.is_empty() {
            s.push_str(&format!(" ({})", extra.join(", ")));
        }
        if self.terminal {
            s.push_str(" (terminal)");
        }
        s
    }
}

/// A target cluster's load balancing (its resolver's `LoadBalancer`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balancing {
    /// `round_robin`, `least_request`, `ring_hash`, `maglev`, `random`.
    pub policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_ring_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_ring_size: Option<u64>,
}

impl Balancing {
    /// `None` for Envoy's default (round robin, nothing configured).
    pub fn of(lb: &LoadBalancer) -> Option<Balancing> {
        let policy = if lb.policy == LbPolicy::Unset { LbPolicy::RoundRobin } else { lb.policy };
        let ring = lb.ring_hash_config.as_ref().filter(|_| policy == LbPolicy::RingHash);
        let out = Balancing {
            policy: policy.as_str().to_string(),
            choice_count: lb
                .least_request_config
                .as_ref()
                .filter(|_| policy == LbPolicy::LeastRequest)
                .map(|c| c.choice_count)
                .filter(|n| *n > 0),
            minimum_ring_size: ring.map(|r| r.minimum_ring_size).filter(|n| *n > 0),
            maximum_ring_size: ring.map(|r| r.maximum_ring_size).filter(|n| *n > 0),
        };
        (out != Balancing { policy: "round_robin".into(), ..Balancing::default() }).then_some(out)
    }
}

/// Circuit-breaker limits on a target cluster (unset: Envoy's default, 1024 each).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connections: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pending_requests: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent_requests: Option<u32>,
}

impl Limits {
    /// Connections, pending and concurrent requests; `None` when none is set (Consul: a limit
    /// of 0 means the proxy's default).
    fn new(connections: Option<u32>, pending: Option<u32>, requests: Option<u32>) -> Option<Limits> {
        let set = |n: Option<u32>| n.filter(|n| *n > 0);
        let out = Limits {
            max_connections: set(connections),
            max_pending_requests: set(pending),
            max_concurrent_requests: set(requests),
        };
        (out != Limits::default()).then_some(out)
    }

    fn of_upstream(l: &UpstreamLimits) -> Option<Limits> {
        Limits::new(l.max_connections, l.max_pending_requests, l.max_concurrent_requests)
    }
}

/// Outlier detection on a target cluster (Consul's `PassiveHealthCheck`): hosts answering
/// `max_failures` consecutive 5xx are ejected for `base_ejection_time` (growing with each
/// ejection). Unset fields: Envoy's defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlierDetection {
    /// Go duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_failures: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcing_consecutive_5xx: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_ejection_percent: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_ejection_time: Option<String>,
}

impl OutlierDetection {
    pub fn of(p: &PassiveHealthCheck) -> OutlierDetection {
        OutlierDetection {
            interval: (p.interval.nanos > 0).then(|| p.interval.go_string()),
            max_failures: (p.max_failures > 0).then_some(p.max_failures),
            enforcing_consecutive_5xx: p.enforcing_consecutive_5xx,
            max_ejection_percent: p.max_ejection_percent,
            base_ejection_time: p.base_ejection_time.map(|d| d.go_string()),
        }
    }
}

/// How a target's cluster connects, balances and protects itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterPolicy {
    /// Go duration; absent: Consul's default, 5s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_timeout: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<Balancing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlier_detection: Option<OutlierDetection>,
}

impl ClusterPolicy {
    pub fn is_empty(&self) -> bool {
        *self == ClusterPolicy::default()
    }

    /// From the target's resolver: its connect timeout (when not Consul's 5s) and balancing.
    pub fn of_resolver(connect_timeout: Duration, lb: Option<&LoadBalancer>) -> ClusterPolicy {
        let default = crate::model::service_resolver::DEFAULT_CONNECT_TIMEOUT;
        ClusterPolicy {
            connect_timeout: (connect_timeout.nanos > 0 && connect_timeout != default)
                .then(|| connect_timeout.go_string()),
            load_balancer: lb.and_then(Balancing::of),
            limits: None,
            outlier_detection: None,
        }
    }

    /// An ingress gateway service's limits (its own, else the entry's `Defaults`).
    pub fn add_ingress(&mut self, c: &IngressServiceConfig) {
        let limits =
            Limits::new(Some(c.max_connections), Some(c.max_pending_requests), Some(c.max_concurrent_requests));
        if limits.is_some() {
            self.limits = limits;
        }
        if let Some(p) = &c.passive_health_check {
            self.outlier_detection = Some(OutlierDetection::of(p));
        }
    }

    /// A caller's service-defaults `UpstreamConfig` item for this upstream (its override, else
    /// `Defaults`): `ConnectTimeoutMs` replaces every resolver's connect timeout in the chain
    /// (Consul's override), `Limits`, `PassiveHealthCheck`.
    pub fn add_upstream(&mut self, u: &UpstreamConfig) {
        if let Some(ms) = u.connect_timeout_ms.filter(|ms| *ms > 0) {
            self.connect_timeout = Some(Duration { nanos: u64::from(ms) * 1_000_000 }.go_string());
        }
        if let Some(l) = u.limits.as_ref().and_then(Limits::of_upstream) {
            self.limits = Some(l);
        }
        if let Some(p) = &u.passive_health_check {
            self.outlier_detection = Some(OutlierDetection::of(p));
        }
    }

    /// `connect 2s, ring_hash (ring 1024–4096), max 10 connections, eject after 3×5xx`.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(t) = &self.connect_timeout {
            out.push(format!("connect timeout {t}"));
        }
        if let Some(b) = &self.load_balancer {
            let mut s = b.policy.clone();
            if let Some(n) = b.choice_count {
                s.push_str(&format!(" (choose {n})"));
            }
            if b.minimum_ring_size.is_some() || b.maximum_ring_size.is_some() {
                let min = b.minimum_ring_size.map_or("-".to_string(), |n| n.to_string());
                let max = b.maximum_ring_size.map_or("-".to_string(), |n| n.to_string());
                s.push_str(&format!(" (ring {min}–{max})"));
            }
            out.push(s);
        }
        if let Some(l) = &self.limits {
            let parts: Vec<String> = [
                (l.max_connections, "connections"),
                (l.max_pending_requests, "pending"),
                (l.max_concurrent_requests, "requests"),
            ]
            .iter()
            .filter_map(|(n, what)| n.map(|n| format!("{n} {what}")))
            .collect();
            out.push(format!("max {}", parts.join(", ")));
        }
        if let Some(o) = &self.outlier_detection {
            let mut s = format!("eject after {}×5xx", o.max_failures.unwrap_or(5));
            if let Some(i) = &o.interval {
                s.push_str(&format!(" every {i}"));
            }
            if let Some(t) = &o.base_ejection_time {
                s.push_str(&format!(" for {t}"));
            }
            if let Some(p) = o.max_ejection_percent {
                s.push_str(&format!(" (≤{p}%)"));
            }
            out.push(s);
        }
        out
    }
}

/// Applies `f` to every target (failover targets included) of `routes`.
pub(crate) fn each_target<'a>(
    targets: impl Iterator<Item = &'a mut super::RouteTarget>,
    f: &impl Fn(&mut ClusterPolicy),
) {
    for t in targets {
        f(&mut t.policy);
        each_target(t.failover.iter_mut(), f);
    }
}

/// Every target of the virtual hosts' routes.
pub(crate) fn host_targets(hosts: &mut [super::VirtualHost]) -> impl Iterator<Item = &mut super::RouteTarget> {
    hosts.iter_mut().flat_map(|h| h.routes.iter_mut()).flat_map(|r| r.targets.iter_mut())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::service_resolver::{CookieConfig, HashPolicy as ModelHash};

    #[test]
    fn hash_policies_apply_only_to_hash_based_balancers() {
        let mut lb = LoadBalancer {
            policy: LbPolicy::LeastRequest,
            hash_policies: vec![ModelHash {
                field: HashField::Header,
                field_value: "x-user".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(HashPolicy::of(&lb).is_empty());
        lb.policy = LbPolicy::RingHash;
        assert_eq!(HashPolicy::of(&lb)[0].describe(), "header x-user");
    }

    #[test]
    fn a_session_cookie_is_a_zero_ttl() {
        let lb = LoadBalancer {
            policy: LbPolicy::Maglev,
            hash_policies: vec![
                ModelHash {
                    field: HashField::Cookie,
                    field_value: "s".into(),
                    cookie_config: Some(CookieConfig { session: true, ..Default::default() }),
                    ..Default::default()
                },
                ModelHash { source_ip: true, terminal: true, ..Default::default() },
            ],
            ..Default::default()
        };
        let hp = HashPolicy::of(&lb);
        assert_eq!(hp[0].cookie_ttl.as_deref(), Some("0s"));
        assert_eq!((hp[1].on, hp[1].terminal), (HashOn::SourceIp, true));
    }

    #[test]
    fn round_robin_and_the_default_connect_timeout_are_not_policies() {
        let lb = LoadBalancer { policy: LbPolicy::RoundRobin, ..Default::default() };
        assert!(ClusterPolicy::of_resolver(Duration::from_secs(5), Some(&lb)).is_empty());
        let p = ClusterPolicy::of_resolver(Duration::from_secs(2), None);
        assert_eq!(p.connect_timeout.as_deref(), Some("2s"));
    }

    #[test]
    fn upstream_config_overrides_the_connect_timeout_and_ignores_zero_limits() {
        let mut p = ClusterPolicy::of_resolver(Duration::from_secs(2), None);
        p.add_upstream(&UpstreamConfig {
            connect_timeout_ms: Some(250),
            limits: Some(UpstreamLimits {
                max_connections: Some(0),
                max_pending_requests: Some(3),
                ..Default::default()
            }),
            ..Default::default()
        });
        assert_eq!(p.connect_timeout.as_deref(), Some("250ms"));
        assert_eq!(p.limits, Some(Limits { max_pending_requests: Some(3), ..Limits::default() }));
    }
}
