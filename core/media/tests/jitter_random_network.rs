//! The jitter buffer behind a seeded random network (delay, jitter, loss,
//! duplication) with talk spurts and silences, checked for invariants
//! rather than exact output: frames come out in order and once, every
//! packet delivered is accounted for, and memory stays bounded.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::*;

const FIRST_SEQUENCE: u16 = 64_000;

/// Talk spurts of 100 packets separated by 1 s of DTX silence: sequence
/// numbers run on, timestamps and send times jump, the marker starts a spurt.
fn conversation(count: u32) -> Vec<(Duration, Packet)> {
    (0..count)
        .map(|i| {
            let spurt = i / 100;
            let frame = i + spurt * 50;
            let timestamp = 90_000u32.wrapping_add(frame * SAMPLES);
            let sequence = FIRST_SEQUENCE.wrapping_add(i as u16);
            let packet = Packet::audio(sequence, timestamp, 0x5eed, i % 100 == 0);
            (PTIME * frame, packet)
        })
        .collect()
}

fn extended(sequence: u16) -> u32 {
    u32::from(sequence.wrapping_sub(FIRST_SEQUENCE))
}

fn check_seed(seed: u64) {
    let start = Instant::now();
    let mut network = Network::new(seed);
    network.delay = Duration::from_millis(30);
    network.jitter = Duration::from_millis(20 + seed % 5 * 20);
    network.loss = 0.01 + (seed % 4) as f64 * 0.02;
    network.duplicate = 0.03;
    let packets = conversation(3000);
    let mut deliveries = 0u64;
    let mut arrivals = Vec::new();
    for (offset, packet) in &packets {
        for at in network.arrivals(start + *offset) {
            deliveries += 1;
            arrivals.push((at, packet.clone()));
        }
    }
    let phase = network.rng.duration_up_to(PTIME);
    let last = packets
        .last()
        .map(|(offset, _)| *offset)
        .unwrap_or_default();
    let pops = (last + Duration::from_secs(2)).as_millis() as u32 / 20;

    let mut jb = buffer(1, 12);
    let out = play(&mut jb, start, arrivals, phase, pops);
    let stats = jb.stats();

    let played: Vec<u32> = frames(&out).into_iter().map(extended).collect();
    assert!(
        played.windows(2).all(|w| w[0] < w[1]),
        "seed {seed}: frames out of order or repeated"
    );
    let mut seen = HashSet::new();
    for o in &out {
        let sequence = match o {
            Out::Frame { sequence, .. } | Out::Lost { sequence, .. } => *sequence,
            Out::Empty => continue,
        };
        assert!(
            seen.insert(sequence),
            "seed {seed}: {sequence} came out twice"
        );
    }
    assert_eq!(
        stats.received,
        played.len() as u64 + stats.dropped + jb.len() as u64,
        "seed {seed}: stored packets unaccounted for: {stats:?}"
    );
    assert_eq!(
        deliveries,
        stats.received + stats.late + stats.duplicates,
        "seed {seed}: deliveries unaccounted for: {stats:?}"
    );
    assert!((1..=12).contains(&stats.target_frames));
    assert!(
        played.len() as f64 >= 0.85 * packets.len() as f64,
        "seed {seed}: only {} of {} frames played: {stats:?}",
        played.len(),
        packets.len()
    );
    assert_eq!(stats.resyncs, 0, "seed {seed}: DTX silences are not jumps");
}

#[test]
fn invariants_hold_on_a_random_network() {
    for seed in 0..24 {
        check_seed(seed);
    }
}
