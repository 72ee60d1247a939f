//! `uuid_hold [off|toggle] <uuid>`: puts a channel's far end on hold (a SIP leg sends a
//! re-INVITE offering `a=sendonly`), takes it off, or toggles, as FreeSWITCH's
//! `switch_ivr_hold_uuid` family does; each change fires CHANNEL_HOLD or CHANNEL_UNHOLD.
//!
//! FreeSWITCH remembers the hold in the channel flag `CF_HOLD`. The core has no such flag, so
//! the state lives in the channel variable [`HOLD_VARIABLE`], which `toggle` reads.

use ferroswitch_abi::{ChannelMessage, Error, Host, MessageKind, Session};

use crate::args::split_words;
use crate::{usage, CommandSpec};

const SYNTAX: &str = "[off|toggle] <uuid>";

/// `"true"` while `uuid_hold` keeps the channel's far end on hold.
pub const HOLD_VARIABLE: &str = "leg_on_hold";

/// This family's commands.
pub const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "uuid_hold",
    description: "Place a channel on hold",
    syntax: SYNTAX,
    run: uuid_hold,
}];

/// What `uuid_hold` was asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wish {
    Hold,
    Unhold,
    Toggle,
}

fn parse(args: &str) -> Option<(Wish, String)> {
    let words = split_words(args, 3);
    match words.as_slice() {
        [mode, uuid, ..] if mode.eq_ignore_ascii_case("off") => {
            Some((Wish::Unhold, (*uuid).to_owned()))
        }
        [mode, uuid, ..] if mode.eq_ignore_ascii_case("toggle") => {
            Some((Wish::Toggle, (*uuid).to_owned()))
        }
        [uuid, ..] if !uuid.eq_ignore_ascii_case("off") && !uuid.eq_ignore_ascii_case("toggle") => {
            Some((Wish::Hold, (*uuid).to_owned()))
        }
        _ => None,
    }
}

fn uuid_hold(host: Host, args: &str) -> Result<String, Error> {
    let (wish, uuid) = parse(args).ok_or_else(|| usage(SYNTAX))?;
    let Some(session) = host.locate(&uuid) else {
        return Ok(crate::uuid::NO_SUCH_CHANNEL.to_owned());
    };
    let held = session.variable(HOLD_VARIABLE).as_deref() == Some("true");
    let hold = match wish {
        Wish::Hold => true,
        Wish::Unhold => false,
        Wish::Toggle => !held,
    };
    match change(host, &session, hold) {
        Ok(()) => Ok("+OK Success\n".to_owned()),
        Err(error) => Ok(format!("-ERR Operation failed: {error}\n")),
    }
}

/// Asks the endpoint, then records the state and fires the event.
fn change(host: Host, session: &Session, hold: bool) -> Result<(), Error> {
    let kind = if hold {
        MessageKind::HOLD
    } else {
        MessageKind::UNHOLD
    };
    session.message(&ChannelMessage::new(kind))?;
    session.set_variable(HOLD_VARIABLE, hold.then_some("true"))?;
    let name = if hold {
        "CHANNEL_HOLD"
    } else {
        "CHANNEL_UNHOLD"
    };
    if host.event_wanted(name) {
        if let Some(mut event) = session.event_data() {
            event.name = name.into();
            event.set_header("Event-Name", name);
            host.fire_event(event);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mode_comes_first_and_defaults_to_hold() {
        assert_eq!(parse("abc"), Some((Wish::Hold, "abc".into())));
        assert_eq!(parse("off abc"), Some((Wish::Unhold, "abc".into())));
        assert_eq!(parse("TOGGLE abc"), Some((Wish::Toggle, "abc".into())));
        assert_eq!(parse("off"), None);
        assert_eq!(parse(""), None);
    }
}
