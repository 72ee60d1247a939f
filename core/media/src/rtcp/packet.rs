//! RTCP packet formats (RFC 3550 §6.4-6.6) and compound packets (§6.1).
//!
//! Reports arrive every few seconds, so these are owned types: clarity
//! over zero-copy here. Packet types this crate does not use (APP,
//! feedback, XR) are skipped when a compound packet is parsed.

use super::RtcpError;

const VERSION: u8 = 2;
const TYPE_SR: u8 = 200;
const TYPE_RR: u8 = 201;
const TYPE_SDES: u8 = 202;
const TYPE_BYE: u8 = 203;
const REPORT_BLOCK_LEN: usize = 24;
const MAX_COUNT: usize = 31;

/// SDES item type of the canonical name.
pub const SDES_CNAME: u8 = 1;

/// One RTCP packet of a compound datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RtcpPacket {
    SenderReport(SenderReport),
    ReceiverReport(ReceiverReport),
    SourceDescription(SourceDescription),
    Goodbye(Goodbye),
}

/// The sender-info part of an SR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SenderInfo {
    /// Wall-clock time of the report, 64-bit NTP format.
    pub ntp_timestamp: u64,
    /// The same instant in the sender's RTP timestamp units.
    pub rtp_timestamp: u32,
    pub packet_count: u32,
    pub octet_count: u32,
}

/// Reception statistics about one source (RFC 3550 §6.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportBlock {
    /// The source this block reports on.
    pub ssrc: u32,
    /// Fraction lost since the previous report, out of 256.
    pub fraction_lost: u8,
    /// Cumulative packets lost, a signed 24-bit value (duplicates make it negative).
    pub cumulative_lost: i32,
    /// Cycles of the sequence number in the high 16 bits, the highest seen in the low 16.
    pub extended_highest_sequence: u32,
    /// Interarrival jitter in RTP timestamp units.
    pub jitter: u32,
    /// Middle 32 bits of the NTP timestamp of the last SR received from this source, or 0.
    pub last_sender_report: u32,
    /// Delay since that SR was received, in 1/65536 s, or 0.
    pub delay_since_last_sender_report: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SenderReport {
    pub ssrc: u32,
    pub sender_info: SenderInfo,
    pub reports: Vec<ReportBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceiverReport {
    pub ssrc: u32,
    pub reports: Vec<ReportBlock>,
}

/// One SDES item; its text is read lossily as UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdesItem {
    /// 1 CNAME, 2 NAME, ... 8 PRIV.
    pub kind: u8,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SdesChunk {
    pub ssrc: u32,
    pub items: Vec<SdesItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceDescription {
    pub chunks: Vec<SdesChunk>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Goodbye {
    pub sources: Vec<u32>,
    pub reason: Option<String>,
}

impl SdesChunk {
    /// A chunk holding only the CNAME, which is all RFC 3550 requires.
    pub fn cname(ssrc: u32, cname: &str) -> Self {
        SdesChunk {
            ssrc,
            items: vec![SdesItem {
                kind: SDES_CNAME,
                text: cname.to_owned(),
            }],
        }
    }

    /// The chunk's CNAME, if it carries one.
    pub fn cname_text(&self) -> Option<&str> {
        self.items
            .iter()
            .find(|item| item.kind == SDES_CNAME)
            .map(|item| item.text.as_str())
    }
}

impl RtcpPacket {
    /// Appends this packet to `out`, padded to 32 bits as the format requires.
    pub fn write(&self, out: &mut Vec<u8>) -> Result<(), RtcpError> {
        let start = out.len();
        let result = self.write_unchecked(out, start);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    fn write_unchecked(&self, out: &mut Vec<u8>, start: usize) -> Result<(), RtcpError> {
        match self {
            RtcpPacket::SenderReport(sr) => {
                let count = checked_count(sr.reports.len())?;
                write_header(out, count, TYPE_SR);
                out.extend_from_slice(&sr.ssrc.to_be_bytes());
                out.extend_from_slice(&sr.sender_info.ntp_timestamp.to_be_bytes());
                out.extend_from_slice(&sr.sender_info.rtp_timestamp.to_be_bytes());
                out.extend_from_slice(&sr.sender_info.packet_count.to_be_bytes());
                out.extend_from_slice(&sr.sender_info.octet_count.to_be_bytes());
                sr.reports.iter().for_each(|block| write_block(out, block));
            }
            RtcpPacket::ReceiverReport(rr) => {
                let count = checked_count(rr.reports.len())?;
                write_header(out, count, TYPE_RR);
                out.extend_from_slice(&rr.ssrc.to_be_bytes());
                rr.reports.iter().for_each(|block| write_block(out, block));
            }
            RtcpPacket::SourceDescription(sdes) => {
                let count = checked_count(sdes.chunks.len())?;
                write_header(out, count, TYPE_SDES);
                for chunk in &sdes.chunks {
                    let chunk_start = out.len();
                    out.extend_from_slice(&chunk.ssrc.to_be_bytes());
                    for item in &chunk.items {
                        let len = checked_text(&item.text)?;
                        out.push(item.kind);
                        out.push(len);
                        out.extend_from_slice(item.text.as_bytes());
                    }
                    // At least one null octet ends the item list, then pad to 32 bits.
                    out.push(0);
                    while (out.len() - chunk_start) % 4 != 0 {
                        out.push(0);
                    }
                }
            }
            RtcpPacket::Goodbye(bye) => {
                let count = checked_count(bye.sources.len())?;
                write_header(out, count, TYPE_BYE);
                bye.sources
                    .iter()
                    .for_each(|ssrc| out.extend_from_slice(&ssrc.to_be_bytes()));
                if let Some(reason) = &bye.reason {
                    out.push(checked_text(reason)?);
                    out.extend_from_slice(reason.as_bytes());
                    while (out.len() - start) % 4 != 0 {
                        out.push(0);
                    }
                }
            }
        }
        let words = (out.len() - start) / 4 - 1;
        let words = u16::try_from(words).map_err(|_| RtcpError::TooManyItems(words))?;
        out[start + 2..start + 4].copy_from_slice(&words.to_be_bytes());
        Ok(())
    }
}

/// Parses a compound RTCP datagram. Packet types other than SR, RR, SDES
/// and BYE are skipped; a malformed packet makes the whole datagram an
/// error (RFC 3550 A.2 validity checks), never a panic.
pub fn parse_compound(data: &[u8]) -> Result<Vec<RtcpPacket>, RtcpError> {
    let mut packets = Vec::new();
    let mut offset = 0;
    if data.is_empty() {
        return Err(RtcpError::TooShort { offset: 0, len: 0 });
    }
    while offset < data.len() {
        let rest = &data[offset..];
        if rest.len() < 4 {
            return Err(RtcpError::TooShort {
                offset,
                len: rest.len(),
            });
        }
        let version = rest[0] >> 6;
        if version != VERSION {
            return Err(RtcpError::BadVersion { offset, version });
        }
        let count = usize::from(rest[0] & 0x1f);
        let packet_type = rest[1];
        let declared = (usize::from(u16::from_be_bytes([rest[2], rest[3]])) + 1) * 4;
        if declared > rest.len() {
            return Err(RtcpError::LengthOverrun {
                offset,
                declared,
                available: rest.len(),
            });
        }
        let mut body = &rest[4..declared];
        if rest[0] & 0x20 != 0 {
            let padding = usize::from(rest[declared - 1]);
            if padding == 0 || padding > body.len() {
                return Err(RtcpError::BadPadding { offset, padding });
            }
            body = &body[..body.len() - padding];
        }
        let truncated = |reason| RtcpError::Truncated {
            offset,
            packet_type,
            reason,
        };
        match packet_type {
            TYPE_SR => {
                if body.len() < 24 + count * REPORT_BLOCK_LEN {
                    return Err(truncated("sender info or report blocks missing"));
                }
                packets.push(RtcpPacket::SenderReport(SenderReport {
                    ssrc: be32(body, 0),
                    sender_info: SenderInfo {
                        ntp_timestamp: u64::from(be32(body, 4)) << 32 | u64::from(be32(body, 8)),
                        rtp_timestamp: be32(body, 12),
                        packet_count: be32(body, 16),
                        octet_count: be32(body, 20),
                    },
                    reports: read_blocks(&body[24..], count),
                }));
            }
            TYPE_RR => {
                if body.len() < 4 + count * REPORT_BLOCK_LEN {
                    return Err(truncated("report blocks missing"));
                }
                packets.push(RtcpPacket::ReceiverReport(ReceiverReport {
                    ssrc: be32(body, 0),
                    reports: read_blocks(&body[4..], count),
                }));
            }
            TYPE_SDES => {
                let chunks = read_sdes(body, count).ok_or_else(|| truncated("SDES chunk"))?;
                packets.push(RtcpPacket::SourceDescription(SourceDescription { chunks }));
            }
            TYPE_BYE => {
                if body.len() < 4 * count {
                    return Err(truncated("BYE sources missing"));
                }
                let sources = (0..count).map(|i| be32(body, 4 * i)).collect();
                let reason = match body.get(4 * count) {
                    Some(&len) => {
                        let text = body
                            .get(4 * count + 1..4 * count + 1 + usize::from(len))
                            .ok_or_else(|| truncated("BYE reason"))?;
                        Some(String::from_utf8_lossy(text).into_owned())
                    }
                    None => None,
                };
                packets.push(RtcpPacket::Goodbye(Goodbye { sources, reason }));
            }
            _ => {}
        }
        offset += declared;
    }
    Ok(packets)
}

/// Writes `packets` one after the other as a compound datagram.
pub fn write_compound(packets: &[RtcpPacket], out: &mut Vec<u8>) -> Result<(), RtcpError> {
    let start = out.len();
    for packet in packets {
        if let Err(error) = packet.write(out) {
            out.truncate(start);
            return Err(error);
        }
    }
    Ok(())
}

fn read_blocks(data: &[u8], count: usize) -> Vec<ReportBlock> {
    data.chunks_exact(REPORT_BLOCK_LEN)
        .take(count)
        .map(|b| {
            // Sign-extend the 24-bit cumulative loss.
            let lost = i32::from_be_bytes([0, b[5], b[6], b[7]]) << 8 >> 8;
            ReportBlock {
                ssrc: be32(b, 0),
                fraction_lost: b[4],
                cumulative_lost: lost,
                extended_highest_sequence: be32(b, 8),
                jitter: be32(b, 12),
                last_sender_report: be32(b, 16),
                delay_since_last_sender_report: be32(b, 20),
            }
        })
        .collect()
}

fn read_sdes(body: &[u8], count: usize) -> Option<Vec<SdesChunk>> {
    let mut chunks = Vec::with_capacity(count);
    let mut at = 0;
    for _ in 0..count {
        let ssrc = u32::from_be_bytes(body.get(at..at + 4)?.try_into().ok()?);
        let chunk_start = at;
        at += 4;
        let mut items = Vec::new();
        loop {
            let kind = *body.get(at)?;
            if kind == 0 {
                at += 1;
                break;
            }
            let len = usize::from(*body.get(at + 1)?);
            let text = body.get(at + 2..at + 2 + len)?;
            items.push(SdesItem {
                kind,
                text: String::from_utf8_lossy(text).into_owned(),
            });
            at += 2 + len;
        }
        // Skip the null padding to the next 32-bit boundary.
        at = chunk_start + (at - chunk_start).div_ceil(4) * 4;
        chunks.push(SdesChunk { ssrc, items });
    }
    Some(chunks)
}

fn write_header(out: &mut Vec<u8>, count: u8, packet_type: u8) {
    // The length is filled in once the body is written.
    out.extend_from_slice(&[VERSION << 6 | count, packet_type, 0, 0]);
}

fn write_block(out: &mut Vec<u8>, block: &ReportBlock) {
    out.extend_from_slice(&block.ssrc.to_be_bytes());
    out.push(block.fraction_lost);
    let lost = block.cumulative_lost.clamp(-0x80_0000, 0x7f_ffff);
    out.extend_from_slice(&lost.to_be_bytes()[1..]);
    out.extend_from_slice(&block.extended_highest_sequence.to_be_bytes());
    out.extend_from_slice(&block.jitter.to_be_bytes());
    out.extend_from_slice(&block.last_sender_report.to_be_bytes());
    out.extend_from_slice(&block.delay_since_last_sender_report.to_be_bytes());
}

fn checked_count(count: usize) -> Result<u8, RtcpError> {
    u8::try_from(count)
        .ok()
        .filter(|&c| usize::from(c) <= MAX_COUNT)
        .ok_or(RtcpError::TooManyItems(count))
}

fn checked_text(text: &str) -> Result<u8, RtcpError> {
    u8::try_from(text.len()).map_err(|_| RtcpError::TextTooLong(text.len()))
}

/// Callers check the length first.
fn be32(data: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(ssrc: u32) -> ReportBlock {
        ReportBlock {
            ssrc,
            fraction_lost: 25,
            cumulative_lost: -3,
            extended_highest_sequence: 0x0001_0005,
            jitter: 77,
            last_sender_report: 0xaabb_ccdd,
            delay_since_last_sender_report: 0x0001_0000,
        }
    }

    #[test]
    fn compound_sr_sdes_bye_round_trips() {
        let packets = vec![
            RtcpPacket::SenderReport(SenderReport {
                ssrc: 1,
                sender_info: SenderInfo {
                    ntp_timestamp: 0x0102_0304_0506_0708,
                    rtp_timestamp: 160,
                    packet_count: 10,
                    octet_count: 1600,
                },
                reports: vec![block(2), block(3)],
            }),
            RtcpPacket::SourceDescription(SourceDescription {
                chunks: vec![SdesChunk::cname(1, "a@b"), SdesChunk::cname(9, "four")],
            }),
            RtcpPacket::Goodbye(Goodbye {
                sources: vec![1],
                reason: Some("bye now".into()),
            }),
        ];
        let mut out = Vec::new();
        write_compound(&packets, &mut out).unwrap();
        assert_eq!(out.len() % 4, 0);
        assert_eq!(parse_compound(&out).unwrap(), packets);
    }

    #[test]
    fn receiver_report_layout_matches_rfc3550() {
        let mut out = Vec::new();
        RtcpPacket::ReceiverReport(ReceiverReport {
            ssrc: 0x0102_0304,
            reports: vec![block(5)],
        })
        .write(&mut out)
        .unwrap();
        assert_eq!(out.len(), 8 + 24);
        assert_eq!(&out[..4], &[0x81, 201, 0, 7]);
        // Cumulative lost -3 as 24-bit two's complement.
        assert_eq!(&out[13..16], &[0xff, 0xff, 0xfd]);
    }

    #[test]
    fn unknown_packet_types_are_skipped() {
        let mut out = Vec::new();
        RtcpPacket::ReceiverReport(ReceiverReport {
            ssrc: 7,
            reports: vec![],
        })
        .write(&mut out)
        .unwrap();
        // An APP packet (204) with a 4-byte name and no data.
        out.extend_from_slice(&[0x80, 204, 0, 2, 0, 0, 0, 7, b'n', b'a', b'm', b'e']);
        let parsed = parse_compound(&out).unwrap();
        assert_eq!(parsed.len(), 1);
    }

    #[test]
    fn malformed_datagrams_are_errors() {
        assert!(matches!(
            parse_compound(&[]),
            Err(RtcpError::TooShort { .. })
        ));
        assert_eq!(
            parse_compound(&[0x40, 201, 0, 1, 0, 0, 0, 0]),
            Err(RtcpError::BadVersion {
                offset: 0,
                version: 1
            })
        );
        assert_eq!(
            parse_compound(&[0x80, 201, 0, 5, 0, 0, 0, 0]),
            Err(RtcpError::LengthOverrun {
                offset: 0,
                declared: 24,
                available: 8
            })
        );
        // RR announcing one block but carrying none.
        assert!(matches!(
            parse_compound(&[0x81, 201, 0, 1, 0, 0, 0, 0]),
            Err(RtcpError::Truncated {
                packet_type: 201,
                ..
            })
        ));
        // Padding count larger than the body.
        assert!(matches!(
            parse_compound(&[0xa0, 201, 0, 1, 0, 0, 0, 9]),
            Err(RtcpError::BadPadding { padding: 9, .. })
        ));
        // SDES item running past the end.
        assert!(matches!(
            parse_compound(&[0x81, 202, 0, 2, 0, 0, 0, 1, 1, 40, b'x', 0]),
            Err(RtcpError::Truncated {
                packet_type: 202,
                ..
            })
        ));
    }

    #[test]
    fn writing_refuses_oversized_content() {
        let mut out = vec![9];
        let long = RtcpPacket::SourceDescription(SourceDescription {
            chunks: vec![SdesChunk::cname(1, &"x".repeat(300))],
        });
        assert_eq!(long.write(&mut out), Err(RtcpError::TextTooLong(300)));
        assert_eq!(out, [9]);
        let many = RtcpPacket::ReceiverReport(ReceiverReport {
            ssrc: 1,
            reports: vec![block(1); 32],
        });
        assert_eq!(many.write(&mut out), Err(RtcpError::TooManyItems(32)));
    }

    #[test]
    fn parse_never_panics_on_noise() {
        let mut state = 0x9e37_79b9_u32;
        for _ in 0..3000 {
            let mut data = [0u8; 48];
            for byte in &mut data {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                *byte = state as u8;
            }
            data[0] = 0x80 | (data[0] & 0x3f);
            data[1] = 200 + data[1] % 5;
            data[2] = 0;
            data[3] %= 12;
            for len in 0..data.len() {
                let _ = parse_compound(&data[..len]);
            }
        }
    }
}
