//! A minimal HTTP/2 client for the Envoy tests: cleartext with prior knowledge (h2c), one request
//! per connection, header fields sent exactly as given — any bytes, in any order, pseudo-headers
//! included — so a test can put a 0xFF or a Latin-1 byte where no real client would.
//!
//! What it does: the connection preface, an empty SETTINGS frame, one HEADERS frame (stream 1,
//! END_HEADERS | END_STREAM) whose block is HPACK "literal never indexed" fields with literal
//! names and no Huffman coding; then it reads frames until the response is complete (HEADERS and
//! DATA up to END_STREAM), the stream is reset (RST_STREAM), the connection is refused (GOAWAY)
//! or closed. It ACKs the server's SETTINGS and answers PINGs. Responses are decoded with a full
//! HPACK decoder (static and dynamic tables); Huffman-coded strings are decoded for every
//! printable ASCII symbol (codes of up to 19 bits: RFC 7541 Appendix B's code is canonical, so
//! the code lengths determine the codes), which covers what Envoy sends back.
//!
//! Bounded: every socket has a timeout, at most [`MAX_FRAMES`] frames are read, frames larger than
//! [`MAX_FRAME`] bytes are refused.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// The most frames read for one request.
pub const MAX_FRAMES: usize = 256;
/// The largest frame accepted (the default SETTINGS_MAX_FRAME_SIZE).
pub const MAX_FRAME: usize = 16_384;

const DATA: u8 = 0;
const HEADERS: u8 = 1;
const RST_STREAM: u8 = 3;
const SETTINGS: u8 = 4;
const PING: u8 = 6;
const GOAWAY: u8 = 7;
const CONTINUATION: u8 = 9;

const END_STREAM: u8 = 0x1;
const ACK: u8 = 0x1;
const END_HEADERS: u8 = 0x4;
const PADDED: u8 = 0x8;
const PRIORITY: u8 = 0x20;

/// How a request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A complete response.
    Response(H2Response),
    /// The server reset the stream (RST_STREAM with this error code) before answering.
    Reset(u32),
    /// The server ended the connection (GOAWAY with this error code) before answering.
    GoAway(u32),
    /// The connection closed without a response.
    Closed,
}

/// A response: the status, the other header fields (names as sent, lowercase), the body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct H2Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl H2Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// A `key=value` line of a test backend's body.
    pub fn field(&self, key: &str) -> Option<String> {
        String::from_utf8_lossy(&self.body)
            .lines()
            .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix('=')).map(String::from))
    }
}

/// Sends one request with exactly these header fields (pseudo-headers first, as HTTP/2 wants —
/// or not, if the test says otherwise) to 127.0.0.1:`port` over h2c and reads the outcome.
pub fn request(port: u16, fields: &[(&[u8], &[u8])]) -> Result<Outcome, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect 127.0.0.1:{port}: {e}"))?;
    let _ = s.set_read_timeout(Some(IO_TIMEOUT));
    let _ = s.set_write_timeout(Some(IO_TIMEOUT));
    let _ = s.set_nodelay(true);
    let mut out = PREFACE.to_vec();
    out.extend(frame(SETTINGS, 0, 0, &[]));
    out.extend(frame(HEADERS, END_HEADERS | END_STREAM, 1, &encode_block(fields)));
    s.write_all(&out).map_err(|e| format!("write: {e}"))?;
    read_outcome(&mut s)
}

/// The usual pseudo-headers for a GET, then `headers`.
pub fn get(port: u16, authority: &str, path: &str, headers: &[(&str, &str)]) -> Result<Outcome, String> {
    let mut fields: Vec<(&[u8], &[u8])> = vec![
        (b":method", b"GET"),
        (b":scheme", b"http"),
        (b":authority", authority.as_bytes()),
        (b":path", path.as_bytes()),
    ];
    fields.extend(headers.iter().map(|(n, v)| (n.as_bytes(), v.as_bytes())));
    request(port, &fields)
}

/// One frame: 24-bit length, type, flags, 31-bit stream id, payload.
fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut f = Vec::with_capacity(9 + payload.len());
    f.extend_from_slice(&len.to_be_bytes()[1..]);
    f.push(kind);
    f.push(flags);
    f.extend_from_slice(&(stream & 0x7fff_ffff).to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// An HPACK integer with an `n`-bit prefix whose high bits are `first`.
fn encode_int(out: &mut Vec<u8>, first: u8, n: u32, mut value: usize) {
    let max = (1usize << n) - 1;
    if value < max {
        out.push(first | value as u8);
        return;
    }
    out.push(first | max as u8);
    value -= max;
    while value >= 128 {
        out.push((value % 128) as u8 | 0x80);
        value /= 128;
    }
    out.push(value as u8);
}

/// A raw (not Huffman-coded) HPACK string.
fn encode_str(out: &mut Vec<u8>, s: &[u8]) {
    encode_int(out, 0, 7, s.len());
    out.extend_from_slice(s);
}

/// A header block of "literal header field never indexed — new name" representations: the
/// bytes go on the wire as given.
pub fn encode_block(fields: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.push(0x10);
        encode_str(&mut out, name);
        encode_str(&mut out, value);
    }
    out
}

struct Frame {
    kind: u8,
    flags: u8,
    stream: u32,
    payload: Vec<u8>,
}

fn read_frame(s: &mut TcpStream) -> Result<Option<Frame>, String> {
    let mut head = [0u8; 9];
    match s.read_exact(&mut head) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Ok(None),
        Err(e) => return Err(format!("read: {e}")),
    }
    let len = usize::from(head[0]) << 16 | usize::from(head[1]) << 8 | usize::from(head[2]);
    if len > MAX_FRAME {
        return Err(format!("a frame of {len} bytes (more than {MAX_FRAME})"));
    }
    let mut payload = vec![0u8; len];
    s.read_exact(&mut payload).map_err(|e| format!("read: {e}"))?;
    let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
    Ok(Some(Frame { kind: head[3], flags: head[4], stream, payload }))
}

/// A HEADERS payload without its padding and priority fields.
fn header_fragment(f: &Frame) -> Result<&[u8], String> {
    let mut p = f.payload.as_slice();
    let mut pad = 0;
    if f.flags & PADDED != 0 {
        pad = usize::from(*p.first().ok_or("HEADERS: no pad length")?);
        p = &p[1..];
    }
    if f.flags & PRIORITY != 0 {
        p = p.get(5..).ok_or("HEADERS: short priority")?;
    }
    p.get(..p.len().checked_sub(pad).ok_or("HEADERS: more padding than payload")?).ok_or_else(|| "HEADERS".into())
}

fn u32_of(p: &[u8]) -> u32 {
    p.get(..4).and_then(|b| b.try_into().ok()).map(u32::from_be_bytes).unwrap_or(0)
}

fn read_outcome(s: &mut TcpStream) -> Result<Outcome, String> {
    let mut decoder = Decoder::default();
    let mut block = Vec::new();
    let mut response: Option<H2Response> = None;
    for _ in 0..MAX_FRAMES {
        let Some(f) = read_frame(s)? else {
            return Ok(Outcome::Closed);
        };
        match f.kind {
            SETTINGS if f.flags & ACK == 0 => {
                let _ = s.write_all(&frame(SETTINGS, ACK, 0, &[]));
            }
            PING if f.flags & ACK == 0 => {
                let _ = s.write_all(&frame(PING, ACK, 0, &f.payload));
            }
            GOAWAY => {
                return Ok(match response {
                    Some(r) => Outcome::Response(r),
                    None => Outcome::GoAway(u32_of(f.payload.get(4..).unwrap_or(&[]))),
                })
            }
            RST_STREAM if f.stream == 1 => {
                return Ok(match response {
                    Some(r) => Outcome::Response(r),
                    None => Outcome::Reset(u32_of(&f.payload)),
                })
            }
            HEADERS | CONTINUATION if f.stream == 1 => {
                if f.kind == HEADERS {
                    block = header_fragment(&f)?.to_vec();
                } else {
                    block.extend_from_slice(&f.payload);
                }
                if f.flags & END_HEADERS == 0 {
                    continue;
                }
                let fields = decoder.decode(&block)?;
                let status = fields.iter().find(|(n, _)| n == ":status").and_then(|(_, v)| v.parse::<u16>().ok());
                match (status, response.as_mut()) {
                    // An informational response: the real one follows.
                    (Some(code), _) if (100..200).contains(&code) => {}
                    (Some(code), None) => {
                        let headers = fields.into_iter().filter(|(n, _)| !n.starts_with(':')).collect();
                        response = Some(H2Response { status: code, headers, body: Vec::new() });
                    }
                    // Trailers.
                    (None, Some(r)) => r.headers.extend(fields),
                    _ => return Err(format!("a header block without a usable :status: {fields:?}")),
                }
                if f.flags & END_STREAM != 0 {
                    break;
                }
            }
            DATA if f.stream == 1 => {
                let data = data_payload(&f)?;
                if let Some(r) = response.as_mut() {
                    r.body.extend_from_slice(data);
                }
                // Give the flow-control window back so a large body cannot stall.
                if !f.payload.is_empty() {
                    let inc = (f.payload.len() as u32).to_be_bytes();
                    let mut out = frame(8, 0, 0, &inc);
                    out.extend(frame(8, 0, 1, &inc));
                    let _ = s.write_all(&out);
                }
                if f.flags & END_STREAM != 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    response.map(Outcome::Response).ok_or_else(|| format!("no response within {MAX_FRAMES} frames"))
}

fn data_payload(f: &Frame) -> Result<&[u8], String> {
    if f.flags & PADDED == 0 {
        return Ok(&f.payload);
    }
    let pad = usize::from(*f.payload.first().ok_or("DATA: no pad length")?);
    f.payload.get(1..f.payload.len().saturating_sub(pad)).ok_or_else(|| "DATA: more padding than payload".into())
}

// ------------------------------------------------------------------------------------ HPACK

/// RFC 7541 Appendix A.
const STATIC: [(&str, &str); 61] = [
    (":authority", ""),
    (":method", "GET"),
    (":method", "POST"),
    (":path", "/"),
    (":path", "/index.html"),
    (":scheme", "http"),
    (":scheme", "https"),
    (":status", "200"),
    (":status", "204"),
    (":status", "206"),
    (":status", "304"),
    (":status", "400"),
    (":status", "404"),
    (":status", "500"),
    ("accept-charset", ""),
    ("accept-encoding", "gzip, deflate"),
    ("accept-language", ""),
    ("accept-ranges", ""),
    ("accept", ""),
    ("access-control-allow-origin", ""),
    ("age", ""),
    ("allow", ""),
    ("authorization", ""),
    ("cache-control", ""),
    ("content-disposition", ""),
    ("content-encoding", ""),
    ("content-language", ""),
    ("content-length", ""),
    ("content-location", ""),
    ("content-range", ""),
    ("content-type", ""),
    ("cookie", ""),
    ("date", ""),
    ("etag", ""),
    ("expect", ""),
    ("expires", ""),
    ("from", ""),
    ("host", ""),
    ("if-match", ""),
    ("if-modified-since", ""),
    ("if-none-match", ""),
    ("if-range", ""),
    ("if-unmodified-since", ""),
    ("last-modified", ""),
    ("link", ""),
    ("location", ""),
    ("max-forwards", ""),
    ("proxy-authenticate", ""),
    ("proxy-authorization", ""),
    ("range", ""),
    ("referer", ""),
    ("refresh", ""),
    ("retry-after", ""),
    ("server", ""),
    ("set-cookie", ""),
    ("strict-transport-security", ""),
    ("transfer-encoding", ""),
    ("user-agent", ""),
    ("vary", ""),
    ("via", ""),
    ("www-authenticate", ""),
];

/// An HPACK decoder: the dynamic table (default size 4,096) and the representations of RFC 7541
/// section 6.
#[derive(Debug)]
pub struct Decoder {
    table: std::collections::VecDeque<(String, String)>,
    size: usize,
    max: usize,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder { table: Default::default(), size: 0, max: 4096 }
    }
}

impl Decoder {
    fn entry(&self, index: usize) -> Result<(String, String), String> {
        if index == 0 {
            return Err("HPACK index 0".into());
        }
        if let Some((n, v)) = STATIC.get(index - 1) {
            return Ok((n.to_string(), v.to_string()));
        }
        self.table.get(index - 1 - STATIC.len()).cloned().ok_or_else(|| format!("HPACK index {index} out of range"))
    }

    fn evict(&mut self) {
        while self.size > self.max {
            match self.table.pop_back() {
                Some((n, v)) => self.size -= n.len() + v.len() + 32,
                None => break,
            }
        }
    }

    fn insert(&mut self, name: &str, value: &str) {
        self.table.push_front((name.to_string(), value.to_string()));
        self.size += name.len() + value.len() + 32;
        self.evict();
    }

    /// Decodes one header block into (name, value) pairs (bytes that are not UTF-8 are replaced).
    pub fn decode(&mut self, block: &[u8]) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        let mut p = block;
        while let Some(&b) = p.first() {
            if b & 0x80 != 0 {
                let index = decode_int(&mut p, 7)?;
                out.push(self.entry(index)?);
            } else if b & 0xe0 == 0x20 {
                self.max = decode_int(&mut p, 5)?;
                self.evict();
            } else {
                // 01: incremental indexing (6-bit index); 0000 / 0001: not indexed (4-bit index).
                let (bits, index_it) = if b & 0xc0 == 0x40 { (6, true) } else { (4, false) };
                let index = decode_int(&mut p, bits)?;
                let name = if index == 0 { decode_str(&mut p)? } else { self.entry(index)?.0 };
                let value = decode_str(&mut p)?;
                if index_it {
                    self.insert(&name, &value);
                }
                out.push((name, value));
            }
        }
        Ok(out)
    }
}

fn decode_int(p: &mut &[u8], n: u32) -> Result<usize, String> {
    let (&first, rest) = p.split_first().ok_or("HPACK: truncated integer")?;
    *p = rest;
    let max = (1usize << n) - 1;
    let mut value = usize::from(first) & max;
    if value < max {
        return Ok(value);
    }
    for shift in (0..35).step_by(7) {
        let (&b, rest) = p.split_first().ok_or("HPACK: truncated integer")?;
        *p = rest;
        value += usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err("HPACK: integer too large".into())
}

fn decode_str(p: &mut &[u8]) -> Result<String, String> {
    let huffman = p.first().is_some_and(|b| b & 0x80 != 0);
    let len = decode_int(p, 7)?;
    if p.len() < len {
        return Err("HPACK: truncated string".into());
    }
    let (raw, rest) = p.split_at(len);
    *p = rest;
    let bytes = if huffman { huffman_decode(raw)? } else { raw.to_vec() };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The code length of every symbol whose code has at most [`HUFFMAN_MAX_BITS`] bits (RFC 7541
/// Appendix B): NUL, printable ASCII, and 195 and 208, which share the 19-bit lengths. The
/// code is canonical (codes assigned in order of length, then symbol), so these lengths give
/// the codes; longer codes (other control bytes, most bytes above 127, EOS) sort after them.
const HUFFMAN_MAX_BITS: usize = 19;

fn huffman_length(symbol: u16) -> Option<usize> {
    let len = match symbol {
        0 => 13,
        32 => 6,                                    // space
        33 | 34 | 40 | 41 | 63 => 10,               // ! " ( ) ?
        35 | 62 => 12,                              // # >
        36 | 64 | 91 | 93 | 126 => 13,              // $ @ [ ] ~
        37 | 45 | 46 | 47 | 61 | 95 => 6,           // % - . / = _
        38 | 42 | 44 | 59 | 88 | 90 => 8,           // & * , ; X Z
        39 | 43 | 124 => 11,                        // ' + |
        48..=50 => 5,                               // 0 1 2
        51..=57 => 6,                               // 3 … 9
        58 => 7,                                    // :
        60 | 96 | 123 => 15,                        // < ` {
        65 => 6,                                    // A
        66..=87 | 89 => 7,                          // B … W, Y
        92 => 19,                                   // \
        94 | 125 => 14,                             // ^ }
        97 | 99 | 101 | 105 | 111 | 115 | 116 => 5, // a c e i o s t
        98 | 100 | 102 | 103 | 104 | 108 | 109 | 110 | 112 | 114 | 117 => 6,
        106 | 107 | 113 | 118..=122 => 7, // j k q v w x y z
        195 | 208 => 19,
        _ => return None,
    };
    Some(len)
}

/// Per length: the first canonical code, and the symbols of that length in order.
fn huffman_table() -> Vec<(u32, Vec<u8>)> {
    let mut by_len: Vec<Vec<u8>> = vec![Vec::new(); HUFFMAN_MAX_BITS + 1];
    for s in 0..=255u16 {
        if let Some(l) = huffman_length(s) {
            by_len[l].push(s as u8);
        }
    }
    let mut table = Vec::with_capacity(HUFFMAN_MAX_BITS + 1);
    let mut code = 0u32;
    let mut prev_count = 0u32;
    for (len, symbols) in by_len.into_iter().enumerate() {
        if len > 0 {
            code = (code + prev_count) << 1;
        }
        prev_count = symbols.len() as u32;
        table.push((code, symbols));
    }
    table
}

/// Decodes a Huffman-coded HPACK string (symbols of up to [`HUFFMAN_MAX_BITS`] bits).
pub fn huffman_decode(raw: &[u8]) -> Result<Vec<u8>, String> {
    let table = huffman_table();
    let mut out = Vec::new();
    let (mut code, mut len) = (0u32, 0usize);
    for byte in raw {
        for i in (0..8).rev() {
            code = (code << 1) | u32::from((byte >> i) & 1);
            len += 1;
            let (first, symbols) = &table[len];
            if code >= *first && ((code - first) as usize) < symbols.len() {
                out.push(symbols[(code - first) as usize]);
                code = 0;
                len = 0;
            } else if len >= HUFFMAN_MAX_BITS {
                return Err("Huffman: a symbol this client does not decode (not printable ASCII)".into());
            }
        }
    }
    // Padding: fewer than 8 bits, all ones (a prefix of EOS).
    if len >= 8 || code != (1u32 << len) - 1 {
        return Err("Huffman: bad padding".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0)).collect()
    }

    /// RFC 7541 Appendix C.4 and C.6: Huffman-coded strings.
    #[test]
    fn huffman_decodes_the_rfc_examples() {
        for (coded, text) in [
            ("f1e3 c2e5 f23a 6ba0 ab90 f4ff", "www.example.com"),
            ("a8eb 1064 9cbf", "no-cache"),
            ("25a8 49e9 5ba9 7d7f", "custom-key"),
            ("25a8 49e9 5bb8 e8b4 bf", "custom-value"),
            ("6402", "302"),
            ("aec3 771a 4b", "private"),
            ("d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff", "Mon, 21 Oct 2013 20:13:21 GMT"),
            ("9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3", "https://www.example.com"),
            ("640e ff", "307"),
            ("9bd9 ab", "gzip"),
            (
                "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
                "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
            ),
        ] {
            assert_eq!(String::from_utf8(huffman_decode(&hex(coded)).unwrap()).unwrap(), text);
        }
        assert!(huffman_decode(&[0x00]).is_err(), "padding of zeros");
    }

    /// RFC 7541 Appendix C.6.1: a response with Huffman coding and dynamic-table insertion.
    #[test]
    fn decodes_an_rfc_response_block() {
        let block = hex(
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
        );
        let mut d = Decoder::default();
        let fields = d.decode(&block).unwrap();
        assert_eq!(fields[0], (":status".into(), "302".into()));
        assert_eq!(fields[3], ("location".into(), "https://www.example.com".into()));
        // C.6.2: the next block indexes what the first inserted.
        let fields = d.decode(&hex("4883 640e ffc1 c0bf")).unwrap();
        assert_eq!(fields[0], (":status".into(), "307".into()));
        assert_eq!(fields[1], ("cache-control".into(), "private".into()));
        assert_eq!(fields[3], ("location".into(), "https://www.example.com".into()));
    }

    #[test]
    fn encodes_literal_never_indexed_fields_byte_for_byte() {
        let block = encode_block(&[(b":path", b"/\xff")]);
        assert_eq!(block, [0x10, 5, b':', b'p', b'a', b't', b'h', 2, b'/', 0xff]);
        let mut d = Decoder::default();
        assert_eq!(d.decode(&block).unwrap(), vec![(":path".to_string(), "/\u{fffd}".to_string())]);
        let long = vec![b'a'; 300];
        let block = encode_block(&[(b"x", &long)]);
        assert_eq!(&block[3..6], &[0x7f, 0xad, 0x01], "300 = 127 + 173: a multi-byte length");
    }
}
