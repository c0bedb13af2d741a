//! JSON text through one serializer: our compact writer ([`write`]), which writes what
//! serde_json's compact writer does, byte for byte, in a fraction of the code.
//!
//! Every `Serialize` type is instantiated once per serializer it meets. The compact writer is
//! needed anyway (content hashes, the planner's hand-off to JavaScript), so the pretty form is
//! made from its output by re-indenting the text ([`pretty`]) rather than with serde_json's
//! `PrettyFormatter`, and values are read back from it ([`to_value`]) rather than built by
//! `serde_json::to_value`'s serializer: the planner wasm carries the code of one serializer
//! instead of three. Nothing in the core writes JSON through serde_json, nor keeps JSON in its
//! `Value`: the core's trees are ours ([`value`]), whose sorted-`Vec` objects cost a fraction of
//! the code of serde_json's `BTreeMap` ones. (serde_json's parser still reads the gateway plan
//! in the filter and the dynamic module.)

use serde::Serialize;

pub mod value;
pub mod write;

pub use value::{Map, Number, Value};
pub use write::{quote, to_string, Error};

/// `value` as `serde_json::to_string_pretty` writes it, byte for byte: two-space indents, `": "`
/// after a key, `[]` and `{}` for empty containers.
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    Ok(indent(&to_string(value)?))
}

/// The compact text `value` serializes to and its pretty form, for callers that need both (a
/// content hash over the compact text, the pretty one to show).
pub fn compact_and_pretty<T: Serialize + ?Sized>(value: &T) -> Result<(String, String), Error> {
    let compact = to_string(value)?;
    let pretty = indent(&compact);
    Ok((compact, pretty))
}

/// `value` as a [`Value`] — the tree `serde_json::to_value` builds — read back from its compact
/// text. Maps are sorted either way (serde_json's `preserve_order` is off), a non-finite float
/// is `null` either way. Read by [`Reader`], not `serde_json::from_str`: serde_json's parser
/// (without `float_roundtrip`) can read a 16- or 17-digit float one unit in the last place off,
/// and the standard library's parser reads every float the writer wrote back exactly.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    let text = to_string(value)?;
    read_compact(&text).ok_or_else(|| serde::ser::Error::custom("the JSON writer wrote JSON it cannot read back"))
}

/// Compact JSON text — serde_json's compact output or JavaScript's `JSON.stringify` without an
/// indent: no whitespace between tokens — as a [`Value`]; `None` when it is not. Floats are read
/// exactly (see [`to_value`]); lone surrogates are refused, as serde_json refuses them.
pub fn read_compact(text: &str) -> Option<Value> {
    let mut reader = Reader { text, at: 0, depth: 0, template: false, args: &mut [], taken: 0 };
    reader.value().filter(|_| reader.at == text.len())
}

/// A JSON tree written as text: `text` is compact JSON (no whitespace between tokens; [`tpl!`]
/// removes what its template is written with when it compiles) in which a value may be a
/// placeholder `$n`, replaced by `args[n]`; a member or element written `$n?` is
/// left out when `args[n]` is `null`. Every placeholder is used exactly once (a value needed
/// twice is passed twice), so `args` is moved into the tree, not cloned.
///
/// Why: `serde_json::json!` expands every key and nested object into inline code (a `String`
/// from the literal, an insert), and the Envoy bootstrap and the CRD writers are mostly fixed
/// trees. As text they are data, which costs the planner wasm a fraction of the code (string
/// literals compress well, machine code does not). Written through [`tpl!`](crate::tpl), which
/// checks the placeholder count when it compiles.
///
/// [`tpl!`]: crate::tpl
///
/// A template that does not parse is a programming error: it gives `null` here (the core runs
/// inside Envoy: it does not panic), and a test parses every template in the source.
pub fn tpl(text: &[u8], args: &mut [Value]) -> Value {
    let Ok(text) = std::str::from_utf8(text) else { return Value::Null };
    let mut reader = Reader { text, at: 0, depth: 0, template: true, args, taken: 0 };
    let value = reader.value().filter(|_| reader.at == text.len());
    let all_taken = reader.args.len() >= 64 || reader.taken == (1u64 << reader.args.len()) - 1;
    value.filter(|_| all_taken).unwrap_or(Value::Null)
}

/// `text` without the whitespace outside its strings, into `out` as far as it goes; its length.
/// A `const fn`: [`tpl!`](crate::tpl) compacts its template when it compiles, so that the wasm
/// carries no indentation.
pub const fn squeeze(text: &str, out: &mut [u8]) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut n, mut in_string, mut escaped) = (0, 0, false, false);
    while i < bytes.len() {
        let b = bytes[i];
        let keep = in_string || !matches!(b, b' ' | b'\n' | b'\r' | b'\t');
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        }
        if keep {
            if n < out.len() {
                out[n] = b;
            }
            n += 1;
        }
        i += 1;
    }
    n
}

/// [`squeeze`]d `text`, `N` its length.
pub const fn compact<const N: usize>(text: &str) -> [u8; N] {
    let mut out = [0; N];
    squeeze(text, &mut out);
    out
}

/// The number of placeholders a [`tpl`] template needs: one more than its highest `$n` outside
/// strings. A `const fn`, so that [`tpl!`](crate::tpl) compares it with its arguments when it
/// compiles.
pub const fn template_args(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut in_string, mut most) = (0, false, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            if b == b'\\' {
                i += 1;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'$' {
            let mut n = 0;
            while i + 1 < bytes.len() && bytes[i + 1].is_ascii_digit() {
                i += 1;
                n = n * 10 + (bytes[i] - b'0') as usize;
            }
            if n + 1 > most {
                most = n + 1;
            }
        }
        i += 1;
    }
    most
}

/// A [`Value`] from a JSON template with placeholders: `tpl!(r#"{"name":$0,"port":$1}"#, name,
/// port)` (see [`json::tpl`](crate::json::tpl)). Each argument becomes a `Value` by
/// `Value::from`; that the template has as many placeholders as it is given arguments is
/// checked at compile time.
#[macro_export]
macro_rules! tpl {
    ($text:literal $(, $arg:expr)* $(,)?) => {{
        const TEXT: &str = $text;
        const _: () = assert!(
            $crate::json::template_args(TEXT) == <[&str]>::len(&[$(stringify!($arg)),*]),
            "tpl!: the template's placeholders and the arguments differ in number"
        );
        const COMPACT: [u8; $crate::json::squeeze(TEXT, &mut [])] = $crate::json::compact(TEXT);
        $crate::json::tpl(&COMPACT, &mut [$($crate::json::Value::from($arg)),*])
    }};
}

/// Tests: `serde_json::json!`, as our [`Value`].
#[cfg(test)]
macro_rules! json {
    ($($t:tt)+) => {
        $crate::json::Value::from(serde_json::json!($($t)+))
    };
}
#[cfg(test)]
pub(crate) use json;

/// Reads compact JSON (see [`read_compact`]) into a [`Value`]; `None` at anything else. In a
/// [`tpl`] template, also placeholders.
struct Reader<'a, 'b> {
    text: &'a str,
    at: usize,
    /// Containers open around `at`: refused past [`MAX_DEPTH`], so that text from JavaScript
    /// cannot overflow the stack (serde_json's parser stops at the same depth).
    depth: usize,
    /// Reading a [`tpl`] template: placeholders allowed.
    template: bool,
    /// A template's placeholder values.
    args: &'b mut [Value],
    /// Which of `args` a placeholder took (bit `n` for `$n`).
    taken: u64,
}

/// Deepest nesting [`read_compact`] reads.
const MAX_DEPTH: usize = 128;

impl Reader<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let hit = self.peek() == Some(byte);
        self.at += usize::from(hit);
        hit
    }

    /// A template's `$n`: `args[n]`, moved out; `None` for a placeholder used before.
    fn placeholder(&mut self) -> Option<Value> {
        let rest = self.text.get(self.at + 1..)?;
        let len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        let n: usize = rest.get(..len)?.parse().ok()?;
        self.at += 1 + len;
        let bit = 1u64.checked_shl(u32::try_from(n).ok()?)?;
        if self.taken & bit != 0 {
            return None;
        }
        self.taken |= bit;
        self.args.get_mut(n).map(std::mem::take)
    }

    /// A value, and whether it is to be left out: a template's `$n?` whose value is `null`.
    fn item(&mut self) -> Option<(Value, bool)> {
        let value = self.value()?;
        let optional = self.template && self.eat(b'?');
        let omit = optional && value.is_null();
        Some((value, omit))
    }

    fn value(&mut self) -> Option<Value> {
        if self.template && self.peek() == Some(b'$') {
            return self.placeholder();
        }
        let rest = self.text.get(self.at..)?;
        for (word, v) in [("null", Value::Null), ("true", Value::Bool(true)), ("false", Value::Bool(false))] {
            if rest.starts_with(word) {
                self.at += word.len();
                return Some(v);
            }
        }
        if matches!(self.peek()?, b'[' | b'{') {
            self.depth += 1;
            let v = (self.depth <= MAX_DEPTH).then(|| self.container()).flatten();
            self.depth -= 1;
            return v;
        }
        match self.peek()? {
            b'"' => self.string().map(Value::String),
            _ => self.number(),
        }
    }

    fn container(&mut self) -> Option<Value> {
        match self.peek()? {
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        let (item, omit) = self.item()?;
                        if !omit {
                            items.push(item);
                        }
                        if self.eat(b']') {
                            break;
                        }
                        self.eat(b',').then_some(())?;
                    }
                }
                Some(Value::Array(items))
            }
            b'{' => {
                self.at += 1;
                let mut map = Map::new();
                if !self.eat(b'}') {
                    loop {
                        let key = self.string()?;
                        self.eat(b':').then_some(())?;
                        let (value, omit) = self.item()?;
                        if !omit {
                            map.insert(key, value);
                        }
                        if self.eat(b'}') {
                            break;
                        }
                        self.eat(b',').then_some(())?;
                    }
                }
                Some(Value::Object(map))
            }
            _ => None,
        }
    }

    /// An integer as `u64` or `i64`, as serde_json holds one; anything else as `f64`.
    fn number(&mut self) -> Option<Value> {
        let rest = self.text.get(self.at..)?;
        let len = rest.find(|c: char| !matches!(c, '0'..='9' | '-' | '+' | '.' | 'e' | 'E')).unwrap_or(rest.len());
        let text = rest.get(..len)?;
        self.at += len;
        if let Ok(u) = text.parse::<u64>() {
            return Some(u.into());
        }
        if let Ok(i) = text.parse::<i64>() {
            return Some(i.into());
        }
        Number::from_f64(crate::float::parse_f64(text)?).map(Value::Number)
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"').then_some(())?;
        let mut out = String::new();
        loop {
            let rest = self.text.get(self.at..)?;
            let end = rest.find(['"', '\\'])?;
            out.push_str(rest.get(..end)?);
            self.at += end + 1;
            if rest.as_bytes().get(end) == Some(&b'"') {
                return Some(out);
            }
            let escape = self.peek()?;
            self.at += 1;
            out.push(match escape {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let high = self.hex4()?;
                    // A character outside the basic plane is a surrogate pair: `\uD83D\uDE42`.
                    let code = if (0xD800..0xDC00).contains(&high) {
                        (self.eat(b'\\') && self.eat(b'u')).then_some(())?;
                        let low = self.hex4().filter(|low| (0xDC00..0xE000).contains(low))?;
                        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        high
                    };
                    char::from_u32(code)?
                }
                _ => return None,
            });
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at..self.at + 4)?;
        self.at += 4;
        u32::from_str_radix(digits, 16).ok()
    }
}

/// Re-indents compact JSON (serde_json's output: no whitespace outside strings). Only the
/// structural characters outside strings are touched; a string is copied as it is, escapes
/// included, so a `"` after a `\` does not end it.
fn indent(compact: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
    let mut out = String::with_capacity(compact.len() + compact.len() / 2);
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty container stays on its line: `[]`, `{}`.
                match chars.next_if(|&next| next == '}' || next == ']') {
                    Some(close) => out.push(close),
                    None => {
                        depth += 1;
                        newline(&mut out, depth);
                    }
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same(v: &Value) {
        assert_eq!(pretty(v).unwrap(), serde_json::to_string_pretty(v).unwrap(), "{v}");
    }

    #[test]
    fn scalars_and_empty_containers() {
        for v in [json!(null), json!(true), json!(0), json!(-1.5), json!("x"), json!([]), json!({})] {
            same(&v);
        }
        same(&json!({"a": [], "b": {}, "c": [[], {}, [[]]], "d": {"e": {}}}));
    }

    #[test]
    fn nested_containers() {
        same(&json!({"a": 1, "b": [1, 2, {"c": null}], "d": {"e": [true, false]}}));
        same(&json!([[1, [2, [3]]], {"x": {"y": {"z": "w"}}}]));
    }

    #[test]
    fn strings_keep_their_brackets_and_escapes() {
        same(&json!({"a\"b": "c,d:e", "{[": "]}", "\\": "\\\"", "q\"{": ["\"", "\\", "\u{1}\n\t"]}));
        same(&json!(["é, ünïcode: {ok}", "🙂[]", ""]));
        same(&json!({"": ""}));
    }

    #[test]
    fn to_value_reads_escapes_and_surrogate_pairs() {
        let mut reader = Reader {
            depth: 0,
            template: false,
            args: &mut [],
            taken: 0,
            text: r#"["\"\\\/\b\f\n\r\t\u0001\u00e9\ud83d\ude42é"]"#,
            at: 0,
        };
        assert_eq!(reader.value(), Some(json!(["\"\\/\u{8}\u{c}\n\r\t\u{1}é🙂é"])));
        for bad in ["", "[", "{\"a\"}", "\"\\ud83d\"", "\"\\q\"", "nul", "-", "[1,]"] {
            assert_eq!(
                Reader { text: bad, at: 0, depth: 0, template: false, args: &mut [], taken: 0 }.value(),
                None,
                "{bad}"
            );
        }
    }

    #[test]
    fn read_compact_reads_json_stringify() {
        // What `JSON.stringify` writes: `1e+21`, escaped control characters, no whitespace.
        let text = r#"{"a":[1e+21,-0.5,12,null,true],"b":"\u001f\n","c":{}}"#;
        assert_eq!(read_compact(text), serde_json::from_str(text).ok());
        assert_eq!(read_compact("[1] "), None);
        assert_eq!(read_compact("[1]x"), None);
        assert_eq!(read_compact(r#""\udc00""#), None);
        let deep = |n| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(read_compact(&deep(MAX_DEPTH)).is_some());
        assert_eq!(read_compact(&deep(MAX_DEPTH + 1)), None);
    }

    #[test]
    fn to_value_is_serde_jsons() {
        let v = json!({"b": [1, -2, 3.25, u64::MAX, i64::MIN], "a": {"x": null, "y": "z"}, "n": f64::NAN});
        assert_eq!(to_value(&v).unwrap(), serde_json::to_value(&v).unwrap());
    }

    #[test]
    fn tpl_fills_placeholders_and_leaves_out_null_optionals() {
        let v = crate::tpl!(
            r#"{ "a": $0, "b": [$1, $2?, { "c": $3? }], "d": $4?, "e": "$5 is text", "f": [1, -2.5, true, null] }"#,
            "x",
            7u16,
            None::<&str>,
            Some(false),
            Value::Null,
        );
        assert_eq!(v, json!({ "a": "x", "b": [7, { "c": false }], "e": "$5 is text", "f": [1, -2.5, true, null] }));
        // Whitespace and escapes as in JSON; `?` is template syntax only.
        assert_eq!(crate::tpl!(r#" [ "\n" , { } ] "#), json!(["\n", {}]));
        // Compacting keeps what is inside strings, escaped quotes included.
        assert_eq!(crate::tpl!(r#"{ "a b": " c \" d ",  "e": [ ] }"#), json!({ "a b": " c \" d ", "e": [] }));
        assert_eq!(read_compact("[1?]"), None);
        assert_eq!(read_compact("[$0]"), None);
    }

    #[test]
    fn a_bad_template_is_null_not_a_panic() {
        let x = || Value::from("x");
        for (text, mut args) in [
            ("{", vec![]),
            (r#"{"a":$0,"b":$0}"#, vec![x()]),
            (r#"[$0]"#, vec![x(), x()]),
            (r#"[$1]"#, vec![x()]),
            (r#"[$99]"#, vec![x()]),
            ("[1] x", vec![]),
        ] {
            assert_eq!(tpl(text.as_bytes(), &mut args), Value::Null, "{text}");
        }
        assert_eq!(template_args(r#"{"$7":[$0,$2?]}"#), 3);
    }

    /// Every `tpl!` template in the core's source parses: a template that does not is a bug
    /// [`tpl`] would only answer with `null`.
    #[test]
    fn every_template_in_the_source_parses() {
        let needle = ["tpl", "!("].concat();
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
        let mut checked = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap();
                for (at, _) in source.match_indices(&needle) {
                    let rest = source[at + needle.len()..].trim_start();
                    let Some(body) = rest.strip_prefix("r#\"") else {
                        panic!(
                            "{}: a template is a raw string literal: {}",
                            path.display(),
                            &rest[..40.min(rest.len())]
                        );
                    };
                    let text = &body[..body.find("\"#").unwrap()];
                    let mut args: Vec<Value> = (0..template_args(text)).map(|i| Value::from(i.to_string())).collect();
                    let mut compact = vec![0; text.len()];
                    let len = squeeze(text, &mut compact);
                    compact.truncate(len);
                    let v = tpl(&compact, &mut args);
                    assert!(!v.is_null(), "{}: this template does not parse:\n{text}", path.display());
                    checked += 1;
                }
            }
        }
        assert!(checked > 80, "found only {checked} templates");
    }

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            // Structural characters, quotes, backslashes and control characters inside strings.
            "[\\[\\]{}:,\"\\\\ a\\n\\t\\u{1}é🙂]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[\\[\\]{}:,\"\\\\ a]{0,5}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn pretty_is_serde_jsons_pretty(v in arb_value()) {
            prop_assert_eq!(pretty(&v).unwrap(), serde_json::to_string_pretty(&v).unwrap());
            let (compact, pretty_too) = compact_and_pretty(&v).unwrap();
            prop_assert_eq!(compact, serde_json::to_string(&v).unwrap());
            prop_assert_eq!(pretty_too, serde_json::to_string_pretty(&v).unwrap());
        }

        #[test]
        fn to_value_is_serde_jsons_to_value(v in arb_value(), x in any::<f64>()) {
            prop_assert_eq!(to_value(&v).unwrap(), serde_json::to_value(&v).unwrap());
            prop_assert_eq!(to_value(&x).unwrap(), serde_json::to_value(x).unwrap());
        }
    }
}
