//! The JSON format (`switch_event_serialize_json`): one object, compact, with every header as
//! a string member in order (a repeated header is a repeated member, as cJSON writes it),
//! then `Content-Length` and `_body` when the event has a body. Values are not URL-encoded.

use std::fmt::Write;

use ferroswitch_abi::Event;

/// `event` as FreeSWITCH's JSON.
pub fn serialize(event: &Event) -> String {
    let mut out = String::with_capacity(64 * event.headers.len() + event.body.len() + 32);
    out.push('{');
    let mut first = true;
    let mut member = |out: &mut String, name: &str, value: &str| {
        if !first {
            out.push(',');
        }
        first = false;
        push_string(out, name);
        out.push(':');
        push_string(out, value);
    };
    for header in event.headers.iter() {
        member(&mut out, &header.name, &header.value);
    }
    if !event.body.is_empty() {
        member(&mut out, "Content-Length", &event.body.len().to_string());
        member(&mut out, "_body", &event.body);
    }
    out.push('}');
    out
}

/// Appends `text` as a JSON string, escaped as cJSON escapes: `"` `\` and the control
/// characters (named escapes where JSON has them, else `\u00xx`); everything else as is.
fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if u32::from(control) < 0x20 => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(control));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_order_then_length_and_body() {
        let mut event = Event::new("BACKGROUND_JOB");
        event
            .add_header("Event-Name", "BACKGROUND_JOB")
            .add_header("Job-Command", "echo a b");
        event.body = "a b\n".into();
        assert_eq!(
            serialize(&event),
            r#"{"Event-Name":"BACKGROUND_JOB","Job-Command":"echo a b","Content-Length":"4","_body":"a b\n"}"#
        );
    }

    #[test]
    fn escapes_parse_back_to_the_original() {
        let tricky = "quote\" back\\slash\ttab\u{1}ctl\u{7f}del é/";
        let mut event = Event::new("X");
        event.add_header("Value", tricky);
        let text = serialize(&event);
        assert!(text.contains(r"\u0001"), "{text}");
        let parsed: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(parsed["Value"], tricky);
    }

    #[test]
    fn no_headers_is_an_empty_object() {
        assert_eq!(serialize(&Event::new("X")), "{}");
    }
}
