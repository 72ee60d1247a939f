//! The far end's Opus fmtp (RFC 7587 §6.1), as negotiated in SDP: what it wants to receive.
//!
//! This text comes from the network, so parsing never fails: a parameter that is malformed
//! or out of range is ignored, as the RFC asks ("values outside the range SHOULD be
//! ignored"), and unknown parameters are skipped.

use crate::config::{BITRATE_RANGE, OPUS_RATES};

/// The parameters of a received fmtp that shape what the encoder sends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RemoteFmtp {
    /// `useinbandfec`: the far end's decoder uses in-band FEC (absent means 0).
    pub useinbandfec: Option<bool>,
    /// `usedtx`: the far end prefers discontinuous transmission (absent means 0).
    pub usedtx: Option<bool>,
    /// `cbr`: the far end prefers constant bit rate (absent means 0).
    pub cbr: Option<bool>,
    /// `maxaveragebitrate`: the most the far end wants to receive, in bit/s.
    pub maxaveragebitrate: Option<u32>,
    /// `maxplaybackrate`: the highest audio rate the far end will play.
    pub maxplaybackrate: Option<u32>,
}

impl RemoteFmtp {
    /// Parses `name=value` pairs separated by `;`, names in any case.
    pub fn parse(fmtp: &str) -> Self {
        let mut remote = Self::default();
        for pair in fmtp.split(';') {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim());
            let flag = || match value {
                "0" => Some(false),
                "1" => Some(true),
                _ => None,
            };
            let number = || value.parse::<u32>().ok();
            if name.eq_ignore_ascii_case("useinbandfec") {
                remote.useinbandfec = flag().or(remote.useinbandfec);
            } else if name.eq_ignore_ascii_case("usedtx") {
                remote.usedtx = flag().or(remote.usedtx);
            } else if name.eq_ignore_ascii_case("cbr") {
                remote.cbr = flag().or(remote.cbr);
            } else if name.eq_ignore_ascii_case("maxaveragebitrate") {
                remote.maxaveragebitrate = number()
                    .filter(|rate| BITRATE_RANGE.contains(rate))
                    .or(remote.maxaveragebitrate);
            } else if name.eq_ignore_ascii_case("maxplaybackrate") {
                // Any rate is meaningful here: it caps the bandwidth at the next Opus rate
                // down (RFC 7587 gives 8000 to 48000 as examples, not a list).
                remote.maxplaybackrate = number()
                    .filter(|rate| *rate >= OPUS_RATES[0])
                    .or(remote.maxplaybackrate);
            }
        }
        remote
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_typical_offer() {
        let remote = RemoteFmtp::parse(
            "minptime=10; useinbandfec=1; usedtx=0; maxaveragebitrate=20000; MaxPlaybackRate=16000",
        );
        assert_eq!(
            remote,
            RemoteFmtp {
                useinbandfec: Some(true),
                usedtx: Some(false),
                cbr: None,
                maxaveragebitrate: Some(20_000),
                maxplaybackrate: Some(16_000),
            }
        );
        assert_eq!(RemoteFmtp::parse("cbr=1;stereo=1").cbr, Some(true));
    }

    #[test]
    fn garbage_and_out_of_range_values_are_ignored() {
        for fmtp in [
            "",
            ";;;",
            "useinbandfec",
            "=1",
            "useinbandfec=yes; usedtx=2; cbr=-1",
            "maxaveragebitrate=5999; maxplaybackrate=4000",
            "maxaveragebitrate=99999999999999999999; maxplaybackrate=x",
            "\u{0}=\u{0}; é=ü",
        ] {
            assert_eq!(RemoteFmtp::parse(fmtp), RemoteFmtp::default(), "{fmtp:?}");
        }
    }

    #[test]
    fn a_bad_repeat_keeps_the_good_value() {
        let remote = RemoteFmtp::parse("maxaveragebitrate=12000; maxaveragebitrate=1");
        assert_eq!(remote.maxaveragebitrate, Some(12_000));
    }
}
