//! SDP (RFC 8866): an owned session description, parsed strictly enough
//! to name the line and the reason when something is wrong, written back
//! in the grammar's order with CRLF; and offer/answer (RFC 3264) for one
//! audio stream in [`negotiate`].
//!
//! The attributes an endpoint acts on (`rtpmap`, `fmtp`, `ptime`,
//! `maxptime`, direction, `rtcp`, `rtcp-mux`) are typed; every other
//! attribute and rarely used line (`u=`, `e=`, `k=`, `r=`, ...) is kept as
//! written so a description survives a parse/write round trip.
//!
//! ```
//! use ferroswitch_media::sdp::{Direction, SessionDescription};
//!
//! let sdp: SessionDescription = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n\
//!     t=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendonly\r\n"
//!     .parse()?;
//! let audio = &sdp.media[0];
//! assert_eq!(audio.port, 4000);
//! assert_eq!(sdp.direction(audio), Direction::SendOnly);
//! assert_eq!(audio.rtpmap(101).unwrap().encoding, "telephone-event");
//! # Ok::<(), ferroswitch_media::sdp::SdpError>(())
//! ```

mod codec;
pub mod negotiate;
mod parse;
mod write;

use std::net::IpAddr;

use thiserror::Error;

pub use codec::{static_payload_type, Codec};
pub use negotiate::{CodecPolicy, LocalMedia, Negotiated, NegotiationError, OfferAnswer};

/// A whole session description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDescription {
    pub origin: Origin,
    /// `s=`; `-` when there is nothing to say.
    pub session_name: String,
    /// Session-level `c=`, the default for media without their own.
    pub connection: Option<Connection>,
    pub bandwidths: Vec<Bandwidth>,
    /// `t=` lines; `t=0 0` for a SIP session.
    pub timing: Vec<Timing>,
    pub attributes: Vec<Attribute>,
    pub media: Vec<MediaDescription>,
    /// `i=`, `u=`, `e=`, `p=`, `r=`, `z=`, `k=` as written, kept in order.
    pub other_lines: Vec<SdpLine>,
}

/// The `o=` line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub username: String,
    pub session_id: u64,
    /// Increases whenever the description changes (RFC 3264 §8).
    pub session_version: u64,
    pub network_type: String,
    pub address_type: String,
    pub address: String,
}

/// A `c=` line (or the address part of `a=rtcp`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// `IN`.
    pub network_type: String,
    /// `IP4` or `IP6`.
    pub address_type: String,
    /// An address or host name, possibly with a multicast `/ttl` suffix.
    pub address: String,
}

/// A `b=` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bandwidth {
    /// `AS`, `CT`, `TIAS`, ...
    pub kind: String,
    pub value: u64,
}

/// A `t=` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub start: u64,
    pub stop: u64,
}

/// A line this crate does not interpret, kept for the round trip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpLine {
    pub kind: char,
    pub value: String,
}

/// An `m=` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaDescription {
    /// `audio`, `video`, ...
    pub kind: String,
    /// 0 rejects or disables the stream.
    pub port: u16,
    pub port_count: Option<u16>,
    /// `RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`, ...
    pub protocol: String,
    /// Payload type numbers for RTP, as written.
    pub formats: Vec<String>,
    pub connection: Option<Connection>,
    pub bandwidths: Vec<Bandwidth>,
    pub attributes: Vec<Attribute>,
    /// `i=` and `k=` as written.
    pub other_lines: Vec<SdpLine>,
}

/// An `a=` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attribute {
    RtpMap(RtpMap),
    Fmtp {
        payload_type: u8,
        parameters: String,
    },
    /// Packet time in milliseconds.
    Ptime(u32),
    MaxPtime(u32),
    Direction(Direction),
    /// RFC 3605: RTCP on a port other than RTP's + 1.
    Rtcp {
        port: u16,
        connection: Option<Connection>,
    },
    /// RFC 5761: RTCP on the RTP port.
    RtcpMux,
    /// Anything else, as written.
    Other {
        name: String,
        value: Option<String>,
    },
}

/// `a=rtpmap:<payload type> <encoding>/<clock rate>[/<channels>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpMap {
    pub payload_type: u8,
    pub encoding: String,
    pub clock_rate: u32,
    pub channels: Option<u16>,
}

/// Media direction (RFC 3264 §5.1), from our side's point of view when
/// we write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// A malformed description: the line (1-based) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("SDP line {line}: {reason}")]
pub struct SdpError {
    pub line: usize,
    pub reason: SdpErrorReason,
}

/// What is wrong with an SDP line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SdpErrorReason {
    #[error("the description is empty")]
    Empty,
    #[error("expected `<letter>=<value>`, found {0:?}")]
    NotATypeLine(String),
    #[error("unknown line type `{0}=`")]
    UnknownType(char),
    #[error("the description must start with v=0, found {0:?}")]
    MissingVersion(String),
    #[error("unsupported SDP version {0:?}")]
    UnsupportedVersion(String),
    #[error("`{0}=` appears twice")]
    Duplicate(char),
    #[error("`{0}=` is not allowed inside a media description")]
    NotAllowedInMedia(char),
    #[error("the description has no `{0}=` line")]
    Missing(char),
    #[error("`{line}=` needs {expected}, found {found:?}")]
    Malformed {
        line: char,
        expected: &'static str,
        found: String,
    },
    #[error("a={attribute}: {reason}")]
    BadAttribute {
        attribute: &'static str,
        reason: String,
    },
}

impl SessionDescription {
    /// Parses a description with CRLF or LF line ends.
    pub fn parse(text: &str) -> Result<Self, SdpError> {
        parse::parse(text)
    }

    /// The connection address media use: their own `c=` or the session's.
    pub fn connection_for<'a>(&'a self, media: &'a MediaDescription) -> Option<&'a Connection> {
        media.connection.as_ref().or(self.connection.as_ref())
    }

    /// The direction of a media section: its own attribute, else the
    /// session's, else sendrecv (RFC 3264 §5.1).
    pub fn direction(&self, media: &MediaDescription) -> Direction {
        direction_in(&media.attributes)
            .or_else(|| direction_in(&self.attributes))
            .unwrap_or(Direction::SendRecv)
    }

    /// True when the media section puts the call on hold: sendonly or
    /// inactive, or the RFC 2543 style `c=0.0.0.0`.
    pub fn is_hold(&self, media: &MediaDescription) -> bool {
        let unspecified = self
            .connection_for(media)
            .and_then(Connection::ip)
            .is_some_and(|ip| ip.is_unspecified());
        unspecified
            || matches!(
                self.direction(media),
                Direction::SendOnly | Direction::Inactive
            )
    }
}

impl std::str::FromStr for SessionDescription {
    type Err = SdpError;

    fn from_str(text: &str) -> Result<Self, SdpError> {
        parse::parse(text)
    }
}

impl Connection {
    /// `IN IP4 <address>` or `IN IP6 <address>` for an IP address.
    pub fn from_ip(ip: IpAddr) -> Self {
        Connection {
            network_type: "IN".to_owned(),
            address_type: if ip.is_ipv4() { "IP4" } else { "IP6" }.to_owned(),
            address: ip.to_string(),
        }
    }

    /// The address as an IP, without a multicast `/ttl` suffix; `None`
    /// for a host name.
    pub fn ip(&self) -> Option<IpAddr> {
        let address = self.address.split('/').next().unwrap_or_default();
        address.parse().ok()
    }
}

impl MediaDescription {
    /// Payload types of an RTP media line (formats that are not numbers are skipped).
    pub fn payload_types(&self) -> impl Iterator<Item = u8> + '_ {
        self.formats.iter().filter_map(|format| format.parse().ok())
    }

    pub fn rtpmaps(&self) -> impl Iterator<Item = &RtpMap> {
        self.attributes
            .iter()
            .filter_map(|attribute| match attribute {
                Attribute::RtpMap(map) => Some(map),
                _ => None,
            })
    }

    pub fn rtpmap(&self, payload_type: u8) -> Option<&RtpMap> {
        self.rtpmaps().find(|map| map.payload_type == payload_type)
    }

    /// The `fmtp` parameters of a payload type.
    pub fn fmtp(&self, payload_type: u8) -> Option<&str> {
        self.attributes
            .iter()
            .find_map(|attribute| match attribute {
                Attribute::Fmtp {
                    payload_type: pt,
                    parameters,
                } if *pt == payload_type => Some(parameters.as_str()),
                _ => None,
            })
    }

    pub fn ptime(&self) -> Option<u32> {
        self.attributes
            .iter()
            .find_map(|attribute| match attribute {
                Attribute::Ptime(ms) => Some(*ms),
                _ => None,
            })
    }

    pub fn max_ptime(&self) -> Option<u32> {
        self.attributes
            .iter()
            .find_map(|attribute| match attribute {
                Attribute::MaxPtime(ms) => Some(*ms),
                _ => None,
            })
    }

    /// The media-level direction attribute, if any.
    pub fn direction(&self) -> Option<Direction> {
        direction_in(&self.attributes)
    }

    pub fn rtcp_mux(&self) -> bool {
        self.attributes.contains(&Attribute::RtcpMux)
    }

    /// The `a=rtcp` port and address, if given.
    pub fn rtcp(&self) -> Option<(u16, Option<&Connection>)> {
        self.attributes
            .iter()
            .find_map(|attribute| match attribute {
                Attribute::Rtcp { port, connection } => Some((*port, connection.as_ref())),
                _ => None,
            })
    }

    /// Value of an attribute kept as written (`None` if absent,
    /// `Some(None)` for a flag).
    pub fn other_attribute(&self, name: &str) -> Option<Option<&str>> {
        self.attributes
            .iter()
            .find_map(|attribute| match attribute {
                Attribute::Other { name: n, value } if n == name => Some(value.as_deref()),
                _ => None,
            })
    }
}

impl Direction {
    /// What the answerer may do given the offerer's direction (RFC 3264 §6.1).
    pub fn answer_to(self) -> Direction {
        match self {
            Direction::SendRecv => Direction::SendRecv,
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            Direction::Inactive => Direction::Inactive,
        }
    }

    /// Sends and receives only where both allow it.
    pub fn intersect(self, other: Direction) -> Direction {
        Direction::from_flags(
            self.sends() && other.sends(),
            self.receives() && other.receives(),
        )
    }

    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    pub fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    pub fn from_flags(sends: bool, receives: bool) -> Direction {
        match (sends, receives) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }
}

fn direction_in(attributes: &[Attribute]) -> Option<Direction> {
    attributes.iter().find_map(|attribute| match attribute {
        Attribute::Direction(direction) => Some(*direction),
        _ => None,
    })
}
