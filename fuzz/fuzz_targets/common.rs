//! Checks shared by the targets. Besides "does not panic, hang or run out of memory", every
//! parse result must point inside the text it came from: the CLI and the page slice the text with
//! these spans, and a span off a char boundary or past the end is a latent crash there.

// Each target uses part of this module.
#![allow(dead_code)]

use meshgate_core::diag::Diagnostic;
use meshgate_core::source::Span;
use meshgate_core::syntax::{Node, Value};

/// libFuzzer mutates bytes; invalid UTF-8 becomes U+FFFD so that every input reaches the parser.
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

fn check_span(text: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(start <= end && text.get(start..end).is_some(), "{what} span {start}..{end} is not a slice of the text");
}

pub fn check_node(text: &str, node: &Node) {
    check_span(text, node.span, "node");
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| check_node(text, n)),
        Value::Object(entries) => {
            for e in entries {
                check_span(text, e.key_span, "key");
                check_node(text, &e.value);
            }
        }
        _ => {}
    }
}

/// A syntax error stops the parse: exactly one diagnostic, located inside the text.
pub fn check_error(text: &str, diags: &[Diagnostic]) {
    assert_eq!(diags.len(), 1, "a syntax error gives one diagnostic: {diags:?}");
    for d in diags {
        assert!(d.is_error(), "{d:?}");
        if let Some(span) = d.span {
            check_span(text, span, "diagnostic");
        }
    }
}

/// A log line the filter would write: ` key=value` fields after the event words, each value
/// plain (printable ASCII) or quoted with Rust's escapes, and no value longer than
/// `verdict::MAX_LOG_FIELD` bytes of the text it shows (a cut value ends with `…+N`, the bytes
/// left out). Clients choose paths, names and headers: this is what keeps a line a few KB.
pub fn check_log(line: &meshgate_core::gateway::LogLine) {
    use meshgate_core::gateway::verdict::MAX_LOG_FIELD;
    let text = line.text.as_str();
    assert!(text.starts_with("meshgate "), "log line without the meshgate prefix: {text:?}");
    let mut rest = text;
    let mut fields = 0;
    // Skip the event words (`meshgate deny`): everything before the first ` key=`.
    loop {
        let Some(space) = rest.find(' ') else { break };
        let after = &rest[space + 1..];
        let key_len = after.bytes().take_while(|b| b.is_ascii_lowercase() || *b == b'_').count();
        if key_len > 0 && after.as_bytes().get(key_len) == Some(&b'=') {
            let value = &after[key_len + 1..];
            let (shown, consumed) = field_value(value, text);
            assert!(
                shown <= MAX_LOG_FIELD,
                "log field `{}` shows {shown} bytes (more than {MAX_LOG_FIELD}): {text:?}",
                &after[..key_len]
            );
            fields += 1;
            rest = &value[consumed..];
        } else {
            assert_eq!(fields, 0, "text between fields: {text:?}");
            rest = after;
        }
    }
    assert!(fields > 0, "a log line without fields: {text:?}");
}

/// The number of bytes of original text a field value shows, and how many bytes of the line it
/// takes.
fn field_value(value: &str, line: &str) -> (usize, usize) {
    if !value.starts_with('"') {
        let end = value.find(' ').unwrap_or(value.len());
        let plain = &value[..end];
        assert!(
            !plain.is_empty() && plain.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\'),
            "a plain log value that should be quoted: {line:?}"
        );
        return (plain.len(), end);
    }
    let mut shown = String::new();
    let mut chars = value.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                // A cut value ends with `…+N`: the left-out bytes, not shown text.
                let kept = match shown.rfind("…+") {
                    Some(at) if shown[at + "…+".len()..].bytes().all(|b| b.is_ascii_digit()) => at,
                    _ => shown.len(),
                };
                return (kept, i + 1);
            }
            '\\' => {
                let (_, e) = chars.next().unwrap_or_else(|| panic!("a dangling escape: {line:?}"));
                match e {
                    'n' => shown.push('\n'),
                    'r' => shown.push('\r'),
                    't' => shown.push('\t'),
                    '0' => shown.push('\0'),
                    '\\' | '"' | '\'' => shown.push(e),
                    'u' => {
                        let hex: String = chars.by_ref().map(|(_, c)| c).skip(1).take_while(|c| *c != '}').collect();
                        let code = u32::from_str_radix(&hex, 16).unwrap_or_else(|_| panic!("bad escape: {line:?}"));
                        shown.push(char::from_u32(code).unwrap_or_else(|| panic!("bad escape: {line:?}")));
                    }
                    other => panic!("unknown escape \\{other} in a log line: {line:?}"),
                }
            }
            c => shown.push(c),
        }
    }
    panic!("an unclosed quoted log value: {line:?}")
}
