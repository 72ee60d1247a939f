//! Any text: SDP parsing never panics, what parses is written back to
//! something that parses to the same description, and answering it never
//! panics either.

#![no_main]

use ferroswitch_media::sdp::{Codec, CodecPolicy, Direction, LocalMedia, OfferAnswer, SessionDescription};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sdp) = SessionDescription::parse(text) else {
        return;
    };
    let written = sdp.to_string();
    let again = SessionDescription::parse(&written)
        .unwrap_or_else(|error| panic!("written SDP does not parse: {error}\n{written}"));
    assert_eq!(again, sdp, "round trip changed the description:\n{written}");
    let local = LocalMedia {
        address: "192.0.2.1".parse().expect("literal"),
        port: 4000,
        codecs: vec![Codec::pcmu(), Codec::pcma()],
        telephone_event: Some(101),
        ptime: Some(20),
        direction: Direction::SendRecv,
        rtcp_mux: true,
    };
    let _ = OfferAnswer::new(local, 1).handle_offer(&sdp, CodecPolicy::Generous);
});
