//! `send_dtmf <digits>[@<tone_duration_ms>]`, as FreeSWITCH's: sends each digit to the far
//! end through the channel's endpoint (`+` joins groups of their own duration; `w` and `W`
//! pause half a second and a second). A string that is no DTMF is logged and the call goes
//! on.

use ferroswitch_abi::dtmf_string::{parse_dtmf_string, DtmfStep};
use ferroswitch_abi::prelude::*;
use ferroswitch_abi::AnswerMode;

pub const SYNTAX: &str = "<dtmf_data>";

/// The `send_dtmf` application.
pub struct SendDtmf;

impl Application for SendDtmf {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let steps = match parse_dtmf_string(arg) {
            Ok(steps) => steps,
            Err(reason) => {
                session.log(LogLevel::Err, &format!("send_dtmf: {reason}"));
                return Ok(());
            }
        };
        // FreeSWITCH pre-answers before sending digits in band or out.
        session.answer_with(AnswerMode::PreAnswer, false)?;
        for step in steps {
            match step {
                DtmfStep::Digit(dtmf) => session.send_dtmf(dtmf)?,
                DtmfStep::Pause(ms) => {
                    if session.sleep(ms).is_err() {
                        // Hung up or interrupted: the rest of the string is not sent.
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }
}
