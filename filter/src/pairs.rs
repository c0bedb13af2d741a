//! Header maps as the proxy-wasm ABI passes them: a little-endian `u32` count, then a `u32` name
//! length and a `u32` value length per pair, then each name and each value followed by a NUL.
//!
//! The SDK's readers turn names and values into `String`s and unwrap the conversion, so one byte
//! that is not UTF-8 (a Latin-1 cookie, a raw 0xFF in an HTTP/2 `:path`) panics the VM. Here the
//! buffer is checked once, never trusted (every length is bounds-checked), and read as bytes
//! without copying; what is text is the core's business ([`meshgate_core::gateway::RequestHead`]).

use std::ops::Range;

/// A serialized header map that passed [`HeaderPairs::parse`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderPairs {
    buf: Vec<u8>,
    count: usize,
}

/// The host's buffer does not have the documented shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed header map from the host: {0}")]
pub struct MalformedPairs(&'static str);

fn u32_at(buf: &[u8], at: usize) -> Option<usize> {
    let bytes: [u8; 4] = buf.get(at..at.checked_add(4)?)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(bytes)).ok()
}

impl HeaderPairs {
    /// Checks the buffer's shape: the count, every length, every NUL terminator, no bytes left
    /// over. An empty buffer is an empty map.
    pub fn parse(buf: Vec<u8>) -> Result<HeaderPairs, MalformedPairs> {
        if buf.is_empty() {
            return Ok(HeaderPairs::default());
        }
        let count = u32_at(&buf, 0).ok_or(MalformedPairs("no pair count"))?;
        let sizes_end = count
            .checked_mul(8)
            .and_then(|n| n.checked_add(4))
            .filter(|end| *end <= buf.len())
            .ok_or(MalformedPairs("more pairs than bytes"))?;
        let mut at = sizes_end;
        for i in 0..count {
            for field in 0..2 {
                let len = u32_at(&buf, 4 + i * 8 + field * 4).ok_or(MalformedPairs("truncated sizes"))?;
                let end = at.checked_add(len).filter(|end| *end < buf.len()).ok_or(MalformedPairs("truncated data"))?;
                if buf.get(end) != Some(&0) {
                    return Err(MalformedPairs("a name or value is not NUL-terminated"));
                }
                at = end + 1;
            }
        }
        if at != buf.len() {
            return Err(MalformedPairs("bytes after the last pair"));
        }
        Ok(HeaderPairs { buf, count })
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The pairs, in order, as bytes.
    pub fn iter(&self) -> Pairs<'_> {
        Pairs { buf: &self.buf, index: 0, count: self.count, data: self.data_start() }
    }

    /// Where the names and values start (after the count and the sizes).
    fn data_start(&self) -> usize {
        self.count.saturating_mul(8).saturating_add(4)
    }

    /// The pairs as text, when every name and value is UTF-8 (the usual request): one check over
    /// all of them costs less than one per name and value. `None` when any is not text; read
    /// them as bytes then ([`Self::iter`]).
    pub fn text_pairs(&self) -> Option<TextPairs<'_>> {
        if self.count == 0 {
            return Some(TextPairs { sizes: [].chunks_exact(8), rest: "" });
        }
        let base = self.data_start();
        let text = std::str::from_utf8(self.buf.get(base..)?).ok()?;
        Some(TextPairs { sizes: self.buf.get(4..base)?.chunks_exact(8), rest: text })
    }

    /// The serialized form of `pairs` (the mock host's side of the ABI, and tests).
    pub fn serialize<'a, I>(pairs: I) -> Vec<u8>
    where
        I: IntoIterator<Item = (&'a [u8], &'a [u8])>,
        I::IntoIter: Clone,
    {
        let pairs = pairs.into_iter();
        let count = pairs.clone().count();
        let mut out = Vec::new();
        out.extend_from_slice(&(count as u32).to_le_bytes());
        for (name, value) in pairs.clone() {
            out.extend_from_slice(&(name.len() as u32).to_le_bytes());
            out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        }
        for (name, value) in pairs {
            out.extend_from_slice(name);
            out.push(0);
            out.extend_from_slice(value);
            out.push(0);
        }
        out
    }
}

/// Iterates a checked [`HeaderPairs`] buffer. (The checks already ran; a shape error here ends
/// the iteration rather than panicking.)
#[derive(Clone, Debug)]
pub struct Pairs<'a> {
    buf: &'a [u8],
    index: usize,
    count: usize,
    data: usize,
}

impl Pairs<'_> {
    /// Where the next name and value are in the buffer.
    #[inline]
    fn next_ranges(&mut self) -> Option<(Range<usize>, Range<usize>)> {
        if self.index >= self.count {
            return None;
        }
        let sizes = 4 + self.index * 8;
        let (name_len, value_len) = (u32_at(self.buf, sizes)?, u32_at(self.buf, sizes + 4)?);
        let name = self.data..self.data.checked_add(name_len)?;
        let value_at = name.end.checked_add(1)?;
        let value = value_at..value_at.checked_add(value_len)?;
        self.data = value.end.checked_add(1)?;
        self.index += 1;
        Some((name, value))
    }
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a [u8], &'a [u8]);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let (name, value) = self.next_ranges()?;
        Some((self.buf.get(name)?, self.buf.get(value)?))
    }

    /// The pairs left, so a consumer can size its buffer once ([`HeaderPairs::parse`] checked
    /// every length, so the iteration does not end early).
    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.count.saturating_sub(self.index);
        (left, Some(left))
    }
}

/// [`Pairs`] as text: [`HeaderPairs::text_pairs`] checked that the names and values are UTF-8.
/// Every request's headers go through here, so it walks the sizes eight bytes at a time and
/// splits the text as it goes: [`HeaderPairs::parse`] already proved the sizes fit, and the
/// checked splits still bound every slice (no index arithmetic, nothing to overflow).
#[derive(Clone, Debug)]
pub struct TextPairs<'a> {
    /// The pairs' sizes left, a name's and a value's length per eight bytes.
    sizes: std::slice::ChunksExact<'a, u8>,
    /// The names and values left, each followed by its NUL.
    rest: &'a str,
}

impl<'a> Iterator for TextPairs<'a> {
    type Item = (&'a str, &'a str);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let sizes = self.sizes.next()?;
        // Not `u32_at`: with it the walk measured 60 instructions a request more natively.
        let len = |at: usize| -> Option<usize> {
            let bytes: [u8; 4] = sizes.get(at..at + 4)?.try_into().ok()?;
            usize::try_from(u32::from_le_bytes(bytes)).ok()
        };
        let (name_len, value_len) = (len(0)?, len(4)?);
        // Every name and value lies between NULs (or the start): character boundaries, so the
        // splits find them, one boundary test each (a `get` of a range tests both ends).
        let (name, rest) = self.rest.split_at_checked(name_len)?;
        let (value, rest) = rest.strip_prefix('\0')?.split_at_checked(value_len)?;
        self.rest = rest.strip_prefix('\0')?;
        Some((name, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.sizes.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&[u8], &[u8])]) -> Vec<u8> {
        HeaderPairs::serialize(p.iter().copied())
    }

    #[test]
    fn bytes_round_trip_whatever_they_are() {
        let want: Vec<(&[u8], &[u8])> =
            vec![(b":path", b"/\xff"), (b"x-a", b"\xff\xfe"), (b"", b""), (b"cookie", b"caf\xe9")];
        let got = HeaderPairs::parse(pairs(&want)).unwrap();
        assert_eq!(got.len(), 4);
        assert_eq!(got.iter().collect::<Vec<_>>(), want);
        assert!(HeaderPairs::parse(Vec::new()).unwrap().is_empty());
    }

    #[test]
    fn text_pairs_are_the_pairs_when_all_are_text() {
        let want: Vec<(&[u8], &[u8])> = vec![(b":path", b"/caf\xc3\xa9"), (b"", b""), (b"x-a", b" b ")];
        let got = HeaderPairs::parse(pairs(&want)).unwrap();
        let text: Vec<(&[u8], &[u8])> = got.text_pairs().unwrap().map(|(n, v)| (n.as_bytes(), v.as_bytes())).collect();
        assert_eq!(text, want);
        assert_eq!(HeaderPairs::default().text_pairs().unwrap().count(), 0);
        // One pair that is not text: no text view at all (the glue reads bytes).
        let latin1 = HeaderPairs::parse(pairs(&[(b"a", b"b"), (b"cookie", b"caf\xe9")])).unwrap();
        assert!(latin1.text_pairs().is_none());
    }

    #[test]
    fn every_malformed_shape_is_an_error_not_a_panic() {
        let good = pairs(&[(b"a", b"b"), (b"cc", b"dd")]);
        // Every truncation and every single-byte corruption.
        for end in 1..good.len() {
            assert!(HeaderPairs::parse(good[..end].to_vec()).is_err(), "truncated at {end}");
        }
        for i in 0..good.len() {
            for b in [0u8, 1, 0x7f, 0xff] {
                let mut bad = good.clone();
                bad[i] = b;
                if let Ok(p) = HeaderPairs::parse(bad) {
                    // Whatever parsed iterates to its count without panicking.
                    assert_eq!(p.iter().count(), p.len());
                }
            }
        }
        // A count that would overflow the size arithmetic.
        let mut huge = u32::MAX.to_le_bytes().to_vec();
        huge.extend_from_slice(&[0; 8]);
        assert!(HeaderPairs::parse(huge).is_err());
        assert!(HeaderPairs::parse(vec![1, 0, 0]).is_err());
    }
}
