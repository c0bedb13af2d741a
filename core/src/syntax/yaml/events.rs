//! Tokens into node events (YAML 1.2, chapter 9's stream and the block/flow productions):
//! document boundaries, collection starts and ends, scalars and aliases with their anchor and tag.
//!
//! A pull parser: the caller stops pulling when its own limits trip (nesting depth, node budget),
//! so `[[[[…` never builds more state than the caller allowed. Event spans are what saphyr-parser
//! gave (yaml.rs trims them into node spans), so the two can be compared event for event.

use super::scanner::{Error, Result, Scanner, Style, Tok, Token};

/// A node's tag as written: handle (`!`, the `!!` prefix `tag:yaml.org,2002:`, or empty for a
/// verbatim tag or a bare `!`) and suffix.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub handle: String,
    pub suffix: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias(String),
    Scalar { text: String, style: Style, anchor: Option<String>, tag: Option<Tag> },
    SequenceStart { anchor: Option<String>, tag: Option<Tag> },
    SequenceEnd,
    MappingStart { anchor: Option<String>, tag: Option<Tag> },
    MappingEnd,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    ImplicitDocumentStart,
    DocumentStart,
    DocumentContent,
    DocumentEnd,
    BlockNode,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    /// The implicit mapping of `[a: b]` ends here (a byte offset).
    FlowSequenceEntryMappingEnd(usize),
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

pub struct Parser<'a> {
    scanner: Scanner<'a>,
    token: Option<Token>,
    state: State,
    states: Vec<State>,
    /// A `StreamEnd` or an error was handed out.
    done: bool,
}

/// An event with its byte span.
pub type Spanned = (Event, usize, usize);

fn empty_scalar() -> Event {
    Event::Scalar { text: String::new(), style: Style::Plain, anchor: None, tag: None }
}

fn fail<T>(pos: usize, message: &'static str) -> Result<T> {
    Err(Error { pos, message })
}

impl<'a> Parser<'a> {
    pub fn new(text: &'a str) -> Self {
        Parser {
            scanner: Scanner::new(text),
            token: None,
            state: State::ImplicitDocumentStart,
            states: Vec::new(),
            done: false,
        }
    }
}

impl Iterator for Parser<'_> {
    type Item = Result<Spanned>;

    /// Events up to and including `StreamEnd` or the first error.
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let event = self.step();
        self.done = matches!(event, Ok((Event::StreamEnd, ..)) | Err(_));
        Some(event)
    }
}

impl Parser<'_> {
    fn peek(&mut self) -> Result<&Token> {
        if self.token.is_none() {
            let next = self.scanner.next_token()?;
            // The scanner ends with `StreamEnd` and every state stops there, so this only
            // guards against a bug turning into a loop.
            let Some(token) = next else { return fail(0, "unexpected end of the YAML stream") };
            self.token = Some(token);
        }
        match &self.token {
            Some(token) => Ok(token),
            None => fail(0, "unexpected end of the YAML stream"),
        }
    }

    /// The peeked token's kind and span.
    fn look(&mut self) -> Result<(&Tok, usize, usize)> {
        let t = self.peek()?;
        Ok((&t.tok, t.start, t.end))
    }

    fn take(&mut self) -> Option<Token> {
        self.token.take()
    }

    fn pop_state(&mut self) {
        self.state = self.states.pop().unwrap_or(State::End);
    }

    fn step(&mut self) -> Result<Spanned> {
        match self.state {
            State::ImplicitDocumentStart => self.document_start(true),
            State::DocumentStart => self.document_start(false),
            State::DocumentContent => self.document_content(),
            State::DocumentEnd => self.document_end(),
            State::BlockNode => self.node(true, false),
            State::BlockMappingFirstKey => self.block_mapping_key(true),
            State::BlockMappingKey => self.block_mapping_key(false),
            State::BlockMappingValue => self.block_mapping_value(),
            State::BlockSequenceFirstEntry => self.block_sequence_entry(true),
            State::BlockSequenceEntry => self.block_sequence_entry(false),
            State::IndentlessSequenceEntry => self.indentless_sequence_entry(),
            State::FlowSequenceFirstEntry => self.flow_sequence_entry(true),
            State::FlowSequenceEntry => self.flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => self.flow_sequence_entry_mapping_key(),
            State::FlowSequenceEntryMappingValue => self.flow_sequence_entry_mapping_value(),
            State::FlowSequenceEntryMappingEnd(at) => {
                self.state = State::FlowSequenceEntry;
                Ok((Event::MappingEnd, at, at))
            }
            State::FlowMappingFirstKey => self.flow_mapping_key(true),
            State::FlowMappingKey => self.flow_mapping_key(false),
            State::FlowMappingValue => self.flow_mapping_value(false),
            State::FlowMappingEmptyValue => self.flow_mapping_value(true),
            State::End => Ok((Event::StreamEnd, 0, 0)),
        }
    }

    fn document_start(&mut self, implicit: bool) -> Result<Spanned> {
        while matches!(self.look()?.0, Tok::DocumentEnd | Tok::Bom) {
            self.take();
        }
        let (tok, start, end) = self.look()?;
        match tok {
            Tok::StreamEnd => {
                self.state = State::End;
                self.take();
                Ok((Event::StreamEnd, start, end))
            }
            Tok::DocumentStart | Tok::Directive(_) => self.explicit_document_start(),
            _ if implicit => {
                self.states.push(State::DocumentEnd);
                self.state = State::BlockNode;
                Ok((Event::DocumentStart, start, end))
            }
            _ => fail(
                start,
                "more content after the document's value: check the indentation, or start a new document with `---`",
            ),
        }
    }

    /// Directives (at most one `%YAML`), then `---`.
    fn explicit_document_start(&mut self) -> Result<Spanned> {
        let mut version = false;
        while let (Tok::Directive(yaml), start, _) = self.look()? {
            if *yaml && version {
                return fail(start, "a document may have only one `%YAML` directive");
            }
            version |= *yaml;
            self.take();
        }
        let (tok, start, end) = self.look()?;
        match tok {
            Tok::DocumentStart => {
                self.states.push(State::DocumentEnd);
                self.state = State::DocumentContent;
                self.take();
                Ok((Event::DocumentStart, start, end))
            }
            Tok::Bom => fail(start, "a byte order mark must not appear inside a document"),
            _ => fail(start, "directives must be followed by `---`"),
        }
    }

    fn document_content(&mut self) -> Result<Spanned> {
        let (tok, start, end) = self.look()?;
        if matches!(tok, Tok::Directive(_) | Tok::DocumentStart | Tok::DocumentEnd | Tok::Bom | Tok::StreamEnd) {
            self.pop_state();
            return Ok((empty_scalar(), start, end));
        }
        self.node(true, false)
    }

    fn document_end(&mut self) -> Result<Spanned> {
        if let (Tok::Bom, bom, _) = self.look()? {
            while matches!(self.look()?.0, Tok::Bom) {
                self.take();
            }
            if !matches!(self.look()?.0, Tok::DocumentStart | Tok::DocumentEnd | Tok::StreamEnd) {
                return fail(bom, "a byte order mark must not appear inside a document");
            }
        }
        let (tok, start, end) = self.look()?;
        match tok {
            Tok::DocumentEnd => {
                self.take();
                self.state = State::ImplicitDocumentStart;
            }
            Tok::DocumentStart | Tok::StreamEnd => self.state = State::DocumentStart,
            Tok::Directive(_) => return fail(start, "a directive after a document needs a `...` line before it"),
            _ => return fail(
                start,
                "more content after the document's value: check the indentation, or start a new document with `---`",
            ),
        }
        Ok((Event::DocumentEnd, start, end))
    }

    /// A node: properties (anchor and tag, either order) and then its content.
    fn node(&mut self, block: bool, indentless_sequence: bool) -> Result<Spanned> {
        let mut anchor = None;
        let mut tag = None;
        let (_, start, mut end) = self.look()?;
        for _ in 0..2 {
            match self.look()?.0 {
                Tok::Anchor(_) if anchor.is_none() => {
                    if let Some(Token { tok: Tok::Anchor(name), end: e, .. }) = self.take() {
                        anchor = Some(name);
                        end = e;
                    }
                }
                Tok::Tag(..) if tag.is_none() => {
                    if let Some(Token { tok: Tok::Tag(handle, suffix), end: e, .. }) = self.take() {
                        tag = Some(Tag { handle, suffix });
                        end = e;
                    }
                }
                Tok::Alias(_) if anchor.is_none() && tag.is_none() => {
                    self.pop_state();
                    if let Some(Token { tok: Tok::Alias(name), start, end }) = self.take() {
                        return Ok((Event::Alias(name), start, end));
                    }
                }
                _ => break,
            }
        }
        let (tok, _, tok_end) = self.look()?;
        let event = match tok {
            Tok::BlockEntry if indentless_sequence => {
                self.state = State::IndentlessSequenceEntry;
                Event::SequenceStart { anchor, tag }
            }
            Tok::Scalar(..) => {
                self.pop_state();
                if let Some(Token { tok: Tok::Scalar(text, style), end, .. }) = self.take() {
                    return Ok((Event::Scalar { text, style, anchor, tag }, start, end));
                }
                return fail(start, "expected a value here");
            }
            Tok::FlowSequenceStart => {
                self.state = State::FlowSequenceFirstEntry;
                Event::SequenceStart { anchor, tag }
            }
            Tok::FlowMappingStart => {
                self.state = State::FlowMappingFirstKey;
                Event::MappingStart { anchor, tag }
            }
            Tok::BlockSequenceStart if block => {
                self.state = State::BlockSequenceFirstEntry;
                Event::SequenceStart { anchor, tag }
            }
            Tok::BlockMappingStart if block => {
                self.state = State::BlockMappingFirstKey;
                Event::MappingStart { anchor, tag }
            }
            _ if anchor.is_some() || tag.is_some() => {
                self.pop_state();
                return Ok((Event::Scalar { text: String::new(), style: Style::Plain, anchor, tag }, start, end));
            }
            _ => return fail(start, "expected a value here"),
        };
        Ok((event, start, tok_end))
    }

    fn block_mapping_key(&mut self, first: bool) -> Result<Spanned> {
        if first {
            self.take();
        }
        let (tok, start, end) = self.look()?;
        match tok {
            Tok::Key => {
                self.take();
                let (tok, start, end) = self.look()?;
                if matches!(tok, Tok::Key | Tok::Value | Tok::BlockEnd) {
                    self.state = State::BlockMappingValue;
                    return Ok((empty_scalar(), start, end));
                }
                self.states.push(State::BlockMappingValue);
                self.node(true, true)
            }
            Tok::Value => {
                self.state = State::BlockMappingValue;
                Ok((empty_scalar(), start, end))
            }
            Tok::BlockEnd => {
                self.pop_state();
                self.take();
                Ok((Event::MappingEnd, start, end))
            }
            _ => fail(start, "expected a `key: value` line of the mapping here (or less indentation)"),
        }
    }

    fn block_mapping_value(&mut self) -> Result<Spanned> {
        let (tok, start, end) = self.look()?;
        if *tok != Tok::Value {
            self.state = State::BlockMappingKey;
            return Ok((empty_scalar(), start, end));
        }
        self.take();
        if matches!(self.look()?.0, Tok::Key | Tok::Value | Tok::BlockEnd) {
            self.state = State::BlockMappingKey;
            return Ok((empty_scalar(), start, end));
        }
        self.states.push(State::BlockMappingKey);
        self.node(true, true)
    }

    fn block_sequence_entry(&mut self, first: bool) -> Result<Spanned> {
        if first {
            self.take();
        }
        let (tok, start, end) = self.look()?;
        match tok {
            Tok::BlockEnd => {
                self.pop_state();
                self.take();
                Ok((Event::SequenceEnd, start, end))
            }
            Tok::BlockEntry => {
                self.take();
                if matches!(self.look()?.0, Tok::BlockEntry | Tok::BlockEnd) {
                    self.state = State::BlockSequenceEntry;
                    return Ok((empty_scalar(), start, end));
                }
                self.states.push(State::BlockSequenceEntry);
                self.node(true, false)
            }
            _ => fail(start, "expected a `- ` entry of the list here (or less indentation)"),
        }
    }

    /// `key:` followed by `- a` at the key's own indentation: a sequence with no block start.
    fn indentless_sequence_entry(&mut self) -> Result<Spanned> {
        let (tok, start, end) = self.look()?;
        if *tok != Tok::BlockEntry {
            self.pop_state();
            return Ok((Event::SequenceEnd, start, end));
        }
        self.take();
        if matches!(self.look()?.0, Tok::BlockEntry | Tok::Key | Tok::Value | Tok::BlockEnd) {
            self.state = State::IndentlessSequenceEntry;
            return Ok((empty_scalar(), start, end));
        }
        self.states.push(State::IndentlessSequenceEntry);
        self.node(true, false)
    }

    fn flow_sequence_entry(&mut self, first: bool) -> Result<Spanned> {
        if first {
            self.take();
        }
        let (tok, start, _) = self.look()?;
        match tok {
            Tok::FlowSequenceEnd => {}
            Tok::FlowEntry if !first => {
                self.take();
            }
            _ if !first => return fail(start, "expected `,` or `]` in this `[...]` list"),
            _ => {}
        }
        let (tok, start, end) = self.look()?;
        match tok {
            Tok::FlowSequenceEnd => {
                self.pop_state();
                self.take();
                Ok((Event::SequenceEnd, start, end))
            }
            Tok::Key => {
                self.state = State::FlowSequenceEntryMappingKey;
                self.take();
                Ok((Event::MappingStart { anchor: None, tag: None }, start, end))
            }
            _ => {
                self.states.push(State::FlowSequenceEntry);
                self.node(false, false)
            }
        }
    }

    fn flow_sequence_entry_mapping_key(&mut self) -> Result<Spanned> {
        let (tok, start, end) = self.look()?;
        if matches!(tok, Tok::Value | Tok::FlowEntry | Tok::FlowSequenceEnd) {
            self.take();
            self.state = State::FlowSequenceEntryMappingValue;
            return Ok((empty_scalar(), start, end));
        }
        self.states.push(State::FlowSequenceEntryMappingValue);
        self.node(false, false)
    }

    fn flow_sequence_entry_mapping_value(&mut self) -> Result<Spanned> {
        let (tok, start, end) = self.look()?;
        if *tok != Tok::Value {
            self.state = State::FlowSequenceEntryMappingEnd(end);
            return Ok((empty_scalar(), start, end));
        }
        self.take();
        self.state = State::FlowSequenceEntryMappingValue;
        let (tok, start, end) = self.look()?;
        if matches!(tok, Tok::FlowEntry | Tok::FlowSequenceEnd) {
            self.state = State::FlowSequenceEntryMappingEnd(end);
            return Ok((empty_scalar(), start, end));
        }
        self.states.push(State::FlowSequenceEntryMappingEnd(end));
        self.node(false, false)
    }

    fn flow_mapping_key(&mut self, first: bool) -> Result<Spanned> {
        if first {
            self.take();
        }
        let (tok, start, end) = self.look()?;
        if *tok != Tok::FlowMappingEnd {
            if !first {
                if *tok != Tok::FlowEntry {
                    return fail(start, "expected `,` or `}` in this `{...}` mapping");
                }
                self.take();
            }
            let (tok, start, end) = self.look()?;
            match tok {
                Tok::Key => {
                    self.take();
                    let (tok, start, end) = self.look()?;
                    if matches!(tok, Tok::Value | Tok::FlowEntry | Tok::FlowMappingEnd) {
                        self.state = State::FlowMappingValue;
                        return Ok((empty_scalar(), start, end));
                    }
                    self.states.push(State::FlowMappingValue);
                    return self.node(false, false);
                }
                Tok::Value => {
                    self.state = State::FlowMappingValue;
                    return Ok((empty_scalar(), start, end));
                }
                Tok::FlowMappingEnd => {}
                _ => {
                    self.states.push(State::FlowMappingEmptyValue);
                    return self.node(false, false);
                }
            }
        }
        // The span is the `}` if it came first, else the token that was current on entry.
        self.pop_state();
        self.take();
        Ok((Event::MappingEnd, start, end))
    }

    fn flow_mapping_value(&mut self, empty: bool) -> Result<Spanned> {
        let (tok, start, end) = self.look()?;
        if empty {
            self.state = State::FlowMappingKey;
            return Ok((empty_scalar(), start, end));
        }
        if *tok == Tok::Value {
            self.take();
            if !matches!(self.look()?.0, Tok::FlowEntry | Tok::FlowMappingEnd) {
                self.states.push(State::FlowMappingKey);
                return self.node(false, false);
            }
        }
        self.state = State::FlowMappingKey;
        Ok((empty_scalar(), start, end))
    }
}
