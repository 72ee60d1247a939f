//! `uuid_break <uuid>`, and `uuid_broadcast <uuid> <path|app::args> [aleg]`: queues an application for a channel's own
//! thread, as FreeSWITCH's does: `app::args` runs that application, a path plays the file.
//! The channel runs it at its next chance (while parked, for instance).

use ferroswitch_abi::{Error, Host};

use crate::args::split_words;
use crate::{usage, CommandSpec};

const SYNTAX: &str = "<uuid> <path> [aleg|bleg|both]";
const NO_SUCH_CHANNEL: &str = "-ERR No such channel!\n";

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "uuid_broadcast",
        description: "Execute dialplan application",
        syntax: SYNTAX,
        run: uuid_broadcast,
    },
    CommandSpec {
        name: "uuid_break",
        description: "Break out of media sent to channel",
        syntax: "<uuid> [all]",
        run: uuid_break,
    },
];

/// `uuid_break <uuid> [all]`: ends what the channel waits in (a park, a sleep), so its
/// extension goes on.
fn uuid_break(host: Host, args: &str) -> Result<String, Error> {
    let words = split_words(args, 2);
    let Some(uuid) = words.first() else {
        return Err(usage("<uuid> [all]"));
    };
    let Some(session) = host.locate(uuid) else {
        return Ok(NO_SUCH_CHANNEL.to_owned());
    };
    Ok(match session.break_wait() {
        Ok(()) => "+OK\n".to_owned(),
        Err(error) => format!("-ERR {error}\n"),
    })
}

/// What `path` asks to run: (application, argument).
pub fn broadcast_application(path: &str) -> (&str, &str) {
    match path.split_once("::") {
        Some((app, args)) => (app, args),
        None => ("playback", path),
    }
}

fn uuid_broadcast(host: Host, args: &str) -> Result<String, Error> {
    let words = split_words(args, 3);
    let [uuid, path, rest @ ..] = words.as_slice() else {
        return Err(usage(SYNTAX));
    };
    match rest.first().copied().unwrap_or("aleg") {
        "aleg" => {}
        // Bridged peers arrive with `bridge`; until then there is no b leg to reach.
        "bleg" | "both" => return Ok("-ERR the channel has no bridged b leg\n".to_owned()),
        _ => return Err(usage(SYNTAX)),
    }
    let Some(session) = host.locate(uuid) else {
        return Ok(NO_SUCH_CHANNEL.to_owned());
    };
    let (app, arg) = broadcast_application(path);
    match session.queue_application(app, arg) {
        Ok(()) => Ok("+OK Message sent successfully\n".to_owned()),
        Err(error) => Ok(format!("-ERR {error}\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_syntax_or_a_file_to_play() {
        assert_eq!(broadcast_application("set::a=b"), ("set", "a=b"));
        assert_eq!(broadcast_application("park::"), ("park", ""));
        assert_eq!(
            broadcast_application("/tmp/x.wav"),
            ("playback", "/tmp/x.wav")
        );
    }
}
