//! The three ways FreeSWITCH writes an event to a client — `plain`, `json` and `xml` — and
//! the envelope around each (`Content-Length`, then `Content-Type: text/event-<format>`).

mod json;
mod plain;
mod xml;

pub use json::serialize as json;
pub use plain::serialize as plain;
pub use xml::serialize as xml;

use ferroswitch_abi::Event;

/// What follows `Content-Length: <n>\n` in a plain event's envelope.
const PLAIN_PREAMBLE: &str = "Content-Type: text/event-plain\n\n";

/// `Content-Length: ` and the most digits a length has, its line end, and the preamble:
/// room enough for any plain envelope, kept in front of the body while it is written.
const PLAIN_HOLE_LEN: usize = "Content-Length: ".len() + 20 + "\n".len() + PLAIN_PREAMBLE.len();

/// What the hole holds until it is filled.
const SPACES: &str =
    "                                                                                ";

const _: () = assert!(SPACES.len() >= PLAIN_HOLE_LEN);

/// The format a client asked for with `event <format> ...`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EventFormat {
    /// `Name: url-encoded value` lines.
    #[default]
    Plain = 0,
    /// One JSON object.
    Json = 1,
    /// An `<event>` element.
    Xml = 2,
}

impl EventFormat {
    /// The format a client's word names (any case), if any.
    pub fn parse(word: &str) -> Option<Self> {
        [Self::Plain, Self::Json, Self::Xml]
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(word))
    }

    /// FreeSWITCH's name for it, as in `text/event-<name>`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Json => "json",
            Self::Xml => "xml",
        }
    }

    /// `event` serialized in this format.
    pub fn serialize(self, event: &Event) -> String {
        match self {
            Self::Plain => plain(event),
            Self::Json => json(event),
            Self::Xml => xml(event),
        }
    }
}

/// The whole message carrying `event` to a client.
pub fn envelope(format: EventFormat, event: &Event) -> String {
    let mut message = String::new();
    let start = envelope_into(&mut message, format, event);
    message.split_off(start)
}

/// Writes the whole message carrying `event` into `buffer` (emptied first); the message is
/// `buffer[start..]`, where `start` is what it returns.
///
/// The plain format, the most used and the one the event socket's throughput rests on, is
/// written straight after a hole left for its envelope, which is filled once the body's length
/// is known: the body is neither measured first nor copied after.
pub fn envelope_into(buffer: &mut String, format: EventFormat, event: &Event) -> usize {
    buffer.clear();
    if format != EventFormat::Plain {
        let body = format.serialize(event);
        buffer.push_str(&format!(
            "Content-Length: {}\nContent-Type: text/event-{}\n\n{body}",
            body.len(),
            format.name()
        ));
        return 0;
    }
    buffer.push_str(&SPACES[..PLAIN_HOLE_LEN]);
    plain::serialize_into(buffer, event);
    let head = PlainHead::new(buffer.len() - PLAIN_HOLE_LEN);
    let start = PLAIN_HOLE_LEN - head.as_str().len();
    // The same length replaced: nothing after the hole moves.
    buffer.replace_range(start..PLAIN_HOLE_LEN, head.as_str());
    start
}

/// `Content-Length: <length>\n` and the plain preamble, written on the stack.
struct PlainHead {
    bytes: [u8; PLAIN_HOLE_LEN],
    len: usize,
}

impl PlainHead {
    fn new(length: usize) -> Self {
        let mut head = Self {
            bytes: [0; PLAIN_HOLE_LEN],
            len: 0,
        };
        head.push(b"Content-Length: ");
        let mut digits = [0u8; 20];
        let mut first = digits.len();
        let mut rest = length;
        loop {
            first -= 1;
            digits[first] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        head.push(&digits[first..]);
        head.push(b"\n");
        head.push(PLAIN_PREAMBLE.as_bytes());
        head
    }

    fn push(&mut self, bytes: &[u8]) {
        self.bytes[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn as_str(&self) -> &str {
        // Only ASCII was written.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_counts_bytes_and_names_the_format() {
        let mut event = Event::new("HEARTBEAT");
        event
            .add_header("Event-Name", "HEARTBEAT")
            .add_header("Up", "é");
        let message = envelope(EventFormat::Plain, &event);
        assert_eq!(
            message,
            "Content-Length: 34\nContent-Type: text/event-plain\n\nEvent-Name: HEARTBEAT\nUp: %C3%A9\n\n"
        );
        assert!(envelope(EventFormat::Json, &event).contains("Content-Type: text/event-json\n\n{"));
        assert!(
            envelope(EventFormat::Xml, &event).contains("Content-Type: text/event-xml\n\n<event>")
        );
    }

    #[test]
    fn the_hole_fits_the_longest_envelope() {
        for length in [0, 9, 10, 2213, usize::MAX] {
            let mut expected = String::new();
            plain::push_content_length(&mut expected, length);
            expected.pop();
            expected.push_str(PLAIN_PREAMBLE);
            assert_eq!(PlainHead::new(length).as_str(), expected);
        }
        assert_eq!(PlainHead::new(usize::MAX).as_str().len(), PLAIN_HOLE_LEN);
    }

    #[test]
    fn a_reused_buffer_holds_only_the_last_message() {
        let mut buffer = String::new();
        let mut long = Event::new("X");
        long.add_header("Long", &"x".repeat(500));
        envelope_into(&mut buffer, EventFormat::Plain, &long);
        let mut short = Event::new("HEARTBEAT");
        short.add_header("Event-Name", "HEARTBEAT");
        let start = envelope_into(&mut buffer, EventFormat::Plain, &short);
        assert_eq!(&buffer[start..], envelope(EventFormat::Plain, &short));
        assert_eq!(
            &buffer[start..],
            "Content-Length: 23\nContent-Type: text/event-plain\n\nEvent-Name: HEARTBEAT\n\n"
        );
        let start = envelope_into(&mut buffer, EventFormat::Json, &short);
        assert_eq!(start, 0);
        assert_eq!(buffer, envelope(EventFormat::Json, &short));
    }

    #[test]
    fn format_names_parse_in_any_case() {
        assert_eq!(EventFormat::parse("JSON"), Some(EventFormat::Json));
        assert_eq!(EventFormat::parse("plain"), Some(EventFormat::Plain));
        assert_eq!(EventFormat::parse("Xml"), Some(EventFormat::Xml));
        assert_eq!(EventFormat::parse("yaml"), None);
    }
}
