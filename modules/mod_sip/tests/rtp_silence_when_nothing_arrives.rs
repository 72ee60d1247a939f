//! With nothing arriving, every read is a silence frame the core conceals.

mod rtp_support;

use ferroswitch_abi::FrameFlags;
use mod_sip::rtp::{RtpError, RtpStream};
use rtp_support::{config, pcmu, raw_socket, READ_TIMEOUT_MS};
use std::sync::Arc;

#[test]
fn reads_without_packets_are_silence_frames_of_the_negotiated_codec() {
    let ports = Arc::new(mod_sip::rtp::PortAllocator::new(42020, 42029));
    let stream = RtpStream::bind(&config(42020, 42029), &ports).unwrap();
    let silent_peer = raw_socket();
    stream
        .start(pcmu(silent_peer.local_addr().unwrap()))
        .unwrap();
    let mut buf = [0u8; 1500];
    let mut timestamps = Vec::new();
    for _ in 0..5 {
        let meta = stream.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        assert!(meta.flags.contains(FrameFlags::CNG));
        assert_eq!(
            (meta.len, meta.codec.as_str(), meta.ptime_ms),
            (0, "PCMU", 20)
        );
        timestamps.push(meta.timestamp);
    }
    // Silence keeps media time moving, one packet time per read.
    assert!(timestamps.windows(2).all(|pair| pair[1] == pair[0] + 160));
    assert_eq!(stream.stats().packets_received, 0);
}

#[test]
fn a_read_before_start_times_out_and_names_its_timeout() {
    let ports = Arc::new(mod_sip::rtp::PortAllocator::new(42030, 42039));
    let stream = RtpStream::bind(&config(42030, 42039), &ports).unwrap();
    let error = stream.read_frame(&mut [0u8; 1500], 10).unwrap_err();
    assert!(
        matches!(error, RtpError::Timeout { timeout_ms: 10 }),
        "{error}"
    );
    assert_eq!(error.to_string(), "no RTP frame within 10 ms");
    assert!(matches!(
        stream.write_frame(&rtp_support::frame(160), &[0; 160]),
        Err(RtpError::NotStarted { .. })
    ));
}

#[test]
fn a_zero_timeout_returns_a_due_frame_and_times_out_on_one_not_yet_due() {
    let ports = Arc::new(mod_sip::rtp::PortAllocator::new(42240, 42249));
    let stream = RtpStream::bind(&config(42240, 42249), &ports).unwrap();
    let silent_peer = raw_socket();
    // A long packet time, so that no scheduling hiccup makes the second frame due.
    let media = mod_sip::rtp::NegotiatedMedia {
        ptime_ms: 500,
        ..pcmu(silent_peer.local_addr().unwrap())
    };
    stream.start(media).unwrap();
    let mut buf = [0u8; 1500];
    // The first frame is due at once; the next one a packet time later.
    assert!(stream.read_frame(&mut buf, 0).is_ok());
    let error = stream.read_frame(&mut buf, 0).unwrap_err();
    assert!(
        matches!(error, RtpError::Timeout { timeout_ms: 0 }),
        "{error}"
    );
}
