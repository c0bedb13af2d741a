//! The writer against serde_json's compact writer as the oracle: the same text, or an error
//! where serde_json gives one, with the same message.

use super::*;
use proptest::prelude::*;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// Ours and serde_json's: both `Ok` with the same text, or both `Err` with the same message.
fn same<T: Serialize + ?Sized>(value: &T) -> std::result::Result<String, String> {
    let ours = to_string(value).map_err(|e| e.to_string());
    let theirs = serde_json::to_string(value).map_err(|e| e.to_string());
    assert_eq!(ours, theirs);
    ours
}

/// `same`, and `Ok`.
fn text<T: Serialize + ?Sized>(value: &T) -> String {
    same(value).unwrap()
}

/// Map entries in the order given, keys of any type (f64 keys cannot be in a `BTreeMap`).
struct Entries<K, V>(Vec<(K, V)>);

impl<K: Serialize, V: Serialize> Serialize for Entries<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// One key, of any type.
fn key_of<K: Serialize>(key: K) -> std::result::Result<String, String> {
    same(&Entries(vec![(key, 1u8)]))
}

// ------------------------------------------------------------- strings

#[test]
fn every_ascii_character_and_some_others() {
    for c in
        (0u8..0x80).map(char::from).chain(['é', 'ÿ', '\u{7ff}', '\u{800}', '\u{2028}', '\u{fffd}', '🙂', '\u{10ffff}'])
    {
        text(&c);
        text(&c.to_string());
        text(&format!("a{c}b{c}{c}"));
        key_of(c).unwrap();
        key_of(format!("{c}x")).unwrap();
    }
    // DEL and `/` are not escaped.
    assert_eq!(text("\"\\/\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}"), "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u{7f}\"");
    assert_eq!(quote("a\"b\u{1}"), r#""a\"b\u0001""#);
    assert_eq!(text(""), r#""""#);
}

fn arb_string() -> impl Strategy<Value = String> {
    // Mostly the characters that matter (controls, quotes, backslashes), then any char.
    let c = prop_oneof![
        (0u8..0x20).prop_map(char::from),
        prop::sample::select(vec!['"', '\\', '/', 'a', ' ', '\u{7f}', 'é', '🙂']),
        any::<char>(),
    ];
    prop::collection::vec(c, 0..24).prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn strings(s in arb_string(), any_s in any::<String>(), c in any::<char>()) {
        text(&s);
        text(&any_s);
        text(&c);
        prop_assert_eq!(quote(&s), serde_json::to_string(&s).unwrap());
        key_of(s).unwrap();
        key_of(c).unwrap();
    }
}

// ------------------------------------------------------------- numbers

fn special_f64() -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        0.5,
        1.5,
        25.5,
        100.0,
        1e15,
        1e16,
        1e17,
        1e20,
        1e21,
        1e22,
        1e-5,
        1e-6,
        1e-7,
        123456789.0,
        9007199254740992.0,
        9007199254740993.0,
        f64::MIN_POSITIVE,
        f64::from_bits(1),
        f64::from_bits(0x000f_ffff_ffff_ffff),
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        f64::NAN,
        -f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    v.extend((-30..30).map(|e| 10f64.powi(e)));
    v.extend((-30..30).map(|e| 1.25 * 10f64.powi(e)));
    v
}

#[test]
fn special_floats() {
    for x in special_f64() {
        text(&x);
        text(&-x);
        text(&(x as f32));
        let key = same(&Entries(vec![(x, 0u8)]));
        assert_eq!(key.is_ok(), x.is_finite(), "{x}");
        key_of(x as f32).ok();
    }
    for bits in [0u32, 1, 0x007f_ffff, 0x0080_0000, 0x7f7f_ffff, 0x7f80_0000, 0xff80_0000, 0x7fc0_0000, 0x8000_0000] {
        let x = f32::from_bits(bits);
        text(&x);
        key_of(x).ok();
    }
    assert_eq!(text(&f64::NAN), "null");
    assert_eq!(text(&f32::INFINITY), "null");
    assert_eq!(key_of(f64::NAN), Err("float key must be finite (got NaN or +/-inf)".to_string()));
    assert_eq!(key_of(f32::NEG_INFINITY), Err("float key must be finite (got NaN or +/-inf)".to_string()));
    assert_eq!(key_of(1.5f64).unwrap(), r#"{"1.5":1}"#);
}

#[test]
fn integer_extremes() {
    text(&[i8::MIN, i8::MAX, 0, -1]);
    text(&[i16::MIN, i16::MAX]);
    text(&[i32::MIN, i32::MAX]);
    text(&[i64::MIN, i64::MAX, -9, -10, -11]);
    text(&[u8::MAX, 0, 9, 10]);
    text(&[u16::MAX]);
    text(&[u32::MAX]);
    text(&[u64::MAX, 0, 10_000_000_000_000_000_000, 9_999_999_999_999_999_999]);
    let powers: Vec<u128> = (0..39).map(|e| 10u128.pow(e)).collect();
    text(&powers);
    text(&powers.iter().map(|p| p - 1).collect::<Vec<_>>());
    text(&powers.iter().map(|p| p + 1).collect::<Vec<_>>());
    let big = [u128::MAX, u128::from(u64::MAX), u128::from(u64::MAX) + 1, 10u128.pow(19) * 10u128.pow(19)];
    text(&big);
    text(&[i128::MIN, i128::MAX, i128::from(i64::MIN) - 1, -1]);
    for k in [i128::MIN, i128::MAX, 0, -1] {
        key_of(k).unwrap();
    }
    for k in big {
        key_of(k).unwrap();
    }
    assert_eq!(text(&i128::MIN), "-170141183460469231731687303715884105728");
    assert_eq!(text(&u128::MAX), "340282366920938463463374607431768211455");
}

proptest! {
    #[test]
    fn floats(bits in any::<u64>(), bits32 in any::<u32>(), x in any::<f64>(), y in any::<f32>()) {
        for v in [f64::from_bits(bits), x] {
            text(&v);
            let key = same(&Entries(vec![(v, v)]));
            prop_assert_eq!(key.is_ok(), v.is_finite());
        }
        for v in [f32::from_bits(bits32), y] {
            text(&v);
            let key = same(&Entries(vec![(v, v)]));
            prop_assert_eq!(key.is_ok(), v.is_finite());
        }
    }

    #[test]
    fn integers(
        a in any::<i8>(), b in any::<i16>(), c in any::<i32>(), d in any::<i64>(), e in any::<i128>(),
        f in any::<u8>(), g in any::<u16>(), h in any::<u32>(), i in any::<u64>(), j in any::<u128>(),
    ) {
        text(&(a, b, c, d, e, f, g, h, i, j));
        key_of(a).unwrap();
        key_of(b).unwrap();
        key_of(c).unwrap();
        key_of(d).unwrap();
        key_of(e).unwrap();
        key_of(f).unwrap();
        key_of(g).unwrap();
        key_of(h).unwrap();
        key_of(i).unwrap();
        key_of(j).unwrap();
        // Small magnitudes are most of what is written.
        text(&(d % 1000, i % 100_000, e >> 64, j >> 60));
    }
}

// ------------------------------------------------------------- map keys

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord, Clone, Copy, Debug)]
enum Color {
    Red,
    #[serde(rename = "dark \"green\"")]
    Green,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Name(String);

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Pair {
    a: u8,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Newtype(u8),
    Tuple(u8, u8),
    Struct { a: u8 },
}

#[derive(Serialize)]
struct Unit;

/// `serialize_bytes`, which no std type calls.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// `collect_str` with text that needs escaping.
struct Shown(&'static str);

impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("<{}>", self.0))
    }
}

#[test]
fn map_keys_as_serde_json_takes_them() {
    assert_eq!(key_of("k").unwrap(), r#"{"k":1}"#);
    assert_eq!(key_of(true).unwrap(), r#"{"true":1}"#);
    assert_eq!(key_of(false).unwrap(), r#"{"false":1}"#);
    assert_eq!(key_of(-7i32).unwrap(), r#"{"-7":1}"#);
    assert_eq!(key_of('"').unwrap(), r#"{"\"":1}"#);
    assert_eq!(key_of(Color::Green).unwrap(), r#"{"dark \"green\"":1}"#);
    assert_eq!(key_of(Name("n".into())).unwrap(), r#"{"n":1}"#);
    assert_eq!(key_of(Some("s")).unwrap(), r#"{"s":1}"#);
    assert_eq!(key_of(Some(Some(3u8))).unwrap(), r#"{"3":1}"#);
    key_of(Shown("a\"\n")).unwrap();
    let refused = Err("key must be a string".to_string());
    assert_eq!(key_of(None::<&str>), refused);
    assert_eq!(key_of(()), refused);
    assert_eq!(key_of(Unit), refused);
    assert_eq!(key_of(Bytes(b"ab")), refused);
    assert_eq!(key_of(vec![1u8]), refused);
    assert_eq!(key_of((1u8, 2u8)), refused);
    assert_eq!(key_of(Pair { a: 1 }), refused);
    assert_eq!(key_of(Shape::Newtype(1)), refused);
    assert_eq!(key_of(Shape::Tuple(1, 2)), refused);
    assert_eq!(key_of(Shape::Struct { a: 1 }), refused);
    assert_eq!(key_of(BTreeMap::from([(1u8, 2u8)])), refused);
    assert_eq!(key_of(json!({})), refused);
    assert_eq!(key_of(json!(null)), refused);
    // A `Value` key: a string as itself, a number as its text, others refused.
    assert_eq!(key_of(json!("v")).unwrap(), r#"{"v":1}"#);
    key_of(json!(12)).ok();
    key_of(json!(-1.5)).ok();
    key_of(json!(true)).ok();
    key_of(json!([1])).ok();
    // An error deep inside.
    text(&json!({"a": [1, {"b": 2}]}));
    assert_eq!(same(&vec![Entries(vec![((), 1)])]), refused);
    assert_eq!(
        same(&BTreeMap::from([("x", Entries(vec![(f64::NAN, 1)]))])),
        Err("float key must be finite (got NaN or +/-inf)".to_string())
    );
}

proptest! {
    #[test]
    fn maps_of_every_key_kind(
        strings in prop::collection::btree_map(arb_string(), any::<i32>(), 0..5),
        ints in prop::collection::btree_map(any::<i64>(), arb_string(), 0..5),
        bools in prop::collection::btree_map(any::<bool>(), any::<u8>(), 0..3),
        chars in prop::collection::btree_map(any::<char>(), any::<f64>(), 0..5),
        floats in prop::collection::vec((any::<f64>(), any::<u8>()), 0..5),
        colors in prop::collection::btree_map(prop::sample::select(vec![Color::Red, Color::Green]), any::<u8>(), 0..3),
    ) {
        text(&strings);
        text(&ints);
        text(&bools);
        text(&chars);
        let _ = same(&Entries(floats));
        text(&colors);
    }
}

// ------------------------------------------------------------- serde's shapes

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Zoo {
    unit: (),
    unit_struct: Unit,
    name: Name,
    #[serde(rename = "with \"quotes\"")]
    renamed: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    maybe: Option<String>,
    always: Option<i64>,
    nested: Vec<BTreeMap<String, Vec<Option<f32>>>>,
    tuple: (u8, String, (), [i8; 2]),
    empty_vec: Vec<u8>,
    empty_map: BTreeMap<u8, u8>,
    empty_tuple: [u8; 0],
    externally: Vec<External>,
    internally: Vec<Internal>,
    adjacently: Vec<Adjacent>,
    untagged: Vec<Untagged>,
    #[serde(flatten)]
    flat: Flat,
    #[serde(skip)]
    _skipped: u8,
    bytes: BytesField,
    shown: Shown,
    value: serde_json::Value,
    chars: Vec<char>,
    unit_tuple_struct: Pair2,
    empty_struct: Empty,
}

#[derive(Serialize)]
struct Pair2(u8, Option<u8>);

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct BytesField(#[serde(serialize_with = "as_bytes")] Vec<u8>);

fn as_bytes<S: serde::Serializer>(v: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_bytes(v)
}

#[derive(Serialize)]
enum External {
    Unit,
    #[serde(rename = "new\ttype")]
    Newtype(String),
    Tuple(i32, f64),
    EmptyTuple(),
    Struct {
        a: u8,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        b: Vec<u8>,
    },
    EmptyStruct {},
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Internal {
    Unit,
    Struct {
        a: u8,
        b: Option<String>,
    },
    NewtypeStruct(Inner),
    NewtypeMap(BTreeMap<String, u8>),
    NewtypeUnit(()),
    NewtypeEnum(InnerUnit),
    Flattened {
        a: u8,
        #[serde(flatten)]
        rest: BTreeMap<String, serde_json::Value>,
    },
}

#[derive(Serialize)]
struct Inner {
    x: i8,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<u8>,
}

#[derive(Serialize)]
enum InnerUnit {
    Only,
}

#[derive(Serialize)]
#[serde(tag = "t", content = "c")]
enum Adjacent {
    Unit,
    Newtype(u8),
    Tuple(u8, u8),
    Struct { a: u8 },
}

#[derive(Serialize)]
#[serde(untagged)]
enum Untagged {
    Unit,
    Number(f64),
    Text(String),
    List(Vec<u8>),
    Struct { a: u8 },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Flat {
    flat_one: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    flat_two: Option<String>,
    #[serde(flatten)]
    more: BTreeMap<String, u8>,
    #[serde(flatten)]
    inner: Option<Inner>,
}

fn zoo(s: String, i: i64, f: f64, small: Option<u8>) -> Zoo {
    Zoo {
        unit: (),
        unit_struct: Unit,
        name: Name(s.clone()),
        renamed: small.unwrap_or(7),
        maybe: small.map(|n| format!("{s}{n}")),
        always: small.map(i64::from),
        nested: vec![
            BTreeMap::new(),
            BTreeMap::from([(s.clone(), vec![None, Some(f as f32)]), (String::new(), vec![])]),
        ],
        tuple: (3, s.clone(), (), [i8::MIN, -1]),
        empty_vec: vec![],
        empty_map: BTreeMap::new(),
        empty_tuple: [],
        externally: vec![
            External::Unit,
            External::Newtype(s.clone()),
            External::Tuple(i as i32, f),
            External::EmptyTuple(),
            External::Struct { a: 1, b: vec![] },
            External::Struct { a: 2, b: vec![1, 2] },
            External::EmptyStruct {},
        ],
        internally: vec![
            Internal::Unit,
            Internal::Struct { a: 1, b: Some(s.clone()) },
            Internal::Struct { a: 1, b: None },
            Internal::NewtypeStruct(Inner { x: -1, y: small }),
            Internal::NewtypeMap(BTreeMap::from([(s.clone(), 1)])),
            Internal::NewtypeMap(BTreeMap::new()),
            Internal::NewtypeUnit(()),
            Internal::NewtypeEnum(InnerUnit::Only),
            Internal::Flattened { a: 3, rest: BTreeMap::from([(s.clone(), json!([i, f, null]))]) },
        ],
        adjacently: vec![Adjacent::Unit, Adjacent::Newtype(1), Adjacent::Tuple(1, 2), Adjacent::Struct { a: 3 }],
        untagged: vec![
            Untagged::Unit,
            Untagged::Number(f),
            Untagged::Text(s.clone()),
            Untagged::List(vec![]),
            Untagged::Struct { a: 1 },
        ],
        flat: Flat {
            flat_one: 1,
            flat_two: small.map(|_| s.clone()),
            more: BTreeMap::from([(format!("m{s}"), 2)]),
            inner: small.map(|y| Inner { x: 0, y: Some(y) }),
        },
        _skipped: 9,
        bytes: BytesField(s.as_bytes().to_vec()),
        shown: Shown("\"x\"\u{1}"),
        value: json!({ "null": null, "t": true, "f": false, "u": u64::MAX, "i": i, "x": f, "s": s, "a": [[], {}] }),
        chars: s.chars().collect(),
        unit_tuple_struct: Pair2(1, small),
        empty_struct: Empty {},
    }
}

#[test]
fn every_serde_shape() {
    let z = zoo("k\"\n🙂".into(), -42, 2.5, Some(3));
    let t = text(&z);
    assert!(
        t.contains(r#""Externally":["Unit",{"new\ttype":"k\"\n🙂"},{"Tuple":[-42,2.5]},{"EmptyTuple":[]},"#),
        "{t}"
    );
    text(&zoo(String::new(), 0, f64::NAN, None));
    text(&Shown("plain"));
    text(&Bytes(&[]));
    text(&Bytes(&[0, 255, 10]));
    text(&(Some(Unit), None::<u8>, Some(Some(())), [(); 2]));
    text(&vec![Shape::Newtype(1), Shape::Tuple(1, 2), Shape::Struct { a: 1 }]);
    assert_eq!(text(&External::EmptyStruct {}), r#"{"EmptyStruct":{}}"#);
    assert_eq!(text(&Internal::Unit), r#"{"type":"unit"}"#);
}

proptest! {
    #[test]
    fn the_zoo(s in arb_string(), i in any::<i64>(), f in any::<f64>(), small in any::<Option<u8>>()) {
        text(&zoo(s, i, f, small));
    }
}

/// A `Serialize` implementation that declares a container empty and then gives it items: serde_json
/// closes the container at once and writes the items after it, this writer writes them inside
/// (see `Compound`). The one place the texts differ; no derive or std type does this.
struct Liar;

impl Serialize for Liar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(0))?;
        seq.serialize_element(&1)?;
        seq.serialize_element(&Unit)?;
        seq.end()
    }
}

struct MapLiar;

impl Serialize for MapLiar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(0))?;
        map.serialize_entry("a", &1)?;
        map.end()
    }
}

#[test]
fn containers_declared_empty() {
    assert_eq!(serde_json::to_string(&[Liar, Liar]).unwrap(), "[[],1,null],[],1,null]]");
    assert_eq!(to_string(&[Liar, Liar]).unwrap(), "[[1,null],[1,null]]");
    assert_eq!(serde_json::to_string(&MapLiar).unwrap(), r#"{},"a":1}"#);
    assert_eq!(to_string(&MapLiar).unwrap(), r#"{"a":1}"#);
    // Declared empty and empty: the same.
    text(&(Vec::<u8>::new(), BTreeMap::<u8, u8>::new(), [0u8; 0], Empty {}, External::EmptyTuple()));
}

/// A `Serialize` implementation's own error comes back with its message, as from serde_json.
struct Failing;

impl Serialize for Failing {
    fn serialize<S: serde::Serializer>(&self, _: S) -> std::result::Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(format_args!("no {}", "way")))
    }
}

#[test]
fn custom_errors_keep_their_message() {
    assert_eq!(same(&(1, Failing)), Err("no way".to_string()));
    let e = to_string(&vec![Failing]).unwrap_err();
    assert_eq!(format!("{e} {e:?}"), r#"no way Error("no way")"#);
    let _: &dyn std::error::Error = &e;
    assert_eq!(std::mem::size_of::<Result>(), std::mem::size_of::<usize>());
}

// ------------------------------------------------------------- serde_json::Value

fn arb_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<u64>().prop_map(|b| Value::from(f64::from_bits(b))),
        any::<f64>().prop_map(Value::from),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(arb_string(), inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn values(v in arb_value()) {
        text(&v);
    }
}
