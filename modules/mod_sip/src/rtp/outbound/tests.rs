//! The send side on a virtual clock: no sockets, no sleeping.

use std::time::{Duration, Instant};

use ferroswitch_abi::CodecName;
use ferroswitch_media::rtp::RtpPacket;
use ferroswitch_media::telephone_event::TelephoneEvent;

use super::*;

const PTIME: Duration = Duration::from_millis(20);

fn media() -> NegotiatedMedia {
    NegotiatedMedia {
        remote: "192.0.2.10:40000".parse().unwrap(),
        payload_type: 0,
        codec: "PCMU".into(),
        clock_rate: 8000,
        rate: 8000,
        ptime_ms: 20,
        telephone_event_pt: Some(101),
    }
}

fn outbound() -> Outbound {
    Outbound::new(media(), 0xabcd, 65534, 1000, Direction::SendRecv)
}

fn frame(len: u32, flags: FrameFlags) -> FrameMeta {
    FrameMeta {
        codec: CodecName::new("PCMU"),
        len,
        rate: 8000,
        channels: 1,
        ptime_ms: 20,
        flags,
        timestamp: 0,
        seq: 0,
    }
}

/// Header and payload of what one frame sent, if anything.
fn send(out: &mut Outbound, now: Instant, meta: FrameMeta) -> Option<(RtpHeader, Vec<u8>)> {
    let transmit = out.handle_frame(now, &meta, &[7; 160]).unwrap()?;
    let packet = RtpPacket::parse(out.datagram()).unwrap();
    assert_eq!(packet.header, transmit.header);
    Some((packet.header, packet.payload.to_vec()))
}

#[test]
fn audio_packets_carry_our_ssrc_and_advance_sequence_and_timestamp() {
    let start = Instant::now();
    let mut out = outbound();
    let mut headers = Vec::new();
    for n in 0..3u32 {
        let (header, payload) = send(
            &mut out,
            start + PTIME * n,
            frame(160, FrameFlags::default()),
        )
        .unwrap();
        assert_eq!(payload, [7; 160]);
        headers.push(header);
    }
    let fields: Vec<_> = headers
        .iter()
        .map(|h| (h.marker, h.payload_type, h.sequence, h.timestamp, h.ssrc))
        .collect();
    assert_eq!(
        fields,
        [
            (true, 0, 65534, 1000, 0xabcd),
            (false, 0, 65535, 1160, 0xabcd),
            (false, 0, 0, 1320, 0xabcd)
        ]
    );
}

#[test]
fn silence_is_not_sent_but_its_time_passes_and_the_next_packet_is_marked() {
    let start = Instant::now();
    let mut out = outbound();
    let _ = send(&mut out, start, frame(160, FrameFlags::default())).unwrap();
    assert!(send(&mut out, start + PTIME, frame(0, FrameFlags::CNG)).is_none());
    assert!(send(&mut out, start + PTIME * 2, frame(0, FrameFlags::default())).is_none());
    let (header, _) = send(
        &mut out,
        start + PTIME * 3,
        frame(160, FrameFlags::default()),
    )
    .unwrap();
    assert!(header.marker);
    assert_eq!((header.sequence, header.timestamp), (65535, 1000 + 3 * 160));
}

#[test]
fn a_stalled_writer_jumps_its_timestamps_by_the_time_that_passed() {
    let start = Instant::now();
    let mut out = outbound();
    let _ = send(&mut out, start, frame(160, FrameFlags::default())).unwrap();
    let (header, _) = send(
        &mut out,
        start + PTIME * 10,
        frame(160, FrameFlags::default()),
    )
    .unwrap();
    assert!(header.marker);
    assert_eq!(header.timestamp, 1000 + 10 * 160);
}

#[test]
fn hold_stops_audio_and_dtmf_and_resuming_marks_the_next_packet() {
    let start = Instant::now();
    let mut out = outbound();
    let _ = send(&mut out, start, frame(160, FrameFlags::default())).unwrap();
    for direction in [Direction::RecvOnly, Direction::Inactive] {
        out.set_direction(direction);
        assert!(send(&mut out, start, frame(160, FrameFlags::default())).is_none());
        assert!(matches!(
            out.send_digit(start, '1', PTIME),
            Err(RtpError::NotSending { direction: d }) if d == direction
        ));
    }
    out.set_direction(Direction::SendOnly);
    let (header, _) = send(
        &mut out,
        start + PTIME * 3,
        frame(160, FrameFlags::default()),
    )
    .unwrap();
    assert!(header.marker);
}

#[test]
fn a_digit_interleaves_with_audio_on_the_same_ssrc_and_sequence() {
    let start = Instant::now();
    let mut out = outbound();
    let _ = send(&mut out, start, frame(160, FrameFlags::default())).unwrap();
    out.send_digit(start + PTIME, '7', Duration::from_millis(40))
        .unwrap();
    let mut events = Vec::new();
    for n in 1..8u32 {
        let now = start + PTIME * n;
        while let Some(transmit) = out.poll_dtmf(now) {
            assert!(transmit.dtmf);
            let packet = RtpPacket::parse(out.datagram()).unwrap();
            let event = TelephoneEvent::parse(packet.payload).unwrap();
            events.push((
                packet.header.marker,
                packet.header.sequence,
                packet.header.timestamp,
                event.end,
                event.duration,
            ));
        }
        // Audio waits while the digit plays.
        let sent = send(&mut out, now, frame(160, FrameFlags::default()));
        if n < 4 {
            assert!(sent.is_none(), "audio during the digit at frame {n}");
        } else if n == 4 {
            let (header, _) = sent.unwrap();
            assert!(header.marker);
            assert_eq!(header.sequence, 3);
            assert_eq!(header.timestamp, 1000 + 4 * 160);
        }
    }
    // Our timestamp when the key went down, then 2 updates and 3 end packets.
    assert_eq!(
        events,
        [
            (true, 65535, 1160, false, 160),
            (false, 0, 1160, true, 320),
            (false, 1, 1160, true, 320),
            (false, 2, 1160, true, 320),
        ]
    );
}

#[test]
fn digits_need_a_negotiated_telephone_event() {
    let mut out = Outbound::new(
        NegotiatedMedia {
            telephone_event_pt: None,
            ..media()
        },
        1,
        1,
        1,
        Direction::SendRecv,
    );
    assert!(matches!(
        out.send_digit(Instant::now(), '1', PTIME),
        Err(RtpError::NoTelephoneEvent)
    ));
    assert!(matches!(
        outbound().send_digit(Instant::now(), 'x', PTIME),
        Err(RtpError::Dtmf(_))
    ));
}

#[test]
fn an_oversized_payload_is_refused_with_both_sizes() {
    let mut out = outbound();
    let big = [0u8; 2000];
    let error = out
        .handle_frame(Instant::now(), &frame(2000, FrameFlags::default()), &big)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "2000-byte payload is larger than the 1460 bytes an RTP packet may carry"
    );
}

#[test]
fn a_reinvite_to_another_codec_keeps_the_sequence_and_marks_the_switch() {
    let start = Instant::now();
    let mut out = outbound();
    let _ = send(&mut out, start, frame(160, FrameFlags::default())).unwrap();
    out.handle_media(NegotiatedMedia {
        payload_type: 8,
        codec: "PCMA".into(),
        remote: "192.0.2.11:40002".parse().unwrap(),
        ..media()
    });
    let transmit = out
        .handle_frame(start + PTIME, &frame(160, FrameFlags::default()), &[1; 160])
        .unwrap()
        .unwrap();
    assert_eq!(transmit.to, "192.0.2.11:40002".parse().unwrap());
    assert_eq!(
        (transmit.header.payload_type, transmit.header.sequence),
        (8, 65535)
    );
    assert!(transmit.header.marker);
}
