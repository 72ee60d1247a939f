//! Turning any frame into mono linear samples: silence for comfort noise, a copy for linear
//! frames, a decoder for the rest.

use ferroswitch_abi::{Error, FrameFlags, FrameMeta};

use crate::core::Core;

use super::codecs::DecoderCache;
use super::linear::bytes_to_samples;

/// The most samples one frame can decode to: 60 ms of 48 kHz stereo.
pub const MAX_FRAME_SAMPLES: usize = 48 * 60 * 2;

/// Samples in one frame of `meta`'s rate and packet time (20 ms when it does not say).
pub fn frame_samples(meta: &FrameMeta) -> usize {
    let ptime = if meta.ptime_ms == 0 {
        20
    } else {
        meta.ptime_ms
    };
    meta.rate as usize * usize::from(ptime) / 1000
}

/// Decodes the frame `meta` + `payload` into `pcm` (cleared first) as mono samples at
/// `meta.rate`. `scratch` is working space kept by the caller between frames.
pub fn decode_frame(
    core: Core,
    decoders: &mut DecoderCache,
    fmtp: &str,
    meta: &FrameMeta,
    payload: &[u8],
    pcm: &mut Vec<i16>,
    scratch: &mut Vec<i16>,
) -> Result<(), Error> {
    pcm.clear();
    if meta.flags.contains(FrameFlags::CNG) || (payload.is_empty() && meta.len == 0) {
        pcm.resize(frame_samples(meta), 0);
        return Ok(());
    }
    let channels = usize::from(meta.channels.max(1));
    if meta.flags.contains(FrameFlags::LINEAR) {
        if channels == 1 {
            bytes_to_samples(payload, pcm);
            return Ok(());
        }
        scratch.clear();
        bytes_to_samples(payload, scratch);
    } else {
        // Sized once and never shrunk: zeroing 11 KiB per frame showed up in profiles.
        if scratch.len() < MAX_FRAME_SAMPLES {
            scratch.resize(MAX_FRAME_SAMPLES, 0);
        }
        let decoder = decoders.for_frame(core, meta, fmtp)?;
        let written = decoder
            .decode(payload.into(), scratch.as_mut_slice().into())
            .into_result()
            .map_err(|error| {
                Error::new(
                    error.kind,
                    format!(
                        "decoding a {} frame: {}",
                        meta.codec.as_str(),
                        error.message
                    ),
                )
            })?
            .min(MAX_FRAME_SAMPLES);
        if channels == 1 {
            pcm.extend_from_slice(&scratch[..written]);
            return Ok(());
        }
        downmix(&scratch[..written], channels, pcm);
        return Ok(());
    }
    downmix(scratch, channels, pcm);
    Ok(())
}

/// Averages interleaved `channels` into mono.
fn downmix(interleaved: &[i16], channels: usize, mono: &mut Vec<i16>) {
    mono.extend(interleaved.chunks_exact(channels).map(|frame| {
        let sum: i32 = frame.iter().map(|sample| i32::from(*sample)).sum();
        (sum / channels as i32) as i16
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_becomes_the_average_of_its_channels() {
        let mut mono = Vec::new();
        downmix(&[100, 300, -50, 50, i16::MAX, i16::MAX], 2, &mut mono);
        assert_eq!(mono, vec![200, 0, i16::MAX]);
    }

    #[test]
    fn a_frame_without_a_packet_time_counts_as_20_ms() {
        let meta = FrameMeta {
            codec: ferroswitch_abi::CodecName::new("PCMU"),
            len: 0,
            rate: 8000,
            channels: 1,
            ptime_ms: 0,
            flags: FrameFlags::CNG,
            timestamp: 0,
            seq: 0,
        };
        assert_eq!(frame_samples(&meta), 160);
    }
}
