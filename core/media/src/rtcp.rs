//! RTCP (RFC 3550 §6): the packets a voice endpoint exchanges (SR, RR,
//! SDES CNAME, BYE), the receiver statistics that fill report blocks
//! (Appendix A.1, A.3, A.8), and a sans-IO [`RtcpScheduler`] that says
//! when the next report is due and builds it.
//!
//! An endpoint driver feeds every RTP packet it sends and receives to the
//! scheduler, hands it every RTCP datagram, and sends what
//! [`RtcpScheduler::poll_transmit`] returns once [`RtcpScheduler::poll_timeout`]
//! has passed:
//!
//! ```
//! use std::time::{Duration, Instant, SystemTime};
//! use ferroswitch_media::rtcp::{NtpClock, RtcpConfig, RtcpScheduler};
//! use ferroswitch_media::rtp::RtpHeader;
//!
//! let start = Instant::now();
//! let clock = NtpClock::new(start, SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
//! let mut rtcp = RtcpScheduler::new(start, RtcpConfig::new(0x1234, "ferroswitch@example.org", clock, 42));
//! let header = RtpHeader { marker: false, payload_type: 0, sequence: 1, timestamp: 160, ssrc: 0x99 };
//! rtcp.handle_rtp_received(start, &header, 8000);
//! let mut out = Vec::new();
//! let due = rtcp.poll_timeout();
//! assert!(rtcp.poll_transmit(due, &mut out));
//! assert!(!out.is_empty());
//! ```

mod ntp;
mod packet;
mod scheduler;
mod stats;

pub use ntp::{NtpClock, NtpTime};
pub use packet::{
    parse_compound, write_compound, Goodbye, ReceiverReport, ReportBlock, RtcpPacket, SdesChunk,
    SdesItem, SenderInfo, SenderReport, SourceDescription, SDES_CNAME,
};
pub use scheduler::{RtcpConfig, RtcpScheduler};
pub use stats::{ReceiverStats, SequenceUpdate};

use thiserror::Error;

/// Why an RTCP datagram cannot be read, or a report cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RtcpError {
    /// Fewer than the 4 bytes of a common header remain.
    #[error("RTCP packet too short at byte {offset}: {len} bytes left, a header needs 4")]
    TooShort { offset: usize, len: usize },
    /// The version bits are not 2.
    #[error("RTCP version {version} at byte {offset}, expected 2")]
    BadVersion { offset: usize, version: u8 },
    /// The length field points past the end of the datagram.
    #[error("RTCP packet at byte {offset} declares {declared} bytes, only {available} remain")]
    LengthOverrun {
        offset: usize,
        declared: usize,
        available: usize,
    },
    /// The padding count is zero or larger than the packet body.
    #[error("RTCP packet at byte {offset} has a bad padding count {padding}")]
    BadPadding { offset: usize, padding: usize },
    /// A packet body is too short for what its count field announces.
    #[error("RTCP packet type {packet_type} at byte {offset} is truncated: {reason}")]
    Truncated {
        offset: usize,
        packet_type: u8,
        reason: &'static str,
    },
    /// More than 31 report blocks, SDES chunks or BYE sources in one packet.
    #[error("{0} items given, an RTCP packet holds at most 31")]
    TooManyItems(usize),
    /// SDES item text and BYE reasons are limited to 255 bytes.
    #[error("RTCP text of {0} bytes is longer than 255")]
    TextTooLong(usize),
}
