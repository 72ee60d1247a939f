//! Symmetric RTP: replies follow the packets' source, not the SDP address.

mod rtp_support;

use ferroswitch_abi::FrameFlags;
use mod_sip::rtp::{RtpNotice, RtpStream};
use rtp_support::{
    config, frame, pair, pcmu, raw_socket, receive_rtp, rtp_packet, READ_TIMEOUT_MS,
};
use std::sync::Arc;

#[test]
fn until_a_packet_arrives_we_send_to_the_sdp_address_then_to_its_source() {
    let ports = Arc::new(mod_sip::rtp::PortAllocator::new(42060, 42079));
    let config = config(42060, 42079);
    let a = RtpStream::bind(&config, &ports).unwrap();
    let b = RtpStream::bind(&config, &ports).unwrap();
    // A's SDP names an address B's packets will not come from: a private one behind NAT.
    let sdp_address = raw_socket();
    a.start(pcmu(sdp_address.local_addr().unwrap())).unwrap();
    b.start(pcmu(a.local_addr())).unwrap();

    a.write_frame(&frame(160), &[1; 160]).unwrap();
    let (_, payload, from) = receive_rtp(&sdp_address);
    assert_eq!((payload, from), (vec![1; 160], a.local_addr()));

    b.write_frame(&frame(160), &[2; 160]).unwrap();
    let mut buf = [0u8; 1500];
    let _ = a.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
    assert_eq!(
        a.take_notice(),
        Some(RtpNotice::Latched {
            from: sdp_address.local_addr().unwrap(),
            to: b.local_addr()
        })
    );
    assert_eq!(a.take_notice(), None, "latching is reported once");

    a.write_frame(&frame(160), &[3; 160]).unwrap();
    let mut got = None;
    for _ in 0..5 {
        let meta = b.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        if !meta.flags.contains(FrameFlags::CNG) {
            got = Some(buf[..meta.len as usize].to_vec());
            break;
        }
    }
    assert_eq!(got, Some(vec![3; 160]));
    assert_eq!(a.stats().destination, Some(b.local_addr()));
}

#[test]
fn a_new_source_with_the_latched_ssrc_takes_over_and_a_stranger_does_not() {
    let (_ports, a, b) = pair(42080, 42099);
    let mut buf = [0u8; 1500];
    b.write_frame(&frame(160), &[1; 160]).unwrap();
    let _ = a.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
    assert_eq!(a.stats().destination, Some(b.local_addr()));
    let b_ssrc = b.stats().local_ssrc;

    // A stranger with another SSRC is ignored.
    let stranger = raw_socket();
    stranger
        .send_to(&rtp_packet(b_ssrc ^ 1, 500, &[9; 160]), a.local_addr())
        .unwrap();
    let _ = a.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
    assert_eq!(a.stats().foreign_source, 1);
    assert_eq!(a.stats().destination, Some(b.local_addr()));

    // B's SSRC from a new address: the NAT rebound, follow it.
    let rebound = raw_socket();
    rebound
        .send_to(&rtp_packet(b_ssrc, 600, &[8; 160]), a.local_addr())
        .unwrap();
    let _ = a.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
    a.write_frame(&frame(160), &[7; 160]).unwrap();
    let (header, payload, from) = receive_rtp(&rebound);
    assert_eq!(
        (payload, from, header.ssrc),
        (vec![7; 160], a.local_addr(), a.stats().local_ssrc)
    );
    assert_eq!(
        a.take_notice(),
        Some(RtpNotice::Latched {
            from: b.local_addr(),
            to: rebound.local_addr().unwrap()
        })
    );
}
