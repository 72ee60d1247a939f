//! The core's own settings, from `<configuration name="switch.conf">`.

use std::path::PathBuf;

use ferroswitch_abi::LogLevel;
use ferroswitch_xml::XmlNode;

/// `switch.conf` settings, with FreeSWITCH's names.
#[derive(Debug, Clone)]
pub struct CoreSettings {
    /// `max-sessions`: new sessions beyond this are refused (default 10000).
    pub max_sessions: u64,
    /// `sessions-per-second`: creation rate limit, 0 for none (default 0).
    pub sessions_per_second: u32,
    /// `loglevel`: the most verbose level passed to loggers (default `debug`).
    pub log_level: LogLevel,
    /// `mod-dir`: where modules are found.
    pub mod_dir: PathBuf,
    /// `session-thread-stack-kb`: stack reserved per session thread (default 256).
    pub session_stack_kb: usize,
    /// `event-heartbeat-interval`: seconds between HEARTBEAT events (default 20, as
    /// FreeSWITCH's).
    pub heartbeat_interval_s: u64,
}

impl CoreSettings {
    /// Reads `switch.conf` from `root`; a bad value names the file, the line and the reason.
    pub fn from_config(root: &XmlNode, mod_dir_override: Option<PathBuf>) -> Result<Self, String> {
        let mut settings = Self {
            max_sessions: 10_000,
            sessions_per_second: 0,
            log_level: LogLevel::Debug,
            mod_dir: default_mod_dir(),
            session_stack_kb: 256,
            heartbeat_interval_s: 20,
        };
        if let Some(section) = root
            .find_configuration("switch.conf")
            .and_then(|conf| conf.child("settings"))
        {
            for param in section.children_named("param") {
                let (Some(name), Some(value)) = (param.attr("name"), param.attr("value")) else {
                    continue;
                };
                let bad = |reason: &str| {
                    format!(
                        "{}:{}: switch.conf param {name}=\"{value}\": {reason}",
                        param.origin.file.display(),
                        param.origin.line
                    )
                };
                match name {
                    "max-sessions" => {
                        settings.max_sessions =
                            value.parse().map_err(|_| bad("not a whole number"))?
                    }
                    "sessions-per-second" => {
                        settings.sessions_per_second =
                            value.parse().map_err(|_| bad("not a whole number"))?;
                    }
                    "loglevel" => {
                        settings.log_level =
                            LogLevel::parse(value).ok_or_else(|| bad("not a log level"))?
                    }
                    "mod-dir" if !value.is_empty() => settings.mod_dir = PathBuf::from(value),
                    "session-thread-stack-kb" => {
                        settings.session_stack_kb = value
                            .parse()
                            .ok()
                            .filter(|kb| (64..=65536).contains(kb))
                            .ok_or_else(|| bad("not a number of KiB from 64 to 65536"))?;
                    }
                    "event-heartbeat-interval" => {
                        settings.heartbeat_interval_s = value
                            .parse()
                            .ok()
                            .filter(|seconds| (1..=86_400).contains(seconds))
                            .ok_or_else(|| bad("not a number of seconds from 1 to 86400"))?;
                    }
                    _ => {}
                }
            }
        }
        if let Some(dir) = mod_dir_override {
            settings.mod_dir = dir;
        }
        Ok(settings)
    }
}

fn default_mod_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."))
}
