//! Port pairs run out with a clear error and come back when a stream closes.

mod rtp_support;

use std::io::ErrorKind;
use std::sync::Arc;

use mod_sip::rtp::{PortAllocator, PortsExhausted, RtpStream};
use rtp_support::config;

#[test]
fn exhaustion_names_the_range_and_a_closed_streams_ports_are_reused() {
    let (min, max) = (42120, 42123);
    let ports = Arc::new(PortAllocator::new(min, max));
    let config = config(min, max);
    let first = RtpStream::bind(&config, &ports).unwrap();
    let second = RtpStream::bind(&config, &ports).unwrap();
    for stream in [&first, &second] {
        assert_eq!(stream.local_addr().port() % 2, 0);
    }
    let error = RtpStream::bind(&config, &ports).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::AddrNotAvailable);
    assert_eq!(
        error.to_string(),
        "no free RTP port pair in 42120-42123: 2 pairs in use here, 0 refused by the system"
    );
    let exhausted = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<PortsExhausted>());
    assert_eq!(exhausted.map(|e| e.in_use), Some(2));

    let freed = first.local_addr();
    first.close();
    let third = RtpStream::bind(&config, &ports).unwrap();
    assert_eq!(third.local_addr(), freed);

    drop(second);
    assert_eq!(ports.in_use(), 1);
    let fourth = RtpStream::bind(&config, &ports).unwrap();
    assert_ne!(fourth.local_addr(), third.local_addr());
}
