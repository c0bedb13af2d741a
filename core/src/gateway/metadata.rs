//! The request's dynamic metadata as the host hands it over (the `metadata` property: a
//! serialized `envoy.config.core.v3.Metadata`), read for what jwt_authn verified: the
//! `google.protobuf.Struct` under its filter name, one field per provider holding the token's
//! payload.
//!
//! A hand-written protobuf reader, because the bytes come from the host: every length is checked
//! against what is left, nesting is bounded ([`MAX_DEPTH`]), nothing panics, and anything
//! malformed reads as "nothing verified" (which denies where a token is required).

use crate::intentions::jwt::JwtPayloads;
use crate::json::{Map, Number, Value};

/// Deeper payloads are refused (as if nothing verified).
pub const MAX_DEPTH: usize = 32;

/// The payloads jwt_authn (`filter`, its metadata namespace) stored, by provider; `None` when it
/// stored none or the bytes do not parse.
pub fn jwt_payloads(metadata: &[u8], filter: &str) -> Option<JwtPayloads> {
    // Metadata: 1 = map<string, Struct> filter_metadata.
    let mut r = Reader(metadata);
    while let Some((field, wire)) = r.tag()? {
        if field == 1 && wire == LEN {
            let mut entry = Reader(r.bytes()?);
            let (mut key, mut value) = (None, None);
            while let Some((f, w)) = entry.tag()? {
                match (f, w) {
                    (1, LEN) => key = Some(entry.bytes()?),
                    (2, LEN) => value = Some(entry.bytes()?),
                    _ => entry.skip(w)?,
                }
            }
            if key == Some(filter.as_bytes()) {
                return parse_struct(value.unwrap_or_default(), 0);
            }
        } else {
            r.skip(wire)?;
        }
    }
    None
}

/// The same payloads from jwt_authn's metadata namespace rendered as JSON (Envoy's
/// `%DYNAMIC_METADATA(envoy.filters.http.jwt_authn)%`: an object, one field per provider), which
/// is how the dynamic module receives them (see `envoy::jwt::payload_state`). `None` when it is
/// not an object (Envoy renders `-` when jwt_authn stored nothing) or nests deeper than
/// [`MAX_DEPTH`], as the protobuf reader refuses it.
pub fn jwt_payloads_json(rendered: &[u8]) -> Option<JwtPayloads> {
    fn depth(v: &Value) -> usize {
        match v {
            Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
            Value::Array(a) => 1 + a.iter().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    match serde_json::from_slice::<Value>(rendered).ok()? {
        Value::Object(m) if m.values().map(depth).max().unwrap_or(0) < MAX_DEPTH => Some(m),
        _ => None,
    }
}

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LEN: u8 = 2;
const FIXED32: u8 = 5;

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    /// The next field number and wire type; `Some(None)` at the end, `None` when malformed.
    fn tag(&mut self) -> Option<Option<(u64, u8)>> {
        if self.0.is_empty() {
            return Some(None);
        }
        let t = self.varint()?;
        Some(Some((t >> 3, (t & 7) as u8)))
    }

    fn varint(&mut self) -> Option<u64> {
        let mut out = 0u64;
        for i in 0..10 {
            let (b, rest) = self.0.split_first()?;
            self.0 = rest;
            out |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Some(out);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.varint()?).ok()?;
        self.take(n)
    }

    fn skip(&mut self, wire: u8) -> Option<()> {
        match wire {
            VARINT => self.varint().map(drop),
            FIXED64 => self.take(8).map(drop),
            LEN => self.bytes().map(drop),
            FIXED32 => self.take(4).map(drop),
            _ => None,
        }
    }
}

/// google.protobuf.Struct: 1 = map<string, Value> fields.
fn parse_struct(bytes: &[u8], depth: usize) -> Option<Map> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut out = Map::new();
    let mut r = Reader(bytes);
    while let Some((field, wire)) = r.tag()? {
        if field != 1 || wire != LEN {
            r.skip(wire)?;
            continue;
        }
        let mut entry = Reader(r.bytes()?);
        let (mut key, mut value) = (String::new(), Value::Null);
        while let Some((f, w)) = entry.tag()? {
            match (f, w) {
                (1, LEN) => key = std::str::from_utf8(entry.bytes()?).ok()?.to_string(),
                (2, LEN) => value = parse_value(entry.bytes()?, depth + 1)?,
                _ => entry.skip(w)?,
            }
        }
        out.insert(key, value);
    }
    Some(out)
}

/// google.protobuf.Value: 1 null, 2 number (double), 3 string, 4 bool, 5 struct, 6 list.
fn parse_value(bytes: &[u8], depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut out = Value::Null;
    let mut r = Reader(bytes);
    while let Some((field, wire)) = r.tag()? {
        out = match (field, wire) {
            (1, VARINT) => {
                r.varint()?;
                Value::Null
            }
            (2, FIXED64) => {
                let raw: [u8; 8] = r.take(8)?.try_into().ok()?;
                Number::from_f64(f64::from_le_bytes(raw)).map_or(Value::Null, Value::Number)
            }
            (3, LEN) => Value::String(std::str::from_utf8(r.bytes()?).ok()?.to_string()),
            (4, VARINT) => Value::Bool(r.varint()? != 0),
            (5, LEN) => Value::Object(parse_struct(r.bytes()?, depth + 1)?),
            (6, LEN) => {
                // ListValue: 1 = repeated Value values.
                let mut list = Reader(r.bytes()?);
                let mut items = Vec::new();
                while let Some((f, w)) = list.tag()? {
                    if f == 1 && w == LEN {
                        items.push(parse_value(list.bytes()?, depth + 1)?);
                    } else {
                        list.skip(w)?;
                    }
                }
                Value::Array(items)
            }
            (_, w) => {
                r.skip(w)?;
                continue;
            }
        };
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    // A minimal protobuf writer for the tests' expected shapes.
    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn len_field(field: u64, bytes: &[u8], out: &mut Vec<u8>) {
        varint(field << 3 | 2, out);
        varint(bytes.len() as u64, out);
        out.extend_from_slice(bytes);
    }

    fn value(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        match v {
            Value::Null => {
                varint(1 << 3, &mut out);
                varint(0, &mut out);
            }
            Value::Number(n) => {
                varint(2 << 3 | 1, &mut out);
                out.extend_from_slice(&n.as_f64().to_le_bytes());
            }
            Value::String(s) => len_field(3, s.as_bytes(), &mut out),
            Value::Bool(b) => {
                varint(4 << 3, &mut out);
                varint(u64::from(*b), &mut out);
            }
            Value::Object(m) => len_field(5, &structure(m), &mut out),
            Value::Array(items) => {
                let mut list = Vec::new();
                for i in items {
                    len_field(1, &value(i), &mut list);
                }
                len_field(6, &list, &mut out);
            }
        }
        out
    }

    fn structure(m: &Map) -> Vec<u8> {
        let mut out = Vec::new();
        for (k, v) in m {
            let mut entry = Vec::new();
            len_field(1, k.as_bytes(), &mut entry);
            len_field(2, &value(v), &mut entry);
            len_field(1, &entry, &mut out);
        }
        out
    }

    fn metadata(filters: &[(&str, Value)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, v) in filters {
            let mut entry = Vec::new();
            len_field(1, name.as_bytes(), &mut entry);
            len_field(2, &structure(v.as_object().unwrap_or(&Map::new())), &mut entry);
            len_field(1, &entry, &mut out);
        }
        out
    }

    #[test]
    fn payloads_round_trip_with_every_value_kind() {
        let payloads = json!({
            "okta": { "sub": "alice", "exp": 1.9e9, "admin": true, "none": null,
                      "perms": { "role": "admin", "groups": ["ops", "dev", 3.5] } },
            "auth0": { "sub": "bob" },
        });
        let bytes =
            metadata(&[("envoy.lb", json!({ "canary": true })), ("envoy.filters.http.jwt_authn", payloads.clone())]);
        let got = jwt_payloads(&bytes, "envoy.filters.http.jwt_authn");
        assert_eq!(got.map(Value::Object), Some(payloads));
        assert_eq!(jwt_payloads(&bytes, "other"), None);
        assert_eq!(jwt_payloads(&[], "envoy.filters.http.jwt_authn"), None);
    }

    #[test]
    fn malformed_or_too_deep_input_reads_as_nothing() {
        let bytes = metadata(&[("j", json!({ "p": { "sub": "alice" } }))]);
        for cut in 0..bytes.len() {
            // Every truncation is refused or reads a prefix; none panics.
            let _ = jwt_payloads(&bytes[..cut], "j");
        }
        assert_eq!(jwt_payloads(&[0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f], "j"), None);
        assert_eq!(jwt_payloads(&[0xff; 11], "j"), None);
        let mut deep = json!("x");
        for _ in 0..(MAX_DEPTH + 2) {
            deep = json!({ "a": deep });
        }
        let bytes = metadata(&[("j", json!({ "p": deep }))]);
        assert_eq!(jwt_payloads(&bytes, "j"), None);
    }
    #[test]
    fn the_rendered_namespace_reads_as_the_protobuf_one() {
        let payloads = json!({ "okta": { "sub": "alice", "perms": { "role": ["admin", "ops"] }, "exp": 1.7e9 } });
        let bytes = metadata(&[("envoy.filters.http.jwt_authn", payloads.clone())]);
        let from_proto = jwt_payloads(&bytes, "envoy.filters.http.jwt_authn");
        let from_json = jwt_payloads_json(payloads.to_string().as_bytes());
        assert_eq!(from_json, from_proto);
        assert_eq!(from_json.and_then(|m| m.get("okta").cloned()), Some(payloads["okta"].clone()));
        // Nothing verified (Envoy renders `-`), garbage, a non-object, too deep: nothing.
        for bad in ["-", "", "{", "[1]", "\"x\""] {
            assert_eq!(jwt_payloads_json(bad.as_bytes()), None, "{bad}");
        }
        let mut deep = json!("x");
        for _ in 0..MAX_DEPTH + 1 {
            deep = json!({ "a": deep });
        }
        assert_eq!(jwt_payloads_json(deep.to_string().as_bytes()), None);
    }
}
