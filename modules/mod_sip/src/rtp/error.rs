//! What can go wrong on an RTP stream, named for the caller to act on.

use std::io;
use std::net::SocketAddr;

use ferroswitch_media::jitter::JitterConfigError;
use ferroswitch_media::sdp::Direction;
use ferroswitch_media::telephone_event::TelephoneEventError;
use thiserror::Error;

/// Why an [`RtpStream`](super::RtpStream) call failed.
///
/// The signalling side maps [`RtpError::Closed`] to `ErrorKind::HUNG_UP`
/// and [`RtpError::Timeout`] to `ErrorKind::TIMEOUT`; the rest are failures
/// of this stream worth logging with their message.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RtpError {
    /// [`close`](super::RtpStream::close) was called: the call leg is gone.
    #[error("RTP stream on {local} is closed")]
    Closed { local: SocketAddr },
    /// No frame was due or arrived within the caller's timeout.
    #[error("no RTP frame within {timeout_ms} ms")]
    Timeout { timeout_ms: u32 },
    /// Media was written or DTMF sent before [`start`](super::RtpStream::start)
    /// gave the stream a remote address and a codec.
    #[error("RTP stream on {local} is not started: no remote address or codec yet")]
    NotStarted { local: SocketAddr },
    /// [`start`](super::RtpStream::start) was given media this stream cannot run.
    #[error("cannot start RTP: {0}")]
    BadMedia(#[from] BadMedia),
    /// The caller's buffer cannot hold the frame that was due (the frame is dropped).
    #[error("read buffer of {capacity} bytes cannot hold a {needed}-byte {codec} frame")]
    BufferTooSmall {
        codec: String,
        needed: usize,
        capacity: usize,
    },
    /// A frame larger than one RTP packet may carry.
    #[error("{len}-byte payload is larger than the {max} bytes an RTP packet may carry")]
    PayloadTooLarge { len: usize, max: usize },
    /// DTMF was asked for but the remote offered no telephone-event payload type.
    #[error("cannot send DTMF: no telephone-event payload type was negotiated")]
    NoTelephoneEvent,
    /// DTMF was asked for while the negotiated direction forbids sending.
    #[error("cannot send DTMF while the stream is {direction:?}")]
    NotSending { direction: Direction },
    /// The digit or its duration cannot be sent as a telephone-event.
    #[error("cannot send DTMF: {0}")]
    Dtmf(#[from] TelephoneEventError),
    /// The socket refused a datagram.
    #[error("sending RTP to {to} failed: {source}")]
    Send {
        to: SocketAddr,
        #[source]
        source: io::Error,
    },
    /// Receiving failed for a reason other than "nothing yet".
    #[error("receiving RTP on {local} failed: {source}")]
    Receive {
        local: SocketAddr,
        #[source]
        source: io::Error,
    },
}

/// Negotiated media that cannot drive a stream.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BadMedia {
    #[error("payload type {0} is out of range 0-127")]
    PayloadType(u8),
    #[error("telephone-event payload type {0} is out of range 0-127 or equals the audio one")]
    TelephoneEventPayloadType(u8),
    #[error("packet time of 0 ms")]
    ZeroPtime,
    #[error("{codec} at clock rate {clock_rate} with ptime {ptime_ms} ms: {reason}")]
    Jitter {
        codec: String,
        clock_rate: u32,
        ptime_ms: u16,
        reason: JitterConfigError,
    },
}

/// Every even port of the range is taken, by this process or another.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error(
    "no free RTP port pair in {min}-{max}: {in_use} pairs in use here, {refused} refused by the system"
)]
pub struct PortsExhausted {
    pub min: u16,
    pub max: u16,
    /// Pairs held by streams of this allocator.
    pub in_use: usize,
    /// Free pairs whose bind failed (taken by another process, or no such address).
    pub refused: usize,
}
