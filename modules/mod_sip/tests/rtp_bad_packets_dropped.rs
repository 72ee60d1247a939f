//! Garbage on the RTP port is counted and dropped; audio carries on.

mod rtp_support;

use ferroswitch_abi::FrameFlags;
use rtp_support::{frame, pair, raw_socket, rtp_packet, READ_TIMEOUT_MS};

#[test]
fn garbage_wrong_versions_truncations_and_unknown_payload_types_are_counted() {
    let (_ports, a, b) = pair(42100, 42119);
    let attacker = raw_socket();
    let mut wrong_version = rtp_packet(1, 1, &[0; 160]);
    wrong_version[0] = 0x40;
    let mut unknown_type = rtp_packet(1, 2, &[0; 160]);
    unknown_type[1] = 96;
    let mut lying_csrc_count = rtp_packet(1, 3, &[]);
    lying_csrc_count[0] |= 0x0f;
    let garbage: [&[u8]; 6] = [
        b"",
        b"\x00\x01 STUN-looking",
        &[0xff; 300],
        &wrong_version,
        &lying_csrc_count,
        &unknown_type,
    ];
    for datagram in garbage {
        attacker.send_to(datagram, b.local_addr()).unwrap();
    }
    let mut buf = [0u8; 1500];
    let mut audio = Vec::new();
    for n in 0..10u8 {
        a.write_frame(&frame(160), &[n; 160]).unwrap();
        let meta = b.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        if !meta.flags.contains(FrameFlags::CNG) {
            audio.push(buf[0]);
        }
    }
    let stats = b.stats();
    assert_eq!((stats.malformed, stats.unknown_payload_type), (5, 1));
    // None of it latched B away from A or reached the audio.
    assert_eq!(stats.destination, Some(a.local_addr()));
    assert_eq!(stats.packets_received, 10);
    assert!(!audio.is_empty());
    assert!(
        audio.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "{audio:?}"
    );
}
