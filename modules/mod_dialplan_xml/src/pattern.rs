//! Condition expressions: FreeSWITCH's regular-expression forms, compiled with Rust's regex
//! engine, their captures, and `$1` substitution into action data.
//!
//! FreeSWITCH hands the expression to PCRE after two rewrites, both kept here:
//!
//! - `_1NXX.` is an Asterisk-style pattern: `N` is `[2-9]`, `X` is `[0-9]`, `Z` is `[1-9]`,
//!   `.` is `.*`, anything else stands for itself, and the whole is anchored (`^...$`);
//! - `/expression/flags` takes flags after the last slash: `i` ignores case, `s` lets `.`
//!   match a newline.
//!
//! Matching is on bytes with ASCII classes (`\d` is `[0-9]`, `\w` is `[0-9A-Za-z_]`), as
//! PCRE's default mode is. Rust's engine has no backreferences, look-around, atomic groups,
//! possessive semantics or `\Z`; an expression using them does not compile, and the error says
//! so.

use regex::bytes::{Regex, RegexBuilder};

/// The most capture groups `$N` may name: FreeSWITCH's limit.
const MAX_GROUP: usize = 256;

/// A compiled expression.
#[derive(Clone, Debug)]
pub struct Pattern {
    source: String,
    regex: Regex,
    /// Compiled without flags (`/.../i`, `/.../s`): it can join a [`regex::bytes::RegexSet`]
    /// built with the same settings.
    plain: bool,
}

impl Pattern {
    /// Compiles `expression` as FreeSWITCH reads it; the error says why it cannot.
    pub fn new(expression: &str) -> Result<Pattern, String> {
        let rewritten;
        let mut text = expression;
        if let Some(asterisk) = expression.strip_prefix('_') {
            rewritten = asterisk_to_regex(asterisk);
            text = &rewritten;
        }
        let mut builder_text = text;
        let (mut ignore_case, mut dot_all) = (false, false);
        if let Some(delimited) = text.strip_prefix('/') {
            let Some((body, flags)) = delimited.rsplit_once('/') else {
                return Err(format!(
                    "regular expression \"{expression}\" starts with '/' but has no closing '/'"
                ));
            };
            builder_text = body;
            ignore_case = flags.contains('i');
            dot_all = flags.contains('s');
        }
        let regex = RegexBuilder::new(builder_text)
            .unicode(false)
            .case_insensitive(ignore_case)
            .dot_matches_new_line(dot_all)
            .build()
            .map_err(|error| describe_regex_error(expression, &error))?;
        Ok(Pattern {
            source: expression.to_owned(),
            regex,
            plain: !ignore_case && !dot_all,
        })
    }

    /// The expression as written (after `${var}` expansion).
    /// The regular expression as compiled (after FreeSWITCH's rewrites), when it was compiled
    /// without flags: what a set of patterns matched in one pass can hold.
    pub fn set_member(&self) -> Option<&str> {
        self.plain.then(|| self.regex.as_str())
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the expression has a `(`: FreeSWITCH substitutes `$N` into action data, and
    /// sets `DP_MATCH`, only then.
    pub fn has_groups(&self) -> bool {
        self.source.contains('(')
    }

    /// Matches `subject`; `None` if it does not match.
    pub fn captures(&self, subject: &str) -> Option<Captures> {
        let found = self.regex.captures(subject.as_bytes())?;
        // PCRE reports groups up to the highest one that took part; later ones are unset.
        let count = (0..found.len())
            .rev()
            .find(|&index| found.get(index).is_some())
            .map_or(0, |last| last + 1);
        let groups = (0..count)
            .map(|index| {
                found
                    .get(index)
                    .map(|group| String::from_utf8_lossy(group.as_bytes()).into_owned())
            })
            .collect();
        Some(Captures { groups })
    }
}

/// What a match captured: group 0 is the whole match. Groups after the last one that took
/// part are absent, as PCRE reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captures {
    groups: Vec<Option<String>>,
}

impl Captures {
    /// Group `index`'s text; empty for a group that did not take part or does not exist.
    pub fn group(&self, index: usize) -> &str {
        self.groups
            .get(index)
            .and_then(Option::as_deref)
            .unwrap_or("")
    }

    /// The groups as FreeSWITCH pushes them onto a channel variable (`DP_MATCH`): one value
    /// as it is, several as `ARRAY::g0|:g1|:g2`.
    pub fn as_array_variable(&self) -> String {
        let values: Vec<&str> = (0..self.groups.len())
            .map(|index| self.group(index))
            .collect();
        match values.as_slice() {
            [single] => (*single).to_owned(),
            _ => format!("ARRAY::{}", values.join("|:")),
        }
    }
}

/// Replaces `$N` and `${N}` in `data` with capture group `N` (empty when there is no such
/// group, or no match at all). A `$` not followed by digits stays as written, so `${var}` is
/// left for the core to expand when the application runs.
pub fn substitute(data: &str, captures: Option<&Captures>) -> String {
    let empty = Captures::default();
    let captures = captures.unwrap_or(&empty);
    let mut out = String::with_capacity(data.len());
    let mut rest = data;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        let (braced, digits_from) = match after.strip_prefix('{') {
            Some(inner) => (true, inner),
            None => (false, after),
        };
        let digits = digits_from
            .bytes()
            .take_while(u8::is_ascii_digit)
            .take(9)
            .count();
        let closed = !braced || digits_from[digits..].starts_with('}');
        if digits == 0 || !closed {
            out.push('$');
            rest = after;
            continue;
        }
        let index: usize = digits_from[..digits].parse().unwrap_or(usize::MAX);
        if index <= MAX_GROUP {
            out.push_str(captures.group(index));
        }
        let consumed = usize::from(braced) * 2 + digits;
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

/// FreeSWITCH's `switch_ast2regex`: an Asterisk extension pattern as an anchored regex.
fn asterisk_to_regex(pattern: &str) -> String {
    let mut regex = String::with_capacity(pattern.len() + 8);
    regex.push('^');
    for character in pattern.chars() {
        match character {
            'N' => regex.push_str("[2-9]"),
            'X' => regex.push_str("[0-9]"),
            'Z' => regex.push_str("[1-9]"),
            '.' => regex.push_str(".*"),
            other => regex.push(other),
        }
    }
    regex.push('$');
    regex
}

/// One line: the expression and the engine's reason, with a hint where the expression uses
/// PCRE syntax that Rust's engine lacks.
fn describe_regex_error(expression: &str, error: &regex::Error) -> String {
    let text = error.to_string();
    // The engine's message spans lines (the pattern, a caret, then `error: why`).
    let reason = text
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("error: "))
        .unwrap_or_else(|| text.trim())
        .to_owned();
    let unsupported = reason.contains("not supported")
        || reason.contains("unrecognized flag")
        || reason.contains("unrecognized escape");
    if unsupported {
        format!(
            "regular expression \"{expression}\" does not compile: {reason} (ferroswitch uses \
             Rust regex syntax: no backreferences, look-around, atomic groups or \\Z)"
        )
    } else {
        format!("regular expression \"{expression}\" does not compile: {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(expression: &str, subject: &str) -> Option<Vec<String>> {
        let captures = Pattern::new(expression)
            .expect("compiles")
            .captures(subject)?;
        Some(
            (0..captures.groups.len())
                .map(|index| captures.group(index).to_owned())
                .collect(),
        )
    }

    #[test]
    fn plain_regex_matches_and_captures() {
        assert_eq!(
            groups(r"^(\d{2})(\d+)$", "1234"),
            Some(vec!["1234".into(), "12".into(), "34".into()])
        );
        assert_eq!(groups(r"^(\d+)$", "12a"), None);
        assert_eq!(groups("", "anything"), Some(vec![String::new()]));
    }

    #[test]
    fn classes_are_ascii_like_pcre() {
        assert_eq!(groups(r"^\d$", "٣"), None, "Arabic-Indic digit is not \\d");
        assert_eq!(
            groups(r"^é(\d)$", "é7"),
            Some(vec!["é7".into(), "7".into()])
        );
    }

    #[test]
    fn asterisk_patterns_are_anchored() {
        assert!(groups("_1NXX", "1234").is_some());
        assert!(groups("_1NXX", "1134").is_none(), "N is 2-9");
        assert!(groups("_1NXX", "12345").is_none(), "anchored at the end");
        assert!(groups("_9.", "9").is_some(), ". is .*");
        assert!(groups("_Z", "0").is_none());
    }

    #[test]
    fn slash_form_takes_flags() {
        assert!(groups("/^alice$/i", "ALICE").is_some());
        assert!(groups("/^alice$/", "ALICE").is_none());
        assert!(groups("/^a.b$/s", "a\nb").is_some());
        let error = Pattern::new("/^a").expect_err("no closing slash");
        assert!(error.contains("no closing '/'"), "{error}");
    }

    #[test]
    fn unsupported_pcre_syntax_is_named() {
        for expression in [r"^(?!1)", r"(a)\1", r"(?>a)", r"a\Z"] {
            let error = Pattern::new(expression).expect_err(expression);
            assert!(error.contains(expression), "{error}");
            assert!(error.contains("Rust regex syntax"), "{error}");
            assert!(!error.contains('\n'), "one line: {error}");
        }
        let error = Pattern::new("(").expect_err("unbalanced");
        assert!(error.contains("does not compile"), "{error}");
    }

    #[test]
    fn later_unset_groups_are_not_reported() {
        let captures = Pattern::new("^(a)(b)?(c)?$")
            .expect("compiles")
            .captures("a")
            .expect("matches");
        assert_eq!(captures.groups.len(), 2);
        assert_eq!(captures.as_array_variable(), "ARRAY::a|:a");
        let inner = Pattern::new("^(a)?(b)$")
            .expect("compiles")
            .captures("b")
            .expect("matches");
        assert_eq!(inner.as_array_variable(), "ARRAY::b|:|:b");
        let whole = Pattern::new("^x$").expect("compiles").captures("x");
        assert_eq!(whole.expect("matches").as_array_variable(), "x");
    }

    #[test]
    fn substitution_of_groups() {
        let captures = Pattern::new(r"^(\d)(\d)$")
            .expect("compiles")
            .captures("12");
        let captures = captures.as_ref();
        assert_eq!(substitute("user/$1 $2-$0", captures), "user/1 2-12");
        assert_eq!(substitute("${1}0 ${2}", captures), "10 2");
        assert_eq!(substitute("$9 and $300", captures), " and ");
        assert_eq!(substitute("${var} $x $ $", captures), "${var} $x $ $");
        assert_eq!(substitute("${1x}", captures), "${1x}");
        assert_eq!(substitute("price $1", None), "price ");
        assert_eq!(substitute("né $1", captures), "né 1");
    }

    #[test]
    fn no_input_panics() {
        let alphabet = ['$', '{', '}', '1', '0', 'a', 'é', '(', ')', '/', '_', '\\'];
        let captures = Pattern::new("(a)").expect("compiles").captures("a");
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for shift in 0..(state % 12) {
                text.push(alphabet[((state >> (shift * 4)) % alphabet.len() as u64) as usize]);
            }
            let _ = substitute(&text, captures.as_ref());
            if let Ok(pattern) = Pattern::new(&text) {
                let _ = pattern.captures(&text);
            }
        }
    }
}
