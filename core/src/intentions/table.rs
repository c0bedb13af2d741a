//! The indexed intention table and the decision function every host calls.

use super::http::{CompiledMatch, HttpRequest, Mismatch, RegexError};
use super::jwt::{JwtFailure, JwtRequirement};
use super::path::{self, Normalization, PathRejection};
use super::{order, Action, Intention, Request, WILDCARD};
use crate::identity::or_default;
use crate::shared::SharedStr;
use rustc_hash::FxHashMap as FastMap;
use serde::Serialize;
use std::borrow::Cow;

type Id = u32;

/// Intentions sorted by precedence and indexed for O(1) decisions.
#[derive(Clone, Debug)]
pub struct IntentionTable {
    intentions: Vec<Intention>,
    /// Per intention, its compiled permissions: an index into `compiled` (neighbours with equal
    /// permission lists share one; at 100 000 intentions compiling each once matters).
    permissions: Vec<u32>,
    compiled: Vec<Vec<CompiledMatch>>,
    /// Interned names; the keys share the intentions' strings (no copy per source name).
    names: FastMap<SharedStr, Id>,
    /// The id of `default`, when interned: most partitions and namespaces a request names are
    /// `default`, and comparing 7 bytes is cheaper than hashing them (four lookups per decision).
    default_id: Option<Id>,
    /// (partition, namespace, name) of the destination → sources.
    exact_destinations: FastMap<(Id, Id, Id), Bucket>,
    /// (partition, namespace) → sources, for destination name `*`.
    namespace_destinations: FastMap<(Id, Id), Bucket>,
    /// partition → sources, for destination `*/*`.
    partition_destinations: FastMap<Id, Bucket>,
    default_policy: Action,
    normalization: Normalization,
}

/// The sources of one destination pattern. Values index `intentions`; a smaller index is a
/// higher-ranked intention.
#[derive(Clone, Debug, Default)]
struct Bucket {
    /// (partition or peer scope, namespace, name)
    exact: FastMap<(Scope, Id, Id), u32>,
    /// (scope, namespace) for source name `*`
    any_name: FastMap<(Scope, Id), u32>,
    /// scope, for source `*/*`
    any_namespace: FastMap<Scope, u32>,
}

#[derive(Clone, Copy)]
enum DestKey {
    Exact((Id, Id, Id)),
    AnyName((Id, Id)),
    AnyNamespace(Id),
}

enum SourceKey {
    Exact((Scope, Id, Id)),
    AnyName((Scope, Id)),
    AnyNamespace(Scope),
}

/// Local sources are scoped by partition, peered ones by peer name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Scope {
    Partition(Id),
    Peer(Id),
}

/// Why a decision came out as it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Reason {
    /// An L4 intention matched.
    Intention,
    /// An L7 intention matched and so did one of its permissions.
    Permission,
    /// An L7 intention matched but none of its permissions did: the default policy decides.
    NoPermissionMatched,
    /// An L7 intention matched a connection that carries no HTTP request.
    L7OnTcp,
    /// The request path could not be normalized safely.
    PathRejected { rejection: PathRejectionKind },
    /// What would allow the request (the intention, or the permission in `Decision::permission`)
    /// requires a JWT the request does not satisfy.
    Jwt { failure: JwtFailure },
    /// No intention matched: the default policy decides.
    NoIntention,
}

/// [`PathRejection`] in a serializable form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum PathRejectionKind {
    NotOriginForm,
    BadPercentEncoding,
    EscapedSlash,
    Backslash,
    ControlCharacter,
    /// A `;` path parameter, which Java servers strip before routing.
    PathParameter,
    /// The path's bytes are not UTF-8 (HTTP/2 lets raw bytes through).
    NotText,
}

impl PathRejectionKind {
    /// What is wrong with the path, for a person.
    pub fn describe(self) -> &'static str {
        match self {
            PathRejectionKind::NotOriginForm => "the request path does not start with `/`",
            PathRejectionKind::BadPercentEncoding => "the request path has an invalid percent-encoding",
            PathRejectionKind::EscapedSlash => {
                "the request path has an encoded slash (%2F or %5C), which mesh policy rejects"
            }
            PathRejectionKind::Backslash => "the request path has a backslash, which mesh policy rejects",
            PathRejectionKind::ControlCharacter => "the request path has a control character",
            PathRejectionKind::PathParameter => {
                "the request path has a `;` parameter, which servers such as Tomcat strip before routing (allowed only when the mesh entry sets InsecureDisablePathNormalization)"
            }
            PathRejectionKind::NotText => "the request path is not UTF-8 text",
        }
    }
}

impl From<PathRejection> for PathRejectionKind {
    fn from(r: PathRejection) -> Self {
        match r {
            PathRejection::NotOriginForm => PathRejectionKind::NotOriginForm,
            PathRejection::BadPercentEncoding => PathRejectionKind::BadPercentEncoding,
            PathRejection::EscapedSlash => PathRejectionKind::EscapedSlash,
            PathRejection::Backslash => PathRejectionKind::Backslash,
            PathRejection::ControlCharacter => PathRejectionKind::ControlCharacter,
            PathRejection::PathParameter => PathRejectionKind::PathParameter,
        }
    }
}

/// The outcome of one check. Borrows the table: making a decision allocates nothing unless the
/// path needed rewriting.
#[derive(Clone, Debug)]
pub struct Decision<'t, 'r> {
    pub allowed: bool,
    pub reason: Reason,
    pub intention: Option<&'t Intention>,
    /// Index into the matched intention's permissions.
    pub permission: Option<usize>,
    pub default_used: bool,
    /// The path L7 rules were matched against (set when an L7 intention looked at it).
    pub normalized_path: Option<Cow<'r, str>>,
    pub default_policy: Action,
}

impl Decision<'_, '_> {
    /// One sentence a person can act on.
    pub fn explain(&self) -> String {
        let verdict = if self.allowed { "allowed" } else { "denied" };
        let cite = |i: &Intention| format!("intention {} (precedence {}, {})", i.label(), i.precedence, i.origin);
        match (self.reason, self.intention) {
            (Reason::Intention, Some(i)) => format!("{verdict} by {}", cite(i)),
            (Reason::Permission, Some(i)) => format!(
                "{verdict} by permission #{} of {}",
                self.permission.map(|p| p + 1).unwrap_or(0),
                cite(i)
            ),
            (Reason::NoPermissionMatched, Some(i)) => format!(
                "{verdict} by the default policy ({}): {} matched the source but none of its {} permissions matched the request",
                self.default_policy.as_str(),
                cite(i),
                i.permissions.len()
            ),
            (Reason::L7OnTcp, Some(i)) => format!(
                "{verdict}: {} has HTTP permissions, but this connection carries no HTTP request (a tcp service)",
                cite(i)
            ),
            (Reason::PathRejected { rejection }, _) => {
                format!("{verdict}: {}", PathRejectionKind::describe(rejection))
            }
            (Reason::Jwt { failure }, Some(i)) => {
                let (what, jwt) = match self.permission.and_then(|p| i.permissions.get(p)) {
                    Some(p) => (
                        format!("permission #{} of {}", self.permission.map(|p| p + 1).unwrap_or(0), cite(i)),
                        p.jwt.as_ref(),
                    ),
                    None => (cite(i), i.jwt.as_ref()),
                };
                let providers = jwt.map(JwtRequirement::names).unwrap_or_default();
                format!("{verdict}: {what} requires a JWT from {providers}; {}", failure.describe())
            }
            _ => format!("{verdict} by the default policy ({}): no intention matches", self.default_policy.as_str()),
        }
    }
}

/// One intention as the trace saw it (the playground's Simulate view and `check --trace`).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TraceStep {
    pub intention: String,
    pub precedence: u8,
    pub origin: String,
    /// `matched`, or why not: "source name is api, not web".
    pub outcome: String,
    pub permissions: Vec<String>,
}

/// The table could not be built (a regex from a plan did not compile).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("intention {intention}: {source}")]
pub struct TableError {
    pub intention: String,
    #[source]
    pub source: RegexError,
}

impl IntentionTable {
    /// Sorts and indexes. Of two intentions with identical source and destination (rejected by
    /// validation), the first in precedence order wins.
    pub fn new(
        mut intentions: Vec<Intention>,
        default_policy: Action,
        normalization: Normalization,
    ) -> Result<IntentionTable, TableError> {
        // Plans arrive ranked already; checking is cheaper than sorting again.
        if !intentions.is_sorted_by(|a, b| order(a, b).is_le()) {
            intentions.sort_by_cached_key(super::rank_key);
        }
        let mut permissions = Vec::with_capacity(intentions.len());
        let mut compiled: Vec<Vec<CompiledMatch>> = Vec::new();
        for (n, i) in intentions.iter().enumerate() {
            // Neighbours often carry the same permissions (one entry's sources, generated
            // configs): compile a list once per run of equal lists.
            // A plan read from the wire shares one list between such neighbours: no comparing.
            let same = n
                .checked_sub(1)
                .and_then(|p| intentions.get(p))
                .is_some_and(|p| p.permissions.same(&i.permissions) || p.permissions == i.permissions);
            if !same {
                let list = i
                    .permissions
                    .iter()
                    .map(|p| CompiledMatch::new(&p.http))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|source| TableError { intention: i.label(), source })?;
                compiled.push(list);
            }
            permissions.push(u32::try_from(compiled.len().saturating_sub(1)).unwrap_or(u32::MAX));
        }
        let mut t = IntentionTable {
            intentions: Vec::new(),
            permissions,
            compiled,
            // Every source is usually a distinct name: size once rather than rehash 17 times.
            names: FastMap::with_capacity_and_hasher(intentions.len() + 8, Default::default()),
            default_id: None,
            exact_destinations: FastMap::default(),
            namespace_destinations: FastMap::default(),
            partition_destinations: FastMap::default(),
            default_policy,
            normalization,
        };
        // Neighbours usually share a destination and a source tenancy, and a plan read from the
        // wire shares those strings: reuse the previous keys instead of hashing them again.
        let mut last_dest: Option<(&super::Destination, DestKey)> = None;
        let mut last_tenancy: Option<(&super::Source, Scope, Option<Id>)> = None;
        for (index, i) in intentions.iter().enumerate() {
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let dest = match last_dest {
                Some((d, key)) if same_destination(d, &i.destination) => key,
                _ => t.destination_key(&i.destination),
            };
            last_dest = Some((&i.destination, dest));
            let tenancy = match last_tenancy {
                Some((s, scope, ns)) if same_tenancy(s, &i.source) => (scope, ns),
                _ => t.source_tenancy(&i.source),
            };
            last_tenancy = Some((&i.source, tenancy.0, tenancy.1));
            let source = t.source_key(&i.source, tenancy);
            let bucket = match dest {
                DestKey::Exact(k) => t.exact_destinations.entry(k).or_default(),
                DestKey::AnyName(k) => t.namespace_destinations.entry(k).or_default(),
                DestKey::AnyNamespace(k) => t.partition_destinations.entry(k).or_default(),
            };
            match source {
                SourceKey::Exact(k) => bucket.exact.entry(k).or_insert(index),
                SourceKey::AnyName(k) => bucket.any_name.entry(k).or_insert(index),
                SourceKey::AnyNamespace(k) => bucket.any_namespace.entry(k).or_insert(index),
            };
        }
        t.intentions = intentions;
        t.default_id = t.names.get(crate::identity::DEFAULT).copied();
        Ok(t)
    }

    fn intern(&mut self, s: &SharedStr) -> Id {
        if let Some(id) = self.names.get(s.as_str()) {
            return *id;
        }
        let id = Id::try_from(self.names.len()).unwrap_or(Id::MAX);
        self.names.insert(s.clone(), id);
        id
    }

    /// [`Self::intern`] of a namespace or partition, empty meaning `default` (as [`or_default`]).
    /// `default` is looked up first: a string is made for it only the first time.
    fn intern_tenancy(&mut self, s: &SharedStr) -> Id {
        if !s.is_empty() {
            return self.intern(s);
        }
        match self.names.get(crate::identity::DEFAULT) {
            Some(id) => *id,
            None => self.intern(&SharedStr::from(crate::identity::DEFAULT)),
        }
    }

    fn destination_key(&mut self, d: &super::Destination) -> DestKey {
        let ap = self.intern_tenancy(&d.partition);
        if d.namespace == WILDCARD {
            return DestKey::AnyNamespace(ap);
        }
        let ns = self.intern_tenancy(&d.namespace);
        if d.name == WILDCARD {
            return DestKey::AnyName((ap, ns));
        }
        DestKey::Exact((ap, ns, self.intern(&d.name)))
    }

    /// A source's scope and namespace (`None` for the `*` namespace).
    fn source_tenancy(&mut self, s: &super::Source) -> (Scope, Option<Id>) {
        let scope = if s.peer.is_empty() {
            Scope::Partition(self.intern_tenancy(&s.partition))
        } else {
            Scope::Peer(self.intern(&s.peer))
        };
        let ns = (s.namespace != WILDCARD).then(|| self.intern_tenancy(&s.namespace));
        (scope, ns)
    }

    fn source_key(&mut self, s: &super::Source, (scope, ns): (Scope, Option<Id>)) -> SourceKey {
        let Some(ns) = ns else { return SourceKey::AnyNamespace(scope) };
        if s.name == WILDCARD {
            return SourceKey::AnyName((scope, ns));
        }
        SourceKey::Exact((scope, ns, self.intern(&s.name)))
    }

    fn compiled_permissions(&self, index: usize) -> Option<&Vec<CompiledMatch>> {
        self.permissions.get(index).and_then(|slot| self.compiled.get(*slot as usize))
    }

    pub fn intentions(&self) -> &[Intention] {
        &self.intentions
    }

    pub fn default_policy(&self) -> Action {
        self.default_policy
    }

    pub fn normalization(&self) -> Normalization {
        self.normalization
    }

    /// The highest-ranked intention whose source and destination match, if any.
    pub fn find(&self, req: &Request<'_>) -> Option<usize> {
        let id = |s: &str| self.names.get(s).copied();
        // A partition or namespace: empty means `default`, whose id is at hand.
        let tenancy = |s: &str| match or_default(s) {
            crate::identity::DEFAULT => self.default_id,
            s => id(s),
        };
        let d = req.destination;
        let d_ap = tenancy(d.partition)?;
        let d_ns = tenancy(d.namespace);
        let d_name = id(d.name);
        let c = req.source;
        let scope =
            if c.peer.is_empty() { tenancy(c.partition).map(Scope::Partition) } else { id(c.peer).map(Scope::Peer) }?;
        let c_ns = tenancy(c.namespace);
        let c_name = id(c.name);
        let lookup = |b: &Bucket| -> Option<u32> {
            if let (Some(ns), Some(name)) = (c_ns, c_name) {
                if let Some(i) = b.exact.get(&(scope, ns, name)) {
                    return Some(*i);
                }
            }
            if let Some(ns) = c_ns {
                if let Some(i) = b.any_name.get(&(scope, ns)) {
                    return Some(*i);
                }
            }
            b.any_namespace.get(&scope).copied()
        };
        let exact = match (d_ns, d_name) {
            (Some(ns), Some(name)) => self.exact_destinations.get(&(d_ap, ns, name)).and_then(lookup),
            _ => None,
        };
        let found = exact
            .or_else(|| d_ns.and_then(|ns| self.namespace_destinations.get(&(d_ap, ns))).and_then(lookup))
            .or_else(|| self.partition_destinations.get(&d_ap).and_then(lookup));
        found.map(|i| i as usize)
    }

    /// Decides one request. An HTTP request whose path cannot be normalized safely is denied
    /// whatever the intentions say, as the filter refuses it (400) before any rule.
    pub fn decide<'t, 'r>(&'t self, req: &Request<'r>) -> Decision<'t, 'r> {
        self.decide_found(req, self.find(req), None)
    }

    /// [`Self::decide`] given [`Self::find`]'s answer for `req` (from a caller that remembers
    /// it: see `gateway::memo`) and, where the caller normalized the request's path already
    /// (with this table's [`Normalization`]), `normalized`: what [`path::normalize`] gave.
    pub fn decide_found<'t, 'r>(
        &'t self,
        req: &Request<'r>,
        found: Option<usize>,
        normalized: Option<Cow<'r, str>>,
    ) -> Decision<'t, 'r> {
        let default = |reason| Decision {
            allowed: self.default_policy == Action::Allow,
            reason,
            intention: None,
            permission: None,
            default_used: true,
            normalized_path: None,
            default_policy: self.default_policy,
        };
        let normalized =
            match req.http.map(|h| normalized.map_or_else(|| path::normalize(h.path, self.normalization), Ok)) {
                Some(Err(rejection)) => {
                    return Decision {
                        allowed: false,
                        default_used: false,
                        ..default(Reason::PathRejected { rejection: rejection.into() })
                    };
                }
                Some(Ok(p)) => Some(p),
                None => None,
            };
        let Some(index) = found else { return default(Reason::NoIntention) };
        let (Some(intention), Some(compiled)) = (self.intentions.get(index), self.compiled_permissions(index)) else {
            return default(Reason::NoIntention);
        };
        let mut d = Decision { intention: Some(intention), ..default(Reason::Intention) };
        if let Some(action) = intention.action {
            d.allowed = action == Action::Allow;
            d.default_used = false;
            if d.allowed {
                entry_jwt(&mut d, intention, req.http);
            }
            return d;
        }
        let Some(http) = req.http else {
            d.allowed = false;
            d.default_used = false;
            d.reason = Reason::L7OnTcp;
            return d;
        };
        // The normalized path is reported when a permission looked at it.
        let normalized = normalized.filter(|_| compiled.iter().any(CompiledMatch::needs_path));
        let path = normalized.as_deref().unwrap_or(http.path);
        // An allow permission whose HTTP match held but whose JWT did not: when nothing else
        // matches and the default denies, it is why (401/403 with a JWT reason, not a bare 403).
        let mut jwt_miss = None;
        for (pi, (perm, m)) in intention.permissions.iter().zip(compiled).enumerate() {
            if m.mismatch(http.method, path, http.headers, perm.action == Action::Allow).is_none() {
                if let Some(jwt) = &perm.jwt {
                    if let Err(failure) = jwt.check(http.jwt, http.path, http.headers) {
                        if perm.action == Action::Allow && jwt_miss.is_none() {
                            jwt_miss = Some((pi, failure));
                        }
                        continue;
                    }
                }
                d.allowed = perm.action == Action::Allow;
                d.default_used = false;
                d.permission = Some(pi);
                d.reason = Reason::Permission;
                d.normalized_path = normalized;
                if d.allowed {
                    entry_jwt(&mut d, intention, Some(http));
                }
                return d;
            }
        }
        d.reason = Reason::NoPermissionMatched;
        d.normalized_path = normalized;
        if let (false, Some((pi, failure))) = (d.allowed, jwt_miss) {
            d.reason = Reason::Jwt { failure };
            d.permission = Some(pi);
        }
        d
    }

    /// Every intention that could apply to the destination, in the order considered, with why
    /// each did or did not match. Allocates freely: for people, not for the data path.
    pub fn trace(&self, req: &Request<'_>) -> Vec<TraceStep> {
        let chosen = self.find(req);
        let d = req.destination;
        let mut steps = Vec::new();
        for (index, i) in self.intentions.iter().enumerate() {
            if !pattern_matches(&i.destination.partition, d.partition, false)
                || !pattern_matches(&i.destination.namespace, d.namespace, true)
                || !pattern_matches(&i.destination.name, d.name, true)
            {
                continue;
            }
            let outcome = if Some(index) == chosen {
                "matched: this intention decides".to_string()
            } else if let Some(why) = source_mismatch(i, req) {
                why
            } else {
                "matches too, but a higher-ranked intention decided first".to_string()
            };
            let mut permissions = Vec::new();
            if Some(index) == chosen {
                if let (Some(http), Some(compiled)) = (req.http, self.compiled_permissions(index)) {
                    let normalized = path::normalize(http.path, self.normalization);
                    let p = normalized.as_deref().unwrap_or(http.path);
                    for (pi, (perm, m)) in i.permissions.iter().zip(compiled).enumerate() {
                        let jwt = perm.jwt.as_ref().map(|j| j.check(http.jwt, http.path, http.headers));
                        let what = match m.mismatch(http.method, p, http.headers, perm.action == Action::Allow) {
                            None => match jwt {
                                Some(Err(f)) => format!(
                                    "#{} {}: HTTP matches, JWT does not ({}: {})",
                                    pi + 1,
                                    perm.action.as_str(),
                                    f.code(),
                                    f.describe()
                                ),
                                _ => format!("#{} {}: matches", pi + 1, perm.action.as_str()),
                            },
                            Some(Mismatch::Path) => {
                                format!("#{} {}: path {p} does not match", pi + 1, perm.action.as_str())
                            }
                            Some(Mismatch::Method) => {
                                format!(
                                    "#{} {}: method {} is not one of {}",
                                    pi + 1,
                                    perm.action.as_str(),
                                    http.method,
                                    perm.http.methods.join(", ")
                                )
                            }
                            Some(Mismatch::Header(h)) => format!(
                                "#{} {}: header `{}` does not match",
                                pi + 1,
                                perm.action.as_str(),
                                perm.http.headers.get(h).map(|x| x.name.as_str()).unwrap_or("?")
                            ),
                        };
                        permissions.push(what);
                    }
                }
            }
            steps.push(TraceStep {
                intention: i.label(),
                precedence: i.precedence,
                origin: i.origin.to_string(),
                outcome,
                permissions,
            });
        }
        steps
    }
}

/// An allow decided by the intention or one of its permissions stands only when the request
/// satisfies the entry's JWT requirement. A connection without HTTP carries no token.
fn entry_jwt(d: &mut Decision<'_, '_>, intention: &Intention, http: Option<HttpRequest<'_>>) {
    let Some(jwt) = &intention.jwt else { return };
    let outcome = match http {
        Some(h) => jwt.check(h.jwt, h.path, h.headers),
        None => jwt.check(None, "", &[]),
    };
    if let Err(failure) = outcome {
        d.allowed = false;
        d.permission = None;
        d.reason = Reason::Jwt { failure };
    }
}

/// The same destination by identity (shared strings), which implies equal values.
fn same_destination(a: &super::Destination, b: &super::Destination) -> bool {
    a.name.same(&b.name) && a.namespace.same(&b.namespace) && a.partition.same(&b.partition)
}

/// The same source partition, peer and namespace by identity.
fn same_tenancy(a: &super::Source, b: &super::Source) -> bool {
    a.partition.same(&b.partition) && a.peer.same(&b.peer) && a.namespace.same(&b.namespace)
}

fn pattern_matches(pattern: &str, value: &str, wildcard_ok: bool) -> bool {
    (wildcard_ok && pattern == WILDCARD) || or_default(pattern) == or_default(value)
}

fn source_mismatch(i: &Intention, req: &Request<'_>) -> Option<String> {
    let s = &i.source;
    let c = req.source;
    if s.peer != c.peer {
        return Some(match (s.peer.is_empty(), c.peer.is_empty()) {
            (true, false) => format!("source is local; the caller comes from peer {}", c.peer),
            (false, true) => format!("source is from peer {}; the caller is local", s.peer),
            _ => format!("source peer is {}, not {}", s.peer, c.peer),
        });
    }
    if s.peer.is_empty() && or_default(&s.partition) != or_default(c.partition) {
        return Some(format!("source partition is {}, not {}", or_default(&s.partition), or_default(c.partition)));
    }
    if !pattern_matches(&s.namespace, c.namespace, true) {
        return Some(format!("source namespace is {}, not {}", or_default(&s.namespace), or_default(c.namespace)));
    }
    if !pattern_matches(&s.name, c.name, true) {
        return Some(format!("source name is {}, not {}", s.name, c.name));
    }
    None
}
