//! With arrival pacing a read returns as soon as a frame is there, and
//! times out (rather than playing silence) when none comes.

mod rtp_support;

use mod_sip::rtp::{Pacing, RtpError};
use rtp_support::{frame, pair};

#[test]
fn a_frame_is_returned_when_it_arrives_and_nothing_is_a_timeout() {
    let (_ports, a, b) = pair(42180, 42199);
    b.set_pacing(Pacing::Arrival);
    let mut buf = [0u8; 1500];
    let error = b.read_frame(&mut buf, 30).unwrap_err();
    assert!(
        matches!(error, RtpError::Timeout { timeout_ms: 30 }),
        "{error}"
    );
    // Far more reads than packet times could pass: none waits for a clock.
    for n in 0..200u16 {
        a.write_frame(&frame(160), &[n as u8; 160]).unwrap();
        let meta = b.read_frame(&mut buf, 2000).unwrap();
        assert_eq!((meta.len, buf[0]), (160, n as u8));
    }
    assert_eq!(b.stats().concealed, 0);
}
