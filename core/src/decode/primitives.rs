//! [`Decode`] for the leaf types: strings, numbers, booleans, lists, opaque maps, durations.

use super::{Cx, Decode};
use crate::diag::Code;
use crate::float::parse_f64;
use crate::sorted::SortedMap;
use crate::syntax::{Node, Value};
use serde::Serialize;

// Consul decodes entries with mapstructure's `WeaklyTypedInput`: a number or boolean where a
// string belongs, a numeric string where a number belongs, and a boolean-looking string or a
// number where a boolean belongs are converted, not refused. The conversions below are
// mapstructure's (Go's strconv rules).

impl Decode for String {
    fn expected() -> &'static str {
        "a string"
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
            Value::Number(text) => match (integer_i128(text), number_f64(text)) {
                (Some(i), _) => Some(i.to_string()),
                (None, Some(f)) if f.is_finite() => Some(plain_float(f)),
                _ => {
                    cx.type_error(node, Self::expected());
                    None
                }
            },
            _ => {
                cx.type_error(node, Self::expected());
                None
            }
        }
    }
}

impl Decode for bool {
    fn expected() -> &'static str {
        "a boolean (true or false)"
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Bool(b) => Some(*b),
            Value::Number(text) => number_f64(text).map(|f| f != 0.0).or_else(|| {
                cx.type_error(node, Self::expected());
                None
            }),
            Value::String(text) => go_parse_bool(text).or_else(|| {
                cx.type_error(node, Self::expected());
                None
            }),
            _ => {
                cx.type_error(node, Self::expected());
                None
            }
        }
    }
}

/// Parses a number lexeme as written by any of our parsers.
pub(crate) fn number_f64(text: &str) -> Option<f64> {
    if let Some(i) = integer_i128(text) {
        return Some(i as f64);
    }
    let t = text.trim_start_matches('+');
    match t.to_ascii_lowercase().as_str() {
        ".inf" | "+.inf" => Some(f64::INFINITY),
        "-.inf" => Some(f64::NEG_INFINITY),
        ".nan" => Some(f64::NAN),
        _ => parse_f64(t),
    }
}

/// A finite `f64` as its shortest round-trip decimal in positional notation (`0.004`, `1e21` →
/// `1000000000000000000000`, `-0.0` → `-0`; `inf`, `-inf`, `NaN`): Go's `FormatFloat(f, 'f', -1, 64)` and Rust's
/// `Display`. Written from the JSON writer's float text (serde_json's, already in every build
/// that prints JSON), so the playground's wasm does not carry the standard library's second float
/// formatter too.
pub(crate) fn plain_float(f: f64) -> String {
    let Some(n) = crate::json::Number::from_f64(f) else {
        // Not finite: what `Display` writes.
        return if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "inf"
        } else {
            "-inf"
        }
        .to_string();
    };
    let text = n.to_string();
    // The JSON writer (as serde_json) writes `12.0`, `0.001234` or `1.234e33` / `1e-7`: digits, a point, an exponent.
    let (sign, text) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (mantissa, exp) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.trim_start_matches('+').parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = [whole, frac].concat();
    // Where the point goes in `digits`, after applying the exponent.
    let point = whole.len() as i64 + i64::from(exp);
    let mut out = String::from(sign);
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', point.unsigned_abs() as usize));
        out.push_str(&digits);
    } else {
        let point = point as usize;
        if point >= digits.len() {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', point - digits.len()));
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    trim_decimals(&mut out);
    out
}

/// Drops trailing zeros after a decimal point, and the point when nothing follows it.
fn trim_decimals(text: &mut String) {
    if text.contains('.') {
        let kept = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(kept);
    }
}

/// [`plain_float`]'s text rounded (half up) to at most `places` decimals, trailing zeros dropped:
/// `33.333333333333336` → `33.333333` for 6. It rounds the shortest decimal form, not the exact
/// binary value (as `{:.6}` does): they differ only when the digits cut off are exactly `5`.
pub(crate) fn rounded_float(f: f64, places: usize) -> String {
    let mut text = plain_float(f);
    let Some(point) = text.find('.') else {
        return text;
    };
    if text.len() - point - 1 <= places {
        return text;
    }
    let round_up = text.as_bytes()[point + 1 + places] >= b'5';
    text.truncate(point + 1 + places);
    let mut digits = text.into_bytes();
    if round_up {
        // Carry from the last kept digit leftwards, over the point; a carry out of the first digit
        // adds a leading 1 (after the sign).
        let mut i = digits.len();
        let mut carry = true;
        while carry && i > 0 {
            i -= 1;
            match digits[i] {
                b'9' => digits[i] = b'0',
                b'0'..=b'8' => {
                    digits[i] += 1;
                    carry = false;
                }
                _ => {}
            }
        }
        if carry {
            let at = usize::from(digits.first() == Some(&b'-'));
            digits.insert(at, b'1');
        }
    }
    let mut text = String::from_utf8(digits).unwrap_or_default();
    trim_decimals(&mut text);
    text
}

pub(crate) fn integer_i128(text: &str) -> Option<i128> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let lower = body.to_ascii_lowercase();
    let magnitude = if let Some(hex) = lower.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()?
    } else if let Some(oct) = lower.strip_prefix("0o") {
        i128::from_str_radix(oct, 8).ok()?
    } else if !lower.is_empty() && lower.bytes().all(|b| b.is_ascii_digit()) {
        lower.parse::<i128>().ok()?
    } else {
        // 8080.0 or 1e3 are integers too when they have no fraction.
        let f = parse_f64(&lower)?;
        if f.fract() != 0.0 || !f.is_finite() || f.abs() > 1e18 {
            return None;
        }
        f as i128
    };
    Some(if neg { -magnitude } else { magnitude })
}

/// Go's `strconv.ParseBool`, as mapstructure applies it to a string where a boolean belongs
/// (the empty string is false).
fn go_parse_bool(text: &str) -> Option<bool> {
    match text {
        "" | "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        _ => None,
    }
}

/// Go's `strconv.ParseInt(s, 0, _)`, as mapstructure applies it to a string where a whole number
/// belongs: an optional sign, then `0x`, `0o` or `0b` for another base, or a leading `0` for
/// octal (the empty string is 0).
fn go_parse_int(text: &str) -> Option<i128> {
    if text.is_empty() {
        return Some(0);
    }
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (radix, digits) = match body.get(..2) {
        Some("0x" | "0X") => (16, &body[2..]),
        Some("0o" | "0O") => (8, &body[2..]),
        Some("0b" | "0B") => (2, &body[2..]),
        _ if body.len() > 1 && body.starts_with('0') => (8, &body[1..]),
        _ => (10, body),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    Some(if neg { -magnitude } else { magnitude })
}

macro_rules! decode_int {
    ($($t:ty => $what:literal),*) => {$(
        impl Decode for $t {
            fn expected() -> &'static str {
                $what
            }
            fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
                let parsed = match &node.value {
                    Value::Number(text) => integer_i128(text),
                    Value::String(text) => go_parse_int(text),
                    Value::Bool(b) => Some(i128::from(*b)),
                    _ => None,
                };
                match parsed {
                    Some(n) => match <$t>::try_from(n) {
                        Ok(v) => Some(v),
                        Err(_) => {
                            cx.error(
                                Code::NumberOutOfRange,
                                node.span,
                                format!("{n} is out of range: expected {} from {} to {}", $what, <$t>::MIN, <$t>::MAX),
                            );
                            None
                        }
                    },
                    None => {
                        cx.type_error(node, Self::expected());
                        None
                    }
                }
            }
        }
    )*};
}

decode_int!(u16 => "a whole number", u32 => "a whole number", u64 => "a whole number",
    i32 => "a whole number", i64 => "a whole number");

impl Decode for f64 {
    fn expected() -> &'static str {
        "a number"
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Number(text) => match number_f64(text) {
                Some(v) if v.is_finite() => Some(v),
                _ => {
                    cx.error(Code::NumberOutOfRange, node.span, format!("{text} is not a finite number"));
                    None
                }
            },
            Value::String(text) => match parse_f64(text.trim()) {
                Some(v) if v.is_finite() && text.trim() == text => Some(v),
                _ => {
                    cx.type_error(node, Self::expected());
                    None
                }
            },
            Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            _ => {
                cx.type_error(node, Self::expected());
                None
            }
        }
    }
}

impl<T: Decode> Decode for Option<T> {
    fn expected() -> &'static str {
        T::expected()
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        if node.value == Value::Null {
            return Some(None);
        }
        T::decode(node, cx).map(Some)
    }
    fn appends() -> bool {
        T::appends()
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn expected() -> &'static str {
        "a list"
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            // Items that fail are reported and left out, so later items are still checked. A
            // plain loop, not `filter_map(..).collect()`: this is instantiated for every list type
            // of the model, and the iterator form costs three functions per type in the wasm.
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if let Some(v) = T::decode(item, cx) {
                        out.push(v);
                    }
                }
                Some(out)
            }
            // A single block where a list of blocks is expected (HCL's `Listeners { … }`).
            Value::Object(_) => Some(T::decode(node, cx).map_or_else(Vec::new, |v| vec![v])),
            _ => {
                cx.type_error(node, Self::expected());
                None
            }
        }
    }
    fn appends() -> bool {
        true
    }
}

/// Meta, tags and other string maps: keys are kept exactly as written.
impl Decode for SortedMap<String, String> {
    fn expected() -> &'static str {
        "a map of strings"
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        let entries = super::object_entries(node, cx, Self::expected())?;
        // Collected, not inserted one by one: one sort however many keys (a repeated key keeps
        // its last value, as inserting would).
        Some(entries.iter().filter_map(|e| Some((e.key.clone(), String::decode(&e.value, cx)?))).collect())
    }
}

/// An opaque value (proxy `Config`, extension `Arguments`): kept as JSON, keys untouched, with
/// where each of its top-level keys' values was written (so a key meshgate does not apply is
/// reported at its value, see `plan::unapplied`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Opaque(pub crate::json::Value, #[serde(skip)] pub KeySpans);

/// The spans of an object's top-level values, in source order. Provenance, not content: equal to
/// any other, as [`super::Meta`] is.
#[derive(Clone, Debug, Default)]
pub struct KeySpans(pub Vec<(String, crate::source::Span)>);

impl PartialEq for KeySpans {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Opaque {
    /// Each top-level key written, with the span of its value, in source order (none when the
    /// value is not an object).
    pub fn keys(&self) -> impl Iterator<Item = (&str, crate::source::Span)> + '_ {
        self.1 .0.iter().map(|(k, s)| (k.as_str(), *s))
    }
}

impl Decode for Opaque {
    fn expected() -> &'static str {
        "any value"
    }
    fn decode(node: &Node, _cx: &mut Cx) -> Option<Self> {
        let spans = match &node.value {
            Value::Object(entries) => entries.iter().map(|e| (e.key.clone(), e.value.span)).collect(),
            _ => Vec::new(),
        };
        Some(Opaque(to_json(node), KeySpans(spans)))
    }
}

/// A number as JSON readers of the opaque value will see it. What the notation says decides
/// between integer and float, in every format alike: `31`, `+31`, `0x1F` (HCL, YAML) and `0o37`
/// (YAML) are the integer 31, up to the full u64 range; `31.0` and `3.1e1` are floats.
fn json_number(text: &str) -> crate::json::Value {
    use crate::json::Value as J;
    if is_integer_notation(text) {
        if let Some(i) = integer_i128(text) {
            if let Ok(n) = i64::try_from(i) {
                return J::from(n);
            }
            if let Ok(n) = u64::try_from(i) {
                return J::from(n);
            }
        }
    }
    number_f64(text)
        .and_then(crate::json::Number::from_f64)
        .map(J::Number)
        .unwrap_or_else(|| J::String(text.to_owned()))
}

/// An optional sign, then decimal digits, or `0x` hex digits, or `0o` octal digits.
fn is_integer_notation(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (digits, radix) = match body.get(..2) {
        Some("0x" | "0X") => (body.get(2..).unwrap_or(""), 16),
        Some("0o" | "0O") => (body.get(2..).unwrap_or(""), 8),
        _ => (body, 10),
    };
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix))
}

pub(crate) fn to_json(node: &Node) -> crate::json::Value {
    use crate::json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(text) => json_number(text),
        Value::String(s) => J::String(s.clone()),
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Object(entries) => {
            let mut map = crate::json::Map::new();
            for e in entries {
                map.insert(e.key.clone(), to_json(&e.value));
            }
            J::Object(map)
        }
    }
}

/// A Go-style duration (`"5s"`, `"1m30s"`, `"250ms"`), or a number of nanoseconds as Consul's
/// JSON API also accepts. Kept in nanoseconds; printed back in Go's form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    pub nanos: u64,
}

impl Duration {
    pub const fn from_secs(s: u64) -> Self {
        Duration { nanos: s * 1_000_000_000 }
    }

    pub fn parse(text: &str) -> Result<Duration, String> {
        let t = text.trim();
        if t == "0" {
            return Ok(Duration { nanos: 0 });
        }
        if t.is_empty() {
            return Err("a duration cannot be empty".into());
        }
        if t.starts_with('-') {
            return Err(format!("`{t}` is negative; durations must be zero or more"));
        }
        let mut total: f64 = 0.0;
        let mut rest = t.trim_start_matches('+');
        while !rest.is_empty() {
            let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
            let (num, after) = rest.split_at(num_len);
            let value = parse_f64(num).ok_or_else(|| format!("`{t}` is not a duration like \"5s\" or \"1m30s\""))?;
            let unit_len = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
            let (unit, next) = after.split_at(unit_len);
            let scale = match unit {
                "ns" => 1.0,
                "us" | "µs" | "μs" => 1e3,
                "ms" => 1e6,
                "s" => 1e9,
                "m" => 60e9,
                "h" => 3600e9,
                "" => return Err(format!("`{t}` needs a unit: ns, us, ms, s, m or h")),
                other => return Err(format!("unknown unit `{other}` in `{t}`; use ns, us, ms, s, m or h")),
            };
            total += value * scale;
            rest = next;
        }
        if total > u64::MAX as f64 {
            return Err(format!("`{t}` is too long"));
        }
        Ok(Duration { nanos: total.round() as u64 })
    }

    /// Go's `time.Duration.String()` form: "1h2m3.5s", "250ms", "0s".
    pub fn go_string(&self) -> String {
        let n = self.nanos;
        if n == 0 {
            return "0s".into();
        }
        if n < 1_000 {
            return format!("{n}ns");
        }
        if n < 1_000_000 {
            return format!("{}us", decimal(n, 1_000));
        }
        if n < 1_000_000_000 {
            return format!("{}ms", decimal(n, 1_000_000));
        }
        let hours = n / 3_600_000_000_000;
        let minutes = (n / 60_000_000_000) % 60;
        let seconds = n % 60_000_000_000;
        let mut out = String::new();
        if hours > 0 {
            out.push_str(&format!("{hours}h"));
        }
        if hours > 0 || minutes > 0 {
            out.push_str(&format!("{minutes}m"));
        }
        out.push_str(&format!("{}s", decimal(seconds, 1_000_000_000)));
        out
    }
}

/// `n / unit` exactly, as a decimal without trailing zeros (`unit` a power of ten): 1500, 1000 →
/// "1.5". Integer arithmetic, as Go's own `Duration.String`.
fn decimal(n: u64, unit: u64) -> String {
    let places = unit.ilog10() as usize;
    let mut text = format!("{}.{:0places$}", n / unit, n % unit);
    trim_decimals(&mut text);
    text
}

impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.go_string())
    }
}

impl Decode for Duration {
    fn expected() -> &'static str {
        "a duration such as \"5s\""
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::String(s) => match Duration::parse(s) {
                Ok(d) => Some(d),
                Err(msg) => {
                    cx.error(Code::InvalidDuration, node.span, msg);
                    None
                }
            },
            Value::Number(text) => match integer_i128(text).and_then(|n| u64::try_from(n).ok()) {
                Some(nanos) => Some(Duration { nanos }),
                None => {
                    cx.error(Code::InvalidDuration, node.span, format!("{text} is not a whole number of nanoseconds"));
                    None
                }
            },
            _ => {
                cx.type_error(node, Self::expected());
                None
            }
        }
    }
}

impl<T: Decode> Decode for Box<T> {
    fn expected() -> &'static str {
        T::expected()
    }
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::decode(node, cx).map(Box::new)
    }
    fn appends() -> bool {
        T::appends()
    }
}

#[cfg(test)]
mod shapes {
    use super::{Duration, Opaque};
    use crate::decode::Shape;
    use crate::sorted::SortedMap;

    macro_rules! leaf {
        ($($t:ty => $sample:literal),* $(,)?) => {$(
            impl Shape for $t {
                fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
                    out.push((prefix.to_string(), $sample.to_string()));
                }
            }
        )*};
    }

    leaf!(String => "\"x\"", bool => "true", u16 => "1", u32 => "1", u64 => "1", i32 => "1", i64 => "1",
        f64 => "1", Duration => "\"1s\"", Opaque => "{ a = 1 }", SortedMap<String, String> => "{ a = \"b\" }");

    impl<T: Shape> Shape for Option<T> {
        fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
            T::paths(prefix, out);
        }
    }

    /// A box is how a type holds itself (a `sidecar_service` is a service definition): its
    /// fields are listed once; where the box's key repeats within its own path, it is one leaf.
    impl<T: Shape> Shape for Box<T> {
        fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
            let segments: Vec<&str> = prefix.split('.').collect();
            match segments.split_last() {
                Some((last, before)) if before.contains(last) => out.push((prefix.to_string(), "{}".to_string())),
                _ => T::paths(prefix, out),
            }
        }
    }

    /// A list of leaves is one leaf (its sample a one-item list); a list of blocks lists the
    /// block's fields (HCL's repeated blocks write one item).
    impl<T: Shape> Shape for Vec<T> {
        fn paths(prefix: &str, out: &mut Vec<(String, String)>) {
            let mut items = Vec::new();
            T::paths(prefix, &mut items);
            match items.as_slice() {
                [(path, sample)] if path == prefix => out.push((path.clone(), format!("[{sample}]"))),
                _ => out.extend(items),
            }
        }
    }
}
