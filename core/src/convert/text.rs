//! Writing a JSON value as YAML or as Consul's HCL. A string is written bare only when it cannot
//! be read as anything else, else double-quoted (a JSON string is a valid YAML and HCL string), so
//! no value changes type on the way back (`"yes"`, `"1"`, `"null"` stay strings).

use crate::json::quote;
use crate::json::Value;

/// A string YAML reads back as the same string when written bare: a word of letters, digits and
/// `_ . / -` that starts with a letter or `/` and is no YAML keyword (`yes`, `null`, `.inf`, ...).
fn yaml_plain(s: &str) -> bool {
    const WORDS: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null"];
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c))
        && !WORDS.contains(&s.to_ascii_lowercase().as_str())
}

fn yaml_scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if yaml_plain(s) => Some(s.clone()),
        other => scalar(other),
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(quote(s)),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(o) if o.is_empty() => Some("{}".into()),
        _ => None,
    }
}

fn yaml_key(k: &str) -> String {
    if yaml_plain(k) {
        k.to_string()
    } else {
        quote(k)
    }
}

/// One YAML document (no `---`), ending in a newline.
pub fn yaml_document(v: &Value) -> String {
    match yaml_scalar(v) {
        Some(s) => s + "\n",
        None => {
            let mut out = String::new();
            yaml_block(v, 0, &mut out);
            out
        }
    }
}

/// A non-empty object or list as indented lines.
fn yaml_block(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(o) => {
            for (k, val) in o {
                out.push_str(&pad);
                out.push_str(&yaml_key(k));
                out.push(':');
                match yaml_scalar(val) {
                    Some(s) => {
                        out.push(' ');
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => {
                        out.push('\n');
                        yaml_block(val, indent + 2, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match yaml_scalar(item) {
                    Some(s) => {
                        out.push_str(&pad);
                        out.push_str("- ");
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => {
                        // The item's block, with its first indent replaced by the dash.
                        let mut inner = String::new();
                        yaml_block(item, indent + 2, &mut inner);
                        out.push_str(&pad);
                        out.push_str("- ");
                        out.push_str(inner.get(indent + 2..).unwrap_or_default());
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&yaml_scalar(other).unwrap_or_default());
            out.push('\n');
        }
    }
}

fn hcl_key(k: &str) -> String {
    let ident = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident {
        k.to_string()
    } else {
        quote(k)
    }
}

/// An object's fields as `Key = value` lines at `indent`.
pub fn hcl_body(v: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    if let Value::Object(o) = v {
        for (k, val) in o {
            if val.is_null() {
                continue; // HCL has no null; not writing the key means the same.
            }
            out.push_str(&format!("{pad}{} = {}\n", hcl_key(k), hcl_value(val, indent)));
        }
    }
    out
}

/// A value as it follows `Key = `, its inner lines indented one step past `indent`.
pub fn hcl_value(v: &Value, indent: usize) -> String {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(o) if !o.is_empty() => format!("{{\n{}{pad}}}", hcl_body(v, indent + 2)),
        Value::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            let inner = " ".repeat(indent + 2);
            let lines: String = items.iter().map(|i| format!("{inner}{},\n", hcl_value(i, indent + 2))).collect();
            format!("[\n{lines}{pad}]")
        }
        Value::Array(items) => {
            format!("[{}]", items.iter().map(|i| scalar(i).unwrap_or_default()).collect::<Vec<_>>().join(", "))
        }
        other => scalar(other).unwrap_or_default(),
    }
}
