//! From `codec-prefs` to what offer/answer works with, and from what it agreed to what the
//! core and the RTP engine are told.

use std::net::SocketAddr;

use ferroswitch_abi::MediaParams;
use ferroswitch_media::sdp::{Codec, Direction, LocalMedia, Negotiated};

use crate::media::NegotiatedMedia;

/// The telephone-event payload type we offer (FreeSWITCH's default `rfc2833-pt`).
pub const TELEPHONE_EVENT_PT: u8 = 101;
/// The packet time we ask for.
pub const PTIME_MS: u16 = 20;

/// The SDP form of codec `name` as `codec-prefs` spells it; `None` for a codec this module
/// cannot describe in SDP.
pub fn sdp_codec(name: &str) -> Option<Codec> {
    let codec = match name.to_ascii_uppercase().as_str() {
        "PCMU" => Codec::pcmu(),
        "PCMA" => Codec::pcma(),
        "G722" => Codec::new("G722", 9, 8000),
        "GSM" => Codec::new("GSM", 3, 8000),
        "OPUS" => Codec::new("opus", 102, 48000).with_channels(2),
        "L16" => Codec::new("L16", 103, 8000),
        _ => return None,
    };
    Some(codec)
}

/// The codecs to offer and accept: the preferences, less those the core has no codec module
/// for. When no preferred codec is loaded at all, the preferences stand unfiltered and the
/// leg carries signalling only (the core is then not told a codec it cannot open).
pub fn usable_codecs(prefs: &[String], loaded: &[String]) -> (Vec<Codec>, bool) {
    let is_loaded = |name: &str| loaded.iter().any(|l| l.eq_ignore_ascii_case(name));
    let filtered: Vec<Codec> = prefs
        .iter()
        .filter(|name| is_loaded(name))
        .filter_map(|name| sdp_codec(name))
        .collect();
    if filtered.is_empty() {
        (
            prefs.iter().filter_map(|name| sdp_codec(name)).collect(),
            false,
        )
    } else {
        (filtered, true)
    }
}

/// What we offer and answer with.
pub fn local_media(rtp: SocketAddr, codecs: Vec<Codec>) -> LocalMedia {
    LocalMedia {
        address: rtp.ip(),
        port: rtp.port(),
        codecs,
        telephone_event: Some(TELEPHONE_EVENT_PT),
        ptime: Some(u32::from(PTIME_MS)),
        direction: Direction::SendRecv,
        rtcp_mux: false,
    }
}

/// The audio sample rate of a codec (G.722 writes 8000 in SDP but samples at 16 kHz).
fn sample_rate(codec: &Codec) -> u32 {
    if codec.name.eq_ignore_ascii_case("G722") {
        16000
    } else {
        codec.clock_rate
    }
}

fn ptime(negotiated: &Negotiated) -> u16 {
    negotiated
        .remote_ptime
        .and_then(|p| u16::try_from(p).ok())
        .filter(|p| *p > 0)
        .unwrap_or(PTIME_MS)
}

/// What the RTP engine needs; `None` while the peer holds with no address.
pub fn negotiated_media(negotiated: &Negotiated) -> Option<NegotiatedMedia> {
    Some(NegotiatedMedia {
        remote: negotiated.remote_rtp?,
        payload_type: negotiated.codec.payload_type,
        codec: negotiated.codec.name.clone(),
        clock_rate: negotiated.codec.clock_rate,
        rate: sample_rate(&negotiated.codec),
        ptime_ms: ptime(negotiated),
        telephone_event_pt: negotiated.telephone_event,
    })
}

/// What the core is told the leg speaks.
pub fn media_params(negotiated: &Negotiated) -> MediaParams {
    MediaParams {
        codec: negotiated.codec.name.as_str().into(),
        rate: sample_rate(&negotiated.codec),
        channels: negotiated.codec.channels.min(2) as u8,
        ptime_ms: ptime(negotiated),
        fmtp: negotiated.codec.fmtp.clone().unwrap_or_default().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_are_filtered_to_loaded_codecs_unless_none_is_loaded() {
        let prefs: Vec<String> = ["PCMU", "PCMA", "opus"].map(String::from).to_vec();
        let (codecs, loaded) = usable_codecs(&prefs, &["PCMA".into(), "L16".into()]);
        assert!(loaded);
        assert_eq!(codecs, vec![Codec::pcma()]);
        let (codecs, loaded) = usable_codecs(&prefs, &[]);
        assert!(!loaded, "signalling only");
        assert_eq!(codecs.len(), 3);
    }
}
