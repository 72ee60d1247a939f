//! The RTP engine of mod_sip: one [`RtpStream`] per call leg.
//!
//! The protocol work is sans-IO in `ferroswitch-media` and in this
//! module's halves ([`inbound`] receives, [`outbound`] sends, [`control`]
//! is RTCP, [`latch`] follows the peer through NAT, [`pacer`] keeps the
//! frame schedule); [`RtpStream`] is the thin driver around std UDP
//! sockets. It has no thread of its own: the session thread blocks in
//! [`RtpStream::read_frame`], which hands out one frame per packet time,
//! and whoever feeds the leg calls [`RtpStream::write_frame`]. A
//! same-codec bridge thus moves a packet from one leg's socket to the
//! other's with no thread hop.
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//! use mod_sip::rtp::{NegotiatedMedia, PortAllocator, RtpConfig, RtpStream};
//!
//! let config = RtpConfig {
//!     bind_ip: "127.0.0.1".parse().unwrap(),
//!     port_min: 16384,
//!     port_max: 32768,
//!     media_timeout: Duration::from_secs(60),
//! };
//! let ports = Arc::new(PortAllocator::new(config.port_min, config.port_max));
//! let stream = RtpStream::bind(&config, &ports)?;
//! // ... put stream.local_addr() in the SDP, negotiate, then:
//! stream.start(NegotiatedMedia {
//!     remote: "192.0.2.10:40000".parse().unwrap(),
//!     payload_type: 0,
//!     codec: "PCMU".into(),
//!     clock_rate: 8000,
//!     rate: 8000,
//!     ptime_ms: 20,
//!     telephone_event_pt: Some(101),
//! })?;
//! let mut frame = [0u8; 1500];
//! let meta = stream.read_frame(&mut frame, 1000)?;
//! stream.write_frame(&meta, &frame[..meta.len as usize])?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod control;
mod error;
mod inbound;
mod latch;
mod media;
mod outbound;
mod pacer;
mod ports;
mod socket;
mod stats;
mod stream;

use std::net::SocketAddr;

pub use error::{BadMedia, PortsExhausted, RtpError};
pub use media::{NegotiatedMedia, RtpConfig};
pub use pacer::Pacing;
pub use ports::PortAllocator;
pub use stats::RtpStats;
pub use stream::RtpStream;

/// Something worth one log line, for the signalling side to log on the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RtpNotice {
    /// Symmetric RTP: packets came from `to`, not where SDP said (`from`),
    /// so ours go there now (FreeSWITCH logs "Auto-adjusting").
    Latched { from: SocketAddr, to: SocketAddr },
}
