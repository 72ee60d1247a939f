//! Commands on channels: `uuid_kill`, `uuid_getvar`, `uuid_setvar`, `uuid_dump`, `hupall`.

use std::fmt::Write as _;

use ferroswitch_abi::{Error, Event, HangupCause, Host};

use crate::{
    args::{split_words, unquote},
    table::json_object,
    usage, CommandSpec,
};

/// What we print when the UUID names no channel. FreeSWITCH's mod_commands capitalises it
/// `-ERR No Such Channel!`; clients match on the `-ERR` prefix, and this project's tests on
/// this text.
pub const NO_SUCH_CHANNEL: &str = "-ERR No such channel!\n";

const KILL_SYNTAX: &str = "<uuid> [cause]";
const GETVAR_SYNTAX: &str = "<uuid> <var>";
const SETVAR_SYNTAX: &str = "<uuid> <var> [value]";
const DUMP_SYNTAX: &str = "<uuid> [plain|txt|json]";
const HUPALL_SYNTAX: &str = "[cause] [<var> <value>]";

/// This family's commands.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "uuid_kill",
        description: "Kill channel",
        syntax: KILL_SYNTAX,
        run: uuid_kill,
    },
    CommandSpec {
        name: "uuid_getvar",
        description: "Get a variable from a channel",
        syntax: GETVAR_SYNTAX,
        run: uuid_getvar,
    },
    CommandSpec {
        name: "uuid_setvar",
        description: "Set a variable",
        syntax: SETVAR_SYNTAX,
        run: uuid_setvar,
    },
    CommandSpec {
        name: "uuid_dump",
        description: "Dump session vars",
        syntax: DUMP_SYNTAX,
        run: uuid_dump,
    },
    CommandSpec {
        name: "hupall",
        description: "Hangup all channels, or those whose variable has a value",
        syntax: HUPALL_SYNTAX,
        run: hupall,
    },
];

fn uuid_kill(host: Host, args: &str) -> Result<String, Error> {
    let words = split_words(args, 2);
    let Some(uuid) = words.first() else {
        return Err(usage(KILL_SYNTAX));
    };
    let cause = parse_cause(
        words.get(1).copied().unwrap_or(""),
        HangupCause::NORMAL_CLEARING,
    )
    .map_err(Error::invalid_argument)?;
    let killed = host
        .locate(uuid)
        .is_some_and(|session| session.hangup(cause).is_ok());
    Ok(if killed { "+OK\n" } else { NO_SUCH_CHANNEL }.to_owned())
}

fn uuid_getvar(host: Host, args: &str) -> Result<String, Error> {
    let words = split_words(args, 3);
    let [uuid, name, ..] = words.as_slice() else {
        return Err(usage(GETVAR_SYNTAX));
    };
    let Some(session) = host.locate(uuid) else {
        return Ok(NO_SUCH_CHANNEL.to_owned());
    };
    // FreeSWITCH prints the value without a newline.
    Ok(session
        .variable(name)
        .unwrap_or_else(|| "_undef_".to_owned()))
}

fn uuid_setvar(host: Host, args: &str) -> Result<String, Error> {
    let words = split_words(args, 3);
    let (uuid, name, value) = match words.as_slice() {
        [uuid, name] => (*uuid, *name, None),
        [uuid, name, value] => (*uuid, *name, Some(unquote(value))),
        _ => return Err(usage(SETVAR_SYNTAX)),
    };
    let Some(session) = host.locate(uuid) else {
        return Ok(NO_SUCH_CHANNEL.to_owned());
    };
    match session.set_variable(name, value) {
        Ok(()) => Ok("+OK\n".to_owned()),
        Err(_) if session.uuid().is_empty() => Ok(NO_SUCH_CHANNEL.to_owned()),
        Err(error) => Ok(format!("-ERR {error}\n")),
    }
}

fn uuid_dump(host: Host, args: &str) -> Result<String, Error> {
    let words = split_words(args, 3);
    let Some(uuid) = words.first() else {
        return Err(usage(DUMP_SYNTAX));
    };
    let format =
        parse_dump_format(words.get(1).copied().unwrap_or("")).ok_or_else(|| usage(DUMP_SYNTAX))?;
    let Some(event) = host.locate(uuid).and_then(|session| session.event_data()) else {
        return Ok(NO_SUCH_CHANNEL.to_owned());
    };
    Ok(format_dump(&event, format))
}

fn hupall(host: Host, args: &str) -> Result<String, Error> {
    let request = parse_hupall_args(args).map_err(Error::invalid_argument)?;
    let filter = request
        .filter
        .as_ref()
        .map(|(name, value)| (name.as_str(), value.as_str()));
    host.hangup_all(request.cause, filter);
    Ok(format_hupall(&request))
}

/// The cause `text` names (a FreeSWITCH name in any case, or a Q.850 number); `default` when
/// `text` is empty. An unknown name is an error rather than a silent default, so that a typo
/// never hangs up calls with a cause nobody asked for.
pub fn parse_cause(text: &str, default: HangupCause) -> Result<HangupCause, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(default);
    }
    match HangupCause::parse(text) {
        Some(cause) if cause != HangupCause::NONE => Ok(cause),
        _ => Err(format!("unknown hangup cause '{text}'")),
    }
}

/// What `hupall` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HupallRequest {
    pub cause: HangupCause,
    /// Only channels whose variable `.0` equals `.1`.
    pub filter: Option<(String, String)>,
}

/// `hupall [cause] [<var> <value>]`. The cause defaults to `MANAGER_REQUEST`, as in
/// FreeSWITCH. A variable without a value is refused: FreeSWITCH would then hang up every
/// channel, which is never what someone who named a variable meant.
pub fn parse_hupall_args(text: &str) -> Result<HupallRequest, String> {
    let words = split_words(text, 3);
    let cause = parse_cause(
        words.first().copied().unwrap_or(""),
        HangupCause::MANAGER_REQUEST,
    )?;
    let filter = match words.as_slice() {
        [_, name, value] => Some(((*name).to_owned(), unquote(value).to_owned())),
        [_, name] => return Err(format!("-USAGE: {HUPALL_SYNTAX} (no value for {name})")),
        _ => None,
    };
    Ok(HupallRequest { cause, filter })
}

/// FreeSWITCH's reply to `hupall`.
pub fn format_hupall(request: &HupallRequest) -> String {
    match &request.filter {
        None => format!(
            "+OK hangup all channels with cause {}\n",
            request.cause.name()
        ),
        Some((name, value)) => format!(
            "+OK hangup all channels matching [{name}]=[{value}] with cause: {}\n",
            request.cause.name()
        ),
    }
}

/// How `uuid_dump` prints a channel's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpFormat {
    /// `Name: value` lines, values as they are (the default, and `plain`).
    Plain,
    /// `Name: value` lines with URL-encoded values, as FreeSWITCH's `txt`.
    Text,
    /// One JSON object of header names to values.
    Json,
}

/// The format `text` names; `None` for one we do not know.
pub fn parse_dump_format(text: &str) -> Option<DumpFormat> {
    match text.to_ascii_lowercase().as_str() {
        "" | "plain" => Some(DumpFormat::Plain),
        "txt" => Some(DumpFormat::Text),
        "json" => Some(DumpFormat::Json),
        _ => None,
    }
}

/// `event` as `uuid_dump` prints it, with `Event-Name` first as in a serialised FreeSWITCH
/// event. Text forms end with a blank line, or carry the body after `Content-Length`.
pub fn format_dump(event: &Event, format: DumpFormat) -> String {
    let headers = dump_headers(event);
    match format {
        DumpFormat::Json => {
            let body = (!event.body.is_empty()).then_some(("_body", event.body.as_str()));
            json_object(headers.into_iter().chain(body))
        }
        DumpFormat::Plain | DumpFormat::Text => {
            let mut out = String::new();
            for (name, value) in headers {
                let value = if format == DumpFormat::Text {
                    url_encode(value)
                } else {
                    value.to_owned()
                };
                // Writing to a String cannot fail.
                let _ = writeln!(out, "{name}: {value}");
            }
            if event.body.is_empty() {
                out.push('\n');
            } else {
                let _ = write!(
                    out,
                    "Content-Length: {}\n\n{}",
                    event.body.len(),
                    event.body
                );
            }
            out
        }
    }
}

/// The event's headers, preceded by `Event-Name` (and `Event-Subclass`) unless present, with
/// repeated names kept once (first value), so that the JSON form has unique members.
fn dump_headers(event: &Event) -> Vec<(&str, &str)> {
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(event.headers.len() + 2);
    if event.header("Event-Name").is_none() {
        headers.push(("Event-Name", event.name.as_str()));
    }
    if !event.subclass.is_empty() && event.header("Event-Subclass").is_none() {
        headers.push(("Event-Subclass", event.subclass.as_str()));
    }
    for header in event.headers.iter() {
        let name = header.name.as_str();
        if !headers
            .iter()
            .any(|(seen, _)| seen.eq_ignore_ascii_case(name))
        {
            headers.push((name, header.value.as_str()));
        }
    }
    headers
}

/// FreeSWITCH's URL encoding of event header values: control characters, non-ASCII bytes,
/// space and ``"#%&+:;<=>?@[\]^`{|}`` as `%XX`.
pub fn url_encode(text: &str) -> String {
    const UNSAFE: &[u8] = b"\r\n \"#%&+:;<=>?@[\\]^`{|}";
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        if !(0x20..=0x7e).contains(&byte) || UNSAFE.contains(&byte) {
            let _ = write!(out, "%{byte:02X}");
        } else {
            out.push(char::from(byte));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cause_defaults_when_absent_and_parses_names_and_numbers() {
        assert_eq!(
            parse_cause("", HangupCause::NORMAL_CLEARING),
            Ok(HangupCause::NORMAL_CLEARING)
        );
        assert_eq!(
            parse_cause("  ", HangupCause::MANAGER_REQUEST),
            Ok(HangupCause::MANAGER_REQUEST)
        );
        assert_eq!(
            parse_cause("user_busy", HangupCause::NORMAL_CLEARING),
            Ok(HangupCause::USER_BUSY)
        );
        assert_eq!(
            parse_cause("19", HangupCause::NORMAL_CLEARING),
            Ok(HangupCause::NO_ANSWER)
        );
    }

    #[test]
    fn unknown_or_none_cause_is_refused() {
        assert!(parse_cause("NOT_A_CAUSE", HangupCause::NORMAL_CLEARING)
            .unwrap_err()
            .contains("NOT_A_CAUSE"));
        assert!(parse_cause("NONE", HangupCause::NORMAL_CLEARING).is_err());
        assert!(parse_cause("0", HangupCause::NORMAL_CLEARING).is_err());
    }

    #[test]
    fn hupall_defaults_to_manager_request_for_every_channel() {
        let request = parse_hupall_args("").unwrap();
        assert_eq!(request.cause, HangupCause::MANAGER_REQUEST);
        assert_eq!(request.filter, None);
        assert_eq!(
            format_hupall(&request),
            "+OK hangup all channels with cause MANAGER_REQUEST\n"
        );
    }

    #[test]
    fn hupall_with_a_variable_filter() {
        let request = parse_hupall_args("normal_clearing campaign 'spring sale'").unwrap();
        assert_eq!(request.cause, HangupCause::NORMAL_CLEARING);
        assert_eq!(
            request.filter,
            Some(("campaign".to_owned(), "spring sale".to_owned()))
        );
        assert_eq!(
            format_hupall(&request),
            "+OK hangup all channels matching [campaign]=[spring sale] with cause: NORMAL_CLEARING\n"
        );
    }

    #[test]
    fn hupall_refuses_a_variable_without_value_and_unknown_causes() {
        assert!(parse_hupall_args("NORMAL_CLEARING campaign")
            .unwrap_err()
            .starts_with("-USAGE:"));
        assert!(parse_hupall_args("BOGUS").is_err());
    }

    fn sample_event() -> Event {
        let mut event = Event::new("CHANNEL_DATA");
        event
            .add_header("Channel-State", "CS_EXECUTE")
            .add_header("Caller-Caller-ID-Name", "Jane \"JD\" Doe")
            .add_header("variable_note", "a:b c\nd\\e")
            .add_header("channel-state", "duplicate");
        event
    }

    #[test]
    fn dump_formats_are_named() {
        assert_eq!(parse_dump_format(""), Some(DumpFormat::Plain));
        assert_eq!(parse_dump_format("PLAIN"), Some(DumpFormat::Plain));
        assert_eq!(parse_dump_format("txt"), Some(DumpFormat::Text));
        assert_eq!(parse_dump_format("json"), Some(DumpFormat::Json));
        assert_eq!(parse_dump_format("xml"), None);
    }

    #[test]
    fn plain_dump_is_unencoded_lines_and_a_blank_line() {
        assert_eq!(
            format_dump(&sample_event(), DumpFormat::Plain),
            "Event-Name: CHANNEL_DATA\n\
             Channel-State: CS_EXECUTE\n\
             Caller-Caller-ID-Name: Jane \"JD\" Doe\n\
             variable_note: a:b c\nd\\e\n\n"
        );
    }

    #[test]
    fn text_dump_url_encodes_values() {
        let text = format_dump(&sample_event(), DumpFormat::Text);
        assert!(text.contains("Caller-Caller-ID-Name: Jane%20%22JD%22%20Doe\n"));
        assert!(text.contains("variable_note: a%3Ab%20c%0Ad%5Ce\n"));
    }

    #[test]
    fn json_dump_escapes_values_and_keeps_names_unique() {
        assert_eq!(
            format_dump(&sample_event(), DumpFormat::Json),
            concat!(
                r#"{"Event-Name":"CHANNEL_DATA","Channel-State":"CS_EXECUTE","#,
                r#""Caller-Caller-ID-Name":"Jane \"JD\" Doe","#,
                r#""variable_note":"a:b c\nd\\e"}"#
            )
        );
    }

    #[test]
    fn dump_keeps_a_body_and_a_present_event_name() {
        let mut event = Event::custom("demo::thing");
        event.add_header("Event-Name", "CUSTOM");
        event.body = "hello".into();
        assert_eq!(
            format_dump(&event, DumpFormat::Plain),
            "Event-Subclass: demo::thing\nEvent-Name: CUSTOM\nContent-Length: 5\n\nhello"
        );
        assert!(format_dump(&event, DumpFormat::Json).ends_with(r#","_body":"hello"}"#));
    }

    #[test]
    fn url_encoding_matches_freeswitch_unsafe_set() {
        assert_eq!(
            url_encode("2020-05-14 17:35:30"),
            "2020-05-14%2017%3A35%3A30"
        );
        assert_eq!(url_encode("a+b&c=d"), "a%2Bb%26c%3Dd");
        assert_eq!(url_encode("é"), "%C3%A9");
        assert_eq!(url_encode("plain-text_1.2~"), "plain-text_1.2~");
    }
}
