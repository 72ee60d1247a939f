//! The seam where a call leg's RTP stream plugs in.
//!
//! Signalling needs four things from media: a local address to write in SDP, a way to
//! start (and restart, on re-INVITE) sending to what offer/answer agreed, a direction for
//! hold, and frames and digits for the session. [`MediaStream`] is exactly that. The RTP
//! engine (`rtp::RtpStream`, through `rtp_media::RtpMedia`) implements it and
//! `Profile::open_media` creates it.

use std::net::SocketAddr;
use std::time::Duration;

use ferroswitch_abi::{Dtmf, Error, FrameMeta};
use ferroswitch_media::sdp::Direction;

use crate::rtp::Pacing;

/// What offer/answer agreed for a leg, in the RTP engine's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NegotiatedMedia {
    /// Where to send RTP.
    pub remote: SocketAddr,
    /// The payload type both directions use.
    pub payload_type: u8,
    /// The codec's name (`PCMU`).
    pub codec: String,
    /// The RTP clock rate.
    pub clock_rate: u32,
    /// The audio sample rate (differs from the clock rate for G.722).
    pub rate: u32,
    /// Packet time.
    pub ptime_ms: u16,
    /// RFC 4733 payload type, when both sides do it.
    pub telephone_event_pt: Option<u8>,
}

/// One call leg's media, as signalling uses it. All methods take `&self`: the session's
/// thread reads and writes while the SIP driver starts, redirects and closes.
pub trait MediaStream: Send + Sync {
    /// Where we receive RTP (the port written in SDP).
    fn local_addr(&self) -> SocketAddr;
    /// Starts or redirects media to what was negotiated.
    fn start(&self, media: &NegotiatedMedia) -> Result<(), Error>;
    /// Reads the next frame (blocking up to `timeout_ms`, paced by the packet time).
    fn read_frame(&self, buf: &mut [u8], timeout_ms: u32) -> Result<FrameMeta, Error>;
    /// Writes a frame.
    fn write_frame(&self, meta: &FrameMeta, payload: &[u8]) -> Result<(), Error>;
    /// Sends a digit in-band as RFC 4733; `ErrorKind::UNSUPPORTED` when this stream cannot
    /// (the caller then falls back to SIP INFO).
    fn send_dtmf(&self, dtmf: Dtmf) -> Result<(), Error>;
    /// A digit received in-band, if any.
    fn take_dtmf(&self) -> Option<Dtmf>;
    /// How long since the last packet arrived; `None` when this stream cannot tell, which
    /// never counts as a media timeout.
    fn idle_for(&self) -> Option<Duration>;
    /// Hold (sendonly / inactive) and resume.
    fn set_direction(&self, direction: Direction);
    /// Whether reads follow the stream's own clock or the packets' arrival.
    fn set_pacing(&self, pacing: Pacing);
    /// Wakes a blocked read without closing (`KillSignal::Break`).
    fn interrupt(&self);
    /// Stops everything; later reads fail with `HUNG_UP`.
    fn close(&self);
    /// The call's media counters as FreeSWITCH names them in channel variables at hangup
    /// (`rtp_audio_in_packet_count`, ...), for CDRs and `uuid_dump`.
    fn stats_variables(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}
