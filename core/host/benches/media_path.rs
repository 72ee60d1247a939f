//! The core's frame path, per 20 ms frame and leg direction, with real codec modules
//! (mod_g711, mod_opus) loaded from the release build:
//! - pass-through: a PCMU frame written to a PCMU channel goes to the endpoint untouched;
//! - PCMU through L16: a PCMU frame read and decoded for an application, and linear audio
//!   written and encoded back to PCMU (what a transcoded PCMU↔PCMU leg costs);
//! - PCMU→Opus and Opus→PCMU: decode, resample 8↔48 kHz, encode;
//! - 8→48 kHz resampling alone.
//!
//! Needs the release build of the workspace (`cargo xtask bench` does it).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ferroswitch_abi::kinds::endpoint::channel_io;
use ferroswitch_abi::{
    CallerProfile, ChannelIo as ChannelIoTrait, ChannelMessage, CodecName, CodecSettings, Dtmf,
    Error, FrameFlags, FrameMeta, KillSignal, MediaParams, ModuleId, Session,
};
use ferroswitch_core::media::resample::Resampler;
use ferroswitch_core::session::{ChannelIo, Direction, NewChannel, SessionRef};
use ferroswitch_core::Core;

mod support;

/// An endpoint that delivers the same frame on every read and drops what is written.
struct Loop {
    meta: FrameMeta,
    payload: Vec<u8>,
}

impl ChannelIoTrait for Loop {
    fn read_frame(&self, _: Session, buf: &mut [u8], _: u32) -> Result<FrameMeta, Error> {
        buf[..self.payload.len()].copy_from_slice(&self.payload);
        Ok(self.meta)
    }
    fn write_frame(&self, _: Session, meta: &FrameMeta, payload: &[u8]) -> Result<(), Error> {
        black_box((meta, payload));
        Ok(())
    }
    fn kill(&self, _: Session, _: KillSignal) {}
    fn send_dtmf(&self, _: Session, _: Dtmf) -> Result<(), Error> {
        Ok(())
    }
    fn receive_message(&self, _: Session, _: &ChannelMessage) -> Result<(), Error> {
        Ok(())
    }
}

fn frame(codec: &str, rate: u32, len: usize) -> FrameMeta {
    FrameMeta {
        codec: CodecName::new(codec),
        len: len as u32,
        rate,
        channels: 1,
        ptime_ms: 20,
        flags: FrameFlags::default(),
        timestamp: 0,
        seq: 0,
    }
}

/// A channel (never started) whose endpoint is a [`Loop`] delivering `meta`/`payload`,
/// speaking `codec` at `rate`.
fn channel(core: Core, codec: &str, rate: u32, meta: FrameMeta, payload: Vec<u8>) -> SessionRef {
    let sessions = &core.inner().sessions;
    let session = sessions
        .create(
            core,
            NewChannel {
                name: format!("bench/{codec}"),
                direction: Direction::Inbound,
                profile: CallerProfile::default(),
                variables: Vec::new(),
                partner: None,
            },
        )
        .expect("session");
    let lease = core
        .inner()
        .modules
        .find("mod_g711")
        .expect("mod_g711 loaded")
        .lease();
    sessions.attach_io(
        &session,
        ChannelIo::new(channel_io(Loop { meta, payload }), "bench".into(), lease),
    );
    session
        .media
        .set(
            core,
            &MediaParams {
                codec: codec.into(),
                rate,
                channels: 1,
                ptime_ms: 20,
                fmtp: "".into(),
            },
        )
        .expect("codec set");
    session
}

fn encode(core: Core, codec: &str, rate: u32, pcm: &[i16]) -> Vec<u8> {
    let settings = CodecSettings {
        samples_per_second: rate,
        channels: 1,
        ptime_ms: 20,
        fmtp: "".into(),
    };
    let mut encoder = core
        .host(ModuleId::CORE)
        .encoder(codec, &settings)
        .expect("encoder");
    let mut out = vec![0u8; 4000];
    let len = encoder
        .encode(pcm.into(), out.as_mut_slice().into())
        .into_result()
        .expect("encodes");
    out.truncate(len);
    out
}

fn tone(rate: u32) -> Vec<i16> {
    let samples = rate as usize / 50;
    (0..samples)
        .map(|n| {
            (8000.0 * (2.0 * std::f32::consts::PI * 440.0 * n as f32 / rate as f32).sin()) as i16
        })
        .collect()
}

fn media_path(c: &mut Criterion) {
    let core = support::core_with_modules(&["mod_g711", "mod_opus"]);
    let pcmu = encode(core, "PCMU", 8000, &tone(8000));
    let opus = encode(core, "opus", 48000, &tone(48000));
    let pcmu_meta = frame("PCMU", 8000, pcmu.len());
    let opus_meta = frame("opus", 48000, opus.len());

    let pcmu_leg = channel(core, "PCMU", 8000, pcmu_meta, pcmu.clone());
    let opus_leg = channel(core, "opus", 48000, opus_meta, opus.clone());

    c.bench_function("frame path: PCMU pass-through write", |b| {
        b.iter(|| {
            pcmu_leg
                .media
                .write_frame(core, &pcmu_leg, black_box(&pcmu_meta), black_box(&pcmu))
                .unwrap()
        })
    });

    let mut pcm = vec![0i16; 960];
    let linear = tone(8000);
    c.bench_function("frame path: PCMU read as L16 + L16 written as PCMU", |b| {
        b.iter(|| {
            let read = pcmu_leg
                .media
                .read_audio(core, &pcmu_leg, black_box(&mut pcm), 8000, 20)
                .unwrap();
            black_box(read);
            pcmu_leg
                .media
                .write_audio(core, &pcmu_leg, black_box(&linear), 8000)
                .unwrap()
        })
    });

    c.bench_function("frame path: PCMU frame transcoded to an Opus leg", |b| {
        b.iter(|| {
            opus_leg
                .media
                .write_frame(core, &opus_leg, black_box(&pcmu_meta), black_box(&pcmu))
                .unwrap()
        })
    });

    c.bench_function("frame path: Opus frame transcoded to a PCMU leg", |b| {
        b.iter(|| {
            pcmu_leg
                .media
                .write_frame(core, &pcmu_leg, black_box(&opus_meta), black_box(&opus))
                .unwrap()
        })
    });

    let mut resampler = Resampler::new(8000, 48000, 160).expect("resampler");
    let mut out = Vec::with_capacity(960);
    c.bench_function("resample 20 ms 8 kHz to 48 kHz", |b| {
        b.iter(|| {
            out.clear();
            resampler.process(black_box(&linear), &mut out).unwrap();
        })
    });
}

criterion_group!(benches, media_path);
criterion_main!(benches);
