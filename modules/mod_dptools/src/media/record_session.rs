//! `record_session <path> [+<time_limit_secs>]` and `stop_record_session <path|all>`, as
//! FreeSWITCH's: records both directions of the channel while other applications run, through
//! a media tap, until stopped or the call hangs up. `RECORD_STEREO=true` puts what the
//! channel read on the left and what it wrote on the right; `RECORD_READ_ONLY` and
//! `RECORD_WRITE_ONLY` record one direction. At the end `record_ms`, `record_samples` and
//! `record_seconds` are set and RECORD_STOP is fired.

use ferroswitch_abi::prelude::*;
use ferroswitch_abi::{AudioSpec, FfiFileWriterBox, MediaTap, TapDirection};

use crate::args::separate;

use super::fire;
use super::mixer::{Layout, Mixer};
use super::record::set_lengths;

pub const SYNTAX: &str = "<path> [+<time_limit_secs>]";
pub const STOP_SYNTAX: &str = "<path|all>";

/// Taps of this application are named so, followed by the path.
const TAP_PREFIX: &str = "record_session:";

/// How far one direction may run ahead of the other before it is recorded against silence.
const MAX_LAG_MS: u32 = 200;

/// The `record_session` application.
pub struct RecordSession;

impl Application for RecordSession {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let fields = separate(arg, ' ');
        let Some(path) = fields.first().filter(|path| !path.is_empty()) else {
            return Err(Error::invalid_argument(format!(
                "record_session: usage: record_session {SYNTAX}"
            )));
        };
        let limit_secs: u64 = fields
            .get(1)
            .and_then(|field| field.strip_prefix('+'))
            .and_then(|secs| secs.parse().ok())
            .unwrap_or(0);
        let Some(media) = session.media() else {
            return Ok(());
        };
        let rate = session
            .variable("record_sample_rate")
            .and_then(|rate| rate.trim().parse().ok())
            .filter(|rate| matches!(rate, 8000 | 16000 | 32000 | 48000))
            .unwrap_or(media.rate);
        let layout = layout(&session);
        let spec = AudioSpec {
            samples_per_second: rate,
            channels: layout.channels(),
        };
        let writer = match session.host().open_file_write(path, spec) {
            Ok(writer) => writer,
            Err(error) => {
                session.log(
                    LogLevel::Err,
                    &format!("record_session: cannot create {path}: {}", error.message()),
                );
                return Ok(());
            }
        };
        let tap = RecordTap {
            session,
            path: path.clone(),
            writer: Some(writer),
            mixer: Mixer::new(layout, (rate * MAX_LAG_MS / 1000) as usize),
            out: Vec::new(),
            channels: usize::from(layout.channels()),
            rate,
            frames: 0,
            limit_frames: (limit_secs > 0).then(|| limit_secs * u64::from(rate)),
        };
        if let Err(error) = session.start_tap(&format!("{TAP_PREFIX}{path}"), rate, tap) {
            // The tap was dropped unstarted; its writer left an empty file behind.
            session.log(
                LogLevel::Err,
                &format!("record_session: cannot record {path}: {}", error.message()),
            );
            return Ok(());
        }
        fire(&session, "RECORD_START", &[("Record-File-Path", path)]);
        Ok(())
    }
}

/// The `stop_record_session` application.
pub struct StopRecordSession;

impl Application for StopRecordSession {
    fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
        let target = arg.trim();
        if target.is_empty() {
            return Err(Error::invalid_argument(format!(
                "stop_record_session: usage: stop_record_session {STOP_SYNTAX}"
            )));
        }
        let stopped = if target.eq_ignore_ascii_case("all") {
            session.stop_taps(TAP_PREFIX, true)?
        } else {
            session.stop_taps(&format!("{TAP_PREFIX}{target}"), false)?
        };
        if stopped == 0 {
            session.log(
                LogLevel::Warning,
                &format!("stop_record_session: the channel is not recording {target}"),
            );
        }
        Ok(())
    }
}

/// The layout the channel's variables ask for.
fn layout(session: &Session) -> Layout {
    let set = |name: &str| session.variable(name).is_some_and(|value| is_true(&value));
    if set("RECORD_READ_ONLY") {
        Layout::ReadOnly
    } else if set("RECORD_WRITE_ONLY") {
        Layout::WriteOnly
    } else if set("RECORD_STEREO") {
        Layout::Stereo
    } else {
        Layout::Mixed
    }
}

/// FreeSWITCH's `switch_true`.
fn is_true(value: &str) -> bool {
    let value = value.trim();
    ["yes", "on", "true", "t", "enabled", "active", "allow"]
        .iter()
        .any(|word| value.eq_ignore_ascii_case(word))
        || value.parse::<i64>().is_ok_and(|number| number != 0)
}

/// The tap writing one recording.
struct RecordTap {
    session: Session,
    path: String,
    writer: Option<FfiFileWriterBox>,
    mixer: Mixer,
    out: Vec<i16>,
    channels: usize,
    rate: u32,
    /// Sample frames written so far.
    frames: u64,
    /// After this many sample frames the recording stops taking audio.
    limit_frames: Option<u64>,
}

impl RecordTap {
    fn write_ready(&mut self, flush: bool) -> Result<(), Error> {
        self.out.clear();
        self.mixer.drain(&mut self.out, flush);
        let mut frames = (self.out.len() / self.channels) as u64;
        if let Some(limit) = self.limit_frames {
            frames = frames.min(limit.saturating_sub(self.frames));
        }
        if frames == 0 {
            return Ok(());
        }
        let Some(writer) = &mut self.writer else {
            return Ok(());
        };
        let samples = &self.out[..frames as usize * self.channels];
        writer
            .write(samples.into())
            .into_result()
            .map_err(|error| {
                Error::new(
                    error.kind,
                    format!("writing {}: {}", self.path, error.message()),
                )
            })?;
        self.frames += frames;
        Ok(())
    }
}

impl MediaTap for RecordTap {
    fn on_audio(&mut self, direction: TapDirection, pcm: &[i16]) -> Result<(), Error> {
        self.mixer.push(direction, pcm);
        self.write_ready(false)
    }

    fn on_close(&mut self) {
        let flushed = self.write_ready(true);
        let finished = match self.writer.take() {
            Some(mut writer) => writer.finish().into_result(),
            None => Ok(()),
        };
        if let Err(error) = flushed.and(finished) {
            self.session.log(
                LogLevel::Err,
                &format!(
                    "record_session: completing {} failed: {}",
                    self.path,
                    error.message()
                ),
            );
        }
        let _ = set_lengths(&self.session, self.frames, self.rate);
        fire(
            &self.session,
            "RECORD_STOP",
            &[("Record-File-Path", &self.path)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn true_is_spelled_as_freeswitch_spells_it() {
        for word in ["true", "TRUE", "yes", "on", "1", "enabled"] {
            assert!(is_true(word), "{word}");
        }
        for word in ["false", "no", "0", "", "maybe"] {
            assert!(!is_true(word), "{word}");
        }
    }
}
