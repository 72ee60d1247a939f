//! The core: every subsystem, created once and alive for the rest of the process (modules
//! hold its address, and a library is never unmapped, so neither is the core).

use std::ffi::c_void;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::{Instant, SystemTime};

use ferroswitch_abi::{Host, HostCtx, HostTableRef, LogLevel, ModuleId};

use crate::{
    config::ConfigStore, events::EventBus, host_table, loader::ModuleManager, logging::Logging,
    registry::Registry, session::SessionTable, settings::CoreSettings, stats::Stats,
    threads::ThreadPool,
};

/// How to start the core.
#[derive(Debug, Clone)]
pub struct CoreOptions {
    /// The configuration directory holding `ferroswitch.xml`.
    pub conf_dir: PathBuf,
    /// Where modules are found; overrides `mod-dir` in `switch.conf`. Default: the directory of
    /// the running executable.
    pub mod_dir: Option<PathBuf>,
    /// Overrides the `$${log_dir}` global (FreeSWITCH's `-log`).
    pub log_dir: Option<PathBuf>,
}

/// Why the core could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The configuration did not load; the message names file, line and reason.
    #[error("configuration: {0}")]
    Config(#[from] ferroswitch_xml::ConfigError),
    /// `switch.conf` has a bad value.
    #[error("{0}")]
    Settings(String),
}

/// The shared state of the core.
pub struct CoreInner {
    pub config: ConfigStore,
    pub settings: CoreSettings,
    pub registry: Registry,
    pub modules: ModuleManager,
    pub sessions: SessionTable,
    pub events: EventBus,
    pub logging: Logging,
    pub stats: Stats,
    /// Runs session state machines and module jobs.
    pub threads: ThreadPool,
    pub core_uuid: String,
    pub hostname: String,
    pub started: Instant,
    pub started_wall: SystemTime,
    host_table: HostTableRef,
    shutdown: Mutex<bool>,
    shutdown_signal: Condvar,
}

/// A handle to the running core.
#[derive(Clone, Copy)]
pub struct Core {
    inner: &'static CoreInner,
}

impl Core {
    /// Loads the configuration and creates the core; no module is loaded yet.
    pub fn new(options: CoreOptions) -> Result<Core, StartError> {
        let hostname = hostname();
        let core_uuid = uuid::Uuid::new_v4().to_string();
        let config = ConfigStore::load(
            &options.conf_dir,
            options.log_dir.as_deref(),
            &hostname,
            &core_uuid,
        )?;
        let settings = CoreSettings::from_config(&config.current().root, options.mod_dir)
            .map_err(StartError::Settings)?;
        crate::threads::size_futex_table(settings.max_sessions);
        let inner = Box::leak(Box::new(CoreInner {
            logging: Logging::new(settings.log_level),
            registry: Registry::default(),
            modules: ModuleManager::new(settings.mod_dir.clone()),
            sessions: SessionTable::default(),
            events: EventBus::new(core_uuid.clone(), hostname.clone()),
            stats: Stats::default(),
            // Idle workers kept: enough for a burst of thousands of call set-ups to find threads
            // ready (each costs only the stack pages it touched, ~20 KiB); they leave after
            // 30 s without work.
            threads: ThreadPool::new(
                "session",
                settings.session_stack_kb * 1024,
                4096,
                std::time::Duration::from_secs(30),
            ),
            config,
            settings,
            core_uuid,
            hostname,
            started: Instant::now(),
            started_wall: SystemTime::now(),
            host_table: host_table::table(),
            shutdown: Mutex::new(false),
            shutdown_signal: Condvar::new(),
        }));
        let core = Core { inner };
        for warning in &core.inner.config.current().warnings {
            core.log(LogLevel::Warning, &warning.to_string());
        }
        Ok(core)
    }

    /// The core behind a module's host context.
    ///
    /// # Safety
    /// `ctx` must come from [`CoreInner::host_ctx`] (the only contexts modules receive).
    pub unsafe fn from_ctx(ctx: HostCtx) -> Core {
        // SAFETY: contexts are made from a leaked, never freed CoreInner (see `new`).
        Core {
            inner: unsafe { &*(ctx.0 as *const CoreInner) },
        }
    }

    /// The shared state.
    pub fn inner(&self) -> &'static CoreInner {
        self.inner
    }

    /// Loads every module `modules.conf` lists, in order; a failure is logged and the rest
    /// still load.
    pub fn load_configured_modules(&self) {
        let names = self.inner.config.module_list();
        for name in names {
            if let Err(error) = self.inner.modules.load(*self, &name) {
                self.log(
                    LogLevel::Crit,
                    &format!("Error loading module {name}: {error}"),
                );
            }
        }
    }

    /// Logs a line from the core.
    pub fn log(&self, level: LogLevel, message: &str) {
        self.inner.logging.log(self, level, "core", "", message);
    }

    /// The host handle for module `module`.
    pub fn host(&self, module: ModuleId) -> Host {
        Host::new(self.inner.host_table, self.inner.host_ctx(), module)
    }

    /// Asks the process to shut down: wakes [`Core::wait_for_shutdown`].
    pub fn request_shutdown(&self) {
        let mut requested = self
            .inner
            .shutdown
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        *requested = true;
        self.inner.shutdown_signal.notify_all();
    }

    /// Whether shutdown was requested.
    pub fn shutdown_requested(&self) -> bool {
        *self
            .inner
            .shutdown
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Blocks until shutdown is requested.
    pub fn wait_for_shutdown(&self) {
        let mut requested = self
            .inner
            .shutdown
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        while !*requested {
            requested = self
                .inner
                .shutdown_signal
                .wait(requested)
                .unwrap_or_else(|poison| poison.into_inner());
        }
    }

    /// Hangs up every call with `SYSTEM_SHUTDOWN`, waits (bounded) for them to end, shuts
    /// modules down in reverse load order and flushes the loggers.
    pub fn shutdown(&self) {
        self.inner.sessions.stop_accepting();
        let count = self.inner.sessions.hangup_all(
            *self,
            ferroswitch_abi::HangupCause::SYSTEM_SHUTDOWN,
            None,
        );
        if count > 0 {
            self.log(
                LogLevel::Notice,
                &format!("Hanging up {count} channel(s) for shutdown"),
            );
        }
        self.inner
            .sessions
            .wait_until_empty(std::time::Duration::from_secs(10));
        self.inner.modules.shutdown_all(*self);
        self.inner.logging.flush(self);
    }
}

impl CoreInner {
    /// The context pointer modules hand back to host functions.
    pub fn host_ctx(&'static self) -> HostCtx {
        HostCtx(self as *const CoreInner as *const c_void)
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
