//! An `event plain ALL` subscriber for the event-socket bench: a plain `TcpStream` that
//! authenticates, subscribes, then counts every event and byte it receives, reads the
//! `Event-Sequence` of every 16th event and, while told to measure, the delay from that
//! event's `Event-Date-Timestamp` to its receipt.
//!
//! It frames messages with its own counting framer rather than ferroswitch-cli's parser: that
//! one builds headers and bodies for every message, and at a few hundred thousand events a
//! second on a two-core machine the bench's own allocations would compete with the switch it
//! measures. This one allocates nothing per event.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Every `SAMPLE_EVERY`th event is parsed for its timestamp and sequence number.
const SAMPLE_EVERY: u64 = 16;
/// How often a blocked read wakes up to look at the stop flag.
const POLL: Duration = Duration::from_millis(100);
const MAX_HEADER_BLOCK: usize = 64 * 1024;

/// Counters one subscriber updates and the bench reads while it runs.
#[derive(Debug, Default)]
pub struct Tally {
    pub events: AtomicU64,
    pub bytes: AtomicU64,
    /// The highest `Event-Sequence` among the sampled events.
    pub last_sequence: AtomicU64,
    /// The switch closed the connection (it drops a client whose queue fills up).
    pub closed: AtomicBool,
    /// Fired-to-received delays sampled while measuring, in µs.
    latencies: Mutex<Vec<u64>>,
}

impl Tally {
    /// The delays sampled since the last call.
    pub fn take_latencies(&self) -> Vec<u64> {
        self.latencies
            .lock()
            .map(|mut latencies| std::mem::take(&mut *latencies))
            .unwrap_or_default()
    }
}

/// Switches the bench flips for every subscriber.
#[derive(Debug, Default)]
pub struct Flags {
    /// Record latencies (only inside a measured window).
    pub measuring: AtomicBool,
    pub stop: AtomicBool,
}

/// Connects to the event socket on `port`, authenticates and subscribes to every event in
/// plain format. Errors say which step failed.
pub fn connect(port: u16, password: &str) -> Result<(TcpStream, Counter), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .map_err(|error| format!("connecting to 127.0.0.1:{port}: {error}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|error| error.to_string())?;
    let mut counter = Counter::new();
    match next_frame(&mut stream, &mut counter)? {
        Frame::Greeting => {}
        other => return Err(format!("expected auth/request, got {other:?}")),
    }
    for command in [format!("auth {password}"), "event plain ALL".to_owned()] {
        stream
            .write_all(format!("{command}\n\n").as_bytes())
            .map_err(|error| format!("sending `{command}`: {error}"))?;
        match next_frame(&mut stream, &mut counter)? {
            Frame::Reply(text) if text.starts_with("+OK") => {}
            other => return Err(format!("`{command}` was answered {other:?}")),
        }
    }
    stream
        .set_read_timeout(Some(POLL))
        .map_err(|error| error.to_string())?;
    Ok((stream, counter))
}

/// Counts into `tally` until `flags.stop` or until the switch closes the connection (noted in
/// `tally.closed`).
pub fn count(
    mut stream: TcpStream,
    mut counter: Counter,
    tally: &Tally,
    flags: &Flags,
) -> Result<(), String> {
    let mut latencies = Vec::new();
    let mut buffer = vec![0u8; 256 * 1024];
    while !flags.stop.load(Ordering::Relaxed) {
        let read = match stream.read(&mut buffer) {
            Ok(0) => {
                tally.closed.store(true, Ordering::Relaxed);
                return Ok(());
            }
            Ok(read) => read,
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                continue
            }
            Err(error) if error.kind() == io::ErrorKind::ConnectionReset => {
                tally.closed.store(true, Ordering::Relaxed);
                return Ok(());
            }
            Err(error) => return Err(format!("reading events: {error}")),
        };
        let received_us = micros_since_epoch();
        let measuring = flags.measuring.load(Ordering::Relaxed);
        counter.push(&buffer[..read]);
        let (mut events, mut bytes) = (0, 0);
        while let Some(frame) = counter.next_frame()? {
            if let Frame::Event { length, stamp } = frame {
                events += 1;
                bytes += length as u64;
                if let Some(stamp) = stamp {
                    if measuring {
                        latencies.push(received_us.saturating_sub(stamp.fired_us));
                    }
                    tally
                        .last_sequence
                        .fetch_max(stamp.sequence, Ordering::Relaxed);
                }
            }
        }
        tally.events.fetch_add(events, Ordering::Relaxed);
        tally.bytes.fetch_add(bytes, Ordering::Relaxed);
        if !latencies.is_empty() {
            if let Ok(mut shared) = tally.latencies.lock() {
                shared.append(&mut latencies);
            }
        }
    }
    Ok(())
}

fn next_frame(stream: &mut TcpStream, counter: &mut Counter) -> Result<Frame, String> {
    let mut buffer = [0u8; 4096];
    loop {
        if let Some(frame) = counter.next_frame()? {
            return Ok(frame);
        }
        match stream.read(&mut buffer) {
            Ok(0) => return Err("the event socket closed the connection".to_owned()),
            Ok(read) => counter.push(&buffer[..read]),
            Err(error) => return Err(format!("waiting for the event socket: {error}")),
        }
    }
}

fn micros_since_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_micros() as u64)
        .unwrap_or(0)
}

/// What the counting framer found.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    Greeting,
    /// A `command/reply`'s `Reply-Text`.
    Reply(String),
    /// A `text/event-plain` message of `length` bytes (headers and body), and, for a sampled
    /// event, when it fired and its sequence number.
    Event {
        length: usize,
        stamp: Option<Stamp>,
    },
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub fired_us: u64,
    pub sequence: u64,
}

/// Splits the stream into messages by their header block and `Content-Length`, looking
/// inside only every `SAMPLE_EVERY`th event.
#[derive(Debug, Default)]
pub struct Counter {
    buffer: Vec<u8>,
    start: usize,
    events: u64,
}

impl Counter {
    pub fn new() -> Counter {
        Counter::default()
    }

    pub fn push(&mut self, bytes: &[u8]) {
        if self.start > 0 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    pub fn next_frame(&mut self) -> Result<Option<Frame>, String> {
        let skip = self.buffer[self.start..]
            .iter()
            .take_while(|&&byte| byte == b'\n')
            .count();
        self.start += skip;
        let data = &self.buffer[self.start..];
        let Some(head_end) = find_blank_line(data) else {
            if data.len() > MAX_HEADER_BLOCK {
                return Err("a header block without an end".to_owned());
            }
            return Ok(None);
        };
        let head = &data[..head_end];
        let length = match header(head, b"Content-Length") {
            None => 0,
            Some(value) => parse_number(value)
                .ok_or_else(|| format!("bad Content-Length {:?}", String::from_utf8_lossy(value)))?
                as usize,
        };
        let total = head_end + 2 + length;
        if data.len() < total {
            return Ok(None);
        }
        let body = &data[head_end + 2..total];
        let frame = match header(head, b"Content-Type") {
            Some(b"text/event-plain") => {
                self.events += 1;
                let stamp = if self.events % SAMPLE_EVERY == 0 {
                    stamp_of(body)
                } else {
                    None
                };
                Frame::Event {
                    length: total,
                    stamp,
                }
            }
            Some(b"command/reply") => Frame::Reply(
                header(head, b"Reply-Text")
                    .map(|text| String::from_utf8_lossy(text).into_owned())
                    .unwrap_or_default(),
            ),
            Some(b"auth/request") => Frame::Greeting,
            _ => Frame::Other,
        };
        self.start += total;
        Ok(Some(frame))
    }
}

fn find_blank_line(data: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(offset) = data[at..].iter().position(|&byte| byte == b'\n') {
        let newline = at + offset;
        if data.get(newline + 1) == Some(&b'\n') {
            return Some(newline);
        }
        at = newline + 1;
    }
    None
}

/// The value of header `name` in a block of `Name: value` lines (exact case, as the switch
/// writes them).
fn header<'a>(block: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    block.split(|&byte| byte == b'\n').find_map(|line| {
        let rest = line.strip_prefix(name)?.strip_prefix(b":")?;
        Some(rest.trim_ascii())
    })
}

fn parse_number(digits: &[u8]) -> Option<u64> {
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn stamp_of(event: &[u8]) -> Option<Stamp> {
    let head = &event[..find_blank_line(event).unwrap_or(event.len())];
    Some(Stamp {
        fired_us: parse_number(header(head, b"Event-Date-Timestamp")?)?,
        sequence: parse_number(header(head, b"Event-Sequence")?)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(sequence: u64) -> Vec<u8> {
        let body = format!(
            "Event-Name: HEARTBEAT\nEvent-Date-Timestamp: 1700000000000000\nEvent-Sequence: {sequence}\n\n"
        );
        format!(
            "Content-Length: {}\nContent-Type: text/event-plain\n\n{body}",
            body.len()
        )
        .into_bytes()
    }

    #[test]
    fn frames_are_counted_across_any_split() {
        let mut input = b"Content-Type: auth/request\n\nContent-Type: command/reply\nReply-Text: +OK accepted\n\n".to_vec();
        for sequence in 1..=SAMPLE_EVERY * 2 {
            input.extend(event(sequence));
        }
        for split in [1, 7, 100, input.len()] {
            let mut counter = Counter::new();
            let mut frames = Vec::new();
            for chunk in input.chunks(split) {
                counter.push(chunk);
                while let Some(frame) = counter.next_frame().unwrap() {
                    frames.push(frame);
                }
            }
            assert_eq!(frames[0], Frame::Greeting);
            assert_eq!(frames[1], Frame::Reply("+OK accepted".to_owned()));
            let stamps: Vec<Stamp> = frames
                .iter()
                .filter_map(|frame| match frame {
                    Frame::Event { stamp, .. } => *stamp,
                    _ => None,
                })
                .collect();
            assert_eq!(frames.len(), 2 + 2 * SAMPLE_EVERY as usize);
            assert_eq!(
                stamps,
                [SAMPLE_EVERY, SAMPLE_EVERY * 2].map(|sequence| Stamp {
                    fired_us: 1_700_000_000_000_000,
                    sequence
                })
            );
        }
    }

    #[test]
    fn bad_lengths_are_errors() {
        let mut counter = Counter::new();
        counter.push(b"Content-Length: x\n\n");
        assert!(counter.next_frame().is_err());
    }
}
