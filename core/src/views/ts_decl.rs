//! A reader for the TypeScript declarations generated from the view types
//! (`planner-wasm/src/types.ts`): the part of the type language ts-rs writes — names, string
//! literals, `Array<T>`, tuples, object types, `{ [key in K]: V }` maps, unions — parsed into a
//! tree that is printed back in the file's layout (`tests/typescript.rs` writes the file with it)
//! and that checks a serialized view against its declaration (the unit tests: every key serde
//! writes must be declared, every declared key must be there unless optional, every value must
//! have the declared type).
//!
//! Test code only: a `#[cfg(test)]` module of the library, and included by path into
//! `tests/typescript.rs`.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A type, as the declarations write it.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// `string`, `number`, `boolean`, `null`, or the name of a declared type.
    Name(String),
    /// A string literal: `"allow"`.
    Literal(String),
    Array(Box<Ty>),
    Tuple(Vec<Ty>),
    Object(Vec<Member>),
    /// `{ [key in K]?: V }`
    Map {
        key: Box<Ty>,
        optional: bool,
        value: Box<Ty>,
    },
    Union(Vec<Ty>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub docs: Vec<String>,
    pub name: String,
    /// `name?:` — the key may be absent.
    pub optional: bool,
    pub ty: Ty,
}

/// `export type Name = Ty;` with its doc comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Decl {
    pub docs: Vec<String>,
    pub name: String,
    pub ty: Ty,
}

#[derive(Clone, Debug, Default)]
pub struct Declarations {
    pub decls: Vec<Decl>,
    by_name: BTreeMap<String, usize>,
}

// ------------------------------------------------------------------------------------ reading

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// A `/** … */` comment's lines, without the leading `*`.
    Doc(Vec<String>),
    Str(String),
    Word(String),
    Punct(char),
}

fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = &rest[c.len_utf8()..];
        } else if let Some(after) = rest.strip_prefix("/*") {
            let end = after.find("*/").ok_or("a comment is not closed")?;
            let body = &after[..end];
            if let Some(doc) = body.strip_prefix('*') {
                toks.push(Tok::Doc(doc_lines(doc)));
            }
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |n| &after[n..]);
        } else if c == '"' {
            let mut value = String::new();
            let mut chars = rest.char_indices().skip(1);
            let end = loop {
                match chars.next() {
                    Some((i, '"')) => break i,
                    Some((_, '\\')) => match chars.next() {
                        Some((_, e)) => value.push(e),
                        None => return Err("a string is not closed".into()),
                    },
                    Some((_, ch)) => value.push(ch),
                    None => return Err("a string is not closed".into()),
                }
            };
            toks.push(Tok::Str(value));
            rest = &rest[end + 1..];
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let end = rest.find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '$')).unwrap_or(rest.len());
            toks.push(Tok::Word(rest[..end].to_string()));
            rest = &rest[end..];
        } else {
            toks.push(Tok::Punct(c));
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(toks)
}

/// The lines of a doc comment's body, each without its ` * ` margin; blank first and last lines go.
fn doc_lines(body: &str) -> Vec<String> {
    let mut lines: Vec<String> = body
        .lines()
        .map(|l| {
            let l = l.trim();
            let l = l.strip_prefix('*').unwrap_or(l);
            l.strip_prefix(' ').unwrap_or(l).trim_end().to_string()
        })
        .collect();
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn is(&self, c: char) -> bool {
        self.peek() == Some(&Tok::Punct(c))
    }

    fn eat(&mut self, c: char) -> bool {
        let yes = self.is(c);
        if yes {
            self.at += 1;
        }
        yes
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        match self.next() {
            Some(Tok::Punct(p)) if p == c => Ok(()),
            other => Err(format!("expected `{c}`, found {other:?}")),
        }
    }

    fn word(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Tok::Word(w)) => Ok(w),
            other => Err(format!("expected a name, found {other:?}")),
        }
    }

    fn docs(&mut self) -> Vec<String> {
        let mut docs = Vec::new();
        while let Some(Tok::Doc(d)) = self.peek() {
            docs = d.clone();
            self.at += 1;
        }
        docs
    }

    fn ty(&mut self) -> Result<Ty, String> {
        self.docs();
        self.eat('|');
        let mut alternatives = vec![self.primary()?];
        while self.eat('|') {
            self.docs();
            alternatives.push(self.primary()?);
        }
        if self.is('&') {
            return Err("intersections (`&`) are not supported: a flattened field?".into());
        }
        Ok(if alternatives.len() == 1 { alternatives.remove(0) } else { Ty::Union(alternatives) })
    }

    fn primary(&mut self) -> Result<Ty, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Ty::Literal(s)),
            Some(Tok::Word(w)) if self.is('<') => {
                self.expect('<')?;
                let inner = self.ty()?;
                self.expect('>')?;
                match w.as_str() {
                    "Array" => Ok(Ty::Array(Box::new(inner))),
                    _ => Err(format!("unsupported generic type `{w}<…>`")),
                }
            }
            Some(Tok::Word(w)) => Ok(Ty::Name(w)),
            Some(Tok::Punct('(')) => {
                let inner = self.ty()?;
                self.expect(')')?;
                Ok(inner)
            }
            Some(Tok::Punct('[')) => {
                let mut items = Vec::new();
                while !self.eat(']') {
                    items.push(self.ty()?);
                    if !self.eat(',') {
                        self.expect(']')?;
                        break;
                    }
                }
                Ok(Ty::Tuple(items))
            }
            Some(Tok::Punct('{')) if self.is('[') => {
                self.expect('[')?;
                self.word()?;
                if self.word()? != "in" {
                    return Err("expected `[key in K]`".into());
                }
                let key = self.ty()?;
                self.expect(']')?;
                let optional = self.eat('?');
                self.expect(':')?;
                let value = self.ty()?;
                let _ = self.eat(',') || self.eat(';');
                self.expect('}')?;
                Ok(Ty::Map { key: Box::new(key), optional, value: Box::new(value) })
            }
            Some(Tok::Punct('{')) => {
                let mut members = Vec::new();
                loop {
                    let docs = self.docs();
                    if self.eat('}') {
                        break;
                    }
                    let name = match self.next() {
                        Some(Tok::Word(w)) | Some(Tok::Str(w)) => w,
                        other => return Err(format!("expected a member name, found {other:?}")),
                    };
                    let optional = self.eat('?');
                    self.expect(':')?;
                    let ty = self.ty()?;
                    members.push(Member { docs, name, optional, ty });
                    if !(self.eat(',') || self.eat(';')) {
                        self.docs();
                        self.expect('}')?;
                        break;
                    }
                }
                Ok(Ty::Object(members))
            }
            other => Err(format!("expected a type, found {other:?}")),
        }
    }
}

impl Declarations {
    /// Reads `export type Name = …;` declarations (anything else is an error).
    pub fn parse(text: &str) -> Result<Declarations, String> {
        let mut p = Parser { toks: tokenize(text)?, at: 0 };
        let mut decls = Vec::new();
        while p.peek().is_some() {
            let docs = p.docs();
            if p.peek().is_none() {
                break;
            }
            let (export, ty) = (p.word()?, p.word()?);
            if export != "export" || ty != "type" {
                return Err(format!("expected `export type`, found `{export} {ty}`"));
            }
            let name = p.word()?;
            p.expect('=').map_err(|e| format!("{name}: {e}"))?;
            let ty = p.ty().map_err(|e| format!("{name}: {e}"))?;
            p.expect(';').map_err(|e| format!("{name}: {e}"))?;
            decls.push(Decl { docs, name, ty });
        }
        Declarations::new(decls)
    }

    /// Fails when two declarations share a name.
    pub fn new(decls: Vec<Decl>) -> Result<Declarations, String> {
        let mut by_name = BTreeMap::new();
        for (i, d) in decls.iter().enumerate() {
            if by_name.insert(d.name.clone(), i).is_some() {
                return Err(format!("`{}` is declared twice", d.name));
            }
        }
        Ok(Declarations { decls, by_name })
    }

    pub fn get(&self, name: &str) -> Option<&Decl> {
        self.by_name.get(name).and_then(|&i| self.decls.get(i))
    }
}

// ----------------------------------------------------------------------------------- printing

/// Lines wider than this are broken (object types one member a line, unions one alternative a line).
const WIDTH: usize = 100;

impl Declarations {
    /// The declarations in the file's layout, after `header`.
    pub fn print(&self, header: &str) -> String {
        let mut out = String::from(header);
        for d in &self.decls {
            out.push('\n');
            print_docs(&mut out, &d.docs, "");
            let head = format!("export type {} = ", d.name);
            out.push_str(&head);
            out.push_str(&print_ty(&d.ty, "", head.len()));
            out.push_str(";\n");
        }
        // A union broken over lines starts on the line after `=` or `:`: no trailing blank.
        out.lines().map(str::trim_end).map(|l| format!("{l}\n")).collect()
    }
}

fn print_docs(out: &mut String, docs: &[String], indent: &str) {
    match docs {
        [] => {}
        [line] if !line.contains("*/") => out.push_str(&format!("{indent}/** {line} */\n")),
        lines => {
            out.push_str(&format!("{indent}/**\n"));
            for l in lines {
                let l = l.replace("*/", "*\\/");
                out.push_str(&if l.is_empty() { format!("{indent} *\n") } else { format!("{indent} * {l}\n") });
            }
            out.push_str(&format!("{indent} */\n"));
        }
    }
}

fn is_identifier(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `ty` at `indent`, starting `column` characters into its line.
fn print_ty(ty: &Ty, indent: &str, column: usize) -> String {
    if let Some(flat) = flat(ty) {
        if column + flat.len() < WIDTH {
            return flat;
        }
    }
    let inner = format!("{indent}  ");
    match ty {
        Ty::Object(members) => {
            let mut out = String::from("{\n");
            for m in members {
                print_docs(&mut out, &m.docs, &inner);
                let head = format!("{inner}{}{}: ", member_name(&m.name), if m.optional { "?" } else { "" });
                out.push_str(&head);
                out.push_str(&print_ty(&m.ty, &inner, head.len()));
                out.push_str(";\n");
            }
            out.push_str(indent);
            out.push('}');
            out
        }
        Ty::Union(alternatives) => {
            let mut out = String::new();
            for a in alternatives {
                out.push_str(&format!("\n{inner}| "));
                out.push_str(&print_ty(a, &inner, inner.len() + 2));
            }
            out
        }
        Ty::Array(item) => format!("Array<{}>", print_ty(item, indent, column + 6)),
        // Names, literals, tuples and maps are short: `flat` printed them.
        other => flat_any(other),
    }
}

fn member_name(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// `ty` on one line, unless it has a documented member (docs need lines of their own).
fn flat(ty: &Ty) -> Option<String> {
    let documented = |ty: &Ty| matches!(ty, Ty::Object(ms) if ms.iter().any(|m| !m.docs.is_empty()));
    if documented(ty) {
        return None;
    }
    Some(match ty {
        Ty::Object(members) => {
            let members: Option<Vec<String>> = members
                .iter()
                .map(|m| {
                    flat(&m.ty).map(|t| format!("{}{}: {t}", member_name(&m.name), if m.optional { "?" } else { "" }))
                })
                .collect();
            format!("{{ {} }}", members?.join("; "))
        }
        Ty::Union(alternatives) => {
            let alternatives: Option<Vec<String>> = alternatives.iter().map(flat).collect();
            alternatives?.join(" | ")
        }
        Ty::Array(item) => format!("Array<{}>", flat(item)?),
        other => flat_any(other),
    })
}

fn flat_any(ty: &Ty) -> String {
    match ty {
        Ty::Name(n) => n.clone(),
        Ty::Literal(s) => quote(s),
        Ty::Tuple(items) => format!("[{}]", items.iter().map(flat_any).collect::<Vec<_>>().join(", ")),
        Ty::Map { key, optional, value } => {
            format!("{{ [key in {}]{}: {} }}", flat_any(key), if *optional { "?" } else { "" }, flat_any(value))
        }
        Ty::Array(item) => format!("Array<{}>", flat_any(item)),
        Ty::Union(alternatives) => alternatives.iter().map(flat_any).collect::<Vec<_>>().join(" | "),
        Ty::Object(members) => format!(
            "{{ {} }}",
            members
                .iter()
                .map(|m| format!("{}{}: {}", member_name(&m.name), if m.optional { "?" } else { "" }, flat_any(&m.ty)))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

// ----------------------------------------------------------------------------------- checking

/// What the checked values exercised: each declared type reached, and each member of each object
/// type (`Type.member`; an alternative of a union is named by its string-literal member,
/// `GatewayTable[kind=mesh-gateway].routes`) seen populated — not null, not an empty array or
/// object — so that its type was checked on a real value.
#[derive(Clone, Debug, Default)]
pub struct Coverage {
    pub types: BTreeSet<String>,
    pub members: BTreeSet<String>,
}

impl Coverage {
    fn merge(&mut self, other: Coverage) {
        self.types.extend(other.types);
        self.members.extend(other.members);
    }
}

impl Declarations {
    /// Checks `value` against the declaration of `root`: the same keys (optional members may be
    /// absent), each value of its declared type. The error names the path and the mismatch.
    pub fn check(&self, root: &str, value: &Value, coverage: &mut Coverage) -> Result<(), String> {
        self.check_ty(&Ty::Name(root.to_string()), value, root, root, coverage)
    }

    fn check_ty(&self, ty: &Ty, v: &Value, owner: &str, path: &str, cov: &mut Coverage) -> Result<(), String> {
        let mismatch = |want: &str| Err(format!("{path}: expected {want}, found {}", short(v)));
        match ty {
            Ty::Name(n) => match n.as_str() {
                "string" => {
                    if v.is_string() {
                        Ok(())
                    } else {
                        mismatch("a string")
                    }
                }
                "number" => {
                    if v.is_number() {
                        Ok(())
                    } else {
                        mismatch("a number")
                    }
                }
                "boolean" => {
                    if v.is_boolean() {
                        Ok(())
                    } else {
                        mismatch("a boolean")
                    }
                }
                "null" => {
                    if v.is_null() {
                        Ok(())
                    } else {
                        mismatch("null")
                    }
                }
                // Any JSON (a JWT payload): nothing to check.
                "unknown" => Ok(()),
                name => {
                    let decl = self.get(name).ok_or_else(|| format!("{path}: `{name}` is not declared"))?;
                    cov.types.insert(name.to_string());
                    self.check_ty(&decl.ty, v, name, path, cov)
                }
            },
            Ty::Literal(s) => {
                if v.as_str() == Some(s) {
                    Ok(())
                } else {
                    mismatch(&quote(s))
                }
            }
            Ty::Array(item) => {
                let Some(items) = v.as_array() else { return mismatch("an array") };
                items
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, x)| self.check_ty(item, x, owner, &format!("{path}[{i}]"), cov))
            }
            Ty::Tuple(types) => match v.as_array() {
                Some(items) if items.len() == types.len() => types
                    .iter()
                    .zip(items)
                    .enumerate()
                    .try_for_each(|(i, (t, x))| self.check_ty(t, x, owner, &format!("{path}[{i}]"), cov)),
                _ => mismatch(&format!("a tuple of {}", types.len())),
            },
            Ty::Map { value, .. } => {
                let Some(object) = v.as_object() else { return mismatch("an object") };
                object.iter().try_for_each(|(k, x)| self.check_ty(value, x, owner, &format!("{path}.{k}"), cov))
            }
            Ty::Object(members) => {
                let Some(object) = v.as_object() else { return mismatch("an object") };
                if let Some(extra) = object.keys().find(|k| !members.iter().any(|m| &m.name == *k)) {
                    return Err(format!("{path}: `{extra}` is not declared in {owner}"));
                }
                for m in members {
                    let at = format!("{path}.{}", m.name);
                    match object.get(&m.name) {
                        None if m.optional => {}
                        None => return Err(format!("{at}: missing (declared in {owner} without `?`)")),
                        Some(x) => {
                            self.check_ty(&m.ty, x, owner, &at, cov)?;
                            if populated(x) {
                                cov.members.insert(format!("{owner}.{}", m.name));
                            }
                        }
                    }
                }
                Ok(())
            }
            Ty::Union(alternatives) => {
                let mut errors = Vec::new();
                for (i, a) in alternatives.iter().enumerate() {
                    let mut scratch = Coverage::default();
                    match self.check_ty(a, v, &alternative_owner(owner, a, i), path, &mut scratch) {
                        Ok(()) => {
                            cov.merge(scratch);
                            return Ok(());
                        }
                        Err(e) => errors.push(e),
                    }
                }
                // A tagged union: the alternative with the same tag says best what is wrong.
                let tagged = alternatives.iter().zip(&errors).find(|(a, _)| tag(a).is_some_and(|(k, t)| v[k] == t));
                match tagged {
                    Some((_, e)) => Err(e.clone()),
                    None => Err(format!("{path}: matches none of {}: {}", flat_any(ty), errors.join("; "))),
                }
            }
        }
    }

    /// Everything declared that the checked values did not exercise: types never reached, members
    /// never seen populated (never present, or always null or empty).
    pub fn uncovered(&self, cov: &Coverage) -> Vec<String> {
        let mut missing = Vec::new();
        for d in &self.decls {
            if !cov.types.contains(&d.name) {
                missing.push(format!("type {}", d.name));
                continue;
            }
            let objects: Vec<(String, &Vec<Member>)> = match &d.ty {
                Ty::Object(ms) => vec![(d.name.clone(), ms)],
                Ty::Union(alternatives) => alternatives
                    .iter()
                    .enumerate()
                    .filter_map(|(i, a)| match a {
                        Ty::Object(ms) => Some((alternative_owner(&d.name, a, i), ms)),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for (owner, members) in objects {
                for m in members {
                    let key = format!("{owner}.{}", m.name);
                    if !cov.members.contains(&key) {
                        missing.push(key);
                    }
                }
            }
        }
        missing
    }

    /// The members of `root`'s value that its declaration lets a caller leave out (`?`) or set to
    /// null (`| null`), as JSON pointers, with which of the two each allows.
    pub fn omissible(&self, root: &str, value: &Value) -> Vec<(String, bool, bool)> {
        let mut out = Vec::new();
        self.walk_omissible(&Ty::Name(root.to_string()), value, "", &mut out);
        out
    }

    fn walk_omissible(&self, ty: &Ty, v: &Value, pointer: &str, out: &mut Vec<(String, bool, bool)>) {
        match ty {
            Ty::Name(n) => {
                if let Some(d) = self.get(n) {
                    self.walk_omissible(&d.ty, v, pointer, out);
                }
            }
            Ty::Array(item) => {
                for (i, x) in v.as_array().into_iter().flatten().enumerate() {
                    self.walk_omissible(item, x, &format!("{pointer}/{i}"), out);
                }
            }
            Ty::Union(alternatives) => {
                // Follow the alternative the value takes, if it is not null.
                if let Some(a) = alternatives.iter().find(|a| !matches!(a, Ty::Name(n) if n == "null")) {
                    if !v.is_null() {
                        self.walk_omissible(a, v, pointer, out);
                    }
                }
            }
            Ty::Object(members) => {
                for m in members {
                    let at = format!("{pointer}/{}", m.name);
                    let nullable = matches!(&m.ty, Ty::Union(a) if a.contains(&Ty::Name("null".into())));
                    if m.optional || nullable {
                        out.push((at.clone(), m.optional, nullable));
                    }
                    if let Some(x) = v.get(&m.name) {
                        self.walk_omissible(&m.ty, x, &at, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// An object alternative's string-literal member: `("kind", "mesh-gateway")`.
fn tag(ty: &Ty) -> Option<(&str, &str)> {
    match ty {
        Ty::Object(ms) => ms.iter().find_map(|m| match &m.ty {
            Ty::Literal(s) => Some((m.name.as_str(), s.as_str())),
            _ => None,
        }),
        _ => None,
    }
}

fn alternative_owner(owner: &str, alternative: &Ty, index: usize) -> String {
    match (alternative, tag(alternative)) {
        (_, Some((k, t))) => format!("{owner}[{k}={t}]"),
        (Ty::Object(_), None) => format!("{owner}[{index}]"),
        _ => owner.to_string(),
    }
}

/// A value that says something about its type: not null, not an empty array or object.
fn populated(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SAMPLE: &str = r#"// a header
/** A thing. */
export type Thing = { name: string, "kind": "a", count?: number, note: string | null, tags: Array<string>, pair: [string, number], map: { [key in string]: number }, };
export type Tagged = { "kind": "x", x: number, } | { "kind": "y" };
export type Mode = "on" | "off";
"#;

    fn decls() -> Declarations {
        Declarations::parse(SAMPLE).unwrap()
    }

    #[test]
    fn reads_what_ts_rs_writes_and_prints_it_back_the_same() {
        let d = decls();
        assert_eq!(d.decls.len(), 3);
        assert_eq!(d.get("Thing").unwrap().docs, ["A thing."]);
        let printed = d.print("// header\n");
        let again = Declarations::parse(&printed).unwrap();
        assert_eq!(again.decls, d.decls, "{printed}");
        assert_eq!(again.print("// header\n"), printed);
    }

    #[test]
    fn checks_keys_types_and_optional_members() {
        let d = decls();
        let mut cov = Coverage::default();
        let ok = json!({"name": "n", "kind": "a", "note": null, "tags": ["t"], "pair": ["p", 1], "map": {"k": 2}});
        d.check("Thing", &ok, &mut cov).unwrap();
        let bad = |v: Value| d.check("Thing", &v, &mut Coverage::default()).unwrap_err();
        let mut extra = ok.clone();
        extra["surprise"] = json!(1);
        assert!(bad(extra).contains("`surprise` is not declared in Thing"));
        let mut missing = ok.clone();
        missing.as_object_mut().unwrap().remove("note");
        assert!(bad(missing).contains("Thing.note: missing"));
        let mut wrong = ok.clone();
        wrong["pair"] = json!(["p", "1"]);
        assert!(bad(wrong).contains("Thing.pair[1]: expected a number"));
        let mut literal = ok.clone();
        literal["kind"] = json!("b");
        assert!(bad(literal).contains("expected \"a\""));
        assert!(d.uncovered(&cov).contains(&"Thing.count".to_string()));
        assert!(d.uncovered(&cov).contains(&"Thing.note".to_string()));
        assert!(d.uncovered(&cov).contains(&"type Tagged".to_string()));
    }

    #[test]
    fn a_tagged_union_reports_the_alternative_with_the_same_tag() {
        let d = decls();
        let mut cov = Coverage::default();
        d.check("Tagged", &json!({"kind": "y"}), &mut cov).unwrap();
        let e = d.check("Tagged", &json!({"kind": "x", "x": "1"}), &mut cov).unwrap_err();
        assert_eq!(e, "Tagged.x: expected a number, found \"1\"");
        assert!(cov.types.contains("Tagged"));
        assert!(d.uncovered(&cov).contains(&"Tagged[kind=x].x".to_string()));
        d.check("Mode", &json!("on"), &mut cov).unwrap();
        assert!(d.check("Mode", &json!("maybe"), &mut cov).is_err());
    }

    #[test]
    fn lists_what_a_caller_may_leave_out() {
        let d = decls();
        let v = json!({"name": "n", "kind": "a", "note": "x", "tags": [], "pair": ["p", 1], "map": {}});
        assert_eq!(d.omissible("Thing", &v), [("/count".into(), true, false), ("/note".into(), false, true)]);
    }
}
