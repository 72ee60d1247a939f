//! What crossing the module boundary costs on the media path: a 20 ms frame of 8 kHz L16
//! encoded by a codec instance of a real loaded module (the test fixture's pass-through codec,
//! through the core's lease wrapper and the module's panic guard), against the same work done
//! directly; and one host-table call.
//!
//! Needs the release build of the workspace (`cargo xtask bench` does it): the module file is
//! `target/release/libmod_fixture_probe.so`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ferroswitch_abi::{CodecSettings, ModuleId};

mod support;

const SAMPLES: usize = 160;

fn encode_natively(pcm: &[i16], out: &mut [u8]) -> usize {
    for (chunk, sample) in out.chunks_exact_mut(2).zip(pcm) {
        chunk.copy_from_slice(&sample.to_le_bytes());
    }
    pcm.len() * 2
}

fn boundary(c: &mut Criterion) {
    let core = support::core_with_modules(&["mod_fixture_probe"]);
    let host = core.host(ModuleId::CORE);
    let settings = CodecSettings {
        samples_per_second: 8000,
        channels: 1,
        ptime_ms: 20,
        fmtp: "".into(),
    };
    let mut encoder = host
        .encoder("FIXTURE-L16", &settings)
        .expect("the probe's codec is registered");
    let pcm: Vec<i16> = (0..SAMPLES as i16).map(|n| n.wrapping_mul(97)).collect();
    let mut out = vec![0u8; SAMPLES * 2];

    c.bench_function("encode 20 ms L16 natively", |b| {
        b.iter(|| encode_natively(black_box(&pcm), black_box(&mut out)))
    });
    c.bench_function("encode 20 ms L16 through a module", |b| {
        b.iter(|| {
            encoder
                .encode(
                    black_box(pcm.as_slice()).into(),
                    black_box(out.as_mut_slice()).into(),
                )
                .unwrap()
        })
    });
    c.bench_function("host table call (event_wanted)", |b| {
        b.iter(|| host.event_wanted(black_box("CHANNEL_ANSWER")))
    });
}

criterion_group!(benches, boundary);
criterion_main!(benches);
