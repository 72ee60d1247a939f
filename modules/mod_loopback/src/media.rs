//! What a loopback pair carries: the codec its A leg's `absolute_codec_string` or
//! `codec_string` asks for (the first entry), or linear audio when neither is set.

use ferroswitch_abi::codec_string::parse_codec_string;
use ferroswitch_abi::prelude::*;
use ferroswitch_abi::{CodecName, FrameFlags, FrameMeta, MediaParams};

/// The codec the channel's variables ask for; `None` when they ask for none.
pub fn requested(session: &Session) -> Result<Option<MediaParams>, Error> {
    let Some(text) = ["absolute_codec_string", "codec_string"]
        .iter()
        .find_map(|name| {
            session
                .variable(name)
                .filter(|value| !value.trim().is_empty())
        })
    else {
        return Ok(None);
    };
    let specs = parse_codec_string(&text).map_err(|reason| {
        Error::invalid_argument(reason).with_cause(HangupCause::INCOMPATIBLE_DESTINATION)
    })?;
    Ok(specs.first().map(|spec| MediaParams {
        codec: spec.name.as_str().into(),
        rate: spec.rate.unwrap_or(0),
        channels: spec.channels.unwrap_or(1),
        ptime_ms: spec.ptime_ms.unwrap_or(0),
        fmtp: RString::new(),
    }))
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
