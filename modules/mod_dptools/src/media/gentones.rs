//! `gentones <TGML>[|<loops>]`, as FreeSWITCH's: generates the tones of a TGML script on the
//! channel, `loops` times (a negative count: until something stops it), stopping early on a
//! digit of `playback_terminators`, which it records in `playback_terminator_used`.

use ferroswitch_abi::prelude::*;

use super::media_loop::MediaLoop;
use super::player::{play, playback_terminators, Digits, Ended};
use super::source::Source;
use super::tone_stream::{ToneGenerator, ToneScript};

pub const SYNTAX: &str = "<tgml_script>[|<loops>]";

/// The `gentones` application.
pub struct Gentones;

impl Application for Gentones {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let (script, loops) = parse(arg).map_err(|reason| {
            Error::invalid_argument(format!("gentones: {reason}; usage: gentones {SYNTAX}"))
        })?;
        session.set_variable("playback_terminator_used", Some(""))?;
        let Ok(mut media) = MediaLoop::start(session) else {
            return Ok(());
        };
        let rate = media.rate();
        let mut source = Source::Tone(Box::new(ToneGenerator::new(script, rate, loops)), rate);
        let terminators = playback_terminators(&session);
        let played = play(&mut media, &mut source, Digits::Terminators(&terminators));
        match played.ended {
            Ended::Digit(digit) => {
                session.set_variable("playback_terminator_used", Some(&digit.to_string()))?;
            }
            Ended::Failed(error) => {
                session.log(
                    LogLevel::Err,
                    &format!("gentones failed: {}", error.message()),
                );
            }
            _ => {}
        }
        Ok(())
    }
}

/// Splits the script from its loop count: `Some(n)` plays, `None` forever.
fn parse(arg: &str) -> Result<(ToneScript, Option<u32>), String> {
    let arg = arg.trim();
    if arg.is_empty() {
        return Err("no tone script given".to_owned());
    }
    let (script, loops) = match arg.split_once('|') {
        Some((script, loops)) => {
            let loops: i64 = loops
                .trim()
                .parse()
                .map_err(|_| format!("loop count `{}` is not a number", loops.trim()))?;
            let loops = (loops >= 0).then(|| u32::try_from(loops).unwrap_or(u32::MAX).max(1));
            (script, loops)
        }
        None => (arg, Some(1)),
    };
    Ok((ToneScript::parse(script)?, loops))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_follow_a_bar_and_negative_means_forever() {
        assert_eq!(parse("%(100,0,440)").unwrap().1, Some(1));
        assert_eq!(parse("%(100,0,440)|3").unwrap().1, Some(3));
        assert_eq!(parse("%(100,0,440)|-1").unwrap().1, None);
        assert!(parse("%(100,0,440)|often").unwrap_err().contains("often"));
        assert!(parse("").is_err());
        assert!(parse("%(1,2)").is_err());
    }
}
