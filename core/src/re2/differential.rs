//! Our engine against regex-lite 0.1 (the engine it replaced) as the oracle: the same patterns
//! accepted and refused, the same answers from `is_match`, whole-text and unanchored, with and
//! without `ignore_case` — except where the module docs say we differ on purpose (the parser
//! flags those patterns, and then only our side is checked not to panic).
//!
//! `PROPTEST_CASES=20000 cargo test -p meshgate-core --lib re2::differential` for a long run.

use super::{compile, compile_noting_differences, SIZE_LIMIT};
use proptest::prelude::*;

fn lite(pattern: &str, ignore_case: bool) -> Result<regex_lite::Regex, regex_lite::Error> {
    regex_lite::RegexBuilder::new(pattern).case_insensitive(ignore_case).size_limit(SIZE_LIMIT).build()
}

/// Texts to match: every string over a small alphabet up to length 3, and some longer ones.
fn haystacks() -> Vec<String> {
    let alphabet = ["a", "b", "A", "B", "-", "é", " ", "\n", "\r", "0", "_", "x"];
    let mut out = vec![String::new()];
    let mut layer = vec![String::new()];
    for _ in 0..2 {
        layer = layer.iter().flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}"))).collect();
        out.extend(layer.iter().cloned());
    }
    out.extend(
        [
            "aab", "abab", "ba-b", "a\nb", "a\r\nb", "\r\n", "AbA", "aaaa", "a b_0", "é-é", "-a-", "x\n\n", "0_aB",
            "abba",
        ]
        .map(String::from),
    );
    out
}

/// Compares the two engines on `pattern` over `texts`; returns a description of the first
/// disagreement.
fn compare(pattern: &str, texts: &[String]) -> Result<(), String> {
    for ignore_case in [false, true] {
        let (ours, differs) = compile_noting_differences(pattern, ignore_case, false);
        let theirs = lite(pattern, ignore_case);
        if differs {
            if let Ok(r) = &ours {
                texts.iter().for_each(|t| {
                    r.is_match(t);
                });
            }
            continue;
        }
        match (&ours, &theirs) {
            (Ok(o), Ok(t)) => {
                for text in texts {
                    if o.is_match(text) != t.is_match(text) {
                        return Err(format!(
                            "{pattern:?} (ignore_case {ignore_case}) on {text:?}: ours {}, regex-lite {}",
                            o.is_match(text),
                            t.is_match(text)
                        ));
                    }
                }
            }
            (Err(_), Err(_)) => continue,
            (o, t) => {
                return Err(format!(
                    "{pattern:?} (ignore_case {ignore_case}): ours {:?}, regex-lite {:?}",
                    o.as_ref().err(),
                    t.as_ref().err().map(ToString::to_string)
                ));
            }
        }
        // Whole-text matching: regex-lite as we used it, on `^(?:pattern)$`. Where that text
        // does not parse although the pattern does (an `(?x)` comment eating the `)`, the
        // nesting limit), we accept, on purpose.
        let (ours, _) = compile_noting_differences(pattern, ignore_case, true);
        let ours = ours.map_err(|e| format!("{pattern:?} whole (ignore_case {ignore_case}): refused: {e}"))?;
        if let Ok(t) = lite(&format!("^(?:{pattern})$"), ignore_case) {
            for text in texts {
                if ours.is_match(text) != t.is_match(text) {
                    return Err(format!(
                        "{pattern:?} whole (ignore_case {ignore_case}) on {text:?}: ours {}, regex-lite {}",
                        ours.is_match(text),
                        t.is_match(text)
                    ));
                }
            }
        }
    }
    Ok(())
}

fn select(items: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop::sample::select(items).prop_map(String::from)
}

fn class() -> impl Strategy<Value = String> + Clone {
    let item = select(&[
        "a",
        "b",
        "B",
        "-",
        "é",
        "0",
        "_",
        " ",
        "x",
        "\\n",
        "\\r",
        "a-b",
        "A-Z",
        "a-z",
        "0-9",
        " --",
        "\\x2D-0",
        "é-ê",
        "A-c",
        "X-b",
        "\\d",
        "\\W",
        "\\s",
        "\\D",
        "[:alpha:]",
        "[:^lower:]",
        "[:upper:]",
        "[:punct:]",
        "[:word:]",
        "\\x{E9}",
        "\\x41",
        "\\x41-Z",
        "]",
        "^",
        "\\-",
        "\\]",
        "\\[",
        "&",
        "~",
        "&&",
        "--",
        "~~",
        "[",
        "[:bogus:]",
        "\\b",
        "#",
    ]);
    (any::<bool>(), prop::collection::vec(item, 1..4))
        .prop_map(|(neg, items)| format!("[{}{}]", if neg { "^" } else { "" }, items.concat()))
}

fn atom() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        8 => select(&["a", "b", "A", "B", "-", "é", " ", "0", "_", "\n", "x", "#", "]", "}"]),
        3 => select(&[
            ".", "\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "^", "$", "\\A", "\\z", "\\b", "\\B", "\\<", "\\>",
            "\\b{start}", "\\b{end}", "\\b{start-half}", "\\b{end-half}", "\\n", "\\t", "\\r", "\\x61", "\\x{E9}",
            "\\u0042", "\\U00000041", "\\.", "\\-", "\\ ", "\\#", "\\x{10FFFF}", "\\b{2}",
        ]),
        3 => class(),
    ]
}

fn pattern() -> impl Strategy<Value = String> {
    let repetition = select(&[
        "*",
        "+",
        "?",
        "*?",
        "+?",
        "??",
        "{2}",
        "{1,}",
        "{0,2}",
        "{1,3}?",
        "{0}",
        "{ 1 , 2 }",
        "{0,}",
        "{3,1}",
        "{",
        "{,2}",
        "{1",
    ]);
    let open = select(&[
        "(", "(?:", "(?i:", "(?-i:", "(?s:", "(?m:", "(?x:", "(?P<n>", "(?<m>", "(?U:", "(?R:", "(?im-s:", "(?mR:",
        "(?i-i:", "(?=", "( ?:",
    ]);
    let directive = select(&["(?i)", "(?m)", "(?s)", "(?-i)", "(?x)", "(?R)", "(?mR)", "(?sU)", "(?u)", "(?)"]);
    atom().prop_recursive(4, 24, 4, move |inner| {
        prop_oneof![
            3 => prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
            1 => prop::collection::vec(inner.clone(), 2..4).prop_map(|v| v.join("|")),
            3 => (inner.clone(), repetition.clone()).prop_map(|(p, r)| format!("{p}{r}")),
            2 => (open.clone(), inner.clone()).prop_map(|(g, p)| format!("{g}{p})")),
            1 => (directive.clone(), inner.clone()).prop_map(|(f, p)| format!("{f}{p}")),
        ]
    })
}

/// Syntax noise: a pattern with one character inserted or removed somewhere.
fn mutated() -> impl Strategy<Value = String> {
    let noise = select(&["(", ")", "[", "]", "{", "}", "|", "*", "\\", "-", "^", "?", ":", "<", ">", ",", "#", "1"]);
    (pattern(), any::<prop::sample::Index>(), noise, any::<bool>()).prop_map(|(p, at, n, insert)| {
        let chars: Vec<char> = p.chars().collect();
        let i = at.index(chars.len() + 1);
        let mut out: String = chars.iter().take(i).collect();
        if insert {
            out.push_str(&n);
            out.extend(chars.iter().skip(i));
        } else {
            out.extend(chars.iter().skip(i + 1));
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn grammar_patterns_agree_with_regex_lite(p in pattern()) {
        compare(&p, &haystacks()).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn mutated_patterns_agree_with_regex_lite(p in mutated()) {
        compare(&p, &haystacks()).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn random_strings_are_accepted_and_refused_alike(
        p in prop::collection::vec(prop::sample::select(&[
            'a', 'b', 'B', '0', '9', '(', ')', '[', ']', '{', '}', '|', '*', '+', '?', '\\', '-', '^', '$', '.', ':',
            '<', '>', '=', '!', ',', '#', '&', '~', ' ', 'P', 'p', 'x', 'u', 'd', 'w', 's', 'D', 'b', 'z', 'A', 'i',
            'm', 'U', 'R', 'é', '\n',
        ][..]), 0..16).prop_map(|v| v.into_iter().collect::<String>())
    ) {
        compare(&p, &["".into(), "a".into(), "ab".into(), "B0".into()]).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn arbitrary_text_never_panics(p in any::<String>(), text in any::<String>(), ic in any::<bool>()) {
        if let Ok(r) = compile(&p, ic, false) {
            r.is_match(&text);
        }
        if let Ok(r) = compile(&p, ic, true) {
            r.is_match(&text);
        }
    }
}

/// Every construct the module docs list, each compared with regex-lite.
#[test]
fn every_construct_agrees_with_regex_lite() {
    let patterns = [
        // literals and escapes
        "a",
        "ab",
        "é",
        "\\n",
        "\\t",
        "\\r",
        "\\f",
        "\\v",
        "\\a",
        "\\x61",
        "\\x7F",
        "\\x{e9}",
        "\\x{10FFFF}",
        "\\u00e9",
        "\\U000000e9",
        "\\.",
        "\\*",
        "\\\\",
        "\\-",
        "\\#",
        "\\&",
        "\\~",
        "\\%",
        "\\ ",
        "\\<",
        "\\>",
        "\\e",
        "\\0",
        "\\1",
        "\\pL",
        "\\p{Greek}",
        "\\PL",
        "\\",
        "\\x",
        "\\x6",
        "\\xZZ",
        "\\x{}",
        "\\x{D800}",
        "\\x{110000}",
        "\\x{ffffffffff}",
        "\\é",
        "\\_",
        "\\q",
        // dot and flags
        ".",
        "(?s).",
        "(?R).",
        "(?sR).",
        "a.b",
        "(?s:a.b)",
        // classes
        "[a]",
        "[ab]",
        "[a-c]",
        "[^a]",
        "[^a-c]",
        "[]]",
        "[]a]",
        "[^]a]",
        "[-]",
        "[a-]",
        "[-a]",
        "[--a]",
        "[a-b-c]",
        "[\\d]",
        "[\\D]",
        "[^\\d]",
        "[\\w-]",
        "[\\d-z]",
        "[a-\\d]",
        "[z-a]",
        "[a-a]",
        "[\\x41-\\x43]",
        "[\\n-\\r]",
        "[[:alpha:]]",
        "[[:^alpha:]]",
        "[[:digit:][:upper:]]",
        "[[:alnum:]]",
        "[[:ascii:]]",
        "[[:blank:]]",
        "[[:cntrl:]]",
        "[[:graph:]]",
        "[[:lower:]]",
        "[[:print:]]",
        "[[:punct:]]",
        "[[:space:]]",
        "[[:upper:]]",
        "[[:word:]]",
        "[[:xdigit:]]",
        "[[:bogus:]]",
        "[[a]]",
        "[a&&b]",
        "[a--b]",
        "[a~~b]",
        "[&]",
        "[~]",
        "[a&]",
        "[",
        "[a",
        "[^",
        "[]",
        "[^]",
        "[\\b]",
        "[\\A]",
        "[\\pL]",
        "[a-",
        "[a-]]",
        "[é-ê]",
        "[\\x{0}-\\x{10FFFF}]",
        "[^\\x{0}-\\x{10FFFF}]",
        // Perl classes
        "\\d",
        "\\s",
        "\\w",
        "\\D",
        "\\S",
        "\\W",
        "\\d+",
        "\\w\\s\\d",
        // anchors and assertions
        "^",
        "$",
        "^a",
        "a$",
        "^a$",
        "\\Aa\\z",
        "(?m)^a$",
        "(?m)^",
        "(?m)$",
        "(?mR)^a$",
        "(?mR)^",
        "(?mR)$",
        "(?R)^a$",
        "\\b",
        "\\B",
        "\\ba\\b",
        "\\Ba\\B",
        "\\<a\\>",
        "\\b{start}a\\b{end}",
        "\\b{start-half}a",
        "a\\b{end-half}",
        "\\b{",
        "\\b{x",
        "\\b{bogus}",
        "\\b{2}",
        "\\b{ start }",
        "^*",
        "$+",
        "\\b?",
        // groups
        "(a)",
        "(?:a)",
        "(?P<n>a)",
        "(?<n>a)",
        "(?P<n>a)(?P<n>b)",
        "(?P<>a)",
        "(?P<1>a)",
        "(?P<a.b[0]>a)",
        "(?P<é>a)",
        "(?P<a☃>a)",
        "(?P<a",
        "(?P",
        "()",
        "(?:)",
        "(",
        ")",
        "a)",
        "(a",
        "(?",
        "(?=a)",
        "(?!a)",
        "(?<=a)",
        "(?<!a)",
        "((a))",
        "(a)(b)",
        // flags
        "(?i)a",
        "(?i:a)b",
        "a(?i)b",
        "(?i)(?-i)a",
        "(?i)(?-i:a)b",
        "(?im)",
        "(?)",
        "(?-)",
        "(?i-)",
        "(?--i)",
        "(?ii)",
        "(?i-i)",
        "(?z)",
        "(?i",
        "(?x) a b # comment",
        "(?x)a\\ b",
        "(?x)[ a ]",
        "(?x)a{ 2 }",
        "(?x)a { 1 , 2 }",
        "(?U)a*",
        "(?u)a",
        "(?x)(?#",
        "(?x)\\x 4 1",
        "(?x)[a - c]",
        "(?x)[a -]",
        "(?x)[a #c\n-z]",
        "(?i)[^a]",
        "(?i)[a-c]",
        "(?i)[[:upper:]]",
        "(?i)\\x41",
        "(?i)é",
        "(?i)[é]",
        "(?i)[\\x41]",
        "(?s-s).",
        "(?i:a|B)c",
        // alternation
        "a|b",
        "a|",
        "|a",
        "|",
        "a||b",
        "(a|b)|c",
        "(|a)",
        // repetition
        "a*",
        "a+",
        "a?",
        "a*?",
        "a+?",
        "a??",
        "a{2}",
        "a{2,}",
        "a{2,3}",
        "a{0}",
        "a{0,0}",
        "a{1,1}",
        "a{2}?",
        "a{ 2 }",
        "a{2, 3}",
        "a{2 ,3}",
        "a{2,}",
        "a{,2}",
        "a{2,1}",
        "a{",
        "a{2",
        "a{2,",
        "a{2,3",
        "a{x}",
        "a{1x}",
        "a{4294967295}",
        "a{4294967296}",
        "*",
        "+a",
        "?",
        "{2}",
        "a**",
        "a*+",
        "a+*",
        "(a*)*",
        "(a*)+",
        "(a?)*",
        "(a|b*)*",
        "(?i)*",
        "a(?i)*",
        "a{1 2}",
        "(?x)a{1 2}",
        "a{0}{0}",
        "(a{2}){3}",
        "x{2}{3}",
        // empty and flag-only patterns
        "",
        "(?i)",
        "(?x)",
        "a(?i)",
        "(?i)|a",
        "(?x)   ",
        "(?x)#",
        "\\Q",
        "\\Z",
        "(?P=n)",
        "(?#c)",
        // mixed
        "^/api/v[0-9]+(/.*)?$",
        "(?i)^prod(uction)?$",
        "[a-z0-9-]+\\.example\\.com",
        "\\d{3}-\\d{4}",
    ];
    let texts = haystacks();
    let failures: Vec<String> = patterns.iter().filter_map(|p| compare(p, &texts).err()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn nesting_limits_agree_with_regex_lite() {
    for n in [48, 49, 50, 51, 52] {
        for (open, close) in [("(", ")"), ("(?:", ")"), ("(?:a", ")")] {
            let p = format!("{}{}", open.repeat(n), close.repeat(n));
            assert_eq!(compile(&p, false, false).is_ok(), lite(&p, false).is_ok(), "{p}");
        }
        let stars = format!("a{}", "*".repeat(n));
        assert_eq!(compile(&stars, false, false).is_ok(), lite(&stars, false).is_ok(), "{stars}");
    }
    // Far past the limit: refused without deep recursion, whatever follows.
    let deep = "(".repeat(100_000);
    assert!(compile(&deep, false, false).unwrap_err().contains("nest"));
    let stars = format!("a{}", "*".repeat(100_000));
    assert!(compile(&stars, false, false).is_err());
    assert!(compile(&format!("{stars}{{0}}"), false, false).is_err(), "documented: regex-lite accepts this");
}

#[test]
fn pathological_patterns_are_linear_or_refused() {
    let long = "a".repeat(20_000);
    for p in ["(a*)*b", "(a|a)*b", "(a|aa)*b", "(a*)*(a*)*(a*)*b", "(?:a?){30}a{30}b", "(.*)*b"] {
        let r = compile(p, false, false).unwrap();
        assert!(!r.is_match(&long), "{p}");
        assert!(r.is_match(&format!("{long}b")), "{p}");
        assert!(!compile(p, false, true).unwrap().is_match(&long), "{p}");
    }
    for p in
        ["a{1000}{1000}", "(a{1000}){1000}", "(?:){1000000}", "((a{100}){100}){100}", "\\w{100000}", "(|){4294967295}"]
    {
        let e = compile(p, false, false).unwrap_err();
        assert!(e.contains("too large"), "{p}: {e}");
        assert!(lite(p, false).is_err(), "{p}");
    }
    assert!(compile("a{1000}", false, false).is_ok());
    // Named groups: at most 1000 (documented; regex-lite has no limit), so the duplicate check
    // stays cheap; unnamed groups have no such limit.
    let named: String = (0..1000).map(|i| format!("(?P<g{i}>a)")).collect();
    assert!(compile(&named, false, true).unwrap().is_match(&"a".repeat(1000)));
    let e = compile(&format!("{named}(?P<g7>b)"), false, false).unwrap_err();
    assert!(e.starts_with("too many named groups (over 1000) at offset 10890:"), "{e}");
    let e = compile(&format!("(?P<g7>a){named}"), false, false).unwrap_err();
    assert_eq!(e, "duplicate group name `g7` at offset 72");
    let unnamed = "(a)".repeat(20_000);
    assert!(compile(&unnamed, false, false).unwrap().is_match(&"a".repeat(20_000)));
}

#[test]
fn documented_differences() {
    // regex-lite folds only the lowercase half of a range spanning both cases.
    let r = compile("(?i)[X-c]", false, true).unwrap();
    assert!(r.is_match("x") && r.is_match("C") && r.is_match("_"));
    assert!(!lite("^(?:(?i)[X-c])$", false).unwrap().is_match("x"));
    // regex-lite refuses an escaped letter as a range end under `i`.
    assert!(compile("[\\x41-Z]", true, true).unwrap().is_match("q"));
    assert!(lite("[\\x41-Z]", true).is_err());
    // Whole-text matching anchors the parsed pattern, not the text `^(?:pattern)$`.
    assert!(compile("a)|(b", false, true).is_err());
    assert!(compile("(?x)a # comment", false, true).unwrap().is_match("a"));
    assert!(lite("^(?:(?x)a # comment)$", false).is_err());
}

#[test]
fn errors_are_one_line_and_say_where() {
    let cases = [
        ("(abc", "unclosed group: `(` at offset 0 has no `)`"),
        ("/api/(v1|v2", "unclosed group: `(` at offset 5 has no `)`"),
        ("ab)", "unmatched `)` at offset 2: no `(` opens it"),
        ("/v[0-9+/admin", "unclosed character class: `[` at offset 2 has no `]`"),
        ("(\\d+)\\1", "backreference `\\1` at offset 5 is not supported (RE2 has no backreferences)"),
        ("a{2,x}", "invalid repetition `{2,x` at offset 1: write `{n}`, `{n,}` or `{n,m}` with whole numbers"),
        ("[\\d-z]", "invalid class range `\\d-z` at offset 1: a range goes from one character to another"),
        (
            "\\x{zz}",
            "invalid escape `\\x{z` at offset 0: expected hexadecimal digits, as in `\\x41`, `\\u0041` or `\\x{41}`",
        ),
        ("\\x{D800}", "invalid escape `\\x{D800}` at offset 0: not a Unicode character"),
        ("(?ii)", "flag `i` at offset 3 is given twice"),
        ("[a\\b]", "`\\b` at offset 2 cannot be in a character class (it matches a position, not a character)"),
        ("a{2,1}", "invalid repetition `{2,1}` at offset 1: the minimum is above the maximum"),
        ("[z-a]", "invalid class range `z-a` at offset 1: it goes backwards"),
        ("*a", "`*` at offset 0 has nothing before it to repeat"),
        ("é(?=x)", "look-around `(?=` at offset 1 is not supported (RE2 has no look-ahead or look-behind)"),
        ("\\e", "unknown escape `\\e` at offset 0"),
        ("(?z)", "unknown flag `z` at offset 2 (the flags are i, m, s, x, U and R)"),
        ("[a&&b]", "class operator `&&` at offset 2 is not supported; escape its characters to match them"),
        (
            "a{1000}{1000}",
            "the pattern is too large once compiled (over 1024 KiB); use smaller repetition counts, e.g. `{n}`",
        ),
    ];
    for (p, want) in cases {
        assert_eq!(compile(p, false, false).unwrap_err(), want, "{p}");
    }
    let unicode = compile("a\\pL", false, false).unwrap_err();
    assert!(unicode.ends_with("Unicode classes like \\pL are not supported; spell the characters out, e.g. [a-zA-Z]"));
    for p in ["(", "[", "\\", "a{", "(?P<", "(?i", "\\x{", "\\b{", "[[:", "(?P<a>)(?P<a>)", "a{99999999999}", "(?-)"] {
        let e = compile(p, false, false).unwrap_err();
        assert!(!e.contains('\n') && e.contains("offset"), "{p}: {e}");
    }
}
