//! A sender whose timestamps jump (restarted clock, a new media source
//! behind a gateway) is followed at once: no minutes of silence waiting
//! for the new timestamps, no flood of lost frames.

mod common;

use std::time::{Duration, Instant};

use common::*;

fn run(jump: u32) -> (Vec<Out>, u64) {
    let start = Instant::now();
    let mut packets = stream(100, 1_000_000, 5, 100);
    packets.extend(stream(200, 1_000_000u32.wrapping_add(jump), 5, 100));
    packets[100].header.marker = false;
    let arrivals = packets
        .into_iter()
        .enumerate()
        .map(|(i, p)| (start + PTIME * i as u32 + Duration::from_millis(8), p))
        .collect();
    let mut jb = buffer(2, 10);
    let out = play(&mut jb, start, arrivals, Duration::from_millis(12), 210);
    (out, jb.stats().lost)
}

fn empties_between(out: &[Out], before: u16, after: u16) -> usize {
    let at = |s| {
        out.iter()
            .position(|o| matches!(o, Out::Frame { sequence, .. } if *sequence == s))
            .unwrap_or_else(|| panic!("frame {s} was not played"))
    };
    at(after) - at(before) - 1
}

#[test]
fn a_forward_jump_of_ten_minutes_plays_straight_on() {
    let (out, lost) = run(8000 * 600);
    assert_eq!(frames(&out), (100..300).collect::<Vec<u16>>());
    assert_eq!(lost, 0);
    assert!(empties_between(&out, 199, 200) <= 1);
}

#[test]
fn a_backward_jump_plays_straight_on() {
    let (out, lost) = run(0u32.wrapping_sub(8000 * 60));
    assert_eq!(frames(&out), (100..300).collect::<Vec<u16>>());
    assert_eq!(lost, 0);
    assert!(empties_between(&out, 199, 200) <= 1);
}
