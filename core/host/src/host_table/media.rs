//! Host functions that hand out codec, file and timer instances. Each instance is wrapped so
//! that it holds a lease on the module that made it: that module cannot be unloaded while a
//! call still encodes, plays or ticks with it.

use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{ROption, RResult, RSlice, RSliceMut, RStr};
use ferroswitch_abi::kinds::codec::{FfiDecoder, FfiDecoder_TO, FfiEncoder, FfiEncoder_TO};
use ferroswitch_abi::kinds::format::{
    FfiFileReader, FfiFileReader_TO, FfiFileWriter, FfiFileWriter_TO,
};
use ferroswitch_abi::kinds::timer::{FfiTimerInstance, FfiTimerInstance_TO};
use ferroswitch_abi::{
    guard::guard, AudioSpec, CodecSettings, Error, FfiDecoderBox, FfiEncoderBox, FfiFileReaderBox,
    FfiFileWriterBox, FfiTimerInstanceBox, HostCtx,
};

use crate::core::Core;
use crate::loader::Lease;
use crate::registry::Registered;

use super::core;

struct Leased<T> {
    inner: T,
    _lease: Lease,
}

impl FfiEncoder for Leased<FfiEncoderBox> {
    fn encode(&mut self, pcm: RSlice<'_, i16>, out: RSliceMut<'_, u8>) -> RResult<usize, Error> {
        self.inner.encode(pcm, out)
    }
}

impl FfiDecoder for Leased<FfiDecoderBox> {
    fn decode(
        &mut self,
        payload: RSlice<'_, u8>,
        pcm: RSliceMut<'_, i16>,
    ) -> RResult<usize, Error> {
        self.inner.decode(payload, pcm)
    }
    fn conceal(&mut self, pcm: RSliceMut<'_, i16>) -> RResult<usize, Error> {
        self.inner.conceal(pcm)
    }
}

impl FfiFileReader for Leased<FfiFileReaderBox> {
    fn spec(&self) -> AudioSpec {
        self.inner.spec()
    }
    fn read(&mut self, pcm: RSliceMut<'_, i16>) -> RResult<usize, Error> {
        self.inner.read(pcm)
    }
    fn seek(&mut self, frame: u64) -> RResult<(), Error> {
        self.inner.seek(frame)
    }
    fn frames(&self) -> ROption<u64> {
        self.inner.frames()
    }
}

impl FfiFileWriter for Leased<FfiFileWriterBox> {
    fn write(&mut self, pcm: RSlice<'_, i16>) -> RResult<(), Error> {
        self.inner.write(pcm)
    }
    fn finish(&mut self) -> RResult<(), Error> {
        self.inner.finish()
    }
}

impl FfiTimerInstance for Leased<FfiTimerInstanceBox> {
    fn next(&mut self) -> RResult<u64, Error> {
        self.inner.next()
    }
    fn check(&mut self) -> RResult<bool, Error> {
        self.inner.check()
    }
    fn samplecount(&self) -> u64 {
        self.inner.samplecount()
    }
}

fn codec(
    core: Core,
    name: &str,
) -> Result<std::sync::Arc<Registered<ferroswitch_abi::CodecRecord>>, Error> {
    core.inner()
        .registry
        .read()
        .codecs
        .get(&name.to_ascii_lowercase())
        .cloned()
        .ok_or_else(|| Error::not_found(format!("no codec named {name} is loaded")))
}

/// A new encoder of codec `name`, leasing its module for as long as it lives.
pub fn new_encoder(
    core: Core,
    name: &str,
    settings: &CodecSettings,
) -> Result<FfiEncoderBox, Error> {
    let codec = codec(core, name)?;
    let inner = codec.record.object.encoder(settings).into_result()?;
    Ok(FfiEncoder_TO::from_value(
        Leased {
            inner,
            _lease: codec.lease(),
        },
        TD_Opaque,
    ))
}

/// A new decoder of codec `name`, leasing its module for as long as it lives.
pub fn new_decoder(
    core: Core,
    name: &str,
    settings: &CodecSettings,
) -> Result<FfiDecoderBox, Error> {
    let codec = codec(core, name)?;
    let inner = codec.record.object.decoder(settings).into_result()?;
    Ok(FfiDecoder_TO::from_value(
        Leased {
            inner,
            _lease: codec.lease(),
        },
        TD_Opaque,
    ))
}

pub extern "C" fn codec_encoder(
    ctx: HostCtx,
    name: RStr<'_>,
    settings: &CodecSettings,
) -> RResult<FfiEncoderBox, Error> {
    guard("codec_encoder", || {
        new_encoder(core(ctx), name.as_str(), settings)
    })
}

pub extern "C" fn codec_decoder(
    ctx: HostCtx,
    name: RStr<'_>,
    settings: &CodecSettings,
) -> RResult<FfiDecoderBox, Error> {
    guard("codec_decoder", || {
        new_decoder(core(ctx), name.as_str(), settings)
    })
}

fn format_for(
    core: Core,
    path: &str,
) -> Result<std::sync::Arc<Registered<ferroswitch_abi::FormatRecord>>, Error> {
    let extension = std::path::Path::new(path)
        .extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase())
        .ok_or_else(|| {
            Error::invalid_argument(format!("{path}: no file extension to choose a format by"))
        })?;
    let interfaces = core.inner().registry.read();
    interfaces
        .extensions
        .get(&extension)
        .and_then(|name| interfaces.formats.get(name))
        .cloned()
        .ok_or_else(|| {
            Error::not_found(format!(
                "{path}: no format module handles .{extension} files"
            ))
        })
}

pub extern "C" fn file_open_read(ctx: HostCtx, path: RStr<'_>) -> RResult<FfiFileReaderBox, Error> {
    guard("file_open_read", || {
        let format = format_for(core(ctx), path.as_str())?;
        let inner = format.record.object.open_read(path).into_result()?;
        Ok(FfiFileReader_TO::from_value(
            Leased {
                inner,
                _lease: format.lease(),
            },
            TD_Opaque,
        ))
    })
}

pub extern "C" fn file_open_write(
    ctx: HostCtx,
    path: RStr<'_>,
    spec: AudioSpec,
) -> RResult<FfiFileWriterBox, Error> {
    guard("file_open_write", || {
        let format = format_for(core(ctx), path.as_str())?;
        let inner = format.record.object.open_write(path, spec).into_result()?;
        Ok(FfiFileWriter_TO::from_value(
            Leased {
                inner,
                _lease: format.lease(),
            },
            TD_Opaque,
        ))
    })
}

pub extern "C" fn timer_start(
    ctx: HostCtx,
    name: RStr<'_>,
    interval_ms: u32,
    samples_per_tick: u32,
) -> RResult<FfiTimerInstanceBox, Error> {
    guard("timer_start", || {
        let timer = core(ctx)
            .inner()
            .registry
            .read()
            .timers
            .get(name.as_str())
            .cloned()
            .ok_or_else(|| {
                Error::not_found(format!("no timer named {} is loaded", name.as_str()))
            })?;
        let inner = timer
            .record
            .object
            .start(interval_ms, samples_per_tick)
            .into_result()?;
        // The calling thread will sleep on this timer's ticks.
        crate::threads::pace_by_timer();
        Ok(FfiTimerInstance_TO::from_value(
            Leased {
                inner,
                _lease: timer.lease(),
            },
            TD_Opaque,
        ))
    })
}
