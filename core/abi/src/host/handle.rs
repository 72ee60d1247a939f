//! [`Host`]: the handle a module keeps to call the core.

use std::ffi::c_void;

use abi_stable::{
    std_types::{ROption, RResult, RStr, Tuple2},
    StableAbi,
};

use crate::{
    host::{HostTableRef, Session},
    kinds::{
        codec::{CodecSettings, FfiDecoderBox, FfiEncoderBox},
        format::{AudioSpec, FfiFileReaderBox, FfiFileWriterBox},
        timer::FfiTimerInstanceBox,
    },
    xml::XmlNode,
    CoreStatus, Error, Event, HangupCause, InterfaceInfo, InterfaceKind, LogLevel, ModuleId,
    ModuleInfo, NewSession, OriginateRequest, SessionId,
};

/// The core's opaque context pointer, handed back to every host function.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug)]
pub struct HostCtx(pub *const c_void);

// SAFETY: the pointer names the core's shared state, which the core makes thread-safe; modules
// never dereference it.
unsafe impl Send for HostCtx {}
// SAFETY: as above.
unsafe impl Sync for HostCtx {}

/// A module's handle to the core: cheap to copy, valid for the life of the process.
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct Host {
    table: HostTableRef,
    ctx: HostCtx,
    module: ModuleId,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("module", &self.module)
            .finish_non_exhaustive()
    }
}

impl Host {
    /// Builds a handle (the core does this; modules receive it in `load`).
    pub fn new(table: HostTableRef, ctx: HostCtx, module: ModuleId) -> Self {
        Self { table, ctx, module }
    }

    /// The raw table, for functions the safe API does not wrap.
    pub fn table(&self) -> HostTableRef {
        self.table
    }

    /// The core's context pointer.
    pub fn ctx(&self) -> HostCtx {
        self.ctx
    }

    /// The module this handle belongs to.
    pub fn module(&self) -> ModuleId {
        self.module
    }

    /// A handle to session `id`.
    pub fn session(&self, id: SessionId) -> Session {
        Session::new(*self, id)
    }

    /// Logs `message` at `level`, attributed to this module.
    pub fn log(&self, level: LogLevel, message: &str) {
        (self.table.log())(self.ctx, self.module, level, ROption::RNone, message.into());
    }

    /// The `<configuration name="name">` element of the running configuration, parsed.
    pub fn configuration(&self, name: &str) -> Option<XmlNode> {
        let text = (self.table.configuration())(self.ctx, name.into()).into_option()?;
        // The core serialised a node it parsed; a failure here would be a core bug, and the
        // module then simply sees no configuration.
        XmlNode::parse_str_with_origins(&text, &format!("<configuration name=\"{name}\">")).ok()
    }

    /// The `<section name="name">` element of the running configuration (`dialplan`,
    /// `directory`), parsed, with each element's file and line.
    pub fn section(&self, name: &str) -> Option<XmlNode> {
        let text = (self.table.section())(self.ctx, name.into()).into_option()?;
        XmlNode::parse_str_with_origins(&text, &format!("<section name=\"{name}\">")).ok()
    }

    /// How many times the configuration was (re)loaded; changes after every `reloadxml`.
    pub fn config_generation(&self) -> u64 {
        (self.table.config_generation())(self.ctx)
    }

    /// The flags of application `name`, if it is registered.
    pub fn application_flags(&self, name: &str) -> Option<crate::AppFlags> {
        (self.table.application_flags())(self.ctx, name.into()).into_option()
    }

    /// The `$${name}` global variable.
    pub fn global_variable(&self, name: &str) -> Option<String> {
        (self.table.global_variable())(self.ctx, name.into())
            .into_option()
            .map(Into::into)
    }

    /// Fires `event` to every subscribed handler.
    pub fn fire_event(&self, event: Event) {
        (self.table.fire_event())(self.ctx, self.module, event);
    }

    /// Whether any handler wants events named `name`.
    pub fn event_wanted(&self, name: &str) -> bool {
        (self.table.event_wanted())(self.ctx, name.into())
    }

    /// Tells the core whether this module's event handlers have anyone to pass events to
    /// (see [`HostTable::event_handlers_active`](crate::HostTable)): say false while nobody
    /// listens, so the core skips building events for them, and true as soon as someone does.
    pub fn set_event_handlers_active(&self, active: bool) {
        (self.table.event_handlers_active())(self.ctx, self.module, active);
    }

    /// Runs API command `command` with `args`.
    pub fn api(
        &self,
        command: &str,
        args: &str,
        session: Option<SessionId>,
    ) -> Result<String, Error> {
        into_result((self.table.api_execute())(
            self.ctx,
            command.into(),
            args.into(),
            session.into(),
        ))
        .map(Into::into)
    }

    /// Creates and starts an inbound session.
    pub fn create_session(&self, request: NewSession) -> Result<Session, Error> {
        into_result((self.table.session_create())(
            self.ctx,
            self.module,
            request,
        ))
        .map(|id| self.session(id))
    }

    /// The session with UUID `uuid`, if it exists.
    pub fn locate(&self, uuid: &str) -> Option<Session> {
        (self.table.session_locate())(self.ctx, uuid.into())
            .into_option()
            .map(|id| self.session(id))
    }

    /// Places outbound legs and waits for one to answer.
    pub fn originate(&self, request: OriginateRequest) -> Result<Session, Error> {
        into_result((self.table.originate())(self.ctx, request)).map(|id| self.session(id))
    }

    /// One row per live channel, as `show channels` lists them.
    pub fn channels(&self) -> Vec<Vec<(String, String)>> {
        (self.table.channels())(self.ctx)
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|Tuple2(name, value)| (name.into(), value.into()))
                    .collect()
            })
            .collect()
    }

    /// Hangs up every channel, or those whose variable `filter.0` equals `filter.1`.
    pub fn hangup_all(&self, cause: HangupCause, filter: Option<(&str, &str)>) -> u32 {
        let filter = filter.map(|(name, value)| Tuple2(RStr::from(name), RStr::from(value)));
        (self.table.hangup_all())(self.ctx, cause, filter.into())
    }

    /// A new encoder of codec `name`.
    pub fn encoder(&self, name: &str, settings: &CodecSettings) -> Result<FfiEncoderBox, Error> {
        into_result((self.table.codec_encoder())(
            self.ctx,
            name.into(),
            settings,
        ))
    }

    /// A new decoder of codec `name`.
    pub fn decoder(&self, name: &str, settings: &CodecSettings) -> Result<FfiDecoderBox, Error> {
        into_result((self.table.codec_decoder())(
            self.ctx,
            name.into(),
            settings,
        ))
    }

    /// Opens an audio file for reading, by the format its extension names.
    pub fn open_file_read(&self, path: &str) -> Result<FfiFileReaderBox, Error> {
        into_result((self.table.file_open_read())(self.ctx, path.into()))
    }

    /// Creates an audio file for writing, by the format its extension names.
    pub fn open_file_write(&self, path: &str, spec: AudioSpec) -> Result<FfiFileWriterBox, Error> {
        into_result((self.table.file_open_write())(self.ctx, path.into(), spec))
    }

    /// Starts a clock of timer `name` (`soft`).
    pub fn start_timer(
        &self,
        name: &str,
        interval_ms: u32,
        samples_per_tick: u32,
    ) -> Result<FfiTimerInstanceBox, Error> {
        into_result((self.table.timer_start())(
            self.ctx,
            name.into(),
            interval_ms,
            samples_per_tick,
        ))
    }

    /// The loaded modules.
    pub fn modules(&self) -> Vec<ModuleInfo> {
        (self.table.modules())(self.ctx).into()
    }

    /// The registered interfaces, of one kind or all.
    pub fn interfaces(&self, kind: Option<InterfaceKind>) -> Vec<InterfaceInfo> {
        (self.table.interfaces())(self.ctx, kind.into()).into()
    }

    /// Loads module `name`.
    pub fn load_module(&self, name: &str) -> Result<String, Error> {
        into_result((self.table.module_load())(self.ctx, name.into())).map(Into::into)
    }

    /// Unloads module `name` (refused while calls use it).
    pub fn unload_module(&self, name: &str) -> Result<String, Error> {
        into_result((self.table.module_unload())(self.ctx, name.into())).map(Into::into)
    }

    /// Reloads module `name`: new calls use the new build, running calls keep the old.
    pub fn reload_module(&self, name: &str) -> Result<String, Error> {
        into_result((self.table.module_reload())(self.ctx, name.into())).map(Into::into)
    }

    /// Re-reads the configuration; a broken one is refused and the running one stays.
    pub fn reload_xml(&self) -> Result<String, Error> {
        into_result((self.table.reload_xml())(self.ctx)).map(Into::into)
    }

    /// The core's counters.
    pub fn status(&self) -> CoreStatus {
        (self.table.core_status())(self.ctx)
    }

    /// Runs `job` on the core's thread pool (threads are reused, not created per job).
    pub fn run_task(&self, job: impl FnOnce() + Send + 'static) -> Result<(), Error> {
        into_result((self.table.run_task())(
            self.ctx,
            crate::host::task::task(job),
        ))
    }

    /// Asks the core to hang up every call and exit.
    pub fn shutdown(&self) {
        (self.table.shutdown())(self.ctx);
    }
}

/// Converts an FFI result.
pub(crate) fn into_result<T>(result: RResult<T, Error>) -> Result<T, Error> {
    result.into_result()
}
