//! The pattern parser: RE2 syntax as regex-lite 0.1 reads it (see the module docs of `re2` for
//! the few deliberate differences), into a small tree. Recursion is bounded: a group deeper than
//! [`NEST_LIMIT`] is refused before the parser recurses into it, and every tree node records its
//! height so that stacked repetitions (`a****…`) cannot build a tree too deep to walk or drop.

/// How deep groups, repetitions and sequences may nest (regex-lite's default, so the same
/// patterns are refused).
pub(super) const NEST_LIMIT: u32 = 50;

/// Height at which the parser gives up at once, whatever later syntax might simplify away: keeps
/// every recursive walk over the tree (and its drop) shallow.
const HARD_HEIGHT: u32 = 4 * NEST_LIMIT;

/// At most this many named groups: names play no part in matching, and the limit bounds the
/// duplicate check (regex-lite has none).
const MAX_NAMES: usize = 1000;

/// A zero-width assertion.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    /// `\A`, or `^` without the `m` flag.
    Start,
    /// `\z`, or `$` without the `m` flag.
    End,
    /// `^` with `m`: start of text or after `\n`.
    StartLine,
    /// `$` with `m`: end of text or before `\n`.
    EndLine,
    /// `^` with `m` and `R`: also after a `\r` not followed by `\n`.
    StartCrlf,
    /// `$` with `m` and `R`: also before a `\n` not preceded by `\r`.
    EndCrlf,
    /// `\b`
    Word,
    /// `\B`
    NotWord,
    /// `\<`, `\b{start}`
    WordStart,
    /// `\>`, `\b{end}`
    WordEnd,
    /// `\b{start-half}`
    WordStartHalf,
    /// `\b{end-half}`
    WordEndHalf,
}

impl Look {
    /// Whether the assertion holds between `before` and `after` (`None` at either end of the text).
    pub(super) fn holds(self, before: Option<char>, after: Option<char>) -> bool {
        let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let (wb, wa) = (word(before), word(after));
        match self {
            Look::Start => before.is_none(),
            Look::End => after.is_none(),
            Look::StartLine => matches!(before, None | Some('\n')),
            Look::EndLine => matches!(after, None | Some('\n')),
            Look::StartCrlf => match before {
                None | Some('\n') => true,
                Some('\r') => after != Some('\n'),
                _ => false,
            },
            Look::EndCrlf => match after {
                None | Some('\r') => true,
                Some('\n') => before != Some('\r'),
                _ => false,
            },
            Look::Word => wb != wa,
            Look::NotWord => wb == wa,
            Look::WordStart => !wb && wa,
            Look::WordEnd => wb && !wa,
            Look::WordStartHalf => !wb,
            Look::WordEndHalf => !wa,
        }
    }
}

/// The parsed pattern. Groups disappear except capturing ones, which stay only because they
/// count towards the nesting limit as they do in regex-lite.
pub(super) enum Node {
    Empty,
    Char(char),
    /// Indexes `start..end` into the parser's table of sorted, disjoint ranges.
    Class(u32, u32),
    Look(Look),
    Repeat {
        min: u32,
        max: Option<u32>,
        sub: Box<Node>,
        height: u32,
    },
    Group(Box<Node>, u32),
    Concat(Vec<Node>, u32),
    Alt(Vec<Node>, u32),
}

impl Node {
    pub(super) fn height(&self) -> u32 {
        match self {
            Node::Repeat { height, .. } | Node::Group(_, height) | Node::Concat(_, height) | Node::Alt(_, height) => {
                *height
            }
            _ => 0,
        }
    }

    fn above<'a>(subs: impl Iterator<Item = &'a Node>) -> u32 {
        subs.map(Node::height).max().unwrap_or(0).saturating_add(1)
    }

    pub(super) fn concat(mut subs: Vec<Node>) -> Node {
        match subs.len() {
            0 => Node::Empty,
            1 => subs.pop().unwrap_or(Node::Empty),
            _ => {
                let h = Node::above(subs.iter());
                Node::Concat(subs, h)
            }
        }
    }

    fn alt(mut subs: Vec<Node>) -> Node {
        if subs.len() == 1 {
            return subs.pop().unwrap_or(Node::Empty);
        }
        let h = Node::above(subs.iter());
        Node::Alt(subs, h)
    }

    fn repeat(min: u32, max: Option<u32>, sub: Node) -> Node {
        match (min, max) {
            (0, Some(0)) => Node::Empty,
            (1, Some(1)) => sub,
            _ => Node::Repeat { min, max, height: sub.height().saturating_add(1), sub: Box::new(sub) },
        }
    }

    /// Whether every match must start at the start of the text (lets the matcher stop early).
    pub(super) fn anchored_start(&self) -> bool {
        match self {
            Node::Look(Look::Start) => true,
            Node::Repeat { min, sub, .. } => *min > 0 && sub.anchored_start(),
            Node::Group(sub, _) => sub.anchored_start(),
            Node::Concat(subs, _) => subs.first().is_some_and(Node::anchored_start),
            Node::Alt(subs, _) => subs.iter().all(Node::anchored_start),
            _ => false,
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Flags {
    i: bool,
    m: bool,
    s: bool,
    r: bool,
    x: bool,
}

pub(super) struct Parser<'a> {
    pattern: &'a str,
    pos: usize,
    flags: Flags,
    depth: u32,
    /// Group names so far, to refuse a duplicate (at most `MAX_NAMES`, which keeps that check's
    /// cost in bounds).
    names: Vec<&'a str>,
    pub(super) ranges: Vec<(u32, u32)>,
    /// Set when the pattern uses one of the documented differences from regex-lite, so the
    /// differential test knows not to compare.
    #[cfg(test)]
    pub(super) differs: bool,
}

type Result<T> = std::result::Result<T, String>;

const ASCII_CLASSES: &[(&str, &[(u8, u8)])] = &[
    ("alnum", &[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z')]),
    ("alpha", &[(b'A', b'Z'), (b'a', b'z')]),
    ("ascii", &[(0, 0x7F)]),
    ("blank", &[(b'\t', b'\t'), (b' ', b' ')]),
    ("cntrl", &[(0, 0x1F), (0x7F, 0x7F)]),
    ("digit", &[(b'0', b'9')]),
    ("graph", &[(b'!', b'~')]),
    ("lower", &[(b'a', b'z')]),
    ("print", &[(b' ', b'~')]),
    ("punct", &[(b'!', b'/'), (b':', b'@'), (b'[', b'`'), (b'{', b'~')]),
    ("space", &[(b'\t', b'\r'), (b' ', b' ')]),
    ("upper", &[(b'A', b'Z')]),
    ("word", &[(b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'a', b'z')]),
    ("xdigit", &[(b'0', b'9'), (b'A', b'F'), (b'a', b'f')]),
];

fn ascii_class(name: &str) -> Option<Vec<(u32, u32)>> {
    let (_, ranges) = ASCII_CLASSES.iter().find(|(n, _)| *n == name)?;
    Some(ranges.iter().map(|&(a, b)| (u32::from(a), u32::from(b))).collect())
}

/// Sorts and merges overlapping or adjacent ranges.
fn canonical(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match out.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Adds the other case of every ASCII letter in `ranges` (RE2 and regex-lite fold ASCII only).
fn fold(ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    let mut out = ranges.clone();
    for &(a, b) in &ranges {
        for (lo, hi, shift) in [(0x61u32, 0x7Au32, -32i32), (0x41, 0x5A, 32)] {
            let (s, e) = (a.max(lo), b.min(hi));
            if s <= e {
                out.push((s.saturating_add_signed(shift), e.saturating_add_signed(shift)));
            }
        }
    }
    canonical(out)
}

/// Everything `ranges` (canonical) leaves out, up to U+10FFFF.
fn negate(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(ranges.len() + 1);
    let mut next = 0u32;
    for &(a, b) in ranges {
        if a > next {
            out.push((next, a - 1));
        }
        next = b.saturating_add(1);
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    out
}

/// Characters a `\` may precede to stand for themselves: ASCII punctuation, space and control
/// characters (every metacharacter among them), except `<` and `>`, which are word boundaries.
fn is_escapable(c: char) -> bool {
    c.is_ascii() && !c.is_ascii_alphanumeric() && c != '<' && c != '>'
}

/// A group name's character: a letter (digits and `.`, `[`, `]` after the first) or `_`, where a
/// letter is [`crate::syntax::is_letter`]'s: any non-ASCII character stands in (regex-lite takes
/// only Unicode letters and digits there; telling those apart takes the standard library's
/// Unicode tables, and a name plays no part in a match).
fn is_name_char(c: char, first: bool) -> bool {
    use crate::syntax::{is_letter, is_letter_or_digit};
    c == '_' || if first { is_letter(c) } else { matches!(c, '.' | '[' | ']') || is_letter_or_digit(c) }
}

/// What a class item (one character or escape inside `[...]`) parsed to.
enum Item {
    Char(char),
    Set(Vec<(u32, u32)>),
    /// An assertion (`\b`, `\A`, …): not allowed in a class.
    Look(Look),
}

// Error messages are templates filled by `Parser::fail`: `@` becomes a character offset, `%` a
// piece of the pattern. One formatting routine instead of one `format!` per message keeps the
// wasm small.
const UNCLOSED_GROUP: &str = "unclosed group: `(` at offset @ has no `)`";
const UNCLOSED_CLASS: &str = "unclosed character class: `[` at offset @ has no `]`";
const UNCLOSED_REPETITION: &str = "unclosed repetition: `{` at offset @ has no `}`";
const BAD_REPETITION: &str = "invalid repetition `%` at offset @: write `{n}`, `{n,}` or `{n,m}` with whole numbers";
const BAD_HEX: &str =
    "invalid escape `%` at offset @: expected hexadecimal digits, as in `\\x41`, `\\u0041` or `\\x{41}`";
const TOO_DEEP: &str = "too much nesting at offset @: groups and repetitions nest more than 50 levels deep";

impl<'a> Parser<'a> {
    pub(super) fn new(pattern: &'a str, ignore_case: bool) -> Parser<'a> {
        Parser {
            pattern,
            pos: 0,
            flags: Flags { i: ignore_case, ..Flags::default() },
            depth: 0,
            names: Vec::new(),
            ranges: Vec::new(),
            #[cfg(test)]
            differs: false,
        }
    }

    /// Parses the whole pattern.
    pub(super) fn parse(&mut self) -> Result<Node> {
        let node = self.parse_alt()?;
        if node.height() > NEST_LIMIT {
            return Err("too much nesting: groups and repetitions nest more than 50 levels deep".into());
        }
        Ok(node)
    }

    // ---- position helpers ----

    fn rest(&self) -> &'a str {
        self.pattern.get(self.pos..).unwrap_or("")
    }

    /// The pattern from `from` to the parser (and the current character with `and_cur`).
    fn text(&self, from: usize, and_cur: bool) -> &'a str {
        let to = self.pos + if and_cur { self.cur().map_or(0, char::len_utf8) } else { 0 };
        self.pattern.get(from..to).unwrap_or("")
    }

    fn cur(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn done(&self) -> bool {
        self.pos >= self.pattern.len()
    }

    /// The error `template` says, `@` replaced by the character offset of byte position `pos`
    /// and `%` by `arg`.
    #[inline]
    fn fail<T>(&self, pos: usize, template: &str, arg: &str) -> Result<T> {
        Err(self.message(pos, template, arg))
    }

    // Not generic, so that one copy serves every `fail::<T>`.
    #[inline(never)]
    fn message(&self, pos: usize, template: &str, arg: &str) -> String {
        let offset = self.pattern.get(..pos).map_or(pos, |s| s.chars().count()).to_string();
        let mut out = String::with_capacity(template.len() + arg.len());
        for c in template.chars() {
            match c {
                '@' => out.push_str(&offset),
                '%' => out.push_str(arg),
                c => out.push(c),
            }
        }
        out
    }

    /// Moves past the current character; false when that reaches the end of the pattern.
    fn bump(&mut self) -> bool {
        if let Some(c) = self.cur() {
            self.pos += c.len_utf8();
        }
        !self.done()
    }

    fn bump_if(&mut self, prefix: &str) -> bool {
        let hit = self.rest().starts_with(prefix);
        if hit {
            self.pos += prefix.len();
        }
        hit
    }

    /// With the `x` flag, skips whitespace and `#` comments (to the end of the line).
    fn skip_space(&mut self) {
        let mut comment = false;
        while let Some(c) = self.cur().filter(|_| self.flags.x) {
            if comment || c.is_whitespace() || c == '#' {
                comment = (comment || c == '#') && c != '\n';
                self.bump();
            } else {
                break;
            }
        }
    }

    /// `bump`, then `skip_space`; false at the end of the pattern.
    fn bump_space(&mut self) -> bool {
        self.bump();
        self.skip_space();
        !self.done()
    }

    /// The character after the current one, past whitespace with the `x` flag. As in regex-lite,
    /// it skips the `#` that opens a comment but not the comment's text; it only decides whether
    /// a `-` in a class makes a range.
    fn peek(&self, space: bool) -> Option<char> {
        let mut it = self.rest().chars();
        it.next();
        let after = it.as_str();
        if !(space && self.flags.x) {
            return after.chars().next();
        }
        let mut in_comment = false;
        for c in after.chars() {
            if c.is_whitespace() {
                continue;
            } else if !in_comment && c == '#' {
                in_comment = true;
            } else if in_comment && c == '\n' {
                in_comment = false;
            } else {
                return Some(c);
            }
        }
        after.chars().next()
    }

    fn table(&mut self, ranges: Vec<(u32, u32)>) -> Node {
        let start = self.ranges.len() as u32;
        self.ranges.extend(ranges);
        Node::Class(start, self.ranges.len() as u32)
    }

    /// A literal character, as a two-case class under the `i` flag when it is an ASCII letter.
    fn literal(&mut self, c: char) -> Node {
        if self.flags.i && c.is_ascii_alphabetic() {
            let set = fold(vec![(c as u32, c as u32)]);
            return self.table(set);
        }
        Node::Char(c)
    }

    fn bounded(&self, node: Node, pos: usize) -> Result<Node> {
        if node.height() > HARD_HEIGHT {
            return self.fail(pos, TOO_DEEP, "");
        }
        Ok(node)
    }

    // ---- grammar ----

    /// An alternation up to the end of the pattern or an unmatched `)`.
    fn parse_alt(&mut self) -> Result<Node> {
        let depth = self.depth;
        if depth > NEST_LIMIT {
            return self.fail(self.pos, TOO_DEEP, "");
        }
        self.depth += 1;
        let mut alts = Vec::new();
        let mut seq = Vec::new();
        loop {
            self.skip_space();
            let at = self.pos;
            let Some(c) = self.cur() else { break };
            match c {
                '(' => {
                    let saved = self.flags;
                    if let Some(sub) = self.parse_group()? {
                        seq.push(sub);
                        self.flags = saved;
                    }
                    if self.cur() != Some(')') {
                        return self.fail(at, UNCLOSED_GROUP, "");
                    }
                    self.bump();
                }
                ')' => {
                    if depth == 0 {
                        return self.fail(at, "unmatched `)` at offset @: no `(` opens it", "");
                    }
                    break;
                }
                '|' => {
                    alts.push(Node::concat(std::mem::take(&mut seq)));
                    self.bump();
                }
                '[' => {
                    let class = self.parse_class()?;
                    seq.push(class);
                }
                '?' | '*' | '+' | '{' => {
                    let Some(sub) = seq.pop() else {
                        return self.fail(at, "`%` at offset @ has nothing before it to repeat", self.text(at, true));
                    };
                    let (min, max) = if c == '{' {
                        self.parse_counts(at)?
                    } else {
                        self.bump();
                        if self.cur() == Some('?') {
                            self.bump();
                        }
                        (u32::from(c == '+'), if c == '?' { Some(1) } else { None })
                    };
                    let node = self.bounded(Node::repeat(min, max, sub), at)?;
                    seq.push(node);
                }
                _ => {
                    let node = self.parse_primitive()?;
                    seq.push(node);
                }
            }
        }
        self.depth -= 1;
        alts.push(Node::concat(seq));
        let node = Node::alt(alts);
        self.bounded(node, self.pos)
    }

    /// `{n}`, `{n,}` or `{n,m}` (and a lazy `?` after it), the parser at the `{`.
    fn parse_counts(&mut self, open: usize) -> Result<(u32, Option<u32>)> {
        if !self.bump_space() {
            return self.fail(open, UNCLOSED_REPETITION, "");
        }
        let min = self.parse_count(open)?;
        let mut max = Some(min);
        if self.cur() == Some(',') {
            if !self.bump_space() {
                return self.fail(open, UNCLOSED_REPETITION, "");
            }
            max = if self.cur() == Some('}') { None } else { Some(self.parse_count(open)?) };
        }
        if self.done() {
            return self.fail(open, UNCLOSED_REPETITION, "");
        }
        if self.cur() != Some('}') {
            return self.fail(open, BAD_REPETITION, self.text(open, true));
        }
        let text = self.text(open, true);
        if self.bump_space() && self.cur() == Some('?') {
            self.bump();
        }
        if max.is_some_and(|max| min > max) {
            return self.fail(open, "invalid repetition `%` at offset @: the minimum is above the maximum", text);
        }
        Ok((min, max))
    }

    /// A decimal count, with whitespace around it as regex-lite allows (even without `x`).
    fn parse_count(&mut self, open: usize) -> Result<u32> {
        while self.cur().is_some_and(char::is_whitespace) {
            self.bump();
        }
        let mut n: Option<u32> = Some(0);
        let mut digits = false;
        while let Some(d) = self.cur().filter(char::is_ascii_digit).and_then(|c| c.to_digit(10)) {
            n = n.and_then(|n| n.checked_mul(10)).and_then(|n| n.checked_add(d));
            digits = true;
            self.bump_space();
        }
        while self.cur().is_some_and(char::is_whitespace) {
            self.bump_space();
        }
        match n.filter(|_| digits) {
            Some(n) => Ok(n),
            None => self.fail(open, BAD_REPETITION, self.text(open, true)),
        }
    }

    /// What follows a `(`: a group, or a flag directive like `(?i)` (then `None`). Leaves the
    /// parser at the closing `)`, if there is one.
    fn parse_group(&mut self) -> Result<Option<Node>> {
        let open = self.pos;
        self.bump_space();
        for look in ["?=", "?!", "?<=", "?<!"] {
            if self.rest().starts_with(look) {
                return self.fail(
                    open,
                    "look-around `(%` at offset @ is not supported (RE2 has no look-ahead or look-behind)",
                    look,
                );
            }
        }
        if self.bump_if("?P<") || self.bump_if("?<") {
            self.parse_name(open)?;
        } else if self.bump_if("?") {
            if self.done() {
                return self.fail(open, UNCLOSED_GROUP, "");
            }
            let start = self.pos;
            self.parse_flags(open)?;
            if self.cur() == Some(')') {
                if self.pos == start {
                    return self.fail(open, "empty flag group `(?)` at offset @", "");
                }
                return Ok(None);
            }
            // parse_flags stops only at `)` or `:`.
            self.bump();
            return self.parse_alt().map(Some);
        }
        let sub = self.parse_alt()?;
        let h = sub.height().saturating_add(1);
        Ok(Some(Node::Group(Box::new(sub), h)))
    }

    /// A group name up to `>`, the parser just after the `<`.
    fn parse_name(&mut self, open: usize) -> Result<()> {
        let start = self.pos;
        loop {
            let Some(c) = self.cur() else {
                return self.fail(open, "unclosed group name: the group at offset @ has no `>` after its name", "");
            };
            if c == '>' {
                break;
            }
            #[cfg(test)]
            {
                self.differs |= !c.is_ascii();
            }
            if !is_name_char(c, self.pos == start) {
                return self.fail(
                    self.pos,
                    "invalid group name: `%` at offset @ (a name is letters, digits, `_`, `.`, `[` and `]`, \
                     and starts with a letter or `_`)",
                    self.text(self.pos, true),
                );
            }
            self.bump();
        }
        let name = self.text(start, false);
        self.bump();
        if name.is_empty() {
            return self.fail(open, "empty group name in the group at offset @", "");
        }
        if self.names.len() >= MAX_NAMES {
            return self.fail(
                open,
                "too many named groups (over 1000) at offset @: names play no part here, write `(?:...)` instead",
                "",
            );
        }
        if self.names.contains(&name) {
            return self.fail(open, "duplicate group name `%` at offset @", name);
        }
        self.names.push(name);
        Ok(())
    }

    /// Flags after `(?` up to `:` or `)`, applied to `self.flags`.
    fn parse_flags(&mut self, open: usize) -> Result<()> {
        let mut on = true;
        let start = self.pos;
        let mut last_minus = false;
        while let Some(c) = self.cur() {
            if c == ':' || c == ')' {
                break;
            }
            let flag = self.text(self.pos, true);
            last_minus = c == '-';
            if c == '-' {
                if !on {
                    return self.fail(self.pos, "second `-` at offset @: a flag group may clear flags only once", "");
                }
                on = false;
            } else {
                let f = &mut self.flags;
                match c {
                    'i' => f.i = on,
                    'm' => f.m = on,
                    's' => f.s = on,
                    'R' => f.r = on,
                    'x' => f.x = on,
                    // `U` swaps greedy and lazy, which cannot change whether there is a match;
                    // `u` (Unicode) is accepted and ignored, as regex-lite does.
                    'U' | 'u' => {}
                    _ => {
                        return self.fail(
                            self.pos,
                            "unknown flag `%` at offset @ (the flags are i, m, s, x, U and R)",
                            flag,
                        )
                    }
                }
                if self.text(start, false).contains(c) {
                    return self.fail(self.pos, "flag `%` at offset @ is given twice", flag);
                }
            }
            if !self.bump() {
                return self.fail(open, "unclosed flag group: `(?` at offset @ has no `)` or `:`", "");
            }
        }
        if last_minus {
            return self.fail(open, "flag group at offset @ ends with `-`: name the flags to clear after it", "");
        }
        Ok(())
    }

    fn parse_primitive(&mut self) -> Result<Node> {
        let at = self.pos;
        let Some(c) = self.cur() else { return Ok(Node::Empty) };
        self.bump();
        let f = self.flags;
        Ok(match c {
            '\\' => {
                return Ok(match self.parse_escape(at)? {
                    Item::Char(c) => self.literal(c),
                    Item::Set(set) => self.table(set),
                    Item::Look(look) => Node::Look(look),
                });
            }
            '.' => {
                let set = if f.s {
                    vec![(0, 0x10FFFF)]
                } else if f.r {
                    vec![(0, 9), (0xB, 0xC), (0xE, 0x10FFFF)]
                } else {
                    vec![(0, 9), (0xB, 0x10FFFF)]
                };
                self.table(set)
            }
            '^' if !f.m => Node::Look(Look::Start),
            '^' if !f.r => Node::Look(Look::StartLine),
            '^' => Node::Look(Look::StartCrlf),
            '$' if !f.m => Node::Look(Look::End),
            '$' if !f.r => Node::Look(Look::EndLine),
            '$' => Node::Look(Look::EndCrlf),
            c => self.literal(c),
        })
    }

    /// An escape, the parser just after the `\` at `at`.
    fn parse_escape(&mut self, at: usize) -> Result<Item> {
        let Some(c) = self.cur() else {
            return self.fail(at, "the pattern ends with a lone `\\` at offset @", "");
        };
        let esc = self.text(at, true);
        match c {
            '0'..='9' => {
                return self.fail(at, "backreference `%` at offset @ is not supported (RE2 has no backreferences)", esc)
            }
            'p' | 'P' => {
                return self.fail(
                    at,
                    "`%` at offset @: Unicode classes like \\pL are not supported; spell the characters out, \
                     e.g. [a-zA-Z]",
                    esc,
                );
            }
            'x' | 'u' | 'U' => return self.parse_hex(c, at).map(Item::Char),
            _ => {}
        }
        self.bump();
        let perl = match c.to_ascii_lowercase() {
            'd' => "digit",
            's' => "space",
            'w' => "word",
            _ => "",
        };
        if let Some(set) = ascii_class(perl) {
            return Ok(Item::Set(if c.is_ascii_uppercase() { negate(&set) } else { set }));
        }
        if is_escapable(c) {
            return Ok(Item::Char(c));
        }
        let control = match c {
            'a' => '\x07',
            'f' => '\x0C',
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'v' => '\x0B',
            _ => '\0',
        };
        if control != '\0' {
            return Ok(Item::Char(control));
        }
        Ok(Item::Look(match c {
            'A' => Look::Start,
            'z' => Look::End,
            'B' => Look::NotWord,
            '<' => Look::WordStart,
            '>' => Look::WordEnd,
            'b' if self.cur() == Some('{') => self.special_boundary(at)?,
            'b' => Look::Word,
            _ => return self.fail(at, "unknown escape `%` at offset @", esc),
        }))
    }

    /// `\b{start}`, `\b{end}`, `\b{start-half}` or `\b{end-half}`; plain `\b` when the `{` opens
    /// a repetition instead (`\b{2}`), leaving the parser at that `{`.
    fn special_boundary(&mut self, at: usize) -> Result<Look> {
        let start = self.pos;
        let valid = |c: &char| c.is_ascii_alphabetic() || *c == '-';
        let unknown = "unknown word boundary `%` at offset @ (there are \\b{start}, \\b{end}, \\b{start-half} and \
                       \\b{end-half})";
        if !self.bump_space() {
            return self.fail(at, unknown, self.text(at, false));
        }
        if !self.cur().is_some_and(|c| valid(&c)) {
            self.pos = start;
            return Ok(Look::Word);
        }
        let mut name = String::new();
        while let Some(c) = self.cur().filter(valid) {
            name.push(c);
            self.bump_space();
        }
        let look = match name.as_str() {
            "start" => Look::WordStart,
            "end" => Look::WordEnd,
            "start-half" => Look::WordStartHalf,
            "end-half" => Look::WordEndHalf,
            _ => Look::Word,
        };
        if self.cur() != Some('}') || look == Look::Word {
            return self.fail(at, unknown, self.text(at, true));
        }
        self.bump();
        Ok(look)
    }

    /// `\xHH`, `\uHHHH`, `\UHHHHHHHH` or any of them with braces (`\x{10FFFF}`), the parser at
    /// the `x`, `u` or `U`.
    fn parse_hex(&mut self, kind: char, at: usize) -> Result<char> {
        let mut digits = String::new();
        if !self.bump_space() {
            return self.fail(at, BAD_HEX, self.text(at, false));
        }
        if self.cur() == Some('{') {
            loop {
                if !self.bump_space() {
                    return self.fail(at, BAD_HEX, self.text(at, false));
                }
                match self.cur() {
                    Some('}') => break,
                    Some(c) if c.is_ascii_hexdigit() => digits.push(c),
                    _ => return self.fail(at, BAD_HEX, self.text(at, true)),
                }
            }
        } else {
            let len = 2usize << "xuU".find(kind).unwrap_or(0);
            for i in 0..len {
                if i > 0 && !self.bump_space() {
                    return self.fail(at, BAD_HEX, self.text(at, false));
                }
                match self.cur() {
                    Some(c) if c.is_ascii_hexdigit() => digits.push(c),
                    _ => return self.fail(at, BAD_HEX, self.text(at, true)),
                }
            }
        }
        let text = self.text(at, true);
        self.bump_space();
        match u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32) {
            Some(c) => Ok(c),
            None if digits.is_empty() => self.fail(at, BAD_HEX, text),
            None => self.fail(at, "invalid escape `%` at offset @: not a Unicode character", text),
        }
    }

    /// A bracketed class, the parser at the `[`.
    fn parse_class(&mut self) -> Result<Node> {
        let open = self.pos;
        if !self.bump_space() {
            return self.fail(open, UNCLOSED_CLASS, "");
        }
        let negated = self.cur() == Some('^');
        if negated && !self.bump_space() {
            return self.fail(open, UNCLOSED_CLASS, "");
        }
        let mut set: Vec<(u32, u32)> = Vec::new();
        while self.cur() == Some('-') {
            set.push(('-' as u32, '-' as u32));
            if !self.bump_space() {
                return self.fail(open, UNCLOSED_CLASS, "");
            }
        }
        if set.is_empty() && self.cur() == Some(']') {
            // A `]` first is a literal: an empty class cannot be written.
            set.push((']' as u32, ']' as u32));
            if !self.bump_space() {
                return self.fail(open, UNCLOSED_CLASS, "");
            }
        }
        loop {
            self.skip_space();
            let at = self.pos;
            let Some(c) = self.cur() else { return self.fail(open, UNCLOSED_CLASS, "") };
            match c {
                '[' => match self.posix_class() {
                    Some(ranges) => set.extend(ranges),
                    None => {
                        return self.fail(
                            at,
                            "nested class `[` at offset @ is not supported (inside a class, `[` opens only a POSIX \
                             class like [:alpha:]; write `\\[` for the character)",
                            "",
                        );
                    }
                },
                ']' => {
                    self.bump();
                    let mut set = canonical(set);
                    // Fold before negating: (?i)[^x] excludes both x and X.
                    if self.flags.i {
                        // regex-lite folds only the lowercase part of a range spanning both cases.
                        #[cfg(test)]
                        {
                            self.differs |= set.iter().any(|&(a, b)| a <= 0x5A && (0x61..0x7A).contains(&b));
                        }
                        set = fold(set);
                    }
                    if negated {
                        set = negate(&set);
                    }
                    return Ok(self.table(set));
                }
                '&' | '-' | '~' if self.peek(false) == Some(c) => {
                    return self.fail(
                        at,
                        "class operator `%` at offset @ is not supported; escape its characters to match them",
                        self.rest().get(..2).unwrap_or(""),
                    );
                }
                _ => self.parse_range(&mut set, open)?,
            }
        }
    }

    /// One class item or a range `a-z`.
    fn parse_range(&mut self, set: &mut Vec<(u32, u32)>, open: usize) -> Result<()> {
        let at = self.pos;
        let first = self.class_item(open)?;
        self.skip_space();
        let Some(c) = self.cur() else { return self.fail(open, UNCLOSED_CLASS, "") };
        if c != '-' || matches!(self.peek(true), Some(']' | '-')) {
            return match first {
                Item::Char(c) => {
                    set.push((c as u32, c as u32));
                    Ok(())
                }
                Item::Set(ranges) => {
                    set.extend(ranges);
                    Ok(())
                }
                Item::Look(_) => self.fail(
                    at,
                    "`%` at offset @ cannot be in a character class (it matches a position, not a character)",
                    self.text(at, false),
                ),
            };
        }
        if !self.bump_space() {
            return self.fail(open, UNCLOSED_CLASS, "");
        }
        let second = self.class_item(open)?;
        match (first, second) {
            (Item::Char(a), Item::Char(b)) if a <= b => {
                set.push((a as u32, b as u32));
                Ok(())
            }
            (Item::Char(_), Item::Char(_)) => {
                self.fail(at, "invalid class range `%` at offset @: it goes backwards", self.text(at, false))
            }
            _ => self.fail(
                at,
                "invalid class range `%` at offset @: a range goes from one character to another",
                self.text(at, false),
            ),
        }
    }

    fn class_item(&mut self, open: usize) -> Result<Item> {
        let at = self.pos;
        let Some(c) = self.cur() else { return self.fail(open, UNCLOSED_CLASS, "") };
        self.bump();
        if c == '\\' {
            let item = self.parse_escape(at)?;
            // regex-lite folds an escaped letter under `i` on its own: it refuses it as a range end
            // and it can widen the class's ranges into a span it folds only in part.
            #[cfg(test)]
            {
                self.differs |= self.flags.i && matches!(item, Item::Char(c) if c.is_ascii_alphabetic());
            }
            return Ok(item);
        }
        Ok(Item::Char(c))
    }

    /// `[:name:]` or `[:^name:]` at the parser (at the `[`), moving past it; `None` (not moving)
    /// when it is not one.
    fn posix_class(&mut self) -> Option<Vec<(u32, u32)>> {
        let body = self.rest().strip_prefix("[:")?;
        let (negated, body) = match body.strip_prefix('^') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let (name, after) = body.split_once(':')?;
        let after = after.strip_prefix(']')?;
        let set = ascii_class(name)?;
        self.pos = self.pattern.len() - after.len();
        Some(if negated { negate(&set) } else { set })
    }
}
