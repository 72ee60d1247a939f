//! Splits raw bytes into start line, headers and body, normalising what peers send and a strict
//! parser would refuse: leading CRLFs, LF-only line ends, folded header lines, `Name : value`
//! spacing, compact header names and comma-joined list values. Content-Length problems are
//! recorded rather than returned, so a request can still be answered with a 400 built from
//! its headers.

use std::borrow::Cow;

use super::error::ParseError;
use super::grammar::is_token;
use super::headers::Headers;

/// A message cut into its three parts.
#[derive(Debug)]
pub(crate) struct Envelope<'a> {
    pub(crate) start_line: &'a str,
    pub(crate) headers: Headers,
    pub(crate) body: &'a [u8],
    /// A Content-Length problem (missing on a stream, invalid, repeated, larger than the body).
    pub(crate) framing_error: Option<ParseError>,
}

/// How the message arrived: a datagram's body may run to its end without Content-Length
/// (RFC 3261 §18.3), a stream message's may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    Datagram,
    Stream,
}

pub(crate) fn split(bytes: &[u8], framing: Framing) -> Result<Envelope<'_>, ParseError> {
    // RFC 3261 §7.5: CRLFs before the start line are keep-alive noise to skip.
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b'\r' | b'\n'))
        .ok_or(ParseError::Empty)?;
    let bytes = &bytes[start..];
    let (head, rest) = match (split_head(bytes), framing) {
        (Some(parts), _) => parts,
        // A datagram is complete in itself: one missing its final empty line (RFC 4475
        // §3.1.2.15's baddn) still has all its headers, so read it as having no body.
        (None, Framing::Datagram) => (bytes.strip_suffix(b"\r\n").unwrap_or(bytes), &[][..]),
        (None, Framing::Stream) => return Err(ParseError::MissingHeaderEnd),
    };
    let head = std::str::from_utf8(head).map_err(|_| ParseError::NotUtf8)?;

    let (start_line, headers) = parse_head(head)?;

    let (body, framing_error) = match frame_body(&headers, rest, framing) {
        Ok(body) => (body, None),
        Err(e) => (rest, Some(e)),
    };
    Ok(Envelope {
        start_line,
        headers,
        body,
        framing_error,
    })
}

/// Parses the header section (start line and header lines, no final empty line).
pub(crate) fn parse_head(head: &str) -> Result<(&str, Headers), ParseError> {
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let start_line = lines.next().ok_or(ParseError::Empty)?;
    let mut headers = Headers::new();
    // Values borrow from the input; only a folded value needs its own string.
    let mut current: Option<(&str, Cow<'_, str>)> = None;
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // A folded continuation: the line break and leading whitespace become one space.
            let (_, value) = current
                .as_mut()
                .ok_or_else(|| ParseError::HeaderLine(line.to_owned()))?;
            let folded = value.to_mut();
            folded.push(' ');
            folded.push_str(line.trim());
            continue;
        }
        if let Some((name, value)) = current.take() {
            headers.push_received(name, value.trim());
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| ParseError::HeaderLine(line.to_owned()))?;
        let name = name.trim_end_matches([' ', '\t']);
        if name.is_empty() || !name.chars().all(is_token) {
            return Err(ParseError::HeaderLine(line.to_owned()));
        }
        current = Some((name, Cow::Borrowed(value.trim())));
    }
    if let Some((name, value)) = current {
        headers.push_received(name, value.trim());
    }
    Ok((start_line, headers))
}

/// Finds the empty line ending the header section; returns the section (without its final
/// line end) and everything after the empty line.
pub(crate) fn split_head(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut line_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'\n' {
            continue;
        }
        let line = &bytes[line_start..i];
        if line.is_empty() || line == b"\r" {
            let head_end = line_start.saturating_sub(1);
            let head_end = if head_end > 0 && bytes[head_end - 1] == b'\r' {
                head_end - 1
            } else {
                head_end
            };
            return Some((&bytes[..head_end], &bytes[i + 1..]));
        }
        line_start = i + 1;
    }
    None
}

/// Reads the one Content-Length value, if any.
pub(crate) fn content_length(headers: &Headers) -> Result<Option<usize>, ParseError> {
    let mut values = headers.get_all("Content-Length");
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(ParseError::MultipleContentLength);
    }
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseError::ContentLength(value.to_owned()));
    }
    value
        .parse::<usize>()
        .map(Some)
        .map_err(|_| ParseError::ContentLength(value.to_owned()))
}

fn frame_body<'a>(
    headers: &Headers,
    rest: &'a [u8],
    framing: Framing,
) -> Result<&'a [u8], ParseError> {
    match (content_length(headers)?, framing) {
        (None, Framing::Datagram) => Ok(rest),
        (None, Framing::Stream) => Err(ParseError::MissingContentLength),
        (Some(declared), _) if declared > rest.len() => Err(ParseError::BodyTooShort {
            declared,
            available: rest.len(),
        }),
        // RFC 3261 §18.3: octets past Content-Length in a datagram are discarded.
        (Some(declared), _) => Ok(&rest[..declared]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_lf_only_and_spaced_colons_are_normalised() {
        let raw = b"\r\n\r\nOPTIONS sip:a@b SIP/2.0\nTO :\n sip:a@b ;\n  tag = 1\nv: SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/UDP g\nl: 2\n\nhiEXTRA";
        let env = split(raw, Framing::Datagram).unwrap();
        assert_eq!(env.start_line, "OPTIONS sip:a@b SIP/2.0");
        assert_eq!(env.headers.get("To"), Some("sip:a@b ; tag = 1"));
        assert_eq!(env.headers.count("Via"), 2);
        assert_eq!(env.body, b"hi");
        assert!(env.framing_error.is_none());
    }

    #[test]
    fn content_length_problems_are_recorded_not_fatal() {
        let short = split(
            b"A sip:b SIP/2.0\r\nContent-Length: 10\r\n\r\nabc",
            Framing::Datagram,
        )
        .unwrap();
        assert_eq!(
            short.framing_error,
            Some(ParseError::BodyTooShort {
                declared: 10,
                available: 3
            })
        );
        let negative = split(b"A sip:b SIP/2.0\r\nl: -1\r\n\r\n", Framing::Datagram).unwrap();
        assert_eq!(
            negative.framing_error,
            Some(ParseError::ContentLength("-1".into()))
        );
        let twice = split(
            b"A sip:b SIP/2.0\r\nl: 1\r\nl: 1\r\n\r\nx",
            Framing::Datagram,
        )
        .unwrap();
        assert_eq!(twice.framing_error, Some(ParseError::MultipleContentLength));
        let stream = split(b"A sip:b SIP/2.0\r\n\r\n", Framing::Stream).unwrap();
        assert_eq!(stream.framing_error, Some(ParseError::MissingContentLength));
    }

    #[test]
    fn structural_errors_are_fatal() {
        assert_eq!(
            split(b"\r\n\r\n", Framing::Datagram).unwrap_err(),
            ParseError::Empty
        );
        assert_eq!(
            split(b"A sip:b SIP/2.0\r\nVia: x\r\n", Framing::Stream).unwrap_err(),
            ParseError::MissingHeaderEnd
        );
        let unterminated = split(b"A sip:b SIP/2.0\r\nVia: x\r\n", Framing::Datagram).unwrap();
        assert_eq!(unterminated.headers.get("Via"), Some("x"));
        assert!(matches!(
            split(
                b"A sip:b SIP/2.0\r\nno colon here\r\n\r\n",
                Framing::Datagram
            ),
            Err(ParseError::HeaderLine(_))
        ));
        assert_eq!(
            split(b"A sip:b SIP/2.0\r\nX: \xff\r\n\r\n", Framing::Datagram).unwrap_err(),
            ParseError::NotUtf8
        );
    }
}
