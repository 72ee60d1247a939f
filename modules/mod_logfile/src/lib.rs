//! mod_logfile: log files with size rotation, as FreeSWITCH's mod_logfile.
//!
//! Registers the logger `logfile`. Each profile of `logfile.conf` (see [`config`]) writes
//! the records its level and mappings let through to its own file, one line each,
//! `2026-11-23 15:09:24.123456 [INFO] mod_x: message` (prefixed by the session's UUID if
//! the profile's `uuid` says so). Before a line would take a file past `rollover` bytes the
//! file is rotated (`file` → `file.1` → ... → `file.N`, the oldest dropped). Writes are
//! buffered: the buffer goes out after `err` and worse, every second, at shutdown, and when
//! the file rotates.
//!
//! On SIGHUP, as FreeSWITCH's core reports it (a `TRAP` event with `Trapped-Signal: HUP`),
//! every file is rotated, or only reopened when `rotate-on-hup` is false (for an outside
//! logrotate).

pub mod config;
pub mod file;
pub use ferroswitch_log_format::levels;
pub use ferroswitch_log_format::line;
pub mod logger;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use ferroswitch_abi::{
    Error, Event, EventHandler, EventHandlerDesc, Host, LogLevel, LogRecord, Logger, LoggerDesc,
    Registrar,
};

use crate::config::LogfileConfig;
use crate::logger::LogfileLogger;

/// How often buffered lines are written out when nothing else flushes them.
const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

/// The loaded logger, for `shutdown` to flush. Weak: the core's registry owns the logger,
/// and an unloaded module's logger must be free to close its files.
static LOADED: Mutex<Weak<LogfileLogger>> = Mutex::new(Weak::new());

/// The registered logger: shares the [`LogfileLogger`] with the SIGHUP handler.
struct SharedLogger(Arc<LogfileLogger>);

impl Logger for SharedLogger {
    fn log(&self, record: &LogRecord<'_>) {
        self.0.log(record);
    }

    fn flush(&self) {
        self.0.flush();
    }
}

/// Rotates (or reopens) the files on SIGHUP.
struct HangupHandler {
    host: Host,
    logger: Arc<LogfileLogger>,
}

impl EventHandler for HangupHandler {
    fn on_event(&self, event: &Event) {
        if event.name.as_str() != "TRAP" || event.header("Trapped-Signal") != Some("HUP") {
            return;
        }
        // Logged only after `handle_hangup` released every file, since logging comes back
        // into this module's logger.
        for (level, message) in self.logger.handle_hangup() {
            self.host.log(level, &message);
        }
    }
}

fn load(host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
    let log_dir = host
        .global_variable("log_dir")
        .filter(|dir| !dir.trim().is_empty())
        .map_or_else(|| PathBuf::from("log"), PathBuf::from);
    let config = match host.configuration("logfile.conf") {
        Some(conf) => {
            let (config, warnings) = LogfileConfig::from_xml(&conf, &log_dir)
                .map_err(|error| Error::invalid_argument(error.to_string()))?;
            for warning in warnings {
                host.log(LogLevel::Warning, &warning);
            }
            config
        }
        None => LogfileConfig::defaults(&log_dir),
    };
    let logger =
        Arc::new(LogfileLogger::open(config).map_err(|error| Error::failed(error.to_string()))?);

    registrar.add_logger(
        LoggerDesc {
            name: "logfile".into(),
        },
        SharedLogger(Arc::clone(&logger)),
    )?;
    registrar.add_event_handler(
        EventHandlerDesc {
            name: "mod_logfile".into(),
            events: vec!["TRAP".into()].into(),
        },
        HangupHandler {
            host,
            logger: Arc::clone(&logger),
        },
    )?;

    for (profile, path) in logger.files() {
        host.log(
            LogLevel::Info,
            &format!("logfile profile {profile}: logging to {}", path.display()),
        );
    }
    *LOADED.lock().unwrap_or_else(|poison| poison.into_inner()) = Arc::downgrade(&logger);
    if let Err(error) = start_flusher(Arc::downgrade(&logger)) {
        host.log(
            LogLevel::Warning,
            &format!("mod_logfile: no flush thread ({error}); lines are written when the buffer fills or on errors"),
        );
    }
    Ok(())
}

/// Flushes every second until the logger is gone (unloaded: the registry dropped it).
fn start_flusher(logger: Weak<LogfileLogger>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("mod_logfile flush".into())
        .spawn(move || loop {
            std::thread::sleep(FLUSH_INTERVAL);
            match logger.upgrade() {
                Some(logger) => logger.flush(),
                None => break,
            }
        })
        .map(drop)
}

fn shutdown(_host: Host) -> Result<(), Error> {
    let loaded = LOADED
        .lock()
        .unwrap_or_else(|poison| poison.into_inner())
        .upgrade();
    if let Some(logger) = loaded {
        logger.flush();
    }
    Ok(())
}

ferroswitch_abi::export_module!(
    name: "mod_logfile",
    description: "File logger: log files with size rotation",
    load: load,
    shutdown: shutdown,
);
