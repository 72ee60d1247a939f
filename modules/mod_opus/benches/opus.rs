//! One 20 ms frame of 48 kHz mono through an Opus encoder and decoder at the shipped
//! settings (complexity 10, 30 kbit/s), as the media path runs them once per packet per call.
//!
//! The encoder runs twice: with in-band FEC negotiated (browsers offer `useinbandfec=1`),
//! which makes libopus code speech with SILK plus its redundancy and costs several times
//! more, and without.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ferroswitch_abi::{CodecSettings, Decoder, Encoder};
use mod_opus::codec::Opus;

const FRAME: usize = 960;

/// Speech-like input: a 220 Hz tone with harmonics and a slow envelope.
fn frame(index: usize) -> Vec<i16> {
    (0..FRAME)
        .map(|n| {
            let t = (index * FRAME + n) as f64 / 48_000.0;
            let envelope = 0.2 + 0.8 * (t * 3.0 * std::f64::consts::PI).sin().abs();
            let voice: f64 = (1..=5)
                .map(|harmonic| {
                    let harmonic = f64::from(harmonic);
                    (t * 220.0 * harmonic * std::f64::consts::TAU).sin() / harmonic
                })
                .sum();
            (9_000.0 * envelope * voice) as i16
        })
        .collect()
}

fn opus(c: &mut Criterion) {
    let settings = CodecSettings {
        samples_per_second: 48_000,
        channels: 1,
        ptime_ms: 20,
        fmtp: "useinbandfec=1".into(),
    };
    let codec = Opus::default();
    let frames: Vec<Vec<i16>> = (0..50).map(frame).collect();

    let mut packet = [0u8; 1500];
    for (label, fmtp) in [("FEC", "useinbandfec=1"), ("no FEC", "useinbandfec=0")] {
        let settings = CodecSettings {
            fmtp: fmtp.into(),
            ..settings.clone()
        };
        let mut encoder = codec.make_encoder(&settings).expect("valid settings");
        let mut next = 0;
        c.bench_function(&format!("opus encode 20 ms 48 kHz mono, {label}"), |b| {
            b.iter(|| {
                next = (next + 1) % frames.len();
                encoder.encode(black_box(&frames[next]), black_box(&mut packet))
            })
        });
    }

    // A second of encoded speech, decoded in a loop so the decoder sees a real stream.
    let mut encoder = codec.make_encoder(&settings).expect("valid settings");
    let packets: Vec<Vec<u8>> = frames
        .iter()
        .map(|pcm| {
            let bytes = encoder.encode(pcm, &mut packet).expect("encodes");
            packet[..bytes].to_vec()
        })
        .collect();
    let mut decoder = codec.make_decoder(&settings).expect("valid settings");
    let mut pcm = [0i16; FRAME];
    let mut next = 0;
    c.bench_function("opus decode 20 ms 48 kHz mono", |b| {
        b.iter(|| {
            next = (next + 1) % packets.len();
            decoder.decode(black_box(&packets[next]), black_box(&mut pcm))
        })
    });
}

criterion_group!(benches, opus);
criterion_main!(benches);
