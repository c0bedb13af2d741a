//! Regular expressions as Consul and Envoy read them (RE2 syntax), with our own small engine
//! (it replaced `regex-lite`, whose syntax and matching it follows, to keep the planner wasm
//! small). Like RE2, `\d`, `\w`, `\s` and `\b` are ASCII-only, case-insensitive matching folds
//! ASCII letters only, and `.` matches a whole character. Only [`Regex::is_match`] exists: no
//! captures, no match positions.
//!
//! The same code runs in Envoy on hostile input, so: no panics; the parser's recursion is bounded
//! (groups and repetitions nest at most 50 levels, as in regex-lite); the compiled program is
//! bounded ([`SIZE_LIMIT`], counting instructions and their match-time state); and matching is a
//! Pike VM over a Thompson NFA (`re2/prog.rs`): at most (program length × text length) steps
//! for any pattern, so `(a*)*b` and `(a|a)*b` cannot backtrack exponentially. A match allocates
//! nothing for programs up to 128 instructions (the gateway's decision path does not allocate);
//! a pattern that is plain text (with `^`/`$` around it) is compared as a string.
//!
//! Syntax: literals and escapes (`\n \t \r \f \v \a`, `\x7F`, `\x{10FFFF}`, `\u0041`,
//! `\U0001F600`, an escaped metacharacter or ASCII punctuation); `.`; classes `[...]` with ranges,
//! negation, `\d`-style and POSIX classes (`[[:alpha:]]`, `[[:^digit:]]`); `\d \s \w \D \S \W`;
//! anchors `^ $ \A \z`; `\b \B \< \>` and `\b{start}`, `\b{end}`, `\b{start-half}`,
//! `\b{end-half}`; groups `(...)`, `(?:...)`, `(?P<name>...)`, `(?<name>...)`; flags `i m s x R U`
//! (and a no-op `u`), inline `(?i)` or scoped `(?i:...)`, cleared with `-`; alternation;
//! repetition `* + ? {n} {n,} {n,m}`, greedy or lazy (the same for a yes/no match).
//! Refused as regex-lite refuses them: Unicode classes (`\pL`), backreferences, look-around,
//! nested classes and the class set operators `&&`, `--`, `~~`.
//!
//! Where this differs from regex-lite 0.1, deliberately:
//! - `(?i)` and `ignore_case` fold a class range that spans both letter blocks (`[X-c]`) fully;
//!   regex-lite folds only its lowercase part, so `(?i)[X-c]` missed `x`.
//! - With `(?i)`, a hexadecimal escape of a letter can end a class range (`(?i)[\x41-Z]`);
//!   regex-lite refused it as a range "from a class".
//! - A whole-text match anchors the parsed pattern instead of the text `^(?:pattern)$`, so a
//!   pattern cannot escape the anchors (`a)|(b` is refused as it is by [`check`], not read as
//!   `^(?:a)|(b)$`), an `(?x)` comment cannot swallow the closing `)`, and the anchors do not
//!   count towards the nesting limit.
//! - The size limit counts our program, not regex-lite's states: patterns near 1 MiB compiled
//!   may be accepted by one and refused by the other; a tree of more than 200 stacked repetitions
//!   (`a**…*`) is refused even when a later `{0}` would erase it (regex-lite accepts it).
//! - A group name may hold any non-ASCII character, not only Unicode letters and digits.
//! - At most 1000 named groups (names play no part in a yes/no match; the limit keeps the
//!   duplicate-name check cheap); regex-lite has no limit.
//! - Error messages are ours: one line, what is wrong and at which character offset.

mod parse;
mod prog;

/// Compiled-program size limit: keeps a hostile pattern from costing the filter memory. Counted
/// as 24 bytes an instruction (the instruction and the matcher's state for it) and 8 a class range.
pub const SIZE_LIMIT: usize = 1 << 20;

/// A compiled pattern.
#[derive(Clone)]
pub struct Regex(prog::Prog);

impl Regex {
    /// Whether `text` contains a match (or is one, for a whole-text pattern).
    pub fn is_match(&self, text: &str) -> bool {
        self.0.is_match(text)
    }
}

impl std::fmt::Debug for Regex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Regex({} instructions)", self.0.len())
    }
}

/// Compiles `pattern`; `whole` anchors it so it must match the entire text (Envoy's semantics
/// for path and header regexes). The error is one line saying what is wrong and where.
pub fn compile(pattern: &str, ignore_case: bool, whole: bool) -> Result<Regex, String> {
    build(&mut parse::Parser::new(pattern, ignore_case), whole)
}

fn build(parser: &mut parse::Parser<'_>, whole: bool) -> Result<Regex, String> {
    let mut node = parser.parse()?;
    if whole {
        use parse::{Look, Node};
        node = Node::concat(vec![Node::Look(Look::Start), node, Node::Look(Look::End)]);
    }
    prog::Prog::new(&node, std::mem::take(&mut parser.ranges), SIZE_LIMIT).map(Regex)
}

/// `compile`, and whether the pattern uses a documented difference from regex-lite.
#[cfg(test)]
fn compile_noting_differences(pattern: &str, ignore_case: bool, whole: bool) -> (Result<Regex, String>, bool) {
    let mut parser = parse::Parser::new(pattern, ignore_case);
    let result = build(&mut parser, whole);
    (result, parser.differs)
}

/// Why `pattern` is not a valid regex, if it is not.
pub fn check(pattern: &str) -> Result<(), String> {
    compile(pattern, false, false).map(|_| ())
}

/// `text` as an RE2 pattern matching exactly it: every character outside `[A-Za-z0-9_-]`
/// escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c.is_ascii_alphanumeric() || c == '_' || c == '-') && c.is_ascii() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod differential;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_classes_are_ascii_like_re2() {
        let digits = compile(r"\d+", false, true).unwrap();
        assert!(digits.is_match("123"));
        assert!(!digits.is_match("١٢٣"), "Arabic-Indic digits are not \\d in RE2");
        let word = compile(r"\w+", false, true).unwrap();
        assert!(!word.is_match("café"));
        assert!(compile(".", false, true).unwrap().is_match("é"), ". matches one character");
    }

    #[test]
    fn whole_matches_are_anchored_and_case_can_be_ignored() {
        let r = compile("/api/v[0-9]+", false, true).unwrap();
        assert!(r.is_match("/api/v2"));
        assert!(!r.is_match("/api/v2/users"));
        assert!(!r.is_match("x/api/v2"));
        assert!(compile("abc|def", false, true).unwrap().is_match("def"));
        assert!(compile("prod", true, true).unwrap().is_match("PROD"));
    }

    #[test]
    fn errors_say_what_is_wrong_in_one_line() {
        let e = check("(unclosed").unwrap_err();
        assert!(!e.contains('\n'), "{e}");
        assert!(!e.is_empty());
        assert!(check("[a-").is_err());
        assert!(check("a{2,1}").is_err());
    }
}
