//! What media applications play: a file through the format module its extension names,
//! `silence_stream://<ms>[,<level>]` or `tone_stream://<TGML>[;loops=<n>]`, each read as mono
//! samples at its own rate.

use ferroswitch_abi::prelude::*;
use ferroswitch_abi::FfiFileReaderBox;

use super::tone_stream::{ToneGenerator, ToneScript};

const SILENCE_PREFIX: &str = "silence_stream://";
const TONE_PREFIX: &str = "tone_stream://";

/// An open source of audio.
pub enum Source {
    File(FileSource),
    Silence(Silence),
    Tone(Box<ToneGenerator>, u32),
}

impl Source {
    /// Opens `target` for a channel at `channel_rate`. Relative file paths are taken from
    /// the channel's `sound_prefix`, as in FreeSWITCH. A missing or unreadable file is an
    /// error that names it and says why.
    pub fn open(session: &Session, target: &str, channel_rate: u32) -> Result<Self, Error> {
        if let Some(spec) = strip_prefix_ignore_case(target, SILENCE_PREFIX) {
            return Ok(Self::Silence(Silence::parse(spec, channel_rate)));
        }
        if let Some(spec) = strip_prefix_ignore_case(target, TONE_PREFIX) {
            let (script, loops) = split_loops(spec);
            let script = ToneScript::parse(script).map_err(Error::invalid_argument)?;
            let generator = ToneGenerator::new(script, channel_rate, loops);
            return Ok(Self::Tone(Box::new(generator), channel_rate));
        }
        let path = resolve(session, target);
        FileSource::open(&session.host(), &path).map(Self::File)
    }

    /// The rate the samples come at.
    pub fn rate(&self) -> u32 {
        match self {
            Self::File(file) => file.rate,
            Self::Silence(silence) => silence.rate,
            Self::Tone(_, rate) => *rate,
        }
    }

    /// Fills `out` with the next mono samples; how many, 0 at the end.
    pub fn read(&mut self, out: &mut [i16]) -> Result<usize, Error> {
        match self {
            Self::File(file) => file.read(out),
            Self::Silence(silence) => Ok(silence.read(out)),
            Self::Tone(generator, _) => Ok(generator.fill(out)),
        }
    }

    /// Skips to sample `position` (a file's `@@offset`); streams cannot seek and ignore it.
    pub fn seek(&mut self, position: u64) -> Result<(), Error> {
        match self {
            Self::File(file) => file.reader.seek(position).into_result(),
            _ => Ok(()),
        }
    }

    /// What FreeSWITCH puts in `Playback-File-Type` for it, if anything.
    pub fn kind(target: &str) -> Option<&'static str> {
        strip_prefix_ignore_case(target, TONE_PREFIX).map(|_| "tone_stream")
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Splits `;loops=<n>` off a tone stream: `n` plays (`None`: forever, for a negative `n`).
fn split_loops(spec: &str) -> (&str, Option<u32>) {
    let lower = spec.to_ascii_lowercase();
    match lower.find(";loops=") {
        Some(at) => {
            let count: i64 = spec[at + 7..].trim().parse().unwrap_or(1);
            let loops = if count < 0 {
                None
            } else {
                Some(u32::try_from(count).unwrap_or(u32::MAX).max(1))
            };
            (&spec[..at], loops)
        }
        None => (spec, Some(1)),
    }
}

/// The path of file `target`: under `sound_prefix` when relative.
fn resolve(session: &Session, target: &str) -> String {
    if target.starts_with('/') || target.contains("://") {
        return target.to_owned();
    }
    match session
        .variable("sound_prefix")
        .filter(|prefix| !prefix.is_empty())
    {
        Some(prefix) => format!("{}/{target}", prefix.trim_end_matches('/')),
        None => target.to_owned(),
    }
}

/// A file read through its format module, downmixed to mono.
pub struct FileSource {
    reader: FfiFileReaderBox,
    rate: u32,
    channels: usize,
    interleaved: Vec<i16>,
}

impl FileSource {
    fn open(host: &Host, path: &str) -> Result<Self, Error> {
        let reader = host.open_file_read(path)?;
        let spec = reader.spec();
        if spec.samples_per_second == 0 || spec.channels == 0 {
            return Err(Error::invalid_argument(format!(
                "{path}: the format module reports {} Hz, {} channels",
                spec.samples_per_second, spec.channels
            )));
        }
        Ok(Self {
            reader,
            rate: spec.samples_per_second,
            channels: usize::from(spec.channels),
            interleaved: Vec::new(),
        })
    }

    fn read(&mut self, out: &mut [i16]) -> Result<usize, Error> {
        if self.channels == 1 {
            return self.reader.read(out.into()).into_result();
        }
        self.interleaved.resize(out.len() * self.channels, 0);
        let read = self
            .reader
            .read(self.interleaved.as_mut_slice().into())
            .into_result()?;
        let frames = read / self.channels;
        downmix(
            &self.interleaved[..frames * self.channels],
            self.channels,
            out,
        );
        Ok(frames)
    }
}

/// Averages interleaved `channels` into `mono`.
fn downmix(interleaved: &[i16], channels: usize, mono: &mut [i16]) {
    for (frame, slot) in interleaved.chunks_exact(channels).zip(mono.iter_mut()) {
        let sum: i32 = frame.iter().map(|sample| i32::from(*sample)).sum();
        *slot = (sum / channels as i32) as i16;
    }
}

/// `silence_stream://<ms>[,<level>]`: silence for `ms` (forever when not positive), or at
/// `level`, quiet noise as FreeSWITCH generates it (larger is quieter).
pub struct Silence {
    rate: u32,
    /// Samples left; `None`: forever.
    left: Option<u64>,
    divisor: i32,
    noise: u16,
}

impl Silence {
    fn parse(spec: &str, rate: u32) -> Self {
        let (ms, level) = spec.split_once(',').unwrap_or((spec, ""));
        let ms: i64 = ms.trim().parse().unwrap_or(0);
        let left = (ms > 0).then(|| ms as u64 * u64::from(rate) / 1000);
        let divisor: i32 = level.trim().parse().unwrap_or(0);
        Self {
            rate,
            left,
            divisor: divisor.max(0),
            noise: 0x5eed,
        }
    }

    fn read(&mut self, out: &mut [i16]) -> usize {
        let count = match self.left {
            Some(left) => (left.min(out.len() as u64)) as usize,
            None => out.len(),
        };
        for slot in &mut out[..count] {
            *slot = if self.divisor > 0 {
                // A linear congruential generator summed six times: noise that leans to
                // the middle, scaled down by the level, as FreeSWITCH's comfort noise.
                let mut sum = 0i32;
                for _ in 0..6 {
                    self.noise = self.noise.wrapping_mul(31821).wrapping_add(13849);
                    sum = sum.wrapping_add(i32::from(self.noise as i16));
                }
                ((sum as i16) as i32 / self.divisor) as i16
            } else {
                0
            };
        }
        if let Some(left) = &mut self.left {
            *left -= count as u64;
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_lasts_its_time_and_forever_when_not_positive() {
        let mut silence = Silence::parse("30", 8000);
        let mut out = [1i16; 200];
        assert_eq!(silence.read(&mut out), 200);
        assert_eq!(silence.read(&mut out), 40);
        assert_eq!(silence.read(&mut out), 0);
        assert!(out[..40].iter().all(|sample| *sample == 0));
        let mut forever = Silence::parse("-1", 8000);
        for _ in 0..10 {
            assert_eq!(forever.read(&mut out), 200);
        }
    }

    #[test]
    fn a_level_makes_quiet_noise() {
        let mut noise = Silence::parse("100,400", 8000);
        let mut out = [0i16; 800];
        assert_eq!(noise.read(&mut out), 800);
        let peak = out.iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!(peak > 0 && peak <= 82, "peak {peak}");
    }

    #[test]
    fn tone_streams_take_loops_after_the_script() {
        assert_eq!(split_loops("%(100,0,440)"), ("%(100,0,440)", Some(1)));
        assert_eq!(
            split_loops("%(100,0,440);loops=3"),
            ("%(100,0,440)", Some(3))
        );
        assert_eq!(split_loops("%(100,0,440);LOOPS=-1"), ("%(100,0,440)", None));
    }

    #[test]
    fn stereo_is_averaged_to_mono() {
        let mut mono = [0i16; 3];
        downmix(&[100, 300, -50, 50, i16::MAX, i16::MAX], 2, &mut mono);
        assert_eq!(mono, [200, 0, i16::MAX]);
    }

    #[test]
    fn stream_prefixes_ignore_case() {
        assert_eq!(
            strip_prefix_ignore_case("TONE_STREAM://%(1,0,1)", TONE_PREFIX),
            Some("%(1,0,1)")
        );
        assert_eq!(strip_prefix_ignore_case("/tmp/a.wav", TONE_PREFIX), None);
        assert_eq!(Source::kind("tone_stream://x"), Some("tone_stream"));
    }
}
