//! The XML format (`switch_event_xmlize` written by `switch_xml_toxml`): an `<event>` with a
//! `<headers>` child holding one element per header (named after it, the value URL-encoded),
//! then `<Content-Length>` and `<body>` when the event has a body; two spaces of indent per
//! level, one element per line.

use ferroswitch_abi::Event;

use crate::urlencode::encode_into;

/// `event` as FreeSWITCH's XML.
pub fn serialize(event: &Event) -> String {
    let mut out = String::with_capacity(80 * event.headers.len() + event.body.len() + 64);
    out.push_str("<event>\n  <headers>");
    if !event.headers.is_empty() {
        out.push('\n');
    }
    for header in event.headers.iter() {
        out.push_str("    <");
        out.push_str(&header.name);
        out.push('>');
        // URL encoding leaves nothing XML would need escaped.
        encode_into(&mut out, &header.value);
        out.push_str("</");
        out.push_str(&header.name);
        out.push_str(">\n");
    }
    if !event.headers.is_empty() {
        out.push_str("  ");
    }
    out.push_str("</headers>\n");
    if !event.body.is_empty() {
        out.push_str(&format!(
            "  <Content-Length>{}</Content-Length>\n  <body>",
            event.body.len()
        ));
        escape_text(&mut out, &event.body);
        if event.body.ends_with('\n') {
            out.push_str("  ");
        }
        out.push_str("</body>\n");
    }
    out.push_str("</event>\n");
    out
}

/// Appends `text` as FreeSWITCH escapes element text: `&`, `<`, `>` and `\r` as entities,
/// characters past ASCII as `&#xHEX;`. Like FreeSWITCH, a `<!` (a comment or CDATA the text
/// carries) switches escaping off for the rest.
fn escape_text(out: &mut String, text: &str) {
    let mut chars = text.char_indices().peekable();
    while let Some((index, ch)) = chars.next() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' if chars.peek().is_some_and(|(_, next)| *next == '!') => {
                out.push_str(&text[index..]);
                return;
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            ch if !ch.is_ascii() => out.push_str(&format!("&#x{:X};", u32::from(ch))),
            ch => out.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_indented_elements() {
        let mut event = Event::new("CHANNEL_ANSWER");
        event
            .add_header("Event-Name", "CHANNEL_ANSWER")
            .add_header("Caller-Caller-ID-Name", "A <B>")
            .add_header("variable_empty", "");
        assert_eq!(
            serialize(&event),
            "<event>\n  <headers>\n    <Event-Name>CHANNEL_ANSWER</Event-Name>\n    \
             <Caller-Caller-ID-Name>A%20%3CB%3E</Caller-Caller-ID-Name>\n    \
             <variable_empty></variable_empty>\n  </headers>\n</event>\n"
        );
    }

    #[test]
    fn a_body_is_escaped_text_after_its_length() {
        let mut event = Event::new("BACKGROUND_JOB");
        event.add_header("Job-UUID", "j1");
        event.body = "a&b <c> é\r\n".into();
        assert_eq!(
            serialize(&event),
            "<event>\n  <headers>\n    <Job-UUID>j1</Job-UUID>\n  </headers>\n  \
             <Content-Length>12</Content-Length>\n  <body>a&amp;b &lt;c&gt; &#xE9;&#xD;\n  </body>\n</event>\n"
        );
    }

    #[test]
    fn a_body_without_a_final_line_end_closes_on_the_same_line() {
        let mut event = Event::new("X");
        event.body = "ok".into();
        assert_eq!(
            serialize(&event),
            "<event>\n  <headers></headers>\n  <Content-Length>2</Content-Length>\n  <body>ok</body>\n</event>\n"
        );
    }

    #[test]
    fn markup_declarations_pass_through_unescaped() {
        let mut out = String::new();
        escape_text(&mut out, "a<b<![CDATA[<x>&]]>");
        assert_eq!(out, "a&lt;b<![CDATA[<x>&]]>");
    }
}
