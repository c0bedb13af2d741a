//! Compact JSON text, byte for byte what `serde_json::to_string` writes, from a serializer built
//! for small code.
//!
//! Why not serde_json's: its serializer is generic over a writer and a formatter, its containers
//! carry a state (a struct in memory behind every `serialize_field::<T>` call), and every
//! `serialize_field::<T>` / `serialize_element::<T>` instance inlines the formatter's comma, key
//! escaping and colon and wraps each write in `io::Result` → `Error` conversions. With ~700
//! serialized types that was ~120 KB of the planner wasm (~24 KB gzip). Here:
//! - every piece that does not depend on the value's type (punctuation, escaping, numbers) is one
//!   out-of-line function on the concrete writer;
//! - the generic trait methods are trampolines, always inlined: a call for the punctuation, then
//!   `value.serialize(..)`. A container ([`Compound`]) is only the writer's pointer — whether an
//!   item is the first is read from the text — so a derived `serialize` keeps nothing in memory
//!   and is a list of calls;
//! - writing itself never fails (only a map key that is no string, or a `Serialize`
//!   implementation's own error, does), so after inlining most derived `serialize`s have no error
//!   checks left; and the error is one pointer, so a `Result<(), Error>` travels in a register and
//!   `?` is one comparison.
//!
//! What serde_json writes, as facts (held to it by the tests, serde_json being the oracle):
//! strings escape `"`, `\` and the control characters below U+0020 only (`\b \t \n \f \r`, else
//! `\u00xx` in lowercase hex); floats are zmij's shortest round-trip text (the crate serde_json
//! 1.0.15x formats with), non-finite ones `null`; map keys are strings, with integers, bools, chars
//! and finite floats quoted and anything else refused. One difference, for no real value: see
//! [`Compound`].

use serde::ser::{self, Impossible, Serialize};
use std::fmt::{self, Display};

/// Why a value could not be written: a map key that is not a string, a non-finite float key, or
/// what a `Serialize` implementation reported (`serde::ser::Error::custom`). Displayed as
/// serde_json displays the same error.
pub struct Error(Box<Message>);

/// Boxed so that [`Error`] is one pointer (see the module documentation).
struct Message(String);

impl Error {
    #[inline(never)]
    fn new(message: &str) -> Self {
        Error(Box::new(Message(message.to_string())))
    }

    #[inline(never)]
    fn key_must_be_a_string() -> Self {
        Error::new("key must be a string")
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0 .0)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({:?})", self.0 .0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(Box::new(Message(msg.to_string())))
    }
}

type Result<T = ()> = std::result::Result<T, Error>;

/// `value` as compact JSON text: what `serde_json::to_string(value)` returns, byte for byte.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let mut ser = Serializer { out: String::with_capacity(128) };
    value.serialize(&mut ser)?;
    Ok(ser.out)
}

/// `s` as a JSON string literal: quoted and escaped as serde_json does.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    string(&mut out, s);
    out
}

// ------------------------------------------------------------- the non-generic pieces

/// `s` quoted and escaped.
#[inline(never)]
fn string(out: &mut String, s: &str) {
    out.push('"');
    escape(out, s);
    out.push('"');
}

/// `s` escaped, without quotes. Runs of bytes that need no escape are copied whole; only ASCII
/// bytes are escaped, so every run boundary is a char boundary.
#[inline(never)]
fn escape(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => '"',
            b'\\' => '\\',
            0x08 => 'b',
            b'\t' => 't',
            b'\n' => 'n',
            0x0c => 'f',
            b'\r' => 'r',
            0..=0x1f => 'u',
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or_default());
        run = i + 1;
        out.push('\\');
        out.push(short);
        if short == 'u' {
            out.push_str("00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    out.push_str(s.get(run..).unwrap_or_default());
}

#[inline(never)]
fn u64_text(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(d));
    }
}

#[inline(never)]
fn i64_text(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    u64_text(out, n.unsigned_abs());
}

/// Past `u64::MAX` the digits come in 19-digit blocks, so that only one 128-bit division per
/// block is needed.
#[inline(never)]
fn u128_text(out: &mut String, n: u128) {
    const BLOCK: u128 = 10_000_000_000_000_000_000;
    match u64::try_from(n) {
        Ok(small) => u64_text(out, small),
        Err(_) => {
            u128_text(out, n / BLOCK);
            let low = (n % BLOCK) as u64;
            // The low block with its leading zeros: 19 digits.
            let mut text = String::new();
            u64_text(&mut text, low);
            for _ in text.len()..19 {
                out.push('0');
            }
            out.push_str(&text);
        }
    }
}

#[inline(never)]
fn i128_text(out: &mut String, n: i128) {
    if n < 0 {
        out.push('-');
    }
    u128_text(out, n.unsigned_abs());
}

/// A finite float as serde_json writes it (zmij's shortest round-trip text).
#[inline(never)]
fn f64_text(out: &mut String, v: f64) {
    out.push_str(zmij::Buffer::new().format_finite(v));
}

#[inline(never)]
fn f32_text(out: &mut String, v: f32) {
    out.push_str(zmij::Buffer::new().format_finite(v));
}

/// A float value: its text, or `null` when it is not finite.
#[inline(never)]
fn f64_value(out: &mut String, v: f64) {
    if v.is_finite() {
        f64_text(out, v);
    } else {
        out.push_str("null");
    }
}

#[inline(never)]
fn f32_value(out: &mut String, v: f32) {
    if v.is_finite() {
        f32_text(out, v);
    } else {
        out.push_str("null");
    }
}

#[inline(never)]
fn bool_text(out: &mut String, v: bool) {
    out.push_str(if v { "true" } else { "false" });
}

#[inline(never)]
fn bytes(out: &mut String, v: &[u8]) {
    out.push('[');
    for (i, &b) in v.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        u64_text(out, u64::from(b));
    }
    out.push(']');
}

/// The JSON writer: a `serde::Serializer` through `&mut Serializer`.
pub struct Serializer {
    out: String,
}

impl Serializer {
    /// Opens `[` or `{`. The length a serializer is told is not needed: `end` closes every
    /// container, and whether an item is the first is read from the text (see
    /// [`Compound::comma`]).
    #[inline(never)]
    fn open(&mut self, open: char) {
        self.out.push(open);
    }

    /// `{"variant":` — the start of a newtype, tuple or struct variant.
    #[inline(never)]
    fn variant(&mut self, variant: &str) {
        self.out.push('{');
        string(&mut self.out, variant);
        self.out.push(':');
    }

    /// Before an element or a key: a comma unless it is the first, which is when the text ends
    /// with the container's opening bracket (no value ends with `[` or `{`).
    #[inline(never)]
    fn comma(&mut self) {
        if !self.out.ends_with(['[', '{']) {
            self.out.push(',');
        }
    }

    /// A struct field's `,"key":`.
    #[inline(never)]
    fn field(&mut self, key: &str) {
        self.comma();
        string(&mut self.out, key);
        self.out.push(':');
    }

    /// Between a map key and its value.
    #[inline(never)]
    fn colon(&mut self) {
        self.out.push(':');
    }

    /// `]` or `}`.
    #[inline(never)]
    fn close(&mut self, close: char) {
        self.out.push(close);
    }

    /// The end of a newtype, tuple or struct variant: `}`, after the variant's array or object
    /// (`close`) if it has one.
    #[inline(never)]
    fn close_variant(&mut self, close: Option<char>) {
        if let Some(c) = close {
            self.out.push(c);
        }
        self.out.push('}');
    }
}

/// An open array or object. Nothing but the writer: no state to keep between items, so that it
/// is one pointer, passed and returned in a register.
///
/// serde_json keeps a state per container (empty, first, rest) and closes a container it is told
/// is empty when it opens it. The text is the same for every `Serialize` implementation that
/// tells the length it then writes (derives, std's collections, `Value`): the one difference is a
/// container declared empty that is then given items anyway, which serde_json writes as `[],1]`
/// (not JSON) and this writer as `[1]`.
///
/// Its methods are trampolines, inlined (see the module documentation), so that no `Compound`
/// is kept in memory: a caller holds only the writer's pointer.
pub struct Compound<'a> {
    ser: &'a mut Serializer,
}

// ------------------------------------------------------------- serde's traits

impl<'a> ser::Serializer for &'a mut Serializer {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    #[inline(always)]
    fn serialize_bool(self, v: bool) -> Result {
        bool_text(&mut self.out, v);
        Ok(())
    }

    #[inline(always)]
    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(i64::from(v))
    }

    #[inline(always)]
    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(i64::from(v))
    }

    #[inline(always)]
    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(i64::from(v))
    }

    #[inline(always)]
    fn serialize_i64(self, v: i64) -> Result {
        i64_text(&mut self.out, v);
        Ok(())
    }

    #[inline(always)]
    fn serialize_i128(self, v: i128) -> Result {
        i128_text(&mut self.out, v);
        Ok(())
    }

    #[inline(always)]
    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_u64(u64::from(v))
    }

    #[inline(always)]
    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_u64(u64::from(v))
    }

    #[inline(always)]
    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_u64(u64::from(v))
    }

    #[inline(always)]
    fn serialize_u64(self, v: u64) -> Result {
        u64_text(&mut self.out, v);
        Ok(())
    }

    #[inline(always)]
    fn serialize_u128(self, v: u128) -> Result {
        u128_text(&mut self.out, v);
        Ok(())
    }

    #[inline(always)]
    fn serialize_f32(self, v: f32) -> Result {
        f32_value(&mut self.out, v);
        Ok(())
    }

    #[inline(always)]
    fn serialize_f64(self, v: f64) -> Result {
        f64_value(&mut self.out, v);
        Ok(())
    }

    #[inline(always)]
    fn serialize_char(self, v: char) -> Result {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    #[inline(always)]
    fn serialize_str(self, v: &str) -> Result {
        string(&mut self.out, v);
        Ok(())
    }

    #[inline(always)]
    fn serialize_bytes(self, v: &[u8]) -> Result {
        bytes(&mut self.out, v);
        Ok(())
    }

    #[inline(always)]
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }

    #[inline(always)]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }

    #[inline(always)]
    fn serialize_unit(self) -> Result {
        self.out.push_str("null");
        Ok(())
    }

    #[inline(always)]
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }

    #[inline(always)]
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }

    #[inline(always)]
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result {
        value.serialize(self)
    }

    #[inline(always)]
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.variant(variant);
        value.serialize(&mut *self)?;
        self.close_variant(None);
        Ok(())
    }

    #[inline(always)]
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>> {
        self.open('[');
        Ok(Compound { ser: self })
    }

    #[inline(always)]
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>> {
        self.serialize_seq(Some(len))
    }

    #[inline(always)]
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>> {
        self.serialize_seq(Some(len))
    }

    #[inline(always)]
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>> {
        self.variant(variant);
        self.serialize_seq(Some(len))
    }

    #[inline(always)]
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>> {
        self.open('{');
        Ok(Compound { ser: self })
    }

    #[inline(always)]
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>> {
        self.serialize_map(Some(len))
    }

    #[inline(always)]
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>> {
        self.variant(variant);
        self.serialize_map(Some(len))
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;

    #[inline(always)]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.ser.comma();
        value.serialize(&mut *self.ser)
    }

    #[inline(always)]
    fn end(self) -> Result {
        self.ser.close(']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;

    #[inline(always)]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.ser.comma();
        value.serialize(&mut *self.ser)
    }

    #[inline(always)]
    fn end(self) -> Result {
        self.ser.close(']');
        Ok(())
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.ser.comma();
        value.serialize(&mut *self.ser)
    }

    #[inline(always)]
    fn end(self) -> Result {
        self.ser.close(']');
        Ok(())
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.ser.comma();
        value.serialize(&mut *self.ser)
    }

    #[inline(always)]
    fn end(self) -> Result {
        self.ser.close_variant(Some(']'));
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    #[inline(always)]
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.ser.comma();
        key.serialize(KeySerializer(&mut *self.ser))
    }

    #[inline(always)]
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.ser.colon();
        value.serialize(&mut *self.ser)
    }

    #[inline(always)]
    fn end(self) -> Result {
        self.ser.close('}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.ser.field(key);
        value.serialize(&mut *self.ser)
    }

    #[inline(always)]
    fn end(self) -> Result {
        self.ser.close('}');
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.ser.field(key);
        value.serialize(&mut *self.ser)
    }

    #[inline(always)]
    fn end(self) -> Result {
        self.ser.close_variant(Some('}'));
        Ok(())
    }
}

// ------------------------------------------------------------- map keys

/// A map key: a string, or a scalar written as one (`"1"`, `"true"`, `"1.5"`); anything else is
/// refused with serde_json's "key must be a string".
struct KeySerializer<'a>(&'a mut Serializer);

#[inline(never)]
fn key_u64(out: &mut String, v: u64) {
    out.push('"');
    u64_text(out, v);
    out.push('"');
}

#[inline(never)]
fn key_i64(out: &mut String, v: i64) {
    out.push('"');
    i64_text(out, v);
    out.push('"');
}

#[inline(never)]
fn key_u128(out: &mut String, v: u128) {
    out.push('"');
    u128_text(out, v);
    out.push('"');
}

#[inline(never)]
fn key_i128(out: &mut String, v: i128) {
    out.push('"');
    i128_text(out, v);
    out.push('"');
}

#[inline(never)]
fn key_bool(out: &mut String, v: bool) {
    out.push('"');
    bool_text(out, v);
    out.push('"');
}

#[inline(never)]
fn key_f64(out: &mut String, v: f64) -> Result {
    if !v.is_finite() {
        return Err(float_key_must_be_finite());
    }
    out.push('"');
    f64_text(out, v);
    out.push('"');
    Ok(())
}

#[inline(never)]
fn key_f32(out: &mut String, v: f32) -> Result {
    if !v.is_finite() {
        return Err(float_key_must_be_finite());
    }
    out.push('"');
    f32_text(out, v);
    out.push('"');
    Ok(())
}

#[inline(never)]
fn float_key_must_be_finite() -> Error {
    Error::new("float key must be finite (got NaN or +/-inf)")
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Impossible<(), Error>;
    type SerializeTuple = Impossible<(), Error>;
    type SerializeTupleStruct = Impossible<(), Error>;
    type SerializeTupleVariant = Impossible<(), Error>;
    type SerializeMap = Impossible<(), Error>;
    type SerializeStruct = Impossible<(), Error>;
    type SerializeStructVariant = Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result {
        key_bool(&mut self.0.out, v);
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result {
        key_i64(&mut self.0.out, v);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result {
        key_i128(&mut self.0.out, v);
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result {
        key_u64(&mut self.0.out, v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result {
        key_u128(&mut self.0.out, v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result {
        key_f32(&mut self.0.out, v)
    }

    fn serialize_f64(self, v: f64) -> Result {
        key_f64(&mut self.0.out, v)
    }

    fn serialize_char(self, v: char) -> Result {
        self.0.serialize_char(v)
    }

    fn serialize_str(self, v: &str) -> Result {
        self.0.serialize_str(v)
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_none(self) -> Result {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result {
        self.0.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Impossible<(), Error>> {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Impossible<(), Error>> {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Impossible<(), Error>> {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Impossible<(), Error>> {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Impossible<(), Error>> {
        Err(Error::key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Impossible<(), Error>> {
        Err(Error::key_must_be_a_string())
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result {
        self.0.collect_str(value)
    }
}

#[cfg(test)]
mod tests;
