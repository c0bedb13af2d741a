//! A linear reference model of the intention decision, to check
//! [`IntentionTable`](super::IntentionTable) against.
//!
//! The table indexes intentions by destination and source pattern and shares compiled permission
//! lists between neighbours; this model does neither. It scans every intention, keeps the ones
//! whose source and destination match the request, takes the first in Consul's precedence order
//! ([`order`], ties kept in the order given, as the table's stable sort keeps them), and applies
//! the documented rules: an L4 intention's action; an L7 intention on a connection without HTTP
//! denies; else its first matching permission, compiled on its own, decides, and when none
//! matches the default policy does. Permission matching itself ([`CompiledMatch`]) and path
//! normalization are shared with the table: they are not what the index could get wrong.
//!
//! Why a cargo feature (`reference-model`) and not a `#[doc(hidden)] pub mod`: the model is
//! compiled only for core's own tests and for crates that ask for it (the fuzz targets), so the
//! filter and the page never carry it, and `cargo tree -e features` names every crate that turns
//! it on. It is small, and it has its own tests below.

use super::http::{CompiledMatch, RegexError};
use super::path::{self, Normalization};
use super::table::Reason;
use super::{order, Action, Intention, Request, WILDCARD};
use crate::identity::or_default;

/// What the table must answer for a request.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected<'t> {
    pub allowed: bool,
    pub reason: Reason,
    pub intention: Option<&'t Intention>,
    /// Index into the intention's permissions, when one decided.
    pub permission: Option<usize>,
}

/// The intention that decides `req`: the first in precedence order whose source and destination
/// match. Empty namespaces and partitions mean `default`; `*` matches any name or namespace.
pub fn find<'t>(intentions: &'t [Intention], req: &Request<'_>) -> Option<&'t Intention> {
    intentions.iter().filter(|i| matches(i, req)).min_by(|a, b| order(a, b))
}

fn matches(i: &Intention, req: &Request<'_>) -> bool {
    let (s, c) = (&i.source, &req.source);
    let (d, t) = (&i.destination, &req.destination);
    let tenancy = |pattern: &str, value: &str| pattern == WILDCARD || or_default(pattern) == or_default(value);
    let name = |pattern: &str, value: &str| pattern == WILDCARD || pattern == value;
    // A source with a peer matches only that peer's callers; one without, only local callers of
    // its partition. A wildcard namespace covers every name in it.
    s.peer == c.peer
        && (!s.peer.is_empty() || or_default(&s.partition) == or_default(c.partition))
        && tenancy(&s.namespace, c.namespace)
        && (s.namespace == WILDCARD || name(&s.name, c.name))
        && or_default(&d.partition) == or_default(t.partition)
        && tenancy(&d.namespace, t.namespace)
        && (d.namespace == WILDCARD || name(&d.name, t.name))
}

/// The whole decision for `req`. Fails only when a permission's regex does not compile (the
/// table refuses such intentions when it is built).
pub fn decide<'t>(
    intentions: &'t [Intention],
    default_policy: Action,
    normalization: Normalization,
    req: &Request<'_>,
) -> Result<Expected<'t>, RegexError> {
    let by_default =
        |reason, intention| Expected { allowed: default_policy == Action::Allow, reason, intention, permission: None };
    // A path that cannot be normalized is refused before any intention is consulted.
    let normalized = match req.http.map(|h| path::normalize(h.path, normalization)) {
        Some(Err(r)) => {
            return Ok(Expected {
                allowed: false,
                reason: Reason::PathRejected { rejection: r.into() },
                intention: None,
                permission: None,
            })
        }
        Some(Ok(p)) => Some(p),
        None => None,
    };
    let Some(intention) = find(intentions, req) else { return Ok(by_default(Reason::NoIntention, None)) };
    let decided = |allowed, reason, permission| Expected { allowed, reason, intention: Some(intention), permission };
    if let Some(action) = intention.action {
        return Ok(decided(action == Action::Allow, Reason::Intention, None));
    }
    let Some(http) = req.http else { return Ok(decided(false, Reason::L7OnTcp, None)) };
    let path = normalized.as_deref().unwrap_or(http.path);
    for (index, permission) in intention.permissions.iter().enumerate() {
        let allow = permission.action == Action::Allow;
        if CompiledMatch::new(&permission.http)?.mismatch(http.method, path, http.headers, allow).is_none() {
            return Ok(decided(allow, Reason::Permission, Some(index)));
        }
    }
    Ok(by_default(Reason::NoPermissionMatched, Some(intention)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intentions::http::{HttpMatch, HttpRequest, Permission};
    use crate::intentions::{precedence, Caller, Destination, Origin, ServiceName, Source};

    fn intention(source: (&str, &str), destination: &str, action: Option<Action>) -> Intention {
        let source = Source {
            name: source.1.into(),
            namespace: source.0.into(),
            partition: "default".into(),
            peer: Default::default(),
        };
        let destination =
            Destination { name: destination.into(), namespace: Default::default(), partition: Default::default() };
        let precedence = precedence(&source, &destination);
        Intention {
            source,
            destination,
            action,
            permissions: Default::default(),
            jwt: None,
            precedence,
            origin: Origin::default(),
        }
    }

    fn request<'a>(name: &'a str, namespace: &'a str, destination: &'a str) -> Request<'a> {
        Request {
            source: Caller { name, namespace, partition: "", peer: "" },
            destination: ServiceName { name: destination, namespace: "default", partition: "default" },
            http: None,
        }
    }

    #[test]
    fn the_most_precise_matching_intention_decides_and_empty_means_default() {
        let all = [
            intention(("*", "*"), "*", Some(Action::Deny)),
            intention(("default", "*"), "db", Some(Action::Deny)),
            intention(("default", "web"), "db", Some(Action::Allow)),
            intention(("team", "web"), "db", Some(Action::Deny)),
        ];
        let d = find(&all, &request("web", "", "db"));
        assert_eq!(d.map(|i| i.source.name.as_str()), Some("web"));
        assert_eq!(d.map(|i| i.source.namespace.as_str()), Some("default"));
        let d = find(&all, &request("api", "default", "db"));
        assert_eq!(d.map(|i| i.precedence), Some(8));
        let d = find(&all, &request("api", "other", "cache"));
        assert_eq!(d.map(|i| i.precedence), Some(4));
        assert!(find(&all[1..], &request("api", "other", "cache")).is_none());
    }

    #[test]
    fn decisions_follow_the_documented_rules() -> Result<(), RegexError> {
        let none = Normalization::default();
        let mut l7 = intention(("default", "web"), "db", None);
        l7.permissions = vec![Permission {
            action: Action::Deny,
            http: HttpMatch { path_prefix: Some("/admin".into()), ..Default::default() },
            jwt: None,
        }]
        .into();
        let all = [l7, intention(("default", "*"), "db", Some(Action::Deny))];
        let tcp = request("web", "default", "db");
        let d = decide(&all, Action::Allow, none, &tcp)?;
        assert_eq!((d.allowed, d.reason), (false, Reason::L7OnTcp));
        let http = |path| Request { http: Some(HttpRequest { method: "GET", path, headers: &[], jwt: None }), ..tcp };
        let d = decide(&all, Action::Allow, none, &http("/./admin/x"))?;
        assert_eq!((d.allowed, d.reason, d.permission), (false, Reason::Permission, Some(0)));
        // No permission matches: the default policy, not the lower `*` intention.
        let d = decide(&all, Action::Allow, none, &http("/ok"))?;
        assert_eq!((d.allowed, d.reason), (true, Reason::NoPermissionMatched));
        let d = decide(&all, Action::Allow, none, &http("/a%2Fb"))?;
        assert!(matches!(d.reason, Reason::PathRejected { .. }) && !d.allowed);
        let d = decide(&all, Action::Deny, none, &request("x", "elsewhere", "db"))?;
        assert_eq!((d.allowed, d.reason, d.intention), (false, Reason::NoIntention, None));
        Ok(())
    }
}
