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

thread_local! {
    /// Where the firing thread writes a plain body before the message is sized.
    static PLAIN_BODY: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A buffer grown past this by one huge event is not kept.
const MAX_KEPT_BODY: usize = 64 * 1024;

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
    if format == EventFormat::Plain {
        // The most used format and the one the event socket's throughput rests on: the body
        // is written into this thread's reused buffer, then copied once into a message of
        // exactly the right size.
        return PLAIN_BODY.with(|body| {
            let mut body = body.borrow_mut();
            body.clear();
            plain::serialize_into(&mut body, event);
            let mut message = String::with_capacity(body.len() + PLAIN_PREAMBLE.len() + 40);
            plain::push_content_length(&mut message, body.len());
            // `push_content_length` ends the header block; the preamble's line comes first.
            message.pop();
            message.push_str(PLAIN_PREAMBLE);
            message.push_str(&body);
            if body.capacity() > MAX_KEPT_BODY {
                *body = String::new();
            }
            message
        });
    }
    let body = format.serialize(event);
    format!(
        "Content-Length: {}\nContent-Type: text/event-{}\n\n{body}",
        body.len(),
        format.name()
    )
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
    fn format_names_parse_in_any_case() {
        assert_eq!(EventFormat::parse("JSON"), Some(EventFormat::Json));
        assert_eq!(EventFormat::parse("plain"), Some(EventFormat::Plain));
        assert_eq!(EventFormat::parse("Xml"), Some(EventFormat::Xml));
        assert_eq!(EventFormat::parse("yaml"), None);
    }
}
