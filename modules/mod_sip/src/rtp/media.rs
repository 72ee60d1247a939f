//! What the signalling side hands the RTP engine: where to bind, and the
//! media an offer/answer settled on.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use ferroswitch_abi::CodecName;

use super::error::BadMedia;

/// Where streams bind and when a silent one counts as dead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpConfig {
    /// Address RTP sockets bind to (the profile's `rtp-ip`).
    pub bind_ip: IpAddr,
    /// Port range, inclusive: RTP on its even ports, RTCP one above.
    pub port_min: u16,
    pub port_max: u16,
    /// How long without RTP before the call is hung up with MEDIA_TIMEOUT;
    /// the signalling side compares [`RtpStream::idle_for`](super::RtpStream::idle_for) with it.
    pub media_timeout: Duration,
}

/// The result of SDP offer/answer for one audio stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegotiatedMedia {
    /// The peer's RTP address from its SDP (`c=` and `m=`).
    pub remote: SocketAddr,
    /// Payload type of the audio codec, as the peer numbers it.
    pub payload_type: u8,
    /// Codec name as the core's codec modules know it (`PCMU`, `opus`).
    pub codec: String,
    /// RTP clock rate (8000 for G.711 and G.722, 48000 for Opus).
    pub clock_rate: u32,
    /// Audio sample rate, which differs from the clock rate for G.722.
    pub rate: u32,
    /// Packet time.
    pub ptime_ms: u16,
    /// Payload type of `telephone-event`, if the peer offered it; its
    /// clock rate is taken to be the audio clock rate, as offers pair them.
    pub telephone_event_pt: Option<u8>,
}

impl NegotiatedMedia {
    /// Checks what the stream cannot run with.
    pub(crate) fn validate(&self) -> Result<(), BadMedia> {
        if self.payload_type > 127 {
            return Err(BadMedia::PayloadType(self.payload_type));
        }
        if let Some(pt) = self.telephone_event_pt {
            if pt > 127 || pt == self.payload_type {
                return Err(BadMedia::TelephoneEventPayloadType(pt));
            }
        }
        if self.ptime_ms == 0 {
            return Err(BadMedia::ZeroPtime);
        }
        Ok(())
    }

    pub(crate) fn ptime(&self) -> Duration {
        Duration::from_millis(u64::from(self.ptime_ms))
    }

    /// RTP timestamp units in one packet time.
    pub(crate) fn samples_per_frame(&self) -> u32 {
        let samples = u64::from(self.clock_rate) * u64::from(self.ptime_ms) / 1000;
        u32::try_from(samples).unwrap_or(u32::MAX)
    }

    pub(crate) fn codec_name(&self) -> CodecName {
        CodecName::new(&self.codec)
    }

    /// The packet time as a frame carries it (a `u8` of milliseconds).
    pub(crate) fn frame_ptime_ms(&self) -> u8 {
        u8::try_from(self.ptime_ms).unwrap_or(u8::MAX)
    }

    /// The RTCP address the peer implies: RTP port + 1 (RFC 3550 §11),
    /// as no `a=rtcp` reaches this layer.
    pub(crate) fn remote_rtcp(&self) -> SocketAddr {
        SocketAddr::new(self.remote.ip(), self.remote.port().wrapping_add(1))
    }

    /// Whether switching from `self` to `other` needs a new jitter buffer.
    pub(crate) fn same_audio(&self, other: &NegotiatedMedia) -> bool {
        self.payload_type == other.payload_type
            && self.codec == other.codec
            && self.clock_rate == other.clock_rate
            && self.ptime_ms == other.ptime_ms
    }
}
