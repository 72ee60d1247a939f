//! What a UAS must check before acting on a request (RFC 3261 §8.2, §16.3), and what makes a
//! response unusable (dropped, never answered: RFC 3261 §18.1.2).

use super::envelope::{self, Framing};
use super::error::{HeaderError, ParseError};
use super::headers::Headers;
use super::method::Method;
use super::uri::Uri;
use super::{from_envelope, parse_request_line, Message, Request, Response};

/// What the endpoint implements; requests outside it are rejected.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Methods implemented; others get 501. ACK and CANCEL are always accepted.
    pub methods: Vec<Method>,
    /// Option tags understood in Require; others get 420 with Unsupported.
    pub extensions: Vec<String>,
    /// Media types accepted in request bodies; others get 415 with Accept.
    pub content_types: Vec<String>,
    /// The media type an INVITE's answer carries: an INVITE whose Accept excludes it gets 406.
    pub answer_content_type: Option<String>,
    /// Answer 483 to a request other than OPTIONS that arrives with Max-Forwards 0, as an
    /// element that would forward it must (RFC 3261 §16.3 step 3). A B2BUA bridges calls on,
    /// so this defaults to on.
    pub reject_zero_max_forwards: bool,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            methods: vec![
                Method::Invite,
                Method::Ack,
                Method::Bye,
                Method::Cancel,
                Method::Options,
                Method::Register,
                Method::Info,
                Method::Prack,
                Method::Update,
                Method::Subscribe,
                Method::Notify,
                Method::Refer,
                Method::Message,
            ],
            extensions: [
                "100rel",
                "timer",
                "replaces",
                "norefersub",
                "path",
                "outbound",
            ]
            .map(String::from)
            .to_vec(),
            content_types: [
                "application/sdp",
                "application/dtmf-relay",
                "application/dtmf",
                "text/plain",
                "message/sipfrag",
                "multipart/mixed",
            ]
            .map(String::from)
            .to_vec(),
            answer_content_type: Some("application/sdp".to_owned()),
            reject_zero_max_forwards: true,
        }
    }
}

/// What to do with received bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // One per received message; boxing buys nothing here.
pub enum Verdict {
    /// A valid request for the transaction layer.
    Request(Request),
    /// A valid response for the transaction layer.
    Response(Response),
    /// A request to answer with [`Rejection::response`] (statelessly) and otherwise ignore.
    Reject(Rejection),
    /// Input to discard (and log once).
    Drop(DropReason),
}

/// A request refused before any transaction exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 400, 406, 415, 416, 420, 483, 501 or 505.
    pub status: u16,
    /// The reason phrase, naming the problem.
    pub reason: String,
    /// Headers the response must add (Unsupported for 420, Accept for 415).
    pub extra: Headers,
    /// The request's headers, from which the response copies Via, From, To, Call-ID, CSeq.
    pub request_headers: Headers,
}

/// Why input was discarded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DropReason {
    /// The bytes are not a SIP message, or a response's start line or framing is bad.
    #[error("unparseable message: {0}")]
    Parse(ParseError),
    /// A response whose mandatory headers are missing or malformed.
    #[error("malformed response: {0}")]
    Header(HeaderError),
}

/// Parses and validates one UDP datagram. Octets past Content-Length are discarded; a
/// datagram without Content-Length has the rest as body (RFC 3261 §18.3).
pub fn receive_datagram(bytes: &[u8], policy: &Policy) -> Verdict {
    receive(bytes, Framing::Datagram, policy)
}

/// Parses and validates one message cut from a stream by [`super::StreamFramer`].
pub fn receive_stream(bytes: &[u8], policy: &Policy) -> Verdict {
    receive(bytes, Framing::Stream, policy)
}

fn receive(bytes: &[u8], framing: Framing, policy: &Policy) -> Verdict {
    let envelope = match envelope::split(bytes, framing) {
        Ok(e) => e,
        Err(e) => return Verdict::Drop(DropReason::Parse(e)),
    };
    let is_response = envelope.start_line.starts_with("SIP/");
    let framing_error = envelope.framing_error.clone();
    if is_response {
        if let Some(e) = framing_error {
            return Verdict::Drop(DropReason::Parse(e));
        }
        return match from_envelope(envelope.start_line, envelope.headers, envelope.body) {
            Ok(Message::Response(r)) => match validate_response(&r) {
                Ok(()) => Verdict::Response(r),
                Err(e) => Verdict::Drop(e),
            },
            Ok(Message::Request(_)) => unreachable!("a start line beginning SIP/ is a status line"),
            Err(e) => Verdict::Drop(DropReason::Parse(e)),
        };
    }
    let headers = envelope.headers;
    let (method, uri) = match parse_request_line(envelope.start_line) {
        Ok(parts) => parts,
        Err(ParseError::Version(v)) => {
            return Verdict::Reject(rejection(
                505,
                format!("Version Not Supported: {v}"),
                headers,
            ))
        }
        Err(e) => return Verdict::Reject(rejection(400, capitalise(&e.to_string()), headers)),
    };
    if let Some(e) = framing_error {
        return Verdict::Reject(rejection(400, capitalise(&e.to_string()), headers));
    }
    let request = Request {
        method,
        uri,
        headers,
        body: envelope.body.to_vec(),
    };
    match validate_request(&request, policy) {
        Ok(()) => Verdict::Request(request),
        Err(r) => Verdict::Reject(r),
    }
}

/// Checks a parsed request in RFC 3261 §8.2's order: syntax of the headers every request
/// needs (400), method (501), CSeq agreement (400), Request-URI scheme (416), Max-Forwards
/// (483), Require (420), body type (415) and Accept (406).
pub fn validate_request(request: &Request, policy: &Policy) -> Result<(), Rejection> {
    let h = &request.headers;
    let bad = |e: HeaderError| rejection(400, capitalise(&e.to_string()), h.clone());
    h.vias().map_err(bad)?;
    let to = h.to().map_err(bad)?;
    h.from().map_err(bad)?;
    h.call_id().map_err(bad)?;
    let cseq = h.cseq().map_err(bad)?;
    let max_forwards = h.max_forwards().map_err(bad)?;
    h.expires().map_err(bad)?;
    h.contacts().map_err(bad)?;
    h.routes().map_err(bad)?;
    h.record_routes().map_err(bad)?;

    let method = &request.method;
    let always = matches!(method, Method::Ack | Method::Cancel);
    if !always && !policy.methods.contains(method) {
        return Err(rejection(501, "Not Implemented".into(), h.clone()));
    }
    if cseq.method != *method {
        return Err(rejection(
            400,
            "CSeq method does not match the request method".into(),
            h.clone(),
        ));
    }
    match &request.uri {
        Uri::Other { .. } => {
            return Err(rejection(416, "Unsupported URI Scheme".into(), h.clone()));
        }
        Uri::Sip(uri) if uri.headers.is_some() => {
            return Err(rejection(
                400,
                "Request-URI must not carry headers".into(),
                h.clone(),
            ));
        }
        Uri::Sip(_) => {}
    }
    if *method == Method::Register && to.uri.as_sip().is_none() {
        // RFC 3261 §10.3: the To header holds the address-of-record, a SIP or SIPS URI.
        return Err(rejection(
            400,
            "REGISTER To header must hold a SIP or SIPS URI".into(),
            h.clone(),
        ));
    }
    if policy.reject_zero_max_forwards && max_forwards == Some(0) && *method != Method::Options {
        return Err(rejection(483, "Too Many Hops".into(), h.clone()));
    }
    if !always {
        let unsupported: Vec<&str> = h
            .require()
            .into_iter()
            .filter(|tag| {
                !policy
                    .extensions
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(tag))
            })
            .collect();
        if !unsupported.is_empty() {
            let mut r = rejection(420, "Bad Extension".into(), h.clone());
            r.extra.push("Unsupported", unsupported.join(", "));
            return Err(r);
        }
    }
    if !request.body.is_empty() {
        let Some(content_type) = h.content_type() else {
            return Err(rejection(
                400,
                "Missing Content-Type for a non-empty body".into(),
                h.clone(),
            ));
        };
        if !policy
            .content_types
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&content_type))
        {
            let mut r = rejection(415, "Unsupported Media Type".into(), h.clone());
            r.extra.push("Accept", policy.content_types.join(", "));
            return Err(r);
        }
    }
    if *method == Method::Invite {
        if let (Some(wanted), Some(accept)) = (&policy.answer_content_type, h.get("Accept")) {
            if !accepts(accept, wanted) {
                return Err(rejection(406, "Not Acceptable".into(), h.clone()));
            }
        }
    }
    Ok(())
}

/// Whether an Accept value admits `media_type`, wildcards included.
fn accepts(accept: &str, media_type: &str) -> bool {
    let (main, _) = media_type.split_once('/').unwrap_or((media_type, ""));
    accept.split(',').any(|range| {
        let range = range.split(';').next().unwrap_or("").trim();
        range.eq_ignore_ascii_case(media_type)
            || range == "*/*"
            || range
                .strip_suffix("/*")
                .is_some_and(|m| m.eq_ignore_ascii_case(main))
    })
}

/// Checks the headers every response needs; a response failing this is dropped.
pub fn validate_response(response: &Response) -> Result<(), DropReason> {
    let h = &response.headers;
    h.vias().map_err(DropReason::Header)?;
    h.from().map_err(DropReason::Header)?;
    h.to().map_err(DropReason::Header)?;
    h.call_id().map_err(DropReason::Header)?;
    h.cseq().map_err(DropReason::Header)?;
    Ok(())
}

fn rejection(status: u16, reason: String, request_headers: Headers) -> Rejection {
    Rejection {
        status,
        reason,
        extra: Headers::new(),
        request_headers,
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "INVITE sip:bob@b SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:a@a>;tag=1\r\nTo: <sip:bob@b>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n";

    fn verdict(extra_headers: &str, body: &str) -> Verdict {
        let raw = format!(
            "{GOOD}{extra_headers}Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        receive_datagram(raw.as_bytes(), &Policy::default())
    }

    fn status(v: &Verdict) -> Option<(u16, &str)> {
        match v {
            Verdict::Reject(r) => Some((r.status, r.reason.as_str())),
            _ => None,
        }
    }

    #[test]
    fn a_good_request_passes() {
        assert!(matches!(verdict("", ""), Verdict::Request(_)));
        assert!(matches!(
            verdict(
                "Content-Type: application/sdp\r\nAccept: application/*\r\n",
                "v=0\r\n"
            ),
            Verdict::Request(_)
        ));
    }

    #[test]
    fn rejections_name_the_problem() {
        assert_eq!(
            status(&verdict("Call-ID: c2\r\n", "")),
            Some((400, "More than one Call-ID header"))
        );
        assert_eq!(
            status(&verdict("Require: 100rel, foo\r\n", "")).map(|s| s.0),
            Some(420)
        );
        if let Verdict::Reject(r) = verdict("Require: 100rel, foo, bar\r\n", "") {
            assert_eq!(r.extra.get("Unsupported"), Some("foo, bar"));
        }
        assert_eq!(
            status(&verdict("Content-Type: application/x\r\n", "x")).map(|s| s.0),
            Some(415)
        );
        assert_eq!(status(&verdict("", "x")).map(|s| s.0), Some(400));
        assert_eq!(
            status(&verdict("Accept: text/plain\r\n", "")).map(|s| s.0),
            Some(406)
        );
    }

    #[test]
    fn max_forwards_zero_is_483_except_for_options_or_when_disabled() {
        let raw = GOOD.replace("Max-Forwards: 70", "Max-Forwards: 0") + "\r\n";
        let policy = Policy::default();
        assert_eq!(
            status(&receive_datagram(raw.as_bytes(), &policy)),
            Some((483, "Too Many Hops"))
        );
        let relaxed = Policy {
            reject_zero_max_forwards: false,
            ..Policy::default()
        };
        assert!(matches!(
            receive_datagram(raw.as_bytes(), &relaxed),
            Verdict::Request(_)
        ));
    }

    #[test]
    fn unknown_method_is_501_and_non_sip_uri_is_416() {
        let raw = GOOD
            .replace("INVITE sip:bob@b", "FOO sip:bob@b")
            .replace("1 INVITE", "1 FOO")
            + "\r\n";
        assert_eq!(
            status(&receive_datagram(raw.as_bytes(), &Policy::default())).map(|s| s.0),
            Some(501)
        );
        let raw = GOOD.replace("sip:bob@b SIP", "tel:+15551234 SIP") + "\r\n";
        assert_eq!(
            status(&receive_datagram(raw.as_bytes(), &Policy::default())).map(|s| s.0),
            Some(416)
        );
    }

    #[test]
    fn broken_responses_are_dropped() {
        let raw = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nCall-ID: c\r\n\r\n";
        assert_eq!(
            receive_datagram(raw, &Policy::default()),
            Verdict::Drop(DropReason::Header(HeaderError::Missing("From")))
        );
    }
}
