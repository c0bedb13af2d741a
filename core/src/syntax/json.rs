//! Strict JSON (RFC 8259) into the span-carrying [`Node`] tree.
//!
//! Hand-written because serde_json keeps no positions, and every key and value needs one for
//! diagnostics. Numbers stay as their lexeme so that range errors can name the field that reads
//! them. The parser recurses per nesting level, which is safe because depth is capped at
//! [`MAX_DEPTH`] before each descent.

use super::{Entry, Node, Value, MAX_DEPTH};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

pub fn parse(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let pos = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut parser = Parser { file, text, bytes: text.as_bytes(), pos, depth: 0 };
    parser.document().map_err(|d| vec![d])
}

type Parsed<T> = Result<T, Diagnostic>;

struct Parser<'a> {
    file: FileId,
    text: &'a str,
    bytes: &'a [u8],
    /// Byte offset of the next unread byte; only ever left on a char boundary.
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn document(&mut self) -> Parsed<Node> {
        self.skip_whitespace();
        if self.peek().is_none() {
            return Err(self.syntax(self.span(self.pos, self.pos), "expected a JSON value, but the file is empty"));
        }
        let node = self.value()?;
        self.skip_whitespace();
        if self.peek().is_some() {
            let (found, span) = self.found();
            return Err(self
                .syntax(span, format!("unexpected {found} after the end of the JSON value"))
                .with_note("help: a JSON file holds exactly one value; put several in a list `[...]`"));
        }
        Ok(node)
    }

    fn value(&mut self) -> Parsed<Node> {
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => {
                let (s, span) = self.string()?;
                Ok(Node::new(Value::String(s), span))
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'a'..=b'z' | b'A'..=b'Z') => self.literal(),
            Some(b'\'') => {
                Err(self.syntax(self.span(self.pos, self.pos + 1), "JSON strings use double quotes, not `'`"))
            }
            _ => Err(self.unexpected("a value")),
        }
    }

    fn object(&mut self) -> Parsed<Node> {
        let open = self.open()?;
        let mut entries = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            return Ok(self.close(open, Value::Object(entries)));
        }
        loop {
            match self.peek() {
                Some(b'"') => {}
                None => return Err(self.unclosed(open, "object", '}')),
                Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                    let (word, _) = self.found();
                    return Err(self
                        .unexpected("a quoted key")
                        .with_note(format!("help: keys in JSON are quoted: {}", word.replace('`', "\""))));
                }
                Some(_) => return Err(self.unexpected("a quoted key")),
            }
            let (key, key_span) = self.string()?;
            self.skip_whitespace();
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => return Err(self.unclosed(open, "object", '}')),
                Some(_) => return Err(self.unexpected(&format!("`:` after the key `{key}`"))),
            }
            self.skip_whitespace();
            if self.peek().is_none() {
                return Err(self.unclosed(open, "object", '}'));
            }
            let value = self.value()?;
            entries.push(Entry { key, key_span, value, block: false });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b'}')?,
                Some(b'}') => return Ok(self.close(open, Value::Object(entries))),
                None => return Err(self.unclosed(open, "object", '}')),
                Some(_) => {
                    let key = entries.last().map_or("", |e| e.key.as_str());
                    return Err(self.unexpected(&format!("`,` or `}}` after the value of `{key}`")));
                }
            }
        }
    }

    fn array(&mut self) -> Parsed<Node> {
        let open = self.open()?;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            return Ok(self.close(open, Value::Array(items)));
        }
        loop {
            if self.peek().is_none() {
                return Err(self.unclosed(open, "list", ']'));
            }
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.comma(b']')?,
                Some(b']') => return Ok(self.close(open, Value::Array(items))),
                None => return Err(self.unclosed(open, "list", ']')),
                Some(_) => return Err(self.unexpected("`,` or `]` after a list element")),
            }
        }
    }

    /// Consumes an opening bracket, enforcing the depth limit; returns its offset.
    fn open(&mut self) -> Parsed<usize> {
        let open = self.pos;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Diagnostic::error(
                Code::TooDeep,
                self.span(open, open + 1),
                format!("nesting is deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.pos += 1;
        Ok(open)
    }

    /// Consumes the closing bracket at `pos` and builds the container's node.
    fn close(&mut self, open: usize, value: Value) -> Node {
        self.depth -= 1;
        self.pos += 1;
        Node::new(value, self.span(open, self.pos))
    }

    /// Consumes a `,` and rejects the common `[1, 2,]` mistake with a message that names it.
    fn comma(&mut self, closing: u8) -> Parsed<()> {
        let comma = self.pos;
        self.pos += 1;
        self.skip_whitespace();
        if self.peek() == Some(closing) {
            return Err(self.syntax(self.span(comma, comma + 1), "trailing comma is not allowed in JSON"));
        }
        Ok(())
    }

    fn string(&mut self) -> Parsed<(String, Span)> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            match self.peek() {
                None => return Err(self.unclosed_string(open)),
                Some(b'"') => {
                    out.push_str(self.text.get(run..self.pos).unwrap_or(""));
                    self.pos += 1;
                    return Ok((out, self.span(open, self.pos)));
                }
                Some(b'\\') => {
                    out.push_str(self.text.get(run..self.pos).unwrap_or(""));
                    self.escape(open, &mut out)?;
                    run = self.pos;
                }
                Some(b'\n' | b'\r') => {
                    return Err(Diagnostic::error(
                        Code::Unterminated,
                        self.span(open, open + 1),
                        "this string is not closed before the end of the line",
                    )
                    .with_note("help: JSON strings cannot contain line breaks; write `\\n` instead"));
                }
                Some(c) if c < 0x20 => {
                    return Err(self.syntax(
                        self.span(self.pos, self.pos + 1),
                        format!("control character U+{c:04X} must be escaped inside a string"),
                    ));
                }
                // Bytes of multi-byte chars are all >= 0x80, so `run` only ever splits at ASCII.
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Decodes the escape at `pos` (a backslash) into `out`.
    fn escape(&mut self, open: usize, out: &mut String) -> Parsed<()> {
        let start = self.pos;
        let Some(c) = self.text.get(start + 1..).and_then(|rest| rest.chars().next()) else {
            return Err(self.unclosed_string(open));
        };
        let simple = match c {
            '"' => Some('"'),
            '\\' => Some('\\'),
            '/' => Some('/'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            _ => None,
        };
        if let Some(decoded) = simple {
            out.push(decoded);
            self.pos += 2;
            return Ok(());
        }
        if c != 'u' {
            return Err(Diagnostic::error(
                Code::InvalidEscape,
                self.span(start, start + 1 + c.len_utf8()),
                format!("unknown escape `\\{c}` in a string"),
            )
            .with_note(
                "help: JSON allows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write `\\\\` for a backslash",
            ));
        }
        let unit = self.hex4(start + 2)?;
        self.pos = start + 6;
        let lone = |p: &Self| {
            Diagnostic::error(
                Code::InvalidEscape,
                p.span(start, start + 6),
                format!("`\\u{unit:04X}` is half of a UTF-16 surrogate pair, and the other half is missing"),
            )
        };
        let code = match unit {
            0xD800..=0xDBFF => {
                // A high surrogate only means something together with the low one right after it.
                let next = if self.text.get(self.pos..self.pos + 2) == Some("\\u") {
                    Some(self.hex4(self.pos + 2)?)
                } else {
                    None
                };
                match next {
                    Some(low @ 0xDC00..=0xDFFF) => {
                        self.pos += 6;
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    _ => return Err(lone(self)),
                }
            }
            0xDC00..=0xDFFF => return Err(lone(self)),
            _ => unit,
        };
        out.push(char::from_u32(code).ok_or_else(|| lone(self))?);
        Ok(())
    }

    /// The four hex digits of a `\u` escape starting at `at`.
    fn hex4(&self, at: usize) -> Parsed<u32> {
        let digits = self.text.get(at..at + 4).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(unit) => Ok(unit),
            None => Err(Diagnostic::error(
                Code::InvalidEscape,
                self.span(at - 2, at),
                "`\\u` must be followed by exactly four hex digits",
            )),
        }
    }

    fn number(&mut self) -> Parsed<Node> {
        let start = self.pos;
        // Take everything that could belong to a number-like word so that `0x1F` or `1.2.3` is
        // reported whole rather than as a number followed by junk.
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-')) {
            self.pos += 1;
        }
        let lexeme = self.text.get(start..self.pos).unwrap_or("");
        let span = self.span(start, self.pos);
        if !is_json_number(lexeme) {
            let mut diag = self.syntax(span, format!("`{lexeme}` is not a valid JSON number"));
            let digits = lexeme.trim_start_matches('-');
            if digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) {
                diag = diag.with_note("help: JSON numbers cannot have leading zeros");
            }
            return Err(diag);
        }
        Ok(Node::new(Value::Number(lexeme.to_owned()), span))
    }

    fn literal(&mut self) -> Parsed<Node> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
            self.pos += 1;
        }
        let word = self.text.get(start..self.pos).unwrap_or("");
        let span = self.span(start, self.pos);
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" => Value::Null,
            _ => {
                let mut diag = self.syntax(span, format!("expected a value, found `{word}`"));
                let lower = word.to_ascii_lowercase();
                if matches!(lower.as_str(), "true" | "false" | "null") {
                    diag = diag.with_note(format!("help: JSON literals are lowercase: `{lower}`"));
                } else {
                    diag = diag.with_note(format!("help: strings in JSON are quoted: \"{word}\""));
                }
                return Err(diag);
            }
        };
        Ok(Node::new(value, span))
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn syntax(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Code::JsonSyntax, span, message)
    }

    /// "expected X, found Y" at the current position.
    fn unexpected(&self, expected: &str) -> Diagnostic {
        let rest = self.text.get(self.pos..).unwrap_or("");
        if rest.starts_with("//") || rest.starts_with("/*") {
            return self.syntax(self.span(self.pos, self.pos + 2), "comments are not allowed in JSON");
        }
        let (found, span) = self.found();
        self.syntax(span, format!("expected {expected}, found {found}"))
    }

    /// Describes what is at the current position: a whole word if one starts here (`Mode`, not
    /// `M`), else a single character.
    fn found(&self) -> (String, Span) {
        let rest = self.text.get(self.pos..).unwrap_or("");
        let Some(first) = rest.chars().next() else {
            return ("the end of the file".to_owned(), self.span(self.pos, self.pos));
        };
        if super::is_letter_or_digit(first) || first == '_' {
            let len =
                rest.find(|c: char| !(super::is_letter_or_digit(c) || c == '_' || c == '-')).unwrap_or(rest.len());
            let word = rest.get(..len).unwrap_or("");
            return (format!("`{word}`"), self.span(self.pos, self.pos + len));
        }
        (super::quoted_char(first), self.span(self.pos, self.pos + first.len_utf8()))
    }

    fn unclosed(&self, open: usize, what: &str, closing: char) -> Diagnostic {
        let opening = if closing == '}' { '{' } else { '[' };
        Diagnostic::error(
            Code::Unterminated,
            self.span(open, open + 1),
            format!("this {what} is never closed: `{opening}` has no matching `{closing}`"),
        )
    }

    fn unclosed_string(&self, open: usize) -> Diagnostic {
        Diagnostic::error(Code::Unterminated, self.span(open, open + 1), "this string is never closed")
    }
}

/// `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`, the RFC 8259 number grammar.
fn is_json_number(s: &str) -> bool {
    fn digits(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    }
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    digits(int) && (int == "0" || !int.starts_with('0')) && frac.is_none_or(digits) && exponent.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use proptest::prelude::*;

    fn ok(text: &str) -> Node {
        let result = parse(0, text);
        assert!(result.is_ok(), "{text:?} failed: {result:?}");
        result.unwrap_or_else(|_| Node::new(Value::Null, Span::default()))
    }

    fn err(text: &str) -> Diagnostic {
        let result = parse(0, text);
        let diags = result.err().unwrap_or_default();
        assert_eq!(diags.len(), 1, "{text:?}: {diags:?}");
        diags.into_iter().next().unwrap_or_else(|| Diagnostic::error(Code::Io, None, ""))
    }

    fn items(node: &Node) -> &[Node] {
        match &node.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    /// `(line, column)` of a span's start and end.
    fn at(text: &str, span: Span) -> ((u32, u32), (u32, u32)) {
        let file = SourceFile::new("t.json", text);
        let (s, e) = (file.position(span.start), file.position(span.end));
        ((s.line, s.column), (e.line, e.column))
    }

    fn slice(text: &str, span: Span) -> &str {
        text.get(span.start as usize..span.end as usize).unwrap_or("<bad span>")
    }

    fn string(s: &str) -> Value {
        Value::String(s.to_owned())
    }

    #[test]
    fn every_construct() {
        let node =
            ok(r#" {"Kind": "mesh", "N": -1.5e3, "T": true, "F": false, "Z": null, "L": [1, [], {}], "O": {"a": 0}} "#);
        let entries = node.as_object().unwrap_or_default();
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["Kind", "N", "T", "F", "Z", "L", "O"]);
        let values: Vec<&Value> = entries.iter().map(|e| &e.value.value).collect();
        assert_eq!(values[0], &string("mesh"));
        assert_eq!(values[1], &Value::Number("-1.5e3".into()));
        assert_eq!(values[2], &Value::Bool(true));
        assert_eq!(values[3], &Value::Bool(false));
        assert_eq!(values[4], &Value::Null);
        let list = items(&entries[5].value);
        assert_eq!(list.len(), 3);
        assert_eq!(list[1].value, Value::Array(vec![]));
        assert_eq!(list[2].value, Value::Object(vec![]));
        assert!(entries.iter().all(|e| !e.block));
        assert_eq!(ok("42").value, Value::Number("42".into()));
        assert_eq!(ok("\"x\"").value, string("x"));
    }

    #[test]
    fn duplicate_keys_are_kept_in_order() {
        let node = ok(r#"{"a": 1, "a": 2}"#);
        let values: Vec<&Value> = node.as_object().unwrap_or_default().iter().map(|e| &e.value.value).collect();
        assert_eq!(values, [&Value::Number("1".into()), &Value::Number("2".into())]);
    }

    #[test]
    fn escapes_decode() {
        let node = ok(r#""q\" b\\ s\/ \b\f\n\r\t \u00e9 \uD83D\uDE00 \u0000""#);
        assert_eq!(node.value, string("q\" b\\ s/ \u{8}\u{c}\n\r\t \u{e9} \u{1F600} \0"));
        assert_eq!(ok("\"h\u{e9}llo \u{1F600}\"").value, string("h\u{e9}llo \u{1F600}"));
    }

    #[test]
    fn bad_escapes_are_reported_where_they_are() {
        let text = r#"{"a": "x\qy"}"#;
        let d = err(text);
        assert_eq!(d.code, Code::InvalidEscape);
        assert_eq!(slice(text, d.span.unwrap_or_default()), "\\q");
        for lone in [r#""\uD83D""#, r#""\uD83Dx""#, r#""\uDE00""#, r#""\uD83D\u0041""#] {
            let d = err(lone);
            assert_eq!(d.code, Code::InvalidEscape, "{lone}");
            assert_eq!(slice(lone, d.span.unwrap_or_default()).len(), 6, "{lone}");
        }
        assert_eq!(err(r#""\u12G4""#).code, Code::InvalidEscape);
        assert_eq!(err(r#""\u12"#).code, Code::InvalidEscape);
        assert_eq!(err("\"\\\u{e9}\"").code, Code::InvalidEscape);
    }

    #[test]
    fn numbers_follow_the_rfc_grammar() {
        for good in ["0", "-0", "12", "1.5", "-0.25", "1e9", "1E+2", "2.5e-3"] {
            assert_eq!(ok(good).value, Value::Number(good.into()));
        }
        for bad in ["01", "-", "1.", ".5", "+1", "1e", "0x10", "1.2.3", "-01", "1e+"] {
            let d = err(&format!("[{bad}]"));
            assert_eq!(d.code, Code::JsonSyntax, "{bad}");
        }
        let d = err("[007]");
        assert_eq!(d.message, "`007` is not a valid JSON number");
        assert_eq!(d.notes, ["help: JSON numbers cannot have leading zeros"]);
    }

    #[test]
    fn spans_cover_tokens_and_count_bytes() {
        // The comment-free JSON has to carry the non-ASCII text in a string value.
        let text = "{\"\u{e9}\u{1F600}\": \"caf\u{e9}\",\n  \"Mode\": [1, {\"x\": null}]\n}";
        let node = ok(text);
        assert_eq!(slice(text, node.span), text);
        let entries = node.as_object().unwrap_or_default();
        assert_eq!(slice(text, entries[0].key_span), "\"\u{e9}\u{1F600}\"");
        assert_eq!(slice(text, entries[0].value.span), "\"caf\u{e9}\"");
        let mode = &entries[1];
        assert_eq!(at(text, mode.key_span), ((2, 3), (2, 9)));
        assert_eq!(at(text, mode.value.span), ((2, 11), (2, 27)));
        assert_eq!(slice(text, mode.value.span), "[1, {\"x\": null}]");
        assert_eq!(slice(text, items(&mode.value)[1].span), "{\"x\": null}");
        // after the multi-byte key: column counts chars, not bytes
        assert_eq!(at(text, entries[0].value.span).0, (1, 8));
    }

    #[test]
    fn missing_comma_names_the_key() {
        let text = "{\"Kind\": \"mesh\",\n \"Mode\": \"local\"\n \"Name\": \"x\"}";
        let d = err(text);
        assert_eq!(d.code, Code::JsonSyntax);
        assert_eq!(d.message, "expected `,` or `}` after the value of `Mode`, found `\"`");
        assert_eq!(at(text, d.span.unwrap_or_default()).0, (3, 2));
        assert_eq!(err("[1 2]").message, "expected `,` or `]` after a list element, found `2`");
        assert_eq!(err("{\"a\" 1}").message, "expected `:` after the key `a`, found `1`");
    }

    #[test]
    fn trailing_commas_are_rejected_at_the_comma() {
        for text in ["[1, 2, ]", "{\"a\": 1,\n}"] {
            let d = err(text);
            assert_eq!(d.message, "trailing comma is not allowed in JSON");
            assert_eq!(slice(text, d.span.unwrap_or_default()), ",");
        }
        assert_eq!(err("[,]").message, "expected a value, found `,`");
    }

    #[test]
    fn unclosed_things_point_at_the_opening() {
        let text = "{\"a\": [1, 2,\n  3\n";
        let d = err(text);
        assert_eq!(d.code, Code::Unterminated);
        assert_eq!(d.message, "this list is never closed: `[` has no matching `]`");
        assert_eq!(at(text, d.span.unwrap_or_default()).0, (1, 7));
        for (text, offset) in [("{", 0), ("{\"a\"", 0), ("{\"a\":", 0), (" {\"a\": 1", 1), ("[", 0), ("[1,", 0)] {
            let d = err(text);
            assert_eq!(d.code, Code::Unterminated, "{text}");
            assert_eq!(d.span.map(|s| s.start), Some(offset), "{text}");
        }
        let text = "{\"a\": \"abc";
        let d = err(text);
        assert_eq!((d.code, d.message.as_str()), (Code::Unterminated, "this string is never closed"));
        assert_eq!(d.span.map(|s| s.start), Some(6));
        let d = err("[\"abc\n\"]");
        assert_eq!((d.code, d.span.map(|s| s.start)), (Code::Unterminated, Some(1)));
        assert_eq!(err("\"ab\\").code, Code::Unterminated);
    }

    #[test]
    fn other_syntax_errors_read_well() {
        assert_eq!(err("").message, "expected a JSON value, but the file is empty");
        assert_eq!(err(" \n").code, Code::JsonSyntax);
        assert_eq!(err("{} x").message, "unexpected `x` after the end of the JSON value");
        assert_eq!(err("[1]]").message, "unexpected `]` after the end of the JSON value");
        assert_eq!(err("{\"a\": 1 // c\n}").message, "comments are not allowed in JSON");
        assert_eq!(err("{Kind: 1}").message, "expected a quoted key, found `Kind`");
        assert_eq!(err("{1: 1}").message, "expected a quoted key, found `1`");
        let d = err("[True]");
        assert_eq!(d.message, "expected a value, found `True`");
        assert_eq!(d.notes, ["help: JSON literals are lowercase: `true`"]);
        assert_eq!(err("[nul]").message, "expected a value, found `nul`");
        assert_eq!(err("['a']").message, "JSON strings use double quotes, not `'`");
        assert_eq!(err("\"a\tb\"").message, "control character U+0009 must be escaped inside a string");
        assert_eq!(err("[\u{1}]").message, "expected a value, found `\\u{1}`");
        assert_eq!(err("\u{feff}\u{feff}1").code, Code::JsonSyntax);
    }

    #[test]
    fn a_leading_byte_order_mark_is_skipped() {
        let text = "\u{feff}{\"a\": 1}";
        let node = ok(text);
        assert_eq!(slice(text, node.span), "{\"a\": 1}");
    }

    #[test]
    fn nesting_is_capped_without_overflowing_the_stack() {
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        ok(&fine);
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let d = err(&deep);
        assert_eq!(d.code, Code::TooDeep);
        assert_eq!(d.span.map(|s| s.start), Some(MAX_DEPTH as u32));
        assert_eq!(err(&"[".repeat(100_000)).code, Code::TooDeep);
        assert_eq!(err(&"{\"a\":".repeat(100_000)).code, Code::TooDeep);
    }

    const VALID: &str = "{\"Kind\": \"service-router\", \"Name\": \"w\u{e9}b\",\n \"Routes\": [{\"Match\": {\"HTTP\": \
        {\"PathPrefix\": \"/a\\u00e9\\uD83D\\uDE00\"}}, \"Weight\": -1.5e2, \"On\": true, \"X\": null}]}";

    #[test]
    fn the_mutation_seed_is_valid() {
        ok(VALID);
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = parse(0, &text);
        }

        #[test]
        fn never_panics_on_json_like_text(text in "[\\[\\]{}\":,\\\\u0-9a-fDE.eE+ \n\t-]{0,80}") {
            let _ = parse(0, &text);
        }

        #[test]
        fn never_panics_on_mutated_documents(
            edits in proptest::collection::vec((0usize..3, any::<usize>(), any::<u8>()), 1..8)
        ) {
            let mut bytes = VALID.as_bytes().to_vec();
            for (kind, at, byte) in edits {
                let at = at % (bytes.len() + 1);
                match kind {
                    0 => bytes.insert(at, byte),
                    1 if at < bytes.len() => { bytes.remove(at); }
                    _ if at < bytes.len() => bytes[at] = byte,
                    _ => {}
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Ok(node) = parse(0, &text) {
                prop_assert!(node.span.end as usize <= text.len());
            }
        }
    }
}
