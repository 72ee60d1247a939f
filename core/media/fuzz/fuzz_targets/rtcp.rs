//! Any bytes: compound RTCP parsing never panics, and what parses survives
//! a write/parse round trip.

#![no_main]

use ferroswitch_media::rtcp::{parse_compound, write_compound};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(packets) = parse_compound(data) else {
        return;
    };
    let mut out = Vec::new();
    if write_compound(&packets, &mut out).is_ok() {
        let again = parse_compound(&out).expect("written RTCP parses");
        assert_eq!(again, packets);
    }
});
