//! `console.conf`: the console's level, colours and per-module mappings.
//!
//! ```xml
//! <configuration name="console.conf" description="Console Logger">
//!   <mappings>
//!     <map name="all" value="console,debug,info,notice,warning,err,crit,alert"/>
//!   </mappings>
//!   <settings>
//!     <param name="colorize" value="true"/>
//!     <param name="loglevel" value="info"/>
//!   </settings>
//! </configuration>
//! ```

use ferroswitch_abi::xml::{describe, parse_bool, settings_params, InvalidValue, XmlNode};
use ferroswitch_abi::LogLevel;

use crate::levels::{not_a_level, Mappings};

/// The console's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleConfig {
    /// `loglevel`: the most verbose level shown (default `info`). `console` records are shown
    /// whatever this says.
    pub loglevel: LogLevel,
    /// `colorize`: colour each line by its level (default `true`); only ever applied when
    /// standard output is a terminal.
    pub colorize: bool,
    /// `uuid`: start a session's lines with its UUID (default `true`).
    pub uuid: bool,
    /// `<mappings>`: which levels each module shows (default: every level for every module).
    pub mappings: Mappings,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        Self {
            loglevel: LogLevel::Info,
            colorize: true,
            uuid: true,
            mappings: Mappings::everything(),
        }
    }
}

impl ConsoleConfig {
    /// Reads a `<configuration name="console.conf">` element. Parameters it does not know
    /// come back as warnings (FreeSWITCH ignores them; a typo should still be visible).
    ///
    /// A value it refuses is an [`InvalidValue`] naming the file, the element and the reason.
    pub fn from_xml(conf: &XmlNode) -> Result<(Self, Vec<String>), InvalidValue> {
        let mut config = Self::default();
        let mut warnings = Vec::new();
        for (param, name, value) in settings_params(conf) {
            match name {
                "loglevel" => {
                    config.loglevel =
                        LogLevel::parse(value).ok_or_else(|| invalid_level(param, value))?;
                }
                "colorize" => config.colorize = parse_bool(param, value)?,
                "uuid" => config.uuid = parse_bool(param, value)?,
                _ => warnings.push(format!(
                    "{}: {}: unknown console.conf parameter, ignored",
                    param.origin,
                    describe(param)
                )),
            }
        }
        if let Some(mappings) = conf.child("mappings") {
            config.mappings = Mappings::from_xml(mappings)?;
        }
        Ok((config, warnings))
    }
}

fn invalid_level(param: &XmlNode, value: &str) -> InvalidValue {
    InvalidValue::new(param, not_a_level(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(ConsoleConfig, Vec<String>), InvalidValue> {
        let node = XmlNode::parse_str(text, "console.conf.xml").expect("well-formed test XML");
        ConsoleConfig::from_xml(&node)
    }

    #[test]
    fn empty_configuration_gives_defaults() {
        let (config, warnings) = parse(r#"<configuration name="console.conf"/>"#).expect("valid");
        assert_eq!(config, ConsoleConfig::default());
        assert!(warnings.is_empty());
    }

    #[test]
    fn reads_settings_and_mappings() {
        let (config, warnings) = parse(
            r#"<configuration name="console.conf">
                 <mappings>
                   <map name="all" value="err,crit,alert"/>
                   <map name="mod_sip" value="debug,info"/>
                 </mappings>
                 <settings>
                   <param name="loglevel" value="debug"/>
                   <param name="colorize" value="false"/>
                   <param name="uuid" value="no"/>
                   <param name="log-level" value="debug"/>
                 </settings>
               </configuration>"#,
        )
        .expect("valid");
        assert_eq!(config.loglevel, LogLevel::Debug);
        assert!(!config.colorize);
        assert!(!config.uuid);
        assert!(config.mappings.allows("mod_sip", LogLevel::Debug));
        assert!(!config.mappings.allows("mod_dptools", LogLevel::Debug));
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("log-level"), "{}", warnings[0]);
    }

    #[test]
    fn bad_loglevel_names_file_line_and_value() {
        let error = parse(
            "<configuration name=\"console.conf\">\n  <settings>\n    \
             <param name=\"loglevel\" value=\"loud\"/>\n  </settings>\n</configuration>",
        )
        .expect_err("loud is no level");
        let text = error.to_string();
        assert!(text.starts_with("console.conf.xml:3: "), "{text}");
        assert!(text.contains("\"loud\""), "{text}");
        assert!(text.contains("loglevel"), "{text}");
    }

    #[test]
    fn bad_boolean_and_bad_map_are_errors() {
        let error = parse(
            r#"<configuration><settings><param name="colorize" value="maybe"/></settings></configuration>"#,
        )
        .expect_err("maybe is no boolean");
        assert!(error.to_string().contains("\"maybe\""), "{error}");

        let error = parse(
            r#"<configuration><mappings><map name="all" value="info,chatty"/></mappings></configuration>"#,
        )
        .expect_err("chatty is no level");
        assert!(error.to_string().contains("\"chatty\""), "{error}");

        let error =
            parse(r#"<configuration><mappings><map value="info"/></mappings></configuration>"#)
                .expect_err("a map needs a name");
        assert!(error.to_string().contains("needs a name"), "{error}");
    }
}
