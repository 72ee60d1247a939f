//! A virtual clock, a seeded random source and a small network emulator
//! shared by the scenario tests.
#![allow(dead_code)] // each test binary uses part of it

use std::time::{Duration, Instant};

use ferroswitch_media::jitter::{JitterBuffer, JitterConfig, Popped};
use ferroswitch_media::rtp::RtpHeader;

pub const PTIME: Duration = Duration::from_millis(20);
pub const SAMPLES: u32 = 160;
pub const PAYLOAD_LEN: usize = 160;

/// SplitMix64: deterministic per seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub fn duration_up_to(&mut self, max: Duration) -> Duration {
        max.mul_f64(self.unit())
    }
}

/// Delay, jitter, loss and duplication applied to each packet sent.
pub struct Network {
    pub rng: Rng,
    pub delay: Duration,
    /// Extra delay drawn uniformly from [0, jitter).
    pub jitter: Duration,
    pub loss: f64,
    pub duplicate: f64,
}

impl Network {
    pub fn new(seed: u64) -> Self {
        Network {
            rng: Rng::new(seed),
            delay: Duration::from_millis(40),
            jitter: Duration::ZERO,
            loss: 0.0,
            duplicate: 0.0,
        }
    }

    /// Arrival times of one packet sent at `sent`: none if lost, two if duplicated.
    pub fn arrivals(&mut self, sent: Instant) -> Vec<Instant> {
        if self.rng.chance(self.loss) {
            return Vec::new();
        }
        let mut times = vec![sent + self.delay + self.rng.duration_up_to(self.jitter)];
        if self.rng.chance(self.duplicate) {
            times.push(sent + self.delay + self.rng.duration_up_to(self.jitter * 2));
        }
        times
    }
}

/// One audio packet of a test stream; the payload names its packet.
#[derive(Debug, Clone)]
pub struct Packet {
    pub header: RtpHeader,
    pub payload: Vec<u8>,
}

impl Packet {
    pub fn audio(sequence: u16, timestamp: u32, ssrc: u32, marker: bool) -> Self {
        let mut payload = vec![0u8; PAYLOAD_LEN];
        payload[..2].copy_from_slice(&sequence.to_be_bytes());
        payload[2..6].copy_from_slice(&ssrc.to_be_bytes());
        payload[6..10].copy_from_slice(&timestamp.to_be_bytes());
        Packet {
            header: RtpHeader {
                marker,
                payload_type: 0,
                sequence,
                timestamp,
                ssrc,
            },
            payload,
        }
    }
}

/// A continuous stream: `count` packets from `first_sequence`, one per ptime.
pub fn stream(first_sequence: u16, first_timestamp: u32, ssrc: u32, count: u32) -> Vec<Packet> {
    (0..count)
        .map(|i| {
            Packet::audio(
                first_sequence.wrapping_add(i as u16),
                first_timestamp.wrapping_add(i * SAMPLES),
                ssrc,
                i == 0,
            )
        })
        .collect()
}

/// What the consumer got at one pop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Out {
    Frame {
        sequence: u16,
        timestamp: u32,
        ssrc: u32,
    },
    Lost {
        sequence: u16,
        timestamp: u32,
    },
    Empty,
}

/// Runs a jitter buffer on the virtual clock: packets arrive at their
/// times, the consumer pops every ptime from `start + phase` for
/// `pops` ticks. Checks on every step that each frame's payload belongs
/// to its header and that memory stays within the buffer's capacity.
pub fn play(
    jb: &mut JitterBuffer,
    start: Instant,
    mut arrivals: Vec<(Instant, Packet)>,
    phase: Duration,
    pops: u32,
) -> Vec<Out> {
    arrivals.sort_by_key(|(at, _)| *at);
    let mut arrivals = arrivals.into_iter().peekable();
    let mut out = Vec::with_capacity(pops as usize);
    for tick in 0..pops {
        let now = start + phase + PTIME * tick;
        // A driver pushes each packet as it arrives; pushing the ones that
        // arrived since the last tick with their own arrival times is the same.
        while let Some((at, packet)) = arrivals.next_if(|(at, _)| *at <= now) {
            jb.push(&packet.header, &packet.payload, at);
            assert!(jb.len() <= jb.config().capacity, "memory bound broken");
        }
        out.push(match jb.pop(now) {
            Popped::Frame(frame) => {
                assert_eq!(&frame.payload[..2], &frame.header.sequence.to_be_bytes());
                assert_eq!(&frame.payload[2..6], &frame.header.ssrc.to_be_bytes());
                assert_eq!(&frame.payload[6..10], &frame.header.timestamp.to_be_bytes());
                Out::Frame {
                    sequence: frame.header.sequence,
                    timestamp: frame.header.timestamp,
                    ssrc: frame.header.ssrc,
                }
            }
            Popped::Lost {
                sequence,
                timestamp,
            } => Out::Lost {
                sequence,
                timestamp,
            },
            Popped::Empty => Out::Empty,
        });
    }
    out
}

/// Sends `packets` one per ptime from `start` through `network`.
pub fn transmit(
    network: &mut Network,
    start: Instant,
    packets: &[Packet],
) -> Vec<(Instant, Packet)> {
    packets
        .iter()
        .enumerate()
        .flat_map(|(i, packet)| {
            let sent = start + PTIME * i as u32;
            network
                .arrivals(sent)
                .into_iter()
                .map(move |at| (at, packet.clone()))
        })
        .collect()
}

pub fn buffer(min_frames: u16, max_frames: u16) -> JitterBuffer {
    let mut config = JitterConfig::new(8000, PTIME);
    config.min_depth_frames = min_frames;
    config.max_depth_frames = max_frames;
    JitterBuffer::new(config).expect("valid test configuration")
}

pub fn frames(out: &[Out]) -> Vec<u16> {
    out.iter()
        .filter_map(|o| match o {
            Out::Frame { sequence, .. } => Some(*sequence),
            _ => None,
        })
        .collect()
}

pub fn lost(out: &[Out]) -> Vec<u16> {
    out.iter()
        .filter_map(|o| match o {
            Out::Lost { sequence, .. } => Some(*sequence),
            _ => None,
        })
        .collect()
}
