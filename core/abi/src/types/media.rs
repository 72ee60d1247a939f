//! A channel's media: the codec its endpoint speaks, and decoded audio as applications see it.

use abi_stable::{std_types::RString, StableAbi};

use crate::FrameFlags;

/// The codec a channel's endpoint reads and writes (what SDP negotiated, or what a loopback
/// leg was asked for). A channel that never declared one carries linear audio at 8 kHz in
/// 20 ms frames.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct MediaParams {
    /// The codec's name as registered (`PCMU`, `opus`, `L16`); empty for linear frames that
    /// need no codec module.
    pub codec: RString,
    /// Samples per second of the audio (not the RTP clock rate).
    pub rate: u32,
    /// Audio channels.
    pub channels: u8,
    /// Packet time in milliseconds.
    pub ptime_ms: u16,
    /// Negotiated fmtp parameters, empty if none.
    pub fmtp: RString,
}

impl MediaParams {
    /// Linear audio without a codec: what a channel carries until it declares one.
    pub fn linear(rate: u32, ptime_ms: u16) -> Self {
        Self {
            codec: RString::new(),
            rate,
            channels: 1,
            ptime_ms,
            fmtp: RString::new(),
        }
    }

    /// Whether frames are linear PCM that needs no codec module.
    pub fn is_linear(&self) -> bool {
        self.codec.is_empty()
    }

    /// Samples (per channel) in one frame.
    pub fn samples_per_frame(&self) -> usize {
        self.rate as usize * usize::from(self.ptime_ms) / 1000
    }
}

impl Default for MediaParams {
    fn default() -> Self {
        Self::linear(8000, 20)
    }
}

/// What [`Session::read_audio`](crate::Session::read_audio) read.
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub struct AudioFrame {
    /// Samples written to the caller's buffer (interleaved when stereo).
    pub samples: u32,
    /// Their rate (the one asked for).
    pub rate: u32,
    /// `CNG` when the far end sent no audio for this frame (the samples are silence).
    pub flags: FrameFlags,
    /// The frame's media timestamp, in samples at the channel's own rate.
    pub timestamp: u32,
}
