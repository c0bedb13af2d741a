//! Regular expressions as Consul and Envoy read them (RE2 syntax), on `regex-lite`: like RE2,
//! `\d`, `\w`, `\s` and `\b` are ASCII-only while `.` matches a whole character, and the engine
//! is small enough for the browser build. No regex here can take exponential time.

pub use regex_lite::Regex;

/// Compiled-program size limit: keeps a hostile pattern from costing the filter memory.
const SIZE_LIMIT: usize = 1 << 20;

/// Compiles `pattern`; `whole` anchors it so it must match the entire text (Envoy's semantics
/// for path and header regexes). The error is one sentence saying what is wrong.
pub fn compile(pattern: &str, ignore_case: bool, whole: bool) -> Result<Regex, String> {
    let anchored;
    let text = if whole {
        anchored = format!("^(?:{pattern})$");
        anchored.as_str()
    } else {
        pattern
    };
    regex_lite::RegexBuilder::new(text)
        .case_insensitive(ignore_case)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| reason(&e.to_string()))
}

/// Why `pattern` is not a valid regex, if it is not.
pub fn check(pattern: &str) -> Result<(), String> {
    compile(pattern, false, false).map(|_| ())
}

/// The error's last meaningful line, without the engine's diagram around it.
fn reason(text: &str) -> String {
    let line = text
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.chars().all(|c| c == '^' || c == ' '))
        .unwrap_or(text);
    let line = line.trim_start_matches("error: ");
    if line.contains("Unicode character classes are not supported") {
        return "Unicode classes like \\pL are not supported; spell the characters out, e.g. [a-zA-Z]".into();
    }
    line.to_string()
}

/// `text` as an RE2 pattern matching exactly it: every character outside `[A-Za-z0-9_-]`
/// escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c.is_ascii_alphanumeric() || c == '_' || c == '-') && c.is_ascii() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_classes_are_ascii_like_re2() {
        let digits = compile(r"\d+", false, true).unwrap();
        assert!(digits.is_match("123"));
        assert!(!digits.is_match("١٢٣"), "Arabic-Indic digits are not \\d in RE2");
        let word = compile(r"\w+", false, true).unwrap();
        assert!(!word.is_match("café"));
        assert!(compile(".", false, true).unwrap().is_match("é"), ". matches one character");
    }

    #[test]
    fn whole_matches_are_anchored_and_case_can_be_ignored() {
        let r = compile("/api/v[0-9]+", false, true).unwrap();
        assert!(r.is_match("/api/v2"));
        assert!(!r.is_match("/api/v2/users"));
        assert!(!r.is_match("x/api/v2"));
        assert!(compile("abc|def", false, true).unwrap().is_match("def"));
        assert!(compile("prod", true, true).unwrap().is_match("PROD"));
    }

    #[test]
    fn errors_say_what_is_wrong_in_one_line() {
        let e = check("(unclosed").unwrap_err();
        assert!(!e.contains('\n'), "{e}");
        assert!(!e.is_empty());
        assert!(check("[a-").is_err());
        assert!(check("a{2,1}").is_err());
    }
}
