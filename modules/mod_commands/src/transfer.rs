//! `uuid_transfer <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]`: sends a
//! channel back to routing at a new destination, as FreeSWITCH's does. `-bleg` moves the leg
//! bridged to it instead (the channel itself when nothing is bridged), `-both` moves both
//! legs to the same destination. Without dialplan and context the channel keeps its own.
//! A bridged leg that is moved leaves its bridge; the other leg goes on in its dialplan.

use ferroswitch_abi::{Error, Host, Session};

use crate::args::split_words;
use crate::{usage, CommandSpec};

const SYNTAX: &str = "<uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]";

/// This family's commands.
pub const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "uuid_transfer",
    description: "Transfer a session",
    syntax: SYNTAX,
    run: uuid_transfer,
}];

/// Which legs move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Legs {
    /// The named channel.
    This,
    /// The leg bridged to it (`-bleg`).
    Bridged,
    /// Both (`-both`).
    Both,
}

/// A parsed `uuid_transfer` request.
#[derive(Debug, PartialEq, Eq)]
struct Request<'a> {
    uuid: &'a str,
    legs: Legs,
    destination: &'a str,
    dialplan: &'a str,
    context: &'a str,
}

fn parse(args: &str) -> Option<Request<'_>> {
    let words = split_words(args, 6);
    let (uuid, rest) = words.split_first()?;
    let (legs, rest) = match rest.first() {
        Some(flag) if flag.eq_ignore_ascii_case("-bleg") => (Legs::Bridged, &rest[1..]),
        Some(flag) if flag.eq_ignore_ascii_case("-both") => (Legs::Both, &rest[1..]),
        Some(flag) if flag.starts_with('-') => return None,
        _ => (Legs::This, rest),
    };
    match rest {
        [destination, more @ ..] if more.len() <= 2 => Some(Request {
            uuid,
            legs,
            destination,
            dialplan: more.first().copied().unwrap_or(""),
            context: more.get(1).copied().unwrap_or(""),
        }),
        _ => None,
    }
}

fn uuid_transfer(host: Host, args: &str) -> Result<String, Error> {
    let request = parse(args).ok_or_else(|| usage(SYNTAX))?;
    let Some(session) = host.locate(request.uuid) else {
        return Ok(crate::uuid::NO_SUCH_CHANNEL.to_owned());
    };
    let bridged = || {
        session
            .variable("bridge_uuid")
            .and_then(|uuid| host.locate(&uuid))
    };
    let moving: Vec<Session> = match request.legs {
        Legs::This => vec![session],
        Legs::Bridged => vec![bridged().unwrap_or(session)],
        Legs::Both => bridged()
            .into_iter()
            .chain(std::iter::once(session))
            .collect(),
    };
    let mut outcome = Ok(());
    for leg in &moving {
        outcome = leg.transfer(request.destination, request.dialplan, request.context);
    }
    Ok(match outcome {
        Ok(()) => "+OK\n".to_owned(),
        Err(error) => format!("-ERR {error}\n"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_freeswitch_forms() {
        assert_eq!(
            parse("abc 1000"),
            Some(Request {
                uuid: "abc",
                legs: Legs::This,
                destination: "1000",
                dialplan: "",
                context: "",
            })
        );
        assert_eq!(
            parse("abc -bleg 1000 XML default"),
            Some(Request {
                uuid: "abc",
                legs: Legs::Bridged,
                destination: "1000",
                dialplan: "XML",
                context: "default",
            })
        );
        assert_eq!(parse("abc -BOTH 9664").map(|r| r.legs), Some(Legs::Both));
        assert_eq!(
            parse("abc park inline").map(|r| (r.destination, r.dialplan)),
            Some(("park", "inline"))
        );
    }

    #[test]
    fn refuses_what_freeswitch_refuses() {
        assert_eq!(parse(""), None);
        assert_eq!(parse("abc"), None);
        assert_eq!(parse("abc -bleg"), None);
        assert_eq!(parse("abc -aleg 1000"), None);
        assert_eq!(parse("abc 1000 XML default extra"), None);
    }
}
