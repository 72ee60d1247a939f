//! One call's Opus decoder, with libopus' packet-loss concealment.

use audiopus::coder::Decoder as Libopus;
use audiopus::ErrorCode;
use ferroswitch_abi::{Decoder, Error};

use crate::shape::Shape;

/// A decoder for one call.
///
/// Samples written are counted interleaved: 20 ms of 48 kHz stereo is 1920.
#[derive(Debug)]
pub struct OpusDecoder {
    libopus: Libopus,
    shape: Shape,
}

impl OpusDecoder {
    /// A decoder producing audio of `shape`.
    pub fn new(shape: Shape) -> Result<Self, Error> {
        let libopus =
            Libopus::new(shape.sample_rate(), shape.opus_channels()).map_err(|error| {
                Error::failed(format!(
                    "opus: libopus refused to create a decoder: {error}"
                ))
            })?;
        Ok(Self { libopus, shape })
    }
}

impl Decoder for OpusDecoder {
    /// An empty payload is taken as a lost packet and concealed.
    fn decode(&mut self, payload: &[u8], pcm: &mut [i16]) -> Result<usize, Error> {
        if payload.is_empty() {
            return self.conceal(pcm);
        }
        // libopus wants whole frames and never writes more than one packet's worth (120 ms).
        let channels = self.shape.channels();
        let capacity = pcm.len();
        let room = capacity.min(self.shape.longest_packet_samples()) / channels * channels;
        self.libopus
            .decode(Some(payload), &mut pcm[..room], false)
            .map(|per_channel| per_channel * channels)
            .map_err(|error| match error {
                audiopus::Error::Opus(ErrorCode::BufferTooSmall) => {
                    Error::invalid_argument(format!(
                        "opus decode: the sample buffer holds {} samples, too few for a packet \
                         of {} bytes",
                        capacity,
                        payload.len()
                    ))
                }
                audiopus::Error::Opus(ErrorCode::InvalidPacket) => Error::invalid_argument(
                    format!("opus decode: a corrupt packet of {} bytes", payload.len()),
                ),
                other => Error::failed(format!("opus decode: {other}")),
            })
    }

    /// One packet time of libopus' concealment, extrapolated from the audio before the loss.
    fn conceal(&mut self, pcm: &mut [i16]) -> Result<usize, Error> {
        let samples = self.shape.ptime_samples();
        let room = pcm.len();
        let Some(pcm) = pcm.get_mut(..samples) else {
            return Err(Error::invalid_argument(format!(
                "opus conceal: the sample buffer holds {room} samples but a packet time needs \
                 {samples}"
            )));
        };
        self.libopus
            .decode(None::<&[u8]>, pcm, false)
            .map(|per_channel| per_channel * self.shape.channels())
            .map_err(|error| Error::failed(format!("opus conceal: {error}")))
    }
}
