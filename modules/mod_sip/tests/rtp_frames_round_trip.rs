//! Frames written on one stream are read on the other, in order, one per read.

mod rtp_support;

use ferroswitch_abi::FrameFlags;
use rtp_support::{frame, pair, READ_TIMEOUT_MS};

#[test]
fn frames_written_on_one_stream_are_read_in_order_one_per_packet_time() {
    let (_ports, a, b) = pair(42000, 42019);
    let mut buf = [0u8; 1500];
    let mut audio = Vec::new();
    let mut reads_from_first_to_last = 0;
    for n in 0..20u8 {
        a.write_frame(&frame(160), &[n; 160]).unwrap();
        let meta = b.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        if !audio.is_empty() {
            reads_from_first_to_last += 1;
        }
        if !meta.flags.contains(FrameFlags::CNG) {
            assert_eq!(meta.codec.as_str(), "PCMU");
            assert_eq!((meta.rate, meta.channels, meta.ptime_ms), (8000, 1, 20));
            audio.push((meta.seq, meta.timestamp, buf[..meta.len as usize].to_vec()));
        }
    }
    // Frames still in the jitter buffer come out on the following reads.
    for _ in 0..10 {
        if audio.len() == 20 {
            break;
        }
        let meta = b.read_frame(&mut buf, READ_TIMEOUT_MS).unwrap();
        reads_from_first_to_last += 1;
        if !meta.flags.contains(FrameFlags::CNG) {
            audio.push((meta.seq, meta.timestamp, buf[..meta.len as usize].to_vec()));
        }
    }
    assert_eq!(audio.len(), 20, "every frame written is read");
    for (n, (seq, timestamp, payload)) in audio.iter().enumerate() {
        assert_eq!(payload, &vec![n as u8; 160], "frame {n} in order");
        let (first_seq, first_timestamp, _) = audio[0];
        assert_eq!(*seq, (first_seq + n as u32) % 65536);
        // A frame's worth of samples apart, or whole frames more if the
        // writer stalled under load and its timestamps caught up with time.
        let advance = timestamp.wrapping_sub(first_timestamp);
        assert!(
            advance >= 160 * n as u32 && advance % 160 == 0,
            "frame {n}: {advance}"
        );
    }
    // One frame per read: no read handed out two frames or skipped one.
    assert_eq!(reads_from_first_to_last, 19);
    let (sent, received) = (a.stats(), b.stats());
    assert_eq!((sent.packets_sent, sent.bytes_sent), (20, 3200));
    assert_eq!(
        (received.packets_received, received.bytes_received),
        (20, 3200)
    );
    assert_eq!(
        (received.lost, received.concealed, received.late),
        (0, 0, 0)
    );
    assert_eq!(received.remote_ssrc, Some(sent.local_ssrc));
}
