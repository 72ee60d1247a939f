//! `Digest` challenges (WWW-Authenticate / Proxy-Authenticate) and credentials
//! (Authorization / Proxy-Authorization): RFC 7616 §3.3-3.4 syntax.

use std::fmt::Write as _;

use super::digest::Algorithm;
use super::error::AuthError;
use crate::message::grammar::{is_token, Scanner};

/// Parses `Digest name=value, name="value", ...` into (lower-cased name, unquoted value).
fn parse_digest(value: &str) -> Result<Vec<(String, String)>, AuthError> {
    let mut s = Scanner::new(value);
    s.skip_ws();
    if !s.token().eq_ignore_ascii_case("Digest") {
        return Err(AuthError::Syntax("scheme is not Digest"));
    }
    let mut params = Vec::new();
    loop {
        s.skip_ws();
        if s.rest.is_empty() {
            return Ok(params);
        }
        let name = s.token();
        if name.is_empty() {
            return Err(AuthError::Syntax("expected a parameter name"));
        }
        s.skip_ws();
        if !s.eat('=') {
            return Err(AuthError::Syntax("expected '=' after a parameter name"));
        }
        s.skip_ws();
        let value = if s.peek() == Some('"') {
            s.quoted_string()
                .ok_or(AuthError::Syntax("unterminated quoted value"))?
        } else {
            let v = s
                .take_while(|c| is_token(c) || matches!(c, '/' | ':' | '@' | '='))
                .to_owned();
            if v.is_empty() {
                return Err(AuthError::Syntax("empty parameter value"));
            }
            v
        };
        params.push((name.to_ascii_lowercase(), value));
        s.skip_ws();
        if !s.eat(',') && !s.rest.is_empty() {
            return Err(AuthError::Syntax("expected ',' between parameters"));
        }
    }
}

fn take(params: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let i = params.iter().position(|(n, _)| n == name)?;
    Some(params.swap_remove(i).1)
}

/// A server's challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The protection space.
    pub realm: String,
    /// The server nonce.
    pub nonce: String,
    /// Opaque data to return unchanged.
    pub opaque: Option<String>,
    /// The algorithm (MD5 when absent).
    pub algorithm: Algorithm,
    /// The qop values offered (`auth`, `auth-int`); empty for RFC 2069 servers.
    pub qop: Vec<String>,
    /// The previous nonce expired but the credentials were right.
    pub stale: bool,
}

impl Challenge {
    /// Parses a WWW-Authenticate or Proxy-Authenticate value.
    pub fn parse(value: &str) -> Result<Challenge, AuthError> {
        let mut p = parse_digest(value)?;
        Ok(Challenge {
            realm: take(&mut p, "realm").ok_or(AuthError::Missing("realm"))?,
            nonce: take(&mut p, "nonce").ok_or(AuthError::Missing("nonce"))?,
            opaque: take(&mut p, "opaque"),
            algorithm: take(&mut p, "algorithm")
                .map(|a| Algorithm::parse(&a))
                .transpose()?
                .unwrap_or(Algorithm::Md5),
            qop: take(&mut p, "qop")
                .map(|q| {
                    q.split(',')
                        .map(|v| v.trim().to_owned())
                        .filter(|v| !v.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            stale: take(&mut p, "stale").is_some_and(|v| v.eq_ignore_ascii_case("true")),
        })
    }

    /// The header value.
    pub fn to_header_value(&self) -> String {
        let mut out = format!(
            "Digest realm=\"{}\", nonce=\"{}\"",
            escape(&self.realm),
            escape(&self.nonce)
        );
        if let Some(opaque) = &self.opaque {
            let _ = write!(out, ", opaque=\"{}\"", escape(opaque));
        }
        let _ = write!(out, ", algorithm={}", self.algorithm.as_str());
        if !self.qop.is_empty() {
            let _ = write!(out, ", qop=\"{}\"", self.qop.join(","));
        }
        if self.stale {
            out.push_str(", stale=true");
        }
        out
    }
}

/// A client's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name.
    pub username: String,
    /// The realm answered.
    pub realm: String,
    /// The nonce answered.
    pub nonce: String,
    /// The digest-uri (the Request-URI as the client wrote it).
    pub uri: String,
    /// The request-digest.
    pub response: String,
    /// The algorithm (MD5 when absent).
    pub algorithm: Algorithm,
    /// The client nonce (with qop).
    pub cnonce: Option<String>,
    /// The opaque value echoed back.
    pub opaque: Option<String>,
    /// `auth`, or `None` for RFC 2069 clients.
    pub qop: Option<String>,
    /// The nonce-count, 8 hex digits as sent (with qop).
    pub nc: Option<String>,
}

impl Credentials {
    /// Parses an Authorization or Proxy-Authorization value.
    pub fn parse(value: &str) -> Result<Credentials, AuthError> {
        let mut p = parse_digest(value)?;
        Ok(Credentials {
            username: take(&mut p, "username").ok_or(AuthError::Missing("username"))?,
            realm: take(&mut p, "realm").ok_or(AuthError::Missing("realm"))?,
            nonce: take(&mut p, "nonce").ok_or(AuthError::Missing("nonce"))?,
            uri: take(&mut p, "uri").ok_or(AuthError::Missing("uri"))?,
            response: take(&mut p, "response").ok_or(AuthError::Missing("response"))?,
            algorithm: take(&mut p, "algorithm")
                .map(|a| Algorithm::parse(&a))
                .transpose()?
                .unwrap_or(Algorithm::Md5),
            cnonce: take(&mut p, "cnonce"),
            opaque: take(&mut p, "opaque"),
            qop: take(&mut p, "qop"),
            nc: take(&mut p, "nc"),
        })
    }

    /// The header value.
    pub fn to_header_value(&self) -> String {
        let mut out = format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", response=\"{}\", algorithm={}",
            escape(&self.username),
            escape(&self.realm),
            escape(&self.nonce),
            escape(&self.uri),
            self.response,
            self.algorithm.as_str()
        );
        if let (Some(qop), Some(nc), Some(cnonce)) = (&self.qop, &self.nc, &self.cnonce) {
            let _ = write!(out, ", qop={qop}, nc={nc}, cnonce=\"{}\"", escape(cnonce));
        }
        if let Some(opaque) = &self.opaque {
            let _ = write!(out, ", opaque=\"{}\"", escape(opaque));
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_2617_authorization_parses() {
        let c = Credentials::parse(
            r#"Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
        )
        .unwrap();
        assert_eq!(c.username, "Mufasa");
        assert_eq!(c.nc.as_deref(), Some("00000001"));
        assert_eq!(c.qop.as_deref(), Some("auth"));
        assert_eq!(c.algorithm, Algorithm::Md5);
        assert_eq!(Credentials::parse(&c.to_header_value()).unwrap(), c);
    }

    #[test]
    fn challenges_round_trip_and_read_qop_lists() {
        let c = Challenge::parse(
            r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", stale=TRUE"#,
        )
        .unwrap();
        assert_eq!(c.qop, ["auth", "auth-int"]);
        assert_eq!(c.algorithm, Algorithm::Sha256);
        assert!(c.stale);
        assert_eq!(Challenge::parse(&c.to_header_value()).unwrap(), c);
    }

    #[test]
    fn other_schemes_and_garbage_are_refused() {
        assert!(Credentials::parse("NoOneKnowsThisScheme opaque-data=here").is_err());
        assert!(Credentials::parse("Digest username=\"a\"").is_err());
        assert!(Credentials::parse("Digest username=\"a").is_err());
        assert!(Challenge::parse("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1").is_err());
    }
}
