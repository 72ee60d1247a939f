//! The console logger: one line per record on standard output, coloured by level.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use ferroswitch_abi::{LogLevel, LogRecord, Logger};

use crate::config::ConsoleConfig;
use crate::levels::Mappings;
use crate::line::write_line;

/// FreeSWITCH's "back to the terminal's default colour" sequence.
const DEFAULT_COLOR: &str = "\x1b[m";

/// The console's filter and colour settings, shared by the logger and the `console` API
/// command that changes them while the switch runs.
#[derive(Debug)]
pub struct ConsoleSettings {
    loglevel: AtomicU8,
    colorize: AtomicBool,
    uuid: bool,
    mappings: Mappings,
}

impl ConsoleSettings {
    /// Settings from `config`. Colour is used only when `config` asks for it and standard
    /// output is a terminal, so pipes and files get plain text.
    pub fn new(config: ConsoleConfig, is_terminal: bool) -> Self {
        Self {
            loglevel: AtomicU8::new(config.loglevel as u8),
            colorize: AtomicBool::new(config.colorize && is_terminal),
            uuid: config.uuid,
            mappings: config.mappings,
        }
    }

    /// The most verbose level shown.
    pub fn loglevel(&self) -> LogLevel {
        let number = usize::from(self.loglevel.load(Ordering::Relaxed));
        // Only `set_loglevel` and `new` store here, both from a LogLevel.
        LogLevel::ALL
            .get(number)
            .copied()
            .unwrap_or(LogLevel::Debug)
    }

    /// Changes the most verbose level shown.
    pub fn set_loglevel(&self, level: LogLevel) {
        self.loglevel.store(level as u8, Ordering::Relaxed);
    }

    /// Whether lines are coloured.
    pub fn colorize(&self) -> bool {
        self.colorize.load(Ordering::Relaxed)
    }

    /// Turns colour on or off.
    pub fn set_colorize(&self, on: bool) {
        self.colorize.store(on, Ordering::Relaxed);
    }

    /// Whether a record of `level` from `module` is shown: `console` records always are;
    /// others when no more verbose than the level and allowed by the mappings.
    pub fn shows(&self, level: LogLevel, module: &str) -> bool {
        level == LogLevel::Console
            || (level <= self.loglevel() && self.mappings.allows(module, level))
    }
}

/// The logger registered as `console`, writing to `W` (standard output in the switch).
pub struct ConsoleLogger<W> {
    settings: Arc<ConsoleSettings>,
    sink: Mutex<W>,
}

impl<W: Write + Send + 'static> ConsoleLogger<W> {
    /// A logger writing to `sink` under `settings`.
    pub fn new(settings: Arc<ConsoleSettings>, sink: W) -> Self {
        Self {
            settings,
            sink: Mutex::new(sink),
        }
    }

    /// The bytes written for `record`, newline and colour sequences included.
    pub fn render(&self, record: &LogRecord<'_>) -> String {
        let mut line = String::with_capacity(96 + record.message.len());
        let colorize = self.settings.colorize();
        if colorize {
            line.push_str(color(record.level));
        }
        write_line(&mut line, record, self.settings.uuid);
        if colorize {
            line.push_str(DEFAULT_COLOR);
        }
        line.push('\n');
        line
    }

    fn sink(&self) -> std::sync::MutexGuard<'_, W> {
        // A panic while writing leaves nothing half-updated that matters here.
        self.sink
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Gives the sink back (tests read what was written).
    pub fn into_sink(self) -> W {
        self.sink
            .into_inner()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

impl<W: Write + Send + 'static> Logger for ConsoleLogger<W> {
    fn log(&self, record: &LogRecord<'_>) {
        if !self.settings.shows(record.level, record.module.as_str()) {
            return;
        }
        let line = self.render(record);
        // One write per line under the lock keeps lines whole; the flush makes each line
        // visible at once to a person at the console or a test reading a pipe. A console
        // that cannot be written to has nowhere to report that, so errors are dropped.
        let mut sink = self.sink();
        let _ = sink.write_all(line.as_bytes());
        let _ = sink.flush();
    }

    fn flush(&self) {
        let _ = self.sink().flush();
    }
}

/// FreeSWITCH's colour per level (mod_console's `COLORS`).
fn color(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Console => DEFAULT_COLOR,
        LogLevel::Alert | LogLevel::Crit | LogLevel::Err => "\x1b[31m",
        LogLevel::Warning => "\x1b[35m",
        LogLevel::Notice => "\x1b[36m",
        LogLevel::Info => "\x1b[32m",
        LogLevel::Debug => "\x1b[33m",
    }
}

#[cfg(test)]
mod tests {
    use crate::levels::LevelSet;

    use super::*;

    fn record<'a>(level: LogLevel, module: &'a str, message: &'a str) -> LogRecord<'a> {
        LogRecord {
            level,
            timestamp_us: 1_795_000_000_000_000,
            module: module.into(),
            session_uuid: "".into(),
            message: message.into(),
        }
    }

    fn logger(config: ConsoleConfig, terminal: bool) -> ConsoleLogger<Vec<u8>> {
        ConsoleLogger::new(Arc::new(ConsoleSettings::new(config, terminal)), Vec::new())
    }

    fn written(logger: ConsoleLogger<Vec<u8>>) -> String {
        String::from_utf8(logger.into_sink()).expect("the logger writes UTF-8")
    }

    #[test]
    fn filters_by_level_but_always_shows_console() {
        let logger = logger(ConsoleConfig::default(), false);
        logger.log(&record(LogLevel::Debug, "mod_x", "too chatty"));
        logger.log(&record(LogLevel::Info, "mod_x", "shown"));
        logger.log(&record(LogLevel::Console, "core", "always"));
        let text = written(logger);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].ends_with(" [INFO] mod_x: shown"), "{text}");
        assert!(lines[1].ends_with(" [CONSOLE] core: always"), "{text}");
    }

    #[test]
    fn per_module_map_adds_levels_for_that_module() {
        let mut mappings = Mappings::default();
        mappings.add("all", LevelSet::parse("err").expect("valid"));
        mappings.add("mod_sip", LevelSet::parse("debug").expect("valid"));
        let config = ConsoleConfig {
            loglevel: LogLevel::Debug,
            mappings,
            ..ConsoleConfig::default()
        };
        let logger = logger(config, false);
        logger.log(&record(LogLevel::Debug, "mod_sip", "sip detail"));
        logger.log(&record(LogLevel::Debug, "mod_dptools", "hidden"));
        logger.log(&record(LogLevel::Err, "mod_dptools", "failure"));
        logger.log(&record(LogLevel::Console, "core", "console passes any map"));
        let text = written(logger);
        assert!(text.contains("sip detail"), "{text}");
        assert!(!text.contains("hidden"), "{text}");
        assert!(text.contains("failure"), "{text}");
        assert!(text.contains("console passes any map"), "{text}");
    }

    #[test]
    fn colours_only_on_a_terminal() {
        let plain = logger(ConsoleConfig::default(), false);
        let line = plain.render(&record(LogLevel::Err, "mod_x", "bad"));
        assert!(!line.contains('\x1b'), "{line:?}");

        let coloured = logger(ConsoleConfig::default(), true);
        let line = coloured.render(&record(LogLevel::Err, "mod_x", "bad"));
        assert!(line.starts_with("\x1b[31m"), "{line:?}");
        assert!(line.ends_with("\x1b[m\n"), "{line:?}");
        let line = coloured.render(&record(LogLevel::Warning, "mod_x", "odd"));
        assert!(line.starts_with("\x1b[35m"), "{line:?}");
    }

    #[test]
    fn session_lines_start_with_the_uuid() {
        let logger = logger(ConsoleConfig::default(), false);
        let mut with_session = record(LogLevel::Info, "mod_x", "in a call");
        with_session.session_uuid = "a1b2c3".into();
        logger.log(&with_session);
        let text = written(logger);
        assert!(text.starts_with("a1b2c3 "), "{text}");
    }

    #[test]
    fn level_changes_apply_at_once() {
        let settings = Arc::new(ConsoleSettings::new(ConsoleConfig::default(), false));
        assert!(!settings.shows(LogLevel::Debug, "mod_x"));
        settings.set_loglevel(LogLevel::Debug);
        assert_eq!(settings.loglevel(), LogLevel::Debug);
        assert!(settings.shows(LogLevel::Debug, "mod_x"));
        settings.set_loglevel(LogLevel::Err);
        assert!(!settings.shows(LogLevel::Warning, "mod_x"));
    }
}
