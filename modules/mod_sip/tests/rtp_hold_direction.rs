//! Directions from SDP (RFC 3264 hold): what is sent and what is played.

mod rtp_support;

use ferroswitch_abi::{Dtmf, FrameFlags};
use ferroswitch_media::sdp::Direction;
use mod_sip::rtp::RtpError;
use rtp_support::{frame, pair, READ_TIMEOUT_MS};

#[test]
fn sendonly_discards_what_arrives_and_inactive_sends_nothing() {
    let (_ports, a, b) = pair(42220, 42239);
    let mut buf = [0u8; 1500];
    // B holds A: B still sends, but plays nothing of A's.
    b.set_direction(Direction::SendOnly);
    a.write_frame(&frame(160), &[1; 160]).unwrap();
    let meta = b.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
    assert!(meta.flags.contains(FrameFlags::CNG));
    assert_eq!(
        (b.stats().discarded_on_hold, b.stats().packets_received),
        (1, 0)
    );

    a.set_direction(Direction::Inactive);
    a.write_frame(&frame(160), &[2; 160]).unwrap();
    assert_eq!(a.stats().packets_sent, 1, "nothing sent while inactive");
    let error = a
        .send_dtmf(Dtmf {
            digit: u32::from('1'),
            duration_ms: 100,
        })
        .unwrap_err();
    assert!(
        matches!(
            error,
            RtpError::NotSending {
                direction: Direction::Inactive
            }
        ),
        "{error}"
    );

    // Off hold: audio flows again and the first packet starts a talk spurt.
    a.set_direction(Direction::SendRecv);
    b.set_direction(Direction::SendRecv);
    let mut got = None;
    for n in 0..10u8 {
        a.write_frame(&frame(160), &[n; 160]).unwrap();
        let meta = b.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        if !meta.flags.contains(FrameFlags::CNG) {
            got = Some((buf[0], meta.flags.contains(FrameFlags::MARKER)));
            break;
        }
    }
    assert_eq!(got, Some((0, true)));
}
