//! Splitting a command line into arguments, as FreeSWITCH's commands read them.

/// Splits `text` at whitespace outside quotes (`'` or `"`) and outside `{}`, `[]` and `()`
/// groups, so that `{origination_caller_id_name='A B'}loopback/1000 &echo(a b)` is two
/// arguments. Quotes and brackets stay in the arguments (a dial string's parser needs them);
/// a backslash keeps the next character from opening or closing anything. An unterminated
/// quote or group is an error that says which.
pub fn split_args(text: &str) -> Result<Vec<String>, String> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut closers: Vec<char> = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for ch in text.chars() {
        if escaped {
            current.push(ch);
            escaped = false;
            continue;
        }
        match ch {
            '\\' => {
                escaped = true;
                current.push(ch);
            }
            c if Some(c) == quote => {
                quote = None;
                current.push(c);
            }
            _ if quote.is_some() => current.push(ch),
            '\'' | '"' => {
                quote = Some(ch);
                current.push(ch);
            }
            '{' | '[' | '(' => {
                closers.push(match ch {
                    '{' => '}',
                    '[' => ']',
                    _ => ')',
                });
                current.push(ch);
            }
            '}' | ']' | ')' => {
                if closers.last() == Some(&ch) {
                    closers.pop();
                }
                current.push(ch);
            }
            c if c.is_whitespace() && closers.is_empty() => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if let Some(quote) = quote {
        return Err(format!("unterminated {quote} in '{}'", text.trim()));
    }
    if let Some(closer) = closers.last() {
        return Err(format!("missing '{closer}' in '{}'", text.trim()));
    }
    if !current.is_empty() {
        args.push(current);
    }
    Ok(args)
}

/// `'a b'` or `"a b"` without its quotes; anything else unchanged.
pub fn unquote(arg: &str) -> &str {
    for quote in ['\'', '"'] {
        if let Some(inner) = arg
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner;
        }
    }
    arg
}

/// Splits `text` at runs of whitespace into at most `max` words, the last one keeping the rest
/// of the line (FreeSWITCH's `switch_separate_string` with a bounded `argv`).
pub fn split_words(text: &str, max: usize) -> Vec<&str> {
    let mut words = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() && words.len() + 1 < max {
        match rest.split_once(char::is_whitespace) {
            Some((word, tail)) => {
                words.push(word);
                rest = tail.trim_start();
            }
            None => {
                words.push(rest);
                rest = "";
            }
        }
    }
    if !rest.is_empty() && max > 0 {
        words.push(rest);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_inside_braces_quotes_and_parentheses_do_not_split() {
        let args =
            split_args("{origination_caller_id_name='A B',x=1}loopback/1000 &echo(a b)  XML")
                .unwrap();
        assert_eq!(
            args,
            vec![
                "{origination_caller_id_name='A B',x=1}loopback/1000",
                "&echo(a b)",
                "XML"
            ]
        );
    }

    #[test]
    fn nested_groups_and_double_quotes_stay_whole() {
        let args = split_args(r#"[a={b c}]x/1 "John Doe" &bridge(loopback/1(x y))"#).unwrap();
        assert_eq!(
            args,
            vec!["[a={b c}]x/1", "\"John Doe\"", "&bridge(loopback/1(x y))"]
        );
    }

    #[test]
    fn escaped_quote_does_not_open_a_quote() {
        let args = split_args(r"a\'b c").unwrap();
        assert_eq!(args, vec![r"a\'b", "c"]);
    }

    #[test]
    fn unterminated_groups_and_quotes_are_errors() {
        assert!(split_args("{a=b loopback/1 &park")
            .unwrap_err()
            .contains("'}'"));
        assert!(split_args("x 'open")
            .unwrap_err()
            .contains("unterminated '"));
        assert!(split_args("&echo(a").unwrap_err().contains("')'"));
    }

    #[test]
    fn empty_text_has_no_arguments() {
        assert!(split_args("   ").unwrap().is_empty());
    }

    #[test]
    fn unquote_strips_only_matching_outer_quotes() {
        assert_eq!(unquote("'a b'"), "a b");
        assert_eq!(unquote("\"a b\""), "a b");
        assert_eq!(unquote("'a b\""), "'a b\"");
        assert_eq!(unquote("plain"), "plain");
        assert_eq!(unquote("'"), "'");
    }

    #[test]
    fn split_words_keeps_the_rest_in_the_last_word() {
        assert_eq!(
            split_words("  u1   var  a b  c ", 3),
            vec!["u1", "var", "a b  c"]
        );
        assert_eq!(split_words("u1 var", 3), vec!["u1", "var"]);
        assert_eq!(split_words("", 3), Vec::<&str>::new());
        assert_eq!(split_words("a b c", 1), vec!["a b c"]);
    }
}
