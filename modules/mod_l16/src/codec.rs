//! `L16`: uncompressed 16-bit samples in network byte order (RFC 3551 §4.5.11), at 8000,
//! 16000 and 48000 Hz mono and 48000 Hz stereo.
//!
//! The payload is the samples themselves, big-endian and interleaved, so encoding is a byte
//! swap per sample. None of these rates has a static payload type (RFC 3551's 10 and 11 are
//! 44.1 kHz), so SDP gives L16 a dynamic one.

use ferroswitch_abi::{
    Codec, CodecDesc, CodecImplementation, CodecSettings, Decoder, Encoder, Error,
};

/// The codec's name, in SDP and dialplans.
pub const NAME: &str = "L16";
/// The packet times offered, in milliseconds.
pub const PTIMES_MS: [u16; 5] = [10, 20, 30, 40, 60];
/// The (rate, channels) layouts offered, the default first.
pub const LAYOUTS: [(u32, u8); 4] = [(8000, 1), (16000, 1), (48000, 1), (48000, 2)];

/// What `show codec` lists and SDP offers: one implementation per layout.
pub fn desc() -> CodecDesc {
    CodecDesc {
        name: NAME.into(),
        encoding_name: NAME.into(),
        payload_type: None.into(),
        fmtp: "".into(),
        implementations: LAYOUTS
            .iter()
            .map(|&(rate, channels)| CodecImplementation {
                samples_per_second: rate,
                clock_rate: rate,
                channels,
                ptimes_ms: PTIMES_MS.to_vec().into(),
                bits_per_second: rate * 16 * u32::from(channels),
            })
            .collect(),
    }
}

/// The codec factory.
#[derive(Clone, Copy, Debug, Default)]
pub struct L16;

impl Codec for L16 {
    fn encoder(&self, settings: &CodecSettings) -> Result<Box<dyn Encoder>, Error> {
        Ok(Box::new(Layout::for_settings(settings)?))
    }

    fn decoder(&self, settings: &CodecSettings) -> Result<Box<dyn Decoder>, Error> {
        Ok(Box::new(Layout::for_settings(settings)?))
    }
}

/// One call's encoder or decoder: all it needs is the channel count, to keep frames whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    channels: usize,
}

impl Layout {
    /// The layout for `settings`, or an error naming what is offered.
    pub fn for_settings(settings: &CodecSettings) -> Result<Self, Error> {
        let layout = (settings.samples_per_second, settings.channels);
        if !LAYOUTS.contains(&layout) {
            return Err(Error::invalid_argument(format!(
                "{NAME}: {} Hz with {} channel(s) is not offered \
                 (8000, 16000 or 48000 Hz mono, or 48000 Hz stereo)",
                layout.0, layout.1
            )));
        }
        if !PTIMES_MS.contains(&settings.ptime_ms) {
            return Err(Error::invalid_argument(format!(
                "{NAME}: a packet time of {} ms is not supported (10, 20, 30, 40 or 60 ms)",
                settings.ptime_ms
            )));
        }
        Ok(Self {
            channels: usize::from(settings.channels),
        })
    }

    /// Writes `pcm` big-endian into `out`, returning the bytes written.
    pub fn encode(&self, pcm: &[i16], out: &mut [u8]) -> Result<usize, Error> {
        if !pcm.len().is_multiple_of(self.channels) {
            return Err(Error::invalid_argument(format!(
                "{NAME} encode: {} samples are not whole frames of {} channels",
                pcm.len(),
                self.channels
            )));
        }
        let bytes = pcm.len() * 2;
        let Some(out) = out.get_mut(..bytes) else {
            return Err(Error::invalid_argument(format!(
                "{NAME} encode: the output buffer holds {} bytes but {} samples need {bytes}",
                out.len(),
                pcm.len()
            )));
        };
        for (pair, sample) in out.chunks_exact_mut(2).zip(pcm) {
            pair.copy_from_slice(&sample.to_be_bytes());
        }
        Ok(bytes)
    }

    /// Reads the big-endian `payload` into `pcm`, returning the samples written.
    pub fn decode(&self, payload: &[u8], pcm: &mut [i16]) -> Result<usize, Error> {
        let frame_bytes = 2 * self.channels;
        if !payload.len().is_multiple_of(frame_bytes) {
            return Err(Error::invalid_argument(format!(
                "{NAME} decode: a payload of {} bytes is not whole frames of {frame_bytes} bytes",
                payload.len()
            )));
        }
        let samples = payload.len() / 2;
        let Some(pcm) = pcm.get_mut(..samples) else {
            return Err(Error::invalid_argument(format!(
                "{NAME} decode: the sample buffer holds {} samples but {} bytes need {samples}",
                pcm.len(),
                payload.len()
            )));
        };
        for (sample, pair) in pcm.iter_mut().zip(payload.chunks_exact(2)) {
            *sample = i16::from_be_bytes([pair[0], pair[1]]);
        }
        Ok(samples)
    }
}

impl Encoder for Layout {
    fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> Result<usize, Error> {
        Layout::encode(self, pcm, out)
    }
}

impl Decoder for Layout {
    fn decode(&mut self, payload: &[u8], pcm: &mut [i16]) -> Result<usize, Error> {
        Layout::decode(self, payload, pcm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(rate: u32, channels: u8) -> CodecSettings {
        CodecSettings {
            samples_per_second: rate,
            channels,
            ptime_ms: 20,
            fmtp: "".into(),
        }
    }

    #[test]
    fn every_layout_is_an_implementation() {
        let desc = desc();
        assert_eq!(desc.name.as_str(), "L16");
        assert_eq!(desc.payload_type.into_option(), None);
        let layouts: Vec<_> = desc
            .implementations
            .iter()
            .map(|i| {
                (
                    i.samples_per_second,
                    i.clock_rate,
                    i.channels,
                    i.bits_per_second,
                )
            })
            .collect();
        assert_eq!(
            layouts,
            [
                (8000, 8000, 1, 128_000),
                (16000, 16000, 1, 256_000),
                (48000, 48000, 1, 768_000),
                (48000, 48000, 2, 1_536_000)
            ]
        );
        for implementation in desc.implementations.iter() {
            assert_eq!(implementation.ptimes_ms.as_slice(), PTIMES_MS);
        }
    }

    #[test]
    fn samples_go_out_big_endian() {
        let mut encoder = L16.encoder(&settings(8000, 1)).expect("offered");
        let mut out = [0u8; 8];
        assert_eq!(encoder.encode(&[0x0102, -2, i16::MIN], &mut out), Ok(6));
        assert_eq!(out, [0x01, 0x02, 0xFF, 0xFE, 0x80, 0x00, 0, 0]);
    }

    #[test]
    fn stereo_round_trips_interleaved() {
        let layout = Layout::for_settings(&settings(48000, 2)).expect("offered");
        let pcm: Vec<i16> = (0..960 * 2).map(|n| (n * 31 - 20_000) as i16).collect();
        let mut payload = vec![0u8; pcm.len() * 2];
        assert_eq!(layout.encode(&pcm, &mut payload), Ok(3840));
        let mut decoded = vec![0i16; pcm.len()];
        assert_eq!(layout.decode(&payload, &mut decoded), Ok(1920));
        assert_eq!(decoded, pcm);
    }

    #[test]
    fn broken_sizes_are_refused_by_name() {
        let mono = Layout::for_settings(&settings(16000, 1)).expect("offered");
        let error = mono
            .encode(&[1; 320], &mut [0; 600])
            .expect_err("too small");
        assert_eq!(
            error.message(),
            "L16 encode: the output buffer holds 600 bytes but 320 samples need 640"
        );
        let error = mono.decode(&[0; 7], &mut [0; 8]).expect_err("odd length");
        assert!(
            error.message().contains("7 bytes is not whole frames of 2"),
            "{error}"
        );
        let error = mono.decode(&[0; 8], &mut [0; 3]).expect_err("too small");
        assert!(
            error
                .message()
                .contains("holds 3 samples but 8 bytes need 4"),
            "{error}"
        );

        let stereo = Layout::for_settings(&settings(48000, 2)).expect("offered");
        let error = stereo
            .encode(&[0; 3], &mut [0; 6])
            .expect_err("half a frame");
        assert!(
            error
                .message()
                .contains("3 samples are not whole frames of 2"),
            "{error}"
        );
        let error = stereo
            .decode(&[0; 6], &mut [0; 3])
            .expect_err("half a frame");
        assert!(
            error.message().contains("not whole frames of 4 bytes"),
            "{error}"
        );
    }

    #[test]
    fn unoffered_settings_are_refused_by_name() {
        for (rate, channels) in [(16000, 2), (44100, 1), (8000, 0)] {
            let error = L16
                .decoder(&settings(rate, channels))
                .err()
                .expect("refused");
            assert!(
                error
                    .message()
                    .starts_with(&format!("L16: {rate} Hz with {channels} channel(s)")),
                "{error}"
            );
        }
        let mut odd = settings(8000, 1);
        odd.ptime_ms = 15;
        let error = L16.encoder(&odd).err().expect("refused");
        assert!(error.message().contains("15 ms"), "{error}");
    }
}
