use super::*;

const PTIME: Duration = Duration::from_millis(20);

fn header(sequence: u16, timestamp: u32) -> RtpHeader {
    RtpHeader {
        marker: false,
        payload_type: 0,
        sequence,
        timestamp,
        ssrc: 1,
    }
}

fn buffer(min: u16, max: u16) -> JitterBuffer {
    let mut config = JitterConfig::new(8000, PTIME);
    config.min_depth_frames = min;
    config.max_depth_frames = max;
    JitterBuffer::new(config).unwrap()
}

/// What a pop gave, without the borrow.
#[derive(Debug, PartialEq, Eq)]
enum Out {
    Frame(u16),
    Lost(u16),
    Empty,
}

fn pop(jb: &mut JitterBuffer, now: Instant) -> Out {
    match jb.pop(now) {
        Popped::Frame(frame) => {
            assert_eq!(frame.payload, &frame.header.sequence.to_be_bytes());
            Out::Frame(frame.header.sequence)
        }
        Popped::Lost { sequence, .. } => Out::Lost(sequence),
        Popped::Empty => Out::Empty,
    }
}

fn push(jb: &mut JitterBuffer, h: RtpHeader, at: Instant) -> Pushed {
    jb.push(&h, &h.sequence.to_be_bytes(), at)
}

#[test]
fn config_is_validated() {
    let mut config = JitterConfig::new(0, PTIME);
    assert_eq!(
        JitterBuffer::new(config.clone()).unwrap_err(),
        JitterConfigError::ZeroClockRate
    );
    config.clock_rate = 8000;
    config.frame_duration = Duration::from_micros(10);
    assert!(matches!(
        JitterBuffer::new(config.clone()),
        Err(JitterConfigError::FrameTooShort(_))
    ));
    config.frame_duration = PTIME;
    config.min_depth_frames = 5;
    config.max_depth_frames = 4;
    assert!(matches!(
        JitterBuffer::new(config),
        Err(JitterConfigError::BadDepthRange { min: 5, max: 4 })
    ));
    let config = JitterConfig::new(8000, PTIME)
        .with_depth(Duration::from_millis(30), Duration::from_millis(200));
    assert_eq!((config.min_depth_frames, config.max_depth_frames), (2, 10));
    let jb = JitterBuffer::new(config).unwrap();
    assert_eq!(jb.config().capacity, 64);
}

#[test]
fn in_order_stream_plays_every_frame_once() {
    let start = Instant::now();
    let mut jb = buffer(2, 10);
    let mut played = Vec::new();
    for n in 0..100u16 {
        let now = start + PTIME * u32::from(n);
        assert_eq!(
            push(&mut jb, header(n, u32::from(n) * 160), now),
            Pushed::Stored
        );
        if let Out::Frame(seq) = pop(&mut jb, now + Duration::from_millis(5)) {
            played.push(seq);
        }
    }
    assert_eq!(played, (0..99).collect::<Vec<_>>());
    let stats = jb.stats();
    assert_eq!(stats.received, 100);
    assert_eq!(
        stats.lost + stats.late + stats.duplicates + stats.dropped,
        0
    );
}

#[test]
fn waits_for_the_target_depth_before_playing() {
    let start = Instant::now();
    let mut jb = buffer(3, 10);
    push(&mut jb, header(0, 0), start);
    assert_eq!(pop(&mut jb, start), Out::Empty);
    push(&mut jb, header(1, 160), start);
    assert_eq!(pop(&mut jb, start), Out::Empty);
    push(&mut jb, header(2, 320), start);
    assert_eq!(pop(&mut jb, start), Out::Frame(0));
}

#[test]
fn a_lone_packet_plays_after_waiting_the_target() {
    let start = Instant::now();
    let mut jb = buffer(3, 10);
    push(&mut jb, header(0, 0), start);
    assert_eq!(pop(&mut jb, start + Duration::from_millis(40)), Out::Empty);
    assert_eq!(
        pop(&mut jb, start + Duration::from_millis(60)),
        Out::Frame(0)
    );
}

#[test]
fn reordered_packets_come_out_in_order() {
    let start = Instant::now();
    let mut jb = buffer(3, 10);
    for n in [1u16, 0, 3, 2, 5, 4] {
        push(&mut jb, header(n, u32::from(n) * 160), start);
    }
    let out: Vec<_> = (0..6).map(|_| pop(&mut jb, start)).collect();
    assert_eq!(out, (0..6).map(Out::Frame).collect::<Vec<_>>());
}

#[test]
fn a_missing_frame_is_reported_lost_with_its_sequence_and_timestamp() {
    let start = Instant::now();
    let mut jb = buffer(3, 10);
    for n in [0u16, 1, 3, 4] {
        push(&mut jb, header(n, u32::from(n) * 160), start);
    }
    assert_eq!(pop(&mut jb, start), Out::Frame(0));
    assert_eq!(pop(&mut jb, start), Out::Frame(1));
    assert_eq!(
        jb.pop(start),
        Popped::Lost {
            sequence: 2,
            timestamp: 320
        }
    );
    assert_eq!(pop(&mut jb, start), Out::Frame(3));
    assert_eq!(jb.stats().lost, 1);
    // The lost frame arriving now is late.
    assert_eq!(push(&mut jb, header(2, 320), start), Pushed::Late);
    assert_eq!(jb.stats().late, 1);
}

#[test]
fn duplicates_are_dropped_before_and_after_playing() {
    let start = Instant::now();
    let mut jb = buffer(2, 10);
    push(&mut jb, header(0, 0), start);
    push(&mut jb, header(1, 160), start);
    assert_eq!(push(&mut jb, header(1, 160), start), Pushed::Duplicate);
    assert_eq!(pop(&mut jb, start), Out::Frame(0));
    assert_eq!(push(&mut jb, header(0, 0), start), Pushed::Duplicate);
    assert_eq!(jb.stats().duplicates, 2);
    assert_eq!(pop(&mut jb, start), Out::Frame(1));
    assert_eq!(pop(&mut jb, start), Out::Empty);
}

#[test]
fn sequence_numbers_wrap() {
    let start = Instant::now();
    let mut jb = buffer(2, 10);
    let mut out = Vec::new();
    for (i, n) in (65530u16..=65535).chain(0..6).enumerate() {
        let now = start + PTIME * i as u32;
        push(&mut jb, header(n, 1000 + i as u32 * 160), now);
        out.push(pop(&mut jb, now));
    }
    let frames: Vec<_> = out
        .into_iter()
        .filter_map(|o| match o {
            Out::Frame(n) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(
        frames,
        [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3, 4]
    );
}

#[test]
fn dtx_gap_plays_as_empty_not_lost() {
    let start = Instant::now();
    let mut jb = buffer(1, 10);
    push(&mut jb, header(0, 0), start);
    assert_eq!(pop(&mut jb, start), Out::Frame(0));
    // One second of silence, popped every 20 ms: next packet is seq 1 but
    // 50 frames later.
    for n in 1..50 {
        assert_eq!(pop(&mut jb, start + PTIME * n), Out::Empty);
    }
    let talk = start + Duration::from_secs(1);
    let mut spurt = header(1, 8000);
    spurt.marker = true;
    push(&mut jb, spurt, talk);
    assert_eq!(pop(&mut jb, talk), Out::Frame(1));
    assert_eq!(jb.stats().lost, 0);
    assert_eq!(jb.stats().resyncs, 0);
}

#[test]
fn big_timestamp_jump_resyncs_instead_of_waiting() {
    let start = Instant::now();
    let mut jb = buffer(2, 10);
    for n in 0..4u16 {
        push(&mut jb, header(n, u32::from(n) * 160), start);
    }
    // Same sequence run, timestamps jump by ten minutes.
    for n in 4..8u16 {
        push(&mut jb, header(n, 4_800_000 + u32::from(n) * 160), start);
    }
    let out: Vec<_> = (0..8).map(|_| pop(&mut jb, start)).collect();
    assert_eq!(out, (0..8).map(Out::Frame).collect::<Vec<_>>());
    assert_eq!(jb.stats().resyncs, 1);
}

#[test]
fn ssrc_change_resets_and_old_stragglers_are_ignored() {
    let start = Instant::now();
    let mut jb = buffer(1, 10);
    push(&mut jb, header(100, 0), start);
    assert_eq!(pop(&mut jb, start), Out::Frame(100));
    let mut new = header(5000, 77);
    new.ssrc = 2;
    assert_eq!(jb.push(&new, &5000u16.to_be_bytes(), start), Pushed::Stored);
    assert_eq!(push(&mut jb, header(101, 160), start), Pushed::StaleSource);
    assert_eq!(pop(&mut jb, start), Out::Frame(5000));
    assert_eq!(jb.stats().ssrc_changes, 1);
    assert_eq!(jb.stats().lost, 0);
}

#[test]
fn sequence_restart_needs_two_packets() {
    let start = Instant::now();
    let mut jb = buffer(1, 10);
    push(&mut jb, header(10, 0), start);
    assert_eq!(pop(&mut jb, start), Out::Frame(10));
    assert_eq!(
        push(&mut jb, header(40000, 160), start),
        Pushed::SequenceJump
    );
    assert_eq!(push(&mut jb, header(40001, 320), start), Pushed::Stored);
    assert_eq!(pop(&mut jb, start), Out::Frame(40001));
    assert_eq!(jb.stats().resyncs, 1);
}

#[test]
fn memory_stays_bounded_when_nobody_pops() {
    let start = Instant::now();
    let mut jb = buffer(1, 10);
    for n in 0..1000u16 {
        push(&mut jb, header(n, u32::from(n) * 160), start);
        assert!(jb.len() <= jb.config().capacity);
    }
    assert_eq!(jb.len(), 64);
    assert_eq!(jb.stats().dropped, 1000 - 64);
    // Far above target: playout starts near the newest frames.
    match pop(&mut jb, start) {
        Out::Frame(n) => assert!(n >= 1000 - 64, "{n}"),
        other => panic!("expected a frame, got {other:?}"),
    }
}

#[test]
fn oversized_payloads_are_refused() {
    let mut jb = buffer(1, 10);
    let big = vec![0; 1501];
    assert_eq!(
        jb.push(&header(0, 0), &big, Instant::now()),
        Pushed::PayloadTooLarge
    );
    assert!(jb.is_empty());
}

#[test]
fn far_above_target_skips_frames_to_catch_up() {
    let start = Instant::now();
    let mut jb = buffer(1, 10);
    // A burst of 30 frames at once after steady play.
    for n in 0..30u16 {
        push(&mut jb, header(n, u32::from(n) * 160), start);
    }
    let mut frames = 0;
    for _ in 0..30 {
        if let Out::Frame(_) = pop(&mut jb, start) {
            frames += 1;
        }
    }
    assert!(jb.stats().dropped > 0);
    assert_eq!(frames + jb.stats().dropped, 30);
}

#[test]
fn jitter_raises_the_target_and_calm_lowers_it_slowly() {
    let start = Instant::now();
    let mut jb = buffer(1, 10);
    for n in 0..200u32 {
        // Every fifth packet 55 ms late.
        let delay = if n % 5 == 4 { 55 } else { 0 };
        let now = start + Duration::from_millis(20 * u64::from(n) + delay);
        push(&mut jb, header(n as u16, n * 160), now);
    }
    let raised = jb.stats().target_frames;
    assert_eq!(raised, 4, "1 + ceil(55 / 20)");
    for n in 200..260u32 {
        let now = start + Duration::from_millis(20 * u64::from(n));
        push(&mut jb, header(n as u16, n * 160), now);
    }
    let soon = jb.stats().target_frames;
    assert!(
        soon == raised,
        "one second of calm does not drop the target yet"
    );
    for n in 260..4000u32 {
        let now = start + Duration::from_millis(20 * u64::from(n));
        push(&mut jb, header(n as u16, n * 160), now);
        jb.pop(now);
    }
    assert_eq!(jb.stats().target_frames, 1);
}
