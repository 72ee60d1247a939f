//! Log dispatch: every record goes to every registered logger (each filters by its own
//! level); with no logger loaded yet, warnings and worse go to standard error so nothing
//! important is lost at start-up.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

use ferroswitch_abi::{LogLevel, LogRecord, LoggerRecord};

use crate::core::Core;
use crate::events::micros_since_epoch;
use crate::registry::Registered;

type LoggerList = Arc<[Arc<Registered<LoggerRecord>>]>;

/// The logging subsystem.
pub struct Logging {
    level: AtomicU8,
    loggers: RwLock<LoggerList>,
}

impl Logging {
    /// Dispatches records up to `level`.
    pub fn new(level: LogLevel) -> Self {
        Self {
            level: AtomicU8::new(level as u8),
            loggers: RwLock::new(Arc::from(Vec::new())),
        }
    }

    /// Changes the core's level.
    pub fn set_level(&self, level: LogLevel) {
        self.level.store(level as u8, Ordering::Relaxed);
    }

    /// Rebuilds the logger list after modules registered or dropped loggers.
    pub fn loggers_changed(&self, core: Core) {
        let loggers: Vec<_> = core.inner().registry.read().loggers.clone();
        *self
            .loggers
            .write()
            .unwrap_or_else(|poison| poison.into_inner()) = Arc::from(loggers);
    }

    fn snapshot(&self) -> LoggerList {
        Arc::clone(
            &self
                .loggers
                .read()
                .unwrap_or_else(|poison| poison.into_inner()),
        )
    }

    /// Whether records at `level` reach the loggers (so callers can skip formatting them).
    pub fn enabled(&self, level: LogLevel) -> bool {
        level as u8 <= self.level.load(Ordering::Relaxed)
    }

    /// Logs one record.
    pub fn log(
        &self,
        _core: &Core,
        level: LogLevel,
        module: &str,
        session_uuid: &str,
        message: &str,
    ) {
        if level as u8 > self.level.load(Ordering::Relaxed) {
            return;
        }
        let loggers = self.snapshot();
        if loggers.is_empty() {
            if level <= LogLevel::Warning || level == LogLevel::Console {
                eprintln!("[{level}] {module}: {message}");
            }
            return;
        }
        let record = LogRecord {
            level,
            timestamp_us: micros_since_epoch(),
            module: module.into(),
            session_uuid: session_uuid.into(),
            message: message.into(),
        };
        for logger in loggers.iter() {
            // A failing logger has nowhere to report but the others; it is skipped.
            let _ = logger.record.object.log(record);
        }
    }

    /// Flushes every logger (at shutdown).
    pub fn flush(&self, _core: &Core) {
        for logger in self.snapshot().iter() {
            let _ = logger.record.object.flush();
        }
    }
}
