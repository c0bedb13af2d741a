//! Source files and positions. Everything the user wrote is kept so that any diagnostic, and any
//! compiled decision, can point back at the exact text it came from.

use serde::Serialize;

/// Index of a file inside a [`SourceMap`].
pub type FileId = u32;

/// A byte range inside one source file. Spans are provenance, not content: two values that differ
/// only in where they were written are equal.
#[derive(Clone, Copy, Debug, Default, Eq)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl PartialEq for Span {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start: clamp_u32(start), end: clamp_u32(end.max(start)) }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn is_same(&self, other: &Span) -> bool {
        self.file == other.file && self.start == other.start && self.end == other.end
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A position for people: 1-based line, 1-based column counted in Unicode scalar values, and the
/// same column in UTF-16 code units (what browser editors use).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub column_utf16: u32,
}

/// One file's text with a line index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
    /// Per line, the byte offset of its first non-ASCII character (or the line's end): before it,
    /// columns are byte differences, so positions on long ASCII lines cost O(1).
    ascii_until: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let ascii_until = line_starts
            .iter()
            .map(|&start| {
                let rest = text.get(start..).unwrap_or("");
                let line_len = rest.find('\n').unwrap_or(rest.len());
                start + rest.as_bytes().iter().take(line_len).position(|b| !b.is_ascii()).unwrap_or(line_len)
            })
            .collect();
        SourceFile { name: name.into(), text, line_starts, ascii_until }
    }

    /// Line and column of a byte offset (clamped into the text and onto a char boundary).
    pub fn position(&self, offset: u32) -> Position {
        let mut offset = (offset as usize).min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(0);
        if offset <= self.ascii_until.get(line_index).copied().unwrap_or(0) {
            let column = clamp_u32(offset - line_start + 1);
            return Position { line: clamp_u32(line_index + 1), column, column_utf16: column };
        }
        let prefix = self.text.get(line_start..offset).unwrap_or("");
        Position {
            line: clamp_u32(line_index + 1),
            column: clamp_u32(prefix.chars().count() + 1),
            column_utf16: clamp_u32(prefix.encode_utf16().count() + 1),
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let index = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(index) else {
            return "";
        };
        let end = self.line_starts.get(index + 1).copied().unwrap_or(self.text.len());
        self.text.get(start..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }

    /// Byte offset of the n-th char (for parsers that count in chars).
    pub fn char_to_byte(&self, char_index: usize) -> usize {
        self.text.char_indices().nth(char_index).map(|(b, _)| b).unwrap_or(self.text.len())
    }
}

/// All the files of one run.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile::new(name, text));
        clamp_u32(self.files.len() - 1)
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id as usize)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (clamp_u32(i), f))
    }

    /// The key a value is written under (`sidecar_service` before `{ … }`, `"port"` before `: 1`,
    /// quotes included), so that a warning about a whole block underlines one word. None when the
    /// value is a list item or the text before it is not `key =`, `key:` or an HCL block's `key`.
    pub fn key_before(&self, value: Span) -> Option<Span> {
        let text = self.get(value.file)?.text.as_bytes();
        let mut end = (value.start as usize).min(text.len());
        let skip_blanks = |mut at: usize| {
            while at > 0 && text.get(at - 1).is_some_and(u8::is_ascii_whitespace) {
                at -= 1;
            }
            at
        };
        end = skip_blanks(end);
        if end > 0 && matches!(text.get(end - 1), Some(b'=' | b':')) {
            end = skip_blanks(end - 1);
        }
        let mut start = end;
        if end > 0 && text.get(end - 1) == Some(&b'"') {
            start = end - 1;
            while start > 0 && text.get(start - 1) != Some(&b'"') && text.get(start - 1) != Some(&b'\n') {
                start -= 1;
            }
            start = start.checked_sub(1).filter(|s| text.get(*s) == Some(&b'"'))?;
        } else {
            while start > 0
                && text.get(start - 1).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            {
                start -= 1;
            }
        }
        let key = text.get(start..end)?;
        key.iter().any(u8::is_ascii_alphanumeric).then(|| Span::new(value.file, start, end))
    }

    /// `file:line:col` for a span's start.
    /// The span of the word at a 1-based line and column of the file named `file` (what a plan's
    /// `file:line:col` origin points at), for a diagnostic found after compiling.
    pub fn span_at(&self, file: &str, line: u32, column: u32) -> Option<Span> {
        let (id, f) = self.files().find(|(_, f)| f.name == file)?;
        let start_of_line = *f.line_starts.get((line as usize).checked_sub(1)?)?;
        let line_text = f.text.get(start_of_line..)?;
        let offset = line_text.char_indices().nth((column as usize).checked_sub(1)?).map(|(b, _)| b)?;
        let word = line_text.get(offset..)?;
        let len = word
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | ':' | ',' | '{' | '}' | '[' | ']'))
            .unwrap_or(word.len());
        Some(Span::new(id, start_of_line + offset, start_of_line + offset + len.max(1)))
    }

    pub fn location(&self, span: Span) -> Option<Location> {
        let file = self.get(span.file)?;
        Some(Location { file: file.name.clone(), start: file.position(span.start), end: file.position(span.end) })
    }
}

/// A resolved span: file name plus start and end positions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    pub file: String,
    pub start: Position,
    pub end: Position,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.start.line, self.start.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_and_utf16_units() {
        let f = SourceFile::new("a.hcl", "ab\n\u{1F600}x = 1\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1, column_utf16: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1, column_utf16: 1 });
        // after the emoji (4 bytes, 1 char, 2 UTF-16 units)
        assert_eq!(f.position(7), Position { line: 2, column: 2, column_utf16: 3 });
        assert_eq!(f.line_text(2), "\u{1F600}x = 1");
        assert_eq!(f.line_text(9), "");
    }

    proptest::proptest! {
        #[test]
        fn positions_agree_with_counting_characters(text in "[a\u{e9}\u{1F600}\n ]{0,40}", at in 0usize..48) {
            let f = SourceFile::new("p", text.as_str());
            let mut offset = at.min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let before = &text[..offset];
            let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
            let prefix = &text[line_start..offset];
            let want = Position {
                line: before.matches('\n').count() as u32 + 1,
                column: prefix.chars().count() as u32 + 1,
                column_utf16: prefix.encode_utf16().count() as u32 + 1,
            };
            proptest::prop_assert_eq!(f.position(offset as u32), want);
        }
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_char_are_clamped() {
        let f = SourceFile::new("a", "\u{e9}");
        assert_eq!(f.position(1).column, 1);
        assert_eq!(f.position(99).column, 2);
    }
}

#[cfg(test)]
mod key_before_tests {
    use super::*;

    #[test]
    fn the_key_before_a_value_in_each_format() {
        let mut sources = SourceMap::new();
        let key = |sources: &mut SourceMap, text: &str, value: &str| -> Option<String> {
            let id = sources.add("f", text);
            let at = text.find(value)?;
            let span = sources.key_before(Span::new(id, at, at + value.len()))?;
            text.get(span.start as usize..span.end as usize).map(str::to_string)
        };
        assert_eq!(key(&mut sources, "sidecar_service {\n port = 1\n}", "{\n").as_deref(), Some("sidecar_service"));
        assert_eq!(key(&mut sources, "a = { b = 1 }", "{ b").as_deref(), Some("a"));
        assert_eq!(key(&mut sources, "{\"sidecar_service\" : {}}", "{}").as_deref(), Some("\"sidecar_service\""));
        assert_eq!(key(&mut sources, "sidecar_service:\n  port: 1", "port").as_deref(), Some("sidecar_service"));
        assert_eq!(key(&mut sources, "- port: 1", "port").as_deref(), None);
        assert_eq!(key(&mut sources, "sidecar-service: {}", "{}").as_deref(), Some("sidecar-service"));
        // A list item has no key.
        assert_eq!(key(&mut sources, "[ {} ]", "{}"), None);
        assert_eq!(key(&mut sources, "{}", "{}"), None);
    }
}
