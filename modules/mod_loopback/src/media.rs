//! What a loopback pair carries: the first codec of its A leg's `absolute_codec_string` or
//! `codec_string` that is loaded, or linear audio when neither is set.

use ferroswitch_abi::codec_string::parse_codec_string;
use ferroswitch_abi::prelude::*;
use ferroswitch_abi::{CodecName, FrameFlags, FrameMeta, MediaParams};

/// The codecs the channel's variables ask for, in order of preference; empty when they ask
/// for none.
pub fn requested(session: &Session) -> Result<Vec<MediaParams>, Error> {
    let Some(text) = ["absolute_codec_string", "codec_string"]
        .iter()
        .find_map(|name| {
            session
                .variable(name)
                .filter(|value| !value.trim().is_empty())
        })
    else {
        return Ok(Vec::new());
    };
    let specs = parse_codec_string(&text).map_err(|reason| {
        Error::invalid_argument(reason).with_cause(HangupCause::INCOMPATIBLE_DESTINATION)
    })?;
    Ok(specs
        .iter()
        .map(|spec| MediaParams {
            codec: spec.name.as_str().into(),
            rate: spec.rate.unwrap_or(0),
            channels: spec.channels.unwrap_or(1),
            ptime_ms: spec.ptime_ms.unwrap_or(0),
            fmtp: RString::new(),
        })
        .collect())
}

/// Declares the first of `wanted` the core can carry (its codec module is loaded, at that
/// rate): a codec that is not loaded is never chosen. None: the leg fails with
/// INCOMPATIBLE_DESTINATION, saying why each was refused.
pub fn choose(session: &Session, wanted: &[MediaParams]) -> Result<(), Error> {
    let mut refusals = Vec::new();
    for params in wanted {
        match session.set_media(params) {
            Ok(()) => return Ok(()),
            Err(error) => refusals.push(error.message.to_string()),
        }
    }
    Err(Error::new(
        ErrorKind::NOT_FOUND,
        format!(
            "loopback cannot carry any of its codecs: {}",
            refusals.join("; ")
        ),
    )
    .with_cause(HangupCause::INCOMPATIBLE_DESTINATION))
}

/// A frame of comfort noise in the pair's format.
pub fn silence(params: &MediaParams) -> FrameMeta {
    let (codec, flags) = if params.is_linear() {
        ("L16", FrameFlags(FrameFlags::CNG.0 | FrameFlags::LINEAR.0))
    } else {
        (params.codec.as_str(), FrameFlags::CNG)
    };
    FrameMeta {
        codec: CodecName::new(codec),
        len: 0,
        rate: params.rate,
        channels: params.channels.max(1),
        ptime_ms: params.ptime_ms.min(255) as u8,
        flags,
        timestamp: 0,
        seq: 0,
    }
}
