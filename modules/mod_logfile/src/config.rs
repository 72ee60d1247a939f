//! `logfile.conf`: global settings and one profile per log file.
//!
//! ```xml
//! <configuration name="logfile.conf" description="File Logging">
//!   <settings>
//!     <param name="rotate-on-hup" value="true"/>
//!   </settings>
//!   <profiles>
//!     <profile name="default">
//!       <settings>
//!         <param name="logfile" value="$${log_dir}/ferroswitch.log"/>
//!         <param name="rollover" value="10485760"/>
//!         <param name="maximum-rotate" value="32"/>
//!         <param name="uuid" value="true"/>
//!         <param name="loglevel" value="debug"/>
//!       </settings>
//!       <mappings>
//!         <map name="all" value="debug,info,notice,warning,err,crit,alert"/>
//!       </mappings>
//!     </profile>
//!   </profiles>
//! </configuration>
//! ```

use std::path::{Path, PathBuf};

use ferroswitch_abi::xml::{describe, parse_bool, settings_params, InvalidValue, XmlNode};
use ferroswitch_abi::LogLevel;

use crate::levels::{not_a_level, Mappings};

/// The file a profile writes when its configuration names none, inside `log_dir`.
pub const DEFAULT_FILE_NAME: &str = "ferroswitch.log";
/// The default `rollover`: 10 MiB, as FreeSWITCH's.
pub const DEFAULT_ROLLOVER: u64 = 10 * 1024 * 1024;
/// The default `maximum-rotate`.
pub const DEFAULT_MAXIMUM_ROTATE: u32 = 32;
/// The largest `maximum-rotate` accepted (FreeSWITCH's `MAX_ROT`).
pub const MAX_ROTATE_LIMIT: u32 = 4096;

/// The whole of `logfile.conf`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogfileConfig {
    /// `rotate-on-hup`: on SIGHUP (a `TRAP` event with `Trapped-Signal: HUP`), rotate every
    /// file (`true`, the default) or only reopen it, for an outside logrotate (`false`).
    pub rotate_on_hup: bool,
    /// The profiles, one file each.
    pub profiles: Vec<ProfileConfig>,
}

/// One profile: a file and what goes into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileConfig {
    /// The profile's name.
    pub name: String,
    /// `logfile`: the file (default `$${log_dir}/ferroswitch.log`; a relative path is taken
    /// from the log directory).
    pub path: PathBuf,
    /// `rollover`: rotate before the file would pass this many bytes; 0 never rotates by size
    /// (default 10 MiB).
    pub rollover: u64,
    /// `maximum-rotate`: how many rotated files (`file.1` newest ... `file.N` oldest) to
    /// keep, 1 to 4096 (default 32).
    pub maximum_rotate: u32,
    /// `uuid`: start a session's lines with its UUID (default `false`, as FreeSWITCH's).
    pub uuid: bool,
    /// `loglevel`: the most verbose level written (default `debug`).
    pub loglevel: LogLevel,
    /// `<mappings>`: which levels each module writes (default: every level for every module).
    pub mappings: Mappings,
}

impl ProfileConfig {
    /// A profile with every default, writing into `log_dir`.
    pub fn with_defaults(name: &str, log_dir: &Path) -> Self {
        Self {
            name: name.to_owned(),
            path: log_dir.join(DEFAULT_FILE_NAME),
            rollover: DEFAULT_ROLLOVER,
            maximum_rotate: DEFAULT_MAXIMUM_ROTATE,
            uuid: false,
            loglevel: LogLevel::Debug,
            mappings: Mappings::everything(),
        }
    }

    fn from_xml(
        profile: &XmlNode,
        log_dir: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<Self, InvalidValue> {
        let name = profile
            .attr("name")
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .ok_or_else(|| InvalidValue::new(profile, "a profile needs a name"))?;
        let mut config = Self::with_defaults(name, log_dir);
        for (param, param_name, value) in settings_params(profile) {
            match param_name {
                "logfile" => {
                    if value.is_empty() {
                        return Err(InvalidValue::new(param, "the file name is empty"));
                    }
                    config.path = log_dir.join(value);
                }
                "rollover" => {
                    config.rollover = value.parse().map_err(|_| {
                        InvalidValue::new(
                            param,
                            format!("\"{value}\" is not a size in bytes (0 never rotates)"),
                        )
                    })?;
                }
                "maximum-rotate" => {
                    config.maximum_rotate = value
                        .parse()
                        .ok()
                        .filter(|count| (1..=MAX_ROTATE_LIMIT).contains(count))
                        .ok_or_else(|| {
                            InvalidValue::new(
                                param,
                                format!(
                                    "\"{value}\" is not a file count from 1 to {MAX_ROTATE_LIMIT}"
                                ),
                            )
                        })?;
                }
                "uuid" => config.uuid = parse_bool(param, value)?,
                "loglevel" => {
                    config.loglevel = LogLevel::parse(value)
                        .ok_or_else(|| InvalidValue::new(param, not_a_level(value)))?;
                }
                _ => warnings.push(unknown_param(param)),
            }
        }
        if let Some(mappings) = profile.child("mappings") {
            config.mappings = Mappings::from_xml(mappings)?;
        }
        Ok(config)
    }
}

impl LogfileConfig {
    /// What applies without a `logfile.conf`: one `default` profile with every default.
    pub fn defaults(log_dir: &Path) -> Self {
        Self {
            rotate_on_hup: true,
            profiles: vec![ProfileConfig::with_defaults("default", log_dir)],
        }
    }

    /// Reads a `<configuration name="logfile.conf">` element; `log_dir` is where default and
    /// relative file names point. Parameters it does not know come back as warnings; a value
    /// it refuses is an [`InvalidValue`] naming the file, the element and the reason.
    pub fn from_xml(conf: &XmlNode, log_dir: &Path) -> Result<(Self, Vec<String>), InvalidValue> {
        let mut warnings = Vec::new();
        let mut rotate_on_hup = true;
        for (param, name, value) in settings_params(conf) {
            match name {
                "rotate-on-hup" => rotate_on_hup = parse_bool(param, value)?,
                _ => warnings.push(unknown_param(param)),
            }
        }

        let mut profiles: Vec<ProfileConfig> = Vec::new();
        for node in conf
            .children_named("profiles")
            .flat_map(|profiles| profiles.children_named("profile"))
        {
            let profile = ProfileConfig::from_xml(node, log_dir, &mut warnings)?;
            if let Some(other) = profiles.iter().find(|other| other.name == profile.name) {
                return Err(InvalidValue::new(
                    node,
                    format!("a second profile named \"{}\"", other.name),
                ));
            }
            if let Some(other) = profiles.iter().find(|other| other.path == profile.path) {
                return Err(InvalidValue::new(
                    node,
                    format!(
                        "writes {}, which profile \"{}\" already writes",
                        profile.path.display(),
                        other.name
                    ),
                ));
            }
            profiles.push(profile);
        }
        if profiles.is_empty() {
            warnings.push(format!(
                "{}: logfile.conf has no <profiles><profile>: nothing will be logged to a file",
                conf.origin
            ));
        }
        Ok((
            Self {
                rotate_on_hup,
                profiles,
            },
            warnings,
        ))
    }
}

fn unknown_param(param: &XmlNode) -> String {
    format!(
        "{}: {}: unknown logfile.conf parameter, ignored",
        param.origin,
        describe(param)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(LogfileConfig, Vec<String>), InvalidValue> {
        let node = XmlNode::parse_str(text, "logfile.conf.xml").expect("well-formed test XML");
        LogfileConfig::from_xml(&node, Path::new("/var/log/ferroswitch"))
    }

    fn profile(settings: &str) -> String {
        format!(
            "<configuration name=\"logfile.conf\">\n<profiles>\n<profile name=\"default\">\n\
             <settings>\n{settings}\n</settings>\n</profile>\n</profiles>\n</configuration>"
        )
    }

    #[test]
    fn reads_a_full_profile() {
        let (config, warnings) = parse(
            r#"<configuration name="logfile.conf">
                 <settings><param name="rotate-on-hup" value="false"/></settings>
                 <profiles>
                   <profile name="default">
                     <settings>
                       <param name="logfile" value="/tmp/fs/switch.log"/>
                       <param name="rollover" value="1024"/>
                       <param name="maximum-rotate" value="5"/>
                       <param name="uuid" value="true"/>
                       <param name="loglevel" value="warning"/>
                     </settings>
                     <mappings><map name="all" value="err,warning"/></mappings>
                   </profile>
                 </profiles>
               </configuration>"#,
        )
        .expect("valid");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(!config.rotate_on_hup);
        let profile = &config.profiles[0];
        assert_eq!(profile.name, "default");
        assert_eq!(profile.path, Path::new("/tmp/fs/switch.log"));
        assert_eq!(profile.rollover, 1024);
        assert_eq!(profile.maximum_rotate, 5);
        assert!(profile.uuid);
        assert_eq!(profile.loglevel, LogLevel::Warning);
        assert!(profile.mappings.allows("core", LogLevel::Err));
        assert!(!profile.mappings.allows("core", LogLevel::Info));
    }

    #[test]
    fn defaults_point_into_the_log_directory() {
        let (config, _) = parse(&profile("")).expect("valid");
        let expected = ProfileConfig::with_defaults("default", Path::new("/var/log/ferroswitch"));
        assert_eq!(config.profiles, [expected]);
        assert_eq!(
            config.profiles[0].path,
            Path::new("/var/log/ferroswitch/ferroswitch.log")
        );
        assert!(config.rotate_on_hup);

        let (config, _) =
            parse(&profile(r#"<param name="logfile" value="calls.log"/>"#)).expect("valid");
        assert_eq!(
            config.profiles[0].path,
            Path::new("/var/log/ferroswitch/calls.log")
        );
    }

    #[test]
    fn bad_values_name_file_line_and_value() {
        let cases = [
            (r#"<param name="rollover" value="big"/>"#, "\"big\""),
            (r#"<param name="rollover" value="-1"/>"#, "\"-1\""),
            (
                r#"<param name="maximum-rotate" value="0"/>"#,
                "from 1 to 4096",
            ),
            (r#"<param name="maximum-rotate" value="5000"/>"#, "\"5000\""),
            (r#"<param name="loglevel" value="loud"/>"#, "\"loud\""),
            (r#"<param name="uuid" value="sometimes"/>"#, "\"sometimes\""),
            (r#"<param name="logfile" value=""/>"#, "empty"),
        ];
        for (param, needle) in cases {
            let error = parse(&profile(param)).expect_err(param).to_string();
            assert!(error.starts_with("logfile.conf.xml:5: "), "{error}");
            assert!(error.contains(needle), "{param}: {error}");
        }
    }

    #[test]
    fn profiles_must_differ_in_name_and_file() {
        let error = parse(
            r#"<configuration><profiles>
                 <profile name="a"/>
                 <profile name="a"><settings><param name="logfile" value="b.log"/></settings></profile>
               </profiles></configuration>"#,
        )
        .expect_err("two profiles named a");
        assert!(
            error.to_string().contains("second profile named \"a\""),
            "{error}"
        );

        let error = parse(
            r#"<configuration><profiles><profile name="a"/><profile name="b"/></profiles></configuration>"#,
        )
        .expect_err("both write ferroswitch.log");
        assert!(
            error.to_string().contains("profile \"a\" already writes"),
            "{error}"
        );

        let error = parse(r#"<configuration><profiles><profile/></profiles></configuration>"#)
            .expect_err("nameless profile");
        assert!(error.to_string().contains("needs a name"), "{error}");
    }

    #[test]
    fn unknown_parameters_and_missing_profiles_warn() {
        let (_, warnings) =
            parse(&profile(r#"<param name="roll-over" value="5"/>"#)).expect("valid");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("roll-over"), "{warnings:?}");

        let (config, warnings) = parse("<configuration/>").expect("valid");
        assert!(config.profiles.is_empty());
        assert!(
            warnings[0].contains("nothing will be logged"),
            "{warnings:?}"
        );
    }
}
