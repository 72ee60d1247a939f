//! Events as the body of a `text/event-plain` message.

use super::{FrameError, Headers};

/// An event: its headers (`Event-Name`, `Unique-ID`, ...) and, for events that carry one
/// (`BACKGROUND_JOB`'s command output, say), its own body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    headers: Headers,
    body: Option<Vec<u8>>,
}

impl Event {
    /// Reads the body of a `text/event-plain` message: URL-encoded `Name: value` lines, an
    /// empty line, then the event's own body when its `Content-Length` header announces one.
    /// A body without the empty line is all headers.
    pub fn parse_plain(plain: &[u8]) -> Result<Event, FrameError> {
        let (block, rest) = split_header_block(plain);
        let headers = Headers::parse(block)?;
        let body = match headers.get("Content-Length") {
            None => None,
            Some(value) => {
                let announced: usize =
                    value
                        .trim()
                        .parse()
                        .map_err(|_| FrameError::BadContentLength {
                            value: value.to_owned(),
                        })?;
                let body = rest
                    .get(..announced)
                    .ok_or(FrameError::TruncatedEventBody {
                        announced,
                        available: rest.len(),
                    })?;
                Some(body.to_vec())
            }
        };
        Ok(Event { headers, body })
    }

    /// `Event-Name`: `CHANNEL_ANSWER`, `BACKGROUND_JOB`, `CUSTOM`, ...
    pub fn name(&self) -> Option<&str> {
        self.headers.get("Event-Name")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }
}

/// (header block, what follows its empty line); without an empty line, all of it is headers.
fn split_header_block(plain: &[u8]) -> (&[u8], &[u8]) {
    let mut at = 0;
    while let Some(offset) = plain[at..].iter().position(|&byte| byte == b'\n') {
        let newline = at + offset;
        match &plain[newline + 1..] {
            [b'\n', ..] => return (&plain[..newline], &plain[newline + 2..]),
            [b'\r', b'\n', ..] => return (&plain[..newline], &plain[newline + 3..]),
            _ => at = newline + 1,
        }
    }
    (plain, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_decoded() {
        let event = Event::parse_plain(
            b"Event-Name: CHANNEL_ANSWER\nUnique-ID: abc\nEvent-Date-Local: 2024-01-02%2003%3A04%3A05\n\n",
        )
        .unwrap();
        assert_eq!(event.name(), Some("CHANNEL_ANSWER"));
        assert_eq!(event.header("unique-id"), Some("abc"));
        assert_eq!(
            event.header("Event-Date-Local"),
            Some("2024-01-02 03:04:05")
        );
        assert_eq!(event.body(), None);
    }

    #[test]
    fn an_event_body_follows_its_content_length() {
        let event = Event::parse_plain(
            b"Event-Name: BACKGROUND_JOB\nJob-UUID: j1\nContent-Length: 9\n\n+OK uuid\n",
        )
        .unwrap();
        assert_eq!(event.header("Job-UUID"), Some("j1"));
        assert_eq!(event.body(), Some(&b"+OK uuid\n"[..]));
    }

    #[test]
    fn a_body_without_the_empty_line_is_all_headers() {
        let event = Event::parse_plain(b"Event-Name: HEARTBEAT\nUp-Time: 1").unwrap();
        assert_eq!(event.name(), Some("HEARTBEAT"));
        assert_eq!(event.header("Up-Time"), Some("1"));
    }

    #[test]
    fn bad_event_bodies_are_errors() {
        assert!(matches!(
            Event::parse_plain(b"Event-Name: X\nContent-Length: 10\n\nshort"),
            Err(FrameError::TruncatedEventBody {
                announced: 10,
                available: 5
            })
        ));
        assert!(matches!(
            Event::parse_plain(b"Event-Name: X\nContent-Length: ten\n\n"),
            Err(FrameError::BadContentLength { .. })
        ));
        assert!(matches!(
            Event::parse_plain(b"garbage\n\n"),
            Err(FrameError::MalformedHeaderLine { .. })
        ));
    }
}
