//! `syntax::json::parse` on arbitrary text: no panic, valid spans, one diagnostic on error — and
//! the same verdict and the same value as serde_json, which follows RFC 8259 strictly.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use meshgate_core::diag::Code;
use meshgate_core::syntax::{json, Node, Value};

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    let ours = json::parse(0, &text);
    match &ours {
        Ok(node) => common::check_node(&text, node),
        Err(diags) => common::check_error(&text, diags),
    }
    // We skip one leading byte order mark; serde_json does not.
    let reference = serde_json::from_str::<serde_json::Value>(text.strip_prefix('\u{feff}').unwrap_or(&text));
    match (ours, reference) {
        (Ok(node), Ok(value)) => assert!(same(&node, &value), "parsed differently from serde_json: {value}"),
        (Err(_), Err(_)) => {}
        // Both cap nesting at about 128 levels, not at exactly the same depth.
        (Err(diags), Ok(_)) if diags.iter().any(|d| d.code == Code::TooDeep) => {}
        (Ok(_), Err(e)) if e.to_string().contains("recursion limit") => {}
        // serde_json refuses numbers beyond f64; we keep the text, and decoding reports the range.
        (Ok(_), Err(e)) if e.to_string().contains("number out of range") => {}
        (Err(diags), Ok(value)) => panic!("rejected what serde_json accepts ({value}): {diags:?}"),
        (Ok(node), Err(e)) => panic!("accepted what serde_json rejects ({e}): {node:?}"),
    }
});

/// Equal values. Numbers compare as f64 (serde_json keeps big integers only as floats); for
/// repeated keys the last one counts, as in serde_json.
fn same(node: &Node, value: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (&node.value, value) {
        (Value::Null, J::Null) => true,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Number(a), J::Number(b)) => a.parse::<f64>().ok() == b.as_f64(),
        (Value::String(a), J::String(b)) => a == b,
        (Value::Array(a), J::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        (Value::Object(entries), J::Object(map)) => {
            let mut last: Vec<(&str, &Node)> = Vec::new();
            for e in entries {
                last.retain(|(k, _)| *k != e.key);
                last.push((&e.key, &e.value));
            }
            last.len() == map.len() && last.iter().all(|(k, v)| map.get(*k).is_some_and(|m| same(v, m)))
        }
        _ => false,
    }
}
