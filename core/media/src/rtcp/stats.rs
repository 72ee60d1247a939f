//! Reception statistics for one source, as RFC 3550 Appendix A computes
//! them: sequence validation with probation and restart detection (A.1),
//! loss (A.3) and interarrival jitter (A.8).

use std::time::Instant;

use super::packet::ReportBlock;
use super::NtpTime;

/// A packet this far ahead of the highest sequence number is still in order.
const MAX_DROPOUT: u16 = 3000;
/// A packet this far behind is a late or duplicate one; further is a jump.
const MAX_MISORDER: u16 = 100;
/// In-order packets needed before a new source counts as valid.
const MIN_SEQUENTIAL: u8 = 2;
const SEQ_MOD: u32 = 1 << 16;

/// What one received sequence number did to the source's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceUpdate {
    /// Counted as received.
    Valid,
    /// Still in probation: a new source must send a few packets in sequence first.
    Probation,
    /// A jump too large to be loss or reordering; a second packet following
    /// it will be taken as the source restarting.
    Jump,
    /// The source restarted its sequence numbers; statistics start over.
    Restarted,
}

/// Receiver-side statistics about one source.
#[derive(Debug, Clone)]
pub struct ReceiverStats {
    ssrc: u32,
    clock_rate: u32,
    /// When the first packet arrived: origin of the arrival clock in RTP units.
    epoch: Instant,
    max_seq: u16,
    /// Sequence number cycles, shifted left by 16.
    cycles: u32,
    base_seq: u32,
    /// The sequence number after a jump that would confirm a restart.
    bad_seq: u32,
    probation: u8,
    received: u32,
    expected_prior: u32,
    received_prior: u32,
    /// Relative transit time of the previous packet, in RTP units.
    transit: Option<u32>,
    /// Jitter scaled by 16, as A.8 keeps it for precision.
    jitter_q4: u32,
    /// Middle 32 bits of the last SR's NTP timestamp and when it arrived.
    last_sender_report: Option<(u32, Instant)>,
}

impl ReceiverStats {
    /// Starts tracking a source from its first packet (which is not yet
    /// counted: call [`handle_packet`](Self::handle_packet) with it).
    pub fn new(now: Instant, ssrc: u32, first_sequence: u16, clock_rate: u32) -> Self {
        let mut stats = ReceiverStats {
            ssrc,
            clock_rate: clock_rate.max(1),
            epoch: now,
            max_seq: 0,
            cycles: 0,
            base_seq: 0,
            bad_seq: SEQ_MOD + 1,
            probation: MIN_SEQUENTIAL,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            transit: None,
            jitter_q4: 0,
            last_sender_report: None,
        };
        stats.restart(first_sequence);
        // The first packet must then arrive as "max_seq + 1" to pass probation.
        stats.max_seq = first_sequence.wrapping_sub(1);
        stats
    }

    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    /// Highest sequence number with the wrap count in the high 16 bits.
    pub fn extended_highest_sequence(&self) -> u32 {
        self.cycles.wrapping_add(u32::from(self.max_seq))
    }

    pub fn received(&self) -> u32 {
        self.received
    }

    /// Packets expected from the first to the highest sequence number.
    pub fn expected(&self) -> u32 {
        if self.probation > 0 {
            return 0;
        }
        self.extended_highest_sequence()
            .wrapping_sub(self.base_seq)
            .wrapping_add(1)
    }

    /// Expected minus received: negative when duplicates arrived.
    pub fn cumulative_lost(&self) -> i64 {
        i64::from(self.expected()) - i64::from(self.received)
    }

    /// Interarrival jitter in RTP timestamp units.
    pub fn jitter(&self) -> u32 {
        self.jitter_q4 >> 4
    }

    /// Feeds one received packet: its sequence number, RTP timestamp and
    /// arrival time.
    pub fn handle_packet(&mut self, now: Instant, sequence: u16, timestamp: u32) -> SequenceUpdate {
        let update = self.update_sequence(sequence);
        if matches!(update, SequenceUpdate::Valid | SequenceUpdate::Restarted) {
            self.update_jitter(now, timestamp);
        }
        update
    }

    /// Notes a sender report from this source, for the LSR/DLSR fields.
    pub fn handle_sender_report(&mut self, now: Instant, ntp_timestamp: u64) {
        self.last_sender_report = Some((NtpTime(ntp_timestamp).compact(), now));
    }

    /// The report block for this source; also starts the next interval of
    /// the "fraction lost" computation (A.3), so call it once per report.
    pub fn report_block(&mut self, now: Instant) -> ReportBlock {
        let expected = self.expected();
        let expected_interval = expected.wrapping_sub(self.expected_prior);
        self.expected_prior = expected;
        let received_interval = self.received.wrapping_sub(self.received_prior);
        self.received_prior = self.received;
        let lost_interval = i64::from(expected_interval) - i64::from(received_interval);
        let fraction_lost = if expected_interval == 0 || lost_interval <= 0 {
            0
        } else {
            // lost_interval <= expected_interval, so this is at most 256; 256
            // (everything lost) saturates to 255.
            u8::try_from((lost_interval << 8) / i64::from(expected_interval)).unwrap_or(255)
        };
        let (last_sender_report, delay) = match self.last_sender_report {
            Some((lsr, at)) => (
                lsr,
                super::ntp::duration_to_compact(now.saturating_duration_since(at)),
            ),
            None => (0, 0),
        };
        ReportBlock {
            ssrc: self.ssrc,
            fraction_lost,
            // Clamped to the 24-bit field.
            cumulative_lost: self.cumulative_lost().clamp(-0x80_0000, 0x7f_ffff) as i32,
            extended_highest_sequence: self.extended_highest_sequence(),
            jitter: self.jitter(),
            last_sender_report,
            delay_since_last_sender_report: delay,
        }
    }

    fn restart(&mut self, sequence: u16) {
        self.base_seq = u32::from(sequence);
        self.max_seq = sequence;
        self.bad_seq = SEQ_MOD + 1;
        self.cycles = 0;
        self.received = 0;
        self.received_prior = 0;
        self.expected_prior = 0;
        self.transit = None;
    }

    /// RFC 3550 A.1 `update_seq`.
    fn update_sequence(&mut self, sequence: u16) -> SequenceUpdate {
        let delta = sequence.wrapping_sub(self.max_seq);
        if self.probation > 0 {
            if sequence == self.max_seq.wrapping_add(1) {
                self.probation -= 1;
                self.max_seq = sequence;
                if self.probation == 0 {
                    // Counted from here: the probation packets are not.
                    self.restart(sequence);
                    self.received += 1;
                    return SequenceUpdate::Valid;
                }
            } else {
                self.probation = MIN_SEQUENTIAL - 1;
                self.max_seq = sequence;
            }
            return SequenceUpdate::Probation;
        }
        if delta < MAX_DROPOUT {
            if sequence < self.max_seq {
                self.cycles = self.cycles.wrapping_add(SEQ_MOD);
            }
            self.max_seq = sequence;
        } else if u32::from(delta) <= SEQ_MOD - u32::from(MAX_MISORDER) {
            if u32::from(sequence) == self.bad_seq {
                // Two packets in sequence after a jump: the source restarted
                // without telling us.
                self.restart(sequence);
                self.received += 1;
                return SequenceUpdate::Restarted;
            }
            self.bad_seq = (u32::from(sequence) + 1) & (SEQ_MOD - 1);
            return SequenceUpdate::Jump;
        }
        // Otherwise a duplicate or reordered packet: counted, max unchanged.
        self.received += 1;
        SequenceUpdate::Valid
    }

    /// RFC 3550 A.8.
    fn update_jitter(&mut self, now: Instant, timestamp: u32) {
        let elapsed = now.saturating_duration_since(self.epoch);
        // Arrival in RTP units, modulo 2^32 like the timestamps themselves.
        let arrival = (elapsed.as_nanos() * u128::from(self.clock_rate) / 1_000_000_000) as u32;
        let transit = arrival.wrapping_sub(timestamp);
        if let Some(previous) = self.transit {
            let d = (transit.wrapping_sub(previous) as i32).unsigned_abs();
            // J += (|D| - J) / 16, in the scaled-by-16 form of A.8.
            self.jitter_q4 = self
                .jitter_q4
                .wrapping_add(d)
                .wrapping_sub((self.jitter_q4 + 8) >> 4);
        }
        self.transit = Some(transit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn feed(stats: &mut ReceiverStats, start: Instant, seqs: &[u16]) -> Vec<SequenceUpdate> {
        seqs.iter()
            .map(|&s| {
                let n = u32::from(s);
                stats.handle_packet(start + Duration::from_millis(20 * u64::from(n)), s, n * 160)
            })
            .collect()
    }

    #[test]
    fn new_source_needs_two_in_sequence() {
        let start = Instant::now();
        let mut stats = ReceiverStats::new(start, 1, 10, 8000);
        assert_eq!(
            feed(&mut stats, start, &[10, 11, 12]),
            [
                SequenceUpdate::Probation,
                SequenceUpdate::Valid,
                SequenceUpdate::Valid
            ]
        );
        assert_eq!(stats.received(), 2);
        assert_eq!(stats.expected(), 2);
        assert_eq!(stats.cumulative_lost(), 0);
    }

    #[test]
    fn loss_and_fraction_lost_per_interval() {
        let start = Instant::now();
        let mut stats = ReceiverStats::new(start, 1, 0, 8000);
        let seqs: Vec<u16> = (0..=100).filter(|s| s % 4 != 3).collect();
        feed(&mut stats, start, &seqs);
        // Valid from seq 1 to 100: 100 expected, 25 multiples of 4 minus 1 missing.
        assert_eq!(stats.expected(), 100);
        assert_eq!(stats.cumulative_lost(), 25);
        let block = stats.report_block(start);
        assert_eq!(block.fraction_lost, 64);
        assert_eq!(block.cumulative_lost, 25);
        // Next interval: nothing lost.
        feed(&mut stats, start, &[101, 102]);
        assert_eq!(stats.report_block(start).fraction_lost, 0);
    }

    #[test]
    fn sequence_wrap_counts_a_cycle() {
        let start = Instant::now();
        let mut stats = ReceiverStats::new(start, 1, 65533, 8000);
        feed(&mut stats, start, &[65533, 65534, 65535, 0, 1]);
        assert_eq!(stats.extended_highest_sequence(), 0x0001_0001);
        assert_eq!(stats.expected(), 4);
        assert_eq!(stats.cumulative_lost(), 0);
    }

    #[test]
    fn a_jump_then_sequence_restarts_the_source() {
        let start = Instant::now();
        let mut stats = ReceiverStats::new(start, 1, 0, 8000);
        feed(&mut stats, start, &[0, 1, 2]);
        assert_eq!(
            feed(&mut stats, start, &[30000, 30001, 30002]),
            [
                SequenceUpdate::Jump,
                SequenceUpdate::Restarted,
                SequenceUpdate::Valid
            ]
        );
        assert_eq!(stats.expected(), 2);
        assert_eq!(stats.cumulative_lost(), 0);
    }

    #[test]
    fn a_lone_stray_packet_is_not_a_restart() {
        let start = Instant::now();
        let mut stats = ReceiverStats::new(start, 1, 0, 8000);
        feed(&mut stats, start, &[0, 1, 2]);
        assert_eq!(feed(&mut stats, start, &[40000]), [SequenceUpdate::Jump]);
        feed(&mut stats, start, &[3, 4]);
        assert_eq!(stats.extended_highest_sequence(), 4);
        assert_eq!(stats.cumulative_lost(), 0);
    }

    #[test]
    fn duplicates_make_loss_negative() {
        let start = Instant::now();
        let mut stats = ReceiverStats::new(start, 1, 0, 8000);
        feed(&mut stats, start, &[0, 1, 2, 2, 2]);
        assert_eq!(stats.cumulative_lost(), -2);
    }

    #[test]
    fn jitter_follows_a8() {
        let start = Instant::now();
        let mut stats = ReceiverStats::new(start, 1, 0, 8000);
        // Every other packet 10 ms late: |D| = 80 units each time.
        for n in 0u16..400 {
            let late = if n % 2 == 1 { 10 } else { 0 };
            let at = start + Duration::from_millis(20 * u64::from(n) + late);
            stats.handle_packet(at, n, u32::from(n) * 160);
        }
        assert!((75..=80).contains(&stats.jitter()), "{}", stats.jitter());
        let mut steady = ReceiverStats::new(start, 1, 0, 8000);
        feed(&mut steady, start, &(0..400).collect::<Vec<_>>());
        assert_eq!(steady.jitter(), 0);
    }

    #[test]
    fn report_block_carries_lsr_and_dlsr() {
        let start = Instant::now();
        let mut stats = ReceiverStats::new(start, 1, 0, 8000);
        stats.handle_sender_report(start, 0x1234_5678_9abc_def0);
        let block = stats.report_block(start + Duration::from_millis(500));
        assert_eq!(block.last_sender_report, 0x5678_9abc);
        assert_eq!(block.delay_since_last_sender_report, 0x8000);
    }
}
