//! API commands: named commands for the console and the event socket (`status`,
//! `show channels`, `originate`).

use abi_stable::{
    sabi_trait,
    std_types::{RBox, ROption, RResult, RStr, RString},
    StableAbi,
};

use crate::{guard::guard, Error, Host, Session, SessionId};

/// What `show api` lists.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct ApiDesc {
    pub name: RString,
    pub description: RString,
    pub syntax: RString,
}

impl ApiDesc {
    /// A description.
    pub fn new(name: &str, description: &str, syntax: &str) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            syntax: syntax.into(),
        }
    }
}

/// An API command, as a module author writes it.
pub trait Api: Send + Sync + 'static {
    /// Runs the command with `args` (the text after the command name) and returns its
    /// output. `session` is the session the command runs for, if any. An error's message is
    /// shown as `-ERR <message>`.
    fn execute(&self, host: Host, args: &str, session: Option<Session>) -> Result<String, Error>;
}

/// The FFI-safe form of [`Api`].
#[sabi_trait]
pub trait FfiApi: Send + Sync {
    /// See [`Api::execute`].
    fn execute(
        &self,
        host: Host,
        args: RStr<'_>,
        session: ROption<SessionId>,
    ) -> RResult<RString, Error>;
}

/// An owned FFI API object.
pub type FfiApiBox = FfiApi_TO<'static, RBox<()>>;

struct Guarded<A>(A);

impl<A: Api> FfiApi for Guarded<A> {
    fn execute(
        &self,
        host: Host,
        args: RStr<'_>,
        session: ROption<SessionId>,
    ) -> RResult<RString, Error> {
        let session = session.into_option().map(|id| host.session(id));
        guard("api", || {
            self.0
                .execute(host, args.as_str(), session)
                .map(RString::from)
        })
    }
}

/// An API command ready to register.
#[repr(C)]
#[derive(StableAbi)]
pub struct ApiRecord {
    pub desc: ApiDesc,
    pub object: FfiApiBox,
}

impl ApiRecord {
    /// Wraps `api` so that every call is panic-contained.
    pub fn new(desc: ApiDesc, api: impl Api) -> Self {
        Self {
            desc,
            object: FfiApi_TO::from_value(Guarded(api), abi_stable::sabi_trait::TD_Opaque),
        }
    }
}
