//! Typed registration: what a module's `load` calls to offer its interfaces.
//!
//! The core implements [`FfiRegistrar`]; a module sees it through [`Registrar`], whose
//! `add_*` methods take plain Rust trait objects and wrap them, inside the module, into
//! panic-contained FFI objects. Each call returns an error when the name is taken; if `load`
//! then fails, the core drops everything that module registered.

use abi_stable::{sabi_trait, sabi_types::RMut, std_types::RResult};

use crate::{kinds::*, Error};

/// The registrar as the core implements it.
#[sabi_trait]
pub trait FfiRegistrar {
    fn add_endpoint(&mut self, record: EndpointRecord) -> RResult<(), Error>;
    fn add_application(&mut self, record: ApplicationRecord) -> RResult<(), Error>;
    fn add_api(&mut self, record: ApiRecord) -> RResult<(), Error>;
    fn add_codec(&mut self, record: CodecRecord) -> RResult<(), Error>;
    fn add_dialplan(&mut self, record: DialplanRecord) -> RResult<(), Error>;
    fn add_format(&mut self, record: FormatRecord) -> RResult<(), Error>;
    fn add_logger(&mut self, record: LoggerRecord) -> RResult<(), Error>;
    fn add_timer(&mut self, record: TimerRecord) -> RResult<(), Error>;
    fn add_state_handler(&mut self, record: StateHandlerRecord) -> RResult<(), Error>;
    #[sabi(last_prefix_field)]
    fn add_event_handler(&mut self, record: EventHandlerRecord) -> RResult<(), Error>;
}

/// The borrowed FFI registrar passed to `load`.
pub type FfiRegistrarMut<'a> = FfiRegistrar_TO<'a, RMut<'a, ()>>;

/// The registrar a module's `load` receives.
pub struct Registrar<'a> {
    inner: FfiRegistrarMut<'a>,
}

impl<'a> Registrar<'a> {
    /// Wraps the core's registrar (the export macro does this).
    pub fn new(inner: FfiRegistrarMut<'a>) -> Self {
        Self { inner }
    }

    /// Registers an endpoint (its name is its dial-string prefix).
    pub fn add_endpoint(
        &mut self,
        desc: EndpointDesc,
        endpoint: impl Endpoint,
    ) -> Result<(), Error> {
        self.inner
            .add_endpoint(EndpointRecord::new(desc, endpoint))
            .into_result()
    }

    /// Registers an application.
    pub fn add_application(
        &mut self,
        desc: ApplicationDesc,
        app: impl Application,
    ) -> Result<(), Error> {
        self.inner
            .add_application(ApplicationRecord::new(desc, app))
            .into_result()
    }

    /// Registers an API command.
    pub fn add_api(&mut self, desc: ApiDesc, api: impl Api) -> Result<(), Error> {
        self.inner.add_api(ApiRecord::new(desc, api)).into_result()
    }

    /// Registers a codec.
    pub fn add_codec(&mut self, desc: CodecDesc, codec: impl Codec) -> Result<(), Error> {
        self.inner
            .add_codec(CodecRecord::new(desc, codec))
            .into_result()
    }

    /// Registers a dialplan.
    pub fn add_dialplan(
        &mut self,
        desc: DialplanDesc,
        dialplan: impl Dialplan,
    ) -> Result<(), Error> {
        self.inner
            .add_dialplan(DialplanRecord::new(desc, dialplan))
            .into_result()
    }

    /// Registers a file format.
    pub fn add_format(&mut self, desc: FormatDesc, format: impl Format) -> Result<(), Error> {
        self.inner
            .add_format(FormatRecord::new(desc, format))
            .into_result()
    }

    /// Registers a logger.
    pub fn add_logger(&mut self, desc: LoggerDesc, logger: impl Logger) -> Result<(), Error> {
        self.inner
            .add_logger(LoggerRecord::new(desc, logger))
            .into_result()
    }

    /// Registers a timer.
    pub fn add_timer(&mut self, desc: TimerDesc, timer: impl Timer) -> Result<(), Error> {
        self.inner
            .add_timer(TimerRecord::new(desc, timer))
            .into_result()
    }

    /// Registers a global state handler.
    pub fn add_state_handler(
        &mut self,
        desc: StateHandlerDesc,
        handler: impl StateHandler,
    ) -> Result<(), Error> {
        self.inner
            .add_state_handler(StateHandlerRecord::new(desc, handler))
            .into_result()
    }

    /// Registers an event handler.
    pub fn add_event_handler(
        &mut self,
        desc: EventHandlerDesc,
        handler: impl EventHandler,
    ) -> Result<(), Error> {
        self.inner
            .add_event_handler(EventHandlerRecord::new(desc, handler))
            .into_result()
    }
}
