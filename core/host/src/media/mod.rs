//! A channel's media through the core: what codec its endpoint speaks, decoding what it reads
//! for applications, and encoding what applications and bridged peers write to it. Frames
//! whose codec, rate and packet time already match the channel pass through untouched;
//! anything else is decoded, resampled and re-encoded with one codec instance per call and
//! direction.

mod codecs;
mod decode;
pub mod linear;
pub mod resample;
mod tap;

use std::sync::{Mutex, MutexGuard};

use ferroswitch_abi::{
    AudioFrame, CodecName, CodecSettings, Error, ErrorKind, FfiEncoderBox, FrameFlags, FrameMeta,
    MediaParams, TapDirection,
};

use crate::core::Core;
use crate::session::SessionInner;

use codecs::DecoderCache;
use decode::{decode_frame, MAX_FRAME_SAMPLES};
use resample::ResamplerSlot;
pub use tap::Taps;

/// Bytes one encoded frame may take: 60 ms of 48 kHz stereo L16.
const MAX_FRAME_BYTES: usize = MAX_FRAME_SAMPLES * 2;

/// What identifies frames that need no transcoding on a channel.
#[derive(Clone, Copy, PartialEq, Eq)]
struct NativeFormat {
    codec: CodecName,
    rate: u32,
    ptime_ms: u8,
    linear: bool,
}

impl NativeFormat {
    fn of(params: &MediaParams) -> Self {
        Self {
            codec: CodecName::new(if params.is_linear() {
                "L16"
            } else {
                params.codec.as_str()
            }),
            rate: params.rate,
            ptime_ms: params.ptime_ms.min(255) as u8,
            linear: params.is_linear(),
        }
    }

    fn matches(&self, meta: &FrameMeta) -> bool {
        let linear = meta.flags.contains(FrameFlags::LINEAR);
        linear == self.linear
            && meta.rate == self.rate
            && meta.ptime_ms == self.ptime_ms
            && (linear || meta.codec == self.codec)
    }
}

/// Reading: the endpoint's frames decoded for applications.
struct ReadPath {
    params: MediaParams,
    decoders: DecoderCache,
    resampler: ResamplerSlot,
    pcm: Vec<i16>,
    scratch: Vec<i16>,
    resampled: Vec<i16>,
}

/// Writing: frames and samples encoded with the channel's codec.
struct WritePath {
    params: MediaParams,
    native: NativeFormat,
    encoder: Option<FfiEncoderBox>,
    decoders: DecoderCache,
    resampler: ResamplerSlot,
    /// Samples at the channel's rate not yet making a whole frame.
    pending: Vec<i16>,
    pcm: Vec<i16>,
    scratch: Vec<i16>,
    resampled: Vec<i16>,
    encoded: Vec<u8>,
    seq: u32,
    timestamp: u32,
}

/// One channel's media state. Reading and writing are locked apart: in a bridge, the
/// channel's own thread reads while the peer's thread writes to it.
pub struct ChannelMedia {
    /// The frame `read_audio` reads into, apart from the decoding state (see there).
    raw: Mutex<Vec<u8>>,
    read: Mutex<ReadPath>,
    write: Mutex<WritePath>,
    /// Modules watching what passes both ways (`record_session`).
    pub taps: Taps,
}

impl Default for ChannelMedia {
    fn default() -> Self {
        let params = MediaParams::default();
        Self {
            raw: Mutex::new(Vec::new()),
            read: Mutex::new(ReadPath {
                params: params.clone(),
                decoders: DecoderCache::default(),
                resampler: ResamplerSlot::default(),
                pcm: Vec::new(),
                scratch: Vec::new(),
                resampled: Vec::new(),
            }),
            write: Mutex::new(WritePath {
                native: NativeFormat::of(&params),
                params,
                encoder: None,
                decoders: DecoderCache::default(),
                resampler: ResamplerSlot::default(),
                pending: Vec::new(),
                pcm: Vec::new(),
                scratch: Vec::new(),
                resampled: Vec::new(),
                encoded: Vec::new(),
                seq: 0,
                timestamp: 0,
            }),
            taps: Taps::default(),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

fn settings(params: &MediaParams) -> CodecSettings {
    CodecSettings {
        samples_per_second: params.rate,
        channels: params.channels.max(1),
        ptime_ms: params.ptime_ms,
        fmtp: params.fmtp.clone(),
    }
}

/// Checks what an endpoint declared before anything uses it.
fn validate(params: &MediaParams) -> Result<(), Error> {
    if !matches!(params.rate, 8000 | 16000 | 32000 | 48000) {
        return Err(Error::invalid_argument(format!(
            "media rate {} Hz is not one of 8000, 16000, 32000, 48000",
            params.rate
        )));
    }
    if !matches!(params.ptime_ms, 10 | 20 | 30 | 40 | 60) {
        return Err(Error::invalid_argument(format!(
            "packet time {} ms is not one of 10, 20, 30, 40, 60",
            params.ptime_ms
        )));
    }
    Ok(())
}

impl ChannelMedia {
    /// What the endpoint speaks.
    pub fn params(&self) -> MediaParams {
        lock(&self.write).params.clone()
    }

    /// Declares the codec the endpoint speaks. The encoder is made now, so a codec that is
    /// not loaded fails here, naming itself, rather than at the first frame.
    pub fn set(&self, core: Core, params: &MediaParams) -> Result<MediaParams, Error> {
        let params = &codecs::resolve(core, params)?;
        validate(params)?;
        let encoder = if params.is_linear() {
            None
        } else {
            Some(
                codecs::encoder(core, &params.codec, &settings(params)).map_err(|error| {
                    Error::new(
                        error.kind,
                        format!(
                            "codec {}@{}h@{}i: {}",
                            params.codec, params.rate, params.ptime_ms, error.message
                        ),
                    )
                })?,
            )
        };
        {
            let mut write = lock(&self.write);
            write.params = params.clone();
            write.native = NativeFormat::of(params);
            write.encoder = encoder;
            write.decoders.clear();
            write.pending.clear();
        }
        let mut read = lock(&self.read);
        read.params = params.clone();
        read.decoders.clear();
        Ok(params.clone())
    }

    /// Reads the endpoint's next frame into `buf` as it came (what `read_frame` gives
    /// applications and what a bridge relays); the taps see it too.
    pub fn read_frame(
        &self,
        core: Core,
        session: &SessionInner,
        buf: &mut [u8],
        timeout_ms: u32,
    ) -> Result<FrameMeta, Error> {
        let io = session
            .io()
            .ok_or_else(|| Error::hung_up("the channel has no media"))?;
        let meta = io
            .object
            .read_frame(io.session_handle(core, session), buf.into(), timeout_ms)
            .into_result()?;
        let len = (meta.len as usize).min(buf.len());
        self.taps
            .feed(core, &session.uuid, TapDirection::Read, &meta, &buf[..len]);
        Ok(meta)
    }

    /// Reads one frame from the endpoint as mono samples at `rate` into `out`.
    pub fn read_audio(
        &self,
        core: Core,
        session: &SessionInner,
        out: &mut [i16],
        rate: u32,
        timeout_ms: u32,
    ) -> Result<AudioFrame, Error> {
        // The read waits up to a packet time: it must not hold the decoding state, which
        // `set` (an endpoint's driver renegotiating) takes.
        let mut raw = lock(&self.raw);
        raw.resize(MAX_FRAME_BYTES, 0);
        let meta = self.read_frame(core, session, &mut raw, timeout_ms)?;
        let len = (meta.len as usize).min(raw.len());
        let mut guard = lock(&self.read);
        let read = &mut *guard;
        decode_frame(
            core,
            &mut read.decoders,
            &read.params.fmtp,
            &meta,
            &raw[..len],
            &mut read.pcm,
            &mut read.scratch,
        )?;
        read.resampled.clear();
        read.resampler
            .convert(&read.pcm, meta.rate, rate, &mut read.resampled)?;
        let samples = read.resampled.len().min(out.len());
        out[..samples].copy_from_slice(&read.resampled[..samples]);
        Ok(AudioFrame {
            samples: samples as u32,
            rate,
            flags: FrameFlags(meta.flags.0 & FrameFlags::CNG.0),
            timestamp: meta.timestamp,
        })
    }

    /// Writes a frame to the endpoint: untouched when it already is in the channel's
    /// format, transcoded otherwise.
    pub fn write_frame(
        &self,
        core: Core,
        session: &SessionInner,
        meta: &FrameMeta,
        payload: &[u8],
    ) -> Result<(), Error> {
        let mut guard = lock(&self.write);
        if guard.native.matches(meta) {
            drop(guard);
            return write_to_endpoint(core, session, &self.taps, meta, payload);
        }
        let write = &mut *guard;
        decode_frame(
            core,
            &mut write.decoders,
            "",
            meta,
            payload,
            &mut write.pcm,
            &mut write.scratch,
        )?;
        let pcm = std::mem::take(&mut write.pcm);
        let result = write.write_samples(core, session, &self.taps, &pcm, meta.rate);
        write.pcm = pcm;
        result
    }

    /// Writes mono samples at `rate`: resampled, gathered into whole frames and encoded.
    pub fn write_audio(
        &self,
        core: Core,
        session: &SessionInner,
        pcm: &[i16],
        rate: u32,
    ) -> Result<(), Error> {
        if rate == 0 {
            return Err(Error::invalid_argument("audio written at 0 Hz"));
        }
        lock(&self.write).write_samples(core, session, &self.taps, pcm, rate)
    }
}

impl WritePath {
    fn write_samples(
        &mut self,
        core: Core,
        session: &SessionInner,
        taps: &Taps,
        pcm: &[i16],
        rate: u32,
    ) -> Result<(), Error> {
        self.resampled.clear();
        self.resampler
            .convert(pcm, rate, self.params.rate, &mut self.resampled)?;
        self.pending.extend_from_slice(&self.resampled);
        let frame = self.params.samples_per_frame();
        if frame == 0 {
            return Err(Error::invalid_argument(
                "the channel's frames hold no samples",
            ));
        }
        let mut start = 0;
        while self.pending.len() - start >= frame {
            let samples = &self.pending[start..start + frame];
            start += frame;
            self.encoded.resize(MAX_FRAME_BYTES, 0);
            let (len, flags) = match &mut self.encoder {
                None => (
                    linear::samples_to_bytes(samples, &mut self.encoded),
                    FrameFlags::LINEAR,
                ),
                Some(encoder) => (
                    encoder
                        .encode(samples.into(), self.encoded.as_mut_slice().into())
                        .into_result()?,
                    FrameFlags::default(),
                ),
            };
            let meta = FrameMeta {
                codec: self.native.codec,
                len: len as u32,
                rate: self.params.rate,
                channels: 1,
                ptime_ms: self.native.ptime_ms,
                flags,
                timestamp: self.timestamp,
                seq: self.seq,
            };
            self.timestamp = self.timestamp.wrapping_add(frame as u32);
            self.seq = self.seq.wrapping_add(1);
            let written = write_to_endpoint(core, session, taps, &meta, &self.encoded[..len]);
            if let Err(error) = written {
                self.pending.drain(..start);
                return Err(error);
            }
        }
        self.pending.drain(..start);
        Ok(())
    }
}

fn write_to_endpoint(
    core: Core,
    session: &SessionInner,
    taps: &Taps,
    meta: &FrameMeta,
    payload: &[u8],
) -> Result<(), Error> {
    let io = session
        .io()
        .ok_or_else(|| Error::new(ErrorKind::HUNG_UP, "the channel has no media"))?;
    taps.feed(core, &session.uuid, TapDirection::Write, meta, payload);
    io.object
        .write_frame(io.session_handle(core, session), meta, payload.into())
        .into_result()
}
