//! Messages to the channel's endpoint: `respond`, `redirect` and `deflect`. What they mean on
//! the wire (a SIP final response, a 302, a REFER) is the endpoint's business; one that
//! cannot do it says so, and the call goes on.

use ferroswitch_abi::prelude::*;

use super::usage;

const RESPOND_SYNTAX: &str = "<code> [<reason>]";

/// Registers `respond`, `redirect` and `deflect`.
pub fn register(registrar: &mut Registrar<'_>) -> Result<(), Error> {
    let nomedia = AppFlags::SUPPORT_NOMEDIA;
    registrar.add_application(
        ApplicationDesc::new(
            "respond",
            "Send a response (a SIP status code and reason) to the caller",
            RESPOND_SYNTAX,
        )
        .with_flags(nomedia),
        Respond,
    )?;
    registrar.add_application(
        ApplicationDesc::new(
            "redirect",
            "Send a redirect (a SIP 302) to the caller",
            "<redirect_data>",
        )
        .with_flags(nomedia),
        ToDestination {
            app: "redirect",
            kind: MessageKind::REDIRECT,
        },
    )?;
    registrar.add_application(
        ApplicationDesc::new(
            "deflect",
            "Deflect an answered call (a SIP REFER)",
            "<deflect_data>",
        )
        .with_flags(nomedia),
        ToDestination {
            app: "deflect",
            kind: MessageKind::DEFLECT,
        },
    )
}

/// `respond <code> [<reason>]`.
struct Respond;

impl Application for Respond {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let (code, reason) = parse_respond(arg).ok_or_else(|| usage("respond", RESPOND_SYNTAX))?;
        let message = ChannelMessage {
            kind: MessageKind::RESPOND,
            number: code,
            text: reason.into(),
        };
        deliver(session, "respond", &message)
    }
}

/// Parses `respond`'s argument: a status code from 100 to 699, then an optional reason.
pub fn parse_respond(arg: &str) -> Option<(i32, &str)> {
    let arg = arg.trim();
    let (code, reason) = arg
        .split_once(char::is_whitespace)
        .map_or((arg, ""), |(code, reason)| (code, reason.trim()));
    let code: i32 = code.parse().ok()?;
    (100..=699).contains(&code).then_some((code, reason))
}

/// `redirect <destination>` and `deflect <destination>`: the destination goes to the
/// endpoint as it is (a SIP URI, or several for a redirect's contacts).
struct ToDestination {
    app: &'static str,
    kind: MessageKind,
}

impl Application for ToDestination {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let destination = arg.trim();
        if destination.is_empty() {
            return Err(usage(self.app, &format!("<{}_data>", self.app)));
        }
        let mut message = ChannelMessage::new(self.kind);
        message.text = destination.into();
        deliver(session, self.app, &message)
    }
}

/// Sends `message`; an endpoint without support for it is reported, and the call goes on.
fn deliver(session: Session, app: &str, message: &ChannelMessage) -> Result<(), Error> {
    let summary = format!("{app} {} [{}]", message.number, message.text);
    match unsupported_is_not_fatal(session.message(message))? {
        None => session.log(LogLevel::Debug, &format!("{summary} sent to the endpoint")),
        Some(error) => session.log(
            LogLevel::Err,
            &format!("{summary}: the channel's endpoint does not support it ({error})"),
        ),
    }
    Ok(())
}

/// Sorts an endpoint's answer: delivered (`Ok(None)`), not supported by this endpoint
/// (`Ok(Some(error))`, to log), or a failure of the call (`Err`).
pub fn unsupported_is_not_fatal(result: Result<(), Error>) -> Result<Option<Error>, Error> {
    match result {
        Ok(()) => Ok(None),
        Err(error) if error.kind == ErrorKind::UNSUPPORTED => Ok(Some(error)),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respond_takes_a_code_and_an_optional_reason() {
        assert_eq!(parse_respond("486"), Some((486, "")));
        assert_eq!(parse_respond(" 486  Busy Here "), Some((486, "Busy Here")));
        assert_eq!(parse_respond("603 Decline"), Some((603, "Decline")));
    }

    #[test]
    fn respond_refuses_what_is_no_status_code() {
        assert_eq!(parse_respond(""), None);
        assert_eq!(parse_respond("busy"), None);
        assert_eq!(parse_respond("99 Too low"), None);
        assert_eq!(parse_respond("700"), None);
        assert_eq!(parse_respond("-486"), None);
    }

    #[test]
    fn only_unsupported_lets_the_call_go_on_quietly() {
        assert_eq!(unsupported_is_not_fatal(Ok(())), Ok(None));
        let unsupported = Error::new(ErrorKind::UNSUPPORTED, "loopback cannot");
        assert_eq!(
            unsupported_is_not_fatal(Err(unsupported.clone())),
            Ok(Some(unsupported))
        );
        let gone = Error::hung_up("gone");
        assert_eq!(unsupported_is_not_fatal(Err(gone.clone())), Err(gone));
    }
}
