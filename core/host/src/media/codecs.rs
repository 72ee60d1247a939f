//! The codec instances one direction of a channel's media uses, made on first need and kept
//! for the call (each leases its codec module, so the module stays loaded while in use).

use ferroswitch_abi::{CodecSettings, Error, FfiDecoderBox, FfiEncoderBox, FrameMeta, MediaParams};

use crate::core::Core;
use crate::host_table::media::{new_decoder, new_encoder};

/// What one decoder instance is made for.
#[derive(Clone, PartialEq, Eq)]
struct DecoderKey {
    codec: ferroswitch_abi::CodecName,
    rate: u32,
    channels: u8,
    ptime_ms: u8,
}

/// Decoders by the frames they decode. A channel sees one or two codecs in a call (its own,
/// and a bridged peer's), so a short list beats a map.
#[derive(Default)]
pub struct DecoderCache {
    decoders: Vec<(DecoderKey, FfiDecoderBox)>,
}

/// How many codecs' decoders one direction keeps before it drops the oldest.
const MAX_DECODERS: usize = 4;

impl DecoderCache {
    /// The decoder for frames like `meta`, made with `fmtp` the first time.
    pub fn for_frame(
        &mut self,
        core: Core,
        meta: &FrameMeta,
        fmtp: &str,
    ) -> Result<&mut FfiDecoderBox, Error> {
        let key = DecoderKey {
            codec: meta.codec,
            rate: meta.rate,
            channels: meta.channels.max(1),
            ptime_ms: meta.ptime_ms,
        };
        let index = match self.decoders.iter().position(|(have, _)| *have == key) {
            Some(index) => index,
            None => {
                let decoder = new_decoder(
                    core,
                    meta.codec.as_str(),
                    &CodecSettings {
                        samples_per_second: key.rate,
                        channels: key.channels,
                        ptime_ms: u16::from(key.ptime_ms),
                        fmtp: fmtp.into(),
                    },
                )?;
                if self.decoders.len() == MAX_DECODERS {
                    self.decoders.remove(0);
                }
                self.decoders.push((key, decoder));
                self.decoders.len() - 1
            }
        };
        Ok(&mut self.decoders[index].1)
    }

    /// Forgets every decoder (the channel's codec changed).
    pub fn clear(&mut self) {
        self.decoders.clear();
    }
}

/// Makes the encoder for `settings` of codec `name`.
pub fn encoder(core: Core, name: &str, settings: &CodecSettings) -> Result<FfiEncoderBox, Error> {
    new_encoder(core, name, settings)
}

/// Fills in what `params` leaves open from the codec's registration: rate 0 takes its first
/// implementation's, packet time 0 takes 20 ms (or its first). A rate it does not implement
/// is refused, naming the ones it does.
pub fn resolve(core: Core, params: &MediaParams) -> Result<MediaParams, Error> {
    let mut resolved = params.clone();
    if params.is_linear() {
        if resolved.rate == 0 {
            resolved.rate = 8000;
        }
        if resolved.ptime_ms == 0 {
            resolved.ptime_ms = 20;
        }
        return Ok(resolved);
    }
    let codec = core
        .inner()
        .registry
        .read()
        .codecs
        .get(&params.codec.to_ascii_lowercase())
        .cloned()
        .ok_or_else(|| Error::not_found(format!("no codec named {} is loaded", params.codec)))?;
    let implementations = &codec.record.desc.implementations;
    let implementation = implementations
        .iter()
        .find(|implementation| {
            (params.rate == 0 || implementation.samples_per_second == params.rate)
                && (params.channels == 0 || implementation.channels >= params.channels)
        })
        .ok_or_else(|| {
            let rates: Vec<String> = implementations
                .iter()
                .map(|implementation| implementation.samples_per_second.to_string())
                .collect();
            Error::not_found(format!(
                "codec {} does not run at {} Hz (it does at {})",
                params.codec,
                params.rate,
                rates.join(", ")
            ))
        })?;
    resolved.rate = implementation.samples_per_second;
    resolved.channels = params.channels.max(1);
    if resolved.ptime_ms == 0 {
        resolved.ptime_ms = if implementation.ptimes_ms.contains(&20) {
            20
        } else {
            implementation.ptimes_ms.first().copied().unwrap_or(20)
        };
    }
    // The name as the module registered it, so frames compare equal whatever case the
    // dialplan used.
    resolved.codec = codec.record.desc.name.clone();
    Ok(resolved)
}
