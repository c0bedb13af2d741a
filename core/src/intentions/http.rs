//! L7 permissions: what an HTTP request must look like for a permission to apply.

use super::Action;
use serde::{Deserialize, Serialize};

/// One permission of an L7 intention: its action applies when `http` matches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Permission {
    pub action: Action,
    pub http: HttpMatch,
    /// The permission's `JWT` block: it applies only to requests that also satisfy it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt: Option<super::jwt::JwtRequirement>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HttpMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_exact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_regex: Option<String>,
    /// Upper case; empty means any method.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderMatch>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeaderMatch {
    pub name: String,
    pub check: HeaderCheck,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub invert: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ignore_case: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeaderCheck {
    Present,
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    Regex(String),
}

/// The parts of a request L7 rules look at. `headers` are (name, value) pairs as received;
/// repeated names stay repeated.
#[derive(Clone, Copy, Debug)]
pub struct HttpRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    /// The payloads of the tokens Envoy verified, by provider (`None`: none).
    pub jwt: Option<&'a super::jwt::JwtPayloads>,
}

/// A permission with its regexes compiled (full-match, RE2-like syntax).
#[derive(Clone, Debug)]
pub(crate) struct CompiledMatch {
    path: PathCheck,
    methods: Vec<String>,
    headers: Vec<CompiledHeader>,
}

#[derive(Clone, Debug)]
enum PathCheck {
    Any,
    Exact(String),
    Prefix(String),
    Regex(crate::re2::Regex),
}

#[derive(Clone, Debug)]
struct CompiledHeader {
    name: String,
    check: CompiledCheck,
    invert: bool,
}

#[derive(Clone, Debug)]
enum CompiledCheck {
    Present,
    /// Strings are stored lowercased when the match ignores case.
    Exact(String, bool),
    Prefix(String, bool),
    Suffix(String, bool),
    Contains(String, bool),
    Regex(crate::re2::Regex),
}

/// A regex that does not compile.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid regex `{pattern}`: {message}")]
pub struct RegexError {
    pub pattern: String,
    pub message: String,
}

pub(crate) fn full_match_regex(pattern: &str, ignore_case: bool) -> Result<crate::re2::Regex, RegexError> {
    crate::re2::compile(pattern, ignore_case, true)
        .map_err(|message| RegexError { pattern: pattern.to_string(), message })
}

impl CompiledMatch {
    pub(crate) fn new(m: &HttpMatch) -> Result<CompiledMatch, RegexError> {
        let path = if let Some(p) = &m.path_exact {
            PathCheck::Exact(p.clone())
        } else if let Some(p) = &m.path_prefix {
            PathCheck::Prefix(p.clone())
        } else if let Some(p) = &m.path_regex {
            PathCheck::Regex(full_match_regex(p, false)?)
        } else {
            PathCheck::Any
        };
        let headers = m
            .headers
            .iter()
            .map(|h| {
                // `IgnoreCase` folds ASCII letters only, as Envoy's `ignore_case` does.
                let fold = |s: &str| if h.ignore_case { s.to_ascii_lowercase() } else { s.to_string() };
                let check = match &h.check {
                    HeaderCheck::Present => CompiledCheck::Present,
                    HeaderCheck::Exact(v) => CompiledCheck::Exact(fold(v), h.ignore_case),
                    HeaderCheck::Prefix(v) => CompiledCheck::Prefix(fold(v), h.ignore_case),
                    HeaderCheck::Suffix(v) => CompiledCheck::Suffix(fold(v), h.ignore_case),
                    HeaderCheck::Contains(v) => CompiledCheck::Contains(fold(v), h.ignore_case),
                    HeaderCheck::Regex(v) => CompiledCheck::Regex(full_match_regex(v, h.ignore_case)?),
                };
                Ok(CompiledHeader { name: h.name.clone(), check, invert: h.invert })
            })
            .collect::<Result<_, RegexError>>()?;
        let methods = m.methods.iter().map(|s| s.to_ascii_uppercase()).collect();
        Ok(CompiledMatch { path, methods, headers })
    }

    pub(crate) fn needs_path(&self) -> bool {
        !matches!(self.path, PathCheck::Any)
    }

    /// Why this match fails for the request, or `None` when it matches. `strict` is for allow
    /// permissions: with repeated headers, every value must satisfy a header check, so ambiguous
    /// duplicates never widen access; deny permissions (not strict) fire when any value — or the
    /// values joined with `,`, as Envoy sees them — satisfies it.
    pub(crate) fn mismatch(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        strict: bool,
    ) -> Option<Mismatch> {
        let path_ok = match &self.path {
            PathCheck::Any => true,
            PathCheck::Exact(p) => path == p,
            PathCheck::Prefix(p) => path.starts_with(p.as_str()),
            PathCheck::Regex(r) => r.is_match(path),
        };
        if !path_ok {
            return Some(Mismatch::Path);
        }
        // Methods are compared without regard to case: `gEt` is not a way around a GET rule.
        if !self.methods.is_empty() && !self.methods.iter().any(|m| m.eq_ignore_ascii_case(method)) {
            return Some(Mismatch::Method);
        }
        for (i, h) in self.headers.iter().enumerate() {
            if !h.satisfied(headers, strict) {
                return Some(Mismatch::Header(i));
            }
        }
        None
    }
}

/// Which part of a permission's HTTP match failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mismatch {
    Path,
    Method,
    Header(usize),
}

impl CompiledHeader {
    /// Whether the header condition (with `invert` applied) holds. An absent header satisfies
    /// only inverted checks, as in Envoy.
    fn satisfied(&self, headers: &[(&str, &str)], strict: bool) -> bool {
        let mut values = headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(&self.name)).map(|(_, v)| *v);
        let Some(first) = values.next() else { return self.invert };
        let holds = |v: &str| self.check_value(v) != self.invert;
        let mut rest = values.peekable();
        if rest.peek().is_none() {
            return holds(first);
        }
        let all: Vec<&str> = std::iter::once(first).chain(rest).collect();
        if strict {
            all.iter().all(|v| holds(v))
        } else {
            all.iter().any(|v| holds(v)) || holds(&all.join(","))
        }
    }

    fn check_value(&self, value: &str) -> bool {
        let folded = |fold: bool| -> std::borrow::Cow<'_, str> {
            if fold {
                std::borrow::Cow::Owned(value.to_ascii_lowercase())
            } else {
                std::borrow::Cow::Borrowed(value)
            }
        };
        match &self.check {
            CompiledCheck::Present => true,
            CompiledCheck::Exact(want, fold) => folded(*fold) == want.as_str(),
            CompiledCheck::Prefix(want, fold) => folded(*fold).starts_with(want.as_str()),
            CompiledCheck::Suffix(want, fold) => folded(*fold).ends_with(want.as_str()),
            CompiledCheck::Contains(want, fold) => folded(*fold).contains(want.as_str()),
            CompiledCheck::Regex(r) => r.is_match(value),
        }
    }
}
