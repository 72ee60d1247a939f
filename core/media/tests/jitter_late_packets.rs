//! A packet arriving after its slot was played is concealed at its slot,
//! dropped when it turns up, and counted late; playout does not rewind.

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn a_packet_later_than_the_maximum_depth_is_concealed_then_dropped() {
    let start = Instant::now();
    let arrivals = stream(0, 0, 1, 200)
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let extra = if i == 50 { 500 } else { 0 };
            (
                start + PTIME * i as u32 + Duration::from_millis(5 + extra),
                p,
            )
        })
        .collect();
    let mut jb = buffer(2, 5);
    let out = play(&mut jb, start, arrivals, Duration::from_millis(10), 210);
    assert_eq!(lost(&out), [50]);
    let played = frames(&out);
    assert!(!played.contains(&50));
    assert!(played.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(played.len(), 199);
    assert_eq!(jb.stats().late, 1);
}
