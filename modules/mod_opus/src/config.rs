//! `opus.conf`: the encoder settings this switch uses, and the fmtp it offers from them.
//!
//! ```xml
//! <configuration name="opus.conf" description="Opus codec">
//!   <settings>
//!     <param name="use-vbr" value="true"/>
//!     <param name="complexity" value="10"/>
//!     <param name="maxaveragebitrate" value="30000"/>
//!     <param name="maxplaybackrate" value="48000"/>
//!     <param name="use-dtx" value="false"/>
//!     <param name="use-fec" value="true"/>
//!     <param name="packet-loss-percent" value="10"/>
//!   </settings>
//! </configuration>
//! ```

use ferroswitch_abi::xml::{describe, parse_bool, settings_params, InvalidValue, XmlNode};

/// The bit rates RFC 7587 allows for `maxaveragebitrate`.
pub const BITRATE_RANGE: std::ops::RangeInclusive<u32> = 6000..=510_000;
/// The rates Opus runs at, which `maxplaybackrate` may name.
pub const OPUS_RATES: [u32; 5] = [8000, 12000, 16000, 24000, 48000];

/// The whole of `opus.conf`, with FreeSWITCH's parameter names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpusConfig {
    /// `use-vbr`: variable bit rate (default `true`); `false` sends constant bit rate and
    /// offers `cbr=1`.
    pub use_vbr: bool,
    /// `complexity`: 0 (cheapest) to 10 (best quality, the default).
    pub complexity: u8,
    /// `maxaveragebitrate`: the highest average bit rate sent, 6000 to 510000, and offered
    /// so the far end sends no more; 0 leaves it to libopus and offers none. Default 30000.
    pub maxaveragebitrate: u32,
    /// `maxplaybackrate`: the highest audio rate worth sending, one of 8000, 12000, 16000,
    /// 24000, 48000 (the default); it caps the encoder's audio bandwidth and is offered.
    pub maxplaybackrate: u32,
    /// `use-dtx`: discontinuous transmission, near-empty packets during silence (default
    /// `false`). Offered as `usedtx`.
    pub use_dtx: bool,
    /// `use-fec`: in-band forward error correction (default `true`). Offered as
    /// `useinbandfec`; sent when the far end offers it too.
    pub use_fec: bool,
    /// `packet-loss-percent`: the loss, 0 to 100, the encoder plans for (default 10). With
    /// FEC on, libopus adds redundancy only when this is above 0.
    pub packet_loss_percent: u8,
}

impl Default for OpusConfig {
    fn default() -> Self {
        Self {
            use_vbr: true,
            complexity: 10,
            maxaveragebitrate: 30_000,
            maxplaybackrate: 48_000,
            use_dtx: false,
            use_fec: true,
            packet_loss_percent: 10,
        }
    }
}

impl OpusConfig {
    /// Reads a `<configuration name="opus.conf">` element, starting from the defaults.
    /// Parameters it does not know come back as warnings; a value it refuses is an
    /// [`InvalidValue`] naming the file, the line, the element and the reason.
    pub fn from_xml(conf: &XmlNode) -> Result<(Self, Vec<String>), InvalidValue> {
        let mut config = Self::default();
        let mut warnings = Vec::new();
        for (param, name, value) in settings_params(conf) {
            match name {
                "use-vbr" => config.use_vbr = parse_bool(param, value)?,
                "use-dtx" => config.use_dtx = parse_bool(param, value)?,
                "use-fec" => config.use_fec = parse_bool(param, value)?,
                "complexity" => config.complexity = number_in(param, value, 0, 10)?,
                "packet-loss-percent" => {
                    config.packet_loss_percent = number_in(param, value, 0, 100)?;
                }
                "maxaveragebitrate" => {
                    config.maxaveragebitrate = value
                        .parse()
                        .ok()
                        .filter(|rate| *rate == 0 || BITRATE_RANGE.contains(rate))
                        .ok_or_else(|| {
                            InvalidValue::new(
                                param,
                                format!(
                                    "\"{value}\" is not a bit rate from 6000 to 510000 \
                                     (or 0 to leave it to libopus)"
                                ),
                            )
                        })?;
                }
                "maxplaybackrate" => {
                    config.maxplaybackrate = value
                        .parse()
                        .ok()
                        .filter(|rate| OPUS_RATES.contains(rate))
                        .ok_or_else(|| {
                            InvalidValue::new(
                                param,
                                format!(
                                    "\"{value}\" is not an Opus rate \
                                     (8000, 12000, 16000, 24000 or 48000)"
                                ),
                            )
                        })?;
                }
                _ => warnings.push(format!(
                    "{}: {}: unknown opus.conf parameter, ignored",
                    param.origin,
                    describe(param)
                )),
            }
        }
        Ok((config, warnings))
    }

    /// The fmtp this switch offers in SDP (RFC 7587 §6.1): what it wants to receive.
    pub fn fmtp(&self) -> String {
        let mut fmtp = format!(
            "useinbandfec={}; usedtx={}",
            u8::from(self.use_fec),
            u8::from(self.use_dtx)
        );
        if self.maxaveragebitrate != 0 {
            fmtp.push_str(&format!("; maxaveragebitrate={}", self.maxaveragebitrate));
        }
        fmtp.push_str(&format!("; maxplaybackrate={}", self.maxplaybackrate));
        if !self.use_vbr {
            fmtp.push_str("; cbr=1");
        }
        fmtp
    }
}

fn number_in(param: &XmlNode, value: &str, low: u8, high: u8) -> Result<u8, InvalidValue> {
    value
        .parse()
        .ok()
        .filter(|number| (low..=high).contains(number))
        .ok_or_else(|| {
            InvalidValue::new(
                param,
                format!("\"{value}\" is not a whole number from {low} to {high}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(params: &str) -> Result<(OpusConfig, Vec<String>), InvalidValue> {
        let text = format!(
            "<configuration name=\"opus.conf\">\n<settings>\n{params}\n</settings>\n</configuration>"
        );
        let conf = XmlNode::parse_str(&text, "opus.conf.xml").expect("well-formed test XML");
        OpusConfig::from_xml(&conf)
    }

    #[test]
    fn reads_every_parameter() {
        let (config, warnings) = parse(
            r#"<param name="use-vbr" value="false"/>
               <param name="complexity" value="3"/>
               <param name="maxaveragebitrate" value="24000"/>
               <param name="maxplaybackrate" value="16000"/>
               <param name="use-dtx" value="true"/>
               <param name="use-fec" value="false"/>
               <param name="packet-loss-percent" value="0"/>"#,
        )
        .expect("valid");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            config,
            OpusConfig {
                use_vbr: false,
                complexity: 3,
                maxaveragebitrate: 24_000,
                maxplaybackrate: 16_000,
                use_dtx: true,
                use_fec: false,
                packet_loss_percent: 0,
            }
        );
        assert_eq!(
            config.fmtp(),
            "useinbandfec=0; usedtx=1; maxaveragebitrate=24000; maxplaybackrate=16000; cbr=1"
        );
    }

    #[test]
    fn defaults_offer_fec_and_the_bit_rate() {
        let (config, _) = parse("").expect("valid");
        assert_eq!(config, OpusConfig::default());
        assert_eq!(
            config.fmtp(),
            "useinbandfec=1; usedtx=0; maxaveragebitrate=30000; maxplaybackrate=48000"
        );
        let (auto, _) = parse(r#"<param name="maxaveragebitrate" value="0"/>"#).expect("valid");
        assert_eq!(
            auto.fmtp(),
            "useinbandfec=1; usedtx=0; maxplaybackrate=48000"
        );
    }

    #[test]
    fn the_shipped_file_holds_the_defaults() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../conf/autoload_configs/opus.conf.xml"
        );
        let text = std::fs::read_to_string(path).expect("conf/ ships opus.conf.xml");
        let conf = XmlNode::parse_str(&text, path).expect("well-formed");
        let (config, warnings) = OpusConfig::from_xml(&conf).expect("valid");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config, OpusConfig::default());
    }

    #[test]
    fn bad_values_name_file_line_and_reason() {
        let cases = [
            (
                r#"<param name="use-vbr" value="sometimes"/>"#,
                "\"sometimes\" is not a boolean",
            ),
            (r#"<param name="use-dtx" value=""/>"#, "is not a boolean"),
            (
                r#"<param name="use-fec" value="maybe"/>"#,
                "\"maybe\" is not a boolean",
            ),
            (
                r#"<param name="complexity" value="11"/>"#,
                "\"11\" is not a whole number from 0 to 10",
            ),
            (r#"<param name="complexity" value="high"/>"#, "\"high\""),
            (
                r#"<param name="packet-loss-percent" value="101"/>"#,
                "from 0 to 100",
            ),
            (
                r#"<param name="packet-loss-percent" value="-1"/>"#,
                "\"-1\"",
            ),
            (
                r#"<param name="maxaveragebitrate" value="5999"/>"#,
                "from 6000 to 510000",
            ),
            (
                r#"<param name="maxaveragebitrate" value="600000"/>"#,
                "\"600000\"",
            ),
            (
                r#"<param name="maxplaybackrate" value="44100"/>"#,
                "\"44100\" is not an Opus rate",
            ),
        ];
        for (param, reason) in cases {
            let error = parse(param).expect_err(param).to_string();
            assert!(
                error.starts_with("opus.conf.xml:3: <param name="),
                "{error}"
            );
            assert!(error.contains(reason), "{param}: {error}");
        }
    }

    #[test]
    fn unknown_parameters_warn_with_their_line() {
        let (config, warnings) = parse(
            r#"<param name="complexity" value="5"/>
<param name="keep-fec-enabled" value="1"/>"#,
        )
        .expect("valid");
        assert_eq!(config.complexity, 5);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("opus.conf.xml:4: "), "{warnings:?}");
        assert!(warnings[0].contains("keep-fec-enabled"), "{warnings:?}");
    }
}
