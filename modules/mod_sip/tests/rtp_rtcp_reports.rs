//! RTCP reports travel on port + 1, driven by nothing but reads and writes.

mod rtp_support;

use rtp_support::{frame, pair, READ_TIMEOUT_MS};

#[test]
fn each_side_receives_the_others_reports() {
    let (_ports, a, b) = pair(42200, 42219);
    let mut buf = [0u8; 1500];
    // The first report is due 1.25-3.75 s in (RFC 3550 §6.2); bound the wait at 6 s of frames.
    for _ in 0..300 {
        a.write_frame(&frame(160), &[1; 160]).unwrap();
        b.write_frame(&frame(160), &[2; 160]).unwrap();
        let _ = a.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        let _ = b.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        if a.stats().rtcp_received > 0 && b.stats().rtcp_received > 0 {
            break;
        }
    }
    let (a_stats, b_stats) = (a.stats(), b.stats());
    assert!(
        a_stats.rtcp_received > 0 && b_stats.rtcp_received > 0,
        "{a_stats:?} {b_stats:?}"
    );
    assert!(a_stats.rtcp_sent > 0 && b_stats.rtcp_sent > 0);
    assert_eq!(a_stats.malformed + b_stats.malformed, 0);
}
