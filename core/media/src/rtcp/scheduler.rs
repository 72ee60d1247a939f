//! When to send RTCP and what to put in it, without a socket or a clock.
//!
//! RFC 3550 §6.3 computes the interval from the session bandwidth and the
//! number of members; for a two-party voice call that always lands on
//! the 5-second minimum, so this keeps the minimum, halves it for the
//! first report (§6.2) and keeps the randomisation by a factor in
//! [0.5, 1.5] that stops reports of many calls from synchronising.

use std::time::{Duration, Instant};

use super::ntp::{compact_to_duration, NtpClock};
use super::packet::{
    Goodbye, ReceiverReport, RtcpPacket, SdesChunk, SenderInfo, SenderReport, SourceDescription,
};
use super::stats::ReceiverStats;
use crate::rtp::RtpHeader;

/// Report blocks fit in one SR/RR; a voice call has one remote source.
const MAX_SOURCES: usize = 31;

/// How the scheduler is set up.
#[derive(Debug, Clone)]
pub struct RtcpConfig {
    /// Our SSRC, the one our RTP carries.
    pub ssrc: u32,
    /// SDES CNAME, e.g. `user@host`.
    pub cname: String,
    pub ntp_clock: NtpClock,
    /// Seeds the interval randomisation, so a test gets the same schedule
    /// every run; a driver passes something random.
    pub seed: u64,
    /// The deterministic interval before randomisation (RFC 3550: 5 s).
    pub min_interval: Duration,
}

/// Sans-IO RTCP for one RTP session: statistics in, reports out.
#[derive(Debug, Clone)]
pub struct RtcpScheduler {
    config: RtcpConfig,
    rng: SplitMix64,
    next_report: Instant,
    sources: Vec<ReceiverStats>,
    sender: Option<SenderState>,
    round_trip_time: Option<Duration>,
}

#[derive(Debug, Clone, Copy)]
struct SenderState {
    packets: u32,
    octets: u32,
    last_timestamp: u32,
    last_sent_at: Instant,
    clock_rate: u32,
    /// Sent since the previous report: only then are we a sender (SR, not RR).
    active: bool,
}

/// A small, well-known 64-bit generator (Steele, Lea, Flood 2014): good
/// enough to spread report times, and seedable.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl RtcpConfig {
    /// The usual configuration: 5 s minimum interval.
    pub fn new(ssrc: u32, cname: &str, ntp_clock: NtpClock, seed: u64) -> Self {
        RtcpConfig {
            ssrc,
            cname: cname.to_owned(),
            ntp_clock,
            seed,
            min_interval: Duration::from_secs(5),
        }
    }
}

impl RtcpScheduler {
    pub fn new(now: Instant, config: RtcpConfig) -> Self {
        let mut rng = SplitMix64(config.seed);
        let first = randomised(config.min_interval / 2, &mut rng);
        RtcpScheduler {
            config,
            rng,
            next_report: now + first,
            sources: Vec::new(),
            sender: None,
            round_trip_time: None,
        }
    }

    /// When the next report is due.
    pub fn poll_timeout(&self) -> Instant {
        self.next_report
    }

    /// Round-trip time from the last report block about our stream that
    /// carried LSR/DLSR.
    pub fn round_trip_time(&self) -> Option<Duration> {
        self.round_trip_time
    }

    /// Statistics about one remote source.
    pub fn source(&self, ssrc: u32) -> Option<&ReceiverStats> {
        self.sources.iter().find(|stats| stats.ssrc() == ssrc)
    }

    /// Feeds a received RTP packet. A new SSRC starts new statistics (up
    /// to 31 sources; more are ignored).
    pub fn handle_rtp_received(&mut self, now: Instant, header: &RtpHeader, clock_rate: u32) {
        let index = match self.sources.iter().position(|s| s.ssrc() == header.ssrc) {
            Some(index) => index,
            None if self.sources.len() < MAX_SOURCES => {
                self.sources.push(ReceiverStats::new(
                    now,
                    header.ssrc,
                    header.sequence,
                    clock_rate,
                ));
                self.sources.len() - 1
            }
            None => return,
        };
        self.sources[index].handle_packet(now, header.sequence, header.timestamp);
    }

    /// Feeds an RTP packet we sent, with its payload length.
    pub fn handle_rtp_sent(
        &mut self,
        now: Instant,
        header: &RtpHeader,
        payload_len: usize,
        clock_rate: u32,
    ) {
        let sender = self.sender.get_or_insert(SenderState {
            packets: 0,
            octets: 0,
            last_timestamp: header.timestamp,
            last_sent_at: now,
            clock_rate,
            active: true,
        });
        sender.packets = sender.packets.wrapping_add(1);
        // The octet count wraps modulo 2^32 as RFC 3550 §6.4.1 says.
        sender.octets = sender.octets.wrapping_add(payload_len as u32);
        sender.last_timestamp = header.timestamp;
        sender.last_sent_at = now;
        sender.clock_rate = clock_rate;
        sender.active = true;
    }

    /// Feeds parsed RTCP from the peer: sender reports update LSR, report
    /// blocks about our SSRC update the round-trip time, BYE forgets a source.
    pub fn handle_rtcp(&mut self, now: Instant, packets: &[RtcpPacket]) {
        for packet in packets {
            match packet {
                RtcpPacket::SenderReport(sr) => {
                    if let Some(stats) = self.sources.iter_mut().find(|s| s.ssrc() == sr.ssrc) {
                        stats.handle_sender_report(now, sr.sender_info.ntp_timestamp);
                    }
                    self.handle_report_blocks(now, &sr.reports);
                }
                RtcpPacket::ReceiverReport(rr) => self.handle_report_blocks(now, &rr.reports),
                RtcpPacket::Goodbye(bye) => self
                    .sources
                    .retain(|stats| !bye.sources.contains(&stats.ssrc())),
                RtcpPacket::SourceDescription(_) => {}
            }
        }
    }

    /// If a report is due at `now`, appends a compound SR or RR + SDES to
    /// `out`, schedules the next one and returns true.
    #[must_use]
    pub fn poll_transmit(&mut self, now: Instant, out: &mut Vec<u8>) -> bool {
        if now < self.next_report {
            return false;
        }
        let packets = self.report(now, None);
        // At most 31 blocks fit by construction; only a CNAME over 255 bytes
        // fails, and then nothing is appended.
        let written = super::write_compound(&packets, out).is_ok();
        self.next_report = now + randomised(self.config.min_interval, &mut self.rng);
        if let Some(sender) = &mut self.sender {
            sender.active = false;
        }
        written
    }

    /// A final compound report ending in BYE, for when the call ends.
    pub fn goodbye(&mut self, now: Instant, reason: Option<&str>, out: &mut Vec<u8>) {
        let packets = self.report(now, Some(reason.map(str::to_owned)));
        if super::write_compound(&packets, out).is_err() {
            // Only an over-long reason or CNAME can fail: send the BYE bare.
            let bye = RtcpPacket::Goodbye(Goodbye {
                sources: vec![self.config.ssrc],
                reason: None,
            });
            // Cannot fail: one source, no text.
            let _ = bye.write(out);
        }
    }

    fn report(&mut self, now: Instant, bye: Option<Option<String>>) -> Vec<RtcpPacket> {
        let reports = self
            .sources
            .iter_mut()
            .map(|stats| stats.report_block(now))
            .collect();
        let first = match self.sender.filter(|sender| sender.active) {
            Some(sender) => {
                let elapsed = now.saturating_duration_since(sender.last_sent_at);
                let advance = elapsed.as_nanos() * u128::from(sender.clock_rate) / 1_000_000_000;
                RtcpPacket::SenderReport(SenderReport {
                    ssrc: self.config.ssrc,
                    sender_info: SenderInfo {
                        ntp_timestamp: self.config.ntp_clock.at(now).0,
                        // The RTP clock keeps running between packets.
                        rtp_timestamp: sender.last_timestamp.wrapping_add(advance as u32),
                        packet_count: sender.packets,
                        octet_count: sender.octets,
                    },
                    reports,
                })
            }
            None => RtcpPacket::ReceiverReport(ReceiverReport {
                ssrc: self.config.ssrc,
                reports,
            }),
        };
        let mut packets = vec![
            first,
            RtcpPacket::SourceDescription(SourceDescription {
                chunks: vec![SdesChunk::cname(self.config.ssrc, &self.config.cname)],
            }),
        ];
        if let Some(reason) = bye {
            packets.push(RtcpPacket::Goodbye(Goodbye {
                sources: vec![self.config.ssrc],
                reason,
            }));
        }
        packets
    }

    fn handle_report_blocks(&mut self, now: Instant, blocks: &[super::ReportBlock]) {
        let arrival = self.config.ntp_clock.at(now).compact();
        for block in blocks.iter().filter(|b| b.ssrc == self.config.ssrc) {
            if block.last_sender_report == 0 {
                continue;
            }
            // RFC 3550 §6.4.1: RTT = A - LSR - DLSR, all in compact NTP.
            let rtt = arrival
                .wrapping_sub(block.last_sender_report)
                .wrapping_sub(block.delay_since_last_sender_report);
            // A "negative" result means clock trouble on the far end; ignore it.
            if rtt < 0x8000_0000 {
                self.round_trip_time = Some(compact_to_duration(rtt));
            }
        }
    }
}

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// `interval` times a factor uniformly drawn from [0.5, 1.5).
fn randomised(interval: Duration, rng: &mut SplitMix64) -> Duration {
    // 53 random bits make a uniform f64 in [0, 1).
    let unit = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    interval.mul_f64(0.5 + unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtcp::{parse_compound, ReportBlock};
    use std::time::SystemTime;

    fn scheduler(start: Instant, seed: u64) -> RtcpScheduler {
        let clock = NtpClock::new(start, SystemTime::UNIX_EPOCH);
        RtcpScheduler::new(start, RtcpConfig::new(0xaaaa, "me@host", clock, seed))
    }

    fn rtp(seq: u16) -> RtpHeader {
        RtpHeader {
            marker: false,
            payload_type: 0,
            sequence: seq,
            timestamp: u32::from(seq) * 160,
            ssrc: 0xbbbb,
        }
    }

    #[test]
    fn intervals_are_randomised_within_half_to_one_and_a_half() {
        let start = Instant::now();
        let mut rtcp = scheduler(start, 7);
        let first = rtcp.poll_timeout() - start;
        assert!(first >= Duration::from_millis(1250) && first < Duration::from_millis(3750));
        let mut now = rtcp.poll_timeout();
        let mut seen = Vec::new();
        for _ in 0..200 {
            let mut out = Vec::new();
            assert!(!rtcp.poll_transmit(now - Duration::from_millis(1), &mut out));
            assert!(rtcp.poll_transmit(now, &mut out));
            let interval = rtcp.poll_timeout() - now;
            assert!(
                interval >= Duration::from_millis(2500) && interval < Duration::from_millis(7500)
            );
            seen.push(interval);
            now = rtcp.poll_timeout();
        }
        let min = seen.iter().min().unwrap();
        let max = seen.iter().max().unwrap();
        assert!(
            *max - *min > Duration::from_secs(3),
            "spread {min:?}..{max:?}"
        );
    }

    #[test]
    fn same_seed_same_schedule() {
        let start = Instant::now();
        let a = scheduler(start, 99).poll_timeout();
        assert_eq!(a, scheduler(start, 99).poll_timeout());
        assert_ne!(a, scheduler(start, 100).poll_timeout());
    }

    #[test]
    fn receiver_only_sends_rr_with_a_block_and_cname() {
        let start = Instant::now();
        let mut rtcp = scheduler(start, 1);
        for seq in 0..50 {
            if seq != 20 {
                rtcp.handle_rtp_received(start, &rtp(seq), 8000);
            }
        }
        let mut out = Vec::new();
        assert!(rtcp.poll_transmit(rtcp.poll_timeout(), &mut out));
        let packets = parse_compound(&out).unwrap();
        let RtcpPacket::ReceiverReport(rr) = &packets[0] else {
            panic!("expected RR first, got {packets:?}");
        };
        assert_eq!(rr.ssrc, 0xaaaa);
        assert_eq!(rr.reports[0].ssrc, 0xbbbb);
        assert_eq!(rr.reports[0].cumulative_lost, 1);
        assert_eq!(rr.reports[0].extended_highest_sequence, 49);
        let RtcpPacket::SourceDescription(sdes) = &packets[1] else {
            panic!("expected SDES second");
        };
        assert_eq!(sdes.chunks[0].cname_text(), Some("me@host"));
    }

    #[test]
    fn sender_sends_sr_with_counts_and_a_running_rtp_clock() {
        let start = Instant::now();
        let mut rtcp = scheduler(start, 1);
        for seq in 0..10u16 {
            let at = start + Duration::from_millis(20 * u64::from(seq));
            rtcp.handle_rtp_sent(at, &rtp(seq), 160, 8000);
        }
        let due = rtcp.poll_timeout();
        let mut out = Vec::new();
        assert!(rtcp.poll_transmit(due, &mut out));
        let packets = parse_compound(&out).unwrap();
        let RtcpPacket::SenderReport(sr) = &packets[0] else {
            panic!("expected SR, got {packets:?}");
        };
        assert_eq!(sr.sender_info.packet_count, 10);
        assert_eq!(sr.sender_info.octet_count, 1600);
        let since_last = due - (start + Duration::from_millis(180));
        let expected = 9 * 160 + (since_last.as_nanos() * 8000 / 1_000_000_000) as u32;
        assert_eq!(sr.sender_info.rtp_timestamp, expected);
        // Nothing sent since: the next report is an RR.
        let mut out = Vec::new();
        assert!(rtcp.poll_transmit(rtcp.poll_timeout(), &mut out));
        assert!(matches!(
            parse_compound(&out).unwrap()[0],
            RtcpPacket::ReceiverReport(_)
        ));
    }

    #[test]
    fn round_trip_time_from_lsr_and_dlsr() {
        let start = Instant::now();
        let mut rtcp = scheduler(start, 1);
        rtcp.handle_rtp_sent(start, &rtp(0), 160, 8000);
        let mut out = Vec::new();
        let sent_at = rtcp.poll_timeout();
        assert!(rtcp.poll_transmit(sent_at, &mut out));
        let RtcpPacket::SenderReport(sr) = &parse_compound(&out).unwrap()[0] else {
            panic!("expected SR");
        };
        // The peer holds our SR for 300 ms; the network adds 40 ms each way.
        let block = ReportBlock {
            ssrc: 0xaaaa,
            last_sender_report: crate::rtcp::NtpTime(sr.sender_info.ntp_timestamp).compact(),
            delay_since_last_sender_report: 0x4ccd, // 300 ms in 1/65536 s
            ..ReportBlock::default()
        };
        let rr = RtcpPacket::ReceiverReport(ReceiverReport {
            ssrc: 0xbbbb,
            reports: vec![block],
        });
        rtcp.handle_rtcp(sent_at + Duration::from_millis(380), &[rr]);
        let rtt = rtcp.round_trip_time().unwrap();
        assert!(
            rtt > Duration::from_millis(79) && rtt < Duration::from_millis(81),
            "{rtt:?}"
        );
    }

    #[test]
    fn bye_forgets_the_source_and_goodbye_ends_in_bye() {
        let start = Instant::now();
        let mut rtcp = scheduler(start, 1);
        rtcp.handle_rtp_received(start, &rtp(1), 8000);
        assert!(rtcp.source(0xbbbb).is_some());
        let bye = RtcpPacket::Goodbye(Goodbye {
            sources: vec![0xbbbb],
            reason: None,
        });
        rtcp.handle_rtcp(start, &[bye]);
        assert!(rtcp.source(0xbbbb).is_none());
        let mut out = Vec::new();
        rtcp.goodbye(start, Some("hangup"), &mut out);
        let packets = parse_compound(&out).unwrap();
        assert_eq!(
            packets.last(),
            Some(&RtcpPacket::Goodbye(Goodbye {
                sources: vec![0xaaaa],
                reason: Some("hangup".into())
            }))
        );
    }
}
