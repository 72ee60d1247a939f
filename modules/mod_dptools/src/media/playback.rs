//! `playback <file|silence_stream://ms[,level]|tone_stream://TGML>[@@<start_sample>]`, as
//! FreeSWITCH's: plays to the channel until the end or a digit of `playback_terminators`
//! (`*` by default), then sets `playback_terminator_used`, `playback_samples`,
//! `playback_ms`, `playback_seconds`, `playback_last_offset_pos` and
//! `current_application_response` (`FILE PLAYED`, `FILE NOT FOUND`, `PLAYBACK ERROR`), and
//! fires PLAYBACK_START and PLAYBACK_STOP. A file that cannot be played is logged with its
//! path and the reason, and the call goes on.

use ferroswitch_abi::prelude::*;

use super::fire;
use super::media_loop::{MediaLoop, Stop};
use super::player::{play, playback_terminators, Digits, Ended, Played};
use super::source::Source;

pub const SYNTAX: &str = "<path>";

/// The `playback` application.
pub struct Playback;

impl Application for Playback {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let (target, start) = split_start(arg.trim());
        session.set_variable("playback_terminator_used", Some(""))?;
        let response = play_target(
            session,
            target,
            start,
            Digits::Terminators(&playback_terminators(&session)),
        );
        session.set_variable("current_application_response", Some(response))?;
        Ok(())
    }
}

/// Splits FreeSWITCH's `path@@<samples>` (start that many samples in) off the target.
fn split_start(arg: &str) -> (&str, u64) {
    match arg.split_once("@@") {
        Some((target, start)) => (target, start.trim().parse().unwrap_or(0)),
        None => (arg, 0),
    }
}

/// Plays `target` as `playback` does (a terminator stops it and is recorded) and returns
/// what `current_application_response` says about it.
pub fn play_target(session: Session, target: &str, start: u64, digits: Digits<'_>) -> &'static str {
    let mut media = match MediaLoop::start(session) {
        Ok(media) => media,
        Err(_) => return "PLAYBACK ERROR",
    };
    let mut source = match open(&session, target, media.rate(), start) {
        Ok(source) => source,
        Err(_) => return "FILE NOT FOUND",
    };
    let played = play_source(&mut media, &mut source, target, start, digits);
    if let Ended::Digit(digit) = played.ended {
        let used = digit.to_string();
        // Only playback's terminators are recorded as such.
        if matches!(digits, Digits::Terminators(_)) {
            let _ = session.set_variable("playback_terminator_used", Some(&used));
        }
    }
    match played.ended {
        Ended::Done | Ended::Digit(_) | Ended::Stopped(Stop::Break) => "FILE PLAYED",
        _ => "PLAYBACK ERROR",
    }
}

/// Opens `target`, logging why when it cannot be played.
pub fn open(session: &Session, target: &str, rate: u32, start: u64) -> Result<Source, Error> {
    let opened = Source::open(session, target, rate).and_then(|mut source| {
        if start > 0 {
            source.seek(start)?;
        }
        Ok(source)
    });
    if let Err(error) = &opened {
        session.log(
            LogLevel::Err,
            &format!("cannot play {target}: {}", error.message()),
        );
    }
    opened
}

/// Plays an open source with FreeSWITCH's events and variables around it.
pub fn play_source(
    media: &mut MediaLoop,
    source: &mut Source,
    target: &str,
    start: u64,
    digits: Digits<'_>,
) -> Played {
    let session = media.session();
    let mut headers = vec![("Playback-File-Path", target)];
    if let Some(kind) = Source::kind(target) {
        headers.push(("Playback-File-Type", kind));
    }
    fire(&session, "PLAYBACK_START", &headers);
    session.log(LogLevel::Debug, &format!("playing {target}"));
    let played = play(media, source, digits);
    session.log(LogLevel::Debug, &format!("done playing {target}"));
    let rate = u64::from(source.rate());
    let samples = played.samples;
    for (name, value) in [
        ("playback_last_offset_pos", (start + samples).to_string()),
        ("playback_seconds", (samples / rate.max(1)).to_string()),
        ("playback_ms", (samples * 1000 / rate.max(1)).to_string()),
        ("playback_samples", samples.to_string()),
    ] {
        let _ = session.set_variable(name, Some(&value));
    }
    if let Ended::Failed(error) = &played.ended {
        session.log(
            LogLevel::Err,
            &format!("playing {target} failed: {}", error.message()),
        );
    }
    let status = match played.ended {
        Ended::Digit(_) | Ended::Stopped(Stop::Break) => "break",
        _ => "done",
    };
    headers.push(("Playback-Status", status));
    fire(&session, "PLAYBACK_STOP", &headers);
    played
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_sample_may_follow_two_ats() {
        assert_eq!(split_start("/tmp/a.wav"), ("/tmp/a.wav", 0));
        assert_eq!(split_start("/tmp/a.wav@@8000"), ("/tmp/a.wav", 8000));
        assert_eq!(split_start("/tmp/a.wav@@x"), ("/tmp/a.wav", 0));
    }
}
