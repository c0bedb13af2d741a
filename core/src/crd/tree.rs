//! Building and reading value trees for Kubernetes resources: the mapped entry is a tree like any
//! parsed one, whose values keep the spans of the YAML they came from, so every later diagnostic
//! points at the resource's own lines.

use crate::decode::{suggest, Cx};
use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::{Entry, Node, Value};

pub fn string(text: &str, span: Span) -> Node {
    Node::new(Value::String(text.to_string()), span)
}

pub fn object(entries: Vec<Entry>, span: Span) -> Node {
    Node::new(Value::Object(entries), span)
}

pub fn list(items: Vec<Node>, span: Span) -> Node {
    Node::new(Value::Array(items), span)
}

pub fn field(key: &str, key_span: Span, value: Node) -> Entry {
    Entry { key: key.to_string(), key_span, value, block: false }
}

/// The fields of one object of a resource, read by exact (case-sensitive) name, as Kubernetes
/// does. Every key not taken is reported by [`Fields::finish`], so nothing is silently dropped.
pub struct Fields<'n> {
    pub span: Span,
    entries: &'n [Entry],
    taken: Vec<bool>,
    known: Vec<&'static str>,
    owner: &'static str,
}

impl<'n> Fields<'n> {
    /// `None` (reported) when the node is not an object; `null` reads as an empty object.
    pub fn of(node: &'n Node, owner: &'static str, cx: &mut Cx) -> Option<Fields<'n>> {
        let entries: &[Entry] = match &node.value {
            Value::Object(entries) => entries,
            Value::Null => &[],
            _ => {
                cx.type_error(node, &format!("{owner} (an object)"));
                return None;
            }
        };
        Some(Fields { span: node.span, entries, taken: vec![false; entries.len()], known: Vec::new(), owner })
    }

    /// The entry named exactly `key`, if written (and not `null`).
    pub fn take(&mut self, key: &'static str) -> Option<&'n Entry> {
        self.known.push(key);
        let mut found = None;
        for (i, e) in self.entries.iter().enumerate() {
            if e.key == key {
                if let Some(t) = self.taken.get_mut(i) {
                    *t = true;
                }
                if found.is_none() && e.value.value != Value::Null {
                    found = Some(e);
                }
            }
        }
        found
    }

    pub fn node(&mut self, key: &'static str) -> Option<&'n Node> {
        self.take(key).map(|e| &e.value)
    }

    /// A string field; a value of another type is reported.
    pub fn str(&mut self, key: &'static str, cx: &mut Cx) -> Option<(&'n str, Span)> {
        let node = self.node(key)?;
        match &node.value {
            Value::String(s) => Some((s.as_str(), node.span)),
            _ => {
                cx.type_error(node, "a string");
                None
            }
        }
    }

    /// Accepts a field and ignores it: it means nothing to the Consul entry.
    pub fn ignore(&mut self, keys: &[&'static str]) {
        for k in keys {
            self.take(k);
        }
    }

    /// A field Kubernetes knows that meshgate cannot map: an error, never a silent drop.
    pub fn refuse(&mut self, key: &'static str, why: &str, cx: &mut Cx) {
        if let Some(e) = self.take(key) {
            cx.push(Diagnostic::error(
                Code::UnsupportedResourceField,
                e.key_span,
                format!("`{key}` in {} is not supported: {why}", self.owner),
            ));
        }
    }

    /// Reports every key no `take` asked for, with the closest known one.
    pub fn finish(self, cx: &mut Cx) {
        for (e, taken) in self.entries.iter().zip(&self.taken) {
            if *taken {
                continue;
            }
            let mut d =
                Diagnostic::error(Code::UnknownKey, e.key_span, format!("unknown field `{}` in {}", e.key, self.owner));
            if let Some(s) = suggest(&e.key, &self.known) {
                d = d.with_note(format!("help: did you mean `{s}`?")).with_fix(s);
            } else if !self.known.is_empty() {
                d = d.with_note(format!("{} accepts: {}", self.owner, self.known.join(", ")));
            }
            cx.push(d);
        }
    }
}

/// The items of a list field (a single object counts as a list of one, as elsewhere).
pub fn items(node: &Node, cx: &mut Cx) -> Vec<Node> {
    match &node.value {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        _ => {
            cx.type_error(node, "a list");
            Vec::new()
        }
    }
}
