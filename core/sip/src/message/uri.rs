//! URIs: SIP and SIPS parsed into parts (RFC 3261 §19.1), anything else kept whole with its
//! scheme so a UAS can answer 416 instead of failing to parse (RFC 4475 §3.3.2, `tel:`).

use std::fmt;

use super::error::UriError;
use super::grammar::{Param, Params};

/// A URI from a Request-URI or a name-addr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uri {
    /// `sip:` or `sips:`.
    Sip(SipUri),
    /// Any other scheme (`tel:`, `urn:`, `http:` ...), kept as received.
    Other {
        /// The scheme, without the colon, as received.
        scheme: String,
        /// Everything after the colon.
        rest: String,
    },
}

/// A SIP or SIPS URI. User, password, parameters and headers keep their %-escapes: RFC 3261
/// §19.1.4 compares the unescaped forms, which [`SipUri::user_unescaped`] gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUri {
    /// `sips:` rather than `sip:`.
    pub secure: bool,
    /// The user part (may contain `;`, `?` and `/`; see RFC 4475 §3.1.1.9).
    pub user: Option<String>,
    /// The password after `user:`.
    pub password: Option<String>,
    /// Host name, IPv4 address, or IPv6 reference with its brackets.
    pub host: String,
    /// The port, when given.
    pub port: Option<u16>,
    /// `;name=value` URI parameters.
    pub params: Params,
    /// The `?headers` part without the `?`, when present.
    pub headers: Option<String>,
}

impl Uri {
    /// Parses a URI with no surrounding whitespace or angle brackets.
    pub fn parse(input: &str) -> Result<Uri, UriError> {
        let (scheme, rest) = input.split_once(':').ok_or(UriError::Scheme)?;
        let mut chars = scheme.chars();
        let scheme_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !scheme_ok {
            return Err(UriError::Scheme);
        }
        if rest.is_empty() {
            return Err(UriError::Empty);
        }
        if rest
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
        {
            return Err(UriError::Character);
        }
        if scheme.eq_ignore_ascii_case("sip") || scheme.eq_ignore_ascii_case("sips") {
            SipUri::parse_after_scheme(scheme.eq_ignore_ascii_case("sips"), rest).map(Uri::Sip)
        } else {
            Ok(Uri::Other {
                scheme: scheme.to_owned(),
                rest: rest.to_owned(),
            })
        }
    }

    /// The SIP URI, if this is one.
    pub fn as_sip(&self) -> Option<&SipUri> {
        match self {
            Uri::Sip(sip) => Some(sip),
            Uri::Other { .. } => None,
        }
    }

    /// The scheme as written (`sip`, `sips`, `tel` ...).
    pub fn scheme(&self) -> &str {
        match self {
            Uri::Sip(sip) if sip.secure => "sips",
            Uri::Sip(_) => "sip",
            Uri::Other { scheme, .. } => scheme,
        }
    }
}

impl SipUri {
    /// `sip:host` with nothing else.
    pub fn new(host: impl Into<String>) -> SipUri {
        SipUri {
            secure: false,
            user: None,
            password: None,
            host: host.into(),
            port: None,
            params: Params::default(),
            headers: None,
        }
    }

    /// The same URI with a user part.
    pub fn with_user(mut self, user: impl Into<String>) -> SipUri {
        self.user = Some(user.into());
        self
    }

    /// The same URI with a port.
    pub fn with_port(mut self, port: u16) -> SipUri {
        self.port = Some(port);
        self
    }

    fn parse_after_scheme(secure: bool, rest: &str) -> Result<SipUri, UriError> {
        // '@' never appears unescaped in host, parameters or headers, so the first one ends
        // the userinfo even when the user part holds ';' or '?'.
        let (userinfo, hostpart) = match rest.find('@') {
            Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
            None => (None, rest),
        };
        let (user, password) = match userinfo {
            Some(info) => {
                let (user, password) = match info.split_once(':') {
                    Some((u, p)) => (u, Some(p)),
                    None => (info, None),
                };
                if user.is_empty() {
                    return Err(UriError::Character);
                }
                check_escapes(user, is_user_char)?;
                if let Some(p) = password {
                    check_escapes(p, is_password_char)?;
                }
                (Some(user.to_owned()), password.map(str::to_owned))
            }
            None => (None, None),
        };
        let (hostpart, headers) = match hostpart.split_once('?') {
            Some((h, headers)) => (h, Some(headers)),
            None => (hostpart, None),
        };
        let (hostport, params) = match hostpart.split_once(';') {
            Some((h, p)) => (h, Some(p)),
            None => (hostpart, None),
        };
        let (host, port) = split_host_port(hostport)?;
        let mut parsed = Params::default();
        if let Some(params) = params {
            for param in params.split(';') {
                let (name, value) = match param.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (param, None),
                };
                if name.is_empty() {
                    return Err(UriError::Parameter);
                }
                check_escapes(name, is_param_char)?;
                if let Some(v) = value {
                    check_escapes(v, is_param_char)?;
                }
                parsed.0.push(Param {
                    name: name.to_owned(),
                    value: value.map(str::to_owned),
                });
            }
        }
        if let Some(h) = headers {
            check_escapes(h, |c| is_param_char(c) || matches!(c, '=' | '?' | '&'))?;
        }
        Ok(SipUri {
            secure,
            user,
            password,
            host: host.to_owned(),
            port,
            params: parsed,
            headers: headers.map(str::to_owned),
        })
    }

    /// The user part with %-escapes resolved (bytes that are not UTF-8 become U+FFFD).
    pub fn user_unescaped(&self) -> Option<String> {
        self.user.as_deref().map(unescape)
    }

    /// `host[:port]`, as a Via sent-by or a connection target is written.
    pub fn host_port(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }
}

/// Splits `host[:port]`, accepting bracketed IPv6 references.
pub(crate) fn split_host_port(hostport: &str) -> Result<(&str, Option<u16>), UriError> {
    let (host, port) = if hostport.starts_with('[') {
        let close = hostport.find(']').ok_or(UriError::Host)?;
        let (host, after) = hostport.split_at(close + 1);
        if host.len() < 3
            || !host[1..close]
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        {
            return Err(UriError::Host);
        }
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':').ok_or(UriError::Port)?)),
        }
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if host.is_empty()
        || !(host.starts_with('[')
            || host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        return Err(UriError::Host);
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().map_err(|_| UriError::Port)?)
        }
        Some(_) => return Err(UriError::Port),
        None => None,
    };
    Ok((host, port))
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '!' | '~' | '*' | '\'' | '(' | ')')
}

fn is_user_char(c: char) -> bool {
    is_unreserved(c) || matches!(c, '&' | '=' | '+' | '$' | ',' | ';' | '?' | '/')
}

fn is_password_char(c: char) -> bool {
    is_unreserved(c) || matches!(c, '&' | '=' | '+' | '$' | ',')
}

fn is_param_char(c: char) -> bool {
    is_unreserved(c) || matches!(c, '[' | ']' | '/' | ':' | '&' | '+' | '$')
}

/// Checks that `s` holds only `allowed` characters and well-formed `%HH` escapes.
fn check_escapes(s: &str, allowed: impl Fn(char) -> bool) -> Result<(), UriError> {
    let bytes = s.as_bytes();
    let mut i = 0;
    for (idx, c) in s.char_indices() {
        if idx < i {
            continue;
        }
        if c == '%' {
            let hex = bytes.get(idx + 1..idx + 3).ok_or(UriError::Escape)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(UriError::Escape);
            }
            i = idx + 3;
        } else if !allowed(c) {
            return Err(UriError::Character);
        }
    }
    Ok(())
}

/// Resolves `%HH` escapes.
pub fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match decoded {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl fmt::Display for SipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.secure { "sips:" } else { "sip:" })?;
        if let Some(user) = &self.user {
            f.write_str(user)?;
            if let Some(password) = &self.password {
                write!(f, ":{password}")?;
            }
            f.write_str("@")?;
        }
        f.write_str(&self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        write!(f, "{}", self.params)?;
        if let Some(headers) = &self.headers {
            write!(f, "?{headers}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Uri::Sip(sip) => sip.fmt(f),
            Uri::Other { scheme, rest } => write!(f, "{scheme}:{rest}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sip(s: &str) -> SipUri {
        match Uri::parse(s) {
            Ok(Uri::Sip(u)) => u,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn user_part_may_hold_semicolons_and_question_marks() {
        let u = sip("sip:user;par=u%40example.net@example.com");
        assert_eq!(u.user.as_deref(), Some("user;par=u%40example.net"));
        assert_eq!(u.host, "example.com");
        let crazy = "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com";
        let u = sip(crazy);
        assert_eq!(
            u.user.as_deref(),
            Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        );
        assert_eq!(u.host, "example.com");
        assert_eq!(u.to_string(), crazy);
    }

    #[test]
    fn ipv6_ports_params_and_headers() {
        let u = sip("sips:[2001:db8::10]:5070;transport=tcp;lr?Route=%3Csip:x%3E");
        assert!(u.secure);
        assert_eq!(u.host, "[2001:db8::10]");
        assert_eq!(u.port, Some(5070));
        assert_eq!(u.params.value("transport"), Some("tcp"));
        assert!(u.params.contains("lr"));
        assert_eq!(u.headers.as_deref(), Some("Route=%3Csip:x%3E"));
        assert_eq!(u.host_port(), "[2001:db8::10]:5070");
    }

    #[test]
    fn escapes_are_kept_and_resolved_on_request() {
        let u = sip("sip:%75se%72@example.com");
        assert_eq!(u.user_unescaped().as_deref(), Some("user"));
        assert_eq!(
            sip("sip:null-%00-null@example.com")
                .user_unescaped()
                .as_deref(),
            Some("null-\0-null")
        );
        assert_eq!(Uri::parse("sip:a%4@b"), Err(UriError::Escape));
    }

    #[test]
    fn other_schemes_are_kept_whole() {
        let u = Uri::parse("tel:+1-201-555-0123").unwrap();
        assert_eq!(u.scheme(), "tel");
        assert_eq!(u.to_string(), "tel:+1-201-555-0123");
        assert!(u.as_sip().is_none());
        assert_eq!(
            Uri::parse("soap.beep://192.0.2.103:3002").unwrap().scheme(),
            "soap.beep"
        );
    }

    #[test]
    fn malformed_uris_are_refused() {
        assert_eq!(Uri::parse("<sip:user@example.com>"), Err(UriError::Scheme));
        assert_eq!(Uri::parse("sip:"), Err(UriError::Empty));
        assert_eq!(Uri::parse("sip:user@"), Err(UriError::Host));
        assert_eq!(Uri::parse("sip:host:99999"), Err(UriError::Port));
        assert_eq!(Uri::parse("sip:host;;"), Err(UriError::Parameter));
        assert_eq!(Uri::parse("sip:a b@host"), Err(UriError::Character));
        assert_eq!(Uri::parse("nocolon"), Err(UriError::Scheme));
    }
}
