//! Log levels and the record every logger receives.

use std::fmt;

use abi_stable::{std_types::RStr, StableAbi};

/// FreeSWITCH's log levels; a lower number is more severe.
#[repr(u8)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogLevel {
    /// Output meant for the console regardless of level.
    Console = 0,
    Alert = 1,
    Crit = 2,
    Err = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}

impl LogLevel {
    /// Every level, most severe first.
    pub const ALL: [LogLevel; 8] = [
        Self::Console,
        Self::Alert,
        Self::Crit,
        Self::Err,
        Self::Warning,
        Self::Notice,
        Self::Info,
        Self::Debug,
    ];

    /// FreeSWITCH's upper-case name, e.g. `WARNING`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Console => "CONSOLE",
            Self::Alert => "ALERT",
            Self::Crit => "CRIT",
            Self::Err => "ERR",
            Self::Warning => "WARNING",
            Self::Notice => "NOTICE",
            Self::Info => "INFO",
            Self::Debug => "DEBUG",
        }
    }

    /// Parses a level name (any case; `error` and `warn` too) or number 0–7.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(number) = text.parse::<usize>() {
            return Self::ALL.get(number).copied();
        }
        match text.to_ascii_uppercase().as_str() {
            "ERROR" => Some(Self::Err),
            "WARN" => Some(Self::Warning),
            "DEBUG1" | "DEBUG2" | "DEBUG3" | "DEBUG4" | "DEBUG5" | "DEBUG6" | "DEBUG7"
            | "DEBUG8" | "DEBUG9" | "DEBUG10" => Some(Self::Debug),
            upper => Self::ALL.into_iter().find(|level| level.name() == upper),
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One log line, borrowed for the duration of the logger call.
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug)]
pub struct LogRecord<'a> {
    /// Severity.
    pub level: LogLevel,
    /// Wall-clock time of the record, microseconds since the Unix epoch.
    pub timestamp_us: u64,
    /// The module that logged it (`mod_sip`), or `core`.
    pub module: RStr<'a>,
    /// The UUID of the session it concerns, or empty.
    pub session_uuid: RStr<'a>,
    /// The text, without a trailing newline.
    pub message: RStr<'a>,
}
