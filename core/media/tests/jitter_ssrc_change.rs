//! A new SSRC mid-call (re-INVITE to another media server, a transfer
//! behind a B2BUA) resets the buffer onto the new stream; stragglers of
//! the old one are dropped rather than flipping it back.

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn new_ssrc_resyncs_and_old_stragglers_are_ignored() {
    let start = Instant::now();
    let mut packets = stream(10, 0, 0xaaaa, 100);
    packets.extend(stream(40_000, 777_777, 0xbbbb, 100));
    let mut arrivals: Vec<(Instant, Packet)> = packets
        .into_iter()
        .enumerate()
        .map(|(i, p)| (start + PTIME * i as u32 + Duration::from_millis(6), p))
        .collect();
    // The old stream's last packet turns up after the new one started.
    arrivals[99].0 += Duration::from_millis(50);
    let mut jb = buffer(2, 10);
    let out = play(&mut jb, start, arrivals, Duration::from_millis(9), 215);

    let ssrcs: Vec<u32> = out
        .iter()
        .filter_map(|o| match o {
            Out::Frame { ssrc, .. } => Some(*ssrc),
            _ => None,
        })
        .collect();
    let switch = ssrcs.iter().position(|&s| s == 0xbbbb).unwrap();
    assert!(ssrcs[..switch].iter().all(|&s| s == 0xaaaa));
    assert!(ssrcs[switch..].iter().all(|&s| s == 0xbbbb));
    let played = frames(&out);
    assert_eq!(played[switch..], (40_000..40_100).collect::<Vec<u16>>());
    let stats = jb.stats();
    assert_eq!(stats.ssrc_changes, 1);
    assert_eq!(stats.lost, 0, "the new stream starts fresh: {stats:?}");
}
