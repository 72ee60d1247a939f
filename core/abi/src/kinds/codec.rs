//! Codecs: encode and decode one codec family, with one encoder/decoder instance per call.

use abi_stable::{
    sabi_trait,
    std_types::{RBox, ROption, RResult, RSlice, RSliceMut, RString, RVec},
    StableAbi,
};

use crate::{guard::guard, Error};

/// One rate / channel layout a codec supports.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct CodecImplementation {
    /// Samples per second of the audio it encodes (8000, 16000, 48000).
    pub samples_per_second: u32,
    /// The RTP clock rate it advertises (G.722: 8000 for 16 kHz audio).
    pub clock_rate: u32,
    /// Audio channels.
    pub channels: u8,
    /// Packet times it supports, in milliseconds.
    pub ptimes_ms: RVec<u16>,
    /// Bits per second at the default settings.
    pub bits_per_second: u32,
}

/// What `show codec` lists and SDP offers.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct CodecDesc {
    /// The codec's name as dialplans and `codec-prefs` spell it (`PCMU`, `opus`).
    pub name: RString,
    /// The RTP/SDP encoding name (`PCMU`, `opus`).
    pub encoding_name: RString,
    /// The static RTP payload type, if it has one.
    pub payload_type: ROption<u8>,
    /// Default fmtp parameters for SDP, empty if none.
    pub fmtp: RString,
    /// The rates and layouts it supports.
    pub implementations: RVec<CodecImplementation>,
}

/// The settings one encoder or decoder instance is made for.
#[repr(C)]
#[derive(StableAbi, Clone, Debug, PartialEq, Eq)]
pub struct CodecSettings {
    pub samples_per_second: u32,
    pub channels: u8,
    pub ptime_ms: u16,
    /// Negotiated fmtp parameters, empty if none.
    pub fmtp: RString,
}

/// A codec factory, as a module author writes it.
pub trait Codec: Send + Sync + 'static {
    /// A new encoder for one call.
    fn encoder(&self, settings: &CodecSettings) -> Result<Box<dyn Encoder>, Error>;
    /// A new decoder for one call.
    fn decoder(&self, settings: &CodecSettings) -> Result<Box<dyn Decoder>, Error>;
}

/// One call's encoder.
pub trait Encoder: Send + 'static {
    /// Encodes interleaved 16-bit samples into `out`, returning the bytes written. Must
    /// check that `out` is large enough and fail, not panic, when it is not.
    fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> Result<usize, Error>;
}

/// One call's decoder.
pub trait Decoder: Send + 'static {
    /// Decodes `payload` into interleaved samples in `pcm`, returning the samples written.
    fn decode(&mut self, payload: &[u8], pcm: &mut [i16]) -> Result<usize, Error>;
    /// Fills `pcm` for a lost packet (concealment), returning the samples written. The
    /// default writes silence.
    fn conceal(&mut self, pcm: &mut [i16]) -> Result<usize, Error> {
        pcm.fill(0);
        Ok(pcm.len())
    }
}

/// The FFI-safe form of [`Codec`].
#[sabi_trait]
pub trait FfiCodec: Send + Sync {
    fn encoder(&self, settings: &CodecSettings) -> RResult<FfiEncoderBox, Error>;
    fn decoder(&self, settings: &CodecSettings) -> RResult<FfiDecoderBox, Error>;
}

/// The FFI-safe form of [`Encoder`].
#[sabi_trait]
pub trait FfiEncoder: Send {
    fn encode(&mut self, pcm: RSlice<'_, i16>, out: RSliceMut<'_, u8>) -> RResult<usize, Error>;
}

/// The FFI-safe form of [`Decoder`].
#[sabi_trait]
pub trait FfiDecoder: Send {
    fn decode(&mut self, payload: RSlice<'_, u8>, pcm: RSliceMut<'_, i16>)
        -> RResult<usize, Error>;
    fn conceal(&mut self, pcm: RSliceMut<'_, i16>) -> RResult<usize, Error>;
}

/// An owned FFI codec object.
pub type FfiCodecBox = FfiCodec_TO<'static, RBox<()>>;
/// An owned FFI encoder instance.
pub type FfiEncoderBox = FfiEncoder_TO<'static, RBox<()>>;
/// An owned FFI decoder instance.
pub type FfiDecoderBox = FfiDecoder_TO<'static, RBox<()>>;

struct Guarded<T>(T);

impl<C: Codec> FfiCodec for Guarded<C> {
    fn encoder(&self, settings: &CodecSettings) -> RResult<FfiEncoderBox, Error> {
        guard("codec encoder", || {
            let encoder = self.0.encoder(settings)?;
            Ok(FfiEncoder_TO::from_value(
                Guarded(encoder),
                abi_stable::sabi_trait::TD_Opaque,
            ))
        })
    }

    fn decoder(&self, settings: &CodecSettings) -> RResult<FfiDecoderBox, Error> {
        guard("codec decoder", || {
            let decoder = self.0.decoder(settings)?;
            Ok(FfiDecoder_TO::from_value(
                Guarded(decoder),
                abi_stable::sabi_trait::TD_Opaque,
            ))
        })
    }
}

impl FfiEncoder for Guarded<Box<dyn Encoder>> {
    fn encode(
        &mut self,
        pcm: RSlice<'_, i16>,
        mut out: RSliceMut<'_, u8>,
    ) -> RResult<usize, Error> {
        guard("encoder", || {
            self.0.encode(pcm.as_slice(), out.as_mut_slice())
        })
    }
}

impl FfiDecoder for Guarded<Box<dyn Decoder>> {
    fn decode(
        &mut self,
        payload: RSlice<'_, u8>,
        mut pcm: RSliceMut<'_, i16>,
    ) -> RResult<usize, Error> {
        guard("decoder", || {
            self.0.decode(payload.as_slice(), pcm.as_mut_slice())
        })
    }

    fn conceal(&mut self, mut pcm: RSliceMut<'_, i16>) -> RResult<usize, Error> {
        guard("decoder", || self.0.conceal(pcm.as_mut_slice()))
    }
}

/// A codec ready to register.
#[repr(C)]
#[derive(StableAbi)]
pub struct CodecRecord {
    pub desc: CodecDesc,
    pub object: FfiCodecBox,
}

impl CodecRecord {
    /// Wraps `codec` so that every call, and every instance it makes, is panic-contained.
    pub fn new(desc: CodecDesc, codec: impl Codec) -> Self {
        Self {
            desc,
            object: FfiCodec_TO::from_value(Guarded(codec), abi_stable::sabi_trait::TD_Opaque),
        }
    }
}
