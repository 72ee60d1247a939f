//! What one encoder is set to: this switch's [`OpusConfig`] narrowed by the far end's fmtp.
//!
//! The configuration says what this switch is willing to send; the negotiated fmtp says what
//! the far end can use. FEC and DTX are sent only when both sides want them, the bit rate
//! and audio bandwidth are the lower of the two limits, and either side asking for constant
//! bit rate gets it. Without a negotiated fmtp (a call leg with no SDP, a file) the
//! configuration applies alone.

use audiopus::{Bandwidth, Bitrate};

use crate::config::OpusConfig;
use crate::fmtp::RemoteFmtp;

/// The encoder controls for one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tuning {
    pub vbr: bool,
    pub complexity: u8,
    pub bitrate: Bitrate,
    pub max_bandwidth: Bandwidth,
    pub dtx: bool,
    pub inband_fec: bool,
    pub packet_loss_percent: u8,
}

impl Tuning {
    /// The controls for `config`, given the negotiated `fmtp` (empty when none was).
    pub fn new(config: &OpusConfig, fmtp: &str) -> Self {
        let negotiated = !fmtp.trim().is_empty();
        let remote = RemoteFmtp::parse(fmtp);
        // RFC 7587: an absent useinbandfec, usedtx or cbr means 0.
        let far_end_wants = |flag: Option<bool>| !negotiated || flag == Some(true);
        let bitrate = [
            Some(config.maxaveragebitrate).filter(|rate| *rate != 0),
            remote.maxaveragebitrate,
        ]
        .into_iter()
        .flatten()
        .min();
        let playback_rate = remote
            .maxplaybackrate
            .map_or(config.maxplaybackrate, |rate| {
                rate.min(config.maxplaybackrate)
            });
        Self {
            vbr: config.use_vbr && remote.cbr != Some(true),
            complexity: config.complexity,
            bitrate: bitrate.map_or(Bitrate::Auto, |rate| {
                // Within 6000..=510000 by construction, so the cast is exact.
                Bitrate::BitsPerSecond(rate as i32)
            }),
            max_bandwidth: bandwidth_for(playback_rate),
            dtx: config.use_dtx && far_end_wants(remote.usedtx),
            inband_fec: config.use_fec && far_end_wants(remote.useinbandfec),
            packet_loss_percent: config.packet_loss_percent,
        }
    }
}

/// The widest Opus audio bandwidth a listener playing at `rate` Hz can hear.
pub fn bandwidth_for(rate: u32) -> Bandwidth {
    match rate {
        0..=8000 => Bandwidth::Narrowband,
        8001..=12000 => Bandwidth::Mediumband,
        12001..=16000 => Bandwidth::Wideband,
        16001..=24000 => Bandwidth::Superwideband,
        _ => Bandwidth::Fullband,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_negotiation_the_configuration_applies() {
        let config = OpusConfig {
            use_dtx: true,
            ..OpusConfig::default()
        };
        let tuning = Tuning::new(&config, "");
        assert_eq!(
            tuning,
            Tuning {
                vbr: true,
                complexity: 10,
                bitrate: Bitrate::BitsPerSecond(30_000),
                max_bandwidth: Bandwidth::Fullband,
                dtx: true,
                inband_fec: true,
                packet_loss_percent: 10,
            }
        );
    }

    #[test]
    fn fec_and_dtx_need_both_sides() {
        let both = OpusConfig {
            use_dtx: true,
            use_fec: true,
            ..OpusConfig::default()
        };
        let tuning = Tuning::new(&both, "useinbandfec=1; usedtx=1");
        assert!(tuning.inband_fec && tuning.dtx);
        // An fmtp that does not mention them means 0.
        let tuning = Tuning::new(&both, "maxplaybackrate=48000");
        assert!(!tuning.inband_fec && !tuning.dtx);
        let tuning = Tuning::new(&both, "useinbandfec=0; usedtx=0");
        assert!(!tuning.inband_fec && !tuning.dtx);
        // The far end asking does not override this switch's refusal.
        let neither = OpusConfig {
            use_dtx: false,
            use_fec: false,
            ..OpusConfig::default()
        };
        let tuning = Tuning::new(&neither, "useinbandfec=1; usedtx=1");
        assert!(!tuning.inband_fec && !tuning.dtx);
    }

    #[test]
    fn limits_take_the_lower_side() {
        let config = OpusConfig::default();
        let tuning = Tuning::new(&config, "maxaveragebitrate=16000; maxplaybackrate=16000");
        assert_eq!(tuning.bitrate, Bitrate::BitsPerSecond(16_000));
        assert_eq!(tuning.max_bandwidth, Bandwidth::Wideband);
        let tuning = Tuning::new(&config, "maxaveragebitrate=64000; maxplaybackrate=8000");
        assert_eq!(tuning.bitrate, Bitrate::BitsPerSecond(30_000));
        assert_eq!(tuning.max_bandwidth, Bandwidth::Narrowband);

        let auto = OpusConfig {
            maxaveragebitrate: 0,
            maxplaybackrate: 24_000,
            ..OpusConfig::default()
        };
        assert_eq!(Tuning::new(&auto, "").bitrate, Bitrate::Auto);
        let tuning = Tuning::new(&auto, "maxaveragebitrate=40000; maxplaybackrate=48000");
        assert_eq!(tuning.bitrate, Bitrate::BitsPerSecond(40_000));
        assert_eq!(tuning.max_bandwidth, Bandwidth::Superwideband);
    }

    #[test]
    fn either_side_can_ask_for_constant_bit_rate() {
        let config = OpusConfig::default();
        assert!(Tuning::new(&config, "useinbandfec=1").vbr);
        assert!(!Tuning::new(&config, "cbr=1").vbr);
        let cbr = OpusConfig {
            use_vbr: false,
            ..OpusConfig::default()
        };
        assert!(!Tuning::new(&cbr, "cbr=0").vbr);
    }

    #[test]
    fn bandwidth_follows_the_playback_rate() {
        assert_eq!(bandwidth_for(8000), Bandwidth::Narrowband);
        assert_eq!(bandwidth_for(11025), Bandwidth::Mediumband);
        assert_eq!(bandwidth_for(16000), Bandwidth::Wideband);
        assert_eq!(bandwidth_for(22050), Bandwidth::Superwideband);
        assert_eq!(bandwidth_for(44100), Bandwidth::Fullband);
    }
}
