//! DTMF as RFC 4733 telephone-events: the 4-byte payload, the digit
//! codes, a sender that paces one key press into packets on the caller's
//! clock, and a receiver that turns packets back into one
//! [`DigitEvent`] per key press despite loss and retransmission.
//!
//! One key press is one event: every packet of it carries the same RTP
//! timestamp (when the key went down), the first one the marker bit, each
//! one the duration so far; the last is sent three times with the E bit.
//! The receiver therefore identifies an event by its timestamp.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use ferroswitch_media::telephone_event::{DtmfReceiver, DtmfSender};
//!
//! let start = Instant::now();
//! let mut sender = DtmfSender::new(8000, Duration::from_millis(20));
//! let mut receiver = DtmfReceiver::new(8000);
//! sender.send_digit(start, 12_345, '5', Duration::from_millis(100)).unwrap();
//! while let Some(at) = sender.poll_timeout() {
//!     while let Some(packet) = sender.poll_transmit(at) {
//!         receiver.handle_packet(at, packet.timestamp, packet.marker, &packet.payload).unwrap();
//!     }
//! }
//! let event = receiver.poll_event().unwrap();
//! assert_eq!((event.digit, event.duration), ('5', Duration::from_millis(100)));
//! assert_eq!(receiver.poll_event(), None);
//! ```

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use thiserror::Error;

/// Length of one event block.
pub const PAYLOAD_LEN: usize = 4;
/// How many times the final packet of an event is sent (RFC 4733 §2.5.1.4).
const END_REPEATS: u8 = 3;
/// Events remembered after being reported, to drop their retransmissions.
const REPORTED_MEMORY: usize = 8;

/// Why a payload cannot be read or a digit cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TelephoneEventError {
    #[error("telephone-event payload of {0} bytes, expected at least 4")]
    TooShort(usize),
    #[error("{0:?} is not a DTMF digit (0-9, *, #, A-D)")]
    NotADigit(char),
    #[error("a DTMF digit needs a non-zero duration")]
    ZeroDuration,
    #[error("DTMF duration {0:?} exceeds the 16-bit duration field")]
    DurationTooLong(Duration),
    #[error("buffer of {0} bytes cannot hold a 4-byte telephone-event payload")]
    BufferTooSmall(usize),
}

/// One telephone-event payload block (RFC 4733 §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TelephoneEvent {
    /// Event code: 0-9 digits, 10 `*`, 11 `#`, 12-15 A-D, 16 flash.
    pub event: u8,
    /// The E bit: this packet ends the event.
    pub end: bool,
    /// Power level as 0 to -63 dBm0, stored as its magnitude 0-63.
    pub volume: u8,
    /// Duration so far, in RTP timestamp units.
    pub duration: u16,
}

/// One key press, as the receiver reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigitEvent {
    pub digit: char,
    /// How long the key was held, from the last duration received.
    pub duration: Duration,
    /// The event's RTP timestamp, which identifies it.
    pub timestamp: u32,
}

/// A telephone-event packet to send: the driver adds sequence number,
/// SSRC and the negotiated payload type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfPacket {
    pub marker: bool,
    pub timestamp: u32,
    pub event: TelephoneEvent,
    /// `event` encoded, ready to follow the RTP header.
    pub payload: [u8; PAYLOAD_LEN],
}

/// Paces key presses into telephone-event packets. Digits sent while one
/// is playing are queued and follow after a short gap.
#[derive(Debug, Clone)]
pub struct DtmfSender {
    clock_rate: u32,
    ptime: Duration,
    /// Volume put in every packet (magnitude of dBm0).
    pub volume: u8,
    /// Silence between queued digits.
    pub inter_digit_gap: Duration,
    current: Option<Sending>,
    queue: VecDeque<(u8, u16)>,
}

#[derive(Debug, Clone, Copy)]
struct Sending {
    event: u8,
    timestamp: u32,
    started: Instant,
    total: u16,
    /// Packets sent so far.
    sent: u32,
    /// End packets sent so far.
    ends_sent: u8,
}

/// Turns received telephone-event packets into [`DigitEvent`]s.
#[derive(Debug, Clone)]
pub struct DtmfReceiver {
    clock_rate: u32,
    /// How long an event may go without packets before it is taken as
    /// ended (its end packets lost).
    pub end_timeout: Duration,
    current: Option<Receiving>,
    reported: VecDeque<(u32, u8)>,
    events: VecDeque<DigitEvent>,
}

#[derive(Debug, Clone, Copy)]
struct Receiving {
    timestamp: u32,
    event: u8,
    /// Samples accumulated in earlier segments of a very long event.
    earlier_segments: u32,
    duration: u16,
    last_packet: Instant,
}

impl TelephoneEvent {
    /// Reads the first block of a payload (redundant blocks, RFC 4733
    /// §2.5.1.5, are ignored).
    pub fn parse(payload: &[u8]) -> Result<Self, TelephoneEventError> {
        let [event, flags, high, low, ..] = *payload else {
            return Err(TelephoneEventError::TooShort(payload.len()));
        };
        Ok(TelephoneEvent {
            event,
            end: flags & 0x80 != 0,
            volume: flags & 0x3f,
            duration: u16::from_be_bytes([high, low]),
        })
    }

    pub fn to_bytes(self) -> [u8; PAYLOAD_LEN] {
        let [high, low] = self.duration.to_be_bytes();
        [
            self.event,
            u8::from(self.end) << 7 | (self.volume & 0x3f),
            high,
            low,
        ]
    }

    /// Writes the payload into `out`, returning its length (4).
    pub fn write(self, out: &mut [u8]) -> Result<usize, TelephoneEventError> {
        let len = out.len();
        let target = out
            .get_mut(..PAYLOAD_LEN)
            .ok_or(TelephoneEventError::BufferTooSmall(len))?;
        target.copy_from_slice(&self.to_bytes());
        Ok(PAYLOAD_LEN)
    }
}

/// The event code of a DTMF digit (`0-9 * # A-D`, letters in either case).
pub fn digit_to_event(digit: char) -> Option<u8> {
    match digit {
        // A digit's value fits: 0-9.
        '0'..='9' => Some(digit as u8 - b'0'),
        '*' => Some(10),
        '#' => Some(11),
        'A'..='D' => Some(digit as u8 - b'A' + 12),
        'a'..='d' => Some(digit as u8 - b'a' + 12),
        _ => None,
    }
}

/// The digit of a DTMF event code (0-15); other events have none.
pub fn event_to_digit(event: u8) -> Option<char> {
    match event {
        0..=9 => Some(char::from(b'0' + event)),
        10 => Some('*'),
        11 => Some('#'),
        12..=15 => Some(char::from(b'A' + event - 12)),
        _ => None,
    }
}

impl DtmfSender {
    /// `clock_rate` of the telephone-event payload type (8000 usually),
    /// `ptime` between duration updates (the audio packet time).
    pub fn new(clock_rate: u32, ptime: Duration) -> Self {
        DtmfSender {
            clock_rate: clock_rate.max(1),
            ptime: ptime.max(Duration::from_millis(1)),
            volume: 10,
            inter_digit_gap: Duration::from_millis(50),
            current: None,
            queue: VecDeque::new(),
        }
    }

    /// True while a digit is being sent: the driver holds back audio then.
    pub fn is_sending(&self) -> bool {
        self.current.is_some()
    }

    /// Starts sending `digit` for `duration` now, or queues it behind the
    /// digit being sent. `rtp_timestamp` is the media stream's timestamp
    /// at `now`; queued digits derive theirs from it.
    pub fn send_digit(
        &mut self,
        now: Instant,
        rtp_timestamp: u32,
        digit: char,
        duration: Duration,
    ) -> Result<(), TelephoneEventError> {
        let event = digit_to_event(digit).ok_or(TelephoneEventError::NotADigit(digit))?;
        let samples = duration.as_nanos() * u128::from(self.clock_rate) / 1_000_000_000;
        let total =
            u16::try_from(samples).map_err(|_| TelephoneEventError::DurationTooLong(duration))?;
        if total == 0 {
            return Err(TelephoneEventError::ZeroDuration);
        }
        if self.current.is_some() {
            self.queue.push_back((event, total));
        } else {
            self.start(now, rtp_timestamp, event, total);
        }
        Ok(())
    }

    /// When the next packet is due, if any is.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.current
            .map(|sending| sending.started + self.ptime * sending.sent)
    }

    /// The next packet if it is due at `now`. Call until it returns `None`.
    #[must_use]
    pub fn poll_transmit(&mut self, now: Instant) -> Option<DtmfPacket> {
        let sending = self.current.as_mut()?;
        let due = sending.started + self.ptime * sending.sent;
        if now < due {
            return None;
        }
        let spp = self.ptime.as_nanos() * u128::from(self.clock_rate) / 1_000_000_000;
        let elapsed = spp * (u128::from(sending.sent) + 1);
        let end = elapsed >= u128::from(sending.total);
        // Bounded by `total`, a u16.
        let duration = elapsed.min(u128::from(sending.total)) as u16;
        let packet = DtmfPacket {
            marker: sending.sent == 0,
            timestamp: sending.timestamp,
            event: TelephoneEvent {
                event: sending.event,
                end,
                volume: self.volume,
                duration,
            },
            payload: [0; PAYLOAD_LEN],
        };
        sending.sent += 1;
        if end {
            sending.ends_sent += 1;
            if sending.ends_sent >= END_REPEATS {
                let next_start = due + self.ptime + self.inter_digit_gap;
                let elapsed = next_start - sending.started;
                let advance = elapsed.as_nanos() * u128::from(self.clock_rate) / 1_000_000_000;
                // RTP timestamps wrap modulo 2^32.
                let next_timestamp = sending.timestamp.wrapping_add(advance as u32);
                self.current = None;
                if let Some((event, total)) = self.queue.pop_front() {
                    self.start(next_start, next_timestamp, event, total);
                }
            }
        }
        Some(DtmfPacket {
            payload: packet.event.to_bytes(),
            ..packet
        })
    }

    fn start(&mut self, now: Instant, timestamp: u32, event: u8, total: u16) {
        self.current = Some(Sending {
            event,
            timestamp,
            started: now,
            total,
            sent: 0,
            ends_sent: 0,
        });
    }
}

impl DtmfReceiver {
    /// `clock_rate` of the negotiated telephone-event payload type.
    pub fn new(clock_rate: u32) -> Self {
        DtmfReceiver {
            clock_rate: clock_rate.max(1),
            end_timeout: Duration::from_millis(500),
            current: None,
            reported: VecDeque::with_capacity(REPORTED_MEMORY),
            events: VecDeque::new(),
        }
    }

    /// Feeds one received telephone-event packet (already demultiplexed by
    /// payload type): its RTP timestamp, marker bit and payload.
    pub fn handle_packet(
        &mut self,
        now: Instant,
        timestamp: u32,
        marker: bool,
        payload: &[u8],
    ) -> Result<(), TelephoneEventError> {
        let packet = TelephoneEvent::parse(payload)?;
        if self.reported.contains(&(timestamp, packet.event)) {
            // A retransmitted end packet, or a late copy of a finished event.
            return Ok(());
        }
        match self.current {
            Some(current) if current.timestamp == timestamp && current.event == packet.event => {
                self.update(now, packet);
            }
            Some(current) => {
                if (timestamp.wrapping_sub(current.timestamp) as i32) < 0 {
                    // Older than the event in progress: a straggler of an
                    // event we never saw whole. Reporting it now would be
                    // out of order, so it is dropped.
                    return Ok(());
                }
                let continuation = !marker
                    && packet.event == current.event
                    && current.duration == u16::MAX
                    && timestamp == current.timestamp.wrapping_add(u32::from(u16::MAX));
                if continuation {
                    // RFC 4733 §2.5.1.3: a long event goes on in a new segment.
                    self.remember(current.timestamp, current.event);
                    self.current = Some(Receiving {
                        timestamp,
                        earlier_segments: current.earlier_segments + u32::from(u16::MAX),
                        duration: 0,
                        ..current
                    });
                } else {
                    // A new key press while the previous one had not ended:
                    // its end packets were lost.
                    self.finish();
                    self.begin(now, timestamp, packet.event);
                }
                self.update(now, packet);
            }
            None => {
                self.begin(now, timestamp, packet.event);
                self.update(now, packet);
            }
        }
        Ok(())
    }

    /// When an event in progress times out, if one is.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.current
            .map(|current| current.last_packet + self.end_timeout)
    }

    /// Ends an event whose packets stopped coming without an end packet.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.poll_timeout().is_some_and(|at| now >= at) {
            self.finish();
        }
    }

    /// The next finished key press.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<DigitEvent> {
        self.events.pop_front()
    }

    fn begin(&mut self, now: Instant, timestamp: u32, event: u8) {
        self.current = Some(Receiving {
            timestamp,
            event,
            earlier_segments: 0,
            duration: 0,
            last_packet: now,
        });
    }

    fn update(&mut self, now: Instant, packet: TelephoneEvent) {
        let Some(current) = self.current.as_mut() else {
            return;
        };
        current.duration = current.duration.max(packet.duration);
        current.last_packet = now;
        if packet.end {
            self.finish();
        }
    }

    fn remember(&mut self, timestamp: u32, event: u8) {
        if self.reported.len() == REPORTED_MEMORY {
            self.reported.pop_front();
        }
        self.reported.push_back((timestamp, event));
    }

    fn finish(&mut self) {
        let Some(current) = self.current.take() else {
            return;
        };
        self.remember(current.timestamp, current.event);
        // Flash (16) and the other non-DTMF events are not key presses.
        let Some(digit) = event_to_digit(current.event) else {
            return;
        };
        let samples = u64::from(current.earlier_segments) + u64::from(current.duration);
        self.events.push_back(DigitEvent {
            digit,
            duration: Duration::from_nanos(samples * 1_000_000_000 / u64::from(self.clock_rate)),
            timestamp: current.timestamp,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PTIME: Duration = Duration::from_millis(20);

    fn collect(sender: &mut DtmfSender) -> Vec<(Instant, DtmfPacket)> {
        let mut packets = Vec::new();
        while let Some(at) = sender.poll_timeout() {
            while let Some(packet) = sender.poll_transmit(at) {
                packets.push((at, packet));
            }
        }
        packets
    }

    #[test]
    fn payload_round_trips() {
        let event = TelephoneEvent {
            event: 11,
            end: true,
            volume: 10,
            duration: 800,
        };
        assert_eq!(event.to_bytes(), [11, 0x8a, 0x03, 0x20]);
        assert_eq!(TelephoneEvent::parse(&event.to_bytes()), Ok(event));
        let mut buf = [0u8; 3];
        assert_eq!(
            event.write(&mut buf),
            Err(TelephoneEventError::BufferTooSmall(3))
        );
        assert_eq!(
            TelephoneEvent::parse(&[1, 2]),
            Err(TelephoneEventError::TooShort(2))
        );
        // The reserved bit is ignored.
        assert_eq!(TelephoneEvent::parse(&[1, 0x4a, 0, 1]).unwrap().volume, 10);
    }

    #[test]
    fn digits_map_to_codes_and_back() {
        for (digit, code) in "0123456789*#ABCD".chars().zip(0u8..) {
            assert_eq!(digit_to_event(digit), Some(code));
            assert_eq!(event_to_digit(code), Some(digit));
        }
        assert_eq!(digit_to_event('b'), Some(13));
        assert_eq!(digit_to_event('E'), None);
        assert_eq!(event_to_digit(16), None);
    }

    #[test]
    fn sender_paces_one_event_on_the_clock() {
        let start = Instant::now();
        let mut sender = DtmfSender::new(8000, PTIME);
        sender
            .send_digit(start, 1000, '#', Duration::from_millis(100))
            .unwrap();
        assert!(sender.poll_transmit(start).is_some());
        assert!(
            sender.poll_transmit(start).is_none(),
            "one packet per ptime"
        );
        let packets = collect(&mut sender);
        // The first (taken above), three updates, three end packets.
        assert_eq!(packets.len(), 6);
        let durations: Vec<u16> = packets.iter().map(|(_, p)| p.event.duration).collect();
        assert_eq!(durations, [320, 480, 640, 800, 800, 800]);
        let ends: Vec<bool> = packets.iter().map(|(_, p)| p.event.end).collect();
        assert_eq!(ends, [false, false, false, true, true, true]);
        assert!(packets
            .iter()
            .all(|(_, p)| p.timestamp == 1000 && !p.marker));
        assert_eq!(packets[5].0, start + PTIME * 6);
        assert!(!sender.is_sending());
    }

    #[test]
    fn first_packet_has_the_marker_and_queued_digits_follow_with_new_timestamps() {
        let start = Instant::now();
        let mut sender = DtmfSender::new(8000, PTIME);
        sender.send_digit(start, 0, '1', PTIME * 2).unwrap();
        sender.send_digit(start, 0, '2', PTIME * 2).unwrap();
        let packets = collect(&mut sender);
        let markers: Vec<_> = packets
            .iter()
            .filter(|(_, p)| p.marker)
            .map(|(at, p)| (*at, p.timestamp, p.event.event))
            .collect();
        // Digit 1: packets at 0, 20 (end), 40, 60 ms; then 50 ms gap.
        let second = start + PTIME * 4 + Duration::from_millis(50);
        assert_eq!(markers, [(start, 0, 1), (second, 1040, 2)]);
    }

    #[test]
    fn sender_refuses_bad_digits_and_durations() {
        let mut sender = DtmfSender::new(8000, PTIME);
        let now = Instant::now();
        assert_eq!(
            sender.send_digit(now, 0, 'x', PTIME),
            Err(TelephoneEventError::NotADigit('x'))
        );
        assert_eq!(
            sender.send_digit(now, 0, '1', Duration::ZERO),
            Err(TelephoneEventError::ZeroDuration)
        );
        assert!(matches!(
            sender.send_digit(now, 0, '1', Duration::from_secs(9)),
            Err(TelephoneEventError::DurationTooLong(_))
        ));
    }

    fn packet(event: u8, end: bool, duration: u16) -> [u8; 4] {
        TelephoneEvent {
            event,
            end,
            volume: 10,
            duration,
        }
        .to_bytes()
    }

    #[test]
    fn receiver_reports_once_despite_three_end_packets() {
        let now = Instant::now();
        let mut rx = DtmfReceiver::new(8000);
        rx.handle_packet(now, 500, true, &packet(3, false, 160))
            .unwrap();
        rx.handle_packet(now, 500, false, &packet(3, false, 320))
            .unwrap();
        assert_eq!(rx.poll_event(), None);
        for _ in 0..3 {
            rx.handle_packet(now, 500, false, &packet(3, true, 480))
                .unwrap();
        }
        let event = rx.poll_event().unwrap();
        assert_eq!(event.digit, '3');
        assert_eq!(event.duration, Duration::from_millis(60));
        assert_eq!(rx.poll_event(), None);
        assert_eq!(rx.poll_timeout(), None);
    }

    #[test]
    fn lost_end_packets_end_the_digit_on_the_next_event() {
        let now = Instant::now();
        let mut rx = DtmfReceiver::new(8000);
        rx.handle_packet(now, 500, true, &packet(1, false, 320))
            .unwrap();
        rx.handle_packet(now, 2000, true, &packet(2, false, 160))
            .unwrap();
        let first = rx.poll_event().unwrap();
        assert_eq!(
            (first.digit, first.duration),
            ('1', Duration::from_millis(40))
        );
        rx.handle_packet(now, 2000, false, &packet(2, true, 400))
            .unwrap();
        assert_eq!(rx.poll_event().unwrap().digit, '2');
    }

    #[test]
    fn lost_end_packets_end_the_digit_after_the_timeout() {
        let now = Instant::now();
        let mut rx = DtmfReceiver::new(8000);
        rx.handle_packet(now, 500, true, &packet(9, false, 160))
            .unwrap();
        let at = rx.poll_timeout().unwrap();
        assert_eq!(at, now + Duration::from_millis(500));
        rx.handle_timeout(at - Duration::from_millis(1));
        assert_eq!(rx.poll_event(), None);
        rx.handle_timeout(at);
        assert_eq!(rx.poll_event().unwrap().digit, '9');
        // A late end packet of that event is not a second key press.
        rx.handle_packet(at, 500, false, &packet(9, true, 800))
            .unwrap();
        assert_eq!(rx.poll_event(), None);
    }

    #[test]
    fn lost_start_packet_still_yields_the_digit() {
        let now = Instant::now();
        let mut rx = DtmfReceiver::new(8000);
        rx.handle_packet(now, 500, false, &packet(0, true, 800))
            .unwrap();
        assert_eq!(rx.poll_event().unwrap().digit, '0');
    }

    #[test]
    fn stragglers_of_older_events_are_ignored() {
        let now = Instant::now();
        let mut rx = DtmfReceiver::new(8000);
        rx.handle_packet(now, 5000, true, &packet(4, false, 160))
            .unwrap();
        rx.handle_packet(now, 3000, false, &packet(7, true, 800))
            .unwrap();
        rx.handle_packet(now, 5000, false, &packet(4, true, 320))
            .unwrap();
        let digits: Vec<char> = std::iter::from_fn(|| rx.poll_event())
            .map(|e| e.digit)
            .collect();
        assert_eq!(digits, ['4']);
    }

    #[test]
    fn flash_is_not_a_digit() {
        let now = Instant::now();
        let mut rx = DtmfReceiver::new(8000);
        rx.handle_packet(now, 1, true, &packet(16, true, 800))
            .unwrap();
        assert_eq!(rx.poll_event(), None);
    }

    #[test]
    fn long_events_continue_across_segments() {
        let now = Instant::now();
        let mut rx = DtmfReceiver::new(8000);
        rx.handle_packet(now, 100, true, &packet(5, false, u16::MAX))
            .unwrap();
        rx.handle_packet(now, 100 + 65535, false, &packet(5, true, 8000))
            .unwrap();
        let event = rx.poll_event().unwrap();
        assert_eq!(
            event.duration,
            Duration::from_nanos((65535 + 8000) * 125_000)
        );
        assert_eq!(rx.poll_event(), None);
    }
}
