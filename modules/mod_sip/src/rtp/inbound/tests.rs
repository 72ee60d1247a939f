//! The receive side on a virtual clock: no sockets, no sleeping.

use std::time::{Duration, Instant};

use ferroswitch_media::rtp::RtpHeader;
use ferroswitch_media::telephone_event::TelephoneEvent;

use super::*;

const PTIME: Duration = Duration::from_millis(20);
const PEER: &str = "192.0.2.10:40000";

fn media() -> NegotiatedMedia {
    NegotiatedMedia {
        remote: PEER.parse().unwrap(),
        payload_type: 0,
        codec: "PCMU".into(),
        clock_rate: 8000,
        rate: 8000,
        ptime_ms: 20,
        telephone_event_pt: Some(101),
    }
}

fn peer() -> SocketAddr {
    PEER.parse().unwrap()
}

fn packet(
    payload_type: u8,
    sequence: u16,
    timestamp: u32,
    marker: bool,
    payload: &[u8],
) -> Vec<u8> {
    let header = RtpHeader {
        marker,
        payload_type,
        sequence,
        timestamp,
        ssrc: 0x5eed,
    };
    let mut out = Vec::new();
    header.append_packet(payload, &mut out).unwrap();
    out
}

fn audio(sequence: u16) -> Vec<u8> {
    packet(
        0,
        sequence,
        u32::from(sequence) * 160,
        sequence == 0,
        &[sequence as u8; 160],
    )
}

#[test]
fn audio_comes_out_in_order_with_the_negotiated_meta() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    let mut buf = [0u8; 512];
    for n in 0..5u16 {
        let now = start + PTIME * u32::from(n);
        let received = inbound.handle_datagram(now, peer(), &audio(n));
        assert!(
            matches!(received, Received::Rtp { moved: None, .. }),
            "{received:?}"
        );
        let Played::Audio(meta) = inbound.pop(now, &mut buf).unwrap() else {
            panic!("frame {n} is due");
        };
        assert_eq!(meta.codec.as_str(), "PCMU");
        assert_eq!(
            (meta.len, meta.rate, meta.channels, meta.ptime_ms),
            (160, 8000, 1, 20)
        );
        assert_eq!(
            (meta.seq, meta.timestamp),
            (u32::from(n), u32::from(n) * 160)
        );
        assert_eq!(meta.flags.contains(FrameFlags::MARKER), n == 0);
        assert!(buf[..160].iter().all(|&byte| byte == n as u8));
    }
    assert_eq!(inbound.counters.packets, 5);
    assert_eq!(inbound.counters.bytes, 800);
}

#[test]
fn nothing_received_plays_silence_that_keeps_time() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    let mut buf = [0u8; 512];
    let mut timestamps = Vec::new();
    for n in 0..3u32 {
        let Played::Silence(meta) = inbound.pop(start + PTIME * n, &mut buf).unwrap() else {
            panic!("nothing was received");
        };
        assert_eq!(meta.len, 0);
        assert!(meta.flags.contains(FrameFlags::CNG));
        timestamps.push(meta.timestamp);
    }
    assert_eq!(timestamps, [160, 320, 480]);
}

#[test]
fn a_missing_frame_is_concealed_with_its_own_timestamp() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    let mut buf = [0u8; 512];
    let _ = inbound.handle_datagram(start, peer(), &audio(0));
    let _ = inbound.handle_datagram(start, peer(), &audio(2));
    assert!(matches!(
        inbound.pop(start, &mut buf).unwrap(),
        Played::Audio(_)
    ));
    let Played::Concealed(meta) = inbound.pop(start + PTIME, &mut buf).unwrap() else {
        panic!("frame 1 never came");
    };
    assert_eq!((meta.seq, meta.timestamp, meta.len), (1, 160, 0));
    assert!(meta.flags.contains(FrameFlags::CNG));
    assert!(matches!(
        inbound.pop(start + PTIME * 2, &mut buf).unwrap(),
        Played::Audio(_)
    ));
}

#[test]
fn telephone_events_become_one_digit_and_never_audio() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    let mut buf = [0u8; 512];
    for (n, end) in [(0u16, false), (1, false), (2, true), (3, true), (4, true)] {
        let event = TelephoneEvent {
            event: 11,
            end,
            volume: 10,
            duration: 160 * (n.min(2) + 1),
        };
        let datagram = packet(101, n, 8000, n == 0, &event.to_bytes());
        let _ = inbound.handle_datagram(start + PTIME * u32::from(n), peer(), &datagram);
        assert!(matches!(
            inbound.pop(start, &mut buf).unwrap(),
            Played::Silence(_)
        ));
    }
    let digit = inbound.take_dtmf(start + PTIME * 5).unwrap();
    assert_eq!((digit.digit_char(), digit.duration_ms), ('#', 60));
    assert_eq!(inbound.take_dtmf(start + PTIME * 6), None);
    assert_eq!(inbound.counters.dtmf_digits, 1);
}

#[test]
fn garbage_wrong_versions_and_unknown_payload_types_are_counted_and_dropped() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    let mut version_one = audio(0);
    version_one[0] = 0x40;
    let mut short = audio(0);
    short.truncate(7);
    let bad_padding = {
        let mut datagram = audio(0);
        datagram[0] |= 0x20;
        *datagram.last_mut().unwrap() = 255;
        datagram
    };
    for garbage in [
        &b""[..],
        b"hello world, not rtp",
        &version_one,
        &short,
        &bad_padding,
    ] {
        assert_eq!(
            inbound.handle_datagram(start, peer(), garbage),
            Received::Dropped
        );
    }
    assert_eq!(inbound.counters.malformed, 5);
    assert_eq!(
        inbound.handle_datagram(start, peer(), &packet(8, 0, 0, false, &[1; 160])),
        Received::Dropped
    );
    assert_eq!(inbound.counters.unknown_payload_type, 1);
    // A bad telephone-event payload is malformed, not a digit.
    assert_eq!(
        inbound.handle_datagram(start, peer(), &packet(101, 0, 0, true, &[1, 2])),
        Received::Dropped
    );
    assert_eq!(inbound.counters.malformed, 6);
    assert_eq!(inbound.counters.packets, 0);
    assert_eq!(
        inbound.handle_datagram(start, peer(), &[0x80, 200, 0, 1, 0, 0, 0, 0]),
        Received::Rtcp
    );
}

#[test]
fn after_latching_a_stranger_is_dropped_unless_it_carries_the_ssrc() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    let nat: SocketAddr = "203.0.113.7:5060".parse().unwrap();
    let stranger: SocketAddr = "198.51.100.3:7000".parse().unwrap();
    assert_eq!(
        inbound.handle_datagram(start, nat, &audio(0)),
        Received::Rtp {
            header: RtpPacket::parse(&audio(0)).unwrap().header,
            moved: Some((peer(), nat))
        }
    );
    let mut other_ssrc = audio(1);
    other_ssrc[8..12].copy_from_slice(&7u32.to_be_bytes());
    assert_eq!(
        inbound.handle_datagram(start, stranger, &other_ssrc),
        Received::Dropped
    );
    assert_eq!(inbound.counters.foreign_source, 1);
    assert!(matches!(
        inbound.handle_datagram(start, stranger, &audio(1)),
        Received::Rtp { moved: Some((from, to)), .. } if from == nat && to == stranger
    ));
}

#[test]
fn on_hold_packets_are_discarded_but_keep_the_stream_alive() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, false).unwrap();
    let mut buf = [0u8; 512];
    let later = start + Duration::from_secs(30);
    assert!(matches!(
        inbound.handle_datagram(later, peer(), &audio(0)),
        Received::Rtp { .. }
    ));
    assert!(matches!(
        inbound.pop(later, &mut buf).unwrap(),
        Played::Silence(_)
    ));
    assert_eq!(inbound.counters.discarded_on_hold, 1);
    assert_eq!(
        inbound.idle_for(later + Duration::from_secs(2)),
        Duration::from_secs(2)
    );
    inbound.set_receiving(true);
    let _ = inbound.handle_datagram(later, peer(), &audio(1));
    assert!(matches!(
        inbound.pop(later, &mut buf).unwrap(),
        Played::Audio(_)
    ));
}

#[test]
fn a_buffer_too_small_for_the_frame_is_an_error_naming_both_sizes() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    let _ = inbound.handle_datagram(start, peer(), &audio(0));
    let error = inbound.pop(start, &mut [0u8; 100]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "read buffer of 100 bytes cannot hold a 160-byte PCMU frame"
    );
}

#[test]
fn idle_time_counts_from_start_then_from_the_last_packet() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    assert_eq!(
        inbound.idle_for(start + Duration::from_secs(3)),
        Duration::from_secs(3)
    );
    let _ = inbound.handle_datagram(start + Duration::from_secs(4), peer(), &audio(0));
    assert_eq!(
        inbound.idle_for(start + Duration::from_secs(5)),
        Duration::from_secs(1)
    );
    let _ = inbound.handle_datagram(start + Duration::from_secs(9), peer(), b"garbage");
    assert_eq!(
        inbound.idle_for(start + Duration::from_secs(10)),
        Duration::from_secs(6)
    );
}

#[test]
fn a_new_codec_on_reinvite_starts_a_new_buffer() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    let _ = inbound.handle_datagram(start, peer(), &audio(0));
    let pcma = NegotiatedMedia {
        payload_type: 8,
        codec: "PCMA".into(),
        ..media()
    };
    inbound.handle_media(start, pcma).unwrap();
    let mut buf = [0u8; 512];
    assert!(matches!(
        inbound.pop(start, &mut buf).unwrap(),
        Played::Silence(_)
    ));
    assert_eq!(
        inbound.handle_datagram(start, peer(), &audio(1)),
        Received::Dropped
    );
    let _ = inbound.handle_datagram(start, peer(), &packet(8, 1, 160, true, &[9; 160]));
    let Played::Audio(meta) = inbound.pop(start, &mut buf).unwrap() else {
        panic!("the PCMA frame is due");
    };
    assert_eq!(meta.codec.as_str(), "PCMA");
}

#[test]
fn a_digit_between_audio_frames_is_not_played_as_lost_audio() {
    let start = Instant::now();
    let mut inbound = Inbound::new(start, media(), Pacing::Clock, true).unwrap();
    let mut buf = [0u8; 512];
    let event = |end| TelephoneEvent {
        event: 5,
        end,
        volume: 10,
        duration: 160,
    };
    // The sender withholds audio while the digit plays, then marks the next packet.
    let datagrams = [
        audio(0),
        packet(101, 1, 160, true, &event(false).to_bytes()),
        packet(101, 2, 160, false, &event(true).to_bytes()),
        packet(0, 3, 480, true, &[3; 160]),
    ];
    for datagram in &datagrams {
        assert!(matches!(
            inbound.handle_datagram(start, peer(), datagram),
            Received::Rtp { .. }
        ));
    }
    let mut played = Vec::new();
    for n in 0..3u32 {
        match inbound.pop(start + PTIME * n, &mut buf).unwrap() {
            Played::Audio(_) => played.push(buf[0]),
            Played::Concealed(meta) => panic!("frame {} concealed", meta.seq),
            Played::Silence(_) => {}
        }
    }
    assert_eq!(played, [0, 3]);
    assert_eq!(inbound.take_dtmf(start).map(|d| d.digit_char()), Some('5'));
}
