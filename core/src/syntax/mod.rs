//! The generic value tree every input format decodes into, with a span on every node and key.
//!
//! HCL (Consul's HCL1 style and HCL2-compatible), JSON and YAML each have a parser here that builds
//! this tree; everything after it (key rules, typed decoding, validation) is format-blind.

pub mod hcl;
pub mod json;
pub mod yaml;

use crate::diag::Diagnostic;
use crate::source::{FileId, Span};

/// Deepest nesting any parser accepts; deeper input gets `E0105` instead of a stack overflow.
pub const MAX_DEPTH: usize = 128;
/// Most nodes one document may expand to (YAML aliases can multiply a small text).
pub const MAX_NODES: usize = 1_000_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The number as written (decimal, or YAML's 0x/0o forms), parsed on use so that range errors
    /// can name the field they belong to.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Keys in source order; duplicates are kept (HCL repeats a block name to build a list).
    Object(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
    /// Written with HCL block syntax (`Name { ... }`) rather than `Name = ...`.
    pub block: bool,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Node { value, span }
    }

    /// What a person would call this kind of value, for "expected a string, found a list".
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }

    pub fn as_object(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// The first entry whose key matches `name` under Consul's key rules.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        let want = normalize_key(name);
        self.as_object()?.iter().find(|e| normalize_key(&e.key) == want)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// A letter as the readers see one: an ASCII letter, or any non-ASCII character, which stands in
/// for Unicode's letters without the standard library's Unicode tables in the playground's wasm.
/// No Consul key is non-ASCII, so a word holding one is reported as unknown either way.
pub fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || !c.is_ascii()
}

/// A letter (see [`is_letter`]) or an ASCII digit.
pub fn is_letter_or_digit(c: char) -> bool {
    is_letter(c) || c.is_ascii_digit()
}

/// `c` in backquotes for a message, a control character escaped (`escape_default` needs no
/// Unicode tables).
pub fn quoted_char(c: char) -> String {
    if c.is_control() {
        format!("`{}`", c.escape_default())
    } else {
        format!("`{c}`")
    }
}

/// Consul matches keys case-insensitively and accepts snake_case aliases of CamelCase keys:
/// `PathPrefix`, `pathprefix` and `path_prefix` all name the same field.
pub fn normalize_key(key: &str) -> String {
    key_chars(key).collect()
}

/// The characters a key compares by ([`normalize_key`] without the allocation): `_` and `-`
/// dropped, ASCII letters lowercased. Case is folded for ASCII only: a non-ASCII character
/// matches only itself (not the Kelvin sign for `k`, as Go's Unicode folding would; no Consul key
/// is spelled that way).
pub fn key_chars(key: &str) -> impl Iterator<Item = char> + '_ {
    key.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Hcl,
    Json,
    Yaml,
}

impl Format {
    /// By file extension: `.hcl`, `.json`, `.yaml`/`.yml`.
    pub fn from_path(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        match ext.as_str() {
            "hcl" | "tf" => Some(Format::Hcl),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }

    /// The format a named file is read in: by its extension, else by its content ([`Format::sniff`]).
    /// The one place a file's format is chosen, for the CLI and the playground alike.
    ///
    /// A `.hcl` file whose text starts with `{` (after blanks and a byte-order mark) is JSON:
    /// Consul's HCL reader (hashicorp/hcl v1) reads any input starting with `{` as JSON, so JSON
    /// pasted into a `.hcl` file is what `consul config write` accepts. No HCL body can start with
    /// `{`, so nothing that reads as HCL is lost.
    ///
    /// Text pasted into a file of another format is read as what it is, as the page promises:
    /// a `.json` file whose first line starts with neither `{` nor `[` cannot be JSON, so its
    /// content decides (YAML or HCL); a `.yaml` file whose first line is an HCL attribute or
    /// block (`Kind = "mesh"`, `service {`) is HCL. (JSON in a `.yaml` file is YAML already.)
    pub fn of_file(name: &str, text: &str) -> Format {
        match Format::from_path(name) {
            Some(Format::Hcl) if starts_like_json_object(text) => Format::Json,
            Some(Format::Json) if first_significant(text).is_some_and(|l| !l.starts_with(['{', '['])) => {
                Format::sniff(text)
            }
            Some(Format::Yaml) if first_significant(text).is_some_and(starts_an_hcl_body) => Format::Hcl,
            Some(format) => format,
            None => Format::sniff(text),
        }
    }

    /// Guess from content (stdin, files without an extension): JSON starts with `{` or `[`;
    /// YAML has `---`, or `key:` / `- ` lines; anything else is read as HCL.
    pub fn sniff(text: &str) -> Format {
        let Some(first) = first_significant(text) else {
            return Format::Hcl;
        };
        if first.starts_with('{') || first.starts_with('[') {
            return Format::Json;
        }
        if first.starts_with("---") || first.starts_with("- ") || first == "-" {
            return Format::Yaml;
        }
        let key_end = first.find(|c: char| !(is_letter_or_digit(c) || c == '_' || c == '-' || c == '"'));
        match key_end.map(|i| first[i..].trim_start()) {
            Some(rest) if rest.starts_with(':') => Format::Yaml,
            _ => Format::Hcl,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Hcl => "hcl",
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// The first line that is neither blank nor a comment, trimmed.
fn first_significant(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
}

/// `Kind = "mesh"` or `service {`: a key, then `=` or `{` (YAML would have `:`).
fn starts_an_hcl_body(line: &str) -> bool {
    let rest = line.trim_start_matches(|c: char| is_letter_or_digit(c) || c == '_' || c == '-' || c == '"');
    rest.len() < line.len() && rest.trim_start().starts_with(['=', '{'])
}

/// The first character after blanks (and a byte-order mark) is `{`.
fn starts_like_json_object(text: &str) -> bool {
    text.strip_prefix('\u{feff}').unwrap_or(text).trim_start().starts_with('{')
}

/// Parses one file into its documents (HCL and JSON: one; YAML: one per `---` document).
/// On a syntax error the diagnostics say where, and no documents are returned for that file.
pub fn parse(format: Format, file: FileId, text: &str) -> Result<Vec<Node>, Vec<Diagnostic>> {
    match format {
        Format::Hcl => hcl::parse(file, text).map(|n| vec![n]),
        Format::Json => json::parse(file, text).map(|n| vec![n]),
        Format::Yaml => yaml::parse(file, text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_rules_fold_case_and_underscores() {
        assert_eq!(normalize_key("PathPrefix"), normalize_key("path_prefix"));
        assert_eq!(normalize_key("MeshGateway"), normalize_key("mesh_gateway"));
        assert_ne!(normalize_key("Path"), normalize_key("PathPrefix"));
    }

    #[test]
    fn sniffing_tells_the_three_formats_apart() {
        assert_eq!(Format::sniff("  {\"Kind\": 1}"), Format::Json);
        assert_eq!(Format::sniff("[]"), Format::Json);
        assert_eq!(Format::sniff("# c\nKind: mesh\n"), Format::Yaml);
        assert_eq!(Format::sniff("---\nKind: mesh"), Format::Yaml);
        assert_eq!(Format::sniff("Kind = \"mesh\""), Format::Hcl);
        assert_eq!(Format::sniff("service {\n}"), Format::Hcl);
        assert_eq!(Format::sniff(""), Format::Hcl);
    }

    #[test]
    fn a_hcl_file_starting_with_a_brace_is_json() {
        assert_eq!(Format::of_file("e.hcl", "{\"Kind\": \"mesh\"}"), Format::Json);
        assert_eq!(Format::of_file("dir/E.HCL", "\u{feff}\n  \t\r\n{}"), Format::Json);
        assert_eq!(Format::of_file("e.tf", " {"), Format::Json);
        assert_eq!(Format::of_file("e.hcl", "Kind = \"mesh\"\n{"), Format::Hcl);
        assert_eq!(Format::of_file("e.hcl", "# {\n"), Format::Hcl);
        assert_eq!(Format::of_file("e.hcl", ""), Format::Hcl);
        // Only HCL: the extension of a YAML or JSON file is still the last word.
        assert_eq!(Format::of_file("e.yaml", "{Kind: mesh}"), Format::Yaml);
        // Pasted into a file of another format: read as what it is.
        assert_eq!(Format::of_file("e.json", "Kind = 1"), Format::Hcl);
        assert_eq!(Format::of_file("e.json", "# pasted\nKind: mesh\n"), Format::Yaml);
        assert_eq!(Format::of_file("e.json", "apiVersion: consul.hashicorp.com/v1alpha1"), Format::Yaml);
        assert_eq!(Format::of_file("e.json", "\n  [ {\"Kind\": \"mesh\"} ]"), Format::Json);
        assert_eq!(Format::of_file("e.json", ""), Format::Json);
        assert_eq!(Format::of_file("e.yaml", "Kind = \"mesh\""), Format::Hcl);
        assert_eq!(Format::of_file("e.yml", "service {\n name = \"web\"\n}"), Format::Hcl);
        assert_eq!(Format::of_file("e.yaml", "Kind: mesh"), Format::Yaml);
        assert_eq!(Format::of_file("e.yaml", "- Kind: mesh"), Format::Yaml);
        // Without an extension, the content decides.
        assert_eq!(Format::of_file("<stdin>", "Kind: mesh"), Format::Yaml);
        assert_eq!(Format::of_file("<stdin>", "{}"), Format::Json);
    }

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(Format::from_path("a/b.YML"), Some(Format::Yaml));
        assert_eq!(Format::from_path("x.hcl"), Some(Format::Hcl));
        assert_eq!(Format::from_path("x"), None);
    }
}
