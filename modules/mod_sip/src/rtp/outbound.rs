//! The send side of a stream, sans-IO: frames and digits in, datagrams out.
//!
//! Audio and telephone-events share our SSRC and sequence numbers; audio
//! timestamps advance by each frame's samples whether it is sent or not
//! (a silence frame is time passing, RFC 3551 §4.1), so the receiver sees
//! a pause, and the first packet after one carries the marker bit.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ferroswitch_abi::{FrameFlags, FrameMeta};
use ferroswitch_media::rtp::{RtpHeader, RTP_HEADER_LEN};
use ferroswitch_media::sdp::Direction;
use ferroswitch_media::telephone_event::DtmfSender;

use super::error::RtpError;
use super::media::NegotiatedMedia;

/// Largest payload sent: what fits an Ethernet MTU after IP, UDP and RTP headers.
pub(crate) const MAX_PAYLOAD: usize = 1500 - 20 - 8 - RTP_HEADER_LEN;
/// A writer silent this many packet times has stalled; its timestamps
/// jump forward by the time that passed, so the receiver's jitter
/// estimate sees a pause rather than a burst of early packets.
const STALL_FRAMES: u32 = 4;

/// Send state of one started stream.
#[derive(Debug)]
pub(crate) struct Outbound {
    media: NegotiatedMedia,
    ssrc: u32,
    sequence: u16,
    /// Timestamp of the next audio frame.
    timestamp: u32,
    marker_next: bool,
    direction: Direction,
    destination: SocketAddr,
    last_write: Option<Instant>,
    dtmf: DtmfSender,
    datagram: Vec<u8>,
    pub(crate) counters: OutboundCounters,
}

/// Send-side counters, copied into [`RtpStats`](super::RtpStats).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OutboundCounters {
    pub packets: u64,
    pub bytes: u64,
    pub dtmf_packets: u64,
    pub send_errors: u64,
}

/// A datagram ready in [`Outbound::datagram`], and what RTCP needs of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Transmit {
    pub header: RtpHeader,
    pub payload_len: usize,
    pub to: SocketAddr,
    pub dtmf: bool,
}

impl Outbound {
    /// `ssrc`, `sequence` and `timestamp` start random (RFC 3550 §5.1).
    pub(crate) fn new(
        media: NegotiatedMedia,
        ssrc: u32,
        sequence: u16,
        timestamp: u32,
        direction: Direction,
    ) -> Self {
        Outbound {
            dtmf: DtmfSender::new(media.clock_rate, media.ptime()),
            destination: media.remote,
            media,
            ssrc,
            sequence,
            timestamp,
            marker_next: true,
            direction,
            last_write: None,
            datagram: Vec::with_capacity(RTP_HEADER_LEN + 1500),
            counters: OutboundCounters::default(),
        }
    }

    /// A re-INVITE's media. SSRC, sequence and timestamp carry on: it is
    /// the same source (RFC 3264 §8.3.1 keeps it across re-offers).
    pub(crate) fn handle_media(&mut self, media: NegotiatedMedia) {
        if !self.media.same_audio(&media) {
            self.marker_next = true;
        }
        if self.media.clock_rate != media.clock_rate || self.media.ptime_ms != media.ptime_ms {
            self.dtmf = DtmfSender::new(media.clock_rate, media.ptime());
        }
        if self.media.remote != media.remote {
            self.destination = media.remote;
        }
        self.media = media;
    }

    pub(crate) fn set_direction(&mut self, direction: Direction) {
        if !self.sending() {
            self.marker_next = true;
        }
        self.direction = direction;
    }

    /// NAT latching moved the peer.
    pub(crate) fn set_destination(&mut self, destination: SocketAddr) {
        self.destination = destination;
    }

    pub(crate) fn destination(&self) -> SocketAddr {
        self.destination
    }

    /// The datagram of the last [`Transmit`].
    pub(crate) fn datagram(&self) -> &[u8] {
        &self.datagram
    }

    /// Builds the packet for one audio frame, or `None` when nothing goes
    /// out: a silence frame, hold, or a digit playing.
    pub(crate) fn handle_frame(
        &mut self,
        now: Instant,
        meta: &FrameMeta,
        payload: &[u8],
    ) -> Result<Option<Transmit>, RtpError> {
        let payload = payload.get(..meta.len as usize).unwrap_or(payload);
        if payload.len() > MAX_PAYLOAD {
            return Err(RtpError::PayloadTooLarge {
                len: payload.len(),
                max: MAX_PAYLOAD,
            });
        }
        self.catch_up_after_stall(now);
        self.last_write = Some(now);
        let timestamp = self.timestamp;
        self.timestamp = timestamp.wrapping_add(self.frame_samples(meta));
        let silent = meta.flags.contains(FrameFlags::CNG) || payload.is_empty();
        if silent || !self.sending() || self.dtmf.is_sending() {
            self.marker_next = true;
            return Ok(None);
        }
        let header = RtpHeader {
            marker: self.marker_next || meta.flags.contains(FrameFlags::MARKER),
            payload_type: self.media.payload_type,
            sequence: self.next_sequence(),
            timestamp,
            ssrc: self.ssrc,
        };
        self.marker_next = false;
        Ok(Some(self.build(header, payload, false)))
    }

    /// Starts (or queues) one digit; its packets come from [`poll_dtmf`](Self::poll_dtmf).
    pub(crate) fn send_digit(
        &mut self,
        now: Instant,
        digit: char,
        duration: Duration,
    ) -> Result<(), RtpError> {
        if self.media.telephone_event_pt.is_none() {
            return Err(RtpError::NoTelephoneEvent);
        }
        if !self.sending() {
            return Err(RtpError::NotSending {
                direction: self.direction,
            });
        }
        self.catch_up_after_stall(now);
        self.dtmf
            .send_digit(now, self.timestamp, digit, duration)
            .map_err(RtpError::Dtmf)
    }

    /// The next telephone-event packet due at `now`; call until `None`.
    pub(crate) fn poll_dtmf(&mut self, now: Instant) -> Option<Transmit> {
        let payload_type = self.media.telephone_event_pt?;
        if !self.sending() {
            return None;
        }
        let packet = self.dtmf.poll_transmit(now)?;
        if !self.dtmf.is_sending() {
            // Audio after a digit starts a new talk spurt.
            self.marker_next = true;
        }
        let header = RtpHeader {
            marker: packet.marker,
            payload_type,
            sequence: self.next_sequence(),
            timestamp: packet.timestamp,
            ssrc: self.ssrc,
        };
        Some(self.build(header, &packet.payload, true))
    }

    /// The datagram of `transmit` went out.
    pub(crate) fn handle_sent(&mut self, transmit: &Transmit) {
        self.counters.packets += 1;
        self.counters.bytes += transmit.payload_len as u64;
        if transmit.dtmf {
            self.counters.dtmf_packets += 1;
        }
    }

    pub(crate) fn handle_send_error(&mut self) {
        self.counters.send_errors += 1;
    }

    fn sending(&self) -> bool {
        matches!(self.direction, Direction::SendRecv | Direction::SendOnly)
    }

    fn next_sequence(&mut self) -> u16 {
        let sequence = self.sequence;
        self.sequence = sequence.wrapping_add(1);
        sequence
    }

    /// Samples the frame spans at the RTP clock: its own packet time when
    /// it says one, else the negotiated one.
    fn frame_samples(&self, meta: &FrameMeta) -> u32 {
        let ptime_ms = match meta.ptime_ms {
            0 => u32::from(self.media.ptime_ms),
            ms => u32::from(ms),
        };
        let samples = u64::from(self.media.clock_rate) * u64::from(ptime_ms) / 1000;
        u32::try_from(samples).unwrap_or(u32::MAX)
    }

    fn catch_up_after_stall(&mut self, now: Instant) {
        let Some(last) = self.last_write else {
            return;
        };
        let ptime = self.media.ptime();
        let gap = now.saturating_duration_since(last);
        if gap < ptime * STALL_FRAMES {
            return;
        }
        // The frame after `last` already has its timestamp; count the rest.
        let missed = (gap.as_nanos() / ptime.as_nanos().max(1)).saturating_sub(1);
        let samples = u64::try_from(missed)
            .unwrap_or(u64::MAX)
            .saturating_mul(u64::from(self.media.samples_per_frame()));
        // RTP timestamps wrap modulo 2^32.
        self.timestamp = self.timestamp.wrapping_add(samples as u32);
        self.marker_next = true;
    }

    fn build(&mut self, header: RtpHeader, payload: &[u8], dtmf: bool) -> Transmit {
        self.datagram.clear();
        // Cannot fail: the payload type is checked at start (0-127) and a Vec grows.
        let _ = header.append_packet(payload, &mut self.datagram);
        Transmit {
            header,
            payload_len: payload.len(),
            to: self.destination,
            dtmf,
        }
    }
}

#[cfg(test)]
mod tests;
