//! After close, every call fails with Closed, including a read already waiting.

mod rtp_support;

use std::sync::Arc;

use mod_sip::rtp::{PortAllocator, RtpError, RtpStream};
use rtp_support::{config, frame, pair};

#[test]
fn close_wakes_a_waiting_reader_with_closed() {
    let ports = Arc::new(PortAllocator::new(42160, 42169));
    let stream = Arc::new(RtpStream::bind(&config(42160, 42169), &ports).unwrap());
    let reader = {
        let stream = Arc::clone(&stream);
        // Waits for start; only close ends the wait before the 10 s timeout.
        std::thread::spawn(move || stream.read_frame(&mut [0u8; 1500], 10_000))
    };
    // Whether the reader is already waiting or not, it must see Closed.
    stream.close();
    let result = reader.join().unwrap();
    assert!(matches!(result, Err(RtpError::Closed { .. })), "{result:?}");
}

#[test]
fn every_call_after_close_fails_with_closed_naming_the_address() {
    let (ports, a, _b) = pair(42170, 42179);
    a.close();
    a.close();
    let error = a.read_frame(&mut [0u8; 1500], 100).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("RTP stream on {} is closed", a.local_addr())
    );
    assert!(matches!(
        a.write_frame(&frame(160), &[0; 160]),
        Err(RtpError::Closed { .. })
    ));
    assert!(matches!(
        a.send_dtmf(ferroswitch_abi::Dtmf {
            digit: u32::from('1'),
            duration_ms: 100
        }),
        Err(RtpError::Closed { .. })
    ));
    assert!(matches!(
        a.start(rtp_support::pcmu(a.local_addr())),
        Err(RtpError::Closed { .. })
    ));
    assert_eq!(ports.in_use(), 1);
}
