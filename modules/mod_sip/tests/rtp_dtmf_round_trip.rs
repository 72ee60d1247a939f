//! Digits sent as telephone-events on one stream arrive once each on the other.

mod rtp_support;

use ferroswitch_abi::Dtmf;
use rtp_support::{frame, pair, READ_TIMEOUT_MS};

#[test]
fn digits_arrive_once_each_with_their_duration() {
    let (_ports, a, b) = pair(42040, 42059);
    a.send_dtmf(Dtmf {
        digit: u32::from('1'),
        duration_ms: 100,
    })
    .unwrap();
    a.send_dtmf(Dtmf {
        digit: u32::from('#'),
        duration_ms: 60,
    })
    .unwrap();
    let mut buf = [0u8; 1500];
    let mut digits = Vec::new();
    // Two digits, their end packets and the gap between: about 20 packet times.
    for _ in 0..60 {
        // Audio written meanwhile waits for the digits, then flows again.
        a.write_frame(&frame(160), &[0x55; 160]).unwrap();
        let _ = b.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        while let Some(dtmf) = b.take_dtmf() {
            digits.push((dtmf.digit_char(), dtmf.duration_ms));
        }
        if digits.len() == 2 && a.stats().packets_sent > a.stats().dtmf_packets_sent + 5 {
            break;
        }
    }
    assert_eq!(digits, [('1', 100), ('#', 60)]);
    // The three end packets of each digit made no second report.
    for _ in 0..5 {
        let _ = b.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        assert_eq!(b.take_dtmf(), None);
    }
    assert_eq!(b.stats().dtmf_digits_received, 2);
    // 100 ms = 5 updates + 2 more end copies, 60 ms = 3 + 2.
    assert_eq!(a.stats().dtmf_packets_sent, 12);
}
