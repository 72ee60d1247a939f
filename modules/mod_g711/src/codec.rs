//! The PCMU and PCMA codecs: what they offer, and their per-call encoder and decoder.
//!
//! G.711 is sample by sample with no state, so an encoder or decoder is only the law it
//! applies; one byte of payload is one sample.

use ferroswitch_abi::{
    Codec, CodecDesc, CodecImplementation, CodecSettings, Decoder, Encoder, Error,
};

use crate::{alaw, ulaw};

/// The only rate G.711 runs at.
pub const SAMPLES_PER_SECOND: u32 = 8000;
/// The packet times offered, in milliseconds.
pub const PTIMES_MS: [u16; 5] = [10, 20, 30, 40, 60];
/// 8 bits per sample at 8000 Hz.
pub const BITS_PER_SECOND: u32 = 64_000;

/// One of the two G.711 laws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Law {
    /// µ-law, `PCMU`, static payload type 0.
    MuLaw,
    /// A-law, `PCMA`, static payload type 8.
    ALaw,
}

impl Law {
    /// The codec's name, as SDP and dialplans spell it.
    pub fn name(self) -> &'static str {
        match self {
            Law::MuLaw => "PCMU",
            Law::ALaw => "PCMA",
        }
    }

    /// The static RTP payload type (RFC 3551).
    pub fn payload_type(self) -> u8 {
        match self {
            Law::MuLaw => 0,
            Law::ALaw => 8,
        }
    }

    /// What `show codec` lists and SDP offers.
    pub fn desc(self) -> CodecDesc {
        CodecDesc {
            name: self.name().into(),
            encoding_name: self.name().into(),
            payload_type: Some(self.payload_type()).into(),
            fmtp: "".into(),
            implementations: vec![CodecImplementation {
                samples_per_second: SAMPLES_PER_SECOND,
                clock_rate: SAMPLES_PER_SECOND,
                channels: 1,
                ptimes_ms: PTIMES_MS.to_vec().into(),
                bits_per_second: BITS_PER_SECOND,
            }]
            .into(),
        }
    }

    /// Encodes `pcm` into the first `pcm.len()` bytes of `out`.
    pub fn encode(self, pcm: &[i16], out: &mut [u8]) -> Result<usize, Error> {
        let Some(out) = out.get_mut(..pcm.len()) else {
            return Err(Error::invalid_argument(format!(
                "{} encode: the output buffer holds {} bytes but {} samples need {}",
                self.name(),
                out.len(),
                pcm.len(),
                pcm.len()
            )));
        };
        // Two loops, not one with a branch inside, so each stays a tight table walk.
        match self {
            Law::MuLaw => out
                .iter_mut()
                .zip(pcm)
                .for_each(|(code, &sample)| *code = ulaw::encode(sample)),
            Law::ALaw => out
                .iter_mut()
                .zip(pcm)
                .for_each(|(code, &sample)| *code = alaw::encode(sample)),
        }
        Ok(pcm.len())
    }

    /// Decodes `payload` into the first `payload.len()` samples of `pcm`.
    pub fn decode(self, payload: &[u8], pcm: &mut [i16]) -> Result<usize, Error> {
        let Some(pcm) = pcm.get_mut(..payload.len()) else {
            return Err(Error::invalid_argument(format!(
                "{} decode: the sample buffer holds {} samples but {} bytes need {}",
                self.name(),
                pcm.len(),
                payload.len(),
                payload.len()
            )));
        };
        match self {
            Law::MuLaw => pcm
                .iter_mut()
                .zip(payload)
                .for_each(|(sample, &code)| *sample = ulaw::decode(code)),
            Law::ALaw => pcm
                .iter_mut()
                .zip(payload)
                .for_each(|(sample, &code)| *sample = alaw::decode(code)),
        }
        Ok(payload.len())
    }

    /// Refuses settings this law does not run at, naming what it does run at.
    fn check(self, settings: &CodecSettings) -> Result<(), Error> {
        let problem = if settings.samples_per_second != SAMPLES_PER_SECOND {
            format!(
                "{} Hz is not supported (8000 Hz only)",
                settings.samples_per_second
            )
        } else if settings.channels != 1 {
            format!(
                "{} channels is not supported (mono only)",
                settings.channels
            )
        } else if !PTIMES_MS.contains(&settings.ptime_ms) {
            format!(
                "a packet time of {} ms is not supported (10, 20, 30, 40 or 60 ms)",
                settings.ptime_ms
            )
        } else {
            return Ok(());
        };
        Err(Error::invalid_argument(format!(
            "{}: {problem}",
            self.name()
        )))
    }
}

/// The codec factory registered for one law.
#[derive(Clone, Copy, Debug)]
pub struct G711(pub Law);

impl Codec for G711 {
    fn encoder(&self, settings: &CodecSettings) -> Result<Box<dyn Encoder>, Error> {
        self.0.check(settings)?;
        Ok(Box::new(*self))
    }

    fn decoder(&self, settings: &CodecSettings) -> Result<Box<dyn Decoder>, Error> {
        self.0.check(settings)?;
        Ok(Box::new(*self))
    }
}

impl Encoder for G711 {
    fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> Result<usize, Error> {
        self.0.encode(pcm, out)
    }
}

impl Decoder for G711 {
    fn decode(&mut self, payload: &[u8], pcm: &mut [i16]) -> Result<usize, Error> {
        self.0.decode(payload, pcm)
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

    /// 20 ms of a 1 kHz tone at 8 kHz, at about -6 dBFS.
    fn tone() -> Vec<i16> {
        (0..160)
            .map(|n| (16_000.0 * (f64::from(n) * std::f64::consts::TAU / 8.0).sin()) as i16)
            .collect()
    }

    #[test]
    fn descriptions_carry_the_static_payload_types() {
        let pcmu = Law::MuLaw.desc();
        assert_eq!(pcmu.name.as_str(), "PCMU");
        assert_eq!(pcmu.payload_type.into_option(), Some(0));
        let pcma = Law::ALaw.desc();
        assert_eq!(pcma.encoding_name.as_str(), "PCMA");
        assert_eq!(pcma.payload_type.into_option(), Some(8));
        let implementation = &pcma.implementations[0];
        assert_eq!(implementation.samples_per_second, 8000);
        assert_eq!(implementation.bits_per_second, 64_000);
        assert_eq!(implementation.ptimes_ms.as_slice(), [10, 20, 30, 40, 60]);
    }

    #[test]
    fn encoder_and_decoder_round_trip_a_frame() {
        for law in [Law::MuLaw, Law::ALaw] {
            let codec = G711(law);
            let mut encoder = codec.encoder(&settings(8000, 1, 20)).expect("supported");
            let mut decoder = codec.decoder(&settings(8000, 1, 20)).expect("supported");
            let pcm = tone();
            let mut payload = [0u8; 160];
            assert_eq!(encoder.encode(&pcm, &mut payload), Ok(160));
            let mut decoded = [0i16; 200];
            assert_eq!(decoder.decode(&payload, &mut decoded), Ok(160));
            for (original, decoded) in pcm.iter().zip(&decoded) {
                let error = (i32::from(*original) - i32::from(*decoded)).abs();
                assert!(error <= 512, "{law:?}: {original} came back as {decoded}");
            }
            assert!(
                decoded[160..].iter().all(|&sample| sample == 0),
                "untouched"
            );
        }
    }

    #[test]
    fn the_two_laws_differ() {
        let pcm = tone();
        let (mut mu, mut a) = ([0u8; 160], [0u8; 160]);
        Law::MuLaw.encode(&pcm, &mut mu).expect("fits");
        Law::ALaw.encode(&pcm, &mut a).expect("fits");
        assert_ne!(mu, a);
        let (mut from_mu, mut from_a) = ([0i16], [0i16]);
        Law::MuLaw.decode(&[0xD5], &mut from_mu).expect("fits");
        Law::ALaw.decode(&[0xD5], &mut from_a).expect("fits");
        assert_eq!(from_a, [8]);
        assert_ne!(from_mu, from_a);
    }

    #[test]
    fn short_buffers_are_refused_by_name() {
        let error = Law::MuLaw
            .encode(&tone(), &mut [0u8; 100])
            .expect_err("100 bytes cannot hold 160 codes");
        assert_eq!(error.kind, ferroswitch_abi::ErrorKind::INVALID_ARGUMENT);
        assert_eq!(
            error.message(),
            "PCMU encode: the output buffer holds 100 bytes but 160 samples need 160"
        );
        let error = Law::ALaw
            .decode(&[0xD5; 160], &mut [0i16; 80])
            .expect_err("80 samples cannot hold 160");
        assert_eq!(
            error.message(),
            "PCMA decode: the sample buffer holds 80 samples but 160 bytes need 160"
        );
    }

    #[test]
    fn unsupported_settings_are_refused_by_name() {
        let codec = G711(Law::ALaw);
        for (settings, reason) in [
            (settings(16000, 1, 20), "PCMA: 16000 Hz is not supported"),
            (settings(8000, 2, 20), "PCMA: 2 channels is not supported"),
            (settings(8000, 1, 25), "PCMA: a packet time of 25 ms"),
        ] {
            let error = codec.encoder(&settings).err().expect("refused");
            assert!(error.message().starts_with(reason), "{error}");
            let error = codec.decoder(&settings).err().expect("refused");
            assert!(error.message().starts_with(reason), "{error}");
        }
        for ptime in PTIMES_MS {
            assert!(
                codec.encoder(&settings(8000, 1, ptime)).is_ok(),
                "{ptime} ms"
            );
        }
    }
}
