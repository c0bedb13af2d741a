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
