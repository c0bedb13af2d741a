//! Cross-format property test: one configuration written as JSON, YAML and HCL decodes to the same
//! documents.
//!
//! Generators build valid documents of several kinds (proxy-defaults, service-defaults,
//! service-router, service-intentions, ingress-gateway and agent service definitions) as a small
//! tree, [`T`]. Three emitters write that tree, each making its own random choices ([`Dice`]) among
//! the spellings Consul users write:
//! - keys in PascalCase, lowercase or snake_case (`PathPrefix`, `pathprefix`, `path_prefix`);
//! - a block as a one-element list (`MeshGateway: [{Mode: local}]`) and a list of one block as the
//!   block itself;
//! - YAML in block and flow style (2, 3 or 4 spaces), plain / single-quoted / double-quoted /
//!   literal scalars, `!!str` / `!!int` / `!!bool` tags, anchors and aliases, `? key` entries;
//! - HCL1 blocks (`Name { }`), HCL2 attributes (`Name = { }`, `Name: value`), lists of objects
//!   holding blocks (`Routes = [ { Match { HTTP { … } } } ]`), repeated blocks for a list (alone or
//!   after a `Name = [ … ]`), items separated by newlines, commas or nothing, heredocs;
//! - strings with quotes, backslashes, `${`, control characters and non-ASCII text, escaped in each
//!   format's own ways; integers in decimal, hex, octal, `+N`, `8080.0` or `8.08e3`;
//! - comments (YAML `#`; HCL `#`, `//`, `/* */`), `\r\n` line endings, a byte order mark;
//! - several documents per file: a JSON or YAML list, YAML `---` streams, or Consul's agent
//!   `config_entries { bootstrap = [ … ] }` beside `service { … }`.
//!
//! Every file must load without errors, and the three workspaces must hold equal documents (spans
//! aside) that serialize alike. Values stay within what validation accepts, so a failure is a
//! decoding difference, or a validator that disagrees with Consul.
//!
//! `PROPTEST_CASES=n` runs more cases than the default.

use meshgate_core::diag;
use meshgate_core::syntax::Format;
use meshgate_core::workspace::{InputFile, Workspace};
use proptest::collection::{btree_map, btree_set, vec};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::FileFailurePersistence;
use std::fmt::Write as _;

/// Cases per run when `PROPTEST_CASES` is not set: 2–3 s in a debug build on 2 idle cores.
const DEFAULT_CASES: u32 = 256;

// =============================================================================================
// The generated tree
// =============================================================================================

#[derive(Clone, Debug)]
enum T {
    Null,
    Bool(bool),
    /// An integer read by a typed field: emitters may write it in any notation the format has.
    Int(u64),
    /// A number in an opaque value, written exactly as this lexeme (there the notation decides
    /// between an integer and a float).
    Num(String),
    Str(String),
    List(Vec<T>),
    /// A typed block: keys are field names that emitters respell under Consul's key rules; it may
    /// be written as a one-element list, and a list of blocks as repeated blocks.
    Block(Vec<(&'static str, T)>),
    /// An opaque or string map (`Config`, `Meta`): keys kept exactly as written, no block rules.
    Map(Vec<(String, T)>),
}

fn is_block_list(items: &[T]) -> bool {
    !items.is_empty() && items.iter().all(|i| matches!(i, T::Block(_)))
}

/// A document and how many [`meshgate_core::model::Document`]s it decodes to.
#[derive(Clone, Debug)]
struct Doc {
    tree: T,
    /// A config entry (else a `service`/`services` document).
    entry: bool,
    count: usize,
}

/// Emitter choices, drawn from bytes that proptest generates and shrinks toward 0, the plainest
/// choice, so a minimized failure shows only the variations that matter.
struct Dice<'a> {
    bytes: &'a [u8],
    next: usize,
}

impl<'a> Dice<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Dice { bytes, next: 0 }
    }

    /// 0..n, 0 when out of bytes.
    fn pick(&mut self, n: usize) -> usize {
        let len = self.bytes.len().max(1);
        let Some(b) = self.bytes.get(self.next % len) else { return 0 };
        self.next += 1;
        usize::from(*b) % n
    }

    /// True about once in `n` rolls (`n` ≥ 2); never when the bytes have shrunk to zeros.
    fn one_in(&mut self, n: usize) -> bool {
        self.pick(n) == n - 1
    }
}

// ---------------------------------------------------------------------------------------------
// Key spellings
// ---------------------------------------------------------------------------------------------

/// `MutualTLSMode` → [Mutual, TLS, Mode]; `destination_name` → [destination, name].
fn words(key: &str) -> Vec<String> {
    if key.contains('_') {
        return key.split('_').map(str::to_string).collect();
    }
    let chars: Vec<char> = key.chars().collect();
    let mut out = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j));
        let next = chars.get(i + 1);
        let starts_word = c.is_uppercase()
            && !word.is_empty()
            && (prev.is_some_and(|p| p.is_lowercase() || p.is_ascii_digit()) || next.is_some_and(|n| n.is_lowercase()));
        if starts_word {
            out.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// One of the spellings Consul accepts for a field: as documented, PascalCase, snake_case or
/// all lowercase.
fn spell(key: &str, d: &mut Dice) -> String {
    let words = words(key);
    match d.pick(4) {
        0 => key.to_string(),
        1 => words
            .iter()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect::<String>())
                    .unwrap_or_default()
            })
            .collect(),
        2 => words.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>().join("_"),
        _ => key.to_lowercase().replace('_', ""),
    }
}

/// The value of a typed field as written: a block sometimes as a one-element list, a list of one
/// block sometimes as the block. Both decode as the value itself.
fn reshape(v: &T, d: &mut Dice) -> T {
    match v {
        T::Block(_) if d.one_in(4) => T::List(vec![v.clone()]),
        T::List(items) if items.len() == 1 && is_block_list(items) && d.one_in(3) => items[0].clone(),
        _ => v.clone(),
    }
}

/// Typed integers in another notation: `8080.0` and `8.08e3` are read as 8080 where an integer
/// is expected (Consul's JSON decoding goes through float64).
fn int_text(n: u64, d: &mut Dice) -> String {
    match d.pick(8) {
        1 if n < 1 << 50 => format!("{n}.0"),
        2 if n % 10 == 0 && n > 0 && n < 1 << 50 => {
            let digits = n.to_string();
            let mantissa = digits.trim_end_matches('0');
            let exponent = digits.len() - 1;
            match mantissa.split_at(1) {
                (first, "") => format!("{first}e{exponent}"),
                (first, rest) => format!("{first}.{rest}e{exponent}"),
            }
        }
        _ => n.to_string(),
    }
}

// =============================================================================================
// JSON
// =============================================================================================

fn json_file(docs: &[Doc], d: &mut Dice) -> String {
    let pretty = d.pick(3) != 2;
    let tree = match docs {
        [one] if d.pick(3) != 1 => agent_or_plain(one, d),
        [one] => T::List(vec![one.tree.clone()]),
        _ if docs.iter().all(|doc| doc.entry) && d.one_in(3) => agent_wrap(docs),
        _ => T::List(docs.iter().map(|doc| doc.tree.clone()).collect()),
    };
    let mut out = String::new();
    json_value(&tree, d, 0, pretty, &mut out);
    out.push('\n');
    file_text(out, d)
}

fn json_value(t: &T, d: &mut Dice, depth: usize, pretty: bool, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        if pretty {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
    };
    match t {
        T::Null => out.push_str("null"),
        T::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        T::Int(n) => out.push_str(&int_text(*n, d)),
        T::Num(lexeme) => out.push_str(lexeme),
        T::Str(s) => out.push_str(&json_str(s, d)),
        T::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                json_value(item, d, depth + 1, pretty, out);
            }
            if !items.is_empty() {
                newline(out, depth);
            }
            out.push(']');
        }
        T::Block(_) | T::Map(_) => {
            let entries = written_entries(t, d);
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                out.push_str(&json_str(key, d));
                out.push_str(if pretty || d.one_in(2) { ": " } else { ":" });
                json_value(value, d, depth + 1, pretty, out);
            }
            if !entries.is_empty() {
                newline(out, depth);
            }
            out.push('}');
        }
    }
}

/// An object's entries as one emitter writes them: typed keys respelled and values reshaped,
/// opaque keys and values as they are.
fn written_entries(t: &T, d: &mut Dice) -> Vec<(String, T)> {
    match t {
        T::Block(fields) => fields.iter().map(|(k, v)| (spell(k, d), reshape(v, d))).collect(),
        T::Map(entries) => entries.clone(),
        _ => Vec::new(),
    }
}

fn json_str(s: &str, d: &mut Dice) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '/' if d.one_in(4) => out.push_str("\\/"),
            c if (c as u32) < 0x20 || (!c.is_ascii() && d.one_in(3)) => {
                // Non-BMP characters become a surrogate pair.
                for unit in c.encode_utf16(&mut [0; 2]) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// =============================================================================================
// YAML
// =============================================================================================

/// Per-file YAML choices: the indentation step, and the current document's anchors.
struct YamlStyle {
    indent: String,
    /// Emitted text of an anchored node → its anchor name. An alias stands for exactly what that
    /// text would produce, so any later occurrence of the same text may be written as the alias.
    anchors: Vec<(String, String)>,
}

impl YamlStyle {
    /// A node written inline: as it is, with an anchor, or as an alias of an earlier equal node.
    fn inline(&mut self, text: String, d: &mut Dice) -> String {
        if text.is_empty() {
            return text;
        }
        if let Some((_, name)) = self.anchors.iter().find(|(t, _)| *t == text) {
            return if d.one_in(2) { format!("*{name}") } else { text };
        }
        if d.one_in(8) {
            let name = format!("a{}", self.anchors.len());
            let anchored = format!("&{name} {text}");
            self.anchors.push((text, name));
            return anchored;
        }
        text
    }
}

fn yaml_file(docs: &[Doc], d: &mut Dice) -> String {
    let mut ys = YamlStyle { indent: " ".repeat([2, 4, 3][d.pick(3)]), anchors: Vec::new() };
    let mut out = String::new();
    match docs {
        [one] => yaml_document(&agent_or_plain(one, d), d, &mut ys, false, &mut out),
        _ if d.one_in(3) => {
            let list = T::List(docs.iter().map(|doc| doc.tree.clone()).collect());
            yaml_document(&list, d, &mut ys, false, &mut out)
        }
        _ => docs.iter().for_each(|doc| yaml_document(&doc.tree, d, &mut ys, true, &mut out)),
    }
    file_text(out, d)
}

fn yaml_document(t: &T, d: &mut Dice, ys: &mut YamlStyle, start: bool, out: &mut String) {
    ys.anchors.clear();
    let start = start || d.one_in(4);
    match yaml_node(t, d, ys, false) {
        Y::Inline(s) => {
            // A flow collection may follow the `---` on its line.
            if start {
                out.push_str(if d.one_in(2) { "--- " } else { "---\n" });
            }
            out.push_str(&s);
        }
        Y::Map(lines) | Y::Seq(lines) | Y::Literal(lines) => {
            if start {
                out.push_str("---\n");
            }
            out.push_str(&lines.join("\n"));
        }
    }
    out.push('\n');
    if d.one_in(6) {
        out.push_str("...\n");
    }
}

/// A YAML node: inline (a scalar or a flow collection) or lines of a block collection / literal
/// scalar, relative to the node's own indentation.
enum Y {
    Inline(String),
    Map(Vec<String>),
    Seq(Vec<String>),
    /// The content lines of a `|` scalar.
    Literal(Vec<String>),
}

/// ` # a comment`, sometimes, after an inline value.
fn yaml_trailing_comment(d: &mut Dice) -> &'static str {
    if d.one_in(10) {
        "  # trailing: \"comment\" {x}"
    } else {
        ""
    }
}

fn yaml_node(t: &T, d: &mut Dice, ys: &mut YamlStyle, flow: bool) -> Y {
    let flow = flow || d.one_in(6);
    let ind = ys.indent.clone();
    let indent_all = |lines: &[String], by: &str| -> Vec<String> {
        lines.iter().map(|l| if l.is_empty() { String::new() } else { format!("{by}{l}") }).collect()
    };
    match t {
        T::Block(_) | T::Map(_) if !flow => {
            let entries = written_entries(t, d);
            if entries.is_empty() {
                return Y::Inline("{}".into());
            }
            let mut lines = Vec::new();
            for (key, value) in entries {
                if d.one_in(12) {
                    lines.push("# a comment: \"quoted\" ${x} 'single'".to_string());
                }
                let key = yaml_key(&key, d);
                match yaml_node(&value, d, ys, false) {
                    Y::Inline(s) if s.is_empty() => lines.push(format!("{key}:")),
                    Y::Inline(s) if d.one_in(20) => {
                        // The explicit-key form.
                        lines.push(format!("? {key}"));
                        lines.push(format!(": {s}"));
                    }
                    Y::Inline(s) => lines.push(format!("{key}: {s}{}", yaml_trailing_comment(d))),
                    Y::Map(child) => {
                        lines.push(format!("{key}:"));
                        lines.extend(indent_all(&child, &ind));
                    }
                    Y::Seq(child) => {
                        // A sequence under a key may sit at the key's own indentation.
                        let by = if d.one_in(2) { "" } else { ind.as_str() };
                        lines.push(format!("{key}:"));
                        lines.extend(indent_all(&child, by));
                    }
                    Y::Literal(content) => {
                        lines.push(format!("{key}: |"));
                        lines.extend(indent_all(&content, &ind));
                    }
                }
            }
            Y::Map(lines)
        }
        T::List(items) if !flow && !items.is_empty() => {
            // The dash, then the item's first line: `- ` with the item indented to match.
            let dash = format!("{:<width$}", "-", width = ind.len());
            let mut lines = Vec::new();
            for item in items {
                match yaml_node(item, d, ys, false) {
                    Y::Inline(s) if s.is_empty() => lines.push("-".to_string()),
                    Y::Inline(s) => lines.push(format!("{dash}{s}{}", yaml_trailing_comment(d))),
                    Y::Map(child) | Y::Seq(child) => {
                        for (i, l) in child.iter().enumerate() {
                            lines.push(if i == 0 { format!("{dash}{l}") } else { format!("{ind}{l}") });
                        }
                    }
                    Y::Literal(content) => {
                        lines.push("- |".to_string());
                        lines.extend(indent_all(&content, &ind));
                    }
                }
            }
            Y::Seq(lines)
        }
        T::Str(s) if !flow && literal_ok(s) && d.one_in(3) => {
            Y::Literal(s.strip_suffix('\n').unwrap_or(s).split('\n').map(str::to_string).collect())
        }
        _ => {
            let text = yaml_flow(t, d, ys, flow);
            Y::Inline(ys.inline(text, d))
        }
    }
}

/// A node in flow style (or a scalar). `flow`: inside a flow collection, where an empty null is
/// not allowed.
fn yaml_flow(t: &T, d: &mut Dice, ys: &mut YamlStyle, flow: bool) -> String {
    match t {
        T::Null => match d.pick(5) {
            0 => "null".into(),
            1 => "~".into(),
            2 => "Null".into(),
            3 => "!!null ~".into(),
            _ if flow => "NULL".into(),
            _ => String::new(),
        },
        T::Bool(b) => {
            let text = if *b { "true" } else { "false" };
            match d.pick(5) {
                1 => text[..1].to_uppercase() + &text[1..],
                2 => text.to_uppercase(),
                3 => format!("!!bool {text}"),
                _ => text.to_string(),
            }
        }
        T::Int(n) => match d.pick(7) {
            1 => format!("0x{n:x}"),
            2 => format!("0o{n:o}"),
            3 => format!("+{n}"),
            4 => format!("!!int {n}"),
            _ => int_text(*n, d),
        },
        // In an opaque value the notation decides int or float; these notations are all integers.
        T::Num(lexeme) => match lexeme.parse::<u64>() {
            Ok(n) if d.one_in(3) => match d.pick(3) {
                0 => format!("0x{n:X}"),
                1 => format!("0o{n:o}"),
                _ => format!("+{n}"),
            },
            _ => lexeme.clone(),
        },
        T::Str(s) => yaml_str(s, d, false),
        T::List(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|i| {
                    let text = yaml_flow(i, d, ys, true);
                    ys.inline(text, d)
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
        T::Block(_) | T::Map(_) => {
            let entries: Vec<String> = written_entries(t, d)
                .iter()
                .map(|(k, v)| {
                    let key = yaml_key(k, d);
                    let text = yaml_flow(v, d, ys, true);
                    format!("{key}: {}", ys.inline(text, d))
                })
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

fn yaml_key(key: &str, d: &mut Dice) -> String {
    // Keys stay the text they are written as, so `8080:` or `true:` name keys `8080` and `true`.
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if plain && !d.one_in(5) {
        key.to_string()
    } else {
        yaml_str(key, d, true)
    }
}

/// Characters a YAML stream may hold unescaped (YAML's c-printable, minus the Unicode line
/// separators and the byte order mark, which some readers treat specially).
fn yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | ' '..='~')
        || (c >= '\u{a0}' && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'))
}

/// Plain scalars that YAML's core schema reads back as this same string.
fn plain_ok(s: &str) -> bool {
    let keyword = ["true", "false", "null", "yes", "no", "on", "off", "y", "n"].contains(&s.to_lowercase().as_str());
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && !keyword
}

/// Text a literal block scalar (`|`, clip chomping) holds exactly: one final newline, lines that
/// start with neither a blank (it would set the indentation) nor anything non-printable.
fn literal_ok(s: &str) -> bool {
    let Some(body) = s.strip_suffix('\n') else { return false };
    !body.is_empty()
        && !body.ends_with('\n')
        && !body.starts_with('\n')
        && s.chars().all(|c| yaml_printable(c) && c != '\r')
        && body.split('\n').all(|l| !l.starts_with([' ', '\t']))
}

fn yaml_str(s: &str, d: &mut Dice, key: bool) -> String {
    if !key && plain_ok(s) && !d.one_in(4) {
        return s.to_string();
    }
    // `!!str` keeps even `true` or `0x1F` a string.
    let tagged = !key
        && !s.is_empty()
        && !s.starts_with('-')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'));
    if tagged && d.one_in(4) {
        return format!("!!str {s}");
    }
    if s.chars().all(|c| yaml_printable(c) && !matches!(c, '\n' | '\t')) && d.one_in(3) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str(if d.one_in(2) { "\t" } else { "\\t" }),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '/' if d.one_in(5) => out.push_str("\\/"),
            c if !yaml_printable(c) || (!c.is_ascii() && d.one_in(3)) => {
                let n = c as u32;
                let _ = match n {
                    0..=0xff if d.one_in(2) => write!(out, "\\x{n:02x}"),
                    0..=0xffff => write!(out, "\\u{n:04x}"),
                    _ => write!(out, "\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// =============================================================================================
// HCL
// =============================================================================================

fn hcl_file(docs: &[Doc], d: &mut Dice) -> String {
    let top = match docs {
        [one] => agent_or_plain(one, d),
        _ => agent_wrap(docs),
    };
    let mut out = String::new();
    if let T::Block(_) = top {
        let entries = written_keys(&top, d);
        hcl_body(&entries, d, 0, false, false, &mut out);
    }
    file_text(out, d)
}

/// An object's entries with their keys as written, each marked typed (block rules apply) or not.
fn written_keys(t: &T, d: &mut Dice) -> Vec<(String, T, bool)> {
    match t {
        T::Block(fields) => fields.iter().map(|(k, v)| (spell(k, d), v.clone(), true)).collect(),
        T::Map(entries) => entries.iter().map(|(k, v)| (k.clone(), v.clone(), false)).collect(),
        _ => Vec::new(),
    }
}

/// Items of a body: one per line at `indent`, or on one line (`inline`), separated by commas or,
/// HCL1-style, by nothing. `colon`: `key: value` may be written (inside an object value, as HCL2
/// allows; never in the file's or a block's body, which neither HCL1 nor HCL2 accepts).
fn hcl_body(entries: &[(String, T, bool)], d: &mut Dice, indent: usize, inline: bool, colon: bool, out: &mut String) {
    let pad = "  ".repeat(indent);
    for (i, (key, value, typed)) in entries.iter().enumerate() {
        if inline {
            if i > 0 {
                out.push_str(if d.one_in(3) { " " } else { ", " });
            }
        } else {
            match d.pick(16) {
                1 => out.push_str(&format!("{pad}# a comment with \"quotes\", ${{x}} and {{ braces\n")),
                2 => out.push_str(&format!("{pad}// another comment }}\n")),
                3 => out.push_str(&format!("{pad}/* a block\n   comment */\n")),
                _ => {}
            }
            out.push_str(&pad);
        }
        let heredoc = hcl_item(key, value, *typed, d, indent, inline, colon, out);
        if !inline {
            if !heredoc && d.one_in(6) {
                out.push(',');
            }
            if !heredoc {
                match d.pick(12) {
                    1 => out.push_str("  # trailing \"comment\""),
                    2 => out.push_str(" // trailing"),
                    3 => out.push_str(" /* inline */"),
                    _ => {}
                }
            }
            out.push('\n');
        }
    }
}

fn hcl_key(key: &str, d: &mut Dice) -> String {
    let ident = key.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ident && !d.one_in(6) {
        key.to_string()
    } else {
        hcl_str(key, d)
    }
}

/// One `key = value` or `key { … }` item (several for repeated blocks). Returns whether it ended
/// with a heredoc, after which nothing may follow on the line.
#[allow(clippy::too_many_arguments)]
fn hcl_item(
    key: &str,
    value: &T,
    typed: bool,
    d: &mut Dice,
    indent: usize,
    inline: bool,
    colon: bool,
    out: &mut String,
) -> bool {
    let pad = "  ".repeat(indent);
    let sep = |d: &mut Dice| {
        if inline {
            if d.one_in(3) {
                " "
            } else {
                ", "
            }
        } else {
            "\n"
        }
    };
    let block = |key: &str, v: &T, d: &mut Dice, out: &mut String| {
        let k = hcl_key(key, d);
        out.push_str(&k);
        out.push(' ');
        out.push_str(&hcl_object(v, d, indent, inline, false));
    };
    let assign = |key: &str, v: &T, d: &mut Dice, out: &mut String| {
        let k = hcl_key(key, d);
        let op = if colon && d.one_in(5) { ": " } else { " = " };
        out.push_str(&k);
        out.push_str(op);
        out.push_str(&hcl_value(v, d, indent, inline));
    };
    match value {
        T::Block(_) if typed => match d.pick(4) {
            1 => assign(key, value, d, out),
            2 => assign(key, &T::List(vec![value.clone()]), d, out),
            _ => block(key, value, d, out),
        },
        T::Map(_) if d.one_in(2) => block(key, value, d, out),
        T::List(items) if typed && is_block_list(items) => {
            // `Key = [ … ]`, repeated `Key { … }` blocks, or a list followed by more blocks: all
            // append to one list.
            let split = match d.pick(4) {
                0 | 1 => items.len(),
                2 => 0,
                _ => d.pick(items.len() + 1),
            };
            let (listed, blocks) = items.split_at(split);
            if !listed.is_empty() || blocks.is_empty() {
                assign(key, &T::List(listed.to_vec()), d, out);
            }
            for (i, b) in blocks.iter().enumerate() {
                if i > 0 || !listed.is_empty() {
                    out.push_str(sep(d));
                    if !inline {
                        out.push_str(&pad);
                    }
                }
                block(key, b, d, out);
            }
        }
        T::Str(s) if !inline && heredoc_ok(s) && d.one_in(3) => {
            let k = hcl_key(key, d);
            let marker = if s.split('\n').any(|l| l.trim() == "EOF") { "EOT_MARK" } else { "EOF" };
            if d.one_in(2) {
                // `<<-` strips the indentation common to the non-blank lines and keeps blank ones
                // (empty or only whitespace) as written, as HCL2 does: pad only the others.
                out.push_str(&format!("{k} = <<-{marker}\n"));
                for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
                    if !line.trim().is_empty() {
                        out.push_str(&pad);
                        out.push_str("    ");
                    }
                    out.push_str(line);
                    out.push('\n');
                }
                out.push_str(&format!("{pad}  {marker}"));
            } else {
                out.push_str(&format!("{k} = <<{marker}\n{s}{marker}"));
            }
            return true;
        }
        _ => assign(key, value, d, out),
    }
    false
}

/// Text a heredoc holds exactly: it ends with a newline, has no `\r` (stripped at line ends), and
/// some line starts with a non-blank (so `<<-` strips only what we add).
fn heredoc_ok(s: &str) -> bool {
    s.ends_with('\n')
        && !s.contains('\r')
        && s.split('\n').any(|l| l.starts_with(|c: char| !c.is_whitespace()))
        && !s.split('\n').any(|l| l.trim() == "EOT_MARK")
}

/// `{ … }` for a block or a map, on one line or over several.
fn hcl_object(t: &T, d: &mut Dice, indent: usize, inline: bool, colon: bool) -> String {
    let entries = written_keys(t, d);
    if entries.is_empty() {
        return "{}".into();
    }
    let mut out = String::from("{");
    if inline || d.one_in(5) {
        out.push(' ');
        hcl_body(&entries, d, 0, true, colon, &mut out);
        out.push_str(" }");
    } else {
        out.push('\n');
        hcl_body(&entries, d, indent + 1, false, colon, &mut out);
        out.push_str(&"  ".repeat(indent));
        out.push('}');
    }
    out
}

fn hcl_value(t: &T, d: &mut Dice, indent: usize, inline: bool) -> String {
    match t {
        T::Null => "null".into(),
        T::Bool(b) => b.to_string(),
        T::Int(n) => match d.pick(5) {
            1 => format!("0x{n:X}"),
            _ => int_text(*n, d),
        },
        // In an opaque value the notation decides int or float; hex is an integer too.
        T::Num(lexeme) => match lexeme.parse::<u64>() {
            Ok(n) if d.one_in(4) => format!("0x{n:x}"),
            _ => lexeme.clone(),
        },
        T::Str(s) => hcl_str(s, d),
        T::Block(_) | T::Map(_) => hcl_object(t, d, indent, inline, true),
        T::List(items) => {
            if items.is_empty() {
                return "[]".into();
            }
            let one_line = inline || d.one_in(3);
            let pad = "  ".repeat(indent + 1);
            let mut out = String::from("[");
            for (i, item) in items.iter().enumerate() {
                if one_line {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&hcl_value(item, d, indent, true));
                } else {
                    out.push('\n');
                    out.push_str(&pad);
                    out.push_str(&hcl_value(item, d, indent + 1, false));
                    if i + 1 < items.len() || d.one_in(2) {
                        out.push(',');
                    }
                }
            }
            if !one_line {
                out.push('\n');
                out.push_str(&"  ".repeat(indent));
            } else if d.one_in(4) {
                out.push(',');
            }
            out.push(']');
            out
        }
    }
}

fn hcl_str(s: &str, d: &mut Dice) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str(if d.one_in(2) { "\t" } else { "\\t" }),
            '/' if d.one_in(5) => out.push_str("\\/"),
            c if c.is_control() || (!c.is_ascii() && d.one_in(3)) => {
                let n = c as u32;
                let _ = if n <= 0xffff && !d.one_in(3) { write!(out, "\\u{n:04x}") } else { write!(out, "\\U{n:08X}") };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// =============================================================================================
// File layouts shared by the emitters
// =============================================================================================

/// Windows line endings and a byte order mark, sometimes. Strings never hold a raw line break
/// except in heredocs and literal scalars, which read `\r\n` as a line break too.
fn file_text(text: String, d: &mut Dice) -> String {
    let text = if d.one_in(6) { text.replace('\n', "\r\n") } else { text };
    if d.one_in(8) {
        format!("\u{feff}{text}")
    } else {
        text
    }
}

/// Consul agent configuration: runs of config entries under `config_entries { bootstrap = [ … ] }`,
/// services as `service` / `services` keys, in document order. Keys may repeat (HCL1 habit).
fn agent_wrap(docs: &[Doc]) -> T {
    let mut fields: Vec<(&'static str, T)> = Vec::new();
    let mut run: Vec<T> = Vec::new();
    let flush = |run: &mut Vec<T>, fields: &mut Vec<(&'static str, T)>| {
        if !run.is_empty() {
            fields.push(("config_entries", T::Block(vec![("bootstrap", T::List(std::mem::take(run)))])));
        }
    };
    for doc in docs {
        if doc.entry {
            run.push(doc.tree.clone());
        } else {
            flush(&mut run, &mut fields);
            if let T::Block(service_fields) = &doc.tree {
                fields.extend(service_fields.iter().cloned());
            }
        }
    }
    flush(&mut run, &mut fields);
    T::Block(fields)
}

/// One document as it is, or (a config entry, sometimes) inside `config_entries`.
fn agent_or_plain(doc: &Doc, d: &mut Dice) -> T {
    if doc.entry && d.one_in(5) {
        agent_wrap(std::slice::from_ref(doc))
    } else {
        doc.tree.clone()
    }
}

// =============================================================================================
// Generators
// =============================================================================================

type S = BoxedStrategy<T>;
/// One field of a block: absent (`None`), or a key and its value.
type F = BoxedStrategy<Option<(&'static str, T)>>;

/// A field that is always written.
fn req(key: &'static str, s: impl Strategy<Value = T> + 'static) -> F {
    s.prop_map(move |v| Some((key, v))).boxed()
}

/// A field that may be absent, or explicitly `null` (which means the same).
fn opt(key: &'static str, s: impl Strategy<Value = T> + 'static) -> F {
    prop_oneof![4 => Just(None), 1 => Just(Some((key, T::Null))), 5 => s.prop_map(move |v| Some((key, v)))].boxed()
}

/// A typed block from its fields, in a random order.
fn block(fields: Vec<F>) -> S {
    fields.prop_shuffle().prop_map(|fields| T::Block(fields.into_iter().flatten().collect())).boxed()
}

fn s(text: &str) -> T {
    T::Str(text.to_string())
}

fn lit(text: &'static str) -> S {
    Just(s(text)).boxed()
}

fn one_of(texts: &'static [&'static str]) -> S {
    select(texts).prop_map(s).boxed()
}

fn boolean() -> S {
    any::<bool>().prop_map(T::Bool).boxed()
}

fn int(range: std::ops::RangeInclusive<u64>) -> S {
    range.prop_map(T::Int).boxed()
}

fn port() -> S {
    int(1..=65535)
}

/// A valid service / namespace / partition name (letters, digits, `-`, `_`, `.`).
fn name_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z][a-z0-9-]{0,8}",
        1 => "[A-Za-z][A-Za-z0-9_.-]{0,8}",
    ]
}

fn name() -> S {
    name_text().prop_map(T::Str).boxed()
}

/// A name unique among its siblings: the suffix tells them apart.
fn unique_name(suffix: String) -> S {
    name_text().prop_map(move |n| T::Str(format!("{n}-{suffix}"))).boxed()
}

/// Pieces of text that each format has to escape or quote somehow.
#[rustfmt::skip]
const TRICKY: &[&str] = &[
    "\"", "\\", "${", "${var.x}", "%{", "}", "{", "[", "]", ",", "\n", "\t", "\r", "'", "''", "#", ": ", "- ", "&a",
    "*a", "!!str", "---", "...", "EOF", " ", "  ", "x", "/", "\\u0041", "\\n", "=", "<<EOF", "//", "/*", "*/", "0x1F",
    "true", "null", "~", "@", "`", "|", ">", "?", "%", "é", "中文", "😀", "\u{0}", "\u{1}", "\u{7f}", "\u{85}", "\u{a0}",
    "\u{2028}", "\u{feff}", "\u{10ffff}",
];

/// Any string: plain words, or tricky pieces run together, or lines ending with a newline (for
/// heredocs and literal scalars).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9 _./:-]{0,12}",
        4 => vec(prop_oneof![select(TRICKY).prop_map(str::to_string), "[a-z]{1,4}"], 0..8).prop_map(|p| p.concat()),
        1 => vec("[a-zA-Z#=:\"\\\\${} é😀-]{0,10}", 1..4).prop_map(|lines| lines.join("\n") + "\n"),
    ]
}

fn any_text() -> S {
    text().prop_map(T::Str).boxed()
}

/// Non-empty text, for matchers where an empty string means "not set".
fn some_text() -> S {
    text().prop_map(|t| T::Str(if t.is_empty() { "x".into() } else { t })).boxed()
}

/// A path for an exact or prefix match: it must begin with `/`; the rest can be anything.
fn path() -> S {
    text().prop_map(|t| T::Str(format!("/{t}"))).boxed()
}

/// Valid RE2 regexes, with backslashes and quotes to escape.
fn regex() -> S {
    one_of(&["/api/v[0-9]+/.*", "\\d+", "^/a\\.b$", "[\"']+", "(?i)/admin/.*", "\\\\", "x{2,3}", ".*\\$\\{.*", "é+"])
}

/// A header name (any non-empty token).
fn header_name() -> S {
    "[a-zA-Z][a-zA-Z0-9-]{0,10}".prop_map(T::Str).boxed()
}

fn duration() -> S {
    prop_oneof![
        one_of(&["5s", "1m30s", "250ms", "1h", "0", "1.5s", "100us", "2h45m", "10ns"]),
        int(0..=3_600_000_000_000),
    ]
    .boxed()
}

/// `Meta` and other string maps: any keys, any values.
fn string_map(max: usize) -> S {
    btree_map(text(), any_text(), 0..max).prop_map(|m| T::Map(m.into_iter().collect())).boxed()
}

/// Keys of opaque maps: ordinary identifiers mostly, anything sometimes.
fn opaque_key() -> impl Strategy<Value = String> {
    prop_oneof![3 => "[a-zA-Z_][a-zA-Z0-9_]{0,10}", 1 => text()]
}

/// A number lexeme every format reads the same way: an integer, or a decimal with an optional
/// exponent (never a notation one format lacks, since in an opaque value it decides int or float).
fn number_lexeme() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (
            any::<bool>(),
            0u32..1000,
            "[0-9]{1,3}",
            prop::option::of((select(&["e", "E"][..]), select(&["", "+", "-"][..]), 0u32..20))
        )
            .prop_map(|(neg, int, frac, exp)| {
                let sign = if neg { "-" } else { "" };
                let exp = exp.map(|(e, s, n)| format!("{e}{s}{n}")).unwrap_or_default();
                format!("{sign}{int}.{frac}{exp}")
            }),
    ]
}

/// Any opaque value (proxy `Config`, `Arguments`, `check`), nested a few levels.
fn opaque() -> S {
    let leaf = prop_oneof![Just(T::Null), boolean(), number_lexeme().prop_map(T::Num), any_text(),];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(T::List),
            btree_map(opaque_key(), inner, 0..4).prop_map(|m| T::Map(m.into_iter().collect())),
        ]
    })
    .boxed()
}

fn opaque_map() -> S {
    btree_map(opaque_key(), opaque(), 0..5).prop_map(|m| T::Map(m.into_iter().collect())).boxed()
}

/// Proxy `Config`: opaque, except that `protocol`, when present, must be one Consul knows.
fn proxy_config() -> S {
    (
        btree_map(
            opaque_key().prop_filter("protocol is checked", |k| !k.eq_ignore_ascii_case("protocol")),
            opaque(),
            0..5,
        ),
        prop::option::of((select(&["protocol", "Protocol"][..]), select(&["tcp", "http", "HTTP2", "grpc"][..]))),
    )
        .prop_map(|(m, protocol)| {
            let mut entries: Vec<(String, T)> = m.into_iter().collect();
            if let Some((k, v)) = protocol {
                entries.push((k.to_string(), s(v)));
            }
            T::Map(entries)
        })
        .boxed()
}

fn mode() -> S {
    one_of(&["none", "local", "remote", "Local", "REMOTE", ""])
}

fn mesh_gateway() -> S {
    block(vec![opt("Mode", mode())])
}

fn protocol() -> S {
    one_of(&["tcp", "http", "http2", "grpc", "HTTP"])
}

fn transparent_proxy() -> S {
    block(vec![opt("OutboundListenerPort", port()), opt("DialedDirectly", boolean())])
}

fn expose() -> S {
    let path_item = block(vec![
        opt("ListenerPort", port()),
        req("Path", path()),
        opt("LocalPathPort", port()),
        opt("Protocol", one_of(&["http", "http2", "HTTP"])),
    ]);
    block(vec![opt("Checks", boolean()), opt("Paths", vec(path_item, 0..3).prop_map(T::List))])
}

// ---------------------------------------------------------------------------------------------
// proxy-defaults
// ---------------------------------------------------------------------------------------------

fn proxy_defaults() -> S {
    let access_logs = (
        block(vec![
            opt("Enabled", boolean()),
            opt("DisableListenerLogs", boolean()),
            opt("Type", one_of(&["file", "stdout", "stderr"])),
            opt("Path", any_text()),
        ]),
        prop::option::of((any::<bool>(), any_text())),
    )
        .prop_map(|(logs, format)| match (logs, format) {
            // JSONFormat or TextFormat, never both.
            (T::Block(mut fields), Some((json, f))) => {
                fields.push((if json { "JSONFormat" } else { "TextFormat" }, f));
                T::Block(fields)
            }
            (logs, _) => logs,
        });
    let extension = block(vec![
        req("Name", one_of(&["builtin/lua", "builtin/wasm", "builtin/aws/lambda"])),
        opt("Required", boolean()),
        opt("Arguments", opaque_map()),
    ]);
    block(vec![
        req("Kind", lit("proxy-defaults")),
        req("Name", lit("global")),
        opt("Config", proxy_config()),
        opt("MeshGateway", mesh_gateway()),
        opt("AccessLogs", access_logs),
        opt("Meta", string_map(4)),
        opt("Mode", one_of(&["direct", "transparent"])),
        opt("TransparentProxy", transparent_proxy()),
        opt("MutualTLSMode", one_of(&["strict", "permissive"])),
        opt("Expose", expose()),
        opt("EnvoyExtensions", vec(extension, 0..3).prop_map(T::List)),
    ])
}

// ---------------------------------------------------------------------------------------------
// service-defaults
// ---------------------------------------------------------------------------------------------

fn passive_health_check() -> S {
    block(vec![
        opt("Interval", duration()),
        opt("MaxFailures", int(0..=20)),
        opt("EnforcingConsecutive5xx", int(0..=100)),
        opt("MaxEjectionPercent", int(0..=100)),
        opt("BaseEjectionTime", duration()),
    ])
}

fn limits() -> S {
    block(vec![
        opt("MaxConnections", int(0..=100_000)),
        opt("MaxPendingRequests", int(0..=100_000)),
        opt("MaxConcurrentRequests", int(0..=100_000)),
    ])
}

/// An Envoy listener or cluster as JSON text: a JSON object inside a string, escaped twice over.
fn envoy_json() -> S {
    btree_map("[a-z_]{1,8}", text(), 0..3)
        .prop_map(|m| T::Str(serde_json::to_string(&m).unwrap_or_else(|_| "{}".into())))
        .boxed()
}

/// The settings an `UpstreamConfig.Overrides` item and `Defaults` share.
fn upstream_settings() -> Vec<F> {
    vec![
        opt("Protocol", protocol()),
        opt("ConnectTimeoutMs", int(0..=60_000)),
        opt("Limits", limits()),
        opt("PassiveHealthCheck", passive_health_check()),
        opt("MeshGateway", mesh_gateway()),
        opt("BalanceOutboundConnections", lit("exact_balance")),
        opt("EnvoyClusterJSON", envoy_json()),
    ]
}

fn upstream_override(i: usize) -> S {
    let mut fields = upstream_settings();
    fields.push(req("Name", unique_name(format!("u{i}"))));
    fields.push(opt("Namespace", name()));
    fields.push(opt("Partition", name()));
    fields.push(opt("Peer", name()));
    fields.push(opt("EnvoyListenerJSON", envoy_json()));
    block(fields)
}

fn upstream_config() -> S {
    let overrides = (0usize..4).prop_flat_map(|n| (0..n).map(upstream_override).collect::<Vec<_>>()).prop_map(T::List);
    block(vec![opt("Overrides", overrides), opt("Defaults", block(upstream_settings()))])
}

fn destination() -> S {
    let address = prop_oneof![
        "[a-z][a-z0-9-]{0,8}(\\.[a-z][a-z0-9-]{0,8}){0,2}",
        (0u8..=255, 0u8..=255).prop_map(|(a, b)| format!("10.{a}.{b}.1")),
        Just("2001:db8::1".to_string()),
    ];
    block(vec![
        req("Addresses", btree_set(address, 1..3).prop_map(|a| T::List(a.into_iter().map(T::Str).collect()))),
        req("Port", port()),
    ])
}

fn rate_limits() -> S {
    let route = (
        select(&["PathExact", "PathPrefix", "PathRegex"][..]),
        path(),
        regex(),
        1u64..=1000,
        prop::option::of(0u64..=1000),
    )
        .prop_map(|(kind, path, regex, rate, extra)| {
            let mut fields =
                vec![(kind, if kind == "PathRegex" { regex } else { path }), ("RequestsPerSecond", T::Int(rate))];
            if let Some(extra) = extra {
                fields.push(("RequestsMaxBurst", T::Int(rate + extra)));
            }
            T::Block(fields)
        });
    (1u64..=1000, prop::option::of(0u64..=1000), vec(route, 0..3))
        .prop_map(|(rate, extra, routes)| {
            let mut level = vec![("RequestsPerSecond", T::Int(rate)), ("Routes", T::List(routes))];
            if let Some(extra) = extra {
                level.push(("RequestsMaxBurst", T::Int(rate + extra)));
            }
            T::Block(vec![("InstanceLevel", T::Block(level))])
        })
        .boxed()
}

fn service_defaults(i: usize) -> S {
    let upstreams_or_destination = prop_oneof![
        2 => Just(None),
        2 => upstream_config().prop_map(|u| Some(("UpstreamConfig", u))),
        1 => destination().prop_map(|d| Some(("Destination", d))),
    ]
    .boxed();
    block(vec![
        req("Kind", lit("service-defaults")),
        req("Name", unique_name(format!("d{i}"))),
        opt("Namespace", name()),
        opt("Meta", string_map(4)),
        opt("Protocol", protocol()),
        opt("BalanceInboundConnections", lit("exact_balance")),
        opt("Mode", one_of(&["direct", "transparent"])),
        opt("RateLimits", rate_limits()),
        upstreams_or_destination,
        opt("TransparentProxy", transparent_proxy()),
        opt("MutualTLSMode", one_of(&["strict", "permissive"])),
        opt("MaxInboundConnections", int(0..=100_000)),
        opt("LocalConnectTimeoutMs", int(0..=60_000)),
        opt("LocalRequestTimeoutMs", int(0..=60_000)),
        opt("MeshGateway", mesh_gateway()),
        opt("ExternalSNI", any_text()),
        opt("Expose", expose()),
    ])
}

// ---------------------------------------------------------------------------------------------
// service-router
// ---------------------------------------------------------------------------------------------

/// A header or query matcher: a name and exactly one match kind; `Invert` for headers only.
fn matcher(kinds: &'static [&'static str], invertible: bool) -> S {
    (header_name(), select(kinds), some_text(), regex(), prop::option::of(any::<bool>()))
        .prop_map(move |(name, kind, value, regex, invert)| {
            let value = match kind {
                "Present" => T::Bool(true),
                "Regex" => regex,
                _ => value,
            };
            let mut fields = vec![("Name", name), (kind, value)];
            if let Some(invert) = invert.filter(|_| invertible) {
                fields.push(("Invert", T::Bool(invert)));
            }
            T::Block(fields)
        })
        .boxed()
}

const METHODS: &[&str] = &["GET", "head", "Post", "PUT", "PATCH", "delete", "CONNECT", "options", "TRACE"];

/// Distinct HTTP methods, in mixed case (Consul upper-cases them).
fn methods() -> S {
    subsequence(METHODS, 0..4).prop_shuffle().prop_map(|m| T::List(m.into_iter().map(s).collect())).boxed()
}

fn header_modifiers() -> S {
    block(vec![
        opt("Add", string_map(3)),
        opt("Set", string_map(3)),
        opt("Remove", vec(header_name(), 0..3).prop_map(T::List)),
    ])
}

fn route() -> S {
    let path_match = prop_oneof![
        Just(None),
        path().prop_map(|p| Some(("PathExact", p))),
        path().prop_map(|p| Some(("PathPrefix", p))),
        regex().prop_map(|r| Some(("PathRegex", r))),
    ];
    let http = (
        path_match,
        block(vec![
            opt("CaseInsensitive", boolean()),
            opt(
                "Header",
                vec(matcher(&["Present", "Exact", "Prefix", "Suffix", "Regex"], true), 0..3).prop_map(T::List),
            ),
            opt("QueryParam", vec(matcher(&["Present", "Exact", "Regex"], false), 0..3).prop_map(T::List)),
            opt("Methods", methods()),
        ]),
    );
    let destination = block(vec![
        opt("Service", name()),
        opt("ServiceSubset", name()),
        opt("Namespace", name()),
        opt("Partition", name()),
        opt("RequestTimeout", duration()),
        opt("IdleTimeout", duration()),
        opt("NumRetries", int(0..=10)),
        opt("RetryOnConnectFailure", boolean()),
        opt(
            "RetryOn",
            subsequence(&["5xx", "gateway-error", "reset", "connect-failure", "retriable-4xx", "cancelled"][..], 0..3)
                .prop_map(|r| T::List(r.into_iter().map(s).collect())),
        ),
        opt("RetryOnStatusCodes", vec(int(400..=599), 0..3).prop_map(T::List)),
        opt("RequestHeaders", header_modifiers()),
        opt("ResponseHeaders", header_modifiers()),
    ]);
    (prop::option::of(http), prop::option::of(destination), prop::option::of(path()), any::<bool>())
        .prop_map(|(http, destination, rewrite, bare_match)| {
            let mut fields = Vec::new();
            // PrefixRewrite needs a PathExact or PathPrefix match to replace.
            let mut rewritable = false;
            if let Some((path, T::Block(mut criteria))) = http {
                if let Some((kind, value)) = path {
                    rewritable = kind != "PathRegex";
                    criteria.push((kind, value));
                }
                fields.push(("Match", T::Block(vec![("HTTP", T::Block(criteria))])));
            } else if bare_match {
                fields.push(("Match", T::Block(Vec::new())));
            }
            if let Some(T::Block(mut dest)) = destination {
                if let Some(rewrite) = rewrite.filter(|_| rewritable) {
                    dest.push(("PrefixRewrite", rewrite));
                }
                fields.push(("Destination", T::Block(dest)));
            }
            T::Block(fields)
        })
        .boxed()
}

fn service_router(i: usize) -> S {
    block(vec![
        req("Kind", lit("service-router")),
        req("Name", unique_name(format!("r{i}"))),
        opt("Namespace", name()),
        opt("Meta", string_map(3)),
        opt("Routes", vec(route(), 0..4).prop_map(T::List)),
    ])
}

// ---------------------------------------------------------------------------------------------
// service-intentions
// ---------------------------------------------------------------------------------------------

fn intention_header() -> S {
    let kinds = &["Present", "Exact", "Prefix", "Suffix", "Contains", "Regex"][..];
    (
        header_name(),
        select(kinds),
        some_text(),
        regex(),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(name, kind, value, regex, ignore_case, invert)| {
            let value = match kind {
                "Present" => T::Bool(true),
                "Regex" => regex,
                _ => value,
            };
            let mut fields = vec![("Name", name), (kind, value)];
            // IgnoreCase applies to the string comparisons only.
            if let Some(ignore_case) = ignore_case.filter(|_| kind != "Present" && kind != "Regex") {
                fields.push(("IgnoreCase", T::Bool(ignore_case)));
            }
            if let Some(invert) = invert {
                fields.push(("Invert", T::Bool(invert)));
            }
            T::Block(fields)
        })
        .boxed()
}

fn permission() -> S {
    let path_match = prop_oneof![
        Just(None),
        path().prop_map(|p| Some(("PathExact", p))),
        path().prop_map(|p| Some(("PathPrefix", p))),
        regex().prop_map(|r| Some(("PathRegex", r))),
    ];
    (select(&["allow", "deny"][..]), path_match, vec(intention_header(), 0..3), methods())
        .prop_map(|(action, path, headers, methods)| {
            let mut http = Vec::new();
            let empty = path.is_none() && headers.is_empty() && matches!(&methods, T::List(m) if m.is_empty());
            // An HTTP block must match something; `PathPrefix = "/"` matches every request.
            http.extend(path.or(empty.then(|| ("PathPrefix", s("/")))));
            if !headers.is_empty() {
                http.push(("Header", T::List(headers)));
            }
            if !matches!(&methods, T::List(m) if m.is_empty()) {
                http.push(("Methods", methods));
            }
            T::Block(vec![("Action", s(action)), ("HTTP", T::Block(http))])
        })
        .boxed()
}

fn source(j: usize, l7: bool) -> S {
    // The first source may be the wildcard; the others are unique by name.
    let source_name = if j == 0 {
        prop_oneof![4 => unique_name(format!("s{j}")), 1 => lit("*")].boxed()
    } else {
        unique_name(format!("s{j}"))
    };
    let what: F = if l7 {
        prop_oneof![
            one_of(&["allow", "deny"]).prop_map(|a| Some(("Action", a))),
            vec(permission(), 1..3).prop_map(|p| Some(("Permissions", T::List(p)))),
        ]
        .boxed()
    } else {
        req("Action", one_of(&["allow", "deny"]))
    };
    let place = prop_oneof![
        Just(vec![]),
        name_text().prop_map(|n| vec![("Peer", T::Str(n))]),
        name_text().prop_map(|n| vec![("Partition", T::Str(n))]),
    ];
    (
        block(vec![
            req("Name", source_name),
            what,
            opt("Namespace", name()),
            opt("Description", any_text()),
            opt("Type", lit("consul")),
            opt("Precedence", int(1..=9)),
            opt("LegacyID", "[0-9a-f]{8}-[0-9a-f]{4}".prop_map(T::Str)),
            opt("LegacyCreateTime", one_of(&["2020-10-01T12:00:00Z", "2021-01-02T03:04:05.123+01:00"])),
        ]),
        place,
    )
        .prop_map(|(src, place)| match src {
            T::Block(mut fields) => {
                fields.extend(place);
                T::Block(fields)
            }
            other => other,
        })
        .boxed()
}

fn service_intentions(i: usize) -> S {
    let jwt = block(vec![opt(
        "Providers",
        vec(
            block(vec![
                req("Name", name()),
                opt(
                    "VerifyClaims",
                    vec(
                        block(vec![opt("Path", vec(any_text(), 0..3).prop_map(T::List)), opt("Value", any_text())]),
                        0..2,
                    )
                    .prop_map(T::List),
                ),
            ]),
            0..3,
        )
        .prop_map(T::List),
    )]);
    // Permissions are not allowed on a wildcard destination. Only the first document may be the
    // wildcard, so there is one at most.
    let wildcard = if i == 0 { prop_oneof![4 => Just(false), 1 => Just(true)].boxed() } else { Just(false).boxed() };
    (wildcard, 1usize..4)
        .prop_flat_map(move |(wildcard, n)| {
            let entry_name = if wildcard { lit("*") } else { unique_name(format!("i{i}")) };
            let sources = (0..n).map(|j| source(j, !wildcard)).collect::<Vec<_>>().prop_map(T::List);
            block(vec![
                req("Kind", lit("service-intentions")),
                req("Name", entry_name),
                opt("Meta", string_map(4)),
                opt("JWT", jwt.clone()),
                req("Sources", sources),
            ])
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// ingress-gateway
// ---------------------------------------------------------------------------------------------

/// A host name, unique on its listener thanks to the suffix; sometimes a `*.` wildcard label.
fn host(suffix: String) -> S {
    (any::<bool>(), "[a-z][a-z0-9-]{0,8}", select(&["example.com", "corp.internal", "X.io"][..]))
        .prop_map(move |(wildcard, label, domain)| {
            let star = if wildcard { "*." } else { "" };
            T::Str(format!("{star}{label}-{suffix}.{domain}"))
        })
        .boxed()
}

fn ingress_limits() -> Vec<F> {
    vec![
        opt("MaxConnections", int(0..=10_000)),
        opt("MaxPendingRequests", int(0..=10_000)),
        opt("MaxConcurrentRequests", int(0..=10_000)),
        opt("PassiveHealthCheck", passive_health_check()),
    ]
}

fn ingress_service(l: usize, k: usize, http: bool) -> S {
    let mut fields = ingress_limits();
    fields.push(opt("Namespace", name()));
    fields.push(opt("Meta", string_map(3)));
    if !http {
        // A tcp listener forwards to one named service: no hosts, no header changes.
        fields.push(req("Name", unique_name(format!("g{l}{k}"))));
        return block(fields);
    }
    // The wildcard service stands for every service; it takes no Hosts.
    let wildcard = k == 0 && l % 2 == 1;
    if wildcard {
        fields.push(req("Name", lit("*")));
    } else {
        fields.push(req("Name", unique_name(format!("g{l}{k}"))));
        fields.push(opt(
            "Hosts",
            (0usize..3)
                .prop_flat_map(move |n| (0..n).map(|m| host(format!("{l}{k}{m}"))).collect::<Vec<_>>())
                .prop_map(T::List),
        ));
    }
    fields.push(opt("RequestHeaders", header_modifiers()));
    fields.push(opt("ResponseHeaders", header_modifiers()));
    block(fields)
}

fn listener(l: usize, port: u16) -> S {
    prop_oneof![
        Just(None),
        one_of(&["tcp", "TCP"]).prop_map(Some),
        one_of(&["http", "http2", "grpc", "HTTP"]).prop_map(Some),
    ]
    .prop_flat_map(move |protocol| {
        let http = matches!(&protocol, Some(T::Str(p)) if !p.eq_ignore_ascii_case("tcp"));
        let count = if http { 1usize..4 } else { 1usize..2 };
        let services = count.prop_flat_map(move |n| (0..n).map(|k| ingress_service(l, k, http)).collect::<Vec<_>>());
        let tls = block(vec![
            opt("Enabled", boolean()),
            opt("TLSMinVersion", one_of(&["TLSv1_0", "TLSv1_2"])),
            opt("TLSMaxVersion", one_of(&["TLSv1_3", "TLS_AUTO"])),
        ]);
        block(vec![
            req("Port", Just(T::Int(u64::from(port)))),
            protocol.clone().map_or_else(|| Just(None).boxed(), |p| Just(Some(("Protocol", p))).boxed()),
            opt("TLS", tls),
            req("Services", services.prop_map(T::List)),
        ])
    })
    .boxed()
}

fn ingress_gateway(i: usize) -> S {
    let listeners = btree_set(1u16..=65535, 1..4)
        .prop_flat_map(|ports| ports.into_iter().enumerate().map(|(l, p)| listener(l, p)).collect::<Vec<_>>())
        .prop_shuffle()
        .prop_map(T::List);
    block(vec![
        req("Kind", lit("ingress-gateway")),
        req("Name", unique_name(format!("ig{i}"))),
        opt("Namespace", name()),
        opt("Meta", string_map(3)),
        opt("TLS", block(vec![opt("Enabled", boolean()), opt("TLSMinVersion", one_of(&["TLSv1_2"]))])),
        opt("Defaults", block(ingress_limits())),
        req("Listeners", listeners),
    ])
}

// ---------------------------------------------------------------------------------------------
// Agent service definitions (snake_case keys, as Consul documents them)
// ---------------------------------------------------------------------------------------------

fn upstream(k: usize) -> S {
    let place = prop_oneof![
        Just(None),
        one_of(&["dc1", "dc2", "eu-west"]).prop_map(|dc| Some(("datacenter", dc))),
        name().prop_map(|peer| Some(("destination_peer", peer))),
    ]
    .boxed();
    block(vec![
        req("destination_name", unique_name(format!("up{k}"))),
        opt("destination_type", lit("service")),
        opt("destination_namespace", name()),
        opt("destination_partition", name()),
        place,
        req("local_bind_port", port()),
        opt("local_bind_address", one_of(&["127.0.0.1", "::1"])),
        opt("config", opaque_map()),
        opt("mesh_gateway", mesh_gateway()),
        opt("centrally_configured", boolean()),
    ])
}

fn proxy(connect_proxy: bool) -> S {
    let upstreams = (0usize..3).prop_flat_map(|n| (0..n).map(upstream).collect::<Vec<_>>()).prop_map(T::List);
    block(vec![
        if connect_proxy { req("destination_service_name", name()) } else { opt("destination_service_name", name()) },
        opt("local_service_address", one_of(&["127.0.0.1", "localhost"])),
        opt("local_service_port", port()),
        opt("mode", one_of(&["direct", "transparent"])),
        opt("transparent_proxy", transparent_proxy()),
        opt("config", proxy_config()),
        opt("upstreams", upstreams),
        opt("mesh_gateway", mesh_gateway()),
        opt("expose", expose()),
    ])
}

fn service_common(i: usize, j: usize) -> Vec<F> {
    vec![
        req("name", unique_name(format!("svc{i}{j}"))),
        opt("id", any_text()),
        opt("port", port()),
        opt("tags", vec(any_text(), 0..3).prop_map(T::List)),
        opt("address", one_of(&["10.0.0.1", "web.internal"])),
        opt("meta", string_map(3)),
        opt("enable_tag_override", boolean()),
        opt("datacenter", one_of(&["dc1", "dc2"])),
        opt("weights", block(vec![opt("passing", int(0..=100)), opt("warning", int(0..=100))])),
        opt("check", opaque_map()),
        opt("tagged_addresses", opaque_map()),
        opt("locality", block(vec![opt("region", name()), opt("zone", name())])),
    ]
}

fn service(i: usize, j: usize) -> S {
    let typical = {
        let sidecar = block(vec![
            opt("port", port()),
            opt("tags", vec(any_text(), 0..2).prop_map(T::List)),
            opt("proxy", proxy(false)),
        ]);
        let mut fields = service_common(i, j);
        fields.push(opt("connect", block(vec![opt("native", boolean()), opt("sidecar_service", sidecar)])));
        block(fields)
    };
    let connect_proxy = {
        let mut fields = service_common(i, j);
        fields.push(req("kind", lit("connect-proxy")));
        fields.push(req("proxy", proxy(true)));
        block(fields)
    };
    let gateway = {
        let mut fields = service_common(i, j);
        fields.push(req("kind", one_of(&["mesh-gateway", "ingress-gateway", "terminating-gateway"])));
        fields.push(opt("proxy", proxy(false)));
        block(fields)
    };
    prop_oneof![typical, connect_proxy, gateway].boxed()
}

/// `service { … }`, or `services = [ … ]` with one or two.
fn service_document(i: usize) -> BoxedStrategy<Doc> {
    prop_oneof![
        service(i, 0).prop_map(|svc| Doc { tree: T::Block(vec![("service", svc)]), entry: false, count: 1 }),
        (1usize..3).prop_flat_map(move |n| (0..n).map(|j| service(i, j)).collect::<Vec<_>>()).prop_map(|svcs| {
            let count = svcs.len();
            Doc { tree: T::Block(vec![("services", T::List(svcs))]), entry: false, count }
        }),
    ]
    .boxed()
}

fn entry(s: S) -> BoxedStrategy<Doc> {
    s.prop_map(|tree| Doc { tree, entry: true, count: 1 }).boxed()
}

/// Document number `i` of a case, of any kind. Names carry `i`, so documents never clash.
fn document(i: usize) -> BoxedStrategy<Doc> {
    prop_oneof![
        entry(proxy_defaults()),
        entry(service_defaults(i)),
        entry(service_router(i)),
        entry(service_intentions(i)),
        entry(ingress_gateway(i)),
        service_document(i),
    ]
    .boxed()
}

fn is_proxy_defaults(doc: &Doc) -> bool {
    let T::Block(fields) = &doc.tree else { return false };
    fields.iter().any(|(k, v)| *k == "Kind" && matches!(v, T::Str(kind) if kind == "proxy-defaults"))
}

/// One to three documents; proxy-defaults at most once (there is one, named `global`).
fn documents() -> impl Strategy<Value = Vec<Doc>> {
    (1usize..4).prop_flat_map(|n| (0..n).map(document).collect::<Vec<_>>()).prop_map(|docs| {
        let mut seen = false;
        docs.into_iter()
            .filter(|doc| {
                let again = seen && is_proxy_defaults(doc);
                seen |= is_proxy_defaults(doc);
                !again
            })
            .collect()
    })
}

// =============================================================================================
// The property
// =============================================================================================

fn load(format: Format, text: &str) -> Workspace {
    Workspace::load([InputFile {
        name: format!("case.{}", format.as_str()),
        text: text.to_string(),
        format: Some(format),
    }])
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CASES)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/formats.txt"
        )))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn json_yaml_and_hcl_decode_to_the_same_documents(
        docs in documents(),
        json_dice in vec(any::<u8>(), 0..256),
        yaml_dice in vec(any::<u8>(), 0..256),
        hcl_dice in vec(any::<u8>(), 0..256),
    ) {
        let expected: usize = docs.iter().map(|d| d.count).sum();
        let inputs = [
            (Format::Json, json_file(&docs, &mut Dice::new(&json_dice))),
            (Format::Yaml, yaml_file(&docs, &mut Dice::new(&yaml_dice))),
            (Format::Hcl, hcl_file(&docs, &mut Dice::new(&hcl_dice))),
        ];
        let mut loaded = Vec::new();
        for (format, text) in &inputs {
            let ws = load(*format, text);
            let errors: String = ws.errors().map(|d| diag::render(d, &ws.sources, true)).collect();
            let name = format.as_str();
            prop_assert!(errors.is_empty(), "the {name} input does not load:\n{errors}\n--- input\n{text}");
            prop_assert_eq!(ws.documents.len(), expected, "documents in the {} input:\n{}", format.as_str(), text);
            let json = serde_json::to_value(&ws.documents).map_err(|e| TestCaseError::fail(e.to_string()))?;
            loaded.push((format, text, ws, json));
        }
        let (_, first_text, first, first_json) = &loaded[0];
        for (format, text, ws, json) in &loaded[1..] {
            prop_assert!(
                ws.documents == first.documents && json == first_json,
                "the {name} input decodes differently from the JSON one\n--- json decoded\n{}\n\
                 --- {name} decoded\n{}\n--- json input\n{first_text}\n--- {name} input\n{text}",
                serde_json::to_string_pretty(first_json).unwrap_or_default(),
                serde_json::to_string_pretty(json).unwrap_or_default(),
                name = format.as_str(),
            );
        }
    }
}

// =============================================================================================
// The emitters' own checks: each variation they write must mean what they think it means.
// =============================================================================================

#[test]
fn key_spellings_follow_consul_rules() {
    assert_eq!(words("MutualTLSMode"), ["Mutual", "TLS", "Mode"]);
    assert_eq!(words("JSONFormat"), ["JSON", "Format"]);
    assert_eq!(words("EnforcingConsecutive5xx"), ["Enforcing", "Consecutive5xx"]);
    assert_eq!(words("destination_name"), ["destination", "name"]);
    let spellings: Vec<String> = (0u8..4).map(|b| spell("PathPrefix", &mut Dice::new(&[b]))).collect();
    assert_eq!(spellings, ["PathPrefix", "PathPrefix", "path_prefix", "pathprefix"]);
    let spellings: Vec<String> = (0u8..4).map(|b| spell("HTTP", &mut Dice::new(&[b]))).collect();
    assert_eq!(spellings, ["HTTP", "Http", "http", "http"]);
    assert_eq!(spell("local_bind_port", &mut Dice::new(&[1])), "LocalBindPort");
}

#[test]
fn a_hand_written_document_decodes_alike_in_every_style() {
    let route = T::Block(vec![
        ("Match", T::Block(vec![("HTTP", T::Block(vec![("PathPrefix", s("/a\"b\\${c}"))]))])),
        ("Destination", T::Block(vec![("Service", s("admin")), ("NumRetries", T::Int(3))])),
    ]);
    let tree = T::Block(vec![
        ("Kind", s("service-router")),
        ("Name", s("web")),
        ("Meta", T::Map(vec![("x y".into(), s("é\n😀\u{1}")), ("true".into(), s("null"))])),
        ("Routes", T::List(vec![route.clone(), route])),
    ]);
    let docs = [Doc { tree, entry: true, count: 1 }];
    let mut seen = Vec::new();
    // Every byte value, so every emitter takes each of its branches somewhere.
    for b in 0..=255u8 {
        let dice: Vec<u8> = (0..64u8).map(|i| b.wrapping_mul(31).wrapping_add(i.wrapping_mul(b | 1))).collect();
        for (format, text) in [
            (Format::Json, json_file(&docs, &mut Dice::new(&dice))),
            (Format::Yaml, yaml_file(&docs, &mut Dice::new(&dice))),
            (Format::Hcl, hcl_file(&docs, &mut Dice::new(&dice))),
        ] {
            let ws = load(format, &text);
            let errors: String = ws.errors().map(|d| diag::render(d, &ws.sources, true)).collect();
            assert!(errors.is_empty(), "{errors}\n{text}");
            let json = serde_json::to_value(&ws.documents).unwrap();
            if let Some(first) = seen.first() {
                assert_eq!(&json, first, "{text}");
            }
            seen.push(json);
        }
    }
}

/// `cargo test -p meshgate-tests --test formats -- --ignored --nocapture show_samples` prints a
/// few generated cases in all three formats, to see what the emitters write.
#[test]
#[ignore]
fn show_samples() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    for _ in 0..4 {
        let docs = documents().new_tree(&mut runner).unwrap().current();
        let dice = vec(any::<u8>(), 64..256).new_tree(&mut runner).unwrap().current();
        println!("=== json\n{}", json_file(&docs, &mut Dice::new(&dice)));
        println!("=== yaml\n{}", yaml_file(&docs, &mut Dice::new(&dice)));
        println!("=== hcl\n{}", hcl_file(&docs, &mut Dice::new(&dice)));
    }
}
