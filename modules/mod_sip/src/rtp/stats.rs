//! What a stream counts, for `show channels`, CDR variables and RTCP.

use std::net::SocketAddr;
use std::time::Duration;

/// A snapshot of one stream's counters since it was bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RtpStats {
    /// RTP packets sent, audio and telephone-events.
    pub packets_sent: u64,
    /// Payload bytes sent (RTP headers excluded, as RTCP counts them).
    pub bytes_sent: u64,
    /// Telephone-event packets among `packets_sent`.
    pub dtmf_packets_sent: u64,
    /// Valid RTP packets accepted from the peer, audio and telephone-events.
    pub packets_received: u64,
    /// Payload bytes of `packets_received`.
    pub bytes_received: u64,
    /// DTMF digits received (one per key press, not per packet).
    pub dtmf_digits_received: u64,
    /// Packets the peer sent that never arrived (RFC 3550 cumulative loss;
    /// negative when duplicates outnumber losses).
    pub lost: i64,
    /// Frames that arrived after their playout time.
    pub late: u64,
    /// Frames received twice.
    pub duplicates: u64,
    /// Frames played as silence because they were missing at playout time.
    pub concealed: u64,
    /// Interarrival jitter (RFC 3550 §6.4.1) of the peer's stream.
    pub jitter: Duration,
    /// Jitter buffer depth and the depth it aims for, in frames.
    pub jitter_buffer_frames: u16,
    pub jitter_buffer_target_frames: u16,
    /// Datagrams that are not RTP or RTCP, or fail to parse as one.
    pub malformed: u64,
    /// RTP packets with a payload type that was not negotiated.
    pub unknown_payload_type: u64,
    /// RTP packets from an address other than the latched one, with another SSRC.
    pub foreign_source: u64,
    /// Packets received while the direction said not to receive (hold).
    pub discarded_on_hold: u64,
    /// RTCP reports sent and received.
    pub rtcp_sent: u64,
    pub rtcp_received: u64,
    /// Round-trip time from the last report about our stream with LSR/DLSR.
    pub round_trip_time: Option<Duration>,
    /// Where our packets go now.
    pub destination: Option<SocketAddr>,
    /// Our SSRC and the peer's latest.
    pub local_ssrc: u32,
    pub remote_ssrc: Option<u32>,
    /// Sends the socket refused.
    pub send_errors: u64,
}
