//! Loggers: receive every log record (console, file).

use abi_stable::{
    sabi_trait,
    std_types::{RBox, RResult, RString},
    StableAbi,
};

use crate::{guard::guard, Error, LogRecord};

/// What `show interfaces` lists for a logger.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct LoggerDesc {
    /// The logger's name (`console`, `logfile`).
    pub name: RString,
}

/// A logger, as a module author writes it. Called on the thread that logged: it must not
/// block for long (queue, or write to a buffered sink).
pub trait Logger: Send + Sync + 'static {
    /// Takes one record; the logger filters by its own level.
    fn log(&self, record: &LogRecord<'_>);
    /// Writes out anything buffered (called at shutdown).
    fn flush(&self) {}
}

/// The FFI-safe form of [`Logger`].
#[sabi_trait]
pub trait FfiLogger: Send + Sync {
    fn log(&self, record: LogRecord<'_>) -> RResult<(), Error>;
    fn flush(&self) -> RResult<(), Error>;
}

/// An owned FFI logger object.
pub type FfiLoggerBox = FfiLogger_TO<'static, RBox<()>>;

struct Guarded<L>(L);

impl<L: Logger> FfiLogger for Guarded<L> {
    fn log(&self, record: LogRecord<'_>) -> RResult<(), Error> {
        guard("logger", || {
            self.0.log(&record);
            Ok(())
        })
    }

    fn flush(&self) -> RResult<(), Error> {
        guard("logger flush", || {
            self.0.flush();
            Ok(())
        })
    }
}

/// A logger ready to register.
#[repr(C)]
#[derive(StableAbi)]
pub struct LoggerRecord {
    pub desc: LoggerDesc,
    pub object: FfiLoggerBox,
}

impl LoggerRecord {
    /// Wraps `logger` so that every call is panic-contained.
    pub fn new(desc: LoggerDesc, logger: impl Logger) -> Self {
        Self {
            desc,
            object: FfiLogger_TO::from_value(Guarded(logger), abi_stable::sabi_trait::TD_Opaque),
        }
    }
}
