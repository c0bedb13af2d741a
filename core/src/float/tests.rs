//! `parse_f64` against the standard library's parser, which is the oracle: same acceptance, same
//! bits.

use super::parse_f64;
use proptest::prelude::*;

fn ours(s: &str) -> Option<u64> {
    parse_f64(s).map(f64::to_bits)
}

fn std_bits(s: &str) -> Option<u64> {
    s.parse::<f64>().ok().map(f64::to_bits)
}

#[track_caller]
fn same(s: &str) {
    assert_eq!(ours(s), std_bits(s), "{s:?}: ours {:?}, std {:?}", parse_f64(s), s.parse::<f64>());
}

/// The exact decimal expansion of `odd × 2^pow2`, positional (base-10^9 limbs, written apart from
/// the code under test).
fn exact_decimal(odd: u64, pow2: i32) -> String {
    let mut limbs: Vec<u64> =
        vec![odd % 1_000_000_000, odd / 1_000_000_000 % 1_000_000_000, odd / 1_000_000_000_000_000_000];
    let mul = |limbs: &mut Vec<u64>, m: u64| {
        let mut carry = 0;
        for l in limbs.iter_mut() {
            let p = *l * m + carry;
            *l = p % 1_000_000_000;
            carry = p / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    };
    // odd × 2^pow2 = odd × 2^pow2 (pow2 ≥ 0), or odd × 5^-pow2 / 10^-pow2.
    let (factor, times, point) = if pow2 >= 0 { (2, pow2, 0) } else { (5, -pow2, -pow2 as usize) };
    for _ in 0..times {
        mul(&mut limbs, factor);
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut digits = limbs.last().unwrap().to_string();
    for l in limbs.iter().rev().skip(1) {
        digits.push_str(&format!("{l:09}"));
    }
    if point == 0 {
        return digits;
    }
    if digits.len() <= point {
        digits = "0".repeat(point + 1 - digits.len()) + &digits;
    }
    let (whole, frac) = digits.split_at(digits.len() - point);
    format!("{whole}.{frac}")
}

/// The decimal one unit below in the last place (`s` is positive and has no exponent).
fn decrement(s: &str) -> String {
    let mut b = s.as_bytes().to_vec();
    for c in b.iter_mut().rev() {
        match *c {
            b'.' => continue,
            b'0' => *c = b'9',
            _ => {
                *c -= 1;
                break;
            }
        }
    }
    String::from_utf8(b).unwrap()
}

/// The exact midpoint between the finite positive `f` and the next double up, and strings just
/// below and above it.
fn halfway_strings(f: f64) -> Vec<String> {
    let bits = f.to_bits();
    let exp = (bits >> 52) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = if exp == 0 { (frac, -1074) } else { (frac | 1 << 52, exp - 1075) };
    let mid = exact_decimal(2 * m + 1, e - 1);
    vec![
        mid.clone(),
        format!("{mid}1"),
        format!("{mid}000000000000000000000000001"),
        decrement(&mid),
        format!("{}999999", decrement(&mid)),
    ]
}

#[test]
fn grammar() {
    for s in [
        "",
        "+",
        "-",
        ".",
        "1e",
        "1e+",
        "1e-",
        "1.e5",
        ".5",
        "5.",
        ".e1",
        "e1",
        "1E5",
        "inf",
        "INF",
        "Infinity",
        "iNfInItY",
        "infin",
        "+inf",
        "-inf",
        "-nan",
        "nan",
        "NaN",
        "+nan",
        "+-1",
        "1e+-1",
        "1e--1",
        " 1",
        "1 ",
        "1_0",
        "0x10",
        "1.5.",
        "1..5",
        "1e1.5",
        "-.5",
        "+.5e-3",
        "infinityy",
        "-infinity",
        "١",
        "1e5e5",
        "0",
        "-0",
        "+0",
        "00",
        "0.",
        ".0",
        "-0.0e-0",
        "1e0",
        "1E+05",
        "1e-05",
        "0001.5000",
        "in",
        "na",
        "nana",
        "+-nan",
    ] {
        same(s);
    }
}

#[test]
fn edge_values() {
    let cases = [
        // Exact and fast-path.
        "1", "0.1", "0.2", "0.3", "123.456", "9007199254740992", "9007199254740993", "9007199254740995",
        "1e22", "1e23", "1e-22", "1e-23", "8.98846567431158e307",
        // Overflow and the largest finite.
        "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e308", "1e309", "1e400",
        "-1e400", "1e999999999999", "1e99999999999999999999999999999",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
        // Subnormals and underflow.
        "2.2250738585072014e-308", "2.2250738585072011e-308", "2.225073858507201e-308", "4.9406564584124654e-324",
        "5e-324", "3e-324", "2.5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2e-324", "1e-324",
        "1e-400", "-1e-400", "1e-999999999999", "1e-99999999999999999999999999",
        // Negative zero, leading zeros, trailing zeros, huge exponents on zero.
        "-0", "-0e999999999999", "0e-999999999999", "0000000000000000000000001.5", "0.0000000000000000000000015",
        "1000000000000000000000000000000000000000000000000000", "1.000000000000000000000000000000000000000000001",
        "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000001e80",
        "100000000000000000000000e-400", "0.00000000000000000000001e330",
        // Classic hard cases.
        "2.2250738585072012e-308", "9007199254740993.0000000000000000000000000001", "7.038531e-26",
        "4.35679842e-308", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124", "1.00000000000000011102230246251565404236316680908203126",
        "1.00000000000000033306690738754696212708950042724609375",
    ];
    for s in cases {
        same(s);
        same(&format!("-{s}"));
    }
}

#[test]
fn long_mantissas() {
    // 2^-1075 + tiny: the sticky digit decides, 1000 digits past the point.
    let min_half = exact_decimal(1, -1075);
    same(&min_half);
    same(&format!("{min_half}{}1", "0".repeat(1000)));
    same(&format!("{min_half}{}", "0".repeat(1000)));
    // A tie of 1 + ulp/2 with the deciding digit far past the 800th.
    let tie = exact_decimal(2 * (1 << 52) + 1, -53);
    same(&tie);
    for zeros in [700, 760, 800, 801, 900, 5000] {
        same(&format!("{tie}{}1", "0".repeat(zeros)));
        same(&format!("{tie}{}", "0".repeat(zeros)));
    }
    // Ten thousand digits, and as many leading zeros.
    same(&"9".repeat(10_000));
    same(&format!("0.{}1", "0".repeat(10_000)));
    same(&format!("{}e-10000", "1".repeat(10_000)));
    same(&format!("0.{}e10400", "3".repeat(10_000)));
}

#[test]
fn halfway_edges() {
    for f in [
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        1e-323,
        1.0,
        2.0,
        0.1,
        1e23,
        9007199254740992.0,
        f64::from_bits((1 << 52) - 1),
    ] {
        for s in halfway_strings(f) {
            same(&s);
        }
    }
}

fn finite() -> impl Strategy<Value = f64> {
    any::<u64>().prop_map(f64::from_bits).prop_filter("finite", |f| f.is_finite())
}

proptest! {
    #[test]
    fn printed_doubles(f in finite(), precision in 16usize..25) {
        for s in [format!("{f}"), format!("{f:e}"), format!("{f:?}"), format!("{f:.precision$e}"), format!("{:.precision$e}", f.abs())] {
            prop_assert_eq!(ours(&s), std_bits(&s), "{}", s);
        }
    }

    #[test]
    fn halfways(f in finite(), zeros in 0usize..900) {
        let f = f.abs();
        if f < f64::MAX {
            for s in halfway_strings(f) {
                prop_assert_eq!(ours(&s), std_bits(&s), "{}", s);
            }
            // Past the 800 digits kept, only "exactly" versus "a little more" or "a little less".
            let mid = &halfway_strings(f)[0];
            let point = if mid.contains('.') { "" } else { "." };
            for s in [format!("{mid}{point}{}1", "0".repeat(zeros)), format!("{}{point}{}", decrement(mid), "9".repeat(zeros + 1))] {
                prop_assert_eq!(ours(&s), std_bits(&s), "{}", s);
            }
        }
    }

    #[test]
    fn digit_strings(whole in "[0-9]{0,30}", frac in "[0-9]{0,30}", exp in -400i32..400, sign in "[-+]?", e in "[eE]") {
        let s = format!("{sign}{whole}.{frac}{e}{exp}");
        prop_assert_eq!(ours(&s), std_bits(&s), "{}", s);
        let s = format!("{sign}{whole}{frac}");
        prop_assert_eq!(ours(&s), std_bits(&s), "{}", s);
    }

    #[test]
    fn long_digit_strings(digits in "[0-9]{1,400}", point in 0usize..400, exp in -800i32..400) {
        let point = point.min(digits.len());
        let s = format!("{}.{}e{exp}", &digits[..point], &digits[point..]);
        prop_assert_eq!(ours(&s), std_bits(&s), "{}", s);
    }

    #[test]
    fn near_grammar(s in "[-+0-9.eEinftyaINFTYA]{0,12}") {
        prop_assert_eq!(ours(&s), std_bits(&s), "{}", s);
    }
}
