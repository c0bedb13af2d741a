//! YAML into the span-carrying [`Node`] tree.
//!
//! `yaml/scanner.rs` and `yaml/events.rs` do the YAML grammar (our own, reading as saphyr-parser
//! did before it); this module builds nodes from their events: it resolves plain scalars (YAML
//! 1.2 core schema), expands aliases under a node budget and trims event spans into node spans.
//!
//! The one YAML feature meshgate refuses, with an error saying so (no Consul or Kubernetes file
//! uses it): `%TAG` directives, and so tag handles of the form `!name!` (saphyr-parser refused
//! those too, having no `%TAG` to declare them).

mod events;
mod scanner;

#[cfg(test)]
mod oracle_tests;

use rustc_hash::FxHashMap as FastMap;

use events::{Event, Parser, Tag};
use scanner::Style as ScalarStyle;

use super::{Entry, Node, Value, MAX_DEPTH, MAX_NODES};
use crate::diag::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// One node per document; a stream with no documents (empty, or only comments) gives none.
pub fn parse(file: FileId, text: &str) -> Result<Vec<Node>, Vec<Diagnostic>> {
    build(file, text, Parser::new(text).map(|e| e.map_err(|e| (e.pos, e.message))))
}

/// An event with its byte span, or a syntax error's position and message.
type Item = Result<(Event, usize, usize), (usize, &'static str)>;

/// Builds documents from an event stream (ours, or saphyr's in the differential test).
fn build(file: FileId, text: &str, events: impl Iterator<Item = Item>) -> Result<Vec<Node>, Vec<Diagnostic>> {
    let mut builder = Builder {
        file,
        text,
        documents: Vec::new(),
        stack: Vec::new(),
        names: FastMap::default(),
        anchors: FastMap::default(),
        next_anchor: 1,
        nodes: 0,
    };
    for event in events {
        let result = match event {
            Ok((Event::StreamEnd, _, _)) => break,
            Ok((event, start, end)) => builder.event(event, Span::new(file, start, end)),
            Err((pos, message)) => Err(builder.scan_error(pos, message)),
        };
        result.map_err(|d| vec![d])?;
    }
    Ok(builder.documents)
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    documents: Vec<Node>,
    /// Collections still open, innermost last.
    stack: Vec<Frame>,
    /// Anchor names to the id of their latest definition. A definition takes the name when it
    /// starts, so inside an anchored collection its own name is not yet usable.
    names: FastMap<String, usize>,
    /// Completed anchored nodes by anchor id, with how many nodes each expands to.
    anchors: FastMap<usize, (Node, usize)>,
    next_anchor: usize,
    /// Nodes produced in the current document, aliases counted at their full size.
    nodes: usize,
}

struct Frame {
    start: Span,
    /// Anchor id, 0 if none.
    anchor: usize,
    /// `nodes` when the collection opened, to know its size if it is anchored.
    nodes_before: usize,
    items: Items,
}

enum Items {
    Sequence(Vec<Node>),
    Mapping { entries: Vec<Entry>, key: Option<(String, Span)> },
}

impl Builder<'_> {
    fn event(&mut self, event: Event, span: Span) -> Result<(), Diagnostic> {
        match event {
            Event::DocumentStart => {
                self.names.clear();
                self.anchors.clear();
                self.nodes = 0;
                Ok(())
            }
            Event::Scalar { text, style, anchor, tag } => {
                let anchor = self.define(anchor);
                // An empty value (`key:` with nothing after it) comes with the span of whatever
                // token follows, such as the next `---`; it really is nothing at that point.
                let span = if text.is_empty() && style == ScalarStyle::Plain && tag.is_none() && anchor == 0 {
                    Span::new(self.file, span.start as usize, span.start as usize)
                } else {
                    self.trim_quoted(span, style)
                };
                // A key stays the text it was written as: `true:` or `8080:` name a field here.
                let value = if self.expecting_key() {
                    Value::String(text)
                } else {
                    self.count(1, span)?;
                    resolve(&text, style, tag.as_ref()).map_err(|message| self.syntax(span, message))?
                };
                self.finish(Node::new(value, span), anchor, 1)
            }
            Event::Alias(name) => {
                // Only anchors completed earlier in this document have a node to copy.
                let found = self.names.get(&name).and_then(|id| self.anchors.get(id));
                let Some((node, size)) = found else {
                    let name = self.text.get(span.start as usize..span.end as usize).unwrap_or("*");
                    return Err(self.unknown_alias(span, name));
                };
                let (mut node, size) = (node.clone(), *size);
                self.count(size, span)?;
                // The use site is where a problem with this value should be reported.
                node.span = span;
                self.attach(node)
            }
            Event::SequenceStart { anchor, tag } => self.open(span, anchor, tag, Items::Sequence(Vec::new())),
            Event::MappingStart { anchor, tag } => {
                self.open(span, anchor, tag, Items::Mapping { entries: Vec::new(), key: None })
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            Event::StreamEnd | Event::DocumentEnd => Ok(()),
        }
    }

    /// Gives an anchor name a new id (0 for no anchor).
    fn define(&mut self, anchor: Option<String>) -> usize {
        let Some(name) = anchor else { return 0 };
        let id = self.next_anchor;
        self.next_anchor += 1;
        self.names.insert(name, id);
        id
    }

    fn open(&mut self, span: Span, anchor: Option<String>, tag: Option<Tag>, items: Items) -> Result<(), Diagnostic> {
        let (kind, what) = match items {
            Items::Sequence(_) => ("seq", "a list"),
            Items::Mapping { .. } => ("map", "a mapping"),
        };
        if let Some(tag) = tag.as_ref().and_then(core_tag).filter(|t| *t != kind && is_known_core_tag(t)) {
            return Err(self.syntax(span, format!("`!!{tag}` cannot be applied to {what}")));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(Code::TooDeep, span, format!("nesting is deeper than {MAX_DEPTH} levels")));
        }
        self.count(1, span)?;
        let anchor = self.define(anchor);
        let start = if kind == "seq" { self.with_dash(span) } else { span };
        self.stack.push(Frame { start, anchor, nodes_before: self.nodes - 1, items });
        Ok(())
    }

    fn close(&mut self, end: Span) -> Result<(), Diagnostic> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (value, last) = match frame.items {
            Items::Sequence(items) => {
                let last = items.last().map(|n| n.span);
                (Value::Array(items), last)
            }
            Items::Mapping { entries, .. } => {
                let last = entries.last().map(|e| e.value.span.to(e.key_span));
                (Value::Object(entries), last)
            }
        };
        // Flow collections end at their bracket. Block ones end where the next token starts,
        // which can be lines of comments later, so they end with their last child instead.
        let mut span = frame.start;
        if end.start < end.end {
            span = span.to(end);
        } else if let Some(last) = last {
            span = span.to(last);
        }
        self.finish(Node::new(value, span), frame.anchor, self.nodes - frame.nodes_before)
    }

    /// Remembers a completed node if it is anchored, then hands it to its parent.
    fn finish(&mut self, node: Node, anchor: usize, size: usize) -> Result<(), Diagnostic> {
        if anchor != 0 {
            // The copy kept for aliases is memory too: nested anchors around one big node must
            // not each get a free copy of it.
            self.count(size, node.span)?;
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.attach(node)
    }

    fn attach(&mut self, node: Node) -> Result<(), Diagnostic> {
        let Some(frame) = self.stack.last_mut() else {
            // `---` with nothing after it (a trailing separator, say) is no document anyone meant
            // to write; an explicit `~` or `null` still is one.
            if !(node.value == Value::Null && node.span.start == node.span.end) {
                self.documents.push(node);
            }
            return Ok(());
        };
        match &mut frame.items {
            Items::Sequence(items) => items.push(node),
            Items::Mapping { entries, key } => match key.take() {
                Some((key, key_span)) => entries.push(Entry { key, key_span, value: node, block: false }),
                None => match key_text(node.value) {
                    Some(text) => *key = Some((text, node.span)),
                    None => return Err(self.syntax(node.span, "mapping keys must be plain strings")),
                },
            },
        }
        Ok(())
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame { items: Items::Mapping { key: None, .. }, .. }))
    }

    /// Charges `n` nodes to the document, so a few lines of nested aliases cannot expand into
    /// billions of nodes (the "billion laughs" attack).
    fn count(&mut self, n: usize, span: Span) -> Result<(), Diagnostic> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(Diagnostic::error(
                Code::TooLarge,
                span,
                format!("this document expands to more than {MAX_NODES} values (each use of an alias counts in full)"),
            ));
        }
        Ok(())
    }

    /// saphyr starts a sequence nested as a mapping value without indentation (`key:\n- a`)
    /// after its first `- `; widen it back to the dash so the list's span covers all of it.
    fn with_dash(&self, span: Span) -> Span {
        let bytes = self.text.as_bytes();
        let start = span.start as usize;
        if span.start != span.end || bytes.get(start) == Some(&b'-') {
            return span;
        }
        let mut i = start;
        while i > 0 && bytes.get(i - 1) == Some(&b' ') {
            i -= 1;
        }
        match i.checked_sub(1) {
            Some(dash) if i < start && bytes.get(dash) == Some(&b'-') => Span::new(self.file, dash, span.end as usize),
            _ => span,
        }
    }

    /// saphyr extends a quoted scalar's span over trailing blanks and a comment after the closing
    /// quote; cut it back to that quote, found by re-reading the escapes from the opening one.
    fn trim_quoted(&self, span: Span, style: ScalarStyle) -> Span {
        let quote = match style {
            ScalarStyle::DoubleQuoted => b'"',
            ScalarStyle::SingleQuoted => b'\'',
            _ => return span,
        };
        let bytes = self.text.as_bytes().get(span.start as usize..span.end as usize).unwrap_or_default();
        // A tag or anchor may come first: skip to the opening quote.
        let Some(open) = bytes.iter().position(|&b| b == quote) else {
            return span;
        };
        let mut i = open + 1;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'\\' if quote == b'"' => i += 2,
                b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                _ if b == quote => return Span::new(self.file, span.start as usize, span.start as usize + i + 1),
                _ => i += 1,
            }
        }
        span
    }

    fn scan_error(&self, pos: usize, message: &'static str) -> Diagnostic {
        let width = self.text.get(pos..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
        let span = Span::new(self.file, pos, pos + width);
        match message {
            scanner::TOO_DEEP => {
                Diagnostic::error(Code::TooDeep, span, format!("nesting is deeper than {MAX_DEPTH} levels"))
            }
            "mapping values are not allowed in this context" => self
                .syntax(span, message)
                .with_note("help: quote a value that contains `: `, or check the indentation of this line"),
            _ => self.syntax(span, message),
        }
    }

    fn unknown_alias(&self, span: Span, name: &str) -> Diagnostic {
        self.syntax(span, format!("alias `{name}` refers to an anchor not defined earlier in this document"))
    }

    fn syntax(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(Code::YamlSyntax, span, message)
    }
}

/// The value of a scalar: quoted and block scalars are strings; plain ones follow the YAML 1.2
/// core schema; a core tag (`!!str`, `!!int`, ...) overrides both, and the non-specific tag `!`
/// makes any scalar a string (`! 12` is "12", a bare `!` is ""). Other tags are ignored.
fn resolve(raw: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let text = || raw.to_owned();
    if tag.is_some_and(|t| t.handle.is_empty() && t.suffix == "!") {
        return Ok(Value::String(text()));
    }
    if let Some(tag) = tag.and_then(core_tag).filter(|t| is_known_core_tag(t)) {
        let value = match tag {
            "str" => Some(Value::String(text())),
            "null" => is_null(raw).then_some(Value::Null),
            "bool" => as_bool(raw).map(Value::Bool),
            "int" => is_int(raw).then(|| Value::Number(text())),
            "float" => (is_float(raw) || is_int(raw)).then(|| Value::Number(text())),
            _ => return Err(format!("`!!{tag}` cannot be applied to a single value")),
        };
        return value.ok_or_else(|| format!("`{raw}` is not a valid `!!{tag}`"));
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text()));
    }
    Ok(if is_null(raw) {
        Value::Null
    } else if let Some(b) = as_bool(raw) {
        Value::Bool(b)
    } else if is_int(raw) || is_float(raw) {
        Value::Number(text())
    } else {
        Value::String(text())
    })
}

/// The suffix of a tag in the YAML core schema (`str` for `!!str`), whether written in short
/// form or verbatim (`!<tag:yaml.org,2002:str>`).
fn core_tag(tag: &Tag) -> Option<&str> {
    const CORE: &str = "tag:yaml.org,2002:";
    if tag.handle == CORE {
        Some(&tag.suffix)
    } else if tag.handle.is_empty() {
        tag.suffix.strip_prefix(CORE)
    } else {
        None
    }
}

fn is_known_core_tag(tag: &str) -> bool {
    matches!(tag, "str" | "null" | "bool" | "int" | "float" | "map" | "seq")
}

fn key_text(value: Value) -> Option<String> {
    match value {
        Value::String(s) | Value::Number(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn as_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
fn is_int(s: &str) -> bool {
    if let Some(hex) = s.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(octal) = s.strip_prefix("0o") {
        return !octal.is_empty() && octal.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    digits(s.strip_prefix(['-', '+']).unwrap_or(s))
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.inf` or `\.nan` (in the three
/// spellings the core schema allows).
fn is_float(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['-', '+']).unwrap_or(e))),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() || digits(int)) && (frac.is_empty() || digits(frac)) && !(int.is_empty() && frac.is_empty())
        }
        None => digits(mantissa),
    };
    mantissa_ok && exponent.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use proptest::prelude::*;

    fn docs(text: &str) -> Vec<Node> {
        let result = parse(0, text);
        assert!(result.is_ok(), "{text:?} failed: {result:?}");
        result.unwrap_or_default()
    }

    fn doc(text: &str) -> Node {
        let mut all = docs(text);
        assert_eq!(all.len(), 1, "{text:?}");
        all.pop().unwrap_or_else(|| Node::new(Value::Null, Span::default()))
    }

    fn err(text: &str) -> Diagnostic {
        let diags = parse(0, text).err().unwrap_or_default();
        assert_eq!(diags.len(), 1, "{text:?}: {diags:?}");
        diags.into_iter().next().unwrap_or_else(|| Diagnostic::error(Code::Io, None, ""))
    }

    fn items(node: &Node) -> &[Node] {
        match &node.value {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    fn field<'n>(node: &'n Node, key: &str) -> &'n Node {
        static MISSING: Node = Node { value: Value::Null, span: Span { file: 0, start: 0, end: 0 } };
        let entry = node.as_object().unwrap_or_default().iter().find(|e| e.key == key);
        assert!(entry.is_some(), "no `{key}` in {node:?}");
        entry.map_or(&MISSING, |e| &e.value)
    }

    fn slice(text: &str, span: Span) -> &str {
        text.get(span.start as usize..span.end as usize).unwrap_or("<bad span>")
    }

    fn at(text: &str, span: Span) -> ((u32, u32), (u32, u32)) {
        let file = SourceFile::new("t.yaml", text);
        let (s, e) = (file.position(span.start), file.position(span.end));
        ((s.line, s.column), (e.line, e.column))
    }

    fn string(s: &str) -> Value {
        Value::String(s.to_owned())
    }

    fn number(s: &str) -> Value {
        Value::Number(s.to_owned())
    }

    #[test]
    fn consul_proxy_defaults_with_an_unindented_list() {
        let text = "Kind: proxy-defaults\nMeshGateway:\n- Mode: local\nName: global\n";
        let node = doc(text);
        assert_eq!(field(&node, "Kind").value, string("proxy-defaults"));
        assert_eq!(field(&node, "Name").value, string("global"));
        let gateways = field(&node, "MeshGateway");
        assert_eq!(slice(text, gateways.span), "- Mode: local");
        assert_eq!(field(&items(gateways)[0], "Mode").value, string("local"));
        assert_eq!(slice(text, node.span), text.trim_end());
    }

    #[test]
    fn consul_service_definition() {
        let text = "\
service:
- kind: connect-proxy
  name: web-sidecar-proxy
  port: 8181
  proxy:
  - destination_service_name: web
    upstreams:
    - destination_name: api
      local_bind_port: 10000
      mesh_gateway:
      - mode: remote
";
        let node = doc(text);
        let service = &items(field(&node, "service"))[0];
        assert_eq!(field(service, "port").value, number("8181"));
        let proxy = &items(field(service, "proxy"))[0];
        let upstream = &items(field(proxy, "upstreams"))[0];
        assert_eq!(field(upstream, "local_bind_port").value, number("10000"));
        let gateway = &items(field(upstream, "mesh_gateway"))[0];
        assert_eq!(field(gateway, "mode").value, string("remote"));
        assert_eq!(at(text, field(gateway, "mode").span), ((11, 15), (11, 21)));
    }

    #[test]
    fn documents_are_split_on_markers() {
        let all = docs("Kind: mesh\n---\nKind: proxy-defaults\n---\n- 1\n...\n");
        assert_eq!(all.len(), 3);
        assert_eq!(field(&all[1], "Kind").value, string("proxy-defaults"));
        assert_eq!(items(&all[2]).len(), 1);
        assert!(docs("").is_empty());
        assert!(docs("# only a comment\n\n").is_empty());
        assert_eq!(docs("Kind: mesh\n---\n").len(), 1);
        assert!(docs("---\n# nothing\n---\n").is_empty());
        let nulls = docs("--- ~\n--- !!null\n");
        assert_eq!(nulls.iter().map(|n| &n.value).collect::<Vec<_>>(), [&Value::Null, &Value::Null]);
        let text = "a: 1\r\nb: \"x\"\r\n---\r\nc: 2\r\n";
        let all = docs(text);
        assert_eq!(slice(text, field(&all[0], "b").span), "\"x\"");
        assert_eq!(at(text, field(&all[1], "c").span).0, (4, 4));
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let cases = [
            ("~", Value::Null),
            ("null", Value::Null),
            ("NULL", Value::Null),
            ("", Value::Null),
            ("true", Value::Bool(true)),
            ("False", Value::Bool(false)),
            ("TRUE", Value::Bool(true)),
            ("42", number("42")),
            ("-7", number("-7")),
            ("+7", number("+7")),
            ("0x1F", number("0x1F")),
            ("0o17", number("0o17")),
            ("1.5", number("1.5")),
            ("-.5e-3", number("-.5e-3")),
            ("1.", number("1.")),
            ("6e2", number("6e2")),
            ("-.inf", number("-.inf")),
            (".NaN", number(".NaN")),
            ("yes", string("yes")),
            ("nULL", string("nULL")),
            ("0x", string("0x")),
            ("0o8", string("0o8")),
            ("1.2.3", string("1.2.3")),
            (".", string(".")),
            ("1e", string("1e")),
            ("10s", string("10s")),
            ("-.nan", string("-.nan")),
        ];
        for (text, want) in cases {
            assert_eq!(field(&doc(&format!("v: {text}")), "v").value, want, "{text}");
        }
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        let text = "a: \"true\"\nb: '12'\nc: |\n  line\n  two\nd: >\n  folded\n  text\ne: \"\\u00e9\\n\"\nf: 'it''s'\n";
        let node = doc(text);
        assert_eq!(field(&node, "a").value, string("true"));
        assert_eq!(field(&node, "b").value, string("12"));
        assert_eq!(field(&node, "c").value, string("line\ntwo\n"));
        assert_eq!(field(&node, "d").value, string("folded text\n"));
        assert_eq!(field(&node, "e").value, string("\u{e9}\n"));
        assert_eq!(field(&node, "f").value, string("it's"));
        assert_eq!(slice(text, field(&node, "a").span), "\"true\"");
        let text = "a: \"x\\\" y\"  # \"c\"\nb: 'it''s' # 'c'\nc: !!str &s \"t\" # c\n";
        let node = doc(text);
        assert_eq!(slice(text, field(&node, "a").span), "\"x\\\" y\"");
        assert_eq!(slice(text, field(&node, "b").span), "'it''s'");
        assert_eq!(slice(text, field(&node, "c").span), "!!str &s \"t\"");
    }

    #[test]
    fn core_tags_override_resolution() {
        let node = doc("a: !!str 12\nb: !!int \"12\"\nc: !!float 1\nd: !!bool 'true'\ne: !!null ''\nf: !local 5\ng: !<tag:yaml.org,2002:str> 1\nh: !!map {}\n");
        assert_eq!(field(&node, "a").value, string("12"));
        assert_eq!(field(&node, "b").value, number("12"));
        assert_eq!(field(&node, "c").value, number("1"));
        assert_eq!(field(&node, "d").value, Value::Bool(true));
        assert_eq!(field(&node, "e").value, Value::Null);
        assert_eq!(field(&node, "f").value, number("5"));
        assert_eq!(field(&node, "g").value, string("1"));
        assert_eq!(field(&node, "h").value, Value::Object(vec![]));
        let node = doc("a: ! 12\nb: ! true\nc: !\nd: ! ~\ne: !\n  [1]\n");
        assert_eq!(field(&node, "a").value, string("12"));
        assert_eq!(field(&node, "b").value, string("true"));
        assert_eq!(field(&node, "c").value, string(""));
        assert_eq!(field(&node, "d").value, string("~"));
        assert_eq!(items(field(&node, "e"))[0].value, number("1"));
        assert_eq!(err("a: !!int abc").message, "`abc` is not a valid `!!int`");
        assert_eq!(err("a: !!str [1]").message, "`!!str` cannot be applied to a list");
        assert_eq!(err("a: !!seq x").code, Code::YamlSyntax);
    }

    #[test]
    fn flow_collections_and_their_spans() {
        let text = "a: [1, {x: y}, \"z\"]\nb: {}\n";
        let node = doc(text);
        let a = field(&node, "a");
        assert_eq!(slice(text, a.span), "[1, {x: y}, \"z\"]");
        assert_eq!(slice(text, items(a)[1].span), "{x: y}");
        assert_eq!(field(&items(a)[1], "x").value, string("y"));
        assert_eq!(slice(text, field(&node, "b").span), "{}");
        let pair = doc("[a: b]");
        assert_eq!(field(&items(&pair)[0], "a").value, string("b"));
    }

    #[test]
    fn keys_stay_text_and_duplicates_are_kept() {
        let node = doc("true: 1\n8080: 2\nx: 3\nx: 4\n? ''\n: 5\n");
        let keys: Vec<&str> = node.as_object().unwrap_or_default().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["true", "8080", "x", "x", ""]);
        let d = err("a: 1\n? [x]\n: 2\n");
        assert_eq!(d.message, "mapping keys must be plain strings");
        assert_eq!(at("a: 1\n? [x]\n: 2\n", d.span.unwrap_or_default()), ((2, 3), (2, 6)));
        assert_eq!(err("{a: 1}: 2").code, Code::YamlSyntax);
        assert_eq!(err("base: &b {x: 1}\n*b : 2\n").message, "mapping keys must be plain strings");
    }

    #[test]
    fn aliases_copy_the_anchored_node() {
        let text = "base: &b\n  Mode: local\n  Port: 1\nother: *b\nname: &n web\nsame: *n\nk: &k key\n*k : v\n";
        let node = doc(text);
        assert_eq!(field(&node, "other").value, field(&node, "base").value);
        assert_eq!(field(field(&node, "other"), "Port").value, number("1"));
        assert_eq!(slice(text, field(&node, "other").span), "*b");
        assert_eq!(field(&node, "same").value, string("web"));
        assert_eq!(field(&node, "key").value, string("v"));
    }

    #[test]
    fn aliases_need_an_earlier_anchor_in_the_same_document() {
        let d = err("a: 1\nb: *nope\n");
        assert_eq!(d.code, Code::YamlSyntax);
        assert_eq!(d.message, "alias `*nope` refers to an anchor not defined earlier in this document");
        assert_eq!(at("a: 1\nb: *nope\n", d.span.unwrap_or_default()).0, (2, 4));
        assert_eq!(err("a: &x [*x]").message, "alias `*x` refers to an anchor not defined earlier in this document");
        assert_eq!(err("a: &x 1\n---\nb: *x\n").code, Code::YamlSyntax);
    }

    #[test]
    fn alias_bombs_stop_at_the_node_budget() {
        let mut text = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        for pair in names.windows(2) {
            let (prev, name) = (pair[0], pair[1]);
            let refs = vec![format!("*{prev}"); 10].join(", ");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let started = std::time::Instant::now();
        let d = err(&text);
        assert_eq!(d.code, Code::TooLarge);
        assert!(started.elapsed().as_secs() < 10, "took {:?}", started.elapsed());
    }

    #[test]
    fn anchor_copies_count_against_the_budget() {
        // 100 nested anchors around 20000 values: each anchor keeps its own copy of the tree.
        let mut text = format!("&a0 [{}]", vec!["x"; 20_000].join(","));
        for i in 1..100 {
            text = format!("&a{i} [{text}]");
        }
        assert_eq!(err(&text).code, Code::TooLarge);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let flow = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        doc(&flow(MAX_DEPTH));
        assert_eq!(err(&flow(MAX_DEPTH + 1)).code, Code::TooDeep);
        assert_eq!(err(&"[".repeat(100_000)).code, Code::TooDeep);
        let block: String = (0..MAX_DEPTH + 1).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert_eq!(err(&block).code, Code::TooDeep);
        let dashes = format!("{}x\n", "- ".repeat(MAX_DEPTH + 1));
        assert_eq!(err(&dashes).code, Code::TooDeep);
    }

    #[test]
    fn spans_are_bytes_after_non_ascii_text() {
        let text = "# caf\u{e9} \u{1F600}\nK\u{e9}y: \"v\u{e9}\" # \u{1F600}\nnext:\n  - [\u{e9}, x]\n";
        let node = doc(text);
        let entries = node.as_object().unwrap_or_default();
        assert_eq!(slice(text, entries[0].key_span), "K\u{e9}y");
        assert_eq!(slice(text, entries[0].value.span), "\"v\u{e9}\"");
        assert_eq!(at(text, entries[0].value.span), ((2, 6), (2, 10)));
        let list = field(&node, "next");
        assert_eq!(at(text, list.span), ((4, 3), (4, 11)));
        assert_eq!(slice(text, items(&items(list)[0])[1].span), "x");
        // a byte order mark is a char to saphyr and three bytes to us
        let text = "\u{feff}a: 1";
        assert_eq!(slice(text, field(&doc(text), "a").span), "1");
    }

    #[test]
    fn long_non_ascii_text_converts_positions_past_many_checkpoints() {
        let mut text: String = (0..500).map(|i| format!("k{i}: \u{e9}\u{1F600}{i}\n")).collect();
        text.push_str("last: end\n");
        let node = doc(&text);
        let entry = node.as_object().unwrap_or_default().last().map(|e| e.key_span).unwrap_or_default();
        assert_eq!(slice(&text, entry), "last");
        assert_eq!(at(&text, field(&node, "last").span), ((501, 7), (501, 10)));
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let d = err("a: b: c");
        assert_eq!((d.code, d.message.as_str()), (Code::YamlSyntax, "mapping values are not allowed in this context"));
        assert_eq!(at("a: b: c", d.span.unwrap_or_default()), ((1, 5), (1, 6)));
        let text = "# \u{e9}\u{1F600}\nKind: mesh\nMode: x: y\n";
        assert_eq!(at(text, err(text).span.unwrap_or_default()).0, (3, 8));
        let d = err("a:\n\t- x");
        assert_eq!(d.message, "tabs disallowed within this context (block indentation)");
        assert_eq!(at("a:\n\t- x", d.span.unwrap_or_default()).0, (2, 2));
        assert_eq!(err("a: \"open\nb: 1\n").code, Code::YamlSyntax);
        assert_eq!(err("a: [1, 2\n").code, Code::YamlSyntax);
        assert_eq!(err("- a\nb: 1").code, Code::YamlSyntax);
    }

    const VALID: &str =
        "# caf\u{e9}\nKind: service-router\nName: w\u{e9}b\nRoutes:\n- Match:\n    HTTP: {PathPrefix: \"/a\"}\n  \
        Destination: &d\n    Service: api\n    Retries: [1, 2.5, true, ~]\n- Destination: *d\n---\nnote: |\n  text\n";

    #[test]
    fn the_mutation_seed_is_valid() {
        assert_eq!(docs(VALID).len(), 2);
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(text in any::<String>()) {
            let _ = parse(0, &text);
        }

        #[test]
        fn never_panics_on_yaml_like_text(text in "[-:?\\[\\]{},&*!|>'\"#%@` \t\nab01.~é]{0,80}") {
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
            for node in parse(0, &text).unwrap_or_default() {
                prop_assert!(node.span.end as usize <= text.len());
            }
        }
    }
}
