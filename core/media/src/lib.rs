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
//!
//! A driver's loop, on a virtual clock here (a real one reads the socket
//! and `Instant::now()`):
//!
//! ```
//! use std::time::{Duration, Instant, SystemTime};
//! use ferroswitch_media::jitter::{JitterBuffer, JitterConfig, Popped};
//! use ferroswitch_media::rtcp::{parse_compound, NtpClock, RtcpConfig, RtcpScheduler};
//! use ferroswitch_media::rtp::{classify, PacketKind, RtpHeader, RtpPacket};
//!
//! let ptime = Duration::from_millis(20);
//! let start = Instant::now();
//! let mut jitter = JitterBuffer::new(JitterConfig::new(8000, ptime)).unwrap();
//! let clock = NtpClock::new(start, SystemTime::UNIX_EPOCH);
//! let mut rtcp = RtcpScheduler::new(start, RtcpConfig::new(0x1111, "fs@example.org", clock, 7));
//! let mut datagram = [0u8; 1500];
//! let mut report = Vec::new();
//!
//! for tick in 0..300u32 {
//!     let now = start + ptime * tick;
//!     // 1. A datagram arrives (here: the peer's next packet, built in place).
//!     let header = RtpHeader { marker: tick == 0, payload_type: 0, sequence: tick as u16,
//!                              timestamp: tick * 160, ssrc: 0x2222 };
//!     let len = header.write_packet(&[0xff; 160], &mut datagram).unwrap();
//!     match classify(&datagram[..len]) {
//!         PacketKind::Rtp => {
//!             let Ok(packet) = RtpPacket::parse(&datagram[..len]) else { continue };
//!             rtcp.handle_rtp_received(now, &packet.header, 8000);
//!             jitter.push(&packet.header, packet.payload, now);
//!         }
//!         PacketKind::Rtcp => {
//!             if let Ok(packets) = parse_compound(&datagram[..len]) {
//!                 rtcp.handle_rtcp(now, &packets);
//!             }
//!         }
//!         _ => {}
//!     }
//!     // 2. The playout timer fires: one pop per packet time.
//!     match jitter.pop(now) {
//!         Popped::Frame(frame) => { /* decode frame.payload */ }
//!         Popped::Lost { .. } => { /* conceal */ }
//!         Popped::Empty => { /* play silence */ }
//!     }
//!     // 3. RTCP when due; sleep until the earliest of the timers.
//!     if rtcp.poll_transmit(now, &mut report) {
//!         /* send `report` to the RTCP address, then */ report.clear();
//!     }
//! }
//! assert_eq!(jitter.stats().lost, 0);
//! assert!(rtcp.source(0x2222).is_some());
//! ```

pub mod jitter;
pub mod rtcp;
pub mod rtp;
pub mod sdp;
pub mod telephone_event;
