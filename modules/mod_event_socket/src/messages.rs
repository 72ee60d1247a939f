//! Everything the module writes to a client except events, byte for byte as FreeSWITCH's
//! `mod_event_socket` writes it.

use ferroswitch_abi::{LogLevel, LogRecord};

/// Sent first on an inbound connection.
pub const AUTH_REQUEST: &str = "Content-Type: auth/request\n\n";

/// The body of the notice that ends a connection normally.
pub const GOODBYE: &str = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n";

/// The body of the notice sent to every client when the module stops.
pub const SHUTTING_DOWN: &str = "The system is being shut down.\n";

/// What a client refused by the ACL reads before its connection closes.
pub const RUDE_REJECTION: &str =
    "Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n";

/// A `command/reply` whose `Reply-Text` is `text`.
pub fn reply(text: &str) -> String {
    format!("Content-Type: command/reply\nReply-Text: {text}\n\n")
}

/// The `command/reply` to `bgapi`: the job's UUID in the reply text and as a header.
pub fn job_reply(job_uuid: &str) -> String {
    format!("Content-Type: command/reply\nReply-Text: +OK Job-UUID: {job_uuid}\nJob-UUID: {job_uuid}\n\n")
}

/// The `api/response` carrying a command's output.
pub fn api_response(output: &str) -> String {
    format!(
        "Content-Type: api/response\nContent-Length: {}\n\n{output}",
        output.len()
    )
}

/// The notice written just before a connection closes. A connection that controls a channel
/// names it.
pub fn disconnect_notice(controlled: Option<&str>, message: &str) -> String {
    match controlled {
        Some(uuid) => format!(
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: {uuid}\n\
             Content-Disposition: disconnect\nContent-Length: {}\n\n{message}",
            message.len()
        ),
        None => format!(
            "Content-Type: text/disconnect-notice\nContent-Length: {}\n\n{message}",
            message.len()
        ),
    }
}

/// The notice that the controlled channel hung up while the client asked to linger;
/// `seconds` is -1 for "until the client leaves".
pub fn linger_notice(uuid: &str, channel_name: &str, seconds: i64) -> String {
    format!(
        "Content-Type: text/disconnect-notice\nControlled-Session-UUID: {uuid}\n\
         Content-Disposition: linger\nChannel-Name: {channel_name}\nLinger-Time: {seconds}\n\
         Content-Length: 0\n\n"
    )
}

/// FreeSWITCH's text channel of a log line about a session (`SWITCH_CHANNEL_ID_SESSION`);
/// other lines are on channel 0 (`SWITCH_CHANNEL_ID_LOG`).
const SESSION_TEXT_CHANNEL: u8 = 3;

/// A `log/data` message. FreeSWITCH's `Log-File`, `Log-Func` and `Log-Line` name the C
/// source; a ferroswitch record knows its module, which is given as the file.
pub fn log_data(record: &LogRecord<'_>) -> String {
    let mut line = String::with_capacity(record.message.len() + 64);
    ferroswitch_log_format::line::write_line(&mut line, record, false);
    line.push('\n');
    let uuid = record.session_uuid.as_str();
    let channel = if uuid.is_empty() {
        0
    } else {
        SESSION_TEXT_CHANNEL
    };
    format!(
        "Content-Type: log/data\nContent-Length: {}\nLog-Level: {}\nText-Channel: {channel}\n\
         Log-File: {}\nLog-Func: \nLog-Line: 0\nUser-Data: {uuid}\n\n{line}",
        line.len(),
        level_number(record.level),
        record.module.as_str(),
    )
}

/// FreeSWITCH's number for a level (`Log-Level`, the `log` reply).
pub fn level_number(level: LogLevel) -> u8 {
    level as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_byte_exact() {
        assert_eq!(
            reply("+OK accepted"),
            "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"
        );
        assert_eq!(
            job_reply("j1"),
            "Content-Type: command/reply\nReply-Text: +OK Job-UUID: j1\nJob-UUID: j1\n\n"
        );
        assert_eq!(
            api_response("UP\n"),
            "Content-Type: api/response\nContent-Length: 3\n\nUP\n"
        );
    }

    #[test]
    fn notices_name_the_controlled_channel() {
        assert_eq!(
            disconnect_notice(None, GOODBYE),
            format!("Content-Type: text/disconnect-notice\nContent-Length: 67\n\n{GOODBYE}")
        );
        assert_eq!(
            disconnect_notice(Some("u1"), "bye\n"),
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: u1\n\
             Content-Disposition: disconnect\nContent-Length: 4\n\nbye\n"
        );
        assert_eq!(
            linger_notice("u1", "loopback/1-a", -1),
            "Content-Type: text/disconnect-notice\nControlled-Session-UUID: u1\n\
             Content-Disposition: linger\nChannel-Name: loopback/1-a\nLinger-Time: -1\n\
             Content-Length: 0\n\n"
        );
        assert_eq!(
            RUDE_REJECTION.len() - RUDE_REJECTION.find("\n\n").unwrap() - 2,
            24
        );
    }

    #[test]
    fn log_data_carries_the_level_and_session() {
        let record = LogRecord {
            level: LogLevel::Warning,
            timestamp_us: 0,
            module: "mod_x".into(),
            session_uuid: "u1".into(),
            message: "careful".into(),
        };
        let message = log_data(&record);
        let (head, body) = message.split_once("\n\n").expect("a header block");
        assert!(body.ends_with(" [WARNING] mod_x: careful\n"), "{body}");
        assert_eq!(
            head,
            format!(
                "Content-Type: log/data\nContent-Length: {}\nLog-Level: 4\nText-Channel: 3\n\
                 Log-File: mod_x\nLog-Func: \nLog-Line: 0\nUser-Data: u1",
                body.len()
            )
        );
    }
}
