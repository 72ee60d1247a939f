//! The receive side of a stream, sans-IO: datagrams in, frames and digits out.
//!
//! Audio goes through the jitter buffer and comes out once per packet time;
//! telephone-events never touch it and become digits. Everything the peer
//! may get wrong (garbage, unknown payload types, a stranger's packets) is
//! counted and dropped here.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ferroswitch_abi::{CodecName, Dtmf, FrameFlags, FrameMeta};
use ferroswitch_media::jitter::{JitterBuffer, JitterConfig, Popped};
use ferroswitch_media::rtp::{classify, PacketKind, RtpHeader, RtpPacket};
use ferroswitch_media::telephone_event::DtmfReceiver;

use super::error::{BadMedia, RtpError};
use super::latch::{Admission, Latch};
use super::media::NegotiatedMedia;
use super::pacer::Pacing;

/// Receive state of one started stream.
#[derive(Debug)]
pub(crate) struct Inbound {
    media: NegotiatedMedia,
    codec: CodecName,
    samples_per_frame: u32,
    pacing: Pacing,
    jitter: JitterBuffer,
    dtmf: DtmfReceiver,
    latch: Latch,
    /// False on hold (we are sendonly or inactive): packets are discarded.
    receiving: bool,
    /// The last valid RTP from the peer, or when the stream started.
    last_rtp: Instant,
    /// The last frame handed out, so silence frames continue its timeline.
    last_timestamp: u32,
    last_sequence: u16,
    remote_ssrc: Option<u32>,
    /// Telephone-event packets received: they take sequence numbers the
    /// jitter buffer must not see as lost audio (see `handle_datagram`).
    event_packets: u16,
    pub(crate) counters: InboundCounters,
}

/// Receive-side counters, copied into [`RtpStats`](super::RtpStats).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct InboundCounters {
    pub packets: u64,
    pub bytes: u64,
    pub dtmf_digits: u64,
    pub malformed: u64,
    pub unknown_payload_type: u64,
    pub foreign_source: u64,
    pub discarded_on_hold: u64,
}

/// What a datagram on the RTP port turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Received {
    /// A valid packet from the peer: its header feeds RTCP statistics.
    Rtp {
        header: RtpHeader,
        /// The destination moved here (NAT latching).
        moved: Option<(SocketAddr, SocketAddr)>,
    },
    /// RTCP multiplexed on the RTP port (RFC 5761).
    Rtcp,
    /// Counted and dropped.
    Dropped,
}

/// One playout slot's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Played {
    /// A frame was copied into the caller's buffer.
    Audio(FrameMeta),
    /// A missing frame, to conceal: a silence frame.
    Concealed(FrameMeta),
    /// Nothing to play (buffering, DTX, hold, no stream yet): a silence frame.
    Silence(FrameMeta),
}

impl Inbound {
    pub(crate) fn new(
        now: Instant,
        media: NegotiatedMedia,
        pacing: Pacing,
        receiving: bool,
    ) -> Result<Self, BadMedia> {
        Ok(Inbound {
            jitter: jitter_buffer(&media, pacing)?,
            dtmf: DtmfReceiver::new(media.clock_rate),
            latch: Latch::new(media.remote),
            codec: media.codec_name(),
            samples_per_frame: media.samples_per_frame(),
            media,
            pacing,
            receiving,
            last_rtp: now,
            last_timestamp: 0,
            last_sequence: 0,
            remote_ssrc: None,
            event_packets: 0,
            counters: InboundCounters::default(),
        })
    }

    /// A re-INVITE's media: a new codec or packet time needs a new jitter
    /// buffer; a new remote address drops the latch.
    pub(crate) fn handle_media(
        &mut self,
        now: Instant,
        media: NegotiatedMedia,
    ) -> Result<(), BadMedia> {
        if !self.media.same_audio(&media) {
            self.jitter = jitter_buffer(&media, self.pacing)?;
        }
        if self.media.clock_rate != media.clock_rate {
            self.dtmf = DtmfReceiver::new(media.clock_rate);
        }
        self.latch.handle_signalled(media.remote);
        self.codec = media.codec_name();
        self.samples_per_frame = media.samples_per_frame();
        self.media = media;
        // A new offer/answer restarts the media timeout.
        self.last_rtp = now;
        Ok(())
    }

    pub(crate) fn set_pacing(&mut self, pacing: Pacing) -> Result<(), BadMedia> {
        if pacing != self.pacing {
            self.jitter = jitter_buffer(&self.media, pacing)?;
            self.pacing = pacing;
        }
        Ok(())
    }

    pub(crate) fn set_receiving(&mut self, receiving: bool) {
        if self.receiving && !receiving {
            // What is buffered belongs to before the hold.
            self.jitter.reset();
        }
        self.receiving = receiving;
    }

    pub(crate) fn media(&self) -> &NegotiatedMedia {
        &self.media
    }

    pub(crate) fn idle_for(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.last_rtp)
    }

    pub(crate) fn remote_ssrc(&self) -> Option<u32> {
        self.remote_ssrc
    }

    pub(crate) fn jitter(&self) -> &JitterBuffer {
        &self.jitter
    }

    /// Takes one datagram that arrived on the RTP port from `source`.
    pub(crate) fn handle_datagram(
        &mut self,
        now: Instant,
        source: SocketAddr,
        datagram: &[u8],
    ) -> Received {
        match classify(datagram) {
            PacketKind::Rtp => {}
            PacketKind::Rtcp => return Received::Rtcp,
            // STUN/DTLS have no business on a plain RTP port either.
            _ => return self.drop_malformed(),
        }
        let Ok(packet) = RtpPacket::parse(datagram) else {
            return self.drop_malformed();
        };
        let header = packet.header;
        let is_audio = header.payload_type == self.media.payload_type;
        let is_dtmf = Some(header.payload_type) == self.media.telephone_event_pt;
        if !is_audio && !is_dtmf {
            self.counters.unknown_payload_type += 1;
            return Received::Dropped;
        }
        let moved = match self.latch.handle_packet(source, header.ssrc) {
            Admission::Foreign => {
                self.counters.foreign_source += 1;
                return Received::Dropped;
            }
            Admission::Accepted => None,
            Admission::Moved { from, to } => Some((from, to)),
        };
        self.last_rtp = now;
        self.remote_ssrc = Some(header.ssrc);
        if !self.receiving {
            self.counters.discarded_on_hold += 1;
            return Received::Rtp { header, moved };
        }
        if is_dtmf {
            let handled =
                self.dtmf
                    .handle_packet(now, header.timestamp, header.marker, packet.payload);
            if handled.is_err() {
                return self.drop_malformed();
            }
            self.event_packets = self.event_packets.wrapping_add(1);
        } else {
            // Audio and events share one sequence space. Numbering audio
            // without the events keeps a digit from playing out as a run of
            // lost frames; the pause it leaves in the timestamps plays as
            // silence, as the sender meant. (An audio packet overtaken by an
            // event packet would be taken as a duplicate: rare, and one frame.)
            let audio = RtpHeader {
                sequence: header.sequence.wrapping_sub(self.event_packets),
                ..header
            };
            // Late, duplicate and stray packets are counted by the buffer itself.
            let _ = self.jitter.push(&audio, packet.payload, now);
        }
        self.counters.packets += 1;
        self.counters.bytes += packet.payload.len() as u64;
        Received::Rtp { header, moved }
    }

    /// The frame for this packet time: audio copied into `buf`, or a
    /// silence frame (length 0, flag CNG) the core conceals or plays as
    /// silence.
    pub(crate) fn pop(&mut self, now: Instant, buf: &mut [u8]) -> Result<Played, RtpError> {
        if !self.receiving {
            return Ok(Played::Silence(self.silence()));
        }
        match self.jitter.pop(now) {
            Popped::Frame(frame) => {
                let len = frame.payload.len();
                let Some(target) = buf.get_mut(..len) else {
                    return Err(RtpError::BufferTooSmall {
                        codec: self.media.codec.clone(),
                        needed: len,
                        capacity: buf.len(),
                    });
                };
                target.copy_from_slice(frame.payload);
                let header = frame.header;
                self.last_timestamp = header.timestamp;
                // The buffer's numbering, without telephone-events: the
                // frames' own count.
                self.last_sequence = header.sequence;
                let flags = if header.marker {
                    FrameFlags::MARKER
                } else {
                    FrameFlags::default()
                };
                // A payload fits u32: the jitter buffer caps it at 1500 bytes.
                Ok(Played::Audio(self.meta(len as u32, flags)))
            }
            Popped::Lost {
                sequence,
                timestamp,
            } => {
                self.last_timestamp = timestamp;
                self.last_sequence = sequence;
                Ok(Played::Concealed(self.meta(0, FrameFlags::CNG)))
            }
            Popped::Empty => Ok(Played::Silence(self.silence())),
        }
    }

    /// The next finished key press.
    pub(crate) fn take_dtmf(&mut self, now: Instant) -> Option<Dtmf> {
        self.dtmf.handle_timeout(now);
        let event = self.dtmf.poll_event()?;
        self.counters.dtmf_digits += 1;
        Some(Dtmf {
            digit: u32::from(event.digit),
            duration_ms: u32::try_from(event.duration.as_millis()).unwrap_or(u32::MAX),
        })
    }

    fn silence(&mut self) -> FrameMeta {
        self.last_timestamp = self.last_timestamp.wrapping_add(self.samples_per_frame);
        self.meta(0, FrameFlags::CNG)
    }

    fn meta(&self, len: u32, flags: FrameFlags) -> FrameMeta {
        FrameMeta {
            codec: self.codec,
            len,
            rate: self.media.rate,
            channels: 1,
            ptime_ms: self.media.frame_ptime_ms(),
            flags,
            timestamp: self.last_timestamp,
            seq: u32::from(self.last_sequence),
        }
    }

    fn drop_malformed(&mut self) -> Received {
        self.counters.malformed += 1;
        Received::Dropped
    }
}

/// A caller that paces itself has no playout clock for the buffer to
/// adapt against, so it plays each frame as soon as it is next in line.
fn jitter_buffer(media: &NegotiatedMedia, pacing: Pacing) -> Result<JitterBuffer, BadMedia> {
    let mut config = JitterConfig::new(media.clock_rate, media.ptime());
    if pacing == Pacing::Arrival {
        config.max_depth_frames = 1;
    }
    JitterBuffer::new(config).map_err(|reason| BadMedia::Jitter {
        codec: media.codec.clone(),
        clock_rate: media.clock_rate,
        ptime_ms: media.ptime_ms,
        reason,
    })
}

#[cfg(test)]
mod tests;
