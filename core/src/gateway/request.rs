//! A request as the host delivers it: bytes. Header values may carry any byte but NUL (HTTP/1
//! allows obs-text, HTTP/2 lets raw 0xFF through, even in `:path`), so nothing here assumes text:
//! [`RequestHead::from_pairs`] sorts the pairs once into what routes and intentions can read (text,
//! optional whitespace trimmed) and what they cannot (kept by name, so a rule that needs one of
//! them refuses the request instead of guessing).

/// The pseudo-headers routes and intentions read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pseudo {
    Authority,
    Path,
    Method,
}

impl Pseudo {
    pub fn as_str(self) -> &'static str {
        match self {
            Pseudo::Authority => ":authority",
            Pseudo::Path => ":path",
            Pseudo::Method => ":method",
        }
    }
}

/// A request's head, read once from the host's header pairs.
#[derive(Clone, Debug, Default)]
pub struct RequestHead<'a> {
    /// `:authority` (or `Host`), as received; empty when absent.
    pub authority: &'a str,
    /// `:path` as received (query included); empty when absent.
    pub path: &'a str,
    pub method: &'a str,
    /// Regular headers that are text, values without leading or trailing optional whitespace
    /// (SP, HTAB): HTTP/1 backends trim it, so a rule must not see `" mallory"` where the service
    /// sees `mallory`. Repeated names stay repeated, in order.
    pub headers: Vec<(&'a str, &'a str)>,
    /// The first pseudo-header routes or intentions need that is not text.
    pub unreadable_pseudo: Option<Pseudo>,
    /// Names of regular headers whose name or value is not UTF-8 text.
    pub unreadable: Vec<&'a [u8]>,
    /// The payloads of the tokens Envoy's jwt_authn verified, by provider (the host's dynamic
    /// metadata; `None` when it verified none or the plan needs none).
    pub jwt: Option<&'a crate::intentions::jwt::JwtPayloads>,
    /// The first of `headers` named [`super::SNI_HEADER`] and the first named
    /// [`super::verdict::CLIENT_CERT_HEADER`] (any case), noted while sorting: a terminating
    /// chain reads both on every request, and finding them here saves a scan for each.
    pub(crate) connection: ConnectionHeaders<'a>,
}

/// See [`RequestHead::connection`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ConnectionHeaders<'a> {
    pub(crate) server_name: Option<&'a str>,
    pub(crate) client_cert: Option<&'a str>,
}

/// The first text value of a header named `wanted` (any case), kept in `slot`: one length test
/// turns away nearly every name. Envoy hands names over in lower case, as `wanted` is: one plain
/// comparison settles those, a third of the case-blind one's cost.
#[inline]
fn note<'a>(slot: &mut Option<&'a str>, wanted: &str, name: &str, value: &'a str) {
    if slot.is_none() && (name == wanted || name.eq_ignore_ascii_case(wanted)) {
        *slot = Some(value);
    }
}

impl<'a> RequestHead<'a> {
    /// Sorts the host's `(name, value)` pairs: bytes, or text a host already checked (see
    /// [`HeaderBytes`]). Pseudo-headers other than `:authority`, `:path` and `:method` (`:scheme`,
    /// …) are not rules' business and are skipped; so is a repeated pseudo-header (the first
    /// counts, as in Envoy). A `Host` header stands in for a missing `:authority`.
    pub fn from_pairs<I, B>(pairs: I) -> RequestHead<'a>
    where
        I: IntoIterator<Item = (B, B)>,
        B: HeaderBytes<'a>,
    {
        Self::from_pairs_in(pairs, &mut HeadBuffer::default())
    }

    /// [`Self::from_pairs`], with [`Self::headers`] in the memory `buffer` lends (see
    /// [`HeadBuffer`]); hand it back with [`HeadBuffer::keep`].
    pub fn from_pairs_in<I, B>(pairs: I, buffer: &mut HeadBuffer) -> RequestHead<'a>
    where
        I: IntoIterator<Item = (B, B)>,
        B: HeaderBytes<'a>,
    {
        let mut head = RequestHead { headers: buffer.lend(), ..RequestHead::default() };
        let (mut authority, mut path, mut method, mut host) = (None, None, None, None);
        let mut pairs = pairs.into_iter();
        while let Some((name, value)) = pairs.next() {
            // Most names are regular headers: one byte tells, before any comparison.
            if name.bytes().first() == Some(&b':') {
                let slot = match name.bytes() {
                    b":authority" => Some((&mut authority, Pseudo::Authority)),
                    b":path" => Some((&mut path, Pseudo::Path)),
                    b":method" => Some((&mut method, Pseudo::Method)),
                    _ => None,
                };
                if let Some((slot, which)) = slot {
                    if slot.is_none() {
                        *slot = Some((value.text().ok(), which));
                    }
                }
                continue;
            }
            match (name.text(), value.text()) {
                (Ok(n), Ok(v)) => {
                    let v = trim_ows(v);
                    const SNI: usize = super::SNI_HEADER.len();
                    const CERT: usize = super::verdict::CLIENT_CERT_HEADER.len();
                    match n.len() {
                        4 => note(&mut host, "host", n, v),
                        SNI => note(&mut head.connection.server_name, super::SNI_HEADER, n, v),
                        CERT => note(&mut head.connection.client_cert, super::verdict::CLIENT_CERT_HEADER, n, v),
                        _ => {}
                    }
                    if head.headers.capacity() == 0 {
                        // One allocation for this header and every one left, not one per
                        // doubling; none when the request has no regular header. (A hint, so
                        // bounded: a wrong one must not ask for a huge buffer.)
                        head.headers.reserve(pairs.size_hint().0.saturating_add(1).min(256));
                    }
                    head.headers.push((n, v));
                }
                _ => head.unreadable.push(name.bytes()),
            }
        }
        if authority.is_none() {
            authority = host.map(|h| (Some(h), Pseudo::Authority));
        }
        for (slot, field) in [(authority, &mut head.authority), (path, &mut head.path), (method, &mut head.method)] {
            match slot {
                Some((Some(text), _)) => *field = text,
                Some((None, which)) => {
                    head.unreadable_pseudo.get_or_insert(which);
                }
                None => {}
            }
        }
        head
    }

    /// [`Self::from_pairs`] for text pairs (tests, the CLI, the playground).
    pub fn from_text(pairs: &[(&'a str, &'a str)]) -> RequestHead<'a> {
        Self::from_pairs(pairs.iter().copied())
    }
}

/// Memory for [`RequestHead::headers`] kept from one request to the next: a host decides every
/// request on a worker one at a time, and allocating and freeing the list each time cost about a
/// twentieth of a terminating gateway's own work per request.
#[derive(Debug, Default)]
pub struct HeadBuffer(Vec<(&'static str, &'static str)>);

/// A list kept larger than this is let go (a request with very many headers must not pin its
/// memory for the worker's lifetime).
const KEEP_AT_MOST: usize = 256;

impl HeadBuffer {
    fn lend<'a>(&mut self) -> Vec<(&'a str, &'a str)> {
        recycle(std::mem::take(&mut self.0))
    }

    /// Takes back a request's header list (emptied) for the next request.
    pub fn keep(&mut self, headers: Vec<(&str, &str)>) {
        if headers.capacity() <= KEEP_AT_MOST {
            self.0 = recycle(headers);
        }
    }
}

/// An empty list of other lifetimes in the same memory: nothing borrowed survives (the list is
/// emptied first), and collecting a `Vec`'s own iterator into a `Vec` of the same layout reuses
/// its allocation (were it not to, this would allocate, not misbehave).
fn recycle<'a, 'b>(mut list: Vec<(&'a str, &'a str)>) -> Vec<(&'b str, &'b str)> {
    list.clear();
    list.into_iter().map(|_| ("", "")).collect()
}

/// A header name or value as a host hands it over: bytes that may not be text, or text the host
/// already checked (one check over its whole header buffer costs less than one per value).
pub trait HeaderBytes<'a>: Copy {
    fn bytes(self) -> &'a [u8];
    /// The value as text; `Err` when it is not UTF-8.
    fn text(self) -> Result<&'a str, std::str::Utf8Error>;
}

impl<'a> HeaderBytes<'a> for &'a [u8] {
    fn bytes(self) -> &'a [u8] {
        self
    }
    fn text(self) -> Result<&'a str, std::str::Utf8Error> {
        std::str::from_utf8(self)
    }
}

impl<'a> HeaderBytes<'a> for &'a str {
    fn bytes(self) -> &'a [u8] {
        self.as_bytes()
    }
    fn text(self) -> Result<&'a str, std::str::Utf8Error> {
        Ok(self)
    }
}

/// Without leading and trailing SP and HTAB (RFC 9110's optional whitespace).
#[inline]
pub fn trim_ows(v: &str) -> &str {
    // By bytes: SP and HTAB are ASCII, so the cut points are character boundaries, and a byte
    // test is cheaper than the char pattern (every header value of every request).
    let ows = |b: &u8| matches!(b, b' ' | b'\t');
    let bytes = v.as_bytes();
    // The usual value has none at either end: two byte tests, no scan.
    if !bytes.first().is_some_and(ows) && !bytes.last().is_some_and(ows) {
        return v;
    }
    let start = bytes.iter().position(|b| !ows(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !ows(b)).map_or(start, |i| i + 1);
    v.get(start..end).unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_sorted_from_bytes_and_trimmed() {
        let pairs: [(&[u8], &[u8]); 7] = [
            (b":authority", b"web.example.com"),
            (b":path", b"/ok"),
            (b":method", b"GET"),
            (b":scheme", b"http"),
            (b"x-user", b" \tmallory "),
            (b"cookie", b"name=caf\xe9"),
            (b":path", b"/second"),
        ];
        let head = RequestHead::from_pairs(pairs);
        assert_eq!((head.authority, head.path, head.method), ("web.example.com", "/ok", "GET"));
        assert_eq!(head.headers, vec![("x-user", "mallory")]);
        assert_eq!(head.unreadable, vec![b"cookie".as_slice()]);
        assert_eq!(head.unreadable_pseudo, None);
    }

    #[test]
    fn a_pseudo_header_that_is_not_text_is_named() {
        let pairs: [(&[u8], &[u8]); 3] = [(b":authority", b"a"), (b":path", b"/\xff"), (b":method", b"\xfe")];
        let head = RequestHead::from_pairs(pairs);
        assert_eq!(head.unreadable_pseudo, Some(Pseudo::Path));
        assert_eq!(head.path, "");
    }

    #[test]
    fn optional_whitespace_is_trimmed_at_both_ends_only() {
        for (v, want) in
            [(" \ta b\t ", "a b"), ("", ""), (" \t ", ""), ("x", "x"), (" é ", "é"), ("\u{a0}x", "\u{a0}x")]
        {
            assert_eq!(trim_ows(v), want, "{v:?}");
            assert_eq!(trim_ows(v), v.trim_matches([' ', '\t']), "{v:?}");
        }
    }

    #[test]
    fn text_pairs_read_as_byte_pairs_do() {
        let text = [(":authority", "a"), (":path", "/x"), ("Host", "b"), ("x-user", " m ")];
        let bytes: Vec<(&[u8], &[u8])> = text.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())).collect();
        let (t, b) = (RequestHead::from_text(&text), RequestHead::from_pairs(bytes));
        assert_eq!((t.authority, t.path, &t.headers), (b.authority, b.path, &b.headers));
        assert_eq!(t.headers, vec![("Host", "b"), ("x-user", "m")]);
    }

    #[test]
    fn the_connection_headers_are_the_first_text_ones_in_any_case() {
        let pairs: [(&[u8], &[u8]); 6] = [
            (b"x-meshgate-sni", b"\xff"),
            (b"X-Forwarded-Client-Cert", b" By=a;URI=b "),
            (b"X-MESHGATE-SNI", b"web.example"),
            (b"x-forwarded-client-cert", b"URI=c"),
            (b"x-meshgate-snj", b"other"),
            (b"x-meshgate-sni", b"second"),
        ];
        let head = RequestHead::from_pairs(pairs);
        assert_eq!(head.connection.server_name, Some("web.example"), "the first that is text");
        assert_eq!(head.connection.client_cert, Some("By=a;URI=b"), "trimmed, as in headers");
        // What a scan of the sorted headers finds.
        let first = |want: &str| head.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(want)).map(|(_, v)| *v);
        assert_eq!(head.connection.server_name, first(crate::gateway::SNI_HEADER));
        assert_eq!(head.connection.client_cert, first(crate::gateway::verdict::CLIENT_CERT_HEADER));
        assert_eq!(RequestHead::from_text(&[("a", "b")]).connection.server_name, None);
    }

    #[test]
    fn a_kept_buffer_lends_its_memory_to_the_next_request() {
        let mut buffer = HeadBuffer::default();
        let first = [("a".to_string(), "1".to_string()), ("b".into(), "2".into())];
        let head = RequestHead::from_pairs_in(first.iter().map(|(n, v)| (n.as_str(), v.as_str())), &mut buffer);
        assert_eq!(head.headers, vec![("a", "1"), ("b", "2")]);
        let memory = head.headers.as_ptr();
        buffer.keep(head.headers);
        assert!(buffer.0.is_empty() && buffer.0.capacity() >= 2);
        let second = RequestHead::from_pairs_in([("c", "3")], &mut buffer);
        assert_eq!(second.headers, vec![("c", "3")]);
        assert_eq!(second.headers.as_ptr(), memory, "the same memory");
        assert!(buffer.0.capacity() == 0, "lent out");
        // Too large a list is not kept.
        buffer.keep(Vec::with_capacity(KEEP_AT_MOST + 1));
        assert_eq!(buffer.0.capacity(), 0);
    }

    #[test]
    fn host_stands_in_for_a_missing_authority() {
        let head = RequestHead::from_text(&[(":path", "/"), ("Host", " api.example.com")]);
        assert_eq!(head.authority, "api.example.com");
    }
}
