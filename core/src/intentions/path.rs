//! The path L7 rules see. Rules are matched against the normalized path, and the filter forwards
//! that same path, so what was checked is what the service receives: `//admin`, `/./admin`,
//! `/a/../admin` and `/%61dmin` are all `/admin` (the Consul CVE-2024-10005/10006 class).

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// What to do with `%2F` and `%5C` (encoded `/` and `\`), as Consul's mesh entry
/// `HTTP.Incoming.RequestNormalization.PathWithEscapedSlashesAction` names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EscapedSlashes {
    /// Deny the request: an encoded slash is the classic way past a path rule. Our default.
    #[default]
    RejectRequest,
    /// Decode them and treat them as path separators.
    UnescapeAndForward,
    /// Leave them encoded: `%2F` is then an ordinary character of a segment.
    KeepUnchanged,
}

/// How paths are normalized before matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Normalization {
    /// Collapse `//` to `/` (Envoy's `merge_slashes`). On by default: servers that collapse them
    /// would otherwise see a path no rule saw.
    pub merge_slashes: bool,
    pub escaped_slashes: EscapedSlashes,
    /// Let `;` path parameters through. Off by default: Tomcat, Jetty and Spring strip them
    /// before routing, so `/x/..;/admin` is `/admin` to the service while rules saw `/x/..;`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_path_parameters: bool,
}

impl Default for Normalization {
    fn default() -> Self {
        Normalization {
            merge_slashes: true,
            escaped_slashes: EscapedSlashes::RejectRequest,
            allow_path_parameters: false,
        }
    }
}

/// Why a path was refused outright (the request is denied with this reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathRejection {
    #[error("the path does not start with `/`")]
    NotOriginForm,
    #[error("the path has an invalid percent-encoding")]
    BadPercentEncoding,
    #[error("the path has an encoded slash or backslash (%2F or %5C), which mesh policy rejects")]
    EscapedSlash,
    #[error("the path has a backslash, which mesh policy rejects")]
    Backslash,
    #[error("the path has a control character or an encoded NUL")]
    ControlCharacter,
    #[error("the path has a `;` parameter, which Java servers strip before routing")]
    PathParameter,
}

/// Normalizes a request path (`:path`, query and fragment dropped) per RFC 3986 §6.2.2: decode
/// percent-encoded unreserved characters, uppercase other escapes, remove dot segments, and
/// optionally merge slashes. Borrows when nothing changes, so the common case does not allocate:
/// then the borrowed path is exactly `raw` up to its first `?` or `#` (callers find the query
/// from its length).
pub fn normalize(raw: &str, opts: Normalization) -> Result<Cow<'_, str>, PathRejection> {
    if !raw.starts_with('/') {
        return Err(PathRejection::NotOriginForm);
    }
    // One pass over the bytes decides the common case (nothing to change) without allocating;
    // every request's path goes through here, some more than once.
    let bytes = raw.as_bytes();
    let (mut end, mut backslash, mut needs_work, mut prev) = (bytes.len(), false, false, 0u8);
    for (i, &b) in bytes.iter().enumerate() {
        // Most bytes are none of the ones below: one table load lets them pass.
        if !PATH_SPECIAL[usize::from(b)] {
            prev = b;
            continue;
        }
        match b {
            b'?' | b'#' => {
                end = i;
                break;
            }
            0..=0x1f | 0x7f => return Err(PathRejection::ControlCharacter),
            b';' if !opts.allow_path_parameters => return Err(PathRejection::PathParameter),
            b'\\' => backslash = true,
            b'%' => needs_work = true,
            b'.' if prev == b'/' => needs_work = true,
            b'/' if prev == b'/' && opts.merge_slashes => needs_work = true,
            _ => {}
        }
        prev = b;
    }
    let path = raw.get(..end).unwrap_or(raw);
    if backslash && opts.escaped_slashes == EscapedSlashes::RejectRequest {
        return Err(PathRejection::Backslash);
    }
    if !needs_work {
        return Ok(Cow::Borrowed(path));
    }
    let decoded = decode_percent(path, opts.escaped_slashes)?;
    let mut out = remove_dot_segments(&decoded, opts.merge_slashes);
    if out.is_empty() {
        out.push('/');
    }
    Ok(Cow::Owned(out))
}

/// The bytes [`normalize`]'s first pass must look at: `?`, `#`, controls, `;`, `\`, `%`, `.`
/// and `/`.
const PATH_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0usize;
    while b < 256 {
        t[b] = matches!(b as u8, b'?' | b'#' | 0..=0x1f | 0x7f | b';' | b'\\' | b'%' | b'.' | b'/');
        b += 1;
    }
    t
};

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn decode_percent(path: &str, slashes: EscapedSlashes) -> Result<String, PathRejection> {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b != b'%' {
            // Push the whole UTF-8 character starting here.
            let ch = path.get(i..).and_then(|s| s.chars().next()).ok_or(PathRejection::BadPercentEncoding)?;
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let (Some(h), Some(l)) = (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
        else {
            return Err(PathRejection::BadPercentEncoding);
        };
        let value = h * 16 + l;
        match value {
            0 => return Err(PathRejection::ControlCharacter),
            b'/' | b'\\' => match slashes {
                EscapedSlashes::RejectRequest => return Err(PathRejection::EscapedSlash),
                EscapedSlashes::UnescapeAndForward => out.push(if value == b'/' { '/' } else { '\\' }),
                EscapedSlashes::KeepUnchanged => out.push_str(if value == b'/' { "%2F" } else { "%5C" }),
            },
            v if is_unreserved(v) => out.push(char::from(v)),
            v => out.push_str(&format!("%{v:02X}")),
        }
        i += 3;
    }
    Ok(out)
}

/// RFC 3986 §5.2.4 on an absolute path, segment by segment.
fn remove_dot_segments(path: &str, merge_slashes: bool) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    let last = parts.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (i, seg) in parts.iter().enumerate() {
        match *seg {
            "." => trailing_slash = i == last,
            ".." => {
                segments.pop();
                trailing_slash = i == last;
            }
            "" if merge_slashes => trailing_slash = i == last,
            s => {
                segments.push(s);
                trailing_slash = false;
            }
        }
    }
    let mut out = String::with_capacity(path.len());
    for s in &segments {
        out.push('/');
        out.push_str(s);
    }
    if trailing_slash || segments.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(p: &str) -> Result<String, PathRejection> {
        normalize(p, Normalization::default()).map(|c| c.into_owned())
    }

    #[test]
    fn the_bypass_corpus_normalizes_to_the_real_path() {
        for raw in [
            "/admin",
            "//admin",
            "///admin",
            "/./admin",
            "/a/../admin",
            "/a/b/../../admin",
            "/../admin",
            "/%2e%2e/admin",
            "/%2E/admin",
            "/%61dmin",
            "/admin?x=/public",
            "/admin#frag",
            "/public/..//admin",
        ] {
            assert_eq!(n(raw).as_deref(), Ok("/admin"), "{raw}");
        }
    }

    #[test]
    fn trailing_slashes_and_roots_survive() {
        assert_eq!(n("/admin/").as_deref(), Ok("/admin/"));
        assert_eq!(n("/admin/.").as_deref(), Ok("/admin/"));
        assert_eq!(n("/").as_deref(), Ok("/"));
        assert_eq!(n("/..").as_deref(), Ok("/"));
        assert_eq!(n("/a/..").as_deref(), Ok("/"));
    }

    #[test]
    fn encoded_slashes_and_bad_escapes_are_refused_by_default() {
        assert_eq!(n("/admin%2Fsecret"), Err(PathRejection::EscapedSlash));
        assert_eq!(n("/admin%5csecret"), Err(PathRejection::EscapedSlash));
        assert_eq!(n("/admin\\secret"), Err(PathRejection::Backslash));
        assert_eq!(n("/admin%zz"), Err(PathRejection::BadPercentEncoding));
        assert_eq!(n("/admin%2"), Err(PathRejection::BadPercentEncoding));
        assert_eq!(n("/admin%00"), Err(PathRejection::ControlCharacter));
        assert_eq!(n("admin"), Err(PathRejection::NotOriginForm));
        assert_eq!(n("/a\tb"), Err(PathRejection::ControlCharacter));
    }

    #[test]
    fn path_parameters_are_refused_unless_allowed() {
        for raw in ["/;/admin", "/x/..;/admin", "/app;jsessionid=1", "/a;b/c"] {
            assert_eq!(n(raw), Err(PathRejection::PathParameter), "{raw}");
        }
        // In the query, a `;` is the query's business.
        assert_eq!(n("/a?x=1;y=2").as_deref(), Ok("/a"));
        let allow = Normalization { allow_path_parameters: true, ..Default::default() };
        assert_eq!(normalize("/app;jsessionid=1", allow).as_deref(), Ok("/app;jsessionid=1"));
    }

    #[test]
    fn other_policies_for_encoded_slashes() {
        let unescape = Normalization { escaped_slashes: EscapedSlashes::UnescapeAndForward, ..Default::default() };
        assert_eq!(normalize("/public%2F..%2Fadmin", unescape).as_deref(), Ok("/admin"));
        let keep = Normalization { escaped_slashes: EscapedSlashes::KeepUnchanged, ..Default::default() };
        assert_eq!(normalize("/a%2fb", keep).as_deref(), Ok("/a%2Fb"));
    }

    #[test]
    fn reserved_escapes_stay_encoded_but_uppercased() {
        assert_eq!(n("/a%3fb").as_deref(), Ok("/a%3Fb"));
        assert_eq!(n("/caf%C3%A9").as_deref(), Ok("/caf%C3%A9"));
    }

    #[test]
    fn clean_paths_are_borrowed() {
        assert!(matches!(normalize("/api/v1/users", Normalization::default()), Ok(Cow::Borrowed(_))));
        assert!(matches!(normalize("/api?q=1", Normalization::default()), Ok(Cow::Borrowed("/api"))));
    }

    #[test]
    fn merging_slashes_can_be_turned_off() {
        let keep = Normalization { merge_slashes: false, ..Default::default() };
        assert_eq!(normalize("//admin", keep).as_deref(), Ok("//admin"));
    }

    proptest! {
        #[test]
        fn normalizing_is_idempotent(raw in "/[a-zA-Z0-9./%_~-]{0,40}") {
            if let Ok(once) = n(&raw) {
                prop_assert_eq!(n(&once), Ok(once.clone()));
                prop_assert!(once.starts_with('/'));
                prop_assert!(!once.contains("//"));
                prop_assert!(!once.split('/').any(|s| s == "." || s == ".."));
            }
        }

        #[test]
        fn never_panics(raw in "\\PC{0,60}") {
            let _ = n(&raw);
        }
    }
}
