//! The small pieces of RFC 3261 §25 grammar that typed headers share: tokens, quoted strings,
//! generic parameters and comma-separated lists, all tolerant of the linear whitespace the RFC
//! allows around separators (folding has already been turned into single spaces).

use std::fmt;

/// RFC 3261 `token` characters.
pub(crate) fn is_token(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.' | '!' | '%' | '*' | '_' | '+' | '`' | '\'' | '~'
        )
}

/// Characters of a generic-param value that is not quoted: `token / host`, so IPv6 references
/// (`received=[2001:db8::1]`) and `maddr` hosts fit.
fn is_param_value(c: char) -> bool {
    is_token(c) || matches!(c, ':' | '[' | ']' | '/' | '@' | '?' | '&' | '=' | '$')
}

/// One `name[=value]` parameter. Values keep their quotes so a header round-trips exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter name as received.
    pub name: String,
    /// The value as received (quoted strings keep their quotes), or `None` for a bare flag.
    pub value: Option<String>,
}

/// An ordered parameter list; lookups ignore ASCII case as RFC 3261 §7.3.1 requires.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<Param>);

impl Params {
    /// The parameter called `name`: `Some(None)` for a bare flag, `Some(Some(v))` with a value.
    pub fn get(&self, name: &str) -> Option<Option<&str>> {
        self.0
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| p.value.as_deref())
    }

    /// The value of `name`, with surrounding quotes removed; `None` when absent or bare.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).flatten().map(|v| {
            v.strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v)
        })
    }

    /// Whether `name` is present, with or without a value.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets `name` to `value`, replacing an existing parameter of that name in place.
    pub fn set(&mut self, name: &str, value: Option<&str>) {
        let value = value.map(str::to_owned);
        match self
            .0
            .iter_mut()
            .find(|p| p.name.eq_ignore_ascii_case(name))
        {
            Some(p) => p.value = value,
            None => self.0.push(Param {
                name: name.to_owned(),
                value,
            }),
        }
    }

    /// Removes every parameter called `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|p| !p.name.eq_ignore_ascii_case(name));
    }
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.0 {
            match &p.value {
                Some(v) => write!(f, ";{}={}", p.name, v)?,
                None => write!(f, ";{}", p.name)?,
            }
        }
        Ok(())
    }
}

/// A cursor over a header value.
pub(crate) struct Scanner<'a> {
    pub(crate) rest: &'a str,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(input: &'a str) -> Self {
        Scanner { rest: input }
    }

    pub(crate) fn skip_ws(&mut self) {
        self.rest = self.rest.trim_start_matches([' ', '\t']);
    }

    pub(crate) fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    pub(crate) fn eat(&mut self, c: char) -> bool {
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    pub(crate) fn take_while(&mut self, pred: impl Fn(char) -> bool) -> &'a str {
        let end = self.rest.find(|c| !pred(c)).unwrap_or(self.rest.len());
        let (taken, rest) = self.rest.split_at(end);
        self.rest = rest;
        taken
    }

    pub(crate) fn token(&mut self) -> &'a str {
        self.take_while(is_token)
    }

    /// A quoted string starting at the cursor; returns its content with quoted-pairs resolved,
    /// or `None` if it is not terminated.
    pub(crate) fn quoted_string(&mut self) -> Option<String> {
        let raw = self.quoted_string_raw()?;
        let inner = &raw[1..raw.len() - 1];
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                // quoted-pair: the backslash escapes any character, NUL and DEL included.
                out.extend(chars.next());
            } else {
                out.push(c);
            }
        }
        Some(out)
    }

    /// A quoted string starting at the cursor, quotes and escapes kept as received.
    pub(crate) fn quoted_string_raw(&mut self) -> Option<&'a str> {
        let input = self.rest;
        let mut chars = input.char_indices();
        if chars.next()?.1 != '"' {
            return None;
        }
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next()?;
                }
                '"' => {
                    let end = i + 1;
                    self.rest = &input[end..];
                    return Some(&input[..end]);
                }
                _ => {}
            }
        }
        None
    }

    /// `*( SEMI generic-param )` up to the end of the input or a character that cannot start
    /// another parameter (which the caller then inspects).
    pub(crate) fn params(&mut self) -> Result<Params, &'static str> {
        let mut params = Params::default();
        loop {
            self.skip_ws();
            if !self.eat(';') {
                return Ok(params);
            }
            self.skip_ws();
            let name = self.token();
            if name.is_empty() {
                return Err("empty parameter");
            }
            self.skip_ws();
            let value = if self.eat('=') {
                self.skip_ws();
                let value = if self.peek() == Some('"') {
                    self.quoted_string_raw()
                        .ok_or("unterminated quoted parameter value")?
                } else {
                    self.take_while(is_param_value)
                };
                if value.is_empty() {
                    return Err("parameter without a value after '='");
                }
                Some(value.to_owned())
            } else {
                None
            };
            params.0.push(Param {
                name: name.to_owned(),
                value,
            });
        }
    }
}

/// Splits a list header's value on commas that are outside quoted strings and `<...>`.
/// Empty elements are kept so the caller can reject them where the grammar forbids them.
pub(crate) fn split_list(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut in_quotes, mut in_angle, mut escaped) = (false, false, false);
    let mut start = 0;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '<' if !in_quotes => in_angle = true,
            '>' if !in_quotes => in_angle = false,
            ',' if !in_quotes && !in_angle => {
                parts.push(value[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(value[start..].trim());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_tolerate_whitespace_around_separators() {
        let mut s = Scanner::new(" ;   tag    = 1918181833n ; lr;q = 0.33");
        let p = s.params().unwrap();
        assert_eq!(p.value("tag"), Some("1918181833n"));
        assert_eq!(p.get("lr"), Some(None));
        assert_eq!(p.value("Q"), Some("0.33"));
        assert!(s.rest.is_empty());
    }

    #[test]
    fn empty_parameters_are_errors() {
        assert!(Scanner::new(";;").params().is_err());
        assert!(Scanner::new(";a=").params().is_err());
        assert!(Scanner::new(";a=\"open").params().is_err());
    }

    #[test]
    fn quoted_strings_resolve_quoted_pairs() {
        let mut s = Scanner::new(r#""J Rosenberg \\\"" <sip:x>"#);
        assert_eq!(s.quoted_string().as_deref(), Some(r#"J Rosenberg \""#));
        assert_eq!(s.rest, " <sip:x>");
        assert_eq!(Scanner::new("\"unterminated").quoted_string(), None);
    }

    #[test]
    fn lists_split_outside_quotes_and_brackets() {
        assert_eq!(
            split_list(r#""Doe, J" <sip:a@b;x=1,2>, <sip:c>,"#),
            vec![r#""Doe, J" <sip:a@b;x=1,2>"#, "<sip:c>", ""]
        );
    }
}
