//! Splitting application arguments the way FreeSWITCH's `switch_separate_string` does, so
//! that arguments quoted or escaped for FreeSWITCH mean the same here.
//!
//! - A space separator collapses runs of spaces and ignores leading ones; any other separator
//!   splits at every occurrence (`a,,b` has an empty middle field), but a trailing one adds
//!   no empty field.
//! - Single quotes group (`'a b'` is one field) and are removed; with a separator other
//!   than a space, a quote without a partner after it is an ordinary character.
//! - A backslash keeps the next character from separating or quoting; in the field,
//!   `\n`, `\r`, `\t` and `\s` become newline, carriage return, tab and space, `\'`, `\"` and
//!   an escaped separator become the character itself, and other escapes stay as written.
//! - Spaces around a field (outside quotes) are dropped.

/// The fields of `text` separated by `separator`.
pub fn separate(text: &str, separator: char) -> Vec<String> {
    raw_fields(text, separator)
        .into_iter()
        .map(|field| clean_field(field, separator))
        .collect()
}

/// The fields before cleaning, as slices of `text`.
fn raw_fields(text: &str, separator: char) -> Vec<&str> {
    let blank = separator == ' ';
    let text = if blank {
        text.trim_start_matches(' ')
    } else {
        text
    };
    let mut fields = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut chars = text.char_indices().peekable();
    while let Some((index, ch)) = chars.next() {
        match ch {
            '\\' => {
                chars.next();
            }
            // With a separator other than a space, a lone quote is an ordinary character
            // (newer FreeSWITCH): only a quote with a partner groups.
            '\'' if blank || in_quotes || text[index + 1..].contains('\'') => {
                in_quotes = !in_quotes;
            }
            ch if ch == separator && !in_quotes => {
                fields.push(&text[start..index]);
                start = index + ch.len_utf8();
                if blank {
                    while chars.next_if(|&(_, next)| next == ' ').is_some() {
                        start += 1;
                    }
                }
            }
            _ => {}
        }
    }
    if start < text.len() {
        fields.push(&text[start..]);
    }
    fields
}

/// Removes quotes, leading and trailing spaces (outside quotes) and escapes from one field.
fn clean_field(field: &str, separator: char) -> String {
    let mut out = String::with_capacity(field.len());
    // The length of `out` up to its last character that is not an unquoted space.
    let mut keep = 0;
    let mut in_quotes = false;
    let field = field.trim_start_matches(' ');
    let mut chars = field.char_indices().peekable();
    while let Some((index, ch)) = chars.next() {
        if ch == '\\' {
            let unescaped = match chars.peek().map(|&(_, next)| next) {
                Some('n') => Some('\n'),
                Some('r') => Some('\r'),
                Some('t') => Some('\t'),
                Some('s') => Some(' '),
                Some(next) if next == '\'' || next == '"' || next == separator => Some(next),
                _ => None,
            };
            if let Some(unescaped) = unescaped {
                chars.next();
                out.push(unescaped);
                keep = out.len();
                continue;
            }
        }
        if ch == '\'' && (separator == ' ' || in_quotes || field[index + 1..].contains('\'')) {
            in_quotes = !in_quotes;
            continue;
        }
        out.push(ch);
        if ch != ' ' || in_quotes {
            keep = out.len();
        }
    }
    out.truncate(keep);
    out
}

/// Splits `name=value` (or, failing an `=`, `name,value`, as FreeSWITCH's `set` allows) into
/// the name and the value; an empty or missing value is `None`: the variable is unset.
pub fn parse_assignment(text: &str) -> (&str, Option<&str>) {
    let split = text.split_once('=').or_else(|| text.split_once(','));
    match split {
        Some((name, value)) => (name.trim(), Some(value).filter(|value| !value.is_empty())),
        None => (text.trim(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, separator: char) -> Vec<String> {
        separate(text, separator)
    }

    #[test]
    fn spaces_collapse_and_quotes_group() {
        assert_eq!(
            fields("  a=1   b='two words'  c ", ' '),
            vec!["a=1", "b=two words", "c"]
        );
        assert!(fields("", ' ').is_empty());
        assert!(fields("   ", ' ').is_empty());
    }

    #[test]
    fn other_separators_keep_empty_fields_but_not_a_trailing_one() {
        assert_eq!(fields("a,,b,", ','), vec!["a", "", "b"]);
        assert_eq!(fields("a=x y|b=2", '|'), vec!["a=x y", "b=2"]);
    }

    #[test]
    fn escapes_protect_separators_and_are_translated() {
        assert_eq!(fields(r"a\ b c", ' '), vec!["a b", "c"]);
        assert_eq!(fields(r"a\,b,c", ','), vec!["a,b", "c"]);
        assert_eq!(fields(r"x\ty\sz \'q\'", ' '), vec!["x\ty z", "'q'"]);
        assert_eq!(fields(r"C:\dir", ' '), vec![r"C:\dir"]);
    }

    #[test]
    fn a_lone_quote_is_literal_with_a_character_separator() {
        assert_eq!(fields("it's,fine", ','), vec!["it's", "fine"]);
        assert_eq!(fields("'a,b',c", ','), vec!["a,b", "c"]);
    }

    #[test]
    fn spaces_inside_quotes_are_kept_at_the_edges() {
        assert_eq!(fields("' padded ' x", ' '), vec![" padded ", "x"]);
        assert_eq!(fields(" a , b ", ','), vec!["a", "b"]);
    }

    #[test]
    fn assignments_split_at_equals_then_comma() {
        assert_eq!(parse_assignment("a=b=c"), ("a", Some("b=c")));
        assert_eq!(parse_assignment("a,b"), ("a", Some("b")));
        assert_eq!(parse_assignment("a="), ("a", None));
        assert_eq!(parse_assignment("a"), ("a", None));
    }
}
