//! Playing a [`Source`] to the channel, paced by the channel's reads: after each frame read,
//! the source's next frame goes out through `write_audio`, which resamples it to the
//! channel's rate and encodes it. Digits pressed meanwhile stop the playback or not, as the
//! caller asks.

use ferroswitch_abi::prelude::*;

use super::media_loop::{stop_for, MediaLoop, Stop};
use super::source::Source;

/// What digits do to a playback.
#[derive(Debug, Clone, Copy)]
pub enum Digits<'a> {
    /// Nothing: they stay queued for what runs next (how FreeSWITCH plays the invalid-input
    /// file of `play_and_get_digits`).
    Keep,
    /// One of these stops the playback; the others are dropped (FreeSWITCH's `on_dtmf`).
    Terminators(&'a str),
    /// Any digit stops the playback and is handed back (a prompt before digits are read).
    Any,
}

/// How a playback ended.
#[derive(Debug)]
pub enum Ended {
    /// The source ran out.
    Done,
    /// A digit stopped it.
    Digit(char),
    /// The media loop stopped (hangup, break, transfer, a failed read).
    Stopped(Stop),
    /// Reading the source or writing to the channel failed.
    Failed(Error),
}

/// A finished playback.
#[derive(Debug)]
pub struct Played {
    pub ended: Ended,
    /// Samples taken from the source, at its rate.
    pub samples: u64,
}

/// Plays `source` until it ends, a digit stops it (per `digits`), or the loop stops.
pub fn play(media: &mut MediaLoop, source: &mut Source, digits: Digits<'_>) -> Played {
    let rate = source.rate();
    let (chunk, frames_per_chunk) = chunk_shape(rate, media.ptime_ms());
    let mut buffer = vec![0i16; chunk];
    let mut samples = 0u64;
    let mut frames = 0;
    let session = media.session();
    let ended = loop {
        if let Err(stop) = media.next_frame() {
            break Ended::Stopped(stop);
        }
        if let Some(digit) = take_digit(&session, digits) {
            break Ended::Digit(digit);
        }
        frames += 1;
        if frames < frames_per_chunk {
            continue;
        }
        frames = 0;
        let read = match fill(source, &mut buffer) {
            Ok(read) => read,
            Err(error) => break Ended::Failed(error),
        };
        if read == 0 {
            break Ended::Done;
        }
        samples += read as u64;
        // The last piece is padded to a whole frame: the core's resampler takes frames of
        // one size.
        buffer[read..].fill(0);
        if let Err(error) = session.write_audio(&buffer, rate) {
            break match stop_for(error) {
                Stop::Failed(error) => Ended::Failed(error),
                stop => Ended::Stopped(stop),
            };
        }
        if read < chunk {
            break Ended::Done;
        }
    };
    Played { ended, samples }
}

/// Applies `digits` to what was pressed: the digit that stops the playback, if any.
fn take_digit(session: &Session, digits: Digits<'_>) -> Option<char> {
    if matches!(digits, Digits::Keep) {
        return None;
    }
    while let Some(dtmf) = session.dequeue_dtmf() {
        let digit = dtmf.digit_char();
        match digits {
            Digits::Any => return Some(digit),
            Digits::Terminators(set) if set.contains(digit) => return Some(digit),
            _ => {}
        }
    }
    None
}

/// Reads from `source` until `buffer` is full or the source ends; how many samples.
fn fill(source: &mut Source, buffer: &mut [i16]) -> Result<usize, Error> {
    let mut filled = 0;
    while filled < buffer.len() {
        let read = source.read(&mut buffer[filled..])?;
        if read == 0 {
            break;
        }
        filled += read;
    }
    Ok(filled)
}

/// How many samples at `rate` go out at once, and every how many frames: one frame's worth
/// when that is a whole number of samples, else the fewest frames that make one (11025 Hz
/// at 20 ms is 220.5 samples a frame, so 441 every two frames).
pub fn chunk_shape(rate: u32, ptime_ms: u32) -> (usize, u32) {
    let per_second = u64::from(rate) * u64::from(ptime_ms.max(1));
    (1..=20)
        .find(|frames| per_second * frames % 1000 == 0)
        .map(|frames| ((per_second * frames / 1000) as usize, frames as u32))
        .unwrap_or(((per_second / 1000).max(1) as usize, 1))
}

/// The digits that stop a playback: the channel's `playback_terminators` (`*` when unset,
/// `any` for every digit, `none` for none).
pub fn playback_terminators(session: &Session) -> String {
    terminator_set(session.variable("playback_terminators").as_deref())
}

fn terminator_set(value: Option<&str>) -> String {
    match value {
        None => "*".to_owned(),
        Some(value) if value.eq_ignore_ascii_case("any") => "1234567890*#".to_owned(),
        Some(value) if value.eq_ignore_ascii_case("none") => String::new(),
        Some(value) => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_whole_frames_when_they_can_be() {
        assert_eq!(chunk_shape(8000, 20), (160, 1));
        assert_eq!(chunk_shape(44100, 20), (882, 1));
        assert_eq!(chunk_shape(48000, 30), (1440, 1));
        assert_eq!(chunk_shape(11025, 20), (441, 2));
    }

    #[test]
    fn terminators_default_to_star_and_know_any_and_none() {
        assert_eq!(terminator_set(None), "*");
        assert_eq!(terminator_set(Some("ANY")), "1234567890*#");
        assert_eq!(terminator_set(Some("none")), "");
        assert_eq!(terminator_set(Some("#9")), "#9");
    }
}
