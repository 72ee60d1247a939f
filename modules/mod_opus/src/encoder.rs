//! One call's Opus encoder.

use audiopus::coder::Encoder as Libopus;
use audiopus::{Application, Channels, ErrorCode};
use ferroswitch_abi::{Encoder, Error};

use crate::shape::Shape;
use crate::tuning::Tuning;

/// The largest packet asked of libopus: the size its documentation recommends for the
/// output buffer, and well within the `i32` audiopus passes the length as.
const MAX_PACKET_BYTES: usize = 4000;

/// An encoder for one call, tuned once when it is made.
///
/// With DTX on, silent frames come out as packets of 1 or 2 bytes, which a sender may skip
/// (RFC 7587 §3.1.3); the caller decides.
#[derive(Debug)]
pub struct OpusEncoder {
    libopus: Libopus,
    shape: Shape,
}

impl OpusEncoder {
    /// An encoder for audio of `shape`, set to `tuning`.
    pub fn new(shape: Shape, tuning: &Tuning) -> Result<Self, Error> {
        // Speech gets the VoIP mode's speech tuning; a stereo call is more likely music.
        let application = match shape.opus_channels() {
            Channels::Stereo => Application::Audio,
            _ => Application::Voip,
        };
        let fail = |what: &str, error: audiopus::Error| {
            Error::failed(format!("opus: libopus refused to {what}: {error}"))
        };
        let mut libopus = Libopus::new(shape.sample_rate(), shape.opus_channels(), application)
            .map_err(|error| fail("create an encoder", error))?;
        libopus
            .set_vbr(tuning.vbr)
            .map_err(|error| fail("set variable bit rate", error))?;
        libopus
            .set_complexity(tuning.complexity)
            .map_err(|error| fail("set the complexity", error))?;
        libopus
            .set_bitrate(tuning.bitrate)
            .map_err(|error| fail("set the bit rate", error))?;
        libopus
            .set_max_bandwidth(tuning.max_bandwidth)
            .map_err(|error| fail("set the audio bandwidth", error))?;
        libopus
            .set_inband_fec(tuning.inband_fec)
            .map_err(|error| fail("set in-band FEC", error))?;
        libopus
            .set_packet_loss_perc(tuning.packet_loss_percent)
            .map_err(|error| fail("set the expected packet loss", error))?;
        // audiopus 0.2 has no DTX setter; the request is libopus' own.
        libopus
            .set_encoder_ctl_request(audiopus::ffi::OPUS_SET_DTX_REQUEST, i32::from(tuning.dtx))
            .map_err(|error| fail("set DTX", error))?;
        Ok(Self { libopus, shape })
    }

    /// Whether libopus was told to use in-band FEC (for tests).
    pub fn inband_fec(&self) -> bool {
        self.libopus.inband_fec().unwrap_or(false)
    }

    /// Whether libopus was told to use DTX (for tests).
    pub fn dtx(&self) -> bool {
        self.libopus
            .encoder_ctl_request(audiopus::ffi::OPUS_GET_DTX_REQUEST)
            .is_ok_and(|dtx| dtx == 1)
    }

    /// The bit rate libopus is set to, in bit/s (for tests).
    pub fn bitrate(&self) -> Option<i32> {
        match self.libopus.bitrate() {
            Ok(audiopus::Bitrate::BitsPerSecond(rate)) => Some(rate),
            _ => None,
        }
    }
}

impl Encoder for OpusEncoder {
    fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> Result<usize, Error> {
        if !self.shape.is_opus_frame(pcm.len()) {
            return Err(Error::invalid_argument(format!(
                "opus encode: {} samples in {} channel(s) are not one Opus frame at {} Hz ({})",
                pcm.len(),
                self.shape.channels(),
                self.shape.rate(),
                self.shape.opus_frames()
            )));
        }
        if out.is_empty() {
            return Err(Error::invalid_argument(
                "opus encode: the output buffer is empty",
            ));
        }
        let limit = out.len().min(MAX_PACKET_BYTES);
        self.libopus
            .encode(pcm, &mut out[..limit])
            .map_err(|error| match error {
                audiopus::Error::Opus(ErrorCode::BufferTooSmall) => {
                    Error::invalid_argument(format!(
                        "opus encode: the output buffer of {} bytes is too small for the packet",
                        out.len()
                    ))
                }
                other => Error::failed(format!("opus encode: {other}")),
            })
    }
}
