//! Applications: a named step run on a session (`answer`, `park`, `playback`).

use abi_stable::{
    sabi_trait,
    std_types::{RBox, RResult, RStr, RString},
    StableAbi,
};

use crate::{guard::guard, Error, Session};

/// Application flags.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct AppFlags(pub u32);

impl AppFlags {
    /// May run before the channel has media (FreeSWITCH's `SAF_SUPPORT_NOMEDIA`).
    pub const SUPPORT_NOMEDIA: AppFlags = AppFlags(1);
    /// May run inline during the dialplan hunt (`SAF_ROUTING_EXEC`).
    pub const ROUTING_EXEC: AppFlags = AppFlags(2);

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: AppFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

/// What `show application` lists.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct ApplicationDesc {
    pub name: RString,
    pub description: RString,
    pub syntax: RString,
    pub flags: AppFlags,
}

impl ApplicationDesc {
    /// A description with no flags.
    pub fn new(name: &str, description: &str, syntax: &str) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            syntax: syntax.into(),
            flags: AppFlags::default(),
        }
    }

    /// The same description with `flags`.
    #[must_use]
    pub fn with_flags(mut self, flags: AppFlags) -> Self {
        self.flags = flags;
        self
    }
}

/// An application, as a module author writes it.
pub trait Application: Send + Sync + 'static {
    /// Runs on `session`'s own thread with the argument string from the dialplan. It may
    /// block (sleep, wait for digits); it should return soon after the channel hangs up.
    /// An error is logged, and hangs the call up if it carries a cause.
    fn run(&self, session: Session, arg: &str) -> Result<(), Error>;
}

/// The FFI-safe form of [`Application`].
#[sabi_trait]
pub trait FfiApplication: Send + Sync {
    /// See [`Application::run`].
    fn run(&self, session: Session, arg: RStr<'_>) -> RResult<(), Error>;
}

/// An owned FFI application object.
pub type FfiApplicationBox = FfiApplication_TO<'static, RBox<()>>;

struct Guarded<A>(A);

impl<A: Application> FfiApplication for Guarded<A> {
    fn run(&self, session: Session, arg: RStr<'_>) -> RResult<(), Error> {
        guard("application", || self.0.run(session, arg.as_str()))
    }
}

/// An application ready to register.
#[repr(C)]
#[derive(StableAbi)]
pub struct ApplicationRecord {
    pub desc: ApplicationDesc,
    pub object: FfiApplicationBox,
}

impl ApplicationRecord {
    /// Wraps `app` so that every call is panic-contained.
    pub fn new(desc: ApplicationDesc, app: impl Application) -> Self {
        Self {
            desc,
            object: FfiApplication_TO::from_value(Guarded(app), abi_stable::sabi_trait::TD_Opaque),
        }
    }
}
