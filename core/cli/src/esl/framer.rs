//! Cutting the server's byte stream into messages.

use std::borrow::Cow;

use super::{FrameError, Headers};

/// Bounds on what one message may take, so a broken or hostile server cannot make the client
/// buffer without end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of one header block, its lines and line ends included. Default 64 KiB.
    pub max_header_block: usize,
    /// Bytes of one body. Default 64 MiB: `show channels` on a busy switch is large.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_header_block: 64 * 1024,
            max_body: 64 * 1024 * 1024,
        }
    }
}

/// One complete message from the server: its headers and, when `Content-Length` announced
/// one, its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    headers: Headers,
    body: Option<Vec<u8>>,
}

impl Message {
    pub fn new(headers: Headers, body: Option<Vec<u8>>) -> Message {
        Message { headers, body }
    }

    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// The value of header `name`, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// What the message is; see [`content_type`](super::content_type).
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get("Content-Type")
    }

    /// `Reply-Text` of a `command/reply`: `+OK ...` or `-ERR ...`.
    pub fn reply_text(&self) -> Option<&str> {
        self.headers.get("Reply-Text")
    }

    /// The body, if the message announced one (possibly empty).
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The body as text (empty when there is none); bytes that are not UTF-8 become U+FFFD.
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(self.body.as_deref().unwrap_or_default())
    }
}

/// The message framer: bytes in ([`handle_input`](Framer::handle_input)), messages out
/// ([`poll_message`](Framer::poll_message)). See the [module docs](super) for the loop.
#[derive(Debug, Default)]
pub struct Framer {
    /// Received bytes; those before `consumed` belong to messages already returned.
    buffer: Vec<u8>,
    consumed: usize,
    /// How far past `consumed` the search for the end of the header block has looked, so a
    /// header block arriving in many small pieces is not rescanned from its start each time.
    scanned: usize,
    /// Headers read whose body has not fully arrived: (headers, body length).
    awaiting_body: Option<(Headers, usize)>,
    failed: Option<FrameError>,
    limits: Limits,
}

impl Framer {
    /// A framer with the default [`Limits`].
    pub fn new() -> Framer {
        Framer::default()
    }

    pub fn with_limits(limits: Limits) -> Framer {
        Framer {
            limits,
            ..Framer::default()
        }
    }

    /// Whether the framer holds no part of an unfinished message (only, at most, the empty
    /// lines between messages). A connection that closes when this is false closed mid-message.
    pub fn is_idle(&self) -> bool {
        self.awaiting_body.is_none()
            && self
                .unread()
                .iter()
                .all(|&byte| byte == b'\n' || byte == b'\r')
    }

    /// Appends bytes received from the server.
    pub fn handle_input(&mut self, bytes: &[u8]) {
        if self.consumed == self.buffer.len() {
            self.buffer.clear();
            self.consumed = 0;
        } else if self.consumed >= 64 * 1024 && self.consumed * 2 >= self.buffer.len() {
            self.buffer.drain(..self.consumed);
            self.consumed = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete message, `Ok(None)` until more input arrives, or the error that made
    /// the stream unreadable (returned again on every later call).
    #[must_use = "a polled message is removed from the framer"]
    pub fn poll_message(&mut self) -> Result<Option<Message>, FrameError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let polled = self.next_message();
        if let Err(error) = &polled {
            self.failed = Some(error.clone());
        }
        polled
    }

    fn next_message(&mut self) -> Result<Option<Message>, FrameError> {
        if self.awaiting_body.is_none() {
            let Some(headers) = self.next_header_block()? else {
                return Ok(None);
            };
            match headers.get("Content-Length") {
                None => return Ok(Some(Message::new(headers, None))),
                Some(value) => {
                    let length = parse_length(value)?;
                    if length > self.limits.max_body {
                        return Err(FrameError::BodyTooLarge {
                            length,
                            limit: self.limits.max_body,
                        });
                    }
                    self.awaiting_body = Some((headers, length));
                }
            }
        }
        match self.awaiting_body.take() {
            Some((headers, length)) if self.unread().len() >= length => {
                let body = self.unread()[..length].to_vec();
                self.consume(length);
                Ok(Some(Message::new(headers, Some(body))))
            }
            waiting => {
                self.awaiting_body = waiting;
                Ok(None)
            }
        }
    }

    /// The next header block, once its ending empty line has arrived.
    fn next_header_block(&mut self) -> Result<Option<Headers>, FrameError> {
        // Line ends between messages (a body's trailing newline counted twice, a keep-alive)
        // are not an empty header block.
        let leading = self
            .unread()
            .iter()
            .take_while(|&&byte| byte == b'\n' || byte == b'\r')
            .count();
        if leading > 0 {
            self.consume(leading);
        }

        let unread = self.unread();
        let mut at = self.scanned;
        let end = loop {
            let Some(offset) = unread[at..].iter().position(|&byte| byte == b'\n') else {
                at = unread.len();
                break None;
            };
            let newline = at + offset;
            match &unread[newline + 1..] {
                [b'\n', ..] => break Some((newline, newline + 2)),
                [b'\r', b'\n', ..] => break Some((newline, newline + 3)),
                // Cannot tell yet whether this line end is followed by an empty line.
                [] | [b'\r'] => {
                    at = newline;
                    break None;
                }
                _ => at = newline + 1,
            }
        };
        match end {
            Some((block_end, total)) => {
                if block_end > self.limits.max_header_block {
                    return Err(self.header_block_too_large());
                }
                let headers = Headers::parse(&unread[..block_end])?;
                self.consume(total);
                Ok(Some(headers))
            }
            None if unread.len() > self.limits.max_header_block => {
                Err(self.header_block_too_large())
            }
            None => {
                self.scanned = at;
                Ok(None)
            }
        }
    }

    fn header_block_too_large(&self) -> FrameError {
        FrameError::HeaderBlockTooLarge {
            limit: self.limits.max_header_block,
        }
    }

    fn unread(&self) -> &[u8] {
        &self.buffer[self.consumed..]
    }

    fn consume(&mut self, count: usize) {
        self.consumed += count;
        self.scanned = 0;
    }
}

/// A `Content-Length` value: decimal digits, surrounding blanks allowed.
fn parse_length(value: &str) -> Result<usize, FrameError> {
    let digits = value.trim();
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(FrameError::BadContentLength {
            value: value.to_owned(),
        });
    }
    digits.parse().map_err(|_| FrameError::BadContentLength {
        value: value.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTH: &[u8] = b"Content-Type: auth/request\n\n";
    const API: &[u8] = b"Content-Type: api/response\nContent-Length: 14\n\nUP 0 years...\n";
    const LOG: &[u8] = b"Content-Type: log/data\nContent-Length: 6\nLog-Level: 7\n\nhello\n";

    fn all_messages(framer: &mut Framer) -> Vec<Message> {
        let mut messages = Vec::new();
        while let Some(message) = framer.poll_message().expect("well-formed input") {
            messages.push(message);
        }
        messages
    }

    fn joined() -> Vec<u8> {
        [AUTH, API, LOG].concat()
    }

    fn check_the_three(messages: &[Message]) {
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(messages[0].content_type(), Some("auth/request"));
        assert_eq!(messages[0].body(), None);
        assert_eq!(messages[1].content_type(), Some("api/response"));
        assert_eq!(messages[1].body_text(), "UP 0 years...\n");
        assert_eq!(messages[2].header("log-level"), Some("7"));
        assert_eq!(messages[2].body(), Some(&b"hello\n"[..]));
    }

    #[test]
    fn joined_messages_come_out_one_by_one() {
        let mut framer = Framer::new();
        framer.handle_input(&joined());
        check_the_three(&all_messages(&mut framer));
        assert!(framer.is_idle());
    }

    #[test]
    fn every_split_point_gives_the_same_messages() {
        let input = joined();
        for split in 0..=input.len() {
            let mut framer = Framer::new();
            framer.handle_input(&input[..split]);
            let mut messages = all_messages(&mut framer);
            framer.handle_input(&input[split..]);
            messages.extend(all_messages(&mut framer));
            check_the_three(&messages);
        }
    }

    #[test]
    fn byte_by_byte_input_gives_the_same_messages() {
        let mut framer = Framer::new();
        let mut messages = Vec::new();
        for byte in joined() {
            framer.handle_input(&[byte]);
            messages.extend(all_messages(&mut framer));
        }
        check_the_three(&messages);
    }

    #[test]
    fn crlf_line_ends_and_blank_lines_between_messages_are_accepted() {
        let mut framer = Framer::new();
        framer.handle_input(
            b"\r\n\nContent-Type: command/reply\r\nReply-Text: +OK accepted\r\n\r\n\n\n",
        );
        let messages = all_messages(&mut framer);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].reply_text(), Some("+OK accepted"));
        assert!(framer.is_idle());
    }

    #[test]
    fn a_body_may_hold_empty_lines_and_be_empty() {
        let mut framer = Framer::new();
        framer.handle_input(b"Content-Length: 4\n\n\n\n\n\nContent-Length: 0\n\n");
        let messages = all_messages(&mut framer);
        assert_eq!(messages[0].body(), Some(&b"\n\n\n\n"[..]));
        assert_eq!(messages[1].body(), Some(&b""[..]));
    }

    #[test]
    fn an_unfinished_message_is_not_idle() {
        let mut framer = Framer::new();
        framer.handle_input(b"Content-Length: 5\n\nabc");
        assert!(framer.poll_message().unwrap().is_none());
        assert!(!framer.is_idle());
        let mut framer = Framer::new();
        framer.handle_input(b"Content-Type: x");
        assert!(framer.poll_message().unwrap().is_none());
        assert!(!framer.is_idle());
    }

    #[test]
    fn bad_content_lengths_are_errors_and_stay_errors() {
        for value in ["abc", "-1", "", "1e3", "99999999999999999999999999"] {
            let mut framer = Framer::new();
            framer.handle_input(format!("Content-Length: {value}\n\n").as_bytes());
            let error = framer.poll_message().unwrap_err();
            assert!(
                matches!(error, FrameError::BadContentLength { .. }),
                "{value}: {error:?}"
            );
            framer.handle_input(API);
            assert_eq!(framer.poll_message().unwrap_err(), error);
        }
    }

    #[test]
    fn limits_bound_headers_and_bodies() {
        let limits = Limits {
            max_header_block: 32,
            max_body: 10,
        };
        let mut framer = Framer::with_limits(limits);
        framer.handle_input(&[b'x'; 33]);
        assert_eq!(
            framer.poll_message(),
            Err(FrameError::HeaderBlockTooLarge { limit: 32 })
        );
        let mut framer = Framer::with_limits(limits);
        framer.handle_input(b"Content-Length: 11\n\n");
        assert_eq!(
            framer.poll_message(),
            Err(FrameError::BodyTooLarge {
                length: 11,
                limit: 10
            })
        );
    }

    #[test]
    fn a_long_stream_does_not_keep_every_byte() {
        let mut framer = Framer::new();
        for _ in 0..20_000 {
            framer.handle_input(LOG);
            assert!(framer.poll_message().unwrap().is_some());
        }
        assert!(framer.buffer.len() <= LOG.len());
    }

    /// A small deterministic generator, so the sweep needs no RNG crate.
    fn scramble(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn garbage_never_panics() {
        let alphabet = b"Content-Length: 3\n\r:%0aZ \t";
        let mut seed = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..5_000 {
            let mut framer = Framer::with_limits(Limits {
                max_header_block: 256,
                max_body: 256,
            });
            let length = (scramble(&mut seed) % 200) as usize;
            let input: Vec<u8> = (0..length)
                .map(|_| {
                    let pick = scramble(&mut seed);
                    if pick % 5 == 0 {
                        pick as u8
                    } else {
                        alphabet[(pick % alphabet.len() as u64) as usize]
                    }
                })
                .collect();
            for chunk in input.chunks(1 + (scramble(&mut seed) % 17) as usize) {
                framer.handle_input(chunk);
                while let Ok(Some(_)) = framer.poll_message() {}
            }
            let _ = framer.is_idle();
        }
    }
}
