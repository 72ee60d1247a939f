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
