//! Every packet duplicated, copies arriving before or after the original
//! was played: each frame still plays once and each copy is counted.

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn duplicated_packets_play_once_and_are_counted() {
    let start = Instant::now();
    let packets = stream(500, 0, 9, 400);
    let mut arrivals = Vec::new();
    for (i, packet) in packets.iter().enumerate() {
        let sent = start + PTIME * i as u32;
        arrivals.push((sent + Duration::from_millis(10), packet.clone()));
        // The copy: 0 to 90 ms after the original.
        let copy_delay = Duration::from_millis(10 + (i as u64 * 37) % 90);
        arrivals.push((sent + copy_delay, packet.clone()));
    }
    let mut jb = buffer(2, 10);
    let out = play(&mut jb, start, arrivals, Duration::from_millis(15), 420);
    assert_eq!(frames(&out), (500..900).collect::<Vec<u16>>());
    let stats = jb.stats();
    assert_eq!(stats.duplicates, 400);
    assert_eq!(stats.received, 400);
    assert_eq!(stats.lost + stats.late, 0);
}
