//! Any bytes: RTP parsing never panics, and a parsed packet is written
//! back to the same bytes it parsed from (padding content aside).

#![no_main]

use ferroswitch_media::rtp::RtpPacket;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(packet) = RtpPacket::parse(data) else {
        return;
    };
    let mut out = vec![0u8; packet.len()];
    let len = packet.write(&mut out).expect("a parsed packet can be written");
    assert_eq!(len, data.len());
    assert_eq!(RtpPacket::parse(&out).expect("written packet parses"), packet);
});
