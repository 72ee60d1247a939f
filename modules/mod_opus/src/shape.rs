//! The shape of the audio one encoder or decoder handles: rate, channels and packet time,
//! checked against what Opus runs at.

use audiopus::{Channels, SampleRate};
use ferroswitch_abi::{CodecSettings, Error};

use crate::config::OPUS_RATES;

/// The packet times offered, in milliseconds.
pub const PTIMES_MS: [u16; 4] = [10, 20, 40, 60];
/// The frame durations Opus encodes, in units of 2.5 ms (2.5, 5, 10, 20, 40, 60 ms).
const FRAME_QUARTERS: [usize; 6] = [1, 2, 4, 8, 16, 24];
/// The longest packet Opus decodes (120 ms), in units of 2.5 ms.
const LONGEST_PACKET_QUARTERS: usize = 48;

/// Validated settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    rate: u32,
    channels: usize,
    ptime_ms: u16,
}

impl Shape {
    /// The shape for `settings`, or an error naming what Opus supports. Opus runs at 8000,
    /// 12000, 16000, 24000 and 48000 Hz; the codec is offered at 48000, but the others let
    /// the core skip a resampler when it wants narrower audio.
    pub fn new(settings: &CodecSettings) -> Result<Self, Error> {
        let problem = if !OPUS_RATES.contains(&settings.samples_per_second) {
            format!(
                "{} Hz is not an Opus rate (8000, 12000, 16000, 24000 or 48000)",
                settings.samples_per_second
            )
        } else if !(1..=2).contains(&settings.channels) {
            format!(
                "{} channels is not supported (mono or stereo)",
                settings.channels
            )
        } else if !PTIMES_MS.contains(&settings.ptime_ms) {
            format!(
                "a packet time of {} ms is not supported (10, 20, 40 or 60 ms)",
                settings.ptime_ms
            )
        } else {
            return Ok(Self {
                rate: settings.samples_per_second,
                channels: usize::from(settings.channels),
                ptime_ms: settings.ptime_ms,
            });
        };
        Err(Error::invalid_argument(format!("opus: {problem}")))
    }

    pub fn rate(&self) -> u32 {
        self.rate
    }

    pub fn channels(&self) -> usize {
        self.channels
    }

    /// The rate as audiopus names it.
    pub fn sample_rate(&self) -> SampleRate {
        match self.rate {
            8000 => SampleRate::Hz8000,
            12000 => SampleRate::Hz12000,
            16000 => SampleRate::Hz16000,
            24000 => SampleRate::Hz24000,
            // `new` admits only Opus rates, so this is 48000.
            _ => SampleRate::Hz48000,
        }
    }

    /// The channel count as audiopus names it.
    pub fn opus_channels(&self) -> Channels {
        if self.channels == 2 {
            Channels::Stereo
        } else {
            Channels::Mono
        }
    }

    /// Samples in 2.5 ms, per channel: the unit every Opus frame is a multiple of.
    fn quarter(&self) -> usize {
        self.rate as usize / 400
    }

    /// Interleaved samples in one packet time.
    pub fn ptime_samples(&self) -> usize {
        self.rate as usize / 1000 * usize::from(self.ptime_ms) * self.channels
    }

    /// Interleaved samples in the longest packet Opus decodes (120 ms).
    pub fn longest_packet_samples(&self) -> usize {
        self.quarter() * LONGEST_PACKET_QUARTERS * self.channels
    }

    /// Whether `samples` interleaved samples are one frame Opus can encode.
    pub fn is_opus_frame(&self, samples: usize) -> bool {
        samples.is_multiple_of(self.channels)
            && FRAME_QUARTERS
                .iter()
                .any(|quarters| quarters * self.quarter() == samples / self.channels)
    }

    /// The frames Opus can encode at this rate, per channel, for error messages.
    pub fn opus_frames(&self) -> String {
        let sizes: Vec<String> = FRAME_QUARTERS
            .iter()
            .map(|quarters| (quarters * self.quarter()).to_string())
            .collect();
        format!("{} samples per channel", sizes.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(rate: u32, channels: u8, ptime_ms: u16) -> CodecSettings {
        CodecSettings {
            samples_per_second: rate,
            channels,
            ptime_ms,
            fmtp: "".into(),
        }
    }

    #[test]
    fn sizes_follow_rate_channels_and_ptime() {
        let mono = Shape::new(&settings(48000, 1, 20)).expect("valid");
        assert_eq!(mono.ptime_samples(), 960);
        assert_eq!(mono.longest_packet_samples(), 5760);
        assert!(mono.is_opus_frame(960) && mono.is_opus_frame(120) && mono.is_opus_frame(2880));
        assert!(!mono.is_opus_frame(0) && !mono.is_opus_frame(1000) && !mono.is_opus_frame(5760));

        let stereo = Shape::new(&settings(16000, 2, 60)).expect("valid");
        assert_eq!(stereo.ptime_samples(), 1920);
        assert!(stereo.is_opus_frame(640) && !stereo.is_opus_frame(321));
        assert_eq!(
            stereo.opus_frames(),
            "40, 80, 160, 320, 640, 960 samples per channel"
        );
    }

    #[test]
    fn refuses_what_opus_does_not_run_at() {
        for (settings, reason) in [
            (settings(44100, 1, 20), "opus: 44100 Hz is not an Opus rate"),
            (settings(48000, 3, 20), "opus: 3 channels is not supported"),
            (settings(48000, 0, 20), "opus: 0 channels is not supported"),
            (
                settings(48000, 1, 30),
                "opus: a packet time of 30 ms is not supported",
            ),
        ] {
            let error = Shape::new(&settings).expect_err(reason);
            assert!(error.message().starts_with(reason), "{error}");
        }
    }
}
