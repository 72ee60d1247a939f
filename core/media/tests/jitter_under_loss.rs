//! Lost packets come out as `Lost` at their slot, with the sequence number
//! and timestamp the caller conceals, and everything else plays in order.

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn every_tenth_packet_lost_is_concealed_in_place() {
    let start = Instant::now();
    let packets = stream(1000, 50_000, 7, 500);
    let sent: Vec<Packet> = packets
        .iter()
        .filter(|p| p.header.sequence % 10 != 5)
        .cloned()
        .collect();
    let arrivals = sent
        .iter()
        .map(|p| {
            let index = u32::from(p.header.sequence - 1000);
            (start + PTIME * index + Duration::from_millis(40), p.clone())
        })
        .collect();
    let mut jb = buffer(2, 10);
    let out = play(&mut jb, start, arrivals, Duration::from_millis(45), 520);

    let expected_lost: Vec<u16> = (1000..1500).filter(|s| s % 10 == 5).collect();
    assert_eq!(lost(&out), expected_lost);
    assert_eq!(
        frames(&out),
        (1000..1500).filter(|s| s % 10 != 5).collect::<Vec<_>>()
    );
    // A Lost carries the timestamp the missing frame would have had.
    for o in &out {
        if let Out::Lost {
            sequence,
            timestamp,
        } = o
        {
            assert_eq!(*timestamp, 50_000 + u32::from(sequence - 1000) * SAMPLES);
        }
    }
    let stats = jb.stats();
    assert_eq!(stats.lost, 50);
    assert_eq!(stats.late + stats.duplicates + stats.dropped, 0);
}

#[test]
fn a_burst_loss_longer_than_the_buffer_refills_without_a_flood_of_lost_frames() {
    let start = Instant::now();
    let packets = stream(0, 0, 7, 300);
    let arrivals = packets
        .iter()
        .enumerate()
        .filter(|(i, _)| !(100..150).contains(i))
        .map(|(i, p)| {
            (
                start + PTIME * i as u32 + Duration::from_millis(10),
                p.clone(),
            )
        })
        .collect();
    let mut jb = buffer(2, 10);
    let out = play(&mut jb, start, arrivals, Duration::from_millis(15), 320);
    let played = frames(&out);
    assert_eq!(played.len(), 250);
    assert!(played.windows(2).all(|w| w[0] < w[1]));
    // The gap is reported once, in the statistics, while the consumer
    // heard silence rather than 50 concealed frames.
    assert!(lost(&out).len() <= 2, "{:?}", lost(&out));
    assert_eq!(jb.stats().lost, 50);
    assert!(jb.stats().underruns >= 1);
}
