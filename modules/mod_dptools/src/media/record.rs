//! `record <path> [<time_limit_secs>] [<silence_thresh>] [<silence_hits>]`, as FreeSWITCH's:
//! writes what the channel reads (not the frames the far end left empty) to `path` through
//! the format module its extension names, at the channel's rate (or `record_sample_rate`),
//! until the call hangs up, the time limit passes, a digit of `playback_terminators` is
//! pressed, or the audio stays below the silence threshold for `silence_hits` seconds
//! (3 when not given). Afterwards it sets `record_ms`, `record_samples`, `record_seconds`,
//! `playback_terminator_used` and `silence_hits_exhausted`, and fires RECORD_START and
//! RECORD_STOP. A file that cannot be created is logged and hangs the call up with
//! DESTINATION_OUT_OF_ORDER, as in FreeSWITCH.

use ferroswitch_abi::prelude::*;
use ferroswitch_abi::AudioSpec;

use crate::args::separate;

use super::fire;
use super::media_loop::MediaLoop;
use super::player::playback_terminators;

pub const SYNTAX: &str = "<path> [<time_limit_secs>] [<silence_thresh>] [<silence_hits>]";

/// The `record` application.
pub struct Record;

/// What the argument asks for.
#[derive(Debug, PartialEq, Eq)]
struct Request {
    path: String,
    limit_secs: u32,
    threshold: u32,
    silence_secs: u32,
}

impl Application for Record {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let Some(request) = parse(arg) else {
            session.log(
                LogLevel::Err,
                &format!("record: no file given; usage: record {SYNTAX}"),
            );
            return Ok(());
        };
        session.set_variable("playback_terminator_used", Some(""))?;
        let rate = session
            .variable("record_sample_rate")
            .and_then(|rate| rate.trim().parse().ok())
            .filter(|rate| matches!(rate, 8000 | 16000 | 32000 | 48000));
        let Ok(mut media) = MediaLoop::start_at(session, rate) else {
            return Ok(());
        };
        let spec = AudioSpec {
            samples_per_second: media.rate(),
            channels: 1,
        };
        let mut writer = match session.host().open_file_write(&request.path, spec) {
            Ok(writer) => writer,
            Err(error) => {
                session.log(
                    LogLevel::Err,
                    &format!(
                        "record: cannot create {}: {}",
                        request.path,
                        error.message()
                    ),
                );
                return session.hangup(HangupCause::DESTINATION_OUT_OF_ORDER);
            }
        };
        let terminators = playback_terminators(&session);
        let mut silence = (request.threshold > 0).then(|| {
            SilenceDetector::new(
                request.threshold,
                request.silence_secs,
                media.rate(),
                media.samples_per_frame(),
            )
        });
        session.set_variable("silence_hits_exhausted", Some("false"))?;
        fire(
            &session,
            "RECORD_START",
            &[("Record-File-Path", &request.path)],
        );
        let limit_ms = u64::from(request.limit_secs) * 1000;
        let mut elapsed_ms = 0u64;
        let mut samples = 0u64;
        loop {
            if limit_ms > 0 && elapsed_ms >= limit_ms {
                break;
            }
            let frame = match media.next_frame() {
                Ok(frame) => frame,
                Err(_) => break,
            };
            elapsed_ms += u64::from(frame.elapsed_ms);
            let pcm = frame.pcm;
            let silent = frame.silent;
            if let Some(digit) = terminator_pressed(&session, &terminators) {
                session.set_variable("playback_terminator_used", Some(&digit.to_string()))?;
                break;
            }
            if let Some(detector) = &mut silence {
                if detector.is_exhausted(pcm) {
                    session.set_variable("silence_hits_exhausted", Some("true"))?;
                    break;
                }
            }
            // Frames the far end left empty are not recorded, as in FreeSWITCH.
            if silent || pcm.is_empty() {
                continue;
            }
            if let Err(error) = writer.write(pcm.into()).into_result() {
                session.log(
                    LogLevel::Err,
                    &format!(
                        "record: writing {} failed: {}",
                        request.path,
                        error.message()
                    ),
                );
                break;
            }
            samples += pcm.len() as u64;
        }
        if let Err(error) = writer.finish().into_result() {
            session.log(
                LogLevel::Err,
                &format!(
                    "record: completing {} failed: {}",
                    request.path,
                    error.message()
                ),
            );
        }
        set_lengths(&session, samples, media.rate())?;
        fire(
            &session,
            "RECORD_STOP",
            &[("Record-File-Path", &request.path)],
        );
        Ok(())
    }
}

/// Sets `record_samples`, `record_ms` and `record_seconds` for `samples` at `rate`.
pub fn set_lengths(session: &Session, samples: u64, rate: u32) -> Result<(), Error> {
    let rate = u64::from(rate.max(1));
    session.set_variable("record_seconds", Some(&(samples / rate).to_string()))?;
    session.set_variable("record_ms", Some(&(samples * 1000 / rate).to_string()))?;
    session.set_variable("record_samples", Some(&samples.to_string()))
}

/// Takes pressed digits until one of `terminators`; other digits are dropped.
fn terminator_pressed(session: &Session, terminators: &str) -> Option<char> {
    while let Some(dtmf) = session.dequeue_dtmf() {
        let digit = dtmf.digit_char();
        if terminators.contains(digit) {
            return Some(digit);
        }
    }
    None
}

fn parse(arg: &str) -> Option<Request> {
    let fields = separate(arg, ' ');
    let path = fields.first().filter(|path| !path.is_empty())?.clone();
    // FreeSWITCH reads each number as far as it goes (`atoi`): anything else is 0.
    let number = |index: usize| {
        fields
            .get(index)
            .map(|field| field.trim_start_matches('+'))
            .map(leading_number)
            .unwrap_or(0)
    };
    Some(Request {
        path,
        limit_secs: number(1),
        threshold: number(2),
        silence_secs: number(3),
    })
}

fn leading_number(text: &str) -> u32 {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

/// FreeSWITCH's silence test for `record`: a frame's score is its mean absolute sample
/// (per 8 kHz worth of samples); frames scoring below the threshold count down the hits
/// left, louder ones refill them. The hits are the silence time in frames.
pub struct SilenceDetector {
    threshold: u32,
    hits: u32,
    hits_left: u32,
    divisor: usize,
}

impl SilenceDetector {
    /// A detector that ends after `silence_secs` (3 when 0) of frames below `threshold`.
    pub fn new(threshold: u32, silence_secs: u32, rate: u32, frame_samples: usize) -> Self {
        let seconds = if silence_secs == 0 { 3 } else { silence_secs };
        let hits = (u64::from(rate) * u64::from(seconds) / frame_samples.max(1) as u64) as u32;
        Self {
            threshold,
            hits: hits.max(1),
            hits_left: hits.max(1),
            divisor: (rate / 8000).max(1) as usize,
        }
    }

    /// Counts one frame; true once the silence has lasted long enough.
    pub fn is_exhausted(&mut self, pcm: &[i16]) -> bool {
        let energy: u64 = pcm
            .iter()
            .map(|sample| u64::from(sample.unsigned_abs()))
            .sum();
        let per = (pcm.len() / self.divisor).max(1) as u64;
        let score = energy / per;
        if score < u64::from(self.threshold) {
            self.hits_left = self.hits_left.saturating_sub(1);
            self.hits_left == 0
        } else {
            self.hits_left = self.hits;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_positional_and_default_to_zero() {
        assert_eq!(
            parse("/tmp/a.wav +30 200 2"),
            Some(Request {
                path: "/tmp/a.wav".into(),
                limit_secs: 30,
                threshold: 200,
                silence_secs: 2
            })
        );
        assert_eq!(parse("/tmp/a.wav").map(|r| r.limit_secs), Some(0));
        assert_eq!(parse("/tmp/a.wav 10s").map(|r| r.limit_secs), Some(10));
        assert_eq!(parse(""), None);
    }

    #[test]
    fn silence_counts_frames_and_loud_frames_start_over() {
        // 1 second of 20 ms frames at 8 kHz is 50 hits.
        let mut detector = SilenceDetector::new(100, 1, 8000, 160);
        let quiet = [10i16; 160];
        let loud = [3000i16; 160];
        for _ in 0..49 {
            assert!(!detector.is_exhausted(&quiet));
        }
        assert!(!detector.is_exhausted(&loud));
        for _ in 0..49 {
            assert!(!detector.is_exhausted(&quiet));
        }
        assert!(detector.is_exhausted(&quiet));
    }

    #[test]
    fn the_score_is_freeswitchs_energy_per_8_khz_worth_of_samples() {
        // At 48 kHz FreeSWITCH divides a frame's energy by a sixth of its samples.
        let mut wide = SilenceDetector::new(100, 1, 48000, 960);
        assert_eq!(wide.hits, 50);
        assert!(!wide.is_exhausted(&[10; 960]));
        assert_eq!(wide.hits_left, 49, "a score of 60 is silence");
        assert!(!wide.is_exhausted(&[20; 960]));
        assert_eq!(wide.hits_left, 50, "a score of 120 is not");
    }
}
