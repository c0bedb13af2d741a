//! Typed decoding: from the generic [`Node`] tree to Rust structs, applying Consul's key rules and
//! collecting every problem instead of stopping at the first.
//!
//! Rules applied here, for every format alike:
//! - keys match case-insensitively, and `_`/`-` are ignored (`PathPrefix` = `path_prefix`);
//! - a one-element list is accepted where a block is expected (`MeshGateway: [{Mode: local}]`);
//! - a block is accepted where a list of blocks is expected, and repeated blocks append;
//! - `null` means "not set";
//! - unknown keys are errors with a did-you-mean suggestion.

mod macros;
mod primitives;
pub(crate) use primitives::{plain_float, rounded_float};

pub use primitives::{Duration, Opaque};

use crate::diag::{Code, Diagnostic};
use crate::source::Span;
use crate::syntax::{Entry, Node, Value};
use std::borrow::Cow;

/// Top-level keys every config entry accepts and skips. `Kind` picks the entry's type (the
/// dispatcher has read it). `CreateIndex`, `ModifyIndex` and `Hash` are bookkeeping Consul adds to
/// each entry it returns (`consul config read`, `GET /v1/config/:kind/:name`) and skips when it
/// reads one back, so that an entry read from Consul can be written back as it is.
pub const SKIPPED_ENTRY_KEYS: &[&str] = &["Kind", "CreateIndex", "ModifyIndex", "Hash"];

/// Collects diagnostics while decoding and validating.
#[derive(Debug, Default)]
pub struct Cx {
    pub diags: Vec<Diagnostic>,
    /// Decoding the `spec` of a Kubernetes resource: field names are the CRD's exact camelCase
    /// (`pathPrefix`), as the Kubernetes API server prunes any other spelling (see [`crd_case`]).
    pub crd_keys: bool,
    /// The Kubernetes resources of the file being decoded that others name (route filters).
    pub kube: crate::crd::Resources,
}

impl Cx {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, code: Code, span: Span, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, span, message));
    }

    pub fn warning(&mut self, code: Code, span: Span, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(code, span, message));
    }

    pub fn push(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    pub fn type_error(&mut self, node: &Node, expected: &str) {
        self.error(Code::WrongType, node.span, format!("expected {expected}, found {}", describe(node)));
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }
}

/// "a string (\"ninety\")" — the found value, quoted when short, so the message shows what was read.
fn describe(node: &Node) -> String {
    match &node.value {
        Value::String(s) if s.chars().count() <= 40 => format!("a string (\"{s}\")"),
        Value::Number(n) if n.len() <= 40 => format!("a number ({n})"),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Array(items) => format!("a list of {}", items.len()),
        _ => node.type_name().to_string(),
    }
}

/// A type that can be read from a [`Node`].
pub trait Decode: Sized {
    /// What a person expects here, for messages: "a string", "a port number".
    fn expected() -> &'static str;

    /// Reads the value, or reports why not and returns `None`.
    fn decode(node: &Node, cx: &mut Cx) -> Option<Self>;

    /// Lists accept repeated keys (HCL's repeated blocks) by appending.
    fn appends() -> bool {
        false
    }
}

/// Test-only: a decoded type's leaf fields, so a test can enumerate every field of the model
/// from the types themselves (see `plan::unapplied`). Kept out of other builds: the playground's
/// wasm would carry it for every struct.
#[cfg(test)]
pub trait Shape {
    /// Pushes `(path, sample)` for each leaf under `prefix`. A struct lists its fields (keys
    /// spelled as people write them, joined with `.`), a list or an option its item's, a map of
    /// blocks its value's under `*`; anything else is a leaf, and `sample` a value of it in HCL.
    fn paths(prefix: &str, out: &mut Vec<(String, String)>);
}

/// A leaf of a [`Shape`]: its path and a sample value.
#[cfg(test)]
pub fn shape_leaf(prefix: &str, sample: &str, out: &mut Vec<(String, String)>) {
    out.push((prefix.to_string(), sample.to_string()));
}

/// `prefix.key`, or `key` at the top.
#[cfg(test)]
pub fn join_path(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Where each field of a decoded struct was written. Spans are provenance, not content: `Meta`
/// compares equal to any other `Meta`, so the same entry written in two formats decodes equal.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    /// The whole object.
    pub span: Span,
    /// Field name (the Rust field) → span of its value.
    fields: Vec<(&'static str, Span)>,
}

impl PartialEq for Meta {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Meta {
    pub fn new(span: Span) -> Self {
        Meta { span, fields: Vec::new() }
    }

    pub fn set(&mut self, field: &'static str, span: Span) {
        self.fields.push((field, span));
    }

    /// The span of a field's value, or of the whole object when the field was not written.
    pub fn field(&self, field: &str) -> Span {
        self.field_opt(field).unwrap_or(self.span)
    }

    pub fn field_opt(&self, field: &str) -> Option<Span> {
        self.fields.iter().find(|(f, _)| *f == field).map(|(_, s)| *s)
    }

    /// Every field written (not `null`), with the span of its value, in the order decoded.
    pub fn written(&self) -> impl Iterator<Item = (&'static str, Span)> + '_ {
        self.fields.iter().copied()
    }
}

/// Does a written key name this field ([`crate::syntax::key_chars`]: any ASCII case, `_` and `-`
/// ignored)? No allocation: called for every key against every field while decoding.
pub fn key_matches(written: &str, field: &str) -> bool {
    let field = field.strip_prefix("r#").unwrap_or(field);
    crate::syntax::key_chars(written).eq(crate::syntax::key_chars(field))
}

/// The entries of an object, also accepting a one-element list holding an object.
pub fn object_entries<'n>(node: &'n Node, cx: &mut Cx, what: &str) -> Option<&'n [Entry]> {
    match &node.value {
        Value::Object(entries) => Some(entries),
        Value::Array(items) if items.len() == 1 => match items.first() {
            Some(Node { value: Value::Object(entries), .. }) => Some(entries),
            _ => {
                cx.type_error(node, what);
                None
            }
        },
        _ => {
            cx.type_error(node, what);
            None
        }
    }
}

/// Reads one field from an object's entries: finds every key naming it (by `names`: the field's
/// name, then its other accepted spellings, separated by `,`), reports duplicates unless the type
/// appends, and decodes the value. `None` when absent or invalid.
pub fn decode_field<T: Decode>(
    entries: &[Entry],
    names: &str,
    field: &'static str,
    meta: &mut Meta,
    cx: &mut Cx,
) -> Option<T> {
    // One copy of the key search for every field type: only the final decode is per type.
    let node = field_node(entries, names, field, T::appends(), meta, cx)?;
    T::decode(&node, cx)
}

/// [`decode_field`] into `slot`, which keeps its value when the field is absent or invalid. What
/// `decode_struct!` calls for every field: the store (and the drop of the default it replaces) is
/// then made once per field type, not once per field, which keeps the playground's wasm smaller.
pub fn decode_field_into<T: Decode>(
    entries: &[Entry],
    names: &str,
    field: &'static str,
    slot: &mut T,
    meta: &mut Meta,
    cx: &mut Cx,
) {
    if let Some(v) = decode_field(entries, names, field, meta, cx) {
        *slot = v;
    }
}

/// The value a field is read from: the one written, or (for appending types) every repeated key's
/// items joined into one list. `None` when absent or `null`.
fn field_node<'e>(
    entries: &'e [Entry],
    names: &str,
    field: &'static str,
    appends: bool,
    meta: &mut Meta,
    cx: &mut Cx,
) -> Option<Cow<'e, Node>> {
    let mut matching = entries.iter().filter(|e| names.split(',').any(|n| key_matches(&e.key, n)));
    let first = matching.next()?;
    let rest: Vec<&Entry> = matching.collect();
    if cx.crd_keys {
        for e in std::iter::once(first).chain(rest.iter().copied()) {
            check_crd_spelling(e, names, cx);
        }
    }
    if rest.is_empty() {
        if first.value.value == Value::Null {
            return None;
        }
        meta.set(field, first.value.span);
        return Some(Cow::Borrowed(&first.value));
    }
    if !appends {
        for dup in &rest {
            cx.push(
                Diagnostic::error(Code::DuplicateKey, dup.key_span, format!("`{}` is given more than once", dup.key))
                    .with_related(first.key_span, format!("remove one of them: `{}` is first given", first.key)),
            );
        }
        meta.set(field, first.value.span);
        return Some(Cow::Borrowed(&first.value));
    }
    // Repeated blocks form one list, in the order written.
    let mut items = Vec::new();
    let mut span = first.value.span;
    for e in std::iter::once(first).chain(rest) {
        span = span.to(e.value.span);
        match &e.value.value {
            Value::Array(list) => items.extend(list.iter().cloned()),
            Value::Null => {}
            _ => items.push(e.value.clone()),
        }
    }
    meta.set(field, span);
    Some(Cow::Owned(Node::new(Value::Array(items), span)))
}

/// Reports keys that name no field, suggesting the closest known one. `table` holds every field's
/// names as `decode_struct!` writes them (`field,alias;field;…`), `ignored` the keys accepted and
/// skipped. `spell` turns each field's own name into the key as people write it (for the
/// message); it is only called when there is something to report.
pub fn unknown_keys(
    entries: &[Entry],
    table: &str,
    ignored: &[&str],
    spell: fn(&str) -> String,
    owner: &str,
    cx: &mut Cx,
) {
    let known = |key: &str| {
        table.split([',', ';']).chain(ignored.iter().copied()).any(|n| !n.is_empty() && key_matches(key, n))
    };
    let mut unknown = entries.iter().filter(|e| !known(&e.key)).peekable();
    if unknown.peek().is_none() {
        return;
    }
    // Each field's own name is the first of its group.
    let fields = table.split(';').filter_map(|group| group.split(',').next()).filter(|f| !f.is_empty());
    let mut display: Vec<String> = fields.map(spell).collect();
    if cx.crd_keys {
        display = display.iter().map(|k| crd_case(k)).collect();
    }
    let display: Vec<&str> = display.iter().map(String::as_str).collect();
    for e in unknown {
        let mut d = Diagnostic::error(Code::UnknownKey, e.key_span, format!("unknown key `{}` in {owner}", e.key));
        match suggest(&e.key, &display) {
            Some(s) => d = d.with_note(format!("help: did you mean `{s}`?")).with_fix(s),
            None if !display.is_empty() => {
                d = d.with_note(format!("{owner} accepts: {}", display.join(", ")));
            }
            None => {}
        }
        cx.push(d);
    }
}

/// The candidate closest to `written` (ignoring case and `_`), if it is close enough to be a typo.
pub fn suggest<'a>(written: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let w = crate::syntax::normalize_key(written);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        // Optimal string alignment: edits plus adjacent swaps, the typos people make.
        let d = strsim::osa_distance(&w, &crate::syntax::normalize_key(c));
        let limit = (w.chars().count().max(3) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// A Kubernetes resource's field names are case-sensitive: the API server prunes (or, with
/// strict field validation, refuses) `PathPrefix` where the CRD says `pathPrefix`, so a key Consul
/// would read in any spelling is an error here.
fn check_crd_spelling(e: &Entry, names: &str, cx: &mut Cx) {
    let spellings: Vec<String> = names.split(',').map(|n| crd_case(&pascal_case(n))).collect();
    if spellings.contains(&e.key) {
        return;
    }
    let want = spellings.first().cloned().unwrap_or_default();
    cx.push(
        Diagnostic::error(Code::UnknownKey, e.key_span, format!("unknown field `{}` in a Kubernetes resource", e.key))
            .with_note(format!("help: did you mean `{want}`? Kubernetes resources spell fields in camelCase"))
            .with_fix(want),
    );
}

/// `pathPrefix` from `PathPrefix`, `tlsMinVersion` from `TLSMinVersion`, `http` from `HTTP`: the
/// JSON names consul-k8s gives its CRD fields (a leading acronym is lower-cased whole).
pub fn crd_case(pascal: &str) -> String {
    let chars: Vec<char> = pascal.chars().collect();
    let mut out = String::with_capacity(pascal.len());
    let mut leading = true;
    for (i, c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        if leading && c.is_ascii_uppercase() && !(i > 0 && next_lower) {
            out.push(c.to_ascii_lowercase());
        } else {
            leading = false;
            out.push(*c);
        }
    }
    out
}

/// `path_prefix` from `r#path_prefix`: a field's key in snake-case entries (service definitions).
pub fn snake_case(field: &str) -> String {
    field.trim_start_matches("r#").to_string()
}

/// `PathPrefix` from `path_prefix`: the way config entries spell their keys, with the acronyms
/// Consul writes in capitals (`CAFile`, `HTTP`, `JSONFormat`, `MutualTLSMode`, `SourceIP`, `URI`,
/// `JWKSCluster`, `KV`, `ACL`, `DNS`).
pub fn pascal_case(field: &str) -> String {
    const ACRONYMS: &[&str] = &[
        "acl", "ca", "dns", "http", "id", "ip", "json", "jwks", "jwt", "kv", "sds", "sni", "tls", "ttl", "uri", "url",
    ];
    field
        .trim_start_matches("r#")
        .split('_')
        .map(|part| {
            if ACRONYMS.contains(&part) {
                return part.to_ascii_uppercase();
            }
            // Field names are Rust identifiers, ASCII: Unicode upper-casing would link its
            // 12 KB table into the playground's wasm for nothing.
            let mut word = part.to_string();
            if let Some(first) = word.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            word
        })
        .collect()
}

#[cfg(test)]
mod tests;
