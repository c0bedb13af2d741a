//! Summaries for people: route matches and load balancers as one line each.

use super::LoadBalancerSummary;
use crate::model::service_resolver::{HashField, LbPolicy, LoadBalancer};
use crate::model::service_router::{HeaderMatch, HttpMatch, PathMatch, QueryParamMatch, ValueMatch};

pub(super) fn is_hash_policy(policy: &str) -> bool {
    policy == LbPolicy::RingHash.as_str() || policy == LbPolicy::Maglev.as_str()
}

pub(super) fn summarize_lb(lb: &LoadBalancer) -> LoadBalancerSummary {
    let policy = if lb.policy == LbPolicy::Unset { LbPolicy::RoundRobin } else { lb.policy };
    let ring = lb.ring_hash_config.as_ref();
    LoadBalancerSummary {
        config: lb.clone(),
        policy: policy.as_str().to_string(),
        minimum_ring_size: ring.map(|r| r.minimum_ring_size).filter(|n| *n > 0),
        maximum_ring_size: ring.map(|r| r.maximum_ring_size).filter(|n| *n > 0),
        choice_count: lb.least_request_config.as_ref().map(|l| l.choice_count).filter(|n| *n > 0),
        hash_policies: lb
            .hash_policies
            .iter()
            .map(|hp| {
                let mut text = if hp.source_ip {
                    "source IP".to_string()
                } else {
                    let field = match hp.field {
                        HashField::QueryParameter => "query parameter",
                        other => other.as_str(),
                    };
                    format!("{field} {}", hp.field_value)
                };
                if let Some(c) = &hp.cookie_config {
                    let mut parts = Vec::new();
                    if c.session {
                        parts.push("session".to_string());
                    }
                    if c.ttl.nanos > 0 {
                        parts.push(format!("ttl {}", c.ttl.go_string()));
                    }
                    if !c.path.is_empty() {
                        parts.push(format!("path {}", c.path));
                    }
                    if !parts.is_empty() {
                        text.push_str(&format!(" ({})", parts.join(", ")));
                    }
                }
                if hp.terminal {
                    text.push_str(" (terminal)");
                }
                text
            })
            .collect(),
    }
}

fn describe_value(kind: Option<ValueMatch<'_>>) -> String {
    match kind {
        Some(ValueMatch::Present) | None => "present".to_string(),
        Some(ValueMatch::Exact(v)) => format!("exact {}", crate::json::quote(v)),
        Some(ValueMatch::Prefix(v)) => format!("prefix {}", crate::json::quote(v)),
        Some(ValueMatch::Suffix(v)) => format!("suffix {}", crate::json::quote(v)),
        Some(ValueMatch::Regex(v)) => format!("regex {}", crate::json::quote(v)),
    }
}

/// `PathPrefix "/admin", Header x-debug present, Methods GET|POST`.
pub(super) fn describe_match(m: &HttpMatch) -> String {
    let mut parts = Vec::new();
    let ci = if m.case_insensitive { " (case-insensitive)" } else { "" };
    match m.path() {
        PathMatch::Any => {}
        PathMatch::Exact(p) => parts.push(format!("PathExact {}{ci}", crate::json::quote(p))),
        PathMatch::Prefix(p) => parts.push(format!("PathPrefix {}{ci}", crate::json::quote(p))),
        PathMatch::Regex(p) => parts.push(format!("PathRegex {}{ci}", crate::json::quote(p))),
    }
    for h in &m.header {
        parts.push(describe_header(h));
    }
    for q in &m.query_param {
        parts.push(describe_query(q));
    }
    if !m.methods.is_empty() {
        let methods: Vec<&str> = m.methods.iter().map(|x| x.as_str()).collect();
        parts.push(format!("Methods {}", methods.join("|")));
    }
    if parts.is_empty() {
        "any request".to_string()
    } else {
        parts.join(", ")
    }
}

fn describe_header(h: &HeaderMatch) -> String {
    let not = if h.invert { "not " } else { "" };
    format!("Header {} {not}{}", h.name, describe_value(h.kind()))
}

fn describe_query(q: &QueryParamMatch) -> String {
    format!("QueryParam {} {}", q.name, describe_value(q.kind()))
}
