//! ferroswitch media protocols, sans-IO.
//!
//! Everything here is a plain state machine over bytes and `Instant`s: no
//! sockets, threads, timers or randomness of its own. The SIP endpoint's
//! driver owns the UDP socket and the clock and feeds this crate:
//!
//! - [`rtp`]: parse RTP from a datagram, write it into a caller's buffer,
//!   tell RTP from RTCP on a muxed port;
//! - [`rtcp`]: SR/RR/SDES/BYE, receiver statistics, and an [`rtcp::RtcpScheduler`]
//!   that says when the next report is due;
//! - [`jitter`]: an adaptive jitter buffer for fixed-duration audio frames,
//!   popped once per packet time by the consumer's timer;
//! - [`telephone_event`]: RFC 4733 DTMF, a sender that paces packets and
//!   a receiver that turns packets into one event per key press;
//! - [`sdp`]: SDP parse/write and RFC 3264 offer/answer.
//!
//! Input from the network never panics: every parser returns a typed error.

pub mod jitter;
pub mod rtcp;
pub mod rtp;
pub mod sdp;
pub mod telephone_event;
