//! YAML text into tokens (YAML 1.2, chapter 6 to 9), with byte spans.
//!
//! The token model is the classic one for YAML: block structure is made explicit with
//! `BlockSequenceStart`/`BlockMappingStart`/`BlockEnd` tokens from the indentation, and a plain
//! or quoted scalar followed by `:` becomes a key after the fact ("simple keys"), by inserting a
//! `Key` token (and maybe a `BlockMappingStart`) before it once the `:` shows up.
//!
//! saphyr-parser was our YAML grammar before this module, and documents that users already have
//! must keep reading the same: where the spec leaves room (which tabs are refused, where a span
//! ends, which odd constructs are errors), this scanner decides as saphyr did. The differential
//! test in `yaml/oracle_tests.rs` holds it to that.
//!
//! Works on bytes: every character with a meaning in YAML is ASCII, and content is copied by byte
//! ranges, which stay on char boundaries because they only ever split at ASCII bytes.

use std::collections::VecDeque;

/// A position: byte offset for spans, line and column (in chars) for indentation.
#[derive(Clone, Copy, Default, Debug)]
pub struct Mark {
    pub pos: usize,
    line: usize,
    col: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, PartialEq)]
pub enum Tok {
    StreamEnd,
    /// A byte order mark at the start of a line between documents.
    Bom,
    DocumentStart,
    DocumentEnd,
    /// `%YAML` (true) or a reserved directive (false), both without effect here.
    Directive(bool),
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias(String),
    Anchor(String),
    /// Handle (`!` or the `!!` prefix, empty for a verbatim or bare `!` tag) and suffix.
    Tag(String, String),
    Scalar(String, Style),
}

pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// A syntax error: where, and what in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub pos: usize,
    pub message: &'static str,
}

/// The message of the error for flow collections nested deeper than the tree may be; yaml.rs
/// reports it as too deep rather than as a syntax error.
pub const TOO_DEEP: &str = "nesting is too deep";

/// Flow nesting is capped in the scanner because a flow collection is scanned whole before its
/// first token is handed out (it might turn out to be a key), so the tree builder's depth limit
/// comes too late to bound the scanner's work. saphyr-parser's cap was the same, so a document
/// nested between the builder's limit and this one fails alike (on whichever error comes first).
const MAX_FLOW_DEPTH: usize = 255;

/// A line at the indentation of a block mapping's keys must be a key, but it has no `:`.
const MISSING_COLON: &str =
    "expected `key: value` here: this line is at the indentation of the mapping's keys but has no `:`";

pub type Result<T> = std::result::Result<T, Error>;

/// Where the scalar before a `:` started, in case it turns out to be a key.
#[derive(Clone, Copy, Default)]
struct SimpleKey {
    possible: bool,
    /// A key at the indentation of a block mapping must be one: not finding its `:` is an error.
    required: bool,
    /// Number of the token the key would be inserted before (counted from the stream start).
    token: usize,
    mark: Mark,
}

/// `[a: b]` inside a flow sequence is a one-entry mapping with no brackets of its own.
#[derive(Clone, Copy, PartialEq)]
enum Implicit {
    /// In a flow mapping: no implicit mappings.
    Never,
    Possible,
    Inside,
}

struct Indent {
    indent: isize,
    /// False for the one-column bumps that only keep a nested construct from being read as a
    /// sibling; those are dropped silently.
    needs_block_end: bool,
}

pub struct Scanner<'a> {
    text: &'a [u8],
    src: &'a str,
    mark: Mark,
    tokens: VecDeque<Token>,
    /// Tokens handed out so far.
    taken: usize,
    started: bool,
    done: bool,
    indent: isize,
    indents: Vec<Indent>,
    flow_level: usize,
    simple_keys: Vec<SimpleKey>,
    simple_key_allowed: bool,
    /// Per flow level: whether an explicit `?` or `{` made it a mapping already.
    mapping_started: Vec<bool>,
    implicit: Vec<Implicit>,
    /// Only blanks since the last line break (a tab there is indentation, where it is refused).
    leading_whitespace: bool,
    /// JSON-like keys (`"a":1`, `[x]:y`) may be followed by `:` with no space, in flow context.
    adjacent_value_at: usize,
    /// A plain scalar stopped at a comment: more text on the next line would be an error.
    plain_cut_by_comment: Option<Mark>,
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn is_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

/// A line break or the end of the text (where `peek` reads 0; a NUL byte ends the text too).
fn is_breakz(c: u8) -> bool {
    is_break(c) || c == 0
}

fn is_blankz(c: u8) -> bool {
    is_blank(c) || is_breakz(c)
}

fn is_flow(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-'
}

fn is_uri(c: u8) -> bool {
    is_word(c) || b"#;/?:@&=+$,_.!~*'()[]%".contains(&c)
}

fn is_tag_char(c: u8) -> bool {
    is_uri(c) && !is_flow(c) && c != b'!'
}

fn hex(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

fn err<T>(mark: Mark, message: &'static str) -> Result<T> {
    Err(Error { pos: mark.pos, message })
}

impl<'a> Scanner<'a> {
    pub fn new(src: &'a str) -> Self {
        Scanner {
            text: src.as_bytes(),
            src,
            mark: Mark::default(),
            tokens: VecDeque::new(),
            taken: 0,
            started: false,
            done: false,
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            simple_keys: Vec::new(),
            simple_key_allowed: false,
            mapping_started: Vec::new(),
            implicit: Vec::new(),
            leading_whitespace: true,
            adjacent_value_at: usize::MAX,
            plain_cut_by_comment: None,
        }
    }

    // ---- reading the text ----

    fn at(&self, n: usize) -> u8 {
        self.text.get(self.mark.pos + n).copied().unwrap_or(0)
    }

    fn peek(&self) -> u8 {
        self.at(0)
    }

    fn is_bom(&self) -> bool {
        self.text.get(self.mark.pos..self.mark.pos + 3) == Some(&[0xEF, 0xBB, 0xBF][..])
    }

    /// One char that is not a line break.
    fn bump(&mut self) {
        let width = match self.peek() {
            0xF0.. => 4,
            0xE0.. => 3,
            0xC0.. => 2,
            _ => 1,
        };
        self.mark.pos = (self.mark.pos + width).min(self.text.len());
        self.mark.col += 1;
    }

    /// One char of content, ending any run of leading whitespace.
    fn bump_content(&mut self) {
        self.bump();
        self.leading_whitespace = false;
    }

    /// A line break (`\r\n`, `\r` or `\n`).
    fn bump_break(&mut self) {
        if self.peek() == b'\r' && self.at(1) == b'\n' {
            self.mark.pos += 1;
        }
        self.mark.pos += 1;
        self.mark.line += 1;
        self.mark.col = 0;
        self.leading_whitespace = true;
    }

    fn slice(&self, start: usize, end: usize) -> &'a str {
        self.src.get(start..end).unwrap_or_default()
    }

    fn at_document_indicator(&self) -> bool {
        self.mark.col == 0
            && (self.text.get(self.mark.pos..self.mark.pos + 3) == Some(b"---")
                || self.text.get(self.mark.pos..self.mark.pos + 3) == Some(b"..."))
            && is_blankz(self.at(3))
    }

    /// A comment, up to the line break. A byte order mark ends it too, to be refused next.
    fn skip_comment(&mut self) {
        while !is_breakz(self.peek()) && !self.is_bom() {
            self.bump();
        }
    }

    /// Blanks (tabs only if `tabs`) and a comment up to the line break. Returns whether it saw a
    /// tab and whether it saw a space.
    fn skip_blanks_to_eol(&mut self, tabs: bool) -> Result<(bool, bool)> {
        let (mut tab, mut space) = (false, false);
        loop {
            match self.peek() {
                b' ' => space = true,
                b'\t' if tabs => tab = true,
                b'#' if !tab && !space => {
                    return err(self.mark, "comments must be separated from other tokens by whitespace")
                }
                b'#' => {
                    self.skip_comment();
                    break;
                }
                _ => break,
            }
            self.bump();
        }
        if self.mark.col > 0 && self.is_bom() {
            return err(self.mark, "a byte order mark must not appear inside a document");
        }
        Ok((tab, space))
    }

    /// Blanks, comments and line breaks before the next token.
    fn skip_to_next_token(&mut self) -> Result<()> {
        loop {
            match self.peek() {
                b'\t'
                    if !self.indents.is_empty()
                        && self.leading_whitespace
                        && (self.mark.col as isize) < self.indent =>
                {
                    self.skip_blanks_to_eol(true)?;
                    if !is_breakz(self.peek()) {
                        return err(self.mark, "tabs disallowed within this context (block indentation)");
                    }
                }
                b' ' | b'\t' => self.bump(),
                b'\n' | b'\r' => {
                    self.bump_break();
                    if self.flow_level == 0 {
                        self.simple_key_allowed = true;
                    }
                }
                b'#' => self.skip_comment(),
                _ => break,
            }
        }
        if let Some(cut) = self.plain_cut_by_comment.take() {
            if self.flow_level == 0
                && self.mark.line == cut.line + 1
                && self.mark.col as isize > self.indent
                && self.peek() != 0
                && !self.at_document_indicator()
                && self.can_continue_plain(false)
            {
                return err(cut, "a comment cannot interrupt a value that goes on over several lines");
            }
        }
        Ok(())
    }

    /// Whether the char here can go on in a plain scalar.
    fn can_continue_plain(&self, in_flow: bool) -> bool {
        let c = self.peek();
        let next = self.at(1);
        match c {
            b':' if is_blankz(next) || (in_flow && is_flow(next)) => false,
            _ if self.is_bom() => false,
            _ => !(in_flow && is_flow(c)),
        }
    }

    // ---- the token queue ----

    /// The next token, or `None` after the stream end was handed out.
    pub fn next_token(&mut self) -> Result<Option<Token>> {
        if self.done {
            return Ok(None);
        }
        self.fetch_more_tokens()?;
        let token = self.tokens.pop_front();
        if let Some(t) = &token {
            self.taken += 1;
            self.done = t.tok == Tok::StreamEnd;
        }
        Ok(token)
    }

    /// Scans until the first queued token can no longer become a key's value: a simple key that
    /// is still possible may need a `Key` token inserted before it.
    fn fetch_more_tokens(&mut self) -> Result<()> {
        loop {
            if !self.tokens.is_empty() {
                self.stale_simple_keys()?;
                let waiting = self.simple_keys.iter().any(|k| k.possible && k.token == self.taken);
                if !waiting {
                    return Ok(());
                }
            }
            self.fetch_next_token()?;
        }
    }

    /// In block context a simple key must fit on one line and in 1024 chars.
    fn stale_simple_keys(&mut self) -> Result<()> {
        let (mark, block) = (self.mark, self.flow_level == 0);
        for key in &mut self.simple_keys {
            if key.possible && block && (key.mark.line < mark.line || key.mark.col + 1024 < mark.col) {
                if key.required {
                    return err(key.mark, MISSING_COLON);
                }
                key.possible = false;
            }
        }
        Ok(())
    }

    fn push(&mut self, tok: Tok, start: Mark, end: Mark) {
        self.tokens.push_back(Token { tok, start: start.pos, end: end.pos });
    }

    /// Puts a token `number` (counted from the stream start) into the queue.
    fn insert(&mut self, number: usize, tok: Tok, at: Mark) {
        let index = number.saturating_sub(self.taken).min(self.tokens.len());
        self.tokens.insert(index, Token { tok, start: at.pos, end: at.pos });
    }

    fn fetch_next_token(&mut self) -> Result<()> {
        if !self.started {
            self.started = true;
            self.simple_key_allowed = true;
            self.simple_keys.push(SimpleKey::default());
            return Ok(());
        }
        self.skip_to_next_token()?;
        self.stale_simple_keys()?;
        self.unroll_indent(self.mark.col as isize);

        let c = self.peek();
        if c == 0 {
            if self.mark.pos < self.text.len() {
                return err(self.mark, "a NUL character cannot appear in YAML text");
            }
            return self.fetch_stream_end();
        }
        if self.is_bom() {
            if self.mark.col == 0 && self.flow_level == 0 {
                self.unroll_indent(-1);
                self.remove_simple_key()?;
                let start = self.mark;
                self.mark.pos += 3;
                self.simple_key_allowed = true;
                self.push(Tok::Bom, start, self.mark);
                return Ok(());
            }
            return err(self.mark, "a byte order mark must not appear inside a document");
        }
        if self.mark.col == 0 {
            if c == b'%' {
                return self.fetch_directive();
            }
            if self.at_document_indicator() {
                let tok = if c == b'-' { Tok::DocumentStart } else { Tok::DocumentEnd };
                self.unroll_indent(-1);
                self.remove_simple_key()?;
                self.simple_key_allowed = false;
                let start = self.mark;
                for _ in 0..3 {
                    self.bump_content();
                }
                self.push(tok, start, self.mark);
                if c == b'.' {
                    self.skip_blanks_to_eol(true)?;
                    if !is_breakz(self.peek()) {
                        return err(self.mark, "only a comment may follow `...` on its line");
                    }
                }
                return Ok(());
            }
        }
        if (self.mark.col as isize) < self.indent {
            return err(self.mark, "invalid indentation");
        }
        let next = self.at(1);
        let in_flow = self.flow_level > 0;
        match c {
            b'[' | b'{' => self.fetch_flow_start(c == b'{'),
            b']' | b'}' => self.fetch_flow_end(c == b'}'),
            b',' => self.fetch_flow_entry(),
            b'-' if is_blankz(next) => self.fetch_block_entry(),
            b'?' if is_blankz(next) => self.fetch_key(),
            b':' if is_blankz(next) => self.fetch_value(),
            b':' if in_flow && (is_flow(next) || self.mark.pos == self.adjacent_value_at) => {
                if self.mark.pos != self.adjacent_value_at && (next == b'[' || next == b'{') {
                    return err(self.mark, "':' may not precede any of `[{` in flow mapping");
                }
                self.fetch_value()
            }
            b'*' | b'&' => self.fetch_anchor(c == b'*'),
            b'!' => self.fetch_tag(),
            b'|' | b'>' if !in_flow => self.fetch_block_scalar(c == b'|'),
            b'\'' | b'"' => self.fetch_quoted(c == b'\''),
            b':' | b'?' if in_flow => self.fetch_plain(),
            b'%' | b'@' | b'`' => {
                err(self.mark, "unexpected character: a plain value cannot start with `%`, `@` or `` ` ``")
            }
            _ => self.fetch_plain(),
        }
    }

    /// A directive line. `%YAML 1.x` and reserved directives change nothing for us (YAML 1.1
    /// and 1.2 read alike through our core schema); `%TAG` is refused, as it would redefine what
    /// tags mean and no Consul or Kubernetes file uses it.
    fn fetch_directive(&mut self) -> Result<()> {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.bump_content();
        let name_start = self.mark.pos;
        while !is_blankz(self.peek()) && !self.is_bom() {
            self.bump_content();
        }
        let name = self.slice(name_start, self.mark.pos);
        if name.is_empty() || !is_blankz(self.peek()) {
            return err(start, "a directive needs a name after `%`");
        }
        let yaml = name == "YAML";
        if name == "TAG" {
            return err(start, "meshgate does not read `%TAG` directives; write tags in full (`!!str`, `!<tag:...>`)");
        }
        if yaml {
            while is_blank(self.peek()) {
                self.bump();
            }
            for part in 0..2 {
                let digits = self.mark.pos;
                while self.peek().is_ascii_digit() {
                    self.bump_content();
                }
                let length = self.mark.pos - digits;
                if length == 0 || length > 9 {
                    return err(start, "`%YAML` needs a version such as `1.2`");
                }
                if part == 0 {
                    if self.peek() != b'.' {
                        return err(start, "`%YAML` needs a version such as `1.2`");
                    }
                    self.bump_content();
                }
            }
        } else {
            // A reserved directive: its parameters are words, to the end of the line.
            while is_blank(self.peek()) {
                while is_blank(self.peek()) {
                    self.bump();
                }
                while !is_blankz(self.peek()) && !self.is_bom() {
                    self.bump_content();
                }
            }
        }
        let end = self.mark;
        self.skip_blanks_to_eol(true)?;
        if !is_breakz(self.peek()) {
            return err(start, "only a comment may follow a directive on its line");
        }
        if is_break(self.peek()) {
            self.bump_break();
        }
        self.push(Tok::Directive(yaml), start, end);
        Ok(())
    }

    fn fetch_stream_end(&mut self) -> Result<()> {
        if self.mark.col != 0 {
            self.mark.col = 0;
            self.mark.line += 1;
        }
        let mark = self.mark;
        for key in &mut self.simple_keys {
            if key.required && key.possible {
                return err(key.mark, MISSING_COLON);
            }
            key.possible = false;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        self.push(Tok::StreamEnd, mark, mark);
        Ok(())
    }

    // ---- indentation and simple keys ----

    /// Opens a block collection at column `col` if that is deeper than the current one; the
    /// start token goes before token `number` if given (a key found after the fact).
    fn roll_indent(&mut self, col: usize, number: Option<usize>, tok: Tok, at: Mark) {
        if self.flow_level > 0 {
            return;
        }
        let col = col as isize;
        if self.indent <= col {
            if let Some(last) = self.indents.last() {
                if !last.needs_block_end {
                    self.indent = last.indent;
                    self.indents.pop();
                }
            }
        }
        if self.indent < col {
            self.indents.push(Indent { indent: self.indent, needs_block_end: true });
            self.indent = col;
            match number {
                Some(n) => self.insert(n, tok, at),
                None => self.push(tok, at, at),
            }
        }
    }

    /// Closes every block collection deeper than `col`.
    fn unroll_indent(&mut self, col: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > col {
            let Some(last) = self.indents.pop() else { break };
            self.indent = last.indent;
            if last.needs_block_end {
                self.push(Tok::BlockEnd, self.mark, self.mark);
            }
        }
    }

    fn roll_one_col_indent(&mut self) {
        if self.flow_level == 0 && self.indents.last().is_some_and(|i| i.needs_block_end) {
            self.indents.push(Indent { indent: self.indent, needs_block_end: false });
            self.indent += 1;
        }
    }

    fn unroll_one_col_indents(&mut self) {
        while let Some(last) = self.indents.last() {
            if last.needs_block_end {
                break;
            }
            self.indent = last.indent;
            self.indents.pop();
        }
    }

    fn save_simple_key(&mut self) {
        if !self.simple_key_allowed {
            return;
        }
        let required = self.flow_level == 0
            && self.indent == self.mark.col as isize
            && self.indents.last().is_some_and(|i| i.needs_block_end);
        let key = SimpleKey { possible: true, required, token: self.taken + self.tokens.len(), mark: self.mark };
        if let Some(last) = self.simple_keys.last_mut() {
            *last = key;
        }
    }

    fn remove_simple_key(&mut self) -> Result<()> {
        // There is always one slot per flow level plus the block level's.
        let Some(last) = self.simple_keys.last_mut() else { return Ok(()) };
        if last.possible && last.required {
            return err(last.mark, MISSING_COLON);
        }
        last.possible = false;
        Ok(())
    }

    // ---- indicators ----

    fn fetch_flow_start(&mut self, mapping: bool) -> Result<()> {
        self.save_simple_key();
        self.roll_one_col_indent();
        if self.flow_level >= MAX_FLOW_DEPTH {
            return err(self.mark, TOO_DEEP);
        }
        self.simple_keys.push(SimpleKey::default());
        self.flow_level += 1;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.bump_content();
        self.mapping_started.push(mapping);
        self.implicit.push(if mapping { Implicit::Never } else { Implicit::Possible });
        self.skip_blanks_to_eol(true)?;
        let tok = if mapping { Tok::FlowMappingStart } else { Tok::FlowSequenceStart };
        self.push(tok, start, self.mark);
        Ok(())
    }

    fn fetch_flow_end(&mut self, mapping: bool) -> Result<()> {
        if self.flow_level == 0 {
            return err(self.mark, "this closing bracket has no opening one");
        }
        self.remove_simple_key()?;
        self.flow_level -= 1;
        self.simple_keys.pop();
        self.simple_key_allowed = false;
        if !mapping {
            self.end_implicit_mapping(self.mark);
        }
        self.implicit.pop();
        self.mapping_started.pop();
        let start = self.mark;
        self.bump_content();
        self.skip_blanks_to_eol(true)?;
        if self.flow_level > 0 {
            self.adjacent_value_at = self.mark.pos;
        }
        let tok = if mapping { Tok::FlowMappingEnd } else { Tok::FlowSequenceEnd };
        self.push(tok, start, self.mark);
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> Result<()> {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        self.end_implicit_mapping(self.mark);
        let start = self.mark;
        self.bump_content();
        self.skip_blanks_to_eol(true)?;
        self.push(Tok::FlowEntry, start, self.mark);
        Ok(())
    }

    fn end_implicit_mapping(&mut self, at: Mark) {
        if let (Some(state), Some(started)) = (self.implicit.last_mut(), self.mapping_started.last_mut()) {
            if *state == Implicit::Inside {
                *started = false;
                *state = Implicit::Possible;
                self.push(Tok::FlowMappingEnd, at, at);
            }
        }
    }

    fn fetch_block_entry(&mut self) -> Result<()> {
        if self.flow_level > 0 {
            return err(self.mark, "a `- ` list entry cannot appear inside `[...]` or `{...}`");
        }
        if !self.simple_key_allowed {
            return err(self.mark, "a `- ` list entry cannot start here; put it on its own line");
        }
        if let Some(last) = self.tokens.back() {
            if matches!(last.tok, Tok::Anchor(_) | Tok::Tag(..))
                && self.mark.col == 0
                && self.line_start(last.start)
                && self.indent > -1
            {
                return Err(Error { pos: last.start, message: "invalid indentation for anchor" });
            }
        }
        let mark = self.mark;
        self.bump_content();
        self.roll_indent(mark.col, None, Tok::BlockSequenceStart, mark);
        let (tab, _) = self.skip_blanks_to_eol(true)?;
        if tab && self.peek() == b'-' && is_blankz(self.at(1)) {
            return err(self.mark, "`-` must be followed by a space, not a tab");
        }
        if is_break(self.peek()) || is_flow(self.peek()) {
            self.roll_one_col_indent();
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        self.push(Tok::BlockEntry, self.mark, self.mark);
        Ok(())
    }

    /// Whether byte `pos` is at column 0.
    fn line_start(&self, pos: usize) -> bool {
        pos == 0 || self.text.get(pos - 1).is_some_and(|&c| is_break(c))
    }

    fn fetch_key(&mut self) -> Result<()> {
        let start = self.mark;
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                return err(self.mark, "a `? ` key cannot start here; put it on its own line");
            }
            self.roll_indent(start.col, None, Tok::BlockMappingStart, start);
        } else if let Some(started) = self.mapping_started.last_mut() {
            *started = true;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        self.bump_content();
        // At least one space, line break or comment must follow.
        let mut separated = false;
        loop {
            match self.peek() {
                b' ' => self.bump(),
                b'\n' | b'\r' => {
                    self.bump_break();
                    if self.flow_level == 0 {
                        self.simple_key_allowed = true;
                    }
                }
                b'#' => {
                    self.skip_comment();
                    continue;
                }
                _ => break,
            }
            separated = true;
        }
        if !separated {
            return err(self.mark, "`?` must be followed by a space or a line break");
        }
        if self.peek() == b'\t' {
            return err(self.mark, "a tab cannot follow `?` here; use spaces");
        }
        self.push(Tok::Key, start, self.mark);
        Ok(())
    }

    fn fetch_value(&mut self) -> Result<()> {
        let key = self.simple_keys.last().copied().unwrap_or_default();
        let start = self.mark;
        let implicit_mapping = match (self.implicit.last_mut(), self.mapping_started.last()) {
            (Some(state), Some(false)) if *state != Implicit::Never => {
                *state = Implicit::Inside;
                true
            }
            _ => false,
        };
        self.bump_content();
        if self.peek() == b'\t' {
            let (_, space) = self.skip_blanks_to_eol(true)?;
            if !space && (self.peek() == b'-' || is_word(self.peek()) || self.peek() == b'_') {
                return err(self.mark, "`:` must be followed by a space, not a tab");
            }
        }
        if key.possible {
            self.insert(key.token, Tok::Key, key.mark);
            if implicit_mapping {
                if key.mark.line < start.line {
                    return err(start, "inside `[...]`, a key's `:` must be on the same line as the key");
                }
                self.insert(key.token, Tok::FlowMappingStart, key.mark);
            }
            self.roll_indent(key.mark.col, Some(key.token), Tok::BlockMappingStart, key.mark);
            self.roll_one_col_indent();
            if let Some(last) = self.simple_keys.last_mut() {
                last.possible = false;
            }
            self.simple_key_allowed = false;
        } else {
            if implicit_mapping {
                self.push(Tok::FlowMappingStart, start, start);
            }
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    return err(start, "mapping values are not allowed in this context");
                }
                self.roll_indent(start.col, None, Tok::BlockMappingStart, start);
            }
            self.roll_one_col_indent();
            self.simple_key_allowed = self.flow_level == 0;
        }
        self.push(Tok::Value, start, start);
        Ok(())
    }

    // ---- node properties ----

    fn fetch_anchor(&mut self, alias: bool) -> Result<()> {
        self.save_simple_key();
        self.simple_key_allowed = false;
        let start = self.mark;
        self.bump_content();
        let name_start = self.mark.pos;
        while !is_blankz(self.peek()) && !is_flow(self.peek()) && !self.is_bom() {
            self.bump_content();
        }
        if self.mark.pos == name_start {
            return err(
                start,
                "`&` and `*` must be followed by an anchor name (quote a value that starts with `&` or `*`)",
            );
        }
        let name = self.slice(name_start, self.mark.pos).to_owned();
        self.push(if alias { Tok::Alias(name) } else { Tok::Anchor(name) }, start, self.mark);
        Ok(())
    }

    fn fetch_tag(&mut self) -> Result<()> {
        self.save_simple_key();
        self.simple_key_allowed = false;
        let start = self.mark;
        let (handle, suffix) = if self.at(1) == b'<' {
            self.bump_content();
            self.bump_content();
            let suffix = self.uri_chars(start, is_uri)?;
            if self.peek() != b'>' {
                return err(start, "a verbatim tag `!<...>` is missing its `>`");
            }
            self.bump_content();
            (String::new(), suffix)
        } else {
            // `!`, `!!` or `!word!`, then the suffix.
            self.bump_content();
            let word_start = self.mark.pos;
            while is_word(self.peek()) || self.peek() == b'_' {
                self.bump_content();
            }
            if self.peek() == b'!' {
                self.bump_content();
                if self.mark.pos - word_start > 1 {
                    // `!name!suffix` needs a `%TAG` directive, which meshgate does not read.
                    return err(start, "meshgate does not read tag handles declared with `%TAG` (`!name!`)");
                }
                let suffix = self.uri_chars(start, is_tag_char)?;
                if suffix.is_empty() {
                    return err(start, "`!!` must be followed by a tag name, such as `!!str`");
                }
                ("tag:yaml.org,2002:".to_owned(), suffix)
            } else {
                // `!local`: the word read so far starts the suffix.
                let mut suffix = self.slice(word_start, self.mark.pos).to_owned();
                suffix.push_str(&self.uri_chars(start, is_tag_char)?);
                if suffix.is_empty() {
                    (String::new(), "!".to_owned())
                } else {
                    ("!".to_owned(), suffix)
                }
            }
        };
        if !(is_blankz(self.peek()) || (self.flow_level > 0 && is_flow(self.peek()))) {
            return err(start, "a tag must be followed by a space or a line break");
        }
        self.push(Tok::Tag(handle, suffix), start, self.mark);
        Ok(())
    }

    /// Tag chars, with `%XX` escapes decoded (as UTF-8).
    fn uri_chars(&mut self, start: Mark, allowed: fn(u8) -> bool) -> Result<String> {
        let mut bytes = Vec::new();
        while allowed(self.peek()) {
            if self.peek() == b'%' {
                let (Some(high), Some(low)) = (hex(self.at(1)), hex(self.at(2))) else {
                    return err(start, "a `%` in a tag must start an escape of two hex digits");
                };
                bytes.push((high * 16 + low) as u8);
                for _ in 0..3 {
                    self.bump_content();
                }
            } else {
                bytes.push(self.peek());
                self.bump_content();
            }
        }
        String::from_utf8(bytes).or_else(|_| err(start, "the `%` escapes of this tag are not UTF-8"))
    }

    // ---- scalars ----

    fn fetch_plain(&mut self) -> Result<()> {
        self.save_simple_key();
        self.simple_key_allowed = false;
        let token = self.scan_plain()?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn scan_plain(&mut self) -> Result<Token> {
        self.unroll_one_col_indents();
        let indent = self.indent + 1;
        let start = self.mark;
        let in_flow = self.flow_level > 0;
        if in_flow && (start.col as isize) < indent {
            return err(
                start,
                "this line of a `[...]` or `{...}` value must be indented more than the key it belongs to",
            );
        }
        let mut text = String::new();
        let mut whitespace = String::new();
        // Line breaks folded so far: the first one becomes a space unless more follow.
        let mut breaks = 0usize;
        let mut end = self.mark;
        loop {
            if self.at_document_indicator() || self.peek() == b'#' {
                if self.peek() == b'#' && !text.is_empty() && !whitespace.is_empty() && !in_flow {
                    self.plain_cut_by_comment = Some(self.mark);
                }
                break;
            }
            if in_flow && self.peek() == b'-' && is_flow(self.at(1)) {
                return err(
                    self.mark,
                    "inside `[...]` or `{...}`, a `-` before `,`, `[`, `]`, `{` or `}` must be quoted",
                );
            }
            if !is_blankz(self.peek()) && self.can_continue_plain(in_flow) {
                if self.leading_whitespace {
                    match breaks {
                        0 => {}
                        1 => text.push(' '),
                        n => text.extend(std::iter::repeat_n('\n', n - 1)),
                    }
                    breaks = 0;
                    self.leading_whitespace = false;
                } else {
                    text.push_str(&whitespace);
                }
                whitespace.clear();
                let run = self.mark.pos;
                self.bump_content();
                while !is_blankz(self.peek()) && self.can_continue_plain(in_flow) {
                    self.bump_content();
                }
                text.push_str(self.slice(run, self.mark.pos));
                end = self.mark;
            }
            if !is_blank(self.peek()) && !is_break(self.peek()) {
                break;
            }
            while is_blank(self.peek()) || is_break(self.peek()) {
                if is_blank(self.peek()) {
                    if !self.leading_whitespace {
                        whitespace.push(self.peek() as char);
                        self.bump();
                    } else if (self.mark.col as isize) < indent && self.peek() == b'\t' {
                        self.skip_blanks_to_eol(true)?;
                        if !is_breakz(self.peek()) {
                            return err(start, "a tab cannot indent the next line of a value");
                        }
                    } else {
                        self.bump();
                    }
                } else {
                    if !self.leading_whitespace {
                        whitespace.clear();
                    }
                    breaks += 1;
                    self.bump_break();
                }
            }
            if !in_flow && (self.mark.col as isize) < indent {
                break;
            }
        }
        if self.leading_whitespace {
            self.simple_key_allowed = true;
        }
        if text.is_empty() {
            return err(start, "expected a value here");
        }
        Ok(Token { tok: Tok::Scalar(text, Style::Plain), start: start.pos, end: end.pos })
    }

    fn fetch_quoted(&mut self, single: bool) -> Result<()> {
        self.save_simple_key();
        self.simple_key_allowed = false;
        let token = self.scan_quoted(single)?;
        self.skip_to_next_token()?;
        self.adjacent_value_at = self.mark.pos;
        self.tokens.push_back(token);
        Ok(())
    }

    fn scan_quoted(&mut self, single: bool) -> Result<Token> {
        let start = self.mark;
        let quote = if single { b'\'' } else { b'"' };
        let mut text = String::new();
        let mut whitespace = String::new();
        self.bump_content();
        loop {
            if self.at_document_indicator() {
                return err(start, "a quoted value is not closed before the `---` or `...` line");
            }
            if self.peek() == 0 {
                return err(start, "a quoted value is not closed: its closing quote is missing");
            }
            if (self.mark.col as isize) < self.indent {
                return err(start, "the next line of a quoted value must be indented more than its key");
            }
            // Blanks after content are kept only if more content follows on the same line.
            // After a line break they are indentation; the first break folds into a space
            // unless more follow, and after an escaped break every break counts.
            let mut leading_blanks = false;
            let mut leading_break = false;
            let mut trailing = 0usize;
            while !is_blankz(self.peek()) {
                let c = self.peek();
                if single && c == b'\'' && self.at(1) == b'\'' {
                    text.push('\'');
                    self.bump_content();
                    self.bump_content();
                } else if c == quote {
                    break;
                } else if !single && c == b'\\' && is_break(self.at(1)) {
                    self.bump_content();
                    self.bump_break();
                    leading_blanks = true;
                    break;
                } else if !single && c == b'\\' {
                    text.push(self.escape(start)?);
                } else {
                    let run = self.mark.pos;
                    self.bump_content();
                    text.push_str(self.slice(run, self.mark.pos));
                }
            }
            if self.peek() == quote {
                break;
            }
            while is_blank(self.peek()) || is_break(self.peek()) {
                if is_blank(self.peek()) {
                    if leading_blanks {
                        if self.peek() == b'\t' && (self.mark.col as isize) < self.indent {
                            return err(self.mark, "a tab cannot indent the next line of a quoted value");
                        }
                    } else {
                        whitespace.push(self.peek() as char);
                    }
                    self.bump();
                } else {
                    if leading_blanks {
                        trailing += 1;
                    } else {
                        whitespace.clear();
                        leading_blanks = true;
                        leading_break = true;
                    }
                    self.bump_break();
                }
            }
            if !leading_blanks {
                text.push_str(&whitespace);
            } else if leading_break && trailing == 0 {
                text.push(' ');
            } else {
                text.extend(std::iter::repeat_n('\n', trailing));
            }
            whitespace.clear();
        }
        self.bump_content();
        self.skip_blanks_to_eol(true)?;
        let ok = match self.peek() {
            b',' | b'}' | b']' if self.flow_level > 0 => true,
            c if is_breakz(c) => true,
            b':' => self.flow_level > 0 || start.line == self.mark.line,
            _ => false,
        };
        if !ok {
            return err(self.mark, "unexpected text after the closing quote");
        }
        let style = if single { Style::SingleQuoted } else { Style::DoubleQuoted };
        Ok(Token { tok: Tok::Scalar(text, style), start: start.pos, end: self.mark.pos })
    }

    /// A `\` escape in a double-quoted scalar (YAML 1.2, 5.7).
    fn escape(&mut self, start: Mark) -> Result<char> {
        let simple = match self.at(1) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' | b'\t' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' | b'u' | b'U' => '\0',
            _ => return err(start, "unknown `\\` escape in a double-quoted value (write `\\\\` for a backslash)"),
        };
        let digits = match self.at(1) {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => 0,
        };
        self.bump_content();
        self.bump_content();
        if digits == 0 {
            return Ok(simple);
        }
        let mut code = 0u32;
        for _ in 0..digits {
            let Some(d) = hex(self.peek()) else {
                return err(start, "`\\x`, `\\u` and `\\U` escapes need 2, 4 and 8 hex digits");
            };
            code = code.wrapping_mul(16).wrapping_add(d);
            self.bump_content();
        }
        char::from_u32(code).map_or_else(|| err(start, "this escape is not a Unicode character"), Ok)
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> Result<()> {
        self.save_simple_key();
        self.simple_key_allowed = true;
        let token = self.scan_block_scalar(literal)?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn scan_block_scalar(&mut self, literal: bool) -> Result<Token> {
        let start = self.mark;
        self.bump_content();
        self.unroll_one_col_indents();
        // Header: chomping (`+` keep, `-` strip) and indentation indicator, in either order.
        let mut keep = false;
        let mut strip = false;
        let mut increment = 0usize;
        for _ in 0..2 {
            match self.peek() {
                b'+' | b'-' if !keep && !strip => {
                    keep = self.peek() == b'+';
                    strip = !keep;
                    self.bump_content();
                }
                b'0' if increment == 0 => return err(start, "the indentation indicator of `|` or `>` must be 1 to 9"),
                c @ b'1'..=b'9' if increment == 0 => {
                    increment = usize::from(c - b'0');
                    self.bump_content();
                }
                _ => break,
            }
        }
        self.skip_blanks_to_eol(true)?;
        if !is_breakz(self.peek()) {
            return err(start, "only a comment may follow `|` or `>` (with `+`, `-` or a digit) on its line");
        }
        if is_break(self.peek()) {
            self.bump_break();
        }
        if self.peek() == b'\t' {
            return err(start, "the text under `|` or `>` cannot start with a tab");
        }
        let mut trailing = 0usize;
        let mut indent = match increment {
            0 => 0,
            _ if self.indent >= 0 => self.indent as usize + increment,
            _ => increment,
        };
        if indent == 0 {
            // Auto-detected: the deepest indentation of the leading empty lines or the first
            // content line, and never at or left of the parent's.
            let mut max = 0;
            loop {
                while self.peek() == b' ' {
                    self.bump();
                }
                max = max.max(self.mark.col);
                if !is_break(self.peek()) {
                    break;
                }
                self.bump_break();
                trailing += 1;
            }
            indent = max.max((self.indent + 1) as usize);
            if self.indent > 0 {
                indent = indent.max(1);
            }
        } else {
            trailing += self.skip_block_indent(indent);
        }
        let newlines = |n: usize| std::iter::repeat_n('\n', n);
        if self.peek() == 0 {
            let mut text = String::new();
            if keep {
                if trailing == 0 && self.mark.line > start.line && self.mark.col > 0 {
                    text.push('\n');
                } else {
                    text.extend(newlines(trailing));
                }
            }
            let style = if literal { Style::Literal } else { Style::Folded };
            return Ok(Token { tok: Tok::Scalar(text, style), start: start.pos, end: self.mark.pos });
        }
        if self.mark.col < indent && (self.mark.col as isize) > self.indent {
            return err(self.mark, "this line of a `|` or `>` text is indented less than its first line");
        }
        let content_start = self.mark;
        let mut text = String::new();
        // The break that ended the previous content line (at most one).
        let mut leading_break = false;
        let mut leading_blank = false;
        while self.mark.col == indent && !is_breakz(self.peek()) && !self.is_bom() {
            if indent == 0 && self.at_document_indicator() {
                break;
            }
            let trailing_blank = is_blank(self.peek());
            if !literal && leading_break && !leading_blank && !trailing_blank {
                // Folding: a single break between two lines of text becomes a space.
                if trailing == 0 {
                    text.push(' ');
                }
                text.extend(newlines(trailing));
            } else {
                if leading_break {
                    text.push('\n');
                }
                text.extend(newlines(trailing));
            }
            leading_break = false;
            trailing = 0;
            leading_blank = is_blank(self.peek());
            let run = self.mark.pos;
            while !is_breakz(self.peek()) && !self.is_bom() {
                self.bump_content();
            }
            text.push_str(self.slice(run, self.mark.pos));
            if !is_break(self.peek()) {
                break;
            }
            self.bump_break();
            leading_break = true;
            trailing += self.skip_block_indent(indent);
        }
        if !strip {
            if leading_break {
                text.push('\n');
            }
            if self.peek() == 0 && self.mark.col >= indent.max(1) {
                text.push('\n');
            }
        }
        if keep {
            text.extend(newlines(trailing));
        }
        let style = if literal { Style::Literal } else { Style::Folded };
        Ok(Token { tok: Tok::Scalar(text, style), start: content_start.pos, end: self.mark.pos })
    }

    /// Indentation up to `indent` and the empty lines after a block scalar's content line;
    /// returns how many line breaks it passed.
    fn skip_block_indent(&mut self, indent: usize) -> usize {
        let mut breaks = 0;
        loop {
            while self.mark.col < indent && self.peek() == b' ' {
                self.bump();
            }
            if !is_break(self.peek()) {
                return breaks;
            }
            self.bump_break();
            breaks += 1;
        }
    }
}
