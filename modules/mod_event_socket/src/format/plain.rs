//! The plain format (`switch_event_serialize`): one `Name: value` line per header with the
//! value URL-encoded (an empty value is written `_undef_`), then an empty line; an event with
//! a body has a `Content-Length` line and the body instead of the empty line.

use ferroswitch_abi::Event;

use crate::urlencode::encode_into;

/// Written for a header whose value is empty.
const UNDEFINED: &str = "_undef_";

/// `event` in the plain format.
pub fn serialize(event: &Event) -> String {
    let mut out = String::with_capacity(64 * event.headers.len() + event.body.len() + 32);
    serialize_into(&mut out, event);
    out
}

/// Appends `event` in the plain format to `out`.
pub fn serialize_into(out: &mut String, event: &Event) {
    for header in event.headers.iter() {
        out.push_str(&header.name);
        out.push_str(": ");
        if header.value.is_empty() {
            out.push_str(UNDEFINED);
        } else {
            encode_into(out, &header.value);
        }
        out.push('\n');
    }
    if event.body.is_empty() {
        out.push('\n');
    } else {
        push_content_length(out, event.body.len());
        out.push_str(&event.body);
    }
}

/// Appends `Content-Length: <length>` and the empty line that ends a header block.
pub fn push_content_length(out: &mut String, length: usize) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = write!(out, "Content-Length: {length}\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_url_encoded_lines_then_an_empty_line() {
        let mut event = Event::new("CHANNEL_ANSWER");
        event
            .add_header("Event-Name", "CHANNEL_ANSWER")
            .add_header("Caller-Caller-ID-Name", "John Doe")
            .add_header("variable_empty", "");
        assert_eq!(
            serialize(&event),
            "Event-Name: CHANNEL_ANSWER\nCaller-Caller-ID-Name: John%20Doe\nvariable_empty: _undef_\n\n"
        );
    }

    #[test]
    fn a_body_comes_after_its_length() {
        let mut event = Event::new("BACKGROUND_JOB");
        event.add_header("Job-UUID", "j1");
        event.body = "+OK done\n".into();
        assert_eq!(
            serialize(&event),
            "Job-UUID: j1\nContent-Length: 9\n\n+OK done\n"
        );
    }

    #[test]
    fn an_event_without_headers_is_an_empty_line() {
        assert_eq!(serialize(&Event::new("X")), "\n");
    }
}
