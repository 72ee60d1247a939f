//! One 20 ms frame (160 samples at 8 kHz) through the PCMU and PCMA encoders and decoders,
//! as the media path runs them once per packet per call.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use mod_g711::codec::Law;

const FRAME: usize = 160;

/// Speech-like input: a 440 Hz tone with a slow envelope, so every segment is visited.
fn frame() -> Vec<i16> {
    (0..FRAME)
        .map(|n| {
            let t = n as f64 / 8000.0;
            let envelope = 0.1 + 0.9 * (t * 50.0 * std::f64::consts::PI).sin().abs();
            (30_000.0 * envelope * (t * 440.0 * std::f64::consts::TAU).sin()) as i16
        })
        .collect()
}

fn g711(c: &mut Criterion) {
    let pcm = frame();
    for law in [Law::MuLaw, Law::ALaw] {
        let mut payload = [0u8; FRAME];
        c.bench_function(&format!("{} encode 20 ms", law.name()), |b| {
            b.iter(|| law.encode(black_box(&pcm), black_box(&mut payload)))
        });
        let mut decoded = [0i16; FRAME];
        c.bench_function(&format!("{} decode 20 ms", law.name()), |b| {
            b.iter(|| law.decode(black_box(&payload), black_box(&mut decoded)))
        });
    }
}

criterion_group!(benches, g711);
criterion_main!(benches);
