//! The `opus` codec: what it offers, and its factory of per-call encoders and decoders.

use ferroswitch_abi::{
    Codec, CodecDesc, CodecImplementation, CodecSettings, Decoder, Encoder, Error,
};

use crate::config::OpusConfig;
use crate::decoder::OpusDecoder;
use crate::encoder::OpusEncoder;
use crate::shape::{Shape, PTIMES_MS};
use crate::tuning::Tuning;

/// The codec's name, in SDP and dialplans.
pub const NAME: &str = "opus";
/// Opus' RTP clock and the rate it is offered at (RFC 7587 §4.1).
pub const RATE: u32 = 48_000;

/// What `show codec` lists and SDP offers.
///
/// The implementations are the audio the encoder takes: mono (the default) and stereo, both
/// at 48 kHz. In SDP, RFC 7587 §7 writes every Opus stream as `opus/48000/2` whichever it
/// is, with `stereo=1` in the fmtp asking for stereo.
pub fn desc(config: &OpusConfig) -> CodecDesc {
    let implementation = |channels: u8| CodecImplementation {
        samples_per_second: RATE,
        clock_rate: RATE,
        channels,
        ptimes_ms: PTIMES_MS.to_vec().into(),
        bits_per_second: match config.maxaveragebitrate {
            // libopus' own choice at 20 ms: 60 bit per frame plus one bit per sample.
            0 => 60 * 50 + RATE * u32::from(channels),
            rate => rate,
        },
    };
    CodecDesc {
        name: NAME.into(),
        encoding_name: NAME.into(),
        payload_type: None.into(),
        fmtp: config.fmtp().into(),
        implementations: vec![implementation(1), implementation(2)].into(),
    }
}

/// The codec factory, holding `opus.conf` as it was when the module loaded.
#[derive(Clone, Debug, Default)]
pub struct Opus {
    config: OpusConfig,
}

impl Opus {
    pub fn new(config: OpusConfig) -> Self {
        Self { config }
    }

    /// An encoder for `settings`, tuned by the configuration and the negotiated fmtp.
    pub fn make_encoder(&self, settings: &CodecSettings) -> Result<OpusEncoder, Error> {
        let tuning = Tuning::new(&self.config, settings.fmtp.as_str());
        OpusEncoder::new(Shape::new(settings)?, &tuning)
    }

    /// A decoder for `settings`.
    pub fn make_decoder(&self, settings: &CodecSettings) -> Result<OpusDecoder, Error> {
        OpusDecoder::new(Shape::new(settings)?)
    }
}

impl Codec for Opus {
    fn encoder(&self, settings: &CodecSettings) -> Result<Box<dyn Encoder>, Error> {
        Ok(Box::new(self.make_encoder(settings)?))
    }

    fn decoder(&self, settings: &CodecSettings) -> Result<Box<dyn Decoder>, Error> {
        Ok(Box::new(self.make_decoder(settings)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(channels: u8, ptime_ms: u16, fmtp: &str) -> CodecSettings {
        CodecSettings {
            samples_per_second: RATE,
            channels,
            ptime_ms,
            fmtp: fmtp.into(),
        }
    }

    /// `samples` interleaved samples of a 440 Hz tone, the same in every channel.
    fn tone(samples: usize, channels: usize) -> Vec<i16> {
        (0..samples)
            .map(|n| {
                let t = (n / channels) as f64 / f64::from(RATE);
                (12_000.0 * (t * 440.0 * std::f64::consts::TAU).sin()) as i16
            })
            .collect()
    }

    #[test]
    fn description_offers_mono_then_stereo_with_the_configured_fmtp() {
        let desc = desc(&OpusConfig::default());
        assert_eq!(desc.name.as_str(), "opus");
        assert_eq!(desc.payload_type.into_option(), None);
        assert_eq!(
            desc.fmtp.as_str(),
            "useinbandfec=1; usedtx=0; maxaveragebitrate=30000; maxplaybackrate=48000"
        );
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
            [(48000, 48000, 1, 30_000), (48000, 48000, 2, 30_000)]
        );
        assert_eq!(
            desc.implementations[0].ptimes_ms.as_slice(),
            [10, 20, 40, 60]
        );

        let auto = desc_for_auto();
        assert_eq!(auto.implementations[0].bits_per_second, 51_000);
    }

    fn desc_for_auto() -> CodecDesc {
        desc(&OpusConfig {
            maxaveragebitrate: 0,
            ..OpusConfig::default()
        })
    }

    #[test]
    fn a_tone_survives_encode_and_decode() {
        let opus = Opus::default();
        let mut encoder = opus.make_encoder(&settings(1, 20, "")).expect("valid");
        let mut decoder = opus.make_decoder(&settings(1, 20, "")).expect("valid");
        let pcm = tone(960 * 10, 1);
        let mut decoded = Vec::new();
        let mut packet = [0u8; 1500];
        let mut frame = [0i16; 960];
        for chunk in pcm.chunks(960) {
            let bytes = encoder.encode(chunk, &mut packet).expect("encodes");
            // 30 kbit/s is about 75 bytes per 20 ms; VBR wanders around it.
            assert!((10..300).contains(&bytes), "{bytes} bytes");
            assert_eq!(decoder.decode(&packet[..bytes], &mut frame), Ok(960));
            decoded.extend_from_slice(&frame);
        }
        // Past the codec's start-up, the decoded tone carries about the same energy.
        let energy = |samples: &[i16]| -> f64 {
            samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len() as f64
        };
        let ratio = energy(&decoded[4800..]) / energy(&pcm[4800..]);
        assert!((0.7..1.3).contains(&ratio), "energy ratio {ratio}");
    }

    #[test]
    fn stereo_frames_count_both_channels() {
        let opus = Opus::default();
        let mut encoder = opus.make_encoder(&settings(2, 10, "")).expect("valid");
        let mut decoder = opus.make_decoder(&settings(2, 10, "")).expect("valid");
        let mut packet = [0u8; 1500];
        let bytes = encoder
            .encode(&tone(960, 2), &mut packet)
            .expect("10 ms stereo is one frame");
        let mut pcm = [0i16; 960];
        assert_eq!(decoder.decode(&packet[..bytes], &mut pcm), Ok(960));
        assert_eq!(decoder.conceal(&mut pcm), Ok(960));
    }

    #[test]
    fn negotiated_fmtp_reaches_libopus() {
        let opus = Opus::new(OpusConfig {
            use_dtx: true,
            ..OpusConfig::default()
        });
        let offered = opus
            .make_encoder(&settings(
                1,
                20,
                "useinbandfec=1; usedtx=1; maxaveragebitrate=12000",
            ))
            .expect("valid");
        assert!(offered.inband_fec());
        assert!(offered.dtx());
        assert_eq!(offered.bitrate(), Some(12_000));
        let declined = opus
            .make_encoder(&settings(1, 20, "useinbandfec=0"))
            .expect("valid");
        assert!(!declined.inband_fec());
        assert!(!declined.dtx());
        assert_eq!(declined.bitrate(), Some(30_000));
    }

    #[test]
    fn dtx_shrinks_silence_to_a_byte_or_two() {
        let opus = Opus::new(OpusConfig {
            use_dtx: true,
            ..OpusConfig::default()
        });
        let mut encoder = opus.make_encoder(&settings(1, 20, "")).expect("valid");
        let silence = [0i16; 960];
        let mut packet = [0u8; 1500];
        // libopus enters DTX after a few hundred ms of silence.
        let sizes: Vec<usize> = (0..30)
            .map(|_| encoder.encode(&silence, &mut packet).expect("encodes"))
            .collect();
        assert!(sizes[20..].iter().all(|&size| size <= 2), "{sizes:?}");
    }

    #[test]
    fn concealment_continues_the_signal() {
        let opus = Opus::default();
        let mut encoder = opus.make_encoder(&settings(1, 20, "")).expect("valid");
        let mut decoder = opus.make_decoder(&settings(1, 20, "")).expect("valid");
        let mut packet = [0u8; 1500];
        let mut frame = [0i16; 960];
        for chunk in tone(960 * 5, 1).chunks(960) {
            let bytes = encoder.encode(chunk, &mut packet).expect("encodes");
            decoder
                .decode(&packet[..bytes], &mut frame)
                .expect("decodes");
        }
        let mut concealed = [0i16; 1200];
        assert_eq!(decoder.conceal(&mut concealed), Ok(960));
        assert!(
            concealed[..960].iter().any(|&s| s.abs() > 1000),
            "not silence"
        );
        assert!(
            concealed[960..].iter().all(|&s| s == 0),
            "one packet time only"
        );
        // An empty payload is a loss too.
        assert_eq!(decoder.decode(&[], &mut concealed), Ok(960));
    }

    #[test]
    fn misuse_is_an_error_not_a_panic() {
        let opus = Opus::default();
        let mut encoder = opus.make_encoder(&settings(1, 20, "")).expect("valid");
        let error = encoder
            .encode(&[0; 1000], &mut [0; 1500])
            .expect_err("odd frame");
        assert!(
            error.message().starts_with(
                "opus encode: 1000 samples in 1 channel(s) are not one Opus frame at 48000 Hz"
            ),
            "{error}"
        );
        let error = encoder.encode(&[0; 960], &mut []).expect_err("no room");
        assert!(error.message().contains("empty"), "{error}");

        let mut decoder = opus.make_decoder(&settings(1, 20, "")).expect("valid");
        let mut packet = [0u8; 1500];
        let bytes = encoder.encode(&tone(960, 1), &mut packet).expect("encodes");
        let error = decoder
            .decode(&packet[..bytes], &mut [0; 480])
            .expect_err("20 ms does not fit in 10 ms");
        assert!(
            error.message().contains("holds 480 samples, too few"),
            "{error}"
        );
        let error = decoder.conceal(&mut [0; 100]).expect_err("too small");
        assert_eq!(
            error.message(),
            "opus conceal: the sample buffer holds 100 samples but a packet time needs 960"
        );
        // A code-3 packet claiming 63 frames of 60 ms with no data: corrupt.
        let error = decoder
            .decode(&[0xFB, 0xFF], &mut [0; 5760])
            .expect_err("corrupt");
        assert!(
            error.message().starts_with("opus decode: a corrupt packet"),
            "{error}"
        );
        for garbage in [&[0u8][..], &[0xFF; 7], &[0x03, 0x00], &[0x7F; 1300]] {
            // Whatever libopus makes of it, the answer is a value, never a panic.
            let _ = decoder.decode(garbage, &mut [0; 5760]);
        }
    }
}
