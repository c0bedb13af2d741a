use super::*;
use crate::model::common::{MeshGatewayConfig, MeshGatewayMode};
use crate::syntax::{Entry, Node, Value};

fn sp(start: usize, end: usize) -> Span {
    Span::new(0, start, end)
}

fn string(s: &str, at: usize) -> Node {
    Node::new(Value::String(s.into()), sp(at, at + s.len() + 2))
}

fn object(entries: Vec<(&str, Node)>) -> Node {
    let entries: Vec<Entry> = entries
        .into_iter()
        .map(|(k, v)| Entry {
            key: k.into(),
            key_span: sp(v.span.start as usize, v.span.start as usize),
            value: v,
            block: false,
        })
        .collect();
    Node::new(Value::Object(entries), sp(0, 100))
}

#[test]
fn keys_match_across_case_and_underscores() {
    assert!(key_matches("PathPrefix", "path_prefix"));
    assert!(key_matches("pathprefix", "PathPrefix"));
    assert!(key_matches("Type", "r#type"));
    assert!(!key_matches("Path", "path_prefix"));
    assert!(!key_matches("PathPrefixes", "path_prefix"));
}

#[test]
fn a_one_element_list_decodes_like_the_block() {
    let block = object(vec![("Mode", string("local", 10))]);
    let listed = Node::new(Value::Array(vec![block.clone()]), sp(0, 100));
    let mut cx = Cx::new();
    let a = MeshGatewayConfig::decode(&block, &mut cx);
    let b = MeshGatewayConfig::decode(&listed, &mut cx);
    assert!(cx.diags.is_empty(), "{:?}", cx.diags);
    assert_eq!(a, b);
    assert_eq!(a.map(|c| c.mode), Some(MeshGatewayMode::Local));
}

#[test]
fn unknown_keys_get_a_suggestion() {
    let node = object(vec![("Mdoe", string("local", 10))]);
    let mut cx = Cx::new();
    let _ = MeshGatewayConfig::decode(&node, &mut cx);
    assert_eq!(cx.diags.len(), 1);
    let d = &cx.diags[0];
    assert_eq!(d.code, Code::UnknownKey);
    assert_eq!(d.notes, vec!["help: did you mean `Mode`?".to_string()]);
}

#[test]
fn a_bad_enum_value_names_the_choices_and_the_closest() {
    let node = object(vec![("mode", string("locl", 10))]);
    let mut cx = Cx::new();
    let _ = MeshGatewayConfig::decode(&node, &mut cx);
    assert_eq!(cx.diags.len(), 1);
    assert_eq!(cx.diags[0].code, Code::InvalidEnum);
    assert!(cx.diags[0].message.contains("\"none\", \"local\", \"remote\""), "{}", cx.diags[0].message);
    assert_eq!(cx.diags[0].notes, vec!["help: did you mean \"local\"?".to_string()]);
    assert_eq!(cx.diags[0].span, Some(sp(10, 16)));
}

#[test]
fn a_wrong_type_says_what_was_found() {
    let node = object(vec![("Mode", Node::new(Value::Array(vec![string("local", 8)]), sp(7, 16)))]);
    let mut cx = Cx::new();
    let _ = MeshGatewayConfig::decode(&node, &mut cx);
    assert_eq!(cx.diags[0].code, Code::WrongType);
    assert_eq!(cx.diags[0].message, "expected a string, found a list of 1");
}

/// Consul decodes with mapstructure's WeaklyTypedInput: scalars of the wrong kind convert as
/// Go's strconv would, and only what does not convert is an error.
#[test]
fn scalars_convert_weakly_as_consul_decodes_them() {
    let num = |t: &str| Node::new(Value::Number(t.into()), sp(0, 1));
    let st = |t: &str| string(t, 0);
    let boolean = |b: bool| Node::new(Value::Bool(b), sp(0, 1));
    let mut cx = Cx::new();
    let as_string = |n: &Node, cx: &mut Cx| String::decode(n, cx);
    assert_eq!(as_string(&num("8080"), &mut cx).as_deref(), Some("8080"));
    assert_eq!(as_string(&num("1.5"), &mut cx).as_deref(), Some("1.5"));
    assert_eq!(as_string(&boolean(true), &mut cx).as_deref(), Some("1"));
    assert_eq!(u32::decode(&st("90"), &mut cx), Some(90));
    assert_eq!(u32::decode(&st("0x1F"), &mut cx), Some(31));
    assert_eq!(u32::decode(&st("010"), &mut cx), Some(8), "a leading 0 is octal, as in Go");
    assert_eq!(u32::decode(&st(""), &mut cx), Some(0));
    assert_eq!(u32::decode(&boolean(true), &mut cx), Some(1));
    assert_eq!(f64::decode(&st("12.5"), &mut cx), Some(12.5));
    assert_eq!(bool::decode(&st("true"), &mut cx), Some(true));
    assert_eq!(bool::decode(&st("F"), &mut cx), Some(false));
    assert_eq!(bool::decode(&num("2"), &mut cx), Some(true));
    assert!(cx.diags.is_empty(), "{:?}", cx.diags);
    for bad in ["ninety", "1.5", "08", "-", " 1"] {
        let mut cx = Cx::new();
        assert_eq!(u32::decode(&st(bad), &mut cx), None, "{bad:?}");
        assert_eq!(cx.diags.first().map(|d| d.code), Some(Code::WrongType), "{bad:?}");
    }
    let mut cx = Cx::new();
    assert_eq!(bool::decode(&st("required"), &mut cx), None);
    assert_eq!(cx.diags[0].message, "expected a boolean (true or false), found a string (\"required\")");
}

#[test]
fn duplicate_keys_are_errors_unless_the_field_is_a_list() {
    let node = object(vec![("Mode", string("local", 1)), ("mode", string("remote", 20))]);
    let mut cx = Cx::new();
    let _ = MeshGatewayConfig::decode(&node, &mut cx);
    assert_eq!(cx.diags.len(), 1);
    assert_eq!(cx.diags[0].code, Code::DuplicateKey);
}

#[test]
fn repeated_blocks_append_to_a_list() {
    let node =
        object(vec![("Tags", string("a", 1)), ("Tags", Node::new(Value::Array(vec![string("b", 9)]), sp(8, 20)))]);
    let mut cx = Cx::new();
    let mut meta = Meta::default();
    let Value::Object(entries) = &node.value else { unreachable!() };
    let tags: Option<Vec<String>> = decode_field(entries, "tags", "tags", &mut meta, &mut cx);
    assert_eq!(tags, Some(vec!["a".to_string(), "b".to_string()]));
    assert!(cx.diags.is_empty());
}

#[test]
fn integers_check_their_range() {
    let mut cx = Cx::new();
    let n = |t: &str| Node::new(Value::Number(t.into()), sp(0, 1));
    assert_eq!(u16::decode(&n("8080"), &mut cx), Some(8080));
    assert_eq!(u16::decode(&n("0x10"), &mut cx), Some(16));
    assert_eq!(u16::decode(&n("8080.0"), &mut cx), Some(8080));
    assert!(cx.diags.is_empty());
    assert_eq!(u16::decode(&n("70000"), &mut cx), None);
    assert_eq!(cx.diags[0].code, Code::NumberOutOfRange);
    assert_eq!(u16::decode(&n("1.5"), &mut cx), None);
    assert_eq!(cx.diags[1].code, Code::WrongType);
}

#[test]
fn durations_read_go_syntax_and_print_it_back() {
    for (text, nanos, back) in [
        ("5s", 5_000_000_000, "5s"),
        ("1m30s", 90_000_000_000, "1m30s"),
        ("250ms", 250_000_000, "250ms"),
        ("1h", 3_600_000_000_000, "1h0m0s"),
        ("1.5s", 1_500_000_000, "1.5s"),
        ("0", 0, "0s"),
    ] {
        let d = Duration::parse(text);
        assert_eq!(d.map(|d| d.nanos), Ok(nanos), "{text}");
        assert_eq!(Duration { nanos }.go_string(), back);
    }
    assert!(Duration::parse("5").is_err());
    assert!(Duration::parse("5 days").is_err());
    assert!(Duration::parse("-1s").is_err());
}

#[test]
fn suggestions_only_for_near_misses() {
    assert_eq!(suggest("PathPrefx", &["PathPrefix", "PathExact"]), Some("PathPrefix"));
    assert_eq!(suggest("path_exact", &["PathPrefix", "PathExact"]), Some("PathExact"));
    assert_eq!(suggest("Completely", &["PathPrefix", "PathExact"]), None);
}

#[test]
fn pascal_case_spells_config_entry_keys() {
    assert_eq!(pascal_case("path_prefix"), "PathPrefix");
    assert_eq!(pascal_case("r#type"), "Type");
    assert_eq!(pascal_case("ca_file"), "CAFile");
    assert_eq!(pascal_case("mutual_tls_mode"), "MutualTLSMode");
    assert_eq!(pascal_case("json_format"), "JSONFormat");
    assert_eq!(pascal_case("http"), "HTTP");
    assert_eq!(pascal_case("jwks_cluster"), "JWKSCluster");
    assert_eq!(pascal_case("uri"), "URI");
    assert_eq!(pascal_case("kv"), "KV");
}

/// Bug (found by the cross-format property test): in an opaque value (proxy `Config`, `check`, …)
/// `0x1F` written in HCL or YAML became the float 31.0 while JSON's `31` stays the integer 31, and
/// integers above i64::MAX lost precision as floats.
#[test]
fn opaque_integers_in_any_notation_stay_integers() {
    let json = |text: &str| primitives::to_json(&Node::new(Value::Number(text.into()), sp(0, 1)));
    for text in ["31", "+31", "0x1F", "0X1f", "0o37", "-0x1F"] {
        let want: i64 = if text.starts_with('-') { -31 } else { 31 };
        assert_eq!(json(text), serde_json::json!(want), "{text}");
        assert!(json(text).is_i64(), "{text}");
    }
    assert_eq!(json("18446744073709551615"), serde_json::json!(u64::MAX));
    assert_eq!(json("-9223372036854775808"), serde_json::json!(i64::MIN));
    // A fraction or an exponent says float, whatever the value.
    for text in ["31.0", "3.1e1", "31e0"] {
        assert!(json(text).is_f64(), "{text}");
        assert_eq!(json(text).as_f64(), Some(31.0), "{text}");
    }
    // Beyond u64, and hex digits in a decimal, are not integers: a float, or the text as written.
    assert!(json("18446744073709551616").is_f64());
    assert_eq!(json("0x"), serde_json::json!("0x"));
}

#[test]
fn plain_float_writes_what_std_display_writes() {
    let mut values = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        0.004,
        99.5,
        33.33,
        1e-7,
        1.5e-7,
        1e21,
        1.234e33,
        12340000000.0,
        1e15,
        1e16,
        1e17,
        123456789012.5,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        0.1 + 0.2,
        100.0 / 3.0,
        -2.5e-5,
    ];
    // A spread of magnitudes and digit counts (a fixed LCG: the same values every run).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..2000 {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let f = f64::from_bits(x);
        if f.is_finite() {
            values.push(f);
        }
        values.push((x >> 11) as f64 / 2f64.powi((x % 70) as i32));
    }
    let mut ties = 0;
    for f in values {
        let (ours, std) = (plain_float(f), f.to_string());
        if ours != std {
            // Both are shortest round-trip forms; when two are equally near the value (a tie in
            // the last digit, only for values with 16+ digits), the two writers may pick either.
            assert_eq!((ours.len(), ours.parse::<f64>()), (std.len(), Ok(f)), "{f:e}: {ours} vs {std}");
            ties += 1;
        }
    }
    assert!(ties < 20, "{ties} differences");
}

#[test]
fn rounded_float_rounds_to_places() {
    for (f, want) in [
        (100.0 / 3.0, "33.333333"),
        (2.0 / 3.0, "0.666667"),
        (0.9999999, "1"),
        (-0.9999999, "-1"),
        (99.9999999, "100"),
        (1.5, "1.5"),
        (1e-7, "0"),
    ] {
        assert_eq!(rounded_float(f, 6), want, "{f}");
    }
    // Agrees with `{:.6}` wherever the digits cut off are not exactly 5.
    for i in 0..5000u32 {
        let f = f64::from(i) * 1.000_000_123_457 / 7.0;
        let std = format!("{f:.6}");
        assert_eq!(rounded_float(f, 6), std.trim_end_matches('0').trim_end_matches('.'), "{f}");
    }
}
