//! HTTP routing at ingress and API gateways: listener → virtual host (by `Host`) → the first
//! route whose match holds → a weighted target.

use super::names::{ascii_lower, LabelTrie, NameBuf, MAX_NAME};
use super::Error;
use crate::intentions::http::full_match_regex;
use crate::plan::gateways::{HttpRoute, MatchKind, RouteMatch, RouteTarget, ValueMatch, VirtualHost};
use rustc_hash::FxHashMap as FastMap;

/// One http-like listener's virtual hosts, indexed by domain.
#[derive(Clone, Debug)]
pub(crate) struct HostIndex {
    pub port: u16,
    pub hosts: Vec<VirtualHost>,
    routes: Vec<Vec<CompiledRoute>>,
    exact: FastMap<Box<str>, u32>,
    /// `*.suffix` by labels.
    suffix_labels: LabelTrie,
    /// Other `*suffix` patterns (`*-api.example.com`), longest first.
    suffix_other: Vec<(Box<str>, u32)>,
    /// `prefix*` patterns (`web.ingress.*`), longest first.
    prefix: Vec<(Box<str>, u32)>,
    any: Option<u32>,
}

/// How the virtual host was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostMatch {
    Exact,
    Suffix,
    Prefix,
    Any,
}

impl HostMatch {
    pub fn as_str(self) -> &'static str {
        match self {
            HostMatch::Exact => "exact",
            HostMatch::Suffix => "suffix wildcard",
            HostMatch::Prefix => "prefix wildcard",
            HostMatch::Any => "`*`",
        }
    }
}

impl HostIndex {
    pub fn new(port: u16, hosts: &[VirtualHost]) -> Result<HostIndex, Error> {
        let mut index = HostIndex {
            port,
            hosts: hosts.to_vec(),
            routes: Vec::with_capacity(hosts.len()),
            exact: FastMap::default(),
            suffix_labels: LabelTrie::default(),
            suffix_other: Vec::new(),
            prefix: Vec::new(),
            any: None,
        };
        for (i, host) in hosts.iter().enumerate() {
            let id = u32::try_from(i).map_err(|_| Error::TooLarge { what: "virtual hosts" })?;
            for domain in &host.domains {
                let d = domain.to_ascii_lowercase();
                let d = strip_port(&d);
                if d == "*" {
                    index.any.get_or_insert(id);
                } else if let Some(suffix) = d.strip_prefix("*.") {
                    index.suffix_labels.insert(suffix, id);
                } else if let Some(suffix) = d.strip_prefix('*') {
                    index.suffix_other.push((suffix.into(), id));
                } else if let Some(prefix) = d.strip_suffix('*') {
                    index.prefix.push((prefix.into(), id));
                } else {
                    index.exact.entry(d.into()).or_insert(id);
                }
            }
            let compiled = host
                .routes
                .iter()
                .map(|r| CompiledRoute::new(r).map_err(|e| e.at(&r.origin)))
                .collect::<Result<Vec<_>, _>>()?;
            index.routes.push(compiled);
        }
        // Longest first; stable, so the first written wins ties.
        index.suffix_other.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        index.prefix.sort_by_key(|(s, _)| std::cmp::Reverse(s.len()));
        Ok(index)
    }

    /// The virtual host serving `authority` (a `Host`/`:authority` value, port and case ignored):
    /// exact, then the longest suffix wildcard, then the longest prefix wildcard, then `*`.
    pub fn host(&self, authority: &str) -> Option<(usize, HostMatch)> {
        let mut buf: NameBuf = [0; MAX_NAME];
        let host = ascii_lower(strip_port(authority), &mut buf)?;
        if let Some(i) = self.exact.get(host) {
            return Some((*i as usize, HostMatch::Exact));
        }
        let labels = self.suffix_labels.longest(host);
        let other = self
            .suffix_other
            .iter()
            .find(|(s, _)| host.len() > s.len() && host.ends_with(&**s))
            .map(|(s, i)| (*i, s.len()));
        // The `*.` form's suffix includes the dot the other form spells out.
        let suffix = match (labels, other) {
            (Some((a, la)), Some((b, lb))) => Some(if la + 1 >= lb { a } else { b }),
            (Some((a, _)), None) => Some(a),
            (None, Some((b, _))) => Some(b),
            (None, None) => None,
        };
        if let Some(i) = suffix {
            return Some((i as usize, HostMatch::Suffix));
        }
        if let Some((_, i)) = self.prefix.iter().find(|(p, _)| host.len() > p.len() && host.starts_with(&**p)) {
            return Some((*i as usize, HostMatch::Prefix));
        }
        self.any.map(|i| (i as usize, HostMatch::Any))
    }

    /// The first route of host `h` that matches, and its index.
    pub fn route(&self, h: usize, req: &RequestParts<'_>) -> Option<usize> {
        self.routes.get(h)?.iter().position(|r| r.matches(req))
    }

    pub fn compiled(&self, h: usize, r: usize) -> Option<&CompiledRoute> {
        self.routes.get(h)?.get(r)
    }
}

/// `host` of `host:port` (and `[v6]` of `[v6]:port`).
pub fn strip_port(authority: &str) -> &str {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => authority.get(..=end).unwrap_or(authority),
            None => authority,
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// The parts of a request routes look at. `path` is the normalized path (no query).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RequestParts<'a> {
    pub path: &'a str,
    pub query: &'a str,
    pub method: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
}

/// Weighted targets: the running sums of their weights, for picking one with a random number.
#[derive(Clone, Debug, Default)]
pub(crate) struct Weights {
    cumulative: Vec<u64>,
}

impl Weights {
    pub fn of(targets: &[RouteTarget]) -> Weights {
        let mut total = 0u64;
        Weights {
            cumulative: targets
                .iter()
                .map(|t| {
                    total = total.saturating_add(t.weight);
                    total
                })
                .collect(),
        }
    }

    /// Target `i` with probability `weight_i / Σ weight`; `None` when no target has a weight.
    pub fn pick(&self, rand: u64) -> Option<usize> {
        let total = *self.cumulative.last()?;
        if total == 0 {
            return None;
        }
        let r = rand % total;
        self.cumulative.iter().position(|c| r < *c)
    }
}

/// A route's match with its regexes compiled, and its targets' weights.
#[derive(Clone, Debug)]
pub(crate) struct CompiledRoute {
    path: PathTest,
    case_insensitive: bool,
    headers: Vec<ValueTest>,
    query: Vec<ValueTest>,
    methods: Vec<String>,
    weights: Weights,
}

#[derive(Clone, Debug)]
enum PathTest {
    Exact(String),
    Prefix(String),
    Regex(crate::re2::Regex),
}

#[derive(Clone, Debug)]
struct ValueTest {
    name: String,
    test: Test,
    invert: bool,
}

#[derive(Clone, Debug)]
enum Test {
    Present,
    Exact(String),
    Prefix(String),
    Suffix(String),
    Regex(crate::re2::Regex),
}

/// A regex of a route that does not compile (before we know where the route is).
pub(crate) struct BadRegex {
    pattern: String,
    message: String,
}

impl BadRegex {
    fn at(self, origin: &crate::intentions::Origin) -> Error {
        Error::RouteRegex { origin: origin.to_string(), pattern: self.pattern, message: self.message }
    }
}

fn regex(pattern: &str, ignore_case: bool) -> Result<crate::re2::Regex, BadRegex> {
    full_match_regex(pattern, ignore_case).map_err(|e| BadRegex { pattern: e.pattern, message: e.message })
}

impl CompiledRoute {
    fn new(r: &HttpRoute) -> Result<CompiledRoute, BadRegex> {
        let m: &RouteMatch = &r.route_match;
        let ci = m.case_insensitive;
        let path = match m.path.kind {
            MatchKind::Exact => PathTest::Exact(m.path.value.clone()),
            MatchKind::Regex => PathTest::Regex(regex(&m.path.value, ci)?),
            // Prefix, and kinds a path match does not use: a prefix of the value.
            _ => PathTest::Prefix(m.path.value.clone()),
        };
        let value = |v: &ValueMatch| -> Result<ValueTest, BadRegex> {
            let test = match v.kind {
                MatchKind::Present => Test::Present,
                MatchKind::Exact => Test::Exact(v.value.clone()),
                MatchKind::Prefix => Test::Prefix(v.value.clone()),
                MatchKind::Suffix => Test::Suffix(v.value.clone()),
                MatchKind::Regex => Test::Regex(regex(&v.value, false)?),
            };
            Ok(ValueTest { name: v.name.clone(), test, invert: v.invert })
        };
        Ok(CompiledRoute {
            path,
            case_insensitive: ci,
            headers: m.headers.iter().map(value).collect::<Result<_, _>>()?,
            query: m.query.iter().map(value).collect::<Result<_, _>>()?,
            methods: m.methods.iter().map(|s| s.to_ascii_uppercase()).collect(),
            weights: Weights::of(&r.targets),
        })
    }

    fn matches(&self, req: &RequestParts<'_>) -> bool {
        let path_ok = match &self.path {
            PathTest::Exact(p) if self.case_insensitive => req.path.eq_ignore_ascii_case(p),
            PathTest::Exact(p) => req.path == p,
            PathTest::Prefix(p) if self.case_insensitive => {
                req.path.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p))
            }
            PathTest::Prefix(p) => req.path.starts_with(p.as_str()),
            PathTest::Regex(r) => r.is_match(req.path),
        };
        path_ok
            && (self.methods.is_empty() || self.methods.iter().any(|m| m.eq_ignore_ascii_case(req.method)))
            && self.headers.iter().all(|h| h.header_holds(req.headers))
            && self.query.iter().all(|q| q.query_holds(req.query))
    }

    /// The target for a random number (see [`Weights::pick`]).
    pub fn pick(&self, rand: u64) -> Option<usize> {
        self.weights.pick(rand)
    }
}

impl ValueTest {
    fn check(&self, value: &str) -> bool {
        match &self.test {
            Test::Present => true,
            Test::Exact(v) => value == v,
            Test::Prefix(v) => value.starts_with(v.as_str()),
            Test::Suffix(v) => value.ends_with(v.as_str()),
            Test::Regex(r) => r.is_match(value),
        }
    }

    /// Envoy's header matching: repeated headers are joined with `,`; an absent header matches
    /// only an inverted `present` test.
    fn header_holds(&self, headers: &[(&str, &str)]) -> bool {
        let mut values = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(&self.name)).map(|(_, v)| *v);
        let Some(first) = values.next() else {
            return self.invert && matches!(self.test, Test::Present);
        };
        let mut rest = values.peekable();
        if rest.peek().is_none() {
            return self.check(first) != self.invert;
        }
        let joined: Vec<&str> = std::iter::once(first).chain(rest).collect();
        self.check(&joined.join(",")) != self.invert
    }

    /// Query parameters as sent (not percent-decoded), the first occurrence of the name.
    fn query_holds(&self, query: &str) -> bool {
        let found = query.split('&').find_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (name == self.name).then_some(value)
        });
        match found {
            None => self.invert && matches!(self.test, Test::Present),
            Some(v) => self.check(v) != self.invert,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_stripped() {
        assert_eq!(strip_port("web.example.com:8080"), "web.example.com");
        assert_eq!(strip_port("web.example.com"), "web.example.com");
        assert_eq!(strip_port("[::1]:8080"), "[::1]");
        assert_eq!(strip_port("[::1]"), "[::1]");
        assert_eq!(strip_port("odd:port"), "odd:port");
    }
}
