//! Name lookups without allocation: ASCII lowercasing into a stack buffer, and a reversed-label
//! trie for `*.suffix` wildcards (SNI names and HTTP hosts).

use rustc_hash::FxHashMap as FastMap;

/// The longest DNS name (RFC 1035: 253 characters in text form, plus slack for a trailing dot).
pub(crate) const MAX_NAME: usize = 255;

/// A fixed buffer to lowercase a name into, so lookups need no heap allocation.
pub(crate) type NameBuf = [u8; MAX_NAME];

/// `name` lowercased (ASCII) in `buf`; borrows `name` itself when it has no upper-case letter.
/// `None` when it is longer than [`MAX_NAME`] bytes.
pub(crate) fn ascii_lower<'a>(name: &'a str, buf: &'a mut NameBuf) -> Option<&'a str> {
    if name.len() > MAX_NAME {
        return None;
    }
    if !name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some(name);
    }
    let out = buf.get_mut(..name.len())?;
    for (o, b) in out.iter_mut().zip(name.bytes()) {
        *o = b.to_ascii_lowercase();
    }
    // Lowercasing ASCII letters keeps the bytes valid UTF-8.
    std::str::from_utf8(out).ok()
}

/// Why a name cannot be a DNS name we would route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadName {
    Empty,
    TooLong,
    EmptyLabel,
    BadCharacter,
}

/// Checks a lowercased SNI name: non-empty labels of `a-z 0-9 - _`, at most 253 characters.
pub(crate) fn check_dns_name(name: &str) -> Result<(), BadName> {
    lower_dns_name(name, &mut [0; MAX_NAME]).map(|_| ())
}

/// How [`lower_dns_name`] reads a byte: one table load per byte instead of a chain of range
/// tests (every request at a terminating gateway checks its connection's ~70-byte name).
const DNS_BAD: u8 = 0;
const DNS_LABEL: u8 = 1;
const DNS_UPPER: u8 = 2;
const DNS_DOT: u8 = 3;

const DNS_CLASS: [u8; 256] = {
    let mut t = [DNS_BAD; 256];
    let mut b = 0usize;
    while b < 256 {
        t[b] = match b as u8 {
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' => DNS_LABEL,
            b'A'..=b'Z' => DNS_UPPER,
            b'.' => DNS_DOT,
            _ => DNS_BAD,
        };
        b += 1;
    }
    t
};

/// An SNI name lowercased and checked as [`check_dns_name`] checks, in one pass (every request on
/// a terminating gateway routes its connection's name): `name` itself when it has no upper-case
/// letter (the usual case: no copy), else its lowercase copy in `buf`.
pub(crate) fn lower_dns_name<'a>(name: &'a str, buf: &'a mut NameBuf) -> Result<&'a str, BadName> {
    if name.is_empty() {
        return Err(BadName::Empty);
    }
    if name.len() > 253 {
        return Err(BadName::TooLong);
    }
    // The first bad byte decides the error, as a left-to-right reading finds it.
    let mut label_empty = true;
    let mut upper = false;
    for &b in name.as_bytes() {
        match DNS_CLASS[usize::from(b)] {
            DNS_LABEL => label_empty = false,
            DNS_UPPER => {
                upper = true;
                label_empty = false;
            }
            DNS_DOT => {
                if label_empty {
                    return Err(BadName::EmptyLabel);
                }
                label_empty = true;
            }
            _ => return Err(BadName::BadCharacter),
        }
    }
    if label_empty {
        return Err(BadName::EmptyLabel);
    }
    if !upper {
        return Ok(name);
    }
    let out = buf.get_mut(..name.len()).ok_or(BadName::TooLong)?;
    for (o, b) in out.iter_mut().zip(name.bytes()) {
        *o = b.to_ascii_lowercase();
    }
    // Only ASCII letters, digits, `-`, `_` and `.` were written.
    std::str::from_utf8(out).map_err(|_| BadName::BadCharacter)
}

/// Wildcard names `*.<suffix>` indexed by their labels from the right: a lookup walks the name's
/// labels from its end and remembers the deepest wildcard that still leaves at least one label in
/// front, so the most specific (longest) suffix wins in O(labels) hash lookups.
#[derive(Clone, Debug)]
pub(crate) struct LabelTrie {
    nodes: Vec<TrieNode>,
}

#[derive(Clone, Debug, Default)]
struct TrieNode {
    children: FastMap<Box<str>, u32>,
    /// The value of `*.<the labels leading here>`.
    wildcard: Option<u32>,
}

impl Default for LabelTrie {
    fn default() -> Self {
        LabelTrie { nodes: vec![TrieNode::default()] }
    }
}

impl LabelTrie {
    /// Adds `*.<suffix>` (suffix lowercased, without the `*.`). The first value for a suffix is
    /// kept. Returns false when the suffix is empty.
    pub fn insert(&mut self, suffix: &str, value: u32) -> bool {
        if suffix.is_empty() {
            return false;
        }
        let mut at = 0usize;
        for label in suffix.rsplit('.') {
            let next = self.nodes.get(at).and_then(|n| n.children.get(label).copied());
            at = match next {
                Some(n) => n as usize,
                None => {
                    let id = self.nodes.len();
                    self.nodes.push(TrieNode::default());
                    if let Some(node) = self.nodes.get_mut(at) {
                        node.children.insert(label.into(), u32::try_from(id).unwrap_or(u32::MAX));
                    }
                    id
                }
            };
        }
        match self.nodes.get_mut(at) {
            Some(node) => {
                node.wildcard.get_or_insert(value);
                true
            }
            None => false,
        }
    }

    /// The most specific wildcard matching `name` (lowercased): its value and the length of its
    /// suffix (without the `*.`).
    pub fn longest(&self, name: &str) -> Option<(u32, usize)> {
        let mut at = 0usize;
        let mut best = None;
        let mut consumed = 0usize;
        let mut labels = name.rsplit('.').peekable();
        while let Some(label) = labels.next() {
            let Some(next) = self.nodes.get(at).and_then(|n| n.children.get(label)) else { break };
            at = *next as usize;
            consumed += label.len() + usize::from(consumed > 0);
            // A wildcard needs at least one label in front of its suffix.
            if labels.peek().is_some_and(|l| !l.is_empty()) {
                if let Some(v) = self.nodes.get(at).and_then(|n| n.wildcard) {
                    best = Some((v, consumed));
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercasing_borrows_when_it_can() {
        let mut buf = [0u8; MAX_NAME];
        assert_eq!(ascii_lower("web.example.com", &mut buf), Some("web.example.com"));
        let mut buf = [0u8; MAX_NAME];
        assert_eq!(ascii_lower("Web.EXAMPLE.com", &mut buf), Some("web.example.com"));
        let long = "a".repeat(MAX_NAME + 1);
        let mut buf = [0u8; MAX_NAME];
        assert_eq!(ascii_lower(&long, &mut buf), None);
    }

    #[test]
    fn dns_names() {
        assert_eq!(check_dns_name("web.default.dc1.internal.td"), Ok(()));
        assert_eq!(check_dns_name(""), Err(BadName::Empty));
        assert_eq!(check_dns_name("a..b"), Err(BadName::EmptyLabel));
        assert_eq!(check_dns_name("a.b."), Err(BadName::EmptyLabel));
        assert_eq!(check_dns_name("a b"), Err(BadName::BadCharacter));
        assert_eq!(check_dns_name(&"a".repeat(254)), Err(BadName::TooLong));
    }

    #[test]
    fn the_longest_wildcard_suffix_wins() {
        let mut t = LabelTrie::default();
        t.insert("dc2.internal.td", 1);
        t.insert("internal.td", 2);
        t.insert("dc2.internal.td", 3); // the first one is kept
        assert_eq!(t.longest("web.default.dc2.internal.td"), Some((1, "dc2.internal.td".len())));
        assert_eq!(t.longest("web.default.dc3.internal.td"), Some((2, "internal.td".len())));
        // The suffix alone is not matched: `*.` needs a label in front.
        assert_eq!(t.longest("dc2.internal.td"), Some((2, "internal.td".len())));
        assert_eq!(t.longest("internal.td"), None);
        assert_eq!(t.longest("other.td"), None);
        assert_eq!(t.longest(".dc2.internal.td"), Some((2, "internal.td".len())));
    }

    #[test]
    fn sni_names_are_lowercased_and_checked_in_one_pass() {
        let long = "a.".repeat(130);
        let cases: [(&str, Result<&str, BadName>); 10] = [
            ("web.default.dc1.internal.TD.consul", Ok("web.default.dc1.internal.td.consul")),
            ("WEB.x", Ok("web.x")),
            ("x_y-z.0", Ok("x_y-z.0")),
            ("a..b", Err(BadName::EmptyLabel)),
            (".a", Err(BadName::EmptyLabel)),
            ("a.", Err(BadName::EmptyLabel)),
            ("a b", Err(BadName::BadCharacter)),
            ("é.x", Err(BadName::BadCharacter)),
            ("", Err(BadName::Empty)),
            (&long, Err(BadName::TooLong)),
        ];
        for (name, expected) in cases {
            let mut buf = [0u8; MAX_NAME];
            assert_eq!(lower_dns_name(name, &mut buf), expected, "{name:?}");
        }
    }
}
