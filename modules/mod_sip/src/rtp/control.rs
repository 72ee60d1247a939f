//! RTCP for one stream, sans-IO: the scheduler from `ferroswitch-media`
//! plus where reports go and what was counted.
//!
//! Reports go to the peer's RTP port + 1 until RTCP arrives from somewhere
//! else, then there: symmetric RTCP, latched like RTP for the same NAT
//! reasons, but without an SSRC check, since RTCP carries no media to steal.

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use ferroswitch_media::rtcp::{parse_compound, NtpClock, RtcpConfig, RtcpScheduler};
use ferroswitch_media::rtp::RtpHeader;

/// RTCP state of one stream.
#[derive(Debug)]
pub(crate) struct Control {
    scheduler: RtcpScheduler,
    clock_rate: u32,
    /// None until the stream starts: nowhere to send yet.
    destination: Option<SocketAddr>,
    report: Vec<u8>,
    pub(crate) counters: ControlCounters,
}

/// RTCP counters, copied into [`RtpStats`](super::RtpStats).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ControlCounters {
    pub sent: u64,
    pub received: u64,
    pub malformed: u64,
}

impl Control {
    /// `seed` randomises report times so calls set up together do not
    /// report in lockstep.
    pub(crate) fn new(
        now: Instant,
        wall_clock: SystemTime,
        ssrc: u32,
        cname: &str,
        seed: u64,
    ) -> Self {
        let config = RtcpConfig::new(ssrc, cname, NtpClock::new(now, wall_clock), seed);
        Control {
            scheduler: RtcpScheduler::new(now, config),
            clock_rate: 8000,
            destination: None,
            report: Vec::with_capacity(256),
            counters: ControlCounters::default(),
        }
    }

    /// Negotiated (or re-negotiated) media: its RTCP address and clock.
    pub(crate) fn handle_media(
        &mut self,
        remote_rtcp: SocketAddr,
        clock_rate: u32,
        remote_changed: bool,
    ) {
        if remote_changed || self.destination.is_none() {
            self.destination = Some(remote_rtcp);
        }
        self.clock_rate = clock_rate;
    }

    pub(crate) fn handle_rtp_received(&mut self, now: Instant, header: &RtpHeader) {
        self.scheduler
            .handle_rtp_received(now, header, self.clock_rate);
    }

    pub(crate) fn handle_rtp_sent(&mut self, now: Instant, header: &RtpHeader, payload_len: usize) {
        self.scheduler
            .handle_rtp_sent(now, header, payload_len, self.clock_rate);
    }

    /// One RTCP datagram from `source` (on the RTCP port, or muxed on RTP's).
    pub(crate) fn handle_datagram(
        &mut self,
        now: Instant,
        source: SocketAddr,
        datagram: &[u8],
        muxed: bool,
    ) {
        match parse_compound(datagram) {
            Ok(packets) => {
                self.counters.received += 1;
                self.scheduler.handle_rtcp(now, &packets);
                if !muxed && self.destination.is_some() {
                    self.destination = Some(source);
                }
            }
            Err(_) => self.counters.malformed += 1,
        }
    }

    /// A report to send now, if one is due and there is somewhere to send it.
    pub(crate) fn poll_transmit(&mut self, now: Instant) -> Option<(&[u8], SocketAddr)> {
        let destination = self.destination?;
        if now < self.scheduler.poll_timeout() {
            return None;
        }
        self.report.clear();
        if !self.scheduler.poll_transmit(now, &mut self.report) {
            return None;
        }
        self.counters.sent += 1;
        Some((&self.report, destination))
    }

    /// The final report with BYE, when the call ends.
    pub(crate) fn goodbye(&mut self, now: Instant) -> Option<(&[u8], SocketAddr)> {
        let destination = self.destination?;
        self.report.clear();
        self.scheduler.goodbye(now, None, &mut self.report);
        self.counters.sent += 1;
        Some((&self.report, destination))
    }

    pub(crate) fn round_trip_time(&self) -> Option<Duration> {
        self.scheduler.round_trip_time()
    }

    /// Cumulative loss and interarrival jitter of the peer's source.
    pub(crate) fn reception(&self, ssrc: u32) -> Option<(i64, Duration)> {
        let source = self.scheduler.source(ssrc)?;
        let jitter_units = u64::from(source.jitter());
        let jitter =
            Duration::from_nanos(jitter_units * 1_000_000_000 / u64::from(self.clock_rate.max(1)));
        Some((source.cumulative_lost(), jitter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(ssrc: u32, sequence: u16) -> RtpHeader {
        RtpHeader {
            marker: false,
            payload_type: 0,
            sequence,
            timestamp: u32::from(sequence) * 160,
            ssrc,
        }
    }

    #[test]
    fn reports_flow_both_ways_and_give_a_round_trip_time() {
        let start = Instant::now();
        let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let a_addr: SocketAddr = "192.0.2.1:4001".parse().unwrap();
        let b_addr: SocketAddr = "192.0.2.2:5001".parse().unwrap();
        let mut a = Control::new(start, wall, 0xa, "a@test", 1);
        let mut b = Control::new(start, wall, 0xb, "b@test", 2);
        a.handle_media(b_addr, 8000, true);
        b.handle_media(a_addr, 8000, true);
        let one_way = Duration::from_millis(30);
        let mut a_reports = 0;
        // 20 s of media on a virtual clock: A sends, B receives.
        for n in 0..1000u16 {
            let now = start + Duration::from_millis(20) * u32::from(n);
            a.handle_rtp_sent(now, &header(0xa, n), 160);
            b.handle_rtp_received(now + one_way, &header(0xa, n));
            if let Some((report, to)) = a.poll_transmit(now) {
                assert_eq!(to, b_addr);
                let report = report.to_vec();
                b.handle_datagram(now + one_way, a_addr, &report, false);
                a_reports += 1;
            }
            if let Some((report, to)) = b.poll_transmit(now + one_way) {
                assert_eq!(to, a_addr);
                let report = report.to_vec();
                a.handle_datagram(now + one_way * 2, b_addr, &report, false);
            }
        }
        assert!(a_reports >= 3, "about one report per 5 s: {a_reports}");
        assert_eq!(b.reception(0xa).map(|(lost, _)| lost), Some(0));
        let rtt = a
            .round_trip_time()
            .expect("B's receiver reports carry LSR/DLSR");
        // Compact NTP has 1/65536 s resolution.
        assert!(
            rtt.abs_diff(one_way * 2) < Duration::from_millis(1),
            "{rtt:?}"
        );
    }

    #[test]
    fn garbage_is_counted_and_rtcp_follows_its_source() {
        let start = Instant::now();
        let mut control = Control::new(start, SystemTime::now(), 1, "x@test", 3);
        let source: SocketAddr = "192.0.2.9:7001".parse().unwrap();
        control.handle_datagram(start, source, b"\x80\xc8\x00\x06short", false);
        assert_eq!(control.counters.malformed, 1);
        // Nowhere to send before the stream starts.
        assert!(control
            .poll_transmit(start + Duration::from_secs(10))
            .is_none());
        control.handle_media("192.0.2.8:4001".parse().unwrap(), 8000, true);
        let mut bye = Vec::new();
        Control::new(start, SystemTime::now(), 2, "y@test", 4)
            .scheduler
            .goodbye(start, None, &mut bye);
        control.handle_datagram(start, source, &bye, false);
        assert_eq!(control.counters.received, 1);
        let (_, to) = control
            .poll_transmit(start + Duration::from_secs(10))
            .unwrap();
        assert_eq!(to, source);
    }
}
