//! HCL parser for both dialects Consul users write: HCL1 (what Consul documents and parses) and the
//! HCL2-compatible subset (commas between object items, `key: value`).
//!
//! Hand-written rather than built on hcl-rs because Consul's own examples rely on HCL1 habits that
//! HCL2 parsers reject, above all blocks inside object literals (`Routes = [{ Match { ... } }]`)
//! and items without separators (`Listeners { ... } Listeners { ... }` on one line).
//!
//! The text is tokenized up front; a lexing error becomes the last token, so a syntax error that
//! comes earlier in the file is still the one reported.

use super::{Entry, Node, Value, MAX_DEPTH};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// Parses one HCL file into an object node spanning its items (leading comments excluded, so a
/// diagnostic about the whole entry points at its first key). Stops at the first error.
pub fn parse(file: FileId, text: &str) -> Result<Node, Vec<Diagnostic>> {
    let mut parser = Parser { file, text, tokens: lex(file, text), pos: 0, depth: 0, eof: Token::eof(text) };
    let entries = parser.body(None, Body::Block).map_err(|d| vec![d])?;
    let span = match (entries.first(), entries.last()) {
        (Some(first), Some(last)) => first.key_span.to(last.value.span),
        _ => Span::new(file, 0, text.len()),
    };
    Ok(Node::new(Value::Object(entries), span))
}

#[derive(Debug)]
enum Tok {
    Ident(String),
    /// A bare word that is neither an identifier nor a number, such as `10s`.
    Word(String),
    /// A quoted string, escapes already decoded.
    Str(String),
    Heredoc(String),
    Number(String),
    Punct(char),
    Newline,
    Eof,
    /// Lexing stopped here; the parser reports it only if it gets this far.
    Error(Diagnostic),
}

#[derive(Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

impl Token {
    fn eof(text: &str) -> Token {
        Token { tok: Tok::Eof, start: text.len(), end: text.len() }
    }
}

// Identifiers: letters (see `is_letter`: any non-ASCII character stands in for HCL's Unicode
// letters and digits) and `_`, then also digits, `-` and `.`.
fn is_ident_start(c: char) -> bool {
    super::is_letter(c) || c == '_'
}

fn is_ident_char(c: char) -> bool {
    super::is_letter_or_digit(c) || matches!(c, '_' | '-' | '.')
}

fn lex(file: FileId, text: &str) -> Vec<Token> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut lexer = Lexer { file, text, pos: bom };
    let mut tokens = Vec::new();
    loop {
        match lexer.token() {
            Ok(token) => {
                let done = matches!(token.tok, Tok::Eof);
                tokens.push(token);
                if done {
                    return tokens;
                }
            }
            Err(diag) => {
                let (start, end) = diag.span.map_or((lexer.pos, lexer.pos), |s| (s.start as usize, s.end as usize));
                tokens.push(Token { tok: Tok::Error(diag), start, end });
                return tokens;
            }
        }
    }
}

struct Lexer<'a> {
    file: FileId,
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) {
        self.pos += self.peek().map_or(0, char::len_utf8);
    }

    fn eat_while(&mut self, f: impl Fn(char) -> bool) {
        while self.peek().is_some_and(&f) {
            self.bump();
        }
    }

    fn slice(&self, start: usize) -> String {
        self.text.get(start..self.pos).unwrap_or("").to_string()
    }

    fn error(&self, code: Code, start: usize, end: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(code, Span::new(self.file, start, end), message)
    }

    fn token(&mut self) -> Result<Token, Diagnostic> {
        self.skip_blanks_and_comments()?;
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Ok(Token::eof(self.text));
        };
        let tok = match c {
            '\n' => {
                self.bump();
                Tok::Newline
            }
            // Only reached for `\r\n`: a lone `\r` is skipped as a blank.
            '\r' => {
                self.bump();
                self.bump();
                Tok::Newline
            }
            '"' => Tok::Str(self.string(start)?),
            '<' if self.peek2() == Some('<') => Tok::Heredoc(self.heredoc(start)?),
            c if c.is_ascii_digit() || (c == '-' && self.peek2().is_some_and(|d| d.is_ascii_digit())) => {
                self.number(start)
            }
            c if is_ident_start(c) => {
                self.eat_while(is_ident_char);
                Tok::Ident(self.slice(start))
            }
            _ => {
                self.bump();
                Tok::Punct(c)
            }
        };
        Ok(Token { tok, start, end: self.pos })
    }

    fn skip_blanks_and_comments(&mut self) -> Result<(), Diagnostic> {
        loop {
            let rest = self.rest();
            if rest.starts_with('#') || rest.starts_with("//") {
                self.eat_while(|c| c != '\n');
            } else if rest.starts_with("/*") {
                let Some(len) = rest.get(2..).and_then(|r| r.find("*/")) else {
                    let msg = "this `/*` comment is never closed; expected `*/`";
                    return Err(self.error(Code::Unterminated, self.pos, self.pos + 2, msg));
                };
                self.pos += len + 4;
            } else if rest.starts_with([' ', '\t']) || (rest.starts_with('\r') && !rest.starts_with("\r\n")) {
                self.bump();
            } else {
                return Ok(());
            }
        }
    }

    /// A quoted string, with the escapes of Consul's HCL (hashicorp/hcl v1, which unquotes like
    /// Go): `\n \t \r \" \\`, `\a \b \f \v`, `\uXXXX`, `\UXXXXXXXX`, `\xHH` and octal `\NNN`
    /// (exactly three digits, at most `\377`); and JSON's `\/`. `\x` and octal escapes write one
    /// byte each, so several of them may spell one UTF-8 character (`\xc3\xa9` is `é`); a string
    /// they leave invalid as UTF-8 is an error at the escape that broke it.
    fn string(&mut self, start: usize) -> Result<String, Diagnostic> {
        self.bump();
        let mut out: Vec<u8> = Vec::new();
        // (offset in `out`, escape start, escape end) of each byte escape writing a non-ASCII byte.
        let mut byte_escapes: Vec<(usize, usize, usize)> = Vec::new();
        loop {
            let Some(c) = self.peek().filter(|c| *c != '\n') else {
                let msg = "this string is never closed: a quoted string must end on the line it starts \
                           (use a heredoc such as `<<EOF` for text over several lines)";
                return Err(self.error(Code::Unterminated, start, start + 1, msg));
            };
            let escape = self.pos;
            self.bump();
            let c = match c {
                '"' => return self.utf8(out, &byte_escapes),
                '\\' => {
                    // Leave the backslash-newline case to the unterminated-string report above.
                    let Some(e) = self.peek().filter(|e| *e != '\n') else { continue };
                    self.bump();
                    match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '"' => '"',
                        '\\' => '\\',
                        '/' => '/',
                        'a' => '\u{7}',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        'v' => '\u{b}',
                        'u' => self.unicode_escape(escape, 4)?,
                        'U' => self.unicode_escape(escape, 8)?,
                        'x' | '0'..='7' => {
                            let byte = self.byte_escape(escape, e)?;
                            if !byte.is_ascii() {
                                byte_escapes.push((out.len(), escape, self.pos));
                            }
                            out.push(byte);
                            continue;
                        }
                        _ => {
                            let msg = format!(
                                "unknown escape `\\{e}` in a string; the escapes are \\n \\t \\r \\\" \\\\ \\/ \\a \\b \\f \\v, \
                                 \\uXXXX, \\UXXXXXXXX, \\xHH and octal \\NNN (write `\\\\` for a backslash)"
                            );
                            return Err(self.error(Code::InvalidEscape, escape, self.pos, msg));
                        }
                    }
                }
                c => c,
            };
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }

    /// The byte of `\xHH` (two hex digits) or of octal `\NNN` (three digits, the first already
    /// read as `first`), as Go's unquoting reads them.
    fn byte_escape(&mut self, escape: usize, first: char) -> Result<u8, Diagnostic> {
        let (radix, wanted, mut digits) = match first {
            'x' => (16, 2, String::new()),
            _ => (8, 3, first.to_string()),
        };
        let more: String = self.rest().chars().take(wanted - digits.len()).take_while(|c| c.is_digit(radix)).collect();
        self.pos += more.len();
        digits.push_str(&more);
        if digits.len() < wanted {
            let msg = if radix == 16 {
                "`\\x` must be followed by 2 hex digits, such as `\\x41` for `A`".to_string()
            } else {
                format!("an octal escape takes exactly 3 digits, such as `\\101` for `A`; found `\\{digits}`")
            };
            return Err(self.error(Code::InvalidEscape, escape, self.pos, msg));
        }
        u8::try_from(u32::from_str_radix(&digits, radix).unwrap_or(u32::MAX)).map_err(|_| {
            let msg = format!("`\\{digits}` is above `\\377`: an octal escape is one byte");
            self.error(Code::InvalidEscape, escape, self.pos, msg)
        })
    }

    /// The string's bytes as text; where byte escapes left them invalid UTF-8, an error at the
    /// escape whose byte starts the invalid sequence.
    fn utf8(&self, out: Vec<u8>, byte_escapes: &[(usize, usize, usize)]) -> Result<String, Diagnostic> {
        String::from_utf8(out).map_err(|e| {
            let bad = e.utf8_error().valid_up_to();
            let (start, end) = byte_escapes
                .iter()
                .find(|(at, ..)| *at >= bad)
                .map_or((self.pos.saturating_sub(1), self.pos), |(_, start, end)| (*start, *end));
            let written = self.text.get(start..end).unwrap_or("");
            let byte = e.as_bytes().get(bad).copied().unwrap_or(0);
            let msg = format!(
                "`{written}` leaves the string invalid UTF-8: `\\x` and octal escapes write one byte each, and \
                 the byte {byte:#04X} is not part of a whole UTF-8 character here (`\\xc3\\xa9` is `é`); \
                 for the character U+{byte:04X} write `\\u{byte:04x}`"
            );
            self.error(Code::InvalidEscape, start, end, msg)
        })
    }

    fn unicode_escape(&mut self, escape: usize, digits: usize) -> Result<char, Diagnostic> {
        let hex: String = self.rest().chars().take(digits).take_while(char::is_ascii_hexdigit).collect();
        self.pos += hex.len();
        let letter = if digits == 4 { 'u' } else { 'U' };
        if hex.len() < digits {
            let msg = format!("`\\{letter}` must be followed by {digits} hex digits");
            return Err(self.error(Code::InvalidEscape, escape, self.pos, msg));
        }
        u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).ok_or_else(|| {
            let msg = format!("`\\{letter}{hex}` is not a Unicode character");
            self.error(Code::InvalidEscape, escape, self.pos, msg)
        })
    }

    fn heredoc(&mut self, start: usize) -> Result<String, Diagnostic> {
        self.pos += 2;
        let indented = self.peek() == Some('-');
        if indented {
            self.bump();
        }
        let marker_start = self.pos;
        self.eat_while(|c| super::is_letter_or_digit(c) || c == '_');
        let marker = self.slice(marker_start);
        let opener_end = self.pos;
        self.eat_while(|c| c == ' ' || c == '\t' || c == '\r');
        if marker.is_empty() || self.peek() != Some('\n') {
            let msg = "expected a heredoc such as `<<EOF` at the end of a line, with its text on the next lines";
            return Err(self.error(Code::HclSyntax, start, opener_end, msg));
        }
        self.bump();

        let mut lines = Vec::new();
        loop {
            let rest = self.rest();
            if rest.is_empty() {
                let msg = format!("heredoc `<<{marker}` is never closed; expected a line containing only `{marker}`");
                return Err(self.error(Code::Unterminated, start, opener_end, msg));
            }
            let line = rest.split('\n').next().unwrap_or("");
            let content = line.strip_suffix('\r').unwrap_or(line);
            if content.trim() == marker {
                self.pos += line.trim_end().len();
                break;
            }
            lines.push(content);
            self.pos = (self.pos + line.len() + 1).min(self.text.len());
        }

        // `<<-` lets the text be indented along with the surrounding code: the smallest indentation
        // of the lines with text is cut from each of them. As in HCL2, blank lines (empty, or only
        // whitespace) neither count toward it nor lose any of theirs. Only spaces and tabs are
        // stripped, so the cut always falls on a char boundary.
        let blank = |l: &str| l.trim().is_empty();
        let indent = |l: &&str| l.len() - l.trim_start_matches([' ', '\t']).len();
        let strip = if indented { lines.iter().filter(|l| !blank(l)).map(indent).min().unwrap_or(0) } else { 0 };
        let mut out = String::new();
        for line in lines {
            out.push_str(if blank(line) { line } else { line.get(strip..).unwrap_or("") });
            out.push('\n');
        }
        Ok(out)
    }

    fn number(&mut self, start: usize) -> Tok {
        if self.peek() == Some('-') {
            self.bump();
        }
        let rest = self.rest();
        let hex_digits = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X"));
        if hex_digits.is_some_and(|h| h.starts_with(|c: char| c.is_ascii_hexdigit())) {
            self.pos += 2;
            self.eat_while(|c| c.is_ascii_hexdigit());
        } else {
            self.eat_while(|c| c.is_ascii_digit());
            if self.peek() == Some('.') && self.peek2().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
                self.eat_while(|c| c.is_ascii_digit());
            }
            if matches!(self.peek(), Some('e' | 'E')) {
                let before_exponent = self.pos;
                self.bump();
                if matches!(self.peek(), Some('+' | '-')) {
                    self.bump();
                }
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.eat_while(|c| c.is_ascii_digit());
                } else {
                    self.pos = before_exponent;
                }
            }
        }
        // `10s` or `1.2.3` is one unquoted word, not a number followed by something else.
        if self.peek().is_some_and(is_ident_char) {
            self.eat_while(is_ident_char);
            return Tok::Word(self.slice(start));
        }
        Tok::Number(self.slice(start))
    }
}

/// Where items are read: the file or a `key { ... }` block body, where only `=` assigns (in HCL1
/// and HCL2 alike), or an object value after `=`, where HCL2 also takes `key: value`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    Block,
    Object,
}

/// An open `{` or `[`, kept so that errors about it can say where it started.
struct Open {
    what: String,
    close: char,
    start: usize,
    end: usize,
}

struct Parser<'a> {
    file: FileId,
    text: &'a str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    eof: Token,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        self.tokens.get(self.pos).unwrap_or(&self.eof)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek().tok, Tok::Newline) {
            self.pos += 1;
        }
    }

    /// Items up to the `}` that closes `open`, or to the end of the file at top level. Separators
    /// (newlines, commas) are optional between items, as in HCL1.
    fn body(&mut self, open: Option<&Open>, kind: Body) -> Result<Vec<Entry>, Diagnostic> {
        let mut entries = Vec::new();
        loop {
            while matches!(self.peek().tok, Tok::Newline | Tok::Punct(',')) {
                self.pos += 1;
            }
            match (&self.peek().tok, open) {
                (Tok::Eof, None) | (Tok::Punct('}'), Some(_)) => return Ok(entries),
                (Tok::Eof, Some(open)) => return Err(self.unterminated(open)),
                (Tok::Punct(']' | ')'), Some(open)) => return Err(self.mismatched(open)),
                (Tok::Punct('}'), None) => {
                    let t = self.peek();
                    let msg = "found `}` with no open block to close";
                    return Err(Diagnostic::error(Code::HclSyntax, self.span(t.start, t.end), msg));
                }
                _ => entries.push(self.item(kind)?),
            }
        }
    }

    fn item(&mut self, kind: Body) -> Result<Entry, Diagnostic> {
        let Some((key, key_span)) = self.key() else {
            return Err(self.expected("a key such as `Name = ...` or a block such as `Name { ... }`"));
        };
        let after_key = self.pos;
        let mut labels = Vec::new();
        while let Some(label) = self.key() {
            labels.push(label);
        }
        // HCL1 lets a block's `{` go on the next line.
        let next_non_newline =
            self.tokens.get(self.pos..).and_then(|t| t.iter().find(|t| !matches!(t.tok, Tok::Newline)));
        if next_non_newline.is_some_and(|t| matches!(t.tok, Tok::Punct('{'))) {
            self.skip_newlines();
        }
        match self.peek().tok {
            Tok::Punct(':') if labels.is_empty() && kind == Body::Block => {
                let t = self.peek();
                let msg = format!("`:` after key `{key}` in a block; write `{key} = ...`");
                Err(Diagnostic::error(Code::HclSyntax, self.span(t.start, t.end), msg).with_note(
                    "Consul's HCL parser refuses `:` anywhere, and HCL2 takes it only inside `= { ... }` object values",
                ))
            }
            Tok::Punct('=' | ':') if labels.is_empty() => {
                self.pos += 1;
                let value = self.value(Some(&key))?;
                Ok(Entry { key, key_span, value, block: false })
            }
            Tok::Punct('{') => self.block(key, key_span, labels),
            _ => {
                // Report what follows the key, not what follows the labels: `Mode "local"` is far
                // more often a missing `=` than a block missing its `{`.
                self.pos = after_key;
                Err(self.expected(&format!("`=` or `{{` after key `{key}`")))
            }
        }
    }

    /// An identifier or a quoted string, consumed if present.
    fn key(&mut self) -> Option<(String, Span)> {
        let t = self.peek();
        let (Tok::Ident(name) | Tok::Str(name)) = &t.tok else { return None };
        let key = (name.clone(), self.span(t.start, t.end));
        self.pos += 1;
        Some(key)
    }

    /// `key "a" "b" { body }` is HCL1's shorthand for `key { a { b { body } } }`.
    fn block(&mut self, key: String, key_span: Span, labels: Vec<(String, Span)>) -> Result<Entry, Diagnostic> {
        // Each label is a level of the tree, and later stages walk the tree recursively.
        self.depth += labels.len();
        let mut value = self.object(format!("the block `{key}`"), Body::Block)?;
        self.depth = self.depth.saturating_sub(labels.len());
        for (label, span) in labels.into_iter().rev() {
            let node_span = span.to(value.span);
            value = Node::new(Value::Object(vec![Entry { key: label, key_span: span, value, block: true }]), node_span);
        }
        Ok(Entry { key, key_span, value, block: true })
    }

    /// `for_key` names the attribute being assigned, for messages.
    fn value(&mut self, for_key: Option<&str>) -> Result<Node, Diagnostic> {
        let t = self.peek();
        let span = self.span(t.start, t.end);
        let value = match &t.tok {
            Tok::Str(s) | Tok::Heredoc(s) => Value::String(s.clone()),
            Tok::Number(n) => Value::Number(n.clone()),
            Tok::Ident(w) if w == "true" => Value::Bool(true),
            Tok::Ident(w) if w == "false" => Value::Bool(false),
            Tok::Ident(w) if w == "null" => Value::Null,
            Tok::Ident(w) | Tok::Word(w) => {
                let msg = format!("expected a value, found `{w}`; strings need quotes");
                return Err(Diagnostic::error(Code::HclSyntax, span, msg).with_note(format!("help: write \"{w}\"")));
            }
            Tok::Punct('{') => {
                let what = for_key.map_or_else(|| "the object".to_string(), |k| format!("the object `{k}`"));
                return self.object(what, Body::Object);
            }
            Tok::Punct('[') => return self.list(),
            _ => {
                let what = for_key.map_or_else(|| "a value".to_string(), |k| format!("a value for `{k}`"));
                return Err(self.expected(&what));
            }
        };
        self.pos += 1;
        Ok(Node::new(value, span))
    }

    /// `{ body }`, whether a block's or an object literal's: HCL1 allows blocks in both.
    fn object(&mut self, what: String, kind: Body) -> Result<Node, Diagnostic> {
        let open = self.open(what, '}')?;
        let entries = self.body(Some(&open), kind)?;
        let end = self.close();
        Ok(Node::new(Value::Object(entries), self.span(open.start, end)))
    }

    fn list(&mut self) -> Result<Node, Diagnostic> {
        let open = self.open("the list".to_string(), ']')?;
        let mut items = Vec::new();
        let mut need_comma = false;
        loop {
            self.skip_newlines();
            match self.peek().tok {
                Tok::Punct(']') => break,
                Tok::Eof => return Err(self.unterminated(&open)),
                Tok::Punct('}' | ')') => return Err(self.mismatched(&open)),
                Tok::Punct(',') if need_comma => {
                    self.pos += 1;
                    need_comma = false;
                }
                _ if need_comma => return Err(self.expected("`,` or `]` after a list item")),
                _ => {
                    items.push(self.value(None)?);
                    need_comma = true;
                }
            }
        }
        let end = self.close();
        Ok(Node::new(Value::Array(items), self.span(open.start, end)))
    }

    fn open(&mut self, what: String, close: char) -> Result<Open, Diagnostic> {
        let t = self.peek();
        let open = Open { what, close, start: t.start, end: t.end };
        if self.depth >= MAX_DEPTH {
            let msg = format!("{} nests deeper than {MAX_DEPTH} levels", open.what);
            return Err(Diagnostic::error(Code::TooDeep, self.span(open.start, open.end), msg));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(open)
    }

    /// Consumes the closing bracket the caller has seen; returns its end.
    fn close(&mut self) -> usize {
        self.depth = self.depth.saturating_sub(1);
        let end = self.peek().end;
        self.pos += 1;
        end
    }

    /// "expected X, found Y" at the current token; a lexing error there is reported instead, since
    /// it is the real problem (an unclosed string, a bad escape).
    fn expected(&self, what: &str) -> Diagnostic {
        let t = self.peek();
        if let Tok::Error(diag) = &t.tok {
            return diag.clone();
        }
        Diagnostic::error(
            Code::HclSyntax,
            self.span(t.start, t.end),
            format!("expected {what}, found {}", self.describe(t)),
        )
    }

    /// Points at the opening bracket: that is what someone with a missing `}` needs to find.
    fn unterminated(&self, open: &Open) -> Diagnostic {
        let msg =
            format!("{} opened here is never closed; expected `{}` before the end of the file", open.what, open.close);
        Diagnostic::error(Code::Unterminated, self.span(open.start, open.end), msg)
    }

    fn mismatched(&self, open: &Open) -> Diagnostic {
        let t = self.peek();
        let line = self.text.get(..open.start).map_or(0, |s| s.matches('\n').count()) + 1;
        let msg = format!(
            "expected `{}` to close {} opened at line {line}, found {}",
            open.close,
            open.what,
            self.describe(t)
        );
        Diagnostic::error(Code::HclSyntax, self.span(t.start, t.end), msg)
    }

    fn describe(&self, t: &Token) -> String {
        let source = self.text.get(t.start..t.end).unwrap_or("");
        match &t.tok {
            Tok::Newline => "end of line".to_string(),
            Tok::Eof | Tok::Error(_) => "end of file".to_string(),
            Tok::Heredoc(_) => "heredoc".to_string(),
            Tok::Str(_) if source.chars().count() <= 40 => format!("string {source}"),
            Tok::Str(_) => "string".to_string(),
            Tok::Number(_) => format!("number `{source}`"),
            Tok::Ident(_) | Tok::Word(_) => format!("`{source}`"),
            Tok::Punct(c) => super::quoted_char(*c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Position, SourceFile};
    use proptest::prelude::*;

    fn ok(text: &str) -> Result<Node, String> {
        parse(0, text).map_err(|d| format!("{d:?}"))
    }

    fn err(text: &str) -> Result<Diagnostic, String> {
        match parse(0, text) {
            Ok(node) => Err(format!("expected an error, parsed {}", dump(&node))),
            Err(diags) => match diags.as_slice() {
                [diag] => Ok(diag.clone()),
                _ => Err(format!("expected one diagnostic, got {diags:?}")),
            },
        }
    }

    fn some<T>(option: Option<T>) -> Result<T, String> {
        option.ok_or_else(|| "missing".to_string())
    }

    /// A compact rendering of the tree: `key=value` for attributes, `key {...}` for blocks.
    fn dump(node: &Node) -> String {
        match &node.value {
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.clone(),
            Value::String(s) => format!("{s:?}"),
            Value::Array(items) => format!("[{}]", items.iter().map(dump).collect::<Vec<_>>().join(", ")),
            Value::Object(entries) => {
                let items: Vec<String> = entries
                    .iter()
                    .map(|e| format!("{}{}{}", e.key, if e.block { " " } else { "=" }, dump(&e.value)))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }

    fn dump_ok(text: &str) -> Result<String, String> {
        ok(text).map(|n| dump(&n))
    }

    /// Line and column of a span's start and end.
    fn at(text: &str, span: Option<Span>) -> ((u32, u32), (u32, u32)) {
        let file = SourceFile::new("t.hcl", text);
        let span = span.unwrap_or_default();
        let pos = |o| {
            let Position { line, column, .. } = file.position(o);
            (line, column)
        };
        (pos(span.start), pos(span.end))
    }

    fn entry<'a>(node: &'a Node, path: &[&str]) -> Result<&'a Entry, String> {
        let (first, rest) = some(path.split_first())?;
        let found = some(node.as_object().and_then(|o| o.iter().find(|e| e.key == *first)))?;
        if rest.is_empty() {
            Ok(found)
        } else {
            entry(&found.value, rest)
        }
    }

    #[test]
    fn scalars() -> Result<(), String> {
        let text = "a = \"x\"\nb = 1\nc = -2.5e3\nd = 0x1F\ne = true\nf = false\ng = null\nh = 1E+2\n";
        assert_eq!(dump_ok(text)?, r#"{a="x", b=1, c=-2.5e3, d=0x1F, e=true, f=false, g=null, h=1E+2}"#);
        Ok(())
    }

    #[test]
    fn keys_may_be_quoted_and_use_colons_in_object_values() -> Result<(), String> {
        assert_eq!(dump_ok("\"my key\" = \"v\"\nk.with-dash_1 = 2")?, r#"{my key="v", k.with-dash_1=2}"#);
        assert_eq!(dump_ok("m = { \"my key\": \"v\" }")?, r#"{m={my key="v"}}"#);
        Ok(())
    }

    /// Neither HCL1 (Consul's parser) nor HCL2 take `key: value` in the file's body or a block's:
    /// Consul's docs write `Set { "X-Web-Version": "v1" }`, and Consul refuses that file.
    #[test]
    fn a_colon_in_a_block_body_is_an_error_at_the_colon() -> Result<(), String> {
        for (text, line, col) in [("\"my key\": \"v\"\n", 1, 9), ("Set {\n  \"X-Web-Version\": \"v1\"\n}\n", 2, 18)] {
            let e = err(text)?;
            assert_eq!(e.code, Code::HclSyntax);
            assert_eq!(at(text, e.span).0, (line, col), "{text:?}: {}", e.message);
        }
        Ok(())
    }

    #[test]
    fn empty_and_comment_only_files_are_empty_objects() -> Result<(), String> {
        assert_eq!(dump_ok("")?, "{}");
        assert_eq!(dump_ok("# just a comment\n// another\n/* and\n a block */\n")?, "{}");
        Ok(())
    }

    #[test]
    fn separators_are_newlines_commas_or_nothing() -> Result<(), String> {
        assert_eq!(dump_ok("a = 1, b = 2,\nc = 3,")?, "{a=1, b=2, c=3}");
        // HCL1 needs no separator at all.
        assert_eq!(dump_ok("a = 1 b = 2")?, "{a=1, b=2}");
        assert_eq!(dump_ok("x = { a = 1, b = 2, }")?, "{x={a=1, b=2}}");
        Ok(())
    }

    #[test]
    fn blocks_with_labels_nest_like_hcl1() -> Result<(), String> {
        let node = ok("service \"web\" v1 {\n  port = 1\n}\n")?;
        assert_eq!(dump(&node), "{service {web {v1 {port=1}}}}");
        let web = entry(&node, &["service", "web"])?;
        let v1 = entry(&node, &["service", "web", "v1"])?;
        assert!(entry(&node, &["service"])?.block && web.block && v1.block);
        assert_eq!(at("service \"web\" v1 {\n  port = 1\n}\n", Some(web.key_span)), ((1, 9), (1, 14)));
        // The label's node runs from the next label to the closing brace.
        assert_eq!(at("service \"web\" v1 {\n  port = 1\n}\n", Some(web.value.span)), ((1, 15), (3, 2)));
        Ok(())
    }

    #[test]
    fn block_brace_may_be_on_the_next_line() -> Result<(), String> {
        assert_eq!(dump_ok("service\n{\n  port = 1\n}")?, "{service {port=1}}");
        Ok(())
    }

    #[test]
    fn consul_service_router_doc() -> Result<(), String> {
        let text = r#"Kind = "service-router"
Name = "web"
Routes = [
  {
    Match {
      HTTP {
        PathPrefix = "/admin"
        Header = [
          { Name = "x-debug", Exact = "1" },
        ]
      }
    }
    Destination {
      Service = "admin"
    }
  },
]
"#;
        assert_eq!(
            dump_ok(text)?,
            r#"{Kind="service-router", Name="web", Routes=[{Match {HTTP {PathPrefix="/admin", Header=[{Name="x-debug", Exact="1"}]}}, Destination {Service="admin"}}]}"#
        );
        Ok(())
    }

    #[test]
    fn consul_service_definition_doc_repeats_the_block() -> Result<(), String> {
        let text = r#"service {
  name = "web-sidecar-proxy"
  kind = "connect-proxy"
  port = 8181
  proxy {
    destination_service_name = "web"
    mesh_gateway {
      mode = "remote"
    }
    upstreams = [
      {
        destination_name = "api"
        datacenter = "secondary"
        local_bind_port = 10000
      }
    ]
  }
}
# Or alternatively inline with the service definition:
service {
  name = "web"
  port = 8181
}
"#;
        let node = ok(text)?;
        let entries = some(node.as_object())?;
        assert_eq!(entries.iter().filter(|e| e.key == "service").count(), 2);
        assert_eq!(
            dump(&node),
            r#"{service {name="web-sidecar-proxy", kind="connect-proxy", port=8181, proxy {destination_service_name="web", mesh_gateway {mode="remote"}, upstreams=[{destination_name="api", datacenter="secondary", local_bind_port=10000}]}}, service {name="web", port=8181}}"#
        );
        let mode = entry(&node, &["service", "proxy", "mesh_gateway", "mode"])?;
        assert_eq!(at(text, Some(mode.key_span)), ((8, 7), (8, 11)));
        assert_eq!(at(text, Some(mode.value.span)), ((8, 14), (8, 22)));
        let upstreams = entry(&node, &["service", "proxy", "upstreams"])?;
        assert_eq!(at(text, Some(upstreams.value.span)), ((10, 17), (16, 6)));
        assert_eq!(at(text, Some(node.span)), ((1, 1), (23, 2)));
        Ok(())
    }

    #[test]
    fn hcl2_style_lists_of_objects_and_repeated_blocks() -> Result<(), String> {
        assert_eq!(
            dump_ok(r#"Listeners = [ { Port = 8080, Protocol = "http" } ]"#)?,
            r#"{Listeners=[{Port=8080, Protocol="http"}]}"#
        );
        assert_eq!(
            dump_ok("Listeners { Port = 1 } Listeners { Port = 2 }")?,
            "{Listeners {Port=1}, Listeners {Port=2}}"
        );
        assert_eq!(
            dump_ok(r#"Sources = [ { Name = "web", Action = "allow" } ]"#)?,
            r#"{Sources=[{Name="web", Action="allow"}]}"#
        );
        Ok(())
    }

    #[test]
    fn blocks_inside_object_literals() -> Result<(), String> {
        let text = r#"Routes = [{ Match { HTTP { PathPrefix = "/admin" } } Destination { Service = "admin" } }]"#;
        assert_eq!(dump_ok(text)?, r#"{Routes=[{Match {HTTP {PathPrefix="/admin"}}, Destination {Service="admin"}}]}"#);
        let node = ok(text)?;
        let routes = entry(&node, &["Routes"])?;
        let Value::Array(items) = &routes.value.value else { return Err("not a list".into()) };
        let first = some(items.first())?;
        assert!(entry(first, &["Match"])?.block);
        assert_eq!(at(text, Some(first.span)), ((1, 11), (1, 89)));
        Ok(())
    }

    #[test]
    fn lists() -> Result<(), String> {
        assert_eq!(
            dump_ok("a = []\nb = [\n  1,\n  2,\n]\nc = [[1], [\"x\", true]]")?,
            r#"{a=[], b=[1, 2], c=[[1], ["x", true]]}"#
        );
        assert_eq!(dump_ok("a = [\n  1\n  ,\n  2\n]")?, "{a=[1, 2]}");
        Ok(())
    }

    #[test]
    fn string_escapes() -> Result<(), String> {
        let node = ok(r#"a = "q\" b\\ s\/ \n\t\r \u00e9 \U0001F600""#)?;
        assert_eq!(entry(&node, &["a"])?.value.as_str(), Some("q\" b\\ s/ \n\t\r \u{e9} \u{1F600}"));
        // Interpolation is kept as text: Consul entries don't evaluate it.
        let node = ok(r#"a = "${var.x} %{if y}z""#)?;
        assert_eq!(entry(&node, &["a"])?.value.as_str(), Some("${var.x} %{if y}z"));
        Ok(())
    }

    #[test]
    fn invalid_escapes_point_at_the_escape() -> Result<(), String> {
        let text = "a = \"ok\\q\"";
        let d = err(text)?;
        assert_eq!(d.code, Code::InvalidEscape);
        assert_eq!(at(text, d.span), ((1, 8), (1, 10)));
        let d = err(r#"a = "\u12x""#)?;
        assert_eq!((d.code, d.message.as_str()), (Code::InvalidEscape, "`\\u` must be followed by 4 hex digits"));
        assert_eq!(err(r#"a = "\uD800""#)?.code, Code::InvalidEscape);
        Ok(())
    }

    fn string_of(text: &str) -> Result<String, String> {
        Ok(some(entry(&ok(text)?, &["a"])?.value.as_str())?.to_string())
    }

    /// The escapes Consul's HCL (hashicorp/hcl v1) unquotes as Go does, beyond HCL2's.
    #[test]
    fn hcl1_escapes() -> Result<(), String> {
        assert_eq!(string_of(r#"a = "\a\b\f\v""#)?, "\u{7}\u{8}\u{c}\u{b}");
        assert_eq!(string_of(r#"a = "\x41\x7e\x7E \101\176 \000x""#)?, "A~~ A~ \0x");
        // Byte escapes may spell a UTF-8 character between them, and mix with other text.
        assert_eq!(string_of(r#"a = "caf\xc3\xa9 caf\303\251 \xe2\x82\xac""#)?, "café café €");
        // Octal takes exactly three digits: a fourth is text.
        assert_eq!(string_of(r#"a = "\1011""#)?, "A1");
        assert_eq!(string_of(r#"a = "\x411""#)?, "A1");
        // Quoted keys unquote alike.
        assert_eq!(dump_ok(r#""\x41\102" = 1"#)?, "{AB=1}");
        Ok(())
    }

    #[test]
    fn invalid_hcl1_escapes_point_at_the_escape() -> Result<(), String> {
        for (text, span, message) in [
            (r#"a = "ok\x4""#, ((1, 8), (1, 11)), "`\\x` must be followed by 2 hex digits, such as `\\x41` for `A`"),
            (r#"a = "\xg0""#, ((1, 6), (1, 8)), "`\\x` must be followed by 2 hex digits, such as `\\x41` for `A`"),
            (
                r#"a = "\0""#,
                ((1, 6), (1, 8)),
                "an octal escape takes exactly 3 digits, such as `\\101` for `A`; found `\\0`",
            ),
            (
                r#"a = "\129""#,
                ((1, 6), (1, 9)),
                "an octal escape takes exactly 3 digits, such as `\\101` for `A`; found `\\12`",
            ),
            (r#"a = "\400""#, ((1, 6), (1, 10)), "`\\400` is above `\\377`: an octal escape is one byte"),
        ] {
            let d = err(text)?;
            assert_eq!((d.code, at(text, d.span), d.message.as_str()), (Code::InvalidEscape, span, message), "{text}");
        }
        // `\8`, `\'` and `\z` are no escapes in HCL1 either.
        for text in [r#"a = "\8""#, r#"a = "\'""#, r#"a = "\z""#] {
            let d = err(text)?;
            assert_eq!((d.code, at(text, d.span)), (Code::InvalidEscape, ((1, 6), (1, 8))), "{text}");
        }
        Ok(())
    }

    #[test]
    fn byte_escapes_that_break_utf8_are_errors_at_the_escape() -> Result<(), String> {
        // A lone lead byte, a lone continuation byte, a lead byte followed by text.
        for (text, span) in [
            (r#"a = "caf\xe9""#, ((1, 9), (1, 13))),
            (r#"a = "é\251""#, ((1, 7), (1, 11))),
            (r#"a = "ok \xc3\xa9 \xc3A""#, ((1, 18), (1, 22))),
        ] {
            let d = err(text)?;
            assert_eq!((d.code, at(text, d.span)), (Code::InvalidEscape, span), "{text}");
            assert!(d.message.contains("invalid UTF-8"), "{}", d.message);
        }
        let d = err(r#"a = "\xe9""#)?;
        assert!(d.message.ends_with("for the character U+00E9 write `\\u00e9`"), "{}", d.message);
        Ok(())
    }

    #[test]
    fn newline_in_string_reports_the_opening_quote() -> Result<(), String> {
        let text = "a = 1\nb = \"abc\nc = 2\n";
        let d = err(text)?;
        assert_eq!(d.code, Code::Unterminated);
        assert_eq!(at(text, d.span), ((2, 5), (2, 6)));
        assert_eq!(err("a = \"abc")?.code, Code::Unterminated);
        assert_eq!(err("a = \"abc\\")?.code, Code::Unterminated);
        Ok(())
    }

    #[test]
    fn heredocs() -> Result<(), String> {
        let node = ok("a = <<EOF\nline 1\n  line 2\nEOF\nb = 1")?;
        assert_eq!(dump(&node), r#"{a="line 1\n  line 2\n", b=1}"#);
        let text = "a {\n  b = <<-EOT\n    x\n\n      y\n    EOT\n}\n";
        let node = ok(text)?;
        let b = entry(&node, &["a", "b"])?;
        assert_eq!(b.value.as_str(), Some("x\n\n  y\n"));
        assert_eq!(at(text, Some(b.value.span)), ((2, 7), (6, 8)));
        assert_eq!(dump_ok("a = <<EOF\r\nx\r\nEOF\r\n")?, r#"{a="x\n"}"#);
        // Lines of only whitespace are blank: they keep what they have and set no indentation.
        assert_eq!(dump_ok("a = <<-EOF\n    x\n  \n      \n     y\n  EOF\n")?, r#"{a="x\n  \n      \n y\n"}"#);
        assert_eq!(dump_ok("a = <<-EOF\n  \n  EOF\n")?, r#"{a="  \n"}"#);
        assert_eq!(dump_ok("a = <<EOF\nEOF")?, r#"{a=""}"#);
        let d = err("a = <<EOF\nx\nEOFX\n")?;
        assert_eq!((d.code, at("a = <<EOF", d.span)), (Code::Unterminated, ((1, 5), (1, 10))));
        assert_eq!(err("a = <<EOF x\n")?.code, Code::HclSyntax);
        Ok(())
    }

    #[test]
    fn comments() -> Result<(), String> {
        let text = "# hash\na = 1 // slashes\n/* block\n spanning */ b = /* inline */ 2 # end";
        assert_eq!(dump_ok(text)?, "{a=1, b=2}");
        let text = "a = 1\n  /* never closed\nb = 2";
        let d = err(text)?;
        assert_eq!((d.code, at(text, d.span)), (Code::Unterminated, ((2, 3), (2, 5))));
        Ok(())
    }

    #[test]
    fn bom_and_crlf() -> Result<(), String> {
        let text = "\u{feff}a {\r\n  b = \"x\"\r\n}\r\n";
        let node = ok(text)?;
        let b = entry(&node, &["a", "b"])?;
        assert_eq!(at(text, Some(b.key_span)), ((2, 3), (2, 4)));
        assert_eq!(b.value.as_str(), Some("x"));
        // Column 2: the byte-order mark counts as the first character of the line.
        assert_eq!(at(text, Some(node.span)), ((1, 2), (3, 2)));
        Ok(())
    }

    #[test]
    fn missing_equals_points_at_the_offending_token() -> Result<(), String> {
        let text = "Kind = \"mesh\"\nMode \"local\"\n";
        let d = err(text)?;
        assert_eq!(d.code, Code::HclSyntax);
        assert_eq!(d.message, "expected `=` or `{` after key `Mode`, found string \"local\"");
        assert_eq!(at(text, d.span), ((2, 6), (2, 13)));
        let d = err("Mode\n")?;
        assert_eq!(d.message, "expected `=` or `{` after key `Mode`, found end of line");
        let d = err("Mode =\nName = 1")?;
        assert_eq!(d.message, "expected a value for `Mode`, found end of line");
        Ok(())
    }

    #[test]
    fn bare_words_need_quotes() -> Result<(), String> {
        let text = "Mode = local";
        let d = err(text)?;
        assert_eq!(d.message, "expected a value, found `local`; strings need quotes");
        assert_eq!(at(text, d.span), ((1, 8), (1, 13)));
        assert_eq!(err("Timeout = 10s")?.message, "expected a value, found `10s`; strings need quotes");
        assert_eq!(err("a = [1, foo]")?.code, Code::HclSyntax);
        Ok(())
    }

    #[test]
    fn unterminated_block_reports_where_it_opened() -> Result<(), String> {
        let text = "Kind = \"mesh\"\n\nMeshGateway {\n  Mode = \"local\"\n";
        let d = err(text)?;
        assert_eq!(d.code, Code::Unterminated);
        assert_eq!(at(text, d.span), ((3, 13), (3, 14)));
        assert!(d.message.contains("`MeshGateway`") && d.message.contains("never closed"), "{}", d.message);
        let text = "a = [\n  1,\n";
        let d = err(text)?;
        assert_eq!((d.code, at(text, d.span)), (Code::Unterminated, ((1, 5), (1, 6))));
        let d = err("a = { b = 1")?;
        assert_eq!((d.code, d.message.contains("the object `a`")), (Code::Unterminated, true));
        Ok(())
    }

    #[test]
    fn mismatched_closers() -> Result<(), String> {
        let text = "a = 1\n\nMeshGateway {\n  Mode = \"local\"\n]\n";
        let d = err(text)?;
        assert_eq!(d.message, "expected `}` to close the block `MeshGateway` opened at line 3, found `]`");
        assert_eq!(at(text, d.span), ((5, 1), (5, 2)));
        assert_eq!(err("a = [1 }")?.message, "expected `]` to close the list opened at line 1, found `}`");
        assert_eq!(err("a = [1 2]")?.message, "expected `,` or `]` after a list item, found number `2`");
        assert_eq!(err("a = 1\n}")?.message, "found `}` with no open block to close");
        assert_eq!(err("= 1")?.code, Code::HclSyntax);
        Ok(())
    }

    #[test]
    fn earlier_syntax_error_wins_over_later_lexing_error() -> Result<(), String> {
        let d = err("a b\nc = \"open")?;
        assert_eq!(d.message, "expected `=` or `{` after key `a`, found `b`");
        Ok(())
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() -> Result<(), String> {
        assert_eq!(err(&format!("a = {}", "[".repeat(100_000)))?.code, Code::TooDeep);
        assert_eq!(err(&"a {".repeat(100_000))?.code, Code::TooDeep);
        assert_eq!(err(&"a = {".repeat(100_000))?.code, Code::TooDeep);
        assert_eq!(err(&format!("a {} {{}}", "l ".repeat(100_000)))?.code, Code::TooDeep);
        let fits = format!("a = {}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(ok(&fits).is_ok());
        Ok(())
    }

    /// Spans must lie inside the text, on char boundaries, for every node and key.
    fn spans_are_valid(text: &str, node: &Node) -> bool {
        let valid = |s: Span| s.start <= s.end && text.get(s.start as usize..s.end as usize).is_some();
        valid(node.span)
            && match &node.value {
                Value::Array(items) => items.iter().all(|n| spans_are_valid(text, n)),
                Value::Object(entries) => entries.iter().all(|e| valid(e.key_span) && spans_are_valid(text, &e.value)),
                _ => true,
            }
    }

    fn check(text: &str) -> Result<(), TestCaseError> {
        match parse(0, text) {
            Ok(node) => prop_assert!(spans_are_valid(text, &node)),
            Err(diags) => {
                prop_assert_eq!(diags.len(), 1);
                let span = diags.first().and_then(|d| d.span).unwrap_or_default();
                prop_assert!(span.end as usize <= text.len());
            }
        }
        Ok(())
    }

    const VALID: &str = "Kind = \"service-router\" # c\nRoutes = [\n  {\n    Match { HTTP { PathPrefix = \"/a\\n\" } }\n    \
                         Destination { Service = \"admin\", Timeout = -1.5e3 }\n  },\n]\nx \"l\" { y = <<-EOF\n  t\n  EOF\n}\n\
                         /* c */ z = [0x1F, true, null] // e\n";

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>()) {
            check(&text)?;
        }

        #[test]
        fn never_panics_on_hcl_like_text(text in "[a-z\"{}\\[\\]=:,#/*<\\-\\\\ \n\r0-9$.EOFux]{0,80}") {
            check(&text)?;
        }

        #[test]
        fn never_panics_on_mutations_of_a_valid_document(
            edits in prop::collection::vec((any::<usize>(), prop::option::of(prop_oneof![
                any::<char>(),
                prop::sample::select(vec!['{', '}', '[', ']', '"', '\\', '\n', '\r', '=', ',', '#', '/', '*', '<', '-']),
            ])), 1..8)
        ) {
            let mut chars: Vec<char> = VALID.chars().collect();
            for (at, edit) in edits {
                let index = at % (chars.len() + 1);
                match edit {
                    Some(c) => chars.insert(index, c),
                    None if index < chars.len() => { chars.remove(index); }
                    None => {}
                }
            }
            check(&chars.into_iter().collect::<String>())?;
        }
    }

    #[test]
    fn the_mutation_seed_document_is_valid() -> Result<(), String> {
        ok(VALID).map(|_| ())
    }
}
