//! `name-addr / addr-spec` followed by header parameters: From, To, Contact, Route,
//! Record-Route (RFC 3261 §20.10, §25.1).

use std::fmt;

use super::grammar::{is_token, Params, Scanner};
use super::uri::Uri;

/// An address with optional display name and header parameters (`tag`, `expires`, `q` ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name with quotes and quoted-pairs resolved.
    pub display_name: Option<String>,
    /// The address.
    pub uri: Uri,
    /// Header parameters (outside the angle brackets).
    pub params: Params,
}

impl NameAddr {
    /// An address without display name or parameters.
    pub fn new(uri: Uri) -> NameAddr {
        NameAddr {
            display_name: None,
            uri,
            params: Params::default(),
        }
    }

    /// Parses one value. The reason names what is wrong, for a 400's reason phrase.
    pub fn parse(value: &str) -> Result<NameAddr, &'static str> {
        let mut s = Scanner::new(value);
        s.skip_ws();
        let (display_name, uri) = if s.peek() == Some('"') {
            let display = s
                .quoted_string()
                .ok_or("unterminated quoted display name")?;
            s.skip_ws();
            (Some(display), bracketed_uri(&mut s)?)
        } else if s.rest.contains('<') {
            // display-name = *(token LWS): anything but tokens and whitespace before '<' is an
            // error (RFC 4475 §3.1.2.15: "Bell, Alexander" unquoted).
            let before = &s.rest[..s.rest.find('<').unwrap_or(0)];
            if !before.chars().all(|c| is_token(c) || c == ' ' || c == '\t') {
                return Err("display name must be tokens or a quoted string");
            }
            s.rest = &s.rest[before.len()..];
            let display = before.split_whitespace().collect::<Vec<_>>().join(" ");
            (
                (!display.is_empty()).then_some(display),
                bracketed_uri(&mut s)?,
            )
        } else {
            // addr-spec without brackets: it ends at the first ';', which starts header
            // parameters; a URI needing ',', ';' or '?' must be bracketed (RFC 3261 §20).
            let end = s.rest.find([';', ' ', '\t']).unwrap_or(s.rest.len());
            let spec = &s.rest[..end];
            if spec.contains(['?', ',']) {
                return Err("URI with '?' or ',' must be enclosed in <>");
            }
            s.rest = &s.rest[end..];
            (None, Uri::parse(spec).map_err(|_| "malformed URI")?)
        };
        let params = s.params()?;
        s.skip_ws();
        if !s.rest.is_empty() {
            return Err("unexpected characters after the address");
        }
        Ok(NameAddr {
            display_name,
            uri,
            params,
        })
    }

    /// The `tag` parameter.
    pub fn tag(&self) -> Option<&str> {
        self.params.value("tag")
    }

    /// The same address with `tag` set.
    pub fn with_tag(mut self, tag: &str) -> NameAddr {
        self.params.set("tag", Some(tag));
        self
    }
}

fn bracketed_uri(s: &mut Scanner<'_>) -> Result<Uri, &'static str> {
    if !s.eat('<') {
        return Err("expected '<' before the URI");
    }
    let end = s.rest.find('>').ok_or("missing '>' after the URI")?;
    // No whitespace inside the brackets (RFC 4475 §3.1.2.14).
    let uri = Uri::parse(&s.rest[..end]).map_err(|_| "malformed URI")?;
    s.rest = &s.rest[end + 1..];
    Ok(uri)
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.display_name {
            f.write_str("\"")?;
            for c in name.chars() {
                if matches!(c, '"' | '\\') {
                    f.write_str("\\")?;
                }
                write!(f, "{c}")?;
            }
            f.write_str("\" ")?;
        }
        write!(f, "<{}>{}", self.uri, self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_display_names_with_escapes_and_whitespace() {
        let a = NameAddr::parse(
            r#""J Rosenberg \\\""       <sip:jdrosen@example.com> ;  tag = 98asjd8"#,
        )
        .unwrap();
        assert_eq!(a.display_name.as_deref(), Some(r#"J Rosenberg \""#));
        assert_eq!(a.tag(), Some("98asjd8"));
        assert_eq!(a.uri.to_string(), "sip:jdrosen@example.com");
    }

    #[test]
    fn token_display_names_and_no_space_before_bracket() {
        let a = NameAddr::parse("caller<sip:caller@example.com>;tag=323").unwrap();
        assert_eq!(a.display_name.as_deref(), Some("caller"));
        let b =
            NameAddr::parse("token1~` token2'+_ token3*%!.- <sip:mundane@example.com>").unwrap();
        assert_eq!(
            b.display_name.as_deref(),
            Some("token1~` token2'+_ token3*%!.-")
        );
    }

    #[test]
    fn addr_spec_parameters_belong_to_the_header() {
        let a = NameAddr::parse("sip:+19725552222@gw1.example.net;unknownparam").unwrap();
        assert!(a.params.contains("unknownparam"));
        assert!(a.uri.as_sip().unwrap().params.0.is_empty());
        let b = NameAddr::parse("<sip:+19725552222@gw1.example.net;unknownparam>").unwrap();
        assert!(b.params.0.is_empty());
        assert!(b.uri.as_sip().unwrap().params.contains("unknownparam"));
    }

    #[test]
    fn rfc4475_malformed_addresses_are_refused() {
        for bad in [
            r#""Mr. J. User <sip:j.user@example.com>"#,
            "Bell, Alexander <sip:a.g.bell@example.com>;tag=43",
            r#""Watson, Thomas" < sip:t.watson@example.org >"#,
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
            r#""Joe" <sip:joe@example.org>;;;;"#,
            "<sip:a@b",
            "<sip:a@b> trailing",
        ] {
            assert!(NameAddr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_round_trips_through_parse() {
        let a = NameAddr::parse(r#""A \"quoted\" name" <sip:a@b;lr>;tag=x;q=0.5"#).unwrap();
        assert_eq!(NameAddr::parse(&a.to_string()).unwrap(), a);
    }
}
