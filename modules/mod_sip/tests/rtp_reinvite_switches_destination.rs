//! A second start (re-INVITE) with a new remote sends there from then on.

mod rtp_support;

use rtp_support::{frame, pair, pcmu, raw_socket, receive_rtp};

#[test]
fn restarting_with_a_new_remote_switches_destination_and_keeps_the_source() {
    let (_ports, a, b) = pair(42140, 42159);
    a.write_frame(&frame(160), &[1; 160]).unwrap();
    let new_peer = raw_socket();
    a.start(pcmu(new_peer.local_addr().unwrap())).unwrap();
    a.write_frame(&frame(160), &[2; 160]).unwrap();
    let (header, payload, _) = receive_rtp(&new_peer);
    assert_eq!(payload, vec![2; 160]);
    let stats = a.stats();
    assert_eq!(
        header.ssrc, stats.local_ssrc,
        "same source across the re-INVITE"
    );
    assert_eq!(stats.destination, new_peer.local_addr().ok());
    assert_eq!(stats.packets_sent, 2);
    drop(b);
}
