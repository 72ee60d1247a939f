//! Any sequence of pushes and pops (arrivals in any order, SSRC flips,
//! wild sequence numbers and timestamps): the jitter buffer never panics
//! and never holds more than its capacity.

#![no_main]

use std::time::{Duration, Instant};

use ferroswitch_media::jitter::{JitterBuffer, JitterConfig, Popped};
use ferroswitch_media::rtp::RtpHeader;
use libfuzzer_sys::fuzz_target;

fn jb_payload_limit() -> usize {
    JitterConfig::new(8000, Duration::from_millis(20)).max_payload
}

fuzz_target!(|data: &[u8]| {
    let start = Instant::now();
    let mut jb = JitterBuffer::new(JitterConfig::new(8000, Duration::from_millis(20)))
        .expect("default configuration");
    let mut now = start;
    for op in data.chunks_exact(8) {
        now += Duration::from_millis(u64::from(op[0] % 64));
        if op[1] & 1 == 0 {
            let header = RtpHeader {
                marker: op[1] & 2 != 0,
                payload_type: 0,
                sequence: u16::from_be_bytes([op[2], op[3]]),
                timestamp: u32::from_be_bytes([op[4], op[5], op[6], op[7]]),
                ssrc: u32::from(op[1] >> 6),
            };
            jb.push(&header, &op[2..], now);
            assert!(jb.len() <= jb.config().capacity);
        } else if let Popped::Frame(frame) = jb.pop(now) {
            assert!(frame.payload.len() <= jb_payload_limit());
        }
    }
});
