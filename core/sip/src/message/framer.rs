//! Cuts a byte stream (TCP, TLS) into whole SIP messages by Content-Length.

use super::envelope::{content_length, parse_head, split_head};
use super::error::ParseError;

/// Turns stream bytes into whole messages. Feed it with [`StreamFramer::handle_input`] and drain
/// it with [`StreamFramer::poll_message`]; each message it returns goes to
/// [`crate::message::receive_stream`] for parsing and validation.
///
/// A framing error (no or bad Content-Length, a message over the cap) is final: the stream has
/// lost its message boundaries, so the caller closes the connection (RFC 3261 §18.3).
#[derive(Debug)]
pub struct StreamFramer {
    buffer: Vec<u8>,
    max_message_size: usize,
    failed: Option<ParseError>,
}

impl StreamFramer {
    /// A framer that refuses messages (headers plus body) larger than `max_message_size` bytes.
    pub fn new(max_message_size: usize) -> StreamFramer {
        StreamFramer {
            buffer: Vec::new(),
            max_message_size,
            failed: None,
        }
    }

    /// Appends bytes read from the stream.
    pub fn handle_input(&mut self, bytes: &[u8]) {
        if self.failed.is_none() {
            self.buffer.extend_from_slice(bytes);
        }
    }

    /// The next whole message, `Ok(None)` when more bytes are needed, or the framing error
    /// that ends the stream (returned again on every later call).
    #[must_use = "a framed message or a framing error must be handled"]
    pub fn poll_message(&mut self) -> Result<Option<Vec<u8>>, ParseError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match self.frame() {
            Ok(found) => Ok(found),
            Err(e) => {
                self.failed = Some(e.clone());
                self.buffer = Vec::new();
                Err(e)
            }
        }
    }

    /// Bytes received but not yet returned as a message.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    fn frame(&mut self) -> Result<Option<Vec<u8>>, ParseError> {
        // CRLF keep-alives (RFC 5626 §3.5.1 "ping" and "pong") between messages.
        let skip = self
            .buffer
            .iter()
            .position(|b| !matches!(b, b'\r' | b'\n'))
            .unwrap_or(self.buffer.len());
        self.buffer.drain(..skip);
        if self.buffer.is_empty() {
            return Ok(None);
        }
        let limit = self.max_message_size;
        let Some((head, rest)) = split_head(&self.buffer) else {
            if self.buffer.len() > limit {
                return Err(ParseError::TooLarge { limit });
            }
            return Ok(None);
        };
        let head_len = self.buffer.len() - rest.len();
        let head = std::str::from_utf8(head).map_err(|_| ParseError::NotUtf8)?;
        let (_, headers) = parse_head(head)?;
        let body_len = content_length(&headers)?.ok_or(ParseError::MissingContentLength)?;
        let total = head_len
            .checked_add(body_len)
            .filter(|&t| t <= limit)
            .ok_or(ParseError::TooLarge { limit })?;
        if self.buffer.len() < total {
            return Ok(None);
        }
        let rest = self.buffer.split_off(total);
        Ok(Some(std::mem::replace(&mut self.buffer, rest)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] = b"MESSAGE sip:a@b SIP/2.0\r\nl: 5\r\n\r\nhello";

    #[test]
    fn two_messages_in_one_read_and_one_message_in_many_reads() {
        let mut framer = StreamFramer::new(4096);
        let mut both = MSG.to_vec();
        both.extend_from_slice(b"\r\n\r\n");
        both.extend_from_slice(MSG);
        framer.handle_input(&both);
        assert_eq!(framer.poll_message().unwrap().as_deref(), Some(MSG));
        assert_eq!(framer.poll_message().unwrap().as_deref(), Some(MSG));
        assert_eq!(framer.poll_message().unwrap(), None);

        for chunk in MSG.chunks(3) {
            assert_eq!(framer.poll_message().unwrap(), None);
            framer.handle_input(chunk);
        }
        assert_eq!(framer.poll_message().unwrap().as_deref(), Some(MSG));
        assert_eq!(framer.buffered(), 0);
    }

    #[test]
    fn a_body_with_crlf_and_nul_is_framed_by_length_alone() {
        let mut framer = StreamFramer::new(4096);
        let msg = b"INFO sip:a@b SIP/2.0\r\nContent-Length: 6\r\n\r\n\r\n\0\r\n\r";
        framer.handle_input(msg);
        assert_eq!(framer.poll_message().unwrap().as_deref(), Some(&msg[..]));
    }

    #[test]
    fn missing_content_length_ends_the_stream() {
        let mut framer = StreamFramer::new(4096);
        framer.handle_input(b"OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n");
        assert_eq!(framer.poll_message(), Err(ParseError::MissingContentLength));
        framer.handle_input(MSG);
        assert_eq!(framer.poll_message(), Err(ParseError::MissingContentLength));
    }

    #[test]
    fn invalid_content_length_and_oversize_messages_end_the_stream() {
        let mut framer = StreamFramer::new(4096);
        framer.handle_input(b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -999\r\n\r\n");
        assert_eq!(
            framer.poll_message(),
            Err(ParseError::ContentLength("-999".into()))
        );

        let mut framer = StreamFramer::new(64);
        framer.handle_input(b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 100\r\n\r\n");
        assert_eq!(
            framer.poll_message(),
            Err(ParseError::TooLarge { limit: 64 })
        );

        let mut framer = StreamFramer::new(64);
        framer.handle_input(&[b'A'; 65]);
        assert_eq!(
            framer.poll_message(),
            Err(ParseError::TooLarge { limit: 64 })
        );
    }

    #[test]
    fn a_short_body_waits_for_more_bytes() {
        // RFC 4475 §3.1.2.2 over a stream: wait for the rest rather than fail.
        let mut framer = StreamFramer::new(65_536);
        framer.handle_input(b"INVITE sip:a@b SIP/2.0\r\nContent-Length: 9999\r\n\r\nv=0\r\n");
        assert_eq!(framer.poll_message(), Ok(None));
    }
}
