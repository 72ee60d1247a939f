//! SIP messages: framing, normalising parse, typed header access, validation, building.
//!
//! Input goes through [`receive_datagram`] (UDP) or a [`StreamFramer`] then [`receive_stream`]
//! (TCP/TLS), which return a [`Verdict`]: a message to process, a [`Rejection`] to answer
//! (a malformed request gets 400, 416, 420, 501, 505 ... with a reason naming the problem) or
//! a [`DropReason`] (malformed responses, and requests too broken to answer).
//!
//! Why not rsip: the project first chose rsip 0.4, but its URI grammar misreads RFC 4475's
//! valid messages (a `;` in the user part becomes the host, IPv6 hosts fail, `?headers` are
//! silently dropped), its display-name tokenizer cuts at the first `<` even inside quotes, and
//! it has no extension methods, no non-SIP Request-URIs and no versions but 1 and 2. Those are
//! inside the grammar, not around it, so this module owns the whole parse.

mod accessors;
mod build;
mod cseq;
mod envelope;
mod error;
mod framer;
// Shared with the digest-header parser in crate::auth.
pub(crate) mod grammar;
mod headers;
mod method;
mod name_addr;
mod replaces;
mod uri;
mod validate;
mod via;

use std::fmt::Write as _;

pub use accessors::Contact;
pub use build::{generate_branch, generate_tag, response_to, set_to_tag, NewRequest};
pub use cseq::CSeq;
pub use error::{HeaderError, ParseError, UriError};
pub use framer::StreamFramer;
pub use grammar::{Param, Params};
pub use headers::{canonical_name, Header, Headers};
pub use method::Method;
pub use name_addr::NameAddr;
pub use replaces::Replaces;
pub use uri::{unescape, SipUri, Uri};
pub use validate::{
    receive_datagram, receive_stream, validate_request, validate_response, DropReason, Policy,
    Rejection, Verdict,
};
pub use via::{Via, MAGIC_COOKIE};

use envelope::Framing;

/// A SIP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The Request-URI (any scheme; validation answers 416 for non-SIP ones).
    pub uri: Uri,
    /// The headers.
    pub headers: Headers,
    /// The body, exactly Content-Length bytes.
    pub body: Vec<u8>,
}

/// A SIP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code, 100..=699.
    pub status: u16,
    /// The reason phrase (may be empty).
    pub reason: String,
    /// The headers.
    pub headers: Headers,
    /// The body.
    pub body: Vec<u8>,
}

/// A request or a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A request.
    Request(Request),
    /// A response.
    Response(Response),
}

impl Message {
    /// Parses one datagram's message strictly: any framing or start-line problem is an error.
    /// Header values are checked only when read; use [`receive_datagram`] to validate.
    pub fn parse(bytes: &[u8]) -> Result<Message, ParseError> {
        let envelope = envelope::split(bytes, Framing::Datagram)?;
        if let Some(e) = envelope.framing_error {
            return Err(e);
        }
        from_envelope(envelope.start_line, envelope.headers, envelope.body)
    }

    /// The headers of either kind.
    pub fn headers(&self) -> &Headers {
        match self {
            Message::Request(r) => &r.headers,
            Message::Response(r) => &r.headers,
        }
    }

    /// The wire form; see [`Request::to_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Message::Request(r) => r.to_bytes(),
            Message::Response(r) => r.to_bytes(),
        }
    }
}

fn from_envelope(start_line: &str, headers: Headers, body: &[u8]) -> Result<Message, ParseError> {
    if start_line.starts_with("SIP/") {
        let (status, reason) = parse_status_line(start_line)?;
        Ok(Message::Response(Response {
            status,
            reason: reason.to_owned(),
            headers,
            body: body.to_vec(),
        }))
    } else {
        let (method, uri) = parse_request_line(start_line)?;
        Ok(Message::Request(Request {
            method,
            uri,
            headers,
            body: body.to_vec(),
        }))
    }
}

/// `Method SP Request-URI SP SIP-Version`, with exactly one space between elements
/// (RFC 4475 §3.1.2.8-10 treat extra or trailing spaces as malformed).
fn parse_request_line(line: &str) -> Result<(Method, Uri), ParseError> {
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::RequestLine(
            "expected Method SP Request-URI SP SIP-Version",
        ));
    };
    let method = Method::parse(method).ok_or(ParseError::RequestLine("invalid method"))?;
    check_version(version)?;
    let uri = Uri::parse(uri).map_err(ParseError::RequestUri)?;
    Ok((method, uri))
}

/// `SIP-Version SP Status-Code SP Reason-Phrase`; the phrase may be empty.
fn parse_status_line(line: &str) -> Result<(u16, &str), ParseError> {
    let mut parts = line.splitn(3, ' ');
    let (Some(version), Some(code)) = (parts.next(), parts.next()) else {
        return Err(ParseError::StatusLine(
            "expected SIP-Version SP Status-Code",
        ));
    };
    check_version(version)?;
    let status = (code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()))
        .then(|| code.parse::<u16>().ok())
        .flatten()
        .filter(|s| (100..=699).contains(s))
        .ok_or(ParseError::StatusLine("status code is not 100-699"))?;
    Ok((status, parts.next().unwrap_or("")))
}

fn check_version(version: &str) -> Result<(), ParseError> {
    // RFC 3261 §7.1: the version string is case-insensitive.
    if version.eq_ignore_ascii_case("SIP/2.0") {
        Ok(())
    } else {
        Err(ParseError::Version(version.to_owned()))
    }
}

impl Request {
    /// A request with no headers and no body.
    pub fn new(method: Method, uri: Uri) -> Request {
        Request {
            method,
            uri,
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    /// The wire form. Content-Length is always written from the body's length, replacing any
    /// Content-Length header, so a built message can never mis-frame.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!("{} {} SIP/2.0\r\n", self.method, self.uri);
        write_headers(&mut head, &self.headers, self.body.len());
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

impl Response {
    /// A response with no headers and no body.
    pub fn new(status: u16, reason: impl Into<String>) -> Response {
        Response {
            status,
            reason: reason.into(),
            headers: Headers::new(),
            body: Vec::new(),
        }
    }

    /// The wire form; Content-Length as for [`Request::to_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!("SIP/2.0 {} {}\r\n", self.status, self.reason);
        write_headers(&mut head, &self.headers, self.body.len());
        let mut out = head.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

fn write_headers(out: &mut String, headers: &Headers, body_len: usize) {
    for h in headers.iter() {
        if !h.name.eq_ignore_ascii_case("Content-Length") {
            // Writing to a String cannot fail.
            let _ = write!(out, "{}: {}\r\n", h.name, h.value);
        }
    }
    let _ = write!(out, "Content-Length: {body_len}\r\n\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response_round_trip() {
        let raw = b"INVITE sip:bob@b SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nContent-Length: 3\r\n\r\nabc";
        let Message::Request(req) = Message::parse(raw).unwrap() else {
            panic!("not a request")
        };
        assert_eq!(req.method, Method::Invite);
        assert_eq!(req.body, b"abc");
        assert_eq!(req.to_bytes(), raw);

        let raw = b"SIP/2.0 180 \r\nContent-Length: 0\r\n\r\n";
        let Message::Response(resp) = Message::parse(raw).unwrap() else {
            panic!("not a response")
        };
        assert_eq!((resp.status, resp.reason.as_str()), (180, ""));
        assert_eq!(resp.to_bytes(), raw);
    }

    #[test]
    fn start_line_errors_are_named() {
        let cases: &[(&[u8], ParseError)] = &[
            (
                b"INVITE  sip:a@b  SIP/2.0\r\n\r\n",
                ParseError::RequestLine("expected Method SP Request-URI SP SIP-Version"),
            ),
            (
                b"INVITE sip:a@b SIP/7.0\r\n\r\n",
                ParseError::Version("SIP/7.0".into()),
            ),
            (
                b"INVITE <sip:a@b> SIP/2.0\r\n\r\n",
                ParseError::RequestUri(UriError::Scheme),
            ),
            (
                b"SIP/2.0 4294967301 big\r\n\r\n",
                ParseError::StatusLine("status code is not 100-699"),
            ),
            (
                b"SIP/2.0 099 low\r\n\r\n",
                ParseError::StatusLine("status code is not 100-699"),
            ),
        ];
        for (raw, expected) in cases {
            assert_eq!(&Message::parse(raw).unwrap_err(), expected);
        }
    }

    #[test]
    fn content_length_is_rewritten_from_the_body() {
        let mut req = Request::new(Method::Message, Uri::parse("sip:a@b").unwrap());
        req.headers.push("Content-Length", "999");
        req.body = b"hi".to_vec();
        let text = String::from_utf8(req.to_bytes()).unwrap();
        assert!(text.ends_with("Content-Length: 2\r\n\r\nhi"), "{text}");
        assert_eq!(text.matches("Content-Length").count(), 1);
    }
}
