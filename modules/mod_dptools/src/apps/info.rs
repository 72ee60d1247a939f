//! Applications that only look: `info` logs the channel's data, `eval` nothing but its
//! (already expanded) argument.

use ferroswitch_abi::prelude::*;

use super::{usage, INLINE_OK};

/// Registers `info` and `eval`.
pub fn register(registrar: &mut Registrar<'_>) -> Result<(), Error> {
    registrar.add_application(
        ApplicationDesc::new("info", "Display Call Info", "[<log_level>]").with_flags(INLINE_OK),
        Info,
    )?;
    registrar.add_application(
        ApplicationDesc::new(
            "eval",
            "Do nothing but expand the argument's ${variables}",
            "<text>",
        )
        .with_flags(INLINE_OK),
        Eval,
    )
}

/// `info [level]`: logs the channel's data at INFO, or at `level`.
struct Info;

impl Application for Info {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let level = parse_info_level(arg).ok_or_else(|| usage("info", "[<log_level>]"))?;
        let data = session
            .event_data()
            .ok_or_else(|| Error::hung_up("info: the channel is gone"))?;
        session.log(level, &format_channel_data(&data));
        Ok(())
    }
}

/// The level `info` logs at: INFO without an argument; `None` for a word that is no level.
pub fn parse_info_level(arg: &str) -> Option<LogLevel> {
    match arg.trim() {
        "" => Some(LogLevel::Info),
        word => LogLevel::parse(word),
    }
}

/// `CHANNEL_DATA:` then one `Name: value` line per header, unencoded, as FreeSWITCH's
/// `info` prints a serialised event.
pub fn format_channel_data(event: &Event) -> String {
    let mut text = String::from("CHANNEL_DATA:\n");
    for header in event.headers.iter() {
        text.push_str(&header.name);
        text.push_str(": ");
        text.push_str(&header.value);
        text.push('\n');
    }
    text
}

/// `eval <text>`: the core expands `${variables}` in every argument; running that expansion
/// for its own sake (and logging the result) is all `eval` does.
struct Eval;

impl Application for Eval {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        session.log(LogLevel::Debug, &format!("EVAL [{arg}]"));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_logs_at_info_unless_told() {
        assert_eq!(parse_info_level(""), Some(LogLevel::Info));
        assert_eq!(parse_info_level(" notice "), Some(LogLevel::Notice));
        assert_eq!(parse_info_level("loud"), None);
    }

    #[test]
    fn channel_data_is_one_header_a_line() {
        let mut event = Event::new("CHANNEL_DATA");
        event
            .add_header("Unique-ID", "abc")
            .add_header("variable_greeting", "hello world");
        assert_eq!(
            format_channel_data(&event),
            "CHANNEL_DATA:\nUnique-ID: abc\nvariable_greeting: hello world\n"
        );
    }
}
