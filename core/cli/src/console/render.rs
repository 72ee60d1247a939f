//! How messages from the server look on the console.

use ferroswitch_cli::esl::{content_type, Event, Message};

const RESET: &str = "\x1b[0m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const MAGENTA: &str = "\x1b[35m";
const CYAN: &str = "\x1b[36m";

/// Text with exactly the line end it needs to stand on its own lines.
pub fn with_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

/// A `log/data` message: its line, coloured by `Log-Level` when `colour` is on.
pub fn log_line(message: &Message, colour: bool) -> String {
    let body = message.body_text();
    match message.header("Log-Level").and_then(level_colour) {
        // The reset goes before the line end: a line editor printing above its prompt takes
        // text that does not end in a line end as unfinished and adds one.
        Some(code) if colour => format!("{code}{}{RESET}\n", body.trim_end_matches('\n')),
        _ => with_newline(&body),
    }
}

/// fs_cli's colours: errors and worse red, warnings magenta, notices cyan, info green, debug
/// yellow. Levels come as FreeSWITCH's numbers (0 console ... 7 debug) or their names.
pub fn level_colour(level: &str) -> Option<&'static str> {
    let number = match level.trim().to_ascii_uppercase().as_str() {
        "CONSOLE" => 0,
        "ALERT" => 1,
        "CRIT" => 2,
        "ERR" | "ERROR" => 3,
        "WARNING" => 4,
        "NOTICE" => 5,
        "INFO" => 6,
        "DEBUG" => 7,
        other => other.parse().ok()?,
    };
    match number {
        1..=3 => Some(RED),
        4 => Some(MAGENTA),
        5 => Some(CYAN),
        6 => Some(GREEN),
        7 => Some(YELLOW),
        _ => None,
    }
}

/// An event message: `RECV EVENT`, then the event's headers decoded, then its body if any.
pub fn event(message: &Message) -> String {
    let raw = message.body().unwrap_or_default();
    if message.content_type() != Some(content_type::EVENT_PLAIN) {
        // JSON and XML are readable as they come.
        return format!("RECV EVENT\n{}\n", with_newline(&message.body_text()));
    }
    match Event::parse_plain(raw) {
        Ok(event) => {
            let mut text = String::from("RECV EVENT\n");
            for (name, value) in event.headers().iter() {
                text.push_str(name);
                text.push_str(": ");
                text.push_str(value);
                text.push('\n');
            }
            if let Some(body) = event.body() {
                text.push('\n');
                text.push_str(&with_newline(&String::from_utf8_lossy(body)));
            }
            text.push('\n');
            text
        }
        Err(error) => format!(
            "RECV EVENT (unreadable: {error})\n{}\n",
            with_newline(&message.body_text())
        ),
    }
}

/// Anything else the server sends unasked.
pub fn other(message: &Message) -> String {
    format!(
        "INCOMING DATA [{}]\n{}",
        message.content_type().unwrap_or("no Content-Type"),
        with_newline(&message.body_text())
    )
}

/// What a command's answer shows: an API command's output, or a command's `Reply-Text`.
pub fn reply(message: &Message) -> String {
    match message.content_type() {
        Some(content_type::API_RESPONSE) => with_newline(&message.body_text()),
        _ => with_newline(message.reply_text().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use ferroswitch_cli::esl::Framer;

    use super::*;

    fn message(bytes: &[u8]) -> Message {
        let mut framer = Framer::new();
        framer.handle_input(bytes);
        framer.poll_message().unwrap().expect("a complete message")
    }

    #[test]
    fn log_lines_are_coloured_by_level_only_when_asked() {
        let log = message(b"Content-Type: log/data\nLog-Level: 3\nContent-Length: 5\n\nboom\n");
        assert_eq!(log_line(&log, true), "\x1b[31mboom\x1b[0m\n");
        assert_eq!(log_line(&log, false), "boom\n");
        let log = message(b"Content-Type: log/data\nLog-Level: DEBUG\nContent-Length: 2\n\nhi");
        assert_eq!(log_line(&log, true), "\x1b[33mhi\x1b[0m\n");
        let log = message(b"Content-Type: log/data\nLog-Level: odd\nContent-Length: 2\n\nhi");
        assert_eq!(log_line(&log, true), "hi\n");
    }

    #[test]
    fn every_level_has_fs_cli_s_colour() {
        let colours: Vec<_> = (0..=8).map(|n| level_colour(&n.to_string())).collect();
        assert_eq!(
            colours,
            [
                None,
                Some(RED),
                Some(RED),
                Some(RED),
                Some(MAGENTA),
                Some(CYAN),
                Some(GREEN),
                Some(YELLOW),
                None
            ]
        );
        assert_eq!(level_colour("warning"), Some(MAGENTA));
        assert_eq!(level_colour("NOTICE"), Some(CYAN));
        assert_eq!(level_colour("info"), Some(GREEN));
    }

    #[test]
    fn plain_events_are_shown_decoded() {
        let body =
            b"Event-Name: BACKGROUND_JOB\nJob-Command: originate%20x\nContent-Length: 4\n\n+OK\n";
        let head = format!(
            "Content-Type: text/event-plain\nContent-Length: {}\n\n",
            body.len()
        );
        let shown = event(&message(&[head.as_bytes(), body].concat()));
        assert_eq!(
            shown,
            "RECV EVENT\nEvent-Name: BACKGROUND_JOB\nJob-Command: originate x\nContent-Length: 4\n\n+OK\n\n"
        );
    }

    #[test]
    fn unreadable_and_json_events_are_shown_raw() {
        let shown = event(&message(
            b"Content-Type: text/event-plain\nContent-Length: 8\n\ngarbage\n",
        ));
        assert!(shown.starts_with("RECV EVENT (unreadable: "), "{shown}");
        assert!(shown.contains("garbage"), "{shown}");
        let shown = event(&message(
            b"Content-Type: text/event-json\nContent-Length: 2\n\n{}",
        ));
        assert_eq!(shown, "RECV EVENT\n{}\n\n");
    }

    #[test]
    fn replies_show_output_or_reply_text() {
        let api = message(b"Content-Type: api/response\nContent-Length: 6\n\n-ERR x");
        assert_eq!(reply(&api), "-ERR x\n");
        let command = message(b"Content-Type: command/reply\nReply-Text: +OK log level 7 [7]\n\n");
        assert_eq!(reply(&command), "+OK log level 7 [7]\n");
        let other_kind = message(b"Content-Type: x/y\nContent-Length: 1\n\nz");
        assert_eq!(other(&other_kind), "INCOMING DATA [x/y]\nz\n");
    }
}
