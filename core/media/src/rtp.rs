//! RTP packets (RFC 3550 §5.1): parse from a datagram without copying, write
//! into a caller-owned buffer, and tell RTP from RTCP (and STUN/DTLS) on a
//! shared port.
//!
//! The hot path of an endpoint is "encode a frame, prepend 12 bytes, send",
//! so [`RtpHeader::write`] writes only the header and the codec encodes the
//! payload straight behind it in the same buffer: no copy, no allocation.

use thiserror::Error;

/// The only RTP version in use (RFC 3550).
pub const RTP_VERSION: u8 = 2;

/// Length of the fixed header, without CSRCs or extension.
pub const RTP_HEADER_LEN: usize = 12;

/// At most 15 contributing sources fit the 4-bit CC field.
pub const MAX_CSRCS: usize = 15;

/// Why a datagram is not a valid RTP packet, or a packet cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RtpError {
    /// The datagram ends before the part its header announces.
    #[error("RTP packet too short: {len} bytes, its header needs {needed}")]
    TooShort { len: usize, needed: usize },
    /// The version bits are not 2 (often: this is not RTP at all).
    #[error("RTP version {0}, expected 2")]
    BadVersion(u8),
    /// The padding bit is set but the last byte says zero padding bytes,
    /// which RFC 3550 does not allow (the count includes itself).
    #[error("RTP padding bit set but the padding count is 0")]
    ZeroPadding,
    /// The padding count is larger than what follows the header.
    #[error(
        "RTP padding of {padding} bytes is larger than the {available} bytes after the header"
    )]
    PaddingTooLarge { padding: usize, available: usize },
    /// The buffer given to write into cannot hold the packet.
    #[error("buffer of {capacity} bytes cannot hold an RTP packet of {needed} bytes")]
    BufferTooSmall { needed: usize, capacity: usize },
    /// Payload types are 7 bits.
    #[error("RTP payload type {0} is out of range 0-127")]
    PayloadTypeOutOfRange(u8),
    /// More than [`MAX_CSRCS`] contributing sources.
    #[error("{0} CSRCs given, at most 15 fit an RTP header")]
    TooManyCsrcs(usize),
    /// A header extension's length is counted in 32-bit words.
    #[error("RTP header extension of {0} bytes is not a multiple of 4")]
    ExtensionNotWordAligned(usize),
    /// A header extension is limited to 65535 words.
    #[error("RTP header extension of {0} bytes is longer than 65535 words")]
    ExtensionTooLong(usize),
}

/// The fields of the fixed RTP header an endpoint reads and writes.
///
/// Padding, CSRCs and the header extension live in [`RtpPacket`]; this
/// small `Copy` type is what a jitter buffer or statistics need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RtpHeader {
    /// Start of a talk spurt for audio (RFC 3551 §4.1), end of a frame for video.
    pub marker: bool,
    /// 0-127.
    pub payload_type: u8,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
}

/// Contributing sources: at most 15, stored inline so parsing never allocates.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Csrcs {
    len: u8,
    ids: [u32; MAX_CSRCS],
}

/// A header extension (RFC 3550 §5.3.1): its profile word and its data,
/// which this crate skips but hands to whoever knows the profile (RFC 8285).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeaderExtension<'a> {
    /// "defined by profile": 0xBEDE for RFC 8285 one-byte headers, for instance.
    pub profile: u16,
    /// The extension body, a multiple of 4 bytes.
    pub data: &'a [u8],
}

/// A parsed RTP packet borrowing from the datagram it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RtpPacket<'a> {
    pub header: RtpHeader,
    pub csrcs: Csrcs,
    pub extension: Option<HeaderExtension<'a>>,
    /// The payload without padding.
    pub payload: &'a [u8],
    /// Padding bytes at the end (0 when the padding bit is clear), count byte included.
    pub padding: u8,
}

/// What a datagram on a shared port is (RFC 7983 §7 first-byte ranges,
/// refined by RFC 5761 §4 for RTP against RTCP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PacketKind {
    Rtp,
    Rtcp,
    Stun,
    Dtls,
    /// Empty, or a first byte no demultiplexing rule claims.
    Unknown,
}

impl RtpHeader {
    /// Writes the 12-byte fixed header (V=2, no padding, no CSRC, no
    /// extension) at the start of `out` and returns its length, so the
    /// caller can encode the payload at `out[RTP_HEADER_LEN..]`.
    pub fn write(&self, out: &mut [u8]) -> Result<usize, RtpError> {
        if self.payload_type > 127 {
            return Err(RtpError::PayloadTypeOutOfRange(self.payload_type));
        }
        let Some(header) = out.get_mut(..RTP_HEADER_LEN) else {
            return Err(RtpError::BufferTooSmall {
                needed: RTP_HEADER_LEN,
                capacity: out.len(),
            });
        };
        write_fixed(header, self, false, false, 0);
        Ok(RTP_HEADER_LEN)
    }

    /// Writes header and payload into `out` and returns the packet's length.
    pub fn write_packet(&self, payload: &[u8], out: &mut [u8]) -> Result<usize, RtpError> {
        let needed = RTP_HEADER_LEN + payload.len();
        if out.len() < needed {
            return Err(RtpError::BufferTooSmall {
                needed,
                capacity: out.len(),
            });
        }
        self.write(out)?;
        out[RTP_HEADER_LEN..needed].copy_from_slice(payload);
        Ok(needed)
    }

    /// Appends header and payload to `out`; reusing one `Vec` across packets
    /// allocates only when a packet is larger than any before it.
    pub fn append_packet(&self, payload: &[u8], out: &mut Vec<u8>) -> Result<(), RtpError> {
        let start = out.len();
        out.resize(start + RTP_HEADER_LEN, 0);
        if let Err(error) = self.write(&mut out[start..]) {
            out.truncate(start);
            return Err(error);
        }
        out.extend_from_slice(payload);
        Ok(())
    }
}

impl Csrcs {
    /// Copies up to 15 CSRCs.
    pub fn new(ids: &[u32]) -> Result<Self, RtpError> {
        if ids.len() > MAX_CSRCS {
            return Err(RtpError::TooManyCsrcs(ids.len()));
        }
        let mut csrcs = Csrcs::default();
        csrcs.ids[..ids.len()].copy_from_slice(ids);
        // Cannot truncate: checked against MAX_CSRCS above.
        csrcs.len = ids.len() as u8;
        Ok(csrcs)
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.ids[..usize::from(self.len)]
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl std::fmt::Debug for Csrcs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl<'a> RtpPacket<'a> {
    /// Parses one RTP packet. Any byte string is accepted as input: a
    /// malformed one is an error, never a panic.
    pub fn parse(data: &'a [u8]) -> Result<Self, RtpError> {
        if data.len() < RTP_HEADER_LEN {
            return Err(RtpError::TooShort {
                len: data.len(),
                needed: RTP_HEADER_LEN,
            });
        }
        let version = data[0] >> 6;
        if version != RTP_VERSION {
            return Err(RtpError::BadVersion(version));
        }
        let has_padding = data[0] & 0x20 != 0;
        let has_extension = data[0] & 0x10 != 0;
        let csrc_count = usize::from(data[0] & 0x0f);
        let header = RtpHeader {
            marker: data[1] & 0x80 != 0,
            payload_type: data[1] & 0x7f,
            sequence: u16::from_be_bytes([data[2], data[3]]),
            timestamp: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
            ssrc: u32::from_be_bytes([data[8], data[9], data[10], data[11]]),
        };

        let mut offset = RTP_HEADER_LEN + 4 * csrc_count;
        if data.len() < offset {
            return Err(RtpError::TooShort {
                len: data.len(),
                needed: offset,
            });
        }
        let mut csrcs = Csrcs {
            // At most 15: a 4-bit field.
            len: csrc_count as u8,
            ..Csrcs::default()
        };
        for (id, bytes) in csrcs
            .ids
            .iter_mut()
            .zip(data[RTP_HEADER_LEN..offset].chunks_exact(4))
        {
            *id = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }

        let extension = if has_extension {
            let needed = offset + 4;
            if data.len() < needed {
                return Err(RtpError::TooShort {
                    len: data.len(),
                    needed,
                });
            }
            let profile = u16::from_be_bytes([data[offset], data[offset + 1]]);
            let words = usize::from(u16::from_be_bytes([data[offset + 2], data[offset + 3]]));
            let end = needed + 4 * words;
            if data.len() < end {
                return Err(RtpError::TooShort {
                    len: data.len(),
                    needed: end,
                });
            }
            let extension = HeaderExtension {
                profile,
                data: &data[needed..end],
            };
            offset = end;
            Some(extension)
        } else {
            None
        };

        let mut end = data.len();
        let mut padding = 0;
        if has_padding {
            // Non-empty: the header checks above leave at least 12 bytes.
            let count = data[data.len() - 1];
            let available = data.len() - offset;
            if count == 0 {
                return Err(RtpError::ZeroPadding);
            }
            if usize::from(count) > available {
                return Err(RtpError::PaddingTooLarge {
                    padding: usize::from(count),
                    available,
                });
            }
            end -= usize::from(count);
            padding = count;
        }

        Ok(RtpPacket {
            header,
            csrcs,
            extension,
            payload: &data[offset..end],
            padding,
        })
    }

    /// Length of the packet once written.
    pub fn len(&self) -> usize {
        RTP_HEADER_LEN
            + 4 * self.csrcs.len()
            + self.extension.map_or(0, |ext| 4 + ext.data.len())
            + self.payload.len()
            + usize::from(self.padding)
    }

    /// Never true: a packet always has its 12-byte header.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes the whole packet (CSRCs, extension, payload, padding) into
    /// `out` and returns its length. Padding bytes are zero except the
    /// last, which holds the count.
    pub fn write(&self, out: &mut [u8]) -> Result<usize, RtpError> {
        if self.header.payload_type > 127 {
            return Err(RtpError::PayloadTypeOutOfRange(self.header.payload_type));
        }
        if let Some(ext) = &self.extension {
            if ext.data.len() % 4 != 0 {
                return Err(RtpError::ExtensionNotWordAligned(ext.data.len()));
            }
            if ext.data.len() / 4 > usize::from(u16::MAX) {
                return Err(RtpError::ExtensionTooLong(ext.data.len()));
            }
        }
        let needed = self.len();
        if out.len() < needed {
            return Err(RtpError::BufferTooSmall {
                needed,
                capacity: out.len(),
            });
        }
        write_fixed(
            &mut out[..RTP_HEADER_LEN],
            &self.header,
            self.padding > 0,
            self.extension.is_some(),
            self.csrcs.len,
        );
        let mut offset = RTP_HEADER_LEN;
        for id in self.csrcs.as_slice() {
            out[offset..offset + 4].copy_from_slice(&id.to_be_bytes());
            offset += 4;
        }
        if let Some(ext) = &self.extension {
            out[offset..offset + 2].copy_from_slice(&ext.profile.to_be_bytes());
            // Fits: checked against u16::MAX words above.
            let words = (ext.data.len() / 4) as u16;
            out[offset + 2..offset + 4].copy_from_slice(&words.to_be_bytes());
            offset += 4;
            out[offset..offset + ext.data.len()].copy_from_slice(ext.data);
            offset += ext.data.len();
        }
        out[offset..offset + self.payload.len()].copy_from_slice(self.payload);
        offset += self.payload.len();
        if self.padding > 0 {
            let padding = usize::from(self.padding);
            out[offset..offset + padding - 1].fill(0);
            out[offset + padding - 1] = self.padding;
            offset += padding;
        }
        Ok(offset)
    }
}

/// Classifies a datagram received on a port shared by RTP, RTCP and
/// possibly ICE/DTLS. RTCP packet types 192-223 (RFC 5761 §4) occupy the
/// second byte where RTP has marker + payload type, which is why RTP must
/// not use payload types 64-95 on a muxed port.
pub fn classify(datagram: &[u8]) -> PacketKind {
    match datagram.first() {
        Some(0..=3) => PacketKind::Stun,
        Some(20..=63) => PacketKind::Dtls,
        Some(128..=191) => match datagram.get(1) {
            Some(192..=223) => PacketKind::Rtcp,
            Some(_) => PacketKind::Rtp,
            None => PacketKind::Unknown,
        },
        _ => PacketKind::Unknown,
    }
}

/// True when an RTCP packet on a muxed port (RFC 5761 §4) is what this is.
pub fn is_rtcp(datagram: &[u8]) -> bool {
    classify(datagram) == PacketKind::Rtcp
}

/// Signed distance from sequence number `from` to `to`, modulo 2^16: the
/// right comparison across the wrap at 65535 (65535 → 0 is +1).
pub fn sequence_distance(from: u16, to: u16) -> i16 {
    // Reinterpreting the wrapped difference as signed is the point.
    to.wrapping_sub(from) as i16
}

/// Signed distance from timestamp `from` to `to`, modulo 2^32.
pub fn timestamp_distance(from: u32, to: u32) -> i32 {
    to.wrapping_sub(from) as i32
}

fn write_fixed(out: &mut [u8], header: &RtpHeader, padding: bool, extension: bool, csrcs: u8) {
    out[0] = RTP_VERSION << 6 | u8::from(padding) << 5 | u8::from(extension) << 4 | (csrcs & 0x0f);
    out[1] = u8::from(header.marker) << 7 | (header.payload_type & 0x7f);
    out[2..4].copy_from_slice(&header.sequence.to_be_bytes());
    out[4..8].copy_from_slice(&header.timestamp.to_be_bytes());
    out[8..12].copy_from_slice(&header.ssrc.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> RtpHeader {
        RtpHeader {
            marker: true,
            payload_type: 8,
            sequence: 0xfffe,
            timestamp: 0x1234_5678,
            ssrc: 0xdead_beef,
        }
    }

    #[test]
    fn header_round_trips_through_write_and_parse() {
        let mut buf = [0u8; 64];
        let len = header().write_packet(b"abcd", &mut buf).unwrap();
        assert_eq!(len, 16);
        assert_eq!(buf[0], 0x80);
        assert_eq!(buf[1], 0x88);
        let packet = RtpPacket::parse(&buf[..len]).unwrap();
        assert_eq!(packet.header, header());
        assert_eq!(packet.payload, b"abcd");
        assert!(packet.csrcs.is_empty());
        assert_eq!(packet.extension, None);
        assert_eq!(packet.padding, 0);
    }

    #[test]
    fn csrcs_extension_and_padding_round_trip() {
        let ext_data = [1u8, 2, 3, 4, 5, 6, 7, 8];
        let packet = RtpPacket {
            header: header(),
            csrcs: Csrcs::new(&[1, 2, 3]).unwrap(),
            extension: Some(HeaderExtension {
                profile: 0xbede,
                data: &ext_data,
            }),
            payload: b"hello",
            padding: 3,
        };
        let mut buf = [0u8; 128];
        let len = packet.write(&mut buf).unwrap();
        assert_eq!(len, packet.len());
        assert_eq!(len, 12 + 12 + 4 + 8 + 5 + 3);
        let parsed = RtpPacket::parse(&buf[..len]).unwrap();
        assert_eq!(parsed, packet);
        assert_eq!(parsed.csrcs.as_slice(), &[1, 2, 3]);
    }

    #[test]
    fn append_packet_reuses_the_vec() {
        let mut out = Vec::with_capacity(64);
        header().append_packet(b"xy", &mut out).unwrap();
        let first = out.as_ptr();
        out.clear();
        header().append_packet(b"zw", &mut out).unwrap();
        assert_eq!(out.as_ptr(), first);
        assert_eq!(RtpPacket::parse(&out).unwrap().payload, b"zw");
    }

    #[test]
    fn short_inputs_are_errors() {
        for len in 0..RTP_HEADER_LEN {
            let data = vec![0x80; len];
            assert_eq!(
                RtpPacket::parse(&data),
                Err(RtpError::TooShort { len, needed: 12 })
            );
        }
        let mut data = [0u8; 12];
        data[0] = 0x82; // two CSRCs announced, none present
        assert_eq!(
            RtpPacket::parse(&data),
            Err(RtpError::TooShort {
                len: 12,
                needed: 20
            })
        );
    }

    #[test]
    fn wrong_version_is_rejected() {
        let mut data = [0u8; 12];
        data[0] = 0x40;
        assert_eq!(RtpPacket::parse(&data), Err(RtpError::BadVersion(1)));
    }

    #[test]
    fn padding_larger_than_packet_is_rejected() {
        let mut data = [0u8; 16];
        data[0] = 0xa0;
        data[15] = 5;
        assert_eq!(
            RtpPacket::parse(&data),
            Err(RtpError::PaddingTooLarge {
                padding: 5,
                available: 4
            })
        );
        data[15] = 0;
        assert_eq!(RtpPacket::parse(&data), Err(RtpError::ZeroPadding));
        data[15] = 4;
        assert_eq!(RtpPacket::parse(&data).unwrap().payload, b"");
    }

    #[test]
    fn extension_running_past_the_end_is_rejected() {
        let mut data = [0u8; 20];
        data[0] = 0x90;
        data[14..16].copy_from_slice(&2u16.to_be_bytes()); // 8 bytes, only 4 left
        assert_eq!(
            RtpPacket::parse(&data),
            Err(RtpError::TooShort {
                len: 20,
                needed: 24
            })
        );
    }

    #[test]
    fn writing_checks_the_buffer_and_payload_type() {
        let mut small = [0u8; 13];
        assert_eq!(
            header().write_packet(b"ab", &mut small),
            Err(RtpError::BufferTooSmall {
                needed: 14,
                capacity: 13
            })
        );
        let bad = RtpHeader {
            payload_type: 200,
            ..header()
        };
        assert_eq!(
            bad.write(&mut [0u8; 12]),
            Err(RtpError::PayloadTypeOutOfRange(200))
        );
        let mut out = vec![1, 2];
        assert!(bad.append_packet(b"", &mut out).is_err());
        assert_eq!(out, [1, 2]);
        assert_eq!(Csrcs::new(&[0; 16]), Err(RtpError::TooManyCsrcs(16)));
    }

    #[test]
    fn muxed_port_tells_rtp_from_rtcp() {
        let mut rtp = [0u8; 12];
        header().write(&mut rtp).unwrap();
        assert_eq!(classify(&rtp), PacketKind::Rtp);
        assert_eq!(classify(&[0x81, 200, 0, 6]), PacketKind::Rtcp);
        assert_eq!(classify(&[0x80, 201, 0, 1]), PacketKind::Rtcp);
        assert!(is_rtcp(&[0x80, 223]));
        assert!(!is_rtcp(&[0x80, 224]));
        // Marker set with PT 0 is 0x80, plainly RTP.
        assert_eq!(classify(&[0x80, 0x80]), PacketKind::Rtp);
        assert_eq!(classify(&[0x00, 0x01]), PacketKind::Stun);
        assert_eq!(classify(&[22, 254]), PacketKind::Dtls);
        assert_eq!(classify(&[]), PacketKind::Unknown);
        assert_eq!(classify(&[0x80]), PacketKind::Unknown);
    }

    #[test]
    fn distances_cross_the_wrap() {
        assert_eq!(sequence_distance(65535, 0), 1);
        assert_eq!(sequence_distance(0, 65535), -1);
        assert_eq!(sequence_distance(100, 90), -10);
        assert_eq!(timestamp_distance(u32::MAX - 79, 80), 160);
    }

    #[test]
    fn parse_never_panics_on_any_short_prefix_of_odd_bytes() {
        let mut state = 0x1234_5678_u32;
        for _ in 0..2000 {
            let mut data = [0u8; 40];
            for byte in &mut data {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                *byte = state as u8;
            }
            data[0] = 0x80 | (data[0] & 0x3f);
            for len in 0..data.len() {
                let _ = RtpPacket::parse(&data[..len]);
            }
        }
    }
}
