//! The stable module ABI of ferroswitch.
//!
//! A ferroswitch module is a `cdylib` that depends on this crate (and on `abi_stable`, whose
//! export attribute the [`export_module!`] macro uses). It exports one root module, loaded at
//! start-up by the core, whose `load` receives a [`Host`] (the functions the core offers) and a
//! [`Registrar`] through which the module registers typed interfaces of every kind:
//!
//! | kind | trait to implement | description record |
//! |---|---|---|
//! | endpoint | [`Endpoint`] + [`ChannelIo`] | [`EndpointDesc`] |
//! | application | [`Application`] | [`ApplicationDesc`] |
//! | api | [`Api`] | [`ApiDesc`] |
//! | codec | [`Codec`] + [`Encoder`] / [`Decoder`] | [`CodecDesc`] |
//! | dialplan | [`Dialplan`] | [`DialplanDesc`] |
//! | format | [`Format`] + [`FileReader`] / [`FileWriter`] | [`FormatDesc`] |
//! | logger | [`Logger`] | [`LoggerDesc`] |
//! | timer | [`Timer`] + [`TimerInstance`] | [`TimerDesc`] |
//! | state handler | [`StateHandler`] | [`StateHandlerDesc`] |
//! | event handler | [`EventHandler`] | [`EventHandlerDesc`] |
//!
//! ```no_run
//! use ferroswitch_abi::prelude::*;
//!
//! struct Hello;
//! impl Application for Hello {
//!     fn run(&self, session: Session, arg: &str) -> Result<(), Error> {
//!         session.log(LogLevel::Info, &format!("hello {arg}"));
//!         Ok(())
//!     }
//! }
//!
//! fn load(_host: Host, registrar: &mut Registrar<'_>) -> Result<(), Error> {
//!     registrar.add_application(ApplicationDesc::new("hello", "Says hello", "<name>"), Hello)
//! }
//!
//! ferroswitch_abi::export_module!(name: "mod_hello", description: "Says hello", load: load);
//! ```
//!
//! Every function the module exports, and every method of every interface, runs under
//! `catch_unwind` inside the module: a panic becomes an [`Error`] of kind
//! [`ErrorKind::PANICKED`], so a faulty module fails one call, never the process. Nothing but
//! types from this crate and `abi_stable`'s FFI-safe types crosses the boundary.

pub mod codec_string;
pub mod dtmf_string;
pub mod error;
pub mod expand;
pub mod guard;
pub mod host;
pub mod kinds;
pub mod registrar;
pub mod root;
pub mod types;

pub use error::{Error, ErrorKind};
pub use host::{Host, HostCtx, HostTable, HostTableRef, Session};
pub use kinds::*;
pub use registrar::{FfiRegistrar, FfiRegistrarMut, FfiRegistrar_TO, Registrar};
pub use root::{Module, ModuleRef};
pub use types::*;

/// Re-exports that [`export_module!`] expands to; not for direct use.
#[doc(hidden)]
pub mod reexports {
    pub use abi_stable;
}

/// Configuration trees: the XML of a module's `<configuration>` element.
pub use ferroswitch_xml as xml;

/// What a module author usually needs, in one import.
pub mod prelude {
    pub use crate::{kinds::*, types::*, Error, ErrorKind, Host, Registrar, Session};
    pub use abi_stable::std_types::{RStr, RString, RVec};
}
