//! `uuid_send_dtmf <uuid> <dtmf_data>`: sends digits to a channel's far end through its
//! endpoint, as FreeSWITCH's does. `dtmf_data` is a DTMF string: digits, `@<ms>` for their
//! duration, `+` between groups, `w` / `W` to pause half a second / a second (the command
//! waits through pauses).

use std::time::Duration;

use ferroswitch_abi::dtmf_string::{parse_dtmf_string, DtmfStep};
use ferroswitch_abi::{Error, Host};

use crate::args::split_words;
use crate::{usage, CommandSpec};

const SYNTAX: &str = "<uuid> <dtmf_data>";

/// This family's commands.
pub const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "uuid_send_dtmf",
    description: "Send dtmf digits",
    syntax: SYNTAX,
    run: uuid_send_dtmf,
}];

fn uuid_send_dtmf(host: Host, args: &str) -> Result<String, Error> {
    let words = split_words(args, 2);
    let [uuid, dtmf] = words.as_slice() else {
        return Err(usage(SYNTAX));
    };
    let steps = parse_dtmf_string(dtmf).map_err(Error::invalid_argument)?;
    let Some(session) = host.locate(uuid) else {
        return Ok("-ERR Cannot locate session!\n".to_owned());
    };
    for step in steps {
        match step {
            DtmfStep::Digit(digit) => {
                if let Err(error) = session.send_dtmf(digit) {
                    return Ok(format!("-ERR {error}\n"));
                }
            }
            DtmfStep::Pause(ms) => std::thread::sleep(Duration::from_millis(u64::from(ms))),
        }
    }
    Ok("+OK Success\n".to_owned())
}
