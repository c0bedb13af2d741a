use super::*;
use crate::json::{read_compact, to_string, to_value};
use proptest::prelude::*;

fn map(pairs: &[(&str, i64)]) -> Map {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert((*k).to_string(), Value::from(*v));
    }
    m
}

#[test]
fn keys_come_out_sorted_by_bytes_whatever_the_insertion_order() {
    let m = map(&[("b", 1), ("a", 2), ("B", 3), ("", 4), ("é", 5), ("ab", 6), ("a\u{0}", 7)]);
    let keys: Vec<&str> = m.keys().map(String::as_str).collect();
    assert_eq!(keys, ["", "B", "a", "a\u{0}", "ab", "b", "é"]);
    assert_eq!(m.len(), 7);
    assert_eq!(to_string(&m).unwrap(), r#"{"":4,"B":3,"a":2,"a\u0000":7,"ab":6,"b":1,"é":5}"#);
}

#[test]
fn insert_replaces_and_returns_the_old_value() {
    let mut m = map(&[("a", 1), ("b", 2)]);
    assert_eq!(m.insert("a".into(), Value::from("x")), Some(Value::from(1)));
    assert_eq!(m.insert("c".into(), Value::Null), None);
    assert_eq!(m.len(), 3);
    assert_eq!(m.get("a"), Some(&Value::from("x")));
    assert_eq!(to_string(&m).unwrap(), r#"{"a":"x","b":2,"c":null}"#);
}

#[test]
fn get_remove_and_entry() {
    let mut m = map(&[("a", 1), ("c", 3)]);
    assert_eq!(m.get("b"), None);
    assert!(m.contains_key("c") && !m.contains_key("b"));
    assert_eq!(m.remove("b"), None);
    assert_eq!(m.remove("a"), Some(Value::from(1)));
    assert_eq!(m.get("a"), None);
    assert_eq!(m.len(), 1);
    *m.entry("b").or_insert(Value::from(0)) = Value::from(2);
    m.entry("c").or_insert_with(|| Value::from(9));
    assert_eq!(to_string(&m).unwrap(), r#"{"b":2,"c":3}"#);
    if let Some(v) = m.get_mut("c") {
        *v = Value::Bool(true);
    }
    assert_eq!(m["c"], true);
    assert_eq!(m["zz"], Value::Null);
    m.retain(|k, _| k != "b");
    assert_eq!(to_string(&m).unwrap(), r#"{"c":true}"#);
}

#[test]
fn collecting_keeps_the_last_of_a_repeated_key() {
    let m: Map = [("b", Value::from(1)), ("a", Value::from(2)), ("b", Value::from(3))].into_iter().collect();
    assert_eq!(to_string(&m).unwrap(), r#"{"a":2,"b":3}"#);
    let mut other = map(&[("a", 5), ("z", 6)]);
    let mut m = m;
    m.append(&mut other);
    assert!(other.is_empty());
    assert_eq!(to_string(&m).unwrap(), r#"{"a":5,"b":3,"z":6}"#);
}

#[test]
fn numbers_keep_their_kind_as_serde_json_does() {
    assert_eq!(Value::from(1u8), serde_json::json!(1));
    assert_ne!(Value::from(1), Value::from(1.0));
    assert_eq!(Value::from(-1i64).as_i64(), Some(-1));
    assert_eq!(Value::from(-1i64).as_u64(), None);
    assert_eq!(Value::from(u64::MAX).as_i64(), None);
    assert_eq!(Value::from(f64::NAN), Value::Null);
    assert_eq!(Value::from(f64::INFINITY), Value::Null);
    for (v, text) in [
        (Value::from(0.1), "0.1"),
        (Value::from(1.0), "1.0"),
        (Value::from(-0.0), "-0.0"),
        (Value::from(1e300), "1e+300"),
        (Value::from(i64::MIN), "-9223372036854775808"),
        (Value::from(u64::MAX), "18446744073709551615"),
    ] {
        assert_eq!(v.to_string(), text);
        assert_eq!(serde_json::to_string(&serde_json::to_value(&v).unwrap()).unwrap(), text);
    }
}

#[test]
fn index_get_and_pointer() {
    let v = crate::json::json!({"a": [1, {"b/c": "x", "d~": null}], "e": true});
    assert_eq!(v["a"][1]["b/c"], "x");
    assert_eq!(v["nope"][3], Value::Null);
    assert_eq!(v.get("a").and_then(|a| a.get(0)), Some(&Value::from(1)));
    assert_eq!(v.pointer("/a/1/b~1c"), Some(&Value::from("x")));
    assert_eq!(v.pointer("/a/1/d~0"), Some(&Value::Null));
    assert_eq!(v.pointer("/a/2"), None);
    assert_eq!(v.pointer(""), Some(&v));
}

/// Builds `v` in our tree with our API (not through serde), so that the comparisons below test
/// the map's insertion, not a conversion.
fn ours(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Value::from(u),
            (None, Some(i), _) => Value::from(i),
            (None, None, Some(f)) => Value::from(f),
            _ => Value::Null,
        },
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(ours).collect()),
        serde_json::Value::Object(m) => {
            let mut out = Map::new();
            // In reverse, so that the order the map was built in differs from the written one.
            for (k, v) in m.iter().rev() {
                out.insert(k.clone(), ours(v));
            }
            Value::Object(out)
        }
    }
}

fn arb_serde_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        "[\\[\\]{}:,\"\\\\ aB\\n\\u{1}é🙂]{0,8}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::vec(("[aBé\"\\\\{ ]{0,4}", inner), 0..8)
                .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn the_same_tree_writes_the_same_text_as_serde_jsons(theirs in arb_serde_value()) {
        let v = ours(&theirs);
        let text = to_string(&v).unwrap();
        prop_assert_eq!(&text, &serde_json::to_string(&theirs).unwrap());
        prop_assert_eq!(v.to_string(), theirs.to_string());
        prop_assert_eq!(crate::json::pretty(&v).unwrap(), serde_json::to_string_pretty(&theirs).unwrap());
        // Read back, from our compact text and through serde.
        prop_assert_eq!(read_compact(&text), Some(v.clone()));
        prop_assert_eq!(&to_value(&theirs).unwrap(), &v);
        prop_assert_eq!(serde_json::from_value::<Value>(theirs.clone()).unwrap(), v.clone());
        prop_assert!(v == theirs);
    }
}
