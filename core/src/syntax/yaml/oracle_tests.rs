//! saphyr-parser, the YAML grammar meshgate used before its own, as a differential oracle: for
//! every document of the repo's corpus, a list of tricky ones and generated ones, our events
//! (kind, text, style, anchor, tag, span) must equal saphyr's, and the node trees built from the
//! two event streams must be equal, spans included. Invalid input must be refused by both.
//!
//! Deliberate differences: `%TAG` directives (and so `!name!` tag handles) are refused by us (see
//! yaml.rs); those documents are only checked to be refused.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use saphyr_parser as saphyr;

use super::events::{Event, Parser, Tag};
use super::scanner::Style;
use super::{build, parse, Item};
use crate::diag::Code;

/// An event as compared: anchors as definition numbers (saphyr's ids), aliases as the number of
/// the definition they refer to.
#[derive(Debug, PartialEq)]
enum Ev {
    DocStart,
    DocEnd,
    Alias(usize),
    Scalar(String, Style, usize, Option<(String, String)>),
    SeqStart(usize, Option<(String, String)>),
    SeqEnd,
    MapStart(usize, Option<(String, String)>),
    MapEnd,
}

type Spanned = (Ev, usize, usize);

/// Byte offset of every char index, for saphyr's char positions.
fn char_to_byte(text: &str) -> Vec<usize> {
    let mut table: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    table.push(text.len());
    table
}

fn saphyr_tag(tag: Option<std::borrow::Cow<'_, saphyr::Tag>>) -> Option<(String, String)> {
    tag.map(|t| (t.handle.clone(), t.suffix.clone()))
}

fn saphyr_style(style: saphyr::ScalarStyle) -> Style {
    match style {
        saphyr::ScalarStyle::Plain => Style::Plain,
        saphyr::ScalarStyle::SingleQuoted => Style::SingleQuoted,
        saphyr::ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
        saphyr::ScalarStyle::Literal => Style::Literal,
        saphyr::ScalarStyle::Folded => Style::Folded,
    }
}

/// saphyr's events up to the end of the stream, or `Err` with the events before its error.
fn saphyr_events(text: &str) -> Result<Vec<Spanned>, Vec<Spanned>> {
    let bytes = char_to_byte(text);
    let at = |i: usize| bytes.get(i).copied().unwrap_or(text.len());
    let mut out = Vec::new();
    for item in saphyr::Parser::new_from_str(text) {
        let Ok((event, span)) = item else { return Err(out) };
        let (start, end) = (at(span.start.index()), at(span.end.index()));
        let ev = match event {
            saphyr::Event::StreamEnd => return Ok(out),
            saphyr::Event::Nothing | saphyr::Event::StreamStart => continue,
            saphyr::Event::DocumentStart(_) => Ev::DocStart,
            saphyr::Event::DocumentEnd => Ev::DocEnd,
            saphyr::Event::Alias(id) => Ev::Alias(id),
            saphyr::Event::Scalar(text, style, anchor, tag) => {
                Ev::Scalar(text.into_owned(), saphyr_style(style), anchor, saphyr_tag(tag))
            }
            saphyr::Event::SequenceStart(anchor, tag) => Ev::SeqStart(anchor, saphyr_tag(tag)),
            saphyr::Event::SequenceEnd => Ev::SeqEnd,
            saphyr::Event::MappingStart(anchor, tag) => Ev::MapStart(anchor, saphyr_tag(tag)),
            saphyr::Event::MappingEnd => Ev::MapEnd,
        };
        out.push((ev, start, end));
    }
    Err(out)
}

/// Our events in the same form, anchors numbered as saphyr numbers them.
fn our_events(text: &str) -> Result<Vec<Spanned>, Vec<Spanned>> {
    let mut names = std::collections::HashMap::new();
    let mut next = 1;
    let mut define = |names: &mut std::collections::HashMap<String, usize>, anchor: Option<String>| match anchor {
        Some(name) => {
            names.insert(name, next);
            next += 1;
            next - 1
        }
        None => 0,
    };
    let tag = |t: Option<Tag>| t.map(|t| (t.handle, t.suffix));
    let mut out = Vec::new();
    for item in Parser::new(text) {
        let Ok((event, start, end)) = item else { return Err(out) };
        let ev = match event {
            Event::StreamEnd => return Ok(out),
            Event::DocumentStart => Ev::DocStart,
            Event::DocumentEnd => Ev::DocEnd,
            Event::Alias(name) => {
                // saphyr refuses an alias to a name it has not seen in its parser.
                let Some(&id) = names.get(&name) else { return Err(out) };
                Ev::Alias(id)
            }
            Event::Scalar { text, style, anchor, tag: t } => {
                Ev::Scalar(text, style, define(&mut names, anchor), tag(t))
            }
            Event::SequenceStart { anchor, tag: t } => Ev::SeqStart(define(&mut names, anchor), tag(t)),
            Event::SequenceEnd => Ev::SeqEnd,
            Event::MappingStart { anchor, tag: t } => Ev::MapStart(define(&mut names, anchor), tag(t)),
            Event::MappingEnd => Ev::MapEnd,
        };
        out.push((ev, start, end));
    }
    Err(out)
}

/// saphyr's events in our form, to build nodes from them with the same builder.
fn saphyr_as_ours(text: &str) -> Vec<Item> {
    let bytes = char_to_byte(text);
    let at = |i: usize| bytes.get(i).copied().unwrap_or(text.len());
    let mut out = Vec::new();
    let tag = |t: Option<std::borrow::Cow<'_, saphyr::Tag>>| {
        t.map(|t| Tag { handle: t.handle.clone(), suffix: t.suffix.clone() })
    };
    // Anchors as names `a<id>`: our builder resolves names, saphyr resolved ids already.
    let name = |id: usize| (id != 0).then(|| format!("a{id}"));
    for item in saphyr::Parser::new_from_str(text) {
        let (event, span) = match item {
            Ok(ok) => ok,
            Err(e) => {
                let message = if e.info() == "recursion limit exceeded" { super::scanner::TOO_DEEP } else { "saphyr" };
                out.push(Err((at(e.marker().index()), message)));
                return out;
            }
        };
        let event = match event {
            saphyr::Event::Nothing | saphyr::Event::StreamStart => continue,
            saphyr::Event::StreamEnd => Event::StreamEnd,
            saphyr::Event::DocumentStart(_) => Event::DocumentStart,
            saphyr::Event::DocumentEnd => Event::DocumentEnd,
            saphyr::Event::Alias(id) => Event::Alias(format!("a{id}")),
            saphyr::Event::Scalar(text, style, anchor, t) => {
                Event::Scalar { text: text.into_owned(), style: saphyr_style(style), anchor: name(anchor), tag: tag(t) }
            }
            saphyr::Event::SequenceStart(anchor, t) => Event::SequenceStart { anchor: name(anchor), tag: tag(t) },
            saphyr::Event::SequenceEnd => Event::SequenceEnd,
            saphyr::Event::MappingStart(anchor, t) => Event::MappingStart { anchor: name(anchor), tag: tag(t) },
            saphyr::Event::MappingEnd => Event::MappingEnd,
        };
        out.push(Ok((event, at(span.start.index()), at(span.end.index()))));
    }
    out
}

/// Whether meshgate refused this on purpose (a `%TAG` line), where saphyr may read it.
fn refused_on_purpose(text: &str) -> bool {
    parse(0, text).is_err_and(|d| d.iter().any(|d| d.message.starts_with("meshgate does not read")))
}

/// Compares one stream; `Err` describes the first difference.
fn compare(text: &str) -> Result<(), String> {
    let ours = our_events(text);
    let theirs = saphyr_events(text);
    if refused_on_purpose(text) {
        return Ok(());
    }
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) if a == b => {}
        (Err(_), Err(_)) => {}
        _ => {
            let (a, b) = (ours.as_ref().unwrap_or_else(|e| e), theirs.as_ref().unwrap_or_else(|e| e));
            let first = a.iter().zip(b.iter()).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
            return Err(format!(
                "events differ (ours {}, saphyr {}) at #{first}:\n  ours:   {:?}\n  saphyr: {:?}",
                if ours.is_ok() { "ok" } else { "error" },
                if theirs.is_ok() { "ok" } else { "error" },
                a.get(first..(first + 3).min(a.len())),
                b.get(first..(first + 3).min(b.len())),
            ));
        }
    }
    let our_nodes = parse(0, text);
    let their_nodes = build(0, text, saphyr_as_ours(text).into_iter());
    match (&our_nodes, &their_nodes) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Err(a), Err(b)) if a.first().map(|d| d.code) == b.first().map(|d| d.code) => Ok(()),
        // saphyr's refusals all map to YamlSyntax, except its own nesting limit; where ours is
        // a node-level refusal (unknown alias, bad tag) the code is the same too.
        (Err(a), Err(b))
            if a.first().map(|d| d.code) == Some(Code::TooDeep) && b.first().map(|d| d.code) == Some(Code::TooDeep) =>
        {
            Ok(())
        }
        _ => Err(format!("nodes differ:\n  ours:   {our_nodes:?}\n  saphyr: {their_nodes:?}")),
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | "node_modules" | ".git" | "pkg") {
                yaml_files(&path, out);
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            out.push(path);
        }
    }
}

/// The repo's YAML files (tests/corpus, examples, web examples, fuzz fixtures), read once.
fn corpus() -> &'static [(PathBuf, String)] {
    static CORPUS: std::sync::OnceLock<Vec<(PathBuf, String)>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut files = Vec::new();
        yaml_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."), &mut files);
        files.sort();
        files.into_iter().filter_map(|f| std::fs::read_to_string(&f).ok().map(|t| (f, t))).collect()
    })
}

#[test]
fn the_repo_corpus_reads_as_saphyr_reads_it() {
    let files = corpus();
    assert!(files.len() > 100, "found only {} YAML files", files.len());
    let failures: Vec<String> = files
        .iter()
        .filter_map(|(path, text)| compare(text).err().map(|e| format!("{}: {e}", path.display())))
        .collect();
    assert!(failures.is_empty(), "{} of {} files differ:\n{}", failures.len(), files.len(), failures.join("\n"));
}

/// Documents that exercise the corners of the grammar; valid and invalid ones.
const TRICKY: &[&str] = &[
    // block scalars: chomping, indentation indicators, folding, trailing lines
    "a: |\n  line\n  two\n",
    "a: |-\n  line\n\n",
    "a: |+\n  line\n\n\nb: 1\n",
    "a: >\n  folded\n  text\n\n  para\n   indented\n  back\n",
    "a: >+\n  keep\n\n",
    "a: >-\n  strip\n  this\n",
    "a: |2\n   three\n  two\n",
    "a: |1-\n  x\n",
    "a: |-2\n   x\n",
    "- |\n  in a list\n- >\n  folded\n  in a list\n",
    "a: |\n\n  after empty\n",
    "a: |\n  x\n b: 1\n",
    "a: |\nb: 1\n",
    "a: |",
    "a: |+",
    "a: |+\n  x",
    "a: >\n  x\n\n\n",
    "|\n  top\n",
    "a: | # comment\n  x\n",
    "a: |0\n  x\n",
    "a: |x\n",
    "a: >\n  a\n  \n  b\n",
    "a: >\n\n\n  x\n",
    "a: |\n  \tx\n",
    "a: |\n\tx\n",
    "--- |\n  doc\n--- >\n  doc2\n",
    // flow collections
    "[a, b, [c, d], {e: f, g: [h]}]",
    "{a: [1, 2], b: {c: d}, e: }",
    "a: [1, 2,]\n",
    "a: {x: 1,}\n",
    "a: [ ]\nb: { }\n",
    "[a: b, c: d]",
    "[a: b, c]",
    "[? a : b]",
    "{? a : b}",
    "{a, b: c}",
    "[[[[x]]]]",
    "{a: {b: {c: {d: e}}}}",
    "a: [1,\n  2,\n  3]\n",
    "a: {x: 1,\n  y: 2}\n",
    "a: [1, 2]  # comment\nb: 1\n",
    "[\"a\":1, 'b':2]",
    "{\"a\":1}",
    "[a:1]",
    "[a -]",
    "[-a]",
    "[-]",
    "{a: [b, c], d: e}: f",
    "[1, 2]: x",
    "a: [\n]\n",
    "a: [b\n",
    "a: ]\n",
    "a: }\n",
    "[a, b]]",
    "a: {b: c\n",
    "[a, #c\n b]",
    "{a: 1 b: 2}",
    "[a\nb]",
    "[ a , b ]",
    "{ a : b }",
    "[:a]",
    "[a:]",
    "{a:}",
    "{:a}",
    // plain scalars over several lines
    "a: one\n  two\n  three\n",
    "a: one\n\n  two\n",
    "- one\n  two\n- three\n",
    "key with spaces: value with spaces\n",
    "a: b#c\n",
    "a: b #c\n",
    "a: x # c\n  y\n",
    "a: http://example.com:8080/path\n",
    "a: -1\nb: -x\nc: - x\n",
    "a: :x\n",
    "a: ?x\n",
    "a: x:y\n",
    "a: x: y\n",
    "a:b\n",
    "a: 'one\n  two'\n",
    "plain\ntext\nover lines\n",
    "a: b\n  # comment\n  c\n",
    "a:\n  b\n  c\n",
    "a: @x\n",
    "a: `x\n",
    "a: %x\n",
    // quoted scalars
    "a: \"\\u263A \\x41 \\t \\n \\\\ \\\" \\/ \\0 \\e \\N \\_ \\L \\P \\U0001F600\"\n",
    "a: \"one\n  two\n\n  three\"\n",
    "a: \"line \\\n  continued\"\n",
    "a: \"esc \\\n\n  after empty\"\n",
    "a: 'it''s'\n",
    "a: 'one\n\n  two'\n",
    "a: \"trailing   \n  spaces\"\n",
    "a: \"\\q\"\n",
    "a: \"\\u12\"\n",
    "a: \"\\uD800\"\n",
    "a: \"open\n",
    "a: 'open\n",
    "a: \"x\" y\n",
    "a: \"x\"y\n",
    "\"a\": 1\n'b': 2\n",
    "\"a\" : 1\n",
    "\"a\"\n: 1\n",
    "a: \"x\"  # c\n",
    "a: \"\t tab\"\n",
    "\"multi\nline key\": 1\n",
    "a: \"--- x\"\n",
    "a: \"\n---\n\"\n",
    // comments everywhere
    "# top\na: 1 # after\n# between\nb: # before value\n  c: 2\n# end\n",
    "a: 1\n#no space\n",
    "a: 1#x\n",
    "- a # c\n- b\n",
    "a:\n  # only a comment\nb: 1\n",
    "\"a\"#c\n",
    "a: [1]#c\n",
    // anchors, aliases and tags
    "a: &x 1\nb: *x\n",
    "a: &x\n  k: v\nb: *x\n",
    "a: &x [1, 2]\nb: *x\n",
    "&x a: *x\n",
    "a: &x 1\na2: &x 2\nb: *x\n",
    "a: &x {b: &x 1, c: *x}\nd: *x\n",
    "a: &x [*x]\n",
    "a: *nope\n",
    "a: &x\nb: *x\n",
    "a: !!str 1\nb: !!int 2\nc: !local x\nd: !<tag:yaml.org,2002:str> y\ne: ! z\nf: !\n",
    "a: !!str\nb: &x !!int 3\nc: !!int &y 4\n",
    "a: !a!b c\n",
    "a: !!\n",
    "a: !x%41y z\n",
    "a: !x%4 z\n",
    "a: !<x\n",
    "a: !!map {}\nb: !!seq []\n",
    "a: &\n",
    "a: *\n",
    "a: & x\n",
    "[&a x, *a]",
    "{&a k: v, *a : w}",
    "&a\n- x\n",
    "&a\na: b\n",
    "a:\n  &x\n  - 1\n",
    "--- !!map\na: b\n",
    "--- &a\n- x\n",
    // documents
    "---\na: 1\n...\n---\nb: 2\n",
    "--- a\n--- b\n",
    "a: 1\n---\n",
    "---\n---\n",
    "...\n",
    "--- # comment\na: 1\n",
    "a: 1\n... # end\n",
    "a: 1\n... x\n",
    "---a\n",
    "--- a: b\n",
    "---\n- a\n...\n--- [b]\n",
    "a\n---\nb\n...\n",
    "a: 1\nb\n---\n",
    "%YAML 1.2\n---\na: 1\n",
    "%YAML 1.1\n%YAML 1.2\n---\na: 1\n",
    "%FOO bar baz\n---\nx\n",
    "%FOO bar # c\n--- x\n",
    "a\n%YAML 1.2\n---\nb\n",
    "a\n...\n%YAML 1.2\n---\nb\n",
    "%YAML 1.2 # c\n---\n",
    "%YAML 1.2#c\n---\n",
    "%YAML1.2\n---\n",
    "%YAML 1.2x\n---\n",
    "%YAML 1234567890.1\n---\n",
    "%YAML 1.\n---\n",
    "%\n---\n",
    "%YAML 1.2\nx\n",
    "%YAML 1.2\n",
    "%YAML 1.2\n...\n",
    "\u{feff}%YAML 1.2\n---\nx\n",
    "%YAML 1.2\n\u{feff}---\nx\n",
    "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    // keys and values
    "key:\nother: 1\n",
    "key:\n",
    "a:\n- x\n- y\nb: 1\n",
    "a:\n  - x\n  -\n  - z\n",
    "- - a\n  - b\n- - c\n",
    "- a: 1\n  b: 2\n- c: 3\n",
    "-\n  a: 1\n",
    "- \n- x\n",
    "? a\n: b\n",
    "? a\n? b\n",
    "? [x]\n: 1\n",
    "? |\n  block key\n: v\n",
    ": no key\n",
    "a: 1\n: 2\n",
    "a: b: c\n",
    "a: - b\n",
    "- a\nb: 1\n",
    "a: 1\n b: 2\n",
    "a: 1\n  b: 2\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n    b: 1\n  c: 2\n",
    "a: 1\n- b\n",
    "true: 1\n8080: 2\nnull: 3\n~: 4\n",
    "a b c: d e f\n",
    "a: 1\na: 2\n",
    "? \n: x\n",
    "a: {b}\n",
    // tabs, BOM, CRLF, trailing spaces
    "a:\t1\n",
    "a:\n\t- x\n",
    "a:\n  b:\t1\n",
    "\ta: 1\n",
    "a: 1\t\n",
    "-\tx\n",
    "- \t- x\n",
    "a: [\t1,\t2\t]\n",
    "a: 1\n\t\nb: 2\n",
    "a:\n  \tb: 1\n",
    "a: b\n\tc\n",
    "\u{feff}a: 1\n",
    "\u{feff}---\na: 1\n",
    "a: 1\n\u{feff}b: 2\n",
    "a: 1\n---\n\u{feff}b: 2\n",
    "a: \u{feff}x\n",
    "# \u{feff}x\n",
    "a: 1 # \u{feff}\n",
    "? # \u{feff}\n",
    "a: |\n  x\u{feff}y\n",
    "a: 'x\u{feff}y'\n",
    "a: x\u{feff}y\n",
    "[a, \u{feff}]\n",
    "a: 1\r\nb: \"x\"\r\n---\r\nc: |\r\n  l1\r\n  l2\r\n",
    "a: 1\rb: 2\r",
    "a: 1   \nb: 2  \n  \n",
    "a: 'x'   \n",
    "- x   \n-   \n",
    "a: |  \n  x  \n",
    // odd and empty input
    "",
    " ",
    "\n\n",
    "# only",
    "~",
    "- ",
    "-",
    "?",
    ":",
    "a",
    "a:",
    "'",
    "\"",
    "[",
    "{",
    "]",
    "}",
    ",",
    "#",
    "&",
    "*",
    "!",
    "|",
    ">",
    "a\0b",
    "\0",
    "a: \u{e9}\u{1F600}\n\u{e9}: [\u{e9}, {\u{e9}: \u{e9}}]\n",
    "k\u{e9}y: 'v\u{e9}' # \u{1F600}\n",
    "a: x\u{85}y\n",
    "a: \u{2028}\n",
];

#[test]
fn tricky_documents_read_as_saphyr_reads_them() {
    let failures: Vec<String> =
        TRICKY.iter().filter_map(|text| compare(text).err().map(|e| format!("{text:?}: {e}"))).collect();
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), TRICKY.len(), failures.join("\n\n"));
}

/// A key may be up to 1024 chars (not bytes) long in block context; longer ones are no keys.
/// And flow collections nested deeper than the node tree may be.
#[test]
fn long_keys_and_deep_flows_read_as_saphyr_reads_them() {
    let mut texts = Vec::new();
    for n in [1020, 1021, 1022, 1023, 1024, 1025, 1030] {
        let key = "k".repeat(n);
        texts.push(format!("{key}: v\n"));
        texts.push(format!("a: 1\n{key}: v\n"));
        texts.push(format!("- {key}: v\n"));
        texts.push(format!("[{key}: v]\n"));
        texts.push(format!("\"{key}\": v\n"));
        texts.push(format!("{}: v\n", "\u{e9}".repeat(n)));
        texts.push(format!("{}: v\n", "\u{1F600}".repeat(n / 2)));
    }
    texts.push(format!("a: [{}]\n", "x, ".repeat(10_000)));
    // Flow nesting around the builder's limit (128) and the scanner's (255), valid or not.
    for n in [128, 129, 200, 254, 255, 256, 300] {
        texts.push(format!("{}{}", "[".repeat(n), "]".repeat(n)));
        texts.push(format!("{}x @", "[".repeat(n)));
        texts.push(format!("a: {}x: y{}", "{".repeat(n), "}".repeat(n)));
    }
    texts.push(format!("a: {}\n", "word ".repeat(10_000)));
    let failures: Vec<String> =
        texts.iter().filter_map(|t| compare(t).err().map(|e| format!("{}: {e}", t.len()))).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A generated YAML value, written out in block or flow style.
#[derive(Debug, Clone)]
enum Gen {
    Scalar(String),
    Seq(Vec<Gen>),
    Map(Vec<(String, Gen)>),
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9 _.-]{0,8}",
        Just("true".to_owned()),
        Just("~".to_owned()),
        Just("-1.5e3".to_owned()),
        Just("0x1F".to_owned()),
        Just("".to_owned()),
        Just("'single ''q'''".to_owned()),
        Just("\"dq \\u263A \\x41 \\\" \\\\ \\n\"".to_owned()),
        Just("\"a:b, c\"".to_owned()),
        Just("http://x.y:80/p?q=1".to_owned()),
        Just("a#b".to_owned()),
        Just("!!str 12".to_owned()),
        Just("! x".to_owned()),
        Just("&anc v".to_owned()),
        Just("*anc".to_owned()),
        Just("caf\u{e9} \u{1F600}".to_owned()),
        Just("-x".to_owned()),
        Just(":x".to_owned()),
        Just("a -".to_owned()),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z][A-Za-z0-9_-]{0,6}",
        Just("\"q key\"".to_owned()),
        Just("'k'".to_owned()),
        Just("8080".to_owned())
    ]
}

fn value() -> impl Strategy<Value = Gen> {
    scalar().prop_map(Gen::Scalar).prop_recursive(5, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Gen::Seq),
            prop::collection::vec((key(), inner), 0..5).prop_map(Gen::Map),
        ]
    })
}

/// Layout choices, drawn from `dice` as the writer goes.
struct Dice<'d> {
    dice: &'d [u8],
    at: usize,
}

impl Dice<'_> {
    fn roll(&mut self, sides: u8) -> u8 {
        let d = self.dice.get(self.at % self.dice.len().max(1)).copied().unwrap_or(0);
        self.at += 1;
        d % sides.max(1)
    }

    fn comment(&mut self) -> &'static str {
        ["", "", "", " # c", "  #c: [x]"][usize::from(self.roll(5))]
    }
}

fn flow(gen: &Gen, d: &mut Dice<'_>, out: &mut String) {
    let sep = |d: &mut Dice<'_>| [", ", ",", " , ", ",\n  "][usize::from(d.roll(4))];
    match gen {
        // `#` and `a -` need care in flow context; quote them there, as a user would have to.
        Gen::Scalar(s) if s.is_empty() => out.push_str("''"),
        Gen::Scalar(s) if s.contains('#') || s.ends_with(" -") || s.starts_with('-') => {
            out.push('\'');
            out.push_str(s);
            out.push('\'');
        }
        Gen::Scalar(s) if s.contains(": ") && !s.starts_with('"') => out.push_str("\"x\""),
        Gen::Scalar(s) => out.push_str(s),
        Gen::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep(d));
                }
                flow(item, d, out);
            }
            out.push(']');
        }
        Gen::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep(d));
                }
                out.push_str(k);
                out.push_str(": ");
                flow(v, d, out);
            }
            out.push('}');
        }
    }
}

fn block(gen: &Gen, indent: usize, d: &mut Dice<'_>, out: &mut String) {
    let pad = " ".repeat(indent);
    match gen {
        Gen::Scalar(s) => multi_line_scalar(s, &pad, d, out),
        Gen::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        Gen::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        _ if d.roll(4) == 0 => {
            out.push(' ');
            flow(gen, d, out);
            out.push('\n');
        }
        Gen::Seq(items) => {
            out.push_str(properties(d, "!!seq"));
            out.push_str(d.comment());
            out.push('\n');
            for item in items {
                between_entries(&pad, d, out);
                out.push_str(&pad);
                out.push('-');
                block(item, indent + 2, d, out);
            }
        }
        Gen::Map(entries) => {
            out.push_str(properties(d, "!!map"));
            out.push_str(d.comment());
            out.push('\n');
            for (k, v) in entries {
                between_entries(&pad, d, out);
                out.push_str(&pad);
                out.push_str(k);
                out.push(':');
                // A sequence under a key may sit at the key's own indentation.
                let step =
                    if matches!(v, Gen::Seq(_)) && d.roll(2) == 0 { 0 } else { [2, 4, 1][usize::from(d.roll(3))] };
                block(v, indent + step, d, out);
            }
        }
    }
}

/// An anchor or a tag (or both, or neither) before a block collection.
fn properties(d: &mut Dice<'_>, core: &'static str) -> &'static str {
    match d.roll(8) {
        0 => " &anc",
        1 => match core {
            "!!seq" => " !!seq",
            _ => " !!map",
        },
        2 => " !local &anc",
        3 => " &anc # anchored",
        _ => "",
    }
}

/// Sometimes a comment line or an empty line between entries.
fn between_entries(pad: &str, d: &mut Dice<'_>, out: &mut String) {
    match d.roll(8) {
        0 => out.push_str(&format!("{pad}# between\n")),
        1 => out.push('\n'),
        2 => out.push_str("# at column 0\n"),
        3 => out.push_str("   \n"),
        _ => {}
    }
}

/// A scalar in block context: on one line, or as a block scalar, or as a plain or double-quoted
/// scalar folded over several lines, all indented by `pad`.
fn multi_line_scalar(s: &str, pad: &str, d: &mut Dice<'_>, out: &mut String) {
    let words: Vec<&str> = s.split(' ').collect();
    let simple = s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b" _.".contains(&b));
    match d.roll(6) {
        0 | 1 => {
            let header = ["|", "|-", "|+", ">", ">-", ">+", "|2", ">1-"][usize::from(d.roll(8))];
            out.push(' ');
            out.push_str(header);
            out.push_str(d.comment());
            out.push('\n');
            let extra = if header.ends_with('2') {
                "  "
            } else if header.contains('1') {
                " "
            } else {
                ""
            };
            for (i, word) in words.iter().enumerate() {
                // More-indented and empty lines change how `>` folds.
                let deeper = if i > 0 && d.roll(4) == 0 { "  " } else { "" };
                if i > 0 && d.roll(4) == 0 {
                    out.push('\n');
                }
                out.push_str(&format!("{pad}{extra}{deeper}{word}\n"));
            }
            for _ in 0..d.roll(3) {
                out.push('\n');
            }
        }
        2 if simple && words.len() > 1 => {
            out.push(' ');
            out.push_str(&words.join(&format!("\n{pad}")));
            out.push('\n');
        }
        3 if simple && words.len() > 1 => {
            let sep = [format!("\n{pad}"), format!("\n\n{pad}"), format!(" \\\n{pad}")][usize::from(d.roll(3))].clone();
            out.push_str(" \"");
            out.push_str(&words.join(&sep));
            out.push('"');
            out.push_str(d.comment());
            out.push('\n');
        }
        _ => {
            out.push(' ');
            out.push_str(s);
            out.push_str(d.comment());
            out.push('\n');
        }
    }
}

fn document(gen: &Gen, d: &mut Dice<'_>) -> String {
    let mut out = String::new();
    match gen {
        Gen::Scalar(s) => {
            out.push_str(s);
            out.push('\n');
        }
        _ if d.roll(3) == 0 => {
            flow(gen, d, &mut out);
            out.push('\n');
        }
        Gen::Seq(items) if !items.is_empty() => {
            for item in items {
                out.push('-');
                block(item, 2, d, &mut out);
            }
        }
        Gen::Map(entries) if !entries.is_empty() => {
            for (k, v) in entries {
                out.push_str(k);
                out.push(':');
                let step = if matches!(v, Gen::Seq(_)) && d.roll(2) == 0 { 0 } else { 2 };
                block(v, step, d, &mut out);
            }
        }
        _ => {
            flow(gen, d, &mut out);
            out.push('\n');
        }
    }
    out
}

/// How many cases each proptest below checks (20,000 each were run once when the parser was
/// written; this keeps `cargo test` quick).
const CASES: u32 = 3000;

fn edit(mut bytes: Vec<u8>, edits: Vec<(usize, usize, u8)>) -> String {
    for (kind, at, byte) in edits {
        let at = at % (bytes.len() + 1);
        match kind {
            0 => bytes.insert(at, byte),
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ if at < bytes.len() => bytes[at] = byte,
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn edits() -> impl Strategy<Value = Vec<(usize, usize, u8)>> {
    let bytes = b" \t\r\n-:?[]{},#&*!|>'\"%@`a1.\\+0\0".to_vec();
    prop::collection::vec((0usize..3, any::<usize>(), prop::sample::select(bytes)), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// The tricky documents and the corpus's files, damaged.
    #[test]
    fn damaged_known_documents_read_as_saphyr_reads_them(pick in any::<usize>(), edits in edits()) {
        let corpus = corpus();
        let base = match pick % 2 {
            0 => TRICKY[pick / 2 % TRICKY.len()].as_bytes().to_vec(),
            _ => corpus.get(pick / 2 % corpus.len().max(1)).map(|(_, t)| t.as_bytes().to_vec()).unwrap_or_default(),
        };
        let text = edit(base, edits);
        let result = compare(&text);
        prop_assert!(result.is_ok(), "{}\n---- text:\n{text}", result.err().unwrap_or_default());
    }

    #[test]
    fn block_scalar_like_text_reads_as_saphyr_reads_it(text in "[|>+0-39 \t\r\na#:'\"\\-]{0,40}") {
        let result = compare(&text);
        prop_assert!(result.is_ok(), "{}\n---- text: {text:?}", result.err().unwrap_or_default());
    }

    #[test]
    fn generated_documents_read_as_saphyr_reads_them(
        docs in prop::collection::vec(value(), 1..4),
        dice in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let mut d = Dice { dice: &dice, at: 0 };
        let mut text: String = docs.iter().map(|g| format!("---\n{}", document(g, &mut d))).collect();
        if d.roll(4) == 0 {
            text = text.replace('\n', "\r\n");
        }
        let result = compare(&text);
        prop_assert!(result.is_ok(), "{}\n---- text:\n{text}", result.err().unwrap_or_default());
    }

    /// Damaged documents: both refuse, or both read them alike.
    #[test]
    fn damaged_documents_read_as_saphyr_reads_them(
        gen in value(),
        dice in prop::collection::vec(any::<u8>(), 1..64),
        edits in edits(),
    ) {
        let mut d = Dice { dice: &dice, at: 0 };
        let text = edit(document(&gen, &mut d).into_bytes(), edits);
        let result = compare(&text);
        prop_assert!(result.is_ok(), "{}\n---- text:\n{text}", result.err().unwrap_or_default());
    }

    #[test]
    fn yaml_like_text_reads_as_saphyr_reads_it(text in "[-:?\\[\\]{},&*!|>'\"#@` \t\nab01.~\u{e9}\r%\u{feff}]{0,60}") {
        let result = compare(&text);
        prop_assert!(result.is_ok(), "{}\n---- text: {text:?}", result.err().unwrap_or_default());
    }
}
