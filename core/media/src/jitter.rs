//! An adaptive jitter buffer for one stream of fixed-duration audio frames.
//!
//! The network side calls [`JitterBuffer::push`] for every RTP packet as it
//! arrives; the playout side calls [`JitterBuffer::pop`] once per packet
//! time from its own timer and gets a frame to decode, a gap to conceal
//! ([`Popped::Lost`]) or nothing to play ([`Popped::Empty`]: silence, a
//! DTX pause, or the buffer filling up).
//!
//! ```
//! use std::time::{Duration, Instant};
//! use ferroswitch_media::jitter::{JitterBuffer, JitterConfig, Popped};
//! use ferroswitch_media::rtp::RtpHeader;
//!
//! let start = Instant::now();
//! let ptime = Duration::from_millis(20);
//! let mut jb = JitterBuffer::new(JitterConfig::new(8000, ptime)).unwrap();
//! for n in 0..3u16 {
//!     let header = RtpHeader { marker: n == 0, payload_type: 0, sequence: n, timestamp: u32::from(n) * 160, ssrc: 7 };
//!     jb.push(&header, &[0xff; 160], start + ptime * u32::from(n));
//! }
//! let Popped::Frame(frame) = jb.pop(start + ptime * 3) else { panic!("a frame is due") };
//! assert_eq!(frame.header.sequence, 0);
//! ```
//!
//! How it plays:
//! - Packets are kept in a ring indexed by sequence number, so reordering
//!   costs nothing and memory is bounded by [`JitterConfig::capacity`].
//! - Playout follows RTP timestamps, not arrival: a gap in sequence numbers
//!   is a loss; a gap in timestamps with consecutive sequence numbers is a
//!   DTX pause and plays as `Empty`, not as thousands of lost frames.
//! - Packets older than the playout point are late (or duplicates of a frame
//!   already played) and are dropped and counted.
//! - The target depth follows the measured delay variation: it grows at
//!   once and shrinks slowly. The buffer reaches a new target at a talk
//!   spurt start (shortening or stretching the silence before it), after an
//!   underrun, or by skipping frames when far above target.
//! - A new SSRC, a sequence number restart, or a timestamp jump far beyond
//!   the buffer's depth resynchronises on the new packets.

mod delay;

use std::time::{Duration, Instant};

use thiserror::Error;

use crate::rtp::{sequence_distance, timestamp_distance, RtpHeader};
use delay::DelayEstimator;

/// A sequence number this far ahead of the playout point is a restart, not loss (RFC 3550 A.1).
const MAX_DROPOUT: i32 = 3000;
/// Played frames remembered to tell a duplicate from a late packet.
const HISTORY_BITS: u32 = 64;
/// Frames above the target tolerated before skipping frames to catch up.
const CATCH_UP_SLACK: u16 = 2;
/// How long packets of the SSRC just replaced are taken as stragglers.
const STALE_SOURCE_WINDOW: Duration = Duration::from_secs(2);
/// Pops between two catch-up skips, so skips are rare enough not to be heard.
const CATCH_UP_SPACING: u32 = 8;

/// How one jitter buffer is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JitterConfig {
    /// RTP clock rate of the stream (8000 for G.711).
    pub clock_rate: u32,
    /// Duration of one frame, the packet time (20 ms typically).
    pub frame_duration: Duration,
    /// Smallest target depth, in frames (at least 1).
    pub min_depth_frames: u16,
    /// Largest target depth, in frames.
    pub max_depth_frames: u16,
    /// Most packets stored at once; rounded up to a power of two, and at
    /// least twice `max_depth_frames`.
    pub capacity: usize,
    /// Largest payload accepted, in bytes; bounds memory with `capacity`.
    pub max_payload: usize,
}

/// A configuration the buffer cannot run with.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum JitterConfigError {
    #[error("jitter buffer clock rate is 0")]
    ZeroClockRate,
    #[error("jitter buffer frame duration {0:?} is less than one sample")]
    FrameTooShort(Duration),
    #[error("jitter buffer depth range {min}..{max} frames is empty or starts at 0")]
    BadDepthRange { min: u16, max: u16 },
    #[error("jitter buffer capacity {0} is over 4096 packets")]
    CapacityTooLarge(usize),
}

/// What [`JitterBuffer::push`] did with a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    Stored,
    /// Already stored or already played: dropped.
    Duplicate,
    /// Arrived after its slot was played (or concealed): dropped.
    Late,
    /// A sequence number far from the stream's; a second one following it
    /// is taken as a restart.
    SequenceJump,
    /// Left over from the SSRC the stream just switched away from.
    StaleSource,
    /// Larger than [`JitterConfig::max_payload`].
    PayloadTooLarge,
}

/// What the consumer plays for this packet time.
#[derive(Debug, PartialEq, Eq)]
pub enum Popped<'a> {
    Frame(Frame<'a>),
    /// This frame is missing: conceal it.
    Lost {
        sequence: u16,
        timestamp: u32,
    },
    /// Nothing to play: buffering, a silence (DTX) gap, or no stream.
    Empty,
}

/// A frame to decode; the payload is valid until the next call on the buffer.
#[derive(Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    pub header: RtpHeader,
    pub payload: &'a [u8],
}

/// Counters since the buffer was created, plus its current state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JitterStats {
    /// Packets stored.
    pub received: u64,
    /// Frames never received when their time came (concealed or skipped).
    pub lost: u64,
    pub late: u64,
    pub duplicates: u64,
    /// Frames received but discarded to keep the depth near target or memory bounded.
    pub dropped: u64,
    /// Times the buffer ran dry while playing and refilled before playing
    /// on; the end of every talk spurt under DTX counts too.
    pub underruns: u64,
    /// Timestamp jumps and sequence restarts resynchronised on.
    pub resyncs: u64,
    pub ssrc_changes: u64,
    /// Frames stored or awaited between the playout point and the newest packet.
    pub depth_frames: u16,
    pub target_frames: u16,
    /// Delay variation currently planned for.
    pub jitter: Duration,
}

/// The adaptive jitter buffer. See the [module documentation](self).
#[derive(Debug)]
pub struct JitterBuffer {
    config: JitterConfig,
    samples_per_frame: u32,
    slots: Vec<Slot>,
    stored: usize,
    stream: Option<Stream>,
    /// The SSRC before the last change and when it changed: its stragglers
    /// are dropped for a while rather than flipping the stream back.
    previous_ssrc: Option<(u32, Instant)>,
    delay: DelayEstimator,
    target: u16,
    pops_since_skip: u32,
    stats: JitterStats,
}

/// Playout state of the current SSRC.
#[derive(Debug, Clone, Copy)]
struct Stream {
    ssrc: u32,
    /// Sequence number of the next frame to play.
    next_sequence: u16,
    /// Newest sequence number stored (meaningful while `stored > 0`).
    highest: u16,
    /// Timestamp of the frame due at the next pop, while playing.
    play_timestamp: u32,
    playing: bool,
    /// Something was played since the stream (re)started; before that,
    /// earlier packets may still move the start back.
    has_played: bool,
    /// Bit i set: frame `next_sequence - 1 - i` was played.
    played: u64,
    /// After a sequence jump, the number that would confirm a restart.
    restart_candidate: Option<u16>,
}

#[derive(Debug, Default)]
struct Slot {
    occupied: bool,
    header: Option<RtpHeader>,
    arrival: Option<Instant>,
    payload: Vec<u8>,
}

impl JitterConfig {
    /// Defaults: depth 1 to 10 frames, 64 packets, payloads up to 1500 bytes.
    pub fn new(clock_rate: u32, frame_duration: Duration) -> Self {
        JitterConfig {
            clock_rate,
            frame_duration,
            min_depth_frames: 1,
            max_depth_frames: 10,
            capacity: 64,
            max_payload: 1500,
        }
    }

    /// Sets the depth range from durations, rounded up to whole frames.
    pub fn with_depth(mut self, min: Duration, max: Duration) -> Self {
        let frame = self.frame_duration.as_nanos().max(1);
        let frames = |d: Duration| u16::try_from(d.as_nanos().div_ceil(frame)).unwrap_or(u16::MAX);
        self.min_depth_frames = frames(min);
        self.max_depth_frames = frames(max);
        self
    }
}

impl JitterBuffer {
    pub fn new(mut config: JitterConfig) -> Result<Self, JitterConfigError> {
        if config.clock_rate == 0 {
            return Err(JitterConfigError::ZeroClockRate);
        }
        let samples =
            config.frame_duration.as_nanos() * u128::from(config.clock_rate) / 1_000_000_000;
        let samples_per_frame = u32::try_from(samples)
            .ok()
            .filter(|&s| s > 0)
            .ok_or(JitterConfigError::FrameTooShort(config.frame_duration))?;
        if config.min_depth_frames == 0 || config.min_depth_frames > config.max_depth_frames {
            return Err(JitterConfigError::BadDepthRange {
                min: config.min_depth_frames,
                max: config.max_depth_frames,
            });
        }
        config.capacity = config
            .capacity
            .max(2 * usize::from(config.max_depth_frames))
            .next_power_of_two();
        if config.capacity > 4096 {
            return Err(JitterConfigError::CapacityTooLarge(config.capacity));
        }
        let slots = (0..config.capacity).map(|_| Slot::default()).collect();
        Ok(JitterBuffer {
            target: config.min_depth_frames,
            config,
            samples_per_frame,
            slots,
            stored: 0,
            stream: None,
            previous_ssrc: None,
            delay: DelayEstimator::default(),
            pops_since_skip: 0,
            stats: JitterStats::default(),
        })
    }

    pub fn config(&self) -> &JitterConfig {
        &self.config
    }

    /// Counters and the current depth and target.
    pub fn stats(&self) -> JitterStats {
        JitterStats {
            depth_frames: self.depth(),
            target_frames: self.target,
            jitter: self.delay.peak(),
            ..self.stats
        }
    }

    /// Packets currently held.
    pub fn len(&self) -> usize {
        self.stored
    }

    pub fn is_empty(&self) -> bool {
        self.stored == 0
    }

    /// Forgets the stream (stored packets included) but keeps the counters
    /// and the delay estimate, which describe the network, not the stream.
    pub fn reset(&mut self) {
        self.clear_slots();
        self.stream = None;
        self.delay.restart();
    }

    /// Stores one received packet. `payload` is copied into a buffer the
    /// jitter buffer reuses, so steady-state pushes do not allocate.
    pub fn push(&mut self, header: &RtpHeader, payload: &[u8], arrival: Instant) -> Pushed {
        let pushed = self.place(header, payload, arrival);
        // Late packets are the very measurement of too little depth;
        // duplicates and strays say nothing about this stream's delay.
        if matches!(pushed, Pushed::Stored | Pushed::Late) {
            let clock_rate = self.config.clock_rate;
            if let Some(peak) = self
                .delay
                .handle_arrival(arrival, header.timestamp, clock_rate)
            {
                self.retarget(peak);
            }
        }
        pushed
    }

    fn place(&mut self, header: &RtpHeader, payload: &[u8], arrival: Instant) -> Pushed {
        if payload.len() > self.config.max_payload {
            return Pushed::PayloadTooLarge;
        }
        let stream = match self.stream {
            Some(stream) if stream.ssrc == header.ssrc => stream,
            Some(stream) => {
                if let Some((previous, changed_at)) = self.previous_ssrc {
                    let recent =
                        arrival.saturating_duration_since(changed_at) < STALE_SOURCE_WINDOW;
                    if previous == header.ssrc && recent {
                        return Pushed::StaleSource;
                    }
                }
                self.stats.ssrc_changes += 1;
                self.previous_ssrc = Some((stream.ssrc, arrival));
                self.reset();
                self.start_stream(header)
            }
            None => self.start_stream(header),
        };
        let offset = i32::from(sequence_distance(stream.next_sequence, header.sequence));
        let capacity = self.slots.len() as i32;
        if offset < 0 {
            let back = offset.unsigned_abs();
            let reaches = self.stored == 0
                || i32::from(sequence_distance(header.sequence, stream.highest)) < capacity;
            if !stream.has_played && back < self.slots.len() as u32 && reaches {
                // Reordered ahead of the first packet: start earlier.
                self.stream_mut().next_sequence = header.sequence;
            } else if back <= HISTORY_BITS && stream.played & (1 << (back - 1)) != 0 {
                self.stats.duplicates += 1;
                return Pushed::Duplicate;
            } else if offset < -MAX_DROPOUT {
                return self.sequence_jump(header, payload, arrival);
            } else {
                self.stats.late += 1;
                return Pushed::Late;
            }
        } else if offset > MAX_DROPOUT {
            return self.sequence_jump(header, payload, arrival);
        } else if offset >= capacity {
            // Far ahead of playout: make room by giving up the oldest frames.
            self.advance(offset - capacity + 1);
        }
        self.store(header, payload, arrival)
    }

    /// The frame due now. Call once per frame duration from the playout timer.
    pub fn pop(&mut self, now: Instant) -> Popped<'_> {
        let Some(stream) = self.stream else {
            return Popped::Empty;
        };
        if self.stored == 0 {
            if stream.playing {
                self.stats.underruns += 1;
                self.stream_mut().playing = false;
            }
            return Popped::Empty;
        }
        self.pops_since_skip = self.pops_since_skip.saturating_add(1);
        if !stream.playing && !self.start_playout(now) {
            return Popped::Empty;
        }
        self.catch_up();

        // Something is still stored: catching up stops well above the target.
        let (Some(head), Some(stream)) = (self.head(), self.stream) else {
            return Popped::Empty;
        };
        let missing = sequence_distance(stream.next_sequence, head.sequence);
        let spf = self.samples_per_frame;
        // Where the head frame's timeline says the next frame belongs.
        let due_timestamp = head
            .timestamp
            .wrapping_sub(u32::from(missing.unsigned_abs()) * spf);
        let ahead = timestamp_distance(stream.play_timestamp, due_timestamp);
        let resync_samples = i64::from(self.config.max_depth_frames + 2) * i64::from(spf);

        if i64::from(ahead).abs() > resync_samples {
            // A timestamp jump, not a pause: the packets are here already.
            self.stats.resyncs += 1;
            self.stream_mut().play_timestamp = due_timestamp;
        } else if ahead > 0 {
            let depth = self.depth();
            if missing == 0 && head.marker && depth >= self.target {
                // A talk spurt starts: end the silence early to shrink the delay.
                self.stream_mut().play_timestamp = head.timestamp;
            } else {
                self.stream_mut().play_timestamp = stream.play_timestamp.wrapping_add(spf);
                return Popped::Empty;
            }
        } else if missing == 0 && head.marker && self.depth() < self.target {
            // A talk spurt starts below target: stretch the silence to grow.
            let waited = now.saturating_duration_since(self.slot(head.sequence).arrival_or(now));
            let want = self.config.frame_duration * u32::from(self.target - self.depth());
            if waited < want {
                return Popped::Empty;
            }
        }

        if missing > 0 {
            let stream = self.stream_mut();
            let lost = Popped::Lost {
                sequence: stream.next_sequence,
                timestamp: stream.play_timestamp,
            };
            self.advance(1);
            return lost;
        }
        self.play_head(head)
    }

    fn start_stream(&mut self, header: &RtpHeader) -> Stream {
        let stream = Stream {
            ssrc: header.ssrc,
            next_sequence: header.sequence,
            highest: header.sequence,
            play_timestamp: header.timestamp,
            playing: false,
            has_played: false,
            played: 0,
            restart_candidate: None,
        };
        self.stream = Some(stream);
        stream
    }

    /// A sequence number far from the stream's: ignored once, taken as a
    /// restart when the next packet follows it (RFC 3550 A.1's rule).
    fn sequence_jump(&mut self, header: &RtpHeader, payload: &[u8], arrival: Instant) -> Pushed {
        let stream = self.stream_mut();
        if stream.restart_candidate == Some(header.sequence) {
            self.stats.resyncs += 1;
            self.clear_slots();
            self.delay.restart();
            self.start_stream(header);
            return self.store(header, payload, arrival);
        }
        stream.restart_candidate = Some(header.sequence.wrapping_add(1));
        Pushed::SequenceJump
    }

    fn store(&mut self, header: &RtpHeader, payload: &[u8], arrival: Instant) -> Pushed {
        let index = self.index(header.sequence);
        let slot = &mut self.slots[index];
        if slot.occupied {
            // Every stored packet is within `capacity` of the playout point,
            // so an occupied slot holds this very sequence number.
            self.stats.duplicates += 1;
            return Pushed::Duplicate;
        }
        slot.occupied = true;
        slot.header = Some(*header);
        slot.arrival = Some(arrival);
        slot.payload.clear();
        slot.payload.extend_from_slice(payload);
        let was_empty = self.stored == 0;
        self.stored += 1;
        self.stats.received += 1;
        let stream = self.stream_mut();
        stream.restart_candidate = None;
        if was_empty || sequence_distance(stream.highest, header.sequence) > 0 {
            stream.highest = header.sequence;
        }
        Pushed::Stored
    }

    /// Decides whether buffering is over, and if so lines the playout point
    /// up with the oldest stored frame.
    fn start_playout(&mut self, now: Instant) -> bool {
        let (Some(head), Some(stream)) = (self.head(), self.stream) else {
            return false;
        };
        let waited = now.saturating_duration_since(self.slot(head.sequence).arrival_or(now));
        let enough = self.depth() >= self.target
            || waited >= self.config.frame_duration * u32::from(self.target);
        if !enough {
            return false;
        }
        let skipped = i32::from(sequence_distance(stream.next_sequence, head.sequence));
        if stream.has_played {
            // Frames that never came while the buffer was dry.
            self.stats.lost += u64::from(skipped.unsigned_abs());
        }
        self.shift_history(skipped.unsigned_abs());
        let stream = self.stream_mut();
        stream.next_sequence = head.sequence;
        stream.play_timestamp = head.timestamp;
        stream.playing = true;
        stream.has_played = true;
        true
    }

    /// Skips frames while far above target, one at a time and spaced out.
    fn catch_up(&mut self) {
        let excess = self.depth().saturating_sub(self.target);
        let urgent = excess > self.target + 2 * CATCH_UP_SLACK;
        if excess > CATCH_UP_SLACK && (urgent || self.pops_since_skip >= CATCH_UP_SPACING) {
            self.pops_since_skip = 0;
            self.advance(1);
        }
    }

    fn play_head(&mut self, head: RtpHeader) -> Popped<'_> {
        let index = self.index(head.sequence);
        self.stored -= 1;
        let spf = self.samples_per_frame;
        let stream = self.stream_mut();
        stream.next_sequence = stream.next_sequence.wrapping_add(1);
        stream.played = stream.played << 1 | 1;
        stream.play_timestamp = head.timestamp.wrapping_add(spf);
        let slot = &mut self.slots[index];
        slot.occupied = false;
        Popped::Frame(Frame {
            header: head,
            payload: &slot.payload,
        })
    }

    /// Moves the playout point `count` frames on without playing them:
    /// stored ones are dropped, missing ones counted lost.
    fn advance(&mut self, count: i32) {
        let spf = self.samples_per_frame;
        for _ in 0..count {
            let sequence = self.stream_mut().next_sequence;
            let index = self.index(sequence);
            if self.slots[index].occupied {
                self.slots[index].occupied = false;
                self.stored -= 1;
                self.stats.dropped += 1;
            } else {
                self.stats.lost += 1;
            }
            let stream = self.stream_mut();
            stream.next_sequence = sequence.wrapping_add(1);
            stream.played <<= 1;
            stream.play_timestamp = stream.play_timestamp.wrapping_add(spf);
        }
    }

    fn retarget(&mut self, peak: Duration) {
        let frame = self.config.frame_duration.as_nanos().max(1);
        let frames = 1 + peak.as_nanos().div_ceil(frame);
        let wanted = u16::try_from(frames).unwrap_or(u16::MAX);
        self.target = wanted.clamp(self.config.min_depth_frames, self.config.max_depth_frames);
    }

    /// Frames from the playout point to the newest stored packet, gaps included.
    fn depth(&self) -> u16 {
        match self.stream {
            Some(stream) if self.stored > 0 => {
                let span = sequence_distance(stream.next_sequence, stream.highest);
                u16::try_from(i32::from(span) + 1).unwrap_or(0)
            }
            _ => 0,
        }
    }

    /// The oldest stored frame at or after the playout point.
    fn head(&self) -> Option<RtpHeader> {
        let stream = self.stream?;
        if self.stored == 0 {
            return None;
        }
        // Non-negative while something is stored: `highest` is stored.
        let span = sequence_distance(stream.next_sequence, stream.highest).max(0) as u16;
        (0..=span)
            .map(|offset| self.slot(stream.next_sequence.wrapping_add(offset)))
            .find_map(|slot| slot.header.filter(|_| slot.occupied))
    }

    fn shift_history(&mut self, by: u32) {
        let stream = self.stream_mut();
        stream.played = stream.played.checked_shl(by).unwrap_or(0);
    }

    fn clear_slots(&mut self) {
        self.slots.iter_mut().for_each(|slot| slot.occupied = false);
        self.stored = 0;
    }

    fn index(&self, sequence: u16) -> usize {
        usize::from(sequence) & (self.slots.len() - 1)
    }

    fn slot(&self, sequence: u16) -> &Slot {
        &self.slots[self.index(sequence)]
    }

    fn stream_mut(&mut self) -> &mut Stream {
        // Only called on paths where a packet has started a stream.
        self.stream.as_mut().expect("a stream has started")
    }
}

impl Slot {
    fn arrival_or(&self, default: Instant) -> Instant {
        self.arrival.unwrap_or(default)
    }
}

#[cfg(test)]
mod tests;
