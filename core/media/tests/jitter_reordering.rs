//! Packets overtaken on the network are put back in order, and the
//! target depth grows to hold them when the minimum does not.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// Every seventh packet is held 30 ms, arriving after the next one.
fn reordered(start: Instant, count: u32) -> Vec<(Instant, Packet)> {
    stream(65000, 0, 3, count)
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let held = if i % 7 == 3 { 30 } else { 0 };
            let at = start + PTIME * i as u32 + Duration::from_millis(5 + held);
            (at, p)
        })
        .collect()
}

#[test]
fn reordered_packets_play_in_order_across_the_sequence_wrap() {
    let start = Instant::now();
    let mut jb = buffer(3, 10);
    let out = play(
        &mut jb,
        start,
        reordered(start, 1000),
        Duration::from_millis(7),
        1010,
    );
    let expected: Vec<u16> = (0..1000u32)
        .map(|i| 65000u16.wrapping_add(i as u16))
        .collect();
    let played = frames(&out);
    assert_eq!(played, expected[..played.len()]);
    assert!(played.len() >= 995);
    let stats = jb.stats();
    assert_eq!(stats.lost + stats.late + stats.dropped, 0, "{stats:?}");
}

#[test]
fn the_target_grows_to_absorb_reordering() {
    let start = Instant::now();
    let mut jb = buffer(1, 10);
    let out = play(
        &mut jb,
        start,
        reordered(start, 1000),
        Duration::from_millis(7),
        1010,
    );
    let stats = jb.stats();
    assert!(stats.target_frames >= 2, "{stats:?}");
    // The first held packet may be late before the target grew; after
    // that, none.
    assert!(stats.late <= 1, "{stats:?}");
    let played = frames(&out);
    assert!(played.len() >= 990, "{}", played.len());
    let mut extended: Vec<u32> = played
        .iter()
        .map(|&s| {
            if s >= 65000 {
                u32::from(s)
            } else {
                u32::from(s) + 65536
            }
        })
        .collect();
    let sorted = {
        let mut v = extended.clone();
        v.sort_unstable();
        v.dedup();
        v
    };
    assert_eq!(extended, sorted);
    extended.clear();
}
