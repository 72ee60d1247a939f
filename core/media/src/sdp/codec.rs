//! Codecs as offer/answer sees them: an encoding name, clock rate and
//! channel count (what identifies a codec across the two sides) and a
//! payload type (which is only a local label).

use super::MediaDescription;

/// One codec as SDP describes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Codec {
    /// Encoding name as in `rtpmap` (`PCMU`, `opus`, ...); compared without case.
    pub name: String,
    pub payload_type: u8,
    /// The RTP clock rate SDP writes (8000 for G.722, by RFC 3551's quirk).
    pub clock_rate: u32,
    pub channels: u16,
    /// `fmtp` parameters, if any.
    pub fmtp: Option<String>,
}

impl Codec {
    pub fn new(name: &str, payload_type: u8, clock_rate: u32) -> Self {
        Codec {
            name: name.to_owned(),
            payload_type,
            clock_rate,
            channels: 1,
            fmtp: None,
        }
    }

    pub fn with_channels(mut self, channels: u16) -> Self {
        self.channels = channels;
        self
    }

    pub fn with_fmtp(mut self, fmtp: &str) -> Self {
        self.fmtp = Some(fmtp.to_owned());
        self
    }

    /// G.711 µ-law, static payload type 0.
    pub fn pcmu() -> Self {
        Codec::new("PCMU", 0, 8000)
    }

    /// G.711 A-law, static payload type 8.
    pub fn pcma() -> Self {
        Codec::new("PCMA", 8, 8000)
    }

    /// Same codec: name (without case), clock rate and channels. Payload
    /// types do not matter: each side labels codecs as it likes.
    pub fn same_codec(&self, other: &Codec) -> bool {
        self.name.eq_ignore_ascii_case(&other.name)
            && self.clock_rate == other.clock_rate
            && self.channels == other.channels
    }

    pub fn is_telephone_event(&self) -> bool {
        self.name.eq_ignore_ascii_case("telephone-event")
    }

    /// `PCMU/8000` or `opus/48000/2`, for messages.
    pub fn describe(&self) -> String {
        if self.channels == 1 {
            format!("{}/{}", self.name, self.clock_rate)
        } else {
            format!("{}/{}/{}", self.name, self.clock_rate, self.channels)
        }
    }

    /// The codec a payload type of a media line stands for: its `rtpmap`,
    /// or the static assignment of RFC 3551 when there is none.
    pub fn from_media(media: &MediaDescription, payload_type: u8) -> Option<Codec> {
        let mut codec = match media.rtpmap(payload_type) {
            Some(map) => Codec {
                name: map.encoding.clone(),
                payload_type,
                clock_rate: map.clock_rate,
                channels: map.channels.unwrap_or(1),
                fmtp: None,
            },
            None => static_payload_type(payload_type)?,
        };
        codec.fmtp = media.fmtp(payload_type).map(str::to_owned);
        Some(codec)
    }
}

/// RFC 3551 §6 static audio payload types.
pub fn static_payload_type(payload_type: u8) -> Option<Codec> {
    let (name, clock_rate, channels) = match payload_type {
        0 => ("PCMU", 8000, 1),
        3 => ("GSM", 8000, 1),
        4 => ("G723", 8000, 1),
        5 => ("DVI4", 8000, 1),
        6 => ("DVI4", 16000, 1),
        7 => ("LPC", 8000, 1),
        8 => ("PCMA", 8000, 1),
        9 => ("G722", 8000, 1),
        10 => ("L16", 44100, 2),
        11 => ("L16", 44100, 1),
        12 => ("QCELP", 8000, 1),
        13 => ("CN", 8000, 1),
        14 => ("MPA", 90000, 1),
        15 => ("G728", 8000, 1),
        16 => ("DVI4", 11025, 1),
        17 => ("DVI4", 22050, 1),
        18 => ("G729", 8000, 1),
        _ => return None,
    };
    Some(Codec::new(name, payload_type, clock_rate).with_channels(channels))
}
